#include "gui/qrcodewidget.h"

#include <QPainter>
#include <QTransform>

#include <qrencode.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace afx::gui {

namespace {

// Maximum bytes of 8-bit data in the largest QR code (version 40) at error correction level M.
constexpr int MaxBytesLevelM = 2331;

struct QrCodeDeleter {
    void operator()(QRcode *code) const { QRcode_free(code); }
};
using QrCodePointer = std::unique_ptr<QRcode, QrCodeDeleter>;

// Encodes UTF-8 bytes at level M and lets libqrencode pick the smallest version. Returns null
// with errno set on failure.
QrCodePointer encodeUtf8(const QByteArray &utf8)
{
    errno = 0;
    if (utf8.contains('\0')) {
        // QRcode_encodeString() stops at the first NUL, so such text goes through as raw bytes.
        return QrCodePointer(QRcode_encodeData(int(utf8.size()),
            reinterpret_cast<const unsigned char *>(utf8.constData()), 0, QR_ECLEVEL_M));
    }
    // QR_MODE_8 keeps non-alphanumeric bytes as they are (the mode for UTF-8), while digit and
    // upper-case runs still get the denser numeric and alphanumeric modes.
    return QrCodePointer(QRcode_encodeString(utf8.constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
}

QString encodeErrorMessage(int errorNumber, qsizetype byteCount)
{
    if (errorNumber == ERANGE) {
        return QrCodeWidget::tr("The text is too long for a QR code: %1 bytes in UTF-8, but version 40 at "
                                "error correction level M has room for at most %2 bytes. Shorten the text.")
            .arg(byteCount)
            .arg(MaxBytesLevelM);
    }
    return QrCodeWidget::tr("libqrencode failed to encode the text (%1 bytes in UTF-8): %2.")
        .arg(byteCount)
        .arg(QString::fromLocal8Bit(std::strerror(errorNumber)));
}

// Paints the quiet zone white and each run of dark modules in a row as one black rectangle.
// `topLeft` is the outer corner of the quiet zone, in the painter's (pixel) coordinates.
void drawCode(QPainter &painter, const QrCodeWidget &widget, QPoint topLeft, int moduleSize)
{
    const int count = widget.moduleCount();
    const int side = (count + 2 * QrCodeWidget::QuietZone) * moduleSize;
    painter.fillRect(QRect(topLeft, QSize(side, side)), Qt::white);

    const QPoint origin = topLeft + QPoint(QrCodeWidget::QuietZone, QrCodeWidget::QuietZone) * moduleSize;
    for (int y = 0; y < count; ++y) {
        int x = 0;
        while (x < count) {
            if (!widget.isDark(x, y)) {
                ++x;
                continue;
            }
            const int runStart = x;
            while (x < count && widget.isDark(x, y))
                ++x;
            painter.fillRect(QRect(origin.x() + runStart * moduleSize, origin.y() + y * moduleSize,
                                   (x - runStart) * moduleSize, moduleSize),
                             Qt::black);
        }
    }
}

} // namespace

QrCodeWidget::QrCodeWidget(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("qrCode"));
    setAccessibleName(tr("QR code"));
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

bool QrCodeWidget::setText(const QString &text, QString *error)
{
    if (text.isEmpty()) {
        if (error)
            *error = tr("The text for the QR code is empty (0 bytes).");
        return false;
    }

    const QByteArray utf8 = text.toUtf8();
    const QrCodePointer code = encodeUtf8(utf8);
    if (!code) {
        const int errorNumber = errno;
        if (error)
            *error = encodeErrorMessage(errorNumber, utf8.size());
        return false;
    }

    const int count = code->width;
    std::vector<bool> modules(std::size_t(count) * std::size_t(count));
    for (std::size_t i = 0; i < modules.size(); ++i) {
        // Bit 0 of each libqrencode byte is the module color (1 = dark), the others tell its role.
        modules[i] = (code->data[i] & 0x01) != 0;
    }

    m_text = text;
    m_moduleCount = count;
    m_modules = std::move(modules);
    setToolTip(text);
    setAccessibleDescription(text);
    updateGeometry();
    update();
    return true;
}

QString QrCodeWidget::text() const
{
    return m_text;
}

int QrCodeWidget::moduleCount() const
{
    return m_moduleCount;
}

bool QrCodeWidget::isDark(int x, int y) const
{
    if (x < 0 || y < 0 || x >= m_moduleCount || y >= m_moduleCount)
        return false;
    return m_modules[std::size_t(y) * std::size_t(m_moduleCount) + std::size_t(x)];
}

QImage QrCodeWidget::toImage(int moduleSize) const
{
    if (m_moduleCount == 0 || moduleSize < 1)
        return {};
    const int side = (m_moduleCount + 2 * QuietZone) * moduleSize;
    QImage image(side, side, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    drawCode(painter, *this, QPoint(0, 0), moduleSize);
    return image;
}

QSize QrCodeWidget::sizeHint() const
{
    return minimumSizeHint().expandedTo(QSize(200, 200));
}

QSize QrCodeWidget::minimumSizeHint() const
{
    // Two pixels per module. While no code is set, the size of a version 1 code is used.
    const int sideModules = std::max(m_moduleCount, 21) + 2 * QuietZone;
    return QSize(2 * sideModules, 2 * sideModules);
}

void QrCodeWidget::paintEvent(QPaintEvent *event)
{
    Q_UNUSED(event)
    if (m_moduleCount == 0)
        return;

    // Lay the modules out in device pixels so that each one covers whole pixels at any device
    // pixel ratio, because a fractional module size would smear module edges into gray. The
    // painter's device transform has the scale of the real target, which differs from the
    // screen's ratio when render() paints into an image of another ratio.
    QPainter painter(this);
    const qreal deviceScale = painter.deviceTransform().m11();
    const qreal ratio = deviceScale > 0 ? deviceScale : 1.0;
    painter.setWorldTransform(QTransform::fromScale(1.0 / ratio, 1.0 / ratio));
    painter.setRenderHint(QPainter::Antialiasing, false);
    const int pixelWidth = int(width() * ratio);
    const int pixelHeight = int(height() * ratio);

    const int sideModules = m_moduleCount + 2 * QuietZone;
    // NOTE: below one pixel per module the widget shows the centered part of the code that fits.
    const int moduleSize = std::max(1, std::min(pixelWidth, pixelHeight) / sideModules);
    const int side = sideModules * moduleSize;
    drawCode(painter, *this, QPoint((pixelWidth - side) / 2, (pixelHeight - side) / 2), moduleSize);
}

} // namespace afx::gui
