#include "graphql/completion.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace afx::graphql;

namespace {

const Schema &todoSchema()
{
    static const Schema schema = [] {
        QFile file(QStringLiteral(AFX_TEST_DATA_DIR "/graphql/introspection-todo.json"));
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot open %s", qPrintable(file.fileName()));
        QString error;
        std::optional<Schema> loaded = Schema::fromIntrospection(file.readAll(), &error);
        if (!loaded)
            qFatal("%s", qPrintable(error));
        return *loaded;
    }();
    return schema;
}

// Splits "text with a | marking the cursor" into the text and the cursor offset.
std::pair<QString, qsizetype> withCursor(const QString &marked)
{
    const qsizetype cursor = marked.indexOf(QLatin1Char('|'));
    if (cursor < 0 || marked.indexOf(QLatin1Char('|'), cursor + 1) >= 0)
        qFatal("the test source needs exactly one '|': %s", qPrintable(marked));
    QString text = marked;
    text.remove(cursor, 1);
    return {text, cursor};
}

CompletionResult completeAt(const QString &marked, const Schema *schema = &todoSchema())
{
    const auto [text, cursor] = withCursor(marked);
    return complete(text, cursor, schema);
}

QStringList labels(const CompletionResult &result)
{
    QStringList list;
    for (const CompletionItem &item : result.items)
        list.append(item.label);
    return list;
}

const CompletionItem *findItem(const CompletionResult &result, const QString &label)
{
    for (const CompletionItem &item : result.items) {
        if (item.label == label)
            return &item;
    }
    return nullptr;
}

SchemaReference referenceAtMarker(const QString &marked)
{
    const auto [text, cursor] = withCursor(marked);
    return referenceAt(text, cursor, todoSchema());
}

// An introspection response with `typeCount` object types of ten fields each, linked in a
// chain, plus an enum and an input object: the size of a large real schema.
QByteArray largeIntrospection(int typeCount)
{
    const auto named = [](const QString &kind, const QString &name) {
        return QJsonObject{{QStringLiteral("kind"), kind}, {QStringLiteral("name"), name}, {QStringLiteral("ofType"), QJsonValue::Null}};
    };
    const auto nonNull = [](const QJsonObject &inner) {
        return QJsonObject{{QStringLiteral("kind"), QStringLiteral("NON_NULL")}, {QStringLiteral("name"), QJsonValue::Null},
                           {QStringLiteral("ofType"), inner}};
    };
    const auto inputValue = [](const QString &name, const QJsonObject &type) {
        return QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("type"), type},
                           {QStringLiteral("defaultValue"), QJsonValue::Null}};
    };
    QJsonArray types;
    types.append(QJsonObject{{QStringLiteral("kind"), QStringLiteral("SCALAR")}, {QStringLiteral("name"), QStringLiteral("String")}});
    types.append(QJsonObject{{QStringLiteral("kind"), QStringLiteral("SCALAR")}, {QStringLiteral("name"), QStringLiteral("Int")}});
    types.append(QJsonObject{{QStringLiteral("kind"), QStringLiteral("SCALAR")}, {QStringLiteral("name"), QStringLiteral("Boolean")}});
    types.append(QJsonObject{{QStringLiteral("kind"), QStringLiteral("ENUM")}, {QStringLiteral("name"), QStringLiteral("Order")},
                             {QStringLiteral("enumValues"), QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("ASC")}},
                                                                       QJsonObject{{QStringLiteral("name"), QStringLiteral("DESC")}}}}});
    types.append(QJsonObject{{QStringLiteral("kind"), QStringLiteral("INPUT_OBJECT")}, {QStringLiteral("name"), QStringLiteral("Filter")},
                             {QStringLiteral("inputFields"), QJsonArray{inputValue(QStringLiteral("order"), named(QStringLiteral("ENUM"), QStringLiteral("Order"))),
                                                                        inputValue(QStringLiteral("text"), named(QStringLiteral("SCALAR"), QStringLiteral("String")))}}});
    for (int i = 0; i < typeCount; ++i) {
        QJsonArray fields;
        for (int f = 0; f < 8; ++f)
            fields.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("scalar%1").arg(f)}, {QStringLiteral("args"), QJsonArray()},
                                      {QStringLiteral("type"), nonNull(named(QStringLiteral("SCALAR"), QStringLiteral("String")))}});
        const QString next = QStringLiteral("Type%1").arg((i + 1) % typeCount);
        fields.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("next")},
                                  {QStringLiteral("args"), QJsonArray{inputValue(QStringLiteral("filter"), named(QStringLiteral("INPUT_OBJECT"), QStringLiteral("Filter"))),
                                                                      inputValue(QStringLiteral("first"), named(QStringLiteral("SCALAR"), QStringLiteral("Int")))}},
                                  {QStringLiteral("type"), named(QStringLiteral("OBJECT"), next)}});
        fields.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("flag")}, {QStringLiteral("args"), QJsonArray()},
                                  {QStringLiteral("type"), named(QStringLiteral("SCALAR"), QStringLiteral("Boolean"))}});
        types.append(QJsonObject{{QStringLiteral("kind"), QStringLiteral("OBJECT")}, {QStringLiteral("name"), QStringLiteral("Type%1").arg(i)},
                                 {QStringLiteral("fields"), fields}, {QStringLiteral("interfaces"), QJsonArray()}});
    }
    const QJsonObject schema{{QStringLiteral("queryType"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Type0")}}},
                             {QStringLiteral("types"), types}, {QStringLiteral("directives"), QJsonArray()}};
    return QJsonDocument(QJsonObject{{QStringLiteral("data"), QJsonObject{{QStringLiteral("__schema"), schema}}}}).toJson();
}

} // namespace

class TestGraphqlCompletion : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void completes_data();
    void completes();
    void sortOrder();
    void itemDetails();
    void argumentInsertText();
    void replaceRange();
    void variableReplaceRange();
    void nonAsciiBeforeCursor();
    void noCompletionInStringsCommentsNumbers_data();
    void noCompletionInStringsCommentsNumbers();
    void withoutSchema();
    void cursorOutOfRange();
    void deepAndLargeInput();
    void everyCursorPosition_data();
    void everyCursorPosition();
    void references_data();
    void references();
    void largeDocument();
};

void TestGraphqlCompletion::completes_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QStringList>("present");
    QTest::addColumn<QStringList>("absent");

    const auto list = [](const char *text) { return QString::fromLatin1(text).split(QLatin1Char(' '), Qt::SkipEmptyParts); };

    QTest::newRow("empty document") << "|" << list("query mutation subscription fragment") << list("on");
    QTest::newRow("top-level partial") << "mu|" << list("mutation") << list("query fragment");
    QTest::newRow("after an operation") << "query A { me { id } }\n|" << list("query fragment") << list("me");
    QTest::newRow("shorthand root") << "{ |" << list("me todos todo node search tags entries allTodos __typename __schema __type")
                                    << list("addTodo id");
    QTest::newRow("query root") << "query Q { |" << list("me todos") << list("addTodo");
    QTest::newRow("mutation root") << "mutation { |" << list("addTodo setDone deleteTodo updateProfile __typename")
                                   << list("me __schema __type");
    QTest::newRow("subscription root") << "subscription { |" << list("todoChanged") << list("me");
    QTest::newRow("nested three deep") << "query { me { todos { owner { |" << list("sub email name role todos id")
                                       << list("title done");
    QTest::newRow("after a closed field") << "{ me { todos { title } | } }" << list("sub email role") << list("title");
    QTest::newRow("after arguments") << "{ todos(first: 1) { |" << list("title done priority owner") << list("me");
    QTest::newRow("after alias") << "{ first: to|" << list("todo todos") << list("me");
    QTest::newRow("nested after alias") << "{ mine: todos { t: |" << list("title tags") << list("me");
    QTest::newRow("field arguments") << "{ todos(|" << list("filter first after orderBy") << list("id text");
    QTest::newRow("arguments given") << "{ todos(first: 2, |" << list("filter after orderBy") << list("first");
    QTest::newRow("argument partial") << "{ search(te|" << list("text") << list("kinds limit");
    QTest::newRow("enum argument") << "{ todos(orderBy: |" << list("CREATED_AT DUE_DATE PRIORITY") << list("true");
    QTest::newRow("enum partial") << "{ todos(orderBy: du|" << list("DUE_DATE") << list("CREATED_AT PRIORITY");
    QTest::newRow("boolean argument") << "mutation { setDone(id: 1, done: |" << list("true false") << list("null");
    QTest::newRow("variables in arguments") << "query Q($id: ID!, $n: Int) { todo(id: |" << list("$id $n") << list("true");
    QTest::newRow("input object fields") << "mutation { addTodo(input: {|"
                                         << list("title priority tags dueDate estimate notes legacyId") << list("id");
    QTest::newRow("input object fields given") << "mutation { addTodo(input: {title: \"x\", |" << list("priority tags")
                                               << list("title");
    QTest::newRow("nested input enum") << "{ todos(filter: {and: [{priority: |" << list("LOW NORMAL HIGH URGENT")
                                       << list("CREATED_AT");
    QTest::newRow("nested input fields") << "{ todos(filter: {and: [{done: true}, {|" << list("done priority tags and")
                                         << list("title");
    QTest::newRow("enum list item") << "{ search(text: \"a\", kinds: [TODO, |" << list("TODO USER TAG") << list("LOW");
    QTest::newRow("enum list without brackets") << "{ search(text: \"a\", kinds: |" << list("TODO USER TAG") << QStringList();
    QTest::newRow("after a list value") << "{ search(kinds: [TODO], |" << list("text limit") << list("kinds TODO");
    QTest::newRow("after an object value") << "mutation { addTodo(input: {title: \"x\"}) { |" << list("title done")
                                           << list("input legacyId");
    QTest::newRow("field directives") << "{ me @|" << list("include skip cached tag lowercase") << list("deprecated trace");
    QTest::newRow("directive partial") << "{ me @in|" << list("include") << list("skip");
    QTest::newRow("query directives") << "query Q @|" << list("cached") << list("include trace tag");
    QTest::newRow("mutation directives") << "mutation M @|" << list("trace") << list("cached include");
    QTest::newRow("variable directives") << "query Q($a: Int @|" << list("trace") << list("include cached");
    QTest::newRow("spread directives") << "{ me { ...UserParts @|" << list("include skip tag") << list("cached lowercase");
    QTest::newRow("inline fragment directives") << "{ me { ... on User @|" << list("include tag") << list("cached");
    QTest::newRow("fragment definition directives") << "fragment F on User @|" << list("tag") << list("include cached");
    QTest::newRow("directive arguments") << "{ me @include(|" << list("if") << list("ttl");
    QTest::newRow("directive argument value") << "{ me @include(if: |" << list("true false") << QStringList();
    QTest::newRow("after a directive") << "{ me @include(if: true) { |" << list("sub email") << list("if");
    QTest::newRow("after a directive without arguments") << "{ me { name @lowercase |" << list("sub email") << list("lowercase");
    QTest::newRow("fragment spread") << "{ me { ...| } } fragment UserParts on User { id } fragment TodoParts on Todo { id }"
                                     << list("UserParts on") << list("TodoParts sub");
    QTest::newRow("fragment spread partial") << "{ me { ...Us| } } fragment UserParts on User { id }" << list("UserParts")
                                             << list("on");
    QTest::newRow("fragment on interface spread") << "{ node(id: 1) { ...| } } fragment T on Todo { id } fragment N on Node { id }"
                                                  << list("T N on") << QStringList();
    QTest::newRow("fragment cannot spread itself") << "fragment A on User { ...| } fragment B on User { id }" << list("B on")
                                                   << list("A");
    QTest::newRow("inline fragment on union") << "{ search(text: \"x\") { ... on |"
                                              << list("SearchResult Todo User Tag Node Entry Timestamped")
                                              << list("Note Query Priority");
    QTest::newRow("inline fragment on interface") << "{ entries { ... on |" << list("Todo Note Entry Node Timestamped")
                                                  << list("User Tag Query");
    QTest::newRow("inside inline fragment") << "{ entries { ... on Note { |" << list("body title id") << list("done");
    QTest::newRow("inline fragment without type") << "{ me { ... { |" << list("sub email") << QStringList();
    QTest::newRow("after a fragment spread") << "{ me { ...UserParts |" << list("sub email") << QStringList();
    QTest::newRow("union selection") << "{ search(text: \"x\") { |" << list("__typename") << list("id title name");
    QTest::newRow("interface selection") << "{ entries { |" << list("id title createdAt updatedAt __typename")
                                         << list("done body");
    QTest::newRow("variable type") << "query Q($a: |" << list("Boolean Date DateTime ID Int Float String AddTodoInput TodoFilter Priority")
                                   << list("Todo User SearchResult Node __TypeKind");
    QTest::newRow("variable list type") << "query Q($a: [|" << list("TodoFilter Priority") << list("Todo");
    QTest::newRow("meta type on request") << "query Q($a: __|" << list("__TypeKind __DirectiveLocation") << list("Int");
    QTest::newRow("second variable type") << "query Q($a: Int, $b: Pri|" << list("Priority") << list("Int");
    QTest::newRow("variable default enum") << "query Q($o: TodoOrder = |" << list("CREATED_AT DUE_DATE") << list("$o");
    QTest::newRow("variable default list") << "query Q($k: [SearchKind!] = [|" << list("TODO TAG") << list("$k");
    QTest::newRow("variables end") << "query Q($o: TodoOrder = DUE_DATE) { todos(orderBy: |" << list("$o CREATED_AT")
                                   << QStringList();
    QTest::newRow("variables of another operation") << "query A($x: Int) { me { id } } query B($y: Int) { todos(first: |"
                                                    << list("$y") << list("$x");
    QTest::newRow("fragment keyword on") << "fragment F |" << list("on") << list("User");
    QTest::newRow("operation name") << "query |" << QStringList() << list("query");
    QTest::newRow("after operation name") << "query Q |" << QStringList() << list("query fragment");
    QTest::newRow("after type condition") << "fragment F on User |" << QStringList() << list("query on");
    QTest::newRow("fragment type condition") << "fragment F on |" << list("Query User Todo SearchResult Node")
                                             << list("Priority TodoFilter");
    QTest::newRow("fragment selection") << "fragment F on Todo { |" << list("title done") << list("me");
    QTest::newRow("meta schema fields") << "{ __schema { |" << list("types queryType directives") << list("me");
    QTest::newRow("meta type argument") << "{ __type(|" << list("name") << QStringList();
    QTest::newRow("missing closing parenthesis") << "{ todos(first: 1 { |" << list("title done") << list("first");
    QTest::newRow("unknown field has no children") << "{ missing { |" << QStringList() << list("me title __typename");
    QTest::newRow("text after the cursor") << "{ me { | } }\nquery Other { todos { title } }" << list("sub email")
                                           << list("title");
    QTest::newRow("comment before cursor") << "{ me { # { todos {\n|" << list("sub email") << list("title");
    QTest::newRow("block string before cursor") << "{ search(text: \"\"\"a { b\"\"\") { ... on Todo { |" << list("title")
                                                << list("sub");
    QTest::newRow("error token before cursor") << "{ me { ~ |" << list("sub") << QStringList();
}

void TestGraphqlCompletion::completes()
{
    QFETCH(QString, source);
    QFETCH(QStringList, present);
    QFETCH(QStringList, absent);

    const CompletionResult result = completeAt(source);
    const QStringList found = labels(result);
    for (const QString &label : present)
        QVERIFY2(found.contains(label), qPrintable(QStringLiteral("missing %1 in: %2").arg(label, found.join(QLatin1Char(' ')))));
    for (const QString &label : absent)
        QVERIFY2(!found.contains(label), qPrintable(QStringLiteral("unexpected %1 in: %2").arg(label, found.join(QLatin1Char(' ')))));
    if (present.isEmpty())
        QVERIFY2(found.isEmpty(), qPrintable(found.join(QLatin1Char(' '))));
}

void TestGraphqlCompletion::sortOrder()
{
    const QStringList root = labels(completeAt(QStringLiteral("{ |")));
    QCOMPARE(root, QString::fromLatin1("entries me node search tags todo todos __schema __type __typename allTodos").split(QLatin1Char(' ')));

    // Prefix matches come first, then substring matches, deprecated ones last.
    const QStringList to = labels(completeAt(QStringLiteral("{ to|")));
    QCOMPARE(to, QString::fromLatin1("todo todos allTodos").split(QLatin1Char(' ')));
    const QStringList ag = labels(completeAt(QStringLiteral("{ ag|")));
    QCOMPARE(ag, QString::fromLatin1("tags").split(QLatin1Char(' ')));
    const QStringList e = labels(completeAt(QStringLiteral("{ me { e|")));
    QCOMPARE(e, QString::fromLatin1("email name role __typename").split(QLatin1Char(' ')));

    // Case-insensitive.
    QCOMPARE(labels(completeAt(QStringLiteral("{ TOD|"))), QString::fromLatin1("todo todos allTodos").split(QLatin1Char(' ')));

    const QStringList priorities = labels(completeAt(QStringLiteral("{ todos(filter: {priority: |")));
    QCOMPARE(priorities, QString::fromLatin1("HIGH LOW NORMAL URGENT").split(QLatin1Char(' ')));
}

void TestGraphqlCompletion::itemDetails()
{
    const CompletionResult root = completeAt(QStringLiteral("{ |"));
    const CompletionItem *todos = findItem(root, QStringLiteral("todos"));
    QVERIFY(todos);
    QCOMPARE(todos->kind, CompletionItem::Kind::Field);
    QCOMPARE(todos->detail, QStringLiteral("[Todo!]!"));
    QCOMPARE(todos->insertText, QStringLiteral("todos"));
    QVERIFY(todos->documentation.startsWith(QStringLiteral("To-dos of the signed-in user")));
    QVERIFY(!todos->deprecated);
    QVERIFY(findItem(root, QStringLiteral("allTodos"))->deprecated);

    const CompletionResult urgent = completeAt(QStringLiteral("{ todos(filter: {priority: U|"));
    QCOMPARE(urgent.items.size(), 1);
    QCOMPARE(urgent.items.first().kind, CompletionItem::Kind::EnumValue);
    QCOMPARE(urgent.items.first().detail, QStringLiteral("Priority"));
    QVERIFY(urgent.items.first().deprecated);

    const CompletionResult directives = completeAt(QStringLiteral("{ me @|"));
    const CompletionItem *include = findItem(directives, QStringLiteral("include"));
    QCOMPARE(include->kind, CompletionItem::Kind::Directive);
    QCOMPARE(include->detail, QStringLiteral("(if: Boolean!)"));
    QCOMPARE(include->insertText, QStringLiteral("include"));
    QCOMPARE(findItem(directives, QStringLiteral("cached"))->documentation, QStringLiteral("Caches the result for `ttl` seconds."));

    const CompletionResult types = completeAt(QStringLiteral("query Q($a: Todo|"));
    QCOMPARE(labels(types), (QStringList{QStringLiteral("TodoFilter"), QStringLiteral("TodoOrder"), QStringLiteral("AddTodoInput")}));
    QCOMPARE(types.items.first().kind, CompletionItem::Kind::Type);
    QCOMPARE(types.items.first().detail, QStringLiteral("INPUT_OBJECT"));

    const CompletionResult fragments = completeAt(QStringLiteral("{ me { ...| } } fragment UserParts on User { id }"));
    const CompletionItem *fragment = findItem(fragments, QStringLiteral("UserParts"));
    QCOMPARE(fragment->kind, CompletionItem::Kind::Fragment);
    QCOMPARE(fragment->detail, QStringLiteral("on User"));
    QCOMPARE(findItem(fragments, QStringLiteral("on"))->insertText, QStringLiteral("on "));

    const CompletionResult variables = completeAt(QStringLiteral("query Q($id: ID!) { todo(id: |"));
    QCOMPARE(variables.items.size(), 1);
    QCOMPARE(variables.items.first().kind, CompletionItem::Kind::Variable);
    QCOMPARE(variables.items.first().insertText, QStringLiteral("$id"));
    QCOMPARE(variables.items.first().detail, QStringLiteral("ID!"));
}

void TestGraphqlCompletion::argumentInsertText()
{
    const CompletionResult arguments = completeAt(QStringLiteral("{ todos(fi|"));
    QCOMPARE(labels(arguments), (QStringList{QStringLiteral("filter"), QStringLiteral("first")}));
    QCOMPARE(arguments.items.first().kind, CompletionItem::Kind::Argument);
    QCOMPARE(arguments.items.first().insertText, QStringLiteral("filter: "));
    QCOMPARE(arguments.items.first().detail, QStringLiteral("TodoFilter"));

    // When the colon is already there, only the name is inserted.
    const CompletionResult renaming = completeAt(QStringLiteral("{ todos(fi| : 2) { id } }"));
    QCOMPARE(renaming.items.first().insertText, QStringLiteral("filter"));
    const CompletionResult midName = completeAt(QStringLiteral("{ todos(fi|rst: 2) { id } }"));
    QCOMPARE(midName.items.first().insertText, QStringLiteral("filter"));

    const CompletionResult inputFields = completeAt(QStringLiteral("mutation { addTodo(input: {ti|"));
    // "estimate" contains "ti", so it follows as a substring match.
    QCOMPARE(labels(inputFields), (QStringList{QStringLiteral("title"), QStringLiteral("estimate")}));
    QCOMPARE(inputFields.items.first().kind, CompletionItem::Kind::InputField);
    QCOMPARE(inputFields.items.first().insertText, QStringLiteral("title: "));
    QCOMPARE(inputFields.items.first().detail, QStringLiteral("String!"));
}

void TestGraphqlCompletion::replaceRange()
{
    const CompletionResult noPartial = completeAt(QStringLiteral("{ me { | } }"));
    QCOMPARE(noPartial.replaceStart, 7);
    QCOMPARE(noPartial.replaceLength, 0);

    const CompletionResult partial = completeAt(QStringLiteral("{ me { na| } }"));
    QCOMPARE(partial.replaceStart, 7);
    QCOMPARE(partial.replaceLength, 2);
    QCOMPARE(labels(partial), (QStringList{QStringLiteral("name"), QStringLiteral("__typename")}));

    // In the middle of a name, the part before the cursor is replaced and filters.
    const CompletionResult middle = completeAt(QStringLiteral("{ me { em|ail } }"));
    QCOMPARE(middle.replaceStart, 7);
    QCOMPARE(middle.replaceLength, 2);
    QCOMPARE(labels(middle).first(), QStringLiteral("email"));

    const CompletionResult directive = completeAt(QStringLiteral("{ me @sk|"));
    QCOMPARE(directive.replaceStart, 6);
    QCOMPARE(directive.replaceLength, 2);
}

void TestGraphqlCompletion::variableReplaceRange()
{
    const QString head = QStringLiteral("query Q($id: ID!, $idList: [ID!]) { todo(id: ");
    const CompletionResult dollar = completeAt(head + QStringLiteral("$|"));
    QCOMPARE(dollar.replaceStart, head.size());
    QCOMPARE(dollar.replaceLength, 1);
    QCOMPARE(labels(dollar), (QStringList{QStringLiteral("$id"), QStringLiteral("$idList")}));

    const CompletionResult partial = completeAt(head + QStringLiteral("$idL|"));
    QCOMPARE(partial.replaceStart, head.size());
    QCOMPARE(partial.replaceLength, 4);
    QCOMPARE(labels(partial), QStringList{QStringLiteral("$idList")});

    // Without '$', the items still insert it.
    const CompletionResult bare = completeAt(head + QStringLiteral("idL|"));
    QCOMPARE(bare.replaceStart, head.size());
    QCOMPARE(labels(bare), QStringList{QStringLiteral("$idList")});
    QCOMPARE(bare.items.first().insertText, QStringLiteral("$idList"));

    // A '$' where a variable is defined completes nothing.
    QVERIFY(completeAt(QStringLiteral("query Q($|")).items.isEmpty());
    // Default values are constant: no variables there.
    QVERIFY(completeAt(QStringLiteral("query Q($a: Int, $b: Int = $|")).items.isEmpty());
}

void TestGraphqlCompletion::nonAsciiBeforeCursor()
{
    // Multi-byte UTF-8 in a comment, a string and a block string, and a character outside the
    // Basic Multilingual Plane (two UTF-16 code units, four UTF-8 bytes).
    const QString marked = QStringLiteral("# Grüße, 日本語 \U0001F389\n"
                                          "{ todos(filter: {text: \"Straße \U0001F389\"}) {\n"
                                          "  notes(format: MARKDOWN) # ü\n"
                                          "  tags { name }\n"
                                          "  ti|");
    const auto [text, cursor] = withCursor(marked);
    const CompletionResult result = complete(text, cursor, &todoSchema());
    QCOMPARE(result.replaceStart, cursor - 2);
    QCOMPARE(result.replaceLength, 2);
    QCOMPARE(labels(result), (QStringList{QStringLiteral("title"), QStringLiteral("estimate")}));
    QCOMPARE(text.mid(result.replaceStart, result.replaceLength), QStringLiteral("ti"));

    const QString search = QStringLiteral("{ search(text: \"é\U0001F389\", kinds: [T|");
    const auto [searchText, searchCursor] = withCursor(search);
    const CompletionResult kinds = complete(searchText, searchCursor, &todoSchema());
    QCOMPARE(searchText.mid(kinds.replaceStart, kinds.replaceLength), QStringLiteral("T"));
    QCOMPARE(labels(kinds), (QStringList{QStringLiteral("TAG"), QStringLiteral("TODO")}));

    const SchemaReference reference = referenceAt(text, text.indexOf(QStringLiteral("name")) + 1, todoSchema());
    QCOMPARE(reference.typeName, QStringLiteral("Tag"));
    QCOMPARE(reference.fieldName, QStringLiteral("name"));
}

void TestGraphqlCompletion::noCompletionInStringsCommentsNumbers_data()
{
    QTest::addColumn<QString>("source");
    QTest::newRow("string") << QStringLiteral("{ todo(id: \"ab|");
    QTest::newRow("empty string") << QStringLiteral("{ todo(id: \"|");
    QTest::newRow("string with non-ascii") << QStringLiteral("{ todo(id: \"日本|");
    QTest::newRow("block string") << QStringLiteral("{ search(text: \"\"\"first line\n  { me |");
    QTest::newRow("comment") << QStringLiteral("{ # to|");
    QTest::newRow("comment after field") << QStringLiteral("{ me { id # email |");
    QTest::newRow("int") << QStringLiteral("{ todos(first: 1|");
    QTest::newRow("float") << QStringLiteral("mutation { addTodo(input: {estimate: 1.5|");
}

void TestGraphqlCompletion::noCompletionInStringsCommentsNumbers()
{
    QFETCH(QString, source);
    const CompletionResult result = completeAt(source);
    QVERIFY2(result.items.isEmpty(), qPrintable(labels(result).join(QLatin1Char(' '))));
    QCOMPARE(result.replaceLength, 0);
}

void TestGraphqlCompletion::withoutSchema()
{
    QCOMPARE(labels(completeAt(QStringLiteral("|"), nullptr)),
             QString::fromLatin1("fragment mutation query subscription").split(QLatin1Char(' ')));
    QVERIFY(completeAt(QStringLiteral("{ |"), nullptr).items.isEmpty());
    QVERIFY(completeAt(QStringLiteral("{ me @|"), nullptr).items.isEmpty());
    QCOMPARE(labels(completeAt(QStringLiteral("query Q($id: ID, $n: Int) { todo(id: |"), nullptr)),
             (QStringList{QStringLiteral("$id"), QStringLiteral("$n")}));
    QCOMPARE(labels(completeAt(QStringLiteral("{ me { ...| } } fragment A on User { id } fragment B on Todo { id }"), nullptr)),
             (QStringList{QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("on")}));
}

void TestGraphqlCompletion::cursorOutOfRange()
{
    const QString text = QStringLiteral("{ me { ");
    const CompletionResult past = complete(text, text.size() + 10, &todoSchema());
    QCOMPARE(past.replaceStart, text.size());
    QVERIFY(labels(past).contains(QStringLiteral("email")));

    const CompletionResult negative = complete(text, -3, &todoSchema());
    QCOMPARE(negative.replaceStart, 0);
    QVERIFY(labels(negative).contains(QStringLiteral("query")));

    QVERIFY(complete(QString(), 0, &todoSchema()).items.size() == 4);
    QVERIFY(referenceAt(text, 99, todoSchema()).isEmpty());
    QVERIFY(referenceAt(QString(), 0, todoSchema()).isEmpty());
}

void TestGraphqlCompletion::deepAndLargeInput()
{
    // Deep nesting must not exhaust the stack: the online parser keeps its own stack.
    const QString deepType = QStringLiteral("query Q($a: ") + QString(100000, QLatin1Char('['));
    const CompletionResult types = complete(deepType, deepType.size(), &todoSchema());
    QVERIFY(labels(types).contains(QStringLiteral("TodoFilter")));

    const QString deepSelection = QString(100000, QLatin1Char('{')) + QStringLiteral(" me");
    QVERIFY(complete(deepSelection, deepSelection.size(), &todoSchema()).items.isEmpty());
    QVERIFY(referenceAt(deepSelection, deepSelection.size() - 1, todoSchema()).isEmpty());

    const QString deepValue = QStringLiteral("{ todos(filter: ") + QStringLiteral("{and: [").repeated(20000) + QLatin1Char('{');
    QCOMPARE(labels(complete(deepValue, deepValue.size(), &todoSchema())),
             QString::fromLatin1("and done dueBefore priority tags text").split(QLatin1Char(' ')));

    // A megabyte of operations, completed at the end.
    QString large;
    for (int i = 0; large.size() < 1024 * 1024; ++i)
        large += QStringLiteral("query Q%1 { me { id name } }\n").arg(i);
    large += QStringLiteral("{ me { na");
    QCOMPARE(labels(complete(large, large.size(), &todoSchema())), (QStringList{QStringLiteral("name"), QStringLiteral("__typename")}));
}

void TestGraphqlCompletion::everyCursorPosition_data()
{
    QTest::addColumn<QString>("source");
    QTest::newRow("introspection query") << introspectionQuery();
    QTest::newRow("non-ascii and errors")
        << QStringLiteral("# Grüße \U0001F389\nquery Q($a: [Priority!] = [HIGH], $b: ID!) @cached {\n"
                          "  x: todos(filter: {text: \"日本 \\u00e9 \U0001F389\", and: [{done: true}]}, first: 1.5e3) {\n"
                          "    ...F @include(if: $c) ... on Todo { title ~ } \"\"\"block\n   \U0001F389\"\"\" \"unterminated\n"
                          "  }\n}\nfragment F on Todo { id }\n{ search(text: $b) { __typename ");
    QString lone = QStringLiteral("{ me { \"x");
    lone.append(QChar(0xD83C)); // a high surrogate without its low surrogate
    lone.append(QStringLiteral("\" na"));
    QTest::newRow("lone surrogate") << lone;
}

// Completion and references hold their contract at every cursor position: the replaced range
// ends at the cursor and contains only the name (and '$') being typed.
void TestGraphqlCompletion::everyCursorPosition()
{
    QFETCH(QString, source);
    for (qsizetype cursor = 0; cursor <= source.size(); ++cursor) {
        const CompletionResult result = complete(source, cursor, &todoSchema());
        QVERIFY(result.replaceStart >= 0);
        QCOMPARE(result.replaceStart + result.replaceLength, cursor);
        const QString replaced = source.mid(result.replaceStart, result.replaceLength);
        for (const QChar c : replaced)
            QVERIFY2(c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('$'),
                     qPrintable(QStringLiteral("cursor %1 replaces \"%2\"").arg(cursor).arg(replaced)));

        const SchemaReference reference = referenceAt(source, cursor, todoSchema());
        if (!reference.isEmpty())
            QVERIFY2(todoSchema().type(reference.typeName), qPrintable(reference.typeName));
    }
}

void TestGraphqlCompletion::references_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("typeName");
    QTest::addColumn<QString>("fieldName");
    QTest::addColumn<QString>("argumentName");

    const QString query = QStringLiteral("query Q($p: Priority, $f: TodoFilter) {\n"
                                         "  to|dos(filter: {done: true, priority: HIGH}, orderBy: DUE_DATE) { title }\n"
                                         "}");
    const auto moved = [&query](const QString &before) {
        QString text = query;
        text.remove(QLatin1Char('|'));
        const qsizetype at = text.indexOf(before);
        if (at < 0)
            qFatal("no %s in the reference source", qPrintable(before));
        return text.insert(at + 1, QLatin1Char('|'));
    };

    QTest::newRow("field") << query << "Query" << "todos" << "";
    QTest::newRow("field start") << moved(QStringLiteral(" todos")) .replace(QStringLiteral("| todos"), QStringLiteral(" |todos"))
                                 << "Query" << "todos" << "";
    QTest::newRow("nested field") << moved(QStringLiteral("title")) << "Todo" << "title" << "";
    QTest::newRow("field end") << QStringLiteral("{ me| { id } }") << "Query" << "me" << "";
    QTest::newRow("argument") << moved(QStringLiteral("filter")) << "Query" << "todos" << "filter";
    QTest::newRow("second argument") << moved(QStringLiteral("orderBy")) << "Query" << "todos" << "orderBy";
    QTest::newRow("input field") << moved(QStringLiteral("done")) << "TodoFilter" << "" << "";
    QTest::newRow("enum value") << moved(QStringLiteral("DUE_DATE")) << "TodoOrder" << "" << "";
    QTest::newRow("enum in input object") << moved(QStringLiteral("HIGH")) << "Priority" << "" << "";
    QTest::newRow("variable type") << moved(QStringLiteral("Priority")) << "Priority" << "" << "";
    QTest::newRow("operation keyword") << moved(QStringLiteral("query")) << "Query" << "" << "";
    QTest::newRow("mutation keyword") << QStringLiteral("mu|tation { addTodo(input: {title: \"a\"}) { id } }") << "Mutation" << "" << "";
    QTest::newRow("alias") << QStringLiteral("{ mi|ne: me { id } }") << "Query" << "me" << "";
    QTest::newRow("aliased field") << QStringLiteral("{ mine: m|e { id } }") << "Query" << "me" << "";
    QTest::newRow("inline fragment type") << QStringLiteral("{ entries { ... on No|te { body } } }") << "Note" << "" << "";
    QTest::newRow("inline fragment field") << QStringLiteral("{ entries { ... on Note { bo|dy } } }") << "Note" << "body" << "";
    QTest::newRow("fragment type condition") << QStringLiteral("fragment F on Us|er { id }") << "User" << "" << "";
    QTest::newRow("fragment field") << QStringLiteral("fragment F on User { em|ail }") << "User" << "email" << "";
    QTest::newRow("meta field") << QStringLiteral("{ __type(name: \"Todo\") { na|me } }") << "__Type" << "name" << "";
    QTest::newRow("typename") << QStringLiteral("{ me { __type|name } }") << "User" << "__typename" << "";
    QTest::newRow("unknown field") << QStringLiteral("{ me { ti|tle } }") << "" << "" << "";
    QTest::newRow("unknown argument") << QStringLiteral("{ todos(li|mit: 1) { id } }") << "" << "" << "";
    QTest::newRow("directive argument") << QStringLiteral("{ me @include(i|f: true) { id } }") << "" << "" << "";
    QTest::newRow("white space") << QStringLiteral("{ me {  |  id } }") << "" << "" << "";
    QTest::newRow("punctuation") << QStringLiteral("{ me |{ id } }") << "" << "" << "";
    QTest::newRow("string") << QStringLiteral("{ search(text: \"to|dos\") { __typename } }") << "" << "" << "";
    QTest::newRow("comment") << QStringLiteral("{ me # to|dos\n}") << "" << "" << "";
}

void TestGraphqlCompletion::references()
{
    QFETCH(QString, source);
    QFETCH(QString, typeName);
    QFETCH(QString, fieldName);
    QFETCH(QString, argumentName);

    const SchemaReference reference = referenceAtMarker(source);
    QCOMPARE(reference.typeName, typeName);
    QCOMPARE(reference.fieldName, fieldName);
    QCOMPARE(reference.argumentName, argumentName);
    QCOMPARE(reference.isEmpty(), typeName.isEmpty());
}

// Not a timed assertion: prints how long completion takes on a 200-line document with a
// schema of 300 types, so a slowdown shows in the test log.
void TestGraphqlCompletion::largeDocument()
{
    QString error;
    const std::optional<Schema> schema = Schema::fromIntrospection(largeIntrospection(300), &error);
    QVERIFY2(schema, qPrintable(error));
    QCOMPARE(schema->types().size(), 305);

    QString document = QStringLiteral("query Big($first: Int, $order: Order) {\n");
    for (int i = 0; i < 66; ++i) {
        document += QStringLiteral("  a%1: next(first: $first, filter: {order: $order, text: \"ä\"}) {\n"
                                   "    scalar0 scalar1 flag # ü\n"
                                   "  }\n")
                        .arg(i);
    }
    document += QStringLiteral("  next { next { next { ");
    const qsizetype cursor = document.size();
    document += QStringLiteral("} } }\n}\n");
    QVERIFY(document.count(QLatin1Char('\n')) >= 200);

    QElapsedTimer timer;
    timer.start();
    constexpr int rounds = 20;
    CompletionResult result;
    for (int i = 0; i < rounds; ++i)
        result = complete(document, cursor, &*schema);
    const qint64 completionMicros = timer.nsecsElapsed() / 1000 / rounds;
    QVERIFY(labels(result).contains(QStringLiteral("scalar7")));
    QCOMPARE(result.items.size(), 11);

    timer.restart();
    SchemaReference reference;
    for (int i = 0; i < rounds; ++i)
        reference = referenceAt(document, cursor - 6, *schema); // on the last "next"
    const qint64 referenceMicros = timer.nsecsElapsed() / 1000 / rounds;
    QCOMPARE(reference.fieldName, QStringLiteral("next"));
    qInfo("complete(): %lld us, referenceAt(): %lld us on %lld lines", completionMicros, referenceMicros,
          qlonglong(document.count(QLatin1Char('\n'))));
}

QTEST_GUILESS_MAIN(TestGraphqlCompletion)
#include "tst_graphqlcompletion.moc"
