#pragma once

#include "graphql/ast.h"

#include <QByteArrayView>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <unordered_map>

// A GraphQL schema as the client learns it from an introspection query (GraphQL spec, October
// 2021 edition, section 4 "Introspection"). The query editor uses it for completion, validation
// and the documentation explorer.
namespace afx::graphql {

// The introspection query the editor sends: every type with its fields, arguments, input
// fields, interfaces, possible types, enum values, directives and descriptions.
QString introspectionQuery();

struct SchemaInputValue {
    QString name;
    QString description;
    TypeRef type;
    QString defaultValue;        // GraphQL notation as introspection gives it; empty when none
    bool deprecated = false;
    QString deprecationReason;
};

struct SchemaField {
    QString name;
    QString description;
    TypeRef type;
    QList<SchemaInputValue> arguments;
    bool deprecated = false;
    QString deprecationReason;

    const SchemaInputValue *argument(const QString &name) const;
};

struct SchemaEnumValue {
    QString name;
    QString description;
    bool deprecated = false;
    QString deprecationReason;
};

struct SchemaType {
    enum class Kind { Scalar, Object, Interface, Union, Enum, InputObject };

    Kind kind = Kind::Scalar;
    QString name;
    QString description;
    QList<SchemaField> fields;           // Object and Interface
    QList<SchemaInputValue> inputFields; // InputObject
    QStringList interfaces;              // Object and Interface
    QStringList possibleTypes;           // Interface and Union
    QList<SchemaEnumValue> enumValues;   // Enum

    const SchemaField *field(const QString &name) const;
    const SchemaInputValue *inputField(const QString &name) const;
    bool isComposite() const { return kind == Kind::Object || kind == Kind::Interface || kind == Kind::Union; }
    bool isLeaf() const { return kind == Kind::Scalar || kind == Kind::Enum; }
    bool isInput() const { return kind == Kind::Scalar || kind == Kind::Enum || kind == Kind::InputObject; }
};

struct SchemaDirective {
    QString name;                // without '@'
    QString description;
    QStringList locations;       // "FIELD", "QUERY", ...
    QList<SchemaInputValue> arguments;
    bool repeatable = false;
};

QString schemaTypeKindName(SchemaType::Kind kind); // "OBJECT", "INPUT_OBJECT", ...

// A hash for short GraphQL names (FNV-1a over the UTF-16 code units). qHash(QString) took most
// of the validation time in a profile with Qt 6.4, so name tables use this one.
struct NameHash {
    size_t operator()(const QString &name) const noexcept;
};

// The name of the named type inside `type`, such as "Todo" for "[Todo!]!".
QString namedTypeName(const TypeRef &type);

class Schema {
public:
    // Largest introspection response read, in bytes; a larger one is rejected before parsing.
    static constexpr qsizetype maxIntrospectionBytes = 32 * 1024 * 1024;

    // Reads an introspection response: the whole HTTP body ({"data": {"__schema": ...}}) or
    // just the __schema object. On failure returns nullopt and fills *error with one sentence
    // that names what was wrong (not JSON, a GraphQL error, a missing or mistyped member with
    // its path, a type referenced but not defined, too large).
    static std::optional<Schema> fromIntrospection(QByteArrayView json, QString *error);
    static std::optional<Schema> fromIntrospection(const QJsonObject &response, QString *error);

    QString queryType() const { return m_queryType; }
    QString mutationType() const { return m_mutationType; }         // empty when none
    QString subscriptionType() const { return m_subscriptionType; } // empty when none
    // The root type of an operation, or null when the schema has none for it.
    const SchemaType *rootType(OperationDefinition::Type operation) const;

    const SchemaType *type(const QString &name) const;
    const QList<SchemaType> &types() const { return m_types; }
    const SchemaDirective *directive(const QString &name) const;
    const QList<SchemaDirective> &directives() const { return m_directives; }

    // A field of an object or interface type, including the meta fields __typename (on every
    // composite type) and __schema and __type (on the query root). Null when there is none.
    const SchemaField *field(const QString &typeName, const QString &fieldName) const;
    const SchemaField *field(const SchemaType &type, const QString &fieldName) const;

    // True when `type` is a scalar, enum or input object (possibly wrapped).
    bool isInputType(const TypeRef &type) const;
    bool isLeafType(const TypeRef &type) const;

    // The named type inside `type` (lists and non-null unwrapped), or null when it is unknown.
    const SchemaType *namedType(const TypeRef &type) const;
    // The object types a value of `typeName` can have at runtime: the type itself for an
    // object, the possible types of an interface or union, nothing for other or unknown types.
    QStringList possibleTypeNames(const QString &typeName) const;
    // True when some object type is possible for both composite types (GraphQL spec 5.5.2.3,
    // "Fragment spread is possible").
    bool typesOverlap(const QString &first, const QString &second) const;

private:
    // Checks that every referenced type exists and has a suitable kind.
    bool checkReferences(QString *error) const;

    QString m_queryType;
    QString m_mutationType;
    QString m_subscriptionType;
    QList<SchemaType> m_types;
    std::unordered_map<QString, qsizetype, NameHash> m_typeIndex;
    QList<SchemaDirective> m_directives;
    QList<SchemaField> m_metaFields; // __typename, __schema, __type
};

} // namespace afx::graphql
