#include "graphql/parser.h"

#include "graphql/lexer.h"

#include <QSet>

namespace afx::graphql {

namespace {

// Thrown only inside the parser. parseDocument() turns it into a ParseError.
struct SyntaxError {
    ParseError error;
};

class Parser {
public:
    Parser(QByteArrayView source, const ParseOptions &options)
        : m_lexer(source)
        , m_options(options)
    {
    }

    Document parseDocument()
    {
        advance();
        if (m_token.kind == TokenKind::EndOfDocument)
            fail(QStringLiteral("The document is empty: expected a query, mutation, subscription or fragment."));

        Document document;
        while (m_token.kind != TokenKind::EndOfDocument)
            parseDefinition(document);
        return document;
    }

private:
    // Raises a syntax error at the current token unless a location is given.
    [[noreturn]] void fail(const QString &message, SourceLocation location = {}) const
    {
        throw SyntaxError{ParseError{message, location.isValid() ? location : m_token.location}};
    }

    [[noreturn]] void failUnexpected(const QString &expected) const
    {
        fail(QStringLiteral("Expected %1, found %2.").arg(expected, describeToken(m_token)));
    }

    void advance()
    {
        m_token = m_lexer.next();
        if (m_token.kind == TokenKind::Error)
            fail(m_token.value);
    }

    bool peek(TokenKind kind) const { return m_token.kind == kind; }
    bool peekName(QLatin1String name) const { return m_token.kind == TokenKind::Name && m_token.value == name; }

    // Consumes a token of `kind` or fails naming what was expected.
    Token expect(TokenKind kind)
    {
        if (m_token.kind != kind)
            failUnexpected(tokenKindName(kind));
        Token token = m_token;
        advance();
        return token;
    }

    bool skip(TokenKind kind)
    {
        if (m_token.kind != kind)
            return false;
        advance();
        return true;
    }

    QString expectName(const QString &what = QStringLiteral("a name"))
    {
        if (m_token.kind != TokenKind::Name)
            failUnexpected(what);
        QString name = m_token.value;
        advance();
        return name;
    }

    void expectKeyword(QLatin1String keyword)
    {
        if (!peekName(keyword))
            failUnexpected(QStringLiteral("\"%1\"").arg(keyword));
        advance();
    }

    // Tracks nesting so that deep input fails with a clear error instead of a stack overflow.
    class DepthGuard {
    public:
        explicit DepthGuard(Parser *parser)
            : m_parser(parser)
        {
            if (++m_parser->m_depth > m_parser->m_options.maxDepth)
                m_parser->fail(QStringLiteral("The document nests deeper than the limit of %1 levels "
                                              "(selection sets, lists, input objects and list types count).")
                                   .arg(m_parser->m_options.maxDepth));
        }
        ~DepthGuard() { --m_parser->m_depth; }
        DepthGuard(const DepthGuard &) = delete;
        DepthGuard &operator=(const DepthGuard &) = delete;

    private:
        Parser *m_parser;
    };

    void parseDefinition(Document &document)
    {
        if (peek(TokenKind::BraceLeft)) {
            OperationDefinition operation;
            operation.location = m_token.location;
            operation.shorthand = true;
            operation.selectionSet = parseSelectionSet();
            document.operations.append(std::move(operation));
            return;
        }
        if (peek(TokenKind::Name)) {
            const QString &word = m_token.value;
            if (word == QLatin1String("query") || word == QLatin1String("mutation")
                || word == QLatin1String("subscription")) {
                document.operations.append(parseOperation());
                return;
            }
            if (word == QLatin1String("fragment")) {
                document.fragments.append(parseFragmentDefinition());
                return;
            }
            static const QSet<QString> typeSystemWords = {
                QStringLiteral("schema"), QStringLiteral("scalar"), QStringLiteral("type"),
                QStringLiteral("interface"), QStringLiteral("union"), QStringLiteral("enum"),
                QStringLiteral("input"), QStringLiteral("directive"), QStringLiteral("extend"),
            };
            if (typeSystemWords.contains(word))
                fail(QStringLiteral("Unexpected Name \"%1\": type system definitions are not allowed in an "
                                    "executable document; write a query, mutation, subscription or fragment.")
                         .arg(word));
        }
        failUnexpected(QStringLiteral("\"{\", \"query\", \"mutation\", \"subscription\" or \"fragment\""));
    }

    OperationDefinition parseOperation()
    {
        OperationDefinition operation;
        operation.location = m_token.location;
        const QString keyword = expectName();
        if (keyword == QLatin1String("mutation"))
            operation.type = OperationDefinition::Type::Mutation;
        else if (keyword == QLatin1String("subscription"))
            operation.type = OperationDefinition::Type::Subscription;

        if (peek(TokenKind::Name))
            operation.name = expectName();
        if (peek(TokenKind::ParenLeft))
            operation.variables = parseVariableDefinitions();
        operation.directives = parseDirectives(false);
        operation.selectionSet = parseSelectionSet();
        return operation;
    }

    QList<VariableDefinition> parseVariableDefinitions()
    {
        expect(TokenKind::ParenLeft);
        QList<VariableDefinition> definitions;
        do {
            VariableDefinition definition;
            definition.location = m_token.location;
            expect(TokenKind::Dollar);
            definition.name = expectName(QStringLiteral("a variable name"));
            expect(TokenKind::Colon);
            definition.type = parseType();
            if (skip(TokenKind::Equals)) {
                definition.hasDefaultValue = true;
                definition.defaultValue = parseValue(true);
            }
            definition.directives = parseDirectives(true);
            definitions.append(std::move(definition));
        } while (!peek(TokenKind::ParenRight));
        expect(TokenKind::ParenRight);
        return definitions;
    }

    TypeRef parseType()
    {
        TypeRef type;
        type.location = m_token.location;
        if (skip(TokenKind::BracketLeft)) {
            DepthGuard guard(this);
            type.kind = TypeRef::Kind::List;
            type.ofType.push_back(parseType());
            expect(TokenKind::BracketRight);
        } else {
            type.name = expectName(QStringLiteral("a type name"));
        }
        if (skip(TokenKind::Bang)) {
            TypeRef nonNull;
            nonNull.kind = TypeRef::Kind::NonNull;
            nonNull.location = type.location;
            nonNull.ofType.push_back(std::move(type));
            return nonNull;
        }
        return type;
    }

    std::vector<Selection> parseSelectionSet()
    {
        if (!peek(TokenKind::BraceLeft))
            failUnexpected(QStringLiteral("\"{\""));
        DepthGuard guard(this);
        advance();
        if (peek(TokenKind::BraceRight))
            failUnexpected(QStringLiteral("a field, fragment spread or inline fragment"));

        std::vector<Selection> selections;
        while (!skip(TokenKind::BraceRight))
            selections.push_back(parseSelection());
        return selections;
    }

    Selection parseSelection()
    {
        if (peek(TokenKind::Spread))
            return parseFragment();
        if (!peek(TokenKind::Name))
            failUnexpected(QStringLiteral("a field, fragment spread, inline fragment or \"}\""));

        Selection field;
        field.kind = Selection::Kind::Field;
        field.location = m_token.location;
        const QString nameOrAlias = expectName();
        if (skip(TokenKind::Colon)) {
            field.alias = nameOrAlias;
            field.name = expectName(QStringLiteral("a field name after the alias"));
        } else {
            field.name = nameOrAlias;
        }
        if (peek(TokenKind::ParenLeft))
            field.arguments = parseArguments(false);
        field.directives = parseDirectives(false);
        if (peek(TokenKind::BraceLeft))
            field.selectionSet = parseSelectionSet();
        return field;
    }

    Selection parseFragment()
    {
        Selection selection;
        selection.location = m_token.location;
        expect(TokenKind::Spread);

        if (peek(TokenKind::Name) && !peekName(QLatin1String("on"))) {
            selection.kind = Selection::Kind::FragmentSpread;
            selection.name = expectName();
            selection.directives = parseDirectives(false);
            return selection;
        }

        selection.kind = Selection::Kind::InlineFragment;
        if (peekName(QLatin1String("on"))) {
            advance();
            selection.typeCondition = expectName(QStringLiteral("a type name after \"on\""));
        }
        selection.directives = parseDirectives(false);
        selection.selectionSet = parseSelectionSet();
        return selection;
    }

    FragmentDefinition parseFragmentDefinition()
    {
        FragmentDefinition fragment;
        fragment.location = m_token.location;
        expectKeyword(QLatin1String("fragment"));
        if (peekName(QLatin1String("on")))
            fail(QStringLiteral("Unexpected Name \"on\": a fragment needs a name before its type condition."));
        fragment.name = expectName(QStringLiteral("a fragment name"));
        expectKeyword(QLatin1String("on"));
        fragment.typeCondition = expectName(QStringLiteral("a type name after \"on\""));
        fragment.directives = parseDirectives(false);
        fragment.selectionSet = parseSelectionSet();
        return fragment;
    }

    QList<Argument> parseArguments(bool isConst)
    {
        expect(TokenKind::ParenLeft);
        if (peek(TokenKind::ParenRight))
            failUnexpected(QStringLiteral("an argument name"));
        QList<Argument> arguments;
        while (!skip(TokenKind::ParenRight)) {
            Argument argument;
            argument.location = m_token.location;
            argument.name = expectName(QStringLiteral("an argument name or \")\""));
            expect(TokenKind::Colon);
            argument.value = parseValue(isConst);
            arguments.append(std::move(argument));
        }
        return arguments;
    }

    QList<Directive> parseDirectives(bool isConst)
    {
        QList<Directive> directives;
        while (peek(TokenKind::At)) {
            Directive directive;
            directive.location = m_token.location;
            advance();
            directive.name = expectName(QStringLiteral("a directive name"));
            if (peek(TokenKind::ParenLeft))
                directive.arguments = parseArguments(isConst);
            directives.append(std::move(directive));
        }
        return directives;
    }

    Value parseValue(bool isConst)
    {
        Value value;
        value.location = m_token.location;
        switch (m_token.kind) {
        case TokenKind::Dollar:
            if (isConst)
                fail(QStringLiteral("Unexpected variable in a constant value: default values and variable "
                                    "directives cannot refer to variables."));
            advance();
            value.kind = Value::Kind::Variable;
            value.text = expectName(QStringLiteral("a variable name"));
            return value;
        case TokenKind::Int:
            value.kind = Value::Kind::Int;
            value.text = m_token.value;
            advance();
            return value;
        case TokenKind::Float:
            value.kind = Value::Kind::Float;
            value.text = m_token.value;
            advance();
            return value;
        case TokenKind::String:
        case TokenKind::BlockString:
            value.kind = Value::Kind::String;
            value.text = m_token.value;
            advance();
            return value;
        case TokenKind::Name:
            if (m_token.value == QLatin1String("true") || m_token.value == QLatin1String("false"))
                value.kind = Value::Kind::Boolean;
            else if (m_token.value == QLatin1String("null"))
                value.kind = Value::Kind::Null;
            else
                value.kind = Value::Kind::Enum;
            if (value.kind != Value::Kind::Null)
                value.text = m_token.value;
            advance();
            return value;
        case TokenKind::BracketLeft: {
            DepthGuard guard(this);
            advance();
            value.kind = Value::Kind::List;
            while (!skip(TokenKind::BracketRight))
                value.items.push_back(parseValue(isConst));
            return value;
        }
        case TokenKind::BraceLeft: {
            DepthGuard guard(this);
            advance();
            value.kind = Value::Kind::Object;
            while (!skip(TokenKind::BraceRight)) {
                ObjectField field;
                field.location = m_token.location;
                field.name = expectName(QStringLiteral("an object field name or \"}\""));
                expect(TokenKind::Colon);
                field.value = parseValue(isConst);
                value.fields.push_back(std::move(field));
            }
            return value;
        }
        default:
            failUnexpected(QStringLiteral("a value"));
        }
    }

    Lexer m_lexer;
    ParseOptions m_options;
    Token m_token;
    int m_depth = 0;
};

} // namespace

QString ParseError::toString() const
{
    if (!location.isValid())
        return QStringLiteral("Syntax error: %1").arg(message);
    return QStringLiteral("Syntax error at line %1, column %2: %3").arg(location.line).arg(location.column).arg(message);
}

std::optional<Document> parseDocument(QByteArrayView source, ParseError *error, const ParseOptions &options)
{
    if (source.size() > options.maxBytes) {
        if (error)
            *error = ParseError{QStringLiteral("The document is %1 bytes, larger than the limit of %2 bytes.")
                                    .arg(source.size())
                                    .arg(options.maxBytes),
                                {}};
        return std::nullopt;
    }

    try {
        Parser parser(source, options);
        return parser.parseDocument();
    } catch (const SyntaxError &failure) {
        if (error)
            *error = failure.error;
        return std::nullopt;
    }
}

} // namespace afx::graphql
