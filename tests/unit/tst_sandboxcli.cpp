// The authflow-sandbox console program, started as a separate process with QProcess.

#include "jose/key.h"
#include "sandbox/sandboxserver.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using afx::sandbox::SandboxServer;

namespace {

// The binary is built next to the GUI app, in the build folder's app/ directory.
const QString sandboxBinary = QStringLiteral(AFX_BINARY_DIR "/app/authflow-sandbox");

struct HttpResult {
    int status = 0;
    QByteArray body;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QList<QPair<QByteArray, QByteArray>> headers;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
};

} // namespace

class TestSandboxCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void printsUrlsClientsAndUsers();
    void stopsOnSignal_data();
    void stopsOnSignal();
    void faultOptionSwitchesFaults();
    void unknownFaultListsValidNames();
    void invalidOptions_data();
    void invalidOptions();
    void portInUse();
    void usersFileAddsUsers();
    void signingKeyIsUsed();

private:
    // Starts the program with `arguments` and waits until it has printed its summary. Returns
    // the process (owned by this object), or null with a warning when it exited or timed out.
    QProcess *startSandbox(const QStringList &arguments);
    // Runs the program until it exits. Returns the exit code, or -1 when it did not exit in time.
    int runToExit(const QStringList &arguments, QByteArray *errorOutput);
    // The value after "Label:" in the summary, such as the issuer URL.
    static QString summaryValue(const QByteArray &output, const QString &label);
    HttpResult send(const QByteArray &method, const QUrl &url, const QByteArray &body = {},
                    const QByteArray &contentType = {});
    QString writeFile(const QString &name, const QByteArray &content);

    QNetworkAccessManager m_network;
    QTemporaryDir m_dir;
    QList<QProcess *> m_processes;
    QHash<QProcess *, QByteArray> m_output;
};

void TestSandboxCli::initTestCase()
{
    m_network.setProxy(QNetworkProxy::NoProxy);
    QVERIFY2(QFile::exists(sandboxBinary), qPrintable(sandboxBinary + QStringLiteral(" is missing: build authflow-sandbox")));
    QVERIFY(m_dir.isValid());
}

void TestSandboxCli::cleanup()
{
    for (QProcess *process : std::as_const(m_processes)) {
        if (process->state() != QProcess::NotRunning) {
            process->terminate();
            if (!process->waitForFinished(5000))
                process->kill();
            process->waitForFinished(5000);
        }
        delete process;
    }
    m_processes.clear();
    m_output.clear();
}

QProcess *TestSandboxCli::startSandbox(const QStringList &arguments)
{
    auto *process = new QProcess;
    m_processes.append(process);
    process->setProcessChannelMode(QProcess::SeparateChannels);
    process->start(sandboxBinary, arguments);
    if (!process->waitForStarted(10000)) {
        qWarning().noquote() << "authflow-sandbox did not start:" << process->errorString();
        return nullptr;
    }
    QByteArray &output = m_output[process];
    QElapsedTimer timer;
    timer.start();
    while (!output.contains("Press Ctrl+C to stop.") && timer.elapsed() < 20000) {
        if (process->state() == QProcess::NotRunning) {
            qWarning().noquote() << "authflow-sandbox exited:" << process->readAllStandardError();
            return nullptr;
        }
        process->waitForReadyRead(200);
        output += process->readAllStandardOutput();
    }
    if (!output.contains("Press Ctrl+C to stop.")) {
        qWarning() << "authflow-sandbox printed no summary within 20 s";
        return nullptr;
    }
    return process;
}

int TestSandboxCli::runToExit(const QStringList &arguments, QByteArray *errorOutput)
{
    QProcess process;
    process.start(sandboxBinary, arguments);
    if (!process.waitForFinished(20000)) {
        process.kill();
        process.waitForFinished(5000);
        return -1;
    }
    *errorOutput = process.readAllStandardError();
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

QString TestSandboxCli::summaryValue(const QByteArray &output, const QString &label)
{
    const QRegularExpression line(QStringLiteral("^%1:\\s+(\\S+)").arg(QRegularExpression::escape(label)),
                                  QRegularExpression::MultilineOption);
    return line.match(QString::fromUtf8(output)).captured(1);
}

HttpResult TestSandboxCli::send(const QByteArray &method, const QUrl &url, const QByteArray &body,
                                const QByteArray &contentType)
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    if (!contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(10000);
    HttpResult result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.error = reply->error();
    result.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    return result;
}

QString TestSandboxCli::writeFile(const QString &name, const QByteArray &content)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qWarning().noquote() << "cannot write" << path;
    return path;
}

void TestSandboxCli::printsUrlsClientsAndUsers()
{
    QProcess *process = startSandbox({});
    QVERIFY(process);
    const QByteArray output = m_output.value(process);

    const QString issuer = summaryValue(output, QStringLiteral("Issuer"));
    QVERIFY2(QRegularExpression(QStringLiteral("^http://127\\.0\\.0\\.1:\\d+$")).match(issuer).hasMatch(), output.constData());
    QCOMPARE(summaryValue(output, QStringLiteral("Discovery")), issuer + QStringLiteral("/.well-known/openid-configuration"));
    QCOMPARE(summaryValue(output, QStringLiteral("GraphQL")), issuer + QStringLiteral("/graphql"));

    const HttpResult discovery = send("GET", QUrl(summaryValue(output, QStringLiteral("Discovery"))));
    QCOMPARE(discovery.status, 200);
    const QJsonObject metadata = QJsonDocument::fromJson(discovery.body).object();
    QCOMPARE(metadata.value(QStringLiteral("issuer")).toString(), issuer);
    QCOMPARE(metadata.value(QStringLiteral("jwks_uri")).toString(), issuer + QStringLiteral("/jwks"));
    QCOMPARE(send("GET", QUrl(issuer + QStringLiteral("/jwks"))).status, 200);

    for (const QString &expected : {SandboxServer::publicClientId(), SandboxServer::confidentialClientId(),
                                    SandboxServer::confidentialClientSecret(), SandboxServer::demoEmail(),
                                    SandboxServer::demoPassword(), QStringLiteral("com.example.explorer:/callback"),
                                    QStringLiteral("http://127.0.0.1:<any port>/callback")})
        QVERIFY2(output.contains(expected.toUtf8()), qPrintable(expected));
    QCOMPARE(summaryValue(output, QStringLiteral("Faults on")), QStringLiteral("none"));
}

void TestSandboxCli::stopsOnSignal_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGINT") << int(SIGINT);
    QTest::newRow("SIGTERM") << int(SIGTERM);
}

void TestSandboxCli::stopsOnSignal()
{
    QFETCH(int, signal);
    QProcess *process = startSandbox({});
    QVERIFY(process);
    const QString issuer = summaryValue(m_output.value(process), QStringLiteral("Issuer"));
    QCOMPARE(::kill(pid_t(process->processId()), signal), 0);
    QVERIFY(process->waitForFinished(10000));
    QCOMPARE(process->exitStatus(), QProcess::NormalExit);
    QCOMPARE(process->exitCode(), 0);
    QVERIFY(process->readAllStandardOutput().contains("Stopped."));
    // The port is closed.
    QVERIFY(send("GET", QUrl(issuer + QStringLiteral("/jwks"))).status == 0);
}

void TestSandboxCli::faultOptionSwitchesFaults()
{
    QProcess *process = startSandbox({QStringLiteral("--fault"), QStringLiteral("jwks-down"), QStringLiteral("--fault"),
                                      QStringLiteral("clock-skew")});
    QVERIFY(process);
    const QByteArray output = m_output.value(process);
    QVERIFY2(output.contains("Faults on:   jwks-down, clock-skew"), output.constData());
    const QString issuer = summaryValue(output, QStringLiteral("Issuer"));
    const HttpResult jwks = send("GET", QUrl(issuer + QStringLiteral("/jwks")));
    QCOMPARE(jwks.status, 503);
    QVERIFY(!jwks.header("Date").isEmpty());
    // Faults not named stay off: the ID token of the password grant has a kid and a signature.
    const HttpResult tokens = send("POST", QUrl(issuer + QStringLiteral("/token")),
                                   "grant_type=password&client_id=explorer-sandbox&scope=openid&username="
                                       + QUrl::toPercentEncoding(SandboxServer::demoEmail())
                                       + "&password=" + QUrl::toPercentEncoding(SandboxServer::demoPassword()),
                                   "application/x-www-form-urlencoded");
    QCOMPARE(tokens.status, 200);
    const QString idToken = QJsonDocument::fromJson(tokens.body).object().value(QStringLiteral("id_token")).toString();
    QVERIFY(!idToken.endsWith(QLatin1Char('.')));
}

void TestSandboxCli::unknownFaultListsValidNames()
{
    QByteArray errorOutput;
    QCOMPARE(runToExit({QStringLiteral("--fault"), QStringLiteral("expired-token")}, &errorOutput), 2);
    QVERIFY2(errorOutput.contains("unknown fault \"expired-token\""), errorOutput.constData());
    for (afx::sandbox::SandboxFault fault : SandboxServer::allFaults())
        QVERIFY2(errorOutput.contains(SandboxServer::faultName(fault).toUtf8()), errorOutput.constData());
}

void TestSandboxCli::invalidOptions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("fileContent"); // written to FILE, which replaces "@FILE" in the arguments
    QTest::addColumn<QByteArray>("message");

    const QStringList users{QStringLiteral("--users"), QStringLiteral("@FILE")};
    const QStringList key{QStringLiteral("--signing-key"), QStringLiteral("@FILE")};
    QTest::newRow("port not a number") << QStringList{QStringLiteral("--port"), QStringLiteral("abc")} << QByteArray()
                                       << QByteArray("invalid --port \"abc\"");
    QTest::newRow("port too large") << QStringList{QStringLiteral("--port"), QStringLiteral("70000")} << QByteArray()
                                    << QByteArray("invalid --port \"70000\"");
    QTest::newRow("port negative") << QStringList{QStringLiteral("--port=-1")} << QByteArray()
                                   << QByteArray("invalid --port \"-1\"");
    QTest::newRow("users file missing") << QStringList{QStringLiteral("--users"), QStringLiteral("/nonexistent/users.json")}
                                        << QByteArray() << QByteArray("cannot read the users file /nonexistent/users.json");
    QTest::newRow("users truncated JSON") << users << QByteArray(R"([{"email": "a@example.com", "pass)")
                                          << QByteArray("is not valid JSON");
    QTest::newRow("users not an array") << users << QByteArray(R"({"email": "a@example.com"})")
                                        << QByteArray("must contain a JSON array");
    QTest::newRow("users entry not an object") << users << QByteArray(R"(["a@example.com"])")
                                               << QByteArray("entry 0 of the users file");
    QTest::newRow("users password missing") << users << QByteArray(R"([{"email": "a@example.com"}])")
                                            << QByteArray("has no \"password\" string");
    QTest::newRow("users password wrong type") << users << QByteArray(R"([{"email": "a@example.com", "password": 5}])")
                                               << QByteArray("has no \"password\" string");
    QTest::newRow("users name wrong type")
        << users << QByteArray(R"([{"email": "a@example.com", "password": "pw", "name": []}])")
        << QByteArray("\"name\" that is not a string");
    QTest::newRow("users duplicate email")
        << users << QByteArray(R"([{"email": "Demo@Example.com", "password": "pw"}])") << QByteArray("already taken");
    QTest::newRow("users invalid email") << users << QByteArray(R"([{"email": "nobody", "password": "pw"}])")
                                         << QByteArray("is invalid");
    QTest::newRow("users empty password") << users << QByteArray(R"([{"email": "b@example.com", "password": ""}])")
                                          << QByteArray("empty password");
    QTest::newRow("users not UTF-8") << users << QByteArray("[{\"email\": \"\xff\xfe\", \"password\": \"pw\"}]")
                                     << QByteArray("is not valid JSON");
    QTest::newRow("users huge") << users << QByteArray(2 * 1024 * 1024, ' ') << QByteArray("is larger than");
    QTest::newRow("signing key not PEM") << key << QByteArray("not a key") << QByteArray("is not a PEM private key");
    QTest::newRow("signing key EC") << key << afx::jose::Key::generateEc().toPrivatePem()
                                    << QByteArray("is not an RSA private key");
}

void TestSandboxCli::invalidOptions()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, fileContent);
    QFETCH(QByteArray, message);
    const QString path = writeFile(QStringLiteral("input-%1").arg(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('-')),
                                   fileContent);
    arguments.replaceInStrings(QStringLiteral("@FILE"), path);
    QByteArray errorOutput;
    QCOMPARE(runToExit(arguments, &errorOutput), 2);
    QVERIFY2(errorOutput.contains(message), errorOutput.constData());
}

void TestSandboxCli::portInUse()
{
    QTcpServer blocker;
    QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
    const QString port = QString::number(blocker.serverPort());
    QByteArray errorOutput;
    QCOMPARE(runToExit({QStringLiteral("--port"), port}, &errorOutput), 1);
    QVERIFY2(errorOutput.contains("port " + port.toUtf8() + " on 127.0.0.1 is not available"), errorOutput.constData());
    QVERIFY2(errorOutput.contains("--port 0"), errorOutput.constData());
}

void TestSandboxCli::usersFileAddsUsers()
{
    const QString path = writeFile(QStringLiteral("users.json"),
                                   R"([{"email": "ada@example.com", "password": "analytical-engine", "name": "Ada"},
                                       {"email": "bob@example.com", "password": "bob-password"}])");
    QProcess *process = startSandbox({QStringLiteral("--users"), path});
    QVERIFY(process);
    const QByteArray output = m_output.value(process);
    QVERIFY2(output.contains("ada@example.com"), output.constData());
    QVERIFY2(output.contains("bob@example.com"), output.constData());
    QVERIFY2(!output.contains("analytical-engine"), "the summary must not print passwords from the users file");

    const QString issuer = summaryValue(output, QStringLiteral("Issuer"));
    const auto passwordGrant = [&](const QString &email, const QString &password) {
        return send("POST", QUrl(issuer + QStringLiteral("/token")),
                    "grant_type=password&client_id=explorer-sandbox&scope=openid%20profile&username="
                        + QUrl::toPercentEncoding(email) + "&password=" + QUrl::toPercentEncoding(password),
                    "application/x-www-form-urlencoded");
    };
    const HttpResult ada = passwordGrant(QStringLiteral("ada@example.com"), QStringLiteral("analytical-engine"));
    QCOMPARE(ada.status, 200);
    const QByteArray payload = QJsonDocument::fromJson(ada.body).object().value(QStringLiteral("id_token")).toString().toLatin1().split('.').value(1);
    const QJsonObject claims = QJsonDocument::fromJson(QByteArray::fromBase64(payload, QByteArray::Base64UrlEncoding)).object();
    QCOMPARE(claims.value(QStringLiteral("name")).toString(), QStringLiteral("Ada"));
    QCOMPARE(passwordGrant(QStringLiteral("ada@example.com"), QStringLiteral("wrong")).status, 400);
    QCOMPARE(passwordGrant(SandboxServer::demoEmail(), SandboxServer::demoPassword()).status, 200);
}

void TestSandboxCli::signingKeyIsUsed()
{
    const afx::jose::Key key = afx::jose::Key::generateRsa(2048);
    const QString path = writeFile(QStringLiteral("signing-key.pem"), key.toPrivatePem());
    const QString modulus = key.toPublicJwk().value(QStringLiteral("n")).toString();

    // Two runs with the same file publish the same key.
    for (int run = 0; run < 2; ++run) {
        QProcess *process = startSandbox({QStringLiteral("--signing-key"), path});
        QVERIFY(process);
        const QString issuer = summaryValue(m_output.value(process), QStringLiteral("Issuer"));
        const HttpResult jwks = send("GET", QUrl(issuer + QStringLiteral("/jwks")));
        QCOMPARE(jwks.status, 200);
        const QJsonArray keys = QJsonDocument::fromJson(jwks.body).object().value(QStringLiteral("keys")).toArray();
        QCOMPARE(keys.size(), 1);
        QCOMPARE(keys.first().toObject().value(QStringLiteral("n")).toString(), modulus);
        cleanup();
    }
}

QTEST_MAIN(TestSandboxCli)
#include "tst_sandboxcli.moc"
