#pragma once

#include "sandbox/httpexchange.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

// Helpers shared by the source files that implement IdentityProvider's endpoints.
namespace afx::sandbox {

inline const QString formMediaType = QStringLiteral("application/x-www-form-urlencoded");

// Splits a space-separated scope value into its scope tokens, skipping repeated spaces.
QStringList splitScope(const QString &scope);

// The members of a successful token response that every grant sends (RFC 6749 section 5.1).
QJsonObject bearerTokenResponse(const QByteArray &accessToken, qint64 expiresIn, const QString &scope);

// The aud claim as text: a string as it is, an array as its values joined with ", ".
QString audienceText(const QJsonValue &audience);
// Whether the aud claim, a string or an array of strings, is or contains `expected`.
bool audienceContains(const QJsonValue &audience, const QString &expected);

// A 200 JSON response with the headers that keep it out of caches, as RFC 6749 section 5.1
// requires for token responses. Used for every response that carries a token or secret.
HttpResponse tokenSuccess(const QJsonObject &body);

} // namespace afx::sandbox
