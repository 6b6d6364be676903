#pragma once

#include <QFrame>

class QLabel;
class QPushButton;
class QHBoxLayout;

namespace afx::gui {

// An inline message above the main area, for errors and notices that need no modal dialog.
// Holds at most one optional action button.
class MessageBanner : public QFrame {
    Q_OBJECT
public:
    enum class Kind { Info, Success, Warning, Error };

    explicit MessageBanner(QWidget *parent = nullptr);

    void showMessage(Kind kind, const QString &text, const QString &actionText = {});
    void hideMessage();
    QString text() const;
    Kind kind() const { return m_kind; }

Q_SIGNALS:
    void actionTriggered();

private:
    QLabel *m_label;
    QPushButton *m_action;
    QPushButton *m_close;
    Kind m_kind = Kind::Info;
};

} // namespace afx::gui
