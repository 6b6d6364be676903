#include "gui/browserloader.h"

#include "gui/embeddedbrowser.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QOpenGLContext>
#include <QPluginLoader>

// NOTE: exported by QtGui but declared only in its private headers. QGuiApplication calls it
// at construction when Qt::AA_ShareOpenGLContexts is set. Qt WebEngine 6.4 crashes without
// this shared context, and creating it at start-up cost about 100 ms here, so the loader
// creates it just before it loads the plugin.
void qt_gl_set_global_share_context(QOpenGLContext *context);

namespace afx::gui {

namespace {

const QString pluginFileName = QStringLiteral("afx-webengine-browser.so");

void ensureGlobalShareContext()
{
    if (QOpenGLContext::globalShareContext())
        return;
    // Parented to the application: WebEngine shuts down in a post routine, which runs before
    // the application object deletes its children.
    auto *context = new QOpenGLContext(QCoreApplication::instance());
    context->setFormat(QSurfaceFormat::defaultFormat());
    context->create(); // kept even when this fails (no OpenGL, as on offscreen), as QGuiApplication does
    qt_gl_set_global_share_context(context);
}

} // namespace

QStringList embeddedBrowserPluginDirs()
{
    const QString overrideDir = qEnvironmentVariable("AFX_PLUGIN_DIR");
    if (!overrideDir.isEmpty())
        return {overrideDir};
    return {QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../lib/authflow-explorer")),
            QStringLiteral(AFX_PLUGIN_BUILD_DIR)};
}

EmbeddedBrowser *createEmbeddedBrowser(QWidget *parent, QString *error)
{
    static QPluginLoader *loader = nullptr;
    if (!loader) {
        QString path;
        const QStringList dirs = embeddedBrowserPluginDirs();
        for (const QString &dir : dirs) {
            if (QFileInfo::exists(dir + QLatin1Char('/') + pluginFileName)) {
                path = dir + QLatin1Char('/') + pluginFileName;
                break;
            }
        }
        if (path.isEmpty()) {
            *error = QCoreApplication::translate("EmbeddedBrowser",
                                                 "The embedded browser plugin %1 was not found in %2. Reinstall the app, "
                                                 "or set AFX_PLUGIN_DIR to the folder that holds the plugin.")
                         .arg(pluginFileName, dirs.join(QStringLiteral(", ")));
            return nullptr;
        }
        ensureGlobalShareContext();
        auto *candidate = new QPluginLoader(path, QCoreApplication::instance());
        if (!candidate->load()) {
            *error = QCoreApplication::translate("EmbeddedBrowser", "The embedded browser plugin %1 could not be loaded: %2")
                         .arg(path, candidate->errorString());
            delete candidate;
            return nullptr;
        }
        loader = candidate;
    }
    auto *factory = qobject_cast<EmbeddedBrowserFactory *>(loader->instance());
    if (!factory) {
        *error = QCoreApplication::translate("EmbeddedBrowser",
                                             "%1 is not an Auth Flow Explorer browser plugin of this version (%2). Reinstall the app.")
                     .arg(loader->fileName(), loader->errorString());
        return nullptr;
    }
    return factory->createBrowser(parent);
}

} // namespace afx::gui
