#pragma once

#include "flow/trace.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QString>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;

namespace afx {

// A back-channel HTTP request and how it is drawn on the diagram.
struct TracedRequest {
    QString method = QStringLiteral("GET");
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QString from = Trace::App;
    QString to = Trace::Provider;
    QString title;          // arrow label; default "METHOD /path"
    QString explanationKey;
    int timeoutMs = 10000;
    qsizetype maxResponseBytes = 4 * 1024 * 1024; // larger responses are cut off and reported

    void addHeader(const QByteArray &name, const QByteArray &value) { headers.append(qMakePair(name, value)); }
};

struct TracedResponse {
    int stepIndex = -1;
    int status = 0;            // 0 when no HTTP response arrived
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    qint64 elapsedMs = 0;
    QString networkError;      // empty on a transport success (any HTTP status)
    bool timedOut = false;

    bool ok() const { return networkError.isEmpty() && status >= 200 && status < 300; }
    QByteArray header(const QByteArray &name) const; // case-insensitive, first match
};

// Sends back-channel HTTP requests and records each as a trace step with its raw request,
// response and timing. Does not follow redirects: a 3xx is reported as such. The step's
// result is left for the caller to set (Ok, Failed) once it has judged the response.
class TracedHttpClient : public QObject {
    Q_OBJECT
public:
    explicit TracedHttpClient(QNetworkAccessManager *network, QObject *parent = nullptr);

    void setTrace(Trace *trace) { m_trace = trace; }
    Trace *trace() const { return m_trace; }

    using Callback = std::function<void(const TracedResponse &)>;
    // The callback runs exactly once, on this object's thread, also on timeout.
    void send(const TracedRequest &request, Callback callback);

    // Sentence for a transport failure: what failed for which URL and what to check.
    static QString describeFailure(const TracedRequest &request, const TracedResponse &response);

    QNetworkAccessManager *network() const { return m_network; }

private:
    QNetworkAccessManager *m_network;
    QPointer<Trace> m_trace;
};

} // namespace afx
