#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QTcpServer;
class QTcpSocket;

namespace afx {

// Receives the authorization response on a loopback redirect URI (RFC 8252 section 7.3), for
// the system browser and for response_mode=form_post, whose POST body no navigation hook receives.
//
// listen() binds to the redirect URI's host (127.0.0.1, [::1]; "localhost" is bound as
// 127.0.0.1) and to its port, or to an ephemeral port when the URI has none; redirectUri()
// then carries the bound port. A GET or POST on the redirect URI's path is the callback: it
// is answered with a page that tells the user to return to the app, reported once through
// callbackReceived(), and the listener stops accepting connections. A request on another
// path (a browser's /favicon.ico) or after the callback is answered with 404 and reported
// through strayRequest(). Requests are read with size limits. One over a limit (413, 431), a
// malformed one (400, 411, 505), another method (405) or a POST body of another type (415)
// is reported as stray too. With no callback within the timeout, timedOut() fires and the
// listener closes.
class LoopbackListener : public QObject {
    Q_OBJECT
public:
    explicit LoopbackListener(QObject *parent = nullptr);
    ~LoopbackListener() override;

    // Starts listening for `redirectUri` (http scheme, loopback host, path such as /callback).
    // Returns false with *error naming the URI or the port when the URI is not a loopback
    // http URI or the port is taken. Calls close() first.
    bool listen(const QUrl &redirectUri, QString *error);
    // Stops listening and drops open connections. Safe to call at any time.
    void close();
    bool isListening() const;

    // The redirect URI with the bound port, exactly as the authorize and token requests must
    // send it. Empty before listen() and after close() or a timeout, but kept after the
    // callback for the token request.
    QUrl redirectUri() const { return m_redirectUri; }
    quint16 port() const;

    // Default 300000 (5 minutes). Applies from the next listen().
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    int timeoutMs() const { return m_timeoutMs; }

    static constexpr qsizetype maxHeaderBytes = 16 * 1024;
    static constexpr qsizetype maxBodyBytes = 64 * 1024;

Q_SIGNALS:
    // The callback arrived. `url` is the requested URL (query included) on the redirect URI's
    // scheme, host and bound port. `method` is "GET" or "POST"; for POST, `formBody` is the
    // raw application/x-www-form-urlencoded body (response_mode=form_post).
    void callbackReceived(const QUrl &url, const QByteArray &method, const QByteArray &formBody);
    // A request that was not the callback, with the status of its response and a reason.
    void strayRequest(const QByteArray &method, const QString &path, int status, const QString &reason);
    void timedOut();

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void respond(QTcpSocket *socket, int status, const QByteArray &contentType, const QByteArray &body);

    QPointer<QTcpServer> m_server;
    QUrl m_redirectUri;
    QTimer m_timeout;
    int m_timeoutMs = 300000;
    bool m_done = false;
    QList<QPointer<QTcpSocket>> m_sockets;
};

} // namespace afx
