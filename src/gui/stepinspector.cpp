#include "gui/stepinspector.h"

#include "gui/diagramwidget.h"
#include "http/httpstatus.h"

#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QLabel>
#include <QLoggingCategory>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStringDecoder>
#include <QUrl>
#include <QVBoxLayout>

// Q_INIT_RESOURCE must be used outside any namespace. afx_gui is a static library, so its
// compiled resources are linked only when something refers to them.
static void initGuiResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace afx::gui {

Q_LOGGING_CATEGORY(lcInspector, "afx.gui.inspector")

namespace {

// Maximum number of characters shown in a message view. Longer texts are cut after masking, so a cut never
// splits a secret before the mask has seen it whole. Copy still copies the whole text.
constexpr qsizetype maxShownChars = 256 * 1024;

const QHash<QString, Explanation> &loadedExplanations()
{
    static const QHash<QString, Explanation> explanations = [] {
        initGuiResources();
        QFile file(QStringLiteral(":/explanations.json"));
        if (!file.open(QIODevice::ReadOnly)) {
            qCWarning(lcInspector) << "Explanation texts not found in the resources:" << file.errorString();
            return QHash<QString, Explanation>{};
        }
        QString error;
        auto parsed = StepInspector::parseExplanations(file.readAll(), &error);
        if (!error.isEmpty())
            qCWarning(lcInspector).noquote() << "Explanation texts:" << error;
        return parsed;
    }();
    return explanations;
}

QString headerValue(const HttpMessage &message, const QString &name)
{
    for (const auto &header : message.headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

// Returns the body as readable text: pretty-printed JSON, UTF-8 text, or a note for binary data.
QString formatBody(const HttpMessage &message)
{
    const QByteArray &body = message.body;
    if (body.isEmpty())
        return {};

    const QByteArray trimmed = body.trimmed();
    const bool looksLikeJson = headerValue(message, QStringLiteral("Content-Type")).contains(QLatin1String("json"), Qt::CaseInsensitive)
                               || trimmed.startsWith('{') || trimmed.startsWith('[');
    if (looksLikeJson) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(body, &error);
        // NOTE: QJsonDocument stores numbers as double, so integers beyond 2^53 lose digits here.
        if (error.error == QJsonParseError::NoError && !document.isNull())
            return QString::fromUtf8(document.toJson(QJsonDocument::Indented)).trimmed();
    }

    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(body);
    if (decoder.hasError() || body.contains('\0'))
        return body.size() == 1 ? StepInspector::tr("(1 byte of binary data, not shown)")
                                : StepInspector::tr("(%1 bytes of binary data, not shown)").arg(body.size());
    return text;
}

QString resultDisplayName(StepResult result)
{
    switch (result) {
    case StepResult::Pending: return StepInspector::tr("Pending");
    case StepResult::Ok: return StepInspector::tr("Ok");
    case StepResult::Warning: return StepInspector::tr("Warning");
    case StepResult::Failed: return StepInspector::tr("Failed");
    case StepResult::Skipped: return StepInspector::tr("Skipped");
    }
    return {};
}

QString channelDisplayName(Channel channel)
{
    switch (channel) {
    case Channel::Front: return StepInspector::tr("front channel, through the browser");
    case Channel::Back: return StepInspector::tr("back channel, direct HTTP");
    case Channel::Local: return StepInspector::tr("local step, no network");
    }
    return {};
}

QLabel *makeWrappingLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    // Texts come from servers and flows, so they are never interpreted as rich text.
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QPlainTextEdit *makeMessageView(const QString &objectName, const QString &accessibleName, QWidget *parent)
{
    auto *view = new QPlainTextEdit(parent);
    view->setObjectName(objectName);
    view->setAccessibleName(accessibleName);
    view->setReadOnly(true);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    view->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    // About six lines, so a message stays readable when the explanation above it is long. The
    // inspector's scroll area takes what does not fit.
    view->setMinimumHeight(QFontMetrics(view->font()).lineSpacing() * 6 + 2 * view->frameWidth() + 8);
    return view;
}

void setTextIfChanged(QPlainTextEdit *view, const QString &text)
{
    // Rewriting the same text would scroll the view back to the top on every live update.
    if (view->toPlainText() != text)
        view->setPlainText(text);
}

} // namespace

StepInspector::StepInspector(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("stepInspector"));
    setAccessibleName(tr("Step inspector"));

    auto *root = new QVBoxLayout(this);
    root->setContentsMargins(8, 8, 8, 8);

    m_placeholder = new QLabel(tr("Select a step in the diagram to see what was sent and why."), this);
    m_placeholder->setObjectName(QStringLiteral("stepPlaceholder"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    // The placeholder is on screen at start-up, and a word-wrapped label lays its text out on
    // every heightForWidth() call: about 3 million instructions before the first frame. Its
    // short text needs no height-for-width, so the label computes its size hint once.
    QSizePolicy placeholderPolicy = m_placeholder->sizePolicy();
    placeholderPolicy.setHeightForWidth(false);
    m_placeholder->setSizePolicy(placeholderPolicy);
    m_placeholder->setForegroundRole(QPalette::PlaceholderText);
    root->addWidget(m_placeholder, 1);

    refresh();
}

void StepInspector::ensureContent()
{
    if (m_content)
        return;
    // Built when the first step is shown rather than in the constructor: the inspector is on
    // screen at start-up, and these widgets cost about 3 million instructions before the
    // window's first frame while only the placeholder is visible.
    auto *root = static_cast<QVBoxLayout *>(layout());
    // The step's texts get the height they need to be read in full, and the whole content
    // scrolls when the inspector is shorter than the texts and the two message views.
    m_contentScroll = new QScrollArea(this);
    m_contentScroll->setObjectName(QStringLiteral("inspectorScroll"));
    m_contentScroll->setFrameShape(QFrame::NoFrame);
    m_contentScroll->setWidgetResizable(true);
    m_contentScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    root->addWidget(m_contentScroll, 1);
    m_content = new QWidget(m_contentScroll);
    m_contentScroll->setWidget(m_content);
    auto *layout = new QVBoxLayout(m_content);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);

    auto *titleRow = new QHBoxLayout;
    m_title = makeWrappingLabel(QStringLiteral("stepTitle"), m_content);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_title->setFont(titleFont);
    titleRow->addWidget(m_title, 1);
    m_reveal = new QPushButton(tr("Reveal secrets"), m_content);
    m_reveal->setObjectName(QStringLiteral("revealSecrets"));
    m_reveal->setCheckable(true);
    m_reveal->setToolTip(tr("Show the raw codes, tokens and secrets of this step. "
                            "They are hidden again when another step is shown."));
    titleRow->addWidget(m_reveal, 0, Qt::AlignTop);
    layout->addLayout(titleRow);

    buildOverview();
    layout->addWidget(m_overview);

    m_splitter = new QSplitter(Qt::Vertical, m_content);
    m_splitter->setObjectName(QStringLiteral("inspectorSplitter"));
    m_splitter->setChildrenCollapsible(false);
    layout->addWidget(m_splitter, 1);
    // Takes the spare height while the splitter is hidden, for a step without HTTP messages, so
    // the texts stay at the top.
    layout->addStretch(0);

    m_requestBox = buildMessageBox(tr("Request"), QStringLiteral("requestView"), QStringLiteral("copyRequest"),
                                   &m_requestView);
    m_responseBox = buildMessageBox(tr("Response"), QStringLiteral("responseView"), QStringLiteral("copyResponse"),
                                    &m_responseView);

    connect(m_reveal, &QPushButton::toggled, this, &StepInspector::refresh);
    connect(m_reveal, &QPushButton::toggled, this, [this](bool revealed) {
        m_reveal->setText(revealed ? tr("Hide secrets") : tr("Reveal secrets"));
    });
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] { m_userSizedSplitter = true; });

}

void StepInspector::buildOverview()
{
    m_overview = new QWidget(m_content);
    m_overview->setObjectName(QStringLiteral("stepOverview"));

    auto *layout = new QVBoxLayout(m_overview);
    layout->setContentsMargins(0, 0, 0, 4);
    layout->setSpacing(6);

    m_summary = makeWrappingLabel(QStringLiteral("stepSummary"), m_overview);
    layout->addWidget(m_summary);

    auto *statusRow = new QHBoxLayout;
    m_result = new QLabel(m_overview);
    m_result->setObjectName(QStringLiteral("stepResult"));
    m_result->setTextFormat(Qt::PlainText);
    QFont resultFont = m_result->font();
    resultFont.setBold(true);
    m_result->setFont(resultFont);
    // Wide enough for the longest result name, so the wrapping timing label beside it cannot
    // squeeze it.
    m_result->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);
    m_result->setMinimumWidth(QFontMetrics(resultFont).horizontalAdvance(QStringLiteral("Warning ")));
    statusRow->addWidget(m_result, 0, Qt::AlignTop);
    m_timing = makeWrappingLabel(QStringLiteral("stepTiming"), m_overview);
    statusRow->addWidget(m_timing, 1);
    layout->addLayout(statusRow);

    m_detail = makeWrappingLabel(QStringLiteral("stepDetail"), m_overview);
    layout->addWidget(m_detail);

    m_explanationBox = new QFrame(m_overview);
    m_explanationBox->setObjectName(QStringLiteral("explanationBox"));
    m_explanationBox->setFrameShape(QFrame::StyledPanel);
    m_explanationBox->setBackgroundRole(QPalette::AlternateBase);
    m_explanationBox->setAutoFillBackground(true);
    auto *explanationLayout = new QVBoxLayout(m_explanationBox);
    explanationLayout->setContentsMargins(8, 6, 8, 8);
    explanationLayout->setSpacing(4);
    m_explanationTitle = makeWrappingLabel(QStringLiteral("explanationTitle"), m_explanationBox);
    QFont explanationTitleFont = m_explanationTitle->font();
    explanationTitleFont.setBold(true);
    m_explanationTitle->setFont(explanationTitleFont);
    explanationLayout->addWidget(m_explanationTitle);
    m_explanationText = makeWrappingLabel(QStringLiteral("explanationText"), m_explanationBox);
    explanationLayout->addWidget(m_explanationText);
    m_explanationSpec = makeWrappingLabel(QStringLiteral("explanationSpec"), m_explanationBox);
    m_explanationSpec->setForegroundRole(QPalette::PlaceholderText);
    explanationLayout->addWidget(m_explanationSpec);
    layout->addWidget(m_explanationBox);

    m_noMessage = new QLabel(tr("This step sent no HTTP message."), m_overview);
    m_noMessage->setObjectName(QStringLiteral("noMessage"));
    m_noMessage->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_noMessage);
}

QWidget *StepInspector::buildMessageBox(const QString &heading, const QString &viewName, const QString &copyName,
                                        QPlainTextEdit **view)
{
    auto *box = new QWidget(m_splitter);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->setSpacing(2);
    auto *header = new QHBoxLayout;
    auto *label = new QLabel(heading, box);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    header->addWidget(label, 1);
    auto *copy = new QPushButton(tr("Copy"), box);
    copy->setObjectName(copyName);
    copy->setToolTip(tr("Copy the %1 as shown; secrets stay masked unless revealed.").arg(heading.toLower()));
    header->addWidget(copy);
    layout->addLayout(header);
    *view = makeMessageView(viewName, heading, box);
    layout->addWidget(*view, 1);
    m_splitter->addWidget(box);

    QString *raw = viewName == QLatin1String("requestView") ? &m_requestRaw : &m_responseRaw;
    connect(copy, &QPushButton::clicked, this, [this, raw] { copyText(*raw); });
    return box;
}

void StepInspector::adjustSplitter()
{
    if (m_userSizedSplitter || !m_content || !m_content->isVisible())
        return;
    // The request and the response share the height below the overview equally.
    const int total = m_splitter->height();
    const bool request = !m_requestBox->isHidden();
    const bool response = !m_responseBox->isHidden();
    const int messageCount = int(request) + int(response);
    if (messageCount == 0)
        return;
    const int each = total / messageCount;
    m_splitter->setSizes({request ? each : 0, response ? each : 0});
}

void StepInspector::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    adjustSplitter();
}

void StepInspector::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // The result colour depends on whether the palette is light or dark.
    if (event->type() == QEvent::PaletteChange)
        refresh();
}

StepInspector::~StepInspector()
{
    for (const auto &connection : std::as_const(m_traceConnections))
        disconnect(connection);
}

void StepInspector::setTrace(Trace *trace)
{
    if (trace == m_trace)
        return;
    for (const auto &connection : std::as_const(m_traceConnections))
        disconnect(connection);
    m_traceConnections.clear();
    m_trace = trace;
    if (trace) {
        m_traceConnections = {
            connect(trace, &Trace::stepChanged, this, &StepInspector::onStepChanged),
            connect(trace, &Trace::cleared, this, &StepInspector::clear),
            connect(trace, &Trace::lifelinesChanged, this, &StepInspector::refresh),
            connect(trace, &QObject::destroyed, this, &StepInspector::onTraceGone),
        };
    }
    clear();
}

Trace *StepInspector::trace() const
{
    return m_trace;
}

bool StepInspector::secretsRevealed() const
{
    return m_reveal && m_reveal->isChecked();
}

void StepInspector::setSecretsRevealed(bool revealed)
{
    ensureContent();
    m_reveal->setChecked(revealed);
}

QString StepInspector::requestText() const
{
    return m_requestView ? m_requestView->toPlainText() : QString();
}

QString StepInspector::responseText() const
{
    return m_responseView ? m_responseView->toPlainText() : QString();
}

void StepInspector::showStep(int index)
{
    if (!m_trace || index < 0 || index >= m_trace->count())
        index = -1;
    if (index != m_index && m_reveal) {
        // Revealing applies to one step only.
        const QSignalBlocker blocker(m_reveal);
        m_reveal->setChecked(false);
    }
    m_index = index;
    refresh();
}

void StepInspector::clear()
{
    showStep(-1);
}

void StepInspector::onStepChanged(int index)
{
    if (index == m_index)
        refresh();
}

void StepInspector::onTraceGone()
{
    m_traceConnections.clear();
    clear();
}

QString StepInspector::displayed(const QString &raw) const
{
    QString text = secretsRevealed() || !m_trace ? raw : m_trace->mask(raw);
    if (text.size() > maxShownChars) {
        const qsizetype total = text.size();
        text.truncate(maxShownChars);
        text += tr("\n… (%1 of %2 characters shown; Copy copies all of them)").arg(maxShownChars).arg(total);
    }
    return text;
}

void StepInspector::copyText(const QString &raw)
{
    const QString text = secretsRevealed() || !m_trace ? raw : m_trace->mask(raw);
    QApplication::clipboard()->setText(text);
}

void StepInspector::refresh()
{
    const bool hasStep = m_trace && m_index >= 0 && m_index < m_trace->count();
    m_placeholder->setVisible(!hasStep);
    if (!hasStep && !m_content)
        return;
    ensureContent();
    m_contentScroll->setVisible(hasStep);
    m_reveal->setEnabled(hasStep);
    if (!hasStep) {
        m_requestRaw.clear();
        m_responseRaw.clear();
        m_requestView->clear();
        m_responseView->clear();
        return;
    }

    const TraceStep &step = m_trace->step(m_index);
    m_title->setText(displayed(step.title));

    const QString participants = step.from == step.to
                                     ? m_trace->lifelineLabel(step.from)
                                     : tr("%1 → %2").arg(m_trace->lifelineLabel(step.from), m_trace->lifelineLabel(step.to));
    m_summary->setText(tr("Step %1 of %2 · %3 · %4")
                           .arg(m_index + 1)
                           .arg(m_trace->count())
                           .arg(participants, channelDisplayName(step.channel)));

    m_result->setText(resultDisplayName(step.result));
    QPalette resultPalette = m_result->palette();
    resultPalette.setColor(QPalette::WindowText, resultColor(step.result, palette()));
    m_result->setPalette(resultPalette);

    QString duration;
    if (step.durationMs >= 0)
        duration = tr("%1 ms").arg(step.durationMs);
    else if (step.result == StepResult::Pending)
        duration = tr("still running");
    else
        duration = tr("duration not measured");
    const QString started = step.startedAt.isValid()
                                ? step.startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"))
                                : tr("unknown time");
    m_timing->setText(tr("· started %1 · %2").arg(started, duration));

    m_detail->setText(displayed(step.detail));
    m_detail->setVisible(!step.detail.isEmpty());

    const Explanation text = explanation(step.explanationKey);
    m_explanationTitle->setText(text.title);
    m_explanationText->setText(text.text);
    m_explanationSpec->setText(text.spec.isEmpty() ? QString() : tr("Defined in %1").arg(text.spec));
    m_explanationSpec->setVisible(!text.spec.isEmpty());

    const bool hasRequest = !step.request.isEmpty();
    const bool hasResponse = !step.response.isEmpty();
    m_requestRaw = hasRequest ? formatRequest(step.request) : QString();
    if (hasResponse)
        m_responseRaw = formatResponse(step.response);
    else if (hasRequest && step.result == StepResult::Pending)
        m_responseRaw = tr("(waiting for the response)");
    else if (hasRequest)
        m_responseRaw = tr("(no response received)");
    else
        m_responseRaw.clear();
    if (!step.cookies.isEmpty()) {
        // Browser steps: the session cookies are what makes a later login skip the password.
        if (!m_responseRaw.isEmpty())
            m_responseRaw += QStringLiteral("\n\n");
        m_responseRaw += tr("Browser session cookies for %1 after this step:").arg(QUrl(step.request.url).host()) + QLatin1Char('\n')
            + step.cookies.join(QLatin1Char('\n'));
    }
    setTextIfChanged(m_requestView, displayed(m_requestRaw));
    setTextIfChanged(m_responseView, displayed(m_responseRaw));
    m_requestBox->setVisible(hasRequest);
    m_responseBox->setVisible(hasRequest || hasResponse || !step.cookies.isEmpty());
    m_noMessage->setVisible(!hasRequest && !hasResponse && step.cookies.isEmpty());
    m_splitter->setVisible(!m_requestBox->isHidden() || !m_responseBox->isHidden());
    adjustSplitter();
}

QString StepInspector::formatRequest(const HttpMessage &request)
{
    QStringList lines;
    if (!request.method.isEmpty() || !request.url.isEmpty())
        lines << QStringList{request.method, request.url}.join(QLatin1Char(' ')).trimmed();
    for (const auto &header : request.headers)
        lines << header.first + QStringLiteral(": ") + header.second;
    const QString body = formatBody(request);
    if (!body.isEmpty())
        lines << QString() << body;
    return lines.join(QLatin1Char('\n'));
}

QString StepInspector::formatResponse(const HttpMessage &response)
{
    QStringList lines;
    if (response.status > 0)
        lines << QStringLiteral("HTTP %1 %2").arg(response.status).arg(httpReasonPhrase(response.status)).trimmed();
    else
        lines << tr("(no status line)");
    for (const auto &header : response.headers)
        lines << header.first + QStringLiteral(": ") + header.second;
    const QString body = formatBody(response);
    if (!body.isEmpty())
        lines << QString() << body;
    return lines.join(QLatin1Char('\n'));
}

bool StepInspector::hasExplanation(const QString &key)
{
    return loadedExplanations().contains(key);
}

Explanation StepInspector::explanation(const QString &key)
{
    const auto &explanations = loadedExplanations();
    const auto it = explanations.constFind(key);
    if (it != explanations.constEnd())
        return *it;
    return Explanation{tr("About this step"),
                       tr("No explanation is available for this kind of step. The detail above and the raw "
                          "messages below show what happened."),
                       {}};
}

QHash<QString, Explanation> StepInspector::parseExplanations(const QByteArray &json, QString *errorMessage)
{
    QHash<QString, Explanation> result;
    QStringList problems;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        problems << tr("invalid JSON at offset %1: %2").arg(parseError.offset).arg(parseError.errorString());
    } else if (!document.isObject()) {
        problems << tr("expected a JSON object that maps keys to explanations");
    } else {
        const QJsonObject root = document.object();
        QStringList skipped;
        for (auto it = root.constBegin(); it != root.constEnd(); ++it) {
            const QJsonObject entry = it.value().toObject();
            const QString title = entry.value(QLatin1String("title")).toString().trimmed();
            const QString text = entry.value(QLatin1String("text")).toString().trimmed();
            const QJsonValue spec = entry.value(QLatin1String("spec"));
            if (!it.value().isObject() || title.isEmpty() || text.isEmpty()
                || !(spec.isUndefined() || spec.isString())) {
                skipped << it.key();
                continue;
            }
            result.insert(it.key(), Explanation{title, text, spec.toString().trimmed()});
        }
        if (!skipped.isEmpty())
            problems << tr("skipped entries without a string title and text: %1").arg(skipped.join(QStringLiteral(", ")));
    }
    if (errorMessage)
        *errorMessage = problems.join(QStringLiteral("; "));
    return result;
}

} // namespace afx::gui
