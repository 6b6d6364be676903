// The window's findings beside the diagram and File > Export run, after a login against the
// built-in sandbox that fails on purpose (the wrong-audience fault). Runs on the offscreen
// platform with the memory token store. MainWindow::setSaveFileChooser() replaces the file
// dialog with preset file names.

#include "flow/trace.h"
#include "gui/diagramwidget.h"
#include "gui/findingspanel.h"
#include "gui/mainwindow.h"
#include "gui/messagebanner.h"
#include "gui/stepinspector.h"
#include "sandbox/faults.h"
#include "sandbox/sandboxserver.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSplitter>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <QUrl>

using namespace afx;
using namespace afx::gui;

namespace {

bool isInside(const QWidget *widget, const QWidget *ancestor)
{
    for (const QWidget *parent = widget; parent; parent = parent->parentWidget())
        if (parent == ancestor)
            return true;
    return false;
}

// Every token the trace's JSON bodies carry, and every Authorization credential it sent.
QStringList tokensInTrace(const Trace *trace)
{
    QStringList tokens;
    for (const TraceStep &step : trace->steps()) {
        for (const QByteArray &body : {step.request.body, step.response.body}) {
            const QJsonObject object = QJsonDocument::fromJson(body).object();
            for (const QString &name : {QStringLiteral("access_token"), QStringLiteral("id_token"), QStringLiteral("refresh_token")})
                if (object.value(name).toString().size() >= 4)
                    tokens << object.value(name).toString();
        }
        for (const auto &header : step.request.headers)
            if (header.first.compare(QLatin1String("Authorization"), Qt::CaseInsensitive) == 0)
                tokens << header.second.section(QLatin1Char(' '), 1);
    }
    return tokens;
}

QString screenshotFolder()
{
    return qEnvironmentVariable("AFX_SCREENSHOT_DIR", QStringLiteral(AFX_BINARY_DIR "/screenshots"));
}

} // namespace

class TestRunExportWindow : public QObject {
    Q_OBJECT

    std::unique_ptr<MainWindow> openWindow()
    {
        MainWindowOptions options;
        options.profilesDirectory = m_profiles.path();
        options.historyDirectory = m_profiles.filePath(QStringLiteral("history")); // never the user's data folder
        options.useKeychain = false;
        options.animationMs = 0;
        auto window = std::make_unique<MainWindow>(options);
        window->resize(1360, 860);
        window->show();
        window->initialize();
        if (!QTest::qWaitFor([&] { return window->isReady(); }, 15000))
            qWarning("The window did not become ready within 15 s");
        return window;
    }

    // A password grant that fails ID token validation, so the doctor has findings.
    bool failLogin(MainWindow *window)
    {
        window->sandboxServer()->setFault(sandbox::SandboxFault::WrongAudience, true);
        QSignalSpy flows(window, &MainWindow::flowFinished);
        window->passwordLogin(sandbox::SandboxServer::demoEmail(), sandbox::SandboxServer::demoPassword());
        const bool finished = flows.wait(20000);
        window->sandboxServer()->setFault(sandbox::SandboxFault::WrongAudience, false);
        return finished && !flows.first().at(1).toBool();
    }

    QTemporaryDir m_profiles;
    QTemporaryDir m_exports;
    QVariant m_savedExportFolder;
    const QString exportFolderSetting = QStringLiteral("export/lastFolder");

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<FlowKind>();
        QVERIFY(m_profiles.isValid());
        QVERIFY(m_exports.isValid());
        // The export folder is remembered in the user's settings: start without it, and put the
        // user's value back at the end.
        m_savedExportFolder = QSettings().value(exportFolderSetting);
        QSettings().remove(exportFolderSetting);
    }

    void cleanupTestCase()
    {
        if (m_savedExportFolder.isValid())
            QSettings().setValue(exportFolderSetting, m_savedExportFolder);
        else
            QSettings().remove(exportFolderSetting);
    }

    void findingsBesideDiagram();
    void exportActionWritesHar();
    void exportActionWritesPng();
    void exportErrorsAndCancel();
};

void TestRunExportWindow::findingsBesideDiagram()
{
    auto window = openWindow();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    QVERIFY(failLogin(window.get()));

    auto *panel = window->findChild<FindingsPanel *>();
    QVERIFY(panel);
    QVERIFY(!panel->findings().isEmpty());
    auto *left = window->findChild<QSplitter *>(QStringLiteral("diagramSplitter"));
    QVERIFY(left);
    QVERIFY(isInside(window->diagram(), left));
    QVERIFY(isInside(panel, left));
    // The failed run brings the findings to the front, and the diagram stays in view.
    QTRY_VERIFY(panel->isVisible());
    QVERIFY(window->diagram()->isVisible());
    auto *tabs = window->findChild<QTabWidget *>(QStringLiteral("stepTabs"));
    QVERIFY(tabs);
    QCOMPARE(tabs->tabText(tabs->currentIndex()), QStringLiteral("F&indings (%1)").arg(panel->findings().size()));
    // The right-hand tabs no longer hold a findings tab.
    auto *rightTabs = window->findChild<QTabWidget *>(QStringLiteral("tabs"));
    for (int i = 0; i < rightTabs->count(); ++i)
        QVERIFY2(!rightTabs->tabText(i).contains(QLatin1String("indings")), qPrintable(rightTabs->tabText(i)));

    QString dir = screenshotFolder();
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(window->grab().save(dir + QStringLiteral("/findings-beside-diagram.png")));

    // Clicking a finding selects its step on the diagram, and the step inspector follows.
    auto *list = panel->findChild<QTreeWidget *>(QStringLiteral("findingsList"));
    QVERIFY(list);
    QTreeWidgetItem *withStep = nullptr;
    int step = -1;
    for (int i = 0; i < list->topLevelItemCount() && !withStep; ++i) {
        const QString column = list->topLevelItem(i)->text(1);
        if (!column.isEmpty()) {
            withStep = list->topLevelItem(i);
            step = column.toInt() - 1;
        }
    }
    QVERIFY2(withStep, "a finding of a failed validation points at its step");
    window->diagram()->setCurrentStep(0); // the user looked at another step meanwhile
    QCOMPARE(window->diagram()->currentStep(), 0);
    const QRect rect = list->visualItemRect(withStep);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(window->diagram()->currentStep(), step);
    auto *inspector = window->findChild<StepInspector *>(QStringLiteral("stepInspector"));
    QVERIFY(inspector);
    QCOMPARE(inspector->currentStep(), step);
    QVERIFY(panel->isVisible()); // a click keeps the findings in view

    // Enter on a finding shows its step in the inspector.
    list->setFocus();
    list->setCurrentItem(withStep);
    QTest::keyClick(list, Qt::Key_Return);
    QCOMPARE(tabs->currentWidget(), inspector);
    QCOMPARE(inspector->currentStep(), step);
    QVERIFY(window->diagram()->isVisible());
    QVERIFY(window->grab().save(dir + QStringLiteral("/finding-step-in-inspector.png")));
}

void TestRunExportWindow::exportActionWritesHar()
{
    auto window = openWindow();
    QVERIFY(failLogin(window.get()));
    auto *action = window->findChild<QAction *>(QStringLiteral("exportRunAction"));
    QVERIFY(action);
    QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));

    const QString path = m_exports.filePath(QStringLiteral("failed-login.har"));
    QString offeredFilters;
    QString suggested;
    QString preselected;
    window->setSaveFileChooser([&](const QString &, const QString &suggestedPath, const QString &filters, QString *selected) {
        offeredFilters = filters;
        suggested = suggestedPath;
        preselected = *selected;
        return path;
    });
    action->trigger();

    QVERIFY2(preselected.contains(QLatin1String("*.har")), qPrintable(preselected));
    QVERIFY(offeredFilters.contains(QLatin1String("*.har")));
    QVERIFY(offeredFilters.contains(QLatin1String("*.png")));
    // Without a folder from an earlier export: the documents folder (or home), never the working
    // folder, and a name from the profile id and the time.
    QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (documents.isEmpty() || !QDir(documents).exists())
        documents = QDir::homePath();
    QCOMPARE(QFileInfo(suggested).absolutePath(), QDir(documents).absolutePath());
    static const QRegularExpression name(QStringLiteral("^%1-\\d{8}-\\d{6}\\.har$")
                                             .arg(QRegularExpression::escape(window->currentProfile().id)));
    QVERIFY2(name.match(QFileInfo(suggested).fileName()).hasMatch(), qPrintable(suggested));
    QCOMPARE(window->banner()->kind(), MessageBanner::Kind::Success);
    QVERIFY2(window->banner()->text().contains(QDir::toNativeSeparators(path)), qPrintable(window->banner()->text()));

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QJsonParseError error;
    const QJsonObject log = QJsonDocument::fromJson(bytes, &error).object().value(QStringLiteral("log")).toObject();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QCOMPARE(log.value(QStringLiteral("version")).toString(), QStringLiteral("1.2"));
    QVERIFY(!log.value(QStringLiteral("entries")).toArray().isEmpty());
    QCOMPARE(log.value(QStringLiteral("_run")).toObject().value(QStringLiteral("profile")).toString(), window->currentProfile().name);
    QVERIFY(!log.value(QStringLiteral("_run")).toObject().value(QStringLiteral("outcome")).toString().isEmpty());

    // The findings are those the panel shows, in its order.
    const QList<doctor::Finding> listed = window->findChild<FindingsPanel *>()->findings();
    const QJsonArray findings = log.value(QStringLiteral("_findings")).toArray();
    QCOMPARE(findings.size(), listed.size());
    for (int i = 0; i < listed.size(); ++i)
        QCOMPARE(findings.at(i).toObject().value(QStringLiteral("id")).toString(), listed.at(i).id);

    // Every step is in the file, and no secret of the run is.
    QCOMPARE(log.value(QStringLiteral("entries")).toArray().size() + log.value(QStringLiteral("_steps")).toArray().size(),
             window->trace()->count());
    QStringList secrets = tokensInTrace(window->trace());
    QVERIFY(secrets.size() >= 2);
    secrets << sandbox::SandboxServer::demoPassword();
    for (const QString &secret : std::as_const(secrets)) {
        QVERIFY2(!bytes.contains(secret.toUtf8()), qPrintable(QStringLiteral("a secret of %1 chars is in the export").arg(secret.size())));
        QVERIFY(!bytes.contains(QUrl::toPercentEncoding(secret)));
    }
}

void TestRunExportWindow::exportActionWritesPng()
{
    auto window = openWindow();
    QVERIFY(failLogin(window.get()));

    // The folder of the HAR export before is offered again.
    QString suggested;
    window->setSaveFileChooser([&](const QString &, const QString &suggestedPath, const QString &, QString *) {
        suggested = suggestedPath;
        return QString(); // cancelled
    });
    window->findChild<QAction *>(QStringLiteral("exportRunAction"))->trigger();
    QCOMPARE(QFileInfo(suggested).absolutePath(), QDir(m_exports.path()).absolutePath());

    // A name without suffix gets the suffix of the chosen type.
    const QString path = m_exports.filePath(QStringLiteral("diagram"));
    window->setSaveFileChooser([&](const QString &, const QString &, const QString &filters, QString *selected) {
        *selected = filters.split(QStringLiteral(";;")).last();
        return path;
    });
    window->findChild<QAction *>(QStringLiteral("exportRunAction"))->trigger();
    QCOMPARE(window->banner()->kind(), MessageBanner::Kind::Success);
    QVERIFY(!QFile::exists(path));
    QImage image(path + QStringLiteral(".png"));
    QVERIFY(!image.isNull());
    // The whole diagram: at least as wide as the visible one, and tall enough for every step.
    QVERIFY(image.width() >= window->diagram()->viewport()->width());
    QVERIFY2(image.height() >= window->trace()->count() * 20, qPrintable(QString::number(image.height())));
    QVERIFY(image.save(screenshotFolder() + QStringLiteral("/exported-diagram.png")));

    // A .png suffix wins over the HAR filter.
    const QString typed = m_exports.filePath(QStringLiteral("typed.png"));
    window->setSaveFileChooser([&](const QString &, const QString &, const QString &, QString *) { return typed; });
    window->findChild<QAction *>(QStringLiteral("exportRunAction"))->trigger();
    QVERIFY(!QImage(typed).isNull());
}

void TestRunExportWindow::exportErrorsAndCancel()
{
    auto window = openWindow();
    int chooserCalls = 0;
    QString chosenPath;
    window->setSaveFileChooser([&](const QString &, const QString &, const QString &, QString *) {
        ++chooserCalls;
        return chosenPath;
    });
    auto *action = window->findChild<QAction *>(QStringLiteral("exportRunAction"));

    // Nothing to export yet: the banner shows a notice, and no dialog opens.
    if (window->trace()->count() == 0) {
        action->trigger();
        QCOMPARE(chooserCalls, 0);
        QVERIFY2(window->banner()->text().contains(QLatin1String("no run to export")), qPrintable(window->banner()->text()));
    }

    QVERIFY(failLogin(window.get()));
    const QString before = window->banner()->text();
    chosenPath.clear(); // the user cancels
    action->trigger();
    QCOMPARE(chooserCalls, 1);
    QCOMPARE(window->banner()->text(), before);

    // A folder that does not exist: the error names the file and the reason.
    chosenPath = m_exports.filePath(QStringLiteral("missing-folder/run.har"));
    action->trigger();
    QCOMPARE(window->banner()->kind(), MessageBanner::Kind::Error);
    QVERIFY2(window->banner()->text().contains(QDir::toNativeSeparators(chosenPath)), qPrintable(window->banner()->text()));
    QVERIFY(!QFile::exists(chosenPath));

    chosenPath = m_exports.filePath(QStringLiteral("missing-folder/diagram.png"));
    action->trigger();
    QCOMPARE(window->banner()->kind(), MessageBanner::Kind::Error);
    QVERIFY2(window->banner()->text().contains(QDir::toNativeSeparators(chosenPath)), qPrintable(window->banner()->text()));
}

QTEST_MAIN(TestRunExportWindow)
#include "tst_runexportwindow.moc"
