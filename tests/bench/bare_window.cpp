// The baseline for the start-up benchmark: a Qt Widgets program that only shows a window.
#include <QApplication>
#include <QTimer>
#include <QWidget>

#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QWidget window;
    window.resize(1360, 860);
    window.show();
    QTimer::singleShot(0, &app, [] {
        std::fputs("afx-probe shown\n", stdout);
        std::fflush(stdout);
        QCoreApplication::exit(0);
    });
    return app.exec();
}
