// PKCE (RFC 7636): the S256 challenge, verifier generation and validity, and random tokens.

#include "oidc/pkce.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace afx::oidc;

class TestPkce : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void challengeMatchesRfcVector();
    void challengeIsUnpaddedBase64Url();
    void generatedVerifierIsValid();
    void generatedVerifiersAreUnique();
    void verifierValidity_data();
    void verifierValidity();
    void randomTokenLength_data();
    void randomTokenLength();
    void randomTokensAreUnique();
};

void TestPkce::challengeMatchesRfcVector()
{
    // RFC 7636 Appendix B.
    const QByteArray challenge = Pkce::challengeFor("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    QCOMPARE(challenge, QByteArray("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    QVERIFY(challenge != QByteArray("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM="));
    QVERIFY(challenge != QByteArray("13d31e961a1ad8ec2f16b10c4c982e0876a878ad6df144566ee1894acb70f9c3"));
    QCOMPARE(QByteArray(Pkce::method), QByteArray("S256"));
}

void TestPkce::challengeIsUnpaddedBase64Url()
{
    static const QRegularExpression base64Url(QStringLiteral("^[A-Za-z0-9_-]{43}$"));
    for (int i = 0; i < 50; ++i) {
        const Pkce pkce = Pkce::generate();
        QCOMPARE(pkce.challenge, Pkce::challengeFor(pkce.verifier));
        QVERIFY2(base64Url.match(QString::fromLatin1(pkce.challenge)).hasMatch(), pkce.challenge.constData());
    }
}

void TestPkce::generatedVerifierIsValid()
{
    static const QRegularExpression charset(QStringLiteral("^[A-Za-z0-9._~-]+$"));
    const Pkce pkce = Pkce::generate();
    QCOMPARE(pkce.verifier.size(), 43);
    QVERIFY(charset.match(QString::fromLatin1(pkce.verifier)).hasMatch());
    QVERIFY(Pkce::isValidVerifier(pkce.verifier));
}

void TestPkce::generatedVerifiersAreUnique()
{
    QSet<QByteArray> verifiers;
    for (int i = 0; i < 1000; ++i)
        verifiers.insert(Pkce::generate().verifier);
    QCOMPARE(verifiers.size(), 1000);
}

void TestPkce::verifierValidity_data()
{
    QTest::addColumn<QByteArray>("verifier");
    QTest::addColumn<bool>("valid");

    QTest::newRow("RFC 7636 example") << QByteArray("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") << true;
    QTest::newRow("43 characters, the minimum") << QByteArray(43, 'a') << true;
    QTest::newRow("128 characters, the maximum") << QByteArray(128, '~') << true;
    QTest::newRow("every allowed punctuation") << QByteArray("-._~").repeated(11) << true;
    QTest::newRow("42 characters, too short") << QByteArray(42, 'a') << false;
    QTest::newRow("129 characters, too long") << QByteArray(129, 'a') << false;
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("padding character") << QByteArray(42, 'a') + '=' << false;
    QTest::newRow("plus sign") << QByteArray(42, 'a') + '+' << false;
    QTest::newRow("slash") << QByteArray(42, 'a') + '/' << false;
    QTest::newRow("space") << QByteArray(42, 'a') + ' ' << false;
    QTest::newRow("non-ASCII byte") << QByteArray(42, 'a') + "\xC3\xA9" << false;
}

void TestPkce::verifierValidity()
{
    QFETCH(QByteArray, verifier);
    QFETCH(bool, valid);
    QCOMPARE(Pkce::isValidVerifier(verifier), valid);
}

void TestPkce::randomTokenLength_data()
{
    QTest::addColumn<int>("bytes");
    QTest::addColumn<int>("characters");

    QTest::newRow("default 24 bytes") << 24 << 32;
    QTest::newRow("16 bytes") << 16 << 22;
    QTest::newRow("1 byte") << 1 << 2;
    QTest::newRow("zero bytes") << 0 << 0;
    QTest::newRow("negative count") << -5 << 0;
}

void TestPkce::randomTokenLength()
{
    QFETCH(int, bytes);
    QFETCH(int, characters);
    static const QRegularExpression base64Url(QStringLiteral("^[A-Za-z0-9_-]*$"));
    const QByteArray token = randomToken(bytes);
    QCOMPARE(token.size(), characters);
    QVERIFY(base64Url.match(QString::fromLatin1(token)).hasMatch());
}

void TestPkce::randomTokensAreUnique()
{
    QCOMPARE(randomToken().size(), 32);
    QSet<QByteArray> tokens;
    for (int i = 0; i < 1000; ++i)
        tokens.insert(randomToken());
    QCOMPARE(tokens.size(), 1000);
}

QTEST_GUILESS_MAIN(TestPkce)
#include "tst_pkce.moc"
