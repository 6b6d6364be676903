#include "oidc/formencoding.h"

namespace afx::oidc {

namespace {

// RFC 3986 section 2.3 unreserved characters. Every other byte, '+' included, is
// percent-encoded, which any application/x-www-form-urlencoded decoder reads back unchanged.
bool isUnreserved(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
        || c == '.' || c == '_' || c == '~';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

enum class DecodeError { None, BrokenEscape, InvalidUtf8 };

DecodeError decodeValue(QByteArrayView encoded, QString *out)
{
    QByteArray bytes;
    bytes.reserve(encoded.size());
    for (qsizetype i = 0; i < encoded.size(); ++i) {
        const char c = encoded[i];
        if (c == '+') {
            bytes += ' ';
        } else if (c == '%') {
            if (i + 2 >= encoded.size())
                return DecodeError::BrokenEscape;
            const int high = hexValue(encoded[i + 1]);
            const int low = hexValue(encoded[i + 2]);
            if (high < 0 || low < 0)
                return DecodeError::BrokenEscape;
            bytes += char(high * 16 + low);
            i += 2;
        } else {
            bytes += c;
        }
    }

    // QString::fromUtf8 replaces invalid sequences (overlong forms, surrogates, truncated
    // sequences) with U+FFFD, so only valid UTF-8 survives the round trip byte for byte.
    QString text = QString::fromUtf8(bytes);
    if (text.toUtf8() != bytes)
        return DecodeError::InvalidUtf8;
    *out = std::move(text);
    return DecodeError::None;
}

QString describeDecodeError(DecodeError error)
{
    switch (error) {
    case DecodeError::None:
        break;
    case DecodeError::BrokenEscape:
        return QStringLiteral("a '%' is not followed by two hexadecimal digits");
    case DecodeError::InvalidUtf8:
        return QStringLiteral("the decoded bytes are not valid UTF-8");
    }
    return {};
}

} // namespace

QByteArray formEncode(const QString &value)
{
    static constexpr char hexDigits[] = "0123456789ABCDEF";
    const QByteArray utf8 = value.toUtf8();
    QByteArray encoded;
    encoded.reserve(utf8.size() * 3);
    for (const char c : utf8) {
        if (isUnreserved(c)) {
            encoded += c;
        } else if (c == ' ') {
            encoded += '+';
        } else {
            const auto byte = static_cast<unsigned char>(c);
            encoded += '%';
            encoded += hexDigits[byte >> 4];
            encoded += hexDigits[byte & 0x0F];
        }
    }
    return encoded;
}

QByteArray formEncodeFields(const FormFields &fields)
{
    QByteArray encoded;
    for (const auto &[name, value] : fields) {
        if (!encoded.isEmpty())
            encoded += '&';
        encoded += formEncode(name);
        encoded += '=';
        encoded += formEncode(value);
    }
    return encoded;
}

bool formDecode(QByteArrayView encoded, QString *out)
{
    QString decoded;
    if (decodeValue(encoded, &decoded) != DecodeError::None) {
        if (out)
            out->clear();
        return false;
    }
    if (out)
        *out = std::move(decoded);
    return true;
}

bool formDecodeFields(QByteArrayView encoded, FormFields *out, QString *error)
{
    FormFields fields;
    qsizetype start = 0;
    int index = 0;
    while (start <= encoded.size()) {
        qsizetype end = encoded.indexOf('&', start);
        if (end < 0)
            end = encoded.size();
        const QByteArrayView pair = encoded.sliced(start, end - start);
        start = end + 1;

        // Empty pairs ("a=1&&b=2", a trailing '&') carry nothing and are skipped, as the
        // WHATWG URL standard's form parser does.
        if (pair.isEmpty())
            continue;
        ++index;

        const qsizetype equals = pair.indexOf('=');
        const QByteArrayView rawName = equals < 0 ? pair : pair.first(equals);
        const QByteArrayView rawValue = equals < 0 ? QByteArrayView() : pair.sliced(equals + 1);

        QString name;
        QString value;
        const DecodeError nameError = decodeValue(rawName, &name);
        if (nameError != DecodeError::None) {
            if (error)
                *error = QStringLiteral("The name of parameter %1 is malformed: %2.")
                             .arg(index)
                             .arg(describeDecodeError(nameError));
            if (out)
                out->clear();
            return false;
        }
        const DecodeError valueError = decodeValue(rawValue, &value);
        if (valueError != DecodeError::None) {
            // The value may be a code or a token, so the message names only the parameter.
            if (error)
                *error = QStringLiteral("The value of parameter \"%1\" is malformed: %2.")
                             .arg(name, describeDecodeError(valueError));
            if (out)
                out->clear();
            return false;
        }
        fields.append({name, value});
    }
    if (out)
        *out = std::move(fields);
    return true;
}

} // namespace afx::oidc
