#pragma once

#include "graphql/completion.h"
#include "graphql/diagnostics.h"
#include "graphql/schema.h"

#include <QList>
#include <QPlainTextEdit>
#include <QPointer>
#include <QTimer>

#include <memory>

class QAbstractItemView;
class QAction;
class QTextBlock;

namespace afx::gui {

class CompletionPopup;
class GraphqlSyntaxHighlighter;

// A plain text editor for GraphQL documents with the help GraphiQL gives: highlighting, bracket
// matching, auto-indentation, completion from the schema, live validation with wavy underlines,
// comment toggling, prettify and a request for documentation of the name at the cursor.
//
// The owner sets the object name, the schema and the placeholder text, connects message() to
// its banner, diagnosticsChanged() to a counter and documentationRequested() to a DocExplorer.
// Every command has a keyboard shortcut, shown in the context menu and in shortcutSummary().
class GraphqlEditor : public QPlainTextEdit {
    Q_OBJECT

public:
    // Documents above this size are validated after a longer pause and get no automatic
    // completion, so that typing stays responsive. Validation runs on the UI thread.
    // NOTE: it took 37 ms for 112 KB with the to-do test schema (Debug build, tst_graphqleditor),
    // so a document near the parser's 1 MiB limit pauses the editor for a moment after each edit.
    static constexpr qsizetype largeDocumentChars = 100 * 1024;
    static constexpr int validationDelayMs = 300;
    static constexpr int largeDocumentValidationDelayMs = 1500;

    explicit GraphqlEditor(QWidget *parent = nullptr);
    ~GraphqlEditor() override;

    // The schema for completion, validation and documentation, or null when none is loaded.
    void setSchema(std::shared_ptr<const graphql::Schema> schema);
    std::shared_ptr<const graphql::Schema> schema() const { return m_schema; }

    // The problems found by the last validation, in document order.
    QList<graphql::Diagnostic> diagnostics() const { return m_diagnostics; }

    // The commands, for buttons and menus of the owner. Their tool tips name the shortcuts.
    QAction *completeAction() const { return m_completeAction; }
    QAction *prettifyAction() const { return m_prettifyAction; }
    QAction *toggleCommentAction() const { return m_toggleCommentAction; }
    QAction *showDocumentationAction() const { return m_showDocumentationAction; }

    // The completion list, visible or not. Its model's rows are the items in order.
    QAbstractItemView *completionView() const;
    bool isCompletionVisible() const;

    // One line per shortcut, such as "Ctrl+Space: complete".
    static QString shortcutSummary();

public Q_SLOTS:
    // Opens the completion list at the cursor, or reports that nothing completes there.
    void showCompletion();
    // Reformats the document as one undo step. A syntax error is reported by message() and
    // the text stays as it was.
    void prettify();
    // Comments or uncomments the lines of the selection (or the cursor's line) as one undo step.
    void toggleComment();
    // Emits documentationRequested() for the type, field or argument at the cursor.
    void showDocumentation();
    // Validates at once instead of after the pause that follows an edit.
    void validateNow();
    // Moves the cursor to the start of diagnostics()[index] and gives the editor the focus.
    void goToDiagnostic(int index);

Q_SIGNALS:
    // A short message for the owner's status line or banner.
    void message(const QString &text);
    void diagnosticsChanged(const QList<afx::graphql::Diagnostic> &diagnostics);
    void documentationRequested(const afx::graphql::SchemaReference &reference);
    // The user asked for completion or documentation while no schema is set, so the owner may
    // load one. Emitted before message() reports what is missing.
    void schemaRequested();

protected:
    bool event(QEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    enum class CompletionTrigger { Explicit, Typing };

    void createActions();
    bool handleCompletionKey(QKeyEvent *event);
    bool handleCommandKey(QKeyEvent *event);
    bool handleEditingKey(QKeyEvent *event);
    void maybeTriggerCompletion(const QString &typed);

    void insertNewline();
    void insertClosingBracket(QChar bracket);
    void indentSelection(bool outdent);
    bool deleteIndentation();

    void updateCompletion(CompletionTrigger trigger);
    void acceptCompletion(int row);
    void hideCompletion();
    void placeCompletionPopup();

    void showDocumentationAt(int position);

    void scheduleValidation();
    void updateBracketMatch();
    void applyExtraSelections();
    void rebuildDiagnosticSelections();
    QColor diagnosticColor(graphql::Diagnostic::Severity severity) const;
    QColor diagnosticBackground(graphql::Diagnostic::Severity severity) const;
    QString diagnosticToolTip(int position) const;

    // The document position of the bracket matching the one at `position`, or -1. Sets
    // *mismatched when the partner is a bracket of another kind.
    int matchingBracket(int position, bool *mismatched) const;
    // The innermost opening bracket before `position` that is still open, or an invalid
    // position (-1) when there is none.
    int enclosingOpeningBracket(int position) const;

    GraphqlSyntaxHighlighter *m_highlighter = nullptr;
    std::shared_ptr<const graphql::Schema> m_schema;

    QAction *m_completeAction = nullptr;
    QAction *m_prettifyAction = nullptr;
    QAction *m_toggleCommentAction = nullptr;
    QAction *m_showDocumentationAction = nullptr;
    int m_contextMenuPosition = -1; // the clicked position while the context menu is open

    // The completion popup is a child of the top-level window, so that it may extend past the
    // editor; QPointer because the window may delete it first.
    QPointer<CompletionPopup> m_popup;
    graphql::CompletionResult m_completion;

    QTimer m_validationTimer;
    QString m_validatedText; // the text of the last validation, which the diagnostics' locations refer to
    QList<graphql::Diagnostic> m_diagnostics;
    QList<QTextEdit::ExtraSelection> m_diagnosticSelections; // parallel to m_diagnostics
    QList<QTextEdit::ExtraSelection> m_bracketSelections;
};

} // namespace afx::gui
