#include "gui/firstpaint.h"

#include <QEvent>
#include <QTimer>

namespace afx::gui {

namespace {

class FirstPaintWatcher : public QObject {
public:
    FirstPaintWatcher(QWidget *widget, std::function<void()> work)
        : QObject(widget)
        , m_work(std::move(work))
    {
        widget->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint) {
            watched->removeEventFilter(this);
            // The paint event is still being handled; the work runs after it is flushed.
            QTimer::singleShot(0, parent(), std::move(m_work));
            deleteLater();
        }
        return false;
    }

private:
    std::function<void()> m_work;
};

} // namespace

void runAfterFirstPaint(QWidget *widget, std::function<void()> work)
{
    new FirstPaintWatcher(widget, std::move(work));
}

} // namespace afx::gui
