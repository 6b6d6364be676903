#pragma once

#include "doctor/finding.h"

#include <QWidget>

class QLabel;
class QSplitter;
class QTreeWidget;
class QTreeWidgetItem;

namespace afx::gui {

// Lists the configuration doctor's findings for the current run, most severe first. Selecting
// or clicking one shows what happened, why and how to fix it, and requests its step on the
// diagram. The details end with a link that requests the step's details in the step inspector;
// activating a finding (double-click or Enter) does the same.
//
// Object names for tests: "findingsSummary", "findingsList", "findingDetails".
class FindingsPanel : public QWidget {
    Q_OBJECT
public:
    explicit FindingsPanel(QWidget *parent = nullptr);

    void setFindings(const QList<afx::doctor::Finding> &findings);
    const QList<afx::doctor::Finding> &findings() const { return m_findings; }
    // Selects the first finding (in list order, most severe first) about `step` and shows its
    // details. Returns false and keeps the selection when no finding is about that step.
    bool selectStep(int step);
    // A line such as "Errors: 2, warnings: 1, notes: 0", or "No findings".
    QString summary() const;

Q_SIGNALS:
    // Select `step` on the diagram.
    void stepRequested(int step);
    // Show `step` in the step inspector.
    void stepDetailsRequested(int step);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void showDetails(int index);
    // The finding of a list item, or nullptr.
    const afx::doctor::Finding *findingOf(const QTreeWidgetItem *item) const;

    QList<afx::doctor::Finding> m_findings;
    QLabel *m_summary;
    QTreeWidget *m_list;
    QLabel *m_details;
    QSplitter *m_split = nullptr; // list | details
    bool m_splitPending = true;   // the first show shares the width
};

} // namespace afx::gui
