#include "gui/fontwarmup.h"

#include <QFont>
#include <QFontDatabase>
#include <QFontMetrics>
#include <QGuiApplication>

namespace afx::gui {

std::jthread startFontWarmUp()
{
    return std::jthread([] {
        // Qt's font database is thread-safe. These are the fonts of the diagram and the step
        // inspector: the application font, its bold face and the fixed-width font.
        QFont regular = QGuiApplication::font();
        const QString sample = QStringLiteral("Browser App Auth provider Backend 0123456789");
        QFontMetrics(regular).horizontalAdvance(sample);
        regular.setBold(true);
        QFontMetrics(regular).horizontalAdvance(sample);
        QFontMetrics(QFontDatabase::systemFont(QFontDatabase::FixedFont)).horizontalAdvance(sample);
    });
}

} // namespace afx::gui
