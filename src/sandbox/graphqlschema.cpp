#include "sandbox/graphqlschema.h"

namespace afx::sandbox {

using graphql::TypeRef;

GraphqlSchema::GraphqlSchema()
{
    const auto field = [](const char *name, const char *type, QList<ArgumentDefinition> arguments = {}) {
        return FieldDefinition{QString::fromLatin1(name), typeFromString(QString::fromLatin1(type)), std::move(arguments)};
    };
    const auto argument = [](const char *name, const char *type) {
        return ArgumentDefinition{QString::fromLatin1(name), typeFromString(QString::fromLatin1(type))};
    };

    m_types = {
        {QStringLiteral("Query"), {field("me", "User!"), field("todos", "[Todo!]!")}},
        {QStringLiteral("Mutation"),
         {field("addTodo", "Todo!", {argument("title", "String!")}),
          field("setDone", "Todo", {argument("id", "ID!"), argument("done", "Boolean!")}),
          field("login", "LoginResult!", {argument("email", "String!"), argument("password", "String!")})}},
        {QStringLiteral("User"), {field("sub", "ID!"), field("email", "String!"), field("name", "String!")}},
        {QStringLiteral("Todo"), {field("id", "ID!"), field("title", "String!"), field("done", "Boolean!")}},
        {QStringLiteral("LoginResult"),
         {field("idToken", "String!"), field("refreshToken", "String!"), field("accessToken", "String!"),
          field("expiresIn", "Int!")}},
    };
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

const ObjectTypeDefinition *GraphqlSchema::objectType(const QString &name) const
{
    for (const ObjectTypeDefinition &type : m_types) {
        if (type.name == name)
            return &type;
    }
    return nullptr;
}

const FieldDefinition *GraphqlSchema::field(const QString &typeName, const QString &fieldName) const
{
    const ObjectTypeDefinition *type = objectType(typeName);
    if (!type)
        return nullptr;
    for (const FieldDefinition &definition : type->fields) {
        if (definition.name == fieldName)
            return &definition;
    }
    return nullptr;
}

bool GraphqlSchema::isScalar(const QString &name) const
{
    return name == QLatin1String("String") || name == QLatin1String("ID") || name == QLatin1String("Boolean")
        || name == QLatin1String("Int") || name == QLatin1String("Float");
}

} // namespace afx::sandbox
