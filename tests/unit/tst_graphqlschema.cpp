#include "graphql/schema.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStringEncoder>
#include <QTest>
#include <QVariant>

using namespace afx::graphql;

namespace {

QByteArray readFixture(const QString &name)
{
    QFile file(QStringLiteral(AFX_TEST_DATA_DIR "/graphql/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open fixture %s", qPrintable(file.fileName()));
    return file.readAll();
}

QJsonObject fixtureObject(const QString &name)
{
    return QJsonDocument::fromJson(readFixture(name)).object();
}

// Returns `root` with the value at `path` (member names and array indexes) replaced by `value`,
// or removed when `value` is undefined.
QJsonValue replaced(const QJsonValue &root, QVariantList path, const QJsonValue &value)
{
    if (path.isEmpty())
        return value;
    const QVariant key = path.takeFirst();
    if (key.typeId() == QMetaType::Int) {
        QJsonArray array = root.toArray();
        const int index = key.toInt();
        if (path.isEmpty() && value.isUndefined())
            array.removeAt(index);
        else
            array[index] = replaced(array.at(index), path, value);
        return array;
    }
    QJsonObject object = root.toObject();
    const QString name = key.toString();
    if (path.isEmpty() && value.isUndefined())
        object.remove(name);
    else
        object[name] = replaced(object.value(name), path, value);
    return object;
}

QByteArray todoWith(const QVariantList &path, const QJsonValue &value)
{
    const QJsonValue changed = replaced(fixtureObject(QStringLiteral("introspection-todo.json")), path, value);
    return QJsonDocument(changed.toObject()).toJson(QJsonDocument::Compact);
}

// The index of the named type in the todo fixture's __schema.types.
int todoTypeIndex(const QString &name)
{
    const QJsonArray types = fixtureObject(QStringLiteral("introspection-todo.json"))
                                 .value(QLatin1String("data"))["__schema"]["types"]
                                 .toArray();
    for (int i = 0; i < types.size(); ++i) {
        if (types.at(i)[QLatin1String("name")].toString() == name)
            return i;
    }
    qFatal("no type %s in the fixture", qPrintable(name));
}

int fieldIndex(int typeIndex, const QString &name)
{
    const QJsonArray fields = fixtureObject(QStringLiteral("introspection-todo.json"))
                                  .value(QLatin1String("data"))["__schema"]["types"][typeIndex]["fields"]
                                  .toArray();
    for (int i = 0; i < fields.size(); ++i) {
        if (fields.at(i)[QLatin1String("name")].toString() == name)
            return i;
    }
    qFatal("no field %s in the fixture", qPrintable(name));
}

QJsonObject wrapped(const QString &kind, const QJsonValue &inner)
{
    return QJsonObject{{QStringLiteral("kind"), kind}, {QStringLiteral("name"), QJsonValue::Null},
                       {QStringLiteral("ofType"), inner}};
}

QJsonObject named(const QString &kind, const QString &name)
{
    return QJsonObject{{QStringLiteral("kind"), kind}, {QStringLiteral("name"), name},
                       {QStringLiteral("ofType"), QJsonValue::Null}};
}

} // namespace

class TestGraphqlSchema : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void todoFixture();
    void interfacesAndUnions();
    void deprecationsAndDefaults();
    void directives();
    void metaFields();
    void typeHelpers();
    void interopFixture();
    void acceptedShapes();
    void badInput_data();
    void badInput();
    void serverErrorQuotesFirstMessage();
    void tooLarge();
    void utf16Rejected();
    void ownQueryAgainstGraphqlJs();
};

void TestGraphqlSchema::todoFixture()
{
    QString error;
    const std::optional<Schema> schema = Schema::fromIntrospection(readFixture(QStringLiteral("introspection-todo.json")), &error);
    QVERIFY2(schema, qPrintable(error));
    QVERIFY(error.isEmpty());

    QCOMPARE(schema->queryType(), QStringLiteral("Query"));
    QCOMPARE(schema->mutationType(), QStringLiteral("Mutation"));
    QCOMPARE(schema->subscriptionType(), QStringLiteral("Subscription"));
    QCOMPARE(schema->rootType(OperationDefinition::Type::Mutation)->name, QStringLiteral("Mutation"));

    const SchemaType *todo = schema->type(QStringLiteral("Todo"));
    QVERIFY(todo);
    QCOMPARE(todo->kind, SchemaType::Kind::Object);
    QCOMPARE(todo->description, QStringLiteral("A task to do."));
    QCOMPARE(todo->field(QStringLiteral("title"))->description, QStringLiteral("A short summary."));
    QCOMPARE(todo->field(QStringLiteral("tags"))->type.toString(), QStringLiteral("[Tag!]!"));
    QCOMPARE(todo->field(QStringLiteral("dueDate"))->type.toString(), QStringLiteral("Date"));
    QVERIFY(!todo->field(QStringLiteral("missing")));

    const SchemaField *todos = schema->field(QStringLiteral("Query"), QStringLiteral("todos"));
    QVERIFY(todos);
    QCOMPARE(todos->arguments.size(), 4);
    QCOMPARE(todos->argument(QStringLiteral("filter"))->type.toString(), QStringLiteral("TodoFilter"));
    QCOMPARE(todos->argument(QStringLiteral("first"))->defaultValue, QStringLiteral("20"));

    const SchemaType *dateTime = schema->type(QStringLiteral("DateTime"));
    QCOMPARE(dateTime->kind, SchemaType::Kind::Scalar);
    QVERIFY(dateTime->isLeaf());
    QVERIFY(dateTime->isInput());
    QCOMPARE(schema->type(QStringLiteral("TodoFilter"))->kind, SchemaType::Kind::InputObject);
    QCOMPARE(schema->type(QStringLiteral("TodoFilter"))->inputField(QStringLiteral("and"))->type.toString(),
             QStringLiteral("[TodoFilter!]"));
    QVERIFY(schema->type(QStringLiteral("__Schema")));
    QVERIFY(!schema->type(QStringLiteral("Missing")));
}

void TestGraphqlSchema::interfacesAndUnions()
{
    QString error;
    const std::optional<Schema> schema = Schema::fromIntrospection(readFixture(QStringLiteral("introspection-todo.json")), &error);
    QVERIFY2(schema, qPrintable(error));

    const SchemaType *entry = schema->type(QStringLiteral("Entry"));
    QCOMPARE(entry->kind, SchemaType::Kind::Interface);
    QCOMPARE(entry->interfaces, (QStringList{QStringLiteral("Node"), QStringLiteral("Timestamped")}));
    QStringList possible = entry->possibleTypes;
    possible.sort();
    QCOMPARE(possible, (QStringList{QStringLiteral("Note"), QStringLiteral("Todo")}));

    const SchemaType *result = schema->type(QStringLiteral("SearchResult"));
    QCOMPARE(result->kind, SchemaType::Kind::Union);
    QCOMPARE(result->possibleTypes.size(), 3);
    QVERIFY(result->isComposite());
    QVERIFY(!result->isInput());

    QVERIFY(schema->typesOverlap(QStringLiteral("SearchResult"), QStringLiteral("Node")));
    QVERIFY(schema->typesOverlap(QStringLiteral("Entry"), QStringLiteral("Todo")));
    QVERIFY(!schema->typesOverlap(QStringLiteral("Entry"), QStringLiteral("User")));
    QVERIFY(!schema->typesOverlap(QStringLiteral("Note"), QStringLiteral("SearchResult")));
    QCOMPARE(schema->possibleTypeNames(QStringLiteral("Todo")), QStringList{QStringLiteral("Todo")});
    QVERIFY(schema->possibleTypeNames(QStringLiteral("Priority")).isEmpty());
}

void TestGraphqlSchema::deprecationsAndDefaults()
{
    QString error;
    const std::optional<Schema> schema = Schema::fromIntrospection(readFixture(QStringLiteral("introspection-todo.json")), &error);
    QVERIFY2(schema, qPrintable(error));

    const SchemaField *text = schema->field(QStringLiteral("Todo"), QStringLiteral("text"));
    QVERIFY(text->deprecated);
    QCOMPARE(text->deprecationReason, QStringLiteral("Use `title`."));
    QVERIFY(!schema->field(QStringLiteral("Todo"), QStringLiteral("title"))->deprecated);

    const SchemaType *priority = schema->type(QStringLiteral("Priority"));
    QCOMPARE(priority->enumValues.size(), 4);
    QCOMPARE(priority->enumValues.at(3).name, QStringLiteral("URGENT"));
    QVERIFY(priority->enumValues.at(3).deprecated);
    QCOMPARE(priority->enumValues.at(3).deprecationReason, QStringLiteral("Use HIGH."));

    const SchemaInputValue *nickname =
        schema->field(QStringLiteral("Mutation"), QStringLiteral("updateProfile"))->argument(QStringLiteral("nickname"));
    QVERIFY(nickname);
    QVERIFY(nickname->deprecated);
    const SchemaType *input = schema->type(QStringLiteral("AddTodoInput"));
    QVERIFY(input->inputField(QStringLiteral("legacyId"))->deprecated);
    QCOMPARE(input->inputField(QStringLiteral("priority"))->defaultValue, QStringLiteral("NORMAL"));
    QCOMPARE(input->inputField(QStringLiteral("tags"))->defaultValue, QStringLiteral("[]"));
    QVERIFY(input->inputField(QStringLiteral("notes"))->defaultValue.isEmpty());
}

void TestGraphqlSchema::directives()
{
    QString error;
    const std::optional<Schema> schema = Schema::fromIntrospection(readFixture(QStringLiteral("introspection-todo.json")), &error);
    QVERIFY2(schema, qPrintable(error));

    const SchemaDirective *tag = schema->directive(QStringLiteral("tag"));
    QVERIFY(tag);
    QVERIFY(tag->repeatable);
    QVERIFY(tag->locations.contains(QStringLiteral("FRAGMENT_SPREAD")));
    QCOMPARE(tag->arguments.first().type.toString(), QStringLiteral("String!"));
    QCOMPARE(schema->directive(QStringLiteral("cached"))->description, QStringLiteral("Caches the result for `ttl` seconds."));
    QVERIFY(!schema->directive(QStringLiteral("cached"))->repeatable);
    QVERIFY(schema->directive(QStringLiteral("include")));
    QVERIFY(schema->directive(QStringLiteral("deprecated")));
    QVERIFY(!schema->directive(QStringLiteral("missing")));

    // A server that leaves out directives still accepts @skip and @include.
    const QByteArray withoutDirectives =
        todoWith({QStringLiteral("data"), QStringLiteral("__schema"), QStringLiteral("directives")}, QJsonValue::Undefined);
    const std::optional<Schema> bare = Schema::fromIntrospection(withoutDirectives, &error);
    QVERIFY2(bare, qPrintable(error));
    QCOMPARE(bare->directives().size(), 2);
    QCOMPARE(bare->directive(QStringLiteral("skip"))->arguments.first().type.toString(), QStringLiteral("Boolean!"));
    QVERIFY(bare->directive(QStringLiteral("include"))->locations.contains(QStringLiteral("INLINE_FRAGMENT")));
}

void TestGraphqlSchema::metaFields()
{
    QString error;
    const std::optional<Schema> schema = Schema::fromIntrospection(readFixture(QStringLiteral("introspection-todo.json")), &error);
    QVERIFY2(schema, qPrintable(error));

    const SchemaField *typeName = schema->field(QStringLiteral("Todo"), QStringLiteral("__typename"));
    QVERIFY(typeName);
    QCOMPARE(typeName->type.toString(), QStringLiteral("String!"));
    QVERIFY(schema->field(QStringLiteral("SearchResult"), QStringLiteral("__typename")));
    QVERIFY(schema->field(QStringLiteral("Node"), QStringLiteral("__typename")));
    QVERIFY(!schema->field(QStringLiteral("Priority"), QStringLiteral("__typename")));

    QCOMPARE(schema->field(QStringLiteral("Query"), QStringLiteral("__schema"))->type.toString(), QStringLiteral("__Schema!"));
    const SchemaField *type = schema->field(QStringLiteral("Query"), QStringLiteral("__type"));
    QVERIFY(type);
    QCOMPARE(type->type.toString(), QStringLiteral("__Type"));
    QCOMPARE(type->argument(QStringLiteral("name"))->type.toString(), QStringLiteral("String!"));
    QVERIFY(!schema->field(QStringLiteral("Todo"), QStringLiteral("__schema")));
    QVERIFY(!schema->field(QStringLiteral("Mutation"), QStringLiteral("__type")));
    QVERIFY(schema->field(QStringLiteral("Mutation"), QStringLiteral("__typename")));

    // An empty schema returns null for every lookup.
    const Schema empty;
    QVERIFY(!empty.field(QStringLiteral("Query"), QStringLiteral("__typename")));
    QVERIFY(!empty.field(*schema->type(QStringLiteral("Todo")), QStringLiteral("__typename")));
    QVERIFY(!empty.type(QStringLiteral("Query")));
    QVERIFY(!empty.rootType(OperationDefinition::Type::Query));
    QVERIFY(empty.types().isEmpty());
}

void TestGraphqlSchema::typeHelpers()
{
    QString error;
    const std::optional<Schema> schema = Schema::fromIntrospection(readFixture(QStringLiteral("introspection-todo.json")), &error);
    QVERIFY2(schema, qPrintable(error));

    const TypeRef &tags = schema->field(QStringLiteral("Todo"), QStringLiteral("tags"))->type;
    QCOMPARE(namedTypeName(tags), QStringLiteral("Tag"));
    QCOMPARE(schema->namedType(tags)->name, QStringLiteral("Tag"));
    QVERIFY(!schema->isLeafType(tags));
    QVERIFY(!schema->isInputType(tags));
    const TypeRef &priority = schema->field(QStringLiteral("Todo"), QStringLiteral("priority"))->type;
    QVERIFY(schema->isLeafType(priority));
    QVERIFY(schema->isInputType(priority));
    QCOMPARE(schemaTypeKindName(SchemaType::Kind::InputObject), QStringLiteral("INPUT_OBJECT"));
    QCOMPARE(schemaTypeKindName(SchemaType::Kind::Union), QStringLiteral("UNION"));
}

void TestGraphqlSchema::interopFixture()
{
    QString error;
    const std::optional<Schema> schema = Schema::fromIntrospection(readFixture(QStringLiteral("introspection-interop.json")), &error);
    QVERIFY2(schema, qPrintable(error));
    QCOMPARE(schema->queryType(), QStringLiteral("Query"));
    QCOMPARE(schema->mutationType(), QStringLiteral("Mutation"));
    QVERIFY(schema->subscriptionType().isEmpty());
    QVERIFY(!schema->rootType(OperationDefinition::Type::Subscription));
    QCOMPARE(schema->field(QStringLiteral("Mutation"), QStringLiteral("addTodo"))->type.toString(), QStringLiteral("Todo!"));
    QCOMPARE(schema->field(QStringLiteral("Query"), QStringLiteral("todos"))->type.toString(), QStringLiteral("[Todo!]!"));
}

void TestGraphqlSchema::acceptedShapes()
{
    const QJsonObject response = fixtureObject(QStringLiteral("introspection-interop.json"));
    const QJsonObject schemaObject = response.value(QLatin1String("data"))[QLatin1String("__schema")].toObject();
    QString error;

    QVERIFY2(Schema::fromIntrospection(response, &error), qPrintable(error));
    const QJsonObject wrappedSchema{{QStringLiteral("__schema"), schemaObject}};
    QVERIFY2(Schema::fromIntrospection(wrappedSchema, &error), qPrintable(error));
    QVERIFY2(Schema::fromIntrospection(schemaObject, &error), qPrintable(error));

    // A UTF-8 byte order mark and surrounding white space are tolerated.
    const QByteArray withBom = "\xEF\xBB\xBF  " + readFixture(QStringLiteral("introspection-interop.json")) + "\n\n";
    QVERIFY2(Schema::fromIntrospection(withBom, &error), qPrintable(error));
    // A null error pointer is allowed.
    QVERIFY(!Schema::fromIntrospection(QByteArrayView("nope"), nullptr));
}

void TestGraphqlSchema::badInput_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");

    const QByteArray fixture = readFixture(QStringLiteral("introspection-todo.json"));
    const QString data = QStringLiteral("data");
    const QString schemaKey = QStringLiteral("__schema");
    const QString types = QStringLiteral("types");
    const int todo = todoTypeIndex(QStringLiteral("Todo"));
    const int title = fieldIndex(todo, QStringLiteral("title"));
    const QString todoPath = QStringLiteral("__schema.types[%1]").arg(todo);
    const QString titlePath = QStringLiteral("%1.fields[%2]").arg(todoPath).arg(title);

    QTest::newRow("empty") << QByteArray() << QStringLiteral("The introspection response is empty");
    QTest::newRow("white space") << QByteArray(" \r\n\t") << QStringLiteral("The introspection response is empty");
    QTest::newRow("not json") << QByteArray("schema please") << QStringLiteral("The introspection response is not valid JSON");
    QTest::newRow("html page") << QByteArray("\n<!DOCTYPE html><html><body>Not found</body></html>")
                               << QStringLiteral("the server probably sent an HTML page");
    QTest::newRow("truncated") << fixture.left(fixture.size() / 2) << QStringLiteral("is not valid JSON");
    QTest::newRow("truncated at one byte") << fixture.left(1) << QStringLiteral("is not valid JSON");
    QTest::newRow("invalid utf-8") << QByteArray("{\"data\": {\"__schema\": \"\xC3\x28\"}}")
                                   << QStringLiteral("is not valid JSON");
    QTest::newRow("array") << QByteArray("[1, 2]") << QStringLiteral("is a JSON array, expected an object");
    QTest::newRow("unrelated object") << QByteArray("{\"hello\": 1}") << QStringLiteral("neither \"data\" nor \"__schema\"");
    QTest::newRow("data null") << QByteArray("{\"data\": null}")
                               << QStringLiteral("Invalid introspection response at data: found null, expected an object");
    QTest::newRow("schema missing") << QByteArray("{\"data\": {}}")
                                    << QStringLiteral("Invalid introspection response at __schema: the member is missing, expected an object.");
    QTest::newRow("schema a string") << QByteArray("{\"__schema\": \"yes\"}")
                                     << QStringLiteral("at __schema: found a string, expected an object.");
    QTest::newRow("types an object") << todoWith({data, schemaKey, types}, QJsonObject())
                                     << QStringLiteral("at __schema.types: found an object, expected an array.");
    QTest::newRow("query type missing") << todoWith({data, schemaKey, QStringLiteral("queryType")}, QJsonValue::Undefined)
                                        << QStringLiteral("at __schema.queryType: the member is missing, expected an object.");
    QTest::newRow("field type kind a number")
        << todoWith({data, schemaKey, types, todo, QStringLiteral("fields"), title, QStringLiteral("type"), QStringLiteral("kind")}, 5)
        << QStringLiteral("Invalid introspection response at %1.type.kind (field \"Todo.title\"): found a number, expected a "
                          "string such as \"NON_NULL\".")
               .arg(titlePath);
    QTest::newRow("field name missing")
        << todoWith({data, schemaKey, types, todo, QStringLiteral("fields"), title, QStringLiteral("name")}, QJsonValue::Undefined)
        << QStringLiteral("at %1.name (type \"Todo\"): the member is missing, expected a string.").arg(titlePath);
    QTest::newRow("field args missing")
        << todoWith({data, schemaKey, types, todo, QStringLiteral("fields"), title, QStringLiteral("args")}, QJsonValue::Undefined)
        << QStringLiteral("at %1.args (field \"Todo.title\"): the member is missing, expected an array.").arg(titlePath);
    QTest::newRow("deprecated a string")
        << todoWith({data, schemaKey, types, todo, QStringLiteral("fields"), title, QStringLiteral("isDeprecated")}, QStringLiteral("no"))
        << QStringLiteral("at %1.isDeprecated (field \"Todo.title\"): found a string, expected a boolean.").arg(titlePath);
    QTest::newRow("type name not a name")
        << todoWith({data, schemaKey, types, todo, QStringLiteral("name")}, QStringLiteral("To do"))
        << QStringLiteral("at %1.name: \"To do\" is not a valid GraphQL name").arg(todoPath);
    QTest::newRow("type kind LIST")
        << todoWith({data, schemaKey, types, todo, QStringLiteral("kind")}, QStringLiteral("LIST"))
        << QStringLiteral("at %1.kind: \"LIST\" is not a named type kind").arg(todoPath);
    QTest::newRow("type not an object") << todoWith({data, schemaKey, types, todo}, 7)
                                        << QStringLiteral("at %1: found a number, expected an object.").arg(todoPath);
    QTest::newRow("fields missing on object")
        << todoWith({data, schemaKey, types, todo, QStringLiteral("fields")}, QJsonValue::Null)
        << QStringLiteral("at %1.fields (type \"Todo\"): found null, expected an array.").arg(todoPath);
    QTest::newRow("enum values missing")
        << todoWith({data, schemaKey, types, todoTypeIndex(QStringLiteral("Priority")), QStringLiteral("enumValues")}, QJsonValue::Undefined)
        << QStringLiteral("(type \"Priority\"): the member is missing, expected an array.");
    QTest::newRow("directive locations a string")
        << todoWith({data, schemaKey, QStringLiteral("directives"), 0, QStringLiteral("locations")}, QStringLiteral("FIELD"))
        << QStringLiteral("at __schema.directives[0].locations (directive \"@");
    QTest::newRow("undefined type")
        << todoWith({data, schemaKey, types, todoTypeIndex(QStringLiteral("Tag"))}, QJsonValue::Undefined)
        << QStringLiteral("refers to the type \"Tag\", which is not among __schema.types.");
    QTest::newRow("duplicate type")
        << todoWith({data, schemaKey, types, todoTypeIndex(QStringLiteral("Tag")), QStringLiteral("name")}, QStringLiteral("Todo"))
        << QStringLiteral("the type \"Todo\" is defined twice");
    QTest::newRow("root type a scalar")
        << todoWith({data, schemaKey, QStringLiteral("mutationType"), QStringLiteral("name")}, QStringLiteral("Date"))
        << QStringLiteral("the root type \"Date\" (__schema.mutationType) is of kind SCALAR");
    QTest::newRow("field of input type")
        << todoWith({data, schemaKey, types, todo, QStringLiteral("fields"), title, QStringLiteral("type")},
                    named(QStringLiteral("INPUT_OBJECT"), QStringLiteral("TodoFilter")))
        << QStringLiteral("field \"Todo.title\" has the INPUT_OBJECT type \"TodoFilter\"");
    QTest::newRow("non-null in non-null")
        << todoWith({data, schemaKey, types, todo, QStringLiteral("fields"), title, QStringLiteral("type")},
                    wrapped(QStringLiteral("NON_NULL"), wrapped(QStringLiteral("NON_NULL"), named(QStringLiteral("SCALAR"), QStringLiteral("String")))))
        << QStringLiteral("at %1.type.ofType.kind (field \"Todo.title\"): a NON_NULL type wraps another NON_NULL type").arg(titlePath);

    QJsonObject deep = named(QStringLiteral("SCALAR"), QStringLiteral("String"));
    for (int i = 0; i < 40; ++i)
        deep = wrapped(QStringLiteral("LIST"), deep);
    QTest::newRow("type nests too deep")
        << todoWith({data, schemaKey, types, todo, QStringLiteral("fields"), title, QStringLiteral("type")}, deep)
        << QStringLiteral("the type reference nests deeper than the limit of 32 LIST and NON_NULL levels.");
    QTest::newRow("ofType beyond the query depth")
        << readFixture(QStringLiteral("introspection-deep.json"))
        << QStringLiteral(".ofType.ofType.ofType.ofType.ofType.ofType.ofType.ofType.ofType (field \"Query.grid\"): the wrapped type "
                          "is missing. The introspection query probably asks for fewer levels of \"ofType\" than this type has.");
}

void TestGraphqlSchema::badInput()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);

    QString error;
    const std::optional<Schema> schema = Schema::fromIntrospection(json, &error);
    QVERIFY(!schema);
    QVERIFY2(error.contains(expected), qPrintable(QStringLiteral("message: %1").arg(error)));
    QVERIFY(error.endsWith(QLatin1Char('.')));
}

void TestGraphqlSchema::serverErrorQuotesFirstMessage()
{
    QString error;
    QVERIFY(!Schema::fromIntrospection(readFixture(QStringLiteral("introspection-disabled.json")), &error));
    QVERIFY2(error.startsWith(QStringLiteral("The server answered the introspection query with ")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("errors, the first: \"GraphQL introspection has been disabled, but the requested "
                                           "query contained the field \"__schema\".\"")),
             qPrintable(error));

    const QByteArray single = R"({"errors": [{"message": "Not authorized"}], "data": null})";
    QVERIFY(!Schema::fromIntrospection(single, &error));
    QVERIFY2(error.contains(QStringLiteral("with an error: \"Not authorized\".")), qPrintable(error));

    const QByteArray noMessage = R"({"errors": [{"code": 1}]})";
    QVERIFY(!Schema::fromIntrospection(noMessage, &error));
    QVERIFY2(error.contains(QStringLiteral("(no message)")), qPrintable(error));
}

void TestGraphqlSchema::tooLarge()
{
    QByteArray huge(Schema::maxIntrospectionBytes + 1, ' ');
    huge[0] = '{';
    huge[huge.size() - 1] = '}';
    QString error;
    QVERIFY(!Schema::fromIntrospection(huge, &error));
    QVERIFY2(error.contains(QStringLiteral("larger than the limit of 33554432 bytes (32 MiB)")), qPrintable(error));

    // Exactly at the limit, the response is parsed (and rejected for what it contains).
    huge.chop(1);
    huge[huge.size() - 1] = '}';
    QVERIFY(!Schema::fromIntrospection(huge, &error));
    QVERIFY2(error.contains(QStringLiteral("neither \"data\" nor \"__schema\"")), qPrintable(error));
}

void TestGraphqlSchema::utf16Rejected()
{
    const QString text = QString::fromUtf8(readFixture(QStringLiteral("introspection-interop.json")));
    QStringEncoder withBom(QStringEncoder::Utf16LE, QStringEncoder::Flag::WriteBom);
    QString error;
    QVERIFY(!Schema::fromIntrospection(QByteArray(withBom(text)), &error));
    QVERIFY2(error.contains(QStringLiteral("encoded as UTF-16 or UTF-32 (it starts with a byte order mark), but JSON must be UTF-8")),
             qPrintable(error));

    QStringEncoder bigEndian(QStringEncoder::Utf16BE);
    QVERIFY(!Schema::fromIntrospection(QByteArray(bigEndian(text)), &error));
    QVERIFY2(error.contains(QStringLiteral("(it contains zero bytes)")), qPrintable(error));
}

// The app's own introspection query, executed by graphql-js (the reference implementation) on
// the to-do schema, reads back as the same schema as the fixture.
void TestGraphqlSchema::ownQueryAgainstGraphqlJs()
{
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty())
        QSKIP("Node.js is not installed");
    if (!QFileInfo::exists(QStringLiteral(AFX_SOURCE_DIR "/tests/interop/node_modules/graphql/package.json")))
        QSKIP("graphql-js is not installed: run npm ci in tests/interop");

    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    QFile queryFile(directory.filePath(QStringLiteral("introspection.graphql")));
    QVERIFY(queryFile.open(QIODevice::WriteOnly));
    queryFile.write(introspectionQuery().toUtf8());
    queryFile.close();

    QProcess process;
    process.start(node, {QStringLiteral(AFX_SOURCE_DIR "/tests/data/graphql/make-fixtures.mjs"), QStringLiteral("--execute"),
                         queryFile.fileName()});
    QVERIFY(process.waitForFinished(60000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    const QByteArray response = process.readAllStandardOutput();

    QString error;
    const std::optional<Schema> schema = Schema::fromIntrospection(response, &error);
    QVERIFY2(schema, qPrintable(error + QStringLiteral("\n") + QString::fromUtf8(response.left(500))));
    const std::optional<Schema> fixture = Schema::fromIntrospection(readFixture(QStringLiteral("introspection-todo.json")), &error);
    QVERIFY2(fixture, qPrintable(error));

    QCOMPARE(schema->types().size(), fixture->types().size());
    for (const SchemaType &expected : fixture->types()) {
        const SchemaType *actual = schema->type(expected.name);
        QVERIFY2(actual, qPrintable(expected.name));
        QCOMPARE(actual->kind, expected.kind);
        QCOMPARE(actual->description, expected.description);
        QCOMPARE(actual->fields.size(), expected.fields.size());
        QCOMPARE(actual->inputFields.size(), expected.inputFields.size());
        QCOMPARE(actual->enumValues.size(), expected.enumValues.size());
        QCOMPARE(actual->interfaces, expected.interfaces);
        QCOMPARE(actual->possibleTypes, expected.possibleTypes);
        for (qsizetype i = 0; i < expected.fields.size(); ++i) {
            QCOMPARE(actual->fields.at(i).type.toString(), expected.fields.at(i).type.toString());
            QCOMPARE(actual->fields.at(i).arguments.size(), expected.fields.at(i).arguments.size());
            QCOMPARE(actual->fields.at(i).deprecated, expected.fields.at(i).deprecated);
        }
    }
    QCOMPARE(schema->directives().size(), fixture->directives().size());
    QVERIFY(schema->directive(QStringLiteral("tag"))->repeatable);
    QVERIFY(schema->field(QStringLiteral("Mutation"), QStringLiteral("updateProfile"))->argument(QStringLiteral("nickname"))->deprecated);
    QVERIFY(schema->type(QStringLiteral("AddTodoInput"))->inputField(QStringLiteral("legacyId"))->deprecated);
}

QTEST_GUILESS_MAIN(TestGraphqlSchema)
#include "tst_graphqlschema.moc"
