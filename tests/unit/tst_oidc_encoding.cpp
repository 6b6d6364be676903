// application/x-www-form-urlencoded encoding and decoding, and the client_secret_basic header
// built from it.

#include "oidc/clientauth.h"
#include "oidc/formencoding.h"

#include <QTest>

using namespace afx::oidc;

class TestOidcEncoding : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void encodeValue_data();
    void encodeValue();
    void encodeFields();
    void decodeValue_data();
    void decodeValue();
    void decodeRejectsMalformed_data();
    void decodeRejectsMalformed();
    void roundTrip_data();
    void roundTrip();
    void decodeFields_data();
    void decodeFields();
    void decodeFieldsErrorNamesParameter();
    void decodeFieldsErrorNamesPosition();
    void decodeFieldsHugeInput();
    void basicAuthorization_data();
    void basicAuthorization();
    void basicAuthorizationWithoutFormEncoding();
};

void TestOidcEncoding::encodeValue_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("encoded");

    QTest::newRow("plus in login hint") << QStringLiteral("alice+test@example.com")
                                        << QByteArray("alice%2Btest%40example.com");
    QTest::newRow("client secret with plus, slash and padding") << QStringLiteral("Ab3+xY/9==")
                                                                << QByteArray("Ab3%2BxY%2F9%3D%3D");
    QTest::newRow("space as plus") << QStringLiteral("openid profile email") << QByteArray("openid+profile+email");
    QTest::newRow("unreserved characters kept") << QStringLiteral("AZaz09-._~") << QByteArray("AZaz09-._~");
    QTest::newRow("delimiters encoded") << QStringLiteral("&=?#/:%;,") << QByteArray("%26%3D%3F%23%2F%3A%25%3B%2C");
    QTest::newRow("asterisk encoded") << QStringLiteral("*") << QByteArray("%2A");
    QTest::newRow("control characters") << QStringLiteral("\n\t") << QByteArray("%0A%09");
    QTest::newRow("two-byte UTF-8") << QStringLiteral("\u00e9") << QByteArray("%C3%A9");
    QTest::newRow("three-byte UTF-8") << QStringLiteral("\u20ac") << QByteArray("%E2%82%AC");
    QTest::newRow("four-byte UTF-8") << QString::fromUtf8("\xF0\x9F\x98\x80") << QByteArray("%F0%9F%98%80");
    QTest::newRow("RFC 6749 Appendix B example") << QStringLiteral(" %&+\u00a3\u20ac")
                                                 << QByteArray("+%25%26%2B%C2%A3%E2%82%AC");
    QTest::newRow("empty") << QString() << QByteArray();
}

void TestOidcEncoding::encodeValue()
{
    QFETCH(QString, value);
    QFETCH(QByteArray, encoded);
    QCOMPARE(formEncode(value), encoded);
}

void TestOidcEncoding::encodeFields()
{
    const FormFields fields{
        {QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
        {QStringLiteral("client_secret"), QStringLiteral("Ab3+xY/9==")},
        {QStringLiteral("login_hint"), QStringLiteral("alice+test@example.com")},
        {QStringLiteral("scope"), QStringLiteral("openid profile")},
        {QStringLiteral("empty"), QString()},
    };
    QCOMPARE(formEncodeFields(fields),
             QByteArray("grant_type=authorization_code&client_secret=Ab3%2BxY%2F9%3D%3D"
                        "&login_hint=alice%2Btest%40example.com&scope=openid+profile&empty="));
    QCOMPARE(formEncodeFields({}), QByteArray());
}

void TestOidcEncoding::decodeValue_data()
{
    QTest::addColumn<QByteArray>("encoded");
    QTest::addColumn<QString>("decoded");

    QTest::newRow("plus is space") << QByteArray("a+b") << QStringLiteral("a b");
    QTest::newRow("encoded plus is plus") << QByteArray("a%2Bb") << QStringLiteral("a+b");
    QTest::newRow("error description with plus signs")
        << QByteArray("The+user+has+denied+your+application+access.")
        << QStringLiteral("The user has denied your application access.");
    QTest::newRow("state with encoded padding") << QByteArray("c3RhdGUtMTIzNA%3D%3D")
                                                << QStringLiteral("c3RhdGUtMTIzNA==");
    QTest::newRow("error_uri with encoded fragment")
        << QByteArray("https%3A%2F%2Fdocs.example.com%2Foauth%2Ftroubleshooting%23access-denied")
        << QStringLiteral("https://docs.example.com/oauth/troubleshooting#access-denied");
    QTest::newRow("lower-case hex digits") << QByteArray("%c3%a9") << QStringLiteral("\u00e9");
    QTest::newRow("raw UTF-8 bytes") << QByteArray("\xC3\xA9") << QStringLiteral("\u00e9");
    QTest::newRow("encoded percent sign") << QByteArray("100%25") << QStringLiteral("100%");
    QTest::newRow("encoded NUL byte") << QByteArray("a%00b") << QString(QStringLiteral("a") + QChar(0) + QStringLiteral("b"));
    QTest::newRow("empty") << QByteArray() << QString();
}

void TestOidcEncoding::decodeValue()
{
    QFETCH(QByteArray, encoded);
    QFETCH(QString, decoded);
    QString out;
    QVERIFY(formDecode(encoded, &out));
    QCOMPARE(out, decoded);
}

void TestOidcEncoding::decodeRejectsMalformed_data()
{
    QTest::addColumn<QByteArray>("encoded");

    QTest::newRow("escape with one digit at the end") << QByteArray("abc%4");
    QTest::newRow("percent sign at the end") << QByteArray("abc%");
    QTest::newRow("escape with non-hex digits") << QByteArray("%zz");
    QTest::newRow("escape with one non-hex digit") << QByteArray("%4g");
    QTest::newRow("escape with a space") << QByteArray("% 4");
    QTest::newRow("lone continuation byte") << QByteArray("%80");
    QTest::newRow("truncated two-byte sequence") << QByteArray("%C3");
    QTest::newRow("truncated three-byte sequence") << QByteArray("%E2%82");
    QTest::newRow("overlong encoding of slash") << QByteArray("%C0%AF");
    QTest::newRow("UTF-16 surrogate in UTF-8") << QByteArray("%ED%A0%80");
    QTest::newRow("byte 0xFF") << QByteArray("%FF");
    QTest::newRow("code point above U+10FFFF") << QByteArray("%F4%90%80%80");
    QTest::newRow("raw invalid byte") << QByteArray("a\xFF");
    QTest::newRow("Latin-1 instead of UTF-8") << QByteArray("caf%E9");
}

void TestOidcEncoding::decodeRejectsMalformed()
{
    QFETCH(QByteArray, encoded);
    QString out = QStringLiteral("stale");
    QVERIFY(!formDecode(encoded, &out));
    QVERIFY(out.isEmpty());
}

void TestOidcEncoding::roundTrip_data()
{
    QTest::addColumn<QString>("value");

    QString printableAscii;
    for (char16_t c = 0x20; c < 0x7F; ++c)
        printableAscii.append(QChar(c));

    QTest::newRow("login hint with plus") << QStringLiteral("alice+test@example.com");
    QTest::newRow("client secret") << QStringLiteral("Ab3+xY/9==");
    QTest::newRow("printable ASCII") << printableAscii;
    QTest::newRow("mixed scripts") << QString::fromUtf8("Gr\xC3\xBC\xC3\x9F" "e \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x94\x91");
    QTest::newRow("100000 characters") << QString(100000, QLatin1Char('+'));
}

void TestOidcEncoding::roundTrip()
{
    QFETCH(QString, value);
    QString decoded;
    QVERIFY(formDecode(formEncode(value), &decoded));
    QCOMPARE(decoded, value);
}

void TestOidcEncoding::decodeFields_data()
{
    QTest::addColumn<QByteArray>("encoded");
    QTest::addColumn<FormFields>("fields");

    QTest::newRow("order and duplicates kept")
        << QByteArray("b=2&a=1&b=3")
        << FormFields{{QStringLiteral("b"), QStringLiteral("2")}, {QStringLiteral("a"), QStringLiteral("1")},
                      {QStringLiteral("b"), QStringLiteral("3")}};
    QTest::newRow("empty pairs skipped")
        << QByteArray("&a=1&&b=2&")
        << FormFields{{QStringLiteral("a"), QStringLiteral("1")}, {QStringLiteral("b"), QStringLiteral("2")}};
    QTest::newRow("name without equals sign")
        << QByteArray("flag&x=1") << FormFields{{QStringLiteral("flag"), QString()}, {QStringLiteral("x"), QStringLiteral("1")}};
    QTest::newRow("equals sign inside value") << QByteArray("a=b=c") << FormFields{{QStringLiteral("a"), QStringLiteral("b=c")}};
    QTest::newRow("encoded name") << QByteArray("user%5Bname%5D=x") << FormFields{{QStringLiteral("user[name]"), QStringLiteral("x")}};
    QTest::newRow("plus and encoded plus")
        << QByteArray("login_hint=alice%2Btest%40example.com&scope=openid+email")
        << FormFields{{QStringLiteral("login_hint"), QStringLiteral("alice+test@example.com")},
                      {QStringLiteral("scope"), QStringLiteral("openid email")}};
    QTest::newRow("empty input") << QByteArray() << FormFields{};
}

void TestOidcEncoding::decodeFields()
{
    QFETCH(QByteArray, encoded);
    QFETCH(FormFields, fields);
    FormFields out;
    QString error;
    QVERIFY2(formDecodeFields(encoded, &out, &error), qPrintable(error));
    QCOMPARE(out, fields);
}

void TestOidcEncoding::decodeFieldsErrorNamesParameter()
{
    FormFields out{{QStringLiteral("stale"), QString()}};
    QString error;
    QVERIFY(!formDecodeFields("state=abc&code=SECRETCODE%zz", &out, &error));
    QVERIFY(out.isEmpty());
    QVERIFY2(error.contains(QLatin1String("\"code\"")), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("hexadecimal")), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1String("SECRETCODE")), "the message must not contain the value");

    QVERIFY(!formDecodeFields("name=caf%E9", &out, &error));
    QVERIFY2(error.contains(QLatin1String("\"name\"")), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("UTF-8")), qPrintable(error));
}

void TestOidcEncoding::decodeFieldsErrorNamesPosition()
{
    FormFields out;
    QString error;
    QVERIFY(!formDecodeFields("a=1&b=2&%zz=3", &out, &error));
    QVERIFY2(error.contains(QLatin1String("parameter 3")), qPrintable(error));
}

void TestOidcEncoding::decodeFieldsHugeInput()
{
    QByteArray encoded;
    for (int i = 0; i < 20000; ++i)
        encoded += "p" + QByteArray::number(i) + "=v%2B" + QByteArray::number(i) + '&';
    FormFields out;
    QString error;
    QVERIFY2(formDecodeFields(encoded, &out, &error), qPrintable(error));
    QCOMPARE(out.size(), 20000);
    QCOMPARE(out.last().first, QStringLiteral("p19999"));
    QCOMPARE(out.last().second, QStringLiteral("v+19999"));
}

void TestOidcEncoding::basicAuthorization_data()
{
    QTest::addColumn<QString>("clientId");
    QTest::addColumn<QString>("clientSecret");
    QTest::addColumn<QByteArray>("header");

    QTest::newRow("secret with plus, slash, equals and colon")
        << QStringLiteral("s6BhdRkqt3") << QStringLiteral("7Fjfp0ZBr1KtDRbnfVdmIw+/q=:x")
        << QByteArray("Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3JTJCJTJGcSUzRCUzQXg=");
    QTest::newRow("plain ASCII credentials") << QStringLiteral("client") << QStringLiteral("secret")
                                             << "Basic " + QByteArray("client:secret").toBase64();
    QTest::newRow("colon in client id") << QStringLiteral("urn:client") << QStringLiteral("s")
                                        << "Basic " + QByteArray("urn%3Aclient:s").toBase64();
    QTest::newRow("space in secret") << QStringLiteral("id") << QStringLiteral("a b")
                                     << "Basic " + QByteArray("id:a+b").toBase64();
    QTest::newRow("non-ASCII secret") << QStringLiteral("id") << QStringLiteral("p\u00e4ss")
                                      << "Basic " + QByteArray("id:p%C3%A4ss").toBase64();
}

void TestOidcEncoding::basicAuthorization()
{
    QFETCH(QString, clientId);
    QFETCH(QString, clientSecret);
    QFETCH(QByteArray, header);

    const QByteArray actual = afx::oidc::basicAuthorization(clientId, clientSecret);
    QCOMPARE(actual, header);

    // What a compliant server does: Base64-decode, split at the first ':', form-decode each side.
    QVERIFY(actual.startsWith("Basic "));
    const QByteArray credentials = QByteArray::fromBase64(actual.mid(6));
    const qsizetype colon = credentials.indexOf(':');
    QVERIFY(colon > 0);
    QString decodedId;
    QString decodedSecret;
    QVERIFY(formDecode(credentials.left(colon), &decodedId));
    QVERIFY(formDecode(credentials.mid(colon + 1), &decodedSecret));
    QCOMPARE(decodedId, clientId);
    QCOMPARE(decodedSecret, clientSecret);
}

void TestOidcEncoding::basicAuthorizationWithoutFormEncoding()
{
    QCOMPARE(afx::oidc::basicAuthorizationWithoutFormEncoding(QStringLiteral("s6BhdRkqt3"),
                                                              QStringLiteral("7Fjfp0ZBr1KtDRbnfVdmIw+/q=:x")),
             QByteArray("Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3Ky9xPTp4"));
    QCOMPARE(afx::oidc::basicAuthorizationWithoutFormEncoding(QStringLiteral("client"), QStringLiteral("secret")),
             afx::oidc::basicAuthorization(QStringLiteral("client"), QStringLiteral("secret")));
}

QTEST_GUILESS_MAIN(TestOidcEncoding)
#include "tst_oidc_encoding.moc"
