#pragma once

#include "jose/key.h"
#include "jose/x5c.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

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
    QString state;                          // for s_hash; empty = skip
    QString clientSecret;                   // for HS256/384/512
    int leewaySeconds = 60;
    QDateTime now;                          // injected clock; invalid = current time
    // The request's response_type when the ID token came from the authorization endpoint
    // (implicit or hybrid flow): "id_token token" and "code id_token token" make at_hash
    // required, "code id_token" and "code id_token token" make c_hash required (OpenID Connect
    // Core sections 3.2.2.10 and 3.3.2.11). Empty for an ID token from the token endpoint.
    QString responseType;
    // The max_age request parameter in seconds; negative = not sent. When it is sent, the ID
    // token must have auth_time, and auth_time must lie within max_age (plus the leeway) of now
    // (OpenID Connect Core 1.0, sections 3.1.2.1 and 3.1.3.7 step 13).
    int maxAgeSeconds = -1;
    // True when auth_time was requested as an essential claim through the claims parameter
    // (OpenID Connect Core 1.0, section 5.5.1), which makes the claim required.
    bool authTimeEssential = false;
    // The acr values requested (acr_values or the claims parameter). With acrEssential, the
    // token must carry acr, and it must be one of acrValues when that list is not empty
    // (OpenID Connect Core 1.0, sections 3.1.3.7 step 12 and 5.5.1.1).
    QStringList acrValues;
    bool acrEssential = false;
};

struct IdTokenValidation {
    QList<Check> checks;       // in the order they ran

    // The token's header and claims. The validators keep the decoded JSON text, and these parse
    // it on the first call, because a QJsonObject took a third of the time of a validation
    // outside the signature. Empty when the token could not be parsed.
    QJsonObject header() const;
    QJsonObject claims() const;
    void setDecodedJson(const QByteArray &header, const QByteArray &claims);

    // True when the header's kid is not in the JWKS. The caller should fetch the JWKS again
    // once and validate again, because the provider may have rotated its keys (OpenID Connect
    // Core section 10.1.1).
    bool unknownKeyId = false;
    // The kid of the header when unknownKeyId is set, for JwksRefetchPolicy.
    QString unknownKid;
    // The x5c certificate chain of the key that was selected for the signature, parsed for
    // display. Empty when that key has no x5c or no key was selected.
    QList<jose::CertificateInfo> keyCertificates;
    bool passed() const;          // no check failed
    QString firstFailure() const; // the reason of the first failed check; empty if none failed

private:
    struct DecodedJson;
    std::shared_ptr<DecodedJson> m_json; // shared by copies, which parse it once between them (std::call_once)
};

// Validates an ID token with the keys of the provider's JWKS. Every check below yields one
// Check, passed, failed, warning or skipped, in this order: check-format, check-algorithm,
// check-key, check-signature, check-issuer, check-subject, check-audience, check-azp,
// check-expiry, check-issued-at, check-not-before, check-nonce, check-at-hash, check-c-hash,
// check-s-hash, check-auth-time, check-acr.
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
// azp is required when aud has several values. A front-channel response_type with id_token
// (implicit or hybrid flow) requires a nonce in the request (OpenID Connect Core 1.0, section
// 3.2.2.1), so an empty expect.nonce then fails check-nonce.
IdTokenValidation validateIdToken(const QByteArray &idToken, const QList<jose::Jwk> &jwks,
                                  const IdTokenExpectations &expect);

// Compares the "sub" of a UserInfo response with the "sub" of the ID token that came with the
// same login (OpenID Connect Core 1.0, sections 5.3.2 and 5.3.4). Returns the check
// "check-userinfo-subject", failed when either sub is missing, not a string, or the two differ.
Check compareUserInfoSubject(const QJsonObject &userInfo, const QJsonObject &idTokenClaims);

// The expected values for a JWT access token (RFC 9068, JWT Profile for OAuth 2.0 Access Tokens).
struct AccessTokenExpectations {
    QString issuer;
    QString clientId;
    QString resource;                // the resource (audience) the token was requested for
    QStringList allowedAlgorithms;   // empty = any supported algorithm except HS*
    QStringList providerAlgorithms;  // empty = not advertised
    int leewaySeconds = 60;
    QDateTime now;                   // injected clock; invalid = current time
};

// Validates an access token in the RFC 9068 profile with the provider's JWKS. The checks, in
// this order: check-format, check-typ, check-algorithm, check-key, check-signature,
// check-issuer, check-subject, check-audience, check-client-id, check-expiry, check-issued-at,
// check-not-before, check-jti. typ must be "at+jwt" or "application/at+jwt", aud must contain
// the resource, client_id must equal expect.clientId. HS256/384/512 are rejected because an
// access token is not signed with the client secret (RFC 9068 section 4).
IdTokenValidation validateJwtAccessToken(const QByteArray &accessToken, const QList<jose::Jwk> &jwks,
                                         const AccessTokenExpectations &expect);

QString checkStatusName(Check::Status status);

} // namespace afx::oidc
