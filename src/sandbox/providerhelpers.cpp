#include "sandbox/providerhelpers.h"

namespace afx::sandbox {

QStringList splitScope(const QString &scope)
{
    return scope.split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

QJsonObject bearerTokenResponse(const QByteArray &accessToken, qint64 expiresIn, const QString &scope)
{
    return QJsonObject{{QStringLiteral("access_token"), QString::fromLatin1(accessToken)},
                       {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                       {QStringLiteral("expires_in"), expiresIn},
                       {QStringLiteral("scope"), scope}};
}

HttpResponse tokenSuccess(const QJsonObject &body)
{
    HttpResponse http = HttpResponse::json(200, body);
    http.addHeader("Cache-Control", "no-store");
    http.addHeader("Pragma", "no-cache");
    return http;
}

} // namespace afx::sandbox
