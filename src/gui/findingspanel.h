#pragma once

#include "doctor/finding.h"

#include <QWidget>

class QLabel;
class QTreeWidget;

namespace afx::gui {

// Lists the configuration doctor's findings for the current run, most severe first. Selecting
// one shows what happened, why and how to fix it, and requests its step on the diagram.
class FindingsPanel : public QWidget {
    Q_OBJECT
public:
    explicit FindingsPanel(QWidget *parent = nullptr);

    void setFindings(const QList<afx::doctor::Finding> &findings);
    const QList<afx::doctor::Finding> &findings() const { return m_findings; }
    // A line such as "2 errors, 1 warning", or "No findings".
    QString summary() const;

Q_SIGNALS:
    void stepRequested(int step);

private:
    void showDetails(int index);

    QList<afx::doctor::Finding> m_findings;
    QLabel *m_summary;
    QTreeWidget *m_list;
    QLabel *m_details;
};

} // namespace afx::gui
