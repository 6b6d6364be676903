// JWS signature algorithms through the public-key verification path the ID token validator uses
// (public keys read from JWKs, with the cached OpenSSL contexts), and x5c certificate parsing.

#include "jose/base64url.h"
#include "jose/jws.h"
#include "jose/key.h"
#include "jose/x5c.h"

#include <QJsonObject>
#include <QTest>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/x509.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace afx;

namespace {

const QByteArray signingInput = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1MSJ9";

jose::Key keyFor(const QString &alg)
{
    if (alg.startsWith(QLatin1String("RS")) || alg.startsWith(QLatin1String("PS")))
        return jose::Key::generateRsa(2048);
    if (alg == QLatin1String("ES256"))
        return jose::Key::generateEc(QStringLiteral("P-256"));
    if (alg == QLatin1String("ES384"))
        return jose::Key::generateEc(QStringLiteral("P-384"));
    if (alg == QLatin1String("ES512"))
        return jose::Key::generateEc(QStringLiteral("P-521"));
    return jose::Key::generateEd25519();
}

jose::Key publicKeyOf(const jose::Key &key)
{
    QString error;
    const jose::Key publicKey = jose::Key::fromJwk(key.toPublicJwk(), &error);
    if (publicKey.isNull())
        qWarning("public key could not be read: %s", qPrintable(error));
    return publicKey;
}

QByteArray flipLastBit(QByteArray bytes)
{
    bytes[bytes.size() - 1] = char(bytes.at(bytes.size() - 1) ^ 0x01);
    return bytes;
}

QByteArray rawToDer(const QByteArray &raw)
{
    const int half = int(raw.size() / 2);
    ECDSA_SIG *signature = ECDSA_SIG_new();
    ECDSA_SIG_set0(signature, BN_bin2bn(reinterpret_cast<const unsigned char *>(raw.constData()), half, nullptr),
                   BN_bin2bn(reinterpret_cast<const unsigned char *>(raw.constData()) + half, half, nullptr));
    const int length = i2d_ECDSA_SIG(signature, nullptr);
    QByteArray der(length, Qt::Uninitialized);
    auto *out = reinterpret_cast<unsigned char *>(der.data());
    i2d_ECDSA_SIG(signature, &out);
    ECDSA_SIG_free(signature);
    return der;
}

QString certificateBase64(const jose::Key &key, const QByteArray &commonName, long validSeconds)
{
    X509 *certificate = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(certificate), 7);
    X509_gmtime_adj(X509_getm_notBefore(certificate), 0);
    X509_gmtime_adj(X509_getm_notAfter(certificate), validSeconds);
    X509_set_pubkey(certificate, key.handle());
    X509_NAME *name = X509_get_subject_name(certificate);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char *>("Example"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>(commonName.constData()),
                               -1, -1, 0);
    X509_set_issuer_name(certificate, name);
    X509_sign(certificate, key.handle(), EVP_sha256());
    const int length = i2d_X509(certificate, nullptr);
    QByteArray der(length, Qt::Uninitialized);
    auto *out = reinterpret_cast<unsigned char *>(der.data());
    i2d_X509(certificate, &out);
    X509_free(certificate);
    return QString::fromLatin1(der.toBase64());
}

} // namespace

class TestJwsAlgorithms : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void publicKeyRoundTrip_data();
    void publicKeyRoundTrip();
    void hmacRoundTrip_data();
    void hmacRoundTrip();
    void derEcdsaSignatureRejected_data();
    void derEcdsaSignatureRejected();
    void algorithmConfusionRejected();
    void validAfterInvalidWithSameKey();
    void manyKeysStayCorrect();
    void verifyInSeveralThreads();
    void algNoneRejected();
    void x5cParsed();
    void x5cBadInput_data();
    void x5cBadInput();
    void x5cEntryLimit();
};

void TestJwsAlgorithms::publicKeyRoundTrip_data()
{
    QTest::addColumn<QString>("alg");
    for (const char *alg : {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"})
        QTest::newRow(alg) << QString::fromLatin1(alg);
}

void TestJwsAlgorithms::publicKeyRoundTrip()
{
    QFETCH(QString, alg);

    const jose::Key privateKey = keyFor(alg);
    const jose::Key publicKey = publicKeyOf(privateKey);
    QVERIFY(!publicKey.isNull());
    QVERIFY(!publicKey.hasPrivate());

    QString error;
    const std::optional<QByteArray> signature = jose::sign(alg, privateKey, signingInput, &error);
    QVERIFY2(signature, qPrintable(error));
    QVERIFY2(jose::verifySignature(alg, publicKey, signingInput, *signature, &error), qPrintable(error));
    // A second verification uses the cached context.
    QVERIFY2(jose::verifySignature(alg, publicKey, signingInput, *signature, &error), qPrintable(error));
    QVERIFY2(jose::verifySignature(alg, privateKey, signingInput, *signature, &error), qPrintable(error));

    error.clear();
    QVERIFY(!jose::verifySignature(alg, publicKey, signingInput + "x", *signature, &error));
    QVERIFY2(error.contains(QStringLiteral("does not match")), qPrintable(error));
    error.clear();
    QVERIFY(!jose::verifySignature(alg, publicKey, signingInput, flipLastBit(*signature), &error));
    QVERIFY2(error.contains(QStringLiteral("does not match")), qPrintable(error));
    error.clear();
    QVERIFY(!jose::verifySignature(alg, publicKey, signingInput, signature->left(signature->size() - 1), &error));
    QVERIFY2(error.contains(QStringLiteral("bytes")), qPrintable(error));
    error.clear();
    QVERIFY(!jose::verifySignature(alg, publicKey, signingInput, QByteArray(), &error));
    QVERIFY2(!error.isEmpty(), "an empty signature has a reason");
}

void TestJwsAlgorithms::hmacRoundTrip_data()
{
    QTest::addColumn<QString>("alg");
    QTest::addColumn<int>("minimumSecretBytes");
    QTest::newRow("HS256") << QStringLiteral("HS256") << 32;
    QTest::newRow("HS384") << QStringLiteral("HS384") << 48;
    QTest::newRow("HS512") << QStringLiteral("HS512") << 64;
}

void TestJwsAlgorithms::hmacRoundTrip()
{
    QFETCH(QString, alg);
    QFETCH(int, minimumSecretBytes);

    const QByteArray secret(minimumSecretBytes, 's');
    QString error;
    const std::optional<QByteArray> signature = jose::signHmac(alg, secret, signingInput, &error);
    QVERIFY2(signature, qPrintable(error));
    QCOMPARE(signature->size(), minimumSecretBytes);
    QVERIFY2(jose::verifyHmac(alg, secret, signingInput, *signature, &error), qPrintable(error));
    QVERIFY(!jose::verifyHmac(alg, QByteArray(minimumSecretBytes, 't'), signingInput, *signature, &error));
    QVERIFY2(error.contains(QStringLiteral("different secret")), qPrintable(error));
    QVERIFY(!jose::verifyHmac(alg, secret.left(minimumSecretBytes - 1), signingInput, *signature, &error));
    QVERIFY2(error.contains(QStringLiteral("at least %1 bytes").arg(minimumSecretBytes)), qPrintable(error));
    QVERIFY(!jose::verifyHmac(alg, secret, signingInput, signature->left(10), &error));
    QVERIFY2(error.contains(QStringLiteral("10 bytes")), qPrintable(error));
}

void TestJwsAlgorithms::derEcdsaSignatureRejected_data()
{
    QTest::addColumn<QString>("alg");
    QTest::newRow("ES256") << QStringLiteral("ES256");
    QTest::newRow("ES384") << QStringLiteral("ES384");
    QTest::newRow("ES512") << QStringLiteral("ES512");
}

void TestJwsAlgorithms::derEcdsaSignatureRejected()
{
    QFETCH(QString, alg);

    const jose::Key privateKey = keyFor(alg);
    QString error;
    const std::optional<QByteArray> raw = jose::sign(alg, privateKey, signingInput, &error);
    QVERIFY2(raw, qPrintable(error));
    QVERIFY(!jose::verifySignature(alg, publicKeyOf(privateKey), signingInput, rawToDer(*raw), &error));
    QVERIFY2(error.contains(QStringLiteral("DER")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("R||S")), qPrintable(error));
}

void TestJwsAlgorithms::algorithmConfusionRejected()
{
    const jose::Key rsa = jose::Key::generateRsa(2048);
    const jose::Key rsaPublic = publicKeyOf(rsa);
    QString error;
    const std::optional<QByteArray> rs256 = jose::sign(QStringLiteral("RS256"), rsa, signingInput, &error);
    const std::optional<QByteArray> ps256 = jose::sign(QStringLiteral("PS256"), rsa, signingInput, &error);
    QVERIFY(rs256 && ps256);

    // The DigestInfo names the hash, so an RS256 signature is not an RS384 or RS512 signature.
    QVERIFY(!jose::verifySignature(QStringLiteral("RS384"), rsaPublic, signingInput, *rs256, &error));
    QVERIFY(!jose::verifySignature(QStringLiteral("RS512"), rsaPublic, signingInput, *rs256, &error));
    QVERIFY(!jose::verifySignature(QStringLiteral("PS256"), rsaPublic, signingInput, *rs256, &error));
    QVERIFY(!jose::verifySignature(QStringLiteral("RS256"), rsaPublic, signingInput, *ps256, &error));
    QVERIFY(!jose::verifySignature(QStringLiteral("PS384"), rsaPublic, signingInput, *ps256, &error));

    const jose::Key p384 = publicKeyOf(jose::Key::generateEc(QStringLiteral("P-384")));
    QVERIFY(!jose::verifySignature(QStringLiteral("ES256"), p384, signingInput, QByteArray(64, '\1'), &error));
    QVERIFY2(error.contains(QStringLiteral("P-256")), qPrintable(error));
    QVERIFY(!jose::verifySignature(QStringLiteral("RS256"), p384, signingInput, *rs256, &error));
    QVERIFY2(error.contains(QStringLiteral("RSA key")), qPrintable(error));
    QVERIFY(!jose::verifySignature(QStringLiteral("HS256"), rsaPublic, signingInput, *rs256, &error));
    QVERIFY2(error.contains(QStringLiteral("shared secret")), qPrintable(error));
}

void TestJwsAlgorithms::validAfterInvalidWithSameKey()
{
    for (const QString &alg : {QStringLiteral("RS256"), QStringLiteral("PS512"), QStringLiteral("ES256")}) {
        const jose::Key privateKey = keyFor(alg);
        const jose::Key publicKey = publicKeyOf(privateKey);
        QString error;
        const std::optional<QByteArray> signature = jose::sign(alg, privateKey, signingInput, &error);
        QVERIFY2(signature, qPrintable(error));
        for (int round = 0; round < 3; ++round) {
            QVERIFY2(!jose::verifySignature(alg, publicKey, signingInput, flipLastBit(*signature), &error), qPrintable(alg));
            QVERIFY2(jose::verifySignature(alg, publicKey, signingInput, *signature, &error), qPrintable(alg + error));
        }
    }
}

void TestJwsAlgorithms::manyKeysStayCorrect()
{
    // More keys than the per-thread context cache holds, verified twice in turn, with each
    // signature also checked against the next key.
    struct Signed {
        jose::Key publicKey;
        QByteArray signature;
    };
    std::vector<Signed> items;
    for (int i = 0; i < 20; ++i) {
        const jose::Key privateKey = jose::Key::generateEc(QStringLiteral("P-256"));
        QString error;
        const std::optional<QByteArray> signature = jose::sign(QStringLiteral("ES256"), privateKey, signingInput, &error);
        QVERIFY2(signature, qPrintable(error));
        items.push_back({publicKeyOf(privateKey), *signature});
    }
    for (int round = 0; round < 2; ++round) {
        for (std::size_t i = 0; i < items.size(); ++i) {
            QString error;
            QVERIFY2(jose::verifySignature(QStringLiteral("ES256"), items[i].publicKey, signingInput, items[i].signature, &error),
                     qPrintable(error));
            const Signed &next = items[(i + 1) % items.size()];
            QVERIFY(!jose::verifySignature(QStringLiteral("ES256"), next.publicKey, signingInput, items[i].signature, &error));
        }
    }
}

void TestJwsAlgorithms::verifyInSeveralThreads()
{
    const jose::Key privateKey = jose::Key::generateRsa(2048);
    const jose::Key publicKey = publicKeyOf(privateKey);
    QString error;
    const std::optional<QByteArray> signature = jose::sign(QStringLiteral("RS256"), privateKey, signingInput, &error);
    QVERIFY2(signature, qPrintable(error));

    std::atomic<int> valid{0};
    std::atomic<int> rejected{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 50; ++i) {
                if (jose::verifySignature(QStringLiteral("RS256"), publicKey, signingInput, *signature, nullptr))
                    ++valid;
                if (!jose::verifySignature(QStringLiteral("RS256"), publicKey, signingInput, flipLastBit(*signature), nullptr))
                    ++rejected;
            }
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    QCOMPARE(valid.load(), 200);
    QCOMPARE(rejected.load(), 200);
}

void TestJwsAlgorithms::algNoneRejected()
{
    const jose::Key publicKey = publicKeyOf(jose::Key::generateRsa(2048));
    for (const QString &alg : {QStringLiteral("none"), QStringLiteral("None"), QStringLiteral("NONE")}) {
        QString error;
        QVERIFY(!jose::verifySignature(alg, publicKey, signingInput, QByteArray(), &error));
        QVERIFY2(error.contains(QStringLiteral("not signed")), qPrintable(error));
    }
    QString error;
    QVERIFY(!jose::verifySignature(QStringLiteral("RS1"), publicKey, signingInput, QByteArray(256, 'x'), &error));
    QVERIFY2(error.contains(QStringLiteral("not supported")), qPrintable(error));
}

void TestJwsAlgorithms::x5cParsed()
{
    const jose::Key leafKey = jose::Key::generateEc(QStringLiteral("P-256"));
    const jose::Key rootKey = jose::Key::generateRsa(2048);
    const QList<jose::CertificateInfo> chain = jose::parseCertificateChain(
        {certificateBase64(leafKey, "signing.idp.example.com", 3600), certificateBase64(rootKey, "Example Root", 86400)});
    QCOMPARE(chain.size(), 2);
    QVERIFY2(chain.at(0).isValid(), qPrintable(chain.at(0).error));
    QCOMPARE(chain.at(0).subject, QStringLiteral("CN=signing.idp.example.com,O=Example"));
    QCOMPARE(chain.at(1).subject, QStringLiteral("CN=Example Root,O=Example"));
    QCOMPARE(chain.at(1).issuer, chain.at(1).subject);
    QCOMPARE(chain.at(0).notBefore.secsTo(chain.at(0).notAfter), 3600);
    QCOMPARE(chain.at(0).notAfter.timeSpec(), Qt::UTC);
    QVERIFY(chain.at(0).isExpiredAt(chain.at(0).notAfter.addSecs(1)));
    QVERIFY(chain.at(0).isExpiredAt(chain.at(0).notBefore.addSecs(-1)));
    QVERIFY(!chain.at(0).isExpiredAt(chain.at(0).notBefore.addSecs(60)));
}

void TestJwsAlgorithms::x5cBadInput_data()
{
    QTest::addColumn<QString>("entry");
    QTest::addColumn<QString>("errorPart");

    const QString valid = certificateBase64(jose::Key::generateEc(QStringLiteral("P-256")), "x", 60);
    QTest::newRow("empty") << QString() << QStringLiteral("not valid base64");
    QTest::newRow("base64url alphabet") << QString(valid).replace(QLatin1Char('+'), QLatin1Char('-')).replace(QLatin1Char('/'), QLatin1Char('_')) + QStringLiteral("-_")
                                        << QStringLiteral("base64url");
    QTest::newRow("truncated") << valid.left(valid.size() / 2 / 4 * 4) << QStringLiteral("not a DER X.509 certificate");
    QTest::newRow("text instead of DER") << QString::fromLatin1(QByteArray("-----BEGIN CERTIFICATE-----").toBase64())
                                         << QStringLiteral("not a DER X.509 certificate");
    QTest::newRow("huge") << QString(70 * 1024, QLatin1Char('A')) << QStringLiteral("more than the limit");
    QTest::newRow("non-ASCII") << QStringLiteral("MII\u00e9\u00e9\u00e9") << QStringLiteral("not valid base64");
}

void TestJwsAlgorithms::x5cBadInput()
{
    QFETCH(QString, entry);
    QFETCH(QString, errorPart);

    const QList<jose::CertificateInfo> chain = jose::parseCertificateChain({entry});
    QCOMPARE(chain.size(), 1);
    QVERIFY(!chain.first().isValid());
    QVERIFY2(chain.first().error.contains(errorPart), qPrintable(chain.first().error));
    QVERIFY(chain.first().subject.isEmpty());
    QVERIFY(!chain.first().isExpiredAt(QDateTime::currentDateTimeUtc()));
}

void TestJwsAlgorithms::x5cEntryLimit()
{
    const QString valid = certificateBase64(jose::Key::generateEc(QStringLiteral("P-256")), "x", 60);
    const QList<jose::CertificateInfo> chain = jose::parseCertificateChain(QStringList(12, valid), 10);
    QCOMPARE(chain.size(), 11);
    QVERIFY(chain.at(9).isValid());
    QVERIFY2(chain.at(10).error.contains(QStringLiteral("12 certificates")), qPrintable(chain.at(10).error));
}

QTEST_GUILESS_MAIN(TestJwsAlgorithms)
#include "tst_jwsalgorithms.moc"
