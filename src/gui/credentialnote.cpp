#include "gui/credentialnote.h"

#include "gui/tokenpanel.h"
#include "http/graphqlrequest.h"
#include "query/tokensummary.h"

#include <QCoreApplication>

namespace afx::gui {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("afx::gui::CredentialNote", text);
}

QString expiryText(const QDateTime &expiresAt, const QDateTime &now)
{
    const QDateTime local = expiresAt.toLocalTime();
    const QString time = local.date() == now.toLocalTime().date() ? local.toString(QStringLiteral("HH:mm:ss"))
                                                                   : local.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    const qint64 left = now.secsTo(expiresAt);
    return tr("exp %1 (%2)").arg(time, left > 0 ? tr("in %1").arg(formatDuration(left))
                                                : tr("expired %1 ago").arg(formatDuration(left)));
}

} // namespace

QString credentialNote(const QString &name, const QString &token, const QDateTime &now)
{
    if (token.isEmpty())
        return tr("Sent without a credential.");

    const query::TokenSummary summary = query::summarizeToken(token);
    switch (summary.format) {
    case query::TokenSummary::Format::Opaque:
        return tr("Sent %1, an opaque token (%2 chars). Its claims cannot be read here: only its issuer can resolve "
                  "it, by token introspection (RFC 7662).")
            .arg(name)
            .arg(token.size());
    case query::TokenSummary::Format::Jwe:
        return tr("Sent %1, an encrypted JWT (%2 chars). Its claims can be read only with the recipient's key.")
            .arg(name)
            .arg(token.size());
    case query::TokenSummary::Format::Undecodable:
        return tr("Sent %1, a JWT that cannot be decoded: %2").arg(name, summary.decodeError);
    case query::TokenSummary::Format::Jws:
        break;
    }

    QStringList claims;
    if (!summary.subject.isEmpty())
        claims << tr("sub %1").arg(summary.subject);
    if (!summary.audiences.isEmpty())
        claims << tr("aud %1").arg(summary.audiences.join(QStringLiteral(", ")));
    if (summary.expiresAt.isValid())
        claims << expiryText(summary.expiresAt, now);
    else
        claims << tr("no exp claim");
    if (!summary.scopes.isEmpty())
        claims << tr("scope %1").arg(summary.scopes.join(QLatin1Char(' ')));
    if (!summary.roles.isEmpty())
        claims << tr("roles %1").arg(summary.roles.join(QStringLiteral(", ")));

    const QString first = summary.algorithm.isEmpty() ? tr("Sent %1, a JWT.").arg(name)
                                                      : tr("Sent %1, a JWT signed with %2.").arg(name, summary.algorithm);
    return first + QLatin1Char('\n') + claims.join(QStringLiteral(" · "));
}

QString challengeNote(const QList<QPair<QByteArray, QByteArray>> &responseHeaders)
{
    QStringList lines;
    for (const auto &[headerName, value] : responseHeaders) {
        if (headerName.compare("WWW-Authenticate", Qt::CaseInsensitive) != 0)
            continue;
        const QList<AuthChallenge> challenges = parseWwwAuthenticate(value);
        if (challenges.isEmpty()) {
            lines << tr("WWW-Authenticate: %1 (not a valid challenge)").arg(QString::fromLatin1(value.left(200)));
            continue;
        }
        for (const AuthChallenge &challenge : challenges) {
            QStringList parts{tr("WWW-Authenticate: %1").arg(challenge.scheme)};
            for (auto it = challenge.params.cbegin(); it != challenge.params.cend(); ++it) {
                // Single words read better without quotes.
                const bool plain = !it.value().isEmpty() && !it.value().contains(QLatin1Char(' '));
                parts << QStringLiteral("%1 %2").arg(it.key(), plain ? it.value() : QLatin1Char('"') + it.value() + QLatin1Char('"'));
            }
            lines << parts.join(QStringLiteral(" · "));
        }
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace afx::gui
