#include "graphql/completion.h"

#include "graphql/lexer.h"

#include <algorithm>
#include <vector>

namespace afx::graphql {

namespace {

// The position of the online parser inside a frame. Each frame kind uses a few of these steps.
enum class Step {
    Start,              // nothing of the construct read yet after its opening token
    AfterName,          // a name was read: operation, fragment, field, argument, directive, variable
    AfterAlias,         // SelectionSet: "alias:" was read, the field name follows
    AfterOn,            // FragmentHeader, Spread: "on" was read, the type condition follows
    AfterTypeCondition, // FragmentHeader, Spread: the type condition was read
    AfterDollar,        // VariableDefinitions: '$' was read, the variable name follows
    InType,             // VariableDefinitions: reading the variable's type
    InValue,            // Arguments, ObjectValue, ListValue, VariableDefinitions: a value is expected
    AfterValue,         // VariableDefinitions: the default value was read
};

enum class FrameKind {
    Document,
    OperationHeader,     // after "query", "mutation" or "subscription", before '{'
    VariableDefinitions, // inside the operation's '(' ... ')'
    FragmentHeader,      // after "fragment", before '{'
    SelectionSet,
    Spread,              // after "...", until it turns into a selection set or ends
    Directive,           // after '@'
    Arguments,           // inside a field's or directive's '(' ... ')'
    ObjectValue,
    ListValue,
};

struct Frame {
    FrameKind kind = FrameKind::Document;
    Step step = Step::Start;
    // SelectionSet and Spread: the parent type. ObjectValue: the input object type.
    // FragmentHeader: the type condition. Empty when unknown.
    QString typeName;
    // SelectionSet: the field last read. Arguments: the field that owns them. Spread: the
    // fragment name or type condition. Directive: its name. VariableDefinitions: the variable
    // being defined, until it is recorded.
    QString name;
    QString ownerType;                            // Arguments of a field: the field's parent type
    const SchemaField *field = nullptr;           // Arguments of a field
    const SchemaDirective *directive = nullptr;   // Arguments of a directive
    QString location;                             // Directive: such as "FIELD"
    // The type of the value being read in step InValue, or of the items of a ListValue.
    TypeRef valueType;
    bool hasValueType = false;
    bool variablePending = false; // a '$' was read where a value is expected
    bool constant = false;        // inside a default value, where variables are not allowed
    QStringList given;            // Arguments and ObjectValue: the names already written
    std::vector<Token> typeTokens; // VariableDefinitions: the tokens of the type being read
    OperationDefinition::Type operation = OperationDefinition::Type::Query;
};

// The kind of name expected at the current position, with the context needed to list it.
struct Expectation {
    enum class Kind {
        Nothing,
        TopLevel,        // query, mutation, subscription, fragment
        Field,           // a field of `typeName`
        Argument,        // an argument of `field` or `directive`
        InputField,      // a field of the input object `typeName`
        Value,           // a value of `valueType`
        Variable,        // a variable after '$'
        InputType,       // a type in a variable definition
        CompositeType,   // a type condition; `typeName` is the enclosing type, empty for any
        Directive,       // a directive allowed at `location`
        SpreadTarget,    // after "...": a fragment name or "on"
        OnKeyword,       // "on" after a fragment's name
    };

    Kind kind = Kind::Nothing;
    QString typeName;
    QString fieldName;     // Argument of a field: the field's name
    const SchemaField *field = nullptr;
    const SchemaDirective *directive = nullptr;
    TypeRef valueType;
    bool hasValueType = false;
    bool allowVariables = true;
    QString location;
    QStringList given;
    const Token *dollar = nullptr; // Variable: the '$' token
};

// The type of the items of a list value of `type`, or false when `type` is not a list.
bool listItemType(const TypeRef &type, TypeRef *item)
{
    const TypeRef &nullable = type.kind == TypeRef::Kind::NonNull ? type.inner() : type;
    if (nullable.kind != TypeRef::Kind::List)
        return false;
    *item = nullable.inner();
    return true;
}

// Builds a TypeRef from the tokens of a variable's type, such as '[' Name '!' ']'. Tolerates
// missing closing brackets, since the text may be half typed. Lists nested deeper than the
// parser accepts are cut off, which bounds the recursion.
TypeRef typeFromTokens(const std::vector<Token> &tokens, size_t *pos, int depth = 0)
{
    constexpr int maxDepth = 64;
    TypeRef type;
    if (*pos < tokens.size() && tokens[*pos].kind == TokenKind::BracketLeft && depth < maxDepth) {
        ++*pos;
        type.kind = TypeRef::Kind::List;
        type.ofType.push_back(typeFromTokens(tokens, pos, depth + 1));
        if (*pos < tokens.size() && tokens[*pos].kind == TokenKind::BracketRight)
            ++*pos;
    } else if (*pos < tokens.size() && tokens[*pos].kind == TokenKind::Name) {
        type.name = tokens[*pos].value;
        ++*pos;
    }
    if (*pos < tokens.size() && tokens[*pos].kind == TokenKind::Bang) {
        ++*pos;
        TypeRef nonNull;
        nonNull.kind = TypeRef::Kind::NonNull;
        nonNull.ofType.push_back(std::move(type));
        return nonNull;
    }
    return type;
}

bool isOperationKeyword(const QString &name)
{
    return name == QLatin1String("query") || name == QLatin1String("mutation") || name == QLatin1String("subscription");
}

// A tolerant parser that reads tokens one at a time and keeps a stack of the constructs it is
// in, like the "online parser" of GraphiQL's editor support. feed() accepts any token: a token
// that does not fit is skipped or closes the constructs that cannot contain it.
class OnlineParser {
public:
    struct Variable {
        QString name;
        TypeRef type;
    };

    explicit OnlineParser(const Schema *schema)
        : m_schema(schema)
    {
        m_frames.push_back(Frame{});
    }

    void feed(const Token &token)
    {
        // A frame that cannot take the token is closed and the token goes to its parent.
        while (!handle(token)) {
            popFrame();
            if (m_frames.empty())
                m_frames.push_back(Frame{});
        }
    }

    Expectation expectation() const;

    const QList<Variable> &variables() const { return m_variables; }
    QString currentFragment() const { return m_currentFragment; }

private:
    Frame &top() { return m_frames.back(); }

    void push(Frame frame) { m_frames.push_back(std::move(frame)); }

    void popFrame()
    {
        const FrameKind kind = m_frames.back().kind;
        m_frames.pop_back();
        if (m_frames.empty())
            return;
        if (kind == FrameKind::ObjectValue || kind == FrameKind::ListValue)
            valueDone(top());
        else if (kind == FrameKind::SelectionSet && top().kind == FrameKind::SelectionSet)
            top().step = Step::Start;
    }

    // Replaces the top frame, for a construct that turns into another one (a fragment header
    // into its selection set, a directive into its arguments).
    void replaceTop(Frame frame) { m_frames.back() = std::move(frame); }

    static void valueDone(Frame &frame)
    {
        frame.variablePending = false;
        switch (frame.kind) {
        case FrameKind::Arguments:
        case FrameKind::ObjectValue:
            frame.step = Step::Start;
            break;
        case FrameKind::VariableDefinitions:
            frame.step = Step::AfterValue;
            break;
        default:
            break;
        }
    }

    Frame selectionSet(const QString &typeName) const
    {
        Frame frame;
        frame.kind = FrameKind::SelectionSet;
        frame.typeName = typeName;
        return frame;
    }

    Frame directiveFrame(const QString &location) const
    {
        Frame frame;
        frame.kind = FrameKind::Directive;
        frame.location = location;
        return frame;
    }

    QString rootTypeName(OperationDefinition::Type operation) const
    {
        if (!m_schema)
            return {};
        const SchemaType *root = m_schema->rootType(operation);
        return root ? root->name : QString();
    }

    // Consumes a token in a value position. Returns false when the token is not a value.
    bool feedValue(const Token &token)
    {
        Frame &frame = top();
        if (frame.variablePending) {
            if (token.kind == TokenKind::Name) {
                valueDone(frame);
                return true;
            }
            valueDone(frame);
            return false;
        }
        switch (token.kind) {
        case TokenKind::BracketLeft: {
            Frame list;
            list.kind = FrameKind::ListValue;
            list.step = Step::InValue;
            list.constant = frame.constant;
            list.hasValueType = frame.hasValueType && listItemType(frame.valueType, &list.valueType);
            push(std::move(list));
            return true;
        }
        case TokenKind::BraceLeft: {
            Frame object;
            object.kind = FrameKind::ObjectValue;
            object.constant = frame.constant;
            if (frame.hasValueType)
                object.typeName = namedTypeName(frame.valueType);
            push(std::move(object));
            return true;
        }
        case TokenKind::Dollar:
            frame.variablePending = true;
            return true;
        case TokenKind::Name:
        case TokenKind::Int:
        case TokenKind::Float:
        case TokenKind::String:
        case TokenKind::BlockString:
            valueDone(frame);
            return true;
        default:
            return false;
        }
    }

    // Records the variable whose definition the frame is reading, once its type is complete.
    void commitVariable(Frame &frame)
    {
        if (frame.name.isEmpty())
            return;
        size_t pos = 0;
        m_variables.append(Variable{frame.name, typeFromTokens(frame.typeTokens, &pos)});
        frame.valueType = m_variables.constLast().type;
        frame.hasValueType = true;
        frame.name.clear();
    }

    // Returns false when the top frame cannot take the token and must be closed.
    bool handle(const Token &token)
    {
        switch (top().kind) {
        case FrameKind::Document:
            return handleDocument(token);
        case FrameKind::OperationHeader:
            return handleOperationHeader(token);
        case FrameKind::VariableDefinitions:
            return handleVariableDefinitions(token);
        case FrameKind::FragmentHeader:
            return handleFragmentHeader(token);
        case FrameKind::SelectionSet:
            return handleSelectionSet(token);
        case FrameKind::Spread:
            return handleSpread(token);
        case FrameKind::Directive:
            return handleDirective(token);
        case FrameKind::Arguments:
            return handleArguments(token);
        case FrameKind::ObjectValue:
            return handleObjectValue(token);
        case FrameKind::ListValue:
            return handleListValue(token);
        }
        return true;
    }

    bool handleDocument(const Token &token)
    {
        if (token.kind == TokenKind::BraceLeft) {
            m_variables.clear();
            m_currentFragment.clear();
            push(selectionSet(rootTypeName(OperationDefinition::Type::Query)));
        } else if (token.kind == TokenKind::Name && isOperationKeyword(token.value)) {
            m_variables.clear();
            m_currentFragment.clear();
            Frame header;
            header.kind = FrameKind::OperationHeader;
            if (token.value == QLatin1String("mutation"))
                header.operation = OperationDefinition::Type::Mutation;
            else if (token.value == QLatin1String("subscription"))
                header.operation = OperationDefinition::Type::Subscription;
            push(std::move(header));
        } else if (token.kind == TokenKind::Name && token.value == QLatin1String("fragment")) {
            m_variables.clear();
            m_currentFragment.clear();
            Frame header;
            header.kind = FrameKind::FragmentHeader;
            push(std::move(header));
        }
        return true; // anything else is skipped at the top level
    }

    bool handleOperationHeader(const Token &token)
    {
        Frame &frame = top();
        switch (token.kind) {
        case TokenKind::Name:
            if (frame.step != Step::Start)
                return false; // a second name starts the next definition
            frame.step = Step::AfterName;
            return true;
        case TokenKind::ParenLeft: {
            Frame definitions;
            definitions.kind = FrameKind::VariableDefinitions;
            push(std::move(definitions));
            return true;
        }
        case TokenKind::At:
            push(directiveFrame(operationTypeName(frame.operation).toUpper()));
            return true;
        case TokenKind::BraceLeft:
            replaceTop(selectionSet(rootTypeName(frame.operation)));
            return true;
        default:
            return false;
        }
    }

    bool handleVariableDefinitions(const Token &token)
    {
        Frame &frame = top();
        if (frame.step == Step::InValue && feedValue(token))
            return true;
        switch (token.kind) {
        case TokenKind::ParenRight:
            commitVariable(frame);
            m_frames.pop_back(); // back to the operation header, which goes on
            return true;
        case TokenKind::BraceLeft:
        case TokenKind::BraceRight:
            commitVariable(frame);
            return false; // an unclosed '(': the operation's selection set begins
        case TokenKind::Dollar:
            commitVariable(frame);
            frame.step = Step::AfterDollar;
            return true;
        case TokenKind::Name:
            if (frame.step == Step::AfterDollar) {
                frame.name = token.value;
                frame.typeTokens.clear();
                frame.step = Step::AfterName;
            } else if (frame.step == Step::InType) {
                frame.typeTokens.push_back(token);
            }
            return true;
        case TokenKind::Colon:
            if (frame.step == Step::AfterName)
                frame.step = Step::InType;
            return true;
        case TokenKind::BracketLeft:
        case TokenKind::BracketRight:
        case TokenKind::Bang:
            if (frame.step == Step::InType)
                frame.typeTokens.push_back(token);
            return true;
        case TokenKind::Equals:
            commitVariable(frame);
            frame.step = Step::InValue;
            frame.constant = true;
            return true;
        case TokenKind::At:
            commitVariable(frame);
            frame.step = Step::AfterValue;
            push(directiveFrame(QStringLiteral("VARIABLE_DEFINITION")));
            return true;
        default:
            return true;
        }
    }

    bool handleFragmentHeader(const Token &token)
    {
        Frame &frame = top();
        switch (token.kind) {
        case TokenKind::Name:
            if (frame.step == Step::Start && token.value == QLatin1String("on")) {
                frame.step = Step::AfterOn;
            } else if (frame.step == Step::Start) {
                m_currentFragment = token.value;
                frame.step = Step::AfterName;
            } else if (frame.step == Step::AfterName && token.value == QLatin1String("on")) {
                frame.step = Step::AfterOn;
            } else if (frame.step == Step::AfterOn) {
                frame.typeName = token.value;
                frame.step = Step::AfterTypeCondition;
            } else {
                return false;
            }
            return true;
        case TokenKind::At:
            push(directiveFrame(QStringLiteral("FRAGMENT_DEFINITION")));
            return true;
        case TokenKind::BraceLeft:
            replaceTop(selectionSet(frame.typeName));
            return true;
        default:
            return false;
        }
    }

    bool handleSelectionSet(const Token &token)
    {
        Frame &frame = top();
        switch (token.kind) {
        case TokenKind::BraceRight:
            popFrame();
            return true;
        case TokenKind::Name:
            frame.name = token.value;
            frame.step = Step::AfterName;
            return true;
        case TokenKind::Colon:
            if (frame.step == Step::AfterName)
                frame.step = Step::AfterAlias;
            return true;
        case TokenKind::ParenLeft: {
            Frame arguments;
            arguments.kind = FrameKind::Arguments;
            arguments.name = frame.name;
            arguments.ownerType = frame.typeName;
            arguments.field = m_schema ? m_schema->field(frame.typeName, frame.name) : nullptr;
            push(std::move(arguments));
            return true;
        }
        case TokenKind::At:
            push(directiveFrame(QStringLiteral("FIELD")));
            return true;
        case TokenKind::BraceLeft: {
            QString childType;
            if (m_schema && frame.step == Step::AfterName) {
                if (const SchemaField *field = m_schema->field(frame.typeName, frame.name))
                    childType = namedTypeName(field->type);
            }
            push(selectionSet(childType));
            return true;
        }
        case TokenKind::Spread: {
            frame.step = Step::Start;
            Frame spread;
            spread.kind = FrameKind::Spread;
            spread.typeName = frame.typeName;
            push(std::move(spread));
            return true;
        }
        default:
            return true;
        }
    }

    bool handleSpread(const Token &token)
    {
        Frame &frame = top();
        switch (token.kind) {
        case TokenKind::Name:
            if (frame.step == Step::Start) {
                frame.step = token.value == QLatin1String("on") ? Step::AfterOn : Step::AfterName;
                return true;
            }
            if (frame.step == Step::AfterOn) {
                frame.name = token.value;
                frame.step = Step::AfterTypeCondition;
                return true;
            }
            return false; // the next selection
        case TokenKind::At:
            push(directiveFrame(frame.step == Step::AfterName ? QStringLiteral("FRAGMENT_SPREAD")
                                                              : QStringLiteral("INLINE_FRAGMENT")));
            return true;
        case TokenKind::BraceLeft:
            if (frame.step == Step::AfterName)
                return false;
            replaceTop(selectionSet(frame.step == Step::AfterTypeCondition ? frame.name : frame.typeName));
            return true;
        default:
            return false;
        }
    }

    bool handleDirective(const Token &token)
    {
        Frame &frame = top();
        if (frame.step == Step::Start && token.kind == TokenKind::Name) {
            frame.name = token.value;
            frame.directive = m_schema ? m_schema->directive(token.value) : nullptr;
            frame.step = Step::AfterName;
            return true;
        }
        if (frame.step == Step::AfterName && token.kind == TokenKind::ParenLeft) {
            Frame arguments;
            arguments.kind = FrameKind::Arguments;
            arguments.directive = frame.directive;
            arguments.name = frame.name;
            arguments.constant = frame.location == QLatin1String("VARIABLE_DEFINITION");
            replaceTop(std::move(arguments));
            return true;
        }
        return false;
    }

    bool handleArguments(const Token &token)
    {
        Frame &frame = top();
        if (frame.step == Step::InValue && feedValue(token))
            return true;
        switch (token.kind) {
        case TokenKind::ParenRight:
            m_frames.pop_back();
            return true;
        case TokenKind::BraceLeft:
        case TokenKind::BraceRight:
            return false; // an unclosed '('
        case TokenKind::Name:
            if (frame.step == Step::Start) {
                frame.given.append(token.value); // the last one is the argument being written
                frame.step = Step::AfterName;
            }
            return true;
        case TokenKind::Colon:
            if (frame.step == Step::AfterName) {
                const QList<SchemaInputValue> *arguments = frame.field ? &frame.field->arguments
                    : frame.directive                                  ? &frame.directive->arguments
                                                                       : nullptr;
                frame.hasValueType = false;
                if (arguments) {
                    for (const SchemaInputValue &argument : *arguments) {
                        if (argument.name == frame.given.constLast()) {
                            frame.valueType = argument.type;
                            frame.hasValueType = true;
                        }
                    }
                }
                frame.step = Step::InValue;
            }
            return true;
        default:
            return true;
        }
    }

    bool handleObjectValue(const Token &token)
    {
        Frame &frame = top();
        if (frame.step == Step::InValue && feedValue(token))
            return true;
        switch (token.kind) {
        case TokenKind::BraceRight:
            popFrame();
            return true;
        case TokenKind::ParenRight:
        case TokenKind::BracketRight:
            return false;
        case TokenKind::Name:
            if (frame.step == Step::Start) {
                frame.given.append(token.value); // the last one is the field being written
                frame.step = Step::AfterName;
            }
            return true;
        case TokenKind::Colon:
            if (frame.step == Step::AfterName) {
                const SchemaType *inputType = m_schema ? m_schema->type(frame.typeName) : nullptr;
                const SchemaInputValue *field = inputType ? inputType->inputField(frame.given.constLast()) : nullptr;
                frame.hasValueType = field != nullptr;
                if (field)
                    frame.valueType = field->type;
                frame.step = Step::InValue;
            }
            return true;
        default:
            return true;
        }
    }

    bool handleListValue(const Token &token)
    {
        if (feedValue(token))
            return true;
        switch (token.kind) {
        case TokenKind::BracketRight:
            popFrame();
            return true;
        case TokenKind::ParenRight:
        case TokenKind::BraceRight:
            return false;
        default:
            return true;
        }
    }

    const Schema *m_schema;
    std::vector<Frame> m_frames;
    QList<Variable> m_variables;  // defined so far in the current operation
    QString m_currentFragment;    // the fragment being defined, empty in an operation
};

Expectation valueExpectation(const Frame &frame)
{
    Expectation expectation;
    if (frame.variablePending) {
        expectation.kind = frame.constant ? Expectation::Kind::Nothing : Expectation::Kind::Variable;
        return expectation;
    }
    expectation.kind = Expectation::Kind::Value;
    expectation.valueType = frame.valueType;
    expectation.hasValueType = frame.hasValueType;
    expectation.allowVariables = !frame.constant;
    return expectation;
}

Expectation OnlineParser::expectation() const
{
    using Kind = Expectation::Kind;
    Expectation expectation;
    // Walks down the stack the way feed() would close frames for a Name token.
    for (auto it = m_frames.rbegin(); it != m_frames.rend(); ++it) {
        const Frame &frame = *it;
        switch (frame.kind) {
        case FrameKind::Document:
            expectation.kind = Kind::TopLevel;
            return expectation;
        case FrameKind::OperationHeader:
            return expectation; // the operation's own name, or '(', '@' or '{' follows

        case FrameKind::VariableDefinitions:
            if (frame.step == Step::InValue)
                return valueExpectation(frame);
            if (frame.step == Step::InType
                && (frame.typeTokens.empty() || frame.typeTokens.back().kind == TokenKind::BracketLeft))
                expectation.kind = Kind::InputType;
            return expectation;
        case FrameKind::FragmentHeader:
            if (frame.step == Step::AfterName) {
                expectation.kind = Kind::OnKeyword;
            } else if (frame.step == Step::AfterOn) {
                expectation.kind = Kind::CompositeType;
            }
            return expectation; // the fragment's own name, or '@' or '{' follows
        case FrameKind::SelectionSet:
            expectation.kind = Kind::Field;
            expectation.typeName = frame.typeName;
            return expectation;
        case FrameKind::Spread:
            if (frame.step == Step::Start) {
                expectation.kind = Kind::SpreadTarget;
                expectation.typeName = frame.typeName;
                return expectation;
            }
            if (frame.step == Step::AfterOn) {
                expectation.kind = Kind::CompositeType;
                expectation.typeName = frame.typeName;
                return expectation;
            }
            continue;
        case FrameKind::Directive:
            if (frame.step == Step::Start) {
                expectation.kind = Kind::Directive;
                expectation.location = frame.location;
                return expectation;
            }
            continue;
        case FrameKind::Arguments:
            if (frame.step == Step::InValue)
                return valueExpectation(frame);
            if (frame.step == Step::Start) {
                expectation.kind = Kind::Argument;
                expectation.field = frame.field;
                expectation.directive = frame.directive;
                expectation.typeName = frame.field ? frame.ownerType : QString();
                expectation.fieldName = frame.name;
                expectation.given = frame.given;
            }
            return expectation;
        case FrameKind::ObjectValue:
            if (frame.step == Step::InValue)
                return valueExpectation(frame);
            if (frame.step == Step::Start) {
                expectation.kind = Kind::InputField;
                expectation.typeName = frame.typeName;
                expectation.given = frame.given;
            }
            return expectation;
        case FrameKind::ListValue:
            return valueExpectation(frame);
        }
    }
    return expectation;
}

// Lexes UTF-8 text into tokens without comments and errors, up to the end of the document.
std::vector<Token> lexAll(QByteArrayView source)
{
    std::vector<Token> tokens;
    Lexer lexer(source);
    for (;;) {
        Token token = lexer.next();
        if (token.kind == TokenKind::EndOfDocument)
            break;
        if (token.kind != TokenKind::Error)
            tokens.push_back(std::move(token));
    }
    return tokens;
}

struct FragmentInfo {
    QString name;
    QString typeCondition;
};

// The fragments defined anywhere in the document, read from the top level of its tokens.
QList<FragmentInfo> findFragments(const std::vector<Token> &tokens)
{
    QList<FragmentInfo> fragments;
    int depth = 0;
    for (size_t i = 0; i < tokens.size(); ++i) {
        const Token &token = tokens[i];
        if (token.kind == TokenKind::BraceLeft || token.kind == TokenKind::ParenLeft || token.kind == TokenKind::BracketLeft) {
            ++depth;
        } else if (token.kind == TokenKind::BraceRight || token.kind == TokenKind::ParenRight
                   || token.kind == TokenKind::BracketRight) {
            depth = std::max(0, depth - 1);
        } else if (depth == 0 && token.kind == TokenKind::Name && token.value == QLatin1String("fragment")
                   && i + 1 < tokens.size() && tokens[i + 1].kind == TokenKind::Name
                   && tokens[i + 1].value != QLatin1String("on")) {
            FragmentInfo fragment;
            fragment.name = tokens[i + 1].value;
            if (i + 3 < tokens.size() && tokens[i + 2].kind == TokenKind::Name && tokens[i + 2].value == QLatin1String("on")
                && tokens[i + 3].kind == TokenKind::Name)
                fragment.typeCondition = tokens[i + 3].value;
            fragments.append(fragment);
        }
    }
    return fragments;
}

QString argumentSignature(const QList<SchemaInputValue> &arguments)
{
    if (arguments.isEmpty())
        return {};
    QStringList parts;
    for (const SchemaInputValue &argument : arguments)
        parts.append(argument.name + QStringLiteral(": ") + argument.type.toString());
    return QLatin1Char('(') + parts.join(QStringLiteral(", ")) + QLatin1Char(')');
}

CompletionItem makeItem(CompletionItem::Kind kind, const QString &label, const QString &detail = {},
                        const QString &documentation = {}, bool deprecated = false)
{
    CompletionItem item;
    item.kind = kind;
    item.label = label;
    item.insertText = label;
    item.detail = detail;
    item.documentation = documentation;
    item.deprecated = deprecated;
    return item;
}

// Collects the completion items for an expectation, before filtering.
class ItemCollector {
public:
    ItemCollector(const Schema *schema, const OnlineParser &parser, const QList<FragmentInfo> &fragments,
                  bool colonFollows, bool metaTypesWanted)
        : m_schema(schema)
        , m_parser(parser)
        , m_fragments(fragments)
        , m_colonFollows(colonFollows)
        , m_includeMetaTypes(metaTypesWanted)
    {
    }

    QList<CompletionItem> collect(const Expectation &expectation)
    {
        using Kind = Expectation::Kind;
        switch (expectation.kind) {
        case Kind::Nothing:
            break;
        case Kind::TopLevel:
            addTopLevelKeywords();
            break;
        case Kind::Field:
            addFields(expectation.typeName);
            break;
        case Kind::Argument:
            addArguments(expectation);
            break;
        case Kind::InputField:
            addInputFields(expectation);
            break;
        case Kind::Value:
            addValues(expectation);
            break;
        case Kind::Variable:
            addVariables();
            break;
        case Kind::InputType:
            addTypes([](const SchemaType &type) { return type.isInput(); });
            break;
        case Kind::CompositeType:
            addTypes([this, &expectation](const SchemaType &type) {
                if (!type.isComposite())
                    return false;
                const SchemaType *parent = expectation.typeName.isEmpty() ? nullptr : m_schema->type(expectation.typeName);
                return !parent || m_schema->typesOverlap(parent->name, type.name);
            });
            break;
        case Kind::Directive:
            addDirectives(expectation.location);
            break;
        case Kind::SpreadTarget:
            addFragments(expectation.typeName);
            m_items.append(keyword(QStringLiteral("on")));
            break;
        case Kind::OnKeyword:
            m_items.append(keyword(QStringLiteral("on")));
            break;
        }
        return m_items;
    }

private:
    CompletionItem keyword(const QString &word) const
    {
        CompletionItem item = makeItem(CompletionItem::Kind::Keyword, word);
        if (word == QLatin1String("on"))
            item.insertText = QStringLiteral("on ");
        return item;
    }

    // Names a field, argument or input field, adding ": " unless the text already has it.
    QString withColon(const QString &name) const { return m_colonFollows ? name : name + QStringLiteral(": "); }

    void addTopLevelKeywords()
    {
        m_items.append(keyword(QStringLiteral("query")));
        if (!m_schema || !m_schema->mutationType().isEmpty())
            m_items.append(keyword(QStringLiteral("mutation")));
        if (!m_schema || !m_schema->subscriptionType().isEmpty())
            m_items.append(keyword(QStringLiteral("subscription")));
        m_items.append(keyword(QStringLiteral("fragment")));
    }

    void addFields(const QString &typeName)
    {
        if (!m_schema)
            return;
        const SchemaType *type = m_schema->type(typeName);
        if (!type || !type->isComposite())
            return;
        for (const SchemaField &field : type->fields)
            m_items.append(fieldItem(field));
        for (const QString &meta : {QStringLiteral("__typename"), QStringLiteral("__schema"), QStringLiteral("__type")}) {
            if (const SchemaField *field = m_schema->field(typeName, meta))
                m_items.append(fieldItem(*field));
        }
    }

    static CompletionItem fieldItem(const SchemaField &field)
    {
        return makeItem(CompletionItem::Kind::Field, field.name, field.type.toString(), field.description, field.deprecated);
    }

    void addArguments(const Expectation &expectation)
    {
        const QList<SchemaInputValue> *arguments = expectation.field ? &expectation.field->arguments
            : expectation.directive                                  ? &expectation.directive->arguments
                                                                     : nullptr;
        if (!arguments)
            return;
        for (const SchemaInputValue &argument : *arguments) {
            if (expectation.given.contains(argument.name))
                continue;
            CompletionItem item = makeItem(CompletionItem::Kind::Argument, argument.name, argument.type.toString(),
                                           argument.description, argument.deprecated);
            item.insertText = withColon(argument.name);
            m_items.append(item);
        }
    }

    void addInputFields(const Expectation &expectation)
    {
        const SchemaType *type = m_schema ? m_schema->type(expectation.typeName) : nullptr;
        if (!type || type->kind != SchemaType::Kind::InputObject)
            return;
        for (const SchemaInputValue &field : type->inputFields) {
            if (expectation.given.contains(field.name))
                continue;
            CompletionItem item = makeItem(CompletionItem::Kind::InputField, field.name, field.type.toString(),
                                           field.description, field.deprecated);
            item.insertText = withColon(field.name);
            m_items.append(item);
        }
    }

    void addValues(const Expectation &expectation)
    {
        if (m_schema && expectation.hasValueType) {
            // namedType() unwraps lists too: a single value is accepted where a list is expected.
            if (const SchemaType *type = m_schema->namedType(expectation.valueType)) {
                if (type->kind == SchemaType::Kind::Enum) {
                    for (const SchemaEnumValue &value : type->enumValues)
                        m_items.append(makeItem(CompletionItem::Kind::EnumValue, value.name, type->name,
                                                value.description, value.deprecated));
                } else if (type->name == QLatin1String("Boolean")) {
                    m_items.append(makeItem(CompletionItem::Kind::Keyword, QStringLiteral("true"), type->name));
                    m_items.append(makeItem(CompletionItem::Kind::Keyword, QStringLiteral("false"), type->name));
                }
            }
        }
        if (expectation.allowVariables)
            addVariables();
    }

    void addVariables()
    {
        for (const OnlineParser::Variable &variable : m_parser.variables()) {
            const QString label = QLatin1Char('$') + variable.name;
            bool duplicate = false;
            for (const CompletionItem &item : std::as_const(m_items))
                duplicate = duplicate || (item.kind == CompletionItem::Kind::Variable && item.label == label);
            if (!duplicate)
                m_items.append(makeItem(CompletionItem::Kind::Variable, label, variable.type.toString()));
        }
    }

    template<typename Predicate>
    void addTypes(Predicate accepts)
    {
        if (!m_schema)
            return;
        for (const SchemaType &type : m_schema->types()) {
            if (type.name.startsWith(QLatin1String("__")) && !m_includeMetaTypes)
                continue;
            if (accepts(type))
                m_items.append(makeItem(CompletionItem::Kind::Type, type.name, schemaTypeKindName(type.kind), type.description));
        }
    }

    void addDirectives(const QString &location)
    {
        if (!m_schema)
            return;
        for (const SchemaDirective &directive : m_schema->directives()) {
            if (location.isEmpty() || directive.locations.contains(location))
                m_items.append(makeItem(CompletionItem::Kind::Directive, directive.name,
                                        argumentSignature(directive.arguments), directive.description));
        }
    }

    void addFragments(const QString &parentType)
    {
        for (const FragmentInfo &fragment : m_fragments) {
            if (fragment.name == m_parser.currentFragment())
                continue; // a fragment cannot spread itself
            if (m_schema && !parentType.isEmpty() && m_schema->type(parentType) && m_schema->type(fragment.typeCondition)
                && !m_schema->typesOverlap(parentType, fragment.typeCondition))
                continue;
            bool duplicate = false;
            for (const CompletionItem &item : std::as_const(m_items))
                duplicate = duplicate || item.label == fragment.name;
            if (!duplicate)
                m_items.append(makeItem(CompletionItem::Kind::Fragment, fragment.name,
                                        fragment.typeCondition.isEmpty() ? QString() : QStringLiteral("on ") + fragment.typeCondition));
        }
    }

    const Schema *m_schema;
    const OnlineParser &m_parser;
    const QList<FragmentInfo> &m_fragments;
    bool m_colonFollows;
    bool m_includeMetaTypes;
    QList<CompletionItem> m_items;
};

// Keeps the items that match `partial` and sorts them: prefix matches before substring
// matches, deprecated items last, and meta fields such as __typename after the others.
QList<CompletionItem> filterAndSort(const QList<CompletionItem> &items, const QString &partial)
{
    struct Ranked {
        CompletionItem item;
        bool prefix = true;
    };
    std::vector<Ranked> ranked;
    ranked.reserve(size_t(items.size()));
    for (const CompletionItem &item : items) {
        const QString key = item.kind == CompletionItem::Kind::Variable ? item.label.mid(1) : item.label;
        if (partial.isEmpty() || key.startsWith(partial, Qt::CaseInsensitive))
            ranked.push_back(Ranked{item, true});
        else if (key.contains(partial, Qt::CaseInsensitive))
            ranked.push_back(Ranked{item, false});
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked &a, const Ranked &b) {
        if (a.item.deprecated != b.item.deprecated)
            return !a.item.deprecated;
        if (a.prefix != b.prefix)
            return a.prefix;
        const bool aMeta = a.item.label.startsWith(QLatin1String("__"));
        const bool bMeta = b.item.label.startsWith(QLatin1String("__"));
        if (aMeta != bMeta)
            return !aMeta;
        const int order = a.item.label.compare(b.item.label, Qt::CaseInsensitive);
        return order != 0 ? order < 0 : a.item.label < b.item.label;
    });
    QList<CompletionItem> result;
    result.reserve(qsizetype(ranked.size()));
    for (Ranked &entry : ranked)
        result.append(std::move(entry.item));
    return result;
}

// The number of UTF-16 code units in the first `bytes` bytes of `utf8`.
qsizetype utf16Length(QByteArrayView utf8, qsizetype bytes)
{
    return QString::fromUtf8(utf8.first(bytes)).size();
}

bool colonFollows(const QString &source, qsizetype cursor)
{
    for (qsizetype i = cursor; i < source.size(); ++i) {
        const QChar c = source.at(i);
        if (c.isLetterOrNumber() || c == QLatin1Char('_'))
            continue; // the rest of the name under the cursor
        if (c == QLatin1Char(' ') || c == QLatin1Char('\t'))
            continue;
        return c == QLatin1Char(':');
    }
    return false;
}

} // namespace

CompletionResult complete(const QString &source, qsizetype cursor, const Schema *schema)
{
    cursor = std::clamp<qsizetype>(cursor, 0, source.size());
    CompletionResult result;
    result.replaceStart = cursor;

    const QByteArray prefix = source.left(cursor).toUtf8();
    std::vector<Token> tokens;
    Lexer lexer(prefix, true);
    for (;;) {
        Token token = lexer.next();
        if (token.kind == TokenKind::EndOfDocument)
            break;
        tokens.push_back(std::move(token));
    }

    // No completion inside a comment, a string or a number.
    if (!tokens.empty()) {
        const Token &last = tokens.back();
        const bool reachesCursor = last.offset + last.length == prefix.size();
        if (reachesCursor && (last.kind == TokenKind::Comment || last.kind == TokenKind::Int || last.kind == TokenKind::Float))
            return result;
        if (reachesCursor && last.kind == TokenKind::Error && prefix.at(last.offset) == '"')
            return result; // an unterminated string or block string
    }
    std::erase_if(tokens, [](const Token &token) {
        return token.kind == TokenKind::Comment || token.kind == TokenKind::Error;
    });

    QString partial;
    qsizetype replaceByte = prefix.size();
    if (!tokens.empty() && tokens.back().kind == TokenKind::Name
        && tokens.back().offset + tokens.back().length == prefix.size()) {
        partial = tokens.back().value;
        replaceByte = tokens.back().offset;
        tokens.pop_back();
    }

    OnlineParser parser(schema);
    for (const Token &token : tokens)
        parser.feed(token);
    const Expectation expectation = parser.expectation();

    // A variable's '$' is part of the replaced text, since the items insert it.
    if (expectation.kind == Expectation::Kind::Variable && !tokens.empty() && tokens.back().kind == TokenKind::Dollar)
        replaceByte = tokens.back().offset;

    QList<FragmentInfo> fragments;
    if (expectation.kind == Expectation::Kind::SpreadTarget)
        fragments = findFragments(lexAll(source.toUtf8()));

    ItemCollector collector(schema, parser, fragments, colonFollows(source, cursor), partial.startsWith(QLatin1String("__")));
    result.items = filterAndSort(collector.collect(expectation), partial);
    result.replaceStart = utf16Length(prefix, replaceByte);
    result.replaceLength = cursor - result.replaceStart;
    return result;
}

SchemaReference referenceAt(const QString &source, qsizetype cursor, const Schema &schema)
{
    cursor = std::clamp<qsizetype>(cursor, 0, source.size());
    const QByteArray utf8 = source.toUtf8();
    const qsizetype cursorByte = source.left(cursor).toUtf8().size();
    const std::vector<Token> tokens = lexAll(utf8);

    size_t index = tokens.size();
    for (size_t i = 0; i < tokens.size(); ++i) {
        const Token &token = tokens[i];
        if (token.offset > cursorByte)
            break;
        if (token.kind == TokenKind::Name && cursorByte <= token.offset + token.length) {
            index = i;
            break;
        }
    }
    if (index == tokens.size())
        return {};

    OnlineParser parser(&schema);
    for (size_t i = 0; i < index; ++i)
        parser.feed(tokens[i]);
    const Expectation expectation = parser.expectation();
    const QString name = tokens[index].value;

    SchemaReference reference;
    using Kind = Expectation::Kind;
    switch (expectation.kind) {
    case Kind::Field: {
        QString fieldName = name;
        // On an alias, the reference is the aliased field.
        if (index + 2 < tokens.size() && tokens[index + 1].kind == TokenKind::Colon && tokens[index + 2].kind == TokenKind::Name)
            fieldName = tokens[index + 2].value;
        if (schema.field(expectation.typeName, fieldName)) {
            reference.typeName = expectation.typeName;
            reference.fieldName = fieldName;
        }
        break;
    }
    case Kind::Argument:
        if (expectation.field && expectation.field->argument(name)) {
            reference.typeName = expectation.typeName;
            reference.fieldName = expectation.fieldName;
            reference.argumentName = name;
        }
        break;
    case Kind::InputType:
    case Kind::CompositeType:
        if (schema.type(name))
            reference.typeName = name;
        break;
    case Kind::InputField:
        if (const SchemaType *type = schema.type(expectation.typeName); type && type->inputField(name))
            reference.typeName = type->name;
        break;
    case Kind::Value:
        if (const SchemaType *type = expectation.hasValueType ? schema.namedType(expectation.valueType) : nullptr;
            type && type->kind == SchemaType::Kind::Enum) {
            for (const SchemaEnumValue &value : type->enumValues) {
                if (value.name == name)
                    reference.typeName = type->name;
            }
        }
        break;
    case Kind::TopLevel:
        if (isOperationKeyword(name)) {
            const OperationDefinition::Type operation = name == QLatin1String("mutation") ? OperationDefinition::Type::Mutation
                : name == QLatin1String("subscription")                                   ? OperationDefinition::Type::Subscription
                                                                                          : OperationDefinition::Type::Query;
            if (const SchemaType *root = schema.rootType(operation))
                reference.typeName = root->name;
        }
        break;
    default:
        break;
    }
    return reference;
}

} // namespace afx::graphql
