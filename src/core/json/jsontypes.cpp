#include "json/jsontypes.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>

namespace afx::json {

QString jsonTypeName(const QJsonValue &value)
{
    return jsonTypeName(value.type());
}

QString jsonTypeName(QJsonValue::Type type)
{
    switch (type) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

QJsonValue valueAtPath(const QJsonValue &root, const QString &path, QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    static const QRegularExpression segmentPattern(QStringLiteral("^([^.\\[\\]]+)((?:\\[\\d+\\])*)$"));
    static const QRegularExpression indexPattern(QStringLiteral("\\[(\\d+)\\]"));
    if (path.isEmpty()) {
        *error = QStringLiteral("The JSON path is empty.");
        return QJsonValue(QJsonValue::Undefined);
    }

    QJsonValue current = root;
    QString walked;
    const QStringList segments = path.split(QLatin1Char('.'));
    for (const QString &segment : segments) {
        const QRegularExpressionMatch match = segmentPattern.match(segment);
        if (!match.hasMatch()) {
            *error = QStringLiteral("The JSON path \"%1\" is malformed at \"%2\": use member names separated by "
                                    "'.', with [N] for an array item.")
                         .arg(path, segment);
            return QJsonValue(QJsonValue::Undefined);
        }
        const QString name = match.captured(1);
        if (!current.isObject() || !current.toObject().contains(name)) {
            *error = current.isObject()
                ? QStringLiteral("The response has no member \"%1\" at \"%2\".").arg(name, walked.isEmpty() ? QStringLiteral("(top level)") : walked)
                : QStringLiteral("\"%1\" in the response is %2, not an object with \"%3\".")
                      .arg(walked.isEmpty() ? QStringLiteral("(top level)") : walked, jsonTypeName(current), name);
            return QJsonValue(QJsonValue::Undefined);
        }
        current = current.toObject().value(name);
        walked += (walked.isEmpty() ? QString() : QStringLiteral(".")) + name;

        auto indexes = indexPattern.globalMatch(match.captured(2));
        while (indexes.hasNext()) {
            bool ok = false;
            const QString indexText = indexes.next().captured(1);
            const qsizetype index = indexText.toLongLong(&ok);
            const QJsonArray array = current.toArray();
            if (!current.isArray() || !ok || index >= array.size()) {
                *error = current.isArray()
                    ? QStringLiteral("\"%1\" in the response has %2 items, so item %3 does not exist.")
                          .arg(walked).arg(array.size()).arg(indexText)
                    : QStringLiteral("\"%1\" in the response is %2, not an array.").arg(walked, jsonTypeName(current));
                return QJsonValue(QJsonValue::Undefined);
            }
            current = array.at(index);
            walked += QStringLiteral("[%1]").arg(index);
        }
    }
    return current;
}

} // namespace afx::json
