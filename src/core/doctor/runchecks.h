#pragma once

#include "doctor/finding.h"
#include "flow/authcodeflow.h"
#include "flow/trace.h"
#include "storage/profile.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

namespace afx::doctor {

// Turns a run's trace into findings, each pointing at its step. It reports OAuth 2.0 and
// OpenID Connect error codes from the callback URL or a provider's JSON error, with the likely
// causes ranked by what the run shows. It also reports a provider error page that never
// redirected back, and a backend's 401 or 403 with its WWW-Authenticate challenge set against
// the token that was sent. Last come expired tokens, clock skew, a signing key missing from
// the JWKS, and granted scopes narrower than requested.
QList<Finding> checkRun(const Trace &trace, const FlowResult &result, const Profile &profile);

// The kind of token a Bearer credential is, judged from the run's tokens and from its claims.
enum class TokenKind { IdToken, AccessToken, Unknown };
// Compares `token` with the run's token set first, then reads its claims without verifying
// them. typ "at+jwt", token_use "access", scope or scp mean an access token. aud equal to the
// client ID with nonce, at_hash, sid or auth_time means an ID token, and so does token_use
// "id". A remaining client_id claim means an access token.
TokenKind identifyToken(const QString &token, const TokenSet &tokens, const QString &clientId);

// The stable finding id for an OAuth error code: "error-" + the code with '_' as '-', such as
// "error-invalid-grant". Codes that OAuth 2.0, OpenID Connect, RFC 8628 and RFC 9449 do not define
// map to "error-other".
QString errorFindingId(const QString &errorCode);

} // namespace afx::doctor
