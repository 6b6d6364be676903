#include "oidc/jwksrefresh.h"

#include <QLoggingCategory>

#include <algorithm>

namespace afx::oidc {

namespace {
Q_LOGGING_CATEGORY(lcJwksRefresh, "afx.oidc.jwks")
}

JwksRefetchPolicy::JwksRefetchPolicy(int minIntervalSeconds, Clock clock)
    : m_minIntervalSeconds(std::max(0, minIntervalSeconds))
    , m_clock(std::move(clock))
{
    if (!m_clock)
        m_clock = [] { return QDateTime::currentDateTimeUtc(); };
}

JwksRefetchPolicy::Decision JwksRefetchPolicy::requestRefetch(const QString &issuer, const QString &kid)
{
    IssuerState &state = m_issuers[issuer];
    const QString kidText = kid.isEmpty() ? QStringLiteral("(no kid)") : QStringLiteral("\"%1\"").arg(kid);

    if (state.triedKids.contains(kid)) {
        qCDebug(lcJwksRefresh) << "refetch denied, kid already tried:" << kid << "issuer" << issuer;
        return {false, QStringLiteral("The JWKS of %1 was already fetched again for kid %2 and still lacks that "
                                      "key, so it is not fetched a second time.")
                           .arg(issuer, kidText)};
    }
    const QDateTime now = m_clock();
    if (state.lastRefetch.isValid()) {
        const qint64 elapsed = state.lastRefetch.secsTo(now);
        if (elapsed >= 0 && elapsed < m_minIntervalSeconds) {
            qCDebug(lcJwksRefresh) << "refetch denied, too soon:" << elapsed << "s for issuer" << issuer;
            return {false, QStringLiteral("The JWKS of %1 was fetched again %2 seconds ago, and it is fetched at "
                                          "most once every %3 seconds, so kid %4 is not looked up again yet.")
                               .arg(issuer)
                               .arg(elapsed)
                               .arg(m_minIntervalSeconds)
                               .arg(kidText)};
        }
    }

    state.lastRefetch = now;
    state.triedKids.insert(kid);
    qCInfo(lcJwksRefresh) << "refetching JWKS for unknown kid" << kid << "issuer" << issuer;
    return {true, QStringLiteral("The token names kid %1, which is not in the JWKS of %2, so the JWKS is fetched "
                                 "once more in case the provider rotated its keys.")
                      .arg(kidText, issuer)};
}

void JwksRefetchPolicy::reset()
{
    m_issuers.clear();
}

} // namespace afx::oidc
