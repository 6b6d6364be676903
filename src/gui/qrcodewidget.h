#pragma once

#include <QImage>
#include <QString>
#include <QWidget>

#include <vector>

namespace afx::gui {

// A QR code for a text such as the verification_uri_complete of the device authorization grant
// (RFC 8628), so that the user can open it with a phone. The code is drawn black on white
// whatever the palette, with a quiet zone of 4 modules, whole-pixel modules and centered.
class QrCodeWidget : public QWidget {
    Q_OBJECT
public:
    // Modules of white margin around the code, as ISO/IEC 18004 requires.
    static constexpr int QuietZone = 4;

    explicit QrCodeWidget(QWidget *parent = nullptr);

    // Encodes `text` as UTF-8 at error correction level M. Returns false and keeps the previous
    // code when the text is empty or too long for a QR code; *error then names the reason and
    // the length in bytes.
    bool setText(const QString &text, QString *error = nullptr);
    QString text() const;

    // Modules per side without the quiet zone (21 + 4 * (version - 1)), or 0 when no code is set.
    int moduleCount() const;
    // Returns whether the module at column x, row y is dark. Outside the code it returns false.
    bool isDark(int x, int y) const;
    // Renders the code with its quiet zone, moduleSize pixels per module. Returns a null image
    // when no code is set or moduleSize is less than 1.
    QImage toImage(int moduleSize) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_text;
    int m_moduleCount = 0;
    // Row-major, m_moduleCount * m_moduleCount entries, true for a dark module.
    std::vector<bool> m_modules;
};

} // namespace afx::gui
