#pragma once

#include "doctor/finding.h"
#include "flow/trace.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace afx {

// Facts about the run that an export records besides its steps and findings. Empty members
// are left out of the file.
struct RunExportInfo {
    QString creatorVersion; // empty: QCoreApplication::applicationVersion()
    QString profileName;
    QString issuer;
    QString clientId;
    QString outcome;        // the message shown when the run ended, masked like the steps
};

// Builds a HAR 1.2 log (http://www.softwareishard.com/blog/har-12-spec/) from a trace.
//
// Every step with a request URL becomes one entry, in trace order, with the step's lifelines,
// channel, result and explanation key in the custom member "_step". The log carries the other
// steps (validation checks, local work, browser hops without HTTP data) in "_steps", the
// lifelines in "_lifelines", the findings in "_findings" and `info` in "_run".
//
// Every text passes through Trace::mask(), as the step inspector shows it. JSON bodies are
// pretty-printed before masking, as the inspector shows them, so that escaped characters cannot
// hide a registered secret from the mask. On top of that the export masks every cookie value in
// Cookie and Set-Cookie headers and in the browser session's cookie lines, and the credentials of
// Authorization headers of any scheme. Binary bodies are left out, with their size.
QJsonObject buildHarLog(const Trace &trace, const QList<doctor::Finding> &findings, const RunExportInfo &info = {});

// Writes buildHarLog()'s document, wrapped in {"log": ...}, to `path` through QSaveFile, so a
// failed write leaves an existing file as it was. On failure returns false and sets
// `errorMessage` to a sentence that names the file and the reason.
bool writeHarFile(const QString &path, const Trace &trace, const QList<doctor::Finding> &findings,
                  const RunExportInfo &info, QString *errorMessage);

} // namespace afx
