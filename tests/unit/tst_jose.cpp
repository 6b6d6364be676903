// Unit tests for the JOSE layer: JWK and JWKS import, JWS parsing, signing and verification.
//
// Published examples live in tests/data/jose: RFC 7515 appendix A, RFC 7520 section 4 and
// RFC 8037 appendix A.4, each with its key. Everything else uses keys generated per run.

#include "jose/base64url.h"
#include "jose/jws.h"
#include "jose/key.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QTest>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>

using namespace afx::jose;

namespace {

QJsonObject loadDataFile(const QString &name)
{
    QFile file(QStringLiteral(AFX_TEST_DATA_DIR "/jose/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("Cannot open test data file %s", qPrintable(file.fileName()));
    return QJsonDocument::fromJson(file.readAll()).object();
}

QJsonObject withoutPrivateMembers(QJsonObject jwk)
{
    for (const char *name : {"d", "p", "q", "dp", "dq", "qi"})
        jwk.remove(QLatin1String(name));
    return jwk;
}

QByteArray decoded(const QByteArray &text)
{
    return base64UrlDecode(text).value_or(QByteArray());
}

// Returns the compact token with one of its three parts replaced.
QByteArray replacePart(const QByteArray &token, int index, const QByteArray &part)
{
    QList<QByteArray> parts = token.split('.');
    parts[index] = part;
    return parts.join('.');
}

QByteArray flipByte(QByteArray bytes, qsizetype index)
{
    bytes[index] = char(bytes.at(index) ^ 0x01);
    return bytes;
}

// Converts a raw R||S signature to DER, as a non-JOSE ECDSA signer would produce it.
QByteArray rawToDerForTest(const QByteArray &raw)
{
    const int half = int(raw.size() / 2);
    const auto *bytes = reinterpret_cast<const unsigned char *>(raw.constData());
    ECDSA_SIG *signature = ECDSA_SIG_new();
    ECDSA_SIG_set0(signature, BN_bin2bn(bytes, half, nullptr), BN_bin2bn(bytes + half, half, nullptr));
    QByteArray der(i2d_ECDSA_SIG(signature, nullptr), '\0');
    auto *out = reinterpret_cast<unsigned char *>(der.data());
    i2d_ECDSA_SIG(signature, &out);
    ECDSA_SIG_free(signature);
    return der;
}

// Every message logged while an instance is alive, for checking that no secret is logged.
class LogCapture {
public:
    LogCapture()
    {
        s_messages.clear();
        QLoggingCategory::setFilterRules(QStringLiteral("afx.jose.debug=true"));
        m_previous = qInstallMessageHandler(&LogCapture::handle);
    }
    ~LogCapture()
    {
        qInstallMessageHandler(m_previous);
        QLoggingCategory::setFilterRules(QString());
    }
    LogCapture(const LogCapture &) = delete;
    LogCapture &operator=(const LogCapture &) = delete;

    static QString allMessages() { return s_messages.join(QLatin1Char('\n')); }

private:
    static void handle(QtMsgType, const QMessageLogContext &, const QString &message)
    {
        s_messages.append(message);
    }

    static inline QStringList s_messages;
    QtMessageHandler m_previous = nullptr;
};

} // namespace

class TestJose : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    // Published examples
    void publishedExampleVerifies_data();
    void publishedExampleVerifies();
    void publishedExampleTampered_data();
    void publishedExampleTampered();
    void publishedExampleResigned_data();
    void publishedExampleResigned();
    void hmacExample_data();
    void hmacExample();

    // Signing and verification with generated keys
    void signVerifyRoundTrip_data();
    void signVerifyRoundTrip();
    void ecdsaLeadingZeroRoundTrip_data();
    void ecdsaLeadingZeroRoundTrip();
    void ecdsaDerSignatureRejected_data();
    void ecdsaDerSignatureRejected();
    void ecdsaWrongLengthRejected();
    void psOtherSaltLengthRejected();
    void algorithmKeyMismatch_data();
    void algorithmKeyMismatch();
    void noneRejected_data();
    void noneRejected();
    void unknownAlgorithmRejected_data();
    void unknownAlgorithmRejected();
    void hmacRules_data();
    void hmacRules();
    void signNeedsPrivateKey();
    void criticalHeaderRejected_data();
    void criticalHeaderRejected();
    void supportedAlgorithmList();

    // Compact JWS parsing and token classification
    void compactParseErrors_data();
    void compactParseErrors();
    void compactParseDecodesParts();
    void compactParseNonJsonPayload();
    void classifyTokenFormats_data();
    void classifyTokenFormats();

    // JWK and JWKS
    void jwkImportErrors_data();
    void jwkImportErrors();
    void jwkExportRoundTrip_data();
    void jwkExportRoundTrip();
    void jwkExportKeepsLeadingZeros();
    void privateJwkImportErrors_data();
    void privateJwkImportErrors();
    void privateRsaJwkWithoutCrtMembers();
    void thumbprintMatchesRfc7638();
    void keyGeneration();
    void jwksKeepsUsableKeys();
    void jwksDocumentErrors_data();
    void jwksDocumentErrors();
    void jwksSizeLimit();
    void jwksEmptyKeyArray();

    // OpenID Connect hash claims
    void halfHashValues_data();
    void halfHashValues();

    void noSecretsInLogs();
    void openSslErrorQueueEmptied();

private:
    Key m_rsa2048;
    Key m_rsa1024;
    Key m_p256;
    Key m_p384;
    Key m_p521;
    Key m_ed25519;
    QJsonArray m_signatureExamples;
    QJsonArray m_hmacExamples;
};

void TestJose::initTestCase()
{
    m_rsa2048 = Key::generateRsa(2048);
    m_rsa1024 = Key::generateRsa(1024);
    m_p256 = Key::generateEc(QStringLiteral("P-256"));
    m_p384 = Key::generateEc(QStringLiteral("P-384"));
    m_p521 = Key::generateEc(QStringLiteral("P-521"));
    m_ed25519 = Key::generateEd25519();
    for (const Key *key : {&m_rsa2048, &m_rsa1024, &m_p256, &m_p384, &m_p521, &m_ed25519}) {
        QVERIFY(!key->isNull());
        QVERIFY(key->hasPrivate());
    }

    m_signatureExamples = loadDataFile(QStringLiteral("signature-examples.json")).value(QStringLiteral("examples")).toArray();
    m_hmacExamples = loadDataFile(QStringLiteral("hmac-examples.json")).value(QStringLiteral("examples")).toArray();
    QCOMPARE(m_signatureExamples.size(), 6);
    QCOMPARE(m_hmacExamples.size(), 2);
}

// --- Published examples -------------------------------------------------------------------

void TestJose::publishedExampleVerifies_data()
{
    QTest::addColumn<QJsonObject>("jwk");
    QTest::addColumn<QByteArray>("token");

    for (const QJsonValue &example : std::as_const(m_signatureExamples)) {
        const QJsonObject object = example.toObject();
        QTest::newRow(qPrintable(object.value(QStringLiteral("name")).toString()))
            << withoutPrivateMembers(object.value(QStringLiteral("jwk")).toObject())
            << object.value(QStringLiteral("compact")).toString().toLatin1();
    }
}

void TestJose::publishedExampleVerifies()
{
    QFETCH(QJsonObject, jwk);
    QFETCH(QByteArray, token);

    QString error;
    const Key key = Key::fromJwk(jwk, &error);
    QVERIFY2(!key.isNull(), qPrintable(error));
    QVERIFY(!key.hasPrivate());

    QCOMPARE(classifyToken(token), TokenFormat::Jws);
    const std::optional<CompactJws> jws = CompactJws::parse(token, &error);
    QVERIFY2(jws.has_value(), qPrintable(error));
    QVERIFY2(jws->verify(key, &error), qPrintable(error));
    QVERIFY2(verifySignature(jws->alg(), key, jws->signingInput, jws->signature, &error), qPrintable(error));
}

void TestJose::publishedExampleTampered_data()
{
    QTest::addColumn<QJsonObject>("jwk");
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("expectedError");

    for (const QJsonValue &example : std::as_const(m_signatureExamples)) {
        const QJsonObject object = example.toObject();
        const QString name = object.value(QStringLiteral("name")).toString();
        const QJsonObject jwk = withoutPrivateMembers(object.value(QStringLiteral("jwk")).toObject());
        const QByteArray token = object.value(QStringLiteral("compact")).toString().toLatin1();
        const QList<QByteArray> parts = token.split('.');

        const QByteArray payload = decoded(parts.at(1));
        const QByteArray signature = decoded(parts.at(2));
        const QByteArray changedPayload = replacePart(token, 1, base64UrlEncode(flipByte(payload, payload.size() / 2)));
        const QByteArray changedSignature = replacePart(token, 2, base64UrlEncode(flipByte(signature, 10)));
        const QByteArray truncatedSignature = replacePart(token, 2, base64UrlEncode(signature.chopped(1)));

        QTest::addRow("%s, payload byte changed", qPrintable(name)) << jwk << changedPayload << QStringLiteral("does not match");
        QTest::addRow("%s, signature byte changed", qPrintable(name)) << jwk << changedSignature << QStringLiteral("does not match");
        QTest::addRow("%s, signature truncated", qPrintable(name)) << jwk << truncatedSignature << QStringLiteral("bytes");
    }
}

void TestJose::publishedExampleTampered()
{
    QFETCH(QJsonObject, jwk);
    QFETCH(QByteArray, token);
    QFETCH(QString, expectedError);

    QString error;
    const Key key = Key::fromJwk(jwk, &error);
    QVERIFY2(!key.isNull(), qPrintable(error));
    const std::optional<CompactJws> jws = CompactJws::parse(token, &error);
    QVERIFY2(jws.has_value(), qPrintable(error));

    error.clear();
    QVERIFY(!jws->verify(key, &error));
    QVERIFY2(error.contains(expectedError), qPrintable(error));
}

void TestJose::publishedExampleResigned_data()
{
    QTest::addColumn<QJsonObject>("jwk");
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<bool>("deterministic");

    for (const QJsonValue &example : std::as_const(m_signatureExamples)) {
        const QJsonObject object = example.toObject();
        QTest::newRow(qPrintable(object.value(QStringLiteral("name")).toString()))
            << object.value(QStringLiteral("jwk")).toObject()
            << object.value(QStringLiteral("compact")).toString().toLatin1()
            << object.value(QStringLiteral("deterministic")).toBool();
    }
}

// Imports the example's private JWK and signs the example's signing input again. RSA PKCS#1
// v1.5 and Ed25519 must reproduce the published signature byte for byte.
void TestJose::publishedExampleResigned()
{
    QFETCH(QJsonObject, jwk);
    QFETCH(QByteArray, token);
    QFETCH(bool, deterministic);

    QString error;
    const Key privateKey = Key::fromPrivateJwk(jwk, &error);
    QVERIFY2(!privateKey.isNull(), qPrintable(error));
    QVERIFY(privateKey.hasPrivate());

    const std::optional<CompactJws> jws = CompactJws::parse(token, &error);
    QVERIFY2(jws.has_value(), qPrintable(error));
    const std::optional<QByteArray> signature = sign(jws->alg(), privateKey, jws->signingInput, &error);
    QVERIFY2(signature.has_value(), qPrintable(error));
    QCOMPARE(signature->size(), jws->signature.size());
    if (deterministic)
        QCOMPARE(base64UrlEncode(*signature), base64UrlEncode(jws->signature));

    const Key publicKey = Key::fromJwk(jwk, &error);
    QVERIFY2(verifySignature(jws->alg(), publicKey, jws->signingInput, *signature, &error), qPrintable(error));
}

void TestJose::hmacExample_data()
{
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<QByteArray>("token");

    for (const QJsonValue &example : std::as_const(m_hmacExamples)) {
        const QJsonObject object = example.toObject();
        const QByteArray k = object.value(QStringLiteral("jwk")).toObject().value(QStringLiteral("k")).toString().toLatin1();
        QTest::newRow(qPrintable(object.value(QStringLiteral("name")).toString()))
            << decoded(k) << object.value(QStringLiteral("compact")).toString().toLatin1();
    }
}

void TestJose::hmacExample()
{
    QFETCH(QByteArray, secret);
    QFETCH(QByteArray, token);
    QVERIFY(!secret.isEmpty());

    QString error;
    const std::optional<CompactJws> jws = CompactJws::parse(token, &error);
    QVERIFY2(jws.has_value(), qPrintable(error));
    QCOMPARE(jws->alg(), QStringLiteral("HS256"));
    QVERIFY2(jws->verifyHmac(secret, &error), qPrintable(error));

    const std::optional<QByteArray> signature = signHmac(jws->alg(), secret, jws->signingInput, &error);
    QVERIFY2(signature.has_value(), qPrintable(error));
    QCOMPARE(base64UrlEncode(*signature), token.split('.').at(2));

    const QByteArray changedPayload = jws->signingInput + 'x';
    QVERIFY(!verifyHmac(jws->alg(), secret, changedPayload, jws->signature, &error));
    QVERIFY2(error.contains(QStringLiteral("does not match")), qPrintable(error));

    QVERIFY(!verifyHmac(jws->alg(), secret, jws->signingInput, flipByte(jws->signature, 0), &error));
    QVERIFY2(error.contains(QStringLiteral("does not match")), qPrintable(error));

    QVERIFY(!verifyHmac(jws->alg(), secret, jws->signingInput, jws->signature.chopped(1), &error));
    QVERIFY2(error.contains(QStringLiteral("is 31 bytes")), qPrintable(error));

    QVERIFY(!verifyHmac(jws->alg(), flipByte(secret, 0), jws->signingInput, jws->signature, &error));
    QVERIFY2(error.contains(QStringLiteral("different secret")), qPrintable(error));
}

// --- Signing and verification with generated keys -----------------------------------------

void TestJose::signVerifyRoundTrip_data()
{
    QTest::addColumn<QString>("alg");
    QTest::addColumn<int>("keyIndex"); // 0 = RSA 2048, 1 = P-256, 2 = P-384, 3 = P-521, 4 = Ed25519

    for (const char *alg : {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
        QTest::newRow(alg) << QString::fromLatin1(alg) << 0;
    QTest::newRow("ES256") << QStringLiteral("ES256") << 1;
    QTest::newRow("ES384") << QStringLiteral("ES384") << 2;
    QTest::newRow("ES512") << QStringLiteral("ES512") << 3;
    QTest::newRow("EdDSA") << QStringLiteral("EdDSA") << 4;
}

void TestJose::signVerifyRoundTrip()
{
    QFETCH(QString, alg);
    QFETCH(int, keyIndex);
    const Key privateKey = QList<Key>{m_rsa2048, m_p256, m_p384, m_p521, m_ed25519}.at(keyIndex);

    const QJsonObject claims{{QStringLiteral("iss"), QStringLiteral("https://127.0.0.1/issuer")},
                             {QStringLiteral("sub"), QStringLiteral("alice")},
                             {QStringLiteral("exp"), 2000000000}};
    QString error;
    const std::optional<QByteArray> token =
        signCompact(alg, privateKey, QJsonObject{{QStringLiteral("kid"), QStringLiteral("k1")}}, claims, &error);
    QVERIFY2(token.has_value(), qPrintable(error));
    QCOMPARE(classifyToken(*token), TokenFormat::Jws);

    const std::optional<CompactJws> jws = CompactJws::parse(*token, &error);
    QVERIFY2(jws.has_value(), qPrintable(error));
    QCOMPARE(jws->alg(), alg);
    QCOMPARE(jws->kid(), QStringLiteral("k1"));
    QCOMPARE(jws->claims, claims);

    // Verify with the public key as a relying party gets it: exported to a JWK and imported.
    const Key publicKey = Key::fromJwk(privateKey.toPublicJwk(QStringLiteral("k1"), alg), &error);
    QVERIFY2(!publicKey.isNull(), qPrintable(error));
    QVERIFY2(jws->verify(publicKey, &error), qPrintable(error));
    QVERIFY2(jws->verify(privateKey, &error), qPrintable(error));

    // A signature made by another key of the same kind must not verify.
    const Key otherKey = keyIndex == 0 ? Key::generateRsa(2048)
        : keyIndex == 4                ? Key::generateEd25519()
                                       : Key::generateEc(privateKey.curve());
    QVERIFY(!jws->verify(otherKey, &error));
    QVERIFY2(error.contains(QStringLiteral("does not match")), qPrintable(error));
}

void TestJose::ecdsaLeadingZeroRoundTrip_data()
{
    QTest::addColumn<QString>("alg");
    QTest::addColumn<QString>("curve");

    QTest::newRow("ES256") << QStringLiteral("ES256") << QStringLiteral("P-256");
    QTest::newRow("ES384") << QStringLiteral("ES384") << QStringLiteral("P-384");
}

// R and S are left-padded to the coordinate size. Signing until each of them has a leading
// zero byte (about one signature in 256 each) checks that padding survives both directions.
void TestJose::ecdsaLeadingZeroRoundTrip()
{
    QFETCH(QString, alg);
    QFETCH(QString, curve);
    const Key key = Key::generateEc(curve);
    const int half = alg == QLatin1String("ES256") ? 32 : 48;

    bool sawShortR = false;
    bool sawShortS = false;
    for (int attempt = 0; attempt < 20000 && !(sawShortR && sawShortS); ++attempt) {
        const QByteArray input = "header.payload-" + QByteArray::number(attempt);
        QString error;
        const std::optional<QByteArray> signature = sign(alg, key, input, &error);
        QVERIFY2(signature.has_value(), qPrintable(error));
        QCOMPARE(signature->size(), 2 * half);

        const bool shortR = signature->at(0) == '\0';
        const bool shortS = signature->at(half) == '\0';
        if (!shortR && !shortS)
            continue;
        sawShortR = sawShortR || shortR;
        sawShortS = sawShortS || shortS;
        QVERIFY2(verifySignature(alg, key, input, *signature, &error), qPrintable(error));
    }
    QVERIFY(sawShortR);
    QVERIFY(sawShortS);
}

void TestJose::ecdsaDerSignatureRejected_data()
{
    QTest::addColumn<QString>("alg");
    QTest::addColumn<int>("rawSize");

    QTest::newRow("ES256") << QStringLiteral("ES256") << 64;
    QTest::newRow("ES384") << QStringLiteral("ES384") << 96;
    QTest::newRow("ES512") << QStringLiteral("ES512") << 132;
}

void TestJose::ecdsaDerSignatureRejected()
{
    QFETCH(QString, alg);
    QFETCH(int, rawSize);
    const Key key = alg == QLatin1String("ES256") ? m_p256 : alg == QLatin1String("ES384") ? m_p384 : m_p521;

    QString error;
    const QByteArray input("eyJhbGciOiJFUzI1NiJ9.e30");
    const std::optional<QByteArray> raw = sign(alg, key, input, &error);
    QVERIFY2(raw.has_value(), qPrintable(error));
    QCOMPARE(raw->size(), rawSize);
    QVERIFY2(verifySignature(alg, key, input, *raw, &error), qPrintable(error));

    const QByteArray der = rawToDerForTest(*raw);
    QCOMPARE(quint8(der.at(0)), quint8(0x30));
    QVERIFY(!verifySignature(alg, key, input, der, &error));
    QVERIFY2(error.contains(QStringLiteral("ASN.1 DER")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("raw R||S")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("%1 bytes").arg(rawSize)), qPrintable(error));
}

void TestJose::ecdsaWrongLengthRejected()
{
    QString error;
    QVERIFY(!verifySignature(QStringLiteral("ES256"), m_p256, "a.b", QByteArray(63, '\x01'), &error));
    QCOMPARE(error, QStringLiteral("The ES256 signature is 63 bytes, but JOSE requires the raw R||S form of exactly "
                                   "64 bytes."));

    QVERIFY(!verifySignature(QStringLiteral("ES256"), m_p256, "a.b", QByteArray(64, '\0'), &error));
    QVERIFY2(error.contains(QStringLiteral("does not match")), qPrintable(error));
}

// PS* requires a salt as long as the hash. A PSS signature with another salt length is valid
// PSS, but not a valid PS256 signature.
void TestJose::psOtherSaltLengthRejected()
{
    const QByteArray input("eyJhbGciOiJQUzI1NiJ9.e30");
    QByteArray signature(256, '\0');
    size_t length = size_t(signature.size());

    EVP_MD_CTX *context = EVP_MD_CTX_new();
    EVP_PKEY_CTX *keyContext = nullptr;
    QCOMPARE(EVP_DigestSignInit_ex(context, &keyContext, "SHA256", nullptr, nullptr, m_rsa2048.handle(), nullptr), 1);
    QCOMPARE(EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING), 1);
    QCOMPARE(EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, 0), 1);
    QCOMPARE(EVP_DigestSign(context, reinterpret_cast<unsigned char *>(signature.data()), &length,
                            reinterpret_cast<const unsigned char *>(input.constData()), size_t(input.size())),
             1);
    EVP_MD_CTX_free(context);
    QCOMPARE(length, size_t(256));

    QString error;
    QVERIFY(!verifySignature(QStringLiteral("PS256"), m_rsa2048, input, signature, &error));
    QVERIFY2(error.contains(QStringLiteral("does not match")), qPrintable(error));

    // The same input signed through the API uses the right salt length and verifies.
    const std::optional<QByteArray> good = sign(QStringLiteral("PS256"), m_rsa2048, input, &error);
    QVERIFY2(good.has_value(), qPrintable(error));
    QVERIFY2(verifySignature(QStringLiteral("PS256"), m_rsa2048, input, *good, &error), qPrintable(error));
    QVERIFY(!verifySignature(QStringLiteral("RS256"), m_rsa2048, input, *good, &error));
}

void TestJose::algorithmKeyMismatch_data()
{
    QTest::addColumn<QString>("alg");
    QTest::addColumn<int>("keyIndex"); // 0 = RSA 2048, 1 = P-256, 2 = P-384, 3 = P-521, 4 = Ed25519, 5 = RSA 1024, 6 = null
    QTest::addColumn<QString>("expectedError");

    QTest::newRow("RS256 with EC key") << QStringLiteral("RS256") << 1
                                       << QStringLiteral("RS256 needs an RSA key, but the key is an EC key on curve P-256.");
    QTest::newRow("PS256 with Ed25519 key") << QStringLiteral("PS256") << 4
                                            << QStringLiteral("PS256 needs an RSA key, but the key is an OKP key on curve Ed25519.");
    QTest::newRow("RS256 with 1024-bit RSA") << QStringLiteral("RS256") << 5
                                             << QStringLiteral("RS256 needs an RSA key of at least 2048 bits, but the key has 1024 bits.");
    QTest::newRow("PS512 with 1024-bit RSA") << QStringLiteral("PS512") << 5
                                             << QStringLiteral("PS512 needs an RSA key of at least 2048 bits, but the key has 1024 bits.");
    QTest::newRow("ES256 with P-384 key") << QStringLiteral("ES256") << 2
                                          << QStringLiteral("ES256 needs an EC key on curve P-256, but the key is an EC key on curve P-384.");
    QTest::newRow("ES384 with RSA key") << QStringLiteral("ES384") << 0
                                        << QStringLiteral("ES384 needs an EC key on curve P-384, but the key is an RSA key of 2048 bits.");
    QTest::newRow("ES512 with P-256 key") << QStringLiteral("ES512") << 1
                                          << QStringLiteral("ES512 needs an EC key on curve P-521, but the key is an EC key on curve P-256.");
    QTest::newRow("EdDSA with P-521 key") << QStringLiteral("EdDSA") << 3
                                          << QStringLiteral("EdDSA needs an OKP key on curve Ed25519, but the key is an EC key on curve P-521.");
    QTest::newRow("HS256 with RSA key") << QStringLiteral("HS256") << 0
                                        << QStringLiteral("HS256 is an HMAC algorithm and needs the shared secret, not a public or private key.");
    QTest::newRow("RS256 with null key") << QStringLiteral("RS256") << 6
                                         << QStringLiteral("No key was given for the RS256 signature.");
}

void TestJose::algorithmKeyMismatch()
{
    QFETCH(QString, alg);
    QFETCH(int, keyIndex);
    QFETCH(QString, expectedError);
    const Key key = QList<Key>{m_rsa2048, m_p256, m_p384, m_p521, m_ed25519, m_rsa1024, Key()}.at(keyIndex);

    QString error;
    QVERIFY(!verifySignature(alg, key, "a.b", QByteArray(64, '\x01'), &error));
    QCOMPARE(error, expectedError);

    error.clear();
    QVERIFY(!sign(alg, key, "a.b", &error).has_value());
    QCOMPARE(error, expectedError);
}

void TestJose::noneRejected_data()
{
    QTest::addColumn<QString>("alg");

    QTest::newRow("lower case") << QStringLiteral("none");
    QTest::newRow("capitalized") << QStringLiteral("None");
    QTest::newRow("upper case") << QStringLiteral("NONE");
}

void TestJose::noneRejected()
{
    QFETCH(QString, alg);
    const QString expected =
        QStringLiteral("The algorithm \"%1\" means the token is not signed, and unsigned tokens are always rejected.").arg(alg);

    QString error;
    QVERIFY(!verifySignature(alg, m_rsa2048, "a.b", QByteArray(), &error));
    QCOMPARE(error, expected);
    QVERIFY(!verifyHmac(alg, QByteArray(64, 'k'), "a.b", QByteArray(), &error));
    QCOMPARE(error, expected);
    QVERIFY(!sign(alg, m_rsa2048, "a.b", &error).has_value());
    QCOMPARE(error, expected);
    QVERIFY(!isSupportedAlgorithm(alg));
    QVERIFY(afx::jose::halfHash(alg, "value").isEmpty());

    // The unsecured JWS of RFC 7515 appendix A.5 parses, but never verifies.
    const QByteArray unsecured = "eyJhbGciOiJub25lIn0."
                                 "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";
    const std::optional<CompactJws> jws = CompactJws::parse(unsecured, &error);
    QVERIFY2(jws.has_value(), qPrintable(error));
    QCOMPARE(jws->alg(), QStringLiteral("none"));
    QVERIFY(jws->signature.isEmpty());
    QVERIFY(!jws->verify(m_rsa2048, &error));
    QVERIFY2(error.contains(QStringLiteral("not signed")), qPrintable(error));
}

void TestJose::unknownAlgorithmRejected_data()
{
    QTest::addColumn<QString>("alg");
    QTest::addColumn<QString>("expectedError");

    const QString supported = QStringLiteral(
        "Supported algorithms are RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, HS256, HS384, HS512.");
    QTest::newRow("ES256K") << QStringLiteral("ES256K")
                            << QStringLiteral("The algorithm \"ES256K\" is not supported. ") + supported;
    QTest::newRow("lower-case rs256") << QStringLiteral("rs256")
                                      << QStringLiteral("The algorithm \"rs256\" is not supported. ") + supported;
    QTest::newRow("empty") << QString() << QStringLiteral("No algorithm was given. The JWS header must name one in \"alg\".");
}

void TestJose::unknownAlgorithmRejected()
{
    QFETCH(QString, alg);
    QFETCH(QString, expectedError);

    QString error;
    QVERIFY(!verifySignature(alg, m_rsa2048, "a.b", QByteArray(256, '\x01'), &error));
    QCOMPARE(error, expectedError);
    QVERIFY(!isSupportedAlgorithm(alg));
}

void TestJose::hmacRules_data()
{
    QTest::addColumn<QString>("alg");
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<QString>("expectedError");

    QTest::newRow("HS256 short secret") << QStringLiteral("HS256") << QByteArray(31, 's')
                                        << QStringLiteral("HS256 needs a secret of at least 32 bytes (RFC 7518 section 3.2), "
                                                          "but this secret has 31 bytes.");
    QTest::newRow("HS512 short secret") << QStringLiteral("HS512") << QByteArray(32, 's')
                                        << QStringLiteral("HS512 needs a secret of at least 64 bytes (RFC 7518 section 3.2), "
                                                          "but this secret has 32 bytes.");
    QTest::newRow("empty secret") << QStringLiteral("HS384") << QByteArray()
                                  << QStringLiteral("The HMAC secret for HS384 is empty.");
    QTest::newRow("public-key algorithm") << QStringLiteral("RS256") << QByteArray(64, 's')
                                          << QStringLiteral("RS256 is a public-key algorithm, so it needs a key, not a "
                                                            "shared secret.");
}

void TestJose::hmacRules()
{
    QFETCH(QString, alg);
    QFETCH(QByteArray, secret);
    QFETCH(QString, expectedError);

    QString error;
    QVERIFY(!verifyHmac(alg, secret, "a.b", QByteArray(32, '\x01'), &error));
    QCOMPARE(error, expectedError);
    QVERIFY(!signHmac(alg, secret, "a.b", &error).has_value());
    QCOMPARE(error, expectedError);
    QVERIFY(!signCompactHmac(alg, secret, {}, {}, &error).has_value());
    QCOMPARE(error, expectedError);
}

void TestJose::signNeedsPrivateKey()
{
    QString error;
    const Key publicKey = Key::fromJwk(m_p256.toPublicJwk(), &error);
    QVERIFY2(!publicKey.isNull(), qPrintable(error));
    QVERIFY(!publicKey.hasPrivate());

    QVERIFY(!sign(QStringLiteral("ES256"), publicKey, "a.b", &error).has_value());
    QCOMPARE(error, QStringLiteral("Signing with ES256 needs a private key, but the key has only its public part."));
}

void TestJose::criticalHeaderRejected_data()
{
    QTest::addColumn<QJsonValue>("crit");
    QTest::addColumn<QString>("expectedError");

    QTest::newRow("unknown extension") << QJsonValue(QJsonArray{QStringLiteral("exp")})
                                       << QStringLiteral("The JWS header lists \"exp\" in \"crit\"");
    QTest::newRow("b64 extension") << QJsonValue(QJsonArray{QStringLiteral("b64"), QStringLiteral("x")})
                                   << QStringLiteral("\"b64\", \"x\"");
    QTest::newRow("crit is a string") << QJsonValue(QStringLiteral("exp"))
                                      << QStringLiteral("must be a non-empty array of strings");
    QTest::newRow("crit is empty") << QJsonValue(QJsonArray()) << QStringLiteral("must be a non-empty array of strings");
    QTest::newRow("crit has a number") << QJsonValue(QJsonArray{1}) << QStringLiteral("must be a non-empty array of strings");
}

void TestJose::criticalHeaderRejected()
{
    QFETCH(QJsonValue, crit);
    QFETCH(QString, expectedError);

    QString error;
    const QJsonObject header{{QStringLiteral("crit"), crit}};
    const QByteArray secret(32, 's');
    const std::optional<QByteArray> hmacToken = signCompactHmac(QStringLiteral("HS256"), secret, header, {}, &error);
    QVERIFY2(hmacToken.has_value(), qPrintable(error));
    const std::optional<CompactJws> hmacJws = CompactJws::parse(*hmacToken, &error);
    QVERIFY2(hmacJws.has_value(), qPrintable(error));
    QVERIFY(!hmacJws->verifyHmac(secret, &error));
    QVERIFY2(error.contains(expectedError), qPrintable(error));

    const std::optional<QByteArray> ecToken = signCompact(QStringLiteral("ES256"), m_p256, header, {}, &error);
    QVERIFY2(ecToken.has_value(), qPrintable(error));
    const std::optional<CompactJws> ecJws = CompactJws::parse(*ecToken, &error);
    QVERIFY2(ecJws.has_value(), qPrintable(error));
    QVERIFY(!ecJws->verify(m_p256, &error));
    QVERIFY2(error.contains(expectedError), qPrintable(error));

    // The signature itself is fine: only the header rule rejects the token.
    QVERIFY2(verifySignature(ecJws->alg(), m_p256, ecJws->signingInput, ecJws->signature, &error), qPrintable(error));
}

void TestJose::supportedAlgorithmList()
{
    const QStringList expected{QStringLiteral("RS256"), QStringLiteral("RS384"), QStringLiteral("RS512"),
                               QStringLiteral("PS256"), QStringLiteral("PS384"), QStringLiteral("PS512"),
                               QStringLiteral("ES256"), QStringLiteral("ES384"), QStringLiteral("ES512"),
                               QStringLiteral("EdDSA"), QStringLiteral("HS256"), QStringLiteral("HS384"),
                               QStringLiteral("HS512")};
    QCOMPARE(supportedAlgorithms(), expected);
    for (const QString &alg : expected)
        QVERIFY2(isSupportedAlgorithm(alg), qPrintable(alg));
    QVERIFY(!isSupportedAlgorithm(QStringLiteral("none")));
}

// --- Compact JWS parsing and token classification -----------------------------------------

void TestJose::compactParseErrors_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<qsizetype>("maxBytes");
    QTest::addColumn<QString>("expectedError");

    const QByteArray header = base64UrlEncode(R"({"alg":"RS256"})");
    const QByteArray payload = base64UrlEncode(R"({"sub":"alice"})");
    const qsizetype limit = 64 * 1024;

    QTest::newRow("empty") << QByteArray() << limit << QStringLiteral("The JWS is empty.");
    QTest::newRow("one part") << QByteArray("2YotnFZFEjr1zCsicMWpAA") << limit
                              << QStringLiteral("The JWS has 1 part, expected 3 separated by '.'. A token without any '.' "
                                                "is usually opaque, and only its issuer can read it.");
    QTest::newRow("two parts") << header + '.' + payload << limit
                               << QStringLiteral("The JWS has 2 parts separated by '.', expected 3.");
    QTest::newRow("four parts") << header + '.' + payload + ".c.d" << limit
                                << QStringLiteral("The JWS has 4 parts separated by '.', expected 3.");
    QTest::newRow("five parts (JWE)") << QByteArray("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..q1w2e3r4t5y6u7i8.Y2lwaGVy.dGFn")
                                      << limit
                                      << QStringLiteral("The JWS has 5 parts separated by '.', expected 3. Five parts mean a "
                                                        "JWE (an encrypted token), which cannot be read without the "
                                                        "decryption key.");
    const QByteArray wellFormed = header + '.' + payload + ".c2ln";
    QTest::newRow("over the size limit") << wellFormed << qsizetype(16)
                                         << QStringLiteral("The JWS is %1 bytes, larger than the limit of 16 bytes.")
                                                .arg(wellFormed.size());
    QTest::newRow("empty header") << '.' + payload + ".c2ln" << limit << QStringLiteral("The JWS header is empty.");
    QTest::newRow("header with invalid character") << "eyJ!" + ('.' + payload) + ".c2ln" << limit
                                                   << QStringLiteral("The JWS header is not valid base64url.");
    QTest::newRow("header with padding") << base64UrlEncode(R"({"alg":"RS256"} )") + "=." + payload + ".c2ln" << limit
                                         << QStringLiteral("The JWS header is not valid base64url.");
    QTest::newRow("header not JSON") << base64UrlEncode("alg=RS256") + '.' + payload + ".c2ln" << limit
                                     << QStringLiteral("The JWS header is not valid JSON");
    QTest::newRow("header truncated JSON") << base64UrlEncode(R"({"alg":"RS2)") + '.' + payload + ".c2ln" << limit
                                           << QStringLiteral("The JWS header is not valid JSON");
    QTest::newRow("header is an array") << base64UrlEncode(R"(["RS256"])") + '.' + payload + ".c2ln" << limit
                                        << QStringLiteral("The JWS header is a JSON array, but it must be a JSON object.");
    QTest::newRow("header without alg") << base64UrlEncode(R"({"typ":"JWT"})") + '.' + payload + ".c2ln" << limit
                                        << QStringLiteral("The JWS header has no \"alg\" member.");
    QTest::newRow("alg is a number") << base64UrlEncode(R"({"alg":256})") + '.' + payload + ".c2ln" << limit
                                     << QStringLiteral("The JWS header member \"alg\" must be a string.");
    QTest::newRow("payload with invalid character") << header + ".e30*.c2ln" << limit
                                                    << QStringLiteral("The JWS payload is not valid base64url.");
    QTest::newRow("payload of impossible length") << header + ".e30eA.c2ln" << limit
                                                  << QStringLiteral("The JWS payload is not valid base64url.");
    QTest::newRow("signature in standard base64") << header + '.' + payload + ".ab+/" << limit
                                                  << QStringLiteral("The JWS signature is not valid base64url.");
    QTest::newRow("signature with padding") << header + '.' + payload + ".c2k=" << limit
                                            << QStringLiteral("The JWS signature is not valid base64url.");
}

void TestJose::compactParseErrors()
{
    QFETCH(QByteArray, token);
    QFETCH(qsizetype, maxBytes);
    QFETCH(QString, expectedError);

    QString error;
    QVERIFY(!CompactJws::parse(token, &error, maxBytes).has_value());
    QVERIFY2(error.startsWith(expectedError), qPrintable(error));
}

void TestJose::compactParseDecodesParts()
{
    const QByteArray token = m_signatureExamples.at(0).toObject().value(QStringLiteral("compact")).toString().toLatin1();

    QString error;
    const std::optional<CompactJws> jws = CompactJws::parse(token, &error);
    QVERIFY2(jws.has_value(), qPrintable(error));
    QCOMPARE(jws->header, (QJsonObject{{QStringLiteral("alg"), QStringLiteral("RS256")}}));
    QCOMPARE(jws->alg(), QStringLiteral("RS256"));
    QCOMPARE(jws->kid(), QString());
    QCOMPARE(jws->payload, QByteArray("{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}"));
    QCOMPARE(jws->claims.value(QStringLiteral("iss")).toString(), QStringLiteral("joe"));
    QCOMPARE(jws->claims.value(QStringLiteral("exp")).toInteger(), qint64(1300819380));
    QCOMPARE(jws->claims.value(QStringLiteral("http://example.com/is_root")).toBool(), true);
    QCOMPARE(jws->signature.size(), 256);
    QCOMPARE(jws->signingInput, token.left(token.lastIndexOf('.')));

    // The size limit counts the whole token, and a token exactly at the limit is accepted.
    QVERIFY(CompactJws::parse(token, &error, token.size()).has_value());
    QVERIFY(!CompactJws::parse(token, &error, token.size() - 1).has_value());
    QCOMPARE(error, QStringLiteral("The JWS is %1 bytes, larger than the limit of %2 bytes.")
                        .arg(token.size())
                        .arg(token.size() - 1));
}

void TestJose::compactParseNonJsonPayload()
{
    // RFC 7520 signs a line of prose, not JSON: the payload is kept, and the claims stay empty.
    const QByteArray token = m_signatureExamples.at(3).toObject().value(QStringLiteral("compact")).toString().toLatin1();

    QString error;
    const std::optional<CompactJws> jws = CompactJws::parse(token, &error);
    QVERIFY2(jws.has_value(), qPrintable(error));
    QVERIFY(jws->payload.startsWith("It\xe2\x80\x99s a dangerous business, Frodo"));
    QVERIFY(jws->claims.isEmpty());
    QCOMPARE(jws->kid(), QStringLiteral("bilbo.baggins@hobbiton.example"));

    // A JSON payload that is not an object also leaves the claims empty.
    const std::optional<QByteArray> arraySignature =
        signHmac(QStringLiteral("HS256"), QByteArray(32, 's'), "eyJhbGciOiJIUzI1NiJ9.WzEsMl0", &error);
    QVERIFY2(arraySignature.has_value(), qPrintable(error));
    const std::optional<CompactJws> arrayJws =
        CompactJws::parse("eyJhbGciOiJIUzI1NiJ9.WzEsMl0." + base64UrlEncode(*arraySignature), &error);
    QVERIFY2(arrayJws.has_value(), qPrintable(error));
    QCOMPARE(arrayJws->payload, QByteArray("[1,2]"));
    QVERIFY(arrayJws->claims.isEmpty());
}

void TestJose::classifyTokenFormats_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<TokenFormat>("expected");

    QTest::newRow("RFC 7515 A.2 JWS") << m_signatureExamples.at(0).toObject().value(QStringLiteral("compact")).toString().toLatin1()
                                      << TokenFormat::Jws;
    QTest::newRow("unsecured JWS") << QByteArray("eyJhbGciOiJub25lIn0.e30.") << TokenFormat::Jws;
    QTest::newRow("JWE with empty key part") << QByteArray("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..q1w2e3r4t5y6u7i8.Y2lwaGVy.dGFn")
                                             << TokenFormat::Jwe;
    QTest::newRow("five parts without enc") << QByteArray("eyJhbGciOiJkaXIifQ..q1w2e3r4t5y6u7i8.Y2lwaGVy.dGFn")
                                            << TokenFormat::Opaque;
    QTest::newRow("RFC 6749 opaque token") << QByteArray("2YotnFZFEjr1zCsicMWpAA") << TokenFormat::Opaque;
    QTest::newRow("UUID") << QByteArray("550e8400-e29b-41d4-a716-446655440000") << TokenFormat::Opaque;
    QTest::newRow("empty") << QByteArray() << TokenFormat::Opaque;
    QTest::newRow("three parts, header not JSON") << QByteArray("abc.def.ghi") << TokenFormat::Opaque;
    QTest::newRow("three parts, header JSON array") << QByteArray("WzFd.e30.c2ln") << TokenFormat::Opaque;
    QTest::newRow("three parts, invalid characters") << QByteArray("eyJhbGciOiJub25lIn0.e30.a+b/") << TokenFormat::Opaque;
    QTest::newRow("two parts") << QByteArray("eyJhbGciOiJub25lIn0.e30") << TokenFormat::Opaque;
    QTest::newRow("JWS with trailing newline") << QByteArray("eyJhbGciOiJub25lIn0.e30.\n") << TokenFormat::Opaque;
}

void TestJose::classifyTokenFormats()
{
    QFETCH(QByteArray, token);
    QFETCH(TokenFormat, expected);

    QCOMPARE(afx::jose::classifyToken(token), expected);
}

// --- JWK and JWKS -------------------------------------------------------------------------

void TestJose::jwkImportErrors_data()
{
    QTest::addColumn<QJsonObject>("jwk");
    QTest::addColumn<QString>("expectedError");

    const QJsonObject rsa = withoutPrivateMembers(m_signatureExamples.at(0).toObject().value(QStringLiteral("jwk")).toObject());
    const QJsonObject ec = withoutPrivateMembers(m_signatureExamples.at(1).toObject().value(QStringLiteral("jwk")).toObject());
    const QJsonObject okp = withoutPrivateMembers(m_signatureExamples.at(5).toObject().value(QStringLiteral("jwk")).toObject());
    const auto with = [](QJsonObject jwk, const QString &name, const QJsonValue &value) {
        if (value.isUndefined())
            jwk.remove(name);
        else
            jwk.insert(name, value);
        return jwk;
    };

    QTest::newRow("kty missing") << with(rsa, QStringLiteral("kty"), QJsonValue::Undefined)
                                 << QStringLiteral("The JWK member \"kty\" is missing.");
    QTest::newRow("kty is a number") << with(rsa, QStringLiteral("kty"), 3)
                                     << QStringLiteral("The JWK member \"kty\" must be a string, but it is a number.");
    QTest::newRow("kty unknown") << with(rsa, QStringLiteral("kty"), QStringLiteral("DSA"))
                                 << QStringLiteral("The JWK key type \"DSA\" is not supported. Supported key types are "
                                                   "\"RSA\", \"EC\" and \"OKP\".");
    QTest::newRow("kty oct") << QJsonObject{{QStringLiteral("kty"), QStringLiteral("oct")}, {QStringLiteral("k"), QStringLiteral("c2VjcmV0")}}
                             << QStringLiteral("The JWK key type \"oct\" is a shared secret for HMAC, not a public key.");

    QTest::newRow("RSA n missing") << with(rsa, QStringLiteral("n"), QJsonValue::Undefined)
                                   << QStringLiteral("The JWK member \"n\" is missing.");
    QTest::newRow("RSA n is a number") << with(rsa, QStringLiteral("n"), 12345)
                                       << QStringLiteral("The JWK member \"n\" must be a string, but it is a number.");
    QTest::newRow("RSA n is an array") << with(rsa, QStringLiteral("n"), QJsonArray{QStringLiteral("AQAB")})
                                       << QStringLiteral("The JWK member \"n\" must be a string, but it is an array.");
    QTest::newRow("RSA n is null") << with(rsa, QStringLiteral("n"), QJsonValue::Null)
                                   << QStringLiteral("The JWK member \"n\" must be a string, but it is null.");
    QTest::newRow("RSA n empty") << with(rsa, QStringLiteral("n"), QString())
                                 << QStringLiteral("The JWK member \"n\" is empty.");
    QTest::newRow("RSA n standard base64") << with(rsa, QStringLiteral("n"), QStringLiteral("ofgW+LjybRlzo0/Z"))
                                           << QStringLiteral("The JWK member \"n\" is not valid base64url.");
    QTest::newRow("RSA n with padding") << with(rsa, QStringLiteral("n"), QStringLiteral("AQAB="))
                                        << QStringLiteral("The JWK member \"n\" is not valid base64url.");
    QTest::newRow("RSA n even") << with(rsa, QStringLiteral("n"), QString::fromLatin1(base64UrlEncode(QByteArray(256, '\x02'))))
                                << QStringLiteral("The JWK member \"n\" is not a valid RSA modulus because it is even.");
    QTest::newRow("RSA n too large") << with(rsa, QStringLiteral("n"), QString::fromLatin1(base64UrlEncode(QByteArray(2049, '\x03'))))
                                     << QStringLiteral("The JWK member \"n\" is a 16386-bit modulus, larger than the limit of "
                                                       "16384 bits.");
    QTest::newRow("RSA e missing") << with(rsa, QStringLiteral("e"), QJsonValue::Undefined)
                                   << QStringLiteral("The JWK member \"e\" is missing.");
    QTest::newRow("RSA e even") << with(rsa, QStringLiteral("e"), QStringLiteral("AQAA"))
                                << QStringLiteral("The JWK member \"e\" must be an odd number greater than 1.");
    QTest::newRow("RSA e is 1") << with(rsa, QStringLiteral("e"), QStringLiteral("AQ"))
                                << QStringLiteral("The JWK member \"e\" must be an odd number greater than 1.");
    QTest::newRow("RSA e too large") << with(rsa, QStringLiteral("e"), QString::fromLatin1(base64UrlEncode(QByteArray(9, '\x01'))))
                                     << QStringLiteral("The JWK member \"e\" is a 65-bit exponent, larger than the limit of 64 bits.");

    QTest::newRow("EC crv missing") << with(ec, QStringLiteral("crv"), QJsonValue::Undefined)
                                    << QStringLiteral("The JWK member \"crv\" is missing.");
    QTest::newRow("EC crv unknown") << with(ec, QStringLiteral("crv"), QStringLiteral("secp256k1"))
                                    << QStringLiteral("The JWK curve \"secp256k1\" is not supported for key type \"EC\". "
                                                      "Supported curves are \"P-256\", \"P-384\" and \"P-521\".");
    QTest::newRow("EC y missing") << with(ec, QStringLiteral("y"), QJsonValue::Undefined)
                                  << QStringLiteral("The JWK member \"y\" is missing.");
    QTest::newRow("EC x one byte short") << with(ec, QStringLiteral("x"), QString::fromLatin1(base64UrlEncode(QByteArray(31, '\x07'))))
                                         << QStringLiteral("The JWK member \"x\" is 31 bytes, but a P-256 coordinate is 32 bytes.");
    QTest::newRow("EC y is a boolean") << with(ec, QStringLiteral("y"), true)
                                       << QStringLiteral("The JWK member \"y\" must be a string, but it is a boolean.");
    QTest::newRow("EC point not on curve") << with(ec, QStringLiteral("y"), QString::fromLatin1(base64UrlEncode(QByteArray(32, '\x07'))))
                                           << QStringLiteral("The JWK point (\"x\", \"y\") is not on the curve P-256.");
    QTest::newRow("EC P-384 crv with P-256 point") << with(ec, QStringLiteral("crv"), QStringLiteral("P-384"))
                                                   << QStringLiteral("The JWK member \"x\" is 32 bytes, but a P-384 coordinate is 48 bytes.");

    QTest::newRow("OKP crv X25519") << with(okp, QStringLiteral("crv"), QStringLiteral("X25519"))
                                    << QStringLiteral("The JWK curve \"X25519\" is not supported for key type \"OKP\", only "
                                                      "\"Ed25519\" is.");
    QTest::newRow("OKP x missing") << with(okp, QStringLiteral("x"), QJsonValue::Undefined)
                                   << QStringLiteral("The JWK member \"x\" is missing.");
    QTest::newRow("OKP x too long") << with(okp, QStringLiteral("x"), QString::fromLatin1(base64UrlEncode(QByteArray(33, '\x07'))))
                                    << QStringLiteral("The JWK member \"x\" is 33 bytes, but an Ed25519 public key is 32 bytes.");
}

void TestJose::jwkImportErrors()
{
    QFETCH(QJsonObject, jwk);
    QFETCH(QString, expectedError);

    QString error;
    const Key key = Key::fromJwk(jwk, &error);
    QVERIFY(key.isNull());
    QCOMPARE(error, expectedError);
}

void TestJose::jwkExportRoundTrip_data()
{
    QTest::addColumn<int>("keyIndex"); // 0 = RSA 2048, 1 = P-256, 2 = P-384, 3 = P-521, 4 = Ed25519
    QTest::addColumn<QString>("kty");
    QTest::addColumn<QString>("curve");
    QTest::addColumn<QStringList>("members");

    QTest::newRow("RSA 2048") << 0 << QStringLiteral("RSA") << QString() << QStringList{QStringLiteral("e"), QStringLiteral("n")};
    QTest::newRow("EC P-256") << 1 << QStringLiteral("EC") << QStringLiteral("P-256")
                              << QStringList{QStringLiteral("crv"), QStringLiteral("x"), QStringLiteral("y")};
    QTest::newRow("EC P-384") << 2 << QStringLiteral("EC") << QStringLiteral("P-384")
                              << QStringList{QStringLiteral("crv"), QStringLiteral("x"), QStringLiteral("y")};
    QTest::newRow("EC P-521") << 3 << QStringLiteral("EC") << QStringLiteral("P-521")
                              << QStringList{QStringLiteral("crv"), QStringLiteral("x"), QStringLiteral("y")};
    QTest::newRow("OKP Ed25519") << 4 << QStringLiteral("OKP") << QStringLiteral("Ed25519")
                                 << QStringList{QStringLiteral("crv"), QStringLiteral("x")};
}

void TestJose::jwkExportRoundTrip()
{
    QFETCH(int, keyIndex);
    QFETCH(QString, kty);
    QFETCH(QString, curve);
    QFETCH(QStringList, members);
    const Key key = QList<Key>{m_rsa2048, m_p256, m_p384, m_p521, m_ed25519}.at(keyIndex);

    QCOMPARE(key.kty(), kty);
    QCOMPARE(key.curve(), curve);

    const QJsonObject jwk = key.toPublicJwk(QStringLiteral("key-1"), QStringLiteral("ALG"));
    QCOMPARE(jwk.value(QStringLiteral("kty")).toString(), kty);
    QCOMPARE(jwk.value(QStringLiteral("kid")).toString(), QStringLiteral("key-1"));
    QCOMPARE(jwk.value(QStringLiteral("alg")).toString(), QStringLiteral("ALG"));
    QCOMPARE(jwk.value(QStringLiteral("use")).toString(), QStringLiteral("sig"));
    for (const QString &member : members)
        QVERIFY2(jwk.contains(member), qPrintable(member));
    QVERIFY(!jwk.contains(QStringLiteral("d")));
    QCOMPARE(jwk.size(), members.size() + 4);

    const QJsonObject bare = key.toPublicJwk({}, {}, {});
    QCOMPARE(bare.size(), members.size() + 1);

    QString error;
    const Key imported = Key::fromJwk(jwk, &error);
    QVERIFY2(!imported.isNull(), qPrintable(error));
    QVERIFY(!imported.hasPrivate());
    QCOMPARE(imported.kty(), kty);
    QCOMPARE(imported.curve(), curve);
    QCOMPARE(imported.bits(), key.bits());
    QCOMPARE(imported.toPublicJwk({}, {}, {}), bare);
    QCOMPARE(imported.thumbprint(), key.thumbprint());
}

void TestJose::jwkExportKeepsLeadingZeros()
{
    // The RFC 7520 P-521 key has an x coordinate that starts with a zero byte. Export must pad
    // it back to the full 66 bytes, as RFC 7518 section 6.2.1.2 requires.
    const QJsonObject jwk = withoutPrivateMembers(m_signatureExamples.at(4).toObject().value(QStringLiteral("jwk")).toObject());
    QVERIFY(decoded(jwk.value(QStringLiteral("x")).toString().toLatin1()).startsWith('\0'));

    QString error;
    const Key key = Key::fromJwk(jwk, &error);
    QVERIFY2(!key.isNull(), qPrintable(error));
    const QJsonObject exported = key.toPublicJwk();
    QCOMPARE(exported.value(QStringLiteral("x")), jwk.value(QStringLiteral("x")));
    QCOMPARE(exported.value(QStringLiteral("y")), jwk.value(QStringLiteral("y")));
    QCOMPARE(key.bits(), 521);
}

void TestJose::privateJwkImportErrors_data()
{
    QTest::addColumn<QJsonObject>("jwk");
    QTest::addColumn<QString>("expectedError");

    const QJsonObject rsa = m_signatureExamples.at(0).toObject().value(QStringLiteral("jwk")).toObject();
    const QJsonObject otherRsa = m_signatureExamples.at(3).toObject().value(QStringLiteral("jwk")).toObject();
    const QJsonObject ec = m_signatureExamples.at(1).toObject().value(QStringLiteral("jwk")).toObject();
    const QJsonObject okp = m_signatureExamples.at(5).toObject().value(QStringLiteral("jwk")).toObject();

    QJsonObject rsaWithoutDq = rsa;
    rsaWithoutDq.remove(QStringLiteral("dq"));
    QTest::newRow("RSA CRT member missing") << rsaWithoutDq
                                            << QStringLiteral("The JWK member \"dq\" is missing, but other private RSA members "
                                                              "(p, q, dp, qi) are present. Give all of \"p\", \"q\", \"dp\", "
                                                              "\"dq\" and \"qi\", or none.");
    QJsonObject rsaWithOtherPrimes = rsa;
    rsaWithOtherPrimes.insert(QStringLiteral("p"), otherRsa.value(QStringLiteral("p")));
    QTest::newRow("RSA primes of another key") << rsaWithOtherPrimes
                                               << QStringLiteral("The private RSA members of the JWK do not belong to the "
                                                                 "public key (\"n\", \"e\").");
    QJsonObject rsaWithoutD = withoutPrivateMembers(rsa);
    QTest::newRow("RSA d missing") << rsaWithoutD << QStringLiteral("The JWK member \"d\" is missing.");
    QJsonObject rsaWithOth = rsa;
    rsaWithOth.insert(QStringLiteral("oth"), QJsonArray());
    QTest::newRow("RSA multi-prime") << rsaWithOth
                                     << QStringLiteral("The JWK member \"oth\" (an RSA key with more than two primes) is not "
                                                       "supported.");

    QJsonObject ecWithOtherD = ec;
    ecWithOtherD.insert(QStringLiteral("d"), QString::fromLatin1(base64UrlEncode(QByteArray(32, '\x05'))));
    QTest::newRow("EC d of another key") << ecWithOtherD
                                         << QStringLiteral("The JWK member \"d\" does not belong to the public key (\"x\", \"y\").");
    QJsonObject ecShortD = ec;
    ecShortD.insert(QStringLiteral("d"), QString::fromLatin1(base64UrlEncode(QByteArray(31, '\x05'))));
    QTest::newRow("EC d too short") << ecShortD
                                    << QStringLiteral("The JWK member \"d\" is 31 bytes, but a P-256 private key is 32 bytes.");

    QJsonObject okpWithOtherD = okp;
    okpWithOtherD.insert(QStringLiteral("d"), QString::fromLatin1(base64UrlEncode(QByteArray(32, '\x05'))));
    QTest::newRow("OKP d of another key") << okpWithOtherD
                                          << QStringLiteral("The JWK member \"d\" does not belong to the public key \"x\".");
    QJsonObject okpBadD = okp;
    okpBadD.insert(QStringLiteral("d"), QStringLiteral("not base64url!"));
    QTest::newRow("OKP d not base64url") << okpBadD << QStringLiteral("The JWK member \"d\" is not valid base64url.");
}

void TestJose::privateJwkImportErrors()
{
    QFETCH(QJsonObject, jwk);
    QFETCH(QString, expectedError);

    QString error;
    const Key key = Key::fromPrivateJwk(jwk, &error);
    QVERIFY(key.isNull());
    QCOMPARE(error, expectedError);
}

// RFC 7518 section 6.3.2 lets a private RSA JWK omit all CRT members. Signing then uses "d"
// directly and must still produce the RFC 7515 A.2 signature.
void TestJose::privateRsaJwkWithoutCrtMembers()
{
    const QJsonObject example = m_signatureExamples.at(0).toObject();
    QJsonObject jwk = example.value(QStringLiteral("jwk")).toObject();
    for (const char *name : {"p", "q", "dp", "dq", "qi"})
        jwk.remove(QLatin1String(name));

    QString error;
    const Key key = Key::fromPrivateJwk(jwk, &error);
    QVERIFY2(!key.isNull(), qPrintable(error));
    QVERIFY(key.hasPrivate());

    const QByteArray token = example.value(QStringLiteral("compact")).toString().toLatin1();
    const std::optional<CompactJws> jws = CompactJws::parse(token, &error);
    QVERIFY2(jws.has_value(), qPrintable(error));
    const std::optional<QByteArray> signature = sign(QStringLiteral("RS256"), key, jws->signingInput, &error);
    QVERIFY2(signature.has_value(), qPrintable(error));
    QCOMPARE(*signature, jws->signature);

    // PKCS #8 needs the primes, so such a key has no PEM form.
    QVERIFY(key.toPrivatePem().isEmpty());
}

void TestJose::thumbprintMatchesRfc7638()
{
    // The example key of RFC 7638 section 3.1 and its thumbprint.
    const QJsonObject jwk{
        {QStringLiteral("kty"), QStringLiteral("RSA")},
        {QStringLiteral("n"), QStringLiteral(
             "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknj"
             "hMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQ"
             "vRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzK"
             "nqDKgw")},
        {QStringLiteral("e"), QStringLiteral("AQAB")},
        {QStringLiteral("alg"), QStringLiteral("RS256")},
        {QStringLiteral("kid"), QStringLiteral("2011-04-29")},
    };

    QString error;
    const Key key = Key::fromJwk(jwk, &error);
    QVERIFY2(!key.isNull(), qPrintable(error));
    QCOMPARE(key.thumbprint(), QByteArray("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"));
    QVERIFY(Key().thumbprint().isEmpty());
}

void TestJose::keyGeneration()
{
    QCOMPARE(m_rsa2048.kty(), QStringLiteral("RSA"));
    QCOMPARE(m_rsa2048.bits(), 2048);
    QCOMPARE(m_rsa2048.curve(), QString());
    QCOMPARE(m_p384.kty(), QStringLiteral("EC"));
    QCOMPARE(m_p384.curve(), QStringLiteral("P-384"));
    QCOMPARE(m_p384.bits(), 384);
    QCOMPARE(m_ed25519.kty(), QStringLiteral("OKP"));
    QCOMPARE(m_ed25519.curve(), QStringLiteral("Ed25519"));

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Cannot generate an EC key on curve")));
    QVERIFY(Key::generateEc(QStringLiteral("P-192")).isNull());
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Cannot generate an RSA key of 100 bits")));
    QVERIFY(Key::generateRsa(100).isNull());

    const Key null;
    QVERIFY(null.isNull());
    QVERIFY(!null.hasPrivate());
    QCOMPARE(null.kty(), QString());
    QCOMPARE(null.curve(), QString());
    QCOMPARE(null.bits(), 0);
    QVERIFY(null.toPublicJwk().isEmpty());
    QVERIFY(Key::adopt(nullptr, true).isNull());
}

void TestJose::jwksKeepsUsableKeys()
{
    const QJsonObject rsa = withoutPrivateMembers(m_signatureExamples.at(0).toObject().value(QStringLiteral("jwk")).toObject());
    const QJsonObject ec = withoutPrivateMembers(m_signatureExamples.at(1).toObject().value(QStringLiteral("jwk")).toObject());

    QJsonObject goodRsa = rsa;
    goodRsa.insert(QStringLiteral("kid"), QStringLiteral("2010-12-29"));
    goodRsa.insert(QStringLiteral("use"), QStringLiteral("sig"));
    goodRsa.insert(QStringLiteral("alg"), QStringLiteral("RS256"));
    goodRsa.insert(QStringLiteral("key_ops"), QJsonArray{QStringLiteral("verify")});
    goodRsa.insert(QStringLiteral("x5c"), QJsonArray{QStringLiteral("MIIB")});
    QJsonObject brokenRsa = rsa;
    brokenRsa.remove(QStringLiteral("n"));
    brokenRsa.insert(QStringLiteral("kid"), QStringLiteral("broken"));
    QJsonObject goodEc = ec;
    goodEc.insert(QStringLiteral("kid"), QStringLiteral("e9bc097a-ce51-4036-9562-d2ade882db0d"));
    QJsonObject badUse = ec;
    badUse.insert(QStringLiteral("use"), 5);
    QJsonObject badKeyOps = ec;
    badKeyOps.insert(QStringLiteral("key_ops"), QJsonArray{QStringLiteral("verify"), 7});

    const QJsonObject document{{QStringLiteral("keys"), QJsonArray{
        brokenRsa,
        goodRsa,
        QJsonObject{{QStringLiteral("kty"), QStringLiteral("oct")}, {QStringLiteral("k"), QStringLiteral("c2VjcmV0")}},
        42,
        QJsonObject{{QStringLiteral("kty"), QStringLiteral("PQC")}, {QStringLiteral("kid"), QStringLiteral("future")}},
        goodEc,
        badUse,
        badKeyOps,
    }}};

    Jwks jwks;
    QString error;
    QVERIFY2(Jwks::parse(QJsonDocument(document).toJson(), &jwks, &error), qPrintable(error));

    QCOMPARE(jwks.keys.size(), 2);
    const Jwk &first = jwks.keys.at(0);
    QCOMPARE(first.kid, QStringLiteral("2010-12-29"));
    QCOMPARE(first.kty, QStringLiteral("RSA"));
    QCOMPARE(first.alg, QStringLiteral("RS256"));
    QCOMPARE(first.use, QStringLiteral("sig"));
    QCOMPARE(first.keyOps, QStringList{QStringLiteral("verify")});
    QCOMPARE(first.x5c, QStringList{QStringLiteral("MIIB")});
    QCOMPARE(first.json, goodRsa);
    QCOMPARE(first.key.kty(), QStringLiteral("RSA"));
    const Jwk &second = jwks.keys.at(1);
    QCOMPARE(second.kid, QStringLiteral("e9bc097a-ce51-4036-9562-d2ade882db0d"));
    QCOMPARE(second.crv, QStringLiteral("P-256"));
    QCOMPARE(second.key.curve(), QStringLiteral("P-256"));

    const QStringList expectedSkipped{
        QStringLiteral("Key 0 (kid \"broken\") was skipped. The JWK member \"n\" is missing."),
        QStringLiteral("Key 2 was skipped. The JWK key type \"oct\" is a shared secret for HMAC, not a public key."),
        QStringLiteral("Key 3 was skipped because it is a number, not a JSON object."),
        QStringLiteral("Key 4 (kid \"future\") was skipped. The JWK key type \"PQC\" is not supported. Supported key "
                       "types are \"RSA\", \"EC\" and \"OKP\"."),
        QStringLiteral("Key 6 was skipped. The JWK member \"use\" must be a string, but it is a number."),
        QStringLiteral("Key 7 was skipped. The JWK member \"key_ops\" must be an array of strings, but it contains a "
                       "number."),
    };
    QCOMPARE(jwks.skipped, expectedSkipped);

    // The kept RSA key verifies the RFC 7515 A.2 example.
    const QByteArray token = m_signatureExamples.at(0).toObject().value(QStringLiteral("compact")).toString().toLatin1();
    const std::optional<CompactJws> jws = CompactJws::parse(token, &error);
    QVERIFY2(jws.has_value(), qPrintable(error));
    QVERIFY2(jws->verify(first.key, &error), qPrintable(error));
}

void TestJose::jwksDocumentErrors_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<qsizetype>("maxBytes");
    QTest::addColumn<QString>("expectedError");

    const qsizetype limit = 512 * 1024;
    QTest::newRow("empty document") << QByteArray() << limit << QStringLiteral("The JWKS document is not valid JSON");
    QTest::newRow("HTML error page") << QByteArray("<html><body>502 Bad Gateway</body></html>") << limit
                                     << QStringLiteral("The JWKS document is not valid JSON");
    QTest::newRow("truncated JSON") << QByteArray(R"({"keys":[{"kty":"RSA")") << limit
                                    << QStringLiteral("The JWKS document is not valid JSON");
    QTest::newRow("top-level array") << QByteArray(R"([{"kty":"RSA"}])") << limit
                                     << QStringLiteral("The JWKS document is a JSON array, but a JWK Set must be a JSON "
                                                       "object with a \"keys\" array.");
    QTest::newRow("single JWK instead of a set") << QByteArray(R"({"kty":"RSA","n":"AQAB","e":"AQAB"})") << limit
                                                 << QStringLiteral("The JWKS document has no \"keys\" member.");
    QTest::newRow("keys is an object") << QByteArray(R"({"keys":{"kty":"RSA"}})") << limit
                                       << QStringLiteral("The JWKS member \"keys\" must be an array, but it is an object.");
    QTest::newRow("keys is a string") << QByteArray(R"({"keys":"none"})") << limit
                                      << QStringLiteral("The JWKS member \"keys\" must be an array, but it is a string.");
    QTest::newRow("over the size limit") << QByteArray(R"({"keys":[]})") << qsizetype(10)
                                         << QStringLiteral("The JWKS document is 11 bytes; the limit is 10 bytes.");
    const QByteArray huge = R"({"keys":[],"padding":")" + QByteArray(600 * 1024, 'x') + "\"}";
    QTest::newRow("over the default limit") << huge << limit
                                            << QStringLiteral("The JWKS document is %1 bytes (600.0 KiB); the limit is "
                                                              "524288 bytes (512 KiB).")
                                                   .arg(huge.size());
    // Deep nesting makes a recursive parser run out of stack. Qt's parser rejects it instead.
    QTest::newRow("deeply nested arrays") << QByteArray(100 * 1024, '[') << limit
                                          << QStringLiteral("The JWKS document is not valid JSON");
    QTest::newRow("UTF-16 encoded") << QByteArray("{\0\"\0k\0e\0y\0s\0\"\0:\0[\0]\0}\0", 22) << limit
                                    << QStringLiteral("The JWKS document is not valid JSON");
}

void TestJose::jwksDocumentErrors()
{
    QFETCH(QByteArray, document);
    QFETCH(qsizetype, maxBytes);
    QFETCH(QString, expectedError);

    Jwks jwks;
    jwks.skipped.append(QStringLiteral("left from before"));
    QString error;
    QVERIFY(!Jwks::parse(document, &jwks, &error, maxBytes));
    QVERIFY2(error.startsWith(expectedError), qPrintable(error));
    QCOMPARE(jwks.skipped, QStringList{QStringLiteral("left from before")}); // untouched on failure
}

void TestJose::jwksSizeLimit()
{
    QCOMPARE(Jwks::maxDocumentBytes, qsizetype(512 * 1024));

    // Trailing whitespace is valid JSON, so the padding changes only the size.
    QByteArray document = R"({"keys":[]})";
    document.append(QByteArray(Jwks::maxDocumentBytes - document.size(), ' '));
    QCOMPARE(document.size(), Jwks::maxDocumentBytes);

    Jwks jwks;
    QString error;
    QVERIFY2(Jwks::parse(document, &jwks, &error), qPrintable(error));
    QVERIFY(jwks.keys.isEmpty());

    document.append(' ');
    QVERIFY(!Jwks::parse(document, &jwks, &error));
    QCOMPARE(error, QStringLiteral("The JWKS document is 524289 bytes (512.0 KiB); the limit is 524288 bytes "
                                   "(512 KiB). A JWK Set of a few keys takes a few KiB, so check that the jwks_uri "
                                   "points to the provider's keys."));
}

void TestJose::jwksEmptyKeyArray()
{
    Jwks jwks;
    QString error;
    QVERIFY2(Jwks::parse(R"({"keys":[]})", &jwks, &error), qPrintable(error));
    QVERIFY(jwks.keys.isEmpty());
    QVERIFY(jwks.skipped.isEmpty());
}

// --- OpenID Connect hash claims -----------------------------------------------------------

void TestJose::halfHashValues_data()
{
    QTest::addColumn<QString>("alg");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("expected");

    // OpenID Connect Core 1.0 appendix A.3 (at_hash) and A.4 (c_hash), both RS256.
    QTest::newRow("OIDC A.3 at_hash") << QStringLiteral("RS256") << QByteArray("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y")
                                      << QByteArray("77QmUPtjPfzWtF2AnpK9RQ");
    QTest::newRow("OIDC A.4 c_hash") << QStringLiteral("RS256")
                                     << QByteArray("Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk")
                                     << QByteArray("LDktKdoQak3Pk0cnXxCltA");

    // The other algorithms, checked against the left half of an independently computed digest.
    const QByteArray token("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y");
    const auto leftHalf = [&token](QCryptographicHash::Algorithm algorithm) {
        const QByteArray digest = QCryptographicHash::hash(token, algorithm);
        return digest.left(digest.size() / 2).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    };
    QTest::newRow("ES256") << QStringLiteral("ES256") << token << leftHalf(QCryptographicHash::Sha256);
    QTest::newRow("HS256") << QStringLiteral("HS256") << token << leftHalf(QCryptographicHash::Sha256);
    QTest::newRow("PS384") << QStringLiteral("PS384") << token << leftHalf(QCryptographicHash::Sha384);
    QTest::newRow("RS512") << QStringLiteral("RS512") << token << leftHalf(QCryptographicHash::Sha512);
    QTest::newRow("ES512") << QStringLiteral("ES512") << token << leftHalf(QCryptographicHash::Sha512);
    QTest::newRow("EdDSA uses SHA-512") << QStringLiteral("EdDSA") << token << leftHalf(QCryptographicHash::Sha512);
    QTest::newRow("unknown algorithm") << QStringLiteral("XS256") << token << QByteArray();
    QTest::newRow("none") << QStringLiteral("none") << token << QByteArray();
}

void TestJose::halfHashValues()
{
    QFETCH(QString, alg);
    QFETCH(QByteArray, value);
    QFETCH(QByteArray, expected);

    QCOMPARE(afx::jose::halfHash(alg, value), expected);
}

// Runs failing and succeeding operations on secrets with debug logging on, and checks that no
// log line contains the secret, the private key or the token.
void TestJose::noSecretsInLogs()
{
    const QByteArray secret("correct-horse-battery-staple-0123456789");
    const QJsonObject privateJwk = m_signatureExamples.at(1).toObject().value(QStringLiteral("jwk")).toObject();
    const QString privateMember = privateJwk.value(QStringLiteral("d")).toString();
    QString error;
    const std::optional<QByteArray> token =
        signCompactHmac(QStringLiteral("HS256"), secret, {}, {{QStringLiteral("sub"), QStringLiteral("alice")}}, &error);
    QVERIFY(token.has_value());

    {
        LogCapture capture;
        const std::optional<CompactJws> jws = CompactJws::parse(*token, &error);
        QVERIFY(jws.has_value());
        QVERIFY(jws->verifyHmac(secret, &error));
        QVERIFY(!jws->verifyHmac(secret + "x", &error));
        QVERIFY(!verifySignature(QStringLiteral("HS256"), m_rsa2048, jws->signingInput, jws->signature, &error));

        QJsonObject wrongPrivate = privateJwk;
        wrongPrivate.insert(QStringLiteral("d"), QString::fromLatin1(base64UrlEncode(secret.left(32))));
        QVERIFY(Key::fromPrivateJwk(wrongPrivate, &error).isNull());
        QVERIFY(!Key::fromPrivateJwk(privateJwk, &error).isNull());

        const QString logged = LogCapture::allMessages();
        QVERIFY(!logged.contains(QString::fromLatin1(secret)));
        QVERIFY(!logged.contains(QString::fromLatin1(base64UrlEncode(secret.left(32)))));
        QVERIFY(!logged.contains(privateMember));
        QVERIFY(!logged.contains(QString::fromLatin1(token->split('.').at(2))));
    }

    // Error messages are shown to users and stored in traces, so they must not hold secrets either.
    QVERIFY(!error.contains(privateMember));
}

// Failed checks must not leave entries in OpenSSL's thread-local error queue, where they would
// show up in the next, unrelated OpenSSL error. This must hold with debug logging off, too.
void TestJose::openSslErrorQueueEmptied()
{
    QLoggingCategory::setFilterRules(QStringLiteral("afx.jose.debug=false"));
    ERR_clear_error();
    QString error;

    QVERIFY(!verifySignature(QStringLiteral("RS256"), m_rsa2048, "a.b", QByteArray(256, '\x01'), &error));
    QCOMPARE(ERR_peek_error(), 0UL);
    QVERIFY(!verifySignature(QStringLiteral("ES256"), m_p256, "a.b", QByteArray(64, '\0'), &error));
    QCOMPARE(ERR_peek_error(), 0UL);

    QJsonObject ecWithOtherD = m_signatureExamples.at(1).toObject().value(QStringLiteral("jwk")).toObject();
    ecWithOtherD.insert(QStringLiteral("d"), QString::fromLatin1(base64UrlEncode(QByteArray(32, '\x05'))));
    QVERIFY(Key::fromPrivateJwk(ecWithOtherD, &error).isNull());
    QCOMPARE(ERR_peek_error(), 0UL);

    QJsonObject offCurve = withoutPrivateMembers(ecWithOtherD);
    offCurve.insert(QStringLiteral("y"), QString::fromLatin1(base64UrlEncode(QByteArray(32, '\x07'))));
    QVERIFY(Key::fromJwk(offCurve, &error).isNull());
    QCOMPARE(ERR_peek_error(), 0UL);

    QLoggingCategory::setFilterRules(QString());
}

QTEST_GUILESS_MAIN(TestJose)
#include "tst_jose.moc"
