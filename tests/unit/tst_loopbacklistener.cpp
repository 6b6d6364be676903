// The loopback listener for redirect URIs (RFC 8252 section 7.3), over real sockets on
// 127.0.0.1 and ::1.

#include "flow/loopbacklistener.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using afx::LoopbackListener;

namespace {

// A client connection that writes raw bytes and collects everything the listener sends back.
class RawClient {
public:
    RawClient(const QHostAddress &address, quint16 port)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, [this] { m_received += m_socket.readAll(); });
        m_socket.connectToHost(address, port);
    }

    bool waitConnected()
    {
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }

    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }

    // Waits until the listener closed the connection.
    bool waitClosed()
    {
        const bool closed =
            QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, 5000);
        m_received += m_socket.readAll();
        return closed;
    }

    const QByteArray &received() const { return m_received; }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
};

// Sends `chunks` with `pauseMs` between them and returns the response, read up to the close.
QByteArray exchange(const QHostAddress &address, quint16 port, const QList<QByteArray> &chunks, int pauseMs = 0)
{
    RawClient client(address, port);
    if (!client.waitConnected())
        return QByteArray();
    for (const QByteArray &chunk : chunks) {
        client.send(chunk);
        if (pauseMs > 0)
            QTest::qWait(pauseMs);
    }
    client.waitClosed();
    return client.received();
}

QByteArray exchange(quint16 port, const QByteArray &request)
{
    return exchange(QHostAddress(QHostAddress::LocalHost), port, {request});
}

// The status code of a raw response, or -1 when it does not start with an HTTP/1.1 status line.
int statusOf(const QByteArray &response)
{
    if (!response.startsWith("HTTP/1.1 ") || response.size() < 12)
        return -1;
    bool ok = false;
    const int status = response.mid(9, 3).toInt(&ok);
    return ok ? status : -1;
}

QByteArray headerOf(const QByteArray &response, const QByteArray &name)
{
    const qsizetype headEnd = response.indexOf("\r\n\r\n");
    const QList<QByteArray> lines = response.left(headEnd).split('\n');
    for (const QByteArray &line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return QByteArray();
}

QByteArray bodyOf(const QByteArray &response)
{
    const qsizetype headEnd = response.indexOf("\r\n\r\n");
    return headEnd < 0 ? QByteArray() : response.mid(headEnd + 4);
}

QByteArray getRequest(const QByteArray &target, quint16 port)
{
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\n\r\n";
}

// Returns whether a connection to the port is refused, so nothing listens there.
bool connectionRefused(const QHostAddress &address, quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(address, port);
    const bool settled = QTest::qWaitFor([&socket] {
        return socket.state() == QAbstractSocket::ConnectedState || socket.state() == QAbstractSocket::UnconnectedState;
    }, 5000);
    return settled && socket.state() == QAbstractSocket::UnconnectedState
        && socket.error() == QAbstractSocket::ConnectionRefusedError;
}

// A port that was free a moment ago.
quint16 freePort(const QHostAddress &address)
{
    QTcpServer probe;
    if (!probe.listen(address, 0))
        return 0;
    return probe.serverPort();
}

QStringList g_loopbackMessages;

void collectLoopbackMessage(QtMsgType, const QMessageLogContext &context, const QString &message)
{
    if (context.category && QByteArrayView(context.category) == "afx.loopback")
        g_loopbackMessages.append(message);
}

} // namespace

class TestLoopbackListener : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void ephemeralPort_data();
    void ephemeralPort();
    void fixedFreePort();
    void portInUse();
    void rejectedRedirectUri_data();
    void rejectedRedirectUri();
    void localhostHost();
    void ipv6Loopback();

    void queryKeptExactly();
    void rawQueryCharactersEncoded();
    void percentHexNormalized();
    void emptyPathIsRoot();
    void formPostBody();
    void responsePage();
    void acceptedRequest_data();
    void acceptedRequest();
    void faviconIsStray();
    void secondRequestRefused();
    void openConnectionAfterCallback();
    void singleByteWrites();
    void interleavedConnections();
    void rejectedRequest_data();
    void rejectedRequest();

    void timeoutClosesPort();
    void closeDuringRequest();
    void destroyDuringRequest();
    void closeInCallbackHandler();
    void logOmitsQuery();
};

void TestLoopbackListener::ephemeralPort_data()
{
    QTest::addColumn<QString>("uri");
    QTest::newRow("no port") << QStringLiteral("http://127.0.0.1/callback");
    QTest::newRow("port 0") << QStringLiteral("http://127.0.0.1:0/callback");
}

void TestLoopbackListener::ephemeralPort()
{
    QFETCH(QString, uri);
    LoopbackListener listener;
    QString error;
    QVERIFY2(listener.listen(QUrl(uri), &error), qPrintable(error));
    QVERIFY(listener.isListening());
    QVERIFY(listener.port() != 0);
    QCOMPARE(listener.redirectUri(), QUrl(QStringLiteral("http://127.0.0.1:%1/callback").arg(listener.port())));

    const QByteArray response = exchange(listener.port(), getRequest("/favicon.ico", listener.port()));
    QCOMPARE(statusOf(response), 404);
}

void TestLoopbackListener::fixedFreePort()
{
    const quint16 port = freePort(QHostAddress(QHostAddress::LocalHost));
    QVERIFY(port != 0);
    LoopbackListener listener;
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://127.0.0.1:%1/callback").arg(port)), &error), qPrintable(error));
    QCOMPARE(listener.port(), port);
    QCOMPARE(listener.redirectUri().port(), int(port));
}

void TestLoopbackListener::portInUse()
{
    QTcpServer occupant;
    QVERIFY(occupant.listen(QHostAddress(QHostAddress::LocalHost), 0));
    const QString uri = QStringLiteral("http://127.0.0.1:%1/callback").arg(occupant.serverPort());

    LoopbackListener listener;
    QString error;
    QVERIFY(!listener.listen(QUrl(uri), &error));
    QVERIFY2(error.contains(QStringLiteral("Port %1 ").arg(occupant.serverPort())), qPrintable(error));
    QVERIFY2(error.contains(uri), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("Remove the port")), qPrintable(error));
    QVERIFY(!listener.isListening());
    QVERIFY(listener.redirectUri().isEmpty());
}

void TestLoopbackListener::rejectedRedirectUri_data()
{
    QTest::addColumn<QString>("uri");
    QTest::addColumn<QString>("named");

    // None of these hosts is contacted: listen() only parses the URI.
    QTest::newRow("https scheme") << QStringLiteral("https://127.0.0.1/callback") << QStringLiteral("https://127.0.0.1/callback");
    QTest::newRow("documentation address") << QStringLiteral("http://192.0.2.1/cb") << QStringLiteral("http://192.0.2.1/cb");
    QTest::newRow("IPv4 any address") << QStringLiteral("http://0.0.0.0/cb") << QStringLiteral("http://0.0.0.0/cb");
    QTest::newRow("IPv6 any address") << QStringLiteral("http://[::]/cb") << QStringLiteral("http://[::]/cb");
    QTest::newRow("host name") << QStringLiteral("http://example.com/cb") << QStringLiteral("http://example.com/cb");
    QTest::newRow("private-use scheme") << QStringLiteral("com.example.app:/cb") << QStringLiteral("com.example.app:/cb");
    QTest::newRow("fragment") << QStringLiteral("http://127.0.0.1/cb#part") << QStringLiteral("http://127.0.0.1/cb#part");
    QTest::newRow("empty") << QString() << QStringLiteral("redirect URI");
}

void TestLoopbackListener::rejectedRedirectUri()
{
    QFETCH(QString, uri);
    QFETCH(QString, named);
    LoopbackListener listener;
    QString error;
    QVERIFY(!listener.listen(QUrl(uri), &error));
    QVERIFY2(error.contains(named), qPrintable(error));
    QVERIFY(!listener.isListening());
    QCOMPARE(listener.port(), quint16(0));
}

void TestLoopbackListener::localhostHost()
{
    LoopbackListener listener;
    QSignalSpy callbacks(&listener, &LoopbackListener::callbackReceived);
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://localhost/callback")), &error), qPrintable(error));
    QCOMPARE(listener.redirectUri().host(), QStringLiteral("localhost"));

    const QByteArray response = exchange(listener.port(), getRequest("/callback?code=1", listener.port()));
    QCOMPARE(statusOf(response), 200);
    QCOMPARE(callbacks.count(), 1);
    QCOMPARE(callbacks.at(0).at(0).toUrl().toEncoded(),
             "http://localhost:" + QByteArray::number(listener.port()) + "/callback?code=1");
}

void TestLoopbackListener::ipv6Loopback()
{
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress(QHostAddress::LocalHostIPv6), 0))
            QSKIP("This machine cannot listen on ::1.");
    }
    LoopbackListener listener;
    QSignalSpy callbacks(&listener, &LoopbackListener::callbackReceived);
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://[::1]/callback")), &error), qPrintable(error));
    const quint16 port = listener.port();
    QCOMPARE(listener.redirectUri(), QUrl(QStringLiteral("http://[::1]:%1/callback").arg(port)));

    // Bound to ::1 only, so the IPv4 loopback address has nothing on this port.
    QVERIFY(connectionRefused(QHostAddress(QHostAddress::LocalHost), port));

    const QByteArray request = "GET /callback?code=6 HTTP/1.1\r\nHost: [::1]\r\n\r\n";
    const QByteArray response = exchange(QHostAddress(QHostAddress::LocalHostIPv6), port, {request});
    QCOMPARE(statusOf(response), 200);
    QCOMPARE(callbacks.count(), 1);
    QCOMPARE(callbacks.at(0).at(0).toUrl().toEncoded(), "http://[::1]:" + QByteArray::number(port) + "/callback?code=6");
}

void TestLoopbackListener::queryKeptExactly()
{
    LoopbackListener listener;
    QSignalSpy callbacks(&listener, &LoopbackListener::callbackReceived);
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://127.0.0.1/callback")), &error), qPrintable(error));

    // "+" and "%2B" differ in a form-encoded query, and reserved characters stay encoded.
    const QByteArray query = "code=a+b%2Bc%2F%3D%3F&state=x%20y%26z&iss=https%3A%2F%2Fid.example&empty=";
    const QByteArray response = exchange(listener.port(), getRequest("/callback?" + query, listener.port()));
    QCOMPARE(statusOf(response), 200);
    QCOMPARE(callbacks.count(), 1);

    const QUrl url = callbacks.at(0).at(0).toUrl();
    QCOMPARE(url.query(QUrl::FullyEncoded).toLatin1(), query);
    QCOMPARE(url.toEncoded(), "http://127.0.0.1:" + QByteArray::number(listener.port()) + "/callback?" + query);
    QVERIFY(!url.hasFragment());
    QCOMPARE(callbacks.at(0).at(1).toByteArray(), QByteArray("GET"));
    QVERIFY(callbacks.at(0).at(2).toByteArray().isEmpty());
}

void TestLoopbackListener::rawQueryCharactersEncoded()
{
    LoopbackListener listener;
    QSignalSpy callbacks(&listener, &LoopbackListener::callbackReceived);
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://127.0.0.1/callback")), &error), qPrintable(error));

    // Browsers send these characters of a query unencoded.
    const QByteArray response = exchange(listener.port(), getRequest("/callback?state=a|b{c}^d`e\\f", listener.port()));
    QCOMPARE(statusOf(response), 200);
    QCOMPARE(callbacks.count(), 1);
    const QUrl url = callbacks.at(0).at(0).toUrl();
    QCOMPARE(url.query(QUrl::FullyEncoded), QStringLiteral("state=a%7Cb%7Bc%7D%5Ed%60e%5Cf"));
    QCOMPARE(url.query(QUrl::FullyDecoded), QStringLiteral("state=a|b{c}^d`e\\f"));
}

void TestLoopbackListener::percentHexNormalized()
{
    LoopbackListener listener;
    QSignalSpy callbacks(&listener, &LoopbackListener::callbackReceived);
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://127.0.0.1/callback")), &error), qPrintable(error));

    // QUrl's normalization, the one known difference from the bytes received.
    const QByteArray response = exchange(listener.port(), getRequest("/callback?code=%2f%7e", listener.port()));
    QCOMPARE(statusOf(response), 200);
    QCOMPARE(callbacks.count(), 1);
    QCOMPARE(callbacks.at(0).at(0).toUrl().query(QUrl::FullyEncoded), QStringLiteral("code=%2F~"));
}

void TestLoopbackListener::emptyPathIsRoot()
{
    LoopbackListener listener;
    QSignalSpy callbacks(&listener, &LoopbackListener::callbackReceived);
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://127.0.0.1")), &error), qPrintable(error));

    const QByteArray response = exchange(listener.port(), getRequest("/?code=2", listener.port()));
    QCOMPARE(statusOf(response), 200);
    QCOMPARE(callbacks.count(), 1);
    QCOMPARE(callbacks.at(0).at(0).toUrl().path(), QStringLiteral("/"));
    QCOMPARE(callbacks.at(0).at(0).toUrl().query(), QStringLiteral("code=2"));
}

void TestLoopbackListener::formPostBody()
{
    LoopbackListener listener;
    QSignalSpy callbacks(&listener, &LoopbackListener::callbackReceived);
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://127.0.0.1/callback")), &error), qPrintable(error));

    QNetworkAccessManager manager;
    manager.setProxy(QNetworkProxy::NoProxy);
    QNetworkRequest request(listener.redirectUri());
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/x-www-form-urlencoded"));
    const QByteArray body = "code=abc%2B1+2&state=s%26t";
    std::unique_ptr<QNetworkReply> reply(manager.post(request, body));
    QTRY_VERIFY(reply->isFinished());

    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(callbacks.count(), 1);
    QCOMPARE(callbacks.at(0).at(0).toUrl(), listener.redirectUri());
    QCOMPARE(callbacks.at(0).at(1).toByteArray(), QByteArray("POST"));
    QCOMPARE(callbacks.at(0).at(2).toByteArray(), body);
}

void TestLoopbackListener::responsePage()
{
    LoopbackListener listener;
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://127.0.0.1/callback")), &error), qPrintable(error));

    QNetworkAccessManager manager;
    manager.setProxy(QNetworkProxy::NoProxy);
    QUrl url = listener.redirectUri();
    url.setQuery(QStringLiteral("code=PageMustNotShowThis&state=s1"));
    std::unique_ptr<QNetworkReply> reply(manager.get(QNetworkRequest(url)));
    QTRY_VERIFY(reply->isFinished());

    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QVERIFY(reply->header(QNetworkRequest::ContentTypeHeader).toString().startsWith(QStringLiteral("text/html")));
    QCOMPARE(reply->rawHeader("Cache-Control"), QByteArray("no-store"));
    QCOMPARE(reply->rawHeader("Connection"), QByteArray("close"));
    const QByteArray page = reply->readAll();
    QVERIFY(page.contains("<title>Return to Auth Flow Explorer</title>"));
    QVERIFY(page.contains("close this tab"));
    QVERIFY(!page.contains("PageMustNotShowThis"));
    QVERIFY(!page.contains("http"));
}

void TestLoopbackListener::acceptedRequest_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("bare LF line ends") << QByteArray("GET /callback?code=1 HTTP/1.1\nHost: h\n\n") << QByteArray("GET")
                                       << QByteArray();
    QTest::newRow("empty line before request")
        << QByteArray("\r\nGET /callback?code=1 HTTP/1.1\r\nHost: h\r\n\r\n") << QByteArray("GET") << QByteArray();
    QTest::newRow("HTTP/1.0 without Host") << QByteArray("GET /callback?code=1 HTTP/1.0\r\n\r\n") << QByteArray("GET")
                                           << QByteArray();
    QTest::newRow("absolute-form target")
        << QByteArray("GET http://127.0.0.1/callback?code=1 HTTP/1.1\r\nHost: h\r\n\r\n") << QByteArray("GET") << QByteArray();
    QTest::newRow("GET with body") << QByteArray("GET /callback?code=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc")
                                   << QByteArray("GET") << QByteArray();
    QTest::newRow("form type with charset")
        << QByteArray("POST /callback HTTP/1.1\r\nHost: h\r\nContent-Type: Application/X-WWW-Form-Urlencoded; "
                      "charset=UTF-8\r\ncontent-length: 6\r\n\r\ncode=1")
        << QByteArray("POST") << QByteArray("code=1");
    QTest::newRow("equal Content-Length values")
        << QByteArray("POST /callback HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      "Content-Length: 6, 6\r\nContent-Length: 6\r\n\r\ncode=1")
        << QByteArray("POST") << QByteArray("code=1");
    QTest::newRow("empty POST body")
        << QByteArray("POST /callback HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      "Content-Length: 0\r\n\r\n")
        << QByteArray("POST") << QByteArray();
    QTest::newRow("pipelined second request")
        << QByteArray("GET /callback?code=1 HTTP/1.1\r\nHost: h\r\n\r\nGET /callback?code=2 HTTP/1.1\r\nHost: h\r\n\r\n")
        << QByteArray("GET") << QByteArray();
}

void TestLoopbackListener::acceptedRequest()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, body);

    LoopbackListener listener;
    QSignalSpy callbacks(&listener, &LoopbackListener::callbackReceived);
    QSignalSpy strays(&listener, &LoopbackListener::strayRequest);
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://127.0.0.1/callback")), &error), qPrintable(error));

    const QByteArray response = exchange(listener.port(), request);
    QCOMPARE(statusOf(response), 200);
    QCOMPARE(callbacks.count(), 1);
    QCOMPARE(strays.count(), 0);
    QCOMPARE(callbacks.at(0).at(0).toUrl().path(), QStringLiteral("/callback"));
    QCOMPARE(callbacks.at(0).at(1).toByteArray(), method);
    QCOMPARE(callbacks.at(0).at(2).toByteArray(), body);
}

void TestLoopbackListener::faviconIsStray()
{
    LoopbackListener listener;
    QSignalSpy callbacks(&listener, &LoopbackListener::callbackReceived);
    QSignalSpy strays(&listener, &LoopbackListener::strayRequest);
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://127.0.0.1/callback")), &error), qPrintable(error));

    const QByteArray favicon = exchange(listener.port(), getRequest("/favicon.ico", listener.port()));
    QCOMPARE(statusOf(favicon), 404);
    QVERIFY(headerOf(favicon, "Content-Type").startsWith("text/plain"));
    QCOMPARE(bodyOf(favicon), QByteArray("404 Not Found\n"));
    QCOMPARE(strays.count(), 1);
    QCOMPARE(strays.at(0).at(0).toByteArray(), QByteArray("GET"));
    QCOMPARE(strays.at(0).at(1).toString(), QStringLiteral("/favicon.ico"));
    QCOMPARE(strays.at(0).at(2).toInt(), 404);
    QVERIFY(!strays.at(0).at(3).toString().isEmpty());
    QCOMPARE(callbacks.count(), 0);
    QVERIFY(listener.isListening());

    const QByteArray callback = exchange(listener.port(), getRequest("/callback?code=3", listener.port()));
    QCOMPARE(statusOf(callback), 200);
    QCOMPARE(callbacks.count(), 1);
    QCOMPARE(strays.count(), 1);
}

void TestLoopbackListener::secondRequestRefused()
{
    LoopbackListener listener;
    QSignalSpy callbacks(&listener, &LoopbackListener::callbackReceived);
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://127.0.0.1/callback")), &error), qPrintable(error));
    const quint16 port = listener.port();

    QCOMPARE(statusOf(exchange(port, getRequest("/callback?code=4", port))), 200);
    QCOMPARE(callbacks.count(), 1);
    QVERIFY(!listener.isListening());
    // The token request still needs the redirect URI with its port.
    QCOMPARE(listener.redirectUri().port(), int(port));

    QVERIFY(connectionRefused(QHostAddress(QHostAddress::LocalHost), port));
    QCOMPARE(callbacks.count(), 1);
}

void TestLoopbackListener::openConnectionAfterCallback()
{
    LoopbackListener listener;
    QSignalSpy callbacks(&listener, &LoopbackListener::callbackReceived);
    QSignalSpy strays(&listener, &LoopbackListener::strayRequest);
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://127.0.0.1/callback")), &error), qPrintable(error));
    const quint16 port = listener.port();

    // A browser may open a connection ahead of time and use it after the callback.
    RawClient early(QHostAddress(QHostAddress::LocalHost), port);
    QVERIFY(early.waitConnected());
    QCOMPARE(statusOf(exchange(port, getRequest("/callback?code=5", port))), 200);
    QCOMPARE(callbacks.count(), 1);

    early.send(getRequest("/callback?code=again", port));
    QVERIFY(early.waitClosed());
    QCOMPARE(statusOf(early.received()), 404);
    QCOMPARE(callbacks.count(), 1);
    QCOMPARE(strays.count(), 1);
    QCOMPARE(strays.at(0).at(2).toInt(), 404);
}

void TestLoopbackListener::singleByteWrites()
{
    LoopbackListener listener;
    QSignalSpy callbacks(&listener, &LoopbackListener::callbackReceived);
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://127.0.0.1/callback")), &error), qPrintable(error));

    const QByteArray request = "POST /callback HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                               "Content-Length: 13\r\n\r\ncode=7&state=";
    QList<QByteArray> bytes;
    for (char c : request)
        bytes.append(QByteArray(1, c));
    const QByteArray response = exchange(QHostAddress(QHostAddress::LocalHost), listener.port(), bytes, 3);

    QCOMPARE(statusOf(response), 200);
    QCOMPARE(callbacks.count(), 1);
    QCOMPARE(callbacks.at(0).at(2).toByteArray(), QByteArray("code=7&state="));
}

void TestLoopbackListener::interleavedConnections()
{
    LoopbackListener listener;
    QSignalSpy callbacks(&listener, &LoopbackListener::callbackReceived);
    QSignalSpy strays(&listener, &LoopbackListener::strayRequest);
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://127.0.0.1/callback")), &error), qPrintable(error));
    const quint16 port = listener.port();

    const QByteArray favicon = getRequest("/favicon.ico", port);
    const QByteArray callback = getRequest("/callback?code=8", port);
    RawClient first(QHostAddress(QHostAddress::LocalHost), port);
    RawClient second(QHostAddress(QHostAddress::LocalHost), port);
    QVERIFY(first.waitConnected());
    QVERIFY(second.waitConnected());

    first.send(favicon.left(10));
    second.send(callback.left(12));
    QTest::qWait(20);
    first.send(favicon.mid(10));
    QVERIFY(first.waitClosed());
    QCOMPARE(statusOf(first.received()), 404);
    QCOMPARE(callbacks.count(), 0);

    second.send(callback.mid(12));
    QVERIFY(second.waitClosed());
    QCOMPARE(statusOf(second.received()), 200);
    QCOMPARE(callbacks.count(), 1);
    QCOMPARE(strays.count(), 1);
}

void TestLoopbackListener::rejectedRequest_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");

    const QByteArray form = "Content-Type: application/x-www-form-urlencoded\r\n";
    QTest::newRow("garbage request line") << QByteArray("hello\r\n\r\n") << 400;
    QTest::newRow("missing HTTP version") << QByteArray("GET /callback\r\n\r\n") << 400;
    QTest::newRow("lower-case version") << QByteArray("GET /callback http/1.1\r\nHost: h\r\n\r\n") << 400;
    QTest::newRow("HTTP/2.0 version") << QByteArray("GET /callback HTTP/2.0\r\nHost: h\r\n\r\n") << 505;
    QTest::newRow("TLS handshake") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) << 400;
    QTest::newRow("control byte in target") << QByteArray("GET /call\x01" "back HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
    QTest::newRow("relative target") << QByteArray("GET callback HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
    QTest::newRow("header without colon") << QByteArray("GET /callback HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n") << 400;
    QTest::newRow("space before colon") << QByteArray("GET /callback HTTP/1.1\r\nHost : h\r\n\r\n") << 400;
    QTest::newRow("folded header") << QByteArray("GET /callback HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n 2\r\n\r\n") << 400;
    QTest::newRow("HTTP/1.1 without Host") << QByteArray("GET /callback HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("two Host headers") << QByteArray("GET /callback HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400;
    QTest::newRow("oversized headers")
        << QByteArray("GET /callback HTTP/1.1\r\nHost: h\r\nX-Big: " + QByteArray(17000, 'a') + "\r\n\r\n") << 431;
    QTest::newRow("endless request line") << QByteArray("GET /" + QByteArray(20000, 'a')) << 431;
    QTest::newRow("oversized body")
        << QByteArray("POST /callback HTTP/1.1\r\nHost: h\r\n" + form + "Content-Length: 70000\r\n\r\n" + QByteArray(70000, 'b'))
        << 413;
    QTest::newRow("huge Content-Length")
        << QByteArray("POST /callback HTTP/1.1\r\nHost: h\r\n" + form + "Content-Length: 99999999999999999999999\r\n\r\n")
        << 413;
    QTest::newRow("POST without Content-Length") << QByteArray("POST /callback HTTP/1.1\r\nHost: h\r\n" + form + "\r\ncode=1")
                                                 << 411;
    QTest::newRow("non-numeric Content-Length")
        << QByteArray("POST /callback HTTP/1.1\r\nHost: h\r\n" + form + "Content-Length: six\r\n\r\ncode=1") << 400;
    QTest::newRow("negative Content-Length")
        << QByteArray("POST /callback HTTP/1.1\r\nHost: h\r\n" + form + "Content-Length: -6\r\n\r\ncode=1") << 400;
    QTest::newRow("different Content-Length values")
        << QByteArray("POST /callback HTTP/1.1\r\nHost: h\r\n" + form + "Content-Length: 6, 7\r\n\r\ncode=1") << 400;
    QTest::newRow("chunked body")
        << QByteArray("POST /callback HTTP/1.1\r\nHost: h\r\n" + form + "Transfer-Encoding: chunked\r\n\r\n6\r\ncode=1\r\n0\r\n\r\n")
        << 411;
    QTest::newRow("JSON body")
        << QByteArray("POST /callback HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        << 415;
    QTest::newRow("POST without Content-Type") << QByteArray("POST /callback HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\n\r\ncode=1")
                                               << 415;
    QTest::newRow("PUT") << QByteArray("PUT /callback HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\n\r\ncode=1") << 405;
    QTest::newRow("HEAD") << QByteArray("HEAD /callback?code=1 HTTP/1.1\r\nHost: h\r\n\r\n") << 405;
    QTest::newRow("path in other case") << QByteArray("GET /Callback?code=1 HTTP/1.1\r\nHost: h\r\n\r\n") << 404;
    QTest::newRow("longer path") << QByteArray("GET /callback/more?code=1 HTTP/1.1\r\nHost: h\r\n\r\n") << 404;
    QTest::newRow("asterisk target") << QByteArray("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n") << 404;
    QTest::newRow("invalid percent-encoding") << QByteArray("GET /callback?code=%zz HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
    QTest::newRow("truncated percent-encoding") << QByteArray("GET /callback?code=1%2 HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
}

void TestLoopbackListener::rejectedRequest()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);

    LoopbackListener listener;
    QSignalSpy callbacks(&listener, &LoopbackListener::callbackReceived);
    QSignalSpy strays(&listener, &LoopbackListener::strayRequest);
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://127.0.0.1/callback")), &error), qPrintable(error));

    const QByteArray response = exchange(listener.port(), request);
    QCOMPARE(statusOf(response), status);
    QCOMPARE(headerOf(response, "Connection"), QByteArray("close"));
    if (status == 405)
        QCOMPARE(headerOf(response, "Allow"), QByteArray("GET, POST"));
    QCOMPARE(strays.count(), 1);
    QCOMPARE(strays.at(0).at(2).toInt(), status);
    QVERIFY(!strays.at(0).at(3).toString().isEmpty());
    QCOMPARE(callbacks.count(), 0);
    QVERIFY(listener.isListening());
}

void TestLoopbackListener::timeoutClosesPort()
{
    LoopbackListener listener;
    listener.setTimeoutMs(200);
    QSignalSpy timeouts(&listener, &LoopbackListener::timedOut);
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://127.0.0.1/callback")), &error), qPrintable(error));
    const quint16 port = listener.port();

    RawClient pending(QHostAddress(QHostAddress::LocalHost), port);
    QVERIFY(pending.waitConnected());
    pending.send("GET /callback?co");

    QTRY_COMPARE(timeouts.count(), 1);
    QVERIFY(!listener.isListening());
    QVERIFY(listener.redirectUri().isEmpty());
    QVERIFY(pending.waitClosed());
    QVERIFY(pending.received().isEmpty());
    QVERIFY(connectionRefused(QHostAddress(QHostAddress::LocalHost), port));
}

void TestLoopbackListener::closeDuringRequest()
{
    LoopbackListener listener;
    QSignalSpy callbacks(&listener, &LoopbackListener::callbackReceived);
    QSignalSpy strays(&listener, &LoopbackListener::strayRequest);
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://127.0.0.1/callback")), &error), qPrintable(error));
    const quint16 port = listener.port();

    RawClient pending(QHostAddress(QHostAddress::LocalHost), port);
    QVERIFY(pending.waitConnected());
    pending.send("POST /callback HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\ncode");
    QTest::qWait(20);
    listener.close();

    QVERIFY(pending.waitClosed());
    QVERIFY(!listener.isListening());
    QCOMPARE(callbacks.count(), 0);
    QCOMPARE(strays.count(), 0);
    QVERIFY(connectionRefused(QHostAddress(QHostAddress::LocalHost), port));

    // The listener can listen again after close().
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://127.0.0.1/callback")), &error), qPrintable(error));
    QCOMPARE(statusOf(exchange(listener.port(), getRequest("/callback?code=9", listener.port()))), 200);
    QCOMPARE(callbacks.count(), 1);
}

void TestLoopbackListener::destroyDuringRequest()
{
    auto listener = std::make_unique<LoopbackListener>();
    QString error;
    QVERIFY2(listener->listen(QUrl(QStringLiteral("http://127.0.0.1/callback")), &error), qPrintable(error));
    const quint16 port = listener->port();

    RawClient pending(QHostAddress(QHostAddress::LocalHost), port);
    QVERIFY(pending.waitConnected());
    pending.send("GET /callback?code=10 HTTP/1.1\r\nHo");
    QTest::qWait(20);
    listener.reset();

    QVERIFY(pending.waitClosed());
    QVERIFY(pending.received().isEmpty());
    QVERIFY(connectionRefused(QHostAddress(QHostAddress::LocalHost), port));
}

void TestLoopbackListener::closeInCallbackHandler()
{
    LoopbackListener listener;
    connect(&listener, &LoopbackListener::callbackReceived, &listener, &LoopbackListener::close);
    QSignalSpy callbacks(&listener, &LoopbackListener::callbackReceived);
    QString error;
    QVERIFY2(listener.listen(QUrl(QStringLiteral("http://127.0.0.1/callback")), &error), qPrintable(error));

    // The page still arrives complete, because the response was written before the signal.
    const QByteArray response = exchange(listener.port(), getRequest("/callback?code=11", listener.port()));
    QCOMPARE(statusOf(response), 200);
    const QByteArray body = bodyOf(response);
    QCOMPARE(headerOf(response, "Content-Length").toInt(), body.size());
    QVERIFY(body.contains("Auth Flow Explorer"));
    QCOMPARE(callbacks.count(), 1);
    QVERIFY(listener.redirectUri().isEmpty());
}

void TestLoopbackListener::logOmitsQuery()
{
    QLoggingCategory::setFilterRules(QStringLiteral("afx.loopback.info=true"));
    g_loopbackMessages.clear();
    const QtMessageHandler previous = qInstallMessageHandler(collectLoopbackMessage);

    LoopbackListener listener;
    QString error;
    const bool listening = listener.listen(QUrl(QStringLiteral("http://127.0.0.1/callback")), &error);
    const quint16 port = listener.port();
    const int strayStatus = statusOf(exchange(port, getRequest("/favicon.ico?code=SecretStrayCode", port)));
    const QByteArray postRequest = "POST /callback?code=SecretQueryCode HTTP/1.1\r\nHost: h\r\n"
                                   "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 19\r\n\r\n"
                                   "code=SecretBodyCode";
    const int callbackStatus = statusOf(exchange(port, postRequest));

    qInstallMessageHandler(previous);
    QLoggingCategory::setFilterRules(QString());

    QVERIFY2(listening, qPrintable(error));
    QCOMPARE(strayStatus, 404);
    QCOMPARE(callbackStatus, 200);
    const QString log = g_loopbackMessages.join(QLatin1Char('\n'));
    QVERIFY2(log.contains(QStringLiteral("/favicon.ico")), qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral("/callback")), qPrintable(log));
    QVERIFY2(!log.contains(QStringLiteral("Secret")), qPrintable(log));
}

QTEST_GUILESS_MAIN(TestLoopbackListener)
#include "tst_loopbacklistener.moc"
