// Unit tests for json::valueAtPath, which reads the tokens out of a login mutation's response.

#include "json/jsontypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using afx::json::valueAtPath;

class TestJsonPath : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void found_data();
    void found();
    void failures_data();
    void failures();
    void deepDocument();
};

namespace {

const QByteArray document = R"({
  "data": {
    "login": {"idToken": "eyJ.id", "refreshToken": "r-1", "expiresIn": 300, "nested": {"a.b": 1}},
    "list": [{"token": "first"}, {"token": "second"}],
    "matrix": [[1, 2], [3, 4]],
    "nothing": null
  },
  "errors": [{"message": "partial failure"}]
})";

QJsonValue parsed()
{
    return QJsonDocument::fromJson(document).object();
}

} // namespace

void TestJsonPath::found_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonValue>("expected");

    QTest::newRow("string member") << QStringLiteral("data.login.idToken") << QJsonValue(QStringLiteral("eyJ.id"));
    QTest::newRow("number member") << QStringLiteral("data.login.expiresIn") << QJsonValue(300);
    QTest::newRow("array item") << QStringLiteral("data.list[1].token") << QJsonValue(QStringLiteral("second"));
    QTest::newRow("nested arrays") << QStringLiteral("data.matrix[1][0]") << QJsonValue(3);
    QTest::newRow("top-level array") << QStringLiteral("errors[0].message") << QJsonValue(QStringLiteral("partial failure"));
    QTest::newRow("null value") << QStringLiteral("data.nothing") << QJsonValue(QJsonValue::Null);
}

void TestJsonPath::found()
{
    QFETCH(QString, path);
    QFETCH(QJsonValue, expected);

    QString error;
    const QJsonValue value = valueAtPath(parsed(), path, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(value, expected);
}

void TestJsonPath::failures_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expectedError");

    QTest::newRow("empty path") << QString() << QStringLiteral("The JSON path is empty.");
    QTest::newRow("missing member") << QStringLiteral("data.login.accessToken")
                                    << QStringLiteral("The response has no member \"accessToken\" at \"data.login\".");
    QTest::newRow("missing at top") << QStringLiteral("result.token")
                                    << QStringLiteral("The response has no member \"result\" at \"(top level)\".");
    QTest::newRow("through a string") << QStringLiteral("data.login.idToken.value")
                                      << QStringLiteral("\"data.login.idToken\" in the response is a string, not an object with \"value\".");
    QTest::newRow("through null") << QStringLiteral("data.nothing.token")
                                  << QStringLiteral("\"data.nothing\" in the response is null, not an object with \"token\".");
    QTest::newRow("index past end") << QStringLiteral("data.list[2].token")
                                    << QStringLiteral("\"data.list\" in the response has 2 items, so item 2 does not exist.");
    QTest::newRow("index on object") << QStringLiteral("data.login[0]")
                                     << QStringLiteral("\"data.login\" in the response is an object, not an array.");
    QTest::newRow("empty segment") << QStringLiteral("data..login")
                                   << QStringLiteral("The JSON path \"data..login\" is malformed at \"\"");
    QTest::newRow("negative index") << QStringLiteral("data.list[-1]")
                                    << QStringLiteral("The JSON path \"data.list[-1]\" is malformed at \"list[-1]\"");
    QTest::newRow("unclosed bracket") << QStringLiteral("data.list[0")
                                      << QStringLiteral("The JSON path \"data.list[0\" is malformed at \"list[0\"");
    QTest::newRow("huge index") << QStringLiteral("data.list[99999999999999999999999]")
                                << QStringLiteral("\"data.list\" in the response has 2 items, so item 99999999999999999999999 does not exist.");
}

void TestJsonPath::failures()
{
    QFETCH(QString, path);
    QFETCH(QString, expectedError);

    QString error;
    const QJsonValue value = valueAtPath(parsed(), path, &error);
    QVERIFY(value.isUndefined());
    QVERIFY2(error.startsWith(expectedError), qPrintable(error));
    // A null error pointer is allowed.
    QVERIFY(valueAtPath(parsed(), path, nullptr).isUndefined());
}

void TestJsonPath::deepDocument()
{
    // 500 levels of objects, walked to the bottom.
    QJsonValue value = QStringLiteral("bottom");
    QStringList segments;
    for (int i = 0; i < 500; ++i) {
        value = QJsonObject{{QStringLiteral("k"), value}};
        segments << QStringLiteral("k");
    }
    QString error;
    QCOMPARE(valueAtPath(value, segments.join(QLatin1Char('.')), &error), QJsonValue(QStringLiteral("bottom")));
    QVERIFY(error.isEmpty());
}

QTEST_GUILESS_MAIN(TestJsonPath)
#include "tst_jsonpath.moc"
