#include "flow/trace.h"
#include "gui/jsontreemodel.h"
#include "gui/queryeditor.h"
#include "gui/responseformat.h"
#include "gui/responsetextview.h"
#include "gui/responseview.h"
#include "http/graphqlrequest.h"
#include "http/tracedhttpclient.h"
#include "jose/jws.h"
#include "jose/key.h"

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QHttpServer>
#include <QJsonArray>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTextBlock>
#include <QTextLayout>
#include <QThreadPool>
#include <QTreeView>
#include <QtTest>

using afx::StepResult;
using afx::TokenSet;
using afx::Trace;
using afx::gui::JsonTreeModel;
using afx::gui::QueryEditor;
using afx::gui::ResponseView;

namespace {

QByteArray headerValue(const QHttpServerRequest &request, const QByteArray &name)
{
    const auto headers = request.headers();
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

// A GraphQL response of at least `size` bytes: {"data": {"items": [...]}} with strings,
// numbers, booleans, null, nested objects and nested arrays. Returns the item count too.
QByteArray largeGraphqlResponse(qsizetype size, int *itemCount)
{
    QByteArray out = "{\"data\": {\"items\": [";
    int i = 0;
    while (out.size() < size) {
        if (i > 0)
            out += ',';
        const QByteArray n = QByteArray::number(i);
        out += "{\"id\": \"item-" + n + "\", \"name\": \"Item \\\"quoted\\\" \\u00e9 " + n + "\", \"price\": "
            + QByteArray::number(i * 1.25) + ", \"active\": " + (i % 2 ? "true" : "false")
            + ", \"tags\": [\"red\", \"green\"], \"matrix\": [[1, 2], [3, 4.5e3]], \"owner\": {\"id\": " + n
            + ", \"note\": null}}";
        ++i;
    }
    out += "]}}";
    *itemCount = i;
    return out;
}

// Counts event-loop turns with a 1 ms timer and keeps the longest gap between two ticks.
class StallMeter : public QObject {
public:
    StallMeter()
    {
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.elapsed();
            m_maxGapMs = qMax(m_maxGapMs, now - m_lastTickMs);
            m_lastTickMs = now;
            ++m_ticks;
        });
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        m_clock.start();
        m_timer.start();
    }
    qint64 maxGapMs() const { return m_maxGapMs; }
    int ticks() const { return m_ticks; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastTickMs = 0;
    qint64 m_maxGapMs = 0;
    int m_ticks = 0;
};

} // namespace

class TestQueryEditor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void widgetsNamedAndDescribed();
    void shortcutSendsChosenCredential_data();
    void shortcutSendsChosenCredential();
    void ctrlEnterOnKeypadSends();
    void credentialNoteNamesClaims();
    void statusLineAndPrettyBody();
    void traceStepRecordedAndMasked();
    void invalidVariablesKeepText();
    void inputErrorsSendNothing_data();
    void inputErrorsSendNothing();
    void unauthorizedMarksStepFailed();
    void graphqlErrorsMarkStepWarning();
    void networkErrorShownInline();
    void busyWhileWaitingAndCancel();
    void authorizationHeaderOverrides();
    void apiTokenFieldAndSignal();
    void defaultCredentialFollowsTokens();
    void highlighterMarksSyntax();
    void largeResponseKeepsUiResponsive();
    void newerResponseReplacesSlowJob();
    void invalidJsonShowsParseError_data();
    void invalidJsonShowsParseError();
    void nonJsonContentTypeShownRaw_data();
    void nonJsonContentTypeShownRaw();
    void responseHighlightsJsonTokens();
    void prettyTextMatchesCorePrinter_data();
    void prettyTextMatchesCorePrinter();
    void responseClearedOnModeSwitch();
    void saveNameFromOperation();
    void headersWrapAtWidgetWidth();
    void environmentTipNamesMenu();
    void screenshot();

private:
    void sendWithShortcut();
    QString messageText() const;
    QString signedToken(const QJsonObject &claims) const;

    ResponseView *responseView() const { return m_editor->findChild<ResponseView *>(); }

    QHttpServer m_server;
    QByteArray m_largeBody;
    int m_largeItemCount = 0;
    // Served by /body, so each data row chooses the response.
    QByteArray m_body;
    QByteArray m_contentType;
    quint16 m_port = 0;
    afx::jose::Key m_key;
    TokenSet m_tokens;

    QNetworkAccessManager *m_network = nullptr;
    Trace *m_trace = nullptr;
    afx::TracedHttpClient *m_client = nullptr;
    QueryEditor *m_editor = nullptr;
};

QString TestQueryEditor::signedToken(const QJsonObject &claims) const
{
    QString error;
    const auto token = afx::jose::signCompact(QStringLiteral("RS256"), m_key,
                                              QJsonObject{{QStringLiteral("kid"), QStringLiteral("k1")}}, claims, &error);
    if (!token)
        qFatal("signCompact failed: %s", qPrintable(error));
    return QString::fromLatin1(*token);
}

void TestQueryEditor::initTestCase()
{
    // Echoes what the editor sent, so each test can check the wire request.
    m_server.route(QStringLiteral("/graphql"), QHttpServerRequest::Method::Post, [](const QHttpServerRequest &request) {
        const QJsonObject echo{
            {QStringLiteral("authorization"), QString::fromLatin1(headerValue(request, "Authorization"))},
            {QStringLiteral("contentType"), QString::fromLatin1(headerValue(request, "Content-Type"))},
            {QStringLiteral("accept"), QString::fromLatin1(headerValue(request, "Accept"))},
            {QStringLiteral("requestId"), QString::fromLatin1(headerValue(request, "X-Request-Id"))},
            {QStringLiteral("request"), QJsonDocument::fromJson(request.body()).object()},
        };
        return QHttpServerResponse(QJsonObject{{QStringLiteral("data"), echo}});
    });
    m_server.route(QStringLiteral("/denied"), QHttpServerRequest::Method::Post, [] {
        QHttpServerResponse response(QByteArrayLiteral("application/json"),
                                     QByteArrayLiteral(R"({"errors":[{"message":"unauthorized"}]})"),
                                     QHttpServerResponse::StatusCode::Unauthorized);
        response.setHeader(QByteArrayLiteral("WWW-Authenticate"),
                           QByteArrayLiteral(R"(Bearer realm="api", error="invalid_token", error_description="The token expired at 14:07")"));
        return response;
    });
    m_server.route(QStringLiteral("/errors"), QHttpServerRequest::Method::Post, [] {
        return QHttpServerResponse(QByteArrayLiteral("application/graphql-response+json"),
                                   QByteArrayLiteral(R"({"errors":[{"message":"Cannot query field \"nope\" on type \"Query\"."}],"data":null})"));
    });
    m_server.route(QStringLiteral("/orders"), QHttpServerRequest::Method::Post, [] {
        return QHttpServerResponse(QByteArrayLiteral("application/graphql-response+json"),
                                   QByteArrayLiteral(R"({"data":{"me":{"id":"user-1","name":"Alice Example","orders":[)"
                                                     R"({"id":"o-1001","total":42.5},{"id":"o-1002","total":17}]}}})"));
    });
    m_largeBody = largeGraphqlResponse(5 * 1024 * 1024, &m_largeItemCount);
    m_server.route(QStringLiteral("/large"), QHttpServerRequest::Method::Post, [this] {
        return QHttpServerResponse(QByteArrayLiteral("application/graphql-response+json"), m_largeBody);
    });
    m_server.route(QStringLiteral("/body"), QHttpServerRequest::Method::Post, [this] {
        return QHttpServerResponse(m_contentType, m_body);
    });
    m_port = m_server.listen(QHostAddress::LocalHost, 0);
    QVERIFY(m_port != 0);

    m_key = afx::jose::Key::generateRsa(2048);
    QVERIFY(!m_key.isNull());
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    m_tokens.idToken = signedToken({{QStringLiteral("sub"), QStringLiteral("alice")},
                                    {QStringLiteral("aud"), QStringLiteral("explorer-client")},
                                    {QStringLiteral("exp"), now + 3600}});
    m_tokens.accessToken = signedToken({{QStringLiteral("sub"), QStringLiteral("alice")},
                                        {QStringLiteral("aud"), QJsonArray{QStringLiteral("https://api.example.test"), QStringLiteral("orders")}},
                                        {QStringLiteral("scope"), QStringLiteral("orders:read")},
                                        {QStringLiteral("exp"), now + 300}});
    m_tokens.tokenType = QStringLiteral("Bearer");
    m_tokens.expiresAt = QDateTime::currentDateTimeUtc().addSecs(300);
}

void TestQueryEditor::init()
{
    m_network = new QNetworkAccessManager(this);
    m_trace = new Trace(this);
    m_client = new afx::TracedHttpClient(m_network, this);
    m_client->setTrace(m_trace);
    m_editor = new QueryEditor;
    m_editor->setHttpClient(m_client);
    m_editor->setTokens(m_tokens);
    m_editor->setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1/graphql").arg(m_port)));
    m_editor->setQuery(QStringLiteral("query Me {\n  me { id name }\n}"));
    m_editor->resize(900, 700);
    m_editor->show();
    QApplication::setActiveWindow(m_editor);
    QVERIFY(QTest::qWaitForWindowActive(m_editor));
}

void TestQueryEditor::cleanup()
{
    delete m_editor;
    m_editor = nullptr;
    delete m_client;
    delete m_trace;
    delete m_network;
}

void TestQueryEditor::sendWithShortcut()
{
    auto *query = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("query"));
    query->setFocus();
    QTest::keyClick(query, Qt::Key_Return, Qt::ControlModifier);
}

QString TestQueryEditor::messageText() const
{
    return m_editor->findChild<QLabel *>(QStringLiteral("message"))->text();
}

void TestQueryEditor::widgetsNamedAndDescribed()
{
    QCOMPARE(m_editor->objectName(), QStringLiteral("queryEditor"));
    for (const char *name : {"endpoint", "apiToken", "operationNameEdit", "httpUrl"})
        QVERIFY2(m_editor->findChild<QLineEdit *>(QLatin1String(name)), name);
    QVERIFY(m_editor->findChild<QComboBox *>(QStringLiteral("operationName"))->isEditable());
    for (const char *name : {"query", "variables", "headers", "response"})
        QVERIFY2(m_editor->findChild<QPlainTextEdit *>(QLatin1String(name)), name);
    QVERIFY(m_editor->findChild<QLabel *>(QStringLiteral("responseStatus")));
    QVERIFY(m_editor->findChild<QPlainTextEdit *>(QStringLiteral("response"))->isReadOnly());
    QVERIFY(m_editor->findChild<QTreeView *>(QStringLiteral("responseTree")));
    QVERIFY(m_editor->findChild<afx::gui::ResponseTextView *>(QStringLiteral("responseLargeText")));

    auto *send = m_editor->findChild<QAbstractButton *>(QStringLiteral("send"));
    QVERIFY(send);
    QCOMPARE(send->text(), QStringLiteral("Send"));
    QCOMPARE(send->toolTip(), QStringLiteral("Send (Ctrl+Enter)"));

    auto *credential = m_editor->findChild<QComboBox *>(QStringLiteral("credential"));
    QVERIFY(credential);
    QStringList items;
    for (int i = 0; i < credential->count(); ++i)
        items << credential->itemText(i);
    QCOMPARE(items, (QStringList{QStringLiteral("ID token"), QStringLiteral("Access token"),
                                 QStringLiteral("API token (pasted)"), QStringLiteral("No credential")}));

    const QFont queryFont = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("query"))->font();
    QCOMPARE(queryFont.family(), QFontDatabase::systemFont(QFontDatabase::FixedFont).family());
}

void TestQueryEditor::shortcutSendsChosenCredential_data()
{
    QTest::addColumn<int>("credential");
    QTest::addColumn<QString>("expectedAuthorization");

    QTest::newRow("ID token") << int(QueryEditor::Credential::IdToken) << QStringLiteral("Bearer ") + m_tokens.idToken;
    QTest::newRow("access token") << int(QueryEditor::Credential::AccessToken) << QStringLiteral("Bearer ") + m_tokens.accessToken;
    QTest::newRow("pasted API token") << int(QueryEditor::Credential::ApiToken) << QStringLiteral("Bearer pasted-api-token-0123456789");
    QTest::newRow("no credential") << int(QueryEditor::Credential::None) << QString();
}

void TestQueryEditor::shortcutSendsChosenCredential()
{
    QFETCH(int, credential);
    QFETCH(QString, expectedAuthorization);

    auto *combo = m_editor->findChild<QComboBox *>(QStringLiteral("credential"));
    combo->setCurrentIndex(credential);
    if (credential == int(QueryEditor::Credential::ApiToken)) {
        auto *apiToken = m_editor->findChild<QLineEdit *>(QStringLiteral("apiToken"));
        QVERIFY(apiToken->isVisible());
        QTest::keyClicks(apiToken, QStringLiteral("pasted-api-token-0123456789"));
    }

    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    sendWithShortcut();
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).toInt(), 200);

    const QString response = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("response"))->toPlainText();
    const QJsonObject echo = QJsonDocument::fromJson(response.toUtf8()).object().value(QStringLiteral("data")).toObject();
    QCOMPARE(echo.value(QStringLiteral("authorization")).toString(), expectedAuthorization);
    QCOMPARE(echo.value(QStringLiteral("contentType")).toString(), QStringLiteral("application/json"));
    QCOMPARE(echo.value(QStringLiteral("accept")).toString(), QStringLiteral("application/graphql-response+json, application/json"));
    const QJsonObject request = echo.value(QStringLiteral("request")).toObject();
    QCOMPARE(request.value(QStringLiteral("query")).toString(), QStringLiteral("query Me {\n  me { id name }\n}"));
}

void TestQueryEditor::ctrlEnterOnKeypadSends()
{
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    auto *variables = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("variables"));
    variables->setFocus();
    QTest::keyClick(variables, Qt::Key_Enter, Qt::ControlModifier | Qt::KeypadModifier);
    QTRY_COMPARE(finished.count(), 1);
    // The shortcut did not type a line break into the editor.
    QVERIFY(variables->toPlainText().isEmpty());
}

void TestQueryEditor::credentialNoteNamesClaims()
{
    m_editor->setCredential(QueryEditor::Credential::AccessToken);
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    sendWithShortcut();
    QTRY_COMPARE(finished.count(), 1);
    const QString note = m_editor->findChild<QLabel *>(QStringLiteral("credentialNote"))->text();
    QVERIFY2(note.contains(QStringLiteral("the access token")), qPrintable(note));
    QVERIFY(note.contains(QStringLiteral("sub alice")));
    QVERIFY(note.contains(QStringLiteral("aud https://api.example.test, orders")));
    QVERIFY(note.contains(QRegularExpression(QStringLiteral("exp \\d\\d:\\d\\d:\\d\\d \\(in 4 min \\d+ s\\)"))));
    QVERIFY(!note.contains(m_tokens.accessToken));

    m_editor->setCredential(QueryEditor::Credential::None);
    sendWithShortcut();
    QTRY_COMPARE(finished.count(), 2);
    QCOMPARE(m_editor->findChild<QLabel *>(QStringLiteral("credentialNote"))->text(), QStringLiteral("Sent without a credential."));
}

void TestQueryEditor::statusLineAndPrettyBody()
{
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    sendWithShortcut();
    QTRY_COMPARE(finished.count(), 1);
    const QString status = m_editor->findChild<QLabel *>(QStringLiteral("responseStatus"))->text();
    QVERIFY2(QRegularExpression(QStringLiteral("^200 OK · \\d+ ms · [\\d.,]+ (bytes|KiB)$")).match(status).hasMatch(),
             qPrintable(status));
    const QString body = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("response"))->toPlainText();
    QVERIFY2(body.startsWith(QStringLiteral("{\n  \"data\": {\n    ")), qPrintable(body.left(80)));
    QVERIFY(messageText().isEmpty());
}

void TestQueryEditor::traceStepRecordedAndMasked()
{
    m_editor->setCredential(QueryEditor::Credential::IdToken);
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    sendWithShortcut();
    QTRY_COMPARE(finished.count(), 1);

    QCOMPARE(m_trace->count(), 1);
    const afx::TraceStep &step = m_trace->step(0);
    QCOMPARE(step.from, Trace::App);
    QCOMPARE(step.to, Trace::Backend);
    QCOMPARE(step.channel, afx::Channel::Back);
    QCOMPARE(step.title, QStringLiteral("POST /graphql"));
    QCOMPARE(step.explanationKey, QStringLiteral("api-request"));
    QCOMPARE(step.request.method, QStringLiteral("POST"));
    QCOMPARE(step.result, StepResult::Ok);
    QCOMPARE(step.response.status, 200);

    QString authorization;
    for (const auto &[name, value] : step.request.headers) {
        if (name.compare(QStringLiteral("Authorization"), Qt::CaseInsensitive) == 0)
            authorization = value;
    }
    QCOMPARE(authorization, QStringLiteral("Bearer ") + m_tokens.idToken);
    const QString masked = m_trace->mask(QStringLiteral("Authorization: ") + authorization);
    QVERIFY2(!masked.contains(m_tokens.idToken), qPrintable(masked));
    QVERIFY(masked.startsWith(QStringLiteral("Authorization: Bearer ")));
    // The registered secret is hidden anywhere, also in the echoed response body.
    QVERIFY(!m_trace->mask(QString::fromUtf8(step.response.body)).contains(m_tokens.idToken));
    QVERIFY(!m_trace->mask(m_tokens.idToken).contains(m_tokens.idToken));
}

void TestQueryEditor::invalidVariablesKeepText()
{
    const QString variables = QStringLiteral("{\n  \"id\": 1,,\n}");
    const QString headers = QStringLiteral("X-Request-Id: 42");
    auto *variablesEdit = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("variables"));
    variablesEdit->setPlainText(variables);
    m_editor->findChild<QPlainTextEdit *>(QStringLiteral("headers"))->setPlainText(headers);
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);

    sendWithShortcut();
    QVERIFY2(messageText().contains(QStringLiteral("The variables are not valid JSON")), qPrintable(messageText()));
    QVERIFY(messageText().contains(QStringLiteral("line 2")));
    QCOMPARE(m_editor->findChild<QLabel *>(QStringLiteral("message"))->property("severity").toString(), QStringLiteral("error"));
    QCOMPARE(variablesEdit->toPlainText(), variables);
    QCOMPARE(m_editor->findChild<QPlainTextEdit *>(QStringLiteral("headers"))->toPlainText(), headers);
    QCOMPARE(m_editor->findChild<QPlainTextEdit *>(QStringLiteral("query"))->toPlainText(), QStringLiteral("query Me {\n  me { id name }\n}"));
    QCOMPARE(variablesEdit->textCursor().blockNumber(), 1);
    QCOMPARE(m_trace->count(), 0);
    QTest::qWait(50);
    QCOMPARE(finished.count(), 0);

    // After the fix the request goes out and the error disappears.
    variablesEdit->setPlainText(QStringLiteral("{\"id\": 1}"));
    sendWithShortcut();
    QTRY_COMPARE(finished.count(), 1);
    QVERIFY2(!messageText().contains(QStringLiteral("not valid JSON")), qPrintable(messageText()));
    // The operation defines no $id: a warning, and the request went out anyway.
    QVERIFY2(messageText().contains(QStringLiteral("\"$id\" is not defined")), qPrintable(messageText()));
    QCOMPARE(m_editor->findChild<QLabel *>(QStringLiteral("message"))->property("severity").toString(), QStringLiteral("warning"));
    const QString response = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("response"))->toPlainText();
    QVERIFY(response.contains(QStringLiteral("\"requestId\": \"42\"")));
}

void TestQueryEditor::inputErrorsSendNothing_data()
{
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<int>("credential");
    QTest::addColumn<bool>("withTokens");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("headers");
    QTest::addColumn<QString>("expected");

    const QString endpoint = QStringLiteral("http://127.0.0.1:1/graphql");
    const QString query = QStringLiteral("{ me { id } }");
    const int access = int(QueryEditor::Credential::AccessToken);
    QTest::newRow("missing endpoint") << QString() << access << true << query << QString() << QStringLiteral("The endpoint is missing");
    QTest::newRow("endpoint not http") << QStringLiteral("ftp://127.0.0.1/graphql") << access << true << query << QString()
                                       << QStringLiteral("is not a valid http or https URL");
    QTest::newRow("endpoint without host") << QStringLiteral("http:///graphql") << access << true << query << QString()
                                           << QStringLiteral("is not a valid http or https URL");
    QTest::newRow("empty query") << endpoint << access << true << QStringLiteral("  ") << QString() << QStringLiteral("The query is empty");
    QTest::newRow("no ID token yet") << endpoint << int(QueryEditor::Credential::IdToken) << false << query << QString()
                                     << QStringLiteral("There is no ID token yet");
    QTest::newRow("no access token yet") << endpoint << access << false << query << QString()
                                         << QStringLiteral("There is no access token yet");
    QTest::newRow("API token missing") << endpoint << int(QueryEditor::Credential::ApiToken) << true << query << QString()
                                       << QStringLiteral("The API token is missing");
    QTest::newRow("bad header line") << endpoint << access << true << query << QStringLiteral("X-Ok: 1\nnot a header")
                                     << QStringLiteral("Header line 2 has no ':'");
}

void TestQueryEditor::inputErrorsSendNothing()
{
    QFETCH(QString, endpoint);
    QFETCH(int, credential);
    QFETCH(bool, withTokens);
    QFETCH(QString, query);
    QFETCH(QString, headers);
    QFETCH(QString, expected);

    m_editor->setTokens(withTokens ? m_tokens : TokenSet());
    m_editor->findChild<QLineEdit *>(QStringLiteral("endpoint"))->setText(endpoint);
    m_editor->setCredential(QueryEditor::Credential(credential));
    m_editor->setQuery(query);
    m_editor->findChild<QPlainTextEdit *>(QStringLiteral("headers"))->setPlainText(headers);

    QTest::mouseClick(m_editor->findChild<QAbstractButton *>(QStringLiteral("send")), Qt::LeftButton);
    QVERIFY2(messageText().contains(expected), qPrintable(messageText()));
    QVERIFY(m_editor->findChild<QLabel *>(QStringLiteral("message"))->isVisible());
    QCOMPARE(m_trace->count(), 0);
    QVERIFY(!m_editor->isRunning());
    QCOMPARE(m_editor->findChild<QLineEdit *>(QStringLiteral("endpoint"))->text(), endpoint);
    QCOMPARE(m_editor->findChild<QPlainTextEdit *>(QStringLiteral("query"))->toPlainText(), query);
    QCOMPARE(m_editor->findChild<QPlainTextEdit *>(QStringLiteral("headers"))->toPlainText(), headers);
}

void TestQueryEditor::unauthorizedMarksStepFailed()
{
    m_editor->setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1/denied").arg(m_port)));
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    sendWithShortcut();
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).toInt(), 401);

    QVERIFY(m_editor->findChild<QLabel *>(QStringLiteral("responseStatus"))->text().startsWith(QStringLiteral("401 Unauthorized · ")));
    QCOMPARE(m_trace->count(), 1);
    const afx::TraceStep &step = m_trace->step(0);
    QCOMPARE(step.title, QStringLiteral("POST /denied"));
    QCOMPARE(step.result, StepResult::Failed);
    QCOMPARE(step.detail, QStringLiteral("HTTP 401: the backend rejected the credential: The token expired at 14:07."));
    QVERIFY2(messageText().contains(QStringLiteral("The token expired at 14:07")), qPrintable(messageText()));
    QVERIFY(messageText().contains(QStringLiteral("Sign in again")));
    QCOMPARE(m_editor->findChild<QLabel *>(QStringLiteral("message"))->property("severity").toString(), QStringLiteral("error"));
}

void TestQueryEditor::graphqlErrorsMarkStepWarning()
{
    m_editor->setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1/errors").arg(m_port)));
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    sendWithShortcut();
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).toInt(), 200);
    QVERIFY(m_editor->findChild<QLabel *>(QStringLiteral("responseStatus"))->text().endsWith(QStringLiteral(" · 1 GraphQL error")));
    const afx::TraceStep &step = m_trace->step(0);
    QCOMPARE(step.result, StepResult::Warning);
    QVERIFY2(step.detail.contains(QStringLiteral("Cannot query field \"nope\"")), qPrintable(step.detail));
    QCOMPARE(m_editor->findChild<QLabel *>(QStringLiteral("message"))->property("severity").toString(), QStringLiteral("warning"));
}

void TestQueryEditor::networkErrorShownInline()
{
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 port = closed.serverPort();
    closed.close();
    m_editor->setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1/graphql").arg(port)));

    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    sendWithShortcut();
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).toInt(), 0);
    QVERIFY(m_editor->findChild<QLabel *>(QStringLiteral("responseStatus"))->text().startsWith(QStringLiteral("No response")));
    QVERIFY2(messageText().contains(QStringLiteral("POST http://127.0.0.1:%1/graphql failed").arg(port)), qPrintable(messageText()));
    QCOMPARE(m_trace->step(0).result, StepResult::Failed);
    QVERIFY(m_editor->findChild<QAbstractButton *>(QStringLiteral("send"))->isEnabled());
}

void TestQueryEditor::busyWhileWaitingAndCancel()
{
    // Accepts connections and never responds.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    m_editor->setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1/graphql").arg(silent.serverPort())));
    auto *send = m_editor->findChild<QAbstractButton *>(QStringLiteral("send"));
    auto *cancel = m_editor->findChild<QAbstractButton *>(QStringLiteral("cancel"));
    auto *busy = m_editor->findChild<QProgressBar *>(QStringLiteral("busy"));
    QVERIFY(cancel);
    QVERIFY(busy);
    QVERIFY(!cancel->isVisible());
    QVERIFY(!busy->isVisible());

    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    sendWithShortcut();
    QVERIFY(m_editor->isRunning());
    QVERIFY(!send->isEnabled());
    QVERIFY(cancel->isVisible());
    QVERIFY(busy->isVisible());
    QCOMPARE(busy->maximum(), 0);
    QCOMPARE(m_trace->count(), 1);
    QCOMPARE(m_trace->step(0).result, StepResult::Pending);

    // A second shortcut press while running sends nothing more.
    sendWithShortcut();
    QCOMPARE(m_trace->count(), 1);

    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(!m_editor->isRunning());
    QVERIFY(send->isEnabled());
    QVERIFY(!busy->isVisible());
    QCOMPARE(m_trace->step(0).result, StepResult::Skipped);
    QCOMPARE(m_editor->findChild<QLabel *>(QStringLiteral("responseStatus"))->text(), QStringLiteral("Cancelled"));
    QTest::qWait(100);
    QCOMPARE(finished.count(), 0);
}

void TestQueryEditor::authorizationHeaderOverrides()
{
    m_editor->findChild<QPlainTextEdit *>(QStringLiteral("headers"))->setPlainText(QStringLiteral("Authorization: Bearer custom-override-123456"));
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    sendWithShortcut();
    QTRY_COMPARE(finished.count(), 1);

    const QString response = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("response"))->toPlainText();
    QVERIFY2(response.contains(QStringLiteral("\"authorization\": \"Bearer custom-override-123456\"")), qPrintable(response));
    QVERIFY2(messageText().contains(QStringLiteral("replaces the credential")), qPrintable(messageText()));
    QCOMPARE(m_editor->findChild<QLabel *>(QStringLiteral("message"))->property("severity").toString(), QStringLiteral("warning"));
    QCOMPARE(m_editor->findChild<QLabel *>(QStringLiteral("credentialNote"))->text(),
             QStringLiteral("Sent the Authorization header from the extra headers."));

    // One Authorization header went out and it is masked in the trace.
    int authorizationHeaders = 0;
    for (const auto &[name, value] : m_trace->step(0).request.headers) {
        if (name.compare(QStringLiteral("Authorization"), Qt::CaseInsensitive) == 0) {
            ++authorizationHeaders;
            QVERIFY(!m_trace->mask(value).contains(QStringLiteral("custom-override-123456")));
        }
    }
    QCOMPARE(authorizationHeaders, 1);
}

void TestQueryEditor::apiTokenFieldAndSignal()
{
    auto *apiToken = m_editor->findChild<QLineEdit *>(QStringLiteral("apiToken"));
    auto *reveal = m_editor->findChild<QAbstractButton *>(QStringLiteral("revealApiToken"));
    QVERIFY(reveal);
    m_editor->setCredential(QueryEditor::Credential::AccessToken);
    QVERIFY(!apiToken->isVisible());
    m_editor->setCredential(QueryEditor::Credential::ApiToken);
    QVERIFY(apiToken->isVisible());
    QCOMPARE(apiToken->echoMode(), QLineEdit::Password);
    QTest::mouseClick(reveal, Qt::LeftButton);
    QCOMPARE(apiToken->echoMode(), QLineEdit::Normal);
    QTest::mouseClick(reveal, Qt::LeftButton);
    QCOMPARE(apiToken->echoMode(), QLineEdit::Password);

    QSignalSpy edited(m_editor, &QueryEditor::apiTokenEdited);
    m_editor->setApiToken(QStringLiteral("from-keychain-0001"));
    QCOMPARE(m_editor->apiToken(), QStringLiteral("from-keychain-0001"));
    QTest::qWait(50);
    QCOMPARE(edited.count(), 0);

    apiToken->clear();
    QTest::keyClicks(apiToken, QStringLiteral("typed-token-42"));
    // One signal for the whole edit, after the pause.
    QTRY_COMPARE(edited.count(), 1);
    QCOMPARE(edited.at(0).at(0).toString(), QStringLiteral("typed-token-42"));
    QTest::qWait(1200);
    QCOMPARE(edited.count(), 1);

    // Sending flushes a pending edit at once.
    QTest::keyClicks(apiToken, QStringLiteral("-b"));
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    sendWithShortcut();
    QCOMPARE(edited.count(), 2);
    QCOMPARE(edited.at(1).at(0).toString(), QStringLiteral("typed-token-42-b"));
    QTRY_COMPARE(finished.count(), 1);

    // A pasted "Bearer " prefix is not sent twice.
    m_editor->setApiToken(QStringLiteral("Bearer prefixed-token-7"));
    sendWithShortcut();
    QTRY_COMPARE(finished.count(), 2);
    QVERIFY(m_editor->findChild<QPlainTextEdit *>(QStringLiteral("response"))->toPlainText().contains(
        QStringLiteral("\"authorization\": \"Bearer prefixed-token-7\"")));

    m_editor->setApiToken(QStringLiteral("two words"));
    sendWithShortcut();
    QVERIFY2(messageText().contains(QStringLiteral("cannot be sent in an HTTP header")), qPrintable(messageText()));
}

void TestQueryEditor::defaultCredentialFollowsTokens()
{
    QueryEditor editor;
    TokenSet onlyId;
    onlyId.idToken = m_tokens.idToken;
    editor.setTokens(onlyId);
    QCOMPARE(editor.credential(), QueryEditor::Credential::IdToken);
    editor.setTokens(m_tokens);
    QCOMPARE(editor.credential(), QueryEditor::Credential::AccessToken);

    // Once the user picks one, new tokens do not change the choice.
    auto *combo = editor.findChild<QComboBox *>(QStringLiteral("credential"));
    QTest::keyClick(combo, Qt::Key_End); // the last item, "No credential", as a user would pick it
    QCOMPARE(editor.credential(), QueryEditor::Credential::None);
    editor.setTokens(m_tokens);
    QCOMPARE(editor.credential(), QueryEditor::Credential::None);
}

void TestQueryEditor::highlighterMarksSyntax()
{
    m_editor->setQuery(QStringLiteral("query Orders($first: Int = 10) @cached { # recent\n  orders(status: \"open\") { id }\n}"));
    const QTextDocument *document = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("query"))->document();
    const auto formatAt = [document](int blockNumber, int column) {
        const QTextBlock block = document->findBlockByNumber(blockNumber);
        const QList<QTextLayout::FormatRange> formats = block.layout()->formats();
        for (const QTextLayout::FormatRange &range : formats) {
            if (column >= range.start && column < range.start + range.length)
                return range.format;
        }
        return QTextCharFormat();
    };
    const QTextCharFormat keyword = formatAt(0, 0);
    QCOMPARE(keyword.fontWeight(), int(QFont::Bold));
    const QTextCharFormat typeName = formatAt(0, 6);        // Orders
    const QTextCharFormat variable = formatAt(0, 13);       // $first
    const QTextCharFormat comment = formatAt(0, 45);        // # recent
    const QTextCharFormat string = formatAt(1, 18);         // "open"
    QVERIFY(comment.fontItalic());
    const QSet<QRgb> colors{keyword.foreground().color().rgb(), typeName.foreground().color().rgb(),
                            variable.foreground().color().rgb(), comment.foreground().color().rgb(),
                            string.foreground().color().rgb()};
    QCOMPARE(colors.size(), 5);
}

void TestQueryEditor::largeResponseKeepsUiResponsive()
{
    m_editor->setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1/large").arg(m_port)));
    ResponseView *view = responseView();
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    StallMeter meter;
    sendWithShortcut();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QCOMPARE(finished.at(0).at(0).toInt(), 200);
    QVERIFY(!view->isBusy());

    // Formatting 5 MB on the UI thread stalled it for seconds. The bound is loose because
    // debug builds on a busy CI machine are slow, and QTRY_* itself sleeps 10 ms between
    // event-loop passes. The benchmark checks the 50 ms target.
    qInfo("5 MB response: %d timer ticks, max gap %lld ms", meter.ticks(), meter.maxGapMs());
    QVERIFY2(meter.ticks() > 20, qPrintable(QString::number(meter.ticks())));
    QVERIFY2(meter.maxGapMs() < 400, qPrintable(QStringLiteral("max gap %1 ms").arg(meter.maxGapMs())));

    // The text view: the same text as the core pretty-printer, in the line-virtualized view.
    QVERIFY(view->isJson());
    QVERIFY(view->note().isEmpty());
    const QString expected = afx::prettyJson(m_largeBody);
    QVERIFY(expected.size() > ResponseView::maxEditableTextSize);
    auto *largeText = m_editor->findChild<afx::gui::ResponseTextView *>(QStringLiteral("responseLargeText"));
    QVERIFY(largeText->isVisibleTo(m_editor));
    QCOMPARE(largeText->lineCount(), expected.count(QLatin1Char('\n')) + 1);
    QVERIFY(view->text() == expected);
    QVERIFY(view->text().startsWith(QStringLiteral("{\n  \"data\": {\n    \"items\": [\n      {\n        \"id\": \"item-0\",")));

    // The tree: the top-level key only, and nodes created for expanded containers alone.
    // A hidden QTreeView requests nothing from the model, so the tree tab is shown first.
    m_editor->findChild<QTabWidget *>(QStringLiteral("responseTabs"))->setCurrentIndex(1);
    auto *tree = m_editor->findChild<QTreeView *>(QStringLiteral("responseTree"));
    QVERIFY(tree->isVisible());
    auto *model = qobject_cast<JsonTreeModel *>(tree->model());
    QVERIFY(model);
    QCOMPARE(model->rowCount(), 1);
    const QModelIndex data = model->index(0, JsonTreeModel::KeyColumn);
    QCOMPARE(data.data().toString(), QStringLiteral("data"));
    QCOMPARE(model->index(0, JsonTreeModel::ValueColumn).data().toString(), QStringLiteral("{1 key}"));
    QCOMPARE(model->nodeCount(), 1);

    tree->expand(data);
    const QModelIndex items = model->index(0, JsonTreeModel::KeyColumn, data);
    QCOMPARE(items.data().toString(), QStringLiteral("items"));
    QCOMPARE(model->index(0, JsonTreeModel::ValueColumn, data).data().toString(),
             QStringLiteral("[%1 items]").arg(m_largeItemCount));
    tree->expand(items);
    QTRY_COMPARE(model->nodeCount(), 3); // root, data, items: the items themselves have no node yet
    QCOMPARE(model->rowCount(items), m_largeItemCount);
    QVERIFY(m_largeItemCount > 10000);
    QTest::qWait(50);
    QCOMPARE(model->nodeCount(), 3);

    const QModelIndex last = model->index(m_largeItemCount - 1, JsonTreeModel::KeyColumn, items);
    QCOMPARE(last.data().toString(), QString::number(m_largeItemCount - 1));
    tree->scrollTo(last);
    tree->expand(last);
    const QModelIndex name = model->index(3, JsonTreeModel::KeyColumn, last);
    QCOMPARE(name.data().toString(), QStringLiteral("name"));
    QCOMPARE(name.siblingAtColumn(JsonTreeModel::ValueColumn).data().toString(),
             QStringLiteral("Item \"quoted\" \u00e9 %1").arg(m_largeItemCount - 1));
    QCOMPARE(name.siblingAtColumn(JsonTreeModel::TypeColumn).data().toString(), QStringLiteral("string"));
    QCOMPARE(model->parent(name), last);
    QTRY_COMPARE(model->nodeCount(), 4);
}

void TestQueryEditor::newerResponseReplacesSlowJob()
{
    m_editor->setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1/large").arg(m_port)));
    ResponseView *view = responseView();
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);

    // Sends the second request right after the large response arrived, while its job runs.
    bool sentSecond = false;
    bool busyAtSecondSend = false;
    connect(m_trace, &Trace::stepChanged, this, [&](int index) {
        if (index != 0 || sentSecond || m_trace->step(0).response.status == 0)
            return;
        sentSecond = true;
        busyAtSecondSend = view->isBusy();
        m_editor->setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1/orders").arg(m_port)));
        m_editor->send();
    }, Qt::QueuedConnection);

    sendWithShortcut();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
    QVERIFY(sentSecond);
    QVERIFY(busyAtSecondSend);
    // A result of the abandoned job that arrives late must not replace the newer one.
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
    QTRY_VERIFY(!view->isBusy());

    QCOMPARE(finished.at(0).at(0).toInt(), 200);
    QCOMPARE(finished.at(1).at(0).toInt(), 200);
    QVERIFY2(view->text().contains(QStringLiteral("\"id\": \"o-1001\"")), qPrintable(view->text().left(200)));
    QVERIFY(!view->text().contains(QStringLiteral("item-1")));
    QCOMPARE(view->treeModel()->index(0, JsonTreeModel::KeyColumn).data().toString(), QStringLiteral("data"));
    QCOMPARE(view->treeModel()->rowCount(view->treeModel()->index(0, 0)), 1); // {"me": ...}, not {"items": ...}

    QCOMPARE(m_trace->count(), 2);
    QCOMPARE(m_trace->step(0).result, StepResult::Ok);
    QVERIFY2(m_trace->step(0).detail.contains(QStringLiteral("A newer request replaced the response")),
             qPrintable(m_trace->step(0).detail));
    QCOMPARE(m_trace->step(1).result, StepResult::Ok);
    const QString status = m_editor->findChild<QLabel *>(QStringLiteral("responseStatus"))->text();
    QVERIFY2(status.startsWith(QStringLiteral("200 OK · ")) && !status.contains(QStringLiteral("formatting")), qPrintable(status));
}

void TestQueryEditor::invalidJsonShowsParseError_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expectedError");

    QTest::newRow("truncated") << QByteArray(R"({"data": {"items": [1, 2)") << QStringLiteral("invalid termination by number");
    QTest::newRow("double comma") << QByteArray("{\"data\": {\n  \"items\": [1,, 2]}}") << QStringLiteral("illegal value");
    QTest::newRow("missing colon") << QByteArray(R"({"data" 1})") << QStringLiteral("missing name separator");
    QTest::newRow("invalid UTF-8") << QByteArray("{\"data\": \"caf\xe9\"}") << QStringLiteral("invalid UTF8 string");
    QTest::newRow("garbage after value") << QByteArray(R"({"data": null} trailing)") << QStringLiteral("garbage at the end");
}

void TestQueryEditor::invalidJsonShowsParseError()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, expectedError);

    QJsonParseError parseError;
    QJsonDocument::fromJson(body, &parseError);
    QVERIFY(parseError.error != QJsonParseError::NoError);

    m_body = body;
    m_contentType = "application/json";
    m_editor->setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1/body").arg(m_port)));
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    sendWithShortcut();
    QTRY_COMPARE(finished.count(), 1);

    ResponseView *view = responseView();
    QVERIFY(!view->isJson());
    QCOMPARE(view->text(), QString::fromUtf8(body));
    const QString note = view->note();
    QVERIFY2(note.startsWith(QStringLiteral("The response is not valid JSON: ")), qPrintable(note));
    QVERIFY2(note.contains(expectedError), qPrintable(note));
    QVERIFY(note.contains(parseError.errorString()));
    QVERIFY2(note.contains(QStringLiteral("at byte %1 ").arg(parseError.offset)), qPrintable(note));
    QVERIFY(m_editor->findChild<QLabel *>(QStringLiteral("responseNote"))->isVisible());
    QCOMPARE(view->treeModel()->rowCount(), 0);
    QVERIFY(!m_editor->findChild<QTabWidget *>(QStringLiteral("responseTabs"))->isTabEnabled(1));
}

void TestQueryEditor::nonJsonContentTypeShownRaw_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("HTML error page") << QByteArray("text/html; charset=utf-8")
                                     << QByteArray("<html><body><h1>502 Bad Gateway</h1>\n</body></html>");
    QTest::newRow("JSON sent as plain text") << QByteArray("text/plain") << QByteArray(R"({"data":{"a":1}})");
}

void TestQueryEditor::nonJsonContentTypeShownRaw()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);

    m_body = body;
    m_contentType = contentType;
    m_editor->setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1/body").arg(m_port)));
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    sendWithShortcut();
    QTRY_COMPARE(finished.count(), 1);

    ResponseView *view = responseView();
    QVERIFY(!view->isJson());
    // Neither re-indented nor parsed.
    QCOMPARE(m_editor->findChild<QPlainTextEdit *>(QStringLiteral("response"))->toPlainText(), QString::fromUtf8(body));
    QVERIFY2(view->note().contains(QStringLiteral("content type \"%1\"").arg(QString::fromLatin1(contentType))),
             qPrintable(view->note()));
    QCOMPARE(view->treeModel()->rowCount(), 0);
    QVERIFY(view->graphqlErrors().isEmpty());
}

void TestQueryEditor::responseHighlightsJsonTokens()
{
    m_body = R"({"data":{"label":"open","count":42,"done":true,"next":null}})";
    m_contentType = "application/json";
    m_editor->setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1/body").arg(m_port)));
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    sendWithShortcut();
    QTRY_COMPARE(finished.count(), 1);

    const QTextDocument *document = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("response"))->document();
    QCOMPARE(document->findBlockByNumber(2).text(), QStringLiteral("    \"label\": \"open\","));
    QCOMPARE(document->findBlockByNumber(3).text(), QStringLiteral("    \"count\": 42,"));
    const auto colorAt = [document](int blockNumber, int column) {
        const QTextBlock block = document->findBlockByNumber(blockNumber);
        const QList<QTextLayout::FormatRange> formats = block.layout()->formats();
        for (const QTextLayout::FormatRange &range : formats) {
            if (column >= range.start && column < range.start + range.length)
                return range.format.foreground().color().rgb();
        }
        return QRgb(0);
    };
    const QRgb key = colorAt(3, 5);       // "count"
    const QRgb number = colorAt(3, 13);   // 42
    const QRgb string = colorAt(2, 14);   // "open"
    const QRgb literal = colorAt(4, 12);  // true
    const QRgb null = colorAt(5, 12);     // null
    QVERIFY(key != 0);
    QCOMPARE(colorAt(2, 1), QRgb(0)); // indentation stays plain
    QCOMPARE(literal, null);
    QCOMPARE((QSet<QRgb>{key, number, string, literal}).size(), 4);
}

void TestQueryEditor::prettyTextMatchesCorePrinter_data()
{
    QTest::addColumn<QByteArray>("json");

    QTest::newRow("empty containers") << QByteArray(R"({"a":{},"b":[],"c":[{}, []]})");
    QTest::newRow("escapes and unicode") << QByteArray(R"({"q":"say \"hi\" \\ {[,:]}","u":"\u00e9\ud83d\ude00 ok"})");
    QTest::newRow("numbers and literals") << QByteArray(R"([-1.5e-3, 0, 12345678901234, true, false, null])");
    QTest::newRow("whitespace everywhere") << QByteArray(" {\r\n\t\"a\" :\n [ 1 ,\t2 ] } ");
    QTest::newRow("deep nesting") << QByteArray(200, '[') + QByteArray(200, ']');
}

void TestQueryEditor::prettyTextMatchesCorePrinter()
{
    QFETCH(QByteArray, json);

    afx::gui::FormattedText formatted;
    QVERIFY(afx::gui::prettyPrintJson(QString::fromUtf8(json), &formatted, {}));
    QCOMPARE(formatted.text, afx::prettyJson(json));
    QCOMPARE(formatted.lineCount(), formatted.text.count(QLatin1Char('\n')) + 1);
    for (qsizetype i = 0; i < formatted.lineCount(); ++i)
        QVERIFY(!formatted.line(i).contains(QLatin1Char('\n')));
    // Spans are sorted, inside the text and cover tokens only.
    qsizetype previousEnd = 0;
    for (const afx::gui::JsonSpan &span : formatted.spans) {
        QVERIFY(span.start >= previousEnd);
        QVERIFY(span.length > 0);
        QVERIFY(span.start + span.length <= formatted.text.size());
        previousEnd = span.start + span.length;
    }

    // Cancelled before the first check point of a large input: no result.
    const QByteArray large = QByteArray("[") + QByteArray(200 * 1024, '1') + "]";
    afx::gui::FormattedText cancelled;
    QVERIFY(!afx::gui::prettyPrintJson(QString::fromUtf8(large), &cancelled, [] { return true; }));
    QVERIFY(cancelled.text.isEmpty());
}

void TestQueryEditor::screenshot()
{
    m_editor->setQuery(QStringLiteral("# The orders of the signed-in user\n"
                                      "query Orders($first: Int = 5) {\n"
                                      "  me {\n"
                                      "    id\n"
                                      "    name\n"
                                      "    orders(first: $first, status: \"open\") {\n"
                                      "      id\n"
                                      "      total\n"
                                      "    }\n"
                                      "  }\n"
                                      "}"));
    m_editor->findChild<QPlainTextEdit *>(QStringLiteral("variables"))->setPlainText(QStringLiteral("{\n  \"first\": 5\n}"));
    m_editor->findChild<QComboBox *>(QStringLiteral("operationName"))->setEditText(QStringLiteral("Orders"));
    m_editor->findChild<QPlainTextEdit *>(QStringLiteral("headers"))->setPlainText(QStringLiteral("X-Request-Id: 42"));
    m_editor->setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1/orders").arg(m_port)));
    m_editor->resize(1000, 760);
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);
    sendWithShortcut();
    QTRY_COMPARE(finished.count(), 1);

    const QString dir = QStringLiteral(AFX_BINARY_DIR "/screenshots");
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(m_editor->grab().save(dir + QStringLiteral("/queryeditor.png")));

    m_editor->setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1/denied").arg(m_port)));
    sendWithShortcut();
    QTRY_COMPARE(finished.count(), 2);
    QVERIFY(m_editor->grab().save(dir + QStringLiteral("/queryeditor-401.png")));
}

void TestQueryEditor::responseClearedOnModeSwitch()
{
    const QString dir = qEnvironmentVariable("AFX_SCREENSHOT_DIR", QStringLiteral(AFX_BINARY_DIR "/screenshots"));
    QVERIFY(QDir().mkpath(dir));
    auto *status = m_editor->findChild<QLabel *>(QStringLiteral("responseStatus"));
    auto *response = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("response"));
    QSignalSpy finished(m_editor, &QueryEditor::requestFinished);

    m_body = QByteArrayLiteral(R"({"id": "rest-1", "title": "Buy milk"})");
    m_contentType = QByteArrayLiteral("application/json");
    m_editor->setMode(afx::query::RequestMode::Http);
    m_editor->setHttpRequest(QStringLiteral("POST"), QStringLiteral("http://127.0.0.1:%1/body").arg(m_port),
                             QStringLiteral("Content-Type: application/json"), QStringLiteral("{}"));
    m_editor->send();
    QTRY_COMPARE(finished.count(), 1);
    QTRY_VERIFY(response->toPlainText().contains(QStringLiteral("rest-1")));
    QVERIFY2(status->text().startsWith(QStringLiteral("200 OK")), qPrintable(status->text()));

    // Back in GraphQL mode, the REST response is not shown under the query.
    m_editor->setMode(afx::query::RequestMode::Graphql);
    QVERIFY(!response->toPlainText().contains(QStringLiteral("rest-1")));
    QVERIFY2(status->text().startsWith(QStringLiteral("The HTTP response was cleared")), qPrintable(status->text()));
    QVERIFY(!m_editor->findChild<QWidget *>(QStringLiteral("authBox"))->isVisible());
    QCoreApplication::processEvents();
    QVERIFY(m_editor->grab().save(dir + QStringLiteral("/queryeditor-mode-switch.png")));

    // Switching again keeps the note and shows no response.
    m_editor->setMode(afx::query::RequestMode::Http);
    QVERIFY(response->toPlainText().isEmpty());

    // A GraphQL response is cleared the same way when switching to HTTP.
    m_editor->setMode(afx::query::RequestMode::Graphql);
    sendWithShortcut();
    QTRY_COMPARE(finished.count(), 2);
    QTRY_VERIFY(response->toPlainText().contains(QStringLiteral("\"data\"")));
    m_editor->setMode(afx::query::RequestMode::Http);
    QVERIFY(response->toPlainText().isEmpty());
    QVERIFY2(status->text().startsWith(QStringLiteral("The GraphQL response was cleared")), qPrintable(status->text()));

    // Switching while the same mode stays selected changes nothing.
    m_editor->send();
    QTRY_COMPARE(finished.count(), 3);
    QTRY_VERIFY(response->toPlainText().contains(QStringLiteral("rest-1")));
    m_editor->setMode(afx::query::RequestMode::Http);
    QVERIFY(response->toPlainText().contains(QStringLiteral("rest-1")));
}

void TestQueryEditor::saveNameFromOperation()
{
    // One named operation: the combo box stays empty, the name is still proposed.
    m_editor->setQuery(QStringLiteral("query Me {\n  me { id name }\n}"));
    QCOMPARE(m_editor->findChild<QComboBox *>(QStringLiteral("operationName"))->currentText(), QString());
    QCOMPARE(m_editor->defaultSaveName(), QStringLiteral("Me"));

    // Several operations: the chosen one.
    m_editor->setQuery(QStringLiteral("query First { me { id } }\nquery Second { me { name } }"));
    m_editor->findChild<QComboBox *>(QStringLiteral("operationName"))->setEditText(QStringLiteral("Second"));
    QCOMPARE(m_editor->defaultSaveName(), QStringLiteral("Second"));

    // An anonymous operation, and a document that does not parse, propose nothing.
    m_editor->setQuery(QStringLiteral("{ me { id } }"));
    QCOMPARE(m_editor->defaultSaveName(), QString());
    m_editor->setQuery(QStringLiteral("query Broken { me { id "));
    m_editor->findChild<QComboBox *>(QStringLiteral("operationName"))->setEditText(QString());
    QCOMPARE(m_editor->defaultSaveName(), QString());

    // HTTP mode proposes the request's title.
    m_editor->setMode(afx::query::RequestMode::Http);
    m_editor->setHttpRequest(QStringLiteral("GET"), QStringLiteral("http://127.0.0.1:%1/todos").arg(m_port), QString(), QString());
    QVERIFY2(m_editor->defaultSaveName().contains(QStringLiteral("/todos")), qPrintable(m_editor->defaultSaveName()));
}

void TestQueryEditor::headersWrapAtWidgetWidth()
{
    for (const char *name : {"headers", "httpHeaders"}) {
        auto *headers = m_editor->findChild<QPlainTextEdit *>(QLatin1String(name));
        QVERIFY2(headers, name);
        QCOMPARE(headers->lineWrapMode(), QPlainTextEdit::WidgetWidth);
    }

    // A long header typed into the HTTP headers leaves the view at column 0.
    m_editor->setMode(afx::query::RequestMode::Http);
    auto *headers = m_editor->findChild<QPlainTextEdit *>(QStringLiteral("httpHeaders"));
    headers->setFocus();
    QTest::keyClicks(headers, QStringLiteral("Content-Type: application/json; charset=utf-8; profile=\"https://example.test/schemas/todo\""));
    QCOMPARE(headers->horizontalScrollBar()->value(), 0);

    const QString dir = qEnvironmentVariable("AFX_SCREENSHOT_DIR", QStringLiteral(AFX_BINARY_DIR "/screenshots"));
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(m_editor->grab().save(dir + QStringLiteral("/queryeditor-http-headers.png")));
}

void TestQueryEditor::environmentTipNamesMenu()
{
    m_editor->setEnvironment({});
    const QString tip = m_editor->findChild<QLineEdit *>(QStringLiteral("endpoint"))->toolTip();
    QVERIFY2(tip.contains(QStringLiteral("File > Edit profile (Ctrl+E)")), qPrintable(tip));
    QVERIFY2(!tip.contains(QStringLiteral("Profile > Edit")), qPrintable(tip));
}

QTEST_MAIN(TestQueryEditor)
#include "tst_queryeditor.moc"
