#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>
#include <QString>

namespace afx::gui {

// Describes the credential sent with a request for the line beside its response, without the
// token itself: its kind, then its key claims read from the JWT, such as
//   Sent the access token, a JWT signed with RS256.
//   sub alice · aud api, orders · exp 14:05:03 (in 4 min 12 s) · scope orders:read · roles Employee
// An opaque or encrypted token gets a sentence saying that its claims cannot be read here.
// `name` names the credential, such as "the access token". An empty token gives
// "Sent without a credential."
QString credentialNote(const QString &name, const QString &token, const QDateTime &now);

// Describes every challenge of the response's WWW-Authenticate headers on one line each, such as
//   WWW-Authenticate: Bearer · error invalid_token · error_description "The token expired"
// Empty when the headers have no WWW-Authenticate.
QString challengeNote(const QList<QPair<QByteArray, QByteArray>> &responseHeaders);

} // namespace afx::gui
