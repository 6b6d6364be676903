#include "jose/x5c.h"

#include "jose/openssl_p.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/x509.h>

#include <memory>

namespace afx::jose {

namespace {

struct X509Deleter {
    void operator()(X509 *certificate) const { X509_free(certificate); }
};
struct BioDeleter {
    void operator()(BIO *bio) const { BIO_free(bio); }
};

QString nameToString(const X509_NAME *name)
{
    const std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0)
        return {};
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return QString::fromUtf8(data, qsizetype(length));
}

QDateTime timeToDateTime(const ASN1_TIME *time)
{
    struct tm parts = {};
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1)
        return {};
    const QDate date(parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday);
    const QTime clock(parts.tm_hour, parts.tm_min, parts.tm_sec);
    return QDateTime(date, clock, Qt::UTC);
}

CertificateInfo errorEntry(const QString &message)
{
    CertificateInfo info;
    info.error = message;
    return info;
}

CertificateInfo parseEntry(const QString &entry, int index, qsizetype maxEntryBytes)
{
    if (entry.size() > maxEntryBytes)
        return errorEntry(QStringLiteral("Certificate %1 of x5c is %2 characters, more than the limit of %3.")
                              .arg(index + 1)
                              .arg(entry.size())
                              .arg(maxEntryBytes));
    const QByteArray::FromBase64Result decoded =
        QByteArray::fromBase64Encoding(entry.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.isEmpty())
        return errorEntry(QStringLiteral("Certificate %1 of x5c is not valid base64. x5c entries use standard "
                                         "base64, not base64url (RFC 7517 section 4.7).")
                              .arg(index + 1));

    const auto *bytes = reinterpret_cast<const unsigned char *>(decoded.decoded.constData());
    const std::unique_ptr<X509, X509Deleter> certificate(d2i_X509(nullptr, &bytes, long(decoded.decoded.size())));
    if (!certificate) {
        const QString details = detail::takeOpenSslErrors();
        return errorEntry(QStringLiteral("Certificate %1 of x5c is not a DER X.509 certificate (%2).")
                              .arg(index + 1)
                              .arg(details));
    }
    CertificateInfo info;
    info.subject = nameToString(X509_get_subject_name(certificate.get()));
    info.issuer = nameToString(X509_get_issuer_name(certificate.get()));
    info.notBefore = timeToDateTime(X509_get0_notBefore(certificate.get()));
    info.notAfter = timeToDateTime(X509_get0_notAfter(certificate.get()));
    return info;
}

} // namespace

bool CertificateInfo::isExpiredAt(const QDateTime &now) const
{
    if (!isValid() || !notBefore.isValid() || !notAfter.isValid())
        return false;
    return now < notBefore || now > notAfter;
}

QList<CertificateInfo> parseCertificateChain(const QStringList &x5c, int maxEntries, qsizetype maxEntryBytes)
{
    QList<CertificateInfo> chain;
    for (int i = 0; i < x5c.size(); ++i) {
        if (i >= maxEntries) {
            chain.append(errorEntry(QStringLiteral("x5c has %1 certificates, only the first %2 are shown.")
                                        .arg(x5c.size())
                                        .arg(maxEntries)));
            break;
        }
        chain.append(parseEntry(x5c.at(i), i, maxEntryBytes));
    }
    return chain;
}

} // namespace afx::jose
