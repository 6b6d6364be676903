#pragma once

#include "doctor/finding.h"
#include "oidc/providermetadata.h"
#include "storage/profile.h"

#include <QJsonObject>
#include <QList>

namespace afx::doctor {

// Checks a profile on its own, before any network traffic: redirect URI form (RFC 6749
// section 3.1.2, RFC 8252 sections 7.1, 7.3 and 8.3), issuer and discovery URL, client id,
// scopes, response type and response mode.
QList<Finding> checkProfile(const Profile &profile);

// Checks a profile against the provider's discovery document. The issuer must be equal,
// and a trailing '/' or a tenant template such as "{tenantid}" is named. Response type,
// response mode, grant types, PKCE method, token endpoint authentication method, scopes and ID
// token algorithms are checked against the *_supported lists, each only when the provider
// advertises the list. end_session_endpoint and require_pushed_authorization_requests too. `rawDiscovery` is the whole
// document, for members ProviderMetadata does not keep.
QList<Finding> checkAgainstDiscovery(const Profile &profile, const oidc::ProviderMetadata &metadata,
                                     const QJsonObject &rawDiscovery);

// True for the hosts that RFC 8252 section 7.3 treats as loopback: 127.0.0.1 (any 127/8 address),
// ::1 and "localhost" (case-insensitive).
bool isLoopbackHost(const QString &host);

// True when `issuer` contains a template placeholder such as "{tenantid}".
bool isTemplatedIssuer(const QString &issuer);

} // namespace afx::doctor
