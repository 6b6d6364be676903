// libFuzzer target: compact JWS parsing (CompactJws::parse, classifyToken) and the signature
// checks that run on a parsed token. The input is the token text.

#include "fuzzsupport.h"

#include "jose/base64url.h"
#include "jose/jws.h"
#include "jose/key.h"

using namespace afx;

namespace {

// Keys made once, so that verify() runs with every key type on every parsed token.
struct VerificationKeys {
    jose::Key rsa;
    jose::Key ec;
    jose::Key ed25519;
    QByteArray hmacSecret;
};

VerificationKeys *keys = nullptr;

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
                                jose::Key::generateEd25519(), QByteArray(64, 'k')};
    fuzz::require(!keys->rsa.isNull() && !keys->ec.isNull() && !keys->ed25519.isNull(),
                  "the verification keys can be generated");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray token = fuzz::toByteArray(data, size);

    QString error;
    const std::optional<jose::CompactJws> jws = jose::CompactJws::parse(token, &error);
    if (!jws) {
        fuzz::require(!error.isEmpty(), "a rejected token has a message");
        jose::classifyToken(token);
        return 0;
    }
    checkParsedToken(token, *jws);
    return 0;
}
