#include "sandbox/faults.h"
#include "sandbox/faultswitchboard.h"

#include "flow/trace.h"

#include <QDateTime>
#include <QLocale>

#include <utility>

namespace afx::sandbox {

namespace {

struct FaultText {
    SandboxFault fault;
    const char *name;
    const char *description;
};

// One entry per enum value, in enum order.
constexpr FaultText faultTexts[] = {
    {SandboxFault::ExpiredTokens, "expired-tokens",
     "A provider whose clock runs behind, or a token cached past its lifetime, hands out ID and access tokens whose "
     "exp has passed."},
    {SandboxFault::WrongAudience, "wrong-audience",
     "A provider that mixes up client registrations, or a token meant for another app, puts another client's id "
     "into the ID token's aud."},
    {SandboxFault::WrongIssuer, "wrong-issuer",
     "A provider configured with a slightly different issuer URL, often one with a trailing slash, signs ID tokens "
     "whose iss differs from the issuer in its discovery document."},
    {SandboxFault::BadSignature, "bad-signature",
     "A proxy that rewrites responses, or a token that was tampered with, delivers an ID token whose signature no "
     "longer matches its content."},
    {SandboxFault::AlgNone, "alg-none",
     "An attacker, or a provider misconfigured to skip signing, sends an ID token with alg \"none\" and an empty "
     "signature."},
    {SandboxFault::MissingNonce, "missing-nonce",
     "A provider that ignores the nonce parameter of the authorization request issues an ID token without a nonce "
     "claim."},
    {SandboxFault::WrongNonce, "wrong-nonce",
     "A replayed ID token, or one from another login in progress, carries a nonce that this authorization request "
     "did not send."},
    {SandboxFault::KeyRotation, "key-rotation",
     "A provider that has just rotated its signing key signs with a new key that a client's cached JWKS does not "
     "contain yet."},
    {SandboxFault::KidAbsentMultipleKeys, "kid-absent-multiple-keys",
     "A provider that publishes several keys in its JWKS but leaves kid out of the token header forces the client "
     "to guess the key."},
    {SandboxFault::SlowJwks, "slow-jwks",
     "An overloaded provider or a slow network makes the JWKS request take seconds, which can exceed the client's "
     "timeout."},
    {SandboxFault::JwksDown, "jwks-down",
     "A provider outage or a failing load balancer answers the JWKS request with 503 Service Unavailable."},
    {SandboxFault::ClockSkew, "clock-skew",
     "A provider whose clock runs ahead issues tokens whose iat and nbf lie in the future and sends a Date header "
     "that is ahead too."},
    {SandboxFault::RedirectUriMismatch, "redirect-uri-mismatch",
     "A provider whose client registration lists another redirect URI, differing even in port or trailing slash, "
     "rejects the authorization request with an error page."},
    {SandboxFault::RefreshTokenRevoked, "refresh-token-revoked",
     "A provider revokes refresh tokens when the user signs out elsewhere, changes the password or an "
     "administrator ends the session, so the refresh grant returns invalid_grant."},
    {SandboxFault::DeviceSlowDown, "device-slow-down",
     "A provider under load, or one that thinks the device polls too often, answers a device code poll with "
     "slow_down and a longer interval."},
    {SandboxFault::ConsentDenied, "consent-denied",
     "A user who declines the consent screen, or a policy that blocks the app, ends the sign-in with "
     "access_denied."},
    {SandboxFault::UserinfoSubMismatch, "userinfo-sub-mismatch",
     "A provider with a bug in its account lookup, or an attacker who swapped the access token, returns UserInfo "
     "for another subject than the ID token's."},
};

const FaultText &textOf(SandboxFault fault)
{
    for (const FaultText &text : faultTexts) {
        if (text.fault == fault)
            return text;
    }
    Q_UNREACHABLE();
}

} // namespace

QList<SandboxFault> allSandboxFaults()
{
    QList<SandboxFault> faults;
    for (const FaultText &text : faultTexts)
        faults.append(text.fault);
    return faults;
}

QString sandboxFaultName(SandboxFault fault)
{
    return QString::fromLatin1(textOf(fault).name);
}

QString sandboxFaultDescription(SandboxFault fault)
{
    return QString::fromLatin1(textOf(fault).description);
}

std::optional<SandboxFault> sandboxFaultFromName(const QString &name)
{
    for (const FaultText &text : faultTexts) {
        if (name == QLatin1String(text.name))
            return text.fault;
    }
    return std::nullopt;
}

bool FaultSwitchboard::set(SandboxFault fault, bool on)
{
    if (isOn(fault) == on)
        return false;
    if (on)
        m_active.append(fault);
    else
        m_active.removeAll(fault);
    return true;
}

QList<SandboxFault> FaultSwitchboard::active() const
{
    QList<SandboxFault> ordered;
    for (SandboxFault fault : allSandboxFaults()) {
        if (m_active.contains(fault))
            ordered.append(fault);
    }
    return ordered;
}

bool FaultSwitchboard::act(SandboxFault fault)
{
    if (!isOn(fault))
        return false;
    if (!m_acted.contains(fault))
        m_acted.append(fault);
    return true;
}

void FaultSwitchboard::reportActed()
{
    const QList<SandboxFault> acted = std::exchange(m_acted, {});
    if (!m_trace)
        return;
    for (SandboxFault fault : acted)
        m_trace->appendLocal(Trace::Provider, QStringLiteral("Fault: ") + sandboxFaultName(fault), StepResult::Warning,
                             sandboxFaultDescription(fault), QStringLiteral("sandbox-fault"));
}

void FaultSwitchboard::setTrace(Trace *trace)
{
    m_trace = trace;
}

QByteArray FaultSwitchboard::httpDate(qint64 secondsSinceEpoch)
{
    // IMF-fixdate (RFC 9110 section 5.6.7), with English names whatever the system locale.
    const QDateTime time = QDateTime::fromSecsSinceEpoch(secondsSinceEpoch, Qt::UTC);
    return QLocale::c().toString(time, QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'")).toLatin1();
}

} // namespace afx::sandbox
