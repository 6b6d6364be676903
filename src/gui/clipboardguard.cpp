#include "gui/clipboardguard.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QMimeData>
#include <QSettings>
#include <QSpinBox>

#include <algorithm>

namespace afx::gui {

namespace {

// Tells every guard and spin box in this process about a stored delay.
class ClearDelayNotifier : public QObject {
    Q_OBJECT
public:
    static ClearDelayNotifier *instance()
    {
        static ClearDelayNotifier notifier;
        return &notifier;
    }

Q_SIGNALS:
    void delayStored(int seconds);
};

int clampedSeconds(int seconds)
{
    return std::clamp(seconds, minClipboardClearDelaySeconds, maxClipboardClearDelaySeconds);
}

} // namespace

int storedClipboardClearDelaySeconds()
{
    bool ok = false;
    const int seconds = QSettings().value(QLatin1String(clipboardClearDelaySettingKey)).toInt(&ok);
    return ok ? clampedSeconds(seconds) : defaultClipboardClearDelaySeconds;
}

void storeClipboardClearDelaySeconds(int seconds)
{
    seconds = clampedSeconds(seconds);
    QSettings().setValue(QLatin1String(clipboardClearDelaySettingKey), seconds);
    Q_EMIT ClearDelayNotifier::instance()->delayStored(seconds);
}

QSpinBox *createClipboardClearDelaySpinBox(QWidget *parent)
{
    auto *spinBox = new QSpinBox(parent);
    spinBox->setObjectName(QStringLiteral("clipboardClearDelay"));
    spinBox->setRange(minClipboardClearDelaySeconds, maxClipboardClearDelaySeconds);
    spinBox->setSuffix(QObject::tr(" s"));
    spinBox->setValue(storedClipboardClearDelaySeconds());
    spinBox->setAccessibleName(QObject::tr("Clipboard clear delay in seconds"));
    spinBox->setToolTip(QObject::tr("Seconds after which a copied token is removed from the clipboard (5 to 600)."));
    QObject::connect(spinBox, &QSpinBox::valueChanged, spinBox, [](int seconds) {
        if (seconds != storedClipboardClearDelaySeconds())
            storeClipboardClearDelaySeconds(seconds);
    });
    // Another spin box may store a new value, so this one shows it too.
    QObject::connect(ClearDelayNotifier::instance(), &ClearDelayNotifier::delayStored, spinBox, [spinBox](int seconds) {
        const QSignalBlocker blocker(spinBox);
        spinBox->setValue(seconds);
    });
    return spinBox;
}

ClipboardGuard::ClipboardGuard(QObject *parent)
    : QObject(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(storedClipboardClearDelaySeconds() * 1000);
    connect(&m_timer, &QTimer::timeout, this, &ClipboardGuard::clearIfOurs);
    connect(ClearDelayNotifier::instance(), &ClearDelayNotifier::delayStored, this, [this](int seconds) {
        if (m_followsSetting)
            applyDelay(seconds * 1000);
    });
}

ClipboardGuard::~ClipboardGuard()
{
    // The timer dies with the guard, so a copied secret would otherwise stay on the clipboard.
    clearIfOurs();
}

void ClipboardGuard::setClearDelay(int ms)
{
    m_followsSetting = false;
    applyDelay(ms);
}

void ClipboardGuard::applyDelay(int ms)
{
    if (ms == m_timer.interval())
        return;
    // QTimer restarts a running timer with the new interval.
    m_timer.setInterval(ms);
    Q_EMIT clearDelayChanged(ms);
}

void ClipboardGuard::copySecret(const QString &value)
{
    auto *mime = new QMimeData;
    mime->setText(value);
    // KDE defined this MIME type to mark secrets. Clipboard managers that honour it keep no history
    // entry, but none has to, which is why the value is also removed again after a delay.
    mime->setData(QStringLiteral("x-kde-passwordManagerHint"), QByteArrayLiteral("secret"));
    QGuiApplication::clipboard()->setMimeData(mime);
    m_copiedValue = value;
    m_timer.start();
}

void ClipboardGuard::clearIfOurs()
{
    m_timer.stop();
    if (m_copiedValue.isEmpty())
        return;
    QClipboard *clipboard = QGuiApplication::clipboard();
    if (clipboard && clipboard->text() == m_copiedValue)
        clipboard->clear();
    m_copiedValue.clear();
}

} // namespace afx::gui

#include "clipboardguard.moc"
