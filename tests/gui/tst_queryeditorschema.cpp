// The query editor's schema against the built-in sandbox on 127.0.0.1. The tests cover loading
// it by introspection as its own trace step, and completion, validation and the documentation
// explorer with it. They also cover variables checked against it, a rejected credential that
// keeps the previous schema, and the automatic load on Ctrl+Space. With INTEROP_ISSUER and INTEROP_GRAPHQL set
// (tests/interop/start.sh), also the graphql-js backend. Saves screenshots of the schema tools.

#include "flow/authcodeflow.h"
#include "flow/trace.h"
#include "graphql/schema.h"
#include "gui/docexplorer.h"
#include "gui/graphqleditor.h"
#include "gui/queryeditor.h"
#include "http/tracedhttpclient.h"
#include "httpformagent.h"
#include "sandbox/sandboxserver.h"
#include "sandboxhttp.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

using afx::Profile;
using afx::StepResult;
using afx::TokenSet;
using afx::Trace;
using afx::gui::DocExplorer;
using afx::gui::GraphqlEditor;
using afx::gui::QueryEditor;
using afx::sandbox::SandboxServer;

namespace {

const QString introspectionTitle = QStringLiteral("GraphQL schema introspection");

QStringList completionLabels(GraphqlEditor *editor)
{
    QStringList labels;
    QAbstractItemView *view = editor->completionView();
    if (!view || !editor->isCompletionVisible())
        return labels;
    for (int row = 0; row < view->model()->rowCount(); ++row)
        labels << view->model()->index(row, 0).data().toString();
    return labels;
}

void placeCursorAfter(GraphqlEditor *editor, const QString &text)
{
    const qsizetype index = editor->toPlainText().indexOf(text);
    QVERIFY2(index >= 0, qPrintable(text));
    QTextCursor cursor = editor->textCursor();
    cursor.setPosition(int(index + text.size()));
    editor->setTextCursor(cursor);
}

int countSteps(const Trace &trace, const QString &title)
{
    int count = 0;
    for (int i = 0; i < trace.count(); ++i) {
        if (trace.step(i).title == title)
            ++count;
    }
    return count;
}

} // namespace

class TestQueryEditorSchema : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void loadSchemaAddsIntrospectionStep();
    void completionOffersSchemaFields();
    void invalidFieldGetsDiagnostic();
    void f1OpensDocumentationAtType();
    void variablesCheckedAgainstSchema();
    void rejectedCredentialKeepsSchema();
    void responseWithoutSchemaReported();
    void endpointChangeDropsSchema();
    void ctrlSpaceLoadsSchemaOnce();
    void cancelSchemaLoad();
    void interopBackendSchema();
    void completionDescriptionFitsPopup();
    void paneWidthsWithDocsAndHistory_data();
    void paneWidthsWithDocsAndHistory();
    void screenshots();

private:
    QueryEditor *newEditor(const QUrl &endpoint, const TokenSet &tokens);
    // Loads the schema and waits for the result; returns schemaLoadFinished's argument.
    bool loadSchemaAndWait(QueryEditor *editor);
    QString messageText() const;

    QTemporaryDir m_dir;
    SandboxServer *m_sandbox = nullptr;
    TokenSet m_tokens;
    QNetworkAccessManager *m_network = nullptr;
    Trace *m_trace = nullptr;
    afx::TracedHttpClient *m_client = nullptr;
    QueryEditor *m_editor = nullptr;
};

void TestQueryEditorSchema::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("afx-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_queryeditorschema"));
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

QueryEditor *TestQueryEditorSchema::newEditor(const QUrl &endpoint, const TokenSet &tokens)
{
    auto *editor = new QueryEditor;
    editor->setHistoryDirectory(m_dir.path() + QStringLiteral("/history"));
    editor->setHttpClient(m_client);
    Profile profile = Profile::localSandbox();
    profile.id = QStringLiteral("schema-test");
    profile.graphqlUrl = endpoint;
    editor->setProfile(profile);
    editor->setTokens(tokens);
    editor->setEndpoint(endpoint);
    editor->setQuery(QStringLiteral("query Todos {\n  todos { id title }\n}"));
    editor->resize(1100, 760);
    editor->show();
    QApplication::setActiveWindow(editor);
    if (!QTest::qWaitForWindowActive(editor))
        qWarning("The editor did not become active");
    return editor;
}

void TestQueryEditorSchema::init()
{
    m_network = new QNetworkAccessManager(this);
    m_network->setProxy(QNetworkProxy::NoProxy);
    m_trace = new Trace(this);
    m_sandbox->setTrace(m_trace);
    m_client = new afx::TracedHttpClient(m_network, this);
    m_client->setTrace(m_trace);
    m_editor = newEditor(QUrl(m_sandbox->graphqlUrl()), m_tokens);
}

void TestQueryEditorSchema::cleanup()
{
    delete m_editor;
    m_editor = nullptr;
    m_sandbox->setTrace(nullptr);
    delete m_client;
    delete m_trace;
    delete m_network;
}

QString TestQueryEditorSchema::messageText() const
{
    auto *label = m_editor->findChild<QLabel *>(QStringLiteral("message"));
    return label ? label->text() : QString();
}

bool TestQueryEditorSchema::loadSchemaAndWait(QueryEditor *editor)
{
    QSignalSpy finished(editor, &QueryEditor::schemaLoadFinished);
    editor->loadSchema();
    if (finished.isEmpty() && !finished.wait(20000)) {
        qWarning("No schemaLoadFinished within 20 s: %s", qPrintable(messageText()));
        return false;
    }
    return finished.first().first().toBool();
}

void TestQueryEditorSchema::loadSchemaAddsIntrospectionStep()
{
    QVERIFY(!m_editor->schema());
    auto *button = m_editor->findChild<QAbstractButton *>(QStringLiteral("loadSchema"));
    QVERIFY(button);
    QVERIFY(button->isVisible());
    QVERIFY(button->toolTip().contains(QLatin1String("Ctrl+Shift+I")));

    QSignalSpy finished(m_editor, &QueryEditor::schemaLoadFinished);
    button->click();
    QVERIFY(m_editor->isLoadingSchema());
    QVERIFY(m_editor->findChild<QWidget *>(QStringLiteral("busy"))->isVisible());
    QVERIFY(finished.wait(20000));
    QVERIFY2(finished.first().first().toBool(), qPrintable(messageText()));
    QVERIFY(!m_editor->isLoadingSchema());
    QVERIFY(!m_editor->findChild<QWidget *>(QStringLiteral("busy"))->isVisible());

    QVERIFY(m_editor->schema());
    QCOMPARE(m_editor->graphqlEditor()->schema(), m_editor->schema());
    QVERIFY(m_editor->schema()->type(QStringLiteral("Todo")));
    QVERIFY(m_editor->findChild<QLabel *>(QStringLiteral("schemaStatus"))->text().contains(QLatin1String("types")));

    // One App -> Backend step with the access token, masked in the trace.
    QCOMPARE(countSteps(*m_trace, introspectionTitle), 1);
    int index = -1;
    for (int i = 0; i < m_trace->count(); ++i) {
        if (m_trace->step(i).title == introspectionTitle)
            index = i;
    }
    const afx::TraceStep step = m_trace->step(index);
    QCOMPARE(step.from, Trace::App);
    QCOMPARE(step.to, Trace::Backend);
    QCOMPARE(step.result, StepResult::Ok);
    QCOMPARE(step.response.status, 200);
    QVERIFY(step.request.body.contains("__schema"));
    QVERIFY(!m_trace->mask(m_tokens.accessToken).contains(m_tokens.accessToken));

    // Loading doesn't add a history entry: it is not a request the user wrote.
    QCOMPARE(m_editor->historyStore().history().size(), 0);
}

void TestQueryEditorSchema::completionOffersSchemaFields()
{
    QVERIFY(loadSchemaAndWait(m_editor));
    GraphqlEditor *editor = m_editor->graphqlEditor();
    editor->setPlainText(QStringLiteral("{\n  to\n}"));
    placeCursorAfter(editor, QStringLiteral("  to"));
    editor->setFocus();
    editor->showCompletion();
    QTRY_VERIFY(editor->isCompletionVisible());
    QCOMPARE(completionLabels(editor).value(0), QStringLiteral("todos"));

    // Inside the list's type, the fields of Todo.
    editor->setPlainText(QStringLiteral("{\n  todos { ti }\n}"));
    placeCursorAfter(editor, QStringLiteral("{ ti"));
    editor->showCompletion();
    QTRY_VERIFY(editor->isCompletionVisible());
    QCOMPARE(completionLabels(editor).value(0), QStringLiteral("title"));
}

void TestQueryEditorSchema::invalidFieldGetsDiagnostic()
{
    GraphqlEditor *editor = m_editor->graphqlEditor();
    editor->setPlainText(QStringLiteral("{\n  todoz { id }\n}"));
    editor->validateNow();
    // Without the schema only the syntax is checked.
    QVERIFY(editor->diagnostics().isEmpty());

    QVERIFY(loadSchemaAndWait(m_editor));
    // setSchema() validates at once.
    QCOMPARE(editor->diagnostics().size(), 1);
    const afx::graphql::Diagnostic diagnostic = editor->diagnostics().first();
    QVERIFY2(diagnostic.message.contains(QLatin1String("todoz")), qPrintable(diagnostic.message));
    QCOMPARE(diagnostic.location.line, 2);
    QCOMPARE(diagnostic.location.column, 3);

    auto *count = m_editor->findChild<QPushButton *>(QStringLiteral("diagnosticsCount"));
    QVERIFY(count);
    QVERIFY(count->isVisible());
    QCOMPARE(count->text(), QStringLiteral("1 error"));
    // The count takes the cursor to the problem.
    placeCursorAfter(editor, QStringLiteral("{ id"));
    count->click();
    QCOMPARE(editor->textCursor().position(), int(editor->toPlainText().indexOf(QLatin1String("todoz"))));
    QVERIFY(messageText().contains(QLatin1String("todoz")));

    editor->setPlainText(QStringLiteral("{\n  todos { id }\n}"));
    editor->validateNow();
    QVERIFY(!count->isVisible());
    // The fixed problem leaves the message line.
    QVERIFY2(!messageText().contains(QLatin1String("todoz")), qPrintable(messageText()));
}

void TestQueryEditorSchema::f1OpensDocumentationAtType()
{
    // The explorer is built when first shown.
    QVERIFY(!m_editor->docExplorer());
    QVERIFY(loadSchemaAndWait(m_editor));
    QVERIFY(!m_editor->docExplorer());

    GraphqlEditor *editor = m_editor->graphqlEditor();
    editor->setPlainText(QStringLiteral("{\n  todos { title }\n}"));
    placeCursorAfter(editor, QStringLiteral("  tod"));
    editor->setFocus();
    QTest::keyClick(editor, Qt::Key_F1);
    QVERIFY(m_editor->docExplorer());
    QTRY_VERIFY(m_editor->isDocumentationVisible());
    QCOMPARE(m_editor->docExplorer()->currentTitle(), QStringLiteral("Query.todos"));
    QVERIFY(m_editor->findChild<QAbstractButton *>(QStringLiteral("docsButton"))->isChecked());

    placeCursorAfter(editor, QStringLiteral("{ tit"));
    QTest::keyClick(editor, Qt::Key_F1);
    QCOMPARE(m_editor->docExplorer()->currentTitle(), QStringLiteral("Todo.title"));

    // The Docs button hides it again, and Ctrl+Shift+D shows it.
    m_editor->findChild<QAbstractButton *>(QStringLiteral("docsButton"))->click();
    QVERIFY(!m_editor->isDocumentationVisible());
    QTest::keyClick(editor, Qt::Key_D, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(m_editor->isDocumentationVisible());
}

void TestQueryEditorSchema::variablesCheckedAgainstSchema()
{
    // __TypeKind is an enum of the schema: without it the value cannot be checked.
    m_editor->setQuery(QStringLiteral("query Kinds($kind: __TypeKind!) {\n  __typename\n}"));
    auto *variables = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("variables"));
    variables->setPlainText(QStringLiteral("{\"kind\": \"TABLE\"}"));
    QVERIFY(!m_editor->curlCommand(false).isEmpty());

    QVERIFY(loadSchemaAndWait(m_editor));
    const int steps = m_trace->count();
    m_editor->send();
    QCOMPARE(m_trace->count(), steps);
    QVERIFY(!m_editor->isRunning());
    QVERIFY2(messageText().contains(QLatin1String("TABLE")), qPrintable(messageText()));
    QVERIFY2(messageText().contains(QLatin1String("__TypeKind")), qPrintable(messageText()));

    // A value of the wrong JSON type for a custom input position.
    m_editor->setQuery(QStringLiteral("mutation Done($id: ID!, $done: Boolean!) {\n  setDone(id: $id, done: $done) { id }\n}"));
    variables->setPlainText(QStringLiteral("{\"id\": \"1\", \"done\": \"yes\"}"));
    m_editor->send();
    QCOMPARE(m_trace->count(), steps);
    QVERIFY2(messageText().contains(QLatin1String("\"$done\"")), qPrintable(messageText()));

    // A valid enum value is sent.
    m_editor->setQuery(QStringLiteral("query Kinds($kind: __TypeKind!) {\n  __typename\n}"));
    variables->setPlainText(QStringLiteral("{\"kind\": \"OBJECT\"}"));
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    m_editor->send();
    QVERIFY(m_editor->isRunning());
    QVERIFY(finished.wait(15000));
}

void TestQueryEditorSchema::rejectedCredentialKeepsSchema()
{
    QVERIFY(loadSchemaAndWait(m_editor));
    const std::shared_ptr<const afx::graphql::Schema> before = m_editor->schema();
    QVERIFY(before);

    m_editor->setCredential(QueryEditor::Credential::ApiToken);
    m_editor->setApiToken(QStringLiteral("not-a-sandbox-token"));
    QVERIFY(!loadSchemaAndWait(m_editor));
    QCOMPARE(m_editor->schema(), before);
    QCOMPARE(m_editor->graphqlEditor()->schema(), before);
    const QString message = messageText();
    QVERIFY2(message.contains(QLatin1String("HTTP 401")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("the pasted API token")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("previous schema")), qPrintable(message));

    // The sandbox's own checks of the token follow the request's step.
    int index = m_trace->count() - 1;
    while (index >= 0 && m_trace->step(index).title != introspectionTitle)
        --index;
    QVERIFY(index >= 0);
    const afx::TraceStep step = m_trace->step(index);
    QCOMPARE(step.result, StepResult::Failed);
    QCOMPARE(step.response.status, 401);
}

void TestQueryEditorSchema::responseWithoutSchemaReported()
{
    // The UserInfo endpoint returns the user's claims for the POST: JSON, but no schema. Its
    // URL is another endpoint, so no schema is in use afterwards.
    m_editor->setEndpoint(QUrl(m_sandbox->issuer() + QStringLiteral("/userinfo")));
    QVERIFY(!loadSchemaAndWait(m_editor));
    QVERIFY(!m_editor->schema());
    const QString message = messageText();
    QVERIFY2(!message.isEmpty(), "no message");
    QVERIFY2(message.contains(QLatin1String("data")) || message.contains(QLatin1String("HTTP")), qPrintable(message));
    QCOMPARE(m_trace->step(m_trace->count() - 1).result, StepResult::Failed);
}

void TestQueryEditorSchema::endpointChangeDropsSchema()
{
    QVERIFY(loadSchemaAndWait(m_editor));
    QVERIFY(m_editor->schema());
    m_editor->setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:9/graphql")));
    QVERIFY(!m_editor->schema());
    QVERIFY(!m_editor->graphqlEditor()->schema());
    QCOMPARE(m_editor->findChild<QLabel *>(QStringLiteral("schemaStatus"))->text(), QStringLiteral("No schema"));

    // A new profile drops it too.
    m_editor->setEndpoint(QUrl(m_sandbox->graphqlUrl()));
    QVERIFY(loadSchemaAndWait(m_editor));
    Profile other = Profile::localSandbox();
    other.id = QStringLiteral("other");
    m_editor->setProfile(other);
    QVERIFY(!m_editor->schema());
}

void TestQueryEditorSchema::ctrlSpaceLoadsSchemaOnce()
{
    GraphqlEditor *editor = m_editor->graphqlEditor();
    editor->setPlainText(QStringLiteral("{\n  to\n}"));
    placeCursorAfter(editor, QStringLiteral("  to"));
    editor->setFocus();
    QSignalSpy finished(m_editor, &QueryEditor::schemaLoadFinished);
    QTest::keyClick(editor, Qt::Key_Space, Qt::ControlModifier);
    QVERIFY(m_editor->isLoadingSchema());
    QVERIFY(finished.wait(20000));
    QVERIFY(finished.first().first().toBool());
    QCOMPARE(countSteps(*m_trace, introspectionTitle), 1);

    QTest::keyClick(editor, Qt::Key_Space, Qt::ControlModifier);
    QTRY_VERIFY(editor->isCompletionVisible());
    QVERIFY(completionLabels(editor).contains(QStringLiteral("todos")));
    QCOMPARE(countSteps(*m_trace, introspectionTitle), 1);
}

void TestQueryEditorSchema::cancelSchemaLoad()
{
    QSignalSpy finished(m_editor, &QueryEditor::schemaLoadFinished);
    m_editor->loadSchema();
    QVERIFY(m_editor->isLoadingSchema());
    const int step = m_trace->count() - 1;
    m_editor->findChild<QPushButton *>(QStringLiteral("cancel"))->click();
    QVERIFY(!m_editor->isLoadingSchema());
    QCOMPARE(m_trace->step(step).result, StepResult::Skipped);
    // The late response is not parsed and changes nothing.
    QTest::qWait(500);
    QCOMPARE(finished.count(), 0);
    QVERIFY(!m_editor->schema());
}

void TestQueryEditorSchema::interopBackendSchema()
{
    const QString issuer = qEnvironmentVariable("INTEROP_ISSUER");
    const QUrl graphqlUrl(qEnvironmentVariable("INTEROP_GRAPHQL"));
    if (issuer.isEmpty() || graphqlUrl.isEmpty())
        QSKIP("INTEROP_ISSUER or INTEROP_GRAPHQL is not set; run through scripts/test to start tests/interop.");

    // Sign in at oidc-provider as explorer-public; the graphql-js backend accepts its ID token.
    afx::Trace loginTrace;
    afx::TracedHttpClient http(m_network);
    http.setTrace(&loginTrace);
    afx::AuthCodeFlow flow(&http, &loginTrace);
    auto *agent = new afx::test::HttpFormAgent(&flow);
    agent->fieldValues.insert(QStringLiteral("email"), QStringLiteral("alice@example.com"));
    agent->fieldValues.insert(QStringLiteral("password"), QStringLiteral("correct horse battery staple"));
    flow.setUserAgent(agent);
    afx::Profile profile;
    profile.id = QStringLiteral("interop");
    profile.name = QStringLiteral("oidc-provider");
    profile.issuer = issuer;
    profile.clientId = QStringLiteral("explorer-public");
    profile.clientAuth = afx::ClientAuthMethod::None;
    profile.scopes = {QStringLiteral("openid"), QStringLiteral("email"), QStringLiteral("profile")};
    qRegisterMetaType<afx::FlowResult>();
    QSignalSpy signedIn(&flow, &afx::AuthCodeFlow::finished);
    flow.start(profile, QString());
    QVERIFY(!signedIn.isEmpty() || signedIn.wait(40000));
    const afx::FlowResult login = signedIn.first().first().value<afx::FlowResult>();
    QVERIFY2(login.ok, qPrintable(login.message));

    delete m_editor;
    m_editor = newEditor(graphqlUrl, login.tokens);
    m_editor->setCredential(QueryEditor::Credential::IdToken);
    QVERIFY2(loadSchemaAndWait(m_editor), qPrintable(messageText()));
    QVERIFY(m_editor->schema()->field(QStringLiteral("Query"), QStringLiteral("todos")));

    GraphqlEditor *editor = m_editor->graphqlEditor();
    editor->setPlainText(QStringLiteral("{\n  todos { ti }\n}"));
    placeCursorAfter(editor, QStringLiteral("{ ti"));
    editor->setFocus();
    editor->showCompletion();
    QTRY_VERIFY(editor->isCompletionVisible());
    QCOMPARE(completionLabels(editor).value(0), QStringLiteral("title"));
}

void TestQueryEditorSchema::completionDescriptionFitsPopup()
{
    const QString dir = qEnvironmentVariable("AFX_SCREENSHOT_DIR", QStringLiteral(AFX_BINARY_DIR "/screenshots"));
    QVERIFY(QDir().mkpath(dir));
    m_editor->resize(960, 820);
    QVERIFY(loadSchemaAndWait(m_editor));
    GraphqlEditor *editor = m_editor->graphqlEditor();
    editor->setPlainText(QStringLiteral("query Todos {\n  tod\n}"));
    placeCursorAfter(editor, QStringLiteral("  tod"));
    editor->setFocus();
    editor->showCompletion();
    QTRY_VERIFY(editor->isCompletionVisible());
    QCoreApplication::processEvents();

    auto *popup = m_editor->window()->findChild<QWidget *>(QStringLiteral("completionPopup"));
    QVERIFY(popup);
    auto *description = popup->findChild<QLabel *>(QStringLiteral("completionDescription"));
    QVERIFY(description);
    QVERIFY2(description->text().size() > 40, qPrintable(description->text()));
    QCOMPARE(description->height(), description->heightForWidth(description->width()));
    // Inside the popup's frame: no line is cut at the top or the bottom.
    QCOMPARE(description->visibleRegion().boundingRect(), description->rect());
    QVERIFY(popup->contentsRect().contains(description->geometry()));
    QVERIFY(popup->grab().save(dir + QStringLiteral("/queryeditor-completion-description.png")));
}

void TestQueryEditorSchema::paneWidthsWithDocsAndHistory_data()
{
    QTest::addColumn<int>("width");
    QTest::newRow("query tab at 1600 px") << 800;
    QTest::newRow("narrower than the panes' minimums") << 640;
}

void TestQueryEditorSchema::paneWidthsWithDocsAndHistory()
{
    QFETCH(int, width);
    m_editor->resize(width, 700);
    m_editor->setHistoryVisible(true);
    m_editor->setDocumentationVisible(true);
    QTRY_VERIFY(m_editor->isDocumentationVisible());
    QTest::qWait(50);

    auto *history = m_editor->findChild<QWidget *>(QStringLiteral("historyPanel"));
    QVERIFY(history);
    QVERIFY2(history->width() >= 200, qPrintable(QString::number(history->width())));

    // The Variables and Headers tabs keep their labels: no scroll arrows.
    auto *variables = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("variables"));
    QTabWidget *tabs = nullptr;
    for (QWidget *parent = variables->parentWidget(); parent && !tabs; parent = parent->parentWidget())
        tabs = qobject_cast<QTabWidget *>(parent);
    QVERIFY(tabs);
    QVERIFY2(tabs->tabBar()->width() >= tabs->tabBar()->sizeHint().width(),
             qPrintable(QStringLiteral("%1 < %2").arg(tabs->tabBar()->width()).arg(tabs->tabBar()->sizeHint().width())));

    auto *docs = m_editor->findChild<QWidget *>(QStringLiteral("docExplorer"));
    QVERIFY(docs->width() >= docs->minimumWidth());

    const QString dir = qEnvironmentVariable("AFX_SCREENSHOT_DIR", QStringLiteral(AFX_BINARY_DIR "/screenshots"));
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(m_editor->grab().save(dir + QStringLiteral("/queryeditor-panes-%1.png").arg(width)));
}

void TestQueryEditorSchema::screenshots()
{
    const QString dir = qEnvironmentVariable("AFX_SCREENSHOT_DIR", QStringLiteral(AFX_BINARY_DIR "/screenshots"));
    QVERIFY(QDir().mkpath(dir));
    // The size of the Query tab in a maximized window on a 1920 x 1080 screen.
    m_editor->resize(960, 820);
    QVERIFY(loadSchemaAndWait(m_editor));
    QTest::qWait(50);
    QVERIFY(m_editor->grab().save(dir + QStringLiteral("/queryeditor-schema-loaded.png")));

    GraphqlEditor *editor = m_editor->graphqlEditor();
    editor->setPlainText(QStringLiteral("query Todos {\n  todos {\n    id\n    ti\n  }\n}"));
    placeCursorAfter(editor, QStringLiteral("    ti"));
    editor->setFocus();
    editor->showCompletion();
    QTRY_VERIFY(editor->isCompletionVisible());
    QTest::qWait(50);
    QVERIFY(m_editor->grab().save(dir + QStringLiteral("/queryeditor-completion.png")));

    QTest::keyClick(editor, Qt::Key_Escape);
    editor->setPlainText(QStringLiteral("query Todos {\n  todos {\n    id\n    titel\n  }\n}"));
    editor->validateNow();
    QCOMPARE(editor->diagnostics().size(), 1);
    m_editor->findChild<QPushButton *>(QStringLiteral("diagnosticsCount"))->click();
    QTest::qWait(50);
    QVERIFY(m_editor->grab().save(dir + QStringLiteral("/queryeditor-diagnostic.png")));

    editor->setPlainText(QStringLiteral("query Todos {\n  todos {\n    id\n    title\n    done\n  }\n}"));
    editor->validateNow();
    placeCursorAfter(editor, QStringLiteral("  tod"));
    QTest::keyClick(editor, Qt::Key_F1);
    QVERIFY(m_editor->isDocumentationVisible());
    QTest::qWait(50);
    QVERIFY(m_editor->grab().save(dir + QStringLiteral("/queryeditor-docs.png")));
}

QTEST_MAIN(TestQueryEditorSchema)
#include "tst_queryeditorschema.moc"
