#include "oidc/callback.h"

#include <QHash>
#include <QLocale>
#include <QSet>

#include <algorithm>

namespace afx::oidc {

namespace {

int defaultPort(const QString &scheme)
{
    if (scheme == QLatin1String("http"))
        return 80;
    if (scheme == QLatin1String("https"))
        return 443;
    return -1;
}

bool isLoopbackHost(const QString &host)
{
    return host == QLatin1String("127.0.0.1") || host == QLatin1String("::1")
        || host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0;
}

// The encoded path, with the empty path of "http://host:port" read as "/", as browsers send it.
QString comparablePath(const QUrl &url)
{
    const QString path = url.path(QUrl::FullyEncoded);
    if (path.isEmpty() && !url.host().isEmpty())
        return QStringLiteral("/");
    return path;
}

bool hasResponseParameters(const FormFields &fields)
{
    static const QSet<QString> responseNames{
        QStringLiteral("code"),     QStringLiteral("state"),        QStringLiteral("error"),
        QStringLiteral("id_token"), QStringLiteral("access_token"), QStringLiteral("token_type"),
    };
    return std::any_of(fields.cbegin(), fields.cend(),
                       [](const auto &field) { return responseNames.contains(field.first); });
}

bool containsResponseType(const QString &responseType, QLatin1String value)
{
    return responseType.split(QLatin1Char(' '), Qt::SkipEmptyParts).contains(value);
}

// "262145 bytes (256.0 KiB)" for size-limit messages: the exact count shows by how much a
// limit was exceeded, the rounded one is easier to read.
QString describeByteSize(qsizetype bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 bytes").arg(bytes);
    qsizetype unit = 1024; // the unit formattedDataSize() picks: KiB, MiB, ...
    while (bytes / unit >= 1024)
        unit *= 1024;
    const int decimals = bytes % unit == 0 ? 0 : 1;
    return QStringLiteral("%1 bytes (%2)").arg(bytes).arg(QLocale::c().formattedDataSize(bytes, decimals));
}

bool failWith(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

// Fills the named members from the decoded parameters. Rejects a repeated parameter, because
// RFC 6749 section 3.1 does not allow any request or response parameter more than once.
bool fillFromFields(const FormFields &fields, CallbackParams *params, QString *error)
{
    QHash<QString, int> counts;
    for (const auto &field : fields)
        ++counts[field.first];
    for (const auto &field : fields) {
        const int count = counts.value(field.first);
        if (count > 1)
            return failWith(error, QStringLiteral("The callback contains the parameter \"%1\" %2 times. RFC 6749 "
                                                  "section 3.1 does not allow a response parameter more than "
                                                  "once, so the response is rejected.")
                                       .arg(field.first)
                                       .arg(count));
    }

    for (const auto &[name, value] : fields) {
        if (name == QLatin1String("code")) {
            params->code = value;
        } else if (name == QLatin1String("state")) {
            params->state = value;
            params->hasState = true;
        } else if (name == QLatin1String("error")) {
            params->error = value;
        } else if (name == QLatin1String("error_description")) {
            params->errorDescription = value;
        } else if (name == QLatin1String("error_uri")) {
            params->errorUri = value;
        } else if (name == QLatin1String("iss")) {
            params->iss = value;
            params->hasIss = true;
        }
    }
    params->all = fields;
    return true;
}

} // namespace

RedirectMatcher::RedirectMatcher(const QUrl &redirectUri)
    : m_redirect(redirectUri)
    , m_anyPort(redirectUri.scheme() == QLatin1String("http") && isLoopbackHost(redirectUri.host())
                && redirectUri.port() == -1)
{
}

bool RedirectMatcher::matches(const QUrl &url) const
{
    if (!m_redirect.isValid() || m_redirect.isEmpty() || m_redirect.isRelative() || !url.isValid())
        return false;

    // QUrl stores scheme and host in lower case already; the comparison does not rely on it.
    if (url.scheme().compare(m_redirect.scheme(), Qt::CaseInsensitive) != 0)
        return false;
    if (url.host().compare(m_redirect.host(), Qt::CaseInsensitive) != 0)
        return false;
    if (url.userInfo() != m_redirect.userInfo())
        return false;
    const int port = defaultPort(m_redirect.scheme());
    if (!m_anyPort && url.port(port) != m_redirect.port(port))
        return false;
    if (comparablePath(url) != comparablePath(m_redirect))
        return false;

    // A redirect URI may have a query of its own (RFC 6749 section 3.1.2), which the provider
    // keeps and adds the response parameters to.
    if (m_redirect.hasQuery()) {
        const QStringList callbackItems = url.query(QUrl::FullyEncoded).split(QLatin1Char('&'));
        const QStringList redirectItems = m_redirect.query(QUrl::FullyEncoded).split(QLatin1Char('&'), Qt::SkipEmptyParts);
        for (const QString &item : redirectItems) {
            if (!callbackItems.contains(item))
                return false;
        }
    }
    return true;
}

std::optional<CallbackParams> CallbackParams::parse(const QUrl &callback, const QString &responseType,
                                                    QString *error)
{
    return parse(callback, responseType, QString(), error);
}

std::optional<CallbackParams> CallbackParams::parse(const QUrl &callback, const QString &responseType,
                                                    const QString &responseMode, QString *error)
{
    const qsizetype encodedSize = callback.toEncoded().size();
    if (encodedSize > maxEncodedBytes) {
        failWith(error, QStringLiteral("The callback URL is %1; the limit is %2, so its parameters were not read.")
                            .arg(describeByteSize(encodedSize), describeByteSize(maxEncodedBytes)));
        return std::nullopt;
    }
    if (!callback.isValid()) {
        failWith(error, QStringLiteral("The callback URL is not a valid URL, so its parameters cannot be read."));
        return std::nullopt;
    }

    const bool carriesTokens = containsResponseType(responseType, QLatin1String("token"))
        || containsResponseType(responseType, QLatin1String("id_token"));
    Location expected = carriesTokens ? Location::Fragment : Location::Query;
    if (responseMode == QLatin1String("query")) {
        if (carriesTokens) {
            failWith(error, QStringLiteral("The request combined response_mode=query with response_type=%1. OAuth 2.0 "
                                           "Multiple Response Type Encoding Practices section 5 forbids this, "
                                           "because tokens in a query string end up in logs and Referer headers. "
                                           "Remove response_mode, or set it to fragment or form_post.")
                                .arg(responseType));
            return std::nullopt;
        }
        expected = Location::Query;
    } else if (responseMode == QLatin1String("fragment")) {
        expected = Location::Fragment;
    } else if (responseMode == QLatin1String("form_post")) {
        failWith(error, QStringLiteral("The request used response_mode=form_post, so the response parameters are "
                                       "in the body of a POST request to the redirect URI, not in its URL."));
        return std::nullopt;
    } else if (!responseMode.isEmpty()) {
        failWith(error, QStringLiteral("The response mode \"%1\" is not supported. Use query, fragment or form_post.")
                            .arg(responseMode));
        return std::nullopt;
    }

    const Location other = expected == Location::Query ? Location::Fragment : Location::Query;
    auto encodedPart = [&callback](Location location) {
        return (location == Location::Query ? callback.query(QUrl::FullyEncoded) : callback.fragment(QUrl::FullyEncoded))
            .toLatin1();
    };
    auto partName = [](Location location) {
        return location == Location::Query ? QStringLiteral("query") : QStringLiteral("fragment");
    };

    // The expected part wins when it has response parameters. Otherwise a response found in
    // the other part is used and flagged, so the caller can explain the provider's mistake.
    FormFields fields;
    QString decodeError;
    const bool expectedDecoded = formDecodeFields(encodedPart(expected), &fields, &decodeError);
    CallbackParams params;
    params.location = expected;
    if (!expectedDecoded || !hasResponseParameters(fields)) {
        FormFields otherFields;
        if (formDecodeFields(encodedPart(other), &otherFields, nullptr) && hasResponseParameters(otherFields)) {
            fields = otherFields;
            params.location = other;
            params.misplaced = true;
        } else if (!expectedDecoded) {
            failWith(error, QStringLiteral("The callback URL's %1 is malformed. %2").arg(partName(expected), decodeError));
            return std::nullopt;
        }
    }

    if (!fillFromFields(fields, &params, error))
        return std::nullopt;
    return params;
}

std::optional<CallbackParams> CallbackParams::parseFormPost(QByteArrayView body, QString *error)
{
    if (body.size() > maxEncodedBytes) {
        failWith(error, QStringLiteral("The form body posted to the redirect URI is %1; the limit is %2, so its "
                                       "parameters were not read.")
                            .arg(describeByteSize(body.size()), describeByteSize(maxEncodedBytes)));
        return std::nullopt;
    }
    FormFields fields;
    QString decodeError;
    if (!formDecodeFields(body, &fields, &decodeError)) {
        failWith(error, QStringLiteral("The form body posted to the redirect URI is malformed. %1").arg(decodeError));
        return std::nullopt;
    }
    CallbackParams params;
    params.location = Location::Query;
    params.formPost = true;
    if (!fillFromFields(fields, &params, error))
        return std::nullopt;
    return params;
}

QString CallbackParams::value(const QString &name) const
{
    for (const auto &field : all) {
        if (field.first == name)
            return field.second;
    }
    return {};
}

void StateStore::add(const QByteArray &state)
{
    if (!state.isEmpty())
        m_states.insert(QString::fromLatin1(state), false);
}

StateStore::Outcome StateStore::consume(const QString &state, bool hasState)
{
    if (!hasState || state.isEmpty())
        return Outcome::Missing;
    const auto it = m_states.find(state);
    if (it == m_states.end())
        return Outcome::Unknown;
    if (it.value())
        return Outcome::AlreadyUsed;
    it.value() = true;
    return Outcome::Accepted;
}

void StateStore::clear()
{
    m_states.clear();
}

QString StateStore::describe(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Accepted:
        return QStringLiteral("The state value matches a login attempt that was waiting for its response.");
    case Outcome::Missing:
        return QStringLiteral("The provider's response has no state value although the request sent one, so it "
                              "cannot be tied to a login attempt and was rejected (RFC 6749 section 4.1.2 requires "
                              "the provider to return state unchanged). Restart the login; if this happens again, "
                              "the provider or a proxy between you drops the state parameter.");
    case Outcome::AlreadyUsed:
        return QStringLiteral("This response belongs to a login attempt that has already finished, for example "
                              "after the Back button or because the same redirect arrived twice, so it was "
                              "ignored. Restart the login to sign in again.");
    case Outcome::Unknown:
        return QStringLiteral("The state value in this response was never issued by this app, so the response was "
                              "rejected as possible cross-site request forgery (RFC 6749 section 10.12). Restart "
                              "the login from this app.");
    }
    return {};
}

} // namespace afx::oidc
