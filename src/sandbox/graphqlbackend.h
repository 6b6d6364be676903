#pragma once

#include "sandbox/directory.h"
#include "sandbox/graphqlexecutor.h"
#include "sandbox/httpexchange.h"

#include "jose/key.h"

#include <QPointer>
#include <QStringList>

#include <optional>

namespace afx {
class Trace;
}

namespace afx::sandbox {

class IdentityProvider;

// The sandbox's API: POST or GET /graphql with a Bearer token. It accepts what
// backends-as-a-service accept: the provider's ID token (audience = a sandbox client) or its
// access token (audience = the /graphql URL). It validates the token the way a separate
// backend would, against the provider's JWKS, which it loads once and then caches, and
// reports each check into the trace.
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

    void setTrace(Trace *trace) { m_trace = trace; }
    int jwksFetchCount() const { return m_jwksFetchCount; }
    // Drops the cached keys, for a restart with a new signing key. The fetch count remains.
    void forgetSigningKeys()
    {
        m_keys.clear();
        m_keysLoaded = false;
        m_keysLoadedAt = 0;
    }

    HttpResponse handle(const HttpRequest &request);

private:
    // Runs the token checks. Returns the user, or nullopt with *failure set to the 401 response.
    std::optional<UserAccount> authenticate(const HttpRequest &request, HttpResponse *failure);
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

    QList<QPair<QString, jose::Key>> m_keys; // kid -> key, from the last JWKS load
    bool m_keysLoaded = false;
    qint64 m_keysLoadedAt = 0;
    int m_jwksFetchCount = 0;

    TodoStore m_todos;
    GraphqlExecutor m_executor;
};

} // namespace afx::sandbox
