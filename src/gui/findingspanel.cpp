#include "gui/findingspanel.h"

#include <QHeaderView>
#include <QLabel>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace afx::gui {

using doctor::Finding;

namespace {

QIcon severityIcon(const QStyle *style, Finding::Severity severity)
{
    switch (severity) {
    case Finding::Severity::Error:
        return style->standardIcon(QStyle::SP_MessageBoxCritical);
    case Finding::Severity::Warning:
        return style->standardIcon(QStyle::SP_MessageBoxWarning);
    case Finding::Severity::Info:
        break;
    }
    return style->standardIcon(QStyle::SP_MessageBoxInformation);
}

} // namespace

FindingsPanel::FindingsPanel(QWidget *parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_list(new QTreeWidget(this))
    , m_details(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    m_summary->setObjectName(QStringLiteral("findingsSummary"));
    m_list->setObjectName(QStringLiteral("findingsList"));
    m_list->setHeaderLabels({tr("Finding"), tr("Step")});
    m_list->setRootIsDecorated(false);
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_details->setObjectName(QStringLiteral("findingDetails"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    layout->addWidget(m_summary);
    layout->addWidget(m_list, 2);
    layout->addWidget(m_details, 3);
    connect(m_list, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        showDetails(item ? item->data(0, Qt::UserRole).toInt() : -1);
    });
    setFindings({});
}

void FindingsPanel::setFindings(const QList<Finding> &findings)
{
    m_findings = findings;
    // Errors first, then warnings, then notes; the doctor's order within each.
    std::stable_sort(m_findings.begin(), m_findings.end(),
                     [](const Finding &a, const Finding &b) { return int(a.severity) < int(b.severity); });
    m_list->clear();
    for (int i = 0; i < m_findings.size(); ++i) {
        const Finding &finding = m_findings.at(i);
        auto *item = new QTreeWidgetItem(m_list, {finding.title, finding.step >= 0 ? QString::number(finding.step + 1) : QString()});
        item->setIcon(0, severityIcon(style(), finding.severity));
        item->setData(0, Qt::UserRole, i);
        item->setToolTip(0, finding.what);
    }
    m_summary->setText(summary());
    if (m_findings.isEmpty())
        m_details->setText(tr("The doctor found nothing to report for this run. Findings appear here when a login or a "
                              "request fails, or when the profile differs from what the provider advertises."));
    else
        m_list->setCurrentItem(m_list->topLevelItem(0));
}

QString FindingsPanel::summary() const
{
    if (m_findings.isEmpty())
        return tr("No findings");
    const int errors = doctor::countSeverity(m_findings, Finding::Severity::Error);
    const int warnings = doctor::countSeverity(m_findings, Finding::Severity::Warning);
    const int notes = doctor::countSeverity(m_findings, Finding::Severity::Info);
    return tr("%n error(s)", nullptr, errors) + QStringLiteral(", ") + tr("%n warning(s)", nullptr, warnings)
        + QStringLiteral(", ") + tr("%n note(s)", nullptr, notes);
}

void FindingsPanel::showDetails(int index)
{
    if (index < 0 || index >= m_findings.size()) {
        m_details->clear();
        return;
    }
    const Finding &finding = m_findings.at(index);
    m_details->setText(QStringLiteral("<p><b>%1</b> <span style=\"color: palette(mid)\">(%2, %3)</span></p>"
                                      "<p><b>%4</b> %5</p><p><b>%6</b> %7</p><p><b>%8</b> %9</p>")
                           .arg(finding.title.toHtmlEscaped(), doctor::severityName(finding.severity), finding.id,
                                tr("What happened:"), finding.what.toHtmlEscaped(), tr("Why:"), finding.why.toHtmlEscaped(),
                                tr("Fix:"), finding.fix.toHtmlEscaped()));
    if (finding.step >= 0)
        Q_EMIT stepRequested(finding.step);
}

} // namespace afx::gui
