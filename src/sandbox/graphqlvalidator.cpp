#include "sandbox/graphqlvalidator.h"

#include "sandbox/orderedjson.h"

#include <QStringList>

#include <functional>

namespace afx::sandbox {

using namespace afx::graphql;

namespace {

const GraphqlSchema &schema()
{
    return GraphqlSchema::instance();
}

QString quoted(const QString &text)
{
    return QLatin1Char('"') + text + QLatin1Char('"');
}

// AreTypesCompatible() of the spec's variable usage rule.
bool areTypesCompatible(const TypeRef &variableType, const TypeRef &locationType)
{
    if (locationType.kind == TypeRef::Kind::NonNull) {
        if (variableType.kind != TypeRef::Kind::NonNull)
            return false;
        return areTypesCompatible(variableType.inner(), locationType.inner());
    }
    if (variableType.kind == TypeRef::Kind::NonNull)
        return areTypesCompatible(variableType.inner(), locationType);
    if (locationType.kind == TypeRef::Kind::List) {
        if (variableType.kind != TypeRef::Kind::List)
            return false;
        return areTypesCompatible(variableType.inner(), locationType.inner());
    }
    if (variableType.kind == TypeRef::Kind::List)
        return false;
    return variableType.name == locationType.name;
}

// IsVariableUsageAllowed of the spec, for positions without a default value of their own.
bool isVariableUsageAllowed(const VariableDefinition &variable, const TypeRef &locationType)
{
    if (locationType.kind == TypeRef::Kind::NonNull && variable.type.kind != TypeRef::Kind::NonNull) {
        const bool hasNonNullDefault = variable.hasDefaultValue && variable.defaultValue.kind != Value::Kind::Null;
        if (!hasNonNullDefault)
            return false;
        return areTypesCompatible(variable.type, locationType.inner());
    }
    return areTypesCompatible(variable.type, locationType);
}

bool isValidScalarLiteral(const Value &value, const QString &scalar)
{
    if (scalar == QLatin1String("String"))
        return value.kind == Value::Kind::String;
    if (scalar == QLatin1String("Boolean"))
        return value.kind == Value::Kind::Boolean;
    if (scalar == QLatin1String("Float"))
        return value.kind == Value::Kind::Int || value.kind == Value::Kind::Float;
    if (scalar == QLatin1String("ID"))
        return value.kind == Value::Kind::String || value.kind == Value::Kind::Int;
    if (scalar == QLatin1String("Int")) {
        if (value.kind != Value::Kind::Int)
            return false;
        bool ok = false;
        const qint64 number = value.text.toLongLong(&ok);
        return ok && number >= -2147483648LL && number <= 2147483647LL;
    }
    return false;
}

bool sameArguments(const Selection &a, const Selection &b)
{
    if (a.arguments.size() != b.arguments.size())
        return false;
    for (const Argument &argument : a.arguments) {
        const auto match = std::find_if(b.arguments.begin(), b.arguments.end(),
                                        [&argument](const Argument &other) { return other.name == argument.name; });
        if (match == b.arguments.end() || printValue(match->value) != printValue(argument.value))
            return false;
    }
    return true;
}

const QString mergeAdvice = QStringLiteral("Use different aliases on the fields to fetch both if this was intentional.");

} // namespace

QString printValue(const Value &value)
{
    switch (value.kind) {
    case Value::Kind::Variable:
        return QLatin1Char('$') + value.text;
    case Value::Kind::Int:
    case Value::Kind::Float:
    case Value::Kind::Boolean:
    case Value::Kind::Enum:
        return value.text;
    case Value::Kind::Null:
        return QStringLiteral("null");
    case Value::Kind::String: {
        QByteArray json;
        appendJsonString(json, value.text);
        return QString::fromUtf8(json);
    }
    case Value::Kind::List: {
        QStringList items;
        for (const Value &item : value.items)
            items.append(printValue(item));
        return QLatin1Char('[') + items.join(QStringLiteral(", ")) + QLatin1Char(']');
    }
    case Value::Kind::Object: {
        QStringList fields;
        for (const ObjectField &field : value.fields)
            fields.append(field.name + QStringLiteral(": ") + printValue(field.value));
        return QLatin1Char('{') + fields.join(QStringLiteral(", ")) + QLatin1Char('}');
    }
    }
    return {};
}

GraphqlValidator::GraphqlValidator(const Document &document)
    : m_document(document)
{
}

QList<GraphqlError> GraphqlValidator::validate()
{
    validateNames();
    validateFragmentDefinitions();
    validateFragmentCycles();
    for (const OperationDefinition &operation : m_document.operations)
        validateOperation(operation);
    for (const FragmentDefinition &fragment : m_document.fragments) {
        if (!m_usedFragments.contains(fragment.name))
            addError(QStringLiteral("Fragment %1 is never used.").arg(quoted(fragment.name)), {fragment.location});
    }
    return m_errors;
}

void GraphqlValidator::addError(const QString &message, const QList<SourceLocation> &locations)
{
    QString key = message;
    for (const SourceLocation &location : locations)
        key += QStringLiteral("@%1:%2").arg(location.line).arg(location.column);
    if (m_errorKeys.contains(key))
        return;
    m_errorKeys.insert(key);
    m_errors.append(GraphqlError{message, locations, {}, {}});
}

void GraphqlValidator::validateNames()
{
    const QList<OperationDefinition> &operations = m_document.operations;
    for (qsizetype i = 0; i < operations.size(); ++i) {
        const OperationDefinition &operation = operations.at(i);
        if (operation.name.isEmpty()) {
            if (operations.size() > 1)
                addError(QStringLiteral("This anonymous operation must be the only defined operation."), {operation.location});
            continue;
        }
        for (qsizetype j = 0; j < i; ++j) {
            if (operations.at(j).name == operation.name) {
                addError(QStringLiteral("There can be only one operation named %1.").arg(quoted(operation.name)),
                         {operations.at(j).location, operation.location});
                break;
            }
        }
    }

    const QList<FragmentDefinition> &fragments = m_document.fragments;
    for (qsizetype i = 0; i < fragments.size(); ++i) {
        for (qsizetype j = 0; j < i; ++j) {
            if (fragments.at(j).name == fragments.at(i).name) {
                addError(QStringLiteral("There can be only one fragment named %1.").arg(quoted(fragments.at(i).name)),
                         {fragments.at(j).location, fragments.at(i).location});
                break;
            }
        }
    }
}

void GraphqlValidator::validateFragmentDefinitions()
{
    for (const FragmentDefinition &fragment : m_document.fragments) {
        validateDirectives(fragment.directives, QStringLiteral("FRAGMENT_DEFINITION"), nullptr);
        if (!schema().isKnownType(fragment.typeCondition))
            addError(QStringLiteral("Unknown type %1.").arg(quoted(fragment.typeCondition)), {fragment.location});
        else if (!schema().objectType(fragment.typeCondition))
            addError(QStringLiteral("Fragment %1 cannot condition on non composite type %2.")
                         .arg(quoted(fragment.name), quoted(fragment.typeCondition)),
                     {fragment.location});
    }
}

void GraphqlValidator::validateFragmentCycles()
{
    // Depth-first search over fragment spreads. A spread of a fragment that is still on
    // the search stack closes a cycle.
    QSet<QString> visited;
    QHash<QString, qsizetype> stackIndex;
    QList<const Selection *> spreadPath;

    std::function<void(const std::vector<Selection> &, QList<const Selection *> &)> collectSpreads =
        [&collectSpreads](const std::vector<Selection> &selections, QList<const Selection *> &out) {
            for (const Selection &selection : selections) {
                if (selection.kind == Selection::Kind::FragmentSpread)
                    out.append(&selection);
                else
                    collectSpreads(selection.selectionSet, out);
            }
        };

    std::function<void(const FragmentDefinition &)> visit = [&](const FragmentDefinition &fragment) {
        visited.insert(fragment.name);
        stackIndex.insert(fragment.name, spreadPath.size());
        QList<const Selection *> spreads;
        collectSpreads(fragment.selectionSet, spreads);
        for (const Selection *spread : spreads) {
            const auto onStack = stackIndex.constFind(spread->name);
            if (onStack == stackIndex.constEnd()) {
                const FragmentDefinition *target = m_document.fragment(spread->name);
                if (target && !visited.contains(spread->name)) {
                    spreadPath.append(spread);
                    visit(*target);
                    spreadPath.removeLast();
                }
                continue;
            }
            const QList<const Selection *> cycle = spreadPath.mid(*onStack) + QList<const Selection *>{spread};
            QStringList via;
            QList<SourceLocation> locations;
            for (qsizetype i = 0; i < cycle.size(); ++i) {
                locations.append(cycle.at(i)->location);
                if (i + 1 < cycle.size())
                    via.append(quoted(cycle.at(i)->name));
            }
            QString message = QStringLiteral("Cannot spread fragment %1 within itself").arg(quoted(spread->name));
            message += via.isEmpty() ? QStringLiteral(".") : QStringLiteral(" via %1.").arg(via.join(QStringLiteral(", ")));
            addError(message, locations);
        }
        stackIndex.remove(fragment.name);
    };

    for (const FragmentDefinition &fragment : m_document.fragments) {
        if (!visited.contains(fragment.name))
            visit(fragment);
    }
}

void GraphqlValidator::validateOperation(const OperationDefinition &operation)
{
    OperationScope scope;
    scope.operation = &operation;

    for (const VariableDefinition &variable : operation.variables) {
        if (scope.variables.contains(variable.name)) {
            addError(QStringLiteral("There can be only one variable named %1.").arg(quoted(QLatin1Char('$') + variable.name)),
                     {scope.variables.value(variable.name)->location, variable.location});
            continue;
        }
        const QString named = GraphqlSchema::namedType(variable.type);
        if (!schema().isKnownType(named))
            addError(QStringLiteral("Unknown type %1.").arg(quoted(named)), {variable.type.location});
        else if (!schema().isInputType(named))
            addError(QStringLiteral("Variable %1 cannot be non-input type %2.")
                         .arg(quoted(QLatin1Char('$') + variable.name), quoted(variable.type.toString())),
                     {variable.type.location});
        else if (variable.hasDefaultValue)
            validateValue(variable.defaultValue, variable.type, nullptr);
        validateDirectives(variable.directives, QStringLiteral("VARIABLE_DEFINITION"), nullptr);
        scope.variables.insert(variable.name, &variable);
    }

    const QString typeName = operationTypeName(operation.type).toUpper();
    validateDirectives(operation.directives, typeName, &scope);
    if (operation.type == OperationDefinition::Type::Subscription) {
        addError(QStringLiteral("The sandbox schema has no subscription type; use a query or a mutation."), {operation.location});
        return;
    }

    const QString rootType = operation.type == OperationDefinition::Type::Mutation ? QStringLiteral("Mutation")
                                                                                  : QStringLiteral("Query");
    validateSelectionSet(operation.selectionSet, rootType, scope);
    validateMergeable({&operation.selectionSet}, rootType);

    for (const VariableDefinition &variable : operation.variables) {
        if (scope.usedVariables.contains(variable.name))
            continue;
        const QString name = quoted(QLatin1Char('$') + variable.name);
        addError(operation.name.isEmpty()
                     ? QStringLiteral("Variable %1 is never used.").arg(name)
                     : QStringLiteral("Variable %1 is never used in operation %2.").arg(name, quoted(operation.name)),
                 {variable.location});
    }
}

void GraphqlValidator::validateSelectionSet(const std::vector<Selection> &selections, const QString &parentType,
                                            OperationScope &scope)
{
    for (const Selection &selection : selections) {
        switch (selection.kind) {
        case Selection::Kind::Field:
            validateField(selection, parentType, scope);
            break;

        case Selection::Kind::FragmentSpread: {
            validateDirectives(selection.directives, QStringLiteral("FRAGMENT_SPREAD"), &scope);
            const FragmentDefinition *fragment = m_document.fragment(selection.name);
            if (!fragment) {
                addError(QStringLiteral("Unknown fragment %1.").arg(quoted(selection.name)), {selection.location});
                break;
            }
            m_usedFragments.insert(selection.name);
            if (!schema().objectType(fragment->typeCondition))
                break; // reported with the fragment definition
            if (fragment->typeCondition != parentType) {
                addError(QStringLiteral("Fragment %1 cannot be spread here as objects of type %2 can never be of type %3.")
                             .arg(quoted(selection.name), quoted(parentType), quoted(fragment->typeCondition)),
                         {selection.location});
                break;
            }
            if (scope.visitedFragments.contains(selection.name))
                break;
            scope.visitedFragments.insert(selection.name);
            validateSelectionSet(fragment->selectionSet, fragment->typeCondition, scope);
            break;
        }

        case Selection::Kind::InlineFragment: {
            validateDirectives(selection.directives, QStringLiteral("INLINE_FRAGMENT"), &scope);
            const QString &condition = selection.typeCondition;
            if (!condition.isEmpty()) {
                if (!schema().isKnownType(condition)) {
                    addError(QStringLiteral("Unknown type %1.").arg(quoted(condition)), {selection.location});
                    break;
                }
                if (!schema().objectType(condition)) {
                    addError(QStringLiteral("Fragment cannot condition on non composite type %1.").arg(quoted(condition)),
                             {selection.location});
                    break;
                }
                if (condition != parentType) {
                    addError(QStringLiteral("Fragment cannot be spread here as objects of type %1 can never be of type %2.")
                                 .arg(quoted(parentType), quoted(condition)),
                             {selection.location});
                    break;
                }
            }
            validateSelectionSet(selection.selectionSet, parentType, scope);
            break;
        }
        }
    }
}

void GraphqlValidator::validateField(const Selection &field, const QString &parentType, OperationScope &scope)
{
    validateDirectives(field.directives, QStringLiteral("FIELD"), &scope);

    // The schema also returns the meta fields: __typename, and __schema and __type on Query.
    const FieldDefinition *definition = schema().field(parentType, field.name);
    if (!definition) {
        addError(QStringLiteral("Cannot query field %1 on type %2.").arg(quoted(field.name), quoted(parentType)),
                 {field.location});
        return;
    }

    validateArguments(field.arguments, definition->arguments,
                      QStringLiteral("field %1").arg(quoted(parentType + QLatin1Char('.') + field.name)),
                      QStringLiteral("Field %1").arg(quoted(field.name)), field.location, &scope);

    const QString named = GraphqlSchema::namedType(definition->type);
    if (schema().isLeaf(named)) {
        if (!field.selectionSet.empty())
            addError(QStringLiteral("Field %1 must not have a selection since type %2 has no subfields.")
                         .arg(quoted(field.name), quoted(definition->type.toString())),
                     {field.location});
        return;
    }
    if (field.selectionSet.empty()) {
        addError(QStringLiteral("Field %1 of type %2 must have a selection of subfields. Did you mean \"%3 { ... }\"?")
                     .arg(quoted(field.name), quoted(definition->type.toString()), field.name),
                 {field.location});
        return;
    }
    validateSelectionSet(field.selectionSet, named, scope);
}

void GraphqlValidator::validateDirectives(const QList<Directive> &directives, const QString &location, OperationScope *scope)
{
    QSet<QString> seen;
    for (const Directive &directive : directives) {
        const QString name = quoted(QLatin1Char('@') + directive.name);
        const DirectiveDefinition *definition = schema().directive(directive.name);
        if (!definition) {
            addError(QStringLiteral("Unknown directive %1.").arg(name), {directive.location});
            continue;
        }
        if (!definition->locations.contains(location)) {
            addError(QStringLiteral("Directive %1 may not be used on %2.").arg(name, location), {directive.location});
            continue;
        }
        if (seen.contains(directive.name) && !definition->repeatable) {
            addError(QStringLiteral("The directive %1 can only be used once at this location.").arg(name), {directive.location});
            continue;
        }
        seen.insert(directive.name);
        validateArguments(directive.arguments, definition->arguments, QStringLiteral("directive %1").arg(name),
                          QStringLiteral("Directive %1").arg(name), directive.location, scope);
    }
}

void GraphqlValidator::validateArguments(const QList<Argument> &arguments, const QList<ArgumentDefinition> &definitions,
                                         const QString &owner, const QString &requiredOwner, SourceLocation location,
                                         OperationScope *scope)
{
    QSet<QString> seen;
    for (const Argument &argument : arguments) {
        if (seen.contains(argument.name)) {
            addError(QStringLiteral("There can be only one argument named %1.").arg(quoted(argument.name)), {argument.location});
            continue;
        }
        seen.insert(argument.name);
        const auto definition = std::find_if(definitions.begin(), definitions.end(),
                                             [&argument](const ArgumentDefinition &candidate) { return candidate.name == argument.name; });
        if (definition == definitions.end()) {
            addError(QStringLiteral("Unknown argument %1 on %2.").arg(quoted(argument.name), owner), {argument.location});
            continue;
        }
        validateValue(argument.value, definition->type, scope);
    }

    for (const ArgumentDefinition &definition : definitions) {
        if (definition.isRequired() && !seen.contains(definition.name))
            addError(QStringLiteral("%1 argument %2 of type %3 is required, but it was not provided.")
                         .arg(requiredOwner, quoted(definition.name), quoted(definition.type.toString())),
                     {location});
    }
}

void GraphqlValidator::validateValue(const Value &value, const TypeRef &expected, OperationScope *scope)
{
    if (value.kind == Value::Kind::Variable) {
        if (!scope)
            return; // a constant position, where the parser already rejects variables
        scope->usedVariables.insert(value.text);
        const VariableDefinition *variable = scope->variables.value(value.text);
        const QString name = quoted(QLatin1Char('$') + value.text);
        if (!variable) {
            const QString &operationName = scope->operation->name;
            addError(operationName.isEmpty()
                         ? QStringLiteral("Variable %1 is not defined.").arg(name)
                         : QStringLiteral("Variable %1 is not defined by operation %2.").arg(name, quoted(operationName)),
                     {value.location, scope->operation->location});
            return;
        }
        if (!isVariableUsageAllowed(*variable, expected))
            addError(QStringLiteral("Variable %1 of type %2 used in position expecting type %3.")
                         .arg(name, quoted(variable->type.toString()), quoted(expected.toString())),
                     {variable->location, value.location});
        return;
    }

    if (expected.kind == TypeRef::Kind::NonNull) {
        if (value.kind == Value::Kind::Null) {
            addError(QStringLiteral("Expected value of type %1, found null.").arg(quoted(expected.toString())), {value.location});
            return;
        }
        validateValue(value, expected.inner(), scope);
        return;
    }
    if (value.kind == Value::Kind::Null)
        return;

    if (expected.kind == TypeRef::Kind::List) {
        if (value.kind == Value::Kind::List) {
            for (const Value &item : value.items)
                validateValue(item, expected.inner(), scope);
        } else {
            validateValue(value, expected.inner(), scope); // a single value coerces to a list of one
        }
        return;
    }

    if (const TypeDefinition *enumType = schema().type(expected.name); enumType && enumType->kind == TypeDefinition::Kind::Enum) {
        if (value.kind != Value::Kind::Enum)
            addError(QStringLiteral("Enum %1 cannot represent non-enum value: %2.").arg(quoted(expected.name), printValue(value).left(100)),
                     {value.location});
        else if (!enumType->enumValue(value.text))
            addError(QStringLiteral("Value %1 does not exist in %2 enum.").arg(quoted(value.text), quoted(expected.name)),
                     {value.location});
        return;
    }
    if (!isValidScalarLiteral(value, expected.name))
        addError(QStringLiteral("Expected value of type %1, found %2.").arg(quoted(expected.name), printValue(value).left(100)),
                 {value.location});
}

void GraphqlValidator::validateMergeable(const QList<const std::vector<Selection> *> &sets, const QString &parentType)
{
    QList<QPair<QString, QList<const Selection *>>> groups;
    QSet<QString> visitedFragments;
    std::function<void(const std::vector<Selection> &)> gather = [&](const std::vector<Selection> &selections) {
        for (const Selection &selection : selections) {
            if (selection.kind == Selection::Kind::Field) {
                const QString key = selection.responseKey();
                auto group = std::find_if(groups.begin(), groups.end(), [&key](const auto &entry) { return entry.first == key; });
                if (group == groups.end())
                    groups.append({key, {&selection}});
                else
                    group->second.append(&selection);
            } else if (selection.kind == Selection::Kind::FragmentSpread) {
                const FragmentDefinition *fragment = m_document.fragment(selection.name);
                if (fragment && fragment->typeCondition == parentType && !visitedFragments.contains(selection.name)) {
                    visitedFragments.insert(selection.name);
                    gather(fragment->selectionSet);
                }
            } else if (selection.typeCondition.isEmpty() || selection.typeCondition == parentType) {
                gather(selection.selectionSet);
            }
        }
    };
    for (const std::vector<Selection> *selections : sets)
        gather(*selections);

    for (const auto &[key, fields] : groups) {
        const Selection &first = *fields.first();
        bool conflict = false;
        for (qsizetype i = 1; i < fields.size() && !conflict; ++i) {
            const Selection &other = *fields.at(i);
            if (other.name != first.name) {
                addError(QStringLiteral("Fields %1 conflict because %2 and %3 are different fields. %4")
                             .arg(quoted(key), quoted(first.name), quoted(other.name), mergeAdvice),
                         {first.location, other.location});
                conflict = true;
            } else if (!sameArguments(first, other)) {
                addError(QStringLiteral("Fields %1 conflict because they have differing arguments. %2").arg(quoted(key), mergeAdvice),
                         {first.location, other.location});
                conflict = true;
            }
        }
        const FieldDefinition *definition = schema().field(parentType, first.name);
        if (conflict || !definition || !schema().objectType(GraphqlSchema::namedType(definition->type)))
            continue;
        QList<const std::vector<Selection> *> subSets;
        for (const Selection *field : fields)
            subSets.append(&field->selectionSet);
        validateMergeable(subSets, GraphqlSchema::namedType(definition->type));
    }
}

} // namespace afx::sandbox
