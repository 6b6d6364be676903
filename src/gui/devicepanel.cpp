#include "gui/devicepanel.h"

#include "gui/qrcodewidget.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace afx::gui {

DevicePanel::DevicePanel(QWidget *parent)
    : QWidget(parent)
    , m_instructions(new QLabel(this))
    , m_userCode(new QLabel(this))
    , m_qrCode(new QrCodeWidget(this))
    , m_countdown(new QLabel(this))
    , m_open(new QPushButton(tr("&Open in this computer's browser"), this))
    , m_copy(new QPushButton(tr("Copy &code"), this))
{
    setObjectName(QStringLiteral("devicePanel"));
    m_instructions->setWordWrap(true);
    m_instructions->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_instructions->setOpenExternalLinks(true);
    m_userCode->setObjectName(QStringLiteral("userCode"));
    m_userCode->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_userCode->setAlignment(Qt::AlignCenter);
    QFont codeFont = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    codeFont.setPointSizeF(codeFont.pointSizeF() * 2.2);
    codeFont.setBold(true);
    m_userCode->setFont(codeFont);
    m_userCode->setAccessibleName(tr("User code"));
    m_countdown->setObjectName(QStringLiteral("deviceCountdown"));
    m_countdown->setAlignment(Qt::AlignCenter);

    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_copy);
    buttons->addWidget(m_open);
    buttons->addStretch(1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 24, 24, 24);
    layout->addWidget(m_instructions);
    layout->addSpacing(12);
    layout->addWidget(m_userCode);
    layout->addWidget(m_qrCode, 0, Qt::AlignHCenter);
    layout->addWidget(m_countdown);
    layout->addLayout(buttons);
    layout->addStretch(1);

    connect(m_copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_authorization.userCode); });
    connect(m_open, &QPushButton::clicked, this, [this] {
        const QUrl url = m_authorization.verificationUriComplete.isValid() ? m_authorization.verificationUriComplete
                                                                           : m_authorization.verificationUri;
        QDesktopServices::openUrl(url);
    });
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &DevicePanel::updateCountdown);
}

void DevicePanel::setAuthorization(const DeviceAuthorization &authorization)
{
    m_authorization = authorization;
    const QString uri = authorization.verificationUri.toString();
    m_instructions->setText(tr("<p>On your phone or another computer, open <a href=\"%1\">%1</a> and enter the code "
                               "below, or scan the QR code. Then sign in and allow the request. This app asks the "
                               "provider every %2 s whether you have finished.</p>")
                                .arg(uri.toHtmlEscaped())
                                .arg(authorization.intervalSeconds));
    m_userCode->setText(authorization.userCode);
    // The complete URL carries the code, so scanning it saves typing.
    const QString qrText = authorization.verificationUriComplete.isValid() ? authorization.verificationUriComplete.toString() : uri;
    QString error;
    m_qrCode->setVisible(m_qrCode->setText(qrText, &error));
    m_open->setEnabled(true);
    m_copy->setEnabled(true);
    updateCountdown();
    m_tick.start();
}

void DevicePanel::finish(const QString &message)
{
    m_tick.stop();
    m_countdown->setText(message);
    m_open->setEnabled(false);
}

void DevicePanel::updateCountdown()
{
    const qint64 left = QDateTime::currentDateTimeUtc().secsTo(m_authorization.expiresAt);
    if (left <= 0) {
        finish(tr("The code has expired."));
        return;
    }
    m_countdown->setText(tr("The code expires in %1:%2.").arg(left / 60).arg(left % 60, 2, 10, QLatin1Char('0')));
}

} // namespace afx::gui
