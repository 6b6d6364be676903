#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace afx::jose {

// One certificate of a JWK's "x5c" chain, parsed for display (RFC 7517 section 4.7).
struct CertificateInfo {
    QString subject;     // RFC 2253 distinguished name, such as "CN=idp.example.com,O=Example"
    QString issuer;
    QDateTime notBefore; // UTC
    QDateTime notAfter;  // UTC
    QString error;       // why the entry could not be parsed; the other members are then empty

    bool isValid() const { return error.isEmpty(); }
    // True when `now` is outside notBefore..notAfter. False for an entry that was not parsed.
    bool isExpiredAt(const QDateTime &now) const;
};

// Parses each x5c entry: standard base64 (not base64url) of a DER X.509 certificate. An entry
// that cannot be parsed yields a CertificateInfo with `error` set, so a broken chain is shown,
// never fatal. At most maxEntries entries are parsed, and each may be at most maxEntryBytes of
// base64; longer input yields an error entry.
QList<CertificateInfo> parseCertificateChain(const QStringList &x5c, int maxEntries = 10,
                                             qsizetype maxEntryBytes = 64 * 1024);

} // namespace afx::jose
