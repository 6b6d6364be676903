// The profile dialog's environment table: the {{name}} values the query editor fills in.

#include "gui/profiledialog.h"
#include "storage/profile.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QtTest>

using afx::Profile;
using afx::gui::ProfileDialog;

namespace {

Profile sampleProfile()
{
    Profile profile;
    profile.id = QStringLiteral("env-test");
    profile.name = QStringLiteral("Env test");
    profile.issuer = QStringLiteral("https://login.example.com");
    profile.clientId = QStringLiteral("client-1");
    profile.environment = {{QStringLiteral("baseUrl"), QStringLiteral("http://127.0.0.1:4000")},
                           {QStringLiteral("tenant"), QStringLiteral("äcme")}};
    return profile;
}

QString problemsText(ProfileDialog &dialog)
{
    return dialog.findChild<QLabel *>(QStringLiteral("message"))->text();
}

} // namespace

class TestQueryEditorEnvironment : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void tableShowsEnvironment();
    void addAndRemoveRows();
    void secretNameRejected();
    void valueWithoutNameRejected();
    void invalidAndDuplicateNamesRejected();
    void screenshot();
};

void TestQueryEditorEnvironment::tableShowsEnvironment()
{
    ProfileDialog dialog;
    dialog.setProfile(sampleProfile(), QString());
    dialog.show();
    auto *toggle = dialog.findChild<QPushButton *>(QStringLiteral("environmentToggle"));
    QVERIFY(toggle);
    // Opened, because the profile has values.
    QVERIFY(toggle->isChecked());
    QCOMPARE(toggle->text(), QStringLiteral("&Environment for the query editor (2 values)..."));
    auto *table = dialog.findChild<QTableWidget *>(QStringLiteral("environment"));
    QVERIFY(table->isVisible());
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("baseUrl"));
    QCOMPARE(table->item(1, 1)->text(), QStringLiteral("äcme"));
    QCOMPARE(table->horizontalHeaderItem(1)->text(), QStringLiteral("Value (plain text)"));
    const QString note = dialog.findChild<QLabel *>(QStringLiteral("environmentNote"))->text();
    QVERIFY2(note.contains(QStringLiteral("<b>in plain text</b>")), qPrintable(note));
    QVERIFY2(note.contains(QStringLiteral("never enter tokens or passwords")), qPrintable(note));

    QCOMPARE(dialog.profile().environment, sampleProfile().environment);

    // A profile without values starts closed.
    Profile empty = sampleProfile();
    empty.environment.clear();
    ProfileDialog second;
    second.setProfile(empty, QString());
    QVERIFY(!second.findChild<QPushButton *>(QStringLiteral("environmentToggle"))->isChecked());
    QCOMPARE(second.findChild<QPushButton *>(QStringLiteral("environmentToggle"))->text(),
             QStringLiteral("&Environment for the query editor..."));
}

void TestQueryEditorEnvironment::addAndRemoveRows()
{
    ProfileDialog dialog;
    dialog.setProfile(sampleProfile(), QString());
    dialog.show();
    auto *table = dialog.findChild<QTableWidget *>(QStringLiteral("environment"));
    dialog.findChild<QPushButton *>(QStringLiteral("addEnvironmentValue"))->click();
    QCOMPARE(table->rowCount(), 3);
    table->item(2, 0)->setText(QStringLiteral("  region "));
    table->item(2, 1)->setText(QStringLiteral("eu-west"));
    QCOMPARE(dialog.findChild<QPushButton *>(QStringLiteral("environmentToggle"))->text(),
             QStringLiteral("&Environment for the query editor (3 values)..."));

    table->setCurrentCell(0, 1);
    dialog.findChild<QPushButton *>(QStringLiteral("removeEnvironmentValue"))->click();
    const Profile read = dialog.profile();
    QCOMPARE(read.environment.size(), 2);
    QCOMPARE(read.environment.at(0), qMakePair(QStringLiteral("tenant"), QStringLiteral("äcme")));
    QCOMPARE(read.environment.at(1), qMakePair(QStringLiteral("region"), QStringLiteral("eu-west")));

    // Empty rows are ignored.
    dialog.findChild<QPushButton *>(QStringLiteral("addEnvironmentValue"))->click();
    QCOMPARE(dialog.profile().environment.size(), 2);
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
}

void TestQueryEditorEnvironment::secretNameRejected()
{
    ProfileDialog dialog;
    Profile profile = sampleProfile();
    profile.environment.append({QStringLiteral("apiToken"), QStringLiteral("abc")});
    dialog.setProfile(profile, QString());
    dialog.show();
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QVERIFY(dialog.isVisible());
    QVERIFY2(problemsText(dialog).contains(QStringLiteral("The environment name &quot;apiToken&quot; looks like a secret")),
             qPrintable(problemsText(dialog)));
}

void TestQueryEditorEnvironment::valueWithoutNameRejected()
{
    ProfileDialog dialog;
    dialog.setProfile(sampleProfile(), QString());
    dialog.show();
    auto *table = dialog.findChild<QTableWidget *>(QStringLiteral("environment"));
    dialog.findChild<QPushButton *>(QStringLiteral("addEnvironmentValue"))->click();
    table->item(2, 1)->setText(QStringLiteral("orphan"));
    dialog.accept();
    QVERIFY(dialog.isVisible());
    QVERIFY2(problemsText(dialog).contains(QStringLiteral("Environment row 3 has a value but no name")), qPrintable(problemsText(dialog)));
}

void TestQueryEditorEnvironment::invalidAndDuplicateNamesRejected()
{
    ProfileDialog dialog;
    Profile profile = sampleProfile();
    profile.environment.append({QStringLiteral("base url"), QStringLiteral("x")});
    profile.environment.append({QStringLiteral("tenant"), QStringLiteral("y")});
    dialog.setProfile(profile, QString());
    dialog.show();
    dialog.accept();
    QVERIFY(dialog.isVisible());
    QVERIFY2(problemsText(dialog).contains(QStringLiteral("&quot;base url&quot; is not valid")), qPrintable(problemsText(dialog)));
    QVERIFY2(problemsText(dialog).contains(QStringLiteral("&quot;tenant&quot; appears twice")), qPrintable(problemsText(dialog)));
}

void TestQueryEditorEnvironment::screenshot()
{
    ProfileDialog dialog;
    dialog.setProfile(sampleProfile(), QString());
    dialog.show();
    dialog.adjustSize();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    const QString dir = qEnvironmentVariable("AFX_SCREENSHOT_DIR", QStringLiteral(AFX_BINARY_DIR "/screenshots"));
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(dialog.grab().save(dir + QStringLiteral("/profile-environment.png")));
}

QTEST_MAIN(TestQueryEditorEnvironment)
#include "tst_queryeditorenvironment.moc"
