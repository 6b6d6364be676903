#pragma once

#include "flow/trace.h"

#include <QAbstractScrollArea>
#include <QColor>
#include <QHash>
#include <QPointer>
#include <QTimer>
#include <QVariantAnimation>

class QPainter;

namespace afx::gui {

// Colour for a step result, readable on the given palette's Base colour in light and dark themes.
QColor resultColor(StepResult result, const QPalette &palette);

// A sequence diagram of a Trace: one lifeline per participant, one arrow per step.
//
// The widget is its own scroll area. The row of lifeline boxes stays at the top and the legend
// stays at the bottom while the steps scroll between them. All positions that the public API
// returns (stepRect(), stepAt()) are in viewport() coordinates, so mouse events for tests go
// to viewport().
//
// New steps are revealed one at a time with an arrow that travels from sender to receiver.
// Steps that arrive while another one is animating wait in order, so each one is seen. While
// the user has not picked an older step, the newest step becomes the current one and the view
// scrolls to it. Selecting an older step stops that until the user selects the newest step again.
class DiagramWidget : public QAbstractScrollArea {
    Q_OBJECT
public:
    explicit DiagramWidget(QWidget *parent = nullptr);
    ~DiagramWidget() override;

    void setTrace(Trace *trace);
    Trace *trace() const;

    // The highlighted step, or -1.
    int currentStep() const { return m_current; }
    // Selects a step as if the user had picked it. Emits stepSelected() when the step changes.
    void setCurrentStep(int index);

    // Area of the drawn arrow or check box of a step, in viewport coordinates (it moves with
    // scrolling). Null for steps that are not drawn yet.
    QRect stepRect(int index) const;
    // Step whose row contains the viewport position, or -1.
    int stepAt(const QPoint &viewportPos) const;
    void scrollToStep(int index);

    // Number of steps drawn so far. It is lower than the trace's count while steps wait for
    // their animation or while a replay runs.
    int shownStepCount() const { return m_shown; }
    bool isAnimating() const { return m_animatingStep >= 0; }
    bool isReplaying() const { return m_replaying; }
    // True while new steps become current on arrival.
    bool followsNewSteps() const { return m_follow; }

    // Time an arrow takes to travel, in milliseconds. 0 turns animation off.
    int animationDuration() const { return m_animationDuration; }
    void setAnimationDuration(int ms);
    // Time between two steps during replay(), in milliseconds.
    int replayInterval() const { return m_replayInterval; }
    void setReplayInterval(int ms);

    // Size that shows every lifeline at its minimum width and every step without scrolling.
    QSize contentSize() const;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public Q_SLOTS:
    // Hides all steps and reveals them again one after another, each becoming current.
    void replay();
    // Ends a replay and shows all steps at once. Does nothing when no replay runs. A click on a
    // step or a navigation key also ends a replay.
    void stopReplay();

Q_SIGNALS:
    // The current step changed by a click, a key, a replay or a newly arrived step. The index
    // is -1 after the trace was cleared. A click emits it even when the step was already current.
    void stepSelected(int index);
    // A replay ended, by reaching the last step or through stopReplay().
    void replayFinished();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void changeEvent(QEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    struct Geometry {
        int gutter = 0;        // width of the step-number column at the left
        int margin = 0;        // space left and right of the lifelines
        QList<int> columnLeft;  // per lifeline, in content coordinates
        QList<int> columnWidth; // per lifeline: what its label needs plus an equal share of spare width
        int contentWidth = 0;  // scrollable width
        int headerHeight = 0;  // lifeline boxes
        int footerHeight = 0;  // legend, depends on the viewport width
        int rowHeight = 0;
        int rowsTop = 0;       // space between the header and the first row
    };
    // Drawing positions of one step, in viewport coordinates.
    struct StepShape {
        bool local = false;
        qreal x1 = 0;         // sender lifeline
        qreal x2 = 0;         // receiver lifeline, equal to x1 for Local steps
        qreal y = 0;          // arrow line, or centre of the self-loop
        QRect labelRect;      // result glyph, title and status text
        QString title;        // elided to fit labelRect
        QString meta;         // "200 · 38 ms", may be empty
        QRect bounds;         // everything drawn for the step
    };

    void onStepAdded(int index);
    void onStepChanged(int index);
    void onLifelinesChanged();
    void onCleared();
    void onTraceDestroyed();
    void resetView();

    void startNextAnimation();
    void startAnimation(int index);
    void finishAnimation();
    void onAnimationValue(const QVariant &value);
    void onReplayTick();
    // Selects a step and, unless `scroll` is false, scrolls it into view.
    void makeCurrent(int index, bool fromUser, bool scroll = true);
    // True when no step is selected or the newest drawn row is at least partly in view. Only
    // then does a new step scroll the view, so a user who scrolled up to an earlier step keeps
    // their place.
    bool showsNewestRow() const;

    void relayout();
    QList<int> minimumColumnWidths() const;
    int columnOf(const QString &id) const;
    void updateScrollBars();
    int lifelineX(const QString &id) const;
    int rowTop(int index) const; // viewport y of a row's top
    int rowsAreaBottom() const;
    QString statusText(const TraceStep &step) const;
    QString stepToolTip(int index) const;
    void updateAccessibleDescription();

    void paintHeader(QPainter &painter) const;
    void paintLegend(QPainter &painter) const;
    StepShape shapeOf(const TraceStep &step) const;
    void paintArrow(QPainter &painter, const TraceStep &step, const StepShape &shape, qreal progress) const;
    void paintLocal(QPainter &painter, const TraceStep &step, const StepShape &shape, qreal progress) const;
    void paintLabel(QPainter &painter, const TraceStep &step, const StepShape &shape) const;

    // Widths of the legend texts and lifeline labels. QFontMetrics shapes a text again on every
    // call, and layouts ask for sizeHint() many times: at start-up that was about 38 million
    // instructions of shaping for the same dozen strings. Cleared when the font or style changes.
    class TextWidthCache {
    public:
        TextWidthCache(const QWidget *widget, bool bold)
            : m_widget(widget)
            , m_bold(bold)
        {
        }
        int operator()(const QString &text) const;
        void clear() { m_widths.clear(); }

    private:
        const QWidget *m_widget;
        bool m_bold;
        mutable QHash<QString, int> m_widths;
    };
    TextWidthCache m_textWidth{this, false};
    TextWidthCache m_boldTextWidth{this, true};

    QPointer<Trace> m_trace;
    QList<QMetaObject::Connection> m_traceConnections;
    Geometry m_geometry;

    int m_current = -1;
    int m_shown = 0;            // steps [0, m_shown) are drawn completely
    int m_animatingStep = -1;   // equals m_shown while its arrow travels, else -1
    qreal m_progress = 1.0;     // 0..1 for m_animatingStep
    bool m_follow = true;
    bool m_replaying = false;

    int m_animationDuration = 350;
    int m_replayInterval = 600;
    QVariantAnimation m_animation;
    QTimer m_replayTimer;
};

} // namespace afx::gui
