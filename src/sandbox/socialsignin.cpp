#include "sandbox/socialsignin.h"

#include "sandbox/formcodec.h"
#include "sandbox/identityprovider.h"
#include "sandbox/loginpages.h"
#include "sandbox/logging.h"
#include "sandbox/providerhelpers.h"
#include "sandbox/socialprovider.h"

#include "jose/base64url.h"
#include "jose/jws.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

namespace afx::sandbox {

namespace {

QString authorityOf(const QString &issuer)
{
    const QUrl url(issuer);
    return QStringLiteral("%1:%2").arg(url.host()).arg(url.port());
}

QList<QPair<QString, QString>> textHeaders(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QList<QPair<QString, QString>> text;
    for (const auto &[name, value] : headers)
        text.append({QString::fromLatin1(name), QString::fromLatin1(value)});
    return text;
}

} // namespace

SocialSignIn::SocialSignIn(IdentityProvider *provider, const SandboxClock *clock)
    : m_provider(provider)
    , m_clock(clock)
{
    // The social provider is on 127.0.0.1, so a proxy from the environment must not be used.
    m_network.setProxy(QNetworkProxy::NoProxy);
}

SocialSignIn::~SocialSignIn()
{
    reset();
}

void SocialSignIn::configure(const QString &issuer, const QString &clientId, const QString &clientSecret,
                             const QString &redirectUri)
{
    reset();
    m_issuer = issuer;
    m_clientId = clientId;
    m_clientSecret = clientSecret;
    m_redirectUri = redirectUri;
}

void SocialSignIn::reset()
{
    // The callbacks of running requests respond to browsers through servers that may be gone,
    // so they are disconnected before the abort, which would run them.
    const QSet<QNetworkReply *> replies = std::exchange(m_replies, {});
    for (QNetworkReply *reply : replies) {
        reply->disconnect();
        reply->abort();
        reply->deleteLater();
    }
    m_attempts.clear();
    m_keys.clear();
    m_keysLoaded = false;
    m_issuer.clear();
}

void SocialSignIn::removeExpired()
{
    const qint64 now = m_clock->now();
    m_attempts.removeIf([now](const auto &entry) { return now - entry.value().createdAt > attemptLifetimeSeconds; });
}

void SocialSignIn::addSecret(const QString &value)
{
    if (m_trace && !value.isEmpty())
        m_trace->addSecret(value);
}

HttpResponse SocialSignIn::errorPage(int status, const QString &message) const
{
    qCInfo(lcSandbox).noquote() << "social sign-in rejected:" << message;
    return HttpResponse::html(status, renderErrorPage(QStringLiteral("Sign-in with %1 failed")
                                                          .arg(SocialProvider::displayName()),
                                                      message));
}

HttpResponse SocialSignIn::start(const HttpRequest &request)
{
    removeExpired();
    if (!isConfigured())
        return errorPage(503, QStringLiteral("%1 is not running, so the sandbox cannot send you there. Sign in with "
                                             "the demo account instead.")
                                  .arg(SocialProvider::displayName()));
    if (request.mediaType() != formMediaType.toLatin1())
        return errorPage(415, QStringLiteral("The form must be posted as application/x-www-form-urlencoded."));
    oidc::FormFields form;
    QString parseError;
    if (!oidc::formDecodeFields(request.body, &form, &parseError))
        return errorPage(400, parseError);
    const QString requestId = fieldValue(form, QStringLiteral("request_id"));
    if (requestId.isEmpty() || !m_provider->hasPendingSignIn(requestId))
        return errorPage(400, QStringLiteral("This sign-in request is unknown or has expired. Start the sign-in again "
                                             "from the app."));

    while (m_attempts.size() >= maxAttempts) {
        auto oldest = m_attempts.begin();
        for (auto it = m_attempts.begin(); it != m_attempts.end(); ++it) {
            if (it->createdAt < oldest->createdAt)
                oldest = it;
        }
        m_attempts.erase(oldest);
    }
    Attempt attempt;
    attempt.signInRequestId = requestId;
    attempt.nonce = randomToken(16);
    attempt.codeVerifier = randomToken(32); // 43 base64url characters, a valid RFC 7636 verifier
    attempt.createdAt = m_clock->now();
    const QString state = randomToken(24);
    m_attempts.insert(state, attempt);
    addSecret(attempt.codeVerifier);

    const QString challenge = QString::fromLatin1(jose::base64UrlEncode(
        QCryptographicHash::hash(attempt.codeVerifier.toLatin1(), QCryptographicHash::Sha256)));
    const oidc::FormFields params{{QStringLiteral("response_type"), QStringLiteral("code")},
                                  {QStringLiteral("client_id"), m_clientId},
                                  {QStringLiteral("redirect_uri"), m_redirectUri},
                                  {QStringLiteral("scope"), QStringLiteral("openid profile email")},
                                  {QStringLiteral("state"), state},
                                  {QStringLiteral("nonce"), attempt.nonce},
                                  {QStringLiteral("code_challenge"), challenge},
                                  {QStringLiteral("code_challenge_method"), QStringLiteral("S256")}};
    qCInfo(lcSandbox).noquote() << "social sign-in started at" << SocialProvider::displayName();
    return HttpResponse::redirect(m_issuer.toUtf8() + "/authorize?" + oidc::formEncodeFields(params));
}

HttpResponse SocialSignIn::fail(const Attempt &attempt, const QString &description)
{
    qCWarning(lcSandbox).noquote() << "social sign-in failed:" << description;
    return m_provider->failExternalSignIn(attempt.signInRequestId, QStringLiteral("server_error"), description);
}

void SocialSignIn::callback(const HttpRequest &request, const Respond &respond)
{
    removeExpired();
    if (request.method != "GET") {
        respond(HttpResponse::methodNotAllowed("GET"));
        return;
    }
    oidc::FormFields params;
    QString parseError;
    if (!oidc::formDecodeFields(request.rawQuery, &params, &parseError)) {
        respond(errorPage(400, parseError));
        return;
    }
    const QString state = fieldValue(params, QStringLiteral("state"));
    const auto found = m_attempts.constFind(state);
    if (state.isEmpty() || found == m_attempts.constEnd()) {
        respond(errorPage(400, QStringLiteral("The state of this callback from %1 is missing, unknown or expired "
                                              "(sign-ins last %2 minutes), so the sandbox did not start this sign-in "
                                              "or has already finished it. Start the sign-in again from the app.")
                                   .arg(SocialProvider::displayName())
                                   .arg(attemptLifetimeSeconds / 60)));
        return;
    }
    // The state is single-use: a replayed callback finds nothing.
    const Attempt attempt = *found;
    m_attempts.remove(state);

    // RFC 9207: the provider names itself in iss, which protects against mix-up attacks.
    const QString callbackIssuer = fieldValue(params, QStringLiteral("iss"));
    if (callbackIssuer != m_issuer) {
        respond(fail(attempt, QStringLiteral("The callback's iss parameter \"%1\" is not %2 (%3).")
                                  .arg(callbackIssuer.left(100), SocialProvider::displayName(), m_issuer)));
        return;
    }
    const QString error = fieldValue(params, QStringLiteral("error"));
    if (error == QLatin1String("access_denied")) {
        qCInfo(lcSandbox).noquote() << "social sign-in denied at" << SocialProvider::displayName();
        respond(m_provider->failExternalSignIn(
            attempt.signInRequestId, QStringLiteral("access_denied"),
            QStringLiteral("The user did not allow the sign-in with %1.").arg(SocialProvider::displayName())));
        return;
    }
    if (!error.isEmpty()) {
        respond(fail(attempt, QStringLiteral("%1 returned the error %2: %3")
                                  .arg(SocialProvider::displayName(), error.left(60),
                                       fieldValue(params, QStringLiteral("error_description")).left(300))));
        return;
    }
    const QString code = fieldValue(params, QStringLiteral("code"));
    if (code.isEmpty()) {
        respond(fail(attempt, QStringLiteral("The callback from %1 has neither a code nor an error.")
                                  .arg(SocialProvider::displayName())));
        return;
    }
    addSecret(code);
    exchangeCode(attempt, code, respond);
}

void SocialSignIn::send(const QByteArray &method, const QString &url,
                        const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body, SentRequest *sent,
                        ReplyHandler done)
{
    QNetworkRequest request{QUrl(url)};
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(requestTimeoutMs);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);

    sent->message.method = QString::fromLatin1(method);
    sent->message.url = url;
    sent->message.headers = textHeaders(headers);
    sent->message.body = body;
    sent->startedAt = QDateTime::currentDateTime();
    sent->startedMs = QDateTime::currentMSecsSinceEpoch();

    QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
    m_replies.insert(reply);
    QObject::connect(reply, &QNetworkReply::finished, reply, [this, reply, done = std::move(done)] {
        m_replies.remove(reply);
        reply->deleteLater();
        HttpMessage response;
        response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        response.headers = textHeaders(reply->rawHeaderPairs());
        response.body = reply->read(maxResponseBytes + 1);
        QString networkError;
        if (response.status == 0)
            networkError = reply->errorString();
        else if (response.body.size() > maxResponseBytes)
            networkError = QStringLiteral("The response is larger than %1 bytes.").arg(maxResponseBytes);
        done(response.status, response.body, networkError, response);
    });
}

void SocialSignIn::appendBackChannelStep(const QString &title, const QString &explanationKey, const SentRequest &sent,
                                         const HttpMessage &response, bool ok, const QString &detail)
{
    if (!m_trace)
        return;
    TraceStep step;
    step.from = Trace::Provider;
    step.to = m_trace->lifelineForAuthority(authorityOf(m_issuer), QUrl(m_issuer).host());
    step.channel = Channel::Back;
    step.title = title;
    step.explanationKey = explanationKey;
    step.detail = detail;
    step.request = sent.message;
    step.response = response;
    step.startedAt = sent.startedAt;
    step.durationMs = QDateTime::currentMSecsSinceEpoch() - sent.startedMs;
    step.result = ok ? StepResult::Ok : StepResult::Failed;
    m_trace->append(std::move(step));
}

void SocialSignIn::exchangeCode(const Attempt &attempt, const QString &code, const Respond &respond)
{
    // client_secret_basic: id and secret are form-encoded before they are joined (RFC 6749
    // section 2.3.1).
    const QByteArray credentials = (oidc::formEncode(m_clientId) + ':' + oidc::formEncode(m_clientSecret)).toBase64();
    addSecret(m_clientSecret);
    addSecret(QString::fromLatin1(credentials));
    const QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/x-www-form-urlencoded"},
                                                       {"Accept", "application/json"},
                                                       {"Authorization", "Basic " + credentials}};
    const QByteArray body = oidc::formEncodeFields({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                                    {QStringLiteral("code"), code},
                                                    {QStringLiteral("redirect_uri"), m_redirectUri},
                                                    {QStringLiteral("code_verifier"), attempt.codeVerifier}});
    auto sent = std::make_shared<SentRequest>();
    const QString title = QStringLiteral("POST /token (%1)").arg(SocialProvider::displayName());
    send("POST", m_issuer + QStringLiteral("/token"), headers, body, sent.get(),
         [this, attempt, respond, sent, title](int status, const QByteArray &responseBody, const QString &networkError,
                                               const HttpMessage &response) {
             const QJsonObject json = QJsonDocument::fromJson(responseBody).object();
             for (const char *name : {"access_token", "id_token", "refresh_token"})
                 addSecret(json.value(QLatin1String(name)).toString());
             const QString idToken = json.value(QStringLiteral("id_token")).toString();

             QString problem;
             if (!networkError.isEmpty())
                 problem = QStringLiteral("The request to %1 failed: %2").arg(SocialProvider::displayName(), networkError);
             else if (status != 200)
                 problem = QStringLiteral("%1 rejected the code exchange with HTTP %2: %3 %4")
                               .arg(SocialProvider::displayName())
                               .arg(status)
                               .arg(json.value(QStringLiteral("error")).toString().left(60),
                                    json.value(QStringLiteral("error_description")).toString().left(300));
             else if (idToken.isEmpty())
                 problem = QStringLiteral("The token response of %1 has no id_token.").arg(SocialProvider::displayName());
             const QString detail = problem.isEmpty()
                 ? QStringLiteral("The sandbox redeemed the code with its client secret and PKCE verifier and "
                                  "received an ID token from %1.")
                       .arg(SocialProvider::displayName())
                 : problem;
             appendBackChannelStep(title, QStringLiteral("social-token-exchange"), *sent, response, problem.isEmpty(),
                                   detail);
             if (!problem.isEmpty()) {
                 respond(fail(attempt, problem));
                 return;
             }
             loadKeysThenValidate(attempt, idToken.toLatin1(), respond);
         });
}

void SocialSignIn::loadKeysThenValidate(const Attempt &attempt, const QByteArray &idToken, const Respond &respond)
{
    if (m_keysLoaded) {
        respond(finish(attempt, idToken));
        return;
    }
    // The keys are loaded once per configure(): the social provider generates its key when it
    // starts, and the sandbox configures the sign-in again after each start.
    auto sent = std::make_shared<SentRequest>();
    const QString title = QStringLiteral("GET /jwks (%1)").arg(SocialProvider::displayName());
    send("GET", m_issuer + QStringLiteral("/jwks"), {{"Accept", "application/jwk-set+json, application/json"}}, {},
         sent.get(),
         [this, attempt, idToken, respond, sent, title](int status, const QByteArray &body, const QString &networkError,
                                                        const HttpMessage &response) {
             QString problem = networkError;
             jose::Jwks jwks;
             if (problem.isEmpty() && status != 200)
                 problem = QStringLiteral("HTTP %1").arg(status);
             if (problem.isEmpty())
                 jose::Jwks::parse(body, &jwks, &problem, maxResponseBytes);
             if (problem.isEmpty()) {
                 m_keys.clear();
                 for (const jose::Jwk &jwk : jwks.keys)
                     m_keys.append({jwk.kid, jwk.key});
                 m_keysLoaded = true;
             }
             const QString detail = problem.isEmpty()
                 ? QStringLiteral("The sandbox loaded %1 signing key(s) of %2 and keeps them.")
                       .arg(m_keys.size())
                       .arg(SocialProvider::displayName())
                 : QStringLiteral("Loading the JWKS of %1 failed: %2").arg(SocialProvider::displayName(), problem);
             appendBackChannelStep(title, QStringLiteral("social-jwks-fetch"), *sent, response, problem.isEmpty(), detail);
             respond(problem.isEmpty() ? finish(attempt, idToken) : fail(attempt, detail));
         });
}

QJsonObject SocialSignIn::validateIdToken(const Attempt &attempt, const QByteArray &idToken, QString *error) const
{
    QString parseError;
    const std::optional<jose::CompactJws> jws = jose::CompactJws::parse(idToken, &parseError);
    if (!jws) {
        *error = QStringLiteral("The ID token is not a signed JWT: %1").arg(parseError);
        return {};
    }
    if (jws->alg() != QLatin1String("RS256")) {
        *error = QStringLiteral("The ID token's alg is \"%1\", but %2 signs with RS256.")
                     .arg(jws->alg().left(20), SocialProvider::displayName());
        return {};
    }
    const jose::Key *key = nullptr;
    for (const auto &[kid, candidate] : m_keys) {
        if (kid == jws->kid())
            key = &candidate;
    }
    if (!key) {
        *error = QStringLiteral("The JWKS of %1 has no key with kid \"%2\".")
                     .arg(SocialProvider::displayName(), jws->kid().left(80));
        return {};
    }
    QString signatureError;
    if (!jose::verifySignature(jws->alg(), *key, jws->signingInput, jws->signature, &signatureError)) {
        *error = QStringLiteral("The ID token's signature does not verify with the key of %1: %2")
                     .arg(SocialProvider::displayName(), signatureError);
        return {};
    }
    const QJsonObject &claims = jws->claims;
    const QString issuer = claims.value(QStringLiteral("iss")).toString();
    if (issuer != m_issuer) {
        *error = QStringLiteral("The ID token's iss \"%1\" is not %2.").arg(issuer.left(100), m_issuer);
        return {};
    }
    const QJsonValue audience = claims.value(QStringLiteral("aud"));
    if (!audienceContains(audience, m_clientId)) {
        *error = QStringLiteral("The ID token's aud \"%1\" does not contain the sandbox's client id %2.")
                     .arg(audienceText(audience).left(200), m_clientId);
        return {};
    }
    // OpenID Connect Core section 3.1.3.7: with several audiences, azp must name this client.
    if (audience.isArray() && audience.toArray().size() > 1
        && claims.value(QStringLiteral("azp")).toString() != m_clientId) {
        *error = QStringLiteral("The ID token has several audiences, and its azp is not %1.").arg(m_clientId);
        return {};
    }
    const qint64 now = m_clock->now();
    if (!claims.value(QStringLiteral("exp")).isDouble() || claims.value(QStringLiteral("exp")).toInteger() <= now) {
        *error = QStringLiteral("The ID token has expired or has no numeric exp claim.");
        return {};
    }
    if (claims.value(QStringLiteral("iat")).toInteger() > now + clockSkewSeconds) {
        *error = QStringLiteral("The ID token's iat is in the future.");
        return {};
    }
    if (!constantTimeEquals(claims.value(QStringLiteral("nonce")).toString(), attempt.nonce)) {
        *error = QStringLiteral("The ID token's nonce is not the one the sandbox sent, so the token does not belong "
                                "to this sign-in.");
        return {};
    }
    if (claims.value(QStringLiteral("sub")).toString().isEmpty()) {
        *error = QStringLiteral("The ID token has no sub claim.");
        return {};
    }
    if (claims.value(QStringLiteral("email")).toString().trimmed().isEmpty()) {
        *error = QStringLiteral("The ID token has no email claim, which the sandbox needs to find or create the user.");
        return {};
    }
    // Linking by an address the other provider did not verify would let anyone who registers
    // that address there take over the sandbox account.
    if (claims.value(QStringLiteral("email_verified")) != QJsonValue(true)) {
        *error = QStringLiteral("%1 did not mark the email address as verified (email_verified is not true), so the "
                                "sandbox does not link it to an account.")
                     .arg(SocialProvider::displayName());
        return {};
    }
    return claims;
}

HttpResponse SocialSignIn::finish(const Attempt &attempt, const QByteArray &idToken)
{
    const QString title = QStringLiteral("Validate %1 ID token").arg(SocialProvider::displayName());
    const QString key = QStringLiteral("social-id-token-check");
    QString error;
    const QJsonObject claims = validateIdToken(attempt, idToken, &error);
    if (claims.isEmpty()) {
        if (m_trace)
            m_trace->appendLocal(Trace::Provider, title, StepResult::Failed, error, key);
        return fail(attempt, QStringLiteral("The ID token from %1 was rejected. %2")
                                 .arg(SocialProvider::displayName(), error));
    }

    bool created = false;
    const UserAccount &user = m_provider->users().linkExternalAccount(
        m_issuer, claims.value(QStringLiteral("sub")).toString(), claims.value(QStringLiteral("email")).toString(),
        claims.value(QStringLiteral("name")).toString(), &created);
    if (m_trace)
        m_trace->appendLocal(
            Trace::Provider, title, StepResult::Ok,
            QStringLiteral("Signature, iss, aud, exp, iat, nonce and email_verified are valid. The sandbox %1 the "
                           "user %2 and continues the app's sign-in.")
                .arg(created ? QStringLiteral("created") : QStringLiteral("signed in"), user.email),
            key);
    qCInfo(lcSandbox).noquote() << "social sign-in succeeded for sandbox user" << user.sub
                                << (created ? "(created)" : "(existing)");
    return m_provider->completeExternalSignIn(attempt.signInRequestId, user);
}

} // namespace afx::sandbox
