#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace afx::oidc {

// The parts of an OpenID Provider's discovery document (OpenID Connect Discovery 1.0 section 3)
// that the app uses. `json` keeps the whole document for display.
struct ProviderMetadata {
    QString issuer;
    QUrl authorizationEndpoint;
    QUrl tokenEndpoint;
    QUrl jwksUri;
    QUrl userinfoEndpoint;
    QUrl endSessionEndpoint;
    QUrl deviceAuthorizationEndpoint; // RFC 8628
    QUrl revocationEndpoint;          // RFC 7009
    QUrl introspectionEndpoint;       // RFC 7662
    QUrl pushedAuthorizationRequestEndpoint; // RFC 9126
    QStringList responseModesSupported;
    QStringList responseTypesSupported;
    QStringList idTokenSigningAlgValuesSupported;
    QStringList codeChallengeMethodsSupported;
    QStringList tokenEndpointAuthMethodsSupported;
    QStringList scopesSupported;
    QStringList grantTypesSupported;
    bool authorizationResponseIssParameterSupported = false;
    QJsonObject json;

    // The default size limit for a discovery document, far above the size of the documents in
    // tests/data/oidc (each under 1 KiB).
    static constexpr qsizetype maxDocumentBytes = 256 * 1024;

    // Parses and checks a discovery document fetched from `sourceUrl` for `expectedIssuer`.
    // The body must be a JSON object of at most maxBytes, checked first, before any parsing,
    // with a message that names the size and the limit. Its "issuer" must equal
    // expectedIssuer character for character, and a difference of only a trailing '/' is named
    // as such, with the side that has it. authorization_endpoint, token_endpoint and jwks_uri
    // must be absolute http(s) URLs, as must userinfo_endpoint, end_session_endpoint,
    // device_authorization_endpoint, revocation_endpoint and introspection_endpoint when
    // present. The *_supported members must be arrays of strings, and
    // authorization_response_iss_parameter_supported a boolean. An empty expectedIssuer
    // (a profile with only a discovery URL) accepts the document's issuer.
    // An HTML body is reported as such, because it usually means a wrong discovery URL.
    // Returns false with *error naming the URL, the member and the fix; *out is then unchanged.
    static bool parse(const QByteArray &body, const QUrl &sourceUrl, const QString &expectedIssuer,
                      ProviderMetadata *out, QString *error,
                      qsizetype maxBytes = maxDocumentBytes);
};

} // namespace afx::oidc
