#pragma once

#include <QDialog>

namespace afx::sandbox {
class SandboxServer;
}

namespace afx::gui {

// The sandbox's fault switchboard: one switch per fault a real provider can show, each with
// the sentence on what causes it, and the backend's introspection switch.
class FaultPanel : public QDialog {
    Q_OBJECT
public:
    FaultPanel(sandbox::SandboxServer *sandbox, QWidget *parent = nullptr);
};

} // namespace afx::gui
