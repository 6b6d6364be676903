#include "graphql/formatter.h"
#include "graphql/lexer.h"
#include "graphql/parser.h"

#include <QTest>

using namespace afx::graphql;

namespace {

// The tokens of a document as "kind:raw text", comments included, so that a test can check that
// prettify changed only whitespace and commas.
QStringList tokenTexts(const QString &source)
{
    const QByteArray utf8 = source.toUtf8();
    Lexer lexer(utf8, true);
    QStringList texts;
    for (;;) {
        const Token token = lexer.next();
        if (token.kind == TokenKind::EndOfDocument)
            break;
        QString raw = QString::fromUtf8(utf8.sliced(token.offset, token.length));
        if (token.kind == TokenKind::Comment)
            raw = raw.trimmed();
        else if (token.kind == TokenKind::BlockString)
            raw = token.value; // prettify may change its line terminators, never its value
        texts << tokenKindName(token.kind) + QLatin1Char(':') + raw;
    }
    return texts;
}

QString prettifyOrFail(const QString &source)
{
    QString error;
    const std::optional<QString> result = prettify(source, &error);
    if (!result) {
        qWarning("%s", qPrintable(error));
        return QStringLiteral("<error>");
    }
    return *result;
}

bool indentationIsEven(const QString &line)
{
    qsizetype spaces = 0;
    while (spaces < line.size() && line.at(spaces) == QLatin1Char(' '))
        ++spaces;
    return spaces % 2 == 0;
}

} // namespace

class TestGraphqlFormatter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void prettifyCases_data();
    void prettifyCases();
    void prettifyIsIdempotent_data();
    void prettifyIsIdempotent();
    void prettifyKeepsTokens_data();
    void prettifyKeepsTokens();
    void prettifyResultParses();
    void blockStringKeptVerbatim();
    void nonAsciiStringsAndComments();
    void invalidInput_data();
    void invalidInput();
    void unpairedSurrogate();
    void largeDocument();
    void deepNesting();
    void toggleComments_data();
    void toggleComments();
    void toggleCommentsTwiceRestores_data();
    void toggleCommentsTwiceRestores();
};

void TestGraphqlFormatter::prettifyCases_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("whitespace only") << QStringLiteral("  \n\t ,, \n") << QString();
    QTest::newRow("shorthand query") << QStringLiteral("{me{id name}}")
                                     << QStringLiteral("{\n  me {\n    id\n    name\n  }\n}");
    QTest::newRow("named query") << QStringLiteral("query   Me { me { id } }")
                                 << QStringLiteral("query Me {\n  me {\n    id\n  }\n}");
    QTest::newRow("commas between fields dropped") << QStringLiteral("{ a, b, c }")
                                                   << QStringLiteral("{\n  a\n  b\n  c\n}");
    QTest::newRow("arguments inline") << QStringLiteral("{ todos(first:10 after :\"x\"){ id } }")
                                      << QStringLiteral("{\n  todos(first: 10, after: \"x\") {\n    id\n  }\n}");
    QTest::newRow("arguments on several lines") << QStringLiteral("{ todo(\n  id: 1\n  done: true\n) { id } }")
                                                << QStringLiteral("{\n  todo(id: 1, done: true) {\n    id\n  }\n}");
    QTest::newRow("variable definitions inline")
        << QStringLiteral("query Q($id:ID!,$n : Int = 5 $tags:[String!]!=[\"a\" \"b\"]){ todo(id:$id){ id } }")
        << QStringLiteral("query Q($id: ID!, $n: Int = 5, $tags: [String!]! = [\"a\", \"b\"]) {\n"
                          "  todo(id: $id) {\n    id\n  }\n}");
    QTest::newRow("anonymous operation with variables") << QStringLiteral("query($id: ID){a}")
                                                        << QStringLiteral("query ($id: ID) {\n  a\n}");
    QTest::newRow("mutation") << QStringLiteral("mutation Add($t:String!){addTodo(title:$t){id}}")
                              << QStringLiteral("mutation Add($t: String!) {\n  addTodo(title: $t) {\n    id\n  }\n}");
    QTest::newRow("alias") << QStringLiteral("{ first : todo(id: 1) { id } second:todo(id:2){id} }")
                           << QStringLiteral("{\n  first: todo(id: 1) {\n    id\n  }\n  second: todo(id: 2) {\n    id\n  }\n}");
    QTest::newRow("object and list values")
        << QStringLiteral("mutation { add(input: {title: \"x\", tags: [\"a\",\"b\"], nested: {deep: [1 2 {x: null}]}}) { id } }")
        << QStringLiteral("mutation {\n  add(input: {title: \"x\", tags: [\"a\", \"b\"], nested: {deep: [1, 2, {x: null}]}}) {\n"
                          "    id\n  }\n}");
    QTest::newRow("enum values and numbers") << QStringLiteral("{ list(order: DESC, ratio: -1.5e3, n: 0) }")
                                             << QStringLiteral("{\n  list(order: DESC, ratio: -1.5e3, n: 0)\n}");
    QTest::newRow("directives") << QStringLiteral("query Q($s: Boolean!) @live { a @include(if: $s) b @skip(if:true) @deprecated c }")
                                << QStringLiteral("query Q($s: Boolean!) @live {\n  a @include(if: $s)\n"
                                                  "  b @skip(if: true) @deprecated\n  c\n}");
    QTest::newRow("variable directive") << QStringLiteral("query ($a: Int = 1 @dir $b: Int) { a }")
                                        << QStringLiteral("query ($a: Int = 1 @dir, $b: Int) {\n  a\n}");
    QTest::newRow("fragment spread") << QStringLiteral("{ me { ...UserParts ... Other @include(if: true) } }")
                                     << QStringLiteral("{\n  me {\n    ...UserParts\n    ...Other @include(if: true)\n  }\n}");
    QTest::newRow("inline fragment") << QStringLiteral("{ node { ...on User { name } ... @skip(if: false) { id } ... { x } } }")
                                     << QStringLiteral("{\n  node {\n    ... on User {\n      name\n    }\n"
                                                       "    ... @skip(if: false) {\n      id\n    }\n"
                                                       "    ... {\n      x\n    }\n  }\n}");
    QTest::newRow("blank line between definitions")
        << QStringLiteral("query A { a } query B { b }\n\n\n\nfragment F on T { f }")
        << QStringLiteral("query A {\n  a\n}\n\nquery B {\n  b\n}\n\nfragment F on T {\n  f\n}");
    QTest::newRow("two shorthand queries") << QStringLiteral("{a}{b}") << QStringLiteral("{\n  a\n}\n\n{\n  b\n}");
    QTest::newRow("empty selection set") << QStringLiteral("query { }") << QStringLiteral("query {\n}");
    QTest::newRow("field named like a keyword") << QStringLiteral("{ query fragment on { on } }")
                                                << QStringLiteral("{\n  query\n  fragment\n  on {\n    on\n  }\n}");
    QTest::newRow("trailing comment") << QStringLiteral("{ a # the id\n b }")
                                      << QStringLiteral("{\n  a # the id\n  b\n}");
    QTest::newRow("comment on its own line") << QStringLiteral("{\n   a\n      # about b\n b }")
                                             << QStringLiteral("{\n  a\n  # about b\n  b\n}");
    QTest::newRow("comment after opening brace") << QStringLiteral("query { # root\n a }")
                                                 << QStringLiteral("query { # root\n  a\n}");
    QTest::newRow("comment before closing brace") << QStringLiteral("{ a\n# last\n}")
                                                  << QStringLiteral("{\n  a\n  # last\n}");
    QTest::newRow("header comment") << QStringLiteral("# Fetches the user\nquery { a }")
                                    << QStringLiteral("# Fetches the user\nquery {\n  a\n}");
    QTest::newRow("header comment and blank line") << QStringLiteral("# License\n\n\nquery { a }")
                                                   << QStringLiteral("# License\n\nquery {\n  a\n}");
    QTest::newRow("comment between definitions") << QStringLiteral("query A { a }\n# about B\nquery B { b }")
                                                 << QStringLiteral("query A {\n  a\n}\n\n# about B\nquery B {\n  b\n}");
    QTest::newRow("comment after definition") << QStringLiteral("query A { a } # end of A\nquery B { b }")
                                              << QStringLiteral("query A {\n  a\n} # end of A\n\nquery B {\n  b\n}");
    QTest::newRow("comment inside arguments")
        << QStringLiteral("{ f(a: 1 # first\n b: 2) }")
        << QStringLiteral("{\n  f(a: 1, # first\n    b: 2\n  )\n}");
    QTest::newRow("comment inside variable definitions")
        << QStringLiteral("query Q(\n  # the id\n  $id: ID\n) { a }")
        << QStringLiteral("query Q(\n  # the id\n  $id: ID\n) {\n  a\n}");
    QTest::newRow("comment trailing spaces removed") << QStringLiteral("{ a #  note   \n}")
                                                     << QStringLiteral("{\n  a #  note\n}");
    QTest::newRow("comment only") << QStringLiteral("  # just a note  ") << QStringLiteral("# just a note");
    QTest::newRow("blank line between selections kept") << QStringLiteral("{\n  a\n\n\n  b\n}")
                                                        << QStringLiteral("{\n  a\n\n  b\n}");
    QTest::newRow("blank line after opening brace dropped") << QStringLiteral("{\n\n  a\n\n}")
                                                            << QStringLiteral("{\n  a\n}");
    QTest::newRow("strings kept verbatim") << QStringLiteral("{ f(s: \"a\\\"b\\u00e9\\n\", t: \"\") }")
                                           << QStringLiteral("{\n  f(s: \"a\\\"b\\u00e9\\n\", t: \"\")\n}");
    QTest::newRow("block string argument") << QStringLiteral("{ f(s: \"\"\"one \\\"\"\" two\"\"\") }")
                                           << QStringLiteral("{\n  f(s: \"\"\"one \\\"\"\" two\"\"\")\n}");
    QTest::newRow("byte order mark") << QStringLiteral("\uFEFF{a}") << QStringLiteral("{\n  a\n}");
    QTest::newRow("crlf line ends") << QStringLiteral("{\r\n  a\r\n  b\r\n}\r\n") << QStringLiteral("{\n  a\n  b\n}");
    QTest::newRow("incomplete document") << QStringLiteral("query { me { id")
                                         << QStringLiteral("query {\n  me {\n    id");
    QTest::newRow("unbalanced closing brace") << QStringLiteral("{ a } }") << QStringLiteral("{\n  a\n}\n}");
    QTest::newRow("deep nesting")
        << QStringLiteral("{a{b{c{d}}}}")
        << QStringLiteral("{\n  a {\n    b {\n      c {\n        d\n      }\n    }\n  }\n}");
}

void TestGraphqlFormatter::prettifyCases()
{
    QFETCH(QString, source);
    QFETCH(QString, expected);

    QString error;
    const std::optional<QString> result = prettify(source, &error);
    QVERIFY2(result, qPrintable(error));
    QCOMPARE(*result, expected);
    QVERIFY(error.isEmpty());
}

void TestGraphqlFormatter::prettifyIsIdempotent_data()
{
    prettifyCases_data();
}

void TestGraphqlFormatter::prettifyIsIdempotent()
{
    QFETCH(QString, source);

    const QString once = prettifyOrFail(source);
    const QString twice = prettifyOrFail(once);
    QCOMPARE(twice, once);
}

void TestGraphqlFormatter::prettifyKeepsTokens_data()
{
    prettifyCases_data();
}

void TestGraphqlFormatter::prettifyKeepsTokens()
{
    QFETCH(QString, source);

    QCOMPARE(tokenTexts(prettifyOrFail(source)), tokenTexts(source));
}

void TestGraphqlFormatter::prettifyResultParses()
{
    const QString source = QStringLiteral(
        "query Todos($first: Int = 10, $filter: TodoFilter) @cached(ttl: 60) {"
        " todos(first: $first, filter: $filter) { edges { node { ...TodoParts ... on Urgent { deadline } } } }"
        " } fragment TodoParts on Todo { id title(format: {case: UPPER, trim: true}) done }"
        " mutation { toggle(id: \"1\") { id } }");
    const QString pretty = prettifyOrFail(source);

    ParseError error;
    const std::optional<Document> before = parseDocument(source.toUtf8(), &error);
    QVERIFY2(before, qPrintable(error.toString()));
    const std::optional<Document> after = parseDocument(pretty.toUtf8(), &error);
    QVERIFY2(after, qPrintable(error.toString()));
    QCOMPARE(after->operations.size(), 2);
    QCOMPARE(after->fragments.size(), 1);
    QCOMPARE(after->operations.first().variables.size(), 2);
    QCOMPARE(after->fragments.first().selectionSet.size(), 3);
    for (const QString &line : pretty.split(QLatin1Char('\n'))) {
        QVERIFY2(!line.endsWith(QLatin1Char(' ')), qPrintable(line));
        QVERIFY2(indentationIsEven(line), qPrintable(line));
    }
}

void TestGraphqlFormatter::blockStringKeptVerbatim()
{
    const QString source = QStringLiteral("mutation { post(body: \"\"\"\n    First line\n      indented\n    \"quoted\" \\\"\"\"\n    \"\"\") { id } }");
    const QString pretty = prettifyOrFail(source);
    QCOMPARE(pretty, QStringLiteral("mutation {\n  post(body: \"\"\"\n    First line\n      indented\n    \"quoted\" \\\"\"\"\n    \"\"\") {\n    id\n  }\n}"));
    QCOMPARE(prettifyOrFail(pretty), pretty);

    // A block string spans lines: a comment after it still trails the same token.
    const QString withComment = QStringLiteral("{ f(s: \"\"\"a\nb\"\"\") # note\n g }");
    QCOMPARE(prettifyOrFail(withComment), QStringLiteral("{\n  f(s: \"\"\"a\nb\"\"\") # note\n  g\n}"));
}

void TestGraphqlFormatter::nonAsciiStringsAndComments()
{
    const QString source = QStringLiteral("# Ünïcödé header 日本語 🚀\n{ search(q: \"café 日本 🚀\", note: \"\"\"naïve\n ÷\"\"\") { title # タイトル 😀\n id } }");
    const QString pretty = prettifyOrFail(source);
    QCOMPARE(pretty, QStringLiteral("# Ünïcödé header 日本語 🚀\n{\n  search(q: \"café 日本 🚀\", note: \"\"\"naïve\n ÷\"\"\") {\n"
                                    "    title # タイトル 😀\n    id\n  }\n}"));
    QCOMPARE(prettifyOrFail(pretty), pretty);
    QCOMPARE(tokenTexts(pretty), tokenTexts(source));
}

void TestGraphqlFormatter::invalidInput_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("expectedError");

    QTest::newRow("unterminated string")
        << QStringLiteral("{\n  f(s: \"abc\n}")
        << QStringLiteral("Syntax error at line 2, column 12: Unterminated string: a line ends before the closing quote.");
    QTest::newRow("unterminated block string")
        << QStringLiteral("{ f(s: \"\"\"abc }")
        << QStringLiteral("Syntax error at line 1, column 8: Unterminated block string: the document ends before the closing \"\"\".");
    QTest::newRow("unexpected character")
        << QStringLiteral("{\n  a\n  b%\n}")
        << QStringLiteral("Syntax error at line 3, column 4: Unexpected character \"%\".");
    QTest::newRow("non-ascii name counted in code points")
        << QStringLiteral("{ café }")
        << QStringLiteral("Syntax error at line 1, column 6: Unexpected character U+00E9.");
    QTest::newRow("emoji before error")
        << QStringLiteral("# 🚀🚀\n{ \"🚀\" ?")
        << QStringLiteral("Syntax error at line 2, column 7: Unexpected character \"?\".");
    QTest::newRow("two dots")
        << QStringLiteral("{ ..Frag }")
        << QStringLiteral("Syntax error at line 1, column 3: Unexpected \"..\": a spread is written \"...\".");
    QTest::newRow("bad number")
        << QStringLiteral("{ f(n: 01) }")
        << QStringLiteral("Syntax error at line 1, column 9: Invalid number: unexpected digit after 0.");
    QTest::newRow("bad escape")
        << QStringLiteral("{ f(s: \"\\q\") }")
        << QStringLiteral("Syntax error at line 1, column 9: Invalid escape sequence \"\\q\" in a string.");
    QTest::newRow("control character in string")
        << QStringLiteral("{ f(s: \"a\u0001\") }")
        << QStringLiteral("Syntax error at line 1, column 10: Invalid character U+0001 in a string; escape it.");
}

void TestGraphqlFormatter::invalidInput()
{
    QFETCH(QString, source);
    QFETCH(QString, expectedError);

    QString error;
    QVERIFY(!prettify(source, &error));
    QCOMPARE(error, expectedError);
    // A null error pointer is allowed.
    QVERIFY(!prettify(source, nullptr));
}

void TestGraphqlFormatter::unpairedSurrogate()
{
    QString source = QStringLiteral("{\n  a # x");
    source += QChar(0xD800);
    source += QStringLiteral("\n}");
    QString error;
    QVERIFY(!prettify(source, &error));
    QVERIFY2(error.startsWith(QStringLiteral("Syntax error at line 2, column 8: Invalid character: an unpaired")), qPrintable(error));
}

void TestGraphqlFormatter::largeDocument()
{
    QString source = QStringLiteral("query Big {");
    for (int i = 0; i < 20000; ++i)
        source += QStringLiteral(" f%1(a: %1) { id }").arg(i);
    source += QLatin1Char('}');

    const QString pretty = prettifyOrFail(source);
    QCOMPARE(pretty.count(QLatin1Char('\n')), 1 + 20000 * 3);
    QVERIFY(pretty.contains(QStringLiteral("\n  f19999(a: 19999) {\n    id\n  }\n}")));
    QCOMPARE(prettifyOrFail(pretty), pretty);
}

void TestGraphqlFormatter::deepNesting()
{
    // No recursion: a nesting depth far beyond the parser's limit is formatted, not rejected.
    const int depth = 500;
    const QString source = QStringLiteral("{a").repeated(depth) + QStringLiteral("}").repeated(depth);
    const QString pretty = prettifyOrFail(source);
    QVERIFY(pretty.endsWith(QStringLiteral("\n}")));
    QCOMPARE(pretty.count(QLatin1Char('\n')), 2 * depth);
}

void TestGraphqlFormatter::toggleComments_data()
{
    QTest::addColumn<QStringList>("lines");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("comment one line") << QStringList{QStringLiteral("  id")} << QStringList{QStringLiteral("  # id")};
    QTest::newRow("uncomment one line") << QStringList{QStringLiteral("  # id")} << QStringList{QStringLiteral("  id")};
    QTest::newRow("uncomment without space") << QStringList{QStringLiteral("  #id")} << QStringList{QStringLiteral("  id")};
    QTest::newRow("uncomment keeps extra spaces") << QStringList{QStringLiteral("#   id")} << QStringList{QStringLiteral("  id")};
    QTest::newRow("comment at the smallest indentation")
        << QStringList{QStringLiteral("  me {"), QStringLiteral("    id"), QStringLiteral("  }")}
        << QStringList{QStringLiteral("  # me {"), QStringLiteral("  #   id"), QStringLiteral("  # }")};
    QTest::newRow("mixed lines get commented")
        << QStringList{QStringLiteral("# a"), QStringLiteral("b")}
        << QStringList{QStringLiteral("# # a"), QStringLiteral("# b")};
    QTest::newRow("uncomment at different depths")
        << QStringList{QStringLiteral("  # me {"), QStringLiteral("    # id"), QStringLiteral("  # }")}
        << QStringList{QStringLiteral("  me {"), QStringLiteral("    id"), QStringLiteral("  }")};
    QTest::newRow("blank lines untouched")
        << QStringList{QStringLiteral("a"), QString(), QStringLiteral("   "), QStringLiteral("b")}
        << QStringList{QStringLiteral("# a"), QString(), QStringLiteral("   "), QStringLiteral("# b")};
    QTest::newRow("only blank lines") << QStringList{QString(), QStringLiteral("  ")} << QStringList{QString(), QStringLiteral("  ")};
    QTest::newRow("no lines") << QStringList() << QStringList();
    QTest::newRow("tabs as indentation") << QStringList{QStringLiteral("\tid")} << QStringList{QStringLiteral("\t# id")};
    QTest::newRow("non-ascii") << QStringList{QStringLiteral("  f(s: \"日本\") # 🚀")}
                               << QStringList{QStringLiteral("  # f(s: \"日本\") # 🚀")};
    QTest::newRow("hash inside a line is not a comment start")
        << QStringList{QStringLiteral("f(s: \"#\")")} << QStringList{QStringLiteral("# f(s: \"#\")")};
}

void TestGraphqlFormatter::toggleComments()
{
    QFETCH(QStringList, lines);
    QFETCH(QStringList, expected);

    QCOMPARE(toggleLineComments(lines), expected);
}

void TestGraphqlFormatter::toggleCommentsTwiceRestores_data()
{
    QTest::addColumn<QStringList>("lines");

    QTest::newRow("selection") << QStringList{QStringLiteral("query {"), QStringLiteral("  me {"), QStringLiteral("    id"),
                                              QString(), QStringLiteral("  }"), QStringLiteral("}")};
    QTest::newRow("indented") << QStringList{QStringLiteral("    a"), QStringLiteral("      b")};
    QTest::newRow("already a comment") << QStringList{QStringLiteral("a"), QStringLiteral("# b")};
}

void TestGraphqlFormatter::toggleCommentsTwiceRestores()
{
    QFETCH(QStringList, lines);

    const QStringList commented = toggleLineComments(lines);
    QVERIFY(commented != lines);
    QCOMPARE(toggleLineComments(commented), lines);
}

QTEST_GUILESS_MAIN(TestGraphqlFormatter)
#include "tst_graphqlformatter.moc"
