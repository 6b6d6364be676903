#pragma once

#include "oidc/formencoding.h"
#include "oidc/pkce.h"

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace afx {
struct Profile;
}

namespace afx::oidc {

// One authorization request (RFC 6749 section 4.1.1, OIDC Core section 3.1.2.1) and the
// values the callback and the token request must match.
struct AuthRequest {
    QUrl authorizationEndpoint;
    QString clientId;
    QString redirectUri; // exact string sent; the token request repeats it (RFC 6749 section 4.1.3)
    QString responseType = QStringLiteral("code");
    QString responseMode; // empty: not sent
    QString scope;
    QByteArray state;
    QByteArray nonce;
    Pkce pkce;
    FormFields extraParams; // audience, resource, prompt, login_hint, ... in order
    QDateTime createdAt;

    // Fills a request from a profile: fresh state, nonce and PKCE; scopes joined with spaces;
    // extraParams = audience and resource (when set), then the profile's extra parameters.
    static AuthRequest fromProfile(const Profile &profile, const QUrl &authorizationEndpoint,
                                   const QString &redirectUri);

    // The full authorize URL. Parameters are form-encoded by formEncode (a '+' in a value
    // becomes %2B) and redirectUri is sent as the exact string, port included. Parameters
    // already in the endpoint's query are kept first, byte for byte, unless the request sets a
    // parameter of the same name. Then come response_type, client_id, redirect_uri,
    // response_mode (when set), scope
    // (when set), state, nonce (when set) and, for a response type containing "code",
    // code_challenge and code_challenge_method=S256.
    //
    // Extra parameters follow in order, with one rule so that no parameter is sent twice:
    // - response_type, response_mode, client_id, redirect_uri, state, nonce, code_challenge and
    //   code_challenge_method bind the response to this attempt (and tell the app where to read
    //   it), so an extra parameter with one of these names is ignored and listed by
    //   ignoredExtraParams();
    // - "resource" is appended every time, because RFC 8707 section 2 allows it more than once;
    // - any other name already present (scope, or an earlier extra parameter such as prompt)
    //   gets the new value in its first position.
    QUrl toUrl() const;

    // The request's parameters as toUrl() sends them, without the endpoint's own query: the
    // body of a pushed authorization request (RFC 9126).
    FormFields parameters() const;

    // The authorize URL after a pushed authorization request: only client_id and request_uri
    // (RFC 9126 section 4), after the endpoint's own query.
    QUrl toPushedUrl(const QString &requestUri) const;

    // Names of the extra parameters that toUrl() ignores, in order, for a warning to the user.
    QStringList ignoredExtraParams() const;
};

} // namespace afx::oidc
