// Social sign-in through the sandbox's second provider, "Example Social", driven with plain
// HTTP the way a browser would follow it: the sandbox's login page, /social/start, the social
// provider's login page, /social/callback and the app's redirect URI.

#include "sandbox/directory.h"
#include "sandbox/identityprovider.h"
#include "sandbox/sandboxserver.h"
#include "sandbox/socialprovider.h"
#include "sandboxhttp.h"

#include "flow/trace.h"
#include "jose/jws.h"
#include "jose/key.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using afx::sandbox::SandboxServer;
using afx::sandbox::SocialProvider;
using namespace afx::test;

namespace {

// The app's authorization request to the sandbox.
struct AppRequest {
    QString responseType = QStringLiteral("code");
    QString responseMode; // empty: the default of the response type
    QString redirectUri = QStringLiteral("http://127.0.0.1:49152/callback");
    QString state = QStringLiteral("app state+with/special=chars");
    QString nonce = QStringLiteral("app-nonce-2718");
    QString verifier = newVerifier();

    FormFields fields() const
    {
        FormFields list{{QStringLiteral("response_type"), responseType},
                        {QStringLiteral("client_id"), SandboxServer::publicClientId()},
                        {QStringLiteral("redirect_uri"), redirectUri},
                        {QStringLiteral("scope"), QStringLiteral("openid profile email")},
                        {QStringLiteral("state"), state},
                        {QStringLiteral("nonce"), nonce},
                        {QStringLiteral("code_challenge"), pkceChallenge(verifier)},
                        {QStringLiteral("code_challenge_method"), QStringLiteral("S256")}};
        if (!responseMode.isEmpty())
            list.append({QStringLiteral("response_mode"), responseMode});
        return list;
    }
};

// The "Continue with Example Social" form of the sandbox's login page.
struct SocialForm {
    QString action;
    QString requestId;
    QString buttonText;
};

SocialForm findSocialForm(const QString &html)
{
    static const QRegularExpression form(QStringLiteral(
        "<form class=\"social\" method=\"post\" action=\"([^\"]*)\">\\s*<input type=\"hidden\" name=\"request_id\" "
        "value=\"([^\"]*)\">\\s*<button id=\"social\" type=\"submit\">([^<]*)</button>"));
    const QRegularExpressionMatch match = form.match(html);
    return {htmlUnescape(match.captured(1)), htmlUnescape(match.captured(2)), htmlUnescape(match.captured(3))};
}

// Changes the email claim of a compact JWS to the sandbox demo user's address and keeps the
// old signature, as an attacker who wants to take over that account would.
QByteArray claimDemoUsersEmail(const QByteArray &token)
{
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3)
        return token;
    QJsonObject claims =
        QJsonDocument::fromJson(QByteArray::fromBase64(parts.at(1), QByteArray::Base64UrlEncoding)).object();
    claims.insert(QStringLiteral("email"), SandboxServer::demoEmail());
    return parts.at(0) + '.' + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact)) + '.' + parts.at(2);
}

} // namespace

class TestSocialSignOn : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void socialProviderIsSeparate();
    void loginPageOffersSocialButton();
    void socialSignInEndToEnd();
    void secondSignInKeepsLinkedUser();
    void socialSignInHonoursResponseMode_data();
    void socialSignInHonoursResponseMode();
    void socialCancelPropagatesAccessDenied();
    void socialWrongPasswordStaysOnPage();
    void callbackUnknownStateIs400_data();
    void callbackUnknownStateIs400();
    void callbackReplayIs400();
    void callbackWrongIssuerFails();
    void tamperedIdTokenStops();
    void startUnknownRequestIs400();
    void socialTokenEndpointRejections_data();
    void socialTokenEndpointRejections();
    void socialAuthorizeRejections_data();
    void socialAuthorizeRejections();
    void traceNamesSocialHost();
    void stopEndsSocialProvider();
    void directoryLinksAccounts();

private:
    Reply send(const QByteArray &method, const QUrl &url, const QByteArray &body = {}, const Headers &headers = {})
    {
        return sendRequest(m_network, method, url, body, headers);
    }
    Reply get(const QUrl &url) { return send("GET", url); }
    Reply postForm(const QUrl &url, const FormFields &fields) { return postFormRequest(m_network, url, fields); }
    QUrl sandboxUrl(const QString &pathAndQuery) const { return QUrl(m_server->issuer() + pathAndQuery); }
    QUrl socialUrl(const QString &pathAndQuery) const { return QUrl(m_server->socialIssuer() + pathAndQuery); }

    // Opens the sandbox's login page for `request` and presses "Continue with Example Social".
    // Returns the 302 of /social/start, or a reply with status 0 (and a warning) on failure.
    Reply startSocial(const AppRequest &request);
    // Runs startSocial, opens the social login page and posts it with `action` ("login" or
    // "cancel"). Returns the social provider's /login reply.
    Reply submitSocialLogin(const AppRequest &request, const QString &action,
                            const QString &password = SandboxServer::socialDemoPassword());
    // Runs the whole chain up to the sandbox's response to /social/callback.
    Reply runSocialSignIn(const AppRequest &request);
    Reply exchangeCode(const AppRequest &request, const QString &code);
    // Verifies `jwt` with the sandbox's JWKS and returns its claims, or an empty object.
    QJsonObject verifiedSandboxClaims(const QString &jwt);
    const afx::TraceStep *findStep(const QString &title) const;

    QNetworkAccessManager m_network;
    SandboxServer *m_server = nullptr;
    afx::Trace m_trace;
};

void TestSocialSignOn::initTestCase()
{
    QLoggingCategory::setFilterRules(QStringLiteral("afx.sandbox.debug=false"));
    m_network.setProxy(QNetworkProxy::NoProxy);
    m_server = new SandboxServer(this);
    m_server->setTrace(&m_trace);
    QString error;
    QVERIFY2(m_server->start(0, &error), qPrintable(error));
    QVERIFY(!m_server->socialIssuer().isEmpty());
}

void TestSocialSignOn::init()
{
    m_trace.clear();
}

void TestSocialSignOn::cleanup()
{
    m_server->socialProvider()->setIdTokenFilter({});
}

Reply TestSocialSignOn::startSocial(const AppRequest &request)
{
    const Reply page = get(sandboxUrl(QStringLiteral("/authorize?") + QString::fromLatin1(formBody(request.fields()))));
    const SocialForm form = findSocialForm(page.html());
    if (page.status != 200 || form.requestId.isEmpty()) {
        qWarning() << "the sandbox login page has no social form; status" << page.status;
        return {};
    }
    return postForm(sandboxUrl(form.action), {{QStringLiteral("request_id"), form.requestId}});
}

Reply TestSocialSignOn::submitSocialLogin(const AppRequest &request, const QString &action, const QString &password)
{
    const Reply started = startSocial(request);
    if (started.status != 302) {
        qWarning() << "/social/start answered" << started.status;
        return {};
    }
    const Reply socialPage = get(QUrl::fromEncoded(started.header("Location")));
    const QString requestId = requestIdFromPage(socialPage.html());
    if (socialPage.status != 200 || requestId.isEmpty()) {
        qWarning() << "the social login page did not appear; status" << socialPage.status;
        return {};
    }
    return postForm(socialUrl(QStringLiteral("/login")), {{QStringLiteral("request_id"), requestId},
                                                          {QStringLiteral("email"), SandboxServer::socialDemoEmail()},
                                                          {QStringLiteral("password"), password},
                                                          {QStringLiteral("action"), action}});
}

Reply TestSocialSignOn::runSocialSignIn(const AppRequest &request)
{
    const Reply login = submitSocialLogin(request, QStringLiteral("login"));
    if (login.status != 302) {
        qWarning() << "the social login answered" << login.status;
        return {};
    }
    return get(QUrl::fromEncoded(login.header("Location")));
}

Reply TestSocialSignOn::exchangeCode(const AppRequest &request, const QString &code)
{
    return postForm(sandboxUrl(QStringLiteral("/token")), {{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                                           {QStringLiteral("code"), code},
                                                           {QStringLiteral("redirect_uri"), request.redirectUri},
                                                           {QStringLiteral("client_id"), SandboxServer::publicClientId()},
                                                           {QStringLiteral("code_verifier"), request.verifier}});
}

QJsonObject TestSocialSignOn::verifiedSandboxClaims(const QString &jwt)
{
    afx::jose::Jwks jwks;
    QString error;
    if (!afx::jose::Jwks::parse(get(sandboxUrl(QStringLiteral("/jwks"))).body, &jwks, &error) || jwks.keys.isEmpty()) {
        qWarning().noquote() << "the sandbox JWKS does not parse:" << error;
        return {};
    }
    const std::optional<afx::jose::CompactJws> jws = afx::jose::CompactJws::parse(jwt.toLatin1(), &error);
    if (!jws || !afx::jose::verifySignature(jws->alg(), jwks.keys.first().key, jws->signingInput, jws->signature, &error)) {
        qWarning().noquote() << "the token does not verify with the sandbox JWKS:" << error;
        return {};
    }
    return jws->claims;
}

const afx::TraceStep *TestSocialSignOn::findStep(const QString &title) const
{
    for (const afx::TraceStep &step : m_trace.steps()) {
        if (step.title == title)
            return &step;
    }
    return nullptr;
}

void TestSocialSignOn::socialProviderIsSeparate()
{
    const QUrl sandbox(m_server->issuer());
    const QUrl social(m_server->socialIssuer());
    QCOMPARE(social.host(), QStringLiteral("127.0.0.1"));
    QVERIFY(social.port() > 0);
    QVERIFY(social.port() != sandbox.port());
    QVERIFY(SandboxServer::socialDemoEmail() != SandboxServer::demoEmail());

    const Reply discovery = get(socialUrl(QStringLiteral("/.well-known/openid-configuration")));
    QCOMPARE(discovery.status, 200);
    const QJsonObject metadata = discovery.json();
    QCOMPARE(metadata.value(QStringLiteral("issuer")).toString(), m_server->socialIssuer());
    QCOMPARE(metadata.value(QStringLiteral("authorization_endpoint")).toString(), m_server->socialIssuer() + QStringLiteral("/authorize"));
    QCOMPARE(metadata.value(QStringLiteral("token_endpoint")).toString(), m_server->socialIssuer() + QStringLiteral("/token"));
    QCOMPARE(metadata.value(QStringLiteral("jwks_uri")).toString(), m_server->socialIssuer() + QStringLiteral("/jwks"));
    QCOMPARE(metadata.value(QStringLiteral("code_challenge_methods_supported")).toArray(), QJsonArray{QStringLiteral("S256")});

    afx::jose::Jwks socialKeys;
    afx::jose::Jwks sandboxKeys;
    QString error;
    QVERIFY2(afx::jose::Jwks::parse(get(socialUrl(QStringLiteral("/jwks"))).body, &socialKeys, &error), qPrintable(error));
    QVERIFY2(afx::jose::Jwks::parse(get(sandboxUrl(QStringLiteral("/jwks"))).body, &sandboxKeys, &error), qPrintable(error));
    QCOMPARE(socialKeys.keys.size(), 1);
    QCOMPARE(sandboxKeys.keys.size(), 1);
    QVERIFY(socialKeys.keys.first().kid != sandboxKeys.keys.first().kid);
}

void TestSocialSignOn::loginPageOffersSocialButton()
{
    const Reply page = get(sandboxUrl(QStringLiteral("/authorize?") + QString::fromLatin1(formBody(AppRequest().fields()))));
    QCOMPARE(page.status, 200);
    const SocialForm form = findSocialForm(page.html());
    QCOMPARE(form.buttonText, QStringLiteral("Continue with Example Social"));
    QCOMPARE(form.action, QStringLiteral("/social/start"));
    QCOMPARE(form.requestId, requestIdFromPage(page.html()));
    // The password form stays the page's first form, so Enter and form-filling agents use it.
    QVERIFY(page.html().indexOf(QStringLiteral("action=\"/login\"")) < page.html().indexOf(QStringLiteral("action=\"/social/start\"")));
}

void TestSocialSignOn::socialSignInEndToEnd()
{
    const AppRequest request;

    // 1. The sandbox sends the browser to the social provider as its client.
    const Reply started = startSocial(request);
    QCOMPARE(started.status, 302);
    const Redirect toSocial = parseRedirect(started);
    QCOMPARE(toSocial.target, m_server->socialIssuer() + QStringLiteral("/authorize"));
    QCOMPARE(toSocial.params.value(QStringLiteral("response_type")), QStringLiteral("code"));
    QCOMPARE(toSocial.params.value(QStringLiteral("redirect_uri")), m_server->issuer() + QStringLiteral("/social/callback"));
    QVERIFY(!toSocial.params.value(QStringLiteral("client_id")).isEmpty());
    QVERIFY(toSocial.params.value(QStringLiteral("client_id")) != SandboxServer::publicClientId());
    QCOMPARE(toSocial.params.value(QStringLiteral("code_challenge_method")), QStringLiteral("S256"));
    QCOMPARE(toSocial.params.value(QStringLiteral("code_challenge")).size(), 43);
    QVERIFY(toSocial.params.value(QStringLiteral("scope")).split(QLatin1Char(' ')).contains(QStringLiteral("email")));
    // The sandbox's own state and nonce, never the app's.
    QVERIFY(toSocial.params.value(QStringLiteral("state")).size() >= 22);
    QVERIFY(toSocial.params.value(QStringLiteral("state")) != request.state);
    QVERIFY(toSocial.params.value(QStringLiteral("nonce")).size() >= 16);
    QVERIFY(toSocial.params.value(QStringLiteral("nonce")) != request.nonce);

    // 2. The social provider's own login page, with its demo account.
    const Reply socialPage = get(QUrl::fromEncoded(started.header("Location")));
    QCOMPARE(socialPage.status, 200);
    QVERIFY(socialPage.html().contains(QStringLiteral("<title>Sign in to Example Social</title>")));
    QVERIFY(socialPage.html().contains(QStringLiteral("Demo account: %1 / %2")
                                           .arg(SandboxServer::socialDemoEmail(), SandboxServer::socialDemoPassword())));
    const Reply socialLogin = postForm(socialUrl(QStringLiteral("/login")),
                                       {{QStringLiteral("request_id"), requestIdFromPage(socialPage.html())},
                                        {QStringLiteral("email"), SandboxServer::socialDemoEmail()},
                                        {QStringLiteral("password"), SandboxServer::socialDemoPassword()},
                                        {QStringLiteral("action"), QStringLiteral("login")}});
    QCOMPARE(socialLogin.status, 302);
    const Redirect toCallback = parseRedirect(socialLogin);
    QCOMPARE(toCallback.target, m_server->issuer() + QStringLiteral("/social/callback"));
    QCOMPARE(toCallback.params.value(QStringLiteral("state")), toSocial.params.value(QStringLiteral("state")));
    QCOMPARE(toCallback.params.value(QStringLiteral("iss")), m_server->socialIssuer());
    QVERIFY(!toCallback.params.value(QStringLiteral("code")).isEmpty());

    // 3 and 4. The callback redeems the code in the back channel and continues the app's sign-in.
    const Reply callback = get(QUrl::fromEncoded(socialLogin.header("Location")));
    QCOMPARE(callback.status, 302);
    const Redirect toApp = parseRedirect(callback);
    QCOMPARE(toApp.target, request.redirectUri);
    QCOMPARE(toApp.params.value(QStringLiteral("state")), request.state);
    QCOMPARE(toApp.params.value(QStringLiteral("iss")), m_server->issuer());
    const QString code = toApp.params.value(QStringLiteral("code"));
    QVERIFY(!code.isEmpty());

    const Reply tokens = exchangeCode(request, code);
    QCOMPARE(tokens.status, 200);
    const QJsonObject claims = verifiedSandboxClaims(tokens.json().value(QStringLiteral("id_token")).toString());
    QVERIFY(!claims.isEmpty());
    QCOMPARE(claims.value(QStringLiteral("iss")).toString(), m_server->issuer());
    QCOMPARE(claims.value(QStringLiteral("aud")).toString(), SandboxServer::publicClientId());
    QCOMPARE(claims.value(QStringLiteral("email")).toString(), SandboxServer::socialDemoEmail());
    QCOMPARE(claims.value(QStringLiteral("nonce")).toString(), request.nonce);
    QVERIFY(claims.value(QStringLiteral("sub")).toString() != afx::sandbox::demoUser().sub);

    // The access token works at the sandbox's API for the new user.
    const QByteArray query = QJsonDocument(QJsonObject{{QStringLiteral("query"), QStringLiteral("{ me { email } }")}})
                                 .toJson(QJsonDocument::Compact);
    const Reply me = send("POST", sandboxUrl(QStringLiteral("/graphql")), query,
                          {{"Content-Type", "application/json"},
                           {"Authorization", "Bearer " + tokens.json().value(QStringLiteral("access_token")).toString().toLatin1()}});
    QCOMPARE(me.status, 200);
    QCOMPARE(me.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("me")).toObject().value(QStringLiteral("email")).toString(),
             SandboxServer::socialDemoEmail());

    // The trace has the back-channel exchange on the social provider's own lifeline.
    const afx::TraceStep *exchange = findStep(QStringLiteral("POST /token (Example Social)"));
    QVERIFY(exchange);
    QCOMPARE(exchange->from, afx::Trace::Provider);
    QCOMPARE(m_trace.lifelineLabel(exchange->to), QStringLiteral("Example Social"));
    QVERIFY(exchange->to != afx::Trace::Provider);
    QCOMPARE(exchange->channel, afx::Channel::Back);
    QCOMPARE(exchange->explanationKey, QStringLiteral("social-token-exchange"));
    QCOMPARE(exchange->result, afx::StepResult::Ok);
    QCOMPARE(exchange->request.method, QStringLiteral("POST"));
    QCOMPARE(exchange->request.url, m_server->socialIssuer() + QStringLiteral("/token"));
    QVERIFY(exchange->request.body.contains("grant_type=authorization_code"));
    QVERIFY(exchange->request.body.contains("code_verifier="));
    QCOMPARE(exchange->response.status, 200);
    QVERIFY(QJsonDocument::fromJson(exchange->response.body).object().contains(QStringLiteral("id_token")));
    QVERIFY(exchange->durationMs >= 0);
    QVERIFY(exchange->startedAt.isValid());
    // The social code and ID token are registered secrets, so views mask them.
    const QString socialCode = toCallback.params.value(QStringLiteral("code"));
    QVERIFY(QString::fromLatin1(exchange->request.body).contains(socialCode));
    QVERIFY(!m_trace.mask(QString::fromLatin1(exchange->request.body)).contains(socialCode));
    const QString socialIdToken = QJsonDocument::fromJson(exchange->response.body).object().value(QStringLiteral("id_token")).toString();
    QVERIFY(!m_trace.mask(QString::fromLatin1(exchange->response.body)).contains(socialIdToken));

    const afx::TraceStep *validation = findStep(QStringLiteral("Validate Example Social ID token"));
    QVERIFY(validation);
    QCOMPARE(validation->from, afx::Trace::Provider);
    QCOMPARE(validation->to, afx::Trace::Provider);
    QCOMPARE(validation->channel, afx::Channel::Local);
    QCOMPARE(validation->explanationKey, QStringLiteral("social-id-token-check"));
    QCOMPARE(validation->result, afx::StepResult::Ok);
    QVERIFY(validation->index > exchange->index);
}

void TestSocialSignOn::secondSignInKeepsLinkedUser()
{
    QStringList subjects;
    for (int i = 0; i < 2; ++i) {
        const AppRequest request;
        const Reply callback = runSocialSignIn(request);
        QCOMPARE(callback.status, 302);
        const Reply tokens = exchangeCode(request, parseRedirect(callback).params.value(QStringLiteral("code")));
        QCOMPARE(tokens.status, 200);
        subjects.append(verifiedSandboxClaims(tokens.json().value(QStringLiteral("id_token")).toString())
                            .value(QStringLiteral("sub"))
                            .toString());
    }
    QVERIFY(!subjects.first().isEmpty());
    QCOMPARE(subjects.last(), subjects.first());
    // The JWKS of the social provider was loaded once and then reused.
    int jwksLoads = 0;
    for (const afx::TraceStep &step : m_trace.steps())
        jwksLoads += step.title == QLatin1String("GET /jwks (Example Social)") ? 1 : 0;
    QVERIFY(jwksLoads <= 1);
}

void TestSocialSignOn::socialSignInHonoursResponseMode_data()
{
    QTest::addColumn<QString>("responseType");
    QTest::addColumn<QString>("responseMode");

    QTest::newRow("code with form_post") << QStringLiteral("code") << QStringLiteral("form_post");
    QTest::newRow("code in fragment") << QStringLiteral("code") << QStringLiteral("fragment");
    QTest::newRow("hybrid code id_token") << QStringLiteral("code id_token") << QString();
}

void TestSocialSignOn::socialSignInHonoursResponseMode()
{
    QFETCH(QString, responseType);
    QFETCH(QString, responseMode);

    AppRequest request;
    request.responseType = responseType;
    request.responseMode = responseMode;
    const Reply callback = runSocialSignIn(request);

    QMap<QString, QString> fields;
    if (responseMode == QLatin1String("form_post")) {
        QCOMPARE(callback.status, 200);
        static const QRegularExpression action(QStringLiteral("<form method=\"post\" action=\"([^\"]*)\">"));
        QCOMPARE(htmlUnescape(action.match(callback.html()).captured(1)), request.redirectUri);
        static const QRegularExpression hidden(QStringLiteral("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">"));
        for (auto it = hidden.globalMatch(callback.html()); it.hasNext();) {
            const QRegularExpressionMatch match = it.next();
            fields.insert(htmlUnescape(match.captured(1)), htmlUnescape(match.captured(2)));
        }
    } else {
        QCOMPARE(callback.status, 302);
        const Redirect redirect = parseRedirect(callback);
        QCOMPARE(redirect.target, request.redirectUri);
        QVERIFY(redirect.params.isEmpty());
        fields = redirect.fragment;
    }
    QCOMPARE(fields.value(QStringLiteral("state")), request.state);
    QVERIFY(!fields.value(QStringLiteral("code")).isEmpty());
    if (responseType.contains(QLatin1String("id_token"))) {
        const QJsonObject claims = verifiedSandboxClaims(fields.value(QStringLiteral("id_token")));
        QCOMPARE(claims.value(QStringLiteral("email")).toString(), SandboxServer::socialDemoEmail());
        QCOMPARE(claims.value(QStringLiteral("nonce")).toString(), request.nonce);
    }
    QCOMPARE(exchangeCode(request, fields.value(QStringLiteral("code"))).status, 200);
}

void TestSocialSignOn::socialCancelPropagatesAccessDenied()
{
    const AppRequest request;
    const Reply cancelled = submitSocialLogin(request, QStringLiteral("cancel"));
    QCOMPARE(cancelled.status, 302);
    const Redirect toCallback = parseRedirect(cancelled);
    QCOMPARE(toCallback.params.value(QStringLiteral("error")), QStringLiteral("access_denied"));

    const Reply callback = get(QUrl::fromEncoded(cancelled.header("Location")));
    QCOMPARE(callback.status, 302);
    const Redirect toApp = parseRedirect(callback);
    QCOMPARE(toApp.target, request.redirectUri);
    QCOMPARE(toApp.params.value(QStringLiteral("error")), QStringLiteral("access_denied"));
    QCOMPARE(toApp.params.value(QStringLiteral("state")), request.state);
    QCOMPARE(toApp.params.value(QStringLiteral("iss")), m_server->issuer());
    QVERIFY(!toApp.params.contains(QStringLiteral("code")));
    QVERIFY(!findStep(QStringLiteral("POST /token (Example Social)")));
}

void TestSocialSignOn::socialWrongPasswordStaysOnPage()
{
    const Reply page = submitSocialLogin(AppRequest(), QStringLiteral("login"), QStringLiteral("wrong-password"));
    QCOMPARE(page.status, 200);
    QVERIFY(page.html().contains(QStringLiteral("Wrong email or password.")));
    QVERIFY(page.header("Location").isEmpty());
}

void TestSocialSignOn::callbackUnknownStateIs400_data()
{
    QTest::addColumn<QString>("query");

    QTest::newRow("unknown state") << QStringLiteral("code=abc&state=not-a-known-state");
    QTest::newRow("no state") << QStringLiteral("code=abc");
    QTest::newRow("empty state") << QStringLiteral("code=abc&state=");
    QTest::newRow("error without state") << QStringLiteral("error=access_denied");
    QTest::newRow("bad percent-encoding") << QStringLiteral("code=abc&state=%ZZ");
}

void TestSocialSignOn::callbackUnknownStateIs400()
{
    QFETCH(QString, query);

    const Reply reply = get(sandboxUrl(QStringLiteral("/social/callback?") + query));
    QCOMPARE(reply.status, 400);
    QVERIFY(reply.header("Content-Type").startsWith("text/html"));
    QVERIFY(reply.header("Location").isEmpty());
    QVERIFY(reply.html().contains(QStringLiteral("Sign-in with Example Social failed")));
    QVERIFY(!findStep(QStringLiteral("POST /token (Example Social)")));
}

void TestSocialSignOn::callbackReplayIs400()
{
    const Reply socialLogin = submitSocialLogin(AppRequest(), QStringLiteral("login"));
    QCOMPARE(socialLogin.status, 302);
    const QUrl callbackUrl = QUrl::fromEncoded(socialLogin.header("Location"));
    QCOMPARE(get(callbackUrl).status, 302);
    const Reply replay = get(callbackUrl);
    QCOMPARE(replay.status, 400);
    QVERIFY(replay.html().contains(QStringLiteral("state")));
}

void TestSocialSignOn::callbackWrongIssuerFails()
{
    const AppRequest request;
    const Reply socialLogin = submitSocialLogin(request, QStringLiteral("login"));
    QCOMPARE(socialLogin.status, 302);
    QMap<QString, QString> params = parseRedirect(socialLogin).params;
    params.insert(QStringLiteral("iss"), QStringLiteral("http://127.0.0.1:1"));
    FormFields fields;
    for (auto it = params.cbegin(); it != params.cend(); ++it)
        fields.append({it.key(), it.value()});

    const Reply callback = get(sandboxUrl(QStringLiteral("/social/callback?") + QString::fromLatin1(formBody(fields))));
    QCOMPARE(callback.status, 302);
    const Redirect toApp = parseRedirect(callback);
    QCOMPARE(toApp.params.value(QStringLiteral("error")), QStringLiteral("server_error"));
    QCOMPARE(toApp.params.value(QStringLiteral("state")), request.state);
    QVERIFY(toApp.params.value(QStringLiteral("error_description")).contains(QStringLiteral("iss")));
    QVERIFY(!findStep(QStringLiteral("POST /token (Example Social)")));
}

void TestSocialSignOn::tamperedIdTokenStops()
{
    m_server->socialProvider()->setIdTokenFilter(claimDemoUsersEmail);
    const AppRequest request;
    const Reply callback = runSocialSignIn(request);

    QCOMPARE(callback.status, 302);
    const Redirect toApp = parseRedirect(callback);
    QCOMPARE(toApp.target, request.redirectUri);
    QCOMPARE(toApp.params.value(QStringLiteral("error")), QStringLiteral("server_error"));
    QCOMPARE(toApp.params.value(QStringLiteral("state")), request.state);
    QVERIFY(!toApp.params.contains(QStringLiteral("code")));
    const QString description = toApp.params.value(QStringLiteral("error_description"));
    QVERIFY2(description.contains(QStringLiteral("signature does not verify")), qPrintable(description));

    const afx::TraceStep *exchange = findStep(QStringLiteral("POST /token (Example Social)"));
    QVERIFY(exchange);
    QCOMPARE(exchange->result, afx::StepResult::Ok);
    const afx::TraceStep *validation = findStep(QStringLiteral("Validate Example Social ID token"));
    QVERIFY(validation);
    QCOMPARE(validation->result, afx::StepResult::Failed);
    QVERIFY(validation->detail.contains(QStringLiteral("signature")));
}

void TestSocialSignOn::startUnknownRequestIs400()
{
    const Reply unknown = postForm(sandboxUrl(QStringLiteral("/social/start")), {{QStringLiteral("request_id"), QStringLiteral("nope")}});
    QCOMPARE(unknown.status, 400);
    QVERIFY(unknown.html().contains(QStringLiteral("unknown or has expired")));
    const Reply empty = postForm(sandboxUrl(QStringLiteral("/social/start")), {});
    QCOMPARE(empty.status, 400);
    const Reply wrongType = send("POST", sandboxUrl(QStringLiteral("/social/start")), "{}", {{"Content-Type", "application/json"}});
    QCOMPARE(wrongType.status, 415);
    QCOMPARE(get(sandboxUrl(QStringLiteral("/social/start"))).status, 405);
    QCOMPARE(send("POST", sandboxUrl(QStringLiteral("/social/callback"))).status, 405);
}

void TestSocialSignOn::socialTokenEndpointRejections_data()
{
    QTest::addColumn<QString>("variant");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");

    QTest::newRow("no client authentication") << QStringLiteral("no-auth") << 401 << QStringLiteral("invalid_client");
    QTest::newRow("wrong secret") << QStringLiteral("wrong-secret") << 401 << QStringLiteral("invalid_client");
    QTest::newRow("not a form") << QStringLiteral("json") << 400 << QStringLiteral("invalid_request");
}

void TestSocialSignOn::socialTokenEndpointRejections()
{
    QFETCH(QString, variant);
    QFETCH(int, status);
    QFETCH(QString, error);

    // The sandbox's client secret is generated per start and never leaves the process, so
    // every request from the test fails client authentication or comes before it.
    FormFields fields{{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                      {QStringLiteral("code"), QStringLiteral("some-code")},
                      {QStringLiteral("redirect_uri"), m_server->issuer() + QStringLiteral("/social/callback")}};
    Headers headers{{"Content-Type", "application/x-www-form-urlencoded"}};
    if (variant == QLatin1String("wrong-secret"))
        headers.append({"Authorization", "Basic " + QByteArray("explorer-sandbox-broker:guess").toBase64()});
    if (variant == QLatin1String("json"))
        headers = {{"Content-Type", "application/json"}};
    const Reply reply = send("POST", socialUrl(QStringLiteral("/token")), formBody(fields), headers);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.json().value(QStringLiteral("error")).toString(), error);
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
}

void TestSocialSignOn::socialAuthorizeRejections_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error"); // the redirect's error, empty for an error page

    QTest::newRow("unknown client") << QStringLiteral("client") << 400 << QString();
    QTest::newRow("other redirect_uri") << QStringLiteral("redirect") << 400 << QString();
    QTest::newRow("no PKCE") << QStringLiteral("pkce") << 302 << QStringLiteral("invalid_request");
    QTest::newRow("implicit type") << QStringLiteral("type") << 302 << QStringLiteral("unsupported_response_type");
    QTest::newRow("no openid scope") << QStringLiteral("scope") << 302 << QStringLiteral("invalid_scope");
}

void TestSocialSignOn::socialAuthorizeRejections()
{
    QFETCH(QString, change);
    QFETCH(int, status);
    QFETCH(QString, error);

    // Start from the sandbox's own valid request to the social provider and change one part.
    const Reply started = startSocial(AppRequest());
    QCOMPARE(started.status, 302);
    QMap<QString, QString> params = parseRedirect(started).params;
    if (change == QLatin1String("client"))
        params.insert(QStringLiteral("client_id"), QStringLiteral("someone-else"));
    else if (change == QLatin1String("redirect"))
        params.insert(QStringLiteral("redirect_uri"), QStringLiteral("http://127.0.0.1:1/social/callback"));
    else if (change == QLatin1String("pkce"))
        params.remove(QStringLiteral("code_challenge"));
    else if (change == QLatin1String("type"))
        params.insert(QStringLiteral("response_type"), QStringLiteral("id_token"));
    else if (change == QLatin1String("scope"))
        params.insert(QStringLiteral("scope"), QStringLiteral("email"));
    FormFields fields;
    for (auto it = params.cbegin(); it != params.cend(); ++it)
        fields.append({it.key(), it.value()});

    const Reply reply = get(socialUrl(QStringLiteral("/authorize?") + QString::fromLatin1(formBody(fields))));
    QCOMPARE(reply.status, status);
    if (error.isEmpty()) {
        QVERIFY(reply.header("Location").isEmpty());
        QVERIFY(reply.html().contains(QStringLiteral("Example Social sign-in failed")));
        return;
    }
    const Redirect redirect = parseRedirect(reply);
    QCOMPARE(redirect.target, m_server->issuer() + QStringLiteral("/social/callback"));
    QCOMPARE(redirect.params.value(QStringLiteral("error")), error);
    QCOMPARE(redirect.params.value(QStringLiteral("state")), params.value(QStringLiteral("state")));

    // The sandbox passes a provider error other than access_denied on as server_error.
    const Reply callback = get(QUrl::fromEncoded(reply.header("Location")));
    QCOMPARE(callback.status, 302);
    QCOMPARE(parseRedirect(callback).params.value(QStringLiteral("error")), QStringLiteral("server_error"));
    QCOMPARE(parseRedirect(callback).params.value(QStringLiteral("state")), AppRequest().state);
}

void TestSocialSignOn::traceNamesSocialHost()
{
    // setTrace after start.
    {
        afx::Trace trace;
        m_server->setTrace(&trace);
        const QString authority = QUrl(m_server->socialIssuer()).authority();
        const QString lifeline = trace.lifelineForAuthority(authority, QStringLiteral("127.0.0.1"));
        QCOMPARE(trace.lifelineLabel(lifeline), QStringLiteral("Example Social"));
        // The sandbox's own authority is not renamed.
        const QString sandboxLifeline = trace.lifelineForAuthority(QUrl(m_server->issuer()).authority(), QStringLiteral("127.0.0.1"));
        QVERIFY(sandboxLifeline != lifeline);
        m_server->setTrace(&m_trace);
    }
    // setTrace before start.
    {
        afx::Trace trace;
        SandboxServer server;
        server.setTrace(&trace);
        QVERIFY(server.start());
        const QString lifeline = trace.lifelineForAuthority(QUrl(server.socialIssuer()).authority(), QStringLiteral("127.0.0.1"));
        QCOMPARE(trace.lifelineLabel(lifeline), QStringLiteral("Example Social"));
        server.setTrace(nullptr);
    }
}

void TestSocialSignOn::stopEndsSocialProvider()
{
    SandboxServer server;
    QVERIFY(server.start());
    const QUrl social = QUrl(server.socialIssuer() + QStringLiteral("/jwks"));
    QCOMPARE(get(social).status, 200);
    server.stop();
    QVERIFY(server.socialIssuer().isEmpty());
    QCOMPARE(get(social).status, 0); // connection refused

    // After a restart the login page offers the button again, for the new social provider.
    QVERIFY(server.start());
    QVERIFY(!server.socialIssuer().isEmpty());
    const Reply page = get(QUrl(server.issuer() + QStringLiteral("/authorize?") + QString::fromLatin1(formBody(AppRequest().fields()))));
    QCOMPARE(findSocialForm(page.html()).buttonText, QStringLiteral("Continue with Example Social"));
}

void TestSocialSignOn::directoryLinksAccounts()
{
    afx::sandbox::UserDirectory directory;
    const QString issuer = QStringLiteral("http://127.0.0.1:9");
    bool created = true;

    // Same e-mail address as the demo user: linked, not created.
    const afx::sandbox::UserAccount &demo =
        directory.linkExternalAccount(issuer, QStringLiteral("a"), QStringLiteral(" DEMO@example.com "), QString(), &created);
    QVERIFY(!created);
    QCOMPARE(demo.sub, afx::sandbox::demoUser().sub);

    const afx::sandbox::UserAccount &fresh =
        directory.linkExternalAccount(issuer, QStringLiteral("b"), QStringLiteral("new@example.org"), QStringLiteral("New"), &created);
    QVERIFY(created);
    const QString freshSub = fresh.sub;
    QCOMPARE(directory.findByEmail(QStringLiteral("new@example.org"))->sub, freshSub);
    QCOMPARE(directory.findBySub(freshSub)->name, QStringLiteral("New"));

    // The same external account again: the linked user, even with another e-mail address.
    const afx::sandbox::UserAccount &again =
        directory.linkExternalAccount(issuer, QStringLiteral("b"), QStringLiteral("changed@example.org"), QString(), &created);
    QVERIFY(!created);
    QCOMPARE(again.sub, freshSub);
    QCOMPARE(directory.externalIdentityCount(), 2);

    // An account created by a social sign-in has no password, so no password signs it in.
    QVERIFY(!directory.checkPassword(QStringLiteral("new@example.org"), QString()));
    QVERIFY(!directory.checkPassword(QStringLiteral("new@example.org"), QStringLiteral("anything")));
    QVERIFY(directory.checkPassword(SandboxServer::demoEmail(), SandboxServer::demoPassword()));
    QVERIFY(!directory.checkPassword(SandboxServer::demoEmail(), QStringLiteral("wrong")));
}

QTEST_GUILESS_MAIN(TestSocialSignOn)
#include "tst_socialsignon.moc"
