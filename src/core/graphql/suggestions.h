#pragma once

#include <QString>
#include <QStringList>

// "Did you mean" suggestions for the messages of the GraphQL validator and variable checks.
namespace afx::graphql {

// The optimal string alignment distance between two names, ignoring case, except that names
// that differ only in case have a distance of 1.
int lexicalDistance(const QString &first, const QString &second);

// The options close to `input`, closest first: at most five, within a distance of 40% of the
// input's length plus one (the threshold graphql-js 16 uses for its suggestions), or starting
// with an input of three or more characters.
QStringList suggestionsFor(const QString &input, const QStringList &options);

// " Did you mean "a", "b" or "c"?" with `prefix` before each option, or an empty string when
// there are no suggestions.
QString didYouMean(const QStringList &suggestions, const QString &prefix = {});

// "a, b and c", or with another conjunction such as "or".
QString joinNames(const QStringList &names, const QString &conjunction = QStringLiteral("and"));

} // namespace afx::graphql
