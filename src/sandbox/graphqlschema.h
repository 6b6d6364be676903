#pragma once

#include "graphql/ast.h"

#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantList>

namespace afx::sandbox {

// An argument of a field or directive, which introspection lists as an __InputValue.
struct ArgumentDefinition {
    QString name;
    graphql::TypeRef type;
    QString description;
    // The value used when the argument is not given; undefined when it has none.
    QJsonValue defaultValue = QJsonValue::Undefined;
    bool deprecated = false;
    QString deprecationReason;

    bool hasDefaultValue() const { return !defaultValue.isUndefined(); }
    // A non-null argument without a default value must be given.
    bool isRequired() const { return type.kind == graphql::TypeRef::Kind::NonNull && !hasDefaultValue(); }
};

struct FieldDefinition {
    QString name;
    graphql::TypeRef type;
    QList<ArgumentDefinition> arguments;
    QString description;
    bool deprecated = false;
    QString deprecationReason;
};

struct EnumValueDefinition {
    QString name;
    QString description;
    bool deprecated = false;
    QString deprecationReason;
};

// A named type of the schema. The sandbox has no interfaces, unions or input objects.
struct TypeDefinition {
    enum class Kind { Scalar, Object, Enum };

    Kind kind = Kind::Object;
    QString name;
    QString description;
    QList<FieldDefinition> fields;          // Object only
    QList<EnumValueDefinition> enumValues;  // Enum only
    QString specifiedByUrl;                 // Scalar only; empty for the built-in scalars

    const EnumValueDefinition *enumValue(const QString &valueName) const;
};

struct DirectiveDefinition {
    QString name; // without '@'
    QString description;
    QStringList locations; // the spec's __DirectiveLocation names, such as FIELD or QUERY
    QList<ArgumentDefinition> arguments;
    bool repeatable = false;
};

// The fixed schema of the sandbox backend (see GraphqlExecutor for its SDL), with the
// introspection types of the GraphQL spec (October 2021 edition, section 4.2) and the
// directives @include, @skip, @deprecated and @specifiedBy.
class GraphqlSchema {
public:
    static const GraphqlSchema &instance();
    // Builds a type reference from notation such as "[Todo!]!".
    static graphql::TypeRef typeFromString(const QString &notation);
    // The named type inside list and non-null wrappers.
    static QString namedType(const graphql::TypeRef &type);
    // GraphQL notation of a default value, as __InputValue.defaultValue returns it: false, "text".
    static QString printDefaultValue(const QJsonValue &value);

    QString queryType() const { return QStringLiteral("Query"); }
    QString mutationType() const { return QStringLiteral("Mutation"); }

    // Every named type, in the order that __schema.types lists them.
    const QList<TypeDefinition> &types() const { return m_types; }
    const TypeDefinition *type(const QString &name) const;
    const TypeDefinition *objectType(const QString &name) const;
    // A field of an object type, including the meta fields: __typename on every object type,
    // and __schema and __type on the query root type. Null when there is none.
    const FieldDefinition *field(const QString &typeName, const QString &fieldName) const;

    const QList<DirectiveDefinition> &directives() const { return m_directives; }
    const DirectiveDefinition *directive(const QString &name) const;

    bool isScalar(const QString &name) const { return hasKind(name, TypeDefinition::Kind::Scalar); }
    bool isEnum(const QString &name) const { return hasKind(name, TypeDefinition::Kind::Enum); }
    bool isLeaf(const QString &name) const { return isScalar(name) || isEnum(name); }
    // Types that variables may have: scalars and enums, as the schema has no input objects.
    bool isInputType(const QString &name) const { return isLeaf(name); }
    bool isKnownType(const QString &name) const { return type(name) != nullptr; }

private:
    GraphqlSchema();
    bool hasKind(const QString &name, TypeDefinition::Kind kind) const;

    QList<TypeDefinition> m_types;
    QList<DirectiveDefinition> m_directives;
    FieldDefinition m_typenameField;
    FieldDefinition m_schemaField;
    FieldDefinition m_typeField;
};

// One entry of a GraphQL response's "errors" list.
struct GraphqlError {
    QString message;
    QList<graphql::SourceLocation> locations;
    QVariantList path; // response keys (QString) and list indexes (int)
    QString code;      // "extensions": {"code": ...} when not empty, such as UNAUTHENTICATED
};

} // namespace afx::sandbox
