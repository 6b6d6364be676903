// Whole Authorization Code + PKCE runs of AuthCodeFlow over real HTTP on 127.0.0.1: against
// the built-in sandbox, against oidc-provider from tests/interop (when scripts/test started
// it), and against a scripted provider that returns broken documents on purpose.

#include "flow/authcodeflow.h"
#include "jose/base64url.h"
#include "http/tracedhttpclient.h"
#include "httpformagent.h"
#include "jose/jws.h"
#include "jose/key.h"
#include "oidc/formencoding.h"
#include "sandbox/sandboxserver.h"

#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>

#include <functional>

using namespace afx;

namespace {

// A provider whose every response the test chooses. Endpoints: discovery, JWKS, authorize
// (redirects straight back with a code), token.
class ScriptedProvider {
public:
    ScriptedProvider()
    {
        m_key = jose::Key::generateRsa(2048);
        m_port = m_server.listen(QHostAddress::LocalHost, 0);
        issuer = QStringLiteral("http://127.0.0.1:%1").arg(m_port);
        discoveryBody = QJsonDocument(discovery()).toJson();
        jwksBody = QJsonDocument(QJsonObject{{QStringLiteral("keys"), QJsonArray{m_key.toPublicJwk(QStringLiteral("k1"), QStringLiteral("RS256"))}}}).toJson();

        m_server.route(QStringLiteral("/.well-known/openid-configuration"), [this] {
            return QHttpServerResponse(discoveryType, discoveryBody, QHttpServerResponse::StatusCode(discoveryStatus));
        });
        m_server.route(QStringLiteral("/jwks"), [this] { return QHttpServerResponse("application/json", jwksBody); });
        m_server.route(QStringLiteral("/authorize"), [this](const QHttpServerRequest &request) {
            const QUrlQuery query(request.url());
            lastNonce = query.queryItemValue(QStringLiteral("nonce"));
            QUrl back(query.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded));
            back.setQuery(QStringLiteral("code=scripted-code-1&state=") + query.queryItemValue(QStringLiteral("state")));
            QHttpServerResponse response(QHttpServerResponse::StatusCode::Found);
            response.addHeader("Location", back.toEncoded());
            return response;
        });
        m_server.route(QStringLiteral("/token"), [this](const QHttpServerRequest &request) {
            ++tokenRequests;
            // Device code polls get the scripted errors first, in order.
            if (request.body().contains("device_code") && !devicePollErrors.isEmpty()) {
                const QString error = devicePollErrors.size() > 1 || !repeatLastPollError ? devicePollErrors.takeFirst()
                                                                                           : devicePollErrors.first();
                return QHttpServerResponse("application/json", QJsonDocument(QJsonObject{{QStringLiteral("error"), error}}).toJson(),
                                           QHttpServerResponse::StatusCode::BadRequest);
            }
            const QByteArray body = tokenBody.isEmpty() ? defaultTokenBody() : tokenBody;
            return QHttpServerResponse("application/json", body);
        });
        m_server.route(QStringLiteral("/device"), [this] {
            return QHttpServerResponse("application/json",
                                       QJsonDocument(QJsonObject{{QStringLiteral("device_code"), QStringLiteral("scripted-device-code")},
                                                                 {QStringLiteral("user_code"), QStringLiteral("BCDF-GHJK")},
                                                                 {QStringLiteral("verification_uri"), issuer + QStringLiteral("/activate")},
                                                                 {QStringLiteral("expires_in"), deviceExpiresIn},
                                                                 {QStringLiteral("interval"), 1}})
                                           .toJson());
        });
    }

    bool isListening() const { return m_port != 0; }

    QJsonObject discovery() const
    {
        return {{QStringLiteral("issuer"), issuer},
                {QStringLiteral("authorization_endpoint"), issuer + QStringLiteral("/authorize")},
                {QStringLiteral("token_endpoint"), issuer + QStringLiteral("/token")},
                {QStringLiteral("jwks_uri"), issuer + QStringLiteral("/jwks")},
                {QStringLiteral("device_authorization_endpoint"), issuer + QStringLiteral("/device")},
                {QStringLiteral("response_types_supported"), QJsonArray{QStringLiteral("code")}},
                {QStringLiteral("subject_types_supported"), QJsonArray{QStringLiteral("public")}},
                {QStringLiteral("id_token_signing_alg_values_supported"), QJsonArray{QStringLiteral("RS256")}}};
    }

    QByteArray signedIdToken(const QString &kid) const
    {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QJsonObject claims{{QStringLiteral("iss"), issuer}, {QStringLiteral("sub"), QStringLiteral("user-1")},
                           {QStringLiteral("aud"), QStringLiteral("scripted-client")}, {QStringLiteral("iat"), now},
                           {QStringLiteral("exp"), now + 300}, {QStringLiteral("nonce"), lastNonce}};
        QString error;
        return jose::signCompact(QStringLiteral("RS256"), m_key, QJsonObject{{QStringLiteral("kid"), kid}}, claims, &error).value_or(QByteArray());
    }

    QByteArray defaultTokenBody() const
    {
        return QJsonDocument(QJsonObject{{QStringLiteral("access_token"), QStringLiteral("scripted-access-token")},
                                         {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                                         {QStringLiteral("expires_in"), 300},
                                         {QStringLiteral("id_token"), QString::fromLatin1(signedIdToken(idTokenKid))}})
            .toJson();
    }

    Profile profile() const
    {
        Profile profile;
        profile.id = QStringLiteral("scripted");
        profile.name = QStringLiteral("Scripted");
        profile.issuer = issuer;
        profile.clientId = QStringLiteral("scripted-client");
        profile.timeoutSeconds = 2;
        return profile;
    }

    QString issuer;
    QByteArray discoveryBody;
    QByteArray discoveryType = "application/json";
    int discoveryStatus = 200;
    QByteArray jwksBody;
    QByteArray tokenBody; // empty: a valid response
    QString idTokenKid = QStringLiteral("k1");
    QString lastNonce;
    int tokenRequests = 0;
    QStringList devicePollErrors; // returned to device code polls, one per poll
    bool repeatLastPollError = false; // keep returning the last error forever
    int deviceExpiresIn = 600;

private:
    QHttpServer m_server;
    quint16 m_port = 0;
    jose::Key m_key;
};

// Delivers every callback twice, as two browser hooks firing for one redirect would.
class DoubleDeliveryAgent : public UserAgent {
public:
    explicit DoubleDeliveryAgent(test::HttpFormAgent *inner)
        : m_inner(inner)
    {
        connect(inner, &UserAgent::callbackReceived, this, [this](const QUrl &url) {
            Q_EMIT callbackReceived(url);
            Q_EMIT callbackReceived(url);
        });
        connect(inner, &UserAgent::failed, this, &UserAgent::failed);
    }
    void startAuthorization(const QUrl &url, const oidc::RedirectMatcher &matcher) override { m_inner->startAuthorization(url, matcher); }
    void cancel() override { m_inner->cancel(); }

private:
    test::HttpFormAgent *m_inner;
};

int countKey(const Trace &trace, const QString &key)
{
    int count = 0;
    for (const TraceStep &step : trace.steps())
        count += step.explanationKey == key ? 1 : 0;
    return count;
}

int keyIndex(const Trace &trace, const QString &key)
{
    for (const TraceStep &step : trace.steps())
        if (step.explanationKey == key)
            return step.index;
    return -1;
}

QStringList explanationKeys(const Trace &trace)
{
    QStringList keys;
    for (const TraceStep &step : trace.steps())
        keys << step.explanationKey;
    return keys;
}

} // namespace

class TestAuthFlow : public QObject {
    Q_OBJECT

private:
    // Runs one login and returns its result; fails the test when it does not finish in time.
    FlowResult run(const Profile &profile, UserAgent *agent, const QString &secret = {})
    {
        m_flow->setUserAgent(agent);
        return wait([&] { m_flow->start(profile, secret); });
    }

    // Starts a run with `start` and returns its result.
    FlowResult wait(const std::function<void()> &start)
    {
        QSignalSpy finished(m_flow.get(), &AuthCodeFlow::finished);
        start();
        // A run that fails before its first request finishes inside start().
        if (finished.isEmpty() && !finished.wait(40000)) {
            FlowResult timedOut;
            timedOut.message = QStringLiteral("the flow did not finish within 40 s");
            return timedOut;
        }
        return finished.first().first().value<FlowResult>();
    }

    Profile interopProfile(const QString &clientId, ClientAuthMethod method) const
    {
        Profile profile;
        profile.id = QStringLiteral("interop");
        profile.name = QStringLiteral("oidc-provider");
        profile.issuer = qEnvironmentVariable("INTEROP_ISSUER");
        profile.clientId = clientId;
        profile.clientAuth = method;
        profile.scopes = {QStringLiteral("openid"), QStringLiteral("email"), QStringLiteral("profile")};
        return profile;
    }

    test::HttpFormAgent *interopAgent()
    {
        auto *agent = new test::HttpFormAgent(this);
        agent->fieldValues.insert(QStringLiteral("email"), QStringLiteral("alice@example.com"));
        agent->fieldValues.insert(QStringLiteral("password"), QStringLiteral("correct horse battery staple"));
        return agent;
    }

    static bool interopAvailable()
    {
        return !qEnvironmentVariable("INTEROP_ISSUER").isEmpty();
    }

    Profile sandboxProfile() const
    {
        Profile profile = Profile::localSandbox();
        profile.issuer = m_sandbox->issuer();
        return profile;
    }

    test::HttpFormAgent *sandboxAgent()
    {
        auto *agent = new test::HttpFormAgent(this);
        agent->fieldValues.insert(QStringLiteral("email"), sandbox::SandboxServer::demoEmail());
        agent->fieldValues.insert(QStringLiteral("password"), sandbox::SandboxServer::demoPassword());
        return agent;
    }

    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<Trace> m_trace;
    std::unique_ptr<TracedHttpClient> m_http;
    std::unique_ptr<AuthCodeFlow> m_flow;
    std::unique_ptr<sandbox::SandboxServer> m_sandbox;

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<FlowResult>();
        m_sandbox = std::make_unique<sandbox::SandboxServer>();
        QString error;
        QVERIFY2(m_sandbox->start(0, &error), qPrintable(error));
    }

    void init()
    {
        m_network = std::make_unique<QNetworkAccessManager>();
        m_trace = std::make_unique<Trace>();
        m_http = std::make_unique<TracedHttpClient>(m_network.get());
        m_http->setTrace(m_trace.get());
        m_flow = std::make_unique<AuthCodeFlow>(m_http.get(), m_trace.get());
    }

    void sandboxPublicClientSignsIn()
    {
        const FlowResult result = run(sandboxProfile(), sandboxAgent());
        QVERIFY2(result.ok, qPrintable(result.message));
        QVERIFY(!result.tokens.idToken.isEmpty());
        QVERIFY(!result.tokens.accessToken.isEmpty());
        QVERIFY(result.validation.passed());

        const QStringList keys = explanationKeys(*m_trace);
        const QStringList expectedOrder{QStringLiteral("discovery"), QStringLiteral("jwks"), QStringLiteral("authorize-request"),
                                        QStringLiteral("callback"), QStringLiteral("state-check"), QStringLiteral("token-request"),
                                        QStringLiteral("check-signature"), QStringLiteral("check-nonce")};
        qsizetype at = -1;
        for (const QString &key : expectedOrder) {
            const qsizetype found = keys.indexOf(key, at + 1);
            QVERIFY2(found > at, qPrintable(QStringLiteral("step %1 missing or out of order in %2").arg(key, keys.join(QLatin1Char(',')))));
            at = found;
        }
        for (const TraceStep &step : m_trace->steps())
            QVERIFY2(step.result != StepResult::Failed, qPrintable(step.title + QStringLiteral(": ") + step.detail));
    }

    void traceMasksCodesAndTokens()
    {
        const FlowResult result = run(sandboxProfile(), sandboxAgent());
        QVERIFY2(result.ok, qPrintable(result.message));
        const TraceStep *tokenStep = nullptr;
        for (const TraceStep &step : m_trace->steps())
            if (step.explanationKey == QLatin1String("token-request"))
                tokenStep = &step;
        QVERIFY(tokenStep);
        QString code;
        oidc::FormFields fields;
        QString error;
        QVERIFY(oidc::formDecodeFields(tokenStep->request.body, &fields, &error));
        for (const auto &[name, value] : fields)
            if (name == QLatin1String("code"))
                code = value;
        QVERIFY(!code.isEmpty());
        const QString maskedRequest = m_trace->mask(QString::fromUtf8(tokenStep->request.body));
        QVERIFY(!maskedRequest.contains(code));
        const QString maskedResponse = m_trace->mask(QString::fromUtf8(tokenStep->response.body));
        QVERIFY(!maskedResponse.contains(result.tokens.idToken));
        QVERIFY(!maskedResponse.contains(result.tokens.accessToken));
    }

    void sandboxConfidentialClient_data()
    {
        QTest::addColumn<int>("method");
        QTest::newRow("client_secret_basic") << int(ClientAuthMethod::ClientSecretBasic);
        QTest::newRow("client_secret_post") << int(ClientAuthMethod::ClientSecretPost);
    }

    void sandboxConfidentialClient()
    {
        QFETCH(int, method);
        Profile profile = sandboxProfile();
        profile.clientId = sandbox::SandboxServer::confidentialClientId();
        profile.clientAuth = ClientAuthMethod(method);
        const FlowResult result = run(profile, sandboxAgent(), sandbox::SandboxServer::confidentialClientSecret());
        QVERIFY2(result.ok, qPrintable(result.message));
    }

    void sandboxRefreshRotatesToken()
    {
        const FlowResult login = run(sandboxProfile(), sandboxAgent());
        QVERIFY2(login.ok, qPrintable(login.message));
        QVERIFY(!login.tokens.refreshToken.isEmpty());

        m_trace->clear();
        const FlowResult refreshed = wait([&] { m_flow->startRefresh(sandboxProfile(), QString(), login.tokens); });
        QVERIFY2(refreshed.ok, qPrintable(refreshed.message));
        QCOMPARE(refreshed.kind, FlowKind::Refresh);
        QVERIFY(refreshed.tokens.accessToken != login.tokens.accessToken);
        QVERIFY(!refreshed.tokens.refreshToken.isEmpty());
        QVERIFY(refreshed.tokens.refreshToken != login.tokens.refreshToken);
        QVERIFY(refreshed.tokens.idToken != login.tokens.idToken);
        const QStringList keys = explanationKeys(*m_trace);
        QVERIFY2(!keys.contains(QStringLiteral("authorize-request")), qPrintable(keys.join(QLatin1Char(','))));
        QVERIFY(keys.indexOf(QStringLiteral("refresh-request")) > keys.indexOf(QStringLiteral("discovery")));
        QVERIFY(keys.indexOf(QStringLiteral("check-refresh-id-token")) > keys.indexOf(QStringLiteral("refresh-request")));
        for (const TraceStep &step : m_trace->steps())
            QVERIFY2(step.result != StepResult::Failed, qPrintable(step.title + QStringLiteral(": ") + step.detail));
        QVERIFY(m_trace->steps().at(keys.indexOf(QStringLiteral("refresh-request"))).detail.contains(QLatin1String("rotated")));

        // The rotated-out refresh token is rejected, and only a new login helps.
        m_trace->clear();
        const FlowResult reused = wait([&] { m_flow->startRefresh(sandboxProfile(), QString(), login.tokens); });
        QVERIFY(!reused.ok);
        QVERIFY(reused.loginRequired);
        QCOMPARE(reused.stage, FlowStage::TokenRequest);
        QVERIFY2(reused.message.contains(QLatin1String("invalid_grant")), qPrintable(reused.message));
        QVERIFY2(reused.message.contains(QLatin1String("Log in again")), qPrintable(reused.message));
        QVERIFY(reused.failedStep >= 0);
        QCOMPARE(m_trace->steps().at(reused.failedStep).result, StepResult::Failed);
    }

    void sandboxUserInfoMatchesIdToken()
    {
        const FlowResult login = run(sandboxProfile(), sandboxAgent());
        QVERIFY2(login.ok, qPrintable(login.message));
        m_trace->clear();
        const FlowResult info = wait([&] { m_flow->startUserInfo(sandboxProfile(), login.tokens); });
        QVERIFY2(info.ok, qPrintable(info.message));
        QCOMPARE(info.kind, FlowKind::UserInfo);
        QCOMPARE(info.userInfo.value(QStringLiteral("email")).toString(), sandbox::SandboxServer::demoEmail());
        QCOMPARE(explanationKeys(*m_trace), (QStringList{QStringLiteral("discovery"), QStringLiteral("userinfo-request"),
                                                         QStringLiteral("check-userinfo-subject")}));
        QCOMPARE(m_trace->steps().last().result, StepResult::Ok);

        // An ID token of another subject: the response must not be used.
        TokenSet mixed = login.tokens;
        QJsonObject header{{QStringLiteral("alg"), QStringLiteral("none")}};
        QJsonObject claims{{QStringLiteral("sub"), QStringLiteral("someone-else")}};
        mixed.idToken = QString::fromLatin1(jose::base64UrlEncode(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
                                            + jose::base64UrlEncode(QJsonDocument(claims).toJson(QJsonDocument::Compact)) + ".c2ln");
        const FlowResult rejected = wait([&] { m_flow->startUserInfo(sandboxProfile(), mixed); });
        QVERIFY(!rejected.ok);
        QVERIFY2(rejected.message.contains(QLatin1String("someone-else")), qPrintable(rejected.message));
        QCOMPARE(m_trace->steps().last().result, StepResult::Failed);

        // A token the endpoint does not accept.
        TokenSet bogus = login.tokens;
        bogus.accessToken = QStringLiteral("not-a-token");
        const FlowResult unauthorized = wait([&] { m_flow->startUserInfo(sandboxProfile(), bogus); });
        QVERIFY(!unauthorized.ok);
        QVERIFY2(unauthorized.message.contains(QLatin1String("HTTP 401")), qPrintable(unauthorized.message));
        QVERIFY2(unauthorized.message.contains(QLatin1String("WWW-Authenticate")), qPrintable(unauthorized.message));
    }

    void interopUserInfo()
    {
        if (!interopAvailable())
            QSKIP("INTEROP_ISSUER is not set; run through scripts/test to start oidc-provider.");
        const Profile profile = interopProfile(QStringLiteral("explorer-public"), ClientAuthMethod::None);
        const FlowResult login = run(profile, interopAgent());
        QVERIFY2(login.ok, qPrintable(login.message));
        const FlowResult info = wait([&] { m_flow->startUserInfo(profile, login.tokens); });
        QVERIFY2(info.ok, qPrintable(info.message));
        QCOMPARE(info.userInfo.value(QStringLiteral("sub")).toString(), QStringLiteral("alice"));
        QCOMPARE(info.userInfo.value(QStringLiteral("email")).toString(), QStringLiteral("alice@example.com"));
    }

    void refreshWithoutRefreshTokenFails()
    {
        TokenSet tokens;
        tokens.accessToken = QStringLiteral("an-access-token");
        const FlowResult result = wait([&] { m_flow->startRefresh(sandboxProfile(), QString(), tokens); });
        QVERIFY(!result.ok);
        QVERIFY2(result.message.contains(QLatin1String("no refresh token")), qPrintable(result.message));
    }

    void sandboxClientCredentials()
    {
        Profile profile = sandboxProfile();
        profile.clientId = sandbox::SandboxServer::confidentialClientId();
        profile.clientAuth = ClientAuthMethod::ClientSecretBasic;
        const FlowResult result = wait([&] { m_flow->startClientCredentials(profile, sandbox::SandboxServer::confidentialClientSecret()); });
        QVERIFY2(result.ok, qPrintable(result.message));
        QCOMPARE(result.kind, FlowKind::ClientCredentials);
        QVERIFY(!result.tokens.accessToken.isEmpty());
        QVERIFY(result.tokens.idToken.isEmpty());
        QVERIFY(result.tokens.refreshToken.isEmpty());
        QCOMPARE(result.tokens.scope, QStringLiteral("todos:read"));
        const QStringList keys = explanationKeys(*m_trace);
        QCOMPARE(keys, (QStringList{QStringLiteral("discovery"), QStringLiteral("client-credentials-request"),
                                    QStringLiteral("client-credentials-token")}));
        // The user scopes of the profile are not sent.
        const TraceStep &request = m_trace->steps().at(1);
        QVERIFY2(!request.request.body.contains("openid"), request.request.body.constData());
        QVERIFY(request.request.body.contains("grant_type=client_credentials"));
    }

    void sandboxClientCredentialsPublicClientRejected()
    {
        const FlowResult result = wait([&] { m_flow->startClientCredentials(sandboxProfile(), QString()); });
        QVERIFY(!result.ok);
        QVERIFY2(result.message.contains(QLatin1String("unauthorized_client")), qPrintable(result.message));
        QVERIFY2(result.message.contains(QLatin1String("client_credentials grant")), qPrintable(result.message));
    }

    void clientCredentialsScopesDropUserScopes()
    {
        QCOMPARE(AuthCodeFlow::clientCredentialsScopes({QStringLiteral("openid"), QStringLiteral("todos:read"),
                                                        QStringLiteral("offline_access"), QStringLiteral("email")}),
                 QStringList{QStringLiteral("todos:read")});
        QVERIFY(AuthCodeFlow::clientCredentialsScopes({QStringLiteral("openid"), QStringLiteral("profile")}).isEmpty());
    }

    void interopRefreshRotatesToken()
    {
        if (!interopAvailable())
            QSKIP("INTEROP_ISSUER is not set; run through scripts/test to start oidc-provider.");
        Profile profile = interopProfile(QStringLiteral("explorer-public"), ClientAuthMethod::None);
        // oidc-provider grants offline_access only together with prompt=consent.
        profile.scopes << QStringLiteral("offline_access");
        profile.extraAuthorizeParams = {{QStringLiteral("prompt"), QStringLiteral("consent")}};
        const FlowResult login = run(profile, interopAgent());
        QVERIFY2(login.ok, qPrintable(login.message));
        QVERIFY(!login.tokens.refreshToken.isEmpty());

        m_trace->clear();
        const FlowResult refreshed = wait([&] { m_flow->startRefresh(profile, QString(), login.tokens); });
        QVERIFY2(refreshed.ok, qPrintable(refreshed.message));
        QVERIFY(refreshed.tokens.refreshToken != login.tokens.refreshToken);
        QVERIFY(!refreshed.tokens.idToken.isEmpty());

        const FlowResult reused = wait([&] { m_flow->startRefresh(profile, QString(), login.tokens); });
        QVERIFY(!reused.ok);
        QVERIFY(reused.loginRequired);
    }

    void interopOfflineAccessWithoutRefreshTokenExplained()
    {
        if (!interopAvailable())
            QSKIP("INTEROP_ISSUER is not set; run through scripts/test to start oidc-provider.");
        Profile profile = interopProfile(QStringLiteral("explorer-public"), ClientAuthMethod::None);
        profile.scopes << QStringLiteral("offline_access"); // without prompt=consent
        const FlowResult login = run(profile, interopAgent());
        QVERIFY2(login.ok, qPrintable(login.message));
        QVERIFY(login.tokens.refreshToken.isEmpty());
        bool explained = false;
        for (const TraceStep &step : m_trace->steps())
            if (step.explanationKey == QLatin1String("token-request"))
                explained = step.detail.contains(QLatin1String("prompt=consent"));
        QVERIFY(explained);
    }

    void interopClientCredentials()
    {
        if (!interopAvailable())
            QSKIP("INTEROP_ISSUER is not set; run through scripts/test to start oidc-provider.");
        Profile profile = interopProfile(QStringLiteral("explorer-confidential"), ClientAuthMethod::ClientSecretBasic);
        const FlowResult result = wait([&] { m_flow->startClientCredentials(profile, QStringLiteral("s3cr+et/with=special:chars")); });
        QVERIFY2(result.ok, qPrintable(result.message));
        QVERIFY(!result.tokens.accessToken.isEmpty());
        QVERIFY(result.tokens.idToken.isEmpty());

        const FlowResult publicClient = wait([&] {
            m_flow->startClientCredentials(interopProfile(QStringLiteral("explorer-public"), ClientAuthMethod::None), QString());
        });
        QVERIFY(!publicClient.ok);
        QCOMPARE(publicClient.stage, FlowStage::TokenRequest);
    }

    // The system browser, played by a scripted HTTP agent that really requests the loopback
    // redirect URI. A stray /favicon.ico request comes first, as browsers send one.
    void systemBrowserSandboxLogin()
    {
        Profile profile = sandboxProfile();
        profile.browser = BrowserKind::System;
        profile.redirectUri = QStringLiteral("http://127.0.0.1/callback");
        profile.pushedAuthorization = false; // the test reads redirect_uri from the URL the browser opens
        test::HttpFormAgent *browser = sandboxAgent();
        QUrl opened;
        m_flow->setSystemBrowserOpener([&](const QUrl &url) {
            opened = url;
            const QUrl favicon = m_flow->loopbackListener()->redirectUri().resolved(QUrl(QStringLiteral("/favicon.ico")));
            QNetworkReply *reply = m_network->get(QNetworkRequest(favicon));
            connect(reply, &QNetworkReply::finished, this, [reply, browser, url] {
                reply->deleteLater();
                browser->startAuthorization(url, oidc::RedirectMatcher()); // a real browser intercepts nothing
            });
            return true;
        });
        const FlowResult result = wait([&] { m_flow->start(profile, QString()); });
        QVERIFY2(result.ok, qPrintable(result.message));

        const QStringList keys = explanationKeys(*m_trace);
        const QStringList expectedOrder{QStringLiteral("discovery"), QStringLiteral("jwks"), QStringLiteral("loopback-listener"),
                                        QStringLiteral("system-browser"), QStringLiteral("loopback-stray"),
                                        QStringLiteral("callback"), QStringLiteral("token-request")};
        qsizetype at = -1;
        for (const QString &key : expectedOrder) {
            const qsizetype found = keys.indexOf(key, at + 1);
            QVERIFY2(found > at, qPrintable(QStringLiteral("step %1 missing or out of order in %2").arg(key, keys.join(QLatin1Char(',')))));
            at = found;
        }
        // The bound port is in redirect_uri, in the authorize request and in the token request.
        const QString redirect = QUrlQuery(opened).queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded);
        QVERIFY2(QRegularExpression(QStringLiteral("^http://127\\.0\\.0\\.1:\\d+/callback$")).match(redirect).hasMatch(), qPrintable(redirect));
        const TraceStep &tokenStep = m_trace->steps().at(keys.indexOf(QStringLiteral("token-request")));
        QVERIFY(tokenStep.request.body.contains(oidc::formEncode(redirect)));
        QVERIFY(!m_flow->loopbackListener()->isListening());
    }

    void loopbackPortTakenStopsFlow()
    {
        QTcpServer occupant;
        QVERIFY(occupant.listen(QHostAddress::LocalHost, 0));
        Profile profile = sandboxProfile();
        profile.browser = BrowserKind::System;
        profile.redirectUri = QStringLiteral("http://127.0.0.1:%1/callback").arg(occupant.serverPort());
        bool opened = false;
        m_flow->setSystemBrowserOpener([&](const QUrl &) { return opened = true; });
        const FlowResult result = wait([&] { m_flow->start(profile, QString()); });
        QVERIFY(!result.ok);
        QCOMPARE(result.stage, FlowStage::Browser);
        QVERIFY2(result.message.contains(QString::number(occupant.serverPort())), qPrintable(result.message));
        QVERIFY(!opened);
        QVERIFY(result.failedStep >= 0);
        QCOMPARE(m_trace->steps().at(result.failedStep).explanationKey, QStringLiteral("loopback-listener"));
    }

    void loopbackTimeoutStopsFlow()
    {
        Profile profile = sandboxProfile();
        profile.browser = BrowserKind::System;
        profile.redirectUri = QStringLiteral("http://127.0.0.1/callback");
        m_flow->setLoopbackTimeoutMs(300);
        m_flow->setSystemBrowserOpener([](const QUrl &) { return true; }); // the user never signs in
        const FlowResult result = wait([&] { m_flow->start(profile, QString()); });
        QVERIFY(!result.ok);
        QCOMPARE(result.stage, FlowStage::Browser);
        QVERIFY2(result.message.contains(QLatin1String("No callback arrived")), qPrintable(result.message));
    }

    void systemBrowserNotOpened()
    {
        Profile profile = sandboxProfile();
        profile.browser = BrowserKind::System;
        profile.redirectUri = QStringLiteral("http://127.0.0.1/callback");
        m_flow->setSystemBrowserOpener([](const QUrl &) { return false; });
        const FlowResult result = wait([&] { m_flow->start(profile, QString()); });
        QVERIFY(!result.ok);
        QVERIFY2(result.message.contains(QLatin1String("could not be opened")), qPrintable(result.message));
        QVERIFY(!m_flow->loopbackListener()->isListening());
    }

    // A form_post that lacks the state: the flow stops at the callback and names the problem.
    void formPostWithoutStateRejected()
    {
        Profile profile = sandboxProfile();
        profile.browser = BrowserKind::System;
        profile.responseMode = QStringLiteral("form_post");
        profile.redirectUri = QStringLiteral("http://127.0.0.1/callback");
        m_flow->setSystemBrowserOpener([&](const QUrl &) {
            QNetworkRequest request(m_flow->loopbackListener()->redirectUri());
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
            QNetworkReply *reply = m_network->post(request, QByteArrayLiteral("code=abc"));
            connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
            return true;
        });
        const FlowResult result = wait([&] { m_flow->start(profile, QString()); });
        QVERIFY(!result.ok);
        QCOMPARE(result.stage, FlowStage::Callback);
        QVERIFY2(result.message.contains(QLatin1String("state")), qPrintable(result.message));
        QCOMPARE(countKey(*m_trace, QStringLiteral("token-request")), 0);
        QCOMPARE(countKey(*m_trace, QStringLiteral("callback-form-post")), 1);
    }

    void formPostSandboxLogin()
    {
        Profile profile = sandboxProfile();
        profile.responseMode = QStringLiteral("form_post");
        profile.redirectUri = QStringLiteral("http://127.0.0.1/callback");
        const FlowResult result = run(profile, sandboxAgent());
        QVERIFY2(result.ok, qPrintable(result.message));
        QCOMPARE(countKey(*m_trace, QStringLiteral("callback-form-post")), 1);
        QCOMPARE(countKey(*m_trace, QStringLiteral("callback")), 0);
        // The sandbox advertises PAR, so response_mode travels in the pushed request.
        QVERIFY(m_trace->steps().at(keyIndex(*m_trace, QStringLiteral("par-request"))).request.body.contains("response_mode=form_post"));
    }

    void interopFormPostAndSystemBrowser_data()
    {
        QTest::addColumn<int>("browser");
        QTest::addColumn<QString>("responseMode");
        QTest::newRow("embedded, form_post") << int(BrowserKind::Embedded) << QStringLiteral("form_post");
        QTest::newRow("system browser, query") << int(BrowserKind::System) << QString();
        QTest::newRow("system browser, form_post") << int(BrowserKind::System) << QStringLiteral("form_post");
    }

    void interopFormPostAndSystemBrowser()
    {
        if (!interopAvailable())
            QSKIP("INTEROP_ISSUER is not set; run through scripts/test to start oidc-provider.");
        QFETCH(int, browser);
        QFETCH(QString, responseMode);
        Profile profile = interopProfile(QStringLiteral("explorer-public"), ClientAuthMethod::None);
        profile.redirectUri = QStringLiteral("http://127.0.0.1/callback");
        profile.browser = BrowserKind(browser);
        profile.responseMode = responseMode;
        test::HttpFormAgent *agent = interopAgent();
        m_flow->setSystemBrowserOpener([agent](const QUrl &url) {
            agent->startAuthorization(url, oidc::RedirectMatcher());
            return true;
        });
        const FlowResult result = run(profile, agent);
        QVERIFY2(result.ok, qPrintable(result.message));
        QCOMPARE(result.validation.claims().value(QStringLiteral("sub")).toString(), QStringLiteral("alice"));
        QCOMPARE(countKey(*m_trace, QStringLiteral("callback-form-post")), responseMode == QLatin1String("form_post") ? 1 : 0);
    }

    void interopImplicitAndHybrid_data()
    {
        QTest::addColumn<QString>("responseType");
        QTest::addColumn<QString>("responseMode");
        QTest::addColumn<bool>("exchangesCode");
        for (const char *type : {"id_token", "id_token token", "code id_token", "code token", "code id_token token"}) {
            const bool code = QByteArray(type).startsWith("code");
            QTest::addRow("%s", type) << QString::fromLatin1(type) << QString() << code;
        }
        QTest::newRow("id_token token, form_post") << QStringLiteral("id_token token") << QStringLiteral("form_post") << false;
    }

    void interopImplicitAndHybrid()
    {
        if (!interopAvailable())
            QSKIP("INTEROP_ISSUER is not set; run through scripts/test to start oidc-provider.");
        QFETCH(QString, responseType);
        QFETCH(QString, responseMode);
        QFETCH(bool, exchangesCode);
        Profile profile = interopProfile(QStringLiteral("explorer-implicit"), ClientAuthMethod::None);
        profile.responseType = responseType;
        profile.responseMode = responseMode;
        if (!responseMode.isEmpty())
            profile.redirectUri = QStringLiteral("http://127.0.0.1/callback");
        QVERIFY2(profile.validate().isEmpty(), qPrintable(profile.validate().join(QLatin1Char(' '))));
        const FlowResult result = run(profile, interopAgent());
        QVERIFY2(result.ok, qPrintable(result.message));
        QCOMPARE(result.validation.claims().value(QStringLiteral("sub")).toString(), QStringLiteral("alice"));
        QCOMPARE(countKey(*m_trace, QStringLiteral("front-channel-tokens")), 1);
        QCOMPARE(countKey(*m_trace, QStringLiteral("token-request")), exchangesCode ? 1 : 0);
        // The front-channel ID token's hashes were checked when it carries them.
        if (responseType.contains(QLatin1String("id_token")) && responseType.contains(QLatin1String("code")))
            QVERIFY(keyIndex(*m_trace, QStringLiteral("check-c-hash")) >= 0);
        for (const TraceStep &step : m_trace->steps())
            QVERIFY2(step.result != StepResult::Failed, qPrintable(step.title + QStringLiteral(": ") + step.detail));
        // The tokens in the fragment never show unmasked on the diagram.
        for (const TraceStep &step : m_trace->steps())
            QVERIFY(!m_trace->mask(step.request.url).contains(result.tokens.accessToken) || result.tokens.accessToken.isEmpty());
    }

    void implicitCallbackWithoutTokenRejected()
    {
        Profile profile = sandboxProfile();
        profile.responseType = QStringLiteral("id_token token");
        profile.pushedAuthorization = false; // the scripted browser reads state from the URL
        // A scripted browser that returns a fragment without the tokens the response type requests.
        struct FragmentAgent : UserAgent {
            using UserAgent::UserAgent;
            void startAuthorization(const QUrl &url, const oidc::RedirectMatcher &matcher) override
            {
                const QString state = QUrlQuery(url).queryItemValue(QStringLiteral("state"));
                QUrl callback = matcher.redirectUri();
                callback.setFragment(QStringLiteral("state=%1&token_type=Bearer").arg(state));
                QMetaObject::invokeMethod(this, [this, callback] { Q_EMIT callbackReceived(callback); }, Qt::QueuedConnection);
            }
            void cancel() override {}
        };
        const FlowResult result = run(profile, new FragmentAgent(this));
        QVERIFY(!result.ok);
        QCOMPARE(result.stage, FlowStage::Callback);
        QVERIFY2(result.message.contains(QLatin1String("id_token and access_token")), qPrintable(result.message));
    }

    void interopDeviceCode()
    {
        if (!interopAvailable())
            QSKIP("INTEROP_ISSUER is not set; run through scripts/test to start oidc-provider.");
        const Profile profile = interopProfile(QStringLiteral("explorer-public"), ClientAuthMethod::None);
        // The phone: opens verification_uri_complete, signs in and confirms.
        test::HttpFormAgent *phone = interopAgent();
        DeviceAuthorization received;
        connect(m_flow.get(), &AuthCodeFlow::deviceCodeReady, this, [phone, &received](const DeviceAuthorization &authorization) {
            received = authorization;
            phone->startAuthorization(authorization.verificationUriComplete, oidc::RedirectMatcher());
        });
        const FlowResult result = wait([&] { m_flow->startDeviceAuthorization(profile, QString()); });
        QVERIFY2(result.ok, qPrintable(result.message));
        QCOMPARE(result.kind, FlowKind::DeviceCode);
        QVERIFY(!received.userCode.isEmpty());
        QVERIFY(received.verificationUri.isValid());
        QCOMPARE(result.validation.claims().value(QStringLiteral("sub")).toString(), QStringLiteral("alice"));
        QVERIFY(countKey(*m_trace, QStringLiteral("device-token-poll")) >= 1);
        QCOMPARE(countKey(*m_trace, QStringLiteral("device-authorization")), 1);
        QCOMPARE(countKey(*m_trace, QStringLiteral("authorize-request")), 0);
    }

    void interopRevokeAndIntrospect()
    {
        if (!interopAvailable())
            QSKIP("INTEROP_ISSUER is not set; run through scripts/test to start oidc-provider.");
        const Profile profile = interopProfile(QStringLiteral("explorer-confidential"), ClientAuthMethod::ClientSecretBasic);
        const QString secret = QStringLiteral("s3cr+et/with=special:chars");
        const FlowResult login = run(profile, interopAgent(), secret);
        QVERIFY2(login.ok, qPrintable(login.message));

        using Choice = AuthCodeFlow::TokenChoice;
        const FlowResult before = wait([&] { m_flow->startIntrospection(profile, secret, login.tokens, Choice::AccessToken); });
        QVERIFY2(before.ok, qPrintable(before.message));
        QCOMPARE(before.introspection.value(QStringLiteral("active")).toBool(), true);
        QCOMPARE(before.introspection.value(QStringLiteral("sub")).toString(), QStringLiteral("alice"));

        const FlowResult revoked = wait([&] { m_flow->startRevocation(profile, secret, login.tokens, Choice::AccessToken); });
        QVERIFY2(revoked.ok, qPrintable(revoked.message));
        QVERIFY(revoked.tokens.accessToken.isEmpty());
        QCOMPARE(revoked.tokens.idToken, login.tokens.idToken);

        const FlowResult after = wait([&] { m_flow->startIntrospection(profile, secret, login.tokens, Choice::AccessToken); });
        QVERIFY2(after.ok, qPrintable(after.message));
        QCOMPARE(after.introspection.value(QStringLiteral("active")).toBool(), false);
        int lastIntrospection = -1;
        for (const TraceStep &step : m_trace->steps())
            if (step.explanationKey == QLatin1String("introspection-request"))
                lastIntrospection = step.index;
        QVERIFY(lastIntrospection >= 0);
        QCOMPARE(m_trace->steps().at(lastIntrospection).result, StepResult::Warning);
    }

    void interopLogout()
    {
        if (!interopAvailable())
            QSKIP("INTEROP_ISSUER is not set; run through scripts/test to start oidc-provider.");
        const Profile profile = interopProfile(QStringLiteral("explorer-public"), ClientAuthMethod::None);
        test::HttpFormAgent *browser = interopAgent(); // keeps the provider's session cookie
        const FlowResult login = run(profile, browser);
        QVERIFY2(login.ok, qPrintable(login.message));
        const FlowResult logout = wait([&] { m_flow->startLogout(profile, login.tokens); });
        QVERIFY2(logout.ok, qPrintable(logout.message));
        QCOMPARE(logout.kind, FlowKind::Logout);
        QCOMPARE(countKey(*m_trace, QStringLiteral("logout-request")), 1);
        QCOMPARE(countKey(*m_trace, QStringLiteral("logout-return")), 1);
        const QString url = m_trace->steps().at(keyIndex(*m_trace, QStringLiteral("logout-request"))).request.url;
        QVERIFY(url.contains(QLatin1String("id_token_hint=")));
        QVERIFY(url.contains(QLatin1String("post_logout_redirect_uri=")));
    }

    void sandboxImplicitAndHybrid_data()
    {
        QTest::addColumn<QString>("responseType");
        for (const char *type : {"id_token", "id_token token", "code id_token", "code token", "code id_token token"})
            QTest::addRow("%s", type) << QString::fromLatin1(type);
    }

    void sandboxImplicitAndHybrid()
    {
        QFETCH(QString, responseType);
        Profile profile = sandboxProfile();
        profile.responseType = responseType;
        const FlowResult result = run(profile, sandboxAgent());
        QVERIFY2(result.ok, qPrintable(result.message));
        QCOMPARE(countKey(*m_trace, QStringLiteral("front-channel-tokens")), 1);
        QCOMPARE(countKey(*m_trace, QStringLiteral("token-request")), responseType.startsWith(QLatin1String("code")) ? 1 : 0);
        for (const TraceStep &step : m_trace->steps())
            QVERIFY2(step.result != StepResult::Failed, qPrintable(step.title + QStringLiteral(": ") + step.detail));
    }

    void sandboxDeviceCode_data()
    {
        QTest::addColumn<QString>("button");
        QTest::addColumn<bool>("approved");
        QTest::newRow("approved") << QStringLiteral("approve") << true;
        QTest::newRow("denied") << QStringLiteral("deny") << false;
    }

    void sandboxDeviceCode()
    {
        QFETCH(QString, button);
        QFETCH(bool, approved);
        m_sandbox->setDeviceCodeInterval(1);
        test::HttpFormAgent *phone = sandboxAgent();
        connect(m_flow.get(), &AuthCodeFlow::deviceCodeReady, this, [phone, button](const DeviceAuthorization &authorization) {
            // The user takes a moment, so the first poll finds the grant pending.
            QTimer::singleShot(1500, phone, [phone, button, authorization] {
                phone->pressButton = button;
                phone->startAuthorization(authorization.verificationUriComplete, oidc::RedirectMatcher());
            });
        });
        const FlowResult result = wait([&] { m_flow->startDeviceAuthorization(sandboxProfile(), QString()); });
        m_sandbox->setDeviceCodeInterval(5);
        QCOMPARE(result.ok, approved);
        QVERIFY(countKey(*m_trace, QStringLiteral("device-token-poll")) >= 2);
        bool pendingSeen = false;
        for (const TraceStep &step : m_trace->steps())
            pendingSeen |= step.detail.contains(QLatin1String("authorization_pending"));
        QVERIFY(pendingSeen);
        if (approved)
            QVERIFY(result.validation.passed());
        else
            QVERIFY2(result.message.contains(QLatin1String("access_denied")), qPrintable(result.message));
    }

    void sandboxDeviceCodeExpires()
    {
        // A sandbox of its own: its clock jumps ahead, which would break the other tests' tokens.
        sandbox::SandboxServer expiring;
        QString error;
        QVERIFY2(expiring.start(0, &error), qPrintable(error));
        expiring.setDeviceCodeInterval(1);
        Profile profile = sandboxProfile();
        profile.issuer = expiring.issuer();
        connect(m_flow.get(), &AuthCodeFlow::deviceCodeReady, this, [&expiring] { expiring.advanceClock(601); });
        const FlowResult result = wait([&] { m_flow->startDeviceAuthorization(profile, QString()); });
        QVERIFY(!result.ok);
        QVERIFY2(result.message.contains(QLatin1String("expired_token")), qPrintable(result.message));
    }

    void sandboxRevokeAndIntrospect()
    {
        Profile profile = sandboxProfile();
        profile.clientId = sandbox::SandboxServer::confidentialClientId();
        profile.clientAuth = ClientAuthMethod::ClientSecretPost;
        const QString secret = sandbox::SandboxServer::confidentialClientSecret();
        const FlowResult login = run(profile, sandboxAgent(), secret);
        QVERIFY2(login.ok, qPrintable(login.message));
        using Choice = AuthCodeFlow::TokenChoice;
        const FlowResult active = wait([&] { m_flow->startIntrospection(profile, secret, login.tokens, Choice::RefreshToken); });
        QVERIFY2(active.ok, qPrintable(active.message));
        QVERIFY(active.introspection.value(QStringLiteral("active")).toBool());
        const FlowResult revoked = wait([&] { m_flow->startRevocation(profile, secret, login.tokens, Choice::RefreshToken); });
        QVERIFY2(revoked.ok, qPrintable(revoked.message));
        QVERIFY(revoked.tokens.refreshToken.isEmpty());
        const FlowResult inactive = wait([&] { m_flow->startIntrospection(profile, secret, login.tokens, Choice::RefreshToken); });
        QVERIFY(!inactive.introspection.value(QStringLiteral("active")).toBool());
        // The revoked refresh token can no longer be used.
        const FlowResult refresh = wait([&] { m_flow->startRefresh(profile, secret, login.tokens); });
        QVERIFY(refresh.loginRequired);
        // A public client may not introspect: the message names the fix.
        const FlowResult publicClient = wait([&] { m_flow->startIntrospection(sandboxProfile(), QString(), login.tokens, Choice::AccessToken); });
        QVERIFY(!publicClient.ok);
        QVERIFY2(publicClient.message.contains(QLatin1String("confidential client")), qPrintable(publicClient.message));
    }

    void sandboxLogout()
    {
        const FlowResult login = run(sandboxProfile(), sandboxAgent());
        QVERIFY2(login.ok, qPrintable(login.message));
        const FlowResult logout = wait([&] { m_flow->startLogout(sandboxProfile(), login.tokens); });
        QVERIFY2(logout.ok, qPrintable(logout.message));
        QCOMPARE(countKey(*m_trace, QStringLiteral("logout-return")), 1);
    }

    void interopJwtClientAuthentication_data()
    {
        QTest::addColumn<QString>("clientId");
        QTest::addColumn<int>("method");
        QTest::newRow("private_key_jwt") << QStringLiteral("explorer-key-jwt") << int(ClientAuthMethod::PrivateKeyJwt);
        QTest::newRow("client_secret_jwt") << QStringLiteral("explorer-secret-jwt") << int(ClientAuthMethod::ClientSecretJwt);
    }

    void interopJwtClientAuthentication()
    {
        if (!interopAvailable())
            QSKIP("INTEROP_ISSUER is not set; run through scripts/test to start oidc-provider.");
        QFETCH(QString, clientId);
        QFETCH(int, method);
        Profile profile = interopProfile(clientId, ClientAuthMethod(method));
        profile.clientKeyFile = qEnvironmentVariable("INTEROP_CLIENT_KEY_FILE");
        const QString secret = QStringLiteral("a+client/secret=for:client_secret_jwt");
        const FlowResult login = run(profile, interopAgent(), secret);
        QVERIFY2(login.ok, qPrintable(login.message));
        const TraceStep &tokenStep = m_trace->steps().at(keyIndex(*m_trace, QStringLiteral("token-request")));
        QVERIFY(tokenStep.request.body.contains("client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"));
        QVERIFY(!tokenStep.request.body.contains("client_secret="));
        // The assertion is a secret on the diagram.
        QVERIFY(m_trace->mask(QString::fromUtf8(tokenStep.request.body)).contains(QLatin1String("client_assertion=")));
        const FlowResult machine = wait([&] { m_flow->startClientCredentials(profile, secret); });
        QVERIFY2(machine.ok, qPrintable(machine.message));
    }

    void privateKeyJwtBadKeyFile_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing file") << QByteArray() << QStringLiteral("cannot open it");
        QTest::newRow("not a PEM") << QByteArrayLiteral("hello") << QStringLiteral("cannot be used");
        QTest::newRow("truncated PEM") << QByteArrayLiteral("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n")
                                       << QStringLiteral("cannot be used");
        QTest::newRow("huge file") << QByteArray(100 * 1024, 'A') << QStringLiteral("larger than 64 KB");
    }

    void privateKeyJwtBadKeyFile()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("client-key.pem"));
        if (!content.isEmpty()) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(content);
        }
        Profile profile = sandboxProfile();
        profile.clientAuth = ClientAuthMethod::PrivateKeyJwt;
        profile.clientKeyFile = path;
        const FlowResult result = wait([&] { m_flow->startClientCredentials(profile, QString()); });
        QVERIFY(!result.ok);
        QVERIFY2(result.message.contains(expected), qPrintable(result.message));
        QVERIFY2(result.message.contains(path), qPrintable(result.message));
        QCOMPARE(m_trace->count(), 0); // stopped before any request
    }

    void sandboxPushedAuthorizationRequest_data()
    {
        QTest::addColumn<bool>("pushed");
        QTest::newRow("PAR") << true;
        QTest::newRow("PAR turned off") << false;
    }

    void sandboxPushedAuthorizationRequest()
    {
        QFETCH(bool, pushed);
        Profile profile = sandboxProfile();
        profile.pushedAuthorization = pushed;
        const FlowResult result = run(profile, sandboxAgent());
        QVERIFY2(result.ok, qPrintable(result.message));
        QCOMPARE(countKey(*m_trace, QStringLiteral("par-request")), pushed ? 1 : 0);
        const QString url = m_trace->steps().at(keyIndex(*m_trace, QStringLiteral("authorize-request"))).request.url;
        QCOMPARE(url.contains(QLatin1String("request_uri=")), pushed);
        QCOMPARE(url.contains(QLatin1String("code_challenge=")), !pushed);
        if (pushed)
            QVERIFY(keyIndex(*m_trace, QStringLiteral("par-request")) < keyIndex(*m_trace, QStringLiteral("authorize-request")));
    }

    void sandboxJwtClientAuthentication()
    {
        // client_secret_jwt with the confidential client.
        Profile profile = sandboxProfile();
        profile.clientId = sandbox::SandboxServer::confidentialClientId();
        profile.clientAuth = ClientAuthMethod::ClientSecretJwt;
        const FlowResult secretJwt = run(profile, sandboxAgent(), sandbox::SandboxServer::confidentialClientSecret());
        QVERIFY2(secretJwt.ok, qPrintable(secretJwt.message));

        // private_key_jwt with a key the test registers, in a PEM file as a user would pick it.
        const jose::Key key = jose::Key::generateEc();
        m_sandbox->setClientAssertionKey(key);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("client.pem"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(key.toPrivatePem());
        file.close();
        profile.clientId = sandbox::SandboxServer::jwtClientId();
        profile.clientAuth = ClientAuthMethod::PrivateKeyJwt;
        profile.clientKeyFile = path;
        const FlowResult keyJwt = run(profile, sandboxAgent());
        QVERIFY2(keyJwt.ok, qPrintable(keyJwt.message));

        // Another key: the provider rejects the assertion.
        QFile other(path);
        QVERIFY(other.open(QIODevice::WriteOnly | QIODevice::Truncate));
        other.write(jose::Key::generateRsa().toPrivatePem());
        other.close();
        const FlowResult wrongKey = wait([&] { m_flow->startClientCredentials(profile, QString()); });
        QVERIFY(!wrongKey.ok);
        QVERIFY2(wrongKey.message.contains(QLatin1String("invalid_client")), qPrintable(wrongKey.message));
    }

    void clientSecretJwtShortSecretRejected()
    {
        Profile profile = sandboxProfile();
        profile.clientId = sandbox::SandboxServer::confidentialClientId();
        profile.clientAuth = ClientAuthMethod::ClientSecretJwt;
        const FlowResult result = wait([&] { m_flow->startClientCredentials(profile, QStringLiteral("too-short")); });
        QVERIFY(!result.ok);
        QVERIFY2(result.message.contains(QLatin1String("at least 32 bytes")), qPrintable(result.message));
        QCOMPARE(m_trace->count(), 0); // stopped before any request
    }

    void sandboxPasswordGrant()
    {
        const FlowResult result = wait([&] {
            m_flow->startPasswordGrant(sandboxProfile(), QString(), sandbox::SandboxServer::demoEmail(), sandbox::SandboxServer::demoPassword());
        });
        QVERIFY2(result.ok, qPrintable(result.message));
        QCOMPARE(result.kind, FlowKind::Password);
        QVERIFY(result.validation.passed());
        for (const TraceStep &step : m_trace->steps())
            QVERIFY(!m_trace->mask(QString::fromUtf8(step.request.body)).contains(sandbox::SandboxServer::demoPassword()));
        const FlowResult wrong = wait([&] {
            m_flow->startPasswordGrant(sandboxProfile(), QString(), sandbox::SandboxServer::demoEmail(), QStringLiteral("wrong password"));
        });
        QVERIFY(!wrong.ok);
        QVERIFY2(wrong.message.contains(QLatin1String("invalid_grant")), qPrintable(wrong.message));
    }

    void standaloneSandboxProgram()
    {
        // authflow-sandbox, started by tests/interop/start.sh, serves other apps as a provider.
        const QString issuer = qEnvironmentVariable("INTEROP_SANDBOX_ISSUER");
        if (issuer.isEmpty()) {
            if (qEnvironmentVariable("CI") == QLatin1String("true"))
                QFAIL("INTEROP_SANDBOX_ISSUER is not set: scripts/test starts authflow-sandbox through tests/interop/start.sh.");
            QSKIP("INTEROP_SANDBOX_ISSUER is not set; run through scripts/test to start authflow-sandbox.");
        }
        Profile profile = Profile::localSandbox();
        profile.sandbox = false;
        profile.issuer = issuer;
        const FlowResult login = run(profile, sandboxAgent());
        QVERIFY2(login.ok, qPrintable(login.message));
        QVERIFY(login.validation.passed());
        QCOMPARE(m_flow->metadata().issuer, issuer);

        Profile machine = profile;
        machine.clientId = sandbox::SandboxServer::confidentialClientId();
        machine.clientAuth = ClientAuthMethod::ClientSecretPost;
        const FlowResult client = wait([&] { m_flow->startClientCredentials(machine, sandbox::SandboxServer::confidentialClientSecret()); });
        QVERIFY2(client.ok, qPrintable(client.message));
        QVERIFY(!client.tokens.accessToken.isEmpty());
    }

    void sandboxLoginMutation()
    {
        Profile profile = sandboxProfile();
        profile.graphqlUrl = m_sandbox->graphqlUrl();
        const FlowResult result = wait([&] {
            m_flow->startLoginMutation(profile, sandbox::SandboxServer::demoEmail(), sandbox::SandboxServer::demoPassword());
        });
        QVERIFY2(result.ok, qPrintable(result.message));
        QCOMPARE(result.kind, FlowKind::LoginMutation);
        QVERIFY(result.validation.passed());
        QVERIFY(!result.tokens.idToken.isEmpty());
        QVERIFY(!result.tokens.refreshToken.isEmpty());
        QVERIFY(!result.tokens.accessToken.isEmpty());

        // Discovery and keys from the provider, then App -> Backend with the credentials, no
        // token endpoint and no browser, then the ID token checks.
        const QStringList keys = explanationKeys(*m_trace);
        QCOMPARE(keys.mid(0, 3), (QStringList{QStringLiteral("discovery"), QStringLiteral("jwks"), QStringLiteral("login-mutation")}));
        QVERIFY(!keys.contains(QStringLiteral("token-request")));
        QVERIFY(!keys.contains(QStringLiteral("authorize-request")));
        QVERIFY(keys.contains(QStringLiteral("check-signature")));
        const TraceStep &mutation = m_trace->step(int(keys.indexOf(QStringLiteral("login-mutation"))));
        QCOMPARE(mutation.from, Trace::App);
        QCOMPARE(mutation.to, Trace::Backend);
        QCOMPARE(mutation.result, StepResult::Ok);
        for (const TraceStep &step : m_trace->steps()) {
            QVERIFY(!m_trace->mask(QString::fromUtf8(step.request.body)).contains(sandbox::SandboxServer::demoPassword()));
            QVERIFY(!m_trace->mask(QString::fromUtf8(step.response.body)).contains(result.tokens.refreshToken));
        }

        // The refresh token from the backend works at the provider's token endpoint.
        const FlowResult refreshed = wait([&] { m_flow->startRefresh(profile, QString(), result.tokens); });
        QVERIFY2(refreshed.ok, qPrintable(refreshed.message));
        QVERIFY(refreshed.tokens.refreshToken != result.tokens.refreshToken); // rotated
    }

    void sandboxLoginMutationFailures_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("graphqlPath");
        QTest::addColumn<QString>("idTokenPath");
        QTest::addColumn<QString>("expected");

        const QString right = sandbox::SandboxServer::demoPassword();
        QTest::newRow("wrong password") << QStringLiteral("wrong password") << QStringLiteral("/graphql")
                                        << QStringLiteral("data.login.idToken") << QStringLiteral("Check the e-mail and password.");
        QTest::newRow("wrong token path") << right << QStringLiteral("/graphql") << QStringLiteral("data.login.jwt")
                                          << QStringLiteral("The response has no member \"jwt\" at \"data.login\".");
        QTest::newRow("path to a number") << right << QStringLiteral("/graphql") << QStringLiteral("data.login.expiresIn")
                                          << QStringLiteral("\"data.login.expiresIn\" is a number, not a token string.");
        QTest::newRow("endpoint not found") << right << QStringLiteral("/no-such-endpoint") << QStringLiteral("data.login.idToken")
                                            << QStringLiteral("answered the login mutation with HTTP 404");
    }

    void sandboxLoginMutationFailures()
    {
        QFETCH(QString, password);
        QFETCH(QString, graphqlPath);
        QFETCH(QString, idTokenPath);
        QFETCH(QString, expected);

        Profile profile = sandboxProfile();
        profile.graphqlUrl = QUrl(m_sandbox->issuer() + graphqlPath);
        profile.loginMutation.idTokenPath = idTokenPath;
        const FlowResult result = wait([&] { m_flow->startLoginMutation(profile, sandbox::SandboxServer::demoEmail(), password); });
        QVERIFY(!result.ok);
        QCOMPARE(result.stage, FlowStage::TokenRequest);
        QVERIFY2(result.message.contains(expected), qPrintable(result.message));
        QVERIFY(result.tokens.isEmpty());
        QVERIFY(result.failedStep >= 0);
        QCOMPARE(m_trace->step(result.failedStep).explanationKey, QStringLiteral("login-mutation"));
        QCOMPARE(m_trace->step(result.failedStep).result, StepResult::Failed);
    }

    void loginMutationNeedsProfileFields()
    {
        Profile noUrl = sandboxProfile();
        noUrl.graphqlUrl.clear();
        const FlowResult withoutUrl = wait([&] { m_flow->startLoginMutation(noUrl, QStringLiteral("a@b.c"), QStringLiteral("pw")); });
        QVERIFY(!withoutUrl.ok);
        QVERIFY2(withoutUrl.message.contains(QLatin1String("no GraphQL URL")), qPrintable(withoutUrl.message));

        Profile noMutation = sandboxProfile();
        noMutation.graphqlUrl = m_sandbox->graphqlUrl();
        noMutation.loginMutation = {};
        const FlowResult withoutMutation = wait([&] { m_flow->startLoginMutation(noMutation, QStringLiteral("a@b.c"), QStringLiteral("pw")); });
        QVERIFY(!withoutMutation.ok);
        QVERIFY2(withoutMutation.message.contains(QLatin1String("no login mutation")), qPrintable(withoutMutation.message));
        QVERIFY(!explanationKeys(*m_trace).contains(QStringLiteral("login-mutation")));
    }

    void loopbackRedirectIsCaughtNotLoaded()
    {
        // Nothing listens on this port: the flow only works if the redirect is caught.
        Profile profile = sandboxProfile();
        profile.redirectUri = QStringLiteral("http://127.0.0.1:9/callback");
        auto *agent = sandboxAgent();
        const FlowResult result = run(profile, agent);
        QVERIFY2(result.ok, qPrintable(result.message));
        for (const QString &url : agent->visited)
            QVERIFY2(!url.startsWith(QLatin1String("http://127.0.0.1:9/")), qPrintable(url));
    }

    void cancelledSignInShowsProviderError()
    {
        auto *agent = sandboxAgent();
        agent->pressButton = QStringLiteral("cancel");
        const FlowResult result = run(sandboxProfile(), agent);
        QVERIFY(!result.ok);
        QCOMPARE(result.stage, FlowStage::Callback);
        QVERIFY2(result.message.contains(QLatin1String("access_denied")), qPrintable(result.message));
        QVERIFY2(!result.message.contains(QLatin1Char('+')), qPrintable(result.message));
        QVERIFY(!explanationKeys(*m_trace).contains(QStringLiteral("token-request")));
    }

    void callbackDeliveredTwiceIsExchangedOnce()
    {
        DoubleDeliveryAgent agent(sandboxAgent());
        const FlowResult result = run(sandboxProfile(), &agent);
        QVERIFY2(result.ok, qPrintable(result.message));
        QTest::qWait(200); // let a second exchange, if any were started, reach the trace
        QCOMPARE(explanationKeys(*m_trace).count(QStringLiteral("token-request")), 1);
        QCOMPARE(explanationKeys(*m_trace).count(QStringLiteral("callback")), 2);
    }

    void interopProviderSignsIn_data()
    {
        QTest::addColumn<QString>("clientId");
        QTest::addColumn<int>("method");
        QTest::addColumn<QString>("redirectUri");
        QTest::newRow("public, custom scheme") << QStringLiteral("explorer-public") << int(ClientAuthMethod::None)
                                               << QStringLiteral("com.example.explorer:/callback");
        QTest::newRow("public, loopback") << QStringLiteral("explorer-public") << int(ClientAuthMethod::None)
                                          << QStringLiteral("http://127.0.0.1:53219/callback");
        QTest::newRow("client_secret_basic with + / = :") << QStringLiteral("explorer-confidential")
                                                         << int(ClientAuthMethod::ClientSecretBasic)
                                                         << QStringLiteral("com.example.explorer:/callback");
        QTest::newRow("client_secret_post") << QStringLiteral("explorer-confidential-post") << int(ClientAuthMethod::ClientSecretPost)
                                            << QStringLiteral("com.example.explorer:/callback");
    }

    void interopProviderSignsIn()
    {
        if (!interopAvailable()) {
            if (qEnvironmentVariable("CI") == QLatin1String("true"))
                QFAIL("INTEROP_ISSUER is not set: scripts/test starts tests/interop and sets it.");
            QSKIP("INTEROP_ISSUER is not set; run through scripts/test to start oidc-provider.");
        }
        const QString issuer = qEnvironmentVariable("INTEROP_ISSUER");
        QFETCH(QString, clientId);
        QFETCH(int, method);
        QFETCH(QString, redirectUri);
        Profile profile;
        profile.id = QStringLiteral("interop");
        profile.name = QStringLiteral("oidc-provider");
        profile.issuer = issuer;
        profile.clientId = clientId;
        profile.clientAuth = ClientAuthMethod(method);
        profile.redirectUri = redirectUri;
        profile.scopes = {QStringLiteral("openid"), QStringLiteral("email"), QStringLiteral("profile")};
        auto *agent = new test::HttpFormAgent(this);
        agent->fieldValues.insert(QStringLiteral("email"), QStringLiteral("alice@example.com"));
        agent->fieldValues.insert(QStringLiteral("password"), QStringLiteral("correct horse battery staple"));
        const FlowResult result = run(profile, agent, QStringLiteral("s3cr+et/with=special:chars"));
        QVERIFY2(result.ok, qPrintable(result.message));
        QCOMPARE(result.validation.claims().value(QStringLiteral("sub")).toString(), QStringLiteral("alice"));

        // The interop backend accepts the ID token of explorer-public as its Bearer credential.
        if (clientId != QLatin1String("explorer-public"))
            return;
        QNetworkRequest request(QUrl(qEnvironmentVariable("INTEROP_GRAPHQL")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("Authorization", "Bearer " + result.tokens.idToken.toLatin1());
        std::unique_ptr<QNetworkReply> reply(m_network->post(request, QByteArrayLiteral("{\"query\":\"{ me { sub email } }\"}")));
        QSignalSpy done(reply.get(), &QNetworkReply::finished);
        QVERIFY(done.wait(10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QVERIFY(reply->readAll().contains("alice@example.com"));
    }

    void brokenProviderStopsWithNamedError_data()
    {
        QTest::addColumn<QByteArray>("discoveryType");
        QTest::addColumn<QByteArray>("discoveryBody");
        QTest::addColumn<int>("discoveryStatus");
        QTest::addColumn<int>("stage");
        QTest::addColumn<QString>("expected");
        QTest::newRow("HTML instead of JSON") << QByteArray("text/html") << QByteArray("<!doctype html><p>Welcome</p>") << 200
                                              << int(FlowStage::Discovery) << QStringLiteral("HTML");
        QTest::newRow("404") << QByteArray("text/plain") << QByteArray("not found") << 404 << int(FlowStage::Discovery)
                             << QStringLiteral("404");
        QTest::newRow("invalid JSON") << QByteArray("application/json") << QByteArray("{\"issuer\": ") << 200
                                      << int(FlowStage::Discovery) << QStringLiteral("JSON");
        QTest::newRow("other issuer") << QByteArray("application/json")
                                      << QByteArray("{\"issuer\":\"https://elsewhere.example\",\"authorization_endpoint\":\"https://e/a\","
                                                    "\"token_endpoint\":\"https://e/t\",\"jwks_uri\":\"https://e/k\"}")
                                      << 200 << int(FlowStage::Discovery) << QStringLiteral("https://elsewhere.example");
    }

    void brokenProviderStopsWithNamedError()
    {
        QFETCH(QByteArray, discoveryType);
        QFETCH(QByteArray, discoveryBody);
        QFETCH(int, discoveryStatus);
        QFETCH(int, stage);
        QFETCH(QString, expected);
        ScriptedProvider provider;
        QVERIFY(provider.isListening());
        provider.discoveryType = discoveryType;
        provider.discoveryBody = discoveryBody;
        provider.discoveryStatus = discoveryStatus;
        const FlowResult result = run(provider.profile(), sandboxAgent());
        QVERIFY(!result.ok);
        QCOMPARE(int(result.stage), stage);
        QVERIFY2(result.message.contains(expected), qPrintable(result.message));
        QVERIFY2(result.message.contains(provider.issuer), qPrintable(result.message)); // names the URL
        QVERIFY(result.failedStep >= 0);
        QCOMPARE(m_trace->step(result.failedStep).result, StepResult::Failed);
    }

    void tokenResponseWithoutIdToken()
    {
        ScriptedProvider provider;
        provider.tokenBody = R"({"access_token":"at-1","token_type":"Bearer","expires_in":60})";
        const FlowResult result = run(provider.profile(), sandboxAgent());
        QVERIFY(!result.ok);
        QCOMPARE(result.stage, FlowStage::TokenRequest);
        QVERIFY2(result.message.contains(QLatin1String("id_token")), qPrintable(result.message));
        QCOMPARE(m_trace->step(result.failedStep).result, StepResult::Failed);
    }

    void deviceSlowDownGrowsInterval()
    {
        ScriptedProvider provider;
        QVERIFY(provider.isListening());
        provider.devicePollErrors = {QStringLiteral("authorization_pending"), QStringLiteral("slow_down")};
        const FlowResult result = wait([&] { m_flow->startDeviceAuthorization(provider.profile(), QString()); });
        QVERIFY2(result.ok, qPrintable(result.message));
        QCOMPARE(provider.tokenRequests, 3);
        bool grown = false;
        for (const TraceStep &step : m_trace->steps())
            grown |= step.detail.contains(QLatin1String("now waits 6 s"));
        QVERIFY2(grown, "slow_down must add 5 s to the 1 s interval");
    }

    void deviceNeverAuthorizedExpires()
    {
        ScriptedProvider provider;
        QVERIFY(provider.isListening());
        provider.devicePollErrors = {QStringLiteral("authorization_pending")};
        provider.repeatLastPollError = true;
        provider.deviceExpiresIn = 3;
        const FlowResult result = wait([&] { m_flow->startDeviceAuthorization(provider.profile(), QString()); });
        QVERIFY(!result.ok);
        QVERIFY2(result.message.contains(QLatin1String("expired before anyone approved")), qPrintable(result.message));
        QVERIFY(provider.tokenRequests >= 1);
    }

    void scriptedProviderSignsIn()
    {
        // The control case: the same scripted provider with good responses succeeds.
        ScriptedProvider provider;
        const FlowResult result = run(provider.profile(), sandboxAgent());
        QVERIFY2(result.ok, qPrintable(result.message));
        QCOMPARE(provider.tokenRequests, 1);
    }

    void unknownKidRefetchesKeysOnceThenFails()
    {
        ScriptedProvider provider;
        provider.idTokenKid = QStringLiteral("rotated-key");
        const FlowResult result = run(provider.profile(), sandboxAgent());
        QVERIFY(!result.ok);
        QCOMPARE(result.stage, FlowStage::Validation);
        QCOMPARE(explanationKeys(*m_trace).count(QStringLiteral("jwks")), 2);
        QVERIFY2(result.message.contains(QLatin1String("rotated-key")), qPrintable(result.message));
    }

    void providerDownNamesUrl()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 closedPort = probe.serverPort();
        probe.close();
        Profile profile;
        profile.id = QStringLiteral("down");
        profile.name = QStringLiteral("Down");
        profile.issuer = QStringLiteral("http://127.0.0.1:%1").arg(closedPort);
        profile.clientId = QStringLiteral("c");
        const FlowResult result = run(profile, sandboxAgent());
        QVERIFY(!result.ok);
        QCOMPARE(result.stage, FlowStage::Discovery);
        QVERIFY2(result.message.contains(profile.issuer), qPrintable(result.message));
    }

    void silentProviderTimesOut()
    {
        // Accepts connections and never answers.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        Profile profile;
        profile.id = QStringLiteral("silent");
        profile.name = QStringLiteral("Silent");
        profile.issuer = QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort());
        profile.clientId = QStringLiteral("c");
        profile.timeoutSeconds = 1;
        const FlowResult result = run(profile, sandboxAgent());
        QVERIFY(!result.ok);
        QCOMPARE(result.stage, FlowStage::Discovery);
        QVERIFY2(result.message.contains(QLatin1String("did not respond within 1 s")), qPrintable(result.message));
    }
};

QTEST_GUILESS_MAIN(TestAuthFlow)
#include "tst_authflow.moc"
