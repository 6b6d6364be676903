#pragma once

#include <QImage>
#include <QString>

class QWidget;

namespace afx {
class Trace;
}

namespace afx::gui {

// Draws the whole diagram of `trace`, every step without scrolling and with no step
// highlighted, in the font and palette of `styleSource` (when given). The image is at least
// `minimumWidth` pixels wide, so that the lifelines keep the spacing of the window's diagram.
// Returns a null image when the diagram is too large to draw.
QImage renderDiagramImage(afx::Trace *trace, const QWidget *styleSource = nullptr, int minimumWidth = 0);

// Writes `image` as PNG to `path` through QSaveFile. On failure returns false and sets
// `errorMessage` to a sentence that names the file and the reason.
bool writePngFile(const QString &path, const QImage &image, QString *errorMessage);

} // namespace afx::gui
