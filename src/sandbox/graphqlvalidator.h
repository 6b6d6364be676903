#pragma once

#include "sandbox/graphqlschema.h"

#include "graphql/ast.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace afx::sandbox {

// Checks a parsed document against the sandbox schema before execution: the validation
// rules of the GraphQL spec (section 5) that apply to a schema without interfaces, unions or
// input objects. The introspection types and meta fields count as part of the schema. Each
// message names the field, type, fragment or variable involved.
class GraphqlValidator {
public:
    explicit GraphqlValidator(const graphql::Document &document);

    // Returns every problem found, in document order. The list is empty for a valid document.
    QList<GraphqlError> validate();

private:
    struct OperationScope {
        const graphql::OperationDefinition *operation = nullptr;
        QHash<QString, const graphql::VariableDefinition *> variables;
        QSet<QString> usedVariables;
        QSet<QString> visitedFragments;
    };

    void validateNames();
    void validateFragmentDefinitions();
    void validateFragmentCycles();
    void validateOperation(const graphql::OperationDefinition &operation);
    void validateSelectionSet(const std::vector<graphql::Selection> &selections, const QString &parentType,
                              OperationScope &scope);
    void validateField(const graphql::Selection &field, const QString &parentType, OperationScope &scope);
    // `location` is the directive location name of the spec, such as FIELD or QUERY.
    void validateDirectives(const QList<graphql::Directive> &directives, const QString &location, OperationScope *scope);
    // `owner` names what the arguments belong to in messages: field "Mutation.addTodo" or directive "@skip".
    void validateArguments(const QList<graphql::Argument> &arguments, const QList<ArgumentDefinition> &definitions,
                           const QString &owner, const QString &requiredOwner, graphql::SourceLocation location,
                           OperationScope *scope);
    void validateValue(const graphql::Value &value, const graphql::TypeRef &expected, OperationScope *scope);
    // A simplified OverlappingFieldsCanBeMerged: fields with one response key must name the
    // same field with the same arguments, checked through merged sub-selections.
    void validateMergeable(const QList<const std::vector<graphql::Selection> *> &sets, const QString &parentType);
    void addError(const QString &message, const QList<graphql::SourceLocation> &locations);

    const graphql::Document &m_document;
    QList<GraphqlError> m_errors;
    QSet<QString> m_errorKeys; // message and locations, so a fragment used twice reports once
    QSet<QString> m_usedFragments;
};

// GraphQL notation of a literal, for messages and argument comparison: "abc" -> "\"abc\"".
QString printValue(const graphql::Value &value);

} // namespace afx::sandbox
