#include "graphql/schema.h"

#include "json/jsontypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSet>

namespace afx::graphql {

namespace {

// Bounds the recursion over `ofType` chains. The introspection query of graphql-js 16.15 requests
// 9 levels, and real schemas wrap a type in a handful of lists and non-nulls at most.
constexpr int maxTypeRefDepth = 32;

bool isGraphqlName(const QString &text)
{
    if (text.isEmpty())
        return false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        const bool letter = c == u'_' || (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z');
        if (!letter && (i == 0 || c < u'0' || c > u'9'))
            return false;
    }
    return true;
}

// A position inside the response, built as a chain on the stack so that the text of the path
// is only assembled when an error needs it.
struct JsonPath {
    const JsonPath *parent = nullptr;
    QLatin1String member;  // empty for an array item
    qsizetype index = -1;

    JsonPath child(QLatin1String name) const { return JsonPath{this, name, -1}; }
    JsonPath item(qsizetype i) const { return JsonPath{this, {}, i}; }

    QString toString() const
    {
        QString text = parent ? parent->toString() : QString();
        if (index >= 0)
            return text + QLatin1Char('[') + QString::number(index) + QLatin1Char(']');
        if (!text.isEmpty())
            text += QLatin1Char('.');
        return text + member;
    }
};

// Reads the __schema object. Every reader returns false after recording the first problem.
class IntrospectionReader {
public:
    QString error() const { return m_error; }

    bool readSchema(const QJsonObject &object, const JsonPath &path, QString *queryType, QString *mutationType,
                    QString *subscriptionType, QList<SchemaType> *types, QList<SchemaDirective> *directives)
    {
        QJsonObject root;
        if (!requireObject(object, path, QLatin1String("queryType"), &root))
            return false;
        const JsonPath queryPath = path.child(QLatin1String("queryType"));
        if (!requireName(root, queryPath, QLatin1String("name"), queryType))
            return false;
        if (!readOptionalRootName(object, path, QLatin1String("mutationType"), mutationType)
            || !readOptionalRootName(object, path, QLatin1String("subscriptionType"), subscriptionType))
            return false;

        QJsonArray typeArray;
        if (!requireArray(object, path, QLatin1String("types"), &typeArray))
            return false;
        const JsonPath typesPath = path.child(QLatin1String("types"));
        types->reserve(typeArray.size());
        for (qsizetype i = 0; i < typeArray.size(); ++i) {
            SchemaType type;
            if (!readType(typeArray.at(i), typesPath.item(i), &type))
                return false;
            types->append(std::move(type));
        }

        // Servers that predate directive introspection leave the member out. The validator
        // then accepts only the directives every server has (see addBuiltInDirectives).
        const QJsonValue directiveValue = object.value(QLatin1String("directives"));
        if (!directiveValue.isUndefined() && !directiveValue.isNull()) {
            const JsonPath directivesPath = path.child(QLatin1String("directives"));
            if (!directiveValue.isArray())
                return failType(directivesPath, directiveValue, QStringLiteral("an array"));
            const QJsonArray directiveArray = directiveValue.toArray();
            for (qsizetype i = 0; i < directiveArray.size(); ++i) {
                SchemaDirective directive;
                if (!readDirective(directiveArray.at(i), directivesPath.item(i), &directive))
                    return false;
                directives->append(std::move(directive));
            }
        }
        return true;
    }

    bool fail(const JsonPath &path, const QString &problem)
    {
        if (m_error.isEmpty()) {
            m_error = QStringLiteral("Invalid introspection response at %1%2: %3")
                          .arg(path.toString(), m_context.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(m_context),
                               problem);
        }
        return false;
    }

private:
    bool failType(const JsonPath &path, const QJsonValue &found, const QString &expected)
    {
        if (found.isUndefined())
            return fail(path, QStringLiteral("the member is missing, expected %1.").arg(expected));
        return fail(path, QStringLiteral("found %1, expected %2.").arg(json::jsonTypeName(found), expected));
    }

    bool requireObject(const QJsonObject &object, const JsonPath &path, QLatin1String key, QJsonObject *out)
    {
        const QJsonValue value = object.value(key);
        if (!value.isObject())
            return failType(path.child(key), value, QStringLiteral("an object"));
        *out = value.toObject();
        return true;
    }

    bool requireArray(const QJsonObject &object, const JsonPath &path, QLatin1String key, QJsonArray *out)
    {
        const QJsonValue value = object.value(key);
        if (!value.isArray())
            return failType(path.child(key), value, QStringLiteral("an array"));
        *out = value.toArray();
        return true;
    }

    // An array that may also be null or left out, which reads as empty.
    bool optionalArray(const QJsonObject &object, const JsonPath &path, QLatin1String key, QJsonArray *out)
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return true;
        if (!value.isArray())
            return failType(path.child(key), value, QStringLiteral("an array or null"));
        *out = value.toArray();
        return true;
    }

    bool requireName(const QJsonObject &object, const JsonPath &path, QLatin1String key, QString *out)
    {
        const QJsonValue value = object.value(key);
        if (!value.isString())
            return failType(path.child(key), value, QStringLiteral("a string"));
        *out = value.toString();
        if (!isGraphqlName(*out))
            return fail(path.child(key), QStringLiteral("\"%1\" is not a valid GraphQL name (letters, digits and '_', "
                                                        "not starting with a digit).")
                                             .arg(out->left(80)));
        return true;
    }

    bool optionalString(const QJsonObject &object, const JsonPath &path, QLatin1String key, QString *out)
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return true;
        if (!value.isString())
            return failType(path.child(key), value, QStringLiteral("a string or null"));
        *out = value.toString();
        return true;
    }

    bool optionalBool(const QJsonObject &object, const JsonPath &path, QLatin1String key, bool *out)
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return true;
        if (!value.isBool())
            return failType(path.child(key), value, QStringLiteral("a boolean"));
        *out = value.toBool();
        return true;
    }

    bool readOptionalRootName(const QJsonObject &object, const JsonPath &path, QLatin1String key, QString *out)
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return true;
        if (!value.isObject())
            return failType(path.child(key), value, QStringLiteral("an object or null"));
        return requireName(value.toObject(), path.child(key), QLatin1String("name"), out);
    }

    bool asObject(const QJsonValue &value, const JsonPath &path, QJsonObject *out)
    {
        if (!value.isObject())
            return failType(path, value, QStringLiteral("an object"));
        *out = value.toObject();
        return true;
    }

    bool readDeprecation(const QJsonObject &object, const JsonPath &path, bool *deprecated, QString *reason)
    {
        return optionalBool(object, path, QLatin1String("isDeprecated"), deprecated)
            && optionalString(object, path, QLatin1String("deprecationReason"), reason);
    }

    bool readType(const QJsonValue &value, const JsonPath &path, SchemaType *type)
    {
        m_context.clear();
        QJsonObject object;
        if (!asObject(value, path, &object))
            return false;

        const JsonPath kindPath = path.child(QLatin1String("kind"));
        const QJsonValue kindValue = object.value(QLatin1String("kind"));
        if (!kindValue.isString())
            return failType(kindPath, kindValue, QStringLiteral("a string such as \"OBJECT\""));
        const QString kind = kindValue.toString();
        if (kind == QLatin1String("SCALAR"))
            type->kind = SchemaType::Kind::Scalar;
        else if (kind == QLatin1String("OBJECT"))
            type->kind = SchemaType::Kind::Object;
        else if (kind == QLatin1String("INTERFACE"))
            type->kind = SchemaType::Kind::Interface;
        else if (kind == QLatin1String("UNION"))
            type->kind = SchemaType::Kind::Union;
        else if (kind == QLatin1String("ENUM"))
            type->kind = SchemaType::Kind::Enum;
        else if (kind == QLatin1String("INPUT_OBJECT"))
            type->kind = SchemaType::Kind::InputObject;
        else
            return fail(kindPath, QStringLiteral("\"%1\" is not a named type kind, expected SCALAR, OBJECT, INTERFACE, "
                                                 "UNION, ENUM or INPUT_OBJECT.")
                                      .arg(kind.left(80)));

        if (!requireName(object, path, QLatin1String("name"), &type->name))
            return false;
        m_context = QStringLiteral("type \"%1\"").arg(type->name);
        if (!optionalString(object, path, QLatin1String("description"), &type->description))
            return false;

        switch (type->kind) {
        case SchemaType::Kind::Object:
        case SchemaType::Kind::Interface:
            return readFields(object, path, type) && readNameList(object, path, QLatin1String("interfaces"), false, &type->interfaces)
                && (type->kind == SchemaType::Kind::Object
                    || readNameList(object, path, QLatin1String("possibleTypes"), true, &type->possibleTypes));
        case SchemaType::Kind::Union:
            return readNameList(object, path, QLatin1String("possibleTypes"), true, &type->possibleTypes);
        case SchemaType::Kind::Enum:
            return readEnumValues(object, path, type);
        case SchemaType::Kind::InputObject:
            return readInputValues(object, path, QLatin1String("inputFields"), true, &type->inputFields);
        case SchemaType::Kind::Scalar:
            break;
        }
        return true;
    }

    bool readFields(const QJsonObject &object, const JsonPath &path, SchemaType *type)
    {
        QJsonArray fieldArray;
        if (!requireArray(object, path, QLatin1String("fields"), &fieldArray))
            return false;
        const JsonPath fieldsPath = path.child(QLatin1String("fields"));
        const QString typeContext = m_context;
        type->fields.reserve(fieldArray.size());
        for (qsizetype i = 0; i < fieldArray.size(); ++i) {
            m_context = typeContext;
            const JsonPath fieldPath = fieldsPath.item(i);
            QJsonObject fieldObject;
            SchemaField field;
            if (!asObject(fieldArray.at(i), fieldPath, &fieldObject)
                || !requireName(fieldObject, fieldPath, QLatin1String("name"), &field.name))
                return false;
            m_context = QStringLiteral("field \"%1.%2\"").arg(type->name, field.name);
            if (!optionalString(fieldObject, fieldPath, QLatin1String("description"), &field.description)
                || !readInputValues(fieldObject, fieldPath, QLatin1String("args"), true, &field.arguments)
                || !readTypeRef(fieldObject, fieldPath, &field.type)
                || !readDeprecation(fieldObject, fieldPath, &field.deprecated, &field.deprecationReason))
                return false;
            type->fields.append(std::move(field));
        }
        m_context = typeContext;
        return true;
    }

    bool readInputValues(const QJsonObject &object, const JsonPath &path, QLatin1String key, bool required,
                         QList<SchemaInputValue> *values)
    {
        QJsonArray array;
        if (required ? !requireArray(object, path, key, &array) : !optionalArray(object, path, key, &array))
            return false;
        const JsonPath arrayPath = path.child(key);
        values->reserve(array.size());
        for (qsizetype i = 0; i < array.size(); ++i) {
            const JsonPath valuePath = arrayPath.item(i);
            QJsonObject valueObject;
            SchemaInputValue value;
            if (!asObject(array.at(i), valuePath, &valueObject)
                || !requireName(valueObject, valuePath, QLatin1String("name"), &value.name)
                || !optionalString(valueObject, valuePath, QLatin1String("description"), &value.description)
                || !readTypeRef(valueObject, valuePath, &value.type)
                || !optionalString(valueObject, valuePath, QLatin1String("defaultValue"), &value.defaultValue)
                || !readDeprecation(valueObject, valuePath, &value.deprecated, &value.deprecationReason))
                return false;
            values->append(std::move(value));
        }
        return true;
    }

    bool readEnumValues(const QJsonObject &object, const JsonPath &path, SchemaType *type)
    {
        QJsonArray array;
        if (!requireArray(object, path, QLatin1String("enumValues"), &array))
            return false;
        const JsonPath arrayPath = path.child(QLatin1String("enumValues"));
        for (qsizetype i = 0; i < array.size(); ++i) {
            const JsonPath valuePath = arrayPath.item(i);
            QJsonObject valueObject;
            SchemaEnumValue value;
            if (!asObject(array.at(i), valuePath, &valueObject)
                || !requireName(valueObject, valuePath, QLatin1String("name"), &value.name)
                || !optionalString(valueObject, valuePath, QLatin1String("description"), &value.description)
                || !readDeprecation(valueObject, valuePath, &value.deprecated, &value.deprecationReason))
                return false;
            type->enumValues.append(std::move(value));
        }
        return true;
    }

    // A list of {"name": ...} references, such as interfaces or possibleTypes.
    bool readNameList(const QJsonObject &object, const JsonPath &path, QLatin1String key, bool required, QStringList *names)
    {
        QJsonArray array;
        if (required ? !requireArray(object, path, key, &array) : !optionalArray(object, path, key, &array))
            return false;
        const JsonPath arrayPath = path.child(key);
        for (qsizetype i = 0; i < array.size(); ++i) {
            QJsonObject item;
            QString name;
            if (!asObject(array.at(i), arrayPath.item(i), &item)
                || !requireName(item, arrayPath.item(i), QLatin1String("name"), &name))
                return false;
            names->append(name);
        }
        return true;
    }

    bool readDirective(const QJsonValue &value, const JsonPath &path, SchemaDirective *directive)
    {
        m_context.clear();
        QJsonObject object;
        if (!asObject(value, path, &object) || !requireName(object, path, QLatin1String("name"), &directive->name))
            return false;
        m_context = QStringLiteral("directive \"@%1\"").arg(directive->name);

        QJsonArray locations;
        if (!optionalString(object, path, QLatin1String("description"), &directive->description)
            || !requireArray(object, path, QLatin1String("locations"), &locations)
            || !readInputValues(object, path, QLatin1String("args"), true, &directive->arguments)
            || !optionalBool(object, path, QLatin1String("isRepeatable"), &directive->repeatable))
            return false;
        const JsonPath locationsPath = path.child(QLatin1String("locations"));
        for (qsizetype i = 0; i < locations.size(); ++i) {
            if (!locations.at(i).isString())
                return failType(locationsPath.item(i), locations.at(i), QStringLiteral("a string such as \"FIELD\""));
            directive->locations.append(locations.at(i).toString());
        }
        return true;
    }

    bool readTypeRef(const QJsonObject &owner, const JsonPath &ownerPath, TypeRef *type)
    {
        const JsonPath path = ownerPath.child(QLatin1String("type"));
        return readTypeRefValue(owner.value(QLatin1String("type")), path, 0, false, type);
    }

    bool readTypeRefValue(const QJsonValue &value, const JsonPath &path, int depth, bool insideNonNull, TypeRef *type)
    {
        if (depth > maxTypeRefDepth)
            return fail(path, QStringLiteral("the type reference nests deeper than the limit of %1 LIST and NON_NULL "
                                             "levels.")
                                  .arg(maxTypeRefDepth));
        QJsonObject object;
        if (!asObject(value, path, &object))
            return false;

        const JsonPath kindPath = path.child(QLatin1String("kind"));
        const QJsonValue kindValue = object.value(QLatin1String("kind"));
        if (!kindValue.isString())
            return failType(kindPath, kindValue, QStringLiteral("a string such as \"NON_NULL\""));
        const QString kind = kindValue.toString();
        if (kind == QLatin1String("LIST") || kind == QLatin1String("NON_NULL")) {
            const bool nonNull = kind == QLatin1String("NON_NULL");
            if (nonNull && insideNonNull)
                return fail(kindPath, QStringLiteral("a NON_NULL type wraps another NON_NULL type, which GraphQL does "
                                                     "not allow."));
            type->kind = nonNull ? TypeRef::Kind::NonNull : TypeRef::Kind::List;
            type->ofType.resize(1);
            const JsonPath innerPath = path.child(QLatin1String("ofType"));
            const QJsonValue inner = object.value(QLatin1String("ofType"));
            if (inner.isUndefined() || inner.isNull())
                return fail(innerPath, QStringLiteral("the wrapped type is %1. The introspection query probably asks for "
                                                      "fewer levels of \"ofType\" than this type has.")
                                           .arg(inner.isNull() ? QStringLiteral("null") : QStringLiteral("missing")));
            return readTypeRefValue(inner, innerPath, depth + 1, nonNull, &type->ofType.front());
        }
        static const QSet<QString> namedKinds = {
            QStringLiteral("SCALAR"), QStringLiteral("OBJECT"), QStringLiteral("INTERFACE"),
            QStringLiteral("UNION"),  QStringLiteral("ENUM"),   QStringLiteral("INPUT_OBJECT"),
        };
        if (!namedKinds.contains(kind))
            return fail(kindPath, QStringLiteral("\"%1\" is not a type kind, expected LIST, NON_NULL or a named kind "
                                                 "such as OBJECT.")
                                      .arg(kind.left(80)));
        type->kind = TypeRef::Kind::Named;
        return requireName(object, path, QLatin1String("name"), &type->name);
    }

    QString m_error;
    QString m_context; // the type, field or directive being read, for messages
};

SchemaInputValue makeArgument(const QString &name, const QString &typeName, bool nonNull, const QString &description)
{
    SchemaInputValue argument;
    argument.name = name;
    argument.description = description;
    TypeRef named;
    named.name = typeName;
    if (nonNull) {
        argument.type.kind = TypeRef::Kind::NonNull;
        argument.type.ofType.push_back(std::move(named));
    } else {
        argument.type = std::move(named);
    }
    return argument;
}

// @skip and @include are required of every server (GraphQL spec 3.13), so a schema whose
// introspection leaves them out still accepts them.
void addBuiltInDirectives(QList<SchemaDirective> *directives)
{
    const auto has = [directives](const QString &name) {
        for (const SchemaDirective &directive : std::as_const(*directives)) {
            if (directive.name == name)
                return true;
        }
        return false;
    };
    const QStringList executableLocations = {QStringLiteral("FIELD"), QStringLiteral("FRAGMENT_SPREAD"),
                                             QStringLiteral("INLINE_FRAGMENT")};
    if (!has(QStringLiteral("skip"))) {
        SchemaDirective skip;
        skip.name = QStringLiteral("skip");
        skip.description = QStringLiteral("Leaves out this field or fragment when the argument is true.");
        skip.locations = executableLocations;
        skip.arguments.append(makeArgument(QStringLiteral("if"), QStringLiteral("Boolean"), true,
                                           QStringLiteral("Skipped when true.")));
        directives->append(std::move(skip));
    }
    if (!has(QStringLiteral("include"))) {
        SchemaDirective include;
        include.name = QStringLiteral("include");
        include.description = QStringLiteral("Includes this field or fragment only when the argument is true.");
        include.locations = executableLocations;
        include.arguments.append(makeArgument(QStringLiteral("if"), QStringLiteral("Boolean"), true,
                                              QStringLiteral("Included when true.")));
        directives->append(std::move(include));
    }
}

// The meta fields of GraphQL spec section 4.2 ("__typename") and 4.3 ("__schema", "__type").
QList<SchemaField> makeMetaFields()
{
    const auto field = [](const QString &name, const QString &typeName, bool nonNull, const QString &description) {
        SchemaField result;
        result.name = name;
        result.description = description;
        const SchemaInputValue shape = makeArgument(name, typeName, nonNull, {});
        result.type = shape.type;
        return result;
    };
    QList<SchemaField> fields;
    fields.append(field(QStringLiteral("__typename"), QStringLiteral("String"), true,
                        QStringLiteral("The name of the object type of this value at runtime.")));
    fields.append(field(QStringLiteral("__schema"), QStringLiteral("__Schema"), true,
                        QStringLiteral("The schema of this server: its types, root types and directives.")));
    SchemaField typeField = field(QStringLiteral("__type"), QStringLiteral("__Type"), false,
                                  QStringLiteral("The type with the given name, or null when the schema has none."));
    typeField.arguments.append(makeArgument(QStringLiteral("name"), QStringLiteral("String"), true,
                                            QStringLiteral("The name of the type.")));
    fields.append(std::move(typeField));
    return fields;
}

QString describeJsonError(QByteArrayView json, const QJsonParseError &parseError)
{
    QString message = QStringLiteral("The introspection response is not valid JSON: %1 at byte %2.")
                          .arg(parseError.errorString())
                          .arg(parseError.offset);
    qsizetype first = 0;
    while (first < json.size() && QByteArrayView(" \t\r\n").contains(json[first]))
        ++first;
    if (first < json.size() && json[first] == '<')
        message += QStringLiteral(" It starts with \"<\", so the server probably sent an HTML page: check the "
                                  "endpoint URL.");
    return message;
}

// Detects the byte order marks and zero bytes of UTF-16 and UTF-32, which JSON over HTTP must
// not use (RFC 8259 section 8.1).
QString detectWrongEncoding(QByteArrayView json)
{
    if (json.startsWith("\xFF\xFE") || json.startsWith("\xFE\xFF"))
        return QStringLiteral("UTF-16 or UTF-32 (it starts with a byte order mark)");
    if (json.size() >= 2 && (json[0] == '\0' || json[1] == '\0'))
        return QStringLiteral("UTF-16 or UTF-32 (it contains zero bytes)");
    return {};
}

} // namespace

const SchemaInputValue *SchemaField::argument(const QString &name) const
{
    for (const SchemaInputValue &value : arguments) {
        if (value.name == name)
            return &value;
    }
    return nullptr;
}

const SchemaField *SchemaType::field(const QString &name) const
{
    for (const SchemaField &candidate : fields) {
        if (candidate.name == name)
            return &candidate;
    }
    return nullptr;
}

const SchemaInputValue *SchemaType::inputField(const QString &name) const
{
    for (const SchemaInputValue &candidate : inputFields) {
        if (candidate.name == name)
            return &candidate;
    }
    return nullptr;
}

QString schemaTypeKindName(SchemaType::Kind kind)
{
    switch (kind) {
    case SchemaType::Kind::Scalar:
        return QStringLiteral("SCALAR");
    case SchemaType::Kind::Object:
        return QStringLiteral("OBJECT");
    case SchemaType::Kind::Interface:
        return QStringLiteral("INTERFACE");
    case SchemaType::Kind::Union:
        return QStringLiteral("UNION");
    case SchemaType::Kind::Enum:
        return QStringLiteral("ENUM");
    case SchemaType::Kind::InputObject:
        return QStringLiteral("INPUT_OBJECT");
    }
    return {};
}

size_t NameHash::operator()(const QString &name) const noexcept
{
    size_t hash = 14695981039346656037ULL;
    for (const QChar c : name) {
        hash ^= c.unicode();
        hash *= 1099511628211ULL;
    }
    return hash;
}

QString namedTypeName(const TypeRef &type)
{
    const TypeRef *current = &type;
    while (current->kind != TypeRef::Kind::Named && !current->ofType.empty())
        current = &current->inner();
    return current->name;
}

std::optional<Schema> Schema::fromIntrospection(QByteArrayView json, QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;

    if (json.size() > maxIntrospectionBytes) {
        *error = QStringLiteral("The introspection response is %1 bytes, larger than the limit of %2 bytes (%3 MiB).")
                     .arg(json.size())
                     .arg(maxIntrospectionBytes)
                     .arg(maxIntrospectionBytes / (1024 * 1024));
        return std::nullopt;
    }
    if (json.trimmed().isEmpty()) {
        *error = QStringLiteral("The introspection response is empty: expected a JSON object with \"data\".");
        return std::nullopt;
    }
    const QString wrongEncoding = detectWrongEncoding(json);
    if (!wrongEncoding.isEmpty()) {
        *error = QStringLiteral("The introspection response is encoded as %1, but JSON must be UTF-8.").arg(wrongEncoding);
        return std::nullopt;
    }
    if (json.startsWith("\xEF\xBB\xBF"))
        json = json.sliced(3); // a UTF-8 byte order mark, which QJsonDocument rejects

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = describeJsonError(json, parseError);
        return std::nullopt;
    }
    if (!document.isObject()) {
        *error = QStringLiteral("The introspection response is a JSON array, expected an object with \"data\".");
        return std::nullopt;
    }
    return fromIntrospection(document.object(), error);
}

std::optional<Schema> Schema::fromIntrospection(const QJsonObject &response, QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;

    const QJsonValue errors = response.value(QLatin1String("errors"));
    if (errors.isArray() && !errors.toArray().isEmpty()) {
        const QJsonArray list = errors.toArray();
        QString first = list.first().toObject().value(QLatin1String("message")).toString();
        if (first.isEmpty())
            first = QStringLiteral("(no message)");
        if (first.size() > 300)
            first = first.left(300) + QStringLiteral("…");
        *error = QStringLiteral("The server answered the introspection query with %1: \"%2\". Check that the server "
                                "allows introspection for this token.")
                     .arg(list.size() == 1 ? QStringLiteral("an error") : QStringLiteral("%1 errors, the first").arg(list.size()),
                          first);
        return std::nullopt;
    }

    // The whole response, {"__schema": ...}, or the __schema object itself.
    QJsonValue schemaValue;
    if (response.contains(QLatin1String("data"))) {
        const QJsonValue data = response.value(QLatin1String("data"));
        if (!data.isObject()) {
            *error = QStringLiteral("Invalid introspection response at data: found %1, expected an object with "
                                    "\"__schema\".")
                         .arg(json::jsonTypeName(data));
            return std::nullopt;
        }
        schemaValue = data.toObject().value(QLatin1String("__schema"));
    } else if (response.contains(QLatin1String("__schema"))) {
        schemaValue = response.value(QLatin1String("__schema"));
    } else if (response.contains(QLatin1String("types")) && response.contains(QLatin1String("queryType"))) {
        schemaValue = response;
    } else {
        *error = QStringLiteral("The introspection response has neither \"data\" nor \"__schema\": it is not the answer "
                                "to an introspection query.");
        return std::nullopt;
    }

    const JsonPath path{nullptr, QLatin1String("__schema"), -1};
    IntrospectionReader reader;
    if (!schemaValue.isObject()) {
        reader.fail(path, schemaValue.isUndefined() ? QStringLiteral("the member is missing, expected an object.")
                                                    : QStringLiteral("found %1, expected an object.").arg(json::jsonTypeName(schemaValue)));
        *error = reader.error();
        return std::nullopt;
    }

    Schema schema;
    if (!reader.readSchema(schemaValue.toObject(), path, &schema.m_queryType, &schema.m_mutationType,
                           &schema.m_subscriptionType, &schema.m_types, &schema.m_directives)) {
        *error = reader.error();
        return std::nullopt;
    }
    addBuiltInDirectives(&schema.m_directives);
    schema.m_metaFields = makeMetaFields();

    schema.m_typeIndex.reserve(schema.m_types.size());
    for (qsizetype i = 0; i < schema.m_types.size(); ++i) {
        const QString &name = schema.m_types.at(i).name;
        if (!schema.m_typeIndex.emplace(name, i).second) {
            *error = QStringLiteral("Invalid introspection response: the type \"%1\" is defined twice in __schema.types.").arg(name);
            return std::nullopt;
        }
    }
    if (!schema.checkReferences(error))
        return std::nullopt;
    return schema;
}

bool Schema::checkReferences(QString *error) const
{
    const auto undefined = [error](const QString &where, const QString &name) {
        *error = QStringLiteral("Invalid introspection response: %1 refers to the type \"%2\", which is not among "
                                "__schema.types.")
                     .arg(where, name);
        return false;
    };
    const auto checkRoot = [&](const QString &member, const QString &name) {
        if (name.isEmpty())
            return true;
        const SchemaType *root = type(name);
        if (!root)
            return undefined(QStringLiteral("__schema.%1").arg(member), name);
        if (root->kind != SchemaType::Kind::Object) {
            *error = QStringLiteral("Invalid introspection response: the root type \"%1\" (__schema.%2) is of kind %3, "
                                    "but a root type must be an OBJECT type.")
                         .arg(name, member, schemaTypeKindName(root->kind));
            return false;
        }
        return true;
    };
    if (!checkRoot(QStringLiteral("queryType"), m_queryType) || !checkRoot(QStringLiteral("mutationType"), m_mutationType)
        || !checkRoot(QStringLiteral("subscriptionType"), m_subscriptionType))
        return false;

    // Input values must have input types, and fields must have output types (spec 3.6 and 3.10).
    const auto checkInputs = [&](const QString &owner, const QList<SchemaInputValue> &values) {
        for (const SchemaInputValue &value : values) {
            const QString where = QStringLiteral("%1 argument or input field \"%2\"").arg(owner, value.name);
            const SchemaType *valueType = namedType(value.type);
            if (!valueType)
                return undefined(where, namedTypeName(value.type));
            if (!valueType->isInput()) {
                *error = QStringLiteral("Invalid introspection response: %1 has the type \"%3\" of kind %2, but an "
                                        "input value needs a SCALAR, ENUM or INPUT_OBJECT type.")
                             .arg(where, schemaTypeKindName(valueType->kind), valueType->name);
                return false;
            }
        }
        return true;
    };
    const auto checkNames = [&](const QString &owner, const QString &member, const QStringList &names,
                                SchemaType::Kind expected) {
        for (const QString &name : names) {
            const SchemaType *named = type(name);
            if (!named)
                return undefined(QStringLiteral("%1.%2").arg(owner, member), name);
            if (named->kind != expected) {
                *error = QStringLiteral("Invalid introspection response: %1.%2 lists \"%3\" of kind %4, but expects "
                                        "%5 types.")
                             .arg(owner, member, name, schemaTypeKindName(named->kind), schemaTypeKindName(expected));
                return false;
            }
        }
        return true;
    };

    for (const SchemaType &owner : m_types) {
        const QString typeLabel = QStringLiteral("type \"%1\"").arg(owner.name);
        for (const SchemaField &field : owner.fields) {
            const QString where = QStringLiteral("field \"%1.%2\"").arg(owner.name, field.name);
            const SchemaType *fieldType = namedType(field.type);
            if (!fieldType)
                return undefined(where, namedTypeName(field.type));
            if (fieldType->kind == SchemaType::Kind::InputObject) {
                *error = QStringLiteral("Invalid introspection response: %1 has the INPUT_OBJECT type \"%2\", but a "
                                        "field needs an output type.")
                             .arg(where, fieldType->name);
                return false;
            }
            if (!checkInputs(where, field.arguments))
                return false;
        }
        if (!checkInputs(typeLabel, owner.inputFields)
            || !checkNames(typeLabel, QStringLiteral("interfaces"), owner.interfaces, SchemaType::Kind::Interface)
            || !checkNames(typeLabel, QStringLiteral("possibleTypes"), owner.possibleTypes, SchemaType::Kind::Object))
            return false;
    }
    for (const SchemaDirective &directive : m_directives) {
        if (!checkInputs(QStringLiteral("directive \"@%1\"").arg(directive.name), directive.arguments))
            return false;
    }
    return true;
}

const SchemaType *Schema::rootType(OperationDefinition::Type operation) const
{
    switch (operation) {
    case OperationDefinition::Type::Query:
        return type(m_queryType);
    case OperationDefinition::Type::Mutation:
        return m_mutationType.isEmpty() ? nullptr : type(m_mutationType);
    case OperationDefinition::Type::Subscription:
        return m_subscriptionType.isEmpty() ? nullptr : type(m_subscriptionType);
    }
    return nullptr;
}

const SchemaType *Schema::type(const QString &name) const
{
    const auto found = m_typeIndex.find(name);
    return found == m_typeIndex.end() ? nullptr : &m_types.at(found->second);
}

const SchemaDirective *Schema::directive(const QString &name) const
{
    for (const SchemaDirective &candidate : m_directives) {
        if (candidate.name == name)
            return &candidate;
    }
    return nullptr;
}

const SchemaField *Schema::field(const QString &typeName, const QString &fieldName) const
{
    const SchemaType *parent = type(typeName);
    return parent ? field(*parent, fieldName) : nullptr;
}

const SchemaField *Schema::field(const SchemaType &parent, const QString &fieldName) const
{
    if (!parent.isComposite())
        return nullptr;
    // A default-constructed Schema has no meta fields, since only fromIntrospection() adds them.
    if (fieldName.startsWith(QLatin1String("__")) && m_metaFields.size() == 3) {
        if (fieldName == QLatin1String("__typename"))
            return &m_metaFields.at(0);
        if (parent.name == m_queryType && fieldName == QLatin1String("__schema"))
            return &m_metaFields.at(1);
        if (parent.name == m_queryType && fieldName == QLatin1String("__type"))
            return &m_metaFields.at(2);
    }
    return parent.field(fieldName);
}

const SchemaType *Schema::namedType(const TypeRef &type) const
{
    return this->type(namedTypeName(type));
}

bool Schema::isInputType(const TypeRef &type) const
{
    const SchemaType *named = namedType(type);
    return named && named->isInput();
}

bool Schema::isLeafType(const TypeRef &type) const
{
    const SchemaType *named = namedType(type);
    return named && named->isLeaf();
}

QStringList Schema::possibleTypeNames(const QString &typeName) const
{
    const SchemaType *named = type(typeName);
    if (!named)
        return {};
    if (named->kind == SchemaType::Kind::Object)
        return {named->name};
    if (named->kind == SchemaType::Kind::Interface || named->kind == SchemaType::Kind::Union)
        return named->possibleTypes;
    return {};
}

bool Schema::typesOverlap(const QString &first, const QString &second) const
{
    if (first == second)
        return true;
    const QStringList firstTypes = possibleTypeNames(first);
    const QStringList secondTypes = possibleTypeNames(second);
    for (const QString &name : firstTypes) {
        if (secondTypes.contains(name))
            return true;
    }
    return false;
}

} // namespace afx::graphql
