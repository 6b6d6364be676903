#pragma once

#include "storage/profile.h"

#include <QDialog>

#include <memory>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace Ui {
class ProfileDialog;
}

namespace afx::gui {

// Form for creating or editing a login profile. The client secret is returned separately so
// the caller can keep it in the keychain; it never enters the Profile.
class ProfileDialog : public QDialog {
    Q_OBJECT
public:
    explicit ProfileDialog(QWidget *parent = nullptr);
    ~ProfileDialog() override;

    void setProfile(const Profile &profile, const QString &clientSecret);
    Profile profile() const;
    QString clientSecret() const;

    void accept() override;

private:
    // Reads the form into a profile; returns false with the problems when the form itself
    // cannot be read (such as an extra parameter line without '=').
    bool readForm(Profile *out, QStringList *problems) const;
    void showProblems(const QStringList &problems);

    std::unique_ptr<Ui::ProfileDialog> m_ui;
    QComboBox *m_responseMode = nullptr;
    QComboBox *m_browser = nullptr;
    QCheckBox *m_pushed = nullptr;
    QLineEdit *m_clientKeyFile = nullptr;
    QWidget *m_keyRow = nullptr;
    QCheckBox *m_keepSession = nullptr;
    // The login mutation: the GraphQL document, its variables as JSON, and the token paths.
    QWidget *m_mutationBox = nullptr;
    QPlainTextEdit *m_mutationDocument = nullptr;
    QPlainTextEdit *m_mutationVariables = nullptr;
    QLineEdit *m_idTokenPath = nullptr;
    QLineEdit *m_refreshTokenPath = nullptr;
    QLineEdit *m_accessTokenPath = nullptr;
    void buildLoginMutationRows();
    // The environment: a two-column table of names and plain-text values for {{name}}
    // placeholders in the query editor, behind a toggle button like the login mutation.
    QPushButton *m_environmentToggle = nullptr;
    QWidget *m_environmentBox = nullptr;
    QTableWidget *m_environment = nullptr;
    void buildEnvironmentRows();
    void setEnvironment(const QList<QPair<QString, QString>> &environment);
    void updateEnvironmentToggle();
    // Appends the table's rows to *out; a row with a value but no name is a problem.
    void readEnvironment(QList<QPair<QString, QString>> *out, QStringList *problems) const;
    // A link above the form that explains auth provider, authentication profile and single sign-on.
    void addTermsHelp();
    Profile m_base; // keeps id and members the form does not show
};

} // namespace afx::gui
