#include "http/graphqlrequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using afx::buildGraphqlBody;
using afx::parseHeaderLines;
using afx::parseWwwAuthenticate;
using afx::prettyJson;

class TestGraphqlRequest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void bodyQueryOnly();
    void bodyWithOperationAndVariables();
    void bodyKeepsUnicodeAndLargeVariables();
    void bodyRejects_data();
    void bodyRejects();

    void headersGood();
    void headersRejects_data();
    void headersRejects();
    void headersAuthorizationWarning();
    void headersHugeValue();

    void prettyJsonKeepsOrderAndNumbers();
    void prettyJsonEmptyContainersAndStrings();
    void prettyJsonNotJson_data();
    void prettyJsonNotJson();

    void wwwAuthenticate_data();
    void wwwAuthenticate();
};

static QJsonObject parsedBody(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return {};
    return document.object();
}

void TestGraphqlRequest::bodyQueryOnly()
{
    QByteArray body;
    QString error;
    QVERIFY2(buildGraphqlBody(QStringLiteral("{ me { id } }"), QStringLiteral("  \n "), QString(), &body, &error),
             qPrintable(error));
    const QJsonObject json = parsedBody(body);
    QCOMPARE(json.value(QStringLiteral("query")).toString(), QStringLiteral("{ me { id } }"));
    QVERIFY(!json.contains(QStringLiteral("variables")));
    QVERIFY(!json.contains(QStringLiteral("operationName")));
}

void TestGraphqlRequest::bodyWithOperationAndVariables()
{
    QByteArray body;
    QString error;
    const QString query = QStringLiteral("query A($id: ID!) { order(id: $id) { total } }\nquery B { me { id } }");
    QVERIFY2(buildGraphqlBody(query, QStringLiteral("{\"id\": \"o-1\", \"filter\": {\"open\": true}}"),
                              QStringLiteral(" A "), &body, &error),
             qPrintable(error));
    const QJsonObject json = parsedBody(body);
    QCOMPARE(json.value(QStringLiteral("query")).toString(), query);
    QCOMPARE(json.value(QStringLiteral("operationName")).toString(), QStringLiteral("A"));
    const QJsonObject variables = json.value(QStringLiteral("variables")).toObject();
    QCOMPARE(variables.value(QStringLiteral("id")).toString(), QStringLiteral("o-1"));
    QCOMPARE(variables.value(QStringLiteral("filter")).toObject().value(QStringLiteral("open")).toBool(), true);
}

void TestGraphqlRequest::bodyKeepsUnicodeAndLargeVariables()
{
    QJsonArray items;
    for (int i = 0; i < 20000; ++i)
        items.append(QStringLiteral("item-%1-ü").arg(i));
    const QString variables = QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("items"), items}}).toJson());
    QVERIFY(variables.size() > 200000);

    QByteArray body;
    QString error;
    QVERIFY2(buildGraphqlBody(QStringLiteral("query { größe }"), variables, QString(), &body, &error),
             qPrintable(error));
    const QJsonObject json = parsedBody(body);
    QCOMPARE(json.value(QStringLiteral("query")).toString(), QStringLiteral("query { größe }"));
    QCOMPARE(json.value(QStringLiteral("variables")).toObject().value(QStringLiteral("items")).toArray().size(), 20000);
}

void TestGraphqlRequest::bodyRejects_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("variables");
    QTest::addColumn<QString>("operationName");
    QTest::addColumn<QString>("expectedError");

    const QString query = QStringLiteral("{ me { id } }");
    QTest::newRow("empty query") << QString() << QString() << QString() << QStringLiteral("The query is empty");
    QTest::newRow("whitespace query") << QStringLiteral(" \n\t ") << QString() << QString() << QStringLiteral("The query is empty");
    // Qt reports the offset where it noticed the problem: just inside the "b" on line 3.
    QTest::newRow("missing comma between members") << query << QStringLiteral("{\n  \"a\": 1\n  \"b\": 2\n}") << QString()
                                                   << QStringLiteral("line 3, column 4");
    QTest::newRow("truncated object") << query << QStringLiteral("{\"a\": [1, 2") << QString()
                                      << QStringLiteral("not valid JSON");
    QTest::newRow("column counts characters") << query << QStringLiteral("{\"ä\": ü}") << QString()
                                              << QStringLiteral("line 1, column 7");
    QTest::newRow("array instead of object") << query << QStringLiteral("[1, 2]") << QString()
                                             << QStringLiteral("must be a JSON object such as {\"id\": 1}, but they are an array");
    QTest::newRow("number instead of object") << query << QStringLiteral("42") << QString() << QStringLiteral("not valid JSON");
    QTest::newRow("deeply nested") << query << QString(5000, QLatin1Char('[')) + QString(5000, QLatin1Char(']'))
                                   << QString() << QStringLiteral("not valid JSON");
    QTest::newRow("operation name with dash") << query << QString() << QStringLiteral("get-me")
                                              << QStringLiteral("\"get-me\" is not a valid GraphQL name");
    QTest::newRow("operation name starts with digit") << query << QString() << QStringLiteral("1me")
                                                      << QStringLiteral("not a valid GraphQL name");
}

void TestGraphqlRequest::bodyRejects()
{
    QFETCH(QString, query);
    QFETCH(QString, variables);
    QFETCH(QString, operationName);
    QFETCH(QString, expectedError);

    QByteArray body = "unchanged";
    QString error;
    QVERIFY(!buildGraphqlBody(query, variables, operationName, &body, &error));
    QVERIFY2(error.contains(expectedError), qPrintable(error));
    QCOMPARE(body, QByteArray("unchanged"));
}

void TestGraphqlRequest::headersGood()
{
    QList<QPair<QByteArray, QByteArray>> headers;
    QString error;
    QString warning = QStringLiteral("stale");
    QVERIFY2(parseHeaderLines(QStringLiteral("\nX-Request-Id:  abc-123  \r\n\n  Accept-Language: de, en;q=0.5\nX-Empty:\nX-Url: http://a:b/c\n"),
                              &headers, &error, &warning),
             qPrintable(error));
    QCOMPARE(headers.size(), 4);
    QCOMPARE(headers.at(0).first, QByteArray("X-Request-Id"));
    QCOMPARE(headers.at(0).second, QByteArray("abc-123"));
    QCOMPARE(headers.at(1).first, QByteArray("Accept-Language"));
    QCOMPARE(headers.at(1).second, QByteArray("de, en;q=0.5"));
    QCOMPARE(headers.at(2).second, QByteArray());
    QCOMPARE(headers.at(3).second, QByteArray("http://a:b/c"));
    QVERIFY(warning.isEmpty());

    QVERIFY(parseHeaderLines(QStringLiteral("X-Name: Grüße"), &headers, &error));
    QCOMPARE(headers.at(0).second, QStringLiteral("Grüße").toUtf8());

    QVERIFY(parseHeaderLines(QString(), &headers, &error));
    QVERIFY(headers.isEmpty());
}

void TestGraphqlRequest::headersRejects_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expectedError");

    QTest::newRow("no colon on line 2") << QStringLiteral("X-A: 1\nX-B 2") << QStringLiteral("line 2 has no ':'");
    QTest::newRow("space in name") << QStringLiteral("X A: 1") << QStringLiteral("line 1: \"X A\" is not a valid header name");
    QTest::newRow("space before colon") << QStringLiteral("X-A : 1") << QStringLiteral("not a valid header name");
    QTest::newRow("empty name") << QStringLiteral(": value") << QStringLiteral("not a valid header name");
    QTest::newRow("non-ASCII name") << QStringLiteral("X-Größe: 1") << QStringLiteral("not a valid header name");
    QTest::newRow("control character in value") << QStringLiteral("\n\nX-A: a\x01z") << QStringLiteral("line 3: the value of X-A contains a control character (U+0001)");
    QTest::newRow("content length") << QStringLiteral("content-length: 4") << QStringLiteral("set by the HTTP client");
    QTest::newRow("duplicate name") << QStringLiteral("X-A: 1\nx-a: 2") << QStringLiteral("line 2: x-a is given twice");
}

void TestGraphqlRequest::headersRejects()
{
    QFETCH(QString, text);
    QFETCH(QString, expectedError);

    QList<QPair<QByteArray, QByteArray>> headers{{"Kept", "yes"}};
    QString error;
    QVERIFY(!parseHeaderLines(text, &headers, &error));
    QVERIFY2(error.contains(expectedError), qPrintable(error));
    QCOMPARE(headers.size(), 1);
}

void TestGraphqlRequest::headersAuthorizationWarning()
{
    QList<QPair<QByteArray, QByteArray>> headers;
    QString error;
    QString warning;
    QVERIFY(parseHeaderLines(QStringLiteral("X-A: 1\nauthorization: Bearer abc.def"), &headers, &error, &warning));
    QCOMPARE(headers.size(), 2);
    QCOMPARE(headers.at(1).second, QByteArray("Bearer abc.def"));
    QVERIFY2(warning.contains(QStringLiteral("line 2 replaces the credential")), qPrintable(warning));

    // Without the out parameter the line is still accepted.
    QVERIFY(parseHeaderLines(QStringLiteral("Authorization: Basic eDp5"), &headers, &error));
}

void TestGraphqlRequest::headersHugeValue()
{
    QList<QPair<QByteArray, QByteArray>> headers;
    QString error;
    const QString value(200000, QLatin1Char('v'));
    QVERIFY(parseHeaderLines(QStringLiteral("X-Big: ") + value, &headers, &error));
    QCOMPARE(headers.at(0).second.size(), 200000);
}

void TestGraphqlRequest::prettyJsonKeepsOrderAndNumbers()
{
    bool isJson = false;
    const QString pretty = prettyJson(R"({"data":{"zeta":1,"alpha":[12345678901234567890,1.50e3]},"errors":[]})", &isJson);
    QVERIFY(isJson);
    const QString expected = QStringLiteral("{\n"
                                            "  \"data\": {\n"
                                            "    \"zeta\": 1,\n"
                                            "    \"alpha\": [\n"
                                            "      12345678901234567890,\n"
                                            "      1.50e3\n"
                                            "    ]\n"
                                            "  },\n"
                                            "  \"errors\": []\n"
                                            "}");
    QCOMPARE(pretty, expected);
}

void TestGraphqlRequest::prettyJsonEmptyContainersAndStrings()
{
    bool isJson = false;
    const QString pretty = prettyJson(" [ { } , \"a, {b}: \\\"c\\\\\" , [ ] ] ", &isJson);
    QVERIFY(isJson);
    QCOMPARE(pretty, QStringLiteral("[\n  {},\n  \"a, {b}: \\\"c\\\\\",\n  []\n]"));
}

void TestGraphqlRequest::prettyJsonNotJson_data()
{
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("empty") << QByteArray();
    QTest::newRow("html") << QByteArray("<html><body>Bad gateway</body></html>");
    QTest::newRow("truncated json") << QByteArray("{\"data\": {\"a\": ");
    QTest::newRow("invalid utf-8") << QByteArray("{\"a\": \"\xff\xfe\"}");
}

void TestGraphqlRequest::prettyJsonNotJson()
{
    QFETCH(QByteArray, body);

    bool isJson = true;
    const QString text = prettyJson(body, &isJson);
    QVERIFY(!isJson);
    QCOMPARE(text, QString::fromUtf8(body));
}

void TestGraphqlRequest::wwwAuthenticate_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QStringList>("schemes");
    QTest::addColumn<QString>("error");
    QTest::addColumn<QString>("description");

    QTest::newRow("bearer with quoted params")
        << QByteArray(R"(Bearer realm="api", error="invalid_token", error_description="The token expired, sign in again")")
        << QStringList{QStringLiteral("Bearer")} << QStringLiteral("invalid_token")
        << QStringLiteral("The token expired, sign in again");
    QTest::newRow("unquoted and spaced")
        << QByteArray("bearer error = insufficient_scope ,scope=\"orders:read\"")
        << QStringList{QStringLiteral("bearer")} << QStringLiteral("insufficient_scope") << QString();
    QTest::newRow("escaped quote")
        << QByteArray(R"(Bearer error_description="say \"hi\" \\ bye")")
        << QStringList{QStringLiteral("Bearer")} << QString() << QStringLiteral("say \"hi\" \\ bye");
    QTest::newRow("two challenges with token68")
        << QByteArray(R"(Basic dXNlcg==, Bearer error="invalid_request")")
        << QStringList{QStringLiteral("Basic"), QStringLiteral("Bearer")} << QStringLiteral("invalid_request") << QString();
    QTest::newRow("scheme only") << QByteArray("Bearer") << QStringList{QStringLiteral("Bearer")} << QString() << QString();
    QTest::newRow("empty") << QByteArray() << QStringList() << QString() << QString();
    QTest::newRow("unterminated quote stops")
        << QByteArray(R"(Bearer error="invalid_token", error_description="cut)")
        << QStringList{QStringLiteral("Bearer")} << QStringLiteral("invalid_token") << QString();
    QTest::newRow("param before scheme") << QByteArray("error=x") << QStringList{QStringLiteral("error")} << QString() << QString();
}

void TestGraphqlRequest::wwwAuthenticate()
{
    QFETCH(QByteArray, header);
    QFETCH(QStringList, schemes);
    QFETCH(QString, error);
    QFETCH(QString, description);

    const QList<afx::AuthChallenge> challenges = parseWwwAuthenticate(header);
    QStringList parsedSchemes;
    QString parsedError;
    QString parsedDescription;
    for (const afx::AuthChallenge &challenge : challenges) {
        parsedSchemes.append(challenge.scheme);
        parsedError += challenge.params.value(QStringLiteral("error"));
        parsedDescription += challenge.params.value(QStringLiteral("error_description"));
    }
    QCOMPARE(parsedSchemes, schemes);
    QCOMPARE(parsedError, error);
    QCOMPARE(parsedDescription, description);
}

QTEST_GUILESS_MAIN(TestGraphqlRequest)
#include "tst_graphqlrequest.moc"
