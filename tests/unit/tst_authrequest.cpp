// Building the authorization request URL from a profile.

#include "oidc/authrequest.h"
#include "storage/profile.h"

#include <QTest>

using namespace afx::oidc;

namespace {

FormFields queryFields(const QUrl &url)
{
    FormFields fields;
    QString error;
    if (!formDecodeFields(url.query(QUrl::FullyEncoded).toLatin1(), &fields, &error))
        qWarning("query could not be decoded: %s", qPrintable(error));
    return fields;
}

QStringList valuesOf(const FormFields &fields, const QString &name)
{
    QStringList values;
    for (const auto &[fieldName, value] : fields) {
        if (fieldName == name)
            values.append(value);
    }
    return values;
}

QStringList namesOf(const FormFields &fields)
{
    QStringList names;
    for (const auto &field : fields)
        names.append(field.first);
    return names;
}

afx::Profile testProfile()
{
    afx::Profile profile;
    profile.clientId = QStringLiteral("explorer-test");
    profile.scopes = QStringList{QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("email")};
    profile.responseType = QStringLiteral("code");
    return profile;
}

const QUrl endpoint(QStringLiteral("https://idp.example.com/authorize"));
const QString loopbackRedirect = QStringLiteral("http://127.0.0.1:53219/callback");

} // namespace

class TestAuthRequest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fromProfileFillsRequest();
    void fromProfileGeneratesFreshValues();
    void urlHasCoreParameters();
    void urlFormEncodesValues();
    void urlKeepsLoopbackPort();
    void urlKeepsEndpointQuery();
    void requestReplacesEndpointParameter();
    void audienceAndResource_data();
    void audienceAndResource();
    void extraParamsAppendedInOrder();
    void protectedExtraParamIgnored_data();
    void protectedExtraParamIgnored();
    void extraParamReplacesEarlierValue();
    void resourceMayRepeat();
    void implicitRequestHasNoPkce();
    void responseModeSentAfterRedirectUri();
};

void TestAuthRequest::fromProfileFillsRequest()
{
    afx::Profile profile = testProfile();
    profile.audience = QStringLiteral("https://api.example.com");
    profile.resource = QStringLiteral("https://api.example.com/graphql");
    profile.extraAuthorizeParams = {{QStringLiteral("prompt"), QStringLiteral("login")},
                                    {QStringLiteral("login_hint"), QStringLiteral("alice+test@example.com")}};

    const AuthRequest request = AuthRequest::fromProfile(profile, endpoint, loopbackRedirect);
    QCOMPARE(request.authorizationEndpoint, endpoint);
    QCOMPARE(request.clientId, QStringLiteral("explorer-test"));
    QCOMPARE(request.redirectUri, loopbackRedirect);
    QCOMPARE(request.responseType, QStringLiteral("code"));
    QCOMPARE(request.scope, QStringLiteral("openid profile email"));
    QCOMPARE(request.state.size(), 32);
    QCOMPARE(request.nonce.size(), 32);
    QVERIFY(Pkce::isValidVerifier(request.pkce.verifier));
    QCOMPARE(request.pkce.challenge, Pkce::challengeFor(request.pkce.verifier));
    QVERIFY(request.createdAt.isValid());

    const FormFields expectedExtras{
        {QStringLiteral("audience"), QStringLiteral("https://api.example.com")},
        {QStringLiteral("resource"), QStringLiteral("https://api.example.com/graphql")},
        {QStringLiteral("prompt"), QStringLiteral("login")},
        {QStringLiteral("login_hint"), QStringLiteral("alice+test@example.com")},
    };
    QCOMPARE(request.extraParams, expectedExtras);
}

void TestAuthRequest::fromProfileGeneratesFreshValues()
{
    const AuthRequest first = AuthRequest::fromProfile(testProfile(), endpoint, loopbackRedirect);
    const AuthRequest second = AuthRequest::fromProfile(testProfile(), endpoint, loopbackRedirect);
    QVERIFY(first.state != second.state);
    QVERIFY(first.nonce != second.nonce);
    QVERIFY(first.state != first.nonce);
    QVERIFY(first.pkce.verifier != second.pkce.verifier);
}

void TestAuthRequest::urlHasCoreParameters()
{
    const AuthRequest request = AuthRequest::fromProfile(testProfile(), endpoint, loopbackRedirect);
    const QUrl url = request.toUrl();
    QCOMPARE(url.scheme(), QStringLiteral("https"));
    QCOMPARE(url.host(), QStringLiteral("idp.example.com"));
    QCOMPARE(url.path(), QStringLiteral("/authorize"));

    const FormFields fields = queryFields(url);
    QCOMPARE(namesOf(fields),
             QStringList({QStringLiteral("response_type"), QStringLiteral("client_id"), QStringLiteral("redirect_uri"),
                          QStringLiteral("scope"), QStringLiteral("state"), QStringLiteral("nonce"),
                          QStringLiteral("code_challenge"), QStringLiteral("code_challenge_method")}));
    QCOMPARE(valuesOf(fields, QStringLiteral("response_type")), QStringList{QStringLiteral("code")});
    QCOMPARE(valuesOf(fields, QStringLiteral("client_id")), QStringList{QStringLiteral("explorer-test")});
    QCOMPARE(valuesOf(fields, QStringLiteral("redirect_uri")), QStringList{loopbackRedirect});
    QCOMPARE(valuesOf(fields, QStringLiteral("scope")), QStringList{QStringLiteral("openid profile email")});
    QCOMPARE(valuesOf(fields, QStringLiteral("state")), QStringList{QString::fromLatin1(request.state)});
    QCOMPARE(valuesOf(fields, QStringLiteral("nonce")), QStringList{QString::fromLatin1(request.nonce)});
    QCOMPARE(valuesOf(fields, QStringLiteral("code_challenge")), QStringList{QString::fromLatin1(request.pkce.challenge)});
    QCOMPARE(valuesOf(fields, QStringLiteral("code_challenge_method")), QStringList{QStringLiteral("S256")});
    QVERIFY(request.ignoredExtraParams().isEmpty());
}

void TestAuthRequest::urlFormEncodesValues()
{
    afx::Profile profile = testProfile();
    profile.extraAuthorizeParams = {{QStringLiteral("login_hint"), QStringLiteral("alice+test@example.com")},
                                    {QStringLiteral("acr_values"), QStringLiteral("urn:example:mfa loa-2")}};
    const QUrl url = AuthRequest::fromProfile(profile, endpoint, loopbackRedirect).toUrl();
    const QByteArray encoded = url.toEncoded();

    QVERIFY2(encoded.contains("&login_hint=alice%2Btest%40example.com"), encoded.constData());
    QVERIFY2(!encoded.contains("alice+test"), encoded.constData());
    QVERIFY2(encoded.contains("&scope=openid+profile+email&"), encoded.constData());
    QVERIFY2(encoded.contains("&acr_values=urn%3Aexample%3Amfa+loa-2"), encoded.constData());
    QCOMPARE(url.toString(QUrl::FullyEncoded).toLatin1(), encoded);

    // The same bytes survive a round trip through QUrl, as the browser receives them.
    const QUrl reparsed = QUrl::fromEncoded(encoded, QUrl::StrictMode);
    QVERIFY(reparsed.isValid());
    QCOMPARE(valuesOf(queryFields(reparsed), QStringLiteral("login_hint")),
             QStringList{QStringLiteral("alice+test@example.com")});
}

void TestAuthRequest::urlKeepsLoopbackPort()
{
    const QUrl url = AuthRequest::fromProfile(testProfile(), endpoint, loopbackRedirect).toUrl();
    QVERIFY2(url.toEncoded().contains("&redirect_uri=http%3A%2F%2F127.0.0.1%3A53219%2Fcallback&"),
             url.toEncoded().constData());

    // The string is sent as configured, without QUrl normalisation (a default port stays).
    const QString withDefaultPort = QStringLiteral("http://127.0.0.1:80/callback");
    const QUrl second = AuthRequest::fromProfile(testProfile(), endpoint, withDefaultPort).toUrl();
    QCOMPARE(valuesOf(queryFields(second), QStringLiteral("redirect_uri")), QStringList{withDefaultPort});
}

void TestAuthRequest::urlKeepsEndpointQuery()
{
    const QUrl tenantEndpoint(QStringLiteral("https://login.example.com/tenant/oauth2/authorize?p=B2C_1_signin&ui=a%2Bb"));
    const QUrl url = AuthRequest::fromProfile(testProfile(), tenantEndpoint, loopbackRedirect).toUrl();
    const QByteArray query = url.query(QUrl::FullyEncoded).toLatin1();
    QVERIFY2(query.startsWith("p=B2C_1_signin&ui=a%2Bb&response_type=code&"), query.constData());
    QCOMPARE(url.path(), QStringLiteral("/tenant/oauth2/authorize"));
}

void TestAuthRequest::requestReplacesEndpointParameter()
{
    const QUrl tenantEndpoint(QStringLiteral("https://idp.example.com/authorize?client_id=other&tenant=t1"));
    const QUrl url = AuthRequest::fromProfile(testProfile(), tenantEndpoint, loopbackRedirect).toUrl();
    const FormFields fields = queryFields(url);
    QCOMPARE(valuesOf(fields, QStringLiteral("client_id")), QStringList{QStringLiteral("explorer-test")});
    QCOMPARE(valuesOf(fields, QStringLiteral("tenant")), QStringList{QStringLiteral("t1")});
    QCOMPARE(fields.first().first, QStringLiteral("tenant"));
}

void TestAuthRequest::audienceAndResource_data()
{
    QTest::addColumn<QString>("audience");
    QTest::addColumn<QString>("resource");

    QTest::newRow("neither set") << QString() << QString();
    QTest::newRow("audience only") << QStringLiteral("https://api.example.com") << QString();
    QTest::newRow("resource only") << QString() << QStringLiteral("https://api.example.com/graphql");
    QTest::newRow("both set") << QStringLiteral("https://api.example.com") << QStringLiteral("urn:example:api");
}

void TestAuthRequest::audienceAndResource()
{
    QFETCH(QString, audience);
    QFETCH(QString, resource);
    afx::Profile profile = testProfile();
    profile.audience = audience;
    profile.resource = resource;

    const FormFields fields = queryFields(AuthRequest::fromProfile(profile, endpoint, loopbackRedirect).toUrl());
    QCOMPARE(valuesOf(fields, QStringLiteral("audience")), audience.isEmpty() ? QStringList() : QStringList{audience});
    QCOMPARE(valuesOf(fields, QStringLiteral("resource")), resource.isEmpty() ? QStringList() : QStringList{resource});
}

void TestAuthRequest::extraParamsAppendedInOrder()
{
    afx::Profile profile = testProfile();
    profile.audience = QStringLiteral("https://api.example.com");
    profile.extraAuthorizeParams = {{QStringLiteral("prompt"), QStringLiteral("consent")},
                                    {QStringLiteral("ui_locales"), QStringLiteral("de en")},
                                    {QStringLiteral("login_hint"), QStringLiteral("bob@example.com")}};
    const FormFields fields = queryFields(AuthRequest::fromProfile(profile, endpoint, loopbackRedirect).toUrl());
    QCOMPARE(namesOf(fields).mid(8),
             QStringList({QStringLiteral("audience"), QStringLiteral("prompt"), QStringLiteral("ui_locales"),
                          QStringLiteral("login_hint")}));
    QCOMPARE(valuesOf(fields, QStringLiteral("ui_locales")), QStringList{QStringLiteral("de en")});
}

void TestAuthRequest::protectedExtraParamIgnored_data()
{
    QTest::addColumn<QString>("name");

    QTest::newRow("state") << QStringLiteral("state");
    QTest::newRow("nonce") << QStringLiteral("nonce");
    QTest::newRow("code_challenge") << QStringLiteral("code_challenge");
    QTest::newRow("code_challenge_method") << QStringLiteral("code_challenge_method");
    QTest::newRow("redirect_uri") << QStringLiteral("redirect_uri");
    QTest::newRow("client_id") << QStringLiteral("client_id");
    QTest::newRow("response_type") << QStringLiteral("response_type");
    QTest::newRow("response_mode") << QStringLiteral("response_mode");
}

void TestAuthRequest::protectedExtraParamIgnored()
{
    QFETCH(QString, name);
    afx::Profile profile = testProfile();
    profile.extraAuthorizeParams = {{name, QStringLiteral("injected")}, {QStringLiteral("prompt"), QStringLiteral("login")}};
    if (name == QLatin1String("response_mode"))
        profile.responseMode = QStringLiteral("query"); // the request sends it only when the profile sets it

    const AuthRequest request = AuthRequest::fromProfile(profile, endpoint, loopbackRedirect);
    const FormFields fields = queryFields(request.toUrl());
    const QStringList values = valuesOf(fields, name);
    QCOMPARE(values.size(), 1);
    QVERIFY(values.first() != QLatin1String("injected"));
    QCOMPARE(valuesOf(fields, QStringLiteral("prompt")), QStringList{QStringLiteral("login")});
    QCOMPARE(request.ignoredExtraParams(), QStringList{name});
}

void TestAuthRequest::extraParamReplacesEarlierValue()
{
    afx::Profile profile = testProfile();
    profile.extraAuthorizeParams = {{QStringLiteral("prompt"), QStringLiteral("login")},
                                    {QStringLiteral("scope"), QStringLiteral("openid offline_access")},
                                    {QStringLiteral("prompt"), QStringLiteral("consent")}};
    const AuthRequest request = AuthRequest::fromProfile(profile, endpoint, loopbackRedirect);
    const FormFields fields = queryFields(request.toUrl());
    QCOMPARE(valuesOf(fields, QStringLiteral("prompt")), QStringList{QStringLiteral("consent")});
    QCOMPARE(valuesOf(fields, QStringLiteral("scope")), QStringList{QStringLiteral("openid offline_access")});
    QCOMPARE(namesOf(fields).indexOf(QStringLiteral("scope")), 3);
    QVERIFY(request.ignoredExtraParams().isEmpty());
}

void TestAuthRequest::resourceMayRepeat()
{
    afx::Profile profile = testProfile();
    profile.resource = QStringLiteral("https://api.example.com/graphql");
    profile.extraAuthorizeParams = {{QStringLiteral("resource"), QStringLiteral("https://files.example.com")}};
    const FormFields fields = queryFields(AuthRequest::fromProfile(profile, endpoint, loopbackRedirect).toUrl());
    QCOMPARE(valuesOf(fields, QStringLiteral("resource")),
             QStringList({QStringLiteral("https://api.example.com/graphql"), QStringLiteral("https://files.example.com")}));
}

void TestAuthRequest::implicitRequestHasNoPkce()
{
    afx::Profile profile = testProfile();
    profile.responseType = QStringLiteral("id_token token");
    const FormFields fields = queryFields(AuthRequest::fromProfile(profile, endpoint, loopbackRedirect).toUrl());
    QCOMPARE(valuesOf(fields, QStringLiteral("response_type")), QStringList{QStringLiteral("id_token token")});
    QVERIFY(valuesOf(fields, QStringLiteral("code_challenge")).isEmpty());
    QVERIFY(valuesOf(fields, QStringLiteral("code_challenge_method")).isEmpty());
    QCOMPARE(valuesOf(fields, QStringLiteral("nonce")).size(), 1);

    profile.responseType = QStringLiteral("code id_token");
    const FormFields hybrid = queryFields(AuthRequest::fromProfile(profile, endpoint, loopbackRedirect).toUrl());
    QCOMPARE(valuesOf(hybrid, QStringLiteral("code_challenge_method")), QStringList{QStringLiteral("S256")});
}

void TestAuthRequest::responseModeSentAfterRedirectUri()
{
    afx::Profile profile = testProfile();
    profile.responseMode = QStringLiteral("form_post");
    const AuthRequest request = AuthRequest::fromProfile(profile, endpoint, loopbackRedirect);
    const FormFields fields = queryFields(request.toUrl());
    const QStringList names = namesOf(fields);
    QCOMPARE(names.indexOf(QStringLiteral("response_mode")), names.indexOf(QStringLiteral("redirect_uri")) + 1);
    QCOMPARE(valuesOf(fields, QStringLiteral("response_mode")), QStringList{QStringLiteral("form_post")});

    // No response_mode parameter at all when the profile leaves it empty.
    const AuthRequest plain = AuthRequest::fromProfile(testProfile(), endpoint, loopbackRedirect);
    QVERIFY(!namesOf(queryFields(plain.toUrl())).contains(QStringLiteral("response_mode")));
}

QTEST_GUILESS_MAIN(TestAuthRequest)
#include "tst_authrequest.moc"
