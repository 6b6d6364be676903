#pragma once

#include <QList>
#include <QString>

#include <vector>

// The syntax tree of a GraphQL executable document (GraphQL spec, October 2021 edition,
// section 2 "Language"). Type system definitions are not represented: the parser rejects them.
namespace afx::graphql {

// A 1-based line and column; the column counts Unicode code points. 0:0 means "no location".
struct SourceLocation {
    int line = 0;
    int column = 0;

    bool isValid() const { return line > 0; }
    friend bool operator==(const SourceLocation &, const SourceLocation &) = default;
};

struct ObjectField;

// A literal or variable in an argument, a default value or a list/object element.
struct Value {
    enum class Kind { Variable, Int, Float, String, Boolean, Null, Enum, List, Object };

    Kind kind = Kind::Null;
    // Variable: the name without '$'. Int and Float: the literal text. String: the decoded
    // value. Enum: the name. Boolean: "true" or "false". Empty for Null, List and Object.
    QString text;
    std::vector<Value> items;         // List elements in source order
    std::vector<ObjectField> fields;  // Object fields in source order
    SourceLocation location;

    bool booleanValue() const { return kind == Kind::Boolean && text == QLatin1String("true"); }
};

struct ObjectField {
    QString name;
    Value value;
    SourceLocation location;
};

// A type reference such as String, [ID!] or Boolean!.
struct TypeRef {
    enum class Kind { Named, List, NonNull };

    Kind kind = Kind::Named;
    QString name;                  // Named only
    std::vector<TypeRef> ofType;   // exactly one element for List and NonNull
    SourceLocation location;

    const TypeRef &inner() const { return ofType.front(); }
    QString toString() const;      // the GraphQL notation, for example "[ID!]!"
};

struct Argument {
    QString name;
    Value value;
    SourceLocation location;
};

struct Directive {
    QString name;                  // without '@'
    QList<Argument> arguments;
    SourceLocation location;
};

// A field, a fragment spread or an inline fragment inside a selection set.
struct Selection {
    enum class Kind { Field, FragmentSpread, InlineFragment };

    Kind kind = Kind::Field;
    QString alias;                 // Field only; empty when the field has no alias
    QString name;                  // Field: field name. FragmentSpread: fragment name.
    QString typeCondition;         // InlineFragment only; empty when it has no "on Type"
    QList<Argument> arguments;     // Field only
    QList<Directive> directives;
    std::vector<Selection> selectionSet; // empty for leaf fields and fragment spreads
    SourceLocation location;

    QString responseKey() const { return alias.isEmpty() ? name : alias; }
};

struct VariableDefinition {
    QString name;                  // without '$'
    TypeRef type;
    bool hasDefaultValue = false;
    Value defaultValue;
    QList<Directive> directives;
    SourceLocation location;
};

struct OperationDefinition {
    enum class Type { Query, Mutation, Subscription };

    Type type = Type::Query;
    QString name;                  // empty for an anonymous operation
    QList<VariableDefinition> variables;
    QList<Directive> directives;
    std::vector<Selection> selectionSet;
    bool shorthand = false;        // written as a bare "{ ... }" selection set
    SourceLocation location;
};

struct FragmentDefinition {
    QString name;
    QString typeCondition;
    QList<Directive> directives;
    std::vector<Selection> selectionSet;
    SourceLocation location;
};

struct Document {
    QList<OperationDefinition> operations;
    QList<FragmentDefinition> fragments;

    const FragmentDefinition *fragment(const QString &name) const;
};

QString operationTypeName(OperationDefinition::Type type); // "query", "mutation", "subscription"

} // namespace afx::graphql
