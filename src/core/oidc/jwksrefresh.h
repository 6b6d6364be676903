#pragma once

#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QString>

#include <functional>

namespace afx::oidc {

// Decides whether an unknown kid in a token may trigger one more fetch of the provider's JWKS
// (key rotation, OpenID Connect Core 1.0 section 10.1.1). A refetch is allowed at most once per
// unknown kid and at most once per minimum interval for each issuer, so a stream of tokens with
// made-up kids cannot make the app hammer the provider.
class JwksRefetchPolicy {
public:
    using Clock = std::function<QDateTime()>;

    struct Decision {
        bool allowed = false;
        QString reason; // why the refetch is allowed or not, naming the kid and the issuer
    };

    // An empty clock uses QDateTime::currentDateTimeUtc().
    explicit JwksRefetchPolicy(int minIntervalSeconds = 60, Clock clock = {});

    // Returns whether the JWKS of `issuer` may be fetched again because of `kid`, and records
    // the refetch when it is allowed.
    Decision requestRefetch(const QString &issuer, const QString &kid);

    int minIntervalSeconds() const { return m_minIntervalSeconds; }
    // Forgets every recorded refetch, for example when the profile changes.
    void reset();

private:
    struct IssuerState {
        QDateTime lastRefetch;
        QSet<QString> triedKids;
    };

    int m_minIntervalSeconds;
    Clock m_clock;
    QHash<QString, IssuerState> m_issuers;
};

} // namespace afx::oidc
