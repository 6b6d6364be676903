#include "oidc/clientauth.h"

namespace afx::oidc {

QByteArray basicAuthorization(const QString &clientId, const QString &clientSecret)
{
    const QByteArray credentials = formEncode(clientId) + ':' + formEncode(clientSecret);
    return QByteArrayLiteral("Basic ") + credentials.toBase64();
}

QByteArray basicAuthorizationWithoutFormEncoding(const QString &clientId, const QString &clientSecret)
{
    const QByteArray credentials = clientId.toUtf8() + ':' + clientSecret.toUtf8();
    return QByteArrayLiteral("Basic ") + credentials.toBase64();
}

} // namespace afx::oidc
