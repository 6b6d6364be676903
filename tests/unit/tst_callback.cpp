// Recognising the redirect URI, reading authorization responses, and matching their state.

#include "oidc/callback.h"

#include <QLocale>
#include <QTest>

using namespace afx::oidc;

Q_DECLARE_METATYPE(CallbackParams::Location)
Q_DECLARE_METATYPE(StateStore::Outcome)

class TestCallback : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void redirectMatcher_data();
    void redirectMatcher();
    void defaultMatcherMatchesNothing();

    void codeResponseInQuery();
    void errorResponseDecoded();
    void implicitResponseInFragment();
    void hybridResponseInFragment();
    void responseLocation_data();
    void responseLocation();
    void plusDiffersFromEncodedPlus();
    void repeatedParameterRejected_data();
    void repeatedParameterRejected();
    void missingCodeLeftToCaller_data();
    void missingCodeLeftToCaller();
    void malformedEncodingRejected();
    void invalidUrlRejected();
    void urlWithoutParameters();
    void largeFragment();
    void urlSizeLimit_data();
    void urlSizeLimit();
    void responseModeQueryWithTokenRejected();
    void responseModeOverridesLocation();
    void responseModeFormPostRejectedForUrl();
    void unknownResponseModeRejected();
    void formPostBody();
    void formPostBodyRejectsRepeats();
    void formPostBodyRejectsMalformed();
    void formPostBodySizeLimit();

    void stateAcceptedOnce();
    void stateNeverIssued();
    void stateMissing();
    void statesOfSeveralAttempts();
    void stateClearForgetsAttempts();
    void stateDescription_data();
    void stateDescription();
    void stateDescriptionsDiffer();
    void backButtonReplay();
};

void TestCallback::redirectMatcher_data()
{
    QTest::addColumn<QString>("redirect");
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("matches");

    const QString custom = QStringLiteral("com.example.explorer:/callback");
    QTest::newRow("custom scheme with query") << custom << QStringLiteral("com.example.explorer:/callback?code=abc&state=xyz") << true;
    QTest::newRow("custom scheme with fragment") << custom << QStringLiteral("com.example.explorer:/callback#access_token=a&state=x") << true;
    QTest::newRow("custom scheme alone") << custom << custom << true;
    QTest::newRow("custom scheme in upper case") << custom << QStringLiteral("COM.EXAMPLE.EXPLORER:/callback?code=a") << true;
    QTest::newRow("custom scheme, longer path") << custom << QStringLiteral("com.example.explorer:/callbackx?code=a") << false;
    QTest::newRow("custom scheme, sub-path") << custom << QStringLiteral("com.example.explorer:/callback/extra?code=a") << false;
    QTest::newRow("custom scheme, longer scheme") << custom << QStringLiteral("com.example.explorerx:/callback?code=a") << false;
    QTest::newRow("custom scheme, path in other case") << custom << QStringLiteral("com.example.explorer:/Callback?code=a") << false;
    QTest::newRow("provider URL containing code=")
        << custom << QStringLiteral("https://idp.example.com/login/callback?code=abc&state=xyz") << false;
    QTest::newRow("provider URL with redirect URI as query value")
        << custom << QStringLiteral("https://idp.example.com/authorize?redirect_uri=com.example.explorer%3A%2Fcallback&code=abc") << false;
    QTest::newRow("provider URL with unencoded redirect URI as query value")
        << custom << QStringLiteral("https://idp.example.com/continue?next=com.example.explorer:/callback?code=abc") << false;

    const QString https = QStringLiteral("https://explorer.example.com/cb");
    QTest::newRow("https redirect with code") << https << QStringLiteral("https://explorer.example.com/cb?code=a&state=s") << true;
    QTest::newRow("https redirect, explicit default port") << https << QStringLiteral("https://explorer.example.com:443/cb?code=a") << true;
    QTest::newRow("https redirect, other port") << https << QStringLiteral("https://explorer.example.com:8443/cb?code=a") << false;
    QTest::newRow("https redirect, http scheme") << https << QStringLiteral("http://explorer.example.com/cb?code=a") << false;
    QTest::newRow("https redirect, host in upper case") << https << QStringLiteral("https://EXPLORER.Example.COM/cb?code=a") << true;
    QTest::newRow("https redirect, path in upper case") << https << QStringLiteral("https://explorer.example.com/CB?code=a") << false;
    QTest::newRow("https redirect, trailing slash") << https << QStringLiteral("https://explorer.example.com/cb/?code=a") << false;
    QTest::newRow("https redirect, other host") << https << QStringLiteral("https://explorer.example.org/cb?code=a") << false;
    QTest::newRow("https redirect, host suffix") << https << QStringLiteral("https://explorer.example.com.evil.example/cb?code=a") << false;
    QTest::newRow("https redirect, user info") << https << QStringLiteral("https://user@explorer.example.com/cb?code=a") << false;
    QTest::newRow("https redirect as query value of provider URL")
        << https << QStringLiteral("https://idp.example.com/continue?return=https://explorer.example.com/cb&code=a") << false;
    QTest::newRow("https redirect with own query, kept")
        << QStringLiteral("https://explorer.example.com/cb?tenant=a") << QStringLiteral("https://explorer.example.com/cb?tenant=a&code=1") << true;
    QTest::newRow("https redirect with own query, dropped")
        << QStringLiteral("https://explorer.example.com/cb?tenant=a") << QStringLiteral("https://explorer.example.com/cb?code=1") << false;

    const QString loopback = QStringLiteral("http://127.0.0.1:53682/callback");
    QTest::newRow("loopback, same port") << loopback << QStringLiteral("http://127.0.0.1:53682/callback?code=a&state=s") << true;
    QTest::newRow("loopback, other port") << loopback << QStringLiteral("http://127.0.0.1:53683/callback?code=a&state=s") << false;
    QTest::newRow("loopback, no port in URL") << loopback << QStringLiteral("http://127.0.0.1/callback?code=a") << false;
    QTest::newRow("loopback, favicon request") << loopback << QStringLiteral("http://127.0.0.1:53682/favicon.ico") << false;

    const QString anyPort = QStringLiteral("http://127.0.0.1/callback");
    QTest::newRow("loopback without port, any port") << anyPort << QStringLiteral("http://127.0.0.1:53219/callback?code=a") << true;
    QTest::newRow("loopback without port, port 80") << anyPort << QStringLiteral("http://127.0.0.1/callback?code=a") << true;
    QTest::newRow("loopback without port, other path") << anyPort << QStringLiteral("http://127.0.0.1:53219/favicon.ico") << false;
    QTest::newRow("loopback IP does not match localhost") << anyPort << QStringLiteral("http://localhost:53219/callback?code=a") << false;
    QTest::newRow("localhost does not match loopback IP")
        << QStringLiteral("http://localhost:8080/callback") << QStringLiteral("http://127.0.0.1:8080/callback?code=a") << false;
    QTest::newRow("IPv6 loopback without port, any port")
        << QStringLiteral("http://[::1]/callback") << QStringLiteral("http://[::1]:50000/callback?code=a") << true;
    QTest::newRow("loopback root path without slash")
        << QStringLiteral("http://127.0.0.1:8765/") << QStringLiteral("http://127.0.0.1:8765?code=a") << true;
    QTest::newRow("non-loopback host without port, other port")
        << QStringLiteral("http://explorer.example.com/cb") << QStringLiteral("http://explorer.example.com:8080/cb?code=a") << false;
}

void TestCallback::redirectMatcher()
{
    QFETCH(QString, redirect);
    QFETCH(QString, url);
    QFETCH(bool, matches);
    const RedirectMatcher matcher{QUrl(redirect)};
    QCOMPARE(matcher.matches(QUrl(url)), matches);
}

void TestCallback::defaultMatcherMatchesNothing()
{
    const RedirectMatcher matcher;
    QVERIFY(!matcher.matches(QUrl(QStringLiteral("com.example.explorer:/callback?code=a"))));
    QVERIFY(!matcher.matches(QUrl()));
    const RedirectMatcher relative{QUrl(QStringLiteral("/callback"))};
    QVERIFY(!relative.matches(QUrl(QStringLiteral("/callback?code=a"))));
}

void TestCallback::codeResponseInQuery()
{
    QString error;
    const auto params = CallbackParams::parse(
        QUrl(QStringLiteral("http://127.0.0.1:53682/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz&iss=https%3A%2F%2Fidp.example.com")),
        QStringLiteral("code"), &error);
    QVERIFY2(params, qPrintable(error));
    QCOMPARE(params->location, CallbackParams::Location::Query);
    QVERIFY(!params->misplaced);
    QVERIFY(!params->formPost);
    QVERIFY(!params->isError());
    QVERIFY(params->hasCode());
    QCOMPARE(params->code, QStringLiteral("SplxlOBeZQQYbYS6WxSbIA"));
    QVERIFY(params->hasState);
    QCOMPARE(params->state, QStringLiteral("xyz"));
    QVERIFY(params->hasIss);
    QCOMPARE(params->iss, QStringLiteral("https://idp.example.com"));
    QCOMPARE(params->all.size(), 3);
}

void TestCallback::errorResponseDecoded()
{
    QString error;
    const auto params = CallbackParams::parse(
        QUrl(QStringLiteral("http://127.0.0.1:53682/callback?error=access_denied&error_description=The+user+has+denied+your+"
                            "application+access.&error_uri=https%3A%2F%2Fdocs.example.com%2Foauth%2Ftroubleshooting%23"
                            "access-denied&state=c3RhdGUtMTIzNA%3D%3D")),
        QStringLiteral("code"), &error);
    QVERIFY2(params, qPrintable(error));
    QVERIFY(params->isError());
    QVERIFY(!params->hasCode());
    QCOMPARE(params->error, QStringLiteral("access_denied"));
    QCOMPARE(params->errorDescription, QStringLiteral("The user has denied your application access."));
    QCOMPARE(params->errorUri, QStringLiteral("https://docs.example.com/oauth/troubleshooting#access-denied"));
    QVERIFY(params->hasState);
    QCOMPARE(params->state, QStringLiteral("c3RhdGUtMTIzNA=="));
    QVERIFY(!params->hasIss);
}

void TestCallback::implicitResponseInFragment()
{
    QString error;
    const auto params = CallbackParams::parse(
        QUrl(QStringLiteral("https://explorer.example.com/cb#access_token=SlAV32hkKG&token_type=Bearer&expires_in=3600&state=af0ifjsldkj")),
        QStringLiteral("token"), &error);
    QVERIFY2(params, qPrintable(error));
    QCOMPARE(params->location, CallbackParams::Location::Fragment);
    QVERIFY(!params->misplaced);
    QCOMPARE(params->value(QStringLiteral("access_token")), QStringLiteral("SlAV32hkKG"));
    QCOMPARE(params->value(QStringLiteral("token_type")), QStringLiteral("Bearer"));
    QCOMPARE(params->value(QStringLiteral("expires_in")), QStringLiteral("3600"));
    QCOMPARE(params->value(QStringLiteral("missing")), QString());
    QCOMPARE(params->state, QStringLiteral("af0ifjsldkj"));
    QVERIFY(!params->hasCode());
}

void TestCallback::hybridResponseInFragment()
{
    QString error;
    const auto params = CallbackParams::parse(
        QUrl(QStringLiteral("https://explorer.example.com/cb#code=SplxlOBeZQQYbYS6WxSbIA&id_token=eyJhbGciOiJSUzI1NiJ9.e30.c2ln&state=af0ifjsldkj")),
        QStringLiteral("code id_token"), &error);
    QVERIFY2(params, qPrintable(error));
    QCOMPARE(params->location, CallbackParams::Location::Fragment);
    QCOMPARE(params->code, QStringLiteral("SplxlOBeZQQYbYS6WxSbIA"));
    QCOMPARE(params->value(QStringLiteral("id_token")), QStringLiteral("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"));
    QCOMPARE(params->state, QStringLiteral("af0ifjsldkj"));
}

void TestCallback::responseLocation_data()
{
    QTest::addColumn<QString>("responseType");
    QTest::addColumn<QString>("url");
    QTest::addColumn<CallbackParams::Location>("location");
    QTest::addColumn<bool>("misplaced");
    QTest::addColumn<QString>("state");

    using Location = CallbackParams::Location;
    QTest::newRow("code in query") << QStringLiteral("code") << QStringLiteral("com.example.explorer:/callback?code=a&state=s1")
                                   << Location::Query << false << QStringLiteral("s1");
    QTest::newRow("token in fragment") << QStringLiteral("token") << QStringLiteral("com.example.explorer:/callback#access_token=t&state=s2")
                                       << Location::Fragment << false << QStringLiteral("s2");
    QTest::newRow("id_token in fragment") << QStringLiteral("id_token") << QStringLiteral("com.example.explorer:/callback#id_token=t&state=s3")
                                          << Location::Fragment << false << QStringLiteral("s3");
    QTest::newRow("code id_token token in fragment")
        << QStringLiteral("code id_token token") << QStringLiteral("com.example.explorer:/callback#code=c&id_token=i&access_token=t&state=s4")
        << Location::Fragment << false << QStringLiteral("s4");
    QTest::newRow("code response misplaced in fragment")
        << QStringLiteral("code") << QStringLiteral("com.example.explorer:/callback#code=a&state=s5") << Location::Fragment << true
        << QStringLiteral("s5");
    QTest::newRow("token response misplaced in query")
        << QStringLiteral("token") << QStringLiteral("com.example.explorer:/callback?access_token=t&state=s6") << Location::Query << true
        << QStringLiteral("s6");
    QTest::newRow("error of implicit request in fragment")
        << QStringLiteral("id_token token") << QStringLiteral("com.example.explorer:/callback#error=login_required&state=s7")
        << Location::Fragment << false << QStringLiteral("s7");
    QTest::newRow("code flow ignores fragment noise")
        << QStringLiteral("code") << QStringLiteral("https://explorer.example.com/cb?code=a&state=s8#_=_") << Location::Query << false
        << QStringLiteral("s8");
    QTest::newRow("implicit flow ignores redirect's own query")
        << QStringLiteral("token") << QStringLiteral("https://explorer.example.com/cb?tenant=a#access_token=t&state=s9")
        << Location::Fragment << false << QStringLiteral("s9");
    QTest::newRow("code misplaced behind redirect's own query")
        << QStringLiteral("code") << QStringLiteral("https://explorer.example.com/cb?tenant=a#code=c&state=s10")
        << Location::Fragment << true << QStringLiteral("s10");
}

void TestCallback::responseLocation()
{
    QFETCH(QString, responseType);
    QFETCH(QString, url);
    QFETCH(CallbackParams::Location, location);
    QFETCH(bool, misplaced);
    QFETCH(QString, state);

    QString error;
    const auto params = CallbackParams::parse(QUrl(url), responseType, &error);
    QVERIFY2(params, qPrintable(error));
    QCOMPARE(params->location, location);
    QCOMPARE(params->misplaced, misplaced);
    QCOMPARE(params->state, state);
    QVERIFY(!params->value(QStringLiteral("state")).isEmpty());
    QCOMPARE(params->value(QStringLiteral("tenant")), QString());
}

void TestCallback::plusDiffersFromEncodedPlus()
{
    QString error;
    const auto params = CallbackParams::parse(QUrl(QStringLiteral("com.example.explorer:/callback?code=ab%2Bcd+ef%2F&state=s")),
                                              QStringLiteral("code"), &error);
    QVERIFY2(params, qPrintable(error));
    QCOMPARE(params->code, QStringLiteral("ab+cd ef/"));
}

void TestCallback::repeatedParameterRejected_data()
{
    QTest::addColumn<QString>("responseType");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("parameter");

    QTest::newRow("state twice") << QStringLiteral("code")
                                 << QStringLiteral("com.example.explorer:/callback?code=SECRET1&state=a&state=b") << QStringLiteral("state");
    QTest::newRow("code twice") << QStringLiteral("code")
                                << QStringLiteral("com.example.explorer:/callback?code=SECRET1&state=a&code=SECRET1") << QStringLiteral("code");
    QTest::newRow("access_token twice in fragment")
        << QStringLiteral("token") << QStringLiteral("com.example.explorer:/callback#access_token=SECRET1&access_token=SECRET2&state=a")
        << QStringLiteral("access_token");
    QTest::newRow("error three times") << QStringLiteral("code")
                                       << QStringLiteral("com.example.explorer:/callback?error=a&error=b&error=c&state=s") << QStringLiteral("error");
}

void TestCallback::repeatedParameterRejected()
{
    QFETCH(QString, responseType);
    QFETCH(QString, url);
    QFETCH(QString, parameter);

    QString error;
    QVERIFY(!CallbackParams::parse(QUrl(url), responseType, &error));
    QVERIFY2(error.contains(QLatin1Char('"') + parameter + QLatin1Char('"')), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("more than once")), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1String("SECRET")), "the message must not contain values");
}

void TestCallback::missingCodeLeftToCaller_data()
{
    QTest::addColumn<QString>("url");

    QTest::newRow("no code") << QStringLiteral("com.example.explorer:/callback?state=s");
    QTest::newRow("empty code") << QStringLiteral("com.example.explorer:/callback?code=&state=s");
    QTest::newRow("code without equals sign") << QStringLiteral("com.example.explorer:/callback?code&state=s");
}

void TestCallback::missingCodeLeftToCaller()
{
    QFETCH(QString, url);
    QString error;
    const auto params = CallbackParams::parse(QUrl(url), QStringLiteral("code"), &error);
    QVERIFY2(params, qPrintable(error));
    QVERIFY(!params->hasCode());
    QVERIFY(!params->isError());
    QCOMPARE(params->state, QStringLiteral("s"));
}

void TestCallback::malformedEncodingRejected()
{
    QString error;
    QVERIFY(!CallbackParams::parse(QUrl(QStringLiteral("com.example.explorer:/callback?code=a&state=%FF%FE")),
                                   QStringLiteral("code"), &error));
    QVERIFY2(error.contains(QLatin1String("\"state\"")), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("UTF-8")), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("query")), qPrintable(error));
}

void TestCallback::invalidUrlRejected()
{
    const QUrl broken = QUrl::fromEncoded("com.example.explorer:/callback?code=a%zz&state=s", QUrl::StrictMode);
    QVERIFY(!broken.isValid());
    QString error;
    QVERIFY(!CallbackParams::parse(broken, QStringLiteral("code"), &error));
    QVERIFY2(error.contains(QLatin1String("not a valid URL")), qPrintable(error));
}

void TestCallback::urlWithoutParameters()
{
    QString error;
    const auto params = CallbackParams::parse(QUrl(QStringLiteral("com.example.explorer:/callback")), QStringLiteral("code"), &error);
    QVERIFY2(params, qPrintable(error));
    QVERIFY(params->all.isEmpty());
    QVERIFY(!params->hasState);
    QVERIFY(!params->hasCode());
    QVERIFY(!params->isError());
}

void TestCallback::largeFragment()
{
    // An implicit response that fills the URL up to the size limit is read whole.
    const QString prefix = QStringLiteral("com.example.explorer:/callback#state=s&id_token=");
    const QString idToken(CallbackParams::maxEncodedBytes - prefix.size(), QLatin1Char('x'));
    const QUrl url(prefix + idToken);
    QCOMPARE(url.toEncoded().size(), CallbackParams::maxEncodedBytes);

    QString error;
    const auto params = CallbackParams::parse(url, QStringLiteral("id_token"), &error);
    QVERIFY2(params, qPrintable(error));
    QCOMPARE(params->value(QStringLiteral("id_token")).size(), idToken.size());
    QCOMPARE(params->state, QStringLiteral("s"));
}

void TestCallback::urlSizeLimit_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<QString>("responseType");
    QTest::addColumn<qsizetype>("extraBytes");

    const QString query = QStringLiteral("http://127.0.0.1:53123/callback?code=abc&state=xyz&padding=");
    const QString fragment = QStringLiteral("http://127.0.0.1:53123/callback#state=xyz&access_token=");
    QTest::newRow("query at the limit") << query << QStringLiteral("code") << qsizetype(0);
    QTest::newRow("query one byte over") << query << QStringLiteral("code") << qsizetype(1);
    QTest::newRow("fragment one byte over") << fragment << QStringLiteral("token") << qsizetype(1);
    QTest::newRow("fragment 1 MiB over") << fragment << QStringLiteral("token") << qsizetype(1024 * 1024);
}

void TestCallback::urlSizeLimit()
{
    QFETCH(QString, prefix);
    QFETCH(QString, responseType);
    QFETCH(qsizetype, extraBytes);

    QCOMPARE(CallbackParams::maxEncodedBytes, qsizetype(256 * 1024));
    const qsizetype size = CallbackParams::maxEncodedBytes + extraBytes;
    const QUrl url(prefix + QString(size - prefix.size(), QLatin1Char('x')));
    QCOMPARE(url.toEncoded().size(), size);

    QString error;
    const auto params = CallbackParams::parse(url, responseType, &error);
    if (extraBytes == 0) {
        QVERIFY2(params, qPrintable(error));
        QCOMPARE(params->state, QStringLiteral("xyz"));
        return;
    }
    QVERIFY(!params);
    const QString shownSize = QLocale::c().formattedDataSize(size, 1);
    QCOMPARE(error, QStringLiteral("The callback URL is %1 bytes (%2); the limit is 262144 bytes (256 KiB), so its "
                                   "parameters were not read.")
                        .arg(size)
                        .arg(shownSize));
}

void TestCallback::responseModeQueryWithTokenRejected()
{
    QString error;
    QVERIFY(!CallbackParams::parse(QUrl(QStringLiteral("com.example.explorer:/callback?access_token=t&state=s")),
                                   QStringLiteral("id_token token"), QStringLiteral("query"), &error));
    QVERIFY2(error.contains(QLatin1String("response_mode=query")), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("id_token token")), qPrintable(error));
}

void TestCallback::responseModeOverridesLocation()
{
    QString error;
    const auto fragment = CallbackParams::parse(QUrl(QStringLiteral("com.example.explorer:/callback#code=c&state=s")),
                                                QStringLiteral("code"), QStringLiteral("fragment"), &error);
    QVERIFY2(fragment, qPrintable(error));
    QCOMPARE(fragment->location, CallbackParams::Location::Fragment);
    QVERIFY(!fragment->misplaced);
    QCOMPARE(fragment->code, QStringLiteral("c"));

    const auto query = CallbackParams::parse(QUrl(QStringLiteral("com.example.explorer:/callback?code=c&state=s")),
                                             QStringLiteral("code"), QStringLiteral("query"), &error);
    QVERIFY2(query, qPrintable(error));
    QCOMPARE(query->location, CallbackParams::Location::Query);
    QVERIFY(!query->misplaced);
}

void TestCallback::responseModeFormPostRejectedForUrl()
{
    QString error;
    QVERIFY(!CallbackParams::parse(QUrl(QStringLiteral("https://explorer.example.com/apple/cb")),
                                   QStringLiteral("code id_token"), QStringLiteral("form_post"), &error));
    QVERIFY2(error.contains(QLatin1String("POST")), qPrintable(error));
}

void TestCallback::unknownResponseModeRejected()
{
    QString error;
    QVERIFY(!CallbackParams::parse(QUrl(QStringLiteral("com.example.explorer:/callback?response=eyJ")),
                                   QStringLiteral("code"), QStringLiteral("query.jwt"), &error));
    QVERIFY2(error.contains(QLatin1String("\"query.jwt\"")), qPrintable(error));
}

void TestCallback::formPostBody()
{
    const QByteArray body = "code=c1a2b3.0.abcd.EXAMPLE&id_token=eyJhbGciOiJSUzI1NiJ9.e30.c2ln&state=st-77&user=%7B%22name%22%3A%7B%22"
                            "firstName%22%3A%22Test%22%2C%22lastName%22%3A%22User%22%7D%2C%22email%22%3A%22test%40example.com%22%7D";
    QString error;
    const auto params = CallbackParams::parseFormPost(body, &error);
    QVERIFY2(params, qPrintable(error));
    QVERIFY(params->formPost);
    QCOMPARE(params->location, CallbackParams::Location::Query);
    QCOMPARE(params->code, QStringLiteral("c1a2b3.0.abcd.EXAMPLE"));
    QCOMPARE(params->state, QStringLiteral("st-77"));
    QCOMPARE(params->value(QStringLiteral("id_token")), QStringLiteral("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"));
    QCOMPARE(params->value(QStringLiteral("user")),
             QStringLiteral("{\"name\":{\"firstName\":\"Test\",\"lastName\":\"User\"},\"email\":\"test@example.com\"}"));
}

void TestCallback::formPostBodyRejectsRepeats()
{
    QString error;
    QVERIFY(!CallbackParams::parseFormPost("code=a&state=s&code=b", &error));
    QVERIFY2(error.contains(QLatin1String("\"code\"")), qPrintable(error));
}

void TestCallback::formPostBodySizeLimit()
{
    QByteArray body = "code=abc&state=xyz&padding=";
    body.append(QByteArray(CallbackParams::maxEncodedBytes - body.size(), 'x'));
    QCOMPARE(body.size(), CallbackParams::maxEncodedBytes);

    QString error;
    const auto params = CallbackParams::parseFormPost(body, &error);
    QVERIFY2(params, qPrintable(error));
    QCOMPARE(params->code, QStringLiteral("abc"));

    body.append('x');
    QVERIFY(!CallbackParams::parseFormPost(body, &error));
    QCOMPARE(error, QStringLiteral("The form body posted to the redirect URI is 262145 bytes (256.0 KiB); the limit "
                                   "is 262144 bytes (256 KiB), so its parameters were not read."));
}

void TestCallback::formPostBodyRejectsMalformed()
{
    QString error;
    QVERIFY(!CallbackParams::parseFormPost("code=a%4&state=s", &error));
    QVERIFY2(error.contains(QLatin1String("form body")), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("\"code\"")), qPrintable(error));
}

void TestCallback::stateAcceptedOnce()
{
    StateStore store;
    store.add("S1");
    QCOMPARE(store.consume(QStringLiteral("S1"), true), StateStore::Outcome::Accepted);
    QCOMPARE(store.consume(QStringLiteral("S1"), true), StateStore::Outcome::AlreadyUsed);
    QCOMPARE(store.consume(QStringLiteral("S1"), true), StateStore::Outcome::AlreadyUsed);
}

void TestCallback::stateNeverIssued()
{
    StateStore store;
    store.add("S1");
    QCOMPARE(store.consume(QStringLiteral("S9"), true), StateStore::Outcome::Unknown);
    QCOMPARE(store.consume(QStringLiteral("s1"), true), StateStore::Outcome::Unknown);
    QCOMPARE(store.consume(QStringLiteral("S1"), true), StateStore::Outcome::Accepted);
}

void TestCallback::stateMissing()
{
    StateStore store;
    store.add("S1");
    QCOMPARE(store.consume(QString(), false), StateStore::Outcome::Missing);
    QCOMPARE(store.consume(QString(), true), StateStore::Outcome::Missing);
    store.add(QByteArray());
    QCOMPARE(store.consume(QString(), true), StateStore::Outcome::Missing);
    QCOMPARE(store.consume(QStringLiteral("S1"), true), StateStore::Outcome::Accepted);
}

void TestCallback::statesOfSeveralAttempts()
{
    StateStore store;
    store.add("S1");
    store.add("S2");
    QCOMPARE(store.consume(QStringLiteral("S2"), true), StateStore::Outcome::Accepted);
    QCOMPARE(store.consume(QStringLiteral("S1"), true), StateStore::Outcome::Accepted);
    QCOMPARE(store.consume(QStringLiteral("S2"), true), StateStore::Outcome::AlreadyUsed);
}

void TestCallback::stateClearForgetsAttempts()
{
    StateStore store;
    store.add("S1");
    store.add("S2");
    QCOMPARE(store.consume(QStringLiteral("S1"), true), StateStore::Outcome::Accepted);
    store.clear();
    QCOMPARE(store.consume(QStringLiteral("S1"), true), StateStore::Outcome::Unknown);
    QCOMPARE(store.consume(QStringLiteral("S2"), true), StateStore::Outcome::Unknown);
}

void TestCallback::stateDescription_data()
{
    QTest::addColumn<StateStore::Outcome>("outcome");
    QTest::addColumn<QString>("situation");
    QTest::addColumn<bool>("offersRestart");

    QTest::newRow("accepted") << StateStore::Outcome::Accepted << QStringLiteral("matches") << false;
    QTest::newRow("missing") << StateStore::Outcome::Missing << QStringLiteral("has no state value") << true;
    QTest::newRow("already used") << StateStore::Outcome::AlreadyUsed << QStringLiteral("already finished") << true;
    QTest::newRow("unknown") << StateStore::Outcome::Unknown << QStringLiteral("never issued by this app") << true;
}

void TestCallback::stateDescription()
{
    QFETCH(StateStore::Outcome, outcome);
    QFETCH(QString, situation);
    QFETCH(bool, offersRestart);

    const QString text = StateStore::describe(outcome);
    QVERIFY2(text.contains(situation), qPrintable(text));
    QCOMPARE(text.contains(QLatin1String("Restart the login")), offersRestart);
    QVERIFY(text.endsWith(QLatin1Char('.')));
}

void TestCallback::stateDescriptionsDiffer()
{
    const QStringList texts{StateStore::describe(StateStore::Outcome::Accepted), StateStore::describe(StateStore::Outcome::Missing),
                            StateStore::describe(StateStore::Outcome::AlreadyUsed),
                            StateStore::describe(StateStore::Outcome::Unknown)};
    QCOMPARE(QSet<QString>(texts.cbegin(), texts.cend()).size(), 4);
}

void TestCallback::backButtonReplay()
{
    // One attempt, the same redirect delivered twice, then a second login from the provider's
    // page through the Back button, then a provider that drops state.
    StateStore store;
    store.add("S1");
    const QStringList callbacks{
        QStringLiteral("com.example.explorer:/callback?code=C1&state=S1"),
        QStringLiteral("com.example.explorer:/callback?code=C1&state=S1"),
        QStringLiteral("com.example.explorer:/callback?code=C2&state=S1"),
        QStringLiteral("com.example.explorer:/callback?code=C3"),
    };
    const QList<StateStore::Outcome> expected{StateStore::Outcome::Accepted, StateStore::Outcome::AlreadyUsed,
                                              StateStore::Outcome::AlreadyUsed, StateStore::Outcome::Missing};
    for (qsizetype i = 0; i < callbacks.size(); ++i) {
        QString error;
        const auto params = CallbackParams::parse(QUrl(callbacks.at(i)), QStringLiteral("code"), &error);
        QVERIFY2(params, qPrintable(error));
        QCOMPARE(store.consume(params->state, params->hasState), expected.at(i));
    }
}

QTEST_GUILESS_MAIN(TestCallback)
#include "tst_callback.moc"
