#include "gui/diagramimage.h"

#include "gui/diagramwidget.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QDir>
#include <QPixmap>
#include <QSaveFile>

#include <algorithm>

namespace afx::gui {

namespace {

QString translated(const char *text)
{
    return QCoreApplication::translate("afx::gui::DiagramImage", text);
}

} // namespace

QImage renderDiagramImage(Trace *trace, const QWidget *styleSource, int minimumWidth)
{
    // A widget of its own that is never shown, sized to the whole diagram, so the export does
    // not depend on where the visible diagram is scrolled or which step it highlights.
    DiagramWidget diagram;
    diagram.setAttribute(Qt::WA_DontShowOnScreen);
    diagram.setFrameShape(QFrame::NoFrame);
    diagram.setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    diagram.setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    if (styleSource) {
        diagram.setFont(styleSource->font());
        diagram.setPalette(styleSource->palette());
    }
    diagram.setAnimationDuration(0);
    diagram.setTrace(trace);
    const QSize content = diagram.contentSize();
    diagram.resize(std::max(content.width(), minimumWidth), content.height());
    return diagram.grab().toImage();
}

bool writePngFile(const QString &path, const QImage &image, QString *errorMessage)
{
    const auto fail = [&](const QString &reason) {
        if (errorMessage)
            *errorMessage = translated("The diagram could not be exported to %1: %2.").arg(QDir::toNativeSeparators(path), reason);
        return false;
    };
    if (image.isNull())
        return fail(translated("the diagram is too large to draw as one image"));
    // Encoded in memory first, so a failed encoding never leaves a file behind.
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG"))
        return fail(translated("PNG encoding failed"));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(png) != png.size() || !file.commit()) {
        const QString reason = file.errorString();
        file.cancelWriting();
        return fail(reason);
    }
    return true;
}

} // namespace afx::gui
