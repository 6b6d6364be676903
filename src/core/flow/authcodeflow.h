#pragma once

#include "flow/loopbacklistener.h"
#include "flow/trace.h"
#include "flow/useragent.h"
#include "http/tracedhttpclient.h"
#include "jose/key.h"
#include "oidc/authrequest.h"
#include "oidc/callback.h"
#include "oidc/formencoding.h"
#include "oidc/idtokenvalidator.h"
#include "oidc/jwksrefresh.h"
#include "oidc/providermetadata.h"
#include "storage/profile.h"
#include "storage/tokenstore.h"

#include <QObject>
#include <QDateTime>
#include <QPointer>
#include <QTimer>

#include <functional>

namespace afx {

// The stage at which a flow stopped.
enum class FlowStage { Discovery, Keys, Browser, Callback, TokenRequest, Validation, Done, Cancelled };

// The grant or endpoint a run uses.
enum class FlowKind {
    AuthorizationCode, // a user signs in through the browser (the login)
    Refresh,           // the refresh_token grant with the stored refresh token
    ClientCredentials, // the client authenticates as itself: no user, no browser
    UserInfo,          // reads the user's claims from the UserInfo endpoint with the access token
    DeviceCode,        // RFC 8628: the user signs in on another device with a short code
    Revocation,        // RFC 7009: makes the provider invalidate a token
    Introspection,     // RFC 7662: checks with the provider whether a token is active
    Logout,            // RP-initiated logout: ends the provider's session through the browser
    Password,          // resource owner password credentials: the app sends the user's password
    LoginMutation,     // the backend's GraphQL login mutation: the app sends the password to the backend
};

// The device authorization endpoint's response (RFC 8628 section 3.2).
struct DeviceAuthorization {
    QString userCode;
    QUrl verificationUri;
    QUrl verificationUriComplete; // may be empty
    QDateTime expiresAt;
    int intervalSeconds = 5;
};

struct FlowResult {
    FlowKind kind = FlowKind::AuthorizationCode;
    bool ok = false;
    // True when only a new login can help: the refresh token was rejected (invalid_grant).
    bool loginRequired = false;
    // True when the provider refused the embedded browser: the system browser would work.
    bool suggestSystemBrowser = false;
    FlowStage stage = FlowStage::Discovery;
    QString message;                 // for the user: what failed, on which URL, what to do
    int failedStep = -1;             // trace step that shows the failure
    TokenSet tokens;
    oidc::IdTokenValidation validation;
    QJsonObject userInfo; // the UserInfo response of a FlowKind::UserInfo run
    QJsonObject introspection; // the response of a FlowKind::Introspection run
};

// Authorization Code with PKCE (RFC 6749 section 4.1, RFC 7636, OpenID Connect Core 3.1).
//
//   App -> Provider   GET /.well-known/openid-configuration, GET jwks_uri
//   App -> Browser    open the authorize URL (state, nonce, code_challenge)
//   Browser <-> ...   login page, credentials, redirects (reported by the UserAgent)
//   Browser -> App    redirect URI caught before it loads: code, state, iss
//   App -> Provider   POST token_endpoint (code, redirect_uri, code_verifier, client auth)
//   App               each ID token check, then the token set is handed to the caller
//
// Each hop is a trace step. A callback is exchanged at most once, even when the browser
// delivers the same redirect twice.
//
// The same engine runs the grants that need no browser: refresh (RFC 6749 section 6, OpenID
// Connect Core section 12) and client credentials (RFC 6749 section 4.4). Both fetch the
// discovery document first, then call the token endpoint with the same client authentication.
class AuthCodeFlow : public QObject {
    Q_OBJECT
public:
    AuthCodeFlow(TracedHttpClient *http, Trace *trace, QObject *parent = nullptr);

    void setUserAgent(UserAgent *agent);
    // Opens a URL in the user's default browser; used when the profile chooses the system
    // browser. Returns false when no browser could be started.
    void setSystemBrowserOpener(std::function<bool(const QUrl &url)> opener) { m_openSystemBrowser = std::move(opener); }
    // How long the loopback listener waits for the callback (default 5 minutes).
    void setLoopbackTimeoutMs(int ms) { m_loopbackTimeoutMs = ms; }
    // The listener of the current run, for tests and the window's status text.
    const LoopbackListener *loopbackListener() const { return m_listener; }
    // Starts a login. `clientSecret` is used for client_secret_basic/post only.
    void start(const Profile &profile, const QString &clientSecret);
    // Exchanges `current.refreshToken` for new tokens. The result keeps what the response does
    // not replace: the old refresh token unless a new one came back (rotation), the old ID
    // token unless a new one came back (validated, and compared with the old one).
    void startRefresh(const Profile &profile, const QString &clientSecret, const TokenSet &current);
    // Requests a token for the client itself. The scope sent is the profile's scopes without
    // the OpenID Connect ones (openid, profile, email, address, phone, offline_access), which
    // describe a user.
    void startClientCredentials(const Profile &profile, const QString &clientSecret);
    // Calls the provider's UserInfo endpoint with `tokens.accessToken` and checks that the
    // answer's sub equals the ID token's (OpenID Connect Core section 5.3).
    void startUserInfo(const Profile &profile, const TokenSet &tokens);
    // Device authorization grant (RFC 8628): requests a user code, reports it through
    // deviceCodeReady(), then polls the token endpoint at the provider's interval until the
    // user approves, denies, or the code expires.
    void startDeviceAuthorization(const Profile &profile, const QString &clientSecret);
    // The stored token that revocation and introspection act on.
    enum class TokenChoice { AccessToken, RefreshToken };
    // Revokes one of `tokens` (RFC 7009). On success the result's tokens are `tokens` without
    // the revoked one.
    void startRevocation(const Profile &profile, const QString &clientSecret, const TokenSet &tokens, TokenChoice which);
    // Asks the introspection endpoint about one of `tokens` (RFC 7662).
    void startIntrospection(const Profile &profile, const QString &clientSecret, const TokenSet &tokens, TokenChoice which);
    // Sends the browser to the end_session_endpoint with id_token_hint, a state and the profile's
    // redirect URI as post_logout_redirect_uri, and waits for the redirect back.
    void startLogout(const Profile &profile, const TokenSet &tokens);
    // Resource owner password credentials grant (RFC 6749 section 4.3): the app itself sends the
    // user's e-mail and password to the token endpoint, with no browser and no login page.
    void startPasswordGrant(const Profile &profile, const QString &clientSecret, const QString &username, const QString &password);
    // Sends the e-mail and password to the backend's own GraphQL login mutation (the profile's
    // loginMutation) and reads the tokens from its response. The ID token is validated with the
    // provider's keys. Backends-as-a-service sign users in this way, without a browser.
    void startLoginMutation(const Profile &profile, const QString &email, const QString &password);
    void cancel();
    bool isRunning() const { return m_running; }
    FlowKind kind() const { return m_kind; }

    // The scope a client credentials request sends for `scopes`.
    static QStringList clientCredentialsScopes(const QStringList &scopes);

    const oidc::ProviderMetadata &metadata() const { return m_metadata; }
    const QList<jose::Jwk> &keys() const { return m_keys; }

Q_SIGNALS:
    void finished(const afx::FlowResult &result);
    void progress(const QString &message);
    // The code to show to the user, with where to enter it.
    void deviceCodeReady(const afx::DeviceAuthorization &authorization);

private:
    void fetchDiscovery();
    void fetchKeys(std::function<void()> next);
    void openBrowser();
    void onCallback(const QUrl &url);
    // A callback from the embedded browser (GET, parameters in the URL) or from the loopback
    // listener (GET, or POST with a form_post body).
    void handleCallback(const QUrl &url, const QByteArray &method, const QByteArray &formBody, bool viaListener);
    bool startListener(QString *redirectUri);
    void pushAuthorizationRequest(bool system, const QString &redirectUri);
    void openAuthorizeUrl(const QUrl &url, bool system, const QString &redirectUri);
    // Draws a skipped login when the provider redirected straight back: single sign-on.
    void noteSkippedLogin();
    void onAgentFailed(const QString &message);
    void begin(FlowKind kind, const Profile &profile, const QString &clientSecret);
    void afterDiscovery();
    void exchangeCode(const QString &code);
    void requestRefresh();
    void requestClientCredentials();
    void requestUserInfo();
    void requestDeviceCode();
    void requestRevocation();
    void requestIntrospection();
    void openLogout();
    void requestPasswordGrant();
    void requestLoginMutation();
    void onLoginMutationResponse(const TracedResponse &response);
    void pollDeviceToken();
    // Handles authorization_pending and slow_down by scheduling the next poll; false for an
    // error that ends the run.
    bool handleDevicePollError(const QString &error, int step);
    void addClientAuthentication(TracedRequest *request, oidc::FormFields *fields) const;
    // A form POST to `url` with the profile's client authentication and timeout.
    TracedRequest formPost(const QUrl &url, const QString &explanationKey, oidc::FormFields fields) const;
    // Sends `request` and passes its response to `onResponse`, unless the run has ended
    // meanwhile or the request failed on the network (which ends the run with the reason).
    void sendChecked(const TracedRequest &request, std::function<void(const TracedResponse &response)> onResponse);
    // Posts a token request with the profile's client authentication and hands a successful
    // token response to `onTokens`; every failure ends the run.
    void postTokenRequest(oidc::FormFields fields, const QString &explanationKey,
                          std::function<void(const TokenSet &tokens, int step)> onTokens);
    void validate(const TokenSet &tokens, bool keysRefetched);
    void finish(FlowResult result);
    void fail(FlowStage stage, const QString &message, int step);

    TracedHttpClient *m_http;
    QPointer<Trace> m_trace;
    QPointer<UserAgent> m_agent;
    LoopbackListener *m_listener;
    std::function<bool(const QUrl &url)> m_openSystemBrowser;
    int m_loopbackTimeoutMs = 300000;
    FlowKind m_kind = FlowKind::AuthorizationCode;
    Profile m_profile;
    QString m_clientSecret;
    TokenSet m_current; // the stored tokens a refresh starts from
    // Implicit and hybrid responses: the tokens and code the browser delivered.
    TokenSet m_frontTokens;
    QString m_frontCode;
    bool m_validatingFrontChannel = false;
    // Device authorization grant.
    QString m_deviceCode;
    DeviceAuthorization m_device;
    QTimer m_pollTimer;
    int m_polls = 0;
    jose::Key m_clientKey; // private_key_jwt
    QString m_username;    // password grant
    QString m_password;
    TokenChoice m_tokenChoice = TokenChoice::AccessToken;
    QByteArray m_logoutState;
    int m_authorizeStep = -1; // the "Open authorize URL" step of the current login
    oidc::JwksRefetchPolicy m_refetchPolicy;
    QString m_providerDate; // the Date header of the token endpoint's latest response
    oidc::ProviderMetadata m_metadata;
    QList<jose::Jwk> m_keys;
    oidc::AuthRequest m_request;
    oidc::RedirectMatcher m_matcher;
    oidc::StateStore m_states;
    bool m_running = false;
    bool m_callbackHandled = false;
    int m_generation = 0; // drops late callbacks of a cancelled or finished run
};

} // namespace afx

Q_DECLARE_METATYPE(afx::FlowResult)
Q_DECLARE_METATYPE(afx::FlowKind)
Q_DECLARE_METATYPE(afx::DeviceAuthorization)
