#include "jose/jws.h"

#include "jose/base64url.h"
#include "jose/openssl_p.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

#include <array>
#include <memory>
#include <vector>

namespace afx::jose {

using namespace detail;

namespace {

// RSA keys below this size are rejected for RS* and PS* (RFC 7518 sections 3.3 and 3.5).
constexpr int kMinRsaBits = 2048;
constexpr int kEd25519SignatureBytes = 64;

enum class Family { RsaPkcs1, RsaPss, Ecdsa, EdDsa, Hmac };

struct AlgorithmInfo {
    const char *name;
    Family family;
    const char *digest;  // OpenSSL digest name; nullptr for EdDSA, which hashes internally
    const char *curve;   // JWK "crv" the key must have, for ES* and EdDSA
    int coordinateBytes; // size of R and of S in a raw ES* signature
    QCryptographicHash::Algorithm halfHash;
    int hashBytes;
};

// NOTE: OpenID Connect Core names no hash for EdDSA. SHA-512 (the hash inside Ed25519) is what
// the OpenID Connect working group agreed on and what common providers use for at_hash/c_hash.
constexpr std::array<AlgorithmInfo, 13> kAlgorithms{{
    {"RS256", Family::RsaPkcs1, "SHA256", nullptr, 0, QCryptographicHash::Sha256, 32},
    {"RS384", Family::RsaPkcs1, "SHA384", nullptr, 0, QCryptographicHash::Sha384, 48},
    {"RS512", Family::RsaPkcs1, "SHA512", nullptr, 0, QCryptographicHash::Sha512, 64},
    {"PS256", Family::RsaPss, "SHA256", nullptr, 0, QCryptographicHash::Sha256, 32},
    {"PS384", Family::RsaPss, "SHA384", nullptr, 0, QCryptographicHash::Sha384, 48},
    {"PS512", Family::RsaPss, "SHA512", nullptr, 0, QCryptographicHash::Sha512, 64},
    {"ES256", Family::Ecdsa, "SHA256", "P-256", 32, QCryptographicHash::Sha256, 32},
    {"ES384", Family::Ecdsa, "SHA384", "P-384", 48, QCryptographicHash::Sha384, 48},
    {"ES512", Family::Ecdsa, "SHA512", "P-521", 66, QCryptographicHash::Sha512, 64},
    {"EdDSA", Family::EdDsa, nullptr, "Ed25519", 0, QCryptographicHash::Sha512, 64},
    {"HS256", Family::Hmac, "SHA256", nullptr, 0, QCryptographicHash::Sha256, 32},
    {"HS384", Family::Hmac, "SHA384", nullptr, 0, QCryptographicHash::Sha384, 48},
    {"HS512", Family::Hmac, "SHA512", nullptr, 0, QCryptographicHash::Sha512, 64},
}};

struct EcdsaSignatureDeleter {
    void operator()(ECDSA_SIG *signature) const { ECDSA_SIG_free(signature); }
};
using EcdsaSignaturePtr = std::unique_ptr<ECDSA_SIG, EcdsaSignatureDeleter>;

struct MacDeleter {
    void operator()(EVP_MAC *mac) const { EVP_MAC_free(mac); }
};
struct MacContextDeleter {
    void operator()(EVP_MAC_CTX *context) const { EVP_MAC_CTX_free(context); }
};

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

const AlgorithmInfo *findAlgorithm(const QString &alg)
{
    for (const AlgorithmInfo &info : kAlgorithms) {
        if (alg == QLatin1String(info.name))
            return &info;
    }
    return nullptr;
}

// Looks up `alg`, rejecting "none" (in any letter case) and unknown names with a reason.
const AlgorithmInfo *resolveAlgorithm(const QString &alg, QString *error)
{
    if (alg.isEmpty()) {
        fail(error, QStringLiteral("No algorithm was given. The JWS header must name one in \"alg\"."));
        return nullptr;
    }
    if (alg.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0) {
        fail(error, QStringLiteral("The algorithm \"%1\" means the token is not signed, and unsigned tokens are "
                                   "always rejected.")
                        .arg(alg));
        return nullptr;
    }
    const AlgorithmInfo *info = findAlgorithm(alg);
    if (!info) {
        fail(error, QStringLiteral("The algorithm \"%1\" is not supported. Supported algorithms are %2.")
                        .arg(alg, supportedAlgorithms().join(QStringLiteral(", "))));
    }
    return info;
}

// The parameters of the public keys that one thread has used, because Key::curve() queries
// OpenSSL for the group name on every call. Like VerifierCache below, each entry holds a reference to
// its EVP_PKEY, so the address cannot be reused by another key while it is cached, and the cache
// starts over when it has kMaxEntries keys.
class KeyParametersCache {
public:
    KeyParametersCache() = default;
    KeyParametersCache(const KeyParametersCache &) = delete;
    KeyParametersCache &operator=(const KeyParametersCache &) = delete;
    ~KeyParametersCache() { clear(); }

    KeyParameters find(const Key &key)
    {
        EVP_PKEY *handle = key.handle();
        for (const Entry &entry : m_entries) {
            if (entry.key == handle)
                return entry.parameters;
        }
        const KeyParameters parameters{key.kty(), key.curve(), key.bits()};
        if (m_entries.size() >= kMaxEntries)
            clear();
        if (EVP_PKEY_up_ref(handle) == 1)
            m_entries.push_back(Entry{handle, parameters});
        return parameters;
    }

private:
    struct Entry {
        EVP_PKEY *key;
        KeyParameters parameters;
    };
    static constexpr std::size_t kMaxEntries = 16;

    void clear()
    {
        for (const Entry &entry : m_entries)
            EVP_PKEY_free(entry.key);
        m_entries.clear();
    }

    std::vector<Entry> m_entries;
};

QString describeKey(const Key &key)
{
    const QString kty = key.kty();
    if (kty == QLatin1String("RSA"))
        return QStringLiteral("an RSA key of %1 bits").arg(key.bits());
    if (kty == QLatin1String("EC"))
        return QStringLiteral("an EC key on curve %1").arg(key.curve());
    if (kty == QLatin1String("OKP"))
        return QStringLiteral("an OKP key on curve %1").arg(key.curve());
    return QStringLiteral("a key of an unsupported type");
}

// Checks that `key` can be used with the public-key algorithm `info`.
bool checkKeyMatches(const AlgorithmInfo &info, const Key &key, QString *error)
{
    const QLatin1String alg(info.name);
    if (key.isNull())
        return fail(error, QStringLiteral("No key was given for the %1 signature.").arg(alg));

    const KeyParameters parameters = keyParameters(key);
    switch (info.family) {
    case Family::RsaPkcs1:
    case Family::RsaPss:
        if (parameters.kty != QLatin1String("RSA"))
            return fail(error, QStringLiteral("%1 needs an RSA key, but the key is %2.").arg(alg, describeKey(key)));
        if (parameters.bits < kMinRsaBits)
            return fail(error, QStringLiteral("%1 needs an RSA key of at least %2 bits, but the key has %3 bits.")
                                   .arg(alg)
                                   .arg(kMinRsaBits)
                                   .arg(parameters.bits));
        return true;
    case Family::Ecdsa:
        if (parameters.kty != QLatin1String("EC") || parameters.curve != QLatin1String(info.curve))
            return fail(error, QStringLiteral("%1 needs an EC key on curve %2, but the key is %3.")
                                   .arg(alg, QLatin1String(info.curve), describeKey(key)));
        return true;
    case Family::EdDsa:
        if (parameters.kty != QLatin1String("OKP") || parameters.curve != QLatin1String(info.curve))
            return fail(error, QStringLiteral("EdDSA needs an OKP key on curve Ed25519, but the key is %1.")
                                   .arg(describeKey(key)));
        return true;
    case Family::Hmac:
        break;
    }
    return fail(error, QStringLiteral("%1 is an HMAC algorithm and needs the shared secret, not a public or "
                                      "private key.")
                           .arg(alg));
}

// Whether `signature` has the shape of a DER ECDSA-Sig-Value: SEQUENCE { INTEGER r, INTEGER s }
// whose length byte matches the data.
bool looksLikeDer(const QByteArray &signature)
{
    if (signature.size() < 8 || quint8(signature.at(0)) != 0x30)
        return false;
    const quint8 length = quint8(signature.at(1));
    if (length < 0x80)
        return length == signature.size() - 2 && quint8(signature.at(2)) == 0x02;
    if (length == 0x81)
        return quint8(signature.at(2)) == signature.size() - 3 && quint8(signature.at(3)) == 0x02;
    return false;
}

// Converts a raw R||S signature (RFC 7518 section 3.4) to the DER form OpenSSL verifies.
std::optional<QByteArray> rawToDer(const QByteArray &raw, int coordinateBytes)
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(raw.constData());
    EcdsaSignaturePtr signature(ECDSA_SIG_new());
    BIGNUM *r = BN_bin2bn(bytes, coordinateBytes, nullptr);
    BIGNUM *s = BN_bin2bn(bytes + coordinateBytes, coordinateBytes, nullptr);
    if (!signature || !r || !s || ECDSA_SIG_set0(signature.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        return std::nullopt;
    }
    const int length = i2d_ECDSA_SIG(signature.get(), nullptr);
    if (length <= 0)
        return std::nullopt;
    QByteArray der(length, '\0');
    auto *out = reinterpret_cast<unsigned char *>(der.data());
    if (i2d_ECDSA_SIG(signature.get(), &out) != length)
        return std::nullopt;
    return der;
}

// Converts OpenSSL's DER signature to raw R||S, each left-padded with zeros to the coordinate size.
std::optional<QByteArray> derToRaw(const QByteArray &der, int coordinateBytes)
{
    const auto *in = reinterpret_cast<const unsigned char *>(der.constData());
    EcdsaSignaturePtr signature(d2i_ECDSA_SIG(nullptr, &in, long(der.size())));
    if (!signature)
        return std::nullopt;
    const BIGNUM *r = nullptr;
    const BIGNUM *s = nullptr;
    ECDSA_SIG_get0(signature.get(), &r, &s);
    QByteArray raw(2 * coordinateBytes, '\0');
    auto *out = reinterpret_cast<unsigned char *>(raw.data());
    if (BN_bn2binpad(r, out, coordinateBytes) != coordinateBytes
        || BN_bn2binpad(s, out + coordinateBytes, coordinateBytes) != coordinateBytes)
        return std::nullopt;
    return raw;
}

// Prepares a digest-sign or digest-verify context with the padding that `info` requires.
DigestContextPtr initDigestContext(const AlgorithmInfo &info, EVP_PKEY *key, bool forSigning)
{
    DigestContextPtr context(EVP_MD_CTX_new());
    if (!context)
        return {};
    EVP_PKEY_CTX *keyContext = nullptr;
    const int initialized = forSigning
        ? EVP_DigestSignInit_ex(context.get(), &keyContext, info.digest, nullptr, nullptr, key, nullptr)
        : EVP_DigestVerifyInit_ex(context.get(), &keyContext, info.digest, nullptr, nullptr, key, nullptr);
    if (initialized != 1)
        return {};

    if (info.family == Family::RsaPkcs1 && EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) != 1)
        return {};
    if (info.family == Family::RsaPss) {
        // RFC 7518 section 3.5: MGF1 with the same hash, and a salt as long as the hash output.
        if (EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) != 1
            || EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, RSA_PSS_SALTLEN_DIGEST) != 1
            || EVP_PKEY_CTX_set_rsa_mgf1_md_name(keyContext, info.digest, nullptr) != 1)
            return {};
    }
    return context;
}

// Checks the signature length for `info` and returns the bytes OpenSSL verifies (DER for ES*).
std::optional<QByteArray> prepareSignatureForOpenSsl(const AlgorithmInfo &info, const Key &key,
                                                     const QByteArray &signature, QString *error)
{
    const QLatin1String alg(info.name);
    if (signature.isEmpty()) {
        fail(error, QStringLiteral("The %1 signature is empty.").arg(alg));
        return std::nullopt;
    }

    switch (info.family) {
    case Family::RsaPkcs1:
    case Family::RsaPss: {
        const int expected = EVP_PKEY_get_size(key.handle());
        if (signature.size() != expected) {
            fail(error, QStringLiteral("The %1 signature is %2 bytes, but signatures made with this %3-bit RSA key "
                                       "are %4 bytes.")
                            .arg(alg)
                            .arg(signature.size())
                            .arg(key.bits())
                            .arg(expected));
            return std::nullopt;
        }
        return signature;
    }
    case Family::Ecdsa: {
        const int expected = 2 * info.coordinateBytes;
        if (signature.size() != expected) {
            if (looksLikeDer(signature)) {
                fail(error, QStringLiteral("The %1 signature looks like ASN.1 DER (%2 bytes), but JOSE requires the "
                                           "raw R||S form of exactly %3 bytes (RFC 7518 section 3.4).")
                                .arg(alg)
                                .arg(signature.size())
                                .arg(expected));
            } else {
                fail(error, QStringLiteral("The %1 signature is %2 bytes, but JOSE requires the raw R||S form of "
                                           "exactly %3 bytes.")
                                .arg(alg)
                                .arg(signature.size())
                                .arg(expected));
            }
            return std::nullopt;
        }
        std::optional<QByteArray> der = rawToDer(signature, info.coordinateBytes);
        if (!der)
            fail(error, QStringLiteral("OpenSSL could not convert the %1 signature to DER (%2).")
                            .arg(alg, takeOpenSslErrors()));
        return der;
    }
    case Family::EdDsa:
        if (signature.size() != kEd25519SignatureBytes) {
            fail(error, QStringLiteral("The EdDSA signature is %1 bytes, but an Ed25519 signature is %2 bytes.")
                            .arg(signature.size())
                            .arg(kEd25519SignatureBytes));
            return std::nullopt;
        }
        return signature;
    case Family::Hmac:
        break;
    }
    return std::nullopt;
}

// A verification context prepared once for a public key and a JOSE algorithm (RS*, PS*, ES*).
// EVP_DigestVerifyInit_ex looks up the digest and signature implementations on every call. With
// OpenSSL 3.0.22 on a 2-core AMD EPYC that took about 5 us, against 19 us for the RSA-2048
// verification itself, so the context and the digest are kept.
struct PreparedVerifier {
    EVP_PKEY *key = nullptr; // holds one reference, so the address cannot be reused while cached
    const AlgorithmInfo *info = nullptr;
    EVP_PKEY_CTX *context = nullptr;
    EVP_MD *digest = nullptr;
    EVP_MD_CTX *digestContext = nullptr; // reused for each signing input, which saves its allocation
};

// The prepared verifiers of one thread. An EVP_PKEY_CTX must not be used by two threads at once,
// so each thread has its own cache. It keeps at most kMaxEntries contexts and starts over when
// full, because a provider has only a few keys at a time.
class VerifierCache {
public:
    VerifierCache() = default;
    VerifierCache(const VerifierCache &) = delete;
    VerifierCache &operator=(const VerifierCache &) = delete;
    ~VerifierCache() { clear(); }

    const PreparedVerifier *find(EVP_PKEY *key, const AlgorithmInfo *info)
    {
        for (const PreparedVerifier &entry : m_entries) {
            if (entry.key == key && entry.info == info)
                return &entry;
        }
        if (m_entries.size() >= kMaxEntries)
            clear();
        PreparedVerifier entry = prepare(key, info);
        if (!entry.context)
            return nullptr;
        m_entries.push_back(entry);
        return &m_entries.back();
    }

private:
    static constexpr std::size_t kMaxEntries = 16;

    static void release(PreparedVerifier &entry)
    {
        EVP_PKEY_CTX_free(entry.context);
        EVP_MD_CTX_free(entry.digestContext);
        EVP_MD_free(entry.digest);
        EVP_PKEY_free(entry.key);
        entry = PreparedVerifier{};
    }

    static PreparedVerifier prepare(EVP_PKEY *key, const AlgorithmInfo *info)
    {
        PreparedVerifier entry;
        entry.info = info;
        entry.digest = EVP_MD_fetch(nullptr, info->digest, nullptr);
        entry.context = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
        entry.digestContext = EVP_MD_CTX_new();
        if (EVP_PKEY_up_ref(key) == 1)
            entry.key = key;
        bool ready = entry.digest && entry.context && entry.digestContext && entry.key
            && EVP_PKEY_verify_init(entry.context) == 1;
        if (ready && info->family == Family::RsaPkcs1)
            ready = EVP_PKEY_CTX_set_rsa_padding(entry.context, RSA_PKCS1_PADDING) == 1;
        if (ready && info->family == Family::RsaPss) {
            // RFC 7518 section 3.5: MGF1 with the same hash, and a salt as long as the hash output.
            ready = EVP_PKEY_CTX_set_rsa_padding(entry.context, RSA_PKCS1_PSS_PADDING) == 1
                && EVP_PKEY_CTX_set_rsa_pss_saltlen(entry.context, RSA_PSS_SALTLEN_DIGEST) == 1
                && EVP_PKEY_CTX_set_rsa_mgf1_md(entry.context, entry.digest) == 1;
        }
        // With the digest set, RSA verification checks the DigestInfo that names the hash.
        ready = ready && EVP_PKEY_CTX_set_signature_md(entry.context, entry.digest) == 1;
        if (!ready) {
            qCDebug(lcJose) << "could not prepare a verification context for" << info->name << takeOpenSslErrors();
            release(entry);
        }
        return entry;
    }

    void clear()
    {
        for (PreparedVerifier &entry : m_entries)
            release(entry);
        m_entries.clear();
    }

    std::vector<PreparedVerifier> m_entries;
};

// Verifies with a cached context: 1 for a valid signature, 0 for an invalid one, -1 when no
// context could be prepared (the caller then takes the uncached path).
int verifyWithPreparedContext(const AlgorithmInfo &info, const Key &key, const QByteArray &signingInput,
                              const QByteArray &opensslSignature)
{
    thread_local VerifierCache cache;
    const PreparedVerifier *verifier = cache.find(key.handle(), &info);
    if (!verifier)
        return -1;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestLength = 0;
    if (EVP_DigestInit_ex2(verifier->digestContext, verifier->digest, nullptr) != 1
        || EVP_DigestUpdate(verifier->digestContext, signingInput.constData(), size_t(signingInput.size())) != 1
        || EVP_DigestFinal_ex(verifier->digestContext, digest, &digestLength) != 1)
        return -1;
    return EVP_PKEY_verify(verifier->context, reinterpret_cast<const unsigned char *>(opensslSignature.constData()),
                           size_t(opensslSignature.size()), digest, digestLength)
            == 1
        ? 1
        : 0;
}

// Checks the algorithm and the secret for HS256/384/512.
const AlgorithmInfo *resolveHmac(const QString &alg, const QByteArray &secret, QString *error)
{
    const AlgorithmInfo *info = resolveAlgorithm(alg, error);
    if (!info)
        return nullptr;
    if (info->family != Family::Hmac) {
        fail(error, QStringLiteral("%1 is a public-key algorithm, so it needs a key, not a shared secret.").arg(alg));
        return nullptr;
    }
    if (secret.isEmpty()) {
        fail(error, QStringLiteral("The HMAC secret for %1 is empty.").arg(alg));
        return nullptr;
    }
    if (secret.size() < info->hashBytes) {
        fail(error, QStringLiteral("%1 needs a secret of at least %2 bytes (RFC 7518 section 3.2), but this secret "
                                   "has %3 bytes.")
                        .arg(alg)
                        .arg(info->hashBytes)
                        .arg(secret.size()));
        return nullptr;
    }
    return info;
}

std::optional<QByteArray> computeHmac(const AlgorithmInfo &info, const QByteArray &secret, const QByteArray &input,
                                      QString *error)
{
    const std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    const std::unique_ptr<EVP_MAC_CTX, MacContextDeleter> context(mac ? EVP_MAC_CTX_new(mac.get()) : nullptr);
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char *>(info.digest), 0),
        OSSL_PARAM_construct_end(),
    };
    unsigned char out[EVP_MAX_MD_SIZE];
    size_t outLength = 0;
    if (!context
        || EVP_MAC_init(context.get(), reinterpret_cast<const unsigned char *>(secret.constData()),
                        size_t(secret.size()), params) != 1
        || EVP_MAC_update(context.get(), reinterpret_cast<const unsigned char *>(input.constData()),
                          size_t(input.size())) != 1
        || EVP_MAC_final(context.get(), out, &outLength, sizeof out) != 1) {
        fail(error, QStringLiteral("OpenSSL could not compute the %1 HMAC (%2).")
                        .arg(QLatin1String(info.name), takeOpenSslErrors()));
        return std::nullopt;
    }
    QByteArray result(reinterpret_cast<const char *>(out), qsizetype(outLength));
    OPENSSL_cleanse(out, sizeof out);
    return result;
}

QByteArray encodeJsonPart(const QJsonObject &object)
{
    return base64UrlEncode(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QString partCountMessage(qsizetype parts)
{
    QString message = parts == 1 ? QStringLiteral("The JWS has 1 part, expected 3 separated by '.'.")
                                 : QStringLiteral("The JWS has %1 parts separated by '.', expected 3.").arg(parts);
    if (parts == 1)
        message += QStringLiteral(" A token without any '.' is usually opaque, and only its issuer can read it.");
    else if (parts == 5)
        message += QStringLiteral(" Five parts mean a JWE (an encrypted token), which cannot be read without the "
                                  "decryption key.");
    return message;
}

// Decodes a base64url part that must hold a JSON object; nullopt when it does not.
std::optional<QJsonObject> decodeJsonObjectPart(const QByteArray &part)
{
    const std::optional<QByteArray> bytes = base64UrlDecode(part);
    if (!bytes || bytes->isEmpty())
        return std::nullopt;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(*bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

// Parses the decoded header of a compact JWS, which must be a JSON object with a string "alg".
// On failure returns false and sets *error to a sentence naming what was wrong.
bool parseHeader(const QByteArray &headerBytes, QJsonObject *header, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument headerDocument = QJsonDocument::fromJson(headerBytes, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(error, QStringLiteral("The JWS header is not valid JSON: %1 at offset %2.")
                               .arg(parseError.errorString())
                               .arg(parseError.offset));
    if (!headerDocument.isObject())
        return fail(error, QStringLiteral("The JWS header is a JSON array, but it must be a JSON object."));

    *header = headerDocument.object();
    const QJsonValue alg = header->value(QLatin1String("alg"));
    if (alg.isUndefined())
        return fail(error, QStringLiteral("The JWS header has no \"alg\" member."));
    if (!alg.isString())
        return fail(error, QStringLiteral("The JWS header member \"alg\" must be a string."));
    return true;
}

} // namespace

TokenFormat classifyToken(const QByteArray &token)
{
    const qsizetype dots = token.count('.');
    if (dots != 2 && dots != 4)
        return TokenFormat::Opaque;

    const QList<QByteArray> parts = token.split('.');
    for (const QByteArray &part : parts) {
        if (!base64UrlDecode(part))
            return TokenFormat::Opaque;
    }
    const std::optional<QJsonObject> header = decodeJsonObjectPart(parts.first());
    if (!header)
        return TokenFormat::Opaque;
    if (parts.size() == 3)
        return TokenFormat::Jws;
    // RFC 7516 section 4.1.2: every JWE header names its content encryption in "enc".
    return header->contains(QStringLiteral("enc")) ? TokenFormat::Jwe : TokenFormat::Opaque;
}

std::optional<DecodedCompactJws> decodeCompactJws(const QByteArray &token, QString *error, qsizetype maxBytes)
{
    if (token.size() > maxBytes) {
        fail(error, QStringLiteral("The JWS is %1 bytes, larger than the limit of %2 bytes.")
                        .arg(token.size())
                        .arg(maxBytes));
        return std::nullopt;
    }
    if (token.isEmpty()) {
        fail(error, QStringLiteral("The JWS is empty."));
        return std::nullopt;
    }

    // Index the two dots instead of splitting, so the parts are decoded in place without copies.
    const qsizetype firstDot = token.indexOf('.');
    const qsizetype secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
    if (secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) {
        fail(error, partCountMessage(token.count('.') + 1));
        return std::nullopt;
    }
    const QByteArrayView tokenView(token);
    const QByteArrayView headerPart = tokenView.first(firstDot);
    if (headerPart.isEmpty()) {
        fail(error, QStringLiteral("The JWS header is empty."));
        return std::nullopt;
    }

    DecodedCompactJws decoded;
    const struct {
        QByteArrayView encoded;
        QByteArray *out;
        const char *name;
    } parts[] = {
        {headerPart, &decoded.header, "header"},
        {tokenView.sliced(firstDot + 1, secondDot - firstDot - 1), &decoded.payload, "payload"},
        {tokenView.sliced(secondDot + 1), &decoded.signature, "signature"},
    };
    for (const auto &part : parts) {
        std::optional<QByteArray> bytes = base64UrlDecode(part.encoded);
        if (!bytes) {
            fail(error, QStringLiteral("The JWS %1 is not valid base64url.").arg(QLatin1String(part.name)));
            return std::nullopt;
        }
        *part.out = std::move(*bytes);
    }
    decoded.signingInput = token.first(secondDot);
    return decoded;
}

std::optional<CompactJws> CompactJws::parse(const QByteArray &token, QString *error, qsizetype maxBytes)
{
    std::optional<DecodedCompactJws> decoded = decodeCompactJws(token, error, maxBytes);
    if (!decoded)
        return std::nullopt;

    CompactJws jws;
    if (!parseHeader(decoded->header, &jws.header, error))
        return std::nullopt;
    jws.signingInput = std::move(decoded->signingInput);
    jws.payload = std::move(decoded->payload);
    jws.signature = std::move(decoded->signature);
    const QJsonDocument claimsDocument = QJsonDocument::fromJson(jws.payload);
    if (claimsDocument.isObject())
        jws.claims = claimsDocument.object();
    return jws;
}

bool CompactJws::verify(const Key &key, QString *error) const
{
    return checkCriticalHeader(header, error) && verifySignature(alg(), key, signingInput, signature, error);
}

bool CompactJws::verifyHmac(const QByteArray &secret, QString *error) const
{
    return checkCriticalHeader(header, error)
        && afx::jose::verifyHmac(alg(), secret, signingInput, signature, error);
}

bool checkCriticalHeader(const QJsonObject &header, QString *error)
{
    const QJsonValue crit = header.value(QLatin1String("crit"));
    if (crit.isUndefined())
        return true;

    const QString malformed = QStringLiteral("The JWS header member \"crit\" must be a non-empty array of strings.");
    if (!crit.isArray() || crit.toArray().isEmpty())
        return fail(error, malformed);
    QStringList names;
    for (const QJsonValue &name : crit.toArray()) {
        if (!name.isString())
            return fail(error, malformed);
        names.append(QStringLiteral("\"%1\"").arg(name.toString()));
    }
    return fail(error, QStringLiteral("The JWS header lists %1 in \"crit\" as extensions that must be understood, "
                                      "but none is supported here, so the token is rejected (RFC 7515 section "
                                      "4.1.11).")
                           .arg(names.join(QStringLiteral(", "))));
}

KeyParameters keyParameters(const Key &key)
{
    // Private keys are not cached, so the cache never keeps secret key material alive.
    if (key.isNull() || key.hasPrivate())
        return KeyParameters{key.kty(), key.curve(), key.bits()};
    thread_local KeyParametersCache cache;
    return cache.find(key);
}

bool isSupportedAlgorithm(const QString &alg)
{
    return findAlgorithm(alg) != nullptr;
}

QStringList supportedAlgorithms()
{
    QStringList names;
    for (const AlgorithmInfo &info : kAlgorithms)
        names.append(QLatin1String(info.name));
    return names;
}

bool verifySignature(const QString &alg, const Key &key, const QByteArray &signingInput,
                     const QByteArray &signature, QString *error)
{
    const AlgorithmInfo *info = resolveAlgorithm(alg, error);
    if (!info || !checkKeyMatches(*info, key, error))
        return false;

    const std::optional<QByteArray> opensslSignature = prepareSignatureForOpenSsl(*info, key, signature, error);
    if (!opensslSignature)
        return false;

    // Public keys of RS*, PS* and ES* use a cached context. EdDSA hashes inside the signature
    // algorithm, so it needs EVP_DigestVerify. Private keys are not cached, so the cache never
    // keeps secret key material alive.
    int result = -1;
    if (info->family != Family::EdDsa && !key.hasPrivate())
        result = verifyWithPreparedContext(*info, key, signingInput, *opensslSignature);
    if (result < 0) {
        const DigestContextPtr context = initDigestContext(*info, key.handle(), false);
        if (!context)
            return fail(error, QStringLiteral("OpenSSL could not start checking the %1 signature (%2).")
                                   .arg(alg, takeOpenSslErrors()));
        result = EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char *>(opensslSignature->constData()),
                                  size_t(opensslSignature->size()),
                                  reinterpret_cast<const unsigned char *>(signingInput.constData()),
                                  size_t(signingInput.size()));
    }
    if (result != 1) {
        // OpenSSL returns 0 for a wrong signature and a negative value for a malformed one. Both
        // mean the signature does not match. Its error queue is emptied here, even when debug
        // logging is off, so the entries cannot show up in a later, unrelated error message.
        const QString details = takeOpenSslErrors();
        qCDebug(lcJose) << alg << "signature check failed:" << details;
        return fail(error, QStringLiteral("The %1 signature does not match. The header or payload was changed after "
                                          "signing, or the token was signed with a different key.")
                               .arg(alg));
    }
    return true;
}

bool verifyHmac(const QString &alg, const QByteArray &secret, const QByteArray &signingInput,
                const QByteArray &signature, QString *error)
{
    const AlgorithmInfo *info = resolveHmac(alg, secret, error);
    if (!info)
        return false;
    if (signature.size() != info->hashBytes)
        return fail(error, QStringLiteral("The %1 signature is %2 bytes, but an %1 signature is %3 bytes.")
                               .arg(alg)
                               .arg(signature.size())
                               .arg(info->hashBytes));

    const std::optional<QByteArray> expected = computeHmac(*info, secret, signingInput, error);
    if (!expected)
        return false;
    if (CRYPTO_memcmp(expected->constData(), signature.constData(), size_t(info->hashBytes)) != 0)
        return fail(error, QStringLiteral("The %1 signature does not match. The header or payload was changed after "
                                          "signing, or the token was signed with a different secret.")
                               .arg(alg));
    return true;
}

std::optional<QByteArray> sign(const QString &alg, const Key &privateKey, const QByteArray &signingInput,
                               QString *error)
{
    const AlgorithmInfo *info = resolveAlgorithm(alg, error);
    if (!info || !checkKeyMatches(*info, privateKey, error))
        return std::nullopt;
    if (!privateKey.hasPrivate()) {
        fail(error, QStringLiteral("Signing with %1 needs a private key, but the key has only its public part.")
                        .arg(alg));
        return std::nullopt;
    }

    const DigestContextPtr context = initDigestContext(*info, privateKey.handle(), true);
    const auto *input = reinterpret_cast<const unsigned char *>(signingInput.constData());
    size_t length = 0;
    if (!context || EVP_DigestSign(context.get(), nullptr, &length, input, size_t(signingInput.size())) != 1) {
        fail(error, QStringLiteral("OpenSSL could not start the %1 signature (%2).").arg(alg, takeOpenSslErrors()));
        return std::nullopt;
    }
    QByteArray signature(qsizetype(length), '\0');
    if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char *>(signature.data()), &length, input,
                       size_t(signingInput.size()))
        != 1) {
        fail(error, QStringLiteral("OpenSSL could not compute the %1 signature (%2).").arg(alg, takeOpenSslErrors()));
        return std::nullopt;
    }
    signature.resize(qsizetype(length));

    if (info->family != Family::Ecdsa)
        return signature;
    std::optional<QByteArray> raw = derToRaw(signature, info->coordinateBytes);
    if (!raw)
        fail(error, QStringLiteral("OpenSSL returned an %1 signature that could not be converted to R||S.").arg(alg));
    return raw;
}

std::optional<QByteArray> signHmac(const QString &alg, const QByteArray &secret, const QByteArray &signingInput,
                                   QString *error)
{
    const AlgorithmInfo *info = resolveHmac(alg, secret, error);
    if (!info)
        return std::nullopt;
    return computeHmac(*info, secret, signingInput, error);
}

std::optional<QByteArray> signCompact(const QString &alg, const Key &privateKey, QJsonObject header,
                                      const QJsonObject &claims, QString *error)
{
    header.insert(QStringLiteral("alg"), alg);
    const QByteArray signingInput = encodeJsonPart(header) + '.' + encodeJsonPart(claims);
    const std::optional<QByteArray> signature = sign(alg, privateKey, signingInput, error);
    if (!signature)
        return std::nullopt;
    return signingInput + '.' + base64UrlEncode(*signature);
}

std::optional<QByteArray> signCompactHmac(const QString &alg, const QByteArray &secret, QJsonObject header,
                                          const QJsonObject &claims, QString *error)
{
    header.insert(QStringLiteral("alg"), alg);
    const QByteArray signingInput = encodeJsonPart(header) + '.' + encodeJsonPart(claims);
    const std::optional<QByteArray> signature = signHmac(alg, secret, signingInput, error);
    if (!signature)
        return std::nullopt;
    return signingInput + '.' + base64UrlEncode(*signature);
}

QByteArray halfHash(const QString &alg, const QByteArray &value)
{
    const AlgorithmInfo *info = findAlgorithm(alg);
    if (!info)
        return {};
    const QByteArray digest = QCryptographicHash::hash(value, info->halfHash);
    return base64UrlEncode(digest.left(digest.size() / 2));
}

} // namespace afx::jose
