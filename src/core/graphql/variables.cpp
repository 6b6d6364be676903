#include "graphql/variables.h"

#include "graphql/suggestions.h"

#include <QJsonArray>

#include <cmath>
#include <limits>

namespace afx::graphql {

namespace {

QString quoted(const QString &text)
{
    return QLatin1Char('"') + text + QLatin1Char('"');
}

// A JSON value as messages show it: "the string "high"", "the number 1.5", "an object".
QString describeJson(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return QStringLiteral("the number ") + QString::number(value.toDouble(), 'g', 17);
    case QJsonValue::String: {
        QString text = value.toString();
        if (text.size() > 60)
            text = text.left(60) + QStringLiteral("…");
        return QStringLiteral("the string ") + quoted(text);
    }
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

bool isIntegral(double number)
{
    return std::isfinite(number) && std::trunc(number) == number;
}

// Coerces one variable's JSON value against its type, as the server will (spec 6.1.2 and the
// input coercion rules of sections 3.5 and 3.10 to 3.12).
class VariableChecker {
public:
    static constexpr int maxDepth = 256;

    VariableChecker(const Schema *schema, const QString &variable, QList<VariableProblem> *problems)
        : m_schema(schema)
        , m_variable(variable)
        , m_problems(problems)
    {
    }

    void check(const QJsonValue &value, const TypeRef &type, const QString &path, int depth = 0)
    {
        // A recursive input type, such as a filter with an "and" list of filters, lets the value
        // drive the recursion, so its depth is bounded.
        if (depth > maxDepth) {
            problem(path, QStringLiteral("the value nests deeper than the limit of %1 levels.").arg(maxDepth));
            return;
        }
        if (type.kind == TypeRef::Kind::NonNull) {
            if (value.isNull() || value.isUndefined()) {
                problem(path, QStringLiteral("expected a non-null %1, found null.").arg(quoted(type.toString())));
                return;
            }
            check(value, type.inner(), path, depth + 1);
            return;
        }
        if (value.isNull())
            return;
        if (type.kind == TypeRef::Kind::List) {
            if (value.isArray()) {
                const QJsonArray items = value.toArray();
                for (qsizetype i = 0; i < items.size(); ++i)
                    check(items.at(i), type.inner(), QStringLiteral("%1[%2]").arg(path).arg(i), depth + 1);
            } else {
                check(value, type.inner(), path, depth + 1); // a single value is coerced to a list of one
            }
            return;
        }
        checkNamed(value, type.name, path, depth);
    }

private:
    void problem(const QString &path, const QString &text)
    {
        const QString where = path == m_variable ? QStringLiteral("Variable \"$%1\": ").arg(m_variable)
                                                 : QStringLiteral("Variable \"$%1\" at %2: ").arg(m_variable, quoted(path));
        m_problems->append(VariableProblem{false, where + text});
    }

    void checkNamed(const QJsonValue &value, const QString &typeName, const QString &path, int depth)
    {
        if (checkBuiltInScalar(value, typeName, path))
            return;
        const SchemaType *type = m_schema ? m_schema->type(typeName) : nullptr;
        if (!type)
            return; // without a schema, or an unknown type that validation reports
        switch (type->kind) {
        case SchemaType::Kind::Enum:
            checkEnum(value, *type, path);
            return;
        case SchemaType::Kind::InputObject:
            checkInputObject(value, *type, path, depth);
            return;
        default:
            return; // a custom scalar, whose format only the server can check
        }
    }

    // Returns false when `typeName` is not one of the built-in scalars.
    bool checkBuiltInScalar(const QJsonValue &value, const QString &typeName, const QString &path)
    {
        if (typeName == QLatin1String("Int")) {
            const double number = value.toDouble();
            if (!value.isDouble() || !isIntegral(number))
                problem(path, QStringLiteral("expected an Int, found %1.").arg(describeJson(value)));
            else if (number < std::numeric_limits<qint32>::min() || number > std::numeric_limits<qint32>::max())
                problem(path, QStringLiteral("%1 is outside the range of Int, a signed 32-bit integer (-2147483648 to "
                                             "2147483647).")
                                  .arg(describeJson(value)));
        } else if (typeName == QLatin1String("Float")) {
            if (!value.isDouble() || !std::isfinite(value.toDouble()))
                problem(path, QStringLiteral("expected a Float, found %1.").arg(describeJson(value)));
        } else if (typeName == QLatin1String("String")) {
            if (!value.isString())
                problem(path, QStringLiteral("expected a String, found %1.").arg(describeJson(value)));
        } else if (typeName == QLatin1String("Boolean")) {
            if (!value.isBool())
                problem(path, QStringLiteral("expected a Boolean (true or false), found %1.").arg(describeJson(value)));
        } else if (typeName == QLatin1String("ID")) {
            if (!value.isString() && !(value.isDouble() && isIntegral(value.toDouble())))
                problem(path, QStringLiteral("expected an ID (a string or an integer), found %1.").arg(describeJson(value)));
        } else {
            return false;
        }
        return true;
    }

    void checkEnum(const QJsonValue &value, const SchemaType &type, const QString &path)
    {
        QStringList names;
        for (const SchemaEnumValue &candidate : type.enumValues)
            names.append(candidate.name);
        if (value.isString() && names.contains(value.toString()))
            return;
        QString hint;
        if (value.isString())
            hint = didYouMean(suggestionsFor(value.toString(), names));
        if (hint.isEmpty())
            hint = QStringLiteral(" Its values are %1.").arg(joinNames(names, QStringLiteral("or")));
        problem(path, QStringLiteral("expected a value of the enum %1 as a string, found %2.").arg(quoted(type.name), describeJson(value))
                          + hint);
    }

    void checkInputObject(const QJsonValue &value, const SchemaType &type, const QString &path, int depth)
    {
        if (!value.isObject()) {
            problem(path, QStringLiteral("expected an object of the input type %1, found %2.").arg(quoted(type.name), describeJson(value)));
            return;
        }
        const QJsonObject object = value.toObject();
        QStringList names;
        for (const SchemaInputValue &field : type.inputFields)
            names.append(field.name);
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!names.contains(it.key())) {
                QString hint = didYouMean(suggestionsFor(it.key(), names));
                if (hint.isEmpty())
                    hint = QStringLiteral(" Its fields are %1.").arg(joinNames(names));
                problem(path, QStringLiteral("the input type %1 has no field %2.").arg(quoted(type.name), quoted(it.key())) + hint);
            }
        }
        for (const SchemaInputValue &field : type.inputFields) {
            const QString fieldPath = path + QLatin1Char('.') + field.name;
            if (!object.contains(field.name)) {
                if (field.type.kind == TypeRef::Kind::NonNull && field.defaultValue.isEmpty())
                    problem(path, QStringLiteral("the field %1 of type %2 is missing. Add it.")
                                      .arg(quoted(field.name), quoted(field.type.toString())));
                continue;
            }
            check(object.value(field.name), field.type, fieldPath, depth + 1);
        }
    }

    const Schema *m_schema;
    QString m_variable;
    QList<VariableProblem> *m_problems;
};

QString operationDescription(const OperationDefinition &operation)
{
    return operation.name.isEmpty() ? QStringLiteral("an anonymous %1").arg(operationTypeName(operation.type))
                                    : quoted(operation.name);
}

} // namespace

QList<VariableProblem> validateVariables(const OperationDefinition &operation, const QJsonObject &variables,
                                         const Schema *schema)
{
    QList<VariableProblem> problems;
    QStringList defined;
    for (const VariableDefinition &definition : operation.variables) {
        defined.append(definition.name);
        const QJsonValue value = variables.value(definition.name);
        if (value.isUndefined()) {
            if (definition.type.kind == TypeRef::Kind::NonNull && !definition.hasDefaultValue)
                problems.append(VariableProblem{
                    false, QStringLiteral("Variable \"$%1\" of the required type %2 has no value. Add it to the variables, "
                                          "such as {\"%1\": …}.")
                               .arg(definition.name, quoted(definition.type.toString()))});
            continue;
        }
        VariableChecker checker(schema, definition.name, &problems);
        checker.check(value, definition.type, definition.name);
    }

    for (auto it = variables.begin(); it != variables.end(); ++it) {
        if (defined.contains(it.key()))
            continue;
        QString hint = didYouMean(suggestionsFor(it.key(), defined), QStringLiteral("$"));
        if (hint.isEmpty())
            hint = defined.isEmpty() ? QStringLiteral(" The operation defines no variables.")
                                     : QStringLiteral(" It defines %1.").arg(QLatin1Char('$') + defined.join(QStringLiteral(", $")));
        problems.append(VariableProblem{
            true, QStringLiteral("Variable \"$%1\" is not defined by the operation, so the server ignores it.").arg(it.key()) + hint});
    }
    return problems;
}

const OperationDefinition *selectOperation(const Document &document, const QString &name, QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;

    QStringList choices;
    for (const OperationDefinition &operation : document.operations)
        choices.append(operationDescription(operation));

    if (name.isEmpty()) {
        if (document.operations.size() == 1)
            return &document.operations.first();
        if (document.operations.isEmpty())
            *error = QStringLiteral("The document has no operation: add a query, mutation or subscription.");
        else
            *error = QStringLiteral("The document has %1 operations (%2): choose the one to run by its name.")
                         .arg(document.operations.size())
                         .arg(joinNames(choices));
        return nullptr;
    }

    for (const OperationDefinition &operation : document.operations) {
        if (operation.name == name)
            return &operation;
    }
    QStringList names;
    for (const OperationDefinition &operation : document.operations) {
        if (!operation.name.isEmpty())
            names.append(operation.name);
    }
    QString hint = didYouMean(suggestionsFor(name, names));
    if (hint.isEmpty())
        hint = choices.isEmpty() ? QStringLiteral(" It has no operations.") : QStringLiteral(" Its operations are %1.").arg(joinNames(choices));
    *error = QStringLiteral("The document has no operation named %1.").arg(quoted(name)) + hint;
    return nullptr;
}

} // namespace afx::graphql
