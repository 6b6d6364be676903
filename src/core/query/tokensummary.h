#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

namespace afx::query {

// The claims of a sent token that decide what a backend allows, read without verifying the
// signature: the query editor shows them beside the response.
struct TokenSummary {
    enum class Format { Jws, Jwe, Opaque, Undecodable };

    Format format = Format::Opaque;
    QString algorithm;      // JWS: the "alg" header
    QString decodeError;    // Undecodable: why the JWT could not be read
    QString subject;        // sub
    QString issuer;         // iss
    QStringList audiences;  // aud, a string or an array
    QDateTime expiresAt;    // exp in UTC, invalid when the token has none
    // scope (a space-separated string, RFC 8693 section 4.2) or scp (an array or a string, as
    // Entra ID and Okta send it).
    QStringList scopes;
    // roles and groups (arrays or strings), and Keycloak's realm_access.roles.
    QStringList roles;
};

// Reads `token`. An empty token gives Format::Opaque with nothing else set.
TokenSummary summarizeToken(const QString &token);

} // namespace afx::query
