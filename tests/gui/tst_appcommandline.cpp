// The command line of authflow-explorer: the parser alone, and the built program started
// without a display, as in a CI job or an SSH session.

#include "doctor/commandline.h"

#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTest>

using afx::doctor::ExplorerCommandLine;
using Action = ExplorerCommandLine::Action;

namespace {

const QString explorerBinary = QStringLiteral(AFX_BINARY_DIR "/app/authflow-explorer");

struct ProcessResult {
    bool finished = false;
    QProcess::ExitStatus exitStatus = QProcess::NormalExit;
    int exitCode = -1;
    QString out;
    QString err;
};

// Runs the explorer with no display: DISPLAY, WAYLAND_DISPLAY and QT_QPA_PLATFORM unset, so
// creating a QGuiApplication would abort the program.
ProcessResult runWithoutDisplay(const QStringList &arguments)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("DISPLAY"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(explorerBinary, arguments);
    ProcessResult result;
    result.finished = process.waitForFinished(30000);
    if (!result.finished) {
        process.kill();
        process.waitForFinished();
    }
    result.exitStatus = process.exitStatus();
    result.exitCode = process.exitCode();
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

QStringList program(const QStringList &arguments)
{
    return QStringList{QStringLiteral("authflow-explorer")} + arguments;
}

} // namespace

class TestAppCommandLine : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void parserActions_data();
    void parserActions();
    void parserKeepsWindowOptions();
    void parserAcceptsQtOptions();
    void parserRejectsBadPort_data();
    void parserRejectsBadPort();

    void helpWithoutDisplay_data();
    void helpWithoutDisplay();
    void versionWithoutDisplay();
    void unknownOptionExitsTwo();
    void checkWithoutDisplay();
};

void TestAppCommandLine::initTestCase()
{
    QVERIFY2(QFileInfo(explorerBinary).isExecutable(),
             qPrintable(QStringLiteral("%1 is missing: build the authflow-explorer target first.").arg(explorerBinary)));
}

void TestAppCommandLine::parserActions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("action");
    QTest::newRow("none") << QStringList{} << int(Action::OpenWindow);
    QTest::newRow("profile") << QStringList{QStringLiteral("a.json")} << int(Action::OpenWindow);
    QTest::newRow("--help") << QStringList{QStringLiteral("--help")} << int(Action::ShowHelp);
    QTest::newRow("-h") << QStringList{QStringLiteral("-h")} << int(Action::ShowHelp);
    QTest::newRow("help wins over check")
        << QStringList{QStringLiteral("--check"), QStringLiteral("a.json"), QStringLiteral("--help")} << int(Action::ShowHelp);
    QTest::newRow("--version") << QStringList{QStringLiteral("--version")} << int(Action::ShowVersion);
    QTest::newRow("-v") << QStringList{QStringLiteral("-v")} << int(Action::ShowVersion);
    QTest::newRow("--check") << QStringList{QStringLiteral("--check"), QStringLiteral("a.json")} << int(Action::Check);
    QTest::newRow("--check=") << QStringList{QStringLiteral("--check=a.json")} << int(Action::Check);
    QTest::newRow("--check without value") << QStringList{QStringLiteral("--check")} << int(Action::UsageError);
    QTest::newRow("unknown long") << QStringList{QStringLiteral("--no-such-option")} << int(Action::UsageError);
    QTest::newRow("unknown short") << QStringList{QStringLiteral("-x")} << int(Action::UsageError);
    QTest::newRow("flag with value") << QStringList{QStringLiteral("--memory-store=yes")} << int(Action::UsageError);
}

void TestAppCommandLine::parserActions()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, action);
    const ExplorerCommandLine commandLine = afx::doctor::parseExplorerCommandLine(program(arguments));
    QCOMPARE(int(commandLine.action), action);
    QCOMPARE(commandLine.error.isEmpty(), action != int(Action::UsageError));
}

void TestAppCommandLine::parserKeepsWindowOptions()
{
    const ExplorerCommandLine commandLine = afx::doctor::parseExplorerCommandLine(
        program({QStringLiteral("--memory-store"), QStringLiteral("--profiles-dir"), QStringLiteral("/tmp/profiles"),
                 QStringLiteral("--sandbox-port=47900"), QStringLiteral("my profile.json")}));
    QCOMPARE(int(commandLine.action), int(Action::OpenWindow));
    QVERIFY(commandLine.memoryStore);
    QCOMPARE(commandLine.profilesDirectory, QStringLiteral("/tmp/profiles"));
    QCOMPARE(commandLine.sandboxPort, quint16(47900));
    QCOMPARE(commandLine.positionalArguments, QStringList{QStringLiteral("my profile.json")});

    const ExplorerCommandLine check = afx::doctor::parseExplorerCommandLine(
        program({QStringLiteral("--check"), QStringLiteral("p.json"), QStringLiteral("--format"), QStringLiteral("json")}));
    QCOMPARE(int(check.action), int(Action::Check));
    QCOMPARE(check.checkProfilePath, QStringLiteral("p.json"));
    QCOMPARE(check.checkFormat, QStringLiteral("json"));
}

// QApplication reads these itself, so they must neither fail nor become the profile argument.
void TestAppCommandLine::parserAcceptsQtOptions()
{
    const ExplorerCommandLine commandLine = afx::doctor::parseExplorerCommandLine(
        program({QStringLiteral("-style"), QStringLiteral("fusion"), QStringLiteral("-platform"), QStringLiteral("offscreen"),
                 QStringLiteral("-reverse"), QStringLiteral("--stylesheet=a.qss"), QStringLiteral("p.json")}));
    QCOMPARE(int(commandLine.action), int(Action::OpenWindow));
    QVERIFY2(commandLine.error.isEmpty(), qPrintable(commandLine.error));
    QCOMPARE(commandLine.positionalArguments, QStringList{QStringLiteral("p.json")});
}

void TestAppCommandLine::parserRejectsBadPort_data()
{
    QTest::addColumn<QString>("port");
    QTest::newRow("zero") << QStringLiteral("0");
    QTest::newRow("too large") << QStringLiteral("65536");
    QTest::newRow("huge") << QStringLiteral("99999999999999999999");
    QTest::newRow("negative") << QStringLiteral("-1");
    QTest::newRow("not a number") << QStringLiteral("http");
    QTest::newRow("empty") << QString();
}

void TestAppCommandLine::parserRejectsBadPort()
{
    QFETCH(QString, port);
    const ExplorerCommandLine commandLine =
        afx::doctor::parseExplorerCommandLine(program({QStringLiteral("--sandbox-port=") + port}));
    QCOMPARE(int(commandLine.action), int(Action::UsageError));
    QVERIFY2(commandLine.error.contains(QStringLiteral("--sandbox-port")), qPrintable(commandLine.error));
    QVERIFY2(commandLine.error.contains(QStringLiteral("1 to 65535")), qPrintable(commandLine.error));
}

void TestAppCommandLine::helpWithoutDisplay_data()
{
    QTest::addColumn<QString>("option");
    QTest::newRow("--help") << QStringLiteral("--help");
    QTest::newRow("-h") << QStringLiteral("-h");
}

void TestAppCommandLine::helpWithoutDisplay()
{
    QFETCH(QString, option);
    const ProcessResult result = runWithoutDisplay({option});
    QVERIFY2(result.finished, "authflow-explorer --help did not exit within 30 s");
    QCOMPARE(result.exitStatus, QProcess::NormalExit);
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(result.err.isEmpty(), qPrintable(result.err));
    const QStringList expectedOptions{QStringLiteral("--help"),         QStringLiteral("--version"),
                                      QStringLiteral("--check"),        QStringLiteral("--format"),
                                      QStringLiteral("--memory-store"), QStringLiteral("--profiles-dir"),
                                      QStringLiteral("--sandbox-port"), QStringLiteral("PROFILE.json")};
    for (const QString &expected : expectedOptions)
        QVERIFY2(result.out.contains(expected), qPrintable(expected + QStringLiteral(" missing from:\n") + result.out));
    // Qt's own options stay out of the list.
    QVERIFY2(!result.out.contains(QStringLiteral("--platform")), qPrintable(result.out));
}

void TestAppCommandLine::versionWithoutDisplay()
{
    const ProcessResult result = runWithoutDisplay({QStringLiteral("--version")});
    QVERIFY2(result.finished, "authflow-explorer --version did not exit within 30 s");
    QCOMPARE(result.exitStatus, QProcess::NormalExit);
    QCOMPARE(result.exitCode, 0);
    // "authflow-explorer 0.1.0": the name and a dotted version from the CMake project.
    static const QRegularExpression line(QStringLiteral("^authflow-explorer \\d+\\.\\d+(\\.\\d+)*$"));
    QVERIFY2(line.match(result.out.trimmed()).hasMatch(), qPrintable(result.out));
}

void TestAppCommandLine::unknownOptionExitsTwo()
{
    const ProcessResult result = runWithoutDisplay({QStringLiteral("--no-such-option")});
    QVERIFY2(result.finished, "authflow-explorer --no-such-option did not exit within 30 s");
    QCOMPARE(result.exitStatus, QProcess::NormalExit);
    QCOMPARE(result.exitCode, afx::doctor::UsageErrorExitCode);
    QVERIFY2(result.out.isEmpty(), qPrintable(result.out));
    QVERIFY2(result.err.contains(QStringLiteral("no-such-option")), qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("--check")), qPrintable(result.err)); // the usage follows
}

// --check with a missing file stops before any network request and needs no display.
void TestAppCommandLine::checkWithoutDisplay()
{
    const QString missing = QStringLiteral(AFX_BINARY_DIR "/no-such-profile.json");
    const ProcessResult result = runWithoutDisplay({QStringLiteral("--check"), missing});
    QVERIFY2(result.finished, "authflow-explorer --check did not exit within 30 s");
    QCOMPARE(result.exitStatus, QProcess::NormalExit);
    QCOMPARE(result.exitCode, int(afx::doctor::CheckCannotRun));
    QVERIFY2(result.err.contains(missing), qPrintable(result.err));
}

QTEST_GUILESS_MAIN(TestAppCommandLine)
#include "tst_appcommandline.moc"
