#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <functional>
#include <vector>

// Off-thread preparation of an HTTP response body for display: pretty-printing, the line index
// and the highlight spans. Everything here is reentrant and touches no widget, so it runs on a
// worker thread.
namespace afx::gui {

enum class JsonTokenKind : quint8 { Key, String, Number, Literal };

// One highlighted token of the text. Offsets are in UTF-16 code units of FormattedText::text.
struct JsonSpan {
    qsizetype start = 0;
    qint32 length = 0;
    JsonTokenKind kind = JsonTokenKind::String;
};

// A text split into lines, with the spans to highlight.
struct FormattedText {
    QString text;
    QList<qsizetype> lineStarts{0}; // offset of each line's first character
    std::vector<JsonSpan> spans;     // sorted by start and not overlapping
    qsizetype maxLineLength = 0;     // in UTF-16 code units, without the line break

    qsizetype lineCount() const { return lineStarts.size(); }
    // Line `index` without its line break (and without a trailing '\r').
    QStringView line(qsizetype index) const;
    // The spans that start on line `index`: [first, last).
    std::pair<std::vector<JsonSpan>::const_iterator, std::vector<JsonSpan>::const_iterator> spansOfLine(qsizetype index) const;
};

// Returns true when the caller no longer wants the result; checked every few thousand characters.
using CancelCheck = std::function<bool()>;

// Re-indents `json` with two spaces per level and records the spans of keys, strings, numbers
// and true/false/null. The input must be valid JSON for a meaningful result; for other input
// the output is unspecified but memory-safe. Returns false when `cancelled` returned true.
bool prettyPrintJson(QStringView json, FormattedText *out, const CancelCheck &cancelled);

// Splits `text` into lines without highlighting.
FormattedText plainFormattedText(QString text);

// True for application/json, application/graphql-response+json and any other "+json" type.
// A missing content type also counts as JSON, because many GraphQL servers omit it.
bool isJsonContentType(const QByteArray &contentType);

// A sentence naming the parse error, its byte offset, line and column in `body`.
QString describeParseError(const QByteArray &body, const QJsonParseError &error);

// Messages of the "errors" array of a GraphQL response, or an empty list when there is none.
QStringList graphqlErrorMessages(const QJsonDocument &document);

} // namespace afx::gui
