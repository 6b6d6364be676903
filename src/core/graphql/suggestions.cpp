#include "graphql/suggestions.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace afx::graphql {

int lexicalDistance(const QString &first, const QString &second)
{
    if (first == second)
        return 0;
    const QString a = first.toLower();
    const QString b = second.toLower();
    if (a == b)
        return 1;
    const qsizetype rows = a.size() + 1;
    const qsizetype columns = b.size() + 1;
    std::vector<int> d(size_t(rows * columns));
    const auto at = [&d, columns](qsizetype i, qsizetype j) -> int & { return d[size_t(i * columns + j)]; };
    for (qsizetype i = 0; i < rows; ++i)
        at(i, 0) = int(i);
    for (qsizetype j = 0; j < columns; ++j)
        at(0, j) = int(j);
    for (qsizetype i = 1; i < rows; ++i) {
        for (qsizetype j = 1; j < columns; ++j) {
            const int cost = a.at(i - 1) == b.at(j - 1) ? 0 : 1;
            int value = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
            if (i > 1 && j > 1 && a.at(i - 1) == b.at(j - 2) && a.at(i - 2) == b.at(j - 1))
                value = std::min(value, at(i - 2, j - 2) + 1);
            at(i, j) = value;
        }
    }
    return at(rows - 1, columns - 1);
}

QStringList suggestionsFor(const QString &input, const QStringList &options)
{
    const int threshold = int(input.size() * 4 / 10) + 1;
    QList<std::pair<int, QString>> scored;
    for (const QString &option : options) {
        const int distance = lexicalDistance(input, option);
        if (distance <= threshold || (input.size() >= 3 && option.startsWith(input, Qt::CaseInsensitive)))
            scored.append({distance, option});
    }
    std::stable_sort(scored.begin(), scored.end(), [](const auto &x, const auto &y) {
        return x.first != y.first ? x.first < y.first : x.second < y.second;
    });
    QStringList result;
    for (qsizetype i = 0; i < scored.size() && i < 5; ++i)
        result.append(scored.at(i).second);
    return result;
}

QString didYouMean(const QStringList &suggestions, const QString &prefix)
{
    if (suggestions.isEmpty())
        return {};
    QStringList shown;
    for (const QString &suggestion : suggestions)
        shown.append(QLatin1Char('"') + prefix + suggestion + QLatin1Char('"'));
    const QString last = shown.takeLast();
    const QString list = shown.isEmpty() ? last : shown.join(QStringLiteral(", ")) + QStringLiteral(" or ") + last;
    return QStringLiteral(" Did you mean %1?").arg(list);
}

QString joinNames(const QStringList &names, const QString &conjunction)
{
    if (names.size() <= 1)
        return names.value(0);
    QStringList head = names;
    const QString last = head.takeLast();
    return head.join(QStringLiteral(", ")) + QLatin1Char(' ') + conjunction + QLatin1Char(' ') + last;
}

} // namespace afx::graphql
