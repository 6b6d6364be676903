#include "browser/webengineuseragent.h"


#include <QLoggingCategory>
#include <QWebEngineLoadingInfo>
#include <QWebEnginePage>
#include <QWebEngineProfile>
#include <QWebEngineSettings>
#include <QWebEngineView>

Q_LOGGING_CATEGORY(lcBrowser, "afx.browser", QtInfoMsg)

namespace afx::browser {

class CallbackCatchingPage : public QWebEnginePage {
public:
    CallbackCatchingPage(QWebEngineProfile *profile, WebEngineUserAgent *agent)
        : QWebEnginePage(profile, agent)
        , m_agent(agent)
    {
    }

protected:
    bool acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame) override
    {
        // Matched on the URL alone: server 302s, script redirects and form posts followed by
        // a redirect all arrive as NavigationTypeRedirect or other types.
        return m_agent->onNavigation(url, int(type), isMainFrame);
    }

    // Pop-ups (target=_blank, window.open) open in this same page.
    QWebEnginePage *createWindow(WebWindowType) override { return this; }

private:
    WebEngineUserAgent *m_agent;
};

namespace {

QString navigationTypeName(int type)
{
    switch (QWebEnginePage::NavigationType(type)) {
    case QWebEnginePage::NavigationTypeLinkClicked:
        return QStringLiteral("link");
    case QWebEnginePage::NavigationTypeTyped:
        return QStringLiteral("typed");
    case QWebEnginePage::NavigationTypeFormSubmitted:
        return QStringLiteral("form submitted");
    case QWebEnginePage::NavigationTypeBackForward:
        return QStringLiteral("back/forward");
    case QWebEnginePage::NavigationTypeReload:
        return QStringLiteral("reload");
    case QWebEnginePage::NavigationTypeRedirect:
        return QStringLiteral("redirect");
    case QWebEnginePage::NavigationTypeOther:
        return QStringLiteral("other");
    }
    return QStringLiteral("other");
}

} // namespace

WebEngineUserAgent::WebEngineUserAgent(QWebEngineView *view, QObject *parent)
    : UserAgent(parent)
    , m_view(view)
{
    m_startWatchdog.setSingleShot(true);
    m_startWatchdog.setInterval(startTimeoutMs);
    connect(&m_startWatchdog, &QTimer::timeout, this, [this] {
        if (!m_active)
            return;
        if (m_startAttempts < 2) {
            qCWarning(lcBrowser) << "The login page did not start loading; trying once more with a new page";
            load(m_startUrl);
            return;
        }
        m_active = false;
        Q_EMIT failed(tr("The embedded browser did not start loading %1 within %2 seconds, twice. Cancel and log in "
                         "again, or switch the profile to the system browser.")
                          .arg(m_startUrl.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment).toString())
                          .arg(startTimeoutMs / 1000));
    });
}

WebEngineUserAgent::~WebEngineUserAgent()
{
    releasePage();
    qDeleteAll(m_profiles); // after their pages
}

void WebEngineUserAgent::clearSession(const QString &key)
{
    QWebEngineProfile *profile = m_profiles.take(key);
    if (!profile)
        return;
    if (m_page && m_page->profile() == profile) {
        m_active = false;
        releasePage();
    }
    delete profile;
}

QString WebEngineUserAgent::authorityOf(const QUrl &url)
{
    if (!url.isValid() || url.host().isEmpty())
        return {};
    return url.host().toLower() + QLatin1Char(':') + QString::number(url.port(url.scheme() == QLatin1String("https") ? 443 : 80));
}

QString WebEngineUserAgent::lifelineFor(const QUrl &url)
{
    const QString authority = authorityOf(url);
    if (!authority.isEmpty() && authority == m_providerAuthority)
        return Trace::Provider;
    if (!authority.isEmpty() && authority == m_backendAuthority)
        return Trace::Backend;
    if (!m_trace)
        return Trace::Provider;
    return m_trace->ensureHostLifeline(url.host().isEmpty() ? url.scheme() : url.host());
}

void WebEngineUserAgent::releasePage()
{
    // The view notices its page being deleted. Profiles outlive their pages: they keep the
    // provider's cookies for the next login with the same session key.
    delete m_page;
}

void WebEngineUserAgent::startAuthorization(const QUrl &authorizeUrl, const oidc::RedirectMatcher &matcher)
{
    m_matcher = matcher;
    m_active = true;
    m_startAttempts = 0;
    m_startUrl = authorizeUrl;
    load(authorizeUrl);
}

void WebEngineUserAgent::load(const QUrl &authorizeUrl)
{
    releasePage();
    m_openHop = -1;
    ++m_startAttempts;
    m_startWatchdog.start();

    QPointer<QWebEngineProfile> &profile = m_profiles[m_sessionKey];
    if (!profile) {
        // No storage name: an off-the-record profile, so nothing reaches the disk.
        profile = new QWebEngineProfile(this);
        profile->setHttpCacheType(QWebEngineProfile::MemoryHttpCache);
        profile->setPersistentCookiesPolicy(QWebEngineProfile::NoPersistentCookies);
    }
    m_page = new CallbackCatchingPage(profile, this);
    // Without this policy Chromium drops a navigation to a custom scheme that no user gesture
    // started, before acceptNavigationRequest runs, and the callback would be lost.
    m_page->settings()->setUnknownUrlSchemePolicy(QWebEngineSettings::AllowAllUnknownUrlSchemes);
    // loadingChanged, unlike loadFinished, reports why a load failed (an HTTP status or a network
    // error). In Qt 6.4 it also arrives after loadFinished for the same load.
    connect(m_page, &QWebEnginePage::loadingChanged, this, &WebEngineUserAgent::onLoadingChanged);
    m_view->setPage(m_page);
    m_page->load(authorizeUrl);
}

void WebEngineUserAgent::cancel()
{
    m_active = false;
    m_startWatchdog.stop();
    if (!m_page)
        return;
    // A login page left on screen would still accept a sign-in whose callback no flow waits for.
    m_page->triggerAction(QWebEnginePage::Stop);
    m_page->setHtml(tr("<html><body style=\"font-family: sans-serif; color: #555; margin: 3em;\">"
                       "<p>This login was stopped. Press <b>Log in</b> (Ctrl+L) to start a new one.</p></body></html>"));
}

void WebEngineUserAgent::checkForRefusal(const QUrl &url)
{
    // Google's page for an embedded browser carries the error code disallowed_useragent and
    // the sentence below; providers that federate to Google show the same page.
    static const QString script = QStringLiteral(
        "(function() { var t = document.documentElement ? document.documentElement.innerText : '';"
        " return t.indexOf('disallowed_useragent') >= 0 || t.indexOf('This browser or app may not be secure') >= 0; })()");
    const QPointer<CallbackCatchingPage> page = m_page;
    m_page->runJavaScript(script, [this, page, url](const QVariant &refused) {
        if (!page || page != m_page || !m_active || !refused.toBool())
            return;
        m_active = false;
        qCInfo(lcBrowser) << "The provider refused the embedded browser";
        Q_EMIT embeddedBrowserRefused(
            tr("The page %1 refuses sign-in inside an embedded browser (disallowed_useragent). Google does this, and so "
               "does every provider that sends you on to Google (RFC 8252 section 8.12). Switch the profile to the system "
               "browser with a loopback redirect URI such as http://127.0.0.1/callback.")
                .arg(url.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment).toString()));
    });
}

void WebEngineUserAgent::closeOpenHop(int status, const QString &detail)
{
    if (m_openHop < 0 || !m_trace)
        return;
    const qint64 elapsed = m_hopTimer.elapsed();
    m_trace->update(m_openHop, [&](TraceStep &step) {
        if (step.result != StepResult::Pending)
            return;
        step.response.status = status;
        step.durationMs = elapsed;
        step.result = status >= 400 ? StepResult::Failed : StepResult::Ok;
        if (!detail.isEmpty())
            step.detail = detail;
    });
    if (status >= 400 || status == 0 || status < 300)
        m_openHop = -1;
}

bool WebEngineUserAgent::onNavigation(const QUrl &url, int type, bool isMainFrame)
{
    if (!isMainFrame)
        return true;
    m_startWatchdog.stop(); // the page is loading
    if (m_openHop >= 0 && m_trace) {
        // A new navigation while the previous hop has no outcome yet. If the previous URL never
        // became the page's URL, its response was a redirect. The navigation hook gets no status
        // code, so the hop is recorded as a 3xx without guessing which one. Otherwise the page
        // loaded and then sent the browser on (a script, a form, a link), before its load finished.
        const bool committed = m_page && m_page->url() == m_openHopUrl;
        const qint64 elapsed = m_hopTimer.elapsed();
        m_trace->update(m_openHop, [&](TraceStep &step) {
            step.durationMs = elapsed;
            step.result = StepResult::Ok;
            const QString target = url.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment).toString();
            if (committed) {
                step.detail = tr("The page loaded and sent the browser on to %1 (%2 navigation).").arg(target, navigationTypeName(type));
                return;
            }
            step.title += QStringLiteral("  → 3xx");
            step.detail = tr("The server responded with a redirect to %1.").arg(target);
            step.response.headers = {{QStringLiteral("Location"), url.toString(QUrl::FullyEncoded)}};
        });
        m_openHop = -1;
    }

    if (m_matcher.matches(url)) {
        if (m_active) {
            qCInfo(lcBrowser) << "Callback caught; the redirect URI is not loaded";
            Q_EMIT callbackReceived(url);
        }
        m_active = false;
        return false;
    }

    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https") && scheme != QLatin1String("about")
        && scheme != QLatin1String("data")) {
        // Accepting it would hand the URL to the desktop (xdg-open). A custom scheme that is
        // not the redirect URI is most often a redirect URI the profile does not know.
        if (m_active) {
            m_active = false;
            Q_EMIT failed(tr("The browser was sent to %1, which is not the profile's redirect URI %2. "
                             "Check the redirect URI in the profile and in the provider's client settings.")
                              .arg(url.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment).toString(),
                                   m_matcher.redirectUri().toString()));
        }
        return false;
    }

    if (m_trace && m_active) {
        TraceStep step;
        step.from = Trace::Browser;
        step.to = lifelineFor(url);
        step.channel = Channel::Front;
        const bool form = QWebEnginePage::NavigationType(type) == QWebEnginePage::NavigationTypeFormSubmitted;
        step.title = (form ? QStringLiteral("POST ") : QStringLiteral("GET ")) + (url.path().isEmpty() ? QStringLiteral("/") : url.path());
        step.explanationKey = form ? QStringLiteral("credential-post") : QStringLiteral("browser-hop");
        if (step.to == Trace::Provider && url.path().endsWith(QLatin1String("/authorize")) && !form)
            step.explanationKey = QStringLiteral("login-page");
        step.request.method = form ? QStringLiteral("POST") : QStringLiteral("GET");
        step.request.url = url.toString(QUrl::FullyEncoded);
        if (form)
            step.request.body = QByteArrayLiteral("(form fields are sent by the browser; the app does not see them)");
        step.detail = tr("Navigation: %1.").arg(navigationTypeName(type));
        m_openHop = m_trace->append(step);
        m_openHopUrl = url;
        m_hopTimer.start();
    }
    return true;
}

void WebEngineUserAgent::onLoadingChanged(const QWebEngineLoadingInfo &info)
{
    if (!m_active)
        return;
    switch (info.status()) {
    case QWebEngineLoadingInfo::LoadStartedStatus:
    case QWebEngineLoadingInfo::LoadStoppedStatus:
        return;
    case QWebEngineLoadingInfo::LoadSucceededStatus:
        closeOpenHop(200, QString());
        checkForRefusal(info.url());
        return;
    case QWebEngineLoadingInfo::LoadFailedStatus:
        break;
    }

    // A failed load that is not the callback means the flow cannot continue from here.
    const QString url = info.url().adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment).toString();
    m_active = false;
    if (info.errorDomain() == QWebEngineLoadingInfo::HttpStatusCodeDomain) {
        const int status = info.errorCode();
        closeOpenHop(status, tr("The server responded with HTTP %1.").arg(status));
        Q_EMIT failed(tr("The page %1 returned HTTP %2 and did not redirect back to the app, so the sign-in cannot go on. "
                         "The page is shown in the Browser tab; providers explain there what they rejected, "
                         "often the redirect URI or the client id.")
                          .arg(url)
                          .arg(status));
        return;
    }
    closeOpenHop(0, tr("The page did not load: %1").arg(info.errorString()));
    Q_EMIT failed(tr("The page %1 did not load (%2). Check that the provider is reachable.").arg(url, info.errorString()));
}

} // namespace afx::browser
