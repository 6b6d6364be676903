#include "oidc/pkce.h"

#include "jose/base64url.h"

#include <QLoggingCategory>

#include <algorithm>

#include <openssl/evp.h>
#include <openssl/rand.h>

namespace afx::oidc {

namespace {

Q_LOGGING_CATEGORY(lcPkce, "afx.oidc")

// RFC 7636 section 4.1: ALPHA / DIGIT / "-" / "." / "_" / "~".
bool isVerifierCharacter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
        || c == '.' || c == '_' || c == '~';
}

} // namespace

QByteArray randomToken(int bytes)
{
    if (bytes <= 0)
        return {};
    QByteArray random(bytes, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(random.data()), bytes) != 1) {
        qCCritical(lcPkce) << "The OpenSSL random number generator failed; no state, nonce or PKCE verifier was created";
        return {};
    }
    return jose::base64UrlEncode(random);
}

Pkce Pkce::generate()
{
    // 32 random bytes give the 43-character verifier that RFC 7636 section 4.1 recommends.
    Pkce pkce;
    pkce.verifier = randomToken(32);
    if (!pkce.verifier.isEmpty())
        pkce.challenge = challengeFor(pkce.verifier);
    return pkce;
}

QByteArray Pkce::challengeFor(const QByteArray &verifier)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestLength = 0;
    if (EVP_Digest(verifier.constData(), size_t(verifier.size()), digest, &digestLength, EVP_sha256(), nullptr) != 1) {
        qCCritical(lcPkce) << "OpenSSL failed to compute SHA-256 for the PKCE challenge";
        return {};
    }
    return jose::base64UrlEncode(QByteArrayView(digest, qsizetype(digestLength)));
}

bool Pkce::isValidVerifier(const QByteArray &verifier)
{
    if (verifier.size() < 43 || verifier.size() > 128)
        return false;
    return std::all_of(verifier.cbegin(), verifier.cend(), isVerifierCharacter);
}

} // namespace afx::oidc
