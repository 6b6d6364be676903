// The embedded browser's callback capture, in the real QWebEngineView: every way a provider
// can send the browser to the redirect URI (server 302, script navigation, form post followed
// by a redirect), for a custom-scheme and a loopback redirect URI, with the result in the
// query or the fragment. The redirect URI must be caught, never loaded, and reported once.

#include "flow/trace.h"
#include "browser/webengineuseragent.h"
#include "oidc/callback.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QSignalSpy>
#include <QTest>
#include <QWebEngineView>

using namespace afx;

class TestWebEngineAgent : public QObject {
    Q_OBJECT

    QHttpServer m_server;
    QHttpServer m_social; // a second host the browser passes through
    quint16 m_port = 0;
    quint16 m_socialPort = 0;
    int m_loopbackHits = 0;

    QString base() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    QString loopbackCallback() const { return base() + QStringLiteral("/callback"); }

    static QHttpServerResponse redirectTo(const QString &location)
    {
        QHttpServerResponse response(QHttpServerResponse::StatusCode::Found);
        response.addHeader("Location", location.toUtf8());
        return response;
    }

    static QHttpServerResponse html(const QString &body)
    {
        return QHttpServerResponse("text/html; charset=utf-8", body.toUtf8());
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_port = m_server.listen(QHostAddress::LocalHost, 0);
        m_socialPort = m_social.listen(QHostAddress::LocalHost, 0);
        QVERIFY(m_port && m_socialPort);

        // /start?to=<target>&via=302|script|form sends the browser to <target> the chosen way.
        m_server.route(QStringLiteral("/start"), [](const QHttpServerRequest &request) {
            const QUrlQuery query(request.url());
            const QString target = query.queryItemValue(QStringLiteral("to"), QUrl::FullyDecoded);
            const QString via = query.queryItemValue(QStringLiteral("via"));
            if (via == QLatin1String("302"))
                return redirectTo(target);
            if (via == QLatin1String("script"))
                return html(QStringLiteral("<p>Signing you in...</p><script>location.href = %1;</script>")
                                .arg(QStringLiteral("'") + target + QStringLiteral("'")));
            return html(QStringLiteral("<form id='f' method='post' action='/post?to=%1'><input name='user' value='u'></form>"
                                       "<script>document.getElementById('f').submit();</script>")
                            .arg(QString::fromLatin1(QUrl::toPercentEncoding(target))));
        });
        m_server.route(QStringLiteral("/post"), QHttpServerRequest::Method::Post, [](const QHttpServerRequest &request) {
            return redirectTo(QUrlQuery(request.url()).queryItemValue(QStringLiteral("to"), QUrl::FullyDecoded));
        });
        m_server.route(QStringLiteral("/callback"), [this] {
            ++m_loopbackHits;
            return html(QStringLiteral("<p>The redirect URI was loaded: the capture failed.</p>"));
        });
        // A look-alike of the callback that shares its prefix; it then goes on to the real one.
        m_server.route(QStringLiteral("/callback-extra"), [this] {
            return html(QStringLiteral("<script>location.href = '%1?code=final-code&state=s1';</script>").arg(loopbackCallback()));
        });
        // The second host: a social login that carries its own code= and redirects back.
        m_social.route(QStringLiteral("/social"), [this] {
            return redirectTo(base() + QStringLiteral("/callback-extra?code=upstream-code&state=upstream"));
        });
    }

    void init() { m_loopbackHits = 0; }

    void callbackCaughtWithoutLoading_data()
    {
        QTest::addColumn<QString>("redirectUri");
        QTest::addColumn<QString>("via");
        QTest::addColumn<QString>("suffix");
        const QString custom = QStringLiteral("com.example.explorer:/callback");
        for (const QString &via : {QStringLiteral("302"), QStringLiteral("script"), QStringLiteral("form")}) {
            for (const QString &suffix : {QStringLiteral("?code=abc%2B1&state=s1"), QStringLiteral("#code=abc&state=s1")}) {
                const QString where = suffix.startsWith(QLatin1Char('#')) ? QStringLiteral("fragment") : QStringLiteral("query");
                QTest::addRow("custom scheme, %s, %s", qPrintable(via), qPrintable(where)) << custom << via << suffix;
                QTest::addRow("loopback, %s, %s", qPrintable(via), qPrintable(where)) << QString() << via << suffix;
            }
        }
    }

    void callbackCaughtWithoutLoading()
    {
        QFETCH(QString, redirectUri);
        QFETCH(QString, via);
        QFETCH(QString, suffix);
        if (redirectUri.isEmpty())
            redirectUri = loopbackCallback();

        QWebEngineView view;
        view.resize(800, 600);
        view.show();
        Trace trace;
        browser::WebEngineUserAgent agent(&view);
        agent.setTrace(&trace);
        agent.setProviderUrl(QUrl(base()));
        QSignalSpy caught(&agent, &UserAgent::callbackReceived);
        QSignalSpy failed(&agent, &UserAgent::failed);

        QUrl start(base() + QStringLiteral("/start"));
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("to"), QString::fromLatin1(QUrl::toPercentEncoding(redirectUri + suffix)));
        query.addQueryItem(QStringLiteral("via"), via);
        start.setQuery(query);
        agent.startAuthorization(start, oidc::RedirectMatcher(QUrl(redirectUri)));

        QTRY_COMPARE_WITH_TIMEOUT(caught.count(), 1, 20000);
        const QUrl url = caught.first().first().toUrl();
        QVERIFY2(url.toString().startsWith(redirectUri), qPrintable(url.toString()));
        if (suffix.startsWith(QLatin1Char('#')))
            QCOMPARE(url.fragment(QUrl::FullyEncoded), suffix.mid(1));
        else
            QCOMPARE(url.query(QUrl::FullyEncoded), suffix.mid(1));
        QTest::qWait(300);
        QCOMPARE(caught.count(), 1);
        QCOMPARE(failed.count(), 0);
        QCOMPARE(m_loopbackHits, 0);
        QVERIFY(!view.url().toString().startsWith(redirectUri));
        // Every hop before the callback has its outcome on the diagram.
        for (const TraceStep &step : trace.steps())
            QVERIFY2(step.result != StepResult::Pending, qPrintable(step.title));
    }

    void intermediateHostsAreNotTheCallback()
    {
        // Provider -> social host (its URL has code=) -> a page whose path only starts like the
        // callback -> the callback. Only the last one is the callback.
        QWebEngineView view;
        view.resize(800, 600);
        view.show();
        Trace trace;
        browser::WebEngineUserAgent agent(&view);
        agent.setTrace(&trace);
        agent.setProviderUrl(QUrl(base()));
        QSignalSpy caught(&agent, &UserAgent::callbackReceived);

        const QString social = QStringLiteral("http://localhost:%1/social?code=not-this-one").arg(m_socialPort);
        QUrl start(base() + QStringLiteral("/start"));
        start.setQuery(QStringLiteral("via=302&to=") + QString::fromLatin1(QUrl::toPercentEncoding(social)));
        agent.startAuthorization(start, oidc::RedirectMatcher(QUrl(loopbackCallback())));

        QTRY_COMPARE_WITH_TIMEOUT(caught.count(), 1, 20000);
        QCOMPARE(QUrlQuery(caught.first().first().toUrl()).queryItemValue(QStringLiteral("code")), QStringLiteral("final-code"));
        QCOMPARE(m_loopbackHits, 0);
        // The social host got a lifeline of its own on the diagram.
        QVERIFY2(trace.lifelines().contains(QStringLiteral("host:localhost")), qPrintable(trace.lifelines().join(QLatin1Char(','))));
        int hops = 0;
        for (const TraceStep &step : trace.steps())
            hops += step.from == Trace::Browser ? 1 : 0;
        QVERIFY2(hops >= 3, qPrintable(QString::number(hops)));
        // A server redirect and a page that navigates by script are recorded differently.
        for (const TraceStep &step : trace.steps()) {
            if (step.title.startsWith(QLatin1String("GET /social")))
                QVERIFY2(step.title.contains(QLatin1String("3xx")), qPrintable(step.title));
            if (step.title.startsWith(QLatin1String("GET /callback-extra")))
                QVERIFY2(!step.title.contains(QLatin1String("3xx")), qPrintable(step.title));
        }
    }

    void otherCustomSchemeIsReportedNotOpened()
    {
        QWebEngineView view;
        view.show();
        Trace trace;
        browser::WebEngineUserAgent agent(&view);
        agent.setTrace(&trace);
        QSignalSpy caught(&agent, &UserAgent::callbackReceived);
        QSignalSpy failed(&agent, &UserAgent::failed);
        QUrl start(base() + QStringLiteral("/start"));
        start.setQuery(QStringLiteral("via=302&to=") + QString::fromLatin1(QUrl::toPercentEncoding(QStringLiteral("com.other.app:/cb?code=x"))));
        agent.startAuthorization(start, oidc::RedirectMatcher(QUrl(QStringLiteral("com.example.explorer:/callback"))));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
        QVERIFY2(failed.first().first().toString().contains(QLatin1String("com.other.app:/cb")), qPrintable(failed.first().first().toString()));
        QCOMPARE(caught.count(), 0);
    }

    void refusalPageIsRecognised()
    {
        QWebEngineView view;
        view.show();
        Trace trace;
        browser::WebEngineUserAgent agent(&view);
        agent.setTrace(&trace);
        agent.setProviderUrl(QUrl(base()));
        QSignalSpy refused(&agent, &UserAgent::embeddedBrowserRefused);
        QSignalSpy failed(&agent, &UserAgent::failed);
        // The wording of Google's page, served with status 200 as Google does.
        m_server.route(QStringLiteral("/signin/rejected"), [] {
            return html(QStringLiteral("<h1>Couldn't sign you in</h1><p>This browser or app may not be secure.</p>"
                                       "<p>Error 403: disallowed_useragent</p>"));
        });
        agent.startAuthorization(QUrl(base() + QStringLiteral("/signin/rejected")),
                                 oidc::RedirectMatcher(QUrl(QStringLiteral("com.example.explorer:/callback"))));
        QTRY_COMPARE_WITH_TIMEOUT(refused.count(), 1, 20000);
        const QString message = refused.first().first().toString();
        QVERIFY2(message.contains(QLatin1String("/signin/rejected")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("system browser")), qPrintable(message));
        QCOMPARE(failed.count(), 0);
    }

    void ordinaryPageIsNotARefusal()
    {
        QWebEngineView view;
        view.show();
        Trace trace;
        browser::WebEngineUserAgent agent(&view);
        agent.setTrace(&trace);
        QSignalSpy refused(&agent, &UserAgent::embeddedBrowserRefused);
        m_server.route(QStringLiteral("/login-page"), [] { return html(QStringLiteral("<form><input name='email'></form>")); });
        QSignalSpy loaded(&view, &QWebEngineView::loadFinished);
        agent.startAuthorization(QUrl(base() + QStringLiteral("/login-page")),
                                 oidc::RedirectMatcher(QUrl(QStringLiteral("com.example.explorer:/callback"))));
        QVERIFY(loaded.wait(20000));
        QTest::qWait(500);
        QCOMPARE(refused.count(), 0);
    }

    void errorPageIsReported()
    {
        QWebEngineView view;
        view.show();
        Trace trace;
        browser::WebEngineUserAgent agent(&view);
        agent.setTrace(&trace);
        agent.setProviderUrl(QUrl(base()));
        QSignalSpy failed(&agent, &UserAgent::failed);
        m_server.route(QStringLiteral("/broken-authorize"), [] {
            return QHttpServerResponse("text/html", QByteArrayLiteral("<h1>redirect_uri mismatch</h1>"), QHttpServerResponse::StatusCode::BadRequest);
        });
        agent.startAuthorization(QUrl(base() + QStringLiteral("/broken-authorize")),
                                 oidc::RedirectMatcher(QUrl(QStringLiteral("com.example.explorer:/callback"))));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
        const QString message = failed.first().first().toString();
        QVERIFY2(message.contains(QLatin1String("400")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("/broken-authorize")), qPrintable(message));
        bool failedStep = false;
        for (const TraceStep &step : trace.steps())
            failedStep |= step.result == StepResult::Failed && step.response.status == 400;
        QVERIFY(failedStep);
    }
};

QTEST_MAIN(TestWebEngineAgent)
#include "tst_webengineagent.moc"
