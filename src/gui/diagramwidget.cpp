#include "gui/diagramwidget.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace afx::gui {

namespace {

// A lifeline column is as wide as its label needs, within these bounds. Longer labels are elided.
// With the four fixed lifelines at the minimum, two host names still fit a 700 px wide view.
constexpr int minColumnWidth = 90;
constexpr int maxColumnWidth = 170;
constexpr int glyphWidth = 16;    // room for the result glyph at the start of a label
constexpr int arrowHeadLength = 8;
// horizontalAdvance() rounds, and elidedText() elides a text whose exact width is a fraction above it.
constexpr int textSlack = 4;
constexpr int metaSpacing = 10; // between a step's title and its status text

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

QColor mix(const QColor &a, const QColor &b, qreal amountOfB)
{
    const qreal k = std::clamp(amountOfB, 0.0, 1.0);
    return QColor::fromRgbF(float(a.redF() * (1 - k) + b.redF() * k), float(a.greenF() * (1 - k) + b.greenF() * k),
                            float(a.blueF() * (1 - k) + b.blueF() * k));
}

QColor mutedTextColor(const QPalette &palette)
{
    return mix(palette.color(QPalette::Text), palette.color(QPalette::Base), 0.42);
}

QColor currentRowColor(const QPalette &palette)
{
    return mix(palette.color(QPalette::Base), palette.color(QPalette::Highlight), isDark(palette) ? 0.30 : 0.16);
}

// Draws the small symbol that repeats a result's colour as a shape, so results do not depend
// on colour vision alone: check, exclamation mark, cross, hollow circle (pending), dash (skipped).
void paintResultGlyph(QPainter &painter, QPointF c, StepResult result, const QColor &color, qreal size)
{
    const qreal h = size / 2;
    painter.save();
    QPen pen(color, std::max(1.6, size / 6), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    painter.setPen(pen);
    painter.setBrush(Qt::NoBrush);
    switch (result) {
    case StepResult::Ok: {
        QPainterPath path;
        path.moveTo(c.x() - h, c.y());
        path.lineTo(c.x() - h * 0.3, c.y() + h * 0.7);
        path.lineTo(c.x() + h, c.y() - h * 0.7);
        painter.drawPath(path);
        break;
    }
    case StepResult::Warning:
        painter.drawLine(QPointF(c.x(), c.y() - h), QPointF(c.x(), c.y() + h * 0.25));
        painter.drawPoint(QPointF(c.x(), c.y() + h * 0.85));
        break;
    case StepResult::Failed:
        painter.drawLine(QPointF(c.x() - h * 0.8, c.y() - h * 0.8), QPointF(c.x() + h * 0.8, c.y() + h * 0.8));
        painter.drawLine(QPointF(c.x() - h * 0.8, c.y() + h * 0.8), QPointF(c.x() + h * 0.8, c.y() - h * 0.8));
        break;
    case StepResult::Pending:
        pen.setWidthF(1.3);
        painter.setPen(pen);
        painter.drawEllipse(c, h * 0.7, h * 0.7);
        break;
    case StepResult::Skipped:
        painter.drawLine(QPointF(c.x() - h * 0.7, c.y()), QPointF(c.x() + h * 0.7, c.y()));
        break;
    }
    painter.restore();
}

// Draws an arrow head whose tip is at `tip`, pointing in direction `dir` (+1 right, -1 left).
void paintArrowHead(QPainter &painter, QPointF tip, int dir, bool filled, const QColor &color, qreal width)
{
    const QPointF back1(tip.x() - dir * arrowHeadLength, tip.y() - 4.5);
    const QPointF back2(tip.x() - dir * arrowHeadLength, tip.y() + 4.5);
    painter.save();
    painter.setPen(QPen(color, width, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    if (filled) {
        painter.setBrush(color);
        painter.drawPolygon(QPolygonF{tip, back1, back2});
    } else {
        painter.setBrush(Qt::NoBrush);
        painter.drawPolyline(QPolygonF{back1, tip, back2});
    }
    painter.restore();
}

QPen linePen(Channel channel, StepResult result, const QColor &color, qreal width)
{
    QPen pen(color, width, Qt::SolidLine, Qt::FlatCap, Qt::RoundJoin);
    if (result == StepResult::Skipped) {
        pen.setDashPattern({1.0, 2.5});
    } else if (channel == Channel::Front) {
        pen.setDashPattern({4.0, 3.0});
    }
    return pen;
}

// One entry of the legend below the diagram.
struct LegendEntry {
    enum Kind { BackChannel, FrontChannel, LocalCheck, Result } kind;
    StepResult result;
    QString text;
};

QList<LegendEntry> legendEntries()
{
    return {
        {LegendEntry::BackChannel, StepResult::Ok, DiagramWidget::tr("back channel (direct HTTP)")},
        {LegendEntry::FrontChannel, StepResult::Ok, DiagramWidget::tr("front channel (through the browser)")},
        {LegendEntry::LocalCheck, StepResult::Ok, DiagramWidget::tr("local step")},
        {LegendEntry::Result, StepResult::Ok, DiagramWidget::tr("ok")},
        {LegendEntry::Result, StepResult::Warning, DiagramWidget::tr("warning")},
        {LegendEntry::Result, StepResult::Failed, DiagramWidget::tr("failed")},
        {LegendEntry::Result, StepResult::Pending, DiagramWidget::tr("pending")},
        {LegendEntry::Result, StepResult::Skipped, DiagramWidget::tr("skipped")},
    };
}

constexpr int legendSymbolWidth(LegendEntry::Kind kind)
{
    return kind == LegendEntry::Result ? 14 : 26;
}

// Places the legend entries left to right, wrapping at `width`. Returns each entry's top-left
// corner relative to the legend area and sets `lineCount`.
template<typename TextWidth>
QList<QPoint> layoutLegend(const QList<LegendEntry> &entries, const TextWidth &textWidth, int lineHeight, int width,
                           int *lineCount)
{
    constexpr int padding = 10;
    constexpr int spacing = 16;
    QList<QPoint> positions;
    int x = padding;
    int line = 0;
    for (const LegendEntry &entry : entries) {
        const int entryWidth = legendSymbolWidth(entry.kind) + 6 + textWidth(entry.text);
        if (x > padding && x + entryWidth > width - padding) {
            x = padding;
            ++line;
        }
        positions.append(QPoint(x, 5 + line * lineHeight));
        x += entryWidth + spacing;
    }
    *lineCount = line + 1;
    return positions;
}

} // namespace

QColor resultColor(StepResult result, const QPalette &palette)
{
    const bool dark = isDark(palette);
    switch (result) {
    case StepResult::Ok:
        return dark ? QColor(0x6f, 0xcf, 0x7a) : QColor(0x2e, 0x7d, 0x32);
    case StepResult::Warning:
        return dark ? QColor(0xff, 0xb7, 0x4d) : QColor(0xa8, 0x62, 0x00);
    case StepResult::Failed:
        return dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc6, 0x28, 0x28);
    case StepResult::Pending:
    case StepResult::Skipped:
        return mutedTextColor(palette);
    }
    return palette.color(QPalette::Text);
}

DiagramWidget::DiagramWidget(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    setObjectName(QStringLiteral("diagram"));
    setAccessibleName(tr("Sequence diagram"));
    setFocusPolicy(Qt::StrongFocus);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);

    m_animation.setStartValue(0.0);
    m_animation.setEndValue(1.0);
    m_animation.setEasingCurve(QEasingCurve::OutCubic);
    connect(&m_animation, &QVariantAnimation::valueChanged, this, &DiagramWidget::onAnimationValue);
    connect(&m_animation, &QVariantAnimation::finished, this, &DiagramWidget::finishAnimation);

    m_replayTimer.setSingleShot(true);
    connect(&m_replayTimer, &QTimer::timeout, this, &DiagramWidget::onReplayTick);

    relayout();
}

DiagramWidget::~DiagramWidget()
{
    for (const auto &connection : std::as_const(m_traceConnections))
        disconnect(connection);
}

void DiagramWidget::setTrace(Trace *trace)
{
    if (trace == m_trace)
        return;
    for (const auto &connection : std::as_const(m_traceConnections))
        disconnect(connection);
    m_traceConnections.clear();

    m_trace = trace;
    if (trace) {
        m_traceConnections = {
            connect(trace, &Trace::stepAdded, this, &DiagramWidget::onStepAdded),
            connect(trace, &Trace::stepChanged, this, &DiagramWidget::onStepChanged),
            connect(trace, &Trace::lifelinesChanged, this, &DiagramWidget::onLifelinesChanged),
            connect(trace, &Trace::cleared, this, &DiagramWidget::onCleared),
            connect(trace, &QObject::destroyed, this, &DiagramWidget::onTraceDestroyed),
        };
    }
    resetView();
    // Steps recorded before the trace was attached appear at once, without animation.
    m_shown = trace ? trace->count() : 0;
    relayout();
}

Trace *DiagramWidget::trace() const
{
    return m_trace;
}

void DiagramWidget::resetView()
{
    const bool wasReplaying = m_replaying;
    m_replayTimer.stop();
    m_animation.stop();
    m_replaying = false;
    m_animatingStep = -1;
    m_progress = 1.0;
    m_shown = 0;
    m_follow = true;
    const bool hadCurrent = m_current != -1;
    m_current = -1;
    relayout();
    updateAccessibleDescription();
    if (hadCurrent)
        Q_EMIT stepSelected(-1);
    if (wasReplaying)
        Q_EMIT replayFinished();
}

void DiagramWidget::onTraceDestroyed()
{
    m_trace = nullptr;
    m_traceConnections.clear();
    resetView();
}

void DiagramWidget::onCleared()
{
    resetView();
}

void DiagramWidget::onLifelinesChanged()
{
    relayout();
    updateGeometry();
}

void DiagramWidget::onStepAdded(int)
{
    updateGeometry();
    // During a replay the replay timer reaches new steps in turn.
    if (!m_replaying && !isAnimating())
        startNextAnimation();
}

void DiagramWidget::onStepChanged(int index)
{
    viewport()->update();
    if (index == m_current)
        updateAccessibleDescription();
}

void DiagramWidget::setAnimationDuration(int ms)
{
    m_animationDuration = std::max(0, ms);
    if (m_animationDuration == 0 && isAnimating() && !m_replaying) {
        m_animation.stop();
        finishAnimation();
    }
}

void DiagramWidget::setReplayInterval(int ms)
{
    m_replayInterval = std::max(0, ms);
}

void DiagramWidget::startNextAnimation()
{
    if (!m_trace || isAnimating() || m_shown >= m_trace->count())
        return;
    if (m_animationDuration == 0) {
        const bool reveal = showsNewestRow();
        m_shown = m_trace->count();
        updateScrollBars();
        if (m_follow)
            makeCurrent(m_shown - 1, false, reveal);
        else if (reveal)
            scrollToStep(m_shown - 1);
        viewport()->update();
        return;
    }
    startAnimation(m_shown);
}

void DiagramWidget::startAnimation(int index)
{
    const bool reveal = m_replaying || showsNewestRow();
    m_animatingStep = index;
    m_progress = 0.0;
    updateScrollBars();
    if (m_follow || m_replaying)
        makeCurrent(index, false, reveal);
    else if (reveal)
        scrollToStep(index);

    int duration = m_animationDuration;
    if (m_replaying) {
        duration = std::min(duration, m_replayInterval * 4 / 5);
    } else if (m_trace && m_trace->count() - index > 3) {
        // Halve the time while several steps wait, so the view catches up with a fast flow.
        duration /= 2;
    }
    m_animation.setDuration(std::max(1, duration));
    m_animation.start();
    viewport()->update();
}

void DiagramWidget::onAnimationValue(const QVariant &value)
{
    m_progress = value.toReal();
    viewport()->update();
}

void DiagramWidget::finishAnimation()
{
    if (m_animatingStep < 0)
        return;
    m_shown = m_animatingStep + 1;
    m_animatingStep = -1;
    m_progress = 1.0;
    viewport()->update();
    if (!m_replaying)
        startNextAnimation();
}

void DiagramWidget::replay()
{
    if (!m_trace || m_trace->count() == 0) {
        Q_EMIT replayFinished();
        return;
    }
    m_animation.stop();
    m_animatingStep = -1;
    m_replaying = true;
    m_shown = 0;
    updateScrollBars();
    verticalScrollBar()->setValue(0);
    onReplayTick();
}

void DiagramWidget::onReplayTick()
{
    if (!m_replaying)
        return;
    if (isAnimating()) {
        m_animation.stop();
        finishAnimation();
    }
    if (!m_trace || m_shown >= m_trace->count()) {
        m_replaying = false;
        Q_EMIT replayFinished();
        return;
    }
    if (m_animationDuration == 0) {
        ++m_shown;
        updateScrollBars();
        makeCurrent(m_shown - 1, false);
        viewport()->update();
    } else {
        startAnimation(m_shown);
    }
    m_replayTimer.start(m_replayInterval);
}

void DiagramWidget::stopReplay()
{
    if (!m_replaying)
        return;
    m_replayTimer.stop();
    m_animation.stop();
    m_animatingStep = -1;
    m_progress = 1.0;
    m_replaying = false;
    m_shown = m_trace ? m_trace->count() : 0;
    updateScrollBars();
    viewport()->update();
    Q_EMIT replayFinished();
}

void DiagramWidget::setCurrentStep(int index)
{
    if (index == m_current)
        return;
    makeCurrent(index, true);
}

bool DiagramWidget::showsNewestRow() const
{
    const int drawn = m_shown + (isAnimating() ? 1 : 0);
    if (drawn == 0 || m_current < 0)
        return true;
    // Any part of the newest row counts, so a view shorter than one row still follows.
    const int top = rowTop(drawn - 1);
    return top < rowsAreaBottom() && top + m_geometry.rowHeight > m_geometry.headerHeight;
}

void DiagramWidget::makeCurrent(int index, bool fromUser, bool scroll)
{
    const int count = m_trace ? m_trace->count() : 0;
    if (index < -1 || index >= count)
        return;
    // Picking the newest drawn step, even while more wait for their animation, resumes following.
    if (fromUser && !m_replaying)
        m_follow = index >= m_shown + (isAnimating() ? 1 : 0) - 1;
    const bool changed = index != m_current;
    m_current = index;
    if (index >= 0 && scroll)
        scrollToStep(index);
    viewport()->update();
    updateAccessibleDescription();
    if (changed || fromUser)
        Q_EMIT stepSelected(index);
}

void DiagramWidget::updateAccessibleDescription()
{
    if (!m_trace || m_current < 0 || m_current >= m_trace->count()) {
        setAccessibleDescription(tr("No step selected."));
        return;
    }
    const TraceStep &step = m_trace->step(m_current);
    setAccessibleDescription(tr("Step %1 of %2: %3, from %4 to %5, %6.")
                                 .arg(m_current + 1)
                                 .arg(m_trace->count())
                                 .arg(m_trace->mask(step.title), m_trace->lifelineLabel(step.from),
                                      m_trace->lifelineLabel(step.to), stepResultName(step.result)));
}

// ---- geometry ----

void DiagramWidget::relayout()
{
    const QFontMetrics fm = fontMetrics();
    Geometry g;
    g.gutter = fm.horizontalAdvance(QStringLiteral("000")) + 14;
    g.margin = 12;
    g.headerHeight = fm.height() + 22;
    g.rowHeight = fm.height() + 20;
    g.rowsTop = 8;

    g.columnWidth = minimumColumnWidths();
    const int columns = int(g.columnWidth.size());
    const int needed = std::accumulate(g.columnWidth.cbegin(), g.columnWidth.cend(), 0);
    const int spare = std::max(0, viewport()->width() - g.gutter - 2 * g.margin - needed);
    int left = g.gutter + g.margin;
    for (int i = 0; i < columns; ++i) {
        g.columnWidth[i] += spare / columns + (i < spare % columns ? 1 : 0);
        g.columnLeft.append(left);
        left += g.columnWidth[i];
    }
    g.contentWidth = left + g.margin;

    int legendLines = 1;
    layoutLegend(legendEntries(), m_textWidth, fm.height() + 4, viewport()->width(), &legendLines);
    g.footerHeight = legendLines * (fm.height() + 4) + 8;

    m_geometry = g;
    updateScrollBars();
    viewport()->update();
}

void DiagramWidget::updateScrollBars()
{
    const Geometry &g = m_geometry;
    const int rows = m_shown + (isAnimating() ? 1 : 0);
    const int rowsHeight = 2 * g.rowsTop + rows * g.rowHeight;
    const int visibleHeight = std::max(0, viewport()->height() - g.headerHeight - g.footerHeight);
    verticalScrollBar()->setRange(0, std::max(0, rowsHeight - visibleHeight));
    verticalScrollBar()->setPageStep(std::max(1, visibleHeight));
    verticalScrollBar()->setSingleStep(std::max(1, g.rowHeight / 2));
    horizontalScrollBar()->setRange(0, std::max(0, g.contentWidth - viewport()->width()));
    horizontalScrollBar()->setPageStep(std::max(1, viewport()->width()));
    horizontalScrollBar()->setSingleStep(20);
}

QList<int> DiagramWidget::minimumColumnWidths() const
{
    if (!m_trace)
        return QList<int>(4, minColumnWidth);
    QList<int> widths;
    for (const QString &id : m_trace->lifelines())
        widths << std::clamp(m_boldTextWidth(m_trace->lifelineLabel(id)) + 34, minColumnWidth, maxColumnWidth);
    return widths;
}

QSize DiagramWidget::contentSize() const
{
    const Geometry &g = m_geometry;
    const QList<int> columns = minimumColumnWidths();
    const int width = g.gutter + 2 * g.margin + std::accumulate(columns.cbegin(), columns.cend(), 0);
    int legendLines = 1;
    layoutLegend(legendEntries(), m_textWidth, fontMetrics().height() + 4, width, &legendLines);
    const int footer = legendLines * (fontMetrics().height() + 4) + 8;
    const int steps = m_trace ? m_trace->count() : 0;
    return QSize(width, g.headerHeight + 2 * g.rowsTop + steps * g.rowHeight + footer);
}

QSize DiagramWidget::sizeHint() const
{
    const int frame = 2 * frameWidth();
    const QSize content = contentSize() + QSize(frame, frame);
    return content.boundedTo(QSize(960, 720)).expandedTo(QSize(420, 300));
}

QSize DiagramWidget::minimumSizeHint() const
{
    const Geometry &g = m_geometry;
    return QSize(g.gutter + 2 * g.margin + 2 * 90, g.headerHeight + g.footerHeight + 2 * g.rowHeight);
}

int DiagramWidget::columnOf(const QString &id) const
{
    const QStringList lifelines = m_trace ? m_trace->lifelines() : QStringList{};
    int column = int(lifelines.indexOf(id));
    if (column < 0) {
        // A step that names an unknown lifeline is drawn on the app's lifeline rather than lost.
        column = std::max(0, int(lifelines.indexOf(Trace::App)));
    }
    return std::min(column, int(m_geometry.columnWidth.size()) - 1);
}

int DiagramWidget::lifelineX(const QString &id) const
{
    const Geometry &g = m_geometry;
    const int column = columnOf(id);
    if (column < 0)
        return 0;
    return g.columnLeft.at(column) + g.columnWidth.at(column) / 2 - horizontalScrollBar()->value();
}

int DiagramWidget::rowTop(int index) const
{
    const Geometry &g = m_geometry;
    return g.headerHeight + g.rowsTop + index * g.rowHeight - verticalScrollBar()->value();
}

int DiagramWidget::rowsAreaBottom() const
{
    return viewport()->height() - m_geometry.footerHeight;
}

int DiagramWidget::stepAt(const QPoint &pos) const
{
    if (!m_trace || pos.y() < m_geometry.headerHeight || pos.y() >= rowsAreaBottom())
        return -1;
    const int drawn = m_shown + (isAnimating() ? 1 : 0);
    const int offset = pos.y() - rowTop(0);
    if (offset < 0)
        return -1;
    const int index = offset / m_geometry.rowHeight;
    return index < drawn ? index : -1;
}

QRect DiagramWidget::stepRect(int index) const
{
    const int drawn = m_shown + (isAnimating() ? 1 : 0);
    if (!m_trace || index < 0 || index >= drawn || index >= m_trace->count())
        return {};
    return shapeOf(m_trace->step(index)).bounds;
}

void DiagramWidget::scrollToStep(int index)
{
    if (!m_trace || index < 0 || index >= m_trace->count())
        return;
    const Geometry &g = m_geometry;
    QScrollBar *vbar = verticalScrollBar();
    const int top = g.rowsTop + index * g.rowHeight; // in scrolled coordinates
    const int visibleHeight = viewport()->height() - g.headerHeight - g.footerHeight;
    if (top < vbar->value())
        vbar->setValue(top - g.rowsTop);
    else if (top + g.rowHeight > vbar->value() + visibleHeight)
        vbar->setValue(top + g.rowHeight + g.rowsTop - visibleHeight);

    // Bring the arrow's span into view horizontally when it fits.
    const TraceStep &step = m_trace->step(index);
    QScrollBar *hbar = horizontalScrollBar();
    const int x1 = lifelineX(step.from) + hbar->value();
    const int x2 = lifelineX(step.to) + hbar->value();
    const int halfColumn = std::max(g.columnWidth.value(columnOf(step.from)), g.columnWidth.value(columnOf(step.to))) / 2;
    const int left = std::min(x1, x2) - halfColumn;
    const int right = std::max(x1, x2) + halfColumn;
    if (left < hbar->value())
        hbar->setValue(left);
    else if (right > hbar->value() + viewport()->width())
        hbar->setValue(right - viewport()->width());
}

QString DiagramWidget::statusText(const TraceStep &step) const
{
    QStringList parts;
    if (step.response.status > 0)
        parts << QString::number(step.response.status);
    if (step.result == StepResult::Pending) {
        parts << QStringLiteral("…");
    } else if (step.durationMs >= 0 && (step.channel != Channel::Local || step.durationMs > 0)) {
        parts << tr("%1 ms").arg(step.durationMs);
    }
    return parts.join(QStringLiteral(" · "));
}

DiagramWidget::StepShape DiagramWidget::shapeOf(const TraceStep &step) const
{
    const Geometry &g = m_geometry;
    const QFontMetrics fm = fontMetrics();
    // paintLabel() draws the current step's title in bold, so measure it that way.
    QFont titleFont = font();
    titleFont.setBold(step.index == m_current);
    const QFontMetrics titleFm(titleFont);
    const int top = rowTop(step.index);
    const int contentLeft = g.gutter - horizontalScrollBar()->value();
    const int contentRight = g.contentWidth - horizontalScrollBar()->value();

    StepShape shape;
    shape.local = step.from == step.to || step.channel == Channel::Local;
    shape.x1 = lifelineX(step.from);
    shape.x2 = shape.local ? shape.x1 : lifelineX(step.to);
    const QString title = m_trace ? m_trace->mask(step.title) : step.title;
    shape.meta = statusText(step);
    const int metaWidth = shape.meta.isEmpty() ? 0 : fm.horizontalAdvance(shape.meta) + metaSpacing;
    const int labelHeight = fm.height() + 2;
    const int neededWidth = glyphWidth + titleFm.horizontalAdvance(title) + metaWidth + 8 + textSlack;

    if (shape.local) {
        // Self-loop to the right of the lifeline, label on the side with more room.
        shape.y = top + g.rowHeight / 2.0;
        const int loopRight = int(shape.x1) + 20;
        const int spaceRight = contentRight - loopRight - 10;
        const int spaceLeft = int(shape.x1) - contentLeft - 10;
        const bool onRight = spaceRight >= std::min(spaceLeft, neededWidth);
        const int width = std::min(neededWidth, std::max(40, onRight ? spaceRight : spaceLeft));
        const int left = onRight ? loopRight + 6 : int(shape.x1) - 8 - width;
        shape.labelRect = QRect(left, int(shape.y) - labelHeight / 2, width, labelHeight);
        shape.bounds = shape.labelRect.united(QRect(int(shape.x1) - 2, int(shape.y) - 9, 24, 18));
    } else {
        shape.y = top + 4 + labelHeight + 6;
        const qreal span = std::abs(shape.x2 - shape.x1);
        // Each row contains one step, so a label may run past its arrow's ends as far as the content goes.
        const int width = std::min(neededWidth, contentRight - contentLeft - 4);
        int left = int((shape.x1 + shape.x2) / 2) - width / 2;
        left = std::clamp(left, contentLeft + 2, std::max(contentLeft + 2, contentRight - 2 - width));
        shape.labelRect = QRect(left, top + 4, width, labelHeight);
        const QRect line(int(std::min(shape.x1, shape.x2)), int(shape.y) - 6, int(span) + 1, 12);
        shape.bounds = shape.labelRect.united(line);
    }
    const int titleRoom = shape.labelRect.width() - glyphWidth - 8 - metaWidth;
    if (titleRoom < titleFm.horizontalAdvance(QStringLiteral("Wxyz…"))) {
        // Too narrow for both: the title matters more than the status.
        shape.meta.clear();
        shape.title = titleFm.elidedText(title, Qt::ElideRight, shape.labelRect.width() - glyphWidth - 8);
    } else {
        shape.title = titleFm.elidedText(title, Qt::ElideRight, titleRoom);
    }
    return shape;
}

// ---- painting ----

void DiagramWidget::paintEvent(QPaintEvent *)
{
    QPainter painter(viewport());
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    const Geometry &g = m_geometry;
    const QRect area = viewport()->rect();
    painter.fillRect(area, pal.color(QPalette::Base));

    const QRect rowsArea(0, g.headerHeight, area.width(), rowsAreaBottom() - g.headerHeight);
    painter.save();
    painter.setClipRect(rowsArea);

    const int drawn = m_trace ? std::min(m_trace->count(), m_shown + (isAnimating() ? 1 : 0)) : 0;
    const int first = std::max(0, (verticalScrollBar()->value() - g.rowsTop) / g.rowHeight);
    const int last = std::min(drawn - 1, (verticalScrollBar()->value() + rowsArea.height()) / g.rowHeight + 1);

    if (m_current >= 0 && m_current < drawn) {
        const QRect band(0, rowTop(m_current), area.width(), g.rowHeight);
        painter.fillRect(band, currentRowColor(pal));
        if (hasFocus()) {
            painter.setPen(QPen(pal.color(QPalette::Highlight), 1, Qt::DotLine));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(QRectF(band).adjusted(0.5, 0.5, -0.5, -0.5));
        }
    }

    // Lifelines.
    const QColor lifelineColor = mix(pal.color(QPalette::Text), pal.color(QPalette::Base), 0.7);
    QPen lifelinePen(lifelineColor, 1);
    lifelinePen.setDashPattern({3.0, 4.0});
    painter.setPen(lifelinePen);
    if (m_trace) {
        for (const QString &id : m_trace->lifelines()) {
            const qreal x = lifelineX(id) + 0.5;
            painter.drawLine(QPointF(x, rowsArea.top()), QPointF(x, rowsArea.bottom()));
        }
    }

    if (drawn == 0) {
        const QString message = m_trace ? tr("No steps yet. Each request and check of a flow appears here as it happens.")
                                         : tr("No flow selected.");
        const QRect textArea = rowsArea.adjusted(g.gutter, 0, -g.margin, 0);
        const QRect textRect = painter.boundingRect(textArea, Qt::AlignCenter | Qt::TextWordWrap, message);
        painter.setPen(Qt::NoPen);
        painter.setBrush(pal.color(QPalette::Base));
        painter.drawRect(textRect.adjusted(-8, -4, 8, 4));
        painter.setPen(mutedTextColor(pal));
        painter.drawText(textArea, Qt::AlignCenter | Qt::TextWordWrap, message);
    }

    QFont numberFont = font();
    numberFont.setPointSizeF(std::max(6.0, numberFont.pointSizeF() * 0.85));
    for (int i = first; i <= last; ++i) {
        const TraceStep &step = m_trace->step(i);
        const qreal progress = i == m_animatingStep ? m_progress : 1.0;
        const StepShape shape = shapeOf(step);

        painter.setFont(numberFont);
        painter.setPen(i == m_current ? pal.color(QPalette::Text) : mutedTextColor(pal));
        painter.drawText(QRect(0, rowTop(i), g.gutter - 6, g.rowHeight), Qt::AlignRight | Qt::AlignVCenter,
                         QString::number(i + 1));
        painter.setFont(font());

        if (shape.local)
            paintLocal(painter, step, shape, progress);
        else
            paintArrow(painter, step, shape, progress);
    }
    painter.restore();

    paintHeader(painter);
    paintLegend(painter);
}

void DiagramWidget::paintArrow(QPainter &painter, const TraceStep &step, const StepShape &shape, qreal progress) const
{
    const QColor color = resultColor(step.result, palette());
    const bool current = step.index == m_current;
    const qreal width = current ? 2.2 : 1.5;
    const int dir = shape.x2 > shape.x1 ? 1 : -1;
    const qreal start = shape.x1 + dir * 2;
    const qreal end = shape.x2 - dir * 2;
    const qreal tip = start + (end - start) * progress;

    painter.save();
    painter.setPen(linePen(step.channel, step.result, color, width));
    const qreal lineEnd = tip - dir * (arrowHeadLength - 1);
    if ((lineEnd - start) * dir > 0)
        painter.drawLine(QPointF(start, shape.y), QPointF(lineEnd, shape.y));
    if (progress > 0.05)
        paintArrowHead(painter, QPointF(tip, shape.y), dir, step.channel != Channel::Front, color, width);

    if (progress >= 1.0 && step.result == StepResult::Failed) {
        // A cross on a disc just before the receiver marks the failed request.
        const QPointF center(shape.x2 - dir * 22, shape.y);
        painter.setPen(QPen(color, 1.2));
        painter.setBrush(current ? currentRowColor(palette()) : palette().color(QPalette::Base));
        painter.drawEllipse(center, 7.5, 7.5);
        paintResultGlyph(painter, center, StepResult::Failed, color, 9);
    }

    painter.setOpacity(progress);
    paintLabel(painter, step, shape);
    painter.restore();
}

void DiagramWidget::paintLocal(QPainter &painter, const TraceStep &step, const StepShape &shape, qreal progress) const
{
    const QColor color = resultColor(step.result, palette());
    const qreal width = step.index == m_current ? 2.0 : 1.4;
    const qreal x = shape.x1 + 1;
    const qreal y = shape.y;

    painter.save();
    painter.setOpacity(progress);
    QPainterPath loop;
    loop.moveTo(x, y - 6);
    loop.lineTo(x + 18, y - 6);
    loop.lineTo(x + 18, y + 5);
    loop.lineTo(x + arrowHeadLength, y + 5);
    painter.setPen(linePen(Channel::Local, step.result, color, width));
    painter.setBrush(Qt::NoBrush);
    painter.drawPath(loop);
    paintArrowHead(painter, QPointF(x + 1, y + 5), -1, true, color, 1.0);
    paintLabel(painter, step, shape);
    painter.restore();
}

void DiagramWidget::paintLabel(QPainter &painter, const TraceStep &step, const StepShape &shape) const
{
    const QPalette pal = palette();
    const QRect r = shape.labelRect;
    const bool current = step.index == m_current;

    // A background keeps the text readable where it crosses a lifeline.
    painter.setPen(Qt::NoPen);
    painter.setBrush(current ? currentRowColor(pal) : pal.color(QPalette::Base));
    painter.drawRoundedRect(QRectF(r), 3, 3);

    const QColor color = resultColor(step.result, pal);
    paintResultGlyph(painter, QPointF(r.left() + 4 + 5, r.center().y() + 0.5), step.result, color, 9);

    QFont titleFont = font();
    titleFont.setBold(current);
    titleFont.setStrikeOut(false);
    painter.setFont(titleFont);
    const QFontMetrics fm(titleFont);
    QRect textRect = r.adjusted(glyphWidth + 2, 0, -4, 0);
    painter.setPen(step.result == StepResult::Skipped ? mutedTextColor(pal) : pal.color(QPalette::Text));
    const QString title = fm.horizontalAdvance(shape.title) > textRect.width()
                              ? fm.elidedText(shape.title, Qt::ElideRight, textRect.width())
                              : shape.title;
    painter.drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter, title);

    if (!shape.meta.isEmpty()) {
        painter.setFont(font());
        painter.setPen(mutedTextColor(pal));
        const int titleWidth = fm.horizontalAdvance(title);
        painter.drawText(textRect.adjusted(titleWidth + metaSpacing, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                         shape.meta);
    }
    painter.setFont(font());
}

void DiagramWidget::paintHeader(QPainter &painter) const
{
    const QPalette pal = palette();
    const Geometry &g = m_geometry;
    const QRect header(0, 0, viewport()->width(), g.headerHeight);
    painter.fillRect(header, pal.color(QPalette::Window));
    painter.setPen(mix(pal.color(QPalette::Text), pal.color(QPalette::Window), 0.75));
    painter.drawLine(header.bottomLeft(), header.bottomRight());
    if (!m_trace)
        return;

    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    const QFontMetrics fm(bold);
    const int boxHeight = fm.height() + 10;
    for (const QString &id : m_trace->lifelines()) {
        const QString label = m_trace->lifelineLabel(id);
        const int width = std::min(g.columnWidth.value(columnOf(id)) - 10, fm.horizontalAdvance(label) + 24);
        const int x = lifelineX(id);
        const QRectF box(x - width / 2.0 + 0.5, 6.5, width, boxHeight);
        QPen border(mix(pal.color(QPalette::ButtonText), pal.color(QPalette::Button), 0.55), 1);
        // Hosts the browser passed through get a dashed border: they are not set up in the profile.
        if (id.startsWith(QStringLiteral("host:")))
            border.setDashPattern({3.0, 2.0});
        painter.setPen(border);
        painter.setBrush(pal.color(QPalette::Button));
        painter.drawRoundedRect(box, 4, 4);
        painter.setPen(pal.color(QPalette::ButtonText));
        painter.drawText(box.adjusted(6, 0, -6, 0), Qt::AlignCenter, fm.elidedText(label, Qt::ElideMiddle, width - 12));
        painter.setPen(QPen(mix(pal.color(QPalette::Text), pal.color(QPalette::Base), 0.7), 1));
        painter.drawLine(QPointF(x + 0.5, box.bottom()), QPointF(x + 0.5, g.headerHeight));
    }
    painter.setFont(font());
}

void DiagramWidget::paintLegend(QPainter &painter) const
{
    const QPalette pal = palette();
    const Geometry &g = m_geometry;
    const QRect footer(0, rowsAreaBottom(), viewport()->width(), g.footerHeight);
    painter.fillRect(footer, pal.color(QPalette::Window));
    painter.setPen(mix(pal.color(QPalette::Text), pal.color(QPalette::Window), 0.75));
    painter.drawLine(footer.topLeft(), footer.topRight());

    const QFontMetrics fm = fontMetrics();
    const QList<LegendEntry> entries = legendEntries();
    int lines = 1;
    const QList<QPoint> positions = layoutLegend(entries, m_textWidth, fm.height() + 4, footer.width(), &lines);
    const QColor neutral = pal.color(QPalette::WindowText);
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const LegendEntry &entry = entries.at(i);
        const QPoint topLeft = footer.topLeft() + positions.at(i);
        const qreal midY = topLeft.y() + fm.height() / 2.0 + 0.5;
        const int symbolWidth = legendSymbolWidth(entry.kind);
        painter.save();
        switch (entry.kind) {
        case LegendEntry::BackChannel:
        case LegendEntry::FrontChannel: {
            const Channel channel = entry.kind == LegendEntry::BackChannel ? Channel::Back : Channel::Front;
            painter.setPen(linePen(channel, StepResult::Ok, neutral, 1.4));
            painter.drawLine(QPointF(topLeft.x(), midY), QPointF(topLeft.x() + symbolWidth - arrowHeadLength, midY));
            paintArrowHead(painter, QPointF(topLeft.x() + symbolWidth, midY), 1, channel == Channel::Back, neutral, 1.4);
            break;
        }
        case LegendEntry::LocalCheck: {
            QPainterPath loop;
            const qreal x = topLeft.x() + 4;
            loop.moveTo(x, midY - 5);
            loop.lineTo(x + 16, midY - 5);
            loop.lineTo(x + 16, midY + 4);
            loop.lineTo(x + arrowHeadLength, midY + 4);
            painter.setPen(QPen(neutral, 1.4));
            painter.setBrush(Qt::NoBrush);
            painter.drawPath(loop);
            paintArrowHead(painter, QPointF(x + 1, midY + 4), -1, true, neutral, 1.0);
            break;
        }
        case LegendEntry::Result:
            paintResultGlyph(painter, QPointF(topLeft.x() + symbolWidth / 2.0, midY), entry.result,
                             resultColor(entry.result, pal), 9);
            break;
        }
        painter.restore();
        painter.setPen(pal.color(QPalette::WindowText));
        painter.drawText(QPoint(topLeft.x() + symbolWidth + 6, topLeft.y() + fm.ascent()), entry.text);
    }
}

// ---- events ----

void DiagramWidget::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    relayout();
}

void DiagramWidget::scrollContentsBy(int, int)
{
    // The header and legend stay in place, so the whole viewport is repainted instead of scrolled.
    viewport()->update();
}

int DiagramWidget::TextWidthCache::operator()(const QString &text) const
{
    const auto found = m_widths.constFind(text);
    if (found != m_widths.cend())
        return *found;
    QFont font = m_widget->font();
    if (m_bold)
        font.setBold(true);
    const int width = QFontMetrics(font).horizontalAdvance(text);
    m_widths.insert(text, width);
    return width;
}

void DiagramWidget::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange
        || event->type() == QEvent::StyleChange) {
        m_textWidth.clear();
        m_boldTextWidth.clear();
        relayout();
        updateGeometry();
    }
}

void DiagramWidget::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    const int index = stepAt(event->position().toPoint());
    if (index >= 0) {
        // The user takes over from a running replay.
        stopReplay();
        makeCurrent(index, true);
    }
    event->accept();
}

void DiagramWidget::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        event->accept();
    else
        QAbstractScrollArea::mouseReleaseEvent(event);
}

void DiagramWidget::keyPressEvent(QKeyEvent *event)
{
    const int drawn = m_trace ? std::min(m_trace->count(), m_shown + (isAnimating() ? 1 : 0)) : 0;
    if (drawn == 0) {
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    const int visibleRows = std::max(1, (viewport()->height() - m_geometry.headerHeight - m_geometry.footerHeight)
                                            / m_geometry.rowHeight);
    int target = m_current;
    switch (event->key()) {
    case Qt::Key_Up:
        target = m_current < 0 ? drawn - 1 : std::max(0, m_current - 1);
        break;
    case Qt::Key_Down:
        target = m_current < 0 ? 0 : std::min(drawn - 1, m_current + 1);
        break;
    case Qt::Key_PageUp:
        target = std::max(0, (m_current < 0 ? drawn : m_current) - visibleRows);
        break;
    case Qt::Key_PageDown:
        target = std::min(drawn - 1, m_current + visibleRows);
        break;
    case Qt::Key_Home:
        target = 0;
        break;
    case Qt::Key_End:
        target = drawn - 1;
        break;
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    event->accept();
    stopReplay();
    if (target != m_current)
        makeCurrent(target, true);
}

QString DiagramWidget::stepToolTip(int index) const
{
    const TraceStep &step = m_trace->step(index);
    QStringList lines;
    lines << QStringLiteral("<b>%1</b>").arg(m_trace->mask(step.title).toHtmlEscaped());
    const QString status = statusText(step);
    lines << tr("%1 → %2 · %3%4")
                 .arg(m_trace->lifelineLabel(step.from).toHtmlEscaped(), m_trace->lifelineLabel(step.to).toHtmlEscaped(),
                      stepResultName(step.result), status.isEmpty() ? QString() : QStringLiteral(" · ") + status);
    if (!step.detail.isEmpty())
        lines << m_trace->mask(step.detail).toHtmlEscaped();
    return QStringLiteral("<qt>") + lines.join(QStringLiteral("<br>")) + QStringLiteral("</qt>");
}

bool DiagramWidget::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        if (m_trace && help->pos().y() < m_geometry.headerHeight) {
            // Lifeline boxes elide long host names, so the tooltip shows the whole name.
            for (const QString &id : m_trace->lifelines()) {
                const int column = columnOf(id);
                const int left = m_geometry.columnLeft.value(column) - horizontalScrollBar()->value();
                if (help->pos().x() >= left && help->pos().x() < left + m_geometry.columnWidth.value(column)) {
                    QToolTip::showText(help->globalPos(), m_trace->lifelineLabel(id), viewport());
                    return true;
                }
            }
        }
        const int index = stepAt(help->pos());
        if (index >= 0)
            QToolTip::showText(help->globalPos(), stepToolTip(index), viewport(),
                               QRect(0, rowTop(index), viewport()->width(), m_geometry.rowHeight));
        else
            QToolTip::hideText();
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

} // namespace afx::gui
