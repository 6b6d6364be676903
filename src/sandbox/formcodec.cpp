#include "sandbox/formcodec.h"

namespace afx::sandbox {

bool hasField(const oidc::FormFields &fields, const QString &name)
{
    for (const auto &field : fields) {
        if (field.first == name)
            return true;
    }
    return false;
}

QString fieldValue(const oidc::FormFields &fields, const QString &name)
{
    for (const auto &field : fields) {
        if (field.first == name)
            return field.second;
    }
    return {};
}

QStringList repeatedFieldNames(const oidc::FormFields &fields)
{
    QStringList seen;
    QStringList repeated;
    for (const auto &field : fields) {
        if (seen.contains(field.first)) {
            if (!repeated.contains(field.first))
                repeated.append(field.first);
        } else {
            seen.append(field.first);
        }
    }
    return repeated;
}

} // namespace afx::sandbox
