#include "query/templating.h"

#include <QCoreApplication>

namespace afx::query {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("afx::query::Templating", text);
}

// Maximum length of user text quoted in a message.
constexpr qsizetype maxQuotedLength = 40;

QString quoted(QStringView text)
{
    QString shown = text.left(maxQuotedLength).toString();
    shown.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    shown.replace(QLatin1Char('\r'), QStringLiteral("\\r"));
    if (text.size() > maxQuotedLength)
        shown += QStringLiteral("…");
    return QLatin1Char('"') + shown + QLatin1Char('"');
}

// "line 3, column 7 of the headers"
QString position(const QString &text, qsizetype offset, const QString &where)
{
    const QStringView before = QStringView(text).left(offset);
    const qsizetype line = before.count(QLatin1Char('\n')) + 1;
    const qsizetype column = offset - (before.lastIndexOf(QLatin1Char('\n')) + 1) + 1;
    const QString at = tr("line %1, column %2").arg(line).arg(column);
    return where.isEmpty() ? at : tr("%1 of %2").arg(at, where);
}

QString definedNames(const Environment &environment)
{
    if (environment.isEmpty())
        return tr("The profile's environment defines no names yet: add it under Profile > Edit, Environment.");
    QStringList names;
    for (const auto &[name, value] : environment)
        names << name;
    return tr("Defined names: %1.").arg(names.join(QStringLiteral(", ")));
}

bool isSpace(QChar c)
{
    return c == QLatin1Char(' ') || c == QLatin1Char('\t');
}

QStringView trimmedSpaces(QStringView text)
{
    while (!text.isEmpty() && isSpace(text.front()))
        text = text.sliced(1);
    while (!text.isEmpty() && isSpace(text.back()))
        text.chop(1);
    return text;
}

} // namespace

bool isValidEnvironmentName(const QString &name)
{
    if (name.isEmpty() || name.size() > maxEnvironmentNameLength)
        return false;
    const auto isLetter = [](QChar c) { return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z'); };
    if (!isLetter(name.front()) && name.front() != u'_')
        return false;
    for (QChar c : name) {
        const bool allowed = isLetter(c) || (c >= u'0' && c <= u'9') || c == u'_' || c == u'-' || c == u'.';
        if (!allowed)
            return false;
    }
    return true;
}

bool containsPlaceholder(const QString &text)
{
    return text.contains(QLatin1String("{{"));
}

bool expandPlaceholders(const QString &text, const Environment &environment, const ExpandOptions &options,
                        QString *out, QString *error, QStringList *usedNames, qsizetype *errorOffset)
{
    qsizetype ignoredOffset = -1;
    if (!errorOffset)
        errorOffset = &ignoredOffset;
    QString result;
    QStringList used;
    qsizetype pos = 0;
    while (true) {
        qsizetype open = text.indexOf(QLatin1String("{{"), pos);
        if (open < 0)
            break;
        // In "{{{name}}}" the placeholder is the inner pair, and one brace stays on each side.
        while (open + 2 < text.size() && text.at(open + 2) == QLatin1Char('{'))
            ++open;
        result += QStringView(text).sliced(pos, open - pos);

        const qsizetype close = text.indexOf(QLatin1String("}}"), open + 2);
        *errorOffset = open;
        if (close < 0) {
            *error = tr("The placeholder %1 at %2 has no closing \"}}\". Close it, as in {{name}}.")
                         .arg(quoted(QStringView(text).sliced(open)), position(text, open, options.where));
            return false;
        }
        const QStringView inside = QStringView(text).sliced(open + 2, close - open - 2);
        const QString name = trimmedSpaces(inside).toString();
        const QStringView placeholder = QStringView(text).sliced(open, close + 2 - open);
        if (name.isEmpty()) {
            *error = tr("The placeholder %1 at %2 has no name. Write the name of an environment value between the "
                        "braces, as in {{baseUrl}}. %3")
                         .arg(quoted(placeholder), position(text, open, options.where), definedNames(environment));
            return false;
        }
        if (!isValidEnvironmentName(name)) {
            *error = tr("The placeholder %1 at %2 is not a valid name: names start with a letter or '_' and contain "
                        "only ASCII letters, digits, '_', '-' and '.', at most %3 characters.")
                         .arg(quoted(placeholder), position(text, open, options.where),
                              QString::number(maxEnvironmentNameLength));
            return false;
        }

        const QString *value = nullptr;
        for (const auto &entry : environment) {
            if (entry.first == name) {
                value = &entry.second;
                break;
            }
        }
        if (!value) {
            *error = tr("The placeholder {{%1}} at %2 is not defined in the profile's environment. %3")
                         .arg(name, position(text, open, options.where), definedNames(environment));
            return false;
        }
        if (options.singleLine && (value->contains(QLatin1Char('\n')) || value->contains(QLatin1Char('\r')))) {
            *error = tr("The value of {{%1}} contains a line break, which cannot go into %2. Remove the line break "
                        "from the environment value.")
                         .arg(name, options.where.isEmpty() ? tr("this text") : options.where);
            return false;
        }
        result += *value;
        if (!used.contains(name))
            used << name;
        pos = close + 2;

        if (result.size() > options.maxLength) {
            *error = tr("Replacing the placeholders in %1 makes it longer than %2 characters. Use shorter "
                        "environment values.")
                         .arg(options.where.isEmpty() ? tr("the text") : options.where)
                         .arg(options.maxLength);
            return false;
        }
    }
    result += QStringView(text).sliced(pos);
    if (!used.isEmpty() && result.size() > options.maxLength) {
        *error = tr("Replacing the placeholders in %1 makes it longer than %2 characters. Use shorter environment "
                    "values.")
                     .arg(options.where.isEmpty() ? tr("the text") : options.where)
                     .arg(options.maxLength);
        return false;
    }

    *out = result;
    if (usedNames) {
        for (const QString &name : std::as_const(used)) {
            if (!usedNames->contains(name))
                usedNames->append(name);
        }
    }
    return true;
}

} // namespace afx::query
