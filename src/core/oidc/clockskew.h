#pragma once

#include "oidc/idtokenvalidator.h"

#include <QDateTime>
#include <QString>

namespace afx::oidc {

// Parses an HTTP Date header value: the IMF-fixdate form "Sun, 06 Nov 1994 08:49:37 GMT" and the
// obsolete RFC 850 and asctime forms that RFC 9110 section 5.6.7 requires recipients to accept.
// Returns an invalid QDateTime for anything else.
QDateTime parseHttpDate(const QString &value);

// Compares the provider's HTTP Date header with the local clock at the time the response
// arrived. Returns the check "check-clock-skew": passed within the leeway, failed beyond it
// (the reason then names the difference as the likely cause of exp, iat and nbf failures) or
// when the header cannot be parsed, skipped without a header. The reason names both times and the
// difference. The Date header has a resolution of one second, so a difference of one second
// is always within the leeway.
Check checkClockSkew(const QString &dateHeader, const QDateTime &localTime, int leewaySeconds = 60);

} // namespace afx::oidc
