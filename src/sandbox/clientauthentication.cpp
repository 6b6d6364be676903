// Client authentication at the token, device authorization, pushed authorization, revocation
// and introspection endpoints: none (public client), client_secret_basic, client_secret_post,
// and JWT assertions with client_secret_jwt and private_key_jwt (RFC 7523 section 2.2, OpenID
// Connect Core section 9).

#include "sandbox/identityprovider.h"

#include "sandbox/formcodec.h"
#include "sandbox/logging.h"
#include "sandbox/providerhelpers.h"
#include "sandbox/sandboxserver.h"

#include "jose/jws.h"

#include <QJsonObject>

#include <cmath>

namespace afx::sandbox {

namespace {

const QString jwtBearerAssertionType = QStringLiteral("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");

// client_secret_jwt signs with the client secret as the HMAC key. RFC 7518 section 3.2 wants a
// key at least as long as the hash, so HS384 and HS512 fail with the 33-byte secret of the
// confidential client, and the signature check reports that reason.
const QStringList secretAssertionAlgorithms{QStringLiteral("HS256"), QStringLiteral("HS384"), QStringLiteral("HS512")};
// private_key_jwt signs with the client's private key. The registered key decides which of these
// fits. RS and PS need an RSA key, and ES256, ES384 and ES512 need an EC key on P-256, P-384 and P-521.
const QStringList keyAssertionAlgorithms{QStringLiteral("RS256"), QStringLiteral("RS384"), QStringLiteral("RS512"),
                                         QStringLiteral("PS256"), QStringLiteral("PS384"), QStringLiteral("PS512"),
                                         QStringLiteral("ES256"), QStringLiteral("ES384"), QStringLiteral("ES512")};

// Reads a NumericDate (RFC 7519 section 2): seconds since 1970, which may have a fraction.
// Returns nullopt for other JSON types and for values beyond 10^15 seconds, which no date reaches.
std::optional<qint64> numericDate(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double seconds = value.toDouble();
    if (!std::isfinite(seconds) || std::abs(seconds) > 1e15)
        return std::nullopt;
    return qint64(std::floor(seconds));
}

} // namespace

HttpResponse IdentityProvider::clientAuthenticationError(int status, const QString &description) const
{
    HttpResponse response = tokenError(status, QStringLiteral("invalid_client"), description);
    // Basic is the one scheme the sandbox accepts in the Authorization header for client
    // authentication, so the challenge names it.
    if (status == 401)
        response.addHeader("WWW-Authenticate", "Basic realm=\"sandbox\", charset=\"UTF-8\"");
    return response;
}

QString IdentityProvider::privateKeyJwtRequirement(const QString &clientId) const
{
    if (m_clientAssertionKey.isNull())
        return QStringLiteral("No public key is registered for the client %1, so its private_key_jwt assertions "
                              "cannot be verified. Register the client's public key with the sandbox first.")
            .arg(clientId);
    return QStringLiteral("The client %1 has no secret and authenticates only with private_key_jwt: send "
                          "client_assertion_type=%2 and client_assertion, a JWT signed with the client's private key.")
        .arg(clientId, jwtBearerAssertionType);
}

void IdentityProvider::setClientAssertionKey(const jose::Key &key)
{
    m_clientAssertionKey = jose::Key();
    const QString clientId = SandboxServer::jwtClientId();
    if (key.isNull()) {
        qCInfo(lcSandbox).noquote() << "removed the public key of client" << clientId;
        return;
    }
    if (key.kty() != QLatin1String("RSA") && key.kty() != QLatin1String("EC")) {
        qCWarning(lcSandbox).noquote() << "did not register the" << key.kty() << "key for client" << clientId
                                       << "because private_key_jwt in the sandbox accepts RSA and EC keys only";
        return;
    }
    // Only the public part is kept, because checking signatures needs no more.
    QString error;
    const jose::Key publicKey = jose::Key::fromJwk(key.toPublicJwk(), &error);
    if (publicKey.isNull()) {
        qCWarning(lcSandbox).noquote() << "reading the public part of the key for client" << clientId
                                       << "failed:" << error;
        return;
    }
    m_clientAssertionKey = publicKey;
    qCInfo(lcSandbox).noquote() << QStringLiteral("registered the public key (%1, %2 bits) of client %3")
                                       .arg(publicKey.kty())
                                       .arg(publicKey.bits())
                                       .arg(clientId);
}

std::optional<HttpResponse> IdentityProvider::authenticateClient(const HttpRequest &request, const oidc::FormFields &form,
                                                                 const ClientRegistration **client,
                                                                 int invalidClientStatus)
{
    const QByteArray authorization = request.header("Authorization").trimmed();
    const auto unauthorized = [this](int status, const QString &description) {
        return clientAuthenticationError(status, description);
    };

    if (hasField(form, QStringLiteral("client_assertion")) || hasField(form, QStringLiteral("client_assertion_type"))) {
        if (!authorization.isEmpty() || hasField(form, QStringLiteral("client_secret")))
            return tokenError(400, QStringLiteral("invalid_request"),
                              QStringLiteral("The request uses two client authentication methods (client_assertion and "
                                             "%1); use one.")
                                  .arg(authorization.isEmpty() ? QStringLiteral("client_secret")
                                                               : QStringLiteral("an Authorization header")));
        return authenticateClientAssertion(request, form, client);
    }

    if (!authorization.isEmpty()) {
        // client_secret_basic. Failures are 401 with a Basic challenge (RFC 6749 section 5.2).
        const auto basicFailure = [&](const QString &description) { return unauthorized(401, description); };
        if (!authorization.startsWith("Basic ") && !authorization.startsWith("basic "))
            return basicFailure(QStringLiteral("The sandbox accepts only the Basic scheme in the Authorization header "
                                               "for client authentication."));
        if (hasField(form, QStringLiteral("client_secret")))
            return tokenError(400, QStringLiteral("invalid_request"),
                              QStringLiteral("The request uses two client authentication methods (Basic header and "
                                             "client_secret in the body); use one."));
        const auto decoded = QByteArray::fromBase64Encoding(authorization.sliced(6).trimmed(),
                                                            QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return basicFailure(QStringLiteral("The Basic credentials are not valid Base64."));
        const QByteArray credentials = *decoded;
        const qsizetype colon = credentials.indexOf(':');
        if (colon < 0)
            return basicFailure(QStringLiteral("The Basic credentials have no colon between client id and secret."));

        QString clientId;
        QString secret;
        if (!oidc::formDecode(credentials.first(colon), &clientId) || !oidc::formDecode(credentials.sliced(colon + 1), &secret))
            return basicFailure(QStringLiteral("The Basic credentials are not correctly form-encoded."));
        const ClientRegistration *registration = findClient(clientId);
        if (!registration)
            return basicFailure(QStringLiteral("Unknown client %1.").arg(clientId.left(100)));
        if (registration->isPublic)
            return basicFailure(QStringLiteral("The client %1 is public and has no secret; send client_id in the "
                                               "body instead.").arg(clientId));
        if (registration->usesPrivateKeyJwt)
            return basicFailure(privateKeyJwtRequirement(clientId));
        if (!constantTimeEquals(secret, registration->secret)) {
            // A common mistake: Base64 of the raw secret. Form-decoding turns its '+' into a
            // space, so the raw value would only match before decoding.
            const QString rawSecret = QString::fromUtf8(credentials.sliced(colon + 1));
            if (constantTimeEquals(rawSecret, registration->secret))
                return basicFailure(QStringLiteral("The client secret does not match after form-decoding. RFC 6749 "
                                                   "section 2.3.1 requires form-encoding id and secret before Base64, "
                                                   "so '+' must be sent as %2B, '/' as %2F, '=' as %3D and ':' as %3A."));
            return basicFailure(QStringLiteral("The client secret is wrong."));
        }
        if (hasField(form, QStringLiteral("client_id")) && fieldValue(form, QStringLiteral("client_id")) != clientId)
            return tokenError(400, QStringLiteral("invalid_request"),
                              QStringLiteral("client_id in the body differs from the client in the Basic credentials."));
        *client = registration;
        return std::nullopt;
    }

    const QString clientId = fieldValue(form, QStringLiteral("client_id"));
    if (clientId.isEmpty())
        return unauthorized(invalidClientStatus,
                            QStringLiteral("The request has no client authentication: send client_id (public client), "
                                           "a Basic header, client_secret_post or client_assertion."));
    const ClientRegistration *registration = findClient(clientId);
    if (!registration)
        return unauthorized(invalidClientStatus, QStringLiteral("Unknown client %1.").arg(clientId.left(100)));

    if (hasField(form, QStringLiteral("client_secret"))) {
        // client_secret_post
        if (registration->isPublic)
            return unauthorized(invalidClientStatus,
                                QStringLiteral("The client %1 is public and has no secret; do not send client_secret.")
                                    .arg(clientId));
        if (registration->usesPrivateKeyJwt)
            return unauthorized(invalidClientStatus, privateKeyJwtRequirement(clientId));
        if (!constantTimeEquals(fieldValue(form, QStringLiteral("client_secret")), registration->secret))
            return unauthorized(invalidClientStatus, QStringLiteral("The client secret is wrong."));
    } else if (registration->usesPrivateKeyJwt) {
        return unauthorized(invalidClientStatus, privateKeyJwtRequirement(clientId));
    } else if (!registration->isPublic) {
        return unauthorized(invalidClientStatus,
                            QStringLiteral("The client %1 is confidential: authenticate with client_secret_basic, "
                                           "client_secret_post or client_secret_jwt.").arg(clientId));
    }
    *client = registration;
    return std::nullopt;
}

std::optional<HttpResponse> IdentityProvider::authenticateClientAssertion(const HttpRequest &request,
                                                                          const oidc::FormFields &form,
                                                                          const ClientRegistration **client)
{
    // Every failure is 401 invalid_client, with the same challenge as a failed Basic header.
    const auto reject = [this](const QString &description) { return clientAuthenticationError(401, description); };

    if (!hasField(form, QStringLiteral("client_assertion_type")))
        return reject(QStringLiteral("client_assertion was sent without client_assertion_type; send "
                                     "client_assertion_type=%1.")
                          .arg(jwtBearerAssertionType));
    const QString assertionType = fieldValue(form, QStringLiteral("client_assertion_type"));
    if (assertionType != jwtBearerAssertionType)
        return reject(QStringLiteral("client_assertion_type %1 is not supported; use %2 (RFC 7523 section 2.2).")
                          .arg(assertionType.left(100), jwtBearerAssertionType));
    const QByteArray assertion = fieldValue(form, QStringLiteral("client_assertion")).toUtf8();
    if (assertion.isEmpty())
        return reject(QStringLiteral("The request has client_assertion_type but no client_assertion; send the signed "
                                     "JWT in client_assertion."));

    QString error;
    const std::optional<jose::CompactJws> jws = jose::CompactJws::parse(assertion, &error, maxClientAssertionBytes);
    if (!jws)
        return reject(QStringLiteral("client_assertion is not a signed JWT: %1").arg(error));
    const QJsonObject &claims = jws->claims;
    if (claims.isEmpty())
        return reject(QStringLiteral("The payload of client_assertion is not a JSON object with claims."));

    // The claims are read before the signature is checked only to find the client, and so its
    // key. Nothing else is trusted until the signature verifies.
    const QJsonValue sub = claims.value(QStringLiteral("sub"));
    if (!sub.isString() || sub.toString().isEmpty())
        return reject(QStringLiteral("client_assertion has no sub claim. Set sub and iss to the client_id."));
    const QString clientId = sub.toString();
    if (hasField(form, QStringLiteral("client_id")) && fieldValue(form, QStringLiteral("client_id")) != clientId)
        return reject(QStringLiteral("client_id %1 in the body differs from the sub claim %2 of client_assertion; "
                                     "both must be the client_id.")
                          .arg(fieldValue(form, QStringLiteral("client_id")).left(100), clientId.left(100)));
    const ClientRegistration *registration = findClient(clientId);
    if (!registration)
        return reject(QStringLiteral("The sub claim of client_assertion names the unknown client %1.").arg(clientId.left(100)));
    if (registration->isPublic)
        return reject(QStringLiteral("The client %1 is public and has no secret or key to sign client_assertion with; "
                                     "send client_id alone.")
                          .arg(clientId));
    if (registration->usesPrivateKeyJwt && m_clientAssertionKey.isNull())
        return reject(privateKeyJwtRequirement(clientId));

    const QString method = registration->usesPrivateKeyJwt ? QStringLiteral("private_key_jwt")
                                                           : QStringLiteral("client_secret_jwt");
    const QStringList &algorithms = registration->usesPrivateKeyJwt ? keyAssertionAlgorithms : secretAssertionAlgorithms;
    const QString alg = jws->alg();
    if (alg.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
        return reject(QStringLiteral("client_assertion is unsigned (alg none), so it proves nothing. The client %1 "
                                     "uses %2: sign the JWT with %3.")
                          .arg(clientId, method, algorithms.join(QStringLiteral(", "))));
    if (!algorithms.contains(alg))
        return reject(QStringLiteral("The alg %1 of client_assertion does not fit %2, which the client %3 uses: sign "
                                     "the JWT with %4.")
                          .arg(alg.left(20), method, clientId, algorithms.join(QStringLiteral(", "))));
    const bool signatureValid = registration->usesPrivateKeyJwt
        ? jws->verify(m_clientAssertionKey, &error)
        : jws->verifyHmac(registration->secret.toUtf8(), &error);
    if (!signatureValid)
        return reject(QStringLiteral("The signature of client_assertion is invalid: %1 %2 needs %3.")
                          .arg(error, method,
                               registration->usesPrivateKeyJwt ? QStringLiteral("the client's registered key pair")
                                                               : QStringLiteral("the client secret as the HMAC key")));

    const QJsonValue iss = claims.value(QStringLiteral("iss"));
    if (!iss.isString() || iss.toString() != clientId)
        return reject(QStringLiteral("The iss claim of client_assertion must be the client_id %1, like sub.").arg(clientId));

    // RFC 9126 section 2 requires the pushed authorization request endpoint to accept its own
    // URL as an audience too.
    const QString tokenEndpoint = m_issuer + QStringLiteral("/token");
    QStringList audiences{tokenEndpoint, m_issuer};
    if (request.path == QLatin1String("/par"))
        audiences.append(m_issuer + QStringLiteral("/par"));
    const QJsonValue aud = claims.value(QStringLiteral("aud"));
    if (aud.isUndefined())
        return reject(QStringLiteral("client_assertion has no aud claim; set it to the token endpoint URL %1.")
                          .arg(tokenEndpoint));
    const bool audienceAccepted = std::any_of(audiences.cbegin(), audiences.cend(), [&aud](const QString &audience) {
        return audienceContains(aud, audience);
    });
    if (!audienceAccepted)
        return reject(QStringLiteral("The aud claim of client_assertion (%1) contains neither the token endpoint URL "
                                     "%2 nor the issuer %3.")
                          .arg(audienceText(aud).left(200), tokenEndpoint, m_issuer));

    const qint64 now = m_clock->now();
    const QJsonValue expValue = claims.value(QStringLiteral("exp"));
    if (expValue.isUndefined())
        return reject(QStringLiteral("client_assertion has no exp claim; set it to a time shortly after iat."));
    const std::optional<qint64> exp = numericDate(expValue);
    if (!exp)
        return reject(QStringLiteral("The exp claim of client_assertion is not a number of seconds since 1970."));
    if (*exp + clientAssertionLeewaySeconds <= now)
        return reject(QStringLiteral("client_assertion expired: its exp claim is %1 seconds in the past, more than the "
                                     "%2 seconds of clock skew the sandbox allows. Sign a new assertion.")
                          .arg(now - *exp)
                          .arg(clientAssertionLeewaySeconds));
    if (*exp > now + maxClientAssertionLifetimeSeconds + clientAssertionLeewaySeconds)
        return reject(QStringLiteral("The exp claim of client_assertion is %1 seconds in the future; the sandbox "
                                     "accepts at most %2 seconds, because it remembers each jti until exp.")
                          .arg(*exp - now)
                          .arg(maxClientAssertionLifetimeSeconds));
    for (const QString &name : {QStringLiteral("iat"), QStringLiteral("nbf")}) {
        const QJsonValue value = claims.value(name);
        if (value.isUndefined())
            continue;
        const std::optional<qint64> time = numericDate(value);
        if (!time)
            return reject(QStringLiteral("The %1 claim of client_assertion is not a number of seconds since 1970.").arg(name));
        if (*time > now + clientAssertionLeewaySeconds)
            return reject(QStringLiteral("The %1 claim of client_assertion is %2 seconds in the future, more than the %3 "
                                         "seconds of clock skew the sandbox allows. Check the client's clock.")
                              .arg(name)
                              .arg(*time - now)
                              .arg(clientAssertionLeewaySeconds));
    }

    // OpenID Connect Core section 9 requires jti, so that the provider can reject a replay.
    const QJsonValue jti = claims.value(QStringLiteral("jti"));
    if (!jti.isString() || jti.toString().isEmpty())
        return reject(QStringLiteral("client_assertion has no jti claim. Give every assertion a new random jti, so "
                                     "that a replayed assertion can be detected."));
    const QString assertionId = clientId + QLatin1Char('\n') + jti.toString();
    if (m_usedClientAssertionIds.contains(assertionId))
        return reject(QStringLiteral("The jti %1 of client_assertion was already used. An assertion works once: sign a "
                                     "new one with a new jti for each request.")
                          .arg(jti.toString().left(100)));
    m_usedClientAssertionIds.insert(assertionId, *exp);

    *client = registration;
    qCDebug(lcSandbox).noquote() << "client" << clientId << "authenticated with" << method;
    return std::nullopt;
}

} // namespace afx::sandbox
