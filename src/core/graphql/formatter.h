#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace afx::graphql {

// Reformats a GraphQL document in the style of GraphiQL's prettify: two-space indentation, one
// field per line, a space after ':' and ',', and blank lines between definitions. Comments stay
// in place (without trailing whitespace), and string literals stay as written (block strings
// with "\n" line ends). Only whitespace and commas change, so the result means what the source
// meant, and prettify(prettify(x)) equals prettify(x). The text need not parse: an incomplete document is formatted as far as it goes.
// Returns nullopt and fills *error ("Syntax error at line L, column C: ...") when the text does
// not lex or contains an unpaired UTF-16 surrogate. The caller keeps the text unchanged then.
std::optional<QString> prettify(const QString &source, QString *error);

// Comments or uncomments `lines`, the editor's selected lines. When every non-blank line starts
// with '#' after its indentation, removes the '#' and one space after it. Otherwise adds "# " at
// the smallest indentation of the non-blank lines. Returns the new lines.
QStringList toggleLineComments(const QStringList &lines);

} // namespace afx::graphql
