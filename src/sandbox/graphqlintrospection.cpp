#include "sandbox/graphqlintrospection.h"

namespace afx::sandbox {

using graphql::TypeRef;

namespace {

const GraphqlSchema &schema()
{
    return GraphqlSchema::instance();
}

IntrospectionValue scalarValue(QJsonValue value)
{
    IntrospectionValue result;
    result.kind = IntrospectionValue::Kind::Scalar;
    result.scalar = std::move(value);
    return result;
}

// A nullable String field: null when `text` is empty.
IntrospectionValue optionalString(const QString &text)
{
    return text.isEmpty() ? IntrospectionValue() : scalarValue(text);
}

IntrospectionValue objectValue(const QString &objectType, IntrospectionSubject subject)
{
    IntrospectionValue result;
    result.kind = IntrospectionValue::Kind::Object;
    result.objectType = objectType;
    result.subject = std::move(subject);
    return result;
}

IntrospectionValue listValue(std::vector<IntrospectionValue> items)
{
    IntrospectionValue result;
    result.kind = IntrospectionValue::Kind::List;
    result.items = std::move(items);
    return result;
}

IntrospectionValue typeValue(const TypeRef &type)
{
    IntrospectionSubject subject;
    subject.type = type;
    return objectValue(QStringLiteral("__Type"), std::move(subject));
}

IntrospectionValue namedTypeValue(const QString &name)
{
    TypeRef type;
    type.name = name;
    return typeValue(type);
}

IntrospectionValue fieldValue(const FieldDefinition &field)
{
    IntrospectionSubject subject;
    subject.field = &field;
    return objectValue(QStringLiteral("__Field"), std::move(subject));
}

IntrospectionValue inputValueValue(const ArgumentDefinition &argument)
{
    IntrospectionSubject subject;
    subject.inputValue = &argument;
    return objectValue(QStringLiteral("__InputValue"), std::move(subject));
}

IntrospectionValue enumValueValue(const EnumValueDefinition &value)
{
    IntrospectionSubject subject;
    subject.enumValue = &value;
    return objectValue(QStringLiteral("__EnumValue"), std::move(subject));
}

IntrospectionValue directiveValue(const DirectiveDefinition &directive)
{
    IntrospectionSubject subject;
    subject.directive = &directive;
    return objectValue(QStringLiteral("__Directive"), std::move(subject));
}

// The includeDeprecated argument of fields, args, enumValues and inputFields, false by default.
bool includesDeprecated(const QJsonObject &arguments)
{
    return arguments.value(QStringLiteral("includeDeprecated")).toBool(false);
}

IntrospectionValue deprecationReason(bool deprecated, const QString &reason)
{
    return deprecated ? scalarValue(reason) : IntrospectionValue();
}

IntrospectionValue inputValueList(const QList<ArgumentDefinition> &arguments, bool includeDeprecated)
{
    std::vector<IntrospectionValue> items;
    for (const ArgumentDefinition &argument : arguments) {
        if (includeDeprecated || !argument.deprecated)
            items.push_back(inputValueValue(argument));
    }
    return listValue(std::move(items));
}

// The __TypeKind name of `type`.
QString kindName(const TypeRef &type)
{
    if (type.kind == TypeRef::Kind::NonNull)
        return QStringLiteral("NON_NULL");
    if (type.kind == TypeRef::Kind::List)
        return QStringLiteral("LIST");
    const TypeDefinition *definition = schema().type(type.name);
    if (!definition)
        return {};
    switch (definition->kind) {
    case TypeDefinition::Kind::Scalar:
        return QStringLiteral("SCALAR");
    case TypeDefinition::Kind::Object:
        return QStringLiteral("OBJECT");
    case TypeDefinition::Kind::Enum:
        return QStringLiteral("ENUM");
    }
    return {};
}

IntrospectionValue resolveSchemaField(const QString &fieldName)
{
    if (fieldName == QLatin1String("types")) {
        std::vector<IntrospectionValue> items;
        for (const TypeDefinition &type : schema().types())
            items.push_back(namedTypeValue(type.name));
        return listValue(std::move(items));
    }
    if (fieldName == QLatin1String("queryType"))
        return namedTypeValue(schema().queryType());
    if (fieldName == QLatin1String("mutationType"))
        return namedTypeValue(schema().mutationType());
    if (fieldName == QLatin1String("directives")) {
        std::vector<IntrospectionValue> items;
        for (const DirectiveDefinition &directive : schema().directives())
            items.push_back(directiveValue(directive));
        return listValue(std::move(items));
    }
    // description and subscriptionType: the sandbox schema has neither.
    return {};
}

IntrospectionValue resolveTypeField(const TypeRef &type, const QString &fieldName, const QJsonObject &arguments)
{
    if (fieldName == QLatin1String("kind"))
        return scalarValue(kindName(type));
    if (type.kind != TypeRef::Kind::Named) {
        // A wrapper has only kind and ofType.
        if (fieldName == QLatin1String("ofType"))
            return typeValue(type.inner());
        return {};
    }

    const TypeDefinition *definition = schema().type(type.name);
    if (!definition)
        return {};
    if (fieldName == QLatin1String("name"))
        return scalarValue(definition->name);
    if (fieldName == QLatin1String("description"))
        return optionalString(definition->description);
    if (fieldName == QLatin1String("specifiedByURL"))
        return definition->kind == TypeDefinition::Kind::Scalar ? optionalString(definition->specifiedByUrl)
                                                                : IntrospectionValue();

    const bool isObject = definition->kind == TypeDefinition::Kind::Object;
    if (fieldName == QLatin1String("fields")) {
        if (!isObject)
            return {};
        std::vector<IntrospectionValue> items;
        for (const FieldDefinition &field : definition->fields) {
            if (includesDeprecated(arguments) || !field.deprecated)
                items.push_back(fieldValue(field));
        }
        return listValue(std::move(items));
    }
    if (fieldName == QLatin1String("interfaces"))
        return isObject ? listValue({}) : IntrospectionValue(); // no type implements an interface
    if (fieldName == QLatin1String("enumValues")) {
        if (definition->kind != TypeDefinition::Kind::Enum)
            return {};
        std::vector<IntrospectionValue> items;
        for (const EnumValueDefinition &value : definition->enumValues) {
            if (includesDeprecated(arguments) || !value.deprecated)
                items.push_back(enumValueValue(value));
        }
        return listValue(std::move(items));
    }
    // possibleTypes, inputFields and ofType: the sandbox schema has no interfaces, unions or
    // input objects, and a named type wraps nothing.
    return {};
}

IntrospectionValue resolveFieldField(const FieldDefinition &field, const QString &fieldName, const QJsonObject &arguments)
{
    if (fieldName == QLatin1String("name"))
        return scalarValue(field.name);
    if (fieldName == QLatin1String("description"))
        return optionalString(field.description);
    if (fieldName == QLatin1String("args"))
        return inputValueList(field.arguments, includesDeprecated(arguments));
    if (fieldName == QLatin1String("type"))
        return typeValue(field.type);
    if (fieldName == QLatin1String("isDeprecated"))
        return scalarValue(field.deprecated);
    if (fieldName == QLatin1String("deprecationReason"))
        return deprecationReason(field.deprecated, field.deprecationReason);
    return {};
}

IntrospectionValue resolveInputValueField(const ArgumentDefinition &argument, const QString &fieldName)
{
    if (fieldName == QLatin1String("name"))
        return scalarValue(argument.name);
    if (fieldName == QLatin1String("description"))
        return optionalString(argument.description);
    if (fieldName == QLatin1String("type"))
        return typeValue(argument.type);
    if (fieldName == QLatin1String("defaultValue"))
        return argument.hasDefaultValue() ? scalarValue(GraphqlSchema::printDefaultValue(argument.defaultValue))
                                          : IntrospectionValue();
    if (fieldName == QLatin1String("isDeprecated"))
        return scalarValue(argument.deprecated);
    if (fieldName == QLatin1String("deprecationReason"))
        return deprecationReason(argument.deprecated, argument.deprecationReason);
    return {};
}

IntrospectionValue resolveEnumValueField(const EnumValueDefinition &value, const QString &fieldName)
{
    if (fieldName == QLatin1String("name"))
        return scalarValue(value.name);
    if (fieldName == QLatin1String("description"))
        return optionalString(value.description);
    if (fieldName == QLatin1String("isDeprecated"))
        return scalarValue(value.deprecated);
    if (fieldName == QLatin1String("deprecationReason"))
        return deprecationReason(value.deprecated, value.deprecationReason);
    return {};
}

IntrospectionValue resolveDirectiveField(const DirectiveDefinition &directive, const QString &fieldName,
                                         const QJsonObject &arguments)
{
    if (fieldName == QLatin1String("name"))
        return scalarValue(directive.name);
    if (fieldName == QLatin1String("description"))
        return optionalString(directive.description);
    if (fieldName == QLatin1String("isRepeatable"))
        return scalarValue(directive.repeatable);
    if (fieldName == QLatin1String("locations")) {
        std::vector<IntrospectionValue> items;
        for (const QString &location : directive.locations)
            items.push_back(scalarValue(location));
        return listValue(std::move(items));
    }
    if (fieldName == QLatin1String("args"))
        return inputValueList(directive.arguments, includesDeprecated(arguments));
    return {};
}

} // namespace

IntrospectionValue resolveIntrospectionRoot(const QString &fieldName, const QJsonObject &arguments)
{
    if (fieldName == QLatin1String("__schema"))
        return objectValue(QStringLiteral("__Schema"), {});
    if (fieldName == QLatin1String("__type")) {
        const QString name = arguments.value(QStringLiteral("name")).toString();
        return schema().isKnownType(name) ? namedTypeValue(name) : IntrospectionValue();
    }
    return {};
}

IntrospectionValue resolveIntrospectionField(const QString &objectType, const IntrospectionSubject &subject,
                                             const QString &fieldName, const QJsonObject &arguments)
{
    if (objectType == QLatin1String("__Schema"))
        return resolveSchemaField(fieldName);
    if (objectType == QLatin1String("__Type"))
        return resolveTypeField(subject.type, fieldName, arguments);
    if (objectType == QLatin1String("__Field") && subject.field)
        return resolveFieldField(*subject.field, fieldName, arguments);
    if (objectType == QLatin1String("__InputValue") && subject.inputValue)
        return resolveInputValueField(*subject.inputValue, fieldName);
    if (objectType == QLatin1String("__EnumValue") && subject.enumValue)
        return resolveEnumValueField(*subject.enumValue, fieldName);
    if (objectType == QLatin1String("__Directive") && subject.directive)
        return resolveDirectiveField(*subject.directive, fieldName, arguments);
    return {};
}

} // namespace afx::sandbox
