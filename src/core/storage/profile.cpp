#include "storage/profile.h"

#include "json/jsontypes.h"
#include "query/templating.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonValue>

#include <cmath>
#include <limits>

namespace afx {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("afx::Profile", text);
}

// Maximum length of a user-supplied string quoted in an error message.
constexpr qsizetype maxQuotedLength = 80;

QString quoted(const QString &value)
{
    if (value.size() <= maxQuotedLength)
        return u'"' + value + u'"';
    return u'"' + value.left(maxQuotedLength) + QStringLiteral("...\"");
}

QString wrongType(const QString &member, const QString &expected, const QJsonValue &found)
{
    return tr("Member \"%1\" must be %2, found %3.").arg(member, expected, json::jsonTypeName(found));
}

QString wrongItemType(const QString &member, const QString &expected, const QJsonValue &found, qsizetype index)
{
    return tr("Member \"%1\" must be %2, found %3 at index %4.")
        .arg(member, expected, json::jsonTypeName(found), QString::number(index));
}

bool isLoopbackHost(const QString &host)
{
    const QString lower = host.toLower();
    return lower == QLatin1String("localhost") || lower == QLatin1String("127.0.0.1") || lower == QLatin1String("::1");
}

// Reads typed members of a profile document. A member that is absent or null keeps the
// default; any other JSON type than the expected one sets error and returns false.
class MemberReader {
public:
    explicit MemberReader(const QJsonObject &json) : m_json(json) {}

    QString error;

    bool readString(const QString &member, QString *out)
    {
        const QJsonValue value = m_json.value(member);
        if (isUnset(value))
            return true;
        if (!value.isString())
            return fail(wrongType(m_prefix + member, tr("a string"), value));
        *out = value.toString();
        return true;
    }

    bool readBool(const QString &member, bool *out)
    {
        const QJsonValue value = m_json.value(member);
        if (isUnset(value))
            return true;
        if (!value.isBool())
            return fail(wrongType(m_prefix + member, tr("a boolean"), value));
        *out = value.toBool();
        return true;
    }

    bool readLoginMutation(const QString &member, LoginMutation *out)
    {
        const QJsonValue value = m_json.value(member);
        if (isUnset(value))
            return true;
        if (!value.isObject())
            return fail(wrongType(m_prefix + member, tr("an object"), value));
        const QJsonObject object = value.toObject();
        MemberReader inner(object);
        inner.m_prefix = m_prefix + member + QLatin1Char('.');
        LoginMutation mutation;
        const bool ok = inner.readString(QStringLiteral("document"), &mutation.document)
            && inner.readObject(QStringLiteral("variables"), &mutation.variables)
            && inner.readString(QStringLiteral("idTokenPath"), &mutation.idTokenPath)
            && inner.readString(QStringLiteral("refreshTokenPath"), &mutation.refreshTokenPath)
            && inner.readString(QStringLiteral("accessTokenPath"), &mutation.accessTokenPath);
        if (!ok)
            return fail(inner.error);
        for (auto it = mutation.variables.constBegin(); it != mutation.variables.constEnd(); ++it) {
            if (looksLikeSecretName(it.key()) && !isPlaceholder(it.value()))
                return fail(tr("Member \"%1.variables.%2\" holds a literal value, but profiles never store passwords "
                               "or tokens: use the placeholder \"{{password}}\", which the app fills when you sign in.")
                                .arg(m_prefix + member, it.key()));
        }
        if (mutation.isSet() && mutation.idTokenPath.isEmpty() && mutation.accessTokenPath.isEmpty())
            return fail(tr("Member \"%1\" has a document but neither \"idTokenPath\" nor \"accessTokenPath\": name "
                           "where the response carries the token, such as \"data.login.idToken\".")
                            .arg(m_prefix + member));
        *out = mutation;
        return true;
    }

    bool readObject(const QString &member, QJsonObject *out)
    {
        const QJsonValue value = m_json.value(member);
        if (isUnset(value))
            return true;
        if (!value.isObject())
            return fail(wrongType(m_prefix + member, tr("an object"), value));
        *out = value.toObject();
        return true;
    }

    bool readInt(const QString &member, int *out)
    {
        const QJsonValue value = m_json.value(member);
        if (isUnset(value))
            return true;
        if (!value.isDouble())
            return fail(wrongType(m_prefix + member, tr("an integer"), value));
        const double number = value.toDouble();
        if (std::floor(number) != number || number < std::numeric_limits<int>::min()
            || number > std::numeric_limits<int>::max()) {
            return fail(tr("Member \"%1\" must be an integer, found %2.").arg(m_prefix + member, QString::number(number)));
        }
        *out = int(number);
        return true;
    }

    bool readStringList(const QString &member, QStringList *out)
    {
        const QJsonValue value = m_json.value(member);
        if (isUnset(value))
            return true;
        const QString expected = tr("an array of strings");
        if (!value.isArray())
            return fail(wrongType(m_prefix + member, expected, value));
        const QJsonArray array = value.toArray();
        QStringList items;
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isString())
                return fail(wrongItemType(m_prefix + member, expected, array.at(i), i));
            items.append(array.at(i).toString());
        }
        *out = items;
        return true;
    }

    bool readUrl(const QString &member, QUrl *out)
    {
        QString text;
        if (!readString(member, &text))
            return false;
        if (text.isEmpty()) {
            if (m_json.contains(member))
                *out = QUrl();
            return true;
        }
        const QUrl url(text, QUrl::StrictMode);
        if (!url.isValid() || url.isRelative())
            return fail(tr("Member \"%1\" must be an absolute URL, found %2.").arg(m_prefix + member, quoted(text)));
        *out = url;
        return true;
    }

    bool readClientAuth(const QString &member, ClientAuthMethod *out)
    {
        QString name;
        if (!readString(member, &name))
            return false;
        if (!m_json.contains(member) || m_json.value(member).isNull())
            return true;
        if (!parseClientAuthMethod(name, out)) {
            return fail(tr("Member \"%1\" must be one of \"none\", \"client_secret_basic\", "
                           "\"client_secret_post\", \"client_secret_jwt\" or \"private_key_jwt\", found %2.")
                            .arg(m_prefix + member, quoted(name)));
        }
        return true;
    }

    bool readBrowser(const QString &member, BrowserKind *out)
    {
        QString name;
        if (!readString(member, &name))
            return false;
        if (!m_json.contains(member) || m_json.value(member).isNull())
            return true;
        if (!parseBrowserKind(name, out))
            return fail(tr("Member \"%1\" must be \"embedded\" or \"system\", found %2.").arg(m_prefix + member, quoted(name)));
        return true;
    }

    // Reads [{"name": ..., "value": ...}, ...]. Parameters whose name looks like a secret are
    // dropped with a warning, so that a shared file cannot smuggle a secret into a request.
    bool readParams(const QString &member, QList<QPair<QString, QString>> *out, QStringList *warnings)
    {
        return readPairs(member, out, warnings, [](const QString &name) {
            return tr("The file contained the authorize parameter \"%1\", which looks like a secret; it was ignored.")
                .arg(name);
        });
    }

    // Reads the environment, in the same shape as readParams(). Names must be valid
    // environment names and unique.
    bool readEnvironment(const QString &member, QList<QPair<QString, QString>> *out, QStringList *warnings)
    {
        QList<QPair<QString, QString>> environment;
        const bool ok = readPairs(member, &environment, warnings, [](const QString &name) {
            return tr("The file contained the environment value \"%1\", which looks like a secret; it was ignored. "
                      "Environment values are saved in plain text: send tokens with the query editor's credential "
                      "choice instead.")
                .arg(name);
        });
        if (!ok)
            return false;
        QStringList seen;
        for (const auto &[name, value] : std::as_const(environment)) {
            if (!query::isValidEnvironmentName(name))
                return fail(tr("Member \"%1\": the name %2 is not valid. Names start with a letter or '_' and contain only "
                               "ASCII letters, digits, '_', '-' and '.', at most %3 characters.")
                                .arg(m_prefix + member, quoted(name), QString::number(query::maxEnvironmentNameLength)));
            if (seen.contains(name))
                return fail(tr("Member \"%1\": the name %2 appears twice. Keep one of them.").arg(m_prefix + member, quoted(name)));
            seen << name;
        }
        *out = environment;
        return true;
    }

    template<typename SecretWarning>
    bool readPairs(const QString &member, QList<QPair<QString, QString>> *out, QStringList *warnings,
                   const SecretWarning &secretWarning)
    {
        const QJsonValue value = m_json.value(member);
        if (isUnset(value))
            return true;
        const QString expected = tr("an array of {\"name\", \"value\"} objects");
        if (!value.isArray())
            return fail(wrongType(m_prefix + member, expected, value));
        const QJsonArray array = value.toArray();
        QList<QPair<QString, QString>> params;
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isObject())
                return fail(wrongItemType(m_prefix + member, expected, array.at(i), i));
            const QJsonObject item = array.at(i).toObject();
            const QJsonValue name = item.value(QLatin1String("name"));
            const QJsonValue paramValue = item.value(QLatin1String("value"));
            if (!name.isString() || name.toString().isEmpty()) {
                return fail(tr("Member \"%1\" at index %2: \"name\" must be a non-empty string, found %3.")
                                .arg(m_prefix + member, QString::number(i),
                                     name.isString() ? tr("an empty string") : json::jsonTypeName(name)));
            }
            if (!paramValue.isString()) {
                return fail(tr("Member \"%1\" at index %2: \"value\" must be a string, found %3.")
                                .arg(m_prefix + member, QString::number(i), json::jsonTypeName(paramValue)));
            }
            if (looksLikeSecretName(name.toString())) {
                if (warnings)
                    warnings->append(secretWarning(name.toString()));
                continue;
            }
            params.append({name.toString(), paramValue.toString()});
        }
        *out = params;
        return true;
    }

private:
    static bool isPlaceholder(const QJsonValue &value)
    {
        const QString text = value.toString();
        return value.isString() && text.startsWith(QLatin1String("{{")) && text.endsWith(QLatin1String("}}"));
    }

    static bool isUnset(const QJsonValue &value) { return value.isUndefined() || value.isNull(); }

    bool fail(const QString &message)
    {
        error = message;
        return false;
    }

    const QJsonObject &m_json;
    QString m_prefix; // "outer." for the members of a nested object, for error messages
};

QString secretWarning(const QString &member)
{
    const QString lower = member.toLower();
    if (lower.contains(QLatin1String("secret"))) {
        return tr("The file contained a client secret (member \"%1\"); it was ignored. Enter it in the "
                  "profile form to keep it in the keychain.")
            .arg(member);
    }
    if (lower.contains(QLatin1String("pass"))) {
        return tr("The file contained a password (member \"%1\"); it was ignored. Profiles never store "
                  "passwords.")
            .arg(member);
    }
    return tr("The file contained a token (member \"%1\"); it was ignored. Log in to get new tokens, or "
              "paste an API token in the profile form to keep it in the keychain.")
        .arg(member);
}

bool checkFormat(const QJsonObject &json, QString *error)
{
    const QString formatMember = QStringLiteral("format");
    const QString versionMember = QStringLiteral("version");

    const QJsonValue format = json.value(formatMember);
    if (format.isUndefined()) {
        *error = tr("This is not an Auth Flow Explorer profile: the member \"format\" is missing.");
        return false;
    }
    if (!format.isString()) {
        *error = wrongType(formatMember, tr("a string"), format);
        return false;
    }
    if (format.toString() != QLatin1String(Profile::formatName)) {
        *error = tr("Unknown profile format %1: expected \"%2\".")
                     .arg(quoted(format.toString()), QLatin1String(Profile::formatName));
        return false;
    }

    const QJsonValue version = json.value(versionMember);
    if (version.isUndefined()) {
        *error = tr("The member \"version\" is missing: it must be the profile format version, %1.")
                     .arg(Profile::formatVersion);
        return false;
    }
    const double number = version.toDouble(-1);
    if (!version.isDouble() || std::floor(number) != number) {
        *error = version.isDouble() ? tr("Member \"version\" must be an integer, found %1.").arg(number)
                                    : wrongType(versionMember, tr("an integer"), version);
        return false;
    }
    if (number > Profile::formatVersion) {
        *error = tr("The profile has format version %1, but this version of Auth Flow Explorer reads only "
                    "version %2. Update the app to open it.")
                     .arg(QString::number(number), QString::number(Profile::formatVersion));
        return false;
    }
    if (number < 1) {
        *error = tr("Member \"version\" must be %1, found %2.")
                     .arg(QString::number(Profile::formatVersion), QString::number(number));
        return false;
    }
    return true;
}

// Issuer and discovery URL: https, or http on a loopback host only.
void checkProviderUrl(const QString &text, const QString &label, QStringList *problems)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty()
        || (scheme != QLatin1String("https") && scheme != QLatin1String("http"))) {
        problems->append(tr("The %1 %2 is not an https URL, such as https://login.example.com.").arg(label, quoted(text)));
        return;
    }
    if (scheme == QLatin1String("http") && !isLoopbackHost(url.host())) {
        problems->append(tr("The %1 %2 uses http, which is allowed only on 127.0.0.1, [::1] and localhost: "
                            "use https.")
                             .arg(label, quoted(text)));
    }
}

} // namespace

QString browserKindName(BrowserKind kind)
{
    return kind == BrowserKind::System ? QStringLiteral("system") : QStringLiteral("embedded");
}

bool parseBrowserKind(const QString &name, BrowserKind *out)
{
    if (name == QLatin1String("embedded")) {
        *out = BrowserKind::Embedded;
        return true;
    }
    if (name == QLatin1String("system")) {
        *out = BrowserKind::System;
        return true;
    }
    return false;
}

QString clientAuthMethodName(ClientAuthMethod method)
{
    switch (method) {
    case ClientAuthMethod::None:
        return QStringLiteral("none");
    case ClientAuthMethod::ClientSecretBasic:
        return QStringLiteral("client_secret_basic");
    case ClientAuthMethod::ClientSecretPost:
        return QStringLiteral("client_secret_post");
    case ClientAuthMethod::ClientSecretJwt:
        return QStringLiteral("client_secret_jwt");
    case ClientAuthMethod::PrivateKeyJwt:
        return QStringLiteral("private_key_jwt");
    }
    return QStringLiteral("none");
}

bool parseClientAuthMethod(const QString &name, ClientAuthMethod *out)
{
    for (ClientAuthMethod method : {ClientAuthMethod::None, ClientAuthMethod::ClientSecretBasic, ClientAuthMethod::ClientSecretPost,
                                    ClientAuthMethod::ClientSecretJwt, ClientAuthMethod::PrivateKeyJwt}) {
        if (name == clientAuthMethodName(method)) {
            if (out)
                *out = method;
            return true;
        }
    }
    return false;
}

bool looksLikeSecretName(const QString &name)
{
    QString normalized;
    normalized.reserve(name.size());
    for (QChar c : name) {
        if (c.isLetterOrNumber())
            normalized.append(c.toLower());
    }
    return normalized.contains(QLatin1String("secret")) || normalized.contains(QLatin1String("password"))
        || normalized.endsWith(QLatin1String("token")) || normalized.contains(QLatin1String("tokenhint"))
        || normalized == QLatin1String("apikey") || normalized.contains(QLatin1String("privatekey"));
}

bool Profile::isValidId(const QString &id)
{
    if (id.isEmpty() || id.size() > 64 || id.startsWith(u'.'))
        return false;
    for (QChar c : id) {
        const bool allowed = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')
            || c == u'.' || c == u'_' || c == u'-';
        if (!allowed)
            return false;
    }
    return true;
}

QUrl Profile::effectiveDiscoveryUrl() const
{
    if (!discoveryUrl.isEmpty())
        return discoveryUrl;
    if (issuer.isEmpty())
        return {};
    QString base = issuer;
    while (base.endsWith(u'/'))
        base.chop(1);
    return QUrl(base + QStringLiteral("/.well-known/openid-configuration"));
}

QJsonObject Profile::toJson() const
{
    QJsonArray params;
    for (const auto &[paramName, paramValue] : extraAuthorizeParams) {
        // fromJson drops these too: a profile file never carries a secret.
        if (looksLikeSecretName(paramName))
            continue;
        params.append(QJsonObject{{QStringLiteral("name"), paramName}, {QStringLiteral("value"), paramValue}});
    }
    QJsonArray environmentArray;
    for (const auto &[valueName, value] : environment) {
        // fromJson drops these too: environment values are plain text in the file.
        if (looksLikeSecretName(valueName))
            continue;
        environmentArray.append(QJsonObject{{QStringLiteral("name"), valueName}, {QStringLiteral("value"), value}});
    }

    QJsonObject json{
        {QStringLiteral("format"), QLatin1String(formatName)},
        {QStringLiteral("version"), formatVersion},
        {QStringLiteral("id"), id},
        {QStringLiteral("name"), name},
        {QStringLiteral("sandbox"), sandbox},
        {QStringLiteral("issuer"), issuer},
        {QStringLiteral("discoveryUrl"), discoveryUrl.toString(QUrl::FullyEncoded)},
        {QStringLiteral("clientId"), clientId},
        {QStringLiteral("clientAuth"), clientAuthMethodName(clientAuth)},
        {QStringLiteral("clientKeyFile"), clientKeyFile},
        {QStringLiteral("redirectUri"), redirectUri},
        {QStringLiteral("scopes"), QJsonArray::fromStringList(scopes)},
        {QStringLiteral("responseType"), responseType},
        {QStringLiteral("responseMode"), responseMode},
        {QStringLiteral("browser"), browserKindName(browser)},
        {QStringLiteral("pushedAuthorization"), pushedAuthorization},
        {QStringLiteral("audience"), audience},
        {QStringLiteral("resource"), resource},
        {QStringLiteral("extraAuthorizeParams"), params},
        {QStringLiteral("allowedAlgorithms"), QJsonArray::fromStringList(allowedAlgorithms)},
        {QStringLiteral("leewaySeconds"), leewaySeconds},
        {QStringLiteral("timeoutSeconds"), timeoutSeconds},
        {QStringLiteral("graphqlUrl"), graphqlUrl.toString(QUrl::FullyEncoded)},
        {QStringLiteral("defaultQuery"), defaultQuery},
        {QStringLiteral("loginMutation"), loginMutation.toJson()},
        {QStringLiteral("keepBrowserSession"), keepBrowserSession},
    };
    // Left out when empty, so profiles without an environment keep the files they had.
    if (!environmentArray.isEmpty())
        json.insert(QStringLiteral("environment"), environmentArray);
    return json;
}

bool Profile::fromJson(const QJsonObject &json, Profile *out, QString *error)
{
    return fromJson(json, out, error, nullptr);
}

bool Profile::fromJson(const QJsonObject &json, Profile *out, QString *error, QStringList *warnings)
{
    QString ignoredError;
    if (!error)
        error = &ignoredError;

    if (!checkFormat(json, error))
        return false;

    Profile profile;
    MemberReader reader(json);
    const bool ok = reader.readString(QStringLiteral("id"), &profile.id)
        && reader.readString(QStringLiteral("name"), &profile.name)
        && reader.readBool(QStringLiteral("sandbox"), &profile.sandbox)
        && reader.readString(QStringLiteral("issuer"), &profile.issuer)
        && reader.readUrl(QStringLiteral("discoveryUrl"), &profile.discoveryUrl)
        && reader.readString(QStringLiteral("clientId"), &profile.clientId)
        && reader.readClientAuth(QStringLiteral("clientAuth"), &profile.clientAuth)
        && reader.readString(QStringLiteral("clientKeyFile"), &profile.clientKeyFile)
        && reader.readString(QStringLiteral("redirectUri"), &profile.redirectUri)
        && reader.readStringList(QStringLiteral("scopes"), &profile.scopes)
        && reader.readString(QStringLiteral("responseType"), &profile.responseType)
        && reader.readString(QStringLiteral("responseMode"), &profile.responseMode)
        && reader.readBrowser(QStringLiteral("browser"), &profile.browser)
        && reader.readBool(QStringLiteral("pushedAuthorization"), &profile.pushedAuthorization)
        && reader.readString(QStringLiteral("audience"), &profile.audience)
        && reader.readString(QStringLiteral("resource"), &profile.resource)
        && reader.readParams(QStringLiteral("extraAuthorizeParams"), &profile.extraAuthorizeParams, warnings)
        && reader.readStringList(QStringLiteral("allowedAlgorithms"), &profile.allowedAlgorithms)
        && reader.readInt(QStringLiteral("leewaySeconds"), &profile.leewaySeconds)
        && reader.readInt(QStringLiteral("timeoutSeconds"), &profile.timeoutSeconds)
        && reader.readUrl(QStringLiteral("graphqlUrl"), &profile.graphqlUrl)
        && reader.readString(QStringLiteral("defaultQuery"), &profile.defaultQuery)
        && reader.readEnvironment(QStringLiteral("environment"), &profile.environment, warnings)
        && reader.readLoginMutation(QStringLiteral("loginMutation"), &profile.loginMutation)
        && reader.readBool(QStringLiteral("keepBrowserSession"), &profile.keepBrowserSession);
    if (!ok) {
        *error = reader.error;
        return false;
    }
    if (!profile.id.isEmpty() && !isValidId(profile.id)) {
        *error = tr("Member \"id\" must be 1 to 64 letters, digits, '.', '_' or '-' and must not start with "
                    "'.', found %1.")
                     .arg(quoted(profile.id));
        return false;
    }

    // None of the members read above looks like a secret, so this only reports extra ones.
    if (warnings) {
        for (auto it = json.constBegin(); it != json.constEnd(); ++it) {
            if (looksLikeSecretName(it.key()))
                warnings->append(secretWarning(it.key()));
        }
    }

    if (out)
        *out = profile;
    return true;
}

QStringList Profile::validate() const
{
    QStringList problems;

    // A sandbox profile gets its issuer from the built-in provider when the sandbox starts.
    if (!sandbox) {
        if (issuer.isEmpty() && discoveryUrl.isEmpty()) {
            problems.append(tr("The issuer and the discovery URL are both missing: enter the issuer, such as "
                               "https://login.example.com."));
        }
        if (!issuer.isEmpty()) {
            checkProviderUrl(issuer, tr("issuer"), &problems);
            const QUrl url(issuer);
            if (url.hasQuery() || url.hasFragment())
                problems.append(tr("The issuer %1 must not contain a query or a fragment.").arg(quoted(issuer)));
        }
        if (!discoveryUrl.isEmpty())
            checkProviderUrl(discoveryUrl.toString(), tr("discovery URL"), &problems);
    }

    if (clientId.isEmpty())
        problems.append(tr("The client ID is missing: copy it from the application's settings at the provider."));
    if (clientAuth == ClientAuthMethod::PrivateKeyJwt && clientKeyFile.isEmpty())
        problems.append(tr("private_key_jwt needs the PEM file with the client's private key: choose it in the profile."));

    if (redirectUri.isEmpty()) {
        problems.append(tr("The redirect URI is missing."));
    } else if (redirectUri.contains(u'#')) {
        problems.append(tr("The redirect URI %1 contains a fragment ('#'), which RFC 6749 section 3.1.2 forbids.")
                            .arg(quoted(redirectUri)));
    } else {
        const QUrl url(redirectUri, QUrl::StrictMode);
        if (!url.isValid() || url.isRelative()) {
            problems.append(tr("The redirect URI %1 is not an absolute URI: it needs a scheme, as in "
                               "com.example.explorer:/callback or http://127.0.0.1:8400/callback.")
                                .arg(quoted(redirectUri)));
        }
    }

    const QUrl redirect(redirectUri);
    const QString redirectHost = redirect.host().toLower();
    const bool loopbackRedirect = redirect.scheme() == QLatin1String("http")
        && (redirectHost == QLatin1String("127.0.0.1") || redirectHost == QLatin1String("::1") || redirectHost == QLatin1String("localhost"));
    static const QStringList modes{QString(), QStringLiteral("query"), QStringLiteral("fragment"), QStringLiteral("form_post")};
    if (!modes.contains(responseMode)) {
        problems.append(tr("The response mode %1 is not supported: use query, fragment or form_post, or leave it empty.")
                            .arg(quoted(responseMode)));
    } else if (responseMode == QLatin1String("form_post") && !redirectUri.isEmpty() && !loopbackRedirect) {
        problems.append(tr("response_mode=form_post sends the code in a POST body to the redirect URI. A browser never "
                           "shows that body to the app at %1, so use a loopback redirect URI such as "
                           "http://127.0.0.1/callback, where the app listens for the POST.")
                            .arg(quoted(redirectUri)));
    }
    if (browser == BrowserKind::System && !redirectUri.isEmpty() && !loopbackRedirect) {
        problems.append(tr("The system browser hands the callback to the app through a loopback redirect URI such as "
                           "http://127.0.0.1/callback (RFC 8252 section 7.3); %1 is not one.")
                            .arg(quoted(redirectUri)));
    }

    if (!scopes.contains(QLatin1String("openid"))) {
        problems.append(tr("The scopes do not include \"openid\", so the provider returns no ID token: add "
                           "\"openid\" for an OpenID Connect login."));
    }

    QStringList words = responseType.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    words.sort();
    static const QList<QStringList> supportedTypes{
        {QStringLiteral("code")},
        {QStringLiteral("id_token")},
        {QStringLiteral("id_token"), QStringLiteral("token")},
        {QStringLiteral("code"), QStringLiteral("id_token")},
        {QStringLiteral("code"), QStringLiteral("token")},
        {QStringLiteral("code"), QStringLiteral("id_token"), QStringLiteral("token")},
    };
    if (!supportedTypes.contains(words)) {
        problems.append(tr("The response type %1 is not supported: use code (recommended, with PKCE), id_token, "
                           "\"id_token token\" (implicit), or \"code id_token\", \"code token\", \"code id_token token\" (hybrid).")
                            .arg(quoted(responseType)));
    } else if (responseMode == QLatin1String("query") && (words.contains(QLatin1String("token")) || words.contains(QLatin1String("id_token")))) {
        problems.append(tr("response_mode=query cannot carry the tokens of response_type %1: they would end up in server "
                           "logs and Referer headers, which OAuth 2.0 Multiple Response Type Encoding Practices section 5 "
                           "forbids. Leave the response mode empty (fragment) or use form_post.")
                            .arg(quoted(responseType)));
    }

    // The authorization request sets these itself for every login; an extra value would be
    // dropped, which the user would not see.
    static const QStringList setByApp{QStringLiteral("response_type"), QStringLiteral("client_id"),
                                      QStringLiteral("redirect_uri"), QStringLiteral("state"), QStringLiteral("nonce"),
                                      QStringLiteral("code_challenge"), QStringLiteral("code_challenge_method"),
                                      QStringLiteral("response_mode")};
    for (const auto &[name, value] : extraAuthorizeParams) {
        if (setByApp.contains(name)) {
            problems.append(tr("The extra authorize parameter %1 is set by the app for every login and would be "
                               "ignored: remove it, or use the matching profile field.")
                                .arg(quoted(name)));
        }
    }

    QStringList environmentNames;
    for (const auto &[valueName, value] : environment) {
        if (looksLikeSecretName(valueName)) {
            problems.append(tr("The environment name %1 looks like a secret, but environment values are saved in plain "
                               "text: remove it, and send tokens with the query editor's credential choice instead.")
                                .arg(quoted(valueName)));
        } else if (!query::isValidEnvironmentName(valueName)) {
            problems.append(tr("The environment name %1 is not valid: names start with a letter or '_' and contain only "
                               "ASCII letters, digits, '_', '-' and '.', at most %2 characters.")
                                .arg(quoted(valueName), QString::number(query::maxEnvironmentNameLength)));
        } else if (environmentNames.contains(valueName)) {
            problems.append(tr("The environment name %1 appears twice: keep one of them.").arg(quoted(valueName)));
        }
        environmentNames << valueName;
    }

    if (leewaySeconds < 0 || leewaySeconds > 3600) {
        problems.append(tr("The clock leeway must be between 0 and 3600 seconds, found %1.")
                            .arg(QString::number(leewaySeconds)));
    }
    if (timeoutSeconds < 1 || timeoutSeconds > 300) {
        problems.append(tr("The timeout must be between 1 and 300 seconds, found %1.")
                            .arg(QString::number(timeoutSeconds)));
    }

    return problems;
}

QJsonObject LoginMutation::toJson() const
{
    // fromJson rejects these too: a profile file never carries a password or a token.
    QJsonObject publicVariables;
    for (auto it = variables.constBegin(); it != variables.constEnd(); ++it) {
        const QString text = it.value().toString();
        const bool placeholder = it.value().isString() && text.startsWith(QLatin1String("{{")) && text.endsWith(QLatin1String("}}"));
        if (!looksLikeSecretName(it.key()) || placeholder)
            publicVariables.insert(it.key(), it.value());
    }
    return QJsonObject{
        {QStringLiteral("document"), document},
        {QStringLiteral("variables"), publicVariables},
        {QStringLiteral("idTokenPath"), idTokenPath},
        {QStringLiteral("refreshTokenPath"), refreshTokenPath},
        {QStringLiteral("accessTokenPath"), accessTokenPath},
    };
}

LoginMutation LoginMutation::sandboxDefault()
{
    LoginMutation mutation;
    mutation.document = QStringLiteral("mutation Login($email: String!, $password: String!) {\n"
                                       "  login(email: $email, password: $password) {\n"
                                       "    idToken\n    refreshToken\n    accessToken\n    expiresIn\n  }\n}\n");
    mutation.variables = QJsonObject{{QStringLiteral("email"), QStringLiteral("{{email}}")},
                                     {QStringLiteral("password"), QStringLiteral("{{password}}")}};
    mutation.idTokenPath = QStringLiteral("data.login.idToken");
    mutation.refreshTokenPath = QStringLiteral("data.login.refreshToken");
    mutation.accessTokenPath = QStringLiteral("data.login.accessToken");
    return mutation;
}

Profile Profile::localSandbox()
{
    Profile profile;
    profile.id = QStringLiteral("local-sandbox");
    profile.name = QStringLiteral("Local sandbox");
    profile.sandbox = true;
    profile.clientId = QStringLiteral("explorer-sandbox");
    profile.redirectUri = QStringLiteral("com.example.explorer:/callback");
    profile.scopes = {QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("email"),
                      QStringLiteral("offline_access")};
    profile.defaultQuery = QStringLiteral("{\n  me { sub email }\n  todos { id title done }\n}\n");
    profile.loginMutation = LoginMutation::sandboxDefault();
    return profile;
}

} // namespace afx
