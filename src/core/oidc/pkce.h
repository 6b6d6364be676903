#pragma once

#include <QByteArray>

namespace afx::oidc {

// Proof Key for Code Exchange (RFC 7636).
struct Pkce {
    QByteArray verifier;  // 43..128 characters from the unreserved set
    QByteArray challenge; // BASE64URL(SHA256(ASCII(verifier))) without '=' padding
    static constexpr const char *method = "S256";

    // 32 random bytes -> 43-character verifier. Both members are empty if the RNG failed.
    static Pkce generate();
    static QByteArray challengeFor(const QByteArray &verifier);
    static bool isValidVerifier(const QByteArray &verifier); // length and character set of RFC 7636 section 4.1
};

// Random base64url string from `bytes` bytes of a cryptographic RNG, for state and nonce.
// Empty if `bytes` is not positive or OpenSSL's RNG failed.
QByteArray randomToken(int bytes = 24);

} // namespace afx::oidc
