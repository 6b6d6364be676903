#pragma once

#include <QString>
#include <QStringList>
#include <QTextStream>

namespace afx::doctor {

// Exit codes of `authflow-explorer --check`.
enum CheckExitCode {
    CheckPassed = 0,      // no finding is an error
    CheckFoundErrors = 1, // at least one finding is an error
    CheckCannotRun = 2,   // the profile file is unreadable or invalid, or discovery is unreachable
};

// Exit code of a command line with an unknown option or an invalid value.
constexpr int UsageErrorExitCode = 2;

// The command line of `authflow-explorer`, parsed before any application object exists so
// that --help, --version, --check and usage errors never need a display.
struct ExplorerCommandLine {
    enum class Action {
        OpenWindow, // start the GUI
        Check,      // run --check without a window
        ShowHelp,
        ShowVersion,
        UsageError, // `error` names the wrong argument
    };
    Action action = Action::OpenWindow;
    QString error;
    QString checkProfilePath;
    QString checkFormat = QStringLiteral("text");
    bool memoryStore = false;
    QString profilesDirectory;
    quint16 sandboxPort = 0; // 0 when --sandbox-port is not given
    QStringList positionalArguments;
};

// Parses `arguments` (the first one is the program) into an ExplorerCommandLine. Qt's own GUI
// options (-style, -platform, ...) are accepted and left for QApplication. Needs no
// application object.
ExplorerCommandLine parseExplorerCommandLine(const QStringList &arguments);

// Returns the usage line and every option of `authflow-explorer`. A QCoreApplication must
// exist, because QCommandLineParser takes the program name from it.
QString explorerHelpText();

// Runs the pre-login checks for the profile file at `profilePath`: the profile alone, then the
// provider's discovery document (fetched with the profile's timeout) and the quirks of the
// provider's preset. Prints the findings to `out` as "text" or "json" and problems that stop
// the check to `err`. Runs a local event loop, so a QCoreApplication must exist; no window.
int runCheckCommand(const QString &profilePath, const QString &format, QTextStream &out, QTextStream &err);

} // namespace afx::doctor
