#pragma once

#include "flow/trace.h"
#include "oidc/idtokenvalidator.h"

namespace afx {

// Maps the outcome of one token check to the result its trace step shows.
StepResult stepResultForCheck(oidc::Check::Status status);

} // namespace afx
