#include "doctor/presets.h"

#include "doctor/profilechecks.h"
#include "doctor/runchecks.h"
#include "jose/jws.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUrl>

namespace afx::doctor {

namespace {

using Severity = Finding::Severity;

QString quoted(const QString &value)
{
    return QLatin1Char('"') + value + QLatin1Char('"');
}

// A backend request that was rejected, with the token it sent.
struct Rejection {
    int step = -1;
    QString token;
    QJsonObject claims; // empty when the token is not a readable JWT
};

QList<Rejection> backendRejections(const CheckContext &context)
{
    QList<Rejection> rejections;
    if (!context.trace)
        return rejections;
    const QList<TraceStep> &steps = context.trace->steps();
    for (int i = 0; i < steps.size(); ++i) {
        const TraceStep &step = steps.at(i);
        if (step.to != Trace::Backend || step.channel != Channel::Back || (step.response.status != 401 && step.response.status != 403))
            continue;
        Rejection rejection;
        rejection.step = i;
        for (const auto &[name, value] : step.request.headers) {
            if (name.compare(QLatin1String("Authorization"), Qt::CaseInsensitive) == 0)
                rejection.token = value.section(QLatin1Char(' '), 1).trimmed();
        }
        QString error;
        if (const auto jwt = jose::CompactJws::parse(rejection.token.toUtf8(), &error))
            rejection.claims = jwt->claims;
        rejections.append(rejection);
    }
    return rejections;
}

QStringList audienceValues(const QJsonObject &claims)
{
    const QJsonValue aud = claims.value(QStringLiteral("aud"));
    if (aud.isString())
        return {aud.toString()};
    QStringList values;
    for (const QJsonValue &value : aud.toArray())
        values.append(value.toString());
    return values;
}

TokenSet runTokens(const CheckContext &context)
{
    return context.result ? context.result->tokens : TokenSet();
}

bool failedLocalStep(const CheckContext &context, const QStringList &keys, int *index)
{
    if (!context.trace)
        return false;
    const QList<TraceStep> &steps = context.trace->steps();
    for (int i = 0; i < steps.size(); ++i) {
        if (keys.contains(steps.at(i).explanationKey) && steps.at(i).result == StepResult::Failed) {
            *index = i;
            return true;
        }
    }
    return false;
}

QString hostOf(const Profile &profile)
{
    const QUrl url(profile.issuer.isEmpty() ? profile.discoveryUrl.toString() : profile.issuer);
    return url.host().toLower();
}

QString pathOf(const Profile &profile)
{
    const QUrl url(profile.issuer.isEmpty() ? profile.discoveryUrl.toString() : profile.issuer);
    return url.path();
}

bool requireValue(const QMap<QString, QString> &values, const QString &key, const QString &label, QString *out, QString *error)
{
    *out = values.value(key).trimmed();
    if (out->isEmpty()) {
        *error = QStringLiteral("%1 is missing.").arg(label);
        return false;
    }
    return true;
}

// A host name without scheme or path, such as "example-tenant.us.auth0.com".
bool readHost(const QMap<QString, QString> &values, const QString &key, const QString &label, QString *out, QString *error)
{
    if (!requireValue(values, key, label, out, error))
        return false;
    QString host = *out;
    if (host.startsWith(QLatin1String("https://")))
        host = host.mid(8);
    while (host.endsWith(QLatin1Char('/')))
        host.chop(1);
    static const QRegularExpression hostPattern(QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$"));
    if (!hostPattern.match(host).hasMatch()) {
        *error = QStringLiteral("%1 %2 is not a host name such as %3.").arg(label, quoted(*out), QStringLiteral("login.example.com"));
        return false;
    }
    *out = host.toLower();
    return true;
}

bool readTenantId(const QMap<QString, QString> &values, QString *out, QString *error)
{
    if (!requireValue(values, QStringLiteral("tenant"), QStringLiteral("Tenant ID"), out, error))
        return false;
    if (QStringList{QStringLiteral("common"), QStringLiteral("organizations"), QStringLiteral("consumers")}.contains(out->toLower())) {
        *error = QStringLiteral("%1 is a multi-tenant endpoint: choose the multi-tenant preset.").arg(quoted(*out));
        return false;
    }
    static const QRegularExpression guid(QStringLiteral("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
    static const QRegularExpression domain(QStringLiteral("^[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$"));
    if (!guid.match(*out).hasMatch() && !domain.match(*out).hasMatch()) {
        *error = QStringLiteral("Tenant ID %1 is neither a GUID nor a verified domain such as contoso.onmicrosoft.com.").arg(quoted(*out));
        return false;
    }
    return true;
}

bool readMultiTenant(const QMap<QString, QString> &values, QString *out, QString *error)
{
    if (!requireValue(values, QStringLiteral("tenant"), QStringLiteral("Tenant"), out, error))
        return false;
    *out = out->toLower();
    if (!QStringList{QStringLiteral("common"), QStringLiteral("organizations"), QStringLiteral("consumers")}.contains(*out)) {
        *error = QStringLiteral("Tenant %1 must be common, organizations or consumers.").arg(quoted(*out));
        return false;
    }
    return true;
}

Field clientIdField(const QString &example, const QString &help)
{
    return Field{QStringLiteral("clientId"), QStringLiteral("Client ID"), example, help, true};
}

Profile baseProfile(const QString &id, const QString &name, const QString &clientId)
{
    Profile profile;
    profile.id = id;
    profile.name = name;
    profile.clientId = clientId;
    profile.clientAuth = ClientAuthMethod::None;
    return profile;
}

// Okta: org and custom authorization servers have their own issuers and keys.
Rule oktaServerRule()
{
    return Rule{
        QStringLiteral("okta-authorization-server-mismatch"), Severity::Error,
        QStringLiteral("A token's issuer or signing key belongs to the other Okta authorization server."),
        [](const CheckContext &context) {
            QList<Finding> findings;
            int step = -1;
            if (!failedLocalStep(context, {QStringLiteral("check-issuer"), QStringLiteral("check-key")}, &step))
                return findings;
            findings.append(makeFinding(
                Severity::Error, QStringLiteral("okta-authorization-server-mismatch"),
                QStringLiteral("The token may come from the other Okta authorization server"),
                QStringLiteral("The issuer or signing key check failed for a token from Okta (profile issuer %1).")
                    .arg(quoted(context.profile->issuer)),
                QStringLiteral("An Okta org has an org authorization server (issuer https://<domain>) and custom ones (issuer "
                               "https://<domain>/oauth2/<id>, such as default). Each has its own issuer and keys, so a token of "
                               "one fails the issuer and key checks of the other (OpenID Connect Core 1.0 section 3.1.3.7)."),
                QStringLiteral("Use the issuer of the authorization server that the application and the API use, with its own "
                               "discovery document."),
                step));
            return findings;
        }};
}

Rule entraVersionRule()
{
    return Rule{
        QStringLiteral("entra-issuer-version"), Severity::Error,
        QStringLiteral("The v1 issuer (sts.windows.net) and the v2 issuer (login.microsoftonline.com/<tenant>/v2.0) are mixed."),
        [](const CheckContext &context) {
            QList<Finding> findings;
            const Profile &profile = *context.profile;
            const auto isV1 = [](const QString &issuer) { return issuer.startsWith(QLatin1String("https://sts.windows.net/")); };
            const auto isV2 = [](const QString &issuer) { return issuer.endsWith(QLatin1String("/v2.0")) || issuer.endsWith(QLatin1String("/v2.0/")); };
            const QString why = QStringLiteral(
                "Entra ID publishes two issuers per tenant: v1 tokens carry https://sts.windows.net/<tenant>/ and v2 tokens "
                "https://login.microsoftonline.com/<tenant>/v2.0. Which one an access token gets depends on the API's "
                "registration (accessTokenAcceptedVersion in its manifest), not on the endpoint the client used, and the "
                "issuer is compared exactly (OpenID Connect Core 1.0 section 3.1.3.7 step 2).");
            if (context.metadata && !profile.issuer.isEmpty()) {
                const QString documentIssuer = context.metadata->issuer;
                if ((isV1(profile.issuer) && isV2(documentIssuer)) || (isV2(profile.issuer) && isV1(documentIssuer))) {
                    findings.append(makeFinding(Severity::Error, QStringLiteral("entra-issuer-version"),
                                                QStringLiteral("The issuer is spelled for the other Entra ID version"),
                                                QStringLiteral("The profile's issuer is %1, but the discovery document's issuer is %2.")
                                                    .arg(quoted(profile.issuer), quoted(documentIssuer)),
                                                why,
                                                QStringLiteral("Use the discovery URL of the version the issuer belongs to: "
                                                               ".../<tenant>/v2.0/.well-known/openid-configuration for v2, "
                                                               ".../<tenant>/.well-known/openid-configuration for v1.")));
                }
            }
            for (const Rejection &rejection : backendRejections(context)) {
                const QString iss = rejection.claims.value(QStringLiteral("iss")).toString();
                if (iss.isEmpty() || profile.issuer.isEmpty() || iss == profile.issuer)
                    continue;
                if ((isV1(iss) && isV2(profile.issuer)) || (isV2(iss) && isV1(profile.issuer))) {
                    findings.append(makeFinding(Severity::Warning, QStringLiteral("entra-issuer-version"),
                                                QStringLiteral("The access token has the other Entra ID version's issuer"),
                                                QStringLiteral("The token sent to the backend has iss %1, the profile's issuer is %2.")
                                                    .arg(quoted(iss), quoted(profile.issuer)),
                                                why,
                                                QStringLiteral("Make the backend accept the issuer its tokens have, or set "
                                                               "accessTokenAcceptedVersion to 2 in the API's manifest."),
                                                rejection.step));
                }
            }
            return findings;
        }};
}

Rule entraGraphTokenRule()
{
    return Rule{
        QStringLiteral("entra-graph-access-token"), Severity::Error,
        QStringLiteral("An access token for Microsoft Graph was sent to another API."),
        [](const CheckContext &context) {
            QList<Finding> findings;
            for (const Rejection &rejection : backendRejections(context)) {
                const QStringList aud = audienceValues(rejection.claims);
                if (!aud.contains(QStringLiteral("00000003-0000-0000-c000-000000000000"))
                    && !aud.contains(QStringLiteral("https://graph.microsoft.com")))
                    continue;
                findings.append(makeFinding(
                    Severity::Error, QStringLiteral("entra-graph-access-token"),
                    QStringLiteral("The access token is for Microsoft Graph"),
                    QStringLiteral("The token sent to the backend has aud %1 (Microsoft Graph).").arg(quoted(aud.join(QStringLiteral(", ")))),
                    QStringLiteral("With only OpenID Connect scopes (openid, profile, email) Entra ID issues the access token for "
                                   "Microsoft Graph. Only Graph can validate it; its signature does not verify for other APIs."),
                    QStringLiteral("Add a scope of your API to the profile, such as api://<API client ID>/.default or "
                                   "api://<API client ID>/access_as_user, and log in again."),
                    rejection.step));
            }
            return findings;
        }};
}

Rule entraMultiTenantRule()
{
    return Rule{
        QStringLiteral("issuer-tenant-template"), Severity::Warning,
        QStringLiteral("The multi-tenant endpoint's issuer is a template that each token fills with its tenant."),
        [](const CheckContext &context) {
            QList<Finding> findings;
            int step = -1;
            if (!failedLocalStep(context, {QStringLiteral("check-issuer")}, &step))
                return findings;
            findings.append(makeFinding(
                Severity::Warning, QStringLiteral("issuer-tenant-template"),
                QStringLiteral("The ID token names the user's tenant"),
                QStringLiteral("The issuer check failed on a multi-tenant Entra ID endpoint."),
                QStringLiteral("The common, organizations and consumers endpoints publish an issuer with {tenantid}; each ID "
                               "token carries the issuer of the user's own tenant (its tid claim), so an exact comparison "
                               "with the template fails (OpenID Connect Core 1.0 section 3.1.3.7 step 2)."),
                QStringLiteral("Compare iss with the template filled in with the token's tid, and accept only tenants you "
                               "trust; or use a single-tenant endpoint."),
                step));
            return findings;
        }};
}

QList<Preset> buildPresets()
{
    QList<Preset> list;

    // Auth0.
    {
        Preset preset;
        preset.id = QStringLiteral("auth0");
        preset.name = QStringLiteral("Auth0");
        preset.fields = {
            Field{QStringLiteral("domain"), QStringLiteral("Auth0 domain"), QStringLiteral("example-tenant.us.auth0.com"),
                  QStringLiteral("Applications > your application > Settings > Domain (or your custom domain)."), true},
            clientIdField(QStringLiteral("AbCdEf0123456789AbCdEf0123456789"), QStringLiteral("Applications > your application > Settings > Client ID.")),
            Field{QStringLiteral("audience"), QStringLiteral("API identifier (audience)"), QStringLiteral("https://api.example.com"),
                  QStringLiteral("APIs > your API > Identifier. Without it the access token works only at /userinfo."), false},
        };
        preset.builder = [](const QMap<QString, QString> &values, Profile *profile, QString *error) {
            QString domain, clientId;
            if (!readHost(values, QStringLiteral("domain"), QStringLiteral("Auth0 domain"), &domain, error)
                || !requireValue(values, QStringLiteral("clientId"), QStringLiteral("Client ID"), &clientId, error))
                return false;
            *profile = baseProfile(QStringLiteral("auth0"), QStringLiteral("Auth0 (%1)").arg(domain), clientId);
            profile->issuer = QStringLiteral("https://%1/").arg(domain); // Auth0's issuer ends with '/'
            profile->audience = values.value(QStringLiteral("audience")).trimmed();
            profile->scopes.append(QStringLiteral("offline_access"));
            return true;
        };
        preset.recognizes = [](const Profile &profile) { return hostOf(profile).endsWith(QLatin1String(".auth0.com")); };
        preset.quirks = {
            Rule{QStringLiteral("auth0-audience-missing"), Severity::Warning,
                 QStringLiteral("Without the audience parameter Auth0 returns an access token that only /userinfo accepts."),
                 [](const CheckContext &context) {
                     QList<Finding> findings;
                     const Profile &profile = *context.profile;
                     bool audienceParam = false;
                     for (const auto &[name, value] : profile.extraAuthorizeParams)
                         audienceParam = audienceParam || (name == QLatin1String("audience") && !value.isEmpty());
                     if (!profile.audience.isEmpty() || audienceParam)
                         return findings;
                     findings.append(makeFinding(
                         Severity::Warning, QStringLiteral("auth0-audience-missing"), QStringLiteral("No audience for Auth0"),
                         QStringLiteral("The profile sends no audience parameter."),
                         QStringLiteral("Without an audience Auth0 issues an access token meant only for its /userinfo endpoint: "
                                        "an encrypted JWE on newer tenants, an opaque string on older ones. An API that expects "
                                        "a signed JWT (RFC 9068) rejects it; with the API identifier as audience Auth0 issues a "
                                        "JWT whose aud is the API."),
                         QStringLiteral("Set the profile's audience to the API identifier from Auth0's APIs page. Do not send the "
                                        "ID token to the API instead.")));
                     return findings;
                 }},
            Rule{QStringLiteral("auth0-issuer-trailing-slash"), Severity::Error,
                 QStringLiteral("Auth0's issuer ends with '/', and the comparison is exact."),
                 [](const CheckContext &context) {
                     QList<Finding> findings;
                     const QString issuer = context.profile->issuer;
                     if (issuer.isEmpty() || issuer.endsWith(QLatin1Char('/')))
                         return findings;
                     findings.append(makeFinding(Severity::Error, QStringLiteral("auth0-issuer-trailing-slash"),
                                                 QStringLiteral("The Auth0 issuer lacks its trailing slash"),
                                                 QStringLiteral("The profile's issuer is %1.").arg(quoted(issuer)),
                                                 QStringLiteral("Auth0's issuer is https://<domain>/ with a trailing '/', and issuers "
                                                                "are compared character for character (OpenID Connect Discovery "
                                                                "1.0 section 4.3)."),
                                                 QStringLiteral("Set the issuer to %1.").arg(quoted(issuer + QLatin1Char('/')))));
                     return findings;
                 }},
        };
        list.append(preset);
    }

    // Okta, org authorization server.
    {
        Preset preset;
        preset.id = QStringLiteral("okta-org");
        preset.name = QStringLiteral("Okta (org authorization server)");
        preset.fields = {
            Field{QStringLiteral("domain"), QStringLiteral("Okta domain"), QStringLiteral("example.okta.com"),
                  QStringLiteral("The Okta admin console's address without -admin."), true},
            clientIdField(QStringLiteral("0oa1example2ABCDEFG3h4"), QStringLiteral("Applications > your app > General > Client ID.")),
        };
        preset.builder = [](const QMap<QString, QString> &values, Profile *profile, QString *error) {
            QString domain, clientId;
            if (!readHost(values, QStringLiteral("domain"), QStringLiteral("Okta domain"), &domain, error)
                || !requireValue(values, QStringLiteral("clientId"), QStringLiteral("Client ID"), &clientId, error))
                return false;
            *profile = baseProfile(QStringLiteral("okta-org"), QStringLiteral("Okta (%1)").arg(domain), clientId);
            profile->issuer = QStringLiteral("https://%1").arg(domain);
            return true;
        };
        preset.recognizes = [](const Profile &profile) {
            const QString host = hostOf(profile);
            return (host.endsWith(QLatin1String(".okta.com")) || host.endsWith(QLatin1String(".oktapreview.com")))
                && !pathOf(profile).startsWith(QLatin1String("/oauth2/"));
        };
        preset.quirks = {
            Rule{QStringLiteral("okta-org-access-token"), Severity::Info,
                 QStringLiteral("Access tokens of the org authorization server are for Okta's own APIs only."),
                 [](const CheckContext &context) {
                     QList<Finding> findings;
                     const Profile &profile = *context.profile;
                     const bool wantsApi = !profile.graphqlUrl.isEmpty() || !profile.audience.isEmpty();
                     findings.append(makeFinding(
                         wantsApi ? Severity::Warning : Severity::Info, QStringLiteral("okta-org-access-token"),
                         QStringLiteral("Org server access tokens are for Okta's APIs"),
                         QStringLiteral("The profile uses Okta's org authorization server %1.").arg(quoted(profile.issuer)),
                         QStringLiteral("Okta documents that access tokens from the org authorization server are meant for Okta's "
                                        "own APIs; your API cannot validate them, and their audience is the Okta org."),
                         QStringLiteral("For your own API use a custom authorization server (such as https://<domain>/oauth2/default) "
                                        "whose audience is the API.")));
                     return findings;
                 }},
            oktaServerRule(),
        };
        list.append(preset);
    }

    // Okta, custom authorization server.
    {
        Preset preset;
        preset.id = QStringLiteral("okta-custom");
        preset.name = QStringLiteral("Okta (custom authorization server)");
        preset.fields = {
            Field{QStringLiteral("domain"), QStringLiteral("Okta domain"), QStringLiteral("example.okta.com"),
                  QStringLiteral("The Okta admin console's address without -admin."), true},
            Field{QStringLiteral("authorizationServer"), QStringLiteral("Authorization server ID"), QStringLiteral("default"),
                  QStringLiteral("Security > API > Authorization Servers > Name or ID (\"default\" for the built-in one)."), true},
            clientIdField(QStringLiteral("0oa1example2ABCDEFG3h4"), QStringLiteral("Applications > your app > General > Client ID.")),
        };
        preset.builder = [](const QMap<QString, QString> &values, Profile *profile, QString *error) {
            QString domain, server, clientId;
            if (!readHost(values, QStringLiteral("domain"), QStringLiteral("Okta domain"), &domain, error)
                || !requireValue(values, QStringLiteral("authorizationServer"), QStringLiteral("Authorization server ID"), &server, error)
                || !requireValue(values, QStringLiteral("clientId"), QStringLiteral("Client ID"), &clientId, error))
                return false;
            static const QRegularExpression serverPattern(QStringLiteral("^[A-Za-z0-9_-]+$"));
            if (!serverPattern.match(server).hasMatch()) {
                *error = QStringLiteral("Authorization server ID %1 may contain only letters, digits, '-' and '_'.").arg(quoted(server));
                return false;
            }
            *profile = baseProfile(QStringLiteral("okta-custom"), QStringLiteral("Okta (%1, %2)").arg(domain, server), clientId);
            profile->issuer = QStringLiteral("https://%1/oauth2/%2").arg(domain, server);
            return true;
        };
        preset.recognizes = [](const Profile &profile) {
            const QString host = hostOf(profile);
            return (host.endsWith(QLatin1String(".okta.com")) || host.endsWith(QLatin1String(".oktapreview.com")))
                && pathOf(profile).startsWith(QLatin1String("/oauth2/"));
        };
        preset.quirks = {oktaServerRule()};
        list.append(preset);
    }

    // Keycloak.
    {
        Preset preset;
        preset.id = QStringLiteral("keycloak");
        preset.name = QStringLiteral("Keycloak");
        preset.fields = {
            Field{QStringLiteral("baseUrl"), QStringLiteral("Keycloak URL"), QStringLiteral("https://sso.example.com"),
                  QStringLiteral("The server's address; add /auth for Keycloak 16 and older."), true},
            Field{QStringLiteral("realm"), QStringLiteral("Realm"), QStringLiteral("example"), QStringLiteral("The realm's name."), true},
            clientIdField(QStringLiteral("explorer-desktop"), QStringLiteral("Clients > your client > Client ID.")),
        };
        preset.builder = [](const QMap<QString, QString> &values, Profile *profile, QString *error) {
            QString base, realm, clientId;
            if (!requireValue(values, QStringLiteral("baseUrl"), QStringLiteral("Keycloak URL"), &base, error)
                || !requireValue(values, QStringLiteral("realm"), QStringLiteral("Realm"), &realm, error)
                || !requireValue(values, QStringLiteral("clientId"), QStringLiteral("Client ID"), &clientId, error))
                return false;
            while (base.endsWith(QLatin1Char('/')))
                base.chop(1);
            const QUrl url(base, QUrl::StrictMode);
            if (!url.isValid() || url.host().isEmpty() || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http"))) {
                *error = QStringLiteral("Keycloak URL %1 is not an http(s) URL such as https://sso.example.com.").arg(quoted(base));
                return false;
            }
            *profile = baseProfile(QStringLiteral("keycloak"), QStringLiteral("Keycloak (%1)").arg(realm), clientId);
            profile->issuer = QStringLiteral("%1/realms/%2").arg(base, QString::fromUtf8(QUrl::toPercentEncoding(realm)));
            return true;
        };
        preset.recognizes = [](const Profile &profile) { return pathOf(profile).contains(QLatin1String("/realms/")); };
        preset.quirks = {
            Rule{QStringLiteral("keycloak-auth-path"), Severity::Error,
                 QStringLiteral("Keycloak 17 and later serve realms without the /auth prefix of older versions."),
                 [](const CheckContext &context) {
                     QList<Finding> findings;
                     if (!context.metadata || context.profile->issuer.isEmpty())
                         return findings;
                     QString profileIssuer = context.profile->issuer;
                     QString documentIssuer = context.metadata->issuer;
                     if (profileIssuer == documentIssuer)
                         return findings;
                     profileIssuer.replace(QLatin1String("/auth/realms/"), QLatin1String("/realms/"));
                     documentIssuer.replace(QLatin1String("/auth/realms/"), QLatin1String("/realms/"));
                     if (profileIssuer != documentIssuer)
                         return findings;
                     findings.append(makeFinding(Severity::Error, QStringLiteral("keycloak-auth-path"),
                                                 QStringLiteral("The issuer differs by Keycloak's /auth prefix"),
                                                 QStringLiteral("The profile's issuer is %1, the server's is %2.")
                                                     .arg(quoted(context.profile->issuer), quoted(context.metadata->issuer)),
                                                 QStringLiteral("Keycloak 16 and older serve realms under /auth/realms/, version 17 "
                                                                "and later under /realms/; the issuer must match exactly (OpenID "
                                                                "Connect Discovery 1.0 section 4.3)."),
                                                 QStringLiteral("Set the issuer to %1.").arg(quoted(context.metadata->issuer))));
                     return findings;
                 }},
            Rule{QStringLiteral("keycloak-access-token-audience"), Severity::Warning,
                 QStringLiteral("Keycloak access tokens carry aud \"account\" unless an audience mapper adds the API."),
                 [](const CheckContext &context) {
                     QList<Finding> findings;
                     for (const Rejection &rejection : backendRejections(context)) {
                         const QStringList aud = audienceValues(rejection.claims);
                         if (rejection.claims.isEmpty() || !(aud.isEmpty() || aud == QStringList{QStringLiteral("account")}))
                             continue;
                         findings.append(makeFinding(
                             Severity::Warning, QStringLiteral("keycloak-access-token-audience"),
                             QStringLiteral("The Keycloak access token has no audience for the API"),
                             QStringLiteral("The token sent to the backend has aud %1.")
                                 .arg(aud.isEmpty() ? QStringLiteral("missing") : quoted(aud.join(QStringLiteral(", ")))),
                             QStringLiteral("By default Keycloak puts only \"account\" (or nothing) in aud, and the client in azp; an "
                                            "API that checks aud (RFC 9068 section 4) rejects such a token."),
                             QStringLiteral("Add an Audience mapper (Client scopes > dedicated scope > Add mapper > Audience) that "
                                            "puts the API's client ID into the access token."),
                             rejection.step));
                     }
                     return findings;
                 }},
        };
        list.append(preset);
    }

    // Microsoft Entra ID: four endpoint shapes.
    struct EntraShape {
        QString id;
        QString name;
        bool v2;
        bool multiTenant;
    };
    const QList<EntraShape> shapes{
        {QStringLiteral("entra-v2-single"), QStringLiteral("Microsoft Entra ID (v2.0, single tenant)"), true, false},
        {QStringLiteral("entra-v2-multi"), QStringLiteral("Microsoft Entra ID (v2.0, multi-tenant)"), true, true},
        {QStringLiteral("entra-v1-single"), QStringLiteral("Microsoft Entra ID (v1, single tenant)"), false, false},
        {QStringLiteral("entra-v1-multi"), QStringLiteral("Microsoft Entra ID (v1, multi-tenant)"), false, true},
    };
    for (const EntraShape &shape : shapes) {
        Preset preset;
        preset.id = shape.id;
        preset.name = shape.name;
        preset.fields = {
            shape.multiTenant
                ? Field{QStringLiteral("tenant"), QStringLiteral("Tenant"), QStringLiteral("common"),
                        QStringLiteral("common (work, school and personal accounts), organizations or consumers."), true}
                : Field{QStringLiteral("tenant"), QStringLiteral("Tenant ID"), QStringLiteral("2f1c3c7e-5d1a-4b8e-9a55-0c6e2f3d4b1a"),
                        QStringLiteral("App registrations > your app > Overview > Directory (tenant) ID."), true},
            clientIdField(QStringLiteral("6e0a1b2c-3d4e-4f50-8a9b-0c1d2e3f4a5b"),
                          QStringLiteral("App registrations > your app > Overview > Application (client) ID.")),
        };
        preset.builder = [shape](const QMap<QString, QString> &values, Profile *profile, QString *error) {
            QString tenant, clientId;
            const bool tenantOk = shape.multiTenant ? readMultiTenant(values, &tenant, error) : readTenantId(values, &tenant, error);
            if (!tenantOk || !requireValue(values, QStringLiteral("clientId"), QStringLiteral("Client ID"), &clientId, error))
                return false;
            *profile = baseProfile(shape.id, QStringLiteral("Entra ID (%1)").arg(tenant), clientId);
            const QString base = QStringLiteral("https://login.microsoftonline.com/") + tenant;
            if (shape.v2) {
                profile->discoveryUrl = QUrl(base + QStringLiteral("/v2.0/.well-known/openid-configuration"));
                if (!shape.multiTenant)
                    profile->issuer = base + QStringLiteral("/v2.0");
                profile->scopes.append(QStringLiteral("offline_access"));
            } else {
                profile->discoveryUrl = QUrl(base + QStringLiteral("/.well-known/openid-configuration"));
                if (!shape.multiTenant)
                    profile->issuer = QStringLiteral("https://sts.windows.net/%1/").arg(tenant);
                profile->scopes = {QStringLiteral("openid")}; // v1 takes a resource, not OpenID Connect scopes
            }
            // Entra ID redirects a native client to a loopback address with any port.
            profile->redirectUri = QStringLiteral("http://127.0.0.1/callback");
            return true;
        };
        preset.recognizes = [shape](const Profile &profile) {
            const QString host = hostOf(profile);
            if (host != QLatin1String("login.microsoftonline.com") && host != QLatin1String("sts.windows.net"))
                return false;
            const QString location = profile.issuer.isEmpty() ? profile.discoveryUrl.toString() : profile.issuer;
            const bool v2 = location.contains(QLatin1String("/v2.0"));
            static const QRegularExpression multi(QStringLiteral("/(common|organizations|consumers|\\{tenantid\\})(/|$)"));
            const bool multiTenant = multi.match(location).hasMatch();
            return v2 == shape.v2 && multiTenant == shape.multiTenant;
        };
        preset.quirks = {entraVersionRule(), entraGraphTokenRule()};
        if (shape.multiTenant)
            preset.quirks.append(entraMultiTenantRule());
        list.append(preset);
    }

    // Google.
    {
        Preset preset;
        preset.id = QStringLiteral("google");
        preset.name = QStringLiteral("Google");
        preset.fields = {
            clientIdField(QStringLiteral("123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com"),
                          QStringLiteral("Google Cloud console > APIs & Services > Credentials > OAuth client (type Desktop app).")),
        };
        preset.builder = [](const QMap<QString, QString> &values, Profile *profile, QString *error) {
            QString clientId;
            if (!requireValue(values, QStringLiteral("clientId"), QStringLiteral("Client ID"), &clientId, error))
                return false;
            if (!clientId.endsWith(QLatin1String(".apps.googleusercontent.com"))) {
                *error = QStringLiteral("Client ID %1 does not end with .apps.googleusercontent.com.").arg(quoted(clientId));
                return false;
            }
            *profile = baseProfile(QStringLiteral("google"), QStringLiteral("Google"), clientId);
            profile->issuer = QStringLiteral("https://accounts.google.com");
            // Desktop clients have a secret that Google requires in the token request.
            profile->clientAuth = ClientAuthMethod::ClientSecretPost;
            profile->browser = BrowserKind::System;
            profile->redirectUri = QStringLiteral("http://127.0.0.1/callback");
            profile->extraAuthorizeParams = {{QStringLiteral("access_type"), QStringLiteral("offline")}};
            return true;
        };
        preset.recognizes = [](const Profile &profile) { return hostOf(profile) == QLatin1String("accounts.google.com"); };
        preset.quirks = {
            Rule{QStringLiteral("google-system-browser"), Severity::Error,
                 QStringLiteral("Google blocks logins in embedded browsers (disallowed_useragent)."),
                 [](const CheckContext &context) {
                     QList<Finding> findings;
                     int step = -1;
                     bool blocked = context.profile->browser == BrowserKind::Embedded;
                     if (context.trace) {
                         const QList<TraceStep> &steps = context.trace->steps();
                         for (int i = 0; i < steps.size(); ++i) {
                             if (steps.at(i).request.url.contains(QLatin1String("disallowed_useragent"))) {
                                 blocked = true;
                                 step = i;
                             }
                         }
                     }
                     if (!blocked)
                         return findings;
                     findings.append(makeFinding(
                         Severity::Error, QStringLiteral("google-system-browser"), QStringLiteral("Google needs the system browser"),
                         QStringLiteral("The profile signs in to Google in the embedded browser."),
                         QStringLiteral("Google rejects OAuth requests from embedded web views with the error "
                                        "disallowed_useragent, following RFC 8252 section 8.12, which asks native apps to use "
                                        "the user's browser."),
                         QStringLiteral("Choose the system browser and a loopback redirect URI such as http://127.0.0.1/callback "
                                        "(a Desktop app client accepts any port)."),
                         step));
                     return findings;
                 }},
            Rule{QStringLiteral("google-offline-access"), Severity::Warning,
                 QStringLiteral("Google issues refresh tokens for access_type=offline, not for the offline_access scope."),
                 [](const CheckContext &context) {
                     QList<Finding> findings;
                     if (!context.profile->scopes.contains(QLatin1String("offline_access")))
                         return findings;
                     findings.append(makeFinding(
                         Severity::Warning, QStringLiteral("google-offline-access"), QStringLiteral("Google does not know offline_access"),
                         QStringLiteral("The scopes include \"offline_access\"."),
                         QStringLiteral("Google's scopes_supported has no offline_access (OpenID Connect Core 1.0 section 11 makes "
                                        "it optional); Google returns a refresh token when the request has access_type=offline."),
                         QStringLiteral("Remove offline_access and add the extra authorize parameter access_type=offline.")));
                     return findings;
                 }},
        };
        list.append(preset);
    }

    // Amazon Cognito.
    {
        Preset preset;
        preset.id = QStringLiteral("cognito");
        preset.name = QStringLiteral("Amazon Cognito");
        preset.fields = {
            Field{QStringLiteral("region"), QStringLiteral("Region"), QStringLiteral("eu-west-1"), QStringLiteral("The user pool's AWS region."), true},
            Field{QStringLiteral("userPoolId"), QStringLiteral("User pool ID"), QStringLiteral("eu-west-1_AbCdEf123"),
                  QStringLiteral("User pools > your pool > Overview > User pool ID."), true},
            clientIdField(QStringLiteral("1example23456789abcdefghij"), QStringLiteral("User pools > your pool > App clients > Client ID.")),
        };
        preset.builder = [](const QMap<QString, QString> &values, Profile *profile, QString *error) {
            QString region, pool, clientId;
            if (!requireValue(values, QStringLiteral("region"), QStringLiteral("Region"), &region, error)
                || !requireValue(values, QStringLiteral("userPoolId"), QStringLiteral("User pool ID"), &pool, error)
                || !requireValue(values, QStringLiteral("clientId"), QStringLiteral("Client ID"), &clientId, error))
                return false;
            static const QRegularExpression regionPattern(QStringLiteral("^[a-z]{2}(-[a-z]+)+-\\d$"));
            if (!regionPattern.match(region).hasMatch()) {
                *error = QStringLiteral("Region %1 is not an AWS region such as eu-west-1.").arg(quoted(region));
                return false;
            }
            if (!pool.startsWith(region + QLatin1Char('_')) || pool.size() <= region.size() + 1) {
                *error = QStringLiteral("User pool ID %1 must start with the region and '_', such as %2_AbCdEf123.")
                             .arg(quoted(pool), region);
                return false;
            }
            *profile = baseProfile(QStringLiteral("cognito"), QStringLiteral("Cognito (%1)").arg(pool), clientId);
            profile->issuer = QStringLiteral("https://cognito-idp.%1.amazonaws.com/%2").arg(region, pool);
            return true;
        };
        preset.recognizes = [](const Profile &profile) {
            const QString host = hostOf(profile);
            return host.startsWith(QLatin1String("cognito-idp.")) && host.endsWith(QLatin1String(".amazonaws.com"));
        };
        preset.quirks = {
            Rule{QStringLiteral("cognito-access-token-aud"), Severity::Error,
                 QStringLiteral("Cognito access tokens have no aud; client_id and token_use identify them."),
                 [](const CheckContext &context) {
                     QList<Finding> findings;
                     for (const Rejection &rejection : backendRejections(context)) {
                         if (rejection.claims.value(QStringLiteral("token_use")).toString() != QLatin1String("access")
                             || rejection.claims.contains(QStringLiteral("aud")))
                             continue;
                         findings.append(makeFinding(
                             Severity::Error, QStringLiteral("cognito-access-token-aud"),
                             QStringLiteral("Cognito access tokens have no audience"),
                             QStringLiteral("The access token sent to the backend has token_use \"access\", client_id %1 and no aud.")
                                 .arg(quoted(rejection.claims.value(QStringLiteral("client_id")).toString())),
                             QStringLiteral("Cognito puts the client in the access token's client_id claim and leaves out aud, so a "
                                            "backend that requires aud (as RFC 9068 section 4 describes) rejects every Cognito "
                                            "access token. Cognito's ID token does carry aud = client ID."),
                             QStringLiteral("Make the backend check client_id and token_use=access for Cognito access tokens, or "
                                            "send the ID token if the backend is built to accept it."),
                             rejection.step));
                     }
                     return findings;
                 }},
            Rule{QStringLiteral("cognito-logout"), Severity::Info,
                 QStringLiteral("Cognito's logout endpoint is not in its discovery document."),
                 [](const CheckContext &context) {
                     QList<Finding> findings;
                     if (!context.metadata || !context.metadata->endSessionEndpoint.isEmpty())
                         return findings;
                     const QUrl authorize = context.metadata->authorizationEndpoint;
                     findings.append(makeFinding(
                         Severity::Info, QStringLiteral("cognito-logout"), QStringLiteral("Cognito logs out at its own /logout"),
                         QStringLiteral("The discovery document has no end_session_endpoint."),
                         QStringLiteral("Cognito ends the session at https://<user pool domain>/logout with client_id and "
                                        "logout_uri, which is not OpenID Connect RP-Initiated Logout."),
                         QStringLiteral("Open %1 in the browser, with logout_uri registered as a sign-out URL.")
                             .arg(authorize.resolved(QUrl(QStringLiteral("/logout?client_id=%1&logout_uri=<sign-out URL>")
                                                              .arg(context.profile->clientId)))
                                      .toString())));
                     return findings;
                 }},
        };
        list.append(preset);
    }

    // A backend-as-a-service that accepts the provider's ID token as its Bearer credential.
    {
        Preset preset;
        preset.id = QStringLiteral("id-token-backend");
        preset.name = QStringLiteral("Backend that accepts the provider's ID token");
        preset.fields = {
            Field{QStringLiteral("issuer"), QStringLiteral("Identity provider issuer"), QStringLiteral("https://login.example-idp.com"),
                  QStringLiteral("The issuer the backend is configured to trust."), true},
            clientIdField(QStringLiteral("explorer-web"), QStringLiteral("The client ID the backend is configured with (it checks aud against it).")),
            Field{QStringLiteral("graphqlUrl"), QStringLiteral("Backend GraphQL URL"), QStringLiteral("https://api.example-backend.com/graphql"),
                  QStringLiteral("The backend's GraphQL endpoint."), true},
        };
        preset.builder = [](const QMap<QString, QString> &values, Profile *profile, QString *error) {
            QString issuer, clientId, graphql;
            if (!requireValue(values, QStringLiteral("issuer"), QStringLiteral("Identity provider issuer"), &issuer, error)
                || !requireValue(values, QStringLiteral("clientId"), QStringLiteral("Client ID"), &clientId, error)
                || !requireValue(values, QStringLiteral("graphqlUrl"), QStringLiteral("Backend GraphQL URL"), &graphql, error))
                return false;
            const QUrl url(graphql, QUrl::StrictMode);
            if (!url.isValid() || url.host().isEmpty() || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http"))) {
                *error = QStringLiteral("Backend GraphQL URL %1 is not an http(s) URL.").arg(quoted(graphql));
                return false;
            }
            *profile = baseProfile(QStringLiteral("id-token-backend"), QStringLiteral("ID token backend"), clientId);
            profile->issuer = issuer;
            profile->graphqlUrl = url;
            return true;
        };
        preset.quirks = {
            Rule{QStringLiteral("id-token-backend-send-id-token"), Severity::Error,
                 QStringLiteral("The backend checks aud against the client ID, so it accepts the ID token, not the access token."),
                 [](const CheckContext &context) {
                     QList<Finding> findings;
                     const TokenSet tokens = runTokens(context);
                     for (const Rejection &rejection : backendRejections(context)) {
                         if (identifyToken(rejection.token, tokens, context.profile->clientId) != TokenKind::AccessToken)
                             continue;
                         findings.append(makeFinding(
                             Severity::Error, QStringLiteral("id-token-backend-send-id-token"),
                             QStringLiteral("This backend takes the ID token"),
                             QStringLiteral("The access token was sent to the backend, which rejected it."),
                             QStringLiteral("This backend trusts the provider's ID token: it verifies the signature with the "
                                            "provider's keys and compares aud with the client ID (OpenID Connect Core 1.0 "
                                            "section 2). The access token's aud is an API or the provider itself."),
                             QStringLiteral("Choose the ID token as the credential in the query editor."),
                             rejection.step));
                     }
                     return findings;
                 }},
            Rule{QStringLiteral("id-token-backend-audience-ignored"), Severity::Info,
                 QStringLiteral("An audience changes only the access token, which this backend does not read."),
                 [](const CheckContext &context) {
                     QList<Finding> findings;
                     if (context.profile->audience.isEmpty())
                         return findings;
                     findings.append(makeFinding(
                         Severity::Info, QStringLiteral("id-token-backend-audience-ignored"),
                         QStringLiteral("The audience does not change the ID token"),
                         QStringLiteral("The profile sets audience %1.").arg(quoted(context.profile->audience)),
                         QStringLiteral("audience selects the access token's API; the ID token's aud stays the client ID."),
                         QStringLiteral("Leave the audience empty unless another API needs the access token.")));
                     return findings;
                 }},
        };
        list.append(preset);
    }

    // Generic OpenID Connect provider.
    {
        Preset preset;
        preset.id = QStringLiteral("generic");
        preset.name = QStringLiteral("Generic OpenID Connect provider");
        preset.fields = {
            Field{QStringLiteral("issuer"), QStringLiteral("Issuer"), QStringLiteral("https://login.example.com"),
                  QStringLiteral("The issuer exactly as the provider's discovery document spells it."), true},
            clientIdField(QStringLiteral("explorer-desktop"), QStringLiteral("The client ID from the provider's client settings.")),
        };
        preset.builder = [](const QMap<QString, QString> &values, Profile *profile, QString *error) {
            QString issuer, clientId;
            if (!requireValue(values, QStringLiteral("issuer"), QStringLiteral("Issuer"), &issuer, error)
                || !requireValue(values, QStringLiteral("clientId"), QStringLiteral("Client ID"), &clientId, error))
                return false;
            *profile = baseProfile(QStringLiteral("generic"), QStringLiteral("OpenID Connect (%1)").arg(QUrl(issuer).host()), clientId);
            profile->issuer = issuer;
            return true;
        };
        list.append(preset);
    }
    return list;
}

} // namespace

Profile Preset::build(const QMap<QString, QString> &values, QString *error) const
{
    QString message;
    Profile profile;
    if (!builder || !builder(values, &profile, &message)) {
        if (error)
            *error = message.isEmpty() ? QStringLiteral("The preset %1 cannot build a profile.").arg(quoted(name)) : message;
        return Profile();
    }
    const QStringList problems = profile.validate();
    if (!problems.isEmpty()) {
        if (error)
            *error = problems.join(QLatin1Char(' '));
        return Profile();
    }
    if (error)
        error->clear();
    return profile;
}

QMap<QString, QString> Preset::exampleValues() const
{
    QMap<QString, QString> values;
    for (const Field &field : fields)
        values.insert(field.key, field.example);
    return values;
}

QList<Preset> presets()
{
    static const QList<Preset> list = buildPresets();
    return list;
}

std::optional<Preset> presetById(const QString &id)
{
    for (const Preset &preset : presets()) {
        if (preset.id == id)
            return preset;
    }
    return std::nullopt;
}

std::optional<Preset> presetForProfile(const Profile &profile)
{
    for (const Preset &preset : presets()) {
        if (preset.matches(profile))
            return preset;
    }
    return std::nullopt;
}

QList<Finding> checkQuirks(const Preset &preset, const CheckContext &context)
{
    QList<Finding> findings;
    if (!context.profile)
        return findings;
    for (const Rule &rule : preset.quirks) {
        if (rule.check)
            findings.append(rule.check(context));
    }
    return findings;
}

} // namespace afx::doctor
