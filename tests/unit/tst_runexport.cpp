// Run export as HAR 1.2: real runs against the built-in sandbox on 127.0.0.1 are exported and
// parsed back, the structure is checked against the HAR 1.2 members, and no secret that the
// runs used may appear in the file. Hand-built traces cover the masking cases a sandbox run
// does not produce (cookies, other Authorization schemes, lowercase percent-encoding, escaped
// JSON, binary bodies) and the write errors.

#include "doctor/runchecks.h"
#include "export/harexport.h"
#include "flow/authcodeflow.h"
#include "http/tracedhttpclient.h"
#include "httpformagent.h"
#include "oidc/formencoding.h"
#include "sandbox/faults.h"
#include "sandbox/sandboxserver.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <numeric>

using namespace afx;

namespace {

// Form fields and query parameters whose values are secrets.
const QStringList secretFieldNames{QStringLiteral("code"), QStringLiteral("code_verifier"), QStringLiteral("refresh_token"),
                                   QStringLiteral("client_secret"), QStringLiteral("password"), QStringLiteral("access_token"),
                                   QStringLiteral("id_token"), QStringLiteral("token"), QStringLiteral("client_assertion"),
                                   QStringLiteral("device_code")};

QString headerValue(const HttpMessage &message, const QString &name)
{
    for (const auto &header : message.headers)
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    return {};
}

// Collects every secret value that a step carries: secret form fields and query parameters,
// Authorization credentials, and token members of JSON bodies (also nested, as in GraphQL
// responses and variables).
void collectJsonSecrets(const QJsonValue &value, QSet<QString> *secrets)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QString name = it.key();
            const bool secretName = secretFieldNames.contains(name) || name.compare(QLatin1String("idToken"), Qt::CaseInsensitive) == 0
                || name.compare(QLatin1String("accessToken"), Qt::CaseInsensitive) == 0
                || name.compare(QLatin1String("refreshToken"), Qt::CaseInsensitive) == 0;
            if (secretName && it.value().isString())
                secrets->insert(it.value().toString());
            collectJsonSecrets(it.value(), secrets);
        }
    } else if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            collectJsonSecrets(item, secrets);
    }
}

void collectStepSecrets(const TraceStep &step, QSet<QString> *secrets)
{
    const auto collectFields = [secrets](const QByteArray &encoded) {
        oidc::FormFields fields;
        QString error;
        if (!oidc::formDecodeFields(encoded, &fields, &error))
            return;
        for (const auto &[name, value] : fields)
            if (secretFieldNames.contains(name))
                secrets->insert(value);
    };
    const QUrl url(step.request.url);
    collectFields(url.query(QUrl::FullyEncoded).toUtf8());
    collectFields(url.fragment(QUrl::FullyEncoded).toUtf8());
    if (headerValue(step.request, QStringLiteral("Content-Type")).contains(QLatin1String("x-www-form-urlencoded")))
        collectFields(step.request.body);
    const QString authorization = headerValue(step.request, QStringLiteral("Authorization"));
    if (!authorization.isEmpty()) {
        const QString credentials = authorization.section(QLatin1Char(' '), 1).trimmed();
        secrets->insert(credentials);
        if (authorization.startsWith(QLatin1String("Basic "))) {
            // client_id:client_secret, each form-encoded (RFC 6749 section 2.3.1).
            const QString pair = QString::fromUtf8(QByteArray::fromBase64(credentials.toLatin1()));
            secrets->insert(QUrl::fromPercentEncoding(pair.section(QLatin1Char(':'), 1).toUtf8()));
        }
    }
    for (const QByteArray &body : {step.request.body, step.response.body}) {
        const QJsonDocument document = QJsonDocument::fromJson(body);
        if (!document.isNull())
            collectJsonSecrets(document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array()), secrets);
    }
}

// Returns the forms in which a secret could leak into the file: raw, percent-encoded as in URLs
// and form bodies, and with '/' escaped as some JSON writers do.
QList<QByteArray> leakForms(const QString &secret)
{
    QList<QByteArray> forms{secret.toUtf8(), QUrl::toPercentEncoding(secret)};
    QByteArray escaped = secret.toUtf8();
    escaped.replace("/", "\\/");
    forms << escaped;
    return forms;
}

QString describeSecret(const QString &secret)
{
    // The failure message names the secret by its start and length, not in full.
    return QStringLiteral("%1... (%2 chars)").arg(secret.left(6)).arg(secret.size());
}

QJsonObject parseHar(const QByteArray &bytes, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = parseError.errorString();
        return {};
    }
    return document.object().value(QStringLiteral("log")).toObject();
}

bool isNumber(const QJsonObject &object, const QString &name)
{
    return object.value(name).isDouble();
}

bool isString(const QJsonObject &object, const QString &name)
{
    return object.value(name).isString();
}

bool isArray(const QJsonObject &object, const QString &name)
{
    return object.value(name).isArray();
}

// Checks that each item of `list` is an object with string members "name" and "value".
bool isNameValueList(const QJsonValue &list)
{
    if (!list.isArray())
        return false;
    for (const QJsonValue &item : list.toArray())
        if (!item.toObject().value(QStringLiteral("name")).isString() || !item.toObject().value(QStringLiteral("value")).isString())
            return false;
    return true;
}

} // namespace

class TestRunExport : public QObject {
    Q_OBJECT

    FlowResult wait(const std::function<void()> &start)
    {
        QSignalSpy finished(m_flow.get(), &AuthCodeFlow::finished);
        start();
        if (finished.isEmpty() && !finished.wait(40000)) {
            FlowResult timedOut;
            timedOut.message = QStringLiteral("the flow did not finish within 40 s");
            return timedOut;
        }
        return finished.first().first().value<FlowResult>();
    }

    Profile sandboxProfile() const
    {
        Profile profile = Profile::localSandbox();
        profile.issuer = m_sandbox->issuer();
        profile.graphqlUrl = m_sandbox->graphqlUrl();
        return profile;
    }

    Profile confidentialProfile(ClientAuthMethod method) const
    {
        Profile profile = sandboxProfile();
        profile.clientId = sandbox::SandboxServer::confidentialClientId();
        profile.clientAuth = method;
        return profile;
    }

    test::HttpFormAgent *sandboxAgent()
    {
        auto *agent = new test::HttpFormAgent(this);
        agent->fieldValues.insert(QStringLiteral("email"), sandbox::SandboxServer::demoEmail());
        agent->fieldValues.insert(QStringLiteral("password"), sandbox::SandboxServer::demoPassword());
        return agent;
    }

    QByteArray exportToBytes(const QList<doctor::Finding> &findings, const RunExportInfo &info = {})
    {
        const QString path = m_files.filePath(QStringLiteral("run-%1.har").arg(++m_exports));
        QString error;
        if (!writeHarFile(path, *m_trace, findings, info, &error)) {
            qWarning("%s", qPrintable(error));
            return {};
        }
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return file.readAll();
    }

    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<Trace> m_trace;
    std::unique_ptr<TracedHttpClient> m_http;
    std::unique_ptr<AuthCodeFlow> m_flow;
    std::unique_ptr<sandbox::SandboxServer> m_sandbox;
    QTemporaryDir m_files;
    int m_exports = 0;

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<FlowResult>();
        QVERIFY(m_files.isValid());
        m_sandbox = std::make_unique<sandbox::SandboxServer>();
        QString error;
        QVERIFY2(m_sandbox->start(0, &error), qPrintable(error));
    }

    void init()
    {
        m_network = std::make_unique<QNetworkAccessManager>();
        m_trace = std::make_unique<Trace>();
        m_http = std::make_unique<TracedHttpClient>(m_network.get());
        m_http->setTrace(m_trace.get());
        m_flow = std::make_unique<AuthCodeFlow>(m_http.get(), m_trace.get());
        m_sandbox->setTrace(m_trace.get());
    }

    void cleanup()
    {
        m_sandbox->setTrace(nullptr);
        for (const sandbox::SandboxFault fault : sandbox::allSandboxFaults())
            m_sandbox->setFault(fault, false);
    }

    void sandboxRunsExportWithoutSecrets();
    void harStructure();
    void maskingBeyondSandboxRuns();
    void emptyTraceExports();
    void writeErrorsNameFileAndReason();
};

// Several real runs in one trace put every kind of secret on the wire: a code with its PKCE
// verifier, a client secret in a Basic header and in a form body, and refresh and access
// tokens. The password grant sends the password in a form, the login mutation in a GraphQL
// body. The last run fails with a sandbox fault, so the doctor has findings.
void TestRunExport::sandboxRunsExportWithoutSecrets()
{
    QSet<QString> secrets{sandbox::SandboxServer::confidentialClientSecret(), sandbox::SandboxServer::demoPassword()};
    const auto addTokens = [&secrets](const TokenSet &tokens) {
        for (const QString &token : {tokens.idToken, tokens.accessToken, tokens.refreshToken})
            if (!token.isEmpty())
                secrets.insert(token);
    };

    m_flow->setUserAgent(sandboxAgent());
    const FlowResult login = wait([&] {
        m_flow->start(confidentialProfile(ClientAuthMethod::ClientSecretBasic), sandbox::SandboxServer::confidentialClientSecret());
    });
    QVERIFY2(login.ok, qPrintable(login.message));
    QVERIFY(!login.tokens.refreshToken.isEmpty());
    addTokens(login.tokens);

    const FlowResult refreshed = wait([&] {
        m_flow->startRefresh(confidentialProfile(ClientAuthMethod::ClientSecretPost), sandbox::SandboxServer::confidentialClientSecret(),
                             login.tokens);
    });
    QVERIFY2(refreshed.ok, qPrintable(refreshed.message));
    addTokens(refreshed.tokens);

    const FlowResult info = wait([&] { m_flow->startUserInfo(sandboxProfile(), refreshed.tokens); });
    QVERIFY2(info.ok, qPrintable(info.message));

    const FlowResult password = wait([&] {
        m_flow->startPasswordGrant(sandboxProfile(), QString(), sandbox::SandboxServer::demoEmail(), sandbox::SandboxServer::demoPassword());
    });
    QVERIFY2(password.ok, qPrintable(password.message));
    addTokens(password.tokens);

    const FlowResult mutation = wait([&] {
        m_flow->startLoginMutation(sandboxProfile(), sandbox::SandboxServer::demoEmail(), sandbox::SandboxServer::demoPassword());
    });
    QVERIFY2(mutation.ok, qPrintable(mutation.message));
    addTokens(mutation.tokens);

    m_sandbox->setFault(sandbox::SandboxFault::WrongAudience, true);
    m_flow->setUserAgent(sandboxAgent());
    const FlowResult failed = wait([&] { m_flow->start(sandboxProfile(), QString()); });
    QVERIFY2(!failed.ok, "the wrong-audience fault must fail the ID token validation");
    addTokens(failed.tokens);

    for (const TraceStep &step : m_trace->steps())
        collectStepSecrets(step, &secrets);
    secrets.removeIf([](const QString &secret) { return secret.size() < 4; });

    // The collection is not empty by accident: each kind of secret was seen on the wire.
    QString code;
    QString verifier;
    for (const TraceStep &step : m_trace->steps()) {
        if (step.explanationKey != QLatin1String("token-request"))
            continue;
        const QUrlQuery fields(QString::fromUtf8(step.request.body));
        code = fields.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
        verifier = fields.queryItemValue(QStringLiteral("code_verifier"), QUrl::FullyDecoded);
    }
    QVERIFY(!code.isEmpty());
    QVERIFY(!verifier.isEmpty());
    QVERIFY(secrets.contains(code));
    QVERIFY(secrets.contains(verifier));
    QVERIFY(secrets.contains(login.tokens.refreshToken));
    QVERIFY(secrets.contains(login.tokens.idToken));
    QVERIFY(secrets.contains(mutation.tokens.idToken));
    QVERIFY(secrets.size() >= 12);

    const QList<doctor::Finding> findings = doctor::checkRun(*m_trace, failed, sandboxProfile());
    QVERIFY2(!findings.isEmpty(), "the failed validation must give a finding");

    RunExportInfo runInfo;
    runInfo.profileName = QStringLiteral("Local sandbox");
    runInfo.issuer = m_sandbox->issuer();
    runInfo.clientId = sandbox::SandboxServer::publicClientId();
    runInfo.outcome = failed.message;
    const QByteArray bytes = exportToBytes(findings, runInfo);
    QVERIFY(!bytes.isEmpty());

    for (const QString &secret : std::as_const(secrets))
        for (const QByteArray &form : leakForms(secret))
            QVERIFY2(!bytes.contains(form), qPrintable(QStringLiteral("secret %1 is in the export").arg(describeSecret(secret))));

    QString error;
    const QJsonObject log = parseHar(bytes, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    // The findings are in the file, in the doctor's order, each pointing at a step.
    const QJsonArray exportedFindings = log.value(QStringLiteral("_findings")).toArray();
    QCOMPARE(exportedFindings.size(), findings.size());
    for (int i = 0; i < findings.size(); ++i) {
        const QJsonObject finding = exportedFindings.at(i).toObject();
        QCOMPARE(finding.value(QStringLiteral("id")).toString(), findings.at(i).id);
        QCOMPARE(finding.value(QStringLiteral("severity")).toString(), doctor::severityName(findings.at(i).severity));
        QCOMPARE(finding.value(QStringLiteral("step")).toInt(-2), findings.at(i).step);
        for (const QString &member : {QStringLiteral("title"), QStringLiteral("what"), QStringLiteral("why"), QStringLiteral("fix")})
            QVERIFY2(!finding.value(member).toString().isEmpty(), qPrintable(member));
    }
    bool errorWithStep = false;
    for (const doctor::Finding &finding : findings)
        errorWithStep |= finding.severity == doctor::Finding::Severity::Error && finding.step >= 0;
    QVERIFY(errorWithStep);

    // Every step is in the file once: HTTP steps as entries, the others in _steps, in trace order.
    QList<int> entryIndexes;
    for (const QJsonValue &entry : log.value(QStringLiteral("entries")).toArray())
        entryIndexes << entry.toObject().value(QStringLiteral("_step")).toObject().value(QStringLiteral("index")).toInt(-1);
    QList<int> otherIndexes;
    for (const QJsonValue &step : log.value(QStringLiteral("_steps")).toArray())
        otherIndexes << step.toObject().value(QStringLiteral("index")).toInt(-1);
    QVERIFY(std::is_sorted(entryIndexes.cbegin(), entryIndexes.cend()));
    QVERIFY(std::adjacent_find(entryIndexes.cbegin(), entryIndexes.cend()) == entryIndexes.cend());
    QVERIFY(std::is_sorted(otherIndexes.cbegin(), otherIndexes.cend()));
    QList<int> all = entryIndexes + otherIndexes;
    std::sort(all.begin(), all.end());
    QList<int> expected(m_trace->count());
    std::iota(expected.begin(), expected.end(), 0);
    QCOMPARE(all, expected);
    for (const int index : std::as_const(entryIndexes))
        QVERIFY(!m_trace->step(index).request.url.isEmpty());
    for (const int index : std::as_const(otherIndexes))
        QVERIFY(m_trace->step(index).request.url.isEmpty());

    // Entries carry the step as the diagram has it, and the URL as the step inspector masks it.
    const QJsonArray entries = log.value(QStringLiteral("entries")).toArray();
    bool sawBasicHeader = false;
    bool sawMaskedCode = false;
    bool sawMaskedJsonToken = false;
    for (const QJsonValue &value : entries) {
        const QJsonObject entry = value.toObject();
        const QJsonObject step = entry.value(QStringLiteral("_step")).toObject();
        const TraceStep &traced = m_trace->step(step.value(QStringLiteral("index")).toInt());
        QCOMPARE(step.value(QStringLiteral("from")).toString(), traced.from);
        QCOMPARE(step.value(QStringLiteral("to")).toString(), traced.to);
        QCOMPARE(step.value(QStringLiteral("result")).toString(), stepResultName(traced.result));
        QCOMPARE(step.value(QStringLiteral("explanationKey")).toString(), traced.explanationKey);
        const QJsonObject request = entry.value(QStringLiteral("request")).toObject();
        QCOMPARE(request.value(QStringLiteral("method")).toString(), traced.request.method);
        QCOMPARE(request.value(QStringLiteral("url")).toString(), m_trace->mask(traced.request.url));
        QCOMPARE(entry.value(QStringLiteral("response")).toObject().value(QStringLiteral("status")).toInt(), traced.response.status);
        for (const QJsonValue &header : request.value(QStringLiteral("headers")).toArray()) {
            const QJsonObject object = header.toObject();
            if (object.value(QStringLiteral("name")).toString() == QLatin1String("Authorization")
                && object.value(QStringLiteral("value")).toString().startsWith(QStringLiteral("Basic ••••(")))
                sawBasicHeader = true;
        }
        for (const QJsonValue &param : request.value(QStringLiteral("postData")).toObject().value(QStringLiteral("params")).toArray()) {
            const QJsonObject object = param.toObject();
            if (object.value(QStringLiteral("name")).toString() == QLatin1String("code")
                && object.value(QStringLiteral("value")).toString().startsWith(QStringLiteral("••••(")))
                sawMaskedCode = true;
        }
        const QString text = entry.value(QStringLiteral("response")).toObject().value(QStringLiteral("content")).toObject()
                                 .value(QStringLiteral("text")).toString();
        if (text.contains(QStringLiteral("\"access_token\": \"••••(")))
            sawMaskedJsonToken = true;
    }
    QVERIFY(sawBasicHeader);
    QVERIFY(sawMaskedCode);
    QVERIFY(sawMaskedJsonToken);

    // The validation checks are not HTTP, so they are in _steps, with the failed one.
    bool failedCheck = false;
    for (const QJsonValue &value : log.value(QStringLiteral("_steps")).toArray()) {
        const QJsonObject step = value.toObject();
        if (step.value(QStringLiteral("explanationKey")).toString().startsWith(QLatin1String("check-"))
            && step.value(QStringLiteral("result")).toString() == QLatin1String("failed"))
            failedCheck = true;
    }
    QVERIFY(failedCheck);
    QCOMPARE(log.value(QStringLiteral("_run")).toObject().value(QStringLiteral("issuer")).toString(), m_sandbox->issuer());
}

// The members HAR 1.2 requires, with their types, on a real sandbox login.
void TestRunExport::harStructure()
{
    m_flow->setUserAgent(sandboxAgent());
    const FlowResult login = wait([&] { m_flow->start(sandboxProfile(), QString()); });
    QVERIFY2(login.ok, qPrintable(login.message));
    const QByteArray bytes = exportToBytes(doctor::checkRun(*m_trace, login, sandboxProfile()));
    QString error;
    const QJsonObject log = parseHar(bytes, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    QCOMPARE(log.value(QStringLiteral("version")).toString(), QStringLiteral("1.2"));
    const QJsonObject creator = log.value(QStringLiteral("creator")).toObject();
    QCOMPARE(creator.value(QStringLiteral("name")).toString(), QStringLiteral("Auth Flow Explorer"));
    QVERIFY(isString(creator, QStringLiteral("version")));
    QVERIFY(isArray(log, QStringLiteral("_findings")));
    const QJsonArray pages = log.value(QStringLiteral("pages")).toArray();
    QCOMPARE(pages.size(), 1);
    const QJsonObject page = pages.first().toObject();
    for (const QString &member : {QStringLiteral("startedDateTime"), QStringLiteral("id"), QStringLiteral("title")})
        QVERIFY2(isString(page, member), qPrintable(member));
    QVERIFY(page.value(QStringLiteral("pageTimings")).isObject());

    const QJsonArray entries = log.value(QStringLiteral("entries")).toArray();
    QVERIFY(entries.size() >= 5); // discovery, JWKS, authorize, callback, token request
    for (const QJsonValue &value : entries) {
        const QJsonObject entry = value.toObject();
        QCOMPARE(entry.value(QStringLiteral("pageref")).toString(), page.value(QStringLiteral("id")).toString());
        const QString started = entry.value(QStringLiteral("startedDateTime")).toString();
        QVERIFY2(QDateTime::fromString(started, Qt::ISODateWithMs).isValid(), qPrintable(started));
        QVERIFY(started.endsWith(QLatin1Char('Z')));
        QVERIFY(isNumber(entry, QStringLiteral("time")));
        QVERIFY(entry.value(QStringLiteral("cache")).isObject());

        const QJsonObject timings = entry.value(QStringLiteral("timings")).toObject();
        double sum = 0;
        for (const QString &member : {QStringLiteral("send"), QStringLiteral("wait"), QStringLiteral("receive")}) {
            QVERIFY2(isNumber(timings, member), qPrintable(member));
            QVERIFY(timings.value(member).toDouble() >= 0);
            sum += timings.value(member).toDouble();
        }
        QCOMPARE(entry.value(QStringLiteral("time")).toDouble(), sum);

        const QJsonObject request = entry.value(QStringLiteral("request")).toObject();
        for (const QString &member : {QStringLiteral("method"), QStringLiteral("url"), QStringLiteral("httpVersion")})
            QVERIFY2(isString(request, member), qPrintable(member));
        for (const QString &member : {QStringLiteral("cookies"), QStringLiteral("headers"), QStringLiteral("queryString")})
            QVERIFY2(isArray(request, member), qPrintable(member));
        QVERIFY(isNameValueList(request.value(QStringLiteral("headers"))));
        QVERIFY(isNameValueList(request.value(QStringLiteral("queryString"))));
        QVERIFY(isNumber(request, QStringLiteral("headersSize")));
        QVERIFY(isNumber(request, QStringLiteral("bodySize")));
        if (request.contains(QStringLiteral("postData"))) {
            const QJsonObject postData = request.value(QStringLiteral("postData")).toObject();
            QVERIFY(isString(postData, QStringLiteral("mimeType")));
            // HAR 1.2: params and text are mutually exclusive.
            QVERIFY(postData.contains(QStringLiteral("params")) != postData.contains(QStringLiteral("text")));
            if (postData.contains(QStringLiteral("params")))
                QVERIFY(isNameValueList(postData.value(QStringLiteral("params"))));
        }

        const QJsonObject response = entry.value(QStringLiteral("response")).toObject();
        QVERIFY(isNumber(response, QStringLiteral("status")));
        for (const QString &member : {QStringLiteral("statusText"), QStringLiteral("httpVersion"), QStringLiteral("redirectURL")})
            QVERIFY2(isString(response, member), qPrintable(member));
        QVERIFY(isArray(response, QStringLiteral("cookies")));
        QVERIFY(isNameValueList(response.value(QStringLiteral("headers"))));
        QVERIFY(isNumber(response, QStringLiteral("headersSize")));
        QVERIFY(isNumber(response, QStringLiteral("bodySize")));
        const QJsonObject content = response.value(QStringLiteral("content")).toObject();
        QVERIFY(isNumber(content, QStringLiteral("size")));
        QVERIFY(isString(content, QStringLiteral("mimeType")));

        QVERIFY(entry.value(QStringLiteral("_step")).isObject());
    }

    // The discovery response is JSON with its text and MIME type.
    const QJsonObject discovery = entries.first().toObject();
    QCOMPARE(discovery.value(QStringLiteral("_step")).toObject().value(QStringLiteral("explanationKey")).toString(), QStringLiteral("discovery"));
    const QJsonObject content = discovery.value(QStringLiteral("response")).toObject().value(QStringLiteral("content")).toObject();
    QVERIFY2(content.value(QStringLiteral("mimeType")).toString().contains(QLatin1String("json")),
             qPrintable(content.value(QStringLiteral("mimeType")).toString()));
    QVERIFY(QJsonDocument::fromJson(content.value(QStringLiteral("text")).toString().toUtf8()).isObject());
    QCOMPARE(discovery.value(QStringLiteral("response")).toObject().value(QStringLiteral("statusText")).toString(), QStringLiteral("OK"));

    // The callback URL's parameters are listed decoded: the code is masked, state and iss are
    // not secrets, so they show.
    bool sawCallback = false;
    for (const QJsonValue &value : entries) {
        const QJsonObject step = value.toObject().value(QStringLiteral("_step")).toObject();
        if (step.value(QStringLiteral("explanationKey")).toString() != QLatin1String("callback"))
            continue;
        sawCallback = true;
        QJsonObject query;
        for (const QJsonValue &param : value.toObject().value(QStringLiteral("request")).toObject().value(QStringLiteral("queryString")).toArray())
            query.insert(param.toObject().value(QStringLiteral("name")).toString(), param.toObject().value(QStringLiteral("value")));
        QVERIFY2(query.value(QStringLiteral("code")).toString().startsWith(QStringLiteral("••••(")), "the code is not masked");
        QVERIFY(!query.value(QStringLiteral("state")).toString().isEmpty());
        QVERIFY(!query.value(QStringLiteral("state")).toString().contains(QStringLiteral("••••")));
        QCOMPARE(query.value(QStringLiteral("iss")).toString(), m_sandbox->issuer()); // percent-decoded
    }
    QVERIFY(sawCallback);
}

// Cases the sandbox runs do not produce: cookies, a custom Authorization scheme and a
// registered secret percent-encoded with lowercase hex digits. Also an escaped '/' in JSON, an
// unregistered token under a secret JSON name, a URL fragment, a binary body and a local step.
void TestRunExport::maskingBeyondSandboxRuns()
{
    const QString lowercaseSecret = QStringLiteral("lower/case+secret");
    const QString escapedSecret = QStringLiteral("escaped/json-secret");
    m_trace->addSecret(lowercaseSecret);
    m_trace->addSecret(escapedSecret);

    TraceStep call;
    call.from = Trace::App;
    call.to = Trace::Backend;
    call.channel = Channel::Back;
    call.title = QStringLiteral("POST /api");
    call.explanationKey = QStringLiteral("backend-request");
    call.request.method = QStringLiteral("POST");
    call.request.url = QStringLiteral("http://127.0.0.1:9/api?key=lower%2fcase%2bsecret&view=compact");
    call.request.headers = {{QStringLiteral("Authorization"), QStringLiteral("Token custom-scheme-credential")},
                            {QStringLiteral("Cookie"), QStringLiteral("sid=session-cookie-value; theme=dark")},
                            {QStringLiteral("Content-Type"), QStringLiteral("application/json")}};
    call.request.body = R"({"query":"{ me }","variables":{"password":"json-variable-password"}})";
    call.response.status = 200;
    call.response.headers = {{QStringLiteral("Set-Cookie"), QStringLiteral("sid=rotated-session-value; Path=/; HttpOnly\nlang=en-GB; Path=/")},
                             {QStringLiteral("Content-Type"), QStringLiteral("application/json")}};
    call.response.body = R"({"note":"escaped\/json-secret","access_token":"never-registered-token"})";
    call.durationMs = 12;
    call.result = StepResult::Ok;
    call.cookies = {QStringLiteral("sid=browser-cookie-value; Domain=127.0.0.1; Path=/; session cookie; HttpOnly")};
    m_trace->append(call);

    TraceStep image;
    image.from = Trace::Browser;
    image.to = Trace::Provider;
    image.channel = Channel::Front;
    image.request.method = QStringLiteral("GET");
    image.request.url = QStringLiteral("http://127.0.0.1:9/logo.png");
    image.response.status = 200;
    image.response.headers = {{QStringLiteral("Content-Type"), QStringLiteral("image/png")}};
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    png.append('\0').append("binary-only-secret");
    image.response.body = png;
    m_trace->append(image);

    TraceStep implicitCallback;
    implicitCallback.from = Trace::Browser;
    implicitCallback.to = Trace::App;
    implicitCallback.channel = Channel::Front;
    implicitCallback.request.method = QStringLiteral("GET");
    implicitCallback.request.url =
        QStringLiteral("com.example.explorer:/callback#access_token=fragment-access-token&token_type=Bearer&state=visible-state");
    m_trace->append(implicitCallback);

    m_trace->appendLocal(Trace::App, QStringLiteral("Check something"), StepResult::Failed, QStringLiteral("It failed."),
                         QStringLiteral("check-something"));

    const QByteArray bytes = exportToBytes({});
    QVERIFY(!bytes.isEmpty());
    for (const QString &secret : {lowercaseSecret, escapedSecret, QStringLiteral("custom-scheme-credential"),
                                  QStringLiteral("session-cookie-value"), QStringLiteral("rotated-session-value"),
                                  QStringLiteral("browser-cookie-value"), QStringLiteral("json-variable-password"),
                                  QStringLiteral("never-registered-token"), QStringLiteral("binary-only-secret"),
                                  QStringLiteral("fragment-access-token")})
        for (const QByteArray &form : leakForms(secret))
            QVERIFY2(!bytes.contains(form), qPrintable(QStringLiteral("%1 is in the export").arg(secret)));
    QVERIFY2(!bytes.contains("lower%2fcase%2bsecret"), "the lowercase-encoded secret is in the URL");

    QString error;
    const QJsonObject log = parseHar(bytes, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QJsonArray entries = log.value(QStringLiteral("entries")).toArray();
    QCOMPARE(entries.size(), 3);

    const QJsonObject request = entries.at(0).toObject().value(QStringLiteral("request")).toObject();
    QVERIFY2(request.value(QStringLiteral("url")).toString().contains(QLatin1String("view=compact")),
             qPrintable(request.value(QStringLiteral("url")).toString()));
    const QJsonArray query = request.value(QStringLiteral("queryString")).toArray();
    QCOMPARE(query.size(), 2);
    QCOMPARE(query.at(0).toObject().value(QStringLiteral("value")).toString(), QStringLiteral("••••(17 chars)"));
    QCOMPARE(query.at(1).toObject().value(QStringLiteral("value")).toString(), QStringLiteral("compact"));
    QJsonObject headers;
    for (const QJsonValue &header : request.value(QStringLiteral("headers")).toArray())
        headers.insert(header.toObject().value(QStringLiteral("name")).toString(), header.toObject().value(QStringLiteral("value")));
    QCOMPARE(headers.value(QStringLiteral("Authorization")).toString(), QStringLiteral("Token ••••(24 chars)"));
    QCOMPARE(headers.value(QStringLiteral("Cookie")).toString(), QStringLiteral("sid=••••(20 chars); theme=••••(4 chars)"));
    QCOMPARE(headers.value(QStringLiteral("Content-Type")).toString(), QStringLiteral("application/json"));
    const QJsonArray requestCookies = request.value(QStringLiteral("cookies")).toArray();
    QCOMPARE(requestCookies.size(), 2);
    QCOMPARE(requestCookies.at(0).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("sid"));
    QCOMPARE(requestCookies.at(0).toObject().value(QStringLiteral("value")).toString(), QStringLiteral("••••(20 chars)"));
    const QJsonObject postData = request.value(QStringLiteral("postData")).toObject();
    QVERIFY(postData.value(QStringLiteral("text")).toString().contains(QLatin1String("\"query\": \"{ me }\"")));

    const QJsonObject response = entries.at(0).toObject().value(QStringLiteral("response")).toObject();
    const QJsonArray responseCookies = response.value(QStringLiteral("cookies")).toArray();
    QCOMPARE(responseCookies.size(), 2);
    const QJsonObject sid = responseCookies.at(0).toObject();
    QCOMPARE(sid.value(QStringLiteral("name")).toString(), QStringLiteral("sid"));
    QCOMPARE(sid.value(QStringLiteral("path")).toString(), QStringLiteral("/"));
    QVERIFY(sid.value(QStringLiteral("httpOnly")).toBool());
    QCOMPARE(responseCookies.at(1).toObject().value(QStringLiteral("value")).toString(), QStringLiteral("••••(5 chars)"));
    QVERIFY(response.value(QStringLiteral("content")).toObject().value(QStringLiteral("text")).toString().contains(QStringLiteral("\"note\": \"••••(19 chars)\"")));
    const QJsonArray sessionCookies = entries.at(0).toObject().value(QStringLiteral("_step")).toObject().value(QStringLiteral("sessionCookies")).toArray();
    QCOMPARE(sessionCookies.size(), 1);
    QVERIFY(sessionCookies.at(0).toString().startsWith(QStringLiteral("sid=••••(20 chars); Domain=127.0.0.1")));

    // The binary body is left out, with its size.
    const QJsonObject imageContent = entries.at(1).toObject().value(QStringLiteral("response")).toObject().value(QStringLiteral("content")).toObject();
    QCOMPARE(imageContent.value(QStringLiteral("size")).toInt(), png.size());
    QCOMPARE(imageContent.value(QStringLiteral("mimeType")).toString(), QStringLiteral("image/png"));
    QVERIFY(!imageContent.contains(QStringLiteral("text")));
    QVERIFY(imageContent.value(QStringLiteral("comment")).toString().contains(QStringLiteral("%1 bytes").arg(png.size())));

    // HAR 1.2 URLs have no fragment, so the implicit callback's fragment is in _step, masked.
    const QJsonObject callback = entries.at(2).toObject();
    QCOMPARE(callback.value(QStringLiteral("request")).toObject().value(QStringLiteral("url")).toString(),
             QStringLiteral("com.example.explorer:/callback"));
    QCOMPARE(callback.value(QStringLiteral("_step")).toObject().value(QStringLiteral("urlFragment")).toString(),
             QStringLiteral("access_token=••••(21 chars)&token_type=Bearer&state=visible-state"));

    const QJsonArray steps = log.value(QStringLiteral("_steps")).toArray();
    QCOMPARE(steps.size(), 1);
    QCOMPARE(steps.at(0).toObject().value(QStringLiteral("index")).toInt(), 3);
    QCOMPARE(steps.at(0).toObject().value(QStringLiteral("channel")).toString(), QStringLiteral("local"));
    QCOMPARE(steps.at(0).toObject().value(QStringLiteral("result")).toString(), QStringLiteral("failed"));
}

void TestRunExport::emptyTraceExports()
{
    const QByteArray bytes = exportToBytes({});
    QString error;
    const QJsonObject log = parseHar(bytes, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(log.value(QStringLiteral("version")).toString(), QStringLiteral("1.2"));
    QVERIFY(log.value(QStringLiteral("entries")).isArray());
    QCOMPARE(log.value(QStringLiteral("entries")).toArray().size(), 0);
    QCOMPARE(log.value(QStringLiteral("pages")).toArray().size(), 0);
    QCOMPARE(log.value(QStringLiteral("_findings")).toArray().size(), 0);
}

void TestRunExport::writeErrorsNameFileAndReason()
{
    m_trace->appendLocal(Trace::App, QStringLiteral("Step"), StepResult::Ok, QString(), QStringLiteral("check-x"));

    // A folder that does not exist.
    const QString missing = m_files.filePath(QStringLiteral("no-such-folder/run.har"));
    QString error;
    QVERIFY(!writeHarFile(missing, *m_trace, {}, {}, &error));
    QVERIFY2(error.contains(QDir::toNativeSeparators(missing)), qPrintable(error));
    const QString reason = error.mid(error.indexOf(QDir::toNativeSeparators(missing)) + QDir::toNativeSeparators(missing).size());
    QVERIFY2(reason.size() > 4, qPrintable(error)); // ": " and the reason follow the path
    QVERIFY(!QFile::exists(missing));

    // A path that is a folder.
    const QString folder = m_files.filePath(QStringLiteral("a-folder"));
    QVERIFY(QDir().mkpath(folder));
    error.clear();
    QVERIFY(!writeHarFile(folder, *m_trace, {}, {}, &error));
    QVERIFY2(error.contains(QDir::toNativeSeparators(folder)), qPrintable(error));
    QVERIFY(QFileInfo(folder).isDir());

    // Overwriting an existing file replaces it whole.
    const QString existing = m_files.filePath(QStringLiteral("existing.har"));
    {
        QFile file(existing);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(100000, 'x'));
    }
    error.clear();
    QVERIFY2(writeHarFile(existing, *m_trace, {}, {}, &error), qPrintable(error));
    QFile file(existing);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(QJsonDocument::fromJson(file.readAll()).isObject());
}

QTEST_GUILESS_MAIN(TestRunExport)
#include "tst_runexport.moc"
