#include "gui/queryeditor.h"

#include "doctor/runchecks.h"
#include "flow/trace.h"
#include "graphql/diagnostics.h"
#include "graphql/parser.h"
#include "graphql/schema.h"
#include "graphql/variables.h"
#include "gui/clipboardguard.h"
#include "gui/credentialnote.h"
#include "gui/diagramwidget.h"
#include "gui/docexplorer.h"
#include "gui/graphqleditor.h"
#include "gui/historypanel.h"
#include "gui/responseview.h"
#include "http/httpstatus.h"
#include "gui/tokenpanel.h"
#include "http/graphqlrequest.h"
#include "http/tracedhttpclient.h"
#include "jose/jws.h"
#include "query/curlcommand.h"
#include "query/requestbuilder.h"

#include <QButtonGroup>
#include <QClipboard>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFrame>
#include <QGuiApplication>
#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>
#include <QStackedWidget>
#include <QToolButton>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTabBar>
#include <QTabWidget>
#include <QTextCursor>
#include <QThreadPool>
#include <QVBoxLayout>

namespace afx::gui {

namespace {

constexpr int requestTimeoutMs = 30000;
// GraphQL responses of tens of megabytes are legitimate (large lists), and the response view
// formats them off the UI thread, so the limit is well above TracedHttpClient's default.
constexpr qsizetype maxResponseBytes = 64 * 1024 * 1024;
// The operation list and the variables' JSON are checked this long after the last keystroke.
constexpr int parseDebounceMs = 300;
// The history panel's width when it first opens, in pixels.
constexpr int historyPanelWidth = 260;
// The history panel's minimum width, in pixels: enough for "Saved queries (12)" and a short title.
constexpr int historyPanelMinimumWidth = 200;
// The documentation explorer's width when it first opens, in pixels.
constexpr int docExplorerWidth = 320;
// An introspection response of a large schema is several megabytes. The client reads up to
// Schema::fromIntrospection's own limit, which rejects a larger body with a message.
constexpr qsizetype maxSchemaResponseBytes = graphql::Schema::maxIntrospectionBytes;

QString elapsedText(qint64 ms)
{
    if (ms < 1000)
        return QueryEditor::tr("%1 ms").arg(ms);
    return QueryEditor::tr("%1 s").arg(ms / 1000.0, 0, 'f', 1);
}

// Characters outside visible ASCII cannot be sent in an Authorization header.
bool isHeaderSafeToken(const QString &token)
{
    for (QChar c : token) {
        if (c.unicode() <= 0x20 || c.unicode() >= 0x7f)
            return false;
    }
    return true;
}

// The status line of a response that arrived: "200 OK · 35 ms · 1.2 KiB · 2 GraphQL errors".
QString statusLine(const TracedResponse &response, qsizetype graphqlErrorCount)
{
    const QString reason = httpReasonPhrase(response.status);
    QStringList parts{reason.isEmpty() ? QString::number(response.status) : QStringLiteral("%1 %2").arg(response.status).arg(reason),
                      elapsedText(response.elapsedMs),
                      QLocale().formattedDataSize(response.body.size(), 1, QLocale::DataSizeIecFormat)};
    if (graphqlErrorCount == 1)
        parts << QueryEditor::tr("1 GraphQL error");
    else if (graphqlErrorCount > 1)
        parts << QueryEditor::tr("%1 GraphQL errors").arg(graphqlErrorCount);
    return parts.join(QStringLiteral(" · "));
}

struct Verdict {
    StepResult result = StepResult::Ok;
    QString detail;
};

// Judges a response that arrived by its HTTP status, its WWW-Authenticate challenge and the
// messages of its GraphQL "errors" array.
Verdict judgeResponse(const TracedResponse &response, const QStringList &graphqlErrors, query::RequestMode mode)
{
    const int status = response.status;
    const bool success = status >= 200 && status < 300;
    const QString prefix = QueryEditor::tr("HTTP %1").arg(status);
    Verdict verdict;
    if (success && graphqlErrors.isEmpty()) {
        verdict.detail = mode == query::RequestMode::Graphql ? QueryEditor::tr("%1: the backend answered the query.").arg(prefix)
                                                             : QueryEditor::tr("%1: the server answered the request.").arg(prefix);
        return verdict;
    }
    if (success) {
        verdict.result = StepResult::Warning;
        verdict.detail = QueryEditor::tr("%1, but the response has %2. The first: %3")
                             .arg(prefix,
                                  graphqlErrors.size() == 1 ? QueryEditor::tr("1 GraphQL error")
                                                            : QueryEditor::tr("%1 GraphQL errors").arg(graphqlErrors.size()),
                                  graphqlErrors.first());
        return verdict;
    }

    verdict.result = StepResult::Failed;
    QString description;
    QString requiredScope;
    for (const AuthChallenge &challenge : parseWwwAuthenticate(response.header("WWW-Authenticate"))) {
        if (description.isEmpty())
            description = challenge.params.value(QStringLiteral("error_description"));
        if (description.isEmpty())
            description = challenge.params.value(QStringLiteral("error"));
        if (requiredScope.isEmpty())
            requiredScope = challenge.params.value(QStringLiteral("scope"));
    }
    QString &detail = verdict.detail;
    const QString reason = httpReasonPhrase(status);
    if (status == 401) {
        detail = QueryEditor::tr("%1: the backend rejected the credential").arg(prefix);
    } else if (status == 403) {
        detail = QueryEditor::tr("%1: the backend accepted the credential but denied access").arg(prefix);
        if (!requiredScope.isEmpty())
            detail += QueryEditor::tr(" (it requires the scope %1)").arg(requiredScope);
    } else if (status >= 300 && status < 400) {
        const QString location = QString::fromUtf8(response.header("Location"));
        detail = location.isEmpty() ? QueryEditor::tr("%1: the endpoint redirects").arg(prefix)
                                    : QueryEditor::tr("%1: the endpoint redirects to %2. Use that URL as the endpoint").arg(prefix, location);
    } else {
        detail = reason.isEmpty() ? prefix : QueryEditor::tr("%1 %2").arg(prefix, reason);
    }
    if (!description.isEmpty())
        detail += QStringLiteral(": ") + description;
    else if (!graphqlErrors.isEmpty())
        detail += QStringLiteral(": ") + graphqlErrors.first();
    // Descriptions from servers often end with a full stop already.
    if (!detail.endsWith(QLatin1Char('.')))
        detail += QLatin1Char('.');
    return verdict;
}

void recordVerdict(Trace *trace, int stepIndex, const Verdict &verdict)
{
    if (!trace || stepIndex < 0)
        return;
    trace->update(stepIndex, [&verdict](TraceStep &step) {
        step.result = verdict.result;
        step.detail = verdict.detail;
    });
}

QString credentialName(QueryEditor::Credential credential)
{
    switch (credential) {
    case QueryEditor::Credential::IdToken:
        return QueryEditor::tr("the ID token");
    case QueryEditor::Credential::AccessToken:
        return QueryEditor::tr("the access token");
    case QueryEditor::Credential::ApiToken:
        return QueryEditor::tr("the pasted API token");
    case QueryEditor::Credential::None:
        break;
    }
    return {};
}

// The stable name of a credential choice in history files.
QString credentialKey(QueryEditor::Credential credential)
{
    switch (credential) {
    case QueryEditor::Credential::IdToken:
        return QStringLiteral("id-token");
    case QueryEditor::Credential::AccessToken:
        return QStringLiteral("access-token");
    case QueryEditor::Credential::ApiToken:
        return QStringLiteral("api-token");
    case QueryEditor::Credential::None:
        break;
    }
    return QStringLiteral("none");
}

std::optional<QueryEditor::Credential> credentialFromKey(const QString &key)
{
    for (const auto credential : {QueryEditor::Credential::IdToken, QueryEditor::Credential::AccessToken,
                                  QueryEditor::Credential::ApiToken, QueryEditor::Credential::None}) {
        if (credentialKey(credential) == key)
            return credential;
    }
    return std::nullopt;
}

} // namespace

struct QueryEditor::PendingResponse {
    TracedRequest request;
    TracedResponse response;
    QString credentialNote;
    query::RequestMode mode = query::RequestMode::Graphql;
};

// An introspection response parsed off the UI thread. `editor` is read on the UI thread only.
struct SchemaJob {
    QPointer<QueryEditor> editor;
    quint64 serial = 0;
    int stepIndex = -1;
    QByteArray body;
    std::shared_ptr<const graphql::Schema> schema;
    QString error;
};

struct QueryEditor::Prepared {
    TracedRequest request;
    query::RequestMode mode = query::RequestMode::Graphql;
    Credential credential = Credential::None;
    QString token;
    QString authorizationWarning; // the extra headers replace the chosen credential
    QStringList warnings;
    QString note;
    query::HistoryEntry entry;
};

struct QueryEditor::RunningEntry {
    query::HistoryEntry entry;
    QStringList knownSecrets;
    QElapsedTimer clock;
};

QueryEditor::QueryEditor(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("queryEditor"));
    m_apiTokenDebounce.setSingleShot(true);
    m_apiTokenDebounce.setInterval(1000);
    connect(&m_apiTokenDebounce, &QTimer::timeout, this, &QueryEditor::flushApiToken);
    m_parseDebounce.setSingleShot(true);
    m_parseDebounce.setInterval(parseDebounceMs);
    connect(&m_parseDebounce, &QTimer::timeout, this, [this] {
        updateOperations();
        checkVariablesSyntax();
    });
    m_clipboard = new ClipboardGuard(this);
    buildUi();
    updateCredentialRow();
    updateModeWidgets();
    setRunning(false);
}

QueryEditor::~QueryEditor()
{
    // QWidget's destructor moves the focus away, and the field's editingFinished() must not
    // reach this half-destroyed object.
    disconnect(m_apiToken, nullptr, this, nullptr);
    // A pending debounced edit would otherwise be lost.
    if (m_apiTokenDebounce.isActive())
        flushApiToken();
}

void QueryEditor::buildUi()
{
    m_endpoint = new QLineEdit(this);
    m_endpoint->setObjectName(QStringLiteral("endpoint"));
    m_endpoint->setPlaceholderText(QStringLiteral("https://api.example.com/graphql"));
    m_endpoint->setClearButtonEnabled(true);
    // The schema belongs to the endpoint it came from.
    connect(m_endpoint, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text != m_schemaEndpoint)
            clearSchema();
    });

    m_method = new QComboBox(this);
    m_method->setObjectName(QStringLiteral("method"));
    m_method->setAccessibleName(tr("HTTP method"));
    m_method->addItems(query::httpMethods());
    m_httpUrl = new QLineEdit(this);
    m_httpUrl->setObjectName(QStringLiteral("httpUrl"));
    m_httpUrl->setAccessibleName(tr("URL"));
    m_httpUrl->setPlaceholderText(QStringLiteral("https://api.example.com/todos, {{baseUrl}}/todos"));
    m_httpUrl->setClearButtonEnabled(true);
    auto *httpUrlRow = new QWidget(this);
    auto *httpUrlLayout = new QHBoxLayout(httpUrlRow);
    httpUrlLayout->setContentsMargins(0, 0, 0, 0);
    httpUrlLayout->addWidget(m_method);
    httpUrlLayout->addWidget(m_httpUrl, 1);
    m_urlStack = new QStackedWidget(this);
    m_urlStack->addWidget(m_endpoint);
    m_urlStack->addWidget(httpUrlRow);
    m_urlStack->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);

    m_credential = new QComboBox(this);
    m_credential->setObjectName(QStringLiteral("credential"));
    m_credential->addItem(tr("ID token"), QVariant::fromValue(Credential::IdToken));
    m_credential->addItem(tr("Access token"), QVariant::fromValue(Credential::AccessToken));
    m_credential->addItem(tr("API token (pasted)"), QVariant::fromValue(Credential::ApiToken));
    m_credential->addItem(tr("No credential"), QVariant::fromValue(Credential::None));
    m_credential->setCurrentIndex(int(Credential::AccessToken));
    m_credential->setToolTip(tr("The token sent as \"Authorization: Bearer <token>\""));
    connect(m_credential, &QComboBox::activated, this, [this] { m_credentialChosenByUser = true; });
    connect(m_credential, &QComboBox::currentIndexChanged, this, [this] {
        updateCredentialRow();
        clearMessage();
    });

    m_apiTokenRow = new QWidget(this);
    m_apiToken = new QLineEdit(m_apiTokenRow);
    m_apiToken->setObjectName(QStringLiteral("apiToken"));
    m_apiToken->setEchoMode(QLineEdit::Password);
    m_apiToken->setPlaceholderText(tr("Paste a token issued by the API"));
    m_apiToken->setAccessibleName(tr("API token"));
    connect(m_apiToken, &QLineEdit::textEdited, this, [this] { m_apiTokenDebounce.start(); });
    connect(m_apiToken, &QLineEdit::editingFinished, this, &QueryEditor::flushApiToken);
    m_revealApiToken = new QPushButton(tr("Reveal"), m_apiTokenRow);
    m_revealApiToken->setObjectName(QStringLiteral("revealApiToken"));
    m_revealApiToken->setCheckable(true);
    connect(m_revealApiToken, &QPushButton::toggled, this, [this](bool revealed) {
        m_apiToken->setEchoMode(revealed ? QLineEdit::Normal : QLineEdit::Password);
        m_revealApiToken->setText(revealed ? tr("Hide") : tr("Reveal"));
    });
    auto *apiTokenLayout = new QHBoxLayout(m_apiTokenRow);
    apiTokenLayout->setContentsMargins(0, 0, 0, 0);
    apiTokenLayout->addWidget(new QLabel(tr("API token:"), m_apiTokenRow));
    apiTokenLayout->addWidget(m_apiToken, 1);
    apiTokenLayout->addWidget(m_revealApiToken);

    auto *credentialRow = new QHBoxLayout;
    credentialRow->addWidget(m_credential);
    credentialRow->addWidget(m_apiTokenRow, 1);
    credentialRow->addStretch(0);

    auto *form = new QFormLayout;
    m_urlLabel = new QLabel(tr("&Endpoint:"), this);
    m_urlLabel->setBuddy(m_endpoint);
    // Wide enough for the texts of both modes, so the form does not shift when the mode changes.
    m_urlLabel->setMinimumWidth(std::max(m_urlLabel->fontMetrics().horizontalAdvance(tr("Endpoint:")),
                                         m_urlLabel->fontMetrics().horizontalAdvance(tr("URL:"))));
    form->addRow(m_urlLabel, m_urlStack);
    auto *credentialLabel = new QLabel(tr("C&redential:"), this);
    credentialLabel->setBuddy(m_credential);
    form->addRow(credentialLabel, credentialRow);

    m_editorStack = new QStackedWidget(this);
    m_editorStack->addWidget(buildGraphqlPage());
    m_editorStack->addWidget(buildHttpPage());

    m_send = new QPushButton(tr("Send"), this);
    m_send->setObjectName(QStringLiteral("send"));
    m_send->setToolTip(tr("Send (Ctrl+Enter)"));
    m_send->setDefault(true);
    connect(m_send, &QPushButton::clicked, this, &QueryEditor::send);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancel"));
    m_cancel->setToolTip(tr("Stop waiting for the response"));
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        cancel();
        cancelSchemaLoad();
    });
    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("busy"));
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setMaximumWidth(120);
    m_busy->setAccessibleName(tr("Waiting for the response"));
    m_diagnosticsButton = new QPushButton(this);
    m_diagnosticsButton->setObjectName(QStringLiteral("diagnosticsCount"));
    m_diagnosticsButton->setFlat(true);
    m_diagnosticsButton->setCursor(Qt::PointingHandCursor);
    m_diagnosticsButton->setToolTip(tr("Problems the schema and the GraphQL rules find in the query. Click to go to the first."));
    m_diagnosticsButton->setVisible(false);
    connect(m_diagnosticsButton, &QPushButton::clicked, this, [this] {
        const QList<graphql::Diagnostic> diagnostics = m_query->diagnostics();
        if (diagnostics.isEmpty())
            return;
        m_query->goToDiagnostic(0);
        m_shownDiagnostic = diagnostics.first().message;
        showInfo(m_shownDiagnostic);
    });
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setVisible(false);

    auto *sendRow = new QHBoxLayout;
    sendRow->addWidget(m_send);
    sendRow->addWidget(m_cancel);
    sendRow->addWidget(m_busy);
    sendRow->addWidget(m_diagnosticsButton);
    sendRow->addWidget(m_message, 1);
    sendRow->addStretch(0); // keeps the buttons at their size while no message is shown

    const auto addShortcut = [this](const QKeySequence &keys, auto slot) {
        auto *shortcut = new QShortcut(keys, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, slot);
    };
    addShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), &QueryEditor::send);
    addShortcut(QKeySequence(Qt::CTRL | Qt::Key_Enter), &QueryEditor::send);
    addShortcut(QKeySequence(Qt::CTRL | Qt::Key_H), [this] { setHistoryVisible(!m_historyPanel->isVisible()); });
    addShortcut(QKeySequence(Qt::CTRL | Qt::Key_S), &QueryEditor::saveQuery);
    addShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), &QueryEditor::copyAsCurl);
    // Ctrl+Shift+R is the window's "Refresh tokens", so the schema uses I for introspection.
    addShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I), [this] {
        if (mode() == query::RequestMode::Graphql)
            loadSchema();
    });
    addShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D), [this] {
        if (mode() == query::RequestMode::Graphql)
            setDocumentationVisible(!isDocumentationVisible());
    });

    auto *requestPane = new QWidget(this);
    auto *requestLayout = new QVBoxLayout(requestPane);
    requestLayout->setContentsMargins(0, 0, 0, 0);
    requestLayout->addWidget(buildToolRow());
    requestLayout->addLayout(form);
    requestLayout->addWidget(m_editorStack, 1);
    requestLayout->addLayout(sendRow);

    // The response below, with the credential that was sent above it.
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("responseStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont statusFont = m_status->font();
    statusFont.setBold(true);
    m_status->setFont(statusFont);
    m_responseView = new ResponseView(this);
    m_responseView->setObjectName(QStringLiteral("responseView"));
    connect(m_responseView, &ResponseView::shown, this, &QueryEditor::finishResponse);
    auto *responsePane = new QWidget(this);
    auto *responseLayout = new QVBoxLayout(responsePane);
    responseLayout->setContentsMargins(0, 0, 0, 0);
    responseLayout->addWidget(m_status);
    responseLayout->addWidget(buildAuthBox());
    responseLayout->addWidget(m_responseView, 1);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(requestPane);
    splitter->addWidget(responsePane);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);

    m_historyPanel = new HistoryPanel(this);
    m_historyPanel->setStore(&m_history);
    m_historyPanel->setVisible(false);
    connect(m_historyPanel, &HistoryPanel::entryActivated, this, &QueryEditor::openEntry);
    connect(m_historyPanel, &HistoryPanel::errorOccurred, this, &QueryEditor::showError);
    m_historyPanel->setMinimumWidth(historyPanelMinimumWidth);
    m_historySplitter = new QSplitter(Qt::Horizontal, this);
    m_historySplitter->setObjectName(QStringLiteral("historySplitter"));
    m_historySplitter->setChildrenCollapsible(false);
    m_historySplitter->addWidget(m_historyPanel);
    m_historySplitter->addWidget(splitter);
    m_historySplitter->setStretchFactor(0, 0);
    m_historySplitter->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_historySplitter);
}

QWidget *QueryEditor::buildToolRow()
{
    auto *row = new QWidget(this);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    auto *graphql = new QToolButton(row);
    graphql->setObjectName(QStringLiteral("modeGraphql"));
    graphql->setText(tr("GraphQL"));
    graphql->setCheckable(true);
    graphql->setChecked(true);
    graphql->setToolTip(tr("Send a GraphQL document with variables as a POST request"));
    auto *http = new QToolButton(row);
    http->setObjectName(QStringLiteral("modeHttp"));
    http->setText(tr("HTTP"));
    http->setCheckable(true);
    http->setToolTip(tr("Send any HTTP request: method, URL, headers and body, for REST backends"));
    m_modeGroup = new QButtonGroup(this);
    m_modeGroup->setExclusive(true);
    m_modeGroup->addButton(graphql, int(query::RequestMode::Graphql));
    m_modeGroup->addButton(http, int(query::RequestMode::Http));
    connect(m_modeGroup, &QButtonGroup::idToggled, this, [this](int, bool checked) {
        if (checked)
            updateModeWidgets();
    });
    for (QToolButton *button : {graphql, http}) {
        button->setAutoRaise(false);
        button->setMinimumWidth(button->fontMetrics().horizontalAdvance(tr("GraphQL")) + 24);
    }
    auto *modeLabel = new QLabel(tr("Mode:"), row);
    layout->addWidget(modeLabel);
    layout->addSpacing(6);
    layout->addWidget(graphql);
    layout->addWidget(http);
    layout->addStretch(1);

    m_historyButton = new QToolButton(row);
    m_historyButton->setObjectName(QStringLiteral("historyButton"));
    m_historyButton->setText(tr("History"));
    m_historyButton->setCheckable(true);
    m_historyButton->setToolTip(tr("Show the history of sent requests and the saved queries (Ctrl+H)"));
    connect(m_historyButton, &QToolButton::toggled, this, &QueryEditor::setHistoryVisible);

    auto *save = new QToolButton(row);
    save->setObjectName(QStringLiteral("saveQuery"));
    save->setText(tr("Save query…"));
    save->setToolTip(tr("Save the request under a name (Ctrl+S)"));
    connect(save, &QToolButton::clicked, this, &QueryEditor::saveQuery);

    m_curlButton = new QToolButton(row);
    m_curlButton->setObjectName(QStringLiteral("copyAsCurl"));
    m_curlButton->setText(tr("Copy as curl"));
    m_curlButton->setToolTip(tr("Copy the request as a curl command, with the credential masked (Ctrl+Shift+C)"));
    m_curlButton->setPopupMode(QToolButton::MenuButtonPopup);
    auto *curlMenu = new QMenu(m_curlButton);
    // The editor's own QShortcut handles Ctrl+Shift+C; a second one on the action would make the
    // key ambiguous, so the menu only shows it after the tab.
    QAction *masked = curlMenu->addAction(tr("Copy as curl (credential masked)") + QStringLiteral("\t")
                                              + QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C).toString(QKeySequence::NativeText),
                                          this, &QueryEditor::copyAsCurl);
    masked->setObjectName(QStringLiteral("copyAsCurlMasked"));
    QAction *full = curlMenu->addAction(tr("Copy as curl with the credential"), this, &QueryEditor::copyAsCurlWithCredential);
    full->setObjectName(QStringLiteral("copyAsCurlWithCredential"));
    full->setToolTip(tr("The command includes the token in full. The clipboard is cleared again after a delay."));
    m_curlButton->setMenu(curlMenu);
    connect(m_curlButton, &QToolButton::clicked, this, &QueryEditor::copyAsCurl);

    for (QToolButton *button : {m_historyButton, save, m_curlButton}) {
        layout->addSpacing(4);
        layout->addWidget(button);
    }
    return row;
}

QHBoxLayout *QueryEditor::buildSchemaRow(QWidget *parent)
{
    // The schema's tools sit above the query they help with.
    auto *layout = new QHBoxLayout;
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("<b>Query</b>"), parent));
    layout->addStretch(1);

    m_schemaStatus = new QLabel(tr("No schema"), parent);
    m_schemaStatus->setObjectName(QStringLiteral("schemaStatus"));
    m_schemaStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_loadSchemaButton = new QToolButton(parent);
    m_loadSchemaButton->setObjectName(QStringLiteral("loadSchema"));
    m_loadSchemaButton->setText(tr("Load schema"));
    m_loadSchemaButton->setToolTip(tr("Send the introspection query to the endpoint with the chosen credential, for "
                                      "completion, validation and the documentation (Ctrl+Shift+I)"));
    connect(m_loadSchemaButton, &QToolButton::clicked, this, &QueryEditor::loadSchema);
    m_docsButton = new QToolButton(parent);
    m_docsButton->setObjectName(QStringLiteral("docsButton"));
    m_docsButton->setText(tr("Docs"));
    m_docsButton->setCheckable(true);
    m_docsButton->setToolTip(tr("Show the schema's documentation beside the query (Ctrl+Shift+D; F1 in the query opens "
                                "it at the name under the cursor)"));
    connect(m_docsButton, &QToolButton::toggled, this, &QueryEditor::setDocumentationVisible);

    layout->addWidget(m_schemaStatus);
    layout->addSpacing(6);
    layout->addWidget(m_loadSchemaButton);
    layout->addSpacing(4);
    layout->addWidget(m_docsButton);
    return layout;
}

QWidget *QueryEditor::buildGraphqlPage()
{
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);

    // Query on the left, variables and headers on the right.
    m_query = new GraphqlEditor(this);
    m_query->setObjectName(QStringLiteral("query"));
    m_query->setPlaceholderText(QStringLiteral("query {\n  me { id name }\n}"));
    connect(m_query, &QPlainTextEdit::textChanged, this, [this] { m_parseDebounce.start(); });
    connect(m_query, &GraphqlEditor::message, this, [this](const QString &text) {
        // "No schema is loaded" would read as final while the automatic load runs.
        showInfo(m_schemaLoading ? text + QLatin1Char(' ') + tr("The schema is loading now.") : text);
    });
    connect(m_query, &GraphqlEditor::diagnosticsChanged, this, &QueryEditor::updateDiagnosticsCount);
    connect(m_query, &GraphqlEditor::documentationRequested, this, &QueryEditor::showDocumentation);
    connect(m_query, &GraphqlEditor::schemaRequested, this, [this] {
        // One automatic attempt per endpoint: a failing endpoint is not asked again on every key.
        if (m_schema || m_schemaLoading || m_schemaAutoLoadTried || !m_client)
            return;
        m_schemaAutoLoadTried = true;
        loadSchema();
    });

    m_operationName = new QComboBox(this);
    m_operationName->setObjectName(QStringLiteral("operationName"));
    m_operationName->setEditable(true);
    m_operationName->setInsertPolicy(QComboBox::NoInsert);
    m_operationName->setAccessibleName(tr("Operation to run"));
    m_operationName->lineEdit()->setObjectName(QStringLiteral("operationNameEdit"));
    m_operationName->lineEdit()->setPlaceholderText(tr("needed when the document defines several operations"));
    auto *queryBox = new QWidget(this);
    auto *queryLayout = new QVBoxLayout(queryBox);
    queryLayout->setContentsMargins(0, 0, 0, 0);
    queryLayout->addLayout(buildSchemaRow(queryBox));
    queryLayout->addWidget(m_query, 1);
    auto *operationRow = new QHBoxLayout;
    auto *operationLabel = new QLabel(tr("&Operation:"), queryBox);
    operationLabel->setBuddy(m_operationName);
    operationRow->addWidget(operationLabel);
    operationRow->addWidget(m_operationName, 1);
    queryLayout->addLayout(operationRow);

    m_variables = new QPlainTextEdit(this);
    m_variables->setObjectName(QStringLiteral("variables"));
    m_variables->setFont(fixed);
    m_variables->setPlaceholderText(tr("A JSON object, such as\n{\"first\": 10}\nStrings may contain {{name}} from the "
                                       "profile's environment."));
    m_variables->setLineWrapMode(QPlainTextEdit::NoWrap);
    connect(m_variables, &QPlainTextEdit::textChanged, this, [this] { m_parseDebounce.start(); });
    m_headers = new QPlainTextEdit(this);
    m_headers->setObjectName(QStringLiteral("headers"));
    m_headers->setFont(fixed);
    m_headers->setPlaceholderText(tr("Extra headers, one per line, such as\nX-Request-Id: 42"));
    // Wrapped at the widget's width: a view scrolled sideways would hide the header names.
    m_headers->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_headers->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_inputTabs = new QTabWidget(this);
    m_inputTabs->setDocumentMode(true);
    m_inputTabs->addTab(m_variables, tr("&Variables"));
    m_inputTabs->addTab(m_headers, tr("&Headers"));
    // Wide enough for both tab labels, so the tab bar never shrinks to scroll arrows.
    m_inputTabs->setMinimumWidth(m_inputTabs->tabBar()->sizeHint().width() + 8);
    m_variablesStatus = new QLabel(this);
    m_variablesStatus->setObjectName(QStringLiteral("variablesStatus"));
    m_variablesStatus->setWordWrap(true);
    m_variablesStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_variablesStatus->setVisible(false);
    auto *inputBox = new QWidget(this);
    auto *inputLayout = new QVBoxLayout(inputBox);
    inputLayout->setContentsMargins(0, 0, 0, 0);
    inputLayout->addWidget(m_inputTabs, 1);
    inputLayout->addWidget(m_variablesStatus);

    auto *inputSplitter = new QSplitter(Qt::Horizontal, this);
    inputSplitter->setChildrenCollapsible(false);
    inputSplitter->addWidget(queryBox);
    inputSplitter->addWidget(inputBox);
    inputSplitter->setStretchFactor(0, 3);
    inputSplitter->setStretchFactor(1, 2);
    return inputSplitter;
}

QWidget *QueryEditor::buildHttpPage()
{
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);

    m_httpBody = new QPlainTextEdit(this);
    m_httpBody->setObjectName(QStringLiteral("httpBody"));
    m_httpBody->setFont(fixed);
    m_httpBody->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_httpBody->setPlaceholderText(tr("The request body, sent as UTF-8, such as\n{\"title\": \"Buy milk\"}\nLeave it empty "
                                      "for GET, HEAD and DELETE."));
    auto *bodyBox = new QWidget(this);
    auto *bodyLayout = new QVBoxLayout(bodyBox);
    bodyLayout->setContentsMargins(0, 0, 0, 0);
    bodyLayout->addWidget(new QLabel(tr("<b>Body</b>"), bodyBox));
    bodyLayout->addWidget(m_httpBody, 1);

    m_httpHeaders = new QPlainTextEdit(this);
    m_httpHeaders->setObjectName(QStringLiteral("httpHeaders"));
    m_httpHeaders->setFont(fixed);
    m_httpHeaders->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_httpHeaders->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_httpHeaders->setPlaceholderText(tr("Headers, one per line, such as\nContent-Type: application/json\nAccept: "
                                         "application/json"));
    m_httpTabs = new QTabWidget(this);
    m_httpTabs->setDocumentMode(true);
    m_httpTabs->addTab(m_httpHeaders, tr("H&eaders"));

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(bodyBox);
    splitter->addWidget(m_httpTabs);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    return splitter;
}

QWidget *QueryEditor::buildAuthBox()
{
    // A framed box, so the credential and the challenge read as one part beside the response.
    auto *box = new QFrame(this);
    box->setObjectName(QStringLiteral("authBox"));
    box->setFrameShape(QFrame::StyledPanel);
    box->setBackgroundRole(QPalette::AlternateBase);
    box->setAutoFillBackground(true);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->setSpacing(2);
    m_credentialNote = new QLabel(box);
    m_credentialNote->setObjectName(QStringLiteral("credentialNote"));
    m_credentialNote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_credentialNote->setWordWrap(true);
    m_challenge = new QLabel(box);
    m_challenge->setObjectName(QStringLiteral("challenge"));
    m_challenge->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_challenge->setWordWrap(true);
    m_challenge->setVisible(false);
    m_findingLink = new QLabel(box);
    m_findingLink->setObjectName(QStringLiteral("findingLink"));
    m_findingLink->setTextFormat(Qt::RichText);
    m_findingLink->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_findingLink->setWordWrap(true);
    m_findingLink->setVisible(false);
    connect(m_findingLink, &QLabel::linkActivated, this, [this] {
        const int step = m_findingLink->property("step").toInt();
        if (step >= 0)
            Q_EMIT findingRequested(step);
    });
    layout->addWidget(m_credentialNote);
    layout->addWidget(m_challenge);
    layout->addWidget(m_findingLink);
    // Shown with the first response.
    box->setVisible(false);
    m_authBox = box;
    return box;
}

void QueryEditor::setHttpClient(TracedHttpClient *client)
{
    m_client = client;
}

void QueryEditor::setProfile(const Profile &profile)
{
    m_profile = profile;
    setEnvironment(profile.environment);
    clearSchema();

    QStringList problems;
    m_history = query::HistoryStore(m_historyDirectory);
    if (!profile.id.isEmpty())
        m_history.open(profile.id, &problems);
    m_historyPanel->setProblems(problems);
    m_historyPanel->refresh();
    if (!problems.isEmpty())
        showWarning(problems.join(QLatin1Char(' ')));
}

void QueryEditor::setEnvironment(const query::Environment &environment)
{
    m_environment = environment;
    QStringList names;
    for (const auto &[name, value] : environment)
        names << QStringLiteral("{{%1}}").arg(name);
    const QString tip = names.isEmpty() ? tr("The profile's environment is empty: add values with File > Edit profile "
                                             "(Ctrl+E) to use {{name}} placeholders.")
                                        : tr("Placeholders from the profile's environment: %1").arg(names.join(QStringLiteral(", ")));
    m_endpoint->setToolTip(tip);
    m_httpUrl->setToolTip(tip);
}

void QueryEditor::setHistoryDirectory(const QString &directory)
{
    m_historyDirectory = directory;
}

void QueryEditor::setTokens(const TokenSet &tokens)
{
    m_tokens = tokens;
    if (!m_credentialChosenByUser) {
        if (!tokens.accessToken.isEmpty())
            setCredential(Credential::AccessToken);
        else if (!tokens.idToken.isEmpty())
            setCredential(Credential::IdToken);
    }
    m_credential->setItemData(int(Credential::IdToken),
                              tokens.idToken.isEmpty() ? tr("No ID token yet: sign in first.") : QString(), Qt::ToolTipRole);
    m_credential->setItemData(int(Credential::AccessToken),
                              tokens.accessToken.isEmpty() ? tr("No access token yet: sign in first.") : QString(),
                              Qt::ToolTipRole);
}

void QueryEditor::setEndpoint(const QUrl &url)
{
    m_endpoint->setText(url.toString());
}

void QueryEditor::setQuery(const QString &query)
{
    m_query->setPlainText(query);
    updateOperations();
}

query::RequestMode QueryEditor::mode() const
{
    return m_modeGroup->checkedId() == int(query::RequestMode::Http) ? query::RequestMode::Http : query::RequestMode::Graphql;
}

void QueryEditor::setMode(query::RequestMode mode)
{
    m_modeGroup->button(int(mode))->setChecked(true);
    updateModeWidgets();
}

void QueryEditor::updateModeWidgets()
{
    const bool http = mode() == query::RequestMode::Http;
    m_urlStack->setCurrentIndex(http ? 1 : 0);
    m_editorStack->setCurrentIndex(http ? 1 : 0);
    m_urlLabel->setText(http ? tr("&URL:") : tr("&Endpoint:"));
    m_urlLabel->setBuddy(http ? static_cast<QWidget *>(m_httpUrl) : m_endpoint);
    // A first switch starts from the GraphQL endpoint, usually the backend's own host.
    if (http && m_httpUrl->text().isEmpty())
        m_httpUrl->setText(m_endpoint->text());
    // The schema and its documentation belong to GraphQL.
    m_loadSchemaButton->setVisible(!http);
    m_schemaStatus->setVisible(!http);
    m_docsButton->setVisible(!http);
    if (m_docExplorer)
        m_docExplorer->setVisible(!http && m_docsButton->isChecked());
    m_diagnosticsButton->setVisible(!http && !m_query->diagnostics().isEmpty());
    clearResponseOfOtherMode();
}

void QueryEditor::clearResponseOfOtherMode()
{
    // A response under the request of the other mode would read as the response to that request.
    // NOTE: a request still running when the mode changes shows its response when it arrives.
    if (!m_responseMode || *m_responseMode == mode() || m_running || m_pendingResponse)
        return;
    const bool fromHttp = *m_responseMode == query::RequestMode::Http;
    m_responseMode.reset();
    m_responseView->clear();
    m_credentialNote->clear();
    m_authBox->setVisible(false);
    m_challenge->clear();
    m_challenge->setVisible(false);
    m_findingLink->setVisible(false);
    m_status->setPalette(palette());
    m_status->setText(fromHttp ? tr("The HTTP response was cleared when switching to GraphQL. Send the query to see its response.")
                               : tr("The GraphQL response was cleared when switching to HTTP. Send the request to see its response."));
}

void QueryEditor::setHttpRequest(const QString &method, const QString &url, const QString &headers, const QString &body)
{
    const int index = m_method->findText(method.toUpper());
    m_method->setCurrentIndex(index >= 0 ? index : 0);
    m_httpUrl->setText(url);
    m_httpHeaders->setPlainText(headers);
    m_httpBody->setPlainText(body);
}

QString QueryEditor::apiToken() const
{
    return m_apiToken->text();
}

void QueryEditor::setApiToken(const QString &token)
{
    m_apiTokenDebounce.stop();
    m_apiToken->setText(token);
    m_lastSentApiToken = token;
}

QueryEditor::Credential QueryEditor::credential() const
{
    return m_credential->currentData().value<Credential>();
}

void QueryEditor::setCredential(Credential credential)
{
    m_credential->setCurrentIndex(int(credential));
}

void QueryEditor::updateCredentialRow()
{
    m_apiTokenRow->setVisible(credential() == Credential::ApiToken);
}

void QueryEditor::flushApiToken()
{
    m_apiTokenDebounce.stop();
    const QString token = m_apiToken->text();
    if (token == m_lastSentApiToken)
        return;
    m_lastSentApiToken = token;
    Q_EMIT apiTokenEdited(token);
}

void QueryEditor::setRunning(bool running)
{
    m_running = running;
    m_send->setEnabled(!running);
    m_cancel->setVisible(running || m_schemaLoading);
    m_busy->setVisible(running || m_schemaLoading);
}

void QueryEditor::showError(const QString &message)
{
    QPalette pal = m_message->palette();
    pal.setColor(QPalette::WindowText, resultColor(StepResult::Failed, palette()));
    m_message->setPalette(pal);
    m_message->setText(message);
    m_message->setProperty("severity", QStringLiteral("error"));
    m_message->setVisible(true);
}

void QueryEditor::showWarning(const QString &message)
{
    QPalette pal = m_message->palette();
    pal.setColor(QPalette::WindowText, resultColor(StepResult::Warning, palette()));
    m_message->setPalette(pal);
    m_message->setText(message);
    m_message->setProperty("severity", QStringLiteral("warning"));
    m_message->setVisible(true);
}

void QueryEditor::showInfo(const QString &message)
{
    m_message->setPalette(palette());
    m_message->setText(message);
    m_message->setProperty("severity", QStringLiteral("info"));
    m_message->setVisible(true);
}

void QueryEditor::clearMessage()
{
    m_message->clear();
    m_message->setProperty("severity", QString());
    m_message->setVisible(false);
}

void QueryEditor::send()
{
    sendRequest(true);
}

bool QueryEditor::credentialExpired(Credential credential) const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (credential == Credential::AccessToken)
        return m_tokens.expiresAt.isValid() && m_tokens.expiresAt <= now;
    if (credential != Credential::IdToken)
        return false;
    QString error;
    const auto jws = jose::CompactJws::parse(m_tokens.idToken.toLatin1(), &error);
    if (!jws)
        return false;
    const QJsonValue exp = jws->claims.value(QStringLiteral("exp"));
    return exp.isDouble() && QDateTime::fromSecsSinceEpoch(exp.toInteger(), Qt::UTC) <= now;
}

query::RequestInput QueryEditor::currentInput() const
{
    query::RequestInput input;
    input.mode = mode();
    if (input.mode == query::RequestMode::Graphql) {
        input.url = m_endpoint->text();
        input.document = m_query->toPlainText();
        input.operationName = m_operationName->currentText();
        input.variables = m_variables->toPlainText();
        input.headers = m_headers->toPlainText();
    } else {
        input.method = m_method->currentText();
        input.url = m_httpUrl->text();
        input.headers = m_httpHeaders->toPlainText();
        input.body = m_httpBody->toPlainText();
    }
    return input;
}

query::HistoryEntry QueryEditor::currentEntry() const
{
    const query::RequestInput input = currentInput();
    query::HistoryEntry entry;
    entry.mode = input.mode;
    entry.method = input.mode == query::RequestMode::Graphql ? QStringLiteral("POST") : input.method;
    entry.url = input.url.trimmed();
    entry.document = input.document;
    entry.operationName = input.operationName.trimmed();
    entry.variables = input.variables;
    entry.headers = input.headers;
    entry.body = input.body;
    entry.credential = credentialKey(credential());
    return entry;
}

QStringList QueryEditor::knownSecrets() const
{
    QStringList secrets{m_tokens.idToken, m_tokens.accessToken, m_tokens.refreshToken, m_apiToken->text().trimmed()};
    secrets.removeAll(QString());
    return secrets;
}

void QueryEditor::focusField(const query::RequestError &error)
{
    const bool http = mode() == query::RequestMode::Http;
    const auto placeCursor = [&error](QPlainTextEdit *edit) {
        if (error.offset < 0)
            return;
        QTextCursor cursor = edit->textCursor();
        cursor.setPosition(int(qMin<qsizetype>(error.offset, edit->document()->characterCount() - 1)));
        edit->setTextCursor(cursor);
    };
    switch (error.field) {
    case query::RequestError::Field::Url: {
        QLineEdit *edit = http ? m_httpUrl : m_endpoint;
        edit->setFocus();
        if (error.offset >= 0)
            edit->setCursorPosition(int(error.offset));
        break;
    }
    case query::RequestError::Field::Method:
        m_method->setFocus();
        break;
    case query::RequestError::Field::Document:
        placeCursor(m_query);
        m_query->setFocus();
        break;
    case query::RequestError::Field::OperationName:
        m_operationName->setFocus();
        break;
    case query::RequestError::Field::Variables:
        // The cursor goes where the JSON parser stopped; the text itself stays as typed.
        m_inputTabs->setCurrentWidget(m_variables);
        placeCursor(m_variables);
        m_variables->setFocus();
        break;
    case query::RequestError::Field::Headers:
        if (http) {
            m_httpTabs->setCurrentWidget(m_httpHeaders);
            placeCursor(m_httpHeaders);
            m_httpHeaders->setFocus();
        } else {
            m_inputTabs->setCurrentWidget(m_headers);
            placeCursor(m_headers);
            m_headers->setFocus();
        }
        break;
    case query::RequestError::Field::Body:
        placeCursor(m_httpBody);
        m_httpBody->setFocus();
        break;
    }
}

bool QueryEditor::prepareRequest(const query::RequestInput &typed, Prepared *out)
{
    query::RequestInput input = typed;
    input.schema = m_schema.get();
    query::BuiltRequest built;
    query::RequestError error;
    if (!query::buildRequest(input, m_environment, &built, &error)) {
        showError(error.message);
        focusField(error);
        return false;
    }
    QString token;
    if (!readCredential(!built.authorizationWarning.isEmpty(), &token))
        return false;

    out->mode = input.mode;
    out->credential = credential();
    out->token = token;
    out->authorizationWarning = built.authorizationWarning;
    out->warnings = built.warnings;
    out->entry = currentEntry();

    TracedRequest &request = out->request;
    request.method = built.method;
    request.url = built.url;
    request.headers = requestHeaders(out->mode, token, built.headers);
    request.body = built.body;
    request.from = Trace::App;
    request.to = Trace::Backend;
    request.title = built.method + QLatin1Char(' ') + (built.url.path().isEmpty() ? QStringLiteral("/") : built.url.path());
    request.explanationKey = QStringLiteral("api-request");
    request.timeoutMs = requestTimeoutMs;
    request.maxResponseBytes = maxResponseBytes;

    out->note = built.authorizationWarning.isEmpty() ? describeCredential(out->credential, token)
                                                     : tr("Sent the Authorization header from the extra headers.");
    return true;
}

void QueryEditor::sendRequest(bool refreshIfExpired)
{
    if (m_running || m_refreshing)
        return;
    clearMessage();

    const Credential chosen = credential();
    if (refreshIfExpired && m_refreshHandler && !m_tokens.refreshToken.isEmpty() && credentialExpired(chosen)) {
        // Refreshed first, as a client would, and shown on the diagram as its own steps.
        const QString name = chosen == Credential::IdToken ? tr("ID token") : tr("access token");
        m_message->setText(tr("The %1 has expired, so the tokens are refreshed before sending...").arg(name));
        m_refreshing = true;
        m_send->setEnabled(false);
        m_refreshHandler([this, name](bool ok) {
            m_refreshing = false;
            m_send->setEnabled(true);
            if (!ok) {
                showError(tr("The %1 has expired and the refresh failed, so nothing was sent. The banner above shows the reason.").arg(name));
                return;
            }
            sendRequest(false);
        });
        return;
    }

    Prepared prepared;
    if (!prepareRequest(currentInput(), &prepared))
        return;
    if (!m_client) {
        showError(tr("Nothing was sent because the editor has no HTTP client."));
        return;
    }
    const TracedRequest &request = prepared.request;

    // Registered before sending, so the step is masked from the moment it appears.
    if (Trace *trace = m_client->trace()) {
        trace->addSecret(prepared.token);
        for (const auto &[name, value] : request.headers) {
            if (!query::isSecretHeaderName(QString::fromLatin1(name)))
                continue;
            // The scheme of "Bearer <token>" stays readable; a value without one is the secret.
            const QString credentials = QString::fromUtf8(value).trimmed();
            trace->addSecret(credentials.contains(QLatin1Char(' ')) ? credentials.section(QLatin1Char(' '), 1).trimmed()
                                                                    : credentials);
        }
    }

    QStringList warnings;
    if (!prepared.authorizationWarning.isEmpty())
        warnings << prepared.authorizationWarning;
    warnings << prepared.warnings;
    if (!warnings.isEmpty())
        showWarning(warnings.join(QLatin1Char(' ')));

    if (m_pendingResponse)
        finishSupersededResponse();
    m_responseView->clear();
    m_credentialNote->clear();
    m_authBox->setVisible(false);
    m_challenge->clear();
    m_challenge->setVisible(false);
    m_findingLink->setVisible(false);
    m_status->setPalette(palette());
    m_status->setText(tr("Sending…"));
    m_responseMode = prepared.mode;
    setRunning(true);

    m_runningEntry = std::make_unique<RunningEntry>();
    m_runningEntry->entry = prepared.entry;
    m_runningEntry->entry.time = QDateTime::currentDateTimeUtc();
    m_runningEntry->knownSecrets = knownSecrets();
    m_runningEntry->clock.start();

    const quint64 serial = ++m_requestSerial;
    QPointer<QueryEditor> self(this);
    const QString note = prepared.note;
    const query::RequestMode requestMode = prepared.mode;
    m_client->send(request, [self, serial, request, note, requestMode](const TracedResponse &response) {
        if (!self || !self->m_running || self->m_requestSerial != serial)
            return;
        self->handleResponse(request, response, note, requestMode);
    });
    // TracedHttpClient appends the step synchronously inside send().
    m_runningStep = m_client->trace() ? m_client->trace()->count() - 1 : -1;
}

bool QueryEditor::readCredential(bool authorizationInHeaders, QString *token)
{
    // With an Authorization line in the extra headers, a missing token is no error: that line is sent.
    switch (credential()) {
    case Credential::IdToken:
        *token = m_tokens.idToken;
        if (token->isEmpty() && !authorizationInHeaders) {
            showError(tr("There is no ID token yet. Sign in first, or choose another credential."));
            return false;
        }
        return true;
    case Credential::AccessToken:
        *token = m_tokens.accessToken;
        if (token->isEmpty() && !authorizationInHeaders) {
            showError(tr("There is no access token yet. Sign in first, or choose another credential."));
            return false;
        }
        return true;
    case Credential::ApiToken:
        flushApiToken();
        *token = m_apiToken->text().trimmed();
        // A pasted "Bearer eyJ..." would otherwise be sent as "Bearer Bearer eyJ...".
        if (token->startsWith(QLatin1String("bearer "), Qt::CaseInsensitive))
            *token = token->mid(7).trimmed();
        if (token->isEmpty() && !authorizationInHeaders) {
            showError(tr("The API token is missing. Paste it into the API token field, or choose another credential."));
            m_apiToken->setFocus();
            return false;
        }
        if (!isHeaderSafeToken(*token)) {
            showError(tr("The API token contains spaces, line breaks or non-ASCII characters, which cannot be sent "
                         "in an HTTP header. Paste the token alone."));
            m_apiToken->setFocus();
            return false;
        }
        return true;
    case Credential::None:
        token->clear();
        return true;
    }
    return true;
}

QList<QPair<QByteArray, QByteArray>> QueryEditor::requestHeaders(query::RequestMode mode, const QString &token,
                                                                 const QList<QPair<QByteArray, QByteArray>> &extraHeaders)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    // The raw HTTP mode sends only what the user wrote, plus the credential.
    if (mode == query::RequestMode::Graphql) {
        headers = {
            {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
            {QByteArrayLiteral("Accept"), QByteArrayLiteral("application/graphql-response+json, application/json")},
        };
    }
    if (!token.isEmpty())
        headers.append({QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + token.toLatin1()});
    // An extra header replaces a default of the same name, so the trace shows what went out.
    for (const auto &extra : extraHeaders) {
        headers.removeIf([&extra](const QPair<QByteArray, QByteArray> &header) {
            return header.first.compare(extra.first, Qt::CaseInsensitive) == 0;
        });
    }
    headers.append(extraHeaders);
    return headers;
}

void QueryEditor::cancel()
{
    if (!m_running)
        return;
    ++m_requestSerial;
    setRunning(false);
    if (m_runningEntry) {
        addToHistory(m_runningEntry->entry, 0, m_runningEntry->clock.elapsed(), m_runningEntry->knownSecrets);
        m_runningEntry.reset();
    }
    // NOTE: TracedHttpClient offers no abort, so the request keeps running until the server
    // responds or the timeout hits. The late response is recorded in the trace but not shown here.
    if (m_client && m_client->trace() && m_runningStep >= 0) {
        m_client->trace()->update(m_runningStep, [](TraceStep &step) {
            if (step.result == StepResult::Pending) {
                step.result = StepResult::Skipped;
                step.detail = tr("Cancelled in the query editor before the response arrived.");
            }
        });
    }
    m_runningStep = -1;
    m_status->setPalette(palette());
    m_status->setText(tr("Cancelled"));
}

QString QueryEditor::describeCredential(Credential credential, const QString &token) const
{
    if (credential == Credential::None)
        return credentialNote(QString(), QString(), QDateTime::currentDateTimeUtc());
    return credentialNote(credentialName(credential), token, QDateTime::currentDateTimeUtc());
}

QString QueryEditor::credentialLabel(Credential credential) const
{
    switch (credential) {
    case Credential::IdToken:
        return tr("ID token");
    case Credential::AccessToken:
        return tr("access token");
    case Credential::ApiToken:
        return tr("API token");
    case Credential::None:
        break;
    }
    return tr("credential");
}

void QueryEditor::handleResponse(const TracedRequest &request, const TracedResponse &response, const QString &credentialNote,
                                 query::RequestMode mode)
{
    setRunning(false);
    m_runningStep = -1;
    m_credentialNote->setText(credentialNote);
    m_authBox->setVisible(true);
    if (m_runningEntry) {
        addToHistory(m_runningEntry->entry, response.status, response.elapsedMs, m_runningEntry->knownSecrets);
        m_runningEntry.reset();
    }

    if (!response.networkError.isEmpty()) {
        // TracedHttpClient has already marked the step failed with this sentence.
        QPalette statusPalette = palette();
        statusPalette.setColor(QPalette::WindowText, resultColor(StepResult::Failed, palette()));
        m_status->setPalette(statusPalette);
        m_status->setText(response.timedOut ? tr("No response · timed out after %1").arg(elapsedText(response.elapsedMs))
                                            : tr("No response · %1").arg(elapsedText(response.elapsedMs)));
        m_responseView->showBody(response.body, response.header("Content-Type"));
        showError(TracedHttpClient::describeFailure(request, response));
        Q_EMIT requestFinished(0);
        return;
    }

    if (response.status == 401 || response.status == 403) {
        const QString challenge = challengeNote(response.headers);
        m_challenge->setText(challenge.isEmpty() ? tr("The response has no WWW-Authenticate header, so the backend gave no "
                                                      "reason in the form RFC 6750 describes.")
                                                 : challenge);
        m_challenge->setVisible(true);
    }

    // The status line, message and step result wait for the GraphQL errors, which the response
    // view reads while it formats the body off the UI thread.
    m_pendingResponse = std::make_unique<PendingResponse>(PendingResponse{request, response, credentialNote, mode});
    m_status->setPalette(palette());
    m_status->setText(statusLine(response, 0) + QStringLiteral(" · ") + tr("formatting…"));
    m_responseView->showBody(response.body, response.header("Content-Type"));
}

void QueryEditor::finishResponse()
{
    if (!m_pendingResponse)
        return;
    const std::unique_ptr<PendingResponse> pending = std::move(m_pendingResponse);
    const TracedResponse &response = pending->response;
    // A REST response may have an "errors" member of its own meaning.
    const QStringList graphqlErrors = pending->mode == query::RequestMode::Graphql ? m_responseView->graphqlErrors()
                                                                                  : QStringList();
    const Verdict verdict = judgeResponse(response, graphqlErrors, pending->mode);

    QPalette statusPalette = palette();
    statusPalette.setColor(QPalette::WindowText, resultColor(verdict.result, palette()));
    m_status->setPalette(statusPalette);
    m_status->setText(statusLine(response, graphqlErrors.size()));

    if (verdict.result == StepResult::Failed) {
        QString fix;
        if (response.status == 401 && credential() == Credential::ApiToken)
            fix = tr(" Check the pasted API token or choose another credential.");
        else if (response.status == 401)
            fix = tr(" Sign in again or choose another credential.");
        else if (response.status == 403)
            fix = tr(" Request the missing scope or permission for this user or client.");
        showError(verdict.detail + fix);
    } else if (verdict.result == StepResult::Warning) {
        // Keep the warning about an overriding Authorization header, if there is one.
        const QString earlier = !m_message->text().isEmpty() ? m_message->text() + QLatin1Char(' ') : QString();
        showWarning(earlier + verdict.detail);
    }

    recordVerdict(m_client ? m_client->trace() : nullptr, response.stepIndex, verdict);
    showFindingLink(response.stepIndex, response.status);
    Q_EMIT requestFinished(response.status);
}

void QueryEditor::finishSupersededResponse()
{
    const std::unique_ptr<PendingResponse> pending = std::move(m_pendingResponse);
    Verdict verdict = judgeResponse(pending->response, {}, pending->mode);
    if (verdict.result == StepResult::Ok && pending->mode == query::RequestMode::Graphql)
        verdict.detail += tr(" A newer request replaced the response before it was checked for GraphQL errors.");
    recordVerdict(m_client ? m_client->trace() : nullptr, pending->response.stepIndex, verdict);
    Q_EMIT requestFinished(pending->response.status);
}

void QueryEditor::showFindingLink(int stepIndex, int status)
{
    m_findingLink->setVisible(false);
    m_findingLink->setProperty("step", -1);
    Trace *trace = m_client ? m_client->trace() : nullptr;
    if ((status != 401 && status != 403) || !trace || stepIndex < 0 || stepIndex >= trace->count())
        return;
    // The doctor reads the whole trace; only the finding about this step is linked here.
    FlowResult result;
    result.tokens = m_tokens;
    const QList<doctor::Finding> findings = doctor::checkRun(*trace, result, m_profile);
    for (const doctor::Finding &finding : findings) {
        if (finding.step != stepIndex)
            continue;
        m_findingLink->setText(tr("The doctor's finding for this response: <a href=\"finding\">%1</a>")
                                   .arg(finding.title.toHtmlEscaped()));
        m_findingLink->setToolTip(finding.fix);
        m_findingLink->setProperty("step", stepIndex);
        m_findingLink->setProperty("findingId", finding.id);
        m_findingLink->setVisible(true);
        return;
    }
}

void QueryEditor::addToHistory(query::HistoryEntry entry, int status, qint64 durationMs, const QStringList &secrets)
{
    if (!m_history.isOpen())
        return;
    entry.status = status;
    entry.durationMs = durationMs;
    QString error;
    if (!m_history.addToHistory(entry, secrets, &error)) {
        // Shown in the panel, so the response's own message stays under the Send button.
        m_historyPanel->setProblems({error});
    }
    m_historyPanel->refresh();
}

void QueryEditor::setHistoryVisible(bool visible)
{
    const bool opening = visible && !m_historyPanel->isVisible();
    m_historyPanel->setVisible(visible);
    // A panel shown for the first time would get whatever width the splitter had left for it.
    if (opening && m_historySplitter->sizes().value(0) < m_historyPanel->minimumWidth()) {
        const int total = m_historySplitter->width();
        const int docs = isDocumentationVisible() ? m_historySplitter->sizes().value(2) : 0;
        QList<int> sizes{historyPanelWidth, qMax(historyPanelWidth, total - historyPanelWidth - docs)};
        if (m_docExplorer)
            sizes << docs;
        m_historySplitter->setSizes(sizes);
    }
    {
        const QSignalBlocker blocker(m_historyButton);
        m_historyButton->setChecked(visible);
    }
    if (visible)
        m_historyPanel->focusFilter();
}

void QueryEditor::openEntry(const query::HistoryEntry &entry)
{
    clearMessage();
    setMode(entry.mode);
    if (entry.mode == query::RequestMode::Graphql) {
        m_endpoint->setText(entry.url);
        setQuery(entry.document);
        m_operationName->setEditText(entry.operationName);
        m_variables->setPlainText(entry.variables);
        m_headers->setPlainText(entry.headers);
    } else {
        setHttpRequest(entry.method, entry.url, entry.headers, entry.body);
    }
    const std::optional<Credential> chosen = credentialFromKey(entry.credential);
    if (chosen) {
        setCredential(*chosen);
        m_credentialChosenByUser = true;
    }

    const QString what = entry.name.isEmpty() ? tr("Opened the request of %1 from the history.")
                                                    .arg(QLocale().toString(entry.time.toLocalTime(), QLocale::ShortFormat))
                                              : tr("Opened the saved query \"%1\".").arg(entry.name);
    if (entry.removed.isEmpty())
        showInfo(what);
    else
        showWarning(what + QLatin1Char(' ')
                    + tr("The history does not keep credentials, so these were removed: %1. Add them again before "
                         "sending if the backend needs them.")
                          .arg(entry.removed.join(QStringLiteral(", "))));
    (entry.mode == query::RequestMode::Graphql ? static_cast<QWidget *>(m_query) : m_httpBody)->setFocus();
}

bool QueryEditor::saveQueryAs(const QString &name, QString *error)
{
    if (!m_history.isOpen()) {
        *error = tr("The query was not saved because no profile is chosen.");
        return false;
    }
    query::HistoryEntry entry = currentEntry();
    entry.name = name.trimmed();
    entry.time = QDateTime::currentDateTimeUtc();
    const bool ok = m_history.saveQuery(entry, knownSecrets(), error);
    m_historyPanel->refresh();
    return ok;
}

QString QueryEditor::defaultSaveName() const
{
    if (mode() == query::RequestMode::Http)
        return HistoryPanel::entryTitle(currentEntry());
    const QString chosen = m_operationName->currentText().trimmed();
    if (!chosen.isEmpty())
        return chosen;
    // A document with one operation leaves the combo box empty, because the name is not needed
    // to run it, but the name still describes the query best.
    graphql::ParseError error;
    const std::optional<graphql::Document> document = graphql::parseDocument(m_query->toPlainText().toUtf8(), &error);
    if (document) {
        for (const graphql::OperationDefinition &operation : document->operations) {
            if (!operation.name.isEmpty())
                return operation.name;
        }
    }
    return {};
}

void QueryEditor::saveQuery()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Save query"), tr("Name of the saved query:"), QLineEdit::Normal,
                                               defaultSaveName(), &ok)
                             .trimmed();
    if (!ok || name.isEmpty())
        return;
    if (m_history.savedQueryIndex(name) >= 0) {
        const auto answer = QMessageBox::question(this, tr("Replace saved query"),
                                                  tr("A saved query named \"%1\" exists already. Replace it?").arg(name),
                                                  QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes)
            return;
    }
    QString error;
    if (!saveQueryAs(name, &error)) {
        showError(error);
        return;
    }
    showInfo(tr("Saved the query \"%1\". Ctrl+H lists it with the history.").arg(name));
}

QString QueryEditor::curlCommand(bool withCredential)
{
    clearMessage();
    Prepared prepared;
    if (!prepareRequest(currentInput(), &prepared))
        return {};
    query::CurlOptions options;
    options.maskSecrets = !withCredential;
    if (!prepared.token.isEmpty())
        options.secrets.append({prepared.token, credentialLabel(prepared.credential)});
    // Tokens typed into the headers, URL or body are masked too.
    options.secrets.append({m_tokens.idToken, tr("ID token")});
    options.secrets.append({m_tokens.accessToken, tr("access token")});
    options.secrets.append({m_tokens.refreshToken, tr("refresh token")});
    options.secrets.append({m_apiToken->text().trimmed(), tr("API token")});
    const TracedRequest &request = prepared.request;
    return query::curlCommand(request.method, request.url, request.headers, request.body, options);
}

void QueryEditor::copyAsCurl()
{
    const QString command = curlCommand(false);
    if (command.isEmpty())
        return;
    QGuiApplication::clipboard()->setText(command);
    if (credential() == Credential::None)
        showInfo(tr("Copied the request as a curl command."));
    else
        showInfo(tr("Copied the request as a curl command with the credential masked, so it does not run as it is. "
                    "\"Copy as curl with the credential\" copies a command that does."));
}

void QueryEditor::copyAsCurlWithCredential()
{
    const QString command = curlCommand(true);
    if (command.isEmpty())
        return;
    m_clipboard->copySecret(command);
    showInfo(tr("Copied the request as a curl command with the credential in full. It is removed from the clipboard "
                "in %1 s.")
                 .arg(m_clipboard->clearDelay() / 1000));
}

void QueryEditor::updateOperations()
{
    graphql::ParseError error;
    const std::optional<graphql::Document> document = graphql::parseDocument(m_query->toPlainText().toUtf8(), &error);
    // While the document does not parse, the list keeps the names of the last version that did.
    if (!document)
        return;
    QStringList names;
    for (const graphql::OperationDefinition &operation : document->operations) {
        if (!operation.name.isEmpty())
            names << operation.name;
    }
    const QString current = m_operationName->currentText().trimmed();
    QString chosen = current;
    if (!names.contains(current)) {
        // Several operations need a name, and a name the document no longer has is stale.
        if (names.size() > 1 || (!current.isEmpty() && names.size() == 1))
            chosen = names.first();
        else if (names.isEmpty())
            chosen.clear();
    }
    const QSignalBlocker blocker(m_operationName);
    m_operationName->clear();
    m_operationName->addItems(names);
    m_operationName->setEditText(chosen);
    m_operationName->setToolTip(document->operations.size() > 1
                                    ? tr("The document defines %1 operations: this one is run.").arg(document->operations.size())
                                    : tr("The operation to run. Needed when the document defines several."));
}

void QueryEditor::checkVariablesSyntax()
{
    const QByteArray text = m_variables->toPlainText().toUtf8();
    QString problem;
    if (!text.trimmed().isEmpty()) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(text, &error);
        if (error.error != QJsonParseError::NoError) {
            const QString before = QString::fromUtf8(text.left(error.offset));
            const qsizetype line = before.count(QLatin1Char('\n')) + 1;
            const qsizetype column = before.size() - (before.lastIndexOf(QLatin1Char('\n')) + 1) + 1;
            problem = tr("Invalid JSON at line %1, column %2: %3.").arg(line).arg(column).arg(error.errorString());
        } else if (!document.isObject()) {
            problem = tr("The variables must be a JSON object, such as {\"first\": 10}.");
        }
    }
    QPalette pal = m_variablesStatus->palette();
    pal.setColor(QPalette::WindowText, resultColor(StepResult::Failed, palette()));
    m_variablesStatus->setPalette(pal);
    m_variablesStatus->setText(problem);
    m_variablesStatus->setVisible(!problem.isEmpty());
}

void QueryEditor::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // The diagnostics count's color follows the palette.
    if (event->type() == QEvent::PaletteChange && m_query)
        updateDiagnosticsCount(m_query->diagnostics());
}

// ---------------------------------------------------------------------------------------------
// Schema

void QueryEditor::loadSchema()
{
    if (m_schemaLoading)
        return;
    clearMessage();
    if (!m_client) {
        showError(tr("The schema was not loaded because the editor has no HTTP client."));
        return;
    }
    // The same URL, extra headers and credential as a query, with the introspection query as
    // the document. Variables and the operation field do not apply.
    query::RequestInput input = currentInput();
    input.mode = query::RequestMode::Graphql;
    input.document = graphql::introspectionQuery();
    input.operationName = QStringLiteral("IntrospectionQuery");
    input.variables.clear();
    Prepared prepared;
    if (!prepareRequest(input, &prepared))
        return;
    TracedRequest &request = prepared.request;
    request.title = tr("GraphQL schema introspection");
    request.maxResponseBytes = maxSchemaResponseBytes;

    if (Trace *trace = m_client->trace())
        trace->addSecret(prepared.token);
    if (!prepared.authorizationWarning.isEmpty())
        showWarning(prepared.authorizationWarning);

    m_schemaEndpoint = m_endpoint->text();
    setSchemaLoading(true);
    const quint64 serial = ++m_schemaSerial;
    const Credential sentCredential = prepared.credential;
    QPointer<QueryEditor> self(this);
    m_client->send(request, [self, serial, request, sentCredential](const TracedResponse &response) {
        if (!self || !self->m_schemaLoading || self->m_schemaSerial != serial)
            return;
        self->handleSchemaResponse(serial, request, response, sentCredential);
    });
    // TracedHttpClient appends the step synchronously inside send().
    m_schemaStep = m_client->trace() ? m_client->trace()->count() - 1 : -1;
}

void QueryEditor::cancelSchemaLoad()
{
    if (!m_schemaLoading)
        return;
    ++m_schemaSerial;
    setSchemaLoading(false);
    // NOTE: TracedHttpClient offers no abort, so the response still arrives and is recorded in
    // the trace, but it is not parsed.
    if (m_client && m_client->trace() && m_schemaStep >= 0) {
        m_client->trace()->update(m_schemaStep, [](TraceStep &step) {
            if (step.result == StepResult::Pending) {
                step.result = StepResult::Skipped;
                step.detail = tr("Cancelled in the query editor before the schema arrived.");
            }
        });
    }
    m_schemaStep = -1;
    showInfo(m_schema ? tr("Cancelled loading the schema. The previous schema is still in use.")
                      : tr("Cancelled loading the schema."));
}

void QueryEditor::handleSchemaResponse(quint64 serial, const TracedRequest &request, const TracedResponse &response,
                                       Credential credential)
{
    const int stepIndex = response.stepIndex;
    if (!response.networkError.isEmpty()) {
        // TracedHttpClient has already marked the step failed with this sentence.
        applySchema(serial, -1, nullptr, TracedHttpClient::describeFailure(request, response));
        return;
    }
    if (response.status == 401 || response.status == 403) {
        const QString who = credential == Credential::None ? tr("the request without a credential")
                                                           : credentialName(credential);
        QString error = response.status == 401
            ? tr("The backend rejected %1 (HTTP 401), so the schema was not loaded.").arg(who)
            : tr("The backend denied introspection to %1 (HTTP 403), so the schema was not loaded.").arg(who);
        const QString challenge = challengeNote(response.headers);
        if (!challenge.isEmpty())
            error += QLatin1Char(' ') + challenge;
        error += QLatin1Char(' ') + (response.status == 401 ? tr("Sign in again or choose another credential.")
                                                            : tr("Choose a credential that may read the schema."));
        applySchema(serial, stepIndex, nullptr, error);
        return;
    }
    if (response.status < 200 || response.status >= 300) {
        const QString reason = httpReasonPhrase(response.status);
        applySchema(serial, stepIndex, nullptr,
                    tr("The endpoint returned HTTP %1%2 to the introspection query, so the schema was not loaded. Check "
                       "the endpoint URL.")
                        .arg(response.status)
                        .arg(reason.isEmpty() ? QString() : QLatin1Char(' ') + reason));
        return;
    }

    // A large schema's response is megabytes of JSON, parsed off the UI thread.
    auto job = std::make_shared<SchemaJob>();
    job->editor = this;
    job->serial = serial;
    job->stepIndex = stepIndex;
    job->body = response.body;
    QThreadPool::globalInstance()->start([job] {
        QString error;
        std::optional<graphql::Schema> schema = graphql::Schema::fromIntrospection(job->body, &error);
        if (schema)
            job->schema = std::make_shared<const graphql::Schema>(std::move(*schema));
        job->error = error;
        job->body.clear();
        QCoreApplication *app = QCoreApplication::instance();
        if (!app)
            return;
        QMetaObject::invokeMethod(app, [job] {
            if (job->editor)
                job->editor->applySchema(job->serial, job->stepIndex, job->schema, job->error);
        }, Qt::QueuedConnection);
    });
}

void QueryEditor::applySchema(quint64 serial, int stepIndex, std::shared_ptr<const graphql::Schema> schema, const QString &error)
{
    if (!m_schemaLoading || serial != m_schemaSerial)
        return;
    setSchemaLoading(false);
    m_schemaStep = -1;
    Trace *trace = m_client ? m_client->trace() : nullptr;

    if (!schema) {
        const QString message = error.isEmpty() ? tr("The response is not a GraphQL schema.") : error;
        Verdict verdict;
        verdict.result = StepResult::Failed;
        verdict.detail = message;
        recordVerdict(trace, stepIndex, verdict);
        showError(m_schema ? message + QLatin1Char(' ') + tr("The previous schema is still in use.") : message);
        updateDiagnosticsCount(m_query->diagnostics());
        Q_EMIT schemaLoadFinished(false);
        return;
    }

    const qsizetype typeCount = schema->types().size();
    Verdict verdict;
    verdict.detail = tr("HTTP 200: the schema has %n types.", nullptr, int(typeCount));
    recordVerdict(trace, stepIndex, verdict);
    setSchema(std::move(schema));
    showInfo(tr("Loaded the schema: %n types. Ctrl+Space completes, F1 shows the documentation.", nullptr, int(typeCount)));
    Q_EMIT schemaLoadFinished(true);
}

void QueryEditor::setSchema(std::shared_ptr<const graphql::Schema> schema)
{
    m_schema = std::move(schema);
    m_query->setSchema(m_schema);
    if (m_docExplorer)
        m_docExplorer->setSchema(m_schema);
    updateSchemaStatus();
}

void QueryEditor::clearSchema()
{
    if (m_schemaLoading) {
        ++m_schemaSerial;
        setSchemaLoading(false);
        if (m_client && m_client->trace() && m_schemaStep >= 0) {
            m_client->trace()->update(m_schemaStep, [](TraceStep &step) {
                if (step.result == StepResult::Pending) {
                    step.result = StepResult::Skipped;
                    step.detail = tr("The endpoint or profile changed before the schema arrived.");
                }
            });
        }
        m_schemaStep = -1;
    }
    m_schemaAutoLoadTried = false;
    m_schemaEndpoint.clear();
    if (m_schema)
        setSchema(nullptr);
}

void QueryEditor::setSchemaLoading(bool loading)
{
    m_schemaLoading = loading;
    m_loadSchemaButton->setEnabled(!loading);
    m_cancel->setVisible(m_running || loading);
    m_busy->setVisible(m_running || loading);
    updateSchemaStatus();
}

void QueryEditor::updateSchemaStatus()
{
    if (m_schemaLoading)
        m_schemaStatus->setText(tr("Loading the schema…"));
    else if (m_schema)
        m_schemaStatus->setText(tr("Schema of %n types", nullptr, int(m_schema->types().size())));
    else
        m_schemaStatus->setText(tr("No schema"));
    m_schemaStatus->setToolTip(m_schema ? tr("Loaded from %1").arg(m_schemaEndpoint) : QString());
}

void QueryEditor::updateDiagnosticsCount(const QList<graphql::Diagnostic> &diagnostics)
{
    qsizetype errors = 0;
    for (const graphql::Diagnostic &diagnostic : diagnostics) {
        if (diagnostic.severity == graphql::Diagnostic::Severity::Error)
            ++errors;
    }
    const qsizetype warnings = diagnostics.size() - errors;
    QStringList parts;
    if (errors > 0)
        parts << (errors == 1 ? tr("1 error") : tr("%1 errors").arg(errors));
    if (warnings > 0)
        parts << (warnings == 1 ? tr("1 warning") : tr("%1 warnings").arg(warnings));
    m_diagnosticsButton->setText(parts.join(QStringLiteral(", ")));
    QPalette pal = palette();
    pal.setColor(QPalette::ButtonText, resultColor(errors > 0 ? StepResult::Failed : StepResult::Warning, palette()));
    m_diagnosticsButton->setPalette(pal);
    m_diagnosticsButton->setVisible(!parts.isEmpty() && mode() == query::RequestMode::Graphql);
    if (!diagnostics.isEmpty())
        m_diagnosticsButton->setToolTip(diagnostics.first().message + QStringLiteral("\n\n")
                                        + tr("Click to go to the first problem."));

    // A problem the user went to and then fixed must not stay in the message line.
    if (!m_shownDiagnostic.isEmpty()) {
        const bool stillThere = std::any_of(diagnostics.cbegin(), diagnostics.cend(), [this](const graphql::Diagnostic &d) {
            return d.message == m_shownDiagnostic;
        });
        if (!stillThere) {
            if (m_message->text() == m_shownDiagnostic)
                clearMessage();
            m_shownDiagnostic.clear();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Documentation

void QueryEditor::ensureDocExplorer()
{
    if (m_docExplorer)
        return;
    m_docExplorer = new DocExplorer(this);
    m_docExplorer->setObjectName(QStringLiteral("docExplorer"));
    m_docExplorer->setPlaceholderText(tr("No schema is loaded. Press \"Load schema\" (Ctrl+Shift+I) to read the "
                                         "endpoint's types and their documentation."));
    m_docExplorer->setMinimumWidth(docExplorerWidth / 2);
    m_docExplorer->setSchema(m_schema);
    m_docExplorer->setVisible(false);
    m_historySplitter->addWidget(m_docExplorer);
    m_historySplitter->setStretchFactor(2, 0);
}

bool QueryEditor::isDocumentationVisible() const
{
    return m_docExplorer && m_docExplorer->isVisible();
}

void QueryEditor::setDocumentationVisible(bool visible)
{
    if (!visible && !m_docExplorer)
        return;
    const bool created = !m_docExplorer;
    ensureDocExplorer();
    const bool opening = visible && !m_docExplorer->isVisible();
    m_docExplorer->setVisible(visible);
    if (opening && (created || m_historySplitter->sizes().value(2) < m_docExplorer->minimumWidth())) {
        // A panel shown for the first time would get whatever width the splitter had left for it.
        // The splitter sizes a newly shown child when it processes the show, so the sizes are set
        // after that.
        QTimer::singleShot(0, this, [this] {
            if (!isDocumentationVisible())
                return;
            const QList<int> sizes = m_historySplitter->sizes();
            const int history = m_historyPanel->isVisible() ? sizes.value(0) : 0;
            const int total = sizes.value(0) + sizes.value(1) + sizes.value(2);
            // The request area keeps its minimum width: in a narrow window the documentation
            // gets less than its preferred width, down to its own minimum.
            const int requestMinimum = m_historySplitter->widget(1)->minimumSizeHint().width();
            const int docs = std::max(m_docExplorer->minimumWidth(), std::min(docExplorerWidth, total - history - requestMinimum));
            m_historySplitter->setSizes({history, std::max(requestMinimum, total - history - docs), docs});
        });
    }
    {
        const QSignalBlocker blocker(m_docsButton);
        m_docsButton->setChecked(visible);
    }
    // Opening the documentation without a schema loads it once, as Ctrl+Space does.
    if (opening && !m_schema && !m_schemaLoading && !m_schemaAutoLoadTried && m_client) {
        m_schemaAutoLoadTried = true;
        loadSchema();
    }
}

void QueryEditor::showDocumentation(const graphql::SchemaReference &reference)
{
    setDocumentationVisible(true);
    m_docExplorer->showReference(reference);
}

} // namespace afx::gui

