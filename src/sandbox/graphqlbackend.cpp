#include "sandbox/graphqlbackend.h"

#include "sandbox/faultswitchboard.h"
#include "sandbox/formcodec.h"
#include "sandbox/identityprovider.h"
#include "sandbox/logging.h"
#include "sandbox/orderedjson.h"
#include "sandbox/sandboxserver.h"

#include "flow/trace.h"
#include "jose/jws.h"
#include "oidc/formencoding.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace afx::sandbox {

namespace {

QByteArray errorsBody(const QString &message)
{
    OrderedJson error = OrderedJson::object();
    error.insert(QStringLiteral("message"), OrderedJson::string(message));
    OrderedJson errors = OrderedJson::array();
    errors.append(std::move(error));
    OrderedJson body = OrderedJson::object();
    body.insert(QStringLiteral("errors"), std::move(errors));
    return body.toJson();
}

HttpResponse errorResponse(int status, const QString &message)
{
    return HttpResponse::jsonBytes(status, errorsBody(message));
}

// 401 with the RFC 6750 section 3 challenge. Without an error code when no token was sent.
HttpResponse unauthorized(const QString &error, const QString &description)
{
    HttpResponse response = errorResponse(401, description);
    QByteArray challenge = "Bearer realm=\"sandbox\"";
    if (!error.isEmpty())
        challenge += ", error=\"" + error.toLatin1() + "\", error_description=\""
            + safeErrorDescription(description).toLatin1() + "\"";
    response.addHeader("WWW-Authenticate", challenge);
    return response;
}

QStringList audienceList(const QJsonValue &audience)
{
    if (audience.isString())
        return {audience.toString()};
    QStringList values;
    for (const QJsonValue &value : audience.toArray())
        values.append(value.toString());
    return values;
}

// The roles claim: an array of strings. Any other value, and any entry that is not a string,
// grants no role.
QStringList rolesFromClaim(const QJsonValue &claim)
{
    QStringList roles;
    for (const QJsonValue &value : claim.toArray()) {
        if (value.isString())
            roles.append(value.toString());
    }
    return roles;
}

QString secondsText(qint64 seconds)
{
    return seconds == 1 ? QStringLiteral("1 second") : QStringLiteral("%1 seconds").arg(seconds);
}

QList<QPair<QString, QString>> textHeaders(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QList<QPair<QString, QString>> text;
    for (const auto &[name, value] : headers)
        text.append({QString::fromLatin1(name), QString::fromLatin1(value)});
    return text;
}

// Limits of the backend's introspection request to the provider.
constexpr int introspectionTimeoutMs = 10000;
constexpr qint64 maxIntrospectionResponseBytes = 64 * 1024;

} // namespace

GraphqlBackend::GraphqlBackend(IdentityProvider *provider, const SandboxClock *clock)
    : m_provider(provider)
    , m_clock(clock)
    , m_executor(&m_todos)
{
    m_executor.setLoginHandler([this](const QString &email, const QString &password, QString *message, QString *code) {
        return login(email, password, message, code);
    });
    m_executor.setWriteCheck([this](const Viewer &viewer, const QString &fieldName, QString *message) {
        return checkWriteRole(viewer, fieldName, message);
    });
    // The provider is on 127.0.0.1, which a proxy from the environment must not see.
    m_network.setProxy(QNetworkProxy::NoProxy);
}

GraphqlBackend::~GraphqlBackend()
{
    // Introspection replies still in flight must not call back into this object.
    const QList<QNetworkReply *> replies = m_network.findChildren<QNetworkReply *>();
    for (QNetworkReply *reply : replies) {
        reply->disconnect();
        reply->abort();
    }
}

std::optional<LoginTokens> GraphqlBackend::login(const QString &email, const QString &password, QString *message,
                                                 QString *code)
{
    if (m_trace)
        m_trace->addSecret(password);
    const QString title = QStringLiteral("Check the password and issue tokens");
    const QString explanationKey = QStringLiteral("login-mutation-check");

    // The backend and the provider share one process, so the backend runs the provider's
    // password grant directly instead of sending it an HTTP request. Empty credentials are
    // wrong credentials here, while the grant reports them as a malformed request.
    const bool empty = email.trimmed().isEmpty() || password.isEmpty();
    const HttpResponse grant = empty ? HttpResponse::json(400, {{QStringLiteral("error"), QStringLiteral("invalid_grant")}})
                                     : m_provider->passwordGrant(SandboxServer::publicClientId(), email, password, loginScope);
    const QJsonObject body = QJsonDocument::fromJson(grant.body).object();
    if (grant.status != 200) {
        const QString error = body.value(QStringLiteral("error")).toString();
        if (error == QLatin1String("invalid_grant")) {
            *message = QStringLiteral("Invalid email or password.");
            *code = QStringLiteral("UNAUTHENTICATED");
            report(title, false, QStringLiteral("The email address or password is wrong, so the backend issued no tokens."),
                   explanationKey);
        } else {
            *message = QStringLiteral("The provider could not issue tokens: %1")
                           .arg(body.value(QStringLiteral("error_description")).toString());
            *code = QStringLiteral("INTERNAL_SERVER_ERROR");
            report(title, false, *message, explanationKey);
        }
        qCInfo(lcSandbox).noquote() << "login mutation failed:" << (error.isEmpty() ? QStringLiteral("no error code") : error);
        return std::nullopt;
    }

    LoginTokens tokens;
    tokens.idToken = body.value(QStringLiteral("id_token")).toString();
    tokens.refreshToken = body.value(QStringLiteral("refresh_token")).toString();
    tokens.accessToken = body.value(QStringLiteral("access_token")).toString();
    tokens.expiresIn = body.value(QStringLiteral("expires_in")).toInteger();
    if (m_trace) {
        for (const QString &token : {tokens.idToken, tokens.refreshToken, tokens.accessToken})
            m_trace->addSecret(token);
    }
    report(title, true,
           QStringLiteral("The password matches the sandbox user's, so the backend issued an ID token, an access token "
                          "and a refresh token for %1 (scope %2).")
               .arg(SandboxServer::publicClientId(), loginScope),
           explanationKey);
    qCInfo(lcSandbox) << "login mutation issued tokens";
    return tokens;
}

bool GraphqlBackend::checkWriteRole(const Viewer &viewer, const QString &fieldName, QString *message)
{
    const QString title = QStringLiteral("Check the role");
    const QString key = QStringLiteral("backend-role-check");
    const QString needed = QString::fromLatin1(employeeRole);
    if (viewer.roles.contains(needed)) {
        report(title, true,
               QStringLiteral("%1 changes data, so it needs the role %2, and the token's roles claim contains it.")
                   .arg(fieldName, needed),
               key);
        return true;
    }
    QString granted;
    if (viewer.roles.isEmpty())
        granted = QStringLiteral("no role (its roles claim is missing or empty)");
    else if (viewer.roles.size() == 1)
        granted = QStringLiteral("the role %1").arg(viewer.roles.constFirst().left(60));
    else
        granted = QStringLiteral("the roles %1").arg(viewer.roles.join(QStringLiteral(", ")).left(200));
    *message = QStringLiteral("%1 needs the role %2, but the token has %3.").arg(fieldName, needed, granted);
    report(title, false,
           *message + QStringLiteral(" A %1 may run queries only; sign in as an %2 to change data.")
                          .arg(QLatin1String(guestRole), needed),
           key);
    qCInfo(lcSandbox).noquote() << "backend rejected" << fieldName << "for" << viewer.account.sub << "without the role"
                                << needed;
    return false;
}

QStringList GraphqlBackend::acceptedAudiences() const
{
    return {SandboxServer::publicClientId(), SandboxServer::confidentialClientId(), m_provider->graphqlUrl()};
}

void GraphqlBackend::report(const QString &title, bool ok, const QString &detail, const QString &explanationKey)
{
    if (m_trace)
        m_trace->appendLocal(Trace::Backend, title, ok ? StepResult::Ok : StepResult::Failed, detail, explanationKey);
}

const jose::Key *GraphqlBackend::findKey(const QString &kid) const
{
    for (const auto &[keyId, key] : m_keys) {
        if (keyId == kid)
            return &key;
    }
    return nullptr;
}

bool GraphqlBackend::loadSigningKeys(const QString &kid)
{
    const qint64 now = m_clock->now();
    const bool kidMissing = !kid.isEmpty() && !findKey(kid);
    const bool mayReload = now - m_keysLoadedAt >= keyReloadCooldownSeconds;
    if (m_keysLoaded && !(kidMissing && mayReload)) {
        report(QStringLiteral("Signing keys from cache"), true,
               QStringLiteral("The backend uses the %1 key(s) it loaded from the provider's JWKS %2 ago.")
                   .arg(m_keys.size())
                   .arg(secondsText(now - m_keysLoadedAt)),
               QStringLiteral("backend-jwks-cache"));
        return true;
    }

    // The backend reads the same bytes /jwks serves, in process instead of over a socket.
    // An HTTP request to this server from inside one of its own handlers would wait for the
    // event loop, which is busy running this handler.
    if (m_faults && m_faults->act(SandboxFault::JwksDown)) {
        if (m_trace) {
            TraceStep step;
            step.from = Trace::Backend;
            step.to = Trace::Provider;
            step.channel = Channel::Back;
            step.title = QStringLiteral("GET /jwks");
            step.explanationKey = QStringLiteral("backend-keys");
            step.request.method = QStringLiteral("GET");
            step.request.url = m_provider->issuer() + QStringLiteral("/jwks");
            step.response.status = 503;
            step.result = StepResult::Failed;
            step.detail = QStringLiteral("The provider's JWKS answered 503 (the jwks-down fault is on), so the backend has "
                                         "no keys to check the token with.");
            m_trace->append(std::move(step));
        }
        qCWarning(lcSandbox) << "the backend could not load the provider's JWKS: HTTP 503 (jwks-down fault)";
        return false;
    }
    QElapsedTimer timer;
    timer.start();
    const QByteArray document = m_provider->jwksDocument();
    ++m_jwksFetchCount;

    jose::Jwks jwks;
    QString error;
    const bool parsed = jose::Jwks::parse(document, &jwks, &error);
    if (parsed) {
        m_keys.clear();
        for (const jose::Jwk &jwk : jwks.keys)
            m_keys.append({jwk.kid, jwk.key});
        m_keysLoaded = true;
        m_keysLoadedAt = now;
    }

    if (m_trace) {
        TraceStep step;
        step.from = Trace::Backend;
        step.to = Trace::Provider;
        step.channel = Channel::Back;
        step.title = QStringLiteral("GET /jwks");
        step.explanationKey = QStringLiteral("backend-keys");
        step.request.method = QStringLiteral("GET");
        step.request.url = m_provider->issuer() + QStringLiteral("/jwks");
        step.response.status = 200;
        step.response.headers = {{QStringLiteral("Content-Type"), QStringLiteral("application/jwk-set+json")}};
        step.response.body = document;
        step.result = parsed ? StepResult::Ok : StepResult::Failed;
        step.detail = parsed ? QStringLiteral("The backend loaded %1 signing key(s) from the provider's JWKS and caches them.")
                                   .arg(m_keys.size())
                             : QStringLiteral("The provider's JWKS could not be parsed: %1").arg(error);
        step.durationMs = timer.elapsed();
        m_trace->append(std::move(step));
    }
    if (!parsed)
        qCWarning(lcSandbox).noquote() << "the backend could not parse the provider's JWKS:" << error;
    return parsed;
}

std::optional<QByteArray> GraphqlBackend::readBearerToken(const HttpRequest &request, HttpResponse *failure)
{
    const QByteArray authorization = request.header("Authorization").trimmed();
    if (authorization.isEmpty() || authorization.size() < 8 || authorization.first(7).compare("Bearer ", Qt::CaseInsensitive) != 0) {
        const QString detail = authorization.isEmpty()
            ? QStringLiteral("The request has no Authorization header, so the backend cannot tell who is calling.")
            : QStringLiteral("The Authorization header does not use the Bearer scheme.");
        report(QStringLiteral("Read bearer token"), false, detail, QStringLiteral("backend-bearer-missing"));
        *failure = unauthorized(QString(), QStringLiteral("Authentication required: send Authorization: Bearer <ID token "
                                                          "or access token>."));
        return std::nullopt;
    }
    return authorization.sliced(7).trimmed();
}

std::optional<Viewer> GraphqlBackend::authenticate(const HttpRequest &request, HttpResponse *failure)
{
    const std::optional<QByteArray> bearer = readBearerToken(request, failure);
    if (!bearer)
        return std::nullopt;
    const QByteArray &token = *bearer;
    const auto reject = [&](const QString &title, const QString &detail, const QString &key) {
        report(title, false, detail, key);
        qCInfo(lcSandbox).noquote() << "backend rejected a token:" << title;
        *failure = unauthorized(QStringLiteral("invalid_token"), detail);
        return std::nullopt;
    };

    QString parseError;
    const std::optional<jose::CompactJws> jws = jose::CompactJws::parse(token, &parseError);

    // 1. Signing keys
    if (!loadSigningKeys(jws ? jws->kid() : QString())) {
        *failure = errorResponse(500, QStringLiteral("The backend could not load the provider's signing keys."));
        return std::nullopt;
    }

    // 2. Signature
    const QString signatureTitle = QStringLiteral("Check signature");
    const QString signatureKey = QStringLiteral("backend-check-signature");
    if (!jws)
        return reject(signatureTitle, QStringLiteral("The bearer token is not a signed JWT: %1").arg(parseError), signatureKey);
    if (jws->alg() != QLatin1String("RS256"))
        return reject(signatureTitle,
                      QStringLiteral("The token's alg is \"%1\", but the backend accepts only RS256, the algorithm of the "
                                     "provider's keys.").arg(jws->alg().left(20)),
                      signatureKey);
    const jose::Key *key = jws->kid().isEmpty() && m_keys.size() == 1 ? &m_keys.first().second : findKey(jws->kid());
    if (!key)
        return reject(signatureTitle,
                      QStringLiteral("The provider's JWKS has no key with kid \"%1\".").arg(jws->kid().left(80)), signatureKey);
    QString signatureError;
    if (!jose::verifySignature(jws->alg(), *key, jws->signingInput, jws->signature, &signatureError))
        return reject(signatureTitle, QStringLiteral("The signature does not verify with the provider's key: %1").arg(signatureError),
                      signatureKey);
    report(signatureTitle, true, QStringLiteral("The RS256 signature verifies with the provider's key %1.").arg(jws->kid()),
           signatureKey);

    // 3. Issuer
    const QJsonObject &claims = jws->claims;
    const QString issuer = claims.value(QStringLiteral("iss")).toString();
    if (issuer != m_provider->issuer())
        return reject(QStringLiteral("Check issuer"),
                      QStringLiteral("The issuer is \"%1\", but the backend trusts only %2.").arg(issuer.left(100), m_provider->issuer()),
                      QStringLiteral("backend-check-issuer"));
    report(QStringLiteral("Check issuer"), true, QStringLiteral("The issuer %1 is the provider the backend trusts.").arg(issuer),
           QStringLiteral("backend-check-issuer"));

    // 4. Audience
    const QStringList audiences = audienceList(claims.value(QStringLiteral("aud")));
    const QStringList accepted = acceptedAudiences();
    QString matched;
    for (const QString &audience : audiences) {
        if (accepted.contains(audience)) {
            matched = audience;
            break;
        }
    }
    if (matched.isEmpty())
        return reject(QStringLiteral("Check audience"),
                      QStringLiteral("The audience \"%1\" is none of those the backend accepts: %2.")
                          .arg(audiences.join(QStringLiteral(", ")).left(200), accepted.join(QStringLiteral(", "))),
                      QStringLiteral("backend-check-audience"));
    report(QStringLiteral("Check audience"), true,
           QStringLiteral("The audience %1 is one the backend accepts.").arg(matched), QStringLiteral("backend-check-audience"));

    // 5. Expiry
    const qint64 now = m_clock->now();
    const QString expiryTitle = QStringLiteral("Check expiry");
    const QString expiryKey = QStringLiteral("backend-check-expiry");
    if (!claims.value(QStringLiteral("exp")).isDouble())
        return reject(expiryTitle, QStringLiteral("The token has no numeric exp claim."), expiryKey);
    const qint64 expiresAt = claims.value(QStringLiteral("exp")).toInteger();
    if (expiresAt <= now)
        return reject(expiryTitle, QStringLiteral("The token expired %1 ago.").arg(secondsText(now - expiresAt)), expiryKey);
    if (claims.contains(QStringLiteral("nbf")) && claims.value(QStringLiteral("nbf")).toInteger() > now)
        return reject(expiryTitle, QStringLiteral("The token is not valid yet (nbf is in the future)."), expiryKey);
    report(expiryTitle, true, QStringLiteral("The token is valid for another %1.").arg(secondsText(expiresAt - now)), expiryKey);

    // 6. Revocation. Signature and expiry cannot show that a JWT was revoked: a backend has to
    // query the provider, for example with token introspection (RFC 7662). This backend queries
    // it in process and reports the step only when the token was revoked, so the trace of an
    // ordinary call stays that of a backend that checks JWTs locally.
    if (m_provider->isAccessTokenRevoked(claims))
        return reject(QStringLiteral("Check revocation"),
                      QStringLiteral("The provider revoked this token, so the backend rejects it although its "
                                     "signature and expiry are valid."),
                      QStringLiteral("backend-check"));

    const UserAccount *user = m_provider->users().findBySub(claims.value(QStringLiteral("sub")).toString());
    if (!user) {
        const QString sub = claims.value(QStringLiteral("sub")).toString();
        const bool clientToken = !sub.isEmpty() && sub == claims.value(QStringLiteral("client_id")).toString();
        const QString reason = clientToken
            ? QStringLiteral("The token names the client %1, not a user (a client credentials token). This backend "
                             "returns a user's data and needs a token from a user's login.")
                  .arg(sub.left(100))
            : QStringLiteral("The token's subject is not a sandbox user.");
        report(QStringLiteral("Find the user"), false, reason, QStringLiteral("backend-check"));
        *failure = unauthorized(QStringLiteral("invalid_token"), reason);
        return std::nullopt;
    }
    return Viewer{*user, rolesFromClaim(claims.value(QStringLiteral("roles")))};
}

std::optional<HttpResponse> GraphqlBackend::respondWithoutUser(const HttpRequest &request, GraphqlRequest *graphqlRequest,
                                                              bool *read, HttpResponse *readFailure)
{
    if (request.method != "GET" && request.method != "POST") {
        HttpResponse response = errorResponse(405, QStringLiteral("The GraphQL endpoint accepts GET and POST."));
        response.addHeader("Allow", "GET, POST");
        return response;
    }
    *read = readRequest(request, graphqlRequest, readFailure);
    if (*read && !GraphqlExecutor::requiresViewer(*graphqlRequest))
        return respond(m_executor.executeAnonymously(*graphqlRequest));
    return std::nullopt;
}

HttpResponse GraphqlBackend::handle(const HttpRequest &request)
{
    GraphqlRequest graphqlRequest;
    bool read = false;
    HttpResponse readFailure;
    if (std::optional<HttpResponse> early = respondWithoutUser(request, &graphqlRequest, &read, &readFailure))
        return *early;

    // Every other request authenticates before its body counts, so a request without a valid
    // token gets 401 whatever it contains.
    HttpResponse failure;
    const std::optional<Viewer> viewer = authenticate(request, &failure);
    if (!viewer)
        return failure;
    if (!read)
        return readFailure;
    return respond(m_executor.execute(graphqlRequest, *viewer));
}

void GraphqlBackend::handle(const HttpRequest &request, const Respond &send)
{
    if (!m_introspects) {
        send(handle(request));
        return;
    }
    GraphqlRequest graphqlRequest;
    bool read = false;
    HttpResponse readFailure;
    if (std::optional<HttpResponse> early = respondWithoutUser(request, &graphqlRequest, &read, &readFailure)) {
        send(*early);
        return;
    }
    HttpResponse failure;
    const std::optional<QByteArray> token = readBearerToken(request, &failure);
    if (!token) {
        send(failure);
        return;
    }
    introspect(*token, [this, send, graphqlRequest, read, readFailure](std::optional<Viewer> viewer,
                                                                      const HttpResponse &introspectionFailure) {
        if (!viewer)
            send(introspectionFailure);
        else if (!read)
            send(readFailure);
        else
            send(respond(m_executor.execute(graphqlRequest, *viewer)));
    });
}

void GraphqlBackend::introspect(const QByteArray &token,
                                std::function<void(std::optional<Viewer> viewer, const HttpResponse &failure)> done)
{
    const QString url = m_provider->issuer() + QStringLiteral("/introspect");
    // client_secret_basic: id and secret are form-encoded before they are joined (RFC 6749
    // section 2.3.1).
    const QByteArray credentials = (oidc::formEncode(SandboxServer::confidentialClientId()) + ':'
                                    + oidc::formEncode(SandboxServer::confidentialClientSecret()))
                                       .toBase64();
    if (m_trace) {
        m_trace->addSecret(QString::fromLatin1(token));
        m_trace->addSecret(SandboxServer::confidentialClientSecret());
        m_trace->addSecret(QString::fromLatin1(credentials));
    }
    const QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/x-www-form-urlencoded"},
                                                       {"Accept", "application/json"},
                                                       {"Authorization", "Basic " + credentials}};
    const QByteArray body = oidc::formEncodeFields({{QStringLiteral("token"), QString::fromLatin1(token)},
                                                    {QStringLiteral("token_type_hint"), QStringLiteral("access_token")}});

    QNetworkRequest networkRequest{QUrl(url)};
    networkRequest.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    networkRequest.setTransferTimeout(introspectionTimeoutMs);
    for (const auto &[name, value] : headers)
        networkRequest.setRawHeader(name, value);

    TraceStep step;
    step.from = Trace::Backend;
    step.to = Trace::Provider;
    step.channel = Channel::Back;
    step.title = QStringLiteral("POST /introspect");
    step.explanationKey = QStringLiteral("backend-introspection");
    step.request.method = QStringLiteral("POST");
    step.request.url = url;
    step.request.headers = textHeaders(headers);
    step.request.body = body;
    step.startedAt = QDateTime::currentDateTime();
    QElapsedTimer timer;
    timer.start();

    ++m_introspectionCount;
    QNetworkReply *reply = m_network.post(networkRequest, body);
    QObject::connect(reply, &QNetworkReply::finished, reply, [this, reply, step, timer, done]() mutable {
        reply->deleteLater();
        step.durationMs = timer.elapsed();
        step.response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        step.response.headers = textHeaders(reply->rawHeaderPairs());
        step.response.body = reply->read(maxIntrospectionResponseBytes);
        const QJsonObject json = QJsonDocument::fromJson(step.response.body).object();

        std::optional<Viewer> user;
        HttpResponse failure;
        const QString sub = json.value(QStringLiteral("sub")).toString();
        if (step.response.status == 0) {
            step.detail = QStringLiteral("The backend could not reach the provider's introspection endpoint: %1")
                              .arg(reply->errorString());
            failure = errorResponse(502, step.detail);
        } else if (step.response.status != 200) {
            step.detail = QStringLiteral("The provider's introspection endpoint answered HTTP %1 %2, so the backend cannot "
                                         "tell whether the token is active.")
                              .arg(step.response.status)
                              .arg(json.value(QStringLiteral("error")).toString().left(60));
            failure = errorResponse(502, step.detail);
        } else if (json.value(QStringLiteral("active")) != QJsonValue(true)) {
            step.detail = QStringLiteral("The provider reports the token as inactive: it expired, was revoked, or is not "
                                         "an access token of this provider. Introspection does not accept ID tokens.");
            failure = unauthorized(QStringLiteral("invalid_token"), step.detail);
        } else if (const UserAccount *account = m_provider->users().findBySub(sub)) {
            // The introspection response carries the access token's roles claim.
            user = Viewer{*account, rolesFromClaim(json.value(QStringLiteral("roles")))};
            step.detail = QStringLiteral("The provider reports the token as active for %1 after %2 ms. The backend asks "
                                         "again on every request, while a JWKS-caching backend checks tokens locally.")
                              .arg(sub.left(100))
                              .arg(step.durationMs);
        } else {
            step.detail = QStringLiteral("The token is active, but its subject %1 is not a sandbox user (a client "
                                         "credentials token names a client). This backend needs a token from a user's login.")
                              .arg(sub.left(100));
            failure = unauthorized(QStringLiteral("invalid_token"), step.detail);
        }
        step.result = user ? StepResult::Ok : StepResult::Failed;
        if (!user)
            qCInfo(lcSandbox).noquote() << "backend introspection rejected a token, HTTP" << step.response.status;
        if (m_trace)
            m_trace->append(std::move(step));
        done(user, failure);
    });
}

bool GraphqlBackend::readRequest(const HttpRequest &request, GraphqlRequest *graphqlRequest, HttpResponse *failure) const
{
    const auto fail = [failure](int status, const QString &message) {
        *failure = errorResponse(status, message);
        return false;
    };
    if (request.method == "POST") {
        if (request.mediaType() != "application/json")
            return fail(415, QStringLiteral("The request body must be application/json."));
        if (request.body.size() > maxBodyBytes)
            return fail(413, QStringLiteral("The request body is larger than %1 bytes.").arg(maxBodyBytes));
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
        if (parseError.error != QJsonParseError::NoError)
            return fail(400, QStringLiteral("The request body is not valid JSON: %1 at offset %2.")
                                 .arg(parseError.errorString())
                                 .arg(parseError.offset));
        if (!document.isObject())
            return fail(400, QStringLiteral("The request body must be a JSON object with a \"query\" member."));
        const QJsonObject body = document.object();
        const QJsonValue query = body.value(QStringLiteral("query"));
        if (!query.isString())
            return fail(400, QStringLiteral("The request has no \"query\" string."));
        graphqlRequest->query = query.toString().toUtf8();
        const QJsonValue variables = body.value(QStringLiteral("variables"));
        if (!variables.isUndefined() && !variables.isNull() && !variables.isObject())
            return fail(400, QStringLiteral("\"variables\" must be a JSON object."));
        graphqlRequest->variables = variables.toObject();
        const QJsonValue operationName = body.value(QStringLiteral("operationName"));
        if (!operationName.isUndefined() && !operationName.isNull() && !operationName.isString())
            return fail(400, QStringLiteral("\"operationName\" must be a string."));
        graphqlRequest->operationName = operationName.toString();
        return true;
    }

    oidc::FormFields params;
    QString parseError;
    if (!oidc::formDecodeFields(request.rawQuery, &params, &parseError))
        return fail(400, parseError);
    if (!hasField(params, QStringLiteral("query")))
        return fail(400, QStringLiteral("The request has no \"query\" parameter."));
    graphqlRequest->query = fieldValue(params, QStringLiteral("query")).toUtf8();
    graphqlRequest->operationName = fieldValue(params, QStringLiteral("operationName"));
    graphqlRequest->readOnly = true;
    const QString variables = fieldValue(params, QStringLiteral("variables"));
    if (!variables.isEmpty()) {
        QJsonParseError jsonError;
        const QJsonDocument document = QJsonDocument::fromJson(variables.toUtf8(), &jsonError);
        if (jsonError.error != QJsonParseError::NoError || !(document.isObject() || document.isNull()))
            return fail(400, QStringLiteral("The \"variables\" parameter must be a JSON object."));
        graphqlRequest->variables = document.object();
    }
    return true;
}

HttpResponse GraphqlBackend::respond(const GraphqlOutcome &outcome) const
{
    HttpResponse response = HttpResponse::jsonBytes(outcome.httpStatus, outcome.body);
    if (!outcome.allow.isEmpty())
        response.addHeader("Allow", outcome.allow);
    response.addHeader("Cache-Control", "no-store");
    return response;
}

} // namespace afx::sandbox
