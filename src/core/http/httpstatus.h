#pragma once

#include <QString>

namespace afx {

// Returns the standard reason phrase of an HTTP status code (RFC 9110 section 15), such as
// "Not Found" for 404, or an empty string for other codes. TracedResponse does not carry the
// phrase the server sent.
QString httpReasonPhrase(int status);

} // namespace afx
