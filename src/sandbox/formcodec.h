#pragma once

#include "oidc/formencoding.h"

#include <QString>
#include <QStringList>

// Lookups on the decoded fields of a form body or query string. Encoding and decoding are
// afx::oidc::formEncodeFields() and afx::oidc::formDecodeFields().
namespace afx::sandbox {

bool hasField(const oidc::FormFields &fields, const QString &name);
// Returns the first value of `name`, or an empty string when it is absent (see hasField()).
QString fieldValue(const oidc::FormFields &fields, const QString &name);
// Returns the names that occur more than once, each once, in order of their second occurrence.
// OAuth 2.0 forbids repeated parameters (RFC 6749 sections 3.1 and 3.2).
QStringList repeatedFieldNames(const oidc::FormFields &fields);

} // namespace afx::sandbox
