#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>
#include <optional>

#include "jose/key.h"
#include "sandbox/faults.h"

namespace afx {
class Trace;
}

namespace afx::sandbox {

class SocialProvider;

// A small OpenID provider and GraphQL backend served on 127.0.0.1, so the app can show a
// complete login and API call with no account and no network.
//
// Provider: /.well-known/openid-configuration, /jwks, /authorize (login page, with the code,
// implicit and hybrid response types), /login and /userinfo. /token serves authorization_code
// with PKCE S256, refresh_token with rotation, client_credentials, password and device_code. The
// device authorization grant (RFC 8628) adds /device_authorization and /device, and pushed
// authorization requests (RFC 9126) add /par. /revoke (RFC 7009), /introspect (RFC 7662) and
// /logout (RP-initiated logout) complete the set. Confidential clients authenticate with
// client_secret_basic, client_secret_post, client_secret_jwt or private_key_jwt.
// Social sign-in: the login page offers "Continue with Example Social", a second OpenID provider
// with its own issuer on another port of 127.0.0.1 (SocialProvider). /social/start sends the
// browser there, and /social/callback redeems the code over HTTP, validates the social ID token
// and continues the sandbox's own sign-in with the user of that e-mail address.
// Sign-up: the login page's "Create account" form posts to /signup (see setEmployeesDomain()).
// Backend: /graphql, which accepts the provider's ID token or its access token as a Bearer
// token, validates it against the provider's JWKS and reports each check into the trace. A
// mutation that changes data also needs the role Employee in the token's roles claim.
//
// Everything lives in memory and runs in the thread that owns this object.
class SandboxServer : public QObject {
    Q_OBJECT
public:
    explicit SandboxServer(QObject *parent = nullptr);
    ~SandboxServer() override;

    // Generates the signing key and listens on 127.0.0.1 only. Port 0 picks a free port. Also
    // starts the social provider on a free port; the sandbox runs without it if that fails.
    // Returns false with *error set when the port cannot be bound or the server already runs.
    bool start(quint16 port = 0, QString *error = nullptr);
    void stop();
    bool isRunning() const;
    quint16 port() const;

    QString issuer() const;   // "http://127.0.0.1:PORT", without a trailing slash
    QUrl graphqlUrl() const;  // issuer + "/graphql"

    static QString publicClientId();           // "explorer-sandbox": no secret, PKCE required
    static QString confidentialClientId();     // "explorer-sandbox-confidential"
    // Contains '+', '/', '=' and ':' on purpose, so that client_secret_basic only works
    // when the client form-encodes id and secret before Base64 (RFC 6749 section 2.3.1).
    static QString confidentialClientSecret();
    // "explorer-sandbox-jwt": confidential, without a secret. It authenticates only with
    // private_key_jwt, signed by the key whose public part setClientAssertionKey() registers.
    static QString jwtClientId();
    // Scopes the confidential client may get with the client credentials grant.
    static QStringList clientCredentialsScopes(); // "todos:read"
    static QString demoEmail();
    static QString demoPassword();
    static QString demoName();
    // Adds a user who signs in at the login page, with the password grant and the login
    // mutation. Returns false with *error set when the e-mail address is invalid or taken, or the
    // password is empty. A user in the employees domain gets the profile employees and the
    // role Employee, any other user the profile open and the role Guest. The sign-up policies
    // (password length, domain) do not apply here.
    bool addUser(const QString &email, const QString &password, const QString &name, QString *error = nullptr);

    // Authentication profiles. The login page's "Create account" form signs up a user with the
    // policy of the profile that the authorization request names with auth_profile:
    //   open (the default): any e-mail domain; new users get the role Guest.
    //   employees: only addresses of employeesDomain(); new users get the role Employee.
    // Sign-up also needs a new, valid e-mail address and a password of at least 8 characters.
    // ID tokens and access tokens carry the user's role in the roles claim (an array of
    // strings) and the user's profile in auth_profile. The demo user is an Employee in the
    // employees profile. Users created by a social sign-in are Guests in the open profile.
    // The backend lets Guests run queries only and Employees also addTodo and setDone.
    //
    // Sets the only domain the employees profile accepts for sign-up (default "example.com").
    // Existing users keep their profile and role.
    void setEmployeesDomain(const QString &domain);
    QString employeesDomain() const;

    // The social provider's issuer, "http://127.0.0.1:PORT" on a port of its own, or empty
    // while the sandbox is stopped or the social provider could not start.
    QString socialIssuer() const;
    static QString socialDemoEmail();    // differs from demoEmail()
    static QString socialDemoPassword();
    // The social provider itself, for tests that change what it issues. Owned by this object.
    SocialProvider *socialProvider() const;

    // Trace that receives the backend's token checks and the social sign-in's back-channel
    // requests as steps, or null. Not owned. While the sandbox runs, the trace also names the
    // social provider's host "Example Social".
    void setTrace(afx::Trace *trace);

    // The RSA key the provider signs with. Set before start() to keep one key across runs, so
    // tokens saved in an earlier run still verify; otherwise start() generates a new one.
    // Returns false when `key` is not an RSA private key.
    bool setSigningKey(const jose::Key &key);
    jose::Key signingKey() const;
    // Registers the public key that checks the private_key_jwt assertions of jwtClientId(): an
    // RSA key (for RS256 and PS256, also RS/PS384 and 512) or an EC key (ES256 on P-256, ES384
    // on P-384, ES512 on P-521). A private key is reduced to its public part. A null key or
    // another key type removes the registration, so the client's requests fail with
    // invalid_client until a key is set.
    void setClientAssertionKey(const jose::Key &publicKey);
    // How many times the backend loaded the provider's JWKS (it caches the keys).
    int jwksFetchCount() const;

    // Sets the minimum seconds between two polls of one device code (RFC 8628), for device
    // codes issued from now on. The default is 5 seconds. Tests use 0 or 1.
    void setDeviceCodeInterval(int seconds);

    // Moves the sandbox's clock forward (or back, with a negative value), so that expired
    // codes and tokens can be shown without waiting. Affects the provider and the backend.
    void advanceClock(qint64 seconds);
    qint64 clockOffset() const;

    // Switches a provider fault on or off; see SandboxFault. Each response that a fault changes
    // adds a step "Fault: <name>" (explanation key "sandbox-fault") on the provider's lifeline
    // of the trace. Switching key-rotation or kid-absent-multiple-keys on generates a second
    // RSA key; if that fails, the fault stays off and a warning is logged.
    void setFault(SandboxFault fault, bool on);
    bool isFaultOn(SandboxFault fault) const;
    // The faults that are on, in the order of the enum.
    QList<SandboxFault> activeFaults() const;
    static QList<SandboxFault> allFaults();
    // The stable kebab-case id, such as "expired-tokens".
    static QString faultName(SandboxFault fault);
    // One sentence on what a real provider does that causes the fault.
    static QString faultDescription(SandboxFault fault);
    // The fault named `name` (an id from faultName()), or nullopt.
    static std::optional<SandboxFault> faultFromName(const QString &name);
    // How long /jwks waits before it responds while slow-jwks is on, in milliseconds
    // (default 3000).
    void setSlowJwksDelayMs(int ms);
    int slowJwksDelayMs() const;

    // Off (the default): the backend validates tokens itself with the provider's JWKS, which it
    // fetches once and caches. On: for every request, the backend calls the provider's
    // introspection endpoint (RFC 7662) over HTTP, as the confidential client, to learn whether
    // the bearer token is active. Introspection knows only access tokens, so ID tokens are then
    // rejected. The trace shows each introspection call with its duration.
    void setBackendIntrospects(bool on);
    bool backendIntrospects() const;
    // How many introspection requests the backend has sent.
    int introspectionCallCount() const;

Q_SIGNALS:
    // Emitted after each response, for logs and tests. `path` has no query string, so no
    // code or token ever appears in it.
    void requestServed(const QString &method, const QString &path, int status);
    // Emitted when a fault is switched on or off.
    void faultsChanged();

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace afx::sandbox
