#pragma once

#include "jose/key.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace afx::jose {

// What a token string looks like before any verification (RFC 7515, RFC 7516, RFC 6749 1.4).
enum class TokenFormat {
    Jws,     // three base64url parts: header.payload.signature
    Jwe,     // five parts: an encrypted token, not verifiable without the decryption key
    Opaque,  // anything else: a reference token only its issuer can read
};
// Jws needs three base64url parts whose first part decodes to a JSON object. Jwe needs five
// such parts and an "enc" member in that header. Whitespace anywhere makes a token Opaque.
TokenFormat classifyToken(const QByteArray &token);

// The three parts of a compact JWS, base64url-decoded but not parsed.
struct DecodedCompactJws {
    QByteArray signingInput; // ASCII(BASE64URL(header) || '.' || BASE64URL(payload))
    QByteArray header;       // JSON text of the header
    QByteArray payload;
    QByteArray signature;
};

// Splits a compact JWS and decodes its parts. On failure returns nullopt and sets *error to a
// sentence naming what was wrong: the size (checked first, on the whole token), the count of
// parts, an empty header, or the part that is not base64url.
std::optional<DecodedCompactJws> decodeCompactJws(const QByteArray &token, QString *error,
                                                  qsizetype maxBytes = 64 * 1024);

// A compact JWS split into its parts, with header and payload decoded.
struct CompactJws {
    QByteArray signingInput;  // ASCII(BASE64URL(header) || '.' || BASE64URL(payload))
    QJsonObject header;
    QByteArray payload;       // raw bytes of the payload
    QJsonObject claims;       // payload parsed as a JSON object, empty if it is not one
    QByteArray signature;     // decoded signature bytes

    QString alg() const { return header.value(QStringLiteral("alg")).toString(); }
    QString kid() const { return header.value(QStringLiteral("kid")).toString(); }

    // Splits and decodes a compact JWS. On failure returns nullopt and sets *error to a
    // sentence naming the part that was wrong (size, count of parts, base64url, JSON, a missing
    // or non-string "alg"). The size limit is checked first, on the whole token.
    static std::optional<CompactJws> parse(const QByteArray &token, QString *error,
                                           qsizetype maxBytes = 64 * 1024);

    // Checks the "crit" header (see checkCriticalHeader), then the signature with
    // verifySignature or verifyHmac for the algorithm named in the header.
    bool verify(const Key &key, QString *error) const;
    bool verifyHmac(const QByteArray &secret, QString *error) const;
};

// Rejects a header whose "crit" member lists extensions (RFC 7515 section 4.1.11), because this
// code implements none of them. Also rejects a malformed "crit". Returns true without "crit".
bool checkCriticalHeader(const QJsonObject &header, QString *error);

// The JWK parameters of a key: what Key::kty(), Key::curve() and Key::bits() return.
struct KeyParameters {
    QString kty;
    QString curve;
    int bits = 0;
};
// Returns the parameters of `key`. For a public key they are looked up once per key and thread
// and then kept, because Key::curve() queries OpenSSL for the group name on every call.
KeyParameters keyParameters(const Key &key);

// The algorithms this build can verify and sign.
bool isSupportedAlgorithm(const QString &alg);
QStringList supportedAlgorithms();

// Verifies `signature` over `signingInput` with `key` for the JOSE algorithm `alg`
// (RS256/384/512, PS256/384/512, ES256/384/512, EdDSA; HS256/384/512 take the secret
// through verifyHmac). ES signatures must be raw R||S as RFC 7518 section 3.4 requires;
// a DER signature is rejected with a reason that says so. "none" is always rejected.
// Returns false with *error set to the reason on any failure.
bool verifySignature(const QString &alg, const Key &key, const QByteArray &signingInput,
                     const QByteArray &signature, QString *error);
bool verifyHmac(const QString &alg, const QByteArray &secret, const QByteArray &signingInput,
                const QByteArray &signature, QString *error);

// Signs with a private key and returns the JOSE signature bytes (raw R||S for ES*).
std::optional<QByteArray> sign(const QString &alg, const Key &privateKey,
                               const QByteArray &signingInput, QString *error);
// Computes the HS256/384/512 signature. The secret must be at least as long as the hash
// output (RFC 7518 section 3.2); verifyHmac applies the same rule.
std::optional<QByteArray> signHmac(const QString &alg, const QByteArray &secret,
                                   const QByteArray &signingInput, QString *error);

// Builds a compact JWS: header (alg is set from `alg`) + claims, signed with `privateKey`.
// Used by the sandbox and by tests that mint tokens.
std::optional<QByteArray> signCompact(const QString &alg, const Key &privateKey, QJsonObject header,
                                      const QJsonObject &claims, QString *error);
std::optional<QByteArray> signCompactHmac(const QString &alg, const QByteArray &secret, QJsonObject header,
                                          const QJsonObject &claims, QString *error);

// The left half of the hash that `alg` uses, base64url-encoded: the at_hash / c_hash value
// of OpenID Connect Core section 3.1.3.6. EdDSA uses SHA-512, the hash of Ed25519.
// Empty for unknown algorithms and for "none".
QByteArray halfHash(const QString &alg, const QByteArray &value);

} // namespace afx::jose
