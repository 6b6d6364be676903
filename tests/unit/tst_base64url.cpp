// Unit tests for the base64url codec (RFC 4648 section 5, without padding as RFC 7515 uses it).

#include "jose/base64url.h"

#include <QRandomGenerator>
#include <QTest>

using afx::jose::base64UrlDecode;
using afx::jose::base64UrlEncode;

class TestBase64Url : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void encode_data();
    void encode();
    void decode_data();
    void decode();
    void decodeEmpty();
    void decodeRejects_data();
    void decodeRejects();
    void decodeRejectsInvalidAtEachPosition();
    void roundTripAllLengths();
    void roundTripLargeInput();
};

namespace {

// RFC 4648 section 10 test vectors with the '=' padding removed, plus inputs whose standard
// base64 form contains '+' and '/', which base64url replaces with '-' and '_'.
void addVectors()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("f") << QByteArray("f") << QByteArray("Zg");
    QTest::newRow("fo") << QByteArray("fo") << QByteArray("Zm8");
    QTest::newRow("foo") << QByteArray("foo") << QByteArray("Zm9v");
    QTest::newRow("foob") << QByteArray("foob") << QByteArray("Zm9vYg");
    QTest::newRow("fooba") << QByteArray("fooba") << QByteArray("Zm9vYmE");
    QTest::newRow("foobar") << QByteArray("foobar") << QByteArray("Zm9vYmFy");
    QTest::newRow("minus in place of plus") << QByteArray::fromHex("fbefbe") << QByteArray("----");
    QTest::newRow("underscore in place of slash") << QByteArray::fromHex("ffffff") << QByteArray("____");
    QTest::newRow("both, short group") << QByteArray::fromHex("fbff") << QByteArray("-_8");
    QTest::newRow("zero bytes") << QByteArray(4, '\0') << QByteArray("AAAAAA");
}

} // namespace

void TestBase64Url::encode_data()
{
    addVectors();
}

void TestBase64Url::encode()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QByteArray, text);

    QCOMPARE(base64UrlEncode(bytes), text);
}

void TestBase64Url::decode_data()
{
    addVectors();
}

void TestBase64Url::decode()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QByteArray, text);

    const std::optional<QByteArray> decoded = base64UrlDecode(text);
    QVERIFY(decoded.has_value());
    QCOMPARE(*decoded, bytes);
}

void TestBase64Url::decodeEmpty()
{
    const std::optional<QByteArray> decoded = base64UrlDecode(QByteArrayView());
    QVERIFY(decoded.has_value());
    QVERIFY(decoded->isEmpty());
}

void TestBase64Url::decodeRejects_data()
{
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("padding after two chars") << QByteArray("Zg==");
    QTest::newRow("padding after three chars") << QByteArray("Zm8=");
    QTest::newRow("single padding char") << QByteArray("=");
    QTest::newRow("standard base64 plus") << QByteArray("Zm9v+A");
    QTest::newRow("standard base64 slash") << QByteArray("Zm9v/A");
    QTest::newRow("space inside") << QByteArray("Zm9 v");
    QTest::newRow("trailing newline") << QByteArray("Zm9v\n");
    QTest::newRow("dot") << QByteArray("Zm9v.Zm9v");
    QTest::newRow("non-ASCII UTF-8") << QByteArray("Zm9v\xc3\xa9");
    QTest::newRow("NUL byte") << QByteArray("Zm9v\0AA", 7);
    QTest::newRow("length 1") << QByteArray("A");
    QTest::newRow("length 5") << QByteArray("Zm9vY");
    QTest::newRow("length 9") << QByteArray("Zm9vYmFyZ");
    QTest::newRow("nonzero unused bits after 2 chars") << QByteArray("Zh");
    QTest::newRow("nonzero unused bits after 3 chars") << QByteArray("Zm9");
}

void TestBase64Url::decodeRejects()
{
    QFETCH(QByteArray, text);

    QVERIFY(!base64UrlDecode(text).has_value());
}

// The decoder reads full groups of four characters and a final group of two or three in
// different code, so an invalid byte must be found at every position of both.
void TestBase64Url::decodeRejectsInvalidAtEachPosition()
{
    const QByteArray invalidBytes("=+/ .\n\x80\xff\0", 9);
    for (int byteCount = 1; byteCount <= 8; ++byteCount) {
        const QByteArray valid = base64UrlEncode(QByteArray("ABCDEFGH").left(byteCount));
        const qsizetype length = valid.size();
        QVERIFY2(base64UrlDecode(valid).has_value(), valid.constData());
        for (qsizetype position = 0; position < length; ++position) {
            for (const char invalid : invalidBytes) {
                QByteArray text = valid;
                text[position] = invalid;
                QVERIFY2(!base64UrlDecode(text).has_value(),
                         qPrintable(QStringLiteral("length %1, byte 0x%2 at position %3")
                                        .arg(length)
                                        .arg(quint8(invalid), 2, 16, QLatin1Char('0'))
                                        .arg(position)));
            }
        }
    }
}

void TestBase64Url::roundTripAllLengths()
{
    QRandomGenerator random(20150501); // fixed seed, so a failure can be reproduced
    for (int length = 0; length <= 96; ++length) {
        QByteArray bytes(length, '\0');
        for (char &byte : bytes)
            byte = char(random.bounded(256));

        const QByteArray text = base64UrlEncode(bytes);
        QCOMPARE(text.size(), (length * 4 + 2) / 3);
        QVERIFY2(!text.contains('=') && !text.contains('+') && !text.contains('/'), text.constData());
        QCOMPARE(text, bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));

        const std::optional<QByteArray> decoded = base64UrlDecode(text);
        QVERIFY(decoded.has_value());
        QCOMPARE(*decoded, bytes);
    }
}

void TestBase64Url::roundTripLargeInput()
{
    QByteArray bytes(1024 * 1024 + 1, '\0');
    for (qsizetype i = 0; i < bytes.size(); ++i)
        bytes[i] = char(i * 7 + 3);

    const std::optional<QByteArray> decoded = base64UrlDecode(base64UrlEncode(bytes));
    QVERIFY(decoded.has_value());
    QCOMPARE(decoded->size(), bytes.size());
    QVERIFY(*decoded == bytes);
}

QTEST_GUILESS_MAIN(TestBase64Url)
#include "tst_base64url.moc"
