#pragma once

#include <QJsonValue>
#include <QString>

namespace afx::json {

// Returns the JSON type of `value` as a phrase for error messages: "null", "a boolean",
// "a number", "a string", "an array", "an object", or "nothing" for a missing member.
QString jsonTypeName(const QJsonValue &value);

} // namespace afx::json
