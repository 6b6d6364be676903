#pragma once

#include "gui/responseformat.h"

#include <QAbstractScrollArea>
#include <QColor>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

#include <memory>
#include <utility>


namespace afx::gui {

// Foreground colour of a highlighted JSON token for a light or dark palette.
QColor jsonTokenColor(JsonTokenKind kind, const QPalette &palette);

// A read-only view of a large text that lays out and paints only the visible lines, so a text
// of millions of lines is shown in constant time. Highlights the spans of its FormattedText.
//
// NOTE: the view assumes a fixed-pitch font: wide characters (CJK, emoji) shift the rest of their
// line, and horizontal clipping counts UTF-16 code units. Selection is by whole lines (click,
// drag, Shift+click, Shift+arrows, Ctrl+A); Ctrl+C and the context menu copy the selected lines,
// the visible lines or the whole text.
class ResponseTextView : public QAbstractScrollArea {
    Q_OBJECT
public:
    explicit ResponseTextView(QWidget *parent = nullptr);

    void setContent(std::shared_ptr<const FormattedText> content);
    void clear() { setContent(nullptr); }
    QString text() const;
    qsizetype lineCount() const { return m_content ? m_content->lineCount() : 0; }
    // The first line shown at the top of the viewport.
    qsizetype firstVisibleLine() const;
    // The selected lines, first and last inclusive; {-1, -1} when nothing is selected.
    std::pair<qsizetype, qsizetype> selectedLines() const;
    void selectLines(qsizetype anchor, qsizetype cursor);
    // The text of the selected lines joined by '\n'; empty when nothing is selected.
    QString selectedText() const;

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void updateScrollBars();
    int lineHeight() const;
    int charWidth() const;
    int visibleLineCount() const;
    // The line under a viewport y coordinate, clamped to the text.
    qsizetype lineAt(int y) const;
    void ensureLineVisible(qsizetype line);

    std::shared_ptr<const FormattedText> m_content;
    qsizetype m_anchorLine = -1; // where the selection started; -1 when nothing is selected
    qsizetype m_cursorLine = -1; // the other end of the selection
};

// Applies precomputed spans to a QTextDocument that holds the same text, one block per line.
// highlightBlock() only looks spans up, so highlighting costs a binary search per block.
class SpanHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
public:
    explicit SpanHighlighter(QTextDocument *document);

    // Set before the text is inserted: blocks are highlighted as they are added.
    void setContent(std::shared_ptr<const FormattedText> content) { m_content = std::move(content); }
    void setPalette(const QPalette &palette);

protected:
    void highlightBlock(const QString &text) override;

private:
    std::shared_ptr<const FormattedText> m_content;
    QTextCharFormat m_formats[4];
};

} // namespace afx::gui
