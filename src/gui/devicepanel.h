#pragma once

#include "flow/authcodeflow.h"

#include <QTimer>
#include <QWidget>

class QLabel;
class QPushButton;

namespace afx::gui {

class QrCodeWidget;

// The panel for the device authorization grant (RFC 8628): the verification URL as text and as
// a QR code, the user code in large letters, and the time left.
class DevicePanel : public QWidget {
    Q_OBJECT
public:
    explicit DevicePanel(QWidget *parent = nullptr);

    void setAuthorization(const DeviceAuthorization &authorization);
    // Stops the countdown and shows `message`, the reason the code is no longer needed.
    void finish(const QString &message);

private:
    void updateCountdown();

    DeviceAuthorization m_authorization;
    QLabel *m_instructions;
    QLabel *m_userCode;
    QrCodeWidget *m_qrCode;
    QLabel *m_countdown;
    QPushButton *m_open;
    QPushButton *m_copy;
    QTimer m_tick;
};

} // namespace afx::gui
