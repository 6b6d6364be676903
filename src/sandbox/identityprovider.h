#pragma once

#include "sandbox/directory.h"
#include "sandbox/httpexchange.h"

#include "jose/key.h"
#include "oidc/formencoding.h"

#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QString>

#include <optional>

namespace afx::sandbox {

// The sandbox's OpenID provider: discovery, JWKS, authorization with a login page, token
// endpoint and userinfo. State (pending sign-ins, codes, refresh tokens) lives in memory.
class IdentityProvider {
public:
    static constexpr qint64 codeLifetimeSeconds = 60;
    static constexpr qint64 tokenLifetimeSeconds = 300;
    static constexpr qint64 signInLifetimeSeconds = 600;           // a login page stays usable this long
    static constexpr qint64 refreshTokenLifetimeSeconds = 8 * 3600;
    static constexpr int maxPendingSignIns = 200;                  // the oldest is dropped beyond this
    static constexpr qsizetype maxParameterLength = 2048;

    explicit IdentityProvider(const SandboxClock *clock);

    // Generates the RSA-2048 signing key. Returns false with *error set on failure.
    bool generateSigningKey(QString *error);
    // Uses `key` (an RSA private key) instead of generating one; false when it is not one.
    bool useSigningKey(const jose::Key &key);
    void setIssuer(const QString &issuer) { m_issuer = issuer; }
    QString issuer() const { return m_issuer; }
    QString graphqlUrl() const { return m_issuer + QStringLiteral("/graphql"); }
    QString keyId() const { return m_keyId; }
    // The private signing key. Tests use it to mint tokens with chosen claims.
    const jose::Key &signingKey() const { return m_signingKey; }
    // The JWK Set document that /jwks serves.
    QByteArray jwksDocument() const;

    HttpResponse discovery() const;
    HttpResponse jwks() const;
    HttpResponse authorize(const HttpRequest &request);
    HttpResponse login(const HttpRequest &request);
    HttpResponse token(const HttpRequest &request);
    HttpResponse userinfo(const HttpRequest &request);

private:
    // Transport of the authorization response to the redirect URI: its query (RFC 6749
    // section 4.1.2) or an auto-submitting HTML form (OAuth 2.0 Form Post Response Mode).
    enum class ResponseMode { Query, FormPost };

    struct PendingSignIn {
        QString clientId;
        QString redirectUri;
        ResponseMode responseMode = ResponseMode::Query;
        std::optional<QString> state;
        QString nonce;
        QString scope;
        QString codeChallenge;
        QString loginHint;
        qint64 createdAt = 0;
    };
    struct CodeGrant {
        QString clientId;
        QString redirectUri;
        QString scope;
        QString nonce;
        QString codeChallenge;
        QString sub;
        QString grantId;   // shared by every token that descends from this code
        qint64 authTime = 0;
        qint64 issuedAt = 0;
        bool redeemed = false;
    };
    struct RefreshGrant {
        QString clientId;
        QString scope;
        QString sub;
        QString grantId;
        qint64 authTime = 0;
        qint64 expiresAt = 0;
        bool rotated = false; // replaced by a newer token; using it again revokes the grant
    };

    HttpResponse renderSignIn(const QString &requestId, const PendingSignIn &signIn, const QString &email,
                              const QString &error) const;
    // Builds the response that delivers `fields` (code or error, state, iss) to the registered
    // `redirectUri` in `mode`: a 302 redirect for Query, an auto-submitting page for FormPost.
    HttpResponse buildAuthorizationResponse(const QString &redirectUri, ResponseMode mode,
                                            const oidc::FormFields &fields) const;
    HttpResponse redirectWithError(const QString &redirectUri, ResponseMode mode, const std::optional<QString> &state,
                                   const QString &error, const QString &description) const;
    HttpResponse tokenError(int status, const QString &error, const QString &description) const;
    // Authenticates the client of a token request. Returns the error response on failure.
    std::optional<HttpResponse> authenticateClient(const HttpRequest &request, const oidc::FormFields &form,
                                                   const ClientRegistration **client) const;
    HttpResponse redeemCode(const oidc::FormFields &form, const ClientRegistration &client);
    HttpResponse redeemRefreshToken(const oidc::FormFields &form, const ClientRegistration &client);
    HttpResponse issueClientToken(const oidc::FormFields &form, const ClientRegistration &client);
    HttpResponse issueTokens(const ClientRegistration &client, const QString &sub, const QString &scope,
                             qint64 authTime, const QString &nonce, const QString &grantId);
    // Checks an access token this provider issued. Returns its claims, or nullopt with *error set.
    std::optional<QJsonObject> verifyAccessToken(const QByteArray &token, QString *error) const;
    void revokeGrant(const QString &grantId);
    void removeExpired();

    const SandboxClock *m_clock;
    QString m_issuer;
    jose::Key m_signingKey;
    QString m_keyId;
    QHash<QString, PendingSignIn> m_signIns;      // by the random id in the login form
    QHash<QString, CodeGrant> m_codes;            // by code
    QHash<QString, RefreshGrant> m_refreshTokens; // by token
    struct AccessTokenRecord {
        QString grantId;
        qint64 expiresAt = 0;
    };
    QHash<QString, AccessTokenRecord> m_accessTokens; // by jti, for revocation at userinfo
    QSet<QString> m_revokedGrants;
};

// A random base64url string from `bytes` bytes of the system's cryptographic generator.
QString randomToken(int bytes = 32);
// Compares without an early exit, so that timing does not reveal how much of a secret matched.
bool constantTimeEquals(const QString &a, const QString &b);
// Keeps only the characters RFC 6749 allows in error_description (printable ASCII without
// '"' and '\'), so that the value also fits in a quoted WWW-Authenticate parameter.
QString safeErrorDescription(const QString &description);

} // namespace afx::sandbox
