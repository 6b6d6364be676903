// The window's flows that need no embedded browser, against the built-in sandbox: the
// password grant, the device code panel, and comparing two runs side by side. Runs on the
// offscreen platform with the memory token store.

#include "flow/trace.h"
#include "gui/devicepanel.h"
#include "gui/diagramwidget.h"
#include "gui/findingspanel.h"
#include "gui/presetdialog.h"
#include "gui/tokeninspector.h"
#include "sandbox/faults.h"
#include "gui/mainwindow.h"
#include "gui/messagebanner.h"
#include "gui/qrcodewidget.h"
#include "gui/queryeditor.h"
#include "httpformagent.h"
#include "sandbox/sandboxserver.h"

#include <QAction>
#include <QCheckBox>
#include <QLineEdit>
#include <QMimeData>
#include <QTabWidget>
#include <QDialog>
#include <QLabel>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QTest>

using namespace afx;
using namespace afx::gui;

namespace {

int countSteps(const Trace *trace, const QString &key)
{
    int count = 0;
    for (const TraceStep &step : trace->steps())
        count += step.explanationKey == key ? 1 : 0;
    return count;
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

    std::unique_ptr<MainWindow> openWindow()
    {
        MainWindowOptions options;
        options.profilesDirectory = m_profiles.path();
        options.historyDirectory = m_profiles.filePath(QStringLiteral("history")); // never the user's data folder
        options.useKeychain = false;
        options.sandboxPort = 0;
        options.animationMs = 0;
        auto window = std::make_unique<MainWindow>(options);
        window->show();
        window->initialize();
        if (!QTest::qWaitFor([&] { return window->isReady(); }, 15000))
            qWarning("The window did not become ready within 15 s");
        return window;
    }

    QTemporaryDir m_profiles;

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<FlowKind>(); }

    void loginMutationThroughBackend()
    {
        auto window = openWindow();
        QVERIFY(window->findChild<QAction *>(QStringLiteral("loginMutationAction")));
        QSignalSpy flows(window.get(), &MainWindow::flowFinished);

        window->mutationLogin(sandbox::SandboxServer::demoEmail(), sandbox::SandboxServer::demoPassword());
        QVERIFY(flows.wait(20000));
        QCOMPARE(flows.first().at(0).value<FlowKind>(), FlowKind::LoginMutation);
        QVERIFY2(flows.first().at(1).toBool(), qPrintable(flows.first().at(2).toString()));
        QCOMPARE(countSteps(window->trace(), QStringLiteral("login-mutation")), 1);
        QCOMPARE(countSteps(window->trace(), QStringLiteral("login-mutation-check")), 1); // the backend's own step
        QCOMPARE(countSteps(window->trace(), QStringLiteral("token-request")), 0);
        QVERIFY(!window->tokens().idToken.isEmpty());
        QVERIFY(!window->tokens().refreshToken.isEmpty());

        // Empty fields never reach the backend.
        flows.clear();
        window->mutationLogin(sandbox::SandboxServer::demoEmail(), QString());
        QVERIFY2(window->banner()->text().contains(QLatin1String("needs both")), qPrintable(window->banner()->text()));
        QCOMPARE(flows.count(), 0);
    }

    void findingLinkOpensFindingsTab()
    {
        auto window = openWindow();
        QueryEditor *editor = window->queryEditor();
        QVERIFY(editor);
        // The history goes to the test's folder, not the user's data folder.
        QVERIFY2(editor->historyStore().historyPath().startsWith(m_profiles.path()),
                 qPrintable(editor->historyStore().historyPath()));

        // A token the sandbox did not issue: the backend returns 401 and the doctor explains it.
        editor->setCredential(QueryEditor::Credential::ApiToken);
        editor->setApiToken(QStringLiteral("not-a-sandbox-token"));
        QSignalSpy finished(editor, &QueryEditor::requestFinished);
        editor->send();
        QVERIFY(finished.wait(15000));
        QCOMPARE(finished.first().first().toInt(), 401);
        auto *link = editor->findChild<QLabel *>(QStringLiteral("findingLink"));
        QVERIFY(link);
        QTRY_VERIFY(link->isVisibleTo(editor)); // the Query tab itself is not the current one
        const int step = link->property("step").toInt();
        QVERIFY(step >= 0);

        auto *tabs = window->findChild<QTabWidget *>(QStringLiteral("stepTabs"));
        QVERIFY(tabs);
        tabs->setCurrentIndex(0);
        Q_EMIT link->linkActivated(QStringLiteral("finding"));
        QCOMPARE(tabs->tabText(tabs->currentIndex()).startsWith(QLatin1String("F&indings")), true);
        auto *list = window->findChild<QTreeWidget *>(QStringLiteral("findingsList"));
        QVERIFY(list);
        QVERIFY(list->currentItem());
        QCOMPARE(list->currentItem()->text(1), QString::number(step + 1));
        QCOMPARE(window->diagram()->currentStep(), step);
    }

    void faultSwitchboardRunAndFindings()
    {
        auto window = openWindow();
        window->findChild<QAction *>(QStringLiteral("faultPanelAction"))->trigger();
        auto *panel = window->findChild<QDialog *>(QStringLiteral("faultPanel"));
        QVERIFY(panel);
        QVERIFY(panel->isVisible());
        auto *wrongAudience = panel->findChild<QCheckBox *>(QStringLiteral("fault-wrong-audience"));
        QVERIFY(wrongAudience);
        wrongAudience->setChecked(true); // as a user ticks it
        QVERIFY(window->sandboxServer()->isFaultOn(sandbox::SandboxFault::WrongAudience));

        // The run records the switch, the audience check fails, and the doctor explains it.
        QSignalSpy flows(window.get(), &MainWindow::flowFinished);
        window->passwordLogin(sandbox::SandboxServer::demoEmail(), sandbox::SandboxServer::demoPassword());
        QVERIFY(flows.wait(20000));
        QVERIFY(!flows.first().at(1).toBool());
        QVERIFY(countSteps(window->trace(), QStringLiteral("sandbox-fault")) >= 1);
        QCOMPARE(window->trace()->step(0).explanationKey, QStringLiteral("sandbox-fault")); // listed first
        QVERIFY2(window->banner()->text().contains(QLatin1String("aud")), qPrintable(window->banner()->text()));
        auto *findings = window->findChild<FindingsPanel *>();
        QVERIFY(findings);
        QVERIFY2(!findings->findings().isEmpty(), "a failed validation must give at least one finding");
        // The findings tab sits next to the step inspector, under the diagram.
        auto *tabs = window->findChild<QTabWidget *>(QStringLiteral("stepTabs"));
        QVERIFY(tabs);
        bool labelled = false;
        for (int i = 0; i < tabs->count(); ++i)
            labelled |= tabs->tabText(i).startsWith(QLatin1String("F&indings ("));
        QVERIFY(labelled);

        // Switched off: the same login works again.
        wrongAudience->setChecked(false);
        flows.clear();
        window->passwordLogin(sandbox::SandboxServer::demoEmail(), sandbox::SandboxServer::demoPassword());
        QVERIFY(flows.wait(20000));
        QVERIFY2(flows.first().at(1).toBool(), qPrintable(flows.first().at(2).toString()));
        QCOMPARE(countSteps(window->trace(), QStringLiteral("sandbox-fault")), 0);
        if (!qEnvironmentVariableIsEmpty("AFX_SCREENSHOT_DIR"))
            panel->grab().save(qEnvironmentVariable("AFX_SCREENSHOT_DIR") + QStringLiteral("/fault-switchboard.png"));
    }

    void tokenInspectorFromMenuAndDrop()
    {
        auto window = openWindow();
        QSignalSpy flows(window.get(), &MainWindow::flowFinished);
        window->passwordLogin(sandbox::SandboxServer::demoEmail(), sandbox::SandboxServer::demoPassword());
        QVERIFY(flows.wait(20000));
        const QString idToken = window->tokens().idToken;
        QVERIFY(!idToken.isEmpty());

        window->findChild<QAction *>(QStringLiteral("inspectTokenAction"))->trigger();
        auto *inspector = window->findChild<TokenInspector *>(QStringLiteral("tokenInspector"));
        QVERIFY(inspector);
        QVERIFY(inspector->isVisible());

        // A token dropped on the main window opens in the inspector.
        QMimeData mime;
        mime.setText(idToken);
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(window.get(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(window.get(), &drop);
        QCOMPARE(inspector->token(), idToken);

        // Plain text is not taken for a token.
        QMimeData text;
        text.setText(QStringLiteral("hello world"));
        QDragEnterEvent plain(QPoint(10, 10), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(window.get(), &plain);
        QVERIFY(!plain.isAccepted());
    }

    void presetDialogBuildsProfile()
    {
        PresetDialog dialog;
        QVERIFY(dialog.selectPreset(QStringLiteral("keycloak")));
        QVERIFY(!dialog.selectPreset(QStringLiteral("no-such-provider")));
        dialog.setValue(QStringLiteral("baseUrl"), QStringLiteral("https://sso.example.com"));
        dialog.setValue(QStringLiteral("clientId"), QStringLiteral("explorer-desktop"));

        // The realm is missing: the dialog stays open and names it, and the typed values stay.
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        auto *error = dialog.findChild<QLabel *>(QStringLiteral("presetError"));
        QVERIFY(error);
        QVERIFY2(error->text().contains(QLatin1String("Realm")), qPrintable(error->text()));
        QCOMPARE(dialog.findChild<QLineEdit *>(QStringLiteral("preset-baseUrl"))->text(), QStringLiteral("https://sso.example.com"));

        dialog.setValue(QStringLiteral("realm"), QStringLiteral("example"));
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.profile().issuer, QStringLiteral("https://sso.example.com/realms/example"));
        QCOMPARE(dialog.profile().clientId, QStringLiteral("explorer-desktop"));
        QVERIFY(dialog.profile().validate().isEmpty());
    }

    void passwordGrantAndCompareRuns()
    {
        auto window = openWindow();
        QSignalSpy flows(window.get(), &MainWindow::flowFinished);

        window->passwordLogin(sandbox::SandboxServer::demoEmail(), sandbox::SandboxServer::demoPassword());
        QVERIFY(flows.wait(20000));
        QCOMPARE(flows.first().at(0).value<FlowKind>(), FlowKind::Password);
        QVERIFY2(flows.first().at(1).toBool(), qPrintable(flows.first().at(2).toString()));
        QCOMPARE(countSteps(window->trace(), QStringLiteral("password-grant")), 1);
        QCOMPARE(countSteps(window->trace(), QStringLiteral("authorize-request")), 0); // no browser at all
        QVERIFY(!window->tokens().idToken.isEmpty());
        // The password never shows on the diagram.
        for (const TraceStep &step : window->trace()->steps())
            QVERIFY(!window->trace()->mask(QString::fromUtf8(step.request.body)).contains(sandbox::SandboxServer::demoPassword()));
        const int firstRunSteps = window->trace()->count();

        // The status bar counts every step, the "Save tokens" step after the flow too, and shows
        // the time in a unit that fits ("340 ms", "1.2 s").
        QCOMPARE(countSteps(window->trace(), QStringLiteral("token-store")), 1);
        const QString status = window->findChild<QLabel *>(QStringLiteral("statusText"))->text();
        QVERIFY2(status.contains(QStringLiteral("last run %1 steps in ").arg(firstRunSteps)), qPrintable(status));
        QVERIFY2(!status.contains(QLatin1String("(s)")), qPrintable(status));
        static const QRegularExpression duration(QStringLiteral(" in (\\d+ ms|\\d+[.,]\\d s|\\d+ min \\d+ s)$"));
        QVERIFY2(duration.match(status).hasMatch(), qPrintable(status));

        // A wrong password: invalid_grant, and the stored tokens stay.
        flows.clear();
        const QString before = window->tokens().idToken;
        window->passwordLogin(sandbox::SandboxServer::demoEmail(), QStringLiteral("not the password"));
        QVERIFY(flows.wait(20000));
        QVERIFY(!flows.first().at(1).toBool());
        QVERIFY2(window->banner()->text().contains(QLatin1String("invalid_grant")), qPrintable(window->banner()->text()));
        QCOMPARE(window->tokens().idToken, before);

        // Run > Compare with the previous run: both diagrams, side by side.
        window->findChild<QAction *>(QStringLiteral("compareAction"))->trigger();
        auto *dialog = window->findChild<QDialog *>(QStringLiteral("compareDialog"));
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        const QList<DiagramWidget *> diagrams = dialog->findChildren<DiagramWidget *>();
        QCOMPARE(diagrams.size(), 2);
        const bool currentFirst = diagrams.at(0)->trace() == window->trace();
        DiagramWidget *previous = diagrams.at(currentFirst ? 1 : 0);
        QCOMPARE(diagrams.at(currentFirst ? 0 : 1)->trace(), window->trace());
        QCOMPARE(previous->trace()->count(), firstRunSteps);
        const QString previousTitle = dialog->findChild<QLabel *>(QStringLiteral("previousRunTitle"))->text();
        QVERIFY2(previousTitle.contains(QStringLiteral("%1 steps, ").arg(firstRunSteps)), qPrintable(previousTitle));
        QVERIFY2(!previousTitle.contains(QLatin1String("(s)")), qPrintable(previousTitle));
        if (!qEnvironmentVariableIsEmpty("AFX_SCREENSHOT_DIR"))
            dialog->grab().save(qEnvironmentVariable("AFX_SCREENSHOT_DIR") + QStringLiteral("/compare-runs.png"));
    }

    void deviceCodePanel()
    {
        auto window = openWindow();
        window->sandboxServer()->setDeviceCodeInterval(1);
        QSignalSpy flows(window.get(), &MainWindow::flowFinished);
        window->findChild<QAction *>(QStringLiteral("deviceCodeAction"))->trigger();
        QrCodeWidget *qr = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((qr = window->findChild<QrCodeWidget *>()) && !qr->text().isEmpty(), 15000);
        auto *userCode = window->findChild<QLabel *>(QStringLiteral("userCode"));
        QVERIFY(userCode);
        QCOMPARE(userCode->text().size(), 9); // XXXX-XXXX
        QVERIFY(window->findChild<DevicePanel *>()->isVisible());

        test::HttpFormAgent phone;
        phone.fieldValues.insert(QStringLiteral("email"), sandbox::SandboxServer::demoEmail());
        phone.fieldValues.insert(QStringLiteral("password"), sandbox::SandboxServer::demoPassword());
        phone.pressButton = QStringLiteral("approve");
        phone.startAuthorization(QUrl(qr->text()), oidc::RedirectMatcher());
        QVERIFY(flows.wait(30000));
        QCOMPARE(flows.first().at(0).value<FlowKind>(), FlowKind::DeviceCode);
        QVERIFY2(flows.first().at(1).toBool(), qPrintable(flows.first().at(2).toString()));
        QVERIFY(!window->tokens().idToken.isEmpty());
        QVERIFY(window->findChild<QLabel *>(QStringLiteral("deviceCountdown"))->text().contains(QLatin1String("Signed in")));
    }

    void compareWithoutPreviousRunExplains()
    {
        auto window = openWindow();
        window->compareRuns();
        QVERIFY2(window->banner()->text().contains(QLatin1String("no earlier run")), qPrintable(window->banner()->text()));
        QVERIFY(!window->findChild<QDialog *>(QStringLiteral("compareDialog")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
