#pragma once

#include "flow/trace.h"
#include "oidc/callback.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

namespace afx {

// The front channel: something that shows the authorization page to the user and reports
// the redirect back to the app. Implementations: the embedded browser (gui), a system browser
// with a loopback listener, and scripted agents in tests. An agent records each browser hop
// as a Front step in the trace it is given.
class UserAgent : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    void setTrace(Trace *trace) { m_trace = trace; }

    // Loads `authorizeUrl`. When a navigation matches `matcher`, the agent stops it (the
    // redirect URI is never loaded) and emits callbackReceived once per navigation.
    virtual void startAuthorization(const QUrl &authorizeUrl, const oidc::RedirectMatcher &matcher) = 0;
    virtual void cancel() = 0;
    // True when the agent appends a trace step for each page and form post, so that a login
    // without any form post can be drawn as single sign-on.
    virtual bool tracesPages() const { return false; }

Q_SIGNALS:
    void callbackReceived(const QUrl &callbackUrl);
    // The page stopped somewhere that is not the redirect URI (a provider error page, a
    // network error); `message` names the URL and the failure.
    void failed(const QString &message);
    // The provider refuses to sign users in inside this (embedded) browser, as Google does with
    // disallowed_useragent. The system browser is the way out (RFC 8252 section 8.12).
    void embeddedBrowserRefused(const QString &message);

protected:
    QPointer<Trace> m_trace;
};

} // namespace afx
