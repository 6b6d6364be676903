#include "gui/responsetextview.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QMenu>
#include <QPainter>
#include <QScrollBar>
#include <QTextBlock>

#include <algorithm>
#include <climits>

namespace afx::gui {

namespace {

bool isDarkPalette(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

} // namespace

QColor jsonTokenColor(JsonTokenKind kind, const QPalette &palette)
{
    const bool dark = isDarkPalette(palette);
    switch (kind) {
    case JsonTokenKind::Key:
        return dark ? QColor(0x82, 0xaa, 0xff) : QColor(0x1a, 0x4f, 0x9c);
    case JsonTokenKind::String:
        return dark ? QColor(0xc3, 0xe8, 0x8d) : QColor(0x2e, 0x7d, 0x32);
    case JsonTokenKind::Number:
        return dark ? QColor(0xf7, 0x8c, 0x6c) : QColor(0xa6, 0x3d, 0x00);
    case JsonTokenKind::Literal:
        return dark ? QColor(0xc6, 0x92, 0xea) : QColor(0x7b, 0x1f, 0xa2);
    }
    return palette.color(QPalette::Text);
}

ResponseTextView::ResponseTextView(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setBackgroundRole(QPalette::Base);
    viewport()->setAutoFillBackground(true);
    verticalScrollBar()->setSingleStep(1);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, viewport(), qOverload<>(&QWidget::update));
    connect(horizontalScrollBar(), &QScrollBar::valueChanged, viewport(), qOverload<>(&QWidget::update));
}

void ResponseTextView::setContent(std::shared_ptr<const FormattedText> content)
{
    m_content = std::move(content);
    m_anchorLine = m_cursorLine = -1;
    verticalScrollBar()->setValue(0);
    horizontalScrollBar()->setValue(0);
    updateScrollBars();
    viewport()->update();
}

QString ResponseTextView::text() const
{
    return m_content ? m_content->text : QString();
}

qsizetype ResponseTextView::firstVisibleLine() const
{
    return verticalScrollBar()->value();
}

std::pair<qsizetype, qsizetype> ResponseTextView::selectedLines() const
{
    if (m_anchorLine < 0)
        return {-1, -1};
    return {std::min(m_anchorLine, m_cursorLine), std::max(m_anchorLine, m_cursorLine)};
}

void ResponseTextView::selectLines(qsizetype anchor, qsizetype cursor)
{
    const qsizetype last = lineCount() - 1;
    if (last < 0 || anchor < 0) {
        m_anchorLine = m_cursorLine = -1;
    } else {
        m_anchorLine = std::clamp<qsizetype>(anchor, 0, last);
        m_cursorLine = std::clamp<qsizetype>(cursor, 0, last);
    }
    viewport()->update();
}

QString ResponseTextView::selectedText() const
{
    const auto [first, last] = selectedLines();
    if (first < 0 || !m_content)
        return {};
    // The lines are contiguous in the text, so the selection is one slice of it.
    const qsizetype start = m_content->lineStarts.at(first);
    const QStringView lastLine = m_content->line(last);
    const qsizetype end = m_content->lineStarts.at(last) + lastLine.size();
    return m_content->text.mid(start, end - start);
}

qsizetype ResponseTextView::lineAt(int y) const
{
    const qsizetype line = firstVisibleLine() + (y < 0 ? -1 - (-y - 1) / lineHeight() : y / lineHeight());
    return std::clamp<qsizetype>(line, 0, std::max<qsizetype>(0, lineCount() - 1));
}

void ResponseTextView::ensureLineVisible(qsizetype line)
{
    const qsizetype first = firstVisibleLine();
    const int visible = visibleLineCount();
    if (line < first)
        verticalScrollBar()->setValue(int(std::min<qsizetype>(line, INT_MAX)));
    else if (line >= first + visible)
        verticalScrollBar()->setValue(int(std::min<qsizetype>(line - visible + 1, INT_MAX)));
}

int ResponseTextView::lineHeight() const
{
    return qMax(1, fontMetrics().lineSpacing());
}

int ResponseTextView::charWidth() const
{
    return qMax(1, fontMetrics().horizontalAdvance(QLatin1Char('M')));
}

int ResponseTextView::visibleLineCount() const
{
    return qMax(1, viewport()->height() / lineHeight());
}

void ResponseTextView::updateScrollBars()
{
    // One scroll step is one line, so the vertical range fits in an int up to 2^31 lines.
    const qsizetype lines = lineCount();
    const int visible = visibleLineCount();
    verticalScrollBar()->setRange(0, int(std::clamp<qsizetype>(lines - visible, 0, INT_MAX)));
    verticalScrollBar()->setPageStep(visible);

    const qsizetype width = m_content ? m_content->maxLineLength * charWidth() : 0;
    horizontalScrollBar()->setRange(0, int(std::clamp<qsizetype>(width - viewport()->width() + charWidth(), 0, INT_MAX)));
    horizontalScrollBar()->setPageStep(viewport()->width());
    horizontalScrollBar()->setSingleStep(charWidth());
}

void ResponseTextView::paintEvent(QPaintEvent *)
{
    if (!m_content)
        return;
    QPainter painter(viewport());
    painter.setFont(font());
    const QColor textColor = palette().color(QPalette::Text);
    const int height = lineHeight();
    const int width = charWidth();
    const int ascent = fontMetrics().ascent();
    const int xOffset = horizontalScrollBar()->value();
    // Only the columns inside the viewport are drawn, so a single 20 MB line costs no more than a short one.
    const qsizetype firstColumn = xOffset / width;
    const qsizetype columns = viewport()->width() / width + 2;

    const qsizetype first = firstVisibleLine();
    const qsizetype last = qMin(m_content->lineCount(), first + visibleLineCount() + 1);
    const auto [selectedFirst, selectedLast] = selectedLines();
    const QColor selectionColor = palette().color(hasFocus() ? QPalette::Active : QPalette::Inactive, QPalette::Highlight);
    for (qsizetype lineIndex = std::max(first, selectedFirst); selectedFirst >= 0 && lineIndex <= selectedLast && lineIndex < last;
         ++lineIndex) {
        QColor background = selectionColor;
        background.setAlpha(90); // light enough that the highlighted tokens stay readable
        painter.fillRect(0, int(lineIndex - first) * height, viewport()->width(), height, background);
    }
    for (qsizetype lineIndex = first; lineIndex < last; ++lineIndex) {
        const int y = int(lineIndex - first) * height + ascent;
        const QStringView line = m_content->line(lineIndex);
        if (firstColumn >= line.size())
            continue;
        const qsizetype lineStart = m_content->lineStarts.at(lineIndex);
        const qsizetype visibleEnd = qMin(line.size(), firstColumn + columns);
        const auto drawRange = [&](qsizetype from, qsizetype to, const QColor &color) {
            from = qMax(from, firstColumn);
            to = qMin(to, visibleEnd);
            if (from >= to)
                return;
            painter.setPen(color);
            painter.drawText(int(from * width - xOffset), y, line.mid(from, to - from).toString());
        };

        qsizetype column = 0;
        const auto [spanBegin, spanEnd] = m_content->spansOfLine(lineIndex);
        for (auto span = spanBegin; span != spanEnd && column < visibleEnd; ++span) {
            const qsizetype spanStart = span->start - lineStart;
            const qsizetype spanStop = qMin(spanStart + span->length, line.size());
            drawRange(column, spanStart, textColor);
            drawRange(spanStart, spanStop, jsonTokenColor(span->kind, palette()));
            column = spanStop;
        }
        drawRange(column, line.size(), textColor);
    }
}

void ResponseTextView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

void ResponseTextView::keyPressEvent(QKeyEvent *event)
{
    if (event->matches(QKeySequence::MoveToStartOfDocument)) {
        verticalScrollBar()->setValue(0);
        return;
    }
    if (event->matches(QKeySequence::MoveToEndOfDocument)) {
        verticalScrollBar()->setValue(verticalScrollBar()->maximum());
        return;
    }
    if (event->matches(QKeySequence::SelectAll)) {
        selectLines(0, lineCount() - 1);
        return;
    }
    if (event->matches(QKeySequence::Copy)) {
        // Without a selection Ctrl+C copies everything, as it did before lines could be selected.
        const QString selected = selectedText();
        QApplication::clipboard()->setText(selected.isEmpty() ? text() : selected);
        return;
    }
    if (event->matches(QKeySequence::SelectNextLine) || event->matches(QKeySequence::SelectPreviousLine)) {
        if (lineCount() == 0)
            return;
        const qsizetype from = m_anchorLine < 0 ? firstVisibleLine() : m_cursorLine;
        const qsizetype to = from + (event->matches(QKeySequence::SelectNextLine) ? 1 : -1);
        selectLines(m_anchorLine < 0 ? from : m_anchorLine, to);
        ensureLineVisible(m_cursorLine);
        return;
    }
    if (event->key() == Qt::Key_Escape && m_anchorLine >= 0) {
        selectLines(-1, -1);
        return;
    }
    QAbstractScrollArea::keyPressEvent(event);
}

void ResponseTextView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || lineCount() == 0) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    setFocus(Qt::MouseFocusReason);
    const qsizetype line = lineAt(int(event->position().y()));
    if ((event->modifiers() & Qt::ShiftModifier) && m_anchorLine >= 0)
        selectLines(m_anchorLine, line);
    else
        selectLines(line, line);
}

void ResponseTextView::mouseMoveEvent(QMouseEvent *event)
{
    if (!(event->buttons() & Qt::LeftButton) || m_anchorLine < 0) {
        QAbstractScrollArea::mouseMoveEvent(event);
        return;
    }
    // Dragging past the top or bottom edge scrolls, one line per move event.
    const qsizetype line = lineAt(int(event->position().y()));
    selectLines(m_anchorLine, line);
    ensureLineVisible(line);
}

void ResponseTextView::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu menu(this);
    QAction *copySelected = menu.addAction(tr("Copy Selected Lines"));
    copySelected->setShortcut(QKeySequence::Copy);
    QAction *copyVisible = menu.addAction(tr("Copy Visible Lines"));
    QAction *copyAll = menu.addAction(tr("Copy All"));
    copySelected->setEnabled(m_anchorLine >= 0);
    copyVisible->setEnabled(m_content != nullptr);
    copyAll->setEnabled(m_content != nullptr);
    QAction *chosen = menu.exec(event->globalPos());
    if (!m_content || !chosen)
        return;
    if (chosen == copySelected) {
        QApplication::clipboard()->setText(selectedText());
        return;
    }
    if (chosen == copyAll) {
        QApplication::clipboard()->setText(text());
        return;
    }
    QStringList lines;
    const qsizetype first = firstVisibleLine();
    const qsizetype last = qMin(m_content->lineCount(), first + visibleLineCount());
    for (qsizetype i = first; i < last; ++i)
        lines.append(m_content->line(i).toString());
    QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
}

void ResponseTextView::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        updateScrollBars();
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        viewport()->update();
}

SpanHighlighter::SpanHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document)
{
    setPalette(QPalette());
}

void SpanHighlighter::setPalette(const QPalette &palette)
{
    for (const JsonTokenKind kind : {JsonTokenKind::Key, JsonTokenKind::String, JsonTokenKind::Number, JsonTokenKind::Literal}) {
        QTextCharFormat format;
        format.setForeground(jsonTokenColor(kind, palette));
        m_formats[int(kind)] = format;
    }
    if (m_content)
        rehighlight();
}

void SpanHighlighter::highlightBlock(const QString &text)
{
    const qsizetype blockNumber = currentBlock().blockNumber();
    if (!m_content || blockNumber >= m_content->lineCount())
        return;
    const qsizetype lineStart = m_content->lineStarts.at(blockNumber);
    const auto [first, last] = m_content->spansOfLine(blockNumber);
    for (auto span = first; span != last; ++span) {
        const qsizetype start = span->start - lineStart;
        const qsizetype length = qMin<qsizetype>(span->length, text.size() - start);
        if (length > 0)
            setFormat(int(start), int(length), m_formats[int(span->kind)]);
    }
}

} // namespace afx::gui
