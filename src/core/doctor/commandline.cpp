#include "doctor/commandline.h"

#include "doctor/presets.h"
#include "doctor/profilechecks.h"

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

} // namespace afx::doctor
