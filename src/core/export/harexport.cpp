#include "export/harexport.h"

#include "http/httpstatus.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QNetworkCookie>
#include <QSaveFile>
#include <QStringDecoder>
#include <QUrl>

#include <algorithm>
#include <optional>

namespace afx {

namespace {

QString translated(const char *text)
{
    return QCoreApplication::translate("afx::HarExport", text);
}

const QString pageId = QStringLiteral("run");
// HAR's value for a MIME type that the message did not declare.
const QString unknownMimeType = QStringLiteral("x-unknown");
const QString maskPrefix = QStringLiteral("••••");

// The form of Trace::mask()'s placeholder, so the file shows one kind of mask throughout.
QString placeholderFor(qsizetype length)
{
    return maskPrefix + QStringLiteral("(%1 chars)").arg(length);
}

QString isoTime(const QDateTime &time)
{
    // HAR requires a date on every entry; a step without one gets the Unix epoch.
    const QDateTime valid = time.isValid() ? time : QDateTime::fromMSecsSinceEpoch(0, Qt::UTC);
    return valid.toUTC().toString(Qt::ISODateWithMs);
}

QString channelName(Channel channel)
{
    switch (channel) {
    case Channel::Front:
        return QStringLiteral("front");
    case Channel::Back:
        return QStringLiteral("back");
    case Channel::Local:
        return QStringLiteral("local");
    }
    return {};
}

QString headerValue(const HttpMessage &message, const QString &name)
{
    for (const auto &header : message.headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

QString mimeTypeOf(const HttpMessage &message)
{
    const QString type = headerValue(message, QStringLiteral("Content-Type")).trimmed();
    return type.isEmpty() ? unknownMimeType : type;
}

QString withoutFragment(const QString &url)
{
    const qsizetype hash = url.indexOf(QLatin1Char('#'));
    return hash < 0 ? url : url.left(hash);
}

bool isCredentialHeader(const QString &name)
{
    return name.compare(QLatin1String("Authorization"), Qt::CaseInsensitive) == 0
        || name.compare(QLatin1String("Proxy-Authorization"), Qt::CaseInsensitive) == 0;
}

// Decodes application/x-www-form-urlencoded text: '+' is a space, then percent-decoding as
// UTF-8. Placeholders and other non-ASCII characters pass through unchanged.
QString formDecode(const QString &text)
{
    QByteArray bytes = text.toUtf8();
    bytes.replace('+', ' ');
    return QString::fromUtf8(QByteArray::fromPercentEncoding(bytes));
}

// The body as text, or nullopt for binary data (invalid UTF-8 or a NUL byte). JSON is
// pretty-printed the way the step inspector shows it, which also undoes escapes such as "\/"
// that would keep a registered secret from matching.
std::optional<QString> bodyText(const HttpMessage &message)
{
    const QByteArray &body = message.body;
    const QByteArray trimmed = body.trimmed();
    const bool looksLikeJson = mimeTypeOf(message).contains(QLatin1String("json"), Qt::CaseInsensitive)
        || trimmed.startsWith('{') || trimmed.startsWith('[');
    if (looksLikeJson) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(body, &error);
        // NOTE: QJsonDocument keeps numbers as double and sorts object members by name, so JSON
        // bodies differ from the bytes on the wire in those two ways, as in the step inspector.
        if (error.error == QJsonParseError::NoError && !document.isNull())
            return QString::fromUtf8(document.toJson(QJsonDocument::Indented)).trimmed();
    }
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(body);
    if (decoder.hasError() || body.contains('\0'))
        return std::nullopt;
    return text;
}

QString binaryNote(qsizetype size)
{
    return translated("%1 bytes of binary data, left out of the export").arg(size);
}

// One "name=value" pair of a Cookie header or the start of a Set-Cookie line, with the value
// replaced by a placeholder. Cookie values are session credentials, registered or not.
QString maskCookiePair(const QString &pair)
{
    const QString trimmed = pair.trimmed();
    const qsizetype equals = trimmed.indexOf(QLatin1Char('='));
    if (equals < 0)
        return trimmed;
    const QString value = trimmed.mid(equals + 1).trimmed();
    if (value.isEmpty() || value.startsWith(maskPrefix))
        return trimmed;
    return trimmed.left(equals + 1) + placeholderFor(value.size());
}

QString maskCookieHeader(const QString &value)
{
    QStringList pairs;
    for (const QString &pair : value.split(QLatin1Char(';'), Qt::SkipEmptyParts))
        pairs << maskCookiePair(pair);
    return pairs.join(QStringLiteral("; "));
}

// Masks the cookie value of each line (QNetworkReply joins repeated Set-Cookie headers with a
// line feed) and of each "name=value; attributes" line of the browser's session cookies.
QString maskSetCookieLines(const QString &value)
{
    QStringList lines;
    for (const QString &line : value.split(QLatin1Char('\n'))) {
        const qsizetype semicolon = line.indexOf(QLatin1Char(';'));
        lines << (semicolon < 0 ? maskCookiePair(line) : maskCookiePair(line.left(semicolon)) + line.mid(semicolon));
    }
    return lines.join(QLatin1Char('\n'));
}

// Replaces the credentials after the scheme ("Bearer", "Basic", "Token", ...) with a
// placeholder, unless Trace::mask() already did.
QString maskCredentials(const QString &value)
{
    const QString trimmed = value.trimmed();
    const qsizetype space = trimmed.indexOf(QLatin1Char(' '));
    const QString scheme = space < 0 ? QString() : trimmed.left(space + 1);
    const QString credentials = space < 0 ? trimmed : trimmed.mid(space + 1).trimmed();
    if (credentials.isEmpty() || credentials.startsWith(maskPrefix))
        return trimmed;
    return scheme + placeholderFor(credentials.size());
}

// Builds the parts of the HAR document. Every text goes through the trace's mask.
class HarBuilder {
public:
    explicit HarBuilder(const Trace &trace)
        : m_trace(trace)
    {
    }

    QJsonObject entry(const TraceStep &step) const;
    QJsonObject stepInfo(const TraceStep &step) const;
    QJsonObject finding(const doctor::Finding &finding) const;

private:
    QString mask(const QString &text) const { return m_trace.mask(text); }
    QString maskedUrl(const QString &url) const;
    QString maskedHeaderValue(const QString &name, const QString &value) const;
    QString maskedParameterValue(const QString &encodedName, const QString &encodedValue) const;
    QJsonArray headers(const HttpMessage &message) const;
    QJsonArray parameters(const QString &encoded) const;
    QJsonArray queryString(const QString &url) const;
    QJsonObject postData(const HttpMessage &request) const;
    QJsonObject request(const HttpMessage &request) const;
    QJsonObject response(const HttpMessage &response) const;
    QJsonObject content(const HttpMessage &response) const;
    static QJsonArray requestCookies(const HttpMessage &request);
    static QJsonArray responseCookies(const HttpMessage &response);

    const Trace &m_trace;
};

QString HarBuilder::maskedUrl(const QString &url) const
{
    const QString masked = mask(url);
    // Trace::mask() finds percent-encoded secrets in QUrl::toPercentEncoding()'s form only,
    // with uppercase hex digits. QUrl normalizes other encodings to that form, so a secret
    // encoded with lowercase digits is found in the normalized URL.
    const QUrl parsed = QUrl::fromEncoded(url.toUtf8());
    const QString normalized = parsed.isValid() ? parsed.toString(QUrl::FullyEncoded) : url;
    if (normalized == url)
        return masked;
    const QString maskedNormalized = mask(normalized);
    return maskedNormalized.count(maskPrefix) > masked.count(maskPrefix) ? maskedNormalized : masked;
}

QString HarBuilder::maskedHeaderValue(const QString &name, const QString &value) const
{
    if (name.compare(QLatin1String("Cookie"), Qt::CaseInsensitive) == 0)
        return mask(maskCookieHeader(value));
    if (name.compare(QLatin1String("Set-Cookie"), Qt::CaseInsensitive) == 0)
        return mask(maskSetCookieLines(value));
    // Trace::mask() recognises credentials by the header line, as the inspector shows it.
    const QString prefix = name + QStringLiteral(": ");
    const QString line = mask(prefix + value);
    const QString masked = line.startsWith(prefix) ? line.mid(prefix.size()) : mask(value);
    return isCredentialHeader(name) ? maskCredentials(masked) : masked;
}

QString HarBuilder::maskedParameterValue(const QString &encodedName, const QString &encodedValue) const
{
    // First as the pair appears in a URL or form body, where Trace::mask() recognizes the
    // secret parameter names and the percent-encoded secrets.
    const QString prefix = encodedName + QLatin1Char('=');
    const QString pair = mask(prefix + encodedValue);
    const QString value = pair.startsWith(prefix) ? pair.mid(prefix.size()) : mask(encodedValue);
    // Then decoded, for a registered secret whose encoding on the wire differs from
    // QUrl::toPercentEncoding()'s, such as lowercase hex digits.
    return mask(formDecode(value));
}

QJsonArray HarBuilder::headers(const HttpMessage &message) const
{
    QJsonArray list;
    for (const auto &[name, value] : message.headers)
        list.append(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("value"), maskedHeaderValue(name, value)}});
    return list;
}

QJsonArray HarBuilder::parameters(const QString &encoded) const
{
    QJsonArray list;
    for (const QString &part : encoded.split(QLatin1Char('&'), Qt::SkipEmptyParts)) {
        const qsizetype equals = part.indexOf(QLatin1Char('='));
        const QString name = equals < 0 ? part : part.left(equals);
        const QString value = equals < 0 ? QString() : part.mid(equals + 1);
        list.append(QJsonObject{{QStringLiteral("name"), mask(formDecode(name))},
                                {QStringLiteral("value"), maskedParameterValue(name, value)}});
    }
    return list;
}

QJsonArray HarBuilder::queryString(const QString &url) const
{
    const qsizetype question = url.indexOf(QLatin1Char('?'));
    if (question < 0)
        return {};
    const qsizetype hash = url.indexOf(QLatin1Char('#'), question);
    return parameters(url.mid(question + 1, hash < 0 ? -1 : hash - question - 1));
}

QJsonObject HarBuilder::postData(const HttpMessage &request) const
{
    QJsonObject data{{QStringLiteral("mimeType"), mimeTypeOf(request)}};
    // HAR 1.2 makes "params" and "text" mutually exclusive: form bodies get params only.
    if (mimeTypeOf(request).contains(QLatin1String("application/x-www-form-urlencoded"), Qt::CaseInsensitive)) {
        data.insert(QStringLiteral("params"), parameters(QString::fromUtf8(request.body)));
        return data;
    }
    const std::optional<QString> text = bodyText(request);
    if (text)
        data.insert(QStringLiteral("text"), mask(*text));
    else
        data.insert(QStringLiteral("comment"), binaryNote(request.body.size()));
    return data;
}

QJsonArray HarBuilder::requestCookies(const HttpMessage &request)
{
    QJsonArray list;
    for (const auto &[name, value] : request.headers) {
        if (name.compare(QLatin1String("Cookie"), Qt::CaseInsensitive) != 0)
            continue;
        for (const QString &pair : value.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
            const qsizetype equals = pair.indexOf(QLatin1Char('='));
            const QString cookieValue = equals < 0 ? QString() : pair.mid(equals + 1).trimmed();
            list.append(QJsonObject{{QStringLiteral("name"), (equals < 0 ? pair : pair.left(equals)).trimmed()},
                                    {QStringLiteral("value"), cookieValue.isEmpty() ? QString() : placeholderFor(cookieValue.size())}});
        }
    }
    return list;
}

QJsonArray HarBuilder::responseCookies(const HttpMessage &response)
{
    QJsonArray list;
    for (const auto &[name, value] : response.headers) {
        if (name.compare(QLatin1String("Set-Cookie"), Qt::CaseInsensitive) != 0)
            continue;
        for (const QNetworkCookie &cookie : QNetworkCookie::parseCookies(value.toUtf8())) {
            QJsonObject object{{QStringLiteral("name"), QString::fromUtf8(cookie.name())},
                               {QStringLiteral("value"), cookie.value().isEmpty() ? QString() : placeholderFor(cookie.value().size())},
                               {QStringLiteral("httpOnly"), cookie.isHttpOnly()},
                               {QStringLiteral("secure"), cookie.isSecure()}};
            if (!cookie.path().isEmpty())
                object.insert(QStringLiteral("path"), cookie.path());
            if (!cookie.domain().isEmpty())
                object.insert(QStringLiteral("domain"), cookie.domain());
            if (!cookie.isSessionCookie())
                object.insert(QStringLiteral("expires"), isoTime(cookie.expirationDate()));
            list.append(object);
        }
    }
    return list;
}

QJsonObject HarBuilder::request(const HttpMessage &request) const
{
    QJsonObject object{
        {QStringLiteral("method"), request.method},
        // HAR 1.2 leaves the fragment out of the URL; _step.urlFragment has it.
        {QStringLiteral("url"), maskedUrl(withoutFragment(request.url))},
        // NOTE: the trace does not record the protocol version (Qt may use HTTP/2 for https),
        // so it is left empty rather than guessed.
        {QStringLiteral("httpVersion"), QString()},
        {QStringLiteral("cookies"), requestCookies(request)},
        {QStringLiteral("headers"), headers(request)},
        {QStringLiteral("queryString"), queryString(request.url)},
        {QStringLiteral("headersSize"), -1},
        {QStringLiteral("bodySize"), request.body.size()},
    };
    if (!request.body.isEmpty())
        object.insert(QStringLiteral("postData"), postData(request));
    return object;
}

QJsonObject HarBuilder::content(const HttpMessage &response) const
{
    QJsonObject object{{QStringLiteral("size"), response.body.size()}, {QStringLiteral("mimeType"), mimeTypeOf(response)}};
    if (response.body.isEmpty())
        return object;
    const std::optional<QString> text = bodyText(response);
    if (text)
        object.insert(QStringLiteral("text"), mask(*text));
    else
        object.insert(QStringLiteral("comment"), binaryNote(response.body.size()));
    return object;
}

QJsonObject HarBuilder::response(const HttpMessage &response) const
{
    // A step without a response (a network error, a redirect caught before it loaded) gets
    // status 0, as browsers write it.
    const bool received = !response.isEmpty();
    const QString location = headerValue(response, QStringLiteral("Location"));
    return QJsonObject{
        {QStringLiteral("status"), response.status},
        {QStringLiteral("statusText"), httpReasonPhrase(response.status)},
        {QStringLiteral("httpVersion"), QString()},
        {QStringLiteral("cookies"), responseCookies(response)},
        {QStringLiteral("headers"), headers(response)},
        {QStringLiteral("content"), content(response)},
        {QStringLiteral("redirectURL"), location.isEmpty() ? QString() : maskedHeaderValue(QStringLiteral("Location"), location)},
        {QStringLiteral("headersSize"), -1},
        {QStringLiteral("bodySize"), received ? response.body.size() : -1},
    };
}

QJsonObject HarBuilder::stepInfo(const TraceStep &step) const
{
    QJsonObject object{
        {QStringLiteral("index"), step.index},
        {QStringLiteral("title"), mask(step.title)},
        {QStringLiteral("from"), step.from},
        {QStringLiteral("to"), step.to},
        {QStringLiteral("fromLabel"), m_trace.lifelineLabel(step.from)},
        {QStringLiteral("toLabel"), m_trace.lifelineLabel(step.to)},
        {QStringLiteral("channel"), channelName(step.channel)},
        {QStringLiteral("result"), stepResultName(step.result)},
        {QStringLiteral("explanationKey"), step.explanationKey},
        {QStringLiteral("startedDateTime"), isoTime(step.startedAt)},
        {QStringLiteral("durationMs"), step.durationMs},
    };
    if (!step.detail.isEmpty())
        object.insert(QStringLiteral("detail"), mask(step.detail));
    const qsizetype hash = step.request.url.indexOf(QLatin1Char('#'));
    if (hash >= 0)
        object.insert(QStringLiteral("urlFragment"), maskedUrl(step.request.url.mid(hash)).mid(1));
    if (step.request.url.isEmpty() && step.response.status > 0)
        object.insert(QStringLiteral("status"), step.response.status);
    if (!step.cookies.isEmpty()) {
        QJsonArray cookies;
        for (const QString &line : step.cookies)
            cookies.append(mask(maskSetCookieLines(line)));
        object.insert(QStringLiteral("sessionCookies"), cookies);
    }
    return object;
}

QJsonObject HarBuilder::entry(const TraceStep &step) const
{
    const qint64 time = std::max<qint64>(0, step.durationMs);
    return QJsonObject{
        {QStringLiteral("pageref"), pageId},
        {QStringLiteral("startedDateTime"), isoTime(step.startedAt)},
        {QStringLiteral("time"), time},
        {QStringLiteral("request"), request(step.request)},
        {QStringLiteral("response"), response(step.response)},
        {QStringLiteral("cache"), QJsonObject()},
        // The trace measures each step as a whole, so all of it counts as waiting.
        {QStringLiteral("timings"), QJsonObject{{QStringLiteral("send"), 0}, {QStringLiteral("wait"), time}, {QStringLiteral("receive"), 0}}},
        {QStringLiteral("comment"), mask(step.title)},
        {QStringLiteral("_step"), stepInfo(step)},
    };
}

QJsonObject HarBuilder::finding(const doctor::Finding &finding) const
{
    QJsonObject object = finding.toJson();
    for (const QString &member : {QStringLiteral("title"), QStringLiteral("what"), QStringLiteral("why"), QStringLiteral("fix")})
        object.insert(member, mask(object.value(member).toString()));
    return object;
}

QDateTime firstStart(const Trace &trace)
{
    QDateTime first;
    for (const TraceStep &step : trace.steps()) {
        if (step.startedAt.isValid() && (!first.isValid() || step.startedAt < first))
            first = step.startedAt;
    }
    return first;
}

} // namespace

QJsonObject buildHarLog(const Trace &trace, const QList<doctor::Finding> &findings, const RunExportInfo &info)
{
    const HarBuilder builder(trace);
    QJsonArray entries;
    QJsonArray otherSteps;
    for (const TraceStep &step : trace.steps()) {
        if (step.request.url.isEmpty())
            otherSteps.append(builder.stepInfo(step));
        else
            entries.append(builder.entry(step));
    }

    QJsonArray lifelines;
    for (const QString &id : trace.lifelines())
        lifelines.append(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("label"), trace.lifelineLabel(id)}});

    QJsonArray findingList;
    for (const doctor::Finding &finding : findings)
        findingList.append(builder.finding(finding));

    QJsonObject run;
    const auto addIfSet = [&run](const QString &name, const QString &value) {
        if (!value.isEmpty())
            run.insert(name, value);
    };
    addIfSet(QStringLiteral("profile"), info.profileName);
    addIfSet(QStringLiteral("issuer"), info.issuer);
    addIfSet(QStringLiteral("clientId"), info.clientId);
    addIfSet(QStringLiteral("outcome"), trace.mask(info.outcome));

    const QString version = info.creatorVersion.isEmpty() ? QCoreApplication::applicationVersion() : info.creatorVersion;
    QJsonObject log{
        {QStringLiteral("version"), QStringLiteral("1.2")},
        {QStringLiteral("creator"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Auth Flow Explorer")},
                                                {QStringLiteral("version"), version}}},
        {QStringLiteral("entries"), entries},
        {QStringLiteral("comment"), translated("Codes, tokens, client secrets, passwords, credentials and cookie values "
                                               "are masked as ••••(N chars), where N is the length of the hidden value.")},
        {QStringLiteral("_run"), run},
        {QStringLiteral("_lifelines"), lifelines},
        {QStringLiteral("_steps"), otherSteps},
        {QStringLiteral("_findings"), findingList},
    };
    if (trace.count() > 0) {
        const QString title = info.profileName.isEmpty() ? translated("Auth Flow Explorer run")
                                                         : translated("Auth Flow Explorer run of the profile \"%1\"").arg(info.profileName);
        log.insert(QStringLiteral("pages"),
                   QJsonArray{QJsonObject{{QStringLiteral("startedDateTime"), isoTime(firstStart(trace))},
                                          {QStringLiteral("id"), pageId},
                                          {QStringLiteral("title"), title},
                                          {QStringLiteral("pageTimings"), QJsonObject{{QStringLiteral("onContentLoad"), -1},
                                                                                      {QStringLiteral("onLoad"), -1}}}}});
    } else {
        // Entries may name a page only when the log lists it.
        log.insert(QStringLiteral("pages"), QJsonArray());
    }
    return log;
}

bool writeHarFile(const QString &path, const Trace &trace, const QList<doctor::Finding> &findings,
                  const RunExportInfo &info, QString *errorMessage)
{
    const QByteArray document = QJsonDocument(QJsonObject{{QStringLiteral("log"), buildHarLog(trace, findings, info)}})
                                    .toJson(QJsonDocument::Indented);
    QSaveFile file(path);
    const bool written = file.open(QIODevice::WriteOnly) && file.write(document) == document.size() && file.commit();
    if (!written) {
        if (errorMessage)
            *errorMessage = translated("The run could not be exported to %1: %2.")
                                .arg(QDir::toNativeSeparators(path), file.errorString());
        file.cancelWriting();
        return false;
    }
    return true;
}

} // namespace afx
