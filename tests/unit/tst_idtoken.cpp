// ID token validation (OpenID Connect Core 1.0, section 3.1.3.7) with real keys and tokens
// signed by the jose layer. Every test uses an injected clock.

#include "jose/base64url.h"
#include "jose/jws.h"
#include "jose/key.h"
#include "oidc/idtokenvalidator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>

using namespace afx;
using namespace afx::oidc;
using Status = Check::Status;

Q_DECLARE_METATYPE(afx::oidc::Check::Status)

namespace {

const qint64 nowSeconds = 1700000000;
const QString clientId = QStringLiteral("explorer-test");
const QString issuer = QStringLiteral("https://idp.example.com");
const QByteArray nonce = "n-0S6_WzA2Mj";
const QString clientSecret = QStringLiteral("a-client-secret-of-at-least-32-bytes-for-HS256");

const QStringList checkOrder{
    QStringLiteral("check-format"),     QStringLiteral("check-algorithm"), QStringLiteral("check-key"),
    QStringLiteral("check-signature"),  QStringLiteral("check-issuer"),    QStringLiteral("check-subject"),
    QStringLiteral("check-audience"),   QStringLiteral("check-azp"),       QStringLiteral("check-expiry"),
    QStringLiteral("check-issued-at"),  QStringLiteral("check-not-before"), QStringLiteral("check-nonce"),
    QStringLiteral("check-at-hash"),    QStringLiteral("check-c-hash"),
};

QJsonObject baseClaims()
{
    return QJsonObject{
        {QStringLiteral("iss"), issuer},
        {QStringLiteral("aud"), clientId},
        {QStringLiteral("sub"), QStringLiteral("u1")},
        {QStringLiteral("iat"), double(nowSeconds - 10)},
        {QStringLiteral("exp"), double(nowSeconds + 3600)},
        {QStringLiteral("nonce"), QString::fromLatin1(nonce)},
    };
}

IdTokenExpectations baseExpectations()
{
    IdTokenExpectations expect;
    expect.issuer = issuer;
    expect.clientId = clientId;
    expect.allowedAlgorithms = QStringList{QStringLiteral("RS256"), QStringLiteral("ES256"), QStringLiteral("PS256"),
                                           QStringLiteral("EdDSA"), QStringLiteral("HS256")};
    expect.nonce = nonce;
    expect.clientSecret = clientSecret;
    expect.leewaySeconds = 60;
    expect.now = QDateTime::fromSecsSinceEpoch(nowSeconds, QTimeZone::utc());
    return expect;
}

QList<jose::Jwk> parseJwks(const QJsonArray &keys)
{
    jose::Jwks jwks;
    QString error;
    if (!jose::Jwks::parse(QJsonDocument(QJsonObject{{QStringLiteral("keys"), keys}}).toJson(), &jwks, &error))
        qWarning("JWKS could not be parsed: %s", qPrintable(error));
    for (const QString &skipped : std::as_const(jwks.skipped))
        qWarning("JWKS key skipped: %s", qPrintable(skipped));
    return jwks.keys;
}

QJsonObject withKid(const QString &kid)
{
    return kid.isEmpty() ? QJsonObject{} : QJsonObject{{QStringLiteral("kid"), kid}};
}

QByteArray signToken(const QString &alg, const jose::Key &key, const QJsonObject &claims, const QJsonObject &header)
{
    QString error;
    const std::optional<QByteArray> token = jose::signCompact(alg, key, header, claims, &error);
    if (!token)
        qWarning("signing failed: %s", qPrintable(error));
    return token.value_or(QByteArray());
}

QByteArray signHmacToken(const QJsonObject &claims, const QString &secret = clientSecret)
{
    QString error;
    const std::optional<QByteArray> token =
        jose::signCompactHmac(QStringLiteral("HS256"), secret.toUtf8(), QJsonObject{}, claims, &error);
    if (!token)
        qWarning("signing failed: %s", qPrintable(error));
    return token.value_or(QByteArray());
}

QByteArray encodeJson(const QJsonObject &object)
{
    return jose::base64UrlEncode(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// Replaces the signature part of a compact JWS.
QByteArray withSignature(const QByteArray &token, const QByteArray &signature)
{
    return token.left(token.lastIndexOf('.') + 1) + jose::base64UrlEncode(signature);
}

QByteArray signatureOf(const QByteArray &token)
{
    return jose::base64UrlDecode(token.mid(token.lastIndexOf('.') + 1)).value_or(QByteArray());
}

// Converts a raw R||S ECDSA signature into the ASN.1 DER form some libraries wrongly put in JWS.
QByteArray rawToDer(const QByteArray &raw)
{
    const int half = int(raw.size() / 2);
    ECDSA_SIG *signature = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(reinterpret_cast<const unsigned char *>(raw.constData()), half, nullptr);
    BIGNUM *s = BN_bin2bn(reinterpret_cast<const unsigned char *>(raw.constData()) + half, half, nullptr);
    ECDSA_SIG_set0(signature, r, s);
    const int length = i2d_ECDSA_SIG(signature, nullptr);
    QByteArray der(length, Qt::Uninitialized);
    auto *out = reinterpret_cast<unsigned char *>(der.data());
    i2d_ECDSA_SIG(signature, &out);
    ECDSA_SIG_free(signature);
    return der;
}

const Check *findCheck(const IdTokenValidation &validation, const QString &id)
{
    for (const Check &check : validation.checks) {
        if (check.id == id)
            return &check;
    }
    return nullptr;
}

QByteArray describe(const IdTokenValidation &validation)
{
    QStringList lines;
    for (const Check &check : validation.checks)
        lines.append(QStringLiteral("%1 %2: %3").arg(check.id, checkStatusName(check.status), check.reason));
    return lines.join(QLatin1Char('\n')).toUtf8();
}

QStringList idsOf(const IdTokenValidation &validation)
{
    QStringList ids;
    for (const Check &check : validation.checks)
        ids.append(check.id);
    return ids;
}

} // namespace

// Compares one check's status and checks that its reason contains `reasonPart`.
#define AFX_COMPARE_CHECK(validation, id, expectedStatus, reasonPart)                                              \
    do {                                                                                                           \
        const Check *found = findCheck(validation, id);                                                            \
        QVERIFY2(found, qPrintable(QStringLiteral("no check named ") + (id)));                                   \
        QVERIFY2(found->status == (expectedStatus), describe(validation).constData());                            \
        QVERIFY2(found->reason.contains(reasonPart, Qt::CaseInsensitive),                                         \
                 qPrintable(QStringLiteral("reason of %1 lacks \"%2\": %3").arg(id, reasonPart, found->reason)));  \
    } while (false)

class TestIdToken : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void validTokenPasses_data();
    void validTokenPasses();
    void checksRunInDocumentedOrder();
    void malformedTokenRejected_data();
    void malformedTokenRejected();
    void algNoneRejected();
    void algorithmNotAllowed();
    void emptyAllowListAcceptsSupported();
    void algorithmNotAdvertised();
    void unknownKidThenRefreshedJwks();
    void noKidWithOneSuitableKey();
    void noKidWithSeveralSuitableKeys();
    void noKidWithoutSuitableKey();
    void keySuitability_data();
    void keySuitability();
    void emptyJwksRejected();
    void signatureFromOtherKeyRejected();
    void tamperedPayloadRejected();
    void derSignatureRejected();
    void truncatedEcdsaSignatureRejected();
    void hmacNeedsClientSecret();
    void hmacWrongSecretRejected();
    void claimChecks_data();
    void claimChecks();
    void issuerTrailingSlashNamed_data();
    void issuerTrailingSlashNamed();
    void nonceNotSentSkipped();
    void halfHashChecks_data();
    void halfHashChecks();
    void halfHashValues();
    void firstFailureIsEarliest();
    void statusNames();

private:
    jose::Key m_rsa;
    jose::Key m_rsaOther;
    jose::Key m_ec;
    jose::Key m_ec384;
    jose::Key m_ed;
    QList<jose::Jwk> m_jwks;
};

void TestIdToken::initTestCase()
{
    m_rsa = jose::Key::generateRsa(2048);
    m_rsaOther = jose::Key::generateRsa(2048);
    m_ec = jose::Key::generateEc(QStringLiteral("P-256"));
    m_ec384 = jose::Key::generateEc(QStringLiteral("P-384"));
    m_ed = jose::Key::generateEd25519();
    QVERIFY(!m_rsa.isNull() && !m_rsaOther.isNull() && !m_ec.isNull() && !m_ec384.isNull() && !m_ed.isNull());

    m_jwks = parseJwks(QJsonArray{
        m_rsa.toPublicJwk(QStringLiteral("rsa-1"), QStringLiteral("RS256")),
        m_rsa.toPublicJwk(QStringLiteral("rsa-ps"), QStringLiteral("PS256")),
        m_ec.toPublicJwk(QStringLiteral("ec-1"), QStringLiteral("ES256")),
        m_ed.toPublicJwk(QStringLiteral("ed-1"), QStringLiteral("EdDSA")),
        m_ec384.toPublicJwk(QStringLiteral("ec-384"), QStringLiteral("ES384")),
    });
    QCOMPARE(m_jwks.size(), 5);
}

void TestIdToken::validTokenPasses_data()
{
    QTest::addColumn<QString>("alg");
    QTest::addColumn<QString>("kid");

    QTest::newRow("RS256") << QStringLiteral("RS256") << QStringLiteral("rsa-1");
    QTest::newRow("ES256") << QStringLiteral("ES256") << QStringLiteral("ec-1");
    QTest::newRow("PS256") << QStringLiteral("PS256") << QStringLiteral("rsa-ps");
    QTest::newRow("EdDSA") << QStringLiteral("EdDSA") << QStringLiteral("ed-1");
    QTest::newRow("HS256 with client secret") << QStringLiteral("HS256") << QString();
}

void TestIdToken::validTokenPasses()
{
    QFETCH(QString, alg);
    QFETCH(QString, kid);

    QByteArray token;
    if (alg == QLatin1String("HS256"))
        token = signHmacToken(baseClaims());
    else if (alg == QLatin1String("ES256"))
        token = signToken(alg, m_ec, baseClaims(), withKid(kid));
    else if (alg == QLatin1String("EdDSA"))
        token = signToken(alg, m_ed, baseClaims(), withKid(kid));
    else
        token = signToken(alg, m_rsa, baseClaims(), withKid(kid));
    QVERIFY(!token.isEmpty());

    const IdTokenValidation validation = validateIdToken(token, m_jwks, baseExpectations());
    QVERIFY2(validation.passed(), describe(validation).constData());
    QVERIFY(validation.firstFailure().isEmpty());
    QVERIFY(!validation.unknownKeyId);
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-signature"), Status::Passed, alg);
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-nonce"), Status::Passed, QStringLiteral("equals"));
    QCOMPARE(validation.header.value(QStringLiteral("alg")).toString(), alg);
    QCOMPARE(validation.claims.value(QStringLiteral("sub")).toString(), QStringLiteral("u1"));
    for (const Check &check : validation.checks) {
        QVERIFY2(!check.name.isEmpty(), qPrintable(check.id));
        QVERIFY2(!check.reason.isEmpty(), qPrintable(check.id));
        if (check.status == Status::Passed || check.status == Status::Failed)
            QVERIFY2(!check.spec.isEmpty(), qPrintable(check.id));
    }
}

void TestIdToken::checksRunInDocumentedOrder()
{
    const QByteArray token = signToken(QStringLiteral("RS256"), m_rsa, baseClaims(), withKid(QStringLiteral("rsa-1")));
    QCOMPARE(idsOf(validateIdToken(token, m_jwks, baseExpectations())), checkOrder);
    // A token that cannot be parsed still reports every check, the later ones as skipped.
    const IdTokenValidation broken = validateIdToken("not-a-token", m_jwks, baseExpectations());
    QCOMPARE(idsOf(broken), checkOrder);
}

void TestIdToken::malformedTokenRejected_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("reasonPart");

    const QByteArray header = encodeJson(QJsonObject{{QStringLiteral("alg"), QStringLiteral("RS256")}});
    const QByteArray claims = encodeJson(baseClaims());
    const QByteArray jweHeader = encodeJson(QJsonObject{{QStringLiteral("alg"), QStringLiteral("dir")},
                                                        {QStringLiteral("enc"), QStringLiteral("A256GCM")},
                                                        {QStringLiteral("iss"), QStringLiteral("https://example-tenant.us.auth0.com/")}});

    QTest::newRow("empty") << QByteArray() << QStringLiteral("empty");
    QTest::newRow("two parts") << header + '.' + claims << QStringLiteral("2 dot-separated parts");
    QTest::newRow("four parts") << header + '.' + claims + ".c2ln.c2ln" << QStringLiteral("4 dot-separated parts");
    QTest::newRow("encrypted JWE with five parts") << jweHeader + "..q1w2e3r4t5y6u7i8.Y2lwaGVydGV4dA.dGFn"
                                                   << QStringLiteral("encrypted JWE");
    QTest::newRow("opaque access token") << QByteArray("v9xKjqcpmgPg4esf9PMDX9T5MEjhAIxs") << QStringLiteral("opaque");
    QTest::newRow("header not JSON") << jose::base64UrlEncode("not json") + '.' + claims + ".c2ln" << QStringLiteral("header is not valid JSON");
    QTest::newRow("payload not a JSON object") << header + '.' + jose::base64UrlEncode("[1,2,3]") + ".c2ln"
                                               << QStringLiteral("not a JSON object");
    QTest::newRow("payload not JSON") << header + '.' + jose::base64UrlEncode("{\"iss\":") + ".c2ln"
                                      << QStringLiteral("not a JSON object");
    QTest::newRow("signature not base64url") << header + '.' + claims + ".c2l*" << QStringLiteral("base64url");
    QTest::newRow("larger than 64 KiB") << header + '.' + QByteArray(70000, 'A') + ".c2ln" << QStringLiteral("bytes");
}

void TestIdToken::malformedTokenRejected()
{
    QFETCH(QByteArray, token);
    QFETCH(QString, reasonPart);

    const IdTokenValidation validation = validateIdToken(token, m_jwks, baseExpectations());
    QVERIFY(!validation.passed());
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-format"), Status::Failed, reasonPart);
    QCOMPARE(validation.firstFailure(), findCheck(validation, QStringLiteral("check-format"))->reason);
    for (const Check &check : validation.checks.mid(1)) {
        QCOMPARE(check.status, Status::Skipped);
        QVERIFY(check.reason.contains(QLatin1String("could not be parsed")));
    }
}

void TestIdToken::algNoneRejected()
{
    // "none" is rejected even when someone put it in the allow-list.
    const QByteArray token = encodeJson(QJsonObject{{QStringLiteral("alg"), QStringLiteral("none")}}) + '.'
        + encodeJson(baseClaims()) + '.';
    IdTokenExpectations expect = baseExpectations();
    expect.allowedAlgorithms.append(QStringLiteral("none"));
    const IdTokenValidation validation = validateIdToken(token, m_jwks, expect);
    QVERIFY(!validation.passed());
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-format"), Status::Passed, QString());
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-algorithm"), Status::Failed, QStringLiteral("not signed"));
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-signature"), Status::Skipped, QString());
}

void TestIdToken::algorithmNotAllowed()
{
    const QByteArray token = signToken(QStringLiteral("ES256"), m_ec, baseClaims(), withKid(QStringLiteral("ec-1")));
    IdTokenExpectations expect = baseExpectations();
    expect.allowedAlgorithms = QStringList{QStringLiteral("RS256")};
    const IdTokenValidation validation = validateIdToken(token, m_jwks, expect);
    QVERIFY(!validation.passed());
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-algorithm"), Status::Failed,
                      QStringLiteral("ES256, which is not in the profile's allowed algorithms (RS256)"));
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-key"), Status::Skipped, QStringLiteral("algorithm"));
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-signature"), Status::Skipped, QString());
    // The claim checks still run, so the user sees every problem at once.
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-issuer"), Status::Passed, QString());
}

void TestIdToken::emptyAllowListAcceptsSupported()
{
    const QByteArray token = signToken(QStringLiteral("ES384"), m_ec384, baseClaims(), withKid(QStringLiteral("ec-384")));
    IdTokenExpectations expect = baseExpectations();
    expect.allowedAlgorithms.clear();
    const IdTokenValidation validation = validateIdToken(token, m_jwks, expect);
    QVERIFY2(validation.passed(), describe(validation).constData());
}

void TestIdToken::algorithmNotAdvertised()
{
    const QByteArray token = signToken(QStringLiteral("ES256"), m_ec, baseClaims(), withKid(QStringLiteral("ec-1")));
    IdTokenExpectations expect = baseExpectations();
    expect.providerAlgorithms = QStringList{QStringLiteral("RS256")};
    IdTokenValidation validation = validateIdToken(token, m_jwks, expect);
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-algorithm"), Status::Failed, QStringLiteral("discovery document"));

    expect.providerAlgorithms = QStringList{QStringLiteral("RS256"), QStringLiteral("ES256")};
    validation = validateIdToken(token, m_jwks, expect);
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-algorithm"), Status::Passed, QStringLiteral("advertises"));
}

void TestIdToken::unknownKidThenRefreshedJwks()
{
    // The provider rotated its keys: the token names a key the cached JWKS does not have yet.
    const jose::Key rotated = jose::Key::generateRsa(2048);
    const QByteArray token = signToken(QStringLiteral("RS256"), rotated, baseClaims(), withKid(QStringLiteral("2024-02-k2")));

    const IdTokenValidation first = validateIdToken(token, m_jwks, baseExpectations());
    QVERIFY(!first.passed());
    QVERIFY(first.unknownKeyId);
    AFX_COMPARE_CHECK(first, QStringLiteral("check-key"), Status::Failed, QStringLiteral("not in the provider's JWKS"));
    AFX_COMPARE_CHECK(first, QStringLiteral("check-key"), Status::Failed, QStringLiteral("\"2024-02-k2\""));
    AFX_COMPARE_CHECK(first, QStringLiteral("check-signature"), Status::Skipped, QString());

    QList<jose::Jwk> refreshed = m_jwks;
    refreshed.append(parseJwks(QJsonArray{rotated.toPublicJwk(QStringLiteral("2024-02-k2"), QStringLiteral("RS256"))}));
    const IdTokenValidation second = validateIdToken(token, refreshed, baseExpectations());
    QVERIFY2(second.passed(), describe(second).constData());
    QVERIFY(!second.unknownKeyId);
}

void TestIdToken::noKidWithOneSuitableKey()
{
    const QByteArray token = signToken(QStringLiteral("RS256"), m_rsa, baseClaims(), QJsonObject{});

    const QList<jose::Jwk> single = parseJwks(QJsonArray{m_rsa.toPublicJwk(QString(), QStringLiteral("RS256"))});
    IdTokenValidation validation = validateIdToken(token, single, baseExpectations());
    QVERIFY2(validation.passed(), describe(validation).constData());
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-key"), Status::Passed, QStringLiteral("only key"));

    // An EC and an encryption key do not compete with the one RSA signing key.
    QJsonObject encryptionKey = m_rsaOther.toPublicJwk(QStringLiteral("enc-1"), QString(), QStringLiteral("enc"));
    const QList<jose::Jwk> mixed = parseJwks(QJsonArray{m_ec.toPublicJwk(QStringLiteral("ec-1"), QStringLiteral("ES256")),
                                                        m_rsa.toPublicJwk(QString(), QString()), encryptionKey});
    validation = validateIdToken(token, mixed, baseExpectations());
    QVERIFY2(validation.passed(), describe(validation).constData());
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-key"), Status::Passed, QStringLiteral("should still set kid"));
}

void TestIdToken::noKidWithSeveralSuitableKeys()
{
    const QByteArray token = signToken(QStringLiteral("RS256"), m_rsa, baseClaims(), QJsonObject{});
    const QList<jose::Jwk> two = parseJwks(QJsonArray{m_rsa.toPublicJwk(QString(), QStringLiteral("RS256")),
                                                      m_rsaOther.toPublicJwk(QString(), QStringLiteral("RS256"))});
    const IdTokenValidation validation = validateIdToken(token, two, baseExpectations());
    QVERIFY(!validation.passed());
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-key"), Status::Failed, QStringLiteral("must set kid"));
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-key"), Status::Failed, QStringLiteral("section 10.1"));
    QVERIFY(!validation.unknownKeyId);
}

void TestIdToken::noKidWithoutSuitableKey()
{
    const QByteArray token = signToken(QStringLiteral("RS256"), m_rsa, baseClaims(), QJsonObject{});
    const QList<jose::Jwk> unsuitable = parseJwks(QJsonArray{m_ec.toPublicJwk(QString(), QStringLiteral("ES256")),
                                                             m_rsa.toPublicJwk(QString(), QString(), QStringLiteral("enc"))});
    const IdTokenValidation validation = validateIdToken(token, unsuitable, baseExpectations());
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-key"), Status::Failed, QStringLiteral("no key in the JWKS can verify RS256"));
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-key"), Status::Failed, QStringLiteral("encryption"));
}

void TestIdToken::keySuitability_data()
{
    QTest::addColumn<QJsonObject>("jwkChanges");
    QTest::addColumn<QStringList>("jwkRemovals");
    QTest::addColumn<bool>("suitable");
    QTest::addColumn<QString>("reasonPart");

    QTest::newRow("use sig") << QJsonObject{{QStringLiteral("use"), QStringLiteral("sig")}} << QStringList() << true << QString();
    QTest::newRow("no use, no alg") << QJsonObject{} << QStringList{QStringLiteral("use"), QStringLiteral("alg")} << true << QString();
    QTest::newRow("key_ops with verify")
        << QJsonObject{{QStringLiteral("key_ops"), QJsonArray{QStringLiteral("verify")}}} << QStringList{QStringLiteral("use")}
        << true << QString();
    QTest::newRow("use enc") << QJsonObject{{QStringLiteral("use"), QStringLiteral("enc")}} << QStringList() << false
                             << QStringLiteral("meant for encryption");
    QTest::newRow("key_ops without verify")
        << QJsonObject{{QStringLiteral("key_ops"), QJsonArray{QStringLiteral("encrypt"), QStringLiteral("wrapKey")}}}
        << QStringList{QStringLiteral("use")} << false << QStringLiteral("without \"verify\"");
    QTest::newRow("declared for another alg") << QJsonObject{{QStringLiteral("alg"), QStringLiteral("RS512")}} << QStringList()
                                              << false << QStringLiteral("\"RS512\"");
}

void TestIdToken::keySuitability()
{
    QFETCH(QJsonObject, jwkChanges);
    QFETCH(QStringList, jwkRemovals);
    QFETCH(bool, suitable);
    QFETCH(QString, reasonPart);

    QJsonObject jwk = m_rsa.toPublicJwk(QStringLiteral("k1"), QStringLiteral("RS256"));
    for (auto it = jwkChanges.constBegin(); it != jwkChanges.constEnd(); ++it)
        jwk.insert(it.key(), it.value());
    for (const QString &member : jwkRemovals)
        jwk.remove(member);
    const QList<jose::Jwk> jwks = parseJwks(QJsonArray{jwk});
    QCOMPARE(jwks.size(), 1);

    const QByteArray token = signToken(QStringLiteral("RS256"), m_rsa, baseClaims(), withKid(QStringLiteral("k1")));
    const IdTokenValidation validation = validateIdToken(token, jwks, baseExpectations());
    QCOMPARE(validation.passed(), suitable);
    if (suitable) {
        AFX_COMPARE_CHECK(validation, QStringLiteral("check-signature"), Status::Passed, QString());
    } else {
        AFX_COMPARE_CHECK(validation, QStringLiteral("check-key"), Status::Failed, reasonPart);
        QVERIFY(!validation.unknownKeyId);
    }
}

void TestIdToken::emptyJwksRejected()
{
    const QByteArray token = signToken(QStringLiteral("RS256"), m_rsa, baseClaims(), withKid(QStringLiteral("rsa-1")));
    const IdTokenValidation validation = validateIdToken(token, {}, baseExpectations());
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-key"), Status::Failed, QStringLiteral("has no keys"));
}

void TestIdToken::signatureFromOtherKeyRejected()
{
    // Key type mismatch: the header names an EC key for an RSA signature.
    const QByteArray rsaToken = signToken(QStringLiteral("RS256"), m_rsa, baseClaims(), withKid(QStringLiteral("ec-1")));
    IdTokenValidation validation = validateIdToken(rsaToken, m_jwks, baseExpectations());
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-key"), Status::Failed, QStringLiteral("RS256"));

    // Curve mismatch: an ES256 token that names the P-384 key.
    const QByteArray curveToken = signToken(QStringLiteral("ES256"), m_ec, baseClaims(), withKid(QStringLiteral("ec-384")));
    IdTokenExpectations anyAlg = baseExpectations();
    anyAlg.allowedAlgorithms.clear();
    QList<jose::Jwk> relaxed = parseJwks(QJsonArray{m_ec384.toPublicJwk(QStringLiteral("ec-384"), QString())});
    validation = validateIdToken(curveToken, relaxed, anyAlg);
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-key"), Status::Failed, QStringLiteral("P-384"));

    // Right key type, wrong key: the signature does not verify.
    const QByteArray forged = signToken(QStringLiteral("RS256"), m_rsaOther, baseClaims(), withKid(QStringLiteral("rsa-1")));
    validation = validateIdToken(forged, m_jwks, baseExpectations());
    QVERIFY(!validation.passed());
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-key"), Status::Passed, QString());
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-signature"), Status::Failed, QStringLiteral("signature"));
}

void TestIdToken::tamperedPayloadRejected()
{
    const QByteArray token = signToken(QStringLiteral("ES256"), m_ec, baseClaims(), withKid(QStringLiteral("ec-1")));
    QJsonObject changed = baseClaims();
    changed.insert(QStringLiteral("sub"), QStringLiteral("admin"));
    const QList<QByteArray> parts = token.split('.');
    const QByteArray tampered = parts.at(0) + '.' + encodeJson(changed) + '.' + parts.at(2);

    const IdTokenValidation validation = validateIdToken(tampered, m_jwks, baseExpectations());
    QVERIFY(!validation.passed());
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-signature"), Status::Failed, QStringLiteral("signature"));
}

void TestIdToken::derSignatureRejected()
{
    const QByteArray token = signToken(QStringLiteral("ES256"), m_ec, baseClaims(), withKid(QStringLiteral("ec-1")));
    const QByteArray raw = signatureOf(token);
    QCOMPARE(raw.size(), 64);
    const QByteArray der = rawToDer(raw);
    QVERIFY(der.size() >= 8 && der.size() <= 72);
    QCOMPARE(quint8(der.at(0)), quint8(0x30));

    const IdTokenValidation validation = validateIdToken(withSignature(token, der), m_jwks, baseExpectations());
    QVERIFY(!validation.passed());
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-signature"), Status::Failed, QStringLiteral("DER"));
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-signature"), Status::Failed, QStringLiteral("64-byte R||S"));
}

void TestIdToken::truncatedEcdsaSignatureRejected()
{
    const QByteArray token = signToken(QStringLiteral("ES256"), m_ec, baseClaims(), withKid(QStringLiteral("ec-1")));
    const QByteArray truncated = signatureOf(token).left(63);
    const IdTokenValidation validation = validateIdToken(withSignature(token, truncated), m_jwks, baseExpectations());
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-signature"), Status::Failed, QStringLiteral("63 bytes"));
    QVERIFY(!findCheck(validation, QStringLiteral("check-signature"))->reason.contains(QLatin1String("DER")));
}

void TestIdToken::hmacNeedsClientSecret()
{
    const QByteArray token = signHmacToken(baseClaims());
    IdTokenExpectations expect = baseExpectations();
    expect.clientSecret.clear();
    const IdTokenValidation validation = validateIdToken(token, m_jwks, expect);
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-key"), Status::Failed, QStringLiteral("no client secret"));
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-signature"), Status::Skipped, QString());
}

void TestIdToken::hmacWrongSecretRejected()
{
    const QByteArray token = signHmacToken(baseClaims(), QStringLiteral("another-secret-that-is-also-32-bytes-long"));
    const IdTokenValidation validation = validateIdToken(token, m_jwks, baseExpectations());
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-signature"), Status::Failed, QStringLiteral("does not match"));
}

void TestIdToken::claimChecks_data()
{
    QTest::addColumn<QJsonObject>("changes");
    QTest::addColumn<QStringList>("removals");
    QTest::addColumn<QString>("checkId");
    QTest::addColumn<Status>("status");
    QTest::addColumn<QString>("reasonPart");

    const double now = double(nowSeconds);
    const QString issuerCheck = QStringLiteral("check-issuer");
    const QString subjectCheck = QStringLiteral("check-subject");
    const QString audienceCheck = QStringLiteral("check-audience");
    const QString azpCheck = QStringLiteral("check-azp");
    const QString expiryCheck = QStringLiteral("check-expiry");
    const QString issuedAtCheck = QStringLiteral("check-issued-at");
    const QString notBeforeCheck = QStringLiteral("check-not-before");
    const QString nonceCheck = QStringLiteral("check-nonce");
    const QString api = QStringLiteral("https://api.example.com");

    QTest::newRow("iss exact") << QJsonObject{} << QStringList() << issuerCheck << Status::Passed << QStringLiteral("equals");
    QTest::newRow("iss of another provider") << QJsonObject{{QStringLiteral("iss"), QStringLiteral("https://evil.example.com")}}
                                             << QStringList() << issuerCheck << Status::Failed << QStringLiteral("not the expected issuer");
    QTest::newRow("iss missing") << QJsonObject{} << QStringList{QStringLiteral("iss")} << issuerCheck << Status::Failed
                                 << QStringLiteral("no \"iss\"");
    QTest::newRow("iss as number") << QJsonObject{{QStringLiteral("iss"), 42}} << QStringList() << issuerCheck << Status::Failed
                                   << QStringLiteral("\"iss\" is a number");

    QTest::newRow("sub present") << QJsonObject{} << QStringList() << subjectCheck << Status::Passed << QString();
    QTest::newRow("sub missing") << QJsonObject{} << QStringList{QStringLiteral("sub")} << subjectCheck << Status::Failed
                                 << QStringLiteral("no \"sub\"");
    QTest::newRow("sub as object") << QJsonObject{{QStringLiteral("sub"), QJsonObject{}}} << QStringList() << subjectCheck
                                   << Status::Failed << QStringLiteral("\"sub\" is an object");
    QTest::newRow("sub empty") << QJsonObject{{QStringLiteral("sub"), QString()}} << QStringList() << subjectCheck << Status::Failed
                               << QStringLiteral("empty");
    QTest::newRow("sub longer than 255") << QJsonObject{{QStringLiteral("sub"), QString(256, QLatin1Char('u'))}} << QStringList()
                                         << subjectCheck << Status::Warning << QStringLiteral("255");

    QTest::newRow("aud string equal") << QJsonObject{} << QStringList() << audienceCheck << Status::Passed << QStringLiteral("client id");
    QTest::newRow("aud array with client id") << QJsonObject{{QStringLiteral("aud"), QJsonArray{clientId}}} << QStringList()
                                              << audienceCheck << Status::Passed << QString();
    QTest::newRow("aud array with client id and API")
        << QJsonObject{{QStringLiteral("aud"), QJsonArray{clientId, api}}, {QStringLiteral("azp"), clientId}} << QStringList()
        << audienceCheck << Status::Passed << QStringLiteral("among 2 audiences");
    QTest::newRow("aud array without client id") << QJsonObject{{QStringLiteral("aud"), QJsonArray{api}}} << QStringList()
                                                 << audienceCheck << Status::Failed << QStringLiteral("does not contain");
    QTest::newRow("aud string of another client") << QJsonObject{{QStringLiteral("aud"), QStringLiteral("other-client")}}
                                                  << QStringList() << audienceCheck << Status::Failed << QStringLiteral("\"other-client\"");
    QTest::newRow("aud empty array") << QJsonObject{{QStringLiteral("aud"), QJsonArray{}}} << QStringList() << audienceCheck
                                     << Status::Failed << QStringLiteral("an empty array");
    QTest::newRow("aud as number") << QJsonObject{{QStringLiteral("aud"), 12345}} << QStringList() << audienceCheck
                                   << Status::Failed << QStringLiteral("\"aud\" is a number");
    QTest::newRow("aud array with a number") << QJsonObject{{QStringLiteral("aud"), QJsonArray{clientId, 7}}} << QStringList()
                                             << audienceCheck << Status::Failed << QStringLiteral("Element 1");
    QTest::newRow("aud missing") << QJsonObject{} << QStringList{QStringLiteral("aud")} << audienceCheck << Status::Failed
                                 << QStringLiteral("no \"aud\"");

    QTest::newRow("azp absent, one audience") << QJsonObject{} << QStringList() << azpCheck << Status::Skipped
                                              << QStringLiteral("single audience");
    QTest::newRow("azp absent, several audiences")
        << QJsonObject{{QStringLiteral("aud"), QJsonArray{clientId, QStringLiteral("other-client")}}} << QStringList() << azpCheck
        << Status::Warning << QStringLiteral("2 audiences");
    QTest::newRow("azp is client id") << QJsonObject{{QStringLiteral("azp"), clientId}} << QStringList() << azpCheck
                                      << Status::Passed << QString();
    QTest::newRow("azp is another client")
        << QJsonObject{{QStringLiteral("aud"), QJsonArray{clientId, api}}, {QStringLiteral("azp"), QStringLiteral("other-client")}}
        << QStringList() << azpCheck << Status::Failed << QStringLiteral("\"other-client\"");
    QTest::newRow("azp as array") << QJsonObject{{QStringLiteral("azp"), QJsonArray{clientId}}} << QStringList() << azpCheck
                                  << Status::Failed << QStringLiteral("\"azp\" is an array");

    QTest::newRow("exp in the future") << QJsonObject{} << QStringList() << expiryCheck << Status::Passed << QStringLiteral("expires at");
    QTest::newRow("exp 30 s ago within 60 s leeway") << QJsonObject{{QStringLiteral("exp"), now - 30}} << QStringList() << expiryCheck
                                                     << Status::Passed << QStringLiteral("within the leeway of 60 seconds");
    QTest::newRow("exp 120 s ago beyond leeway") << QJsonObject{{QStringLiteral("exp"), now - 120}} << QStringList() << expiryCheck
                                                 << Status::Failed << QStringLiteral("120 seconds ago");
    QTest::newRow("exp missing") << QJsonObject{} << QStringList{QStringLiteral("exp")} << expiryCheck << Status::Failed
                                 << QStringLiteral("no \"exp\"");
    QTest::newRow("exp as string") << QJsonObject{{QStringLiteral("exp"), QStringLiteral("1700003600")}} << QStringList()
                                   << expiryCheck << Status::Failed << QStringLiteral("\"exp\" is a string");
    QTest::newRow("exp huge number") << QJsonObject{{QStringLiteral("exp"), 1e300}} << QStringList() << expiryCheck
                                     << Status::Passed << QStringLiteral("1e+300");
    QTest::newRow("exp fractional") << QJsonObject{{QStringLiteral("exp"), now + 0.5}} << QStringList() << expiryCheck
                                    << Status::Passed << QString();

    QTest::newRow("iat in the past") << QJsonObject{} << QStringList() << issuedAtCheck << Status::Passed << QStringLiteral("ago");
    QTest::newRow("iat 4 s in the future") << QJsonObject{{QStringLiteral("iat"), now + 4}} << QStringList() << issuedAtCheck
                                           << Status::Passed << QStringLiteral("4 seconds in the future");
    QTest::newRow("iat 1200 s in the future") << QJsonObject{{QStringLiteral("iat"), now + 1200}} << QStringList() << issuedAtCheck
                                              << Status::Failed << QStringLiteral("system clock");
    QTest::newRow("iat missing") << QJsonObject{} << QStringList{QStringLiteral("iat")} << issuedAtCheck << Status::Failed
                                 << QStringLiteral("no \"iat\"");
    QTest::newRow("iat as boolean") << QJsonObject{{QStringLiteral("iat"), true}} << QStringList() << issuedAtCheck
                                    << Status::Failed << QStringLiteral("\"iat\" is a boolean");

    QTest::newRow("nbf absent") << QJsonObject{} << QStringList() << notBeforeCheck << Status::Skipped << QStringLiteral("optional");
    QTest::newRow("nbf in the past") << QJsonObject{{QStringLiteral("nbf"), now - 10}} << QStringList() << notBeforeCheck
                                     << Status::Passed << QString();
    QTest::newRow("nbf 30 s ahead within leeway") << QJsonObject{{QStringLiteral("nbf"), now + 30}} << QStringList() << notBeforeCheck
                                                  << Status::Passed << QString();
    QTest::newRow("nbf 300 s ahead") << QJsonObject{{QStringLiteral("nbf"), now + 300}} << QStringList() << notBeforeCheck
                                     << Status::Failed << QStringLiteral("300 seconds from now");
    QTest::newRow("nbf as string") << QJsonObject{{QStringLiteral("nbf"), QStringLiteral("soon")}} << QStringList()
                                   << notBeforeCheck << Status::Failed << QStringLiteral("\"nbf\" is a string");

    QTest::newRow("nonce equal") << QJsonObject{} << QStringList() << nonceCheck << Status::Passed << QStringLiteral("equals");
    QTest::newRow("nonce missing") << QJsonObject{} << QStringList{QStringLiteral("nonce")} << nonceCheck << Status::Failed
                                   << QStringLiteral("no \"nonce\"");
    QTest::newRow("nonce different") << QJsonObject{{QStringLiteral("nonce"), QStringLiteral("n-other")}} << QStringList()
                                     << nonceCheck << Status::Failed << QStringLiteral("differs");
    QTest::newRow("nonce as number") << QJsonObject{{QStringLiteral("nonce"), 1}} << QStringList() << nonceCheck << Status::Failed
                                     << QStringLiteral("\"nonce\" is a number");
}

void TestIdToken::claimChecks()
{
    QFETCH(QJsonObject, changes);
    QFETCH(QStringList, removals);
    QFETCH(QString, checkId);
    QFETCH(Status, status);
    QFETCH(QString, reasonPart);

    QJsonObject claims = baseClaims();
    for (auto it = changes.constBegin(); it != changes.constEnd(); ++it)
        claims.insert(it.key(), it.value());
    for (const QString &name : removals)
        claims.remove(name);

    const QByteArray token = signToken(QStringLiteral("RS256"), m_rsa, claims, withKid(QStringLiteral("rsa-1")));
    const IdTokenValidation validation = validateIdToken(token, m_jwks, baseExpectations());
    AFX_COMPARE_CHECK(validation, checkId, status, reasonPart);
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-signature"), Status::Passed, QString());
    QCOMPARE(validation.passed(), status != Status::Failed);
}

void TestIdToken::issuerTrailingSlashNamed_data()
{
    QTest::addColumn<QString>("tokenIssuer");
    QTest::addColumn<QString>("expectedIssuer");
    QTest::addColumn<QString>("sideWithSlash");

    QTest::newRow("token has the slash") << QStringLiteral("http://localhost:53485/") << QStringLiteral("http://localhost:53485")
                                         << QStringLiteral("which the token has");
    QTest::newRow("expected issuer has the slash") << QStringLiteral("http://localhost:53485") << QStringLiteral("http://localhost:53485/")
                                                   << QStringLiteral("which the expected issuer has");
}

void TestIdToken::issuerTrailingSlashNamed()
{
    QFETCH(QString, tokenIssuer);
    QFETCH(QString, expectedIssuer);
    QFETCH(QString, sideWithSlash);

    QJsonObject claims = baseClaims();
    claims.insert(QStringLiteral("iss"), tokenIssuer);
    IdTokenExpectations expect = baseExpectations();
    expect.issuer = expectedIssuer;
    const IdTokenValidation validation =
        validateIdToken(signToken(QStringLiteral("RS256"), m_rsa, claims, withKid(QStringLiteral("rsa-1"))), m_jwks, expect);
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-issuer"), Status::Failed, QStringLiteral("only by a trailing '/'"));
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-issuer"), Status::Failed, sideWithSlash);
}

void TestIdToken::nonceNotSentSkipped()
{
    IdTokenExpectations expect = baseExpectations();
    expect.nonce.clear();
    const QByteArray withNonce = signToken(QStringLiteral("RS256"), m_rsa, baseClaims(), withKid(QStringLiteral("rsa-1")));
    IdTokenValidation validation = validateIdToken(withNonce, m_jwks, expect);
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-nonce"), Status::Skipped, QStringLiteral("no nonce"));
    QVERIFY(validation.passed());

    QJsonObject claims = baseClaims();
    claims.remove(QStringLiteral("nonce"));
    validation = validateIdToken(signToken(QStringLiteral("RS256"), m_rsa, claims, withKid(QStringLiteral("rsa-1"))), m_jwks, expect);
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-nonce"), Status::Skipped, QStringLiteral("no nonce"));
}

void TestIdToken::halfHashChecks_data()
{
    QTest::addColumn<QString>("claim");
    QTest::addColumn<QString>("claimValue"); // "right" = the correct hash, "absent" = no claim
    QTest::addColumn<QString>("responseType");
    QTest::addColumn<Status>("status");
    QTest::addColumn<QString>("reasonPart");

    QTest::newRow("at_hash right") << QStringLiteral("at_hash") << QStringLiteral("right") << QString() << Status::Passed << QStringLiteral("matches");
    QTest::newRow("at_hash wrong") << QStringLiteral("at_hash") << QStringLiteral("d3JvbmctaGFzaC12YWx1ZQ") << QString() << Status::Failed
                                   << QStringLiteral("does not match");
    QTest::newRow("at_hash absent in code flow") << QStringLiteral("at_hash") << QStringLiteral("absent") << QString()
                                                 << Status::Skipped << QStringLiteral("optional for the code flow");
    QTest::newRow("at_hash absent in implicit flow") << QStringLiteral("at_hash") << QStringLiteral("absent")
                                                     << QStringLiteral("id_token token") << Status::Failed << QStringLiteral("required");
    QTest::newRow("at_hash absent in hybrid flow without token") << QStringLiteral("at_hash") << QStringLiteral("absent")
                                                                 << QStringLiteral("code id_token") << Status::Skipped
                                                                 << QStringLiteral("optional");
    QTest::newRow("c_hash right") << QStringLiteral("c_hash") << QStringLiteral("right") << QStringLiteral("code id_token")
                                  << Status::Passed << QStringLiteral("matches");
    QTest::newRow("c_hash wrong") << QStringLiteral("c_hash") << QStringLiteral("d3JvbmctaGFzaC12YWx1ZQ") << QString()
                                  << Status::Failed << QStringLiteral("authorization code");
    QTest::newRow("c_hash absent in hybrid flow") << QStringLiteral("c_hash") << QStringLiteral("absent") << QStringLiteral("code id_token")
                                                  << Status::Failed << QStringLiteral("required");
    QTest::newRow("c_hash absent from token endpoint") << QStringLiteral("c_hash") << QStringLiteral("absent") << QString()
                                                       << Status::Skipped << QStringLiteral("optional");
}

void TestIdToken::halfHashChecks()
{
    QFETCH(QString, claim);
    QFETCH(QString, claimValue);
    QFETCH(QString, responseType);
    QFETCH(Status, status);
    QFETCH(QString, reasonPart);

    // The access token and code of OpenID Connect Core, Appendix A.
    const QString accessToken = QStringLiteral("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y");
    const QString code = QStringLiteral("Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk");
    const QString value = claim == QLatin1String("at_hash") ? accessToken : code;

    QJsonObject claims = baseClaims();
    if (claimValue == QLatin1String("right"))
        claims.insert(claim, QString::fromLatin1(jose::halfHash(QStringLiteral("RS256"), value.toUtf8())));
    else if (claimValue != QLatin1String("absent"))
        claims.insert(claim, claimValue);

    IdTokenExpectations expect = baseExpectations();
    expect.responseType = responseType;
    if (claim == QLatin1String("at_hash"))
        expect.accessToken = accessToken;
    else
        expect.code = code;

    const QString checkId = claim == QLatin1String("at_hash") ? QStringLiteral("check-at-hash") : QStringLiteral("check-c-hash");
    const IdTokenValidation validation =
        validateIdToken(signToken(QStringLiteral("RS256"), m_rsa, claims, withKid(QStringLiteral("rsa-1"))), m_jwks, expect);
    AFX_COMPARE_CHECK(validation, checkId, status, reasonPart);

    // Without the value to compare, the check is skipped whatever the claim holds.
    expect.accessToken.clear();
    expect.code.clear();
    const IdTokenValidation skipped =
        validateIdToken(signToken(QStringLiteral("RS256"), m_rsa, claims, withKid(QStringLiteral("rsa-1"))), m_jwks, expect);
    AFX_COMPARE_CHECK(skipped, checkId, Status::Skipped, QStringLiteral("not compared"));
}

void TestIdToken::halfHashValues()
{
    // The at_hash and c_hash examples of OpenID Connect Core, Appendix A: the left half of SHA-256.
    QCOMPARE(jose::halfHash(QStringLiteral("RS256"), "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
             QByteArray("77QmUPtjPfzWtF2AnpK9RQ"));
    QCOMPARE(jose::halfHash(QStringLiteral("RS256"), "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk"),
             QByteArray("LDktKdoQak3Pk0cnXxCltA"));

    const QString accessToken = QStringLiteral("access-token-for-eddsa");
    QJsonObject claims = baseClaims();
    claims.insert(QStringLiteral("at_hash"), QString::fromLatin1(jose::halfHash(QStringLiteral("EdDSA"), accessToken.toUtf8())));
    IdTokenExpectations expect = baseExpectations();
    expect.accessToken = accessToken;
    const IdTokenValidation validation =
        validateIdToken(signToken(QStringLiteral("EdDSA"), m_ed, claims, withKid(QStringLiteral("ed-1"))), m_jwks, expect);
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-at-hash"), Status::Passed, QString());
    QCOMPARE(claims.value(QStringLiteral("at_hash")).toString().size(), 43); // 32 bytes of SHA-512
}

void TestIdToken::firstFailureIsEarliest()
{
    QJsonObject claims = baseClaims();
    claims.insert(QStringLiteral("iss"), QStringLiteral("https://evil.example.com"));
    claims.insert(QStringLiteral("exp"), double(nowSeconds - 3600));
    const IdTokenValidation validation =
        validateIdToken(signToken(QStringLiteral("RS256"), m_rsa, claims, withKid(QStringLiteral("rsa-1"))), m_jwks, baseExpectations());
    QVERIFY(!validation.passed());
    QCOMPARE(validation.firstFailure(), findCheck(validation, QStringLiteral("check-issuer"))->reason);
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-expiry"), Status::Failed, QString());
}

void TestIdToken::statusNames()
{
    QCOMPARE(checkStatusName(Status::Passed), QStringLiteral("passed"));
    QCOMPARE(checkStatusName(Status::Failed), QStringLiteral("failed"));
    QCOMPARE(checkStatusName(Status::Warning), QStringLiteral("warning"));
    QCOMPARE(checkStatusName(Status::Skipped), QStringLiteral("skipped"));
}

QTEST_GUILESS_MAIN(TestIdToken)
#include "tst_idtoken.moc"
