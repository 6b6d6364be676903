#include "query/curlcommand.h"

#include <QStringDecoder>

namespace afx::query {

namespace {

// Header names whose values are credentials even when the caller did not list them.
bool isCredentialHeader(const QByteArray &name)
{
    return name.compare("Authorization", Qt::CaseInsensitive) == 0
        || name.compare("Proxy-Authorization", Qt::CaseInsensitive) == 0
        || name.compare("Cookie", Qt::CaseInsensitive) == 0;
}

// True when a shell can carry `body` inside single quotes and curl gets the same bytes back.
bool isQuotableText(const QByteArray &body)
{
    for (char byte : body) {
        const auto c = static_cast<unsigned char>(byte);
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return false;
        if (c == 0x7f)
            return false;
    }
    // Stateless, so an incomplete sequence at the end counts as an error too.
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(body);
    return !decoder.hasError() && !text.contains(QChar::ReplacementCharacter);
}

// A printf format that prints `body` exactly: octal escapes for everything outside printable
// ASCII, with '\' and '%' doubled for printf (POSIX printf interprets both in its format).
QString printfFormat(const QByteArray &body)
{
    QString format;
    format.reserve(body.size() * 2);
    for (char byte : body) {
        const auto c = static_cast<unsigned char>(byte);
        if (c == '\\')
            format += QStringLiteral("\\\\");
        else if (c == '%')
            format += QStringLiteral("%%");
        else if (c >= 0x20 && c < 0x7f)
            format += QLatin1Char(char(c));
        else
            format += QStringLiteral("\\%1").arg(uint(c), 3, 8, QLatin1Char('0'));
    }
    return format;
}

QString maskKnownSecrets(QString text, const CurlOptions &options)
{
    if (!options.maskSecrets)
        return text;
    for (const CurlSecret &secret : options.secrets) {
        if (secret.value.isEmpty())
            continue;
        text.replace(secret.value, maskedSecret(secret.value, secret.label));
        const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(secret.value));
        if (encoded != secret.value)
            text.replace(encoded, maskedSecret(secret.value, secret.label));
    }
    return text;
}

// Masks a credential header value: the scheme stays, the rest becomes a masked phrase.
QString maskHeaderValue(const QByteArray &name, const QString &value, const CurlOptions &options)
{
    const QString masked = maskKnownSecrets(value, options);
    if (!options.maskSecrets || !isCredentialHeader(name) || masked != value || value.isEmpty())
        return masked;
    if (name.compare("Cookie", Qt::CaseInsensitive) == 0)
        return QStringLiteral("<cookies (masked)>");
    const qsizetype space = value.indexOf(QLatin1Char(' '));
    if (space < 0)
        return QStringLiteral("<credentials (masked)>");
    return value.left(space + 1) + QStringLiteral("<credentials (masked)>");
}

} // namespace

QString shellQuote(const QString &text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString maskedSecret(const QString &secret, const QString &label)
{
    // Short values would give away too much of themselves.
    const QString start = secret.size() > 16 ? secret.left(4) : QString();
    return QStringLiteral("<%1: %2…(masked)>").arg(label, start);
}

QString curlCommand(const QString &method, const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers,
                    const QByteArray &body, const CurlOptions &options)
{
    const QString verb = method.toUpper();
    QStringList lines;
    QString first = QStringLiteral("curl");
    const bool head = verb == QLatin1String("HEAD");
    if (head)
        first += QStringLiteral(" --head");
    // curl sends GET without a body and POST with one. Any other combination needs -X.
    const bool inferred = head || (verb == QLatin1String("GET") && body.isEmpty())
        || (verb == QLatin1String("POST") && !body.isEmpty());
    if (!inferred)
        first += QStringLiteral(" -X ") + shellQuote(verb);
    const QString urlText = maskKnownSecrets(url.toString(QUrl::FullyEncoded), options);
    if (urlText.contains(QLatin1Char('[')) || urlText.contains(QLatin1Char('{')) || urlText.contains(QLatin1Char(']'))
        || urlText.contains(QLatin1Char('}')))
        first += QStringLiteral(" -g");
    first += QLatin1Char(' ') + shellQuote(urlText);
    lines << first;

    for (const auto &[name, value] : headers) {
        const QString shownValue = maskHeaderValue(name, QString::fromUtf8(value), options);
        // "Name:" with nothing after it makes curl remove the header, but "Name;" sends it empty.
        const QString argument = shownValue.isEmpty() ? QString::fromUtf8(name) + QLatin1Char(';')
                                                      : QString::fromUtf8(name) + QStringLiteral(": ") + shownValue;
        lines << QStringLiteral("-H ") + shellQuote(argument);
    }

    QString pipe;
    if (!body.isEmpty()) {
        if (isQuotableText(body)) {
            lines << QStringLiteral("--data-raw ") + shellQuote(maskKnownSecrets(QString::fromUtf8(body), options));
        } else {
            QByteArray bytes = body;
            if (options.maskSecrets) {
                for (const CurlSecret &secret : options.secrets) {
                    if (!secret.value.isEmpty())
                        bytes.replace(secret.value.toUtf8(), maskedSecret(secret.value, secret.label).toUtf8());
                }
            }
            pipe = QStringLiteral("printf ") + shellQuote(printfFormat(bytes)) + QStringLiteral(" | ");
            lines << QStringLiteral("--data-binary @-");
        }
    }
    return pipe + lines.join(QStringLiteral(" \\\n  "));
}

} // namespace afx::query
