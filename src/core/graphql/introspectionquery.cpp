#include "graphql/schema.h"

namespace afx::graphql {

namespace {

// How many type levels the TypeRef fragment reads: the type itself and eight ofType wrappers
// inside it. [[String!]!]! needs six levels, so nine leave room for deeper list types.
constexpr int typeRefLevels = 9;

QString typeRefFragment()
{
    QString selection = QStringLiteral("kind name");
    for (int level = 1; level < typeRefLevels; ++level)
        selection = QStringLiteral("kind name ofType { %1 }").arg(selection);
    return QStringLiteral("fragment TypeRef on __Type {\n  %1\n}\n").arg(selection);
}

} // namespace

QString introspectionQuery()
{
    // The selections follow the introspection schema of the GraphQL spec (October 2021 edition,
    // section 4.2). includeDeprecated: true lists deprecated fields, arguments, input fields and
    // enum values too, so that the documentation can show them as deprecated.
    static const QString query = QStringLiteral(
        "query IntrospectionQuery {\n"
        "  __schema {\n"
        "    queryType { name }\n"
        "    mutationType { name }\n"
        "    subscriptionType { name }\n"
        "    types { ...FullType }\n"
        "    directives {\n"
        "      name\n"
        "      description\n"
        "      isRepeatable\n"
        "      locations\n"
        "      args(includeDeprecated: true) { ...InputValue }\n"
        "    }\n"
        "  }\n"
        "}\n"
        "\n"
        "fragment FullType on __Type {\n"
        "  kind\n"
        "  name\n"
        "  description\n"
        "  fields(includeDeprecated: true) {\n"
        "    name\n"
        "    description\n"
        "    args(includeDeprecated: true) { ...InputValue }\n"
        "    type { ...TypeRef }\n"
        "    isDeprecated\n"
        "    deprecationReason\n"
        "  }\n"
        "  inputFields(includeDeprecated: true) { ...InputValue }\n"
        "  interfaces { ...TypeRef }\n"
        "  enumValues(includeDeprecated: true) {\n"
        "    name\n"
        "    description\n"
        "    isDeprecated\n"
        "    deprecationReason\n"
        "  }\n"
        "  possibleTypes { ...TypeRef }\n"
        "}\n"
        "\n"
        "fragment InputValue on __InputValue {\n"
        "  name\n"
        "  description\n"
        "  type { ...TypeRef }\n"
        "  defaultValue\n"
        "  isDeprecated\n"
        "  deprecationReason\n"
        "}\n"
        "\n") + typeRefFragment();
    return query;
}

} // namespace afx::graphql
