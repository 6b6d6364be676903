#include "gui/graphqlhighlighter.h"

#include <QSet>

namespace afx::gui {

namespace {

// The last token before the current one, as far as the next name's role depends on it.
enum class Previous {
    Other,
    Spread,        // "...": a fragment name or "on" follows
    On,            // "on": a type name follows
    Colon,
    Fragment,      // the keyword "fragment": its name follows
    FragmentName,  // "fragment Name": "on" follows
    Operation,     // "query", "mutation" or "subscription": an optional name follows
    Dollar,
    At,
    DirectiveName, // "@name": its arguments may follow
};

// Everything a line needs from the lines before it, packed into QSyntaxHighlighter's int state.
struct LineState {
    bool inBlockString = false;
    bool inDefaultValue = false;    // after '=' in variable definitions: values, not types
    bool directiveArguments = false; // top-level parentheses that hold a directive's arguments
    Previous previous = Previous::Other;
    int valueDepth = 0;              // open '(' '[' and object-value '{'
    int selectionDepth = 0;          // open selection sets

    static constexpr int maxValueDepth = 63;
    static constexpr int maxSelectionDepth = 0xFFFF;

    static LineState unpack(int state)
    {
        LineState line;
        if (state < 0)
            return line;
        line.inBlockString = state & 1;
        line.inDefaultValue = state & 2;
        line.directiveArguments = state & 4;
        line.previous = Previous((state >> 3) & 0xF);
        line.valueDepth = (state >> 7) & maxValueDepth;
        line.selectionDepth = (state >> 13) & maxSelectionDepth;
        return line;
    }

    int pack() const
    {
        return int(inBlockString) | int(inDefaultValue) << 1 | int(directiveArguments) << 2 | int(previous) << 3
            | qBound(0, valueDepth, maxValueDepth) << 7 | qBound(0, selectionDepth, maxSelectionDepth) << 13;
    }
};

bool isNameStart(QChar c)
{
    return c == QLatin1Char('_') || (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'));
}

bool isNameContinue(QChar c)
{
    return isNameStart(c) || (c >= QLatin1Char('0') && c <= QLatin1Char('9'));
}

bool isDigit(QChar c)
{
    return c >= QLatin1Char('0') && c <= QLatin1Char('9');
}

bool isIgnored(QChar c)
{
    return c == QLatin1Char(' ') || c == QLatin1Char('\t') || c == QLatin1Char(',') || c == QChar(0xFEFF);
}

// The end of the block string that continues at `from`, or -1 when it goes on past this line.
qsizetype blockStringEnd(const QString &text, qsizetype from)
{
    while (from < text.size()) {
        const qsizetype quotes = text.indexOf(QLatin1String("\"\"\""), from);
        if (quotes < 0)
            return -1;
        if (quotes > 0 && text.at(quotes - 1) == QLatin1Char('\\')) {
            from = quotes + 3; // an escaped \"""
            continue;
        }
        return quotes + 3;
    }
    return -1;
}

// The end of a number that starts at `from`, following the lexer's grammar loosely: a
// malformed number is coloured as one and the validation reports it.
qsizetype numberEnd(const QString &text, qsizetype from)
{
    qsizetype end = from;
    if (end < text.size() && text.at(end) == QLatin1Char('-'))
        ++end;
    while (end < text.size()) {
        const QChar c = text.at(end);
        if (isNameContinue(c) || c == QLatin1Char('.')) {
            ++end;
        } else if ((c == QLatin1Char('+') || c == QLatin1Char('-')) && end > from
                   && (text.at(end - 1) == QLatin1Char('e') || text.at(end - 1) == QLatin1Char('E'))) {
            ++end;
        } else {
            break;
        }
    }
    return end;
}

// True when the next token on this line after `from` is ':' (an alias or an argument name).
bool colonFollows(const QString &text, qsizetype from)
{
    while (from < text.size() && (text.at(from) == QLatin1Char(' ') || text.at(from) == QLatin1Char('\t')))
        ++from;
    return from < text.size() && text.at(from) == QLatin1Char(':');
}

} // namespace

GraphqlSyntaxHighlighter::GraphqlSyntaxHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document)
{
    setPalette(QPalette());
}

bool GraphqlSyntaxHighlighter::isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

void GraphqlSyntaxHighlighter::setPalette(const QPalette &palette)
{
    const bool dark = isDark(palette);
    const auto format = [](const QColor &color, bool bold = false, bool italic = false) {
        QTextCharFormat f;
        f.setForeground(color);
        if (bold)
            f.setFontWeight(QFont::Bold);
        f.setFontItalic(italic);
        return f;
    };
    // The light colours have a WCAG contrast ratio of at least 5:1 on white, the dark ones on
    // #1e1e1e (computed from the relative luminance of each pair).
    m_formats[Keyword] = format(dark ? QColor(0xc6, 0x92, 0xea) : QColor(0x7b, 0x1f, 0xa2), true);
    m_formats[Definition] = format(dark ? QColor(0x9c, 0xc4, 0xff) : QColor(0x15, 0x4a, 0xa8), true);
    m_formats[Field] = format(dark ? QColor(0x82, 0xaa, 0xff) : QColor(0x1a, 0x4f, 0x9c));
    m_formats[Alias] = format(dark ? QColor(0x82, 0xaa, 0xff) : QColor(0x1a, 0x4f, 0x9c), false, true);
    m_formats[Argument] = format(dark ? QColor(0xf0, 0x9a, 0xc0) : QColor(0x8e, 0x24, 0x4f));
    m_formats[TypeName] = format(dark ? QColor(0xff, 0xcb, 0x6b) : QColor(0x8a, 0x4b, 0x00));
    m_formats[Variable] = format(dark ? QColor(0xf7, 0x8c, 0x6c) : QColor(0xb7, 0x1c, 0x1c));
    m_formats[Directive] = format(dark ? QColor(0x89, 0xdd, 0xff) : QColor(0x00, 0x69, 0x7c));
    m_formats[EnumValue] = format(dark ? QColor(0xb2, 0xcc, 0xd6) : QColor(0x5d, 0x40, 0x37));
    m_formats[String] = format(dark ? QColor(0xc3, 0xe8, 0x8d) : QColor(0x2e, 0x7d, 0x32));
    m_formats[Number] = format(dark ? QColor(0xf7, 0x8c, 0x6c) : QColor(0xa6, 0x3d, 0x00));
    m_formats[Comment] = format(palette.color(QPalette::PlaceholderText), false, true);
    QTextCharFormat invalid = format(dark ? QColor(0xff, 0x6e, 0x6e) : QColor(0xc6, 0x28, 0x28), true);
    invalid.setUnderlineStyle(QTextCharFormat::WaveUnderline);
    invalid.setUnderlineColor(invalid.foreground().color());
    m_formats[Invalid] = invalid;
    rehighlight();
}

void GraphqlSyntaxHighlighter::highlightBlock(const QString &text)
{
    static const QSet<QString> operationKeywords{QStringLiteral("query"), QStringLiteral("mutation"),
                                                 QStringLiteral("subscription")};
    // Type system keywords: the parser rejects such definitions, but they read as keywords.
    static const QSet<QString> typeSystemKeywords{
        QStringLiteral("schema"), QStringLiteral("type"),      QStringLiteral("interface"),
        QStringLiteral("union"),  QStringLiteral("enum"),      QStringLiteral("input"),
        QStringLiteral("scalar"), QStringLiteral("extend"),    QStringLiteral("directive"),
        QStringLiteral("implements"), QStringLiteral("repeatable")};

    LineState state = LineState::unpack(previousBlockState());
    auto *data = new GraphqlBlockData;
    const qsizetype size = text.size();
    qsizetype pos = 0;
    const auto apply = [this](qsizetype start, qsizetype end, Role role) {
        setFormat(int(start), int(end - start), m_formats[role]);
    };

    if (state.inBlockString) {
        const qsizetype end = blockStringEnd(text, 0);
        apply(0, end < 0 ? size : end, String);
        if (end < 0) {
            setCurrentBlockUserData(data);
            setCurrentBlockState(state.pack());
            return;
        }
        state.inBlockString = false;
        state.previous = Previous::Other;
        pos = end;
    }

    while (pos < size) {
        const QChar c = text.at(pos);
        if (isIgnored(c)) {
            ++pos;
            continue;
        }
        if (c == QLatin1Char('#')) {
            apply(pos, size, Comment);
            break;
        }
        if (text.mid(pos, 3) == QLatin1String("\"\"\"")) {
            const qsizetype end = blockStringEnd(text, pos + 3);
            apply(pos, end < 0 ? size : end, String);
            if (end < 0) {
                state.inBlockString = true;
                break;
            }
            state.previous = Previous::Other;
            pos = end;
            continue;
        }
        if (c == QLatin1Char('"')) {
            qsizetype end = pos + 1;
            bool closed = false;
            while (end < size) {
                const QChar s = text.at(end);
                ++end;
                if (s == QLatin1Char('\\')) {
                    ++end;
                } else if (s == QLatin1Char('"')) {
                    closed = true;
                    break;
                }
            }
            end = qMin(end, size);
            apply(pos, end, String);
            if (!closed)
                apply(end - 1, end, Invalid); // the line ends before the closing quote
            state.previous = Previous::Other;
            pos = end;
            continue;
        }
        if (isDigit(c) || (c == QLatin1Char('-') && pos + 1 < size && isDigit(text.at(pos + 1)))) {
            const qsizetype end = numberEnd(text, pos);
            apply(pos, end, Number);
            state.previous = Previous::Other;
            pos = end;
            continue;
        }

        if (isNameStart(c)) {
            qsizetype end = pos;
            while (end < size && isNameContinue(text.at(end)))
                ++end;
            const QString name = text.mid(pos, end - pos);
            const bool topLevel = state.selectionDepth == 0 && state.valueDepth == 0;
            Role role = Field;
            Previous next = Previous::Other;
            switch (state.previous) {
            case Previous::Dollar:
                role = Variable;
                break;
            case Previous::At:
                role = Directive;
                next = Previous::DirectiveName;
                break;
            case Previous::Spread:
                if (name == QLatin1String("on")) {
                    role = Keyword;
                    next = Previous::On;
                } else {
                    role = Definition;
                }
                break;
            case Previous::On:
                role = TypeName;
                break;
            case Previous::Fragment:
                role = Definition;
                next = Previous::FragmentName;
                break;
            case Previous::FragmentName:
                if (name == QLatin1String("on")) {
                    role = Keyword;
                    next = Previous::On;
                } else {
                    role = TypeName;
                }
                break;
            case Previous::Operation:
                role = Definition;
                break;
            default:
                if (topLevel) {
                    role = Keyword;
                    if (operationKeywords.contains(name))
                        next = Previous::Operation;
                    else if (name == QLatin1String("fragment"))
                        next = Previous::Fragment;
                    else if (!typeSystemKeywords.contains(name))
                        role = Field; // a keyword being typed, or stray text that validation reports
                } else if (state.valueDepth > 0) {
                    const bool variableDefinitions = state.selectionDepth == 0 && !state.directiveArguments;
                    if (variableDefinitions && !state.inDefaultValue)
                        role = TypeName;
                    else if (colonFollows(text, end))
                        role = Argument;
                    else if (name == QLatin1String("true") || name == QLatin1String("false") || name == QLatin1String("null"))
                        role = Keyword;
                    else
                        role = EnumValue;
                } else {
                    role = colonFollows(text, end) ? Alias : Field;
                }
                break;
            }
            apply(pos, end, role);
            state.previous = next;
            pos = end;
            continue;
        }

        Previous next = Previous::Other;
        switch (c.unicode()) {
        case '$':
            apply(pos, pos + 1, Variable);
            next = Previous::Dollar;
            if (state.valueDepth > 0 && state.selectionDepth == 0)
                state.inDefaultValue = false; // the next variable definition
            break;
        case '@':
            apply(pos, pos + 1, Directive);
            next = Previous::At;
            break;
        case ':':
            next = Previous::Colon;
            break;
        case '=':
            if (state.valueDepth > 0 && state.selectionDepth == 0)
                state.inDefaultValue = true;
            break;
        case '!':
        case '|':
        case '&':
            break;
        case '.':
            if (text.mid(pos, 3) == QLatin1String("...")) {
                apply(pos, pos + 3, Keyword);
                state.previous = Previous::Spread;
                pos += 3;
                continue;
            }
            apply(pos, pos + 1, Invalid);
            break;
        case '(':
            if (state.valueDepth == 0 && state.selectionDepth == 0)
                state.directiveArguments = state.previous == Previous::DirectiveName;
            ++state.valueDepth;
            data->brackets.append({int(pos), c});
            break;
        case '[':
            ++state.valueDepth;
            data->brackets.append({int(pos), c});
            break;
        case '{':
            if (state.valueDepth > 0)
                ++state.valueDepth;
            else
                ++state.selectionDepth;
            data->brackets.append({int(pos), c});
            break;
        case ')':
        case ']':
        case '}':
            if (state.valueDepth > 0)
                --state.valueDepth;
            else if (c == QLatin1Char('}') && state.selectionDepth > 0)
                --state.selectionDepth;
            if (state.valueDepth == 0) {
                state.inDefaultValue = false;
                state.directiveArguments = false;
            }
            data->brackets.append({int(pos), c});
            break;
        default: {
            // Anything else is not GraphQL outside strings and comments: non-ASCII letters,
            // stray punctuation. A surrogate pair is one character.
            const qsizetype length = c.isHighSurrogate() && pos + 1 < size && text.at(pos + 1).isLowSurrogate() ? 2 : 1;
            apply(pos, pos + length, Invalid);
            pos += length;
            state.previous = Previous::Other;
            continue;
        }
        }
        state.previous = next;
        ++pos;
    }

    setCurrentBlockUserData(data);
    setCurrentBlockState(state.pack());
}

} // namespace afx::gui
