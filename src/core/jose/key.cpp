#include "jose/key.h"

#include "jose/base64url.h"
#include "jose/openssl_p.h"
#include "json/jsontypes.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <QLocale>

#include <openssl/core_names.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <array>
#include <cstring>
#include <optional>
#include <vector>

namespace afx::jose {

Q_LOGGING_CATEGORY(lcJose, "afx.jose")

namespace detail {

QString takeOpenSslErrors()
{
    QStringList messages;
    while (const unsigned long code = ERR_get_error()) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        messages.append(QString::fromLatin1(buffer));
    }
    return messages.isEmpty() ? QStringLiteral("no details") : messages.join(QStringLiteral("; "));
}

} // namespace detail

using namespace detail;

namespace {

// Import limits for RSA keys, equal to OpenSSL 3's own (OPENSSL_RSA_MAX_MODULUS_BITS, and
// OPENSSL_RSA_MAX_PUBEXP_BITS, which OpenSSL applies to moduli above 3072 bits). Checking them
// here gives a clear message instead of a failure at verification time.
constexpr int kMaxRsaModulusBits = 16384;
constexpr int kMaxRsaExponentBits = 64;
constexpr int kMinRsaGenerateBits = 512;

constexpr int kEd25519KeyBytes = 32;

// "524289 bytes (512.0 KiB)" for size-limit messages: the exact count shows by how much a
// limit was exceeded, the rounded one is easier to read.
QString describeByteSize(qsizetype bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 bytes").arg(bytes);
    qsizetype unit = 1024; // the unit formattedDataSize() picks: KiB, MiB, ...
    while (bytes / unit >= 1024)
        unit *= 1024;
    const int decimals = bytes % unit == 0 ? 0 : 1;
    return QStringLiteral("%1 bytes (%2)").arg(bytes).arg(QLocale::c().formattedDataSize(bytes, decimals));
}

struct CurveInfo {
    const char *joseName;    // the JWK "crv" value
    const char *opensslName; // the OpenSSL group name
    int coordinateBytes;     // size of x, y and d in a JWK (RFC 7518 section 6.2.1.2)
};

constexpr std::array<CurveInfo, 3> kCurves{{
    {"P-256", "prime256v1", 32},
    {"P-384", "secp384r1", 48},
    {"P-521", "secp521r1", 66},
}};

const CurveInfo *curveByJoseName(const QString &name)
{
    for (const CurveInfo &curve : kCurves) {
        if (name == QLatin1String(curve.joseName))
            return &curve;
    }
    return nullptr;
}

const CurveInfo *curveByOpenSslName(const QString &name)
{
    for (const CurveInfo &curve : kCurves) {
        if (name == QLatin1String(curve.opensslName) || name == QLatin1String(curve.joseName))
            return &curve;
    }
    return nullptr;
}

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

std::optional<QString> readStringMember(const QJsonObject &jwk, const QString &name, QString *error)
{
    const QJsonValue value = jwk.value(name);
    if (value.isUndefined()) {
        fail(error, QStringLiteral("The JWK member \"%1\" is missing.").arg(name));
        return std::nullopt;
    }
    if (!value.isString()) {
        fail(error, QStringLiteral("The JWK member \"%1\" must be a string, but it is %2.")
                        .arg(name, json::jsonTypeName(value)));
        return std::nullopt;
    }
    return value.toString();
}

// Reads a base64url member (RFC 7518 "Base64urlUInt" or raw octets).
std::optional<QByteArray> readBinaryMember(const QJsonObject &jwk, const QString &name, QString *error)
{
    const std::optional<QString> text = readStringMember(jwk, name, error);
    if (!text)
        return std::nullopt;
    if (text->isEmpty()) {
        fail(error, QStringLiteral("The JWK member \"%1\" is empty.").arg(name));
        return std::nullopt;
    }
    std::optional<QByteArray> bytes = base64UrlDecode(text->toUtf8());
    if (!bytes) {
        fail(error, QStringLiteral("The JWK member \"%1\" is not valid base64url.").arg(name));
        return std::nullopt;
    }
    return bytes;
}

BignumPtr toBignum(const QByteArray &bytes)
{
    return BignumPtr(BN_bin2bn(reinterpret_cast<const unsigned char *>(bytes.constData()),
                               int(bytes.size()), nullptr));
}

// Converts private key bytes and overwrites the decoded copy, so the secret is held only by
// the returned BIGNUM (which is cleared when freed).
SecretBignumPtr toSecretBignum(QByteArray &bytes)
{
    SecretBignumPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char *>(bytes.constData()),
                                 int(bytes.size()), nullptr));
    bytes.fill('\0');
    return bn;
}

QByteArray fromBignum(const BIGNUM *bn, int paddedSize = 0)
{
    const int size = paddedSize > 0 ? paddedSize : BN_num_bytes(bn);
    QByteArray bytes(size, '\0');
    if (paddedSize > 0)
        BN_bn2binpad(bn, reinterpret_cast<unsigned char *>(bytes.data()), size);
    else
        BN_bn2bin(bn, reinterpret_cast<unsigned char *>(bytes.data()));
    return bytes;
}

PkeyPtr buildKey(const char *typeName, int selection, OSSL_PARAM *params, const QString &description,
                 QString *error)
{
    PkeyContextPtr context(EVP_PKEY_CTX_new_from_name(nullptr, typeName, nullptr));
    EVP_PKEY *key = nullptr;
    if (!context || EVP_PKEY_fromdata_init(context.get()) != 1
        || EVP_PKEY_fromdata(context.get(), &key, selection, params) != 1) {
        fail(error, QStringLiteral("OpenSSL could not build the %1 from the JWK members (%2).")
                        .arg(description, takeOpenSslErrors()));
        return {};
    }
    return PkeyPtr(key);
}

enum class KeyCheck { Public, Pairwise };

bool checkKey(EVP_PKEY *key, KeyCheck check)
{
    PkeyContextPtr context(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!context)
        return false;
    const int result = check == KeyCheck::Public ? EVP_PKEY_public_check(context.get())
                                                 : EVP_PKEY_pairwise_check(context.get());
    if (result != 1) {
        const QString details = takeOpenSslErrors(); // empties the queue even when debug logging is off
        qCDebug(lcJose) << "OpenSSL key check failed:" << details;
        return false;
    }
    return true;
}

PkeyPtr importRsa(const QJsonObject &jwk, bool withPrivate, QString *error)
{
    const std::optional<QByteArray> n = readBinaryMember(jwk, QStringLiteral("n"), error);
    if (!n)
        return {};
    const std::optional<QByteArray> e = readBinaryMember(jwk, QStringLiteral("e"), error);
    if (!e)
        return {};

    const BignumPtr modulus = toBignum(*n);
    const BignumPtr exponent = toBignum(*e);
    if (!modulus || !exponent) {
        fail(error, QStringLiteral("OpenSSL could not read the RSA members (%1).").arg(takeOpenSslErrors()));
        return {};
    }
    const int modulusBits = BN_num_bits(modulus.get());
    if (modulusBits > kMaxRsaModulusBits) {
        fail(error, QStringLiteral("The JWK member \"n\" is a %1-bit modulus, larger than the limit of %2 bits.")
                        .arg(modulusBits).arg(kMaxRsaModulusBits));
        return {};
    }
    if (!BN_is_odd(modulus.get())) {
        fail(error, QStringLiteral("The JWK member \"n\" is not a valid RSA modulus because it is even."));
        return {};
    }
    const int exponentBits = BN_num_bits(exponent.get());
    if (exponentBits > kMaxRsaExponentBits) {
        fail(error, QStringLiteral("The JWK member \"e\" is a %1-bit exponent, larger than the limit of %2 bits.")
                        .arg(exponentBits).arg(kMaxRsaExponentBits));
        return {};
    }
    if (!BN_is_odd(exponent.get()) || BN_is_one(exponent.get())) {
        fail(error, QStringLiteral("The JWK member \"e\" must be an odd number greater than 1."));
        return {};
    }

    ParamBuilderPtr builder(OSSL_PARAM_BLD_new());
    if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1
        || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1) {
        fail(error, QStringLiteral("OpenSSL could not prepare the RSA key (%1).").arg(takeOpenSslErrors()));
        return {};
    }

    // The builder refers to these numbers until OSSL_PARAM_BLD_to_param() copies them.
    std::vector<SecretBignumPtr> secrets;
    bool hasCrtMembers = false;
    if (withPrivate) {
        if (jwk.contains(QStringLiteral("oth"))) {
            fail(error, QStringLiteral("The JWK member \"oth\" (an RSA key with more than two primes) is not supported."));
            return {};
        }
        std::optional<QByteArray> d = readBinaryMember(jwk, QStringLiteral("d"), error);
        if (!d)
            return {};
        secrets.push_back(toSecretBignum(*d));
        if (OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_D, secrets.back().get()) != 1) {
            fail(error, QStringLiteral("OpenSSL could not prepare the RSA key (%1).").arg(takeOpenSslErrors()));
            return {};
        }

        // RFC 7518 section 6.3.2: the CRT members come all together or not at all.
        const std::array<std::pair<QString, const char *>, 5> crtMembers{{
            {QStringLiteral("p"), OSSL_PKEY_PARAM_RSA_FACTOR1},
            {QStringLiteral("q"), OSSL_PKEY_PARAM_RSA_FACTOR2},
            {QStringLiteral("dp"), OSSL_PKEY_PARAM_RSA_EXPONENT1},
            {QStringLiteral("dq"), OSSL_PKEY_PARAM_RSA_EXPONENT2},
            {QStringLiteral("qi"), OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
        }};
        QStringList present;
        QString firstMissing;
        for (const auto &member : crtMembers) {
            if (jwk.contains(member.first))
                present.append(member.first);
            else if (firstMissing.isEmpty())
                firstMissing = member.first;
        }
        if (!present.isEmpty() && !firstMissing.isEmpty()) {
            fail(error, QStringLiteral("The JWK member \"%1\" is missing, but other private RSA members (%2) are "
                                       "present. Give all of \"p\", \"q\", \"dp\", \"dq\" and \"qi\", or none.")
                            .arg(firstMissing, present.join(QStringLiteral(", "))));
            return {};
        }
        hasCrtMembers = !present.isEmpty();
        if (hasCrtMembers) {
            for (const auto &member : crtMembers) {
                std::optional<QByteArray> bytes = readBinaryMember(jwk, member.first, error);
                if (!bytes)
                    return {};
                secrets.push_back(toSecretBignum(*bytes));
                if (OSSL_PARAM_BLD_push_BN(builder.get(), member.second, secrets.back().get()) != 1) {
                    fail(error, QStringLiteral("OpenSSL could not prepare the RSA key (%1).").arg(takeOpenSslErrors()));
                    return {};
                }
            }
        }
    }

    const ParamPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
    if (!params) {
        fail(error, QStringLiteral("OpenSSL could not prepare the RSA key (%1).").arg(takeOpenSslErrors()));
        return {};
    }
    PkeyPtr key = buildKey("RSA", withPrivate ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get(),
                           withPrivate ? QStringLiteral("RSA private key") : QStringLiteral("RSA public key"),
                           error);
    if (!key)
        return {};

    // NOTE: a private JWK with "d" alone (no CRT members) is not cross-checked against "n" and
    // "e", because OpenSSL's pairwise check needs the primes.
    if (hasCrtMembers && !checkKey(key.get(), KeyCheck::Pairwise)) {
        fail(error, QStringLiteral("The private RSA members of the JWK do not belong to the public key (\"n\", \"e\")."));
        return {};
    }
    return key;
}

PkeyPtr importEc(const QJsonObject &jwk, bool withPrivate, QString *error)
{
    const std::optional<QString> crv = readStringMember(jwk, QStringLiteral("crv"), error);
    if (!crv)
        return {};
    const CurveInfo *curve = curveByJoseName(*crv);
    if (!curve) {
        fail(error, QStringLiteral("The JWK curve \"%1\" is not supported for key type \"EC\". "
                                   "Supported curves are \"P-256\", \"P-384\" and \"P-521\".")
                        .arg(*crv));
        return {};
    }

    QByteArray point(1, '\x04'); // SEC 1 uncompressed point: 0x04 || x || y
    for (const QString &name : {QStringLiteral("x"), QStringLiteral("y")}) {
        const std::optional<QByteArray> coordinate = readBinaryMember(jwk, name, error);
        if (!coordinate)
            return {};
        if (coordinate->size() != curve->coordinateBytes) {
            fail(error, QStringLiteral("The JWK member \"%1\" is %2 bytes, but a %3 coordinate is %4 bytes.")
                            .arg(name).arg(coordinate->size()).arg(*crv).arg(curve->coordinateBytes));
            return {};
        }
        point.append(*coordinate);
    }

    ParamBuilderPtr builder(OSSL_PARAM_BLD_new());
    if (!builder
        || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve->opensslName, 0) != 1
        || OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.constData(),
                                            size_t(point.size())) != 1) {
        fail(error, QStringLiteral("OpenSSL could not prepare the EC key (%1).").arg(takeOpenSslErrors()));
        return {};
    }

    SecretBignumPtr privateValue;
    if (withPrivate) {
        std::optional<QByteArray> d = readBinaryMember(jwk, QStringLiteral("d"), error);
        if (!d)
            return {};
        if (d->size() != curve->coordinateBytes) {
            fail(error, QStringLiteral("The JWK member \"d\" is %1 bytes, but a %2 private key is %3 bytes.")
                            .arg(d->size()).arg(*crv).arg(curve->coordinateBytes));
            d->fill('\0');
            return {};
        }
        privateValue = toSecretBignum(*d);
        if (OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY, privateValue.get()) != 1) {
            fail(error, QStringLiteral("OpenSSL could not prepare the EC key (%1).").arg(takeOpenSslErrors()));
            return {};
        }
    }

    const ParamPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
    if (!params) {
        fail(error, QStringLiteral("OpenSSL could not prepare the EC key (%1).").arg(takeOpenSslErrors()));
        return {};
    }
    const QString notOnCurve = QStringLiteral("The JWK point (\"x\", \"y\") is not on the curve %1.").arg(*crv);
    PkeyPtr key = buildKey("EC", withPrivate ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get(),
                           QStringLiteral("EC key"), error);
    if (!key) {
        // OpenSSL rejects a point that is not on the curve at import, with a generic error.
        fail(error, notOnCurve);
        return {};
    }
    if (!checkKey(key.get(), KeyCheck::Public)) {
        fail(error, notOnCurve);
        return {};
    }
    if (withPrivate && !checkKey(key.get(), KeyCheck::Pairwise)) {
        fail(error, QStringLiteral("The JWK member \"d\" does not belong to the public key (\"x\", \"y\")."));
        return {};
    }
    return key;
}

PkeyPtr importOkp(const QJsonObject &jwk, bool withPrivate, QString *error)
{
    const std::optional<QString> crv = readStringMember(jwk, QStringLiteral("crv"), error);
    if (!crv)
        return {};
    if (*crv != QLatin1String("Ed25519")) {
        fail(error, QStringLiteral("The JWK curve \"%1\" is not supported for key type \"OKP\", only \"Ed25519\" is.")
                        .arg(*crv));
        return {};
    }
    const std::optional<QByteArray> x = readBinaryMember(jwk, QStringLiteral("x"), error);
    if (!x)
        return {};
    if (x->size() != kEd25519KeyBytes) {
        fail(error, QStringLiteral("The JWK member \"x\" is %1 bytes, but an Ed25519 public key is %2 bytes.")
                        .arg(x->size()).arg(kEd25519KeyBytes));
        return {};
    }

    ParamBuilderPtr builder(OSSL_PARAM_BLD_new());
    std::optional<QByteArray> d;
    if (withPrivate) {
        d = readBinaryMember(jwk, QStringLiteral("d"), error);
        if (!d)
            return {};
        if (d->size() != kEd25519KeyBytes) {
            fail(error, QStringLiteral("The JWK member \"d\" is %1 bytes, but an Ed25519 private key is %2 bytes.")
                            .arg(d->size()).arg(kEd25519KeyBytes));
            d->fill('\0');
            return {};
        }
    }
    // A private key is imported alone so that OpenSSL derives the public key from it, which is
    // then compared with "x" below.
    const bool pushed = withPrivate
        ? OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY, d->constData(), size_t(d->size()))
        : OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, x->constData(), size_t(x->size()));
    const ParamPtr params(pushed ? OSSL_PARAM_BLD_to_param(builder.get()) : nullptr);
    if (d)
        d->fill('\0');
    if (!params) {
        fail(error, QStringLiteral("OpenSSL could not prepare the Ed25519 key (%1).").arg(takeOpenSslErrors()));
        return {};
    }
    PkeyPtr key = buildKey("ED25519", withPrivate ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get(),
                           QStringLiteral("Ed25519 key"), error);
    if (!key)
        return {};

    if (withPrivate) {
        unsigned char derived[kEd25519KeyBytes];
        size_t derivedSize = 0;
        if (EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, derived, sizeof derived,
                                            &derivedSize) != 1
            || derivedSize != sizeof derived || memcmp(derived, x->constData(), sizeof derived) != 0) {
            fail(error, QStringLiteral("The JWK member \"d\" does not belong to the public key \"x\"."));
            return {};
        }
    }
    return key;
}

Key importJwk(const QJsonObject &jwk, bool withPrivate, QString *error)
{
    const std::optional<QString> kty = readStringMember(jwk, QStringLiteral("kty"), error);
    if (!kty)
        return {};

    PkeyPtr key;
    if (*kty == QLatin1String("RSA")) {
        key = importRsa(jwk, withPrivate, error);
    } else if (*kty == QLatin1String("EC")) {
        key = importEc(jwk, withPrivate, error);
    } else if (*kty == QLatin1String("OKP")) {
        key = importOkp(jwk, withPrivate, error);
    } else if (*kty == QLatin1String("oct")) {
        fail(error, QStringLiteral("The JWK key type \"oct\" is a shared secret for HMAC, not a public key."));
    } else {
        fail(error, QStringLiteral("The JWK key type \"%1\" is not supported. Supported key types are \"RSA\", "
                                   "\"EC\" and \"OKP\".")
                        .arg(*kty));
    }
    if (!key)
        return {};
    return Key::adopt(key.release(), withPrivate);
}

// The public members of a key in JWK form, without metadata (kid, alg, use).
QJsonObject publicMembers(EVP_PKEY *key)
{
    QJsonObject jwk;
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS: {
        BIGNUM *n = nullptr;
        BIGNUM *e = nullptr;
        if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) == 1
            && EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e) == 1) {
            jwk.insert(QStringLiteral("kty"), QStringLiteral("RSA"));
            jwk.insert(QStringLiteral("n"), QString::fromLatin1(base64UrlEncode(fromBignum(n))));
            jwk.insert(QStringLiteral("e"), QString::fromLatin1(base64UrlEncode(fromBignum(e))));
        }
        BN_free(n);
        BN_free(e);
        break;
    }
    case EVP_PKEY_EC: {
        char groupName[64] = {};
        size_t groupNameLength = 0;
        if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, groupName, sizeof groupName,
                                           &groupNameLength) != 1)
            break;
        const CurveInfo *curve = curveByOpenSslName(QString::fromLatin1(groupName));
        if (!curve)
            break;
        BIGNUM *x = nullptr;
        BIGNUM *y = nullptr;
        if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1
            && EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1) {
            jwk.insert(QStringLiteral("kty"), QStringLiteral("EC"));
            jwk.insert(QStringLiteral("crv"), QString::fromLatin1(curve->joseName));
            jwk.insert(QStringLiteral("x"), QString::fromLatin1(base64UrlEncode(fromBignum(x, curve->coordinateBytes))));
            jwk.insert(QStringLiteral("y"), QString::fromLatin1(base64UrlEncode(fromBignum(y, curve->coordinateBytes))));
        }
        BN_free(x);
        BN_free(y);
        break;
    }
    case EVP_PKEY_ED25519: {
        unsigned char publicKey[kEd25519KeyBytes];
        size_t length = 0;
        if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, publicKey, sizeof publicKey, &length) == 1
            && length == sizeof publicKey) {
            jwk.insert(QStringLiteral("kty"), QStringLiteral("OKP"));
            jwk.insert(QStringLiteral("crv"), QStringLiteral("Ed25519"));
            jwk.insert(QStringLiteral("x"), QString::fromLatin1(base64UrlEncode(
                                                QByteArrayView(publicKey, qsizetype(sizeof publicKey)))));
        }
        break;
    }
    default:
        break;
    }
    if (jwk.isEmpty()) {
        const QString details = takeOpenSslErrors();
        qCWarning(lcJose) << "Could not export the public key as a JWK:" << details;
    }
    return jwk;
}

bool readStringList(const QJsonObject &jwk, const QString &name, QStringList *out, QString *error)
{
    const QJsonValue value = jwk.value(name);
    if (value.isUndefined())
        return true;
    if (!value.isArray())
        return fail(error, QStringLiteral("The JWK member \"%1\" must be an array of strings, but it is %2.")
                               .arg(name, json::jsonTypeName(value)));
    for (const QJsonValue &item : value.toArray()) {
        if (!item.isString())
            return fail(error, QStringLiteral("The JWK member \"%1\" must be an array of strings, but it contains %2.")
                                   .arg(name, json::jsonTypeName(item)));
        out->append(item.toString());
    }
    return true;
}

bool readOptionalString(const QJsonObject &jwk, const QString &name, QString *out, QString *error)
{
    const QJsonValue value = jwk.value(name);
    if (value.isUndefined())
        return true;
    if (!value.isString())
        return fail(error, QStringLiteral("The JWK member \"%1\" must be a string, but it is %2.")
                               .arg(name, json::jsonTypeName(value)));
    *out = value.toString();
    return true;
}

// Fills the metadata of `jwk` from `json`. Returns false when a member has the wrong type.
bool readJwkMetadata(const QJsonObject &json, Jwk *jwk, QString *error)
{
    return readOptionalString(json, QStringLiteral("kid"), &jwk->kid, error)
        && readOptionalString(json, QStringLiteral("kty"), &jwk->kty, error)
        && readOptionalString(json, QStringLiteral("alg"), &jwk->alg, error)
        && readOptionalString(json, QStringLiteral("use"), &jwk->use, error)
        && readOptionalString(json, QStringLiteral("crv"), &jwk->crv, error)
        && readStringList(json, QStringLiteral("key_ops"), &jwk->keyOps, error)
        && readStringList(json, QStringLiteral("x5c"), &jwk->x5c, error);
}

} // namespace

QString Key::kty() const
{
    if (!m_key)
        return {};
    switch (EVP_PKEY_get_base_id(m_key.get())) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
        return QStringLiteral("RSA");
    case EVP_PKEY_EC:
        return QStringLiteral("EC");
    case EVP_PKEY_ED25519:
        return QStringLiteral("OKP");
    default:
        return {};
    }
}

QString Key::curve() const
{
    if (!m_key)
        return {};
    switch (EVP_PKEY_get_base_id(m_key.get())) {
    case EVP_PKEY_EC: {
        char groupName[64] = {};
        size_t length = 0;
        if (EVP_PKEY_get_utf8_string_param(m_key.get(), OSSL_PKEY_PARAM_GROUP_NAME, groupName, sizeof groupName,
                                           &length) != 1) {
            return {};
        }
        const QString name = QString::fromLatin1(groupName);
        const CurveInfo *curve = curveByOpenSslName(name);
        return curve ? QString::fromLatin1(curve->joseName) : name;
    }
    case EVP_PKEY_ED25519:
        return QStringLiteral("Ed25519");
    default:
        return {};
    }
}

int Key::bits() const
{
    return m_key ? EVP_PKEY_get_bits(m_key.get()) : 0;
}

Key Key::fromJwk(const QJsonObject &jwk, QString *error)
{
    return importJwk(jwk, false, error);
}

Key Key::fromPrivateJwk(const QJsonObject &jwk, QString *error)
{
    return importJwk(jwk, true, error);
}

Key Key::generateRsa(int bits)
{
    if (bits < kMinRsaGenerateBits || bits > kMaxRsaModulusBits) {
        qCWarning(lcJose) << "Cannot generate an RSA key of" << bits << "bits. The size must be between"
                          << kMinRsaGenerateBits << "and" << kMaxRsaModulusBits << "bits.";
        return {};
    }
    EVP_PKEY *key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(bits));
    if (!key) {
        const QString details = takeOpenSslErrors();
        qCWarning(lcJose) << "RSA key generation failed:" << details;
        return {};
    }
    return adopt(key, true);
}

Key Key::generateEc(const QString &curve)
{
    const CurveInfo *info = curveByJoseName(curve);
    if (!info) {
        qCWarning(lcJose) << "Cannot generate an EC key on curve" << curve
                          << "because only P-256, P-384 and P-521 are supported.";
        return {};
    }
    EVP_PKEY *key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", info->opensslName);
    if (!key) {
        const QString details = takeOpenSslErrors();
        qCWarning(lcJose) << "EC key generation failed:" << details;
        return {};
    }
    return adopt(key, true);
}

Key Key::generateEd25519()
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    if (!key) {
        const QString details = takeOpenSslErrors();
        qCWarning(lcJose) << "Ed25519 key generation failed:" << details;
        return {};
    }
    return adopt(key, true);
}

QJsonObject Key::toPublicJwk(const QString &kid, const QString &alg, const QString &use) const
{
    if (!m_key)
        return {};
    QJsonObject jwk = publicMembers(m_key.get());
    if (jwk.isEmpty())
        return {};
    if (!kid.isEmpty())
        jwk.insert(QStringLiteral("kid"), kid);
    if (!alg.isEmpty())
        jwk.insert(QStringLiteral("alg"), alg);
    if (!use.isEmpty())
        jwk.insert(QStringLiteral("use"), use);
    return jwk;
}

QByteArray Key::thumbprint() const
{
    if (!m_key)
        return {};
    const QJsonObject members = publicMembers(m_key.get());
    if (members.isEmpty())
        return {};
    // RFC 7638 section 3: the required members only, sorted by name, no whitespace. QJsonObject
    // keeps its keys sorted and base64url and curve names need no escaping, so the compact
    // serialization is exactly that form.
    const QByteArray canonical = QJsonDocument(members).toJson(QJsonDocument::Compact);
    return base64UrlEncode(QCryptographicHash::hash(canonical, QCryptographicHash::Sha256));
}

QByteArray Key::toPrivatePem() const
{
    if (!m_key || !m_private)
        return {};
    BIO *bio = BIO_new(BIO_s_mem());
    if (!bio)
        return {};
    QByteArray pem;
    if (PEM_write_bio_PrivateKey(bio, m_key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1) {
        char *data = nullptr;
        const long size = BIO_get_mem_data(bio, &data);
        pem = QByteArray(data, int(size));
    }
    BIO_free(bio);
    ERR_clear_error();
    return pem;
}

Key Key::fromPrivatePem(const QByteArray &pem, QString *error)
{
    BIO *bio = BIO_new_mem_buf(pem.constData(), int(pem.size()));
    EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(bio);
    ERR_clear_error();
    if (!key) {
        if (error)
            *error = QStringLiteral("The PEM text does not contain a readable private key.");
        return {};
    }
    return adopt(key, true);
}

Key Key::adopt(evp_pkey_st *key, bool hasPrivate)
{
    Key result;
    if (key)
        result.m_key.reset(key, EVP_PKEY_free);
    result.m_private = key && hasPrivate;
    return result;
}

bool Jwks::parse(const QByteArray &json, Jwks *out, QString *error, qsizetype maxBytes)
{
    if (json.size() > maxBytes)
        return fail(error, QStringLiteral("The JWKS document is %1; the limit is %2. A JWK Set of a few keys takes "
                                          "a few KiB, so check that the jwks_uri points to the provider's keys.")
                               .arg(describeByteSize(json.size()), describeByteSize(maxBytes)));

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(error, QStringLiteral("The JWKS document is not valid JSON: %1 at offset %2.")
                               .arg(parseError.errorString())
                               .arg(parseError.offset));
    if (!document.isObject())
        return fail(error, QStringLiteral("The JWKS document is a JSON array, but a JWK Set must be a JSON object "
                                          "with a \"keys\" array."));

    const QJsonValue keys = document.object().value(QStringLiteral("keys"));
    if (keys.isUndefined())
        return fail(error, QStringLiteral("The JWKS document has no \"keys\" member."));
    if (!keys.isArray())
        return fail(error, QStringLiteral("The JWKS member \"keys\" must be an array, but it is %1.")
                               .arg(json::jsonTypeName(keys)));

    Jwks result;
    const QJsonArray entries = keys.toArray();
    for (qsizetype index = 0; index < entries.size(); ++index) {
        const QJsonValue entry = entries.at(index);
        if (!entry.isObject()) {
            result.skipped.append(QStringLiteral("Key %1 was skipped because it is %2, not a JSON object.")
                                      .arg(index)
                                      .arg(json::jsonTypeName(entry)));
            continue;
        }

        Jwk jwk;
        jwk.json = entry.toObject();
        const QJsonValue kidValue = jwk.json.value(QStringLiteral("kid"));
        const QString label = kidValue.isString()
            ? QStringLiteral("Key %1 (kid \"%2\")").arg(index).arg(kidValue.toString())
            : QStringLiteral("Key %1").arg(index);

        QString reason;
        if (readJwkMetadata(jwk.json, &jwk, &reason))
            jwk.key = Key::fromJwk(jwk.json, &reason);
        if (jwk.key.isNull()) {
            result.skipped.append(QStringLiteral("%1 was skipped. %2").arg(label, reason));
            continue;
        }
        result.keys.append(jwk);
    }

    for (const QString &message : std::as_const(result.skipped))
        qCInfo(lcJose) << message;

    if (out)
        *out = result;
    return true;
}

} // namespace afx::jose
