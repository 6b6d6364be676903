// The query editor's tools against the built-in sandbox on 127.0.0.1: history and saved
// queries across editor instances, the raw HTTP mode, {{name}} placeholders, copy as curl,
// the credential's claims beside the response, the 401 challenge and its doctor finding, and
// the operation list. Also saves screenshots of both modes with the history panel open.

#include "flow/trace.h"
#include "gui/historypanel.h"
#include "gui/queryeditor.h"
#include "http/tracedhttpclient.h"
#include "query/history.h"
#include "sandbox/sandboxserver.h"
#include "sandboxhttp.h"

#include <QAbstractButton>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

using afx::Profile;
using afx::StepResult;
using afx::TokenSet;
using afx::Trace;
using afx::gui::HistoryPanel;
using afx::gui::QueryEditor;
using afx::query::RequestMode;
using afx::sandbox::SandboxServer;

namespace {

QString labelText(QWidget *parent, const char *name)
{
    auto *label = parent->findChild<QLabel *>(QLatin1String(name));
    return label ? label->text() : QStringLiteral("<no label %1>").arg(QLatin1String(name));
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestQueryEditorTools : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void historyPersistsAcrossEditors();
    void historySearchAndShortcut();
    void savedQueriesInPanel();
    void corruptHistoryReported();
    void copyAsCurlMasked();
    void copyAsCurlWithCredential();
    void placeholdersFilledBeforeSending();
    void unknownPlaceholderSendsNothing();
    void httpModeAgainstSandbox_data();
    void httpModeAgainstSandbox();
    void unauthorizedShowsChallengeAndFinding();
    void credentialNoteShowsSandboxClaims();
    void operationsListedAndChosen();
    void variablesErrorNamesLineAndColumn();
    void screenshots();

private:
    QueryEditor *newEditor();
    void sendAndWait(int expectedStatus);
    QTreeWidget *historyList() const { return m_editor->findChild<QTreeWidget *>(QStringLiteral("historyList")); }
    QString messageText() const { return labelText(m_editor, "message"); }
    Profile profile() const;

    QTemporaryDir m_dir;
    SandboxServer *m_sandbox = nullptr;
    TokenSet m_tokens;
    QNetworkAccessManager *m_network = nullptr;
    Trace *m_trace = nullptr;
    afx::TracedHttpClient *m_client = nullptr;
    QueryEditor *m_editor = nullptr;
};

void TestQueryEditorTools::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // ClipboardGuard reads its delay from QSettings: keep the user's settings out of the test.
    QCoreApplication::setOrganizationName(QStringLiteral("afx-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_queryeditortools"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path() + QStringLiteral("/settings"));

    m_sandbox = new SandboxServer(this);
    QString error;
    QVERIFY2(m_sandbox->start(0, &error), qPrintable(error));

    // Real tokens from the sandbox's password grant.
    QNetworkAccessManager network;
    const afx::test::Reply reply =
        afx::test::requestPasswordGrant(network, m_sandbox->issuer(), SandboxServer::publicClientId(),
                                        SandboxServer::demoEmail(), SandboxServer::demoPassword());
    QVERIFY2(reply.status == 200, reply.body.constData());
    m_tokens.idToken = reply.jsonString(QStringLiteral("id_token"));
    m_tokens.accessToken = reply.jsonString(QStringLiteral("access_token"));
    m_tokens.tokenType = QStringLiteral("Bearer");
    m_tokens.expiresAt = QDateTime::currentDateTimeUtc().addSecs(300);
    QVERIFY(!m_tokens.accessToken.isEmpty());
}

Profile TestQueryEditorTools::profile() const
{
    Profile profile = Profile::localSandbox();
    profile.id = QStringLiteral("tools-test");
    profile.graphqlUrl = m_sandbox->graphqlUrl();
    profile.environment = {{QStringLiteral("baseUrl"), m_sandbox->issuer()}, {QStringLiteral("requestId"), QStringLiteral("req-ü-42")}};
    return profile;
}

QueryEditor *TestQueryEditorTools::newEditor()
{
    auto *editor = new QueryEditor;
    editor->setHistoryDirectory(m_dir.path() + QStringLiteral("/history"));
    editor->setHttpClient(m_client);
    editor->setProfile(profile());
    editor->setTokens(m_tokens);
    editor->setEndpoint(m_sandbox->graphqlUrl());
    editor->setQuery(QStringLiteral("query Me {\n  me { sub email }\n}"));
    editor->resize(1100, 760);
    editor->show();
    QApplication::setActiveWindow(editor);
    if (!QTest::qWaitForWindowActive(editor))
        qWarning("The editor did not become active");
    return editor;
}

void TestQueryEditorTools::init()
{
    QDir(m_dir.path() + QStringLiteral("/history")).removeRecursively();
    m_network = new QNetworkAccessManager(this);
    m_trace = new Trace(this);
    m_sandbox->setTrace(m_trace);
    m_client = new afx::TracedHttpClient(m_network, this);
    m_client->setTrace(m_trace);
    m_editor = newEditor();
}

void TestQueryEditorTools::cleanup()
{
    delete m_editor;
    m_editor = nullptr;
    m_sandbox->setTrace(nullptr);
    delete m_client;
    delete m_trace;
    delete m_network;
}

void TestQueryEditorTools::sendAndWait(int expectedStatus)
{
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    m_editor->send();
    QVERIFY2(finished.wait(15000) || finished.count() == 1, qPrintable(messageText()));
    QCOMPARE(finished.count(), 1);
    QVERIFY2(finished.at(0).at(0).toInt() == expectedStatus,
             qPrintable(QStringLiteral("%1: %2").arg(finished.at(0).at(0).toInt()).arg(messageText())));
}

void TestQueryEditorTools::historyPersistsAcrossEditors()
{
    m_editor->findChild<QPlainTextEdit *>(QStringLiteral("headers"))->setPlainText(QStringLiteral("X-Request-Id: {{requestId}}"));
    sendAndWait(200);
    m_editor->setMode(RequestMode::Http);
    m_editor->setHttpRequest(QStringLiteral("GET"), QStringLiteral("{{baseUrl}}/userinfo"), QString(), QString());
    sendAndWait(200);
    QCOMPARE(m_editor->historyStore().history().size(), 2);

    // The file has the requests without the token.
    const QString path = m_editor->historyStore().historyPath();
    QCOMPARE(path, m_dir.path() + QStringLiteral("/history/tools-test.history.json"));
    const QByteArray file = readFile(path);
    QVERIFY(file.contains("{{baseUrl}}/userinfo"));
    QVERIFY(file.contains("X-Request-Id: {{requestId}}"));
    QVERIFY(!file.contains(m_tokens.accessToken.toLatin1()));
    QVERIFY(!file.contains(m_tokens.idToken.toLatin1()));
    QVERIFY(!file.contains("eyJ"));

    // A new editor, as after a restart of the app, reads the same history.
    delete m_editor;
    m_editor = newEditor();
    const auto &history = m_editor->historyStore().history();
    QCOMPARE(history.size(), 2);
    QCOMPARE(history.at(0).mode, RequestMode::Http);
    QCOMPARE(history.at(0).status, 200);
    QVERIFY(history.at(0).durationMs >= 0);
    QCOMPARE(history.at(1).operationName, QString());
    QCOMPARE(history.at(1).document, QStringLiteral("query Me {\n  me { sub email }\n}"));

    // Reopen the GraphQL request from the panel with the keyboard.
    m_editor->setMode(RequestMode::Http);
    m_editor->findChild<QPlainTextEdit *>(QStringLiteral("headers"))->clear();
    m_editor->setQuery(QStringLiteral("{ other }"));
    m_editor->setHistoryVisible(true);
    QTreeWidget *list = historyList();
    QVERIFY(list->isVisible());
    QTreeWidgetItem *historySection = list->topLevelItem(1);
    QCOMPARE(historySection->text(0), QStringLiteral("History (2)"));
    QVERIFY2(historySection->child(1)->text(0).startsWith(QStringLiteral("Me\n200 · ")), qPrintable(historySection->child(1)->text(0)));
    QVERIFY2(historySection->child(0)->text(0).startsWith(QStringLiteral("GET {{baseUrl}}/userinfo\n200 · ")),
             qPrintable(historySection->child(0)->text(0)));
    list->setFocus();
    list->setCurrentItem(historySection->child(1));
    QTest::keyClick(list, Qt::Key_Return);
    QCOMPARE(m_editor->mode(), RequestMode::Graphql);
    QCOMPARE(m_editor->findChild<QPlainTextEdit *>(QStringLiteral("query"))->toPlainText(),
             QStringLiteral("query Me {\n  me { sub email }\n}"));
    QCOMPARE(m_editor->findChild<QPlainTextEdit *>(QStringLiteral("headers"))->toPlainText(),
             QStringLiteral("X-Request-Id: {{requestId}}"));
    QVERIFY2(messageText().startsWith(QStringLiteral("Opened the request of ")), qPrintable(messageText()));

    // Double-click reopens the HTTP request.
    const QRect rect = list->visualItemRect(historySection->child(0));
    QVERIFY(list->viewport()->width() >= 100);
    // QTest's double click alone does not set the view's pressed item, as a real first click does.
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
    QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(m_editor->mode(), RequestMode::Http);
    QCOMPARE(m_editor->findChild<QLineEdit *>(QStringLiteral("httpUrl"))->text(), QStringLiteral("{{baseUrl}}/userinfo"));
    QCOMPARE(m_editor->findChild<QComboBox *>(QStringLiteral("method"))->currentText(), QStringLiteral("GET"));
}

void TestQueryEditorTools::historySearchAndShortcut()
{
    sendAndWait(200);
    m_editor->setQuery(QStringLiteral("query Todos {\n  todos { id title }\n}"));
    sendAndWait(200);
    m_editor->setMode(RequestMode::Http);
    m_editor->setHttpRequest(QStringLiteral("GET"), m_sandbox->issuer() + QStringLiteral("/userinfo"), QString(), QString());
    sendAndWait(200);

    auto *panel = m_editor->historyPanel();
    QVERIFY(!panel->isVisible());
    auto *query = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("query"));
    m_editor->setMode(RequestMode::Graphql);
    query->setFocus();
    QTest::keyClick(query, Qt::Key_H, Qt::ControlModifier);
    QVERIFY(panel->isVisible());
    QVERIFY(m_editor->findChild<QAbstractButton *>(QStringLiteral("historyButton"))->isChecked());
    auto *filter = m_editor->findChild<QLineEdit *>(QStringLiteral("historyFilter"));
    QVERIFY(filter->hasFocus());

    QTest::keyClicks(filter, QStringLiteral("todos"));
    QTreeWidgetItem *section = historyList()->topLevelItem(1);
    QCOMPARE(section->text(0), QStringLiteral("History (1 of 3)"));
    QVERIFY(section->child(0)->text(0).startsWith(QStringLiteral("Todos\n")));
    filter->clear();
    QTest::keyClicks(filter, QStringLiteral("userinfo"));
    QCOMPARE(section->childCount(), 1);
    QVERIFY(section->child(0)->text(0).startsWith(QStringLiteral("GET /userinfo\n")));
    filter->clear();
    QTest::keyClicks(filter, QStringLiteral("Me"));
    QCOMPARE(section->text(0), QStringLiteral("History (1 of 3)"));

    // Down moves into the list, Enter opens the entry.
    QTest::keyClick(filter, Qt::Key_Down);
    QVERIFY(historyList()->hasFocus());
    QTest::keyClick(historyList(), Qt::Key_Enter);
    QCOMPARE(query->toPlainText(), QStringLiteral("query Me {\n  me { sub email }\n}"));

    query->setFocus();
    QTest::keyClick(query, Qt::Key_H, Qt::ControlModifier);
    QVERIFY(!panel->isVisible());
}

void TestQueryEditorTools::savedQueriesInPanel()
{
    m_editor->setQuery(QStringLiteral("query Todos {\n  todos { id }\n}"));
    QString error;
    QVERIFY2(m_editor->saveQueryAs(QStringLiteral("All todos"), &error), qPrintable(error));
    m_editor->setMode(RequestMode::Http);
    m_editor->setHttpRequest(QStringLiteral("POST"), QStringLiteral("{{baseUrl}}/graphql"),
                             QStringLiteral("Content-Type: application/json\nAuthorization: Bearer typed-secret-123456"),
                             QStringLiteral("{\"query\": \"{ me { sub } }\"}"));
    QVERIFY2(m_editor->saveQueryAs(QStringLiteral("Raw me"), &error), qPrintable(error));
    QVERIFY(!readFile(m_editor->historyStore().savedPath()).contains("typed-secret-123456"));

    m_editor->setHistoryVisible(true);
    QTreeWidgetItem *saved = historyList()->topLevelItem(0);
    QCOMPARE(saved->text(0), QStringLiteral("Saved queries (2)"));
    QCOMPARE(saved->child(0)->text(0), QStringLiteral("All todos"));
    QCOMPARE(saved->child(1)->text(0), QStringLiteral("Raw me"));

    // Reopened, with a warning about the header the file did not keep.
    m_editor->setMode(RequestMode::Graphql);
    historyList()->setCurrentItem(saved->child(1));
    QTest::keyClick(historyList(), Qt::Key_Return);
    QCOMPARE(m_editor->mode(), RequestMode::Http);
    QCOMPARE(m_editor->findChild<QPlainTextEdit *>(QStringLiteral("httpHeaders"))->toPlainText(),
             QStringLiteral("Content-Type: application/json"));
    QVERIFY2(messageText().contains(QStringLiteral("Opened the saved query \"Raw me\"")), qPrintable(messageText()));
    QVERIFY2(messageText().contains(QStringLiteral("the Authorization header")), qPrintable(messageText()));

    // Rename in place, as F2 does, then delete.
    auto *panel = m_editor->historyPanel();
    QTreeWidgetItem *first = historyList()->topLevelItem(0)->child(0);
    first->setText(0, QStringLiteral("Todos, all of them"));
    QTRY_VERIFY(m_editor->historyStore().savedQueryIndex(QStringLiteral("Todos, all of them")) >= 0);
    QCOMPARE(m_editor->historyStore().savedQueryIndex(QStringLiteral("All todos")), -1);
    QSignalSpy errors(panel, &HistoryPanel::errorOccurred);
    QVERIFY(!panel->renameSavedQuery(QStringLiteral("Raw me"), QStringLiteral("Todos, all of them")));
    QCOMPARE(errors.count(), 1);
    QVERIFY2(messageText().contains(QStringLiteral("exists already")), qPrintable(messageText()));
    QVERIFY(panel->removeSavedQuery(QStringLiteral("Raw me")));
    QCOMPARE(historyList()->topLevelItem(0)->text(0), QStringLiteral("Saved queries (1)"));

    // Still there for the next editor.
    delete m_editor;
    m_editor = newEditor();
    QCOMPARE(m_editor->historyStore().savedQueries().size(), 1);
    QCOMPARE(m_editor->historyStore().savedQueries().at(0).name, QStringLiteral("Todos, all of them"));
}

void TestQueryEditorTools::corruptHistoryReported()
{
    sendAndWait(200);
    const QString path = m_editor->historyStore().historyPath();
    delete m_editor;
    m_editor = nullptr;
    QByteArray truncated = readFile(path);
    truncated.chop(20);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(truncated);
    file.close();

    m_editor = newEditor();
    QVERIFY2(messageText().contains(QStringLiteral("The history file %1 is not valid JSON").arg(QDir::toNativeSeparators(path))),
             qPrintable(messageText()));
    QCOMPARE(m_editor->findChild<QLabel *>(QStringLiteral("message"))->property("severity").toString(), QStringLiteral("warning"));
    QVERIFY2(labelText(m_editor, "historyProblems").contains(QStringLiteral(".corrupt-")), qPrintable(labelText(m_editor, "historyProblems")));
    const QStringList copies = QDir(QFileInfo(path).path()).entryList({QStringLiteral("*.corrupt-*")});
    QCOMPARE(copies.size(), 1);
    QCOMPARE(readFile(QFileInfo(path).path() + QLatin1Char('/') + copies.at(0)), truncated);
    QVERIFY(m_editor->historyStore().history().isEmpty());
    // Sending works and starts a new history.
    sendAndWait(200);
    QCOMPARE(m_editor->historyStore().history().size(), 1);
}

void TestQueryEditorTools::copyAsCurlMasked()
{
    m_editor->setCredential(QueryEditor::Credential::AccessToken);
    m_editor->findChild<QPlainTextEdit *>(QStringLiteral("headers"))->setPlainText(QStringLiteral("X-Request-Id: {{requestId}}"));
    QClipboard *clipboard = QGuiApplication::clipboard();
    clipboard->clear();
    auto *query = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("query"));
    query->setFocus();
    QTest::keyClick(query, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);

    const QString command = clipboard->text();
    QVERIFY2(command.startsWith(QStringLiteral("curl '%1' \\\n").arg(m_sandbox->graphqlUrl().toString())),
             qPrintable(command + QStringLiteral(" | ") + messageText()));
    QVERIFY2(command.contains(QStringLiteral("-H 'Authorization: Bearer <access token: eyJh…(masked)>'")), qPrintable(command));
    QVERIFY2(command.contains(QStringLiteral("-H 'X-Request-Id: req-ü-42'")), qPrintable(command));
    QVERIFY2(command.contains(QStringLiteral("--data-raw '{\"query\":\"query Me {\\n  me { sub email }\\n}\"}'")), qPrintable(command));
    QVERIFY(!command.contains(m_tokens.accessToken));
    QVERIFY(!clipboard->mimeData()->hasFormat(QStringLiteral("x-kde-passwordManagerHint")));
    QVERIFY2(messageText().contains(QStringLiteral("credential masked")), qPrintable(messageText()));
    // Nothing was sent.
    QCOMPARE(m_trace->count(), 0);

    // An input error copies nothing and shows the reason.
    clipboard->clear();
    m_editor->setEndpoint(QUrl());
    m_editor->copyAsCurl();
    QVERIFY(clipboard->text().isEmpty());
    QVERIFY2(messageText().contains(QStringLiteral("The endpoint is missing")), qPrintable(messageText()));
}

void TestQueryEditorTools::copyAsCurlWithCredential()
{
    m_editor->setCredential(QueryEditor::Credential::AccessToken);
    m_editor->setMode(RequestMode::Http);
    m_editor->setHttpRequest(QStringLiteral("GET"), QStringLiteral("{{baseUrl}}/userinfo"), QString(), QString());
    QClipboard *clipboard = QGuiApplication::clipboard();
    clipboard->clear();
    auto *full = m_editor->findChild<QAction *>(QStringLiteral("copyAsCurlWithCredential"));
    QVERIFY(full);
    full->trigger();

    const QString command = clipboard->text();
    QCOMPARE(command, QStringLiteral("curl '%1/userinfo' \\\n  -H 'Authorization: Bearer %2'").arg(m_sandbox->issuer(), m_tokens.accessToken));
    QCOMPARE(clipboard->mimeData()->data(QStringLiteral("x-kde-passwordManagerHint")), QByteArray("secret"));
    QVERIFY2(messageText().contains(QStringLiteral("with the credential in full")), qPrintable(messageText()));

    // The command runs as it is, and the sandbox returns the user's claims.
    if (QStandardPaths::findExecutable(QStringLiteral("curl")).isEmpty())
        QSKIP("curl is not installed");
    QProcess shell;
    shell.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), command + QStringLiteral(" --silent")});
    QTRY_COMPARE_WITH_TIMEOUT(shell.state(), QProcess::NotRunning, 15000);
    const QJsonObject userInfo = QJsonDocument::fromJson(shell.readAllStandardOutput()).object();
    QCOMPARE(userInfo.value(QStringLiteral("email")).toString(), SandboxServer::demoEmail());
}

void TestQueryEditorTools::placeholdersFilledBeforeSending()
{
    m_editor->setEndpoint(QUrl(QStringLiteral("{{baseUrl}}/graphql")));
    m_editor->findChild<QLineEdit *>(QStringLiteral("endpoint"))->setText(QStringLiteral("{{baseUrl}}/graphql"));
    m_editor->findChild<QPlainTextEdit *>(QStringLiteral("headers"))->setPlainText(QStringLiteral("X-Request-Id: {{ requestId }}"));
    m_editor->setQuery(QStringLiteral("mutation Add($title: String!) {\n  addTodo(title: $title) { id title }\n}"));
    m_editor->findChild<QPlainTextEdit *>(QStringLiteral("variables"))->setPlainText(QStringLiteral("{\"title\": \"Call {{requestId}}\"}"));
    sendAndWait(200);
    const QString response = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("response"))->toPlainText();
    QVERIFY2(response.contains(QStringLiteral("\"title\": \"Call req-ü-42\"")), qPrintable(response));

    const afx::TraceStep &step = m_trace->step(0);
    QCOMPARE(step.request.url, m_sandbox->graphqlUrl().toString());
    bool headerSent = false;
    for (const auto &[name, value] : step.request.headers)
        headerSent |= name == QLatin1String("X-Request-Id") && value.toUtf8() == QStringLiteral("req-ü-42").toUtf8();
    // The trace keeps header values as Latin-1 text of the bytes sent.
    for (const auto &[name, value] : step.request.headers)
        headerSent |= name == QLatin1String("X-Request-Id") && value.toLatin1() == QStringLiteral("req-ü-42").toUtf8();
    QVERIFY(headerSent);
    const QJsonObject body = QJsonDocument::fromJson(step.request.body).object();
    QCOMPARE(body.value(QStringLiteral("variables")).toObject().value(QStringLiteral("title")).toString(), QStringLiteral("Call req-ü-42"));
    // The history keeps what was typed.
    QCOMPARE(m_editor->historyStore().history().at(0).url, QStringLiteral("{{baseUrl}}/graphql"));
}

void TestQueryEditorTools::unknownPlaceholderSendsNothing()
{
    m_editor->findChild<QLineEdit *>(QStringLiteral("endpoint"))->setText(QStringLiteral("{{apiHost}}/graphql"));
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    m_editor->send();
    QVERIFY2(messageText().contains(QStringLiteral("The placeholder {{apiHost}} at line 1, column 1 of the endpoint is not "
                                                   "defined in the profile's environment. Defined names: baseUrl, requestId.")),
             qPrintable(messageText()));
    QCOMPARE(m_editor->findChild<QLabel *>(QStringLiteral("message"))->property("severity").toString(), QStringLiteral("error"));
    QVERIFY(m_editor->findChild<QLineEdit *>(QStringLiteral("endpoint"))->hasFocus());
    QTest::qWait(50);
    QCOMPARE(finished.count(), 0);
    QCOMPARE(m_trace->count(), 0);
    QVERIFY(m_editor->historyStore().history().isEmpty());
}

void TestQueryEditorTools::httpModeAgainstSandbox_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("headers");
    QTest::addColumn<QString>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("expectedInBody");

    QTest::newRow("GET userinfo") << QStringLiteral("GET") << QStringLiteral("/userinfo") << QString() << QString() << 200
                                  << SandboxServer::demoEmail();
    QTest::newRow("GET graphql with query")
        << QStringLiteral("GET") << QStringLiteral("/graphql?query=%7B%20me%20%7B%20email%20%7D%20%7D") << QString() << QString()
        << 200 << SandboxServer::demoEmail();
    QTest::newRow("POST graphql JSON")
        << QStringLiteral("POST") << QStringLiteral("/graphql") << QStringLiteral("Content-Type: application/json")
        << QStringLiteral("{\"query\": \"{ me { sub email } }\"}") << 200 << SandboxServer::demoEmail();
    QTest::newRow("PUT not allowed") << QStringLiteral("PUT") << QStringLiteral("/graphql")
                                     << QStringLiteral("Content-Type: application/json") << QStringLiteral("{}") << 405
                                     << QStringLiteral("accepts GET and POST");
    QTest::newRow("discovery") << QStringLiteral("GET") << QStringLiteral("/.well-known/openid-configuration") << QString()
                               << QString() << 200 << QStringLiteral("token_endpoint");
}

void TestQueryEditorTools::httpModeAgainstSandbox()
{
    QFETCH(QString, method);
    QFETCH(QString, path);
    QFETCH(QString, headers);
    QFETCH(QString, body);
    QFETCH(int, status);
    QFETCH(QString, expectedInBody);

    m_editor->setCredential(QueryEditor::Credential::AccessToken);
    m_editor->findChild<QAbstractButton *>(QStringLiteral("modeHttp"))->click();
    QCOMPARE(m_editor->mode(), RequestMode::Http);
    QVERIFY(m_editor->findChild<QPlainTextEdit *>(QStringLiteral("httpBody"))->isVisible());
    QVERIFY(!m_editor->findChild<QPlainTextEdit *>(QStringLiteral("query"))->isVisible());
    m_editor->setHttpRequest(method, QStringLiteral("{{baseUrl}}") + path, headers, body);
    sendAndWait(status);

    // One App -> Backend step with the chosen credential, masked in the trace.
    const afx::TraceStep *step = nullptr;
    for (const afx::TraceStep &candidate : m_trace->steps()) {
        if (candidate.explanationKey == QLatin1String("api-request"))
            step = &candidate;
    }
    QVERIFY(step);
    QCOMPARE(step->from, Trace::App);
    QCOMPARE(step->to, Trace::Backend);
    QCOMPARE(step->request.method, method);
    QCOMPARE(step->title, method + QLatin1Char(' ') + QUrl(m_sandbox->issuer() + path).path());
    QCOMPARE(step->request.body, body.toUtf8());
    QString authorization;
    for (const auto &[name, value] : step->request.headers) {
        if (name == QLatin1String("Authorization"))
            authorization = value;
        // HTTP mode adds no GraphQL defaults.
        QVERIFY(name != QLatin1String("Accept"));
    }
    QCOMPARE(authorization, QStringLiteral("Bearer ") + m_tokens.accessToken);
    QVERIFY(!m_trace->mask(authorization).contains(m_tokens.accessToken));
    QCOMPARE(step->result, status == 200 ? StepResult::Ok : StepResult::Failed);

    const QString response = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("response"))->toPlainText();
    QVERIFY2(response.contains(expectedInBody), qPrintable(response.left(300)));
    QVERIFY2(labelText(m_editor, "responseStatus").startsWith(QString::number(status)), qPrintable(labelText(m_editor, "responseStatus")));
    QVERIFY2(labelText(m_editor, "credentialNote").startsWith(QStringLiteral("Sent the access token, a JWT signed with RS256.")),
             qPrintable(labelText(m_editor, "credentialNote")));
}

void TestQueryEditorTools::unauthorizedShowsChallengeAndFinding()
{
    // Without a credential the sandbox returns 401 with a bare Bearer challenge.
    m_editor->setCredential(QueryEditor::Credential::None);
    m_editor->setMode(RequestMode::Http);
    m_editor->setHttpRequest(QStringLiteral("GET"), QStringLiteral("{{baseUrl}}/graphql?query=%7Bme%7Bsub%7D%7D"), QString(), QString());
    sendAndWait(401);
    QCOMPARE(labelText(m_editor, "credentialNote"), QStringLiteral("Sent without a credential."));
    auto *challenge = m_editor->findChild<QLabel *>(QStringLiteral("challenge"));
    QVERIFY(challenge->isVisible());
    QCOMPARE(challenge->text(), QStringLiteral("WWW-Authenticate: Bearer · realm sandbox"));
    auto *link = m_editor->findChild<QLabel *>(QStringLiteral("findingLink"));
    QVERIFY(link->isVisible());
    QCOMPARE(link->property("findingId").toString(), QStringLiteral("backend-no-token"));
    QVERIFY2(link->text().contains(QStringLiteral("No token was sent to the backend")), qPrintable(link->text()));
    const int step = link->property("step").toInt();
    QCOMPARE(m_trace->step(step).explanationKey, QStringLiteral("api-request"));
    QSignalSpy requested(m_editor, &QueryEditor::findingRequested);
    Q_EMIT link->linkActivated(QStringLiteral("finding"));
    QCOMPARE(requested.count(), 1);
    QCOMPARE(requested.at(0).at(0).toInt(), step);

    // An invalid token: 401 with error and description, parsed.
    m_editor->setCredential(QueryEditor::Credential::ApiToken);
    m_editor->setApiToken(QStringLiteral("not-a-valid-token-1234567890"));
    m_editor->setMode(RequestMode::Graphql);
    sendAndWait(401);
    QVERIFY2(labelText(m_editor, "credentialNote").startsWith(QStringLiteral("Sent the pasted API token, an opaque token (28 chars).")),
             qPrintable(labelText(m_editor, "credentialNote")));
    QVERIFY2(challenge->text().startsWith(QStringLiteral("WWW-Authenticate: Bearer · error invalid_token · error_description \"")),
             qPrintable(challenge->text()));
    QVERIFY(link->isVisible());
    QVERIFY(link->property("step").toInt() > step);

    // A success hides both.
    m_editor->setCredential(QueryEditor::Credential::AccessToken);
    sendAndWait(200);
    QVERIFY(!challenge->isVisible());
    QVERIFY(!link->isVisible());
}

void TestQueryEditorTools::credentialNoteShowsSandboxClaims()
{
    m_editor->setCredential(QueryEditor::Credential::AccessToken);
    sendAndWait(200);
    const QString note = labelText(m_editor, "credentialNote");
    QVERIFY2(note.startsWith(QStringLiteral("Sent the access token, a JWT signed with RS256.\nsub ")), qPrintable(note));
    QVERIFY2(note.contains(QStringLiteral("aud %1").arg(m_sandbox->graphqlUrl().toString())), qPrintable(note));
    QVERIFY2(note.contains(QRegularExpression(QStringLiteral("exp \\d\\d:\\d\\d:\\d\\d \\(in \\d+ min"))), qPrintable(note));
    QVERIFY2(note.contains(QStringLiteral("scope openid profile email")), qPrintable(note));
    QVERIFY2(note.contains(QStringLiteral("roles Employee")), qPrintable(note));
    QVERIFY(!note.contains(m_tokens.accessToken));

    m_editor->setCredential(QueryEditor::Credential::IdToken);
    sendAndWait(200);
    const QString idNote = labelText(m_editor, "credentialNote");
    QVERIFY2(idNote.startsWith(QStringLiteral("Sent the ID token, a JWT signed with RS256.")), qPrintable(idNote));
    QVERIFY2(idNote.contains(QStringLiteral("aud %1").arg(SandboxServer::publicClientId())), qPrintable(idNote));
    QVERIFY2(!idNote.contains(QStringLiteral("scope ")), qPrintable(idNote));
}

void TestQueryEditorTools::operationsListedAndChosen()
{
    auto *operation = m_editor->findChild<QComboBox *>(QStringLiteral("operationName"));
    m_editor->findChild<QPlainTextEdit *>(QStringLiteral("query"))
        ->setPlainText(QStringLiteral("query Me { me { sub } }\n\nquery Todos { todos { id } }\n"));
    QTRY_COMPARE(operation->count(), 2);
    QCOMPARE(operation->itemText(0), QStringLiteral("Me"));
    QCOMPARE(operation->itemText(1), QStringLiteral("Todos"));
    // Several operations need a name, so the first is chosen.
    QCOMPARE(operation->currentText(), QStringLiteral("Me"));
    operation->setCurrentIndex(1);
    sendAndWait(200);
    const QJsonObject body = QJsonDocument::fromJson(m_trace->step(0).request.body).object();
    QCOMPARE(body.value(QStringLiteral("operationName")).toString(), QStringLiteral("Todos"));
    const QString response = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("response"))->toPlainText();
    QVERIFY2(response.contains(QStringLiteral("\"todos\"")), qPrintable(response.left(200)));

    // A name the document does not define blocks sending with the choices.
    operation->setEditText(QStringLiteral("Nope"));
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    m_editor->send();
    QVERIFY2(messageText().contains(QStringLiteral("no operation named \"Nope\".")), qPrintable(messageText()));
    QVERIFY2(messageText().contains(QStringLiteral("\"Todos\"")), qPrintable(messageText()));
    QCOMPARE(finished.count(), 0);

    // Renaming the operation in the document updates the choice.
    m_editor->findChild<QPlainTextEdit *>(QStringLiteral("query"))->setPlainText(QStringLiteral("query Mine { me { sub } }"));
    QTRY_COMPARE(operation->currentText(), QStringLiteral("Mine"));
    QCOMPARE(operation->count(), 1);
}

void TestQueryEditorTools::variablesErrorNamesLineAndColumn()
{
    auto *variables = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("variables"));
    variables->setPlainText(QStringLiteral("{\n  \"first\": 10\n  \"after\": \"x\"\n}"));
    auto *status = m_editor->findChild<QLabel *>(QStringLiteral("variablesStatus"));
    QTRY_VERIFY(status->isVisible());
    // Qt's parser stops after the opening quote of "after".
    QVERIFY2(status->text().startsWith(QStringLiteral("Invalid JSON at line 3, column 4: ")), qPrintable(status->text()));
    m_editor->send();
    QVERIFY2(messageText().contains(QStringLiteral("at line 3, column 4")), qPrintable(messageText()));
    QCOMPARE(m_trace->count(), 0);
    variables->setPlainText(QStringLiteral("[]"));
    QTRY_COMPARE(status->text(), QStringLiteral("The variables must be a JSON object, such as {\"first\": 10}."));
    variables->setPlainText(QStringLiteral("{}"));
    QTRY_VERIFY(!status->isVisible());
}

void TestQueryEditorTools::screenshots()
{
    const QString dir = qEnvironmentVariable("AFX_SCREENSHOT_DIR", QStringLiteral(AFX_BINARY_DIR "/screenshots"));
    QVERIFY(QDir().mkpath(dir));

    // A history worth showing, and one saved query.
    m_editor->setCredential(QueryEditor::Credential::AccessToken);
    m_editor->setQuery(QStringLiteral("query Todos {\n  todos { id title done }\n}"));
    sendAndWait(200);
    QString error;
    QVERIFY(m_editor->saveQueryAs(QStringLiteral("Open todos"), &error));
    m_editor->setMode(RequestMode::Http);
    m_editor->setHttpRequest(QStringLiteral("GET"), QStringLiteral("{{baseUrl}}/userinfo"), QString(), QString());
    sendAndWait(200);

    m_editor->setMode(RequestMode::Graphql);
    m_editor->setQuery(QStringLiteral("# The signed-in user, and marking a todo done\n"
                                      "query Me {\n  me { sub email name }\n}\n\n"
                                      "mutation Done($id: ID!) {\n  setDone(id: $id, done: true) { id title done }\n}\n"));
    m_editor->findChild<QPlainTextEdit *>(QStringLiteral("variables"))->setPlainText(QStringLiteral("{\n  \"id\": \"1\"\n}"));
    m_editor->findChild<QPlainTextEdit *>(QStringLiteral("headers"))->setPlainText(QStringLiteral("X-Request-Id: {{requestId}}"));
    QTRY_COMPARE(m_editor->findChild<QComboBox *>(QStringLiteral("operationName"))->count(), 2);
    m_editor->findChild<QComboBox *>(QStringLiteral("operationName"))->setCurrentIndex(1);
    sendAndWait(200);
    m_editor->setHistoryVisible(true);
    QTest::qWait(50);
    QVERIFY(m_editor->grab().save(dir + QStringLiteral("/queryeditor-graphql-history.png")));

    m_editor->setMode(RequestMode::Http);
    m_editor->setHttpRequest(QStringLiteral("POST"), QStringLiteral("{{baseUrl}}/graphql"),
                             QStringLiteral("Content-Type: application/json\nX-Request-Id: {{requestId}}"),
                             QStringLiteral("{\n  \"query\": \"{ todos { id title } }\"\n}"));
    sendAndWait(200);
    QTest::qWait(50);
    QVERIFY(m_editor->grab().save(dir + QStringLiteral("/queryeditor-http-history.png")));

    m_editor->setCredential(QueryEditor::Credential::ApiToken);
    m_editor->setApiToken(QStringLiteral("expired-or-unknown-token-0123"));
    m_editor->setHttpRequest(QStringLiteral("GET"), QStringLiteral("{{baseUrl}}/graphql?query=%7Bme%7Bsub%7D%7D"), QString(), QString());
    sendAndWait(401);
    QTest::qWait(50);
    QVERIFY(m_editor->grab().save(dir + QStringLiteral("/queryeditor-http-401.png")));
}

QTEST_MAIN(TestQueryEditorTools)
#include "tst_queryeditortools.moc"
