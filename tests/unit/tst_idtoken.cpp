// ID token validation (OpenID Connect Core 1.0, section 3.1.3.7) with real keys and tokens
// signed by the jose layer. Every test uses an injected clock.

#include "jose/base64url.h"
#include "jose/jws.h"
#include "jose/key.h"
#include "oidc/clockskew.h"
#include "oidc/idtokenvalidator.h"
#include "oidc/jwksrefresh.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/x509.h>

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
    QStringLiteral("check-at-hash"),    QStringLiteral("check-c-hash"),    QStringLiteral("check-s-hash"),
    QStringLiteral("check-auth-time"),  QStringLiteral("check-acr"),
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

// A self-signed X.509 certificate for `key` (which must hold the private key), DER in standard
// base64 as an x5c entry carries it.
QString selfSignedCertificate(const jose::Key &key, const QByteArray &commonName)
{
    X509 *certificate = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
    X509_gmtime_adj(X509_getm_notBefore(certificate), 0);
    X509_gmtime_adj(X509_getm_notAfter(certificate), 3600L * 24 * 365);
    X509_set_pubkey(certificate, key.handle());
    X509_NAME *name = X509_get_subject_name(certificate);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>(commonName.constData()),
                               -1, -1, 0);
    X509_set_issuer_name(certificate, name);
    X509_sign(certificate, key.handle(), EVP_sha256());
    const int length = i2d_X509(certificate, nullptr);
    QByteArray der(length > 0 ? length : 0, Qt::Uninitialized);
    auto *out = reinterpret_cast<unsigned char *>(der.data());
    i2d_X509(certificate, &out);
    X509_free(certificate);
    return QString::fromLatin1(der.toBase64());
}

QJsonObject accessTokenClaims()
{
    return QJsonObject{
        {QStringLiteral("iss"), issuer},
        {QStringLiteral("aud"), QStringLiteral("https://api.example.com")},
        {QStringLiteral("sub"), QStringLiteral("u1")},
        {QStringLiteral("client_id"), clientId},
        {QStringLiteral("jti"), QStringLiteral("at-1")},
        {QStringLiteral("iat"), double(nowSeconds - 10)},
        {QStringLiteral("exp"), double(nowSeconds + 600)},
    };
}

AccessTokenExpectations accessTokenExpectations()
{
    AccessTokenExpectations expect;
    expect.issuer = issuer;
    expect.clientId = clientId;
    expect.resource = QStringLiteral("https://api.example.com");
    expect.now = QDateTime::fromSecsSinceEpoch(nowSeconds, QTimeZone::utc());
    return expect;
}

QJsonObject atJwtHeader(const QString &kid, const QJsonValue &typ = QStringLiteral("at+jwt"))
{
    QJsonObject header = withKid(kid);
    if (!typ.isUndefined())
        header.insert(QStringLiteral("typ"), typ);
    return header;
}

} // namespace

// Compares one check's status and checks that its reason contains `reasonPart`.
#define AFX_COMPARE_CHECK(validation, id, expectedStatus, reasonPart)                                              \
    do {                                                                                                           \
        /* A copy: `validation` may be a temporary, which would be gone before `found` is read. */                 \
        const afx::oidc::IdTokenValidation checkedValidation = (validation);                                       \
        const Check *found = findCheck(checkedValidation, id);                                                     \
        QVERIFY2(found, qPrintable(QStringLiteral("no check named ") + (id)));                                   \
        QVERIFY2(found->status == (expectedStatus), describe(checkedValidation).constData());                     \
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

    void stateHashChecks_data();
    void stateHashChecks();
    void authTimeChecks_data();
    void authTimeChecks();
    void acrChecks_data();
    void acrChecks();
    void nonceRequiredForFrontChannel_data();
    void nonceRequiredForFrontChannel();
    void unknownKidIsNamed();
    void x5cOfSelectedKeyParsed();
    void brokenX5cIsNotFatal();
    void timeReasonsShowLeeway();
    void userInfoSubject_data();
    void userInfoSubject();
    void accessTokenValidPasses_data();
    void accessTokenValidPasses();
    void accessTokenChecks_data();
    void accessTokenChecks();
    void accessTokenHmacRejected();
    void accessTokenBadInput_data();
    void accessTokenBadInput();
    void idTokenBadInput_data();
    void idTokenBadInput();
    void clockSkew_data();
    void clockSkew();
    void httpDateForms_data();
    void httpDateForms();
    void refetchPolicyOncePerKid();
    void refetchPolicyInterval();
    void refetchPolicyPerIssuer();

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
    QCOMPARE(validation.header().value(QStringLiteral("alg")).toString(), alg);
    QCOMPARE(validation.claims().value(QStringLiteral("sub")).toString(), QStringLiteral("u1"));
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
    // RFC 7519 section 4: two readers could each take another of the two values.
    QTest::newRow("claim given twice") << header + '.' + jose::base64UrlEncode(R"({"sub":"alice","sub":"mallory"})") + ".c2ln"
                                       << QStringLiteral("The claim \"sub\" appears more than once");
    QTest::newRow("header member given twice") << jose::base64UrlEncode(R"({"alg":"RS256","alg":"none"})") + '.' + claims + ".c2ln"
                                               << QStringLiteral("The header member \"alg\" appears more than once");
    QTest::newRow("claims with text after the object") << header + '.' + jose::base64UrlEncode(R"({"sub":"a"} {})") + ".c2ln"
                                                       << QStringLiteral("more text after the object");
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
        QVERIFY(check.reason.contains(QLatin1String("failed the format check")));
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
        << Status::Failed << QStringLiteral("2 audiences");
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

void TestIdToken::stateHashChecks_data()
{
    QTest::addColumn<QString>("claimValue"); // "right" = the correct hash, "absent" = no claim
    QTest::addColumn<Status>("status");
    QTest::addColumn<QString>("reasonPart");

    QTest::newRow("s_hash right") << QStringLiteral("right") << Status::Passed << QStringLiteral("matches the state");
    QTest::newRow("s_hash wrong") << QStringLiteral("d3JvbmctaGFzaC12YWx1ZQ") << Status::Failed << QStringLiteral("does not match");
    QTest::newRow("s_hash absent") << QStringLiteral("absent") << Status::Skipped << QStringLiteral("no \"s_hash\"");
    QTest::newRow("s_hash as number") << QStringLiteral("number") << Status::Failed << QStringLiteral("is a number");
}

void TestIdToken::stateHashChecks()
{
    QFETCH(QString, claimValue);
    QFETCH(Status, status);
    QFETCH(QString, reasonPart);

    const QString state = QStringLiteral("af0ifjsldkj-state");
    QJsonObject claims = baseClaims();
    if (claimValue == QLatin1String("right"))
        claims.insert(QStringLiteral("s_hash"), QString::fromLatin1(jose::halfHash(QStringLiteral("ES256"), state.toUtf8())));
    else if (claimValue == QLatin1String("number"))
        claims.insert(QStringLiteral("s_hash"), 12);
    else if (claimValue != QLatin1String("absent"))
        claims.insert(QStringLiteral("s_hash"), claimValue);

    IdTokenExpectations expect = baseExpectations();
    expect.state = state;
    const QByteArray token = signToken(QStringLiteral("ES256"), m_ec, claims, withKid(QStringLiteral("ec-1")));
    AFX_COMPARE_CHECK(validateIdToken(token, m_jwks, expect), QStringLiteral("check-s-hash"), status, reasonPart);

    expect.state.clear();
    AFX_COMPARE_CHECK(validateIdToken(token, m_jwks, expect), QStringLiteral("check-s-hash"), Status::Skipped,
                      QStringLiteral("not compared"));
}

void TestIdToken::authTimeChecks_data()
{
    QTest::addColumn<QJsonValue>("authTime"); // undefined = no claim
    QTest::addColumn<int>("maxAge");
    QTest::addColumn<bool>("essential");
    QTest::addColumn<Status>("status");
    QTest::addColumn<QString>("reasonPart");

    const double now = double(nowSeconds);
    QTest::newRow("not requested, absent") << QJsonValue(QJsonValue::Undefined) << -1 << false << Status::Skipped
                                           << QStringLiteral("neither max_age");
    QTest::newRow("max_age, absent") << QJsonValue(QJsonValue::Undefined) << 300 << false << Status::Failed
                                     << QStringLiteral("max_age=300");
    QTest::newRow("essential, absent") << QJsonValue(QJsonValue::Undefined) << -1 << true << Status::Failed
                                       << QStringLiteral("essential");
    QTest::newRow("max_age, recent") << QJsonValue(now - 100) << 300 << false << Status::Passed
                                     << QStringLiteral("within max_age=300");
    QTest::newRow("max_age, within leeway") << QJsonValue(now - 330) << 300 << false << Status::Passed
                                            << QStringLiteral("leeway 60 seconds");
    QTest::newRow("max_age, too old") << QJsonValue(now - 1000) << 300 << false << Status::Failed
                                      << QStringLiteral("1000 seconds ago");
    QTest::newRow("max_age zero, old") << QJsonValue(now - 120) << 0 << false << Status::Failed
                                       << QStringLiteral("max_age=0");
    QTest::newRow("in the future") << QJsonValue(now + 600) << -1 << false << Status::Failed
                                   << QStringLiteral("in the future");
    QTest::newRow("as string") << QJsonValue(QStringLiteral("1700000000")) << 300 << false << Status::Failed
                               << QStringLiteral("is a string");
    QTest::newRow("huge number") << QJsonValue(1e300) << 300 << false << Status::Failed << QStringLiteral("future");
}

void TestIdToken::authTimeChecks()
{
    QFETCH(QJsonValue, authTime);
    QFETCH(int, maxAge);
    QFETCH(bool, essential);
    QFETCH(Status, status);
    QFETCH(QString, reasonPart);

    QJsonObject claims = baseClaims();
    if (!authTime.isUndefined())
        claims.insert(QStringLiteral("auth_time"), authTime);
    IdTokenExpectations expect = baseExpectations();
    expect.maxAgeSeconds = maxAge;
    expect.authTimeEssential = essential;
    const IdTokenValidation validation =
        validateIdToken(signToken(QStringLiteral("RS256"), m_rsa, claims, withKid(QStringLiteral("rsa-1"))), m_jwks, expect);
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-auth-time"), status, reasonPart);
    QCOMPARE(validation.passed(), status != Status::Failed);
}

void TestIdToken::acrChecks_data()
{
    QTest::addColumn<QJsonValue>("acr"); // undefined = no claim
    QTest::addColumn<QStringList>("requested");
    QTest::addColumn<bool>("essential");
    QTest::addColumn<Status>("status");
    QTest::addColumn<QString>("reasonPart");

    const QString strong = QStringLiteral("urn:example:loa:3");
    const QString weak = QStringLiteral("urn:example:loa:1");
    QTest::newRow("not requested, absent") << QJsonValue(QJsonValue::Undefined) << QStringList() << false << Status::Skipped
                                           << QStringLiteral("none was requested");
    QTest::newRow("not requested, present") << QJsonValue(weak) << QStringList() << false << Status::Passed << weak;
    QTest::newRow("essential, absent") << QJsonValue(QJsonValue::Undefined) << QStringList{strong} << true << Status::Failed
                                       << QStringLiteral("essential");
    QTest::newRow("essential, requested value") << QJsonValue(strong) << QStringList{strong} << true << Status::Passed
                                                << QStringLiteral("one of the requested");
    QTest::newRow("essential, other value") << QJsonValue(weak) << QStringList{strong} << true << Status::Failed
                                            << QStringLiteral("not one of the values requested as essential");
    QTest::newRow("voluntary, other value") << QJsonValue(weak) << QStringList{strong} << false << Status::Warning
                                            << QStringLiteral("voluntary");
    QTest::newRow("voluntary, absent") << QJsonValue(QJsonValue::Undefined) << QStringList{strong} << false << Status::Skipped
                                       << QStringLiteral("voluntary");
    QTest::newRow("as array") << QJsonValue(QJsonArray{strong}) << QStringList{strong} << true << Status::Failed
                              << QStringLiteral("is an array");
}

void TestIdToken::acrChecks()
{
    QFETCH(QJsonValue, acr);
    QFETCH(QStringList, requested);
    QFETCH(bool, essential);
    QFETCH(Status, status);
    QFETCH(QString, reasonPart);

    QJsonObject claims = baseClaims();
    if (!acr.isUndefined())
        claims.insert(QStringLiteral("acr"), acr);
    IdTokenExpectations expect = baseExpectations();
    expect.acrValues = requested;
    expect.acrEssential = essential;
    const IdTokenValidation validation =
        validateIdToken(signToken(QStringLiteral("RS256"), m_rsa, claims, withKid(QStringLiteral("rsa-1"))), m_jwks, expect);
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-acr"), status, reasonPart);
}

void TestIdToken::nonceRequiredForFrontChannel_data()
{
    QTest::addColumn<QString>("responseType");
    QTest::addColumn<Status>("status");

    QTest::newRow("implicit id_token") << QStringLiteral("id_token") << Status::Failed;
    QTest::newRow("implicit id_token token") << QStringLiteral("id_token token") << Status::Failed;
    QTest::newRow("hybrid code id_token") << QStringLiteral("code id_token") << Status::Failed;
    QTest::newRow("token endpoint") << QString() << Status::Skipped;
}

void TestIdToken::nonceRequiredForFrontChannel()
{
    QFETCH(QString, responseType);
    QFETCH(Status, status);

    IdTokenExpectations expect = baseExpectations();
    expect.nonce.clear();
    expect.responseType = responseType;
    const QByteArray token = signToken(QStringLiteral("RS256"), m_rsa, baseClaims(), withKid(QStringLiteral("rsa-1")));
    const IdTokenValidation validation = validateIdToken(token, m_jwks, expect);
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-nonce"), status,
                      status == Status::Failed ? QStringLiteral("sent no nonce") : QStringLiteral("no nonce"));
}

void TestIdToken::unknownKidIsNamed()
{
    const QByteArray token = signToken(QStringLiteral("RS256"), m_rsaOther, baseClaims(), withKid(QStringLiteral("rotated-2")));
    const IdTokenValidation validation = validateIdToken(token, m_jwks, baseExpectations());
    QVERIFY(validation.unknownKeyId);
    QCOMPARE(validation.unknownKid, QStringLiteral("rotated-2"));
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-key"), Status::Failed, QStringLiteral("\"rotated-2\""));
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-signature"), Status::Skipped, QString());
}

void TestIdToken::x5cOfSelectedKeyParsed()
{
    QJsonObject jwk = m_rsa.toPublicJwk(QStringLiteral("rsa-x5c"), QStringLiteral("RS256"));
    jwk.insert(QStringLiteral("x5c"), QJsonArray{selfSignedCertificate(m_rsa, "idp.example.com")});
    const QList<jose::Jwk> jwks = parseJwks(QJsonArray{jwk});
    QCOMPARE(jwks.size(), 1);

    const QByteArray token = signToken(QStringLiteral("RS256"), m_rsa, baseClaims(), withKid(QStringLiteral("rsa-x5c")));
    const IdTokenValidation validation = validateIdToken(token, jwks, baseExpectations());
    QVERIFY2(validation.passed(), describe(validation).constData());
    QCOMPARE(validation.keyCertificates.size(), 1);
    const jose::CertificateInfo &certificate = validation.keyCertificates.first();
    QVERIFY2(certificate.isValid(), qPrintable(certificate.error));
    QCOMPARE(certificate.subject, QStringLiteral("CN=idp.example.com"));
    QCOMPARE(certificate.issuer, QStringLiteral("CN=idp.example.com"));
    QVERIFY(certificate.notBefore.isValid());
    QVERIFY(certificate.notAfter > certificate.notBefore);
    QVERIFY(!certificate.isExpiredAt(certificate.notBefore.addDays(1)));
    QVERIFY(certificate.isExpiredAt(certificate.notAfter.addDays(1)));
}

void TestIdToken::brokenX5cIsNotFatal()
{
    QJsonObject jwk = m_ec.toPublicJwk(QStringLiteral("ec-x5c"), QStringLiteral("ES256"));
    jwk.insert(QStringLiteral("x5c"), QJsonArray{QStringLiteral("not base64 at all!"),
                                                 QString::fromLatin1(QByteArray("no certificate").toBase64())});
    const QList<jose::Jwk> jwks = parseJwks(QJsonArray{jwk});
    QCOMPARE(jwks.size(), 1);

    const QByteArray token = signToken(QStringLiteral("ES256"), m_ec, baseClaims(), withKid(QStringLiteral("ec-x5c")));
    const IdTokenValidation validation = validateIdToken(token, jwks, baseExpectations());
    QVERIFY2(validation.passed(), describe(validation).constData());
    QCOMPARE(validation.keyCertificates.size(), 2);
    QVERIFY(validation.keyCertificates.at(0).error.contains(QStringLiteral("not valid base64")));
    QVERIFY(validation.keyCertificates.at(1).error.contains(QStringLiteral("not a DER X.509 certificate")));
}

void TestIdToken::timeReasonsShowLeeway()
{
    QJsonObject claims = baseClaims();
    claims.insert(QStringLiteral("exp"), double(nowSeconds - 120));
    claims.insert(QStringLiteral("iat"), double(nowSeconds + 300));
    claims.insert(QStringLiteral("nbf"), double(nowSeconds + 300));
    IdTokenExpectations expect = baseExpectations();
    expect.leewaySeconds = 30;
    const IdTokenValidation validation =
        validateIdToken(signToken(QStringLiteral("RS256"), m_rsa, claims, withKid(QStringLiteral("rsa-1"))), m_jwks, expect);

    // 1700000000 is 2023-11-14T22:13:20Z.
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-expiry"), Status::Failed, QStringLiteral("2023-11-14T22:11:20Z"));
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-expiry"), Status::Failed, QStringLiteral("leeway of 30 seconds"));
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-issued-at"), Status::Failed, QStringLiteral("2023-11-14T22:18:20Z"));
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-issued-at"), Status::Failed, QStringLiteral("now 2023-11-14T22:13:20Z"));
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-not-before"), Status::Failed, QStringLiteral("leeway of 30 seconds"));
}

void TestIdToken::userInfoSubject_data()
{
    QTest::addColumn<QJsonObject>("userInfo");
    QTest::addColumn<QJsonObject>("idTokenClaims");
    QTest::addColumn<Status>("status");
    QTest::addColumn<QString>("reasonPart");

    const QJsonObject idToken{{QStringLiteral("sub"), QStringLiteral("248289761001")}};
    QTest::newRow("same sub") << QJsonObject{{QStringLiteral("sub"), QStringLiteral("248289761001")}} << idToken << Status::Passed
                              << QStringLiteral("same sub");
    QTest::newRow("other sub") << QJsonObject{{QStringLiteral("sub"), QStringLiteral("attacker")}} << idToken << Status::Failed
                               << QStringLiteral("\"attacker\"");
    QTest::newRow("sub with trailing space") << QJsonObject{{QStringLiteral("sub"), QStringLiteral("248289761001 ")}} << idToken
                                         << Status::Failed << QStringLiteral("another user");
    QTest::newRow("sub missing") << QJsonObject{{QStringLiteral("name"), QStringLiteral("Jane")}} << idToken << Status::Failed
                                 << QStringLiteral("no \"sub\"");
    QTest::newRow("sub as number") << QJsonObject{{QStringLiteral("sub"), 248289761001.0}} << idToken << Status::Failed
                                   << QStringLiteral("is a number");
    QTest::newRow("ID token without sub") << QJsonObject{{QStringLiteral("sub"), QStringLiteral("248289761001")}} << QJsonObject{}
                                          << Status::Failed << QStringLiteral("ID token has no string");
}

void TestIdToken::userInfoSubject()
{
    QFETCH(QJsonObject, userInfo);
    QFETCH(QJsonObject, idTokenClaims);
    QFETCH(Status, status);
    QFETCH(QString, reasonPart);

    const Check check = compareUserInfoSubject(userInfo, idTokenClaims);
    QCOMPARE(check.id, QStringLiteral("check-userinfo-subject"));
    QVERIFY(!check.name.isEmpty());
    QVERIFY(check.spec.contains(QStringLiteral("5.3.2")));
    QVERIFY2(check.status == status, qPrintable(check.reason));
    QVERIFY2(check.reason.contains(reasonPart), qPrintable(check.reason));
}

void TestIdToken::accessTokenValidPasses_data()
{
    QTest::addColumn<QString>("alg");
    QTest::addColumn<QString>("typ");

    QTest::newRow("RS256 at+jwt") << QStringLiteral("RS256") << QStringLiteral("at+jwt");
    QTest::newRow("ES256 application/at+jwt") << QStringLiteral("ES256") << QStringLiteral("application/at+jwt");
    QTest::newRow("PS256 AT+JWT") << QStringLiteral("PS256") << QStringLiteral("AT+JWT");
}

void TestIdToken::accessTokenValidPasses()
{
    QFETCH(QString, alg);
    QFETCH(QString, typ);

    const bool ec = alg == QLatin1String("ES256");
    const QString kid = ec ? QStringLiteral("ec-1") : alg == QLatin1String("PS256") ? QStringLiteral("rsa-ps") : QStringLiteral("rsa-1");
    const QByteArray token = signToken(alg, ec ? m_ec : m_rsa, accessTokenClaims(), atJwtHeader(kid, typ));
    const IdTokenValidation validation = validateJwtAccessToken(token, m_jwks, accessTokenExpectations());
    QVERIFY2(validation.passed(), describe(validation).constData());
    QCOMPARE(idsOf(validation),
             (QStringList{QStringLiteral("check-format"), QStringLiteral("check-typ"), QStringLiteral("check-algorithm"),
                          QStringLiteral("check-key"), QStringLiteral("check-signature"), QStringLiteral("check-issuer"),
                          QStringLiteral("check-subject"), QStringLiteral("check-audience"), QStringLiteral("check-client-id"),
                          QStringLiteral("check-expiry"), QStringLiteral("check-issued-at"), QStringLiteral("check-not-before"),
                          QStringLiteral("check-jti")}));
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-audience"), Status::Passed, QStringLiteral("the resource"));
    for (const Check &check : validation.checks)
        QVERIFY2(!check.name.isEmpty() && check.name != check.id, qPrintable(check.id));
}

void TestIdToken::accessTokenChecks_data()
{
    QTest::addColumn<QJsonObject>("changes");
    QTest::addColumn<QStringList>("removals");
    QTest::addColumn<QJsonValue>("typ"); // undefined = no typ header
    QTest::addColumn<QString>("checkId");
    QTest::addColumn<QString>("reasonPart");

    const QJsonValue atJwt(QStringLiteral("at+jwt"));
    QTest::newRow("typ missing") << QJsonObject{} << QStringList() << QJsonValue(QJsonValue::Undefined) << QStringLiteral("check-typ")
                                 << QStringLiteral("no \"typ\"");
    QTest::newRow("typ JWT") << QJsonObject{} << QStringList() << QJsonValue(QStringLiteral("JWT")) << QStringLiteral("check-typ")
                             << QStringLiteral("typ is \"JWT\"");
    QTest::newRow("typ as number") << QJsonObject{} << QStringList() << QJsonValue(1) << QStringLiteral("check-typ")
                                   << QStringLiteral("is a number");
    QTest::newRow("aud is client id") << QJsonObject{{QStringLiteral("aud"), clientId}} << QStringList() << atJwt
                                      << QStringLiteral("check-audience") << QStringLiteral("another resource server");
    QTest::newRow("aud missing") << QJsonObject{} << QStringList{QStringLiteral("aud")} << atJwt << QStringLiteral("check-audience")
                                 << QStringLiteral("no \"aud\"");
    QTest::newRow("client_id missing") << QJsonObject{} << QStringList{QStringLiteral("client_id")} << atJwt
                                       << QStringLiteral("check-client-id") << QStringLiteral("no \"client_id\"");
    QTest::newRow("client_id of another client") << QJsonObject{{QStringLiteral("client_id"), QStringLiteral("other")}}
                                                 << QStringList() << atJwt << QStringLiteral("check-client-id")
                                                 << QStringLiteral("\"other\"");
    QTest::newRow("client_id as array") << QJsonObject{{QStringLiteral("client_id"), QJsonArray{clientId}}} << QStringList()
                                        << atJwt << QStringLiteral("check-client-id") << QStringLiteral("is an array");
    QTest::newRow("jti missing") << QJsonObject{} << QStringList{QStringLiteral("jti")} << atJwt << QStringLiteral("check-jti")
                                 << QStringLiteral("no \"jti\"");
    QTest::newRow("sub missing") << QJsonObject{} << QStringList{QStringLiteral("sub")} << atJwt << QStringLiteral("check-subject")
                                 << QStringLiteral("every access token");
    QTest::newRow("expired") << QJsonObject{{QStringLiteral("exp"), double(nowSeconds - 3600)}} << QStringList() << atJwt
                             << QStringLiteral("check-expiry") << QStringLiteral("leeway");
    QTest::newRow("other issuer") << QJsonObject{{QStringLiteral("iss"), QStringLiteral("https://idp.example.com/")}}
                                  << QStringList() << atJwt << QStringLiteral("check-issuer") << QStringLiteral("trailing");
}

void TestIdToken::accessTokenChecks()
{
    QFETCH(QJsonObject, changes);
    QFETCH(QStringList, removals);
    QFETCH(QJsonValue, typ);
    QFETCH(QString, checkId);
    QFETCH(QString, reasonPart);

    QJsonObject claims = accessTokenClaims();
    for (auto it = changes.constBegin(); it != changes.constEnd(); ++it)
        claims.insert(it.key(), it.value());
    for (const QString &name : removals)
        claims.remove(name);
    const QByteArray token = signToken(QStringLiteral("RS256"), m_rsa, claims, atJwtHeader(QStringLiteral("rsa-1"), typ));
    const IdTokenValidation validation = validateJwtAccessToken(token, m_jwks, accessTokenExpectations());
    AFX_COMPARE_CHECK(validation, checkId, Status::Failed, reasonPart);
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-signature"), Status::Passed, QString());
    QVERIFY(!validation.passed());
}

void TestIdToken::accessTokenHmacRejected()
{
    QString error;
    const std::optional<QByteArray> token = jose::signCompactHmac(
        QStringLiteral("HS256"), clientSecret.toUtf8(), atJwtHeader(QString()), accessTokenClaims(), &error);
    QVERIFY2(token, qPrintable(error));
    const IdTokenValidation validation = validateJwtAccessToken(*token, m_jwks, accessTokenExpectations());
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-algorithm"), Status::Failed, QStringLiteral("shared-secret"));
    AFX_COMPARE_CHECK(validation, QStringLiteral("check-signature"), Status::Skipped, QString());
}

// Broken token input, shared by the ID token and access token validators.
static void addBadTokenRows()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("reasonPart");

    const QByteArray header = encodeJson(QJsonObject{{QStringLiteral("alg"), QStringLiteral("RS256")},
                                                     {QStringLiteral("kid"), QStringLiteral("rsa-1")},
                                                     {QStringLiteral("typ"), QStringLiteral("at+jwt")}});
    const QByteArray claims = encodeJson(accessTokenClaims());
    const QByteArray signature = jose::base64UrlEncode(QByteArray(256, 'x'));

    QTest::newRow("truncated after header") << QByteArray(header + '.') << QStringLiteral("2 dot-separated parts");
    QTest::newRow("truncated inside claims") << QByteArray(header + '.' + claims.left(claims.size() / 8 * 4) + '.' + signature)
                                             << QStringLiteral("not a JSON object");
    QTest::newRow("claims of impossible length") << QByteArray(header + '.' + claims.left(claims.size() / 8 * 4 + 1) + '.' + signature)
                                                 << QStringLiteral("not valid base64url");
    QTest::newRow("huge") << QByteArray(header + '.' + QByteArray(70 * 1024, 'A') + '.' + signature)
                          << QStringLiteral("larger than the limit");
    QTest::newRow("header is an array") << QByteArray(jose::base64UrlEncode("[\"RS256\"]") + '.' + claims + '.' + signature)
                                        << QStringLiteral("JSON array");
    QTest::newRow("alg is a number") << QByteArray(encodeJson(QJsonObject{{QStringLiteral("alg"), 256}}) + '.' + claims + '.' + signature)
                                     << QStringLiteral("must be a string");
    QTest::newRow("claims are an array") << QByteArray(header + '.' + jose::base64UrlEncode("[1,2]") + '.' + signature)
                                         << QStringLiteral("not a JSON object");
    QTest::newRow("header in standard base64") << QByteArray(header.toBase64() + "+/=." + claims + '.' + signature)
                                               << QStringLiteral("base64url");
    QTest::newRow("claims not UTF-8") << QByteArray(header + '.' + jose::base64UrlEncode("{\"iss\":\"\xff\xfe\"}") + '.' + signature)
                                      << QStringLiteral("not a JSON object");
    QTest::newRow("signature with whitespace") << QByteArray(header + '.' + claims + ". " + signature)
                                               << QStringLiteral("base64url");
}

void TestIdToken::accessTokenBadInput_data()
{
    addBadTokenRows();
}

void TestIdToken::accessTokenBadInput()
{
    QFETCH(QByteArray, token);
    QFETCH(QString, reasonPart);

    const IdTokenValidation validation = validateJwtAccessToken(token, m_jwks, accessTokenExpectations());
    QVERIFY(!validation.passed());
    const Check *failed = nullptr;
    for (const Check &check : validation.checks) {
        if (check.status == Status::Failed) {
            failed = &check;
            break;
        }
    }
    QVERIFY(failed);
    QVERIFY2(failed->reason.contains(reasonPart, Qt::CaseInsensitive), qPrintable(describe(validation)));
    QVERIFY2(failed->id == QLatin1String("check-format") || failed->id == QLatin1String("check-algorithm"),
             qPrintable(failed->id));
    QCOMPARE(validation.checks.size(), 13);
}

void TestIdToken::idTokenBadInput_data()
{
    addBadTokenRows();
}

void TestIdToken::idTokenBadInput()
{
    QFETCH(QByteArray, token);
    QFETCH(QString, reasonPart);

    const IdTokenValidation validation = validateIdToken(token, m_jwks, baseExpectations());
    QVERIFY(!validation.passed());
    QVERIFY2(validation.firstFailure().contains(reasonPart, Qt::CaseInsensitive), qPrintable(describe(validation)));
    QCOMPARE(idsOf(validation), checkOrder);
}

void TestIdToken::clockSkew_data()
{
    QTest::addColumn<QString>("dateHeader");
    QTest::addColumn<int>("leeway");
    QTest::addColumn<Status>("status");
    QTest::addColumn<QStringList>("reasonParts");

    // The local clock of every row is 2023-11-14T22:13:20Z.
    QTest::newRow("same second") << QStringLiteral("Tue, 14 Nov 2023 22:13:20 GMT") << 60 << Status::Passed
                                 << QStringList{QStringLiteral("agree")};
    QTest::newRow("provider 30 s ahead") << QStringLiteral("Tue, 14 Nov 2023 22:13:50 GMT") << 60 << Status::Passed
                                         << QStringList{QStringLiteral("30 seconds ahead of"), QStringLiteral("within")};
    QTest::newRow("provider 5 min behind") << QStringLiteral("Tue, 14 Nov 2023 22:08:20 GMT") << 60 << Status::Failed
                                           << QStringList{QStringLiteral("2023-11-14T22:08:20Z"), QStringLiteral("2023-11-14T22:13:20Z"),
                                                          QStringLiteral("300 seconds behind"), QStringLiteral("leeway of 60 seconds"),
                                                          QStringLiteral("likely cause")};
    QTest::newRow("provider 2 min ahead, leeway 180") << QStringLiteral("Tue, 14 Nov 2023 22:15:20 GMT") << 180 << Status::Passed
                                                      << QStringList{QStringLiteral("120 seconds ahead")};
    QTest::newRow("one second over leeway 0") << QStringLiteral("Tue, 14 Nov 2023 22:13:21 GMT") << 0 << Status::Passed
                                              << QStringList{QStringLiteral("1 second ahead")};
    QTest::newRow("no header") << QString() << 60 << Status::Skipped << QStringList{QStringLiteral("no Date header")};
    QTest::newRow("garbage") << QStringLiteral("yesterday") << 60 << Status::Failed << QStringList{QStringLiteral("\"yesterday\"")};
    QTest::newRow("ISO date instead") << QStringLiteral("2023-11-14T22:13:20Z") << 60 << Status::Failed
                                      << QStringList{QStringLiteral("not an HTTP date")};
    QTest::newRow("huge") << QString(100000, QLatin1Char('A')) << 60 << Status::Failed << QStringList{QStringLiteral("not an HTTP date")};
    QTest::newRow("invalid day") << QStringLiteral("Tue, 31 Feb 2023 22:13:20 GMT") << 60 << Status::Failed
                                 << QStringList{QStringLiteral("not an HTTP date")};
}

void TestIdToken::clockSkew()
{
    QFETCH(QString, dateHeader);
    QFETCH(int, leeway);
    QFETCH(Status, status);
    QFETCH(QStringList, reasonParts);

    const Check check = checkClockSkew(dateHeader, QDateTime::fromSecsSinceEpoch(nowSeconds, QTimeZone::utc()), leeway);
    QCOMPARE(check.id, QStringLiteral("check-clock-skew"));
    QVERIFY2(check.status == status, qPrintable(check.reason));
    for (const QString &part : reasonParts)
        QVERIFY2(check.reason.contains(part), qPrintable(QStringLiteral("lacks \"%1\": %2").arg(part, check.reason)));
    QVERIFY2(check.reason.size() < 600, "the reason quotes at most the start of a long header");
}

void TestIdToken::httpDateForms_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QDateTime>("expected");

    const QDateTime example(QDate(1994, 11, 6), QTime(8, 49, 37), QTimeZone::utc());
    QTest::newRow("IMF-fixdate") << QStringLiteral("Sun, 06 Nov 1994 08:49:37 GMT") << example;
    QTest::newRow("RFC 850") << QStringLiteral("Sunday, 06-Nov-94 08:49:37 GMT") << example;
    QTest::newRow("asctime") << QStringLiteral("Sun Nov  6 08:49:37 1994") << example;
    QTest::newRow("surrounding spaces") << QStringLiteral("  Sun, 06 Nov 1994 08:49:37 GMT ") << example;
    QTest::newRow("lowercase month") << QStringLiteral("Sun, 06 nov 1994 08:49:37 GMT") << QDateTime();
    QTest::newRow("other zone") << QStringLiteral("Sun, 06 Nov 1994 08:49:37 CET") << QDateTime();
    QTest::newRow("hour 25") << QStringLiteral("Sun, 06 Nov 1994 25:49:37 GMT") << QDateTime();
    QTest::newRow("empty") << QString() << QDateTime();
}

void TestIdToken::httpDateForms()
{
    QFETCH(QString, value);
    QFETCH(QDateTime, expected);

    const QDateTime parsed = parseHttpDate(value);
    QCOMPARE(parsed.isValid(), expected.isValid());
    if (expected.isValid())
        QCOMPARE(parsed.toSecsSinceEpoch(), expected.toSecsSinceEpoch());
}

void TestIdToken::refetchPolicyOncePerKid()
{
    QDateTime now = QDateTime::fromSecsSinceEpoch(nowSeconds, QTimeZone::utc());
    JwksRefetchPolicy policy(60, [&now] { return now; });
    QCOMPARE(policy.minIntervalSeconds(), 60);

    const JwksRefetchPolicy::Decision first = policy.requestRefetch(issuer, QStringLiteral("k2"));
    QVERIFY2(first.allowed, qPrintable(first.reason));
    QVERIFY(first.reason.contains(QStringLiteral("\"k2\"")));

    now = now.addSecs(3600);
    const JwksRefetchPolicy::Decision again = policy.requestRefetch(issuer, QStringLiteral("k2"));
    QVERIFY(!again.allowed);
    QVERIFY2(again.reason.contains(QStringLiteral("already")), qPrintable(again.reason));

    policy.reset();
    QVERIFY(policy.requestRefetch(issuer, QStringLiteral("k2")).allowed);
}

void TestIdToken::refetchPolicyInterval()
{
    QDateTime now = QDateTime::fromSecsSinceEpoch(nowSeconds, QTimeZone::utc());
    JwksRefetchPolicy policy(60, [&now] { return now; });

    QVERIFY(policy.requestRefetch(issuer, QStringLiteral("k2")).allowed);
    now = now.addSecs(59);
    const JwksRefetchPolicy::Decision tooSoon = policy.requestRefetch(issuer, QStringLiteral("k3"));
    QVERIFY(!tooSoon.allowed);
    QVERIFY2(tooSoon.reason.contains(QStringLiteral("59 seconds ago")), qPrintable(tooSoon.reason));
    QVERIFY2(tooSoon.reason.contains(QStringLiteral("every 60 seconds")), qPrintable(tooSoon.reason));

    now = now.addSecs(1);
    QVERIFY(policy.requestRefetch(issuer, QStringLiteral("k3")).allowed);

    // A token without kid counts as one more identifier.
    now = now.addSecs(60);
    QVERIFY(policy.requestRefetch(issuer, QString()).allowed);
    now = now.addSecs(60);
    QVERIFY(!policy.requestRefetch(issuer, QString()).allowed);
}

void TestIdToken::refetchPolicyPerIssuer()
{
    QDateTime now = QDateTime::fromSecsSinceEpoch(nowSeconds, QTimeZone::utc());
    JwksRefetchPolicy policy(120, [&now] { return now; });

    QVERIFY(policy.requestRefetch(issuer, QStringLiteral("k2")).allowed);
    QVERIFY(policy.requestRefetch(QStringLiteral("https://other.example.com"), QStringLiteral("k2")).allowed);
    now = now.addSecs(119);
    QVERIFY(!policy.requestRefetch(issuer, QStringLiteral("k9")).allowed);

    // A clock that goes back does not block refetching for ever.
    now = now.addSecs(-1000);
    QVERIFY(policy.requestRefetch(issuer, QStringLiteral("k9")).allowed);

    JwksRefetchPolicy defaults;
    QCOMPARE(defaults.minIntervalSeconds(), 60);
    QVERIFY(defaults.requestRefetch(issuer, QStringLiteral("k1")).allowed);
    QVERIFY(!defaults.requestRefetch(issuer, QStringLiteral("k2")).allowed);
}

QTEST_GUILESS_MAIN(TestIdToken)
#include "tst_idtoken.moc"
