#include "doctor/commandline.h"

#include "doctor/presets.h"
#include "doctor/profilechecks.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace afx::doctor {

Q_LOGGING_CATEGORY(lcDoctor, "afx.doctor", QtInfoMsg)

namespace {

struct Fetched {
    bool ok = false;
    QByteArray body;
    QString error; // why the document could not be fetched
};

// GETs the discovery document and waits for it in a local event loop.
Fetched fetchDiscovery(const QUrl &url, int timeoutSeconds)
{
    Fetched fetched;
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("AuthFlowExplorer/0.1 (check)"));
    request.setTransferTimeout(qMax(1, timeoutSeconds) * 1000);

    qCInfo(lcDoctor).noquote() << "GET" << url.adjusted(QUrl::RemoveQuery | QUrl::RemoveUserInfo).toString();
    QNetworkReply *reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() == QNetworkReply::OperationCanceledError || reply->error() == QNetworkReply::TimeoutError) {
        fetched.error = QStringLiteral("timed out after %1 seconds (the profile's timeoutSeconds)").arg(qMax(1, timeoutSeconds));
    } else if (status == 0 && reply->error() != QNetworkReply::NoError) {
        fetched.error = reply->errorString();
    } else if (status < 200 || status >= 300) {
        fetched.error = QStringLiteral("the server answered HTTP %1").arg(status);
    } else {
        fetched.ok = true;
        fetched.body = reply->readAll();
    }
    if (!fetched.ok)
        qCWarning(lcDoctor).noquote() << "Discovery failed:" << fetched.error;
    delete reply;
    return fetched;
}

void printText(const QString &profilePath, const QUrl &discoveryUrl, const QList<Finding> &findings, QTextStream &out)
{
    out << "Profile: " << profilePath << '\n';
    if (!discoveryUrl.isEmpty())
        out << "Discovery: " << discoveryUrl.toString() << '\n';
    for (const Finding &finding : findings) {
        out << '\n' << severityName(finding.severity).toUpper() << ' ' << finding.id << ": " << finding.title << '\n';
        const auto indented = [](const QString &text) {
            QString result = text;
            result.replace(QLatin1Char('\n'), QStringLiteral("\n       "));
            return result;
        };
        out << "  What: " << indented(finding.what) << '\n';
        out << "  Why:  " << indented(finding.why) << '\n';
        out << "  Fix:  " << indented(finding.fix) << '\n';
    }
    out << '\n'
        << countSeverity(findings, Finding::Severity::Error) << " error(s), "
        << countSeverity(findings, Finding::Severity::Warning) << " warning(s), "
        << countSeverity(findings, Finding::Severity::Info) << " note(s)\n";
}

void printJson(const QString &profilePath, const QUrl &discoveryUrl, const QString &preset, const QList<Finding> &findings,
               QTextStream &out)
{
    QJsonArray list;
    for (const Finding &finding : findings)
        list.append(finding.toJson());
    const QJsonObject document{
        {QStringLiteral("profile"), profilePath},
        {QStringLiteral("discoveryUrl"), discoveryUrl.toString()},
        {QStringLiteral("preset"), preset},
        {QStringLiteral("errors"), countSeverity(findings, Finding::Severity::Error)},
        {QStringLiteral("warnings"), countSeverity(findings, Finding::Severity::Warning)},
        {QStringLiteral("infos"), countSeverity(findings, Finding::Severity::Info)},
        {QStringLiteral("findings"), list},
    };
    out << QJsonDocument(document).toJson(QJsonDocument::Indented);
}

} // namespace

int runCheckCommand(const QString &profilePath, const QString &format, QTextStream &out, QTextStream &err)
{
    if (format != QLatin1String("text") && format != QLatin1String("json")) {
        err << "Invalid --format \"" << format << "\": use text or json.\n";
        err.flush();
        return CheckCannotRun;
    }

    QFile file(profilePath);
    if (!file.open(QIODevice::ReadOnly)) {
        err << "Cannot read the profile file " << profilePath << ": " << file.errorString() << '\n';
        err.flush();
        return CheckCannotRun;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.read(4 * 1024 * 1024), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        err << "The profile file " << profilePath << " is not a JSON object"
            << (parseError.error != QJsonParseError::NoError
                    ? QStringLiteral(": %1 at byte %2").arg(parseError.errorString()).arg(parseError.offset)
                    : QString())
            << ".\n";
        err.flush();
        return CheckCannotRun;
    }
    Profile profile;
    QString error;
    QStringList warnings;
    if (!Profile::fromJson(document.object(), &profile, &error, &warnings)) {
        err << "The profile file " << profilePath << " is invalid: " << error << '\n';
        err.flush();
        return CheckCannotRun;
    }
    for (const QString &warning : std::as_const(warnings))
        err << profilePath << ": " << warning << '\n';

    QList<Finding> findings = checkProfile(profile);
    const std::optional<Preset> preset = presetForProfile(profile);
    CheckContext context;
    context.profile = &profile;

    const QUrl discoveryUrl = profile.sandbox ? QUrl() : profile.effectiveDiscoveryUrl();
    oidc::ProviderMetadata metadata;
    QJsonObject raw;
    if (profile.sandbox) {
        findings.append(makeFinding(Finding::Severity::Info, QStringLiteral("sandbox-not-checked"),
                                    QStringLiteral("The sandbox is not checked against discovery"),
                                    QStringLiteral("The profile uses the built-in sandbox, whose issuer exists only while the app runs."),
                                    QStringLiteral("The sandbox starts on 127.0.0.1 inside the app, so there is no document to fetch."),
                                    QStringLiteral("Run the login in the app to see the sandbox's steps.")));
    } else if (discoveryUrl.isValid() && (discoveryUrl.scheme() == QLatin1String("https") || discoveryUrl.scheme() == QLatin1String("http"))) {
        const Fetched fetched = fetchDiscovery(discoveryUrl, profile.timeoutSeconds);
        if (!fetched.ok) {
            err << "Cannot fetch the discovery document " << discoveryUrl.toString() << " for the profile " << profilePath
                << ": " << fetched.error << ".\n";
            err.flush();
            // The profile's own findings still help, for example a wrong issuer URL behind the failure.
            if (format == QLatin1String("json"))
                printJson(profilePath, discoveryUrl, preset ? preset->id : QString(), findings, out);
            else
                printText(profilePath, discoveryUrl, findings, out);
            out.flush();
            return CheckCannotRun;
        }
        // The issuer is compared by the doctor's own rules, which name the difference.
        if (oidc::ProviderMetadata::parse(fetched.body, discoveryUrl, QString(), &metadata, &error)) {
            raw = metadata.json;
            findings.append(checkAgainstDiscovery(profile, metadata, raw));
            context.metadata = &metadata;
            context.rawDiscovery = &raw;
        } else {
            findings.append(makeFinding(Finding::Severity::Error, QStringLiteral("discovery-invalid"),
                                        QStringLiteral("The discovery document is not usable"), error,
                                        QStringLiteral("OpenID Connect Discovery 1.0 section 3 defines the document's members; the "
                                                       "app needs at least issuer, authorization_endpoint, token_endpoint and jwks_uri."),
                                        QStringLiteral("Check the issuer or discovery URL in the profile.")));
        }
    }
    if (preset)
        findings.append(checkQuirks(*preset, context));

    if (format == QLatin1String("json"))
        printJson(profilePath, discoveryUrl, preset ? preset->id : QString(), findings, out);
    else
        printText(profilePath, discoveryUrl, findings, out);
    out.flush();
    err.flush();
    return hasErrors(findings) ? CheckFoundErrors : CheckPassed;
}

namespace {

// Options that QGuiApplication and QApplication (Qt 6.4) read from the command line and remove
// before the program parses it. They are hidden from --help but must not count as unknown.
// NOTE: the list may miss a rarely used Qt option, and such an option is then reported as
// unknown (exit 2).
const char *const qtOptionsWithValue[] = {"platform", "platformpluginpath", "platformtheme", "plugin", "qmljsdebugger",
                                          "qwindowgeometry", "geometry", "qwindowtitle", "title", "qwindowicon",
                                          "icon", "display", "name", "session", "style", "stylesheet", "fontengine",
                                          "dpiawareness"};
const char *const qtFlags[] = {"reverse", "widgetcount", "nograb", "dograb", "sync", "testability"};

struct ExplorerOptions {
    QCommandLineOption help = QCommandLineOption({QStringLiteral("h"), QStringLiteral("help")},
                                                 QStringLiteral("Print this help and exit."));
    QCommandLineOption version = QCommandLineOption({QStringLiteral("v"), QStringLiteral("version")},
                                                    QStringLiteral("Print the version and exit."));
    QCommandLineOption check = QCommandLineOption(
        QStringLiteral("check"),
        QStringLiteral("Check a profile file and its provider's discovery document without opening a window, "
                       "print the findings, and exit: 0 no errors, 1 errors found, 2 unreadable profile or "
                       "discovery document. Needs no display."),
        QStringLiteral("PROFILE.json"));
    QCommandLineOption format = QCommandLineOption(QStringLiteral("format"),
                                                   QStringLiteral("Output of --check: text (default) or json."),
                                                   QStringLiteral("format"), QStringLiteral("text"));
    QCommandLineOption memoryStore = QCommandLineOption(
        QStringLiteral("memory-store"), QStringLiteral("Keep tokens in memory for this session instead of the OS keychain."));
    QCommandLineOption profilesDirectory = QCommandLineOption(
        QStringLiteral("profiles-dir"), QStringLiteral("Folder for profile files (default: the user's config folder)."),
        QStringLiteral("folder"));
    QCommandLineOption sandboxPort = QCommandLineOption(
        QStringLiteral("sandbox-port"),
        QStringLiteral("Port for the built-in sandbox on 127.0.0.1 (default 47813, or any free port)."),
        QStringLiteral("port"));
};

// Fills `parser` with the options of ExplorerOptions and Qt's hidden GUI options.
void setUpParser(QCommandLineParser &parser, const ExplorerOptions &options)
{
    // Qt's options are single words after one dash (-style), so "-style" must not read as -s -t ...
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.setApplicationDescription(QStringLiteral("Runs OAuth 2.0 / OpenID Connect logins and draws every step."));
    parser.addPositionalArgument(QStringLiteral("profile"), QStringLiteral("A profile file (JSON) to open and select."),
                                 QStringLiteral("[PROFILE.json]"));
    parser.addOptions({options.help, options.version, options.check, options.format, options.memoryStore,
                       options.profilesDirectory, options.sandboxPort});
    for (const char *name : qtOptionsWithValue) {
        QCommandLineOption option(QString::fromLatin1(name), QString(), QStringLiteral("value"));
        option.setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOption(option);
    }
    for (const char *name : qtFlags) {
        QCommandLineOption option(QString::fromLatin1(name), QString());
        option.setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOption(option);
    }
}

} // namespace

ExplorerCommandLine parseExplorerCommandLine(const QStringList &arguments)
{
    using Action = ExplorerCommandLine::Action;
    ExplorerCommandLine result;
    const ExplorerOptions options;
    QCommandLineParser parser;
    setUpParser(parser, options);
    if (!parser.parse(arguments)) {
        result.action = Action::UsageError;
        result.error = parser.errorText();
        return result;
    }
    if (parser.isSet(options.help)) {
        result.action = Action::ShowHelp;
        return result;
    }
    if (parser.isSet(options.version)) {
        result.action = Action::ShowVersion;
        return result;
    }

    result.checkFormat = parser.value(options.format);
    result.memoryStore = parser.isSet(options.memoryStore);
    result.profilesDirectory = parser.value(options.profilesDirectory);
    result.positionalArguments = parser.positionalArguments();
    if (parser.isSet(options.sandboxPort)) {
        bool ok = false;
        const uint port = parser.value(options.sandboxPort).toUInt(&ok);
        if (!ok || port == 0 || port > 65535) {
            result.action = Action::UsageError;
            result.error = QStringLiteral("Invalid --sandbox-port \"%1\": expected a number from 1 to 65535.")
                               .arg(parser.value(options.sandboxPort));
            return result;
        }
        result.sandboxPort = quint16(port);
    }
    if (parser.isSet(options.check)) {
        result.action = Action::Check;
        result.checkProfilePath = parser.value(options.check);
    }
    return result;
}

QString explorerHelpText()
{
    const ExplorerOptions options;
    QCommandLineParser parser;
    setUpParser(parser, options);
    return parser.helpText();
}

} // namespace afx::doctor
