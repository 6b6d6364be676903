#include "sandbox/sandboxserver.h"

#include "sandbox/faultswitchboard.h"
#include "sandbox/graphqlbackend.h"
#include "sandbox/httpserveradapter.h"
#include "sandbox/identityprovider.h"
#include "sandbox/logging.h"
#include "sandbox/socialprovider.h"
#include "sandbox/socialsignin.h"

#include "flow/trace.h"

#include <QPointer>
#include <QTimer>

namespace afx::sandbox {

Q_LOGGING_CATEGORY(lcSandbox, "afx.sandbox")

namespace {

// The client id under which the sandbox signs in at its social provider.
const QString socialClientId = QStringLiteral("explorer-sandbox-broker");

} // namespace

class SandboxServer::Private {
public:
    Private()
        : provider(&clock)
        , backend(&provider, &clock)
        , social(&clock)
        , socialSignIn(&provider, &clock)
    {
        provider.setFaults(&faults);
        backend.setFaults(&faults);
    }

    void handle(const HttpRequest &request, const Respond &respond)
    {
        // clock-skew: the provider's clock runs ahead, and so does the Date header of every
        // response. Without the fault the sandbox sends no Date header.
        const Respond send = [this, respond](const HttpResponse &response) {
            if (!faults.isOn(SandboxFault::ClockSkew)) {
                respond(response);
                return;
            }
            HttpResponse dated = response;
            dated.addHeader("Date", FaultSwitchboard::httpDate(clock.now() + FaultSwitchboard::clockSkewSeconds));
            respond(dated);
        };

        // These respond later: the callback waits for the social provider's token endpoint,
        // an introspecting backend for the provider's /introspect, and slow-jwks for its timer.
        if (request.path == QLatin1String("/social/callback")) {
            socialSignIn.callback(request, send);
            return;
        }
        if (request.path == QLatin1String("/graphql")) {
            backend.handle(request, send);
            faults.reportActed();
            return;
        }
        if (request.path == QLatin1String("/jwks") && request.method == "GET") {
            serveJwks(send);
            return;
        }
        const HttpResponse response = route(request);
        faults.reportActed();
        send(response);
    }

    void serveJwks(const Respond &send)
    {
        if (faults.act(SandboxFault::JwksDown)) {
            HttpResponse response = HttpResponse::json(
                503, QJsonObject{{QStringLiteral("error"), QStringLiteral("temporarily_unavailable")},
                                 {QStringLiteral("error_description"),
                                  QStringLiteral("The key set is unavailable (the jwks-down fault is on).")}});
            response.addHeader("Retry-After", "30");
            response.addHeader("Cache-Control", "no-store");
            faults.reportActed();
            send(response);
            return;
        }
        const HttpResponse response = provider.jwks();
        const bool slow = faults.act(SandboxFault::SlowJwks);
        faults.reportActed();
        if (!slow) {
            send(response);
            return;
        }
        // The server is the timer's context, so the timer dies with it when the sandbox stops.
        QTimer::singleShot(faults.slowJwksDelayMs(), server, [send, response] { send(response); });
    }

    // Gives the social provider its own lifeline in the trace, because it shares 127.0.0.1
    // with the sandbox and the browser's steps find lifelines by host and port.
    void nameSocialHost()
    {
        if (trace && social.isRunning())
            trace->nameHost(social.authority(), SocialProvider::displayName());
    }

    HttpResponse route(const HttpRequest &request)
    {
        const QString &path = request.path;
        const QByteArray &method = request.method;
        const bool isGet = method == "GET";
        const bool isPost = method == "POST";

        if (path == QLatin1String("/.well-known/openid-configuration"))
            return isGet ? provider.discovery() : HttpResponse::methodNotAllowed("GET");
        if (path == QLatin1String("/jwks")) // GET is served by serveJwks()
            return HttpResponse::methodNotAllowed("GET");
        if (path == QLatin1String("/authorize"))
            return isGet || isPost ? provider.authorize(request) : HttpResponse::methodNotAllowed("GET, POST");
        if (path == QLatin1String("/login"))
            return isPost ? provider.login(request) : HttpResponse::methodNotAllowed("POST");
        if (path == QLatin1String("/signup"))
            return isPost ? provider.signUp(request) : HttpResponse::methodNotAllowed("POST");
        if (path == QLatin1String("/token"))
            return isPost ? provider.token(request) : HttpResponse::methodNotAllowed("POST");
        if (path == QLatin1String("/userinfo"))
            return isGet || isPost ? provider.userinfo(request) : HttpResponse::methodNotAllowed("GET, POST");
        if (path == QLatin1String("/par"))
            return isPost ? provider.pushAuthorizationRequest(request) : HttpResponse::methodNotAllowed("POST");
        if (path == QLatin1String("/device_authorization"))
            return isPost ? provider.deviceAuthorization(request) : HttpResponse::methodNotAllowed("POST");
        if (path == QLatin1String("/device"))
            return isGet || isPost ? provider.device(request) : HttpResponse::methodNotAllowed("GET, POST");
        if (path == QLatin1String("/revoke"))
            return isPost ? provider.revoke(request) : HttpResponse::methodNotAllowed("POST");
        if (path == QLatin1String("/introspect"))
            return isPost ? provider.introspect(request) : HttpResponse::methodNotAllowed("POST");
        if (path == QLatin1String("/logout"))
            return isGet || isPost ? provider.logout(request) : HttpResponse::methodNotAllowed("GET, POST");
        if (path == QLatin1String("/social/start"))
            return isPost ? socialSignIn.start(request) : HttpResponse::methodNotAllowed("POST");
        return HttpResponse::json(404, QJsonObject{{QStringLiteral("error"), QStringLiteral("not_found")},
                                                   {QStringLiteral("error_description"),
                                                    QStringLiteral("The sandbox has no resource at this path.")}});
    }

    SandboxClock clock;
    FaultSwitchboard faults;
    IdentityProvider provider;
    GraphqlBackend backend;
    SocialProvider social;
    SocialSignIn socialSignIn;
    QPointer<Trace> trace;
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
        [this](const HttpRequest &request, const Respond &respond) { d->handle(request, respond); },
        [this](const HttpRequest &request, const HttpResponse &response) {
            qCDebug(lcSandbox).noquote() << request.method << request.path << response.status;
            Q_EMIT requestServed(QString::fromLatin1(request.method), request.path, response.status);
        },
        this);
    QString listenError;
    const quint16 boundPort = server->listenOnLoopback(port, &listenError);
    if (boundPort == 0) {
        const QString message = QStringLiteral("The sandbox could not listen on 127.0.0.1:%1: %2").arg(port).arg(listenError);
        qCWarning(lcSandbox).noquote() << message;
        if (error)
            *error = message;
        delete server;
        return false;
    }
    d->backend.forgetSigningKeys();

    d->server = server;
    d->port = boundPort;
    d->provider.setIssuer(QStringLiteral("http://127.0.0.1:%1").arg(d->port));

    // The social provider is optional: without it the login page has no social button.
    QString socialError;
    if (d->social.start(0, &socialError)) {
        // A new secret per start, so that a stale social provider cannot be used as this client.
        const QString secret = randomToken(32);
        const QString redirectUri = issuer() + QStringLiteral("/social/callback");
        d->social.registerClient(socialClientId, secret, redirectUri);
        d->socialSignIn.configure(d->social.issuer(), socialClientId, secret, redirectUri);
        d->provider.setSocialProviderName(SocialProvider::displayName());
        d->nameSocialHost();
    } else {
        qCWarning(lcSandbox).noquote() << "social sign-in is unavailable:" << socialError;
    }
    qCInfo(lcSandbox).noquote() << "sandbox provider and backend listening at" << issuer();
    return true;
}

void SandboxServer::stop()
{
    if (!d->server)
        return;
    d->socialSignIn.reset();
    d->social.stop();
    d->provider.setSocialProviderName(QString());
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

QString SandboxServer::demoName()
{
    return demoUser().name;
}

bool SandboxServer::addUser(const QString &email, const QString &password, const QString &name, QString *error)
{
    QString problem;
    if (d->provider.users().addUser(email, password, name, &problem))
        return true;
    if (error)
        *error = problem;
    return false;
}

void SandboxServer::setEmployeesDomain(const QString &domain)
{
    d->provider.users().setEmployeesDomain(domain);
}

QString SandboxServer::employeesDomain() const
{
    return d->provider.users().employeesDomain();
}

void SandboxServer::setTrace(Trace *trace)
{
    d->trace = trace;
    d->faults.setTrace(trace);
    d->backend.setTrace(trace);
    d->socialSignIn.setTrace(trace);
    d->nameSocialHost();
}

QString SandboxServer::socialIssuer() const
{
    return d->social.issuer();
}

QString SandboxServer::socialDemoEmail()
{
    return SocialProvider::demoEmail();
}

QString SandboxServer::socialDemoPassword()
{
    return SocialProvider::demoPassword();
}

SocialProvider *SandboxServer::socialProvider() const
{
    return &d->social;
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

void SandboxServer::setFault(SandboxFault fault, bool on)
{
    if (on && !d->faults.isOn(fault)) {
        QString error;
        if (!d->provider.prepareFault(fault, &error)) {
            qCWarning(lcSandbox).noquote() << "fault" << faultName(fault) << "stays off:" << error;
            return;
        }
    }
    if (!d->faults.set(fault, on))
        return;
    qCInfo(lcSandbox).noquote() << "fault" << faultName(fault) << (on ? "switched on" : "switched off");
    Q_EMIT faultsChanged();
}

bool SandboxServer::isFaultOn(SandboxFault fault) const
{
    return d->faults.isOn(fault);
}

QList<SandboxFault> SandboxServer::activeFaults() const
{
    return d->faults.active();
}

QList<SandboxFault> SandboxServer::allFaults()
{
    return allSandboxFaults();
}

QString SandboxServer::faultName(SandboxFault fault)
{
    return sandboxFaultName(fault);
}

QString SandboxServer::faultDescription(SandboxFault fault)
{
    return sandboxFaultDescription(fault);
}

std::optional<SandboxFault> SandboxServer::faultFromName(const QString &name)
{
    return sandboxFaultFromName(name);
}

void SandboxServer::setSlowJwksDelayMs(int ms)
{
    d->faults.setSlowJwksDelayMs(ms);
}

int SandboxServer::slowJwksDelayMs() const
{
    return d->faults.slowJwksDelayMs();
}

void SandboxServer::setBackendIntrospects(bool on)
{
    d->backend.setIntrospects(on);
}

bool SandboxServer::backendIntrospects() const
{
    return d->backend.introspects();
}

int SandboxServer::introspectionCallCount() const
{
    return d->backend.introspectionCount();
}

} // namespace afx::sandbox
