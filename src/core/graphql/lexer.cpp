#include "graphql/lexer.h"

#include <QStringList>

namespace afx::graphql {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isNameStart(char c)
{
    return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool isNameContinue(char c)
{
    return isNameStart(c) || isDigit(c);
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void appendCodePoint(QString &text, char32_t codePoint)
{
    if (QChar::requiresSurrogates(codePoint)) {
        text += QChar(QChar::highSurrogate(codePoint));
        text += QChar(QChar::lowSurrogate(codePoint));
    } else {
        text += QChar(char16_t(codePoint));
    }
}

bool isBlockWhitespace(QChar c)
{
    return c == QLatin1Char(' ') || c == QLatin1Char('\t');
}

// The spec's BlockStringValue() algorithm: removes the common indentation
// of all lines but the first, then leading and trailing blank lines. `raw` uses '\n' only.
QString blockStringValue(const QString &raw)
{
    QStringList lines = raw.split(QLatin1Char('\n'));

    qsizetype commonIndent = -1;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QString &line = lines.at(i);
        qsizetype indent = 0;
        while (indent < line.size() && isBlockWhitespace(line.at(indent)))
            ++indent;
        if (indent < line.size() && (commonIndent < 0 || indent < commonIndent))
            commonIndent = indent;
    }
    if (commonIndent > 0) {
        for (qsizetype i = 1; i < lines.size(); ++i)
            lines[i].remove(0, commonIndent);
    }

    const auto isBlank = [](const QString &line) {
        for (const QChar c : line) {
            if (!isBlockWhitespace(c))
                return false;
        }
        return true;
    };
    while (!lines.isEmpty() && isBlank(lines.constFirst()))
        lines.removeFirst();
    while (!lines.isEmpty() && isBlank(lines.constLast()))
        lines.removeLast();
    return lines.join(QLatin1Char('\n'));
}

QString hexByte(uchar byte)
{
    return QStringLiteral("0x") + QString::number(uint(byte), 16).toUpper().rightJustified(2, QLatin1Char('0'));
}

QString shortened(const QString &text)
{
    constexpr qsizetype maxLength = 40;
    if (text.size() <= maxLength)
        return text;
    return text.left(maxLength) + QStringLiteral("…");
}

} // namespace

QString codePointName(char32_t codePoint)
{
    return QStringLiteral("U+") + QString::number(uint(codePoint), 16).toUpper().rightJustified(4, QLatin1Char('0'));
}

QString tokenKindName(TokenKind kind)
{
    switch (kind) {
    case TokenKind::EndOfDocument:
        return QStringLiteral("end of document");
    case TokenKind::Bang:
        return QStringLiteral("\"!\"");
    case TokenKind::Dollar:
        return QStringLiteral("\"$\"");
    case TokenKind::Ampersand:
        return QStringLiteral("\"&\"");
    case TokenKind::ParenLeft:
        return QStringLiteral("\"(\"");
    case TokenKind::ParenRight:
        return QStringLiteral("\")\"");
    case TokenKind::Spread:
        return QStringLiteral("\"...\"");
    case TokenKind::Colon:
        return QStringLiteral("\":\"");
    case TokenKind::Equals:
        return QStringLiteral("\"=\"");
    case TokenKind::At:
        return QStringLiteral("\"@\"");
    case TokenKind::BracketLeft:
        return QStringLiteral("\"[\"");
    case TokenKind::BracketRight:
        return QStringLiteral("\"]\"");
    case TokenKind::BraceLeft:
        return QStringLiteral("\"{\"");
    case TokenKind::Pipe:
        return QStringLiteral("\"|\"");
    case TokenKind::BraceRight:
        return QStringLiteral("\"}\"");
    case TokenKind::Name:
        return QStringLiteral("Name");
    case TokenKind::Int:
        return QStringLiteral("Int");
    case TokenKind::Float:
        return QStringLiteral("Float");
    case TokenKind::String:
        return QStringLiteral("String");
    case TokenKind::BlockString:
        return QStringLiteral("BlockString");
    case TokenKind::Comment:
        return QStringLiteral("Comment");
    case TokenKind::Error:
        return QStringLiteral("invalid token");
    }
    return {};
}

QString describeToken(const Token &token)
{
    switch (token.kind) {
    case TokenKind::Name:
    case TokenKind::Int:
    case TokenKind::Float:
    case TokenKind::String:
    case TokenKind::BlockString:
        return QStringLiteral("%1 \"%2\"").arg(tokenKindName(token.kind), shortened(token.value));
    default:
        return tokenKindName(token.kind);
    }
}

Lexer::Lexer(QByteArrayView source, bool keepComments)
    : m_source(source)
    , m_keepComments(keepComments)
{
}

int Lexer::decodeAt(qsizetype pos, char32_t *codePoint) const
{
    const uchar lead = uchar(m_source[pos]);
    if (lead < 0x80) {
        *codePoint = lead;
        return 1;
    }

    int length = 0;
    char32_t value = 0;
    char32_t minimum = 0;
    if ((lead & 0xE0) == 0xC0) {
        length = 2;
        value = lead & 0x1F;
        minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3;
        value = lead & 0x0F;
        minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4;
        value = lead & 0x07;
        minimum = 0x10000;
    } else {
        return 0;
    }
    if (pos + length > m_source.size())
        return 0;
    for (int i = 1; i < length; ++i) {
        const uchar continuation = uchar(m_source[pos + i]);
        if ((continuation & 0xC0) != 0x80)
            return 0;
        value = (value << 6) | (continuation & 0x3F);
    }
    if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        return 0;
    *codePoint = value;
    return length;
}

void Lexer::advance(int bytes)
{
    m_pos += bytes;
    ++m_column;
}

void Lexer::advanceLine()
{
    if (m_source[m_pos] == '\r' && m_pos + 1 < m_source.size() && m_source[m_pos + 1] == '\n')
        m_pos += 2;
    else
        ++m_pos;
    ++m_line;
    m_column = 1;
}

Token Lexer::makeToken(TokenKind kind, qsizetype start, SourceLocation location, QString value) const
{
    Token token;
    token.kind = kind;
    token.offset = start;
    token.length = m_pos - start;
    token.location = location;
    token.value = std::move(value);
    return token;
}

Token Lexer::makeError(qsizetype start, SourceLocation location, const QString &message) const
{
    return makeToken(TokenKind::Error, start, location, message);
}

void Lexer::skipIgnored()
{
    while (m_pos < m_source.size()) {
        const char c = m_source[m_pos];
        if (c == ' ' || c == '\t' || c == ',') {
            advance(1);
        } else if (c == '\n' || c == '\r') {
            advanceLine();
        } else if (uchar(c) == 0xEF && m_pos + 2 < m_source.size() && uchar(m_source[m_pos + 1]) == 0xBB
                   && uchar(m_source[m_pos + 2]) == 0xBF) {
            advance(3); // U+FEFF byte order mark
        } else {
            break;
        }
    }
}

Token Lexer::next()
{
    for (;;) {
        skipIgnored();
        const qsizetype start = m_pos;
        const SourceLocation location = here();
        if (atEnd())
            return makeToken(TokenKind::EndOfDocument, start, location);

        const char c = m_source[m_pos];
        const auto punctuator = [&](TokenKind kind) {
            advance(1);
            return makeToken(kind, start, location);
        };
        switch (c) {
        case '!':
            return punctuator(TokenKind::Bang);
        case '$':
            return punctuator(TokenKind::Dollar);
        case '&':
            return punctuator(TokenKind::Ampersand);
        case '(':
            return punctuator(TokenKind::ParenLeft);
        case ')':
            return punctuator(TokenKind::ParenRight);
        case ':':
            return punctuator(TokenKind::Colon);
        case '=':
            return punctuator(TokenKind::Equals);
        case '@':
            return punctuator(TokenKind::At);
        case '[':
            return punctuator(TokenKind::BracketLeft);
        case ']':
            return punctuator(TokenKind::BracketRight);
        case '{':
            return punctuator(TokenKind::BraceLeft);
        case '|':
            return punctuator(TokenKind::Pipe);
        case '}':
            return punctuator(TokenKind::BraceRight);
        case '.': {
            if (m_source.sliced(m_pos).startsWith("...")) {
                for (int i = 0; i < 3; ++i)
                    advance(1);
                return makeToken(TokenKind::Spread, start, location);
            }
            while (m_pos < m_source.size() && m_source[m_pos] == '.')
                advance(1);
            return makeError(start, location, QStringLiteral("Unexpected \"%1\": a spread is written \"...\".")
                                                  .arg(QString::fromLatin1(m_source.sliced(start, m_pos - start))));
        }
        case '#': {
            Token comment = readComment();
            if (comment.kind == TokenKind::Comment && !m_keepComments)
                continue;
            return comment;
        }
        case '"':
            if (m_source.sliced(m_pos).startsWith("\"\"\""))
                return readBlockString();
            return readString();
        default:
            break;
        }

        if (isNameStart(c))
            return readName();
        if (isDigit(c) || c == '-')
            return readNumber();

        char32_t codePoint = 0;
        const int length = decodeAt(m_pos, &codePoint);
        if (length == 0) {
            const uchar byte = uchar(c);
            advance(1);
            return makeError(start, location,
                             QStringLiteral("Invalid UTF-8: byte %1 does not start a valid sequence.").arg(hexByte(byte)));
        }
        advance(length);
        if (codePoint >= 0x21 && codePoint < 0x7F)
            return makeError(start, location, QStringLiteral("Unexpected character \"%1\".").arg(QChar(char16_t(codePoint))));
        return makeError(start, location, QStringLiteral("Unexpected character %1.").arg(codePointName(codePoint)));
    }
}

Token Lexer::readComment()
{
    const qsizetype start = m_pos;
    const SourceLocation location = here();
    advance(1); // '#'
    while (m_pos < m_source.size()) {
        const char c = m_source[m_pos];
        if (c == '\n' || c == '\r')
            break;
        char32_t codePoint = 0;
        const int length = decodeAt(m_pos, &codePoint);
        if (length == 0) {
            const SourceLocation badLocation = here();
            // Skip the rest of the line so that lexing resumes after the broken comment.
            while (m_pos < m_source.size() && m_source[m_pos] != '\n' && m_source[m_pos] != '\r')
                advance(1);
            Token error = makeError(start, badLocation, QStringLiteral("Invalid UTF-8 in a comment."));
            return error;
        }
        advance(length);
    }
    return makeToken(TokenKind::Comment, start, location,
                     QString::fromUtf8(m_source.sliced(start + 1, m_pos - start - 1)));
}

Token Lexer::readName()
{
    const qsizetype start = m_pos;
    const SourceLocation location = here();
    while (m_pos < m_source.size() && isNameContinue(m_source[m_pos]))
        advance(1);
    return makeToken(TokenKind::Name, start, location,
                     QString::fromLatin1(m_source.sliced(start, m_pos - start)));
}

Token Lexer::readNumber()
{
    const qsizetype start = m_pos;
    const SourceLocation location = here();
    const auto peek = [this]() -> char { return m_pos < m_source.size() ? m_source[m_pos] : '\0'; };
    const auto skipDigits = [&]() {
        while (isDigit(peek()))
            advance(1);
    };
    // Consumes the rest of a malformed number so that lexing resumes after it.
    const auto fail = [&](const QString &message) {
        const SourceLocation badLocation = here();
        while (isNameContinue(peek()) || peek() == '.')
            advance(1);
        return makeError(start, badLocation, message);
    };
    const auto describeNext = [&]() {
        const char c = peek();
        if (c == '\0' && m_pos >= m_source.size())
            return QStringLiteral("end of document");
        if (uchar(c) >= 0x21 && uchar(c) < 0x7F)
            return QStringLiteral("\"%1\"").arg(QLatin1Char(c));
        return QStringLiteral("byte ") + hexByte(uchar(c));
    };

    bool isFloat = false;
    if (peek() == '-')
        advance(1);
    if (peek() == '0') {
        advance(1);
        if (isDigit(peek()))
            return fail(QStringLiteral("Invalid number: unexpected digit after 0."));
    } else if (isDigit(peek())) {
        skipDigits();
    } else {
        return fail(QStringLiteral("Invalid number: expected a digit after \"-\", found %1.").arg(describeNext()));
    }

    if (peek() == '.') {
        isFloat = true;
        advance(1);
        if (!isDigit(peek()))
            return fail(QStringLiteral("Invalid number: expected a digit after \".\", found %1.").arg(describeNext()));
        skipDigits();
    }
    if (peek() == 'e' || peek() == 'E') {
        isFloat = true;
        advance(1);
        if (peek() == '+' || peek() == '-')
            advance(1);
        if (!isDigit(peek()))
            return fail(QStringLiteral("Invalid number: expected a digit in the exponent, found %1.").arg(describeNext()));
        skipDigits();
    }
    if (peek() == '.' || isNameStart(peek()))
        return fail(QStringLiteral("Invalid number: unexpected %1 after the number.").arg(describeNext()));

    return makeToken(isFloat ? TokenKind::Float : TokenKind::Int, start, location,
                     QString::fromLatin1(m_source.sliced(start, m_pos - start)));
}

Token Lexer::readString()
{
    const qsizetype start = m_pos;
    const SourceLocation location = here();
    advance(1); // opening quote

    // Skips to the closing quote or the end of the line, so that lexing resumes after the string.
    const auto fail = [&](SourceLocation badLocation, const QString &message) {
        while (m_pos < m_source.size()) {
            const char c = m_source[m_pos];
            if (c == '\n' || c == '\r')
                break;
            if (c == '\\' && m_pos + 1 < m_source.size() && m_source[m_pos + 1] != '\n' && m_source[m_pos + 1] != '\r') {
                advance(1);
                advance(1);
                continue;
            }
            advance(1);
            if (c == '"')
                break;
        }
        return makeError(start, badLocation, message);
    };
    const auto readHex4 = [&](qsizetype at, char32_t *out) {
        if (at + 4 > m_source.size())
            return false;
        char32_t value = 0;
        for (int i = 0; i < 4; ++i) {
            const int digit = hexValue(m_source[at + i]);
            if (digit < 0)
                return false;
            value = value * 16 + char32_t(digit);
        }
        *out = value;
        return true;
    };

    QString value;
    while (m_pos < m_source.size()) {
        const char c = m_source[m_pos];
        if (c == '"') {
            advance(1);
            return makeToken(TokenKind::String, start, location, value);
        }
        if (c == '\n' || c == '\r')
            return makeError(start, here(), QStringLiteral("Unterminated string: a line ends before the closing quote."));

        if (c != '\\') {
            char32_t codePoint = 0;
            const int length = decodeAt(m_pos, &codePoint);
            if (length == 0)
                return fail(here(), QStringLiteral("Invalid UTF-8 in a string."));
            // Control characters other than tab are rejected, so that a value cannot carry
            // invisible bytes. The June 2018 edition of the spec excluded them from source text.
            if (codePoint < 0x20 && codePoint != '\t')
                return fail(here(), QStringLiteral("Invalid character %1 in a string; escape it.").arg(codePointName(codePoint)));
            appendCodePoint(value, codePoint);
            advance(length);
            continue;
        }

        const SourceLocation escapeLocation = here();
        if (m_pos + 1 >= m_source.size())
            break;
        const char escaped = m_source[m_pos + 1];
        char16_t simple = 0;
        switch (escaped) {
        case '"':
            simple = u'"';
            break;
        case '\\':
            simple = u'\\';
            break;
        case '/':
            simple = u'/';
            break;
        case 'b':
            simple = u'\b';
            break;
        case 'f':
            simple = u'\f';
            break;
        case 'n':
            simple = u'\n';
            break;
        case 'r':
            simple = u'\r';
            break;
        case 't':
            simple = u'\t';
            break;
        default:
            break;
        }
        if (simple != 0) {
            value += QChar(simple);
            advance(1);
            advance(1);
            continue;
        }
        if (escaped != 'u') {
            const QString shown = (uchar(escaped) >= 0x21 && uchar(escaped) < 0x7F)
                ? QStringLiteral("\"\\%1\"").arg(QLatin1Char(escaped))
                : QStringLiteral("a backslash followed by byte ") + hexByte(uchar(escaped));
            return fail(escapeLocation, QStringLiteral("Invalid escape sequence %1 in a string.").arg(shown));
        }

        // \u{X...} (variable width, October 2021 edition) or \uXXXX, with surrogate pairs.
        char32_t codePoint = 0;
        qsizetype escapeLength = 0;
        if (m_pos + 2 < m_source.size() && m_source[m_pos + 2] == '{') {
            qsizetype at = m_pos + 3;
            int digits = 0;
            bool valid = true;
            while (at < m_source.size() && m_source[at] != '}') {
                const int digit = hexValue(m_source[at]);
                if (digit < 0 || ++digits > 6) {
                    valid = false;
                    break;
                }
                codePoint = codePoint * 16 + char32_t(digit);
                ++at;
            }
            if (!valid || at >= m_source.size() || digits == 0 || codePoint > 0x10FFFF
                || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
                return fail(escapeLocation, QStringLiteral("Invalid Unicode escape sequence in a string."));
            escapeLength = at + 1 - m_pos;
        } else {
            if (!readHex4(m_pos + 2, &codePoint))
                return fail(escapeLocation, QStringLiteral("Invalid Unicode escape sequence in a string: \\u needs four hex digits."));
            escapeLength = 6;
            if (codePoint >= 0xDC00 && codePoint <= 0xDFFF)
                return fail(escapeLocation, QStringLiteral("Invalid Unicode escape sequence: a low surrogate without a high surrogate."));
            if (codePoint >= 0xD800 && codePoint <= 0xDBFF) {
                char32_t low = 0;
                const qsizetype lowAt = m_pos + 6;
                if (lowAt + 2 > m_source.size() || m_source[lowAt] != '\\' || m_source[lowAt + 1] != 'u'
                    || !readHex4(lowAt + 2, &low) || low < 0xDC00 || low > 0xDFFF)
                    return fail(escapeLocation, QStringLiteral("Invalid Unicode escape sequence: a high surrogate without a low surrogate."));
                codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (low - 0xDC00);
                escapeLength = 12;
            }
        }
        appendCodePoint(value, codePoint);
        for (qsizetype i = 0; i < escapeLength; ++i)
            advance(1); // escapes are ASCII, one column per byte
    }
    return makeError(start, here(), QStringLiteral("Unterminated string: the document ends before the closing quote."));
}

Token Lexer::readBlockString()
{
    const qsizetype start = m_pos;
    const SourceLocation location = here();
    for (int i = 0; i < 3; ++i)
        advance(1);

    QString raw;
    while (m_pos < m_source.size()) {
        const QByteArrayView rest = m_source.sliced(m_pos);
        if (rest.startsWith("\"\"\"")) {
            for (int i = 0; i < 3; ++i)
                advance(1);
            return makeToken(TokenKind::BlockString, start, location, blockStringValue(raw));
        }
        if (rest.startsWith("\\\"\"\"")) {
            raw += QStringLiteral("\"\"\"");
            for (int i = 0; i < 4; ++i)
                advance(1);
            continue;
        }
        const char c = m_source[m_pos];
        if (c == '\n' || c == '\r') {
            raw += QLatin1Char('\n');
            advanceLine();
            continue;
        }
        char32_t codePoint = 0;
        const int length = decodeAt(m_pos, &codePoint);
        if (length == 0 || (codePoint < 0x20 && codePoint != '\t')) {
            const SourceLocation badLocation = here();
            const QString message = length == 0
                ? QStringLiteral("Invalid UTF-8 in a block string.")
                : QStringLiteral("Invalid character %1 in a block string.").arg(codePointName(codePoint));
            // Resume after the closing delimiter, or at the end when there is none.
            const qsizetype close = m_source.sliced(m_pos).indexOf("\"\"\"");
            const qsizetype stop = close < 0 ? m_source.size() : m_pos + close + 3;
            while (m_pos < stop) {
                if (m_source[m_pos] == '\n' || m_source[m_pos] == '\r')
                    advanceLine();
                else
                    advance(1);
            }
            return makeError(start, badLocation, message);
        }
        appendCodePoint(raw, codePoint);
        advance(length);
    }
    return makeError(start, location, QStringLiteral("Unterminated block string: the document ends before the closing \"\"\"."));
}

} // namespace afx::graphql
