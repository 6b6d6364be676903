#pragma once

#include "sandbox/directory.h"
#include "sandbox/graphqlexecutor.h"
#include "sandbox/httpexchange.h"

#include "jose/key.h"

#include <QNetworkAccessManager>
#include <QPointer>
#include <QStringList>

#include <functional>
#include <optional>

namespace afx {
class Trace;
}

namespace afx::sandbox {

class FaultSwitchboard;
class IdentityProvider;

// The sandbox's API: POST or GET /graphql with a Bearer token. It accepts what
// backends-as-a-service accept: the provider's ID token (audience = a sandbox client) or its
// access token (audience = the /graphql URL). It validates the token the way a separate
// backend would, against the provider's JWKS, which it loads once and then caches, and
// reports each check into the trace. With setIntrospects(true) it instead calls the provider's
// introspection endpoint over HTTP on every request.
// Mutations that change data (addTodo, setDone) also need the role Employee in the token's
// roles claim, so a Guest can only read; the backend reports that check into the trace.
// The login mutation needs no token: an operation whose root fields are only login (and
// __typename) skips the token checks. login checks the e-mail address and password in the
// provider's user directory and returns the provider's tokens for the public client, as the
// password grant would.
class GraphqlBackend {
public:
    static constexpr qsizetype maxBodyBytes = 2 * 1024 * 1024;
    // An unknown kid makes the backend reload the JWKS, at most once per this many seconds.
    static constexpr qint64 keyReloadCooldownSeconds = 30;

    // The scope of the tokens that the login mutation issues.
    static inline const QString loginScope = QStringLiteral("openid profile email");

    GraphqlBackend(IdentityProvider *provider, const SandboxClock *clock);
    ~GraphqlBackend();
    GraphqlBackend(const GraphqlBackend &) = delete;
    GraphqlBackend &operator=(const GraphqlBackend &) = delete;

    void setTrace(Trace *trace) { m_trace = trace; }
    // jwks-down also makes the backend's own JWKS load fail. Not owned; null for no faults.
    void setFaults(FaultSwitchboard *faults) { m_faults = faults; }
    int jwksFetchCount() const { return m_jwksFetchCount; }
    // Makes the backend check each bearer token with a POST to the provider's /introspect, as
    // the confidential client, instead of with the cached JWKS.
    void setIntrospects(bool on) { m_introspects = on; }
    bool introspects() const { return m_introspects; }
    int introspectionCount() const { return m_introspectionCount; }
    // Drops the cached keys, for a restart with a new signing key. The fetch count remains.
    void forgetSigningKeys()
    {
        m_keys.clear();
        m_keysLoaded = false;
        m_keysLoadedAt = 0;
    }

    // Handles a request with the cached JWKS, whatever setIntrospects() chose.
    HttpResponse handle(const HttpRequest &request);
    // Handles a request the way setIntrospects() chose: with introspection, `respond` is called
    // once the provider has responded.
    void handle(const HttpRequest &request, const Respond &respond);

private:
    // The response to a request without a bearer token, before any token check, or nullopt
    // when the request needs a user: a wrong method, or an operation with only login.
    std::optional<HttpResponse> respondWithoutUser(const HttpRequest &request, GraphqlRequest *graphqlRequest,
                                                   bool *read, HttpResponse *readFailure);
    // Reads the bearer token of the Authorization header. Returns nullopt with *failure set to
    // the 401 response when there is none.
    std::optional<QByteArray> readBearerToken(const HttpRequest &request, HttpResponse *failure);
    // Sends `token` to the provider's introspection endpoint and calls `done` with the user it
    // belongs to, or with nullopt and the 401 or 502 response.
    void introspect(const QByteArray &token,
                    std::function<void(std::optional<Viewer> viewer, const HttpResponse &failure)> done);
    // Runs the token checks. Returns the user and the token's roles, or nullopt with *failure
    // set to the 401 response.
    std::optional<Viewer> authenticate(const HttpRequest &request, HttpResponse *failure);
    // The executor's WriteCheck: `fieldName` needs the role Employee. Reports the step "Check
    // the role".
    bool checkWriteRole(const Viewer &viewer, const QString &fieldName, QString *message);
    // Loads the JWKS when it is not cached yet, or when `kid` is not in the cached set and the
    // cooldown has passed. Reports the step. Returns false when the keys cannot be loaded.
    bool loadSigningKeys(const QString &kid);
    const jose::Key *findKey(const QString &kid) const;
    QStringList acceptedAudiences() const;
    void report(const QString &title, bool ok, const QString &detail, const QString &explanationKey);
    // Reads the GraphQL request from a POST body or a GET query. Returns false with *failure set
    // to the error response when it is malformed.
    bool readRequest(const HttpRequest &request, GraphqlRequest *graphqlRequest, HttpResponse *failure) const;
    HttpResponse respond(const GraphqlOutcome &outcome) const;
    // The login mutation's handler: runs the provider's password grant for the public client.
    std::optional<LoginTokens> login(const QString &email, const QString &password, QString *message, QString *code);

    IdentityProvider *m_provider;
    const SandboxClock *m_clock;
    QPointer<Trace> m_trace;
    FaultSwitchboard *m_faults = nullptr;
    bool m_introspects = false;
    int m_introspectionCount = 0;
    QNetworkAccessManager m_network; // for introspection requests to the provider

    QList<QPair<QString, jose::Key>> m_keys; // kid -> key, from the last JWKS load
    bool m_keysLoaded = false;
    qint64 m_keysLoadedAt = 0;
    int m_jwksFetchCount = 0;

    TodoStore m_todos;
    GraphqlExecutor m_executor;
};

} // namespace afx::sandbox
