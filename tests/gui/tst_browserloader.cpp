// The embedded browser is a plugin loaded on the first login. When it is missing or broken,
// Log in must name the file and the folders searched, and leave the window usable.
// Runs on the offscreen platform: none of these cases gets as far as starting WebEngine.

#include "gui/browserloader.h"
#include "gui/embeddedbrowser.h"
#include "gui/mainwindow.h"
#include "gui/messagebanner.h"

#include <QAction>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QWidget>

using namespace afx::gui;

class TestBrowserLoader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { qunsetenv("AFX_PLUGIN_DIR"); }

    void defaultDirsIncludeTheInstallLayout()
    {
        const QStringList dirs = embeddedBrowserPluginDirs();
        QCOMPARE(dirs.size(), 2);
        QVERIFY2(dirs.first().endsWith(QLatin1String("/lib/authflow-explorer")), qPrintable(dirs.first()));
        QVERIFY(QFile::exists(dirs.last() + QStringLiteral("/afx-webengine-browser.so")));
    }

    void missingPluginNamesFileAndFolder()
    {
        QTemporaryDir empty;
        qputenv("AFX_PLUGIN_DIR", empty.path().toUtf8());
        QCOMPARE(embeddedBrowserPluginDirs(), QStringList{empty.path()});
        QWidget parent;
        QString error;
        QVERIFY(!createEmbeddedBrowser(&parent, &error));
        QVERIFY2(error.contains(QLatin1String("afx-webengine-browser.so")), qPrintable(error));
        QVERIFY2(error.contains(empty.path()), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("AFX_PLUGIN_DIR")), qPrintable(error));
    }

    void brokenPluginReportsTheLoaderError()
    {
        QTemporaryDir dir;
        QFile fake(dir.filePath(QStringLiteral("afx-webengine-browser.so")));
        QVERIFY(fake.open(QIODevice::WriteOnly));
        fake.write("this is not a shared library\n");
        fake.close();
        qputenv("AFX_PLUGIN_DIR", dir.path().toUtf8());
        QWidget parent;
        QString error;
        QVERIFY(!createEmbeddedBrowser(&parent, &error));
        QVERIFY2(error.contains(QLatin1String("could not be loaded")), qPrintable(error));
        QVERIFY2(error.contains(fake.fileName()), qPrintable(error));
    }

    void loginWithoutPluginShowsTheErrorAndStaysUsable()
    {
        QTemporaryDir empty;
        QTemporaryDir profiles;
        qputenv("AFX_PLUGIN_DIR", empty.path().toUtf8());
        MainWindowOptions options;
        options.profilesDirectory = profiles.path();
        options.historyDirectory = profiles.filePath(QStringLiteral("history")); // never the user's data folder
        options.useKeychain = false;
        options.sandboxPort = 0;
        MainWindow window(options);
        window.show();
        window.initialize();
        QTRY_VERIFY_WITH_TIMEOUT(window.isReady(), 15000);

        window.login();
        QVERIFY(!window.browser());
        QCOMPARE(window.banner()->kind(), MessageBanner::Kind::Error);
        QVERIFY2(window.banner()->text().contains(QLatin1String("afx-webengine-browser.so")), qPrintable(window.banner()->text()));
        QAction *loginAction = window.findChild<QAction *>(QStringLiteral("loginAction"));
        QVERIFY(loginAction);
        QVERIFY(loginAction->isEnabled());
    }
};

QTEST_MAIN(TestBrowserLoader)
#include "tst_browserloader.moc"
