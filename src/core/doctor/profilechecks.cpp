#include "doctor/profilechecks.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

namespace afx::doctor {

namespace {

using Severity = Finding::Severity;

QString quoted(const QString &value)
{
    return QLatin1Char('"') + value + QLatin1Char('"');
}

QString listText(const QStringList &values)
{
    QStringList parts;
    for (const QString &value : values)
        parts.append(quoted(value));
    return parts.join(QStringLiteral(", "));
}

// The words of a response type in a fixed order, so that "id_token code" equals "code id_token".
QStringList responseTypeWords(const QString &responseType)
{
    QStringList words = responseType.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    words.sort();
    words.removeDuplicates();
    return words;
}

void checkRedirectUri(const Profile &profile, QList<Finding> *findings)
{
    const QString uri = profile.redirectUri;
    if (uri.isEmpty()) {
        findings->append(makeFinding(Severity::Error, QStringLiteral("redirect-uri-missing"), QStringLiteral("The redirect URI is missing"),
                                     QStringLiteral("The profile has no redirect URI."),
                                     QStringLiteral("The provider sends the authorization response to the redirect URI "
                                                    "(RFC 6749 section 3.1.2), so a login cannot finish without one."),
                                     QStringLiteral("Enter the redirect URI that the client registration at the provider lists, "
                                                    "such as http://127.0.0.1/callback.")));
        return;
    }
    if (uri.contains(QLatin1Char('#'))) {
        findings->append(makeFinding(Severity::Error, QStringLiteral("redirect-uri-fragment"),
                                     QStringLiteral("The redirect URI contains a fragment"),
                                     QStringLiteral("The redirect URI %1 contains '#'.").arg(quoted(uri)),
                                     QStringLiteral("RFC 6749 section 3.1.2 forbids a fragment in the redirection endpoint URI, "
                                                    "because the provider appends its own parameters and a fragment would hide them."),
                                     QStringLiteral("Remove everything from '#' on, in the profile and in the client registration.")));
        return;
    }
    const QUrl url(uri, QUrl::StrictMode);
    if (!url.isValid() || url.isRelative() || url.scheme().isEmpty()) {
        findings->append(makeFinding(Severity::Error, QStringLiteral("redirect-uri-not-absolute"),
                                     QStringLiteral("The redirect URI is not an absolute URI"),
                                     QStringLiteral("The redirect URI %1 has no scheme or is not a valid URI.").arg(quoted(uri)),
                                     QStringLiteral("RFC 6749 section 3.1.2 requires an absolute URI."),
                                     QStringLiteral("Use a form such as http://127.0.0.1/callback or com.example.app:/callback.")));
        return;
    }

    const QString scheme = url.scheme().toLower();
    const QString host = url.host().toLower();
    const bool web = scheme == QLatin1String("http") || scheme == QLatin1String("https");
    const bool loopback = web && isLoopbackHost(host);
    const bool loopbackListener = profile.usesLoopbackListener();

    if (loopbackListener && !(loopback && scheme == QLatin1String("http"))) {
        const QString reason = profile.browser == BrowserKind::System
            ? QStringLiteral("The profile uses the system browser")
            : QStringLiteral("The profile uses response_mode=form_post");
        findings->append(makeFinding(
            Severity::Error, QStringLiteral("redirect-uri-not-loopback"), QStringLiteral("The callback cannot reach the app"),
            QStringLiteral("%1, so the callback must reach the app's loopback listener, but the redirect URI %2 is not an "
                           "http loopback URI.")
                .arg(reason, quoted(uri)),
            QStringLiteral("A native app receives the response from the system browser on an http listener at 127.0.0.1 or "
                           "[::1] (RFC 8252 section 7.3). A form_post body reaches only such a listener."),
            QStringLiteral("Use http://127.0.0.1/callback (any port) here and in the client registration, or switch to the "
                           "embedded browser with the response mode left empty.")));
    }

    if (web && host == QLatin1String("localhost")) {
        findings->append(makeFinding(
            Severity::Warning, QStringLiteral("redirect-uri-localhost"), QStringLiteral("The redirect URI uses localhost"),
            QStringLiteral("The redirect URI %1 names the host \"localhost\".").arg(quoted(uri)),
            QStringLiteral("RFC 8252 section 8.3 recommends the loopback IP literal over \"localhost\": the name may resolve to "
                           "another address or to IPv6 first, and many providers (Entra ID, Google, Okta) match redirect "
                           "URIs as strings, so \"localhost\" does not match a registered 127.0.0.1. Section 7.3 lets the "
                           "port vary for loopback IP literals only."),
            QStringLiteral("Register and use http://127.0.0.1/callback (or http://[::1]/callback); the port may be any.")));
    }
    if (loopback && scheme == QLatin1String("https")) {
        findings->append(makeFinding(
            loopbackListener ? Severity::Error : Severity::Warning, QStringLiteral("redirect-uri-loopback-https"),
            QStringLiteral("The loopback redirect URI uses https"),
            QStringLiteral("The redirect URI %1 is a loopback address with the https scheme.").arg(quoted(uri)),
            QStringLiteral("RFC 8252 section 7.3 defines loopback redirects with http: traffic to 127.0.0.1 never leaves the "
                           "machine, no certificate exists for the address, and the app's listener speaks plain HTTP."),
            QStringLiteral("Use http://127.0.0.1/callback.")));
    }
    if (web && !loopback && scheme == QLatin1String("http")) {
        findings->append(makeFinding(
            Severity::Warning, QStringLiteral("redirect-uri-http"), QStringLiteral("The redirect URI uses http on a network host"),
            QStringLiteral("The redirect URI %1 uses http with the host %2, which is not a loopback address.").arg(quoted(uri), quoted(host)),
            QStringLiteral("The code would travel unencrypted. RFC 6749 section 3.1.2.1 asks for TLS on redirect URIs, and "
                           "RFC 8252 section 7.3 allows http only for loopback; most providers reject other http redirect URIs."),
            QStringLiteral("Use https, a loopback URI such as http://127.0.0.1/callback, or a private-use scheme.")));
    }
    if (!web) {
        // RFC 8252 section 7.1: a private-use scheme is a reverse domain name the app controls.
        static const QRegularExpression reverseDomain(QStringLiteral("^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)+$"));
        if (!reverseDomain.match(scheme).hasMatch()) {
            findings->append(makeFinding(
                Severity::Warning, QStringLiteral("redirect-uri-custom-scheme"),
                QStringLiteral("The private-use URI scheme is not a reverse domain name"),
                QStringLiteral("The redirect URI %1 uses the scheme %2, which has no dot.").arg(quoted(uri), quoted(scheme)),
                QStringLiteral("RFC 8252 section 7.1 asks native apps to use a scheme in reverse domain name form of a domain "
                               "they control, such as com.example.app, so that no other app claims the same scheme and "
                               "receives the code. Some providers reject other schemes."),
                QStringLiteral("Use a scheme such as com.example.app:/callback, here and in the client registration.")));
        }
    }
}

void checkIssuer(const Profile &profile, QList<Finding> *findings)
{
    if (profile.sandbox)
        return;
    if (profile.issuer.isEmpty() && profile.discoveryUrl.isEmpty()) {
        findings->append(makeFinding(Severity::Error, QStringLiteral("issuer-missing"), QStringLiteral("The issuer is missing"),
                                     QStringLiteral("The profile has neither an issuer nor a discovery URL."),
                                     QStringLiteral("The app finds the provider's endpoints through its discovery document "
                                                    "(OpenID Connect Discovery 1.0 section 4)."),
                                     QStringLiteral("Enter the issuer, such as https://login.example.com.")));
        return;
    }
    const auto checkUrl = [findings](const QString &text, const QString &what) {
        const QUrl url(text, QUrl::StrictMode);
        if (!url.isValid() || url.isRelative() || url.host().isEmpty()
            || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")) || url.hasQuery()
            || url.hasFragment()) {
            findings->append(makeFinding(Severity::Error, QStringLiteral("issuer-invalid"), QStringLiteral("The %1 is not a valid URL").arg(what),
                                         QStringLiteral("The %1 %2 is not an absolute https URL without query and fragment.").arg(what, quoted(text)),
                                         QStringLiteral("OpenID Connect Discovery 1.0 section 3 defines the issuer as an https URL "
                                                        "with scheme, host and optional path, and no query or fragment."),
                                         QStringLiteral("Copy the issuer from the provider's settings page, such as "
                                                        "https://login.example.com.")));
            return;
        }
        if (url.scheme() == QLatin1String("http") && !isLoopbackHost(url.host())) {
            findings->append(makeFinding(Severity::Error, QStringLiteral("issuer-http"), QStringLiteral("The %1 uses http").arg(what),
                                         QStringLiteral("The %1 %2 uses http on the network host %3.").arg(what, quoted(text), quoted(url.host())),
                                         QStringLiteral("OpenID Connect Core 1.0 section 2 and Discovery section 3 require an https "
                                                        "issuer: the discovery document and the keys that sign the tokens must not "
                                                        "be open to tampering. Plain http is acceptable only on a loopback address "
                                                        "for a local test provider."),
                                         QStringLiteral("Use the https URL of the provider.")));
        }
    };
    if (!profile.issuer.isEmpty())
        checkUrl(profile.issuer, QStringLiteral("issuer"));
    if (!profile.discoveryUrl.isEmpty())
        checkUrl(profile.discoveryUrl.toString(), QStringLiteral("discovery URL"));
}

void checkClient(const Profile &profile, QList<Finding> *findings)
{
    if (profile.clientId.isEmpty() && !profile.sandbox) {
        findings->append(makeFinding(Severity::Error, QStringLiteral("client-id-missing"), QStringLiteral("The client ID is missing"),
                                     QStringLiteral("The profile has no client ID."),
                                     QStringLiteral("Every authorization request names its client (RFC 6749 section 4.1.1)."),
                                     QStringLiteral("Copy the client ID from the application's settings at the provider.")));
    }
    if (profile.clientAuth == ClientAuthMethod::PrivateKeyJwt && profile.clientKeyFile.isEmpty()) {
        findings->append(makeFinding(Severity::Error, QStringLiteral("client-key-missing"),
                                     QStringLiteral("private_key_jwt has no key file"),
                                     QStringLiteral("The client authenticates with private_key_jwt, but the profile names no PEM file."),
                                     QStringLiteral("private_key_jwt signs a client assertion with the client's private key "
                                                    "(OpenID Connect Core 1.0 section 9, RFC 7523 section 2.2)."),
                                     QStringLiteral("Choose the PEM file with the client's private key in the profile.")));
    }
}

void checkScopesAndResponse(const Profile &profile, QList<Finding> *findings)
{
    if (!profile.scopes.contains(QLatin1String("openid"))) {
        findings->append(makeFinding(Severity::Error, QStringLiteral("scope-openid-missing"),
                                     QStringLiteral("The scopes lack \"openid\""),
                                     QStringLiteral("The scopes are %1, without \"openid\".").arg(listText(profile.scopes)),
                                     QStringLiteral("Without the openid scope the request is plain OAuth 2.0 and the provider "
                                                    "returns no ID token (OpenID Connect Core 1.0 section 3.1.2.1)."),
                                     QStringLiteral("Add \"openid\" to the scopes.")));
    }

    const QStringList words = responseTypeWords(profile.responseType);
    static const QList<QStringList> supported{
        {QStringLiteral("code")},
        {QStringLiteral("id_token")},
        {QStringLiteral("id_token"), QStringLiteral("token")},
        {QStringLiteral("code"), QStringLiteral("id_token")},
        {QStringLiteral("code"), QStringLiteral("token")},
        {QStringLiteral("code"), QStringLiteral("id_token"), QStringLiteral("token")},
    };
    if (!supported.contains(words)) {
        findings->append(makeFinding(Severity::Error, QStringLiteral("response-type-invalid"), QStringLiteral("The response type is not valid"),
                                     QStringLiteral("The response type is %1.").arg(quoted(profile.responseType)),
                                     QStringLiteral("OpenID Connect Core 1.0 sections 3.1, 3.2 and 3.3 and OAuth 2.0 Multiple Response "
                                                    "Type Encoding Practices section 5 define code, id_token, \"id_token token\" and "
                                                    "the hybrid combinations with code."),
                                     QStringLiteral("Use \"code\": the authorization code flow with PKCE.")));
    } else if (!words.contains(QLatin1String("code"))) {
        findings->append(makeFinding(Severity::Warning, QStringLiteral("response-type-implicit"),
                                     QStringLiteral("The implicit flow is in use"),
                                     QStringLiteral("The response type %1 returns tokens in the browser's URL.").arg(quoted(profile.responseType)),
                                     QStringLiteral("Tokens in the front channel can leak through history, logs and Referer headers "
                                                    "and cannot be bound to the client. RFC 9700 (OAuth 2.0 Security Best Current "
                                                    "Practice) section 2.1.2 says clients should not use the implicit grant."),
                                     QStringLiteral("Use response type \"code\" with PKCE.")));
    }

    static const QStringList modes{QString(), QStringLiteral("query"), QStringLiteral("fragment"), QStringLiteral("form_post")};
    if (!modes.contains(profile.responseMode)) {
        findings->append(makeFinding(Severity::Error, QStringLiteral("response-mode-invalid"), QStringLiteral("The response mode is not valid"),
                                     QStringLiteral("The response mode is %1.").arg(quoted(profile.responseMode)),
                                     QStringLiteral("OAuth 2.0 Multiple Response Type Encoding Practices section 2.1 and the Form "
                                                    "Post Response Mode define query, fragment and form_post."),
                                     QStringLiteral("Use query, fragment or form_post, or leave it empty for the default.")));
    } else if (profile.responseMode == QLatin1String("query")
               && (words.contains(QLatin1String("token")) || words.contains(QLatin1String("id_token")))) {
        findings->append(makeFinding(Severity::Error, QStringLiteral("response-mode-query-tokens"),
                                     QStringLiteral("Tokens cannot be returned in the query"),
                                     QStringLiteral("response_mode=query is combined with response type %1.").arg(quoted(profile.responseType)),
                                     QStringLiteral("OAuth 2.0 Multiple Response Type Encoding Practices section 5 forbids the query "
                                                    "encoding for responses that contain tokens, because query strings end up in "
                                                    "server logs and Referer headers."),
                                     QStringLiteral("Leave the response mode empty (fragment) or use form_post.")));
    }

    static const QStringList setByApp{QStringLiteral("response_type"), QStringLiteral("client_id"),
                                      QStringLiteral("redirect_uri"), QStringLiteral("state"), QStringLiteral("nonce"),
                                      QStringLiteral("code_challenge"), QStringLiteral("code_challenge_method"),
                                      QStringLiteral("response_mode")};
    for (const auto &[name, value] : profile.extraAuthorizeParams) {
        Q_UNUSED(value)
        if (!setByApp.contains(name))
            continue;
        findings->append(makeFinding(Severity::Warning, QStringLiteral("extra-param-ignored"),
                                     QStringLiteral("An extra authorize parameter is set by the app"),
                                     QStringLiteral("The extra parameter %1 is one the app sets for every login.").arg(quoted(name)),
                                     QStringLiteral("A parameter must not appear twice in an authorization request "
                                                    "(RFC 6749 section 3.1), so the app drops the extra value."),
                                     QStringLiteral("Remove the extra parameter, or use the matching profile field.")));
    }
}

// A *_supported list is checked only when the provider advertises it.
bool advertises(const QJsonObject &raw, const QStringList &parsed, const QString &member)
{
    return !parsed.isEmpty() || raw.value(member).isArray();
}

void checkIssuerAgainstDocument(const Profile &profile, const QString &documentIssuer, QList<Finding> *findings)
{
    if (isTemplatedIssuer(documentIssuer)) {
        findings->append(makeFinding(
            Severity::Warning, QStringLiteral("issuer-tenant-template"), QStringLiteral("The issuer is a tenant template"),
            QStringLiteral("The discovery document's issuer %1 contains a placeholder, as the multi-tenant (common, "
                           "organizations) endpoints of Microsoft Entra ID publish it.")
                .arg(quoted(documentIssuer)),
            QStringLiteral("An ID token from such an endpoint carries the issuer of the user's own tenant, such as "
                           "https://login.microsoftonline.com/<tenant id>/v2.0. OpenID Connect Core 1.0 section 3.1.3.7 "
                           "step 2 requires iss to equal the issuer exactly, so the template never matches as it is."),
            QStringLiteral("Compare iss with the template after filling in the token's tid claim, and accept only tenants "
                           "you trust. For a single-tenant app use the tenant's own endpoint, whose issuer names the tenant.")));
        if (!profile.issuer.isEmpty() && profile.issuer != documentIssuer) {
            // The profile may name one tenant of the template: that is the filled-in form.
            QString pattern = QRegularExpression::escape(documentIssuer);
            pattern.replace(QRegularExpression(QStringLiteral("\\\\\\{[^}]*\\\\\\}")), QStringLiteral("[^/]+"));
            const QRegularExpression filled(QRegularExpression::anchoredPattern(pattern));
            if (!filled.match(profile.issuer).hasMatch()) {
                findings->append(makeFinding(Severity::Error, QStringLiteral("issuer-mismatch"), QStringLiteral("The issuer differs"),
                                             QStringLiteral("The profile's issuer is %1, but the discovery document's issuer template "
                                                            "is %2.")
                                                 .arg(quoted(profile.issuer), quoted(documentIssuer)),
                                             QStringLiteral("OpenID Connect Discovery 1.0 section 4.3: the issuer in the document must "
                                                            "be the one the client expects."),
                                             QStringLiteral("Use the issuer of the endpoint that matches your tenant.")));
            }
        }
        return;
    }
    if (profile.issuer.isEmpty() || profile.issuer == documentIssuer)
        return;

    QString profileBase = profile.issuer;
    QString documentBase = documentIssuer;
    while (profileBase.endsWith(QLatin1Char('/')))
        profileBase.chop(1);
    while (documentBase.endsWith(QLatin1Char('/')))
        documentBase.chop(1);
    if (profileBase == documentBase) {
        const bool profileHasSlash = profile.issuer.endsWith(QLatin1Char('/'));
        findings->append(makeFinding(
            Severity::Error, QStringLiteral("issuer-trailing-slash"), QStringLiteral("The issuer differs by a trailing slash"),
            QStringLiteral("The profile's issuer is %1 and the discovery document's issuer is %2: only %3 ends with '/'.")
                .arg(quoted(profile.issuer), quoted(documentIssuer),
                     profileHasSlash ? QStringLiteral("the profile's") : QStringLiteral("the provider's")),
            QStringLiteral("The issuer is compared as a string, character for character (OpenID Connect Discovery 1.0 "
                           "section 4.3, Core section 3.1.3.7 step 2), so a trailing '/' makes it another issuer. Auth0's "
                           "issuers end with '/', most others do not."),
            QStringLiteral("Set the profile's issuer to %1 exactly.").arg(quoted(documentIssuer))));
        return;
    }
    findings->append(makeFinding(Severity::Error, QStringLiteral("issuer-mismatch"), QStringLiteral("The issuer differs"),
                                 QStringLiteral("The profile's issuer is %1, but the discovery document's issuer is %2.")
                                     .arg(quoted(profile.issuer), quoted(documentIssuer)),
                                 QStringLiteral("OpenID Connect Discovery 1.0 section 4.3 requires the document's issuer to be "
                                                "the issuer the client used to find it, and every ID token's iss must equal it."),
                                 QStringLiteral("Set the profile's issuer to %1 if this is the provider you meant, or fix the "
                                                "discovery URL.")
                                     .arg(quoted(documentIssuer))));
}

void checkSupportedLists(const Profile &profile, const oidc::ProviderMetadata &metadata, const QJsonObject &raw,
                         QList<Finding> *findings)
{
    const QStringList words = responseTypeWords(profile.responseType);

    if (advertises(raw, metadata.responseTypesSupported, QStringLiteral("response_types_supported"))) {
        bool found = false;
        for (const QString &type : metadata.responseTypesSupported) {
            if (responseTypeWords(type) == words)
                found = true;
        }
        if (!found) {
            findings->append(makeFinding(Severity::Error, QStringLiteral("response-type-unsupported"),
                                         QStringLiteral("The provider does not support the response type"),
                                         QStringLiteral("The profile asks for response type %1; the provider advertises %2.")
                                             .arg(quoted(profile.responseType), listText(metadata.responseTypesSupported)),
                                         QStringLiteral("response_types_supported lists the response types the provider accepts "
                                                        "(OpenID Connect Discovery 1.0 section 3); others end in "
                                                        "unsupported_response_type (RFC 6749 section 4.1.2.1)."),
                                         QStringLiteral("Use one of the advertised response types, preferably \"code\".")));
        }
    }

    if (!profile.responseMode.isEmpty()
        && advertises(raw, metadata.responseModesSupported, QStringLiteral("response_modes_supported"))
        && !metadata.responseModesSupported.contains(profile.responseMode)) {
        findings->append(makeFinding(Severity::Error, QStringLiteral("response-mode-unsupported"),
                                     QStringLiteral("The provider does not support the response mode"),
                                     QStringLiteral("The profile asks for response_mode=%1; the provider advertises %2.")
                                         .arg(profile.responseMode, listText(metadata.responseModesSupported)),
                                     QStringLiteral("response_modes_supported lists the response modes the provider accepts "
                                                    "(OpenID Connect Discovery 1.0 section 3)."),
                                     QStringLiteral("Leave the response mode empty or pick one of the advertised modes.")));
    }

    if (advertises(raw, metadata.grantTypesSupported, QStringLiteral("grant_types_supported"))) {
        QStringList needed;
        if (words.contains(QLatin1String("code")))
            needed.append(QStringLiteral("authorization_code"));
        if (!words.contains(QLatin1String("code")) || words.size() > 1)
            needed.append(QStringLiteral("implicit"));
        for (const QString &grant : std::as_const(needed)) {
            if (metadata.grantTypesSupported.contains(grant))
                continue;
            findings->append(makeFinding(Severity::Error, QStringLiteral("grant-type-unsupported"),
                                         QStringLiteral("The provider does not support the grant type"),
                                         QStringLiteral("Response type %1 needs the %2 grant; the provider advertises %3.")
                                             .arg(quoted(profile.responseType), quoted(grant), listText(metadata.grantTypesSupported)),
                                         QStringLiteral("grant_types_supported lists the grants the provider offers (OpenID Connect "
                                                        "Discovery 1.0 section 3, RFC 8414 section 2)."),
                                         QStringLiteral("Use a response type whose grant the provider advertises.")));
        }
    }

    if (words.contains(QLatin1String("code"))
        && advertises(raw, metadata.codeChallengeMethodsSupported, QStringLiteral("code_challenge_methods_supported"))
        && !metadata.codeChallengeMethodsSupported.contains(QLatin1String("S256"))) {
        findings->append(makeFinding(Severity::Error, QStringLiteral("pkce-s256-unsupported"),
                                     QStringLiteral("The provider does not advertise PKCE S256"),
                                     QStringLiteral("code_challenge_methods_supported is %1, without \"S256\".")
                                         .arg(listText(metadata.codeChallengeMethodsSupported)),
                                     QStringLiteral("The app always sends an S256 code challenge (RFC 7636 section 4.2). RFC 7636 "
                                                    "section 4.2 makes S256 mandatory to implement for servers, and RFC 9700 "
                                                    "section 2.1.1 says plain should not be used."),
                                     QStringLiteral("Enable PKCE with S256 for the client at the provider.")));
    }

    if (advertises(raw, metadata.tokenEndpointAuthMethodsSupported, QStringLiteral("token_endpoint_auth_methods_supported"))) {
        const QString method = clientAuthMethodName(profile.clientAuth);
        if (!metadata.tokenEndpointAuthMethodsSupported.contains(method)) {
            if (profile.clientAuth == ClientAuthMethod::None) {
                findings->append(makeFinding(Severity::Info, QStringLiteral("token-auth-none-not-listed"),
                                             QStringLiteral("The provider does not list public clients"),
                                             QStringLiteral("The profile uses a public client (\"none\"); the provider advertises %1.")
                                                 .arg(listText(metadata.tokenEndpointAuthMethodsSupported)),
                                             QStringLiteral("Many providers (Entra ID, Amazon Cognito) accept public clients with PKCE "
                                                            "without listing \"none\" in token_endpoint_auth_methods_supported "
                                                            "(OpenID Connect Discovery 1.0 section 3)."),
                                             QStringLiteral("If the token request fails with invalid_client, register the client as "
                                                            "public (native or SPA), or use a client secret.")));
            } else {
                findings->append(makeFinding(Severity::Error, QStringLiteral("token-auth-method-unsupported"),
                                             QStringLiteral("The provider does not support the client authentication method"),
                                             QStringLiteral("The profile authenticates with %1; the provider advertises %2.")
                                                 .arg(quoted(method), listText(metadata.tokenEndpointAuthMethodsSupported)),
                                             QStringLiteral("token_endpoint_auth_methods_supported lists how clients may authenticate at "
                                                            "the token endpoint (OpenID Connect Discovery 1.0 section 3, Core "
                                                            "section 9); another method ends in invalid_client."),
                                             QStringLiteral("Choose one of the advertised methods, the one the client registration uses.")));
            }
        }
    }

    if (advertises(raw, metadata.scopesSupported, QStringLiteral("scopes_supported"))) {
        static const QStringList standardScopes{QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("email"),
                                                QStringLiteral("address"), QStringLiteral("phone"), QStringLiteral("offline_access")};
        QStringList standardMissing;
        QStringList otherMissing;
        for (const QString &scope : profile.scopes) {
            if (metadata.scopesSupported.contains(scope))
                continue;
            (standardScopes.contains(scope) ? standardMissing : otherMissing).append(scope);
        }
        if (!standardMissing.isEmpty()) {
            findings->append(makeFinding(Severity::Warning, QStringLiteral("scope-unsupported"),
                                         QStringLiteral("The provider does not list some OpenID Connect scopes"),
                                         QStringLiteral("The scopes %1 are not in the provider's scopes_supported %2.")
                                             .arg(listText(standardMissing), listText(metadata.scopesSupported)),
                                         QStringLiteral("scopes_supported lists the scopes the provider supports (OpenID Connect "
                                                        "Discovery 1.0 section 3). A provider may reject an unknown scope with "
                                                        "invalid_scope or grant less than requested (RFC 6749 section 3.3)."),
                                         QStringLiteral("Remove the scopes the provider does not offer, or check its documentation "
                                                        "for its own spelling (Google, for example, wants access_type=offline "
                                                        "rather than offline_access).")));
        }
        if (!otherMissing.isEmpty()) {
            findings->append(makeFinding(Severity::Info, QStringLiteral("scope-not-listed"),
                                         QStringLiteral("Some scopes are not listed by the provider"),
                                         QStringLiteral("The scopes %1 are not in the provider's scopes_supported.").arg(listText(otherMissing)),
                                         QStringLiteral("Discovery section 3 lets a provider leave scopes out of scopes_supported; API "
                                                        "scopes are often missing from it."),
                                         QStringLiteral("Nothing to do unless the provider answers invalid_scope.")));
        }
    }

    if (advertises(raw, metadata.idTokenSigningAlgValuesSupported, QStringLiteral("id_token_signing_alg_values_supported"))
        && !profile.allowedAlgorithms.isEmpty()) {
        bool overlap = false;
        for (const QString &alg : profile.allowedAlgorithms) {
            if (metadata.idTokenSigningAlgValuesSupported.contains(alg))
                overlap = true;
        }
        if (!overlap) {
            findings->append(makeFinding(Severity::Error, QStringLiteral("id-token-alg-not-allowed"),
                                         QStringLiteral("No ID token algorithm in common"),
                                         QStringLiteral("The profile allows %1; the provider signs ID tokens with %2.")
                                             .arg(listText(profile.allowedAlgorithms), listText(metadata.idTokenSigningAlgValuesSupported)),
                                         QStringLiteral("The ID token's alg must be one the client expects (OpenID Connect Core 1.0 "
                                                        "section 3.1.3.7 step 7), so every ID token would be rejected."),
                                         QStringLiteral("Add one of the provider's algorithms to the profile's allowed algorithms.")));
        }
    }
}

} // namespace

bool isLoopbackHost(const QString &host)
{
    const QString lower = host.toLower();
    if (lower == QLatin1String("localhost"))
        return true;
    QString address = lower;
    if (address.startsWith(QLatin1Char('[')) && address.endsWith(QLatin1Char(']')))
        address = address.mid(1, address.size() - 2);
    const QHostAddress parsed(address);
    return !parsed.isNull() && parsed.isLoopback();
}

bool isTemplatedIssuer(const QString &issuer)
{
    static const QRegularExpression placeholder(QStringLiteral("\\{[A-Za-z_][A-Za-z0-9_-]*\\}"));
    return placeholder.match(issuer).hasMatch();
}

QList<Finding> checkProfile(const Profile &profile)
{
    QList<Finding> findings;
    checkIssuer(profile, &findings);
    checkClient(profile, &findings);
    checkRedirectUri(profile, &findings);
    checkScopesAndResponse(profile, &findings);
    return findings;
}

QList<Finding> checkAgainstDiscovery(const Profile &profile, const oidc::ProviderMetadata &metadata, const QJsonObject &rawDiscovery)
{
    QList<Finding> findings;
    const QString documentIssuer = metadata.issuer.isEmpty() ? rawDiscovery.value(QStringLiteral("issuer")).toString() : metadata.issuer;
    checkIssuerAgainstDocument(profile, documentIssuer, &findings);

    const QUrl issuerUrl(documentIssuer);
    if (issuerUrl.scheme() == QLatin1String("http") && !isLoopbackHost(issuerUrl.host())
        && !containsFinding(findings, QStringLiteral("issuer-http"))) {
        findings.append(makeFinding(Severity::Error, QStringLiteral("issuer-http"), QStringLiteral("The provider's issuer uses http"),
                                    QStringLiteral("The discovery document's issuer %1 uses http on a network host.").arg(quoted(documentIssuer)),
                                    QStringLiteral("OpenID Connect Core 1.0 section 2 requires an https issuer; plain http is "
                                                   "acceptable only for a local test provider on a loopback address."),
                                    QStringLiteral("Use the provider's https issuer.")));
    }

    checkSupportedLists(profile, metadata, rawDiscovery, &findings);

    if (metadata.endSessionEndpoint.isEmpty()) {
        const QString noLogout = QStringLiteral("RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 section 2) needs "
                                           "end_session_endpoint, so the app cannot end the provider's session.");
        if (profile.keepBrowserSession && profile.browser == BrowserKind::Embedded) {
            // The kept cookies outlive the app, so logout is the only way to end that session.
            // keepBrowserSession applies to the embedded browser only.
            findings.append(makeFinding(
                Severity::Warning, QStringLiteral("end-session-missing"), QStringLiteral("No logout endpoint for a kept session"),
                QStringLiteral("The discovery document has no end_session_endpoint, and the profile keeps the embedded "
                               "browser's session between runs (keepBrowserSession)."),
                noLogout + QStringLiteral(" The kept cookies sign the user in again without the password, also after a "
                                     "restart, and Run > Log out of the provider cannot end that session."),
                QStringLiteral("Turn off Run > Keep the login session between runs: that deletes the kept cookies, and "
                               "every start of the app begins with an empty browser session. Or use the provider's own "
                               "logout URL if it documents one.")));
        } else {
            findings.append(makeFinding(Severity::Info, QStringLiteral("end-session-missing"), QStringLiteral("No logout endpoint"),
                                        QStringLiteral("The discovery document has no end_session_endpoint."), noLogout,
                                        profile.browser == BrowserKind::Embedded
                                            ? QStringLiteral("Quit the app to end the session: the embedded browser keeps "
                                                             "this profile's cookies in memory only. Or use the provider's "
                                                             "own logout URL if it documents one.")
                                            : QStringLiteral("Sign out on the provider's pages in your web browser, or use "
                                                             "the provider's own logout URL if it documents one.")));
        }
    }

    const bool parRequired = rawDiscovery.value(QStringLiteral("require_pushed_authorization_requests")).toBool(false);
    if (parRequired && !profile.pushedAuthorization) {
        findings.append(makeFinding(Severity::Error, QStringLiteral("par-required"), QStringLiteral("The provider requires PAR"),
                                    QStringLiteral("The discovery document sets require_pushed_authorization_requests to true, but "
                                                   "the profile turned pushed authorization requests off."),
                                    QStringLiteral("RFC 9126 section 5: such a provider rejects authorization requests that were "
                                                   "not pushed to its pushed_authorization_request_endpoint first."),
                                    QStringLiteral("Turn PAR on in the profile.")));
    } else if (parRequired && metadata.pushedAuthorizationRequestEndpoint.isEmpty()) {
        findings.append(makeFinding(Severity::Error, QStringLiteral("par-endpoint-missing"),
                                    QStringLiteral("PAR is required but has no endpoint"),
                                    QStringLiteral("The discovery document requires pushed authorization requests but has no "
                                                   "pushed_authorization_request_endpoint."),
                                    QStringLiteral("RFC 9126 section 5 pairs the requirement with the endpoint's URL."),
                                    QStringLiteral("Report the document to the provider's administrator.")));
    }
    return findings;
}

} // namespace afx::doctor
