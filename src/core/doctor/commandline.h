#pragma once

#include <QString>
#include <QTextStream>

namespace afx::doctor {

// Exit codes of `authflow-explorer --check`.
enum CheckExitCode {
    CheckPassed = 0,      // no finding is an error
    CheckFoundErrors = 1, // at least one finding is an error
    CheckCannotRun = 2,   // the profile file is unreadable or invalid, or discovery is unreachable
};

// Runs the pre-login checks for the profile file at `profilePath`: the profile alone, then the
// provider's discovery document (fetched with the profile's timeout) and the quirks of the
// provider's preset. Prints the findings to `out` as "text" or "json" and problems that stop
// the check to `err`. Runs a local event loop, so a QCoreApplication must exist; no window.
int runCheckCommand(const QString &profilePath, const QString &format, QTextStream &out, QTextStream &err);

} // namespace afx::doctor
