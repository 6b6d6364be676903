#include "query/tokensummary.h"

#include "jose/jws.h"

#include <QJsonArray>
#include <QJsonObject>

namespace afx::query {

namespace {

// Strings from a claim that is a string (split at spaces when `splitSpaces`) or an array of
// strings. Other JSON types give nothing.
QStringList stringsOf(const QJsonValue &claim, bool splitSpaces)
{
    if (claim.isString())
        return splitSpaces ? claim.toString().split(QLatin1Char(' '), Qt::SkipEmptyParts) : QStringList{claim.toString()};
    QStringList out;
    if (claim.isArray()) {
        for (const QJsonValue &item : claim.toArray()) {
            if (item.isString())
                out << item.toString();
        }
    }
    return out;
}

void appendMissing(QStringList *list, const QStringList &items)
{
    for (const QString &item : items) {
        if (!list->contains(item))
            list->append(item);
    }
}

} // namespace

TokenSummary summarizeToken(const QString &token)
{
    TokenSummary summary;
    if (token.isEmpty())
        return summary;

    const QByteArray raw = token.toUtf8();
    switch (jose::classifyToken(raw)) {
    case jose::TokenFormat::Jwe:
        summary.format = TokenSummary::Format::Jwe;
        return summary;
    case jose::TokenFormat::Opaque:
        summary.format = TokenSummary::Format::Opaque;
        return summary;
    case jose::TokenFormat::Jws:
        break;
    }

    QString error;
    const std::optional<jose::CompactJws> jws = jose::CompactJws::parse(raw, &error);
    if (!jws) {
        summary.format = TokenSummary::Format::Undecodable;
        summary.decodeError = error;
        return summary;
    }
    summary.format = TokenSummary::Format::Jws;
    summary.algorithm = jws->alg();
    const QJsonObject &claims = jws->claims;
    summary.subject = claims.value(QStringLiteral("sub")).toString();
    summary.issuer = claims.value(QStringLiteral("iss")).toString();
    summary.audiences = stringsOf(claims.value(QStringLiteral("aud")), false);
    const QJsonValue exp = claims.value(QStringLiteral("exp"));
    if (exp.isDouble())
        summary.expiresAt = QDateTime::fromSecsSinceEpoch(qint64(exp.toDouble()), Qt::UTC);
    appendMissing(&summary.scopes, stringsOf(claims.value(QStringLiteral("scope")), true));
    appendMissing(&summary.scopes, stringsOf(claims.value(QStringLiteral("scp")), true));
    appendMissing(&summary.roles, stringsOf(claims.value(QStringLiteral("roles")), false));
    appendMissing(&summary.roles, stringsOf(claims.value(QStringLiteral("groups")), false));
    appendMissing(&summary.roles,
                  stringsOf(claims.value(QStringLiteral("realm_access")).toObject().value(QStringLiteral("roles")), false));
    return summary;
}

} // namespace afx::query
