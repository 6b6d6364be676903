// The baseline for the start-up benchmark: a Qt Widgets program that only shows a window.
#include "gui/firstpaint.h"

#include <QApplication>
#include <QTimer>
#include <QWidget>

#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QWidget window;
    window.resize(1360, 860);
    // The same moment the app reports: the event loop pass after the first paint.
    afx::gui::runAfterFirstPaint(&window, [] {
        std::fputs("afx-probe shown\n", stdout);
        std::fflush(stdout);
        QCoreApplication::exit(0);
    });
    window.show();
    return app.exec();
}
