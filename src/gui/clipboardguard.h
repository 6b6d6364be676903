#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

class QSpinBox;
class QWidget;

namespace afx::gui {

// The QSettings key of the delay after which a copied token is removed from the clipboard, in
// seconds. TokenPanel and TokenInspector both read it.
inline constexpr char clipboardClearDelaySettingKey[] = "clipboard/clearDelaySeconds";
inline constexpr int defaultClipboardClearDelaySeconds = 30;
inline constexpr int minClipboardClearDelaySeconds = 5;
inline constexpr int maxClipboardClearDelaySeconds = 600;

// Returns the stored clear delay in seconds, clamped to 5..600, or 30 when none is stored or
// the stored value is not a number.
int storedClipboardClearDelaySeconds();
// Stores the clear delay (clamped to 5..600) and makes every ClipboardGuard that follows the
// setting use it for the next copy.
void storeClipboardClearDelaySeconds(int seconds);

// Creates a spin box for the clear delay (seconds, 5..600) that shows the stored value and
// stores every change.
QSpinBox *createClipboardClearDelaySpinBox(QWidget *parent);

// Puts secrets on the clipboard and takes them off again. copySecret() adds the
// "x-kde-passwordManagerHint: secret" MIME data, which requests that clipboard managers keep no
// history entry, and removes the value after clearDelay() unless the clipboard content
// changed in between. Destroying the guard removes a value that is still on the clipboard.
//
// The delay follows the stored setting until setClearDelay() fixes it.
class ClipboardGuard : public QObject {
    Q_OBJECT
public:
    explicit ClipboardGuard(QObject *parent = nullptr);
    ~ClipboardGuard() override;

    void copySecret(const QString &value);
    // Removes the copied value from the clipboard if the clipboard still contains it.
    void clearIfOurs();

    // Milliseconds between copySecret() and the removal.
    int clearDelay() const { return m_timer.interval(); }
    // Fixes the delay in milliseconds, so later changes of the setting no longer apply.
    void setClearDelay(int ms);

Q_SIGNALS:
    void clearDelayChanged(int ms);

private:
    void applyDelay(int ms);

    QTimer m_timer;
    QString m_copiedValue; // the secret last put on the clipboard, until it is removed
    bool m_followsSetting = true;
};

} // namespace afx::gui
