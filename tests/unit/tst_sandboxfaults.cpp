// The sandbox's fault switchboard: for each fault, what the sandbox sends on the wire, and how
// the app's AuthCodeFlow reacts to it. Also the backend's two ways of checking tokens: the
// cached JWKS and introspection on every request.

#include "flow/authcodeflow.h"
#include "http/tracedhttpclient.h"
#include "httpformagent.h"
#include "jose/base64url.h"
#include "jose/jws.h"
#include "jose/key.h"
#include "oidc/formencoding.h"
#include "sandbox/sandboxserver.h"
#include "sandboxhttp.h"
#include "doctor/runchecks.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <functional>

using namespace afx;
using afx::sandbox::SandboxFault;
using afx::sandbox::SandboxServer;
using namespace afx::test;

Q_DECLARE_METATYPE(afx::sandbox::SandboxFault)

namespace {

// The header and claims of a compact JWS, decoded here without afx::jose.
struct DecodedJwt {
    QJsonObject header;
    QJsonObject claims;
    QByteArray signature;
    int partCount = 0;
};

DecodedJwt decodeJwt(const QString &token)
{
    DecodedJwt decoded;
    const QList<QByteArray> parts = token.toLatin1().split('.');
    decoded.partCount = int(parts.size());
    if (parts.size() != 3)
        return decoded;
    const auto decode = [](const QByteArray &part) {
        return QByteArray::fromBase64(part, QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    };
    decoded.header = QJsonDocument::fromJson(decode(parts.at(0))).object();
    decoded.claims = QJsonDocument::fromJson(decode(parts.at(1))).object();
    decoded.signature = decode(parts.at(2));
    return decoded;
}

// Parses an IMF-fixdate such as "Sun, 06 Nov 1994 08:49:37 GMT".
QDateTime parseImfDate(const QByteArray &value)
{
    QDateTime time = QLocale::c().toDateTime(QString::fromLatin1(value), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"));
    time.setTimeSpec(Qt::UTC);
    return time;
}

int countKey(const Trace &trace, const QString &key)
{
    int count = 0;
    for (const TraceStep &step : trace.steps())
        count += step.explanationKey == key ? 1 : 0;
    return count;
}

const TraceStep *findStep(const Trace &trace, const QString &key)
{
    for (const TraceStep &step : trace.steps()) {
        if (step.explanationKey == key)
            return &step;
    }
    return nullptr;
}

// The status of the app's check `id` in `validation`, or Skipped with a warning when it is absent.
oidc::Check::Status checkStatus(const oidc::IdTokenValidation &validation, const QString &id)
{
    for (const oidc::Check &check : validation.checks) {
        if (check.id == id)
            return check.status;
    }
    qWarning().noquote() << "the validation has no check" << id;
    return oidc::Check::Status::Skipped;
}

// The number of "Fault: <name>" steps in `trace`.
int faultSteps(const Trace &trace, SandboxFault fault)
{
    int count = 0;
    for (const TraceStep &step : trace.steps()) {
        if (step.explanationKey == QLatin1String("sandbox-fault")
            && step.title == QStringLiteral("Fault: ") + SandboxServer::faultName(fault))
            ++count;
    }
    return count;
}

QString traceText(const Trace &trace)
{
    QStringList lines;
    for (const TraceStep &step : trace.steps())
        lines << step.explanationKey + QStringLiteral(" | ") + step.title + QStringLiteral(" | ") + step.detail.left(160);
    return lines.join(QLatin1Char('\n'));
}

const QString loopbackRedirect = QStringLiteral("http://127.0.0.1:49152/callback");

} // namespace

class TestSandboxFaults : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void doctorExplainsFailedLogin_data();
    void doctorExplainsFailedLogin();
    void initTestCase();
    void init();
    void cleanup();

    void faultNamesAndDescriptions();
    void faultSwitches();

    void expiredTokens();
    void wrongAudience();
    void wrongIssuer();
    void badSignature();
    void algNone();
    void missingNonce();
    void wrongNonce();
    void keyRotation();
    void kidAbsentMultipleKeys();
    void slowJwks();
    void jwksDown();
    void clockSkew();
    void redirectUriMismatch();
    void refreshTokenRevoked();
    void deviceSlowDown();
    void consentDenied();
    void userinfoSubMismatch();
    void faultStepOncePerResponse();
    void switchedOffFaultRestoresFlow_data();
    void switchedOffFaultRestoresFlow();

    void backendCachesJwks();
    void backendIntrospectsEveryRequest();
    void backendIntrospectionRejectsIdToken();
    void backendJwksDown();

private:
    // Sends a request to `path` on the sandbox.
    Reply send(const QByteArray &method, const QString &path, const QByteArray &body = {}, const Headers &headers = {})
    {
        return sendRequest(m_network, method, QUrl(m_sandbox->issuer() + path), body, headers);
    }
    Reply get(const QString &path, const Headers &headers = {}) { return send("GET", path, {}, headers); }
    Reply postForm(const QString &path, const FormFields &fields, const Headers &headers = {})
    {
        return postFormRequest(m_network, QUrl(m_sandbox->issuer() + path), fields, headers);
    }
    // The password grant for the public client: ID, access and refresh tokens without a nonce.
    Reply passwordTokens();
    // GET /authorize for the public client with PKCE and `nonce`.
    Reply authorize(const QString &nonce, const QString &verifier);
    // Runs /authorize and the demo user's /login. Returns the /login reply.
    Reply signIn(const QString &nonce, const QString &verifier);
    // Runs signIn() and redeems the code. Returns the token response.
    Reply codeFlowTokens(const QString &nonce);
    // The sandbox's JWKS, fetched over HTTP and parsed with afx::jose.
    QList<jose::Jwk> fetchJwks();
    Reply postGraphql(const QString &token);

    // Runs a login with the public client through the scripted browser.
    FlowResult runLogin(Profile profile);
    FlowResult wait(const std::function<void()> &start);
    Profile sandboxProfile() const
    {
        Profile profile = Profile::localSandbox();
        profile.issuer = m_sandbox->issuer();
        return profile;
    }
    test::HttpFormAgent *sandboxAgent()
    {
        auto *agent = new test::HttpFormAgent(this);
        agent->fieldValues.insert(QStringLiteral("email"), SandboxServer::demoEmail());
        agent->fieldValues.insert(QStringLiteral("password"), SandboxServer::demoPassword());
        return agent;
    }

    QNetworkAccessManager m_network;
    std::unique_ptr<SandboxServer> m_sandbox;
    std::unique_ptr<QNetworkAccessManager> m_flowNetwork;
    std::unique_ptr<Trace> m_trace;
    std::unique_ptr<TracedHttpClient> m_http;
    std::unique_ptr<AuthCodeFlow> m_flow;
};

void TestSandboxFaults::initTestCase()
{
    QLoggingCategory::setFilterRules(QStringLiteral("afx.sandbox.debug=false"));
    qRegisterMetaType<FlowResult>();
    m_network.setProxy(QNetworkProxy::NoProxy);
    m_sandbox = std::make_unique<SandboxServer>();
    QString error;
    QVERIFY2(m_sandbox->start(0, &error), qPrintable(error));
}

void TestSandboxFaults::init()
{
    m_flowNetwork = std::make_unique<QNetworkAccessManager>();
    m_flowNetwork->setProxy(QNetworkProxy::NoProxy);
    m_trace = std::make_unique<Trace>();
    m_http = std::make_unique<TracedHttpClient>(m_flowNetwork.get());
    m_http->setTrace(m_trace.get());
    m_flow = std::make_unique<AuthCodeFlow>(m_http.get(), m_trace.get());
    // The sandbox reports its fault steps into the flow's trace, as in the app.
    m_sandbox->setTrace(m_trace.get());
}

void TestSandboxFaults::cleanup()
{
    for (SandboxFault fault : SandboxServer::allFaults())
        m_sandbox->setFault(fault, false);
    m_sandbox->setSlowJwksDelayMs(3000);
    m_sandbox->setBackendIntrospects(false);
    m_sandbox->setDeviceCodeInterval(5);
    m_sandbox->advanceClock(-m_sandbox->clockOffset());
    m_sandbox->setTrace(nullptr);
    m_flow.reset();
    m_http.reset();
    m_trace.reset();
    m_flowNetwork.reset();
}

Reply TestSandboxFaults::passwordTokens()
{
    return postForm(QStringLiteral("/token"), {{QStringLiteral("grant_type"), QStringLiteral("password")},
                                               {QStringLiteral("client_id"), SandboxServer::publicClientId()},
                                               {QStringLiteral("username"), SandboxServer::demoEmail()},
                                               {QStringLiteral("password"), SandboxServer::demoPassword()},
                                               {QStringLiteral("scope"), QStringLiteral("openid profile email")}});
}

Reply TestSandboxFaults::authorize(const QString &nonce, const QString &verifier)
{
    const QByteArray query = formBody({{QStringLiteral("response_type"), QStringLiteral("code")},
                                       {QStringLiteral("client_id"), SandboxServer::publicClientId()},
                                       {QStringLiteral("redirect_uri"), loopbackRedirect},
                                       {QStringLiteral("scope"), QStringLiteral("openid profile email")},
                                       {QStringLiteral("state"), QStringLiteral("state-1")},
                                       {QStringLiteral("nonce"), nonce},
                                       {QStringLiteral("code_challenge"), pkceChallenge(verifier)},
                                       {QStringLiteral("code_challenge_method"), QStringLiteral("S256")}});
    return get(QStringLiteral("/authorize?") + QString::fromLatin1(query));
}

Reply TestSandboxFaults::signIn(const QString &nonce, const QString &verifier)
{
    const Reply page = authorize(nonce, verifier);
    if (page.status != 200) {
        qWarning() << "the login page did not appear: HTTP" << page.status;
        return page;
    }
    const QString requestId = requestIdFromPage(page.html());
    return postForm(QStringLiteral("/login"), {{QStringLiteral("request_id"), requestId},
                                               {QStringLiteral("email"), SandboxServer::demoEmail()},
                                               {QStringLiteral("password"), SandboxServer::demoPassword()},
                                               {QStringLiteral("action"), QStringLiteral("login")}});
}

Reply TestSandboxFaults::codeFlowTokens(const QString &nonce)
{
    const QString verifier = newVerifier();
    const Reply login = signIn(nonce, verifier);
    const QByteArray location = login.header("Location");
    const qsizetype question = location.indexOf('?');
    const QString code = question < 0 ? QString() : decodeForm(location.sliced(question + 1)).value(QStringLiteral("code"));
    if (code.isEmpty()) {
        qWarning() << "the sign-in returned no code:" << login.status << location;
        return login;
    }
    return postForm(QStringLiteral("/token"), {{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                               {QStringLiteral("client_id"), SandboxServer::publicClientId()},
                                               {QStringLiteral("code"), code},
                                               {QStringLiteral("redirect_uri"), loopbackRedirect},
                                               {QStringLiteral("code_verifier"), verifier}});
}

QList<jose::Jwk> TestSandboxFaults::fetchJwks()
{
    const Reply reply = get(QStringLiteral("/jwks"));
    jose::Jwks jwks;
    QString error;
    if (reply.status != 200 || !jose::Jwks::parse(reply.body, &jwks, &error))
        qWarning().noquote() << "the JWKS could not be loaded: HTTP" << reply.status << error;
    return jwks.keys;
}

Reply TestSandboxFaults::postGraphql(const QString &token)
{
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("query"), QStringLiteral("{ me { email } }")}})
                                .toJson(QJsonDocument::Compact);
    return send("POST", QStringLiteral("/graphql"), body,
                {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token.toLatin1()}});
}

FlowResult TestSandboxFaults::wait(const std::function<void()> &start)
{
    QSignalSpy finished(m_flow.get(), &AuthCodeFlow::finished);
    start();
    if (finished.isEmpty() && !finished.wait(40000)) {
        FlowResult timedOut;
        timedOut.message = QStringLiteral("the flow did not finish within 40 s");
        return timedOut;
    }
    return finished.first().first().value<FlowResult>();
}

FlowResult TestSandboxFaults::runLogin(Profile profile)
{
    m_flow->setUserAgent(sandboxAgent());
    return wait([&] { m_flow->start(profile, QString()); });
}

void TestSandboxFaults::doctorExplainsFailedLogin_data()
{
    QTest::addColumn<SandboxFault>("fault");
    QTest::addColumn<QString>("findingId");

    QTest::newRow("expired-tokens") << SandboxFault::ExpiredTokens << QStringLiteral("token-expired");
    QTest::newRow("wrong-audience") << SandboxFault::WrongAudience << QStringLiteral("id-token-check-audience");
    QTest::newRow("wrong-issuer") << SandboxFault::WrongIssuer << QStringLiteral("id-token-check-issuer");
    QTest::newRow("bad-signature") << SandboxFault::BadSignature << QStringLiteral("id-token-check-signature");
    QTest::newRow("alg-none") << SandboxFault::AlgNone << QStringLiteral("id-token-check-algorithm");
    QTest::newRow("missing-nonce") << SandboxFault::MissingNonce << QStringLiteral("id-token-check-nonce");
    QTest::newRow("wrong-nonce") << SandboxFault::WrongNonce << QStringLiteral("id-token-check-nonce");
    QTest::newRow("kid-absent-multiple-keys") << SandboxFault::KidAbsentMultipleKeys << QStringLiteral("signing-key-unknown");
    QTest::newRow("clock-skew") << SandboxFault::ClockSkew << QStringLiteral("clock-skew");
    QTest::newRow("consent-denied") << SandboxFault::ConsentDenied << QStringLiteral("error-access-denied");
}

void TestSandboxFaults::doctorExplainsFailedLogin()
{
    QFETCH(SandboxFault, fault);
    QFETCH(QString, findingId);

    // The configuration doctor turns the failed login into a finding that points at its step.
    m_sandbox->setFault(fault, true);
    m_trace->clear();
    const Profile profile = sandboxProfile();
    const FlowResult result = runLogin(profile);
    QVERIFY(!result.ok);
    const QList<doctor::Finding> findings = doctor::checkRun(*m_trace, result, profile);
    QStringList ids;
    for (const doctor::Finding &finding : findings)
        ids << finding.id;
    QVERIFY2(ids.contains(findingId), qPrintable(ids.join(QLatin1Char(' '))));
    for (const doctor::Finding &finding : findings) {
        if (finding.id == findingId) {
            QVERIFY(finding.step >= 0);
            QVERIFY(!finding.fix.isEmpty());
        }
    }
}

void TestSandboxFaults::faultNamesAndDescriptions()
{
    const QList<SandboxFault> faults = SandboxServer::allFaults();
    QCOMPARE(faults.size(), 17);
    static const QRegularExpression kebab(QStringLiteral("^[a-z]+(-[a-z]+)*$"));
    QSet<QString> names;
    for (SandboxFault fault : faults) {
        const QString name = SandboxServer::faultName(fault);
        QVERIFY2(kebab.match(name).hasMatch(), qPrintable(name));
        QVERIFY2(!names.contains(name), qPrintable(name));
        names.insert(name);
        QCOMPARE(SandboxServer::faultFromName(name), std::optional<SandboxFault>(fault));

        // One plain sentence: starts with a capital letter, ends with the only full stop.
        const QString description = SandboxServer::faultDescription(fault);
        QVERIFY2(description.size() > 40, qPrintable(name));
        QVERIFY2(description.at(0).isUpper(), qPrintable(description));
        QVERIFY2(description.endsWith(QLatin1Char('.')), qPrintable(description));
        QVERIFY2(!description.chopped(1).contains(QStringLiteral(". ")), qPrintable(description));
    }
    QCOMPARE(SandboxServer::faultName(SandboxFault::ExpiredTokens), QStringLiteral("expired-tokens"));
    QCOMPARE(SandboxServer::faultName(SandboxFault::KidAbsentMultipleKeys), QStringLiteral("kid-absent-multiple-keys"));
    QCOMPARE(SandboxServer::faultFromName(QStringLiteral("Expired-Tokens")), std::nullopt);
    QCOMPARE(SandboxServer::faultFromName(QString()), std::nullopt);
    QCOMPARE(SandboxServer::faultFromName(QStringLiteral("expired-tokens ")), std::nullopt);
}

void TestSandboxFaults::faultSwitches()
{
    QSignalSpy changed(m_sandbox.get(), &SandboxServer::faultsChanged);
    QVERIFY(m_sandbox->activeFaults().isEmpty());

    m_sandbox->setFault(SandboxFault::JwksDown, true);
    m_sandbox->setFault(SandboxFault::AlgNone, true);
    QCOMPARE(changed.size(), 2);
    QVERIFY(m_sandbox->isFaultOn(SandboxFault::JwksDown));
    QVERIFY(!m_sandbox->isFaultOn(SandboxFault::SlowJwks));
    // In enum order, not in switching order.
    QCOMPARE(m_sandbox->activeFaults(), (QList<SandboxFault>{SandboxFault::AlgNone, SandboxFault::JwksDown}));

    m_sandbox->setFault(SandboxFault::JwksDown, true); // no change, no signal
    QCOMPARE(changed.size(), 2);
    m_sandbox->setFault(SandboxFault::JwksDown, false);
    QCOMPARE(changed.size(), 3);
    QCOMPARE(m_sandbox->activeFaults(), (QList<SandboxFault>{SandboxFault::AlgNone}));
    m_sandbox->setFault(SandboxFault::SlowJwks, false); // already off
    QCOMPARE(changed.size(), 3);
}

void TestSandboxFaults::expiredTokens()
{
    m_sandbox->setFault(SandboxFault::ExpiredTokens, true);

    const Reply tokens = passwordTokens();
    QCOMPARE(tokens.status, 200);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const DecodedJwt idToken = decodeJwt(tokens.jsonString(QStringLiteral("id_token")));
    const DecodedJwt accessToken = decodeJwt(tokens.jsonString(QStringLiteral("access_token")));
    QVERIFY(idToken.claims.value(QStringLiteral("exp")).toInteger() < now - 300);
    QVERIFY(accessToken.claims.value(QStringLiteral("exp")).toInteger() < now - 300);
    QVERIFY(idToken.claims.value(QStringLiteral("iat")).toInteger() < idToken.claims.value(QStringLiteral("exp")).toInteger());
    // The sandbox's own endpoints reject the expired access token too.
    const Reply userinfo = get(QStringLiteral("/userinfo"),
                               {{"Authorization", "Bearer " + tokens.jsonString(QStringLiteral("access_token")).toLatin1()}});
    QCOMPARE(userinfo.status, 401);

    m_trace->clear();
    const FlowResult result = runLogin(sandboxProfile());
    QVERIFY(!result.ok);
    QCOMPARE(result.stage, FlowStage::Validation);
    QCOMPARE(checkStatus(result.validation, QStringLiteral("check-expiry")), oidc::Check::Status::Failed);
    QCOMPARE(checkStatus(result.validation, QStringLiteral("check-signature")), oidc::Check::Status::Passed);
    QCOMPARE(faultSteps(*m_trace, SandboxFault::ExpiredTokens), 1);
}

void TestSandboxFaults::wrongAudience()
{
    m_sandbox->setFault(SandboxFault::WrongAudience, true);

    const Reply tokens = passwordTokens();
    QCOMPARE(tokens.status, 200);
    const DecodedJwt idToken = decodeJwt(tokens.jsonString(QStringLiteral("id_token")));
    QCOMPARE(idToken.claims.value(QStringLiteral("aud")).toString(), QStringLiteral("another-client-app"));
    // The access token's audience is the API, which the fault leaves alone.
    const DecodedJwt accessToken = decodeJwt(tokens.jsonString(QStringLiteral("access_token")));
    QCOMPARE(accessToken.claims.value(QStringLiteral("aud")).toString(), m_sandbox->graphqlUrl().toString());

    m_trace->clear();
    const FlowResult result = runLogin(sandboxProfile());
    QVERIFY(!result.ok);
    QCOMPARE(checkStatus(result.validation, QStringLiteral("check-audience")), oidc::Check::Status::Failed);
    QVERIFY2(result.message.contains(QLatin1String("another-client-app")), qPrintable(result.message));
    QCOMPARE(faultSteps(*m_trace, SandboxFault::WrongAudience), 1);
}

void TestSandboxFaults::wrongIssuer()
{
    m_sandbox->setFault(SandboxFault::WrongIssuer, true);

    const Reply tokens = passwordTokens();
    QCOMPARE(tokens.status, 200);
    const DecodedJwt idToken = decodeJwt(tokens.jsonString(QStringLiteral("id_token")));
    QCOMPARE(idToken.claims.value(QStringLiteral("iss")).toString(), m_sandbox->issuer() + QLatin1Char('/'));
    // Discovery keeps the issuer without the slash.
    QCOMPARE(get(QStringLiteral("/.well-known/openid-configuration")).jsonString(QStringLiteral("issuer")), m_sandbox->issuer());

    m_trace->clear();
    const FlowResult result = runLogin(sandboxProfile());
    QVERIFY(!result.ok);
    QCOMPARE(checkStatus(result.validation, QStringLiteral("check-issuer")), oidc::Check::Status::Failed);
    QCOMPARE(checkStatus(result.validation, QStringLiteral("check-signature")), oidc::Check::Status::Passed);
    QCOMPARE(faultSteps(*m_trace, SandboxFault::WrongIssuer), 1);
}

void TestSandboxFaults::badSignature()
{
    m_sandbox->setFault(SandboxFault::BadSignature, true);

    const Reply tokens = passwordTokens();
    QCOMPARE(tokens.status, 200);
    const QByteArray token = tokens.jsonString(QStringLiteral("id_token")).toLatin1();
    const DecodedJwt idToken = decodeJwt(QString::fromLatin1(token));
    QCOMPARE(idToken.header.value(QStringLiteral("alg")).toString(), QStringLiteral("RS256"));
    QCOMPARE(idToken.signature.size(), 256); // RSA-2048: the length stays, the bytes change
    const QList<jose::Jwk> keys = fetchJwks();
    QCOMPARE(keys.size(), 1);
    QString error;
    const std::optional<jose::CompactJws> jws = jose::CompactJws::parse(token, &error);
    QVERIFY2(jws, qPrintable(error));
    QVERIFY(!jose::verifySignature(jws->alg(), keys.first().key, jws->signingInput, jws->signature, &error));

    m_trace->clear();
    const FlowResult result = runLogin(sandboxProfile());
    QVERIFY(!result.ok);
    QCOMPARE(checkStatus(result.validation, QStringLiteral("check-signature")), oidc::Check::Status::Failed);
    QCOMPARE(checkStatus(result.validation, QStringLiteral("check-key")), oidc::Check::Status::Passed);
    QCOMPARE(faultSteps(*m_trace, SandboxFault::BadSignature), 1);
}

void TestSandboxFaults::algNone()
{
    m_sandbox->setFault(SandboxFault::AlgNone, true);

    const Reply tokens = passwordTokens();
    QCOMPARE(tokens.status, 200);
    const QString token = tokens.jsonString(QStringLiteral("id_token"));
    QVERIFY2(token.endsWith(QLatin1Char('.')), qPrintable(token.right(20)));
    const DecodedJwt idToken = decodeJwt(token);
    QCOMPARE(idToken.partCount, 3);
    QCOMPARE(idToken.header.value(QStringLiteral("alg")).toString(), QStringLiteral("none"));
    QVERIFY(idToken.signature.isEmpty());
    QCOMPARE(idToken.claims.value(QStringLiteral("sub")).isString(), true);

    m_trace->clear();
    const FlowResult result = runLogin(sandboxProfile());
    QVERIFY(!result.ok);
    QCOMPARE(checkStatus(result.validation, QStringLiteral("check-algorithm")), oidc::Check::Status::Failed);
    QVERIFY(checkStatus(result.validation, QStringLiteral("check-signature")) != oidc::Check::Status::Passed);
    QCOMPARE(faultSteps(*m_trace, SandboxFault::AlgNone), 1);
}

void TestSandboxFaults::missingNonce()
{
    m_sandbox->setFault(SandboxFault::MissingNonce, true);

    const Reply tokens = codeFlowTokens(QStringLiteral("nonce-sent-1"));
    QCOMPARE(tokens.status, 200);
    const DecodedJwt idToken = decodeJwt(tokens.jsonString(QStringLiteral("id_token")));
    QVERIFY(!idToken.claims.isEmpty());
    QVERIFY(!idToken.claims.contains(QStringLiteral("nonce")));

    m_trace->clear();
    const FlowResult result = runLogin(sandboxProfile());
    QVERIFY(!result.ok);
    QCOMPARE(checkStatus(result.validation, QStringLiteral("check-nonce")), oidc::Check::Status::Failed);
    QCOMPARE(faultSteps(*m_trace, SandboxFault::MissingNonce), 1);
}

void TestSandboxFaults::wrongNonce()
{
    m_sandbox->setFault(SandboxFault::WrongNonce, true);

    const Reply tokens = codeFlowTokens(QStringLiteral("nonce-sent-2"));
    QCOMPARE(tokens.status, 200);
    const DecodedJwt idToken = decodeJwt(tokens.jsonString(QStringLiteral("id_token")));
    QVERIFY(idToken.claims.value(QStringLiteral("nonce")).isString());
    QVERIFY(idToken.claims.value(QStringLiteral("nonce")).toString() != QLatin1String("nonce-sent-2"));
    // A grant without a nonce gets none: the fault only replaces a nonce that was sent.
    QVERIFY(!decodeJwt(passwordTokens().jsonString(QStringLiteral("id_token"))).claims.contains(QStringLiteral("nonce")));

    m_trace->clear();
    const FlowResult result = runLogin(sandboxProfile());
    QVERIFY(!result.ok);
    QCOMPARE(checkStatus(result.validation, QStringLiteral("check-nonce")), oidc::Check::Status::Failed);
    QCOMPARE(faultSteps(*m_trace, SandboxFault::WrongNonce), 1);
}

void TestSandboxFaults::keyRotation()
{
    const QString oldKid = fetchJwks().value(0).kid;
    QVERIFY(!oldKid.isEmpty());

    // The wire: the first JWKS fetch after the switch lacks the new key, the second has it.
    m_sandbox->setFault(SandboxFault::KeyRotation, true);
    const Reply tokens = passwordTokens();
    QCOMPARE(tokens.status, 200);
    const QString newKid = decodeJwt(tokens.jsonString(QStringLiteral("id_token"))).header.value(QStringLiteral("kid")).toString();
    QVERIFY(!newKid.isEmpty());
    QVERIFY(newKid != oldKid);
    QCOMPARE(decodeJwt(tokens.jsonString(QStringLiteral("access_token"))).header.value(QStringLiteral("kid")).toString(), newKid);
    QStringList firstKids;
    for (const jose::Jwk &jwk : fetchJwks())
        firstKids << jwk.kid;
    QCOMPARE(firstKids, QStringList{oldKid});
    QStringList laterKids;
    for (const jose::Jwk &jwk : fetchJwks())
        laterKids << jwk.kid;
    QCOMPARE(laterKids, (QStringList{newKid, oldKid}));
    // The provider still accepts its access token, signed with the new key.
    const Reply userinfo = get(QStringLiteral("/userinfo"),
                               {{"Authorization", "Bearer " + tokens.jsonString(QStringLiteral("access_token")).toLatin1()}});
    QCOMPARE(userinfo.status, 200);

    // The app: a fresh rotation, so the flow's first fetch is the first after the switch. The
    // unknown kid makes it fetch once more, and then the login succeeds.
    m_sandbox->setFault(SandboxFault::KeyRotation, false);
    m_sandbox->setFault(SandboxFault::KeyRotation, true);
    m_trace->clear();
    const FlowResult result = runLogin(sandboxProfile());
    QVERIFY2(result.ok, qPrintable(result.message + QLatin1Char('\n') + traceText(*m_trace)));
    QCOMPARE(countKey(*m_trace, QStringLiteral("jwks")), 2);
    QCOMPARE(checkStatus(result.validation, QStringLiteral("check-key")), oidc::Check::Status::Passed);
    bool refetchStep = false;
    for (const TraceStep &step : m_trace->steps())
        refetchStep |= step.explanationKey == QLatin1String("check-key") && step.result == StepResult::Warning;
    QVERIFY2(refetchStep, qPrintable(traceText(*m_trace)));
    QVERIFY(faultSteps(*m_trace, SandboxFault::KeyRotation) >= 2);
}

void TestSandboxFaults::kidAbsentMultipleKeys()
{
    m_sandbox->setFault(SandboxFault::KidAbsentMultipleKeys, true);

    const Reply tokens = passwordTokens();
    QCOMPARE(tokens.status, 200);
    const DecodedJwt idToken = decodeJwt(tokens.jsonString(QStringLiteral("id_token")));
    QCOMPARE(idToken.header.value(QStringLiteral("alg")).toString(), QStringLiteral("RS256"));
    QVERIFY(!idToken.header.contains(QStringLiteral("kid")));
    const QList<jose::Jwk> keys = fetchJwks();
    QCOMPARE(keys.size(), 2);
    QCOMPARE(keys.at(0).key.kty(), QStringLiteral("RSA"));
    QCOMPARE(keys.at(1).key.kty(), QStringLiteral("RSA"));
    QVERIFY(keys.at(0).kid != keys.at(1).kid);

    m_trace->clear();
    const FlowResult result = runLogin(sandboxProfile());
    QVERIFY(!result.ok);
    QCOMPARE(checkStatus(result.validation, QStringLiteral("check-key")), oidc::Check::Status::Failed);
    QVERIFY(faultSteps(*m_trace, SandboxFault::KidAbsentMultipleKeys) >= 2); // the JWKS and the token
}

void TestSandboxFaults::slowJwks()
{
    QCOMPARE(m_sandbox->slowJwksDelayMs(), 3000);
    m_sandbox->setFault(SandboxFault::SlowJwks, true);
    m_sandbox->setSlowJwksDelayMs(1500);

    QElapsedTimer timer;
    timer.start();
    const Reply jwks = get(QStringLiteral("/jwks"));
    QCOMPARE(jwks.status, 200);
    QVERIFY2(timer.elapsed() >= 1400, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(!jwks.json().value(QStringLiteral("keys")).toArray().isEmpty());
    // The other endpoints stay fast.
    timer.restart();
    QCOMPARE(get(QStringLiteral("/.well-known/openid-configuration")).status, 200);
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));

    m_trace->clear();
    Profile profile = sandboxProfile();
    profile.timeoutSeconds = 1;
    const FlowResult result = runLogin(profile);
    QVERIFY(!result.ok);
    QCOMPARE(result.stage, FlowStage::Keys);
    QVERIFY2(result.message.contains(QLatin1String("did not respond within 1 s")), qPrintable(result.message));
    QCOMPARE(faultSteps(*m_trace, SandboxFault::SlowJwks), 1);
}

void TestSandboxFaults::jwksDown()
{
    m_sandbox->setFault(SandboxFault::JwksDown, true);

    const Reply jwks = get(QStringLiteral("/jwks"));
    QCOMPARE(jwks.status, 503);
    QCOMPARE(jwks.header("Retry-After"), QByteArray("30"));
    QCOMPARE(jwks.jsonString(QStringLiteral("error")), QStringLiteral("temporarily_unavailable"));

    m_trace->clear();
    const FlowResult result = runLogin(sandboxProfile());
    QVERIFY(!result.ok);
    QCOMPARE(result.stage, FlowStage::Keys);
    QVERIFY2(result.message.contains(QLatin1String("HTTP 503")), qPrintable(result.message));
    QCOMPARE(faultSteps(*m_trace, SandboxFault::JwksDown), 1);
}

void TestSandboxFaults::clockSkew()
{
    // Without the fault the sandbox sends no Date header.
    QVERIFY(get(QStringLiteral("/.well-known/openid-configuration")).header("Date").isEmpty());
    m_sandbox->setFault(SandboxFault::ClockSkew, true);

    const Reply tokens = passwordTokens();
    QCOMPARE(tokens.status, 200);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QDateTime date = parseImfDate(tokens.header("Date"));
    QVERIFY2(date.isValid(), tokens.header("Date").constData());
    QVERIFY2(qAbs(date.toSecsSinceEpoch() - (now + 600)) <= 5, tokens.header("Date").constData());
    const DecodedJwt idToken = decodeJwt(tokens.jsonString(QStringLiteral("id_token")));
    QVERIFY(qAbs(idToken.claims.value(QStringLiteral("iat")).toInteger() - (now + 600)) <= 5);
    QCOMPARE(idToken.claims.value(QStringLiteral("nbf")).toInteger(), idToken.claims.value(QStringLiteral("iat")).toInteger());
    QVERIFY(!parseImfDate(get(QStringLiteral("/jwks")).header("Date")).isNull());

    m_trace->clear();
    const FlowResult result = runLogin(sandboxProfile());
    QVERIFY(!result.ok);
    QCOMPARE(checkStatus(result.validation, QStringLiteral("check-issued-at")), oidc::Check::Status::Failed);
    QCOMPARE(checkStatus(result.validation, QStringLiteral("check-not-before")), oidc::Check::Status::Failed);
    QCOMPARE(checkStatus(result.validation, QStringLiteral("check-expiry")), oidc::Check::Status::Passed);
    // The app compares the provider's Date header with its own clock.
    const TraceStep *skew = findStep(*m_trace, QStringLiteral("check-clock-skew"));
    QVERIFY2(skew, qPrintable(traceText(*m_trace)));
    QCOMPARE(skew->result, StepResult::Failed);
    QCOMPARE(faultSteps(*m_trace, SandboxFault::ClockSkew), 1);
}

void TestSandboxFaults::redirectUriMismatch()
{
    m_sandbox->setFault(SandboxFault::RedirectUriMismatch, true);

    const Reply page = authorize(QStringLiteral("nonce-3"), newVerifier());
    QCOMPARE(page.status, 400);
    QVERIFY(page.header("Content-Type").startsWith("text/html"));
    QVERIFY(page.header("Location").isEmpty()); // never a redirect to the rejected URI
    QVERIFY2(page.body.contains("redirect_uri"), page.body.constData());

    // Through the authorization endpoint, as the browser receives it.
    m_trace->clear();
    Profile profile = sandboxProfile();
    profile.pushedAuthorization = false;
    const FlowResult result = runLogin(profile);
    QVERIFY(!result.ok);
    QCOMPARE(result.stage, FlowStage::Browser);
    QVERIFY2(result.message.contains(QLatin1String("HTTP 400")), qPrintable(result.message));
    QCOMPARE(faultSteps(*m_trace, SandboxFault::RedirectUriMismatch), 1);

    // Through a pushed authorization request, whose endpoint rejects it before any page.
    m_trace->clear();
    const FlowResult pushed = runLogin(sandboxProfile());
    QVERIFY(!pushed.ok);
    QVERIFY2(pushed.message.contains(QLatin1String("invalid_request")), qPrintable(pushed.message));
    QVERIFY2(pushed.message.contains(QLatin1String("redirect_uri")), qPrintable(pushed.message));
}

void TestSandboxFaults::refreshTokenRevoked()
{
    const Reply tokens = passwordTokens();
    QCOMPARE(tokens.status, 200);
    m_sandbox->setFault(SandboxFault::RefreshTokenRevoked, true);
    const QList<QPair<QString, QString>> refresh{{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                                 {QStringLiteral("client_id"), SandboxServer::publicClientId()},
                                                 {QStringLiteral("refresh_token"), tokens.jsonString(QStringLiteral("refresh_token"))}};
    const Reply rejected = postForm(QStringLiteral("/token"), refresh);
    QCOMPARE(rejected.status, 400);
    QCOMPARE(rejected.jsonString(QStringLiteral("error")), QStringLiteral("invalid_grant"));
    // The fault does not use the token up: switched off, the same token works.
    m_sandbox->setFault(SandboxFault::RefreshTokenRevoked, false);
    QCOMPARE(postForm(QStringLiteral("/token"), refresh).status, 200);

    const FlowResult login = runLogin(sandboxProfile());
    QVERIFY2(login.ok, qPrintable(login.message));
    m_sandbox->setFault(SandboxFault::RefreshTokenRevoked, true);
    m_trace->clear();
    const FlowResult result = wait([&] { m_flow->startRefresh(sandboxProfile(), QString(), login.tokens); });
    QVERIFY(!result.ok);
    QVERIFY(result.loginRequired);
    QCOMPARE(result.stage, FlowStage::TokenRequest);
    QVERIFY2(result.message.contains(QLatin1String("invalid_grant")), qPrintable(result.message));
    QCOMPARE(faultSteps(*m_trace, SandboxFault::RefreshTokenRevoked), 1);
}

void TestSandboxFaults::deviceSlowDown()
{
    m_sandbox->setDeviceCodeInterval(0);
    m_sandbox->setFault(SandboxFault::DeviceSlowDown, true);
    const Reply started = postForm(QStringLiteral("/device_authorization"),
                                   {{QStringLiteral("client_id"), SandboxServer::publicClientId()},
                                    {QStringLiteral("scope"), QStringLiteral("openid")}});
    QCOMPARE(started.status, 200);
    const QList<QPair<QString, QString>> poll{{QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:device_code")},
                                              {QStringLiteral("client_id"), SandboxServer::publicClientId()},
                                              {QStringLiteral("device_code"), started.jsonString(QStringLiteral("device_code"))}};
    const Reply first = postForm(QStringLiteral("/token"), poll);
    QCOMPARE(first.status, 400);
    QCOMPARE(first.jsonString(QStringLiteral("error")), QStringLiteral("slow_down"));
    QVERIFY2(first.jsonString(QStringLiteral("error_description")).contains(QLatin1String("from 0 to 5 seconds")),
             qPrintable(first.jsonString(QStringLiteral("error_description"))));
    // Only the next poll: after the longer interval the code is pending as usual.
    m_sandbox->advanceClock(6);
    const Reply second = postForm(QStringLiteral("/token"), poll);
    QCOMPARE(second.jsonString(QStringLiteral("error")), QStringLiteral("authorization_pending"));
    m_sandbox->advanceClock(-m_sandbox->clockOffset());

    // The app slows down by the 5 seconds RFC 8628 section 3.5 requires and still signs in.
    m_sandbox->setDeviceCodeInterval(1);
    test::HttpFormAgent *phone = sandboxAgent();
    connect(m_flow.get(), &AuthCodeFlow::deviceCodeReady, this, [phone](const DeviceAuthorization &authorization) {
        phone->startAuthorization(authorization.verificationUriComplete, oidc::RedirectMatcher());
    });
    m_trace->clear();
    const FlowResult result = wait([&] { m_flow->startDeviceAuthorization(sandboxProfile(), QString()); });
    QVERIFY2(result.ok, qPrintable(result.message + QLatin1Char('\n') + traceText(*m_trace)));
    bool slowDownSeen = false;
    for (const TraceStep &step : m_trace->steps())
        slowDownSeen |= step.detail.startsWith(QLatin1String("slow_down"));
    QVERIFY2(slowDownSeen, qPrintable(traceText(*m_trace)));
    QCOMPARE(faultSteps(*m_trace, SandboxFault::DeviceSlowDown), 1);
}

void TestSandboxFaults::consentDenied()
{
    m_sandbox->setFault(SandboxFault::ConsentDenied, true);

    const Reply login = signIn(QStringLiteral("nonce-4"), newVerifier());
    QCOMPARE(login.status, 302);
    const QByteArray location = login.header("Location");
    QVERIFY2(location.startsWith(loopbackRedirect.toLatin1() + '?'), location.constData());
    const QMap<QString, QString> params = decodeForm(location.sliced(location.indexOf('?') + 1));
    QCOMPARE(params.value(QStringLiteral("error")), QStringLiteral("access_denied"));
    QCOMPARE(params.value(QStringLiteral("state")), QStringLiteral("state-1"));
    QVERIFY(!params.contains(QStringLiteral("code")));

    m_trace->clear();
    const FlowResult result = runLogin(sandboxProfile());
    QVERIFY(!result.ok);
    QCOMPARE(result.stage, FlowStage::Callback);
    QVERIFY2(result.message.contains(QLatin1String("access_denied")), qPrintable(result.message));
    QCOMPARE(faultSteps(*m_trace, SandboxFault::ConsentDenied), 1);
}

void TestSandboxFaults::userinfoSubMismatch()
{
    const Reply tokens = passwordTokens();
    QCOMPARE(tokens.status, 200);
    const QString sub = decodeJwt(tokens.jsonString(QStringLiteral("id_token"))).claims.value(QStringLiteral("sub")).toString();
    m_sandbox->setFault(SandboxFault::UserinfoSubMismatch, true);
    const Reply userinfo = get(QStringLiteral("/userinfo"),
                               {{"Authorization", "Bearer " + tokens.jsonString(QStringLiteral("access_token")).toLatin1()}});
    QCOMPARE(userinfo.status, 200);
    QCOMPARE(userinfo.jsonString(QStringLiteral("sub")), QStringLiteral("another-user"));
    QVERIFY(userinfo.jsonString(QStringLiteral("sub")) != sub);

    const FlowResult login = runLogin(sandboxProfile());
    QVERIFY2(login.ok, qPrintable(login.message));
    m_trace->clear();
    const FlowResult result = wait([&] { m_flow->startUserInfo(sandboxProfile(), login.tokens); });
    QVERIFY(!result.ok);
    const TraceStep *check = findStep(*m_trace, QStringLiteral("check-userinfo-subject"));
    QVERIFY2(check, qPrintable(traceText(*m_trace)));
    QCOMPARE(check->result, StepResult::Failed);
    QVERIFY2(result.message.contains(QLatin1String("another-user")), qPrintable(result.message));
    QCOMPARE(faultSteps(*m_trace, SandboxFault::UserinfoSubMismatch), 1);
}

void TestSandboxFaults::faultStepOncePerResponse()
{
    // Expired-tokens changes both tokens of one response, and the trace gets one step for it.
    m_sandbox->setFault(SandboxFault::ExpiredTokens, true);
    m_sandbox->setFault(SandboxFault::WrongAudience, true);
    m_trace->clear();
    QCOMPARE(passwordTokens().status, 200);
    QCOMPARE(m_trace->count(), 2);
    const TraceStep &step = m_trace->step(0);
    QCOMPARE(step.title, QStringLiteral("Fault: expired-tokens"));
    QCOMPARE(step.from, Trace::Provider);
    QCOMPARE(step.to, Trace::Provider);
    QCOMPARE(step.channel, Channel::Local);
    QCOMPARE(step.result, StepResult::Warning);
    QCOMPARE(step.explanationKey, QStringLiteral("sandbox-fault"));
    QCOMPARE(step.detail, SandboxServer::faultDescription(SandboxFault::ExpiredTokens));
    QCOMPARE(m_trace->step(1).title, QStringLiteral("Fault: wrong-audience"));

    // A response that no fault changes adds no step.
    QCOMPARE(get(QStringLiteral("/.well-known/openid-configuration")).status, 200);
    QCOMPARE(m_trace->count(), 2);
}

void TestSandboxFaults::switchedOffFaultRestoresFlow_data()
{
    QTest::addColumn<SandboxFault>("fault");
    for (SandboxFault fault : SandboxServer::allFaults())
        QTest::newRow(qPrintable(SandboxServer::faultName(fault))) << fault;
}

void TestSandboxFaults::switchedOffFaultRestoresFlow()
{
    QFETCH(SandboxFault, fault);
    m_sandbox->setFault(fault, true);
    QVERIFY(m_sandbox->isFaultOn(fault));
    m_sandbox->setFault(fault, false);
    QVERIFY(m_sandbox->activeFaults().isEmpty());

    const FlowResult login = runLogin(sandboxProfile());
    QVERIFY2(login.ok, qPrintable(login.message + QLatin1Char('\n') + traceText(*m_trace)));
    QCOMPARE(countKey(*m_trace, QStringLiteral("jwks")), 1);
    const FlowResult refreshed = wait([&] { m_flow->startRefresh(sandboxProfile(), QString(), login.tokens); });
    QVERIFY2(refreshed.ok, qPrintable(refreshed.message));
    const FlowResult info = wait([&] { m_flow->startUserInfo(sandboxProfile(), refreshed.tokens); });
    QVERIFY2(info.ok, qPrintable(info.message));
    QCOMPARE(countKey(*m_trace, QStringLiteral("sandbox-fault")), 0);
    QVERIFY(get(QStringLiteral("/jwks")).header("Date").isEmpty());
}

void TestSandboxFaults::backendCachesJwks()
{
    const QString token = passwordTokens().jsonString(QStringLiteral("access_token"));
    QVERIFY(!token.isEmpty());
    QCOMPARE(postGraphql(token).status, 200); // loads the keys if an earlier test did not
    const int fetches = m_sandbox->jwksFetchCount();
    const int introspections = m_sandbox->introspectionCallCount();
    m_trace->clear();
    const int requests = 5;
    for (int i = 0; i < requests; ++i) {
        const Reply reply = postGraphql(token);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("me")).toObject()
                     .value(QStringLiteral("email")).toString(),
                 SandboxServer::demoEmail());
    }
    QCOMPARE(m_sandbox->jwksFetchCount(), fetches);
    QCOMPARE(m_sandbox->introspectionCallCount(), introspections);
    QCOMPARE(countKey(*m_trace, QStringLiteral("backend-jwks-cache")), requests);
    QCOMPARE(countKey(*m_trace, QStringLiteral("backend-introspection")), 0);

    // A new sandbox shows the single fetch: one JWKS load for N requests.
    SandboxServer fresh;
    QString error;
    QVERIFY2(fresh.start(0, &error), qPrintable(error));
    QCOMPARE(fresh.jwksFetchCount(), 0);
    QNetworkRequest tokenRequest(QUrl(fresh.issuer() + QStringLiteral("/token")));
    tokenRequest.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    QNetworkReply *tokenReply = m_network.post(tokenRequest, formBody({{QStringLiteral("grant_type"), QStringLiteral("password")},
                                                                        {QStringLiteral("client_id"), SandboxServer::publicClientId()},
                                                                        {QStringLiteral("username"), SandboxServer::demoEmail()},
                                                                        {QStringLiteral("password"), SandboxServer::demoPassword()},
                                                                        {QStringLiteral("scope"), QStringLiteral("openid")}}));
    QSignalSpy tokenFinished(tokenReply, &QNetworkReply::finished);
    QVERIFY(tokenFinished.wait(10000));
    const QByteArray freshToken = QJsonDocument::fromJson(tokenReply->readAll()).object().value(QStringLiteral("access_token")).toString().toLatin1();
    tokenReply->deleteLater();
    QVERIFY(!freshToken.isEmpty());
    for (int i = 0; i < requests; ++i) {
        QNetworkRequest request(fresh.graphqlUrl());
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("Authorization", "Bearer " + freshToken);
        QNetworkReply *reply = m_network.post(request, QByteArrayLiteral(R"({"query":"{ me { sub } }"})"));
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        reply->deleteLater();
    }
    QCOMPARE(fresh.jwksFetchCount(), 1);
    QCOMPARE(fresh.introspectionCallCount(), 0);
}

void TestSandboxFaults::backendIntrospectsEveryRequest()
{
    const QString token = passwordTokens().jsonString(QStringLiteral("access_token"));
    QVERIFY(!token.isEmpty());
    m_sandbox->setBackendIntrospects(true);
    QVERIFY(m_sandbox->backendIntrospects());
    const int fetches = m_sandbox->jwksFetchCount();
    const int introspections = m_sandbox->introspectionCallCount();
    m_trace->clear();

    const int requests = 5;
    for (int i = 0; i < requests; ++i) {
        const Reply reply = postGraphql(token);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("me")).toObject()
                     .value(QStringLiteral("email")).toString(),
                 SandboxServer::demoEmail());
    }
    QCOMPARE(m_sandbox->introspectionCallCount(), introspections + requests);
    QCOMPARE(m_sandbox->jwksFetchCount(), fetches);
    QCOMPARE(countKey(*m_trace, QStringLiteral("backend-jwks-cache")), 0);
    QCOMPARE(countKey(*m_trace, QStringLiteral("backend-introspection")), requests);
    const TraceStep *step = findStep(*m_trace, QStringLiteral("backend-introspection"));
    QVERIFY(step);
    QCOMPARE(step->from, Trace::Backend);
    QCOMPARE(step->to, Trace::Provider);
    QCOMPARE(step->channel, Channel::Back);
    QCOMPARE(step->result, StepResult::Ok);
    QCOMPARE(step->request.method, QStringLiteral("POST"));
    QCOMPARE(step->request.url, m_sandbox->issuer() + QStringLiteral("/introspect"));
    QCOMPARE(step->response.status, 200);
    QVERIFY(step->durationMs >= 0);
    QVERIFY(step->startedAt.isValid());
    // The trace masks the bearer token and the client secret.
    QVERIFY(!m_trace->mask(QString::fromLatin1(step->request.body)).contains(token));
    QString authorization;
    for (const auto &[name, value] : step->request.headers) {
        if (name == QLatin1String("Authorization"))
            authorization = value;
    }
    QVERIFY(authorization.startsWith(QLatin1String("Basic ")));
    QVERIFY(!m_trace->mask(authorization).contains(authorization.sliced(6)));

    // A revoked token is inactive at once, which a JWKS-caching backend cannot see from the JWT.
    QCOMPARE(postForm(QStringLiteral("/revoke"), {{QStringLiteral("client_id"), SandboxServer::publicClientId()},
                                                  {QStringLiteral("token"), token}})
                 .status,
             200);
    const Reply revoked = postGraphql(token);
    QCOMPARE(revoked.status, 401);
    QVERIFY(revoked.header("WWW-Authenticate").contains("invalid_token"));

    // Without a token, no introspection call is made.
    const int before = m_sandbox->introspectionCallCount();
    QCOMPARE(send("POST", QStringLiteral("/graphql"), QByteArrayLiteral(R"({"query":"{ me { sub } }"})"),
                  {{"Content-Type", "application/json"}})
                 .status,
             401);
    QCOMPARE(m_sandbox->introspectionCallCount(), before);
}

void TestSandboxFaults::backendIntrospectionRejectsIdToken()
{
    const QString idToken = passwordTokens().jsonString(QStringLiteral("id_token"));
    QVERIFY(!idToken.isEmpty());
    QCOMPARE(postGraphql(idToken).status, 200); // the JWKS-checking backend accepts ID tokens
    m_sandbox->setBackendIntrospects(true);
    m_trace->clear();
    const Reply reply = postGraphql(idToken);
    QCOMPARE(reply.status, 401);
    const TraceStep *step = findStep(*m_trace, QStringLiteral("backend-introspection"));
    QVERIFY(step);
    QCOMPARE(step->result, StepResult::Failed);
    QVERIFY2(step->detail.contains(QLatin1String("inactive")), qPrintable(step->detail));
}

void TestSandboxFaults::backendJwksDown()
{
    // A backend that has no keys cached cannot check tokens while the JWKS is down.
    SandboxServer fresh;
    QString error;
    QVERIFY2(fresh.start(0, &error), qPrintable(error));
    Trace trace;
    fresh.setTrace(&trace);
    QNetworkRequest tokenRequest(QUrl(fresh.issuer() + QStringLiteral("/token")));
    tokenRequest.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    QNetworkReply *tokenReply = m_network.post(tokenRequest, formBody({{QStringLiteral("grant_type"), QStringLiteral("password")},
                                                                        {QStringLiteral("client_id"), SandboxServer::publicClientId()},
                                                                        {QStringLiteral("username"), SandboxServer::demoEmail()},
                                                                        {QStringLiteral("password"), SandboxServer::demoPassword()},
                                                                        {QStringLiteral("scope"), QStringLiteral("openid")}}));
    QSignalSpy tokenFinished(tokenReply, &QNetworkReply::finished);
    QVERIFY(tokenFinished.wait(10000));
    const QByteArray token = QJsonDocument::fromJson(tokenReply->readAll()).object().value(QStringLiteral("access_token")).toString().toLatin1();
    tokenReply->deleteLater();
    QVERIFY(!token.isEmpty());

    fresh.setFault(SandboxFault::JwksDown, true);
    QNetworkRequest request(fresh.graphqlUrl());
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Authorization", "Bearer " + token);
    QNetworkReply *reply = m_network.post(request, QByteArrayLiteral(R"({"query":"{ me { sub } }"})"));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 500);
    reply->deleteLater();
    QCOMPARE(fresh.jwksFetchCount(), 0);
    const TraceStep *fetch = findStep(trace, QStringLiteral("backend-keys"));
    QVERIFY(fetch);
    QCOMPARE(fetch->response.status, 503);
    QCOMPARE(fetch->result, StepResult::Failed);
    QCOMPARE(faultSteps(trace, SandboxFault::JwksDown), 1);
}

QTEST_MAIN(TestSandboxFaults)
#include "tst_sandboxfaults.moc"
