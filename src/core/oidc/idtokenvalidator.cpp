#include "oidc/idtokenvalidator.h"

#include "jose/jws.h"
#include "json/jsontypes.h"
#include "json/objectview.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringBuilder>
#include <QStringTokenizer>

#include <algorithm>
#include <array>
#include <bitset>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <optional>
#include <span>

namespace afx::oidc {

namespace {


using json::jsonTypeName;

QString quoted(const QString &text)
{
    return u'"' % text % u'"';
}

QString quotedList(const QStringList &values)
{
    QStringList items;
    for (const QString &value : values)
        items.append(quoted(value));
    return items.join(QStringLiteral(", "));
}

using WholeSeconds = std::chrono::seconds;

// Writes `value` as `width` decimal digits, with leading zeros, ending before `end`.
void writeDigits(char16_t *end, unsigned value, int width)
{
    for (int i = 0; i < width; ++i) {
        *--end = char16_t(u'0' + value % 10);
        value /= 10;
    }
}

// Appends the time `seconds` after 1970-01-01T00:00:00Z to `text`, as QDateTime's Qt::ISODate
// writes it in UTC ("2023-11-14T22:13:20Z"). It is built with std::chrono and written digit by
// digit, because a QDateTime conversion and QString::arg were a noticeable part of a validation.
void appendTime(QString &text, double seconds)
{
    // QDateTime covers far more than any real token needs; the range check keeps a hostile
    // value such as 1e300 from overflowing the conversion.
    if (!std::isfinite(seconds) || std::fabs(seconds) > 1e11) {
        text += QString::number(seconds, 'g', 17);
        return;
    }
    using namespace std::chrono;
    const sys_seconds time{WholeSeconds(qint64(std::floor(seconds)))};
    const sys_days day = floor<days>(time);
    const year_month_day date{day};
    const hh_mm_ss<WholeSeconds> clock{time - day};
    const int year = int(date.year());
    if (year < 0 || year > 9999) {
        char buffer[48];
        const int length = std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", year,
                                         unsigned(date.month()), unsigned(date.day()), int(clock.hours().count()),
                                         int(clock.minutes().count()), int(clock.seconds().count()));
        text += QLatin1String(buffer, length);
        return;
    }
    char16_t buffer[] = u"0000-00-00T00:00:00Z";
    writeDigits(buffer + 4, unsigned(year), 4);
    writeDigits(buffer + 7, unsigned(date.month()), 2);
    writeDigits(buffer + 10, unsigned(date.day()), 2);
    writeDigits(buffer + 13, unsigned(clock.hours().count()), 2);
    writeDigits(buffer + 16, unsigned(clock.minutes().count()), 2);
    writeDigits(buffer + 19, unsigned(clock.seconds().count()), 2);
    text += QStringView(buffer, qsizetype(std::size(buffer)) - 1);
}

QString formatTime(double seconds)
{
    QString text;
    appendTime(text, seconds);
    return text;
}

// Appends the decimal text of `value`, as QString::number writes it, without QLocale's code.
void appendDecimal(QString &text, qint64 value)
{
    char buffer[24];
    const std::to_chars_result end = std::to_chars(buffer, buffer + sizeof buffer, value);
    text += QLatin1String(buffer, end.ptr - buffer);
}

QString decimal(qint64 value)
{
    QString text;
    appendDecimal(text, value);
    return text;
}

// Appends a duration such as "1 second" or "25 seconds", rounded to whole seconds.
void appendSeconds(QString &text, double seconds)
{
    const qint64 rounded = qRound64(std::fabs(seconds));
    if (rounded == 1) {
        text += u"1 second";
        return;
    }
    appendDecimal(text, rounded);
    text += u" seconds";
}

QString formatSeconds(double seconds)
{
    QString text;
    appendSeconds(text, seconds);
    return text;
}

// A reason sentence built by appending, with room for the usual length, so that it takes one
// allocation where QString::arg with formatted arguments took several.
QString reasonBuffer()
{
    QString text;
    text.reserve(120);
    return text;
}

bool hasResponseTypeValue(const QString &responseType, QLatin1String value)
{
    for (const QStringView item : QStringTokenizer(responseType, u' ', Qt::SkipEmptyParts)) {
        if (item == value)
            return true;
    }
    return false;
}

bool isHmacAlgorithm(const QString &alg)
{
    return alg == QLatin1String("HS256") || alg == QLatin1String("HS384") || alg == QLatin1String("HS512");
}

// The key type (and curve, for EC) that a JWS algorithm needs (RFC 7518 section 3.1, RFC 8037).
struct KeyRequirement {
    QString kty;
    QString curve; // empty when any curve of the type will do
};

std::optional<KeyRequirement> keyRequirementFor(const QString &alg)
{
    if (alg.startsWith(QLatin1String("RS")) || alg.startsWith(QLatin1String("PS")))
        return KeyRequirement{QStringLiteral("RSA"), {}};
    if (alg == QLatin1String("ES256"))
        return KeyRequirement{QStringLiteral("EC"), QStringLiteral("P-256")};
    if (alg == QLatin1String("ES384"))
        return KeyRequirement{QStringLiteral("EC"), QStringLiteral("P-384")};
    if (alg == QLatin1String("ES512"))
        return KeyRequirement{QStringLiteral("EC"), QStringLiteral("P-521")};
    if (alg == QLatin1String("EdDSA"))
        return KeyRequirement{QStringLiteral("OKP"), QStringLiteral("Ed25519")};
    return std::nullopt;
}

// The length of a raw R||S signature (RFC 7518 section 3.4); 0 for other algorithms.
int rawEcdsaSignatureLength(const QString &alg)
{
    if (alg == QLatin1String("ES256"))
        return 64;
    if (alg == QLatin1String("ES384"))
        return 96;
    if (alg == QLatin1String("ES512"))
        return 132;
    return 0;
}

QString describeKey(const jose::Jwk &jwk, qsizetype index)
{
    if (!jwk.kid.isEmpty())
        return QStringLiteral("key %1").arg(quoted(jwk.kid));
    return QStringLiteral("key number %1 (no kid)").arg(index + 1);
}

// The reason a JWK cannot verify a signature made with `alg`, or an empty string when it can.
QString unsuitableReason(const jose::Jwk &jwk, const QString &alg)
{
    if (jwk.key.isNull())
        return QStringLiteral("could not be read as a public key");
    if (!jwk.use.isEmpty() && jwk.use != QLatin1String("sig"))
        return QStringLiteral("has use %1, so it is meant for %2, not for signatures")
            .arg(quoted(jwk.use), jwk.use == QLatin1String("enc") ? QStringLiteral("encryption") : QStringLiteral("another purpose"));
    if (!jwk.keyOps.isEmpty() && !jwk.keyOps.contains(QLatin1String("verify")))
        return QStringLiteral("has key_ops [%1] without \"verify\"").arg(quotedList(jwk.keyOps));
    if (!jwk.alg.isEmpty() && jwk.alg != alg)
        return QStringLiteral("is declared for alg %1, not %2").arg(quoted(jwk.alg), quoted(alg));
    const std::optional<KeyRequirement> requirement = keyRequirementFor(alg);
    if (!requirement)
        return QStringLiteral("cannot be used with %1").arg(quoted(alg));
    const jose::KeyParameters parameters = jose::keyParameters(jwk.key);
    if (parameters.kty != requirement->kty)
        return QStringLiteral("is a %1 key, but %2 needs a %3 key").arg(parameters.kty, alg, requirement->kty);
    if (!requirement->curve.isEmpty() && parameters.curve != requirement->curve)
        return QStringLiteral("uses the curve %1, but %2 needs %3").arg(parameters.curve, alg, requirement->curve);
    return {};
}

enum class ReadResult { Absent, WrongType, Ok };

ReadResult readNumericDate(const json::ObjectView &claims, QLatin1String name, double *out)
{
    const json::ValueView value = claims.value(name);
    if (value.isUndefined())
        return ReadResult::Absent;
    if (!value.isDouble())
        return ReadResult::WrongType;
    *out = value.toDouble();
    return ReadResult::Ok;
}

QString numericDateTypeReason(const json::ObjectView &claims, QLatin1String name)
{
    return QStringLiteral("The claim \"%1\" is %2, but it must be a JSON number of seconds since "
                          "1970-01-01T00:00:00Z (a NumericDate, RFC 7519 section 2).")
        .arg(name, jsonTypeName(claims.value(name)));
}

// `kind` is "claim" or "header member".
QString repeatedMemberReason(const QString &kind, const QString &name)
{
    return QStringLiteral("The %1 \"%2\" appears more than once. Two readers of the token could take different "
                          "values, so the token is rejected (RFC 7519 section 4 allows it).")
        .arg(kind, name);
}

QString stringTypeReason(const json::ObjectView &claims, const QString &name)
{
    return QStringLiteral("The claim \"%1\" is %2, but it must be a string.").arg(name, jsonTypeName(claims.value(name)));
}

// Every check the validators run. The values index the label table in labelOf().
enum class CheckId {
    Format,
    Algorithm,
    Key,
    Signature,
    Issuer,
    Subject,
    Audience,
    AuthorizedParty,
    Expiry,
    IssuedAt,
    NotBefore,
    Nonce,
    AtHash,
    CHash,
    SHash,
    AuthTime,
    Acr,
    Type,
    ClientId,
    JwtId,
};
constexpr std::size_t kCheckCount = std::size_t(CheckId::JwtId) + 1;

// The stable id and the name shown to the user of one check.
struct CheckLabel {
    QString id;
    QString name;
};

// The labels are QStringLiteral data, so copying them into each Check allocates nothing.
const CheckLabel &labelOf(CheckId check)
{
    static const std::array<CheckLabel, kCheckCount> labels{{
        {QStringLiteral("check-format"), QStringLiteral("Token format")},
        {QStringLiteral("check-algorithm"), QStringLiteral("Algorithm")},
        {QStringLiteral("check-key"), QStringLiteral("Signing key")},
        {QStringLiteral("check-signature"), QStringLiteral("Signature")},
        {QStringLiteral("check-issuer"), QStringLiteral("Issuer (iss)")},
        {QStringLiteral("check-subject"), QStringLiteral("Subject (sub)")},
        {QStringLiteral("check-audience"), QStringLiteral("Audience (aud)")},
        {QStringLiteral("check-azp"), QStringLiteral("Authorized party (azp)")},
        {QStringLiteral("check-expiry"), QStringLiteral("Expiry (exp)")},
        {QStringLiteral("check-issued-at"), QStringLiteral("Issued at (iat)")},
        {QStringLiteral("check-not-before"), QStringLiteral("Not before (nbf)")},
        {QStringLiteral("check-nonce"), QStringLiteral("Nonce")},
        {QStringLiteral("check-at-hash"), QStringLiteral("Access token hash (at_hash)")},
        {QStringLiteral("check-c-hash"), QStringLiteral("Code hash (c_hash)")},
        {QStringLiteral("check-s-hash"), QStringLiteral("State hash (s_hash)")},
        {QStringLiteral("check-auth-time"), QStringLiteral("Authentication time (auth_time)")},
        {QStringLiteral("check-acr"), QStringLiteral("Authentication context (acr)")},
        {QStringLiteral("check-typ"), QStringLiteral("Token type (typ)")},
        {QStringLiteral("check-client-id"), QStringLiteral("Client (client_id)")},
        {QStringLiteral("check-jti"), QStringLiteral("Token id (jti)")},
    }};
    return labels[std::size_t(check)];
}

enum class TokenKind { IdToken, AccessToken };

// The checks in the order they run, for each kind of token.
std::span<const CheckId> checkOrder(TokenKind kind)
{
    static constexpr CheckId idToken[]{
        CheckId::Format,    CheckId::Algorithm, CheckId::Key,      CheckId::Signature, CheckId::Issuer,
        CheckId::Subject,   CheckId::Audience,  CheckId::AuthorizedParty, CheckId::Expiry, CheckId::IssuedAt,
        CheckId::NotBefore, CheckId::Nonce,     CheckId::AtHash,   CheckId::CHash,     CheckId::SHash,
        CheckId::AuthTime,  CheckId::Acr,
    };
    static constexpr CheckId accessToken[]{
        CheckId::Format,   CheckId::Type,     CheckId::Algorithm, CheckId::Key,       CheckId::Signature,
        CheckId::Issuer,   CheckId::Subject,  CheckId::Audience,  CheckId::ClientId,  CheckId::Expiry,
        CheckId::IssuedAt, CheckId::NotBefore, CheckId::JwtId,
    };
    if (kind == TokenKind::IdToken)
        return idToken;
    return accessToken;
}

// Runs the checks one after the other and records each outcome.
class Validator {
public:
    Validator(const QByteArray &token, const QList<jose::Jwk> &jwks, const IdTokenExpectations &expect,
              TokenKind kind = TokenKind::IdToken, const QString &resource = {})
        : m_token(token)
        , m_jwks(jwks)
        , m_expect(expect)
        , m_kind(kind)
        , m_resource(resource)
        , m_tokenName(kind == TokenKind::IdToken ? QStringLiteral("ID token") : QStringLiteral("access token"))
    {
        const QDateTime now = expect.now.isValid() ? expect.now : QDateTime::currentDateTimeUtc();
        m_now = double(now.toMSecsSinceEpoch()) / 1000.0;
        m_leeway = std::max(0, expect.leewaySeconds);
        m_result.checks.reserve(checkOrder(kind).size());
    }

    IdTokenValidation run()
    {
        const bool parsed = checkFormat();
        if (!parsed) {
            skipRemaining(QStringLiteral("Skipped because the token failed the format check."));
            return std::move(m_result);
        }
        const bool algorithmAccepted = checkAlgorithm();
        const bool keyFound = algorithmAccepted && checkKey();
        if (!algorithmAccepted)
            skip(CheckId::Key, QStringLiteral("Skipped because the algorithm was rejected."));
        if (keyFound)
            checkSignature();
        else
            skip(CheckId::Signature,
                 QStringLiteral("Skipped because no key to verify the signature with was found."));
        checkIssuer();
        checkSubject();
        checkAudience();
        checkAuthorizedParty();
        checkExpiry();
        checkIssuedAt();
        checkNotBefore();
        checkNonce();

        // An ID token that comes from the authorization endpoint together with an access token
        // or a code must carry its hash (OpenID Connect Core sections 3.2.2.10 and 3.3.2.11).
        const QString &responseType = m_expect.responseType;
        const bool withIdToken = hasResponseTypeValue(responseType, QLatin1String("id_token"));
        checkHalfHash(CheckId::AtHash, QStringLiteral("at_hash"), m_expect.accessToken, QStringLiteral("access token"),
                      QStringLiteral("No access token came with this ID token, so at_hash is not compared."),
                      withIdToken && hasResponseTypeValue(responseType, QLatin1String("token")),
                      QStringLiteral("OpenID Connect Core 1.0, sections 3.1.3.8, 3.2.2.9 and 3.2.2.10"));
        checkHalfHash(CheckId::CHash, QStringLiteral("c_hash"), m_expect.code, QStringLiteral("authorization code"),
                      QStringLiteral("No authorization code came with this ID token, so c_hash is not compared."),
                      withIdToken && hasResponseTypeValue(responseType, QLatin1String("code")),
                      QStringLiteral("OpenID Connect Core 1.0, sections 3.3.2.10 and 3.3.2.11"));
        checkHalfHash(CheckId::SHash, QStringLiteral("s_hash"), m_expect.state, QStringLiteral("state"),
                      QStringLiteral("No state came with this ID token, so s_hash is not compared."), false,
                      QStringLiteral("Financial-grade API Security Profile 1.0 - Part 2: Advanced, section 5.1.1"));
        checkAuthTime();
        checkAcr();
        return std::move(m_result);
    }

    // The checks of RFC 9068 section 4 for a JWT access token.
    IdTokenValidation runAccessToken()
    {
        if (!checkFormat()) {
            skipRemaining(QStringLiteral("Skipped because the token failed the format check."));
            return std::move(m_result);
        }
        checkAccessTokenType();
        const bool algorithmAccepted = checkAlgorithm();
        const bool keyFound = algorithmAccepted && checkKey();
        if (!algorithmAccepted)
            skip(CheckId::Key, QStringLiteral("Skipped because the algorithm was rejected."));
        if (keyFound)
            checkSignature();
        else
            skip(CheckId::Signature,
                 QStringLiteral("Skipped because no key to verify the signature with was found."));
        checkIssuer();
        checkSubject();
        checkAudience();
        checkClientId();
        checkExpiry();
        checkIssuedAt();
        checkNotBefore();
        checkJwtId();
        return std::move(m_result);
    }

private:
    void add(CheckId check, Check::Status status, QString reason, const QString &spec)
    {
        const CheckLabel &label = labelOf(check);
        m_result.checks.append(Check{label.id, label.name, status, std::move(reason), spec});
        m_done.set(std::size_t(check));
    }

    void pass(CheckId check, QString reason, const QString &spec)
    {
        add(check, Check::Status::Passed, std::move(reason), spec);
    }

    bool fail(CheckId check, QString reason, const QString &spec)
    {
        add(check, Check::Status::Failed, std::move(reason), spec);
        return false;
    }

    void skip(CheckId check, QString reason)
    {
        add(check, Check::Status::Skipped, std::move(reason), QString());
    }

    void skipRemaining(const QString &reason)
    {
        for (const CheckId check : checkOrder(m_kind)) {
            if (!m_done.test(std::size_t(check)))
                skip(check, reason);
        }
    }

    bool checkFormat()
    {
        const CheckId id = CheckId::Format;
        const QString spec = QStringLiteral("RFC 7519 section 7.2; RFC 7515 section 7.1; RFC 7516 section 7.1");

        if (m_token.isEmpty())
            return fail(id, QStringLiteral("The %1 is empty.").arg(m_tokenName), spec);

        // The common case, a well-formed JWS, is decoded once. The token is only classified
        // when decoding fails, to explain a JWE or an opaque token.
        QString error;
        std::optional<jose::DecodedCompactJws> decoded = jose::decodeCompactJws(m_token, &error);
        if (!decoded) {
            if (m_token.count('.') != 2 && jose::classifyToken(m_token) == jose::TokenFormat::Jwe)
                return fail(id,
                            QStringLiteral("The %1 has five parts, so it is an encrypted JWE (RFC 7516), not a "
                                           "signed JWT. This app cannot decrypt it, so ask the provider for signed, "
                                           "unencrypted tokens.")
                                .arg(m_tokenName),
                            spec);
            if (m_token.count('.') != 2)
                return fail(id,
                            QStringLiteral("The %1 has %2 dot-separated parts instead of three, so it is not a "
                                           "JWT and looks like an opaque token. %3")
                                .arg(m_tokenName)
                                .arg(m_token.count('.') + 1)
                                .arg(m_kind == TokenKind::IdToken
                                         ? QStringLiteral("An ID token must be a signed JWT (OpenID Connect Core "
                                                          "1.0, section 2).")
                                         : QStringLiteral("Only the provider can read an opaque access token, "
                                                          "through introspection (RFC 7662).")),
                            spec);
            return fail(id, QStringLiteral("The %1 is not a valid JWT. %2").arg(m_tokenName, error), spec);
        }
        m_signingInput = std::move(decoded->signingInput);
        m_signature = std::move(decoded->signature);

        if (!m_header.read(decoded->header, &error)) {
            if (!m_header.repeatedName().isEmpty())
                return fail(id, repeatedMemberReason(QStringLiteral("header member"), m_header.repeatedName()), spec);
            if (decoded->header.trimmed().startsWith('['))
                error = QStringLiteral("The JWS header is a JSON array, but it must be a JSON object.");
            else
                error = QStringLiteral("The JWS header is not valid JSON: %1.").arg(error);
            return fail(id, QStringLiteral("The %1 is not a valid JWT. %2").arg(m_tokenName, error), spec);
        }
        const json::ValueView alg = m_header.value(QLatin1StringView("alg"));
        if (alg.isUndefined())
            return fail(id,
                        QStringLiteral("The %1 is not a valid JWT. The JWS header has no \"alg\" member.").arg(m_tokenName),
                        spec);
        if (!alg.isString())
            return fail(id,
                        QStringLiteral("The %1 is not a valid JWT. The JWS header member \"alg\" must be a string.")
                            .arg(m_tokenName),
                        spec);
        m_result.setDecodedJson(decoded->header, decoded->payload);

        if (!m_claims.read(decoded->payload, &error)) {
            if (!m_claims.repeatedName().isEmpty())
                return fail(id, repeatedMemberReason(QStringLiteral("claim"), m_claims.repeatedName()), spec);
            return fail(id,
                        QStringLiteral("The payload of the %1 is not a JSON object with claims: %2.").arg(m_tokenName, error),
                        spec);
        }
        if (m_claims.isEmpty())
            return fail(id, QStringLiteral("The payload of the %1 is not a JSON object with claims.").arg(m_tokenName),
                        spec);
        // checkCriticalHeader reads a QJsonObject, which is built only for the rare "crit" member.
        if (m_header.contains(QLatin1StringView("crit")) && !jose::checkCriticalHeader(m_header.toJsonObject(), &error))
            return fail(id, error, spec);

        pass(id,
             m_kind == TokenKind::IdToken
                 ? QStringLiteral("The ID token is a signed JWT with a JSON header and JSON claims.")
                 : QStringLiteral("The access token is a signed JWT with a JSON header and JSON claims."),
             spec);
        return true;
    }

    bool checkAlgorithm()
    {
        const CheckId id = CheckId::Algorithm;
        const QString spec = QStringLiteral("OpenID Connect Core 1.0, section 3.1.3.7, step 7; RFC 8725 section 3.1");

        const json::ValueView algValue = m_header.value(QLatin1String("alg"));
        if (algValue.isUndefined())
            return fail(id, QStringLiteral("The header has no \"alg\", so the signature cannot be checked."), spec);
        if (!algValue.isString())
            return fail(id,
                        QStringLiteral("The header member \"alg\" is %1, but it must be a string.").arg(jsonTypeName(algValue)),
                        spec);
        m_alg = algValue.toString();

        if (m_alg.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
            return fail(id,
                        QStringLiteral("The header has alg \"none\", so the token is not signed and anyone could "
                                       "have written it. Unsigned ID tokens are always rejected."),
                        spec);
        if (m_kind == TokenKind::AccessToken && isHmacAlgorithm(m_alg))
            return fail(id,
                        QStringLiteral("The access token is signed with %1, a shared-secret algorithm. An RFC 9068 "
                                       "access token must be signed with the provider's private key, because a "
                                       "resource server does not know the client secret.")
                            .arg(m_alg),
                        QStringLiteral("RFC 9068 section 4"));
        if (!m_expect.allowedAlgorithms.isEmpty() && !m_expect.allowedAlgorithms.contains(m_alg))
            return fail(id,
                        QStringLiteral("The token is signed with %1, which is not in the profile's allowed "
                                       "algorithms (%2). Add it to the profile if the provider really uses it.")
                            .arg(m_alg, m_expect.allowedAlgorithms.join(QStringLiteral(", "))),
                        spec);
        if (!m_expect.providerAlgorithms.isEmpty() && !m_expect.providerAlgorithms.contains(m_alg))
            return fail(id,
                        QStringLiteral("The token is signed with %1, but the provider's discovery document "
                                       "lists only %2 in id_token_signing_alg_values_supported.")
                            .arg(m_alg, m_expect.providerAlgorithms.join(QStringLiteral(", "))),
                        spec);
        if (!jose::isSupportedAlgorithm(m_alg))
            return fail(id,
                        QStringLiteral("The token is signed with %1, which this app cannot verify. Supported "
                                       "algorithms: %2.")
                            .arg(m_alg, jose::supportedAlgorithms().join(QStringLiteral(", "))),
                        spec);

        const QStringView permission = m_expect.allowedAlgorithms.isEmpty() ? QStringView(u", which this app supports.")
                                                                            : QStringView(u", which the profile allows.");
        const QStringView advertised = m_expect.providerAlgorithms.isEmpty()
            ? QStringView()
            : QStringView(u" The provider advertises it in its discovery document.");
        pass(id, u"The token is signed with " % m_alg % permission % advertised, spec);
        return true;
    }

    bool checkKey()
    {
        const CheckId id = CheckId::Key;

        if (isHmacAlgorithm(m_alg)) {
            const QString spec = QStringLiteral("OpenID Connect Core 1.0, section 10.1");
            if (m_expect.clientSecret.isEmpty())
                return fail(id,
                            QStringLiteral("%1 uses the client secret as the key, but no client secret is "
                                           "configured for this profile.")
                                .arg(m_alg),
                            spec);
            pass(id, m_alg % u" uses the UTF-8 bytes of the client secret as the key.", spec);
            return true;
        }

        const QString spec = QStringLiteral("OpenID Connect Core 1.0, section 10.1; RFC 7517 section 4");
        if (m_jwks.isEmpty())
            return fail(id, QStringLiteral("The provider's JWKS has no keys, so the signature cannot be verified."),
                        spec);

        const json::ValueView kidValue = m_header.value(QLatin1String("kid"));
        if (!kidValue.isUndefined() && !kidValue.isString())
            return fail(id,
                        QStringLiteral("The header member \"kid\" is %1, but it must be a string.").arg(jsonTypeName(kidValue)),
                        spec);

        if (kidValue.isString())
            return selectKeyById(kidValue.toString(), spec);
        return selectKeyWithoutId(spec);
    }

    bool selectKeyById(const QString &kid, const QString &spec)
    {
        const CheckId id = CheckId::Key;

        QStringList rejections;
        bool found = false;
        for (qsizetype i = 0; i < m_jwks.size(); ++i) {
            const jose::Jwk &jwk = m_jwks.at(i);
            if (jwk.kid != kid)
                continue;
            found = true;
            const QString reason = unsuitableReason(jwk, m_alg);
            if (reason.isEmpty()) {
                m_key = jwk.key;
                m_result.keyCertificates = jose::parseCertificateChain(jwk.x5c);
                pass(id, u"The JWKS has the key \"" % kid % u"\" named in the header, and it can verify " % m_alg % u'.',
                     spec);
                return true;
            }
            rejections.append(QStringLiteral("The JWKS key %1 %2.").arg(quoted(kid), reason));
        }

        if (!found) {
            m_result.unknownKeyId = true;
            m_result.unknownKid = kid;
            return fail(id,
                        QStringLiteral("The header names kid %1, but that key is not in the provider's JWKS "
                                       "(which has %2). If the provider has rotated its keys, fetching the JWKS "
                                       "again finds the new key (OpenID Connect Core 1.0, section 10.1.1).")
                            .arg(quoted(kid), describeKeyIds()),
                        spec);
        }
        return fail(id,
                    rejections.join(QLatin1Char(' ')) + QStringLiteral(" It cannot verify this %1 signature.").arg(m_alg),
                    spec);
    }

    bool selectKeyWithoutId(const QString &spec)
    {
        const CheckId id = CheckId::Key;

        QList<qsizetype> suitable;
        QStringList rejections;
        for (qsizetype i = 0; i < m_jwks.size(); ++i) {
            const QString reason = unsuitableReason(m_jwks.at(i), m_alg);
            if (reason.isEmpty())
                suitable.append(i);
            else
                rejections.append(QStringLiteral("The JWKS %1 %2.").arg(describeKey(m_jwks.at(i), i), reason));
        }

        if (suitable.isEmpty())
            return fail(id,
                        QStringLiteral("The header has no kid and no key in the JWKS can verify %1. %2")
                            .arg(m_alg, rejections.join(QLatin1Char(' '))),
                        spec);
        if (suitable.size() > 1)
            return fail(id,
                        QStringLiteral("The header has no kid and the JWKS has %1 keys that can verify %2, so the "
                                       "key cannot be chosen. The provider must set kid in the header when its "
                                       "JWKS has several keys (OpenID Connect Core 1.0, section 10.1).")
                            .arg(suitable.size())
                            .arg(m_alg),
                        spec);

        m_key = m_jwks.at(suitable.first()).key;
        m_result.keyCertificates = jose::parseCertificateChain(m_jwks.at(suitable.first()).x5c);
        QString reason = QStringLiteral("The header has no kid, and the JWKS %1 is the only key that can verify %2, "
                                        "so it is used.")
                             .arg(describeKey(m_jwks.at(suitable.first()), suitable.first()), m_alg);
        if (m_jwks.size() > 1)
            reason += QStringLiteral(" The provider should still set kid, because its JWKS has several keys "
                                     "(OpenID Connect Core 1.0, section 10.1).");
        pass(id, reason, spec);
        return true;
    }

    QString describeKeyIds() const
    {
        QStringList kids;
        for (const jose::Jwk &jwk : m_jwks)
            kids.append(jwk.kid.isEmpty() ? QStringLiteral("a key without kid") : quoted(jwk.kid));
        return kids.join(QStringLiteral(", "));
    }

    void checkSignature()
    {
        const CheckId id = CheckId::Signature;
        const QString spec = QStringLiteral("RFC 7515 section 5.2; OpenID Connect Core 1.0, section 3.1.3.7, steps 6 and 8");

        QString error;
        if (isHmacAlgorithm(m_alg)) {
            if (jose::verifyHmac(m_alg, m_expect.clientSecret.toUtf8(), m_signingInput, m_signature, &error))
                pass(id, u"The " % m_alg % u" signature matches the client secret.", spec);
            else
                fail(id, QStringLiteral("%1 Check the client secret of this profile.").arg(error), spec);
            return;
        }

        // A DER-encoded ECDSA signature is a common interoperability bug of the signing side, so
        // it gets a reason of its own instead of a bare verification failure.
        const int rawLength = rawEcdsaSignatureLength(m_alg);
        if (rawLength > 0 && m_signature.size() != rawLength) {
            if (!m_signature.isEmpty() && static_cast<unsigned char>(m_signature.at(0)) == 0x30)
                fail(id,
                     QStringLiteral("The signature is %1 bytes and starts with 0x30, so it is ASN.1 DER-encoded. "
                                    "%2 signatures must be the raw %3-byte R||S concatenation (RFC 7518 section "
                                    "3.4), so the provider's signing library is at fault.")
                         .arg(m_signature.size())
                         .arg(m_alg)
                         .arg(rawLength),
                     spec);
            else
                fail(id,
                     QStringLiteral("The signature is %1 bytes, but %2 signatures are %3 bytes (RFC 7518 section 3.4).")
                         .arg(m_signature.size())
                         .arg(m_alg)
                         .arg(rawLength),
                     spec);
            return;
        }

        if (jose::verifySignature(m_alg, m_key, m_signingInput, m_signature, &error))
            pass(id, u"The " % m_alg % u" signature is valid for the selected key.", spec);
        else if (!error.isEmpty())
            fail(id, error, spec);
        else
            fail(id,
                 QStringLiteral("The %1 signature is not valid for the selected key, so the token was changed or "
                                "signed with another key.")
                     .arg(m_alg),
                 spec);
    }

    void checkIssuer()
    {
        const CheckId id = CheckId::Issuer;
        const QString spec = QStringLiteral("OpenID Connect Core 1.0, section 3.1.3.7, step 2");
        const json::ObjectView &claims = m_claims;

        const json::ValueView value = claims.value(QLatin1String("iss"));
        if (value.isUndefined()) {
            fail(id, QStringLiteral("The token has no \"iss\" claim."), spec);
            return;
        }
        if (!value.isString()) {
            fail(id, stringTypeReason(claims, QStringLiteral("iss")), spec);
            return;
        }
        const QString iss = value.toString();
        const QString &expected = m_expect.issuer;
        if (expected.isEmpty()) {
            fail(id, QStringLiteral("No expected issuer is configured, so iss %1 cannot be checked.").arg(quoted(iss)),
                 spec);
            return;
        }
        if (iss == expected) {
            pass(id, u"iss \"" % iss % u"\" equals the expected issuer.", spec);
            return;
        }
        if (iss + QLatin1Char('/') == expected || expected + QLatin1Char('/') == iss) {
            fail(id,
                 QStringLiteral("iss %1 and the expected issuer %2 differ only by a trailing '/', which %3 has. "
                                "The issuer must match exactly, character for character.")
                     .arg(quoted(iss), quoted(expected),
                          iss.endsWith(QLatin1Char('/')) ? QStringLiteral("the token") : QStringLiteral("the expected issuer")),
                 spec);
            return;
        }
        fail(id, QStringLiteral("iss %1 is not the expected issuer %2.").arg(quoted(iss), quoted(expected)), spec);
    }

    void checkSubject()
    {
        const CheckId id = CheckId::Subject;
        const QString spec = QStringLiteral("OpenID Connect Core 1.0, section 2");
        const json::ObjectView &claims = m_claims;

        const json::ValueView value = claims.value(QLatin1String("sub"));
        if (value.isUndefined()) {
            fail(id, QStringLiteral("The token has no \"sub\" claim, which every %1 must have.").arg(m_tokenName), spec);
            return;
        }
        if (!value.isString()) {
            fail(id, stringTypeReason(claims, QStringLiteral("sub")), spec);
            return;
        }
        const QString sub = value.toString();
        if (sub.isEmpty()) {
            fail(id, QStringLiteral("The \"sub\" claim is an empty string."), spec);
            return;
        }
        // A UTF-16 code unit takes at most 3 bytes in UTF-8, so only a longer sub needs converting.
        if (sub.size() > 255 / 3 && sub.toUtf8().size() > 255) {
            add(id, Check::Status::Warning,
                QStringLiteral("The \"sub\" claim is %1 bytes long, more than the 255 ASCII characters allowed.")
                    .arg(sub.toUtf8().size()),
                spec);
            return;
        }
        pass(id, QStringLiteral("The token names its subject in \"sub\"."), spec);
    }

    void checkAudience()
    {
        const CheckId id = CheckId::Audience;
        const QString spec = QStringLiteral("OpenID Connect Core 1.0, section 3.1.3.7, step 3; RFC 7519 section 4.1.3");
        const json::ValueView value = m_claims.value(QLatin1String("aud"));

        if (value.isUndefined()) {
            fail(id, QStringLiteral("The token has no \"aud\" claim."), spec);
            return;
        }
        if (value.isString()) {
            m_audiences = QStringList{value.toString()};
        } else if (value.isArray()) {
            const QJsonArray array = value.toArray();
            QStringList audiences;
            for (qsizetype i = 0; i < array.size(); ++i) {
                if (!array.at(i).isString()) {
                    fail(id,
                         QStringLiteral("Element %1 of the \"aud\" claim is %2, but every audience must be a string.")
                             .arg(i)
                             .arg(jsonTypeName(array.at(i))),
                         spec);
                    return;
                }
                audiences.append(array.at(i).toString());
            }
            m_audiences = audiences;
        } else {
            fail(id,
                 QStringLiteral("The claim \"aud\" is %1, but it must be a string or an array of strings.")
                     .arg(jsonTypeName(value)),
                 spec);
            return;
        }

        // An ID token is issued to the client, an RFC 9068 access token to the resource server.
        const bool idToken = m_kind == TokenKind::IdToken;
        const QString &expected = idToken ? m_expect.clientId : m_resource;
        const QString expectedName = idToken ? QStringLiteral("the client id") : QStringLiteral("the resource");
        if (m_audiences.contains(expected) && !expected.isEmpty()) {
            pass(id,
                 m_audiences.size() == 1
                     ? QString(u"aud is " % expectedName % u" \"" % expected % u"\".")
                     : u"aud contains " % expectedName % u" \"" % expected % u"\" among " % decimal(m_audiences.size())
                         % u" audiences.",
                 spec);
            return;
        }
        fail(id,
             QStringLiteral("aud (%1) does not contain %2 %3, so the token was issued to %4.")
                 .arg(m_audiences.isEmpty() ? QStringLiteral("an empty array") : quotedList(m_audiences),
                      expectedName, quoted(expected),
                      idToken ? QStringLiteral("another client") : QStringLiteral("another resource server")),
             idToken ? spec : QStringLiteral("RFC 9068 section 4; RFC 7519 section 4.1.3"));
    }

    void checkAuthorizedParty()
    {
        const CheckId id = CheckId::AuthorizedParty;
        const QString spec = QStringLiteral("OpenID Connect Core 1.0, section 3.1.3.7, steps 4 and 5");
        const json::ObjectView &claims = m_claims;
        const json::ValueView value = claims.value(QLatin1String("azp"));

        if (value.isUndefined()) {
            // In OpenID Connect Core 1.0 step 4, checking that azp is present with several
            // audiences is a SHOULD. This app requires it, because without azp any audience
            // could be the party the token was issued to.
            if (m_audiences.size() > 1)
                fail(id,
                     QStringLiteral("The token has %1 audiences (%2) but no \"azp\" claim naming the client it "
                                    "was issued to. azp is required when aud has several values.")
                         .arg(m_audiences.size())
                         .arg(quotedList(m_audiences)),
                     spec);
            else
                skip(id, QStringLiteral("The token has a single audience and no \"azp\" claim, which is fine."));
            return;
        }
        if (!value.isString()) {
            fail(id, stringTypeReason(claims, QStringLiteral("azp")), spec);
            return;
        }
        if (value.toString() != m_expect.clientId) {
            fail(id,
                 QStringLiteral("azp %1 is not the client id %2, so the token was issued to another client.")
                     .arg(quoted(value.toString()), quoted(m_expect.clientId)),
                 spec);
            return;
        }
        pass(id, u"azp is the client id \"" % m_expect.clientId % u"\".", spec);
    }

    void checkExpiry()
    {
        const CheckId id = CheckId::Expiry;
        const QString spec = QStringLiteral("OpenID Connect Core 1.0, section 3.1.3.7, step 9; RFC 7519 section 4.1.4");

        double exp = 0;
        switch (readNumericDate(m_claims, QLatin1String("exp"), &exp)) {
        case ReadResult::Absent:
            fail(id, QStringLiteral("The token has no \"exp\" claim, which every %1 must have.").arg(m_tokenName), spec);
            return;
        case ReadResult::WrongType:
            fail(id, numericDateTypeReason(m_claims, QLatin1String("exp")), spec);
            return;
        case ReadResult::Ok:
            break;
        }

        const double age = m_now - exp; // positive: expired that long ago
        if (age >= m_leeway) {
            fail(id,
                 QStringLiteral("The token expired at %1, %2 ago, which is more than the leeway of %3.")
                     .arg(formatTime(exp), formatSeconds(age), formatSeconds(m_leeway)),
                 spec);
            return;
        }
        if (age >= 0) {
            pass(id,
                 QStringLiteral("The token expired at %1, %2 ago, which is within the leeway of %3.")
                     .arg(formatTime(exp), formatSeconds(age), formatSeconds(m_leeway)),
                 spec);
            return;
        }
        QString reason = reasonBuffer();
        reason += u"The token expires at ";
        appendTime(reason, exp);
        reason += u", in ";
        appendSeconds(reason, age);
        reason += u'.';
        pass(id, std::move(reason), spec);
    }

    void checkIssuedAt()
    {
        const CheckId id = CheckId::IssuedAt;
        const QString spec = QStringLiteral("OpenID Connect Core 1.0, section 3.1.3.7, step 10; RFC 7519 section 4.1.6");

        double iat = 0;
        switch (readNumericDate(m_claims, QLatin1String("iat"), &iat)) {
        case ReadResult::Absent:
            fail(id, QStringLiteral("The token has no \"iat\" claim, which every %1 must have.").arg(m_tokenName), spec);
            return;
        case ReadResult::WrongType:
            fail(id, numericDateTypeReason(m_claims, QLatin1String("iat")), spec);
            return;
        case ReadResult::Ok:
            break;
        }

        const double ahead = iat - m_now; // positive: issued in the future
        if (ahead > m_leeway) {
            fail(id,
                 QStringLiteral("The token was issued at %1, %2 in the future, which is more than the leeway of "
                                "%3. The system clock of this computer (now %4) or of the provider may be wrong, so "
                                "check that this computer sets its time automatically.")
                     .arg(formatTime(iat), formatSeconds(ahead), formatSeconds(m_leeway), formatTime(m_now)),
                 spec);
            return;
        }
        if (ahead > 0) {
            pass(id,
                 QStringLiteral("The token was issued at %1, %2 in the future, which is within the leeway of %3: "
                                "the provider's clock is slightly ahead of this computer's.")
                     .arg(formatTime(iat), formatSeconds(ahead), formatSeconds(m_leeway)),
                 spec);
            return;
        }
        QString reason = reasonBuffer();
        reason += u"The token was issued at ";
        appendTime(reason, iat);
        reason += u", ";
        appendSeconds(reason, ahead);
        reason += u" ago.";
        pass(id, std::move(reason), spec);
    }

    void checkNotBefore()
    {
        const CheckId id = CheckId::NotBefore;
        const QString spec = QStringLiteral("RFC 7519 section 4.1.5");

        double nbf = 0;
        switch (readNumericDate(m_claims, QLatin1String("nbf"), &nbf)) {
        case ReadResult::Absent:
            skip(id, QStringLiteral("The token has no \"nbf\" claim, which is optional."));
            return;
        case ReadResult::WrongType:
            fail(id, numericDateTypeReason(m_claims, QLatin1String("nbf")), spec);
            return;
        case ReadResult::Ok:
            break;
        }

        const double early = nbf - m_now; // positive: not valid yet
        if (early > m_leeway) {
            fail(id,
                 QStringLiteral("The token is not valid before %1, %2 from now, which is more than the leeway of "
                                "%3. The system clock of this computer (now %4) or of the provider may be wrong.")
                     .arg(formatTime(nbf), formatSeconds(early), formatSeconds(m_leeway), formatTime(m_now)),
                 spec);
            return;
        }
        QString reason = reasonBuffer();
        reason += u"The token is valid from ";
        appendTime(reason, nbf);
        reason += u'.';
        pass(id, std::move(reason), spec);
    }

    void checkNonce()
    {
        const CheckId id = CheckId::Nonce;
        const QString spec = QStringLiteral("OpenID Connect Core 1.0, section 3.1.3.7, step 11");
        const json::ObjectView &claims = m_claims;
        const json::ValueView value = claims.value(QLatin1String("nonce"));

        if (m_expect.nonce.isEmpty()) {
            // The implicit and hybrid flows return the ID token from the authorization endpoint,
            // where only the nonce protects against a replayed token (Core 1.0 section 3.2.2.1).
            if (hasResponseTypeValue(m_expect.responseType, QLatin1String("id_token"))) {
                fail(id,
                     QStringLiteral("The ID token came from the authorization endpoint with response_type=%1, "
                                    "but the request sent no nonce. The implicit and hybrid flows require a "
                                    "nonce, so the token cannot be tied to this login.")
                         .arg(m_expect.responseType),
                     QStringLiteral("OpenID Connect Core 1.0, sections 3.2.2.1 and 3.3.2.11"));
                return;
            }
            skip(id, QStringLiteral("The request sent no nonce, so there is nothing to compare."));
            return;
        }
        if (value.isUndefined()) {
            fail(id,
                 QStringLiteral("The request sent a nonce, but the token has no \"nonce\" claim, so the token "
                                "cannot be tied to this login (it may be replayed)."),
                 spec);
            return;
        }
        if (!value.isString()) {
            fail(id, stringTypeReason(claims, QStringLiteral("nonce")), spec);
            return;
        }
        if (value.toString() != QString::fromUtf8(m_expect.nonce)) {
            fail(id,
                 QStringLiteral("The token's nonce differs from the one this login sent, so the token belongs "
                                "to another login attempt or was replayed."),
                 spec);
            return;
        }
        pass(id, QStringLiteral("The token's nonce equals the one this login sent."), spec);
    }

    // `notReceived` is the skip reason for an empty `value`.
    void checkHalfHash(CheckId id, const QString &claim, const QString &value, const QString &valueName,
                       const QString &notReceived, bool required, const QString &spec)
    {
        if (value.isEmpty()) {
            skip(id, notReceived);
            return;
        }
        const json::ObjectView &claims = m_claims;
        const json::ValueView claimValue = claims.value(claim);
        if (claimValue.isUndefined()) {
            if (required)
                fail(id,
                     QStringLiteral("The token has no \"%1\" claim, which is required when the ID token comes "
                                    "from the authorization endpoint with response_type=%2.")
                         .arg(claim, m_expect.responseType),
                     spec);
            else
                skip(id,
                     QStringLiteral("The token has no \"%1\" claim, which is optional for the code flow.").arg(claim));
            return;
        }
        if (!claimValue.isString()) {
            fail(id, stringTypeReason(claims, claim), spec);
            return;
        }
        const QByteArray expected = jose::halfHash(m_alg, value.toUtf8());
        if (expected.isEmpty()) {
            fail(id, QStringLiteral("The %1 value cannot be computed for the algorithm %2.").arg(claim, quoted(m_alg)),
                 spec);
            return;
        }
        if (claimValue.toString().toLatin1() != expected) {
            fail(id,
                 QStringLiteral("The \"%1\" claim does not match the left half of the %2 hash of the %3, so "
                                "the %3 was not issued with this ID token.")
                     .arg(claim, m_alg, valueName),
                 spec);
            return;
        }
        pass(id, QStringLiteral("The \"%1\" claim matches the %2.").arg(claim, valueName), spec);
    }

    void checkAuthTime()
    {
        const CheckId id = CheckId::AuthTime;
        const QString spec = QStringLiteral("OpenID Connect Core 1.0, sections 2, 3.1.2.1 (max_age) and 3.1.3.7 step 13");
        const bool maxAgeSent = m_expect.maxAgeSeconds >= 0;
        const bool required = maxAgeSent || m_expect.authTimeEssential;

        double authTime = 0;
        switch (readNumericDate(m_claims, QLatin1String("auth_time"), &authTime)) {
        case ReadResult::Absent:
            if (maxAgeSent)
                fail(id,
                     QStringLiteral("The request sent max_age=%1, so the ID token must have an \"auth_time\" "
                                    "claim, but it has none.")
                         .arg(m_expect.maxAgeSeconds),
                     spec);
            else if (required)
                fail(id,
                     QStringLiteral("auth_time was requested as an essential claim, but the ID token has none."),
                     spec);
            else
                skip(id, QStringLiteral("The token has no \"auth_time\" claim, and neither max_age nor auth_time "
                                        "was requested."));
            return;
        case ReadResult::WrongType:
            fail(id, numericDateTypeReason(m_claims, QLatin1String("auth_time")), spec);
            return;
        case ReadResult::Ok:
            break;
        }

        const double ahead = authTime - m_now;
        if (ahead > m_leeway) {
            fail(id,
                 QStringLiteral("The user authenticated at %1, %2 in the future (now %3), which is more than the "
                                "leeway of %4.")
                     .arg(formatTime(authTime), formatSeconds(ahead), formatTime(m_now), formatSeconds(m_leeway)),
                 spec);
            return;
        }
        const double age = m_now - authTime;
        if (maxAgeSent && age > double(m_expect.maxAgeSeconds) + m_leeway) {
            fail(id,
                 QStringLiteral("The user authenticated at %1, %2 ago (now %3), which is more than max_age=%4 "
                                "seconds plus the leeway of %5, so the provider did not authenticate the user "
                                "again as requested.")
                     .arg(formatTime(authTime), formatSeconds(age), formatTime(m_now))
                     .arg(m_expect.maxAgeSeconds)
                     .arg(formatSeconds(m_leeway)),
                 spec);
            return;
        }
        pass(id,
             maxAgeSent ? QStringLiteral("The user authenticated at %1, %2 ago, within max_age=%3 seconds (leeway %4).")
                              .arg(formatTime(authTime), formatSeconds(age))
                              .arg(m_expect.maxAgeSeconds)
                              .arg(formatSeconds(m_leeway))
                        : QStringLiteral("The user authenticated at %1, %2 ago.").arg(formatTime(authTime), formatSeconds(age)),
             spec);
    }

    void checkAcr()
    {
        const CheckId id = CheckId::Acr;
        const QString spec = QStringLiteral("OpenID Connect Core 1.0, sections 3.1.3.7 step 12 and 5.5.1.1");
        const json::ObjectView &claims = m_claims;
        const json::ValueView value = claims.value(QLatin1String("acr"));
        const QStringList &requested = m_expect.acrValues;

        if (value.isUndefined()) {
            if (m_expect.acrEssential)
                fail(id,
                     QStringLiteral("acr was requested as an essential claim%1, but the ID token has no \"acr\" "
                                    "claim.")
                         .arg(requested.isEmpty() ? QString() : QStringLiteral(" with the values %1").arg(quotedList(requested))),
                     spec);
            else
                skip(id, requested.isEmpty() ? QStringLiteral("The token has no \"acr\" claim, and none was requested.")
                                             : QStringLiteral("The token has no \"acr\" claim. acr was requested as a "
                                                              "voluntary claim, so it may be left out."));
            return;
        }
        if (!value.isString()) {
            fail(id, stringTypeReason(claims, QStringLiteral("acr")), spec);
            return;
        }
        const QString acr = value.toString();
        if (requested.isEmpty() || requested.contains(acr)) {
            pass(id,
                 requested.isEmpty() ? QStringLiteral("The token names the authentication context %1.").arg(quoted(acr))
                                     : QStringLiteral("acr %1 is one of the requested values.").arg(quoted(acr)),
                 spec);
            return;
        }
        if (m_expect.acrEssential) {
            fail(id,
                 QStringLiteral("acr %1 is not one of the values requested as essential (%2), so the user did not "
                                "authenticate as strongly as required.")
                     .arg(quoted(acr), quotedList(requested)),
                 spec);
            return;
        }
        add(id, Check::Status::Warning,
            QStringLiteral("acr %1 is not one of the requested values (%2). They were requested as voluntary, so "
                           "the provider may use another context.")
                .arg(quoted(acr), quotedList(requested)),
            spec);
    }

    // RFC 9068 section 2.1 sets typ "at+jwt", and section 4 requires rejecting other types.
    void checkAccessTokenType()
    {
        const CheckId id = CheckId::Type;
        const QString spec = QStringLiteral("RFC 9068 sections 2.1 and 4");
        const json::ValueView value = m_header.value(QStringLiteral("typ"));

        if (value.isUndefined()) {
            fail(id,
                 QStringLiteral("The header has no \"typ\". An RFC 9068 access token has typ \"at+jwt\", which "
                                "keeps other JWTs, such as ID tokens, from being used as access tokens."),
                 spec);
            return;
        }
        if (!value.isString()) {
            fail(id, QStringLiteral("The header member \"typ\" is %1, but it must be a string.").arg(jsonTypeName(value)),
                 spec);
            return;
        }
        const QString typ = value.toString();
        // Media type names are case-insensitive (RFC 7515 section 4.1.9).
        if (typ.compare(QLatin1String("at+jwt"), Qt::CaseInsensitive) == 0
            || typ.compare(QLatin1String("application/at+jwt"), Qt::CaseInsensitive) == 0) {
            pass(id, QStringLiteral("typ is %1, the type of an RFC 9068 access token.").arg(quoted(typ)), spec);
            return;
        }
        fail(id,
             QStringLiteral("typ is %1, but an RFC 9068 access token has typ \"at+jwt\" or \"application/at+jwt\".")
                 .arg(quoted(typ)),
             spec);
    }

    // Reads the string claim `name` that every RFC 9068 access token must carry. Fails the
    // check `id` and returns nothing when the claim is missing or not a string.
    std::optional<QString> requiredAccessTokenClaim(CheckId id, const QString &name, const QString &spec)
    {
        const json::ValueView value = m_claims.value(name);
        if (value.isUndefined()) {
            fail(id,
                 QStringLiteral("The token has no \"%1\" claim, which every RFC 9068 access token must have.").arg(name),
                 spec);
            return std::nullopt;
        }
        if (!value.isString()) {
            fail(id, stringTypeReason(m_claims, name), spec);
            return std::nullopt;
        }
        return value.toString();
    }

    void checkClientId()
    {
        const CheckId id = CheckId::ClientId;
        const QString spec = QStringLiteral("RFC 9068 section 2.2; RFC 8693 section 4.3");
        const std::optional<QString> clientId = requiredAccessTokenClaim(id, QStringLiteral("client_id"), spec);
        if (!clientId)
            return;
        if (*clientId != m_expect.clientId) {
            fail(id,
                 QStringLiteral("client_id %1 is not this client's id %2, so the token was issued to another client.")
                     .arg(quoted(*clientId), quoted(m_expect.clientId)),
                 spec);
            return;
        }
        pass(id, QStringLiteral("client_id is this client's id %1.").arg(quoted(m_expect.clientId)), spec);
    }

    void checkJwtId()
    {
        const CheckId id = CheckId::JwtId;
        const QString spec = QStringLiteral("RFC 9068 section 2.2; RFC 7519 section 4.1.7");
        const std::optional<QString> jwtId = requiredAccessTokenClaim(id, QStringLiteral("jti"), spec);
        if (!jwtId)
            return;
        if (jwtId->isEmpty()) {
            fail(id, QStringLiteral("The \"jti\" claim is an empty string."), spec);
            return;
        }
        pass(id, QStringLiteral("The token has the identifier jti."), spec);
    }

    QByteArray m_token;
    const QList<jose::Jwk> &m_jwks;
    const IdTokenExpectations &m_expect;
    TokenKind m_kind;
    QString m_resource;
    QString m_tokenName;
    double m_now = 0;
    int m_leeway = 0;

    IdTokenValidation m_result;
    std::bitset<kCheckCount> m_done; // the checks already in m_result
    QByteArray m_signingInput;
    QByteArray m_signature;
    json::ObjectView m_header;
    json::ObjectView m_claims;
    QString m_alg;
    jose::Key m_key;
    QStringList m_audiences;
};

} // namespace

struct IdTokenValidation::DecodedJson {
    QByteArray header;
    QByteArray claims;
    std::once_flag parsed;
    QJsonObject headerObject;
    QJsonObject claimsObject;

    void parse()
    {
        std::call_once(parsed, [this] {
            headerObject = QJsonDocument::fromJson(header).object();
            claimsObject = QJsonDocument::fromJson(claims).object();
        });
    }
};

void IdTokenValidation::setDecodedJson(const QByteArray &header, const QByteArray &claims)
{
    m_json = std::make_shared<DecodedJson>();
    m_json->header = header;
    m_json->claims = claims;
}

QJsonObject IdTokenValidation::header() const
{
    if (!m_json)
        return {};
    m_json->parse();
    return m_json->headerObject;
}

QJsonObject IdTokenValidation::claims() const
{
    if (!m_json)
        return {};
    m_json->parse();
    return m_json->claimsObject;
}

bool IdTokenValidation::passed() const
{
    return std::none_of(checks.cbegin(), checks.cend(),
                        [](const Check &check) { return check.status == Check::Status::Failed; });
}

QString IdTokenValidation::firstFailure() const
{
    for (const Check &check : checks) {
        if (check.status == Check::Status::Failed)
            return check.reason;
    }
    return {};
}

IdTokenValidation validateIdToken(const QByteArray &idToken, const QList<jose::Jwk> &jwks,
                                  const IdTokenExpectations &expect)
{
    return Validator(idToken, jwks, expect).run();
}

IdTokenValidation validateJwtAccessToken(const QByteArray &accessToken, const QList<jose::Jwk> &jwks,
                                         const AccessTokenExpectations &expect)
{
    IdTokenExpectations common;
    common.issuer = expect.issuer;
    common.clientId = expect.clientId;
    common.allowedAlgorithms = expect.allowedAlgorithms;
    common.providerAlgorithms = expect.providerAlgorithms;
    common.leewaySeconds = expect.leewaySeconds;
    common.now = expect.now;
    return Validator(accessToken, jwks, common, TokenKind::AccessToken, expect.resource).runAccessToken();
}

Check compareUserInfoSubject(const QJsonObject &userInfo, const QJsonObject &idTokenClaims)
{
    Check check;
    check.id = QStringLiteral("check-userinfo-subject");
    check.name = QStringLiteral("UserInfo subject (sub)");
    check.spec = QStringLiteral("OpenID Connect Core 1.0, sections 5.3.2 and 5.3.4");
    check.status = Check::Status::Failed;

    const QJsonValue userInfoSub = userInfo.value(QStringLiteral("sub"));
    const QJsonValue idTokenSub = idTokenClaims.value(QStringLiteral("sub"));
    if (userInfoSub.isUndefined()) {
        check.reason = QStringLiteral("The UserInfo response has no \"sub\" claim, which it must always have.");
        return check;
    }
    if (!userInfoSub.isString()) {
        check.reason = QStringLiteral("The \"sub\" claim of the UserInfo response is %1, but it must be a string.")
                           .arg(jsonTypeName(userInfoSub));
        return check;
    }
    if (!idTokenSub.isString() || idTokenSub.toString().isEmpty()) {
        check.reason = QStringLiteral("The ID token has no string \"sub\" claim, so the UserInfo response cannot be "
                                      "tied to it.");
        return check;
    }
    if (userInfoSub.toString() != idTokenSub.toString()) {
        check.reason = QStringLiteral("The UserInfo response has sub %1, but the ID token has sub %2. The response "
                                      "describes another user, so it must not be used.")
                           .arg(quoted(userInfoSub.toString()), quoted(idTokenSub.toString()));
        return check;
    }
    check.status = Check::Status::Passed;
    check.reason = QStringLiteral("The UserInfo response has the same sub %1 as the ID token.").arg(quoted(userInfoSub.toString()));
    return check;
}

QString checkStatusName(Check::Status status)
{
    switch (status) {
    case Check::Status::Passed:
        return QStringLiteral("passed");
    case Check::Status::Failed:
        return QStringLiteral("failed");
    case Check::Status::Warning:
        return QStringLiteral("warning");
    case Check::Status::Skipped:
        return QStringLiteral("skipped");
    }
    return {};
}

} // namespace afx::oidc
