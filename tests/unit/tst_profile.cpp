// Profile JSON, validation and the profiles folder (ProfileStore).

#include "storage/profile.h"
#include "storage/profilestore.h"

#include <QtTest>

using namespace afx;

namespace {

QString fixture(const QString &name)
{
    return QStringLiteral(AFX_TEST_DATA_DIR "/profiles/") + name;
}

QByteArray readBytes(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArray();
    return file.readAll();
}

bool writeBytes(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

// File names and contents of every file in a folder, to prove that nothing changed.
QMap<QString, QByteArray> snapshot(const QString &directory)
{
    QMap<QString, QByteArray> files;
    const QFileInfoList entries = QDir(directory).entryInfoList(QDir::Files | QDir::Hidden);
    for (const QFileInfo &info : entries)
        files.insert(info.fileName(), readBytes(info.filePath()));
    return files;
}

Profile fullProfile()
{
    Profile profile;
    profile.id = QStringLiteral("full-1");
    profile.name = QStringLiteral("Full ✓ profile");
    profile.sandbox = false;
    profile.issuer = QStringLiteral("https://login.example.com/tenant");
    profile.discoveryUrl = QUrl(QStringLiteral("https://login.example.com/tenant/.well-known/openid-configuration?x=1"));
    profile.clientId = QStringLiteral("explorer-desktop");
    profile.clientAuth = ClientAuthMethod::ClientSecretBasic;
    profile.redirectUri = QStringLiteral("http://127.0.0.1:8400/callback");
    profile.scopes = {QStringLiteral("openid"), QStringLiteral("email"), QStringLiteral("read:todos")};
    profile.responseType = QStringLiteral("code");
    profile.responseMode = QStringLiteral("form_post");
    profile.browser = BrowserKind::System;
    profile.pushedAuthorization = false;
    profile.clientKeyFile = QStringLiteral("/home/dev/keys/explorer ✓.pem");
    profile.audience = QStringLiteral("https://api.example.com");
    profile.resource = QStringLiteral("https://api.example.com/graphql");
    profile.extraAuthorizeParams = {{QStringLiteral("prompt"), QStringLiteral("login")},
                                    {QStringLiteral("acr_values"), QStringLiteral("urn:mace:incommon:iap:silver")},
                                    {QStringLiteral("prompt"), QStringLiteral("consent")}};
    profile.allowedAlgorithms = {QStringLiteral("ES256")};
    profile.leewaySeconds = 0;
    profile.timeoutSeconds = 300;
    profile.graphqlUrl = QUrl(QStringLiteral("https://api.example.com/graphql"));
    profile.defaultQuery = QStringLiteral("query {\n  me { sub }\n}\n");
    profile.loginMutation.document = QStringLiteral("mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { session { jwt } } }");
    profile.loginMutation.variables = QJsonObject{{QStringLiteral("e"), QStringLiteral("{{email}}")},
                                                  {QStringLiteral("p"), QStringLiteral("{{password}}")},
                                                  {QStringLiteral("tenant"), QStringLiteral("acme")}};
    profile.loginMutation.idTokenPath = QStringLiteral("data.signIn.session.jwt");
    profile.loginMutation.refreshTokenPath = QStringLiteral("data.signIn.session.refresh");
    profile.keepBrowserSession = true;
    return profile;
}

void compareProfiles(const Profile &actual, const Profile &expected)
{
    QCOMPARE(actual.id, expected.id);
    QCOMPARE(actual.name, expected.name);
    QCOMPARE(actual.sandbox, expected.sandbox);
    QCOMPARE(actual.issuer, expected.issuer);
    QCOMPARE(actual.discoveryUrl, expected.discoveryUrl);
    QCOMPARE(actual.clientId, expected.clientId);
    QCOMPARE(actual.clientAuth, expected.clientAuth);
    QCOMPARE(actual.redirectUri, expected.redirectUri);
    QCOMPARE(actual.scopes, expected.scopes);
    QCOMPARE(actual.responseType, expected.responseType);
    QCOMPARE(actual.responseMode, expected.responseMode);
    QCOMPARE(actual.browser, expected.browser);
    QCOMPARE(actual.pushedAuthorization, expected.pushedAuthorization);
    QCOMPARE(actual.clientKeyFile, expected.clientKeyFile);
    QCOMPARE(actual.audience, expected.audience);
    QCOMPARE(actual.resource, expected.resource);
    QCOMPARE(actual.extraAuthorizeParams, expected.extraAuthorizeParams);
    QCOMPARE(actual.allowedAlgorithms, expected.allowedAlgorithms);
    QCOMPARE(actual.leewaySeconds, expected.leewaySeconds);
    QCOMPARE(actual.timeoutSeconds, expected.timeoutSeconds);
    QCOMPARE(actual.graphqlUrl, expected.graphqlUrl);
    QCOMPARE(actual.defaultQuery, expected.defaultQuery);
    QCOMPARE(actual.loginMutation.document, expected.loginMutation.document);
    QCOMPARE(actual.loginMutation.variables, expected.loginMutation.variables);
    QCOMPARE(actual.loginMutation.idTokenPath, expected.loginMutation.idTokenPath);
    QCOMPARE(actual.loginMutation.refreshTokenPath, expected.loginMutation.refreshTokenPath);
    QCOMPARE(actual.loginMutation.accessTokenPath, expected.loginMutation.accessTokenPath);
    QCOMPARE(actual.keepBrowserSession, expected.keepBrowserSession);
}

// A valid profile that passes validate(), for tests that change one field.
Profile validProfile()
{
    Profile profile;
    profile.id = QStringLiteral("valid");
    profile.name = QStringLiteral("Valid");
    profile.issuer = QStringLiteral("https://login.example.com");
    profile.clientId = QStringLiteral("explorer-desktop");
    return profile;
}

} // namespace

class ProfileTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void jsonRoundTrip();
    void jsonMemberNames();
    void jsonFixtureFull();
    void documentedExampleReads();
    void jsonMinimalKeepsDefaults();
    void jsonNullMeansDefault();
    void jsonWrongType_data();
    void jsonWrongType();
    void jsonBadFormat_data();
    void jsonBadFormat();
    void jsonSecretsIgnored();
    void toJsonDropsSecretParams();
    void secretNames_data();
    void secretNames();
    void clientAuthNames();
    void validIds_data();
    void validIds();

    void validate_data();
    void validate();
    void validateOneSentencePerProblem();
    void effectiveDiscoveryUrl_data();
    void effectiveDiscoveryUrl();
    void localSandbox();

    void storeDefaultDirectory();
    void storeSaveListLoadRemove();
    void storeFilePermissions();
    void storeSaveRejectsBadIds_data();
    void storeSaveRejectsBadIds();
    void storeSandboxIsBuiltIn();
    void storeLoadMissing();
    void storeRemoveMissing();
    void storeCorruptFilesReported();
    void storeImportFailures_data();
    void storeImportFailures();
    void storeImportCollidingId();
    void storeImportWithSecrets();
    void storeImportWithoutIdOrName();
    void storeExportImport();
};

void ProfileTest::initTestCase()
{
    // Keeps the default ProfileStore folder away from the real configuration.
    QStandardPaths::setTestModeEnabled(true);
}

// --- JSON ---

void ProfileTest::jsonRoundTrip()
{
    const Profile original = fullProfile();
    const QByteArray bytes = QJsonDocument(original.toJson()).toJson();
    const QJsonObject json = QJsonDocument::fromJson(bytes).object();

    Profile parsed;
    QString error;
    QStringList warnings;
    QVERIFY2(Profile::fromJson(json, &parsed, &error, &warnings), qPrintable(error));
    QVERIFY(warnings.isEmpty());
    compareProfiles(parsed, original);

    // The same through the overload without warnings, and for the built-in profile.
    Profile sandbox;
    QVERIFY(Profile::fromJson(Profile::localSandbox().toJson(), &sandbox, &error));
    compareProfiles(sandbox, Profile::localSandbox());
}

void ProfileTest::jsonMemberNames()
{
    const QJsonObject json = fullProfile().toJson();
    QCOMPARE(json.value(QLatin1String("format")).toString(), QStringLiteral("authflow-explorer-profile"));
    QCOMPARE(json.value(QLatin1String("version")).toInt(), 1);

    QStringList keys = json.keys();
    keys.sort();
    QStringList expected{QStringLiteral("format"), QStringLiteral("version"), QStringLiteral("id"),
                         QStringLiteral("name"), QStringLiteral("sandbox"), QStringLiteral("issuer"),
                         QStringLiteral("discoveryUrl"), QStringLiteral("clientId"), QStringLiteral("clientAuth"),
                         QStringLiteral("clientKeyFile"),
                         QStringLiteral("redirectUri"), QStringLiteral("scopes"), QStringLiteral("responseType"),
                         QStringLiteral("responseMode"), QStringLiteral("browser"), QStringLiteral("pushedAuthorization"),
                         QStringLiteral("audience"), QStringLiteral("resource"),
                         QStringLiteral("extraAuthorizeParams"), QStringLiteral("allowedAlgorithms"),
                         QStringLiteral("leewaySeconds"), QStringLiteral("timeoutSeconds"),
                         QStringLiteral("graphqlUrl"), QStringLiteral("defaultQuery"),
                         QStringLiteral("loginMutation"), QStringLiteral("keepBrowserSession")};
    expected.sort();
    QCOMPARE(keys, expected);

    for (const QString &key : std::as_const(keys))
        QVERIFY2(!looksLikeSecretName(key), qPrintable(key));

    const QJsonArray params = json.value(QLatin1String("extraAuthorizeParams")).toArray();
    QCOMPARE(params.size(), 3);
    QCOMPARE(params.at(0).toObject().value(QLatin1String("name")).toString(), QStringLiteral("prompt"));
    QCOMPARE(params.at(0).toObject().value(QLatin1String("value")).toString(), QStringLiteral("login"));
    QCOMPARE(json.value(QLatin1String("clientAuth")).toString(), QStringLiteral("client_secret_basic"));
}

void ProfileTest::documentedExampleReads()
{
    // The README points new users at this file, so it must stay a valid profile.
    QFile file(QStringLiteral(AFX_SOURCE_DIR "/docs/examples/keycloak-profile.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    QCOMPARE(parseError.error, QJsonParseError::NoError);
    Profile profile;
    QString error;
    QStringList warnings;
    QVERIFY2(Profile::fromJson(document.object(), &profile, &error, &warnings), qPrintable(error));
    QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join(QLatin1Char(' '))));
    QVERIFY2(profile.validate().isEmpty(), qPrintable(profile.validate().join(QLatin1Char(' '))));
    QCOMPARE(profile.id, QStringLiteral("keycloak-demo"));
    QCOMPARE(profile.environment.size(), 1);
}

void ProfileTest::jsonFixtureFull()
{
    Profile profile;
    QStringList warnings;
    QString error;
    QVERIFY2(readProfileFile(fixture(QStringLiteral("full.json")), &profile, &warnings, &error), qPrintable(error));
    QVERIFY(warnings.isEmpty());
    QCOMPARE(profile.id, QStringLiteral("example-full"));
    QCOMPARE(profile.clientAuth, ClientAuthMethod::ClientSecretPost);
    QCOMPARE(profile.extraAuthorizeParams.size(), 2);
    QCOMPARE(profile.extraAuthorizeParams.at(1).first, QStringLiteral("ui_locales"));
    QCOMPARE(profile.extraAuthorizeParams.at(1).second, QStringLiteral("de en"));
    QCOMPARE(profile.allowedAlgorithms, QStringList({QStringLiteral("RS256"), QStringLiteral("PS256")}));
    QCOMPARE(profile.leewaySeconds, 30);
    QVERIFY(profile.discoveryUrl.isEmpty());
    QVERIFY2(profile.validate().isEmpty(), qPrintable(profile.validate().join(u' ')));
}

void ProfileTest::jsonMinimalKeepsDefaults()
{
    Profile profile;
    QString error;
    QVERIFY2(readProfileFile(fixture(QStringLiteral("minimal.json")), &profile, nullptr, &error), qPrintable(error));
    const Profile defaults;
    QCOMPARE(profile.issuer, QStringLiteral("https://login.example.com"));
    QCOMPARE(profile.redirectUri, defaults.redirectUri);
    QCOMPARE(profile.scopes, defaults.scopes);
    QCOMPARE(profile.responseType, defaults.responseType);
    QCOMPARE(profile.allowedAlgorithms, defaults.allowedAlgorithms);
    QCOMPARE(profile.leewaySeconds, defaults.leewaySeconds);
    QCOMPARE(profile.timeoutSeconds, defaults.timeoutSeconds);
    QCOMPARE(profile.clientAuth, ClientAuthMethod::None);
    QVERIFY(profile.id.isEmpty());
}

void ProfileTest::jsonNullMeansDefault()
{
    QJsonObject json = validProfile().toJson();
    json.insert(QStringLiteral("scopes"), QJsonValue::Null);
    json.insert(QStringLiteral("leewaySeconds"), QJsonValue::Null);
    json.insert(QStringLiteral("graphqlUrl"), QJsonValue::Null);
    json.insert(QStringLiteral("clientAuth"), QJsonValue::Null);
    Profile profile;
    QString error;
    QVERIFY2(Profile::fromJson(json, &profile, &error), qPrintable(error));
    QCOMPARE(profile.scopes, Profile().scopes);
    QCOMPARE(profile.leewaySeconds, Profile().leewaySeconds);
    QVERIFY(profile.graphqlUrl.isEmpty());
    QCOMPARE(profile.clientAuth, ClientAuthMethod::None);
}

void ProfileTest::jsonWrongType_data()
{
    QTest::addColumn<QString>("member");
    QTest::addColumn<QByteArray>("valueJson");
    QTest::addColumn<QString>("expectedError");

    const auto row = [](const char *name, const char *member, const char *valueJson, const char *expected) {
        QTest::newRow(name) << QString::fromLatin1(member) << QByteArray(valueJson) << QString::fromUtf8(expected);
    };
    row("id number", "id", "7", "Member \"id\" must be a string, found a number.");
    row("id unsafe", "id", "\"../../etc/passwd\"", "Member \"id\" must be 1 to 64 letters");
    row("name array", "name", "[\"a\"]", "Member \"name\" must be a string, found an array.");
    row("sandbox string", "sandbox", "\"true\"", "Member \"sandbox\" must be a boolean, found a string.");
    row("issuer number", "issuer", "1", "Member \"issuer\" must be a string, found a number.");
    row("discoveryUrl boolean", "discoveryUrl", "false", "Member \"discoveryUrl\" must be a string, found a boolean.");
    row("discoveryUrl relative", "discoveryUrl", "\"/.well-known/openid-configuration\"",
        "Member \"discoveryUrl\" must be an absolute URL");
    row("clientId object", "clientId", "{\"id\": \"x\"}", "Member \"clientId\" must be a string, found an object.");
    row("clientAuth number", "clientAuth", "2", "Member \"clientAuth\" must be a string, found a number.");
    row("clientAuth unknown", "clientAuth", "\"tls_client_auth\"",
        "Member \"clientAuth\" must be one of \"none\", \"client_secret_basic\", \"client_secret_post\", "
        "\"client_secret_jwt\" or \"private_key_jwt\", found \"tls_client_auth\".");
    row("redirectUri number", "redirectUri", "8400", "Member \"redirectUri\" must be a string, found a number.");
    row("scopes number", "scopes", "5", "Member \"scopes\" must be an array of strings, found a number.");
    row("scopes string", "scopes", "\"openid profile\"", "Member \"scopes\" must be an array of strings, found a string.");
    row("scopes item number", "scopes", "[\"openid\", 5]",
        "Member \"scopes\" must be an array of strings, found a number at index 1.");
    row("responseType array", "responseType", "[\"code\"]",
        "Member \"responseType\" must be a string, found an array.");
    row("audience boolean", "audience", "true", "Member \"audience\" must be a string, found a boolean.");
    row("responseMode number", "responseMode", "1", "Member \"responseMode\" must be a string, found a number.");
    row("browser unknown", "browser", "\"chrome\"", "Member \"browser\" must be \"embedded\" or \"system\", found \"chrome\".");
    row("browser boolean", "browser", "true", "Member \"browser\" must be a string, found a boolean.");
    row("resource number", "resource", "0", "Member \"resource\" must be a string, found a number.");
    row("extraAuthorizeParams object", "extraAuthorizeParams", "{\"prompt\": \"login\"}",
        "Member \"extraAuthorizeParams\" must be an array of {\"name\", \"value\"} objects, found an object.");
    row("extraAuthorizeParams item string", "extraAuthorizeParams", "[\"prompt=login\"]",
        "Member \"extraAuthorizeParams\" must be an array of {\"name\", \"value\"} objects, found a string at index 0.");
    row("extraAuthorizeParams name missing", "extraAuthorizeParams", "[{\"value\": \"login\"}]",
        "Member \"extraAuthorizeParams\" at index 0: \"name\" must be a non-empty string, found nothing.");
    row("extraAuthorizeParams name empty", "extraAuthorizeParams", "[{\"name\": \"\", \"value\": \"x\"}]",
        "Member \"extraAuthorizeParams\" at index 0: \"name\" must be a non-empty string, found an empty string.");
    row("extraAuthorizeParams value number", "extraAuthorizeParams",
        "[{\"name\": \"a\", \"value\": \"b\"}, {\"name\": \"max_age\", \"value\": 0}]",
        "Member \"extraAuthorizeParams\" at index 1: \"value\" must be a string, found a number.");
    row("allowedAlgorithms string", "allowedAlgorithms", "\"RS256\"",
        "Member \"allowedAlgorithms\" must be an array of strings, found a string.");
    row("leewaySeconds string", "leewaySeconds", "\"60\"", "Member \"leewaySeconds\" must be an integer, found a string.");
    row("leewaySeconds fraction", "leewaySeconds", "1.5", "Member \"leewaySeconds\" must be an integer, found 1.5.");
    row("leewaySeconds huge", "leewaySeconds", "1e12", "Member \"leewaySeconds\" must be an integer, found 1e+12.");
    row("timeoutSeconds boolean", "timeoutSeconds", "true",
        "Member \"timeoutSeconds\" must be an integer, found a boolean.");
    row("graphqlUrl number", "graphqlUrl", "42", "Member \"graphqlUrl\" must be a string, found a number.");
    row("graphqlUrl relative", "graphqlUrl", "\"graphql\"", "Member \"graphqlUrl\" must be an absolute URL");
    row("defaultQuery array", "defaultQuery", "[]", "Member \"defaultQuery\" must be a string, found an array.");
    row("loginMutation string", "loginMutation", "\"mutation { login }\"",
        "Member \"loginMutation\" must be an object, found a string.");
    row("loginMutation document number", "loginMutation", "{\"document\": 1}",
        "Member \"loginMutation.document\" must be a string, found a number.");
    row("loginMutation variables array", "loginMutation", "{\"document\": \"mutation { a }\", \"variables\": []}",
        "Member \"loginMutation.variables\" must be an object, found an array.");
    row("loginMutation path boolean", "loginMutation", "{\"document\": \"mutation { a }\", \"idTokenPath\": true}",
        "Member \"loginMutation.idTokenPath\" must be a string, found a boolean.");
    row("loginMutation without token path", "loginMutation", "{\"document\": \"mutation { a }\"}",
        "Member \"loginMutation\" has a document but neither \"idTokenPath\" nor \"accessTokenPath\"");
    row("loginMutation literal password", "loginMutation",
        "{\"document\": \"mutation { a }\", \"idTokenPath\": \"data.a\", \"variables\": {\"password\": \"hunter22\"}}",
        "Member \"loginMutation.variables.password\" holds a literal value, but profiles never store passwords");
    row("keepBrowserSession string", "keepBrowserSession", "\"yes\"",
        "Member \"keepBrowserSession\" must be a boolean, found a string.");
}

void ProfileTest::jsonWrongType()
{
    QFETCH(QString, member);
    QFETCH(QByteArray, valueJson);
    QFETCH(QString, expectedError);

    QJsonObject json = validProfile().toJson();
    const QJsonDocument valueDocument = QJsonDocument::fromJson("[" + valueJson + "]");
    QVERIFY(valueDocument.isArray());
    json.insert(member, valueDocument.array().at(0));

    Profile profile = validProfile();
    profile.name = QStringLiteral("untouched");
    QString error;
    QVERIFY(!Profile::fromJson(json, &profile, &error));
    QVERIFY2(error.startsWith(expectedError), qPrintable(error));
    QCOMPARE(profile.name, QStringLiteral("untouched"));
}

void ProfileTest::jsonBadFormat_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expectedError");

    QTest::newRow("format missing") << QByteArray(R"({"version": 1, "issuer": "https://a.example"})")
                                    << QStringLiteral("the member \"format\" is missing");
    QTest::newRow("format unknown") << QByteArray(R"({"format": "postman-collection", "version": 1})")
                                    << QStringLiteral("Unknown profile format \"postman-collection\"");
    QTest::newRow("format number") << QByteArray(R"({"format": 1, "version": 1})")
                                   << QStringLiteral("Member \"format\" must be a string, found a number.");
    QTest::newRow("version missing") << QByteArray(R"({"format": "authflow-explorer-profile"})")
                                     << QStringLiteral("The member \"version\" is missing");
    QTest::newRow("version newer") << QByteArray(R"({"format": "authflow-explorer-profile", "version": 2})")
                                   << QStringLiteral("format version 2, but this version of Auth Flow Explorer reads "
                                                     "only version 1");
    QTest::newRow("version string") << QByteArray(R"({"format": "authflow-explorer-profile", "version": "1"})")
                                    << QStringLiteral("Member \"version\" must be an integer, found a string.");
    QTest::newRow("version zero") << QByteArray(R"({"format": "authflow-explorer-profile", "version": 0})")
                                  << QStringLiteral("Member \"version\" must be 1, found 0.");
    QTest::newRow("version fraction") << QByteArray(R"({"format": "authflow-explorer-profile", "version": 1.5})")
                                      << QStringLiteral("Member \"version\" must be an integer, found 1.5.");
}

void ProfileTest::jsonBadFormat()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expectedError);

    Profile profile;
    QString error;
    QVERIFY(!Profile::fromJson(QJsonDocument::fromJson(json).object(), &profile, &error));
    QVERIFY2(error.contains(expectedError), qPrintable(error));
}

void ProfileTest::jsonSecretsIgnored()
{
    Profile profile;
    QStringList warnings;
    QString error;
    QVERIFY2(readProfileFile(fixture(QStringLiteral("with-secrets.json")), &profile, &warnings, &error),
             qPrintable(error));

    // clientSecret, client_secret, password, accessToken, refreshToken, idToken and one parameter.
    QCOMPARE(warnings.size(), 7);
    const QString all = warnings.join(u'\n');
    QVERIFY2(all.contains(QLatin1String("The file contained a client secret (member \"clientSecret\"); it was "
                                        "ignored. Enter it in the profile form to keep it in the keychain.")),
             qPrintable(all));
    QVERIFY2(all.contains(QLatin1String("member \"client_secret\"")), qPrintable(all));
    QVERIFY2(all.contains(QLatin1String("a password (member \"password\")")), qPrintable(all));
    QVERIFY2(all.contains(QLatin1String("a token (member \"refreshToken\")")), qPrintable(all));
    QVERIFY2(all.contains(QLatin1String("authorize parameter \"client_secret\"")), qPrintable(all));
    // Warnings name members, never their values.
    QVERIFY2(!all.contains(QLatin1String("colleague-")), qPrintable(all));

    QCOMPARE(profile.clientAuth, ClientAuthMethod::ClientSecretBasic);
    QCOMPARE(profile.extraAuthorizeParams.size(), 1);
    QCOMPARE(profile.extraAuthorizeParams.at(0).first, QStringLiteral("prompt"));

    const QByteArray written = QJsonDocument(profile.toJson()).toJson();
    QVERIFY2(!written.contains("colleague-"), written.constData());
    QVERIFY(!written.contains("clientSecret"));
    QVERIFY(!written.contains("client_secret\""));

    // Without a warnings list the secrets are still dropped.
    Profile quiet;
    QVERIFY(readProfileFile(fixture(QStringLiteral("with-secrets.json")), &quiet, nullptr, &error));
    QCOMPARE(quiet.extraAuthorizeParams.size(), 1);
}

void ProfileTest::toJsonDropsSecretParams()
{
    Profile profile = validProfile();
    profile.extraAuthorizeParams = {{QStringLiteral("prompt"), QStringLiteral("login")},
                                    {QStringLiteral("client_secret"), QStringLiteral("typed-by-hand")},
                                    {QStringLiteral("id_token_hint"), QStringLiteral("eyJ.eyJ.sig")}};
    const QByteArray written = QJsonDocument(profile.toJson()).toJson();
    QVERIFY(!written.contains("typed-by-hand"));
    QVERIFY(!written.contains("eyJ.eyJ.sig"));
    QVERIFY(written.contains("\"prompt\""));

    // A password typed into the login mutation's variables never reaches the file either.
    profile.loginMutation = LoginMutation::sandboxDefault();
    profile.loginMutation.variables.insert(QStringLiteral("password"), QStringLiteral("typed-password"));
    profile.loginMutation.variables.insert(QStringLiteral("apiToken"), QStringLiteral("{{password}}"));
    const QByteArray withMutation = QJsonDocument(profile.toJson()).toJson();
    QVERIFY(!withMutation.contains("typed-password"));
    QVERIFY(withMutation.contains("\"apiToken\""));
    QVERIFY(withMutation.contains("\"{{email}}\""));
}

void ProfileTest::secretNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("secret");

    for (const char *name : {"clientSecret", "client_secret", "CLIENT-SECRET", "password", "userPassword",
                             "accessToken", "access_token", "refreshToken", "idToken", "id_token", "apiToken",
                             "id_token_hint", "api_key", "privateKey"}) {
        QTest::newRow(name) << QString::fromLatin1(name) << true;
    }
    for (const char *name : {"clientId", "clientAuth", "tokenType", "scopes", "audience", "prompt", "login_hint",
                             "allowedAlgorithms", "responseType", "keyId"}) {
        QTest::newRow(name) << QString::fromLatin1(name) << false;
    }
}

void ProfileTest::secretNames()
{
    QFETCH(QString, name);
    QFETCH(bool, secret);
    QCOMPARE(looksLikeSecretName(name), secret);
}

void ProfileTest::clientAuthNames()
{
    for (ClientAuthMethod method : {ClientAuthMethod::None, ClientAuthMethod::ClientSecretBasic, ClientAuthMethod::ClientSecretPost,
                                    ClientAuthMethod::ClientSecretJwt, ClientAuthMethod::PrivateKeyJwt}) {
        ClientAuthMethod parsed = ClientAuthMethod::None;
        QVERIFY(parseClientAuthMethod(clientAuthMethodName(method), &parsed));
        QCOMPARE(parsed, method);
    }
    QCOMPARE(clientAuthMethodName(ClientAuthMethod::ClientSecretPost), QStringLiteral("client_secret_post"));
    QCOMPARE(clientAuthMethodName(ClientAuthMethod::PrivateKeyJwt), QStringLiteral("private_key_jwt"));
    QVERIFY(usesClientSecret(ClientAuthMethod::ClientSecretJwt));
    QVERIFY(!usesClientSecret(ClientAuthMethod::PrivateKeyJwt));
    ClientAuthMethod untouched = ClientAuthMethod::ClientSecretPost;
    QVERIFY(!parseClientAuthMethod(QStringLiteral("Client_Secret_Basic"), &untouched));
    QVERIFY(!parseClientAuthMethod(QString(), &untouched));
    QCOMPARE(untouched, ClientAuthMethod::ClientSecretPost);
}

void ProfileTest::validIds_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("valid");

    QTest::newRow("uuid") << QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950e") << true;
    QTest::newRow("dotted") << QStringLiteral("auth0.dev_1") << true;
    QTest::newRow("64 chars") << QString(64, u'a') << true;
    QTest::newRow("65 chars") << QString(65, u'a') << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("leading dot") << QStringLiteral(".hidden") << false;
    QTest::newRow("slash") << QStringLiteral("a/b") << false;
    QTest::newRow("parent") << QStringLiteral("..") << false;
    QTest::newRow("space") << QStringLiteral("a b") << false;
    QTest::newRow("non-ascii") << QStringLiteral("prüfung") << false;
}

void ProfileTest::validIds()
{
    QFETCH(QString, id);
    QFETCH(bool, valid);
    QCOMPARE(Profile::isValidId(id), valid);
}

// --- validate() and discovery URL ---

void ProfileTest::validate_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expectedProblem"); // empty: no problem expected

    QTest::newRow("valid") << QString() << QString() << QString();
    QTest::newRow("issuer and discovery missing") << QStringLiteral("issuer") << QString()
                                                  << QStringLiteral("The issuer and the discovery URL are both missing");
    QTest::newRow("discovery URL alone is enough") << QStringLiteral("issuer+discovery")
                                                   << QStringLiteral("https://login.example.com/.well-known/x")
                                                   << QString();
    QTest::newRow("issuer ftp") << QStringLiteral("issuer") << QStringLiteral("ftp://login.example.com")
                                << QStringLiteral("is not an https URL");
    QTest::newRow("issuer without scheme") << QStringLiteral("issuer") << QStringLiteral("login.example.com")
                                           << QStringLiteral("is not an https URL");
    QTest::newRow("issuer http non-loopback") << QStringLiteral("issuer") << QStringLiteral("http://login.example.com")
                                              << QStringLiteral("uses http, which is allowed only on 127.0.0.1, [::1] "
                                                                "and localhost");
    QTest::newRow("issuer http private address") << QStringLiteral("issuer") << QStringLiteral("http://10.0.0.5:8080")
                                                 << QStringLiteral("uses http");
    QTest::newRow("issuer http 127.0.0.1") << QStringLiteral("issuer") << QStringLiteral("http://127.0.0.1:8400")
                                           << QString();
    QTest::newRow("issuer http [::1]") << QStringLiteral("issuer") << QStringLiteral("http://[::1]:8400/realm")
                                       << QString();
    QTest::newRow("issuer http localhost") << QStringLiteral("issuer") << QStringLiteral("http://LocalHost:8400")
                                           << QString();
    QTest::newRow("issuer with query") << QStringLiteral("issuer") << QStringLiteral("https://login.example.com?a=b")
                                       << QStringLiteral("must not contain a query or a fragment");
    QTest::newRow("discovery http non-loopback") << QStringLiteral("discoveryUrl")
                                                 << QStringLiteral("http://login.example.com/.well-known/x")
                                                 << QStringLiteral("The discovery URL");
    QTest::newRow("client id missing") << QStringLiteral("clientId") << QString()
                                       << QStringLiteral("The client ID is missing");
    QTest::newRow("redirect empty") << QStringLiteral("redirectUri") << QString()
                                    << QStringLiteral("The redirect URI is missing.");
    QTest::newRow("redirect fragment") << QStringLiteral("redirectUri")
                                       << QStringLiteral("com.example.explorer:/callback#done")
                                       << QStringLiteral("contains a fragment ('#'), which RFC 6749 section 3.1.2 "
                                                         "forbids");
    QTest::newRow("redirect relative") << QStringLiteral("redirectUri") << QStringLiteral("/callback")
                                       << QStringLiteral("is not an absolute URI");
    QTest::newRow("redirect loopback") << QStringLiteral("redirectUri")
                                       << QStringLiteral("http://127.0.0.1:8400/callback") << QString();
    QTest::newRow("scopes without openid") << QStringLiteral("scopes") << QStringLiteral("profile email")
                                           << QStringLiteral("do not include \"openid\"");
    QTest::newRow("scopes openid only") << QStringLiteral("scopes") << QStringLiteral("openid") << QString();
    QTest::newRow("response type implicit") << QStringLiteral("responseType") << QStringLiteral("id_token token") << QString();
    QTest::newRow("response type reordered") << QStringLiteral("responseType") << QStringLiteral("token id_token code") << QString();
    QTest::newRow("response type token alone") << QStringLiteral("responseType") << QStringLiteral("token")
                                               << QStringLiteral("is not supported");
    QTest::newRow("response type empty") << QStringLiteral("responseType") << QString()
                                         << QStringLiteral("is not supported");
    QTest::newRow("response type query mode with tokens") << QStringLiteral("responseType+query") << QStringLiteral("id_token")
                                                          << QStringLiteral("response_mode=query cannot carry");
    QTest::newRow("leeway negative") << QStringLiteral("leewaySeconds") << QStringLiteral("-1")
                                     << QStringLiteral("between 0 and 3600 seconds, found -1");
    QTest::newRow("leeway too large") << QStringLiteral("leewaySeconds") << QStringLiteral("3601")
                                      << QStringLiteral("between 0 and 3600 seconds, found 3601");
    QTest::newRow("leeway maximum") << QStringLiteral("leewaySeconds") << QStringLiteral("3600") << QString();
    QTest::newRow("timeout zero") << QStringLiteral("timeoutSeconds") << QStringLiteral("0")
                                  << QStringLiteral("between 1 and 300 seconds, found 0");
    QTest::newRow("timeout too large") << QStringLiteral("timeoutSeconds") << QStringLiteral("301")
                                       << QStringLiteral("between 1 and 300 seconds, found 301");
    QTest::newRow("extra param the app sets") << QStringLiteral("extraParam") << QStringLiteral("state=mine")
                                               << QStringLiteral("\"state\"");
    QTest::newRow("extra param prompt") << QStringLiteral("extraParam") << QStringLiteral("prompt=login") << QString();
    QTest::newRow("private_key_jwt without key file") << QStringLiteral("clientAuth") << QStringLiteral("private_key_jwt")
                                                      << QStringLiteral("needs the PEM file");
    QTest::newRow("extra param response_mode") << QStringLiteral("extraParam") << QStringLiteral("response_mode=form_post")
                                               << QStringLiteral("\"response_mode\"");
    QTest::newRow("response mode unknown") << QStringLiteral("responseMode") << QStringLiteral("web_message")
                                           << QStringLiteral("use query, fragment or form_post");
    QTest::newRow("form_post with custom scheme") << QStringLiteral("responseMode") << QStringLiteral("form_post")
                                                  << QStringLiteral("use a loopback redirect URI");
    QTest::newRow("form_post with loopback") << QStringLiteral("responseMode+loopback") << QStringLiteral("form_post")
                                             << QString();
    QTest::newRow("system browser with custom scheme") << QStringLiteral("browser") << QStringLiteral("system")
                                                       << QStringLiteral("RFC 8252 section 7.3");
    QTest::newRow("system browser with loopback") << QStringLiteral("browser+loopback") << QStringLiteral("system")
                                                  << QString();
}

void ProfileTest::validate()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(QString, expectedProblem);

    Profile profile = validProfile();
    if (field == QLatin1String("issuer")) {
        profile.issuer = value;
    } else if (field == QLatin1String("issuer+discovery")) {
        profile.issuer.clear();
        profile.discoveryUrl = QUrl(value);
    } else if (field == QLatin1String("discoveryUrl")) {
        profile.discoveryUrl = QUrl(value);
    } else if (field == QLatin1String("clientId")) {
        profile.clientId = value;
    } else if (field == QLatin1String("redirectUri")) {
        profile.redirectUri = value;
    } else if (field == QLatin1String("scopes")) {
        profile.scopes = value.split(u' ', Qt::SkipEmptyParts);
    } else if (field.startsWith(QLatin1String("responseType"))) {
        profile.responseType = value;
        if (field.endsWith(QLatin1String("+query")))
            profile.responseMode = QStringLiteral("query");
    } else if (field == QLatin1String("leewaySeconds")) {
        profile.leewaySeconds = value.toInt();
    } else if (field == QLatin1String("timeoutSeconds")) {
        profile.timeoutSeconds = value.toInt();
    } else if (field.startsWith(QLatin1String("responseMode"))) {
        profile.responseMode = value;
        if (field.endsWith(QLatin1String("+loopback")))
            profile.redirectUri = QStringLiteral("http://127.0.0.1/callback");
    } else if (field == QLatin1String("clientAuth")) {
        QVERIFY(parseClientAuthMethod(value, &profile.clientAuth));
    } else if (field.startsWith(QLatin1String("browser"))) {
        QVERIFY(parseBrowserKind(value, &profile.browser));
        if (field.endsWith(QLatin1String("+loopback")))
            profile.redirectUri = QStringLiteral("http://[::1]/callback");
    } else if (field == QLatin1String("extraParam")) {
        profile.extraAuthorizeParams.append({value.section(u'=', 0, 0), value.section(u'=', 1)});
    } else {
        QVERIFY(field.isEmpty());
    }

    const QStringList problems = profile.validate();
    if (expectedProblem.isEmpty()) {
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    } else {
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems.at(0).contains(expectedProblem), qPrintable(problems.at(0)));
    }
}

void ProfileTest::validateOneSentencePerProblem()
{
    Profile profile;
    profile.issuer = QStringLiteral("http://login.example.com");
    profile.clientId.clear();
    profile.redirectUri = QStringLiteral("app:/cb#x");
    profile.scopes = {QStringLiteral("email")};
    profile.responseType = QStringLiteral("token");
    profile.leewaySeconds = -5;
    profile.timeoutSeconds = 0;
    const QStringList problems = profile.validate();
    QCOMPARE(problems.size(), 7);
    for (const QString &problem : problems) {
        QVERIFY2(problem.endsWith(u'.'), qPrintable(problem));
        QVERIFY2(problem.at(0).isUpper(), qPrintable(problem));
    }

    QVERIFY2(Profile::localSandbox().validate().isEmpty(), qPrintable(Profile::localSandbox().validate().join(u' ')));
}

void ProfileTest::effectiveDiscoveryUrl_data()
{
    QTest::addColumn<QString>("issuer");
    QTest::addColumn<QString>("discoveryUrl");
    QTest::addColumn<QString>("expected");

    QTest::newRow("host only") << QStringLiteral("https://login.example.com") << QString()
                               << QStringLiteral("https://login.example.com/.well-known/openid-configuration");
    QTest::newRow("trailing slash") << QStringLiteral("https://login.example.com/") << QString()
                                    << QStringLiteral("https://login.example.com/.well-known/openid-configuration");
    QTest::newRow("path") << QStringLiteral("https://login.example.com/realms/dev") << QString()
                          << QStringLiteral("https://login.example.com/realms/dev/.well-known/openid-configuration");
    QTest::newRow("path trailing slash")
        << QStringLiteral("https://login.example.com/realms/dev/") << QString()
        << QStringLiteral("https://login.example.com/realms/dev/.well-known/openid-configuration");
    QTest::newRow("explicit discovery URL") << QStringLiteral("https://login.example.com/")
                                            << QStringLiteral("https://meta.example.com/oidc.json")
                                            << QStringLiteral("https://meta.example.com/oidc.json");
    QTest::newRow("nothing set") << QString() << QString() << QString();
}

void ProfileTest::effectiveDiscoveryUrl()
{
    QFETCH(QString, issuer);
    QFETCH(QString, discoveryUrl);
    QFETCH(QString, expected);

    Profile profile;
    profile.issuer = issuer;
    profile.discoveryUrl = QUrl(discoveryUrl);
    QCOMPARE(profile.effectiveDiscoveryUrl().toString(), expected);
}

void ProfileTest::localSandbox()
{
    const Profile profile = Profile::localSandbox();
    QCOMPARE(profile.id, QStringLiteral("local-sandbox"));
    QCOMPARE(profile.name, QStringLiteral("Local sandbox"));
    QVERIFY(profile.sandbox);
    QCOMPARE(profile.clientId, QStringLiteral("explorer-sandbox"));
    QCOMPARE(profile.redirectUri, QStringLiteral("com.example.explorer:/callback"));
    QCOMPARE(profile.scopes, QStringList({QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("email"),
                                          QStringLiteral("offline_access")}));
    QCOMPARE(profile.defaultQuery, QStringLiteral("{\n  me { sub email }\n  todos { id title done }\n}\n"));
    QCOMPARE(profile.responseType, QStringLiteral("code"));
    QVERIFY(profile.issuer.isEmpty());
}

// --- ProfileStore ---

void ProfileTest::storeDefaultDirectory()
{
    ProfileStore store;
    QVERIFY2(store.directory().endsWith(QLatin1String("/profiles")), qPrintable(store.directory()));
    QVERIFY(store.directory().startsWith(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)));
}

void ProfileTest::storeSaveListLoadRemove()
{
    QTemporaryDir temp;
    QVERIFY(temp.isValid());
    const QString directory = temp.filePath(QStringLiteral("nested/profiles"));
    ProfileStore store(directory);
    QSignalSpy changed(&store, &ProfileStore::profilesChanged);

    QList<Profile> profiles = store.list();
    QCOMPARE(profiles.size(), 1);
    QCOMPARE(profiles.at(0).id, QStringLiteral("local-sandbox"));
    QVERIFY(store.problems().isEmpty());

    Profile zulu = fullProfile();
    zulu.id = QStringLiteral("zulu");
    zulu.name = QStringLiteral("zulu provider");
    Profile alpha = validProfile();
    alpha.id = QStringLiteral("alpha");
    alpha.name = QStringLiteral("Alpha provider");
    QString error;
    QVERIFY2(store.save(zulu, &error), qPrintable(error));
    QVERIFY2(store.save(alpha, &error), qPrintable(error));
    QCOMPARE(changed.size(), 2);
    QVERIFY(QFileInfo::exists(directory + QStringLiteral("/zulu.json")));
    // A new folder is private to the user.
    QCOMPARE(QFileInfo(directory).permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
             QFileDevice::Permissions());

    profiles = store.list();
    QCOMPARE(profiles.size(), 3);
    QCOMPARE(profiles.at(0).id, QStringLiteral("local-sandbox"));
    QCOMPARE(profiles.at(1).id, QStringLiteral("alpha"));
    QCOMPARE(profiles.at(2).id, QStringLiteral("zulu"));
    QVERIFY2(store.problems().isEmpty(), qPrintable(store.problems().join(u'\n')));
    compareProfiles(profiles.at(2), zulu);

    const std::optional<Profile> loaded = store.load(QStringLiteral("zulu"), &error);
    QVERIFY2(loaded.has_value(), qPrintable(error));
    compareProfiles(*loaded, zulu);

    // Saving again replaces the file.
    zulu.name = QStringLiteral("Zulu renamed");
    QVERIFY(store.save(zulu, &error));
    QCOMPARE(store.load(QStringLiteral("zulu"))->name, QStringLiteral("Zulu renamed"));
    QCOMPARE(QDir(directory).entryList(QDir::Files).size(), 2);

    QVERIFY2(store.remove(QStringLiteral("zulu"), &error), qPrintable(error));
    QVERIFY(!QFileInfo::exists(directory + QStringLiteral("/zulu.json")));
    QCOMPARE(store.list().size(), 2);
    QCOMPARE(changed.size(), 4);
}

void ProfileTest::storeFilePermissions()
{
    QTemporaryDir temp;
    QVERIFY(temp.isValid());
    ProfileStore store(temp.path());
    Profile profile = validProfile();
    QString error;
    QVERIFY2(store.save(profile, &error), qPrintable(error));

    const QFileInfo info(temp.filePath(QStringLiteral("valid.json")));
    QCOMPARE(info.permissions() & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
             QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QVERIFY(!(info.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup
                                     | QFileDevice::WriteOther)));

    // No temporary file is left behind.
    QCOMPARE(QDir(temp.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("valid.json")});
}

void ProfileTest::storeSaveRejectsBadIds_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("expectedError");

    QTest::newRow("empty") << QString() << QStringLiteral("Cannot save a profile with the id \"\"");
    QTest::newRow("path traversal") << QStringLiteral("../outside") << QStringLiteral("Cannot save a profile");
    QTest::newRow("sandbox") << QStringLiteral("local-sandbox") << QStringLiteral("built-in profile");
}

void ProfileTest::storeSaveRejectsBadIds()
{
    QFETCH(QString, id);
    QFETCH(QString, expectedError);

    QTemporaryDir temp;
    QVERIFY(temp.isValid());
    ProfileStore store(temp.filePath(QStringLiteral("profiles")));
    Profile profile = validProfile();
    profile.id = id;
    QString error;
    QVERIFY(!store.save(profile, &error));
    QVERIFY2(error.contains(expectedError), qPrintable(error));
    QVERIFY(!QFileInfo::exists(temp.filePath(QStringLiteral("outside.json"))));
    QCOMPARE(QDir(temp.path()).entryList(QDir::Files | QDir::Hidden).size(), 0);
}

void ProfileTest::storeSandboxIsBuiltIn()
{
    QTemporaryDir temp;
    QVERIFY(temp.isValid());
    ProfileStore store(temp.path());
    const std::optional<Profile> sandbox = store.load(QStringLiteral("local-sandbox"));
    QVERIFY(sandbox.has_value());
    compareProfiles(*sandbox, Profile::localSandbox());

    QString error;
    QVERIFY(!store.remove(QStringLiteral("local-sandbox"), &error));
    QVERIFY2(error.contains(QLatin1String("cannot be removed")), qPrintable(error));
    QCOMPARE(store.list().at(0).id, QStringLiteral("local-sandbox"));
}

void ProfileTest::storeLoadMissing()
{
    QTemporaryDir temp;
    QVERIFY(temp.isValid());
    ProfileStore store(temp.path());
    QString error;
    QVERIFY(!store.load(QStringLiteral("absent"), &error).has_value());
    QVERIFY2(error.contains(QLatin1String("absent.json\" does not exist")), qPrintable(error));
    QVERIFY(!store.load(QStringLiteral("../absent"), &error).has_value());
    QVERIFY2(error.contains(QLatin1String("Invalid profile id")), qPrintable(error));
}

void ProfileTest::storeRemoveMissing()
{
    QTemporaryDir temp;
    QVERIFY(temp.isValid());
    ProfileStore store(temp.path());
    QSignalSpy changed(&store, &ProfileStore::profilesChanged);
    QString error;
    QVERIFY(!store.remove(QStringLiteral("absent"), &error));
    QVERIFY2(error.contains(QLatin1String("not found")), qPrintable(error));
    QCOMPARE(changed.size(), 0);
}

void ProfileTest::storeCorruptFilesReported()
{
    QTemporaryDir temp;
    QVERIFY(temp.isValid());
    ProfileStore store(temp.path());
    QString error;
    QVERIFY(store.save(validProfile(), &error));

    const QByteArray corrupt("{\"format\": \"authflow-explorer-profile\", \"version\": 1, \"name\": ");
    QVERIFY(writeBytes(temp.filePath(QStringLiteral("corrupt.json")), corrupt));
    QVERIFY(writeBytes(temp.filePath(QStringLiteral("bad name.json")), QJsonDocument(validProfile().toJson()).toJson()));
    QVERIFY(writeBytes(temp.filePath(QStringLiteral("local-sandbox.json")),
                       QJsonDocument(validProfile().toJson()).toJson()));
    QVERIFY(QFile::copy(fixture(QStringLiteral("with-secrets.json")), temp.filePath(QStringLiteral("shared.json"))));
    QVERIFY(writeBytes(temp.filePath(QStringLiteral("notes.txt")), "not a profile"));
    const QMap<QString, QByteArray> before = snapshot(temp.path());

    const QList<Profile> profiles = store.list();
    QStringList ids;
    for (const Profile &profile : profiles)
        ids.append(profile.id);
    QCOMPARE(ids, QStringList({QStringLiteral("local-sandbox"), QStringLiteral("shared"), QStringLiteral("valid")}));

    const QStringList problems = store.problems();
    const QString all = problems.join(u'\n');
    QVERIFY2(all.contains(QLatin1String("corrupt.json\" is not valid JSON: unterminated object at offset 62 (line 1, "
                                        "column 63). The file was skipped.")),
             qPrintable(all));
    QVERIFY2(all.contains(QLatin1String("bad name.json\": the file name is not a valid profile id")), qPrintable(all));
    QVERIFY2(all.contains(QLatin1String("is the id of the built-in profile")), qPrintable(all));
    QVERIFY2(all.contains(QLatin1String("shared.json\": The file contained a client secret")), qPrintable(all));
    QVERIFY2(!all.contains(QLatin1String("notes.txt")), qPrintable(all));

    // Nothing is deleted or rewritten.
    QCOMPARE(snapshot(temp.path()), before);

    // The next list() starts a fresh report.
    QVERIFY(QFile::remove(temp.filePath(QStringLiteral("corrupt.json"))));
    store.list();
    QVERIFY(!store.problems().join(u'\n').contains(QLatin1String("corrupt.json")));
}

void ProfileTest::storeImportFailures_data()
{
    QTest::addColumn<QString>("source"); // fixture name, or a generated file
    QTest::addColumn<QString>("expectedError");

    QTest::newRow("truncated JSON") << QStringLiteral("truncated.json")
                                    << QStringLiteral("is not valid JSON: ");
    QTest::newRow("1 MiB file") << QStringLiteral("generated:1MiB")
                                << QStringLiteral("huge.json\" is 1.0 MiB, larger than the 256 KiB limit for profiles.");
    QTest::newRow("invalid UTF-8") << QStringLiteral("invalid-utf8.json")
                                   << QStringLiteral("is not valid UTF-8: invalid byte 0xFF at offset 110 (line 5, "
                                                     "column 22).");
    QTest::newRow("JSON array") << QStringLiteral("array.json")
                                << QStringLiteral("contains a JSON array, but a profile is a JSON object.");
    QTest::newRow("empty file") << QStringLiteral("generated:empty") << QStringLiteral("is empty.");
    QTest::newRow("missing file") << QStringLiteral("generated:missing") << QStringLiteral("does not exist.");
    QTest::newRow("newer version") << QStringLiteral("newer-version.json")
                                   << QStringLiteral("format version 7, but this version of Auth Flow Explorer");
    QTest::newRow("wrong member type") << QStringLiteral("generated:wrong-type")
                                       << QStringLiteral("Member \"scopes\" must be an array of strings, found a number.");
}

void ProfileTest::storeImportFailures()
{
    QFETCH(QString, source);
    QFETCH(QString, expectedError);

    QTemporaryDir sourceDir;
    QTemporaryDir storeDir;
    QVERIFY(sourceDir.isValid());
    QVERIFY(storeDir.isValid());

    QString path;
    if (source == QLatin1String("generated:1MiB")) {
        // Valid JSON, but far over the limit: the size check must reject it before parsing.
        path = sourceDir.filePath(QStringLiteral("huge.json"));
        QJsonObject json = validProfile().toJson();
        json.insert(QStringLiteral("defaultQuery"), QString(1024 * 1024, u'x'));
        QVERIFY(writeBytes(path, QJsonDocument(json).toJson()));
    } else if (source == QLatin1String("generated:empty")) {
        path = sourceDir.filePath(QStringLiteral("empty.json"));
        QVERIFY(writeBytes(path, QByteArray()));
    } else if (source == QLatin1String("generated:missing")) {
        path = sourceDir.filePath(QStringLiteral("missing.json"));
    } else if (source == QLatin1String("generated:wrong-type")) {
        path = sourceDir.filePath(QStringLiteral("wrong-type.json"));
        QJsonObject json = validProfile().toJson();
        json.insert(QStringLiteral("scopes"), 3);
        QVERIFY(writeBytes(path, QJsonDocument(json).toJson()));
    } else {
        path = fixture(source);
    }

    ProfileStore store(storeDir.path());
    Profile existing = fullProfile();
    existing.id = QStringLiteral("example-full"); // the id full.json and others would take
    QString error;
    QVERIFY(store.save(existing, &error));
    Profile other = validProfile();
    QVERIFY(store.save(other, &error));
    const QMap<QString, QByteArray> before = snapshot(storeDir.path());
    QSignalSpy changed(&store, &ProfileStore::profilesChanged);

    Profile imported;
    imported.name = QStringLiteral("untouched");
    QStringList warnings;
    QVERIFY(!store.importFile(path, &imported, &warnings, &error));
    QVERIFY2(error.contains(expectedError), qPrintable(error));
    // The message names the file.
    QVERIFY2(error.contains(QFileInfo(path).fileName()), qPrintable(error));
    QCOMPARE(imported.name, QStringLiteral("untouched"));

    QCOMPARE(snapshot(storeDir.path()), before);
    QCOMPARE(changed.size(), 0);
    QCOMPARE(store.list().size(), 3);
}

void ProfileTest::storeImportCollidingId()
{
    QTemporaryDir temp;
    QVERIFY(temp.isValid());
    ProfileStore store(temp.path());
    Profile existing = validProfile();
    existing.id = QStringLiteral("example-full");
    existing.name = QStringLiteral("Mine");
    QString error;
    QVERIFY(store.save(existing, &error));
    const QByteArray existingBytes = readBytes(temp.filePath(QStringLiteral("example-full.json")));

    Profile imported;
    QStringList warnings;
    QVERIFY2(store.importFile(fixture(QStringLiteral("full.json")), &imported, &warnings, &error), qPrintable(error));
    QVERIFY(imported.id != QStringLiteral("example-full"));
    QVERIFY(Profile::isValidId(imported.id));
    QCOMPARE(imported.name, QStringLiteral("Example provider"));
    QCOMPARE(readBytes(temp.filePath(QStringLiteral("example-full.json"))), existingBytes);
    QVERIFY(QFileInfo::exists(temp.filePath(imported.id + QStringLiteral(".json"))));

    const std::optional<Profile> reloaded = store.load(imported.id);
    QVERIFY(reloaded.has_value());
    compareProfiles(*reloaded, imported);

    // Importing the same file again yields a third profile, not an overwrite.
    Profile second;
    QVERIFY(store.importFile(fixture(QStringLiteral("full.json")), &second, &warnings, &error));
    QVERIFY(second.id != imported.id);
    QCOMPARE(store.list().size(), 4);
}

void ProfileTest::storeImportWithSecrets()
{
    QTemporaryDir temp;
    QVERIFY(temp.isValid());
    ProfileStore store(temp.path());
    Profile imported;
    QStringList warnings;
    QString error;
    QVERIFY2(store.importFile(fixture(QStringLiteral("with-secrets.json")), &imported, &warnings, &error),
             qPrintable(error));
    QCOMPARE(imported.id, QStringLiteral("shared-with-secrets"));
    QCOMPARE(warnings.size(), 7);
    QVERIFY2(warnings.join(u'\n').contains(QLatin1String("client secret (member \"clientSecret\"); it was ignored. "
                                                       "Enter it in the profile form to keep it in the keychain.")),
             qPrintable(warnings.join(u'\n')));

    const QByteArray saved = readBytes(temp.filePath(QStringLiteral("shared-with-secrets.json")));
    QVERIFY(!saved.isEmpty());
    QVERIFY2(!saved.contains("colleague-"), saved.constData());
}

void ProfileTest::storeImportWithoutIdOrName()
{
    QTemporaryDir temp;
    QVERIFY(temp.isValid());
    const QString path = temp.filePath(QStringLiteral("Team staging.json"));
    QVERIFY(QFile::copy(fixture(QStringLiteral("minimal.json")), path));

    ProfileStore store(temp.filePath(QStringLiteral("profiles")));
    Profile imported;
    QString error;
    QVERIFY2(store.importFile(path, &imported, nullptr, &error), qPrintable(error));
    QVERIFY(Profile::isValidId(imported.id));
    QCOMPARE(imported.name, QStringLiteral("Team staging"));
    QCOMPARE(store.list().size(), 2);
}

void ProfileTest::storeExportImport()
{
    QTemporaryDir temp;
    QVERIFY(temp.isValid());
    ProfileStore store(temp.filePath(QStringLiteral("profiles")));
    const QString exportPath = temp.filePath(QStringLiteral("shared.json"));
    QString error;
    QVERIFY2(store.exportFile(fullProfile(), exportPath, &error), qPrintable(error));

    Profile imported;
    QStringList warnings;
    QVERIFY2(store.importFile(exportPath, &imported, &warnings, &error), qPrintable(error));
    QVERIFY(warnings.isEmpty());
    Profile expected = fullProfile();
    QCOMPARE(imported.id, expected.id);
    compareProfiles(imported, expected);

    QVERIFY(!store.exportFile(fullProfile(), temp.filePath(QStringLiteral("no/such/folder/x.json")), &error));
    QVERIFY2(error.contains(QLatin1String("Cannot export profile")), qPrintable(error));
}

QTEST_GUILESS_MAIN(ProfileTest)
#include "tst_profile.moc"
