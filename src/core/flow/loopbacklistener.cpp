#include "flow/loopbacklistener.h"

#include <QLoggingCategory>
#include <QTcpServer>
#include <QTcpSocket>

#include <utility>

Q_LOGGING_CATEGORY(lcLoopback, "afx.loopback", QtInfoMsg)

namespace afx {

namespace {

// A request whose head and body were read completely.
struct HttpRequest {
    QByteArray method;
    // Path and query as received, in origin-form (an absolute-form target is cut to its path).
    QByteArray target;
    // Field names in lower case, values without surrounding whitespace, in arrival order.
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QList<QByteArray> headerValues(const QByteArray &lowerCaseName) const
    {
        QList<QByteArray> values;
        for (const auto &[name, value] : headers) {
            if (name == lowerCaseName)
                values.append(value);
        }
        return values;
    }

    // The path of the target, without query and fragment.
    QByteArray path() const { return pathOf(target); }

    static QByteArray pathOf(const QByteArray &target)
    {
        qsizetype end = target.indexOf('?');
        if (end < 0)
            end = target.indexOf('#');
        return end < 0 ? target : target.left(end);
    }
};

// tchar of RFC 9110 section 5.6.2, the characters of methods and field names.
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

// Returns whether the text contains a control character, space or DEL, none of which may
// appear in a request target.
bool hasControlOrSpace(QByteArrayView text)
{
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7f)
            return true;
    }
    return false;
}

// Field values may contain HTAB and bytes from 0x80 up (obs-text), but no other control.
bool isFieldValue(QByteArrayView text)
{
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\t') || byte == 0x7f)
            return false;
    }
    return true;
}

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Returns whether every "%" in the text starts a percent-encoded byte.
bool hasValidPercentEncoding(QByteArrayView text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) != '%')
            continue;
        if (i + 2 >= text.size() || !isHexDigit(text.at(i + 1)) || !isHexDigit(text.at(i + 2)))
            return false;
        i += 2;
    }
    return true;
}

bool isDigits(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

// Parses one HTTP/1.0 or HTTP/1.1 request (RFC 9112) from the bytes of one connection as they
// arrive, however they are split. It is a child of the socket it reads, so it dies with it.
class RequestReader : public QObject {
public:
    enum class Result { Incomplete, Complete, Rejected };

    using QObject::QObject;

    Result append(const QByteArray &data)
    {
        if (m_result != Result::Incomplete)
            return m_result;
        m_buffer.append(data);
        if (!m_headParsed) {
            const Result headResult = readHead();
            if (headResult != Result::Incomplete || !m_headParsed)
                return headResult;
        }
        if (m_buffer.size() < m_bodyLength)
            return Result::Incomplete;
        m_request.body = m_buffer.left(m_bodyLength);
        // Bytes after the body (a pipelined request) are dropped, because the connection closes
        // after the response.
        m_buffer.clear();
        m_result = Result::Complete;
        return m_result;
    }

    const HttpRequest &request() const { return m_request; }
    int rejectStatus() const { return m_rejectStatus; }
    const QString &rejectReason() const { return m_rejectReason; }

    // Set once a response was sent. Later bytes are read and dropped.
    bool responded = false;

private:
    Result reject(int status, const QString &reason)
    {
        m_rejectStatus = status;
        m_rejectReason = reason;
        m_buffer.clear();
        m_result = Result::Rejected;
        return m_result;
    }

    Result readHead()
    {
        // A server should ignore empty lines before the request line (RFC 9112 section 2.2).
        if (m_scanFrom == 0) {
            while (m_buffer.startsWith("\r\n") || m_buffer.startsWith('\n'))
                m_buffer.remove(0, m_buffer.startsWith('\n') ? 1 : 2);
        }

        // The head ends with an empty line. Lines end with CRLF, but a bare LF is accepted too
        // (RFC 9112 section 2.2). The search resumes a few bytes before the previous end.
        const qsizetype crlfEnd = m_buffer.indexOf("\n\r\n", m_scanFrom);
        const qsizetype lfEnd = m_buffer.indexOf("\n\n", m_scanFrom);
        qsizetype headEnd = -1;
        if (crlfEnd >= 0 && (lfEnd < 0 || crlfEnd < lfEnd))
            headEnd = crlfEnd + 3;
        else if (lfEnd >= 0)
            headEnd = lfEnd + 2;

        if (headEnd < 0) {
            if (m_buffer.size() > LoopbackListener::maxHeaderBytes)
                return rejectHeadTooLarge();
            // Without this check a TLS handshake, sent when the user opens an https:// URL on
            // this port, would wait for a line end until the timeout.
            if (!isRequestLineSoFar())
                return reject(400, LoopbackListener::tr("The connection does not start with an HTTP request line. An "
                                                        "https:// URL sends TLS, which this http listener cannot read."));
            m_scanFrom = std::max<qsizetype>(0, m_buffer.size() - 2);
            return Result::Incomplete;
        }
        if (headEnd > LoopbackListener::maxHeaderBytes)
            return rejectHeadTooLarge();

        const QByteArray head = m_buffer.left(headEnd);
        m_buffer.remove(0, headEnd);
        m_headParsed = true;
        return parseHead(head);
    }

    // Checks the request line bytes received so far: printable ASCII and spaces, with a CR
    // only before the LF. Each byte is checked once.
    bool isRequestLineSoFar()
    {
        for (; !m_requestLineEnded && m_requestLineChecked < m_buffer.size(); ++m_requestLineChecked) {
            const auto byte = static_cast<unsigned char>(m_buffer.at(m_requestLineChecked));
            if (byte == '\n') {
                m_requestLineEnded = true;
            } else if (byte == '\r') {
                if (m_requestLineChecked + 1 == m_buffer.size())
                    return true; // the LF may come with the next read
                if (m_buffer.at(m_requestLineChecked + 1) != '\n')
                    return false;
            } else if (byte < 0x20 || byte >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    Result rejectHeadTooLarge()
    {
        return reject(431, LoopbackListener::tr("The request line and headers are longer than %1 bytes.")
                               .arg(LoopbackListener::maxHeaderBytes));
    }

    Result parseHead(const QByteArray &head)
    {
        QList<QByteArray> lines = head.split('\n');
        lines.removeLast(); // the empty text after the final LF
        lines.removeLast(); // the empty line that ends the head
        for (QByteArray &line : lines) {
            if (line.endsWith('\r'))
                line.chop(1);
        }

        const Result lineResult = parseRequestLine(lines.constFirst());
        if (lineResult != Result::Incomplete)
            return lineResult;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const Result fieldResult = parseField(lines.at(i));
            if (fieldResult != Result::Incomplete)
                return fieldResult;
        }
        return checkFraming();
    }

    Result parseRequestLine(const QByteArray &line)
    {
        const QList<QByteArray> parts = line.split(' ');
        if (parts.size() != 3 || !isToken(parts.at(0)) || parts.at(1).isEmpty() || hasControlOrSpace(parts.at(1)))
            return reject(400, LoopbackListener::tr("The request line is not \"method target HTTP-version\"."));
        m_request.method = parts.at(0);

        const QByteArray &version = parts.at(2);
        const bool versionValid = version.size() == 8 && version.startsWith("HTTP/") && isDigits(version.sliced(5, 1))
            && version.at(6) == '.' && isDigits(version.sliced(7, 1));
        if (!versionValid)
            return reject(400, LoopbackListener::tr("The request line ends without a valid HTTP version."));
        m_http11 = version.at(7) != '0';

        // An absolute-form target (RFC 9112 section 3.2.2) is cut to its path and query, so
        // the rest of the reader sees origin-form only.
        QByteArray target = parts.at(1);
        if (target.toLower().startsWith("http://")) {
            qsizetype pathStart = 7;
            while (pathStart < target.size() && !QByteArrayView("/?#").contains(target.at(pathStart)))
                ++pathStart;
            target = target.mid(pathStart);
            if (!target.startsWith('/'))
                target.prepend('/');
        }
        m_request.target = target;

        if (version.at(5) != '1')
            return reject(505, LoopbackListener::tr("Only HTTP/1.0 and HTTP/1.1 are supported."));
        if (!target.startsWith('/') && target != "*")
            return reject(400, LoopbackListener::tr("The request target is neither a path nor an http URL."));
        return Result::Incomplete;
    }

    Result parseField(const QByteArray &line)
    {
        if (line.startsWith(' ') || line.startsWith('\t'))
            return reject(400, LoopbackListener::tr("A header line is folded onto the previous one (obs-fold)."));
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = line.left(colon);
        // isToken also rejects whitespace between the name and the colon (RFC 9112 section 5.1).
        if (colon <= 0 || !isToken(name))
            return reject(400, LoopbackListener::tr("A header line is not \"name: value\"."));
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (!isFieldValue(value))
            return reject(400, LoopbackListener::tr("The value of header %1 contains a control character.")
                                   .arg(QString::fromLatin1(name)));
        m_request.headers.append({name.toLower(), value});
        return Result::Incomplete;
    }

    // Checks Host and finds the body length from Content-Length (RFC 9112 sections 3.2 and 6).
    Result checkFraming()
    {
        const qsizetype hostCount = m_request.headerValues("host").size();
        if (hostCount > 1 || (m_http11 && hostCount == 0))
            return reject(400, LoopbackListener::tr("An HTTP/1.1 request needs exactly one Host header."));

        if (!m_request.headerValues("transfer-encoding").isEmpty())
            return reject(411, LoopbackListener::tr("Transfer-Encoding is not supported. Send the body with a Content-Length."));

        // Several Content-Length values are accepted only if they are all equal, as in "6, 6".
        // Differing values make the framing invalid (RFC 9112 section 6.3).
        QByteArray length;
        for (const QByteArray &field : m_request.headerValues("content-length")) {
            for (const QByteArray &item : field.split(',')) {
                const QByteArray trimmed = item.trimmed();
                if (!isDigits(trimmed))
                    return reject(400, LoopbackListener::tr("The Content-Length is not a decimal number."));
                if (!length.isEmpty() && trimmed != length)
                    return reject(400, LoopbackListener::tr("The request has several different Content-Length values."));
                length = trimmed;
            }
        }

        if (length.isEmpty()) {
            if (m_request.method == "POST")
                return reject(411, LoopbackListener::tr("The POST request has no Content-Length."));
            m_bodyLength = 0;
            return Result::Incomplete;
        }

        // More than 18 digits would overflow the conversion, and is too large anyway.
        bool converted = false;
        const qlonglong value = length.size() <= 18 ? length.toLongLong(&converted) : -1;
        if (!converted || value > LoopbackListener::maxBodyBytes)
            return reject(413, LoopbackListener::tr("The request body is longer than %1 bytes.").arg(LoopbackListener::maxBodyBytes));
        m_bodyLength = static_cast<qsizetype>(value);
        return Result::Incomplete;
    }

    QByteArray m_buffer;
    qsizetype m_scanFrom = 0;
    qsizetype m_requestLineChecked = 0;
    bool m_requestLineEnded = false;
    bool m_headParsed = false;
    bool m_http11 = false;
    qsizetype m_bodyLength = 0;
    HttpRequest m_request;
    Result m_result = Result::Incomplete;
    int m_rejectStatus = 0;
    QString m_rejectReason;
};

RequestReader *readerOf(QTcpSocket *socket)
{
    for (QObject *child : socket->children()) {
        if (auto *reader = dynamic_cast<RequestReader *>(child))
            return reader;
    }
    return nullptr;
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 431: return "Request Header Fields Too Large";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
    }
}

// The page shown in the browser after the callback. It echoes nothing of the request, because
// the query or body carries the authorization code, and loads nothing from elsewhere.
QByteArray callbackPage()
{
    return QByteArrayLiteral(
        "<!DOCTYPE html>\n"
        "<html lang=\"en\">\n"
        "<head>\n"
        "<meta charset=\"utf-8\">\n"
        "<title>Return to Auth Flow Explorer</title>\n"
        "</head>\n"
        "<body>\n"
        "<h1>Return to Auth Flow Explorer</h1>\n"
        "<p>Auth Flow Explorer received the authorization response. You can close this tab and "
        "continue in the app.</p>\n"
        "</body>\n"
        "</html>\n");
}

// The media type of a Content-Type value, without parameters, in lower case.
QByteArray mediaType(const QByteArray &contentType)
{
    const qsizetype semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.left(semicolon)).trimmed().toLower();
}

// Returns the address to bind for a redirect URI host, or a null address for a host that is
// not a loopback address.
QHostAddress loopbackAddress(const QString &host)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return QHostAddress(QHostAddress::LocalHost);
    const QHostAddress address(host);
    if (address.protocol() == QAbstractSocket::IPv4Protocol && address.isLoopback())
        return address;
    if (address == QHostAddress(QHostAddress::LocalHostIPv6))
        return address;
    return QHostAddress();
}

} // namespace

LoopbackListener::LoopbackListener(QObject *parent)
    : QObject(parent)
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        qCInfo(lcLoopback) << "No callback within" << m_timeoutMs << "ms, closing the listener";
        close();
        Q_EMIT timedOut();
    });
}

LoopbackListener::~LoopbackListener()
{
    close();
}

bool LoopbackListener::listen(const QUrl &redirectUri, QString *error)
{
    close();
    m_done = false;

    const QString uriText = redirectUri.toDisplayString();
    auto fail = [&](const QString &message) {
        qCWarning(lcLoopback).noquote() << message;
        if (error)
            *error = message;
        return false;
    };

    if (!redirectUri.isValid() || redirectUri.scheme() != QLatin1String("http"))
        return fail(tr("The redirect URI \"%1\" is not an http URI, so the loopback listener cannot receive its "
                       "callback. Use a URI such as http://127.0.0.1/callback (RFC 8252 section 7.3).")
                        .arg(uriText));
    if (redirectUri.hasFragment())
        return fail(tr("The redirect URI %1 contains a fragment, which a redirect URI must not have (RFC 6749 "
                       "section 3.1.2). Remove the part from \"#\" on.")
                        .arg(uriText));
    const QHostAddress address = loopbackAddress(redirectUri.host());
    if (address.isNull())
        return fail(tr("The host of the redirect URI %1 is not a loopback address, so the listener will not "
                       "bind to it. Use 127.0.0.1, [::1] or localhost as the host.")
                        .arg(uriText));

    // A missing port or port 0 lets the system choose a free one.
    const int requestedPort = std::max(0, redirectUri.port(0));
    auto *server = new QTcpServer(this);
    if (!server->listen(address, static_cast<quint16>(requestedPort))) {
        const QString reason = server->errorString();
        const bool inUse = server->serverError() == QAbstractSocket::AddressInUseError;
        delete server;
        if (inUse)
            return fail(tr("Port %1 on %2 is already in use, so the loopback redirect URI %3 cannot receive the "
                           "callback. Remove the port from the redirect URI to use a free one, or close the "
                           "program that uses the port.")
                            .arg(requestedPort)
                            .arg(address.toString(), uriText));
        return fail(tr("Listening on %1 port %2 for the redirect URI %3 failed: %4")
                        .arg(address.toString())
                        .arg(requestedPort)
                        .arg(uriText, reason));
    }

    m_server = server;
    connect(server, &QTcpServer::newConnection, this, &LoopbackListener::onNewConnection);
    m_redirectUri = redirectUri;
    m_redirectUri.setPort(server->serverPort());
    qCInfo(lcLoopback) << "Listening on" << address.toString() << "port" << server->serverPort();

    // A timeout of 0 or less waits until close().
    if (m_timeoutMs > 0)
        m_timeout.start(m_timeoutMs);
    return true;
}

void LoopbackListener::close()
{
    m_timeout.stop();
    if (m_server) {
        m_server->close();
        m_server->deleteLater();
        m_server = nullptr;
        qCInfo(lcLoopback) << "Stopped listening";
    }

    // The sockets are deleted later and without a parent, because close() may run inside a
    // handler of one of their signals, or from the destructor while such a handler runs.
    const QList<QPointer<QTcpSocket>> sockets = std::exchange(m_sockets, {});
    for (const QPointer<QTcpSocket> &socket : sockets) {
        if (!socket)
            continue;
        disconnect(socket, nullptr, this, nullptr);
        // A socket that has its response keeps flushing it, then closes itself.
        const RequestReader *reader = readerOf(socket);
        if (!reader || !reader->responded)
            socket->abort();
        socket->setParent(nullptr);
        if (socket->state() == QAbstractSocket::UnconnectedState)
            socket->deleteLater();
        else
            connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    }
    m_redirectUri.clear();
}

bool LoopbackListener::isListening() const
{
    return m_server && m_server->isListening();
}

quint16 LoopbackListener::port() const
{
    return static_cast<quint16>(m_redirectUri.port(0));
}

void LoopbackListener::onNewConnection()
{
    while (m_server && m_server->hasPendingConnections()) {
        QTcpSocket *socket = m_server->nextPendingConnection();
        // The socket must outlive the server, which closes right after the callback while the
        // callback's response may still be on its way.
        socket->setParent(this);
        socket->setReadBufferSize(maxHeaderBytes + maxBodyBytes);
        new RequestReader(socket);
        m_sockets.append(socket);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_sockets.removeAll(socket);
            socket->deleteLater();
        });
    }
}

void LoopbackListener::onReadyRead(QTcpSocket *socket)
{
    RequestReader *reader = readerOf(socket);
    const QByteArray data = socket->readAll();
    if (!reader || reader->responded)
        return;

    const RequestReader::Result result = reader->append(data);
    if (result == RequestReader::Result::Incomplete)
        return;

    const HttpRequest &request = reader->request();
    const QString path = QString::fromUtf8(request.path());
    // Responds to a request that is not the callback. The log names method, path and status
    // only, because the query and the body may carry an authorization code.
    auto respondToStray = [&](int status, const QString &reason) {
        respond(socket, status, "text/plain; charset=utf-8", QByteArray::number(status) + ' ' + reasonPhrase(status) + '\n');
        if (request.method.isEmpty())
            qCInfo(lcLoopback) << "Answered a request without a valid request line with" << status;
        else
            qCInfo(lcLoopback).noquote() << "Answered" << request.method << path << "with" << status;
        Q_EMIT strayRequest(request.method, path, status, reason);
    };

    if (result == RequestReader::Result::Rejected) {
        respondToStray(reader->rejectStatus(), reader->rejectReason());
        return;
    }

    if (m_done) {
        respondToStray(404, tr("The callback was already received."));
        return;
    }
    const QString expectedPath = m_redirectUri.path(QUrl::FullyEncoded).isEmpty()
        ? QStringLiteral("/")
        : m_redirectUri.path(QUrl::FullyEncoded);
    // The received path goes through QUrl like the redirect URI did, so both are compared in
    // the same percent-encoding.
    const QString receivedPath = QUrl::fromEncoded("http://h" + request.path()).path(QUrl::FullyEncoded);
    if (receivedPath != expectedPath) {
        respondToStray(404, tr("The path %1 is not the redirect URI's path %2.").arg(path, expectedPath));
        return;
    }
    if (request.method != "GET" && request.method != "POST") {
        respondToStray(405, tr("The redirect URI accepts only GET and POST, not %1.").arg(QString::fromLatin1(request.method)));
        return;
    }
    if (request.method == "POST") {
        const QList<QByteArray> types = request.headerValues("content-type");
        if (types.size() != 1 || mediaType(types.constFirst()) != "application/x-www-form-urlencoded") {
            respondToStray(415, tr("The POST body is not application/x-www-form-urlencoded (response_mode=form_post)."));
            return;
        }
    }

    const QByteArray base = m_redirectUri.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment
                                                   | QUrl::RemoveUserInfo)
                                .toEncoded();
    const qsizetype fragmentStart = request.target.indexOf('#');
    const QByteArray target = fragmentStart < 0 ? request.target : request.target.first(fragmentStart);
    if (!hasValidPercentEncoding(target)) {
        respondToStray(400, tr("The request target contains a \"%\" that is not followed by two hex digits."));
        return;
    }
    // StrictMode keeps the percent-encoding and "+" as received. Browsers leave "|", "{", "}",
    // "^", "`" and "\" unencoded in a query (the WHATWG URL query percent-encode set), which
    // StrictMode rejects, so TolerantMode then encodes them without changing the decoded values.
    // NOTE: QUrl (measured with Qt 6.4.2) writes percent-encoded hex digits in upper case and
    // decodes encoded unreserved characters, so "%7e" arrives as "~".
    QUrl url = QUrl::fromEncoded(base + target, QUrl::StrictMode);
    if (!url.isValid())
        url = QUrl::fromEncoded(base + target, QUrl::TolerantMode);
    if (!url.isValid()) {
        respondToStray(400, tr("The request target is not a valid URL: %1").arg(url.errorString()));
        return;
    }

    m_done = true;
    respond(socket, 200, "text/html; charset=utf-8", callbackPage());
    qCInfo(lcLoopback).noquote() << "Received the callback as" << request.method << path
                                 << "and answered with 200, so the listener stops listening";
    m_timeout.stop();
    if (m_server) {
        m_server->close();
        m_server->deleteLater();
        m_server = nullptr;
    }
    // Emitted last, because a handler may close or delete this listener.
    Q_EMIT callbackReceived(url, request.method, request.method == "POST" ? request.body : QByteArray());
}

void LoopbackListener::respond(QTcpSocket *socket, int status, const QByteArray &contentType, const QByteArray &body)
{
    if (RequestReader *reader = readerOf(socket))
        reader->responded = true;

    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    response += "Content-Type: " + contentType + "\r\n";
    response += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    response += "Cache-Control: no-store\r\n";
    response += "Connection: close\r\n";
    // The page URL carries the authorization code, so no other origin may see it as a referrer,
    // and the page may load nothing.
    response += "Referrer-Policy: no-referrer\r\n";
    response += "Content-Security-Policy: default-src 'none'\r\n";
    response += "X-Content-Type-Options: nosniff\r\n";
    if (status == 405)
        response += "Allow: GET, POST\r\n";
    response += "\r\n";
    response += body;

    socket->write(response);
    // flush() hands the small response to the kernel now, so disconnectFromHost() can close at
    // once. Data that does not fit is written before the close.
    socket->flush();
    // NOTE: request bytes the listener has not read when the socket closes (the rest of an
    // oversized body) make the kernel reset the connection, and a client may then lose the
    // response.
    socket->disconnectFromHost();
}

} // namespace afx
