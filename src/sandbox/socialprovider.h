#pragma once

#include "sandbox/directory.h"
#include "sandbox/httpexchange.h"

#include "jose/key.h"
#include "oidc/formencoding.h"

#include <QHash>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace afx::sandbox {

class HttpServerAdapter;

// "Example Social": a second, separate OpenID provider on its own port of 127.0.0.1, so the
// sandbox can show a social sign-in (the sandbox is this provider's client). It has its own
// issuer, RSA signing key, JWKS, discovery document, login page and one user.
//
// Endpoints: /.well-known/openid-configuration, /jwks, /authorize (GET, response_type=code
// with PKCE S256 required), /login (the login form) and /token (authorization_code only, the
// client authenticates with client_secret_basic or client_secret_post). Only the client that
// registerClient() registers is known. Everything lives in memory, in the owner's thread.
class SocialProvider : public QObject {
    Q_OBJECT
public:
    static constexpr qint64 codeLifetimeSeconds = 60;
    static constexpr qint64 tokenLifetimeSeconds = 300;
    static constexpr qint64 signInLifetimeSeconds = 600;
    static constexpr int maxPendingSignIns = 200; // the oldest is dropped beyond this
    static constexpr int maxCodes = 200;          // the oldest is dropped beyond this
    static constexpr qsizetype maxParameterLength = 2048;

    // `clock` is shared with the sandbox, so that SandboxServer::advanceClock() moves both.
    explicit SocialProvider(const SandboxClock *clock, QObject *parent = nullptr);
    ~SocialProvider() override;

    static QString displayName();  // "Example Social"
    static QString demoEmail();
    static QString demoPassword();
    static QString demoSubject();  // the sub claim of the demo user's ID tokens

    // Generates a new signing key and listens on 127.0.0.1:`port` (0 picks a free port).
    // Returns false with *error set on failure or when the provider already runs.
    bool start(quint16 port = 0, QString *error = nullptr);
    // Stops listening and drops pending sign-ins and codes.
    void stop();
    bool isRunning() const;
    quint16 port() const;
    QString issuer() const;    // "http://127.0.0.1:PORT", empty while stopped
    QString authority() const; // "127.0.0.1:PORT", empty while stopped
    QByteArray jwksDocument() const;

    // Registers the only client this provider accepts. `redirectUri` must match exactly.
    void registerClient(const QString &clientId, const QString &clientSecret, const QString &redirectUri);

    // Test hook: changes each ID token after signing, for example to break its signature.
    using IdTokenFilter = std::function<QByteArray(const QByteArray &)>;
    void setIdTokenFilter(IdTokenFilter filter) { m_idTokenFilter = std::move(filter); }

Q_SIGNALS:
    // Emitted after each response. `path` has no query string.
    void requestServed(const QString &method, const QString &path, int status);

private:
    struct PendingSignIn {
        QString redirectUri;
        std::optional<QString> state;
        QString nonce;
        QString scope;
        QString codeChallenge;
        qint64 createdAt = 0;
    };
    struct CodeGrant {
        QString redirectUri;
        QString nonce;
        QString scope;
        QString codeChallenge;
        qint64 authTime = 0;
        qint64 issuedAt = 0;
        bool redeemed = false;
    };

    HttpResponse route(const HttpRequest &request);
    HttpResponse discovery() const;
    HttpResponse jwks() const;
    HttpResponse authorize(const HttpRequest &request);
    HttpResponse login(const HttpRequest &request);
    HttpResponse token(const HttpRequest &request);

    HttpResponse errorPage(int status, const QString &message) const;
    HttpResponse redirectToClient(const QString &redirectUri, oidc::FormFields fields,
                                  const std::optional<QString> &state) const;
    HttpResponse renderLogin(const QString &requestId, const QString &email, const QString &error) const;
    HttpResponse tokenError(int status, const QString &error, const QString &description) const;
    // Returns an error response unless the request carries the registered client's credentials.
    std::optional<HttpResponse> authenticateClient(const HttpRequest &request, const oidc::FormFields &form) const;
    std::optional<QByteArray> signIdToken(const CodeGrant &grant, QString *error) const;
    void removeExpired();

    const SandboxClock *m_clock;
    HttpServerAdapter *m_server = nullptr;
    quint16 m_port = 0;
    jose::Key m_signingKey;
    QString m_keyId;
    QString m_clientId;
    QString m_clientSecret;
    QString m_redirectUri;
    QHash<QString, PendingSignIn> m_signIns; // by the random id in the login form
    QHash<QString, CodeGrant> m_codes;       // by code
    IdTokenFilter m_idTokenFilter;
};

} // namespace afx::sandbox
