// The OpenID Foundation's relying party certification cases for the Basic, Implicit, Hybrid and
// Config profiles, replayed against the app's own validator. Each row builds what the
// certification suite's test OP would send (ID token, JWKS, discovery document, UserInfo
// response) with the app's signing code, runs the app's checks, and compares the outcome of the
// named check. Rows are named "<test id> @<response_type>". Rows whose id starts with "afx-" are
// extra cases of this app, not part of the certification suite. docs/conformance.md lists them.

#include "jose/jws.h"
#include "jose/key.h"
#include "oidc/idtokenvalidator.h"
#include "oidc/jwksrefresh.h"
#include "oidc/providermetadata.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

using namespace afx;
using namespace afx::oidc;
using Status = Check::Status;

Q_DECLARE_METATYPE(afx::oidc::Check::Status)

namespace {

const qint64 nowSeconds = 1700000000;
const QString issuer = QStringLiteral("https://rp-test.example.org/test/a/afx");
const QString clientId = QStringLiteral("afx-conformance-client");
const QString clientSecret = QStringLiteral("conformance-client-secret-of-more-than-32-bytes");
const QByteArray nonce = "conformance-nonce-8f2a";
const QString accessToken = QStringLiteral("conformance-access-token-1b9d");
const QString code = QStringLiteral("conformance-code-77e3");

const QString basic = QStringLiteral("code");
const QString implicitIdToken = QStringLiteral("id_token");
const QString implicitToken = QStringLiteral("id_token token");
const QString hybridIdToken = QStringLiteral("code id_token");
const QString hybridToken = QStringLiteral("code token");
const QString hybridBoth = QStringLiteral("code id_token token");

// The response types of each certification profile.
const QStringList basicTypes{basic};
const QStringList implicitTypes{implicitIdToken, implicitToken};
const QStringList hybridTypes{hybridIdToken, hybridToken, hybridBoth};

bool has(const QString &responseType, const QString &value)
{
    return responseType.split(QLatin1Char(' ')).contains(value);
}

// True when the ID token comes from the authorization endpoint (implicit and hybrid flows with
// id_token in response_type); otherwise it comes from the token endpoint.
bool frontChannel(const QString &responseType)
{
    return has(responseType, QStringLiteral("id_token"));
}

// The outcome of one case: the ID token checks plus the checks outside the ID token (UserInfo,
// discovery, key rotation), all by id.
struct CaseResult {
    QList<Check> checks;
    bool accepted = false;
};

class Provider {
public:
    Provider()
    {
        m_rsaA = jose::Key::generateRsa(2048);
        m_rsaB = jose::Key::generateRsa(2048);
        m_ec = jose::Key::generateEc(QStringLiteral("P-256"));
    }

    bool ready() const { return !m_rsaA.isNull() && !m_rsaB.isNull() && !m_ec.isNull(); }

    QJsonObject claims(const QString &responseType, const QString &alg = QStringLiteral("RS256")) const
    {
        QJsonObject claims{
            {QStringLiteral("iss"), issuer},
            {QStringLiteral("sub"), QStringLiteral("foo")},
            {QStringLiteral("aud"), clientId},
            {QStringLiteral("iat"), double(nowSeconds - 5)},
            {QStringLiteral("exp"), double(nowSeconds + 300)},
            {QStringLiteral("nonce"), QString::fromLatin1(nonce)},
        };
        if (frontChannel(responseType) && has(responseType, QStringLiteral("token")))
            claims.insert(QStringLiteral("at_hash"), QString::fromLatin1(jose::halfHash(alg, accessToken.toUtf8())));
        if (frontChannel(responseType) && has(responseType, QStringLiteral("code")))
            claims.insert(QStringLiteral("c_hash"), QString::fromLatin1(jose::halfHash(alg, code.toUtf8())));
        return claims;
    }

    IdTokenExpectations expectations(const QString &responseType) const
    {
        IdTokenExpectations expect;
        expect.issuer = issuer;
        expect.clientId = clientId;
        expect.nonce = nonce;
        expect.clientSecret = clientSecret;
        expect.providerAlgorithms = QStringList{QStringLiteral("RS256"), QStringLiteral("ES256"), QStringLiteral("HS256")};
        expect.now = QDateTime::fromSecsSinceEpoch(nowSeconds, QTimeZone::utc());
        if (frontChannel(responseType)) {
            expect.responseType = responseType;
            if (has(responseType, QStringLiteral("token")))
                expect.accessToken = accessToken;
            if (has(responseType, QStringLiteral("code")))
                expect.code = code;
        }
        return expect;
    }

    QByteArray sign(const QString &alg, const jose::Key &key, const QJsonObject &claims, const QString &kid) const
    {
        QString error;
        const QJsonObject header = kid.isEmpty() ? QJsonObject{} : QJsonObject{{QStringLiteral("kid"), kid}};
        const std::optional<QByteArray> token = alg.startsWith(QLatin1String("HS"))
            ? jose::signCompactHmac(alg, clientSecret.toUtf8(), header, claims, &error)
            : jose::signCompact(alg, key, header, claims, &error);
        if (!token)
            qWarning("signing failed: %s", qPrintable(error));
        return token.value_or(QByteArray());
    }

    // The JWKS document as the provider serves it at jwks_uri.
    QByteArray jwksDocument(const QJsonArray &keys) const
    {
        return QJsonDocument(QJsonObject{{QStringLiteral("keys"), keys}}).toJson(QJsonDocument::Compact);
    }

    QList<jose::Jwk> fetchJwks(const QJsonArray &keys) const
    {
        jose::Jwks jwks;
        QString error;
        if (!jose::Jwks::parse(jwksDocument(keys), &jwks, &error))
            qWarning("JWKS could not be parsed: %s", qPrintable(error));
        return jwks.keys;
    }

    QJsonObject publicA(const QString &kid = QStringLiteral("rsa-a")) const { return m_rsaA.toPublicJwk(kid, QStringLiteral("RS256")); }
    QJsonObject publicB(const QString &kid = QStringLiteral("rsa-b")) const { return m_rsaB.toPublicJwk(kid, QStringLiteral("RS256")); }
    QJsonObject publicEc() const { return m_ec.toPublicJwk(QStringLiteral("ec-1"), QStringLiteral("ES256")); }

    const jose::Key &rsaA() const { return m_rsaA; }
    const jose::Key &rsaB() const { return m_rsaB; }
    const jose::Key &ec() const { return m_ec; }

private:
    jose::Key m_rsaA;
    jose::Key m_rsaB;
    jose::Key m_ec;
};

CaseResult fromValidation(const IdTokenValidation &validation)
{
    return CaseResult{validation.checks, validation.passed()};
}

QByteArray replaceSignature(const QByteArray &token, const QByteArray &otherToken)
{
    return token.left(token.lastIndexOf('.')) + otherToken.mid(otherToken.lastIndexOf('.'));
}

QString describe(const CaseResult &result)
{
    QStringList lines;
    for (const Check &check : result.checks)
        lines.append(QStringLiteral("%1 %2: %3").arg(check.id, checkStatusName(check.status), check.reason));
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestConformance : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void certificationCase_data();
    void certificationCase();

private:
    CaseResult runCase(const QString &testId, const QString &responseType) const;
    CaseResult runIdTokenCase(const QString &testId, const QString &responseType) const;
    CaseResult runConfigCase(const QString &testId) const;

    Provider m_provider;
};

void TestConformance::initTestCase()
{
    QVERIFY(m_provider.ready());
}

void TestConformance::certificationCase_data()
{
    QTest::addColumn<QString>("testId");
    QTest::addColumn<QString>("responseType");
    QTest::addColumn<QString>("checkId");
    QTest::addColumn<Status>("expected");
    QTest::addColumn<bool>("accepted");

    const auto addRows = [](const QString &testId, const QStringList &responseTypes, const QString &checkId, Status expected,
                            bool accepted) {
        for (const QString &responseType : responseTypes) {
            const QString name = QStringLiteral("%1 @%2").arg(testId, responseType);
            QTest::newRow(qPrintable(name)) << testId << responseType << checkId << expected << accepted;
        }
    };
    const QStringList allTypes = basicTypes + implicitTypes + hybridTypes;
    // UserInfo needs an access token, which response_type=id_token does not return.
    const QStringList userInfoTypes{basic, implicitToken, hybridIdToken, hybridToken, hybridBoth};

    // The happy path of each response type (rp-response_type-*).
    for (const QString &responseType : allTypes) {
        const QString testId = QStringLiteral("rp-response_type-") + QString(responseType).replace(QLatin1Char(' '), QLatin1Char('+'));
        addRows(testId, {responseType}, QStringLiteral("check-signature"), Status::Passed, true);
    }

    // ID token cases of the Basic, Implicit and Hybrid profiles.
    addRows(QStringLiteral("rp-id_token-issuer-mismatch"), allTypes, QStringLiteral("check-issuer"), Status::Failed, false);
    addRows(QStringLiteral("rp-id_token-sub"), allTypes, QStringLiteral("check-subject"), Status::Failed, false);
    addRows(QStringLiteral("rp-id_token-aud"), allTypes, QStringLiteral("check-audience"), Status::Failed, false);
    addRows(QStringLiteral("rp-id_token-iat"), allTypes, QStringLiteral("check-issued-at"), Status::Failed, false);
    addRows(QStringLiteral("rp-id_token-kid-absent-single-jwks"), allTypes, QStringLiteral("check-key"), Status::Passed, true);
    addRows(QStringLiteral("rp-id_token-kid-absent-multiple-jwks"), allTypes, QStringLiteral("check-key"), Status::Failed, false);
    addRows(QStringLiteral("rp-id_token-sig-rs256"), allTypes, QStringLiteral("check-signature"), Status::Passed, true);
    addRows(QStringLiteral("rp-id_token-bad-sig-rs256"), allTypes, QStringLiteral("check-signature"), Status::Failed, false);
    addRows(QStringLiteral("rp-id_token-bad-c_hash"), {hybridIdToken, hybridBoth}, QStringLiteral("check-c-hash"), Status::Failed, false);
    addRows(QStringLiteral("rp-id_token-missing-c_hash"), {hybridIdToken, hybridBoth}, QStringLiteral("check-c-hash"), Status::Failed, false);
    addRows(QStringLiteral("rp-id_token-bad-at_hash"), {implicitToken, hybridBoth}, QStringLiteral("check-at-hash"), Status::Failed, false);
    addRows(QStringLiteral("rp-id_token-missing-at_hash"), {implicitToken, hybridBoth}, QStringLiteral("check-at-hash"), Status::Failed, false);
    addRows(QStringLiteral("rp-nonce-invalid"), allTypes, QStringLiteral("check-nonce"), Status::Failed, false);
    addRows(QStringLiteral("rp-nonce-unless-code-flow"), implicitTypes + QStringList{hybridIdToken, hybridBoth},
            QStringLiteral("check-nonce"), Status::Passed, true);
    addRows(QStringLiteral("rp-userinfo-bad-sub-claim"), userInfoTypes, QStringLiteral("check-userinfo-subject"), Status::Failed, false);

    // Signature algorithms of the full RP test list.
    addRows(QStringLiteral("rp-id_token-sig-hs256"), basicTypes, QStringLiteral("check-signature"), Status::Passed, true);
    addRows(QStringLiteral("rp-id_token-bad-sig-hs256"), basicTypes, QStringLiteral("check-signature"), Status::Failed, false);
    addRows(QStringLiteral("rp-id_token-sig-es256"), basicTypes, QStringLiteral("check-signature"), Status::Passed, true);
    addRows(QStringLiteral("rp-id_token-bad-sig-es256"), basicTypes, QStringLiteral("check-signature"), Status::Failed, false);
    // The suite lets the RP either accept an unsigned ID token from the token endpoint or stop.
    // This app always rejects alg "none".
    addRows(QStringLiteral("rp-id_token-sig-none"), basicTypes, QStringLiteral("check-algorithm"), Status::Failed, false);
    // The suite expects a signed and encrypted ID token to be accepted. This app cannot decrypt
    // and rejects it with a reason.
    addRows(QStringLiteral("rp-id_token-sig+enc"), basicTypes, QStringLiteral("check-format"), Status::Failed, false);

    // Config profile: discovery and key rotation.
    addRows(QStringLiteral("rp-discovery-openid-configuration"), basicTypes, QStringLiteral("check-discovery"), Status::Passed, true);
    addRows(QStringLiteral("rp-discovery-jwks_uri-keys"), basicTypes, QStringLiteral("check-signature"), Status::Passed, true);
    addRows(QStringLiteral("rp-discovery-issuer-not-matching-config"), basicTypes, QStringLiteral("check-discovery"), Status::Failed, false);
    addRows(QStringLiteral("rp-key-rotation-op-sign-key"), basicTypes, QStringLiteral("check-signature"), Status::Passed, true);
    addRows(QStringLiteral("rp-key-rotation-op-sign-key-native"), basicTypes, QStringLiteral("check-signature"), Status::Passed, true);

    // Extra cases of this app.
    addRows(QStringLiteral("afx-id_token-expired"), basicTypes, QStringLiteral("check-expiry"), Status::Failed, false);
    addRows(QStringLiteral("afx-id_token-missing-iat"), basicTypes, QStringLiteral("check-issued-at"), Status::Failed, false);
    addRows(QStringLiteral("afx-id_token-azp-missing-multiple-aud"), basicTypes, QStringLiteral("check-azp"), Status::Failed, false);
    addRows(QStringLiteral("afx-id_token-der-sig-es256"), basicTypes, QStringLiteral("check-signature"), Status::Failed, false);
    addRows(QStringLiteral("afx-id_token-alg-not-advertised"), basicTypes, QStringLiteral("check-algorithm"), Status::Failed, false);
    addRows(QStringLiteral("afx-id_token-key-use-enc"), basicTypes, QStringLiteral("check-key"), Status::Failed, false);
    addRows(QStringLiteral("afx-nonce-missing-implicit"), implicitTypes, QStringLiteral("check-nonce"), Status::Failed, false);
    addRows(QStringLiteral("afx-key-rotation-refetch-once"), basicTypes, QStringLiteral("check-jwks-refetch"), Status::Failed, false);
}

void TestConformance::certificationCase()
{
    QFETCH(QString, testId);
    QFETCH(QString, responseType);
    QFETCH(QString, checkId);
    QFETCH(Status, expected);
    QFETCH(bool, accepted);

    const CaseResult result = runCase(testId, responseType);
    const Check *found = nullptr;
    for (const Check &check : result.checks) {
        if (check.id == checkId)
            found = &check;
    }
    QVERIFY2(found, qPrintable(QStringLiteral("no check %1 in:\n%2").arg(checkId, describe(result))));
    QVERIFY2(found->status == expected, qPrintable(describe(result)));
    QVERIFY2(!found->reason.isEmpty(), qPrintable(checkId));
    QVERIFY2(result.accepted == accepted, qPrintable(describe(result)));
}

CaseResult TestConformance::runCase(const QString &testId, const QString &responseType) const
{
    if (testId.startsWith(QLatin1String("rp-discovery-")) || testId.startsWith(QLatin1String("rp-key-rotation-"))
        || testId == QLatin1String("afx-key-rotation-refetch-once"))
        return runConfigCase(testId);
    return runIdTokenCase(testId, responseType);
}

CaseResult TestConformance::runIdTokenCase(const QString &testId, const QString &responseType) const
{
    const Provider &op = m_provider;
    QJsonObject claims = op.claims(responseType);
    IdTokenExpectations expect = op.expectations(responseType);
    QJsonArray keys{op.publicA(), op.publicEc()};
    QString alg = QStringLiteral("RS256");
    QString kid = QStringLiteral("rsa-a");
    const jose::Key *signingKey = &op.rsaA();
    enum class Signature { Valid, OtherKey, Der } signature = Signature::Valid;

    if (testId == QLatin1String("rp-id_token-issuer-mismatch"))
        claims.insert(QStringLiteral("iss"), QStringLiteral("https://example.org/"));
    else if (testId == QLatin1String("rp-id_token-sub"))
        claims.remove(QStringLiteral("sub"));
    else if (testId == QLatin1String("rp-id_token-aud"))
        claims.insert(QStringLiteral("aud"), QStringLiteral("invalid-client-id"));
    else if (testId == QLatin1String("rp-id_token-iat") || testId == QLatin1String("afx-id_token-missing-iat"))
        claims.remove(QStringLiteral("iat"));
    else if (testId == QLatin1String("rp-id_token-kid-absent-single-jwks")) {
        kid.clear();
        keys = QJsonArray{op.publicA(QString())};
    } else if (testId == QLatin1String("rp-id_token-kid-absent-multiple-jwks")) {
        kid.clear();
        keys = QJsonArray{op.publicA(QString()), op.publicB(QString())};
    } else if (testId == QLatin1String("rp-id_token-bad-sig-rs256"))
        signature = Signature::OtherKey;
    else if (testId == QLatin1String("rp-id_token-bad-c_hash"))
        claims.insert(QStringLiteral("c_hash"), QString::fromLatin1(jose::halfHash(alg, "another-code")));
    else if (testId == QLatin1String("rp-id_token-missing-c_hash"))
        claims.remove(QStringLiteral("c_hash"));
    else if (testId == QLatin1String("rp-id_token-bad-at_hash"))
        claims.insert(QStringLiteral("at_hash"), QString::fromLatin1(jose::halfHash(alg, "another-access-token")));
    else if (testId == QLatin1String("rp-id_token-missing-at_hash"))
        claims.remove(QStringLiteral("at_hash"));
    else if (testId == QLatin1String("rp-nonce-invalid"))
        claims.insert(QStringLiteral("nonce"), QStringLiteral("a-nonce-from-another-login"));
    else if (testId == QLatin1String("afx-nonce-missing-implicit")) {
        expect.nonce.clear();
        claims.remove(QStringLiteral("nonce"));
    } else if (testId == QLatin1String("rp-id_token-sig-hs256") || testId == QLatin1String("rp-id_token-bad-sig-hs256")) {
        alg = QStringLiteral("HS256");
        kid.clear();
        if (testId == QLatin1String("rp-id_token-bad-sig-hs256"))
            signature = Signature::OtherKey;
    } else if (testId == QLatin1String("rp-id_token-sig-es256") || testId == QLatin1String("rp-id_token-bad-sig-es256")
               || testId == QLatin1String("afx-id_token-der-sig-es256")) {
        alg = QStringLiteral("ES256");
        kid = QStringLiteral("ec-1");
        signingKey = &op.ec();
        if (testId == QLatin1String("rp-id_token-bad-sig-es256"))
            signature = Signature::OtherKey;
        else if (testId == QLatin1String("afx-id_token-der-sig-es256"))
            signature = Signature::Der;
    } else if (testId == QLatin1String("afx-id_token-expired"))
        claims.insert(QStringLiteral("exp"), double(nowSeconds - 3600));
    else if (testId == QLatin1String("afx-id_token-azp-missing-multiple-aud"))
        claims.insert(QStringLiteral("aud"), QJsonArray{clientId, QStringLiteral("https://api.example.org")});
    else if (testId == QLatin1String("afx-id_token-alg-not-advertised"))
        expect.providerAlgorithms = QStringList{QStringLiteral("ES256")};
    else if (testId == QLatin1String("afx-id_token-key-use-enc"))
        keys = QJsonArray{m_provider.rsaA().toPublicJwk(QStringLiteral("rsa-a"), QString(), QStringLiteral("enc"))};

    QByteArray token;
    if (testId == QLatin1String("rp-id_token-sig-none")) {
        // An unsigned JWT: header {"alg":"none"}, the claims, and an empty signature.
        const QByteArray header = QJsonDocument(QJsonObject{{QStringLiteral("alg"), QStringLiteral("none")}}).toJson(QJsonDocument::Compact);
        token = header.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals) + '.'
            + QJsonDocument(claims).toJson(QJsonDocument::Compact).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
            + '.';
    } else if (testId == QLatin1String("rp-id_token-sig+enc")) {
        // A compact JWE (RFC 7516): five parts, the header names "enc". Its content is not
        // readable without the client's private key, so random bytes stand in for it.
        const QByteArray header = QJsonDocument(QJsonObject{{QStringLiteral("alg"), QStringLiteral("RSA1_5")},
                                                            {QStringLiteral("enc"), QStringLiteral("A128CBC-HS256")}})
                                      .toJson(QJsonDocument::Compact);
        const auto part = [](const QByteArray &bytes) {
            return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        };
        token = part(header) + '.' + part(QByteArray(256, '\x11')) + '.' + part(QByteArray(16, '\x22')) + '.'
            + part(QByteArray(64, '\x33')) + '.' + part(QByteArray(16, '\x44'));
    } else {
        token = op.sign(alg, *signingKey, claims, kid);
        if (signature == Signature::OtherKey) {
            // Signed over the same header and claims with another key (or secret), so only the
            // signature is wrong.
            QByteArray forged;
            if (alg == QLatin1String("HS256")) {
                QString error;
                const QByteArray signingInput = token.left(token.lastIndexOf('.'));
                const std::optional<QByteArray> mac =
                    jose::signHmac(alg, QByteArray("a-different-secret-of-at-least-32-bytes"), signingInput, &error);
                forged = signingInput + '.' + mac.value_or(QByteArray()).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
            } else {
                const jose::Key other = alg == QLatin1String("ES256") ? jose::Key::generateEc(QStringLiteral("P-256")) : op.rsaB();
                forged = op.sign(alg, other, claims, kid);
            }
            token = replaceSignature(token, forged);
        } else if (signature == Signature::Der) {
            const QByteArray raw = QByteArray::fromBase64(token.mid(token.lastIndexOf('.') + 1), QByteArray::Base64UrlEncoding);
            QByteArray der("\x30\x44\x02\x20", 4);
            der += raw.left(32);
            der += QByteArray("\x02\x20", 2);
            der += raw.mid(32);
            token = token.left(token.lastIndexOf('.') + 1)
                + der.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        }
    }

    const IdTokenValidation validation = validateIdToken(token, op.fetchJwks(keys), expect);
    CaseResult result = fromValidation(validation);

    if (testId == QLatin1String("rp-userinfo-bad-sub-claim")) {
        // The ID token is valid, and the UserInfo response names another user.
        const Check userInfo = compareUserInfoSubject(
            QJsonObject{{QStringLiteral("sub"), QStringLiteral("foobar")}, {QStringLiteral("name"), QStringLiteral("Jane")}},
            validation.claims());
        result.checks.append(userInfo);
        result.accepted = result.accepted && userInfo.status != Status::Failed;
    }
    return result;
}

CaseResult TestConformance::runConfigCase(const QString &testId) const
{
    const Provider &op = m_provider;
    const QString responseType = basic;
    CaseResult result;

    if (testId.startsWith(QLatin1String("rp-discovery-"))) {
        // The discovery document of the test OP.
        const bool mismatch = testId == QLatin1String("rp-discovery-issuer-not-matching-config");
        const QJsonObject document{
            {QStringLiteral("issuer"), mismatch ? QStringLiteral("https://example.com/not-the-issuer") : issuer},
            {QStringLiteral("authorization_endpoint"), issuer + QStringLiteral("/authorize")},
            {QStringLiteral("token_endpoint"), issuer + QStringLiteral("/token")},
            {QStringLiteral("jwks_uri"), issuer + QStringLiteral("/jwks")},
            {QStringLiteral("userinfo_endpoint"), issuer + QStringLiteral("/userinfo")},
            {QStringLiteral("response_types_supported"), QJsonArray{QStringLiteral("code")}},
            {QStringLiteral("subject_types_supported"), QJsonArray{QStringLiteral("public")}},
            {QStringLiteral("id_token_signing_alg_values_supported"), QJsonArray{QStringLiteral("RS256")}},
        };
        ProviderMetadata metadata;
        QString error;
        const bool parsed = ProviderMetadata::parse(QJsonDocument(document).toJson(),
                                                    QUrl(issuer + QStringLiteral("/.well-known/openid-configuration")),
                                                    issuer, &metadata, &error);
        Check discovery;
        discovery.id = QStringLiteral("check-discovery");
        discovery.name = QStringLiteral("Discovery document");
        discovery.status = parsed ? Status::Passed : Status::Failed;
        discovery.reason = parsed ? QStringLiteral("The discovery document was read and its issuer matches.") : error;
        discovery.spec = QStringLiteral("OpenID Connect Discovery 1.0, sections 3 and 4.3");
        result.checks.append(discovery);
        if (!parsed)
            return result;

        // The keys come from the document at jwks_uri, and the token's algorithm must be one the
        // document advertises.
        IdTokenExpectations expect = op.expectations(responseType);
        expect.providerAlgorithms = metadata.idTokenSigningAlgValuesSupported;
        const QByteArray token = op.sign(QStringLiteral("RS256"), op.rsaA(), op.claims(responseType), QStringLiteral("rsa-a"));
        const IdTokenValidation validation = validateIdToken(token, op.fetchJwks(QJsonArray{op.publicA(), op.publicEc()}), expect);
        result.checks.append(validation.checks);
        result.accepted = validation.passed();
        return result;
    }

    // Key rotation. The RP has the JWKS from before the rotation (key A). The OP then signs with
    // key B, which only the refetched JWKS contains. "-native" rotates just before signing the
    // first ID token; the other case first verifies a token signed with key A.
    QDateTime now = QDateTime::fromSecsSinceEpoch(nowSeconds, QTimeZone::utc());
    JwksRefetchPolicy policy(60, [&now] { return now; });
    QList<jose::Jwk> cachedJwks = op.fetchJwks(QJsonArray{op.publicA()});
    const IdTokenExpectations expect = op.expectations(responseType);

    if (testId == QLatin1String("rp-key-rotation-op-sign-key")) {
        const QByteArray before = op.sign(QStringLiteral("RS256"), op.rsaA(), op.claims(responseType), QStringLiteral("rsa-a"));
        const IdTokenValidation first = validateIdToken(before, cachedJwks, expect);
        if (!first.passed()) {
            result.checks = first.checks;
            return result;
        }
        now = now.addSecs(600);
    }

    const QByteArray rotated = op.sign(QStringLiteral("RS256"), op.rsaB(), op.claims(responseType), QStringLiteral("rsa-b"));
    IdTokenValidation validation = validateIdToken(rotated, cachedJwks, expect);
    Check refetch;
    refetch.id = QStringLiteral("check-jwks-refetch");
    refetch.name = QStringLiteral("Fetch the JWKS again");
    refetch.spec = QStringLiteral("OpenID Connect Core 1.0, section 10.1.1");
    if (validation.unknownKeyId) {
        const JwksRefetchPolicy::Decision decision = policy.requestRefetch(issuer, validation.unknownKid);
        refetch.status = decision.allowed ? Status::Passed : Status::Failed;
        refetch.reason = decision.reason;
        if (decision.allowed) {
            // The OP now publishes both keys.
            cachedJwks = op.fetchJwks(testId == QLatin1String("afx-key-rotation-refetch-once")
                                          ? QJsonArray{op.publicA()}
                                          : QJsonArray{op.publicA(), op.publicB()});
            validation = validateIdToken(rotated, cachedJwks, expect);
        }
    } else {
        refetch.status = Status::Skipped;
        refetch.reason = QStringLiteral("The kid was known, so the JWKS was not fetched again.");
    }

    if (testId == QLatin1String("afx-key-rotation-refetch-once")) {
        // The refetched JWKS still lacks the kid. A second token with the same kid, a minute
        // later, must not trigger another fetch.
        now = now.addSecs(61);
        const JwksRefetchPolicy::Decision again = policy.requestRefetch(issuer, validation.unknownKid);
        refetch.status = again.allowed ? Status::Passed : Status::Failed;
        refetch.reason = again.reason;
    }
    result.checks = validation.checks;
    result.checks.append(refetch);
    result.accepted = validation.passed() && refetch.status != Status::Failed;
    return result;
}

QTEST_GUILESS_MAIN(TestConformance)
#include "tst_conformance.moc"
