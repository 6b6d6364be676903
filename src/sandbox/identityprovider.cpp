#include "sandbox/identityprovider.h"

#include "sandbox/faultswitchboard.h"
#include "sandbox/formcodec.h"
#include "sandbox/logging.h"
#include "sandbox/loginpages.h"
#include "sandbox/providerhelpers.h"
#include "sandbox/sandboxserver.h"

#include "jose/base64url.h"
#include "jose/jws.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

#include <openssl/crypto.h>

namespace afx::sandbox {

namespace {

bool isPkceCharacter(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' || u == '.'
        || u == '_' || u == '~';
}

// code_verifier syntax of RFC 7636 section 4.1: 43 to 128 unreserved characters.
bool isValidCodeVerifier(const QString &verifier)
{
    if (verifier.size() < 43 || verifier.size() > 128)
        return false;
    return std::all_of(verifier.begin(), verifier.end(), isPkceCharacter);
}

// An S256 code_challenge is the base64url form of a SHA-256 hash: exactly 43 characters.
bool isValidS256Challenge(const QString &challenge)
{
    if (challenge.size() != 43)
        return false;
    return std::all_of(challenge.begin(), challenge.end(), [](QChar c) {
        return isPkceCharacter(c) && c != QLatin1Char('.') && c != QLatin1Char('~');
    });
}

QString s256Challenge(const QString &verifier)
{
    const QByteArray hash = QCryptographicHash::hash(verifier.toLatin1(), QCryptographicHash::Sha256);
    return QString::fromLatin1(jose::base64UrlEncode(hash));
}

QByteArray bearerChallenge(const QString &error, const QString &description)
{
    QByteArray challenge = "Bearer realm=\"sandbox\"";
    if (!error.isEmpty()) {
        challenge += ", error=\"" + error.toLatin1() + "\", error_description=\"";
        challenge += safeErrorDescription(description).toLatin1() + "\"";
    }
    return challenge;
}

// The kid of an RSA key: its JWK thumbprint (RFC 7638), SHA-256 over the required members in
// lexicographic order, without whitespace.
QString rsaThumbprint(const jose::Key &key)
{
    const QJsonObject jwk = key.toPublicJwk();
    const QByteArray canonical = "{\"e\":\"" + jwk.value(QStringLiteral("e")).toString().toLatin1()
        + "\",\"kty\":\"RSA\",\"n\":\"" + jwk.value(QStringLiteral("n")).toString().toLatin1() + "\"}";
    return QString::fromLatin1(jose::base64UrlEncode(QCryptographicHash::hash(canonical, QCryptographicHash::Sha256)));
}

} // namespace

QString randomToken(int bytes)
{
    QByteArray buffer(bytes, Qt::Uninitialized);
    QRandomGenerator *generator = QRandomGenerator::system();
    for (int i = 0; i < bytes; ++i)
        buffer[i] = char(generator->bounded(256));
    return QString::fromLatin1(jose::base64UrlEncode(buffer));
}

bool constantTimeEquals(const QString &a, const QString &b)
{
    const QByteArray left = a.toUtf8();
    const QByteArray right = b.toUtf8();
    if (left.size() != right.size())
        return false;
    return CRYPTO_memcmp(left.constData(), right.constData(), size_t(left.size())) == 0;
}

QString safeErrorDescription(const QString &description)
{
    QString safe;
    safe.reserve(description.size());
    for (const QChar c : description) {
        const char16_t u = c.unicode();
        if (u == '"')
            safe += QLatin1Char('\'');
        else if (u >= 0x20 && u <= 0x7E && u != '\\')
            safe += c;
        else
            safe += QLatin1Char('?');
    }
    return safe;
}

IdentityProvider::IdentityProvider(const SandboxClock *clock)
    : m_clock(clock)
{
}

bool IdentityProvider::generateSigningKey(QString *error)
{
    if (!useSigningKey(jose::Key::generateRsa(2048))) {
        if (error)
            *error = QStringLiteral("Generating the sandbox's RSA-2048 signing key failed.");
        return false;
    }
    return true;
}

bool IdentityProvider::useSigningKey(const jose::Key &key)
{
    if (key.isNull() || !key.hasPrivate() || key.kty() != QLatin1String("RSA"))
        return false;
    m_signingKey = key;
    m_sessions.setKey(key.toPrivatePem());
    m_keyId = rsaThumbprint(m_signingKey);
    return true;
}

bool IdentityProvider::faultActs(SandboxFault fault) const
{
    return m_faults && m_faults->act(fault);
}

bool IdentityProvider::prepareFault(SandboxFault fault, QString *error)
{
    switch (fault) {
    case SandboxFault::KeyRotation:
        // A new key for each rotation, so that a client that saw the previous one is caught again.
        m_secondKey = jose::Key();
        m_jwksFetchesSinceRotation = 0;
        [[fallthrough]];
    case SandboxFault::KidAbsentMultipleKeys:
        if (m_secondKey.isNull()) {
            const jose::Key key = jose::Key::generateRsa(2048);
            if (key.isNull() || !key.hasPrivate()) {
                if (error)
                    *error = QStringLiteral("Generating the sandbox's second RSA-2048 key failed.");
                return false;
            }
            m_secondKey = key;
            m_secondKeyId = rsaThumbprint(key);
        }
        return true;
    case SandboxFault::DeviceSlowDown:
        m_slowedDeviceCodes.clear();
        return true;
    default:
        return true;
    }
}

const jose::Key &IdentityProvider::activeSigningKey() const
{
    const bool rotated = m_faults && m_faults->isOn(SandboxFault::KeyRotation) && !m_secondKey.isNull();
    return rotated ? m_secondKey : m_signingKey;
}

QString IdentityProvider::activeKeyId() const
{
    return &activeSigningKey() == &m_secondKey ? m_secondKeyId : m_keyId;
}

QByteArray IdentityProvider::keySetDocument(bool withSecondKey) const
{
    const QString rs256 = QStringLiteral("RS256");
    const QString sig = QStringLiteral("sig");
    QJsonArray keys;
    if (withSecondKey && !m_secondKey.isNull())
        keys.append(m_secondKey.toPublicJwk(m_secondKeyId, rs256, sig));
    keys.append(m_signingKey.toPublicJwk(m_keyId, rs256, sig));
    return QJsonDocument(QJsonObject{{QStringLiteral("keys"), keys}}).toJson(QJsonDocument::Compact);
}

QByteArray IdentityProvider::jwksDocument() const
{
    const bool withSecondKey = m_faults
        && (m_faults->isOn(SandboxFault::KeyRotation) || m_faults->isOn(SandboxFault::KidAbsentMultipleKeys));
    return keySetDocument(withSecondKey);
}

HttpResponse IdentityProvider::discovery() const
{
    const auto strings = [](std::initializer_list<const char *> values) {
        QJsonArray array;
        for (const char *value : values)
            array.append(QString::fromLatin1(value));
        return array;
    };
    QJsonObject metadata;
    metadata.insert(QStringLiteral("issuer"), m_issuer);
    metadata.insert(QStringLiteral("authorization_endpoint"), m_issuer + QStringLiteral("/authorize"));
    metadata.insert(QStringLiteral("token_endpoint"), m_issuer + QStringLiteral("/token"));
    metadata.insert(QStringLiteral("jwks_uri"), m_issuer + QStringLiteral("/jwks"));
    metadata.insert(QStringLiteral("userinfo_endpoint"), m_issuer + QStringLiteral("/userinfo"));
    metadata.insert(QStringLiteral("device_authorization_endpoint"), m_issuer + QStringLiteral("/device_authorization"));
    metadata.insert(QStringLiteral("pushed_authorization_request_endpoint"), m_issuer + QStringLiteral("/par"));
    metadata.insert(QStringLiteral("require_pushed_authorization_requests"), false);
    // private_key_jwt also accepts the 384 and 512 variants of RS, PS and ES, but the list
    // names only the common ones. HS384 and HS512 need a longer secret than the sandbox's.
    const QJsonArray assertionAlgorithms = strings({"HS256", "RS256", "PS256", "ES256"});
    metadata.insert(QStringLiteral("revocation_endpoint"), m_issuer + QStringLiteral("/revoke"));
    metadata.insert(QStringLiteral("revocation_endpoint_auth_methods_supported"),
                    strings({"none", "client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt"}));
    metadata.insert(QStringLiteral("revocation_endpoint_auth_signing_alg_values_supported"), assertionAlgorithms);
    metadata.insert(QStringLiteral("introspection_endpoint"), m_issuer + QStringLiteral("/introspect"));
    metadata.insert(QStringLiteral("introspection_endpoint_auth_methods_supported"),
                    strings({"client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt"}));
    metadata.insert(QStringLiteral("introspection_endpoint_auth_signing_alg_values_supported"), assertionAlgorithms);
    metadata.insert(QStringLiteral("end_session_endpoint"), m_issuer + QStringLiteral("/logout"));
    metadata.insert(QStringLiteral("response_types_supported"),
                    strings({"code", "id_token", "id_token token", "code id_token", "code token", "code id_token token"}));
    metadata.insert(QStringLiteral("response_modes_supported"), strings({"query", "fragment", "form_post"}));
    metadata.insert(QStringLiteral("grant_types_supported"),
                    strings({"authorization_code", "implicit", "refresh_token", "client_credentials", "password",
                             "urn:ietf:params:oauth:grant-type:device_code"}));
    metadata.insert(QStringLiteral("subject_types_supported"), strings({"public"}));
    metadata.insert(QStringLiteral("id_token_signing_alg_values_supported"), strings({"RS256"}));
    metadata.insert(QStringLiteral("code_challenge_methods_supported"), strings({"S256"}));
    metadata.insert(QStringLiteral("token_endpoint_auth_methods_supported"),
                    strings({"none", "client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt"}));
    metadata.insert(QStringLiteral("token_endpoint_auth_signing_alg_values_supported"), assertionAlgorithms);
    metadata.insert(QStringLiteral("scopes_supported"), QJsonArray::fromStringList(supportedScopes()));
    metadata.insert(QStringLiteral("claims_supported"),
                    strings({"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "c_hash", "email",
                             "email_verified", "name", "roles", "auth_profile"}));
    metadata.insert(QStringLiteral("prompt_values_supported"), strings({"none", "login", "consent", "select_account"}));
    metadata.insert(QStringLiteral("authorization_response_iss_parameter_supported"), true);
    // OpenID Connect Discovery defaults request_uri_parameter_supported to true, so it is set to false here.
    // That flag is about request objects fetched from a URL, so the request_uri values of /par work
    // regardless.
    metadata.insert(QStringLiteral("request_parameter_supported"), false);
    metadata.insert(QStringLiteral("request_uri_parameter_supported"), false);
    metadata.insert(QStringLiteral("claims_parameter_supported"), false);

    HttpResponse response = HttpResponse::json(200, metadata);
    response.addHeader("Cache-Control", "public, max-age=300");
    return response;
}

HttpResponse IdentityProvider::jwks()
{
    bool withSecondKey = false;
    // key-rotation: the first fetch after the switch still returns the set from before the
    // rotation, as a cache in front of the provider would, so only a second fetch finds the new key.
    if (faultActs(SandboxFault::KeyRotation))
        withSecondKey = m_jwksFetchesSinceRotation++ > 0;
    if (faultActs(SandboxFault::KidAbsentMultipleKeys))
        withSecondKey = true;
    HttpResponse response = HttpResponse::jsonBytes(200, keySetDocument(withSecondKey));
    response.contentType = "application/jwk-set+json";
    response.addHeader("Cache-Control", "public, max-age=300");
    return response;
}

void IdentityProvider::removeExpired()
{
    const qint64 now = m_clock->now();
    m_signIns.removeIf([now](const auto &entry) { return now - entry.value().createdAt > signInLifetimeSeconds; });
    // Redeemed codes are kept a while longer than their lifetime, so that a second use is
    // recognized as reuse (and revokes the grant) instead of as an unknown code.
    m_codes.removeIf([now](const auto &entry) { return now - entry.value().issuedAt > 10 * codeLifetimeSeconds; });
    m_refreshTokens.removeIf([now](const auto &entry) { return now > entry.value().expiresAt; });
    m_accessTokens.removeIf([now](const auto &entry) { return now > entry.value().expiresAt; });
    // Device codes are kept for one more lifetime, so that a late poll gets expired_token
    // instead of invalid_grant.
    m_deviceCodes.removeIf(
        [now](const auto &entry) { return now > entry.value().expiresAt + deviceCodeLifetimeSeconds; });
    m_deviceConsents.removeIf([this](const auto &entry) { return !m_deviceCodes.contains(entry.value().deviceCode); });
    // Pushed requests are kept for one more lifetime, so that a late or second use of a
    // request_uri gets a clear error instead of "unknown".
    m_pushedRequests.removeIf(
        [now](const auto &entry) { return now > entry.value().expiresAt + pushedRequestLifetimeSeconds; });
    // Once its exp has passed, an assertion fails the expiry check, so its jti can be forgotten.
    m_usedClientAssertionIds.removeIf(
        [now](const auto &entry) { return now > entry.value() + clientAssertionLeewaySeconds; });
    m_slowedDeviceCodes.removeIf([this](const QString &deviceCode) { return !m_deviceCodes.contains(deviceCode); });
}

HttpResponse IdentityProvider::buildAuthorizationResponse(const QString &redirectUri, ResponseMode mode,
                                                          const oidc::FormFields &fields) const
{
    if (mode == ResponseMode::FormPost) {
        HttpResponse response = HttpResponse::html(200, renderFormPostPage(redirectUri, fields));
        // The default policy of the HTML pages blocks every script, so the page's own
        // policy replaces it to let the auto-submit script run.
        for (auto &[name, value] : response.headers) {
            if (name.compare("Content-Security-Policy", Qt::CaseInsensitive) == 0)
                value = formPostContentSecurityPolicy();
        }
        return response;
    }
    // Registered redirect URIs never have a query or a fragment, so the parameters start one.
    const char separator = mode == ResponseMode::Fragment ? '#' : '?';
    return HttpResponse::redirect(redirectUri.toUtf8() + separator + oidc::formEncodeFields(fields));
}

HttpResponse IdentityProvider::redirectWithError(const QString &redirectUri, ResponseMode mode,
                                                 const std::optional<QString> &state, const QString &error,
                                                 const QString &description) const
{
    qCInfo(lcSandbox).noquote() << "authorization request rejected:" << error;
    oidc::FormFields fields;
    fields.append({QStringLiteral("error"), error});
    fields.append({QStringLiteral("error_description"), safeErrorDescription(description)});
    if (state)
        fields.append({QStringLiteral("state"), *state});
    fields.append({QStringLiteral("iss"), m_issuer});
    return buildAuthorizationResponse(redirectUri, mode, fields);
}

std::optional<IdentityProvider::ResponseType> IdentityProvider::parseResponseType(const QString &value, QString *error)
{
    const QString supported = QStringLiteral("Supported: code, id_token, id_token token, code id_token, code token and "
                                             "code id_token token, with the words in any order.");
    ResponseType type;
    for (const QString &word : value.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        bool *flag = nullptr;
        if (word == QLatin1String("code"))
            flag = &type.code;
        else if (word == QLatin1String("id_token"))
            flag = &type.idToken;
        else if (word == QLatin1String("token"))
            flag = &type.token;
        if (!flag) {
            *error = QStringLiteral("response_type contains %1, which the sandbox does not support. %2")
                         .arg(word.left(40), supported);
            return std::nullopt;
        }
        if (*flag) {
            *error = QStringLiteral("response_type names %1 more than once.").arg(word);
            return std::nullopt;
        }
        *flag = true;
    }
    if (!type.code && !type.idToken && !type.token) {
        *error = QStringLiteral("response_type is empty. %1").arg(supported);
        return std::nullopt;
    }
    if (type.token && !type.code && !type.idToken) {
        *error = QStringLiteral("response_type=token (the OAuth 2.0 implicit grant without an ID token) is not "
                                "supported, because OpenID providers pair token with id_token or code. %1")
                     .arg(supported);
        return std::nullopt;
    }
    return type;
}

HttpResponse IdentityProvider::renderSignIn(const QString &requestId, const PendingSignIn &signIn,
                                            const QString &email, const QString &error, const SignUpEntry &signUp) const
{
    SignInPage page;
    page.requestId = requestId;
    page.clientId = signIn.clientId;
    page.scopes = splitScope(signIn.scope);
    page.email = email;
    page.error = error;
    page.socialProviderName = m_socialProviderName;
    page.profile = m_users.findProfile(signIn.authProfile).value_or(m_users.profiles().constFirst());
    page.otherProfiles = m_users.profiles();
    page.otherProfiles.removeIf([&page](const AuthProfile &profile) { return profile.name == page.profile.name; });
    page.signUpEmail = signUp.email;
    page.signUpName = signUp.name;
    page.signUpError = signUp.error;
    return HttpResponse::html(200, renderSignInPage(page));
}

HttpResponse IdentityProvider::authorizationErrorPage(const QString &message) const
{
    qCInfo(lcSandbox).noquote() << "authorization request rejected without redirect:" << message;
    return HttpResponse::html(400, renderErrorPage(QStringLiteral("Sign-in request rejected"), message));
}

HttpResponse IdentityProvider::rejectAuthorizationRequest(const AuthorizationRequestError &failure) const
{
    if (!failure.redirectable)
        return authorizationErrorPage(failure.description);
    return redirectWithError(failure.redirectUri, failure.responseMode, failure.state, failure.error,
                             failure.description);
}

HttpResponse IdentityProvider::authorize(const HttpRequest &request)
{
    removeExpired();
    const bool isPost = request.method == "POST";
    if (isPost && request.mediaType() != formMediaType.toLatin1())
        return authorizationErrorPage(QStringLiteral("A POST to /authorize must be application/x-www-form-urlencoded."));
    oidc::FormFields params;
    QString parseError;
    if (!oidc::formDecodeFields(isPost ? request.body : request.rawQuery, &params, &parseError))
        return authorizationErrorPage(parseError);

    // With request_uri, the request's parameters are the ones pushed to /par, and the others
    // in this request are ignored (RFC 9126 section 4).
    if (hasField(params, QStringLiteral("request_uri")))
        return authorizePushedRequest(params, request);

    AuthorizationRequestError failure;
    const std::optional<ValidatedAuthorizationRequest> validated = validateAuthorizationRequest(params, &failure);
    if (!validated)
        return rejectAuthorizationRequest(failure);
    return beginSignIn(*validated, request);
}

std::optional<IdentityProvider::ValidatedAuthorizationRequest>
IdentityProvider::validateAuthorizationRequest(const oidc::FormFields &params, AuthorizationRequestError *failure) const
{
    // Until client_id and redirect_uri are known to be good, errors go to a page, because a
    // redirect to an unchecked URI would make the sandbox an open redirector.
    const auto errorPage = [failure](const QString &message) {
        failure->redirectable = false;
        failure->error = QStringLiteral("invalid_request");
        failure->description = message;
        return std::nullopt;
    };
    const QStringList repeated = repeatedFieldNames(params);
    for (const QString &name : {QStringLiteral("client_id"), QStringLiteral("redirect_uri")}) {
        if (repeated.contains(name))
            return errorPage(QStringLiteral("The parameter %1 appears more than once.").arg(name));
    }
    const QString clientId = fieldValue(params, QStringLiteral("client_id"));
    if (clientId.isEmpty())
        return errorPage(QStringLiteral("The request has no client_id."));
    const ClientRegistration *client = findClient(clientId);
    if (!client)
        return errorPage(QStringLiteral("Unknown client_id \"%1\". The sandbox knows \"%2\", \"%3\" and \"%4\".")
                             .arg(clientId.left(100), SandboxServer::publicClientId(), SandboxServer::confidentialClientId(),
                                  SandboxServer::jwtClientId()));
    const QString redirectUri = fieldValue(params, QStringLiteral("redirect_uri"));
    if (redirectUri.isEmpty())
        return errorPage(QStringLiteral("The request has no redirect_uri; OpenID Connect requires it."));
    if (!isRegisteredRedirectUri(redirectUri))
        return errorPage(QStringLiteral("The redirect_uri \"%1\" is not registered for %2. Registered: %3, or "
                                        "http://127.0.0.1:PORT/callback and http://[::1]:PORT/callback with any port.")
                             .arg(redirectUri.left(200), clientId, QLatin1String(customSchemeRedirectUri)));
    if (faultActs(SandboxFault::RedirectUriMismatch))
        return errorPage(QStringLiteral("The redirect_uri \"%1\" does not match any redirect URI registered for %2 "
                                        "(the redirect-uri-mismatch fault is on). Register the exact URI, including "
                                        "scheme, port and path, or switch the fault off.")
                             .arg(redirectUri.left(200), clientId));

    std::optional<QString> state;
    if (hasField(params, QStringLiteral("state")) && !repeated.contains(QStringLiteral("state")))
        state = fieldValue(params, QStringLiteral("state"));

    // Errors found from here on use the requested response mode when the sandbox supports it.
    // Otherwise, and when response_mode is repeated, they use the default mode of the response
    // type: the fragment for types that issue tokens here, the query for code and for a
    // response_type that cannot be read. A requested query never carries a token type's error.
    const QString responseTypeValue = fieldValue(params, QStringLiteral("response_type"));
    QString responseTypeError;
    const std::optional<ResponseType> responseType = repeated.contains(QStringLiteral("response_type"))
        ? std::nullopt
        : parseResponseType(responseTypeValue, &responseTypeError);
    const bool issuesTokenAtAuthorization = responseType && responseType->issuesTokenAtAuthorization();
    const QString requestedMode = fieldValue(params, QStringLiteral("response_mode"));
    ResponseMode responseMode = issuesTokenAtAuthorization ? ResponseMode::Fragment : ResponseMode::Query;
    if (!repeated.contains(QStringLiteral("response_mode"))) {
        if (requestedMode == QLatin1String("form_post"))
            responseMode = ResponseMode::FormPost;
        else if (requestedMode == QLatin1String("fragment"))
            responseMode = ResponseMode::Fragment;
    }
    const auto fail = [&](const QString &error, const QString &description) {
        *failure = AuthorizationRequestError{true, redirectUri, responseMode, state, error, description};
        return std::nullopt;
    };

    if (!repeated.isEmpty())
        return fail(QStringLiteral("invalid_request"),
                    QStringLiteral("The parameter %1 appears more than once.").arg(repeated.first()));
    for (const QString &name : {QStringLiteral("state"), QStringLiteral("nonce"), QStringLiteral("scope"),
                                QStringLiteral("code_challenge"), QStringLiteral("login_hint"),
                                QStringLiteral("auth_profile")}) {
        if (fieldValue(params, name).size() > maxParameterLength)
            return fail(QStringLiteral("invalid_request"),
                        QStringLiteral("The parameter %1 is longer than %2 characters.").arg(name).arg(maxParameterLength));
    }
    if (hasField(params, QStringLiteral("request")))
        return fail(QStringLiteral("request_not_supported"), QStringLiteral("The sandbox does not accept request objects."));

    if (responseTypeValue.isEmpty())
        return fail(QStringLiteral("invalid_request"),
                    QStringLiteral("The request has no response_type; use code (the Authorization Code flow)."));
    if (!responseType)
        return fail(QStringLiteral("unsupported_response_type"), responseTypeError);
    if (hasField(params, QStringLiteral("response_mode"))) {
        if (requestedMode != QLatin1String("query") && requestedMode != QLatin1String("fragment")
            && requestedMode != QLatin1String("form_post"))
            return fail(QStringLiteral("invalid_request"),
                        QStringLiteral("response_mode %1 is not supported; use query, fragment or form_post.")
                            .arg(requestedMode.left(40)));
        if (requestedMode == QLatin1String("query") && issuesTokenAtAuthorization)
            return fail(QStringLiteral("invalid_request"),
                        QStringLiteral("response_mode=query is not allowed with response_type=%1, because tokens in "
                                       "a query string end up in server logs and browser history (OAuth 2.0 "
                                       "Multiple Response Type Encoding Practices sections 3 and 5). Use fragment "
                                       "(the default for this type) or form_post.")
                            .arg(responseTypeValue.left(40)));
    }

    const QStringList scopes = splitScope(fieldValue(params, QStringLiteral("scope")));
    if (!scopes.contains(QStringLiteral("openid")))
        return fail(QStringLiteral("invalid_scope"), QStringLiteral("The scope must contain openid."));
    for (const QString &scope : scopes) {
        if (!supportedScopes().contains(scope))
            return fail(QStringLiteral("invalid_scope"), QStringLiteral("Unknown scope %1. Supported scopes: %2.")
                                                             .arg(scope.left(60), supportedScopes().join(QLatin1Char(' '))));
    }

    const QString nonce = fieldValue(params, QStringLiteral("nonce"));
    if (responseType->idToken && nonce.isEmpty())
        return fail(QStringLiteral("invalid_request"),
                    QStringLiteral("nonce is required when response_type contains id_token (OpenID Connect Core "
                                   "sections 3.2.2.1 and 3.3.2.11). The ID token arrives through the browser, and "
                                   "its nonce claim ties it to this request: send a fresh random nonce."));

    const QString challenge = fieldValue(params, QStringLiteral("code_challenge"));
    const bool hasMethod = hasField(params, QStringLiteral("code_challenge_method"));
    const QString method = fieldValue(params, QStringLiteral("code_challenge_method"));
    if (!challenge.isEmpty() || hasMethod) {
        if (challenge.isEmpty())
            return fail(QStringLiteral("invalid_request"),
                        QStringLiteral("code_challenge_method was sent without code_challenge."));
        if (!hasMethod)
            return fail(QStringLiteral("invalid_request"),
                        QStringLiteral("code_challenge_method is missing, so it would default to plain, which the "
                                       "sandbox rejects. Send code_challenge_method=S256."));
        if (method == QLatin1String("plain"))
            return fail(QStringLiteral("invalid_request"),
                        QStringLiteral("code_challenge_method=plain is not accepted; use S256."));
        if (method != QLatin1String("S256"))
            return fail(QStringLiteral("invalid_request"),
                        QStringLiteral("Unknown code_challenge_method %1; use S256.").arg(method.left(20)));
        if (!isValidS256Challenge(challenge))
            return fail(QStringLiteral("invalid_request"),
                        QStringLiteral("code_challenge must be 43 base64url characters: BASE64URL(SHA256(code_verifier)) "
                                       "without padding."));
    } else if (client->requiresPkce() && responseType->code) {
        return fail(QStringLiteral("invalid_request"),
                    QStringLiteral("PKCE is required for the public client %1: send code_challenge and "
                                   "code_challenge_method=S256.").arg(client->id));
    }

    const QStringList prompts = fieldValue(params, QStringLiteral("prompt")).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &prompt : prompts) {
        if (prompt != QLatin1String("none") && prompt != QLatin1String("login") && prompt != QLatin1String("consent")
            && prompt != QLatin1String("select_account"))
            return fail(QStringLiteral("invalid_request"), QStringLiteral("Unknown prompt value %1.").arg(prompt.left(40)));
    }
    const bool promptNone = prompts.contains(QStringLiteral("none"));
    if (promptNone && prompts.size() > 1)
        return fail(QStringLiteral("invalid_request"),
                    QStringLiteral("prompt=none cannot be combined with other prompt values (OpenID Connect Core "
                                   "section 3.1.2.1)."));

    // auth_profile is a sandbox parameter, as backends-as-a-service have their own for this.
    QString authProfile = QString::fromLatin1(openProfileName);
    if (hasField(params, QStringLiteral("auth_profile"))) {
        authProfile = fieldValue(params, QStringLiteral("auth_profile"));
        if (!m_users.findProfile(authProfile))
            return fail(QStringLiteral("invalid_request"),
                        QStringLiteral("auth_profile \"%1\" is unknown; use %2 (anyone may sign up, role %3) or %4 "
                                       "(only addresses @%5 may sign up, role %6).")
                            .arg(authProfile.left(40), QLatin1String(openProfileName), QLatin1String(guestRole),
                                 QLatin1String(employeesProfileName), m_users.employeesDomain(),
                                 QLatin1String(employeeRole)));
    }

    ValidatedAuthorizationRequest validated;
    validated.promptNone = promptNone;
    validated.promptLogin = prompts.contains(QStringLiteral("login"));
    PendingSignIn &signIn = validated.signIn;
    signIn.clientId = client->id;
    signIn.redirectUri = redirectUri;
    signIn.responseType = *responseType;
    signIn.responseMode = responseMode;
    signIn.state = state;
    signIn.nonce = nonce;
    signIn.scope = scopes.join(QLatin1Char(' '));
    signIn.codeChallenge = challenge;
    signIn.loginHint = fieldValue(params, QStringLiteral("login_hint"));
    signIn.authProfile = authProfile;
    return validated;
}

HttpResponse IdentityProvider::beginSignIn(const ValidatedAuthorizationRequest &request, const HttpRequest &httpRequest)
{
    // Single sign-on: the browser's session cookie from an earlier sign-in replaces the password,
    // unless the client asked for the login page with prompt=login.
    const std::optional<LoginSessions::Session> session = m_sessions.find(httpRequest, m_clock->now());
    const UserAccount *sessionUser = session ? m_users.findBySub(session->sub) : nullptr;
    if (sessionUser && !request.promptLogin && request.signIn.deviceCode.isEmpty()) {
        qCInfo(lcSandbox) << "sign-in session reused for client" << request.signIn.clientId;
        return completeAuthorization(request.signIn, *sessionUser);
    }
    if (request.promptNone)
        return redirectWithError(request.signIn.redirectUri, request.signIn.responseMode, request.signIn.state,
                                 QStringLiteral("login_required"),
                                 QStringLiteral("prompt=none was requested, but this browser has no sign-in session at "
                                                "the sandbox."));
    PendingSignIn signIn = request.signIn;
    signIn.createdAt = m_clock->now();
    const QString requestId = storeSignIn(signIn);
    return renderSignIn(requestId, signIn, signIn.loginHint, QString());
}

QString IdentityProvider::storeSignIn(const PendingSignIn &signIn)
{
    if (m_signIns.size() >= maxPendingSignIns) {
        auto oldest = m_signIns.begin();
        for (auto it = m_signIns.begin(); it != m_signIns.end(); ++it) {
            if (it->createdAt < oldest->createdAt)
                oldest = it;
        }
        m_signIns.erase(oldest);
    }
    const QString requestId = randomToken(24);
    m_signIns.insert(requestId, signIn);
    return requestId;
}

HttpResponse IdentityProvider::login(const HttpRequest &request)
{
    removeExpired();
    const auto errorPage = [](int status, const QString &message) {
        qCInfo(lcSandbox).noquote() << "sign-in form rejected:" << message;
        return HttpResponse::html(status, renderErrorPage(QStringLiteral("Sign-in failed"), message));
    };
    if (request.mediaType() != formMediaType.toLatin1())
        return errorPage(415, QStringLiteral("The sign-in form must be posted as application/x-www-form-urlencoded."));
    oidc::FormFields form;
    QString parseError;
    if (!oidc::formDecodeFields(request.body, &form, &parseError))
        return errorPage(400, parseError);

    const QString requestId = fieldValue(form, QStringLiteral("request_id"));
    const auto found = m_signIns.constFind(requestId);
    if (requestId.isEmpty() || found == m_signIns.constEnd())
        return errorPage(400, QStringLiteral("This sign-in request is unknown or has expired (they last %1 minutes). "
                                             "Start the sign-in again from the app.")
                                  .arg(signInLifetimeSeconds / 60));
    const PendingSignIn signIn = *found;

    if (fieldValue(form, QStringLiteral("action")) == QLatin1String("cancel")) {
        m_signIns.remove(requestId);
        if (!signIn.deviceCode.isEmpty())
            return cancelDeviceSignIn(signIn);
        return redirectWithError(signIn.redirectUri, signIn.responseMode, signIn.state, QStringLiteral("access_denied"),
                                 QStringLiteral("The user cancelled the sign-in."));
    }

    const QString email = fieldValue(form, QStringLiteral("email"));
    const UserAccount *user = m_users.checkPassword(email, fieldValue(form, QStringLiteral("password")));
    if (!user) {
        qCInfo(lcSandbox) << "sign-in with a wrong email or password for client" << signIn.clientId;
        return renderSignIn(requestId, signIn, email, QStringLiteral("Wrong email or password."));
    }
    return finishSignIn(requestId, signIn, *user);
}

HttpResponse IdentityProvider::finishSignIn(const QString &requestId, const PendingSignIn &signIn, const UserAccount &user)
{
    m_signIns.remove(requestId);
    HttpResponse response = signIn.deviceCode.isEmpty() ? completeAuthorization(signIn, user) : startDeviceConsent(signIn, user);
    response.addHeader("Set-Cookie", m_sessions.start(user.sub, m_clock->now()));
    return response;
}

bool IdentityProvider::hasPendingSignIn(const QString &requestId) const
{
    const auto found = m_signIns.constFind(requestId);
    return found != m_signIns.constEnd() && m_clock->now() - found->createdAt <= signInLifetimeSeconds;
}

HttpResponse IdentityProvider::completeExternalSignIn(const QString &requestId, const UserAccount &user)
{
    removeExpired();
    const auto found = m_signIns.constFind(requestId);
    if (requestId.isEmpty() || found == m_signIns.constEnd())
        return authorizationErrorPage(QStringLiteral("This sign-in request expired while you signed in at the other "
                                                     "provider (they last %1 minutes). Start the sign-in again from "
                                                     "the app.")
                                          .arg(signInLifetimeSeconds / 60));
    const PendingSignIn signIn = *found;
    m_signIns.remove(requestId);
    HttpResponse response = signIn.deviceCode.isEmpty() ? completeAuthorization(signIn, user) : startDeviceConsent(signIn, user);
    // A social sign-in starts a sandbox session too, as a broker does: the next login skips both providers.
    response.addHeader("Set-Cookie", m_sessions.start(user.sub, m_clock->now()));
    return response;
}

HttpResponse IdentityProvider::failExternalSignIn(const QString &requestId, const QString &error,
                                                  const QString &description)
{
    removeExpired();
    const auto found = m_signIns.constFind(requestId);
    if (requestId.isEmpty() || found == m_signIns.constEnd())
        return authorizationErrorPage(QStringLiteral("%1 This sign-in request has also expired, so the sandbox "
                                                     "cannot tell the app. Start the sign-in again from the app.")
                                          .arg(description));
    const PendingSignIn signIn = *found;
    m_signIns.remove(requestId);
    if (!signIn.deviceCode.isEmpty())
        return cancelDeviceSignIn(signIn);
    return redirectWithError(signIn.redirectUri, signIn.responseMode, signIn.state, error, description);
}

HttpResponse IdentityProvider::passwordGrant(const QString &clientId, const QString &username,
                                             const QString &password, const QString &scope)
{
    removeExpired();
    const ClientRegistration *client = findClient(clientId);
    if (!client)
        return tokenError(400, QStringLiteral("invalid_client"), QStringLiteral("Unknown client_id."));
    const oidc::FormFields form{{QStringLiteral("username"), username},
                                {QStringLiteral("password"), password},
                                {QStringLiteral("scope"), scope}};
    return issuePasswordTokens(form, *client);
}

HttpResponse IdentityProvider::completeAuthorization(const PendingSignIn &signIn, const UserAccount &user)
{
    if (faultActs(SandboxFault::ConsentDenied))
        return redirectWithError(signIn.redirectUri, signIn.responseMode, signIn.state, QStringLiteral("access_denied"),
                                 QStringLiteral("The user declined to give %1 access (the consent-denied fault is on).")
                                     .arg(signIn.clientId));
    const ResponseType &type = signIn.responseType;
    const qint64 now = m_clock->now();
    // The code and the tokens of one response share a grant, so that a reused code also
    // revokes the access token that came with it.
    const QString grantId = randomToken(16);
    oidc::FormFields fields;

    QString code;
    if (type.code) {
        CodeGrant grant;
        grant.clientId = signIn.clientId;
        grant.redirectUri = signIn.redirectUri;
        grant.scope = signIn.scope;
        grant.nonce = signIn.nonce;
        grant.codeChallenge = signIn.codeChallenge;
        grant.sub = user.sub;
        grant.grantId = grantId;
        grant.authTime = now;
        grant.issuedAt = now;
        code = randomToken(32);
        m_codes.insert(code, grant);
        fields.append({QStringLiteral("code"), code});
    }

    QString error;
    QByteArray accessToken;
    if (type.token) {
        const QJsonObject claims = userAccessClaims(user, signIn.clientId, signIn.scope, now);
        const std::optional<QByteArray> signedToken = signAccessToken(claims, grantId, &error);
        if (!signedToken) {
            qCWarning(lcSandbox).noquote() << "signing an access token failed:" << error;
            return redirectWithError(signIn.redirectUri, signIn.responseMode, signIn.state,
                                     QStringLiteral("server_error"), QStringLiteral("Signing the access token failed."));
        }
        accessToken = *signedToken;
        fields.append({QStringLiteral("access_token"), QString::fromLatin1(accessToken)});
        fields.append({QStringLiteral("token_type"), QStringLiteral("Bearer")});
        fields.append({QStringLiteral("expires_in"), QString::number(tokenLifetimeSeconds)});
    }

    if (type.idToken) {
        const std::optional<QByteArray> idToken =
            signIdToken(signIn.clientId, user, signIn.scope, now, signIn.nonce, accessToken, code, &error);
        if (!idToken) {
            qCWarning(lcSandbox).noquote() << "signing an ID token failed:" << error;
            return redirectWithError(signIn.redirectUri, signIn.responseMode, signIn.state,
                                     QStringLiteral("server_error"), QStringLiteral("Signing the ID token failed."));
        }
        fields.append({QStringLiteral("id_token"), QString::fromLatin1(*idToken)});
    }

    if (signIn.state)
        fields.append({QStringLiteral("state"), *signIn.state});
    fields.append({QStringLiteral("iss"), m_issuer});
    if (type.issuesTokenAtAuthorization())
        qCInfo(lcSandbox) << "issued tokens at the authorization endpoint to client" << signIn.clientId;
    return buildAuthorizationResponse(signIn.redirectUri, signIn.responseMode, fields);
}

HttpResponse IdentityProvider::tokenError(int status, const QString &error, const QString &description) const
{
    qCInfo(lcSandbox).noquote() << "token request rejected:" << error;
    HttpResponse response = HttpResponse::json(
        status, QJsonObject{{QStringLiteral("error"), error},
                            {QStringLiteral("error_description"), safeErrorDescription(description)}});
    response.addHeader("Cache-Control", "no-store");
    response.addHeader("Pragma", "no-cache");
    return response;
}

HttpResponse IdentityProvider::token(const HttpRequest &request)
{
    removeExpired();
    oidc::FormFields form;
    const ClientRegistration *client = nullptr;
    if (std::optional<HttpResponse> failure = readClientRequest(request, "token", &form, &client, 400))
        return *failure;

    const QString grantType = fieldValue(form, QStringLiteral("grant_type"));
    if (grantType.isEmpty())
        return tokenError(400, QStringLiteral("invalid_request"), QStringLiteral("The request has no grant_type."));
    if (grantType == QLatin1String("authorization_code"))
        return redeemCode(form, *client);
    if (grantType == QLatin1String("refresh_token"))
        return redeemRefreshToken(form, *client);
    if (grantType == QLatin1String("client_credentials"))
        return issueClientToken(form, *client);
    if (grantType == QLatin1String("password"))
        return issuePasswordTokens(form, *client);
    if (grantType == QLatin1String("urn:ietf:params:oauth:grant-type:device_code"))
        return redeemDeviceCode(form, *client);
    return tokenError(400, QStringLiteral("unsupported_grant_type"),
                      QStringLiteral("grant_type %1 is not supported; use authorization_code, refresh_token, "
                                     "client_credentials, password or urn:ietf:params:oauth:grant-type:device_code.")
                          .arg(grantType.left(60)));
}

HttpResponse IdentityProvider::redeemCode(const oidc::FormFields &form, const ClientRegistration &client)
{
    const QString invalidGrant = QStringLiteral("invalid_grant");
    const QString code = fieldValue(form, QStringLiteral("code"));
    if (code.isEmpty())
        return tokenError(400, QStringLiteral("invalid_request"), QStringLiteral("The request has no code."));
    const auto found = m_codes.find(code);
    if (found == m_codes.end())
        return tokenError(400, invalidGrant, QStringLiteral("The authorization code is unknown or has expired."));
    CodeGrant &grant = *found;
    if (grant.clientId != client.id)
        return tokenError(400, invalidGrant, QStringLiteral("The authorization code was issued to another client."));

    if (grant.redeemed) {
        // RFC 6749 section 4.1.2: a second use should revoke what the first one issued.
        revokeGrant(grant.grantId, "reused authorization code");
        return tokenError(400, invalidGrant,
                          QStringLiteral("The authorization code was already used. The sandbox revoked the tokens "
                                         "issued for it, because a reused code may have been stolen."));
    }
    // Any attempt uses the code up, so a wrong verifier cannot be retried with guesses.
    grant.redeemed = true;

    if (m_clock->now() - grant.issuedAt > codeLifetimeSeconds)
        return tokenError(400, invalidGrant,
                          QStringLiteral("The authorization code expired; codes are valid for %1 seconds.")
                              .arg(codeLifetimeSeconds));
    if (!hasField(form, QStringLiteral("redirect_uri")))
        return tokenError(400, invalidGrant,
                          QStringLiteral("The request has no redirect_uri; send the one used in the authorization request."));
    if (fieldValue(form, QStringLiteral("redirect_uri")) != grant.redirectUri)
        return tokenError(400, invalidGrant,
                          QStringLiteral("redirect_uri differs from the one in the authorization request; it must "
                                         "match exactly."));

    const bool hasVerifier = hasField(form, QStringLiteral("code_verifier"));
    const QString verifier = fieldValue(form, QStringLiteral("code_verifier"));
    if (!grant.codeChallenge.isEmpty()) {
        if (!hasVerifier)
            return tokenError(400, invalidGrant,
                              QStringLiteral("code_verifier is missing, but the authorization request had a code_challenge."));
        if (!isValidCodeVerifier(verifier))
            return tokenError(400, invalidGrant,
                              QStringLiteral("code_verifier must be 43 to 128 characters from A-Z a-z 0-9 - . _ ~ "
                                             "(RFC 7636 section 4.1)."));
        if (!constantTimeEquals(s256Challenge(verifier), grant.codeChallenge))
            return tokenError(400, invalidGrant,
                              QStringLiteral("code_verifier does not match the code_challenge: "
                                             "BASE64URL(SHA256(code_verifier)) differs."));
    } else if (hasVerifier) {
        return tokenError(400, invalidGrant,
                          QStringLiteral("code_verifier was sent, but the authorization request had no code_challenge."));
    }

    return issueTokens(client, grant.sub, grant.scope, grant.authTime, grant.nonce, grant.grantId);
}

HttpResponse IdentityProvider::redeemRefreshToken(const oidc::FormFields &form, const ClientRegistration &client)
{
    const QString invalidGrant = QStringLiteral("invalid_grant");
    const QString token = fieldValue(form, QStringLiteral("refresh_token"));
    if (token.isEmpty())
        return tokenError(400, QStringLiteral("invalid_request"), QStringLiteral("The request has no refresh_token."));
    const auto found = m_refreshTokens.find(token);
    if (found == m_refreshTokens.end())
        return tokenError(400, invalidGrant, QStringLiteral("The refresh token is unknown, expired or revoked."));
    RefreshGrant &record = *found;
    if (record.clientId != client.id)
        return tokenError(400, invalidGrant, QStringLiteral("The refresh token was issued to another client."));
    if (faultActs(SandboxFault::RefreshTokenRevoked))
        return tokenError(400, invalidGrant,
                          QStringLiteral("The refresh token has been revoked (the refresh-token-revoked fault is on). "
                                         "Sign in again to get a new one."));
    if (record.rotated) {
        revokeGrant(record.grantId, "reused refresh token");
        return tokenError(400, invalidGrant,
                          QStringLiteral("The refresh token was already used and replaced by a newer one. Reuse can "
                                         "mean it leaked, so the sandbox revoked every token of this grant."));
    }

    QString scope = record.scope;
    if (hasField(form, QStringLiteral("scope"))) {
        const QStringList granted = splitScope(record.scope);
        const QStringList requested = splitScope(fieldValue(form, QStringLiteral("scope")));
        for (const QString &item : requested) {
            if (!granted.contains(item))
                return tokenError(400, QStringLiteral("invalid_scope"),
                                  QStringLiteral("Scope %1 was not granted; a refresh can only keep or narrow the "
                                                 "original scope.").arg(item.left(60)));
        }
        if (requested.isEmpty())
            return tokenError(400, QStringLiteral("invalid_scope"), QStringLiteral("The scope parameter is empty."));
        scope = requested.join(QLatin1Char(' '));
    }

    record.rotated = true;
    const RefreshGrant previous = record;
    return issueTokens(client, previous.sub, scope, previous.authTime, QString(), previous.grantId);
}

HttpResponse IdentityProvider::issueTokens(const ClientRegistration &client, const QString &sub, const QString &scope,
                                           qint64 authTime, const QString &nonce, const QString &grantId)
{
    const UserAccount *user = m_users.findBySub(sub);
    if (!user)
        return tokenError(400, QStringLiteral("invalid_grant"), QStringLiteral("The user of this grant no longer exists."));
    const QStringList scopes = splitScope(scope);
    const qint64 now = m_clock->now();

    const QJsonObject accessClaims = userAccessClaims(*user, client.id, scope, authTime);
    QString error;
    const std::optional<QByteArray> accessToken = signAccessToken(accessClaims, grantId, &error);
    if (!accessToken) {
        qCWarning(lcSandbox).noquote() << "signing an access token failed:" << error;
        return tokenError(500, QStringLiteral("server_error"), QStringLiteral("Signing the access token failed."));
    }

    QJsonObject response = bearerTokenResponse(*accessToken, tokenLifetimeSeconds, scope);

    if (scopes.contains(QStringLiteral("openid"))) {
        const std::optional<QByteArray> idToken =
            signIdToken(client.id, *user, scope, authTime, nonce, *accessToken, QString(), &error);
        if (!idToken) {
            qCWarning(lcSandbox).noquote() << "signing an ID token failed:" << error;
            return tokenError(500, QStringLiteral("server_error"), QStringLiteral("Signing the ID token failed."));
        }
        response.insert(QStringLiteral("id_token"), QString::fromLatin1(*idToken));
    }

    // The sandbox issues a refresh token with every token response, whether or not
    // offline_access was requested, so that refresh can always be tried.
    const QString refreshToken = randomToken(32);
    RefreshGrant refresh;
    refresh.clientId = client.id;
    refresh.scope = scope;
    refresh.sub = user->sub;
    refresh.grantId = grantId;
    refresh.authTime = authTime;
    refresh.issuedAt = now;
    refresh.expiresAt = now + refreshTokenLifetimeSeconds;
    m_refreshTokens.insert(refreshToken, refresh);
    response.insert(QStringLiteral("refresh_token"), refreshToken);

    qCInfo(lcSandbox).noquote() << "issued tokens to client" << client.id;
    return tokenSuccess(response);
}

HttpResponse IdentityProvider::issueClientToken(const oidc::FormFields &form, const ClientRegistration &client)
{
    if (client.isPublic)
        return tokenError(400, QStringLiteral("unauthorized_client"),
                          QStringLiteral("The client credentials grant needs a confidential client; %1 is public. Use %2 "
                                         "with its client secret.")
                              .arg(client.id, SandboxServer::confidentialClientId()));
    const QStringList clientScopes = SandboxServer::clientCredentialsScopes();
    const QStringList requested = splitScope(fieldValue(form, QStringLiteral("scope")));
    for (const QString &scope : requested) {
        if (!clientScopes.contains(scope))
            return tokenError(400, QStringLiteral("invalid_scope"),
                              QStringLiteral("Scope %1 cannot be granted to a client acting for itself; allowed: %2. "
                                             "openid, profile, email and offline_access describe a user.")
                                  .arg(scope.left(60), clientScopes.join(QLatin1Char(' '))));
    }
    const QString scope = (requested.isEmpty() ? clientScopes : requested).join(QLatin1Char(' '));
    const QJsonObject claims{{QStringLiteral("sub"), client.id},
                             {QStringLiteral("client_id"), client.id},
                             {QStringLiteral("scope"), scope}};
    QString error;
    // Each client token is a grant of its own, so revoking it touches no other token.
    const std::optional<QByteArray> accessToken = signAccessToken(claims, randomToken(16), &error);
    if (!accessToken) {
        qCWarning(lcSandbox).noquote() << "signing a client access token failed:" << error;
        return tokenError(500, QStringLiteral("server_error"), QStringLiteral("Signing the access token failed."));
    }
    // No refresh token: the client can ask again with its credentials (RFC 6749 section 4.4.3).
    const QJsonObject response = bearerTokenResponse(*accessToken, tokenLifetimeSeconds, scope);
    qCInfo(lcSandbox).noquote() << "issued a client token to" << client.id;
    return tokenSuccess(response);
}

HttpResponse IdentityProvider::issuePasswordTokens(const oidc::FormFields &form, const ClientRegistration &client)
{
    for (const QString &name : {QStringLiteral("username"), QStringLiteral("password")}) {
        if (fieldValue(form, name).isEmpty())
            return tokenError(400, QStringLiteral("invalid_request"),
                              QStringLiteral("The request has no %1. The password grant needs username (the user's "
                                             "e-mail address) and password.")
                                  .arg(name));
    }
    const QStringList scopes = splitScope(fieldValue(form, QStringLiteral("scope")));
    if (scopes.isEmpty())
        return tokenError(400, QStringLiteral("invalid_scope"),
                          QStringLiteral("The request has no scope. Ask for openid (for an ID token), and profile, "
                                         "email or offline_access as needed."));
    for (const QString &scope : scopes) {
        if (!supportedScopes().contains(scope))
            return tokenError(400, QStringLiteral("invalid_scope"),
                              QStringLiteral("Unknown scope %1. Supported scopes: %2.")
                                  .arg(scope.left(60), supportedScopes().join(QLatin1Char(' '))));
    }

    const UserAccount *user =
        m_users.checkPassword(fieldValue(form, QStringLiteral("username")), fieldValue(form, QStringLiteral("password")));
    if (!user) {
        qCInfo(lcSandbox) << "password grant with a wrong username or password for client" << client.id;
        return tokenError(400, QStringLiteral("invalid_grant"), QStringLiteral("The username or password is wrong."));
    }
    // The user signs in with this request, so it is also the authentication time. The ID token
    // has no nonce because it comes straight from the token endpoint, as in the refresh grant.
    return issueTokens(client, user->sub, scopes.join(QLatin1Char(' ')), m_clock->now(), QString(), randomToken(16));
}

qint64 IdentityProvider::tokenIssuedAt() const
{
    qint64 issuedAt = m_clock->now();
    if (faultActs(SandboxFault::ExpiredTokens))
        issuedAt -= tokenLifetimeSeconds + FaultSwitchboard::expiredAgoSeconds;
    if (faultActs(SandboxFault::ClockSkew))
        issuedAt += FaultSwitchboard::clockSkewSeconds;
    return issuedAt;
}

QJsonObject IdentityProvider::userAccessClaims(const UserAccount &user, const QString &clientId, const QString &scope,
                                               qint64 authTime)
{
    return QJsonObject{{QStringLiteral("sub"), user.sub},
                       {QStringLiteral("client_id"), clientId},
                       {QStringLiteral("scope"), scope},
                       {QStringLiteral("auth_time"), authTime},
                       {QStringLiteral("roles"), QJsonArray{user.role}},
                       {QStringLiteral("auth_profile"), user.authProfile}};
}

std::optional<QByteArray> IdentityProvider::signAccessToken(QJsonObject claims, const QString &grantId, QString *error)
{
    const qint64 issuedAt = tokenIssuedAt();
    const QString jti = randomToken(16);
    claims.insert(QStringLiteral("iss"), m_issuer);
    claims.insert(QStringLiteral("aud"), graphqlUrl());
    claims.insert(QStringLiteral("iat"), issuedAt);
    claims.insert(QStringLiteral("exp"), issuedAt + tokenLifetimeSeconds);
    claims.insert(QStringLiteral("jti"), jti);
    faultActs(SandboxFault::KeyRotation);
    const QJsonObject header{{QStringLiteral("kid"), activeKeyId()}, {QStringLiteral("typ"), QStringLiteral("at+jwt")}};
    std::optional<QByteArray> token = jose::signCompact(QStringLiteral("RS256"), activeSigningKey(), header, claims, error);
    if (token)
        m_accessTokens.insert(jti, AccessTokenRecord{grantId, issuedAt + tokenLifetimeSeconds});
    return token;
}

std::optional<QByteArray> IdentityProvider::signIdToken(const QString &clientId, const UserAccount &user,
                                                        const QString &scope, qint64 authTime, const QString &nonce,
                                                        const QByteArray &accessToken, const QString &code,
                                                        QString *error) const
{
    const QString rs256 = QStringLiteral("RS256");
    const QStringList scopes = splitScope(scope);
    const qint64 issuedAt = tokenIssuedAt();
    QJsonObject claims;
    claims.insert(QStringLiteral("iss"),
                  faultActs(SandboxFault::WrongIssuer) ? m_issuer + QLatin1Char('/') : m_issuer);
    claims.insert(QStringLiteral("sub"), user.sub);
    claims.insert(QStringLiteral("aud"),
                  faultActs(SandboxFault::WrongAudience) ? FaultSwitchboard::otherClientId : clientId);
    claims.insert(QStringLiteral("iat"), issuedAt);
    claims.insert(QStringLiteral("exp"), issuedAt + tokenLifetimeSeconds);
    // Providers that set nbf set it to iat, so with clock-skew it lies in the future as well.
    if (m_faults && m_faults->isOn(SandboxFault::ClockSkew))
        claims.insert(QStringLiteral("nbf"), issuedAt);
    claims.insert(QStringLiteral("auth_time"), authTime);
    // The nonce faults act only on ID tokens whose request sent a nonce.
    if (!nonce.isEmpty() && !faultActs(SandboxFault::MissingNonce))
        claims.insert(QStringLiteral("nonce"), faultActs(SandboxFault::WrongNonce) ? randomToken(16) : nonce);
    // at_hash and c_hash bind the ID token to the access token and code sent with it
    // (OpenID Connect Core sections 3.2.2.10 and 3.3.2.11).
    if (!accessToken.isEmpty())
        claims.insert(QStringLiteral("at_hash"), QString::fromLatin1(jose::halfHash(rs256, accessToken)));
    if (!code.isEmpty())
        claims.insert(QStringLiteral("c_hash"), QString::fromLatin1(jose::halfHash(rs256, code.toLatin1())));
    if (scopes.contains(QStringLiteral("email"))) {
        claims.insert(QStringLiteral("email"), user.email);
        claims.insert(QStringLiteral("email_verified"), true);
    }
    if (scopes.contains(QStringLiteral("profile")))
        claims.insert(QStringLiteral("name"), user.name);
    // Roles are not tied to a scope, so that every client of the backend can check them.
    claims.insert(QStringLiteral("roles"), QJsonArray{user.role});
    claims.insert(QStringLiteral("auth_profile"), user.authProfile);
    QJsonObject header{{QStringLiteral("typ"), QStringLiteral("JWT")}};
    faultActs(SandboxFault::KeyRotation);
    if (!faultActs(SandboxFault::KidAbsentMultipleKeys))
        header.insert(QStringLiteral("kid"), activeKeyId());
    const std::optional<QByteArray> token = jose::signCompact(rs256, activeSigningKey(), header, claims, error);
    if (!token)
        return std::nullopt;
    return applySignatureFaults(*token);
}

QByteArray IdentityProvider::applySignatureFaults(const QByteArray &token) const
{
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3)
        return token;
    if (faultActs(SandboxFault::AlgNone)) {
        const QByteArray header = jose::base64UrlEncode(R"({"alg":"none","typ":"JWT"})");
        return header + '.' + parts.at(1) + '.';
    }
    if (faultActs(SandboxFault::BadSignature)) {
        QByteArray signature = jose::base64UrlDecode(parts.at(2)).value_or(QByteArray());
        if (!signature.isEmpty())
            signature[signature.size() / 2] = char(signature.at(signature.size() / 2) ^ 0x5a);
        return parts.at(0) + '.' + parts.at(1) + '.' + jose::base64UrlEncode(signature);
    }
    return token;
}

void IdentityProvider::revokeGrant(const QString &grantId, const char *reason)
{
    m_refreshTokens.removeIf([&grantId](const auto &entry) { return entry.value().grantId == grantId; });
    m_revokedGrants.insert(grantId);
    qCInfo(lcSandbox) << "revoked a grant:" << reason;
}

bool IdentityProvider::isAccessTokenRevoked(const QJsonObject &claims) const
{
    const QString jti = claims.value(QStringLiteral("jti")).toString();
    if (jti.isEmpty())
        return false;
    const auto record = m_accessTokens.constFind(jti);
    if (record == m_accessTokens.constEnd())
        return false;
    return record->revoked || m_revokedGrants.contains(record->grantId);
}

std::optional<QJsonObject> IdentityProvider::readOwnAccessToken(const QByteArray &token, QString *error) const
{
    const std::optional<jose::CompactJws> jws = jose::CompactJws::parse(token, error);
    if (!jws)
        return std::nullopt;
    if (jws->header.value(QStringLiteral("typ")).toString() != QLatin1String("at+jwt")) {
        *error = QStringLiteral("The token is not an access token (its typ is not at+jwt); send the access token, "
                                "not the ID token.");
        return std::nullopt;
    }
    return ownTokenClaims(*jws, error);
}

std::optional<QJsonObject> IdentityProvider::ownTokenClaims(const jose::CompactJws &jws, QString *error) const
{
    // The second key of key-rotation signs too, and kid-absent-multiple-keys leaves kid out of
    // ID tokens signed with the signing key.
    const jose::Key *key = nullptr;
    if (jws.kid() == m_keyId || jws.kid().isEmpty())
        key = &m_signingKey;
    else if (!m_secondKeyId.isEmpty() && jws.kid() == m_secondKeyId)
        key = &m_secondKey;
    if (jws.alg() != QLatin1String("RS256") || !key) {
        *error = QStringLiteral("The token was not signed with the sandbox's key (alg or kid differ).");
        return std::nullopt;
    }
    if (!jose::verifySignature(jws.alg(), *key, jws.signingInput, jws.signature, error))
        return std::nullopt;
    if (jws.claims.value(QStringLiteral("iss")).toString() != m_issuer) {
        *error = QStringLiteral("The token's issuer is not this sandbox.");
        return std::nullopt;
    }
    return jws.claims;
}

std::optional<QJsonObject> IdentityProvider::verifyAccessToken(const QByteArray &token, QString *error) const
{
    const std::optional<QJsonObject> read = readOwnAccessToken(token, error);
    if (!read)
        return std::nullopt;
    const QJsonObject &claims = *read;
    if (!audienceContains(claims.value(QStringLiteral("aud")), graphqlUrl())) {
        *error = QStringLiteral("The token's audience %1 is not the sandbox API.").arg(audienceText(claims.value(QStringLiteral("aud"))));
        return std::nullopt;
    }
    if (claims.value(QStringLiteral("exp")).toInteger() <= m_clock->now()) {
        *error = QStringLiteral("The access token expired.");
        return std::nullopt;
    }
    if (isAccessTokenRevoked(claims)) {
        *error = QStringLiteral("The access token was revoked.");
        return std::nullopt;
    }
    return claims;
}

HttpResponse IdentityProvider::userinfo(const HttpRequest &request)
{
    const auto unauthorized = [](const QString &error, const QString &description) {
        // Without credentials RFC 6750 section 3.1 wants no error code, only the challenge.
        QJsonObject body{{QStringLiteral("error_description"), safeErrorDescription(description)}};
        if (!error.isEmpty())
            body.insert(QStringLiteral("error"), error);
        HttpResponse response = HttpResponse::json(401, body);
        response.addHeader("WWW-Authenticate", bearerChallenge(error, description));
        response.addHeader("Cache-Control", "no-store");
        return response;
    };

    const QByteArray authorization = request.header("Authorization").trimmed();
    if (authorization.isEmpty())
        return unauthorized(QString(), QStringLiteral("The request has no access token: send Authorization: Bearer <access token>."));
    if (authorization.size() < 8 || authorization.first(7).compare("Bearer ", Qt::CaseInsensitive) != 0)
        return unauthorized(QString(), QStringLiteral("The userinfo endpoint accepts only Bearer tokens."));

    QString error;
    const std::optional<QJsonObject> claims = verifyAccessToken(authorization.sliced(7).trimmed(), &error);
    if (!claims)
        return unauthorized(QStringLiteral("invalid_token"), error);

    const UserAccount *user = m_users.findBySub(claims->value(QStringLiteral("sub")).toString());
    if (!user)
        return unauthorized(QStringLiteral("invalid_token"), QStringLiteral("The token's subject is unknown."));
    const QStringList scopes = splitScope(claims->value(QStringLiteral("scope")).toString());
    QJsonObject info{{QStringLiteral("sub"),
                       faultActs(SandboxFault::UserinfoSubMismatch) ? FaultSwitchboard::otherSubject : user->sub}};
    if (scopes.contains(QStringLiteral("email"))) {
        info.insert(QStringLiteral("email"), user->email);
        info.insert(QStringLiteral("email_verified"), true);
    }
    if (scopes.contains(QStringLiteral("profile")))
        info.insert(QStringLiteral("name"), user->name);
    HttpResponse response = HttpResponse::json(200, info);
    response.addHeader("Cache-Control", "no-store");
    return response;
}

} // namespace afx::sandbox
