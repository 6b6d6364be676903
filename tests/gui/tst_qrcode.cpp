// Tests for the QR code widget: the encoded symbol (size, finder and timing patterns), rejected
// texts, the exported image and the painted widget.
#include "gui/qrcodewidget.h"

#include <QApplication>
#include <QPalette>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using afx::gui::QrCodeWidget;

namespace {

const QString verificationUrl = QStringLiteral("http://127.0.0.1:47813/device?user_code=WDJB-MJHT");
// German, a check mark, Japanese and an emoji: 2-, 3- and 4-byte UTF-8 sequences.
const QString utf8Text = QStringLiteral("Gerät prüfen ✓ 日本語 😀");

// Bytes of 8-bit data per version at error correction level M, from the capacity table of QR
// code model 2, for versions 1 to 5.
constexpr int byteCapacityLevelM[] = {14, 26, 42, 62, 84};

int sideForVersion(int version)
{
    return 21 + 4 * (version - 1);
}

// Returns the smallest version whose 8-bit capacity at level M fits `bytes`, or 0 above version 5.
int byteModeVersion(qsizetype bytes)
{
    for (int i = 0; i < 5; ++i) {
        if (bytes <= byteCapacityLevelM[i])
            return i + 1;
    }
    return 0;
}

// Returns whether a finder pattern has a dark module at (dx, dy), 0 <= dx, dy < 7: a dark 7x7 ring,
// a light ring inside it and a dark 3x3 center.
bool finderModuleDark(int dx, int dy)
{
    const bool outerRing = dx == 0 || dx == 6 || dy == 0 || dy == 6;
    const bool center = dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4;
    return outerRing || center;
}

const QRgb black = qRgb(0, 0, 0);
const QRgb white = qRgb(255, 255, 255);

// Returns the pixel at the center of module (x, y) of a code drawn with its top-left module at origin.
QRgb moduleCenterPixel(const QImage &image, QPoint origin, int moduleSize, int x, int y)
{
    return image.pixel(origin.x() + x * moduleSize + moduleSize / 2, origin.y() + y * moduleSize + moduleSize / 2);
}

// Returns the smallest rectangle that contains every black pixel of the image.
QRect blackBoundingBox(const QImage &image)
{
    QRect box;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            if (image.pixel(x, y) == black)
                box = box.united(QRect(x, y, 1, 1));
        }
    }
    return box;
}

} // namespace

class TestQrCode : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void urlGetsVersionForItsLength();
    void finderPatterns_data();
    void finderPatterns();
    void timingPatterns();
    void imageQuietZoneIsWhite();
    void imageModulesMatchCode();
    void rejectedTextKeepsCode_data();
    void rejectedTextKeepsCode();
    void largestTextFitsVersion40();
    void utf8TextEncodes();
    void textWithNulEncodes();
    void emptyWidgetHasNoCode();
    void accessibleNameAndToolTip();
    void sizeHints();
    void renderedWidgetDrawsModules();
    void renderedWidgetIgnoresDarkPalette();
    void wideWidgetCentersCode();
    void highDpiRenderingHasSharpModules_data();
    void highDpiRenderingHasSharpModules();
    void decodedImageMatchesText_data();
    void decodedImageMatchesText();
};

void TestQrCode::urlGetsVersionForItsLength()
{
    QrCodeWidget widget;
    QString error;
    QVERIFY(widget.setText(verificationUrl, &error));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(widget.text(), verificationUrl);

    // The lower-case letters need 8-bit mode: 49 bytes exceed version 3 (42) and fit version 4 (62).
    const int expectedVersion = byteModeVersion(verificationUrl.toUtf8().size());
    QCOMPARE(expectedVersion, 4);
    QCOMPARE(widget.moduleCount(), sideForVersion(expectedVersion));
    QCOMPARE(widget.moduleCount(), 33);
}

void TestQrCode::finderPatterns_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("verification URL") << verificationUrl;
    QTest::newRow("UTF-8 text") << utf8Text;
    QTest::newRow("version 1") << QStringLiteral("WDJB-MJHT");
    QTest::newRow("version 40") << QString(2331, QLatin1Char('a'));
}

void TestQrCode::finderPatterns()
{
    QFETCH(QString, text);
    QrCodeWidget widget;
    QVERIFY(widget.setText(text));
    const int count = widget.moduleCount();
    QVERIFY(count >= 21);
    QCOMPARE((count - 21) % 4, 0);

    const QList<QPoint> corners = {QPoint(0, 0), QPoint(count - 7, 0), QPoint(0, count - 7)};
    for (const QPoint &corner : corners) {
        for (int dy = 0; dy < 7; ++dy) {
            for (int dx = 0; dx < 7; ++dx) {
                const int x = corner.x() + dx;
                const int y = corner.y() + dy;
                QVERIFY2(widget.isDark(x, y) == finderModuleDark(dx, dy),
                         qPrintable(QStringLiteral("module (%1, %2) of the finder pattern at (%3, %4)")
                                        .arg(x).arg(y).arg(corner.x()).arg(corner.y())));
            }
        }
    }

    // The separators: a light line of modules between each finder pattern and the data.
    for (int i = 0; i < 8; ++i) {
        QVERIFY2(!widget.isDark(7, i), qPrintable(QStringLiteral("top-left separator row %1").arg(i)));
        QVERIFY2(!widget.isDark(i, 7), qPrintable(QStringLiteral("top-left separator column %1").arg(i)));
        QVERIFY2(!widget.isDark(count - 8, i), qPrintable(QStringLiteral("top-right separator row %1").arg(i)));
        QVERIFY2(!widget.isDark(count - 8 + i, 7), qPrintable(QStringLiteral("top-right separator column %1").arg(i)));
        QVERIFY2(!widget.isDark(7, count - 8 + i), qPrintable(QStringLiteral("bottom-left separator row %1").arg(i)));
        QVERIFY2(!widget.isDark(i, count - 8), qPrintable(QStringLiteral("bottom-left separator column %1").arg(i)));
    }

    // No finder pattern in the bottom-right corner: that one is the alignment pattern's place.
    bool bottomRightIsFinder = true;
    for (int dy = 0; dy < 7; ++dy) {
        for (int dx = 0; dx < 7; ++dx) {
            if (widget.isDark(count - 7 + dx, count - 7 + dy) != finderModuleDark(dx, dy))
                bottomRightIsFinder = false;
        }
    }
    QVERIFY(!bottomRightIsFinder);
}

void TestQrCode::timingPatterns()
{
    QrCodeWidget widget;
    QVERIFY(widget.setText(verificationUrl));
    const int count = widget.moduleCount();

    // Row 6 and column 6 alternate between the finder patterns, dark at even positions.
    for (int i = 8; i < count - 8; ++i) {
        QVERIFY2(widget.isDark(i, 6) == (i % 2 == 0), qPrintable(QStringLiteral("row 6, column %1").arg(i)));
        QVERIFY2(widget.isDark(6, i) == (i % 2 == 0), qPrintable(QStringLiteral("column 6, row %1").arg(i)));
    }

    // The dark module next to the bottom-left separator, at (8, 4 * version + 9).
    QVERIFY(widget.isDark(8, count - 8));

    QVERIFY(!widget.isDark(-1, 0));
    QVERIFY(!widget.isDark(0, -1));
    QVERIFY(!widget.isDark(count, 0));
    QVERIFY(!widget.isDark(0, count));
}

void TestQrCode::imageQuietZoneIsWhite()
{
    QrCodeWidget widget;
    QVERIFY(widget.setText(verificationUrl));
    const int count = widget.moduleCount();
    const int moduleSize = 3;
    const QImage image = widget.toImage(moduleSize);
    QCOMPARE(image.size(), QSize((count + 8) * moduleSize, (count + 8) * moduleSize));

    const int margin = QrCodeWidget::QuietZone * moduleSize;
    QCOMPARE(margin, 12);
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const bool inQuietZone = x < margin || y < margin || x >= image.width() - margin
                || y >= image.height() - margin;
            if (inQuietZone && image.pixel(x, y) != white)
                QFAIL(qPrintable(QStringLiteral("quiet zone pixel (%1, %2) is not white").arg(x).arg(y)));
        }
    }

    // The code starts right after the quiet zone: the top-left finder corner is black.
    QCOMPARE(image.pixel(margin, margin), black);
    QCOMPARE(image.pixel(margin - 1, margin - 1), white);

    QVERIFY(widget.toImage(0).isNull());
    QVERIFY(widget.toImage(-2).isNull());
}

void TestQrCode::imageModulesMatchCode()
{
    QrCodeWidget widget;
    QVERIFY(widget.setText(verificationUrl));
    const int count = widget.moduleCount();
    const int moduleSize = 4;
    const QImage image = widget.toImage(moduleSize);
    const QPoint origin(QrCodeWidget::QuietZone * moduleSize, QrCodeWidget::QuietZone * moduleSize);

    for (int y = 0; y < count; ++y) {
        for (int x = 0; x < count; ++x) {
            // Every pixel of the module has the module's color, not only its center.
            const QRgb expected = widget.isDark(x, y) ? black : white;
            for (int py = 0; py < moduleSize; ++py) {
                for (int px = 0; px < moduleSize; ++px) {
                    const QRgb actual = image.pixel(origin.x() + x * moduleSize + px, origin.y() + y * moduleSize + py);
                    if (actual != expected)
                        QFAIL(qPrintable(QStringLiteral("module (%1, %2) pixel (%3, %4) has color %5")
                                             .arg(x).arg(y).arg(px).arg(py).arg(actual, 8, 16)));
                }
            }
        }
    }
}

void TestQrCode::rejectedTextKeepsCode_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expectedLength");
    QTest::newRow("empty") << QString() << QStringLiteral("0 bytes");
    QTest::newRow("5000 characters") << QString(5000, QLatin1Char('x')) << QStringLiteral("5000 bytes");
    QTest::newRow("2332 bytes") << QString(2332, QLatin1Char('a')) << QStringLiteral("2332 bytes");
    // 1200 characters of 2 bytes each: under the byte limit in characters, over it in UTF-8.
    QTest::newRow("2400 bytes of UTF-8") << QString(1200, QChar(0x00E4)) << QStringLiteral("2400 bytes");
}

void TestQrCode::rejectedTextKeepsCode()
{
    QFETCH(QString, text);
    QFETCH(QString, expectedLength);

    QrCodeWidget widget;
    QVERIFY(widget.setText(verificationUrl));
    const QImage before = widget.toImage(2);
    const int countBefore = widget.moduleCount();

    QString error;
    QVERIFY(!widget.setText(text, &error));
    QVERIFY2(error.contains(expectedLength), qPrintable(error));
    if (!text.isEmpty())
        QVERIFY2(error.contains(QStringLiteral("too long")), qPrintable(error));
    else
        QVERIFY2(error.contains(QStringLiteral("empty")), qPrintable(error));

    QCOMPARE(widget.text(), verificationUrl);
    QCOMPARE(widget.moduleCount(), countBefore);
    QCOMPARE(widget.toolTip(), verificationUrl);
    QCOMPARE(widget.toImage(2), before);

    // Without an error pointer the call is rejected the same way.
    QVERIFY(!widget.setText(text));
    QCOMPARE(widget.text(), verificationUrl);
}

void TestQrCode::largestTextFitsVersion40()
{
    QrCodeWidget widget;
    QString error;
    QVERIFY2(widget.setText(QString(2331, QLatin1Char('a')), &error), qPrintable(error));
    QCOMPARE(widget.moduleCount(), sideForVersion(40));
    QCOMPARE(widget.moduleCount(), 177);

    // Digits take the denser numeric mode, so 5000 of them fit although 5000 letters do not.
    QVERIFY2(widget.setText(QString(5000, QLatin1Char('7')), &error), qPrintable(error));
    QVERIFY(widget.moduleCount() > 21);
}

void TestQrCode::utf8TextEncodes()
{
    const QByteArray utf8 = utf8Text.toUtf8();
    QVERIFY(utf8.size() > utf8Text.size());

    QrCodeWidget widget;
    QString error;
    QVERIFY2(widget.setText(utf8Text, &error), qPrintable(error));
    QCOMPARE(widget.text(), utf8Text);
    QCOMPARE(widget.toolTip(), utf8Text);
    // 33 UTF-8 bytes need version 3 in 8-bit mode, though 21 UTF-16 code units would fit version 2.
    QCOMPARE(utf8.size(), 33);
    QCOMPARE(utf8Text.size(), 21);
    QCOMPARE(widget.moduleCount(), sideForVersion(byteModeVersion(utf8.size())));
    QCOMPARE(widget.moduleCount(), 29);
}

void TestQrCode::textWithNulEncodes()
{
    // A NUL character would end a C string early: the text still counts with all its 19 bytes.
    const QString text = QStringLiteral("before") + QChar(0) + QStringLiteral("after-after-");
    QCOMPARE(text.toUtf8().size(), 19);

    QrCodeWidget widget;
    QString error;
    QVERIFY2(widget.setText(text, &error), qPrintable(error));
    QCOMPARE(widget.text(), text);
    QCOMPARE(widget.moduleCount(), sideForVersion(byteModeVersion(19)));
    QCOMPARE(widget.moduleCount(), 25);
}

void TestQrCode::emptyWidgetHasNoCode()
{
    QrCodeWidget widget;
    QCOMPARE(widget.moduleCount(), 0);
    QVERIFY(widget.text().isEmpty());
    QVERIFY(!widget.isDark(0, 0));
    QVERIFY(widget.toImage(4).isNull());

    // Painting an empty widget draws nothing and does not crash.
    widget.resize(100, 100);
    QImage image(widget.size(), QImage::Format_ARGB32);
    image.fill(Qt::red);
    widget.render(&image);
    QCOMPARE(blackBoundingBox(image), QRect());
}

void TestQrCode::accessibleNameAndToolTip()
{
    QrCodeWidget widget;
    QCOMPARE(widget.accessibleName(), QStringLiteral("QR code"));
    QVERIFY(widget.toolTip().isEmpty());

    QVERIFY(widget.setText(verificationUrl));
    QCOMPARE(widget.toolTip(), verificationUrl);
    QCOMPARE(widget.accessibleDescription(), verificationUrl);

    const QString other = QStringLiteral("https://127.0.0.1/device");
    QVERIFY(widget.setText(other));
    QCOMPARE(widget.toolTip(), other);
}

void TestQrCode::sizeHints()
{
    QrCodeWidget widget;
    QCOMPARE(widget.sizeHint(), QSize(200, 200));
    QCOMPARE(widget.minimumSizeHint(), QSize(58, 58));

    QVERIFY(widget.setText(verificationUrl));
    QCOMPARE(widget.sizeHint(), QSize(200, 200));
    // Two pixels for each of the 33 + 2 * 4 modules.
    QCOMPARE(widget.minimumSizeHint(), QSize(82, 82));

    // A version 40 code needs more than 200 pixels at two pixels per module.
    QVERIFY(widget.setText(QString(2331, QLatin1Char('a'))));
    QCOMPARE(widget.minimumSizeHint(), QSize(370, 370));
    QCOMPARE(widget.sizeHint(), QSize(370, 370));
}

void TestQrCode::renderedWidgetDrawsModules()
{
    QrCodeWidget widget;
    QVERIFY(widget.setText(verificationUrl));
    widget.resize(200, 200);
    const int count = widget.moduleCount();

    QImage image(widget.size(), QImage::Format_ARGB32);
    image.fill(Qt::red);
    widget.render(&image);

    // 200 / (33 + 8) = 4 whole pixels per module, and the 164-pixel code with its quiet zone is centered.
    const int moduleSize = 200 / (count + 8);
    QCOMPARE(moduleSize, 4);
    const int side = (count + 8) * moduleSize;
    const int offset = (200 - side) / 2;
    const QRect codeBox(offset + 16, offset + 16, count * moduleSize, count * moduleSize);
    QCOMPARE(blackBoundingBox(image), codeBox);

    // Only black and white inside the quiet zone's square: no blurred gray edges.
    const QRect square(offset, offset, side, side);
    for (int y = square.top(); y <= square.bottom(); ++y) {
        for (int x = square.left(); x <= square.right(); ++x) {
            const QRgb pixel = image.pixel(x, y);
            if (pixel != black && pixel != white)
                QFAIL(qPrintable(QStringLiteral("pixel (%1, %2) is %3").arg(x).arg(y).arg(pixel, 8, 16)));
        }
    }

    // The center pixel of the top-left finder corner, a dark module, is black.
    QVERIFY(widget.isDark(0, 0));
    QCOMPARE(moduleCenterPixel(image, codeBox.topLeft(), moduleSize, 0, 0), black);
    for (int y = 0; y < count; ++y) {
        for (int x = 0; x < count; ++x) {
            const QRgb expected = widget.isDark(x, y) ? black : white;
            if (moduleCenterPixel(image, codeBox.topLeft(), moduleSize, x, y) != expected)
                QFAIL(qPrintable(QStringLiteral("module (%1, %2) has the wrong color").arg(x).arg(y)));
        }
    }
}

void TestQrCode::renderedWidgetIgnoresDarkPalette()
{
    QrCodeWidget widget;
    QPalette dark = widget.palette();
    dark.setColor(QPalette::Window, Qt::black);
    dark.setColor(QPalette::WindowText, Qt::white);
    dark.setColor(QPalette::Base, Qt::black);
    dark.setColor(QPalette::Text, Qt::white);
    widget.setPalette(dark);
    QVERIFY(widget.setText(verificationUrl));
    widget.resize(200, 200);

    QImage image(widget.size(), QImage::Format_ARGB32);
    image.fill(Qt::red);
    widget.render(&image);

    // The quiet zone corner stays white and the finder corner stays black.
    const int offset = (200 - 164) / 2;
    QCOMPARE(image.pixel(offset, offset), white);
    QCOMPARE(image.pixel(offset + 16, offset + 16), black);
    QCOMPARE(image.pixel(offset + 16 + 4 + 1, offset + 16 + 4 + 1), white);
}

void TestQrCode::wideWidgetCentersCode()
{
    QrCodeWidget widget;
    QVERIFY(widget.setText(verificationUrl));
    widget.resize(300, 130);
    const int count = widget.moduleCount();

    QImage image(widget.size(), QImage::Format_ARGB32);
    image.fill(Qt::red);
    widget.render(&image);

    // The height decides: 130 / 41 = 3 pixels per module, so the code is 99 pixels wide.
    const int moduleSize = 3;
    const int side = (count + 8) * moduleSize;
    const QRect box = blackBoundingBox(image);
    QCOMPARE(box.size(), QSize(count * moduleSize, count * moduleSize));
    QCOMPARE(box.left(), (300 - side) / 2 + 12);
    QCOMPARE(box.top(), (130 - side) / 2 + 12);
    // Outside the code's square the window background of the palette shows, not the white quiet zone.
    const QRgb background = widget.palette().color(QPalette::Window).rgb();
    QVERIFY(background != white);
    QCOMPARE(image.pixel(0, 0), background);
    QCOMPARE(image.pixel(299, 129), background);
    QCOMPARE(image.pixel(box.left() - 12, box.top() - 12), white);
    QCOMPARE(image.pixel(box.left() - 13, box.top()), background);
}

void TestQrCode::highDpiRenderingHasSharpModules_data()
{
    QTest::addColumn<qreal>("ratio");
    QTest::newRow("ratio 1.5") << 1.5;
    QTest::newRow("ratio 2") << 2.0;
    QTest::newRow("ratio 1.25") << 1.25;
}

void TestQrCode::highDpiRenderingHasSharpModules()
{
    QFETCH(qreal, ratio);
    QrCodeWidget widget;
    QVERIFY(widget.setText(verificationUrl));
    widget.resize(200, 200);

    QImage image(QSize(200, 200) * ratio, QImage::Format_ARGB32);
    image.setDevicePixelRatio(ratio);
    image.fill(Qt::red);
    widget.render(&image);

    const QRect box = blackBoundingBox(image);
    QVERIFY(!box.isEmpty());
    QCOMPARE(box.width(), box.height());
    QCOMPARE(box.width() % widget.moduleCount(), 0);
    // The modules fill the device pixels: at ratio 1.5, 300 / 41 = 7 pixels, where scaling
    // 4 logical pixels would give 6.
    const int devicePixels = qRound(200 * ratio);
    const int moduleSize = box.width() / widget.moduleCount();
    QCOMPARE(moduleSize, devicePixels / (widget.moduleCount() + 8));
    const int side = (widget.moduleCount() + 8) * moduleSize;
    QCOMPARE(box.left(), (devicePixels - side) / 2 + 4 * moduleSize);
    QCOMPARE(box.top(), (devicePixels - side) / 2 + 4 * moduleSize);
    for (int y = box.top(); y <= box.bottom(); ++y) {
        for (int x = box.left(); x <= box.right(); ++x) {
            const QRgb pixel = image.pixel(x, y);
            if (pixel != black && pixel != white)
                QFAIL(qPrintable(QStringLiteral("pixel (%1, %2) is %3").arg(x).arg(y).arg(pixel, 8, 16)));
        }
    }
    for (int y = 0; y < widget.moduleCount(); ++y) {
        for (int x = 0; x < widget.moduleCount(); ++x) {
            const QRgb expected = widget.isDark(x, y) ? black : white;
            if (moduleCenterPixel(image, box.topLeft(), moduleSize, x, y) != expected)
                QFAIL(qPrintable(QStringLiteral("module (%1, %2) has the wrong color").arg(x).arg(y)));
        }
    }
}

void TestQrCode::decodedImageMatchesText_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("verification URL") << verificationUrl;
    QTest::newRow("UTF-8 text") << utf8Text;
}

void TestQrCode::decodedImageMatchesText()
{
    QFETCH(QString, text);
    const QString decoder = QStandardPaths::findExecutable(QStringLiteral("zbarimg"));
    if (decoder.isEmpty())
        QSKIP("zbarimg (Debian package zbar-tools) is not installed, so no QR decoder is available.");

    QrCodeWidget widget;
    QVERIFY(widget.setText(text));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("code.png"));
    QVERIFY(widget.toImage(6).save(path));

    QProcess process;
    process.start(decoder, {QStringLiteral("--quiet"), QStringLiteral("--raw"), path});
    QVERIFY(process.waitForFinished(30000));
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(QString::fromUtf8(process.readAllStandardOutput()).trimmed(), text);
}

QTEST_MAIN(TestQrCode)

#include "tst_qrcode.moc"
