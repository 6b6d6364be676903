#pragma once

#include <QLoggingCategory>

namespace afx::sandbox {

// "afx.sandbox": server start and stop, rejected requests (error codes and client ids only,
// never codes, tokens, secrets or passwords).
Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

} // namespace afx::sandbox
