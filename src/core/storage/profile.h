#pragma once

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace afx {

// How the client authenticates at the token endpoint (RFC 6749 section 2.3, OIDC Core section 9).
// client_secret_jwt and private_key_jwt send a signed assertion instead of the secret
// (RFC 7523 section 2.2).
enum class ClientAuthMethod { None, ClientSecretBasic, ClientSecretPost, ClientSecretJwt, PrivateKeyJwt };
// True for the methods that need the client secret from the keychain.
inline bool usesClientSecret(ClientAuthMethod method)
{
    return method == ClientAuthMethod::ClientSecretBasic || method == ClientAuthMethod::ClientSecretPost
        || method == ClientAuthMethod::ClientSecretJwt;
}
QString clientAuthMethodName(ClientAuthMethod method);                 // "none", "client_secret_basic", ...
bool parseClientAuthMethod(const QString &name, ClientAuthMethod *out);

// The browser that shows the authorization page. The system browser (RFC 8252) needs a loopback
// redirect URI, because the app receives the callback on a listener at 127.0.0.1.
enum class BrowserKind { Embedded, System };
QString browserKindName(BrowserKind kind);                              // "embedded", "system"
bool parseBrowserKind(const QString &name, BrowserKind *out);

// True when a JSON member or parameter name looks like it contains a secret (clientSecret,
// client_secret, password, accessToken, refresh_token, idToken, ...). Profiles never store these.
bool looksLikeSecretName(const QString &name);

// Email and password sent through the backend's own GraphQL API, as backends-as-a-service do:
// no browser and no token endpoint. The app posts `document` with `variables`, in whose string
// values "{{email}}" and "{{password}}" are replaced, and reads the tokens from the response at
// the given paths, such as "data.login.idToken".
struct LoginMutation {
    QString document;
    QJsonObject variables;
    QString idTokenPath;
    QString refreshTokenPath; // optional
    QString accessTokenPath;  // optional

    bool isSet() const { return !document.trimmed().isEmpty(); }
    QJsonObject toJson() const;
    // The mutation of the sandbox's GraphQL API.
    static LoginMutation sandboxDefault();
};

// One login configuration. Saved as JSON; never contains a secret. The client secret and a
// pasted API token live in the token store (keychain) under this profile's id.
struct Profile {
    QString id;           // stable file-name-safe id, such as "local-sandbox" or a UUID
    QString name;         // shown to the user
    bool sandbox = false; // true: issuer and client come from the built-in sandbox at run time

    QString issuer;       // exact issuer identifier, compared as a string with the discovery document
    QUrl discoveryUrl;    // optional; default is issuer + "/.well-known/openid-configuration"
    QString clientId;
    ClientAuthMethod clientAuth = ClientAuthMethod::None;
    // private_key_jwt: the PEM file with the client's private key. The key stays in that file;
    // the profile keeps only the path.
    QString clientKeyFile;
    QString redirectUri = QStringLiteral("com.example.explorer:/callback");
    QStringList scopes{QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("email")};
    QString responseType = QStringLiteral("code");
    // "query", "fragment" or "form_post"; empty sends no response_mode (the default for the
    // response type). form_post needs a loopback redirect URI: its POST body reaches only the
    // app's loopback listener.
    QString responseMode;
    BrowserKind browser = BrowserKind::Embedded;
    // Send the authorization request by PAR (RFC 9126) when the provider advertises
    // pushed_authorization_request_endpoint; the browser then gets only a request_uri.
    bool pushedAuthorization = true;
    QString audience;     // "audience" authorize parameter (Auth0 style), optional
    QString resource;     // RFC 8707 resource indicator, optional
    QList<QPair<QString, QString>> extraAuthorizeParams; // sent as-is on the authorize request, in order
    QStringList allowedAlgorithms{QStringLiteral("RS256"), QStringLiteral("ES256")};
    int leewaySeconds = 60;
    int timeoutSeconds = 10;

    QUrl graphqlUrl;      // backend endpoint for the query editor and the login mutation
    QString defaultQuery;
    // Named values that replace {{name}} in the query editor's URL, headers, body and
    // variables, in order. They are saved in plain text in the profile file, so they are never
    // secrets: names that looksLikeSecretName() flags are dropped with a warning when the file
    // is read and left out when it is written.
    QList<QPair<QString, QString>> environment;
    LoginMutation loginMutation;
    // Keep the embedded browser's cookies for this profile on disk between runs of the app,
    // so a later login can skip the provider's login page (single sign-on). When false, each
    // start of the app begins with an empty session that lives in memory only.
    bool keepBrowserSession = false;

    // True when the callback arrives at the app's loopback listener rather than in the
    // embedded browser: the system browser, or response_mode=form_post.
    bool usesLoopbackListener() const { return browser == BrowserKind::System || responseMode == QLatin1String("form_post"); }

    // Effective discovery URL: discoveryUrl when set, else derived from the issuer
    // (OpenID Connect Discovery section 4: issuer without trailing slash + path).
    QUrl effectiveDiscoveryUrl() const;

    QJsonObject toJson() const;

    // Reads a profile document. Unknown members are ignored; a member with the wrong JSON type
    // or an invalid value fails with *error naming the member and what was expected.
    static bool fromJson(const QJsonObject &json, Profile *out, QString *error);
    // Same, and appends one sentence to *warnings (may be null) for each member that looks like
    // a secret (clientSecret, password, accessToken, ...). Such members are never read.
    static bool fromJson(const QJsonObject &json, Profile *out, QString *error, QStringList *warnings);

    static constexpr const char *formatName = "authflow-explorer-profile"; // "format" member
    static constexpr int formatVersion = 1;                                 // "version" member

    // True for ids that are safe as file names: 1 to 64 ASCII letters, digits, '.', '_' or
    // '-', not starting with '.'.
    static bool isValidId(const QString &id);

    // Checks what a login needs: issuer or discovery URL, client id, a redirect URI without a
    // fragment, "openid" in the scopes. Also checks the environment's names: valid
    // (query::isValidEnvironmentName()), unique, and not looking like a secret. Returns one
    // sentence per problem (empty when fine).
    QStringList validate() const;

    // The built-in "Local sandbox" profile; issuer and GraphQL URL are filled at run time.
    static Profile localSandbox();
};

} // namespace afx
