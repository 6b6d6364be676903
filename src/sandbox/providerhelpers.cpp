#include "sandbox/providerhelpers.h"

#include <QJsonArray>

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

QString audienceText(const QJsonValue &audience)
{
    if (audience.isArray()) {
        QStringList values;
        for (const QJsonValue &value : audience.toArray())
            values.append(value.toString());
        return values.join(QStringLiteral(", "));
    }
    return audience.toString();
}

bool audienceContains(const QJsonValue &audience, const QString &expected)
{
    if (audience.isString())
        return audience.toString() == expected;
    if (audience.isArray()) {
        for (const QJsonValue &value : audience.toArray()) {
            if (value.toString() == expected)
                return true;
        }
    }
    return false;
}

HttpResponse tokenSuccess(const QJsonObject &body)
{
    HttpResponse http = HttpResponse::json(200, body);
    http.addHeader("Cache-Control", "no-store");
    http.addHeader("Pragma", "no-cache");
    return http;
}

} // namespace afx::sandbox
