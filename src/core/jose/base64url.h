#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace afx::jose {

// Base64url without padding (RFC 7515 section 2).
QByteArray base64UrlEncode(QByteArrayView data);

// Decodes base64url text. Rejects characters outside the URL-safe alphabet, '=' padding,
// lengths that cannot come from an encoder (length % 4 == 1), and a last character whose
// unused low bits are not zero. Returns nullopt on error; empty text decodes to empty bytes.
std::optional<QByteArray> base64UrlDecode(QByteArrayView text);

} // namespace afx::jose
