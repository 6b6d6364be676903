#include "storage/tokenstore.h"

#include "json/jsontypes.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

namespace afx {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("afx::TokenSet", text);
}

// Version of the JSON layout that TokenSet::toJson writes.
constexpr int tokenSetVersion = 1;

// Error messages name the member and the JSON type but never quote a value: values are tokens.
bool readString(const QJsonObject &json, const QString &member, QString *out, QString *error)
{
    const QJsonValue value = json.value(member);
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isString()) {
        *error = tr("Member \"%1\" must be a string, found %2.").arg(member, json::jsonTypeName(value));
        return false;
    }
    *out = value.toString();
    return true;
}

bool readDateTime(const QJsonObject &json, const QString &member, QDateTime *out, QString *error)
{
    QString text;
    if (!readString(json, member, &text, error))
        return false;
    if (text.isEmpty())
        return true;
    const QDateTime dateTime = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!dateTime.isValid()) {
        *error = tr("Member \"%1\" must be an ISO 8601 date and time, such as 2024-05-01T12:00:00.000Z.").arg(member);
        return false;
    }
    *out = dateTime.toUTC();
    return true;
}

QString isoString(const QDateTime &dateTime)
{
    return dateTime.isValid() ? dateTime.toUTC().toString(Qt::ISODateWithMs) : QString();
}

} // namespace

QByteArray TokenSet::toJson() const
{
    QJsonObject json{{QStringLiteral("version"), tokenSetVersion}};
    const auto insertIfSet = [&json](const QString &member, const QString &value) {
        if (!value.isEmpty())
            json.insert(member, value);
    };
    insertIfSet(QStringLiteral("idToken"), idToken);
    insertIfSet(QStringLiteral("accessToken"), accessToken);
    insertIfSet(QStringLiteral("refreshToken"), refreshToken);
    insertIfSet(QStringLiteral("tokenType"), tokenType);
    insertIfSet(QStringLiteral("scope"), scope);
    insertIfSet(QStringLiteral("expiresAt"), isoString(expiresAt));
    insertIfSet(QStringLiteral("obtainedAt"), isoString(obtainedAt));
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

bool TokenSet::fromJson(const QByteArray &json, TokenSet *out, QString *error)
{
    QString ignoredError;
    if (!error)
        error = &ignoredError;

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = tr("The stored token set is not valid JSON: %1 at offset %2.")
                     .arg(parseError.errorString(), QString::number(parseError.offset));
        return false;
    }
    if (!document.isObject()) {
        *error = tr("The stored token set is not a JSON object.");
        return false;
    }
    const QJsonObject object = document.object();

    const QJsonValue version = object.value(QStringLiteral("version"));
    if (!version.isUndefined()) {
        if (!version.isDouble()) {
            *error = tr("Member \"version\" must be a number, found %1.").arg(json::jsonTypeName(version));
            return false;
        }
        if (version.toDouble() > tokenSetVersion) {
            *error = tr("The stored token set has version %1, but this version of the app reads only version %2.")
                         .arg(QString::number(version.toDouble()), QString::number(tokenSetVersion));
            return false;
        }
    }

    TokenSet tokens;
    const bool ok = readString(object, QStringLiteral("idToken"), &tokens.idToken, error)
        && readString(object, QStringLiteral("accessToken"), &tokens.accessToken, error)
        && readString(object, QStringLiteral("refreshToken"), &tokens.refreshToken, error)
        && readString(object, QStringLiteral("tokenType"), &tokens.tokenType, error)
        && readString(object, QStringLiteral("scope"), &tokens.scope, error)
        && readDateTime(object, QStringLiteral("expiresAt"), &tokens.expiresAt, error)
        && readDateTime(object, QStringLiteral("obtainedAt"), &tokens.obtainedAt, error);
    if (!ok)
        return false;
    if (out)
        *out = tokens;
    return true;
}

QString TokenKey::toString() const
{
    QString key = QStringLiteral("tokens/") + profileId + u'/' + issuer + u'/' + clientId;
    if (!audience.isEmpty())
        key += u'/' + audience;
    return key;
}

void TokenStore::saveTokens(const TokenKey &key, const TokenSet &tokens, Done done)
{
    write(key.toString(), QString::fromUtf8(tokens.toJson()), std::move(done));
}

void TokenStore::loadTokens(const TokenKey &key,
                            std::function<void(bool found, const TokenSet &, const QString &error)> loaded)
{
    read(key.toString(), [loaded = std::move(loaded)](bool found, const QString &value, const QString &error) {
        if (!found) {
            loaded(false, TokenSet(), error);
            return;
        }
        TokenSet tokens;
        QString parseError;
        if (!TokenSet::fromJson(value.toUtf8(), &tokens, &parseError)) {
            // A damaged entry behaves like a missing one, with the reason in the error.
            loaded(false, TokenSet(), tr("The stored token set cannot be read: %1").arg(parseError));
            return;
        }
        loaded(true, tokens, QString());
    });
}

QString TokenStore::clientSecretKey(const QString &profileId)
{
    return QStringLiteral("client-secret/") + profileId;
}

QString TokenStore::apiTokenKey(const QString &profileId)
{
    return QStringLiteral("api-token/") + profileId;
}

} // namespace afx
