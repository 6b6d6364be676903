#include "gui/messagebanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>

namespace afx::gui {

MessageBanner::MessageBanner(QWidget *parent)
    : QFrame(parent)
    , m_label(new QLabel(this))
    , m_action(new QPushButton(this))
    , m_close(new QPushButton(this))
{
    setObjectName(QStringLiteral("messageBanner"));
    setAccessibleName(tr("Message"));
    m_label->setObjectName(QStringLiteral("messageText"));
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_action->setObjectName(QStringLiteral("messageAction"));
    m_close->setObjectName(QStringLiteral("messageClose"));
    m_close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_close->setFlat(true);
    m_close->setToolTip(tr("Dismiss"));
    m_close->setAccessibleName(tr("Dismiss message"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_action);
    layout->addWidget(m_close);

    connect(m_action, &QPushButton::clicked, this, &MessageBanner::actionTriggered);
    connect(m_close, &QPushButton::clicked, this, &MessageBanner::hideMessage);
    hide();
}

void MessageBanner::showMessage(Kind kind, const QString &text, const QString &actionText)
{
    m_kind = kind;
    m_label->setText(text);
    m_action->setText(actionText);
    m_action->setVisible(!actionText.isEmpty());
    QString colors;
    switch (kind) {
    case Kind::Info:
        colors = QStringLiteral("background: #e8f1fb; color: #0b3a66; border: 1px solid #b6d4f2;");
        break;
    case Kind::Success:
        colors = QStringLiteral("background: #e7f5ea; color: #1e4620; border: 1px solid #b7dfbf;");
        break;
    case Kind::Warning:
        colors = QStringLiteral("background: #fff4e5; color: #663c00; border: 1px solid #f5d3a3;");
        break;
    case Kind::Error:
        colors = QStringLiteral("background: #fdecea; color: #611a15; border: 1px solid #f5c2c0;");
        break;
    }
    setStyleSheet(QStringLiteral("#messageBanner { %1 border-radius: 4px; } #messageText { color: inherit; }").arg(colors));
    m_label->setStyleSheet(QStringLiteral("color: %1;").arg(colors.section(QStringLiteral("color: "), 1).section(QLatin1Char(';'), 0, 0)));
    show();
}

void MessageBanner::hideMessage()
{
    hide();
}

QString MessageBanner::text() const
{
    return m_label->text();
}

} // namespace afx::gui
