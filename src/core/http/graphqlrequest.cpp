#include "http/graphqlrequest.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRegularExpression>

namespace afx {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("afx::GraphqlRequest", text);
}

// Line and column (1-based, column in characters) of a byte offset into UTF-8 text.
QPair<int, int> lineAndColumn(const QByteArray &utf8, qsizetype byteOffset)
{
    const QString before = QString::fromUtf8(utf8.left(qBound(qsizetype(0), byteOffset, utf8.size())));
    const int line = int(before.count(QLatin1Char('\n'))) + 1;
    const qsizetype lineStart = before.lastIndexOf(QLatin1Char('\n')) + 1;
    return {line, int(before.size() - lineStart) + 1};
}

QString jsonTypeName(const QJsonDocument &document)
{
    if (document.isArray())
        return tr("an array");
    if (document.isNull())
        return tr("null");
    return tr("a single value");
}

// tchar of RFC 9110 section 5.6.2.
bool isTokenChar(QChar c)
{
    if (c.unicode() > 0x7e)
        return false;
    if (c.isLetterOrNumber())
        return true;
    return QStringView(u"!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QStringView text)
{
    if (text.isEmpty())
        return false;
    for (QChar c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

void appendNewline(QString &out, int depth)
{
    out += QLatin1Char('\n');
    out += QString(depth * 2, QLatin1Char(' '));
}

bool isJsonWhitespace(QChar c)
{
    return c == QLatin1Char(' ') || c == QLatin1Char('\t') || c == QLatin1Char('\n') || c == QLatin1Char('\r');
}

} // namespace

bool buildGraphqlBody(const QString &query, const QString &variablesText, const QString &operationName,
                      QByteArray *body, QString *error)
{
    if (query.trimmed().isEmpty()) {
        *error = tr("The query is empty. Write a query such as { __typename } before sending.");
        return false;
    }

    QJsonObject request;
    request.insert(QStringLiteral("query"), query);

    const QString name = operationName.trimmed();
    if (!name.isEmpty()) {
        static const QRegularExpression graphqlName(QStringLiteral("^[_A-Za-z][_0-9A-Za-z]*$"));
        if (!graphqlName.match(name).hasMatch()) {
            *error = tr("The operation name \"%1\" is not a valid GraphQL name. Use letters, digits and "
                        "underscores, not starting with a digit, or leave it empty.")
                         .arg(name);
            return false;
        }
        request.insert(QStringLiteral("operationName"), name);
    }

    if (!variablesText.trimmed().isEmpty()) {
        const QByteArray utf8 = variablesText.toUtf8();
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(utf8, &parseError);
        if (parseError.error != QJsonParseError::NoError) {
            const auto [line, column] = lineAndColumn(utf8, parseError.offset);
            *error = tr("The variables are not valid JSON: %1 at line %2, column %3.")
                         .arg(parseError.errorString())
                         .arg(line)
                         .arg(column);
            return false;
        }
        if (!document.isObject()) {
            *error = tr("The variables must be a JSON object such as {\"id\": 1}, but they are %1.")
                         .arg(jsonTypeName(document));
            return false;
        }
        request.insert(QStringLiteral("variables"), document.object());
    }

    *body = QJsonDocument(request).toJson(QJsonDocument::Compact);
    return true;
}

bool parseHeaderLines(const QString &text, QList<QPair<QByteArray, QByteArray>> *headers, QString *error,
                      QString *warning)
{
    QList<QPair<QByteArray, QByteArray>> parsed;
    QString authorizationWarning;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNumber = int(i) + 1;
        const QString line = lines.at(i).trimmed();
        if (line.isEmpty())
            continue;

        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (colon < 0) {
            *error = tr("Header line %1 has no ':'. Write each header as Name: value.").arg(lineNumber);
            return false;
        }
        const QStringView name = QStringView(line).left(colon);
        if (!isToken(name)) {
            *error = tr("Header line %1: \"%2\" is not a valid header name. Names use letters, digits and "
                        "!#$%&'*+-.^_`|~ with no spaces, such as X-Request-Id.")
                         .arg(lineNumber)
                         .arg(name.toString());
            return false;
        }
        const QString value = QStringView(line).mid(colon + 1).trimmed().toString();
        for (QChar c : value) {
            if ((c.unicode() < 0x20 && c != QLatin1Char('\t')) || c.unicode() == 0x7f) {
                *error = tr("Header line %1: the value of %2 contains a control character (U+%3). Remove it.")
                             .arg(lineNumber)
                             .arg(name.toString())
                             .arg(c.unicode(), 4, 16, QLatin1Char('0'));
                return false;
            }
        }
        if (name.compare(u"Content-Length", Qt::CaseInsensitive) == 0
            || name.compare(u"Transfer-Encoding", Qt::CaseInsensitive) == 0) {
            *error = tr("Header line %1: %2 is set by the HTTP client from the body. Remove the line.")
                         .arg(lineNumber)
                         .arg(name.toString());
            return false;
        }
        const QByteArray nameBytes = name.toLatin1();
        for (const auto &[existing, existingValue] : std::as_const(parsed)) {
            Q_UNUSED(existingValue);
            if (existing.compare(nameBytes, Qt::CaseInsensitive) == 0) {
                // QNetworkRequest keeps one value per name, so a second line would silently win.
                *error = tr("Header line %1: %2 is given twice. Combine the values on one line, separated by a comma.")
                             .arg(lineNumber)
                             .arg(name.toString());
                return false;
            }
        }
        if (name.compare(u"Authorization", Qt::CaseInsensitive) == 0)
            authorizationWarning = tr("The Authorization header on line %1 replaces the credential chosen "
                                      "in the editor.")
                                       .arg(lineNumber);
        parsed.append({nameBytes, value.toUtf8()});
    }

    *headers = parsed;
    if (warning)
        *warning = authorizationWarning;
    return true;
}

QString prettyJson(const QByteArray &body, bool *isJson)
{
    QJsonParseError parseError;
    QJsonDocument::fromJson(body, &parseError);
    const bool valid = !body.trimmed().isEmpty() && parseError.error == QJsonParseError::NoError;
    if (isJson)
        *isJson = valid;
    const QString text = QString::fromUtf8(body);
    if (!valid)
        return text;

    // The text is valid JSON, so a walk that tracks only strings and brackets can re-indent it.
    QString out;
    out.reserve(text.size() * 2);
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (inString) {
            out += c;
            if (escaped)
                escaped = false;
            else if (c == QLatin1Char('\\'))
                escaped = true;
            else if (c == QLatin1Char('"'))
                inString = false;
            continue;
        }
        if (isJsonWhitespace(c))
            continue;
        switch (c.unicode()) {
        case '"':
            inString = true;
            out += c;
            break;
        case '{':
        case '[': {
            out += c;
            qsizetype next = i + 1;
            while (next < text.size() && isJsonWhitespace(text.at(next)))
                ++next;
            const QChar close = c == QLatin1Char('{') ? QLatin1Char('}') : QLatin1Char(']');
            if (next < text.size() && text.at(next) == close) {
                out += close;
                i = next;
            } else {
                appendNewline(out, ++depth);
            }
            break;
        }
        case '}':
        case ']':
            appendNewline(out, --depth);
            out += c;
            break;
        case ',':
            out += c;
            appendNewline(out, depth);
            break;
        case ':':
            out += QLatin1String(": ");
            break;
        default:
            out += c;
        }
    }
    return out;
}

QList<AuthChallenge> parseWwwAuthenticate(const QByteArray &value)
{
    QList<AuthChallenge> challenges;
    const qsizetype size = value.size();
    qsizetype pos = 0;

    const auto skipSpaces = [&] {
        while (pos < size && (value.at(pos) == ' ' || value.at(pos) == '\t'))
            ++pos;
    };
    const auto readToken = [&] {
        const qsizetype start = pos;
        while (pos < size && isTokenChar(QLatin1Char(value.at(pos))))
            ++pos;
        return value.mid(start, pos - start);
    };
    // token68 of RFC 9110 section 11.2, which must be followed by a comma or the end.
    const auto skipToken68 = [&] {
        qsizetype end = pos;
        while (end < size && (QChar::isLetterOrNumber(uchar(value.at(end))) || QByteArrayView("-._~+/").contains(value.at(end))))
            ++end;
        if (end == pos)
            return false;
        while (end < size && value.at(end) == '=')
            ++end;
        qsizetype after = end;
        while (after < size && (value.at(after) == ' ' || value.at(after) == '\t'))
            ++after;
        if (after < size && value.at(after) != ',')
            return false;
        pos = after;
        return true;
    };

    while (true) {
        while (pos < size && (value.at(pos) == ',' || value.at(pos) == ' ' || value.at(pos) == '\t'))
            ++pos;
        if (pos >= size)
            break;

        const QByteArray token = readToken();
        if (token.isEmpty())
            break;
        const qsizetype afterToken = pos;
        skipSpaces();
        if (pos < size && value.at(pos) == '=' && !challenges.isEmpty()) {
            // An auth-param of the current challenge.
            ++pos;
            skipSpaces();
            QString paramValue;
            if (pos < size && value.at(pos) == '"') {
                ++pos;
                QByteArray unescaped;
                bool closed = false;
                while (pos < size) {
                    const char c = value.at(pos++);
                    if (c == '\\' && pos < size) {
                        unescaped += value.at(pos++);
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        unescaped += c;
                    }
                }
                if (!closed)
                    break;
                paramValue = QString::fromUtf8(unescaped);
            } else {
                paramValue = QString::fromLatin1(readToken());
            }
            challenges.last().params.insert(QString::fromLatin1(token).toLower(), paramValue);
            skipSpaces();
            if (pos < size && value.at(pos) != ',')
                break;
            continue;
        }

        // A new challenge: the scheme, then a token68, auth-params or nothing.
        pos = afterToken;
        AuthChallenge challenge;
        challenge.scheme = QString::fromLatin1(token);
        challenges.append(challenge);
        if (pos < size && value.at(pos) != ' ' && value.at(pos) != '\t' && value.at(pos) != ',')
            break;
        skipSpaces();
        const qsizetype beforeToken68 = pos;
        if (!skipToken68())
            pos = beforeToken68;
    }
    return challenges;
}

} // namespace afx
