#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <memory>

struct evp_pkey_st; // OpenSSL's EVP_PKEY, kept out of this header

namespace afx::jose {

// A public or private key (RSA, EC P-256/P-384/P-521, or Ed25519), shared by value.
class Key {
public:
    Key() = default;

    bool isNull() const { return !m_key; }
    bool hasPrivate() const { return m_private; }
    QString kty() const;   // "RSA", "EC", "OKP"; empty for a null key
    QString curve() const; // "P-256", "P-384", "P-521", "Ed25519"; empty for RSA

    int bits() const;      // key size in bits (modulus for RSA, group order for EC); 0 if null

    // Builds a public key from a JWK object (RFC 7517/7518). On failure returns a null key
    // and sets *error to a sentence naming the member that was missing or invalid.
    // Private members ("d", "p", ...) are ignored, so the result never holds a private key.
    static Key fromJwk(const QJsonObject &jwk, QString *error);

    // Builds a private key from a JWK that has the private member "d" (and, for RSA, either all
    // of "p", "q", "dp", "dq", "qi" or none of them). The key pair is checked for consistency.
    static Key fromPrivateJwk(const QJsonObject &jwk, QString *error);

    // Generate a new key pair. Each returns a null key, and logs a warning, when the size
    // (512 to 16384 bits) or the curve ("P-256", "P-384", "P-521") is not supported or OpenSSL fails.
    static Key generateRsa(int bits = 2048);
    static Key generateEc(const QString &curve = QStringLiteral("P-256"));
    static Key generateEd25519();

    // Public JWK with kty, the key members, and kid/alg/use when not empty.
    QJsonObject toPublicJwk(const QString &kid = {}, const QString &alg = {},
                            const QString &use = QStringLiteral("sig")) const;

    // The JWK SHA-256 thumbprint of the public key (RFC 7638), base64url-encoded; a common
    // choice for "kid". Empty for a null key.
    QByteArray thumbprint() const;

    // PKCS #8 PEM of a private key, for keeping it in the keychain. Empty for a public key, and
    // for an RSA key from a private JWK without "p", "q", "dp", "dq" and "qi", because the
    // RSAPrivateKey structure inside PKCS #8 (RFC 8017 appendix A.1.2) needs the primes.
    QByteArray toPrivatePem() const;
    // Reads a PKCS #8 (or traditional) PEM private key; a null key with *error on failure.
    static Key fromPrivatePem(const QByteArray &pem, QString *error);

    evp_pkey_st *handle() const { return m_key.get(); }
    static Key adopt(evp_pkey_st *key, bool hasPrivate); // takes ownership

private:
    std::shared_ptr<evp_pkey_st> m_key;
    bool m_private = false;
};

// One JWK from a JWK Set, with its metadata and the parsed key.
struct Jwk {
    QJsonObject json;
    QString kid;
    QString kty;
    QString alg;
    QString use;
    QString crv;
    QStringList keyOps;
    QStringList x5c;
    Key key;
};

// A parsed JWK Set. Keys that cannot be parsed are skipped and described in `skipped`.
struct Jwks {
    QList<Jwk> keys;
    QStringList skipped; // one sentence per key that was not usable, naming its index and kid

    // The default size limit for a JWKS document. By estimate, a provider's set of a few keys
    // takes a few KiB, and tens of KiB with x5c certificate chains.
    static constexpr qsizetype maxDocumentBytes = 512 * 1024;

    // Parses a JWKS document. Returns false with *error set when the document is larger than
    // maxBytes or is not a JSON object with a "keys" array. The size is checked first, before
    // any parsing, and its message names both the size and the limit.
    static bool parse(const QByteArray &json, Jwks *out, QString *error, qsizetype maxBytes = maxDocumentBytes);
};

} // namespace afx::jose
