// {{name}} placeholders (query::expandPlaceholders), the request builder that applies them to
// the query editor's fields, and the profile's environment in the profile JSON.

#include "graphql/schema.h"
#include "query/requestbuilder.h"
#include "query/templating.h"
#include "storage/profile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using afx::Profile;
using afx::query::BuiltRequest;
using afx::query::Environment;
using afx::query::ExpandOptions;
using afx::query::RequestError;
using afx::query::RequestInput;
using afx::query::RequestMode;

namespace {

const Environment environment{{QStringLiteral("baseUrl"), QStringLiteral("http://127.0.0.1:4000")},
                              {QStringLiteral("tenant"), QStringLiteral("acme")},
                              {QStringLiteral("user.id"), QStringLiteral("u-42")},
                              {QStringLiteral("greeting"), QStringLiteral("grüß dich ✓")},
                              {QStringLiteral("twoLines"), QStringLiteral("a\nb")},
                              {QStringLiteral("quote"), QStringLiteral("say \"hi\"")},
                              {QStringLiteral("braces"), QStringLiteral("{{tenant}}")}};

QJsonObject bodyJson(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object();
}

} // namespace

class TestQueryTemplating : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void expandsPlaceholders_data();
    void expandsPlaceholders();
    void rejectsBadPlaceholders_data();
    void rejectsBadPlaceholders();
    void unknownNameListsDefinedNames();
    void emptyEnvironmentNamesFix();
    void errorOffsetPointsAtPlaceholder();
    void singleLineRejectsLineBreak();
    void hugeInputExpandsLinearly();
    void expansionOverLimitRejected();
    void usedNamesInOrder();
    void validNames_data();
    void validNames();

    void graphqlRequestExpandsEveryField();
    void variablesExpandedInsideStrings();
    void variablesSyntaxErrorNamesLineAndColumn();
    void headerValueCannotAddLine();
    void httpRequestExpandsBody();
    void httpMethodChecked();
    void urlInvalidAfterExpansion();
    void operationChosenByName();
    void variablesCheckedWithSchema();

    void environmentRoundTrip();
    void environmentSecretNamesDropped();
    void environmentBadInput_data();
    void environmentBadInput();
    void environmentValidateFlagsNames();
};

void TestQueryTemplating::expandsPlaceholders_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");

    QTest::newRow("no placeholder") << QStringLiteral("plain text") << QStringLiteral("plain text");
    QTest::newRow("empty text") << QString() << QString();
    QTest::newRow("one") << QStringLiteral("{{baseUrl}}/graphql") << QStringLiteral("http://127.0.0.1:4000/graphql");
    QTest::newRow("spaces inside") << QStringLiteral("{{ tenant\t}}") << QStringLiteral("acme");
    QTest::newRow("twice") << QStringLiteral("{{tenant}}-{{tenant}}") << QStringLiteral("acme-acme");
    QTest::newRow("dotted name") << QStringLiteral("id={{user.id}}") << QStringLiteral("id=u-42");
    QTest::newRow("non-ASCII value") << QStringLiteral("«{{greeting}}»") << QStringLiteral("«grüß dich ✓»");
    QTest::newRow("non-ASCII around") << QStringLiteral("日本 {{tenant}} 語") << QStringLiteral("日本 acme 語");
    QTest::newRow("value not expanded again") << QStringLiteral("{{braces}}") << QStringLiteral("{{tenant}}");
    QTest::newRow("single braces stay") << QStringLiteral("{ a { b } }") << QStringLiteral("{ a { b } }");
    QTest::newRow("closing braces alone stay") << QStringLiteral("{ me { id }}") << QStringLiteral("{ me { id }}");
    QTest::newRow("three braces") << QStringLiteral("{{{tenant}}}") << QStringLiteral("{acme}");
}

void TestQueryTemplating::expandsPlaceholders()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QString out;
    QString error;
    QVERIFY2(afx::query::expandPlaceholders(text, environment, {}, &out, &error), qPrintable(error));
    QCOMPARE(out, expected);
}

void TestQueryTemplating::rejectsBadPlaceholders_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");

    QTest::newRow("unterminated") << QStringLiteral("{{tenant") << QStringLiteral("has no closing \"}}\"");
    QTest::newRow("unterminated at end") << QStringLiteral("abc {{") << QStringLiteral("has no closing \"}}\"");
    QTest::newRow("single closing brace") << QStringLiteral("{{tenant}") << QStringLiteral("has no closing \"}}\"");
    QTest::newRow("empty name") << QStringLiteral("{{}}") << QStringLiteral("has no name");
    QTest::newRow("only spaces") << QStringLiteral("{{   }}") << QStringLiteral("has no name");
    QTest::newRow("nested braces") << QStringLiteral("{{a{{b}}}}") << QStringLiteral("is not a valid name");
    QTest::newRow("space inside name") << QStringLiteral("{{a b}}") << QStringLiteral("is not a valid name");
    QTest::newRow("line break inside") << QStringLiteral("{{a\nb}}") << QStringLiteral("is not a valid name");
    QTest::newRow("non-ASCII name") << QStringLiteral("{{größe}}") << QStringLiteral("is not a valid name");
    QTest::newRow("digit first") << QStringLiteral("{{1st}}") << QStringLiteral("is not a valid name");
    QTest::newRow("name too long") << QStringLiteral("{{%1}}").arg(QString(65, QLatin1Char('a')))
                                   << QStringLiteral("is not a valid name");
    QTest::newRow("JSON-looking unterminated") << QStringLiteral("{\"a\": \"{{x\", \"b\": {\"c\": 1}}")
                                               << QStringLiteral("is not a valid name");
    QTest::newRow("unknown") << QStringLiteral("{{missing}}") << QStringLiteral("is not defined in the profile's environment");
    QTest::newRow("case differs") << QStringLiteral("{{Tenant}}") << QStringLiteral("{{Tenant}}");
}

void TestQueryTemplating::rejectsBadPlaceholders()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QString out = QStringLiteral("unchanged");
    QString error;
    QVERIFY(!afx::query::expandPlaceholders(text, environment, ExpandOptions{QStringLiteral("the body")}, &out, &error));
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("of the body")) || error.contains(QStringLiteral("in the body")), qPrintable(error));
    QCOMPARE(out, QStringLiteral("unchanged"));
}

void TestQueryTemplating::unknownNameListsDefinedNames()
{
    QString out;
    QString error;
    QVERIFY(!afx::query::expandPlaceholders(QStringLiteral("a\nbc {{apiHost}}"), environment,
                                            ExpandOptions{QStringLiteral("the URL")}, &out, &error));
    QVERIFY2(error.contains(QStringLiteral("{{apiHost}}")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("line 2, column 4 of the URL")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("Defined names: baseUrl, tenant, user.id, greeting, twoLines, quote, braces.")),
             qPrintable(error));
}

void TestQueryTemplating::emptyEnvironmentNamesFix()
{
    QString out;
    QString error;
    QVERIFY(!afx::query::expandPlaceholders(QStringLiteral("{{tenant}}"), {}, {}, &out, &error));
    QVERIFY2(error.contains(QStringLiteral("defines no names yet")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("Profile > Edit")), qPrintable(error));
}

void TestQueryTemplating::errorOffsetPointsAtPlaceholder()
{
    QString out;
    QString error;
    qsizetype offset = -1;
    const QString text = QStringLiteral("ü {{tenant}} {{nope}}");
    QVERIFY(!afx::query::expandPlaceholders(text, environment, {}, &out, &error, nullptr, &offset));
    QCOMPARE(offset, text.indexOf(QStringLiteral("{{nope")));
    QVERIFY2(error.contains(QStringLiteral("column 14")), qPrintable(error));
}

void TestQueryTemplating::singleLineRejectsLineBreak()
{
    QString out;
    QString error;
    ExpandOptions options{QStringLiteral("the headers"), true};
    QVERIFY(!afx::query::expandPlaceholders(QStringLiteral("X-A: {{twoLines}}"), environment, options, &out, &error));
    QVERIFY2(error.contains(QStringLiteral("{{twoLines}} contains a line break")), qPrintable(error));
    options.singleLine = false;
    QVERIFY(afx::query::expandPlaceholders(QStringLiteral("X-A: {{twoLines}}"), environment, options, &out, &error));
    QCOMPARE(out, QStringLiteral("X-A: a\nb"));
}

void TestQueryTemplating::hugeInputExpandsLinearly()
{
    // 200 000 placeholders in 2.8 MB of text: quadratic work would take minutes.
    QString text;
    for (int i = 0; i < 200000; ++i)
        text += QStringLiteral("{{tenant}},");
    QElapsedTimer clock;
    clock.start();
    QString out;
    QString error;
    QVERIFY2(afx::query::expandPlaceholders(text, environment, {}, &out, &error), qPrintable(error));
    QCOMPARE(out.size(), qsizetype(200000 * 5));
    QVERIFY(out.startsWith(QStringLiteral("acme,acme,")));
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));

    // A huge text with an unterminated placeholder at its end fails with the right line.
    const QString lines = QString(QStringLiteral("line\n")).repeated(100000) + QStringLiteral("{{tenant");
    QVERIFY(!afx::query::expandPlaceholders(lines, environment, {}, &out, &error));
    QVERIFY2(error.contains(QStringLiteral("line 100001, column 1")), qPrintable(error));
}

void TestQueryTemplating::expansionOverLimitRejected()
{
    const Environment big{{QStringLiteral("big"), QString(1000, QLatin1Char('x'))}};
    ExpandOptions options{QStringLiteral("the body")};
    options.maxLength = 10000;
    QString out;
    QString error;
    QVERIFY(afx::query::expandPlaceholders(QStringLiteral("{{big}}").repeated(9), big, options, &out, &error));
    QVERIFY(!afx::query::expandPlaceholders(QStringLiteral("{{big}}").repeated(11), big, options, &out, &error));
    QVERIFY2(error.contains(QStringLiteral("longer than 10000 characters")), qPrintable(error));
}

void TestQueryTemplating::usedNamesInOrder()
{
    QString out;
    QString error;
    QStringList used;
    QVERIFY(afx::query::expandPlaceholders(QStringLiteral("{{tenant}} {{baseUrl}} {{tenant}}"), environment, {}, &out,
                                           &error, &used));
    QCOMPARE(used, (QStringList{QStringLiteral("tenant"), QStringLiteral("baseUrl")}));
}

void TestQueryTemplating::validNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("letters") << QStringLiteral("baseUrl") << true;
    QTest::newRow("underscore first") << QStringLiteral("_x") << true;
    QTest::newRow("dots and dashes") << QStringLiteral("api.v2-host") << true;
    QTest::newRow("64 characters") << QString(64, QLatin1Char('a')) << true;
    QTest::newRow("65 characters") << QString(65, QLatin1Char('a')) << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("digit first") << QStringLiteral("2x") << false;
    QTest::newRow("dash first") << QStringLiteral("-x") << false;
    QTest::newRow("space") << QStringLiteral("a b") << false;
    QTest::newRow("brace") << QStringLiteral("a}") << false;
    QTest::newRow("non-ASCII") << QStringLiteral("é") << false;
}

void TestQueryTemplating::validNames()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(afx::query::isValidEnvironmentName(name), valid);
}

void TestQueryTemplating::graphqlRequestExpandsEveryField()
{
    RequestInput input;
    input.mode = RequestMode::Graphql;
    input.url = QStringLiteral(" {{baseUrl}}/graphql ");
    input.document = QStringLiteral("query Me { tenant(id: \"{{tenant}}\") { name } }");
    input.variables = QString();
    input.headers = QStringLiteral("X-Tenant: {{tenant}}\nX-Greeting: {{greeting}}");
    BuiltRequest built;
    RequestError error;
    QVERIFY2(afx::query::buildRequest(input, environment, &built, &error), qPrintable(error.message));
    QCOMPARE(built.method, QStringLiteral("POST"));
    QCOMPARE(built.url, QUrl(QStringLiteral("http://127.0.0.1:4000/graphql")));
    QCOMPARE(built.headers.size(), 2);
    QCOMPARE(built.headers.at(0).second, QByteArray("acme"));
    QCOMPARE(built.headers.at(1).second, QStringLiteral("grüß dich ✓").toUtf8());
    QCOMPARE(bodyJson(built.body).value(QStringLiteral("query")).toString(),
             QStringLiteral("query Me { tenant(id: \"acme\") { name } }"));
    QCOMPARE(built.usedNames, (QStringList{QStringLiteral("baseUrl"), QStringLiteral("tenant"), QStringLiteral("greeting")}));
}

void TestQueryTemplating::variablesExpandedInsideStrings()
{
    RequestInput input;
    input.url = QStringLiteral("http://127.0.0.1:1/graphql");
    input.document = QStringLiteral("query Q($id: ID, $note: String, $list: [String]) { a }");
    input.variables = QStringLiteral("{\"id\": \"{{user.id}}\", \"note\": \"{{quote}} in {{tenant}}\", "
                                     "\"list\": [\"{{tenant}}\", \"x\"], \"{{tenant}}\": 1}");
    BuiltRequest built;
    RequestError error;
    QVERIFY2(afx::query::buildRequest(input, environment, &built, &error), qPrintable(error.message));
    const QJsonObject variables = bodyJson(built.body).value(QStringLiteral("variables")).toObject();
    QCOMPARE(variables.value(QStringLiteral("id")).toString(), QStringLiteral("u-42"));
    // The quotes of the value stay inside the JSON string instead of breaking it.
    QCOMPARE(variables.value(QStringLiteral("note")).toString(), QStringLiteral("say \"hi\" in acme"));
    QCOMPARE(variables.value(QStringLiteral("list")).toArray().at(0).toString(), QStringLiteral("acme"));
    // Member names are not expanded.
    QVERIFY(variables.contains(QStringLiteral("{{tenant}}")));

    input.variables = QStringLiteral("{\"id\": \"{{nope}}\"}");
    QVERIFY(!afx::query::buildRequest(input, environment, &built, &error));
    QCOMPARE(error.field, RequestError::Field::Variables);
    QVERIFY2(error.message.contains(QStringLiteral("the variable value at \"id\"")), qPrintable(error.message));
}

void TestQueryTemplating::variablesSyntaxErrorNamesLineAndColumn()
{
    RequestInput input;
    input.url = QStringLiteral("http://127.0.0.1:1/graphql");
    input.document = QStringLiteral("{ a }");
    input.variables = QStringLiteral("{\n  \"é\": 1,,\n}");
    BuiltRequest built;
    RequestError error;
    QVERIFY(!afx::query::buildRequest(input, environment, &built, &error));
    QCOMPARE(error.field, RequestError::Field::Variables);
    QVERIFY2(error.message.contains(QStringLiteral("line 2, column 11")), qPrintable(error.message));
    // The cursor goes where the parser stopped: after the second comma, in characters.
    QCOMPARE(error.offset, input.variables.indexOf(QStringLiteral(",,")) + 2);

    // An unquoted placeholder is a JSON syntax error, named as such.
    input.variables = QStringLiteral("{\"first\": {{count}}}");
    QVERIFY(!afx::query::buildRequest(input, environment, &built, &error));
    QVERIFY2(error.message.contains(QStringLiteral("not valid JSON")), qPrintable(error.message));
}

void TestQueryTemplating::headerValueCannotAddLine()
{
    RequestInput input;
    input.url = QStringLiteral("http://127.0.0.1:1/graphql");
    input.document = QStringLiteral("{ a }");
    input.headers = QStringLiteral("X-One: 1\nX-Two: {{twoLines}}");
    BuiltRequest built;
    RequestError error;
    QVERIFY(!afx::query::buildRequest(input, environment, &built, &error));
    QCOMPARE(error.field, RequestError::Field::Headers);
    QVERIFY2(error.message.startsWith(QStringLiteral("Header line 2: ")), qPrintable(error.message));
    QVERIFY2(error.message.contains(QStringLiteral("line break")), qPrintable(error.message));
    QCOMPARE(error.offset, input.headers.indexOf(QStringLiteral("{{")));
}

void TestQueryTemplating::httpRequestExpandsBody()
{
    RequestInput input;
    input.mode = RequestMode::Http;
    input.method = QStringLiteral("put");
    input.url = QStringLiteral("{{baseUrl}}/tenants/{{tenant}}");
    input.headers = QStringLiteral("Content-Type: text/plain; charset=utf-8");
    input.body = QStringLiteral("{{greeting}}\n{{twoLines}}");
    BuiltRequest built;
    RequestError error;
    QVERIFY2(afx::query::buildRequest(input, environment, &built, &error), qPrintable(error.message));
    QCOMPARE(built.method, QStringLiteral("PUT"));
    QCOMPARE(built.url.toString(), QStringLiteral("http://127.0.0.1:4000/tenants/acme"));
    QCOMPARE(built.body, QStringLiteral("grüß dich ✓\na\nb").toUtf8());

    input.body = QStringLiteral("{{greeting");
    QVERIFY(!afx::query::buildRequest(input, environment, &built, &error));
    QCOMPARE(error.field, RequestError::Field::Body);
    QVERIFY2(error.message.contains(QStringLiteral("of the body")), qPrintable(error.message));
}

void TestQueryTemplating::httpMethodChecked()
{
    RequestInput input;
    input.mode = RequestMode::Http;
    input.url = QStringLiteral("http://127.0.0.1:1/");
    for (const QString &method : afx::query::httpMethods()) {
        input.method = method;
        BuiltRequest built;
        RequestError error;
        QVERIFY2(afx::query::buildRequest(input, environment, &built, &error), qPrintable(method));
        QCOMPARE(built.method, method);
        QVERIFY(built.body.isEmpty());
    }
    input.method = QStringLiteral("TRACE");
    BuiltRequest built;
    RequestError error;
    QVERIFY(!afx::query::buildRequest(input, environment, &built, &error));
    QCOMPARE(error.field, RequestError::Field::Method);
    QVERIFY2(error.message.contains(QStringLiteral("\"TRACE\" is not supported")), qPrintable(error.message));
}

void TestQueryTemplating::urlInvalidAfterExpansion()
{
    RequestInput input;
    input.mode = RequestMode::Http;
    input.method = QStringLiteral("GET");
    input.url = QStringLiteral("{{tenant}}/path");
    BuiltRequest built;
    RequestError error;
    QVERIFY(!afx::query::buildRequest(input, environment, &built, &error));
    QCOMPARE(error.field, RequestError::Field::Url);
    QVERIFY2(error.message.contains(QStringLiteral("\"acme/path\" (from \"{{tenant}}/path\")")), qPrintable(error.message));

    input.url = QStringLiteral("{{twoLines}}");
    QVERIFY(!afx::query::buildRequest(input, environment, &built, &error));
    QVERIFY2(error.message.contains(QStringLiteral("line break")), qPrintable(error.message));
}

void TestQueryTemplating::operationChosenByName()
{
    RequestInput input;
    input.url = QStringLiteral("http://127.0.0.1:1/graphql");
    input.document = QStringLiteral("query A { a }\nquery B { b }\nmutation C { c }");
    BuiltRequest built;
    RequestError error;
    QVERIFY(!afx::query::buildRequest(input, environment, &built, &error));
    QCOMPARE(error.field, RequestError::Field::OperationName);
    QVERIFY2(error.message.contains(QStringLiteral("has 3 operations (")), qPrintable(error.message));
    QVERIFY2(error.message.contains(QStringLiteral("\"C\"")), qPrintable(error.message));

    input.operationName = QStringLiteral("D");
    QVERIFY(!afx::query::buildRequest(input, environment, &built, &error));
    QVERIFY2(error.message.contains(QStringLiteral("no operation named \"D\"")), qPrintable(error.message));

    input.operationName = QStringLiteral("B");
    QVERIFY2(afx::query::buildRequest(input, environment, &built, &error), qPrintable(error.message));
    QCOMPARE(bodyJson(built.body).value(QStringLiteral("operationName")).toString(), QStringLiteral("B"));

    // A document that does not parse goes to the server, which reports the syntax error.
    input.document = QStringLiteral("query A { a");
    input.operationName.clear();
    QVERIFY2(afx::query::buildRequest(input, environment, &built, &error), qPrintable(error.message));
}

void TestQueryTemplating::variablesCheckedWithSchema()
{
    QFile file(QStringLiteral(AFX_TEST_DATA_DIR "/graphql/introspection-todo.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QString schemaError;
    const std::optional<afx::graphql::Schema> schema = afx::graphql::Schema::fromIntrospection(file.readAll(), &schemaError);
    QVERIFY2(schema, qPrintable(schemaError));

    RequestInput input;
    input.url = QStringLiteral("http://127.0.0.1:1/graphql");
    input.document = QStringLiteral("query Sorted($order: TodoOrder) { todos(orderBy: $order) { id } }");
    input.variables = QStringLiteral(R"({"order": "ALPHABETICAL"})");
    BuiltRequest built;
    RequestError error;
    // Without the schema the custom enum cannot be checked, so the request is built.
    QVERIFY2(afx::query::buildRequest(input, environment, &built, &error), qPrintable(error.message));

    input.schema = &*schema;
    QVERIFY(!afx::query::buildRequest(input, environment, &built, &error));
    QCOMPARE(error.field, RequestError::Field::Variables);
    QVERIFY2(error.message.contains(QStringLiteral("ALPHABETICAL")), qPrintable(error.message));

    input.variables = QStringLiteral(R"({"order": "DUE_DATE"})");
    QVERIFY2(afx::query::buildRequest(input, environment, &built, &error), qPrintable(error.message));
}

void TestQueryTemplating::environmentRoundTrip()
{
    Profile profile = Profile::localSandbox();
    profile.environment = {{QStringLiteral("baseUrl"), QStringLiteral("http://127.0.0.1:4000")},
                           {QStringLiteral("tenant"), QStringLiteral("äcme")}};
    const QJsonObject json = profile.toJson();
    const QJsonArray array = json.value(QStringLiteral("environment")).toArray();
    QCOMPARE(array.size(), 2);
    QCOMPARE(array.at(0).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("baseUrl"));

    Profile read;
    QString error;
    QVERIFY2(Profile::fromJson(json, &read, &error), qPrintable(error));
    QCOMPARE(read.environment, profile.environment);
    QVERIFY(read.validate().isEmpty());

    // A profile without an environment writes no member for it.
    QVERIFY(!Profile::localSandbox().toJson().contains(QStringLiteral("environment")));
}

void TestQueryTemplating::environmentSecretNamesDropped()
{
    Profile profile = Profile::localSandbox();
    profile.environment = {{QStringLiteral("tenant"), QStringLiteral("acme")},
                           {QStringLiteral("apiToken"), QStringLiteral("secret-value-1")},
                           {QStringLiteral("db_password"), QStringLiteral("secret-value-2")}};
    // Written: the secret-looking names are left out.
    const QJsonObject json = profile.toJson();
    const QByteArray text = QJsonDocument(json).toJson();
    QVERIFY(!text.contains("secret-value-1"));
    QVERIFY(!text.contains("secret-value-2"));

    // Read from a hand-edited file: dropped with a warning that names them.
    QJsonObject edited = json;
    QJsonArray array = edited.value(QStringLiteral("environment")).toArray();
    array.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("client_secret")}, {QStringLiteral("value"), QStringLiteral("s3")}});
    edited.insert(QStringLiteral("environment"), array);
    Profile read;
    QString error;
    QStringList warnings;
    QVERIFY2(Profile::fromJson(edited, &read, &error, &warnings), qPrintable(error));
    QCOMPARE(read.environment.size(), 1);
    QCOMPARE(read.environment.at(0).first, QStringLiteral("tenant"));
    QCOMPARE(warnings.size(), 1);
    QVERIFY2(warnings.at(0).contains(QStringLiteral("environment value \"client_secret\"")), qPrintable(warnings.at(0)));
}

void TestQueryTemplating::environmentBadInput_data()
{
    QTest::addColumn<QJsonValue>("environment");
    QTest::addColumn<QString>("expected");

    const auto item = [](const QJsonValue &name, const QJsonValue &value) {
        return QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("value"), value}};
    };
    QTest::newRow("not an array") << QJsonValue(QStringLiteral("a=b"))
                                  << QStringLiteral("Member \"environment\" must be an array of {\"name\", \"value\"} objects, found a string.");
    QTest::newRow("item not an object") << QJsonValue(QJsonArray{1})
                                        << QStringLiteral("found a number at index 0");
    QTest::newRow("name missing") << QJsonValue(QJsonArray{QJsonObject{{QStringLiteral("value"), QStringLiteral("x")}}})
                                  << QStringLiteral("\"name\" must be a non-empty string");
    QTest::newRow("value a number") << QJsonValue(QJsonArray{item(QStringLiteral("a"), 3)})
                                    << QStringLiteral("\"value\" must be a string, found a number");
    QTest::newRow("invalid name") << QJsonValue(QJsonArray{item(QStringLiteral("a b"), QStringLiteral("x"))})
                                  << QStringLiteral("the name \"a b\" is not valid");
    QTest::newRow("duplicate name") << QJsonValue(QJsonArray{item(QStringLiteral("a"), QStringLiteral("1")),
                                                             item(QStringLiteral("a"), QStringLiteral("2"))})
                                    << QStringLiteral("the name \"a\" appears twice");
}

void TestQueryTemplating::environmentBadInput()
{
    QFETCH(QJsonValue, environment);
    QFETCH(QString, expected);
    QJsonObject json = Profile::localSandbox().toJson();
    json.insert(QStringLiteral("environment"), environment);
    Profile read;
    QString error;
    QVERIFY(!Profile::fromJson(json, &read, &error));
    QVERIFY2(error.contains(expected), qPrintable(error));
}

void TestQueryTemplating::environmentValidateFlagsNames()
{
    Profile profile = Profile::localSandbox();
    profile.environment = {{QStringLiteral("ok"), QStringLiteral("1")},
                           {QStringLiteral("access_token"), QStringLiteral("x")},
                           {QStringLiteral("bad name"), QStringLiteral("x")},
                           {QStringLiteral("ok"), QStringLiteral("2")}};
    const QStringList problems = profile.validate();
    QCOMPARE(problems.size(), 3);
    QVERIFY2(problems.at(0).contains(QStringLiteral("\"access_token\" looks like a secret")), qPrintable(problems.at(0)));
    QVERIFY2(problems.at(1).contains(QStringLiteral("\"bad name\" is not valid")), qPrintable(problems.at(1)));
    QVERIFY2(problems.at(2).contains(QStringLiteral("\"ok\" appears twice")), qPrintable(problems.at(2)));
}

QTEST_GUILESS_MAIN(TestQueryTemplating)
#include "tst_querytemplating.moc"
