#pragma once

#include "query/history.h"
#include "query/templating.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace afx::graphql {
class Schema;
}

namespace afx::query {

// The methods of the raw HTTP mode, in menu order.
QStringList httpMethods(); // GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS

// The contents of the query editor's fields, as typed, with {{placeholders}}.
struct RequestInput {
    RequestMode mode = RequestMode::Graphql;
    QString method;        // HTTP mode
    QString url;
    QString document;      // GraphQL mode
    QString operationName; // GraphQL mode
    QString variables;     // GraphQL mode: a JSON object or empty
    QString headers;       // "Name: value" lines
    QString body;          // HTTP mode
    // GraphQL mode, optional: the backend's schema, so that the variables' enum values, input
    // objects and custom scalars are checked too. Without it only the built-in scalars and the
    // list and non-null wrappers are.
    const graphql::Schema *schema = nullptr;
};

// The request to send, without the credential and without the GraphQL mode's default
// Content-Type and Accept headers.
struct BuiltRequest {
    QString method;
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers; // the extra headers, in order
    QByteArray body;
    // Set when the extra headers contain Authorization, which replaces the chosen credential.
    QString authorizationWarning;
    // Warnings that do not block sending, such as a variable the operation does not define.
    QStringList warnings;
    QStringList usedNames; // the environment names used, in order of first use
};

struct RequestError {
    enum class Field { Url, Method, Document, OperationName, Variables, Headers, Body };
    Field field = Field::Url;
    QString message;
    qsizetype offset = -1; // a character offset into the field's text to put the cursor at, or -1
};

// Builds the request from the editor's input: replaces the placeholders (expandPlaceholders())
// and checks each part.
// - The URL must be an absolute http or https URL after the replacement.
// - GraphQL mode: placeholders are replaced in the document and inside the string values of
//   the variables (after the JSON is parsed, so a value cannot break the JSON). A JSON syntax
//   error names its line and column. When the document parses, graphql::selectOperation()
//   checks the operation name and graphql::validateVariables() the variables: its errors fail
//   the build and its warnings go to BuiltRequest::warnings. The body is {"query",
//   "operationName", "variables"}.
// - HTTP mode: the method is one of httpMethods(), and placeholders are replaced in the body
//   text, which is sent as UTF-8.
// - Headers: placeholders are replaced line by line (a value with a line break is an error),
//   then parseHeaderLines() checks them.
// Returns false with *error naming the field and the problem.
bool buildRequest(const RequestInput &input, const Environment &environment, BuiltRequest *out, RequestError *error);

} // namespace afx::query
