#include "graphql/formatter.h"

#include "graphql/lexer.h"
#include "graphql/parser.h"

#include <QList>

#include <algorithm>

namespace afx::graphql {

namespace {

// The construct an opening bracket starts. A '{' inside parentheses, brackets or another object
// value is an object value, and anywhere else it opens a selection set.
enum class Group { SelectionSet, Parentheses, List, ObjectValue };

// The whitespace written before a token, from weakest to strongest.
enum class Separator { None, Space, Comma, Newline, BlankLine };

bool isOpening(TokenKind kind)
{
    return kind == TokenKind::BraceLeft || kind == TokenKind::ParenLeft || kind == TokenKind::BracketLeft;
}

bool isClosing(TokenKind kind)
{
    return kind == TokenKind::BraceRight || kind == TokenKind::ParenRight || kind == TokenKind::BracketRight;
}

bool closes(TokenKind closing, Group group)
{
    switch (closing) {
    case TokenKind::BraceRight:
        return group == Group::SelectionSet || group == Group::ObjectValue;
    case TokenKind::ParenRight:
        return group == Group::Parentheses;
    case TokenKind::BracketRight:
        return group == Group::List;
    default:
        return false;
    }
}

// Tokens that end a value or a type inside parentheses: the next value starts a new item.
bool endsItem(TokenKind kind)
{
    switch (kind) {
    case TokenKind::Name:
    case TokenKind::Int:
    case TokenKind::Float:
    case TokenKind::String:
    case TokenKind::BlockString:
    case TokenKind::Bang:
    case TokenKind::ParenRight:
    case TokenKind::BracketRight:
    case TokenKind::BraceRight:
        return true;
    default:
        return false;
    }
}

bool startsItem(TokenKind kind)
{
    switch (kind) {
    case TokenKind::Name:
    case TokenKind::Int:
    case TokenKind::Float:
    case TokenKind::String:
    case TokenKind::BlockString:
    case TokenKind::Dollar:
    case TokenKind::BracketLeft:
    case TokenKind::BraceLeft:
        return true;
    default:
        return false;
    }
}

bool isOperationKeyword(const QString &name)
{
    return name == QLatin1String("query") || name == QLatin1String("mutation") || name == QLatin1String("subscription");
}

// Line terminators inside a token: only block strings span lines.
int lineBreaks(QByteArrayView raw)
{
    int count = 0;
    for (qsizetype i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\n')
            ++count;
        else if (raw[i] == '\r' && (i + 1 >= raw.size() || raw[i + 1] != '\n'))
            ++count;
    }
    return count;
}

// The location of the first unpaired UTF-16 surrogate, which UTF-8 cannot encode, or an
// invalid location when there is none.
SourceLocation findUnpairedSurrogate(const QString &text)
{
    int line = 1;
    int column = 1;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('\n') || (c == QLatin1Char('\r') && (i + 1 >= text.size() || text.at(i + 1) != QLatin1Char('\n')))) {
            ++line;
            column = 1;
            continue;
        }
        if (c == QLatin1Char('\r'))
            continue; // the '\n' of "\r\n" ends the line
        if (c.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate()) {
            ++i;
        } else if (c.isSurrogate()) {
            return {line, column};
        }
        ++column;
    }
    return {};
}

// Rewrites the token stream with new whitespace. Only ignored tokens (whitespace, line
// terminators and commas) change, so the document means what it meant before.
class Printer {
public:
    explicit Printer(QByteArrayView source)
        : m_source(source)
    {
    }

    std::optional<QString> print(QString *error);

private:
    bool insideValue() const
    {
        return !m_groups.isEmpty() && m_groups.constLast() != Group::SelectionSet;
    }
    Separator separatorBefore(const Token &next, bool closesSelectionSet) const;
    void writeComment(const Token &comment);
    void writeToken(const Token &token);
    void writeSeparator(Separator separator);
    QString rawText(const Token &token) const;

    QByteArrayView m_source;
    QString m_out;
    QList<Group> m_groups;
    // Parallel to m_groups: a comment inside the group broke its line, so its closing bracket
    // goes on a line of its own.
    QList<bool> m_brokenGroups;

    bool m_hasPrevious = false;
    Token m_previous;        // the last token other than a comment
    Token m_beforePrevious;  // the one before it
    bool m_previousOpenedSelectionSet = false;
    bool m_previousStartedDefinition = false; // the first token of a top-level definition
    bool m_previousEndedDefinition = false;   // a '}' that closed a top-level selection set
    qsizetype m_previousEnd = 0;              // index in m_out just after m_previous
    int m_lastLine = 0;                       // source line where the last written token or comment ends
    bool m_afterComment = false;              // a comment was written after m_previous
    bool m_ownLineCommentAfterDefinition = false;
};

QString Printer::rawText(const Token &token) const
{
    QString text = QString::fromUtf8(m_source.sliced(token.offset, token.length));
    if (token.kind == TokenKind::BlockString) {
        // The block string's value treats every line terminator as "\n", so this keeps its value.
        text.replace(QLatin1String("\r\n"), QLatin1String("\n"));
        text.replace(QLatin1Char('\r'), QLatin1Char('\n'));
    }
    return text;
}

Separator Printer::separatorBefore(const Token &next, bool closesSelectionSet) const
{
    if (!m_hasPrevious)
        return Separator::None;
    const TokenKind previous = m_previous.kind;
    const TokenKind kind = next.kind;

    if (isClosing(kind))
        return closesSelectionSet ? Separator::Newline : Separator::None;
    if (m_groups.isEmpty() && m_previousEndedDefinition)
        return Separator::BlankLine;
    if (previous == TokenKind::BraceLeft && m_previousOpenedSelectionSet)
        return Separator::Newline;
    if (isOpening(previous) || previous == TokenKind::Dollar || previous == TokenKind::At)
        return Separator::None;
    if (kind == TokenKind::Colon || kind == TokenKind::Bang)
        return Separator::None;
    if (previous == TokenKind::Colon || previous == TokenKind::Equals || kind == TokenKind::Equals
        || kind == TokenKind::At)
        return Separator::Space;

    if (insideValue()) {
        if (kind == TokenKind::ParenLeft)
            return Separator::None; // a directive's arguments
        if (endsItem(previous) && startsItem(kind))
            return Separator::Comma;
        return Separator::Space;
    }

    // Top level or inside a selection set.
    if (previous == TokenKind::Spread) {
        // "...Fragment", but "... on Type", "... @include" and "... {"
        return kind == TokenKind::Name && next.value != QLatin1String("on") ? Separator::None : Separator::Space;
    }
    if (kind == TokenKind::ParenLeft) {
        // An anonymous operation reads "query ($id: ID)", a named one "query Q($id: ID)", and
        // fields and directives "field(arg: 1)".
        if (m_previousStartedDefinition && isOperationKeyword(m_previous.value))
            return Separator::Space;
        return Separator::None;
    }
    if (kind == TokenKind::BraceLeft)
        return Separator::Space;
    if (m_groups.isEmpty())
        return Separator::Space;

    // Each selection starts a line.
    if (kind == TokenKind::Spread)
        return Separator::Newline;
    if (kind == TokenKind::Name) {
        if (previous == TokenKind::Name && m_previous.value == QLatin1String("on")
            && m_beforePrevious.kind == TokenKind::Spread)
            return Separator::Space; // the type condition of an inline fragment
        if (endsItem(previous))
            return Separator::Newline;
    }
    return Separator::Space;
}

void Printer::writeSeparator(Separator separator)
{
    if (m_out.isEmpty())
        return;
    switch (separator) {
    case Separator::None:
        return;
    case Separator::Space:
        m_out += QLatin1Char(' ');
        return;
    case Separator::Comma:
        m_out += QLatin1String(", ");
        return;
    case Separator::Newline:
    case Separator::BlankLine:
        m_out += separator == Separator::BlankLine ? QLatin1String("\n\n") : QLatin1String("\n");
        m_out += QString(m_groups.size() * 2, QLatin1Char(' '));
        return;
    }
}

void Printer::writeComment(const Token &comment)
{
    QString text = QLatin1Char('#') + comment.value;
    while (text.size() > 1 && text.back().isSpace())
        text.chop(1);

    const bool trailing = !m_out.isEmpty() && comment.location.line == m_lastLine;
    if (trailing) {
        m_out += QLatin1Char(' ') + text;
    } else {
        Separator separator = Separator::Newline;
        const bool afterOpening = m_hasPrevious && !m_afterComment && isOpening(m_previous.kind);
        if (m_groups.isEmpty() && m_previousEndedDefinition && !m_ownLineCommentAfterDefinition)
            separator = Separator::BlankLine;
        else if (comment.location.line - m_lastLine >= 2 && !afterOpening)
            separator = Separator::BlankLine; // keep the author's blank line
        writeSeparator(separator);
        m_out += text;
        if (m_previousEndedDefinition)
            m_ownLineCommentAfterDefinition = true;
    }
    if (insideValue())
        m_brokenGroups.last() = true;
    m_afterComment = true;
    m_lastLine = comment.location.line;
}

void Printer::writeToken(const Token &token)
{
    // Closing brackets leave their group first, so that they line up with the opening line.
    bool closesSelectionSet = false;
    bool closesBrokenGroup = false;
    if (isClosing(token.kind)) {
        qsizetype match = m_groups.size() - 1;
        while (match >= 0 && !closes(token.kind, m_groups.at(match)))
            --match;
        if (match >= 0) {
            closesSelectionSet = m_groups.at(match) == Group::SelectionSet;
            closesBrokenGroup = m_brokenGroups.at(match);
            m_groups.resize(match);
            m_brokenGroups.resize(match);
        } else {
            // An unbalanced closing bracket: format it as if it closed a selection set.
            closesSelectionSet = token.kind == TokenKind::BraceRight;
        }
    }

    Separator separator = separatorBefore(token, closesSelectionSet || closesBrokenGroup);
    if (m_afterComment) {
        // The comment ended the line. A comma between two items goes before the comment.
        if (separator == Separator::Comma)
            m_out.insert(m_previousEnd, QLatin1Char(','));
        if (m_groups.isEmpty() && m_previousEndedDefinition)
            separator = m_ownLineCommentAfterDefinition ? Separator::Newline : Separator::BlankLine;
        else
            separator = std::max(separator, Separator::Newline);
    }
    if (separator == Separator::Newline && !m_groups.isEmpty() && token.location.line - m_lastLine >= 2
        && !(m_previous.kind == TokenKind::BraceLeft && !m_afterComment) && !closesSelectionSet)
        separator = Separator::BlankLine; // keep the author's blank line between selections
    if (m_afterComment && separator == Separator::Newline && m_groups.isEmpty()
        && token.location.line - m_lastLine >= 2)
        separator = Separator::BlankLine; // keep a blank line after a top-level comment

    writeSeparator(separator);
    m_out += rawText(token);

    m_previousStartedDefinition = m_groups.isEmpty() && (!m_hasPrevious || m_previousEndedDefinition);
    m_previousOpenedSelectionSet = false;
    if (isOpening(token.kind)) {
        m_brokenGroups.append(false);
        if (token.kind == TokenKind::ParenLeft) {
            m_groups.append(Group::Parentheses);
        } else if (token.kind == TokenKind::BracketLeft) {
            m_groups.append(Group::List);
        } else if (insideValue()) {
            m_groups.append(Group::ObjectValue);
        } else {
            m_groups.append(Group::SelectionSet);
            m_previousOpenedSelectionSet = true;
        }
    }

    m_previousEndedDefinition = closesSelectionSet && m_groups.isEmpty();
    m_ownLineCommentAfterDefinition = false;
    m_beforePrevious = m_previous;
    m_previous = token;
    m_hasPrevious = true;
    m_previousEnd = m_out.size();
    m_afterComment = false;
    m_lastLine = token.location.line + lineBreaks(m_source.sliced(token.offset, token.length));
}

std::optional<QString> Printer::print(QString *error)
{
    Lexer lexer(m_source, true);
    for (;;) {
        const Token token = lexer.next();
        if (token.kind == TokenKind::EndOfDocument)
            break;
        if (token.kind == TokenKind::Error) {
            if (error)
                *error = ParseError{token.value, token.location}.toString();
            return std::nullopt;
        }
        if (token.kind == TokenKind::Comment)
            writeComment(token);
        else
            writeToken(token);
    }
    return m_out;
}

bool isBlank(const QString &line)
{
    return std::all_of(line.cbegin(), line.cend(), [](QChar c) { return c == QLatin1Char(' ') || c == QLatin1Char('\t'); });
}

qsizetype indentation(const QString &line)
{
    qsizetype indent = 0;
    while (indent < line.size() && (line.at(indent) == QLatin1Char(' ') || line.at(indent) == QLatin1Char('\t')))
        ++indent;
    return indent;
}

} // namespace

std::optional<QString> prettify(const QString &source, QString *error)
{
    const SourceLocation surrogate = findUnpairedSurrogate(source);
    if (surrogate.isValid()) {
        if (error)
            *error = ParseError{QStringLiteral("Invalid character: an unpaired UTF-16 surrogate cannot be encoded "
                                               "as UTF-8. Delete it or replace it with the intended character."),
                                surrogate}
                         .toString();
        return std::nullopt;
    }
    const QByteArray utf8 = source.toUtf8();
    return Printer(utf8).print(error);
}

QStringList toggleLineComments(const QStringList &lines)
{
    bool allCommented = true;
    bool anyCode = false;
    qsizetype minIndent = -1;
    for (const QString &line : lines) {
        if (isBlank(line))
            continue;
        anyCode = true;
        const qsizetype indent = indentation(line);
        if (line.at(indent) != QLatin1Char('#'))
            allCommented = false;
        if (minIndent < 0 || indent < minIndent)
            minIndent = indent;
    }
    if (!anyCode)
        return lines;

    QStringList result;
    result.reserve(lines.size());
    for (QString line : lines) {
        if (!isBlank(line)) {
            if (allCommented) {
                const qsizetype hash = indentation(line);
                const bool spaceAfter = hash + 1 < line.size() && line.at(hash + 1) == QLatin1Char(' ');
                line.remove(hash, spaceAfter ? 2 : 1);
            } else {
                line.insert(minIndent, QLatin1String("# "));
            }
        }
        result.append(line);
    }
    return result;
}

} // namespace afx::graphql
