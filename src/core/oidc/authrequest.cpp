#include "oidc/authrequest.h"

#include "storage/profile.h"

#include <QSet>

#include <algorithm>

namespace afx::oidc {

namespace {

// Parameters that tie the response to this attempt and this client. An extra parameter with
// one of these names would break the checks on the callback or the token request.
bool isProtectedName(const QString &name)
{
    static const QSet<QString> names{
        QStringLiteral("response_type"), QStringLiteral("client_id"),      QStringLiteral("redirect_uri"),
        QStringLiteral("state"),         QStringLiteral("nonce"),          QStringLiteral("code_challenge"),
        QStringLiteral("code_challenge_method"), QStringLiteral("response_mode"),
    };
    return names.contains(name);
}

bool usesAuthorizationCode(const QString &responseType)
{
    return responseType.split(QLatin1Char(' '), Qt::SkipEmptyParts).contains(QLatin1String("code"));
}

// The parameters the request sends, after applying the rule for extra parameters that is
// documented on AuthRequest.
FormFields requestParameters(const AuthRequest &request, QStringList *ignored)
{
    FormFields params;
    params.append({QStringLiteral("response_type"), request.responseType});
    params.append({QStringLiteral("client_id"), request.clientId});
    params.append({QStringLiteral("redirect_uri"), request.redirectUri});
    if (!request.responseMode.isEmpty())
        params.append({QStringLiteral("response_mode"), request.responseMode});
    if (!request.scope.isEmpty())
        params.append({QStringLiteral("scope"), request.scope});
    if (!request.state.isEmpty())
        params.append({QStringLiteral("state"), QString::fromLatin1(request.state)});
    if (!request.nonce.isEmpty())
        params.append({QStringLiteral("nonce"), QString::fromLatin1(request.nonce)});
    if (usesAuthorizationCode(request.responseType) && !request.pkce.challenge.isEmpty()) {
        params.append({QStringLiteral("code_challenge"), QString::fromLatin1(request.pkce.challenge)});
        params.append({QStringLiteral("code_challenge_method"), QString::fromLatin1(Pkce::method)});
    }

    for (const auto &[name, value] : request.extraParams) {
        if (name.isEmpty())
            continue;
        if (isProtectedName(name)) {
            if (ignored)
                ignored->append(name);
            continue;
        }
        // RFC 8707 section 2 allows several resource parameters in one request.
        if (name == QLatin1String("resource")) {
            params.append({name, value});
            continue;
        }
        const auto existing = std::find_if(params.begin(), params.end(),
                                           [&name](const auto &param) { return param.first == name; });
        if (existing != params.end())
            existing->second = value;
        else
            params.append({name, value});
    }
    return params;
}

} // namespace

AuthRequest AuthRequest::fromProfile(const Profile &profile, const QUrl &authorizationEndpoint,
                                     const QString &redirectUri)
{
    AuthRequest request;
    request.authorizationEndpoint = authorizationEndpoint;
    request.clientId = profile.clientId;
    request.redirectUri = redirectUri;
    if (!profile.responseType.isEmpty())
        request.responseType = profile.responseType;
    request.responseMode = profile.responseMode;
    request.scope = profile.scopes.join(QLatin1Char(' '));
    request.state = randomToken();
    request.nonce = randomToken();
    request.pkce = Pkce::generate();
    if (!profile.audience.isEmpty())
        request.extraParams.append({QStringLiteral("audience"), profile.audience});
    if (!profile.resource.isEmpty())
        request.extraParams.append({QStringLiteral("resource"), profile.resource});
    request.extraParams.append(profile.extraAuthorizeParams);
    request.createdAt = QDateTime::currentDateTimeUtc();
    return request;
}

QStringList AuthRequest::ignoredExtraParams() const
{
    QStringList ignored;
    requestParameters(*this, &ignored);
    return ignored;
}

FormFields AuthRequest::parameters() const
{
    return requestParameters(*this, nullptr);
}

QUrl AuthRequest::toPushedUrl(const QString &requestUri) const
{
    QByteArray query = authorizationEndpoint.query(QUrl::FullyEncoded).toLatin1();
    if (!query.isEmpty())
        query += '&';
    query += formEncodeFields({{QStringLiteral("client_id"), clientId}, {QStringLiteral("request_uri"), requestUri}});
    QUrl url = authorizationEndpoint;
    url.setQuery(QString::fromLatin1(query));
    return url;
}

QUrl AuthRequest::toUrl() const
{
    const FormFields params = requestParameters(*this, nullptr);

    // The endpoint's own query parameters (such as a tenant or policy selector) go first,
    // byte for byte, unless the request sets a parameter of the same name.
    QByteArrayList parts;
    const QByteArray endpointQuery = authorizationEndpoint.query(QUrl::FullyEncoded).toLatin1();
    for (const QByteArray &item : endpointQuery.split('&')) {
        if (item.isEmpty())
            continue;
        const qsizetype equals = item.indexOf('=');
        QString name;
        if (!formDecode(equals < 0 ? QByteArrayView(item) : QByteArrayView(item).first(equals), &name))
            name.clear();
        const bool replaced = !name.isEmpty()
            && std::any_of(params.cbegin(), params.cend(), [&name](const auto &param) { return param.first == name; });
        if (!replaced)
            parts.append(item);
    }
    parts.append(formEncodeFields(params));

    QUrl url = authorizationEndpoint;
    url.setQuery(QString::fromLatin1(parts.join('&')));
    return url;
}

} // namespace afx::oidc
