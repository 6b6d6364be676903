#pragma once

#include "graphql/ast.h"

#include <QList>
#include <QString>
#include <QVariantList>

namespace afx::sandbox {

struct ArgumentDefinition {
    QString name;
    graphql::TypeRef type;
};

struct FieldDefinition {
    QString name;
    graphql::TypeRef type;
    QList<ArgumentDefinition> arguments;
};

struct ObjectTypeDefinition {
    QString name;
    QList<FieldDefinition> fields;
};

// The fixed schema of the sandbox backend (see GraphqlExecutor for its SDL).
class GraphqlSchema {
public:
    static const GraphqlSchema &instance();
    // Builds a type reference from notation such as "[Todo!]!".
    static graphql::TypeRef typeFromString(const QString &notation);
    // The named type inside list and non-null wrappers.
    static QString namedType(const graphql::TypeRef &type);

    const ObjectTypeDefinition *objectType(const QString &name) const;
    const FieldDefinition *field(const QString &typeName, const QString &fieldName) const;
    bool isScalar(const QString &name) const;
    bool isKnownType(const QString &name) const { return isScalar(name) || objectType(name); }

private:
    GraphqlSchema();

    QList<ObjectTypeDefinition> m_types;
};

// One entry of a GraphQL response's "errors" list.
struct GraphqlError {
    QString message;
    QList<graphql::SourceLocation> locations;
    QVariantList path; // response keys (QString) and list indexes (int)
    QString code;      // "extensions": {"code": ...} when not empty, such as UNAUTHENTICATED
};

} // namespace afx::sandbox
