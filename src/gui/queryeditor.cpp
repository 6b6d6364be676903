#include "gui/queryeditor.h"

#include "flow/trace.h"
#include "gui/diagramwidget.h"
#include "gui/responseview.h"
#include "http/httpstatus.h"
#include "gui/tokenpanel.h"
#include "http/graphqlrequest.h"
#include "http/tracedhttpclient.h"
#include "jose/jws.h"

#include <QComboBox>
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
#include <QSet>
#include <QShortcut>
#include <QSplitter>
#include <QSyntaxHighlighter>
#include <QTabWidget>
#include <QTextCursor>
#include <QVBoxLayout>

namespace afx::gui {

namespace {

constexpr int requestTimeoutMs = 30000;
// GraphQL responses of tens of megabytes are legitimate (large lists), and the response view
// formats them off the UI thread, so the limit is well above TracedHttpClient's default.
constexpr qsizetype maxResponseBytes = 64 * 1024 * 1024;

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}


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
Verdict judgeResponse(const TracedResponse &response, const QStringList &graphqlErrors)
{
    const int status = response.status;
    const bool success = status >= 200 && status < 300;
    const QString prefix = QueryEditor::tr("HTTP %1").arg(status);
    Verdict verdict;
    if (success && graphqlErrors.isEmpty()) {
        verdict.detail = QueryEditor::tr("%1: the backend answered the query.").arg(prefix);
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

} // namespace

struct QueryEditor::PendingResponse {
    TracedRequest request;
    TracedResponse response;
    QString credentialNote;
};

// Highlights GraphQL line by line: keywords, names, type names, variables, directives,
// strings (block strings may span lines), numbers and comments.
class GraphqlHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
public:
    explicit GraphqlHighlighter(QTextDocument *document)
        : QSyntaxHighlighter(document)
    {
    }

    void setPalette(const QPalette &palette)
    {
        const bool dark = isDark(palette);
        const auto format = [](const QColor &color, bool bold = false, bool italic = false) {
            QTextCharFormat f;
            f.setForeground(color);
            if (bold)
                f.setFontWeight(QFont::Bold);
            f.setFontItalic(italic);
            return f;
        };
        m_keyword = format(dark ? QColor(0xc6, 0x92, 0xea) : QColor(0x7b, 0x1f, 0xa2), true);
        m_name = format(dark ? QColor(0x82, 0xaa, 0xff) : QColor(0x1a, 0x4f, 0x9c));
        m_typeName = format(dark ? QColor(0xff, 0xcb, 0x6b) : QColor(0x8a, 0x4b, 0x00));
        m_variable = format(dark ? QColor(0xf7, 0x8c, 0x6c) : QColor(0xb7, 0x1c, 0x1c));
        m_directive = format(dark ? QColor(0x89, 0xdd, 0xff) : QColor(0x00, 0x69, 0x7c));
        m_string = format(dark ? QColor(0xc3, 0xe8, 0x8d) : QColor(0x2e, 0x7d, 0x32));
        m_number = format(dark ? QColor(0xf7, 0x8c, 0x6c) : QColor(0xa6, 0x3d, 0x00));
        m_comment = format(palette.color(QPalette::PlaceholderText), false, true);
        rehighlight();
    }

protected:
    void highlightBlock(const QString &text) override
    {
        static const QSet<QString> keywords{
            QStringLiteral("query"),     QStringLiteral("mutation"),  QStringLiteral("subscription"),
            QStringLiteral("fragment"),  QStringLiteral("on"),        QStringLiteral("true"),
            QStringLiteral("false"),     QStringLiteral("null"),      QStringLiteral("schema"),
            QStringLiteral("type"),      QStringLiteral("interface"), QStringLiteral("union"),
            QStringLiteral("enum"),      QStringLiteral("input"),     QStringLiteral("scalar"),
            QStringLiteral("extend"),    QStringLiteral("directive"), QStringLiteral("implements"),
            QStringLiteral("repeatable")};
        constexpr int insideBlockString = 1;
        const qsizetype size = text.size();
        qsizetype pos = 0;
        setCurrentBlockState(0);

        const auto isNameStart = [](QChar c) { return c == QLatin1Char('_') || (c.unicode() < 128 && c.isLetter()); };
        const auto isNameChar = [](QChar c) { return c == QLatin1Char('_') || (c.unicode() < 128 && c.isLetterOrNumber()); };
        const auto nameEnd = [&](qsizetype from) {
            while (from < size && isNameChar(text.at(from)))
                ++from;
            return from;
        };
        const auto apply = [this](qsizetype start, qsizetype end, const QTextCharFormat &format) {
            setFormat(int(start), int(end - start), format);
        };
        // Finds the closing """ from `from`. Returns the end of the line, and marks the block as
        // inside a block string, when the closing quotes are not on this line.
        const auto closeBlockString = [&](qsizetype from) {
            while (from < size) {
                const qsizetype quote = text.indexOf(QStringLiteral("\"\"\""), from);
                if (quote < 0)
                    break;
                if (quote > 0 && text.at(quote - 1) == QLatin1Char('\\')) {
                    from = quote + 3;
                    continue;
                }
                return quote + 3;
            }
            setCurrentBlockState(insideBlockString);
            return size;
        };

        if (previousBlockState() == insideBlockString) {
            pos = closeBlockString(0);
            apply(0, pos, m_string);
        }

        while (pos < size) {
            const QChar c = text.at(pos);
            if (c == QLatin1Char('#')) {
                apply(pos, size, m_comment);
                return;
            }
            if (text.mid(pos, 3) == QLatin1String("\"\"\"")) {
                const qsizetype end = closeBlockString(pos + 3);
                apply(pos, end, m_string);
                pos = end;
                continue;
            }
            if (c == QLatin1Char('"')) {
                qsizetype end = pos + 1;
                while (end < size && text.at(end) != QLatin1Char('"')) {
                    if (text.at(end) == QLatin1Char('\\'))
                        ++end;
                    ++end;
                }
                end = qMin(end + 1, size);
                apply(pos, end, m_string);
                pos = end;
                continue;
            }
            if ((c == QLatin1Char('$') || c == QLatin1Char('@')) && pos + 1 < size && isNameStart(text.at(pos + 1))) {
                const qsizetype end = nameEnd(pos + 1);
                apply(pos, end, c == QLatin1Char('$') ? m_variable : m_directive);
                pos = end;
                continue;
            }
            if (isNameStart(c)) {
                const qsizetype end = nameEnd(pos);
                const QString word = text.mid(pos, end - pos);
                if (keywords.contains(word))
                    apply(pos, end, m_keyword);
                else if (c.isUpper())
                    apply(pos, end, m_typeName);
                else
                    apply(pos, end, m_name);
                pos = end;
                continue;
            }
            if (c.isDigit() || (c == QLatin1Char('-') && pos + 1 < size && text.at(pos + 1).isDigit())) {
                qsizetype end = pos + 1;
                while (end < size && (text.at(end).isDigit() || text.at(end) == QLatin1Char('.')
                                      || text.at(end) == QLatin1Char('e') || text.at(end) == QLatin1Char('E')
                                      || ((text.at(end) == QLatin1Char('+') || text.at(end) == QLatin1Char('-'))
                                          && (text.at(end - 1) == QLatin1Char('e') || text.at(end - 1) == QLatin1Char('E')))))
                    ++end;
                apply(pos, end, m_number);
                pos = end;
                continue;
            }
            ++pos;
        }
    }

private:
    QTextCharFormat m_keyword;
    QTextCharFormat m_name;
    QTextCharFormat m_typeName;
    QTextCharFormat m_variable;
    QTextCharFormat m_directive;
    QTextCharFormat m_string;
    QTextCharFormat m_number;
    QTextCharFormat m_comment;
};

QueryEditor::QueryEditor(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("queryEditor"));
    m_apiTokenDebounce.setSingleShot(true);
    m_apiTokenDebounce.setInterval(1000);
    connect(&m_apiTokenDebounce, &QTimer::timeout, this, &QueryEditor::flushApiToken);
    buildUi();
    updateCredentialRow();
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
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);

    m_endpoint = new QLineEdit(this);
    m_endpoint->setObjectName(QStringLiteral("endpoint"));
    m_endpoint->setPlaceholderText(QStringLiteral("https://api.example.com/graphql"));
    m_endpoint->setClearButtonEnabled(true);

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
    form->addRow(tr("&Endpoint:"), m_endpoint);
    auto *credentialLabel = new QLabel(tr("C&redential:"), this);
    credentialLabel->setBuddy(m_credential);
    form->addRow(credentialLabel, credentialRow);

    // Query on the left, variables and headers on the right.
    m_query = new QPlainTextEdit(this);
    m_query->setObjectName(QStringLiteral("query"));
    m_query->setFont(fixed);
    m_query->setPlaceholderText(QStringLiteral("query {\n  me { id name }\n}"));
    m_query->setTabStopDistance(m_query->fontMetrics().horizontalAdvance(QLatin1Char(' ')) * 2);
    m_query->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_highlighter = new GraphqlHighlighter(m_query->document());
    m_highlighter->setPalette(palette());
    m_operationName = new QLineEdit(this);
    m_operationName->setObjectName(QStringLiteral("operationName"));
    m_operationName->setPlaceholderText(tr("needed when the query defines several operations"));
    auto *queryBox = new QWidget(this);
    auto *queryLayout = new QVBoxLayout(queryBox);
    queryLayout->setContentsMargins(0, 0, 0, 0);
    queryLayout->addWidget(new QLabel(tr("<b>Query</b>"), queryBox));
    queryLayout->addWidget(m_query, 1);
    auto *operationRow = new QHBoxLayout;
    auto *operationLabel = new QLabel(tr("&Operation name:"), queryBox);
    operationLabel->setBuddy(m_operationName);
    operationRow->addWidget(operationLabel);
    operationRow->addWidget(m_operationName, 1);
    queryLayout->addLayout(operationRow);

    m_variables = new QPlainTextEdit(this);
    m_variables->setObjectName(QStringLiteral("variables"));
    m_variables->setFont(fixed);
    m_variables->setPlaceholderText(tr("A JSON object, such as\n{\"first\": 10}"));
    m_variables->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_headers = new QPlainTextEdit(this);
    m_headers->setObjectName(QStringLiteral("headers"));
    m_headers->setFont(fixed);
    m_headers->setPlaceholderText(tr("Extra headers, one per line, such as\nX-Request-Id: 42"));
    m_headers->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_inputTabs = new QTabWidget(this);
    m_inputTabs->setDocumentMode(true);
    m_inputTabs->addTab(m_variables, tr("&Variables"));
    m_inputTabs->addTab(m_headers, tr("&Headers"));

    auto *inputSplitter = new QSplitter(Qt::Horizontal, this);
    inputSplitter->setChildrenCollapsible(false);
    inputSplitter->addWidget(queryBox);
    inputSplitter->addWidget(m_inputTabs);
    inputSplitter->setStretchFactor(0, 3);
    inputSplitter->setStretchFactor(1, 2);

    m_send = new QPushButton(tr("Send"), this);
    m_send->setObjectName(QStringLiteral("send"));
    m_send->setToolTip(tr("Send (Ctrl+Enter)"));
    m_send->setDefault(true);
    connect(m_send, &QPushButton::clicked, this, &QueryEditor::send);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancel"));
    m_cancel->setToolTip(tr("Stop waiting for the response"));
    connect(m_cancel, &QPushButton::clicked, this, &QueryEditor::cancel);
    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("busy"));
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setMaximumWidth(120);
    m_busy->setAccessibleName(tr("Waiting for the response"));
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setVisible(false);

    auto *sendRow = new QHBoxLayout;
    sendRow->addWidget(m_send);
    sendRow->addWidget(m_cancel);
    sendRow->addWidget(m_busy);
    sendRow->addWidget(m_message, 1);
    sendRow->addStretch(0); // keeps the buttons at their size while no message is shown

    for (const QKeySequence &keys : {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *shortcut = new QShortcut(keys, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, &QueryEditor::send);
    }

    auto *requestPane = new QWidget(this);
    auto *requestLayout = new QVBoxLayout(requestPane);
    requestLayout->setContentsMargins(0, 0, 0, 0);
    requestLayout->addLayout(form);
    requestLayout->addWidget(inputSplitter, 1);
    requestLayout->addLayout(sendRow);

    // The response below.
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("responseStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont statusFont = m_status->font();
    statusFont.setBold(true);
    m_status->setFont(statusFont);
    m_credentialNote = new QLabel(this);
    m_credentialNote->setObjectName(QStringLiteral("credentialNote"));
    m_credentialNote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_credentialNote->setWordWrap(true);
    m_responseView = new ResponseView(this);
    m_responseView->setObjectName(QStringLiteral("responseView"));
    connect(m_responseView, &ResponseView::shown, this, &QueryEditor::finishResponse);
    auto *responsePane = new QWidget(this);
    auto *responseLayout = new QVBoxLayout(responsePane);
    responseLayout->setContentsMargins(0, 0, 0, 0);
    responseLayout->addWidget(m_status);
    responseLayout->addWidget(m_credentialNote);
    responseLayout->addWidget(m_responseView, 1);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(requestPane);
    splitter->addWidget(responsePane);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);
}

void QueryEditor::setHttpClient(TracedHttpClient *client)
{
    m_client = client;
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
    m_cancel->setVisible(running);
    m_busy->setVisible(running);
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

    QUrl url;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> extraHeaders;
    QString headerWarning;
    QString token;
    if (!readEndpoint(&url) || !readBody(&body) || !readHeaders(&extraHeaders, &headerWarning)
        || !readCredential(!headerWarning.isEmpty(), &token))
        return;
    if (!m_client) {
        showError(tr("Nothing was sent because the editor has no HTTP client."));
        return;
    }

    TracedRequest request;
    request.method = QStringLiteral("POST");
    request.url = url;
    request.headers = requestHeaders(token, extraHeaders);
    request.body = body;
    request.from = Trace::App;
    request.to = Trace::Backend;
    request.title = QStringLiteral("POST ") + (url.path().isEmpty() ? QStringLiteral("/") : url.path());
    request.explanationKey = QStringLiteral("api-request");
    request.timeoutMs = requestTimeoutMs;
    request.maxResponseBytes = maxResponseBytes;

    // Registered before sending, so the step is masked from the moment it appears.
    if (Trace *trace = m_client->trace()) {
        trace->addSecret(token);
        for (const auto &[name, value] : std::as_const(extraHeaders)) {
            if (name.compare("Authorization", Qt::CaseInsensitive) != 0)
                continue;
            const QString credentials = QString::fromUtf8(value);
            trace->addSecret(credentials);
            trace->addSecret(credentials.section(QLatin1Char(' '), 1).trimmed());
        }
    }

    if (!headerWarning.isEmpty())
        showWarning(headerWarning);
    const QString note = headerWarning.isEmpty() ? describeCredential(credential(), token)
                                                 : tr("Sent the Authorization header from the extra headers.");

    if (m_pendingResponse)
        finishSupersededResponse();
    m_responseView->clear();
    m_credentialNote->clear();
    m_status->setPalette(palette());
    m_status->setText(tr("Sending…"));
    setRunning(true);

    const quint64 serial = ++m_requestSerial;
    QPointer<QueryEditor> self(this);
    m_client->send(request, [self, serial, request, note](const TracedResponse &response) {
        if (!self || !self->m_running || self->m_requestSerial != serial)
            return;
        self->handleResponse(request, response, note);
    });
    // TracedHttpClient appends the step synchronously inside send().
    m_runningStep = m_client->trace() ? m_client->trace()->count() - 1 : -1;
}

bool QueryEditor::readEndpoint(QUrl *url)
{
    const QString text = m_endpoint->text().trimmed();
    if (text.isEmpty()) {
        showError(tr("The endpoint is missing. Enter the GraphQL URL of the backend, such as "
                     "http://127.0.0.1:4000/graphql."));
        m_endpoint->setFocus();
        return false;
    }
    *url = QUrl(text, QUrl::StrictMode);
    if (!url->isValid() || (url->scheme() != QLatin1String("http") && url->scheme() != QLatin1String("https"))
        || url->host().isEmpty()) {
        showError(tr("The endpoint \"%1\" is not a valid http or https URL. Enter a URL such as "
                     "https://api.example.com/graphql.")
                      .arg(text));
        m_endpoint->setFocus();
        return false;
    }
    return true;
}

bool QueryEditor::readBody(QByteArray *body)
{
    QString error;
    if (buildGraphqlBody(m_query->toPlainText(), m_variables->toPlainText(), m_operationName->text(), body, &error))
        return true;

    showError(error);
    const QByteArray variables = m_variables->toPlainText().toUtf8();
    QJsonParseError parseError;
    QJsonDocument::fromJson(variables, &parseError);
    if (m_query->toPlainText().trimmed().isEmpty()) {
        m_query->setFocus();
    } else if (!variables.trimmed().isEmpty() && parseError.error != QJsonParseError::NoError) {
        // Put the cursor where the JSON parser stopped; the text itself stays as typed.
        m_inputTabs->setCurrentWidget(m_variables);
        QTextCursor cursor = m_variables->textCursor();
        cursor.setPosition(int(QString::fromUtf8(variables.left(parseError.offset)).size()));
        m_variables->setTextCursor(cursor);
        m_variables->setFocus();
    }
    return false;
}

bool QueryEditor::readHeaders(QList<QPair<QByteArray, QByteArray>> *headers, QString *warning)
{
    QString error;
    if (parseHeaderLines(m_headers->toPlainText(), headers, &error, warning))
        return true;
    showError(error);
    m_inputTabs->setCurrentWidget(m_headers);
    m_headers->setFocus();
    return false;
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

QList<QPair<QByteArray, QByteArray>> QueryEditor::requestHeaders(const QString &token,
                                                                 const QList<QPair<QByteArray, QByteArray>> &extraHeaders)
{
    QList<QPair<QByteArray, QByteArray>> headers{
        {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
        {QByteArrayLiteral("Accept"), QByteArrayLiteral("application/graphql-response+json, application/json")},
    };
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
    if (credential == Credential::None || token.isEmpty())
        return tr("Sent without a credential.");

    const QString name = credentialName(credential);
    const QByteArray raw = token.toUtf8();
    switch (jose::classifyToken(raw)) {
    case jose::TokenFormat::Jwe:
        return tr("Sent %1, an encrypted JWT (%2 chars).").arg(name).arg(token.size());
    case jose::TokenFormat::Opaque:
        return tr("Sent %1, an opaque token (%2 chars).").arg(name).arg(token.size());
    case jose::TokenFormat::Jws:
        break;
    }
    QString error;
    const std::optional<jose::CompactJws> jws = jose::CompactJws::parse(raw, &error);
    if (!jws)
        return tr("Sent %1, a JWT that cannot be decoded: %2").arg(name, error);

    QStringList parts{tr("Sent %1").arg(name)};
    const QString sub = jws->claims.value(QStringLiteral("sub")).toString();
    if (!sub.isEmpty())
        parts << tr("sub %1").arg(sub);
    const QJsonValue aud = jws->claims.value(QStringLiteral("aud"));
    if (aud.isString()) {
        parts << tr("aud %1").arg(aud.toString());
    } else if (aud.isArray()) {
        QStringList audiences;
        for (const QJsonValue &value : aud.toArray())
            audiences << value.toString();
        parts << tr("aud %1").arg(audiences.join(QStringLiteral(", ")));
    }
    const QJsonValue exp = jws->claims.value(QStringLiteral("exp"));
    if (exp.isDouble()) {
        const QDateTime expires = QDateTime::fromSecsSinceEpoch(qint64(exp.toDouble()), Qt::UTC);
        const qint64 left = QDateTime::currentDateTimeUtc().secsTo(expires);
        parts << tr("exp %1 (%2)")
                     .arg(expires.toLocalTime().toString(QStringLiteral("HH:mm:ss")),
                          left > 0 ? tr("in %1").arg(formatDuration(left)) : tr("expired %1 ago").arg(formatDuration(left)));
    }
    return parts.join(QStringLiteral(" · "));
}

void QueryEditor::handleResponse(const TracedRequest &request, const TracedResponse &response, const QString &credentialNote)
{
    setRunning(false);
    m_runningStep = -1;
    m_credentialNote->setText(credentialNote);

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

    // The status line, message and step result wait for the GraphQL errors, which the response
    // view reads while it formats the body off the UI thread.
    m_pendingResponse = std::make_unique<PendingResponse>(PendingResponse{request, response, credentialNote});
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
    const QStringList graphqlErrors = m_responseView->graphqlErrors();
    const Verdict verdict = judgeResponse(response, graphqlErrors);

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
    Q_EMIT requestFinished(response.status);
}

void QueryEditor::finishSupersededResponse()
{
    const std::unique_ptr<PendingResponse> pending = std::move(m_pendingResponse);
    Verdict verdict = judgeResponse(pending->response, {});
    if (verdict.result == StepResult::Ok)
        verdict.detail += tr(" A newer request replaced the response before it was checked for GraphQL errors.");
    recordVerdict(m_client ? m_client->trace() : nullptr, pending->response.stepIndex, verdict);
    Q_EMIT requestFinished(pending->response.status);
}

void QueryEditor::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_highlighter)
        m_highlighter->setPalette(palette());
}

} // namespace afx::gui

#include "queryeditor.moc"
