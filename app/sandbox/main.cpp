// authflow-sandbox: the app's built-in OpenID provider and GraphQL backend as a console
// program, so that other clients (a browser, curl, another app) can use it without the GUI.

#include "sandbox/sandboxserver.h"

#include "jose/key.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QStringList>

#include <csignal>
#include <cstdio>

#include <sys/socket.h>
#include <unistd.h>

using afx::sandbox::SandboxFault;
using afx::sandbox::SandboxServer;

namespace {

// Exit codes: 1 when the sandbox cannot start, 2 for invalid options or input files.
constexpr int exitStartFailed = 1;
constexpr int exitUsage = 2;
// The largest --users file that is read.
constexpr qint64 maxUsersFileBytes = 1024 * 1024;

struct UserEntry {
    QString email;
    QString password;
    QString name;
};

void print(const QString &text)
{
    std::fputs(text.toLocal8Bit().constData(), stdout);
    std::fflush(stdout);
}

void printError(const QString &text)
{
    std::fputs(("authflow-sandbox: " + text + QLatin1Char('\n')).toLocal8Bit().constData(), stderr);
}

// Reads the --users file: a JSON array of {"email", "password", "name"} objects. Returns false
// with *error naming the file and the problem.
bool readUsers(const QString &path, QList<UserEntry> *users, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the users file %1: %2").arg(path, file.errorString());
        return false;
    }
    if (file.size() > maxUsersFileBytes) {
        *error = QStringLiteral("the users file %1 is larger than %2 bytes").arg(path).arg(maxUsersFileBytes);
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.read(maxUsersFileBytes + 1), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("the users file %1 is not valid JSON: %2 at offset %3")
                     .arg(path, parseError.errorString())
                     .arg(parseError.offset);
        return false;
    }
    if (!document.isArray()) {
        *error = QStringLiteral("the users file %1 must contain a JSON array of {\"email\", \"password\", \"name\"} objects")
                     .arg(path);
        return false;
    }
    const QJsonArray array = document.array();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonObject object = array.at(i).toObject();
        if (!array.at(i).isObject()) {
            *error = QStringLiteral("entry %1 of the users file %2 is not a JSON object").arg(i).arg(path);
            return false;
        }
        for (const char *member : {"email", "password"}) {
            if (!object.value(QLatin1String(member)).isString()) {
                *error = QStringLiteral("entry %1 of the users file %2 has no \"%3\" string")
                             .arg(i)
                             .arg(path, QLatin1String(member));
                return false;
            }
        }
        const QJsonValue name = object.value(QStringLiteral("name"));
        if (!name.isUndefined() && !name.isString()) {
            *error = QStringLiteral("entry %1 of the users file %2 has a \"name\" that is not a string").arg(i).arg(path);
            return false;
        }
        users->append({object.value(QStringLiteral("email")).toString(), object.value(QStringLiteral("password")).toString(),
                       name.toString()});
    }
    return true;
}

// SIGINT and SIGTERM write a byte to this socket pair, and a QSocketNotifier on the other end
// quits the event loop, because a signal handler may not call into Qt.
int signalSockets[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(signalSockets[0], &byte, 1);
}

bool installSignalHandlers(QCoreApplication *app)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalSockets) != 0)
        return false;
    auto *notifier = new QSocketNotifier(signalSockets[1], QSocketNotifier::Read, app);
    QObject::connect(notifier, &QSocketNotifier::activated, app, [notifier] {
        notifier->setEnabled(false);
        char byte = 0;
        [[maybe_unused]] const ssize_t read = ::read(signalSockets[1], &byte, 1);
        QCoreApplication::quit();
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return ::sigaction(SIGINT, &action, nullptr) == 0 && ::sigaction(SIGTERM, &action, nullptr) == 0;
}

QString summary(const SandboxServer &server, const QList<UserEntry> &users)
{
    const QString issuer = server.issuer();
    QString text;
    text += QStringLiteral("Auth Flow Explorer sandbox %1\n\n").arg(QCoreApplication::applicationVersion());
    text += QStringLiteral("Issuer:      %1\n").arg(issuer);
    text += QStringLiteral("Discovery:   %1/.well-known/openid-configuration\n").arg(issuer);
    text += QStringLiteral("GraphQL:     %1\n").arg(server.graphqlUrl().toString());
    if (!server.socialIssuer().isEmpty())
        text += QStringLiteral("Social:      %1 (Example Social, used by \"Continue with Example Social\")\n")
                    .arg(server.socialIssuer());

    text += QStringLiteral("\nClients:\n");
    text += QStringLiteral("  %1  public, PKCE S256 required\n").arg(SandboxServer::publicClientId());
    text += QStringLiteral("  %1  confidential, client_secret: %2\n")
                .arg(SandboxServer::confidentialClientId(), SandboxServer::confidentialClientSecret());
    text += QStringLiteral("  %1  private_key_jwt only; this program registers no key for it, so it cannot sign in\n")
                .arg(SandboxServer::jwtClientId());
    text += QStringLiteral("Redirect URIs, for every client:\n");
    text += QStringLiteral("  com.example.explorer:/callback\n");
    text += QStringLiteral("  http://127.0.0.1:<any port>/callback\n");
    text += QStringLiteral("  http://[::1]:<any port>/callback\n");

    text += QStringLiteral("\nUsers:\n");
    text += QStringLiteral("  %1  password: %2  (%3)\n")
                .arg(SandboxServer::demoEmail(), SandboxServer::demoPassword(), SandboxServer::demoName());
    for (const UserEntry &user : users)
        text += QStringLiteral("  %1  password from the users file  (%2)\n")
                    .arg(user.email.trimmed(), user.name.isEmpty() ? user.email.trimmed() : user.name);
    if (!server.socialIssuer().isEmpty())
        text += QStringLiteral("  at Example Social: %1  password: %2\n")
                    .arg(SandboxServer::socialDemoEmail(), SandboxServer::socialDemoPassword());

    text += QStringLiteral("\nAuthentication profiles (authorize parameter auth_profile):\n");
    text += QStringLiteral("  open       self sign-up for any e-mail address; new users get the role Guest (read only)\n");
    text += QStringLiteral("  employees  sign-up for addresses of %1 only; new users get the role Employee (read and write)\n")
                .arg(server.employeesDomain());

    QStringList faults;
    for (SandboxFault fault : server.activeFaults())
        faults << SandboxServer::faultName(fault);
    text += QStringLiteral("\nFaults on:   %1\n").arg(faults.isEmpty() ? QStringLiteral("none") : faults.join(QStringLiteral(", ")));
    text += QStringLiteral("\nPress Ctrl+C to stop.\n");
    return text;
}

QString faultList()
{
    QString text;
    for (SandboxFault fault : SandboxServer::allFaults())
        text += QStringLiteral("  %1: %2\n").arg(SandboxServer::faultName(fault), SandboxServer::faultDescription(fault));
    return text;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("authflow-sandbox"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AFX_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Runs the Auth Flow Explorer sandbox: an OpenID provider and a GraphQL backend on 127.0.0.1, "
                       "until Ctrl+C.\n\nFaults:\n")
        + faultList());
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption portOption(QStringLiteral("port"),
                                        QStringLiteral("TCP port on 127.0.0.1 to listen on, 1 to 65535; 0 (the default) "
                                                       "picks a free port."),
                                        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption faultOption(QStringLiteral("fault"),
                                         QStringLiteral("Switches a fault on (see the list above). Repeat the option for "
                                                        "several faults."),
                                         QStringLiteral("NAME"));
    const QCommandLineOption usersOption(QStringLiteral("users"),
                                         QStringLiteral("Adds the users of a JSON file: an array of {\"email\", "
                                                        "\"password\", \"name\"} objects (name is optional). Users of "
                                                        "the employees domain get the role Employee, others Guest."),
                                         QStringLiteral("FILE"));
    const QCommandLineOption keyOption(QStringLiteral("signing-key"),
                                       QStringLiteral("Signs tokens with the RSA private key of a PEM file, so that the "
                                                      "JWKS and issued tokens stay valid across runs. Default: a new "
                                                      "RSA-2048 key per run."),
                                       QStringLiteral("FILE"));
    parser.addOptions({portOption, faultOption, usersOption, keyOption});
    parser.process(app); // exits on --help, --version and unknown options

    bool portValid = false;
    const uint port = parser.value(portOption).toUInt(&portValid);
    if (!portValid || port > 65535) {
        printError(QStringLiteral("invalid --port \"%1\": use a number from 0 to 65535").arg(parser.value(portOption)));
        return exitUsage;
    }

    QList<SandboxFault> faults;
    for (const QString &name : parser.values(faultOption)) {
        const std::optional<SandboxFault> fault = SandboxServer::faultFromName(name);
        if (!fault) {
            QStringList names;
            for (SandboxFault known : SandboxServer::allFaults())
                names << SandboxServer::faultName(known);
            printError(QStringLiteral("unknown fault \"%1\". Valid faults: %2").arg(name, names.join(QStringLiteral(", "))));
            return exitUsage;
        }
        faults.append(*fault);
    }

    QList<UserEntry> users;
    QString error;
    if (parser.isSet(usersOption) && !readUsers(parser.value(usersOption), &users, &error)) {
        printError(error);
        return exitUsage;
    }

    SandboxServer server;
    for (const UserEntry &user : std::as_const(users)) {
        if (!server.addUser(user.email, user.password, user.name, &error)) {
            printError(QStringLiteral("invalid user in %1: %2").arg(parser.value(usersOption), error));
            return exitUsage;
        }
    }

    if (parser.isSet(keyOption)) {
        const QString path = parser.value(keyOption);
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            printError(QStringLiteral("cannot read the signing key %1: %2").arg(path, file.errorString()));
            return exitUsage;
        }
        const afx::jose::Key key = afx::jose::Key::fromPrivatePem(file.read(1024 * 1024), &error);
        if (key.isNull()) {
            printError(QStringLiteral("the signing key %1 is not a PEM private key: %2").arg(path, error));
            return exitUsage;
        }
        if (!server.setSigningKey(key)) {
            printError(QStringLiteral("the signing key %1 is not an RSA private key; the sandbox signs with RS256").arg(path));
            return exitUsage;
        }
    }

    if (!installSignalHandlers(&app)) {
        printError(QStringLiteral("cannot install the SIGINT and SIGTERM handlers"));
        return exitStartFailed;
    }

    if (!server.start(quint16(port), &error)) {
        if (port != 0)
            printError(QStringLiteral("port %1 on 127.0.0.1 is not available (%2). Choose another one with --port, or "
                                      "--port 0 for any free port.")
                           .arg(port)
                           .arg(error));
        else
            printError(error);
        return exitStartFailed;
    }
    for (SandboxFault fault : std::as_const(faults))
        server.setFault(fault, true);
    for (SandboxFault fault : std::as_const(faults)) {
        if (!server.isFaultOn(fault)) {
            printError(QStringLiteral("the fault %1 could not be switched on").arg(SandboxServer::faultName(fault)));
            return exitStartFailed;
        }
    }

    print(summary(server, users));
    const int status = QCoreApplication::exec();
    server.stop();
    print(QStringLiteral("Stopped.\n"));
    return status;
}
