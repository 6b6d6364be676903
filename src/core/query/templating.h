#pragma once

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace afx::query {

// The environment of a profile: named plain-text values, in the order the user wrote them.
using Environment = QList<QPair<QString, QString>>;

// True for a valid environment name: an ASCII letter or '_', then ASCII letters, digits, '_',
// '-' or '.', at most 64 characters in all. Names are case-sensitive.
bool isValidEnvironmentName(const QString &name);
inline constexpr int maxEnvironmentNameLength = 64;

struct ExpandOptions {
    // Names the text in error messages, such as "the URL" or "the headers".
    QString where;
    // Rejects a value that contains a line break, where one would start a new header line or
    // break a URL.
    bool singleLine = false;
    // Longer results are rejected, so a large value used many times cannot fill the memory.
    qsizetype maxLength = 32 * 1024 * 1024;
};

// Replaces each {{name}} in `text` with the value of `name` in `environment`. Spaces and tabs
// around the name are allowed, as in {{ name }}. Values are inserted as they are, and a
// {{...}} inside a value is not expanded again. Extra opening braces stay as text:
// "{{{name}}}" gives "{value}".
//
// Errors name the placeholder, its line and column (both 1-based, column in characters) and
// the fix:
// - a name that the environment does not define (the message lists the defined names),
// - "{{" without a closing "}}" on the rest of the text (such text is never sent as it is,
//   because a half-typed placeholder going to a server unnoticed is the likelier mistake),
// - an empty name ({{}}), or one that isValidEnvironmentName() rejects, such as {{a b}} or
//   {{a{{b}}}},
// - a line break in a value when options.singleLine is set, and a result above maxLength.
// NOTE: there is no escape for a literal "{{", so text that needs one cannot go through here.
//
// Returns false with *error set and *out unchanged on the first error, and *errorOffset (may
// be null) set to the character offset of the placeholder in `text`. Each expanded name not
// yet in *usedNames (may be null) is appended to it, in order of first use.
bool expandPlaceholders(const QString &text, const Environment &environment, const ExpandOptions &options,
                        QString *out, QString *error, QStringList *usedNames = nullptr,
                        qsizetype *errorOffset = nullptr);

// True when `text` contains "{{", the start of a placeholder.
bool containsPlaceholder(const QString &text);

} // namespace afx::query
