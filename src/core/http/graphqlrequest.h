#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>

namespace afx {

// Builds the JSON body of a GraphQL-over-HTTP POST request: {"query", "operationName",
// "variables"}. operationName and variables are left out when empty.
// - `query` must contain more than whitespace.
// - `operationName`, when set, must be a GraphQL name ([_A-Za-z][_0-9A-Za-z]*).
// - `variablesText` is empty (only whitespace) or a JSON object. Invalid JSON yields an error
//   with the line and column (both 1-based, column in characters) of the problem.
// Returns false with *error set to a sentence that names what to fix.
bool buildGraphqlBody(const QString &query, const QString &variablesText, const QString &operationName,
                      QByteArray *body, QString *error);

// Parses extra request headers written one per line as "Name: value". Blank lines are
// ignored, the value is trimmed and may be empty. A line without ':', a name that is not an
// RFC 9110 token, a control character in the value, a name given twice, or Content-Length /
// Transfer-Encoding (the HTTP client sets those) is an error that names the line number.
// An Authorization line is accepted, and then *warning (when not null) is set to a sentence
// about it replacing the credential chosen in the editor. Otherwise *warning is cleared.
// Names keep the spelling the user typed; values are sent as UTF-8.
bool parseHeaderLines(const QString &text, QList<QPair<QByteArray, QByteArray>> *headers, QString *error,
                      QString *warning = nullptr);

// Returns the body indented with two spaces per level when it is a JSON document, keeping
// member order and number literals exactly as sent (QJsonDocument would sort keys and round
// large integers). Otherwise returns the body decoded as UTF-8, unchanged, and sets *isJson
// (when not null) to false.
QString prettyJson(const QByteArray &body, bool *isJson = nullptr);

// One challenge of a WWW-Authenticate header (RFC 9110 section 11.6.1), such as
// Bearer realm="api", error="invalid_token", error_description="The token expired".
struct AuthChallenge {
    QString scheme;                // as sent, such as "Bearer"
    QMap<QString, QString> params; // names lower-cased, quoted values unescaped
};

// Splits a WWW-Authenticate value into its challenges. Parsing stops at the first malformed
// part, and the challenges read up to there are returned. token68 values are skipped.
QList<AuthChallenge> parseWwwAuthenticate(const QByteArray &value);

} // namespace afx
