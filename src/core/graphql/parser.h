#pragma once

#include "graphql/ast.h"

#include <QByteArrayView>
#include <QString>

#include <optional>

namespace afx::graphql {

struct ParseOptions {
    qsizetype maxBytes = 1024 * 1024; // larger documents are rejected before lexing
    // Maximum nesting of selection sets, list and object values, and list types together.
    // It bounds the parser's recursion, so hostile input cannot exhaust the stack.
    int maxDepth = 64;
};

struct ParseError {
    QString message;          // one sentence, such as: Expected "}", found end of document.
    SourceLocation location;  // invalid when the error concerns the whole document (its size)

    // "Syntax error at line 2, column 7: <message>"
    QString toString() const;
};

// Parses a GraphQL executable document (operations and fragments; GraphQL spec, October 2021
// edition, section 2) from UTF-8 text. Type system definitions are rejected. On failure
// returns nullopt and fills *error with the first problem and its line and column.
std::optional<Document> parseDocument(QByteArrayView source, ParseError *error,
                                      const ParseOptions &options = {});

} // namespace afx::graphql
