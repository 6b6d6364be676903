#include "sandbox/graphqlbackend.h"
#include "sandbox/identityprovider.h"
#include "jose/base64url.h"
#include "sandbox/sandboxserver.h"
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
using namespace afx::test;

namespace {

struct AuthorizationRequest {
    QString responseType = QStringLiteral("code");
    QString clientId = SandboxServer::publicClientId();
    QString redirectUri = QStringLiteral("http://127.0.0.1:49152/callback");
    QString scope = QStringLiteral("openid profile email offline_access");
    QString state = QStringLiteral("state+with/special=chars and space");
    QString nonce = QStringLiteral("nonce-12345");
    QString verifier = newVerifier();
    bool usePkce = true;
    QList<QPair<QString, QString>> extra;

    QList<QPair<QString, QString>> fields() const
    {
        QList<QPair<QString, QString>> list = {
            {QStringLiteral("response_type"), responseType},
            {QStringLiteral("client_id"), clientId},
            {QStringLiteral("redirect_uri"), redirectUri},
            {QStringLiteral("scope"), scope},
            {QStringLiteral("state"), state},
            {QStringLiteral("nonce"), nonce},
        };
        if (usePkce) {
            list.append({QStringLiteral("code_challenge"), pkceChallenge(verifier)});
            list.append({QStringLiteral("code_challenge_method"), QStringLiteral("S256")});
        }
        list += extra;
        return list;
    }
};

QString consentIdFromPage(const QByteArray &html)
{
    static const QRegularExpression hidden(QStringLiteral("name=\"consent_id\" value=\"([^\"]+)\""));
    return hidden.match(QString::fromUtf8(html)).captured(1);
}

// The value attribute of input#user_code on the device page, still HTML-escaped.
QString userCodeFieldFromPage(const QByteArray &html)
{
    static const QRegularExpression field(QStringLiteral("<input id=\"user_code\"[^>]* value=\"([^\"]*)\">"));
    return field.match(QString::fromUtf8(html)).captured(1);
}

// The forms of a response_mode=form_post page: every <form> start tag, the action of the
// first one, and the hidden inputs (unescaped) in page order.
struct FormPostPage {
    int formCount = 0;
    QString action;
    QList<QPair<QString, QString>> fields;

    QString value(const QString &name) const
    {
        for (const auto &[key, fieldValue] : fields) {
            if (key == name)
                return fieldValue;
        }
        return {};
    }
    QStringList names() const
    {
        QStringList list;
        for (const auto &field : fields)
            list.append(field.first);
        return list;
    }
};

FormPostPage parseFormPostPage(const QByteArray &body)
{
    static const QRegularExpression anyForm(QStringLiteral("<form\\b"), QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression postForm(QStringLiteral("<form method=\"post\" action=\"([^\"]*)\">"));
    static const QRegularExpression hidden(QStringLiteral("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">"));
    const QString html = QString::fromUtf8(body);
    FormPostPage page;
    for (auto it = anyForm.globalMatch(html); it.hasNext(); it.next())
        ++page.formCount;
    page.action = htmlUnescape(postForm.match(html).captured(1));
    for (auto it = hidden.globalMatch(html); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        page.fields.append({htmlUnescape(match.captured(1)), htmlUnescape(match.captured(2))});
    }
    return page;
}

QByteArray basicCredentials(const QByteArray &userPass)
{
    return "Basic " + userPass.toBase64();
}

// The Authorization header of client_secret_basic for the confidential client.
QByteArray confidentialBasicCredentials()
{
    return basicCredentials(formEncode(SandboxServer::confidentialClientId()) + ':'
                            + formEncode(SandboxServer::confidentialClientSecret()));
}

const QString jwtBearerType = QStringLiteral("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
const QString requestUriPrefix = QStringLiteral("urn:ietf:params:oauth:request_uri:");

QString newJti()
{
    return QString::fromLatin1(base64Url(QByteArray::number(QRandomGenerator::global()->generate64())));
}

// Signs `claims` with an HMAC algorithm, by default HS256 with the confidential client's secret
// (client_secret_jwt). Returns an empty array, with a warning, when signing fails.
QByteArray signWithSecret(const QJsonObject &claims, const QString &alg = QStringLiteral("HS256"),
                          const QByteArray &secret = SandboxServer::confidentialClientSecret().toUtf8(),
                          const QJsonObject &header = {})
{
    QString error;
    const std::optional<QByteArray> token = afx::jose::signCompactHmac(alg, secret, header, claims, &error);
    if (!token)
        qWarning().noquote() << "signing the test assertion failed:" << error;
    return token.value_or(QByteArray());
}

// Signs `claims` with `key` (private_key_jwt). Returns an empty array, with a warning, on failure.
QByteArray signWithKey(const QJsonObject &claims, const QString &alg, const afx::jose::Key &key)
{
    QString error;
    const std::optional<QByteArray> token = afx::jose::signCompact(alg, key, QJsonObject(), claims, &error);
    if (!token)
        qWarning().noquote() << "signing the test assertion failed:" << error;
    return token.value_or(QByteArray());
}

// A JWT with alg "none" and an empty signature, built by hand because afx::jose never signs one.
QByteArray unsignedJwt(const QJsonObject &claims)
{
    return base64Url(R"({"alg":"none","typ":"JWT"})") + '.'
        + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact)) + '.';
}

// The at_hash / c_hash value for RS256, computed here independently of afx::jose: the left
// half of the SHA-256 digest of the ASCII value, base64url without padding.
QString rs256HalfHash(const QString &value)
{
    const QByteArray digest = QCryptographicHash::hash(value.toLatin1(), QCryptographicHash::Sha256);
    return QString::fromLatin1(base64Url(digest.first(digest.size() / 2)));
}

} // namespace

class TestSandbox : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void startsOnLoopback();
    void startFailsOnUsedPort();
    void discoveryDocument();
    void jwksParsesWithJose();
    void unknownPathAndMethod();

    void authorizeShowsLoginPage();
    void authorizeAcceptsRegisteredRedirects_data();
    void authorizeAcceptsRegisteredRedirects();
    void authorizeBadClientOrRedirectShowsPage_data();
    void authorizeBadClientOrRedirectShowsPage();
    void authorizeErrorsRedirectBack_data();
    void authorizeErrorsRedirectBack();

    void loginWrongPassword();
    void loginCancel();
    void loginSuccessRedirectsWithCode();
    void loginUnknownRequestId();

    void authorizeResponseModes_data();
    void authorizeResponseModes();
    void formPostLoginReturnsAutoSubmitPage();
    void formPostCancelPostsAccessDenied();
    void formPostAuthorizeErrorPostsBack();
    void formPostPageEscapesValues();

    void implicitIdTokenInFragment();
    void implicitIdTokenTokenAnyOrder();
    void implicitFormPost();
    void implicitCancelGoesToFragment();
    void implicitErrors_data();
    void implicitErrors();
    void hybridHashesAndCodeRedemption_data();
    void hybridHashesAndCodeRedemption();
    void codeInFragmentOnRequest();

    void singleSignOnSession();
    void singleSignOnRejectedCookies_data();
    void singleSignOnRejectedCookies();
    void singleSignOnSurvivesRestartWithSameKey();

    void deviceAuthorizationResponse();
    void deviceAuthorizationErrors_data();
    void deviceAuthorizationErrors();
    void deviceFlowApproved_data();
    void deviceFlowApproved();
    void deviceFlowSlowDown();
    void deviceFlowDenied();
    void deviceFlowCancelledAtLogin();
    void deviceFlowExpires();
    void devicePageUnknownCode();

    void revokeUnknownTokenIs200();
    void revokedAccessTokenRejected();
    void revokedRefreshTokenEndsGrant();
    void revokeTokenOfAnotherClient();
    void revokeErrors_data();
    void revokeErrors();
    void introspectActiveTokens();
    void introspectInactiveTokens_data();
    void introspectInactiveTokens();
    void introspectPublicClientRejected();
    void introspectErrors();

    void logoutRedirectsWithState();
    void logoutWithoutRedirectShowsPage();
    void logoutRejections_data();
    void logoutRejections();

    void tokenExchangeWithPkce();
    void tokenRejections_data();
    void tokenRejections();
    void codeReuseRevokesTokens();
    void codeExpiresAfterSixtySeconds();
    void confidentialClientBasicAuth();
    void confidentialClientRawBasicRejected();
    void confidentialClientSecretPost();
    void publicClientWithSecretRejected();
    void refreshTokenRotation();

    void clientSecretJwtAtEveryEndpoint_data();
    void clientSecretJwtAtEveryEndpoint();
    void clientSecretJwtAcceptedVariants_data();
    void clientSecretJwtAcceptedVariants();
    void clientAssertionRejections_data();
    void clientAssertionRejections();
    void clientAssertionReplayRejected();
    void clientAssertionExpiresWithClock();
    void clientAssertionWithSecondMethod();
    void privateKeyJwtAccepted_data();
    void privateKeyJwtAccepted();
    void privateKeyJwtWrongKey();
    void privateKeyJwtNoKeyRegistered();
    void privateKeyJwtClientNeedsAssertion();

    void parCodeFlowToToken_data();
    void parCodeFlowToToken();
    void parRequestUriSingleUse();
    void parRequestUriExpires();
    void parClientIdMismatch();
    void parAuthorizeRejections_data();
    void parAuthorizeRejections();
    void parRejections_data();
    void parRejections();
    void parRequiresPost();
    void parPromptNoneRedirects();

    void passwordGrantIssuesTokens_data();
    void passwordGrantIssuesTokens();
    void passwordGrantRejections_data();
    void passwordGrantRejections();

    void idTokenVerifiesAgainstJwks();
    void accessTokenClaims();
    void userinfoEndpoint();

    void graphqlWithIdToken();
    void graphqlFieldOrderAndAliases();
    void graphqlVariablesAndOperationName();
    void graphqlFragmentsAndDirectives();
    void graphqlErrors_data();
    void graphqlErrors();
    void graphqlSyntaxErrorIs400();
    void graphqlOverGet();
    void graphqlWithAccessToken();
    void graphqlWithoutToken();
    void graphqlRejectsBadTokens_data();
    void graphqlRejectsBadTokens();
    void graphqlRejectsExpiredToken();
    void backendClaimChecks_data();
    void backendClaimChecks();
    void backendStepsInTrace();
    void requestServedHasNoQuery();

    void loginMutationIssuesTokens();
    void loginMutationWrongCredentials_data();
    void loginMutationWrongCredentials();
    void loginMutationValidationErrors_data();
    void loginMutationValidationErrors();
    void loginMutationOverGetIs405();
    void loginMutationTraceMasksSecrets();
    void operationsBesidesLoginNeedToken_data();
    void operationsBesidesLoginNeedToken();

private:
    Reply send(const QByteArray &method, const QUrl &url, const QByteArray &body = {}, const Headers &headers = {})
    {
        return sendRequest(m_network, method, url, body, headers);
    }
    Reply get(const QString &path, const Headers &headers = {}) { return send("GET", endpoint(path), {}, headers); }
    Reply postForm(const QString &path, const QByteArray &body, Headers headers = {})
    {
        headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/x-www-form-urlencoded")));
        return send("POST", endpoint(path), body, headers);
    }
    Reply postGraphql(const QString &token, const QJsonObject &request, SandboxServer *server = nullptr);
    QUrl endpoint(const QString &pathAndQuery, SandboxServer *server = nullptr) const
    {
        return QUrl((server ? server : m_server)->issuer() + pathAndQuery);
    }

    Reply authorize(const AuthorizationRequest &request, SandboxServer *server = nullptr);
    // Runs /authorize and a successful /login. Returns the code, or an empty string.
    QString signIn(const AuthorizationRequest &request, SandboxServer *server = nullptr);
    Reply exchangeCode(const AuthorizationRequest &request, const QString &code, SandboxServer *server = nullptr);
    // Runs /authorize and posts the login page with `action` ("login" or "cancel"). Returns the
    // /login reply, or a reply with status 0 when the login page did not appear.
    Reply submitLogin(const AuthorizationRequest &request, const QString &action);
    // Runs sign-in and code exchange for the public client. Returns the token response.
    QJsonObject signInAndGetTokens(SandboxServer *server = nullptr);
    // Verifies `jwt` against the sandbox's JWKS and returns its claims, or an empty object
    // (with a warning naming the reason) when it does not verify.
    QJsonObject verifiedClaims(const QString &jwt);

    // POST /device_authorization for the public client, or for the confidential client with
    // client_secret_post.
    Reply startDeviceAuthorization(const QString &clientId, const QString &scope = QStringLiteral("openid profile email"));
    // Polls the token endpoint with the device_code grant, authenticating as startDeviceAuthorization does.
    Reply pollDeviceToken(const QString &clientId, const QString &deviceCode);
    // Enters `userCode` at /device and signs in as the demo user. Returns the consent page, or
    // a reply with status 0 when a step before it failed (with a warning naming the step).
    Reply openDeviceConsent(const QString &userCode);
    // Runs openDeviceConsent and presses button `action` ("approve" or "deny"). Returns the done page.
    Reply answerDeviceConsent(const QString &userCode, const QString &action);
    // POST /revoke for the public client with `fields` besides client_id.
    Reply revokeAsPublicClient(const QList<QPair<QString, QString>> &fields);
    // POST /introspect for the confidential client with client_secret_basic.
    Reply introspect(const QString &token);

    // The sandbox's current time in seconds since 1970, which advanceClock() moves.
    qint64 sandboxNow(SandboxServer *server = nullptr) const
    {
        return QDateTime::currentSecsSinceEpoch() + (server ? server : m_server)->clockOffset();
    }
    // Claims of a valid client assertion for `clientId`: iss and sub, aud = the token endpoint,
    // iat now, exp in two minutes and a random jti.
    QJsonObject assertionClaims(const QString &clientId, SandboxServer *server = nullptr) const;
    // POST `path` with `fields` plus client_assertion_type (jwt-bearer) and client_assertion.
    Reply postWithAssertion(const QString &path, const QList<QPair<QString, QString>> &fields,
                            const QByteArray &assertion, SandboxServer *server = nullptr);
    // POST /par with the fields of `request`, which the public client sends without more.
    Reply pushAuthorization(const AuthorizationRequest &request, const Headers &headers = {});
    // GET /authorize with client_id and request_uri, plus `extra` parameters that the sandbox
    // must ignore.
    Reply authorizeWithRequestUri(const QString &clientId, const QString &requestUri,
                                  const QList<QPair<QString, QString>> &extra = {});
    // Posts the demo account's e-mail address and password to the login page `page`.
    Reply submitDemoLogin(const Reply &page);
    // Posts the login mutation with `email` and `password` as variables and no bearer token.
    Reply postLoginMutation(const QString &email, const QString &password, SandboxServer *server = nullptr);

    QNetworkAccessManager m_network;
    SandboxServer *m_server = nullptr;
};

void TestSandbox::initTestCase()
{
    // One debug line per request would bury the test output.
    QLoggingCategory::setFilterRules(QStringLiteral("afx.sandbox.debug=false"));
    // Never send the test's loopback traffic through a proxy from the environment.
    m_network.setProxy(QNetworkProxy::NoProxy);
    m_server = new SandboxServer(this);
    QString error;
    QVERIFY2(m_server->start(0, &error), qPrintable(error));
}

void TestSandbox::cleanup()
{
    // Tests that move the clock or change the polling interval have them reset here, so that a
    // failure does not leak into others.
    m_server->advanceClock(-m_server->clockOffset());
    m_server->setDeviceCodeInterval(afx::sandbox::IdentityProvider::defaultDeviceCodeIntervalSeconds);
}

Reply TestSandbox::postGraphql(const QString &token, const QJsonObject &request, SandboxServer *server)
{
    Headers headers = {{"Content-Type", "application/json"}};
    if (!token.isEmpty())
        headers.append(qMakePair(QByteArray("Authorization"), "Bearer " + token.toLatin1()));
    return send("POST", endpoint(QStringLiteral("/graphql"), server), QJsonDocument(request).toJson(QJsonDocument::Compact),
                headers);
}

Reply TestSandbox::authorize(const AuthorizationRequest &request, SandboxServer *server)
{
    return send("GET", endpoint(QStringLiteral("/authorize?") + QString::fromLatin1(formBody(request.fields())), server));
}

QString TestSandbox::signIn(const AuthorizationRequest &request, SandboxServer *server)
{
    const Reply page = authorize(request, server);
    if (page.status != 200)
        return {};
    const QByteArray body = formBody({{QStringLiteral("request_id"), requestIdFromPage(page.html())},
                                      {QStringLiteral("email"), SandboxServer::demoEmail()},
                                      {QStringLiteral("password"), SandboxServer::demoPassword()},
                                      {QStringLiteral("action"), QStringLiteral("login")}});
    const Reply login = send("POST", endpoint(QStringLiteral("/login"), server), body,
                             {{"Content-Type", "application/x-www-form-urlencoded"}});
    if (login.status != 302)
        return {};
    return parseRedirect(login).params.value(QStringLiteral("code"));
}

Reply TestSandbox::exchangeCode(const AuthorizationRequest &request, const QString &code, SandboxServer *server)
{
    const QByteArray body = formBody({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                      {QStringLiteral("code"), code},
                                      {QStringLiteral("redirect_uri"), request.redirectUri},
                                      {QStringLiteral("client_id"), request.clientId},
                                      {QStringLiteral("code_verifier"), request.verifier}});
    return send("POST", endpoint(QStringLiteral("/token"), server), body,
                {{"Content-Type", "application/x-www-form-urlencoded"}});
}

Reply TestSandbox::submitLogin(const AuthorizationRequest &request, const QString &action)
{
    const Reply page = authorize(request);
    const QString requestId = requestIdFromPage(page.html());
    if (page.status != 200 || requestId.isEmpty())
        return {};
    return postForm(QStringLiteral("/login"), formBody({{QStringLiteral("request_id"), requestId},
                                                        {QStringLiteral("email"), SandboxServer::demoEmail()},
                                                        {QStringLiteral("password"), SandboxServer::demoPassword()},
                                                        {QStringLiteral("action"), action}}));
}

QJsonObject TestSandbox::signInAndGetTokens(SandboxServer *server)
{
    const AuthorizationRequest request;
    const QString code = signIn(request, server);
    if (code.isEmpty())
        return {};
    const Reply reply = exchangeCode(request, code, server);
    return reply.status == 200 ? reply.json() : QJsonObject();
}

QJsonObject TestSandbox::verifiedClaims(const QString &jwt)
{
    afx::jose::Jwks jwks;
    QString error;
    if (!afx::jose::Jwks::parse(get(QStringLiteral("/jwks")).body, &jwks, &error) || jwks.keys.isEmpty()) {
        qWarning().noquote() << "the JWKS does not parse:" << error;
        return {};
    }
    const std::optional<afx::jose::CompactJws> jws = afx::jose::CompactJws::parse(jwt.toLatin1(), &error);
    if (!jws) {
        qWarning().noquote() << "the token is not a JWS:" << error;
        return {};
    }
    if (!afx::jose::verifySignature(jws->alg(), jwks.keys.first().key, jws->signingInput, jws->signature, &error)) {
        qWarning().noquote() << "the signature does not verify:" << error;
        return {};
    }
    return jws->claims;
}

namespace {

QList<QPair<QString, QString>> clientAuthenticationFields(const QString &clientId)
{
    QList<QPair<QString, QString>> fields{{QStringLiteral("client_id"), clientId}};
    if (clientId == SandboxServer::confidentialClientId())
        fields.append({QStringLiteral("client_secret"), SandboxServer::confidentialClientSecret()});
    return fields;
}

} // namespace

Reply TestSandbox::startDeviceAuthorization(const QString &clientId, const QString &scope)
{
    return postForm(QStringLiteral("/device_authorization"),
                    formBody(clientAuthenticationFields(clientId) + QList<QPair<QString, QString>>{{QStringLiteral("scope"), scope}}));
}

Reply TestSandbox::pollDeviceToken(const QString &clientId, const QString &deviceCode)
{
    QList<QPair<QString, QString>> fields{{QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:device_code")},
                                          {QStringLiteral("device_code"), deviceCode}};
    return postForm(QStringLiteral("/token"), formBody(fields + clientAuthenticationFields(clientId)));
}

Reply TestSandbox::openDeviceConsent(const QString &userCode)
{
    const Reply entered = postForm(QStringLiteral("/device"), formBody({{QStringLiteral("user_code"), userCode}}));
    const QString requestId = requestIdFromPage(entered.html());
    if (entered.status != 200 || requestId.isEmpty()) {
        qWarning() << "entering the user code did not show the sign-in page; status" << entered.status;
        return {};
    }
    const Reply login = postForm(QStringLiteral("/login"), formBody({{QStringLiteral("request_id"), requestId},
                                                                     {QStringLiteral("email"), SandboxServer::demoEmail()},
                                                                     {QStringLiteral("password"), SandboxServer::demoPassword()},
                                                                     {QStringLiteral("action"), QStringLiteral("login")}}));
    if (login.status != 200 || consentIdFromPage(login.body).isEmpty()) {
        qWarning() << "the sign-in did not show the consent page; status" << login.status;
        return {};
    }
    return login;
}

Reply TestSandbox::answerDeviceConsent(const QString &userCode, const QString &action)
{
    const Reply consent = openDeviceConsent(userCode);
    if (consent.status == 0)
        return {};
    return postForm(QStringLiteral("/device"), formBody({{QStringLiteral("consent_id"), consentIdFromPage(consent.body)},
                                                         {QStringLiteral("action"), action}}));
}

Reply TestSandbox::revokeAsPublicClient(const QList<QPair<QString, QString>> &fields)
{
    return postForm(QStringLiteral("/revoke"), formBody(QList<QPair<QString, QString>>{{QStringLiteral("client_id"),
                                                                                         SandboxServer::publicClientId()}}
                                                        + fields));
}

Reply TestSandbox::introspect(const QString &token)
{
    const QByteArray credentials = formEncode(SandboxServer::confidentialClientId()) + ':'
        + formEncode(SandboxServer::confidentialClientSecret());
    return postForm(QStringLiteral("/introspect"), formBody({{QStringLiteral("token"), token}}),
                    {{"Authorization", basicCredentials(credentials)}});
}

QJsonObject TestSandbox::assertionClaims(const QString &clientId, SandboxServer *server) const
{
    const qint64 now = sandboxNow(server);
    return QJsonObject{{QStringLiteral("iss"), clientId},
                       {QStringLiteral("sub"), clientId},
                       {QStringLiteral("aud"), endpoint(QStringLiteral("/token"), server).toString()},
                       {QStringLiteral("iat"), now},
                       {QStringLiteral("exp"), now + 120},
                       {QStringLiteral("jti"), newJti()}};
}

Reply TestSandbox::postWithAssertion(const QString &path, const QList<QPair<QString, QString>> &fields,
                                     const QByteArray &assertion, SandboxServer *server)
{
    const QList<QPair<QString, QString>> authentication{{QStringLiteral("client_assertion_type"), jwtBearerType},
                                                        {QStringLiteral("client_assertion"), QString::fromLatin1(assertion)}};
    return send("POST", endpoint(path, server), formBody(fields + authentication),
                {{"Content-Type", "application/x-www-form-urlencoded"}});
}

Reply TestSandbox::pushAuthorization(const AuthorizationRequest &request, const Headers &headers)
{
    return postForm(QStringLiteral("/par"), formBody(request.fields()), headers);
}

Reply TestSandbox::authorizeWithRequestUri(const QString &clientId, const QString &requestUri,
                                           const QList<QPair<QString, QString>> &extra)
{
    const QList<QPair<QString, QString>> fields = QList<QPair<QString, QString>>{{QStringLiteral("client_id"), clientId},
                                                                               {QStringLiteral("request_uri"), requestUri}}
        + extra;
    return get(QStringLiteral("/authorize?") + QString::fromLatin1(formBody(fields)));
}

Reply TestSandbox::submitDemoLogin(const Reply &page)
{
    return postForm(QStringLiteral("/login"), formBody({{QStringLiteral("request_id"), requestIdFromPage(page.html())},
                                                        {QStringLiteral("email"), SandboxServer::demoEmail()},
                                                        {QStringLiteral("password"), SandboxServer::demoPassword()},
                                                        {QStringLiteral("action"), QStringLiteral("login")}}));
}

void TestSandbox::startsOnLoopback()
{
    QVERIFY(m_server->isRunning());
    QVERIFY(m_server->port() != 0);
    QCOMPARE(m_server->issuer(), QStringLiteral("http://127.0.0.1:%1").arg(m_server->port()));
    QCOMPARE(m_server->graphqlUrl(), QUrl(m_server->issuer() + QStringLiteral("/graphql")));
    QCOMPARE(SandboxServer::publicClientId(), QStringLiteral("explorer-sandbox"));
    QCOMPARE(SandboxServer::confidentialClientId(), QStringLiteral("explorer-sandbox-confidential"));
    QCOMPARE(SandboxServer::jwtClientId(), QStringLiteral("explorer-sandbox-jwt"));
    for (const QChar special : {QLatin1Char('+'), QLatin1Char('/'), QLatin1Char('='), QLatin1Char(':')})
        QVERIFY(SandboxServer::confidentialClientSecret().contains(special));
}

void TestSandbox::startFailsOnUsedPort()
{
    SandboxServer second;
    QString error;
    QVERIFY(!second.start(m_server->port(), &error));
    QVERIFY2(error.contains(QString::number(m_server->port())), qPrintable(error));
    QVERIFY(!second.isRunning());

    QVERIFY(!m_server->start(0, &error));
    QVERIFY2(error.contains(QStringLiteral("already runs")), qPrintable(error));
}

void TestSandbox::discoveryDocument()
{
    const Reply reply = get(QStringLiteral("/.well-known/openid-configuration"));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Content-Type").startsWith("application/json"));
    const QJsonObject metadata = reply.json();
    const QString issuer = m_server->issuer();
    QCOMPARE(metadata.value(QStringLiteral("issuer")).toString(), issuer);
    QCOMPARE(metadata.value(QStringLiteral("authorization_endpoint")).toString(), issuer + QStringLiteral("/authorize"));
    QCOMPARE(metadata.value(QStringLiteral("token_endpoint")).toString(), issuer + QStringLiteral("/token"));
    QCOMPARE(metadata.value(QStringLiteral("jwks_uri")).toString(), issuer + QStringLiteral("/jwks"));
    QCOMPARE(metadata.value(QStringLiteral("userinfo_endpoint")).toString(), issuer + QStringLiteral("/userinfo"));
    QCOMPARE(metadata.value(QStringLiteral("device_authorization_endpoint")).toString(), issuer + QStringLiteral("/device_authorization"));
    QCOMPARE(metadata.value(QStringLiteral("revocation_endpoint")).toString(), issuer + QStringLiteral("/revoke"));
    QCOMPARE(metadata.value(QStringLiteral("introspection_endpoint")).toString(), issuer + QStringLiteral("/introspect"));
    QCOMPARE(metadata.value(QStringLiteral("end_session_endpoint")).toString(), issuer + QStringLiteral("/logout"));
    QCOMPARE(metadata.value(QStringLiteral("pushed_authorization_request_endpoint")).toString(), issuer + QStringLiteral("/par"));
    QCOMPARE(metadata.value(QStringLiteral("require_pushed_authorization_requests")), QJsonValue(false));

    const auto list = [&metadata](const char *name) {
        QStringList values;
        for (const QJsonValue &value : metadata.value(QLatin1String(name)).toArray())
            values.append(value.toString());
        return values;
    };
    QCOMPARE(list("response_types_supported"),
             (QStringList{QStringLiteral("code"), QStringLiteral("id_token"), QStringLiteral("id_token token"),
                          QStringLiteral("code id_token"), QStringLiteral("code token"), QStringLiteral("code id_token token")}));
    QCOMPARE(list("response_modes_supported"),
             (QStringList{QStringLiteral("query"), QStringLiteral("fragment"), QStringLiteral("form_post")}));
    QCOMPARE(list("grant_types_supported"), (QStringList{QStringLiteral("authorization_code"), QStringLiteral("implicit"),
                                                        QStringLiteral("refresh_token"), QStringLiteral("client_credentials"),
                                                        QStringLiteral("password"),
                                                        QStringLiteral("urn:ietf:params:oauth:grant-type:device_code")}));
    QCOMPARE(list("subject_types_supported"), QStringList{QStringLiteral("public")});
    QCOMPARE(list("id_token_signing_alg_values_supported"), QStringList{QStringLiteral("RS256")});
    QCOMPARE(list("code_challenge_methods_supported"), QStringList{QStringLiteral("S256")});
    const QStringList secretAndJwtMethods{QStringLiteral("client_secret_basic"), QStringLiteral("client_secret_post"),
                                          QStringLiteral("client_secret_jwt"), QStringLiteral("private_key_jwt")};
    QCOMPARE(list("token_endpoint_auth_methods_supported"), QStringList{QStringLiteral("none")} + secretAndJwtMethods);
    QCOMPARE(list("revocation_endpoint_auth_methods_supported"), QStringList{QStringLiteral("none")} + secretAndJwtMethods);
    QCOMPARE(list("introspection_endpoint_auth_methods_supported"), secretAndJwtMethods);
    const QStringList assertionAlgorithms{QStringLiteral("HS256"), QStringLiteral("RS256"), QStringLiteral("PS256"),
                                          QStringLiteral("ES256")};
    QCOMPARE(list("token_endpoint_auth_signing_alg_values_supported"), assertionAlgorithms);
    QCOMPARE(list("revocation_endpoint_auth_signing_alg_values_supported"), assertionAlgorithms);
    QCOMPARE(list("introspection_endpoint_auth_signing_alg_values_supported"), assertionAlgorithms);
    QCOMPARE(list("scopes_supported"), (QStringList{QStringLiteral("openid"), QStringLiteral("profile"),
                                                    QStringLiteral("email"), QStringLiteral("offline_access")}));
    for (const char *claim : {"sub", "iss", "aud", "exp", "iat", "nonce", "at_hash", "c_hash", "email", "email_verified", "name"})
        QVERIFY2(list("claims_supported").contains(QLatin1String(claim)), claim);
    QCOMPARE(metadata.value(QStringLiteral("authorization_response_iss_parameter_supported")), QJsonValue(true));
}

void TestSandbox::jwksParsesWithJose()
{
    const Reply reply = get(QStringLiteral("/jwks"));
    QCOMPARE(reply.status, 200);
    afx::jose::Jwks jwks;
    QString error;
    QVERIFY2(afx::jose::Jwks::parse(reply.body, &jwks, &error), qPrintable(error));
    QCOMPARE(jwks.keys.size(), 1);
    QVERIFY(jwks.skipped.isEmpty());

    const afx::jose::Jwk &jwk = jwks.keys.first();
    QCOMPARE(jwk.kty, QStringLiteral("RSA"));
    QCOMPARE(jwk.alg, QStringLiteral("RS256"));
    QCOMPARE(jwk.use, QStringLiteral("sig"));
    QVERIFY(!jwk.key.isNull());
    QVERIFY(!jwk.key.hasPrivate());
    QVERIFY(!jwk.json.contains(QStringLiteral("d"))); // no private member leaks

    // The kid is the RFC 7638 thumbprint, computed here independently.
    const QByteArray canonical = "{\"e\":\"" + jwk.json.value(QStringLiteral("e")).toString().toLatin1()
        + "\",\"kty\":\"RSA\",\"n\":\"" + jwk.json.value(QStringLiteral("n")).toString().toLatin1() + "\"}";
    QCOMPARE(jwk.kid, QString::fromLatin1(base64Url(QCryptographicHash::hash(canonical, QCryptographicHash::Sha256))));
    // 2048-bit modulus: 256 bytes, 342 base64url characters.
    QCOMPARE(jwk.json.value(QStringLiteral("n")).toString().size(), 342);
}

void TestSandbox::unknownPathAndMethod()
{
    QCOMPARE(get(QStringLiteral("/nothing-here")).status, 404);
    const Reply wrongMethod = send("DELETE", endpoint(QStringLiteral("/token")));
    QCOMPARE(wrongMethod.status, 405);
    QCOMPARE(wrongMethod.header("Allow"), QByteArray("POST"));
    QCOMPARE(get(QStringLiteral("/login")).status, 405);

    // HEAD is not served, and its 405 response has no body.
    const Reply head = send("HEAD", endpoint(QStringLiteral("/jwks")));
    QCOMPARE(head.status, 405);
    QVERIFY(head.body.isEmpty());
    QCOMPARE(get(QStringLiteral("/jwks")).status, 200); // the connection is still usable
}

void TestSandbox::authorizeShowsLoginPage()
{
    const Reply reply = authorize(AuthorizationRequest());
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Content-Type").startsWith("text/html"));
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    QVERIFY(reply.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
    QVERIFY(reply.header("Location").isEmpty());

    const QString html = QString::fromUtf8(reply.body);
    QVERIFY(html.contains(QStringLiteral("<title>Sandbox sign-in</title>")));
    QVERIFY(html.contains(QStringLiteral("<input id=\"email\"")));
    QVERIFY(html.contains(QStringLiteral("<input id=\"password\"")));
    QVERIFY(html.contains(QStringLiteral("<button id=\"login\"")));
    QVERIFY(html.contains(QStringLiteral(">Sign in</button>")));
    QVERIFY(html.contains(QStringLiteral("<button id=\"cancel\"")));
    QVERIFY(html.contains(QStringLiteral(">Cancel</button>")));
    QVERIFY(html.contains(QStringLiteral("Demo account: demo@example.com / demo-password")));
    QVERIFY(html.contains(QStringLiteral("action=\"/login\"")));
    QVERIFY(!requestIdFromPage(reply.html()).isEmpty());
    // Nothing from the request besides the client and scopes is echoed into the page.
    QVERIFY(!html.contains(QStringLiteral("nonce-12345")));
    QVERIFY(!html.contains(QStringLiteral("state+with")));
    QVERIFY(!html.contains(QStringLiteral("code_challenge")));
}

void TestSandbox::authorizeAcceptsRegisteredRedirects_data()
{
    QTest::addColumn<QString>("redirectUri");
    QTest::newRow("custom scheme") << QStringLiteral("com.example.explorer:/callback");
    QTest::newRow("IPv4 loopback with port") << QStringLiteral("http://127.0.0.1:5555/callback");
    QTest::newRow("IPv4 loopback without port") << QStringLiteral("http://127.0.0.1/callback");
    QTest::newRow("IPv6 loopback with port") << QStringLiteral("http://[::1]:65535/callback");
}

void TestSandbox::authorizeAcceptsRegisteredRedirects()
{
    QFETCH(QString, redirectUri);
    AuthorizationRequest request;
    request.redirectUri = redirectUri;
    const Reply reply = authorize(request);
    QCOMPARE(reply.status, 200);
    QVERIFY(!requestIdFromPage(reply.html()).isEmpty());
}

void TestSandbox::authorizeBadClientOrRedirectShowsPage_data()
{
    QTest::addColumn<QString>("clientId");
    QTest::addColumn<QString>("redirectUri");
    QTest::addColumn<QString>("messagePart");

    const QString client = SandboxServer::publicClientId();
    QTest::newRow("other host") << client << QStringLiteral("https://attacker.example/callback") << QStringLiteral("not registered");
    QTest::newRow("localhost instead of 127.0.0.1") << client << QStringLiteral("http://localhost:8080/callback")
                                                    << QStringLiteral("not registered");
    QTest::newRow("https loopback") << client << QStringLiteral("https://127.0.0.1:8080/callback") << QStringLiteral("not registered");
    QTest::newRow("other path") << client << QStringLiteral("http://127.0.0.1:8080/callback/x") << QStringLiteral("not registered");
    QTest::newRow("query added") << client << QStringLiteral("http://127.0.0.1:8080/callback?next=x") << QStringLiteral("not registered");
    QTest::newRow("fragment added") << client << QStringLiteral("com.example.explorer:/callback#x") << QStringLiteral("not registered");
    QTest::newRow("userinfo host trick") << client << QStringLiteral("http://127.0.0.1:80@attacker.example/callback")
                                         << QStringLiteral("not registered");
    QTest::newRow("longer host") << client << QStringLiteral("http://127.0.0.10:8080/callback") << QStringLiteral("not registered");
    QTest::newRow("port zero") << client << QStringLiteral("http://127.0.0.1:0/callback") << QStringLiteral("not registered");
    QTest::newRow("port too large") << client << QStringLiteral("http://127.0.0.1:65536/callback") << QStringLiteral("not registered");
    QTest::newRow("upper-case scheme") << client << QStringLiteral("HTTP://127.0.0.1:8080/callback") << QStringLiteral("not registered");
    QTest::newRow("other custom path") << client << QStringLiteral("com.example.explorer:/other") << QStringLiteral("not registered");
    QTest::newRow("missing redirect") << client << QString() << QStringLiteral("no redirect_uri");
    QTest::newRow("unknown client") << QStringLiteral("someone-else") << QStringLiteral("http://127.0.0.1:8080/callback")
                                    << QStringLiteral("Unknown client_id");
    QTest::newRow("missing client") << QString() << QStringLiteral("http://127.0.0.1:8080/callback") << QStringLiteral("no client_id");
}

void TestSandbox::authorizeBadClientOrRedirectShowsPage()
{
    QFETCH(QString, clientId);
    QFETCH(QString, redirectUri);
    QFETCH(QString, messagePart);

    QList<QPair<QString, QString>> fields = {{QStringLiteral("response_type"), QStringLiteral("code")},
                                             {QStringLiteral("scope"), QStringLiteral("openid")},
                                             {QStringLiteral("state"), QStringLiteral("s1")},
                                             {QStringLiteral("code_challenge"), pkceChallenge(newVerifier())},
                                             {QStringLiteral("code_challenge_method"), QStringLiteral("S256")}};
    if (!clientId.isEmpty())
        fields.append({QStringLiteral("client_id"), clientId});
    if (!redirectUri.isEmpty())
        fields.append({QStringLiteral("redirect_uri"), redirectUri});
    const Reply reply = send("GET", endpoint(QStringLiteral("/authorize?") + QString::fromLatin1(formBody(fields))));

    QCOMPARE(reply.status, 400);
    QVERIFY(reply.header("Location").isEmpty());
    QVERIFY(reply.header("Content-Type").startsWith("text/html"));
    const QString html = QString::fromUtf8(reply.body);
    QVERIFY(html.contains(QStringLiteral("Sign-in request rejected")));
    QVERIFY2(html.contains(messagePart), qPrintable(html));
    QVERIFY(!html.contains(QStringLiteral("id=\"password\"")));
}

void TestSandbox::authorizeErrorsRedirectBack_data()
{
    QTest::addColumn<QString>("clientId");
    QTest::addColumn<bool>("usePkce");
    QTest::addColumn<QStringList>("override"); // name, value pairs replacing or adding parameters
    QTest::addColumn<QString>("error");

    const QString publicClient = SandboxServer::publicClientId();
    QTest::newRow("public client without PKCE") << publicClient << false << QStringList() << QStringLiteral("invalid_request");
    QTest::newRow("plain PKCE") << publicClient << true
                                << QStringList{QStringLiteral("code_challenge_method"), QStringLiteral("plain")}
                                << QStringLiteral("invalid_request");
    QTest::newRow("short challenge") << publicClient << true << QStringList{QStringLiteral("code_challenge"), QStringLiteral("abc")}
                                     << QStringLiteral("invalid_request");
    QTest::newRow("token response type") << publicClient << true << QStringList{QStringLiteral("response_type"), QStringLiteral("token")}
                                         << QStringLiteral("unsupported_response_type");
    QTest::newRow("scope without openid") << publicClient << true << QStringList{QStringLiteral("scope"), QStringLiteral("profile")}
                                          << QStringLiteral("invalid_scope");
    QTest::newRow("unknown scope") << publicClient << true << QStringList{QStringLiteral("scope"), QStringLiteral("openid admin")}
                                   << QStringLiteral("invalid_scope");
    QTest::newRow("prompt none") << publicClient << true << QStringList{QStringLiteral("prompt"), QStringLiteral("none")}
                                 << QStringLiteral("login_required");
    QTest::newRow("unknown response mode") << publicClient << true
                                           << QStringList{QStringLiteral("response_mode"), QStringLiteral("fragmentary")}
                                           << QStringLiteral("invalid_request");
    QTest::newRow("unknown response type word") << publicClient << true
                                                << QStringList{QStringLiteral("response_type"), QStringLiteral("code device")}
                                                << QStringLiteral("unsupported_response_type");
    QTest::newRow("repeated response type word") << publicClient << true
                                                 << QStringList{QStringLiteral("response_type"), QStringLiteral("code code")}
                                                 << QStringLiteral("unsupported_response_type");
    QTest::newRow("response type none") << publicClient << true
                                        << QStringList{QStringLiteral("response_type"), QStringLiteral("none")}
                                        << QStringLiteral("unsupported_response_type");
    QTest::newRow("upper-case response type") << publicClient << true
                                              << QStringList{QStringLiteral("response_type"), QStringLiteral("CODE")}
                                              << QStringLiteral("unsupported_response_type");
    QTest::newRow("request object") << publicClient << true << QStringList{QStringLiteral("request"), QStringLiteral("eyJ0.x.y")}
                                    << QStringLiteral("request_not_supported");
    QTest::newRow("confidential client plain PKCE")
        << SandboxServer::confidentialClientId() << true
        << QStringList{QStringLiteral("code_challenge_method"), QStringLiteral("plain")} << QStringLiteral("invalid_request");
}

void TestSandbox::authorizeErrorsRedirectBack()
{
    QFETCH(QString, clientId);
    QFETCH(bool, usePkce);
    QFETCH(QStringList, override);
    QFETCH(QString, error);

    AuthorizationRequest request;
    request.clientId = clientId;
    request.usePkce = usePkce;
    QList<QPair<QString, QString>> fields = request.fields();
    for (qsizetype i = 0; i + 1 < override.size(); i += 2) {
        fields.removeIf([&](const auto &field) { return field.first == override.at(i); });
        fields.append({override.at(i), override.at(i + 1)});
    }
    const Reply reply = send("GET", endpoint(QStringLiteral("/authorize?") + QString::fromLatin1(formBody(fields))));

    QCOMPARE(reply.status, 302);
    const Redirect redirect = parseRedirect(reply);
    QCOMPARE(redirect.target, request.redirectUri);
    QCOMPARE(redirect.params.value(QStringLiteral("error")), error);
    QVERIFY(!redirect.params.value(QStringLiteral("error_description")).isEmpty());
    QCOMPARE(redirect.params.value(QStringLiteral("state")), request.state);
    QCOMPARE(redirect.params.value(QStringLiteral("iss")), m_server->issuer());
    QVERIFY(!redirect.params.contains(QStringLiteral("code")));
}

void TestSandbox::loginWrongPassword()
{
    const AuthorizationRequest request;
    const Reply page = authorize(request);
    const QString requestId = requestIdFromPage(page.html());
    QVERIFY(!requestId.isEmpty());

    const Reply wrong = postForm(QStringLiteral("/login"),
                                 formBody({{QStringLiteral("request_id"), requestId},
                                           {QStringLiteral("email"), SandboxServer::demoEmail()},
                                           {QStringLiteral("password"), QStringLiteral("not-the-password")},
                                           {QStringLiteral("action"), QStringLiteral("login")}}));
    QCOMPARE(wrong.status, 200);
    QVERIFY(wrong.header("Location").isEmpty());
    const QString html = QString::fromUtf8(wrong.body);
    QVERIFY(html.contains(QStringLiteral("Wrong email or password.")));
    QVERIFY(html.contains(QStringLiteral("value=\"demo@example.com\"")));
    QVERIFY(!html.contains(QStringLiteral("not-the-password")));
    QCOMPARE(requestIdFromPage(wrong.html()), requestId);

    const Reply unknownUser = postForm(QStringLiteral("/login"),
                                       formBody({{QStringLiteral("request_id"), requestId},
                                                 {QStringLiteral("email"), QStringLiteral("nobody@example.com")},
                                                 {QStringLiteral("password"), SandboxServer::demoPassword()}}));
    QCOMPARE(unknownUser.status, 200);
    QVERIFY(QString::fromUtf8(unknownUser.body).contains(QStringLiteral("Wrong email or password.")));

    // The same sign-in request still works with the right password.
    const Reply right = postForm(QStringLiteral("/login"),
                                 formBody({{QStringLiteral("request_id"), requestId},
                                           {QStringLiteral("email"), QStringLiteral(" DEMO@example.com ")},
                                           {QStringLiteral("password"), SandboxServer::demoPassword()},
                                           {QStringLiteral("action"), QStringLiteral("login")}}));
    QCOMPARE(right.status, 302);
    QVERIFY(!parseRedirect(right).params.value(QStringLiteral("code")).isEmpty());
}

void TestSandbox::loginCancel()
{
    const AuthorizationRequest request;
    const QString requestId = requestIdFromPage(authorize(request).html());
    const Reply reply = postForm(QStringLiteral("/login"), formBody({{QStringLiteral("request_id"), requestId},
                                                                     {QStringLiteral("email"), QString()},
                                                                     {QStringLiteral("password"), QString()},
                                                                     {QStringLiteral("action"), QStringLiteral("cancel")}}));
    QCOMPARE(reply.status, 302);
    const Redirect redirect = parseRedirect(reply);
    QCOMPARE(redirect.target, request.redirectUri);
    QVERIFY2(redirect.location.contains("?error=access_denied&error_description=The+user+cancelled+the+sign-in.&state="),
             redirect.location.constData());
    QCOMPARE(redirect.params.value(QStringLiteral("state")), request.state);
    QCOMPARE(redirect.params.value(QStringLiteral("iss")), m_server->issuer());
    QVERIFY(!redirect.params.contains(QStringLiteral("code")));

    // The request is finished: the id cannot be used again.
    const Reply again = postForm(QStringLiteral("/login"), formBody({{QStringLiteral("request_id"), requestId},
                                                                     {QStringLiteral("action"), QStringLiteral("cancel")}}));
    QCOMPARE(again.status, 400);
}

void TestSandbox::loginSuccessRedirectsWithCode()
{
    AuthorizationRequest request;
    request.redirectUri = QStringLiteral("com.example.explorer:/callback");
    request.state = QStringLiteral("a+b/c=d e:f");
    const QString requestId = requestIdFromPage(authorize(request).html());
    const Reply reply = postForm(QStringLiteral("/login"),
                                 formBody({{QStringLiteral("request_id"), requestId},
                                           {QStringLiteral("email"), SandboxServer::demoEmail()},
                                           {QStringLiteral("password"), SandboxServer::demoPassword()},
                                           {QStringLiteral("action"), QStringLiteral("login")}}));
    QCOMPARE(reply.status, 302);
    const Redirect redirect = parseRedirect(reply);
    QVERIFY(redirect.location.startsWith("com.example.explorer:/callback?code="));
    QVERIFY(!redirect.params.value(QStringLiteral("code")).isEmpty());
    // '+' in a value must arrive as %2B, or the client would read it as a space.
    QVERIFY2(redirect.location.contains("&state=a%2Bb%2Fc%3Dd+e%3Af&"), redirect.location.constData());
    QCOMPARE(redirect.params.value(QStringLiteral("state")), request.state);
    QCOMPARE(redirect.params.value(QStringLiteral("iss")), m_server->issuer());
    QCOMPARE(redirect.params.size(), 3);
}

void TestSandbox::loginUnknownRequestId()
{
    const Reply reply = postForm(QStringLiteral("/login"), formBody({{QStringLiteral("request_id"), QStringLiteral("made-up")},
                                                                     {QStringLiteral("email"), SandboxServer::demoEmail()},
                                                                     {QStringLiteral("password"), SandboxServer::demoPassword()}}));
    QCOMPARE(reply.status, 400);
    QVERIFY(reply.header("Location").isEmpty());
    QVERIFY(QString::fromUtf8(reply.body).contains(QStringLiteral("unknown or has expired")));

    const Reply wrongType = send("POST", endpoint(QStringLiteral("/login")), "{}", {{"Content-Type", "application/json"}});
    QCOMPARE(wrongType.status, 415);
}

void TestSandbox::authorizeResponseModes_data()
{
    QTest::addColumn<QStringList>("modes"); // one response_mode parameter per entry
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::addColumn<QString>("descriptionPart");

    QTest::newRow("query") << QStringList{QStringLiteral("query")} << 200 << QString() << QString();
    QTest::newRow("form_post") << QStringList{QStringLiteral("form_post")} << 200 << QString() << QString();
    QTest::newRow("fragment") << QStringList{QStringLiteral("fragment")} << 200 << QString() << QString();
    QTest::newRow("unknown mode") << QStringList{QStringLiteral("web_message")} << 302 << QStringLiteral("invalid_request")
                                  << QStringLiteral("use query, fragment or form_post");
    QTest::newRow("empty mode") << QStringList{QString()} << 302 << QStringLiteral("invalid_request")
                                << QStringLiteral("use query, fragment or form_post");
    QTest::newRow("upper-case FORM_POST") << QStringList{QStringLiteral("FORM_POST")} << 302
                                          << QStringLiteral("invalid_request") << QStringLiteral("use query, fragment or form_post");
    // A repeated response_mode cannot choose a mode, so its error goes back in the query.
    QTest::newRow("repeated form_post") << QStringList{QStringLiteral("form_post"), QStringLiteral("form_post")} << 302
                                        << QStringLiteral("invalid_request") << QStringLiteral("more than once");
}

void TestSandbox::authorizeResponseModes()
{
    QFETCH(QStringList, modes);
    QFETCH(int, status);
    QFETCH(QString, error);
    QFETCH(QString, descriptionPart);

    AuthorizationRequest request;
    for (const QString &mode : modes)
        request.extra.append({QStringLiteral("response_mode"), mode});
    const Reply reply = authorize(request);

    QCOMPARE(reply.status, status);
    if (status == 200) {
        QVERIFY(!requestIdFromPage(reply.html()).isEmpty());
        return;
    }
    const Redirect redirect = parseRedirect(reply);
    QCOMPARE(redirect.target, request.redirectUri);
    QCOMPARE(redirect.params.value(QStringLiteral("error")), error);
    const QString description = redirect.params.value(QStringLiteral("error_description"));
    QVERIFY2(description.contains(descriptionPart), qPrintable(description));
    QCOMPARE(redirect.params.value(QStringLiteral("state")), request.state);
    QCOMPARE(redirect.params.value(QStringLiteral("iss")), m_server->issuer());
}

void TestSandbox::formPostLoginReturnsAutoSubmitPage()
{
    AuthorizationRequest request;
    request.extra.append({QStringLiteral("response_mode"), QStringLiteral("form_post")});
    const Reply reply = submitLogin(request, QStringLiteral("login"));

    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Location").isEmpty());
    QVERIFY(reply.header("Content-Type").startsWith("text/html"));
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));

    const FormPostPage page = parseFormPostPage(reply.body);
    QCOMPARE(page.formCount, 1);
    QCOMPARE(page.action, request.redirectUri);
    QCOMPARE(page.names(), (QStringList{QStringLiteral("code"), QStringLiteral("state"), QStringLiteral("iss")}));
    const QString code = page.value(QStringLiteral("code"));
    QVERIFY(!code.isEmpty());
    QCOMPARE(page.value(QStringLiteral("state")), request.state);
    QCOMPARE(page.value(QStringLiteral("iss")), m_server->issuer());

    const QString html = QString::fromUtf8(reply.body);
    QVERIFY(html.contains(QStringLiteral("<button type=\"submit\" id=\"continue\">Continue</button>")));

    // The inline script may run only because the page's policy names its SHA-256 hash.
    static const QRegularExpression scriptElement(QStringLiteral("<script>(.*)</script>"),
                                                  QRegularExpression::DotMatchesEverythingOption
                                                      | QRegularExpression::InvertedGreedinessOption);
    const QRegularExpressionMatch script = scriptElement.match(html);
    QVERIFY(script.hasMatch());
    QVERIFY(script.captured(1).contains(QStringLiteral("submit()")));
    const QByteArray scriptHash =
        QCryptographicHash::hash(script.captured(1).toUtf8(), QCryptographicHash::Sha256).toBase64();
    const QByteArray policy = reply.header("Content-Security-Policy");
    QVERIFY2(policy.contains("script-src 'sha256-" + scriptHash + "'"), policy.constData());
    QVERIFY2(policy.contains("frame-ancestors 'none'"), policy.constData());
    QVERIFY2(policy.contains("default-src 'none'"), policy.constData());

    const Reply tokens = exchangeCode(request, code);
    QCOMPARE(tokens.status, 200);
    QVERIFY(!tokens.jsonString(QStringLiteral("access_token")).isEmpty());
    QVERIFY(!tokens.jsonString(QStringLiteral("id_token")).isEmpty());
}

void TestSandbox::formPostCancelPostsAccessDenied()
{
    AuthorizationRequest request;
    request.extra.append({QStringLiteral("response_mode"), QStringLiteral("form_post")});
    const Reply reply = submitLogin(request, QStringLiteral("cancel"));

    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Location").isEmpty());
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    const FormPostPage page = parseFormPostPage(reply.body);
    QCOMPARE(page.formCount, 1);
    QCOMPARE(page.action, request.redirectUri);
    QCOMPARE(page.value(QStringLiteral("error")), QStringLiteral("access_denied"));
    QCOMPARE(page.value(QStringLiteral("error_description")), QStringLiteral("The user cancelled the sign-in."));
    QCOMPARE(page.value(QStringLiteral("state")), request.state);
    QCOMPARE(page.value(QStringLiteral("iss")), m_server->issuer());
    QVERIFY(!page.names().contains(QStringLiteral("code")));
}

void TestSandbox::formPostAuthorizeErrorPostsBack()
{
    AuthorizationRequest request;
    request.extra.append({QStringLiteral("response_mode"), QStringLiteral("form_post")});
    request.extra.append({QStringLiteral("prompt"), QStringLiteral("none")});
    const Reply reply = authorize(request);

    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Location").isEmpty());
    const FormPostPage page = parseFormPostPage(reply.body);
    QCOMPARE(page.formCount, 1);
    QCOMPARE(page.action, request.redirectUri);
    QCOMPARE(page.value(QStringLiteral("error")), QStringLiteral("login_required"));
    QCOMPARE(page.value(QStringLiteral("state")), request.state);
    QCOMPARE(page.value(QStringLiteral("iss")), m_server->issuer());

    // An unregistered redirect URI still gets the error page, never a form that posts to it.
    AuthorizationRequest unregistered;
    unregistered.redirectUri = QStringLiteral("https://attacker.example/callback");
    unregistered.extra.append({QStringLiteral("response_mode"), QStringLiteral("form_post")});
    const Reply rejected = authorize(unregistered);
    QCOMPARE(rejected.status, 400);
    QCOMPARE(parseFormPostPage(rejected.body).formCount, 0);
    QVERIFY(QString::fromUtf8(rejected.body).contains(QStringLiteral("not registered")));
}

void TestSandbox::formPostPageEscapesValues()
{
    AuthorizationRequest request;
    request.state = QStringLiteral("x\"><script>alert(1)</script>&y'z");
    request.extra.append({QStringLiteral("response_mode"), QStringLiteral("form_post")});
    const Reply reply = submitLogin(request, QStringLiteral("login"));
    QCOMPARE(reply.status, 200);

    const QString html = QString::fromUtf8(reply.body);
    QVERIFY2(html.contains(QStringLiteral("value=\"x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;y'z\"")),
             qPrintable(html));
    QVERIFY(!html.contains(QStringLiteral("<script>alert(1)")));
    QCOMPARE(html.count(QStringLiteral("<script>")), 1);

    const FormPostPage page = parseFormPostPage(reply.body);
    QCOMPARE(page.value(QStringLiteral("state")), request.state);
    QVERIFY(!page.value(QStringLiteral("code")).isEmpty());
}

void TestSandbox::implicitIdTokenInFragment()
{
    AuthorizationRequest request;
    request.responseType = QStringLiteral("id_token");
    request.usePkce = false; // no code, so PKCE does not apply, even for the public client
    const Reply reply = submitLogin(request, QStringLiteral("login"));

    QCOMPARE(reply.status, 302);
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    const Redirect redirect = parseRedirect(reply);
    QCOMPARE(redirect.target, request.redirectUri);
    QVERIFY2(redirect.location.startsWith(request.redirectUri.toUtf8() + "#id_token="), redirect.location.constData());
    QVERIFY(redirect.params.isEmpty());
    QCOMPARE(redirect.fragment.keys(), (QStringList{QStringLiteral("id_token"), QStringLiteral("iss"), QStringLiteral("state")}));
    QCOMPARE(redirect.fragment.value(QStringLiteral("state")), request.state);
    QCOMPARE(redirect.fragment.value(QStringLiteral("iss")), m_server->issuer());

    const QJsonObject claims = verifiedClaims(redirect.fragment.value(QStringLiteral("id_token")));
    QVERIFY(!claims.isEmpty());
    QCOMPARE(claims.value(QStringLiteral("iss")).toString(), m_server->issuer());
    QCOMPARE(claims.value(QStringLiteral("aud")).toString(), SandboxServer::publicClientId());
    QCOMPARE(claims.value(QStringLiteral("sub")).toString(), QStringLiteral("demo-user-1"));
    QCOMPARE(claims.value(QStringLiteral("nonce")).toString(), request.nonce);
    QCOMPARE(claims.value(QStringLiteral("email")).toString(), SandboxServer::demoEmail());
    QCOMPARE(claims.value(QStringLiteral("exp")).toInteger(), claims.value(QStringLiteral("iat")).toInteger() + 300);
    QVERIFY(!claims.contains(QStringLiteral("at_hash")));
    QVERIFY(!claims.contains(QStringLiteral("c_hash")));
}

void TestSandbox::implicitIdTokenTokenAnyOrder()
{
    AuthorizationRequest request;
    request.responseType = QStringLiteral("token id_token");
    request.usePkce = false;
    const Reply reply = submitLogin(request, QStringLiteral("login"));

    QCOMPARE(reply.status, 302);
    const Redirect redirect = parseRedirect(reply);
    QCOMPARE(redirect.target, request.redirectUri);
    QVERIFY(redirect.params.isEmpty());
    QCOMPARE(redirect.fragment.keys(),
             (QStringList{QStringLiteral("access_token"), QStringLiteral("expires_in"), QStringLiteral("id_token"),
                          QStringLiteral("iss"), QStringLiteral("state"), QStringLiteral("token_type")}));
    QCOMPARE(redirect.fragment.value(QStringLiteral("token_type")), QStringLiteral("Bearer"));
    QCOMPARE(redirect.fragment.value(QStringLiteral("expires_in")), QStringLiteral("300"));
    QCOMPARE(redirect.fragment.value(QStringLiteral("state")), request.state);

    const QString accessToken = redirect.fragment.value(QStringLiteral("access_token"));
    const QJsonObject idClaims = verifiedClaims(redirect.fragment.value(QStringLiteral("id_token")));
    QVERIFY(!idClaims.isEmpty());
    QCOMPARE(idClaims.value(QStringLiteral("nonce")).toString(), request.nonce);
    QCOMPARE(idClaims.value(QStringLiteral("at_hash")).toString(), rs256HalfHash(accessToken));
    QVERIFY(!idClaims.contains(QStringLiteral("c_hash")));

    // The access token is the same kind the token endpoint issues.
    const std::optional<afx::jose::CompactJws> access = afx::jose::CompactJws::parse(accessToken.toLatin1(), nullptr);
    QVERIFY(access);
    QCOMPARE(access->header.value(QStringLiteral("typ")).toString(), QStringLiteral("at+jwt"));
    QCOMPARE(access->claims.value(QStringLiteral("aud")).toString(), m_server->graphqlUrl().toString());
    QCOMPARE(access->claims.value(QStringLiteral("client_id")).toString(), SandboxServer::publicClientId());
    QCOMPARE(access->claims.value(QStringLiteral("scope")).toString(), request.scope);
    QVERIFY(!verifiedClaims(accessToken).isEmpty());

    const Reply userinfo = get(QStringLiteral("/userinfo"), {{"Authorization", "Bearer " + accessToken.toLatin1()}});
    QCOMPARE(userinfo.status, 200);
    QCOMPARE(userinfo.jsonString(QStringLiteral("sub")), QStringLiteral("demo-user-1"));
    const Reply graphql = postGraphql(accessToken, {{QStringLiteral("query"), QStringLiteral("{ me { sub } }")}});
    QCOMPARE(graphql.status, 200);
    QCOMPARE(graphql.body, QByteArray("{\"data\":{\"me\":{\"sub\":\"demo-user-1\"}}}"));
}

void TestSandbox::implicitFormPost()
{
    AuthorizationRequest request;
    request.responseType = QStringLiteral("id_token token");
    request.usePkce = false;
    request.extra.append({QStringLiteral("response_mode"), QStringLiteral("form_post")});
    const Reply reply = submitLogin(request, QStringLiteral("login"));

    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Location").isEmpty());
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    const FormPostPage page = parseFormPostPage(reply.body);
    QCOMPARE(page.formCount, 1);
    QCOMPARE(page.action, request.redirectUri);
    QCOMPARE(page.names(), (QStringList{QStringLiteral("access_token"), QStringLiteral("token_type"), QStringLiteral("expires_in"),
                                        QStringLiteral("id_token"), QStringLiteral("state"), QStringLiteral("iss")}));
    const QJsonObject idClaims = verifiedClaims(page.value(QStringLiteral("id_token")));
    QCOMPARE(idClaims.value(QStringLiteral("at_hash")).toString(), rs256HalfHash(page.value(QStringLiteral("access_token"))));
    QCOMPARE(idClaims.value(QStringLiteral("nonce")).toString(), request.nonce);
}

void TestSandbox::implicitCancelGoesToFragment()
{
    AuthorizationRequest request;
    request.responseType = QStringLiteral("id_token");
    request.usePkce = false;
    const Reply reply = submitLogin(request, QStringLiteral("cancel"));

    QCOMPARE(reply.status, 302);
    const Redirect redirect = parseRedirect(reply);
    QCOMPARE(redirect.target, request.redirectUri);
    QVERIFY(redirect.params.isEmpty());
    QCOMPARE(redirect.fragment.value(QStringLiteral("error")), QStringLiteral("access_denied"));
    QCOMPARE(redirect.fragment.value(QStringLiteral("state")), request.state);
    QCOMPARE(redirect.fragment.value(QStringLiteral("iss")), m_server->issuer());
    QVERIFY(!redirect.fragment.contains(QStringLiteral("id_token")));
}

void TestSandbox::implicitErrors_data()
{
    QTest::addColumn<QString>("responseType");
    QTest::addColumn<QString>("nonce");
    QTest::addColumn<bool>("usePkce");
    QTest::addColumn<QStringList>("extra"); // name, value pairs appended to the request
    QTest::addColumn<QString>("error");
    QTest::addColumn<QString>("descriptionPart");
    QTest::addColumn<bool>("inFragment"); // false: the error is in the query

    const QString nonce = QStringLiteral("nonce-12345");
    const QStringList none;
    const QStringList queryMode{QStringLiteral("response_mode"), QStringLiteral("query")};
    QTest::newRow("id_token without nonce") << QStringLiteral("id_token") << QString() << false << none
                                            << QStringLiteral("invalid_request") << QStringLiteral("nonce is required") << true;
    QTest::newRow("code id_token without nonce") << QStringLiteral("code id_token") << QString() << true << none
                                                 << QStringLiteral("invalid_request") << QStringLiteral("nonce is required")
                                                 << true;
    QTest::newRow("query mode with id_token token") << QStringLiteral("id_token token") << nonce << false << queryMode
                                                    << QStringLiteral("invalid_request")
                                                    << QStringLiteral("response_mode=query is not allowed") << true;
    QTest::newRow("query mode with code token") << QStringLiteral("code token") << nonce << true << queryMode
                                                << QStringLiteral("invalid_request")
                                                << QStringLiteral("response_mode=query is not allowed") << true;
    QTest::newRow("public code token without PKCE") << QStringLiteral("code token") << nonce << false << none
                                                    << QStringLiteral("invalid_request") << QStringLiteral("PKCE is required")
                                                    << true;
    QTest::newRow("prompt none with id_token") << QStringLiteral("id_token") << nonce << false
                                               << QStringList{QStringLiteral("prompt"), QStringLiteral("none")}
                                               << QStringLiteral("login_required") << QStringLiteral("prompt=none") << true;
    QTest::newRow("unknown scope with id_token") << QStringLiteral("id_token") << nonce << false
                                                 << QStringList{QStringLiteral("scope"), QStringLiteral("openid admin")}
                                                 << QStringLiteral("invalid_scope") << QStringLiteral("Unknown scope admin")
                                                 << true;
    QTest::newRow("token alone") << QStringLiteral("token") << nonce << false << none
                                 << QStringLiteral("unsupported_response_type") << QStringLiteral("response_type=token")
                                 << false;
    QTest::newRow("repeated response_type") << QStringLiteral("id_token") << nonce << false
                                            << QStringList{QStringLiteral("response_type"), QStringLiteral("id_token")}
                                            << QStringLiteral("invalid_request") << QStringLiteral("more than once") << false;
}

void TestSandbox::implicitErrors()
{
    QFETCH(QString, responseType);
    QFETCH(QString, nonce);
    QFETCH(bool, usePkce);
    QFETCH(QStringList, extra);
    QFETCH(QString, error);
    QFETCH(QString, descriptionPart);
    QFETCH(bool, inFragment);

    AuthorizationRequest request;
    request.responseType = responseType;
    request.nonce = nonce;
    request.usePkce = usePkce;
    QList<QPair<QString, QString>> fields = request.fields();
    for (qsizetype i = 0; i + 1 < extra.size(); i += 2) {
        // A second response_type is appended, everything else replaces the request's value.
        if (extra.at(i) != QLatin1String("response_type"))
            fields.removeIf([&](const auto &field) { return field.first == extra.at(i); });
        fields.append({extra.at(i), extra.at(i + 1)});
    }
    const Reply reply = send("GET", endpoint(QStringLiteral("/authorize?") + QString::fromLatin1(formBody(fields))));

    QCOMPARE(reply.status, 302);
    const Redirect redirect = parseRedirect(reply);
    QCOMPARE(redirect.target, request.redirectUri);
    const QMap<QString, QString> params = inFragment ? redirect.fragment : redirect.params;
    QVERIFY2(inFragment ? redirect.params.isEmpty() : redirect.fragment.isEmpty(), redirect.location.constData());
    QCOMPARE(params.value(QStringLiteral("error")), error);
    const QString description = params.value(QStringLiteral("error_description"));
    QVERIFY2(description.contains(descriptionPart), qPrintable(description));
    QCOMPARE(params.value(QStringLiteral("state")), request.state);
    QCOMPARE(params.value(QStringLiteral("iss")), m_server->issuer());
    QVERIFY(!params.contains(QStringLiteral("id_token")));
    QVERIFY(!params.contains(QStringLiteral("access_token")));
    QVERIFY(!params.contains(QStringLiteral("code")));
}

void TestSandbox::hybridHashesAndCodeRedemption_data()
{
    QTest::addColumn<QString>("responseType");
    QTest::addColumn<QString>("clientId");
    QTest::addColumn<bool>("usePkce");
    QTest::addColumn<QString>("nonce");

    const QString publicClient = SandboxServer::publicClientId();
    QTest::newRow("code id_token") << QStringLiteral("code id_token") << publicClient << true << QStringLiteral("n-hybrid-1");
    QTest::newRow("code token") << QStringLiteral("code token") << publicClient << true << QStringLiteral("n-hybrid-2");
    QTest::newRow("code token without nonce") << QStringLiteral("code token") << publicClient << true << QString();
    QTest::newRow("code id_token token") << QStringLiteral("code id_token token") << publicClient << true
                                         << QStringLiteral("n-hybrid-3");
    QTest::newRow("confidential token id_token code") << QStringLiteral("token id_token code")
                                                      << SandboxServer::confidentialClientId() << false
                                                      << QStringLiteral("n-hybrid-4");
}

void TestSandbox::hybridHashesAndCodeRedemption()
{
    QFETCH(QString, responseType);
    QFETCH(QString, clientId);
    QFETCH(bool, usePkce);
    QFETCH(QString, nonce);

    AuthorizationRequest request;
    request.responseType = responseType;
    request.clientId = clientId;
    request.usePkce = usePkce;
    request.nonce = nonce;
    const QStringList words = responseType.split(QLatin1Char(' '));
    const Reply reply = submitLogin(request, QStringLiteral("login"));

    QCOMPARE(reply.status, 302);
    const Redirect redirect = parseRedirect(reply);
    QCOMPARE(redirect.target, request.redirectUri);
    QVERIFY(redirect.params.isEmpty());
    const QMap<QString, QString> &fragment = redirect.fragment;
    const QString code = fragment.value(QStringLiteral("code"));
    QVERIFY(!code.isEmpty());
    QCOMPARE(fragment.value(QStringLiteral("state")), request.state);
    QCOMPARE(fragment.value(QStringLiteral("iss")), m_server->issuer());
    QCOMPARE(fragment.contains(QStringLiteral("access_token")), words.contains(QStringLiteral("token")));
    QCOMPARE(fragment.contains(QStringLiteral("id_token")), words.contains(QStringLiteral("id_token")));
    QVERIFY(!fragment.contains(QStringLiteral("refresh_token")));

    const QString frontAccessToken = fragment.value(QStringLiteral("access_token"));
    if (words.contains(QStringLiteral("token"))) {
        QCOMPARE(fragment.value(QStringLiteral("token_type")), QStringLiteral("Bearer"));
        QCOMPARE(fragment.value(QStringLiteral("expires_in")), QStringLiteral("300"));
        QCOMPARE(get(QStringLiteral("/userinfo"), {{"Authorization", "Bearer " + frontAccessToken.toLatin1()}}).status, 200);
    }
    if (words.contains(QStringLiteral("id_token"))) {
        const QJsonObject claims = verifiedClaims(fragment.value(QStringLiteral("id_token")));
        QVERIFY(!claims.isEmpty());
        QCOMPARE(claims.value(QStringLiteral("aud")).toString(), clientId);
        QCOMPARE(claims.value(QStringLiteral("nonce")).toString(), nonce);
        QCOMPARE(claims.value(QStringLiteral("c_hash")).toString(), rs256HalfHash(code));
        if (words.contains(QStringLiteral("token")))
            QCOMPARE(claims.value(QStringLiteral("at_hash")).toString(), rs256HalfHash(frontAccessToken));
        else
            QVERIFY(!claims.contains(QStringLiteral("at_hash")));
    }

    // The code from the fragment is redeemed at the token endpoint as in the code flow.
    QList<QPair<QString, QString>> tokenFields = {{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                                  {QStringLiteral("code"), code},
                                                  {QStringLiteral("redirect_uri"), request.redirectUri},
                                                  {QStringLiteral("client_id"), clientId}};
    if (usePkce)
        tokenFields.append({QStringLiteral("code_verifier"), request.verifier});
    if (clientId == SandboxServer::confidentialClientId())
        tokenFields.append({QStringLiteral("client_secret"), SandboxServer::confidentialClientSecret()});
    const Reply tokens = postForm(QStringLiteral("/token"), formBody(tokenFields));
    QCOMPARE(tokens.status, 200);
    QVERIFY(!tokens.jsonString(QStringLiteral("refresh_token")).isEmpty());
    const QJsonObject idClaims = verifiedClaims(tokens.jsonString(QStringLiteral("id_token")));
    QCOMPARE(idClaims.value(QStringLiteral("sub")).toString(), QStringLiteral("demo-user-1"));
    QCOMPARE(idClaims.value(QStringLiteral("nonce")).toString(), nonce);
    QCOMPARE(idClaims.contains(QStringLiteral("nonce")), !nonce.isEmpty());
    QCOMPARE(idClaims.value(QStringLiteral("at_hash")).toString(), rs256HalfHash(tokens.jsonString(QStringLiteral("access_token"))));
    QVERIFY(!idClaims.contains(QStringLiteral("c_hash")));

    // A second redemption fails and revokes the grant, the front channel's access token included.
    const Reply again = postForm(QStringLiteral("/token"), formBody(tokenFields));
    QCOMPARE(again.status, 400);
    QCOMPARE(again.jsonString(QStringLiteral("error")), QStringLiteral("invalid_grant"));
    if (words.contains(QStringLiteral("token")))
        QCOMPARE(get(QStringLiteral("/userinfo"), {{"Authorization", "Bearer " + frontAccessToken.toLatin1()}}).status, 401);
}

void TestSandbox::codeInFragmentOnRequest()
{
    AuthorizationRequest request;
    request.extra.append({QStringLiteral("response_mode"), QStringLiteral("fragment")});
    const Reply reply = submitLogin(request, QStringLiteral("login"));

    QCOMPARE(reply.status, 302);
    const Redirect redirect = parseRedirect(reply);
    QVERIFY2(redirect.location.startsWith(request.redirectUri.toUtf8() + "#code="), redirect.location.constData());
    QVERIFY(redirect.params.isEmpty());
    QCOMPARE(redirect.fragment.keys(), (QStringList{QStringLiteral("code"), QStringLiteral("iss"), QStringLiteral("state")}));
    QCOMPARE(redirect.fragment.value(QStringLiteral("state")), request.state);
    QCOMPARE(exchangeCode(request, redirect.fragment.value(QStringLiteral("code"))).status, 200);
}

void TestSandbox::deviceAuthorizationResponse()
{
    const Reply reply = startDeviceAuthorization(SandboxServer::publicClientId());
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Content-Type").startsWith("application/json"));
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    const QJsonObject body = reply.json();
    QCOMPARE(body.keys(), (QStringList{QStringLiteral("device_code"), QStringLiteral("expires_in"), QStringLiteral("interval"),
                                       QStringLiteral("user_code"), QStringLiteral("verification_uri"),
                                       QStringLiteral("verification_uri_complete")}));
    QVERIFY(body.value(QStringLiteral("device_code")).toString().size() >= 43);
    const QString userCode = body.value(QStringLiteral("user_code")).toString();
    static const QRegularExpression format(QStringLiteral("^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$"));
    QVERIFY2(format.match(userCode).hasMatch(), qPrintable(userCode));
    QCOMPARE(body.value(QStringLiteral("verification_uri")).toString(), m_server->issuer() + QStringLiteral("/device"));
    QCOMPARE(body.value(QStringLiteral("verification_uri_complete")).toString(),
             m_server->issuer() + QStringLiteral("/device?user_code=") + userCode);
    QCOMPARE(body.value(QStringLiteral("expires_in")).toInteger(), 600);
    QCOMPARE(body.value(QStringLiteral("interval")).toInteger(), 5);

    const Reply second = startDeviceAuthorization(SandboxServer::confidentialClientId(), QStringLiteral("openid"));
    QCOMPARE(second.status, 200);
    QVERIFY(second.jsonString(QStringLiteral("device_code")) != body.value(QStringLiteral("device_code")).toString());
    QVERIFY(second.jsonString(QStringLiteral("user_code")) != userCode);

    m_server->setDeviceCodeInterval(1);
    QCOMPARE(startDeviceAuthorization(SandboxServer::publicClientId()).json().value(QStringLiteral("interval")).toInteger(), 1);

    // verification_uri_complete opens the page with the code filled in.
    const Reply page = send("GET", QUrl(body.value(QStringLiteral("verification_uri_complete")).toString()));
    QCOMPARE(page.status, 200);
    QVERIFY(page.header("Content-Type").startsWith("text/html"));
    QCOMPARE(userCodeFieldFromPage(page.body), userCode);
    QVERIFY(QString::fromUtf8(page.body).contains(QStringLiteral("<button id=\"continue\"")));
    QCOMPARE(userCodeFieldFromPage(get(QStringLiteral("/device")).body), QString());
}

void TestSandbox::deviceAuthorizationErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");

    const QByteArray form = "application/x-www-form-urlencoded";
    const QByteArray publicClient = "client_id=" + SandboxServer::publicClientId().toLatin1();
    QTest::newRow("no client") << QByteArray("scope=openid") << form << 400 << QStringLiteral("invalid_client");
    QTest::newRow("unknown client") << QByteArray("client_id=someone&scope=openid") << form << 400 << QStringLiteral("invalid_client");
    QTest::newRow("confidential without secret") << ("client_id=" + SandboxServer::confidentialClientId().toLatin1() + "&scope=openid")
                                                 << form << 400 << QStringLiteral("invalid_client");
    QTest::newRow("public with secret") << (publicClient + "&client_secret=x&scope=openid") << form << 400
                                        << QStringLiteral("invalid_client");
    QTest::newRow("no scope") << publicClient << form << 400 << QStringLiteral("invalid_scope");
    QTest::newRow("unknown scope") << (publicClient + "&scope=openid+admin") << form << 400 << QStringLiteral("invalid_scope");
    QTest::newRow("repeated scope") << (publicClient + "&scope=openid&scope=email") << form << 400
                                    << QStringLiteral("invalid_request");
    QTest::newRow("JSON body") << QByteArray("{\"client_id\":\"explorer-sandbox\"}") << QByteArray("application/json") << 400
                               << QStringLiteral("invalid_request");
    QTest::newRow("broken percent escape") << (publicClient + "&scope=%zz") << form << 400 << QStringLiteral("invalid_request");
}

void TestSandbox::deviceAuthorizationErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(int, status);
    QFETCH(QString, error);

    const Reply reply = send("POST", endpoint(QStringLiteral("/device_authorization")), body, {{"Content-Type", contentType}});
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.jsonString(QStringLiteral("error")), error);
    QVERIFY(!reply.jsonString(QStringLiteral("error_description")).isEmpty());
    QVERIFY(!reply.json().contains(QStringLiteral("device_code")));
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
}

void TestSandbox::deviceFlowApproved_data()
{
    QTest::addColumn<QString>("clientId");
    QTest::newRow("public client") << SandboxServer::publicClientId();
    QTest::newRow("confidential client") << SandboxServer::confidentialClientId();
}

void TestSandbox::deviceFlowApproved()
{
    QFETCH(QString, clientId);
    m_server->setDeviceCodeInterval(0);
    const Reply started = startDeviceAuthorization(clientId);
    QCOMPARE(started.status, 200);
    const QString deviceCode = started.jsonString(QStringLiteral("device_code"));
    const QString userCode = started.jsonString(QStringLiteral("user_code"));

    const Reply pending = pollDeviceToken(clientId, deviceCode);
    QCOMPARE(pending.status, 400);
    QCOMPARE(pending.jsonString(QStringLiteral("error")), QStringLiteral("authorization_pending"));
    QVERIFY(!pending.json().contains(QStringLiteral("access_token")));

    // The user types the code in lower case and without the hyphen.
    const QString typed = userCode.toLower().remove(QLatin1Char('-'));
    const Reply consent = openDeviceConsent(typed);
    QCOMPARE(consent.status, 200);
    const QString html = QString::fromUtf8(consent.body);
    QVERIFY2(html.contains(QStringLiteral("Allow <code>%1</code> to sign in on the device?").arg(clientId)), qPrintable(html));
    QVERIFY(html.contains(QStringLiteral("<button id=\"approve\"")));
    QVERIFY(html.contains(QStringLiteral("<button id=\"deny\"")));
    QCOMPARE(pollDeviceToken(clientId, deviceCode).jsonString(QStringLiteral("error")), QStringLiteral("authorization_pending"));

    const Reply done = postForm(QStringLiteral("/device"), formBody({{QStringLiteral("consent_id"), consentIdFromPage(consent.body)},
                                                                     {QStringLiteral("action"), QStringLiteral("approve")}}));
    QCOMPARE(done.status, 200);
    QVERIFY(QString::fromUtf8(done.body).contains(QStringLiteral("Device signed in")));

    // Another client cannot redeem this device code.
    const QString otherClient = clientId == SandboxServer::publicClientId() ? SandboxServer::confidentialClientId()
                                                                            : SandboxServer::publicClientId();
    QCOMPARE(pollDeviceToken(otherClient, deviceCode).jsonString(QStringLiteral("error")), QStringLiteral("invalid_grant"));

    const Reply tokens = pollDeviceToken(clientId, deviceCode);
    QCOMPARE(tokens.status, 200);
    QCOMPARE(tokens.header("Cache-Control"), QByteArray("no-store"));
    QCOMPARE(tokens.jsonString(QStringLiteral("token_type")), QStringLiteral("Bearer"));
    QCOMPARE(tokens.jsonString(QStringLiteral("scope")), QStringLiteral("openid profile email"));
    QVERIFY(!tokens.jsonString(QStringLiteral("refresh_token")).isEmpty());
    const QJsonObject idClaims = verifiedClaims(tokens.jsonString(QStringLiteral("id_token")));
    QCOMPARE(idClaims.value(QStringLiteral("aud")).toString(), clientId);
    QCOMPARE(idClaims.value(QStringLiteral("sub")).toString(), QStringLiteral("demo-user-1"));
    QVERIFY(!idClaims.contains(QStringLiteral("nonce")));
    const QString accessToken = tokens.jsonString(QStringLiteral("access_token"));
    QCOMPARE(get(QStringLiteral("/userinfo"), {{"Authorization", "Bearer " + accessToken.toLatin1()}}).status, 200);

    // The device code works once, and the user code cannot be entered again.
    const Reply second = pollDeviceToken(clientId, deviceCode);
    QCOMPARE(second.status, 400);
    QCOMPARE(second.jsonString(QStringLiteral("error")), QStringLiteral("invalid_grant"));
    QVERIFY(!second.json().contains(QStringLiteral("access_token")));
    const Reply reentered = postForm(QStringLiteral("/device"), formBody({{QStringLiteral("user_code"), userCode}}));
    QVERIFY(QString::fromUtf8(reentered.body).contains(QStringLiteral("was already used")));
    QVERIFY(requestIdFromPage(reentered.html()).isEmpty());
}

void TestSandbox::deviceFlowSlowDown()
{
    // The sandbox's clock has whole seconds, and a test's requests take well under one, so
    // "immediately" below means 0 or 1 second: less than every interval used here.
    m_server->setDeviceCodeInterval(5);
    const QString clientId = SandboxServer::publicClientId();
    const QString deviceCode = startDeviceAuthorization(clientId).jsonString(QStringLiteral("device_code"));
    QVERIFY(!deviceCode.isEmpty());

    const Reply tooEarly = pollDeviceToken(clientId, deviceCode);
    QCOMPARE(tooEarly.jsonString(QStringLiteral("error")), QStringLiteral("slow_down"));
    QVERIFY2(tooEarly.jsonString(QStringLiteral("error_description")).contains(QStringLiteral("now 10 seconds")),
             qPrintable(tooEarly.jsonString(QStringLiteral("error_description"))));

    m_server->advanceClock(10);
    QCOMPARE(pollDeviceToken(clientId, deviceCode).jsonString(QStringLiteral("error")), QStringLiteral("authorization_pending"));
    const Reply immediately = pollDeviceToken(clientId, deviceCode);
    QCOMPARE(immediately.status, 400);
    QCOMPARE(immediately.jsonString(QStringLiteral("error")), QStringLiteral("slow_down"));
    QVERIFY2(immediately.jsonString(QStringLiteral("error_description")).contains(QStringLiteral("now 15 seconds")),
             qPrintable(immediately.jsonString(QStringLiteral("error_description"))));

    // 11 seconds would have been enough before the last slow_down (interval 10), but now 15 are needed.
    m_server->advanceClock(11);
    QCOMPARE(pollDeviceToken(clientId, deviceCode).jsonString(QStringLiteral("error")), QStringLiteral("slow_down"));
    m_server->advanceClock(21);
    QCOMPARE(pollDeviceToken(clientId, deviceCode).jsonString(QStringLiteral("error")), QStringLiteral("authorization_pending"));

    // Another device code starts with the configured interval again.
    const QString otherCode = startDeviceAuthorization(clientId).jsonString(QStringLiteral("device_code"));
    m_server->advanceClock(5);
    QCOMPARE(pollDeviceToken(clientId, otherCode).jsonString(QStringLiteral("error")), QStringLiteral("authorization_pending"));
}

void TestSandbox::deviceFlowDenied()
{
    m_server->setDeviceCodeInterval(0);
    const QString clientId = SandboxServer::publicClientId();
    const Reply started = startDeviceAuthorization(clientId);
    const QString deviceCode = started.jsonString(QStringLiteral("device_code"));

    const Reply done = answerDeviceConsent(started.jsonString(QStringLiteral("user_code")), QStringLiteral("deny"));
    QCOMPARE(done.status, 200);
    QVERIFY(QString::fromUtf8(done.body).contains(QStringLiteral("Access denied")));

    for (int i = 0; i < 2; ++i) {
        const Reply reply = pollDeviceToken(clientId, deviceCode);
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.jsonString(QStringLiteral("error")), QStringLiteral("access_denied"));
        QVERIFY(!reply.json().contains(QStringLiteral("access_token")));
    }

    // A consent page accepts only one decision.
    const Reply secondStart = startDeviceAuthorization(clientId);
    const Reply consent = openDeviceConsent(secondStart.jsonString(QStringLiteral("user_code")));
    const QString consentId = consentIdFromPage(consent.body);
    QVERIFY(!consentId.isEmpty());
    QCOMPARE(postForm(QStringLiteral("/device"), formBody({{QStringLiteral("consent_id"), consentId},
                                                           {QStringLiteral("action"), QStringLiteral("deny")}}))
                 .status,
             200);
    const Reply again = postForm(QStringLiteral("/device"), formBody({{QStringLiteral("consent_id"), consentId},
                                                                      {QStringLiteral("action"), QStringLiteral("approve")}}));
    QCOMPARE(again.status, 400);
    QCOMPARE(pollDeviceToken(clientId, secondStart.jsonString(QStringLiteral("device_code"))).jsonString(QStringLiteral("error")),
             QStringLiteral("access_denied"));
}

void TestSandbox::deviceFlowCancelledAtLogin()
{
    m_server->setDeviceCodeInterval(0);
    const QString clientId = SandboxServer::publicClientId();
    const Reply started = startDeviceAuthorization(clientId);
    const Reply entered = postForm(QStringLiteral("/device"),
                                   formBody({{QStringLiteral("user_code"), started.jsonString(QStringLiteral("user_code"))}}));
    QCOMPARE(entered.status, 200);
    QVERIFY(QString::fromUtf8(entered.body).contains(QStringLiteral("<title>Sandbox sign-in</title>")));

    const Reply cancelled = postForm(QStringLiteral("/login"), formBody({{QStringLiteral("request_id"), requestIdFromPage(entered.html())},
                                                                         {QStringLiteral("action"), QStringLiteral("cancel")}}));
    QCOMPARE(cancelled.status, 200);
    QVERIFY(cancelled.header("Location").isEmpty());
    QVERIFY(QString::fromUtf8(cancelled.body).contains(QStringLiteral("Sign-in cancelled")));
    QCOMPARE(pollDeviceToken(clientId, started.jsonString(QStringLiteral("device_code"))).jsonString(QStringLiteral("error")),
             QStringLiteral("access_denied"));
}

void TestSandbox::deviceFlowExpires()
{
    m_server->setDeviceCodeInterval(0);
    const QString clientId = SandboxServer::publicClientId();
    const Reply started = startDeviceAuthorization(clientId);
    const QString deviceCode = started.jsonString(QStringLiteral("device_code"));
    const QString userCode = started.jsonString(QStringLiteral("user_code"));

    m_server->advanceClock(599);
    QCOMPARE(pollDeviceToken(clientId, deviceCode).jsonString(QStringLiteral("error")), QStringLiteral("authorization_pending"));
    m_server->advanceClock(1);
    const Reply expired = pollDeviceToken(clientId, deviceCode);
    QCOMPARE(expired.status, 400);
    QCOMPARE(expired.jsonString(QStringLiteral("error")), QStringLiteral("expired_token"));

    const Reply page = postForm(QStringLiteral("/device"), formBody({{QStringLiteral("user_code"), userCode}}));
    QVERIFY2(QString::fromUtf8(page.body).contains(QStringLiteral("has expired")), page.body.constData());
    QVERIFY(requestIdFromPage(page.html()).isEmpty());

    // An approval that arrives in time but is redeemed too late does not give tokens either.
    m_server->advanceClock(-m_server->clockOffset());
    const Reply late = startDeviceAuthorization(clientId);
    QCOMPARE(answerDeviceConsent(late.jsonString(QStringLiteral("user_code")), QStringLiteral("approve")).status, 200);
    m_server->advanceClock(601);
    QCOMPARE(pollDeviceToken(clientId, late.jsonString(QStringLiteral("device_code"))).jsonString(QStringLiteral("error")),
             QStringLiteral("expired_token"));
}

void TestSandbox::devicePageUnknownCode()
{
    const auto enter = [this](const QString &userCode) {
        return postForm(QStringLiteral("/device"), formBody({{QStringLiteral("user_code"), userCode}}));
    };

    const Reply unknown = enter(QStringLiteral("BBBB-BBBB"));
    QCOMPARE(unknown.status, 200);
    const QString html = QString::fromUtf8(unknown.body);
    QVERIFY2(html.contains(QStringLiteral("id=\"error\"")), qPrintable(html));
    QVERIFY(html.contains(QStringLiteral("The code BBBB-BBBB is unknown")));
    QCOMPARE(userCodeFieldFromPage(unknown.body), QStringLiteral("BBBB-BBBB"));
    QVERIFY(requestIdFromPage(unknown.html()).isEmpty());

    const Reply empty = enter(QString());
    QVERIFY(QString::fromUtf8(empty.body).contains(QStringLiteral("Enter the code")));
    QVERIFY(requestIdFromPage(empty.html()).isEmpty());

    // Markup in the typed value is escaped, and an over-long value is cut.
    const Reply markup = enter(QStringLiteral("\"><script>alert(1)</script>"));
    QVERIFY(!QString::fromUtf8(markup.body).contains(QStringLiteral("<script>alert(1)")));
    QVERIFY(QString::fromUtf8(markup.body).contains(QStringLiteral("&lt;script&gt;")));
    const Reply huge = enter(QString(5000, QLatin1Char('B')));
    QCOMPARE(huge.status, 200);
    QCOMPARE(userCodeFieldFromPage(huge.body).size(), 40);

    const Reply unknownConsent = postForm(QStringLiteral("/device"), formBody({{QStringLiteral("consent_id"), QStringLiteral("made-up")},
                                                                              {QStringLiteral("action"), QStringLiteral("approve")}}));
    QCOMPARE(unknownConsent.status, 400);
    QVERIFY(QString::fromUtf8(unknownConsent.body).contains(QStringLiteral("unknown")));

    const Reply json = send("POST", endpoint(QStringLiteral("/device")), "{}", {{"Content-Type", "application/json"}});
    QCOMPARE(json.status, 415);
    QCOMPARE(send("DELETE", endpoint(QStringLiteral("/device"))).status, 405);
    QCOMPARE(get(QStringLiteral("/device_authorization")).status, 405);

    const Reply unknownDeviceCode = pollDeviceToken(SandboxServer::publicClientId(), QStringLiteral("not-a-device-code"));
    QCOMPARE(unknownDeviceCode.jsonString(QStringLiteral("error")), QStringLiteral("invalid_grant"));
    const Reply missingDeviceCode = pollDeviceToken(SandboxServer::publicClientId(), QString());
    QCOMPARE(missingDeviceCode.jsonString(QStringLiteral("error")), QStringLiteral("invalid_request"));
}

void TestSandbox::revokeUnknownTokenIs200()
{
    for (const QString &token : {QStringLiteral("not-a-token-the-sandbox-issued"), QStringLiteral("a.b.c")}) {
        const Reply reply = revokeAsPublicClient({{QStringLiteral("token"), token}});
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.body.isEmpty());
        QVERIFY2(reply.header("Content-Type").isEmpty(), reply.header("Content-Type").constData());
        QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    }
    // An unknown token_type_hint is ignored (RFC 7009 section 2.1).
    const Reply hinted = revokeAsPublicClient({{QStringLiteral("token"), QStringLiteral("x")},
                                               {QStringLiteral("token_type_hint"), QStringLiteral("something_else")}});
    QCOMPARE(hinted.status, 200);
}

void TestSandbox::revokedAccessTokenRejected()
{
    const QJsonObject tokens = signInAndGetTokens();
    const QString accessToken = tokens.value(QStringLiteral("access_token")).toString();
    const QString refreshToken = tokens.value(QStringLiteral("refresh_token")).toString();
    const Headers auth = {{"Authorization", "Bearer " + accessToken.toLatin1()}};
    const QJsonObject query{{QStringLiteral("query"), QStringLiteral("{ me { sub } }")}};
    QCOMPARE(get(QStringLiteral("/userinfo"), auth).status, 200);
    QCOMPARE(postGraphql(accessToken, query).status, 200);

    const Reply revoked = revokeAsPublicClient({{QStringLiteral("token"), accessToken},
                                                {QStringLiteral("token_type_hint"), QStringLiteral("access_token")}});
    QCOMPARE(revoked.status, 200);
    QVERIFY(revoked.body.isEmpty());

    const Reply userinfo = get(QStringLiteral("/userinfo"), auth);
    QCOMPARE(userinfo.status, 401);
    QVERIFY(userinfo.header("WWW-Authenticate").contains("error=\"invalid_token\""));
    QVERIFY2(userinfo.jsonString(QStringLiteral("error_description")).contains(QStringLiteral("revoked")),
             qPrintable(userinfo.jsonString(QStringLiteral("error_description"))));
    const Reply graphql = postGraphql(accessToken, query);
    QCOMPARE(graphql.status, 401);
    QVERIFY(graphql.header("WWW-Authenticate").contains("error=\"invalid_token\""));
    QVERIFY2(graphql.header("WWW-Authenticate").contains("revoked"), graphql.header("WWW-Authenticate").constData());

    // Revoking again is fine, and the grant's refresh token still works.
    QCOMPARE(revokeAsPublicClient({{QStringLiteral("token"), accessToken}}).status, 200);
    const Reply refreshed = postForm(QStringLiteral("/token"), formBody({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                                                        {QStringLiteral("refresh_token"), refreshToken},
                                                                        {QStringLiteral("client_id"), SandboxServer::publicClientId()}}));
    QCOMPARE(refreshed.status, 200);
    const QString newAccessToken = refreshed.jsonString(QStringLiteral("access_token"));
    QCOMPARE(get(QStringLiteral("/userinfo"), {{"Authorization", "Bearer " + newAccessToken.toLatin1()}}).status, 200);
    // The ID token has no revocation of its own and still works at the backend.
    QCOMPARE(postGraphql(tokens.value(QStringLiteral("id_token")).toString(), query).status, 200);
}

void TestSandbox::revokedRefreshTokenEndsGrant()
{
    const QJsonObject tokens = signInAndGetTokens();
    const QString accessToken = tokens.value(QStringLiteral("access_token")).toString();
    const QString refreshToken = tokens.value(QStringLiteral("refresh_token")).toString();

    // A wrong hint does not stop the sandbox from finding the token.
    const Reply revoked = revokeAsPublicClient({{QStringLiteral("token"), refreshToken},
                                                {QStringLiteral("token_type_hint"), QStringLiteral("access_token")}});
    QCOMPARE(revoked.status, 200);

    const Reply refreshed = postForm(QStringLiteral("/token"), formBody({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                                                        {QStringLiteral("refresh_token"), refreshToken},
                                                                        {QStringLiteral("client_id"), SandboxServer::publicClientId()}}));
    QCOMPARE(refreshed.status, 400);
    QCOMPARE(refreshed.jsonString(QStringLiteral("error")), QStringLiteral("invalid_grant"));
    // The access tokens of the grant are revoked with it.
    QCOMPARE(get(QStringLiteral("/userinfo"), {{"Authorization", "Bearer " + accessToken.toLatin1()}}).status, 401);
    QCOMPARE(postGraphql(accessToken, {{QStringLiteral("query"), QStringLiteral("{ me { sub } }")}}).status, 401);
    QCOMPARE(introspect(refreshToken).json(), (QJsonObject{{QStringLiteral("active"), false}}));
}

void TestSandbox::revokeTokenOfAnotherClient()
{
    const QJsonObject tokens = signInAndGetTokens(); // issued to the public client
    const QString accessToken = tokens.value(QStringLiteral("access_token")).toString();
    for (const QString &token : {accessToken, tokens.value(QStringLiteral("refresh_token")).toString()}) {
        const Reply reply = postForm(QStringLiteral("/revoke"),
                                     formBody({{QStringLiteral("token"), token},
                                               {QStringLiteral("client_id"), SandboxServer::confidentialClientId()},
                                               {QStringLiteral("client_secret"), SandboxServer::confidentialClientSecret()}}));
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.jsonString(QStringLiteral("error")), QStringLiteral("invalid_grant"));
        QVERIFY(reply.jsonString(QStringLiteral("error_description")).contains(QStringLiteral("another client")));
    }
    QCOMPARE(get(QStringLiteral("/userinfo"), {{"Authorization", "Bearer " + accessToken.toLatin1()}}).status, 200);

    // The confidential client revokes its own client credentials token with Basic authentication.
    const QByteArray credentials = formEncode(SandboxServer::confidentialClientId()) + ':'
        + formEncode(SandboxServer::confidentialClientSecret());
    const Headers basic = {{"Authorization", basicCredentials(credentials)}};
    const Reply clientToken = postForm(QStringLiteral("/token"), "grant_type=client_credentials", basic);
    QCOMPARE(clientToken.status, 200);
    const QString ownToken = clientToken.jsonString(QStringLiteral("access_token"));
    QCOMPARE(introspect(ownToken).json().value(QStringLiteral("active")), QJsonValue(true));
    QCOMPARE(postForm(QStringLiteral("/revoke"), formBody({{QStringLiteral("token"), ownToken}}), basic).status, 200);
    QCOMPARE(introspect(ownToken).json(), (QJsonObject{{QStringLiteral("active"), false}}));
}

void TestSandbox::revokeErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");

    const QByteArray form = "application/x-www-form-urlencoded";
    const QByteArray publicClient = "client_id=" + SandboxServer::publicClientId().toLatin1();
    const QByteArray confidential = "client_id=" + formEncode(SandboxServer::confidentialClientId());
    QTest::newRow("missing token") << publicClient << form << QByteArray() << 400 << QStringLiteral("invalid_request");
    QTest::newRow("empty token") << (publicClient + "&token=") << form << QByteArray() << 400 << QStringLiteral("invalid_request");
    QTest::newRow("repeated token") << (publicClient + "&token=a&token=b") << form << QByteArray() << 400
                                    << QStringLiteral("invalid_request");
    QTest::newRow("JSON body") << QByteArray("{\"token\":\"x\"}") << QByteArray("application/json") << QByteArray() << 400
                               << QStringLiteral("invalid_request");
    QTest::newRow("broken percent escape") << (publicClient + "&token=%e9") << form << QByteArray() << 400
                                           << QStringLiteral("invalid_request");
    QTest::newRow("no client") << QByteArray("token=x") << form << QByteArray() << 401 << QStringLiteral("invalid_client");
    QTest::newRow("unknown client") << QByteArray("client_id=someone&token=x") << form << QByteArray() << 401
                                    << QStringLiteral("invalid_client");
    QTest::newRow("confidential without secret") << (confidential + "&token=x") << form << QByteArray() << 401
                                                 << QStringLiteral("invalid_client");
    QTest::newRow("wrong client_secret") << (confidential + "&client_secret=wrong&token=x") << form << QByteArray() << 401
                                         << QStringLiteral("invalid_client");
    QTest::newRow("public with secret") << (publicClient + "&client_secret=x&token=x") << form << QByteArray() << 401
                                        << QStringLiteral("invalid_client");
    QTest::newRow("wrong Basic secret") << QByteArray("token=x") << form
                                        << basicCredentials(formEncode(SandboxServer::confidentialClientId()) + ":nope") << 401
                                        << QStringLiteral("invalid_client");
    QTest::newRow("Bearer instead of Basic") << QByteArray("token=x") << form << QByteArray("Bearer abc") << 401
                                             << QStringLiteral("invalid_client");
}

void TestSandbox::revokeErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, authorization);
    QFETCH(int, status);
    QFETCH(QString, error);

    Headers headers = {{"Content-Type", contentType}};
    if (!authorization.isEmpty())
        headers.append(qMakePair(QByteArray("Authorization"), authorization));
    const Reply reply = send("POST", endpoint(QStringLiteral("/revoke")), body, headers);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.jsonString(QStringLiteral("error")), error);
    QVERIFY(!reply.jsonString(QStringLiteral("error_description")).isEmpty());
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    if (status == 401)
        QVERIFY2(reply.header("WWW-Authenticate").startsWith("Basic "), reply.header("WWW-Authenticate").constData());
}

void TestSandbox::introspectActiveTokens()
{
    const QJsonObject tokens = signInAndGetTokens();
    const QString accessToken = tokens.value(QStringLiteral("access_token")).toString();
    const afx::jose::CompactJws access = *afx::jose::CompactJws::parse(accessToken.toLatin1(), nullptr);

    const Reply reply = introspect(accessToken);
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Content-Type").startsWith("application/json"));
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    const QJsonObject body = reply.json();
    QCOMPARE(body.keys(), (QStringList{QStringLiteral("active"), QStringLiteral("aud"), QStringLiteral("auth_profile"),
                                       QStringLiteral("client_id"), QStringLiteral("exp"), QStringLiteral("iat"),
                                       QStringLiteral("iss"), QStringLiteral("roles"), QStringLiteral("scope"),
                                       QStringLiteral("sub"), QStringLiteral("token_type")}));
    QCOMPARE(body.value(QStringLiteral("roles")).toArray(), QJsonArray{QStringLiteral("Employee")});
    QCOMPARE(body.value(QStringLiteral("auth_profile")).toString(), QStringLiteral("employees"));
    QCOMPARE(body.value(QStringLiteral("active")), QJsonValue(true));
    QCOMPARE(body.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(body.value(QStringLiteral("sub")).toString(), QStringLiteral("demo-user-1"));
    QCOMPARE(body.value(QStringLiteral("client_id")).toString(), SandboxServer::publicClientId());
    QCOMPARE(body.value(QStringLiteral("scope")).toString(), QStringLiteral("openid profile email offline_access"));
    QCOMPARE(body.value(QStringLiteral("iss")).toString(), m_server->issuer());
    QCOMPARE(body.value(QStringLiteral("aud")).toString(), m_server->graphqlUrl().toString());
    QCOMPARE(body.value(QStringLiteral("exp")).toInteger(), access.claims.value(QStringLiteral("exp")).toInteger());
    QCOMPARE(body.value(QStringLiteral("iat")).toInteger(), access.claims.value(QStringLiteral("iat")).toInteger());

    const Reply refresh = introspect(tokens.value(QStringLiteral("refresh_token")).toString());
    QCOMPARE(refresh.status, 200);
    const QJsonObject refreshBody = refresh.json();
    QCOMPARE(refreshBody.value(QStringLiteral("active")), QJsonValue(true));
    QCOMPARE(refreshBody.value(QStringLiteral("token_type")).toString(), QStringLiteral("refresh_token"));
    QCOMPARE(refreshBody.value(QStringLiteral("sub")).toString(), QStringLiteral("demo-user-1"));
    QCOMPARE(refreshBody.value(QStringLiteral("client_id")).toString(), SandboxServer::publicClientId());
    QCOMPARE(refreshBody.value(QStringLiteral("iss")).toString(), m_server->issuer());
    QCOMPARE(refreshBody.value(QStringLiteral("exp")).toInteger(), refreshBody.value(QStringLiteral("iat")).toInteger() + 8 * 3600);
    QVERIFY(!refreshBody.contains(QStringLiteral("aud")));

    // client_secret_post works as well as Basic.
    const Reply posted = postForm(QStringLiteral("/introspect"),
                                  formBody({{QStringLiteral("token"), accessToken},
                                            {QStringLiteral("token_type_hint"), QStringLiteral("access_token")},
                                            {QStringLiteral("client_id"), SandboxServer::confidentialClientId()},
                                            {QStringLiteral("client_secret"), SandboxServer::confidentialClientSecret()}}));
    QCOMPARE(posted.json().value(QStringLiteral("active")), QJsonValue(true));
}

void TestSandbox::introspectInactiveTokens_data()
{
    QTest::addColumn<QString>("variant");
    QTest::newRow("unknown string") << QStringLiteral("unknown");
    QTest::newRow("expired access token") << QStringLiteral("expired");
    QTest::newRow("revoked access token") << QStringLiteral("revoked");
    QTest::newRow("ID token") << QStringLiteral("id-token");
    QTest::newRow("changed access token") << QStringLiteral("tampered");
    QTest::newRow("rotated refresh token") << QStringLiteral("rotated");
    QTest::newRow("expired refresh token") << QStringLiteral("expired-refresh");
}

void TestSandbox::introspectInactiveTokens()
{
    QFETCH(QString, variant);
    const QJsonObject tokens = signInAndGetTokens();
    const QString accessToken = tokens.value(QStringLiteral("access_token")).toString();
    const QString refreshToken = tokens.value(QStringLiteral("refresh_token")).toString();

    QString token;
    if (variant == QLatin1String("unknown")) {
        token = QStringLiteral("not-a-token");
    } else if (variant == QLatin1String("expired")) {
        m_server->advanceClock(301);
        token = accessToken;
    } else if (variant == QLatin1String("revoked")) {
        QCOMPARE(revokeAsPublicClient({{QStringLiteral("token"), accessToken}}).status, 200);
        token = accessToken;
    } else if (variant == QLatin1String("id-token")) {
        token = tokens.value(QStringLiteral("id_token")).toString();
    } else if (variant == QLatin1String("tampered")) {
        token = accessToken;
        token[token.size() - 3] = token.at(token.size() - 3) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    } else if (variant == QLatin1String("rotated")) {
        const Reply refreshed = postForm(QStringLiteral("/token"), formBody({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                                                            {QStringLiteral("refresh_token"), refreshToken},
                                                                            {QStringLiteral("client_id"), SandboxServer::publicClientId()}}));
        QCOMPARE(refreshed.status, 200);
        QCOMPARE(introspect(refreshed.jsonString(QStringLiteral("refresh_token"))).json().value(QStringLiteral("active")),
                 QJsonValue(true));
        token = refreshToken;
    } else if (variant == QLatin1String("expired-refresh")) {
        m_server->advanceClock(8 * 3600 + 1);
        token = refreshToken;
    }

    const Reply reply = introspect(token);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json(), (QJsonObject{{QStringLiteral("active"), false}}));
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
}

void TestSandbox::introspectPublicClientRejected()
{
    const QString accessToken = signInAndGetTokens().value(QStringLiteral("access_token")).toString();
    const Reply reply = postForm(QStringLiteral("/introspect"), formBody({{QStringLiteral("token"), accessToken},
                                                                          {QStringLiteral("client_id"), SandboxServer::publicClientId()}}));
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.jsonString(QStringLiteral("error")), QStringLiteral("invalid_client"));
    const QString description = reply.jsonString(QStringLiteral("error_description"));
    QVERIFY2(description.contains(QStringLiteral("Only the confidential client")), qPrintable(description));
    QVERIFY2(description.contains(QStringLiteral("public")), qPrintable(description));
    QVERIFY(reply.header("WWW-Authenticate").startsWith("Basic "));
    QVERIFY(!reply.json().contains(QStringLiteral("active")));
}

void TestSandbox::introspectErrors()
{
    const QByteArray credentials = formEncode(SandboxServer::confidentialClientId()) + ':'
        + formEncode(SandboxServer::confidentialClientSecret());
    const Headers basic = {{"Authorization", basicCredentials(credentials)}};

    const Reply missing = postForm(QStringLiteral("/introspect"), QByteArray(), basic);
    QCOMPARE(missing.status, 400);
    QCOMPARE(missing.jsonString(QStringLiteral("error")), QStringLiteral("invalid_request"));

    const Reply anonymous = postForm(QStringLiteral("/introspect"), "token=x");
    QCOMPARE(anonymous.status, 401);
    QCOMPARE(anonymous.jsonString(QStringLiteral("error")), QStringLiteral("invalid_client"));

    const Reply wrongSecret = postForm(QStringLiteral("/introspect"), "token=x",
                                       {{"Authorization", basicCredentials(formEncode(SandboxServer::confidentialClientId()) + ":nope")}});
    QCOMPARE(wrongSecret.status, 401);
    QVERIFY(!wrongSecret.json().contains(QStringLiteral("active")));

    const Reply json = send("POST", endpoint(QStringLiteral("/introspect")), "{\"token\":\"x\"}",
                            {{"Content-Type", "application/json"}, basic.first()});
    QCOMPARE(json.status, 400);
    QCOMPARE(json.jsonString(QStringLiteral("error")), QStringLiteral("invalid_request"));

    QCOMPARE(get(QStringLiteral("/introspect")).status, 405);
    QCOMPARE(get(QStringLiteral("/revoke")).status, 405);
}

void TestSandbox::logoutRedirectsWithState()
{
    const QString idToken = signInAndGetTokens().value(QStringLiteral("id_token")).toString();
    QVERIFY(!idToken.isEmpty());
    const QString redirectUri = QStringLiteral("http://127.0.0.1:49152/callback");
    const QString state = QStringLiteral("after logout+1 &=");

    // An expired ID token is still a fine hint (RP-Initiated Logout 1.0 section 2).
    m_server->advanceClock(3600);
    const Reply reply = get(QStringLiteral("/logout?") + QString::fromLatin1(formBody({{QStringLiteral("id_token_hint"), idToken},
                                                                                        {QStringLiteral("post_logout_redirect_uri"), redirectUri},
                                                                                        {QStringLiteral("state"), state}})));
    QCOMPARE(reply.status, 302);
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    const Redirect redirect = parseRedirect(reply);
    QCOMPARE(redirect.target, redirectUri);
    QCOMPARE(redirect.params.keys(), QStringList{QStringLiteral("state")});
    QCOMPARE(redirect.params.value(QStringLiteral("state")), state);
    QVERIFY2(redirect.location.endsWith("?state=after+logout%2B1+%26%3D"), redirect.location.constData());

    // POST, client_id instead of the hint, and no state.
    const Reply posted = postForm(QStringLiteral("/logout"), formBody({{QStringLiteral("client_id"), SandboxServer::publicClientId()},
                                                                      {QStringLiteral("post_logout_redirect_uri"),
                                                                       QStringLiteral("com.example.explorer:/callback")}}));
    QCOMPARE(posted.status, 302);
    QCOMPARE(posted.header("Location"), QByteArray("com.example.explorer:/callback"));

    // Both, naming the same client.
    const Reply both = get(QStringLiteral("/logout?") + QString::fromLatin1(formBody({{QStringLiteral("id_token_hint"), idToken},
                                                                                       {QStringLiteral("client_id"), SandboxServer::publicClientId()},
                                                                                       {QStringLiteral("post_logout_redirect_uri"), redirectUri}})));
    QCOMPARE(both.status, 302);
    QCOMPARE(both.header("Location"), redirectUri.toUtf8());
}

void TestSandbox::logoutWithoutRedirectShowsPage()
{
    const QString idToken = signInAndGetTokens().value(QStringLiteral("id_token")).toString();
    for (const QString &query : {QStringLiteral("?id_token_hint=") + QString::fromLatin1(formEncode(idToken)), QString()}) {
        const Reply reply = get(QStringLiteral("/logout") + query);
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.header("Location").isEmpty());
        QVERIFY(reply.header("Content-Type").startsWith("text/html"));
        const QString html = QString::fromUtf8(reply.body);
        QVERIFY(html.contains(QStringLiteral("<h1>You are signed out</h1>")));
        QVERIFY(!html.contains(idToken));
    }
    QCOMPARE(send("DELETE", endpoint(QStringLiteral("/logout"))).status, 405);
}

void TestSandbox::logoutRejections_data()
{
    QTest::addColumn<QString>("variant");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("unregistered post_logout_redirect_uri") << QStringLiteral("unregistered") << QStringLiteral("is not registered");
    QTest::newRow("localhost post_logout_redirect_uri") << QStringLiteral("localhost") << QStringLiteral("is not registered");
    QTest::newRow("redirect without client") << QStringLiteral("no-client") << QStringLiteral("needs id_token_hint or client_id");
    QTest::newRow("changed ID token") << QStringLiteral("tampered") << QStringLiteral("not an ID token that this sandbox signed");
    QTest::newRow("ID token of another key") << QStringLiteral("foreign") << QStringLiteral("not an ID token that this sandbox signed");
    QTest::newRow("access token as hint") << QStringLiteral("access-token") << QStringLiteral("is an access token");
    QTest::newRow("not a JWT") << QStringLiteral("garbage") << QStringLiteral("not an ID token that this sandbox signed");
    QTest::newRow("client_id differs from hint") << QStringLiteral("other-client") << QStringLiteral("differs from the client");
    QTest::newRow("unknown client_id") << QStringLiteral("unknown-client") << QStringLiteral("Unknown client_id");
    QTest::newRow("repeated state") << QStringLiteral("repeated") << QStringLiteral("more than once");
    QTest::newRow("JSON body") << QStringLiteral("json") << QStringLiteral("must be application/x-www-form-urlencoded");
}

void TestSandbox::logoutRejections()
{
    QFETCH(QString, variant);
    QFETCH(QString, messagePart);

    const QJsonObject tokens = signInAndGetTokens();
    const QString idToken = tokens.value(QStringLiteral("id_token")).toString();
    QList<QPair<QString, QString>> fields = {{QStringLiteral("id_token_hint"), idToken},
                                             {QStringLiteral("post_logout_redirect_uri"), QStringLiteral("http://127.0.0.1:49152/callback")},
                                             {QStringLiteral("state"), QStringLiteral("s1")}};
    const auto set = [&fields](const QString &name, const QString &value) {
        fields.removeIf([&name](const auto &field) { return field.first == name; });
        if (!value.isNull())
            fields.append({name, value});
    };
    if (variant == QLatin1String("unregistered")) {
        set(QStringLiteral("post_logout_redirect_uri"), QStringLiteral("https://attacker.example/logged-out"));
    } else if (variant == QLatin1String("localhost")) {
        set(QStringLiteral("post_logout_redirect_uri"), QStringLiteral("http://localhost:49152/callback"));
    } else if (variant == QLatin1String("no-client")) {
        set(QStringLiteral("id_token_hint"), QString());
    } else if (variant == QLatin1String("tampered")) {
        QString changed = idToken;
        changed[changed.size() - 4] = changed.at(changed.size() - 4) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
        set(QStringLiteral("id_token_hint"), changed);
    } else if (variant == QLatin1String("foreign")) {
        const afx::jose::CompactJws original = *afx::jose::CompactJws::parse(idToken.toLatin1(), nullptr);
        QString error;
        const QByteArray foreign = afx::jose::signCompact(QStringLiteral("RS256"), afx::jose::Key::generateRsa(2048),
                                                          QJsonObject{{QStringLiteral("kid"), original.kid()}}, original.claims, &error)
                                       .value_or(QByteArray());
        QVERIFY2(!foreign.isEmpty(), qPrintable(error));
        set(QStringLiteral("id_token_hint"), QString::fromLatin1(foreign));
    } else if (variant == QLatin1String("access-token")) {
        set(QStringLiteral("id_token_hint"), tokens.value(QStringLiteral("access_token")).toString());
    } else if (variant == QLatin1String("garbage")) {
        set(QStringLiteral("id_token_hint"), QStringLiteral("not-a-jwt"));
    } else if (variant == QLatin1String("other-client")) {
        set(QStringLiteral("client_id"), SandboxServer::confidentialClientId());
    } else if (variant == QLatin1String("unknown-client")) {
        set(QStringLiteral("client_id"), QStringLiteral("someone-else"));
    } else if (variant == QLatin1String("repeated")) {
        fields.append({QStringLiteral("state"), QStringLiteral("s2")});
    }

    const Reply reply = variant == QLatin1String("json")
        ? send("POST", endpoint(QStringLiteral("/logout")), "{}", {{"Content-Type", "application/json"}})
        : get(QStringLiteral("/logout?") + QString::fromLatin1(formBody(fields)));
    QCOMPARE(reply.status, 400);
    QVERIFY(reply.header("Location").isEmpty());
    QVERIFY(reply.header("Content-Type").startsWith("text/html"));
    const QString html = QString::fromUtf8(reply.body);
    QVERIFY(html.contains(QStringLiteral("Sign-out request rejected")));
    QVERIFY2(html.contains(messagePart), qPrintable(html));
}

void TestSandbox::tokenExchangeWithPkce()
{
    const AuthorizationRequest request;
    const QString code = signIn(request);
    QVERIFY(!code.isEmpty());
    const Reply reply = exchangeCode(request, code);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    const QJsonObject tokens = reply.json();
    QVERIFY(!tokens.value(QStringLiteral("access_token")).toString().isEmpty());
    QCOMPARE(tokens.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(tokens.value(QStringLiteral("expires_in")).toInt(), 300);
    QVERIFY(!tokens.value(QStringLiteral("id_token")).toString().isEmpty());
    QVERIFY(!tokens.value(QStringLiteral("refresh_token")).toString().isEmpty());
    QCOMPARE(tokens.value(QStringLiteral("scope")).toString(), request.scope);
}

void TestSandbox::tokenRejections_data()
{
    QTest::addColumn<QString>("variant");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");

    QTest::newRow("wrong verifier") << QStringLiteral("wrong-verifier") << 400 << QStringLiteral("invalid_grant");
    QTest::newRow("missing verifier") << QStringLiteral("no-verifier") << 400 << QStringLiteral("invalid_grant");
    QTest::newRow("malformed verifier") << QStringLiteral("short-verifier") << 400 << QStringLiteral("invalid_grant");
    QTest::newRow("redirect_uri mismatch") << QStringLiteral("other-redirect") << 400 << QStringLiteral("invalid_grant");
    QTest::newRow("redirect_uri missing") << QStringLiteral("no-redirect") << 400 << QStringLiteral("invalid_grant");
    QTest::newRow("unknown code") << QStringLiteral("unknown-code") << 400 << QStringLiteral("invalid_grant");
    QTest::newRow("code of another client") << QStringLiteral("other-client") << 400 << QStringLiteral("invalid_grant");
    QTest::newRow("unknown client") << QStringLiteral("unknown-client") << 400 << QStringLiteral("invalid_client");
    QTest::newRow("no client") << QStringLiteral("no-client") << 400 << QStringLiteral("invalid_client");
    QTest::newRow("unsupported grant") << QStringLiteral("saml2-grant") << 400 << QStringLiteral("unsupported_grant_type");
    QTest::newRow("repeated parameter") << QStringLiteral("repeated") << 400 << QStringLiteral("invalid_request");
    QTest::newRow("JSON body") << QStringLiteral("json-body") << 400 << QStringLiteral("invalid_request");
}

void TestSandbox::tokenRejections()
{
    QFETCH(QString, variant);
    QFETCH(int, status);
    QFETCH(QString, error);

    const AuthorizationRequest request;
    QString code = signIn(request);
    QVERIFY(!code.isEmpty());

    QList<QPair<QString, QString>> fields = {{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                             {QStringLiteral("code"), code},
                                             {QStringLiteral("redirect_uri"), request.redirectUri},
                                             {QStringLiteral("client_id"), request.clientId},
                                             {QStringLiteral("code_verifier"), request.verifier}};
    const auto set = [&fields](const QString &name, const QString &value) {
        fields.removeIf([&name](const auto &field) { return field.first == name; });
        if (!value.isNull())
            fields.append({name, value});
    };
    QByteArray contentType = "application/x-www-form-urlencoded";
    if (variant == QLatin1String("wrong-verifier"))
        set(QStringLiteral("code_verifier"), newVerifier());
    else if (variant == QLatin1String("no-verifier"))
        set(QStringLiteral("code_verifier"), QString());
    else if (variant == QLatin1String("short-verifier"))
        set(QStringLiteral("code_verifier"), QStringLiteral("too-short"));
    else if (variant == QLatin1String("other-redirect"))
        set(QStringLiteral("redirect_uri"), QStringLiteral("http://127.0.0.1:49153/callback"));
    else if (variant == QLatin1String("no-redirect"))
        set(QStringLiteral("redirect_uri"), QString());
    else if (variant == QLatin1String("unknown-code"))
        set(QStringLiteral("code"), QStringLiteral("not-a-code"));
    else if (variant == QLatin1String("other-client")) {
        set(QStringLiteral("client_id"), SandboxServer::confidentialClientId());
        set(QStringLiteral("client_secret"), SandboxServer::confidentialClientSecret());
    } else if (variant == QLatin1String("unknown-client"))
        set(QStringLiteral("client_id"), QStringLiteral("someone-else"));
    else if (variant == QLatin1String("no-client"))
        set(QStringLiteral("client_id"), QString());
    else if (variant == QLatin1String("saml2-grant"))
        set(QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:saml2-bearer"));
    else if (variant == QLatin1String("repeated"))
        fields.append({QStringLiteral("code"), code});
    else if (variant == QLatin1String("json-body"))
        contentType = "application/json";

    const Reply reply = send("POST", endpoint(QStringLiteral("/token")), formBody(fields), {{"Content-Type", contentType}});
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.jsonString(QStringLiteral("error")), error);
    QVERIFY(!reply.jsonString(QStringLiteral("error_description")).isEmpty());
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    QVERIFY(!reply.json().contains(QStringLiteral("access_token")));
}

void TestSandbox::codeReuseRevokesTokens()
{
    const AuthorizationRequest request;
    const QString code = signIn(request);
    const Reply first = exchangeCode(request, code);
    QCOMPARE(first.status, 200);
    const QString refreshToken = first.jsonString(QStringLiteral("refresh_token"));
    const QString accessToken = first.jsonString(QStringLiteral("access_token"));
    QCOMPARE(get(QStringLiteral("/userinfo"), {{"Authorization", "Bearer " + accessToken.toLatin1()}}).status, 200);

    const Reply second = exchangeCode(request, code);
    QCOMPARE(second.status, 400);
    QCOMPARE(second.jsonString(QStringLiteral("error")), QStringLiteral("invalid_grant"));
    QVERIFY(second.jsonString(QStringLiteral("error_description")).contains(QStringLiteral("already used")));

    const Reply refresh = postForm(QStringLiteral("/token"), formBody({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                                                      {QStringLiteral("refresh_token"), refreshToken},
                                                                      {QStringLiteral("client_id"), request.clientId}}));
    QCOMPARE(refresh.status, 400);
    QCOMPARE(refresh.jsonString(QStringLiteral("error")), QStringLiteral("invalid_grant"));

    const Reply userinfo = get(QStringLiteral("/userinfo"), {{"Authorization", "Bearer " + accessToken.toLatin1()}});
    QCOMPARE(userinfo.status, 401);
    QVERIFY(userinfo.header("WWW-Authenticate").contains("invalid_token"));
}

void TestSandbox::codeExpiresAfterSixtySeconds()
{
    const AuthorizationRequest request;
    const QString code = signIn(request);
    QVERIFY(!code.isEmpty());
    m_server->advanceClock(61);
    const Reply reply = exchangeCode(request, code);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.jsonString(QStringLiteral("error")), QStringLiteral("invalid_grant"));
    QVERIFY(reply.jsonString(QStringLiteral("error_description")).contains(QStringLiteral("expired")));

    // Within the lifetime the code works.
    m_server->advanceClock(-61);
    const AuthorizationRequest fresh;
    const QString freshCode = signIn(fresh);
    m_server->advanceClock(59);
    QCOMPARE(exchangeCode(fresh, freshCode).status, 200);
}

void TestSandbox::confidentialClientBasicAuth()
{
    AuthorizationRequest request;
    request.clientId = SandboxServer::confidentialClientId();
    request.usePkce = false; // PKCE is optional for the confidential client
    const QString code = signIn(request);
    QVERIFY(!code.isEmpty());

    // RFC 6749 section 2.3.1: form-encode id and secret, join with ':', then Base64.
    const QByteArray credentials = formEncode(SandboxServer::confidentialClientId()) + ':'
        + formEncode(SandboxServer::confidentialClientSecret());
    QVERIFY(credentials.contains("%2B") && credentials.contains("%2F") && credentials.contains("%3D") && credentials.contains("%3A"));
    const Reply reply = postForm(QStringLiteral("/token"),
                                 formBody({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                           {QStringLiteral("code"), code},
                                           {QStringLiteral("redirect_uri"), request.redirectUri}}),
                                 {{"Authorization", basicCredentials(credentials)}});
    QCOMPARE(reply.status, 200);
    QVERIFY(!reply.jsonString(QStringLiteral("id_token")).isEmpty());

    afx::jose::CompactJws idToken = *afx::jose::CompactJws::parse(reply.jsonString(QStringLiteral("id_token")).toLatin1(), nullptr);
    QCOMPARE(idToken.claims.value(QStringLiteral("aud")).toString(), SandboxServer::confidentialClientId());
}

void TestSandbox::confidentialClientRawBasicRejected()
{
    AuthorizationRequest request;
    request.clientId = SandboxServer::confidentialClientId();
    request.usePkce = false;
    const QString code = signIn(request);
    const QByteArray body = formBody({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                      {QStringLiteral("code"), code},
                                      {QStringLiteral("redirect_uri"), request.redirectUri}});

    // Base64 of the raw "id:secret", as many clients wrongly do: the '+' decodes to a space.
    const QByteArray raw = SandboxServer::confidentialClientId().toLatin1() + ':' + SandboxServer::confidentialClientSecret().toLatin1();
    const Reply naive = postForm(QStringLiteral("/token"), body, {{"Authorization", basicCredentials(raw)}});
    QCOMPARE(naive.status, 401);
    QCOMPARE(naive.jsonString(QStringLiteral("error")), QStringLiteral("invalid_client"));
    QVERIFY(naive.header("WWW-Authenticate").startsWith("Basic"));
    QVERIFY2(naive.jsonString(QStringLiteral("error_description")).contains(QStringLiteral("form-encod")),
             qPrintable(naive.jsonString(QStringLiteral("error_description"))));

    const Reply wrongSecret = postForm(QStringLiteral("/token"), body,
                                       {{"Authorization", basicCredentials(formEncode(SandboxServer::confidentialClientId()) + ":nope")}});
    QCOMPARE(wrongSecret.status, 401);
    QCOMPARE(wrongSecret.jsonString(QStringLiteral("error")), QStringLiteral("invalid_client"));

    const Reply notBase64 = postForm(QStringLiteral("/token"), body, {{"Authorization", "Basic %%%"}});
    QCOMPARE(notBase64.status, 401);

    // Failed client authentication does not use up the code.
    const QByteArray encoded = formEncode(SandboxServer::confidentialClientId()) + ':'
        + formEncode(SandboxServer::confidentialClientSecret());
    QCOMPARE(postForm(QStringLiteral("/token"), body, {{"Authorization", basicCredentials(encoded)}}).status, 200);
}

void TestSandbox::confidentialClientSecretPost()
{
    AuthorizationRequest request;
    request.clientId = SandboxServer::confidentialClientId();
    const QString code = signIn(request); // with PKCE this time, which a confidential client may use
    QList<QPair<QString, QString>> fields = {{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                             {QStringLiteral("code"), code},
                                             {QStringLiteral("redirect_uri"), request.redirectUri},
                                             {QStringLiteral("code_verifier"), request.verifier},
                                             {QStringLiteral("client_id"), request.clientId}};

    const Reply wrong = postForm(QStringLiteral("/token"), formBody(fields + QList<QPair<QString, QString>>{
                                                                                 {QStringLiteral("client_secret"), QStringLiteral("wrong")}}));
    QCOMPARE(wrong.status, 400);
    QCOMPARE(wrong.jsonString(QStringLiteral("error")), QStringLiteral("invalid_client"));

    const Reply missing = postForm(QStringLiteral("/token"), formBody(fields));
    QCOMPARE(missing.jsonString(QStringLiteral("error")), QStringLiteral("invalid_client"));

    const QByteArray encoded = formEncode(request.clientId) + ':' + formEncode(SandboxServer::confidentialClientSecret());
    const Reply both = postForm(QStringLiteral("/token"),
                                formBody(fields + QList<QPair<QString, QString>>{
                                                      {QStringLiteral("client_secret"), SandboxServer::confidentialClientSecret()}}),
                                {{"Authorization", basicCredentials(encoded)}});
    QCOMPARE(both.status, 400);
    QCOMPARE(both.jsonString(QStringLiteral("error")), QStringLiteral("invalid_request"));

    const Reply right = postForm(QStringLiteral("/token"),
                                 formBody(fields + QList<QPair<QString, QString>>{
                                                       {QStringLiteral("client_secret"), SandboxServer::confidentialClientSecret()}}));
    QCOMPARE(right.status, 200);
    QVERIFY(!right.jsonString(QStringLiteral("access_token")).isEmpty());
}

void TestSandbox::publicClientWithSecretRejected()
{
    const AuthorizationRequest request;
    const QString code = signIn(request);
    const Reply reply = postForm(QStringLiteral("/token"),
                                 formBody({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                           {QStringLiteral("code"), code},
                                           {QStringLiteral("redirect_uri"), request.redirectUri},
                                           {QStringLiteral("code_verifier"), request.verifier},
                                           {QStringLiteral("client_id"), request.clientId},
                                           {QStringLiteral("client_secret"), QStringLiteral("anything")}}));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.jsonString(QStringLiteral("error")), QStringLiteral("invalid_client"));
}

void TestSandbox::refreshTokenRotation()
{
    const QJsonObject tokens = signInAndGetTokens();
    const QString firstRefresh = tokens.value(QStringLiteral("refresh_token")).toString();
    QVERIFY(!firstRefresh.isEmpty());
    const auto refresh = [this](const QString &token, const QString &scope = {}) {
        QList<QPair<QString, QString>> fields = {{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                                 {QStringLiteral("refresh_token"), token},
                                                 {QStringLiteral("client_id"), SandboxServer::publicClientId()}};
        if (!scope.isEmpty())
            fields.append({QStringLiteral("scope"), scope});
        return postForm(QStringLiteral("/token"), formBody(fields));
    };

    const Reply widened = refresh(firstRefresh, QStringLiteral("openid profile email offline_access phone"));
    QCOMPARE(widened.jsonString(QStringLiteral("error")), QStringLiteral("invalid_scope"));

    const Reply rotated = refresh(firstRefresh);
    QCOMPARE(rotated.status, 200);
    const QString secondRefresh = rotated.jsonString(QStringLiteral("refresh_token"));
    QVERIFY(!secondRefresh.isEmpty());
    QVERIFY(secondRefresh != firstRefresh);
    QVERIFY(rotated.jsonString(QStringLiteral("access_token")) != tokens.value(QStringLiteral("access_token")).toString());

    const afx::jose::CompactJws oldId = *afx::jose::CompactJws::parse(tokens.value(QStringLiteral("id_token")).toString().toLatin1(), nullptr);
    const afx::jose::CompactJws newId = *afx::jose::CompactJws::parse(rotated.jsonString(QStringLiteral("id_token")).toLatin1(), nullptr);
    QVERIFY(oldId.claims.contains(QStringLiteral("nonce")));
    QVERIFY(!newId.claims.contains(QStringLiteral("nonce")));
    QCOMPARE(newId.claims.value(QStringLiteral("auth_time")), oldId.claims.value(QStringLiteral("auth_time")));
    QCOMPARE(newId.claims.value(QStringLiteral("sub")), oldId.claims.value(QStringLiteral("sub")));

    // A narrower scope is allowed.
    const Reply narrowed = refresh(secondRefresh, QStringLiteral("openid"));
    QCOMPARE(narrowed.status, 200);
    QCOMPARE(narrowed.jsonString(QStringLiteral("scope")), QStringLiteral("openid"));
    const QString thirdRefresh = narrowed.jsonString(QStringLiteral("refresh_token"));

    // The rotated-out token is dead, and its reuse revokes the newest one too.
    const Reply reused = refresh(firstRefresh);
    QCOMPARE(reused.status, 400);
    QCOMPARE(reused.jsonString(QStringLiteral("error")), QStringLiteral("invalid_grant"));
    const Reply afterRevocation = refresh(thirdRefresh);
    QCOMPARE(afterRevocation.jsonString(QStringLiteral("error")), QStringLiteral("invalid_grant"));
}

void TestSandbox::idTokenVerifiesAgainstJwks()
{
    AuthorizationRequest request;
    request.nonce = QStringLiteral("n-0S6_WzA2Mj");
    const QString code = signIn(request);
    const Reply reply = exchangeCode(request, code);
    QCOMPARE(reply.status, 200);
    const QByteArray idToken = reply.jsonString(QStringLiteral("id_token")).toLatin1();
    const QByteArray accessToken = reply.jsonString(QStringLiteral("access_token")).toLatin1();

    afx::jose::Jwks jwks;
    QString error;
    QVERIFY(afx::jose::Jwks::parse(get(QStringLiteral("/jwks")).body, &jwks, &error));

    const std::optional<afx::jose::CompactJws> jws = afx::jose::CompactJws::parse(idToken, &error);
    QVERIFY2(jws, qPrintable(error));
    QCOMPARE(jws->alg(), QStringLiteral("RS256"));
    QCOMPARE(jws->kid(), jwks.keys.first().kid);
    QVERIFY2(afx::jose::verifySignature(jws->alg(), jwks.keys.first().key, jws->signingInput, jws->signature, &error),
             qPrintable(error));

    // A changed payload no longer verifies.
    QVERIFY(!afx::jose::verifySignature(jws->alg(), jwks.keys.first().key, jws->signingInput + "x", jws->signature, &error));

    const QJsonObject &claims = jws->claims;
    QCOMPARE(claims.value(QStringLiteral("iss")).toString(), m_server->issuer());
    QCOMPARE(claims.value(QStringLiteral("sub")).toString(), QStringLiteral("demo-user-1"));
    QCOMPARE(claims.value(QStringLiteral("aud")).toString(), SandboxServer::publicClientId());
    const qint64 iat = claims.value(QStringLiteral("iat")).toInteger();
    QVERIFY(qAbs(iat - QDateTime::currentSecsSinceEpoch()) < 60);
    QCOMPARE(claims.value(QStringLiteral("exp")).toInteger(), iat + 300);
    QVERIFY(claims.value(QStringLiteral("auth_time")).toInteger() <= iat);
    QCOMPARE(claims.value(QStringLiteral("nonce")).toString(), request.nonce);
    QCOMPARE(claims.value(QStringLiteral("email")).toString(), SandboxServer::demoEmail());
    QCOMPARE(claims.value(QStringLiteral("email_verified")), QJsonValue(true));
    QCOMPARE(claims.value(QStringLiteral("name")).toString(), QStringLiteral("Demo User"));

    // at_hash: left half of SHA-256 over the access token, base64url (OpenID Connect Core 3.1.3.6).
    const QByteArray digest = QCryptographicHash::hash(accessToken, QCryptographicHash::Sha256);
    QCOMPARE(claims.value(QStringLiteral("at_hash")).toString(), QString::fromLatin1(base64Url(digest.first(16))));
    QCOMPARE(claims.value(QStringLiteral("at_hash")).toString(), QString::fromLatin1(afx::jose::halfHash(QStringLiteral("RS256"), accessToken)));
}

void TestSandbox::accessTokenClaims()
{
    const QJsonObject tokens = signInAndGetTokens();
    QString error;
    const std::optional<afx::jose::CompactJws> jws =
        afx::jose::CompactJws::parse(tokens.value(QStringLiteral("access_token")).toString().toLatin1(), &error);
    QVERIFY2(jws, qPrintable(error));
    QCOMPARE(jws->header.value(QStringLiteral("typ")).toString(), QStringLiteral("at+jwt"));
    QCOMPARE(jws->alg(), QStringLiteral("RS256"));
    QVERIFY(!jws->kid().isEmpty());
    const QJsonObject &claims = jws->claims;
    QCOMPARE(claims.value(QStringLiteral("aud")).toString(), m_server->graphqlUrl().toString());
    QCOMPARE(claims.value(QStringLiteral("client_id")).toString(), SandboxServer::publicClientId());
    QCOMPARE(claims.value(QStringLiteral("scope")).toString(), QStringLiteral("openid profile email offline_access"));
    QCOMPARE(claims.value(QStringLiteral("sub")).toString(), QStringLiteral("demo-user-1"));
    QCOMPARE(claims.value(QStringLiteral("iss")).toString(), m_server->issuer());
    QCOMPARE(claims.value(QStringLiteral("exp")).toInteger(), claims.value(QStringLiteral("iat")).toInteger() + 300);
    QVERIFY(!claims.value(QStringLiteral("jti")).toString().isEmpty());
}

void TestSandbox::userinfoEndpoint()
{
    const QJsonObject tokens = signInAndGetTokens();
    const QByteArray accessToken = tokens.value(QStringLiteral("access_token")).toString().toLatin1();

    const Reply ok = get(QStringLiteral("/userinfo"), {{"Authorization", "Bearer " + accessToken}});
    QCOMPARE(ok.status, 200);
    QCOMPARE(ok.jsonString(QStringLiteral("sub")), QStringLiteral("demo-user-1"));
    QCOMPARE(ok.jsonString(QStringLiteral("email")), SandboxServer::demoEmail());
    QCOMPARE(ok.json().value(QStringLiteral("email_verified")), QJsonValue(true));
    QCOMPARE(ok.jsonString(QStringLiteral("name")), QStringLiteral("Demo User"));

    const Reply missing = get(QStringLiteral("/userinfo"));
    QCOMPARE(missing.status, 401);
    QCOMPARE(missing.header("WWW-Authenticate"), QByteArray("Bearer realm=\"sandbox\""));

    const Reply idToken = get(QStringLiteral("/userinfo"),
                              {{"Authorization", "Bearer " + tokens.value(QStringLiteral("id_token")).toString().toLatin1()}});
    QCOMPARE(idToken.status, 401);
    QVERIFY(idToken.header("WWW-Authenticate").contains("error=\"invalid_token\""));

    const Reply garbage = get(QStringLiteral("/userinfo"), {{"Authorization", "Bearer not-a-token"}});
    QCOMPARE(garbage.status, 401);
    QVERIFY(garbage.header("WWW-Authenticate").contains("error=\"invalid_token\""));
}

void TestSandbox::graphqlWithIdToken()
{
    const QString idToken = signInAndGetTokens().value(QStringLiteral("id_token")).toString();
    const Reply reply = postGraphql(idToken, {{QStringLiteral("query"), QStringLiteral("{ me { sub email name } todos { id title done } }")}});
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Content-Type").startsWith("application/json"));
    QVERIFY2(reply.body.startsWith("{\"data\":{\"me\":{\"sub\":\"demo-user-1\",\"email\":\"demo@example.com\",\"name\":\"Demo User\"},"
                                   "\"todos\":[{\"id\":\"1\",\"title\":"),
             reply.body.constData());
    const QJsonObject data = reply.json().value(QStringLiteral("data")).toObject();
    QVERIFY(!reply.json().contains(QStringLiteral("errors")));
    const QJsonArray todos = data.value(QStringLiteral("todos")).toArray();
    QVERIFY(todos.size() >= 3);
    for (const QJsonValue &todo : todos) {
        QVERIFY(todo.toObject().value(QStringLiteral("id")).isString());
        QVERIFY(todo.toObject().value(QStringLiteral("title")).isString());
        QVERIFY(todo.toObject().value(QStringLiteral("done")).isBool());
    }
}

void TestSandbox::graphqlFieldOrderAndAliases()
{
    const QString idToken = signInAndGetTokens().value(QStringLiteral("id_token")).toString();
    const Reply reply = postGraphql(idToken, {{QStringLiteral("query"),
                                               QStringLiteral("query { z: me { name first: sub } __typename "
                                                              "a: todos { done id } me { email } }")}});
    QCOMPARE(reply.status, 200);
    const QByteArray expectedStart = "{\"data\":{\"z\":{\"name\":\"Demo User\",\"first\":\"demo-user-1\"},\"__typename\":\"Query\","
                                     "\"a\":[{\"done\":";
    QVERIFY2(reply.body.startsWith(expectedStart), reply.body.constData());
    QVERIFY2(reply.body.endsWith(",\"me\":{\"email\":\"demo@example.com\"}}}"), reply.body.constData());
}

void TestSandbox::graphqlVariablesAndOperationName()
{
    const QString idToken = signInAndGetTokens().value(QStringLiteral("id_token")).toString();
    const QString document = QStringLiteral(
        "query Count { todos { id } }\n"
        "mutation Add($title: String!) { added: addTodo(title: $title) { id title done __typename } }\n"
        "mutation Finish($id: ID!, $done: Boolean! = true) { setDone(id: $id, done: $done) { id done } }\n");

    const int before = postGraphql(idToken, {{QStringLiteral("query"), document}, {QStringLiteral("operationName"), QStringLiteral("Count")}})
                           .json().value(QStringLiteral("data")).toObject().value(QStringLiteral("todos")).toArray().size();
    QVERIFY(before >= 3);

    const Reply added = postGraphql(idToken, {{QStringLiteral("query"), document},
                                              {QStringLiteral("operationName"), QStringLiteral("Add")},
                                              {QStringLiteral("variables"), QJsonObject{{QStringLiteral("title"), QStringLiteral("Write \"tests\" + more")}}}});
    QCOMPARE(added.status, 200);
    const QJsonObject item = added.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("added")).toObject();
    QCOMPARE(item.value(QStringLiteral("title")).toString(), QStringLiteral("Write \"tests\" + more"));
    QCOMPARE(item.value(QStringLiteral("done")), QJsonValue(false));
    QCOMPARE(item.value(QStringLiteral("__typename")).toString(), QStringLiteral("Todo"));
    const QString id = item.value(QStringLiteral("id")).toString();

    const int after = postGraphql(idToken, {{QStringLiteral("query"), document}, {QStringLiteral("operationName"), QStringLiteral("Count")}})
                          .json().value(QStringLiteral("data")).toObject().value(QStringLiteral("todos")).toArray().size();
    QCOMPARE(after, before + 1);

    // The default value of $done applies, and the ID may also come as a number.
    const Reply finished = postGraphql(idToken, {{QStringLiteral("query"), document},
                                                 {QStringLiteral("operationName"), QStringLiteral("Finish")},
                                                 {QStringLiteral("variables"), QJsonObject{{QStringLiteral("id"), id.toInt()}}}});
    QCOMPARE(finished.body, QByteArray("{\"data\":{\"setDone\":{\"id\":\"" + id.toLatin1() + "\",\"done\":true}}}"));

    // An unknown id gives null with an error and a path.
    const Reply missing = postGraphql(idToken, {{QStringLiteral("query"), document},
                                                {QStringLiteral("operationName"), QStringLiteral("Finish")},
                                                {QStringLiteral("variables"), QJsonObject{{QStringLiteral("id"), QStringLiteral("999")}}}});
    QCOMPARE(missing.status, 200);
    QCOMPARE(missing.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("setDone")), QJsonValue(QJsonValue::Null));
    const QJsonObject error = missing.json().value(QStringLiteral("errors")).toArray().first().toObject();
    QCOMPARE(error.value(QStringLiteral("message")).toString(), QStringLiteral("No to-do item with id \"999\"."));
    QCOMPARE(error.value(QStringLiteral("path")).toArray(), QJsonArray{QStringLiteral("setDone")});

    // An empty title fails the non-null field, so data becomes null.
    const Reply empty = postGraphql(idToken, {{QStringLiteral("query"), document},
                                              {QStringLiteral("operationName"), QStringLiteral("Add")},
                                              {QStringLiteral("variables"), QJsonObject{{QStringLiteral("title"), QStringLiteral("   ")}}}});
    QCOMPARE(empty.json().value(QStringLiteral("data")), QJsonValue(QJsonValue::Null));
    QCOMPARE(empty.json().value(QStringLiteral("errors")).toArray().first().toObject().value(QStringLiteral("message")).toString(),
             QStringLiteral("The title must not be empty."));
}

void TestSandbox::graphqlFragmentsAndDirectives()
{
    const QString idToken = signInAndGetTokens().value(QStringLiteral("id_token")).toString();
    const QString document = QStringLiteral(
        "query Q($withMail: Boolean!) { me { ...Who ... on User { name } email @include(if: $withMail) sub @skip(if: true) } }\n"
        "fragment Who on User { sub }\n");
    const Reply with = postGraphql(idToken, {{QStringLiteral("query"), document},
                                             {QStringLiteral("variables"), QJsonObject{{QStringLiteral("withMail"), true}}}});
    QCOMPARE(with.body, QByteArray("{\"data\":{\"me\":{\"sub\":\"demo-user-1\",\"name\":\"Demo User\",\"email\":\"demo@example.com\"}}}"));
    const Reply without = postGraphql(idToken, {{QStringLiteral("query"), document},
                                                {QStringLiteral("variables"), QJsonObject{{QStringLiteral("withMail"), false}}}});
    QCOMPARE(without.body, QByteArray("{\"data\":{\"me\":{\"sub\":\"demo-user-1\",\"name\":\"Demo User\"}}}"));
}

void TestSandbox::graphqlErrors_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QJsonObject>("variables");
    QTest::addColumn<QString>("operationName");
    QTest::addColumn<QString>("message");

    QTest::newRow("unknown field") << QStringLiteral("{ me { sub } x }") << QJsonObject() << QString()
                                   << QStringLiteral("Cannot query field \"x\" on type \"Query\".");
    QTest::newRow("unknown nested field") << QStringLiteral("{ todos { id owner } }") << QJsonObject() << QString()
                                          << QStringLiteral("Cannot query field \"owner\" on type \"Todo\".");
    QTest::newRow("object without selection") << QStringLiteral("{ me }") << QJsonObject() << QString()
                                              << QStringLiteral("Field \"me\" of type \"User!\" must have a selection of subfields. "
                                                                "Did you mean \"me { ... }\"?");
    QTest::newRow("scalar with selection") << QStringLiteral("{ me { sub { x } } }") << QJsonObject() << QString()
                                           << QStringLiteral("Field \"sub\" must not have a selection since type \"ID!\" has no subfields.");
    QTest::newRow("missing argument") << QStringLiteral("mutation { addTodo { id } }") << QJsonObject() << QString()
                                      << QStringLiteral("Field \"addTodo\" argument \"title\" of type \"String!\" is required, but it was not provided.");
    QTest::newRow("wrong argument type") << QStringLiteral("mutation { addTodo(title: 5) { id } }") << QJsonObject() << QString()
                                         << QStringLiteral("Expected value of type \"String\", found 5.");
    QTest::newRow("unknown argument") << QStringLiteral("{ todos(first: 2) { id } }") << QJsonObject() << QString()
                                      << QStringLiteral("Unknown argument \"first\" on field \"Query.todos\".");
    QTest::newRow("undefined variable") << QStringLiteral("mutation M { addTodo(title: $t) { id } }") << QJsonObject() << QString()
                                        << QStringLiteral("Variable \"$t\" is not defined by operation \"M\".");
    QTest::newRow("unused variable") << QStringLiteral("query Q($a: Int) { me { sub } }") << QJsonObject() << QString()
                                     << QStringLiteral("Variable \"$a\" is never used in operation \"Q\".");
    QTest::newRow("nullable variable in non-null position")
        << QStringLiteral("mutation M($t: String) { addTodo(title: $t) { id } }") << QJsonObject() << QString()
        << QStringLiteral("Variable \"$t\" of type \"String\" used in position expecting type \"String!\".");
    QTest::newRow("missing variable value") << QStringLiteral("mutation M($t: String!) { addTodo(title: $t) { id } }") << QJsonObject()
                                            << QString() << QStringLiteral("Variable \"$t\" of required type \"String!\" was not provided.");
    QTest::newRow("wrong variable type") << QStringLiteral("mutation M($t: String!) { addTodo(title: $t) { id } }")
                                         << QJsonObject{{QStringLiteral("t"), 5}} << QString()
                                         << QStringLiteral("Variable \"$t\" got an invalid value 5: expected type \"String\", found 5.");
    QTest::newRow("several operations without name") << QStringLiteral("query A { me { sub } } query B { todos { id } }")
                                                     << QJsonObject() << QString()
                                                     << QStringLiteral("Must provide operationName when the document contains several operations.");
    QTest::newRow("unknown operation name") << QStringLiteral("query A { me { sub } }") << QJsonObject() << QStringLiteral("B")
                                            << QStringLiteral("Unknown operation named \"B\".");
    QTest::newRow("anonymous among several") << QStringLiteral("{ me { sub } } query B { todos { id } }") << QJsonObject() << QString()
                                             << QStringLiteral("This anonymous operation must be the only defined operation.");
    QTest::newRow("duplicate operation name") << QStringLiteral("query A { me { sub } } query A { todos { id } }") << QJsonObject()
                                              << QStringLiteral("A") << QStringLiteral("There can be only one operation named \"A\".");
    QTest::newRow("unknown fragment") << QStringLiteral("{ me { ...Nope } }") << QJsonObject() << QString()
                                      << QStringLiteral("Unknown fragment \"Nope\".");
    QTest::newRow("fragment cycle") << QStringLiteral("{ me { ...A } } fragment A on User { ...B } fragment B on User { ...A }")
                                    << QJsonObject() << QString()
                                    << QStringLiteral("Cannot spread fragment \"A\" within itself via \"B\".");
    QTest::newRow("fragment on wrong type") << QStringLiteral("{ me { ...T } } fragment T on Todo { id }") << QJsonObject() << QString()
                                            << QStringLiteral("Fragment \"T\" cannot be spread here as objects of type \"User\" can never be of type \"Todo\".");
    QTest::newRow("unused fragment") << QStringLiteral("{ me { sub } } fragment F on User { sub }") << QJsonObject() << QString()
                                     << QStringLiteral("Fragment \"F\" is never used.");
    QTest::newRow("alias conflict") << QStringLiteral("{ me { x: sub x: email } }") << QJsonObject() << QString()
                                    << QStringLiteral("Fields \"x\" conflict because \"sub\" and \"email\" are different fields. Use different "
                                                      "aliases on the fields to fetch both if this was intentional.");
    QTest::newRow("unknown directive") << QStringLiteral("{ me { sub @upper } }") << QJsonObject() << QString()
                                       << QStringLiteral("Unknown directive \"@upper\".");
    QTest::newRow("subscription") << QStringLiteral("subscription { me { sub } }") << QJsonObject() << QString()
                                  << QStringLiteral("The sandbox schema has no subscription type; use a query or a mutation.");
}

void TestSandbox::graphqlErrors()
{
    QFETCH(QString, query);
    QFETCH(QJsonObject, variables);
    QFETCH(QString, operationName);
    QFETCH(QString, message);

    static QString idToken;
    if (idToken.isEmpty())
        idToken = signInAndGetTokens().value(QStringLiteral("id_token")).toString();
    QJsonObject request{{QStringLiteral("query"), query}, {QStringLiteral("variables"), variables}};
    if (!operationName.isEmpty())
        request.insert(QStringLiteral("operationName"), operationName);
    const Reply reply = postGraphql(idToken, request);

    QCOMPARE(reply.status, 200);
    QVERIFY(!reply.json().contains(QStringLiteral("data")));
    const QJsonArray errors = reply.json().value(QStringLiteral("errors")).toArray();
    QVERIFY2(!errors.isEmpty(), reply.body.constData());
    QStringList messages;
    for (const QJsonValue &error : errors)
        messages.append(error.toObject().value(QStringLiteral("message")).toString());
    QVERIFY2(messages.contains(message), qPrintable(messages.join(QLatin1Char('\n'))));
}

void TestSandbox::graphqlSyntaxErrorIs400()
{
    const QString idToken = signInAndGetTokens().value(QStringLiteral("id_token")).toString();
    const Reply reply = postGraphql(idToken, {{QStringLiteral("query"), QStringLiteral("{\n  me { sub\n")}});
    QCOMPARE(reply.status, 400);
    const QJsonObject error = reply.json().value(QStringLiteral("errors")).toArray().first().toObject();
    QVERIFY2(error.value(QStringLiteral("message")).toString().startsWith(QStringLiteral("Syntax error at line 3, column 1:")),
             qPrintable(error.value(QStringLiteral("message")).toString()));
    const QJsonObject location = error.value(QStringLiteral("locations")).toArray().first().toObject();
    QCOMPARE(location.value(QStringLiteral("line")).toInt(), 3);
    QCOMPARE(location.value(QStringLiteral("column")).toInt(), 1);

    // The error for an unknown field carries the field's location.
    const Reply unknown = postGraphql(idToken, {{QStringLiteral("query"), QStringLiteral("{\n  me { sub }\n  nope\n}")}});
    QCOMPARE(unknown.status, 200);
    const QJsonObject unknownLocation =
        unknown.json().value(QStringLiteral("errors")).toArray().first().toObject().value(QStringLiteral("locations")).toArray().first().toObject();
    QCOMPARE(unknownLocation.value(QStringLiteral("line")).toInt(), 3);
    QCOMPARE(unknownLocation.value(QStringLiteral("column")).toInt(), 3);

    const Reply notJson = send("POST", endpoint(QStringLiteral("/graphql")), "{query",
                               {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + idToken.toLatin1()}});
    QCOMPARE(notJson.status, 400);
    const Reply noQuery = postGraphql(idToken, {{QStringLiteral("variables"), QJsonObject()}});
    QCOMPARE(noQuery.status, 400);
    const Reply wrongType = send("POST", endpoint(QStringLiteral("/graphql")), "query=%7B%7D",
                                 {{"Content-Type", "application/x-www-form-urlencoded"}, {"Authorization", "Bearer " + idToken.toLatin1()}});
    QCOMPARE(wrongType.status, 415);
}

void TestSandbox::graphqlOverGet()
{
    const QString idToken = signInAndGetTokens().value(QStringLiteral("id_token")).toString();
    const Headers auth = {{"Authorization", "Bearer " + idToken.toLatin1()}};
    const Reply reply = get(QStringLiteral("/graphql?query=") + QString::fromLatin1(formEncode(QStringLiteral("{ me { sub } }"))), auth);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("{\"data\":{\"me\":{\"sub\":\"demo-user-1\"}}}"));

    // '+' in a query string is a space, as in any form-encoded value.
    const Reply plus = get(QStringLiteral("/graphql?query=%7B+me+%7B+email+%7D+%7D"), auth);
    QCOMPARE(plus.body, QByteArray("{\"data\":{\"me\":{\"email\":\"demo@example.com\"}}}"));

    const Reply mutation = get(QStringLiteral("/graphql?query=") +
                                   QString::fromLatin1(formEncode(QStringLiteral("mutation { addTodo(title: \"x\") { id } }"))),
                               auth);
    QCOMPARE(mutation.status, 405);
    QCOMPARE(mutation.header("Allow"), QByteArray("POST"));
}

void TestSandbox::graphqlWithAccessToken()
{
    const QString accessToken = signInAndGetTokens().value(QStringLiteral("access_token")).toString();
    const Reply reply = postGraphql(accessToken, {{QStringLiteral("query"), QStringLiteral("{ me { sub name } }")}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("{\"data\":{\"me\":{\"sub\":\"demo-user-1\",\"name\":\"Demo User\"}}}"));
}

void TestSandbox::graphqlWithoutToken()
{
    const Reply reply = postGraphql(QString(), {{QStringLiteral("query"), QStringLiteral("{ me { sub } }")}});
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.header("WWW-Authenticate"), QByteArray("Bearer realm=\"sandbox\""));
    QVERIFY(!reply.json().value(QStringLiteral("errors")).toArray().first().toObject().value(QStringLiteral("message")).toString().isEmpty());
    QVERIFY(!reply.json().contains(QStringLiteral("data")));

    const Reply basic = send("POST", endpoint(QStringLiteral("/graphql")), "{\"query\":\"{ me { sub } }\"}",
                             {{"Content-Type", "application/json"}, {"Authorization", "Basic dXNlcjpwYXNz"}});
    QCOMPARE(basic.status, 401);
    QCOMPARE(basic.header("WWW-Authenticate"), QByteArray("Bearer realm=\"sandbox\""));
}

void TestSandbox::graphqlRejectsBadTokens_data()
{
    QTest::addColumn<QString>("variant");
    QTest::addColumn<QString>("descriptionPart");

    QTest::newRow("changed payload") << QStringLiteral("payload") << QStringLiteral("signature does not verify");
    QTest::newRow("changed signature") << QStringLiteral("signature") << QStringLiteral("signature does not verify");
    QTest::newRow("alg none") << QStringLiteral("none") << QStringLiteral("accepts only RS256");
    QTest::newRow("foreign key") << QStringLiteral("foreign") << QStringLiteral("signature does not verify");
    QTest::newRow("not a JWT") << QStringLiteral("opaque") << QStringLiteral("not a signed JWT");
}

void TestSandbox::graphqlRejectsBadTokens()
{
    QFETCH(QString, variant);
    QFETCH(QString, descriptionPart);

    const QByteArray idToken = signInAndGetTokens().value(QStringLiteral("id_token")).toString().toLatin1();
    const QList<QByteArray> parts = idToken.split('.');
    QCOMPARE(parts.size(), 3);
    const afx::jose::CompactJws original = *afx::jose::CompactJws::parse(idToken, nullptr);

    // Tokens signed with a key the sandbox never published, under the sandbox's kid.
    const auto signForeign = [&original](const QJsonObject &claims) {
        const afx::jose::Key foreignKey = afx::jose::Key::generateRsa(2048);
        QString error;
        return afx::jose::signCompact(QStringLiteral("RS256"), foreignKey,
                                      QJsonObject{{QStringLiteral("kid"), original.kid()}}, claims, &error)
            .value_or(QByteArray());
    };

    QByteArray token;
    if (variant == QLatin1String("payload")) {
        QJsonObject claims = original.claims;
        claims.insert(QStringLiteral("sub"), QStringLiteral("someone-else"));
        token = parts[0] + '.' + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact)) + '.' + parts[2];
    } else if (variant == QLatin1String("signature")) {
        QByteArray signature = parts[2];
        signature[10] = signature[10] == 'A' ? 'B' : 'A';
        token = parts[0] + '.' + parts[1] + '.' + signature;
    } else if (variant == QLatin1String("none")) {
        token = base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + '.' + parts[1] + '.';
    } else if (variant == QLatin1String("foreign")) {
        token = signForeign(original.claims);
    } else if (variant == QLatin1String("opaque")) {
        token = "opaque-reference-token";
    }
    QVERIFY(!token.isEmpty());

    const Reply reply = postGraphql(QString::fromLatin1(token), {{QStringLiteral("query"), QStringLiteral("{ me { sub } }")}});
    QCOMPARE(reply.status, 401);
    const QByteArray challenge = reply.header("WWW-Authenticate");
    QVERIFY2(challenge.startsWith("Bearer "), challenge.constData());
    QVERIFY2(challenge.contains("error=\"invalid_token\""), challenge.constData());
    QVERIFY2(challenge.contains("error_description=\""), challenge.constData());
    const QString message = reply.json().value(QStringLiteral("errors")).toArray().first().toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(descriptionPart), qPrintable(message));
    QVERIFY(!reply.json().contains(QStringLiteral("data")));
}

void TestSandbox::graphqlRejectsExpiredToken()
{
    const QString idToken = signInAndGetTokens().value(QStringLiteral("id_token")).toString();
    QCOMPARE(postGraphql(idToken, {{QStringLiteral("query"), QStringLiteral("{ me { sub } }")}}).status, 200);

    m_server->advanceClock(301);
    const Reply reply = postGraphql(idToken, {{QStringLiteral("query"), QStringLiteral("{ me { sub } }")}});
    QCOMPARE(reply.status, 401);
    QVERIFY(reply.header("WWW-Authenticate").contains("error=\"invalid_token\""));
    QVERIFY(reply.header("WWW-Authenticate").contains("expired"));
}

void TestSandbox::backendClaimChecks_data()
{
    QTest::addColumn<QString>("variant");
    QTest::addColumn<QString>("failedStep"); // empty when the token must be accepted
    QTest::addColumn<QString>("detailPart");

    QTest::newRow("valid ID token") << QStringLiteral("valid") << QString() << QString();
    QTest::newRow("audience list with a sandbox client") << QStringLiteral("audience-list") << QString() << QString();
    QTest::newRow("access token audience") << QStringLiteral("api-audience") << QString() << QString();
    QTest::newRow("foreign issuer") << QStringLiteral("issuer") << QStringLiteral("Check issuer") << QStringLiteral("trusts only");
    QTest::newRow("foreign audience") << QStringLiteral("audience") << QStringLiteral("Check audience")
                                      << QStringLiteral("none of those the backend accepts");
    QTest::newRow("expired") << QStringLiteral("expired") << QStringLiteral("Check expiry") << QStringLiteral("expired 10 seconds ago");
    QTest::newRow("no expiry") << QStringLiteral("no-exp") << QStringLiteral("Check expiry") << QStringLiteral("no numeric exp");
    QTest::newRow("not yet valid") << QStringLiteral("nbf") << QStringLiteral("Check expiry") << QStringLiteral("not valid yet");
    QTest::newRow("unknown kid") << QStringLiteral("kid") << QStringLiteral("Check signature") << QStringLiteral("no key with kid");
    QTest::newRow("HS256 header") << QStringLiteral("hs256") << QStringLiteral("Check signature") << QStringLiteral("accepts only RS256");
}

void TestSandbox::backendClaimChecks()
{
    QFETCH(QString, variant);
    QFETCH(QString, failedStep);
    QFETCH(QString, detailPart);

    // The provider and backend classes directly, so that tokens with chosen claims can be
    // signed with the provider's real key. One provider serves all rows, because RSA key
    // generation is slow. Each row gets a fresh backend and trace.
    static afx::sandbox::SandboxClock clock;
    static afx::sandbox::IdentityProvider provider(&clock);
    QString error;
    if (provider.keyId().isEmpty())
        QVERIFY2(provider.generateSigningKey(&error), qPrintable(error));
    provider.setIssuer(QStringLiteral("http://127.0.0.1:1"));
    afx::sandbox::GraphqlBackend backend(&provider, &clock);
    afx::Trace trace;
    backend.setTrace(&trace);

    const qint64 now = clock.now();
    QJsonObject claims{{QStringLiteral("iss"), provider.issuer()},
                       {QStringLiteral("sub"), QStringLiteral("demo-user-1")},
                       {QStringLiteral("aud"), SandboxServer::publicClientId()},
                       {QStringLiteral("iat"), now},
                       {QStringLiteral("exp"), now + 300}};
    QJsonObject header{{QStringLiteral("kid"), provider.keyId()}};
    if (variant == QLatin1String("audience-list"))
        claims.insert(QStringLiteral("aud"), QJsonArray{QStringLiteral("another-app"), SandboxServer::confidentialClientId()});
    else if (variant == QLatin1String("api-audience"))
        claims.insert(QStringLiteral("aud"), provider.graphqlUrl());
    else if (variant == QLatin1String("issuer"))
        claims.insert(QStringLiteral("iss"), QStringLiteral("https://issuer.example"));
    else if (variant == QLatin1String("audience"))
        claims.insert(QStringLiteral("aud"), QStringLiteral("another-app"));
    else if (variant == QLatin1String("expired"))
        claims.insert(QStringLiteral("exp"), now - 10);
    else if (variant == QLatin1String("no-exp"))
        claims.remove(QStringLiteral("exp"));
    else if (variant == QLatin1String("nbf"))
        claims.insert(QStringLiteral("nbf"), now + 100);
    else if (variant == QLatin1String("kid"))
        header.insert(QStringLiteral("kid"), QStringLiteral("some-other-key"));

    QByteArray token;
    if (variant == QLatin1String("hs256")) {
        token = base64Url("{\"alg\":\"HS256\",\"kid\":\"" + provider.keyId().toLatin1() + "\"}") + '.'
            + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact)) + '.' + base64Url("not-a-real-mac");
    } else {
        token = afx::jose::signCompact(QStringLiteral("RS256"), provider.signingKey(), header, claims, &error).value_or(QByteArray());
    }
    QVERIFY2(!token.isEmpty(), qPrintable(error));

    afx::sandbox::HttpRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/graphql");
    request.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}};
    request.body = "{\"query\":\"{ me { sub } }\"}";
    const afx::sandbox::HttpResponse response = backend.handle(request);

    QVERIFY(trace.count() > 0);
    const afx::TraceStep &last = trace.steps().constLast();
    if (failedStep.isEmpty()) {
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body, QByteArray("{\"data\":{\"me\":{\"sub\":\"demo-user-1\"}}}"));
        QCOMPARE(last.title, QStringLiteral("Check expiry"));
        QCOMPARE(last.result, afx::StepResult::Ok);
        return;
    }
    QCOMPARE(response.status, 401);
    QVERIFY(response.header("WWW-Authenticate").contains("error=\"invalid_token\""));
    QCOMPARE(last.title, failedStep);
    QCOMPARE(last.result, afx::StepResult::Failed);
    QVERIFY2(last.detail.contains(detailPart), qPrintable(last.detail));
}

void TestSandbox::backendStepsInTrace()
{
    // A server of its own, so that the JWKS has not been loaded yet.
    SandboxServer server;
    QVERIFY(server.start());
    afx::Trace trace;
    server.setTrace(&trace);
    QCOMPARE(server.jwksFetchCount(), 0);

    const QString idToken = signInAndGetTokens(&server).value(QStringLiteral("id_token")).toString();
    QVERIFY(!idToken.isEmpty());
    QCOMPARE(trace.count(), 0); // the provider's own endpoints report nothing

    const QJsonObject query{{QStringLiteral("query"), QStringLiteral("{ me { sub } }")}};
    for (int i = 0; i < 3; ++i)
        QCOMPARE(postGraphql(idToken, query, &server).status, 200);
    QCOMPARE(server.jwksFetchCount(), 1);

    QStringList titles;
    for (const afx::TraceStep &step : trace.steps())
        titles.append(step.title);
    const QStringList checks = {QStringLiteral("Check signature"), QStringLiteral("Check issuer"), QStringLiteral("Check audience"),
                                QStringLiteral("Check expiry")};
    QStringList expected = QStringList{QStringLiteral("GET /jwks")} + checks;
    for (int i = 0; i < 2; ++i)
        expected += QStringList{QStringLiteral("Signing keys from cache")} + checks;
    QCOMPARE(titles, expected);

    const afx::TraceStep &fetch = trace.step(0);
    QCOMPARE(fetch.from, afx::Trace::Backend);
    QCOMPARE(fetch.to, afx::Trace::Provider);
    QCOMPARE(fetch.channel, afx::Channel::Back);
    QCOMPARE(fetch.result, afx::StepResult::Ok);
    QCOMPARE(fetch.request.method, QStringLiteral("GET"));
    QCOMPARE(fetch.request.url, server.issuer() + QStringLiteral("/jwks"));
    QCOMPARE(fetch.response.status, 200);
    QCOMPARE(QJsonDocument::fromJson(fetch.response.body).object(),
             QJsonDocument::fromJson(send("GET", endpoint(QStringLiteral("/jwks"), &server)).body).object());

    for (int i = 1; i < trace.count(); ++i) {
        const afx::TraceStep &step = trace.step(i);
        QCOMPARE(step.from, afx::Trace::Backend);
        QCOMPARE(step.to, afx::Trace::Backend);
        QCOMPARE(step.channel, afx::Channel::Local);
        QCOMPARE(step.result, afx::StepResult::Ok);
        QVERIFY2(!step.detail.isEmpty() && step.detail.endsWith(QLatin1Char('.')), qPrintable(step.detail));
        QVERIFY(!step.detail.contains(idToken)); // no token in the trace
    }

    // A tampered token stops at the signature check, which is reported as failed.
    const int before = trace.count();
    QByteArray tampered = idToken.toLatin1();
    tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
    QCOMPARE(postGraphql(QString::fromLatin1(tampered), query, &server).status, 401);
    QCOMPARE(trace.count(), before + 2);
    QCOMPARE(trace.step(before).title, QStringLiteral("Signing keys from cache"));
    QCOMPARE(trace.step(before + 1).title, QStringLiteral("Check signature"));
    QCOMPARE(trace.step(before + 1).result, afx::StepResult::Failed);
    QCOMPARE(server.jwksFetchCount(), 1);

    // No token: one failed step, no key loading.
    QCOMPARE(postGraphql(QString(), query, &server).status, 401);
    QCOMPARE(trace.count(), before + 3);
    QCOMPARE(trace.step(before + 2).result, afx::StepResult::Failed);

    // Without a trace the backend still works.
    server.setTrace(nullptr);
    QCOMPARE(postGraphql(idToken, query, &server).status, 200);
    QCOMPARE(trace.count(), before + 3);
}

void TestSandbox::requestServedHasNoQuery()
{
    QSignalSpy served(m_server, &SandboxServer::requestServed);
    const AuthorizationRequest request;
    const QString code = signIn(request);
    QVERIFY(!code.isEmpty());
    QTRY_COMPARE(served.count(), 2);
    QCOMPARE(served.at(0).at(0).toString(), QStringLiteral("GET"));
    QCOMPARE(served.at(0).at(1).toString(), QStringLiteral("/authorize"));
    QCOMPARE(served.at(0).at(2).toInt(), 200);
    QCOMPARE(served.at(1).at(0).toString(), QStringLiteral("POST"));
    QCOMPARE(served.at(1).at(1).toString(), QStringLiteral("/login"));
    QCOMPARE(served.at(1).at(2).toInt(), 302);
    for (const QList<QVariant> &arguments : served)
        QVERIFY(!arguments.at(1).toString().contains(code));
}

void TestSandbox::clientSecretJwtAtEveryEndpoint_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("audiencePath"); // appended to the issuer for the aud claim
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("member");       // a member of the JSON response, or empty for no body

    const QString tokenPath = QStringLiteral("/token");
    QTest::newRow("token") << tokenPath << formBody({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")}})
                           << tokenPath << 200 << QStringLiteral("access_token");
    QTest::newRow("device authorization") << QStringLiteral("/device_authorization")
                                          << formBody({{QStringLiteral("scope"), QStringLiteral("openid")}}) << tokenPath << 200
                                          << QStringLiteral("device_code");
    QTest::newRow("revoke") << QStringLiteral("/revoke") << formBody({{QStringLiteral("token"), QStringLiteral("unknown")}})
                            << tokenPath << 200 << QString();
    QTest::newRow("introspect") << QStringLiteral("/introspect")
                                << formBody({{QStringLiteral("token"), QStringLiteral("unknown")}}) << tokenPath << 200
                                << QStringLiteral("active");
    AuthorizationRequest request;
    request.clientId = SandboxServer::confidentialClientId();
    QTest::newRow("par") << QStringLiteral("/par") << formBody(request.fields()) << tokenPath << 201
                         << QStringLiteral("request_uri");
    QTest::newRow("par with its own URL as aud") << QStringLiteral("/par") << formBody(request.fields())
                                                 << QStringLiteral("/par") << 201 << QStringLiteral("request_uri");
}

void TestSandbox::clientSecretJwtAtEveryEndpoint()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(QString, audiencePath);
    QFETCH(int, status);
    QFETCH(QString, member);

    QJsonObject claims = assertionClaims(SandboxServer::confidentialClientId());
    claims.insert(QStringLiteral("aud"), m_server->issuer() + audiencePath);
    const QByteArray assertion = signWithSecret(claims);
    QVERIFY(!assertion.isEmpty());
    const QByteArray authentication = "&client_assertion_type=" + formEncode(jwtBearerType) + "&client_assertion=" + assertion;
    const Reply reply = postForm(path, body + authentication);
    QVERIFY2(reply.status == status, reply.body.constData());
    if (member.isEmpty())
        QVERIFY(reply.body.isEmpty());
    else
        QVERIFY2(reply.json().contains(member), reply.body.constData());
}

void TestSandbox::clientSecretJwtAcceptedVariants_data()
{
    QTest::addColumn<QString>("variant");

    QTest::newRow("aud is an array") << QStringLiteral("aud-array");
    QTest::newRow("aud is the issuer") << QStringLiteral("aud-issuer");
    QTest::newRow("exp 30 s ago, within leeway") << QStringLiteral("exp-leeway");
    QTest::newRow("iat 30 s ahead, within leeway") << QStringLiteral("iat-leeway");
    QTest::newRow("no iat") << QStringLiteral("no-iat");
    QTest::newRow("matching client_id field") << QStringLiteral("client-id-field");
}

void TestSandbox::clientSecretJwtAcceptedVariants()
{
    QFETCH(QString, variant);

    const QString clientId = SandboxServer::confidentialClientId();
    QJsonObject claims = assertionClaims(clientId);
    QList<QPair<QString, QString>> fields{{QStringLiteral("grant_type"), QStringLiteral("client_credentials")}};
    const qint64 now = sandboxNow();
    if (variant == QLatin1String("aud-array"))
        claims.insert(QStringLiteral("aud"), QJsonArray{QStringLiteral("https://other.example"),
                                                        endpoint(QStringLiteral("/token")).toString()});
    else if (variant == QLatin1String("aud-issuer"))
        claims.insert(QStringLiteral("aud"), m_server->issuer());
    else if (variant == QLatin1String("exp-leeway"))
        claims.insert(QStringLiteral("exp"), now - 30);
    else if (variant == QLatin1String("iat-leeway"))
        claims.insert(QStringLiteral("iat"), now + 30);
    else if (variant == QLatin1String("no-iat"))
        claims.remove(QStringLiteral("iat"));
    else if (variant == QLatin1String("client-id-field"))
        fields.append({QStringLiteral("client_id"), clientId});

    const Reply reply = postWithAssertion(QStringLiteral("/token"), fields, signWithSecret(claims));
    QVERIFY2(reply.status == 200, reply.body.constData());
    const QString accessToken = reply.jsonString(QStringLiteral("access_token"));
    const QJsonObject accessClaims = verifiedClaims(accessToken);
    QCOMPARE(accessClaims.value(QStringLiteral("client_id")).toString(), clientId);
}

void TestSandbox::clientAssertionRejections_data()
{
    QTest::addColumn<QString>("variant");
    QTest::addColumn<QString>("descriptionPart");

    QTest::newRow("wrong secret") << QStringLiteral("wrong-secret") << QStringLiteral("signature");
    QTest::newRow("expired") << QStringLiteral("expired") << QStringLiteral("expired");
    QTest::newRow("wrong aud") << QStringLiteral("wrong-aud") << QStringLiteral("aud");
    QTest::newRow("aud of the backend") << QStringLiteral("graphql-aud") << QStringLiteral("aud");
    QTest::newRow("no aud") << QStringLiteral("no-aud") << QStringLiteral("aud");
    QTest::newRow("alg none") << QStringLiteral("alg-none") << QStringLiteral("alg none");
    QTest::newRow("RS256 for client_secret_jwt") << QStringLiteral("rs256") << QStringLiteral("RS256");
    QTest::newRow("HS512 with a 64-byte key") << QStringLiteral("hs512") << QStringLiteral("64 bytes");
    QTest::newRow("iss differs") << QStringLiteral("other-iss") << QStringLiteral("iss");
    QTest::newRow("no iss") << QStringLiteral("no-iss") << QStringLiteral("iss");
    QTest::newRow("no sub") << QStringLiteral("no-sub") << QStringLiteral("sub");
    QTest::newRow("sub is a number") << QStringLiteral("numeric-sub") << QStringLiteral("sub");
    QTest::newRow("unknown client") << QStringLiteral("unknown-client") << QStringLiteral("unknown client");
    QTest::newRow("public client") << QStringLiteral("public-client") << QStringLiteral("public");
    QTest::newRow("client_id field differs") << QStringLiteral("other-client-id") << QStringLiteral("client_id");
    QTest::newRow("no jti") << QStringLiteral("no-jti") << QStringLiteral("jti");
    QTest::newRow("jti is a number") << QStringLiteral("numeric-jti") << QStringLiteral("jti");
    QTest::newRow("no exp") << QStringLiteral("no-exp") << QStringLiteral("exp");
    QTest::newRow("exp is a string") << QStringLiteral("string-exp") << QStringLiteral("exp");
    QTest::newRow("exp two hours ahead") << QStringLiteral("far-exp") << QStringLiteral("exp");
    QTest::newRow("iat in the future") << QStringLiteral("future-iat") << QStringLiteral("iat");
    QTest::newRow("nbf in the future") << QStringLiteral("future-nbf") << QStringLiteral("nbf");
    QTest::newRow("crit header") << QStringLiteral("crit") << QStringLiteral("crit");
    QTest::newRow("SAML assertion type") << QStringLiteral("saml-type") << QStringLiteral("client_assertion_type");
    QTest::newRow("type without assertion") << QStringLiteral("no-assertion") << QStringLiteral("client_assertion");
    QTest::newRow("assertion without type") << QStringLiteral("no-type") << QStringLiteral("client_assertion_type");
    QTest::newRow("not a JWT") << QStringLiteral("garbage") << QStringLiteral("not a signed JWT");
    QTest::newRow("truncated JWT") << QStringLiteral("truncated") << QStringLiteral("not a signed JWT");
    QTest::newRow("oversized JWT") << QStringLiteral("oversized") << QStringLiteral("not a signed JWT");
    QTest::newRow("payload is an array") << QStringLiteral("array-payload") << QStringLiteral("payload");
    QTest::newRow("payload is not UTF-8 JSON") << QStringLiteral("binary-payload") << QStringLiteral("client_assertion");
}

void TestSandbox::clientAssertionRejections()
{
    QFETCH(QString, variant);
    QFETCH(QString, descriptionPart);

    const QString clientId = SandboxServer::confidentialClientId();
    const QByteArray secret = SandboxServer::confidentialClientSecret().toUtf8();
    QJsonObject claims = assertionClaims(clientId);
    const qint64 now = sandboxNow();
    QList<QPair<QString, QString>> fields{{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                                          {QStringLiteral("client_assertion_type"), jwtBearerType}};
    QByteArray assertion;
    // Builds header.payload with an HS256 signature over it, for payloads that are not claims.
    const auto signRawPayload = [&secret](const QByteArray &payload) {
        const QByteArray input = base64Url(R"({"alg":"HS256"})") + '.' + base64Url(payload);
        return input + '.' + base64Url(afx::jose::signHmac(QStringLiteral("HS256"), secret, input, nullptr).value_or(QByteArray()));
    };

    if (variant == QLatin1String("wrong-secret"))
        assertion = signWithSecret(claims, QStringLiteral("HS256"), QByteArray(40, 'x'));
    else if (variant == QLatin1String("expired"))
        claims.insert(QStringLiteral("exp"), now - 61);
    else if (variant == QLatin1String("wrong-aud"))
        claims.insert(QStringLiteral("aud"), QStringLiteral("https://other.example/token"));
    else if (variant == QLatin1String("graphql-aud"))
        claims.insert(QStringLiteral("aud"), m_server->graphqlUrl().toString());
    else if (variant == QLatin1String("no-aud"))
        claims.remove(QStringLiteral("aud"));
    else if (variant == QLatin1String("alg-none"))
        assertion = unsignedJwt(claims);
    else if (variant == QLatin1String("rs256"))
        assertion = signWithKey(claims, QStringLiteral("RS256"), afx::jose::Key::generateRsa(2048));
    else if (variant == QLatin1String("hs512"))
        assertion = signWithSecret(claims, QStringLiteral("HS512"), QByteArray(64, 's'));
    else if (variant == QLatin1String("other-iss"))
        claims.insert(QStringLiteral("iss"), QStringLiteral("someone-else"));
    else if (variant == QLatin1String("no-iss"))
        claims.remove(QStringLiteral("iss"));
    else if (variant == QLatin1String("no-sub"))
        claims.remove(QStringLiteral("sub"));
    else if (variant == QLatin1String("numeric-sub"))
        claims.insert(QStringLiteral("sub"), 42);
    else if (variant == QLatin1String("unknown-client")) {
        claims.insert(QStringLiteral("iss"), QStringLiteral("nobody"));
        claims.insert(QStringLiteral("sub"), QStringLiteral("nobody"));
    } else if (variant == QLatin1String("public-client")) {
        claims.insert(QStringLiteral("iss"), SandboxServer::publicClientId());
        claims.insert(QStringLiteral("sub"), SandboxServer::publicClientId());
    } else if (variant == QLatin1String("other-client-id"))
        fields.append({QStringLiteral("client_id"), SandboxServer::publicClientId()});
    else if (variant == QLatin1String("no-jti"))
        claims.remove(QStringLiteral("jti"));
    else if (variant == QLatin1String("numeric-jti"))
        claims.insert(QStringLiteral("jti"), 12345);
    else if (variant == QLatin1String("no-exp"))
        claims.remove(QStringLiteral("exp"));
    else if (variant == QLatin1String("string-exp"))
        claims.insert(QStringLiteral("exp"), QString::number(now + 120));
    else if (variant == QLatin1String("far-exp"))
        claims.insert(QStringLiteral("exp"), now + 7200);
    else if (variant == QLatin1String("future-iat"))
        claims.insert(QStringLiteral("iat"), now + 300);
    else if (variant == QLatin1String("future-nbf"))
        claims.insert(QStringLiteral("nbf"), now + 300);
    else if (variant == QLatin1String("crit"))
        assertion = signWithSecret(claims, QStringLiteral("HS256"), secret,
                                   QJsonObject{{QStringLiteral("crit"), QJsonArray{QStringLiteral("exp")}}});
    else if (variant == QLatin1String("saml-type"))
        fields[1].second = QStringLiteral("urn:ietf:params:oauth:client-assertion-type:saml2-bearer");
    else if (variant == QLatin1String("no-type"))
        fields.removeAt(1);
    else if (variant == QLatin1String("garbage"))
        assertion = "this-is-not-a-jwt";
    else if (variant == QLatin1String("truncated"))
        assertion = QString::fromLatin1(signWithSecret(claims)).section(QLatin1Char('.'), 0, 1).toLatin1();
    else if (variant == QLatin1String("oversized"))
        claims.insert(QStringLiteral("padding"), QString(10000, QLatin1Char('a')));
    else if (variant == QLatin1String("array-payload"))
        assertion = signRawPayload("[1,2,3]");
    else if (variant == QLatin1String("binary-payload"))
        assertion = signRawPayload(QByteArray("\xff\xfe\x00{", 4));

    if (assertion.isEmpty() && variant != QLatin1String("no-assertion"))
        assertion = signWithSecret(claims);
    if (variant != QLatin1String("no-assertion"))
        fields.append({QStringLiteral("client_assertion"), QString::fromLatin1(assertion)});

    const Reply reply = postForm(QStringLiteral("/token"), formBody(fields));
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.jsonString(QStringLiteral("error")), QStringLiteral("invalid_client"));
    const QString description = reply.jsonString(QStringLiteral("error_description"));
    QVERIFY2(description.contains(descriptionPart), qPrintable(description));
    QVERIFY2(reply.header("WWW-Authenticate").startsWith("Basic "), reply.header("WWW-Authenticate").constData());
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    QVERIFY(!reply.json().contains(QStringLiteral("access_token")));
    // The description never repeats the client secret.
    QVERIFY(!description.contains(SandboxServer::confidentialClientSecret()));
}

void TestSandbox::clientAssertionReplayRejected()
{
    const QList<QPair<QString, QString>> fields{{QStringLiteral("grant_type"), QStringLiteral("client_credentials")}};
    const QJsonObject claims = assertionClaims(SandboxServer::confidentialClientId());
    const QByteArray assertion = signWithSecret(claims);

    const Reply first = postWithAssertion(QStringLiteral("/token"), fields, assertion);
    QVERIFY2(first.status == 200, first.body.constData());

    const Reply second = postWithAssertion(QStringLiteral("/token"), fields, assertion);
    QCOMPARE(second.status, 401);
    QCOMPARE(second.jsonString(QStringLiteral("error")), QStringLiteral("invalid_client"));
    QVERIFY2(second.jsonString(QStringLiteral("error_description")).contains(QStringLiteral("jti")),
             second.body.constData());
    QVERIFY(second.header("WWW-Authenticate").startsWith("Basic "));

    // The replay is recognized at another endpoint too.
    const Reply atIntrospection = postWithAssertion(QStringLiteral("/introspect"),
                                                    {{QStringLiteral("token"), QStringLiteral("x")}}, assertion);
    QCOMPARE(atIntrospection.status, 401);

    // A new assertion with the same claims apart from jti works.
    QJsonObject fresh = claims;
    fresh.insert(QStringLiteral("jti"), newJti());
    QCOMPARE(postWithAssertion(QStringLiteral("/token"), fields, signWithSecret(fresh)).status, 200);
}

void TestSandbox::clientAssertionExpiresWithClock()
{
    const QList<QPair<QString, QString>> fields{{QStringLiteral("grant_type"), QStringLiteral("client_credentials")}};
    QJsonObject claims = assertionClaims(SandboxServer::confidentialClientId());
    claims.insert(QStringLiteral("exp"), sandboxNow() + 30);
    QJsonObject second = claims;
    second.insert(QStringLiteral("jti"), newJti());

    // 85 seconds later the assertion is 55 seconds past exp, within the 60 seconds of leeway.
    m_server->advanceClock(85);
    const Reply withinLeeway = postWithAssertion(QStringLiteral("/token"), fields, signWithSecret(claims));
    QVERIFY2(withinLeeway.status == 200, withinLeeway.body.constData());

    m_server->advanceClock(6);
    const Reply expired = postWithAssertion(QStringLiteral("/token"), fields, signWithSecret(second));
    QCOMPARE(expired.status, 401);
    QVERIFY2(expired.jsonString(QStringLiteral("error_description")).contains(QStringLiteral("expired")),
             expired.body.constData());
}

void TestSandbox::clientAssertionWithSecondMethod()
{
    const QByteArray assertion = signWithSecret(assertionClaims(SandboxServer::confidentialClientId()));
    const QList<QPair<QString, QString>> fields{{QStringLiteral("grant_type"), QStringLiteral("client_credentials")}};

    const Reply withSecret = postWithAssertion(
        QStringLiteral("/token"),
        fields + QList<QPair<QString, QString>>{{QStringLiteral("client_secret"), SandboxServer::confidentialClientSecret()}},
        assertion);
    QCOMPARE(withSecret.status, 400);
    QCOMPARE(withSecret.jsonString(QStringLiteral("error")), QStringLiteral("invalid_request"));
    QVERIFY(withSecret.jsonString(QStringLiteral("error_description")).contains(QStringLiteral("two client authentication")));

    const QList<QPair<QString, QString>> authentication{{QStringLiteral("client_assertion_type"), jwtBearerType},
                                                        {QStringLiteral("client_assertion"), QString::fromLatin1(assertion)}};
    const Reply withBasic = postForm(QStringLiteral("/token"), formBody(fields + authentication),
                                     {{"Authorization", confidentialBasicCredentials()}});
    QCOMPARE(withBasic.status, 400);
    QCOMPARE(withBasic.jsonString(QStringLiteral("error")), QStringLiteral("invalid_request"));

    // Neither rejected request used up the assertion's jti.
    QCOMPARE(postWithAssertion(QStringLiteral("/token"), fields, assertion).status, 200);
}

void TestSandbox::privateKeyJwtAccepted_data()
{
    QTest::addColumn<QString>("keyType");
    QTest::addColumn<QString>("alg");

    QTest::newRow("RSA RS256") << QStringLiteral("RSA") << QStringLiteral("RS256");
    QTest::newRow("RSA PS256") << QStringLiteral("RSA") << QStringLiteral("PS256");
    QTest::newRow("RSA RS512") << QStringLiteral("RSA") << QStringLiteral("RS512");
    QTest::newRow("EC P-256 ES256") << QStringLiteral("P-256") << QStringLiteral("ES256");
    QTest::newRow("EC P-384 ES384") << QStringLiteral("P-384") << QStringLiteral("ES384");
}

void TestSandbox::privateKeyJwtAccepted()
{
    QFETCH(QString, keyType);
    QFETCH(QString, alg);

    const afx::jose::Key key = keyType == QLatin1String("RSA") ? afx::jose::Key::generateRsa(2048)
                                                               : afx::jose::Key::generateEc(keyType);
    QVERIFY(!key.isNull());
    // The private key is passed on purpose, because the sandbox keeps only its public part.
    m_server->setClientAssertionKey(key);

    const QString clientId = SandboxServer::jwtClientId();
    const Reply reply = postWithAssertion(QStringLiteral("/token"),
                                          {{QStringLiteral("grant_type"), QStringLiteral("client_credentials")}},
                                          signWithKey(assertionClaims(clientId), alg, key));
    QVERIFY2(reply.status == 200, reply.body.constData());
    const QString accessToken = reply.jsonString(QStringLiteral("access_token"));
    QCOMPARE(verifiedClaims(accessToken).value(QStringLiteral("client_id")).toString(), clientId);

    // The confidential JWT client may introspect, with a new assertion.
    const Reply introspection = postWithAssertion(QStringLiteral("/introspect"), {{QStringLiteral("token"), accessToken}},
                                                  signWithKey(assertionClaims(clientId), alg, key));
    QVERIFY2(introspection.status == 200, introspection.body.constData());
    QCOMPARE(introspection.json().value(QStringLiteral("active")), QJsonValue(true));
}

void TestSandbox::privateKeyJwtWrongKey()
{
    const afx::jose::Key registered = afx::jose::Key::generateRsa(2048);
    m_server->setClientAssertionKey(registered);
    const QString clientId = SandboxServer::jwtClientId();
    const QList<QPair<QString, QString>> fields{{QStringLiteral("grant_type"), QStringLiteral("client_credentials")}};
    const auto expectRejected = [&](const QByteArray &assertion, const QString &descriptionPart) {
        const Reply reply = postWithAssertion(QStringLiteral("/token"), fields, assertion);
        QCOMPARE(reply.status, 401);
        QCOMPARE(reply.jsonString(QStringLiteral("error")), QStringLiteral("invalid_client"));
        QVERIFY2(reply.jsonString(QStringLiteral("error_description")).contains(descriptionPart), reply.body.constData());
        QVERIFY(reply.header("WWW-Authenticate").startsWith("Basic "));
    };

    expectRejected(signWithKey(assertionClaims(clientId), QStringLiteral("RS256"), afx::jose::Key::generateRsa(2048)),
                   QStringLiteral("signature"));
    if (QTest::currentTestFailed())
        return;
    expectRejected(signWithKey(assertionClaims(clientId), QStringLiteral("ES256"), afx::jose::Key::generateEc()),
                   QStringLiteral("EC key"));
    if (QTest::currentTestFailed())
        return;
    expectRejected(signWithSecret(assertionClaims(clientId), QStringLiteral("HS256"), QByteArray(32, 'k')),
                   QStringLiteral("HS256"));
    if (QTest::currentTestFailed())
        return;
    expectRejected(unsignedJwt(assertionClaims(clientId)), QStringLiteral("alg none"));
    if (QTest::currentTestFailed())
        return;

    // With the registered key the same claims pass.
    QCOMPARE(postWithAssertion(QStringLiteral("/token"), fields,
                               signWithKey(assertionClaims(clientId), QStringLiteral("RS256"), registered))
                 .status,
             200);
}

void TestSandbox::privateKeyJwtNoKeyRegistered()
{
    SandboxServer server;
    QString error;
    QVERIFY2(server.start(0, &error), qPrintable(error));
    const QString clientId = SandboxServer::jwtClientId();
    const QList<QPair<QString, QString>> fields{{QStringLiteral("grant_type"), QStringLiteral("client_credentials")}};
    const afx::jose::Key key = afx::jose::Key::generateEc();
    const QString noKey = QStringLiteral("No public key is registered");
    const auto postAssertion = [&]() {
        return postWithAssertion(QStringLiteral("/token"), fields,
                                 signWithKey(assertionClaims(clientId, &server), QStringLiteral("ES256"), key), &server);
    };

    const Reply withAssertion = postAssertion();
    QCOMPARE(withAssertion.status, 401);
    QCOMPARE(withAssertion.jsonString(QStringLiteral("error")), QStringLiteral("invalid_client"));
    QVERIFY2(withAssertion.jsonString(QStringLiteral("error_description")).contains(noKey), withAssertion.body.constData());
    QVERIFY(withAssertion.header("WWW-Authenticate").startsWith("Basic "));

    const Reply withClientId = send("POST", endpoint(QStringLiteral("/token"), &server),
                                    formBody(fields + QList<QPair<QString, QString>>{{QStringLiteral("client_id"), clientId}}),
                                    {{"Content-Type", "application/x-www-form-urlencoded"}});
    QCOMPARE(withClientId.status, 400);
    QCOMPARE(withClientId.jsonString(QStringLiteral("error")), QStringLiteral("invalid_client"));
    QVERIFY2(withClientId.jsonString(QStringLiteral("error_description")).contains(noKey), withClientId.body.constData());

    server.setClientAssertionKey(key);
    QCOMPARE(postAssertion().status, 200);

    // An Ed25519 key is not accepted, and it removes the earlier registration.
    server.setClientAssertionKey(afx::jose::Key::generateEd25519());
    const Reply afterEd25519 = postAssertion();
    QCOMPARE(afterEd25519.status, 401);
    QVERIFY(afterEd25519.jsonString(QStringLiteral("error_description")).contains(noKey));

    server.setClientAssertionKey(key);
    QCOMPARE(postAssertion().status, 200);
    server.setClientAssertionKey(afx::jose::Key());
    const Reply afterRemoval = postAssertion();
    QCOMPARE(afterRemoval.status, 401);
    QVERIFY(afterRemoval.jsonString(QStringLiteral("error_description")).contains(noKey));
}

void TestSandbox::privateKeyJwtClientNeedsAssertion()
{
    m_server->setClientAssertionKey(afx::jose::Key::generateEc());
    const QString clientId = SandboxServer::jwtClientId();
    const QList<QPair<QString, QString>> fields{{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                                                {QStringLiteral("client_id"), clientId}};

    const Reply withClientId = postForm(QStringLiteral("/token"), formBody(fields));
    QCOMPARE(withClientId.status, 400);
    QCOMPARE(withClientId.jsonString(QStringLiteral("error")), QStringLiteral("invalid_client"));
    QVERIFY2(withClientId.jsonString(QStringLiteral("error_description")).contains(QStringLiteral("private_key_jwt")),
             withClientId.body.constData());

    // The client has no secret, so an empty one must not pass either way.
    const Reply emptyPostSecret = postForm(
        QStringLiteral("/token"), formBody(fields + QList<QPair<QString, QString>>{{QStringLiteral("client_secret"), QString()}}));
    QCOMPARE(emptyPostSecret.status, 400);
    QCOMPARE(emptyPostSecret.jsonString(QStringLiteral("error")), QStringLiteral("invalid_client"));

    const Reply emptyBasicSecret = postForm(QStringLiteral("/token"),
                                            formBody({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")}}),
                                            {{"Authorization", basicCredentials(formEncode(clientId) + ':')}});
    QCOMPARE(emptyBasicSecret.status, 401);
    QCOMPARE(emptyBasicSecret.jsonString(QStringLiteral("error")), QStringLiteral("invalid_client"));
    QVERIFY(emptyBasicSecret.jsonString(QStringLiteral("error_description")).contains(QStringLiteral("private_key_jwt")));
}

void TestSandbox::parCodeFlowToToken_data()
{
    QTest::addColumn<QString>("clientAuthentication");

    QTest::newRow("public client_id") << QStringLiteral("public");
    QTest::newRow("confidential Basic without client_id") << QStringLiteral("basic");
    QTest::newRow("confidential client_secret_jwt") << QStringLiteral("client_secret_jwt");
}

void TestSandbox::parCodeFlowToToken()
{
    QFETCH(QString, clientAuthentication);

    AuthorizationRequest request;
    QList<QPair<QString, QString>> pushFields;
    Headers pushHeaders;
    if (clientAuthentication == QLatin1String("public")) {
        pushFields = request.fields();
    } else {
        request.clientId = SandboxServer::confidentialClientId();
        pushFields = request.fields();
        if (clientAuthentication == QLatin1String("basic")) {
            pushFields.removeIf([](const auto &field) { return field.first == QLatin1String("client_id"); });
            pushHeaders.append(qMakePair(QByteArray("Authorization"), confidentialBasicCredentials()));
        } else {
            QJsonObject claims = assertionClaims(request.clientId);
            claims.insert(QStringLiteral("aud"), endpoint(QStringLiteral("/par")).toString());
            pushFields += QList<QPair<QString, QString>>{{QStringLiteral("client_assertion_type"), jwtBearerType},
                                                         {QStringLiteral("client_assertion"),
                                                          QString::fromLatin1(signWithSecret(claims))}};
        }
    }

    const Reply pushed = postForm(QStringLiteral("/par"), formBody(pushFields), pushHeaders);
    QVERIFY2(pushed.status == 201, pushed.body.constData());
    QVERIFY(pushed.header("Content-Type").startsWith("application/json"));
    QCOMPARE(pushed.header("Cache-Control"), QByteArray("no-store"));
    const QString requestUri = pushed.jsonString(QStringLiteral("request_uri"));
    QVERIFY2(requestUri.startsWith(requestUriPrefix), qPrintable(requestUri));
    QVERIFY(requestUri.size() > requestUriPrefix.size() + 20);
    QCOMPARE(pushed.json().value(QStringLiteral("expires_in")), QJsonValue(60));

    // Parameters in the URL besides client_id and request_uri are ignored (RFC 9126 section 4).
    const Reply page = authorizeWithRequestUri(request.clientId, requestUri,
                                               {{QStringLiteral("redirect_uri"), QStringLiteral("http://127.0.0.1:1/callback")},
                                                {QStringLiteral("state"), QStringLiteral("from-the-url")},
                                                {QStringLiteral("scope"), QStringLiteral("openid")},
                                                {QStringLiteral("response_type"), QStringLiteral("id_token")}});
    QVERIFY2(page.status == 200, page.body.constData());
    QVERIFY(!requestIdFromPage(page.html()).isEmpty());
    QVERIFY2(QString::fromUtf8(page.body).contains(QStringLiteral("offline_access")), "the pushed scope is shown");

    const Reply login = submitDemoLogin(page);
    QCOMPARE(login.status, 302);
    const Redirect redirect = parseRedirect(login);
    QCOMPARE(redirect.target, request.redirectUri);
    QCOMPARE(redirect.params.value(QStringLiteral("state")), request.state);
    QVERIFY(redirect.fragment.isEmpty());
    const QString code = redirect.params.value(QStringLiteral("code"));
    QVERIFY(!code.isEmpty());

    QList<QPair<QString, QString>> tokenFields{{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                               {QStringLiteral("code"), code},
                                               {QStringLiteral("redirect_uri"), request.redirectUri},
                                               {QStringLiteral("code_verifier"), request.verifier},
                                               {QStringLiteral("client_id"), request.clientId}};
    if (request.clientId == SandboxServer::confidentialClientId())
        tokenFields.append({QStringLiteral("client_secret"), SandboxServer::confidentialClientSecret()});
    const Reply tokens = postForm(QStringLiteral("/token"), formBody(tokenFields));
    QVERIFY2(tokens.status == 200, tokens.body.constData());
    const QJsonObject idClaims = verifiedClaims(tokens.jsonString(QStringLiteral("id_token")));
    QCOMPARE(idClaims.value(QStringLiteral("aud")).toString(), request.clientId);
    QCOMPARE(idClaims.value(QStringLiteral("nonce")).toString(), request.nonce);
    QCOMPARE(tokens.jsonString(QStringLiteral("scope")), request.scope);
}

void TestSandbox::parRequestUriSingleUse()
{
    const AuthorizationRequest request;
    const QString requestUri = pushAuthorization(request).jsonString(QStringLiteral("request_uri"));
    QVERIFY(!requestUri.isEmpty());
    QCOMPARE(authorizeWithRequestUri(request.clientId, requestUri).status, 200);

    const Reply second = authorizeWithRequestUri(request.clientId, requestUri);
    QCOMPARE(second.status, 400);
    QVERIFY(second.header("Location").isEmpty());
    const QString html = QString::fromUtf8(second.body);
    QVERIFY2(html.contains(QStringLiteral("already used")), qPrintable(html));
    QVERIFY(html.contains(QStringLiteral("request_uri")));
    QVERIFY(!html.contains(QStringLiteral("id=\"password\"")));
}

void TestSandbox::parRequestUriExpires()
{
    const AuthorizationRequest request;
    const QString early = pushAuthorization(request).jsonString(QStringLiteral("request_uri"));
    const QString late = pushAuthorization(request).jsonString(QStringLiteral("request_uri"));
    QVERIFY(!early.isEmpty() && !late.isEmpty());
    QVERIFY(early != late);

    m_server->advanceClock(55);
    QCOMPARE(authorizeWithRequestUri(request.clientId, early).status, 200);

    m_server->advanceClock(6);
    const Reply expired = authorizeWithRequestUri(request.clientId, late);
    QCOMPARE(expired.status, 400);
    const QString html = QString::fromUtf8(expired.body);
    QVERIFY2(html.contains(QStringLiteral("request_uri expired")), qPrintable(html));
    QVERIFY(!html.contains(late)); // the page never repeats the request_uri
}

void TestSandbox::parClientIdMismatch()
{
    const AuthorizationRequest request;
    const QString requestUri = pushAuthorization(request).jsonString(QStringLiteral("request_uri"));
    QVERIFY(!requestUri.isEmpty());

    for (const QString &otherClient : {SandboxServer::confidentialClientId(), QStringLiteral("someone-else")}) {
        const Reply reply = authorizeWithRequestUri(otherClient, requestUri);
        QCOMPARE(reply.status, 400);
        QVERIFY(reply.header("Location").isEmpty());
        QVERIFY2(QString::fromUtf8(reply.body).contains(QStringLiteral("differs from the client that pushed")),
                 reply.body.constData());
    }
    // A mismatch does not use up the request_uri.
    QCOMPARE(authorizeWithRequestUri(request.clientId, requestUri).status, 200);
}

void TestSandbox::parAuthorizeRejections_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QString>("messagePart");

    const QByteArray publicClient = "client_id=" + SandboxServer::publicClientId().toLatin1();
    QTest::newRow("unknown request_uri") << (publicClient + "&request_uri=" + formEncode(requestUriPrefix + QStringLiteral("nothing")))
                                         << QStringLiteral("request_uri is unknown");
    QTest::newRow("request object URL") << (publicClient + "&request_uri=" + formEncode(QStringLiteral("https://client.example/request.jwt")))
                                        << QStringLiteral("request_uri is unknown");
    QTest::newRow("empty request_uri") << (publicClient + "&request_uri=") << QStringLiteral("request_uri is unknown");
    QTest::newRow("no client_id") << ("request_uri=" + formEncode(requestUriPrefix + QStringLiteral("x")))
                                  << QStringLiteral("no client_id");
    QTest::newRow("repeated request_uri") << (publicClient + "&request_uri=a&request_uri=b")
                                          << QStringLiteral("request_uri appears more than once");
    QTest::newRow("repeated client_id") << (publicClient + "&" + publicClient + "&request_uri=a")
                                        << QStringLiteral("client_id appears more than once");
}

void TestSandbox::parAuthorizeRejections()
{
    QFETCH(QByteArray, query);
    QFETCH(QString, messagePart);

    const Reply reply = get(QStringLiteral("/authorize?") + QString::fromLatin1(query));
    QCOMPARE(reply.status, 400);
    QVERIFY(reply.header("Location").isEmpty());
    QVERIFY(reply.header("Content-Type").startsWith("text/html"));
    const QString html = QString::fromUtf8(reply.body);
    QVERIFY(html.contains(QStringLiteral("Sign-in request rejected")));
    QVERIFY2(html.contains(messagePart), qPrintable(html));
}

void TestSandbox::parRejections_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::addColumn<QString>("descriptionPart");

    const QByteArray form = "application/x-www-form-urlencoded";
    const auto body = [](const AuthorizationRequest &request, const QString &remove = {},
                         const QList<QPair<QString, QString>> &add = {}) {
        QList<QPair<QString, QString>> fields = request.fields();
        fields.removeIf([&remove](const auto &field) { return field.first == remove; });
        return formBody(fields + add);
    };
    const AuthorizationRequest request;
    AuthorizationRequest withoutPkce;
    withoutPkce.usePkce = false;
    AuthorizationRequest unregistered;
    unregistered.redirectUri = QStringLiteral("https://attacker.example/callback");
    AuthorizationRequest unknownScope;
    unknownScope.scope = QStringLiteral("openid admin");
    AuthorizationRequest idTokenType;
    idTokenType.responseType = QStringLiteral("id_token");
    AuthorizationRequest badType;
    badType.responseType = QStringLiteral("code device");
    AuthorizationRequest confidential;
    confidential.clientId = SandboxServer::confidentialClientId();

    QTest::newRow("no redirect_uri") << body(request, QStringLiteral("redirect_uri")) << form << QByteArray() << 400
                                     << QStringLiteral("invalid_request") << QStringLiteral("redirect_uri");
    QTest::newRow("unregistered redirect_uri") << body(unregistered) << form << QByteArray() << 400
                                               << QStringLiteral("invalid_request") << QStringLiteral("not registered");
    QTest::newRow("public client without PKCE") << body(withoutPkce) << form << QByteArray() << 400
                                                << QStringLiteral("invalid_request") << QStringLiteral("PKCE");
    QTest::newRow("unknown scope") << body(unknownScope) << form << QByteArray() << 400 << QStringLiteral("invalid_scope")
                                   << QStringLiteral("admin");
    QTest::newRow("scope without openid") << body(request, QStringLiteral("scope"), {{QStringLiteral("scope"), QStringLiteral("email")}})
                                          << form << QByteArray() << 400 << QStringLiteral("invalid_scope") << QStringLiteral("openid");
    QTest::newRow("unsupported response_type") << body(badType) << form << QByteArray() << 400
                                               << QStringLiteral("unsupported_response_type") << QStringLiteral("device");
    QTest::newRow("id_token without nonce") << body(idTokenType, QStringLiteral("nonce")) << form << QByteArray() << 400
                                            << QStringLiteral("invalid_request") << QStringLiteral("nonce");
    QTest::newRow("unknown prompt") << body(request, QString(), {{QStringLiteral("prompt"), QStringLiteral("maybe")}}) << form
                                    << QByteArray() << 400 << QStringLiteral("invalid_request") << QStringLiteral("prompt");
    QTest::newRow("request_uri in the body")
        << body(request, QString(), {{QStringLiteral("request_uri"), requestUriPrefix + QStringLiteral("x")}}) << form
        << QByteArray() << 400 << QStringLiteral("invalid_request") << QStringLiteral("request_uri");
    QTest::newRow("request object") << body(request, QString(), {{QStringLiteral("request"), QStringLiteral("eyJhbGciOiJub25lIn0.e30.")}})
                                    << form << QByteArray() << 400 << QStringLiteral("request_not_supported")
                                    << QStringLiteral("request objects");
    QTest::newRow("repeated scope") << body(request, QString(), {{QStringLiteral("scope"), QStringLiteral("openid")}}) << form
                                    << QByteArray() << 400 << QStringLiteral("invalid_request") << QStringLiteral("scope");
    QTest::newRow("JSON body") << QByteArray("{\"client_id\":\"explorer-sandbox\"}") << QByteArray("application/json")
                               << QByteArray() << 400 << QStringLiteral("invalid_request")
                               << QStringLiteral("application/x-www-form-urlencoded");
    QTest::newRow("broken percent escape") << (body(request) + "&login_hint=%zz") << form << QByteArray() << 400
                                           << QStringLiteral("invalid_request") << QString();
    QTest::newRow("no client authentication") << body(request, QStringLiteral("client_id")) << form << QByteArray() << 401
                                              << QStringLiteral("invalid_client") << QStringLiteral("client_id");
    QTest::newRow("unknown client") << body(request, QStringLiteral("client_id"), {{QStringLiteral("client_id"), QStringLiteral("nobody")}})
                                    << form << QByteArray() << 401 << QStringLiteral("invalid_client") << QStringLiteral("nobody");
    QTest::newRow("confidential without secret") << body(confidential) << form << QByteArray() << 401
                                                 << QStringLiteral("invalid_client") << QStringLiteral("confidential");
    QTest::newRow("wrong Basic secret") << body(confidential) << form
                                        << basicCredentials(formEncode(SandboxServer::confidentialClientId()) + ":nope") << 401
                                        << QStringLiteral("invalid_client") << QStringLiteral("secret is wrong");
    QTest::newRow("client_id differs from Basic") << body(request) << form << confidentialBasicCredentials() << 400
                                                  << QStringLiteral("invalid_request") << QStringLiteral("client_id");
}

void TestSandbox::parRejections()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, authorization);
    QFETCH(int, status);
    QFETCH(QString, error);
    QFETCH(QString, descriptionPart);

    Headers headers = {{"Content-Type", contentType}};
    if (!authorization.isEmpty())
        headers.append(qMakePair(QByteArray("Authorization"), authorization));
    const Reply reply = send("POST", endpoint(QStringLiteral("/par")), body, headers);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.jsonString(QStringLiteral("error")), error);
    const QString description = reply.jsonString(QStringLiteral("error_description"));
    QVERIFY(!description.isEmpty());
    QVERIFY2(description.contains(descriptionPart), qPrintable(description));
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    QVERIFY(!reply.json().contains(QStringLiteral("request_uri")));
    if (status == 401)
        QVERIFY2(reply.header("WWW-Authenticate").startsWith("Basic "), reply.header("WWW-Authenticate").constData());
}

void TestSandbox::parRequiresPost()
{
    const Reply reply = get(QStringLiteral("/par"));
    QCOMPARE(reply.status, 405);
    QCOMPARE(reply.header("Allow"), QByteArray("POST"));
}

void TestSandbox::parPromptNoneRedirects()
{
    AuthorizationRequest request;
    request.extra.append({QStringLiteral("prompt"), QStringLiteral("none")});
    const Reply pushed = pushAuthorization(request);
    QVERIFY2(pushed.status == 201, pushed.body.constData());

    const Reply reply = authorizeWithRequestUri(request.clientId, pushed.jsonString(QStringLiteral("request_uri")));
    QCOMPARE(reply.status, 302);
    const Redirect redirect = parseRedirect(reply);
    QCOMPARE(redirect.target, request.redirectUri);
    QCOMPARE(redirect.params.value(QStringLiteral("error")), QStringLiteral("login_required"));
    QCOMPARE(redirect.params.value(QStringLiteral("state")), request.state);
    QCOMPARE(redirect.params.value(QStringLiteral("iss")), m_server->issuer());
}

void TestSandbox::passwordGrantIssuesTokens_data()
{
    QTest::addColumn<QString>("clientId");
    QTest::addColumn<QString>("scope");
    QTest::addColumn<bool>("expectIdToken");

    QTest::newRow("public client with openid") << SandboxServer::publicClientId() << QStringLiteral("openid profile email")
                                               << true;
    QTest::newRow("confidential client with openid") << SandboxServer::confidentialClientId() << QStringLiteral("openid email")
                                                     << true;
    QTest::newRow("public client without openid") << SandboxServer::publicClientId() << QStringLiteral("profile") << false;
}

void TestSandbox::passwordGrantIssuesTokens()
{
    QFETCH(QString, clientId);
    QFETCH(QString, scope);
    QFETCH(bool, expectIdToken);

    // The username is compared without regard to case, as on the login page.
    const QList<QPair<QString, QString>> fields{{QStringLiteral("grant_type"), QStringLiteral("password")},
                                                {QStringLiteral("username"), SandboxServer::demoEmail().toUpper()},
                                                {QStringLiteral("password"), SandboxServer::demoPassword()},
                                                {QStringLiteral("scope"), scope}};
    Headers headers;
    if (clientId == SandboxServer::confidentialClientId())
        headers.append(qMakePair(QByteArray("Authorization"), confidentialBasicCredentials()));
    const QList<QPair<QString, QString>> clientField{{QStringLiteral("client_id"), clientId}};
    const Reply reply = postForm(QStringLiteral("/token"), formBody(fields + clientField), headers);
    QVERIFY2(reply.status == 200, reply.body.constData());
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    QCOMPARE(reply.jsonString(QStringLiteral("token_type")), QStringLiteral("Bearer"));
    QCOMPARE(reply.jsonString(QStringLiteral("scope")), scope);
    QVERIFY(!reply.jsonString(QStringLiteral("refresh_token")).isEmpty());

    const QJsonObject accessClaims = verifiedClaims(reply.jsonString(QStringLiteral("access_token")));
    QCOMPARE(accessClaims.value(QStringLiteral("sub")).toString(), QStringLiteral("demo-user-1"));
    QCOMPARE(accessClaims.value(QStringLiteral("client_id")).toString(), clientId);

    QCOMPARE(reply.json().contains(QStringLiteral("id_token")), expectIdToken);
    if (expectIdToken) {
        const QJsonObject idClaims = verifiedClaims(reply.jsonString(QStringLiteral("id_token")));
        QCOMPARE(idClaims.value(QStringLiteral("aud")).toString(), clientId);
        QCOMPARE(idClaims.value(QStringLiteral("sub")).toString(), QStringLiteral("demo-user-1"));
        QVERIFY(!idClaims.contains(QStringLiteral("nonce")));
        QCOMPARE(idClaims.value(QStringLiteral("email")).toString(), SandboxServer::demoEmail());
        QVERIFY(idClaims.value(QStringLiteral("auth_time")).toInteger() >= sandboxNow() - 5);
    }

    const Reply userinfo = get(QStringLiteral("/userinfo"),
                               {{"Authorization", "Bearer " + reply.jsonString(QStringLiteral("access_token")).toLatin1()}});
    QCOMPARE(userinfo.status, 200);

    const QList<QPair<QString, QString>> refreshFields{{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                                       {QStringLiteral("refresh_token"), reply.jsonString(QStringLiteral("refresh_token"))}};
    const Reply refreshed = postForm(QStringLiteral("/token"), formBody(refreshFields + clientField), headers);
    QVERIFY2(refreshed.status == 200, refreshed.body.constData());
}

void TestSandbox::passwordGrantRejections_data()
{
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("scope");
    QTest::addColumn<QString>("clientId");
    QTest::addColumn<QString>("error");
    QTest::addColumn<QString>("descriptionPart");

    const QString email = SandboxServer::demoEmail();
    const QString password = SandboxServer::demoPassword();
    const QString publicClient = SandboxServer::publicClientId();
    const QString openid = QStringLiteral("openid");
    const QString wrongCredentials = QStringLiteral("The username or password is wrong.");
    QTest::newRow("wrong password") << email << QStringLiteral("not-the-password") << openid << publicClient
                                    << QStringLiteral("invalid_grant") << wrongCredentials;
    QTest::newRow("password in other case") << email << password.toUpper() << openid << publicClient
                                            << QStringLiteral("invalid_grant") << wrongCredentials;
    QTest::newRow("unknown username") << QStringLiteral("nobody@example.com") << password << openid << publicClient
                                      << QStringLiteral("invalid_grant") << wrongCredentials;
    QTest::newRow("no password") << email << QString() << openid << publicClient << QStringLiteral("invalid_request")
                                 << QStringLiteral("password");
    QTest::newRow("no username") << QString() << password << openid << publicClient << QStringLiteral("invalid_request")
                                 << QStringLiteral("username");
    QTest::newRow("no scope") << email << password << QString() << publicClient << QStringLiteral("invalid_scope")
                              << QStringLiteral("no scope");
    QTest::newRow("unknown scope") << email << password << QStringLiteral("openid admin") << publicClient
                                   << QStringLiteral("invalid_scope") << QStringLiteral("admin");
    QTest::newRow("confidential without secret") << email << password << openid << SandboxServer::confidentialClientId()
                                                 << QStringLiteral("invalid_client") << QStringLiteral("confidential");
}

void TestSandbox::passwordGrantRejections()
{
    QFETCH(QString, username);
    QFETCH(QString, password);
    QFETCH(QString, scope);
    QFETCH(QString, clientId);
    QFETCH(QString, error);
    QFETCH(QString, descriptionPart);

    QList<QPair<QString, QString>> fields{{QStringLiteral("grant_type"), QStringLiteral("password")},
                                          {QStringLiteral("client_id"), clientId}};
    if (!username.isNull())
        fields.append({QStringLiteral("username"), username});
    if (!password.isNull())
        fields.append({QStringLiteral("password"), password});
    if (!scope.isNull())
        fields.append({QStringLiteral("scope"), scope});
    const Reply reply = postForm(QStringLiteral("/token"), formBody(fields));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.jsonString(QStringLiteral("error")), error);
    const QString description = reply.jsonString(QStringLiteral("error_description"));
    QVERIFY2(description.contains(descriptionPart), qPrintable(description));
    QVERIFY(!reply.json().contains(QStringLiteral("access_token")));
    QVERIFY(!description.contains(SandboxServer::demoPassword()));
}

namespace {

const QString loginMutation = QStringLiteral(
    "mutation Login($email: String!, $password: String!) { "
    "login(email: $email, password: $password) { idToken refreshToken accessToken expiresIn } }");

} // namespace

Reply TestSandbox::postLoginMutation(const QString &email, const QString &password, SandboxServer *server)
{
    return postGraphql(QString(),
                       {{QStringLiteral("query"), loginMutation},
                        {QStringLiteral("variables"),
                         QJsonObject{{QStringLiteral("email"), email}, {QStringLiteral("password"), password}}}},
                       server);
}

void TestSandbox::loginMutationIssuesTokens()
{
    const Reply reply = postLoginMutation(SandboxServer::demoEmail(), SandboxServer::demoPassword());
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Cache-Control"), QByteArray("no-store"));
    QVERIFY(!reply.json().contains(QStringLiteral("errors")));
    const QJsonObject login = reply.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("login")).toObject();
    // Fields in the order of the selection set.
    QCOMPARE(login.keys().size(), 4);
    QVERIFY(reply.body.indexOf("\"idToken\"") < reply.body.indexOf("\"refreshToken\""));
    QVERIFY(reply.body.indexOf("\"accessToken\"") < reply.body.indexOf("\"expiresIn\""));
    QCOMPARE(login.value(QStringLiteral("expiresIn")).toInteger(), afx::sandbox::IdentityProvider::tokenLifetimeSeconds);

    const QJsonObject claims = verifiedClaims(login.value(QStringLiteral("idToken")).toString());
    QVERIFY(!claims.isEmpty());
    QCOMPARE(claims.value(QStringLiteral("iss")).toString(), m_server->issuer());
    QCOMPARE(claims.value(QStringLiteral("aud")).toString(), SandboxServer::publicClientId());
    QCOMPARE(claims.value(QStringLiteral("email")).toString(), SandboxServer::demoEmail());
    QVERIFY(claims.value(QStringLiteral("exp")).toInteger() > sandboxNow());

    // The access token is an ordinary sandbox access token: it works at the API.
    const QString accessToken = login.value(QStringLiteral("accessToken")).toString();
    const Reply me = postGraphql(accessToken, {{QStringLiteral("query"), QStringLiteral("{ me { email } }")}});
    QCOMPARE(me.status, 200);
    QCOMPARE(me.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("me")).toObject().value(QStringLiteral("email")).toString(),
             SandboxServer::demoEmail());

    // The refresh token works at /token for the public client, and rotates.
    const Reply refreshed = postForm(QStringLiteral("/token"),
                                     formBody({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                               {QStringLiteral("refresh_token"), login.value(QStringLiteral("refreshToken")).toString()},
                                               {QStringLiteral("client_id"), SandboxServer::publicClientId()}}));
    QCOMPARE(refreshed.status, 200);
    QVERIFY(!refreshed.jsonString(QStringLiteral("access_token")).isEmpty());
    QVERIFY(!refreshed.jsonString(QStringLiteral("id_token")).isEmpty());
    QVERIFY(refreshed.jsonString(QStringLiteral("refresh_token")) != login.value(QStringLiteral("refreshToken")).toString());
    // Another client cannot use it.
    const Reply otherClient = postForm(QStringLiteral("/token"),
                                       formBody({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                                 {QStringLiteral("refresh_token"), refreshed.jsonString(QStringLiteral("refresh_token"))},
                                                 {QStringLiteral("client_id"), SandboxServer::confidentialClientId()},
                                                 {QStringLiteral("client_secret"), SandboxServer::confidentialClientSecret()}}));
    QCOMPARE(otherClient.status, 400);
    QCOMPARE(otherClient.jsonString(QStringLiteral("error")), QStringLiteral("invalid_grant"));
}

void TestSandbox::loginMutationWrongCredentials_data()
{
    QTest::addColumn<QString>("email");
    QTest::addColumn<QString>("password");

    QTest::newRow("wrong password") << SandboxServer::demoEmail() << QStringLiteral("not-the-password");
    QTest::newRow("unknown email") << QStringLiteral("nobody@example.com") << SandboxServer::demoPassword();
    QTest::newRow("empty password") << SandboxServer::demoEmail() << QString();
    QTest::newRow("empty email") << QString() << SandboxServer::demoPassword();
    QTest::newRow("password with other case") << SandboxServer::demoEmail() << SandboxServer::demoPassword().toUpper();
}

void TestSandbox::loginMutationWrongCredentials()
{
    QFETCH(QString, email);
    QFETCH(QString, password);

    const Reply reply = postLoginMutation(email, password);
    QCOMPARE(reply.status, 200);
    const QJsonObject body = reply.json();
    QVERIFY(body.contains(QStringLiteral("data")));
    QVERIFY(body.value(QStringLiteral("data")).isNull());
    const QJsonArray errors = body.value(QStringLiteral("errors")).toArray();
    QCOMPARE(errors.size(), 1);
    const QJsonObject error = errors.first().toObject();
    QCOMPARE(error.value(QStringLiteral("message")).toString(), QStringLiteral("Invalid email or password."));
    QCOMPARE(error.value(QStringLiteral("extensions")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("UNAUTHENTICATED"));
    QCOMPARE(error.value(QStringLiteral("path")).toArray(), QJsonArray{QStringLiteral("login")});
    QVERIFY(!reply.body.contains("Token"));
}

void TestSandbox::loginMutationValidationErrors_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("variables"); // JSON, empty for none
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("variables missing") << loginMutation << QString() << QStringLiteral("Variable \"$email\" of required type \"String!\" was not provided");
    QTest::newRow("password variable missing") << loginMutation << QStringLiteral(R"({"email": "demo@example.com"})")
                                               << QStringLiteral("Variable \"$password\" of required type \"String!\" was not provided");
    QTest::newRow("email variable is a number") << loginMutation << QStringLiteral(R"({"email": 5, "password": "x"})")
                                                << QStringLiteral("Variable \"$email\" got an invalid value 5");
    QTest::newRow("password variable is null") << loginMutation << QStringLiteral(R"({"email": "a@b.c", "password": null})")
                                               << QStringLiteral("Variable \"$password\" got an invalid value null");
    QTest::newRow("email literal is a number") << QStringLiteral(R"(mutation { login(email: 5, password: "x") { idToken } })")
                                               << QString() << QStringLiteral("Expected value of type \"String\", found 5");
    QTest::newRow("password argument missing") << QStringLiteral(R"(mutation { login(email: "a@b.c") { idToken } })")
                                               << QString() << QStringLiteral("password");
    QTest::newRow("no selection on LoginResult") << QStringLiteral(R"(mutation { login(email: "a@b.c", password: "x") })")
                                                 << QString() << QStringLiteral("LoginResult");
    QTest::newRow("unknown field on LoginResult")
        << QStringLiteral(R"(mutation { login(email: "a@b.c", password: "x") { secret } })") << QString()
        << QStringLiteral("secret");
    QTest::newRow("variable of wrong type") << QStringLiteral(R"(mutation ($e: Int!) { login(email: $e, password: "x") { idToken } })")
                                            << QStringLiteral(R"({"e": 1})") << QStringLiteral("$e");
}

void TestSandbox::loginMutationValidationErrors()
{
    QFETCH(QString, query);
    QFETCH(QString, variables);
    QFETCH(QString, messagePart);

    QJsonObject request{{QStringLiteral("query"), query}};
    if (!variables.isEmpty())
        request.insert(QStringLiteral("variables"), QJsonDocument::fromJson(variables.toUtf8()).object());
    const Reply reply = postGraphql(QString(), request);
    QCOMPARE(reply.status, 200);
    const QJsonObject body = reply.json();
    QVERIFY(!body.contains(QStringLiteral("data")));
    const QJsonArray errors = body.value(QStringLiteral("errors")).toArray();
    QVERIFY(!errors.isEmpty());
    const QString message = errors.first().toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(messagePart), qPrintable(message));
}

void TestSandbox::loginMutationOverGetIs405()
{
    const QString query = QStringLiteral(R"(mutation { login(email: "demo@example.com", password: "demo-password") { idToken } })");
    const Reply reply = get(QStringLiteral("/graphql?query=") + QString::fromLatin1(formEncode(query)));
    QCOMPARE(reply.status, 405);
    QCOMPARE(reply.header("Allow"), QByteArray("POST"));
    QVERIFY(!reply.body.contains("idToken\":"));
}

void TestSandbox::loginMutationTraceMasksSecrets()
{
    afx::Trace trace;
    m_server->setTrace(&trace);
    const Reply wrong = postLoginMutation(SandboxServer::demoEmail(), QStringLiteral("a-wrong-password"));
    const Reply right = postLoginMutation(SandboxServer::demoEmail(), SandboxServer::demoPassword());
    m_server->setTrace(nullptr);
    QCOMPARE(wrong.status, 200);
    QCOMPARE(right.status, 200);

    // One Local step per login and no token checks, because login needs no bearer token.
    QCOMPARE(trace.count(), 2);
    for (const afx::TraceStep &step : trace.steps()) {
        QCOMPARE(step.title, QStringLiteral("Check the password and issue tokens"));
        QCOMPARE(step.from, afx::Trace::Backend);
        QCOMPARE(step.to, afx::Trace::Backend);
        QCOMPARE(step.channel, afx::Channel::Local);
        QCOMPARE(step.explanationKey, QStringLiteral("login-mutation-check"));
        QVERIFY(!step.detail.contains(SandboxServer::demoPassword()));
        QVERIFY(!step.detail.contains(QStringLiteral("a-wrong-password")));
    }
    QCOMPARE(trace.step(0).result, afx::StepResult::Failed);
    QCOMPARE(trace.step(1).result, afx::StepResult::Ok);

    // The passwords and tokens are registered, so the app's record of the request and the
    // response is masked wherever it is shown.
    const QString requestText = QString::fromUtf8(QJsonDocument(QJsonObject{
        {QStringLiteral("query"), loginMutation},
        {QStringLiteral("variables"), QJsonObject{{QStringLiteral("email"), SandboxServer::demoEmail()},
                                                  {QStringLiteral("password"), SandboxServer::demoPassword()}}}}).toJson());
    QVERIFY(!trace.mask(requestText).contains(SandboxServer::demoPassword()));
    QVERIFY(!trace.mask(QStringLiteral("x a-wrong-password x")).contains(QStringLiteral("a-wrong-password")));
    const QJsonObject login = right.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("login")).toObject();
    const QString masked = trace.mask(QString::fromUtf8(right.body));
    for (const QString &name : {QStringLiteral("idToken"), QStringLiteral("refreshToken"), QStringLiteral("accessToken")})
        QVERIFY2(!masked.contains(login.value(name).toString()), qPrintable(name));
}

void TestSandbox::operationsBesidesLoginNeedToken_data()
{
    QTest::addColumn<QString>("query");

    QTest::newRow("query") << QStringLiteral("{ me { email } }");
    QTest::newRow("addTodo") << QStringLiteral(R"(mutation { addTodo(title: "x") { id } })");
    QTest::newRow("login with addTodo") << QStringLiteral(
        R"(mutation { login(email: "demo@example.com", password: "demo-password") { idToken } addTodo(title: "x") { id } })");
    QTest::newRow("addTodo in a fragment") << QStringLiteral(
        R"(mutation { ...M } fragment M on Mutation { addTodo(title: "x") { id } })");
    QTest::newRow("query named login") << QStringLiteral("query login { me { sub } }");
    QTest::newRow("syntax error") << QStringLiteral("mutation { login(");
}

void TestSandbox::operationsBesidesLoginNeedToken()
{
    QFETCH(QString, query);

    const Reply reply = postGraphql(QString(), {{QStringLiteral("query"), query}});
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.header("WWW-Authenticate"), QByteArray("Bearer realm=\"sandbox\""));
    QVERIFY(!reply.json().contains(QStringLiteral("data")));
}

namespace {

// The session cookie of a /login response, as "name=value" for a Cookie header.
QByteArray sessionCookie(const Reply &reply)
{
    for (const auto &[name, value] : reply.headers) {
        if (name.compare("Set-Cookie", Qt::CaseInsensitive) == 0 && value.startsWith("sandbox_session="))
            return value.left(value.indexOf(';'));
    }
    return {};
}

} // namespace

void TestSandbox::singleSignOnSession()
{
    const Reply login = submitLogin(AuthorizationRequest(), QStringLiteral("login"));
    QCOMPARE(login.status, 302);
    QByteArray setCookie;
    for (const auto &[name, value] : login.headers) {
        if (name.compare("Set-Cookie", Qt::CaseInsensitive) == 0)
            setCookie = value;
    }
    QVERIFY2(setCookie.startsWith("sandbox_session="), setCookie.constData());
    QVERIFY(setCookie.contains("; HttpOnly"));
    QVERIFY(setCookie.contains("; SameSite=Lax"));
    QVERIFY(setCookie.contains("; Path=/"));
    const QByteArray cookie = sessionCookie(login);

    // With the cookie, the next authorization request skips the login page.
    AuthorizationRequest second;
    const Reply direct = send("GET", endpoint(QStringLiteral("/authorize?") + QString::fromLatin1(formBody(second.fields()))),
                              {}, {{"Cookie", cookie}});
    QCOMPARE(direct.status, 302);
    const Redirect redirect = parseRedirect(direct);
    const QString code = redirect.params.value(QStringLiteral("code"));
    QVERIFY(!code.isEmpty());
    QCOMPARE(redirect.params.value(QStringLiteral("state")), second.state);
    QCOMPARE(exchangeCode(second, code).status, 200);

    // prompt=none completes from the session, and fails without it.
    AuthorizationRequest silent;
    silent.extra = {{QStringLiteral("prompt"), QStringLiteral("none")}};
    const QString silentQuery = QStringLiteral("/authorize?") + QString::fromLatin1(formBody(silent.fields()));
    QVERIFY(!parseRedirect(send("GET", endpoint(silentQuery), {}, {{"Cookie", cookie}})).params.value(QStringLiteral("code")).isEmpty());
    QCOMPARE(parseRedirect(send("GET", endpoint(silentQuery))).params.value(QStringLiteral("error")), QStringLiteral("login_required"));

    // prompt=login shows the login page despite the session.
    AuthorizationRequest forced;
    forced.extra = {{QStringLiteral("prompt"), QStringLiteral("login")}};
    const Reply page = send("GET", endpoint(QStringLiteral("/authorize?") + QString::fromLatin1(formBody(forced.fields()))), {},
                            {{"Cookie", cookie}});
    QCOMPARE(page.status, 200);
    QVERIFY(!requestIdFromPage(page.html()).isEmpty());

    // Logout ends the session: the response makes the browser delete the cookie, and a browser that
    // kept it anyway gets the login page.
    const Reply logout = send("GET", endpoint(QStringLiteral("/logout")), {}, {{"Cookie", cookie}});
    QCOMPARE(logout.status, 200);
    bool deleted = false;
    for (const auto &[name, value] : logout.headers) {
        deleted |= name.compare("Set-Cookie", Qt::CaseInsensitive) == 0 && value.startsWith("sandbox_session=;")
            && value.contains("Max-Age=0");
    }
    QVERIFY(deleted);
    const Reply afterLogout = send("GET", endpoint(QStringLiteral("/authorize?") + QString::fromLatin1(formBody(AuthorizationRequest().fields()))),
                                   {}, {{"Cookie", cookie}});
    QCOMPARE(afterLogout.status, 200);
}

void TestSandbox::singleSignOnRejectedCookies_data()
{
    QTest::addColumn<QByteArray>("cookie");

    const QByteArray good = sessionCookie(submitLogin(AuthorizationRequest(), QStringLiteral("login")));
    QVERIFY(!good.isEmpty());
    const QByteArray value = good.mid(good.indexOf('=') + 1);
    const QByteArray payload = value.left(value.indexOf('.'));
    const QByteArray mac = value.mid(value.indexOf('.') + 1);
    const QByteArray forged = afx::jose::base64UrlEncode(QByteArrayLiteral(R"({"sid":"x","sub":"demo-user-1","auth_time":1,"exp":9999999999})"));

    QTest::newRow("empty value") << QByteArray("sandbox_session=");
    QTest::newRow("no mac") << QByteArray("sandbox_session=" + payload);
    QTest::newRow("truncated mac") << QByteArray("sandbox_session=" + payload + '.' + mac.left(mac.size() - 2));
    QTest::newRow("mac of other payload") << QByteArray("sandbox_session=" + forged + '.' + mac);
    QTest::newRow("not base64url") << QByteArray("sandbox_session=%%%%." + mac);
    QTest::newRow("huge") << QByteArray("sandbox_session=" + QByteArray(8000, 'A') + '.' + mac);
    QTest::newRow("other cookie name") << QByteArray("session=" + value);
}

void TestSandbox::singleSignOnRejectedCookies()
{
    QFETCH(QByteArray, cookie);

    // A cookie the sandbox did not issue, or one changed since, never signs anyone in.
    const Reply page = send("GET", endpoint(QStringLiteral("/authorize?") + QString::fromLatin1(formBody(AuthorizationRequest().fields()))),
                            {}, {{"Cookie", cookie}});
    QCOMPARE(page.status, 200);
    QVERIFY(!requestIdFromPage(page.html()).isEmpty());
}

void TestSandbox::singleSignOnSurvivesRestartWithSameKey()
{
    const QByteArray cookie = sessionCookie(submitLogin(AuthorizationRequest(), QStringLiteral("login")));
    QVERIFY(!cookie.isEmpty());
    const QString query = QStringLiteral("/authorize?") + QString::fromLatin1(formBody(AuthorizationRequest().fields()));

    // A sandbox started again with the same signing key, as the app does with the key it
    // keeps in the keychain, accepts the kept cookie.
    SandboxServer restarted;
    QVERIFY(restarted.setSigningKey(m_server->signingKey()));
    QVERIFY(restarted.start());
    QCOMPARE(send("GET", endpoint(query, &restarted), {}, {{"Cookie", cookie}}).status, 302);

    // With another key the cookie means nothing.
    SandboxServer other;
    QVERIFY(other.start());
    QCOMPARE(send("GET", endpoint(query, &other), {}, {{"Cookie", cookie}}).status, 200);
}

QTEST_GUILESS_MAIN(TestSandbox)
#include "tst_sandbox.moc"
