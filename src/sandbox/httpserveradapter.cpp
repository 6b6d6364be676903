#include "sandbox/httpserveradapter.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

#include <memory>

namespace afx::sandbox {

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    case QHttpServerRequest::Method::Connect:
        return "CONNECT";
    case QHttpServerRequest::Method::Trace:
        return "TRACE";
    default:
        return "UNKNOWN";
    }
}

} // namespace

HttpServerAdapter::HttpServerAdapter(Handler handler, Observer observer, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_handler(std::move(handler))
    , m_observer(std::move(observer))
{
}

quint16 HttpServerAdapter::listenOnLoopback(quint16 port, QString *error)
{
    auto *tcpServer = new QTcpServer(this);
    if (!tcpServer->listen(QHostAddress::LocalHost, port)) {
        if (error)
            *error = tcpServer->errorString();
        delete tcpServer;
        return 0;
    }
    bind(tcpServer);
    return tcpServer->serverPort();
}

bool HttpServerAdapter::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    HttpRequest converted;
    converted.method = methodName(request.method());
    converted.path = request.url().path();
    converted.rawQuery = request.url().query(QUrl::FullyEncoded).toUtf8();
    converted.headers = request.headers();
    converted.body = request.body();

    // The responder outlives this call when the handler responds later. Measured with Qt
    // 6.4.2: a responder kept past handleRequest() still writes its response. The socket is
    // deleted when the client disconnects first, so the guard skips the write then.
    auto responder = std::make_shared<QHttpServerResponder>(makeResponder(request, socket));
    const QPointer<QTcpSocket> guard(socket);
    const QPointer<HttpServerAdapter> self(this);
    auto responded = std::make_shared<bool>(false);
    const Respond respond = [self, converted, responder, guard, responded](const HttpResponse &result) {
        if (*responded || !self)
            return;
        *responded = true;
        HttpResponse response = result;
        if (converted.method == "HEAD") {
            // No handler serves HEAD (they return 405), and a HEAD response must not carry a body.
            response.body.clear();
            response.contentType.clear();
        }
        if (guard) {
            QHttpServerResponse reply(response.contentType, response.body,
                                      QHttpServerResponse::StatusCode(response.status));
            for (const auto &[name, value] : response.headers)
                reply.addHeader(name, value);
            reply.write(std::move(*responder));
        }
        self->m_observer(converted, response);
    };
    m_handler(converted, respond);
    return true;
}

void HttpServerAdapter::missingHandler(const QHttpServerRequest &, QTcpSocket *)
{
    // Never called, because handleRequest() handles every request.
}

} // namespace afx::sandbox
