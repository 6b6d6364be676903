// "Copy as curl" (query::curlCommand): the command text, masking, and what a POSIX shell and
// the real curl make of it.

#include "query/curlcommand.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

using afx::query::CurlOptions;
using afx::query::CurlSecret;
using Headers = QList<QPair<QByteArray, QByteArray>>;

namespace {

const QString accessToken = QStringLiteral("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl");

// Runs `command` in dash (a POSIX shell without bash extensions) with `curl` defined as a shell
// function that prints each argument followed by a NUL byte, then "STDIN:" and its standard
// input when an argument is "@-". Returns the arguments and, as the last item, the input.
QList<QByteArray> shellArguments(const QString &command, bool *ok)
{
    const QString script = QStringLiteral(
        "curl() {\n"
        "  stdin=no\n"
        "  for a in \"$@\"; do printf '%s\\000' \"$a\"; [ \"$a\" = '@-' ] && stdin=yes; done\n"
        "  if [ \"$stdin\" = yes ]; then printf 'STDIN:'; cat; fi\n"
        "}\n") + command + QLatin1Char('\n');
    QProcess shell;
    shell.start(QStringLiteral("/bin/dash"), {QStringLiteral("-c"), script});
    *ok = shell.waitForFinished(10000) && shell.exitStatus() == QProcess::NormalExit && shell.exitCode() == 0;
    if (!*ok)
        qWarning() << "dash failed:" << shell.readAllStandardError();
    const QByteArray output = shell.readAllStandardOutput();
    const qsizetype stdinStart = output.indexOf("STDIN:");
    QList<QByteArray> arguments = (stdinStart < 0 ? output : output.left(stdinStart)).split('\0');
    arguments.removeLast(); // after the last NUL
    if (stdinStart >= 0)
        arguments.append(output.mid(stdinStart + 6));
    return arguments;
}

// One HTTP request as a local server received it.
struct Received {
    QByteArray requestLine;
    Headers headers;
    QByteArray body;
};

// Accepts one connection on 127.0.0.1, reads one request with a Content-Length body (or none),
// responds 204 and keeps what arrived.
class OneShotServer : public QObject {
public:
    OneShotServer()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            QTcpSocket *socket = m_server.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                m_buffer += socket->readAll();
                const qsizetype end = m_buffer.indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                const QList<QByteArray> lines = m_buffer.left(end).split('\n');
                qsizetype length = 0;
                Received received;
                received.requestLine = lines.first().trimmed();
                for (qsizetype i = 1; i < lines.size(); ++i) {
                    const QByteArray line = lines.at(i).trimmed();
                    const qsizetype colon = line.indexOf(':');
                    received.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
                    if (line.left(colon).compare("Content-Length", Qt::CaseInsensitive) == 0)
                        length = line.mid(colon + 1).trimmed().toLongLong();
                }
                if (m_buffer.size() < end + 4 + length)
                    return;
                received.body = m_buffer.mid(end + 4, length);
                m_received = received;
                m_done = true;
                socket->write("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
                socket->disconnectFromHost();
            });
        });
    }
    quint16 port() const { return m_server.serverPort(); }
    bool done() const { return m_done; }
    const Received &received() const { return m_received; }

private:
    QTcpServer m_server;
    QByteArray m_buffer;
    Received m_received;
    bool m_done = false;
};

QByteArray headerOf(const Headers &headers, const QByteArray &name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

} // namespace

class TestQueryCurl : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void quoting_data();
    void quoting();
    void graphqlPostCommand();
    void methodFlags_data();
    void methodFlags();
    void emptyHeaderValueKept();
    void urlWithBracketsNotGlobbed();
    void maskedCredential();
    void maskedCredentialEverywhere();
    void unmaskedCredential();
    void otherCredentialHeadersMasked();
    void shortSecretShowsNoStart();
    void shellParsesArguments_data();
    void shellParsesArguments();
    void realCurlSendsSameRequest_data();
    void realCurlSendsSameRequest();
};

void TestQueryCurl::quoting_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("quoted");
    QTest::newRow("plain") << QStringLiteral("abc") << QStringLiteral("'abc'");
    QTest::newRow("empty") << QString() << QStringLiteral("''");
    QTest::newRow("single quote") << QStringLiteral("it's") << QStringLiteral("'it'\\''s'");
    QTest::newRow("only quotes") << QStringLiteral("''") << QStringLiteral("''\\'''\\'''");
    QTest::newRow("double quotes and dollar") << QStringLiteral("\"$HOME\" `id`") << QStringLiteral("'\"$HOME\" `id`'");
    QTest::newRow("newline") << QStringLiteral("a\nb") << QStringLiteral("'a\nb'");
    QTest::newRow("backslash") << QStringLiteral("a\\nb") << QStringLiteral("'a\\nb'");
    QTest::newRow("non-ASCII") << QStringLiteral("grüß ✓") << QStringLiteral("'grüß ✓'");
}

void TestQueryCurl::quoting()
{
    QFETCH(QString, text);
    QFETCH(QString, quoted);
    QCOMPARE(afx::query::shellQuote(text), quoted);
}

void TestQueryCurl::graphqlPostCommand()
{
    const QString command = afx::query::curlCommand(
        QStringLiteral("POST"), QUrl(QStringLiteral("http://127.0.0.1:4000/graphql")),
        {{"Content-Type", "application/json"}, {"Accept", "application/graphql-response+json, application/json"}},
        R"({"query":"{ me { id } }"})", CurlOptions{false, {}});
    QCOMPARE(command, QStringLiteral("curl 'http://127.0.0.1:4000/graphql' \\\n"
                                     "  -H 'Content-Type: application/json' \\\n"
                                     "  -H 'Accept: application/graphql-response+json, application/json' \\\n"
                                     "  --data-raw '{\"query\":\"{ me { id } }\"}'"));
}

void TestQueryCurl::methodFlags_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("start");

    const QString url = QStringLiteral("'http://127.0.0.1/x'");
    QTest::newRow("GET without body") << QStringLiteral("GET") << QByteArray() << QStringLiteral("curl ") + url;
    QTest::newRow("GET with body") << QStringLiteral("GET") << QByteArray("q") << QStringLiteral("curl -X 'GET' ") + url;
    QTest::newRow("POST with body") << QStringLiteral("POST") << QByteArray("q") << QStringLiteral("curl ") + url;
    QTest::newRow("POST without body") << QStringLiteral("POST") << QByteArray() << QStringLiteral("curl -X 'POST' ") + url;
    QTest::newRow("PUT") << QStringLiteral("put") << QByteArray("q") << QStringLiteral("curl -X 'PUT' ") + url;
    QTest::newRow("PATCH") << QStringLiteral("PATCH") << QByteArray("q") << QStringLiteral("curl -X 'PATCH' ") + url;
    QTest::newRow("DELETE") << QStringLiteral("DELETE") << QByteArray() << QStringLiteral("curl -X 'DELETE' ") + url;
    QTest::newRow("HEAD") << QStringLiteral("HEAD") << QByteArray() << QStringLiteral("curl --head ") + url;
    QTest::newRow("OPTIONS") << QStringLiteral("OPTIONS") << QByteArray() << QStringLiteral("curl -X 'OPTIONS' ") + url;
}

void TestQueryCurl::methodFlags()
{
    QFETCH(QString, method);
    QFETCH(QByteArray, body);
    QFETCH(QString, start);
    const QString command = afx::query::curlCommand(method, QUrl(QStringLiteral("http://127.0.0.1/x")), {}, body);
    QCOMPARE(command.section(QStringLiteral(" \\\n"), 0, 0), start);
    QCOMPARE(command.contains(QStringLiteral("--data-raw")), !body.isEmpty());
}

void TestQueryCurl::emptyHeaderValueKept()
{
    const QString command = afx::query::curlCommand(QStringLiteral("GET"), QUrl(QStringLiteral("http://127.0.0.1/")),
                                                    {{"X-Empty", ""}, {"X-Full", "1"}}, {});
    // "X-Empty:" would make curl drop the header; "X-Empty;" sends it with an empty value.
    QVERIFY2(command.contains(QStringLiteral("-H 'X-Empty;'")), qPrintable(command));
    QVERIFY2(command.contains(QStringLiteral("-H 'X-Full: 1'")), qPrintable(command));
}

void TestQueryCurl::urlWithBracketsNotGlobbed()
{
    const QString plain = afx::query::curlCommand(QStringLiteral("GET"), QUrl(QStringLiteral("http://127.0.0.1/a")), {}, {});
    QVERIFY(!plain.contains(QStringLiteral(" -g ")));
    const QString ipv6 = afx::query::curlCommand(QStringLiteral("GET"), QUrl(QStringLiteral("http://[::1]:8080/a")), {}, {});
    QCOMPARE(ipv6, QStringLiteral("curl -g 'http://[::1]:8080/a'"));
}

void TestQueryCurl::maskedCredential()
{
    CurlOptions options;
    options.secrets = {{accessToken, QStringLiteral("access token")}};
    const QString command = afx::query::curlCommand(QStringLiteral("POST"), QUrl(QStringLiteral("http://127.0.0.1/graphql")),
                                                    {{"Authorization", "Bearer " + accessToken.toLatin1()}}, "{}", options);
    QVERIFY2(!command.contains(accessToken), qPrintable(command));
    QVERIFY2(command.contains(QStringLiteral("-H 'Authorization: Bearer <access token: eyJh…(masked)>'")), qPrintable(command));
}

void TestQueryCurl::maskedCredentialEverywhere()
{
    const QString apiToken = QStringLiteral("api+token/with=special-chars-123");
    CurlOptions options;
    options.secrets = {{accessToken, QStringLiteral("access token")}, {apiToken, QStringLiteral("API token")}};
    const QUrl url(QStringLiteral("http://127.0.0.1/cb?t=") + QString::fromLatin1(QUrl::toPercentEncoding(apiToken)));
    const QByteArray body = "{\"token\": \"" + accessToken.toLatin1() + "\"}";
    const QByteArray binary = QByteArray("\x00\x01", 2) + accessToken.toLatin1();
    const QString text = afx::query::curlCommand(QStringLiteral("POST"), url, {{"X-Token", apiToken.toLatin1()}}, body, options);
    QVERIFY2(!text.contains(accessToken), qPrintable(text));
    QVERIFY2(!text.contains(apiToken), qPrintable(text));
    QVERIFY2(!text.contains(QString::fromLatin1(QUrl::toPercentEncoding(apiToken))), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("<API token: api+…(masked)>")), qPrintable(text));
    const QString binaryCommand = afx::query::curlCommand(QStringLiteral("POST"), url, {}, binary, options);
    QVERIFY2(!binaryCommand.contains(accessToken), qPrintable(binaryCommand));
    // Inside printf, the ellipsis is written as octal escapes of its UTF-8 bytes.
    QVERIFY2(binaryCommand.contains(QStringLiteral("<access token: eyJh\\342\\200\\246(masked)>")), qPrintable(binaryCommand));
}

void TestQueryCurl::unmaskedCredential()
{
    CurlOptions options{false, {{accessToken, QStringLiteral("access token")}}};
    const QString command = afx::query::curlCommand(QStringLiteral("GET"), QUrl(QStringLiteral("http://127.0.0.1/me")),
                                                    {{"Authorization", "Bearer " + accessToken.toLatin1()},
                                                     {"Cookie", "sid=abc"}},
                                                    {}, options);
    QCOMPARE(command, QStringLiteral("curl 'http://127.0.0.1/me' \\\n  -H 'Authorization: Bearer %1' \\\n  -H 'Cookie: sid=abc'")
                          .arg(accessToken));
}

void TestQueryCurl::otherCredentialHeadersMasked()
{
    // Credentials the caller does not know, typed into the extra headers.
    const QString command = afx::query::curlCommand(QStringLiteral("GET"), QUrl(QStringLiteral("http://127.0.0.1/")),
                                                    {{"authorization", "Basic dXNlcjpwYXNz"},
                                                     {"Proxy-Authorization", "opaque-value"},
                                                     {"Cookie", "sid=abc; theme=dark"},
                                                     {"X-Request-Id", "42"}},
                                                    {});
    QVERIFY2(command.contains(QStringLiteral("-H 'authorization: Basic <credentials (masked)>'")), qPrintable(command));
    QVERIFY2(command.contains(QStringLiteral("-H 'Proxy-Authorization: <credentials (masked)>'")), qPrintable(command));
    QVERIFY2(command.contains(QStringLiteral("-H 'Cookie: <cookies (masked)>'")), qPrintable(command));
    QVERIFY2(command.contains(QStringLiteral("-H 'X-Request-Id: 42'")), qPrintable(command));
    QVERIFY(!command.contains(QStringLiteral("dXNlcjpwYXNz")));
    QVERIFY(!command.contains(QStringLiteral("sid=abc")));
}

void TestQueryCurl::shortSecretShowsNoStart()
{
    QCOMPARE(afx::query::maskedSecret(QStringLiteral("short-secret"), QStringLiteral("API token")),
             QStringLiteral("<API token: …(masked)>"));
    QCOMPARE(afx::query::maskedSecret(accessToken, QStringLiteral("ID token")), QStringLiteral("<ID token: eyJh…(masked)>"));
}

void TestQueryCurl::shellParsesArguments_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<Headers>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QList<QByteArray>>("expected");

    const QByteArray url = "http://127.0.0.1:4000/a";
    QTest::newRow("GET without body") << QStringLiteral("GET") << Headers{} << QByteArray() << QList<QByteArray>{url};
    QTest::newRow("quotes in header and body")
        << QStringLiteral("POST") << Headers{{"X-Note", "it's \"quoted\" $HOME `id`"}}
        << QByteArray("{\"name\": \"O'Brien\"}")
        << QList<QByteArray>{url, "-H", "X-Note: it's \"quoted\" $HOME `id`", "--data-raw", "{\"name\": \"O'Brien\"}"};
    QTest::newRow("newlines and tabs in body")
        << QStringLiteral("PUT") << Headers{} << QByteArray("line 1\nline 2\r\n\tend\n")
        << QList<QByteArray>{"-X", "PUT", url, "--data-raw", "line 1\nline 2\r\n\tend\n"};
    QTest::newRow("non-ASCII")
        << QStringLiteral("POST") << Headers{{"X-Name", "grüß"}} << QStringLiteral("{\"text\": \"日本語 ✓\"}").toUtf8()
        << QList<QByteArray>{url, "-H", QStringLiteral("X-Name: grüß").toUtf8(), "--data-raw",
                             QStringLiteral("{\"text\": \"日本語 ✓\"}").toUtf8()};
    QTest::newRow("body starting with @")
        << QStringLiteral("POST") << Headers{} << QByteArray("@/etc/passwd")
        << QList<QByteArray>{url, "--data-raw", "@/etc/passwd"};
    QTest::newRow("binary body with NUL")
        << QStringLiteral("POST") << Headers{} << QByteArray("a\0b\x01\x7f\xff%s\\n'%%", 13)
        << QList<QByteArray>{url, "--data-binary", "@-", QByteArray("a\0b\x01\x7f\xff%s\\n'%%", 13)};
    QTest::newRow("invalid UTF-8 body")
        << QStringLiteral("POST") << Headers{} << QByteArray("caf\xe9")
        << QList<QByteArray>{url, "--data-binary", "@-", QByteArray("caf\xe9")};
}

void TestQueryCurl::shellParsesArguments()
{
    QFETCH(QString, method);
    QFETCH(Headers, headers);
    QFETCH(QByteArray, body);
    QFETCH(QList<QByteArray>, expected);
    const QString command = afx::query::curlCommand(method, QUrl(QStringLiteral("http://127.0.0.1:4000/a")), headers, body);
    bool ok = false;
    const QList<QByteArray> arguments = shellArguments(command, &ok);
    QVERIFY2(ok, qPrintable(command));
    QCOMPARE(arguments, expected);
}

void TestQueryCurl::realCurlSendsSameRequest_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("JSON POST") << QStringLiteral("POST") << QByteArray("{\"query\": \"{ me { id } }\", \"x\": \"it's\"}");
    QTest::newRow("PATCH with newlines") << QStringLiteral("PATCH") << QStringLiteral("a\nb ✓\n").toUtf8();
    QTest::newRow("binary PUT") << QStringLiteral("PUT") << QByteArray("\0\1\2%'\\\xff", 8);
    QTest::newRow("GET") << QStringLiteral("GET") << QByteArray();
    QTest::newRow("DELETE") << QStringLiteral("DELETE") << QByteArray();
}

void TestQueryCurl::realCurlSendsSameRequest()
{
    QFETCH(QString, method);
    QFETCH(QByteArray, body);
    if (QStandardPaths::findExecutable(QStringLiteral("curl")).isEmpty())
        QSKIP("curl is not installed");
    OneShotServer server;
    QVERIFY(server.port() != 0);
    const QUrl url(QStringLiteral("http://127.0.0.1:%1/items?q=a%20b").arg(server.port()));
    const QByteArray token = accessToken.toLatin1();
    const QString command = afx::query::curlCommand(
        method, url, {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}, {"X-Empty", ""}}, body,
        CurlOptions{false, {{accessToken, QStringLiteral("access token")}}});

    QProcess shell;
    shell.start(QStringLiteral("/bin/dash"), {QStringLiteral("-c"), command + QStringLiteral(" --silent --show-error")});
    // The server responds from this thread's event loop, so the test waits with QTRY.
    QTRY_VERIFY_WITH_TIMEOUT(server.done(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(shell.state(), QProcess::NotRunning, 10000);
    QVERIFY2(shell.exitCode() == 0, shell.readAllStandardError().constData());

    const Received &received = server.received();
    QCOMPARE(received.requestLine, method.toLatin1() + " /items?q=a%20b HTTP/1.1");
    QCOMPARE(received.body, body);
    QCOMPARE(headerOf(received.headers, "Authorization"), "Bearer " + token);
    QCOMPARE(headerOf(received.headers, "Content-Type"), QByteArray("application/json"));
    bool emptyHeaderSent = false;
    for (const auto &[name, value] : received.headers)
        emptyHeaderSent |= name == "X-Empty" && value.isEmpty();
    QVERIFY(emptyHeaderSent);
}

QTEST_GUILESS_MAIN(TestQueryCurl)
#include "tst_querycurl.moc"
