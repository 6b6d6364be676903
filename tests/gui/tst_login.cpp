// End-to-end runs of the real window. The embedded WebEngine browser shows the provider's
// login page and the test types into it like a user. The callback is caught, and the tokens
// are validated and written to the keychain (gnome-keyring in the private D-Bus session that
// scripts/lib/test-session starts), and a GraphQL query returns the user's data. Runs against
// the built-in sandbox and against oidc-provider from tests/interop.

#include "browserscript.h"
#include "httpformagent.h"
#include "flow/trace.h"
#include "gui/mainwindow.h"
#include "gui/diagramwidget.h"
#include "gui/messagebanner.h"
#include "gui/qrcodewidget.h"
#include "gui/queryeditor.h"
#include "sandbox/sandboxserver.h"
#include "storage/profile.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QPushButton>
#include <QTabWidget>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace afx;
using namespace afx::gui;
using afx::test::evaluate;
using afx::test::typeAndSubmit;
using afx::test::waitForElement;

namespace {

quint16 freePort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

void saveScreenshot(QWidget *window, const QString &name)
{
    const QString dir = qEnvironmentVariable("AFX_SCREENSHOT_DIR", QStringLiteral(AFX_BINARY_DIR "/screenshots"));
    QDir().mkpath(dir);
    QVERIFY(window->grab().save(dir + QLatin1Char('/') + name));
}

// The first cookie line that starts with `prefix` on any step, or an empty string.
QString findCookie(const Trace *trace, const QString &prefix)
{
    for (const TraceStep &step : trace->steps()) {
        for (const QString &line : step.cookies) {
            if (line.startsWith(prefix))
                return line;
        }
    }
    return {};
}

int countSteps(const Trace *trace, const QString &key, StepResult result)
{
    int count = 0;
    for (const TraceStep &step : trace->steps())
        if (step.explanationKey == key && step.result == result)
            ++count;
    return count;
}

} // namespace

// Stands in for the user's default browser: QDesktopServices hands it the URLs the app opens,
// and it signs in over plain HTTP, then really requests the loopback redirect URI.
class FakeSystemBrowser : public QObject {
    Q_OBJECT
public:
    FakeSystemBrowser()
    {
        agent.fieldValues.insert(QStringLiteral("email"), sandbox::SandboxServer::demoEmail());
        agent.fieldValues.insert(QStringLiteral("password"), sandbox::SandboxServer::demoPassword());
    }
    test::HttpFormAgent agent;
    QList<QUrl> opened;

public Q_SLOTS:
    void openUrl(const QUrl &url)
    {
        opened << url;
        agent.startAuthorization(url, oidc::RedirectMatcher());
    }
};

class TestLogin : public QObject {
    Q_OBJECT

    QTemporaryDir m_profiles;
    quint16 m_sandboxPort = 0;

    MainWindowOptions options() const
    {
        MainWindowOptions options;
        options.profilesDirectory = m_profiles.path();
        options.historyDirectory = m_profiles.filePath(QStringLiteral("history")); // never the user's data folder
        options.sandboxPort = m_sandboxPort;
        options.animationMs = 60;
        return options;
    }

    // Shows a window, starts it and waits until it has probed the keychain.
    std::unique_ptr<MainWindow> openWindow()
    {
        auto window = std::make_unique<MainWindow>(options());
        window->show();
        window->activateWindow();
        if (!QTest::qWaitForWindowActive(window.get()))
            qWarning("The window did not become active; keyboard shortcuts may not reach it");
        window->initialize();
        if (!QTest::qWaitFor([&] { return window->isReady(); }, 15000))
            qWarning("The window did not become ready within 15 s");
        return window;
    }

    void sendQuery(MainWindow *window, const QString &query, const QByteArray &expected)
    {
        QueryEditor *editor = window->queryEditor();
        // As a user would: open the Query tab, type, press Ctrl+Enter.
        auto *tabs = window->findChild<QTabWidget *>(QStringLiteral("tabs"));
        QVERIFY(tabs);
        tabs->setCurrentWidget(editor->parentWidget()); // the tab page that contains the editor
        auto *queryText = editor->findChild<QPlainTextEdit *>(QStringLiteral("query"));
        QVERIFY(queryText);
        queryText->setPlainText(query);
        QSignalSpy finished(editor, &QueryEditor::requestFinished);
        // Ctrl+Enter is covered by tst_queryeditor; here the user presses the Send button.
        auto *send = editor->findChild<QPushButton *>(QStringLiteral("send"));
        QVERIFY(send);
        QTRY_VERIFY(send->isEnabled());
        QTest::mouseClick(send, Qt::LeftButton);
        const bool answered = finished.wait(15000);
        auto *message = editor->findChild<QLabel *>(QStringLiteral("message"));
        QVERIFY2(answered, qPrintable(message ? message->text() : QStringLiteral("(no message label)")));
        QCOMPARE(finished.first().first().toInt(), 200);
        auto *response = editor->findChild<QPlainTextEdit *>(QStringLiteral("response"));
        QVERIFY(response);
        QVERIFY2(response->toPlainText().toUtf8().contains(expected), qPrintable(response->toPlainText()));
        QTRY_COMPARE(countSteps(window->trace(), QStringLiteral("api-request"), StepResult::Ok), 1);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_profiles.isValid());
        m_sandboxPort = freePort();
        qRegisterMetaType<FlowResult>();
    }

    void sandboxLoginQueryAndRestart()
    {
        {
            auto window = openWindow();
            QVERIFY2(window->tokenStore() && window->tokenStore()->isPersistent(),
                     "the keychain must be available in the test session");
            QCOMPARE(window->currentProfile().id, QStringLiteral("local-sandbox"));

            QSignalSpy finished(window.get(), &MainWindow::loginFinished);
            QSignalSpy saved(window.get(), &MainWindow::tokensSaved);
            window->login();
            QVERIFY(window->browser());
            QVERIFY2(waitForElement(window->browser(), QStringLiteral("#email")), "the sandbox login page did not appear");
            saveScreenshot(window.get(), QStringLiteral("sandbox-login-page.png"));
            typeAndSubmit(window->browser(), sandbox::SandboxServer::demoEmail(), sandbox::SandboxServer::demoPassword(),
                          QStringLiteral("#login"));
            QVERIFY(finished.wait(30000));
            QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
            QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 10000);
            QVERIFY(saved.first().first().toBool());

            const Trace *trace = window->trace();
            QVERIFY(countSteps(trace, QStringLiteral("login-page"), StepResult::Ok) >= 1);
            QCOMPARE(countSteps(trace, QStringLiteral("callback"), StepResult::Ok), 1);
            QCOMPARE(countSteps(trace, QStringLiteral("token-request"), StepResult::Ok), 1);
            QCOMPARE(countSteps(trace, QStringLiteral("check-signature"), StepResult::Ok), 1);
            QCOMPARE(countSteps(trace, QStringLiteral("token-store"), StepResult::Ok), 1);
            for (const TraceStep &step : trace->steps())
                QVERIFY2(step.result != StepResult::Pending, qPrintable(step.title + QStringLiteral(" is still pending")));
            // The redirect URI is a custom scheme: the browser never tried to load it.
            QVERIFY(!window->browser()->url().toString().startsWith(QLatin1String("com.example.explorer:")));

            sendQuery(window.get(), QStringLiteral("{ me { sub email } todos { id title done } }"), "demo@example.com");
            bool backendChecked = false;
            for (const TraceStep &step : trace->steps())
                backendChecked |= step.from == Trace::Backend && step.result == StepResult::Ok;
            QVERIFY2(backendChecked, "the sandbox backend's own checks must appear on the diagram");
            QTRY_COMPARE_WITH_TIMEOUT(window->diagram()->shownStepCount(), trace->count(), 15000);
            saveScreenshot(window.get(), QStringLiteral("sandbox-finished.png"));
        }

        // A new window finds the tokens in the keychain without a login.
        auto restarted = openWindow();
        QTRY_VERIFY_WITH_TIMEOUT(!restarted->tokens().idToken.isEmpty(), 10000);
        QCOMPARE(countSteps(restarted->trace(), QStringLiteral("token-restore"), StepResult::Ok), 1);
        // The sandbox signs with the same key as before, so the restored tokens still work.
        sendQuery(restarted.get(), QStringLiteral("{ me { email } }"), "demo@example.com");
    }

    void failedLoginKeepsStoredTokens()
    {
        auto window = openWindow();
        QTRY_VERIFY_WITH_TIMEOUT(!window->tokens().idToken.isEmpty(), 10000);
        const QString before = window->tokens().idToken;

        QSignalSpy finished(window.get(), &MainWindow::loginFinished);
        window->login();
        QVERIFY(waitForElement(window->browser(), QStringLiteral("#cancel")));
        evaluate(window->browser(), QStringLiteral("document.querySelector('#cancel').click(); true"));
        QVERIFY(finished.wait(30000));
        QVERIFY(!finished.first().at(0).toBool());
        QVERIFY2(window->banner()->text().contains(QLatin1String("access_denied")), qPrintable(window->banner()->text()));
        QCOMPARE(countSteps(window->trace(), QStringLiteral("token-request"), StepResult::Ok)
                     + countSteps(window->trace(), QStringLiteral("token-request"), StepResult::Failed),
                 0);
        saveScreenshot(window.get(), QStringLiteral("sandbox-cancelled.png"));
        window.reset(); // frees the sandbox port for the next window

        auto reopened = openWindow();
        QTRY_VERIFY_WITH_TIMEOUT(!reopened->tokens().idToken.isEmpty(), 10000);
        QCOMPARE(reopened->tokens().idToken, before);
    }

    void refreshManualAutomaticAndRejected()
    {
        // A new window's sandbox does not know the refresh tokens of an earlier run, so log in.
        auto window = openWindow();
        QSignalSpy loggedIn(window.get(), &MainWindow::loginFinished);
        window->login();
        QVERIFY2(waitForElement(window->browser(), QStringLiteral("#email")), "the sandbox login page did not appear");
        typeAndSubmit(window->browser(), sandbox::SandboxServer::demoEmail(), sandbox::SandboxServer::demoPassword(),
                      QStringLiteral("#login"));
        QVERIFY(loggedIn.wait(30000));
        QVERIFY2(loggedIn.first().at(0).toBool(), qPrintable(loggedIn.first().at(1).toString()));
        QVERIFY(!window->tokens().refreshToken.isEmpty());
        const TokenSet restored = window->tokens();
        QTRY_COMPARE_WITH_TIMEOUT(countSteps(window->trace(), QStringLiteral("token-store"), StepResult::Ok), 1, 10000);
        QSignalSpy flows(window.get(), &MainWindow::flowFinished);

        // Run > Refresh tokens: the refresh token rotates and the new set is saved.
        auto *refresh = window->findChild<QAction *>(QStringLiteral("refreshAction"));
        QVERIFY(refresh);
        refresh->trigger();
        QVERIFY(flows.wait(20000));
        QCOMPARE(flows.first().at(0).value<FlowKind>(), FlowKind::Refresh);
        QVERIFY2(flows.first().at(1).toBool(), qPrintable(flows.first().at(2).toString()));
        QVERIFY(window->tokens().refreshToken != restored.refreshToken);
        QVERIFY(window->tokens().accessToken != restored.accessToken);
        QCOMPARE(countSteps(window->trace(), QStringLiteral("refresh-request"), StepResult::Ok), 1);
        QTRY_COMPARE_WITH_TIMEOUT(countSteps(window->trace(), QStringLiteral("token-store"), StepResult::Ok), 2, 10000);

        // An expired access token is refreshed before the query is sent.
        QueryEditor *editor = window->queryEditor();
        TokenSet expired = window->tokens();
        expired.expiresAt = QDateTime::currentDateTimeUtc().addSecs(-60);
        editor->setTokens(expired);
        editor->setCredential(QueryEditor::Credential::AccessToken);
        editor->findChild<QPlainTextEdit *>(QStringLiteral("query"))->setPlainText(QStringLiteral("{ me { email } }"));
        QSignalSpy answered(editor, &QueryEditor::requestFinished);
        editor->send();
        QVERIFY(answered.wait(20000));
        QCOMPARE(answered.first().first().toInt(), 200);
        QCOMPARE(countSteps(window->trace(), QStringLiteral("refresh-request"), StepResult::Ok), 2);
        int lastRefresh = -1;
        int lastRequest = -1;
        for (const TraceStep &step : window->trace()->steps()) {
            if (step.explanationKey == QLatin1String("refresh-request"))
                lastRefresh = step.index;
            if (step.explanationKey == QLatin1String("api-request"))
                lastRequest = step.index;
        }
        QVERIFY2(lastRefresh >= 0 && lastRefresh < lastRequest, "the refresh must come before the query on the diagram");

        // Run > Call UserInfo with the refreshed access token.
        flows.clear();
        auto *userInfo = window->findChild<QAction *>(QStringLiteral("userInfoAction"));
        QVERIFY(userInfo);
        userInfo->trigger();
        QVERIFY(flows.wait(20000));
        QCOMPARE(flows.first().at(0).value<FlowKind>(), FlowKind::UserInfo);
        QVERIFY2(flows.first().at(1).toBool(), qPrintable(flows.first().at(2).toString()));
        QVERIFY2(window->banner()->text().contains(QLatin1String("email")), qPrintable(window->banner()->text()));
        QCOMPARE(countSteps(window->trace(), QStringLiteral("check-userinfo-subject"), StepResult::Ok), 1);

        // A refresh token past its lifetime: invalid_grant, and the banner offers a new login.
        window->sandboxServer()->advanceClock(60 * 24 * 3600);
        flows.clear();
        refresh->trigger();
        QVERIFY(flows.wait(20000));
        QVERIFY(!flows.first().at(1).toBool());
        QVERIFY2(window->banner()->text().contains(QLatin1String("invalid_grant")), qPrintable(window->banner()->text()));
        auto *action = window->banner()->findChild<QPushButton *>(QStringLiteral("messageAction"));
        QVERIFY(action);
        QCOMPARE(action->text(), QStringLiteral("Log in again"));
        QVERIFY(!window->tokens().refreshToken.isEmpty()); // nothing stored was dropped
        saveScreenshot(window.get(), QStringLiteral("sandbox-refresh-rejected.png"));

        // The sandbox's client is public, so the client credentials grant is refused up front.
        window->requestClientToken();
        QVERIFY2(window->banner()->text().contains(QLatin1String("confidential client")), qPrintable(window->banner()->text()));
    }

    void systemBrowserLogin()
    {
        FakeSystemBrowser systemBrowser;
        QDesktopServices::setUrlHandler(QStringLiteral("http"), &systemBrowser, "openUrl");
        auto window = openWindow();
        QSignalSpy finished(window.get(), &MainWindow::loginFinished);
        window->switchToSystemBrowser(); // what the banner's "Use the system browser" does
        QVERIFY(finished.wait(30000));
        QDesktopServices::unsetUrlHandler(QStringLiteral("http"));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QCOMPARE(systemBrowser.opened.size(), 1);
        QCOMPARE(window->currentProfile().browser, BrowserKind::System);
        QCOMPARE(countSteps(window->trace(), QStringLiteral("loopback-listener"), StepResult::Ok), 1);
        QCOMPARE(countSteps(window->trace(), QStringLiteral("system-browser"), StepResult::Ok), 1);
        QCOMPARE(countSteps(window->trace(), QStringLiteral("callback"), StepResult::Ok), 1);
        // The embedded browser was never needed, so Qt WebEngine was not even loaded.
        QVERIFY(!window->browser());
        saveScreenshot(window.get(), QStringLiteral("sandbox-system-browser.png"));
    }

    void singleSignOnKeptSessionAndLogout()
    {
        const QString cookiePrefix = QStringLiteral("sandbox_session=");
        {
            auto window = openWindow();
            auto *keep = window->findChild<QAction *>(QStringLiteral("keepSessionAction"));
            QVERIFY(keep);
            QVERIFY(!keep->isChecked());
            keep->trigger();
            QVERIFY(window->currentProfile().keepBrowserSession);

            QSignalSpy finished(window.get(), &MainWindow::loginFinished);
            window->login();
            QVERIFY2(waitForElement(window->browser(), QStringLiteral("#email")), "the sandbox login page did not appear");
            typeAndSubmit(window->browser(), sandbox::SandboxServer::demoEmail(), sandbox::SandboxServer::demoPassword(),
                          QStringLiteral("#login"));
            QVERIFY(finished.wait(30000));
            QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
            QCOMPARE(countSteps(window->trace(), QStringLiteral("sso-skip"), StepResult::Skipped), 0);

            // The provider's session cookie is listed on the step that set it, and masked.
            QTRY_VERIFY_WITH_TIMEOUT(!findCookie(window->trace(), cookiePrefix).isEmpty(), 10000);
            const QString line = findCookie(window->trace(), cookiePrefix);
            const QString value = line.section(QLatin1Char(';'), 0, 0).mid(cookiePrefix.size());
            QVERIFY(value.size() >= 16);
            QVERIFY(line.contains(QLatin1String("HttpOnly")));
            QVERIFY2(!window->trace()->mask(line).contains(value), qPrintable(window->trace()->mask(line)));

            // A second login shows no login page: the diagram draws it as single sign-on.
            finished.clear();
            window->login();
            QVERIFY(finished.wait(30000));
            QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
            QCOMPARE(countSteps(window->trace(), QStringLiteral("sso-skip"), StepResult::Skipped), 1);
            QCOMPARE(countSteps(window->trace(), QStringLiteral("credential-post"), StepResult::Ok), 0);
            QVERIFY(!findCookie(window->trace(), cookiePrefix).isEmpty()); // sent with the authorization request
            QTRY_COMPARE_WITH_TIMEOUT(window->diagram()->shownStepCount(), window->trace()->count(), 15000);
            saveScreenshot(window.get(), QStringLiteral("sandbox-single-sign-on.png"));
        }

        // A new window, as after a restart of the app: the kept cookie signs the user in again.
        auto window = openWindow();
        auto *keep = window->findChild<QAction *>(QStringLiteral("keepSessionAction"));
        QVERIFY(keep->isChecked());
        QSignalSpy finished(window.get(), &MainWindow::loginFinished);
        window->login();
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QCOMPARE(countSteps(window->trace(), QStringLiteral("sso-skip"), StepResult::Skipped), 1);
        const QString folder = MainWindow::browserSessionFolder(window->currentProfile());
        QVERIFY2(QDir(folder).exists(), qPrintable(folder));

        // Run > Log out of the provider ends the session, so the next login shows the page again.
        QSignalSpy flows(window.get(), &MainWindow::flowFinished);
        window->logoutOfProvider();
        QVERIFY(flows.wait(30000));
        QCOMPARE(flows.first().at(0).value<FlowKind>(), FlowKind::Logout);
        QVERIFY2(flows.first().at(1).toBool(), qPrintable(flows.first().at(2).toString()));
        finished.clear();
        window->login();
        QVERIFY2(waitForElement(window->browser(), QStringLiteral("#email")), "the login page must return after the logout");
        QVERIFY(findCookie(window->trace(), cookiePrefix).isEmpty());
        typeAndSubmit(window->browser(), sandbox::SandboxServer::demoEmail(), sandbox::SandboxServer::demoPassword(),
                      QStringLiteral("#login"));
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));

        // Switching the choice off deletes the kept cookies at once: the next login shows the login
        // page again.
        keep->trigger();
        QVERIFY(!window->currentProfile().keepBrowserSession);
        finished.clear();
        window->login();
        QVERIFY2(waitForElement(window->browser(), QStringLiteral("#email")), "the login page must return once the session is not kept");
        window->cancelLogin();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY(!finished.first().at(0).toBool());
    }

    void socialSignOnThroughSecondProvider()
    {
        auto window = openWindow();
        QSignalSpy finished(window.get(), &MainWindow::loginFinished);
        window->login();
        QVERIFY2(waitForElement(window->browser(), QStringLiteral("#social")), "the sandbox login page has no social button");
        evaluate(window->browser(), QStringLiteral("document.querySelector('#social').click(); true"));

        // Example Social's own login page, on its own issuer.
        const QString socialIssuer = window->sandboxServer()->socialIssuer();
        QTRY_VERIFY_WITH_TIMEOUT(window->browser()->url().toString().startsWith(socialIssuer), 15000);
        QVERIFY(waitForElement(window->browser(), QStringLiteral("#email")));
        saveScreenshot(window.get(), QStringLiteral("sandbox-social-login-page.png"));
        typeAndSubmit(window->browser(), sandbox::SandboxServer::socialDemoEmail(), sandbox::SandboxServer::socialDemoPassword(),
                      QStringLiteral("#login"));
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));

        // The second provider has its own lifeline, with the browser's hops to it and the
        // sandbox's back-channel code exchange.
        const Trace *trace = window->trace();
        QString social;
        for (const QString &lifeline : trace->lifelines()) {
            if (trace->lifelineLabel(lifeline) == QLatin1String("Example Social"))
                social = lifeline;
        }
        QVERIFY2(!social.isEmpty(), qPrintable(trace->lifelines().join(QLatin1Char(' '))));
        int browserToSocial = 0;
        bool upstreamCallback = false;
        for (const TraceStep &step : trace->steps()) {
            browserToSocial += step.from == Trace::Browser && step.to == social;
            upstreamCallback |= step.from == Trace::Browser && step.to == Trace::Provider
                && QUrl(step.request.url).path() == QLatin1String("/social/callback");
        }
        QVERIFY2(browserToSocial >= 2, "the social authorize request and its login form");
        QVERIFY2(upstreamCallback, "the social provider's callback to the sandbox");
        QCOMPARE(countSteps(trace, QStringLiteral("social-token-exchange"), StepResult::Ok), 1);
        QCOMPARE(countSteps(trace, QStringLiteral("social-id-token-check"), StepResult::Ok), 1);
        QCOMPARE(countSteps(trace, QStringLiteral("callback"), StepResult::Ok), 1);
        QCOMPARE(countSteps(trace, QStringLiteral("token-request"), StepResult::Ok), 1);
        for (const TraceStep &step : trace->steps()) {
            if (step.explanationKey == QLatin1String("social-token-exchange")) {
                QCOMPARE(step.from, Trace::Provider);
                QCOMPARE(step.to, social);
            }
        }

        // The app gets the sandbox's own ID token, for the user Example Social vouched for.
        const QByteArray payload = window->tokens().idToken.section(QLatin1Char('.'), 1, 1).toLatin1();
        const QJsonObject claims = QJsonDocument::fromJson(QByteArray::fromBase64(payload, QByteArray::Base64UrlEncoding)).object();
        QCOMPARE(claims.value(QStringLiteral("email")).toString(), sandbox::SandboxServer::socialDemoEmail());
        QCOMPARE(claims.value(QStringLiteral("iss")).toString(), window->sandboxServer()->issuer());
        QTRY_COMPARE_WITH_TIMEOUT(window->diagram()->shownStepCount(), trace->count(), 20000);
        saveScreenshot(window.get(), QStringLiteral("sandbox-social-sign-on.png"));
    }

    void interopProviderLoginAndQuery()
    {
        const QString issuer = qEnvironmentVariable("INTEROP_ISSUER");
        if (issuer.isEmpty()) {
            if (qEnvironmentVariable("CI") == QLatin1String("true"))
                QFAIL("INTEROP_ISSUER is not set: scripts/test starts tests/interop and sets it.");
            QSKIP("INTEROP_ISSUER is not set; run through scripts/test to start oidc-provider.");
        }
        // A profile file as a colleague would share it.
        Profile shared;
        shared.id = QStringLiteral("interop-oidc-provider");
        shared.name = QStringLiteral("oidc-provider (interop)");
        shared.issuer = issuer;
        shared.clientId = QStringLiteral("explorer-public");
        shared.redirectUri = QStringLiteral("http://127.0.0.1:53682/callback");
        shared.scopes = {QStringLiteral("openid"), QStringLiteral("email"), QStringLiteral("profile")};
        shared.graphqlUrl = QUrl(qEnvironmentVariable("INTEROP_GRAPHQL"));
        shared.defaultQuery = QStringLiteral("{ me { sub email } }");
        QTemporaryDir sharedDir;
        const QString path = sharedDir.filePath(QStringLiteral("interop.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(shared.toJson()).toJson());
        file.close();

        auto window = openWindow();
        QVERIFY(window->openProfileFile(path));
        QCOMPARE(window->currentProfile().issuer, issuer);

        QSignalSpy finished(window.get(), &MainWindow::loginFinished);
        window->login();
        QVERIFY2(waitForElement(window->browser(), QStringLiteral("#email")), "the oidc-provider login page did not appear");
        typeAndSubmit(window->browser(), QStringLiteral("alice@example.com"), QStringLiteral("correct horse battery staple"),
                      QStringLiteral("#login"));
        QVERIFY2(waitForElement(window->browser(), QStringLiteral("#consent")), "the consent page did not appear");
        saveScreenshot(window.get(), QStringLiteral("interop-consent-page.png"));
        evaluate(window->browser(), QStringLiteral("document.querySelector('#consent').click(); true"));
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QCOMPARE(countSteps(window->trace(), QStringLiteral("check-signature"), StepResult::Ok), 1);

        // This backend accepts the ID token, as backends-as-a-service do; oidc-provider's access
        // token is opaque without a resource indicator. The user picks the credential.
        auto *credential = window->queryEditor()->findChild<QComboBox *>(QStringLiteral("credential"));
        QVERIFY(credential);
        credential->setCurrentIndex(credential->findText(QStringLiteral("ID token")));
        QCOMPARE(credential->currentText(), QStringLiteral("ID token"));
        sendQuery(window.get(), QStringLiteral("{ me { sub email } }"), "alice@example.com");
        QTRY_COMPARE_WITH_TIMEOUT(window->diagram()->shownStepCount(), window->trace()->count(), 15000);
        saveScreenshot(window.get(), QStringLiteral("interop-finished.png"));

        // Run > Introspect > Access token: the banner shows the endpoint's response.
        QSignalSpy flows(window.get(), &MainWindow::flowFinished);
        window->findChild<QAction *>(QStringLiteral("introspectAccessAction"))->trigger();
        QVERIFY(flows.wait(20000));
        QCOMPARE(flows.first().at(0).value<FlowKind>(), FlowKind::Introspection);
        QVERIFY2(window->banner()->text().contains(QLatin1String("ntrospection")), qPrintable(window->banner()->text()));

        // Device code: the panel shows the code and a QR code; a "phone" signs in with its URL.
        flows.clear();
        test::HttpFormAgent phone;
        phone.fieldValues.insert(QStringLiteral("email"), QStringLiteral("alice@example.com"));
        phone.fieldValues.insert(QStringLiteral("password"), QStringLiteral("correct horse battery staple"));
        window->findChild<QAction *>(QStringLiteral("deviceCodeAction"))->trigger();
        QrCodeWidget *qr = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((qr = window->findChild<QrCodeWidget *>()) && !qr->text().isEmpty() && qr->isVisible(), 15000);
        auto *userCode = window->findChild<QLabel *>(QStringLiteral("userCode"));
        QVERIFY(userCode && !userCode->text().isEmpty());
        QVERIFY2(qr->text().contains(QUrl::toPercentEncoding(userCode->text())) || qr->text().contains(userCode->text()), qPrintable(qr->text()));
        saveScreenshot(window.get(), QStringLiteral("interop-device-code.png"));
        phone.startAuthorization(QUrl(qr->text()), oidc::RedirectMatcher());
        QVERIFY(flows.wait(40000));
        QCOMPARE(flows.first().at(0).value<FlowKind>(), FlowKind::DeviceCode);
        QVERIFY2(flows.first().at(1).toBool(), qPrintable(flows.first().at(2).toString()));

        // RP-initiated logout in the embedded browser: confirm on the provider's page.
        flows.clear();
        window->findChild<QAction *>(QStringLiteral("logoutAction"))->trigger();
        QVERIFY2(waitForElement(window->browser(), QStringLiteral("form")), "the provider's logout page did not appear");
        evaluate(window->browser(), QStringLiteral("document.querySelector('button[name=logout], button[type=submit]').click(); true"));
        QVERIFY(flows.wait(30000));
        QCOMPARE(flows.first().at(0).value<FlowKind>(), FlowKind::Logout);
        QVERIFY2(flows.first().at(1).toBool(), qPrintable(flows.first().at(2).toString()));
        QVERIFY(!window->tokens().idToken.isEmpty()); // logging out of the provider keeps the stored tokens
    }
};

QTEST_MAIN(TestLogin)
#include "tst_login.moc"
