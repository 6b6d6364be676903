// Start-up benchmark: time from process start until the first window is shown, for the app
// and for a bare Qt Widgets program, measured alternately in the same run. Prints the medians
// and their ratio. Usage: bench_startup APP BARE [RUNS]. RUNS is 31 by default: with 15 starts,
// the bare window's median alone moved between 23.9 and 27.4 ms from one run to the next.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QProcessEnvironment>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

double launchUntilShown(const QString &program)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("AFX_STARTUP_PROBE"), QStringLiteral("shown"));
    process.setProcessEnvironment(env);
    process.setProgram(program);
    QElapsedTimer timer;
    timer.start();
    process.start();
    while (process.state() != QProcess::NotRunning || process.bytesAvailable() > 0) {
        process.waitForReadyRead(100);
        if (process.readAll().contains("afx-probe shown")) {
            const double ms = double(timer.nsecsElapsed()) / 1e6;
            process.waitForFinished(10000);
            return ms;
        }
        if (timer.elapsed() > 30000)
            break;
    }
    std::fprintf(stderr, "%s did not report a shown window: %s\n", qPrintable(program), process.readAllStandardError().constData());
    process.kill();
    process.waitForFinished();
    return -1;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 3) {
        std::fprintf(stderr, "usage: bench_startup APP BARE_WINDOW [RUNS]\n");
        return 2;
    }
    const int runs = args.size() > 3 ? args.at(3).toInt() : 31;
    std::vector<double> appTimes;
    std::vector<double> bareTimes;
    // One warm-up each so both start from a warm file cache.
    launchUntilShown(args.at(1));
    launchUntilShown(args.at(2));
    for (int i = 0; i < runs; ++i) {
        const double a = launchUntilShown(args.at(1));
        const double b = launchUntilShown(args.at(2));
        if (a < 0 || b < 0)
            return 1;
        appTimes.push_back(a);
        bareTimes.push_back(b);
    }
    const double appMedian = median(appTimes);
    const double bareMedian = median(bareTimes);
    std::printf("runs: %d\napp median: %.1f ms\nbare window median: %.1f ms\nratio: %.2f (target <= 1.5)\n", runs,
                appMedian, bareMedian, appMedian / bareMedian);
    return 0;
}
