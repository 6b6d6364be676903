#include "graphql/diagnostics.h"
#include "graphql/parser.h"
#include "graphql/variables.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace afx::graphql;

namespace {

Schema loadSchema(const QString &fixture)
{
    QFile file(QStringLiteral(AFX_TEST_DATA_DIR "/graphql/") + fixture);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(file.fileName()));
    QString error;
    std::optional<Schema> schema = Schema::fromIntrospection(file.readAll(), &error);
    if (!schema)
        qFatal("%s", qPrintable(error));
    return *schema;
}

const Schema &todoSchema()
{
    static const Schema schema = loadSchema(QStringLiteral("introspection-todo.json"));
    return schema;
}

QString describe(const QList<Diagnostic> &diagnostics)
{
    QStringList lines;
    for (const Diagnostic &diagnostic : diagnostics)
        lines.append(QStringLiteral("%1:%2+%3 [%4] %5")
                         .arg(diagnostic.location.line)
                         .arg(diagnostic.location.column)
                         .arg(diagnostic.length)
                         .arg(diagnostic.specSection, diagnostic.message));
    return lines.join(QLatin1Char('\n'));
}

Document parseOrFail(const QByteArray &source)
{
    ParseError error;
    std::optional<Document> document = parseDocument(source, &error);
    if (!document)
        qFatal("%s", qPrintable(error.toString()));
    return *document;
}

OperationDefinition operationOf(const QByteArray &source)
{
    return parseOrFail(source).operations.first();
}

QStringList messages(const QList<VariableProblem> &problems)
{
    QStringList list;
    for (const VariableProblem &problem : problems)
        list.append((problem.warning ? QStringLiteral("warning: ") : QString()) + problem.message);
    return list;
}

QJsonObject json(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON %s: %s", text.constData(), qPrintable(error.errorString()));
    return document.object();
}

// Runs tests/data/graphql/make-fixtures.mjs, which uses graphql-js. Returns its
// standard output, or nullopt with *skipReason set when Node.js or graphql-js is missing.
std::optional<QByteArray> runGraphqlJs(const QStringList &arguments, QString *skipReason)
{
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty()) {
        *skipReason = QStringLiteral("Node.js is not installed");
        return std::nullopt;
    }
    if (!QFileInfo::exists(QStringLiteral(AFX_SOURCE_DIR "/tests/interop/node_modules/graphql/package.json"))) {
        *skipReason = QStringLiteral("graphql-js is not installed: run npm ci in tests/interop");
        return std::nullopt;
    }
    QProcess process;
    process.start(node, QStringList{QStringLiteral(AFX_SOURCE_DIR "/tests/data/graphql/make-fixtures.mjs")} + arguments);
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning("make-fixtures.mjs failed: %s", process.readAllStandardError().constData());
        return QByteArray();
    }
    return process.readAllStandardOutput();
}

// One problem per case: a document that triggers it, and where checkDocument() places it.
struct RuleCase {
    const char *name;
    QByteArray source;
    const char *section;
    QString message;
    int line;
    int column;
    int length;
    int count;    // diagnostics in all, -1 to leave unchecked
    bool warning;
};

QList<RuleCase> ruleCases()
{
    QList<RuleCase> cases;
    const auto row = [&cases](const char *name, const QByteArray &source, const char *section, const QString &message,
                              int line, int column, int length, int count = 1, bool warning = false) {
        cases.append(RuleCase{name, source, section, message, line, column, length, count, warning});
    };

    row("unknown field", "{ todos { titel } }", "5.3.1 Field Selections",
        QStringLiteral("Cannot query field \"titel\" on type \"Todo\". Did you mean \"title\" or \"notes\"?"), 1, 11, 5);
    row("unknown field after alias", "{ todos { name:titel } }", "5.3.1 Field Selections",
        QStringLiteral("Cannot query field \"titel\" on type \"Todo\"."), 1, 16, 5);
    row("unknown field on root", "{\n  mee { id }\n}", "5.3.1 Field Selections",
        QStringLiteral("Cannot query field \"mee\" on type \"Query\". Did you mean \"me\"?"), 2, 3, 3);
    row("field of an implementation", "{ entries { done } }", "5.3.1 Field Selections",
        QStringLiteral("Cannot query field \"done\" on type \"Entry\". Select it in an inline fragment such as "
                       "\"... on Todo { done }\"."),
        1, 13, 4);
    row("field on a union", "{ search(text: \"a\") { id } }", "5.3.1 Field Selections",
        QStringLiteral("such as \"... on Todo { id }\" (also possible on User and Tag)."), 1, 23, 2);
    row("leaf with selection", "{ todos { title { length } } }", "5.3.3 Leaf Field Selections",
        QStringLiteral("Field \"title\" returns \"String!\" (SCALAR), which has no fields. Remove the selection set after it."),
        1, 11, 5);
    row("object without selection", "{ me }", "5.3.3 Leaf Field Selections",
        QStringLiteral("Field \"me\" returns \"User!\", so it needs a selection of subfields, such as \"me { id }\"."), 1, 3, 2);
    row("merge different fields", "{ me { name: email name } }", "5.3.2 Field Selection Merging",
        QStringLiteral("The response name \"name\" is used twice, but \"email\" and \"name\" are different fields (the "
                       "other one is on line 1). Give one of them a different alias."),
        1, 20, 4);
    row("merge different arguments", "{ todos(first: 1) { id }\n  todos(first: 2) { id } }", "5.3.2 Field Selection Merging",
        QStringLiteral("the two \"todos\" fields have different arguments"), 2, 3, 5);
    row("merge through fragment", "{ me { name ... on User { name: email } } }", "5.3.2 Field Selection Merging",
        QStringLiteral("\"name\" and \"email\" are different fields"), 1, 27, 4);
    row("merge with a fragment spread", "{ me { ...F name: email } } fragment F on User { name }", "5.3.2 Field Selection Merging",
        QStringLiteral("\"name\" and \"email\" are different fields (the other one is on line 1)"), 1, 13, 4);
    row("unknown argument", "{ todos(frist: 1) { id } }", "5.4.1 Argument Names",
        QStringLiteral("Unknown argument \"frist\" on field \"todos\". Did you mean \"first\"?"), 1, 9, 5);
    row("unknown argument without match", "{ me(limit: 1) { id } }", "5.4.1 Argument Names",
        QStringLiteral("Unknown argument \"limit\" on field \"me\". It takes no arguments."), 1, 6, 5);
    row("unknown directive argument", "{ me @include(iff: true) { id } }", "5.4.1 Argument Names",
        QStringLiteral("Unknown argument \"iff\" on directive \"@include\". Did you mean \"if\"?"), 1, 15, 3, 2);
    row("duplicate argument", "{ todos(first: 1, first: 2) { id } }", "5.4.2 Argument Uniqueness",
        QStringLiteral("Argument \"first\" is given twice. Remove one of them."), 1, 19, 5);
    row("required argument", "{ todo { id } }", "5.4.2.1 Required Arguments",
        QStringLiteral("Field \"todo\" needs the argument \"id\" of type \"ID!\". Add it, for example \"todo(id: …)\"."), 1, 3, 4);
    row("required argument after alias", "{ one: todo { id } }", "5.4.2.1 Required Arguments",
        QStringLiteral("Field \"todo\" needs the argument \"id\""), 1, 8, 4);
    row("required directive argument", "{ me @include { id } }", "5.4.2.1 Required Arguments",
        QStringLiteral("Directive \"@include\" needs the argument \"if\" of type \"Boolean!\". Add it."), 1, 6, 8);
    row("operation name twice", "query A { me { id } } query A { todos { id } }", "5.2.1.1 Operation Name Uniqueness",
        QStringLiteral("There is already an operation named \"A\". Rename one of them."), 1, 29, 1);
    row("anonymous among others", "{ me { id } } query B { me { id } }", "5.2.2.1 Lone Anonymous Operation",
        QStringLiteral("This operation has no name, but the document has 2 operations."), 1, 1, 1);
    row("subscription with two fields", "subscription S { todoChanged { id } __typename }", "5.2.3.1 Single root field",
        QStringLiteral("A subscription must select exactly one top-level field, but subscription \"S\" selects 2: "
                       "todoChanged and __typename."),
        1, 1, 12);
    row("fragment name twice", "{ me { ...F } } fragment F on User { id } fragment F on User { name }",
        "5.5.1.1 Fragment Name Uniqueness", QStringLiteral("There is already a fragment named \"F\"."), 1, 52, 1);
    row("fragment on unknown type", "{ me { ...F } } fragment F on Usr { id }", "5.5.1.2 Fragment Spread Type Existence",
        QStringLiteral("Unknown type \"Usr\" in the type condition of fragment \"F\". Did you mean \"User\"?"), 1, 31, 3);
    row("fragment named like its type", "{ me { ...Usr } } fragment Usr on Usr { id }", "5.5.1.2 Fragment Spread Type Existence",
        QStringLiteral("Unknown type \"Usr\""), 1, 35, 3);
    row("inline fragment on unknown type", "{ me { ... on Usr { id } } }", "5.5.1.2 Fragment Spread Type Existence",
        QStringLiteral("Unknown type \"Usr\" in the type condition of an inline fragment. Did you mean \"User\"?"), 1, 15, 3);
    row("fragment on enum", "{ me { ...F } } fragment F on Priority { id }", "5.5.1.3 Fragments On Composite Types",
        QStringLiteral("Fragment \"F\" cannot have the type condition \"Priority\": it is of kind ENUM"), 1, 31, 8);
    row("unused fragment", "{ me { id } }\nfragment F on User { id }", "5.5.1.4 Fragments Must Be Used",
        QStringLiteral("Fragment \"F\" is not used by any operation. Spread it with \"...F\" or remove it."), 2, 10, 1);
    row("unknown fragment", "{ me { ...UserPart } } fragment UserParts on User { id }", "5.5.2.1 Fragment spread target defined",
        QStringLiteral("Unknown fragment \"UserPart\". Did you mean \"UserParts\"?"), 1, 11, 8, 2);
    row("fragment cycle", "{ me { ...A } } fragment A on User { ...B } fragment B on User { ...A }",
        "5.5.2.2 Fragment spreads must not form cycles",
        QStringLiteral("Fragment \"A\" spreads itself through A → B → A, which never ends."), 1, 69, 1);
    row("self spread", "{ me { ...A } } fragment A on User { id ...A }", "5.5.2.2 Fragment spreads must not form cycles",
        QStringLiteral("Fragment \"A\" spreads itself through A → A"), 1, 44, 1);
    row("impossible spread", "{ me { ...T } } fragment T on Todo { id }", "5.5.2.3 Fragment spread is possible",
        QStringLiteral("Fragment \"T\" on \"Todo\" can never apply here, inside \"User\""), 1, 11, 1);
    row("impossible inline fragment", "{ entries { ... on User { id } } }", "5.5.2.3 Fragment spread is possible",
        QStringLiteral("An inline fragment on \"User\" can never apply here, inside \"Entry\""), 1, 20, 4);
    row("string for int", "{ todos(first: \"ten\") { id } }", "5.6.1 Values of Correct Type",
        QStringLiteral("Expected an Int for argument \"first\", found the string \"ten\"."), 1, 16, 5);
    row("int out of range", "{ todos(first: 3000000000) { id } }", "5.6.1 Values of Correct Type",
        QStringLiteral("The number 3000000000 for argument \"first\" is outside the range of Int"), 1, 16, 10);
    row("float for int", "{ todos(first: 1.5) { id } }", "5.6.1 Values of Correct Type",
        QStringLiteral("Expected an Int for argument \"first\", found the number 1.5."), 1, 16, 3);
    row("unknown enum value", "{ todos(orderBy: DUE_DAT) { id } }", "5.6.1 Values of Correct Type",
        QStringLiteral("\"DUE_DAT\" is not a value of the enum \"TodoOrder\". Did you mean \"DUE_DATE\"?"), 1, 18, 7);
    row("enum without match", "{ todos(orderBy: NAME) { id } }", "5.6.1 Values of Correct Type",
        QStringLiteral("Its values are CREATED_AT, DUE_DATE or PRIORITY."), 1, 18, 4);
    row("quoted enum value", "{ todos(orderBy: \"DUE_DATE\") { id } }", "5.6.1 Values of Correct Type",
        QStringLiteral("Enum values are written without quotes: DUE_DATE."), 1, 18, 10);
    row("null for non-null", "{ todo(id: null) { id } }", "5.6.1 Values of Correct Type",
        QStringLiteral("Argument \"id\" has the non-null type \"ID!\", so it cannot be null."), 1, 12, 4);
    row("string for boolean", "mutation { setDone(id: 1, done: \"yes\") { id } }", "5.6.1 Values of Correct Type",
        QStringLiteral("Expected a Boolean (true or false) for argument \"done\", found the string \"yes\"."), 1, 33, 5);
    row("enum for string", "{ search(text: hello) { __typename } }", "5.6.1 Values of Correct Type",
        QStringLiteral("Put the text in double quotes: \"hello\"."), 1, 16, 5);
    row("bad list item", "{ search(text: \"a\", kinds: [TODO, PERSON]) { __typename } }", "5.6.1 Values of Correct Type",
        QStringLiteral("\"PERSON\" is not a value of the enum \"SearchKind\"."), 1, 35, 6);
    row("object for scalar", "{ todos(first: {a: 1}) { id } }", "5.6.1 Values of Correct Type",
        QStringLiteral("Expected a value of type \"Int\" for argument \"first\", found the object {a: 1}."), 1, 16, 1);
    row("scalar for input object", "{ todos(filter: true) { id } }", "5.6.1 Values of Correct Type",
        QStringLiteral("Expected an input object of type \"TodoFilter\" for argument \"filter\", found the boolean true. "
                       "Write it as { field: value }."),
        1, 17, 4);
    row("nested input value", "{ todos(filter: {and: [{priority: 3}]}) { id } }", "5.6.1 Values of Correct Type",
        QStringLiteral("for field \"priority\" of an item of field \"and\" of argument \"filter\", found the number 3."), 1, 35, 1);
    row("unknown input field", "mutation { addTodo(input: {titel: \"x\"}) { id } }", "5.6.2 Input Object Field Names",
        QStringLiteral("Unknown field \"titel\" in the input type \"AddTodoInput\". Did you mean \"title\" or \"notes\"?"),
        1, 28, 5, 2);
    row("input field twice", "mutation { addTodo(input: {title: \"x\", title: \"y\"}) { id } }",
        "5.6.3 Input Object Field Uniqueness", QStringLiteral("Input field \"title\" is given twice. Remove one of them."), 1, 40, 5);
    row("missing input field", "mutation { addTodo(input: {notes: \"x\"}) { id } }", "5.6.4 Input Object Required Fields",
        QStringLiteral("The input type \"AddTodoInput\" needs the field \"title\" of type \"String!\" in argument \"input\". Add it."),
        1, 27, 1);
    row("unknown directive", "{ me @incude(if: true) { id } }", "5.7.1 Directives Are Defined",
        QStringLiteral("Unknown directive \"@incude\". Did you mean \"@include\"?"), 1, 6, 7);
    row("directive in wrong place", "query Q @include(if: true) { me { id } }", "5.7.2 Directives Are In Valid Locations",
        QStringLiteral("Directive \"@include\" cannot be used on a query. It is allowed on a field, a fragment spread or an "
                       "inline fragment."),
        1, 9, 8);
    row("directive on variable", "query Q($a: Int @tag(name: \"x\")) { todos(first: $a) { id } }",
        "5.7.2 Directives Are In Valid Locations",
        QStringLiteral("Directive \"@tag\" cannot be used on a variable definition."), 1, 17, 4);
    row("directive twice", "{ me @skip(if: false) @skip(if: true) { id } }", "5.7.3 Directives Are Unique Per Location",
        QStringLiteral("Directive \"@skip\" is used twice here, but it is not repeatable. Remove one."), 1, 23, 5);
    row("variable twice", "query Q($a: Int, $a: Int) { todos(first: $a) { id } }", "5.8.1 Variable Uniqueness",
        QStringLiteral("Variable \"$a\" is defined twice. Rename or remove one definition."), 1, 18, 2);
    row("variable of output type", "query Q($t: Todo) { todo(id: $t) { id } }", "5.8.2 Variables Are Input Types",
        QStringLiteral("Variable \"$t\" cannot have the type \"Todo\": \"Todo\" is of kind OBJECT, but variables need a "
                       "scalar, enum or input object type."),
        1, 13, 4);
    row("variable of unknown type", "query Q($t: [Prio!]) { todos(filter: {priority: $t}) { id } }",
        "5.8.2 Variables Are Input Types",
        QStringLiteral("Unknown type \"Prio\" for variable \"$t\". Did you mean \"Priority\"?"), 1, 14, 4);
    row("undefined variable", "query Q { todos(first: $n) { id } }", "5.8.3 All Variable Uses Defined",
        QStringLiteral("Variable \"$n\" is not defined by query \"Q\". Add \"$n: Int\" to the variable definitions."), 1, 24, 2);
    row("undefined variable in shorthand", "{ todos(first: $n) { id } }", "5.8.3 All Variable Uses Defined",
        QStringLiteral("Add \"$n: Int\" to the variable definitions, such as \"query ($n: Int) { … }\"."), 1, 16, 2);
    row("misspelled variable", "query Q($first: Int) { todos(first: $frist) { id } }", "5.8.3 All Variable Uses Defined",
        QStringLiteral("Variable \"$frist\" is not defined by query \"Q\". Did you mean \"$first\"?"), 1, 37, 6, 2);
    row("undefined variable in fragment", "query Q { me { ...F } }\nfragment F on User { todos(done: $d) { id } }",
        "5.8.3 All Variable Uses Defined",
        QStringLiteral("Variable \"$d\" is used in fragment \"F\", but query \"Q\" does not define it."), 2, 34, 2);
    row("unused variable", "query Q($n: Int) { me { id } }", "5.8.4 All Variables Used",
        QStringLiteral("Variable \"$n\" is defined but not used by query \"Q\". Use it in an argument or remove it."), 1, 9, 2);
    row("nullable variable for non-null", "query Q($id: ID) { todo(id: $id) { id } }", "5.8.5 All Variable Usages are Allowed",
        QStringLiteral("Variable \"$id\" of type \"ID\" cannot be used where \"ID!\" is expected. Declare it as \"ID!\" or give "
                       "it a default value."),
        1, 29, 3);
    row("single variable for list", "query Q($k: SearchKind) { search(text: \"a\", kinds: $k) { __typename } }",
        "5.8.5 All Variable Usages are Allowed",
        QStringLiteral("Variable \"$k\" of type \"SearchKind\" cannot be used where \"[SearchKind!]\" is expected. Declare it "
                       "as \"[SearchKind!]\"."),
        1, 52, 2);
    row("wrong variable type", "query Q($n: String) { todos(first: $n) { id } }", "5.8.5 All Variable Usages are Allowed",
        QStringLiteral("Variable \"$n\" of type \"String\" cannot be used where \"Int\" is expected."), 1, 36, 2);
    row("deprecated field", "{ allTodos { id } }", "3.13.3 @deprecated",
        QStringLiteral("The field \"Query.allTodos\" is deprecated. Use `todos`, which pages."), 1, 3, 8, 1, true);
    row("deprecated enum value", "{ todos(filter: {priority: URGENT}) { id } }", "3.13.3 @deprecated",
        QStringLiteral("The enum value Priority.URGENT is deprecated. Use HIGH."), 1, 28, 6, 1, true);
    row("deprecated argument", "mutation { updateProfile(name: \"a\", nickname: \"b\") { id } }", "3.13.3 @deprecated",
        QStringLiteral("The argument \"nickname\" of field \"updateProfile\" is deprecated. Set `name` instead."), 1, 37, 8, 1, true);
    row("deprecated input field", "mutation { addTodo(input: {title: \"a\", legacyId: 1}) { id } }", "3.13.3 @deprecated",
        QStringLiteral("The input field AddTodoInput.legacyId is deprecated. Ignored since version 2."), 1, 40, 8, 1, true);
    return cases;
}

// Documents that are valid against the to-do schema.
QList<std::pair<const char *, QByteArray>> validCases()
{
    QList<std::pair<const char *, QByteArray>> cases;
    cases.append({"field", QByteArray("{ todos { title } }")});
    cases.append({"object with selection", QByteArray("{ me { id } }")});
    cases.append({"required argument given", QByteArray("{ todo(id: 1) { id } }")});
    cases.append({"aliases for different arguments", QByteArray("{ a: todos(first: 1) { id } b: todos(first: 2) { id } }")});
    cases.append({"same field twice", QByteArray("{ me { id id } }")});
    cases.append({"same arguments twice", QByteArray("{ todos(first: 1, after: \"x\") { id } todos(after: \"x\", first: 1) { title } }")});
    cases.append({"same alias on different objects", QByteArray("{ entries { ... on Todo { text: title } ... on Note { text: body } } }")});
    cases.append({"named operations", QByteArray("query A { me { id } } query B { me { id } } mutation C { deleteTodo(id: 1) }")});
    cases.append({"one subscription field", QByteArray("subscription S { todoChanged { id } }")});
    cases.append({"fragments", QByteArray("{ node(id: 1) { ... on Todo { id } ...U ...E } }\n"
                                             "fragment U on User { id name }\nfragment E on Entry { title }")});
    cases.append({"interface spread in union", QByteArray("{ search(text: \"a\") { ... on Node { id } } }")});
    cases.append({"inline fragment without type", QByteArray("{ me { ... @include(if: true) { id } } }")});
    cases.append({"coerced values", QByteArray("mutation { addTodo(input: {title: \"x\", estimate: 2, tags: \"one\", dueDate: \"2024-05-01\"}) { id } }")});
    cases.append({"single enum for list", QByteArray("{ search(text: \"a\", kinds: TODO) { __typename } }")});
    cases.append({"id as int and string", QByteArray("{ a: todo(id: 1) { id } b: todo(id: \"1\") { id } }")});
    cases.append({"null for nullable", QByteArray("{ todos(filter: null, after: null) { id } }")});
    cases.append({"block string", QByteArray("{ search(text: \"\"\"multi\n  line\"\"\") { __typename } }")});
    cases.append({"repeatable directive", QByteArray("{ me @tag(name: \"a\") @tag(name: \"b\") { id } }")});
    cases.append({"directives in place", QByteArray("query Q($a: Int @trace) @cached(ttl: 5) { todos(first: $a) @cached { id @lowercase } }\n"
                      "mutation M @trace { deleteTodo(id: 1) }\n"
                      "fragment F on User @tag(name: \"f\") { id }\n"
                      "query R { me { ...F @skip(if: false) ... on User @include(if: true) { name } } }")});
    cases.append({"variables", QByteArray("query Q($id: ID!, $done: Boolean = true, $kinds: [SearchKind!]) {\n"
                                             "  todo(id: $id) { id }\n"
                                             "  me { todos(done: $done) { id } }\n"
                                             "  search(text: \"a\", kinds: $kinds) { __typename }\n}")});
    cases.append({"variable with default for non-null", QByteArray("query Q($id: ID = 1) { todo(id: $id) { id } }")});
    cases.append({"non-null variable for nullable", QByteArray("query Q($n: Int!) { todos(first: $n) { id } }")});
    cases.append({"variable in input object", QByteArray("query Q($p: Priority) { todos(filter: {and: [{priority: $p}]}) { id } }")});
    cases.append({"variable used in fragment", QByteArray("query Q($d: Boolean) { me { ...F } }\nfragment F on User { todos(done: $d) { id } }")});
    cases.append({"meta fields", QByteArray("{ __schema { types { name } } __type(name: \"Todo\") { name } me { __typename } }")});
    cases.append({"typename on union", QByteArray("{ search(text: \"a\") { __typename } }")});
    cases.append({"custom scalar literals", QByteArray("{ entries(since: \"2024-01-01T00:00:00Z\") { id } }")});
    return cases;
}

} // namespace

class TestGraphqlValidation : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rules_data();
    void rules();
    void validDocuments_data();
    void validDocuments();
    void missingRootType();
    void syntaxErrorIsOneDiagnostic();
    void withoutSchema();
    void documentOrder();
    void locationsWithoutSource();
    void agreesWithGraphqlJs();
    void largeDocument();
    void variables_data();
    void variables();
    void variablesWithoutSchema();
    void deeplyNestedVariable();
    void selectOperation_data();
    void selectOperation();
};

void TestGraphqlValidation::rules_data()
{
    QTest::addColumn<QByteArray>("source");
    QTest::addColumn<QString>("section");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<int>("length");
    QTest::addColumn<int>("count"); // diagnostics in all, -1 to leave unchecked
    QTest::addColumn<bool>("warning");

    for (const RuleCase &rule : ruleCases()) {
        QTest::newRow(rule.name) << rule.source << QString::fromLatin1(rule.section) << rule.message << rule.line
                                 << rule.column << rule.length << rule.count << rule.warning;
    }
}
void TestGraphqlValidation::rules()
{
    QFETCH(QByteArray, source);
    QFETCH(QString, section);
    QFETCH(QString, message);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(int, length);
    QFETCH(int, count);
    QFETCH(bool, warning);

    const QList<Diagnostic> diagnostics = checkDocument(source, &todoSchema());
    const Diagnostic *found = nullptr;
    for (const Diagnostic &diagnostic : diagnostics) {
        if (diagnostic.specSection == section && diagnostic.message.contains(message))
            found = &diagnostic;
    }
    QVERIFY2(found, qPrintable(QStringLiteral("no \"%1\" diagnostic; found:\n%2").arg(message, describe(diagnostics))));
    QCOMPARE(found->location.line, line);
    QCOMPARE(found->location.column, column);
    QCOMPARE(found->length, length);
    QCOMPARE(found->severity, warning ? Diagnostic::Severity::Warning : Diagnostic::Severity::Error);
    if (count >= 0)
        QVERIFY2(diagnostics.size() == count, qPrintable(describe(diagnostics)));
    QVERIFY(found->message.endsWith(QLatin1Char('.')) || found->message.endsWith(QLatin1Char('?')));
}

void TestGraphqlValidation::validDocuments_data()
{
    QTest::addColumn<QByteArray>("source");
    for (const auto &[name, source] : validCases())
        QTest::newRow(name) << source;
}
void TestGraphqlValidation::validDocuments()
{
    QFETCH(QByteArray, source);
    const QList<Diagnostic> diagnostics = checkDocument(source, &todoSchema());
    QVERIFY2(diagnostics.isEmpty(), qPrintable(describe(diagnostics)));
}

void TestGraphqlValidation::missingRootType()
{
    const Schema interop = loadSchema(QStringLiteral("introspection-interop.json"));
    const QList<Diagnostic> diagnostics = checkDocument("subscription { todos { id } }", &interop);
    QCOMPARE(diagnostics.size(), 1);
    QCOMPARE(diagnostics.first().specSection, QStringLiteral("3.3.1 Root Operation Types"));
    QCOMPARE(diagnostics.first().message,
             QStringLiteral("The schema has no subscription type, so this server does not accept subscriptions."));
    QCOMPARE(diagnostics.first().length, 12);

    QVERIFY(checkDocument("mutation { addTodo(title: \"a\") { id title done } }", &interop).isEmpty());
    const QList<Diagnostic> missingArgument = checkDocument("mutation { addTodo { id } }", &interop);
    QCOMPARE(missingArgument.size(), 1);
    QCOMPARE(missingArgument.first().specSection, QStringLiteral("5.4.2.1 Required Arguments"));
}

void TestGraphqlValidation::syntaxErrorIsOneDiagnostic()
{
    const QList<Diagnostic> diagnostics = checkDocument("{ me { id }\n", &todoSchema());
    QCOMPARE(diagnostics.size(), 1);
    const Diagnostic &diagnostic = diagnostics.first();
    QCOMPARE(diagnostic.severity, Diagnostic::Severity::Error);
    QVERIFY(diagnostic.specSection.isEmpty());
    QCOMPARE(diagnostic.message, QStringLiteral("Expected a field, fragment spread, inline fragment or \"}\", found end of document."));
    QCOMPARE(diagnostic.location, (SourceLocation{2, 1}));
    QCOMPARE(diagnostic.length, 1);

    // Invalid UTF-8, an empty document and an oversized one also give one diagnostic each.
    const QList<Diagnostic> badBytes = checkDocument("{ me { id \xFF } }", &todoSchema());
    QCOMPARE(badBytes.size(), 1);
    QVERIFY2(badBytes.first().message.contains(QStringLiteral("Invalid UTF-8")), qPrintable(badBytes.first().message));
    QCOMPARE(badBytes.first().location, (SourceLocation{1, 11}));

    const QList<Diagnostic> empty = checkDocument("  # nothing\n", &todoSchema());
    QCOMPARE(empty.size(), 1);
    QVERIFY(empty.first().message.startsWith(QStringLiteral("The document is empty")));

    const QByteArray huge = "{ me { id } }" + QByteArray(2 * 1024 * 1024, ' ');
    const QList<Diagnostic> tooLarge = checkDocument(huge, &todoSchema());
    QCOMPARE(tooLarge.size(), 1);
    QVERIFY(tooLarge.first().message.contains(QStringLiteral("larger than the limit")));
    QCOMPARE(tooLarge.first().location, (SourceLocation{1, 1}));
}

void TestGraphqlValidation::withoutSchema()
{
    QVERIFY(checkDocument("{ anything { at all } }", nullptr).isEmpty());
    QCOMPARE(checkDocument("{ anything ", nullptr).size(), 1);
}

void TestGraphqlValidation::documentOrder()
{
    const QByteArray source = "query Q($unused: Int) {\n"
                              "  todos(frist: 1) { titel }\n"
                              "  me @incude { id }\n"
                              "}\n";
    const QList<Diagnostic> diagnostics = checkDocument(source, &todoSchema());
    QCOMPARE(diagnostics.size(), 4);
    QCOMPARE(diagnostics.at(0).specSection, QStringLiteral("5.8.4 All Variables Used"));
    QCOMPARE(diagnostics.at(1).specSection, QStringLiteral("5.4.1 Argument Names"));
    QCOMPARE(diagnostics.at(2).specSection, QStringLiteral("5.3.1 Field Selections"));
    QCOMPARE(diagnostics.at(3).specSection, QStringLiteral("5.7.1 Directives Are Defined"));
    QCOMPARE(diagnostics.at(3).location, (SourceLocation{3, 6}));
}

void TestGraphqlValidation::locationsWithoutSource()
{
    // validateDocument() has no source text, so names after an alias or "..." are placed by
    // assuming the usual spacing; checkDocument() places them exactly.
    const QByteArray source = "{ me { ...  UserPart nick:  nam } }";
    const QList<Diagnostic> withoutSource = validateDocument(parseOrFail(source), todoSchema());
    QCOMPARE(withoutSource.size(), 2);
    QCOMPARE(withoutSource.at(0).location, (SourceLocation{1, 11}));
    QCOMPARE(withoutSource.at(1).location, (SourceLocation{1, 28}));

    const QList<Diagnostic> withSource = checkDocument(source, &todoSchema());
    QCOMPARE(withSource.size(), 2);
    QCOMPARE(withSource.at(0).location, (SourceLocation{1, 13}));
    QCOMPARE(withSource.at(0).length, 8);
    QCOMPARE(withSource.at(1).location, (SourceLocation{1, 29}));
    QCOMPARE(withSource.at(1).length, 3);

    // Columns count code points, so text with multi-byte characters before a problem does not
    // shift it.
    const QList<Diagnostic> nonAscii = checkDocument("{ search(text: \"Grüße 🎉\") { id } }", &todoSchema());
    QCOMPARE(nonAscii.size(), 1);
    QCOMPARE(nonAscii.first().location, (SourceLocation{1, 29}));
}

// Every case of this test, valid or not, gets the same verdict from graphql-js 16, the reference
// implementation (deprecation warnings aside, which graphql-js does not report).
void TestGraphqlValidation::agreesWithGraphqlJs()
{
    QList<std::pair<QByteArray, QByteArray>> documents; // name, source
    for (const RuleCase &rule : ruleCases())
        documents.append({rule.name, rule.source});
    for (const auto &[name, source] : validCases())
        documents.append({name, source});
    documents.append({"introspection query", introspectionQuery().toUtf8()});

    QJsonArray sources;
    for (const auto &document : std::as_const(documents))
        sources.append(QString::fromUtf8(document.second));
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    QFile file(directory.filePath(QStringLiteral("documents.json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(sources).toJson());
    file.close();

    QString skipReason;
    const std::optional<QByteArray> output = runGraphqlJs({QStringLiteral("--validate"), file.fileName()}, &skipReason);
    if (!output)
        QSKIP(qPrintable(skipReason));
    const QJsonArray verdicts = QJsonDocument::fromJson(*output).array();
    QCOMPARE(verdicts.size(), documents.size());

    for (qsizetype i = 0; i < documents.size(); ++i) {
        QList<Diagnostic> errors = checkDocument(documents.at(i).second, &todoSchema());
        errors.removeIf([](const Diagnostic &diagnostic) { return diagnostic.severity == Diagnostic::Severity::Warning; });
        const QJsonArray expected = verdicts.at(i).toArray();
        QStringList expectedMessages;
        for (const QJsonValue &message : expected)
            expectedMessages.append(message.toString());
        QVERIFY2(errors.isEmpty() == expected.isEmpty(),
                 qPrintable(QStringLiteral("%1: graphql-js says:\n%2\nthis validator says:\n%3")
                                .arg(QString::fromUtf8(documents.at(i).first), expectedMessages.join(QLatin1Char('\n')),
                                     describe(errors))));
    }
}

// Not a timed assertion: prints how long checkDocument() takes on a 200-line document, so a
// slowdown shows in the test log.
void TestGraphqlValidation::largeDocument()
{
    QByteArray source = "query Big($first: Int, $done: Boolean) {\n";
    for (int i = 0; i < 66; ++i) {
        source += "  a" + QByteArray::number(i) + ": todos(first: $first, filter: {done: $done, text: \"ä\"}) {\n"
                  "    id title ...TodoParts owner { name } # ü\n"
                  "  }\n";
    }
    source += "}\nfragment TodoParts on Todo { done priority tags { name } }\n";
    QElapsedTimer timer;
    timer.start();
    constexpr int rounds = 10;
    QList<Diagnostic> diagnostics;
    for (int i = 0; i < rounds; ++i)
        diagnostics = checkDocument(source, &todoSchema());
    qInfo("checkDocument(): %lld us on %lld lines", timer.nsecsElapsed() / 1000 / rounds, qlonglong(source.count('\n')));
    QVERIFY2(diagnostics.isEmpty(), qPrintable(describe(diagnostics)));
}

void TestGraphqlValidation::variables_data()
{
    QTest::addColumn<QByteArray>("operation");
    QTest::addColumn<QByteArray>("variables");
    QTest::addColumn<QStringList>("expected");

    const QByteArray add = "mutation M($input: AddTodoInput!) { addTodo(input: $input) { id } }";
    const QByteArray todos = "query Q($first: Int, $filter: TodoFilter, $kinds: [SearchKind!], $id: ID, $done: Boolean!, "
                             "$estimate: Float = 1) { me { id } }";
    const auto expect = [](std::initializer_list<const char *> texts) {
        QStringList list;
        for (const char *text : texts)
            list.append(QString::fromUtf8(text));
        return list;
    };

    QTest::newRow("valid") << add << QByteArray(R"({"input": {"title": "x", "priority": "HIGH", "tags": ["a"], "estimate": 2}})")
                           << QStringList();
    QTest::newRow("required missing") << add << QByteArray("{}")
                                      << expect({"Variable \"$input\" of the required type \"AddTodoInput!\" has no value. Add it "
                                                 "to the variables, such as {\"input\": …}."});
    QTest::newRow("required null") << add << QByteArray(R"({"input": null})")
                                   << expect({"Variable \"$input\": expected a non-null \"AddTodoInput!\", found null."});
    QTest::newRow("wrong type in input") << add << QByteArray(R"({"input": {"title": "x", "estimate": "high"}})")
                                         << expect({"Variable \"$input\" at \"input.estimate\": expected a Float, found the string \"high\"."});
    QTest::newRow("enum value misspelled") << add << QByteArray(R"({"input": {"title": "x", "priority": "high"}})")
                                           << expect({"Variable \"$input\" at \"input.priority\": expected a value of the enum "
                                                      "\"Priority\" as a string, found the string \"high\". Did you mean \"HIGH\"?"});
    QTest::newRow("enum as number") << add << QByteArray(R"({"input": {"title": "x", "priority": 2}})")
                                    << expect({"Variable \"$input\" at \"input.priority\": expected a value of the enum \"Priority\" as "
                                               "a string, found the number 2. Its values are LOW, NORMAL, HIGH or URGENT."});
    QTest::newRow("unknown and missing input fields") << add << QByteArray(R"({"input": {"titel": "x"}})")
                                                      << expect({"Variable \"$input\": the input type \"AddTodoInput\" has no field "
                                                                 "\"titel\". Did you mean \"title\" or \"notes\"?",
                                                                 "Variable \"$input\": the field \"title\" of type \"String!\" is missing. Add it."});
    QTest::newRow("input object as string") << add << QByteArray(R"({"input": "title"})")
                                            << expect({"Variable \"$input\": expected an object of the input type \"AddTodoInput\", "
                                                       "found the string \"title\"."});
    QTest::newRow("list item null") << add << QByteArray(R"({"input": {"title": "x", "tags": ["a", null]}})")
                                    << expect({"Variable \"$input\" at \"input.tags[1]\": expected a non-null \"String!\", found null."});
    QTest::newRow("valid scalars") << todos << QByteArray(R"({"first": 2.0, "id": 7, "done": false, "kinds": "TODO"})")
                                   << QStringList();
    QTest::newRow("int as string") << todos << QByteArray(R"({"first": "ten", "done": true})")
                                   << expect({"Variable \"$first\": expected an Int, found the string \"ten\"."});
    QTest::newRow("int with fraction") << todos << QByteArray(R"({"first": 1.5, "done": true})")
                                       << expect({"Variable \"$first\": expected an Int, found the number 1.5."});
    QTest::newRow("int out of range") << todos << QByteArray(R"({"first": 3000000000, "done": true})")
                                      << expect({"Variable \"$first\": the number 3000000000 is outside the range of Int, a signed "
                                                 "32-bit integer (-2147483648 to 2147483647)."});
    QTest::newRow("id as float") << todos << QByteArray(R"({"id": 1.5, "done": true})")
                                 << expect({"Variable \"$id\": expected an ID (a string or an integer), found the number 1.5."});
    QTest::newRow("boolean as string") << todos << QByteArray(R"({"done": "true"})")
                                       << expect({"Variable \"$done\": expected a Boolean (true or false), found the string \"true\"."});
    QTest::newRow("float as boolean") << todos << QByteArray(R"({"done": true, "estimate": false})")
                                      << expect({"Variable \"$estimate\": expected a Float, found false."});
    QTest::newRow("list item wrong") << todos << QByteArray(R"({"done": true, "kinds": ["TODO", "PEOPLE"]})")
                                     << expect({"Variable \"$kinds\" at \"kinds[1]\": expected a value of the enum \"SearchKind\" as a "
                                                "string, found the string \"PEOPLE\". Its values are TODO, USER or TAG."});
    QTest::newRow("nested filter") << todos << QByteArray(R"({"done": true, "filter": {"and": [{"done": true}, {"priority": "LO"}]}})")
                                   << expect({"Variable \"$filter\" at \"filter.and[1].priority\": expected a value of the enum "
                                              "\"Priority\" as a string, found the string \"LO\". Did you mean \"LOW\"?"});
    QTest::newRow("undefined variable") << todos << QByteArray(R"({"done": true, "frist": 1})")
                                        << expect({"warning: Variable \"$frist\" is not defined by the operation, so the server "
                                                   "ignores it. Did you mean \"$first\"?"});
    QTest::newRow("variables for none") << QByteArray("{ me { id } }") << QByteArray(R"({"x": 1})")
                                        << expect({"warning: Variable \"$x\" is not defined by the operation, so the server ignores "
                                                   "it. The operation defines no variables."});
}

void TestGraphqlValidation::variables()
{
    QFETCH(QByteArray, operation);
    QFETCH(QByteArray, variables);
    QFETCH(QStringList, expected);

    const QList<VariableProblem> problems = validateVariables(operationOf(operation), json(variables), &todoSchema());
    QCOMPARE(messages(problems), expected);
}

void TestGraphqlValidation::variablesWithoutSchema()
{
    const OperationDefinition operation = operationOf("query Q($n: Int, $f: TodoFilter, $list: [String!]!) { me { id } }");
    QCOMPARE(messages(validateVariables(operation, json(R"({"n": 1, "f": {"bogus": 1}, "list": ["a"]})"), nullptr)), QStringList());
    QCOMPARE(messages(validateVariables(operation, json(R"({"n": "x", "list": [1]})"), nullptr)),
             (QStringList{QStringLiteral("Variable \"$n\": expected an Int, found the string \"x\"."),
                          QStringLiteral("Variable \"$list\" at \"list[0]\": expected a String, found the number 1.")}));
    QCOMPARE(messages(validateVariables(operation, json("{}"), nullptr)),
             QStringList{QStringLiteral("Variable \"$list\" of the required type \"[String!]!\" has no value. Add it to the "
                                        "variables, such as {\"list\": …}.")});
}

void TestGraphqlValidation::deeplyNestedVariable()
{
    // The filter type is recursive, so the depth of the value drives the check.
    QJsonObject filter{{QStringLiteral("done"), true}};
    for (int i = 0; i < 500; ++i)
        filter = QJsonObject{{QStringLiteral("and"), QJsonArray{filter}}};
    const OperationDefinition operation = operationOf("query Q($filter: TodoFilter) { todos(filter: $filter) { id } }");
    const QList<VariableProblem> problems = validateVariables(operation, QJsonObject{{QStringLiteral("filter"), filter}}, &todoSchema());
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.first().message.contains(QStringLiteral("the value nests deeper than the limit of 256 levels.")),
             qPrintable(problems.first().message));
}

void TestGraphqlValidation::selectOperation_data()
{
    QTest::addColumn<QByteArray>("source");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("selected");
    QTest::addColumn<QString>("error");

    QTest::newRow("only anonymous") << QByteArray("{ me { id } }") << QString() << QString() << QString();
    QTest::newRow("only named") << QByteArray("query A { me { id } }") << QString() << QStringLiteral("A") << QString();
    QTest::newRow("by name") << QByteArray("query A { me { id } } mutation B { deleteTodo(id: 1) }") << QStringLiteral("B")
                             << QStringLiteral("B") << QString();
    QTest::newRow("several without name")
        << QByteArray("query A { me { id } } mutation B { deleteTodo(id: 1) } { me { id } }") << QString() << QString()
        << QStringLiteral("The document has 3 operations (\"A\", \"B\" and an anonymous query): choose the one to run by its name.");
    QTest::newRow("unknown name") << QByteArray("query GetTodos { todos { id } } query GetMe { me { id } }") << QStringLiteral("GetTodo")
                                  << QString() << QStringLiteral("The document has no operation named \"GetTodo\". Did you mean \"GetTodos\"?");
    QTest::newRow("unknown name without match") << QByteArray("query A { me { id } }") << QStringLiteral("Zebra") << QString()
                                                << QStringLiteral("The document has no operation named \"Zebra\". Its operations are \"A\".");
    QTest::newRow("only fragments") << QByteArray("fragment F on User { id }") << QString() << QString()
                                    << QStringLiteral("The document has no operation: add a query, mutation or subscription.");
}

void TestGraphqlValidation::selectOperation()
{
    QFETCH(QByteArray, source);
    QFETCH(QString, name);
    QFETCH(QString, selected);
    QFETCH(QString, error);

    const Document document = parseOrFail(source);
    QString message;
    const OperationDefinition *operation = afx::graphql::selectOperation(document, name, &message);
    if (!error.isEmpty()) {
        QVERIFY(!operation);
        QCOMPARE(message, error);
        return;
    }
    QVERIFY2(operation, qPrintable(message));
    QCOMPARE(operation->name, selected);
    QVERIFY(!afx::graphql::selectOperation(document, name, nullptr) == false);
}

QTEST_GUILESS_MAIN(TestGraphqlValidation)
#include "tst_graphqlvalidation.moc"
