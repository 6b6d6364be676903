#pragma once

#include "sandbox/httpexchange.h"

#include <QByteArray>
#include <QSet>
#include <QString>

#include <optional>

namespace afx::sandbox {

// The sandbox provider's sign-in sessions, kept in a browser cookie so that a second
// authorization request from the same browser skips the login page (single sign-on), as hosted
// providers do.
//
// The cookie value is "<payload>.<mac>": the payload is base64url JSON with sid, sub, auth_time
// and exp, and the mac is its HMAC-SHA256 under a key derived from the provider's signing key.
// A sandbox restarted with the same signing key therefore still recognises a kept cookie. Ended
// sessions (logout) are remembered by sid for as long as this object lives.
class LoginSessions {
public:
    // Cookies do not separate ports, so this name differs from every other local server's.
    static inline const QByteArray cookieName = QByteArrayLiteral("sandbox_session");
    static constexpr qint64 lifetimeSeconds = 8 * 3600;

    struct Session {
        QString sid;
        QString sub;
        qint64 authTime = 0; // seconds since the epoch: when the user entered the password
    };

    // Sets the MAC key. Sessions signed with another key are not recognised.
    void setKey(const QByteArray &secret);

    // Starts a session for `sub` and returns the Set-Cookie header value for it.
    QByteArray start(const QString &sub, qint64 now, Session *session = nullptr);
    // The session named by the request's Cookie header, when its MAC is right, it has not
    // expired at `now` and was not ended.
    std::optional<Session> find(const HttpRequest &request, qint64 now) const;
    void end(const QString &sid) { m_ended.insert(sid); }
    // A Set-Cookie header value that makes the browser delete the session cookie.
    static QByteArray deletionCookie();

private:
    QByteArray mac(const QByteArray &payload) const;

    QByteArray m_key;
    QSet<QString> m_ended;
};

} // namespace afx::sandbox
