#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

namespace afx::query {

// A secret value in the request and the phrase that stands for it in a masked command.
struct CurlSecret {
    QString value; // such as the access token
    QString label; // such as "access token"
};

struct CurlOptions {
    // Masked: each secret (and the value of any Authorization, Proxy-Authorization or Cookie
    // header) is replaced, as in 'Authorization: Bearer <access token: eyJh…(masked)>'.
    // The command then shows the request but does not run as it is.
    bool maskSecrets = true;
    QList<CurlSecret> secrets;
};

// Returns a curl command for a POSIX shell that sends this request: the method, the URL, the
// headers in order, and the body byte for byte.
//
// Every argument is single-quoted, with each ' written as '\''. Text bodies go in
// --data-raw, which sends them as they are and does not read a file for a leading '@'. A body
// that a shell cannot carry in quotes (a NUL byte, other control characters than tab, CR and
// LF, or invalid UTF-8) is written with octal escapes into printf and piped to
// --data-binary @-. -g stops curl from reading [] and {} in the URL as ranges.
//
// The User-Agent is left out. NOTE: TracedHttpClient sends its own User-Agent, and curl
// sends curl's, so that one header differs.
QString curlCommand(const QString &method, const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers,
                    const QByteArray &body, const CurlOptions &options = {});

// Quotes `text` for a POSIX shell: 'text', with each ' written as '\''.
QString shellQuote(const QString &text);

// The phrase that stands for `secret` in a masked command: "<label: abcd…(masked)>", with the
// first four characters of the secret when it is longer than 16 characters and none otherwise.
QString maskedSecret(const QString &secret, const QString &label);

} // namespace afx::query
