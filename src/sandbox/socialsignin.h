#pragma once

#include "sandbox/directory.h"
#include "sandbox/httpexchange.h"
#include "sandbox/httpserveradapter.h"

#include "flow/trace.h"
#include "jose/key.h"

#include <QDateTime>
#include <QHash>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QSet>
#include <QString>

#include <functional>

class QNetworkReply;

namespace afx::sandbox {

class IdentityProvider;

// The sandbox's side of "Continue with Example Social": the sandbox is a confidential client
// of the social provider (SocialProvider). POST /social/start sends the browser there with a
// new state, nonce and PKCE S256 challenge. GET /social/callback exchanges the code at the
// social provider's /token over HTTP and loads its JWKS once. It validates the ID token
// (signature, iss, aud, exp, iat, nonce, verified email) and links or creates the sandbox user
// with that e-mail address. Then it ends the sandbox's own pending sign-in as a password
// sign-in would.
// The back-channel requests are asynchronous, so the callback's response waits for them
// while the event loop keeps serving other requests.
class SocialSignIn {
public:
    static constexpr qint64 attemptLifetimeSeconds = 600;
    static constexpr int maxAttempts = 200; // the oldest is dropped beyond this
    static constexpr int requestTimeoutMs = 10000;
    static constexpr qint64 maxResponseBytes = 256 * 1024;
    // Clock difference allowed between the sandbox and the social provider for iat.
    static constexpr qint64 clockSkewSeconds = 60;

    SocialSignIn(IdentityProvider *provider, const SandboxClock *clock);
    ~SocialSignIn();

    // Points the sign-in at the social provider `issuer` ("http://127.0.0.1:PORT"), where the
    // sandbox is registered as `clientId` with `clientSecret` and `redirectUri`. Drops earlier
    // attempts and keys.
    void configure(const QString &issuer, const QString &clientId, const QString &clientSecret,
                   const QString &redirectUri);
    // Aborts running exchanges without responding to their browsers, and drops attempts and keys.
    void reset();
    bool isConfigured() const { return !m_issuer.isEmpty(); }
    void setTrace(Trace *trace) { m_trace = trace; }

    // POST /social/start from the login page: request_id names the sandbox's pending sign-in.
    HttpResponse start(const HttpRequest &request);
    // GET /social/callback. Calls `respond` once, possibly after the back-channel requests.
    void callback(const HttpRequest &request, const Respond &respond);

private:
    struct Attempt {
        QString signInRequestId; // the sandbox's pending sign-in
        QString nonce;
        QString codeVerifier;
        qint64 createdAt = 0;
    };
    // The request data of a sent back-channel request, kept for its trace step.
    struct SentRequest {
        HttpMessage message;
        QDateTime startedAt;
        qint64 startedMs = 0; // QDateTime::currentMSecsSinceEpoch() when sent
    };
    using ReplyHandler = std::function<void(int status, const QByteArray &body, const QString &networkError,
                                            const HttpMessage &response)>;

    HttpResponse errorPage(int status, const QString &message) const;
    // Sends a GET or a form POST to the social provider and calls `done` when it has finished.
    void send(const QByteArray &method, const QString &url, const QList<QPair<QByteArray, QByteArray>> &headers,
              const QByteArray &body, SentRequest *sent, ReplyHandler done);
    void exchangeCode(const Attempt &attempt, const QString &code, const Respond &respond);
    void loadKeysThenValidate(const Attempt &attempt, const QByteArray &idToken, const Respond &respond);
    // Validates the ID token, links the user and ends the sandbox's pending sign-in.
    HttpResponse finish(const Attempt &attempt, const QByteArray &idToken);
    // Checks the ID token. Returns its claims, or an empty object with *error set.
    QJsonObject validateIdToken(const Attempt &attempt, const QByteArray &idToken, QString *error) const;
    // Ends the sandbox's pending sign-in with server_error and `description`.
    HttpResponse fail(const Attempt &attempt, const QString &description);
    void appendBackChannelStep(const QString &title, const QString &explanationKey, const SentRequest &sent,
                               const HttpMessage &response, bool ok, const QString &detail);
    void addSecret(const QString &value);
    void removeExpired();

    IdentityProvider *m_provider;
    const SandboxClock *m_clock;
    QPointer<Trace> m_trace;
    QString m_issuer;
    QString m_clientId;
    QString m_clientSecret;
    QString m_redirectUri;
    QHash<QString, Attempt> m_attempts;      // by state
    QList<QPair<QString, jose::Key>> m_keys; // kid -> key, from the social provider's JWKS
    bool m_keysLoaded = false;
    QNetworkAccessManager m_network;
    QSet<QNetworkReply *> m_replies;         // running back-channel requests
};

} // namespace afx::sandbox
