#pragma once

#include <QString>
#include <QStringList>

class QWidget;

namespace afx::gui {

class EmbeddedBrowser;

// Loads the embedded browser plugin (once per process) and creates a browser under `parent`.
// Returns nullptr and sets `error` to a message naming the folders searched or the loader's
// reason when the plugin cannot be used.
EmbeddedBrowser *createEmbeddedBrowser(QWidget *parent, QString *error);

// Returns the folders searched for the plugin, in order: $AFX_PLUGIN_DIR alone when it is set,
// otherwise ../lib/authflow-explorer next to the executable (an installed app), then the build tree.
QStringList embeddedBrowserPluginDirs();

} // namespace afx::gui
