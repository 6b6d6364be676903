#include "graphql/diagnostics.h"

#include "graphql/lexer.h"
#include "graphql/parser.h"
#include "graphql/suggestions.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <limits>
#include <unordered_set>

namespace afx::graphql {

namespace {

// Section titles of the GraphQL spec, October 2021 edition.
namespace section {
const char rootOperationTypes[] = "3.3.1 Root Operation Types";
const char deprecated[] = "3.13.3 @deprecated";
const char operationNameUniqueness[] = "5.2.1.1 Operation Name Uniqueness";
const char loneAnonymousOperation[] = "5.2.2.1 Lone Anonymous Operation";
const char singleRootField[] = "5.2.3.1 Single root field";
const char fieldSelections[] = "5.3.1 Field Selections";
const char fieldSelectionMerging[] = "5.3.2 Field Selection Merging";
const char leafFieldSelections[] = "5.3.3 Leaf Field Selections";
const char argumentNames[] = "5.4.1 Argument Names";
const char argumentUniqueness[] = "5.4.2 Argument Uniqueness";
const char requiredArguments[] = "5.4.2.1 Required Arguments";
const char fragmentNameUniqueness[] = "5.5.1.1 Fragment Name Uniqueness";
const char fragmentSpreadTypeExistence[] = "5.5.1.2 Fragment Spread Type Existence";
const char fragmentsOnCompositeTypes[] = "5.5.1.3 Fragments On Composite Types";
const char fragmentsMustBeUsed[] = "5.5.1.4 Fragments Must Be Used";
const char fragmentSpreadTargetDefined[] = "5.5.2.1 Fragment spread target defined";
const char fragmentSpreadsMustNotFormCycles[] = "5.5.2.2 Fragment spreads must not form cycles";
const char fragmentSpreadIsPossible[] = "5.5.2.3 Fragment spread is possible";
const char valuesOfCorrectType[] = "5.6.1 Values of Correct Type";
const char inputObjectFieldNames[] = "5.6.2 Input Object Field Names";
const char inputObjectFieldUniqueness[] = "5.6.3 Input Object Field Uniqueness";
const char inputObjectRequiredFields[] = "5.6.4 Input Object Required Fields";
const char directivesAreDefined[] = "5.7.1 Directives Are Defined";
const char directivesInValidLocations[] = "5.7.2 Directives Are In Valid Locations";
const char directivesUniquePerLocation[] = "5.7.3 Directives Are Unique Per Location";
const char variableUniqueness[] = "5.8.1 Variable Uniqueness";
const char variablesAreInputTypes[] = "5.8.2 Variables Are Input Types";
const char allVariableUsesDefined[] = "5.8.3 All Variable Uses Defined";
const char allVariablesUsed[] = "5.8.4 All Variables Used";
const char allVariableUsagesAllowed[] = "5.8.5 All Variable Usages are Allowed";
} // namespace section

// A diagnostic and, when its exact place is a name that the syntax tree does not locate (a
// field name after an alias, a fragment name after "..."), where to find that name.
// checkDocument() moves the diagnostic onto that Name token.
struct Anchor {
    QString name;
    SourceLocation from; // where the construct that contains the name starts
    int skip = 0;        // Name tokens between `from` and the name, such as 1 for "query Name"
};

struct Finding {
    Diagnostic diagnostic;
    Anchor anchor;
};

QString quoted(const QString &text)
{
    return QLatin1Char('"') + text + QLatin1Char('"');
}

QString directiveLocationPhrase(const QString &location)
{
    static const QHash<QString, QString> phrases = {
        {QStringLiteral("QUERY"), QStringLiteral("a query")},
        {QStringLiteral("MUTATION"), QStringLiteral("a mutation")},
        {QStringLiteral("SUBSCRIPTION"), QStringLiteral("a subscription")},
        {QStringLiteral("FIELD"), QStringLiteral("a field")},
        {QStringLiteral("FRAGMENT_DEFINITION"), QStringLiteral("a fragment definition")},
        {QStringLiteral("FRAGMENT_SPREAD"), QStringLiteral("a fragment spread")},
        {QStringLiteral("INLINE_FRAGMENT"), QStringLiteral("an inline fragment")},
        {QStringLiteral("VARIABLE_DEFINITION"), QStringLiteral("a variable definition")},
    };
    return phrases.value(location, location);
}

// The GraphQL notation of a value, for comparing arguments and for messages.
QString valueText(const Value &value)
{
    switch (value.kind) {
    case Value::Kind::Variable:
        return QLatin1Char('$') + value.text;
    case Value::Kind::String: {
        QString escaped = value.text;
        escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('"'), QStringLiteral("\\\""));
        escaped.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
        return quoted(escaped);
    }
    case Value::Kind::Null:
        return QStringLiteral("null");
    case Value::Kind::List: {
        QStringList items;
        for (const Value &item : value.items)
            items.append(valueText(item));
        return QLatin1Char('[') + items.join(QStringLiteral(", ")) + QLatin1Char(']');
    }
    case Value::Kind::Object: {
        QStringList fields;
        for (const ObjectField &field : value.fields)
            fields.append(field.name + QStringLiteral(": ") + valueText(field.value));
        return QLatin1Char('{') + fields.join(QStringLiteral(", ")) + QLatin1Char('}');
    }
    default:
        return value.text;
    }
}

// The value as a message shows it: "the string "ten"", "the number 1.5", "the enum value HIGH".
QString describeValue(const Value &value)
{
    QString text = valueText(value);
    if (text.size() > 60)
        text = text.left(60) + QStringLiteral("…");
    switch (value.kind) {
    case Value::Kind::String:
        return QStringLiteral("the string ") + text;
    case Value::Kind::Int:
    case Value::Kind::Float:
        return QStringLiteral("the number ") + text;
    case Value::Kind::Enum:
        return QStringLiteral("the enum value ") + text;
    case Value::Kind::Boolean:
        return QStringLiteral("the boolean ") + text;
    case Value::Kind::Null:
        return QStringLiteral("null");
    case Value::Kind::List:
        return QStringLiteral("the list ") + text;
    case Value::Kind::Object:
        return QStringLiteral("the object ") + text;
    case Value::Kind::Variable:
        return QStringLiteral("the variable ") + text;
    }
    return text;
}

// Code points a value takes in the source, as far as the syntax tree records it. Lists and objects
// underline their opening bracket only.
int valueLength(const Value &value)
{
    switch (value.kind) {
    case Value::Kind::String:
        return int(value.text.toUcs4().size()) + 2; // NOTE: escapes and block strings are longer in the source
    case Value::Kind::Variable:
        return int(value.text.size()) + 1;
    case Value::Kind::Null:
        return 4;
    case Value::Kind::List:
    case Value::Kind::Object:
        return 1;
    default:
        return std::max(1, int(value.text.size()));
    }
}

// A place where a variable is used, with the type expected there.
struct VariableUsage {
    QString name;
    SourceLocation location;
    TypeRef type;
    bool hasType = false;
    bool hasLocationDefault = false; // the argument or input field has a default value
};

// Facts about one operation or fragment definition that the checks of the whole document need.
struct DefinitionFacts {
    QList<VariableUsage> variableUsages;
    QList<std::pair<QString, SourceLocation>> spreads; // fragment names and where they are spread
};

bool isNonNull(const TypeRef &type)
{
    return type.kind == TypeRef::Kind::NonNull;
}

// AreTypesCompatible() of the spec, section 5.8.5.
bool areTypesCompatible(const TypeRef &variableType, const TypeRef &locationType)
{
    if (isNonNull(locationType)) {
        if (!isNonNull(variableType))
            return false;
        return areTypesCompatible(variableType.inner(), locationType.inner());
    }
    if (isNonNull(variableType))
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

class Validator {
public:
    Validator(const Document &document, const Schema &schema)
        : m_document(document)
        , m_schema(schema)
    {
    }

    QList<Finding> run()
    {
        checkDefinitionNames();

        QList<DefinitionFacts> operationFacts;
        for (const OperationDefinition &operation : m_document.operations)
            operationFacts.append(checkOperation(operation));
        QHash<QString, DefinitionFacts> fragmentFacts;
        for (const FragmentDefinition &fragment : m_document.fragments) {
            if (!fragmentFacts.contains(fragment.name))
                fragmentFacts.insert(fragment.name, checkFragment(fragment));
        }

        checkFragmentCycles(fragmentFacts);
        checkFragmentsUsed(operationFacts, fragmentFacts);
        for (qsizetype i = 0; i < m_document.operations.size(); ++i)
            checkVariables(m_document.operations.at(i), operationFacts.at(i), fragmentFacts);

        std::stable_sort(m_findings.begin(), m_findings.end(), [](const Finding &a, const Finding &b) {
            const SourceLocation &x = a.diagnostic.location;
            const SourceLocation &y = b.diagnostic.location;
            return x.line != y.line ? x.line < y.line : x.column < y.column;
        });
        return m_findings;
    }

private:
    void report(const char *specSection, const QString &message, SourceLocation location, int length,
                const Anchor &anchor = {}, Diagnostic::Severity severity = Diagnostic::Severity::Error)
    {
        Finding finding;
        finding.diagnostic.severity = severity;
        finding.diagnostic.message = message;
        finding.diagnostic.specSection = QString::fromLatin1(specSection);
        finding.diagnostic.location = location.isValid() ? location : SourceLocation{1, 1};
        finding.diagnostic.length = std::max(1, length);
        finding.anchor = anchor;
        // The same problem found again through another operation or selection set is shown once.
        const QString key = QStringLiteral("%1:%2:%3").arg(finding.diagnostic.location.line).arg(finding.diagnostic.location.column).arg(message);
        if (m_reported.contains(key))
            return;
        m_reported.insert(key);
        m_findings.append(std::move(finding));
    }

    static QString operationLabel(const OperationDefinition &operation)
    {
        return operation.name.isEmpty() ? QStringLiteral("the anonymous %1").arg(operationTypeName(operation.type))
                                        : QStringLiteral("%1 %2").arg(operationTypeName(operation.type), quoted(operation.name));
    }

    // The operation name follows its keyword; without the source, one space is assumed.
    static SourceLocation operationNameLocation(const OperationDefinition &operation)
    {
        return {operation.location.line, operation.location.column + int(operationTypeName(operation.type).size()) + 1};
    }

    static SourceLocation fragmentNameLocation(const FragmentDefinition &fragment)
    {
        return {fragment.location.line, fragment.location.column + 9}; // after "fragment "
    }

    void checkDefinitionNames()
    {
        QHash<QString, int> operationCounts;
        for (const OperationDefinition &operation : m_document.operations) {
            if (operation.name.isEmpty()) {
                if (m_document.operations.size() > 1)
                    report(section::loneAnonymousOperation,
                           QStringLiteral("This operation has no name, but the document has %1 operations. Name every "
                                          "operation, or keep only this one.")
                               .arg(m_document.operations.size()),
                           operation.location, operation.shorthand ? 1 : int(operationTypeName(operation.type).size()));
                continue;
            }
            if (++operationCounts[operation.name] == 2)
                report(section::operationNameUniqueness,
                       QStringLiteral("There is already an operation named %1. Rename one of them.").arg(quoted(operation.name)),
                       operationNameLocation(operation), int(operation.name.size()), Anchor{operation.name, operation.location, 1});
        }

        QHash<QString, int> fragmentCounts;
        for (const FragmentDefinition &fragment : m_document.fragments) {
            if (++fragmentCounts[fragment.name] == 2)
                report(section::fragmentNameUniqueness,
                       QStringLiteral("There is already a fragment named %1. Rename one of them.").arg(quoted(fragment.name)),
                       fragmentNameLocation(fragment), int(fragment.name.size()), Anchor{fragment.name, fragment.location, 1});
        }
    }

    DefinitionFacts checkOperation(const OperationDefinition &operation)
    {
        DefinitionFacts facts;
        m_facts = &facts;

        QSet<QString> variableNames;
        for (const VariableDefinition &variable : operation.variables) {
            if (variableNames.contains(variable.name))
                report(section::variableUniqueness,
                       QStringLiteral("Variable \"$%1\" is defined twice. Rename or remove one definition.").arg(variable.name),
                       variable.location, int(variable.name.size()) + 1);
            variableNames.insert(variable.name);
            checkVariableType(variable);
            if (variable.hasDefaultValue && m_schema.isInputType(variable.type))
                checkValue(variable.defaultValue, &variable.type, QStringLiteral("the default value of \"$%1\"").arg(variable.name));
            checkDirectives(variable.directives, QStringLiteral("VARIABLE_DEFINITION"));
        }
        checkDirectives(operation.directives, operationTypeName(operation.type).toUpper());

        const SchemaType *root = m_schema.rootType(operation.type);
        if (!root)
            report(section::rootOperationTypes,
                   QStringLiteral("The schema has no %1 type, so this server does not accept %2s.")
                       .arg(operationTypeName(operation.type), operationTypeName(operation.type)),
                   operation.location, int(operationTypeName(operation.type).size()));
        if (operation.type == OperationDefinition::Type::Subscription)
            checkSingleRootField(operation);
        checkSelectionSet(operation.selectionSet, root);

        m_facts = nullptr;
        return facts;
    }

    void checkVariableType(const VariableDefinition &variable)
    {
        const QString typeName = namedTypeName(variable.type);
        const SchemaType *type = m_schema.type(typeName);
        if (!type) {
            QStringList inputTypes;
            for (const SchemaType &candidate : m_schema.types()) {
                if (candidate.isInput())
                    inputTypes.append(candidate.name);
            }
            report(section::variablesAreInputTypes,
                   QStringLiteral("Unknown type %1 for variable \"$%2\".").arg(quoted(typeName), variable.name)
                       + didYouMean(suggestionsFor(typeName, inputTypes)),
                   variable.type.location, int(typeName.size()), Anchor{typeName, variable.type.location, 0});
        } else if (!type->isInput()) {
            report(section::variablesAreInputTypes,
                   QStringLiteral("Variable \"$%1\" cannot have the type %2: %3 is of kind %4, but variables need a "
                                  "scalar, enum or input object type.")
                       .arg(variable.name, quoted(variable.type.toString()), quoted(typeName), schemaTypeKindName(type->kind)),
                   variable.type.location, int(typeName.size()), Anchor{typeName, variable.type.location, 0});
        }
    }

    // Counts the root fields of a subscription, looking through fragments (spec CollectFields).
    void collectRootFields(const std::vector<Selection> &selections, QStringList *keys, QSet<QString> *visited) const
    {
        for (const Selection &selection : selections) {
            if (selection.kind == Selection::Kind::Field) {
                if (!keys->contains(selection.responseKey()))
                    keys->append(selection.responseKey());
            } else if (selection.kind == Selection::Kind::InlineFragment) {
                collectRootFields(selection.selectionSet, keys, visited);
            } else if (const FragmentDefinition *fragment = m_document.fragment(selection.name)) {
                if (!visited->contains(fragment->name)) {
                    visited->insert(fragment->name);
                    collectRootFields(fragment->selectionSet, keys, visited);
                }
            }
        }
    }

    void checkSingleRootField(const OperationDefinition &operation)
    {
        QStringList keys;
        QSet<QString> visited;
        collectRootFields(operation.selectionSet, &keys, &visited);
        if (keys.size() > 1)
            report(section::singleRootField,
                   QStringLiteral("A subscription must select exactly one top-level field, but %1 selects %2: %3. Split it "
                                  "into one subscription per field.")
                       .arg(operationLabel(operation))
                       .arg(keys.size())
                       .arg(joinNames(keys)),
                   operation.location, int(operationTypeName(operation.type).size()));
    }

    DefinitionFacts checkFragment(const FragmentDefinition &fragment)
    {
        DefinitionFacts facts;
        m_facts = &facts;
        checkDirectives(fragment.directives, QStringLiteral("FRAGMENT_DEFINITION"));
        // "fragment Name on Type", with single spaces assumed
        const SourceLocation conditionLocation{fragment.location.line,
                                               fragment.location.column + 13 + int(fragment.name.size())};
        const SchemaType *type = checkTypeCondition(fragment.typeCondition, conditionLocation,
                                                    Anchor{fragment.typeCondition, fragment.location, 3},
                                                    QStringLiteral("Fragment %1").arg(quoted(fragment.name)));
        checkSelectionSet(fragment.selectionSet, type);
        m_facts = nullptr;
        return facts;
    }

    // Checks a type condition; returns the type when it exists and is composite. `location` is
    // where the type name is assumed to be, and `anchor` finds it in the source.
    const SchemaType *checkTypeCondition(const QString &typeName, SourceLocation location, const Anchor &anchor,
                                         const QString &subject)
    {
        const SchemaType *type = m_schema.type(typeName);
        if (!type) {
            QStringList composite;
            for (const SchemaType &candidate : m_schema.types()) {
                if (candidate.isComposite())
                    composite.append(candidate.name);
            }
            report(section::fragmentSpreadTypeExistence,
                   QStringLiteral("Unknown type %1 in the type condition of %2.").arg(quoted(typeName), subject.at(0).toLower() + subject.mid(1))
                       + didYouMean(suggestionsFor(typeName, composite)),
                   location, int(typeName.size()), anchor);
            return nullptr;
        }
        if (!type->isComposite()) {
            report(section::fragmentsOnCompositeTypes,
                   QStringLiteral("%1 cannot have the type condition %2: it is of kind %3, which has no fields. Use an "
                                  "object, interface or union type.")
                       .arg(subject, quoted(typeName), schemaTypeKindName(type->kind)),
                   location, int(typeName.size()), anchor);
            return nullptr;
        }
        return type;
    }

    void checkSelectionSet(const std::vector<Selection> &selections, const SchemaType *parent)
    {
        for (const Selection &selection : selections) {
            switch (selection.kind) {
            case Selection::Kind::Field:
                checkField(selection, parent);
                break;
            case Selection::Kind::FragmentSpread:
                checkFragmentSpread(selection, parent);
                break;
            case Selection::Kind::InlineFragment:
                checkInlineFragment(selection, parent);
                break;
            }
        }
        if (parent)
            checkFieldMerging(selections, parent);
    }

    // The field's name follows its alias; without the source, "alias: " is assumed.
    static SourceLocation fieldNameLocation(const Selection &field)
    {
        if (field.alias.isEmpty())
            return field.location;
        return {field.location.line, field.location.column + int(field.alias.size()) + 2};
    }

    static Anchor fieldAnchor(const Selection &field)
    {
        return Anchor{field.name, field.location, field.alias.isEmpty() ? 0 : 1};
    }

    void checkField(const Selection &field, const SchemaType *parent)
    {
        checkDirectives(field.directives, QStringLiteral("FIELD"));
        const SchemaField *definition = parent ? m_schema.field(*parent, field.name) : nullptr;
        if (parent && !definition)
            reportUnknownField(field, *parent);

        checkArguments(field.arguments, definition ? &definition->arguments : nullptr,
                       QStringLiteral("field %1").arg(quoted(field.name)), fieldNameLocation(field), int(field.name.size()),
                       fieldAnchor(field), field.name);
        if (!definition) {
            checkSelectionSet(field.selectionSet, nullptr);
            return;
        }

        const SchemaField &fieldDefinition = *definition;
        const SourceLocation nameLocation = fieldNameLocation(field);
        if (fieldDefinition.deprecated)
            warnDeprecated(QStringLiteral("The field %1 is deprecated.").arg(quoted(parent->name + QLatin1Char('.') + field.name)),
                           fieldDefinition.deprecationReason, nameLocation, int(field.name.size()), fieldAnchor(field));

        const SchemaType *type = m_schema.namedType(fieldDefinition.type);
        if (type && type->isLeaf() && !field.selectionSet.empty()) {
            report(section::leafFieldSelections,
                   QStringLiteral("Field %1 returns %2 (%3), which has no fields. Remove the selection set after it.")
                       .arg(quoted(field.name), quoted(fieldDefinition.type.toString()), schemaTypeKindName(type->kind)),
                   nameLocation, int(field.name.size()), fieldAnchor(field));
        } else if (type && type->isComposite() && field.selectionSet.empty()) {
            report(section::leafFieldSelections,
                   QStringLiteral("Field %1 returns %2, so it needs a selection of subfields, such as %3.")
                       .arg(quoted(field.name), quoted(fieldDefinition.type.toString()), exampleSelection(field.name, *type)),
                   nameLocation, int(field.name.size()), fieldAnchor(field));
        }
        checkSelectionSet(field.selectionSet, type && type->isComposite() ? type : nullptr);
    }

    // "owner { id }": the field with a leaf subfield, preferring "id".
    QString exampleSelection(const QString &fieldName, const SchemaType &type) const
    {
        QString leaf = QStringLiteral("__typename");
        for (const SchemaField &candidate : type.fields) {
            if (!m_schema.isLeafType(candidate.type) || !candidate.arguments.isEmpty() || candidate.deprecated)
                continue;
            if (candidate.name == QLatin1String("id")) {
                leaf = candidate.name;
                break;
            }
            if (leaf == QLatin1String("__typename"))
                leaf = candidate.name;
        }
        return quoted(QStringLiteral("%1 { %2 }").arg(fieldName, leaf));
    }

    void reportUnknownField(const Selection &field, const SchemaType &parent)
    {
        const QString start = QStringLiteral("Cannot query field %1 on type %2.").arg(quoted(field.name), quoted(parent.name));
        QString hint;
        if (parent.kind != SchemaType::Kind::Object) {
            // On an interface or union, the field may exist on some of its object types.
            QStringList owners;
            for (const QString &name : m_schema.possibleTypeNames(parent.name)) {
                const SchemaType *candidate = m_schema.type(name);
                if (candidate && candidate->field(field.name))
                    owners.append(name);
            }
            if (!owners.isEmpty())
                hint = QStringLiteral(" Select it in an inline fragment such as \"... on %1 { %2 }\"%3.")
                           .arg(owners.first(), field.name,
                                owners.size() > 1 ? QStringLiteral(" (also possible on %1)").arg(joinNames(owners.mid(1))) : QString());
        }
        if (hint.isEmpty()) {
            QStringList names;
            for (const SchemaField &candidate : parent.fields)
                names.append(candidate.name);
            names.append(QStringLiteral("__typename"));
            hint = didYouMean(suggestionsFor(field.name, names));
            if (hint.isEmpty() && parent.kind == SchemaType::Kind::Union)
                hint = QStringLiteral(" A union has no fields but __typename: select fields in an inline fragment such as "
                                      "\"... on %1 { ... }\".")
                           .arg(parent.possibleTypes.value(0, QStringLiteral("Type")));
        }
        report(section::fieldSelections, start + hint, fieldNameLocation(field), int(field.name.size()), fieldAnchor(field));
    }

    void warnDeprecated(const QString &what, const QString &reason, SourceLocation location, int length, const Anchor &anchor = {})
    {
        QString message = what;
        if (!reason.isEmpty())
            message += QLatin1Char(' ') + reason.trimmed() + (reason.trimmed().endsWith(QLatin1Char('.')) ? QString() : QStringLiteral("."));
        report(section::deprecated, message, location, length, anchor, Diagnostic::Severity::Warning);
    }

    // Checks the arguments of a field or directive. `owner` names it for messages, and a missing
    // required argument is reported at `ownerLocation` (`ownerLength` code points, or at
    // `ownerAnchor` when the source is known). `definitions` is null when the owner is unknown.
    void checkArguments(const QList<Argument> &arguments, const QList<SchemaInputValue> *definitions, const QString &owner,
                        SourceLocation ownerLocation, int ownerLength, const Anchor &ownerAnchor,
                        const QString &requiredHintName)
    {
        QStringList seen; // short lists, where a linear search beats hashing
        for (const Argument &argument : arguments) {
            if (seen.contains(argument.name))
                report(section::argumentUniqueness,
                       QStringLiteral("Argument %1 is given twice. Remove one of them.").arg(quoted(argument.name)),
                       argument.location, int(argument.name.size()));
            seen.append(argument.name);

            const SchemaInputValue *definition = nullptr;
            if (definitions) {
                for (const SchemaInputValue &candidate : *definitions) {
                    if (candidate.name == argument.name)
                        definition = &candidate;
                }
            }
            if (definitions && !definition) {
                QStringList names;
                for (const SchemaInputValue &candidate : *definitions)
                    names.append(candidate.name);
                QString hint = didYouMean(suggestionsFor(argument.name, names));
                if (hint.isEmpty())
                    hint = names.isEmpty() ? QStringLiteral(" It takes no arguments.")
                                           : QStringLiteral(" Its arguments are %1.").arg(joinNames(names));
                report(section::argumentNames,
                       QStringLiteral("Unknown argument %1 on %2.").arg(quoted(argument.name), owner) + hint,
                       argument.location, int(argument.name.size()));
            }
            if (definition && definition->deprecated)
                warnDeprecated(QStringLiteral("The argument %1 of %2 is deprecated.").arg(quoted(argument.name), owner),
                               definition->deprecationReason, argument.location, int(argument.name.size()));
            if (definition) {
                checkValue(argument.value, &definition->type, QStringLiteral("argument %1").arg(quoted(argument.name)),
                           !definition->defaultValue.isEmpty());
            } else {
                checkValue(argument.value, nullptr, {});
            }
        }

        if (!definitions)
            return;
        for (const SchemaInputValue &definition : *definitions) {
            if (!isNonNull(definition.type) || !definition.defaultValue.isEmpty() || seen.contains(definition.name))
                continue;
            const QString example = requiredHintName.isEmpty() ? QString()
                                                               : QStringLiteral(", for example %1")
                                                                     .arg(quoted(QStringLiteral("%1(%2: …)").arg(requiredHintName, definition.name)));
            report(section::requiredArguments,
                   QStringLiteral("%1 needs the argument %2 of type %3. Add it%4.")
                       .arg(owner.at(0).toUpper() + owner.mid(1), quoted(definition.name), quoted(definition.type.toString()), example),
                   ownerLocation, ownerLength, ownerAnchor);
        }
    }

    // Checks a literal against `type` (null when unknown) and records the variables it uses.
    // `hasLocationDefault`: the argument or input field that takes the value has a default.
    void checkValue(const Value &value, const TypeRef *type, const QString &where, bool hasLocationDefault = false)
    {
        if (value.kind == Value::Kind::Variable) {
            if (m_facts) {
                VariableUsage record;
                record.name = value.text;
                record.location = value.location;
                record.hasType = type != nullptr;
                if (type)
                    record.type = *type;
                record.hasLocationDefault = hasLocationDefault;
                m_facts->variableUsages.append(record);
            }
            return;
        }
        if (!type) {
            for (const Value &item : value.items)
                checkValue(item, nullptr, where);
            for (const ObjectField &field : value.fields)
                checkValue(field.value, nullptr, where);
            return;
        }

        if (type->kind == TypeRef::Kind::NonNull) {
            if (value.kind == Value::Kind::Null) {
                report(section::valuesOfCorrectType,
                       QStringLiteral("%1 has the non-null type %2, so it cannot be null.").arg(capitalized(where), quoted(type->toString())),
                       value.location, valueLength(value));
                return;
            }
            checkValue(value, &type->inner(), where, hasLocationDefault);
            return;
        }
        if (value.kind == Value::Kind::Null)
            return;
        if (type->kind == TypeRef::Kind::List) {
            if (value.kind == Value::Kind::List) {
                for (const Value &item : value.items)
                    checkValue(item, &type->inner(), QStringLiteral("an item of %1").arg(where));
            } else {
                checkValue(value, &type->inner(), where, hasLocationDefault); // a single value is coerced to a list of one
            }
            return;
        }

        const SchemaType *named = m_schema.type(type->name);
        if (!named)
            return;
        const auto mismatch = [&](const QString &expected, const QString &hint = {}) {
            report(section::valuesOfCorrectType,
                   QStringLiteral("Expected %1 for %2, found %3.%4").arg(expected, where, describeValue(value), hint),
                   value.location, valueLength(value));
        };
        switch (named->kind) {
        case SchemaType::Kind::Scalar:
            checkScalar(value, *named, where, mismatch);
            return;
        case SchemaType::Kind::Enum:
            checkEnum(value, *named, mismatch);
            return;
        case SchemaType::Kind::InputObject:
            if (value.kind != Value::Kind::Object) {
                mismatch(QStringLiteral("an input object of type %1").arg(quoted(named->name)),
                         QStringLiteral(" Write it as { field: value }."));
                return;
            }
            checkInputObject(value, *named, where);
            return;
        default:
            return; // not an input type: reported where the type is declared
        }
    }

    static QString capitalized(const QString &text)
    {
        return text.isEmpty() ? text : text.at(0).toUpper() + text.mid(1);
    }

    template<typename Mismatch>
    void checkScalar(const Value &value, const SchemaType &type, const QString &where, const Mismatch &mismatch)
    {
        const QString &name = type.name;
        if (value.kind == Value::Kind::List || value.kind == Value::Kind::Object) {
            mismatch(QStringLiteral("a value of type %1").arg(quoted(name)));
            return;
        }
        if (name == QLatin1String("Int")) {
            if (value.kind != Value::Kind::Int) {
                mismatch(QStringLiteral("an Int"));
                return;
            }
            bool ok = false;
            const qlonglong number = value.text.toLongLong(&ok);
            if (!ok || number < std::numeric_limits<qint32>::min() || number > std::numeric_limits<qint32>::max())
                report(section::valuesOfCorrectType,
                       QStringLiteral("The number %1 for %2 is outside the range of Int, a signed 32-bit integer "
                                      "(-2147483648 to 2147483647). Use a Float or String argument for larger numbers.")
                           .arg(value.text, where),
                       value.location, valueLength(value));
        } else if (name == QLatin1String("Float")) {
            if (value.kind != Value::Kind::Int && value.kind != Value::Kind::Float)
                mismatch(QStringLiteral("a Float"));
        } else if (name == QLatin1String("String")) {
            if (value.kind != Value::Kind::String)
                mismatch(QStringLiteral("a String"), value.kind == Value::Kind::Enum
                             ? QStringLiteral(" Put the text in double quotes: \"%1\".").arg(value.text) : QString());
        } else if (name == QLatin1String("Boolean")) {
            if (value.kind != Value::Kind::Boolean)
                mismatch(QStringLiteral("a Boolean (true or false)"));
        } else if (name == QLatin1String("ID")) {
            if (value.kind != Value::Kind::String && value.kind != Value::Kind::Int)
                mismatch(QStringLiteral("an ID (a string or an integer)"));
        }
        // Custom scalars accept any literal here, because only the server can check their format.
    }

    template<typename Mismatch>
    void checkEnum(const Value &value, const SchemaType &type, const Mismatch &mismatch)
    {
        QStringList names;
        for (const SchemaEnumValue &candidate : type.enumValues)
            names.append(candidate.name);
        if (value.kind == Value::Kind::String && names.contains(value.text)) {
            mismatch(QStringLiteral("a value of the enum %1").arg(quoted(type.name)),
                     QStringLiteral(" Enum values are written without quotes: %1.").arg(value.text));
            return;
        }
        if (value.kind != Value::Kind::Enum) {
            mismatch(QStringLiteral("a value of the enum %1").arg(quoted(type.name)),
                     QStringLiteral(" Its values are %1.").arg(joinNames(names, QStringLiteral("or"))));
            return;
        }
        for (const SchemaEnumValue &candidate : type.enumValues) {
            if (candidate.name != value.text)
                continue;
            if (candidate.deprecated)
                warnDeprecated(QStringLiteral("The enum value %1.%2 is deprecated.").arg(type.name, candidate.name),
                               candidate.deprecationReason, value.location, valueLength(value));
            return;
        }
        QString hint = didYouMean(suggestionsFor(value.text, names));
        if (hint.isEmpty())
            hint = QStringLiteral(" Its values are %1.").arg(joinNames(names, QStringLiteral("or")));
        report(section::valuesOfCorrectType,
               QStringLiteral("%1 is not a value of the enum %2.").arg(quoted(value.text), quoted(type.name)) + hint,
               value.location, valueLength(value));
    }

    void checkInputObject(const Value &value, const SchemaType &type, const QString &where)
    {
        QStringList seen;
        for (const ObjectField &field : value.fields) {
            if (seen.contains(field.name))
                report(section::inputObjectFieldUniqueness,
                       QStringLiteral("Input field %1 is given twice. Remove one of them.").arg(quoted(field.name)),
                       field.location, int(field.name.size()));
            seen.append(field.name);

            const SchemaInputValue *definition = type.inputField(field.name);
            if (!definition) {
                QStringList names;
                for (const SchemaInputValue &candidate : type.inputFields)
                    names.append(candidate.name);
                QString hint = didYouMean(suggestionsFor(field.name, names));
                if (hint.isEmpty())
                    hint = QStringLiteral(" Its fields are %1.").arg(joinNames(names));
                report(section::inputObjectFieldNames,
                       QStringLiteral("Unknown field %1 in the input type %2.").arg(quoted(field.name), quoted(type.name)) + hint,
                       field.location, int(field.name.size()));
                checkValue(field.value, nullptr, where);
                continue;
            }
            if (definition->deprecated)
                warnDeprecated(QStringLiteral("The input field %1.%2 is deprecated.").arg(type.name, field.name),
                               definition->deprecationReason, field.location, int(field.name.size()));
            checkValue(field.value, &definition->type, QStringLiteral("field %1 of %2").arg(quoted(field.name), where),
                       !definition->defaultValue.isEmpty());
        }
        for (const SchemaInputValue &definition : type.inputFields) {
            if (isNonNull(definition.type) && definition.defaultValue.isEmpty() && !seen.contains(definition.name))
                report(section::inputObjectRequiredFields,
                       QStringLiteral("The input type %1 needs the field %2 of type %3 in %4. Add it.")
                           .arg(quoted(type.name), quoted(definition.name), quoted(definition.type.toString()), where),
                       value.location, 1);
        }
    }

    void checkDirectives(const QList<Directive> &directives, const QString &location)
    {
        QStringList seen;
        for (const Directive &directive : directives) {
            const int length = int(directive.name.size()) + 1; // with '@'
            const SchemaDirective *definition = m_schema.directive(directive.name);
            if (!definition) {
                QStringList names;
                for (const SchemaDirective &candidate : m_schema.directives())
                    names.append(candidate.name);
                report(section::directivesAreDefined,
                       QStringLiteral("Unknown directive \"@%1\".").arg(directive.name)
                           + didYouMean(suggestionsFor(directive.name, names), QStringLiteral("@")),
                       directive.location, length);
                checkArguments(directive.arguments, nullptr, {}, directive.location, length, {}, {});
                continue;
            }
            if (!definition->locations.contains(location)) {
                QStringList allowed;
                for (const QString &candidate : definition->locations)
                    allowed.append(directiveLocationPhrase(candidate));
                report(section::directivesInValidLocations,
                       QStringLiteral("Directive \"@%1\" cannot be used on %2. It is allowed on %3.")
                           .arg(directive.name, directiveLocationPhrase(location), joinNames(allowed, QStringLiteral("or"))),
                       directive.location, length);
            }
            if (seen.contains(directive.name) && !definition->repeatable)
                report(section::directivesUniquePerLocation,
                       QStringLiteral("Directive \"@%1\" is used twice here, but it is not repeatable. Remove one.").arg(directive.name),
                       directive.location, length);
            seen.append(directive.name);
            checkArguments(directive.arguments, &definition->arguments, QStringLiteral("directive \"@%1\"").arg(directive.name),
                           directive.location, length, {}, {});
        }
    }

    void checkFragmentSpread(const Selection &spread, const SchemaType *parent)
    {
        checkDirectives(spread.directives, QStringLiteral("FRAGMENT_SPREAD"));
        if (m_facts)
            m_facts->spreads.append({spread.name, spread.location});
        const SourceLocation nameLocation{spread.location.line, spread.location.column + 3}; // after "..."
        const FragmentDefinition *fragment = m_document.fragment(spread.name);
        if (!fragment) {
            QStringList names;
            for (const FragmentDefinition &candidate : m_document.fragments)
                names.append(candidate.name);
            report(section::fragmentSpreadTargetDefined,
                   QStringLiteral("Unknown fragment %1.").arg(quoted(spread.name))
                       + didYouMean(suggestionsFor(spread.name, names)),
                   nameLocation, int(spread.name.size()), Anchor{spread.name, spread.location, 0});
            return;
        }
        const SchemaType *type = m_schema.type(fragment->typeCondition);
        if (parent && type && type->isComposite() && !m_schema.typesOverlap(parent->name, type->name))
            report(section::fragmentSpreadIsPossible,
                   QStringLiteral("Fragment %1 on %2 can never apply here, inside %3: no object type is both. Spread it "
                                  "where the type fits, or change its type condition.")
                       .arg(quoted(spread.name), quoted(type->name), quoted(parent->name)),
                   nameLocation, int(spread.name.size()), Anchor{spread.name, spread.location, 0});
    }

    void checkInlineFragment(const Selection &fragment, const SchemaType *parent)
    {
        checkDirectives(fragment.directives, QStringLiteral("INLINE_FRAGMENT"));
        const SchemaType *type = parent;
        if (!fragment.typeCondition.isEmpty()) {
            const SourceLocation conditionLocation{fragment.location.line, fragment.location.column + 7}; // after "... on "
            const Anchor conditionAnchor{fragment.typeCondition, fragment.location, 1};
            type = checkTypeCondition(fragment.typeCondition, conditionLocation, conditionAnchor, QStringLiteral("An inline fragment"));
            if (type && parent && !m_schema.typesOverlap(parent->name, type->name))
                report(section::fragmentSpreadIsPossible,
                       QStringLiteral("An inline fragment on %1 can never apply here, inside %2: no object type is both. "
                                      "Change its type condition to a type that %2 can be.")
                           .arg(quoted(type->name), quoted(parent->name)),
                       conditionLocation, int(fragment.typeCondition.size()), conditionAnchor);
        }
        checkSelectionSet(fragment.selectionSet, type);
    }

    struct CollectedField {
        const Selection *field;
        const SchemaType *parent;
    };
    using FieldsByName = std::unordered_map<QString, QList<CollectedField>, NameHash>;

    // Collects the fields of a selection set by response name, looking through fragments.
    void collectFields(const std::vector<Selection> &selections, const SchemaType *parent,
                       FieldsByName *fields, QList<QString> *order, QStringList *visited) const
    {
        for (const Selection &selection : selections) {
            if (selection.kind == Selection::Kind::Field) {
                const QString key = selection.responseKey();
                QList<CollectedField> &group = (*fields)[key];
                if (group.isEmpty())
                    order->append(key);
                group.append(CollectedField{&selection, parent});
            } else if (selection.kind == Selection::Kind::InlineFragment) {
                const SchemaType *type = selection.typeCondition.isEmpty() ? parent : m_schema.type(selection.typeCondition);
                if (type && type->isComposite())
                    collectFields(selection.selectionSet, type, fields, order, visited);
            } else if (const FragmentDefinition *fragment = m_document.fragment(selection.name)) {
                const SchemaType *type = m_schema.type(fragment->typeCondition);
                if (type && type->isComposite() && !visited->contains(fragment->name)) {
                    visited->append(fragment->name);
                    collectFields(fragment->selectionSet, type, fields, order, visited);
                }
            }
        }
    }

    static QString argumentsText(const QList<Argument> &arguments)
    {
        QStringList parts;
        for (const Argument &argument : arguments)
            parts.append(argument.name + QStringLiteral(": ") + valueText(argument.value));
        parts.sort();
        return parts.join(QStringLiteral(", "));
    }

    // Fields with the same response name must be the same field with the same arguments when
    // their parent types could be the same object (spec FieldsInSetCanMerge).
    // NOTE: SameResponseShape and the merging of the fields' own selection sets are not
    // checked; the server reports those conflicts.
    void checkFieldMerging(const std::vector<Selection> &selections, const SchemaType *parent)
    {
        FieldsByName fields;
        QList<QString> order;
        QStringList visited;
        collectFields(selections, parent, &fields, &order, &visited);
        for (const QString &key : std::as_const(order)) {
            const QList<CollectedField> &group = fields.at(key);
            for (qsizetype i = 1; i < group.size(); ++i) {
                const CollectedField &later = group.at(i);
                for (qsizetype j = 0; j < i; ++j) {
                    const CollectedField &earlier = group.at(j);
                    const bool sameParent = earlier.parent == later.parent || earlier.parent->kind != SchemaType::Kind::Object
                        || later.parent->kind != SchemaType::Kind::Object;
                    if (!sameParent)
                        continue;
                    QString conflict;
                    if (earlier.field->name != later.field->name)
                        conflict = QStringLiteral("%1 and %2 are different fields").arg(quoted(earlier.field->name), quoted(later.field->name));
                    else if (argumentsText(earlier.field->arguments) != argumentsText(later.field->arguments))
                        conflict = QStringLiteral("the two %1 fields have different arguments").arg(quoted(later.field->name));
                    if (conflict.isEmpty())
                        continue;
                    // Reported on a field written in this selection set, not one from a fragment.
                    // NOTE: a conflict between two fragments spread here is not reported.
                    const bool laterHere = isInside(later.field, selections);
                    if (!laterHere && !isInside(earlier.field, selections))
                        continue;
                    const Selection *place = laterHere ? later.field : earlier.field;
                    const Selection *other = laterHere ? earlier.field : later.field;
                    report(section::fieldSelectionMerging,
                           QStringLiteral("The response name %1 is used twice, but %2 (the other one is on line %3). Give "
                                          "one of them a different alias.")
                               .arg(quoted(key), conflict)
                               .arg(other->location.line),
                           place->location, int(key.size()));
                    break;
                }
            }
        }
    }

    // True when `field` is one of `selections` or inside their inline fragments, so that a
    // conflict is reported once, in the selection set that contains the field.
    static bool isInside(const Selection *field, const std::vector<Selection> &selections)
    {
        for (const Selection &selection : selections) {
            if (&selection == field)
                return true;
            if (selection.kind == Selection::Kind::InlineFragment && isInside(field, selection.selectionSet))
                return true;
        }
        return false;
    }

    void checkFragmentCycles(const QHash<QString, DefinitionFacts> &fragmentFacts)
    {
        // Depth-first search from each fragment; a spread back onto the path closes a cycle.
        QSet<QString> done;
        for (const FragmentDefinition &fragment : m_document.fragments) {
            QStringList path;
            findCycles(fragment.name, fragmentFacts, &path, &done);
        }
    }

    void findCycles(const QString &name, const QHash<QString, DefinitionFacts> &fragmentFacts, QStringList *path,
                    QSet<QString> *done)
    {
        if (done->contains(name) || !fragmentFacts.contains(name))
            return;
        path->append(name);
        for (const auto &[target, location] : fragmentFacts.value(name).spreads) {
            const qsizetype cycleStart = path->indexOf(target);
            if (cycleStart >= 0) {
                QStringList cycle = path->mid(cycleStart);
                cycle.append(target);
                report(section::fragmentSpreadsMustNotFormCycles,
                       QStringLiteral("Fragment %1 spreads itself through %2, which never ends. Remove one of these spreads.")
                           .arg(quoted(target), cycle.join(QStringLiteral(" → "))),
                       {location.line, location.column + 3}, int(target.size()), Anchor{target, location, 0});
                continue;
            }
            findCycles(target, fragmentFacts, path, done);
        }
        path->removeLast();
        done->insert(name);
    }

    // The fragments an operation uses, directly or through other fragments.
    QStringList reachableFragments(const DefinitionFacts &facts, const QHash<QString, DefinitionFacts> &fragmentFacts) const
    {
        QStringList reached;
        QList<std::pair<QString, SourceLocation>> pending = facts.spreads;
        while (!pending.isEmpty()) {
            const QString name = pending.takeLast().first;
            if (reached.contains(name) || !fragmentFacts.contains(name))
                continue;
            reached.append(name);
            pending.append(fragmentFacts.value(name).spreads);
        }
        return reached;
    }

    void checkFragmentsUsed(const QList<DefinitionFacts> &operationFacts, const QHash<QString, DefinitionFacts> &fragmentFacts)
    {
        QSet<QString> used;
        for (const DefinitionFacts &facts : operationFacts) {
            for (const QString &name : reachableFragments(facts, fragmentFacts))
                used.insert(name);
        }
        for (const FragmentDefinition &fragment : m_document.fragments) {
            if (!used.contains(fragment.name))
                report(section::fragmentsMustBeUsed,
                       QStringLiteral("Fragment %1 is not used by any operation. Spread it with \"...%2\" or remove it.")
                           .arg(quoted(fragment.name), fragment.name),
                       fragmentNameLocation(fragment), int(fragment.name.size()), Anchor{fragment.name, fragment.location, 1});
        }
    }

    void checkVariables(const OperationDefinition &operation, const DefinitionFacts &facts,
                        const QHash<QString, DefinitionFacts> &fragmentFacts)
    {
        // The usages in the operation, then in each fragment it reaches, with that fragment's name.
        QList<std::pair<VariableUsage, QString>> usages;
        for (const VariableUsage &usage : facts.variableUsages)
            usages.append({usage, QString()});
        for (const QString &fragment : reachableFragments(facts, fragmentFacts)) {
            for (const VariableUsage &usage : fragmentFacts.value(fragment).variableUsages)
                usages.append({usage, fragment});
        }

        std::unordered_set<QString, NameHash> usedNames;
        for (const auto &[usage, fragment] : std::as_const(usages)) {
            usedNames.insert(usage.name);
            const VariableDefinition *definition = nullptr;
            for (const VariableDefinition &candidate : operation.variables) {
                if (candidate.name == usage.name) {
                    definition = &candidate;
                    break;
                }
            }
            if (!definition) {
                reportUndefinedVariable(operation, usage, fragment);
                continue;
            }
            checkVariableUsage(*definition, usage);
        }

        for (const VariableDefinition &definition : operation.variables) {
            if (!usedNames.contains(definition.name))
                report(section::allVariablesUsed,
                       QStringLiteral("Variable \"$%1\" is defined but not used by %2. Use it in an argument or remove it.")
                           .arg(definition.name, operationLabel(operation)),
                       definition.location, int(definition.name.size()) + 1);
        }
    }

    void reportUndefinedVariable(const OperationDefinition &operation, const VariableUsage &usage, const QString &fragment)
    {
        QStringList defined;
        for (const VariableDefinition &candidate : operation.variables)
            defined.append(candidate.name);
        const QString declaration = QStringLiteral("$%1: %2").arg(usage.name, usage.hasType ? usage.type.toString() : QStringLiteral("Type"));
        QString message = fragment.isEmpty()
            ? QStringLiteral("Variable \"$%1\" is not defined by %2.").arg(usage.name, operationLabel(operation))
            : QStringLiteral("Variable \"$%1\" is used in fragment %2, but %3 does not define it.")
                  .arg(usage.name, quoted(fragment), operationLabel(operation));
        const QString hint = didYouMean(suggestionsFor(usage.name, defined), QStringLiteral("$"));
        message += hint.isEmpty() ? QStringLiteral(" Add %1 to the variable definitions%2.")
                                        .arg(quoted(declaration), operation.name.isEmpty() && operation.shorthand
                                                 ? QStringLiteral(", such as \"query (%1) { … }\"").arg(declaration)
                                                 : QString())
                                  : hint;
        report(section::allVariableUsesDefined, message, usage.location, int(usage.name.size()) + 1);
    }

    void checkVariableUsage(const VariableDefinition &definition, const VariableUsage &usage)
    {
        if (!usage.hasType || !m_schema.isInputType(definition.type))
            return;
        TypeRef locationType = usage.type;
        bool allowed = false;
        if (isNonNull(locationType) && !isNonNull(definition.type)) {
            const bool variableHasDefault = definition.hasDefaultValue && definition.defaultValue.kind != Value::Kind::Null;
            if (variableHasDefault || usage.hasLocationDefault)
                allowed = areTypesCompatible(definition.type, locationType.inner());
        } else {
            allowed = areTypesCompatible(definition.type, locationType);
        }
        if (allowed)
            return;
        QString hint;
        if (isNonNull(locationType) && !isNonNull(definition.type)
            && areTypesCompatible(definition.type, locationType.inner()))
            hint = QStringLiteral(" Declare it as %1 or give it a default value.").arg(quoted(definition.type.toString() + QLatin1Char('!')));
        else
            hint = QStringLiteral(" Declare it as %1.").arg(quoted(locationType.toString()));
        report(section::allVariableUsagesAllowed,
               QStringLiteral("Variable \"$%1\" of type %2 cannot be used where %3 is expected.")
                   .arg(usage.name, quoted(definition.type.toString()), quoted(locationType.toString()))
                   + hint,
               usage.location, int(usage.name.size()) + 1);
    }

    const Document &m_document;
    const Schema &m_schema;
    QList<Finding> m_findings;
    QSet<QString> m_reported;
    DefinitionFacts *m_facts = nullptr; // of the definition being checked
};

bool locationBefore(const SourceLocation &a, const SourceLocation &b)
{
    return a.line != b.line ? a.line < b.line : a.column < b.column;
}

// Moves each finding with an anchor onto its Name token: `skip` Name tokens after the anchor's
// start, or else the first one with its text among the next few.
void placeOnNames(QList<Finding> *findings, QByteArrayView source)
{
    std::vector<Token> names;
    Lexer lexer(source);
    for (;;) {
        Token token = lexer.next();
        if (token.kind == TokenKind::EndOfDocument)
            break;
        if (token.kind == TokenKind::Name)
            names.push_back(std::move(token));
    }
    constexpr qsizetype searchWindow = 8;
    for (Finding &finding : *findings) {
        const Anchor &anchor = finding.anchor;
        if (anchor.name.isEmpty() || !anchor.from.isValid())
            continue;
        const auto first = std::lower_bound(names.begin(), names.end(), anchor.from,
                                            [](const Token &token, const SourceLocation &location) {
                                                return locationBefore(token.location, location);
                                            });
        const qsizetype available = names.end() - first;
        auto found = names.end();
        if (anchor.skip < available && (first + anchor.skip)->value == anchor.name) {
            found = first + anchor.skip;
        } else {
            for (qsizetype i = 0; i < std::min(available, searchWindow) && found == names.end(); ++i) {
                if ((first + i)->value == anchor.name)
                    found = first + i;
            }
        }
        if (found != names.end()) {
            finding.diagnostic.location = found->location;
            finding.diagnostic.length = int(found->length); // names are ASCII: one byte per code point
        }
    }
}

QList<Diagnostic> diagnosticsOf(const QList<Finding> &findings)
{
    QList<Diagnostic> diagnostics;
    diagnostics.reserve(findings.size());
    for (const Finding &finding : findings)
        diagnostics.append(finding.diagnostic);
    return diagnostics;
}

} // namespace

QList<Diagnostic> validateDocument(const Document &document, const Schema &schema)
{
    return diagnosticsOf(Validator(document, schema).run());
}

QList<Diagnostic> checkDocument(QByteArrayView source, const Schema *schema)
{
    ParseError error;
    const std::optional<Document> document = parseDocument(source, &error);
    if (!document) {
        Diagnostic diagnostic;
        diagnostic.message = error.message;
        diagnostic.location = error.location.isValid() ? error.location : SourceLocation{1, 1};
        return {diagnostic};
    }
    if (!schema)
        return {};

    QList<Finding> findings = Validator(*document, *schema).run();
    placeOnNames(&findings, source);
    std::stable_sort(findings.begin(), findings.end(), [](const Finding &a, const Finding &b) {
        return locationBefore(a.diagnostic.location, b.diagnostic.location);
    });
    return diagnosticsOf(findings);
}

} // namespace afx::graphql
