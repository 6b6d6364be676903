#include "doctor/finding.h"

namespace afx::doctor {

QString severityName(Finding::Severity severity)
{
    switch (severity) {
    case Finding::Severity::Error:
        return QStringLiteral("error");
    case Finding::Severity::Warning:
        return QStringLiteral("warning");
    case Finding::Severity::Info:
        return QStringLiteral("info");
    }
    return QStringLiteral("info");
}

QJsonObject Finding::toJson() const
{
    return QJsonObject{
        {QStringLiteral("severity"), severityName(severity)},
        {QStringLiteral("id"), id},
        {QStringLiteral("title"), title},
        {QStringLiteral("step"), step},
        {QStringLiteral("what"), what},
        {QStringLiteral("why"), why},
        {QStringLiteral("fix"), fix},
    };
}

Finding makeFinding(Finding::Severity severity, const QString &id, const QString &title, const QString &what,
                    const QString &why, const QString &fix, int step)
{
    Finding finding;
    finding.severity = severity;
    finding.id = id;
    finding.title = title;
    finding.step = step;
    finding.what = what;
    finding.why = why;
    finding.fix = fix;
    return finding;
}

bool hasErrors(const QList<Finding> &findings)
{
    return countSeverity(findings, Finding::Severity::Error) > 0;
}

int countSeverity(const QList<Finding> &findings, Finding::Severity severity)
{
    int count = 0;
    for (const Finding &finding : findings) {
        if (finding.severity == severity)
            ++count;
    }
    return count;
}

bool containsFinding(const QList<Finding> &findings, const QString &id)
{
    for (const Finding &finding : findings) {
        if (finding.id == id)
            return true;
    }
    return false;
}

} // namespace afx::doctor
