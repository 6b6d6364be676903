// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) at /logout.

#include "sandbox/identityprovider.h"

#include "sandbox/formcodec.h"
#include "sandbox/logging.h"
#include "sandbox/loginpages.h"
#include "sandbox/providerhelpers.h"

#include "jose/jws.h"

#include <QJsonArray>

namespace afx::sandbox {

std::optional<QJsonObject> IdentityProvider::readOwnIdToken(const QByteArray &token, QString *error) const
{
    const std::optional<jose::CompactJws> jws = jose::CompactJws::parse(token, error);
    if (!jws)
        return std::nullopt;
    if (jws->header.value(QStringLiteral("typ")).toString() == QLatin1String("at+jwt")) {
        *error = QStringLiteral("The token is an access token (typ at+jwt), not an ID token.");
        return std::nullopt;
    }
    return ownTokenClaims(*jws, error);
}

HttpResponse IdentityProvider::logout(const HttpRequest &request)
{
    const auto errorPage = [](const QString &message) {
        qCInfo(lcSandbox).noquote() << "logout request rejected:" << message;
        return HttpResponse::html(400, renderErrorPage(QStringLiteral("Sign-out request rejected"), message));
    };

    // RP-Initiated Logout 1.0 section 2 allows GET with a query and POST with a form body.
    const bool isPost = request.method == "POST";
    if (isPost && request.mediaType() != formMediaType.toLatin1())
        return errorPage(QStringLiteral("A POST to /logout must be application/x-www-form-urlencoded."));
    oidc::FormFields params;
    QString parseError;
    if (!oidc::formDecodeFields(isPost ? request.body : request.rawQuery, &params, &parseError))
        return errorPage(parseError);
    const QStringList repeated = repeatedFieldNames(params);
    if (!repeated.isEmpty())
        return errorPage(QStringLiteral("The parameter %1 appears more than once.").arg(repeated.first()));

    // The client comes from the ID token's audience, from client_id, or from both when they agree.
    QString clientId;
    if (hasField(params, QStringLiteral("id_token_hint"))) {
        QString error;
        const std::optional<QJsonObject> claims =
            readOwnIdToken(fieldValue(params, QStringLiteral("id_token_hint")).toLatin1(), &error);
        if (!claims)
            return errorPage(QStringLiteral("id_token_hint is not an ID token that this sandbox signed. %1 Send the "
                                            "id_token of a sandbox token response (an expired one is fine), or leave "
                                            "id_token_hint out.")
                                 .arg(error));
        const QJsonValue audience = claims->value(QStringLiteral("aud"));
        const QJsonArray audiences = audience.isArray() ? audience.toArray() : QJsonArray{audience};
        for (const QJsonValue &value : audiences) {
            if (findClient(value.toString())) {
                clientId = value.toString();
                break;
            }
        }
        if (clientId.isEmpty())
            return errorPage(QStringLiteral("The audience of id_token_hint is not a sandbox client."));
    }
    if (hasField(params, QStringLiteral("client_id"))) {
        const QString requested = fieldValue(params, QStringLiteral("client_id"));
        if (!findClient(requested))
            return errorPage(QStringLiteral("Unknown client_id \"%1\".").arg(requested.left(100)));
        if (!clientId.isEmpty() && requested != clientId)
            return errorPage(QStringLiteral("client_id %1 differs from the client that id_token_hint was issued to (%2).")
                                 .arg(requested.left(100), clientId));
        clientId = requested;
    }

    const bool redirects = hasField(params, QStringLiteral("post_logout_redirect_uri"));
    const QString redirectUri = fieldValue(params, QStringLiteral("post_logout_redirect_uri"));
    if (redirects) {
        if (clientId.isEmpty())
            return errorPage(QStringLiteral("post_logout_redirect_uri needs id_token_hint or client_id, so that the "
                                            "sandbox can check that the URI is registered for the client."));
        // Post-logout redirect URIs follow the rules of redirect URIs, so an unregistered one
        // gets this page instead of a redirect, which would make /logout an open redirector.
        if (!isRegisteredRedirectUri(redirectUri))
            return errorPage(QStringLiteral("The post_logout_redirect_uri \"%1\" is not registered for %2. Registered: "
                                            "%3, or http://127.0.0.1:PORT/callback and http://[::1]:PORT/callback "
                                            "with any port.")
                                 .arg(redirectUri.left(200), clientId, QLatin1String(customSchemeRedirectUri)));
    }

    // Ends the browser's sign-in session: the sid stops working here, and the response makes the
    // browser delete the cookie, so the next authorization request shows the login page again.
    if (const auto session = m_sessions.find(request, m_clock->now()))
        m_sessions.end(session->sid);
    qCInfo(lcSandbox) << "logout for client" << (clientId.isEmpty() ? QStringLiteral("(none named)") : clientId);
    HttpResponse response;
    if (redirects) {
        QByteArray location = redirectUri.toUtf8();
        if (hasField(params, QStringLiteral("state")))
            location += "?" + oidc::formEncodeFields({{QStringLiteral("state"), fieldValue(params, QStringLiteral("state"))}});
        response = HttpResponse::redirect(location);
    } else {
        response = HttpResponse::html(200, renderMessagePage(QStringLiteral("You are signed out"),
                                                             QStringLiteral("Your sign-in session at the sandbox has ended, "
                                                                            "so the next sign-in asks for the password "
                                                                            "again. You can close this page.")));
    }
    response.addHeader("Set-Cookie", LoginSessions::deletionCookie());
    return response;
}

} // namespace afx::sandbox
