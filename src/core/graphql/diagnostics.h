#pragma once

#include "graphql/ast.h"
#include "graphql/schema.h"

#include <QByteArrayView>
#include <QList>
#include <QString>

namespace afx::graphql {

// One problem in a GraphQL document, placed so an editor can underline it.
struct Diagnostic {
    enum class Severity { Error, Warning };

    Severity severity = Severity::Error;
    QString message;          // one or two sentences naming the field, type or variable and the fix
    QString specSection;      // for example "5.3.1 Field Selections"; empty for syntax errors
    SourceLocation location;  // start; 1-based line and column in code points
    int length = 1;           // code points to underline from `location`, at least 1
};

// Validates a parsed document against the schema with the rules of the GraphQL spec section 5
// that a client can check. They cover operation and fragment names, unknown fields, arguments,
// types and directives, required arguments, and leaf and composite selections. They also cover
// fields with the same response name but different names or arguments, fragment type
// conditions and cycles, variables (defined, used, of input types) and literal values against
// their types. Deprecated fields, arguments, input fields and enum values give warnings.
// Returns the problems in document order. The syntax tree does not locate every name, so a
// field name after an alias, a fragment name or a type condition is placed assuming single
// spaces. checkDocument() places them exactly.
QList<Diagnostic> validateDocument(const Document &document, const Schema &schema);

// Parses `source` and validates it when `schema` is not null. A syntax error becomes one
// diagnostic without a spec section; otherwise the result is validateDocument()'s, with each
// name located in the source.
QList<Diagnostic> checkDocument(QByteArrayView source, const Schema *schema);

} // namespace afx::graphql
