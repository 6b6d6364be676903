#include "gui/faultpanel.h"

#include "sandbox/faults.h"
#include "sandbox/sandboxserver.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace afx::gui {

FaultPanel::FaultPanel(sandbox::SandboxServer *sandbox, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("faultPanel"));
    setWindowTitle(tr("Sandbox fault switchboard"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Each switch makes the built-in sandbox misbehave the way real providers do. Log in or "
                                "send a query to see how the app's checks and the doctor react; each run lists the "
                                "switches that acted. The sandbox's normal behaviour returns when a switch is off."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    auto *grid = new QWidget(scroll);
    auto *rows = new QGridLayout(grid);
    int row = 0;
    for (const sandbox::SandboxFault fault : sandbox::allSandboxFaults()) {
        auto *box = new QCheckBox(sandbox::sandboxFaultName(fault), grid);
        box->setObjectName(QStringLiteral("fault-") + sandbox::sandboxFaultName(fault));
        box->setChecked(sandbox->isFaultOn(fault));
        auto *description = new QLabel(sandbox::sandboxFaultDescription(fault), grid);
        description->setWordWrap(true);
        description->setBuddy(box);
        rows->addWidget(box, row, 0, Qt::AlignTop);
        rows->addWidget(description, row, 1);
        connect(box, &QCheckBox::toggled, sandbox, [sandbox, fault](bool on) { sandbox->setFault(fault, on); });
        connect(sandbox, &sandbox::SandboxServer::faultsChanged, box, [sandbox, fault, box] {
            const QSignalBlocker blocker(box);
            box->setChecked(sandbox->isFaultOn(fault));
        });
        ++row;
    }
    auto *introspect = new QCheckBox(tr("backend-introspects"), grid);
    introspect->setObjectName(QStringLiteral("backendIntrospects"));
    auto *introspectText = new QLabel(tr("The GraphQL backend asks the provider's introspection endpoint about every "
                                         "token instead of checking it with the cached JWKS: compare the latency of "
                                         "each API call on the diagram."),
                                      grid);
    introspectText->setWordWrap(true);
    rows->addWidget(introspect, row, 0, Qt::AlignTop);
    rows->addWidget(introspectText, row, 1);
    connect(introspect, &QCheckBox::toggled, sandbox, &sandbox::SandboxServer::setBackendIntrospects);
    rows->setColumnStretch(1, 1);
    scroll->setWidget(grid);
    layout->addWidget(scroll, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *allOff = buttons->addButton(tr("All &off"), QDialogButtonBox::ResetRole);
    connect(allOff, &QPushButton::clicked, this, [this, introspect] {
        for (QCheckBox *box : findChildren<QCheckBox *>())
            box->setChecked(false);
        introspect->setChecked(false);
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    layout->addWidget(buttons);
    resize(760, 620);
}

} // namespace afx::gui
