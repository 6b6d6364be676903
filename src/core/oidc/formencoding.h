#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace afx::oidc {

using FormFields = QList<QPair<QString, QString>>;

// application/x-www-form-urlencoded as RFC 6749 Appendix B and the WHATWG URL standard use it:
// UTF-8, the unreserved characters of RFC 3986 (A-Z a-z 0-9 - . _ ~) kept, space as '+', every
// other byte (including '+') percent-encoded with upper-case hex digits.
// QUrlQuery does not encode '+', so it must not be used for OAuth parameters.
QByteArray formEncode(const QString &value);
QByteArray formEncodeFields(const FormFields &fields);

// Decodes one form-encoded value: '+' becomes a space, then percent-decoding as UTF-8.
// Returns false (and leaves *out empty) for a broken percent escape or invalid UTF-8.
bool formDecode(QByteArrayView encoded, QString *out);
// Splits "a=1&b=2" (a query string, fragment or form body) and decodes names and values.
// Keeps duplicates in order, skips empty pairs ("a=1&&b=2") and reads "a" as "a=" (empty value).
// Returns false with *error naming the parameter (never its value) and leaves *out empty.
bool formDecodeFields(QByteArrayView encoded, FormFields *out, QString *error);

} // namespace afx::oidc
