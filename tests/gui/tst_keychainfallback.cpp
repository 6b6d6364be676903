// What the window does about the OS keychain at start. In a session with a working Secret
// Service it uses the keychain silently. Run with AFX_NO_SECRET_SERVICE=1 through
// scripts/lib/test-session (a D-Bus session without any Secret Service), it must report this
// in plain words, with the error QtKeychain gave, and offer to keep tokens in memory instead.

#include "gui/mainwindow.h"
#include "gui/messagebanner.h"

#include <QAction>
#include "storage/tokenstore.h"

#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using namespace afx::gui;

class TestKeychainFallback : public QObject {
    Q_OBJECT

    static bool secretServiceDisabled() { return qEnvironmentVariable("AFX_NO_SECRET_SERVICE") == QLatin1String("1"); }

private Q_SLOTS:
    void keychainUsedWhenAvailable()
    {
        if (secretServiceDisabled())
            QSKIP("This session has no Secret Service on purpose.");
        if (qEnvironmentVariable("AFX_TEST_SESSION") != QLatin1String("1"))
            QSKIP("Run through scripts/lib/test-session so the test never touches your own keyring.");
        QTemporaryDir profiles;
        MainWindowOptions options;
        options.profilesDirectory = profiles.path();
        options.historyDirectory = profiles.filePath(QStringLiteral("history")); // never the user's data folder
        options.sandboxPort = 0;
        MainWindow window(options);
        window.show();
        window.initialize();
        QTRY_VERIFY_WITH_TIMEOUT(window.isReady(), 15000);
        QVERIFY(window.tokenStore());
        QVERIFY(window.tokenStore()->isPersistent());
        QVERIFY(!window.banner()->isVisible());
    }

    void memoryOfferedWithoutSecretService()
    {
        if (!secretServiceDisabled())
            QSKIP("Needs AFX_NO_SECRET_SERVICE=1 (ctest runs it as tst_keychainfallback_no_secret_service).");
        QTemporaryDir profiles;
        MainWindowOptions options;
        options.profilesDirectory = profiles.path();
        options.historyDirectory = profiles.filePath(QStringLiteral("history")); // never the user's data folder
        options.sandboxPort = 0;
        options.keychainTimeoutMs = 3000;
        MainWindow window(options);
        window.show();
        window.initialize();
        QTRY_VERIFY_WITH_TIMEOUT(window.isReady(), 15000);

        QVERIFY(!window.tokenStore());
        MessageBanner *banner = window.banner();
        QVERIFY(banner->isVisible());
        QCOMPARE(banner->kind(), MessageBanner::Kind::Warning);
        QVERIFY2(banner->text().contains(QLatin1String("keychain is not available")), qPrintable(banner->text()));
        // The error QtKeychain reported, and what to install.
        QVERIFY2(banner->text().contains(QLatin1String("org.freedesktop.secrets")), qPrintable(banner->text()));
        QVERIFY2(banner->text().contains(QLatin1String("gnome-keyring")), qPrintable(banner->text()));

        // A retry probes the keychain again and, still without one, shows the warning again.
        auto *retry = window.findChild<QAction *>(QStringLiteral("retryKeychainAction"));
        QVERIFY(retry);
        QVERIFY(retry->isEnabled());
        QVERIFY2(banner->text().contains(QLatin1String("Retry the OS keychain")), qPrintable(banner->text()));
        banner->hideMessage();
        retry->trigger();
        QVERIFY(!retry->isEnabled()); // while the probe runs
        QTRY_VERIFY_WITH_TIMEOUT(retry->isEnabled(), 15000);
        QVERIFY(banner->isVisible());
        QVERIFY2(banner->text().contains(QLatin1String("keychain is not available")), qPrintable(banner->text()));
        QVERIFY(!window.tokenStore());

        auto *action = banner->findChild<QPushButton *>(QStringLiteral("messageAction"));
        QVERIFY(action);
        QVERIFY(action->isVisible());
        QTest::mouseClick(action, Qt::LeftButton);
        QVERIFY(window.tokenStore());
        QVERIFY(!window.tokenStore()->isPersistent());
        QVERIFY2(banner->text().contains(QLatin1String("memory")), qPrintable(banner->text()));
    }
};

QTEST_MAIN(TestKeychainFallback)
#include "tst_keychainfallback.moc"
