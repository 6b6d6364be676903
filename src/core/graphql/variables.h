#pragma once

#include "graphql/ast.h"
#include "graphql/schema.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace afx::graphql {

// Checks request variables against the variable definitions of one operation (GraphQL spec
// section 6.1.2 "Coercing Variable Values"). It reports a required variable without a value or
// default, a value of the wrong JSON type for its scalar and an enum value that does not exist.
// It also reports an input object with an unknown or missing field, and a list where a single
// value is expected.
// A variable the operation does not define is a warning, because servers ignore it. With no schema, only
// the built-in scalars and the wrapping types are checked. Each message names the variable,
// the path inside its value and the expected type, such as:
//   Variable "$input" at "input.priority": expected an Int, found the string "high".
struct VariableProblem {
    bool warning = false;
    QString message;
};
QList<VariableProblem> validateVariables(const OperationDefinition &operation, const QJsonObject &variables,
                                         const Schema *schema);

// The operation to send: the one named `name`, or the only one when `name` is empty. Null
// with *error naming the choices when the name is unknown or several operations need a name.
const OperationDefinition *selectOperation(const Document &document, const QString &name, QString *error);

} // namespace afx::graphql
