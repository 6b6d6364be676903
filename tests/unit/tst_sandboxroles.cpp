// Authentication profiles, sign-up and roles in the sandbox: the sign-up form of the login
// page, the roles and auth_profile claims, and the backend's role check.

#include "sandbox/directory.h"
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

#include <tuple>

using afx::sandbox::SandboxServer;
using namespace afx::test;

namespace {

struct AuthorizationRequest {
    QString responseType = QStringLiteral("code");
    QString redirectUri = QStringLiteral("http://127.0.0.1:49152/callback");
    QString verifier = newVerifier();
    QString authProfile; // not sent when empty

    FormFields fields() const
    {
        FormFields list = {
            {QStringLiteral("response_type"), responseType},
            {QStringLiteral("client_id"), SandboxServer::publicClientId()},
            {QStringLiteral("redirect_uri"), redirectUri},
            {QStringLiteral("scope"), QStringLiteral("openid profile email")},
            {QStringLiteral("state"), QStringLiteral("state-1")},
            {QStringLiteral("nonce"), QStringLiteral("nonce-1")},
            {QStringLiteral("code_challenge"), pkceChallenge(verifier)},
            {QStringLiteral("code_challenge_method"), QStringLiteral("S256")},
        };
        if (!authProfile.isEmpty())
            list.append({QStringLiteral("auth_profile"), authProfile});
        return list;
    }
};

// The value attribute of the input with `id`, unescaped, or a null string when the page has no
// such input or the input has no value attribute.
QString inputValue(const QString &html, const QString &id)
{
    const QRegularExpression input(QStringLiteral("<input id=\"%1\"[^>]*>").arg(id));
    const QString tag = input.match(html).captured(0);
    if (tag.isEmpty())
        return {};
    static const QRegularExpression value(QStringLiteral(" value=\"([^\"]*)\""));
    const QRegularExpressionMatch match = value.match(tag);
    return match.hasMatch() ? htmlUnescape(match.captured(1)) : QString();
}

// The text of p#signup_error, unescaped, or an empty string.
QString signUpError(const QString &html)
{
    static const QRegularExpression error(QStringLiteral("<p class=\"error\" id=\"signup_error\" role=\"alert\">([^<]*)</p>"));
    return htmlUnescape(error.match(html).captured(1));
}

QJsonObject jwtClaims(const QString &jwt)
{
    QString error;
    const std::optional<afx::jose::CompactJws> jws = afx::jose::CompactJws::parse(jwt.toLatin1(), &error);
    if (!jws) {
        qWarning().noquote() << "the token is not a JWS:" << error;
        return {};
    }
    return jws->claims;
}

// The JSON object of the first GraphQL error, or an empty object.
QJsonObject firstError(const QJsonObject &response)
{
    return response.value(QStringLiteral("errors")).toArray().at(0).toObject();
}

} // namespace

class TestSandboxRoles : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void emailAddressValidation_data();
    void emailAddressValidation();
    void directoryProfiles();

    void loginPageShowsSignUpForm_data();
    void loginPageShowsSignUpForm();
    void unknownAuthProfileRejected();
    void signUpRoleInTokens_data();
    void signUpRoleInTokens();
    void signUpRejections_data();
    void signUpRejections();
    void signUpRejectionCreatesNoUser();
    void signUpRetryOnSamePage();
    void signUpMalformedRequests_data();
    void signUpMalformedRequests();
    void employeesDomainConfigurable();

    void demoUserIsEmployee();
    void passwordGrantCarriesRole();
    void loginMutationCarriesRole();
    void refreshKeepsRole();
    void socialUserIsGuest();

    void guestCanQueryButNotWrite();
    void employeeCanAddTodo();
    void roleComesFromToken_data();
    void roleComesFromToken();
    void introspectingBackendChecksRole();

private:
    Reply send(const QByteArray &method, const QUrl &url, const QByteArray &body = {}, const Headers &headers = {})
    {
        return sendRequest(m_network, method, url, body, headers);
    }
    Reply get(const QUrl &url) { return send("GET", url); }
    Reply postForm(const QUrl &url, const FormFields &fields) { return postFormRequest(m_network, url, fields); }
    QUrl endpoint(const QString &pathAndQuery) const { return QUrl(m_server->issuer() + pathAndQuery); }
    Reply authorize(const AuthorizationRequest &request)
    {
        return get(endpoint(QStringLiteral("/authorize?") + QString::fromLatin1(formBody(request.fields()))));
    }
    // Opens the login page for `request` and posts its sign-up form. Returns the /signup reply,
    // or a reply with status 0 (and a warning) when the login page did not appear.
    Reply signUp(const AuthorizationRequest &request, const QString &email, const QString &name, const QString &password);
    // Runs signUp() for the code flow and redeems the code. Returns the token response, or an
    // empty object (with a warning).
    QJsonObject signUpAndGetTokens(const QString &authProfile, const QString &email,
                                   const QString &password = QStringLiteral("long-enough-password"));
    Reply passwordGrant(const QString &email, const QString &password);
    Reply postGraphql(const QString &token, const QString &query);
    // A new e-mail address at `domain`, unique within this test run.
    QString uniqueEmail(const QString &domain);
    const afx::TraceStep *findStep(const QString &title) const;

    QNetworkAccessManager m_network;
    SandboxServer *m_server = nullptr;
    afx::Trace m_trace;
    int m_emailCounter = 0;
};

void TestSandboxRoles::initTestCase()
{
    QLoggingCategory::setFilterRules(QStringLiteral("afx.sandbox.debug=false"));
    m_network.setProxy(QNetworkProxy::NoProxy);
    m_server = new SandboxServer(this);
    m_server->setTrace(&m_trace);
    QString error;
    QVERIFY2(m_server->start(0, &error), qPrintable(error));
}

void TestSandboxRoles::init()
{
    m_trace.clear();
}

void TestSandboxRoles::cleanup()
{
    m_server->setEmployeesDomain(QStringLiteral("example.com"));
    m_server->setBackendIntrospects(false);
}

Reply TestSandboxRoles::signUp(const AuthorizationRequest &request, const QString &email, const QString &name,
                               const QString &password)
{
    const Reply page = authorize(request);
    const QString requestId = requestIdFromPage(page.html());
    if (page.status != 200 || requestId.isEmpty()) {
        qWarning() << "the login page did not appear; status" << page.status;
        return {};
    }
    return postForm(endpoint(QStringLiteral("/signup")), {{QStringLiteral("request_id"), requestId},
                                                          {QStringLiteral("email"), email},
                                                          {QStringLiteral("name"), name},
                                                          {QStringLiteral("password"), password}});
}

QJsonObject TestSandboxRoles::signUpAndGetTokens(const QString &authProfile, const QString &email, const QString &password)
{
    AuthorizationRequest request;
    request.authProfile = authProfile;
    const Reply signedUp = signUp(request, email, QStringLiteral("New User"), password);
    const QString code = parseRedirect(signedUp).params.value(QStringLiteral("code"));
    if (signedUp.status != 302 || code.isEmpty()) {
        qWarning().noquote() << "the sign-up issued no code; status" << signedUp.status << signUpError(signedUp.html());
        return {};
    }
    const Reply tokens = postForm(endpoint(QStringLiteral("/token")),
                                  {{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                   {QStringLiteral("code"), code},
                                   {QStringLiteral("redirect_uri"), request.redirectUri},
                                   {QStringLiteral("client_id"), SandboxServer::publicClientId()},
                                   {QStringLiteral("code_verifier"), request.verifier}});
    if (tokens.status != 200) {
        qWarning() << "the code exchange answered" << tokens.status << tokens.body;
        return {};
    }
    return tokens.json();
}

Reply TestSandboxRoles::passwordGrant(const QString &email, const QString &password)
{
    return postForm(endpoint(QStringLiteral("/token")), {{QStringLiteral("grant_type"), QStringLiteral("password")},
                                                         {QStringLiteral("client_id"), SandboxServer::publicClientId()},
                                                         {QStringLiteral("username"), email},
                                                         {QStringLiteral("password"), password},
                                                         {QStringLiteral("scope"), QStringLiteral("openid email")}});
}

Reply TestSandboxRoles::postGraphql(const QString &token, const QString &query)
{
    Headers headers = {{"Content-Type", "application/json"}};
    if (!token.isEmpty())
        headers.append({"Authorization", "Bearer " + token.toLatin1()});
    const QJsonObject request{{QStringLiteral("query"), query}};
    return send("POST", endpoint(QStringLiteral("/graphql")), QJsonDocument(request).toJson(QJsonDocument::Compact),
                headers);
}

QString TestSandboxRoles::uniqueEmail(const QString &domain)
{
    return QStringLiteral("user%1@%2").arg(++m_emailCounter).arg(domain);
}

const afx::TraceStep *TestSandboxRoles::findStep(const QString &title) const
{
    for (const afx::TraceStep &step : m_trace.steps()) {
        if (step.title == title)
            return &step;
    }
    return nullptr;
}

void TestSandboxRoles::emailAddressValidation_data()
{
    QTest::addColumn<QString>("email");
    QTest::addColumn<QString>("errorPart"); // empty: valid

    QTest::newRow("plain") << QStringLiteral("ada@example.com") << QString();
    QTest::newRow("dots, plus and subdomain") << QStringLiteral("first.last+tag@mail.example.co.uk") << QString();
    QTest::newRow("digits and hyphen in domain") << QStringLiteral("x@a-1.example") << QString();
    QTest::newRow("empty") << QString() << QStringLiteral("The e-mail address is empty.");
    QTest::newRow("no at") << QStringLiteral("nobody") << QStringLiteral("needs exactly one '@'");
    QTest::newRow("two ats") << QStringLiteral("a@b@example.com") << QStringLiteral("needs exactly one '@'");
    QTest::newRow("no local part") << QStringLiteral("@example.com") << QStringLiteral("no name before the '@'");
    QTest::newRow("no domain") << QStringLiteral("ada@") << QStringLiteral("no domain after the '@'");
    QTest::newRow("domain without dot") << QStringLiteral("ada@localhost") << QStringLiteral("has no dot");
    QTest::newRow("empty domain label") << QStringLiteral("ada@example..com") << QStringLiteral("is not a host name");
    QTest::newRow("hyphen at label start") << QStringLiteral("ada@-example.com") << QStringLiteral("is not a host name");
    QTest::newRow("space inside") << QStringLiteral("ada lovelace@example.com") << QStringLiteral("contains ' '");
    QTest::newRow("leading dot") << QStringLiteral(".ada@example.com") << QStringLiteral("a dot before the '@'");
    QTest::newRow("double dot") << QStringLiteral("a..da@example.com") << QStringLiteral("a dot before the '@'");
    QTest::newRow("non-ASCII") << QStringLiteral("j\u00fcrgen@example.com") << QStringLiteral("contains '\u00fc'");
    QTest::newRow("control character") << QStringLiteral("a\tb@example.com") << QStringLiteral("contains 'U+0009'");
    QTest::newRow("local part too long") << QString(65, QLatin1Char('a')) + QStringLiteral("@example.com")
                                         << QStringLiteral("longer than 64 characters");
    QTest::newRow("huge") << QStringLiteral("a@") + QString(300, QLatin1Char('b')) + QStringLiteral(".com")
                          << QStringLiteral("longer than 254 characters");
}

void TestSandboxRoles::emailAddressValidation()
{
    QFETCH(QString, email);
    QFETCH(QString, errorPart);
    QString error;
    const bool valid = afx::sandbox::validateEmailAddress(email, &error);
    QCOMPARE(valid, errorPart.isEmpty());
    if (!valid) {
        QVERIFY2(error.contains(errorPart), qPrintable(error));
        if (!email.isEmpty())
            QVERIFY2(error.contains(email.left(100)), qPrintable(error));
    }
}

void TestSandboxRoles::directoryProfiles()
{
    afx::sandbox::UserDirectory directory;
    const QList<afx::sandbox::AuthProfile> profiles = directory.profiles();
    QCOMPARE(profiles.size(), 2);
    QCOMPARE(profiles.at(0).name, QStringLiteral("open"));
    QCOMPARE(profiles.at(0).role, QStringLiteral("Guest"));
    QVERIFY(profiles.at(0).allowedDomain.isEmpty());
    QCOMPARE(profiles.at(1).name, QStringLiteral("employees"));
    QCOMPARE(profiles.at(1).role, QStringLiteral("Employee"));
    QCOMPARE(profiles.at(1).allowedDomain, QStringLiteral("example.com"));
    QVERIFY(!directory.findProfile(QStringLiteral("Employees")));

    QCOMPARE(afx::sandbox::demoUser().role, QStringLiteral("Employee"));
    QCOMPARE(afx::sandbox::demoUser().authProfile, QStringLiteral("employees"));

    // addUser picks the profile from the domain and skips the sign-up policy.
    QString error;
    const afx::sandbox::UserAccount *staff =
        directory.addUser(QStringLiteral("staff@EXAMPLE.com"), QStringLiteral("pw"), QString(), &error);
    QVERIFY2(staff, qPrintable(error));
    QCOMPARE(staff->role, QStringLiteral("Employee"));
    QCOMPARE(staff->authProfile, QStringLiteral("employees"));
    const afx::sandbox::UserAccount *visitor =
        directory.addUser(QStringLiteral("visitor@example.org"), QStringLiteral("pw"), QString(), &error);
    QVERIFY2(visitor, qPrintable(error));
    QCOMPARE(visitor->role, QStringLiteral("Guest"));
    QCOMPARE(visitor->authProfile, QStringLiteral("open"));

    // A user created by a social sign-in is a Guest.
    bool created = false;
    const afx::sandbox::UserAccount &linked = directory.linkExternalAccount(
        QStringLiteral("http://127.0.0.1:9"), QStringLiteral("s1"), QStringLiteral("social@example.com"), QString(), &created);
    QVERIFY(created);
    QCOMPARE(linked.role, QStringLiteral("Guest"));
    QCOMPARE(linked.authProfile, QStringLiteral("open"));

    QVERIFY(!directory.signUp(QStringLiteral("admins"), QStringLiteral("a@example.com"), QString(),
                              QStringLiteral("long-enough"), &error));
    QVERIFY2(error.contains(QStringLiteral("\"admins\" is unknown")), qPrintable(error));
}

void TestSandboxRoles::loginPageShowsSignUpForm_data()
{
    QTest::addColumn<QString>("authProfile");
    QTest::addColumn<QString>("shownProfile");
    QTest::addColumn<QString>("policyPart");
    QTest::addColumn<QString>("otherProfilePart");

    QTest::newRow("default") << QString() << QStringLiteral("open")
                             << QStringLiteral("anyone may create an account, and new accounts get the role Guest")
                             << QStringLiteral("auth_profile=employees (only addresses @example.com may create an account");
    QTest::newRow("open") << QStringLiteral("open") << QStringLiteral("open") << QStringLiteral("the role Guest")
                          << QStringLiteral("auth_profile=employees");
    QTest::newRow("employees") << QStringLiteral("employees") << QStringLiteral("employees")
                               << QStringLiteral("only addresses @example.com may create an account, and new accounts "
                                                 "get the role Employee")
                               << QStringLiteral("auth_profile=open (anyone may create an account");
}

void TestSandboxRoles::loginPageShowsSignUpForm()
{
    QFETCH(QString, authProfile);
    QFETCH(QString, shownProfile);
    QFETCH(QString, policyPart);
    QFETCH(QString, otherProfilePart);

    AuthorizationRequest request;
    request.authProfile = authProfile;
    const Reply page = authorize(request);
    QCOMPARE(page.status, 200);
    const QString html = page.html();

    // The login form stays the first form, so Enter still signs in.
    QVERIFY(html.indexOf(QStringLiteral("action=\"/login\"")) < html.indexOf(QStringLiteral("action=\"/signup\"")));
    QVERIFY(html.contains(QStringLiteral("<form method=\"post\" action=\"/signup\" novalidate>")));
    QVERIFY(html.contains(QStringLiteral("<input id=\"signup_email\" name=\"email\"")));
    QVERIFY(html.contains(QStringLiteral("<input id=\"signup_name\" name=\"name\"")));
    QVERIFY(html.contains(QStringLiteral("<input id=\"signup_password\" name=\"password\" type=\"password\"")));
    QVERIFY(html.contains(QStringLiteral("<button id=\"signup\" type=\"submit\">Create account</button>")));
    QVERIFY(!html.contains(QStringLiteral("id=\"signup_error\"")));
    QCOMPARE(inputValue(html, QStringLiteral("signup_email")), QString(""));

    const QString profileSentence = htmlUnescape(
        QRegularExpression(QStringLiteral("<p class=\"profile\" id=\"auth_profile\">(.*?)</p>")).match(html).captured(1));
    QVERIFY2(profileSentence.startsWith(QStringLiteral("Profile <strong>%1</strong>").arg(shownProfile)),
             qPrintable(profileSentence));
    QVERIFY2(profileSentence.contains(policyPart), qPrintable(profileSentence));
    QVERIFY2(html.contains(otherProfilePart), qPrintable(html));
    QVERIFY(html.contains(QStringLiteral("Demo account: demo@example.com / demo-password (role Employee)")));
}

void TestSandboxRoles::unknownAuthProfileRejected()
{
    AuthorizationRequest request;
    request.authProfile = QStringLiteral("admins");
    const Reply reply = authorize(request);
    QCOMPARE(reply.status, 302);
    const Redirect redirect = parseRedirect(reply);
    QCOMPARE(redirect.params.value(QStringLiteral("error")), QStringLiteral("invalid_request"));
    const QString description = redirect.params.value(QStringLiteral("error_description"));
    QVERIFY2(description.contains(QStringLiteral("auth_profile 'admins' is unknown")), qPrintable(description));
    QVERIFY2(description.contains(QStringLiteral("employees")), qPrintable(description));
    QCOMPARE(redirect.params.value(QStringLiteral("state")), QStringLiteral("state-1"));
}

void TestSandboxRoles::signUpRoleInTokens_data()
{
    QTest::addColumn<QString>("authProfile");
    QTest::addColumn<QString>("responseType");
    QTest::addColumn<QString>("domain");
    QTest::addColumn<QString>("role");
    QTest::addColumn<QString>("shownProfile");

    QTest::newRow("open, code") << QStringLiteral("open") << QStringLiteral("code") << QStringLiteral("example.org")
                                << QStringLiteral("Guest") << QStringLiteral("open");
    QTest::newRow("default profile, code") << QString() << QStringLiteral("code") << QStringLiteral("example.net")
                                           << QStringLiteral("Guest") << QStringLiteral("open");
    QTest::newRow("open, address in employees domain")
        << QStringLiteral("open") << QStringLiteral("code") << QStringLiteral("example.com") << QStringLiteral("Guest")
        << QStringLiteral("open");
    QTest::newRow("employees, code") << QStringLiteral("employees") << QStringLiteral("code")
                                     << QStringLiteral("example.com") << QStringLiteral("Employee")
                                     << QStringLiteral("employees");
    QTest::newRow("employees, domain in other case") << QStringLiteral("employees") << QStringLiteral("code")
                                                     << QStringLiteral("Example.COM") << QStringLiteral("Employee")
                                                     << QStringLiteral("employees");
    QTest::newRow("open, implicit") << QStringLiteral("open") << QStringLiteral("id_token token")
                                    << QStringLiteral("example.org") << QStringLiteral("Guest") << QStringLiteral("open");
    QTest::newRow("employees, implicit") << QStringLiteral("employees") << QStringLiteral("id_token token")
                                         << QStringLiteral("example.com") << QStringLiteral("Employee")
                                         << QStringLiteral("employees");
}

void TestSandboxRoles::signUpRoleInTokens()
{
    QFETCH(QString, authProfile);
    QFETCH(QString, responseType);
    QFETCH(QString, domain);
    QFETCH(QString, role);
    QFETCH(QString, shownProfile);

    AuthorizationRequest request;
    request.authProfile = authProfile;
    request.responseType = responseType;
    const QString email = uniqueEmail(domain);
    const Reply signedUp = signUp(request, email, QStringLiteral("Grace Hopper"), QStringLiteral("compiler-1952"));
    QCOMPARE(signedUp.status, 302);
    // Sign-up starts a sign-in session, as a password sign-in does.
    QVERIFY(signedUp.header("Set-Cookie").startsWith("sandbox_session="));

    QString idToken;
    QString accessToken;
    const Redirect redirect = parseRedirect(signedUp);
    if (responseType == QLatin1String("code")) {
        const QString code = redirect.params.value(QStringLiteral("code"));
        QVERIFY(!code.isEmpty());
        const Reply tokens = postForm(endpoint(QStringLiteral("/token")),
                                      {{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                       {QStringLiteral("code"), code},
                                       {QStringLiteral("redirect_uri"), request.redirectUri},
                                       {QStringLiteral("client_id"), SandboxServer::publicClientId()},
                                       {QStringLiteral("code_verifier"), request.verifier}});
        QCOMPARE(tokens.status, 200);
        idToken = tokens.json().value(QStringLiteral("id_token")).toString();
        accessToken = tokens.json().value(QStringLiteral("access_token")).toString();
    } else {
        idToken = redirect.fragment.value(QStringLiteral("id_token"));
        accessToken = redirect.fragment.value(QStringLiteral("access_token"));
    }
    QVERIFY(!idToken.isEmpty());
    QVERIFY(!accessToken.isEmpty());

    const QJsonObject idClaims = jwtClaims(idToken);
    const QJsonObject accessClaims = jwtClaims(accessToken);
    QCOMPARE(idClaims.value(QStringLiteral("email")).toString(), email);
    QCOMPARE(idClaims.value(QStringLiteral("name")).toString(), QStringLiteral("Grace Hopper"));
    QCOMPARE(idClaims.value(QStringLiteral("roles")).toArray(), QJsonArray{role});
    QCOMPARE(idClaims.value(QStringLiteral("auth_profile")).toString(), shownProfile);
    QCOMPARE(accessClaims.value(QStringLiteral("roles")).toArray(), QJsonArray{role});
    QCOMPARE(accessClaims.value(QStringLiteral("auth_profile")).toString(), shownProfile);
    QCOMPARE(accessClaims.value(QStringLiteral("sub")), idClaims.value(QStringLiteral("sub")));
}

void TestSandboxRoles::signUpRejections_data()
{
    QTest::addColumn<QString>("authProfile");
    QTest::addColumn<QString>("email");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("expectedError");

    const QString password = QStringLiteral("long-enough-password");
    QTest::newRow("employees, other domain")
        << QStringLiteral("employees") << QStringLiteral("bob@example.org") << QStringLiteral("Bob") << password
        << QStringLiteral("The e-mail address bob@example.org cannot sign up in the employees profile, which accepts "
                          "only addresses @example.com. Use an @example.com address, or sign up in the open profile "
                          "(auth_profile=open).");
    QTest::newRow("employees, subdomain")
        << QStringLiteral("employees") << QStringLiteral("carol@mail.example.com") << QStringLiteral("Carol") << password
        << QStringLiteral("The e-mail address carol@mail.example.com cannot sign up in the employees profile, which "
                          "accepts only addresses @example.com. Use an @example.com address, or sign up in the open "
                          "profile (auth_profile=open).");
    QTest::newRow("duplicate demo address")
        << QStringLiteral("open") << QStringLiteral("demo@example.com") << QStringLiteral("Someone") << password
        << QStringLiteral("The e-mail address demo@example.com is already registered. Sign in with it, or sign up with "
                          "another address.");
    QTest::newRow("duplicate in other case and spaces")
        << QStringLiteral("employees") << QStringLiteral("  DEMO@example.com ") << QStringLiteral("Someone") << password
        << QStringLiteral("The e-mail address DEMO@example.com is already registered. Sign in with it, or sign up with "
                          "another address.");
    QTest::newRow("weak password") << QStringLiteral("open") << QStringLiteral("dave@example.org")
                                   << QStringLiteral("Dave") << QStringLiteral("1234567")
                                   << QStringLiteral("The password is too short: it has 7 characters, and sign-up needs "
                                                     "at least 8.");
    QTest::newRow("empty password") << QStringLiteral("open") << QStringLiteral("dave@example.org")
                                    << QStringLiteral("Dave") << QString()
                                    << QStringLiteral("The password is too short: it has 0 characters, and sign-up needs "
                                                      "at least 8.");
    QTest::newRow("bad e-mail, no at") << QStringLiteral("open") << QStringLiteral("eve.example.org")
                                       << QStringLiteral("Eve") << password
                                       << QStringLiteral("The e-mail address \"eve.example.org\" is invalid: it needs "
                                                         "exactly one '@' between a name and a domain. Enter an address "
                                                         "such as name@example.com.");
    QTest::newRow("bad e-mail, no dot in domain")
        << QStringLiteral("employees") << QStringLiteral("eve@example") << QStringLiteral("Eve") << password
        << QStringLiteral("The e-mail address \"eve@example\" is invalid: the domain \"example\" has no dot, as in "
                          "example.com. Enter an address such as name@example.com.");
    QTest::newRow("empty e-mail") << QStringLiteral("open") << QString() << QStringLiteral("Eve") << password
                                  << QStringLiteral("The e-mail address is empty. Enter an address such as "
                                                    "name@example.com.");
    QTest::newRow("markup in e-mail")
        << QStringLiteral("open") << QStringLiteral("<b>x</b>@example.org") << QStringLiteral("<i>Mallory</i>") << password
        << QStringLiteral("The e-mail address \"<b>x</b>@example.org\" is invalid: the part before the '@' contains "
                          "'<', which addresses cannot contain there. Enter an address such as name@example.com.");
    QTest::newRow("huge e-mail") << QStringLiteral("open") << QString(3000, QLatin1Char('f')) + QStringLiteral("@example.org")
                                 << QStringLiteral("Frank") << password
                                 << QStringLiteral("The e-mail address \"%1\" is invalid: it is longer than 254 "
                                                   "characters. Enter an address such as name@example.com.")
                                        .arg(QString(100, QLatin1Char('f')));
    QTest::newRow("name too long") << QStringLiteral("open") << QStringLiteral("grace@example.org")
                                   << QString(101, QLatin1Char('g')) << password
                                   << QStringLiteral("The name is longer than 100 characters (it has 101).");
    QTest::newRow("name with line break") << QStringLiteral("open") << QStringLiteral("heidi@example.org")
                                          << QStringLiteral("Heidi\nSecond line") << password
                                          << QStringLiteral("The name contains a control character such as a line "
                                                            "break; enter it on one line.");
}

void TestSandboxRoles::signUpRejections()
{
    QFETCH(QString, authProfile);
    QFETCH(QString, email);
    QFETCH(QString, name);
    QFETCH(QString, password);
    QFETCH(QString, expectedError);

    AuthorizationRequest request;
    request.authProfile = authProfile;
    const Reply reply = signUp(request, email, name, password);
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Location").isEmpty());
    QVERIFY(reply.header("Set-Cookie").isEmpty());
    const QString html = reply.html();
    QCOMPARE(signUpError(html), expectedError);

    // The page keeps what the user typed (cut to 2048 characters), except the password.
    QCOMPARE(inputValue(html, QStringLiteral("signup_email")), email.left(2048));
    QCOMPARE(inputValue(html, QStringLiteral("signup_name")), name);
    QVERIFY(!html.contains(QStringLiteral("<b>")));
    QVERIFY(!html.contains(QStringLiteral("<i>")));
    if (!password.isEmpty())
        QVERIFY(!html.contains(password));
    QVERIFY(!html.contains(QStringLiteral("id=\"signup_password\" name=\"password\" type=\"password\" value")));
    // The login form and the same pending sign-in stay usable.
    QVERIFY(html.contains(QStringLiteral("<input id=\"email\"")));
    QVERIFY(!requestIdFromPage(html).isEmpty());
    QVERIFY(html.contains(QStringLiteral("Profile <strong>%1</strong>").arg(authProfile)));
}

void TestSandboxRoles::signUpRejectionCreatesNoUser()
{
    AuthorizationRequest employees;
    employees.authProfile = QStringLiteral("employees");
    const QString outsider = uniqueEmail(QStringLiteral("example.org"));
    QCOMPARE(signUp(employees, outsider, QString(), QStringLiteral("long-enough-password")).status, 200);
    QCOMPARE(passwordGrant(outsider, QStringLiteral("long-enough-password")).status, 400);

    // The same address signs up in the open profile, because the rejection stored nothing.
    const QJsonObject tokens = signUpAndGetTokens(QStringLiteral("open"), outsider);
    QCOMPARE(jwtClaims(tokens.value(QStringLiteral("id_token")).toString()).value(QStringLiteral("roles")).toArray(),
             QJsonArray{QStringLiteral("Guest")});

    // A second sign-up with that address is a duplicate in either profile.
    AuthorizationRequest open;
    const Reply again = signUp(open, outsider, QString(), QStringLiteral("another-password"));
    QVERIFY2(signUpError(again.html()).contains(QStringLiteral("is already registered")), qPrintable(again.html()));
    QCOMPARE(passwordGrant(outsider, QStringLiteral("another-password")).status, 400);
    QCOMPARE(passwordGrant(outsider, QStringLiteral("long-enough-password")).status, 200);
}

void TestSandboxRoles::signUpRetryOnSamePage()
{
    AuthorizationRequest request;
    const Reply page = authorize(request);
    const QString requestId = requestIdFromPage(page.html());
    QVERIFY(!requestId.isEmpty());
    const QString email = uniqueEmail(QStringLiteral("example.org"));

    const Reply weak = postForm(endpoint(QStringLiteral("/signup")), {{QStringLiteral("request_id"), requestId},
                                                                      {QStringLiteral("email"), email},
                                                                      {QStringLiteral("name"), QStringLiteral("Ivan")},
                                                                      {QStringLiteral("password"), QStringLiteral("short")}});
    QCOMPARE(weak.status, 200);
    QCOMPARE(requestIdFromPage(weak.html()), requestId);

    const Reply retried = postForm(endpoint(QStringLiteral("/signup")), {{QStringLiteral("request_id"), requestId},
                                                                         {QStringLiteral("email"), email},
                                                                         {QStringLiteral("name"), QStringLiteral("Ivan")},
                                                                         {QStringLiteral("password"), QStringLiteral("longer-password")}});
    QCOMPARE(retried.status, 302);
    const Redirect redirect = parseRedirect(retried);
    QVERIFY(!redirect.params.value(QStringLiteral("code")).isEmpty());
    QCOMPARE(redirect.params.value(QStringLiteral("state")), QStringLiteral("state-1"));

    // The pending sign-in is used up.
    const Reply reused = postForm(endpoint(QStringLiteral("/signup")), {{QStringLiteral("request_id"), requestId},
                                                                        {QStringLiteral("email"), uniqueEmail(QStringLiteral("example.org"))},
                                                                        {QStringLiteral("password"), QStringLiteral("longer-password")}});
    QCOMPARE(reused.status, 400);
}

void TestSandboxRoles::signUpMalformedRequests_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("messagePart");

    const QByteArray form = "application/x-www-form-urlencoded";
    QTest::newRow("unknown request id") << form << QByteArray("request_id=unknown&email=a%40example.org&password=longer-password")
                                        << 400 << QStringLiteral("unknown or has expired");
    QTest::newRow("no request id") << form << QByteArray("email=a%40example.org&password=longer-password") << 400
                                   << QStringLiteral("unknown or has expired");
    QTest::newRow("JSON body") << QByteArray("application/json") << QByteArray(R"({"email":"a@example.org"})") << 415
                               << QStringLiteral("application/x-www-form-urlencoded");
    QTest::newRow("broken percent escape") << form << QByteArray("request_id=%ZZ&email=a") << 400 << QString();
    QTest::newRow("invalid UTF-8") << form << QByteArray("request_id=x&email=%FF%FE%40example.org") << 400
                                   << QStringLiteral("not valid UTF-8");
}

void TestSandboxRoles::signUpMalformedRequests()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, messagePart);

    const Reply reply = send("POST", endpoint(QStringLiteral("/signup")), body, {{"Content-Type", contentType}});
    QCOMPARE(reply.status, status);
    QVERIFY(reply.header("Content-Type").startsWith("text/html"));
    QVERIFY(reply.html().contains(QStringLiteral("<title>Sign-up failed</title>")));
    QVERIFY2(reply.html().contains(messagePart), qPrintable(reply.html()));

    QCOMPARE(send("GET", endpoint(QStringLiteral("/signup"))).status, 405);
}

void TestSandboxRoles::employeesDomainConfigurable()
{
    m_server->setEmployeesDomain(QStringLiteral("corp.test"));
    QCOMPARE(m_server->employeesDomain(), QStringLiteral("corp.test"));

    const QJsonObject tokens = signUpAndGetTokens(QStringLiteral("employees"), uniqueEmail(QStringLiteral("corp.test")));
    QCOMPARE(jwtClaims(tokens.value(QStringLiteral("access_token")).toString()).value(QStringLiteral("roles")).toArray(),
             QJsonArray{QStringLiteral("Employee")});

    AuthorizationRequest request;
    request.authProfile = QStringLiteral("employees");
    const QString email = uniqueEmail(QStringLiteral("example.com"));
    const Reply rejected = signUp(request, email, QString(), QStringLiteral("long-enough-password"));
    QCOMPARE(signUpError(rejected.html()),
             QStringLiteral("The e-mail address %1 cannot sign up in the employees profile, which accepts only addresses "
                            "@corp.test. Use an @corp.test address, or sign up in the open profile (auth_profile=open).")
                 .arg(email));
    // The demo user keeps its role.
    const Reply demo = passwordGrant(SandboxServer::demoEmail(), SandboxServer::demoPassword());
    QCOMPARE(jwtClaims(demo.json().value(QStringLiteral("access_token")).toString()).value(QStringLiteral("roles")).toArray(),
             QJsonArray{QStringLiteral("Employee")});
}

void TestSandboxRoles::demoUserIsEmployee()
{
    const Reply reply = passwordGrant(SandboxServer::demoEmail(), SandboxServer::demoPassword());
    QCOMPARE(reply.status, 200);
    for (const QString &name : {QStringLiteral("id_token"), QStringLiteral("access_token")}) {
        const QJsonObject claims = jwtClaims(reply.json().value(name).toString());
        QCOMPARE(claims.value(QStringLiteral("sub")).toString(), QStringLiteral("demo-user-1"));
        QCOMPARE(claims.value(QStringLiteral("roles")).toArray(), QJsonArray{QStringLiteral("Employee")});
        QCOMPARE(claims.value(QStringLiteral("auth_profile")).toString(), QStringLiteral("employees"));
    }

    const Reply discovery = get(endpoint(QStringLiteral("/.well-known/openid-configuration")));
    const QJsonArray claimsSupported = discovery.json().value(QStringLiteral("claims_supported")).toArray();
    QVERIFY(claimsSupported.contains(QStringLiteral("roles")));
    QVERIFY(claimsSupported.contains(QStringLiteral("auth_profile")));
}

void TestSandboxRoles::passwordGrantCarriesRole()
{
    const QString email = uniqueEmail(QStringLiteral("example.org"));
    QVERIFY(!signUpAndGetTokens(QStringLiteral("open"), email, QStringLiteral("guest-password")).isEmpty());

    const Reply reply = passwordGrant(email, QStringLiteral("guest-password"));
    QCOMPARE(reply.status, 200);
    for (const QString &name : {QStringLiteral("id_token"), QStringLiteral("access_token")}) {
        const QJsonObject claims = jwtClaims(reply.json().value(name).toString());
        QCOMPARE(claims.value(QStringLiteral("roles")).toArray(), QJsonArray{QStringLiteral("Guest")});
        QCOMPARE(claims.value(QStringLiteral("auth_profile")).toString(), QStringLiteral("open"));
    }
}

void TestSandboxRoles::loginMutationCarriesRole()
{
    const QString guest = uniqueEmail(QStringLiteral("example.org"));
    const QString employee = uniqueEmail(QStringLiteral("example.com"));
    QVERIFY(!signUpAndGetTokens(QStringLiteral("open"), guest, QStringLiteral("guest-password")).isEmpty());
    QVERIFY(!signUpAndGetTokens(QStringLiteral("employees"), employee, QStringLiteral("employee-password")).isEmpty());

    const QList<std::tuple<QString, QString, QString>> cases = {{guest, QStringLiteral("guest-password"), QStringLiteral("Guest")},
                                                                {employee, QStringLiteral("employee-password"), QStringLiteral("Employee")}};
    for (const auto &[email, password, role] : cases) {
        const Reply reply = postGraphql(
            QString(), QStringLiteral(R"(mutation { login(email: "%1", password: "%2") { idToken accessToken } })").arg(email, password));
        QCOMPARE(reply.status, 200);
        const QJsonObject login = reply.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("login")).toObject();
        QCOMPARE(jwtClaims(login.value(QStringLiteral("idToken")).toString()).value(QStringLiteral("roles")).toArray(),
                 QJsonArray{role});
        QCOMPARE(jwtClaims(login.value(QStringLiteral("accessToken")).toString()).value(QStringLiteral("roles")).toArray(),
                 QJsonArray{role});
    }
}

void TestSandboxRoles::refreshKeepsRole()
{
    const QJsonObject tokens = signUpAndGetTokens(QStringLiteral("open"), uniqueEmail(QStringLiteral("example.org")));
    const QString refreshToken = tokens.value(QStringLiteral("refresh_token")).toString();
    QVERIFY(!refreshToken.isEmpty());
    const Reply refreshed = postForm(endpoint(QStringLiteral("/token")),
                                     {{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                      {QStringLiteral("refresh_token"), refreshToken},
                                      {QStringLiteral("client_id"), SandboxServer::publicClientId()}});
    QCOMPARE(refreshed.status, 200);
    for (const QString &name : {QStringLiteral("id_token"), QStringLiteral("access_token")})
        QCOMPARE(jwtClaims(refreshed.json().value(name).toString()).value(QStringLiteral("roles")).toArray(),
                 QJsonArray{QStringLiteral("Guest")});
}

void TestSandboxRoles::socialUserIsGuest()
{
    QVERIFY(!m_server->socialIssuer().isEmpty());
    AuthorizationRequest request;
    request.authProfile = QStringLiteral("employees"); // social sign-in ignores the sign-up profile
    const Reply page = authorize(request);
    static const QRegularExpression socialForm(QStringLiteral(
        "<form class=\"social\" method=\"post\" action=\"([^\"]*)\">\\s*<input type=\"hidden\" name=\"request_id\" "
        "value=\"([^\"]*)\">"));
    const QRegularExpressionMatch form = socialForm.match(page.html());
    QVERIFY(form.hasMatch());
    const Reply started = postForm(endpoint(htmlUnescape(form.captured(1))),
                                   {{QStringLiteral("request_id"), htmlUnescape(form.captured(2))}});
    QCOMPARE(started.status, 302);

    const Reply socialPage = get(QUrl::fromEncoded(started.header("Location")));
    QCOMPARE(socialPage.status, 200);
    const Reply socialLogin = postForm(QUrl(m_server->socialIssuer() + QStringLiteral("/login")),
                                       {{QStringLiteral("request_id"), requestIdFromPage(socialPage.html())},
                                        {QStringLiteral("email"), SandboxServer::socialDemoEmail()},
                                        {QStringLiteral("password"), SandboxServer::socialDemoPassword()},
                                        {QStringLiteral("action"), QStringLiteral("login")}});
    QCOMPARE(socialLogin.status, 302);
    const Reply callback = get(QUrl::fromEncoded(socialLogin.header("Location")));
    QCOMPARE(callback.status, 302);
    const QString code = parseRedirect(callback).params.value(QStringLiteral("code"));
    QVERIFY2(!code.isEmpty(), callback.header("Location").constData());

    const Reply tokens = postForm(endpoint(QStringLiteral("/token")),
                                  {{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                   {QStringLiteral("code"), code},
                                   {QStringLiteral("redirect_uri"), request.redirectUri},
                                   {QStringLiteral("client_id"), SandboxServer::publicClientId()},
                                   {QStringLiteral("code_verifier"), request.verifier}});
    QCOMPARE(tokens.status, 200);
    const QJsonObject claims = jwtClaims(tokens.json().value(QStringLiteral("id_token")).toString());
    QCOMPARE(claims.value(QStringLiteral("email")).toString(), SandboxServer::socialDemoEmail());
    QCOMPARE(claims.value(QStringLiteral("roles")).toArray(), QJsonArray{QStringLiteral("Guest")});
    QCOMPARE(claims.value(QStringLiteral("auth_profile")).toString(), QStringLiteral("open"));
}

void TestSandboxRoles::guestCanQueryButNotWrite()
{
    const QJsonObject tokens = signUpAndGetTokens(QStringLiteral("open"), uniqueEmail(QStringLiteral("example.org")));
    const QString accessToken = tokens.value(QStringLiteral("access_token")).toString();
    QVERIFY(!accessToken.isEmpty());

    const Reply query = postGraphql(accessToken, QStringLiteral("{ todos { id } me { email } }"));
    QCOMPARE(query.status, 200);
    QVERIFY(!query.json().contains(QStringLiteral("errors")));
    QCOMPARE(query.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("todos")).toArray().size(), 3);
    QVERIFY(!findStep(QStringLiteral("Check the role"))); // reading needs no role check

    m_trace.clear();
    const Reply added = postGraphql(accessToken, QStringLiteral(R"(mutation { addTodo(title: "Guest item") { id } })"));
    QCOMPARE(added.status, 200);
    const QJsonObject error = firstError(added.json());
    QCOMPARE(error.value(QStringLiteral("message")).toString(),
             QStringLiteral("addTodo needs the role Employee, but the token has the role Guest."));
    QCOMPARE(error.value(QStringLiteral("extensions")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("FORBIDDEN"));
    QCOMPARE(error.value(QStringLiteral("path")).toArray(), QJsonArray{QStringLiteral("addTodo")});
    QCOMPARE(added.json().value(QStringLiteral("data")), QJsonValue(QJsonValue::Null));

    const afx::TraceStep *step = findStep(QStringLiteral("Check the role"));
    QVERIFY(step);
    QCOMPARE(step->from, afx::Trace::Backend);
    QCOMPARE(step->to, afx::Trace::Backend);
    QCOMPARE(step->channel, afx::Channel::Local);
    QCOMPARE(step->result, afx::StepResult::Failed);
    QCOMPARE(step->explanationKey, QStringLiteral("backend-role-check"));
    QVERIFY2(step->detail.contains(QStringLiteral("needs the role Employee, but the token has the role Guest")),
             qPrintable(step->detail));

    const Reply done = postGraphql(accessToken, QStringLiteral(R"(mutation { setDone(id: "2", done: true) { id done } })"));
    QCOMPARE(firstError(done.json()).value(QStringLiteral("message")).toString(),
             QStringLiteral("setDone needs the role Employee, but the token has the role Guest."));
    QCOMPARE(firstError(done.json()).value(QStringLiteral("extensions")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("FORBIDDEN"));
    QCOMPARE(done.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("setDone")), QJsonValue(QJsonValue::Null));

    // Nothing changed.
    const Reply after = postGraphql(accessToken, QStringLiteral("{ todos { id done } }"));
    const QJsonArray todos = after.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("todos")).toArray();
    QCOMPARE(todos.size(), 3);
    QCOMPARE(todos.at(1).toObject().value(QStringLiteral("done")), QJsonValue(false));
}

void TestSandboxRoles::employeeCanAddTodo()
{
    const QJsonObject tokens = signUpAndGetTokens(QStringLiteral("employees"), uniqueEmail(QStringLiteral("example.com")));
    // The backend accepts the ID token too, and it carries the same roles claim.
    for (const QString &name : {QStringLiteral("access_token"), QStringLiteral("id_token")}) {
        m_trace.clear();
        const QString token = tokens.value(name).toString();
        QVERIFY(!token.isEmpty());
        const Reply added = postGraphql(token, QStringLiteral(R"(mutation { addTodo(title: "Employee item") { title done } })"));
        QCOMPARE(added.status, 200);
        QCOMPARE(added.body, QByteArray(R"({"data":{"addTodo":{"title":"Employee item","done":false}}})"));
        const afx::TraceStep *step = findStep(QStringLiteral("Check the role"));
        QVERIFY(step);
        QCOMPARE(step->result, afx::StepResult::Ok);
        QCOMPARE(step->explanationKey, QStringLiteral("backend-role-check"));
    }
    const Reply after = postGraphql(tokens.value(QStringLiteral("access_token")).toString(), QStringLiteral("{ todos { id } }"));
    QCOMPARE(after.json().value(QStringLiteral("data")).toObject().value(QStringLiteral("todos")).toArray().size(), 5);

    const Reply demo = passwordGrant(SandboxServer::demoEmail(), SandboxServer::demoPassword());
    const Reply demoAdded = postGraphql(demo.json().value(QStringLiteral("access_token")).toString(),
                                        QStringLiteral(R"(mutation { addTodo(title: "Demo item") { title } })"));
    QCOMPARE(demoAdded.body, QByteArray(R"({"data":{"addTodo":{"title":"Demo item"}}})"));
}

void TestSandboxRoles::roleComesFromToken_data()
{
    QTest::addColumn<QJsonValue>("roles"); // undefined: no roles claim
    QTest::addColumn<QString>("expectedError"); // empty: addTodo succeeds

    QTest::newRow("no roles claim") << QJsonValue(QJsonValue::Undefined)
                                    << QStringLiteral("addTodo needs the role Employee, but the token has no role (its "
                                                      "roles claim is missing or empty).");
    QTest::newRow("empty array") << QJsonValue(QJsonArray())
                                 << QStringLiteral("addTodo needs the role Employee, but the token has no role (its "
                                                   "roles claim is missing or empty).");
    QTest::newRow("string instead of array") << QJsonValue(QStringLiteral("Employee"))
                                             << QStringLiteral("addTodo needs the role Employee, but the token has no "
                                                               "role (its roles claim is missing or empty).");
    QTest::newRow("wrong case") << QJsonValue(QJsonArray{QStringLiteral("employee")})
                                << QStringLiteral("addTodo needs the role Employee, but the token has the role employee.");
    QTest::newRow("two other roles") << QJsonValue(QJsonArray{QStringLiteral("Guest"), QStringLiteral("Auditor")})
                                     << QStringLiteral("addTodo needs the role Employee, but the token has the roles "
                                                       "Guest, Auditor.");
    QTest::newRow("number among roles") << QJsonValue(QJsonArray{1, QStringLiteral("Employee")}) << QString();
    QTest::newRow("Employee among roles") << QJsonValue(QJsonArray{QStringLiteral("Guest"), QStringLiteral("Employee")})
                                          << QString();
}

void TestSandboxRoles::roleComesFromToken()
{
    QFETCH(QJsonValue, roles);
    QFETCH(QString, expectedError);

    // The demo user is an Employee in the directory, but the backend goes by the token's claim.
    afx::jose::Jwks jwks;
    QString error;
    QVERIFY2(afx::jose::Jwks::parse(get(endpoint(QStringLiteral("/jwks"))).body, &jwks, &error), qPrintable(error));
    QVERIFY(!jwks.keys.isEmpty());
    const qint64 now = QDateTime::currentSecsSinceEpoch() + m_server->clockOffset();
    QJsonObject claims{{QStringLiteral("iss"), m_server->issuer()},
                       {QStringLiteral("aud"), m_server->graphqlUrl().toString()},
                       {QStringLiteral("sub"), QStringLiteral("demo-user-1")},
                       {QStringLiteral("iat"), now},
                       {QStringLiteral("exp"), now + 300}};
    if (!roles.isUndefined())
        claims.insert(QStringLiteral("roles"), roles);
    const QJsonObject header{{QStringLiteral("kid"), jwks.keys.first().kid}, {QStringLiteral("typ"), QStringLiteral("at+jwt")}};
    const std::optional<QByteArray> token =
        afx::jose::signCompact(QStringLiteral("RS256"), m_server->signingKey(), header, claims, &error);
    QVERIFY2(token, qPrintable(error));

    const Reply reply = postGraphql(QString::fromLatin1(*token), QStringLiteral(R"(mutation { addTodo(title: "x") { title } })"));
    QCOMPARE(reply.status, 200);
    if (expectedError.isEmpty()) {
        QCOMPARE(reply.body, QByteArray(R"({"data":{"addTodo":{"title":"x"}}})"));
        return;
    }
    QCOMPARE(firstError(reply.json()).value(QStringLiteral("message")).toString(), expectedError);
    QCOMPARE(firstError(reply.json()).value(QStringLiteral("extensions")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("FORBIDDEN"));
}

void TestSandboxRoles::introspectingBackendChecksRole()
{
    const QJsonObject guest = signUpAndGetTokens(QStringLiteral("open"), uniqueEmail(QStringLiteral("example.org")));
    const QJsonObject employee = signUpAndGetTokens(QStringLiteral("employees"), uniqueEmail(QStringLiteral("example.com")));
    m_server->setBackendIntrospects(true);
    const int callsBefore = m_server->introspectionCallCount();

    const QString mutation = QStringLiteral(R"(mutation { addTodo(title: "Introspected") { title } })");
    const Reply forbidden = postGraphql(guest.value(QStringLiteral("access_token")).toString(), mutation);
    QCOMPARE(forbidden.status, 200);
    QCOMPARE(firstError(forbidden.json()).value(QStringLiteral("extensions")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("FORBIDDEN"));
    QCOMPARE(firstError(forbidden.json()).value(QStringLiteral("message")).toString(),
             QStringLiteral("addTodo needs the role Employee, but the token has the role Guest."));

    const Reply allowed = postGraphql(employee.value(QStringLiteral("access_token")).toString(), mutation);
    QCOMPARE(allowed.body, QByteArray(R"({"data":{"addTodo":{"title":"Introspected"}}})"));
    QCOMPARE(m_server->introspectionCallCount(), callsBefore + 2);
}

QTEST_GUILESS_MAIN(TestSandboxRoles)
#include "tst_sandboxroles.moc"
