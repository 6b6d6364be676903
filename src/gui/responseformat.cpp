#include "gui/responseformat.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>

namespace afx::gui {

namespace {

constexpr int indentWidth = 2;
// The cancel check runs after this many input characters.
constexpr qsizetype cancelCheckInterval = 64 * 1024;

bool isJsonWhitespace(char16_t c)
{
    return c == u' ' || c == u'\t' || c == u'\n' || c == u'\r';
}

bool isStructural(char16_t c)
{
    return c == u'{' || c == u'}' || c == u'[' || c == u']' || c == u',' || c == u':' || c == u'"';
}

// Writes through a raw pointer into a preallocated QString, so appending a character costs no
// detach or capacity check of QString::append.
class TextWriter {
public:
    explicit TextWriter(qsizetype expectedSize)
    {
        m_text.resize(qMax<qsizetype>(expectedSize, 1024));
        m_data = reinterpret_cast<char16_t *>(m_text.data());
    }

    qsizetype size() const { return m_size; }

    void reserveMore(qsizetype count)
    {
        if (m_size + count <= m_text.size())
            return;
        m_text.resize(qMax(m_text.size() * 2, m_size + count));
        m_data = reinterpret_cast<char16_t *>(m_text.data());
    }

    void put(char16_t c)
    {
        reserveMore(1);
        m_data[m_size++] = c;
    }

    void put(const char16_t *from, qsizetype count)
    {
        reserveMore(count);
        std::copy(from, from + count, m_data + m_size);
        m_size += count;
    }

    void putSpaces(qsizetype count)
    {
        reserveMore(count);
        std::fill(m_data + m_size, m_data + m_size + count, u' ');
        m_size += count;
    }

    QString take()
    {
        m_text.truncate(m_size);
        m_text.squeeze();
        return std::move(m_text);
    }

private:
    QString m_text;
    char16_t *m_data = nullptr;
    qsizetype m_size = 0;
};

} // namespace

QStringView FormattedText::line(qsizetype index) const
{
    const qsizetype start = lineStarts.at(index);
    qsizetype end = index + 1 < lineStarts.size() ? lineStarts.at(index + 1) - 1 : text.size();
    if (end > start && text.at(end - 1) == QLatin1Char('\r'))
        --end;
    return QStringView(text).mid(start, end - start);
}

std::pair<std::vector<JsonSpan>::const_iterator, std::vector<JsonSpan>::const_iterator>
FormattedText::spansOfLine(qsizetype index) const
{
    const qsizetype start = lineStarts.at(index);
    const qsizetype end = index + 1 < lineStarts.size() ? lineStarts.at(index + 1) : text.size();
    const auto byStart = [](const JsonSpan &span, qsizetype offset) { return span.start < offset; };
    const auto first = std::lower_bound(spans.cbegin(), spans.cend(), start, byStart);
    const auto last = std::lower_bound(first, spans.cend(), end, byStart);
    return {first, last};
}

bool prettyPrintJson(QStringView json, FormattedText *out, const CancelCheck &cancelled)
{
    const char16_t *in = json.utf16();
    const qsizetype size = json.size();
    TextWriter writer(size + size / 2);
    std::vector<JsonSpan> spans;
    spans.reserve(size_t(size / 16));
    QList<qsizetype> lineStarts{0};
    qsizetype lineStart = 0;
    qsizetype maxLineLength = 0;
    int depth = 0;

    const auto newline = [&](int level) {
        maxLineLength = qMax(maxLineLength, writer.size() - lineStart);
        writer.put(u'\n');
        lineStart = writer.size();
        lineStarts.append(lineStart);
        writer.putSpaces(qsizetype(qMax(level, 0)) * indentWidth);
    };
    const auto addSpan = [&](qsizetype start, JsonTokenKind kind) {
        spans.push_back({start, qint32(qMin<qsizetype>(writer.size() - start, INT_MAX)), kind});
    };

    qsizetype nextCancelCheck = cancelCheckInterval;
    for (qsizetype i = 0; i < size; ++i) {
        if (i >= nextCancelCheck) {
            if (cancelled && cancelled())
                return false;
            nextCancelCheck = i + cancelCheckInterval;
        }
        const char16_t c = in[i];
        if (isJsonWhitespace(c))
            continue;
        switch (c) {
        case u'"': {
            // Copies the string as written, escapes included.
            qsizetype end = i + 1;
            while (end < size && in[end] != u'"') {
                if (in[end] == u'\\')
                    ++end;
                ++end;
            }
            end = qMin(end + 1, size);
            const qsizetype start = writer.size();
            writer.put(in + i, end - i);
            addSpan(start, JsonTokenKind::String);
            i = end - 1;
            break;
        }
        case u'{':
        case u'[': {
            writer.put(c);
            qsizetype next = i + 1;
            while (next < size && isJsonWhitespace(in[next]))
                ++next;
            const char16_t close = c == u'{' ? u'}' : u']';
            if (next < size && in[next] == close) {
                writer.put(close);
                i = next;
            } else {
                newline(++depth);
            }
            break;
        }
        case u'}':
        case u']':
            newline(--depth);
            writer.put(c);
            break;
        case u',':
            writer.put(c);
            newline(depth);
            break;
        case u':':
            if (!spans.empty() && spans.back().kind == JsonTokenKind::String
                && spans.back().start + spans.back().length == writer.size())
                spans.back().kind = JsonTokenKind::Key;
            writer.put(u':');
            writer.put(u' ');
            break;
        default: {
            // A number or true/false/null runs until the next structural character or whitespace.
            qsizetype end = i + 1;
            while (end < size && !isStructural(in[end]) && !isJsonWhitespace(in[end]))
                ++end;
            const qsizetype start = writer.size();
            writer.put(in + i, end - i);
            addSpan(start, (c == u't' || c == u'f' || c == u'n') ? JsonTokenKind::Literal : JsonTokenKind::Number);
            i = end - 1;
            break;
        }
        }
    }
    maxLineLength = qMax(maxLineLength, writer.size() - lineStart);

    out->text = writer.take();
    out->lineStarts = std::move(lineStarts);
    out->spans = std::move(spans);
    out->maxLineLength = maxLineLength;
    return true;
}

FormattedText plainFormattedText(QString text)
{
    FormattedText formatted;
    const char16_t *data = reinterpret_cast<const char16_t *>(text.constData());
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (data[i] != u'\n')
            continue;
        formatted.maxLineLength = qMax(formatted.maxLineLength, i - lineStart);
        lineStart = i + 1;
        formatted.lineStarts.append(lineStart);
    }
    formatted.maxLineLength = qMax(formatted.maxLineLength, text.size() - lineStart);
    formatted.text = std::move(text);
    return formatted;
}

bool isJsonContentType(const QByteArray &contentType)
{
    const QByteArray type = contentType.split(';').first().trimmed().toLower();
    return type.isEmpty() || type == "application/json" || type.endsWith("+json");
}

QString describeParseError(const QByteArray &body, const QJsonParseError &error)
{
    const qsizetype offset = qBound(qsizetype(0), qsizetype(error.offset), body.size());
    const QByteArrayView before(body.constData(), offset);
    const qsizetype line = before.count('\n') + 1;
    const qsizetype lastBreak = before.lastIndexOf('\n');
    const qsizetype column = offset - (lastBreak + 1) + 1;
    return QCoreApplication::translate("afx::gui::ResponseView",
                                       "The response is not valid JSON: %1 at byte %2 (line %3, column %4). "
                                       "It is shown as received.")
        .arg(error.errorString())
        .arg(offset)
        .arg(line)
        .arg(column);
}

QStringList graphqlErrorMessages(const QJsonDocument &document)
{
    if (!document.isObject())
        return {};
    QStringList messages;
    const QJsonArray errors = document.object().value(QStringLiteral("errors")).toArray();
    for (const QJsonValue &error : errors) {
        const QString message = error.toObject().value(QStringLiteral("message")).toString();
        messages.append(message.isEmpty() ? QCoreApplication::translate("afx::gui::QueryEditor", "(no message)") : message);
    }
    return messages;
}

} // namespace afx::gui
