#include "flow/trace.h"
#include "gui/tokenpanel.h"
#include "jose/base64url.h"
#include "jose/jws.h"
#include "jose/key.h"

#include <QAbstractButton>
#include <QClipboard>
#include <QDir>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextEdit>
#include <QTreeWidget>
#include <QtTest>

using afx::TokenSet;
using afx::gui::TokenPanel;
using afx::oidc::Check;
using afx::oidc::IdTokenValidation;

namespace {

// Every text a user could read in the widget tree, visible or not: labels, text fields,
// buttons, tree items and tooltips.
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
        else if (const auto *tree = qobject_cast<const QTreeWidget *>(widget)) {
            for (int i = 0; i < tree->topLevelItemCount(); ++i) {
                for (int column = 0; column < tree->columnCount(); ++column)
                    texts << tree->topLevelItem(i)->text(column) << tree->topLevelItem(i)->toolTip(column);
            }
        }
    }
    return texts;
}

bool anyTextContains(const QWidget *root, const QString &needle)
{
    const QStringList texts = allTexts(root);
    for (const QString &text : texts) {
        if (text.contains(needle))
            return true;
    }
    return false;
}

QString textOf(const QWidget *root, const QString &objectName)
{
    if (const auto *label = root->findChild<QLabel *>(objectName))
        return label->text();
    if (const auto *plain = root->findChild<QPlainTextEdit *>(objectName))
        return plain->toPlainText();
    return QStringLiteral("<no widget named %1>").arg(objectName);
}

qint64 nowSeconds()
{
    return QDateTime::currentSecsSinceEpoch();
}

Check makeCheck(const QString &id, const QString &name, Check::Status status, const QString &reason)
{
    Check check;
    check.id = id;
    check.name = name;
    check.status = status;
    check.reason = reason;
    check.spec = QStringLiteral("OpenID Connect Core 1.0, section 3.1.3.7");
    return check;
}

// Twelve checks in the validator's order. Counting from the end, `failed`, `warnings` and
// `skipped` of them get those statuses, and the rest pass.
IdTokenValidation makeValidation(int failed, int warnings, int skipped)
{
    const QStringList names{QStringLiteral("Format"),   QStringLiteral("Algorithm"),        QStringLiteral("Key"),
                            QStringLiteral("Signature"), QStringLiteral("Issuer"),          QStringLiteral("Audience"),
                            QStringLiteral("Authorized party"), QStringLiteral("Expiry"), QStringLiteral("Issued at"),
                            QStringLiteral("Not before"), QStringLiteral("Nonce"),          QStringLiteral("at_hash")};
    IdTokenValidation validation;
    for (int i = 0; i < names.size(); ++i) {
        const int fromEnd = int(names.size()) - 1 - i;
        Check::Status status = Check::Status::Passed;
        QString reason = QStringLiteral("%1 matches what was expected.").arg(names.at(i));
        if (fromEnd < failed) {
            status = Check::Status::Failed;
            reason = QStringLiteral("%1 does not match: expected \"a\", got \"b\".").arg(names.at(i));
        } else if (fromEnd < failed + warnings) {
            status = Check::Status::Warning;
            reason = QStringLiteral("%1 is acceptable but unusual.").arg(names.at(i));
        } else if (fromEnd < failed + warnings + skipped) {
            status = Check::Status::Skipped;
            reason = QStringLiteral("%1 was not checked because nothing was sent to compare with.").arg(names.at(i));
        }
        validation.checks << makeCheck(QStringLiteral("check-%1").arg(i), names.at(i), status, reason);
    }
    return validation;
}

} // namespace

class TestTokenPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void emptyStateWithoutTokens();
    void rawTokensMaskedUntilRevealed();
    void decodedHeaderAndClaimsShown();
    void signatureNeverDecoded();
    void timeClaimsLocalAndRelative();
    void timeClaimsBadValues();
    void timesRefreshWhileVisible();
    void accessTokenExpiryAndScope();
    void jweClassified();
    void opaqueClassified();
    void malformedJwtReported();
    void refreshTokenNeverDecoded();
    void absentTokensExplained();
    void checksListAndSummary_data();
    void checksListAndSummary();
    void checksWithoutValidation();
    void copySetsHintAndClears();
    void copyKeepsForeignClipboard();
    void clearDelayFromSettings();
    void traceMasksTokens();
    void newTokensStartMasked();
    void screenshot();

private:
    QString signedToken(const QJsonObject &claims) const;
    TokenSet makeTokens() const;

    QTemporaryDir m_settingsDir;
    afx::jose::Key m_key;
};

void TestTokenPanel::initTestCase()
{
    // The clipboard clear delay is a QSettings value: keep the user's settings out of the test.
    QVERIFY(m_settingsDir.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("afx-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_tokenpanel"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    m_key = afx::jose::Key::generateRsa(2048);
    QVERIFY(!m_key.isNull());
}

QString TestTokenPanel::signedToken(const QJsonObject &claims) const
{
    QString error;
    const auto token = afx::jose::signCompact(QStringLiteral("RS256"), m_key,
                                              QJsonObject{{QStringLiteral("kid"), QStringLiteral("sandbox-key-1")},
                                                          {QStringLiteral("typ"), QStringLiteral("JWT")}},
                                              claims, &error);
    if (!token)
        qFatal("signCompact failed: %s", qPrintable(error));
    return QString::fromLatin1(*token);
}

TokenSet TestTokenPanel::makeTokens() const
{
    const qint64 now = nowSeconds();
    TokenSet tokens;
    tokens.idToken = signedToken({{QStringLiteral("iss"), QStringLiteral("http://127.0.0.1:8765")},
                                  {QStringLiteral("sub"), QStringLiteral("alice")},
                                  {QStringLiteral("aud"), QStringLiteral("explorer-client")},
                                  {QStringLiteral("exp"), now + 3600},
                                  {QStringLiteral("iat"), now - 120},
                                  {QStringLiteral("auth_time"), now - 125},
                                  {QStringLiteral("nonce"), QStringLiteral("n-0S6_WzA2Mj")},
                                  {QStringLiteral("email"), QStringLiteral("alice@example.test")},
                                  {QStringLiteral("name"), QStringLiteral("Alice Example")}});
    tokens.accessToken = signedToken({{QStringLiteral("iss"), QStringLiteral("http://127.0.0.1:8765")},
                                      {QStringLiteral("sub"), QStringLiteral("alice")},
                                      {QStringLiteral("aud"), QStringLiteral("https://api.example.test")},
                                      {QStringLiteral("scope"), QStringLiteral("openid profile orders:read")},
                                      {QStringLiteral("client_id"), QStringLiteral("explorer-client")},
                                      {QStringLiteral("exp"), now + 290},
                                      {QStringLiteral("iat"), now - 10},
                                      {QStringLiteral("nbf"), now - 10}});
    tokens.refreshToken = QStringLiteral("rt-7Qx9mB2kLp0vZs4eR8tYw1uIo3aSdFgH");
    tokens.tokenType = QStringLiteral("Bearer");
    tokens.scope = QStringLiteral("openid profile email orders:read");
    tokens.obtainedAt = QDateTime::currentDateTimeUtc().addSecs(-10);
    tokens.expiresAt = QDateTime::currentDateTimeUtc().addSecs(290);
    return tokens;
}

void TestTokenPanel::emptyStateWithoutTokens()
{
    TokenPanel panel;
    QCOMPARE(panel.objectName(), QStringLiteral("tokenPanel"));
    QCOMPARE(panel.clipboardClearDelay(), 30000);
    QCOMPARE(panel.findChild<QAbstractButton *>(QStringLiteral("copyIdToken"))->toolTip(),
             QStringLiteral("Copy the raw token. It is removed from the clipboard after 30 s."));
    const auto *stack = panel.findChild<QStackedWidget *>();
    QVERIFY(stack);
    QCOMPARE(stack->currentWidget()->objectName(), QStringLiteral("tokenPanelEmpty"));
    QVERIFY(!panel.hasTokens());

    panel.setTokens(makeTokens(), makeValidation(0, 0, 0), QStringLiteral("Signed in 14:02"));
    QVERIFY(stack->currentWidget()->objectName() != QStringLiteral("tokenPanelEmpty"));
    panel.clear();
    QCOMPARE(stack->currentWidget()->objectName(), QStringLiteral("tokenPanelEmpty"));
    QVERIFY(!anyTextContains(&panel, QStringLiteral("alice")));
}

void TestTokenPanel::rawTokensMaskedUntilRevealed()
{
    const TokenSet tokens = makeTokens();
    TokenPanel panel;
    panel.setTokens(tokens, makeValidation(0, 0, 0), QStringLiteral("Signed in 14:02"));

    QVERIFY(!anyTextContains(&panel, tokens.idToken));
    QVERIFY(!anyTextContains(&panel, tokens.accessToken));
    QVERIFY(!anyTextContains(&panel, tokens.refreshToken));
    QVERIFY2(textOf(&panel, QStringLiteral("idTokenValue")).contains(QStringLiteral("(%1 chars)").arg(tokens.idToken.size())),
             qPrintable(textOf(&panel, QStringLiteral("idTokenValue"))));

    auto *revealId = panel.findChild<QAbstractButton *>(QStringLiteral("revealIdToken"));
    QVERIFY(revealId);
    QTest::mouseClick(revealId, Qt::LeftButton);
    QCOMPARE(textOf(&panel, QStringLiteral("idTokenValue")), tokens.idToken);
    QCOMPARE(revealId->text(), QStringLiteral("Hide"));
    // Revealing one token leaves the others masked.
    QVERIFY(!anyTextContains(&panel, tokens.accessToken));
    QVERIFY(!anyTextContains(&panel, tokens.refreshToken));

    auto *revealAccess = panel.findChild<QAbstractButton *>(QStringLiteral("revealAccessToken"));
    auto *revealRefresh = panel.findChild<QAbstractButton *>(QStringLiteral("revealRefreshToken"));
    QVERIFY(revealAccess);
    QVERIFY(revealRefresh);
    QTest::mouseClick(revealAccess, Qt::LeftButton);
    QTest::mouseClick(revealRefresh, Qt::LeftButton);
    QVERIFY(anyTextContains(&panel, tokens.accessToken));
    QVERIFY(anyTextContains(&panel, tokens.refreshToken));

    QTest::mouseClick(revealId, Qt::LeftButton);
    QVERIFY(!textOf(&panel, QStringLiteral("idTokenValue")).contains(tokens.idToken));
    QCOMPARE(revealId->text(), QStringLiteral("Reveal"));
}

void TestTokenPanel::decodedHeaderAndClaimsShown()
{
    TokenPanel panel;
    panel.setTokens(makeTokens(), makeValidation(0, 0, 0), QString());

    const QString header = textOf(&panel, QStringLiteral("idTokenHeader"));
    QVERIFY2(header.contains(QStringLiteral("\"alg\": \"RS256\"")), qPrintable(header));
    QVERIFY(header.contains(QStringLiteral("\"kid\": \"sandbox-key-1\"")));
    const QString payload = textOf(&panel, QStringLiteral("idTokenPayload"));
    QVERIFY2(payload.contains(QStringLiteral("\"sub\": \"alice\"")), qPrintable(payload));
    QVERIFY(payload.contains(QStringLiteral("\"email\": \"alice@example.test\"")));
    QVERIFY(payload.contains(QStringLiteral("\"nonce\": \"n-0S6_WzA2Mj\"")));
    QVERIFY(textOf(&panel, QStringLiteral("idTokenFormat")).contains(QStringLiteral("Signed JWT (JWS), alg RS256")));

    const QString accessPayload = textOf(&panel, QStringLiteral("accessTokenPayload"));
    QVERIFY2(accessPayload.contains(QStringLiteral("\"scope\": \"openid profile orders:read\"")), qPrintable(accessPayload));
    QVERIFY(textOf(&panel, QStringLiteral("accessTokenFormat")).contains(QStringLiteral("does not validate access tokens")));

    const auto *payloadEdit = panel.findChild<QPlainTextEdit *>(QStringLiteral("idTokenPayload"));
    // The system's fixed-width font; whether the font it resolves to reports itself as fixed
    // pitch depends on the fonts installed, so the family is compared instead.
    QCOMPARE(payloadEdit->font().family(), QFontDatabase::systemFont(QFontDatabase::FixedFont).family());
}

void TestTokenPanel::signatureNeverDecoded()
{
    const TokenSet tokens = makeTokens();
    TokenPanel panel;
    panel.setTokens(tokens, makeValidation(0, 0, 0), QString());

    const QString signature = tokens.idToken.section(QLatin1Char('.'), 2);
    QVERIFY(signature.size() > 100);
    QVERIFY(!anyTextContains(&panel, signature));
    // Nor as hex or standard base64 of the decoded bytes.
    const QByteArray bytes = *afx::jose::base64UrlDecode(signature.toLatin1());
    QVERIFY(!anyTextContains(&panel, QString::fromLatin1(bytes.toHex())));
    QVERIFY(!anyTextContains(&panel, QString::fromLatin1(bytes.toBase64())));
}

void TestTokenPanel::timeClaimsLocalAndRelative()
{
    const TokenSet tokens = makeTokens();
    TokenPanel panel;
    panel.setTokens(tokens, makeValidation(0, 0, 0), QString());

    const QString times = textOf(&panel, QStringLiteral("idTokenTimes"));
    QVERIFY2(times.contains(QStringLiteral("expires in 59 min")) || times.contains(QStringLiteral("expires in 1 h 0 min")),
             qPrintable(times));
    QVERIFY(times.contains(QStringLiteral("issued 2 min")));
    QVERIFY(times.contains(QStringLiteral("signed in 2 min")));
    QVERIFY(!times.contains(QStringLiteral("nbf")));
    QString error;
    const auto jws = afx::jose::CompactJws::parse(tokens.idToken.toLatin1(), &error);
    QVERIFY2(jws, qPrintable(error));
    const QDateTime exp = QDateTime::fromSecsSinceEpoch(qint64(jws->claims.value(QStringLiteral("exp")).toDouble()));
    QVERIFY2(times.contains(exp.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))), qPrintable(times));

    const QString accessTimes = textOf(&panel, QStringLiteral("accessTokenTimes"));
    QVERIFY2(accessTimes.contains(QRegularExpression(QStringLiteral("expires in 4 min \\d+ s"))), qPrintable(accessTimes));
    QVERIFY(accessTimes.contains(QStringLiteral("valid since 10 s ago")) || accessTimes.contains(QStringLiteral("valid since 11 s ago")));

    TokenSet expired = tokens;
    expired.idToken = signedToken({{QStringLiteral("sub"), QStringLiteral("bob")},
                                   {QStringLiteral("exp"), nowSeconds() - 150},
                                   {QStringLiteral("nbf"), nowSeconds() + 600}});
    panel.setTokens(expired, makeValidation(1, 0, 0), QString());
    const QString expiredTimes = textOf(&panel, QStringLiteral("idTokenTimes"));
    QVERIFY2(expiredTimes.contains(QStringLiteral("expired 2 min 30 s ago"))
                 || expiredTimes.contains(QStringLiteral("expired 2 min 31 s ago")),
             qPrintable(expiredTimes));
    QVERIFY(expiredTimes.contains(QStringLiteral("not valid for another 10 min")) || expiredTimes.contains(QStringLiteral("not valid for another 9 min")));
}

void TestTokenPanel::timeClaimsBadValues()
{
    TokenSet tokens;
    tokens.idToken = signedToken({{QStringLiteral("sub"), QStringLiteral("carol")},
                                  {QStringLiteral("exp"), QStringLiteral("tomorrow")},
                                  {QStringLiteral("iat"), 1e300},
                                  {QStringLiteral("nbf"), -5},
                                  {QStringLiteral("auth_time"), QJsonValue::Null}});
    TokenPanel panel;
    panel.setTokens(tokens, {}, QString());
    const QString times = textOf(&panel, QStringLiteral("idTokenTimes"));
    QCOMPARE(times.count(QStringLiteral("not a number")), 2); // exp and auth_time
    QCOMPARE(times.count(QStringLiteral("out of range")), 2); // iat and nbf
}

void TestTokenPanel::timesRefreshWhileVisible()
{
    TokenSet tokens;
    tokens.idToken = signedToken({{QStringLiteral("sub"), QStringLiteral("dave")}, {QStringLiteral("exp"), nowSeconds() + 4}});
    TokenPanel panel;
    panel.setTokens(tokens, {}, QString());
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(textOf(&panel, QStringLiteral("idTokenTimes")).contains(QStringLiteral("expires in")));
    QTRY_VERIFY_WITH_TIMEOUT(textOf(&panel, QStringLiteral("idTokenTimes")).contains(QStringLiteral("expired")), 8000);
}

void TestTokenPanel::accessTokenExpiryAndScope()
{
    TokenSet tokens = makeTokens();
    TokenPanel panel;
    panel.setTokens(tokens, {}, QString());
    QString info = textOf(&panel, QStringLiteral("accessTokenExpiry"));
    QVERIFY2(info.contains(QRegularExpression(QStringLiteral("expires in 4 min \\d+ s"))), qPrintable(info));
    QVERIFY(info.contains(tokens.expiresAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
    QVERIFY(info.contains(QStringLiteral("openid profile email orders:read")));
    QVERIFY(info.contains(QStringLiteral("Bearer")));

    tokens.expiresAt = {};
    tokens.scope.clear();
    panel.setTokens(tokens, {}, QString());
    info = textOf(&panel, QStringLiteral("accessTokenExpiry"));
    QVERIFY2(info.contains(QStringLiteral("no expires_in")), qPrintable(info));
    QVERIFY(info.contains(QStringLiteral("requested scope was granted")));

    tokens.expiresAt = QDateTime::currentDateTimeUtc().addSecs(-65);
    panel.setTokens(tokens, {}, QString());
    QVERIFY(textOf(&panel, QStringLiteral("accessTokenExpiry")).contains(QStringLiteral("expired 1 min")));
}

void TestTokenPanel::jweClassified()
{
    const QByteArray header = afx::jose::base64UrlEncode(R"({"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"enc-1"})");
    const QString jwe = QString::fromLatin1(header + ".OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe"
                                                     ".48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6ji"
                                                     ".XFBoMYUZodetZdvTiFvSkQ");
    QCOMPARE(afx::jose::classifyToken(jwe.toLatin1()), afx::jose::TokenFormat::Jwe);
    TokenSet tokens = makeTokens();
    tokens.accessToken = jwe;
    TokenPanel panel;
    panel.setTokens(tokens, {}, QString());

    const QString format = textOf(&panel, QStringLiteral("accessTokenFormat"));
    QVERIFY2(format.contains(QStringLiteral("Encrypted token (JWE")), qPrintable(format));
    QVERIFY(format.contains(QStringLiteral("decryption key")));
    QVERIFY(textOf(&panel, QStringLiteral("accessTokenHeader")).contains(QStringLiteral("\"enc\": \"A256GCM\"")));
    QVERIFY(textOf(&panel, QStringLiteral("accessTokenPayload")).contains(QStringLiteral("encrypted")));
    QVERIFY(!anyTextContains(&panel, jwe));
}

void TestTokenPanel::opaqueClassified()
{
    TokenSet tokens = makeTokens();
    tokens.accessToken = QStringLiteral("2YotnFZFEjr1zCsicMWpAA.opaque-reference-value");
    TokenPanel panel;
    panel.setTokens(tokens, {}, QString());

    const QString format = textOf(&panel, QStringLiteral("accessTokenFormat"));
    QVERIFY2(format.contains(QStringLiteral("only the issuer can read it")), qPrintable(format));
    QVERIFY(format.contains(QStringLiteral("introspection")));
    QVERIFY(textOf(&panel, QStringLiteral("accessTokenHeader")).isEmpty());
    QVERIFY(textOf(&panel, QStringLiteral("accessTokenTimes")).isEmpty());
    QVERIFY(!anyTextContains(&panel, tokens.accessToken));
}

void TestTokenPanel::malformedJwtReported()
{
    // A valid JSON header, but the payload is not valid base64url JSON.
    const QString token = QString::fromLatin1(afx::jose::base64UrlEncode(R"({"alg":"RS256"})") + "."
                                              + afx::jose::base64UrlEncode("not json at all") + ".c2ln");
    TokenSet tokens;
    tokens.idToken = token;
    TokenPanel panel;
    panel.setTokens(tokens, {}, QString());
    const QString format = textOf(&panel, QStringLiteral("idTokenFormat"));
    QVERIFY2(format.contains(QStringLiteral("Malformed JWT")), qPrintable(format));
    QVERIFY(format.contains(QStringLiteral("not a JSON object")));
    QCOMPARE(textOf(&panel, QStringLiteral("idTokenPayload")), QStringLiteral("not json at all"));
    QVERIFY(!anyTextContains(&panel, token));

    // A huge token is refused by the parser and still shown masked.
    tokens.idToken = QString::fromLatin1(afx::jose::base64UrlEncode(R"({"alg":"RS256"})") + "."
                                         + afx::jose::base64UrlEncode(QByteArray(200000, 'x')) + ".c2ln");
    panel.setTokens(tokens, {}, QString());
    QVERIFY(!anyTextContains(&panel, tokens.idToken));
    QVERIFY(textOf(&panel, QStringLiteral("idTokenValue")).contains(QStringLiteral("chars)")));
}

void TestTokenPanel::refreshTokenNeverDecoded()
{
    TokenSet tokens = makeTokens();
    tokens.refreshToken = signedToken({{QStringLiteral("sub"), QStringLiteral("alice")},
                                       {QStringLiteral("refresh_marker"), QStringLiteral("do-not-show-me")}});
    TokenPanel panel;
    panel.setTokens(tokens, {}, QString());
    QVERIFY(!anyTextContains(&panel, QStringLiteral("do-not-show-me")));
    QVERIFY(!anyTextContains(&panel, QStringLiteral("refresh_marker")));
    const QString format = textOf(&panel, QStringLiteral("refreshTokenFormat"));
    QVERIFY2(format.contains(QStringLiteral("Present, %1 characters").arg(tokens.refreshToken.size())), qPrintable(format));
    QVERIFY(format.contains(QStringLiteral("never decoded")));

    auto *reveal = panel.findChild<QAbstractButton *>(QStringLiteral("revealRefreshToken"));
    QTest::mouseClick(reveal, Qt::LeftButton);
    QVERIFY(!anyTextContains(&panel, QStringLiteral("do-not-show-me")));
    QCOMPARE(textOf(&panel, QStringLiteral("refreshTokenValue")), tokens.refreshToken);
}

void TestTokenPanel::absentTokensExplained()
{
    TokenSet tokens;
    tokens.accessToken = QStringLiteral("opaque-access-token-value-123456");
    TokenPanel panel;
    panel.setTokens(tokens, {}, QStringLiteral("Client credentials 14:05"));
    QVERIFY(textOf(&panel, QStringLiteral("idTokenFormat")).contains(QStringLiteral("Absent.")));
    QVERIFY(textOf(&panel, QStringLiteral("refreshTokenFormat")).contains(QStringLiteral("offline_access")));
    QVERIFY(!panel.findChild<QAbstractButton *>(QStringLiteral("revealIdToken"))->isEnabled());
    QCOMPARE(textOf(&panel, QStringLiteral("tokenSource")), QStringLiteral("Client credentials 14:05"));
    QVERIFY(textOf(&panel, QStringLiteral("checksSummary")).contains(QStringLiteral("No ID token")));
}

void TestTokenPanel::checksListAndSummary_data()
{
    QTest::addColumn<int>("failed");
    QTest::addColumn<int>("warnings");
    QTest::addColumn<int>("skipped");
    QTest::addColumn<QString>("summary");

    QTest::newRow("all passed") << 0 << 0 << 0 << QStringLiteral("All 12 checks passed");
    QTest::newRow("two failed") << 2 << 0 << 0 << QStringLiteral("2 of 12 checks failed");
    QTest::newRow("failed with warning") << 1 << 1 << 2 << QStringLiteral("1 of 12 checks failed (1 warning, 2 skipped)");
    QTest::newRow("warning and skipped") << 0 << 1 << 1 << QStringLiteral("10 of 12 checks passed, 1 warning, 1 skipped");
}

void TestTokenPanel::checksListAndSummary()
{
    QFETCH(int, failed);
    QFETCH(int, warnings);
    QFETCH(int, skipped);
    QFETCH(QString, summary);

    const IdTokenValidation validation = makeValidation(failed, warnings, skipped);
    TokenPanel panel;
    panel.setTokens(makeTokens(), validation, QStringLiteral("Signed in 14:02"));

    QCOMPARE(textOf(&panel, QStringLiteral("checksSummary")), summary);
    auto *list = panel.findChild<QTreeWidget *>(QStringLiteral("validationChecks"));
    QVERIFY(list);
    QCOMPARE(list->topLevelItemCount(), 12);
    for (int i = 0; i < 12; ++i) {
        const QTreeWidgetItem *item = list->topLevelItem(i);
        const Check &check = validation.checks.at(i);
        QCOMPARE(item->text(0), check.name);
        QCOMPARE(item->text(2), check.reason);
        QVERIFY(!item->icon(0).isNull());
        QVERIFY(item->toolTip(0).contains(check.reason.toHtmlEscaped()));
        QVERIFY(item->toolTip(0).contains(QStringLiteral("section 3.1.3.7")));
        const QString expectedWord = check.status == Check::Status::Passed    ? QStringLiteral("passed")
                                     : check.status == Check::Status::Failed  ? QStringLiteral("failed")
                                     : check.status == Check::Status::Warning ? QStringLiteral("warning")
                                                                              : QStringLiteral("skipped");
        QCOMPARE(item->text(1), expectedWord);
    }
    // Failed and passed rows differ in colour and icon, not only in the word.
    if (failed > 0) {
        const QTreeWidgetItem *passedItem = list->topLevelItem(0);
        const QTreeWidgetItem *failedItem = list->topLevelItem(11);
        QVERIFY(passedItem->foreground(1).color() != failedItem->foreground(1).color());
        QVERIFY(passedItem->icon(0).pixmap(16).toImage() != failedItem->icon(0).pixmap(16).toImage());
    }
}

void TestTokenPanel::checksWithoutValidation()
{
    TokenPanel panel;
    panel.setTokens(makeTokens(), {}, QStringLiteral("Restored from the keychain"));
    QVERIFY(textOf(&panel, QStringLiteral("checksSummary")).contains(QStringLiteral("not validated")));
    QCOMPARE(panel.findChild<QTreeWidget *>(QStringLiteral("validationChecks"))->topLevelItemCount(), 0);
}

void TestTokenPanel::copySetsHintAndClears()
{
    const TokenSet tokens = makeTokens();
    TokenPanel panel;
    panel.setClipboardClearDelay(300);
    panel.setTokens(tokens, {}, QString());
    QClipboard *clipboard = QGuiApplication::clipboard();
    clipboard->clear();

    QTest::mouseClick(panel.findChild<QAbstractButton *>(QStringLiteral("copyAccessToken")), Qt::LeftButton);
    QCOMPARE(clipboard->text(), tokens.accessToken);
    const QMimeData *mime = clipboard->mimeData();
    QVERIFY(mime);
    QCOMPARE(mime->data(QStringLiteral("x-kde-passwordManagerHint")), QByteArray("secret"));
    QCOMPARE(panel.findChild<QAbstractButton *>(QStringLiteral("copyAccessToken"))->toolTip(),
             QStringLiteral("Copy the raw token. It is removed from the clipboard after 0 s."));
    // Copying is not revealing.
    QVERIFY(!anyTextContains(&panel, tokens.accessToken));

    QTRY_VERIFY_WITH_TIMEOUT(clipboard->text().isEmpty(), 3000);
}

void TestTokenPanel::copyKeepsForeignClipboard()
{
    const TokenSet tokens = makeTokens();
    QClipboard *clipboard = QGuiApplication::clipboard();
    {
        TokenPanel panel;
        panel.setClipboardClearDelay(200);
        panel.setTokens(tokens, {}, QString());
        QTest::mouseClick(panel.findChild<QAbstractButton *>(QStringLiteral("copyIdToken")), Qt::LeftButton);
        QCOMPARE(clipboard->text(), tokens.idToken);
        clipboard->setText(QStringLiteral("something the user copied later"));
        QTest::qWait(400);
        QCOMPARE(clipboard->text(), QStringLiteral("something the user copied later"));

        // Destroying the panel clears a token that is still on the clipboard.
        QTest::mouseClick(panel.findChild<QAbstractButton *>(QStringLiteral("copyRefreshToken")), Qt::LeftButton);
        QCOMPARE(clipboard->text(), tokens.refreshToken);
        panel.setClipboardClearDelay(60000);
    }
    QVERIFY(clipboard->text().isEmpty());
}

void TestTokenPanel::clearDelayFromSettings()
{
    QSettings().setValue(QStringLiteral("clipboard/clearDelaySeconds"), 45);
    TokenPanel panel;
    QCOMPARE(panel.clipboardClearDelay(), 45000);
    QCOMPARE(panel.findChild<QAbstractButton *>(QStringLiteral("copyAccessToken"))->toolTip(),
             QStringLiteral("Copy the raw token. It is removed from the clipboard after 45 s."));
    afx::gui::storeClipboardClearDelaySeconds(8);
    QCOMPARE(panel.clipboardClearDelay(), 8000);
    // A delay set through the panel's own API stays fixed.
    panel.setClipboardClearDelay(1500);
    afx::gui::storeClipboardClearDelaySeconds(20);
    QCOMPARE(panel.clipboardClearDelay(), 1500);
    QSettings().clear();
}

void TestTokenPanel::traceMasksTokens()
{
    const TokenSet tokens = makeTokens();
    afx::Trace trace;
    TokenPanel panel;
    panel.setTrace(&trace);
    panel.setTokens(tokens, {}, QString());
    const QString text = QStringLiteral("GET /me?x=%1 with %2 and %3").arg(tokens.idToken, tokens.accessToken, tokens.refreshToken);
    const QString masked = trace.mask(text);
    QVERIFY(!masked.contains(tokens.idToken));
    QVERIFY(!masked.contains(tokens.accessToken));
    QVERIFY(!masked.contains(tokens.refreshToken));
}

void TestTokenPanel::newTokensStartMasked()
{
    const TokenSet first = makeTokens();
    TokenPanel panel;
    panel.setTokens(first, {}, QString());
    QTest::mouseClick(panel.findChild<QAbstractButton *>(QStringLiteral("revealIdToken")), Qt::LeftButton);
    QVERIFY(anyTextContains(&panel, first.idToken));

    const TokenSet second = makeTokens();
    panel.setTokens(second, {}, QString());
    QVERIFY(!anyTextContains(&panel, second.idToken));
    QVERIFY(!panel.findChild<QAbstractButton *>(QStringLiteral("revealIdToken"))->isChecked());
}

void TestTokenPanel::screenshot()
{
    IdTokenValidation validation = makeValidation(0, 0, 0);
    validation.checks[0].reason = QStringLiteral("Three base64url parts with a JSON header and payload.");
    validation.checks[1].reason = QStringLiteral("RS256 is allowed by the profile and advertised by the provider.");
    validation.checks[2].reason = QStringLiteral("Found key \"sandbox-key-1\" (RSA, 2048 bits) in the JWKS.");
    validation.checks[3].reason = QStringLiteral("The RS256 signature is valid for key \"sandbox-key-1\".");
    validation.checks[4].reason = QStringLiteral("iss is \"http://127.0.0.1:8765\", the issuer of the provider metadata.");
    validation.checks[5].reason = QStringLiteral("aud contains the client ID \"explorer-client\".");
    validation.checks[6].status = Check::Status::Skipped;
    validation.checks[6].reason = QStringLiteral("azp is absent and aud has one value, so there is nothing to compare.");
    validation.checks[7].reason = QStringLiteral("exp is in 60 min, within the 60 s leeway.");
    validation.checks[8].reason = QStringLiteral("iat is 2 min ago.");
    validation.checks[9].status = Check::Status::Skipped;
    validation.checks[9].reason = QStringLiteral("The token has no nbf claim.");
    validation.checks[10].reason = QStringLiteral("nonce matches the value sent in the authorization request.");
    validation.checks[11].status = Check::Status::Warning;
    validation.checks[11].reason = QStringLiteral("at_hash is absent, which the code flow allows, so the access token is not bound to this ID token.");

    TokenPanel panel;
    panel.setTokens(makeTokens(), validation, QStringLiteral("Signed in 14:02 with the sandbox provider"));
    panel.resize(1000, 780);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));

    const QString dir = QStringLiteral(AFX_BINARY_DIR "/screenshots");
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(panel.grab().save(dir + QStringLiteral("/tokenpanel.png")));
    auto *reveal = panel.findChild<QAbstractButton *>(QStringLiteral("revealIdToken"));
    reveal->click();
    QTest::qWait(50); // lets the layout take the taller value box into account
    QVERIFY(panel.grab().save(dir + QStringLiteral("/tokenpanel-revealed.png")));
    reveal->click();
    auto *tabs = panel.findChild<QTabWidget *>(QStringLiteral("tokenTabs"));
    tabs->setCurrentIndex(1);
    QVERIFY(panel.grab().save(dir + QStringLiteral("/tokenpanel-access.png")));
    tabs->setCurrentIndex(2);
    QVERIFY(panel.grab().save(dir + QStringLiteral("/tokenpanel-refresh.png")));

    // The same panel in a dark palette, with a failed check, to judge the colours.
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    dark.setColor(QPalette::ButtonText, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::PlaceholderText, QColor(0x9e, 0x9e, 0x9e));
    panel.setPalette(dark);
    validation.checks[3].status = Check::Status::Failed;
    validation.checks[3].reason = QStringLiteral("The RS256 signature does not verify with key \"sandbox-key-1\".");
    panel.setTokens(makeTokens(), validation, QStringLiteral("Rejected by validation"));
    tabs->setCurrentIndex(0);
    QVERIFY(panel.grab().save(dir + QStringLiteral("/tokenpanel-dark.png")));
}

QTEST_MAIN(TestTokenPanel)
#include "tst_tokenpanel.moc"
