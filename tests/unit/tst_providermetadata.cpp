// Parsing and checking OpenID Provider discovery documents.

#include "oidc/providermetadata.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace afx::oidc;

namespace {

const QUrl source(QStringLiteral("https://idp.example.com/.well-known/openid-configuration"));
const QString issuer = QStringLiteral("https://idp.example.com");

QByteArray readData(const QString &name)
{
    QFile file(QStringLiteral(AFX_TEST_DATA_DIR "/oidc/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open test data file %s", qPrintable(file.fileName()));
    return file.readAll();
}

QJsonObject goodDocument()
{
    return QJsonDocument::fromJson(readData(QStringLiteral("discovery-good.json"))).object();
}

QByteArray toJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

class TestProviderMetadata : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void goodDocument();
    void minimalDocument();
    void htmlBodyRejected_data();
    void htmlBodyRejected();
    void invalidJsonRejected_data();
    void invalidJsonRejected();
    void jsonErrorOffsetCountsByteOrderMark();
    void byteOrderMarkSkipped();
    void emptyBodyRejected_data();
    void emptyBodyRejected();
    void nonObjectRejected_data();
    void nonObjectRejected();
    void oversizeRejected();
    void sizeLimitInclusive();
    void defaultSizeLimit();
    void issuerMismatchRejected();
    void issuerTrailingSlashNamed_data();
    void issuerTrailingSlashNamed();
    void emptyExpectedIssuerAccepted();
    void missingMemberRejected_data();
    void missingMemberRejected();
    void invalidEndpointRejected_data();
    void invalidEndpointRejected();
    void wrongMemberTypeRejected_data();
    void wrongMemberTypeRejected();
    void outputUnchangedOnFailure();
};

void TestProviderMetadata::goodDocument()
{
    ProviderMetadata metadata;
    QString error;
    QVERIFY2(ProviderMetadata::parse(readData(QStringLiteral("discovery-good.json")), source, issuer, &metadata, &error),
             qPrintable(error));
    QCOMPARE(metadata.issuer, issuer);
    QCOMPARE(metadata.authorizationEndpoint, QUrl(QStringLiteral("https://idp.example.com/authorize")));
    QCOMPARE(metadata.tokenEndpoint, QUrl(QStringLiteral("https://idp.example.com/oauth/token")));
    QCOMPARE(metadata.jwksUri, QUrl(QStringLiteral("https://idp.example.com/.well-known/jwks.json")));
    QCOMPARE(metadata.userinfoEndpoint, QUrl(QStringLiteral("https://idp.example.com/userinfo")));
    QCOMPARE(metadata.endSessionEndpoint, QUrl(QStringLiteral("https://idp.example.com/logout")));
    QCOMPARE(metadata.responseTypesSupported,
             QStringList({QStringLiteral("code"), QStringLiteral("id_token"), QStringLiteral("code id_token"),
                          QStringLiteral("id_token token")}));
    QCOMPARE(metadata.idTokenSigningAlgValuesSupported, QStringList({QStringLiteral("RS256"), QStringLiteral("ES256")}));
    QCOMPARE(metadata.codeChallengeMethodsSupported, QStringList{QStringLiteral("S256")});
    QCOMPARE(metadata.tokenEndpointAuthMethodsSupported,
             QStringList({QStringLiteral("client_secret_basic"), QStringLiteral("client_secret_post"), QStringLiteral("none")}));
    QCOMPARE(metadata.scopesSupported.size(), 4);
    QCOMPARE(metadata.grantTypesSupported, QStringList({QStringLiteral("authorization_code"), QStringLiteral("refresh_token")}));
    QVERIFY(metadata.authorizationResponseIssParameterSupported);
    QVERIFY(metadata.json.contains(QLatin1String("claims_supported")));
}

void TestProviderMetadata::minimalDocument()
{
    ProviderMetadata metadata;
    QString error;
    QVERIFY2(ProviderMetadata::parse(readData(QStringLiteral("discovery-minimal.json")),
                                     QUrl(QStringLiteral("http://127.0.0.1:53485/.well-known/openid-configuration")),
                                     QStringLiteral("http://127.0.0.1:53485"), &metadata, &error),
             qPrintable(error));
    QCOMPARE(metadata.tokenEndpoint, QUrl(QStringLiteral("http://127.0.0.1:53485/token")));
    QVERIFY(metadata.userinfoEndpoint.isEmpty());
    QVERIFY(metadata.endSessionEndpoint.isEmpty());
    QVERIFY(metadata.idTokenSigningAlgValuesSupported.isEmpty());
    QVERIFY(metadata.codeChallengeMethodsSupported.isEmpty());
    QVERIFY(!metadata.authorizationResponseIssParameterSupported);
}

void TestProviderMetadata::htmlBodyRejected_data()
{
    QTest::addColumn<QByteArray>("body");

    const QByteArray page = readData(QStringLiteral("discovery-login-page.html"));
    QTest::newRow("login page") << page;
    QTest::newRow("login page after blank lines") << QByteArray("\r\n\n  ") + page;
    QTest::newRow("login page after byte order mark") << QByteArray("\xEF\xBB\xBF") + page;
    QTest::newRow("bare error page") << QByteArray("<html><body>404 Not Found</body></html>");
}

void TestProviderMetadata::htmlBodyRejected()
{
    QFETCH(QByteArray, body);
    QString error;
    QVERIFY(!ProviderMetadata::parse(body, source, issuer, nullptr, &error));
    QVERIFY2(error.contains(QLatin1String("answered HTML, not JSON")), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("check the discovery URL")), qPrintable(error));
    QVERIFY2(error.contains(source.toString()), qPrintable(error));
}

void TestProviderMetadata::invalidJsonRejected_data()
{
    QTest::addColumn<QByteArray>("body");

    const QByteArray good = readData(QStringLiteral("discovery-good.json"));
    QTest::newRow("truncated document") << good.left(200);
    QTest::newRow("trailing comma") << QByteArray("{\"issuer\":\"https://idp.example.com\",}");
    QTest::newRow("single quotes") << QByteArray("{'issuer':'https://idp.example.com'}");
    QTest::newRow("garbage after object") << QByteArray("{\"issuer\":\"x\"} trailing");
    QTest::newRow("two scalars") << QByteArray("1,2");
    QTest::newRow("invalid UTF-8 in string") << QByteArray("{\"issuer\":\"https://idp.example.com/\xFF\"}");
    QTest::newRow("Latin-1 text") << QByteArray("{\"issuer\":\"https://idp.example.com/caf\xE9\"}");
}

void TestProviderMetadata::invalidJsonRejected()
{
    QFETCH(QByteArray, body);
    QString error;
    QVERIFY(!ProviderMetadata::parse(body, source, issuer, nullptr, &error));
    QVERIFY2(error.contains(QLatin1String("not valid JSON")), qPrintable(error));
    QVERIFY2(error.contains(source.toString()), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String(" at offset ")), qPrintable(error));
}

void TestProviderMetadata::jsonErrorOffsetCountsByteOrderMark()
{
    const QByteArray broken("{\"issuer\": }");
    QString plainError;
    QString markedError;
    QVERIFY(!ProviderMetadata::parse(broken, source, issuer, nullptr, &plainError));
    QVERIFY(!ProviderMetadata::parse("\xEF\xBB\xBF" + broken, source, issuer, nullptr, &markedError));

    static const QRegularExpression offsetPattern(QStringLiteral("at offset (\\d+)\\.$"));
    const QRegularExpressionMatch plain = offsetPattern.match(plainError);
    const QRegularExpressionMatch marked = offsetPattern.match(markedError);
    QVERIFY2(plain.hasMatch(), qPrintable(plainError));
    QVERIFY2(marked.hasMatch(), qPrintable(markedError));
    QCOMPARE(marked.captured(1).toInt(), plain.captured(1).toInt() + 3);
}

void TestProviderMetadata::byteOrderMarkSkipped()
{
    ProviderMetadata metadata;
    QString error;
    QVERIFY2(ProviderMetadata::parse("\xEF\xBB\xBF" + readData(QStringLiteral("discovery-good.json")), source, issuer,
                                     &metadata, &error),
             qPrintable(error));
    QCOMPARE(metadata.issuer, issuer);
}

void TestProviderMetadata::emptyBodyRejected_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("no bytes") << QByteArray();
    QTest::newRow("whitespace only") << QByteArray(" \r\n\t ");
}

void TestProviderMetadata::emptyBodyRejected()
{
    QFETCH(QByteArray, body);
    QString error;
    QVERIFY(!ProviderMetadata::parse(body, source, issuer, nullptr, &error));
    QVERIFY2(error.contains(QLatin1String("is empty")), qPrintable(error));
    QVERIFY2(error.contains(source.toString()), qPrintable(error));
}

void TestProviderMetadata::nonObjectRejected_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("kind");

    QTest::newRow("array") << QByteArray("[{\"issuer\":\"https://idp.example.com\"}]") << QStringLiteral("is an array");
    QTest::newRow("string") << QByteArray("\"https://idp.example.com\"") << QStringLiteral("is a string");
    QTest::newRow("number") << QByteArray("42") << QStringLiteral("is a number");
    QTest::newRow("null") << QByteArray(" null ") << QStringLiteral("is null");
    QTest::newRow("boolean") << QByteArray("true") << QStringLiteral("is a boolean");
}

void TestProviderMetadata::nonObjectRejected()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, kind);
    QString error;
    QVERIFY(!ProviderMetadata::parse(body, source, issuer, nullptr, &error));
    QVERIFY2(error.contains(QLatin1String("must be a JSON object")), qPrintable(error));
    QVERIFY2(error.contains(kind), qPrintable(error));
    QVERIFY2(error.contains(source.toString()), qPrintable(error));
}

void TestProviderMetadata::oversizeRejected()
{
    QJsonObject document = ::goodDocument();
    document.insert(QStringLiteral("padding"), QString(300 * 1024, QLatin1Char('x')));
    const QByteArray body = toJson(document);
    QString error;
    QVERIFY(!ProviderMetadata::parse(body, source, issuer, nullptr, &error));
    QVERIFY2(error.contains(QLatin1String("262144 bytes")), qPrintable(error));
    QVERIFY2(error.contains(QString::number(body.size())), qPrintable(error));
    QVERIFY2(error.contains(source.toString()), qPrintable(error));
}

void TestProviderMetadata::sizeLimitInclusive()
{
    const QByteArray body = toJson(::goodDocument());
    ProviderMetadata metadata;
    QString error;
    QVERIFY2(ProviderMetadata::parse(body, source, issuer, &metadata, &error, body.size()), qPrintable(error));
    QVERIFY(!ProviderMetadata::parse(body, source, issuer, &metadata, &error, body.size() - 1));
    QVERIFY2(error.contains(QStringLiteral("the limit is %1 bytes").arg(body.size() - 1)), qPrintable(error));
}

void TestProviderMetadata::defaultSizeLimit()
{
    QCOMPARE(ProviderMetadata::maxDocumentBytes, qsizetype(256 * 1024));

    // Trailing whitespace is valid JSON, so the padding changes only the size.
    QByteArray body = toJson(::goodDocument());
    body.append(QByteArray(ProviderMetadata::maxDocumentBytes - body.size(), '\n'));
    QCOMPARE(body.size(), ProviderMetadata::maxDocumentBytes);

    ProviderMetadata metadata;
    QString error;
    QVERIFY2(ProviderMetadata::parse(body, source, issuer, &metadata, &error), qPrintable(error));
    QCOMPARE(metadata.issuer, issuer);

    body.append('\n');
    QVERIFY(!ProviderMetadata::parse(body, source, issuer, &metadata, &error));
    QCOMPARE(error, QStringLiteral("The discovery document at %1 is 262145 bytes (256.0 KiB); the limit is 262144 "
                                   "bytes (256 KiB). A discovery document takes a few KiB, so check the discovery URL.")
                        .arg(source.toString()));
}

void TestProviderMetadata::issuerMismatchRejected()
{
    QString error;
    QVERIFY(!ProviderMetadata::parse(readData(QStringLiteral("discovery-good.json")), source,
                                     QStringLiteral("https://login.example.org"), nullptr, &error));
    QVERIFY2(error.contains(QLatin1String("\"https://idp.example.com\"")), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("\"https://login.example.org\"")), qPrintable(error));
    QVERIFY2(error.contains(source.toString()), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1String("trailing")), qPrintable(error));
}

void TestProviderMetadata::issuerTrailingSlashNamed_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expectedIssuer");
    QTest::addColumn<QString>("sideWithSlash");

    QTest::newRow("document has the slash") << QStringLiteral("discovery-issuer-trailing-slash.json")
                                            << QStringLiteral("https://example-tenant.us.auth0.com")
                                            << QStringLiteral("the discovery document has the extra slash");
    QTest::newRow("profile has the slash") << QStringLiteral("discovery-minimal.json") << QStringLiteral("http://127.0.0.1:53485/")
                                           << QStringLiteral("the profile has the extra slash");
}

void TestProviderMetadata::issuerTrailingSlashNamed()
{
    QFETCH(QString, file);
    QFETCH(QString, expectedIssuer);
    QFETCH(QString, sideWithSlash);
    QString error;
    QVERIFY(!ProviderMetadata::parse(readData(file), source, expectedIssuer, nullptr, &error));
    QVERIFY2(error.contains(QLatin1String("differs only by a trailing '/'")), qPrintable(error));
    QVERIFY2(error.contains(sideWithSlash), qPrintable(error));
    QVERIFY2(error.contains(QLatin1Char('"') + expectedIssuer + QLatin1Char('"')), qPrintable(error));
    QVERIFY2(error.contains(source.toString()), qPrintable(error));
}

void TestProviderMetadata::emptyExpectedIssuerAccepted()
{
    ProviderMetadata metadata;
    QString error;
    QVERIFY2(ProviderMetadata::parse(readData(QStringLiteral("discovery-issuer-trailing-slash.json")), source, QString(),
                                     &metadata, &error),
             qPrintable(error));
    QCOMPARE(metadata.issuer, QStringLiteral("https://example-tenant.us.auth0.com/"));
}

void TestProviderMetadata::missingMemberRejected_data()
{
    QTest::addColumn<QString>("member");
    QTest::newRow("issuer") << QStringLiteral("issuer");
    QTest::newRow("authorization_endpoint") << QStringLiteral("authorization_endpoint");
    QTest::newRow("token_endpoint") << QStringLiteral("token_endpoint");
    QTest::newRow("jwks_uri") << QStringLiteral("jwks_uri");
}

void TestProviderMetadata::missingMemberRejected()
{
    QFETCH(QString, member);
    QJsonObject document = ::goodDocument();
    document.remove(member);
    QString error;
    QVERIFY(!ProviderMetadata::parse(toJson(document), source, issuer, nullptr, &error));
    QVERIFY2(error.contains(QStringLiteral("has no \"%1\" member").arg(member)), qPrintable(error));
    QVERIFY2(error.contains(source.toString()), qPrintable(error));
}

void TestProviderMetadata::invalidEndpointRejected_data()
{
    QTest::addColumn<QString>("member");
    QTest::addColumn<QString>("value");

    QTest::newRow("relative token endpoint") << QStringLiteral("token_endpoint") << QStringLiteral("/oauth/token");
    QTest::newRow("token endpoint without scheme") << QStringLiteral("token_endpoint") << QStringLiteral("idp.example.com/oauth/token");
    QTest::newRow("javascript authorization endpoint") << QStringLiteral("authorization_endpoint") << QStringLiteral("javascript:alert(1)");
    QTest::newRow("ftp JWKS URI") << QStringLiteral("jwks_uri") << QStringLiteral("ftp://idp.example.com/jwks.json");
    QTest::newRow("empty authorization endpoint") << QStringLiteral("authorization_endpoint") << QString();
    QTest::newRow("relative userinfo endpoint") << QStringLiteral("userinfo_endpoint") << QStringLiteral("userinfo");
    QTest::newRow("invalid end session endpoint") << QStringLiteral("end_session_endpoint") << QStringLiteral("https://idp example.com/logout");
}

void TestProviderMetadata::invalidEndpointRejected()
{
    QFETCH(QString, member);
    QFETCH(QString, value);
    QJsonObject document = ::goodDocument();
    document.insert(member, value);
    QString error;
    QVERIFY(!ProviderMetadata::parse(toJson(document), source, issuer, nullptr, &error));
    QVERIFY2(error.contains(QLatin1Char('"') + member + QLatin1Char('"')), qPrintable(error));
    QVERIFY2(error.contains(source.toString()), qPrintable(error));
}

void TestProviderMetadata::wrongMemberTypeRejected_data()
{
    QTest::addColumn<QString>("member");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("typeName");

    QTest::newRow("issuer as number") << QStringLiteral("issuer") << QJsonValue(42) << QStringLiteral("a number");
    QTest::newRow("token endpoint as array") << QStringLiteral("token_endpoint")
                                             << QJsonValue(QJsonArray{QStringLiteral("https://idp.example.com/token")})
                                             << QStringLiteral("an array");
    QTest::newRow("userinfo endpoint as object") << QStringLiteral("userinfo_endpoint") << QJsonValue(QJsonObject{})
                                                 << QStringLiteral("an object");
    QTest::newRow("response types as string") << QStringLiteral("response_types_supported") << QJsonValue(QStringLiteral("code"))
                                              << QStringLiteral("a string");
    QTest::newRow("algorithm list with a number") << QStringLiteral("id_token_signing_alg_values_supported")
                                                  << QJsonValue(QJsonArray{QStringLiteral("RS256"), 256}) << QStringLiteral("a number");
    QTest::newRow("scopes as null") << QStringLiteral("scopes_supported") << QJsonValue(QJsonValue::Null) << QStringLiteral("null");
    QTest::newRow("iss parameter support as string") << QStringLiteral("authorization_response_iss_parameter_supported")
                                                     << QJsonValue(QStringLiteral("true")) << QStringLiteral("a string");
}

void TestProviderMetadata::wrongMemberTypeRejected()
{
    QFETCH(QString, member);
    QFETCH(QJsonValue, value);
    QFETCH(QString, typeName);
    QJsonObject document = ::goodDocument();
    document.insert(member, value);
    QString error;
    QVERIFY(!ProviderMetadata::parse(toJson(document), source, issuer, nullptr, &error));
    QVERIFY2(error.contains(QLatin1Char('"') + member + QLatin1Char('"')), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral(" is %1, but").arg(typeName)), qPrintable(error));
    QVERIFY2(error.contains(source.toString()), qPrintable(error));
}

void TestProviderMetadata::outputUnchangedOnFailure()
{
    ProviderMetadata metadata;
    metadata.issuer = QStringLiteral("previous");
    QString error;
    QJsonObject document = ::goodDocument();
    document.remove(QStringLiteral("jwks_uri"));
    QVERIFY(!ProviderMetadata::parse(toJson(document), source, issuer, &metadata, &error));
    QCOMPARE(metadata.issuer, QStringLiteral("previous"));
    QVERIFY(metadata.tokenEndpoint.isEmpty());
}

QTEST_GUILESS_MAIN(TestProviderMetadata)
#include "tst_providermetadata.moc"
