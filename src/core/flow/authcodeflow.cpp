#include "flow/authcodeflow.h"

#include "oidc/clockskew.h"

#include "flow/checksteps.h"
#include "jose/jws.h"
#include "oidc/clientauth.h"
#include "oidc/formencoding.h"
#include "oidc/tokenresponse.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLoggingCategory>
#include <QUrlQuery>

Q_LOGGING_CATEGORY(lcFlow, "afx.flow", QtInfoMsg)

namespace afx {

namespace {

// Compares a refreshed ID token's claims with the previous ID token (OpenID Connect Core
// section 12.2). Returns an empty string when they belong together, else the reason.
QString compareWithPreviousIdToken(const QJsonObject &claims, const QString &previousToken)
{
    QString error;
    const auto previous = jose::CompactJws::parse(previousToken.toLatin1(), &error);
    if (!previous)
        return QString(); // no previous ID token to compare with (a restored set without one)
    for (const char *name : {"iss", "sub", "aud"}) {
        const QString key = QString::fromLatin1(name);
        if (claims.value(key) != previous->claims.value(key))
            return AuthCodeFlow::tr("The refreshed ID token's \"%1\" differs from the previous ID token's, so it may "
                                    "describe another user or client (OpenID Connect Core section 12.2).")
                .arg(key);
    }
    const QJsonValue nonce = claims.value(QStringLiteral("nonce"));
    if (!nonce.isUndefined() && nonce != previous->claims.value(QStringLiteral("nonce")))
        return AuthCodeFlow::tr("The refreshed ID token has a nonce that differs from the previous ID token's "
                                "(OpenID Connect Core section 12.2).");
    return QString();
}

} // namespace

AuthCodeFlow::AuthCodeFlow(TracedHttpClient *http, Trace *trace, QObject *parent)
    : QObject(parent)
    , m_http(http)
    , m_trace(trace)
    , m_listener(new LoopbackListener(this))
{
    m_pollTimer.setSingleShot(true);
    m_pollTimer.setTimerType(Qt::PreciseTimer); // a coarse timer may fire early and draw slow_down
    connect(&m_pollTimer, &QTimer::timeout, this, &AuthCodeFlow::pollDeviceToken);
    connect(m_listener, &LoopbackListener::callbackReceived, this,
            [this](const QUrl &url, const QByteArray &method, const QByteArray &body) { handleCallback(url, method, body, true); });
    connect(m_listener, &LoopbackListener::strayRequest, this,
            [this](const QByteArray &method, const QString &path, int status, const QString &reason) {
                if (!m_running || !m_trace)
                    return;
                m_trace->appendLocal(Trace::App, tr("Ignored %1 %2").arg(QString::fromLatin1(method), path.left(80)), StepResult::Skipped,
                                     tr("The loopback listener answered HTTP %1 and keeps waiting for the callback: %2").arg(status).arg(reason),
                                     QStringLiteral("loopback-stray"));
            });
    connect(m_listener, &LoopbackListener::timedOut, this, [this] {
        if (!m_running || m_callbackHandled)
            return;
        const int minutes = std::max(1, m_loopbackTimeoutMs / 60000);
        fail(FlowStage::Browser,
             tr("No callback arrived at %1 within %n minute(s), so the listener stopped. Start the login again, and "
                "finish the sign-in in the browser before the time runs out.", nullptr, minutes)
                 .arg(m_request.redirectUri),
             m_trace ? m_trace->count() - 1 : -1);
    });
}

void AuthCodeFlow::setUserAgent(UserAgent *agent)
{
    if (m_agent)
        disconnect(m_agent, nullptr, this, nullptr);
    m_agent = agent;
    if (!agent)
        return;
    agent->setTrace(m_trace);
    connect(agent, &UserAgent::callbackReceived, this, &AuthCodeFlow::onCallback);
    connect(agent, &UserAgent::failed, this, &AuthCodeFlow::onAgentFailed);
    connect(agent, &UserAgent::embeddedBrowserRefused, this, [this](const QString &message) {
        if (!m_running || m_callbackHandled)
            return;
        const int step = m_trace ? m_trace->count() - 1 : -1;
        if (m_trace && step >= 0)
            m_trace->update(step, [&](TraceStep &traceStep) {
                traceStep.result = StepResult::Failed;
                traceStep.explanationKey = QStringLiteral("embedded-browser-refused");
                traceStep.detail = message;
            });
        FlowResult result;
        result.stage = FlowStage::Browser;
        result.message = message;
        result.failedStep = step;
        result.suggestSystemBrowser = true;
        finish(result);
    });
}

void AuthCodeFlow::start(const Profile &profile, const QString &clientSecret)
{
    begin(FlowKind::AuthorizationCode, profile, clientSecret);
}

void AuthCodeFlow::startRefresh(const Profile &profile, const QString &clientSecret, const TokenSet &current)
{
    m_current = current;
    begin(FlowKind::Refresh, profile, clientSecret);
}

void AuthCodeFlow::startClientCredentials(const Profile &profile, const QString &clientSecret)
{
    begin(FlowKind::ClientCredentials, profile, clientSecret);
}

void AuthCodeFlow::startUserInfo(const Profile &profile, const TokenSet &tokens)
{
    m_current = tokens;
    begin(FlowKind::UserInfo, profile, QString());
}

QStringList AuthCodeFlow::clientCredentialsScopes(const QStringList &scopes)
{
    static const QStringList userScopes{QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("email"),
                                        QStringLiteral("address"), QStringLiteral("phone"), QStringLiteral("offline_access")};
    QStringList kept;
    for (const QString &scope : scopes)
        if (!userScopes.contains(scope))
            kept << scope;
    return kept;
}

void AuthCodeFlow::startDeviceAuthorization(const Profile &profile, const QString &clientSecret)
{
    begin(FlowKind::DeviceCode, profile, clientSecret);
}

void AuthCodeFlow::startRevocation(const Profile &profile, const QString &clientSecret, const TokenSet &tokens, TokenChoice which)
{
    m_current = tokens;
    m_tokenChoice = which;
    begin(FlowKind::Revocation, profile, clientSecret);
}

void AuthCodeFlow::startIntrospection(const Profile &profile, const QString &clientSecret, const TokenSet &tokens, TokenChoice which)
{
    m_current = tokens;
    m_tokenChoice = which;
    begin(FlowKind::Introspection, profile, clientSecret);
}

void AuthCodeFlow::startLogout(const Profile &profile, const TokenSet &tokens)
{
    m_current = tokens;
    begin(FlowKind::Logout, profile, QString());
}

void AuthCodeFlow::startPasswordGrant(const Profile &profile, const QString &clientSecret, const QString &username,
                                      const QString &password)
{
    m_username = username;
    m_password = password;
    if (m_trace)
        m_trace->addSecret(password);
    begin(FlowKind::Password, profile, clientSecret);
}

void AuthCodeFlow::begin(FlowKind kind, const Profile &profile, const QString &clientSecret)
{
    m_pollTimer.stop();
    m_deviceCode.clear();
    m_device = {};
    m_polls = 0;
    ++m_generation;
    m_kind = kind;
    m_profile = profile;
    m_clientSecret = clientSecret;
    m_metadata = {};
    m_keys.clear();
    m_states.clear();
    m_running = true;
    m_callbackHandled = false;
    m_authorizeStep = -1;
    m_validatingFrontChannel = false;
    m_frontCode.clear();
    m_frontTokens = {};
    m_providerDate.clear();
    static const QList<FlowKind> usesCurrent{FlowKind::Refresh, FlowKind::UserInfo, FlowKind::Revocation,
                                             FlowKind::Introspection, FlowKind::Logout};
    if (!usesCurrent.contains(kind))
        m_current = {};
    if (m_trace) {
        m_trace->addSecret(clientSecret);
        m_trace->addSecret(m_current.refreshToken);
        m_trace->addSecret(m_current.accessToken);
        m_trace->addSecret(m_current.idToken);
    }
    static const char *const names[] = {"Login", "Refresh", "Client credentials request", "UserInfo request",
                                        "Device authorization", "Revocation", "Introspection", "Logout", "Password grant",
                                        "Login mutation"};
    qCInfo(lcFlow).noquote() << names[int(kind)] << "started for profile" << profile.id << "issuer" << profile.issuer;
    m_clientKey = {};
    // HS256 needs a key at least as long as its 32-byte hash (RFC 7518 section 3.2); a shorter
    // secret would make the assertion impossible to sign.
    if (profile.clientAuth == ClientAuthMethod::ClientSecretJwt && clientSecret.toUtf8().size() < 32
        && kind != FlowKind::UserInfo && kind != FlowKind::Logout) {
        fail(FlowStage::TokenRequest,
             tr("client_secret_jwt signs with HS256, which needs a client secret of at least 32 bytes; this one has %1. "
                "Use client_secret_basic or client_secret_post with it, or a longer secret.")
                 .arg(clientSecret.toUtf8().size()),
             -1);
        return;
    }
    if (profile.clientAuth == ClientAuthMethod::PrivateKeyJwt && kind != FlowKind::UserInfo && kind != FlowKind::Logout) {
        QFile file(profile.clientKeyFile);
        QString error;
        if (!file.open(QIODevice::ReadOnly))
            error = tr("cannot open it (%1)").arg(file.errorString());
        else if (file.size() > 64 * 1024)
            error = tr("it is larger than 64 KB, which no PEM private key is");
        else
            m_clientKey = jose::Key::fromPrivatePem(file.readAll(), &error);
        if (m_clientKey.isNull() || (m_clientKey.kty() != QLatin1String("RSA") && m_clientKey.curve() != QLatin1String("P-256"))) {
            if (error.isEmpty())
                error = tr("it holds a %1 key; private_key_jwt here signs with RSA (RS256) or EC P-256 (ES256)")
                            .arg(m_clientKey.kty() + QLatin1Char(' ') + m_clientKey.curve());
            fail(FlowStage::TokenRequest,
                 tr("The private_key_jwt key file %1 cannot be used: %2. Choose a PEM private key in the profile.")
                     .arg(profile.clientKeyFile, error),
                 -1);
            return;
        }
    }
    fetchDiscovery();
}

void AuthCodeFlow::cancel()
{
    if (!m_running)
        return;
    if (m_agent)
        m_agent->cancel();
    FlowResult result;
    result.stage = FlowStage::Cancelled;
    result.message = tr("The login was cancelled.");
    finish(result);
}

void AuthCodeFlow::fetchDiscovery()
{
    Q_EMIT progress(tr("Fetching the provider's discovery document..."));
    TracedRequest request;
    request.url = m_profile.effectiveDiscoveryUrl();
    request.title = QStringLiteral("GET /.well-known/openid-configuration");
    request.explanationKey = QStringLiteral("discovery");
    request.timeoutMs = m_profile.timeoutSeconds * 1000;
    request.addHeader("Accept", "application/json");
    const int generation = m_generation;
    m_http->send(request, [this, request, generation](const TracedResponse &response) {
        if (generation != m_generation)
            return;
        if (!response.networkError.isEmpty()) {
            fail(FlowStage::Discovery, TracedHttpClient::describeFailure(request, response), response.stepIndex);
            return;
        }
        QString error;
        if (response.status != 200) {
            error = tr("The discovery URL %1 answered HTTP %2, expected 200 with a JSON document. "
                       "Check the issuer or discovery URL in the profile.")
                        .arg(request.url.toString())
                        .arg(response.status);
        } else if (!oidc::ProviderMetadata::parse(response.body, request.url, m_profile.issuer, &m_metadata, &error)) {
            // error names the URL and the member
        }
        if (!error.isEmpty()) {
            fail(FlowStage::Discovery, error, response.stepIndex);
            return;
        }
        if (m_trace)
            m_trace->update(response.stepIndex, [](TraceStep &step) {
                step.result = StepResult::Ok;
                step.detail = tr("The issuer in the document matches the profile exactly.");
            });
        afterDiscovery();
    });
}

void AuthCodeFlow::afterDiscovery()
{
    switch (m_kind) {
    case FlowKind::AuthorizationCode:
        fetchKeys([this] { openBrowser(); });
        return;
    case FlowKind::Refresh:
        // The keys are needed when the response carries a new ID token.
        fetchKeys([this] { requestRefresh(); });
        return;
    case FlowKind::ClientCredentials:
        // No ID token comes back, so no keys are needed.
        requestClientCredentials();
        return;
    case FlowKind::UserInfo:
        requestUserInfo();
        return;
    case FlowKind::DeviceCode:
        // The keys check the ID token that the last poll brings.
        fetchKeys([this] { requestDeviceCode(); });
        return;
    case FlowKind::Revocation:
        requestRevocation();
        return;
    case FlowKind::Introspection:
        requestIntrospection();
        return;
    case FlowKind::Logout:
        openLogout();
        return;
    case FlowKind::Password:
        fetchKeys([this] { requestPasswordGrant(); });
        return;
    case FlowKind::LoginMutation:
        // The backend forwards the provider's ID token, which the provider's keys check.
        fetchKeys([this] { requestLoginMutation(); });
        return;
    }
}

void AuthCodeFlow::fetchKeys(std::function<void()> next)
{
    Q_EMIT progress(tr("Fetching the provider's signing keys..."));
    TracedRequest request;
    request.url = m_metadata.jwksUri;
    request.title = QStringLiteral("GET ") + m_metadata.jwksUri.path();
    request.explanationKey = QStringLiteral("jwks");
    request.timeoutMs = m_profile.timeoutSeconds * 1000;
    request.addHeader("Accept", "application/json");
    const int generation = m_generation;
    m_http->send(request, [this, request, generation, next](const TracedResponse &response) {
        if (generation != m_generation)
            return;
        if (!response.networkError.isEmpty()) {
            fail(FlowStage::Keys, TracedHttpClient::describeFailure(request, response), response.stepIndex);
            return;
        }
        QString error;
        jose::Jwks jwks;
        if (response.status != 200)
            error = tr("The JWKS URL %1 answered HTTP %2, expected 200 with a JSON key set.")
                        .arg(request.url.toString())
                        .arg(response.status);
        else if (!jose::Jwks::parse(response.body, &jwks, &error))
            error = tr("The JWKS at %1 cannot be used: %2").arg(request.url.toString(), error);
        else if (jwks.keys.isEmpty())
            error = tr("The JWKS at %1 has no usable key. %2").arg(request.url.toString(), jwks.skipped.join(QLatin1Char(' ')));
        if (!error.isEmpty()) {
            fail(FlowStage::Keys, error, response.stepIndex);
            return;
        }
        m_keys = jwks.keys;
        if (m_trace)
            m_trace->update(response.stepIndex, [&](TraceStep &step) {
                step.result = jwks.skipped.isEmpty() ? StepResult::Ok : StepResult::Warning;
                step.detail = tr("%n usable key(s).", nullptr, int(jwks.keys.size()))
                    + (jwks.skipped.isEmpty() ? QString() : QLatin1Char(' ') + jwks.skipped.join(QLatin1Char(' ')));
            });
        next();
    });
}

void AuthCodeFlow::openBrowser()
{
    const bool system = m_profile.browser == BrowserKind::System;
    if (system && !m_openSystemBrowser) {
        fail(FlowStage::Browser, tr("No system browser is set up for the login."), -1);
        return;
    }
    if (!system && !m_agent) {
        fail(FlowStage::Browser, tr("No browser is set up for the login."), -1);
        return;
    }
    QString redirectUri = m_profile.redirectUri;
    if (m_profile.usesLoopbackListener() && !startListener(&redirectUri))
        return;

    m_request = oidc::AuthRequest::fromProfile(m_profile, m_metadata.authorizationEndpoint, redirectUri);
    m_states.add(m_request.state);
    m_matcher = oidc::RedirectMatcher(QUrl(redirectUri));
    if (m_trace)
        m_trace->addSecret(QString::fromLatin1(m_request.pkce.verifier));

    if (m_profile.pushedAuthorization && !m_metadata.pushedAuthorizationRequestEndpoint.isEmpty()) {
        pushAuthorizationRequest(system, redirectUri);
        return;
    }
    openAuthorizeUrl(m_request.toUrl(), system, redirectUri);
}

void AuthCodeFlow::pushAuthorizationRequest(bool system, const QString &redirectUri)
{
    // RFC 9126: the parameters go to the provider over the back channel, authenticated as the
    // client; the browser then carries only an opaque request_uri.
    Q_EMIT progress(tr("Pushing the authorization request..."));
    const TracedRequest request = formPost(m_metadata.pushedAuthorizationRequestEndpoint, QStringLiteral("par-request"),
                                           m_request.parameters());
    sendChecked(request, [this, request, system, redirectUri](const TracedResponse &response) {
        const QJsonObject json = QJsonDocument::fromJson(response.body).object();
        const QString requestUri = json.value(QStringLiteral("request_uri")).toString();
        if ((response.status != 201 && response.status != 200) || requestUri.isEmpty()) {
            QString message = tr("The pushed authorization request endpoint %1 returned HTTP %2").arg(request.url.toString()).arg(response.status);
            if (json.value(QStringLiteral("error")).isString())
                message += QStringLiteral(" with \"%1\"").arg(json.value(QStringLiteral("error")).toString());
            if (json.value(QStringLiteral("error_description")).isString())
                message += QStringLiteral(": ") + json.value(QStringLiteral("error_description")).toString();
            else if (response.status == 201)
                message += tr(" without a request_uri");
            if (!message.endsWith(QLatin1Char('.')))
                message += QLatin1Char('.');
            message += QLatin1Char(' ') + tr("To send the parameters in the URL instead, turn off PAR in the profile.");
            fail(FlowStage::Browser, message, response.stepIndex);
            return;
        }
        if (m_trace)
            m_trace->update(response.stepIndex, [&](TraceStep &step) {
                step.result = StepResult::Ok;
                step.detail = tr("The provider stored the request for %n second(s) under %1; the browser gets only that "
                                 "reference.", nullptr, int(json.value(QStringLiteral("expires_in")).toInteger()))
                                  .arg(requestUri);
            });
        openAuthorizeUrl(m_request.toPushedUrl(requestUri), system, redirectUri);
    });
}

void AuthCodeFlow::noteSkippedLogin()
{
    // The system browser's pages are not traced, so only the embedded one can tell.
    if (!m_trace || !m_agent || !m_agent->tracesPages() || m_profile.browser != BrowserKind::Embedded || m_authorizeStep < 0
        || m_authorizeStep >= m_trace->count())
        return;
    for (int i = m_authorizeStep + 1; i < m_trace->count(); ++i) {
        if (m_trace->step(i).explanationKey == QLatin1String("credential-post"))
            return; // a form was submitted: the user signed in (or consented) on a page
    }
    m_trace->appendLocal(Trace::Browser, tr("Login page skipped: single sign-on"), StepResult::Skipped,
                         tr("The provider answered the authorization request with the callback at once, without a page to "
                            "sign in on: this browser session still had the provider's session cookie from an earlier login. "
                            "Run > Log out of the provider ends that session."),
                         QStringLiteral("sso-skip"));
}

void AuthCodeFlow::openAuthorizeUrl(const QUrl &url, bool system, const QString &redirectUri)
{
    int step = -1;
    if (m_trace) {
        TraceStep traceStep;
        traceStep.from = Trace::App;
        traceStep.to = Trace::Browser;
        traceStep.channel = Channel::Front;
        traceStep.title = system ? tr("Open authorize URL in the system browser") : tr("Open authorize URL");
        traceStep.explanationKey = system ? QStringLiteral("system-browser") : QStringLiteral("authorize-request");
        traceStep.request.method = QStringLiteral("GET");
        traceStep.request.url = url.toString(QUrl::FullyEncoded);
        traceStep.result = StepResult::Ok;
        traceStep.durationMs = 0;
        traceStep.detail = tr("response_type=%1, PKCE S256, state and nonce are fresh random values.").arg(m_request.responseType);
        if (!m_request.responseMode.isEmpty())
            traceStep.detail += QLatin1Char(' ') + tr("response_mode=%1.").arg(m_request.responseMode);
        if (QUrlQuery(url).hasQueryItem(QStringLiteral("request_uri")))
            traceStep.detail += QLatin1Char(' ')
                + tr("The parameters were pushed to the provider first (PAR), so this URL carries only client_id and request_uri.");
        if (system)
            traceStep.detail += QLatin1Char(' ')
                + tr("The sign-in happens in your own browser, so its pages are not drawn here; the diagram continues "
                     "when the callback reaches the loopback listener.");
        step = m_trace->append(traceStep);
        m_authorizeStep = step;
    }
    if (system) {
        Q_EMIT progress(tr("Waiting for the sign-in in your browser (callback on %1)...").arg(redirectUri));
        if (!m_openSystemBrowser(url))
            fail(FlowStage::Browser,
                 tr("The system browser could not be opened. Copy the authorize URL from the step inspector into a "
                    "browser by hand; the app keeps listening on %1.")
                     .arg(redirectUri),
                 step);
        return;
    }
    Q_EMIT progress(tr("Waiting for the sign-in in the browser..."));
    // With form_post the browser must really POST to the loopback listener, so the embedded
    // browser gets a matcher that never intercepts.
    m_agent->startAuthorization(url, m_profile.responseMode == QLatin1String("form_post") ? oidc::RedirectMatcher() : m_matcher);
}

bool AuthCodeFlow::startListener(QString *redirectUri)
{
    QString error;
    m_listener->setTimeoutMs(m_loopbackTimeoutMs);
    const bool ok = m_listener->listen(QUrl(m_profile.redirectUri), &error);
    if (ok)
        *redirectUri = m_listener->redirectUri().toString();
    int step = -1;
    if (m_trace)
        step = m_trace->appendLocal(Trace::App, ok ? tr("Listen on %1").arg(*redirectUri) : tr("Loopback listener not started"),
                                    ok ? StepResult::Ok : StepResult::Failed,
                                    ok ? tr("The app waits for the callback on this loopback address (RFC 8252 section 7.3). The port "
                                            "is part of redirect_uri, and the provider must accept any port for a loopback "
                                            "redirect URI.")
                                       : error,
                                    QStringLiteral("loopback-listener"));
    if (!ok)
        fail(FlowStage::Browser, error, step);
    return ok;
}

void AuthCodeFlow::onAgentFailed(const QString &message)
{
    if (!m_running || m_callbackHandled)
        return;
    fail(FlowStage::Browser, message, m_trace ? m_trace->count() - 1 : -1);
}

void AuthCodeFlow::onCallback(const QUrl &url)
{
    handleCallback(url, QByteArrayLiteral("GET"), QByteArray(), false);
}

void AuthCodeFlow::handleCallback(const QUrl &url, const QByteArray &method, const QByteArray &formBody, bool viaListener)
{
    if (!m_running)
        return;
    const bool formPost = method == "POST";
    QString parseError;
    const auto params = formPost ? oidc::CallbackParams::parseFormPost(formBody, &parseError)
                                 : oidc::CallbackParams::parse(url, m_request.responseType, m_request.responseMode, &parseError);
    if (params && m_trace) {
        m_trace->addSecret(params->code);
        m_trace->addSecret(params->value(QStringLiteral("access_token")));
        m_trace->addSecret(params->value(QStringLiteral("id_token")));
    }

    if (params && !params->isError() && !m_callbackHandled)
        noteSkippedLogin();

    int callbackStep = -1;
    if (m_trace) {
        TraceStep step;
        step.from = Trace::Browser;
        step.to = Trace::App;
        step.channel = Channel::Front;
        step.title = formPost ? tr("Callback: form POST to the redirect URI") : tr("Callback to redirect URI");
        step.explanationKey = formPost ? QStringLiteral("callback-form-post") : QStringLiteral("callback");
        step.request.method = QString::fromLatin1(method);
        step.request.url = url.toString(QUrl::FullyEncoded);
        step.request.body = formBody;
        step.result = StepResult::Ok;
        step.durationMs = 0;
        if (formPost)
            step.detail = tr("The provider's page posted the response as form fields to the loopback listener; the "
                             "URL carries none of it (OAuth 2.0 Form Post Response Mode).");
        else if (viaListener)
            step.detail = tr("The browser requested the loopback redirect URI and the app's listener received it.");
        else
            step.detail = tr("Caught before the browser loaded it; the redirect URI is never requested.");
        callbackStep = m_trace->append(step);
    }

    if (m_callbackHandled) {
        // The same redirect can arrive twice (two hooks, a reload); one code is exchanged once.
        if (m_trace)
            m_trace->update(callbackStep, [](TraceStep &step) {
                step.result = StepResult::Skipped;
                step.detail = tr("A second delivery of the callback was ignored: an authorization code "
                                 "may be exchanged only once (RFC 6749 section 4.1.2).");
            });
        return;
    }
    m_callbackHandled = true;

    if (!params) {
        fail(FlowStage::Callback, tr("The callback URL cannot be read: %1").arg(parseError), callbackStep);
        return;
    }

    // State first: an error response must also echo it (RFC 6749 section 4.1.2.1).
    const auto outcome = m_states.consume(params->state, params->hasState);
    if (m_trace) {
        const bool accepted = outcome == oidc::StateStore::Outcome::Accepted;
        m_trace->appendLocal(Trace::App, tr("Check state"), accepted ? StepResult::Ok : StepResult::Failed,
                             accepted ? tr("state matches the pending request.") : oidc::StateStore::describe(outcome),
                             QStringLiteral("state-check"));
    }
    if (outcome != oidc::StateStore::Outcome::Accepted) {
        fail(FlowStage::Callback, oidc::StateStore::describe(outcome), m_trace ? m_trace->count() - 1 : -1);
        return;
    }
    if (m_kind == FlowKind::Logout) {
        if (m_trace)
            m_trace->update(callbackStep, [](TraceStep &step) {
                step.title = tr("Back from the provider's logout");
                step.explanationKey = QStringLiteral("logout-return");
            });
        FlowResult result;
        result.ok = true;
        result.stage = FlowStage::Done;
        result.tokens = m_current;
        result.message = tr("The provider ended its session and sent the browser back with the state.");
        finish(result);
        return;
    }

    if (params->isError()) {
        QString message = tr("The provider returned the error \"%1\"").arg(params->error);
        if (!params->errorDescription.isEmpty())
            message += QStringLiteral(": ") + params->errorDescription;
        if (!message.endsWith(QLatin1Char('.')))
            message += QLatin1Char('.');
        if (!params->errorUri.isEmpty())
            message += QLatin1Char(' ') + tr("More: %1").arg(params->errorUri);
        message += QLatin1Char(' ') + tr("No code was exchanged.");
        if (m_trace)
            m_trace->update(callbackStep, [&](TraceStep &step) {
                step.result = StepResult::Failed;
                step.explanationKey = QStringLiteral("callback-error");
                step.detail = message;
            });
        fail(FlowStage::Callback, message, callbackStep);
        return;
    }

    if (params->hasIss && params->iss != m_metadata.issuer) {
        // RFC 9207: a response carrying another issuer may come from a mix-up attack.
        const QString message = tr("The callback's iss parameter \"%1\" differs from the issuer \"%2\" (RFC 9207). "
                                   "The code was not exchanged.")
                                    .arg(params->iss, m_metadata.issuer);
        fail(FlowStage::Callback, message, callbackStep);
        return;
    }
    const QStringList words = m_request.responseType.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    const bool wantsCode = words.contains(QLatin1String("code"));
    const bool wantsIdToken = words.contains(QLatin1String("id_token"));
    const bool wantsToken = words.contains(QLatin1String("token"));
    if (wantsCode && params->code.isEmpty()) {
        fail(FlowStage::Callback, tr("The callback has neither a code nor an error parameter."), callbackStep);
        return;
    }
    if (params->misplaced && m_trace) {
        // The parameters were found, but not where this response type puts them.
        const QString expected = params->location == oidc::CallbackParams::Location::Query ? tr("the fragment") : tr("the query");
        m_trace->appendLocal(Trace::App, tr("Response in an unexpected place"), StepResult::Warning,
                             tr("response_type=%1 puts the response in %2, but it arrived elsewhere. The app read it anyway; "
                                "a client that reads only one place would find nothing.")
                                 .arg(m_request.responseType, expected),
                             QStringLiteral("front-channel-tokens"));
    }
    if (!wantsIdToken && !wantsToken) {
        exchangeCode(params->code);
        return;
    }

    // Implicit or hybrid: tokens came through the browser (OpenID Connect Core 3.2 and 3.3).
    TokenSet front;
    front.idToken = params->value(QStringLiteral("id_token"));
    front.accessToken = params->value(QStringLiteral("access_token"));
    front.tokenType = params->value(QStringLiteral("token_type"));
    front.scope = params->value(QStringLiteral("scope"));
    front.obtainedAt = QDateTime::currentDateTimeUtc();
    bool expiresOk = false;
    const qint64 expiresIn = params->value(QStringLiteral("expires_in")).toLongLong(&expiresOk);
    if (expiresOk && expiresIn > 0)
        front.expiresAt = front.obtainedAt.addSecs(expiresIn);
    QStringList missing;
    if (wantsIdToken && front.idToken.isEmpty())
        missing << QStringLiteral("id_token");
    if (wantsToken && front.accessToken.isEmpty())
        missing << QStringLiteral("access_token");
    if (!missing.isEmpty()) {
        fail(FlowStage::Callback,
             tr("The callback lacks %1, which response_type=%2 asks for.").arg(missing.join(tr(" and ")), m_request.responseType),
             callbackStep);
        return;
    }
    if (m_trace) {
        QStringList got;
        if (!front.idToken.isEmpty())
            got << QStringLiteral("id_token");
        if (!front.accessToken.isEmpty())
            got << QStringLiteral("access_token");
        if (wantsCode)
            got << QStringLiteral("code");
        QString place = tr("the query");
        if (params->formPost)
            place = tr("the POST body");
        else if (params->location == oidc::CallbackParams::Location::Fragment)
            place = tr("the URL fragment");
        m_trace->appendLocal(Trace::App, tr("Tokens from the browser"), StepResult::Ok,
                             tr("response_type=%1 delivered %2 in %3, through the browser rather than from the token endpoint.")
                                 .arg(m_request.responseType, got.join(QStringLiteral(", ")), place),
                             QStringLiteral("front-channel-tokens"));
    }
    m_frontCode = params->code;
    m_validatingFrontChannel = true;
    if (!wantsIdToken) {
        // "code token": nothing to validate yet; the token endpoint's ID token comes next.
        m_frontTokens = front;
        m_validatingFrontChannel = false;
        exchangeCode(params->code);
        return;
    }
    m_frontTokens = front;
    validate(front, false);
}

void AuthCodeFlow::exchangeCode(const QString &code)
{
    Q_EMIT progress(tr("Exchanging the authorization code for tokens..."));
    const oidc::FormFields fields{
        {QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
        {QStringLiteral("code"), code},
        {QStringLiteral("redirect_uri"), m_request.redirectUri},
        {QStringLiteral("code_verifier"), QString::fromLatin1(m_request.pkce.verifier)},
    };
    postTokenRequest(fields, QStringLiteral("token-request"), [this](const TokenSet &tokens, int step) {
        if (tokens.idToken.isEmpty()) {
            fail(FlowStage::TokenRequest,
                 tr("The token response from %1 has no id_token. An OpenID provider must return one when the "
                    "scope contains \"openid\" (OpenID Connect Core section 3.1.3.3); check the scopes and that the "
                    "client is set up for OpenID Connect.")
                     .arg(m_metadata.tokenEndpoint.toString()),
                 step);
            return;
        }
        validate(tokens, false);
    });
}

void AuthCodeFlow::requestRefresh()
{
    if (m_current.refreshToken.isEmpty()) {
        fail(FlowStage::TokenRequest, tr("There is no refresh token to use. Log in again to get new tokens."), -1);
        return;
    }
    Q_EMIT progress(tr("Refreshing the tokens..."));
    const oidc::FormFields fields{
        {QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
        {QStringLiteral("refresh_token"), m_current.refreshToken},
    };
    postTokenRequest(fields, QStringLiteral("refresh-request"), [this](const TokenSet &received, int step) {
        // What the response does not replace stays (RFC 6749 section 6: a new refresh token is
        // optional; OpenID Connect Core section 12.2: the ID token is optional).
        TokenSet merged = received;
        const bool rotated = !received.refreshToken.isEmpty() && received.refreshToken != m_current.refreshToken;
        if (received.refreshToken.isEmpty())
            merged.refreshToken = m_current.refreshToken;
        if (received.idToken.isEmpty())
            merged.idToken = m_current.idToken;
        if (m_trace)
            m_trace->update(step, [&](TraceStep &traceStep) {
                traceStep.detail += QLatin1Char(' ')
                    + (rotated ? tr("The provider rotated the refresh token: the new one replaces the stored one, and the old one "
                                    "must not be used again.")
                               : tr("No new refresh token came back, so the stored one is kept."));
                if (received.idToken.isEmpty())
                    traceStep.detail += QLatin1Char(' ') + tr("No new ID token came back; the previous one is kept.");
            });
        if (received.idToken.isEmpty()) {
            FlowResult result;
            result.ok = true;
            result.stage = FlowStage::Done;
            result.tokens = merged;
            result.message = tr("Tokens refreshed: a new access token%1.")
                                 .arg(rotated ? tr(" and a new refresh token") : QString());
            finish(result);
            return;
        }
        validate(merged, false);
    });
}

void AuthCodeFlow::requestClientCredentials()
{
    Q_EMIT progress(tr("Requesting a token for the client..."));
    oidc::FormFields fields{{QStringLiteral("grant_type"), QStringLiteral("client_credentials")}};
    const QStringList scopes = clientCredentialsScopes(m_profile.scopes);
    if (!scopes.isEmpty())
        fields.append({QStringLiteral("scope"), scopes.join(QLatin1Char(' '))});
    if (!m_profile.resource.isEmpty())
        fields.append({QStringLiteral("resource"), m_profile.resource});
    if (!m_profile.audience.isEmpty())
        fields.append({QStringLiteral("audience"), m_profile.audience});
    postTokenRequest(fields, QStringLiteral("client-credentials-request"), [this](const TokenSet &tokens, int) {
        if (m_trace)
            m_trace->appendLocal(Trace::App, tr("Token for the client, not a user"), StepResult::Ok,
                                 tr("This access token names the client %1 and no user. A backend that expects a "
                                    "user's ID token will reject it.")
                                     .arg(m_profile.clientId),
                                 QStringLiteral("client-credentials-token"));
        FlowResult result;
        result.ok = true;
        result.stage = FlowStage::Done;
        result.tokens = tokens;
        result.message = tr("Received an access token for the client %1 (no user, no ID token).").arg(m_profile.clientId);
        finish(result);
    });
}

void AuthCodeFlow::requestUserInfo()
{
    if (m_metadata.userinfoEndpoint.isEmpty()) {
        fail(FlowStage::TokenRequest,
             tr("The discovery document of %1 has no userinfo_endpoint, so this provider offers no UserInfo endpoint.")
                 .arg(m_metadata.issuer),
             -1);
        return;
    }
    if (m_current.accessToken.isEmpty()) {
        fail(FlowStage::TokenRequest, tr("There is no access token to call the UserInfo endpoint with. Log in first."), -1);
        return;
    }
    Q_EMIT progress(tr("Calling the UserInfo endpoint..."));
    TracedRequest request;
    request.url = m_metadata.userinfoEndpoint;
    request.title = QStringLiteral("GET ") + m_metadata.userinfoEndpoint.path();
    request.explanationKey = QStringLiteral("userinfo-request");
    request.timeoutMs = m_profile.timeoutSeconds * 1000;
    request.addHeader("Accept", "application/json");
    request.addHeader("Authorization", "Bearer " + m_current.accessToken.toLatin1());
    const int generation = m_generation;
    m_http->send(request, [this, request, generation](const TracedResponse &response) {
        if (generation != m_generation)
            return;
        if (!response.networkError.isEmpty()) {
            fail(FlowStage::TokenRequest, TracedHttpClient::describeFailure(request, response), response.stepIndex);
            return;
        }
        if (response.status != 200) {
            QString reason;
            for (const auto &[name, value] : response.headers)
                if (name.compare("WWW-Authenticate", Qt::CaseInsensitive) == 0)
                    reason = QString::fromLatin1(value);
            fail(FlowStage::TokenRequest,
                 tr("The UserInfo endpoint %1 returned HTTP %2%3. An expired access token or one without the openid "
                    "scope is the usual cause; refresh the tokens or log in again.")
                     .arg(request.url.toString())
                     .arg(response.status)
                     .arg(reason.isEmpty() ? QString() : tr(" (WWW-Authenticate: %1)").arg(reason)),
                 response.stepIndex);
            return;
        }
        // NOTE: a signed or encrypted UserInfo response (application/jwt) is reported, not verified.
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(response.body, &parseError);
        if (!document.isObject() || !document.object().value(QStringLiteral("sub")).isString()) {
            fail(FlowStage::TokenRequest,
                 tr("The UserInfo response from %1 is not a JSON object with a string \"sub\" member%2.")
                     .arg(request.url.toString(),
                          parseError.error != QJsonParseError::NoError ? QStringLiteral(" (%1)").arg(parseError.errorString()) : QString()),
                 response.stepIndex);
            return;
        }
        const QJsonObject info = document.object();
        if (m_trace)
            m_trace->update(response.stepIndex, [&](TraceStep &step) {
                step.result = StepResult::Ok;
                step.detail = tr("Received %n claim(s): %1.", nullptr, int(info.size())).arg(info.keys().join(QStringLiteral(", ")));
            });

        // OpenID Connect Core section 5.3.4: the sub must equal the ID token's, else the response
        // must not be used because it may describe another user.
        QString error;
        const auto idToken = jose::CompactJws::parse(m_current.idToken.toLatin1(), &error);
        const QString expectedSub = idToken ? idToken->claims.value(QStringLiteral("sub")).toString() : QString();
        const QString sub = info.value(QStringLiteral("sub")).toString();
        const bool matches = expectedSub.isEmpty() || sub == expectedSub;
        QString detail = tr("sub \"%1\" equals the ID token's sub.").arg(sub);
        if (expectedSub.isEmpty())
            detail = tr("There is no ID token to compare the sub with.");
        else if (!matches)
            detail = tr("sub \"%1\" differs from the ID token's sub \"%2\". The response must not be used, because it "
                        "may describe another user.")
                         .arg(sub, expectedSub);
        StepResult subjectResult = matches ? StepResult::Ok : StepResult::Failed;
        if (expectedSub.isEmpty())
            subjectResult = StepResult::Skipped;
        int step = -1;
        if (m_trace)
            step = m_trace->appendLocal(Trace::App, tr("Check UserInfo subject"), subjectResult, detail,
                                        QStringLiteral("check-userinfo-subject"));
        if (!matches) {
            fail(FlowStage::Validation, detail, step);
            return;
        }
        FlowResult result;
        result.ok = true;
        result.stage = FlowStage::Done;
        result.tokens = m_current;
        result.userInfo = info;
        result.message = tr("UserInfo returned %n claim(s): %1.", nullptr, int(info.size())).arg(info.keys().join(QStringLiteral(", ")));
        finish(result);
    });
}

void AuthCodeFlow::requestDeviceCode()
{
    if (m_metadata.deviceAuthorizationEndpoint.isEmpty()) {
        fail(FlowStage::TokenRequest,
             tr("The discovery document of %1 has no device_authorization_endpoint, so the provider does not offer "
                "the device authorization grant (RFC 8628), or it is not enabled for this tenant.")
                 .arg(m_metadata.issuer),
             -1);
        return;
    }
    Q_EMIT progress(tr("Requesting a device code..."));
    oidc::FormFields fields;
    if (!m_profile.scopes.isEmpty())
        fields.append({QStringLiteral("scope"), m_profile.scopes.join(QLatin1Char(' '))});
    if (!m_profile.audience.isEmpty())
        fields.append({QStringLiteral("audience"), m_profile.audience});
    const TracedRequest request = formPost(m_metadata.deviceAuthorizationEndpoint, QStringLiteral("device-authorization"), fields);
    sendChecked(request, [this, request](const TracedResponse &response) {
        const QJsonObject json = QJsonDocument::fromJson(response.body).object();
        if (response.status != 200) {
            QString message = tr("The device authorization endpoint %1 returned HTTP %2").arg(request.url.toString()).arg(response.status);
            if (json.value(QStringLiteral("error")).isString())
                message += QStringLiteral(" with \"%1\"").arg(json.value(QStringLiteral("error")).toString());
            if (json.value(QStringLiteral("error_description")).isString())
                message += QStringLiteral(": ") + json.value(QStringLiteral("error_description")).toString();
            if (!message.endsWith(QLatin1Char('.')))
                message += QLatin1Char('.');
            if (json.value(QStringLiteral("error")).toString() == QLatin1String("unauthorized_client"))
                message += QLatin1Char(' ') + tr("Allow the device code grant for this client at the provider.");
            fail(FlowStage::TokenRequest, message, response.stepIndex);
            return;
        }

        // Google returns verification_url instead of verification_uri.
        const QString uri = json.value(json.contains(QStringLiteral("verification_uri")) ? QStringLiteral("verification_uri")
                                                                                        : QStringLiteral("verification_url")).toString();
        const QString deviceCode = json.value(QStringLiteral("device_code")).toString();
        const QString userCode = json.value(QStringLiteral("user_code")).toString();
        const qint64 expiresIn = json.value(QStringLiteral("expires_in")).toInteger();
        QStringList missing;
        if (deviceCode.isEmpty())
            missing << QStringLiteral("device_code");
        if (userCode.isEmpty())
            missing << QStringLiteral("user_code");
        if (uri.isEmpty())
            missing << QStringLiteral("verification_uri");
        if (expiresIn <= 0)
            missing << QStringLiteral("expires_in");
        if (!missing.isEmpty()) {
            fail(FlowStage::TokenRequest,
                 tr("The device authorization response from %1 lacks %2 (RFC 8628 section 3.2).")
                     .arg(request.url.toString(), missing.join(QStringLiteral(", "))),
                 response.stepIndex);
            return;
        }

        if (m_trace)
            m_trace->addSecret(deviceCode);
        m_deviceCode = deviceCode;
        m_device.userCode = userCode;
        m_device.verificationUri = QUrl(uri);
        m_device.verificationUriComplete = QUrl(json.value(QStringLiteral("verification_uri_complete")).toString());
        m_device.expiresAt = QDateTime::currentDateTimeUtc().addSecs(expiresIn);
        // RFC 8628 section 3.2: 5 seconds when the provider names no interval.
        const qint64 interval = json.value(QStringLiteral("interval")).toInteger(5);
        m_device.intervalSeconds = int(std::clamp<qint64>(interval, 0, 600));
        if (m_trace)
            m_trace->update(response.stepIndex, [&](TraceStep &step) {
                step.result = StepResult::Ok;
                step.detail = tr("User code %1; enter it at %2 within %n minute(s). The app asks the token endpoint every "
                                 "%3 s whether the user has approved.", nullptr, int((expiresIn + 59) / 60))
                                  .arg(userCode, uri)
                                  .arg(m_device.intervalSeconds);
            });
        Q_EMIT deviceCodeReady(m_device);
        Q_EMIT progress(tr("Waiting for the sign-in on the other device (code %1)...").arg(userCode));
        m_pollTimer.start(m_device.intervalSeconds * 1000);
    });
}

void AuthCodeFlow::pollDeviceToken()
{
    if (!m_running || m_kind != FlowKind::DeviceCode)
        return;
    if (QDateTime::currentDateTimeUtc() >= m_device.expiresAt) {
        fail(FlowStage::TokenRequest,
             tr("The user code %1 expired before anyone approved it, after %n poll(s). Start again for a new code.", nullptr, m_polls)
                 .arg(m_device.userCode),
             m_trace ? m_trace->count() - 1 : -1);
        return;
    }
    ++m_polls;
    const oidc::FormFields fields{
        {QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:device_code")},
        {QStringLiteral("device_code"), m_deviceCode},
    };
    postTokenRequest(fields, QStringLiteral("device-token-poll"), [this](const TokenSet &tokens, int) {
        if (tokens.idToken.isEmpty()) {
            FlowResult result;
            result.ok = true;
            result.stage = FlowStage::Done;
            result.tokens = tokens;
            result.message = tr("Signed in on the other device. No ID token came back (the scope may lack openid).");
            finish(result);
            return;
        }
        validate(tokens, false);
    });
}

TracedRequest AuthCodeFlow::formPost(const QUrl &url, const QString &explanationKey, oidc::FormFields fields) const
{
    TracedRequest request;
    request.method = QStringLiteral("POST");
    request.url = url;
    request.title = QStringLiteral("POST ") + url.path();
    request.explanationKey = explanationKey;
    request.timeoutMs = m_profile.timeoutSeconds * 1000;
    request.addHeader("Content-Type", "application/x-www-form-urlencoded");
    request.addHeader("Accept", "application/json");
    addClientAuthentication(&request, &fields);
    request.body = oidc::formEncodeFields(fields);
    return request;
}

void AuthCodeFlow::sendChecked(const TracedRequest &request, std::function<void(const TracedResponse &response)> onResponse)
{
    const int generation = m_generation;
    m_http->send(request, [this, request, generation, onResponse](const TracedResponse &response) {
        if (generation != m_generation)
            return; // a late response for a run that was cancelled or has finished
        if (!response.networkError.isEmpty()) {
            fail(FlowStage::TokenRequest, TracedHttpClient::describeFailure(request, response), response.stepIndex);
            return;
        }
        onResponse(response);
    });
}

namespace {

QString tokenChoiceName(AuthCodeFlow::TokenChoice which)
{
    return which == AuthCodeFlow::TokenChoice::RefreshToken ? QStringLiteral("refresh_token") : QStringLiteral("access_token");
}

} // namespace

void AuthCodeFlow::requestRevocation()
{
    const QString token = m_tokenChoice == TokenChoice::RefreshToken ? m_current.refreshToken : m_current.accessToken;
    const QString hint = tokenChoiceName(m_tokenChoice);
    if (m_metadata.revocationEndpoint.isEmpty()) {
        fail(FlowStage::TokenRequest,
             tr("The discovery document of %1 has no revocation_endpoint, so the provider offers no token revocation "
                "(RFC 7009). Tokens then stay valid until they expire.")
                 .arg(m_metadata.issuer),
             -1);
        return;
    }
    if (token.isEmpty()) {
        fail(FlowStage::TokenRequest, tr("There is no %1 to revoke.").arg(hint), -1);
        return;
    }
    Q_EMIT progress(tr("Revoking the %1...").arg(hint));
    const TracedRequest request = formPost(m_metadata.revocationEndpoint, QStringLiteral("revocation-request"),
                                           {{QStringLiteral("token"), token}, {QStringLiteral("token_type_hint"), hint}});
    sendChecked(request, [this, request, hint](const TracedResponse &response) {
        if (response.status != 200) {
            const QJsonObject json = QJsonDocument::fromJson(response.body).object();
            fail(FlowStage::TokenRequest,
                 tr("The revocation endpoint %1 returned HTTP %2%3. The token was not revoked.")
                     .arg(request.url.toString())
                     .arg(response.status)
                     .arg(json.contains(QStringLiteral("error")) ? QStringLiteral(" with \"%1\"").arg(json.value(QStringLiteral("error")).toString())
                                                                : QString()),
                 response.stepIndex);
            return;
        }
        if (m_trace)
            m_trace->update(response.stepIndex, [&](TraceStep &step) {
                step.result = StepResult::Ok;
                step.detail = tr("HTTP 200: the %1 is invalid from now on. A provider answers 200 for unknown tokens too "
                                 "(RFC 7009 section 2.2), so the answer does not prove the token was valid.")
                                  .arg(hint);
            });
        FlowResult result;
        result.ok = true;
        result.stage = FlowStage::Done;
        result.tokens = m_current;
        if (m_tokenChoice == TokenChoice::RefreshToken)
            result.tokens.refreshToken.clear();
        else
            result.tokens.accessToken.clear();
        result.message = tr("The provider revoked the %1.").arg(hint);
        finish(result);
    });
}

void AuthCodeFlow::requestIntrospection()
{
    const QString token = m_tokenChoice == TokenChoice::RefreshToken ? m_current.refreshToken : m_current.accessToken;
    const QString hint = tokenChoiceName(m_tokenChoice);
    if (m_metadata.introspectionEndpoint.isEmpty()) {
        fail(FlowStage::TokenRequest,
             tr("The discovery document of %1 has no introspection_endpoint, so the provider offers no token "
                "introspection (RFC 7662) to this client.")
                 .arg(m_metadata.issuer),
             -1);
        return;
    }
    if (token.isEmpty()) {
        fail(FlowStage::TokenRequest, tr("There is no %1 to introspect.").arg(hint), -1);
        return;
    }
    Q_EMIT progress(tr("Introspecting the %1...").arg(hint));
    const TracedRequest request = formPost(m_metadata.introspectionEndpoint, QStringLiteral("introspection-request"),
                                           {{QStringLiteral("token"), token}, {QStringLiteral("token_type_hint"), hint}});
    sendChecked(request, [this, request, hint](const TracedResponse &response) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(response.body, &parseError);
        const QJsonObject json = document.object();
        if (response.status != 200 || !document.isObject() || !json.value(QStringLiteral("active")).isBool()) {
            QString reason = tr("HTTP %1").arg(response.status);
            if (json.value(QStringLiteral("error")).isString())
                reason += QStringLiteral(" with \"%1\"").arg(json.value(QStringLiteral("error")).toString());
            else if (response.status == 200)
                reason += tr(" without a boolean \"active\" member");
            QString message = tr("The introspection endpoint %1 returned %2.").arg(request.url.toString(), reason);
            if (response.status == 401)
                message += QLatin1Char(' ') + tr("Introspection usually needs a confidential client (a resource server), not a public one.");
            fail(FlowStage::TokenRequest, message, response.stepIndex);
            return;
        }

        const bool active = json.value(QStringLiteral("active")).toBool();
        QString summary = active ? tr("active") : tr("not active: expired, revoked, unknown, or not meant for this client");
        if (active && json.contains(QStringLiteral("exp")))
            summary += tr(", expires %1").arg(QDateTime::fromSecsSinceEpoch(json.value(QStringLiteral("exp")).toInteger(), Qt::UTC)
                                                  .toString(Qt::ISODate));
        if (m_trace)
            m_trace->update(response.stepIndex, [&](TraceStep &step) {
                step.result = active ? StepResult::Ok : StepResult::Warning;
                step.detail = tr("The %1 is %2.").arg(hint, summary);
            });
        FlowResult result;
        result.ok = true;
        result.stage = FlowStage::Done;
        result.tokens = m_current;
        result.introspection = json;
        result.message = tr("Introspection: the %1 is %2.").arg(hint, summary);
        finish(result);
    });
}

void AuthCodeFlow::requestPasswordGrant()
{
    Q_EMIT progress(tr("Sending the e-mail and password to the token endpoint..."));
    oidc::FormFields fields{
        {QStringLiteral("grant_type"), QStringLiteral("password")},
        {QStringLiteral("username"), m_username},
        {QStringLiteral("password"), m_password},
    };
    if (!m_profile.scopes.isEmpty())
        fields.append({QStringLiteral("scope"), m_profile.scopes.join(QLatin1Char(' '))});
    if (!m_profile.audience.isEmpty())
        fields.append({QStringLiteral("audience"), m_profile.audience});
    m_password.clear(); // kept no longer than the request needs it
    postTokenRequest(fields, QStringLiteral("password-grant"), [this](const TokenSet &tokens, int) {
        if (tokens.idToken.isEmpty()) {
            FlowResult result;
            result.ok = true;
            result.stage = FlowStage::Done;
            result.tokens = tokens;
            result.message = tr("Signed in with the password grant. No ID token came back (the scope may lack openid).");
            finish(result);
            return;
        }
        validate(tokens, false);
    });
}

void AuthCodeFlow::openLogout()
{
    if (m_metadata.endSessionEndpoint.isEmpty()) {
        fail(FlowStage::Browser,
             tr("The discovery document of %1 has no end_session_endpoint, so the provider does not support "
                "RP-initiated logout. Clear the browser's cookies for the provider to end its session instead.")
                 .arg(m_metadata.issuer),
             -1);
        return;
    }
    const bool system = m_profile.browser == BrowserKind::System;
    if ((system && !m_openSystemBrowser) || (!system && !m_agent)) {
        fail(FlowStage::Browser, tr("No browser is set up for the logout."), -1);
        return;
    }
    QString redirectUri = m_profile.redirectUri;
    if (system && !startListener(&redirectUri))
        return;
    m_logoutState = oidc::randomToken();
    m_states.add(m_logoutState);
    m_matcher = oidc::RedirectMatcher(QUrl(redirectUri));
    m_request = {};
    m_request.redirectUri = redirectUri;

    QUrl url = m_metadata.endSessionEndpoint;
    QUrlQuery query(url);
    oidc::FormFields params;
    if (!m_current.idToken.isEmpty())
        params.append({QStringLiteral("id_token_hint"), m_current.idToken});
    params.append({QStringLiteral("client_id"), m_profile.clientId});
    params.append({QStringLiteral("post_logout_redirect_uri"), redirectUri});
    params.append({QStringLiteral("state"), QString::fromLatin1(m_logoutState)});
    QByteArray encoded = url.query(QUrl::FullyEncoded).toLatin1();
    if (!encoded.isEmpty())
        encoded += '&';
    encoded += oidc::formEncodeFields(params);
    url.setQuery(QString::fromLatin1(encoded), QUrl::StrictMode);
    if (m_trace) {
        TraceStep step;
        step.from = Trace::App;
        step.to = Trace::Browser;
        step.channel = Channel::Front;
        step.title = tr("Open end-session URL");
        step.explanationKey = QStringLiteral("logout-request");
        step.request.method = QStringLiteral("GET");
        step.request.url = url.toString(QUrl::FullyEncoded);
        step.result = StepResult::Ok;
        step.durationMs = 0;
        step.detail = tr("id_token_hint names the session to end; the provider sends the browser back to %1 with the state.").arg(redirectUri);
        m_trace->append(step);
    }
    Q_EMIT progress(tr("Logging out at the provider..."));
    if (system) {
        if (!m_openSystemBrowser(url))
            fail(FlowStage::Browser, tr("The system browser could not be opened."), m_trace ? m_trace->count() - 1 : -1);
        return;
    }
    m_agent->startAuthorization(url, m_matcher);
}

bool AuthCodeFlow::handleDevicePollError(const QString &error, int step)
{
    // RFC 8628 section 3.5: these two mean "keep polling".
    const bool pending = error == QLatin1String("authorization_pending");
    const bool slowDown = error == QLatin1String("slow_down");
    if (!pending && !slowDown)
        return false; // access_denied, expired_token and the rest end the run
    if (slowDown)
        m_device.intervalSeconds += 5;
    if (m_trace && step >= 0)
        m_trace->update(step, [&](TraceStep &traceStep) {
            traceStep.result = StepResult::Ok;
            traceStep.detail = slowDown ? tr("slow_down: the app polled too often, so it now waits %1 s between polls (RFC 8628 section 3.5).")
                                              .arg(m_device.intervalSeconds)
                                        : tr("authorization_pending: the user has not approved yet. Next poll in %1 s.")
                                              .arg(m_device.intervalSeconds);
        });
    m_pollTimer.start(m_device.intervalSeconds * 1000);
    return true;
}

void AuthCodeFlow::addClientAuthentication(TracedRequest *request, oidc::FormFields *fields) const
{
    // A pushed authorization request already carries client_id; it must not appear twice.
    const auto appendClientId = [this](oidc::FormFields *target) {
        const bool present = std::any_of(target->cbegin(), target->cend(),
                                         [](const auto &field) { return field.first == QLatin1String("client_id"); });
        if (!present)
            target->append({QStringLiteral("client_id"), m_profile.clientId});
    };
    if (m_profile.clientAuth == ClientAuthMethod::ClientSecretJwt || m_profile.clientAuth == ClientAuthMethod::PrivateKeyJwt) {
        // RFC 7523 section 3: the client is both issuer and subject, and the audience is the
        // endpoint that receives the assertion. A fresh jti and a short lifetime stop replays.
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QJsonObject claims{
            {QStringLiteral("iss"), m_profile.clientId},
            {QStringLiteral("sub"), m_profile.clientId},
            {QStringLiteral("aud"), request->url.toString()},
            {QStringLiteral("jti"), QString::fromLatin1(oidc::randomToken(16))},
            {QStringLiteral("iat"), now},
            {QStringLiteral("exp"), now + 60},
        };
        QString error;
        std::optional<QByteArray> assertion;
        if (m_profile.clientAuth == ClientAuthMethod::ClientSecretJwt) {
            assertion = jose::signCompactHmac(QStringLiteral("HS256"), m_clientSecret.toUtf8(),
                                              QJsonObject{{QStringLiteral("typ"), QStringLiteral("JWT")}}, claims, &error);
        } else {
            const QString alg = m_clientKey.kty() == QLatin1String("EC") ? QStringLiteral("ES256") : QStringLiteral("RS256");
            assertion = jose::signCompact(alg, m_clientKey,
                                          QJsonObject{{QStringLiteral("typ"), QStringLiteral("JWT")},
                                                      {QStringLiteral("kid"), QString::fromLatin1(m_clientKey.thumbprint())}},
                                          claims, &error);
        }
        if (!assertion) {
            // NOTE: begin() checks the key and the secret length, so this is not expected. The
            // request then goes out without an assertion and the provider rejects it.
            qCWarning(lcFlow).noquote() << "Signing the client assertion failed:" << error;
            return;
        }
        if (m_trace)
            m_trace->addSecret(QString::fromLatin1(*assertion));
        appendClientId(fields);
        fields->append({QStringLiteral("client_assertion_type"), QStringLiteral("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")});
        fields->append({QStringLiteral("client_assertion"), QString::fromLatin1(*assertion)});
        return;
    }
    switch (m_profile.clientAuth) {
    case ClientAuthMethod::None:
        appendClientId(fields);
        break;
    case ClientAuthMethod::ClientSecretBasic:
        request->addHeader("Authorization", oidc::basicAuthorization(m_profile.clientId, m_clientSecret));
        break;
    case ClientAuthMethod::ClientSecretPost:
        appendClientId(fields);
        fields->append({QStringLiteral("client_secret"), m_clientSecret});
        break;
    case ClientAuthMethod::ClientSecretJwt:
    case ClientAuthMethod::PrivateKeyJwt:
        break; // handled above
    }
}

void AuthCodeFlow::postTokenRequest(oidc::FormFields fields, const QString &explanationKey,
                                    std::function<void(const TokenSet &tokens, int step)> onTokens)
{
    const TracedRequest request = formPost(m_metadata.tokenEndpoint, explanationKey, std::move(fields));
    sendChecked(request, [this, request, onTokens](const TracedResponse &response) {
        m_providerDate = QString::fromLatin1(response.header("Date"));
        oidc::TokenResponse parsed;
        QString problem;
        if (!oidc::TokenResponse::parse(response.status, response.body, QDateTime::currentDateTimeUtc(), &parsed, &problem)) {
            fail(FlowStage::TokenRequest, tr("%1 (%2)").arg(problem, request.url.toString()), response.stepIndex);
            return;
        }
        if (parsed.isError() && m_kind == FlowKind::DeviceCode && handleDevicePollError(parsed.error, response.stepIndex))
            return;
        if (parsed.isError()) {
            QString message = tr("The token endpoint %1 returned HTTP %2 with \"%3\"")
                                  .arg(request.url.toString())
                                  .arg(response.status)
                                  .arg(parsed.error);
            if (!parsed.errorDescription.isEmpty())
                message += QStringLiteral(": ") + parsed.errorDescription;
            if (!message.endsWith(QLatin1Char('.')))
                message += QLatin1Char('.');
            if (parsed.error == QLatin1String("invalid_client") && m_profile.clientAuth == ClientAuthMethod::ClientSecretBasic)
                message += QLatin1Char(' ')
                    + tr("Check the client secret. Some servers decode client_secret_basic credentials wrongly when they "
                         "contain characters such as + / = or :; try client_secret_post in the profile.");
            const bool loginRequired = m_kind == FlowKind::Refresh && parsed.error == QLatin1String("invalid_grant");
            if (loginRequired && parsed.errorDescription.isEmpty())
                message += QLatin1Char(' ') + tr("The refresh token has expired, was revoked, or was already used once.");
            if (loginRequired)
                message += QLatin1Char(' ') + tr("Log in again to get new tokens.");
            if (m_kind == FlowKind::Password && parsed.error == QLatin1String("unsupported_grant_type"))
                message += QLatin1Char(' ')
                    + tr("This provider does not offer the password grant, which OAuth 2.1 removes. Use Log in (the "
                         "code flow), which never hands the password to the app.");
            if (m_kind == FlowKind::DeviceCode && parsed.error == QLatin1String("access_denied"))
                message += QLatin1Char(' ') + tr("The user denied the request on the other device.");
            if (m_kind == FlowKind::DeviceCode && parsed.error == QLatin1String("expired_token"))
                message += QLatin1Char(' ') + tr("The device code expired before the user approved it; start again for a new code.");
            if (m_kind == FlowKind::ClientCredentials && parsed.error == QLatin1String("unauthorized_client"))
                message += QLatin1Char(' ') + tr("Allow the client_credentials grant for this client at the provider.");
            if (m_trace && response.stepIndex >= 0)
                m_trace->update(response.stepIndex, [&](TraceStep &step) {
                    step.result = StepResult::Failed;
                    step.detail = message;
                });
            FlowResult result;
            result.stage = FlowStage::TokenRequest;
            result.message = message;
            result.failedStep = response.stepIndex;
            result.loginRequired = loginRequired;
            finish(result);
            return;
        }
        const TokenSet &tokens = parsed.tokens;
        if (m_trace) {
            m_trace->addSecret(tokens.accessToken);
            m_trace->addSecret(tokens.idToken);
            m_trace->addSecret(tokens.refreshToken);
        }
        if (m_trace)
            m_trace->update(response.stepIndex, [&](TraceStep &step) {
                step.result = StepResult::Ok;
                QStringList got;
                if (!tokens.idToken.isEmpty())
                    got << QStringLiteral("id_token");
                got << QStringLiteral("access_token");
                if (!tokens.refreshToken.isEmpty())
                    got << QStringLiteral("refresh_token");
                step.detail = tr("Received %1.").arg(got.join(QStringLiteral(", ")));
                if (m_kind == FlowKind::AuthorizationCode && tokens.refreshToken.isEmpty()
                    && m_profile.scopes.contains(QStringLiteral("offline_access")))
                    step.detail += QLatin1Char(' ')
                        + tr("offline_access was requested but no refresh token came back. The provider may not allow "
                             "refresh for this client, or it drops offline_access unless the authorize request also "
                             "has prompt=consent (add it under extra authorize parameters).");
            });
        onTokens(tokens, response.stepIndex);
    });
}

void AuthCodeFlow::validate(const TokenSet &tokens, bool keysRefetched)
{
    oidc::IdTokenExpectations expect;
    expect.issuer = m_metadata.issuer;
    expect.clientId = m_profile.clientId;
    expect.allowedAlgorithms = m_profile.allowedAlgorithms;
    expect.providerAlgorithms = m_metadata.idTokenSigningAlgValuesSupported;
    // Only a login sends a nonce. A refreshed ID token is compared with the previous one below
    // instead, and a device code grant has no authorize request at all.
    expect.nonce = m_kind == FlowKind::AuthorizationCode ? m_request.nonce : QByteArray();
    expect.accessToken = tokens.accessToken;
    if (m_validatingFrontChannel) {
        // at_hash and c_hash tie the browser-delivered tokens to this ID token.
        expect.responseType = m_request.responseType;
        expect.code = m_frontCode;
    }
    if (m_validatingFrontChannel)
        expect.state = QString::fromLatin1(m_request.state); // s_hash, when the ID token carries one
    if (m_kind == FlowKind::AuthorizationCode) {
        // What the authorization request asked for through the profile's extra parameters.
        for (const auto &[name, value] : m_profile.extraAuthorizeParams) {
            bool isNumber = false;
            if (name == QLatin1String("max_age") && value.toInt(&isNumber) >= 0 && isNumber)
                expect.maxAgeSeconds = value.toInt();
            if (name == QLatin1String("acr_values"))
                expect.acrValues = value.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        }
    }
    expect.clientSecret = m_clientSecret;
    expect.leewaySeconds = m_profile.leewaySeconds;
    expect.now = QDateTime::currentDateTimeUtc();
    const oidc::IdTokenValidation validation = oidc::validateIdToken(tokens.idToken.toLatin1(), m_keys, expect);

    // An unknown kid may mean the provider rotated its keys: fetch the JWKS once more
    // (OpenID Connect Core section 10.1.1) before calling the token invalid. The policy allows
    // that once per kid and once a minute per issuer, so forged kids cannot flood the provider.
    if (!keysRefetched && !validation.unknownKid.isEmpty()) {
        const oidc::JwksRefetchPolicy::Decision decision = m_refetchPolicy.requestRefetch(m_metadata.issuer, validation.unknownKid);
        if (m_trace)
            m_trace->appendLocal(Trace::App, decision.allowed ? tr("Unknown key id: fetch keys again") : tr("Unknown key id: no refetch"),
                                 StepResult::Warning, decision.reason, QStringLiteral("check-key"));
        if (decision.allowed) {
            fetchKeys([this, tokens] { validate(tokens, true); });
            return;
        }
    }

    int firstFailedStep = -1;
    if (m_trace) {
        for (const oidc::Check &check : validation.checks) {
            const int index = m_trace->appendLocal(Trace::App, check.name, stepResultForCheck(check.status),
                                                   check.reason + (check.spec.isEmpty() ? QString() : QStringLiteral(" (") + check.spec + QLatin1Char(')')),
                                                   check.id);
            if (check.status == oidc::Check::Status::Failed && firstFailedStep < 0)
                firstFailedStep = index;
        }
    }

    // A time check that failed is most often the local clock: compare it with the provider's.
    static const QStringList timeChecks{QStringLiteral("check-expiry"), QStringLiteral("check-issued-at"),
                                        QStringLiteral("check-not-before"), QStringLiteral("check-auth-time")};
    bool timeFailed = false;
    for (const oidc::Check &check : validation.checks)
        timeFailed |= check.status == oidc::Check::Status::Failed && timeChecks.contains(check.id);
    if (timeFailed && m_trace && !m_providerDate.isEmpty()) {
        const oidc::Check skew = oidc::checkClockSkew(m_providerDate, QDateTime::currentDateTimeUtc(), m_profile.leewaySeconds);
        m_trace->appendLocal(Trace::App, skew.name, stepResultForCheck(skew.status),
                             skew.reason + (skew.spec.isEmpty() ? QString() : QStringLiteral(" (") + skew.spec + QLatin1Char(')')), skew.id);
    }

    QString refreshProblem;
    if (m_kind == FlowKind::Refresh && validation.passed()) {
        refreshProblem = compareWithPreviousIdToken(validation.claims(), m_current.idToken);
        if (m_trace) {
            const int index = m_trace->appendLocal(Trace::App, tr("Same user as before"), refreshProblem.isEmpty() ? StepResult::Ok : StepResult::Failed,
                                                   refreshProblem.isEmpty() ? tr("iss, sub and aud equal those of the previous ID token, and so does "
                                                                                 "the nonce if the new token has one (OpenID Connect Core section 12.2).")
                                                                            : refreshProblem,
                                                   QStringLiteral("check-refresh-id-token"));
            if (!refreshProblem.isEmpty())
                firstFailedStep = index;
        }
    }

    if (m_validatingFrontChannel && validation.passed() && !m_frontCode.isEmpty()) {
        // Hybrid: the front-channel ID token is fine, so the code is exchanged next.
        m_validatingFrontChannel = false;
        exchangeCode(m_frontCode);
        return;
    }
    m_validatingFrontChannel = false;

    FlowResult result;
    result.tokens = tokens;
    result.validation = validation;
    if (!validation.passed() || !refreshProblem.isEmpty()) {
        result.ok = false;
        result.stage = FlowStage::Validation;
        result.message = tr("The ID token failed validation: %1").arg(refreshProblem.isEmpty() ? validation.firstFailure() : refreshProblem);
        result.failedStep = firstFailedStep;
        finish(result);
        return;
    }
    result.ok = true;
    result.stage = FlowStage::Done;
    result.message = m_kind == FlowKind::Refresh ? tr("Tokens refreshed. The new ID token passed every check.")
                                                 : tr("Signed in. The ID token passed every check.");
    finish(result);
}

void AuthCodeFlow::fail(FlowStage stage, const QString &message, int step)
{
    if (m_trace && step >= 0 && step < m_trace->count())
        m_trace->update(step, [&](TraceStep &traceStep) {
            traceStep.result = StepResult::Failed;
            if (traceStep.detail.isEmpty() || stage != FlowStage::Callback)
                traceStep.detail = message;
        });
    FlowResult result;
    result.stage = stage;
    result.message = message;
    result.failedStep = step;
    finish(result);
}

void AuthCodeFlow::finish(FlowResult result)
{
    if (!m_running)
        return;
    m_listener->close();
    m_pollTimer.stop();
    m_running = false;
    ++m_generation;
    result.kind = m_kind;
    if (result.ok)
        qCInfo(lcFlow) << "Flow finished";
    else
        qCWarning(lcFlow).noquote() << "Flow stopped:" << Trace::maskKnownFields(result.message);
    Q_EMIT finished(result);
}

} // namespace afx
