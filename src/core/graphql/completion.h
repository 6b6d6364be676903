#pragma once

#include "graphql/schema.h"

#include <QList>
#include <QString>

namespace afx::graphql {

struct CompletionItem {
    enum class Kind { Field, Argument, Type, EnumValue, Variable, Directive, Keyword, Fragment, InputField };

    Kind kind = Kind::Field;
    QString label;           // shown in the list, such as "todos" or "$id"
    QString insertText;      // inserted in place of the replaced range
    QString detail;          // the type in GraphQL notation, such as "[Todo!]!"; empty for keywords
    QString documentation;   // the schema's description; may be empty
    bool deprecated = false;
};

struct CompletionResult {
    // The range of `source` (UTF-16 offsets, as QString indexes) the chosen item replaces:
    // the partial name before the cursor, empty when the cursor is not in a name.
    qsizetype replaceStart = 0;
    qsizetype replaceLength = 0;
    // Sorted: prefix matches before substring matches (both case-insensitive), then by label,
    // with meta fields such as __typename after the others and deprecated items last.
    QList<CompletionItem> items;
};

// Completes at `cursor` (a UTF-16 offset into `source`) in a document that may be incomplete
// or invalid. It offers the fields of the enclosing selection's type, arguments inside a
// field's or directive's parentheses, input fields inside an object value, and enum values and
// variables in argument values. It also offers type names after "on" and in variable
// definitions, directives after '@', fragment names after "...", and the top-level keywords.
// Items are filtered by the partial name before the cursor. With no schema, only keywords,
// variables and fragments. Nothing is offered inside a string, a comment or a number.
// Arguments and input fields insert "name: " unless a ':' already follows the cursor.
// Variables insert their '$', and the replaced range includes a '$' already typed.
CompletionResult complete(const QString &source, qsizetype cursor, const Schema *schema);

// The schema element under the cursor, for the documentation explorer: a field (its parent type
// and name, or the aliased field on an alias), an argument of a field, or a named type. A named
// type is a type condition, a variable's type, the input object type of an input field, the
// enum type of an enum value, or the root type on "query", "mutation" or "subscription".
// Empty strings when the cursor is on none of them, or on a name the schema does not define.
struct SchemaReference {
    QString typeName;      // the named type, or the parent type of the field
    QString fieldName;     // empty unless on a field or one of its arguments
    QString argumentName;  // empty unless on an argument

    bool isEmpty() const { return typeName.isEmpty(); }
};
SchemaReference referenceAt(const QString &source, qsizetype cursor, const Schema &schema);

} // namespace afx::graphql
