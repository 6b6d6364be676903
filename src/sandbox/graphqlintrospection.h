#pragma once

#include "sandbox/graphqlschema.h"

#include "graphql/ast.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <vector>

// Resolvers of the introspection fields of the GraphQL spec (October 2021 edition, section 4)
// over the sandbox schema: __schema and __type(name:) on the query root, and the fields of
// __Schema, __Type, __Field, __InputValue, __EnumValue and __Directive.
namespace afx::sandbox {

// The schema element behind one introspection object. Its type name decides which member applies.
struct IntrospectionSubject {
    graphql::TypeRef type;                          // __Type: a named type or a wrapper
    const FieldDefinition *field = nullptr;         // __Field
    const ArgumentDefinition *inputValue = nullptr; // __InputValue
    const EnumValueDefinition *enumValue = nullptr; // __EnumValue
    const DirectiveDefinition *directive = nullptr; // __Directive
};

// The value of an introspection field before the executor completes it against the field's
// type: null, a scalar or enum value, an introspection object, or a list of these.
struct IntrospectionValue {
    enum class Kind { Null, Scalar, Object, List };

    Kind kind = Kind::Null;
    QJsonValue scalar;                     // Scalar: a string or a boolean
    QString objectType;                    // Object: "__Schema", "__Type", ...
    IntrospectionSubject subject;          // Object
    std::vector<IntrospectionValue> items; // List
};

// Resolves the meta field __schema or __type of the query root. `arguments` are coerced, with
// default values applied.
IntrospectionValue resolveIntrospectionRoot(const QString &fieldName, const QJsonObject &arguments);

// Resolves `fieldName` of an object of the introspection type `objectType` (a name starting
// with "__"). Unknown fields resolve to null, as the validator has rejected them before.
IntrospectionValue resolveIntrospectionField(const QString &objectType, const IntrospectionSubject &subject,
                                             const QString &fieldName, const QJsonObject &arguments);

} // namespace afx::sandbox
