#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QStringList>
#include <QWidget>

#include <atomic>
#include <memory>

class QLabel;
class QPlainTextEdit;
class QStackedWidget;
class QTabWidget;
class QTreeView;

namespace afx::gui {

class JsonTreeModel;
class ResponseTextView;
class SpanHighlighter;
struct FormattedText;

// Shows an HTTP response body as highlighted text and, for JSON, as a lazily expanded tree.
//
// Parsing, pretty-printing and computing the highlight spans run on QThreadPool::globalInstance()
// in two parallel tasks (one parses, one re-indents), and the UI thread only swaps in the
// finished result. Texts up to maxEditableTextSize go into the QPlainTextEdit "response" in
// chunks of about chunkSize, one chunk per event-loop turn. Larger texts go into
// ResponseTextView "responseLargeText", which paints only the visible lines, because filling a
// QTextDocument with millions of lines takes tens of seconds.
//
// A new showBody() or clear() abandons the job of an older body: its tasks stop at their next
// cancel check (QJsonDocument::fromJson itself cannot be interrupted) and their result is dropped.
class ResponseView : public QWidget {
    Q_OBJECT
public:
    // In UTF-16 code units of the shown text.
    static constexpr qsizetype maxEditableTextSize = 512 * 1024;
    static constexpr qsizetype chunkSize = 32 * 1024;

    explicit ResponseView(QWidget *parent = nullptr);
    ~ResponseView() override;

    // Starts showing `body`. It is parsed as JSON unless `contentType` names another type.
    void showBody(const QByteArray &body, const QByteArray &contentType);
    void clear();

    // True from showBody() until shown() is emitted.
    bool isBusy() const { return m_busy; }
    // The text shown in the text view, whichever widget shows it.
    QString text() const;
    // The parse error, the content-type note or an empty string.
    QString note() const;
    bool isJson() const { return m_isJson; }
    QStringList graphqlErrors() const { return m_graphqlErrors; }
    JsonTreeModel *treeModel() const { return m_model; }

Q_SIGNALS:
    // The body of the last showBody() is shown in full: tree, text and highlighting.
    void shown();

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Job;
    static void startJob(const std::shared_ptr<Job> &job);
    void applyResult(const std::shared_ptr<Job> &job);
    void fillNextChunk(quint64 generation);
    void finishShowing();
    void setNote(const QString &note);
    // Drops the shown document and text on a worker thread: freeing a parsed 20 MB document
    // visits every value and would stall the UI thread.
    void releaseContentOffThread();

    // The generation of the body being shown; jobs of older generations are dropped.
    quint64 m_generation = 0;
    std::shared_ptr<std::atomic<quint64>> m_currentGeneration;
    bool m_busy = false;
    bool m_isJson = false;
    QStringList m_graphqlErrors;
    std::shared_ptr<const FormattedText> m_content;
    QJsonDocument m_document;
    qsizetype m_filledUpTo = 0;

    QLabel *m_note = nullptr;
    QTabWidget *m_tabs = nullptr;
    QStackedWidget *m_textStack = nullptr;
    QPlainTextEdit *m_edit = nullptr;
    SpanHighlighter *m_highlighter = nullptr;
    ResponseTextView *m_largeText = nullptr;
    QTreeView *m_tree = nullptr;
    JsonTreeModel *m_model = nullptr;
};

} // namespace afx::gui
