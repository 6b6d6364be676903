#pragma once

#include "sandbox/directory.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace afx::sandbox {

struct TodoItem {
    QString id;
    QString title;
    bool done = false;
};

// Each user's to-do list, in memory. A user's list is created with three items on first use.
class TodoStore {
public:
    static constexpr int maxItemsPerUser = 500;
    static constexpr int maxTitleLength = 200;

    const QList<TodoItem> &items(const QString &sub);
    // Returns the new item, or nullopt with *error set when the title is empty or too long,
    // or the list is full.
    std::optional<TodoItem> add(const QString &sub, const QString &title, QString *error);
    std::optional<TodoItem> setDone(const QString &sub, const QString &id, bool done);

private:
    QList<TodoItem> &listFor(const QString &sub);

    QHash<QString, QList<TodoItem>> m_lists;
    QHash<QString, int> m_nextId;
};

struct GraphqlRequest {
    QByteArray query;
    QString operationName;   // empty when not given
    QJsonObject variables;
    bool readOnly = false;   // true for GET, which must not run mutations
};

// The tokens that the login mutation returns.
struct LoginTokens {
    QString idToken;
    QString refreshToken;
    QString accessToken;
    qint64 expiresIn = 0; // seconds until the access token expires
};

// Checks an e-mail address and password and issues tokens. Returns nullopt with *message and
// *code (the GraphQL error's extensions.code) set when the sign-in fails.
using LoginHandler = std::function<std::optional<LoginTokens>(const QString &email, const QString &password,
                                                              QString *message, QString *code)>;

// The caller of a request with a bearer token: the user, and the roles of the token's roles
// claim. The roles come from the token, as a backend separate from the provider reads them,
// so a token issued before a role change keeps its old roles until it expires.
struct Viewer {
    UserAccount account;
    QStringList roles;
};

// Decides whether `viewer` may run `fieldName`, a mutation field that changes data (addTodo or
// setDone). Returns false with *message set to the GraphQL error's message when it may not.
using WriteCheck = std::function<bool(const Viewer &viewer, const QString &fieldName, QString *message)>;

struct GraphqlOutcome {
    int httpStatus = 200;
    QByteArray body;         // application/json
    QByteArray allow;        // Allow header for a 405 response
};

// Parses, validates and executes a GraphQL request against the sandbox schema:
//
//   type Query    { me: User!  todos: [Todo!]! }
//   type Mutation { addTodo(title: String!): Todo!  setDone(id: ID!, done: Boolean!): Todo
//                   login(email: String!, password: String!): LoginResult! }
//   type User     { sub: ID!  email: String!  name: String! }
//   type Todo     { id: ID!  title: String!  done: Boolean! }
//   type LoginResult { idToken: String!  refreshToken: String!  accessToken: String!  expiresIn: Int! }
//
// with __typename, aliases, variables, fragments, @skip/@include and introspection: __schema and
// __type(name:) on Query (GraphQL spec section 4), which need a viewer like every other query.
// GraphqlSchema contains the descriptions that introspection returns. Validation and execution
// errors give HTTP 200 with an "errors" list, the status GraphQL over HTTP recommends for
// application/json. Syntax errors give 400, a sandbox choice that makes them stand out.
// Response fields follow the order of the selection set.
class GraphqlExecutor {
public:
    explicit GraphqlExecutor(TodoStore *store);

    // Sets what the login mutation calls. Without a handler, login fails with an error.
    void setLoginHandler(LoginHandler handler) { m_login = std::move(handler); }
    // Sets the check that addTodo and setDone run before they change data. When it fails, the
    // field fails with extensions.code FORBIDDEN. Without a check, every viewer may write.
    void setWriteCheck(WriteCheck check) { m_writeCheck = std::move(check); }

    GraphqlOutcome execute(const GraphqlRequest &request, const Viewer &viewer);
    // Runs the request without a signed-in user. Fields that need one (me, todos, addTodo,
    // setDone) fail with UNAUTHENTICATED errors; the caller runs only requests for which
    // requiresViewer() returned false this way.
    GraphqlOutcome executeAnonymously(const GraphqlRequest &request);

    // False when the operation that the request selects is a mutation whose root fields are
    // all login or __typename, through fragments too, so that it runs without a bearer token.
    // True for every other request, including ones that do not parse or select no operation.
    static bool requiresViewer(const GraphqlRequest &request);

private:
    GraphqlOutcome run(const GraphqlRequest &request, const Viewer *viewer);

    TodoStore *m_store;
    LoginHandler m_login;
    WriteCheck m_writeCheck;
};

} // namespace afx::sandbox
