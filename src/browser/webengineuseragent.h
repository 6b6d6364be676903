#pragma once

#include "flow/useragent.h"

#include <QElapsedTimer>
#include <QHash>
#include <QNetworkCookie>
#include <QTimer>
#include <QPointer>
#include <QUrl>
#include <QWebEngineView>

class QWebEngineLoadingInfo;
class QWebEngineProfile;

namespace afx::browser {

class CallbackCatchingPage;

// Runs the authorization request in an embedded QWebEngineView. Each session key (an app
// profile) gets its own QWebEngineProfile: off the record, so that cookies stay in memory
// between its logins and never reach the disk, unless the session has a storage folder. The
// redirect URI is caught in QWebEnginePage::acceptNavigationRequest and never loaded.
class WebEngineUserAgent : public UserAgent {
    Q_OBJECT
public:
    // `view` shows the pages; the agent replaces its page for every login.
    explicit WebEngineUserAgent(QWebEngineView *view, QObject *parent = nullptr);
    ~WebEngineUserAgent() override;

    // Lifelines: navigations to these authorities are drawn on the Provider / Backend lifelines;
    // any other host gets a lifeline of its own.
    void setProviderUrl(const QUrl &issuer) { m_providerAuthority = authorityOf(issuer); }
    void setBackendUrl(const QUrl &backend) { m_backendAuthority = authorityOf(backend); }

    void startAuthorization(const QUrl &authorizeUrl, const oidc::RedirectMatcher &matcher) override;
    void cancel() override;
    bool tracesPages() const override { return true; }

    // Logins with the same key share the provider's cookies (single sign-on); other keys do not.
    // A non-empty `storagePath` keeps the session's cookies in that folder between app runs.
    void setSession(const QString &key, const QString &storagePath);
    // Deletes the session's cookies and cache, in memory and in `storagePath`.
    void clearSession(const QString &key, const QString &storagePath);

    QWebEngineView *view() const { return m_view; }

private:
    friend class CallbackCatchingPage;
    bool onNavigation(const QUrl &url, int type, bool isMainFrame);
    void onLoadingChanged(const QWebEngineLoadingInfo &info);
    void closeOpenHop(int status, const QString &detail);
    // Reports embeddedBrowserRefused() when the loaded page is a provider's "this browser is
    // not allowed" page.
    void checkForRefusal(const QUrl &url);
    QString lifelineFor(const QUrl &url);
    QWebEngineProfile *sessionProfile();
    // Deletes an in-memory profile; keeps a disk-based one open (see the note in the source).
    void retireProfile(const QString &key, QWebEngineProfile *profile, const QString &storagePath);
    void onCookieAdded(const QString &key, const QNetworkCookie &cookie);
    void onCookieRemoved(const QString &key, const QNetworkCookie &cookie);
    // The session's cookies that the browser sends to `host`, one "name=value; attributes" line each.
    QStringList cookieLines(const QString &key, const QString &host) const;
    static QString authorityOf(const QUrl &url);
    void releasePage();
    // Creates a fresh profile and page and loads the authorize URL in them.
    void load(const QUrl &authorizeUrl);
    static constexpr int startTimeoutMs = 10000;

    QPointer<QWebEngineView> m_view;
    QPointer<CallbackCatchingPage> m_page;
    // One browser session (cookie jar) per key, usually an app profile's id, kept in memory
    // until the app quits or clearSession().
    QHash<QString, QPointer<QWebEngineProfile>> m_profiles;
    QHash<QString, QString> m_storagePaths; // of the profiles in m_profiles; empty: in memory
    QHash<QString, QList<QNetworkCookie>> m_cookies;
    // Disk-based profiles whose session was cleared or switched off, with their folders.
    QHash<QString, QPair<QPointer<QWebEngineProfile>, QString>> m_retired;
    QString m_sessionKey;
    QString m_sessionPath;
    QList<int> m_runHops; // the browser steps of the current login, for their cookie lists
    oidc::RedirectMatcher m_matcher;
    QString m_providerAuthority;
    QString m_backendAuthority;
    int m_openHop = -1; // trace step of the navigation in progress
    QUrl m_openHopUrl;
    QElapsedTimer m_hopTimer;
    bool m_active = false;
    // Restarts a login whose page never began to load (seen once under heavy load, with a
    // failed GPU command buffer in the log), then gives up with a message.
    QTimer m_startWatchdog;
    QUrl m_startUrl;
    int m_startAttempts = 0;
};

} // namespace afx::browser
