#include "sandbox/formcodec.h"

#include <QStringDecoder>
#include <QUrl>

namespace afx::sandbox {

namespace {

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

QByteArray formEncode(const QString &value)
{
    // toPercentEncoding keeps only the unreserved set; spaces are excluded from encoding here
    // and then turned into '+'.
    QByteArray encoded = QUrl::toPercentEncoding(value, " ");
    encoded.replace(' ', '+');
    return encoded;
}

bool formDecode(QByteArrayView encoded, QString *out)
{
    QByteArray bytes;
    bytes.reserve(encoded.size());
    for (qsizetype i = 0; i < encoded.size(); ++i) {
        const char c = encoded[i];
        if (c == '+') {
            bytes += ' ';
        } else if (c == '%') {
            if (i + 2 >= encoded.size())
                return false;
            const int high = hexDigit(encoded[i + 1]);
            const int low = hexDigit(encoded[i + 2]);
            if (high < 0 || low < 0)
                return false;
            bytes += char(high * 16 + low);
            i += 2;
        } else {
            bytes += c;
        }
    }

    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder(bytes);
    if (decoder.hasError())
        return false;
    *out = std::move(text);
    return true;
}

bool FormFields::parse(QByteArrayView encoded, FormFields *out, QString *error)
{
    FormFields fields;
    qsizetype start = 0;
    while (start <= encoded.size()) {
        qsizetype end = encoded.indexOf('&', start);
        if (end < 0)
            end = encoded.size();
        const QByteArrayView piece = encoded.sliced(start, end - start);
        start = end + 1;
        if (piece.isEmpty())
            continue;

        const qsizetype equals = piece.indexOf('=');
        const QByteArrayView rawName = equals < 0 ? piece : piece.first(equals);
        const QByteArrayView rawValue = equals < 0 ? QByteArrayView() : piece.sliced(equals + 1);
        QString name;
        QString value;
        if (!formDecode(rawName, &name) || !formDecode(rawValue, &value)) {
            if (error)
                *error = QStringLiteral("The form field \"%1\" has a broken %-escape or is not UTF-8.")
                             .arg(QString::fromLatin1(rawName.first(qMin<qsizetype>(rawName.size(), 64))));
            return false;
        }
        fields.append(name, value);
    }
    *out = std::move(fields);
    return true;
}

bool FormFields::has(const QString &name) const
{
    for (const auto &field : m_fields) {
        if (field.first == name)
            return true;
    }
    return false;
}

QString FormFields::value(const QString &name) const
{
    for (const auto &field : m_fields) {
        if (field.first == name)
            return field.second;
    }
    return {};
}

QStringList FormFields::repeatedNames() const
{
    QStringList seen;
    QStringList repeated;
    for (const auto &field : m_fields) {
        if (seen.contains(field.first)) {
            if (!repeated.contains(field.first))
                repeated.append(field.first);
        } else {
            seen.append(field.first);
        }
    }
    return repeated;
}

QByteArray FormFields::encode() const
{
    QByteArray encoded;
    for (const auto &[name, value] : m_fields) {
        if (!encoded.isEmpty())
            encoded += '&';
        encoded += formEncode(name);
        encoded += '=';
        encoded += formEncode(value);
    }
    return encoded;
}

} // namespace afx::sandbox
