#pragma once

#include "storage/tokenstore.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace afx::oidc {

// A token endpoint response (RFC 6749 sections 5.1 and 5.2).
struct TokenResponse {
    TokenSet tokens;
    QString error;            // error code of an error response
    QString errorDescription;
    QString errorUri;

    bool isError() const { return !error.isEmpty(); }

    // Parses a token endpoint response with its HTTP status. Returns false with *problem when
    // the body is not the JSON a token endpoint must send (HTML, invalid JSON, wrong member
    // types, no access_token on success). An OAuth error response parses fine (isError()).
    static bool parse(int httpStatus, const QByteArray &body, const QDateTime &receivedAt,
                      TokenResponse *out, QString *problem, qsizetype maxBytes = 256 * 1024);
};

} // namespace afx::oidc
