#include "json/objectview.h"

#include "json/jsontypes.h"

#include <QJsonDocument>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

namespace afx::json {

namespace {

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void appendUtf8(QByteArray &out, char32_t codePoint)
{
    if (codePoint < 0x80) {
        out += char(codePoint);
    } else if (codePoint < 0x800) {
        out += char(0xC0 | (codePoint >> 6));
        out += char(0x80 | (codePoint & 0x3F));
    } else if (codePoint < 0x10000) {
        out += char(0xE0 | (codePoint >> 12));
        out += char(0x80 | ((codePoint >> 6) & 0x3F));
        out += char(0x80 | (codePoint & 0x3F));
    } else {
        out += char(0xF0 | (codePoint >> 18));
        out += char(0x80 | ((codePoint >> 12) & 0x3F));
        out += char(0x80 | ((codePoint >> 6) & 0x3F));
        out += char(0x80 | (codePoint & 0x3F));
    }
}

// Reads the four hex digits of a \u escape at `text[at]`, or returns nullopt when they are not hex.
std::optional<char32_t> readHex4(QByteArrayView text, qsizetype at)
{
    if (at + 4 > text.size())
        return std::nullopt;
    const char *begin = text.data() + at;
    std::uint32_t value = 0;
    const std::from_chars_result result = std::from_chars(begin, begin + 4, value, 16);
    if (result.ec != std::errc() || result.ptr != begin + 4)
        return std::nullopt;
    return char32_t(value);
}

// Decodes the text between the quotes of a string that read() has checked.
QByteArray unescape(QByteArrayView text)
{
    QByteArray out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c != '\\') {
            out += c;
            continue;
        }
        const char kind = text[++i];
        switch (kind) {
        case 'b':
            out += '\b';
            break;
        case 'f':
            out += '\f';
            break;
        case 'n':
            out += '\n';
            break;
        case 'r':
            out += '\r';
            break;
        case 't':
            out += '\t';
            break;
        case 'u': {
            char32_t codePoint = readHex4(text, i + 1).value_or(0xFFFD);
            i += 4;
            if (codePoint >= 0xD800 && codePoint <= 0xDBFF) {
                const char32_t low = readHex4(text, i + 3).value_or(0xFFFD);
                codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (low - 0xDC00);
                i += 6;
            }
            appendUtf8(out, codePoint);
            break;
        }
        default: // '"', '\\' and '/'
            out += kind;
            break;
        }
    }
    return out;
}

// The result of Reader::readValue: the type, the JSON text (for a string, without its quotes),
// whether a string has escapes, and the value of a number.
struct ParsedValue {
    QJsonValue::Type type = QJsonValue::Undefined;
    QByteArrayView text;
    bool escaped = false;
    double number = 0;
};

// A recursive-descent reader of RFC 8259 JSON text that records the members of the outermost
// object. Each method leaves m_pos after what it read and returns false with m_error set.
class Reader {
public:
    explicit Reader(QByteArrayView text)
        : m_text(text)
    {
    }

    qsizetype position() const { return m_pos; }
    const QString &error() const { return m_error; }

    void skipSpace()
    {
        while (m_pos < m_text.size() && isJsonSpace(m_text[m_pos]))
            ++m_pos;
    }

    bool atEnd() const { return m_pos >= m_text.size(); }

    bool expect(char c, const char *description)
    {
        skipSpace();
        if (atEnd() || m_text[m_pos] != c)
            return fail(QStringLiteral("expected %1").arg(QLatin1String(description)));
        ++m_pos;
        return true;
    }

    // Reads a string at m_pos (at its opening quote). `content` gets the text between the quotes
    // and `escaped` whether it has backslash escapes.
    bool readString(QByteArrayView *content, bool *escaped)
    {
        skipSpace();
        if (atEnd() || m_text[m_pos] != '"')
            return fail(QStringLiteral("expected a string"));
        const qsizetype start = ++m_pos;
        *escaped = false;
        while (m_pos < m_text.size()) {
            const auto byte = static_cast<unsigned char>(m_text[m_pos]);
            if (byte == '"') {
                *content = m_text.sliced(start, m_pos - start);
                ++m_pos;
                return true;
            }
            if (byte < 0x20)
                return fail(QStringLiteral("a control character (0x%1) inside a string; it must be escaped")
                                .arg(byte, 2, 16, QLatin1Char('0')));
            if (byte == '\\') {
                *escaped = true;
                if (!readEscape())
                    return false;
                continue;
            }
            if (byte >= 0x80) {
                if (!readUtf8Sequence())
                    return false;
                continue;
            }
            ++m_pos;
        }
        return fail(QStringLiteral("a string without its closing quote"));
    }

    // Reads any value at m_pos. The members of the outermost object pass `out`, nested values
    // pass nullptr.
    bool readValue(ParsedValue *out, int depth)
    {
        skipSpace();
        if (atEnd())
            return fail(QStringLiteral("the text ends where a value should be"));
        const qsizetype start = m_pos;
        const char c = m_text[m_pos];
        ParsedValue value;
        if (c == '"') {
            value.type = QJsonValue::String;
            if (!readString(&value.text, &value.escaped))
                return false;
        } else if (c == '{' || c == '[') {
            if (depth >= ObjectView::kMaxDepth)
                return fail(QStringLiteral("values nested more than %1 levels deep").arg(ObjectView::kMaxDepth));
            if (!(c == '{' ? skipObject(depth + 1) : skipArray(depth + 1)))
                return false;
            value.type = c == '{' ? QJsonValue::Object : QJsonValue::Array;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            if (!readNumber(&value.number))
                return false;
            value.type = QJsonValue::Double;
        } else if (readLiteral(QLatin1StringView("true")) || readLiteral(QLatin1StringView("false"))) {
            value.type = QJsonValue::Bool;
        } else if (readLiteral(QLatin1StringView("null"))) {
            value.type = QJsonValue::Null;
        } else {
            return fail(QStringLiteral("'%1' where a value should be").arg(QLatin1Char(c >= 0x20 && c < 0x7F ? c : '?')));
        }
        if (value.type != QJsonValue::String)
            value.text = m_text.sliced(start, m_pos - start);
        if (out)
            *out = value;
        return true;
    }

    bool fail(const QString &problem)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("%1 at byte %2").arg(problem).arg(m_pos);
        return false;
    }

private:
    bool readLiteral(QLatin1StringView literal)
    {
        if (m_text.sliced(m_pos).startsWith(QByteArrayView(literal.data(), literal.size()))) {
            m_pos += literal.size();
            return true;
        }
        return false;
    }

    bool readEscape()
    {
        // m_pos is at the backslash.
        if (m_pos + 1 >= m_text.size())
            return fail(QStringLiteral("a string that ends inside an escape"));
        const char kind = m_text[m_pos + 1];
        if (kind == '"' || kind == '\\' || kind == '/' || kind == 'b' || kind == 'f' || kind == 'n' || kind == 'r'
            || kind == 't') {
            m_pos += 2;
            return true;
        }
        if (kind != 'u')
            return fail(QStringLiteral("an invalid escape \\%1 in a string").arg(QLatin1Char(kind >= 0x20 && kind < 0x7F ? kind : '?')));
        const std::optional<char32_t> unit = readHex4(m_text, m_pos + 2);
        if (!unit)
            return fail(QStringLiteral("a \\u escape without four hex digits"));
        if (*unit >= 0xDC00 && *unit <= 0xDFFF)
            return fail(QStringLiteral("an unpaired UTF-16 low surrogate in a \\u escape"));
        if (*unit >= 0xD800 && *unit <= 0xDBFF) {
            const bool pairFollows = m_pos + 11 < m_text.size() && m_text[m_pos + 6] == '\\' && m_text[m_pos + 7] == 'u';
            const std::optional<char32_t> low = pairFollows ? readHex4(m_text, m_pos + 8) : std::nullopt;
            if (!low || *low < 0xDC00 || *low > 0xDFFF)
                return fail(QStringLiteral("an unpaired UTF-16 high surrogate in a \\u escape"));
            m_pos += 12;
            return true;
        }
        m_pos += 6;
        return true;
    }

    // Checks one UTF-8 sequence of two to four bytes at m_pos (RFC 3629 section 4: no overlong
    // forms, no surrogates, nothing above U+10FFFF).
    bool readUtf8Sequence()
    {
        const auto byte = [this](qsizetype at) {
            return at < m_text.size() ? static_cast<unsigned char>(m_text[at]) : 0u;
        };
        const unsigned first = byte(m_pos);
        int length = 0;
        unsigned low = 0x80;
        unsigned high = 0xBF;
        if (first >= 0xC2 && first <= 0xDF) {
            length = 2;
        } else if (first >= 0xE0 && first <= 0xEF) {
            length = 3;
            if (first == 0xE0)
                low = 0xA0;
            else if (first == 0xED)
                high = 0x9F;
        } else if (first >= 0xF0 && first <= 0xF4) {
            length = 4;
            if (first == 0xF0)
                low = 0x90;
            else if (first == 0xF4)
                high = 0x8F;
        } else {
            return fail(QStringLiteral("invalid UTF-8 (byte 0x%1)").arg(first, 2, 16, QLatin1Char('0')));
        }
        const unsigned second = byte(m_pos + 1);
        if (second < low || second > high)
            return fail(QStringLiteral("invalid UTF-8 (byte 0x%1)").arg(second, 2, 16, QLatin1Char('0')));
        for (int i = 2; i < length; ++i) {
            const unsigned next = byte(m_pos + i);
            if (next < 0x80 || next > 0xBF)
                return fail(QStringLiteral("invalid UTF-8 (byte 0x%1)").arg(next, 2, 16, QLatin1Char('0')));
        }
        m_pos += length;
        return true;
    }

    bool readDigits()
    {
        const qsizetype start = m_pos;
        while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9')
            ++m_pos;
        return m_pos > start;
    }

    bool readNumber(double *value)
    {
        const qsizetype start = m_pos;
        if (m_text[m_pos] == '-')
            ++m_pos;
        if (m_pos < m_text.size() && m_text[m_pos] == '0') {
            ++m_pos;
        } else if (!readDigits()) {
            return fail(QStringLiteral("a number without digits"));
        }
        if (m_pos < m_text.size() && m_text[m_pos] == '.') {
            ++m_pos;
            if (!readDigits())
                return fail(QStringLiteral("a number without digits after its decimal point"));
        }
        if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            ++m_pos;
            if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-'))
                ++m_pos;
            if (!readDigits())
                return fail(QStringLiteral("a number without digits in its exponent"));
        }
        const char *begin = m_text.data() + start;
        const char *end = m_text.data() + m_pos;
        const std::from_chars_result result = std::from_chars(begin, end, *value);
        if (result.ec != std::errc() || result.ptr != end) {
            m_pos = start;
            return fail(QStringLiteral("a number out of the range of a double"));
        }
        return true;
    }

    bool skipObject(int depth)
    {
        ++m_pos; // '{'
        skipSpace();
        if (!atEnd() && m_text[m_pos] == '}') {
            ++m_pos;
            return true;
        }
        while (true) {
            QByteArrayView name;
            bool escaped = false;
            if (!readString(&name, &escaped) || !expect(':', "':' after a member name")
                || !readValue(nullptr, depth))
                return false;
            skipSpace();
            if (!atEnd() && m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            return expect('}', "',' or '}' after a member");
        }
    }

    bool skipArray(int depth)
    {
        ++m_pos; // '['
        skipSpace();
        if (!atEnd() && m_text[m_pos] == ']') {
            ++m_pos;
            return true;
        }
        while (true) {
            if (!readValue(nullptr, depth))
                return false;
            skipSpace();
            if (!atEnd() && m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            return expect(']', "',' or ']' after an array element");
        }
    }

    QByteArrayView m_text;
    qsizetype m_pos = 0;
    QString m_error;
};

} // namespace

QString ValueView::toString() const
{
    if (m_type != QJsonValue::String)
        return {};
    return m_escaped ? QString::fromUtf8(unescape(m_text)) : QString::fromUtf8(m_text);
}

QJsonArray ValueView::toArray() const
{
    if (m_type != QJsonValue::Array)
        return {};
    return QJsonDocument::fromJson(m_text.toByteArray()).array();
}

namespace {

// Returns a member name that appears twice, or nullopt.
std::optional<QByteArrayView> findRepeatedName(QVarLengthArray<QByteArrayView, 12> names)
{
    // A token has about a dozen claims, where comparing each pair is quicker than sorting.
    if (names.size() <= 16) {
        for (qsizetype i = 0; i < names.size(); ++i) {
            for (qsizetype j = i + 1; j < names.size(); ++j) {
                if (names[i] == names[j])
                    return names[i];
            }
        }
        return std::nullopt;
    }
    std::sort(names.begin(), names.end());
    const auto repeated = std::adjacent_find(names.begin(), names.end());
    if (repeated == names.end())
        return std::nullopt;
    return *repeated;
}

} // namespace

bool ObjectView::read(const QByteArray &text, QString *error)
{
    m_text = text;
    m_decodedNames.clear();
    m_members.clear();
    m_repeatedName.clear();

    Reader reader(m_text);
    const auto failed = [&] {
        if (error)
            *error = reader.error();
        m_text.clear();
        m_decodedNames.clear();
        m_members.clear();
        return false;
    };

    if (!reader.expect('{', "'{' at the start of a JSON object"))
        return failed();
    reader.skipSpace();
    bool empty = false;
    if (!reader.atEnd() && m_text.at(reader.position()) == '}') {
        reader.expect('}', "'}'");
        empty = true;
    }
    while (!empty) {
        Member member;
        bool nameEscaped = false;
        if (!reader.readString(&member.name, &nameEscaped))
            return failed();
        if (nameEscaped) {
            m_decodedNames.append(unescape(member.name));
            member.name = m_decodedNames.constLast();
        }
        ParsedValue value;
        if (!reader.expect(':', "':' after a member name") || !reader.readValue(&value, 0))
            return failed();
        member.value.m_type = value.type;
        member.value.m_text = value.text;
        member.value.m_escaped = value.escaped;
        member.value.m_number = value.number;
        m_members.append(member);
        reader.skipSpace();
        if (!reader.atEnd() && m_text.at(reader.position()) == ',') {
            reader.expect(',', "','");
            continue;
        }
        if (!reader.expect('}', "',' or '}' after a member"))
            return failed();
        break;
    }
    reader.skipSpace();
    if (!reader.atEnd()) {
        reader.fail(QStringLiteral("more text after the object"));
        return failed();
    }

    // RFC 7519 section 4 and RFC 7515 section 4: a parser must reject duplicate names or use the
    // last one. Two readers of one token could otherwise see different values, so they are
    // rejected.
    QVarLengthArray<QByteArrayView, 12> names;
    for (const Member &member : std::as_const(m_members))
        names.append(member.name);
    if (const std::optional<QByteArrayView> repeated = findRepeatedName(names)) {
        const QString name = QString::fromUtf8(*repeated);
        failed();
        m_repeatedName = name;
        if (error)
            *error = QStringLiteral("the member name \"%1\" appears more than once").arg(name);
        return false;
    }
    return true;
}

ValueView ObjectView::value(QLatin1StringView name) const
{
    const QByteArrayView wanted(name.data(), name.size());
    for (const Member &member : m_members) {
        if (member.name == wanted)
            return member.value;
    }
    return {};
}

ValueView ObjectView::value(const QString &name) const
{
    return value(QLatin1StringView(name.toUtf8()));
}

QJsonObject ObjectView::toJsonObject() const
{
    return QJsonDocument::fromJson(m_text).object();
}

QString jsonTypeName(const ValueView &value)
{
    return jsonTypeName(value.type());
}

} // namespace afx::json
