#pragma once

#include "sandbox/directory.h"
#include "sandbox/faults.h"
#include "sandbox/loginsession.h"
#include "sandbox/httpexchange.h"

#include "jose/jws.h"
#include "jose/key.h"
#include "oidc/formencoding.h"

#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QString>

#include <optional>

namespace afx::sandbox {

class FaultSwitchboard;

// The sandbox's OpenID provider: discovery, JWKS, authorization with a login page (code,
// implicit and hybrid response types), pushed authorization requests, token endpoint (with the
// password grant among others), userinfo, the device authorization grant, token revocation and
// introspection, and RP-initiated logout. Clients authenticate with a secret or with a JWT
// assertion. State (pending sign-ins, pushed requests, codes, device codes, refresh tokens,
// revocations, used assertion ids) lives in memory.
class IdentityProvider {
public:
    static constexpr qint64 codeLifetimeSeconds = 60;
    static constexpr qint64 tokenLifetimeSeconds = 300;
    static constexpr qint64 signInLifetimeSeconds = 600;           // a login page stays usable this long
    static constexpr qint64 refreshTokenLifetimeSeconds = 8 * 3600;
    static constexpr int maxPendingSignIns = 200;                  // the oldest is dropped beyond this
    static constexpr qsizetype maxParameterLength = 2048;
    static constexpr qint64 deviceCodeLifetimeSeconds = 600;
    static constexpr int defaultDeviceCodeIntervalSeconds = 5;
    // Each slow_down error adds this much to the device code's interval (RFC 8628 section 3.5).
    static constexpr int slowDownStepSeconds = 5;
    static constexpr int maxDeviceCodes = 200; // the oldest is dropped beyond this
    // A request_uri from /par is valid this long, and only once (RFC 9126 section 2.2).
    static constexpr qint64 pushedRequestLifetimeSeconds = 60;
    static constexpr int maxPushedRequests = 200; // the oldest is dropped beyond this
    // Clock skew allowed for the exp, iat and nbf claims of a client assertion.
    static constexpr qint64 clientAssertionLeewaySeconds = 60;
    // The latest exp a client assertion may have, counted from now. The provider remembers each
    // assertion's jti until its exp to detect replays, so this bounds how long that is.
    static constexpr qint64 maxClientAssertionLifetimeSeconds = 3600;
    static constexpr qsizetype maxClientAssertionBytes = 8 * 1024;

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
    // The JWK Set the provider publishes now: the signing key, plus the second key while
    // key-rotation or kid-absent-multiple-keys is on. The backend reads it in process.
    QByteArray jwksDocument() const;

    // The switched-on faults that change what the provider sends, or null for none. Not owned.
    void setFaults(FaultSwitchboard *faults) { m_faults = faults; }
    // Prepares the state a fault needs when it is switched on: the second key for key-rotation
    // and kid-absent-multiple-keys, a fresh JWKS fetch count for key-rotation, and a fresh
    // slow_down for every device code for device-slow-down. Returns false with *error set
    // when the second key cannot be generated.
    bool prepareFault(SandboxFault fault, QString *error);

    HttpResponse discovery() const;
    // GET /jwks. Not const, because key-rotation counts the fetches.
    HttpResponse jwks();
    HttpResponse authorize(const HttpRequest &request);
    // POST /par (RFC 9126): validates an authorization request as /authorize does and stores it
    // under a single-use request_uri.
    HttpResponse pushAuthorizationRequest(const HttpRequest &request);
    HttpResponse login(const HttpRequest &request);
    // POST /signup, the login page's "Create account" form: creates a user with the policy of
    // the pending sign-in's authentication profile (UserDirectory::signUp()) and then ends the
    // sign-in as /login does. A rejected sign-up shows the login page again with the reason
    // and with the typed e-mail address and name, never the password.
    HttpResponse signUp(const HttpRequest &request);
    HttpResponse token(const HttpRequest &request);
    HttpResponse userinfo(const HttpRequest &request);
    // POST /device_authorization (RFC 8628 section 3.1).
    HttpResponse deviceAuthorization(const HttpRequest &request);
    // GET /device shows the user code form. POST /device takes the user code, or the decision
    // of the "Allow ... on the device?" page.
    HttpResponse device(const HttpRequest &request);

    // POST /revoke (RFC 7009) and POST /introspect (RFC 7662).
    HttpResponse revoke(const HttpRequest &request);
    HttpResponse introspect(const HttpRequest &request);
    // GET or POST /logout (OpenID Connect RP-Initiated Logout 1.0).
    HttpResponse logout(const HttpRequest &request);

    // True when the access token with these claims was revoked, by itself or with its grant.
    // The backend calls this because a JWT's signature and expiry cannot show a revocation.
    bool isAccessTokenRevoked(const QJsonObject &claims) const;

    const UserDirectory &users() const { return m_users; }
    UserDirectory &users() { return m_users; }

    // Offers "Continue with <name>" on the login page, whose form posts request_id to
    // /social/start. An empty name removes the button.
    void setSocialProviderName(const QString &name) { m_socialProviderName = name; }
    // Whether the login page's request `requestId` is still waiting for a sign-in.
    bool hasPendingSignIn(const QString &requestId) const;
    // Ends the pending sign-in `requestId` for `user`, who signed in at another provider, as a
    // successful password sign-in would. The authorization response goes to the client in the
    // requested response type and mode, or a device sign-in shows its consent page. An unknown
    // or expired request id gets an error page.
    HttpResponse completeExternalSignIn(const QString &requestId, const UserAccount &user);
    // Ends the pending sign-in `requestId` with an OAuth error (such as access_denied) sent to
    // the client's redirect URI with the original state. A device sign-in is denied instead.
    HttpResponse failExternalSignIn(const QString &requestId, const QString &error, const QString &description);
    // Runs the password grant for `clientId` as the token endpoint does, without client
    // authentication, for callers inside the sandbox. Returns the token endpoint's response.
    HttpResponse passwordGrant(const QString &clientId, const QString &username, const QString &password,
                               const QString &scope);

    // Sets the minimum seconds between two polls of one device code, for device codes issued
    // from now on. Negative values count as 0.
    void setDeviceCodeInterval(int seconds) { m_deviceCodeInterval = seconds < 0 ? 0 : seconds; }

    // Registers the public part of `key` (RSA or EC) for the private_key_jwt assertions of
    // SandboxServer::jwtClientId(). A null key or another key type removes the registration.
    void setClientAssertionKey(const jose::Key &key);

private:
    // Transport of the authorization response to the redirect URI: its query (RFC 6749
    // section 4.1.2), its fragment (OAuth 2.0 Multiple Response Type Encoding Practices
    // section 2.1) or an auto-submitting HTML form (OAuth 2.0 Form Post Response Mode).
    enum class ResponseMode { Query, Fragment, FormPost };

    // The words of response_type, which may come in any order (RFC 6749 section 3.1.1):
    // "code id_token" and "id_token code" are one type.
    struct ResponseType {
        bool code = false;
        bool idToken = false;
        bool token = false;

        // The implicit and hybrid types, which issue a token at the authorization endpoint.
        // Their default response mode is the fragment, and the query is not allowed for them.
        bool issuesTokenAtAuthorization() const { return idToken || token; }
    };

    struct PendingSignIn {
        QString clientId;
        QString redirectUri;
        ResponseType responseType;
        ResponseMode responseMode = ResponseMode::Query;
        std::optional<QString> state;
        QString nonce;
        QString scope;
        QString codeChallenge;
        QString loginHint;
        // The authentication profile that a sign-up on the login page uses: the auth_profile
        // parameter, "open" by default.
        QString authProfile = QString::fromLatin1(openProfileName);
        // Set when the sign-in approves a device (RFC 8628). Then the user sees a consent page
        // after the login, and the redirect fields above are unused.
        QString deviceCode;
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
        qint64 issuedAt = 0;
        qint64 expiresAt = 0;
        bool rotated = false; // replaced by a newer token; using it again revokes the grant
    };
    struct DeviceGrant {
        enum class Status { Pending, Approved, Denied };
        QString clientId;
        QString scope;
        QString userCode; // 8 characters, without the hyphen that the user sees
        Status status = Status::Pending;
        QString sub;      // the user who approved
        qint64 authTime = 0;
        qint64 issuedAt = 0;
        qint64 expiresAt = 0;
        qint64 lastPolledAt = 0; // the issue time until the first poll
        int interval = 0;        // in seconds, grows with each slow_down
        bool redeemed = false;
    };
    // An authorization request that passed validation, from /authorize or from /par.
    struct ValidatedAuthorizationRequest {
        PendingSignIn signIn; // without createdAt, which is set when the login page is shown
        // prompt=none: the request completes only from a sign-in session, else it ends in
        // login_required. prompt=login: the login page shows even when a session exists.
        bool promptNone = false;
        bool promptLogin = false;
    };
    // The error of an invalid authorization request, and its destination.
    struct AuthorizationRequestError {
        // False while client_id or redirect_uri is missing or invalid. Such errors go to a page,
        // because a redirect to an unchecked URI would make the sandbox an open redirector.
        bool redirectable = false;
        QString redirectUri;
        ResponseMode responseMode = ResponseMode::Query;
        std::optional<QString> state;
        QString error; // an OAuth error code, invalid_request when not redirectable
        QString description;
    };
    struct PushedRequest {
        ValidatedAuthorizationRequest request;
        qint64 expiresAt = 0;
        bool used = false; // kept until it expires, so a second use gets a clear error
    };
    // A signed-in user's open decision on the "Allow ... on the device?" page.
    struct DeviceConsent {
        QString deviceCode;
        QString sub;
        qint64 authTime = 0;
    };

    // Parses response_type. Returns nullopt with *error set for unknown or repeated words and
    // for combinations the sandbox does not support (such as token alone).
    static std::optional<ResponseType> parseResponseType(const QString &value, QString *error);

    // Checks the parameters of an authorization request (client, redirect URI, response type
    // and mode, scope, nonce, PKCE, prompt). Returns nullopt with *failure set when one is invalid.
    std::optional<ValidatedAuthorizationRequest> validateAuthorizationRequest(const oidc::FormFields &params,
                                                                             AuthorizationRequestError *failure) const;
    HttpResponse rejectAuthorizationRequest(const AuthorizationRequestError &failure) const;
    HttpResponse authorizationErrorPage(const QString &message) const;
    // Shows the login page for a validated request, or redirects with login_required for prompt=none.
    HttpResponse beginSignIn(const ValidatedAuthorizationRequest &request, const HttpRequest &httpRequest);
    // GET /authorize with request_uri: takes the request that /par stored (RFC 9126 section 4).
    HttpResponse authorizePushedRequest(const oidc::FormFields &params, const HttpRequest &httpRequest);

    // Stores a pending sign-in under a new random id, which the login form posts back, and
    // returns the id. Drops the oldest one beyond maxPendingSignIns.
    QString storeSignIn(const PendingSignIn &signIn);
    // The values of the sign-up form that the login page shows again after a rejected sign-up.
    struct SignUpEntry {
        QString email;
        QString name;
        QString error;
    };
    HttpResponse renderSignIn(const QString &requestId, const PendingSignIn &signIn, const QString &email,
                              const QString &error, const SignUpEntry &signUp = {}) const;
    // Ends the pending sign-in `requestId` for `user`, who proved who they are on the login
    // page: the authorization response, or the consent page of a device sign-in, with a new
    // sign-in session cookie.
    HttpResponse finishSignIn(const QString &requestId, const PendingSignIn &signIn, const UserAccount &user);
    // Builds the response that delivers `fields` (code or error, state, iss) to the registered
    // `redirectUri` in `mode`: a 302 redirect for Query, an auto-submitting page for FormPost.
    HttpResponse buildAuthorizationResponse(const QString &redirectUri, ResponseMode mode,
                                            const oidc::FormFields &fields) const;
    HttpResponse redirectWithError(const QString &redirectUri, ResponseMode mode, const std::optional<QString> &state,
                                   const QString &error, const QString &description) const;
    HttpResponse tokenError(int status, const QString &error, const QString &description) const;
    // Authenticates the client of a token request. Returns the error response on failure.
    // `invalidClientStatus` is the status of an invalid_client error when the client sent only
    // form fields without an assertion: 400 at the token and device authorization endpoints,
    // which RFC 6749 section 5.2 allows, and 401 at revocation, introspection and /par. Failures
    // of the Basic header and of a client assertion are always 401. A valid assertion's jti is
    // recorded, so it cannot be replayed.
    std::optional<HttpResponse> authenticateClient(const HttpRequest &request, const oidc::FormFields &form,
                                                   const ClientRegistration **client, int invalidClientStatus = 400);
    // Authenticates with client_assertion (RFC 7523 section 2.2, OpenID Connect Core section 9):
    // client_secret_jwt for a client with a secret, private_key_jwt for the JWT client.
    std::optional<HttpResponse> authenticateClientAssertion(const HttpRequest &request, const oidc::FormFields &form,
                                                            const ClientRegistration **client);
    // An invalid_client error. A 401 carries the Basic challenge that RFC 9110 section 15.5.2
    // requires.
    HttpResponse clientAuthenticationError(int status, const QString &description) const;
    // The sentence for a private_key_jwt client that sent no assertion, or for any request of it
    // while no key is registered.
    QString privateKeyJwtRequirement(const QString &clientId) const;
    // Reads the form body of a back-channel request and authenticates its client, as every
    // endpoint that clients call directly needs it. Returns the error response on failure; a
    // failed client authentication gets `invalidClientStatus`.
    std::optional<HttpResponse> readClientRequest(const HttpRequest &request, const char *endpointName,
                                                  oidc::FormFields *form, const ClientRegistration **client,
                                                  int invalidClientStatus = 401);
    HttpResponse redeemCode(const oidc::FormFields &form, const ClientRegistration &client);
    HttpResponse redeemRefreshToken(const oidc::FormFields &form, const ClientRegistration &client);
    HttpResponse issueClientToken(const oidc::FormFields &form, const ClientRegistration &client);
    // The resource owner password credentials grant (RFC 6749 section 4.3).
    HttpResponse issuePasswordTokens(const oidc::FormFields &form, const ClientRegistration &client);
    HttpResponse redeemDeviceCode(const oidc::FormFields &form, const ClientRegistration &client);
    HttpResponse submitUserCode(const oidc::FormFields &form);
    HttpResponse decideDeviceConsent(const oidc::FormFields &form);
    // Shows the consent page after `user` signed in for the device sign-in `signIn`.
    HttpResponse startDeviceConsent(const PendingSignIn &signIn, const UserAccount &user);
    // Marks the device code of a cancelled device sign-in as denied and shows the done page.
    HttpResponse cancelDeviceSignIn(const PendingSignIn &signIn);
    // Returns the device code whose user code is `userCode` (normalized), or an empty string.
    QString findDeviceCode(const QString &userCode) const;
    HttpResponse issueTokens(const ClientRegistration &client, const QString &sub, const QString &scope,
                             qint64 authTime, const QString &nonce, const QString &grantId);
    // Builds the successful authorization response after a sign-in: the code and, for the
    // implicit and hybrid types, the access token and ID token that the front channel carries.
    HttpResponse completeAuthorization(const PendingSignIn &signIn, const UserAccount &user);
    // The claims of a user's access token: sub, client_id, scope, auth_time, and the user's
    // roles and auth_profile.
    static QJsonObject userAccessClaims(const UserAccount &user, const QString &clientId, const QString &scope,
                                        qint64 authTime);
    // Signs an access token (typ at+jwt, audience = the GraphQL URL) with `claims` plus iss,
    // aud, iat, exp and jti, and records its jti so that it can be revoked.
    std::optional<QByteArray> signAccessToken(QJsonObject claims, const QString &grantId, QString *error);
    // Signs an ID token for `user`, with the user's roles and auth_profile whatever the
    // scope. at_hash is added when `accessToken` is not empty, c_hash
    // when `code` is not empty, and nonce when `nonce` is not empty.
    std::optional<QByteArray> signIdToken(const QString &clientId, const UserAccount &user, const QString &scope,
                                          qint64 authTime, const QString &nonce, const QByteArray &accessToken,
                                          const QString &code, QString *error) const;
    // Checks that `token` is an access token this provider signed (typ, key, signature, issuer),
    // whether or not it expired or was revoked. Returns its claims, or nullopt with *error set.
    std::optional<QJsonObject> readOwnAccessToken(const QByteArray &token, QString *error) const;
    // Checks that `token` is an ID token this provider signed (key, signature, issuer), whether
    // or not it expired. Returns its claims, or nullopt with *error set to a sentence.
    std::optional<QJsonObject> readOwnIdToken(const QByteArray &token, QString *error) const;
    // Checks that a parsed token was signed with the sandbox's key and issued by it, and returns
    // its claims; expiry is up to the caller.
    std::optional<QJsonObject> ownTokenClaims(const jose::CompactJws &jws, QString *error) const;
    // Checks an access token this provider issued, including audience, expiry and revocation.
    // Returns its claims, or nullopt with *error set.
    std::optional<QJsonObject> verifyAccessToken(const QByteArray &token, QString *error) const;
    // Removes the grant's refresh tokens and makes its access tokens fail verification.
    // `reason` goes to the log.
    void revokeGrant(const QString &grantId, const char *reason);
    // Revokes `token` for the revocation endpoint. Returns an error response when the token
    // belongs to another client, nullopt otherwise (also for tokens the sandbox does not know).
    std::optional<HttpResponse> revokeToken(const QString &token, const ClientRegistration &client);
    void removeExpired();

    // Returns whether `fault` is on, and records that it changes the response in progress.
    bool faultActs(SandboxFault fault) const;
    // The key and kid that sign tokens now: the second key while key-rotation is on.
    const jose::Key &activeSigningKey() const;
    QString activeKeyId() const;
    // The JWK Set document with the signing key, and with the second key when `withSecondKey`.
    QByteArray keySetDocument(bool withSecondKey) const;
    // The iat of a token issued now: moved back by expired-tokens, ahead by clock-skew.
    qint64 tokenIssuedAt() const;
    // Applies alg-none or bad-signature to a signed ID token.
    QByteArray applySignatureFaults(const QByteArray &token) const;

    const SandboxClock *m_clock;
    FaultSwitchboard *m_faults = nullptr;
    // The second RSA key of key-rotation (the new key) and kid-absent-multiple-keys.
    jose::Key m_secondKey;
    QString m_secondKeyId;
    int m_jwksFetchesSinceRotation = 0;
    // Device codes that already got the slow_down of device-slow-down.
    QSet<QString> m_slowedDeviceCodes;
    UserDirectory m_users;
    LoginSessions m_sessions; // single sign-on cookies
    QString m_socialProviderName;
    QString m_issuer;
    jose::Key m_signingKey;
    QString m_keyId;
    QHash<QString, PendingSignIn> m_signIns;      // by the random id in the login form
    QHash<QString, CodeGrant> m_codes;            // by code
    QHash<QString, RefreshGrant> m_refreshTokens; // by token
    QHash<QString, DeviceGrant> m_deviceCodes;    // by device code
    QHash<QString, DeviceConsent> m_deviceConsents; // by the random id in the consent form
    QHash<QString, PushedRequest> m_pushedRequests; // by request_uri
    jose::Key m_clientAssertionKey; // public key of the private_key_jwt client, or null
    // The exp of each accepted client assertion, by client id + '\n' + jti, until it expires.
    QHash<QString, qint64> m_usedClientAssertionIds;
    int m_deviceCodeInterval = defaultDeviceCodeIntervalSeconds;
    struct AccessTokenRecord {
        QString grantId;
        qint64 expiresAt = 0;
        bool revoked = false; // by the client at the revocation endpoint
    };
    QHash<QString, AccessTokenRecord> m_accessTokens; // by jti, for revocation
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
