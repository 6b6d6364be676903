#pragma once

#include "graphql/ast.h"

#include <QByteArrayView>
#include <QString>

namespace afx::graphql {

enum class TokenKind {
    EndOfDocument,
    Bang,        // !
    Dollar,      // $
    Ampersand,   // &
    ParenLeft,   // (
    ParenRight,  // )
    Spread,      // ...
    Colon,       // :
    Equals,      // =
    At,          // @
    BracketLeft, // [
    BracketRight,// ]
    BraceLeft,   // {
    Pipe,        // |
    BraceRight,  // }
    Name,
    Int,
    Float,
    String,
    BlockString,
    Comment,     // only returned when the lexer is created with keepComments
    Error,       // invalid input, with the message in `value`
};

struct Token {
    TokenKind kind = TokenKind::EndOfDocument;
    qsizetype offset = 0;   // byte offset of the first byte in the UTF-8 source
    qsizetype length = 0;   // length in bytes
    SourceLocation location;
    // Name: the name. Int, Float: the literal. String, BlockString: the decoded value.
    // Comment: the text after '#'. Error: the message. Empty for punctuators.
    QString value;
};

// A short description of a token for error messages, for example `"}"`, `Name "query"`
// or `end of document`.
QString describeToken(const Token &token);
QString tokenKindName(TokenKind kind);

// Splits UTF-8 GraphQL source text into tokens (GraphQL spec, October 2021, section 2.1).
// Whitespace, line terminators, commas and the byte order mark are skipped. Invalid input
// yields an Error token and the lexer moves past the offending bytes, so a syntax
// highlighter can keep going. The parser stops at the first Error token.
class Lexer {
public:
    explicit Lexer(QByteArrayView source, bool keepComments = false);

    Token next();
    bool atEnd() const { return m_pos >= m_source.size(); }

private:
    void skipIgnored();
    Token readComment();
    Token readName();
    Token readNumber();
    Token readString();
    Token readBlockString();
    Token makeToken(TokenKind kind, qsizetype start, SourceLocation location, QString value = {}) const;
    Token makeError(qsizetype start, SourceLocation location, const QString &message) const;

    // Decodes the code point at `pos`. Returns its byte length, or 0 for an invalid,
    // overlong, surrogate or truncated UTF-8 sequence.
    int decodeAt(qsizetype pos, char32_t *codePoint) const;
    // Moves past one code point that is not a line terminator.
    void advance(int bytes);
    // Moves past a line terminator (\n, \r\n or \r) at the current position.
    void advanceLine();
    SourceLocation here() const { return {m_line, m_column}; }

    QByteArrayView m_source;
    qsizetype m_pos = 0;
    int m_line = 1;
    int m_column = 1;
    bool m_keepComments = false;
};

// "U+00E9" style name of a code point, used in error messages.
QString codePointName(char32_t codePoint);

} // namespace afx::graphql
