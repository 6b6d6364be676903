#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace afx::doctor {

// One result of the configuration doctor: what happened, why it matters, and how to fix it.
struct Finding {
    enum class Severity { Error, Warning, Info };

    Severity severity = Severity::Info;
    QString id;    // stable kebab-case rule id, such as "redirect-uri-fragment"; docs/doctor.md lists them
    QString title; // one line
    int step = -1; // index of the trace step the finding comes from, or -1
    QString what;  // what happened, naming the values
    QString why;   // why it fails, with the specification section
    QString fix;   // how to fix it

    // {"severity": "error", "id": ..., "title": ..., "step": n, "what": ..., "why": ..., "fix": ...}
    QJsonObject toJson() const;
};

// "error", "warning" or "info".
QString severityName(Finding::Severity severity);

Finding makeFinding(Finding::Severity severity, const QString &id, const QString &title, const QString &what,
                    const QString &why, const QString &fix, int step = -1);

bool hasErrors(const QList<Finding> &findings);
int countSeverity(const QList<Finding> &findings, Finding::Severity severity);
// Returns true when a finding with `id` is in the list.
bool containsFinding(const QList<Finding> &findings, const QString &id);

} // namespace afx::doctor
