#pragma once

#include <QProxyStyle>

namespace afx::gui {

// A proxy style that loads a few standard icons on first paint instead of on request.
// QMenuBar and QToolBar request their overflow icon in their constructors. Fusion reads it
// from a PNG through QImageReader, which loads every image format plugin on first use, so the
// first frame paid for a button that is rarely shown. main() sets this style.
class DeferredIconStyle : public QProxyStyle {
    Q_OBJECT
public:
    explicit DeferredIconStyle(QStyle *base);

    QIcon standardIcon(StandardPixmap icon, const QStyleOption *option = nullptr, const QWidget *widget = nullptr) const override;
};

} // namespace afx::gui
