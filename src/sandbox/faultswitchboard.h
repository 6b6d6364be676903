#pragma once

#include "sandbox/faults.h"

#include <QPointer>
#include <QString>

namespace afx {
class Trace;
}

namespace afx::sandbox {

// The faults that are switched on, shared by the provider and the backend like the clock. The
// code that changes a response because of a fault calls act(), and the server calls
// reportActed() once the response is built, so each response adds at most one trace step per
// fault.
class FaultSwitchboard {
public:
    // How far the provider's clock runs ahead while clock-skew is on.
    static constexpr qint64 clockSkewSeconds = 600;
    // How long ago the tokens of expired-tokens expired: beyond any usual leeway.
    static constexpr qint64 expiredAgoSeconds = 600;
    static constexpr int defaultSlowJwksDelayMs = 3000;
    // The aud of wrong-audience and the sub of userinfo-sub-mismatch: no sandbox client or user.
    static inline const QString otherClientId = QStringLiteral("another-client-app");
    static inline const QString otherSubject = QStringLiteral("another-user");

    bool isOn(SandboxFault fault) const { return m_active.contains(fault); }
    // Returns true when the state changed.
    bool set(SandboxFault fault, bool on);
    // The active faults in enum order.
    QList<SandboxFault> active() const;

    // Returns whether `fault` is on, and if so records that it changed the response in progress.
    bool act(SandboxFault fault);
    // Appends one "Fault: <name>" step per fault recorded by act() since the last call, then clears them.
    void reportActed();

    void setTrace(Trace *trace);

    int slowJwksDelayMs() const { return m_slowJwksDelayMs; }
    void setSlowJwksDelayMs(int ms) { m_slowJwksDelayMs = ms < 0 ? 0 : ms; }

    // An HTTP Date header value (IMF-fixdate) for `secondsSinceEpoch`.
    static QByteArray httpDate(qint64 secondsSinceEpoch);

private:
    QList<SandboxFault> m_active;
    QList<SandboxFault> m_acted;
    QPointer<Trace> m_trace;
    int m_slowJwksDelayMs = defaultSlowJwksDelayMs;
};

} // namespace afx::sandbox
