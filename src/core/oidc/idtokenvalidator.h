#pragma once

#include "jose/key.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace afx::oidc {

// The outcome of one named check on a token.
struct Check {
    enum class Status { Passed, Failed, Warning, Skipped };
    QString id;      // stable id and explanation key, such as "check-signature"
    QString name;    // shown to the user, such as "Signature"
    Status status = Status::Skipped;
    QString reason;  // one or two sentences: what was compared and the outcome
    QString spec;    // where the rule comes from, such as "OpenID Connect Core 1.0, section 3.1.3.7, step 2"
};

// What an ID token is checked against (OpenID Connect Core section 3.1.3.7).
struct IdTokenExpectations {
    QString issuer;
    QString clientId;
    QStringList allowedAlgorithms;          // from the profile; alg must be in it; empty = any supported
    QStringList providerAlgorithms;         // id_token_signing_alg_values_supported; empty = not advertised
    QByteArray nonce;                       // empty = no nonce was sent
    QString accessToken;                    // for at_hash; empty = skip
    QString code;                           // for c_hash; empty = skip
    QString clientSecret;                   // for HS256/384/512
    int leewaySeconds = 60;
    QDateTime now;                          // injected clock; invalid = current time
    // The request's response_type when the ID token came from the authorization endpoint
    // (implicit or hybrid flow): "id_token token" and "code id_token token" make at_hash
    // required, "code id_token" and "code id_token token" make c_hash required (OpenID Connect
    // Core sections 3.2.2.10 and 3.3.2.11). Empty for an ID token from the token endpoint.
    QString responseType;
};

struct IdTokenValidation {
    QList<Check> checks;       // in the order they ran
    QJsonObject header;
    QJsonObject claims;
    // True when the header's kid is not in the JWKS. The caller should fetch the JWKS again
    // once and validate again, because the provider may have rotated its keys (OpenID Connect
    // Core section 10.1.1).
    bool unknownKeyId = false;
    bool passed() const;          // no check failed
    QString firstFailure() const; // the reason of the first failed check; empty if none failed
};

// Validates an ID token with the keys of the provider's JWKS. Every check below yields one
// Check, passed, failed, warning or skipped, in this order: check-format, check-algorithm,
// check-key, check-signature, check-issuer, check-subject, check-audience, check-azp,
// check-expiry, check-issued-at, check-not-before, check-nonce, check-at-hash, check-c-hash.
// When the token cannot be parsed, later checks are reported as skipped with the reason. When
// the algorithm or key is rejected, the signature check is skipped, but the claim checks still
// run. A claim with the wrong JSON type fails its check with a reason naming claim and type.
//
// Key selection: the key must suit alg (kty and curve; alg, use "sig" and key_ops "verify"
// when the JWK sets them). With a kid, the key with that kid is used; an unknown kid sets
// unknownKeyId. Without a kid, exactly one suitable key is used, and several are rejected
// because the provider must then set kid (OpenID Connect Core section 10.1). HS256/384/512
// use the UTF-8 bytes of clientSecret. alg "none" is always rejected.
// exp, iat and nbf allow leewaySeconds of clock difference in each direction.
IdTokenValidation validateIdToken(const QByteArray &idToken, const QList<jose::Jwk> &jwks,
                                  const IdTokenExpectations &expect);

QString checkStatusName(Check::Status status);

} // namespace afx::oidc
