#pragma once

#include "oidc/formencoding.h"

#include <QByteArray>
#include <QString>

namespace afx::oidc {

// The Authorization header value for client_secret_basic (RFC 6749 section 2.3.1): client id
// and secret are each form-encoded, joined with ':' and Base64-encoded. Returns "Basic ...".
QByteArray basicAuthorization(const QString &clientId, const QString &clientSecret);

// The same header built from the raw UTF-8 id and secret with no form-encoding, which is what
// servers that skip form-decoding expect. It differs from basicAuthorization() only when the id
// or secret contains a character that form-encoding changes (such as '+', '/', '=', ':' or a
// space). Never sent by default: it exists to show both variants, or to retry against a server
// that rejects the correct form with invalid_client. A ':' in the client id makes it ambiguous.
QByteArray basicAuthorizationWithoutFormEncoding(const QString &clientId, const QString &clientSecret);

} // namespace afx::oidc
