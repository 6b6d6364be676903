// Memory benchmark.
//   1. Idle: starts the real app (argument 1) and reads its resident set size once the window
//      is ready, before any login (target: at most 100 MB RSS).
//   2. After one login: runs the app's MainWindow in this process, signs in to the built-in
//      sandbox through the embedded browser, and adds up the proportional set size (PSS) of
//      this process and every process it started, WebEngine's helpers included (target: at
//      most 350 MB PSS).
// Usage: bench_memory APP
#include "browserscript.h"
#include "gui/mainwindow.h"
#include "sandbox/sandboxserver.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <unistd.h>

namespace {

// Reads a "Name:   123 kB" line of a /proc file; returns kB or -1.
qint64 procValueKb(const QString &path, const QByteArray &name)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith(name + ':'))
            return line.mid(name.size() + 1).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

qint64 parentOf(const QString &pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = file.readAll();
    // The command name is in parentheses and may contain spaces; fields follow the last ')'.
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    return fields.size() > 1 ? fields.at(1).toLongLong() : -1;
}

// PSS of `root` and all its descendants, in kB, and how many processes that is.
std::pair<qint64, int> treePssKb(qint64 root)
{
    QList<qint64> tree{root};
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    bool grew = true;
    while (grew) {
        grew = false;
        for (const QString &entry : entries) {
            bool isPid = false;
            const qint64 pid = entry.toLongLong(&isPid);
            if (!isPid || tree.contains(pid))
                continue;
            if (tree.contains(parentOf(entry))) {
                tree.append(pid);
                grew = true;
            }
        }
    }
    qint64 total = 0;
    for (const qint64 pid : tree)
        total += std::max<qint64>(0, procValueKb(QStringLiteral("/proc/%1/smaps_rollup").arg(pid), "Pss"));
    return {total, int(tree.size())};
}

qint64 idleRssKb(const QString &app)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("AFX_STARTUP_PROBE"), QStringLiteral("ready"));
    process.setProcessEnvironment(env);
    process.start(app, {});
    QElapsedTimer timer;
    timer.start();
    QByteArray output;
    while (!output.contains("afx-probe ready") && timer.elapsed() < 30000) {
        process.waitForReadyRead(200);
        output += process.readAllStandardOutput();
    }
    if (!output.contains("afx-probe ready")) {
        std::fprintf(stderr, "the app did not report ready: %s\n", process.readAllStandardError().constData());
        process.kill();
        process.waitForFinished();
        return -1;
    }
    QTest::qWait(1000);
    const qint64 rss = procValueKb(QStringLiteral("/proc/%1/status").arg(process.processId()), "VmRSS");
    process.terminate();
    if (!process.waitForFinished(5000)) {
        process.kill();
        process.waitForFinished();
    }
    return rss;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("authflow-explorer-bench"));
    if (app.arguments().size() < 2) {
        std::fprintf(stderr, "usage: bench_memory APP\n");
        return 2;
    }

    const qint64 idle = idleRssKb(app.arguments().at(1));
    if (idle < 0)
        return 1;
    std::printf("idle before first login: %.1f MB RSS (target <= 100)\n", double(idle) / 1024.0);

    QTemporaryDir profiles;
    afx::gui::MainWindowOptions options;
    options.profilesDirectory = profiles.path();
    options.useKeychain = false;
    options.sandboxPort = 0;
    afx::gui::MainWindow window(options);
    window.show();
    window.initialize();
    if (!QTest::qWaitFor([&] { return window.isReady(); }, 15000))
        std::fprintf(stderr, "the window did not become ready within 15 s\n");
    QSignalSpy finished(&window, &afx::gui::MainWindow::loginFinished);
    window.login();
    const bool pageShown = QTest::qWaitFor(
        [&] { return afx::test::evaluate(window.browser(), QStringLiteral("document.querySelector('#email') !== null")) == QLatin1String("true"); },
        30000);
    if (!pageShown) {
        std::fprintf(stderr, "the sandbox login page did not appear\n");
        return 1;
    }
    afx::test::evaluate(window.browser(),
             QStringLiteral("document.querySelector('#email').value='%1';document.querySelector('#password').value='%2';"
                            "document.querySelector('#login').click();true")
                 .arg(afx::sandbox::SandboxServer::demoEmail(), afx::sandbox::SandboxServer::demoPassword()));
    if (!finished.wait(30000) || !finished.first().first().toBool()) {
        std::fprintf(stderr, "the login did not succeed\n");
        return 1;
    }
    QTest::qWait(2000);
    const auto [pss, processes] = treePssKb(getpid());
    std::printf("after one login: %.1f MB PSS across %d processes (target <= 350)\n", double(pss) / 1024.0, processes);
    return 0;
}
