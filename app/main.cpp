#include "doctor/commandline.h"
#include "gui/deferrediconstyle.h"
#include "gui/firstpaint.h"
#include "gui/fontwarmup.h"
#include "gui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>
#include <QStyleFactory>
#include <QTimer>

#include <cstdio>

namespace {

// --check runs without a window, so it needs no display: as in a CI job.
int runCheck(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("authflow-explorer"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AFX_VERSION));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Checks a profile and its provider's discovery document."));
    parser.addHelpOption();
    QCommandLineOption check(QStringLiteral("check"),
                             QStringLiteral("Check the profile file and its provider's discovery document without opening a "
                                            "window, print the findings, and exit: 0 no errors, 1 errors found, 2 unreadable "
                                            "profile or discovery document."),
                             QStringLiteral("PROFILE.json"));
    QCommandLineOption format(QStringLiteral("format"), QStringLiteral("Output of --check: text (default) or json."),
                              QStringLiteral("format"), QStringLiteral("text"));
    parser.addOptions({check, format});
    parser.process(app);
    QTextStream out(stdout);
    QTextStream err(stderr);
    return afx::doctor::runCheckCommand(parser.value(check), parser.value(format), out, err);
}

} // namespace

int main(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray argument(argv[i]);
        if (argument == "--check" || argument.startsWith("--check="))
            return runCheck(argc, argv);
    }

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("authflow-explorer"));
    QApplication::setApplicationDisplayName(QStringLiteral("Auth Flow Explorer"));
    QApplication::setOrganizationName(QStringLiteral("authflow-explorer"));
    QApplication::setApplicationVersion(QStringLiteral(AFX_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("authflow-explorer"));
    // The style the user chose (-style, QT_STYLE_OVERRIDE) or the desktop's, with a few icons
    // loaded late (see deferrediconstyle.h).
    QApplication::setStyle(new afx::gui::DeferredIconStyle(QStyleFactory::create(QApplication::style()->name())));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Runs OAuth 2.0 / OpenID Connect logins and draws every step."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("profile"), QStringLiteral("A profile file (JSON) to open and select."),
                                 QStringLiteral("[PROFILE.json]"));
    QCommandLineOption memoryStore(QStringLiteral("memory-store"),
                                   QStringLiteral("Keep tokens in memory for this session instead of the OS keychain."));
    QCommandLineOption profilesDir(QStringLiteral("profiles-dir"),
                                   QStringLiteral("Folder for profile files (default: the user's config folder)."),
                                   QStringLiteral("folder"));
    QCommandLineOption sandboxPort(QStringLiteral("sandbox-port"),
                                   QStringLiteral("Port for the built-in sandbox on 127.0.0.1 (default 47813, or any free port)."),
                                   QStringLiteral("port"));
    // Listed for --help only: main() hands a command line with --check to runCheck().
    QCommandLineOption checkHelp(QStringLiteral("check"),
                                 QStringLiteral("Check a profile file and its provider's discovery document without a "
                                                "window and exit (0 no errors, 1 errors, 2 unreadable input). "
                                                "--format json prints JSON."),
                                 QStringLiteral("PROFILE.json"));
    parser.addOptions({memoryStore, profilesDir, sandboxPort, checkHelp});
    parser.process(app); // exits on --help, --version and unknown options

    // Joined when main returns, before the application object goes.
    const std::jthread fontWarmUp = afx::gui::startFontWarmUp();

    afx::gui::MainWindowOptions options;
    options.useKeychain = !parser.isSet(memoryStore);
    options.profilesDirectory = parser.value(profilesDir);
    if (parser.isSet(sandboxPort)) {
        bool ok = false;
        const uint port = parser.value(sandboxPort).toUInt(&ok);
        if (!ok || port == 0 || port > 65535) {
            qCritical("Invalid --sandbox-port \"%s\": expected a number from 1 to 65535.", qPrintable(parser.value(sandboxPort)));
            return 2;
        }
        options.sandboxPort = quint16(port);
    }

    afx::gui::MainWindow window(options);
    const QStringList positional = parser.positionalArguments();
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
