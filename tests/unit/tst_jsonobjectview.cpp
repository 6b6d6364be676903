// Tests for json::ObjectView, the one-pass reader of a JSON object that the token validator uses.
// Every accepted text is compared with what QJsonDocument::fromJson makes of the same bytes.
#include "json/objectview.h"

#include <QJsonDocument>
#include <QTest>

using afx::json::ObjectView;
using afx::json::ValueView;

class TestJsonObjectView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readsMembers();
    void decodesEscapes();
    void emptyObject();
    void acceptsWhatQtAccepts_data();
    void acceptsWhatQtAccepts();
    void rejectsBadText_data();
    void rejectsBadText();
    void failureKeepsNothing();
    void repeatedNameReported();
    void deepNesting();
    void hugeObject();
};

namespace {

// Compares every member of `view` with the object QJsonDocument reads from `text`.
void compareWithQt(const ObjectView &view, const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QVERIFY(document.isObject());
    const QJsonObject object = document.object();
    QCOMPARE(view.size(), object.size());
    QCOMPARE(view.toJsonObject(), object);
    for (auto it = object.begin(); it != object.end(); ++it) {
        const ValueView value = view.value(it.key());
        QCOMPARE(value.type(), it.value().type());
        if (it.value().isString())
            QCOMPARE(value.toString(), it.value().toString());
        if (it.value().isDouble())
            QCOMPARE(value.toDouble(), it.value().toDouble());
        if (it.value().isArray())
            QCOMPARE(value.toArray(), it.value().toArray());
    }
}

} // namespace

void TestJsonObjectView::readsMembers()
{
    const QByteArray text = R"({"iss":"https://idp.example.com","aud":["a","b"],"exp":1733390000,"iat":1.5e9,)"
                            R"("email_verified":true,"address":{"country":"NZ"},"nickname":null})";
    ObjectView view;
    QString error;
    QVERIFY2(view.read(text, &error), qPrintable(error));
    QCOMPARE(view.size(), 7);
    QCOMPARE(view.value(QLatin1StringView("iss")).toString(), QStringLiteral("https://idp.example.com"));
    QVERIFY(view.value(QLatin1StringView("aud")).isArray());
    QCOMPARE(view.value(QLatin1StringView("aud")).toArray(), (QJsonArray{QStringLiteral("a"), QStringLiteral("b")}));
    QCOMPARE(view.value(QLatin1StringView("exp")).toDouble(), 1733390000.0);
    QCOMPARE(view.value(QLatin1StringView("iat")).toDouble(), 1.5e9);
    QCOMPARE(view.value(QLatin1StringView("email_verified")).type(), QJsonValue::Bool);
    QCOMPARE(view.value(QLatin1StringView("address")).type(), QJsonValue::Object);
    QCOMPARE(view.value(QLatin1StringView("nickname")).type(), QJsonValue::Null);
    QVERIFY(view.value(QLatin1StringView("sub")).isUndefined());
    QVERIFY(view.value(QLatin1StringView("sub")).toString().isEmpty());
    QVERIFY(!view.contains(QLatin1StringView("Iss")));
    compareWithQt(view, text);
}

void TestJsonObjectView::decodesEscapes()
{
    // Escapes in names and values, a surrogate pair, and UTF-8 of two, three and four bytes.
    const QByteArray text = "{\"n\\u0061me\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\","
                            "\"utf8\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}";
    ObjectView view;
    QString error;
    QVERIFY2(view.read(text, &error), qPrintable(error));
    QCOMPARE(view.value(QLatin1StringView("name")).toString(),
             QString::fromUtf8("a\"b\\c/d\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80"));
    QCOMPARE(view.value(QLatin1StringView("utf8")).toString(), QString::fromUtf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
    QCOMPARE(view.value(QStringLiteral("name")).toString(), view.value(QLatin1StringView("name")).toString());
    compareWithQt(view, text);
}

void TestJsonObjectView::emptyObject()
{
    ObjectView view;
    QString error;
    QVERIFY2(view.read(" \t\r\n{ \n } \n", &error), qPrintable(error));
    QVERIFY(view.isEmpty());
    QVERIFY(view.value(QLatin1StringView("a")).isUndefined());
}

void TestJsonObjectView::acceptsWhatQtAccepts_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("numbers") << QByteArray(R"({"a":0,"b":-0,"c":-12.5e+3,"d":1E-2,"e":123456789012345678901234})");
    QTest::newRow("nested") << QByteArray(R"({"a":[[],{},[{"b":[1,"x",null,true,false]}]],"c":{"d":{"e":{}}}})");
    QTest::newRow("spaces everywhere") << QByteArray(" {\n\t\"a\" :\r\n \"b\" ,\"c\":[ 1 , 2 ] } ");
    QTest::newRow("escaped slash and quote in a nested name") << QByteArray(R"({"a":{"\/\"":1}})");
    QTest::newRow("NUL escape") << QByteArray(R"({"a":"x\u0000y"})");
    QTest::newRow("same name in nested objects") << QByteArray(R"({"a":{"x":1},"b":{"x":2}})");
}

void TestJsonObjectView::acceptsWhatQtAccepts()
{
    QFETCH(QByteArray, text);
    ObjectView view;
    QString error;
    QVERIFY2(view.read(text, &error), qPrintable(error));
    compareWithQt(view, text);
}

void TestJsonObjectView::rejectsBadText_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expectedError");

    QTest::newRow("empty") << QByteArray() << QStringLiteral("expected '{' at the start of a JSON object at byte 0");
    QTest::newRow("array") << QByteArray("[1]") << QStringLiteral("expected '{' at the start of a JSON object at byte 0");
    QTest::newRow("string") << QByteArray("\"a\"") << QStringLiteral("expected '{'");
    QTest::newRow("truncated after name") << QByteArray(R"({"iss")") << QStringLiteral("expected ':' after a member name at byte 6");
    QTest::newRow("truncated in value") << QByteArray(R"({"iss":"htt)") << QStringLiteral("a string without its closing quote");
    QTest::newRow("truncated before value") << QByteArray(R"({"iss":)") << QStringLiteral("the text ends where a value should be at byte 7");
    QTest::newRow("no closing brace") << QByteArray(R"({"a":1)") << QStringLiteral("expected ',' or '}' after a member at byte 6");
    QTest::newRow("trailing comma") << QByteArray(R"({"a":1,})") << QStringLiteral("expected a string at byte 7");
    QTest::newRow("text after the object") << QByteArray(R"({"a":1} x)") << QStringLiteral("more text after the object at byte 8");
    QTest::newRow("two objects") << QByteArray(R"({}{})") << QStringLiteral("more text after the object");
    QTest::newRow("unquoted name") << QByteArray(R"({a:1})") << QStringLiteral("expected a string at byte 1");
    QTest::newRow("single quotes") << QByteArray(R"({'a':1})") << QStringLiteral("expected a string");
    QTest::newRow("bare word") << QByteArray(R"({"a":yes})") << QStringLiteral("'y' where a value should be at byte 5");
    QTest::newRow("literal in capitals") << QByteArray(R"({"a":TRUE})") << QStringLiteral("'T' where a value should be");
    QTest::newRow("leading plus") << QByteArray(R"({"a":+1})") << QStringLiteral("'+' where a value should be");
    QTest::newRow("leading zero") << QByteArray(R"({"a":01})") << QStringLiteral("expected ',' or '}' after a member at byte 6");
    QTest::newRow("bare minus") << QByteArray(R"({"a":-})") << QStringLiteral("a number without digits");
    QTest::newRow("bare decimal point") << QByteArray(R"({"a":1.})") << QStringLiteral("a number without digits after its decimal point");
    QTest::newRow("bare exponent") << QByteArray(R"({"a":1e})") << QStringLiteral("a number without digits in its exponent");
    QTest::newRow("number too large") << QByteArray(R"({"exp":1e400})") << QStringLiteral("a number out of the range of a double at byte 7");
    QTest::newRow("control character") << QByteArray("{\"a\":\"x\ny\"}") << QStringLiteral("a control character (0x0a) inside a string; it must be escaped");
    QTest::newRow("unknown escape") << QByteArray(R"({"a":"\x41"})") << QStringLiteral("an invalid escape \\x in a string");
    QTest::newRow("short unicode escape") << QByteArray(R"({"a":"\u12"})") << QStringLiteral("a \\u escape without four hex digits");
    QTest::newRow("lone high surrogate") << QByteArray(R"({"a":"\ud83d"})") << QStringLiteral("an unpaired UTF-16 high surrogate");
    QTest::newRow("high surrogate with a letter after") << QByteArray(R"({"a":"\ud83dx\ude00"})") << QStringLiteral("an unpaired UTF-16 high surrogate");
    QTest::newRow("lone low surrogate") << QByteArray(R"({"a":"\ude00"})") << QStringLiteral("an unpaired UTF-16 low surrogate");
    QTest::newRow("invalid UTF-8 byte") << QByteArray("{\"iss\":\"\xff\xfe\"}") << QStringLiteral("invalid UTF-8 (byte 0xff) at byte 8");
    QTest::newRow("UTF-8 cut short") << QByteArray("{\"a\":\"\xc3\"}") << QStringLiteral("invalid UTF-8 (byte 0x22)");
    QTest::newRow("overlong UTF-8") << QByteArray("{\"a\":\"\xc0\xaf\"}") << QStringLiteral("invalid UTF-8 (byte 0xc0)");
    QTest::newRow("UTF-8 surrogate") << QByteArray("{\"a\":\"\xed\xa0\x80\"}") << QStringLiteral("invalid UTF-8 (byte 0xa0)");
    QTest::newRow("UTF-8 above U+10FFFF") << QByteArray("{\"a\":\"\xf4\x90\x80\x80\"}") << QStringLiteral("invalid UTF-8 (byte 0x90)");
    QTest::newRow("invalid UTF-8 in a name") << QByteArray("{\"\xfe\":1}") << QStringLiteral("invalid UTF-8 (byte 0xfe)");
    static const char utf16[] = "{\0\"\0a\0\"\0:\0001\0}\0"; // {"a":1} in UTF-16LE
    QTest::newRow("UTF-16 text") << QByteArray(utf16, sizeof utf16 - 1) << QStringLiteral("expected a string at byte 1");
    QTest::newRow("duplicate name") << QByteArray(R"({"sub":"alice","aud":"x","sub":"mallory"})")
                                    << QStringLiteral("the member name \"sub\" appears more than once");
    QTest::newRow("duplicate name spelled with an escape") << QByteArray(R"({"sub":"a","s\u0075b":"b"})")
                                                           << QStringLiteral("the member name \"sub\" appears more than once");
    QTest::newRow("bad value inside an array") << QByteArray(R"({"aud":["a",]})") << QStringLiteral("']' where a value should be at byte 12");
    QTest::newRow("bad value in a nested object") << QByteArray(R"({"a":{"b":}})") << QStringLiteral("'}' where a value should be at byte 10");
}

void TestJsonObjectView::rejectsBadText()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expectedError);

    ObjectView view;
    QString error;
    QVERIFY(!view.read(text, &error));
    QVERIFY2(error.startsWith(expectedError), qPrintable(error));
}

void TestJsonObjectView::failureKeepsNothing()
{
    // A failed read leaves the view empty, not half filled from the failed text or holding the
    // members of an earlier read.
    ObjectView view;
    QString error;
    QVERIFY(view.read(R"({"sub":"alice"})", &error));
    QVERIFY(!view.read(R"({"iss":"x","sub":)", &error));
    QVERIFY(view.isEmpty());
    QVERIFY(view.value(QLatin1StringView("sub")).isUndefined());
    QVERIFY(view.value(QLatin1StringView("iss")).isUndefined());
}

void TestJsonObjectView::repeatedNameReported()
{
    ObjectView view;
    QString error;
    QVERIFY(!view.read(R"({"sub":"a","aud":"x","sub":"b"})", &error));
    QCOMPARE(view.repeatedName(), QStringLiteral("sub"));

    // Another failure, or a success, clears it.
    QVERIFY(!view.read(R"({"sub":)", &error));
    QVERIFY(view.repeatedName().isEmpty());
    QVERIFY(!view.read(R"({"a":1,"a":2})", &error));
    QCOMPARE(view.repeatedName(), QStringLiteral("a"));
    QVERIFY(view.read(R"({"a":1})", &error));
    QVERIFY(view.repeatedName().isEmpty());
}

void TestJsonObjectView::deepNesting()
{
    ObjectView view;
    QString error;
    const int deepest = ObjectView::kMaxDepth;
    const QByteArray allowed = "{\"a\":" + QByteArray(deepest, '[') + QByteArray(deepest, ']') + '}';
    QVERIFY2(view.read(allowed, &error), qPrintable(error));
    compareWithQt(view, allowed);

    const QByteArray tooDeep = "{\"a\":" + QByteArray(deepest + 1, '[') + QByteArray(deepest + 1, ']') + '}';
    QVERIFY(!view.read(tooDeep, &error));
    QVERIFY2(error.startsWith(QStringLiteral("values nested more than 64 levels deep")), qPrintable(error));

    // Far deeper input fails the same way instead of exhausting the stack.
    QVERIFY(!view.read("{\"a\":" + QByteArray(1000000, '['), &error));
    QVERIFY2(error.startsWith(QStringLiteral("values nested more than 64 levels deep")), qPrintable(error));
}

void TestJsonObjectView::hugeObject()
{
    // 5,000 members, far more than any token has, and one long string.
    QByteArray text = "{";
    for (int i = 0; i < 5000; ++i)
        text += "\"claim" + QByteArray::number(i) + "\":" + QByteArray::number(i) + ',';
    text += "\"long\":\"" + QByteArray(1 << 20, 'x') + "\"}";
    ObjectView view;
    QString error;
    QVERIFY2(view.read(text, &error), qPrintable(error));
    QCOMPARE(view.size(), 5001);
    QCOMPARE(view.value(QLatin1StringView("claim4999")).toDouble(), 4999.0);
    QCOMPARE(view.value(QLatin1StringView("long")).toString().size(), 1 << 20);
    compareWithQt(view, text);
}

QTEST_GUILESS_MAIN(TestJsonObjectView)
#include "tst_jsonobjectview.moc"
