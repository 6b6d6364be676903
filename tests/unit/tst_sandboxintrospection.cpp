// GraphQL introspection of the built-in sandbox's backend over real HTTP on 127.0.0.1. The tests
// send the query editor's introspection query and check the structure and descriptions of the
// response. They also cover the meta fields __typename, __schema and __type, their validation,
// the bearer token they need, and the response parsed with afx::graphql::Schema. The interop
// backend (graphql-js), when scripts/test started it, must return a schema for the same query.

#include "flow/authcodeflow.h"
#include "graphql/parser.h"
#include "graphql/schema.h"
#include "http/tracedhttpclient.h"
#include "httpformagent.h"
#include "sandbox/sandboxserver.h"
#include "sandboxhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

using afx::sandbox::SandboxServer;
using namespace afx::test;

namespace {

// GraphQL notation of an introspection type reference: {"kind":"NON_NULL","ofType":{...}} -> "Todo!".
// A reference without a name or ofType gives "?" so that a comparison shows where it broke.
QString typeNotation(const QJsonValue &typeRef)
{
    const QJsonObject type = typeRef.toObject();
    const QString kind = type.value(QStringLiteral("kind")).toString();
    if (kind == QLatin1String("NON_NULL"))
        return typeNotation(type.value(QStringLiteral("ofType"))) + QLatin1Char('!');
    if (kind == QLatin1String("LIST"))
        return QLatin1Char('[') + typeNotation(type.value(QStringLiteral("ofType"))) + QLatin1Char(']');
    const QString name = type.value(QStringLiteral("name")).toString();
    return name.isEmpty() ? QStringLiteral("?") : name;
}

QJsonObject entryNamed(const QJsonArray &entries, const QString &name)
{
    for (const QJsonValue &entry : entries) {
        if (entry.toObject().value(QStringLiteral("name")).toString() == name)
            return entry.toObject();
    }
    return {};
}

QStringList namesOf(const QJsonArray &entries)
{
    QStringList names;
    for (const QJsonValue &entry : entries)
        names.append(entry.toObject().value(QStringLiteral("name")).toString());
    return names;
}

// "name: Type" for each argument, in order.
QStringList argumentSignatures(const QJsonArray &arguments)
{
    QStringList signatures;
    for (const QJsonValue &argument : arguments) {
        const QJsonObject object = argument.toObject();
        signatures.append(object.value(QStringLiteral("name")).toString() + QStringLiteral(": ")
                          + typeNotation(object.value(QStringLiteral("type"))));
    }
    return signatures;
}

// Collects the named type inside `typeRef` into *out, with `where` it is used.
void collectReferencedTypes(const QJsonValue &typeRef, const QString &where, QHash<QString, QString> *out)
{
    const QJsonObject type = typeRef.toObject();
    if (type.value(QStringLiteral("ofType")).isObject())
        collectReferencedTypes(type.value(QStringLiteral("ofType")), where, out);
    else
        out->insert(type.value(QStringLiteral("name")).toString(), where);
}

// The selection set of the field `name` in `selections`, or null.
const std::vector<afx::graphql::Selection> *subSelection(const std::vector<afx::graphql::Selection> &selections,
                                                         const QString &name)
{
    for (const afx::graphql::Selection &selection : selections) {
        if (selection.kind == afx::graphql::Selection::Kind::Field && selection.name == name)
            return &selection.selectionSet;
    }
    return nullptr;
}

const QString interopSkipMessage =
    QStringLiteral("INTEROP_ISSUER or INTEROP_GRAPHQL is not set; run through scripts/test to start tests/interop.");

} // namespace

class TestSandboxIntrospection : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void queryTextParses();

    void introspectionNeedsToken();
    void introspectionWithToken_data();
    void introspectionWithToken();
    void rootTypes();
    void typeList();
    void objectFields_data();
    void objectFields();
    void fieldArguments_data();
    void fieldArguments();
    void descriptionsOnEveryEntry();
    void kindSpecificFields();
    void introspectionEnums();
    void directives();
    void referencedTypesAreListed();
    void typeByName();
    void typeByNameUnknownIsNull();
    void typeByNameWithVariable();
    void includeDeprecatedDefault();
    void typenameInQueries();
    void typenameInIntrospection();
    void introspectionOverGet();
    void metaFieldValidation_data();
    void metaFieldValidation();
    void schemaParsesAnswer();
    void schemaRejectsTruncatedAnswer();

    void interopBackendIntrospection();

private:
    // POSTs `query` to the sandbox's /graphql with `token` as the bearer token (none when empty).
    Reply postGraphql(const QString &token, const QString &query, const QJsonObject &variables = {});
    // data.__schema of the full introspection response.
    QJsonObject schemaJson() const
    {
        return m_introspection.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("__schema")).toObject();
    }
    QJsonObject typeJson(const QString &name) const
    {
        return entryNamed(schemaJson().value(QStringLiteral("types")).toArray(), name);
    }

    QNetworkAccessManager m_network;
    SandboxServer *m_server = nullptr;
    QString m_accessToken;
    QString m_idToken;
    Reply m_introspection; // the response to introspectionQuery() with m_accessToken
};

void TestSandboxIntrospection::initTestCase()
{
    QLoggingCategory::setFilterRules(QStringLiteral("afx.sandbox.debug=false"));
    m_network.setProxy(QNetworkProxy::NoProxy);
    m_server = new SandboxServer(this);
    QString error;
    QVERIFY2(m_server->start(0, &error), qPrintable(error));

    // The login mutation runs without a token and issues the demo user's tokens.
    const Reply login = postGraphql(QString(),
                                    QStringLiteral("mutation Login($email: String!, $password: String!) { "
                                                   "login(email: $email, password: $password) { idToken accessToken } }"),
                                    {{QStringLiteral("email"), SandboxServer::demoEmail()},
                                     {QStringLiteral("password"), SandboxServer::demoPassword()}});
    QCOMPARE(login.status, 200);
    const QJsonObject tokens = login.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("login")).toObject();
    m_accessToken = tokens.value(QStringLiteral("accessToken")).toString();
    m_idToken = tokens.value(QStringLiteral("idToken")).toString();
    QVERIFY2(!m_accessToken.isEmpty(), login.body.constData());
    QVERIFY2(!m_idToken.isEmpty(), login.body.constData());

    m_introspection = postGraphql(m_accessToken, afx::graphql::introspectionQuery());
    QCOMPARE(m_introspection.status, 200);
    QVERIFY2(!m_introspection.json().contains(QStringLiteral("errors")), m_introspection.body.left(2000).constData());
}

Reply TestSandboxIntrospection::postGraphql(const QString &token, const QString &query, const QJsonObject &variables)
{
    Headers headers = {{"Content-Type", "application/json"}};
    if (!token.isEmpty())
        headers.append(qMakePair(QByteArray("Authorization"), "Bearer " + token.toLatin1()));
    QJsonObject request{{QStringLiteral("query"), query}};
    if (!variables.isEmpty())
        request.insert(QStringLiteral("variables"), variables);
    return sendRequest(m_network, "POST", m_server->graphqlUrl(), QJsonDocument(request).toJson(QJsonDocument::Compact),
                       headers);
}

void TestSandboxIntrospection::queryTextParses()
{
    afx::graphql::ParseError error;
    const std::optional<afx::graphql::Document> document =
        afx::graphql::parseDocument(afx::graphql::introspectionQuery().toUtf8(), &error);
    QVERIFY2(document, qPrintable(error.toString()));
    QCOMPARE(document->operations.size(), 1);
    QCOMPARE(document->operations.first().name, QStringLiteral("IntrospectionQuery"));
    QCOMPARE(document->operations.first().type, afx::graphql::OperationDefinition::Type::Query);

    QStringList fragments;
    for (const afx::graphql::FragmentDefinition &fragment : document->fragments)
        fragments.append(fragment.name + QStringLiteral(" on ") + fragment.typeCondition);
    QCOMPARE(fragments, (QStringList{QStringLiteral("FullType on __Type"), QStringLiteral("InputValue on __InputValue"),
                                     QStringLiteral("TypeRef on __Type")}));

    // TypeRef reads nine levels: the type and eight ofType wrappers inside it.
    int levels = 0;
    const std::vector<afx::graphql::Selection> *level = &document->fragment(QStringLiteral("TypeRef"))->selectionSet;
    while (level) {
        ++levels;
        QVERIFY(subSelection(*level, QStringLiteral("kind")));
        QVERIFY(subSelection(*level, QStringLiteral("name")));
        level = subSelection(*level, QStringLiteral("ofType"));
    }
    QCOMPARE(levels, 9);

    // includeDeprecated: true on fields, args, enumValues and inputFields.
    const QString text = afx::graphql::introspectionQuery();
    for (const char *field : {"fields", "args", "enumValues", "inputFields"})
        QVERIFY2(text.contains(QLatin1String(field) + QStringLiteral("(includeDeprecated: true)")), field);
}

void TestSandboxIntrospection::introspectionNeedsToken()
{
    const Reply missing = postGraphql(QString(), afx::graphql::introspectionQuery());
    QCOMPARE(missing.status, 401);
    QCOMPARE(missing.header("WWW-Authenticate"), QByteArray("Bearer realm=\"sandbox\""));
    QVERIFY2(!missing.body.contains("__schema") && !missing.json().contains(QStringLiteral("data")), missing.body.constData());

    // A token that is not the sandbox's.
    const Reply wrong = postGraphql(QStringLiteral("not-a-token"), afx::graphql::introspectionQuery());
    QCOMPARE(wrong.status, 401);
    QVERIFY2(wrong.header("WWW-Authenticate").contains("error=\"invalid_token\""), wrong.header("WWW-Authenticate").constData());
    QVERIFY(!wrong.json().contains(QStringLiteral("data")));

    // __type and __typename alone need the token as well, unlike the login mutation.
    QCOMPARE(postGraphql(QString(), QStringLiteral("{ __type(name: \"Todo\") { name } }")).status, 401);
    QCOMPARE(postGraphql(QString(), QStringLiteral("{ __typename }")).status, 401);
}

void TestSandboxIntrospection::introspectionWithToken_data()
{
    QTest::addColumn<bool>("useIdToken");
    QTest::newRow("access token") << false;
    QTest::newRow("ID token") << true;
}

void TestSandboxIntrospection::introspectionWithToken()
{
    QFETCH(bool, useIdToken);
    const Reply reply = postGraphql(useIdToken ? m_idToken : m_accessToken, afx::graphql::introspectionQuery());
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Content-Type").startsWith("application/json"));
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    QVERIFY(!reply.json().contains(QStringLiteral("errors")));
    // The schema is the same whichever token the request carries.
    QCOMPARE(reply.body, m_introspection.body);
}

void TestSandboxIntrospection::rootTypes()
{
    const QJsonObject schema = schemaJson();
    QCOMPARE(schema.value(QStringLiteral("queryType")).toObject(), (QJsonObject{{QStringLiteral("name"), QStringLiteral("Query")}}));
    QCOMPARE(schema.value(QStringLiteral("mutationType")).toObject(),
             (QJsonObject{{QStringLiteral("name"), QStringLiteral("Mutation")}}));
    QVERIFY(schema.contains(QStringLiteral("subscriptionType")));
    QCOMPARE(schema.value(QStringLiteral("subscriptionType")), QJsonValue(QJsonValue::Null));
    // The members follow the order of the selection set.
    QVERIFY(m_introspection.body.startsWith("{\"data\":{\"__schema\":{\"queryType\":{\"name\":\"Query\"},\"mutationType\":"));
}

void TestSandboxIntrospection::typeList()
{
    QHash<QString, QString> kinds;
    for (const QJsonValue &type : schemaJson().value(QStringLiteral("types")).toArray())
        kinds.insert(type.toObject().value(QStringLiteral("name")).toString(), type.toObject().value(QStringLiteral("kind")).toString());

    const QHash<QString, QString> expected = {
        {QStringLiteral("Query"), QStringLiteral("OBJECT")},       {QStringLiteral("Mutation"), QStringLiteral("OBJECT")},
        {QStringLiteral("User"), QStringLiteral("OBJECT")},        {QStringLiteral("Todo"), QStringLiteral("OBJECT")},
        {QStringLiteral("LoginResult"), QStringLiteral("OBJECT")}, {QStringLiteral("ID"), QStringLiteral("SCALAR")},
        {QStringLiteral("String"), QStringLiteral("SCALAR")},      {QStringLiteral("Boolean"), QStringLiteral("SCALAR")},
        {QStringLiteral("Int"), QStringLiteral("SCALAR")},
        {QStringLiteral("__Schema"), QStringLiteral("OBJECT")},    {QStringLiteral("__Type"), QStringLiteral("OBJECT")},
        {QStringLiteral("__TypeKind"), QStringLiteral("ENUM")},    {QStringLiteral("__Field"), QStringLiteral("OBJECT")},
        {QStringLiteral("__InputValue"), QStringLiteral("OBJECT")}, {QStringLiteral("__EnumValue"), QStringLiteral("OBJECT")},
        {QStringLiteral("__Directive"), QStringLiteral("OBJECT")}, {QStringLiteral("__DirectiveLocation"), QStringLiteral("ENUM")},
    };
    for (auto it = expected.cbegin(); it != expected.cend(); ++it)
        QVERIFY2(kinds.value(it.key()) == it.value(), qPrintable(it.key() + QStringLiteral(" is ") + kinds.value(it.key())));
    // Float is a built-in scalar that no field or argument uses, so the spec leaves it out.
    QVERIFY(!kinds.contains(QStringLiteral("Float")));
    QCOMPARE(kinds.size(), expected.size());
}

void TestSandboxIntrospection::objectFields_data()
{
    QTest::addColumn<QString>("typeName");
    QTest::addColumn<QStringList>("fields"); // "name: Type" in order

    QTest::newRow("Query") << QStringLiteral("Query") << QStringList{QStringLiteral("me: User!"), QStringLiteral("todos: [Todo!]!")};
    QTest::newRow("Mutation") << QStringLiteral("Mutation")
                              << QStringList{QStringLiteral("addTodo: Todo!"), QStringLiteral("setDone: Todo"),
                                             QStringLiteral("login: LoginResult!")};
    QTest::newRow("User") << QStringLiteral("User")
                          << QStringList{QStringLiteral("sub: ID!"), QStringLiteral("email: String!"), QStringLiteral("name: String!")};
    QTest::newRow("Todo") << QStringLiteral("Todo")
                          << QStringList{QStringLiteral("id: ID!"), QStringLiteral("title: String!"), QStringLiteral("done: Boolean!")};
    QTest::newRow("LoginResult") << QStringLiteral("LoginResult")
                                 << QStringList{QStringLiteral("idToken: String!"), QStringLiteral("refreshToken: String!"),
                                                QStringLiteral("accessToken: String!"), QStringLiteral("expiresIn: Int!")};
    QTest::newRow("__Schema") << QStringLiteral("__Schema")
                              << QStringList{QStringLiteral("description: String"), QStringLiteral("types: [__Type!]!"),
                                             QStringLiteral("queryType: __Type!"), QStringLiteral("mutationType: __Type"),
                                             QStringLiteral("subscriptionType: __Type"),
                                             QStringLiteral("directives: [__Directive!]!")};
    QTest::newRow("__Type") << QStringLiteral("__Type")
                            << QStringList{QStringLiteral("kind: __TypeKind!"), QStringLiteral("name: String"),
                                           QStringLiteral("description: String"), QStringLiteral("specifiedByURL: String"),
                                           QStringLiteral("fields: [__Field!]"), QStringLiteral("interfaces: [__Type!]"),
                                           QStringLiteral("possibleTypes: [__Type!]"), QStringLiteral("enumValues: [__EnumValue!]"),
                                           QStringLiteral("inputFields: [__InputValue!]"), QStringLiteral("ofType: __Type")};
    QTest::newRow("__Field") << QStringLiteral("__Field")
                             << QStringList{QStringLiteral("name: String!"), QStringLiteral("description: String"),
                                            QStringLiteral("args: [__InputValue!]!"), QStringLiteral("type: __Type!"),
                                            QStringLiteral("isDeprecated: Boolean!"), QStringLiteral("deprecationReason: String")};
    QTest::newRow("__InputValue") << QStringLiteral("__InputValue")
                                  << QStringList{QStringLiteral("name: String!"), QStringLiteral("description: String"),
                                                 QStringLiteral("type: __Type!"), QStringLiteral("defaultValue: String"),
                                                 QStringLiteral("isDeprecated: Boolean!"),
                                                 QStringLiteral("deprecationReason: String")};
    QTest::newRow("__EnumValue") << QStringLiteral("__EnumValue")
                                 << QStringList{QStringLiteral("name: String!"), QStringLiteral("description: String"),
                                                QStringLiteral("isDeprecated: Boolean!"),
                                                QStringLiteral("deprecationReason: String")};
    QTest::newRow("__Directive") << QStringLiteral("__Directive")
                                 << QStringList{QStringLiteral("name: String!"), QStringLiteral("description: String"),
                                                QStringLiteral("isRepeatable: Boolean!"),
                                                QStringLiteral("locations: [__DirectiveLocation!]!"),
                                                QStringLiteral("args: [__InputValue!]!")};
}

void TestSandboxIntrospection::objectFields()
{
    QFETCH(QString, typeName);
    QFETCH(QStringList, fields);
    const QJsonObject type = typeJson(typeName);
    QCOMPARE(type.value(QStringLiteral("kind")).toString(), QStringLiteral("OBJECT"));
    QStringList actual;
    for (const QJsonValue &field : type.value(QStringLiteral("fields")).toArray()) {
        const QJsonObject object = field.toObject();
        actual.append(object.value(QStringLiteral("name")).toString() + QStringLiteral(": ")
                      + typeNotation(object.value(QStringLiteral("type"))));
        QCOMPARE(object.value(QStringLiteral("isDeprecated")), QJsonValue(false));
        QCOMPARE(object.value(QStringLiteral("deprecationReason")), QJsonValue(QJsonValue::Null));
    }
    // The meta fields are not listed as fields of the type.
    QCOMPARE(actual, fields);
}

void TestSandboxIntrospection::fieldArguments_data()
{
    QTest::addColumn<QString>("typeName");
    QTest::addColumn<QString>("fieldName");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("defaults"); // defaultValue of each argument; "null" for none

    QTest::newRow("Query.me") << QStringLiteral("Query") << QStringLiteral("me") << QStringList() << QStringList();
    QTest::newRow("Mutation.addTodo") << QStringLiteral("Mutation") << QStringLiteral("addTodo")
                                      << QStringList{QStringLiteral("title: String!")} << QStringList{QStringLiteral("null")};
    QTest::newRow("Mutation.setDone") << QStringLiteral("Mutation") << QStringLiteral("setDone")
                                      << QStringList{QStringLiteral("id: ID!"), QStringLiteral("done: Boolean!")}
                                      << QStringList{QStringLiteral("null"), QStringLiteral("null")};
    QTest::newRow("Mutation.login") << QStringLiteral("Mutation") << QStringLiteral("login")
                                    << QStringList{QStringLiteral("email: String!"), QStringLiteral("password: String!")}
                                    << QStringList{QStringLiteral("null"), QStringLiteral("null")};
    QTest::newRow("__Type.fields") << QStringLiteral("__Type") << QStringLiteral("fields")
                                   << QStringList{QStringLiteral("includeDeprecated: Boolean")} << QStringList{QStringLiteral("false")};
    QTest::newRow("__Type.enumValues") << QStringLiteral("__Type") << QStringLiteral("enumValues")
                                       << QStringList{QStringLiteral("includeDeprecated: Boolean")}
                                       << QStringList{QStringLiteral("false")};
    QTest::newRow("__Type.inputFields") << QStringLiteral("__Type") << QStringLiteral("inputFields")
                                        << QStringList{QStringLiteral("includeDeprecated: Boolean")}
                                        << QStringList{QStringLiteral("false")};
    QTest::newRow("__Field.args") << QStringLiteral("__Field") << QStringLiteral("args")
                                  << QStringList{QStringLiteral("includeDeprecated: Boolean")} << QStringList{QStringLiteral("false")};
    QTest::newRow("__Directive.args") << QStringLiteral("__Directive") << QStringLiteral("args")
                                      << QStringList{QStringLiteral("includeDeprecated: Boolean")}
                                      << QStringList{QStringLiteral("false")};
}

void TestSandboxIntrospection::fieldArguments()
{
    QFETCH(QString, typeName);
    QFETCH(QString, fieldName);
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, defaults);
    const QJsonObject field = entryNamed(typeJson(typeName).value(QStringLiteral("fields")).toArray(), fieldName);
    QVERIFY2(!field.isEmpty(), qPrintable(typeName + QLatin1Char('.') + fieldName + QStringLiteral(" is missing")));
    const QJsonArray args = field.value(QStringLiteral("args")).toArray();
    QCOMPARE(argumentSignatures(args), arguments);

    QStringList actualDefaults;
    for (const QJsonValue &argument : args) {
        const QJsonValue defaultValue = argument.toObject().value(QStringLiteral("defaultValue"));
        actualDefaults.append(defaultValue.isNull() ? QStringLiteral("null") : defaultValue.toString());
        QVERIFY(!argument.toObject().value(QStringLiteral("description")).toString().isEmpty());
        QCOMPARE(argument.toObject().value(QStringLiteral("isDeprecated")), QJsonValue(false));
    }
    QCOMPARE(actualDefaults, defaults);
}

void TestSandboxIntrospection::descriptionsOnEveryEntry()
{
    // Every named type, field, argument, enum value and directive has a sentence to show.
    QStringList missing;
    const auto check = [&missing](const QJsonObject &entry, const QString &where) {
        const QString description = entry.value(QStringLiteral("description")).toString();
        if (description.size() < 5 || !description.endsWith(QLatin1Char('.')))
            missing.append(where + QStringLiteral(": \"") + description + QLatin1Char('"'));
    };
    for (const QJsonValue &typeValue : schemaJson().value(QStringLiteral("types")).toArray()) {
        const QJsonObject type = typeValue.toObject();
        const QString typeName = type.value(QStringLiteral("name")).toString();
        check(type, typeName);
        for (const QJsonValue &field : type.value(QStringLiteral("fields")).toArray()) {
            const QString fieldPath = typeName + QLatin1Char('.') + field.toObject().value(QStringLiteral("name")).toString();
            check(field.toObject(), fieldPath);
            for (const QJsonValue &argument : field.toObject().value(QStringLiteral("args")).toArray())
                check(argument.toObject(), fieldPath + QLatin1Char('(') + argument.toObject().value(QStringLiteral("name")).toString() + QLatin1Char(')'));
        }
        for (const QJsonValue &value : type.value(QStringLiteral("enumValues")).toArray())
            check(value.toObject(), typeName + QLatin1Char('.') + value.toObject().value(QStringLiteral("name")).toString());
    }
    for (const QJsonValue &directive : schemaJson().value(QStringLiteral("directives")).toArray()) {
        const QString name = QLatin1Char('@') + directive.toObject().value(QStringLiteral("name")).toString();
        check(directive.toObject(), name);
        for (const QJsonValue &argument : directive.toObject().value(QStringLiteral("args")).toArray())
            check(argument.toObject(), name + QLatin1Char('(') + argument.toObject().value(QStringLiteral("name")).toString() + QLatin1Char(')'));
    }
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(QLatin1Char('\n'))));

    QVERIFY2(typeJson(QStringLiteral("Todo")).value(QStringLiteral("description")).toString().contains(QLatin1String("to-do")),
             qPrintable(typeJson(QStringLiteral("Todo")).value(QStringLiteral("description")).toString()));
}

void TestSandboxIntrospection::kindSpecificFields()
{
    // Fields that do not apply to a kind are null; an object type implements no interface.
    const QJsonObject object = typeJson(QStringLiteral("Todo"));
    QVERIFY(object.value(QStringLiteral("fields")).isArray());
    QCOMPARE(object.value(QStringLiteral("interfaces")).toArray(), QJsonArray());
    QVERIFY(object.value(QStringLiteral("interfaces")).isArray());
    QCOMPARE(object.value(QStringLiteral("enumValues")), QJsonValue(QJsonValue::Null));
    QCOMPARE(object.value(QStringLiteral("inputFields")), QJsonValue(QJsonValue::Null));
    QCOMPARE(object.value(QStringLiteral("possibleTypes")), QJsonValue(QJsonValue::Null));

    const QJsonObject scalar = typeJson(QStringLiteral("String"));
    QCOMPARE(scalar.value(QStringLiteral("kind")).toString(), QStringLiteral("SCALAR"));
    QCOMPARE(scalar.value(QStringLiteral("fields")), QJsonValue(QJsonValue::Null));
    QCOMPARE(scalar.value(QStringLiteral("interfaces")), QJsonValue(QJsonValue::Null));
    QCOMPARE(scalar.value(QStringLiteral("enumValues")), QJsonValue(QJsonValue::Null));
    QCOMPARE(scalar.value(QStringLiteral("inputFields")), QJsonValue(QJsonValue::Null));
    QCOMPARE(scalar.value(QStringLiteral("possibleTypes")), QJsonValue(QJsonValue::Null));

    const QJsonObject enumeration = typeJson(QStringLiteral("__TypeKind"));
    QCOMPARE(enumeration.value(QStringLiteral("fields")), QJsonValue(QJsonValue::Null));
    QCOMPARE(enumeration.value(QStringLiteral("interfaces")), QJsonValue(QJsonValue::Null));
    QVERIFY(enumeration.value(QStringLiteral("enumValues")).isArray());

    // A wrapped type has kind and ofType but no name.
    const QJsonObject todos = entryNamed(typeJson(QStringLiteral("Query")).value(QStringLiteral("fields")).toArray(),
                                         QStringLiteral("todos"));
    const QJsonObject nonNull = todos.value(QStringLiteral("type")).toObject();
    QCOMPARE(nonNull.value(QStringLiteral("kind")).toString(), QStringLiteral("NON_NULL"));
    QCOMPARE(nonNull.value(QStringLiteral("name")), QJsonValue(QJsonValue::Null));
    QCOMPARE(nonNull.value(QStringLiteral("ofType")).toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("LIST"));
    // The innermost level of the TypeRef fragment names the type and has no ofType.
    const QJsonObject named = nonNull.value(QStringLiteral("ofType")).toObject().value(QStringLiteral("ofType")).toObject()
                                  .value(QStringLiteral("ofType")).toObject();
    QCOMPARE(named.value(QStringLiteral("name")).toString(), QStringLiteral("Todo"));
    QCOMPARE(named.value(QStringLiteral("ofType")), QJsonValue(QJsonValue::Null));
}

void TestSandboxIntrospection::introspectionEnums()
{
    const QJsonArray kinds = typeJson(QStringLiteral("__TypeKind")).value(QStringLiteral("enumValues")).toArray();
    QCOMPARE(namesOf(kinds), (QStringList{QStringLiteral("SCALAR"), QStringLiteral("OBJECT"), QStringLiteral("INTERFACE"),
                                          QStringLiteral("UNION"), QStringLiteral("ENUM"), QStringLiteral("INPUT_OBJECT"),
                                          QStringLiteral("LIST"), QStringLiteral("NON_NULL")}));
    for (const QJsonValue &value : kinds) {
        QCOMPARE(value.toObject().value(QStringLiteral("isDeprecated")), QJsonValue(false));
        QCOMPARE(value.toObject().value(QStringLiteral("deprecationReason")), QJsonValue(QJsonValue::Null));
    }

    const QStringList locations = namesOf(typeJson(QStringLiteral("__DirectiveLocation")).value(QStringLiteral("enumValues")).toArray());
    QCOMPARE(locations.size(), 19);
    for (const char *location : {"QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD",
                                 "INLINE_FRAGMENT", "VARIABLE_DEFINITION", "SCHEMA", "SCALAR", "OBJECT", "FIELD_DEFINITION",
                                 "ARGUMENT_DEFINITION", "INTERFACE", "UNION", "ENUM", "ENUM_VALUE", "INPUT_OBJECT",
                                 "INPUT_FIELD_DEFINITION"})
        QVERIFY2(locations.contains(QLatin1String(location)), location);
}

void TestSandboxIntrospection::directives()
{
    const QJsonArray directives = schemaJson().value(QStringLiteral("directives")).toArray();
    QCOMPARE(namesOf(directives), (QStringList{QStringLiteral("include"), QStringLiteral("skip"), QStringLiteral("deprecated"),
                                               QStringLiteral("specifiedBy")}));

    const QJsonArray executable{QStringLiteral("FIELD"), QStringLiteral("FRAGMENT_SPREAD"), QStringLiteral("INLINE_FRAGMENT")};
    for (const QString &name : {QStringLiteral("include"), QStringLiteral("skip")}) {
        const QJsonObject directive = entryNamed(directives, name);
        QCOMPARE(directive.value(QStringLiteral("locations")).toArray(), executable);
        QCOMPARE(directive.value(QStringLiteral("isRepeatable")), QJsonValue(false));
        QCOMPARE(argumentSignatures(directive.value(QStringLiteral("args")).toArray()), QStringList{QStringLiteral("if: Boolean!")});
    }

    const QJsonObject deprecated = entryNamed(directives, QStringLiteral("deprecated"));
    QCOMPARE(deprecated.value(QStringLiteral("locations")).toArray(),
             (QJsonArray{QStringLiteral("FIELD_DEFINITION"), QStringLiteral("ARGUMENT_DEFINITION"),
                         QStringLiteral("INPUT_FIELD_DEFINITION"), QStringLiteral("ENUM_VALUE")}));
    const QJsonObject reason = deprecated.value(QStringLiteral("args")).toArray().first().toObject();
    QCOMPARE(reason.value(QStringLiteral("name")).toString(), QStringLiteral("reason"));
    QCOMPARE(typeNotation(reason.value(QStringLiteral("type"))), QStringLiteral("String"));
    // defaultValue is GraphQL notation, so a string keeps its quotes.
    QCOMPARE(reason.value(QStringLiteral("defaultValue")).toString(), QStringLiteral("\"No longer supported\""));

    const QJsonObject specifiedBy = entryNamed(directives, QStringLiteral("specifiedBy"));
    QCOMPARE(specifiedBy.value(QStringLiteral("locations")).toArray(), QJsonArray{QStringLiteral("SCALAR")});
    QCOMPARE(argumentSignatures(specifiedBy.value(QStringLiteral("args")).toArray()), QStringList{QStringLiteral("url: String!")});
}

void TestSandboxIntrospection::referencedTypesAreListed()
{
    QHash<QString, QString> referenced;
    for (const QJsonValue &typeValue : schemaJson().value(QStringLiteral("types")).toArray()) {
        const QJsonObject type = typeValue.toObject();
        const QString typeName = type.value(QStringLiteral("name")).toString();
        for (const QJsonValue &field : type.value(QStringLiteral("fields")).toArray()) {
            const QString where = typeName + QLatin1Char('.') + field.toObject().value(QStringLiteral("name")).toString();
            collectReferencedTypes(field.toObject().value(QStringLiteral("type")), where, &referenced);
            for (const QJsonValue &argument : field.toObject().value(QStringLiteral("args")).toArray())
                collectReferencedTypes(argument.toObject().value(QStringLiteral("type")), where, &referenced);
        }
    }
    QVERIFY(referenced.size() > 10);
    for (auto it = referenced.cbegin(); it != referenced.cend(); ++it)
        QVERIFY2(!typeJson(it.key()).isEmpty(), qPrintable(it.value() + QStringLiteral(" refers to the unlisted type \"") + it.key() + QLatin1Char('"')));
}

void TestSandboxIntrospection::typeByName()
{
    const Reply reply = postGraphql(m_accessToken, QStringLiteral("{ __type(name: \"Todo\") { kind name description "
                                                                  "fields { name type { kind name ofType { kind name } } } } }"));
    QCOMPARE(reply.status, 200);
    QVERIFY2(!reply.json().contains(QStringLiteral("errors")), reply.body.constData());
    const QJsonObject type = reply.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("__type")).toObject();
    QCOMPARE(type.value(QStringLiteral("kind")).toString(), QStringLiteral("OBJECT"));
    QCOMPARE(type.value(QStringLiteral("name")).toString(), QStringLiteral("Todo"));
    QCOMPARE(type.value(QStringLiteral("description")).toString(), typeJson(QStringLiteral("Todo")).value(QStringLiteral("description")).toString());
    const QJsonArray fields = type.value(QStringLiteral("fields")).toArray();
    QCOMPARE(namesOf(fields), (QStringList{QStringLiteral("id"), QStringLiteral("title"), QStringLiteral("done")}));
    QCOMPARE(typeNotation(fields.at(0).toObject().value(QStringLiteral("type"))), QStringLiteral("ID!"));
    QCOMPARE(typeNotation(fields.at(2).toObject().value(QStringLiteral("type"))), QStringLiteral("Boolean!"));
    // Response members follow the selection set.
    QVERIFY2(reply.body.startsWith("{\"data\":{\"__type\":{\"kind\":\"OBJECT\",\"name\":\"Todo\",\"description\":"), reply.body.constData());

    // Introspection types can be looked up too.
    const Reply kind = postGraphql(m_accessToken, QStringLiteral("{ __type(name: \"__TypeKind\") { kind enumValues { name } } }"));
    QCOMPARE(kind.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("__type")).toObject().value(QStringLiteral("kind")).toString(),
             QStringLiteral("ENUM"));
}

void TestSandboxIntrospection::typeByNameUnknownIsNull()
{
    const Reply reply = postGraphql(m_accessToken, QStringLiteral("{ __type(name: \"Nope\") { name } me { sub } }"));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("{\"data\":{\"__type\":null,\"me\":{\"sub\":\"demo-user-1\"}}}"));
}

void TestSandboxIntrospection::typeByNameWithVariable()
{
    const QString query = QStringLiteral("query T($name: String!) { __type(name: $name) { name kind } }");
    const Reply reply = postGraphql(m_accessToken, query, {{QStringLiteral("name"), QStringLiteral("LoginResult")}});
    QCOMPARE(reply.body, QByteArray("{\"data\":{\"__type\":{\"name\":\"LoginResult\",\"kind\":\"OBJECT\"}}}"));

    const Reply wrongType = postGraphql(m_accessToken, query, {{QStringLiteral("name"), 5}});
    QCOMPARE(wrongType.status, 200);
    QCOMPARE(wrongType.json().value(QStringLiteral("errors")).toArray().first().toObject().value(QStringLiteral("message")).toString(),
             QStringLiteral("Variable \"$name\" got an invalid value 5: expected type \"String\", found 5."));
}

void TestSandboxIntrospection::includeDeprecatedDefault()
{
    // Without includeDeprecated, the argument's default value false applies. The sandbox has no
    // deprecated entries, so both ways list the same fields.
    const Reply without = postGraphql(m_accessToken, QStringLiteral("{ __type(name: \"User\") { fields { name } } }"));
    const Reply with = postGraphql(m_accessToken,
                                   QStringLiteral("{ __type(name: \"User\") { fields(includeDeprecated: true) { name } } }"));
    QCOMPARE(without.body, QByteArray("{\"data\":{\"__type\":{\"fields\":[{\"name\":\"sub\"},{\"name\":\"email\"},{\"name\":\"name\"}]}}}"));
    QCOMPARE(with.body, without.body);

    const Reply variable = postGraphql(m_accessToken,
                                       QStringLiteral("query D($all: Boolean) { __type(name: \"User\") { fields(includeDeprecated: $all) { name } } }"),
                                       {{QStringLiteral("all"), QJsonValue(QJsonValue::Null)}});
    QCOMPARE(variable.body, without.body);
}

void TestSandboxIntrospection::typenameInQueries()
{
    const Reply reply = postGraphql(m_accessToken,
                                    QStringLiteral("{ __typename me { __typename ...UserParts } todos { ... on Todo { __typename id } } }\n"
                                                   "fragment UserParts on User { kind: __typename sub }"));
    QCOMPARE(reply.status, 200);
    QVERIFY2(reply.body.startsWith("{\"data\":{\"__typename\":\"Query\",\"me\":{\"__typename\":\"User\",\"kind\":\"User\","
                                   "\"sub\":\"demo-user-1\"},\"todos\":[{\"__typename\":\"Todo\",\"id\":\"1\"},"),
             reply.body.constData());

    const Reply mutation = postGraphql(m_accessToken, QStringLiteral("mutation { __typename t: __typename }"));
    QCOMPARE(mutation.body, QByteArray("{\"data\":{\"__typename\":\"Mutation\",\"t\":\"Mutation\"}}"));
}

void TestSandboxIntrospection::typenameInIntrospection()
{
    const Reply reply = postGraphql(m_accessToken,
                                    QStringLiteral("{ __schema { __typename queryType { __typename fields { __typename "
                                                   "type { __typename } args { __typename } } } directives { __typename } } }"));
    QCOMPARE(reply.status, 200);
    QVERIFY2(!reply.json().contains(QStringLiteral("errors")), reply.body.constData());
    const QJsonObject schema = reply.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("__schema")).toObject();
    QCOMPARE(schema.value(QStringLiteral("__typename")).toString(), QStringLiteral("__Schema"));
    const QJsonObject queryType = schema.value(QStringLiteral("queryType")).toObject();
    QCOMPARE(queryType.value(QStringLiteral("__typename")).toString(), QStringLiteral("__Type"));
    const QJsonObject firstField = queryType.value(QStringLiteral("fields")).toArray().first().toObject();
    QCOMPARE(firstField.value(QStringLiteral("__typename")).toString(), QStringLiteral("__Field"));
    QCOMPARE(firstField.value(QStringLiteral("type")).toObject().value(QStringLiteral("__typename")).toString(), QStringLiteral("__Type"));
    QCOMPARE(schema.value(QStringLiteral("directives")).toArray().first().toObject().value(QStringLiteral("__typename")).toString(),
             QStringLiteral("__Directive"));
}

void TestSandboxIntrospection::introspectionOverGet()
{
    QUrl url = m_server->graphqlUrl();
    url.setQuery(QStringLiteral("query=") + QString::fromLatin1(formEncode(afx::graphql::introspectionQuery())));
    const Reply reply = sendRequest(m_network, "GET", url, {}, {{"Authorization", "Bearer " + m_accessToken.toLatin1()}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, m_introspection.body);

    const Reply anonymous = sendRequest(m_network, "GET", url);
    QCOMPARE(anonymous.status, 401);
}

void TestSandboxIntrospection::metaFieldValidation_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("message");

    QTest::newRow("unknown meta field") << QStringLiteral("{ __foo }") << QStringLiteral("Cannot query field \"__foo\" on type \"Query\".");
    QTest::newRow("unknown meta field on an object") << QStringLiteral("{ me { __bar } }")
                                                     << QStringLiteral("Cannot query field \"__bar\" on type \"User\".");
    QTest::newRow("__schema below the root") << QStringLiteral("{ me { __schema { types { name } } } }")
                                             << QStringLiteral("Cannot query field \"__schema\" on type \"User\".");
    QTest::newRow("__type on Mutation") << QStringLiteral("mutation { __type(name: \"Todo\") { name } }")
                                        << QStringLiteral("Cannot query field \"__type\" on type \"Mutation\".");
    QTest::newRow("unknown field of __Type") << QStringLiteral("{ __schema { types { nope } } }")
                                             << QStringLiteral("Cannot query field \"nope\" on type \"__Type\".");
    QTest::newRow("__schema without selection") << QStringLiteral("{ __schema }")
                                                << QStringLiteral("Field \"__schema\" of type \"__Schema!\" must have a selection of "
                                                                  "subfields. Did you mean \"__schema { ... }\"?");
    QTest::newRow("enum with selection") << QStringLiteral("{ __schema { types { kind { x } } } }")
                                         << QStringLiteral("Field \"kind\" must not have a selection since type \"__TypeKind!\" has "
                                                           "no subfields.");
    QTest::newRow("__typename with selection") << QStringLiteral("{ __typename { x } }")
                                               << QStringLiteral("Field \"__typename\" must not have a selection since type "
                                                                 "\"String!\" has no subfields.");
    QTest::newRow("__type without name") << QStringLiteral("{ __type { name } }")
                                         << QStringLiteral("Field \"__type\" argument \"name\" of type \"String!\" is required, but "
                                                           "it was not provided.");
    QTest::newRow("__type with a number") << QStringLiteral("{ __type(name: 5) { name } }")
                                          << QStringLiteral("Expected value of type \"String\", found 5.");
    QTest::newRow("unknown argument") << QStringLiteral("{ __schema { types { fields(first: 1) { name } } } }")
                                      << QStringLiteral("Unknown argument \"first\" on field \"__Type.fields\".");
    QTest::newRow("includeDeprecated not a boolean")
        << QStringLiteral("{ __schema { types { fields(includeDeprecated: \"yes\") { name } } } }")
        << QStringLiteral("Expected value of type \"Boolean\", found \"yes\".");
    QTest::newRow("fragment on wrong introspection type")
        << QStringLiteral("{ __schema { ...F } } fragment F on __Type { name }")
        << QStringLiteral("Fragment \"F\" cannot be spread here as objects of type \"__Schema\" can never be of type \"__Type\".");
    QTest::newRow("fragment on an enum") << QStringLiteral("{ __schema { ...K } } fragment K on __TypeKind { x }")
                                         << QStringLiteral("Fragment \"K\" cannot condition on non composite type \"__TypeKind\".");
    QTest::newRow("variable of object type") << QStringLiteral("query Q($t: __Type) { __typename }")
                                             << QStringLiteral("Variable \"$t\" cannot be non-input type \"__Type\".");
    QTest::newRow("unknown enum value") << QStringLiteral("query Q($k: __TypeKind = FOO) { __typename }")
                                        << QStringLiteral("Value \"FOO\" does not exist in \"__TypeKind\" enum.");
    QTest::newRow("string as enum value") << QStringLiteral("query Q($k: __TypeKind = \"OBJECT\") { __typename }")
                                          << QStringLiteral("Enum \"__TypeKind\" cannot represent non-enum value: \"OBJECT\".");
    QTest::newRow("variable of an unlisted scalar") << QStringLiteral("query Q($f: Float) { __typename }")
                                                    << QStringLiteral("Unknown type \"Float\".");
    QTest::newRow("@deprecated in a query") << QStringLiteral("{ me { sub @deprecated } }")
                                            << QStringLiteral("Directive \"@deprecated\" may not be used on FIELD.");
    QTest::newRow("@skip twice") << QStringLiteral("{ __typename @skip(if: false) @skip(if: true) }")
                                 << QStringLiteral("The directive \"@skip\" can only be used once at this location.");
    QTest::newRow("conflicting aliases") << QStringLiteral("{ __schema { x: types { name } x: directives { name } } }")
                                         << QStringLiteral("Fields \"x\" conflict because \"types\" and \"directives\" are different "
                                                           "fields. Use different aliases on the fields to fetch both if this was "
                                                           "intentional.");
}

void TestSandboxIntrospection::metaFieldValidation()
{
    QFETCH(QString, query);
    QFETCH(QString, message);
    const Reply reply = postGraphql(m_accessToken, query);
    QCOMPARE(reply.status, 200);
    QVERIFY2(!reply.json().contains(QStringLiteral("data")), reply.body.constData());
    QStringList messages;
    for (const QJsonValue &error : reply.json().value(QStringLiteral("errors")).toArray())
        messages.append(error.toObject().value(QStringLiteral("message")).toString());
    QVERIFY2(messages.contains(message), qPrintable(messages.join(QLatin1Char('\n'))));
}

void TestSandboxIntrospection::schemaParsesAnswer()
{
    QString error;
    const std::optional<afx::graphql::Schema> schema = afx::graphql::Schema::fromIntrospection(m_introspection.body, &error);
    QVERIFY2(schema, qPrintable(error));
    QCOMPARE(schema->queryType(), QStringLiteral("Query"));
    QCOMPARE(schema->mutationType(), QStringLiteral("Mutation"));
    QVERIFY(schema->subscriptionType().isEmpty());
    QVERIFY(schema->rootType(afx::graphql::OperationDefinition::Type::Query));
    QVERIFY(!schema->rootType(afx::graphql::OperationDefinition::Type::Subscription));

    const afx::graphql::SchemaType *todo = schema->type(QStringLiteral("Todo"));
    QVERIFY(todo);
    QCOMPARE(todo->kind, afx::graphql::SchemaType::Kind::Object);
    QVERIFY(!todo->description.isEmpty());
    QCOMPARE(todo->fields.size(), 3);
    QCOMPARE(schema->field(QStringLiteral("Todo"), QStringLiteral("title"))->type.toString(), QStringLiteral("String!"));
    QCOMPARE(schema->field(QStringLiteral("Query"), QStringLiteral("todos"))->type.toString(), QStringLiteral("[Todo!]!"));
    QVERIFY(!schema->field(QStringLiteral("Query"), QStringLiteral("me"))->description.isEmpty());

    const afx::graphql::SchemaField *setDone = schema->field(QStringLiteral("Mutation"), QStringLiteral("setDone"));
    QVERIFY(setDone);
    QCOMPARE(setDone->type.toString(), QStringLiteral("Todo"));
    QCOMPARE(setDone->arguments.size(), 2);
    QCOMPARE(setDone->arguments.at(1).name, QStringLiteral("done"));
    QCOMPARE(setDone->arguments.at(1).type.toString(), QStringLiteral("Boolean!"));
    QVERIFY(!setDone->arguments.at(1).description.isEmpty());
    QVERIFY(setDone->arguments.at(1).defaultValue.isEmpty());

    // The meta fields, which the type lists do not contain.
    QVERIFY(schema->field(QStringLiteral("Query"), QStringLiteral("__schema")));
    QVERIFY(schema->field(QStringLiteral("Query"), QStringLiteral("__type")));
    QVERIFY(schema->field(QStringLiteral("User"), QStringLiteral("__typename")));
    QVERIFY(!schema->field(QStringLiteral("User"), QStringLiteral("__schema")));

    QCOMPARE(schema->type(QStringLiteral("__TypeKind"))->enumValues.size(), 8);
    QCOMPARE(schema->type(QStringLiteral("ID"))->kind, afx::graphql::SchemaType::Kind::Scalar);
    QVERIFY(schema->isLeafType(afx::graphql::TypeRef{afx::graphql::TypeRef::Kind::Named, QStringLiteral("__TypeKind"), {}, {}}));

    const afx::graphql::SchemaDirective *skip = schema->directive(QStringLiteral("skip"));
    QVERIFY(skip);
    QCOMPARE(skip->locations, (QStringList{QStringLiteral("FIELD"), QStringLiteral("FRAGMENT_SPREAD"), QStringLiteral("INLINE_FRAGMENT")}));
    QCOMPARE(skip->arguments.size(), 1);
    QCOMPARE(skip->arguments.first().type.toString(), QStringLiteral("Boolean!"));
    QVERIFY(!skip->repeatable);
    const afx::graphql::SchemaDirective *deprecated = schema->directive(QStringLiteral("deprecated"));
    QVERIFY(deprecated);
    QCOMPARE(deprecated->arguments.first().defaultValue, QStringLiteral("\"No longer supported\""));
}

void TestSandboxIntrospection::schemaRejectsTruncatedAnswer()
{
    QString error;
    QVERIFY(!afx::graphql::Schema::fromIntrospection(m_introspection.body.left(m_introspection.body.size() / 2), &error));
    QVERIFY(!error.isEmpty());
}

void TestSandboxIntrospection::interopBackendIntrospection()
{
    const QString issuer = qEnvironmentVariable("INTEROP_ISSUER");
    const QUrl graphqlUrl(qEnvironmentVariable("INTEROP_GRAPHQL"));
    if (issuer.isEmpty() || graphqlUrl.isEmpty())
        QSKIP(qPrintable(interopSkipMessage));

    // Sign in at oidc-provider as explorer-public; the backend accepts its ID token.
    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    afx::Trace trace;
    afx::TracedHttpClient http(&network);
    http.setTrace(&trace);
    afx::AuthCodeFlow flow(&http, &trace);
    auto *agent = new HttpFormAgent(&flow);
    agent->fieldValues.insert(QStringLiteral("email"), QStringLiteral("alice@example.com"));
    agent->fieldValues.insert(QStringLiteral("password"), QStringLiteral("correct horse battery staple"));
    flow.setUserAgent(agent);
    afx::Profile profile;
    profile.id = QStringLiteral("interop");
    profile.name = QStringLiteral("oidc-provider");
    profile.issuer = issuer;
    profile.clientId = QStringLiteral("explorer-public");
    profile.clientAuth = afx::ClientAuthMethod::None;
    profile.scopes = {QStringLiteral("openid"), QStringLiteral("email"), QStringLiteral("profile")};

    qRegisterMetaType<afx::FlowResult>();
    QSignalSpy finished(&flow, &afx::AuthCodeFlow::finished);
    flow.start(profile, QString());
    QVERIFY(!finished.isEmpty() || finished.wait(40000));
    const afx::FlowResult login = finished.first().first().value<afx::FlowResult>();
    QVERIFY2(login.ok, qPrintable(login.message));
    QVERIFY(!login.tokens.idToken.isEmpty());

    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("query"), afx::graphql::introspectionQuery()}})
                                .toJson(QJsonDocument::Compact);
    const Reply anonymous = sendRequest(m_network, "POST", graphqlUrl, body, {{"Content-Type", "application/json"}});
    QCOMPARE(anonymous.status, 401);

    const Reply reply = sendRequest(m_network, "POST", graphqlUrl, body,
                                    {{"Content-Type", "application/json"},
                                     {"Authorization", "Bearer " + login.tokens.idToken.toLatin1()}});
    QCOMPARE(reply.status, 200);
    QVERIFY2(!reply.json().contains(QStringLiteral("errors")), reply.body.left(2000).constData());

    QString error;
    const std::optional<afx::graphql::Schema> schema = afx::graphql::Schema::fromIntrospection(reply.body, &error);
    QVERIFY2(schema, qPrintable(error));
    QCOMPARE(schema->queryType(), QStringLiteral("Query"));
    QCOMPARE(schema->mutationType(), QStringLiteral("Mutation"));
    QCOMPARE(schema->field(QStringLiteral("Query"), QStringLiteral("todos"))->type.toString(), QStringLiteral("[Todo!]!"));
    QCOMPARE(schema->field(QStringLiteral("User"), QStringLiteral("email"))->type.toString(), QStringLiteral("String"));
    const afx::graphql::SchemaField *addTodo = schema->field(QStringLiteral("Mutation"), QStringLiteral("addTodo"));
    QVERIFY(addTodo);
    QCOMPARE(addTodo->arguments.size(), 1);
    QCOMPARE(addTodo->arguments.first().type.toString(), QStringLiteral("String!"));
    QVERIFY(schema->directive(QStringLiteral("include")));
    QVERIFY(schema->directive(QStringLiteral("deprecated")));
    QCOMPARE(schema->type(QStringLiteral("__Type"))->kind, afx::graphql::SchemaType::Kind::Object);

    // graphql-js and the sandbox agree on the shape of the introspection types. graphql-js 16
    // also has additions from drafts after the October 2021 spec (such as __Type.isOneOf and
    // __Schema.directives(includeDeprecated:)), so only the sandbox's side must be contained.
    QString sandboxError;
    const std::optional<afx::graphql::Schema> sandbox = afx::graphql::Schema::fromIntrospection(m_introspection.body, &sandboxError);
    QVERIFY2(sandbox, qPrintable(sandboxError));
    for (const QString &typeName : {QStringLiteral("__Schema"), QStringLiteral("__Type"), QStringLiteral("__Field"),
                                    QStringLiteral("__InputValue"), QStringLiteral("__EnumValue"), QStringLiteral("__Directive")}) {
        for (const afx::graphql::SchemaField &field : sandbox->type(typeName)->fields) {
            const afx::graphql::SchemaField *other = schema->field(typeName, field.name);
            QVERIFY2(other, qPrintable(QStringLiteral("graphql-js has no %1.%2").arg(typeName, field.name)));
            QCOMPARE(other->type.toString(), field.type.toString());
            for (const afx::graphql::SchemaInputValue &argument : field.arguments) {
                const afx::graphql::SchemaInputValue *otherArgument = other->argument(argument.name);
                QVERIFY2(otherArgument, qPrintable(QStringLiteral("graphql-js has no %1.%2(%3)").arg(typeName, field.name, argument.name)));
                QCOMPARE(otherArgument->type.toString(), argument.type.toString());
                QCOMPARE(otherArgument->defaultValue, argument.defaultValue);
            }
        }
    }
}

QTEST_MAIN(TestSandboxIntrospection)
#include "tst_sandboxintrospection.moc"
