#include "oidc/providermetadata.h"

#include "json/jsontypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <QLocale>

namespace afx::oidc {

namespace {

using json::jsonTypeName;

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

// Skips leading JSON whitespace and a UTF-8 byte order mark.
QByteArrayView trimmedStart(const QByteArray &body)
{
    QByteArrayView view(body);
    if (view.startsWith("\xEF\xBB\xBF"))
        view = view.sliced(3);
    while (!view.isEmpty() && (view.front() == ' ' || view.front() == '\t' || view.front() == '\n' || view.front() == '\r'))
        view = view.sliced(1);
    return view;
}

// Reads and checks the members of one discovery document. Every error names the source URL.
class MetadataReader {
public:
    MetadataReader(const QJsonObject &json, const QUrl &sourceUrl)
        : m_json(json)
        , m_source(sourceUrl.toString())
    {
    }

    const QString &error() const { return m_error; }

    bool readString(const QString &member, bool required, QString *out)
    {
        const QJsonValue value = m_json.value(member);
        if (value.isUndefined()) {
            if (required)
                return fail(QStringLiteral("The discovery document at %1 has no \"%2\" member, which OpenID Connect "
                                           "Discovery 1.0 section 3 requires. Check that the URL points to an "
                                           "OpenID Provider's discovery document.")
                                .arg(m_source, member));
            return true;
        }
        if (!value.isString())
            return fail(QStringLiteral("The member \"%1\" of the discovery document at %2 is %3, but it must be a string.")
                            .arg(member, m_source, jsonTypeName(value)));
        *out = value.toString();
        if (required && out->isEmpty())
            return fail(QStringLiteral("The member \"%1\" of the discovery document at %2 is an empty string.")
                            .arg(member, m_source));
        return true;
    }

    bool readUrl(const QString &member, bool required, QUrl *out)
    {
        QString text;
        if (!readString(member, required, &text))
            return false;
        if (text.isEmpty())
            return true;
        const QUrl url(text, QUrl::StrictMode);
        const QString scheme = url.scheme();
        if (!url.isValid() || url.isRelative() || url.host().isEmpty()
            || (scheme != QLatin1String("https") && scheme != QLatin1String("http")))
            return fail(QStringLiteral("The member \"%1\" of the discovery document at %2 is \"%3\", which is not an "
                                       "absolute http or https URL. The provider must publish full URLs "
                                       "(OpenID Connect Discovery 1.0 section 3).")
                            .arg(member, m_source, text));
        *out = url;
        return true;
    }

    bool readStringList(const QString &member, QStringList *out)
    {
        const QJsonValue value = m_json.value(member);
        if (value.isUndefined())
            return true;
        if (!value.isArray())
            return fail(QStringLiteral("The member \"%1\" of the discovery document at %2 is %3, but it must be an "
                                       "array of strings.")
                            .arg(member, m_source, jsonTypeName(value)));
        const QJsonArray array = value.toArray();
        QStringList list;
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isString())
                return fail(QStringLiteral("Element %1 of the member \"%2\" of the discovery document at %3 is %4, "
                                           "but every element must be a string.")
                                .arg(i)
                                .arg(member, m_source, jsonTypeName(array.at(i))));
            list.append(array.at(i).toString());
        }
        *out = list;
        return true;
    }

    bool readBool(const QString &member, bool *out)
    {
        const QJsonValue value = m_json.value(member);
        if (value.isUndefined())
            return true;
        if (!value.isBool())
            return fail(QStringLiteral("The member \"%1\" of the discovery document at %2 is %3, but it must be "
                                       "true or false.")
                            .arg(member, m_source, jsonTypeName(value)));
        *out = value.toBool();
        return true;
    }

    bool fail(const QString &message)
    {
        m_error = message;
        return false;
    }

private:
    QJsonObject m_json;
    QString m_source;
    QString m_error;
};

// Explains an issuer mismatch. A difference of only a trailing '/' gets its own message,
// because it is the most common cause and is easy to miss when the two values are printed.
QString describeIssuerMismatch(const QString &documentIssuer, const QString &expectedIssuer, const QString &source)
{
    const QString spec = QStringLiteral("OpenID Connect Discovery 1.0 section 4.3 requires the two to be "
                                        "identical, character for character");
    if (documentIssuer + QLatin1Char('/') == expectedIssuer || expectedIssuer + QLatin1Char('/') == documentIssuer) {
        const bool documentHasSlash = documentIssuer.endsWith(QLatin1Char('/'));
        return QStringLiteral("The issuer differs only by a trailing '/': the discovery document at %1 has \"%2\" "
                              "and the profile expects \"%3\", so %4 has the extra slash. %5. If the "
                              "discovery document is right, set the profile's issuer to \"%2\".")
            .arg(source, documentIssuer, expectedIssuer,
                 documentHasSlash ? QStringLiteral("the discovery document") : QStringLiteral("the profile"), spec);
    }
    return QStringLiteral("The discovery document at %1 has issuer \"%2\", but the profile expects \"%3\". %4. "
                          "Check the profile's issuer, or the discovery URL if it points to another provider.")
        .arg(source, documentIssuer, expectedIssuer, spec);
}

} // namespace

bool ProviderMetadata::parse(const QByteArray &body, const QUrl &sourceUrl, const QString &expectedIssuer,
                             ProviderMetadata *out, QString *error, qsizetype maxBytes)
{
    const QString source = sourceUrl.toString();
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };

    if (body.size() > maxBytes)
        return fail(QStringLiteral("The discovery document at %1 is %2; the limit is %3. A discovery document "
                                   "takes a few KiB, so check the discovery URL.")
                        .arg(source, describeByteSize(body.size()), describeByteSize(maxBytes)));

    const QByteArrayView start = trimmedStart(body);
    if (start.isEmpty())
        return fail(QStringLiteral("The discovery document at %1 is empty. Check the discovery URL.").arg(source));
    if (start.front() == '<')
        return fail(QStringLiteral("The server answered HTML, not JSON, at %1. This is usually a login, error or "
                                   "home page, so check the discovery URL (it normally ends in "
                                   "/.well-known/openid-configuration).")
                        .arg(source));

    // A UTF-8 byte order mark is skipped, because RFC 8259 section 8.1 allows a parser to
    // ignore it. Error offsets still count from the first byte of the body.
    const qsizetype skipped = body.startsWith("\xEF\xBB\xBF") ? 3 : 0;
    const QByteArray json = body.sliced(skipped);
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // Qt 6.4 rejects a scalar at the top level as invalid JSON. Parsing it again inside an
        // array separates a valid scalar from garbage, so the message can name what was sent.
        const QJsonDocument wrapped = QJsonDocument::fromJson("[" + json + "]");
        if (wrapped.isArray() && wrapped.array().size() == 1)
            return fail(QStringLiteral("The discovery document at %1 is %2, but it must be a JSON object.")
                            .arg(source, jsonTypeName(wrapped.array().first())));
        return fail(QStringLiteral("The discovery document at %1 is not valid JSON: %2 at offset %3.")
                        .arg(source, parseError.errorString())
                        .arg(parseError.offset + skipped));
    }
    if (!document.isObject())
        return fail(QStringLiteral("The discovery document at %1 is an array, but it must be a JSON object.").arg(source));

    ProviderMetadata metadata;
    metadata.json = document.object();
    MetadataReader reader(metadata.json, sourceUrl);
    auto readerFailed = [&]() { return fail(reader.error()); };

    if (!reader.readString(QStringLiteral("issuer"), true, &metadata.issuer))
        return readerFailed();
    if (!expectedIssuer.isEmpty() && metadata.issuer != expectedIssuer)
        return fail(describeIssuerMismatch(metadata.issuer, expectedIssuer, source));

    if (!reader.readUrl(QStringLiteral("authorization_endpoint"), true, &metadata.authorizationEndpoint)
        || !reader.readUrl(QStringLiteral("token_endpoint"), true, &metadata.tokenEndpoint)
        || !reader.readUrl(QStringLiteral("jwks_uri"), true, &metadata.jwksUri)
        || !reader.readUrl(QStringLiteral("userinfo_endpoint"), false, &metadata.userinfoEndpoint)
        || !reader.readUrl(QStringLiteral("end_session_endpoint"), false, &metadata.endSessionEndpoint)
        || !reader.readUrl(QStringLiteral("device_authorization_endpoint"), false, &metadata.deviceAuthorizationEndpoint)
        || !reader.readUrl(QStringLiteral("revocation_endpoint"), false, &metadata.revocationEndpoint)
        || !reader.readUrl(QStringLiteral("introspection_endpoint"), false, &metadata.introspectionEndpoint)
        || !reader.readUrl(QStringLiteral("pushed_authorization_request_endpoint"), false,
                           &metadata.pushedAuthorizationRequestEndpoint))
        return readerFailed();

    if (!reader.readStringList(QStringLiteral("response_types_supported"), &metadata.responseTypesSupported)
        || !reader.readStringList(QStringLiteral("id_token_signing_alg_values_supported"),
                                  &metadata.idTokenSigningAlgValuesSupported)
        || !reader.readStringList(QStringLiteral("code_challenge_methods_supported"),
                                  &metadata.codeChallengeMethodsSupported)
        || !reader.readStringList(QStringLiteral("token_endpoint_auth_methods_supported"),
                                  &metadata.tokenEndpointAuthMethodsSupported)
        || !reader.readStringList(QStringLiteral("scopes_supported"), &metadata.scopesSupported)
        || !reader.readStringList(QStringLiteral("grant_types_supported"), &metadata.grantTypesSupported)
        || !reader.readStringList(QStringLiteral("response_modes_supported"), &metadata.responseModesSupported))
        return readerFailed();

    if (!reader.readBool(QStringLiteral("authorization_response_iss_parameter_supported"),
                         &metadata.authorizationResponseIssParameterSupported))
        return readerFailed();

    if (out)
        *out = std::move(metadata);
    return true;
}

} // namespace afx::oidc
