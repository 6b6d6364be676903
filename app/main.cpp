#include "doctor/commandline.h"
#include "gui/deferrediconstyle.h"
#include "gui/firstpaint.h"
#include "gui/fontconfigload.h"
#include "gui/mainwindow.h"

#include <QApplication>
#include <QCoreApplication>
#include <QTextStream>
#include <QStyleFactory>
#include <QTimer>

#include <cstdio>

namespace {

// Handles every command line that needs no window: --help, --version, --check and usage
// errors. Only a QCoreApplication exists here, so none of them needs a display.
int runWithoutWindow(int argc, char *argv[], const afx::doctor::ExplorerCommandLine &commandLine)
{
    using Action = afx::doctor::ExplorerCommandLine::Action;
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("authflow-explorer"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AFX_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);
    switch (commandLine.action) {
    case Action::ShowHelp:
        out << afx::doctor::explorerHelpText();
        return 0;
    case Action::ShowVersion:
        out << QCoreApplication::applicationName() << ' ' << QCoreApplication::applicationVersion() << '\n';
        return 0;
    case Action::UsageError:
        err << commandLine.error << "\n\n" << afx::doctor::explorerHelpText();
        return afx::doctor::UsageErrorExitCode;
    case Action::Check:
        return afx::doctor::runCheckCommand(commandLine.checkProfilePath, commandLine.checkFormat, out, err);
    case Action::OpenWindow:
        break;
    }
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    const afx::doctor::ExplorerCommandLine commandLine = afx::doctor::parseExplorerCommandLine(arguments);
    if (commandLine.action != afx::doctor::ExplorerCommandLine::Action::OpenWindow)
        return runWithoutWindow(argc, argv, commandLine);

    // Joined below, once the application object exists and before any widget measures text.
    std::jthread fontConfig = afx::gui::startFontConfigLoad();
    QApplication app(argc, argv);
    if (fontConfig.joinable())
        fontConfig.join();
    QApplication::setApplicationName(QStringLiteral("authflow-explorer"));
    QApplication::setApplicationDisplayName(QStringLiteral("Auth Flow Explorer"));
    QApplication::setOrganizationName(QStringLiteral("authflow-explorer"));
    QApplication::setApplicationVersion(QStringLiteral(AFX_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("authflow-explorer"));
    // The style the user chose (-style, QT_STYLE_OVERRIDE) or the desktop's, with a few icons
    // loaded late (see deferrediconstyle.h).
    QApplication::setStyle(new afx::gui::DeferredIconStyle(QStyleFactory::create(QApplication::style()->name())));

    afx::gui::MainWindowOptions options;
    options.useKeychain = !commandLine.memoryStore;
    options.profilesDirectory = commandLine.profilesDirectory;
    options.sandboxPort = commandLine.sandboxPort;

    afx::gui::MainWindow window(options);
    const QStringList positional = commandLine.positionalArguments;
    const QByteArray probe = qgetenv("AFX_STARTUP_PROBE");

    // Work that needs the network, the keychain or key generation (the sandbox makes an RSA
    // key) starts once the first frame is on screen, so it never delays the window.
    afx::gui::runAfterFirstPaint(&window, [&window, positional, probe] {
        // Benchmarks (tests/bench) start the app with AFX_STARTUP_PROBE set: "shown" prints a
        // line at this point and quits; "ready" prints a line once the window has loaded its
        // profiles and probed the keychain, and keeps running.
        if (probe == "shown") {
            std::fputs("afx-probe shown\n", stdout);
            std::fflush(stdout);
            QCoreApplication::exit(0);
            return;
        }
        if (probe == "ready")
            QObject::connect(&window, &afx::gui::MainWindow::ready, &window, [] {
                std::fputs("afx-probe ready\n", stdout);
                std::fflush(stdout);
            });
        window.initialize();
        if (!positional.isEmpty())
            window.openProfileFile(positional.first());
    });
    window.show();
    return app.exec();
}
