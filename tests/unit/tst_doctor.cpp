// The configuration doctor: pre-login rules, run rules over hand-built traces, provider presets
// with their discovery fixtures, the WWW-Authenticate parser, and the --check command against a
// discovery document served on 127.0.0.1.

#include "doctor/commandline.h"
#include "doctor/finding.h"
#include "doctor/presets.h"
#include "doctor/profilechecks.h"
#include "doctor/runchecks.h"
#include "http/graphqlrequest.h"
#include "jose/base64url.h"
#include "oidc/clientauth.h"
#include "oidc/formencoding.h"
#include "oidc/pkce.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace afx;
using namespace afx::doctor;

namespace {

const QString clientId = QStringLiteral("explorer-web");

QByteArray readFixture(const QString &presetId)
{
    QFile file(QStringLiteral(AFX_TEST_DATA_DIR "/discovery/") + presetId + QStringLiteral(".json"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open test data file %s", qPrintable(file.fileName()));
    return file.readAll();
}

QJsonObject genericDocument()
{
    return QJsonDocument::fromJson(readFixture(QStringLiteral("generic"))).object();
}

// A profile that passes every pre-login rule against the generic fixture.
Profile goodProfile()
{
    Profile profile;
    profile.id = QStringLiteral("doctor-test");
    profile.name = QStringLiteral("Doctor test");
    profile.issuer = QStringLiteral("https://login.example.com");
    profile.clientId = clientId;
    profile.redirectUri = QStringLiteral("http://127.0.0.1/callback");
    profile.browser = BrowserKind::System;
    return profile;
}

// Sets one profile field from text, so that rule rows can stay data.
void setField(Profile *profile, const QString &field, const QString &value)
{
    if (field == QLatin1String("issuer"))
        profile->issuer = value;
    else if (field == QLatin1String("discoveryUrl"))
        profile->discoveryUrl = QUrl(value);
    else if (field == QLatin1String("clientId"))
        profile->clientId = value;
    else if (field == QLatin1String("redirectUri"))
        profile->redirectUri = value;
    else if (field == QLatin1String("scopes"))
        profile->scopes = value.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    else if (field == QLatin1String("responseType"))
        profile->responseType = value;
    else if (field == QLatin1String("responseMode"))
        profile->responseMode = value;
    else if (field == QLatin1String("browser"))
        parseBrowserKind(value, &profile->browser);
    else if (field == QLatin1String("clientAuth"))
        parseClientAuthMethod(value, &profile->clientAuth);
    else if (field == QLatin1String("clientKeyFile"))
        profile->clientKeyFile = value;
    else if (field == QLatin1String("extraParam"))
        profile->extraAuthorizeParams = {{value.section(QLatin1Char('='), 0, 0), value.section(QLatin1Char('='), 1)}};
    else if (field == QLatin1String("pushedAuthorization"))
        profile->pushedAuthorization = value == QLatin1String("true");
    else if (field == QLatin1String("allowedAlgorithms"))
        profile->allowedAlgorithms = value.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    else if (!field.isEmpty())
        qFatal("unknown profile field %s", qPrintable(field));
}

QStringList ids(const QList<Finding> &findings)
{
    QStringList list;
    for (const Finding &finding : findings)
        list.append(finding.id);
    return list;
}

QString describe(const QList<Finding> &findings)
{
    QStringList lines;
    for (const Finding &finding : findings)
        lines.append(QStringLiteral("%1 %2 (step %3): %4").arg(severityName(finding.severity), finding.id).arg(finding.step).arg(finding.what));
    return lines.join(QLatin1Char('\n'));
}

std::optional<Finding> findingById(const QList<Finding> &findings, const QString &id)
{
    for (const Finding &finding : findings) {
        if (finding.id == id)
            return finding;
    }
    return std::nullopt;
}

QString base64Json(const QJsonObject &object)
{
    return QString::fromLatin1(jose::base64UrlEncode(QJsonDocument(object).toJson(QJsonDocument::Compact)));
}

// A compact JWS with a dummy signature: the doctor reads claims without verifying them.
QString makeJwt(const QJsonObject &claims, const QJsonObject &header = {{QStringLiteral("alg"), QStringLiteral("RS256")}})
{
    return base64Json(header) + QLatin1Char('.') + base64Json(claims) + QStringLiteral(".c2lnbmF0dXJl");
}

QString idToken()
{
    return makeJwt({{QStringLiteral("iss"), QStringLiteral("https://login.example.com")},
                    {QStringLiteral("aud"), clientId},
                    {QStringLiteral("sub"), QStringLiteral("user-1")},
                    {QStringLiteral("nonce"), QStringLiteral("bm9uY2UtMQ")},
                    {QStringLiteral("sid"), QStringLiteral("s-1")},
                    {QStringLiteral("iat"), 1700000000},
                    {QStringLiteral("exp"), 4100000000LL}});
}

QString accessToken()
{
    return makeJwt({{QStringLiteral("iss"), QStringLiteral("https://login.example.com")},
                    {QStringLiteral("aud"), QStringLiteral("https://api.example.com")},
                    {QStringLiteral("sub"), QStringLiteral("user-1")},
                    {QStringLiteral("scope"), QStringLiteral("openid profile")},
                    {QStringLiteral("iat"), 1700000000},
                    {QStringLiteral("exp"), 4100000000LL}},
                   {{QStringLiteral("alg"), QStringLiteral("RS256")}, {QStringLiteral("typ"), QStringLiteral("at+jwt")}});
}

const QDateTime runStart = QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC);
const QString loopbackRedirect = QStringLiteral("http://127.0.0.1:53219/callback");
const QByteArray verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

QString authorizeUrl(const QString &scope = QStringLiteral("openid profile email"))
{
    oidc::FormFields fields{{QStringLiteral("response_type"), QStringLiteral("code")},
                            {QStringLiteral("client_id"), clientId},
                            {QStringLiteral("redirect_uri"), loopbackRedirect},
                            {QStringLiteral("scope"), scope},
                            {QStringLiteral("state"), QStringLiteral("af0ifjsldkj")},
                            {QStringLiteral("code_challenge"), QString::fromLatin1(oidc::Pkce::challengeFor(verifier))},
                            {QStringLiteral("code_challenge_method"), QStringLiteral("S256")}};
    return QStringLiteral("https://login.example.com/authorize?") + QString::fromLatin1(oidc::formEncodeFields(fields));
}

int appendAuthorize(Trace *trace, const QString &url = authorizeUrl())
{
    TraceStep step;
    step.from = Trace::App;
    step.to = Trace::Browser;
    step.channel = Channel::Front;
    step.explanationKey = QStringLiteral("authorize-request");
    step.request.method = QStringLiteral("GET");
    step.request.url = url;
    step.startedAt = runStart;
    step.result = StepResult::Ok;
    return trace->append(step);
}

int appendCallback(Trace *trace, const QString &query, qint64 secondsAfterStart = 5)
{
    TraceStep step;
    step.from = Trace::Browser;
    step.to = Trace::App;
    step.channel = Channel::Front;
    step.explanationKey = query.contains(QLatin1String("error=")) ? QStringLiteral("callback-error") : QStringLiteral("callback");
    step.request.method = QStringLiteral("GET");
    step.request.url = loopbackRedirect + QLatin1Char('?') + query;
    step.startedAt = runStart.addSecs(secondsAfterStart);
    step.result = StepResult::Ok;
    return trace->append(step);
}

int appendTokenRequest(Trace *trace, const oidc::FormFields &fields, int status, const QJsonObject &response,
                       qint64 secondsAfterStart = 6, const QList<QPair<QString, QString>> &headers = {})
{
    TraceStep step;
    step.from = Trace::App;
    step.to = Trace::Provider;
    step.channel = Channel::Back;
    step.explanationKey = QStringLiteral("token-request");
    step.request.method = QStringLiteral("POST");
    step.request.url = QStringLiteral("https://login.example.com/token");
    step.request.headers = headers;
    step.request.body = oidc::formEncodeFields(fields);
    step.response.status = status;
    step.response.body = QJsonDocument(response).toJson(QJsonDocument::Compact);
    step.startedAt = runStart.addSecs(secondsAfterStart);
    step.result = status == 200 ? StepResult::Ok : StepResult::Failed;
    return trace->append(step);
}

oidc::FormFields codeExchange(const QString &code, const QString &redirect = loopbackRedirect, const QByteArray &codeVerifier = verifier)
{
    return {{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
            {QStringLiteral("code"), code},
            {QStringLiteral("redirect_uri"), redirect},
            {QStringLiteral("code_verifier"), QString::fromLatin1(codeVerifier)}};
}

int appendApiRequest(Trace *trace, const QString &token, int status, const QString &challenge)
{
    TraceStep step;
    step.from = Trace::App;
    step.to = Trace::Backend;
    step.channel = Channel::Back;
    step.explanationKey = QStringLiteral("api-request");
    step.request.method = QStringLiteral("POST");
    step.request.url = QStringLiteral("https://api.example.com/graphql");
    if (!token.isEmpty())
        step.request.headers = {{QStringLiteral("Authorization"), QStringLiteral("Bearer ") + token}};
    step.request.body = R"({"query":"{ me { sub } }"})";
    step.response.status = status;
    if (!challenge.isEmpty())
        step.response.headers = {{QStringLiteral("WWW-Authenticate"), challenge}};
    step.response.body = R"({"errors":[{"message":"Unauthorized"}]})";
    step.startedAt = runStart.addSecs(30);
    step.result = status == 200 ? StepResult::Ok : StepResult::Failed;
    return trace->append(step);
}

// Serves one discovery document on 127.0.0.1 at /.well-known/openid-configuration.
class DiscoveryServer {
public:
    DiscoveryServer()
    {
        m_port = m_server.listen(QHostAddress::LocalHost, 0);
        m_server.route(QStringLiteral("/.well-known/openid-configuration"), [this] {
            return QHttpServerResponse("application/json", QJsonDocument(document).toJson());
        });
        issuer = QStringLiteral("http://127.0.0.1:%1").arg(m_port);
        document = genericDocument();
        for (const QString &member : document.keys()) {
            const QJsonValue value = document.value(member);
            if (value.isString())
                document.insert(member, value.toString().replace(QStringLiteral("https://login.example.com"), issuer));
        }
    }
    bool isListening() const { return m_port != 0; }

    QString issuer;
    QJsonObject document;

private:
    QHttpServer m_server;
    quint16 m_port = 0;
};

} // namespace

class TestDoctor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Findings.
    void findingToJson();
    void errorFindingIds_data();
    void errorFindingIds();

    // Pre-login rules.
    void goodProfileHasNoFindings();
    void profileRule_data();
    void profileRule();
    void discoveryRule_data();
    void discoveryRule();
    void issuerTemplateAcceptsFilledTenant();
    void endSessionMissingWithKeptSession_data();
    void endSessionMissingWithKeptSession();
    void loopbackHosts_data();
    void loopbackHosts();

    // Run rules.
    void invalidGrantReusedCode();
    void invalidGrantRedirectMismatch();
    void invalidGrantVerifierMismatch();
    void invalidGrantOldCode();
    void invalidGrantWithoutEvidenceListsCauses();
    void refreshTokenRejected();
    void accessDeniedFromCallback();
    void everyErrorCodeMapped_data();
    void everyErrorCodeMapped();
    void devicePollingPendingReportedOnce();
    void accessTokenSentToIdTokenBackend();
    void idTokenSentToApiRejected();
    void idTokenAcceptedByApiWarns();
    void accessTokenWithoutAudienceIsNotJwt_data();
    void accessTokenWithoutAudienceIsNotJwt();
    void insufficientScopeNamesScope();
    void expiredAccessTokenAtBackend();
    void missingTokenAtBackend();
    void basicCredentialsFormEncodingSuggestsPost();
    void basicCredentialsPlainSecretNoEncodingHint();
    void providerErrorPageWithoutCallback();
    void providerErrorPageFollowedByCallback();
    void clockSkewAndUnknownKey();
    void scopeNarrowed();
    void scopeGrantedInFull();

    // WWW-Authenticate.
    void wwwAuthenticate_data();
    void wwwAuthenticate();
    void wwwAuthenticateHugeInput();

    // Presets.
    void presetsBuildValidProfiles_data();
    void presetsBuildValidProfiles();
    void presetFixturePassesOwnChecks_data();
    void presetFixturePassesOwnChecks();
    void presetBuildRejectsBadValues_data();
    void presetBuildRejectsBadValues();
    void presetQuirkTriggers();

    // Command line.
    void checkCommandExitCodes_data();
    void checkCommandExitCodes();
    void checkCommandJsonFormat();
    void checkCommandUnreachableDiscovery();
    void checkCommandBadFormat();
};

void TestDoctor::findingToJson()
{
    const Finding finding = makeFinding(Finding::Severity::Warning, QStringLiteral("redirect-uri-localhost"), QStringLiteral("T"),
                                        QStringLiteral("W"), QStringLiteral("Y"), QStringLiteral("F"), 3);
    const QJsonObject json = finding.toJson();
    QCOMPARE(json.value(QStringLiteral("severity")).toString(), QStringLiteral("warning"));
    QCOMPARE(json.value(QStringLiteral("id")).toString(), QStringLiteral("redirect-uri-localhost"));
    QCOMPARE(json.value(QStringLiteral("step")).toInt(), 3);
    QCOMPARE(json.value(QStringLiteral("what")).toString(), QStringLiteral("W"));
    QCOMPARE(json.value(QStringLiteral("why")).toString(), QStringLiteral("Y"));
    QCOMPARE(json.value(QStringLiteral("fix")).toString(), QStringLiteral("F"));
    QCOMPARE(severityName(Finding::Severity::Error), QStringLiteral("error"));
    QCOMPARE(severityName(Finding::Severity::Info), QStringLiteral("info"));
}

void TestDoctor::errorFindingIds_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("id");
    QTest::newRow("invalid_grant") << "invalid_grant" << "error-invalid-grant";
    QTest::newRow("account_selection_required") << "account_selection_required" << "error-account-selection-required";
    QTest::newRow("unknown code") << "redirect_uri_mismatch" << "error-other";
    QTest::newRow("upper case") << "INVALID_GRANT" << "error-other";
    QTest::newRow("empty") << "" << "error-other";
}

void TestDoctor::errorFindingIds()
{
    QFETCH(QString, code);
    QFETCH(QString, id);
    QCOMPARE(errorFindingId(code), id);
}

void TestDoctor::goodProfileHasNoFindings()
{
    const Profile profile = goodProfile();
    QVERIFY2(checkProfile(profile).isEmpty(), qPrintable(describe(checkProfile(profile))));
    oidc::ProviderMetadata metadata;
    QString error;
    QVERIFY2(oidc::ProviderMetadata::parse(readFixture(QStringLiteral("generic")), QUrl(QStringLiteral("https://login.example.com/.well-known/openid-configuration")),
                                           profile.issuer, &metadata, &error),
             qPrintable(error));
    const QList<Finding> findings = checkAgainstDiscovery(profile, metadata, metadata.json);
    QVERIFY2(findings.isEmpty(), qPrintable(describe(findings)));
}

void TestDoctor::profileRule_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("rule");
    QTest::addColumn<bool>("triggered");

    QTest::newRow("fragment in redirect URI") << "redirectUri" << "http://127.0.0.1/callback#top" << "redirect-uri-fragment" << true;
    QTest::newRow("redirect URI without fragment") << "redirectUri" << "http://127.0.0.1/callback" << "redirect-uri-fragment" << false;
    QTest::newRow("redirect URI missing") << "redirectUri" << "" << "redirect-uri-missing" << true;
    QTest::newRow("relative redirect URI") << "redirectUri" << "/callback" << "redirect-uri-not-absolute" << true;
    QTest::newRow("localhost redirect") << "redirectUri" << "http://localhost:8400/callback" << "redirect-uri-localhost" << true;
    QTest::newRow("IPv4 loopback redirect") << "redirectUri" << "http://127.0.0.1:8400/callback" << "redirect-uri-localhost" << false;
    QTest::newRow("IPv6 loopback redirect") << "redirectUri" << "http://[::1]:8400/callback" << "redirect-uri-not-loopback" << false;
    QTest::newRow("https loopback redirect") << "redirectUri" << "https://127.0.0.1/callback" << "redirect-uri-loopback-https" << true;
    QTest::newRow("system browser with custom scheme") << "redirectUri" << "com.example.app:/callback" << "redirect-uri-not-loopback" << true;
    QTest::newRow("http on a network host") << "redirectUri" << "http://app.example.com/callback" << "redirect-uri-http" << true;
    QTest::newRow("http on loopback") << "redirectUri" << "http://127.0.0.1/callback" << "redirect-uri-http" << false;
    QTest::newRow("scheme without dot") << "redirectUri" << "myapp:/callback" << "redirect-uri-custom-scheme" << true;
    QTest::newRow("reverse domain scheme") << "redirectUri" << "com.example.app:/callback" << "redirect-uri-custom-scheme" << false;
    QTest::newRow("openid missing") << "scopes" << "profile email" << "scope-openid-missing" << true;
    QTest::newRow("openid present") << "scopes" << "openid email" << "scope-openid-missing" << false;
    QTest::newRow("http issuer on network host") << "issuer" << "http://login.example.com" << "issuer-http" << true;
    QTest::newRow("http issuer on loopback") << "issuer" << "http://127.0.0.1:9000" << "issuer-http" << false;
    QTest::newRow("http discovery URL") << "discoveryUrl" << "http://login.example.com/.well-known/openid-configuration" << "issuer-http" << true;
    QTest::newRow("issuer with query") << "issuer" << "https://login.example.com?tenant=1" << "issuer-invalid" << true;
    QTest::newRow("issuer missing") << "issuer" << "" << "issuer-missing" << true;
    QTest::newRow("client id missing") << "clientId" << "" << "client-id-missing" << true;
    QTest::newRow("private_key_jwt without key") << "clientAuth" << "private_key_jwt" << "client-key-missing" << true;
    QTest::newRow("invalid response type") << "responseType" << "code code2" << "response-type-invalid" << true;
    QTest::newRow("implicit response type") << "responseType" << "id_token token" << "response-type-implicit" << true;
    QTest::newRow("hybrid response type") << "responseType" << "code id_token" << "response-type-implicit" << false;
    QTest::newRow("invalid response mode") << "responseMode" << "web_message" << "response-mode-invalid" << true;
    QTest::newRow("extra param set by app") << "extraParam" << "state=abc" << "extra-param-ignored" << true;
    QTest::newRow("extra param of the user") << "extraParam" << "prompt=login" << "extra-param-ignored" << false;
}

void TestDoctor::profileRule()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(QString, rule);
    QFETCH(bool, triggered);

    Profile profile = goodProfile();
    setField(&profile, field, value);
    const QList<Finding> findings = checkProfile(profile);
    QVERIFY2(containsFinding(findings, rule) == triggered, qPrintable(describe(findings)));
    if (triggered) {
        const Finding finding = *findingById(findings, rule);
        QVERIFY(!finding.title.isEmpty());
        QVERIFY(!finding.what.isEmpty());
        QVERIFY(!finding.why.isEmpty());
        QVERIFY(!finding.fix.isEmpty());
        QCOMPARE(finding.step, -1);
    }
}

void TestDoctor::discoveryRule_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("member");
    QTest::addColumn<QString>("memberJson"); // JSON value; empty removes the member
    QTest::addColumn<QString>("rule");
    QTest::addColumn<bool>("triggered");

    QTest::newRow("issuer differs") << "issuer" << "https://other.example.com" << "" << "" << "issuer-mismatch" << true;
    QTest::newRow("profile issuer with slash") << "issuer" << "https://login.example.com/" << "" << "" << "issuer-trailing-slash" << true;
    QTest::newRow("document issuer with slash") << "" << "" << "issuer" << R"("https://login.example.com/")" << "issuer-trailing-slash" << true;
    QTest::newRow("issuer equal") << "" << "" << "" << "" << "issuer-trailing-slash" << false;
    QTest::newRow("tenant template") << "issuer" << "" << "issuer" << R"("https://login.microsoftonline.com/{tenantid}/v2.0")" << "issuer-tenant-template" << true;
    QTest::newRow("http issuer in document") << "issuer" << "" << "issuer" << R"("http://login.example.com")" << "issuer-http" << true;
    QTest::newRow("response type not offered") << "responseType" << "code id_token" << "" << "" << "response-type-unsupported" << true;
    QTest::newRow("response type order ignored") << "" << "" << "response_types_supported" << R"(["id_token code", "code"])" << "response-type-unsupported" << false;
    QTest::newRow("response types not advertised") << "responseType" << "code id_token" << "response_types_supported" << "" << "response-type-unsupported" << false;
    QTest::newRow("response mode not offered") << "responseMode" << "form_post" << "response_modes_supported" << R"(["query"])" << "response-mode-unsupported" << true;
    QTest::newRow("response mode offered") << "responseMode" << "form_post" << "" << "" << "response-mode-unsupported" << false;
    QTest::newRow("authorization_code not offered") << "" << "" << "grant_types_supported" << R"(["implicit"])" << "grant-type-unsupported" << true;
    QTest::newRow("grant types not advertised") << "" << "" << "grant_types_supported" << "" << "grant-type-unsupported" << false;
    QTest::newRow("PKCE plain only") << "" << "" << "code_challenge_methods_supported" << R"(["plain"])" << "pkce-s256-unsupported" << true;
    QTest::newRow("PKCE S256 offered") << "" << "" << "code_challenge_methods_supported" << R"(["plain","S256"])" << "pkce-s256-unsupported" << false;
    QTest::newRow("PKCE not advertised") << "" << "" << "code_challenge_methods_supported" << "" << "pkce-s256-unsupported" << false;
    QTest::newRow("auth method not offered") << "clientAuth" << "client_secret_jwt" << "" << "" << "token-auth-method-unsupported" << true;
    QTest::newRow("auth method offered") << "clientAuth" << "client_secret_post" << "" << "" << "token-auth-method-unsupported" << false;
    QTest::newRow("public client not listed") << "" << "" << "token_endpoint_auth_methods_supported" << R"(["client_secret_basic"])" << "token-auth-none-not-listed" << true;
    QTest::newRow("OIDC scope not offered") << "scopes" << "openid phone" << "" << "" << "scope-unsupported" << true;
    QTest::newRow("API scope not listed") << "scopes" << "openid orders:read" << "" << "" << "scope-not-listed" << true;
    QTest::newRow("scopes offered") << "scopes" << "openid profile" << "" << "" << "scope-unsupported" << false;
    QTest::newRow("scopes not advertised") << "scopes" << "openid phone" << "scopes_supported" << "" << "scope-unsupported" << false;
    QTest::newRow("no algorithm in common") << "allowedAlgorithms" << "PS256" << "" << "" << "id-token-alg-not-allowed" << true;
    QTest::newRow("algorithm in common") << "allowedAlgorithms" << "ES256" << "" << "" << "id-token-alg-not-allowed" << false;
    QTest::newRow("no logout endpoint") << "" << "" << "end_session_endpoint" << "" << "end-session-missing" << true;
    QTest::newRow("logout endpoint") << "" << "" << "" << "" << "end-session-missing" << false;
    QTest::newRow("PAR required but off") << "pushedAuthorization" << "false" << "require_pushed_authorization_requests" << "true" << "par-required" << true;
    QTest::newRow("PAR required and on") << "pushedAuthorization" << "true" << "require_pushed_authorization_requests" << "true" << "par-required" << false;
    QTest::newRow("PAR off, not required") << "pushedAuthorization" << "false" << "require_pushed_authorization_requests" << "false" << "par-required" << false;
}

void TestDoctor::discoveryRule()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(QString, member);
    QFETCH(QString, memberJson);
    QFETCH(QString, rule);
    QFETCH(bool, triggered);

    Profile profile = goodProfile();
    setField(&profile, field, value);
    QJsonObject document = genericDocument();
    if (!member.isEmpty()) {
        if (memberJson.isEmpty()) {
            document.remove(member);
        } else {
            const QJsonDocument parsed = QJsonDocument::fromJson("[" + memberJson.toUtf8() + "]");
            QVERIFY(parsed.isArray());
            document.insert(member, parsed.array().first());
        }
    }
    oidc::ProviderMetadata metadata;
    QString error;
    QVERIFY2(oidc::ProviderMetadata::parse(QJsonDocument(document).toJson(), QUrl(QStringLiteral("https://login.example.com/.well-known/openid-configuration")),
                                           QString(), &metadata, &error),
             qPrintable(error));
    const QList<Finding> findings = checkAgainstDiscovery(profile, metadata, document);
    QVERIFY2(containsFinding(findings, rule) == triggered, qPrintable(describe(findings)));
}

void TestDoctor::endSessionMissingWithKeptSession_data()
{
    QTest::addColumn<int>("browser");
    QTest::addColumn<bool>("keepSession");
    QTest::addColumn<bool>("hasEndpoint");
    QTest::addColumn<QString>("severity"); // empty: no end-session-missing finding

    QTest::newRow("embedded, session kept") << int(BrowserKind::Embedded) << true << false << "warning";
    QTest::newRow("embedded, session in memory") << int(BrowserKind::Embedded) << false << false << "info";
    // The setting keeps the embedded browser's cookies only; the system browser ignores it.
    QTest::newRow("system browser, session kept") << int(BrowserKind::System) << true << false << "info";
    QTest::newRow("embedded, session kept, endpoint") << int(BrowserKind::Embedded) << true << true << "";
}

void TestDoctor::endSessionMissingWithKeptSession()
{
    QFETCH(int, browser);
    QFETCH(bool, keepSession);
    QFETCH(bool, hasEndpoint);
    QFETCH(QString, severity);

    Profile profile = goodProfile();
    profile.browser = BrowserKind(browser);
    profile.keepBrowserSession = keepSession;
    QJsonObject document = genericDocument();
    if (!hasEndpoint)
        document.remove(QStringLiteral("end_session_endpoint"));
    QVERIFY(hasEndpoint == document.contains(QStringLiteral("end_session_endpoint"))); // the fixture has one
    oidc::ProviderMetadata metadata;
    QString error;
    QVERIFY2(oidc::ProviderMetadata::parse(QJsonDocument(document).toJson(),
                                           QUrl(QStringLiteral("https://login.example.com/.well-known/openid-configuration")),
                                           QString(), &metadata, &error),
             qPrintable(error));

    const QList<Finding> findings = checkAgainstDiscovery(profile, metadata, document);
    const auto finding = findingById(findings, QStringLiteral("end-session-missing"));
    if (severity.isEmpty()) {
        QVERIFY2(!finding, qPrintable(describe(findings)));
        return;
    }
    QVERIFY2(finding, qPrintable(describe(findings)));
    QCOMPARE(severityName(finding->severity), severity);
    if (severity == QLatin1String("warning")) {
        // The warning explains why the kept session matters and names the setting to change.
        QVERIFY2(finding->what.contains(QLatin1String("keepBrowserSession")), qPrintable(finding->what));
        QVERIFY2(finding->why.contains(QLatin1String("after a restart")), qPrintable(finding->why));
        QVERIFY2(finding->fix.contains(QLatin1String("Keep the login session between runs")), qPrintable(finding->fix));
    } else {
        QVERIFY2(!finding->why.contains(QLatin1String("after a restart")), qPrintable(finding->why));
    }
}

void TestDoctor::issuerTemplateAcceptsFilledTenant()
{
    Profile profile = goodProfile();
    profile.issuer = QStringLiteral("https://login.microsoftonline.com/2f1c3c7e-5d1a-4b8e-9a55-0c6e2f3d4b1a/v2.0");
    QJsonObject document = genericDocument();
    document.insert(QStringLiteral("issuer"), QStringLiteral("https://login.microsoftonline.com/{tenantid}/v2.0"));
    oidc::ProviderMetadata metadata;
    metadata.issuer = document.value(QStringLiteral("issuer")).toString();
    QList<Finding> findings = checkAgainstDiscovery(profile, metadata, document);
    QVERIFY(containsFinding(findings, QStringLiteral("issuer-tenant-template")));
    QVERIFY2(!containsFinding(findings, QStringLiteral("issuer-mismatch")), qPrintable(describe(findings)));

    profile.issuer = QStringLiteral("https://login.microsoftonline.com/2f1c3c7e/v1.0");
    findings = checkAgainstDiscovery(profile, metadata, document);
    QVERIFY2(containsFinding(findings, QStringLiteral("issuer-mismatch")), qPrintable(describe(findings)));
}

void TestDoctor::loopbackHosts_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("loopback");
    QTest::newRow("127.0.0.1") << "127.0.0.1" << true;
    QTest::newRow("127.0.0.2") << "127.0.0.2" << true;
    QTest::newRow("::1") << "::1" << true;
    QTest::newRow("[::1]") << "[::1]" << true;
    QTest::newRow("LOCALHOST") << "LOCALHOST" << true;
    QTest::newRow("network host") << "login.example.com" << false;
    QTest::newRow("private address") << "10.0.0.1" << false;
    QTest::newRow("localhost lookalike") << "localhost.example.com" << false;
    QTest::newRow("empty") << "" << false;
}

void TestDoctor::loopbackHosts()
{
    QFETCH(QString, host);
    QFETCH(bool, loopback);
    QCOMPARE(isLoopbackHost(host), loopback);
}

void TestDoctor::invalidGrantReusedCode()
{
    Trace trace;
    appendAuthorize(&trace);
    appendCallback(&trace, QStringLiteral("code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj"));
    const int first = appendTokenRequest(&trace, codeExchange(QStringLiteral("SplxlOBeZQQYbYS6WxSbIA")), 200,
                                         {{QStringLiteral("access_token"), accessToken()}, {QStringLiteral("id_token"), idToken()}});
    const int second = appendTokenRequest(&trace, codeExchange(QStringLiteral("SplxlOBeZQQYbYS6WxSbIA")), 400,
                                          {{QStringLiteral("error"), QStringLiteral("invalid_grant")}}, 8);

    const QList<Finding> findings = checkRun(trace, FlowResult(), goodProfile());
    const auto reused = findingById(findings, QStringLiteral("invalid-grant-code-reused"));
    QVERIFY2(reused, qPrintable(describe(findings)));
    QCOMPARE(reused->step, second);
    QCOMPARE(reused->severity, Finding::Severity::Error);
    QVERIFY2(reused->what.contains(QString::number(first)), qPrintable(reused->what));
    QVERIFY(!containsFinding(findings, QStringLiteral("invalid-grant-redirect-mismatch")));
    QVERIFY(!containsFinding(findings, QStringLiteral("invalid-grant-pkce-mismatch")));
    QVERIFY(!containsFinding(findings, QStringLiteral("invalid-grant-code-expired")));
    // The code is a secret: findings name steps, not the value.
    QVERIFY(!reused->what.contains(QLatin1String("SplxlOBeZQQYbYS6WxSbIA")));
}

void TestDoctor::invalidGrantRedirectMismatch()
{
    Trace trace;
    const int authorize = appendAuthorize(&trace);
    appendCallback(&trace, QStringLiteral("code=abc123&state=af0ifjsldkj"));
    // The listener's port never reached the token request.
    const int token = appendTokenRequest(&trace, codeExchange(QStringLiteral("abc123"), QStringLiteral("http://127.0.0.1/callback")), 400,
                                         {{QStringLiteral("error"), QStringLiteral("invalid_grant")},
                                          {QStringLiteral("error_description"), QStringLiteral("redirect_uri mismatch")}});

    const QList<Finding> findings = checkRun(trace, FlowResult(), goodProfile());
    const auto mismatch = findingById(findings, QStringLiteral("invalid-grant-redirect-mismatch"));
    QVERIFY2(mismatch, qPrintable(describe(findings)));
    QCOMPARE(mismatch->step, token);
    QVERIFY(mismatch->what.contains(loopbackRedirect));
    QVERIFY(mismatch->what.contains(QLatin1String("http://127.0.0.1/callback")));
    QVERIFY(mismatch->what.contains(QString::number(authorize)));
    QVERIFY(mismatch->why.contains(QLatin1String("4.1.3")));
    QVERIFY(!containsFinding(findings, QStringLiteral("invalid-grant-code-reused")));
    QVERIFY(!containsFinding(findings, QStringLiteral("error-invalid-grant")));
}

void TestDoctor::invalidGrantVerifierMismatch()
{
    Trace trace;
    appendAuthorize(&trace);
    appendCallback(&trace, QStringLiteral("code=abc123&state=af0ifjsldkj"));
    appendTokenRequest(&trace, codeExchange(QStringLiteral("abc123"), loopbackRedirect, "another-verifier-another-verifier-another-v"), 400,
                       {{QStringLiteral("error"), QStringLiteral("invalid_grant")}});
    const QList<Finding> findings = checkRun(trace, FlowResult(), goodProfile());
    QVERIFY2(containsFinding(findings, QStringLiteral("invalid-grant-pkce-mismatch")), qPrintable(describe(findings)));
    QVERIFY(!containsFinding(findings, QStringLiteral("invalid-grant-redirect-mismatch")));
}

void TestDoctor::invalidGrantOldCode()
{
    Trace trace;
    appendAuthorize(&trace);
    appendCallback(&trace, QStringLiteral("code=abc123&state=af0ifjsldkj"), 5);
    const int token = appendTokenRequest(&trace, codeExchange(QStringLiteral("abc123")), 400,
                                         {{QStringLiteral("error"), QStringLiteral("invalid_grant")}}, 305);
    const QList<Finding> findings = checkRun(trace, FlowResult(), goodProfile());
    const auto expired = findingById(findings, QStringLiteral("invalid-grant-code-expired"));
    QVERIFY2(expired, qPrintable(describe(findings)));
    QCOMPARE(expired->step, token);
    QVERIFY2(expired->what.contains(QLatin1String("300 seconds")), qPrintable(expired->what));
}

void TestDoctor::invalidGrantWithoutEvidenceListsCauses()
{
    Trace trace;
    appendAuthorize(&trace);
    appendCallback(&trace, QStringLiteral("code=abc123&state=af0ifjsldkj"));
    const int token = appendTokenRequest(&trace, codeExchange(QStringLiteral("abc123")), 400, {{QStringLiteral("error"), QStringLiteral("invalid_grant")}});
    const QList<Finding> findings = checkRun(trace, FlowResult(), goodProfile());
    const auto generic = findingById(findings, QStringLiteral("error-invalid-grant"));
    QVERIFY2(generic, qPrintable(describe(findings)));
    QCOMPARE(generic->step, token);
    // The run shows the same redirect_uri, a matching verifier and a fresh code, so those
    // causes are left out; another client remains.
    QVERIFY2(!generic->fix.contains(QLatin1String("redirect_uri differs")), qPrintable(generic->fix));
    QVERIFY(!generic->fix.contains(QLatin1String("code_verifier does not match")));
    QVERIFY(!generic->fix.contains(QLatin1String("the code expired")));
    QVERIFY(generic->fix.contains(QLatin1String("another client")));
}

void TestDoctor::refreshTokenRejected()
{
    Trace trace;
    const int step = appendTokenRequest(&trace, {{QStringLiteral("grant_type"), QStringLiteral("refresh_token")}, {QStringLiteral("refresh_token"), QStringLiteral("rt-1")}},
                                        400, {{QStringLiteral("error"), QStringLiteral("invalid_grant")}});
    const QList<Finding> findings = checkRun(trace, FlowResult(), goodProfile());
    const auto rejected = findingById(findings, QStringLiteral("refresh-token-rejected"));
    QVERIFY2(rejected, qPrintable(describe(findings)));
    QCOMPARE(rejected->step, step);
}

void TestDoctor::accessDeniedFromCallback()
{
    Trace trace;
    appendAuthorize(&trace);
    const int callback = appendCallback(&trace, QStringLiteral("error=access_denied&error_description=User%20cancelled%20the%20login&state=af0ifjsldkj"));
    const QList<Finding> findings = checkRun(trace, FlowResult(), goodProfile());
    const auto denied = findingById(findings, QStringLiteral("error-access-denied"));
    QVERIFY2(denied, qPrintable(describe(findings)));
    QCOMPARE(denied->step, callback);
    QCOMPARE(denied->severity, Finding::Severity::Error);
    QVERIFY2(denied->what.contains(QLatin1String("User cancelled the login")), qPrintable(denied->what));
    QVERIFY(denied->why.contains(QLatin1String("4.1.2.1")));
    QVERIFY(denied->fix.contains(QLatin1String("cancelled")));
}

void TestDoctor::everyErrorCodeMapped_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<bool>("fromCallback");
    QTest::addColumn<int>("severity");
    const auto error = int(Finding::Severity::Error);
    const auto info = int(Finding::Severity::Info);
    QTest::newRow("invalid_request") << "invalid_request" << true << error;
    QTest::newRow("invalid_client") << "invalid_client" << false << error;
    QTest::newRow("unauthorized_client") << "unauthorized_client" << true << error;
    QTest::newRow("unsupported_grant_type") << "unsupported_grant_type" << false << error;
    QTest::newRow("unsupported_response_type") << "unsupported_response_type" << true << error;
    QTest::newRow("invalid_scope") << "invalid_scope" << true << error;
    QTest::newRow("access_denied") << "access_denied" << true << error;
    QTest::newRow("login_required") << "login_required" << true << error;
    QTest::newRow("consent_required") << "consent_required" << true << error;
    QTest::newRow("interaction_required") << "interaction_required" << true << error;
    QTest::newRow("account_selection_required") << "account_selection_required" << true << error;
    QTest::newRow("invalid_request_uri") << "invalid_request_uri" << true << error;
    QTest::newRow("invalid_dpop_proof") << "invalid_dpop_proof" << false << error;
    QTest::newRow("authorization_pending") << "authorization_pending" << false << info;
    QTest::newRow("slow_down") << "slow_down" << false << info;
    QTest::newRow("expired_token") << "expired_token" << false << error;
    QTest::newRow("unknown code") << "temporarily_unavailable_x" << false << error;
}

void TestDoctor::everyErrorCodeMapped()
{
    QFETCH(QString, code);
    QFETCH(bool, fromCallback);
    QFETCH(int, severity);

    Trace trace;
    int step = -1;
    if (fromCallback) {
        appendAuthorize(&trace);
        step = appendCallback(&trace, QStringLiteral("error=%1&state=af0ifjsldkj").arg(code));
    } else {
        step = appendTokenRequest(&trace, {{QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:device_code")}}, 400,
                                  {{QStringLiteral("error"), code}});
    }
    const QList<Finding> findings = checkRun(trace, FlowResult(), goodProfile());
    const auto finding = findingById(findings, errorFindingId(code));
    QVERIFY2(finding, qPrintable(describe(findings)));
    QCOMPARE(finding->step, step);
    QCOMPARE(int(finding->severity), severity);
    QVERIFY(finding->what.contains(code));
    QVERIFY(!finding->why.isEmpty());
    QVERIFY(finding->fix.startsWith(QLatin1String("Likely causes")));
}

void TestDoctor::devicePollingPendingReportedOnce()
{
    Trace trace;
    for (int i = 0; i < 3; ++i) {
        TraceStep step;
        step.from = Trace::App;
        step.to = Trace::Provider;
        step.channel = Channel::Back;
        step.explanationKey = QStringLiteral("device-token-poll");
        step.request.body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code";
        step.response.status = 400;
        step.response.body = R"({"error":"authorization_pending"})";
        trace.append(step);
    }
    const QList<Finding> findings = checkRun(trace, FlowResult(), goodProfile());
    QCOMPARE(ids(findings).count(QStringLiteral("error-authorization-pending")), 1);
    QVERIFY(!hasErrors(findings));
}

// The backend compares aud with the client ID, so it takes the ID token; the user sent the
// access token, whose aud is an API.
void TestDoctor::accessTokenSentToIdTokenBackend()
{
    Trace trace;
    FlowResult result;
    result.ok = true;
    result.tokens.accessToken = accessToken();
    result.tokens.idToken = idToken();
    const int api = appendApiRequest(&trace, result.tokens.accessToken, 401,
                                     QStringLiteral("Bearer realm=\"backend\", error=\"invalid_token\", error_description=\"aud "
                                                    "\\\"https://api.example.com\\\" is not the expected audience explorer-web\""));
    const QList<Finding> findings = checkRun(trace, result, goodProfile());
    const auto wantsId = findingById(findings, QStringLiteral("backend-wants-id-token"));
    QVERIFY2(wantsId, qPrintable(describe(findings)));
    QCOMPARE(wantsId->step, api);
    QCOMPARE(wantsId->severity, Finding::Severity::Error);
    QVERIFY(wantsId->what.contains(QLatin1String("https://api.example.com")));
    QVERIFY(wantsId->what.contains(QLatin1String("invalid_token")));
    QVERIFY(wantsId->why.contains(QLatin1String("who the user is")));
    QVERIFY(wantsId->why.contains(QLatin1String("what the bearer may do")));
    QVERIFY(wantsId->fix.contains(QLatin1String("Send the ID token")));
    QVERIFY(!containsFinding(findings, QStringLiteral("backend-wants-access-token")));
    // Tokens are secrets: no finding repeats one.
    for (const Finding &finding : findings)
        QVERIFY(!finding.what.contains(result.tokens.accessToken));

    // The same backend rule of the preset fires on the same run.
    const std::optional<Preset> preset = presetById(QStringLiteral("id-token-backend"));
    QVERIFY(preset);
    const Profile profile = goodProfile();
    CheckContext context;
    context.profile = &profile;
    context.trace = &trace;
    context.result = &result;
    QVERIFY(containsFinding(checkQuirks(*preset, context), QStringLiteral("id-token-backend-send-id-token")));
}

// The ID token is for the client; an API that checks its own audience rejects it.
void TestDoctor::idTokenSentToApiRejected()
{
    Trace trace;
    // No token set: the token is recognized by its claims (aud is the client ID, nonce, sid, no scope).
    const int api = appendApiRequest(&trace, idToken(), 401, QStringLiteral("Bearer error=\"invalid_token\", error_description=\"bad audience\""));
    const QList<Finding> findings = checkRun(trace, FlowResult(), goodProfile());
    const auto wantsAccess = findingById(findings, QStringLiteral("backend-wants-access-token"));
    QVERIFY2(wantsAccess, qPrintable(describe(findings)));
    QCOMPARE(wantsAccess->step, api);
    QVERIFY(wantsAccess->what.contains(clientId));
    QVERIFY(wantsAccess->fix.contains(QLatin1String("audience")));
    QVERIFY(wantsAccess->fix.contains(QLatin1String("Do not loosen")));
}

// An API that accepts the ID token only works because its audience check was set to the
// client ID: the doctor warns even on success.
void TestDoctor::idTokenAcceptedByApiWarns()
{
    Trace trace;
    const int api = appendApiRequest(&trace, idToken(), 200, QString());
    const QList<Finding> findings = checkRun(trace, FlowResult(), goodProfile());
    const auto warning = findingById(findings, QStringLiteral("bearer-is-id-token"));
    QVERIFY2(warning, qPrintable(describe(findings)));
    QCOMPARE(warning->severity, Finding::Severity::Warning);
    QCOMPARE(warning->step, api);
    QVERIFY(warning->why.contains(QLatin1String("RFC 9068")));

    Trace withAccessToken;
    appendApiRequest(&withAccessToken, accessToken(), 200, QString());
    QVERIFY(checkRun(withAccessToken, FlowResult(), goodProfile()).isEmpty());
}

// Without an audience Auth0 issues an access token only for /userinfo: a JWE on newer tenants,
// an opaque string on older ones. The API cannot verify either.
void TestDoctor::accessTokenWithoutAudienceIsNotJwt_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("shape");
    const QString jweHeader = base64Json({{QStringLiteral("alg"), QStringLiteral("dir")},
                                          {QStringLiteral("enc"), QStringLiteral("A256GCM")},
                                          {QStringLiteral("iss"), QStringLiteral("https://example-tenant.us.auth0.com/")}});
    QTest::newRow("encrypted JWE") << jweHeader + QStringLiteral("..cTF3MmUzcjR0NXk2dTdpOA.Y2lwaGVydGV4dA.dGFnLXRhZy10YWc") << "JWE";
    QTest::newRow("opaque string") << "v9xKjqcpmgPg4esf9PMDX9T5MEjhAIxs" << "opaque";
}

void TestDoctor::accessTokenWithoutAudienceIsNotJwt()
{
    QFETCH(QString, token);
    QFETCH(QString, shape);

    Trace trace;
    FlowResult result;
    result.tokens.accessToken = token;
    result.tokens.idToken = idToken();
    const int api = appendApiRequest(&trace, token, 401, QStringLiteral("Bearer error=\"invalid_token\""));
    Profile profile = goodProfile();
    profile.issuer = QStringLiteral("https://example-tenant.us.auth0.com/");
    const QList<Finding> findings = checkRun(trace, result, profile);
    const auto notJwt = findingById(findings, QStringLiteral("access-token-not-jwt"));
    QVERIFY2(notJwt, qPrintable(describe(findings)));
    QCOMPARE(notJwt->step, api);
    QVERIFY2(notJwt->what.contains(shape), qPrintable(notJwt->what));
    QVERIFY(notJwt->what.contains(QLatin1String("no audience")));
    QVERIFY(notJwt->fix.contains(QLatin1String("audience")));
    // The usual workaround is named as wrong.
    QVERIFY(notJwt->fix.contains(QLatin1String("Do not send the ID token")));
    QVERIFY(!containsFinding(findings, QStringLiteral("backend-wants-id-token")));
}

void TestDoctor::insufficientScopeNamesScope()
{
    Trace trace;
    appendApiRequest(&trace, accessToken(), 403, QStringLiteral("Bearer error=\"insufficient_scope\", scope=\"orders:read\""));
    const QList<Finding> findings = checkRun(trace, FlowResult(), goodProfile());
    const auto scope = findingById(findings, QStringLiteral("backend-insufficient-scope"));
    QVERIFY2(scope, qPrintable(describe(findings)));
    QVERIFY(scope->fix.contains(QLatin1String("orders:read")));
}

void TestDoctor::expiredAccessTokenAtBackend()
{
    const QString expired = makeJwt({{QStringLiteral("aud"), QStringLiteral("https://api.example.com")},
                                     {QStringLiteral("scope"), QStringLiteral("openid")},
                                     {QStringLiteral("exp"), 1600000000}});
    Trace trace;
    appendApiRequest(&trace, expired, 401, QStringLiteral("Bearer error=\"invalid_token\", error_description=\"jwt expired\""));
    const QList<Finding> findings = checkRun(trace, FlowResult(), goodProfile());
    QVERIFY2(containsFinding(findings, QStringLiteral("backend-token-expired")), qPrintable(describe(findings)));
}

void TestDoctor::missingTokenAtBackend()
{
    Trace trace;
    appendApiRequest(&trace, QString(), 401, QStringLiteral("Bearer realm=\"api\""));
    const QList<Finding> findings = checkRun(trace, FlowResult(), goodProfile());
    QVERIFY2(containsFinding(findings, QStringLiteral("backend-no-token")), qPrintable(describe(findings)));
}

// client_secret_basic form-encodes id and secret before Base64; some servers skip the
// decoding, so a secret with '+', '/', '=' or ':' fails there. The doctor then suggests
// client_secret_post, without showing the secret.
void TestDoctor::basicCredentialsFormEncodingSuggestsPost()
{
    const QString secret = QStringLiteral("7Fjfp0ZBr1KtDRbnfVdmIw+/q=:x");
    const QByteArray header = oidc::basicAuthorization(QStringLiteral("s6BhdRkqt3"), secret);
    QCOMPARE(header, QByteArrayLiteral("Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3JTJCJTJGcSUzRCUzQXg="));
    Trace trace;
    const int token = appendTokenRequest(&trace, codeExchange(QStringLiteral("abc123")), 401,
                                         {{QStringLiteral("error"), QStringLiteral("invalid_client")}}, 6,
                                         {{QStringLiteral("Authorization"), QString::fromLatin1(header)}});
    Profile profile = goodProfile();
    profile.clientAuth = ClientAuthMethod::ClientSecretBasic;
    const QList<Finding> findings = checkRun(trace, FlowResult(), profile);
    const auto encoding = findingById(findings, QStringLiteral("invalid-client-basic-encoding"));
    QVERIFY2(encoding, qPrintable(describe(findings)));
    QCOMPARE(encoding->step, token);
    QVERIFY(encoding->fix.contains(QLatin1String("client_secret_post")));
    QVERIFY(encoding->why.contains(QLatin1String("2.3.1")));
    for (const Finding &finding : findings) {
        QVERIFY(!finding.what.contains(secret));
        QVERIFY(!finding.fix.contains(secret));
        QVERIFY(!finding.what.contains(QLatin1String("7Fjfp0ZBr1KtDRbnfVdmIw")));
    }
}

void TestDoctor::basicCredentialsPlainSecretNoEncodingHint()
{
    Trace trace;
    appendTokenRequest(&trace, codeExchange(QStringLiteral("abc123")), 401, {{QStringLiteral("error"), QStringLiteral("invalid_client")}}, 6,
                       {{QStringLiteral("Authorization"), QString::fromLatin1(oidc::basicAuthorization(QStringLiteral("s6BhdRkqt3"), QStringLiteral("plainSecret0123")))}});
    Profile profile = goodProfile();
    profile.clientAuth = ClientAuthMethod::ClientSecretBasic;
    const QList<Finding> findings = checkRun(trace, FlowResult(), profile);
    QVERIFY2(!containsFinding(findings, QStringLiteral("invalid-client-basic-encoding")), qPrintable(describe(findings)));
    QVERIFY(containsFinding(findings, QStringLiteral("error-invalid-client")));
}

void TestDoctor::providerErrorPageWithoutCallback()
{
    Trace trace;
    appendAuthorize(&trace);
    TraceStep page;
    page.from = Trace::Browser;
    page.to = Trace::Provider;
    page.channel = Channel::Front;
    page.explanationKey = QStringLiteral("login-page");
    page.request.method = QStringLiteral("GET");
    page.request.url = authorizeUrl();
    page.response.status = 400;
    const int pageStep = trace.append(page);
    FlowResult result;
    result.stage = FlowStage::Browser;
    const QList<Finding> findings = checkRun(trace, result, goodProfile());
    const auto errorPage = findingById(findings, QStringLiteral("provider-error-page"));
    QVERIFY2(errorPage, qPrintable(describe(findings)));
    QCOMPARE(errorPage->step, pageStep);
    QVERIFY(errorPage->what.contains(QLatin1String("HTTP 400")));
    QVERIFY(errorPage->why.contains(QLatin1String("redirect URI")));
}

void TestDoctor::providerErrorPageFollowedByCallback()
{
    Trace trace;
    appendAuthorize(&trace);
    TraceStep page;
    page.from = Trace::Browser;
    page.to = Trace::Provider;
    page.channel = Channel::Front;
    page.request.url = QStringLiteral("https://login.example.com/favicon.ico");
    page.response.status = 404;
    trace.append(page);
    appendCallback(&trace, QStringLiteral("code=abc&state=af0ifjsldkj"));
    QVERIFY(!containsFinding(checkRun(trace, FlowResult(), goodProfile()), QStringLiteral("provider-error-page")));
}

void TestDoctor::clockSkewAndUnknownKey()
{
    Trace trace;
    const int skew = trace.appendLocal(Trace::App, QStringLiteral("Clock skew"), StepResult::Failed,
                                       QStringLiteral("The provider's Date is 400 seconds ahead of this machine."), QStringLiteral("check-clock-skew"));
    const int key = trace.appendLocal(Trace::App, QStringLiteral("Signing key"), StepResult::Failed,
                                      QStringLiteral("kid \"k9\" is not in the JWKS."), QStringLiteral("check-key"));
    trace.appendLocal(Trace::App, QStringLiteral("Expiry"), StepResult::Ok, QString(), QStringLiteral("check-expiry"));
    const QList<Finding> findings = checkRun(trace, FlowResult(), goodProfile());
    QCOMPARE(findingById(findings, QStringLiteral("clock-skew"))->step, skew);
    QCOMPARE(findingById(findings, QStringLiteral("signing-key-unknown"))->step, key);
    QVERIFY(findingById(findings, QStringLiteral("signing-key-unknown"))->why.contains(QLatin1String("another authorization server")));
    QVERIFY(!containsFinding(findings, QStringLiteral("token-expired")));

    Trace passed;
    passed.appendLocal(Trace::App, QStringLiteral("Clock skew"), StepResult::Ok, QString(), QStringLiteral("check-clock-skew"));
    QVERIFY(checkRun(passed, FlowResult(), goodProfile()).isEmpty());

    // Any other failed ID token check gets a finding with advice for that claim.
    Trace audience;
    const int aud = audience.appendLocal(Trace::App, QStringLiteral("Audience (aud)"), StepResult::Failed,
                                         QStringLiteral("aud is \"other-client\", not \"explorer\"."), QStringLiteral("check-audience"));
    const QList<Finding> audienceFindings = checkRun(audience, FlowResult(), goodProfile());
    QVERIFY2(containsFinding(audienceFindings, QStringLiteral("id-token-check-audience")), qPrintable(describe(audienceFindings)));
    QCOMPARE(findingById(audienceFindings, QStringLiteral("id-token-check-audience"))->step, aud);
    QVERIFY(findingById(audienceFindings, QStringLiteral("id-token-check-audience"))->fix.contains(QLatin1String("client ID")));
    QVERIFY(findingById(audienceFindings, QStringLiteral("id-token-check-audience"))->what.contains(QLatin1String("other-client")));
}

void TestDoctor::scopeNarrowed()
{
    Trace trace;
    appendAuthorize(&trace, authorizeUrl(QStringLiteral("openid profile email offline_access")));
    appendCallback(&trace, QStringLiteral("code=abc&state=af0ifjsldkj"));
    const int token = appendTokenRequest(&trace, codeExchange(QStringLiteral("abc")), 200,
                                         {{QStringLiteral("access_token"), accessToken()}, {QStringLiteral("scope"), QStringLiteral("openid profile")}});
    const QList<Finding> findings = checkRun(trace, FlowResult(), goodProfile());
    const auto narrowed = findingById(findings, QStringLiteral("scope-narrowed"));
    QVERIFY2(narrowed, qPrintable(describe(findings)));
    QCOMPARE(narrowed->step, token);
    QVERIFY(narrowed->what.contains(QLatin1String("email offline_access")));
}

void TestDoctor::scopeGrantedInFull()
{
    Trace trace;
    appendAuthorize(&trace);
    appendCallback(&trace, QStringLiteral("code=abc&state=af0ifjsldkj"));
    appendTokenRequest(&trace, codeExchange(QStringLiteral("abc")), 200,
                       {{QStringLiteral("access_token"), accessToken()}, {QStringLiteral("scope"), QStringLiteral("email openid profile")}});
    QVERIFY(checkRun(trace, FlowResult(), goodProfile()).isEmpty());
}

void TestDoctor::wwwAuthenticate_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<int>("challenges");
    QTest::addColumn<QString>("scheme");  // of the last challenge
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("value");   // of `param` in the last challenge; null = absent

    QTest::newRow("RFC 6750 example") << QByteArray(R"(Bearer realm="example", error="invalid_token", error_description="The access token expired")")
                                      << 1 << "Bearer" << "error_description" << "The access token expired";
    QTest::newRow("two challenges") << QByteArray(R"(Basic realm="x", Bearer error="invalid_token")") << 2 << "Bearer" << "error" << "invalid_token";
    QTest::newRow("token68 first") << QByteArray(R"(Negotiate YIIBhwYGKwYBBQUCoIIBezCCAXeg==, Bearer realm="api")") << 2 << "Bearer" << "realm" << "api";
    QTest::newRow("escaped quotes") << QByteArray(R"(Bearer error_description="say \"hi\" and \\ back")") << 1 << "Bearer" << "error_description" << R"(say "hi" and \ back)";
    QTest::newRow("unquoted value") << QByteArray("Bearer error=invalid_token") << 1 << "Bearer" << "error" << "invalid_token";
    QTest::newRow("upper-case name") << QByteArray(R"(Bearer ERROR="invalid_token")") << 1 << "Bearer" << "error" << "invalid_token";
    QTest::newRow("scheme only") << QByteArray("Bearer") << 1 << "Bearer" << "error" << QString();
    QTest::newRow("spaces around equals") << QByteArray(R"(Bearer error = "invalid_token")") << 1 << "Bearer" << "error" << "invalid_token";
    QTest::newRow("truncated quoted string") << QByteArray(R"(Bearer realm="api", error="invalid_tok)") << 1 << "Bearer" << "error" << QString();
    QTest::newRow("truncated after equals") << QByteArray("Bearer error=") << 1 << "Bearer" << "error" << "";
    QTest::newRow("empty") << QByteArray() << 0 << QString() << QString() << QString();
    QTest::newRow("only commas") << QByteArray(" , ,, ") << 0 << QString() << QString() << QString();
    QTest::newRow("garbage") << QByteArray("=== \"\"") << 0 << QString() << QString() << QString();
    QTest::newRow("invalid UTF-8 in value") << QByteArray("Bearer error_description=\"bad \xff\xfe bytes\"") << 1 << "Bearer" << "error_description"
                                            << QStringLiteral("bad \uFFFD\uFFFD bytes");
    QTest::newRow("NUL byte") << QByteArray("Bearer error=\"a\0b\"", 18) << 1 << "Bearer" << "error" << QString::fromUtf8("a\0b", 3);
}

void TestDoctor::wwwAuthenticate()
{
    QFETCH(QByteArray, header);
    QFETCH(int, challenges);
    QFETCH(QString, scheme);
    QFETCH(QString, param);
    QFETCH(QString, value);

    const QList<AuthChallenge> parsed = parseWwwAuthenticate(header);
    QCOMPARE(parsed.size(), challenges);
    if (challenges == 0)
        return;
    QCOMPARE(parsed.last().scheme, scheme);
    if (value.isNull())
        QVERIFY(!parsed.last().params.contains(param));
    else
        QCOMPARE(parsed.last().params.value(param), value);
}

void TestDoctor::wwwAuthenticateHugeInput()
{
    QElapsedTimer timer;
    timer.start();
    const QByteArray longValue(2 * 1024 * 1024, 'a');
    const QList<AuthChallenge> single = parseWwwAuthenticate("Bearer error_description=\"" + longValue + "\"");
    QCOMPARE(single.size(), 1);
    QCOMPARE(single.first().params.value(QStringLiteral("error_description")).size(), longValue.size());

    QByteArray many;
    for (int i = 0; i < 100000; ++i)
        many += "Bearer realm=\"r\", ";
    const QList<AuthChallenge> list = parseWwwAuthenticate(many);
    QCOMPARE(list.size(), 100000);
    QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed())));
}

void TestDoctor::presetsBuildValidProfiles_data()
{
    QTest::addColumn<QString>("presetId");
    for (const Preset &preset : presets())
        QTest::newRow(qPrintable(preset.id)) << preset.id;
}

void TestDoctor::presetsBuildValidProfiles()
{
    QFETCH(QString, presetId);
    const std::optional<Preset> preset = presetById(presetId);
    QVERIFY(preset);
    QVERIFY(!preset->name.isEmpty());
    QVERIFY(!preset->fields.isEmpty());
    for (const Field &field : preset->fields) {
        QVERIFY(!field.label.isEmpty());
        QVERIFY(!field.example.isEmpty());
    }
    QString error;
    const Profile profile = preset->build(preset->exampleValues(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(profile.validate().isEmpty(), qPrintable(profile.validate().join(QLatin1Char(' '))));
    QVERIFY(Profile::isValidId(profile.id));
    QVERIFY(!profile.clientId.isEmpty());

    // Each provider preset recognizes its own profiles; the ID-token backend and the generic
    // preset cannot be recognized from an issuer.
    const std::optional<Preset> recognized = presetForProfile(profile);
    if (presetId == QLatin1String("id-token-backend") || presetId == QLatin1String("generic"))
        QVERIFY(!recognized);
    else
        QCOMPARE(recognized ? recognized->id : QString(), presetId);
}

void TestDoctor::presetFixturePassesOwnChecks_data()
{
    presetsBuildValidProfiles_data();
}

// Each preset's profile against its provider's discovery shape: no error or warning except the
// preset's own quirk findings.
void TestDoctor::presetFixturePassesOwnChecks()
{
    QFETCH(QString, presetId);
    const Preset preset = *presetById(presetId);
    QString error;
    const Profile profile = preset.build(preset.exampleValues(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    oidc::ProviderMetadata metadata;
    QVERIFY2(oidc::ProviderMetadata::parse(readFixture(presetId), profile.effectiveDiscoveryUrl(), profile.issuer, &metadata, &error),
             qPrintable(error));
    CheckContext context;
    context.profile = &profile;
    context.metadata = &metadata;
    context.rawDiscovery = &metadata.json;
    QList<Finding> findings = checkProfile(profile);
    findings += checkAgainstDiscovery(profile, metadata, metadata.json);
    findings += checkQuirks(preset, context);

    QStringList quirkIds;
    for (const Rule &rule : preset.quirks)
        quirkIds.append(rule.id);
    for (const Finding &finding : std::as_const(findings)) {
        if (finding.severity == Finding::Severity::Info)
            continue;
        QVERIFY2(quirkIds.contains(finding.id), qPrintable(describe(findings)));
    }
}

void TestDoctor::presetBuildRejectsBadValues_data()
{
    QTest::addColumn<QString>("presetId");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("Auth0 domain missing") << "auth0" << "domain" << "" << "Auth0 domain";
    QTest::newRow("Auth0 domain with path") << "auth0" << "domain" << "example.auth0.com/path" << "Auth0 domain";
    QTest::newRow("client id missing") << "okta-org" << "clientId" << "" << "Client ID";
    QTest::newRow("Okta server with slash") << "okta-custom" << "authorizationServer" << "a/b" << "Authorization server ID";
    QTest::newRow("Keycloak URL without scheme") << "keycloak" << "baseUrl" << "sso.example.com" << "Keycloak URL";
    QTest::newRow("tenant not a GUID") << "entra-v2-single" << "tenant" << "not a tenant" << "Tenant ID";
    QTest::newRow("common in single-tenant") << "entra-v1-single" << "tenant" << "common" << "multi-tenant";
    QTest::newRow("multi-tenant with GUID") << "entra-v2-multi" << "tenant" << "2f1c3c7e-5d1a-4b8e-9a55-0c6e2f3d4b1a" << "common";
    QTest::newRow("Google client id") << "google" << "clientId" << "12345" << "googleusercontent";
    QTest::newRow("Cognito pool of another region") << "cognito" << "userPoolId" << "us-east-1_AbCdEf123" << "region";
    QTest::newRow("Cognito region") << "cognito" << "region" << "europe" << "Region";
    QTest::newRow("backend URL") << "id-token-backend" << "graphqlUrl" << "ftp://api.example.com" << "GraphQL URL";
    QTest::newRow("generic issuer over http") << "generic" << "issuer" << "ftp://login.example.com" << "issuer";
}

void TestDoctor::presetBuildRejectsBadValues()
{
    QFETCH(QString, presetId);
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, mentions);

    const Preset preset = *presetById(presetId);
    QMap<QString, QString> values = preset.exampleValues();
    values.insert(key, value);
    QString error;
    const Profile profile = preset.build(values, &error);
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(mentions, Qt::CaseInsensitive), qPrintable(error));
    QVERIFY(profile.clientId.isEmpty());
}

void TestDoctor::presetQuirkTriggers()
{
    // Auth0 without audience.
    {
        const Preset preset = *presetById(QStringLiteral("auth0"));
        QMap<QString, QString> values = preset.exampleValues();
        values.remove(QStringLiteral("audience"));
        QString error;
        Profile profile = preset.build(values, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        CheckContext context;
        context.profile = &profile;
        QVERIFY(containsFinding(checkQuirks(preset, context), QStringLiteral("auth0-audience-missing")));
        profile.issuer.chop(1);
        QVERIFY(containsFinding(checkQuirks(preset, context), QStringLiteral("auth0-issuer-trailing-slash")));
    }
    // Google in the embedded browser.
    {
        const Preset preset = *presetById(QStringLiteral("google"));
        QString error;
        Profile profile = preset.build(preset.exampleValues(), &error);
        CheckContext context;
        context.profile = &profile;
        QVERIFY(!containsFinding(checkQuirks(preset, context), QStringLiteral("google-system-browser")));
        profile.browser = BrowserKind::Embedded;
        QVERIFY(containsFinding(checkQuirks(preset, context), QStringLiteral("google-system-browser")));
    }
    // Cognito access token without aud, rejected by a backend that requires aud.
    {
        const Preset preset = *presetById(QStringLiteral("cognito"));
        QString error;
        const Profile profile = preset.build(preset.exampleValues(), &error);
        Trace trace;
        const QString token = makeJwt({{QStringLiteral("token_use"), QStringLiteral("access")},
                                       {QStringLiteral("client_id"), profile.clientId},
                                       {QStringLiteral("scope"), QStringLiteral("openid")}});
        const int api = appendApiRequest(&trace, token, 401, QStringLiteral("Bearer error=\"invalid_token\", error_description=\"missing aud\""));
        CheckContext context;
        context.profile = &profile;
        context.trace = &trace;
        const QList<Finding> findings = checkQuirks(preset, context);
        const auto finding = findingById(findings, QStringLiteral("cognito-access-token-aud"));
        QVERIFY2(finding, qPrintable(describe(findings)));
        QCOMPARE(finding->step, api);
    }
    // Entra ID: a Graph access token sent to another API.
    {
        const Preset preset = *presetById(QStringLiteral("entra-v2-single"));
        QString error;
        const Profile profile = preset.build(preset.exampleValues(), &error);
        Trace trace;
        appendApiRequest(&trace, makeJwt({{QStringLiteral("aud"), QStringLiteral("00000003-0000-0000-c000-000000000000")},
                                          {QStringLiteral("scp"), QStringLiteral("openid profile")}}),
                         401, QStringLiteral("Bearer error=\"invalid_token\""));
        CheckContext context;
        context.profile = &profile;
        context.trace = &trace;
        QVERIFY(containsFinding(checkQuirks(preset, context), QStringLiteral("entra-graph-access-token")));
    }
}

void TestDoctor::checkCommandExitCodes_data()
{
    QTest::addColumn<QString>("issuerSuffix");
    QTest::addColumn<QString>("fileContent"); // "profile" writes a profile with the issuer
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("expected"); // in out (exit 0/1) or err (exit 2)

    QTest::newRow("clean profile") << "" << "profile" << 0 << "0 error(s)";
    QTest::newRow("issuer with trailing slash") << "/" << "profile" << 1 << "issuer-trailing-slash";
    QTest::newRow("discovery not found") << "/missing" << "profile" << 2 << "HTTP 404";
    QTest::newRow("file is not JSON") << "" << "{\"format\": " << 2 << "not a JSON object";
    QTest::newRow("file is an array") << "" << "[]" << 2 << "not a JSON object";
    QTest::newRow("wrong member type") << "" << R"({"format":"authflow-explorer-profile","version":1,"issuer":42})" << 2 << "is invalid";
    QTest::newRow("missing file") << "" << "<none>" << 2 << "Cannot read the profile file";
}

void TestDoctor::checkCommandExitCodes()
{
    QFETCH(QString, issuerSuffix);
    QFETCH(QString, fileContent);
    QFETCH(int, exitCode);
    QFETCH(QString, expected);

    DiscoveryServer server;
    QVERIFY(server.isListening());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("profile.json"));
    if (fileContent != QLatin1String("<none>")) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        if (fileContent == QLatin1String("profile")) {
            Profile profile = goodProfile();
            profile.issuer = server.issuer + issuerSuffix;
            profile.timeoutSeconds = 5;
            file.write(QJsonDocument(profile.toJson()).toJson());
        } else {
            file.write(fileContent.toUtf8());
        }
    }

    QString outText;
    QString errText;
    QTextStream out(&outText);
    QTextStream err(&errText);
    const int code = runCheckCommand(path, QStringLiteral("text"), out, err);
    QVERIFY2(code == exitCode, qPrintable(QStringLiteral("exit %1\nout: %2\nerr: %3").arg(code).arg(outText, errText)));
    QVERIFY2((exitCode == 2 ? errText : outText).contains(expected), qPrintable(outText + errText));
    if (exitCode == 2) {
        QVERIFY2(errText.contains(path), qPrintable(errText));
        // An unreadable profile prints nothing; with an unreachable discovery document the
        // profile's own findings are still printed.
        if (QTest::currentDataTag() == QLatin1String("discovery not found"))
            QVERIFY2(outText.contains(QLatin1String("Profile:")), qPrintable(outText));
        else
            QVERIFY(outText.isEmpty());
    }
}

void TestDoctor::checkCommandJsonFormat()
{
    DiscoveryServer server;
    server.document.insert(QStringLiteral("require_pushed_authorization_requests"), true);
    server.document.insert(QStringLiteral("pushed_authorization_request_endpoint"), server.issuer + QStringLiteral("/par"));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("profile.json"));
    Profile profile = goodProfile();
    profile.issuer = server.issuer;
    profile.pushedAuthorization = false;
    profile.redirectUri = QStringLiteral("http://localhost/callback");
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(profile.toJson()).toJson());
    }
    QString outText;
    QString errText;
    QTextStream out(&outText);
    QTextStream err(&errText);
    QCOMPARE(runCheckCommand(path, QStringLiteral("json"), out, err), int(CheckFoundErrors));

    QJsonParseError parseError;
    const QJsonObject json = QJsonDocument::fromJson(outText.toUtf8(), &parseError).object();
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(outText));
    QCOMPARE(json.value(QStringLiteral("profile")).toString(), path);
    QCOMPARE(json.value(QStringLiteral("discoveryUrl")).toString(), server.issuer + QStringLiteral("/.well-known/openid-configuration"));
    QCOMPARE(json.value(QStringLiteral("errors")).toInt(), 1);
    QCOMPARE(json.value(QStringLiteral("warnings")).toInt(), 1);
    QStringList found;
    for (const QJsonValue &value : json.value(QStringLiteral("findings")).toArray()) {
        const QJsonObject finding = value.toObject();
        found.append(finding.value(QStringLiteral("id")).toString());
        QVERIFY(!finding.value(QStringLiteral("what")).toString().isEmpty());
        QVERIFY(QStringList({QStringLiteral("error"), QStringLiteral("warning"), QStringLiteral("info")})
                    .contains(finding.value(QStringLiteral("severity")).toString()));
    }
    QVERIFY2(found.contains(QStringLiteral("par-required")), qPrintable(found.join(QLatin1Char(' '))));
    QVERIFY(found.contains(QStringLiteral("redirect-uri-localhost")));
}

void TestDoctor::checkCommandUnreachableDiscovery()
{
    // A port that was free a moment ago: nothing listens there.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("profile.json"));
    Profile profile = goodProfile();
    profile.issuer = QStringLiteral("http://127.0.0.1:%1").arg(port);
    profile.timeoutSeconds = 2;
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(profile.toJson()).toJson());
    }
    QString outText;
    QString errText;
    QTextStream out(&outText);
    QTextStream err(&errText);
    QCOMPARE(runCheckCommand(path, QStringLiteral("text"), out, err), int(CheckCannotRun));
    QVERIFY2(errText.contains(profile.effectiveDiscoveryUrl().toString()), qPrintable(errText));
}

void TestDoctor::checkCommandBadFormat()
{
    QString outText;
    QString errText;
    QTextStream out(&outText);
    QTextStream err(&errText);
    QCOMPARE(runCheckCommand(QStringLiteral("/nonexistent/profile.json"), QStringLiteral("xml"), out, err), int(CheckCannotRun));
    QVERIFY(errText.contains(QLatin1String("xml")));
}

QTEST_GUILESS_MAIN(TestDoctor)
#include "tst_doctor.moc"
