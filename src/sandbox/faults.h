#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace afx::sandbox {

// Provider misbehaviours that the sandbox can switch on, alone or together, so that a learner can
// watch how a client reacts to them. Each one changes what the sandbox sends on the wire.
// SandboxServer::setFault() switches them; sandboxFaultName() gives each a stable kebab-case id.
enum class SandboxFault {
    ExpiredTokens,         // "expired-tokens": ID and access tokens are issued with exp in the past
    WrongAudience,         // "wrong-audience": the ID token's aud is another client
    WrongIssuer,           // "wrong-issuer": the ID token's iss is the issuer with a trailing slash
    BadSignature,          // "bad-signature": bytes of the ID token's signature are altered
    AlgNone,               // "alg-none": the ID token has alg "none" and an empty signature
    MissingNonce,          // "missing-nonce": the ID token has no nonce claim
    WrongNonce,            // "wrong-nonce": the ID token's nonce is not the request's
    KeyRotation,           // "key-rotation": tokens are signed with a key the first JWKS fetch lacks
    KidAbsentMultipleKeys, // "kid-absent-multiple-keys": no kid in the ID token, two keys in the JWKS
    SlowJwks,              // "slow-jwks": /jwks responds after a delay (3 seconds by default)
    JwksDown,              // "jwks-down": /jwks responds 503
    ClockSkew,             // "clock-skew": token times and the Date header are 10 minutes ahead
    RedirectUriMismatch,   // "redirect-uri-mismatch": /authorize rejects the redirect_uri (HTTP 400)
    RefreshTokenRevoked,   // "refresh-token-revoked": the refresh grant returns invalid_grant
    DeviceSlowDown,        // "device-slow-down": the next device code poll gets slow_down
    ConsentDenied,         // "consent-denied": the sign-in ends in access_denied
    UserinfoSubMismatch,   // "userinfo-sub-mismatch": UserInfo returns another sub
};

// Every fault, in the order of the enum.
QList<SandboxFault> allSandboxFaults();
// The stable kebab-case id, such as "expired-tokens".
QString sandboxFaultName(SandboxFault fault);
// One sentence on what a real provider does that causes this fault.
QString sandboxFaultDescription(SandboxFault fault);
// The fault whose id is `name` (case-sensitive), or nullopt.
std::optional<SandboxFault> sandboxFaultFromName(const QString &name);

} // namespace afx::sandbox
