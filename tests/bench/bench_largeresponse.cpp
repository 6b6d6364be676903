// Large-response benchmark: the query editor receives a generated GraphQL response (20 MB by
// default) from a local server and shows it. Per run it prints
//   - the max UI event-loop stall from sending until the response is shown, measured as the
//     longest gap between the ticks of a 1 ms precise timer,
//   - the time from the response's last byte (QNetworkAccessManager::finished) until the editor
//     reports it shown (requestFinished) plus one synchronous repaint of the response view,
//   - the time QJsonDocument::fromJson takes on the same bytes on the UI thread, before the runs,
// and whether the targets hold: max stall <= 50 ms, time to shown <= 2 x fromJson.
// Each stall is printed with the CPU time the UI thread used during it: a stall with little CPU
// time means the thread waited for a core (other processes), not that the app blocked it.
// The server runs on its own thread so that writing 20 MB does not stall the measured loop.
// Usage: bench_largeresponse [MEGABYTES] [RUNS]
#include "flow/trace.h"
#include "gui/queryeditor.h"
#include "gui/responseview.h"
#include "http/tracedhttpclient.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <ctime>
#include <cstdio>

using namespace afx;

namespace {

QByteArray largeGraphqlResponse(qsizetype size)
{
    QByteArray out = "{\"data\": {\"items\": [";
    out.reserve(size + 1024);
    for (int i = 0; out.size() < size; ++i) {
        if (i > 0)
            out += ',';
        const QByteArray n = QByteArray::number(i);
        out += "{\"id\": \"item-" + n + "\", \"name\": \"Item \\\"quoted\\\" \\u00e9 " + n + "\", \"price\": "
            + QByteArray::number(i * 1.25) + ", \"active\": " + (i % 2 ? "true" : "false")
            + ", \"tags\": [\"red\", \"green\"], \"matrix\": [[1, 2], [3, 4.5e3]], \"owner\": {\"id\": " + n
            + ", \"note\": null}}";
    }
    out += "]}}";
    return out;
}

// Responds to every POST with the same JSON body. Lives on its own thread.
class JsonServer : public QTcpServer {
public:
    explicit JsonServer(QByteArray body)
        : m_body(std::move(body))
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = nextPendingConnection())
                serve(socket);
        });
    }

private:
    void serve(QTcpSocket *socket)
    {
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        auto request = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket, request] {
            request->append(socket->readAll());
            const qsizetype headerEnd = request->indexOf("\r\n\r\n");
            if (headerEnd < 0)
                return;
            qsizetype contentLength = 0;
            for (const QByteArray &line : request->left(headerEnd).split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    contentLength = line.mid(15).trimmed().toLongLong();
            }
            if (request->size() < headerEnd + 4 + contentLength)
                return;
            request->clear();
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/graphql-response+json\r\nContent-Length: "
                          + QByteArray::number(m_body.size()) + "\r\n\r\n");
            socket->write(m_body);
        });
    }

    QByteArray m_body;
};

// CPU time of the calling thread in milliseconds.
double threadCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

struct RunResult {
    qint64 maxStallMs = 0;
    double maxStallCpuMs = 0;
    qint64 lastByteToShownMs = 0;
};

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    const int megabytes = argc > 1 ? std::max(1, atoi(argv[1])) : 20;
    const int runs = argc > 2 ? std::max(1, atoi(argv[2])) : 3;

    const QByteArray body = largeGraphqlResponse(qsizetype(megabytes) * 1024 * 1024);

    std::vector<double> parseTimes;
    for (int i = 0; i < 3; ++i) {
        QElapsedTimer timer;
        timer.start();
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(body, &error);
        parseTimes.push_back(double(timer.nsecsElapsed()) / 1e6);
        if (error.error != QJsonParseError::NoError || !document.isObject()) {
            std::fprintf(stderr, "the generated response is not valid JSON: %s\n", qPrintable(error.errorString()));
            return 1;
        }
    }
    const double parseMs = median(parseTimes);

    QThread serverThread;
    serverThread.start();
    auto *server = new JsonServer(body);
    server->moveToThread(&serverThread);
    quint16 port = 0;
    QMetaObject::invokeMethod(server, [server, &port] {
        if (server->listen(QHostAddress::LocalHost, 0))
            port = server->serverPort();
    }, Qt::BlockingQueuedConnection);
    if (port == 0) {
        std::fprintf(stderr, "the local server failed to listen on 127.0.0.1\n");
        return 1;
    }

    QNetworkAccessManager network;
    Trace trace;
    TracedHttpClient client(&network, nullptr);
    client.setTrace(&trace);
    gui::QueryEditor editor;
    editor.setHttpClient(&client);
    editor.setCredential(gui::QueryEditor::Credential::None);
    editor.setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1/graphql").arg(port)));
    editor.setQuery(QStringLiteral("query Items { items { id name price active tags matrix owner { id note } } }"));
    editor.resize(1000, 800);
    editor.show();
    auto *view = editor.findChild<gui::ResponseView *>();

    QElapsedTimer clock;
    clock.start();
    qint64 lastByteMs = -1;
    QObject::connect(&network, &QNetworkAccessManager::finished, &app, [&] { lastByteMs = clock.elapsed(); });

    std::printf("response: %.1f MiB, %d runs, platform %s\n", double(body.size()) / (1024 * 1024), runs,
                qPrintable(QGuiApplication::platformName()));
    std::printf("QJsonDocument::fromJson on the UI thread: %.0f ms (median of 3)\n", parseMs);

    std::vector<RunResult> results;
    for (int run = 0; run < runs; ++run) {
        QEventLoop settle;
        QTimer::singleShot(300, &settle, &QEventLoop::quit);
        settle.exec();

        qint64 lastTickMs = clock.elapsed();
        double lastTickCpuMs = threadCpuMs();
        qint64 maxGapMs = 0;
        double maxGapCpuMs = 0;
        QTimer ticker;
        ticker.setTimerType(Qt::PreciseTimer);
        ticker.setInterval(1);
        QObject::connect(&ticker, &QTimer::timeout, &app, [&] {
            const qint64 now = clock.elapsed();
            const double nowCpu = threadCpuMs();
            if (now - lastTickMs > maxGapMs) {
                maxGapMs = now - lastTickMs;
                maxGapCpuMs = nowCpu - lastTickCpuMs;
            }
            lastTickMs = now;
            lastTickCpuMs = nowCpu;
        });

        QEventLoop loop;
        qint64 shownMs = -1;
        int status = -1;
        const QMetaObject::Connection finished = QObject::connect(&editor, &gui::QueryEditor::requestFinished, &app, [&](int httpStatus) {
            status = httpStatus;
            view->repaint();
            shownMs = clock.elapsed();
            loop.quit();
        });
        lastByteMs = -1;
        ticker.start();
        editor.send();
        QTimer::singleShot(120000, &loop, &QEventLoop::quit);
        loop.exec();
        ticker.stop();
        QObject::disconnect(finished);
        maxGapMs = std::max(maxGapMs, clock.elapsed() - lastTickMs);

        if (status != 200 || shownMs < 0 || lastByteMs < 0) {
            std::fprintf(stderr, "run %d failed: HTTP status %d\n", run + 1, status);
            return 1;
        }
        RunResult result{maxGapMs, maxGapCpuMs, shownMs - lastByteMs};
        results.push_back(result);
        std::printf("run %d: max UI stall %lld ms (UI thread CPU time in it: %.0f ms), last byte to shown %lld ms\n",
                    run + 1, static_cast<long long>(result.maxStallMs), result.maxStallCpuMs,
                    static_cast<long long>(result.lastByteToShownMs));
    }

    std::vector<double> stalls;
    std::vector<double> shownTimes;
    for (const RunResult &result : results) {
        stalls.push_back(double(result.maxStallMs));
        shownTimes.push_back(double(result.lastByteToShownMs));
    }
    const double maxStall = *std::max_element(stalls.begin(), stalls.end());
    const double shown = median(shownTimes);
    std::printf("max UI stall over all runs: %.0f ms (target <= 50 ms): %s\n", maxStall, maxStall <= 50 ? "met" : "NOT met");
    std::printf("last byte to shown, median: %.0f ms = %.2f x fromJson (target <= 2.00 x): %s\n", shown, shown / parseMs,
                shown <= 2 * parseMs ? "met" : "NOT met");

    QMetaObject::invokeMethod(server, [server] { delete server; }, Qt::BlockingQueuedConnection);
    serverThread.quit();
    serverThread.wait();
    return 0;
}
