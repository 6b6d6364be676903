#include "oidc/tokenresponse.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace afx::oidc {

namespace {

bool readString(const QJsonObject &json, const QString &name, QString *out, QString *problem)
{
    const QJsonValue value = json.value(name);
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isString()) {
        *problem = QStringLiteral("The token response member \"%1\" must be a string.").arg(name);
        return false;
    }
    *out = value.toString();
    return true;
}

} // namespace

bool TokenResponse::parse(int httpStatus, const QByteArray &body, const QDateTime &receivedAt,
                          TokenResponse *out, QString *problem, qsizetype maxBytes)
{
    *out = {};
    if (body.size() > maxBytes) {
        *problem = QStringLiteral("The token response is %1 KiB, above the limit of %2 KiB.")
                       .arg(body.size() / 1024)
                       .arg(maxBytes / 1024);
        return false;
    }
    const QByteArray trimmed = body.trimmed();
    if (trimmed.startsWith('<')) {
        *problem = QStringLiteral("The token endpoint answered HTTP %1 with HTML, not JSON. "
                                  "Check the token endpoint URL in the discovery document.")
                       .arg(httpStatus);
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(trimmed, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *problem = QStringLiteral("The token endpoint answered HTTP %1 with invalid JSON (%2 at offset %3).")
                       .arg(httpStatus)
                       .arg(parseError.errorString())
                       .arg(parseError.offset);
        return false;
    }
    if (!document.isObject()) {
        *problem = QStringLiteral("The token endpoint answered HTTP %1 with JSON that is not an object.").arg(httpStatus);
        return false;
    }
    const QJsonObject json = document.object();

    if (json.contains(QStringLiteral("error"))) {
        if (!readString(json, QStringLiteral("error"), &out->error, problem)
            || !readString(json, QStringLiteral("error_description"), &out->errorDescription, problem)
            || !readString(json, QStringLiteral("error_uri"), &out->errorUri, problem))
            return false;
        if (out->error.isEmpty()) {
            *problem = QStringLiteral("The token endpoint answered HTTP %1 with an empty \"error\" member.").arg(httpStatus);
            return false;
        }
        return true;
    }
    if (httpStatus < 200 || httpStatus >= 300) {
        *problem = QStringLiteral("The token endpoint answered HTTP %1 without an OAuth error code.").arg(httpStatus);
        return false;
    }

    TokenSet &tokens = out->tokens;
    if (!readString(json, QStringLiteral("access_token"), &tokens.accessToken, problem)
        || !readString(json, QStringLiteral("id_token"), &tokens.idToken, problem)
        || !readString(json, QStringLiteral("refresh_token"), &tokens.refreshToken, problem)
        || !readString(json, QStringLiteral("token_type"), &tokens.tokenType, problem)
        || !readString(json, QStringLiteral("scope"), &tokens.scope, problem))
        return false;
    if (tokens.accessToken.isEmpty()) {
        *problem = QStringLiteral("The token response has no \"access_token\" (RFC 6749 section 5.1 requires it).");
        return false;
    }
    const QJsonValue expiresIn = json.value(QStringLiteral("expires_in"));
    if (expiresIn.isDouble()) {
        tokens.expiresAt = receivedAt.addSecs(qint64(expiresIn.toDouble()));
    } else if (expiresIn.isString()) {
        // Some providers send the number as a string; accept it when it is one.
        bool ok = false;
        const qint64 seconds = expiresIn.toString().toLongLong(&ok);
        if (!ok) {
            *problem = QStringLiteral("The token response member \"expires_in\" must be a number.");
            return false;
        }
        tokens.expiresAt = receivedAt.addSecs(seconds);
    } else if (!expiresIn.isUndefined() && !expiresIn.isNull()) {
        *problem = QStringLiteral("The token response member \"expires_in\" must be a number.");
        return false;
    }
    tokens.obtainedAt = receivedAt;
    return true;
}

} // namespace afx::oidc
