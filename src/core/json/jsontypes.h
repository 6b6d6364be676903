#pragma once

#include <QJsonValue>
#include <QString>

namespace afx::json {

// Returns the JSON type of `value` as a phrase for error messages: "null", "a boolean",
// "a number", "a string", "an array", "an object", or "nothing" for a missing member.
QString jsonTypeName(const QJsonValue &value);
QString jsonTypeName(QJsonValue::Type type);

// Returns the value at `path` inside `root`: member names separated by '.', with "[N]" for an
// array item, such as "data.login.idToken" or "errors[0].message". On a missing member, a wrong
// type on the way or a malformed path, returns an undefined value and sets *error (may be null)
// to a sentence naming the part of the path that failed and what was found there.
QJsonValue valueAtPath(const QJsonValue &root, const QString &path, QString *error);

} // namespace afx::json
