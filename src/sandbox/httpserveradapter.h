#pragma once

#include "sandbox/httpexchange.h"

#include <QAbstractHttpServer>

#include <functional>

namespace afx::sandbox {

// The only class that touches the QtHttpServer API, which is a technology preview in Qt 6.4
// and changes in later versions (listen() and bind() among others). Every request goes to
// one handler function, which does the routing.
class HttpServerAdapter : public QAbstractHttpServer {
public:
    using Handler = std::function<void(const HttpRequest &, const Respond &)>;
    // Called after each response is written, for logs and the requestServed() signals.
    using Observer = std::function<void(const HttpRequest &, const HttpResponse &)>;

    HttpServerAdapter(Handler handler, Observer observer, QObject *parent);

    // Listens on 127.0.0.1:`port` (0 picks a free port). Returns the bound port, or 0 with
    // *error set.
    quint16 listenOnLoopback(quint16 port, QString *error);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    Handler m_handler;
    Observer m_observer;
};

} // namespace afx::sandbox
