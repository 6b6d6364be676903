#include "gui/clipboardguard.h"
#include "gui/messagebanner.h"
#include "gui/tokeninspector.h"
#include "gui/tokenpanel.h"
#include "jose/base64url.h"
#include "jose/jws.h"
#include "jose/key.h"

#include <QAbstractButton>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextEdit>
#include <QTreeWidget>
#include <QtTest>

using afx::gui::TokenInspector;
using afx::jose::TokenFormat;

namespace {

QByteArray b64(const QByteArray &bytes)
{
    return afx::jose::base64UrlEncode(bytes);
}

// Every text a user could read in the widget tree, visible or not.
QStringList allTexts(const QWidget *root)
{
    QStringList texts;
    const QList<QWidget *> widgets = root->findChildren<QWidget *>();
    for (const QWidget *widget : widgets) {
        texts << widget->toolTip();
        if (const auto *label = qobject_cast<const QLabel *>(widget))
            texts << label->text();
        else if (const auto *plain = qobject_cast<const QPlainTextEdit *>(widget))
            texts << plain->toPlainText();
        else if (const auto *rich = qobject_cast<const QTextEdit *>(widget))
            texts << rich->toPlainText();
        else if (const auto *line = qobject_cast<const QLineEdit *>(widget))
            texts << line->text();
        else if (const auto *button = qobject_cast<const QAbstractButton *>(widget))
            texts << button->text();
    }
    return texts;
}

bool anyTextContains(const QWidget *root, const QString &needle)
{
    const QStringList texts = allTexts(root);
    return std::any_of(texts.cbegin(), texts.cend(), [&](const QString &text) { return text.contains(needle); });
}

QString labelText(const QWidget *root, const QString &objectName)
{
    if (const auto *label = root->findChild<QLabel *>(objectName))
        return label->text();
    if (const auto *edit = root->findChild<QTextEdit *>(objectName))
        return edit->toPlainText();
    return QStringLiteral("<no widget named %1>").arg(objectName);
}

QTreeWidgetItem *topItem(const QTreeWidget *tree, const QString &name)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        if (tree->topLevelItem(i)->text(0) == name)
            return tree->topLevelItem(i);
    }
    return nullptr;
}

QTreeWidgetItem *childItem(const QTreeWidgetItem *parent, const QString &name)
{
    for (int i = 0; i < parent->childCount(); ++i) {
        if (parent->child(i)->text(0) == name)
            return parent->child(i);
    }
    return nullptr;
}

QString checkResult(const QTreeWidget *checks, const QString &id)
{
    for (int i = 0; i < checks->topLevelItemCount(); ++i) {
        if (checks->topLevelItem(i)->data(0, Qt::UserRole).toString() == id)
            return checks->topLevelItem(i)->text(1);
    }
    return QStringLiteral("<no check %1>").arg(id);
}

QJsonObject claimsResource()
{
    QFile file(QStringLiteral(AFX_SOURCE_DIR "/resources/claims.json"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("resources/claims.json not readable");
    return QJsonDocument::fromJson(file.readAll()).object();
}

// A JWE in compact form; its parts only need to be valid base64url.
QString sampleJwe()
{
    return QString::fromLatin1(b64(R"({"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"enc-1","cty":"JWT"})")
                               + ".OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe"
                                 ".48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6ji"
                                 ".XFBoMYUZodetZdvTiFvSkQ");
}

void dropText(QWidget *target, const QString &text)
{
    QMimeData mime;
    mime.setText(text);
    const QPointF position(target->width() / 2.0, target->height() / 2.0);
    QDragEnterEvent enter(position.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(position, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &drop);
    QVERIFY(drop.isAccepted());
}

} // namespace

class TestTokenInspector : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void emptyStateBeforeInput();
    void everyRegisteredClaimExplained();
    void unknownClaimFlagged();
    void nestedClaimMembersExplained();
    void jweRecognised();
    void opaqueRecognised();
    void badInputKeepsPrevious_data();
    void badInputKeepsPrevious();
    void inputCleanedBeforeDecoding();
    void droppedTextInspected();
    void pastedTextInspected();
    void looksLikeTokenShapes_data();
    void looksLikeTokenShapes();
    void countdownUpdatesWhileVisible();
    void timeClaimsLocalAndRelative();
    void maskedUntilReveal();
    void partsColouredDotsNeutral();
    void copySetsHintAndClears();
    void clearDelaySettingShared();
    void verifyWithoutKeysExplains();
    void verifySignedTokenPasses();
    void verifyTamperedTokenFails();
    void repeatedClaimWarnedAndRejected();
    void screenshot();

private:
    QString signedToken(const QJsonObject &claims, const QJsonObject &header = {}) const;
    QString basicToken() const;
    QList<afx::jose::Jwk> jwks() const;

    QTemporaryDir m_settingsDir;
    afx::jose::Key m_key;
};

void TestTokenInspector::initTestCase()
{
    // The clipboard delay is a QSettings value: keep the user's settings out of the test.
    QVERIFY(m_settingsDir.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("afx-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_tokeninspector"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    m_key = afx::jose::Key::generateRsa(2048);
    QVERIFY(!m_key.isNull());
}

void TestTokenInspector::init()
{
    QSettings().clear();
}

QString TestTokenInspector::signedToken(const QJsonObject &claims, const QJsonObject &header) const
{
    QJsonObject fullHeader = header;
    if (!fullHeader.contains(QStringLiteral("kid")))
        fullHeader.insert(QStringLiteral("kid"), QStringLiteral("inspector-key-1"));
    QString error;
    const auto token = afx::jose::signCompact(QStringLiteral("RS256"), m_key, fullHeader, claims, &error);
    if (!token)
        qFatal("signCompact failed: %s", qPrintable(error));
    return QString::fromLatin1(*token);
}

QString TestTokenInspector::basicToken() const
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    return signedToken({{QStringLiteral("iss"), QStringLiteral("http://127.0.0.1:8765")},
                        {QStringLiteral("sub"), QStringLiteral("alice")},
                        {QStringLiteral("aud"), QStringLiteral("explorer-client")},
                        {QStringLiteral("exp"), now + 600},
                        {QStringLiteral("iat"), now - 30}},
                       {{QStringLiteral("typ"), QStringLiteral("JWT")}});
}

QList<afx::jose::Jwk> TestTokenInspector::jwks() const
{
    const QJsonObject set{{QStringLiteral("keys"), QJsonArray{m_key.toPublicJwk(QStringLiteral("inspector-key-1"), QStringLiteral("RS256"))}}};
    afx::jose::Jwks parsed;
    QString error;
    if (!afx::jose::Jwks::parse(QJsonDocument(set).toJson(), &parsed, &error))
        qFatal("JWKS parse failed: %s", qPrintable(error));
    return parsed.keys;
}

void TestTokenInspector::emptyStateBeforeInput()
{
    TokenInspector inspector;
    QCOMPARE(inspector.objectName(), QStringLiteral("tokenInspector"));
    QVERIFY(inspector.token().isEmpty());
    QVERIFY(inspector.acceptDrops());
    const auto *stack = inspector.findChild<QStackedWidget *>();
    QCOMPARE(stack->currentWidget()->objectName(), QStringLiteral("tokenInspectorEmpty"));
    QVERIFY(labelText(&inspector, QStringLiteral("tokenInspectorEmpty")).contains(QStringLiteral("sent nowhere")));
}

void TestTokenInspector::everyRegisteredClaimExplained()
{
    const QJsonObject resource = claimsResource();
    const QJsonObject texts = resource.value(QStringLiteral("claims")).toObject();
    const QJsonObject headerTexts = resource.value(QStringLiteral("jwsHeader")).toObject();
    QVERIFY(texts.size() > 60);

    // One token with every top-level claim of the resource, and every header parameter.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QJsonObject claims;
    for (auto it = texts.begin(); it != texts.end(); ++it) {
        if (!it.key().contains(QLatin1Char('.')))
            claims.insert(it.key(), QStringLiteral("value-of-%1").arg(it.key()));
    }
    for (const char *name : {"exp", "nbf", "iat", "auth_time", "updated_at"})
        claims.insert(QLatin1String(name), now + 300);
    QJsonObject header;
    for (auto it = headerTexts.begin(); it != headerTexts.end(); ++it)
        header.insert(it.key(), QStringLiteral("value-of-%1").arg(it.key()));
    header.remove(QStringLiteral("alg"));

    TokenInspector inspector;
    inspector.setToken(signedToken(claims, header));
    QVERIFY2(inspector.errorText().isEmpty(), qPrintable(inspector.errorText()));
    QCOMPARE(inspector.tokenFormat(), TokenFormat::Jws);

    const auto *payloadTree = inspector.findChild<QTreeWidget *>(QStringLiteral("payloadTree"));
    QCOMPARE(payloadTree->topLevelItemCount(), int(claims.size()));
    for (auto it = claims.begin(); it != claims.end(); ++it) {
        const QTreeWidgetItem *item = topItem(payloadTree, it.key());
        QVERIFY2(item, qPrintable(it.key()));
        const QJsonObject expected = texts.value(it.key()).toObject();
        QCOMPARE(item->text(2), expected.value(QStringLiteral("text")).toString());
        QCOMPARE(item->text(3), expected.value(QStringLiteral("spec")).toString());
        QVERIFY2(!item->text(2).isEmpty(), qPrintable(it.key()));
        QVERIFY2(!item->text(3).isEmpty(), qPrintable(it.key()));
        QVERIFY(item->toolTip(0).contains(item->text(3).toHtmlEscaped()));
    }

    const auto *headerTree = inspector.findChild<QTreeWidget *>(QStringLiteral("headerTree"));
    QCOMPARE(headerTree->topLevelItemCount(), int(headerTexts.size()));
    for (auto it = headerTexts.begin(); it != headerTexts.end(); ++it) {
        const QTreeWidgetItem *item = topItem(headerTree, it.key());
        QVERIFY2(item, qPrintable(it.key()));
        QCOMPARE(item->text(2), it.value().toObject().value(QStringLiteral("text")).toString());
        QCOMPARE(item->text(3), it.value().toObject().value(QStringLiteral("spec")).toString());
    }

    // The references the brief's readers look for, spelled out.
    QCOMPARE(topItem(payloadTree, QStringLiteral("exp"))->text(3), QStringLiteral("RFC 7519 (JWT), section 4.1.4"));
    QCOMPARE(topItem(payloadTree, QStringLiteral("jti"))->text(3), QStringLiteral("RFC 7519 (JWT), section 4.1.7"));
    QCOMPARE(topItem(payloadTree, QStringLiteral("nonce"))->text(3), QStringLiteral("OpenID Connect Core 1.0, section 2"));
    QCOMPARE(topItem(payloadTree, QStringLiteral("email_verified"))->text(3), QStringLiteral("OpenID Connect Core 1.0, section 5.1"));
    QVERIFY(topItem(payloadTree, QStringLiteral("client_id"))->text(3).contains(QStringLiteral("RFC 9068")));
    QVERIFY(topItem(payloadTree, QStringLiteral("token_use"))->text(2).contains(QStringLiteral("Cognito")));
    QCOMPARE(topItem(headerTree, QStringLiteral("alg"))->text(3), QStringLiteral("RFC 7515 (JWS), section 4.1.1"));
    QCOMPARE(topItem(headerTree, QStringLiteral("x5t#S256"))->text(3), QStringLiteral("RFC 7515 (JWS), section 4.1.8"));
    // Time claims show their local time in the tree.
    const QString expLocal = QDateTime::fromSecsSinceEpoch(now + 300).toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    QVERIFY2(topItem(payloadTree, QStringLiteral("exp"))->text(1).contains(expLocal),
             qPrintable(topItem(payloadTree, QStringLiteral("exp"))->text(1)));
}

void TestTokenInspector::unknownClaimFlagged()
{
    TokenInspector inspector;
    inspector.setToken(signedToken({{QStringLiteral("sub"), QStringLiteral("alice")},
                                    {QStringLiteral("https://example.test/tenant"), QStringLiteral("blue")},
                                    {QStringLiteral("x_custom"), 42}},
                                   {{QStringLiteral("x-trace"), QStringLiteral("abc")}}));
    const auto *payloadTree = inspector.findChild<QTreeWidget *>(QStringLiteral("payloadTree"));
    for (const QString &name : {QStringLiteral("https://example.test/tenant"), QStringLiteral("x_custom")}) {
        const QTreeWidgetItem *item = topItem(payloadTree, name);
        QVERIFY2(item, qPrintable(name));
        QVERIFY2(item->text(2).contains(QStringLiteral("Not a registered claim")), qPrintable(item->text(2)));
        QVERIFY(item->font(2).italic());
    }
    QCOMPARE(topItem(payloadTree, QStringLiteral("x_custom"))->text(1), QStringLiteral("42"));
    QVERIFY(!topItem(payloadTree, QStringLiteral("sub"))->text(2).contains(QStringLiteral("Not a registered")));
    const auto *headerTree = inspector.findChild<QTreeWidget *>(QStringLiteral("headerTree"));
    QVERIFY(topItem(headerTree, QStringLiteral("x-trace"))->text(2).contains(QStringLiteral("Not a registered header parameter")));
}

void TestTokenInspector::nestedClaimMembersExplained()
{
    TokenInspector inspector;
    inspector.setToken(signedToken(
        {{QStringLiteral("sub"), QStringLiteral("alice")},
         {QStringLiteral("aud"), QJsonArray{QStringLiteral("api-1"), QStringLiteral("api-2")}},
         {QStringLiteral("cnf"), QJsonObject{{QStringLiteral("jkt"), QStringLiteral("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")}}},
         {QStringLiteral("address"), QJsonObject{{QStringLiteral("locality"), QStringLiteral("Lyon")}}},
         {QStringLiteral("realm_access"), QJsonObject{{QStringLiteral("roles"), QJsonArray{QStringLiteral("admin")}}}},
         {QStringLiteral("items"), QJsonArray{QJsonObject{{QStringLiteral("id"), 1}}}}}));
    const auto *tree = inspector.findChild<QTreeWidget *>(QStringLiteral("payloadTree"));
    QCOMPARE(topItem(tree, QStringLiteral("aud"))->text(1), QStringLiteral("api-1, api-2"));
    const QTreeWidgetItem *cnf = topItem(tree, QStringLiteral("cnf"));
    QCOMPARE(cnf->text(1), QStringLiteral("{1 member}"));
    QVERIFY(childItem(cnf, QStringLiteral("jkt"))->text(3).contains(QStringLiteral("RFC 9449")));
    QCOMPARE(childItem(topItem(tree, QStringLiteral("address")), QStringLiteral("locality"))->text(1), QStringLiteral("Lyon"));
    QVERIFY(childItem(topItem(tree, QStringLiteral("realm_access")), QStringLiteral("roles")));
    QCOMPARE(topItem(tree, QStringLiteral("items"))->text(1), QStringLiteral("[1 item]"));
    QCOMPARE(topItem(tree, QStringLiteral("items"))->childCount(), 1);
}

void TestTokenInspector::jweRecognised()
{
    TokenInspector inspector;
    inspector.setToken(sampleJwe());
    QVERIFY2(inspector.errorText().isEmpty(), qPrintable(inspector.errorText()));
    QCOMPARE(inspector.tokenFormat(), TokenFormat::Jwe);
    const QString kind = labelText(&inspector, QStringLiteral("tokenKind"));
    QVERIFY2(kind.contains(QStringLiteral("Encrypted JWT (JWE), alg RSA-OAEP-256, enc A256GCM")), qPrintable(kind));
    QVERIFY(kind.contains(QStringLiteral("cannot be read without the recipient's private key")));
    QVERIFY(kind.contains(QStringLiteral("encrypted access token")));

    const auto *headerTree = inspector.findChild<QTreeWidget *>(QStringLiteral("headerTree"));
    QVERIFY(topItem(headerTree, QStringLiteral("alg"))->text(2).contains(QStringLiteral("key management")));
    QCOMPARE(topItem(headerTree, QStringLiteral("alg"))->text(3), QStringLiteral("RFC 7516 (JWE), section 4.1.1"));
    QCOMPARE(topItem(headerTree, QStringLiteral("enc"))->text(3), QStringLiteral("RFC 7516 (JWE), section 4.1.2"));
    QVERIFY(topItem(headerTree, QStringLiteral("cty"))->text(2).contains(QStringLiteral("nested")));
    const auto *note = inspector.findChild<QLabel *>(QStringLiteral("payloadNote"));
    QVERIFY(note->text().contains(QStringLiteral("private key")));
    QVERIFY(note->text().contains(QStringLiteral("A256GCM")));
    QCOMPARE(inspector.findChild<QTreeWidget *>(QStringLiteral("payloadTree"))->topLevelItemCount(), 0);
    const QString parts = labelText(&inspector, QStringLiteral("tokenParts"));
    QVERIFY2(parts.contains(QStringLiteral("ciphertext")) && parts.contains(QStringLiteral("authentication tag")), qPrintable(parts));
}

void TestTokenInspector::opaqueRecognised()
{
    TokenInspector inspector;
    for (const QString &opaque : {QStringLiteral("2YotnFZFEjr1zCsicMWpAA"), QStringLiteral("2YotnFZFEjr1zCsicMWpAA.opaque-reference-value"),
                                  QStringLiteral("gho_16C7e42F292c6912E7710c838347Ae178B4a"), QStringLiteral("a~b.c~d.e~f")}) {
        inspector.setToken(opaque);
        QVERIFY2(inspector.errorText().isEmpty(), qPrintable(inspector.errorText()));
        QCOMPARE(inspector.tokenFormat(), TokenFormat::Opaque);
        QCOMPARE(inspector.token(), opaque);
        const QString kind = labelText(&inspector, QStringLiteral("tokenKind"));
        QVERIFY2(kind.contains(QStringLiteral("Opaque token")), qPrintable(kind));
        QVERIFY(kind.contains(QStringLiteral("introspection")));
        QVERIFY(kind.contains(QStringLiteral("Auth0")));
        QVERIFY(!inspector.findChild<QTreeWidget *>(QStringLiteral("payloadTree"))->isVisibleTo(&inspector));
    }
}

void TestTokenInspector::badInputKeepsPrevious_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("message");

    const QByteArray header = b64(R"({"alg":"RS256","typ":"JWT"})");
    const QByteArray payload = b64(R"({"sub":"mallory","exp":1700000000})");
    const QByteArray signature = b64(QByteArray(256, 'S'));
    const auto token = [](const QByteArrayList &parts) { return QString::fromLatin1(parts.join('.')); };

    QTest::newRow("empty") << QStringLiteral("  \n ") << QStringLiteral("the text is empty");
    QTest::newRow("huge") << QString(300 * 1024, QLatin1Char('a')) << QStringLiteral("The text is 300 KB, more than the 256 KB");
    QTest::newRow("two parts: truncated") << token({header, payload.left(20)}) << QStringLiteral("has 2 parts");
    QTest::newRow("four parts") << token({header, payload, signature, "abc"}) << QStringLiteral("has 4 parts");
    QTest::newRow("empty signature") << token({header, payload, ""}) << QStringLiteral("signature (part 3) is empty although alg is RS256");
    QTest::newRow("payload cut mid-json") << token({header, b64(R"({"sub":"mallory","exp":17)"), signature})
                                          << QStringLiteral("payload (part 2) is JSON that ends early");
    QByteArray cutPayload = payload;
    while (cutPayload.size() % 4 != 1)
        cutPayload += 'A';
    QTest::newRow("payload length impossible") << token({header, cutPayload, signature})
                                               << QStringLiteral("payload (part 2) has a length");
    QTest::newRow("standard base64 signature") << token({header, payload, signature.left(40) + "+/" + signature.mid(42)})
                                               << QStringLiteral("signature (part 3) contains \"+\", a character of standard base64");
    QTest::newRow("padding") << token({header + "==", payload, signature}) << QStringLiteral("header (part 1) ends with \"=\" padding");
    QTest::newRow("non-ASCII character") << token({header, payload, signature}) + QStringLiteral("ü")
                                         << QStringLiteral("\"ü\" (U+00FC)");
    QTest::newRow("space inside") << token({header, payload, signature}).insert(30, QLatin1Char(' '))
                                  << QStringLiteral("contains a space at position 31");
    QTest::newRow("control character") << token({header, payload, signature}).insert(5, QChar(0x07))
                                       << QStringLiteral("control character (U+0007)");
    QTest::newRow("header not JSON") << token({b64("not json"), payload, signature}) << QStringLiteral("header (part 1) is not JSON");
    QTest::newRow("header array") << token({b64(R"(["alg","RS256"])"), payload, signature})
                                  << QStringLiteral("header (part 1) is a JSON array, but it must be a JSON object");
    QTest::newRow("header without alg") << token({b64(R"({"typ":"JWT"})"), payload, signature}) << QStringLiteral("no \"alg\" string");
    QTest::newRow("payload array") << token({header, b64(R"(["sub","mallory"])"), signature})
                                   << QStringLiteral("payload (part 2) is a JSON array, but it must be a JSON object of claims");
    QTest::newRow("payload not JSON") << token({header, b64("hello"), signature}) << QStringLiteral("payload (part 2) is not JSON");
    QTest::newRow("JWE without enc") << token({b64(R"({"alg":"RSA-OAEP"})"), "a2V5", "aXY", "Y2lwaGVy", "dGFn"})
                                     << QStringLiteral("has no \"enc\" string");
    QTest::newRow("JWE empty ciphertext") << token({b64(R"({"alg":"dir","enc":"A128GCM"})"), "", "aXY", "", "dGFn"})
                                          << QStringLiteral("ciphertext (part 4) is empty");
}

void TestTokenInspector::badInputKeepsPrevious()
{
    QFETCH(QString, input);
    QFETCH(QString, message);

    const QString previous = basicToken();
    TokenInspector inspector;
    inspector.setToken(previous);
    QVERIFY(inspector.errorText().isEmpty());

    inspector.setToken(input);
    QVERIFY2(inspector.errorText().contains(message), qPrintable(inspector.errorText()));
    QCOMPARE(inspector.token(), previous);
    QCOMPARE(inspector.tokenFormat(), TokenFormat::Jws);
    const auto *banner = inspector.findChild<afx::gui::MessageBanner *>(QStringLiteral("inspectorError"));
    QVERIFY(banner->isVisibleTo(&inspector));
    QVERIFY(banner->text().contains(message));
    QVERIFY(banner->text().contains(QStringLiteral("inspected before")));
    const auto *payloadTree = inspector.findChild<QTreeWidget *>(QStringLiteral("payloadTree"));
    QCOMPARE(topItem(payloadTree, QStringLiteral("sub"))->text(1), QStringLiteral("alice"));

    // Valid input replaces the token and removes the message.
    inspector.setToken(sampleJwe());
    QVERIFY(inspector.errorText().isEmpty());
    QVERIFY(!banner->isVisibleTo(&inspector));
    QCOMPARE(inspector.tokenFormat(), TokenFormat::Jwe);
}

void TestTokenInspector::inputCleanedBeforeDecoding()
{
    const QString token = basicToken();
    TokenInspector inspector;
    inspector.setToken(QStringLiteral("  Bearer ") + token.left(60) + QStringLiteral("\r\n") + token.mid(60) + QStringLiteral("\n"));
    QVERIFY2(inspector.errorText().isEmpty(), qPrintable(inspector.errorText()));
    QCOMPARE(inspector.token(), token);
}

void TestTokenInspector::droppedTextInspected()
{
    const QString token = basicToken();
    TokenInspector inspector;
    inspector.resize(800, 600);
    QSignalSpy entered(&inspector, &TokenInspector::tokenEntered);
    inspector.setToken(sampleJwe());
    QCOMPARE(entered.count(), 0); // setToken() is not user input

    dropText(&inspector, QStringLiteral("Bearer ") + token);
    QCOMPARE(inspector.token(), token);
    QCOMPARE(inspector.tokenFormat(), TokenFormat::Jws);
    QCOMPARE(entered.count(), 1);
    QCOMPARE(entered.at(0).at(0).toString(), token);

    // A dropped text that is no token leaves the token and emits nothing.
    dropText(&inspector, QStringLiteral("hello world"));
    QVERIFY(inspector.errorText().contains(QStringLiteral("space")));
    QCOMPARE(inspector.token(), token);
    QCOMPARE(entered.count(), 1);
}

void TestTokenInspector::pastedTextInspected()
{
    const QString token = basicToken();
    TokenInspector inspector;
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    QSignalSpy entered(&inspector, &TokenInspector::tokenEntered);
    QGuiApplication::clipboard()->setText(token);

    auto *input = inspector.findChild<QLineEdit *>(QStringLiteral("tokenInput"));
    QCOMPARE(input->echoMode(), QLineEdit::Password);
    input->setFocus();
    QTest::keySequence(input, QKeySequence::Paste);
    QCOMPARE(entered.count(), 1);
    QCOMPARE(inspector.token(), token);
    QVERIFY(input->text().isEmpty());

    // Typing waits for Enter.
    QTest::keyClicks(input, QStringLiteral("abc-opaque-token"));
    QCOMPARE(entered.count(), 1);
    QTest::keyClick(input, Qt::Key_Return);
    QCOMPARE(entered.count(), 2);
    QCOMPARE(inspector.token(), QStringLiteral("abc-opaque-token"));

    // The Paste button reads the clipboard.
    QTest::mouseClick(inspector.findChild<QAbstractButton *>(QStringLiteral("pasteToken")), Qt::LeftButton);
    QCOMPARE(entered.count(), 3);
    QCOMPARE(inspector.token(), token);
    QGuiApplication::clipboard()->clear();
}

void TestTokenInspector::looksLikeTokenShapes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("expected");

    const QString jws = QString::fromLatin1(b64(R"({"alg":"ES256"})") + "." + b64(R"({"sub":"a"})") + ".c2ln");
    QTest::newRow("JWS") << jws << true;
    QTest::newRow("JWS with Bearer and newline") << QStringLiteral("Bearer ") + jws + QStringLiteral("\n") << true;
    QTest::newRow("JWE") << sampleJwe() << true;
    QTest::newRow("opaque") << QStringLiteral("2YotnFZFEjr1zCsicMWpAA") << false;
    QTest::newRow("URL") << QStringLiteral("https://example.test/a.b.c") << false;
    QTest::newRow("sentence") << QStringLiteral("This is a sentence. And another. And more.") << false;
    QTest::newRow("header without alg") << QString::fromLatin1(b64(R"({"typ":"JWT"})") + ".e30.c2ln") << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("huge") << jws + QString(300 * 1024, QLatin1Char('a')) << false;
}

void TestTokenInspector::looksLikeTokenShapes()
{
    QFETCH(QString, text);
    QFETCH(bool, expected);
    QCOMPARE(TokenInspector::looksLikeToken(text), expected);
}

void TestTokenInspector::countdownUpdatesWhileVisible()
{
    TokenInspector inspector;
    inspector.setToken(signedToken({{QStringLiteral("sub"), QStringLiteral("dave")},
                                    {QStringLiteral("exp"), QDateTime::currentSecsSinceEpoch() + 3}}));
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    const QString first = labelText(&inspector, QStringLiteral("tokenTimes"));
    QVERIFY2(first.contains(QStringLiteral("expires in")), qPrintable(first));
    QTRY_VERIFY_WITH_TIMEOUT(labelText(&inspector, QStringLiteral("tokenTimes")) != first, 3000);
    QTRY_VERIFY_WITH_TIMEOUT(labelText(&inspector, QStringLiteral("tokenTimes")).contains(QStringLiteral("expired")), 8000);

    // Hidden, the text stays as it is.
    inspector.hide();
    const QString hidden = labelText(&inspector, QStringLiteral("tokenTimes"));
    QTest::qWait(1500);
    QCOMPARE(labelText(&inspector, QStringLiteral("tokenTimes")), hidden);
}

void TestTokenInspector::timeClaimsLocalAndRelative()
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    TokenInspector inspector;
    inspector.setToken(signedToken({{QStringLiteral("exp"), now - 2 * 3600 - 65},
                                    {QStringLiteral("iat"), now - 3 * 3600},
                                    {QStringLiteral("nbf"), now + 600},
                                    {QStringLiteral("auth_time"), QStringLiteral("yesterday")}}));
    const QString times = labelText(&inspector, QStringLiteral("tokenTimes"));
    QVERIFY2(times.contains(QStringLiteral("expired 2 h 1 min ago")), qPrintable(times));
    QVERIFY(times.contains(QStringLiteral("issued 3 h 0 min ago")));
    QVERIFY(times.contains(QStringLiteral("not valid for another 10 min")) || times.contains(QStringLiteral("not valid for another 9 min")));
    QVERIFY(times.contains(QStringLiteral("not a number")));
    const QString local = QDateTime::fromSecsSinceEpoch(now - 2 * 3600 - 65).toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    QVERIFY(times.contains(local));
}

void TestTokenInspector::maskedUntilReveal()
{
    const QString token = basicToken();
    TokenInspector inspector;
    inspector.setToken(token);
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    QVERIFY(!anyTextContains(&inspector, token));
    QVERIFY(!anyTextContains(&inspector, token.section(QLatin1Char('.'), 2)));
    const QString masked = labelText(&inspector, QStringLiteral("tokenValue"));
    QVERIFY2(masked.contains(QStringLiteral("(%1 chars)").arg(token.size())), qPrintable(masked));

    auto *reveal = inspector.findChild<QAbstractButton *>(QStringLiteral("revealToken"));
    QTest::mouseClick(reveal, Qt::LeftButton);
    QCOMPARE(labelText(&inspector, QStringLiteral("tokenValue")), token);
    QCOMPARE(reveal->text(), QStringLiteral("Hide"));
    QTest::mouseClick(reveal, Qt::LeftButton);
    QVERIFY(!anyTextContains(&inspector, token));

    // A new token starts masked again.
    QTest::mouseClick(reveal, Qt::LeftButton);
    const QString next = basicToken();
    inspector.setToken(next);
    QVERIFY(!anyTextContains(&inspector, next));
    QVERIFY(!reveal->isChecked());
}

void TestTokenInspector::partsColouredDotsNeutral()
{
    const QString token = basicToken();
    const qsizetype firstDot = token.indexOf(QLatin1Char('.'));
    const qsizetype secondDot = token.indexOf(QLatin1Char('.'), firstDot + 1);

    for (const bool dark : {false, true}) {
        TokenInspector inspector;
        if (dark) {
            QPalette palette;
            palette.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
            palette.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
            inspector.setPalette(palette);
        }
        inspector.setToken(token);
        inspector.findChild<QAbstractButton *>(QStringLiteral("revealToken"))->click();
        const auto *edit = inspector.findChild<QTextEdit *>(QStringLiteral("tokenValue"));
        const auto colourAt = [edit](qsizetype position) {
            QTextCursor cursor(edit->document());
            cursor.setPosition(int(position) + 1); // the format of the character before the cursor
            return cursor.charFormat();
        };
        const QColor header = colourAt(2).foreground().color();
        const QColor payload = colourAt(firstDot + 2).foreground().color();
        const QColor signature = colourAt(secondDot + 2).foreground().color();
        QVERIFY(header != payload);
        QVERIFY(payload != signature);
        QVERIFY(header != signature);
        QCOMPARE(colourAt(firstDot).foreground().style(), Qt::NoBrush);
        QCOMPARE(colourAt(secondDot).foreground().style(), Qt::NoBrush);
        // Each colour differs clearly from the background.
        const int base = edit->palette().color(QPalette::Base).lightness();
        for (const QColor &color : {header, payload, signature})
            QVERIFY2(std::abs(color.lightness() - base) > 60, qPrintable(color.name()));
        const QString legend = labelText(&inspector, QStringLiteral("tokenParts"));
        QVERIFY(legend.contains(header.name()));
        QVERIFY(legend.contains(QStringLiteral("signature")));
    }
}

void TestTokenInspector::copySetsHintAndClears()
{
    const QString token = basicToken();
    TokenInspector inspector;
    inspector.setClipboardClearDelay(300);
    inspector.setToken(token);
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    QClipboard *clipboard = QGuiApplication::clipboard();
    clipboard->clear();

    auto *copy = inspector.findChild<QAbstractButton *>(QStringLiteral("copyToken"));
    QTest::mouseClick(copy, Qt::LeftButton);
    QCOMPARE(clipboard->text(), token);
    const QMimeData *mime = clipboard->mimeData();
    QVERIFY(mime);
    QCOMPARE(mime->data(QStringLiteral("x-kde-passwordManagerHint")), QByteArray("secret"));
    QVERIFY(!anyTextContains(&inspector, token)); // copying is not revealing
    QTRY_VERIFY_WITH_TIMEOUT(clipboard->text().isEmpty(), 3000);

    // A later copy by the user stays.
    QTest::mouseClick(copy, Qt::LeftButton);
    clipboard->setText(QStringLiteral("something the user copied later"));
    QTest::qWait(500);
    QCOMPARE(clipboard->text(), QStringLiteral("something the user copied later"));
    clipboard->clear();
}

void TestTokenInspector::clearDelaySettingShared()
{
    TokenInspector inspector;
    afx::gui::TokenPanel panel;
    auto *spinBox = inspector.findChild<QSpinBox *>(QStringLiteral("clipboardClearDelay"));
    QVERIFY(spinBox);
    QCOMPARE(spinBox->minimum(), 5);
    QCOMPARE(spinBox->maximum(), 600);
    QCOMPARE(spinBox->value(), 30);
    QCOMPARE(inspector.clipboardClearDelay(), 30000);
    QCOMPARE(panel.clipboardClearDelay(), 30000);

    spinBox->setValue(7);
    QCOMPARE(QSettings().value(QLatin1String(afx::gui::clipboardClearDelaySettingKey)).toInt(), 7);
    QCOMPARE(inspector.clipboardClearDelay(), 7000);
    QCOMPARE(panel.clipboardClearDelay(), 7000);
    QCOMPARE(panel.findChild<QAbstractButton *>(QStringLiteral("copyIdToken"))->toolTip(),
             QStringLiteral("Copy the raw token. It is removed from the clipboard after 7 s."));
    QCOMPARE(inspector.findChild<QAbstractButton *>(QStringLiteral("copyToken"))->toolTip(),
             QStringLiteral("Copy the raw token. It is removed from the clipboard after 7 s."));
    QCOMPARE(afx::gui::TokenPanel().clipboardClearDelay(), 7000);

    // Another inspector's spin box shows the stored value.
    TokenInspector second;
    QCOMPARE(second.findChild<QSpinBox *>(QStringLiteral("clipboardClearDelay"))->value(), 7);
    spinBox->setValue(12);
    QCOMPARE(second.findChild<QSpinBox *>(QStringLiteral("clipboardClearDelay"))->value(), 12);

    // Stored values out of range or of the wrong type.
    QSettings().setValue(QLatin1String(afx::gui::clipboardClearDelaySettingKey), 100000);
    QCOMPARE(afx::gui::storedClipboardClearDelaySeconds(), 600);
    QSettings().setValue(QLatin1String(afx::gui::clipboardClearDelaySettingKey), 1);
    QCOMPARE(afx::gui::storedClipboardClearDelaySeconds(), 5);
    QSettings().setValue(QLatin1String(afx::gui::clipboardClearDelaySettingKey), QStringLiteral("soon"));
    QCOMPARE(afx::gui::storedClipboardClearDelaySeconds(), 30);

    // A fixed delay no longer follows the setting.
    inspector.setClipboardClearDelay(250);
    afx::gui::storeClipboardClearDelaySeconds(9);
    QCOMPARE(inspector.clipboardClearDelay(), 250);
    QCOMPARE(panel.clipboardClearDelay(), 9000);
}

void TestTokenInspector::verifyWithoutKeysExplains()
{
    TokenInspector inspector;
    inspector.setToken(basicToken());
    auto *verify = inspector.findChild<QAbstractButton *>(QStringLiteral("verifyToken"));
    QVERIFY(verify->isEnabled());
    QTest::mouseClick(verify, Qt::LeftButton);
    const QString summary = labelText(&inspector, QStringLiteral("verifySummary"));
    QVERIFY2(summary.contains(QStringLiteral("signing keys (its JWKS)")), qPrintable(summary));
    QVERIFY(summary.contains(QStringLiteral("expected issuer")));
    QVERIFY(summary.contains(QStringLiteral("expected client ID")));
    QVERIFY(!inspector.findChild<QTreeWidget *>(QStringLiteral("verifyChecks"))->isVisibleTo(&inspector));

    inspector.setToken(sampleJwe());
    QTest::mouseClick(verify, Qt::LeftButton);
    QVERIFY(labelText(&inspector, QStringLiteral("verifySummary")).contains(QStringLiteral("only be verified by its recipient")));
    inspector.setToken(QStringLiteral("2YotnFZFEjr1zCsicMWpAA"));
    QTest::mouseClick(verify, Qt::LeftButton);
    QVERIFY(labelText(&inspector, QStringLiteral("verifySummary")).contains(QStringLiteral("no signature to verify")));
}

void TestTokenInspector::verifySignedTokenPasses()
{
    TokenInspector inspector;
    inspector.setVerificationKeys(jwks(), QStringLiteral("http://127.0.0.1:8765"), QStringLiteral("explorer-client"));
    inspector.setToken(basicToken());
    QTest::mouseClick(inspector.findChild<QAbstractButton *>(QStringLiteral("verifyToken")), Qt::LeftButton);

    const auto *checks = inspector.findChild<QTreeWidget *>(QStringLiteral("verifyChecks"));
    QVERIFY(checks->isVisibleTo(&inspector));
    QVERIFY(checks->topLevelItemCount() >= 12);
    QCOMPARE(checkResult(checks, QStringLiteral("check-signature")), QStringLiteral("passed"));
    QCOMPARE(checkResult(checks, QStringLiteral("check-issuer")), QStringLiteral("passed"));
    QCOMPARE(checkResult(checks, QStringLiteral("check-audience")), QStringLiteral("passed"));
    QCOMPARE(checkResult(checks, QStringLiteral("check-expiry")), QStringLiteral("passed"));
    QCOMPARE(checkResult(checks, QStringLiteral("check-nonce")), QStringLiteral("skipped"));
    for (int i = 0; i < checks->topLevelItemCount(); ++i) {
        QVERIFY(!checks->topLevelItem(i)->text(2).isEmpty()); // reason
        QVERIFY(!checks->topLevelItem(i)->icon(0).isNull());
        if (checks->topLevelItem(i)->data(0, Qt::UserRole).toString() == QLatin1String("check-signature"))
            QVERIFY2(checks->topLevelItem(i)->text(3).contains(QStringLiteral("RFC 7515 section 5.2")),
                     qPrintable(checks->topLevelItem(i)->text(3)));
    }
    const QString summary = labelText(&inspector, QStringLiteral("verifySummary"));
    QVERIFY2(summary.startsWith(QStringLiteral("No check failed")), qPrintable(summary));

    // A new token clears the old results.
    inspector.setToken(basicToken());
    QVERIFY(!checks->isVisibleTo(&inspector));
}

void TestTokenInspector::verifyTamperedTokenFails()
{
    const QString token = basicToken();
    QStringList parts = token.split(QLatin1Char('.'));
    QJsonObject claims = QJsonDocument::fromJson(*afx::jose::base64UrlDecode(parts.at(1).toLatin1())).object();
    claims.insert(QStringLiteral("sub"), QStringLiteral("mallory"));
    parts[1] = QString::fromLatin1(b64(QJsonDocument(claims).toJson(QJsonDocument::Compact)));

    TokenInspector inspector;
    inspector.setVerificationKeys(jwks(), QStringLiteral("http://127.0.0.1:8765"), QStringLiteral("explorer-client"));
    inspector.setToken(parts.join(QLatin1Char('.')));
    QVERIFY2(inspector.errorText().isEmpty(), qPrintable(inspector.errorText()));
    QTest::mouseClick(inspector.findChild<QAbstractButton *>(QStringLiteral("verifyToken")), Qt::LeftButton);

    const auto *checks = inspector.findChild<QTreeWidget *>(QStringLiteral("verifyChecks"));
    QCOMPARE(checkResult(checks, QStringLiteral("check-signature")), QStringLiteral("failed"));
    QCOMPARE(checkResult(checks, QStringLiteral("check-issuer")), QStringLiteral("passed"));
    const QString summary = labelText(&inspector, QStringLiteral("verifySummary"));
    QVERIFY2(summary.contains(QStringLiteral("1 of")) && summary.contains(QStringLiteral("checks failed")), qPrintable(summary));
}

void TestTokenInspector::repeatedClaimWarnedAndRejected()
{
    // Signed by the provider's key, so only the repeated "sub" is wrong. The table shows the last
    // value, as QJsonDocument reads it, and the warning names the repeated claim.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QByteArray header = b64(R"({"alg":"RS256","kid":"inspector-key-1","typ":"JWT"})");
    const QByteArray payload = b64(QStringLiteral(R"({"iss":"http://127.0.0.1:8765","sub":"alice","aud":"explorer-client",)"
                                                  R"("exp":%1,"iat":%2,"sub":"mallory"})")
                                       .arg(now + 600)
                                       .arg(now - 30)
                                       .toUtf8());
    QString error;
    const std::optional<QByteArray> signature =
        afx::jose::sign(QStringLiteral("RS256"), m_key, header + '.' + payload, &error);
    QVERIFY2(signature.has_value(), qPrintable(error));

    TokenInspector inspector;
    inspector.setVerificationKeys(jwks(), QStringLiteral("http://127.0.0.1:8765"), QStringLiteral("explorer-client"));
    inspector.setToken(QString::fromLatin1(header + '.' + payload + '.' + b64(*signature)));
    QVERIFY2(inspector.errorText().isEmpty(), qPrintable(inspector.errorText()));
    const QString kind = labelText(&inspector, QStringLiteral("tokenKind"));
    QVERIFY2(kind.contains(QStringLiteral("The claim &quot;sub&quot; appears more than once")), qPrintable(kind));
    QVERIFY2(!kind.contains(QStringLiteral("header member")), qPrintable(kind));

    QTest::mouseClick(inspector.findChild<QAbstractButton *>(QStringLiteral("verifyToken")), Qt::LeftButton);
    const auto *checks = inspector.findChild<QTreeWidget *>(QStringLiteral("verifyChecks"));
    QCOMPARE(checkResult(checks, QStringLiteral("check-format")), QStringLiteral("failed"));
    const QString summary = labelText(&inspector, QStringLiteral("verifySummary"));
    QVERIFY2(summary.contains(QStringLiteral("checks failed")) || summary.contains(QStringLiteral("check failed")),
             qPrintable(summary));
}

void TestTokenInspector::screenshot()
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString token = signedToken(
        {{QStringLiteral("iss"), QStringLiteral("http://127.0.0.1:8765")},
         {QStringLiteral("sub"), QStringLiteral("alice")},
         {QStringLiteral("aud"), QStringLiteral("explorer-client")},
         {QStringLiteral("exp"), now + 272},
         {QStringLiteral("iat"), now - 28},
         {QStringLiteral("auth_time"), now - 31},
         {QStringLiteral("nonce"), QStringLiteral("n-0S6_WzA2Mj")},
         {QStringLiteral("at_hash"), QStringLiteral("77QmUPtjPfzWtF2AnpK9RQ")},
         {QStringLiteral("sid"), QStringLiteral("08a5019c-17e1-4977-8f42-65a12843ea02")},
         {QStringLiteral("amr"), QJsonArray{QStringLiteral("pwd"), QStringLiteral("otp")}},
         {QStringLiteral("email"), QStringLiteral("alice@example.test")},
         {QStringLiteral("email_verified"), true},
         {QStringLiteral("name"), QStringLiteral("Alice Example")},
         {QStringLiteral("groups"), QJsonArray{QStringLiteral("staff"), QStringLiteral("admins")}},
         {QStringLiteral("https://example.test/tenant"), QStringLiteral("blue")}},
        {{QStringLiteral("typ"), QStringLiteral("JWT")}});

    TokenInspector inspector;
    inspector.setVerificationKeys(jwks(), QStringLiteral("http://127.0.0.1:8765"), QStringLiteral("explorer-client"));
    inspector.setToken(token);
    inspector.resize(1280, 960);
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    inspector.findChild<QAbstractButton *>(QStringLiteral("revealToken"))->click();
    inspector.findChild<QAbstractButton *>(QStringLiteral("verifyToken"))->click();
    inspector.setToken(QStringLiteral("eyJhbGciOiJSUzI1NiJ9.e30")); // an error above the kept token
    QTest::qWait(50);

    QString dir = qEnvironmentVariable("AFX_SCREENSHOT_DIR");
    if (dir.isEmpty())
        dir = QStringLiteral(AFX_BINARY_DIR "/screenshots");
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(inspector.grab().save(dir + QStringLiteral("/token-inspector.png")));

    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    dark.setColor(QPalette::ButtonText, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::PlaceholderText, QColor(0x9e, 0x9e, 0x9e));
    inspector.setPalette(dark);
    inspector.setToken(token);
    inspector.findChild<QAbstractButton *>(QStringLiteral("revealToken"))->click();
    inspector.findChild<QAbstractButton *>(QStringLiteral("verifyToken"))->click();
    QTest::qWait(50);
    QVERIFY(inspector.grab().save(dir + QStringLiteral("/token-inspector-dark.png")));

    inspector.setPalette(QPalette());
    inspector.setToken(sampleJwe());
    inspector.findChild<QAbstractButton *>(QStringLiteral("revealToken"))->click();
    QTest::qWait(50);
    QVERIFY(inspector.grab().save(dir + QStringLiteral("/token-inspector-jwe.png")));
}

QTEST_MAIN(TestTokenInspector)
#include "tst_tokeninspector.moc"
