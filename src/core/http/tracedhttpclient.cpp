#include "http/tracedhttpclient.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <memory>

Q_LOGGING_CATEGORY(lcHttp, "afx.http", QtInfoMsg)

namespace afx {

QByteArray TracedResponse::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

TracedHttpClient::TracedHttpClient(QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_network(network)
{
}

void TracedHttpClient::send(const TracedRequest &request, Callback callback)
{
    QNetworkRequest networkRequest(request.url);
    networkRequest.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    networkRequest.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    networkRequest.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("AuthFlowExplorer/0.1"));
    for (const auto &[name, value] : request.headers)
        networkRequest.setRawHeader(name, value);

    int stepIndex = -1;
    if (m_trace) {
        TraceStep step;
        step.from = request.from;
        step.to = request.to;
        step.channel = Channel::Back;
        step.title = request.title.isEmpty() ? request.method + QLatin1Char(' ') + request.url.path() : request.title;
        step.explanationKey = request.explanationKey;
        step.request.method = request.method;
        step.request.url = request.url.toString(QUrl::FullyEncoded);
        for (const auto &[name, value] : request.headers)
            step.request.headers.append({QString::fromLatin1(name), QString::fromLatin1(value)});
        step.request.body = request.body;
        stepIndex = m_trace->append(std::move(step));
    }

    // The log carries method, host and path only: queries and bodies may contain codes or secrets.
    qCInfo(lcHttp).noquote() << request.method << request.url.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo).toString();

    QNetworkReply *reply = m_network->sendCustomRequest(networkRequest, request.method.toLatin1(), request.body);
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    auto finished = std::make_shared<bool>(false);
    auto timedOut = std::make_shared<bool>(false);

    auto *timeout = new QTimer(reply);
    timeout->setSingleShot(true);
    connect(timeout, &QTimer::timeout, reply, [reply, timedOut] {
        *timedOut = true;
        reply->abort();
    });
    timeout->start(request.timeoutMs);

    connect(reply, &QNetworkReply::downloadProgress, reply, [reply, limit = request.maxResponseBytes](qint64 received, qint64) {
        if (received > limit)
            reply->abort();
    });

    QPointer<Trace> trace = m_trace;
    connect(reply, &QNetworkReply::finished, this, [=, this] {
        if (*finished)
            return;
        *finished = true;
        reply->deleteLater();

        TracedResponse response;
        response.stepIndex = stepIndex;
        response.elapsedMs = timer->elapsed();
        response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        for (const auto &[name, value] : reply->rawHeaderPairs())
            response.headers.append({name, value});
        response.body = reply->readAll();
        response.timedOut = *timedOut;
        if (*timedOut) {
            response.networkError = tr("No response within %1 s").arg(request.timeoutMs / 1000.0, 0, 'g', 3);
        } else if (response.body.size() >= request.maxResponseBytes
                   || reply->error() == QNetworkReply::OperationCanceledError) {
            response.networkError = tr("The response is larger than the limit of %1 KiB").arg(request.maxResponseBytes / 1024);
            response.body.truncate(request.maxResponseBytes);
        } else if (reply->error() != QNetworkReply::NoError && response.status == 0) {
            response.networkError = reply->errorString();
        }
        if (!response.networkError.isEmpty())
            qCWarning(lcHttp).noquote() << request.method << request.url.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo).toString()
                                        << "failed:" << response.networkError;

        if (trace && stepIndex >= 0) {
            trace->update(stepIndex, [&](TraceStep &step) {
                step.durationMs = response.elapsedMs;
                step.response.status = response.status;
                for (const auto &[name, value] : response.headers)
                    step.response.headers.append({QString::fromLatin1(name), QString::fromLatin1(value)});
                step.response.body = response.body;
                if (!response.networkError.isEmpty()) {
                    step.result = StepResult::Failed;
                    step.detail = describeFailure(request, response);
                }
            });
        }
        callback(response);
    });
}

QString TracedHttpClient::describeFailure(const TracedRequest &request, const TracedResponse &response)
{
    const QString url = request.url.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo).toString();
    if (response.timedOut)
        return tr("%1 %2 did not respond within %3 s. Check that the server is running and reachable, "
                  "or raise the timeout in the profile.")
            .arg(request.method, url)
            .arg(request.timeoutMs / 1000);
    if (!response.networkError.isEmpty())
        return tr("%1 %2 failed: %3. Check the URL and that the server is running.")
            .arg(request.method, url, response.networkError);
    return tr("%1 %2 returned HTTP %3.").arg(request.method, url).arg(response.status);
}

} // namespace afx
