#include "gui/responseview.h"

#include "gui/jsontreemodel.h"
#include "gui/responseformat.h"
#include "gui/responsetextview.h"

#include <QCoreApplication>
#include <QFontDatabase>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QLocale>
#include <QLoggingCategory>
#include <QPlainTextEdit>
#include <QPointer>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTextCursor>
#include <QThreadPool>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(lcResponse, "afx.response")

namespace afx::gui {

// The state one body's tasks share. Written by the tasks, read by the UI thread after both ended.
struct ResponseView::Job {
    quint64 generation = 0;
    std::shared_ptr<std::atomic<quint64>> currentGeneration;
    QPointer<ResponseView> view;
    QByteArray body;
    QByteArray contentType;
    bool parseAsJson = true;
    std::atomic<int> runningTasks{2};

    QJsonDocument document;
    QJsonParseError parseError{};
    QStringList graphqlErrors;
    FormattedText text;
    QString note;
    bool cancelled = false;

    bool isAbandoned() const { return currentGeneration->load(std::memory_order_relaxed) != generation; }
};

ResponseView::ResponseView(QWidget *parent)
    : QWidget(parent)
    , m_currentGeneration(std::make_shared<std::atomic<quint64>>(0))
{
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("responseNote"));
    m_note->setWordWrap(true);
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_note->setVisible(false);

    m_edit = new QPlainTextEdit(this);
    m_edit->setObjectName(QStringLiteral("response"));
    m_edit->setReadOnly(true);
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_edit->setPlaceholderText(tr("The response appears here."));
    m_edit->document()->setUndoRedoEnabled(false);
    m_highlighter = new SpanHighlighter(m_edit->document());
    m_highlighter->setPalette(palette());

    m_largeText = new ResponseTextView(this);
    m_largeText->setObjectName(QStringLiteral("responseLargeText"));

    m_textStack = new QStackedWidget(this);
    m_textStack->addWidget(m_edit);
    m_textStack->addWidget(m_largeText);

    m_model = new JsonTreeModel(this);
    m_tree = new QTreeView(this);
    m_tree->setObjectName(QStringLiteral("responseTree"));
    // Uniform heights let the view skip measuring rows, so expanding 100 000 items stays fast.
    m_tree->setUniformRowHeights(true);
    m_tree->setModel(m_model);
    m_tree->header()->resizeSection(JsonTreeModel::KeyColumn, 220);
    m_tree->header()->resizeSection(JsonTreeModel::ValueColumn, 360);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("responseTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_textStack, tr("Te&xt"));
    m_tabs->addTab(m_tree, tr("T&ree"));
    m_tabs->setTabEnabled(1, false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_note);
    layout->addWidget(m_tabs, 1);
}

ResponseView::~ResponseView()
{
    // Running tasks see the new generation at their next cancel check and stop.
    m_currentGeneration->store(++m_generation);
    releaseContentOffThread();
}

void ResponseView::releaseContentOffThread()
{
    m_highlighter->setContent(nullptr);
    m_largeText->clear();
    m_model->clear();
    if (m_document.isNull() && !m_content)
        return;
    QThreadPool::globalInstance()->start([document = std::move(m_document), content = std::move(m_content)]() mutable {
        document = QJsonDocument();
        content.reset();
    });
    m_document = QJsonDocument();
    m_content.reset();
}

QString ResponseView::text() const
{
    if (m_textStack->currentWidget() == m_largeText)
        return m_largeText->text();
    return m_edit->toPlainText();
}

QString ResponseView::note() const
{
    return m_note->text();
}

void ResponseView::setNote(const QString &note)
{
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
}

void ResponseView::clear()
{
    m_currentGeneration->store(++m_generation);
    m_busy = false;
    m_isJson = false;
    m_graphqlErrors.clear();
    m_filledUpTo = 0;
    m_edit->clear();
    releaseContentOffThread();
    m_textStack->setCurrentWidget(m_edit);
    m_tabs->setTabEnabled(1, false);
    setNote({});
}

void ResponseView::showBody(const QByteArray &body, const QByteArray &contentType)
{
    clear();
    m_busy = true;
    if (body.size() > chunkSize)
        m_edit->setPlaceholderText(tr("Formatting %1…").arg(QLocale().formattedDataSize(body.size(), 1, QLocale::DataSizeIecFormat)));

    auto job = std::make_shared<Job>();
    job->generation = m_generation;
    job->currentGeneration = m_currentGeneration;
    job->view = this;
    job->body = body;
    job->contentType = contentType;
    job->parseAsJson = isJsonContentType(contentType) && !body.trimmed().isEmpty();
    startJob(job);
}

void ResponseView::startJob(const std::shared_ptr<Job> &job)
{
    // The task that ends last completes the result and hands it to the UI thread.
    const auto taskEnded = [job] {
        if (job->runningTasks.fetch_sub(1, std::memory_order_acq_rel) != 1)
            return;
        if (job->isAbandoned()) {
            job->cancelled = true;
        } else if (!job->parseAsJson || job->parseError.error != QJsonParseError::NoError) {
            // Shown as received: the re-indented text of invalid JSON would mislead.
            job->text = plainFormattedText(QString::fromUtf8(job->body));
            if (!job->parseAsJson && !job->body.isEmpty())
                job->note = tr("The response has the content type \"%1\", so it is shown as received.")
                                .arg(QString::fromLatin1(job->contentType));
            else if (job->parseAsJson)
                job->note = describeParseError(job->body, job->parseError);
        }
        QCoreApplication *app = QCoreApplication::instance();
        if (!app || job->cancelled)
            return;
        QMetaObject::invokeMethod(app, [job] {
            if (job->view)
                job->view->applyResult(job);
        }, Qt::QueuedConnection);
    };

    QThreadPool::globalInstance()->start([job, taskEnded] {
        if (job->parseAsJson && !job->isAbandoned()) {
            job->document = QJsonDocument::fromJson(job->body, &job->parseError);
            job->graphqlErrors = graphqlErrorMessages(job->document);
        }
        taskEnded();
    });
    QThreadPool::globalInstance()->start([job, taskEnded] {
        // Re-indented optimistically while the other task parses, because both take about as
        // long; the text is replaced when the parse fails.
        if (job->parseAsJson && !job->isAbandoned())
            prettyPrintJson(QString::fromUtf8(job->body), &job->text, [&job] { return job->isAbandoned(); });
        taskEnded();
    });
}

void ResponseView::applyResult(const std::shared_ptr<Job> &job)
{
    if (job->generation != m_generation)
        return;
    m_isJson = job->parseAsJson && job->parseError.error == QJsonParseError::NoError;
    m_graphqlErrors = job->graphqlErrors;
    m_document = job->document;
    m_model->setDocument(m_document);
    m_tabs->setTabEnabled(1, m_isJson);
    setNote(job->note);
    if (!job->note.isEmpty())
        qCInfo(lcResponse).noquote() << job->note;
    m_edit->setPlaceholderText(tr("The response appears here."));

    m_content = std::make_shared<const FormattedText>(std::move(job->text));
    // The job is destroyed on this thread once this call returns, so it keeps no large data.
    job->document = QJsonDocument();
    job->body.clear();
    if (m_content->text.size() > maxEditableTextSize) {
        m_textStack->setCurrentWidget(m_largeText);
        m_largeText->setContent(m_content);
        finishShowing();
        return;
    }
    m_textStack->setCurrentWidget(m_edit);
    m_highlighter->setContent(m_content);
    m_filledUpTo = 0;
    fillNextChunk(m_generation);
}

void ResponseView::fillNextChunk(quint64 generation)
{
    if (generation != m_generation || !m_content)
        return;
    const QString &text = m_content->text;
    // Chunks end after a line break, so each block is highlighted once, whole.
    qsizetype end = qMin(text.size(), m_filledUpTo + chunkSize);
    if (end < text.size()) {
        const qsizetype lineBreak = text.indexOf(QLatin1Char('\n'), end);
        end = lineBreak < 0 ? text.size() : lineBreak + 1;
    }
    QTextCursor cursor(m_edit->document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(QStringView(text).mid(m_filledUpTo, end - m_filledUpTo).toString());
    m_filledUpTo = end;

    if (m_filledUpTo < text.size()) {
        QTimer::singleShot(0, this, [this, generation] { fillNextChunk(generation); });
        return;
    }
    m_edit->moveCursor(QTextCursor::Start);
    finishShowing();
}

void ResponseView::finishShowing()
{
    m_busy = false;
    Q_EMIT shown();
}

void ResponseView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_highlighter)
        m_highlighter->setPalette(palette());
}

} // namespace afx::gui
