// Token revocation (RFC 7009) and token introspection (RFC 7662).

#include "sandbox/identityprovider.h"

#include "sandbox/formcodec.h"
#include "sandbox/logging.h"
#include "sandbox/providerhelpers.h"
#include "sandbox/sandboxserver.h"

#include <QJsonObject>

namespace afx::sandbox {

std::optional<HttpResponse> IdentityProvider::readClientRequest(const HttpRequest &request, const char *endpointName,
                                                                oidc::FormFields *form,
                                                                const ClientRegistration **client, int invalidClientStatus)
{
    if (request.mediaType() != formMediaType.toLatin1())
        return tokenError(400, QStringLiteral("invalid_request"),
                          QStringLiteral("The %1 request must be application/x-www-form-urlencoded.")
                              .arg(QLatin1String(endpointName)));
    QString parseError;
    if (!oidc::formDecodeFields(request.body, form, &parseError))
        return tokenError(400, QStringLiteral("invalid_request"), parseError);
    const QStringList repeated = repeatedFieldNames(*form);
    if (!repeated.isEmpty())
        return tokenError(400, QStringLiteral("invalid_request"),
                          QStringLiteral("The parameter %1 appears more than once.").arg(repeated.first()));
    // RFC 7662 section 2.3 requires 401 for invalid client credentials, and RFC 6749 section
    // 5.2 allows it at /revoke and /par too, so those endpoints use it.
    return authenticateClient(request, *form, client, invalidClientStatus);
}

HttpResponse IdentityProvider::revoke(const HttpRequest &request)
{
    removeExpired();
    oidc::FormFields form;
    const ClientRegistration *client = nullptr;
    if (std::optional<HttpResponse> failure = readClientRequest(request, "revocation", &form, &client))
        return *failure;

    const QString token = fieldValue(form, QStringLiteral("token"));
    if (token.isEmpty())
        return tokenError(400, QStringLiteral("invalid_request"),
                          QStringLiteral("The request has no token: send the access token or refresh token to revoke "
                                         "in the token parameter."));
    // The sandbox ignores token_type_hint, because refresh tokens are random strings and access
    // tokens are JWTs, so it finds either without the hint. RFC 7009 section 2.2 also requires that
    // an invalid hint value is ignored, so no hint value is an error.
    if (std::optional<HttpResponse> failure = revokeToken(token, *client))
        return *failure;

    // 200 with an empty body, also for tokens the sandbox does not know, which RFC 7009
    // section 2.2 requires because such a token is as good as revoked.
    HttpResponse response;
    response.status = 200;
    response.addHeader("Cache-Control", "no-store");
    response.addHeader("Pragma", "no-cache");
    return response;
}

std::optional<HttpResponse> IdentityProvider::revokeToken(const QString &token, const ClientRegistration &client)
{
    const QString otherClient = QStringLiteral("The token was issued to another client, and only that client may "
                                               "revoke it (RFC 7009 section 2.1). Nothing was revoked.");

    const auto refresh = m_refreshTokens.constFind(token);
    if (refresh != m_refreshTokens.constEnd()) {
        if (refresh->clientId != client.id)
            return tokenError(400, QStringLiteral("invalid_grant"), otherClient);
        // Revoking a refresh token revokes its whole grant: its other refresh tokens and every
        // access token issued with it stop working too, as RFC 7009 section 2.1 recommends.
        revokeGrant(refresh->grantId, "the client revoked a refresh token");
        return std::nullopt;
    }

    QString error;
    const std::optional<QJsonObject> claims = readOwnAccessToken(token.toLatin1(), &error);
    if (!claims) {
        qCInfo(lcSandbox) << "revocation request for an unknown token from client" << client.id;
        return std::nullopt;
    }
    if (claims->value(QStringLiteral("client_id")).toString() != client.id)
        return tokenError(400, QStringLiteral("invalid_grant"), otherClient);
    // Only this access token is revoked. The refresh token of its grant stays valid, because
    // RFC 7009 section 2.1 leaves that to the server and a client may revoke an access token
    // just to drop it early.
    const QString jti = claims->value(QStringLiteral("jti")).toString();
    AccessTokenRecord &record = m_accessTokens[jti];
    record.expiresAt = claims->value(QStringLiteral("exp")).toInteger();
    record.revoked = true;
    qCInfo(lcSandbox) << "client" << client.id << "revoked an access token";
    return std::nullopt;
}

HttpResponse IdentityProvider::introspect(const HttpRequest &request)
{
    removeExpired();
    oidc::FormFields form;
    const ClientRegistration *client = nullptr;
    if (std::optional<HttpResponse> failure = readClientRequest(request, "introspection", &form, &client))
        return *failure;
    if (client->isPublic) {
        HttpResponse response = tokenError(
            401, QStringLiteral("invalid_client"),
            QStringLiteral("Only the confidential client %1 may introspect tokens. The endpoint tells whether any "
                           "token is active, so it needs a client that can prove its identity, and %2 is public and "
                           "has no secret.")
                .arg(SandboxServer::confidentialClientId(), client->id));
        response.addHeader("WWW-Authenticate", "Basic realm=\"sandbox\", charset=\"UTF-8\"");
        return response;
    }

    const QString token = fieldValue(form, QStringLiteral("token"));
    if (token.isEmpty())
        return tokenError(400, QStringLiteral("invalid_request"),
                          QStringLiteral("The request has no token: send the token to introspect in the token "
                                         "parameter."));
    // As at /revoke, token_type_hint is not needed to find the token, so it is ignored.
    const QJsonObject inactive{{QStringLiteral("active"), false}};
    const qint64 now = m_clock->now();

    const auto refresh = m_refreshTokens.constFind(token);
    if (refresh != m_refreshTokens.constEnd()) {
        // A rotated refresh token can no longer be exchanged, so it counts as inactive.
        if (refresh->rotated || now > refresh->expiresAt || m_revokedGrants.contains(refresh->grantId))
            return tokenSuccess(inactive);
        qCInfo(lcSandbox) << "introspection by" << client->id << "found an active refresh token";
        return tokenSuccess(QJsonObject{{QStringLiteral("active"), true},
                                        {QStringLiteral("token_type"), QStringLiteral("refresh_token")},
                                        {QStringLiteral("sub"), refresh->sub},
                                        {QStringLiteral("client_id"), refresh->clientId},
                                        {QStringLiteral("scope"), refresh->scope},
                                        {QStringLiteral("iat"), refresh->issuedAt},
                                        {QStringLiteral("exp"), refresh->expiresAt},
                                        {QStringLiteral("iss"), m_issuer}});
    }

    QString error;
    const std::optional<QJsonObject> claims = verifyAccessToken(token.toLatin1(), &error);
    if (!claims) {
        qCInfo(lcSandbox).noquote() << "introspection by" << client->id << "found an inactive token:" << error;
        return tokenSuccess(inactive);
    }
    qCInfo(lcSandbox) << "introspection by" << client->id << "found an active access token";
    QJsonObject body{{QStringLiteral("active"), true},
                     {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                     {QStringLiteral("sub"), claims->value(QStringLiteral("sub"))},
                     {QStringLiteral("client_id"), claims->value(QStringLiteral("client_id"))},
                     {QStringLiteral("scope"), claims->value(QStringLiteral("scope"))},
                     {QStringLiteral("iat"), claims->value(QStringLiteral("iat"))},
                     {QStringLiteral("exp"), claims->value(QStringLiteral("exp"))},
                     {QStringLiteral("iss"), claims->value(QStringLiteral("iss"))},
                     {QStringLiteral("aud"), claims->value(QStringLiteral("aud"))}};
    // A user's access token also carries its roles and profile, which RFC 7662 section 2.2
    // allows as extension members, so that an introspecting backend can check roles.
    for (const QString &name : {QStringLiteral("roles"), QStringLiteral("auth_profile")}) {
        if (claims->contains(name))
            body.insert(name, claims->value(name));
    }
    return tokenSuccess(body);
}

} // namespace afx::sandbox
