#include "sandbox/sandboxserver.h"

#include "sandbox/graphqlbackend.h"
#include "sandbox/identityprovider.h"
#include "sandbox/logging.h"

#include "flow/trace.h"

#include <QAbstractHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QTcpServer>

#include <functional>

namespace afx::sandbox {

Q_LOGGING_CATEGORY(lcSandbox, "afx.sandbox")

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

// The only class that touches the QtHttpServer API, which is a technology preview in Qt 6.4
// and changes in later versions (listen() and bind() among others). Every request goes to
// one handler function, and SandboxServer does the routing.
class HttpServerAdapter : public QAbstractHttpServer {
public:
    using Handler = std::function<HttpResponse(const HttpRequest &)>;
    using Observer = std::function<void(const HttpRequest &, const HttpResponse &)>;

    HttpServerAdapter(Handler handler, Observer observer, QObject *parent)
        : QAbstractHttpServer(parent)
        , m_handler(std::move(handler))
        , m_observer(std::move(observer))
    {
    }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        HttpRequest converted;
        converted.method = methodName(request.method());
        converted.path = request.url().path();
        converted.rawQuery = request.url().query(QUrl::FullyEncoded).toUtf8();
        converted.headers = request.headers();
        converted.body = request.body();

        HttpResponse response = m_handler(converted);
        if (converted.method == "HEAD") {
            // No handler serves HEAD (they return 405), and a HEAD response must not carry a body.
            response.body.clear();
            response.contentType.clear();
        }

        QHttpServerResponse reply(response.contentType, response.body,
                                  QHttpServerResponse::StatusCode(response.status));
        for (const auto &[name, value] : response.headers)
            reply.addHeader(name, value);
        reply.write(makeResponder(request, socket));

        m_observer(converted, response);
        return true;
    }

    void missingHandler(const QHttpServerRequest &, QTcpSocket *) override
    {
        // Never called, because handleRequest() handles every request.
    }

private:
    Handler m_handler;
    Observer m_observer;
};

HttpResponse methodNotAllowed(const QByteArray &allowed)
{
    HttpResponse response = HttpResponse::json(405, QJsonObject{{QStringLiteral("error"), QStringLiteral("method_not_allowed")}});
    response.addHeader("Allow", allowed);
    return response;
}

} // namespace

class SandboxServer::Private {
public:
    Private()
        : provider(&clock)
        , backend(&provider, &clock)
    {
    }

    HttpResponse route(const HttpRequest &request)
    {
        const QString &path = request.path;
        const QByteArray &method = request.method;
        const bool isGet = method == "GET";
        const bool isPost = method == "POST";

        if (path == QLatin1String("/.well-known/openid-configuration"))
            return isGet ? provider.discovery() : methodNotAllowed("GET");
        if (path == QLatin1String("/jwks"))
            return isGet ? provider.jwks() : methodNotAllowed("GET");
        if (path == QLatin1String("/authorize"))
            return isGet || isPost ? provider.authorize(request) : methodNotAllowed("GET, POST");
        if (path == QLatin1String("/login"))
            return isPost ? provider.login(request) : methodNotAllowed("POST");
        if (path == QLatin1String("/token"))
            return isPost ? provider.token(request) : methodNotAllowed("POST");
        if (path == QLatin1String("/userinfo"))
            return isGet || isPost ? provider.userinfo(request) : methodNotAllowed("GET, POST");
        if (path == QLatin1String("/par"))
            return isPost ? provider.pushAuthorizationRequest(request) : methodNotAllowed("POST");
        if (path == QLatin1String("/device_authorization"))
            return isPost ? provider.deviceAuthorization(request) : methodNotAllowed("POST");
        if (path == QLatin1String("/device"))
            return isGet || isPost ? provider.device(request) : methodNotAllowed("GET, POST");
        if (path == QLatin1String("/revoke"))
            return isPost ? provider.revoke(request) : methodNotAllowed("POST");
        if (path == QLatin1String("/introspect"))
            return isPost ? provider.introspect(request) : methodNotAllowed("POST");
        if (path == QLatin1String("/logout"))
            return isGet || isPost ? provider.logout(request) : methodNotAllowed("GET, POST");
        if (path == QLatin1String("/graphql"))
            return backend.handle(request);
        return HttpResponse::json(404, QJsonObject{{QStringLiteral("error"), QStringLiteral("not_found")},
                                                   {QStringLiteral("error_description"),
                                                    QStringLiteral("The sandbox has no resource at this path.")}});
    }

    SandboxClock clock;
    IdentityProvider provider;
    GraphqlBackend backend;
    HttpServerAdapter *server = nullptr;
    quint16 port = 0;
    bool keyPreset = false; // setSigningKey() chose the key; start() keeps it
};

SandboxServer::SandboxServer(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
}

SandboxServer::~SandboxServer()
{
    stop();
}

bool SandboxServer::setSigningKey(const jose::Key &key)
{
    d->keyPreset = d->provider.useSigningKey(key);
    return d->keyPreset;
}

jose::Key SandboxServer::signingKey() const
{
    return d->provider.signingKey();
}

void SandboxServer::setClientAssertionKey(const jose::Key &publicKey)
{
    d->provider.setClientAssertionKey(publicKey);
}

bool SandboxServer::start(quint16 port, QString *error)
{
    if (isRunning()) {
        if (error)
            *error = QStringLiteral("The sandbox already runs on port %1.").arg(d->port);
        return false;
    }

    QString keyError;
    if (!d->keyPreset && !d->provider.generateSigningKey(&keyError)) {
        if (error)
            *error = keyError;
        qCWarning(lcSandbox).noquote() << keyError;
        return false;
    }

    auto *server = new HttpServerAdapter(
        [this](const HttpRequest &request) { return d->route(request); },
        [this](const HttpRequest &request, const HttpResponse &response) {
            qCDebug(lcSandbox).noquote() << request.method << request.path << response.status;
            Q_EMIT requestServed(QString::fromLatin1(request.method), request.path, response.status);
        },
        this);
    auto *tcpServer = new QTcpServer(server);
    if (!tcpServer->listen(QHostAddress::LocalHost, port)) {
        const QString message = QStringLiteral("The sandbox could not listen on 127.0.0.1:%1: %2")
                                    .arg(port)
                                    .arg(tcpServer->errorString());
        qCWarning(lcSandbox).noquote() << message;
        if (error)
            *error = message;
        delete server;
        return false;
    }
    server->bind(tcpServer);
    d->backend.forgetSigningKeys();

    d->server = server;
    d->port = tcpServer->serverPort();
    d->provider.setIssuer(QStringLiteral("http://127.0.0.1:%1").arg(d->port));
    qCInfo(lcSandbox).noquote() << "sandbox provider and backend listening at" << issuer();
    return true;
}

void SandboxServer::stop()
{
    if (!d->server)
        return;
    delete d->server;
    d->server = nullptr;
    qCInfo(lcSandbox) << "sandbox on port" << d->port << "stopped";
    d->port = 0;
}

bool SandboxServer::isRunning() const
{
    return d->server != nullptr;
}

quint16 SandboxServer::port() const
{
    return d->port;
}

QString SandboxServer::issuer() const
{
    return d->provider.issuer();
}

QUrl SandboxServer::graphqlUrl() const
{
    return QUrl(d->provider.graphqlUrl());
}

QString SandboxServer::publicClientId()
{
    return QStringLiteral("explorer-sandbox");
}

QString SandboxServer::confidentialClientId()
{
    return QStringLiteral("explorer-sandbox-confidential");
}

QString SandboxServer::confidentialClientSecret()
{
    return QStringLiteral("sandbox+secret/with=special:chars");
}

QString SandboxServer::jwtClientId()
{
    return QStringLiteral("explorer-sandbox-jwt");
}

QStringList SandboxServer::clientCredentialsScopes()
{
    return {QStringLiteral("todos:read")};
}

QString SandboxServer::demoEmail()
{
    return QStringLiteral("demo@example.com");
}

QString SandboxServer::demoPassword()
{
    return QStringLiteral("demo-password");
}

void SandboxServer::setTrace(Trace *trace)
{
    d->backend.setTrace(trace);
}

int SandboxServer::jwksFetchCount() const
{
    return d->backend.jwksFetchCount();
}

void SandboxServer::setDeviceCodeInterval(int seconds)
{
    d->provider.setDeviceCodeInterval(seconds);
}

void SandboxServer::advanceClock(qint64 seconds)
{
    d->clock.offsetSeconds += seconds;
}

qint64 SandboxServer::clockOffset() const
{
    return d->clock.offsetSeconds;
}

} // namespace afx::sandbox
