#include "gui/findingspanel.h"

#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

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
    layout->setContentsMargins(6, 6, 6, 6);
    m_summary->setObjectName(QStringLiteral("findingsSummary"));
    m_list->setObjectName(QStringLiteral("findingsList"));
    m_list->setAccessibleName(tr("Findings"));
    m_list->setHeaderLabels({tr("Finding"), tr("Step")});
    m_list->setRootIsDecorated(false);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_details->setObjectName(QStringLiteral("findingDetails"));
    m_details->setWordWrap(true);
    m_details->setTextFormat(Qt::RichText);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_details->setMargin(4);

    // The panel sits under the diagram, where it is wide and short: the list and the details
    // share the width, and long details scroll.
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName(QStringLiteral("findingsSplitter"));
    split->setChildrenCollapsible(false);
    auto *detailsScroll = new QScrollArea(split);
    detailsScroll->setWidgetResizable(true);
    detailsScroll->setFrameShape(QFrame::StyledPanel);
    detailsScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    detailsScroll->setWidget(m_details);
    split->addWidget(m_list);
    split->addWidget(detailsScroll);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    m_split = split;

    layout->addWidget(m_summary);
    layout->addWidget(split, 1);
    connect(m_list, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        showDetails(item ? item->data(0, Qt::UserRole).toInt() : -1);
    });
    // A click on the current finding selects its step again, after the user picked another one.
    connect(m_list, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem *item) {
        if (const Finding *finding = findingOf(item); finding && finding->step >= 0)
            Q_EMIT stepRequested(finding->step);
    });
    connect(m_list, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        if (const Finding *finding = findingOf(item); finding && finding->step >= 0)
            Q_EMIT stepDetailsRequested(finding->step);
    });
    connect(m_details, &QLabel::linkActivated, this, [this](const QString &link) {
        bool ok = false;
        const int step = link.section(QLatin1Char(':'), 1).toInt(&ok);
        if (link.startsWith(QLatin1String("step:")) && ok)
            Q_EMIT stepDetailsRequested(step);
    });
    setFindings({});
}

void FindingsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // The list's size hint would take most of the width. Sizes set before the first layout are
    // cut to the splitter's size then, so they are set on the first show.
    if (std::exchange(m_splitPending, false)) {
        const int width = m_split->width() - m_split->handleWidth();
        m_split->setSizes({width * 9 / 20, width - width * 9 / 20});
    }
}

const Finding *FindingsPanel::findingOf(const QTreeWidgetItem *item) const
{
    const int index = item ? item->data(0, Qt::UserRole).toInt() : -1;
    return index >= 0 && index < m_findings.size() ? &m_findings.at(index) : nullptr;
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

bool FindingsPanel::selectStep(int step)
{
    for (int row = 0; row < m_list->topLevelItemCount(); ++row) {
        QTreeWidgetItem *item = m_list->topLevelItem(row);
        const Finding *finding = findingOf(item);
        if (finding && finding->step == step) {
            m_list->setCurrentItem(item);
            m_list->scrollToItem(item);
            return true;
        }
    }
    return false;
}

QString FindingsPanel::summary() const
{
    if (m_findings.isEmpty())
        return tr("No findings");
    const int errors = doctor::countSeverity(m_findings, Finding::Severity::Error);
    const int warnings = doctor::countSeverity(m_findings, Finding::Severity::Warning);
    const int notes = doctor::countSeverity(m_findings, Finding::Severity::Info);
    return tr("Errors: %1, warnings: %2, notes: %3").arg(errors).arg(warnings).arg(notes);
}

void FindingsPanel::showDetails(int index)
{
    if (index < 0 || index >= m_findings.size()) {
        m_details->clear();
        return;
    }
    const Finding &finding = m_findings.at(index);
    QString text = QStringLiteral("<p><b>%1</b> <span style=\"color: palette(mid)\">(%2, %3)</span></p>"
                                  "<p><b>%4</b> %5</p><p><b>%6</b> %7</p><p><b>%8</b> %9</p>")
                       .arg(finding.title.toHtmlEscaped(), doctor::severityName(finding.severity), finding.id,
                            tr("What happened:"), finding.what.toHtmlEscaped(), tr("Why:"), finding.why.toHtmlEscaped(),
                            tr("Fix:"), finding.fix.toHtmlEscaped());
    if (finding.step >= 0)
        text += QStringLiteral("<p><a href=\"step:%1\">%2</a></p>")
                    .arg(finding.step)
                    .arg(tr("Show step %1 in the step inspector").arg(finding.step + 1));
    m_details->setText(text);
    if (finding.step >= 0)
        Q_EMIT stepRequested(finding.step);
}

} // namespace afx::gui
