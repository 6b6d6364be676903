// Pushed authorization requests (RFC 9126): POST /par stores a validated authorization request
// under a request_uri, and GET /authorize with that request_uri starts the sign-in.

#include "sandbox/identityprovider.h"

#include "sandbox/formcodec.h"
#include "sandbox/logging.h"
#include "sandbox/providerhelpers.h"

#include <QJsonObject>

namespace afx::sandbox {

namespace {

// The prefix of every request_uri that /par issues (RFC 9126 section 2.2).
const QString requestUriPrefix = QStringLiteral("urn:ietf:params:oauth:request_uri:");

} // namespace

HttpResponse IdentityProvider::pushAuthorizationRequest(const HttpRequest &request)
{
    removeExpired();
    oidc::FormFields form;
    const ClientRegistration *client = nullptr;
    if (std::optional<HttpResponse> failure = readClientRequest(request, "pushed authorization", &form, &client))
        return *failure;

    if (hasField(form, QStringLiteral("request_uri")))
        return tokenError(400, QStringLiteral("invalid_request"),
                          QStringLiteral("request_uri must not be sent to /par, which issues it (RFC 9126 section "
                                         "2.1). Send the authorization request's parameters instead."));
    // client_id is an authorization request parameter, but a client that authenticates with a
    // Basic header or an assertion may leave it out of the body. authenticateClient() already
    // checked that a client_id in the body names the authenticated client.
    if (!hasField(form, QStringLiteral("client_id")))
        form.append({QStringLiteral("client_id"), client->id});

    AuthorizationRequestError failure;
    const std::optional<ValidatedAuthorizationRequest> validated = validateAuthorizationRequest(form, &failure);
    if (!validated)
        return tokenError(400, failure.error, failure.description);

    if (m_pushedRequests.size() >= maxPushedRequests) {
        auto oldest = m_pushedRequests.begin();
        for (auto it = m_pushedRequests.begin(); it != m_pushedRequests.end(); ++it) {
            if (it->expiresAt < oldest->expiresAt)
                oldest = it;
        }
        m_pushedRequests.erase(oldest);
    }
    const QString requestUri = requestUriPrefix + randomToken(32);
    m_pushedRequests.insert(requestUri, PushedRequest{*validated, m_clock->now() + pushedRequestLifetimeSeconds});
    qCInfo(lcSandbox) << "stored a pushed authorization request for client" << client->id;

    HttpResponse response = tokenSuccess(QJsonObject{{QStringLiteral("request_uri"), requestUri},
                                                     {QStringLiteral("expires_in"), pushedRequestLifetimeSeconds}});
    response.status = 201;
    return response;
}

HttpResponse IdentityProvider::authorizePushedRequest(const oidc::FormFields &params, const HttpRequest &httpRequest)
{
    const QStringList repeated = repeatedFieldNames(params);
    for (const QString &name : {QStringLiteral("client_id"), QStringLiteral("request_uri")}) {
        if (repeated.contains(name))
            return authorizationErrorPage(QStringLiteral("The parameter %1 appears more than once.").arg(name));
    }
    const QString clientId = fieldValue(params, QStringLiteral("client_id"));
    if (clientId.isEmpty())
        return authorizationErrorPage(QStringLiteral("The request has request_uri but no client_id. Send the "
                                                     "client_id that pushed the request next to request_uri "
                                                     "(RFC 9126 section 4)."));

    // The messages never contain the request_uri, because it refers to a pending request that
    // anyone holding it could start.
    const QString requestUri = fieldValue(params, QStringLiteral("request_uri"));
    const auto found = m_pushedRequests.find(requestUri);
    if (requestUri.isEmpty() || found == m_pushedRequests.end())
        return authorizationErrorPage(
            QStringLiteral("The request_uri is unknown. The sandbox accepts only request_uri values that its /par "
                           "endpoint issued in the last %1 seconds: push the authorization request to /par again.")
                .arg(pushedRequestLifetimeSeconds));
    PushedRequest &pushed = *found;
    if (pushed.used)
        return authorizationErrorPage(QStringLiteral("The request_uri was already used. Each one works once, so push "
                                                     "the authorization request to /par again."));
    if (m_clock->now() >= pushed.expiresAt)
        return authorizationErrorPage(QStringLiteral("The request_uri expired; request_uri values from /par are valid "
                                                     "for %1 seconds. Push the authorization request to /par again.")
                                          .arg(pushedRequestLifetimeSeconds));
    // The request stays usable after a mismatch, because another client's id does not show
    // whether the right client will still use it.
    if (pushed.request.signIn.clientId != clientId)
        return authorizationErrorPage(QStringLiteral("client_id \"%1\" differs from the client that pushed this "
                                                     "request_uri. Send the client_id of the /par request.")
                                          .arg(clientId.left(100)));

    pushed.used = true;
    return beginSignIn(pushed.request, httpRequest);
}

} // namespace afx::sandbox
