#include "query/requestbuilder.h"

#include "graphql/parser.h"
#include "graphql/variables.h"
#include "http/graphqlrequest.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace afx::query {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("afx::query::RequestBuilder", text);
}

bool fail(RequestError *error, RequestError::Field field, const QString &message, qsizetype offset = -1)
{
    error->field = field;
    error->message = message;
    error->offset = offset;
    return false;
}

bool buildUrl(const RequestInput &input, const Environment &environment, BuiltRequest *out, RequestError *error)
{
    const bool graphql = input.mode == RequestMode::Graphql;
    const QString typed = input.url.trimmed();
    if (typed.isEmpty()) {
        return fail(error, RequestError::Field::Url,
                    graphql ? tr("The endpoint is missing. Enter the GraphQL URL of the backend, such as "
                                 "http://127.0.0.1:4000/graphql.")
                            : tr("The URL is missing. Enter the URL to send the request to, such as "
                                 "http://127.0.0.1:4000/api/todos."));
    }
    QString text;
    QString message;
    qsizetype offset = -1;
    const ExpandOptions options{graphql ? tr("the endpoint") : tr("the URL"), true};
    if (!expandPlaceholders(typed, environment, options, &text, &message, &out->usedNames, &offset))
        return fail(error, RequestError::Field::Url, message, offset);
    text = text.trimmed();

    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty()) {
        const QString shown = text == typed ? QStringLiteral("\"%1\"").arg(text)
                                            : tr("\"%1\" (from \"%2\")").arg(text, typed);
        return fail(error, RequestError::Field::Url,
                    graphql ? tr("The endpoint %1 is not a valid http or https URL. Enter a URL such as "
                                 "https://api.example.com/graphql.")
                                  .arg(shown)
                            : tr("The URL %1 is not a valid http or https URL. Enter a URL such as "
                                 "https://api.example.com/todos.")
                                  .arg(shown));
    }
    out->url = url;
    return true;
}

bool buildHeaders(const RequestInput &input, const Environment &environment, BuiltRequest *out, RequestError *error)
{
    // Line by line, so a value cannot add a header line of its own.
    const QStringList lines = input.headers.split(QLatin1Char('\n'));
    QStringList expanded;
    qsizetype lineStart = 0;
    for (const QString &line : lines) {
        QString text;
        QString message;
        qsizetype offset = -1;
        const ExpandOptions options{tr("the headers"), true};
        if (!expandPlaceholders(line, environment, options, &text, &message, &out->usedNames, &offset)) {
            // The position in the message counts within the line: name the line instead.
            const int lineNumber = int(expanded.size()) + 1;
            return fail(error, RequestError::Field::Headers, tr("Header line %1: %2").arg(lineNumber).arg(message),
                        offset >= 0 ? lineStart + offset : -1);
        }
        expanded << text;
        lineStart += line.size() + 1;
    }
    QString message;
    if (!parseHeaderLines(expanded.join(QLatin1Char('\n')), &out->headers, &message, &out->authorizationWarning))
        return fail(error, RequestError::Field::Headers, message);
    return true;
}

// Replaces placeholders in every string value of `value`, depth first. Member names stay.
bool expandJsonStrings(QJsonValue *value, const Environment &environment, const QString &path, BuiltRequest *out,
                       QString *error)
{
    if (value->isString()) {
        const QString text = value->toString();
        if (!containsPlaceholder(text))
            return true;
        QString expanded;
        const ExpandOptions options{tr("the variable value at \"%1\"").arg(path), false};
        if (!expandPlaceholders(text, environment, options, &expanded, error, &out->usedNames))
            return false;
        *value = expanded;
        return true;
    }
    if (value->isObject()) {
        QJsonObject object = value->toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            QJsonValue member = it.value();
            if (!expandJsonStrings(&member, environment, path.isEmpty() ? it.key() : path + QLatin1Char('.') + it.key(),
                                   out, error))
                return false;
            it.value() = member;
        }
        *value = object;
    } else if (value->isArray()) {
        QJsonArray array = value->toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            QJsonValue item = array.at(i);
            if (!expandJsonStrings(&item, environment, QStringLiteral("%1[%2]").arg(path).arg(i), out, error))
                return false;
            array[i] = item;
        }
        *value = array;
    }
    return true;
}

bool buildGraphqlBody(const RequestInput &input, const Environment &environment, BuiltRequest *out, RequestError *error)
{
    QString document;
    QString message;
    qsizetype offset = -1;
    if (!expandPlaceholders(input.document, environment, ExpandOptions{tr("the query"), false}, &document, &message,
                            &out->usedNames, &offset))
        return fail(error, RequestError::Field::Document, message, offset);

    const QString operationName = input.operationName.trimmed();
    QByteArray body;
    if (!afx::buildGraphqlBody(document, input.variables, operationName, &body, &message)) {
        if (document.trimmed().isEmpty())
            return fail(error, RequestError::Field::Document, message);
        QJsonParseError parseError;
        const QByteArray variables = input.variables.toUtf8();
        QJsonDocument::fromJson(variables, &parseError);
        if (!variables.trimmed().isEmpty() && parseError.error != QJsonParseError::NoError)
            return fail(error, RequestError::Field::Variables, message,
                        QString::fromUtf8(variables.left(parseError.offset)).size());
        if (!input.variables.trimmed().isEmpty() && message.contains(QLatin1String("variables")))
            return fail(error, RequestError::Field::Variables, message);
        return fail(error, RequestError::Field::OperationName, message);
    }

    QJsonObject variables;
    if (!input.variables.trimmed().isEmpty())
        variables = QJsonDocument::fromJson(input.variables.toUtf8()).object();
    if (containsPlaceholder(input.variables)) {
        QJsonValue root = variables;
        if (!expandJsonStrings(&root, environment, QString(), out, &message))
            return fail(error, RequestError::Field::Variables, message);
        variables = root.toObject();
        QJsonObject request = QJsonDocument::fromJson(body).object();
        request.insert(QStringLiteral("variables"), variables);
        body = QJsonDocument(request).toJson(QJsonDocument::Compact);
    }

    // The operation and its variables are checked when the document parses. A document that
    // does not is left to the server, which reports the syntax error in its response.
    graphql::ParseError parseError;
    const std::optional<graphql::Document> parsed = graphql::parseDocument(document.toUtf8(), &parseError);
    if (parsed) {
        const graphql::OperationDefinition *operation = graphql::selectOperation(*parsed, operationName, &message);
        if (!operation)
            return fail(error, RequestError::Field::OperationName, message);
        QStringList problems;
        for (const graphql::VariableProblem &problem : graphql::validateVariables(*operation, variables, input.schema)) {
            if (problem.warning)
                out->warnings << problem.message;
            else
                problems << problem.message;
        }
        if (!problems.isEmpty())
            return fail(error, RequestError::Field::Variables, problems.join(QLatin1Char(' ')));
    }

    out->method = QStringLiteral("POST");
    out->body = body;
    return true;
}

bool buildHttpBody(const RequestInput &input, const Environment &environment, BuiltRequest *out, RequestError *error)
{
    const QString method = input.method.trimmed().toUpper();
    if (!httpMethods().contains(method)) {
        return fail(error, RequestError::Field::Method,
                    tr("The method \"%1\" is not supported. Choose one of %2.")
                        .arg(input.method, httpMethods().join(QStringLiteral(", "))));
    }
    QString body;
    QString message;
    qsizetype offset = -1;
    if (!expandPlaceholders(input.body, environment, ExpandOptions{tr("the body"), false}, &body, &message,
                            &out->usedNames, &offset))
        return fail(error, RequestError::Field::Body, message, offset);
    out->method = method;
    out->body = body.toUtf8();
    return true;
}

} // namespace

QStringList httpMethods()
{
    return {QStringLiteral("GET"),    QStringLiteral("POST"), QStringLiteral("PUT"),    QStringLiteral("PATCH"),
            QStringLiteral("DELETE"), QStringLiteral("HEAD"), QStringLiteral("OPTIONS")};
}

bool buildRequest(const RequestInput &input, const Environment &environment, BuiltRequest *out, RequestError *error)
{
    BuiltRequest built;
    if (!buildUrl(input, environment, &built, error))
        return false;
    const bool bodyOk = input.mode == RequestMode::Graphql ? buildGraphqlBody(input, environment, &built, error)
                                                           : buildHttpBody(input, environment, &built, error);
    if (!bodyOk || !buildHeaders(input, environment, &built, error))
        return false;
    *out = built;
    return true;
}

} // namespace afx::query
