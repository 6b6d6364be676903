#include "graphql/lexer.h"
#include "graphql/parser.h"

#include <QTest>

using namespace afx::graphql;

namespace {

Document parseOrFail(const QByteArray &source)
{
    ParseError error;
    const std::optional<Document> document = parseDocument(source, &error);
    if (!document) {
        qWarning("%s", qPrintable(error.toString()));
        return {};
    }
    return *document;
}

QString nested(const QString &open, const QString &inner, const QString &close, int depth)
{
    return open.repeated(depth) + inner + close.repeated(depth);
}

} // namespace

class TestGraphql : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shorthandQuery();
    void aliasesAndArguments();
    void variableDefinitions();
    void severalOperations();
    void fragmentsAndDirectives();
    void ignoredTokens();
    void columnsCountCodePoints();
    void stringValues_data();
    void stringValues();
    void literalValues();
    void badInput_data();
    void badInput();
    void hugeDocument();
    void depthLimit();
    void deepListValueDoesNotCrash();
    void lexerContinuesAfterErrors();
    void errorText();
};

void TestGraphql::shorthandQuery()
{
    const Document document = parseOrFail("{ me { sub email } }");
    QCOMPARE(document.operations.size(), 1);
    QCOMPARE(document.fragments.size(), 0);

    const OperationDefinition &operation = document.operations.first();
    QVERIFY(operation.shorthand);
    QCOMPARE(operation.type, OperationDefinition::Type::Query);
    QVERIFY(operation.name.isEmpty());
    QCOMPARE(operation.selectionSet.size(), size_t(1));

    const Selection &me = operation.selectionSet.front();
    QCOMPARE(me.kind, Selection::Kind::Field);
    QCOMPARE(me.name, QStringLiteral("me"));
    QCOMPARE(me.location, (SourceLocation{1, 3}));
    QCOMPARE(me.selectionSet.size(), size_t(2));
    QCOMPARE(me.selectionSet.at(0).name, QStringLiteral("sub"));
    QCOMPARE(me.selectionSet.at(1).name, QStringLiteral("email"));
    QCOMPARE(me.selectionSet.at(1).location, (SourceLocation{1, 12}));
}

void TestGraphql::aliasesAndArguments()
{
    const Document document = parseOrFail(
        "query Pair { first: todos { id } done: setDone(id: \"1\", done: true) { title: id } }");
    QCOMPARE(document.operations.size(), 1);
    const OperationDefinition &operation = document.operations.first();
    QCOMPARE(operation.name, QStringLiteral("Pair"));
    QVERIFY(!operation.shorthand);

    const Selection &first = operation.selectionSet.at(0);
    QCOMPARE(first.alias, QStringLiteral("first"));
    QCOMPARE(first.name, QStringLiteral("todos"));
    QCOMPARE(first.responseKey(), QStringLiteral("first"));

    const Selection &done = operation.selectionSet.at(1);
    QCOMPARE(done.alias, QStringLiteral("done"));
    QCOMPARE(done.name, QStringLiteral("setDone"));
    QCOMPARE(done.arguments.size(), 2);
    QCOMPARE(done.arguments.at(0).name, QStringLiteral("id"));
    QCOMPARE(done.arguments.at(0).value.kind, Value::Kind::String);
    QCOMPARE(done.arguments.at(0).value.text, QStringLiteral("1"));
    QCOMPARE(done.arguments.at(1).name, QStringLiteral("done"));
    QCOMPARE(done.arguments.at(1).value.kind, Value::Kind::Boolean);
    QVERIFY(done.arguments.at(1).value.booleanValue());
    QCOMPARE(done.selectionSet.at(0).responseKey(), QStringLiteral("title"));
    QCOMPARE(done.selectionSet.at(0).name, QStringLiteral("id"));
}

void TestGraphql::variableDefinitions()
{
    const Document document = parseOrFail(
        "mutation Add($title: String!, $tags: [String!] = [\"a\", \"b\"], $flag: Boolean = false @deprecated,"
        " $matrix: [[Int]!]!) { addTodo(title: $title) { id } }");
    const OperationDefinition &operation = document.operations.first();
    QCOMPARE(operation.type, OperationDefinition::Type::Mutation);
    QCOMPARE(operation.variables.size(), 4);

    const VariableDefinition &title = operation.variables.at(0);
    QCOMPARE(title.name, QStringLiteral("title"));
    QCOMPARE(title.type.toString(), QStringLiteral("String!"));
    QCOMPARE(title.type.kind, TypeRef::Kind::NonNull);
    QCOMPARE(title.type.inner().name, QStringLiteral("String"));
    QVERIFY(!title.hasDefaultValue);

    const VariableDefinition &tags = operation.variables.at(1);
    QCOMPARE(tags.type.toString(), QStringLiteral("[String!]"));
    QVERIFY(tags.hasDefaultValue);
    QCOMPARE(tags.defaultValue.kind, Value::Kind::List);
    QCOMPARE(tags.defaultValue.items.size(), size_t(2));
    QCOMPARE(tags.defaultValue.items.at(1).text, QStringLiteral("b"));

    const VariableDefinition &flag = operation.variables.at(2);
    QVERIFY(flag.hasDefaultValue);
    QCOMPARE(flag.defaultValue.kind, Value::Kind::Boolean);
    QVERIFY(!flag.defaultValue.booleanValue());
    QCOMPARE(flag.directives.size(), 1);
    QCOMPARE(flag.directives.first().name, QStringLiteral("deprecated"));

    QCOMPARE(operation.variables.at(3).type.toString(), QStringLiteral("[[Int]!]!"));

    const Argument &argument = operation.selectionSet.front().arguments.first();
    QCOMPARE(argument.value.kind, Value::Kind::Variable);
    QCOMPARE(argument.value.text, QStringLiteral("title"));
}

void TestGraphql::severalOperations()
{
    const Document document = parseOrFail(
        "query First { me { sub } }\n"
        "query Second { todos { id } }\n"
        "mutation Third { addTodo(title: \"x\") { id } }\n"
        "subscription Fourth { ticks }\n"
        "fragment Parts on Todo { id title }\n");
    QCOMPARE(document.operations.size(), 4);
    QCOMPARE(document.operations.at(0).name, QStringLiteral("First"));
    QCOMPARE(document.operations.at(1).name, QStringLiteral("Second"));
    QCOMPARE(document.operations.at(1).location, (SourceLocation{2, 1}));
    QCOMPARE(document.operations.at(2).type, OperationDefinition::Type::Mutation);
    QCOMPARE(document.operations.at(3).type, OperationDefinition::Type::Subscription);
    QCOMPARE(document.fragments.size(), 1);
    QVERIFY(document.fragment(QStringLiteral("Parts")));
    QCOMPARE(document.fragment(QStringLiteral("Parts"))->typeCondition, QStringLiteral("Todo"));
    QVERIFY(!document.fragment(QStringLiteral("Missing")));
}

void TestGraphql::fragmentsAndDirectives()
{
    const Document document = parseOrFail(
        "query Q($withMail: Boolean!) {\n"
        "  me { ...UserParts @include(if: $withMail) }\n"
        "  todos { ... on Todo { id } ... @skip(if: true) { title } }\n"
        "}\n"
        "fragment UserParts on User @cached { email }\n");
    const OperationDefinition &operation = document.operations.first();
    const Selection &spread = operation.selectionSet.at(0).selectionSet.at(0);
    QCOMPARE(spread.kind, Selection::Kind::FragmentSpread);
    QCOMPARE(spread.name, QStringLiteral("UserParts"));
    QCOMPARE(spread.directives.size(), 1);
    QCOMPARE(spread.directives.first().name, QStringLiteral("include"));
    QCOMPARE(spread.directives.first().arguments.first().value.kind, Value::Kind::Variable);
    QCOMPARE(spread.location, (SourceLocation{2, 8}));

    const Selection &typed = operation.selectionSet.at(1).selectionSet.at(0);
    QCOMPARE(typed.kind, Selection::Kind::InlineFragment);
    QCOMPARE(typed.typeCondition, QStringLiteral("Todo"));
    QCOMPARE(typed.selectionSet.front().name, QStringLiteral("id"));

    const Selection &untyped = operation.selectionSet.at(1).selectionSet.at(1);
    QCOMPARE(untyped.kind, Selection::Kind::InlineFragment);
    QVERIFY(untyped.typeCondition.isEmpty());
    QCOMPARE(untyped.directives.first().name, QStringLiteral("skip"));

    const FragmentDefinition &fragment = document.fragments.first();
    QCOMPARE(fragment.name, QStringLiteral("UserParts"));
    QCOMPARE(fragment.typeCondition, QStringLiteral("User"));
    QCOMPARE(fragment.directives.first().name, QStringLiteral("cached"));
    QCOMPARE(fragment.location, (SourceLocation{5, 1}));
}

void TestGraphql::ignoredTokens()
{
    // Byte order mark, comments (also on the last line without a newline), commas and all
    // three line terminators.
    const QByteArray source = "\xEF\xBB\xBF# leading comment\r\n"
                              "{ me ,,, { sub } # trailing comment\r"
                              "  todos { id }\n"
                              "} # no newline at the end";
    const Document document = parseOrFail(source);
    QCOMPARE(document.operations.size(), 1);
    const OperationDefinition &operation = document.operations.first();
    QCOMPARE(operation.selectionSet.size(), size_t(2));
    QCOMPARE(operation.location, (SourceLocation{2, 1}));
    QCOMPARE(operation.selectionSet.at(1).name, QStringLiteral("todos"));
    QCOMPARE(operation.selectionSet.at(1).location, (SourceLocation{3, 3}));
}

void TestGraphql::columnsCountCodePoints()
{
    // "é" is two bytes and "😀" four, but each is one column.
    const Document document = parseOrFail("{ a(x: \"é😀\") b }");
    const Selection &b = document.operations.first().selectionSet.at(1);
    QCOMPARE(b.name, QStringLiteral("b"));
    QCOMPARE(b.location, (SourceLocation{1, 14}));

    ParseError error;
    QVERIFY(!parseDocument("# é😀\n  { a } }", &error));
    QCOMPARE(error.location, (SourceLocation{2, 9}));
}

void TestGraphql::stringValues_data()
{
    QTest::addColumn<QByteArray>("literal");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << QByteArray("\"\"") << QString();
    QTest::newRow("simple escapes") << QByteArray(R"("a\"b\\c\/d\be\ff\ng\rh\ti")")
                                    << QStringLiteral("a\"b\\c/d\be\ff\ng\rh\ti");
    QTest::newRow("unicode escape") << QByteArray(R"("caf\u00e9")") << QStringLiteral("café");
    QTest::newRow("braced unicode escape") << QByteArray(R"("\u{1F600}!")") << QStringLiteral("😀!");
    QTest::newRow("surrogate pair escape") << QByteArray(R"("\uD83D\uDE00")") << QStringLiteral("😀");
    QTest::newRow("raw UTF-8") << QByteArray("\"grüße 😀\"") << QStringLiteral("grüße 😀");
    QTest::newRow("tab allowed") << QByteArray("\"a\tb\"") << QStringLiteral("a\tb");
    QTest::newRow("block string indentation")
        << QByteArray("\"\"\"\n    Hello,\n      World!\n\n    Yours,\n      GraphQL.\n  \"\"\"")
        << QStringLiteral("Hello,\n  World!\n\nYours,\n  GraphQL.");
    QTest::newRow("block string escaped quotes") << QByteArray(R"("""say \""" and \n stays""")")
                                                 << QStringLiteral("say \"\"\" and \\n stays");
    QTest::newRow("block string CRLF") << QByteArray("\"\"\"\r\n  one\r\n  two\r\n\"\"\"") << QStringLiteral("one\ntwo");
    QTest::newRow("block string first line kept") << QByteArray("\"\"\"  first\n    second\"\"\"")
                                                  << QStringLiteral("  first\nsecond");
}

void TestGraphql::stringValues()
{
    QFETCH(QByteArray, literal);
    QFETCH(QString, expected);

    ParseError error;
    const std::optional<Document> document = parseDocument("{ f(s: " + literal + ") }", &error);
    QVERIFY2(document, qPrintable(error.toString()));
    const Value &value = document->operations.first().selectionSet.front().arguments.first().value;
    QCOMPARE(value.kind, Value::Kind::String);
    QCOMPARE(value.text, expected);
}

void TestGraphql::literalValues()
{
    const Document document = parseOrFail(
        "{ f(a: 0, b: -12, c: 1.5, d: -0.25e+3, e: 6E2, g: RED, h: null, i: [1, [2]], "
        "j: {x: 1, y: {z: \"deep\"}}, k: [], l: {}) }");
    const QList<Argument> &arguments = document.operations.first().selectionSet.front().arguments;
    QCOMPARE(arguments.size(), 11);

    QCOMPARE(arguments.at(0).value.kind, Value::Kind::Int);
    QCOMPARE(arguments.at(0).value.text, QStringLiteral("0"));
    QCOMPARE(arguments.at(1).value.kind, Value::Kind::Int);
    QCOMPARE(arguments.at(1).value.text, QStringLiteral("-12"));
    QCOMPARE(arguments.at(2).value.kind, Value::Kind::Float);
    QCOMPARE(arguments.at(3).value.kind, Value::Kind::Float);
    QCOMPARE(arguments.at(3).value.text, QStringLiteral("-0.25e+3"));
    QCOMPARE(arguments.at(4).value.kind, Value::Kind::Float);
    QCOMPARE(arguments.at(5).value.kind, Value::Kind::Enum);
    QCOMPARE(arguments.at(5).value.text, QStringLiteral("RED"));
    QCOMPARE(arguments.at(6).value.kind, Value::Kind::Null);

    const Value &list = arguments.at(7).value;
    QCOMPARE(list.kind, Value::Kind::List);
    QCOMPARE(list.items.size(), size_t(2));
    QCOMPARE(list.items.at(1).kind, Value::Kind::List);
    QCOMPARE(list.items.at(1).items.front().text, QStringLiteral("2"));

    const Value &object = arguments.at(8).value;
    QCOMPARE(object.kind, Value::Kind::Object);
    QCOMPARE(object.fields.size(), size_t(2));
    QCOMPARE(object.fields.at(0).name, QStringLiteral("x"));
    QCOMPARE(object.fields.at(1).value.fields.front().value.text, QStringLiteral("deep"));

    QCOMPARE(arguments.at(9).value.kind, Value::Kind::List);
    QVERIFY(arguments.at(9).value.items.empty());
    QCOMPARE(arguments.at(10).value.kind, Value::Kind::Object);
    QVERIFY(arguments.at(10).value.fields.empty());
}

void TestGraphql::badInput_data()
{
    QTest::addColumn<QByteArray>("source");
    QTest::addColumn<QString>("messagePart");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");

    QTest::newRow("empty document") << QByteArray("") << QStringLiteral("document is empty") << 1 << 1;
    QTest::newRow("only a comment") << QByteArray("# nothing\n") << QStringLiteral("document is empty") << 2 << 1;
    QTest::newRow("truncated selection") << QByteArray("{ me { sub ")
                                         << QStringLiteral("found end of document") << 1 << 12;
    QTest::newRow("extra closing brace") << QByteArray("{ me }\n}")
                                         << QStringLiteral("Expected \"{\", \"query\"") << 2 << 1;
    QTest::newRow("empty selection set") << QByteArray("{ }")
                                         << QStringLiteral("Expected a field, fragment spread or inline fragment, found \"}\"")
                                         << 1 << 3;
    QTest::newRow("unclosed variables") << QByteArray("query Q($a: Int { me }") << QStringLiteral("Expected \"$\", found \"{\"")
                                        << 1 << 17;
    QTest::newRow("missing argument value") << QByteArray("{ f(a: ) }") << QStringLiteral("Expected a value, found \")\"")
                                            << 1 << 8;
    QTest::newRow("empty arguments") << QByteArray("{ f() }") << QStringLiteral("Expected an argument name") << 1 << 5;
    QTest::newRow("alias without name") << QByteArray("{ a: }") << QStringLiteral("a field name after the alias") << 1 << 6;
    QTest::newRow("number as field") << QByteArray("{ 12 }") << QStringLiteral("found Int \"12\"") << 1 << 3;
    QTest::newRow("unterminated string") << QByteArray("{ f(a: \"abc) }") << QStringLiteral("Unterminated string") << 1 << 15;
    QTest::newRow("newline in string") << QByteArray("{ f(a: \"ab\ncd\") }") << QStringLiteral("line ends before the closing quote")
                                       << 1 << 11;
    QTest::newRow("invalid escape") << QByteArray(R"({ f(a: "a\x") })") << QStringLiteral("Invalid escape sequence \"\\x\"")
                                    << 1 << 10;
    QTest::newRow("short unicode escape") << QByteArray(R"({ f(a: "\u12") })") << QStringLiteral("four hex digits") << 1 << 9;
    QTest::newRow("lone high surrogate") << QByteArray(R"({ f(a: "\uD800x") })") << QStringLiteral("high surrogate") << 1 << 9;
    QTest::newRow("lone low surrogate") << QByteArray(R"({ f(a: "\uDC00") })") << QStringLiteral("low surrogate") << 1 << 9;
    QTest::newRow("escape beyond Unicode") << QByteArray(R"({ f(a: "\u{110000}") })") << QStringLiteral("Invalid Unicode escape")
                                           << 1 << 9;
    QTest::newRow("control character in string") << QByteArray("{ f(a: \"a\x01\") }") << QStringLiteral("U+0001") << 1 << 10;
    QTest::newRow("unterminated block string") << QByteArray("{ f(a: \"\"\"abc\n") << QStringLiteral("Unterminated block string")
                                               << 1 << 8;
    QTest::newRow("leading zero") << QByteArray("{ f(a: 012) }") << QStringLiteral("unexpected digit after 0") << 1 << 9;
    QTest::newRow("dot without digits") << QByteArray("{ f(a: 1.) }") << QStringLiteral("expected a digit after \".\"") << 1 << 10;
    QTest::newRow("exponent without digits") << QByteArray("{ f(a: 1e) }") << QStringLiteral("exponent") << 1 << 10;
    QTest::newRow("letter after number") << QByteArray("{ f(a: 12ab) }") << QStringLiteral("unexpected \"a\" after the number")
                                         << 1 << 10;
    QTest::newRow("minus alone") << QByteArray("{ f(a: -x) }") << QStringLiteral("expected a digit after \"-\"") << 1 << 9;
    QTest::newRow("two dots") << QByteArray("{ ..Frag }") << QStringLiteral("a spread is written \"...\"") << 1 << 3;
    QTest::newRow("unexpected character") << QByteArray("{ me? }") << QStringLiteral("Unexpected character \"?\"") << 1 << 5;
    QTest::newRow("non-ASCII name") << QByteArray("{ café }") << QStringLiteral("Unexpected character U+00E9") << 1 << 6;
    QTest::newRow("invalid UTF-8 byte") << QByteArray("{ me \xFF }") << QStringLiteral("byte 0xFF") << 1 << 6;
    QTest::newRow("truncated UTF-8 in string") << QByteArray("{ f(a: \"\xC3\") }") << QStringLiteral("Invalid UTF-8 in a string")
                                               << 1 << 9;
    QTest::newRow("overlong UTF-8") << QByteArray("{ f(a: \"\xC0\xAF\") }") << QStringLiteral("Invalid UTF-8") << 1 << 9;
    QTest::newRow("UTF-8 surrogate") << QByteArray("{ f(a: \"\xED\xA0\x80\") }") << QStringLiteral("Invalid UTF-8") << 1 << 9;
    QTest::newRow("invalid UTF-8 in comment") << QByteArray("# \xFE\n{ a }") << QStringLiteral("Invalid UTF-8 in a comment")
                                              << 1 << 3;
    QTest::newRow("type definition") << QByteArray("type Query { a: Int }") << QStringLiteral("type system definitions") << 1 << 1;
    QTest::newRow("description string") << QByteArray("\"doc\" query { a }") << QStringLiteral("found String \"doc\"") << 1 << 1;
    QTest::newRow("variable in default value") << QByteArray("query ($a: Int = $b) { x }") << QStringLiteral("constant value")
                                               << 1 << 18;
    QTest::newRow("fragment named on") << QByteArray("fragment on on User { id }") << QStringLiteral("needs a name") << 1 << 10;
    QTest::newRow("fragment without type condition") << QByteArray("fragment F { id }") << QStringLiteral("Expected \"on\"") << 1 << 12;
    QTest::newRow("unclosed list type") << QByteArray("query ($a: [Int) { x }") << QStringLiteral("Expected \"]\"") << 1 << 16;
    QTest::newRow("unclosed object value") << QByteArray("{ f(a: {x: 1) }") << QStringLiteral("an object field name") << 1 << 13;
}

void TestGraphql::badInput()
{
    QFETCH(QByteArray, source);
    QFETCH(QString, messagePart);
    QFETCH(int, line);
    QFETCH(int, column);

    ParseError error;
    const std::optional<Document> document = parseDocument(source, &error);
    QVERIFY(!document);
    QVERIFY2(error.message.contains(messagePart), qPrintable(error.message));
    QCOMPARE(error.location.line, line);
    QCOMPARE(error.location.column, column);
}

void TestGraphql::hugeDocument()
{
    // Just above the default limit of 1 MiB: a valid document made long by a comment.
    QByteArray source = "{ me }\n# ";
    source += QByteArray(1024 * 1024, 'x');
    ParseError error;
    QVERIFY(!parseDocument(source, &error));
    QVERIFY2(error.message.contains(QStringLiteral("larger than the limit of 1048576 bytes")), qPrintable(error.message));
    QVERIFY(!error.location.isValid());
    QVERIFY(error.toString().startsWith(QStringLiteral("Syntax error: The document is")));

    // The limit is configurable, and a document at the limit parses.
    ParseOptions options;
    options.maxBytes = 6;
    QVERIFY(parseDocument("{ me }", &error, options));
    QVERIFY(!parseDocument("{ me  }", &error, options));

    // Many fields under the limit parse in one piece.
    QByteArray wide = "{ ";
    for (int i = 0; i < 50000; ++i)
        wide += "f" + QByteArray::number(i) + " ";
    wide += "}";
    const std::optional<Document> document = parseDocument(wide, &error);
    QVERIFY2(document, qPrintable(error.toString()));
    QCOMPARE(document->operations.first().selectionSet.size(), size_t(50000));
}

void TestGraphql::depthLimit()
{
    ParseError error;

    // 64 nested selection sets are accepted, 65 are not.
    const QByteArray atLimit = nested(QStringLiteral("{ a "), QStringLiteral("{ b }"), QStringLiteral(" }"), 63).toUtf8();
    QVERIFY2(parseDocument(atLimit, &error), qPrintable(error.toString()));
    const QByteArray overLimit = nested(QStringLiteral("{ a "), QStringLiteral("{ b }"), QStringLiteral(" }"), 64).toUtf8();
    QVERIFY(!parseDocument(overLimit, &error));
    QVERIFY2(error.message.contains(QStringLiteral("deeper than the limit of 64 levels")), qPrintable(error.message));
    QCOMPARE(error.location, (SourceLocation{1, 257}));

    // List types count too.
    const QByteArray deepType = "query ($a: " + nested(QStringLiteral("["), QStringLiteral("Int"), QStringLiteral("]"), 65).toUtf8()
        + ") { x }";
    QVERIFY(!parseDocument(deepType, &error));
    QVERIFY(error.message.contains(QStringLiteral("deeper than the limit")));

    // A stricter configured limit applies.
    ParseOptions options;
    options.maxDepth = 2;
    QVERIFY(parseDocument("{ a { b } }", &error, options));
    QVERIFY(!parseDocument("{ a { b { c } } }", &error, options));
    QCOMPARE(error.location, (SourceLocation{1, 9}));
}

void TestGraphql::deepListValueDoesNotCrash()
{
    // Far deeper than any stack could take without the limit.
    const int depth = 200000;
    const QByteArray source = "{ f(a: " + QByteArray(depth, '[') + QByteArray(depth, ']') + ") }";
    ParseError error;
    QVERIFY(!parseDocument(source, &error));
    QVERIFY(error.message.contains(QStringLiteral("deeper than the limit")));

    const QByteArray objects = "{ f(a: " + QByteArray("{a:").repeated(depth) + "1" + QByteArray(depth, '}') + ") }";
    QVERIFY(!parseDocument(objects, &error));
    QVERIFY(error.message.contains(QStringLiteral("deeper than the limit")));
}

void TestGraphql::lexerContinuesAfterErrors()
{
    Lexer lexer("{ a ? b \xFF # note\n \"bad\\q\" c }", true);
    QList<TokenKind> kinds;
    QStringList values;
    for (int guard = 0; guard < 50; ++guard) {
        const Token token = lexer.next();
        kinds.append(token.kind);
        values.append(token.value);
        if (token.kind == TokenKind::EndOfDocument)
            break;
    }
    const QList<TokenKind> expected = {
        TokenKind::BraceLeft, TokenKind::Name, TokenKind::Error, TokenKind::Name, TokenKind::Error,
        TokenKind::Comment, TokenKind::Error, TokenKind::Name, TokenKind::BraceRight, TokenKind::EndOfDocument,
    };
    QCOMPARE(kinds, expected);
    QCOMPARE(values.at(5), QStringLiteral(" note"));
    QCOMPARE(values.at(7), QStringLiteral("c"));
}

void TestGraphql::errorText()
{
    ParseError error;
    QVERIFY(!parseDocument("{\n  me {\n}", &error));
    QCOMPARE(error.toString(), QStringLiteral("Syntax error at line 3, column 1: Expected a field, fragment spread or inline "
                                              "fragment, found \"}\"."));
}

QTEST_GUILESS_MAIN(TestGraphql)
#include "tst_graphql.moc"
