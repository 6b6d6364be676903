#include "sandbox/graphqlexecutor.h"

#include "sandbox/graphqlintrospection.h"
#include "sandbox/graphqlschema.h"
#include "sandbox/graphqlvalidator.h"
#include "sandbox/orderedjson.h"

#include "graphql/parser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QVariant>

#include <cmath>

namespace afx::sandbox {

using namespace afx::graphql;

namespace {

OrderedJson errorToJson(const GraphqlError &error)
{
    OrderedJson json = OrderedJson::object();
    json.insert(QStringLiteral("message"), OrderedJson::string(error.message));
    if (!error.locations.isEmpty()) {
        OrderedJson locations = OrderedJson::array();
        for (const SourceLocation &location : error.locations) {
            OrderedJson entry = OrderedJson::object();
            entry.insert(QStringLiteral("line"), OrderedJson::integer(location.line));
            entry.insert(QStringLiteral("column"), OrderedJson::integer(location.column));
            locations.append(std::move(entry));
        }
        json.insert(QStringLiteral("locations"), std::move(locations));
    }
    if (!error.path.isEmpty()) {
        OrderedJson path = OrderedJson::array();
        for (const QVariant &segment : error.path) {
            if (segment.typeId() == QMetaType::Int)
                path.append(OrderedJson::integer(segment.toInt()));
            else
                path.append(OrderedJson::string(segment.toString()));
        }
        json.insert(QStringLiteral("path"), std::move(path));
    }
    if (!error.code.isEmpty()) {
        OrderedJson extensions = OrderedJson::object();
        extensions.insert(QStringLiteral("code"), OrderedJson::string(error.code));
        json.insert(QStringLiteral("extensions"), std::move(extensions));
    }
    return json;
}

QByteArray responseBody(const QList<GraphqlError> &errors, const std::optional<OrderedJson> &data)
{
    OrderedJson response = OrderedJson::object();
    if (!errors.isEmpty()) {
        OrderedJson list = OrderedJson::array();
        for (const GraphqlError &error : errors)
            list.append(errorToJson(error));
        response.insert(QStringLiteral("errors"), std::move(list));
    }
    if (data)
        response.insert(QStringLiteral("data"), *data);
    return response.toJson();
}

QString describeJson(const QJsonValue &value)
{
    if (value.isString()) {
        QByteArray out;
        appendJsonString(out, value.toString());
        return QString::fromUtf8(out);
    }
    if (value.isNull() || value.isUndefined())
        return QStringLiteral("null");
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isDouble())
        return QString::number(value.toDouble());
    const QJsonDocument document = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    return QString::fromUtf8(document.toJson(QJsonDocument::Compact));
}

bool isIntegral(double number)
{
    return std::isfinite(number) && std::floor(number) == number;
}

// Coerces a JSON variable value to `type` with the spec's input coercion rules.
bool coerceVariableValue(const QJsonValue &value, const TypeRef &type, QJsonValue *out, QString *error)
{
    if (type.kind == TypeRef::Kind::NonNull) {
        if (value.isNull() || value.isUndefined()) {
            *error = QStringLiteral("expected a value of non-null type \"%1\", found null").arg(type.toString());
            return false;
        }
        return coerceVariableValue(value, type.inner(), out, error);
    }
    if (value.isNull() || value.isUndefined()) {
        *out = QJsonValue::Null;
        return true;
    }
    if (type.kind == TypeRef::Kind::List) {
        QJsonArray coerced;
        const QJsonArray items = value.isArray() ? value.toArray() : QJsonArray{value};
        for (const QJsonValue &item : items) {
            QJsonValue element;
            if (!coerceVariableValue(item, type.inner(), &element, error))
                return false;
            coerced.append(element);
        }
        *out = coerced;
        return true;
    }

    const QString &name = type.name;
    bool valid = false;
    if (name == QLatin1String("String")) {
        valid = value.isString();
        *out = value;
    } else if (name == QLatin1String("Boolean")) {
        valid = value.isBool();
        *out = value;
    } else if (name == QLatin1String("Float")) {
        valid = value.isDouble() && std::isfinite(value.toDouble());
        *out = value;
    } else if (name == QLatin1String("Int")) {
        const double number = value.toDouble();
        valid = value.isDouble() && isIntegral(number) && number >= -2147483648.0 && number <= 2147483647.0;
        *out = value;
    } else if (name == QLatin1String("ID")) {
        const double number = value.toDouble();
        if (value.isString()) {
            valid = true;
            *out = value;
        } else if (value.isDouble() && isIntegral(number) && std::fabs(number) < 9007199254740992.0) {
            valid = true;
            *out = QString::number(qint64(number));
        }
    }
    if (!valid)
        *error = QStringLiteral("expected type \"%1\", found %2").arg(name, describeJson(value));
    return valid;
}

// The value of an argument or directive literal, with variables already coerced.
// Returns nullopt when the value is a variable that has no value.
std::optional<QJsonValue> valueFromLiteral(const Value &literal, const TypeRef &type, const QJsonObject &variables)
{
    switch (literal.kind) {
    case Value::Kind::Variable:
        if (!variables.contains(literal.text))
            return std::nullopt;
        return variables.value(literal.text);
    case Value::Kind::Null:
        return QJsonValue(QJsonValue::Null);
    default:
        break;
    }

    const TypeRef &nullable = type.kind == TypeRef::Kind::NonNull ? type.inner() : type;
    if (nullable.kind == TypeRef::Kind::List) {
        QJsonArray items;
        if (literal.kind == Value::Kind::List) {
            for (const Value &item : literal.items)
                items.append(valueFromLiteral(item, nullable.inner(), variables).value_or(QJsonValue::Null));
        } else {
            items.append(valueFromLiteral(literal, nullable.inner(), variables).value_or(QJsonValue::Null));
        }
        return QJsonValue(items);
    }
    switch (literal.kind) {
    case Value::Kind::Int:
        if (nullable.name == QLatin1String("ID") || nullable.name == QLatin1String("String"))
            return QJsonValue(literal.text);
        return QJsonValue(literal.text.toDouble());
    case Value::Kind::Float:
        return QJsonValue(literal.text.toDouble());
    case Value::Kind::String:
    case Value::Kind::Enum:
        return QJsonValue(literal.text);
    case Value::Kind::Boolean:
        return QJsonValue(literal.booleanValue());
    default:
        return QJsonValue(QJsonValue::Null);
    }
}

// A value that a resolver produced, before completion against the field's type.
struct Resolved {
    enum class Kind { Null, Scalar, Object, List };
    Kind kind = Kind::Null;
    QJsonValue scalar;
    QString objectType;                 // Object: "Query", "Todo", "__Type", ...
    TodoItem todo;                      // Object of type Todo
    QJsonObject fields;                 // Object of type LoginResult: its scalar fields by name
    IntrospectionSubject introspection; // Object of an introspection type
    std::vector<Resolved> items;        // List

    static Resolved null() { return {}; }
    static Resolved ofScalar(QJsonValue value)
    {
        Resolved resolved;
        resolved.kind = Kind::Scalar;
        resolved.scalar = std::move(value);
        return resolved;
    }
    static Resolved ofObject(const QString &type, const TodoItem &item = {})
    {
        Resolved resolved;
        resolved.kind = Kind::Object;
        resolved.objectType = type;
        resolved.todo = item;
        return resolved;
    }
    static Resolved ofTodos(const QList<TodoItem> &todos)
    {
        Resolved resolved;
        resolved.kind = Kind::List;
        for (const TodoItem &todo : todos)
            resolved.items.push_back(ofObject(QStringLiteral("Todo"), todo));
        return resolved;
    }
    static Resolved ofIntrospection(const IntrospectionValue &value)
    {
        Resolved resolved;
        switch (value.kind) {
        case IntrospectionValue::Kind::Null:
            break;
        case IntrospectionValue::Kind::Scalar:
            resolved = ofScalar(value.scalar);
            break;
        case IntrospectionValue::Kind::Object:
            resolved = ofObject(value.objectType);
            resolved.introspection = value.subject;
            break;
        case IntrospectionValue::Kind::List:
            resolved.kind = Kind::List;
            for (const IntrospectionValue &item : value.items)
                resolved.items.push_back(ofIntrospection(item));
            break;
        }
        return resolved;
    }
};

// Runs one validated operation (GraphQL spec section 6).
class Execution {
public:
    // `viewer` is null for an anonymous request.
    Execution(const Document &document, const QJsonObject &variables, const Viewer *viewer, TodoStore &store,
              const LoginHandler &login, const WriteCheck &writeCheck)
        : m_document(document)
        , m_variables(variables)
        , m_viewer(viewer)
        , m_store(store)
        , m_login(login)
        , m_writeCheck(writeCheck)
    {
    }

    std::optional<OrderedJson> run(const OperationDefinition &operation)
    {
        const QString rootType = operation.type == OperationDefinition::Type::Mutation ? QStringLiteral("Mutation")
                                                                                      : QStringLiteral("Query");
        // Mutation fields run one after another in document order, which this
        // single-threaded executor does for every operation.
        return executeSelectionSet(Resolved::ofObject(rootType), {&operation.selectionSet}, {});
    }

    QList<GraphqlError> errors;

private:
    using FieldGroups = QList<QPair<QString, QList<const Selection *>>>;
    using Path = QVariantList;

    bool isIncluded(const Selection &selection) const
    {
        for (const Directive &directive : selection.directives) {
            const bool isSkip = directive.name == QLatin1String("skip");
            if (!isSkip && directive.name != QLatin1String("include"))
                continue;
            bool condition = false;
            for (const Argument &argument : directive.arguments) {
                if (argument.name == QLatin1String("if"))
                    condition = valueFromLiteral(argument.value, GraphqlSchema::typeFromString(QStringLiteral("Boolean!")),
                                                 m_variables)
                                    .value_or(QJsonValue(false))
                                    .toBool();
            }
            if (isSkip == condition)
                return false;
        }
        return true;
    }

    // CollectFields of the spec: groups fields by response key, in order, expanding
    // fragments whose type condition matches. Each fragment is expanded once per call.
    void collectFields(const QString &objectType, const std::vector<Selection> &selections, FieldGroups &groups,
                       QSet<QString> &visitedFragments) const
    {
        for (const Selection &selection : selections) {
            if (!isIncluded(selection))
                continue;
            switch (selection.kind) {
            case Selection::Kind::Field: {
                const QString key = selection.responseKey();
                auto group = std::find_if(groups.begin(), groups.end(), [&key](const auto &entry) { return entry.first == key; });
                if (group == groups.end())
                    groups.append({key, {&selection}});
                else
                    group->second.append(&selection);
                break;
            }
            case Selection::Kind::FragmentSpread: {
                if (visitedFragments.contains(selection.name))
                    break;
                visitedFragments.insert(selection.name);
                const FragmentDefinition *fragment = m_document.fragment(selection.name);
                if (fragment && fragment->typeCondition == objectType)
                    collectFields(objectType, fragment->selectionSet, groups, visitedFragments);
                break;
            }
            case Selection::Kind::InlineFragment:
                if (selection.typeCondition.isEmpty() || selection.typeCondition == objectType)
                    collectFields(objectType, selection.selectionSet, groups, visitedFragments);
                break;
            }
        }
    }

    std::optional<OrderedJson> executeSelectionSet(const Resolved &object, const QList<const std::vector<Selection> *> &sets,
                                                   const Path &path)
    {
        FieldGroups groups;
        QSet<QString> visitedFragments;
        for (const std::vector<Selection> *selections : sets)
            collectFields(object.objectType, *selections, groups, visitedFragments);

        OrderedJson result = OrderedJson::object();
        for (const auto &[key, fields] : groups) {
            Path fieldPath = path;
            fieldPath.append(key);
            std::optional<OrderedJson> value = executeField(object, fields, fieldPath);
            if (!value)
                return std::nullopt; // a non-null field failed: this object becomes null
            result.insert(key, std::move(*value));
        }
        return result;
    }

    void addError(const QString &message, const Selection &field, const Path &path, const QString &code = QString())
    {
        errors.append(GraphqlError{message, {field.location}, path, code});
    }

    std::optional<OrderedJson> executeField(const Resolved &object, const QList<const Selection *> &fields, const Path &path)
    {
        const Selection &field = *fields.first();
        if (field.name == QLatin1String("__typename"))
            return OrderedJson::string(object.objectType);

        const FieldDefinition *definition = GraphqlSchema::instance().field(object.objectType, field.name);
        Q_ASSERT(definition); // the validator rejected unknown fields

        QString error;
        QString code;
        QJsonObject arguments;
        Resolved value;
        if (!coerceArguments(field, *definition, &arguments, &error)
            || !resolve(object, field.name, arguments, &value, &error, &code)) {
            addError(error, field, path, code);
            if (definition->type.kind == TypeRef::Kind::NonNull)
                return std::nullopt;
            return OrderedJson::null();
        }
        return completeValue(definition->type, object.objectType, fields, value, path);
    }

    bool coerceArguments(const Selection &field, const FieldDefinition &definition, QJsonObject *out, QString *error) const
    {
        for (const ArgumentDefinition &argumentDefinition : definition.arguments) {
            std::optional<QJsonValue> value;
            for (const Argument &argument : field.arguments) {
                if (argument.name == argumentDefinition.name)
                    value = valueFromLiteral(argument.value, argumentDefinition.type, m_variables);
            }
            if (!value && argumentDefinition.hasDefaultValue())
                value = argumentDefinition.defaultValue;
            if (argumentDefinition.type.kind == TypeRef::Kind::NonNull && (!value || value->isNull())) {
                *error = QStringLiteral("Argument \"%1\" of non-null type \"%2\" must not be null.")
                             .arg(argumentDefinition.name, argumentDefinition.type.toString());
                return false;
            }
            if (value)
                out->insert(argumentDefinition.name, *value);
        }
        return true;
    }

    bool resolveLogin(const QJsonObject &arguments, Resolved *out, QString *error, QString *code)
    {
        if (!m_login) {
            *error = QStringLiteral("The login mutation is not available.");
            *code = QStringLiteral("INTERNAL_SERVER_ERROR");
            return false;
        }
        const std::optional<LoginTokens> tokens = m_login(arguments.value(QStringLiteral("email")).toString(),
                                                          arguments.value(QStringLiteral("password")).toString(),
                                                          error, code);
        if (!tokens)
            return false;
        Resolved result = Resolved::ofObject(QStringLiteral("LoginResult"));
        result.fields = QJsonObject{{QStringLiteral("idToken"), tokens->idToken},
                                    {QStringLiteral("refreshToken"), tokens->refreshToken},
                                    {QStringLiteral("accessToken"), tokens->accessToken},
                                    {QStringLiteral("expiresIn"), tokens->expiresIn}};
        *out = result;
        return true;
    }

    bool resolve(const Resolved &object, const QString &fieldName, const QJsonObject &arguments, Resolved *out,
                 QString *error, QString *code)
    {
        const QString &type = object.objectType;
        if (type == QLatin1String("Mutation") && fieldName == QLatin1String("login"))
            return resolveLogin(arguments, out, error, code);
        // Introspection objects come only from __schema and __type below, which need a viewer.
        if (type.startsWith(QLatin1String("__"))) {
            *out = Resolved::ofIntrospection(resolveIntrospectionField(type, object.introspection, fieldName, arguments));
            return true;
        }
        if (type == QLatin1String("LoginResult")) {
            *out = Resolved::ofScalar(object.fields.value(fieldName));
            return true;
        }
        // Every other field belongs to the signed-in user.
        if (!m_viewer) {
            *error = QStringLiteral("Authentication required: send Authorization: Bearer <ID token or access token>.");
            *code = QStringLiteral("UNAUTHENTICATED");
            return false;
        }
        const UserAccount &viewer = m_viewer->account;
        if (type == QLatin1String("Query")) {
            if (fieldName.startsWith(QLatin1String("__")))
                *out = Resolved::ofIntrospection(resolveIntrospectionRoot(fieldName, arguments));
            else if (fieldName == QLatin1String("me"))
                *out = Resolved::ofObject(QStringLiteral("User"));
            else if (fieldName == QLatin1String("todos"))
                *out = Resolved::ofTodos(m_store.items(viewer.sub));
            return true;
        }
        if (type == QLatin1String("Mutation")) {
            const bool writes = fieldName == QLatin1String("addTodo") || fieldName == QLatin1String("setDone");
            if (writes && m_writeCheck && !m_writeCheck(*m_viewer, fieldName, error)) {
                *code = QStringLiteral("FORBIDDEN");
                return false;
            }
            if (fieldName == QLatin1String("addTodo")) {
                const std::optional<TodoItem> item = m_store.add(viewer.sub, arguments.value(QStringLiteral("title")).toString(), error);
                if (!item)
                    return false;
                *out = Resolved::ofObject(QStringLiteral("Todo"), *item);
            } else if (fieldName == QLatin1String("setDone")) {
                const QString id = arguments.value(QStringLiteral("id")).toString();
                const std::optional<TodoItem> item = m_store.setDone(viewer.sub, id, arguments.value(QStringLiteral("done")).toBool());
                if (!item) {
                    QByteArray quoted;
                    appendJsonString(quoted, id);
                    *error = QStringLiteral("No to-do item with id %1.").arg(QString::fromUtf8(quoted));
                    return false;
                }
                *out = Resolved::ofObject(QStringLiteral("Todo"), *item);
            }
            return true;
        }
        if (type == QLatin1String("User")) {
            if (fieldName == QLatin1String("sub"))
                *out = Resolved::ofScalar(viewer.sub);
            else if (fieldName == QLatin1String("email"))
                *out = Resolved::ofScalar(viewer.email);
            else if (fieldName == QLatin1String("name"))
                *out = Resolved::ofScalar(viewer.name);
            return true;
        }
        if (type == QLatin1String("Todo")) {
            if (fieldName == QLatin1String("id"))
                *out = Resolved::ofScalar(object.todo.id);
            else if (fieldName == QLatin1String("title"))
                *out = Resolved::ofScalar(object.todo.title);
            else if (fieldName == QLatin1String("done"))
                *out = Resolved::ofScalar(object.todo.done);
            return true;
        }
        return true;
    }

    // CompleteValue of the spec. Returns nullopt when a non-null position ended up null, so
    // that the nearest nullable parent becomes null instead.
    std::optional<OrderedJson> completeValue(const TypeRef &type, const QString &parentType,
                                             const QList<const Selection *> &fields, const Resolved &value, const Path &path)
    {
        if (type.kind == TypeRef::Kind::NonNull) {
            std::optional<OrderedJson> completed = completeNullable(type.inner(), parentType, fields, value, path);
            if (!completed)
                return std::nullopt;
            if (completed->isNull()) {
                addError(QStringLiteral("Cannot return null for non-nullable field %1.%2.").arg(parentType, fields.first()->name),
                         *fields.first(), path);
                return std::nullopt;
            }
            return completed;
        }
        return completeNullable(type, parentType, fields, value, path).value_or(OrderedJson::null());
    }

    std::optional<OrderedJson> completeNullable(const TypeRef &type, const QString &parentType,
                                                const QList<const Selection *> &fields, const Resolved &value, const Path &path)
    {
        if (value.kind == Resolved::Kind::Null)
            return OrderedJson::null();

        if (type.kind == TypeRef::Kind::List) {
            OrderedJson list = OrderedJson::array();
            for (qsizetype i = 0; i < qsizetype(value.items.size()); ++i) {
                Path itemPath = path;
                itemPath.append(int(i));
                std::optional<OrderedJson> item = completeValue(type.inner(), parentType, fields, value.items.at(i), itemPath);
                if (!item)
                    return std::nullopt;
                list.append(std::move(*item));
            }
            return list;
        }

        // Scalars and enum values. Enum values are strings, and the only numbers are Int values.
        if (GraphqlSchema::instance().isLeaf(type.name)) {
            if (value.scalar.isNull() || value.scalar.isUndefined())
                return OrderedJson::null();
            if (value.scalar.isBool())
                return OrderedJson::boolean(value.scalar.toBool());
            if (value.scalar.isDouble())
                return OrderedJson::integer(qint64(value.scalar.toDouble()));
            return OrderedJson::string(value.scalar.toString());
        }

        QList<const std::vector<Selection> *> subSelections;
        for (const Selection *field : fields)
            subSelections.append(&field->selectionSet);
        Resolved object = value;
        object.objectType = type.name;
        return executeSelectionSet(object, subSelections, path);
    }

    const Document &m_document;
    const QJsonObject &m_variables;
    const Viewer *m_viewer;
    TodoStore &m_store;
    const LoginHandler &m_login;
    const WriteCheck &m_writeCheck;
};

// CoerceVariableValues of the spec. Returns false with the errors appended.
bool coerceVariables(const OperationDefinition &operation, const QJsonObject &provided, QJsonObject *coerced,
                     QList<GraphqlError> *errors)
{
    for (const VariableDefinition &definition : operation.variables) {
        const QString &name = definition.name;
        if (!provided.contains(name)) {
            if (definition.hasDefaultValue) {
                coerced->insert(name, valueFromLiteral(definition.defaultValue, definition.type, {}).value_or(QJsonValue::Null));
            } else if (definition.type.kind == TypeRef::Kind::NonNull) {
                errors->append({QStringLiteral("Variable \"$%1\" of required type \"%2\" was not provided.")
                                    .arg(name, definition.type.toString()),
                                {definition.location},
                                {},
                                {}});
            }
            continue;
        }
        QJsonValue value;
        QString error;
        if (!coerceVariableValue(provided.value(name), definition.type, &value, &error)) {
            errors->append({QStringLiteral("Variable \"$%1\" got an invalid value %2: %3.")
                                .arg(name, describeJson(provided.value(name)).left(100), error),
                            {definition.location},
                            {},
                            {}});
            continue;
        }
        coerced->insert(name, value);
    }
    return errors->isEmpty();
}

// GetOperation of the spec. Returns null with *message set when no operation can be chosen.
const OperationDefinition *selectOperation(const Document &document, const QString &operationName, QString *message)
{
    if (!operationName.isEmpty()) {
        for (const OperationDefinition &candidate : document.operations) {
            if (candidate.name == operationName)
                return &candidate;
        }
        *message = QStringLiteral("Unknown operation named \"%1\".").arg(operationName.left(100));
        return nullptr;
    }
    if (document.operations.size() == 1)
        return &document.operations.first();
    *message = document.operations.isEmpty()
        ? QStringLiteral("The document has no operation to run, only fragments.")
        : QStringLiteral("Must provide operationName when the document contains several operations.");
    return nullptr;
}

// Whether every field of `selections`, with fragments expanded, is login or __typename.
bool onlyAnonymousFields(const Document &document, const std::vector<Selection> &selections,
                         QSet<QString> &visitedFragments)
{
    for (const Selection &selection : selections) {
        switch (selection.kind) {
        case Selection::Kind::Field:
            if (selection.name != QLatin1String("login") && selection.name != QLatin1String("__typename"))
                return false;
            break;
        case Selection::Kind::FragmentSpread: {
            if (visitedFragments.contains(selection.name))
                break;
            visitedFragments.insert(selection.name);
            const FragmentDefinition *fragment = document.fragment(selection.name);
            if (fragment && !onlyAnonymousFields(document, fragment->selectionSet, visitedFragments))
                return false;
            break;
        }
        case Selection::Kind::InlineFragment:
            if (!onlyAnonymousFields(document, selection.selectionSet, visitedFragments))
                return false;
            break;
        }
    }
    return true;
}

} // namespace

const QList<TodoItem> &TodoStore::items(const QString &sub)
{
    return listFor(sub);
}

QList<TodoItem> &TodoStore::listFor(const QString &sub)
{
    auto found = m_lists.find(sub);
    if (found == m_lists.end()) {
        QList<TodoItem> seeded = {
            {QStringLiteral("1"), QStringLiteral("Sign in with Authorization Code and PKCE"), true},
            {QStringLiteral("2"), QStringLiteral("Inspect the claims of the ID token"), false},
            {QStringLiteral("3"), QStringLiteral("Call the GraphQL API with a bearer token"), false},
        };
        m_nextId.insert(sub, 4);
        found = m_lists.insert(sub, seeded);
    }
    return *found;
}

std::optional<TodoItem> TodoStore::add(const QString &sub, const QString &title, QString *error)
{
    const QString trimmed = title.trimmed();
    if (trimmed.isEmpty()) {
        *error = QStringLiteral("The title must not be empty.");
        return std::nullopt;
    }
    if (trimmed.size() > maxTitleLength) {
        *error = QStringLiteral("The title is longer than %1 characters.").arg(maxTitleLength);
        return std::nullopt;
    }
    QList<TodoItem> &list = listFor(sub);
    if (list.size() >= maxItemsPerUser) {
        *error = QStringLiteral("The to-do list is full (%1 items).").arg(maxItemsPerUser);
        return std::nullopt;
    }
    const int id = m_nextId.value(sub, 1);
    m_nextId.insert(sub, id + 1);
    list.append({QString::number(id), trimmed, false});
    return list.constLast();
}

std::optional<TodoItem> TodoStore::setDone(const QString &sub, const QString &id, bool done)
{
    for (TodoItem &item : listFor(sub)) {
        if (item.id == id) {
            item.done = done;
            return item;
        }
    }
    return std::nullopt;
}

GraphqlExecutor::GraphqlExecutor(TodoStore *store)
    : m_store(store)
{
}

bool GraphqlExecutor::requiresViewer(const GraphqlRequest &request)
{
    ParseError parseError;
    const std::optional<Document> document = parseDocument(request.query, &parseError);
    if (!document)
        return true;
    QString message;
    const OperationDefinition *operation = selectOperation(*document, request.operationName, &message);
    if (!operation || operation->type != OperationDefinition::Type::Mutation)
        return true;
    QSet<QString> visitedFragments;
    return !onlyAnonymousFields(*document, operation->selectionSet, visitedFragments);
}

GraphqlOutcome GraphqlExecutor::execute(const GraphqlRequest &request, const Viewer &viewer)
{
    return run(request, &viewer);
}

GraphqlOutcome GraphqlExecutor::executeAnonymously(const GraphqlRequest &request)
{
    return run(request, nullptr);
}

GraphqlOutcome GraphqlExecutor::run(const GraphqlRequest &request, const Viewer *viewer)
{
    GraphqlOutcome outcome;

    ParseError parseError;
    const std::optional<Document> document = parseDocument(request.query, &parseError);
    if (!document) {
        GraphqlError error{parseError.toString(), {}, {}, {}};
        if (parseError.location.isValid())
            error.locations.append(parseError.location);
        outcome.httpStatus = 400;
        outcome.body = responseBody({error}, std::nullopt);
        return outcome;
    }

    const QList<GraphqlError> validationErrors = GraphqlValidator(*document).validate();
    if (!validationErrors.isEmpty()) {
        outcome.body = responseBody(validationErrors, std::nullopt);
        return outcome;
    }

    QString operationError;
    const OperationDefinition *operation = selectOperation(*document, request.operationName, &operationError);
    if (!operation) {
        outcome.body = responseBody({{operationError, {}, {}, {}}}, std::nullopt);
        return outcome;
    }

    if (request.readOnly && operation->type == OperationDefinition::Type::Mutation) {
        outcome.httpStatus = 405;
        outcome.allow = "POST";
        outcome.body = responseBody({{QStringLiteral("Mutations cannot run over GET; send the request with POST."),
                                      {operation->location}, {}, {}}},
                                    std::nullopt);
        return outcome;
    }

    QJsonObject variables;
    QList<GraphqlError> variableErrors;
    if (!coerceVariables(*operation, request.variables, &variables, &variableErrors)) {
        outcome.body = responseBody(variableErrors, std::nullopt);
        return outcome;
    }

    Execution execution(*document, variables, viewer, *m_store, m_login, m_writeCheck);
    const std::optional<OrderedJson> data = execution.run(*operation);
    outcome.body = responseBody(execution.errors, data.value_or(OrderedJson::null()));
    return outcome;
}

} // namespace afx::sandbox
