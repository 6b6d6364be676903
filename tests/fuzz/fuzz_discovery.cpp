// libFuzzer target: OpenID Provider discovery documents (ProviderMetadata::parse). The input is
// the HTTP response body.

#include "fuzzsupport.h"

#include "oidc/providermetadata.h"

#include <QUrl>

using namespace afx;

namespace {

bool isAbsoluteHttpUrl(const QUrl &url)
{
    return url.isValid() && !url.isRelative() && !url.host().isEmpty()
        && (url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http"));
}

bool isEmptyOrAbsoluteHttpUrl(const QUrl &url)
{
    return url.isEmpty() || isAbsoluteHttpUrl(url);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::silenceAppLogging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray body = fuzz::toByteArray(data, size);
    const QUrl source(QStringLiteral("https://issuer.example/.well-known/openid-configuration"));

    // An empty expected issuer accepts the document's own issuer.
    oidc::ProviderMetadata metadata;
    QString error;
    if (!oidc::ProviderMetadata::parse(body, source, QString(), &metadata, &error)) {
        fuzz::require(!error.isEmpty(), "a rejected document has a message");
        return 0;
    }

    fuzz::require(!metadata.issuer.isEmpty(), "an accepted document has an issuer");
    fuzz::require(isAbsoluteHttpUrl(metadata.authorizationEndpoint), "authorization_endpoint is an absolute URL");
    fuzz::require(isAbsoluteHttpUrl(metadata.tokenEndpoint), "token_endpoint is an absolute URL");
    fuzz::require(isAbsoluteHttpUrl(metadata.jwksUri), "jwks_uri is an absolute URL");
    fuzz::require(isEmptyOrAbsoluteHttpUrl(metadata.userinfoEndpoint), "userinfo_endpoint is absent or absolute");
    fuzz::require(isEmptyOrAbsoluteHttpUrl(metadata.endSessionEndpoint), "end_session_endpoint is absent or absolute");

    // The document's own issuer must be accepted, and any other issuer rejected.
    oidc::ProviderMetadata again;
    error.clear();
    fuzz::require(oidc::ProviderMetadata::parse(body, source, metadata.issuer, &again, &error),
                  "a document is accepted for its own issuer");
    fuzz::require(again.issuer == metadata.issuer, "the issuer is read the same way twice");

    const QString otherIssuer = metadata.issuer + QLatin1Char('/');
    error.clear();
    fuzz::require(!oidc::ProviderMetadata::parse(body, source, otherIssuer, &again, &error),
                  "a document is rejected for another issuer");
    fuzz::require(!error.isEmpty(), "an issuer mismatch has a message");
    return 0;
}
