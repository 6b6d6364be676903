#include "browser/webengineuseragent.h"


#include <QCryptographicHash>
#include <QDir>
#include <QLoggingCategory>
#include <QWebEngineCookieStore>
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
    for (const auto &[profile, path] : std::as_const(m_retired))
        delete profile;
}

void WebEngineUserAgent::setSession(const QString &key, const QString &storagePath)
{
    m_sessionKey = key;
    m_sessionPath = storagePath;
}

void WebEngineUserAgent::clearSession(const QString &key, const QString &storagePath)
{
    m_cookies.remove(key);
    QWebEngineProfile *profile = m_profiles.take(key);
    const QString loadedPath = m_storagePaths.take(key);
    if (profile) {
        if (m_page && m_page->profile() == profile) {
            // Later, not now: a logout's callback reaches here from inside the page's own
            // navigation hook, and deleting the page there crashed Qt WebEngine 6.4.
            m_active = false;
            m_page->deleteLater();
            m_page = nullptr;
        }
        profile->cookieStore()->deleteAllCookies();
        profile->clearHttpCache();
        retireProfile(key, profile, loadedPath);
    }
    // A folder that no open profile uses can go as a whole.
    if (!storagePath.isEmpty() && storagePath != loadedPath && !m_retired.contains(key) && QDir(storagePath).exists()
        && !QDir(storagePath).removeRecursively())
        qCWarning(lcBrowser).noquote() << "Could not delete the browser session folder" << storagePath;
}

void WebEngineUserAgent::retireProfile(const QString &key, QWebEngineProfile *profile, const QString &storagePath)
{
    if (storagePath.isEmpty()) {
        profile->deleteLater(); // after its page, whose deletion may be pending too
        return;
    }
    // NOTE: Qt WebEngine 6.4 crashed here when a disk-based profile was deleted and its folder
    // removed while Chromium still wrote to it. Such a profile therefore stays open, with its
    // cookies deleted, until the app quits, and is reused when the session is kept again.
    m_retired.insert(key, {profile, storagePath});
}

QWebEngineProfile *WebEngineUserAgent::sessionProfile()
{
    QPointer<QWebEngineProfile> &profile = m_profiles[m_sessionKey];
    if (profile && m_storagePaths.value(m_sessionKey) != m_sessionPath) {
        // The profile switched between a kept and an in-memory session: start the new kind.
        if (m_page && m_page->profile() == profile)
            releasePage();
        retireProfile(m_sessionKey, profile, m_storagePaths.value(m_sessionKey));
        profile = nullptr;
        m_cookies.remove(m_sessionKey);
    }
    if (profile)
        return profile;

    const auto retired = m_retired.constFind(m_sessionKey);
    if (!m_sessionPath.isEmpty() && retired != m_retired.constEnd() && retired->second == m_sessionPath && retired->first) {
        profile = retired->first;
        m_retired.remove(m_sessionKey);
        m_storagePaths.insert(m_sessionKey, m_sessionPath);
        return profile;
    }

    if (m_sessionPath.isEmpty()) {
        // No storage name: an off-the-record profile, so nothing reaches the disk.
        profile = new QWebEngineProfile(this);
        profile->setPersistentCookiesPolicy(QWebEngineProfile::NoPersistentCookies);
    } else {
        // The storage name must be unique per profile and file-name safe, hence the hash.
        const QString storageName = QStringLiteral("session-")
            + QString::fromLatin1(QCryptographicHash::hash(m_sessionKey.toUtf8(), QCryptographicHash::Sha256).toHex().left(16));
        profile = new QWebEngineProfile(storageName, this);
        profile->setPersistentStoragePath(m_sessionPath);
        profile->setCachePath(m_sessionPath + QStringLiteral("/cache"));
        profile->setPersistentCookiesPolicy(QWebEngineProfile::ForcePersistentCookies);
    }
    profile->setHttpCacheType(QWebEngineProfile::MemoryHttpCache);
    m_storagePaths.insert(m_sessionKey, m_sessionPath);

    const QString key = m_sessionKey;
    QWebEngineCookieStore *store = profile->cookieStore();
    connect(store, &QWebEngineCookieStore::cookieAdded, this, [this, key](const QNetworkCookie &cookie) { onCookieAdded(key, cookie); });
    connect(store, &QWebEngineCookieStore::cookieRemoved, this, [this, key](const QNetworkCookie &cookie) { onCookieRemoved(key, cookie); });
    store->loadAllCookies(); // reports the cookies kept from earlier runs through cookieAdded
    return profile;
}

namespace {

bool sameCookie(const QNetworkCookie &a, const QNetworkCookie &b)
{
    return a.name() == b.name() && a.domain() == b.domain() && a.path() == b.path();
}

// RFC 6265 section 5.1.3: the host is the cookie's domain or a subdomain of it.
bool domainMatches(const QString &host, const QString &cookieDomain)
{
    QString domain = cookieDomain.toLower();
    if (domain.startsWith(QLatin1Char('.')))
        domain.remove(0, 1);
    const QString lowerHost = host.toLower();
    return lowerHost == domain || lowerHost.endsWith(QLatin1Char('.') + domain);
}

QString cookieLine(const QNetworkCookie &cookie)
{
    QStringList parts{QString::fromUtf8(cookie.name()) + QLatin1Char('=') + QString::fromUtf8(cookie.value())};
    parts << QStringLiteral("Domain=") + cookie.domain() << QStringLiteral("Path=") + cookie.path();
    parts << (cookie.isSessionCookie() ? QStringLiteral("session cookie")
                                       : QStringLiteral("Expires=") + cookie.expirationDate().toUTC().toString(Qt::ISODate));
    if (cookie.isSecure())
        parts << QStringLiteral("Secure");
    if (cookie.isHttpOnly())
        parts << QStringLiteral("HttpOnly");
    return parts.join(QStringLiteral("; "));
}

} // namespace

QStringList WebEngineUserAgent::cookieLines(const QString &key, const QString &host) const
{
    QStringList lines;
    for (const QNetworkCookie &cookie : m_cookies.value(key)) {
        if (domainMatches(host, cookie.domain()))
            lines << cookieLine(cookie);
    }
    return lines;
}

void WebEngineUserAgent::onCookieAdded(const QString &key, const QNetworkCookie &cookie)
{
    QList<QNetworkCookie> &cookies = m_cookies[key];
    cookies.removeIf([&](const QNetworkCookie &known) { return sameCookie(known, cookie); });
    cookies.append(cookie);
    if (!m_trace || key != m_sessionKey)
        return;
    m_trace->addSecret(QString::fromUtf8(cookie.value())); // a session cookie signs the user in
    // The cookie came with the latest response from its host: list it on that step.
    for (auto it = m_runHops.crbegin(); it != m_runHops.crend(); ++it) {
        if (*it >= m_trace->count())
            continue;
        const QString host = QUrl(m_trace->step(*it).request.url).host();
        if (!domainMatches(host, cookie.domain()))
            continue;
        const QStringList lines = cookieLines(key, host);
        m_trace->update(*it, [&](TraceStep &step) { step.cookies = lines; });
        break;
    }
}

void WebEngineUserAgent::onCookieRemoved(const QString &key, const QNetworkCookie &cookie)
{
    m_cookies[key].removeIf([&](const QNetworkCookie &known) { return sameCookie(known, cookie); });
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
    return m_trace->lifelineForAuthority(authority, url.host().isEmpty() ? url.scheme() : url.host());
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
    m_runHops.clear();
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

    m_page = new CallbackCatchingPage(sessionProfile(), this);
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
        step.cookies = cookieLines(m_sessionKey, url.host()); // the browser sends these with the request
        for (const QNetworkCookie &cookie : m_cookies.value(m_sessionKey))
            m_trace->addSecret(QString::fromUtf8(cookie.value()));
        m_openHop = m_trace->append(step);
        m_runHops.append(m_openHop);
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
