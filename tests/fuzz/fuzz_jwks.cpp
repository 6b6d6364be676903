// libFuzzer target: JWK Set parsing (Jwks::parse) and the single-JWK entry points
// (Key::fromJwk, Key::fromPrivateJwk). The input is a JSON document: a JWK Set, or a single
// JWK when the top-level object has no "keys" member.

#include "fuzzsupport.h"

#include "jose/key.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace afx;

namespace {

// Private-key imports check the key pair, which is slow for large RSA keys, so only the first
// few entries of a set are imported as private keys.
constexpr qsizetype kMaxPrivateImports = 4;

void checkPublicKey(const jose::Key &key)
{
    fuzz::require(!key.isNull(), "an accepted JWK yields a key");
    fuzz::require(!key.hasPrivate(), "a public import never holds a private key");
    fuzz::require(!key.kty().isEmpty(), "an accepted key has a kty");
    fuzz::require(key.bits() > 0, "an accepted key has a size");

    const QByteArray thumbprint = key.thumbprint();
    fuzz::require(!thumbprint.isEmpty(), "an accepted key has a thumbprint");

    // Export and import again: the same public key must come back.
    QString error;
    const jose::Key again = jose::Key::fromJwk(key.toPublicJwk(), &error);
    fuzz::require(!again.isNull(), "an exported public JWK can be imported again");
    fuzz::require(again.thumbprint() == thumbprint, "a public JWK round trip keeps the thumbprint");
}

void importPrivate(const QJsonObject &jwk)
{
    QString error;
    const jose::Key key = jose::Key::fromPrivateJwk(jwk, &error);
    if (key.isNull()) {
        fuzz::require(!error.isEmpty(), "a rejected private JWK has a message");
        return;
    }
    fuzz::require(key.hasPrivate(), "a private import holds the private key");

    // PKCS #8 needs the RSA primes, so an RSA key imported without them has no PEM form.
    const QByteArray pem = key.toPrivatePem();
    if (key.kty() == QLatin1String("RSA") && !jwk.contains(QStringLiteral("p"))) {
        fuzz::require(pem.isEmpty(), "an RSA key without primes has no PEM form");
        return;
    }
    fuzz::require(!pem.isEmpty(), "a private key exports to PEM");
    const jose::Key fromPem = jose::Key::fromPrivatePem(pem, &error);
    fuzz::require(!fromPem.isNull(), "an exported PEM can be read again");
    fuzz::require(fromPem.thumbprint() == key.thumbprint(), "a PEM round trip keeps the thumbprint");
}

void importSingle(const QJsonObject &jwk)
{
    QString error;
    const jose::Key key = jose::Key::fromJwk(jwk, &error);
    if (key.isNull())
        fuzz::require(!error.isEmpty(), "a rejected JWK has a message");
    else
        checkPublicKey(key);
    importPrivate(jwk);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::silenceAppLogging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray document = fuzz::toByteArray(data, size);

    jose::Jwks jwks;
    QString error;
    if (!jose::Jwks::parse(document, &jwks, &error)) {
        fuzz::require(!error.isEmpty(), "a rejected JWKS has a message");
    } else {
        for (const jose::Jwk &jwk : std::as_const(jwks.keys))
            checkPublicKey(jwk.key);
    }

    // The same text, read as JSON, feeds the single-key entry points.
    const QJsonDocument json = QJsonDocument::fromJson(document);
    if (!json.isObject())
        return 0;
    const QJsonObject object = json.object();
    const QJsonValue keysValue = object.value(QStringLiteral("keys"));
    if (!keysValue.isArray()) {
        importSingle(object);
        return 0;
    }
    const QJsonArray entries = keysValue.toArray();
    for (qsizetype i = 0; i < entries.size() && i < kMaxPrivateImports; ++i) {
        if (entries.at(i).isObject())
            importPrivate(entries.at(i).toObject());
    }
    return 0;
}
