#include "graphql/ast.h"

namespace afx::graphql {

QString TypeRef::toString() const
{
    switch (kind) {
    case Kind::Named:
        return name;
    case Kind::List:
        return QLatin1Char('[') + inner().toString() + QLatin1Char(']');
    case Kind::NonNull:
        return inner().toString() + QLatin1Char('!');
    }
    return {};
}

const FragmentDefinition *Document::fragment(const QString &name) const
{
    for (const FragmentDefinition &definition : fragments) {
        if (definition.name == name)
            return &definition;
    }
    return nullptr;
}

QString operationTypeName(OperationDefinition::Type type)
{
    switch (type) {
    case OperationDefinition::Type::Query:
        return QStringLiteral("query");
    case OperationDefinition::Type::Mutation:
        return QStringLiteral("mutation");
    case OperationDefinition::Type::Subscription:
        return QStringLiteral("subscription");
    }
    return {};
}

} // namespace afx::graphql
