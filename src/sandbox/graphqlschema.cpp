#include "sandbox/graphqlschema.h"

#include "sandbox/orderedjson.h"

namespace afx::sandbox {

using graphql::TypeRef;

namespace {

ArgumentDefinition defineArgument(const char *name, const char *type, const char *description,
                            QJsonValue defaultValue = QJsonValue::Undefined)
{
    return ArgumentDefinition{QString::fromLatin1(name), GraphqlSchema::typeFromString(QString::fromLatin1(type)),
                              QString::fromUtf8(description), std::move(defaultValue), false, {}};
}

FieldDefinition defineField(const char *name, const char *type, const char *description,
                      QList<ArgumentDefinition> arguments = {})
{
    return FieldDefinition{QString::fromLatin1(name), GraphqlSchema::typeFromString(QString::fromLatin1(type)),
                           std::move(arguments), QString::fromUtf8(description), false, {}};
}

TypeDefinition objectType(const char *name, const char *description, QList<FieldDefinition> fields)
{
    TypeDefinition type;
    type.kind = TypeDefinition::Kind::Object;
    type.name = QString::fromLatin1(name);
    type.description = QString::fromUtf8(description);
    type.fields = std::move(fields);
    return type;
}

TypeDefinition scalarType(const char *name, const char *description)
{
    TypeDefinition type;
    type.kind = TypeDefinition::Kind::Scalar;
    type.name = QString::fromLatin1(name);
    type.description = QString::fromUtf8(description);
    return type;
}

TypeDefinition enumType(const char *name, const char *description, const QList<QPair<const char *, const char *>> &values)
{
    TypeDefinition type;
    type.kind = TypeDefinition::Kind::Enum;
    type.name = QString::fromLatin1(name);
    type.description = QString::fromUtf8(description);
    for (const auto &[valueName, valueDescription] : values)
        type.enumValues.append({QString::fromLatin1(valueName), QString::fromUtf8(valueDescription), false, {}});
    return type;
}

// The types of the sandbox's API.
QList<TypeDefinition> applicationTypes()
{
    return {
        objectType("Query", "Reads data of the signed-in user. Every query needs a bearer token from a sandbox sign-in.",
                   {defineField("me", "User!", "The signed-in user, whom the bearer token's sub claim names."),
                    defineField("todos", "[Todo!]!",
                          "The signed-in user's to-do items in the order they were added. A user's list starts with "
                          "three items.")}),
        objectType("Mutation",
                   "Changes data of the signed-in user, or signs in. Only login works without a bearer token.",
                   {defineField("addTodo", "Todo!",
                          "Adds an item to the end of the signed-in user's to-do list and returns it. Needs the role "
                          "Employee in the token's roles claim; a list holds at most 500 items.",
                          {defineArgument("title", "String!", "What there is to do: 1 to 200 characters after leading and "
                                                        "trailing spaces are removed.")}),
                    defineField("setDone", "Todo",
                          "Marks a to-do item as done or not done and returns it. Returns null with an error when the "
                          "user has no item with this id. Needs the role Employee in the token's roles claim.",
                          {defineArgument("id", "ID!", "The id of the item, as todos returns it."),
                           defineArgument("done", "Boolean!", "True marks the item as done, false as not done.")}),
                    defineField("login", "LoginResult!",
                          "Checks an e-mail address and password in the sandbox's user directory and returns tokens "
                          "for the public client, as the resource owner password grant does. Needs no bearer token.",
                          {defineArgument("email", "String!", "The e-mail address of a sandbox user."),
                           defineArgument("password", "String!", "The user's password.")})}),
        objectType("User", "A user of the sandbox's identity provider.",
                   {defineField("sub", "ID!", "The subject identifier, which is the sub claim of the user's tokens."),
                    defineField("email", "String!", "The user's e-mail address."),
                    defineField("name", "String!", "The user's full name.")}),
        objectType("Todo", "An item of a user's to-do list.",
                   {defineField("id", "ID!", "The item's identifier, unique within the user's list."),
                    defineField("title", "String!", "What there is to do."),
                    defineField("done", "Boolean!", "True when the item is done.")}),
        objectType("LoginResult", "The tokens that the login mutation issues for the public client.",
                   {defineField("idToken", "String!", "An ID token: a signed JWT whose claims describe the user."),
                    defineField("refreshToken", "String!", "A refresh token, which gets new tokens from the token endpoint."),
                    defineField("accessToken", "String!",
                          "An access token, which this GraphQL API and the userinfo endpoint accept as a bearer token."),
                    defineField("expiresIn", "Int!", "Seconds until the access token expires.")}),
        scalarType("ID",
                   "A unique identifier. Responses return it as a string; inputs accept a string or an integer."),
        scalarType("String", "Unicode text, sent as a JSON string."),
        scalarType("Boolean", "true or false."),
        scalarType("Int", "A signed 32-bit integer, from -2147483648 to 2147483647."),
        // Float is missing on purpose: the spec (section 3.5) excludes built-in scalars that no
        // field or argument uses.
    };
}

// The introspection types of the GraphQL spec (October 2021 edition, section 4.2), with
// descriptions written for this sandbox.
QList<TypeDefinition> introspectionTypes()
{
    const char *includeDeprecated = "True also lists the deprecated entries.";
    const auto deprecationFields = [](const QString &what) {
        FieldDefinition isDeprecated = defineField("isDeprecated", "Boolean!", "");
        isDeprecated.description = QStringLiteral("True when the %1 is deprecated and should no longer be used.").arg(what);
        FieldDefinition reason = defineField("deprecationReason", "String", "");
        reason.description =
            QStringLiteral("Why the %1 is deprecated and what to use instead; null when it is not deprecated.").arg(what);
        return QList<FieldDefinition>{isDeprecated, reason};
    };

    QList<FieldDefinition> fieldFields = {
        defineField("name", "String!", "The field's name."),
        defineField("description", "String", "What the field returns; null when it has no description."),
        defineField("args", "[__InputValue!]!", "The arguments that the field accepts.",
              {defineArgument("includeDeprecated", "Boolean", includeDeprecated, false)}),
        defineField("type", "__Type!", "The type of the field's value."),
    };
    fieldFields += deprecationFields(QStringLiteral("field"));

    QList<FieldDefinition> inputValueFields = {
        defineField("name", "String!", "The name of the argument or input field."),
        defineField("description", "String", "What the value is for; null when it has no description."),
        defineField("type", "__Type!", "The type that the value must have."),
        defineField("defaultValue", "String",
              "The value used when none is given, in GraphQL notation; null when there is no default value."),
    };
    inputValueFields += deprecationFields(QStringLiteral("value"));

    QList<FieldDefinition> enumValueFields = {
        defineField("name", "String!", "The value as a document writes it and a response returns it."),
        defineField("description", "String", "What the value means; null when it has no description."),
    };
    enumValueFields += deprecationFields(QStringLiteral("enum value"));

    return {
        objectType("__Schema",
                   "The schema of this GraphQL service: its named types, the root types of its operations and its "
                   "directives.",
                   {defineField("description", "String", "What the service is for; null when the schema has no description."),
                    defineField("types", "[__Type!]!",
                          "Every named type of the schema, including the built-in scalars and the introspection types."),
                    defineField("queryType", "__Type!", "The root type of query operations."),
                    defineField("mutationType", "__Type", "The root type of mutation operations; null when there is none."),
                    defineField("subscriptionType", "__Type",
                          "The root type of subscription operations; null when there is none."),
                    defineField("directives", "[__Directive!]!", "The directives that documents and the schema may use.")}),
        objectType("__Type",
                   "A type of the schema: a named type, or a list or non-null wrapper around another type. Which "
                   "fields have a value depends on the kind.",
                   {defineField("kind", "__TypeKind!", "The kind of type, which decides which other fields apply."),
                    defineField("name", "String", "The type's name; null for LIST and NON_NULL."),
                    defineField("description", "String", "What the type is for; null when it has no description."),
                    defineField("specifiedByURL", "String",
                          "The URL of the specification of a custom SCALAR type; null for the built-in scalars and "
                          "other kinds."),
                    defineField("fields", "[__Field!]", "The fields of an OBJECT or INTERFACE type; null for other kinds.",
                          {defineArgument("includeDeprecated", "Boolean", includeDeprecated, false)}),
                    defineField("interfaces", "[__Type!]",
                          "The interfaces that an OBJECT or INTERFACE type implements; null for other kinds."),
                    defineField("possibleTypes", "[__Type!]",
                          "The object types that an INTERFACE or UNION type stands for; null for other kinds."),
                    defineField("enumValues", "[__EnumValue!]", "The values of an ENUM type; null for other kinds.",
                          {defineArgument("includeDeprecated", "Boolean", includeDeprecated, false)}),
                    defineField("inputFields", "[__InputValue!]", "The fields of an INPUT_OBJECT type; null for other kinds.",
                          {defineArgument("includeDeprecated", "Boolean", includeDeprecated, false)}),
                    defineField("ofType", "__Type", "The type that a LIST or NON_NULL type wraps; null for other kinds.")}),
        enumType("__TypeKind", "The kinds of type that __Type describes.",
                 {{"SCALAR", "A leaf value such as String or Int."},
                  {"OBJECT", "A type with fields, each of which returns a value."},
                  {"INTERFACE", "A set of fields that object types implement."},
                  {"UNION", "One of several object types."},
                  {"ENUM", "One of a fixed set of named values."},
                  {"INPUT_OBJECT", "A set of named input values, used as an argument."},
                  {"LIST", "A list of values of the type that ofType names."},
                  {"NON_NULL", "A value of the type that ofType names, never null."}}),
        objectType("__Field", "A field of an object or interface type.", fieldFields),
        objectType("__InputValue", "An argument of a field or directive, or a field of an input object type.",
                   inputValueFields),
        objectType("__EnumValue", "One of the values of an enum type.", enumValueFields),
        objectType("__Directive",
                   "A directive, written with @, that changes how the part of a document or schema it is on is "
                   "executed or validated.",
                   {defineField("name", "String!", "The directive's name, without the @."),
                    defineField("description", "String", "What the directive does; null when it has no description."),
                    defineField("isRepeatable", "Boolean!", "True when the directive may appear more than once at one place."),
                    defineField("locations", "[__DirectiveLocation!]!", "The places where the directive may appear."),
                    defineField("args", "[__InputValue!]!", "The arguments that the directive accepts.",
                          {defineArgument("includeDeprecated", "Boolean", includeDeprecated, false)})}),
        enumType("__DirectiveLocation", "The places in a document or a schema where a directive may appear.",
                 {{"QUERY", "A query operation."},
                  {"MUTATION", "A mutation operation."},
                  {"SUBSCRIPTION", "A subscription operation."},
                  {"FIELD", "A field in a selection set."},
                  {"FRAGMENT_DEFINITION", "A fragment definition."},
                  {"FRAGMENT_SPREAD", "A fragment spread."},
                  {"INLINE_FRAGMENT", "An inline fragment."},
                  {"VARIABLE_DEFINITION", "A variable definition."},
                  {"SCHEMA", "The schema definition."},
                  {"SCALAR", "A scalar type definition."},
                  {"OBJECT", "An object type definition."},
                  {"FIELD_DEFINITION", "A field definition."},
                  {"ARGUMENT_DEFINITION", "An argument definition."},
                  {"INTERFACE", "An interface definition."},
                  {"UNION", "A union definition."},
                  {"ENUM", "An enum definition."},
                  {"ENUM_VALUE", "An enum value definition."},
                  {"INPUT_OBJECT", "An input object type definition."},
                  {"INPUT_FIELD_DEFINITION", "An input field definition."}}),
    };
}

QList<DirectiveDefinition> builtInDirectives()
{
    const QStringList executableLocations = {QStringLiteral("FIELD"), QStringLiteral("FRAGMENT_SPREAD"),
                                             QStringLiteral("INLINE_FRAGMENT")};
    return {
        {QStringLiteral("include"),
         QStringLiteral("Includes the field or fragment only when the argument if is true."),
         executableLocations,
         {defineArgument("if", "Boolean!", "True includes the field or fragment, false leaves it out.")},
         false},
        {QStringLiteral("skip"),
         QStringLiteral("Leaves the field or fragment out when the argument if is true."),
         executableLocations,
         {defineArgument("if", "Boolean!", "True leaves the field or fragment out, false includes it.")},
         false},
        {QStringLiteral("deprecated"),
         QStringLiteral("Marks a part of the schema as deprecated, so that clients stop using it."),
         {QStringLiteral("FIELD_DEFINITION"), QStringLiteral("ARGUMENT_DEFINITION"),
          QStringLiteral("INPUT_FIELD_DEFINITION"), QStringLiteral("ENUM_VALUE")},
         // The spec fixes this default reason.
         {defineArgument("reason", "String", "Why it is deprecated and what to use instead.",
                   QStringLiteral("No longer supported"))},
         false},
        {QStringLiteral("specifiedBy"),
         QStringLiteral("Names the specification that defines a custom scalar type."),
         {QStringLiteral("SCALAR")},
         {defineArgument("url", "String!", "The URL of the specification.")},
         false},
    };
}

} // namespace

const EnumValueDefinition *TypeDefinition::enumValue(const QString &valueName) const
{
    for (const EnumValueDefinition &value : enumValues) {
        if (value.name == valueName)
            return &value;
    }
    return nullptr;
}

GraphqlSchema::GraphqlSchema()
{
    m_types = applicationTypes() + introspectionTypes();
    m_directives = builtInDirectives();

    m_typenameField = defineField("__typename", "String!", "The name of the object's type.");
    m_schemaField = defineField("__schema", "__Schema!", "The schema of this service: its types and directives.");
    m_typeField = defineField("__type", "__Type", "The named type with this name; null when the schema has none.",
                        {defineArgument("name", "String!", "The name of the type.")});
}

const GraphqlSchema &GraphqlSchema::instance()
{
    static const GraphqlSchema schema;
    return schema;
}

TypeRef GraphqlSchema::typeFromString(const QString &notation)
{
    TypeRef type;
    if (notation.endsWith(QLatin1Char('!'))) {
        type.kind = TypeRef::Kind::NonNull;
        type.ofType.push_back(typeFromString(notation.chopped(1)));
    } else if (notation.startsWith(QLatin1Char('[')) && notation.endsWith(QLatin1Char(']'))) {
        type.kind = TypeRef::Kind::List;
        type.ofType.push_back(typeFromString(notation.mid(1, notation.size() - 2)));
    } else {
        type.name = notation;
    }
    return type;
}

QString GraphqlSchema::namedType(const TypeRef &type)
{
    return type.kind == TypeRef::Kind::Named ? type.name : namedType(type.inner());
}

QString GraphqlSchema::printDefaultValue(const QJsonValue &value)
{
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isDouble())
        return QString::number(value.toDouble());
    if (value.isString()) {
        // A JSON string literal is also a valid GraphQL string literal.
        QByteArray json;
        appendJsonString(json, value.toString());
        return QString::fromUtf8(json);
    }
    return QStringLiteral("null");
}

const TypeDefinition *GraphqlSchema::type(const QString &name) const
{
    for (const TypeDefinition &definition : m_types) {
        if (definition.name == name)
            return &definition;
    }
    return nullptr;
}

const TypeDefinition *GraphqlSchema::objectType(const QString &name) const
{
    const TypeDefinition *definition = type(name);
    return definition && definition->kind == TypeDefinition::Kind::Object ? definition : nullptr;
}

bool GraphqlSchema::hasKind(const QString &name, TypeDefinition::Kind kind) const
{
    const TypeDefinition *definition = type(name);
    return definition && definition->kind == kind;
}

const FieldDefinition *GraphqlSchema::field(const QString &typeName, const QString &fieldName) const
{
    const TypeDefinition *type = objectType(typeName);
    if (!type)
        return nullptr;
    if (fieldName == m_typenameField.name)
        return &m_typenameField;
    if (typeName == queryType()) {
        if (fieldName == m_schemaField.name)
            return &m_schemaField;
        if (fieldName == m_typeField.name)
            return &m_typeField;
    }
    for (const FieldDefinition &definition : type->fields) {
        if (definition.name == fieldName)
            return &definition;
    }
    return nullptr;
}

const DirectiveDefinition *GraphqlSchema::directive(const QString &name) const
{
    for (const DirectiveDefinition &definition : m_directives) {
        if (definition.name == name)
            return &definition;
    }
    return nullptr;
}

} // namespace afx::sandbox
