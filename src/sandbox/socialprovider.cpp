#include "sandbox/socialprovider.h"

#include "sandbox/formcodec.h"
#include "sandbox/httpserveradapter.h"
#include "sandbox/identityprovider.h"
#include "sandbox/loginpages.h"
#include "sandbox/logging.h"
#include "sandbox/providerhelpers.h"

#include "jose/base64url.h"
#include "jose/jws.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace afx::sandbox {

namespace {

// code_verifier syntax of RFC 7636 section 4.1: 43 to 128 unreserved characters.
bool isValidCodeVerifier(const QString &verifier)
{
    if (verifier.size() < 43 || verifier.size() > 128)
        return false;
    return std::all_of(verifier.begin(), verifier.end(), [](QChar c) {
        const char16_t u = c.unicode();
        return (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' || u == '.'
            || u == '_' || u == '~';
    });
}

QString s256Challenge(const QString &verifier)
{
    return QString::fromLatin1(
        jose::base64UrlEncode(QCryptographicHash::hash(verifier.toLatin1(), QCryptographicHash::Sha256)));
}

const QStringList &socialScopes()
{
    static const QStringList scopes{QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("email")};
    return scopes;
}

template<typename Map>
void dropOldest(Map &map, qsizetype limit, qint64 (*age)(const typename Map::mapped_type &))
{
    while (map.size() >= limit) {
        auto oldest = map.begin();
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (age(*it) < age(*oldest))
                oldest = it;
        }
        map.erase(oldest);
    }
}

} // namespace

SocialProvider::SocialProvider(const SandboxClock *clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
{
}

SocialProvider::~SocialProvider()
{
    stop();
}

QString SocialProvider::displayName()
{
    return QStringLiteral("Example Social");
}

QString SocialProvider::demoEmail()
{
    return QStringLiteral("social.user@social.example");
}

QString SocialProvider::demoPassword()
{
    return QStringLiteral("social-password");
}

QString SocialProvider::demoSubject()
{
    return QStringLiteral("example-social-4711");
}

bool SocialProvider::start(quint16 port, QString *error)
{
    if (m_server) {
        if (error)
            *error = QStringLiteral("%1 already runs on port %2.").arg(displayName()).arg(m_port);
        return false;
    }
    m_signingKey = jose::Key::generateRsa(2048);
    if (m_signingKey.isNull()) {
        if (error)
            *error = QStringLiteral("Generating the RSA-2048 signing key of %1 failed.").arg(displayName());
        return false;
    }
    m_keyId = QString::fromLatin1(m_signingKey.thumbprint());

    auto *server = new HttpServerAdapter(
        [this](const HttpRequest &request, const Respond &respond) { respond(route(request)); },
        [this](const HttpRequest &request, const HttpResponse &response) {
            qCDebug(lcSandbox).noquote() << "social:" << request.method << request.path << response.status;
            Q_EMIT requestServed(QString::fromLatin1(request.method), request.path, response.status);
        },
        this);
    QString listenError;
    const quint16 boundPort = server->listenOnLoopback(port, &listenError);
    if (boundPort == 0) {
        const QString message =
            QStringLiteral("%1 could not listen on 127.0.0.1:%2: %3").arg(displayName()).arg(port).arg(listenError);
        qCWarning(lcSandbox).noquote() << message;
        if (error)
            *error = message;
        delete server;
        return false;
    }
    m_server = server;
    m_port = boundPort;
    qCInfo(lcSandbox).noquote() << displayName() << "provider listening at" << issuer();
    return true;
}

void SocialProvider::stop()
{
    if (!m_server)
        return;
    delete m_server;
    m_server = nullptr;
    m_signIns.clear();
    m_codes.clear();
    qCInfo(lcSandbox).noquote() << displayName() << "provider on port" << m_port << "stopped";
    m_port = 0;
}

bool SocialProvider::isRunning() const
{
    return m_server != nullptr;
}

quint16 SocialProvider::port() const
{
    return m_port;
}

QString SocialProvider::issuer() const
{
    return m_server ? QStringLiteral("http://127.0.0.1:%1").arg(m_port) : QString();
}

QString SocialProvider::authority() const
{
    return m_server ? QStringLiteral("127.0.0.1:%1").arg(m_port) : QString();
}

void SocialProvider::registerClient(const QString &clientId, const QString &clientSecret, const QString &redirectUri)
{
    m_clientId = clientId;
    m_clientSecret = clientSecret;
    m_redirectUri = redirectUri;
}

QByteArray SocialProvider::jwksDocument() const
{
    const QJsonObject jwk = m_signingKey.toPublicJwk(m_keyId, QStringLiteral("RS256"), QStringLiteral("sig"));
    return QJsonDocument(QJsonObject{{QStringLiteral("keys"), QJsonArray{jwk}}}).toJson(QJsonDocument::Compact);
}

HttpResponse SocialProvider::route(const HttpRequest &request)
{
    const QString &path = request.path;
    const bool isGet = request.method == "GET";
    const bool isPost = request.method == "POST";
    if (path == QLatin1String("/.well-known/openid-configuration"))
        return isGet ? discovery() : HttpResponse::methodNotAllowed("GET");
    if (path == QLatin1String("/jwks"))
        return isGet ? jwks() : HttpResponse::methodNotAllowed("GET");
    if (path == QLatin1String("/authorize"))
        return isGet ? authorize(request) : HttpResponse::methodNotAllowed("GET");
    if (path == QLatin1String("/login"))
        return isPost ? login(request) : HttpResponse::methodNotAllowed("POST");
    if (path == QLatin1String("/token"))
        return isPost ? token(request) : HttpResponse::methodNotAllowed("POST");
    return HttpResponse::json(404, QJsonObject{{QStringLiteral("error"), QStringLiteral("not_found")},
                                               {QStringLiteral("error_description"),
                                                QStringLiteral("%1 has no resource at this path.").arg(displayName())}});
}

HttpResponse SocialProvider::discovery() const
{
    const QString base = issuer();
    QJsonObject metadata{
        {QStringLiteral("issuer"), base},
        {QStringLiteral("authorization_endpoint"), base + QStringLiteral("/authorize")},
        {QStringLiteral("token_endpoint"), base + QStringLiteral("/token")},
        {QStringLiteral("jwks_uri"), base + QStringLiteral("/jwks")},
        {QStringLiteral("response_types_supported"), QJsonArray{QStringLiteral("code")}},
        {QStringLiteral("response_modes_supported"), QJsonArray{QStringLiteral("query")}},
        {QStringLiteral("grant_types_supported"), QJsonArray{QStringLiteral("authorization_code")}},
        {QStringLiteral("subject_types_supported"), QJsonArray{QStringLiteral("public")}},
        {QStringLiteral("id_token_signing_alg_values_supported"), QJsonArray{QStringLiteral("RS256")}},
        {QStringLiteral("code_challenge_methods_supported"), QJsonArray{QStringLiteral("S256")}},
        {QStringLiteral("token_endpoint_auth_methods_supported"),
         QJsonArray{QStringLiteral("client_secret_basic"), QStringLiteral("client_secret_post")}},
        {QStringLiteral("scopes_supported"), QJsonArray::fromStringList(socialScopes())},
        {QStringLiteral("claims_supported"),
         QJsonArray{QStringLiteral("sub"), QStringLiteral("iss"), QStringLiteral("aud"), QStringLiteral("exp"),
                    QStringLiteral("iat"), QStringLiteral("auth_time"), QStringLiteral("nonce"),
                    QStringLiteral("email"), QStringLiteral("email_verified"), QStringLiteral("name")}},
        {QStringLiteral("authorization_response_iss_parameter_supported"), true},
    };
    HttpResponse response = HttpResponse::json(200, metadata);
    response.addHeader("Cache-Control", "public, max-age=300");
    return response;
}

HttpResponse SocialProvider::jwks() const
{
    HttpResponse response = HttpResponse::jsonBytes(200, jwksDocument());
    response.contentType = "application/jwk-set+json";
    response.addHeader("Cache-Control", "public, max-age=300");
    return response;
}

void SocialProvider::removeExpired()
{
    const qint64 now = m_clock->now();
    m_signIns.removeIf([now](const auto &entry) { return now - entry.value().createdAt > signInLifetimeSeconds; });
    // Redeemed codes stay a while longer, so that a second use gets "already used".
    m_codes.removeIf([now](const auto &entry) { return now - entry.value().issuedAt > 10 * codeLifetimeSeconds; });
}

HttpResponse SocialProvider::errorPage(int status, const QString &message) const
{
    qCInfo(lcSandbox).noquote() << displayName() << "rejected a request without redirect:" << message;
    return HttpResponse::html(status, renderErrorPage(QStringLiteral("%1 sign-in failed").arg(displayName()), message));
}

HttpResponse SocialProvider::redirectToClient(const QString &redirectUri, oidc::FormFields fields,
                                              const std::optional<QString> &state) const
{
    if (state)
        fields.append({QStringLiteral("state"), *state});
    // RFC 9207: the iss parameter names the provider that sent the response.
    fields.append({QStringLiteral("iss"), issuer()});
    return HttpResponse::redirect(redirectUri.toUtf8() + '?' + oidc::formEncodeFields(fields));
}

HttpResponse SocialProvider::renderLogin(const QString &requestId, const QString &email, const QString &error) const
{
    SocialSignInPage page;
    page.providerName = displayName();
    page.requestId = requestId;
    page.clientId = m_clientId;
    page.email = email;
    page.error = error;
    page.demoEmail = demoEmail();
    page.demoPassword = demoPassword();
    return HttpResponse::html(200, renderSocialSignInPage(page));
}

HttpResponse SocialProvider::authorize(const HttpRequest &request)
{
    removeExpired();
    oidc::FormFields params;
    QString parseError;
    if (!oidc::formDecodeFields(request.rawQuery, &params, &parseError))
        return errorPage(400, parseError);

    const QStringList repeated = repeatedFieldNames(params);
    if (!repeated.isEmpty())
        return errorPage(400, QStringLiteral("The parameter %1 appears more than once.").arg(repeated.first()));
    const QString clientId = fieldValue(params, QStringLiteral("client_id"));
    if (m_clientId.isEmpty() || clientId != m_clientId)
        return errorPage(400, QStringLiteral("Unknown client_id \"%1\". %2 knows only \"%3\".")
                                  .arg(clientId.left(100), displayName(), m_clientId));
    const QString redirectUri = fieldValue(params, QStringLiteral("redirect_uri"));
    if (redirectUri != m_redirectUri)
        return errorPage(400, QStringLiteral("The redirect_uri \"%1\" is not registered for %2; it must be exactly %3.")
                                  .arg(redirectUri.left(200), clientId, m_redirectUri));

    std::optional<QString> state;
    if (hasField(params, QStringLiteral("state")))
        state = fieldValue(params, QStringLiteral("state"));
    const auto fail = [&](const QString &error, const QString &description) {
        qCInfo(lcSandbox).noquote() << displayName() << "rejected an authorization request:" << error;
        return redirectToClient(redirectUri,
                                {{QStringLiteral("error"), error},
                                 {QStringLiteral("error_description"), safeErrorDescription(description)}},
                                state);
    };

    for (const QString &name : {QStringLiteral("state"), QStringLiteral("nonce"), QStringLiteral("scope")}) {
        if (fieldValue(params, name).size() > maxParameterLength)
            return fail(QStringLiteral("invalid_request"),
                        QStringLiteral("The parameter %1 is longer than %2 characters.").arg(name).arg(maxParameterLength));
    }
    if (fieldValue(params, QStringLiteral("response_type")) != QLatin1String("code"))
        return fail(QStringLiteral("unsupported_response_type"),
                    QStringLiteral("%1 supports only response_type=code.").arg(displayName()));
    const QStringList scopes = splitScope(fieldValue(params, QStringLiteral("scope")));
    if (!scopes.contains(QStringLiteral("openid")))
        return fail(QStringLiteral("invalid_scope"), QStringLiteral("The scope must contain openid."));
    for (const QString &scope : scopes) {
        if (!socialScopes().contains(scope))
            return fail(QStringLiteral("invalid_scope"), QStringLiteral("Unknown scope %1. Supported scopes: %2.")
                                                             .arg(scope.left(60), socialScopes().join(QLatin1Char(' '))));
    }
    const QString challenge = fieldValue(params, QStringLiteral("code_challenge"));
    if (fieldValue(params, QStringLiteral("code_challenge_method")) != QLatin1String("S256") || challenge.size() != 43)
        return fail(QStringLiteral("invalid_request"),
                    QStringLiteral("%1 requires PKCE: send a 43-character code_challenge with "
                                   "code_challenge_method=S256.")
                        .arg(displayName()));

    PendingSignIn signIn;
    signIn.redirectUri = redirectUri;
    signIn.state = state;
    signIn.nonce = fieldValue(params, QStringLiteral("nonce"));
    signIn.scope = scopes.join(QLatin1Char(' '));
    signIn.codeChallenge = challenge;
    signIn.createdAt = m_clock->now();
    dropOldest(m_signIns, maxPendingSignIns, [](const PendingSignIn &entry) { return entry.createdAt; });
    const QString requestId = randomToken(24);
    m_signIns.insert(requestId, signIn);
    return renderLogin(requestId, QString(), QString());
}

HttpResponse SocialProvider::login(const HttpRequest &request)
{
    removeExpired();
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
        qCInfo(lcSandbox).noquote() << displayName() << "sign-in cancelled by the user";
        return redirectToClient(signIn.redirectUri,
                                {{QStringLiteral("error"), QStringLiteral("access_denied")},
                                 {QStringLiteral("error_description"),
                                  QStringLiteral("The user cancelled the sign-in at %1.").arg(displayName())}},
                                signIn.state);
    }

    const QString email = fieldValue(form, QStringLiteral("email"));
    const bool emailMatches = email.trimmed().compare(demoEmail(), Qt::CaseInsensitive) == 0;
    const bool passwordMatches = constantTimeEquals(fieldValue(form, QStringLiteral("password")), demoPassword());
    if (!emailMatches || !passwordMatches) {
        qCInfo(lcSandbox).noquote() << displayName() << "sign-in with a wrong email or password";
        return renderLogin(requestId, email, QStringLiteral("Wrong email or password."));
    }
    m_signIns.remove(requestId);

    CodeGrant grant;
    grant.redirectUri = signIn.redirectUri;
    grant.nonce = signIn.nonce;
    grant.scope = signIn.scope;
    grant.codeChallenge = signIn.codeChallenge;
    grant.authTime = m_clock->now();
    grant.issuedAt = grant.authTime;
    dropOldest(m_codes, maxCodes, [](const CodeGrant &entry) { return entry.issuedAt; });
    const QString code = randomToken(32);
    m_codes.insert(code, grant);
    return redirectToClient(signIn.redirectUri, {{QStringLiteral("code"), code}}, signIn.state);
}

HttpResponse SocialProvider::tokenError(int status, const QString &error, const QString &description) const
{
    qCInfo(lcSandbox).noquote() << displayName() << "rejected a token request:" << error;
    HttpResponse response = HttpResponse::json(
        status, QJsonObject{{QStringLiteral("error"), error},
                            {QStringLiteral("error_description"), safeErrorDescription(description)}});
    response.addHeader("Cache-Control", "no-store");
    if (status == 401)
        response.addHeader("WWW-Authenticate", "Basic realm=\"example-social\"");
    return response;
}

std::optional<HttpResponse> SocialProvider::authenticateClient(const HttpRequest &request,
                                                               const oidc::FormFields &form) const
{
    QString clientId;
    QString secret;
    const QByteArray authorization = request.header("Authorization").trimmed();
    if (!authorization.isEmpty()) {
        if (authorization.size() < 7 || authorization.first(6).compare("Basic ", Qt::CaseInsensitive) != 0)
            return tokenError(401, QStringLiteral("invalid_client"), QStringLiteral("Use HTTP Basic client authentication."));
        const QByteArray decoded = QByteArray::fromBase64(authorization.sliced(6).trimmed());
        const qsizetype colon = decoded.indexOf(':');
        // RFC 6749 section 2.3.1: id and secret are form-encoded before they are joined.
        if (colon < 0 || !oidc::formDecode(decoded.first(colon), &clientId)
            || !oidc::formDecode(decoded.sliced(colon + 1), &secret))
            return tokenError(401, QStringLiteral("invalid_client"),
                              QStringLiteral("The Basic credentials are not client_id:client_secret."));
    } else {
        clientId = fieldValue(form, QStringLiteral("client_id"));
        secret = fieldValue(form, QStringLiteral("client_secret"));
    }
    if (m_clientId.isEmpty() || clientId != m_clientId || !constantTimeEquals(secret, m_clientSecret))
        return tokenError(401, QStringLiteral("invalid_client"),
                          QStringLiteral("Client authentication failed: unknown client or wrong secret."));
    return std::nullopt;
}

HttpResponse SocialProvider::token(const HttpRequest &request)
{
    removeExpired();
    if (request.mediaType() != formMediaType.toLatin1())
        return tokenError(400, QStringLiteral("invalid_request"),
                          QStringLiteral("The token request must be application/x-www-form-urlencoded."));
    oidc::FormFields form;
    QString parseError;
    if (!oidc::formDecodeFields(request.body, &form, &parseError))
        return tokenError(400, QStringLiteral("invalid_request"), parseError);
    if (std::optional<HttpResponse> failure = authenticateClient(request, form))
        return *failure;
    if (fieldValue(form, QStringLiteral("grant_type")) != QLatin1String("authorization_code"))
        return tokenError(400, QStringLiteral("unsupported_grant_type"),
                          QStringLiteral("%1 supports only grant_type=authorization_code.").arg(displayName()));

    const QString invalidGrant = QStringLiteral("invalid_grant");
    const auto found = m_codes.find(fieldValue(form, QStringLiteral("code")));
    if (found == m_codes.end())
        return tokenError(400, invalidGrant, QStringLiteral("The authorization code is unknown or has expired."));
    CodeGrant &grant = *found;
    if (grant.redeemed)
        return tokenError(400, invalidGrant, QStringLiteral("The authorization code was already used."));
    grant.redeemed = true;
    if (m_clock->now() - grant.issuedAt > codeLifetimeSeconds)
        return tokenError(400, invalidGrant,
                          QStringLiteral("The authorization code expired; codes are valid for %1 seconds.")
                              .arg(codeLifetimeSeconds));
    if (fieldValue(form, QStringLiteral("redirect_uri")) != grant.redirectUri)
        return tokenError(400, invalidGrant,
                          QStringLiteral("redirect_uri differs from the one in the authorization request."));
    const QString verifier = fieldValue(form, QStringLiteral("code_verifier"));
    if (!isValidCodeVerifier(verifier) || !constantTimeEquals(s256Challenge(verifier), grant.codeChallenge))
        return tokenError(400, invalidGrant,
                          QStringLiteral("code_verifier is missing or does not match the code_challenge."));

    QString error;
    std::optional<QByteArray> idToken = signIdToken(grant, &error);
    if (!idToken) {
        qCWarning(lcSandbox).noquote() << displayName() << "could not sign an ID token:" << error;
        return tokenError(500, QStringLiteral("server_error"), QStringLiteral("Signing the ID token failed."));
    }
    if (m_idTokenFilter)
        idToken = m_idTokenFilter(*idToken);

    // The access token is opaque: this provider has no API that would accept it.
    QJsonObject body{{QStringLiteral("access_token"), randomToken(32)},
                     {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                     {QStringLiteral("expires_in"), tokenLifetimeSeconds},
                     {QStringLiteral("scope"), grant.scope},
                     {QStringLiteral("id_token"), QString::fromLatin1(*idToken)}};
    qCInfo(lcSandbox).noquote() << displayName() << "issued tokens to client" << m_clientId;
    return tokenSuccess(body);
}

std::optional<QByteArray> SocialProvider::signIdToken(const CodeGrant &grant, QString *error) const
{
    const qint64 now = m_clock->now();
    const QStringList scopes = splitScope(grant.scope);
    QJsonObject claims{{QStringLiteral("iss"), issuer()},
                       {QStringLiteral("sub"), demoSubject()},
                       {QStringLiteral("aud"), m_clientId},
                       {QStringLiteral("iat"), now},
                       {QStringLiteral("exp"), now + tokenLifetimeSeconds},
                       {QStringLiteral("auth_time"), grant.authTime}};
    if (!grant.nonce.isEmpty())
        claims.insert(QStringLiteral("nonce"), grant.nonce);
    if (scopes.contains(QStringLiteral("email"))) {
        claims.insert(QStringLiteral("email"), demoEmail());
        claims.insert(QStringLiteral("email_verified"), true);
    }
    if (scopes.contains(QStringLiteral("profile")))
        claims.insert(QStringLiteral("name"), QStringLiteral("Sam Social"));
    const QJsonObject header{{QStringLiteral("kid"), m_keyId}, {QStringLiteral("typ"), QStringLiteral("JWT")}};
    return jose::signCompact(QStringLiteral("RS256"), m_signingKey, header, claims, error);
}

} // namespace afx::sandbox
