// libFuzzer target: compact JWS parsing (CompactJws::parse, classifyToken), the signature
// checks that run on a parsed token, and the ID token validator. The validator reads the header
// and claims with json::ObjectView, so every text that reader accepts is compared with what
// QJsonDocument reads from it. The input is the token text.

#include "fuzzsupport.h"

#include "jose/base64url.h"
#include "jose/jws.h"
#include "jose/key.h"
#include "json/objectview.h"
#include "oidc/idtokenvalidator.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace afx;

namespace {

// Keys made once, so that verify() runs with every key type on every parsed token.
struct VerificationKeys {
    jose::Key rsa;
    jose::Key ec;
    jose::Key ed25519;
    QByteArray hmacSecret;
    QList<jose::Jwk> jwks; // the public halves, as a provider publishes them
};

VerificationKeys *keys = nullptr;

// Reads `text` with json::ObjectView and, when it is accepted, with QJsonDocument: both must see
// the same members with the same types and values.
void compareObjectReaders(const QByteArray &text)
{
    json::ObjectView view;
    QString error;
    if (!view.read(text, &error)) {
        fuzz::require(!error.isEmpty(), "a rejected JSON object has a message");
        fuzz::require(view.isEmpty(), "a rejected JSON object leaves the view empty");
        return;
    }
    QJsonParseError qtError;
    const QJsonDocument document = QJsonDocument::fromJson(text, &qtError);
    fuzz::require(qtError.error == QJsonParseError::NoError && document.isObject(),
                  "a JSON object the view accepts is a JSON object for QJsonDocument too");
    const QJsonObject object = document.object();
    fuzz::require(object.size() == view.size(), "both readers find the same number of members");
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        const json::ValueView value = view.value(it.key());
        fuzz::require(value.type() == it.value().type(), "both readers give a member the same type");
        if (value.isString())
            fuzz::require(value.toString() == it.value().toString(), "both readers decode a string alike");
        if (value.isDouble())
            fuzz::require(value.toDouble() == it.value().toDouble(), "both readers read a number alike");
        if (value.isArray())
            fuzz::require(value.toArray() == it.value().toArray(), "both readers read an array alike");
    }
}

void checkValidator(const QByteArray &token)
{
    oidc::IdTokenExpectations expect;
    expect.issuer = QStringLiteral("https://idp.example.com");
    expect.clientId = QStringLiteral("fuzz-client");
    expect.nonce = "n-0S6_WzA2Mj";
    const oidc::IdTokenValidation validation = oidc::validateIdToken(token, keys->jwks, expect);
    fuzz::require(validation.checks.size() == 17, "the validator reports all 17 checks");
    // Only the key holder can sign, and these private keys never sign the fuzzer's input.
    fuzz::require(!validation.passed(), "a token signed by nobody here does not pass");
    for (const oidc::Check &check : validation.checks)
        fuzz::require(!check.reason.isEmpty(), "every check has a reason");
    (void)validation.claims();
}

void checkParsedToken(const QByteArray &token, const jose::CompactJws &jws)
{
    // base64UrlDecode accepts exactly one encoding per byte string, so the parts must come
    // back unchanged when encoded again.
    const QByteArray reencoded = jws.signingInput + '.' + jose::base64UrlEncode(jws.signature);
    fuzz::require(reencoded == token, "a parsed token re-encodes to the same text");
    fuzz::require(jws.signingInput.endsWith(jose::base64UrlEncode(jws.payload)),
                  "the signing input ends with the encoded payload");
    fuzz::require(jose::classifyToken(token) == jose::TokenFormat::Jws, "a parsed token is classified as a JWS");

    QString error;
    jose::checkCriticalHeader(jws.header, &error);
    for (const jose::Key *key : {&keys->rsa, &keys->ec, &keys->ed25519}) {
        error.clear();
        if (!jws.verify(*key, &error))
            fuzz::require(!error.isEmpty(), "a failed verification sets a message");
    }
    error.clear();
    if (!jws.verifyHmac(keys->hmacSecret, &error))
        fuzz::require(!error.isEmpty(), "a failed HMAC verification sets a message");
    jose::halfHash(jws.alg(), jws.signingInput);
    (void)jws.kid();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::silenceAppLogging();
    keys = new VerificationKeys{jose::Key::generateRsa(2048), jose::Key::generateEc(QStringLiteral("P-256")),
                                jose::Key::generateEd25519(), QByteArray(64, 'k'), {}};
    fuzz::require(!keys->rsa.isNull() && !keys->ec.isNull() && !keys->ed25519.isNull(),
                  "the verification keys can be generated");
    const QJsonArray publicKeys{keys->rsa.toPublicJwk(QStringLiteral("rsa"), QStringLiteral("RS256")),
                                keys->ec.toPublicJwk(QStringLiteral("ec"), QStringLiteral("ES256")),
                                keys->ed25519.toPublicJwk(QStringLiteral("ed"), QStringLiteral("EdDSA"))};
    jose::Jwks jwks;
    QString error;
    fuzz::require(jose::Jwks::parse(QJsonDocument(QJsonObject{{QStringLiteral("keys"), publicKeys}}).toJson(), &jwks, &error),
                  "the fuzzer's JWKS can be parsed");
    keys->jwks = jwks.keys;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray token = fuzz::toByteArray(data, size);

    compareObjectReaders(token);
    checkValidator(token);
    QString error;
    if (const std::optional<jose::DecodedCompactJws> decoded = jose::decodeCompactJws(token, &error)) {
        compareObjectReaders(decoded->header);
        compareObjectReaders(decoded->payload);
    }

    error.clear();
    const std::optional<jose::CompactJws> jws = jose::CompactJws::parse(token, &error);
    if (!jws) {
        fuzz::require(!error.isEmpty(), "a rejected token has a message");
        jose::classifyToken(token);
        return 0;
    }
    checkParsedToken(token, *jws);
    return 0;
}
