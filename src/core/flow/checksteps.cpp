#include "flow/checksteps.h"

namespace afx {

StepResult stepResultForCheck(oidc::Check::Status status)
{
    switch (status) {
    case oidc::Check::Status::Passed:
        return StepResult::Ok;
    case oidc::Check::Status::Failed:
        return StepResult::Failed;
    case oidc::Check::Status::Warning:
        return StepResult::Warning;
    case oidc::Check::Status::Skipped:
        return StepResult::Skipped;
    }
    return StepResult::Skipped;
}

} // namespace afx
