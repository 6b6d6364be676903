// Token store tests. The keychain cases use the real Secret Service, so run them through
// scripts/lib/test-session, which starts a private D-Bus session with an unlocked
// gnome-keyring, or with AFX_NO_SECRET_SERVICE=1, which starts one without any provider.
// Outside test-session the keychain cases skip, so that they never touch a developer's keyring.

#include "storage/keychaintokenstore.h"
#include "storage/memorytokenstore.h"

#include <QtTest>

#include <qt6keychain/keychain.h>

#include <memory>

using namespace afx;
using namespace std::chrono_literals;

namespace {

constexpr int keychainWaitMs = 15000;

bool inTestSession()
{
    return qEnvironmentVariable("AFX_TEST_SESSION") == QLatin1String("1");
}

bool withoutSecretService()
{
    return qEnvironmentVariable("AFX_NO_SECRET_SERVICE") == QLatin1String("1");
}

// Records every call of a Done callback.
struct DoneRecorder {
    int calls = 0;
    bool ok = false;
    QString error;

    TokenStore::Done callback()
    {
        return [this](bool success, const QString &message) {
            ++calls;
            ok = success;
            error = message;
        };
    }
};

// Records every call of a Loaded callback.
struct LoadRecorder {
    int calls = 0;
    bool found = false;
    QString value;
    QString error;

    TokenStore::Loaded callback()
    {
        return [this](bool wasFound, const QString &loadedValue, const QString &message) {
            ++calls;
            found = wasFound;
            value = loadedValue;
            error = message;
        };
    }
};

TokenSet sampleTokens()
{
    TokenSet tokens;
    tokens.idToken = QStringLiteral("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln");
    tokens.accessToken = QStringLiteral("access-7f3a");
    tokens.refreshToken = QStringLiteral("refresh-91bc");
    tokens.tokenType = QStringLiteral("Bearer");
    tokens.scope = QStringLiteral("openid profile email offline_access");
    tokens.expiresAt = QDateTime(QDate(2031, 3, 4), QTime(5, 6, 7, 890), Qt::UTC);
    tokens.obtainedAt = QDateTime(QDate(2031, 3, 4), QTime(4, 6, 7, 123), Qt::UTC);
    return tokens;
}

void compareTokens(const TokenSet &actual, const TokenSet &expected)
{
    QCOMPARE(actual.idToken, expected.idToken);
    QCOMPARE(actual.accessToken, expected.accessToken);
    QCOMPARE(actual.refreshToken, expected.refreshToken);
    QCOMPARE(actual.tokenType, expected.tokenType);
    QCOMPARE(actual.scope, expected.scope);
    QCOMPARE(actual.expiresAt, expected.expiresAt);
    QCOMPARE(actual.obtainedAt, expected.obtainedAt);
}

} // namespace

// QSKIP returns from the enclosing function, so these checks are macros, not helper functions.
#define REQUIRE_KEYCHAIN()                                                                        \
    do {                                                                                          \
        if (!inTestSession())                                                                     \
            QSKIP("Keychain cases run only through scripts/lib/test-session");                    \
        if (withoutSecretService())                                                               \
            QSKIP("AFX_NO_SECRET_SERVICE=1: this session has no Secret Service");                 \
    } while (false)

#define REQUIRE_NO_SECRET_SERVICE()                                                               \
    do {                                                                                          \
        if (!inTestSession() || !withoutSecretService())                                          \
            QSKIP("Runs only with AFX_NO_SECRET_SERVICE=1 through scripts/lib/test-session");     \
    } while (false)

class TokenStoreTest : public QObject {
    Q_OBJECT

private:
    static QString uniqueKey(const QString &name);

private Q_SLOTS:
    void tokenSetJsonRoundTrip();
    void tokenSetJsonOmitsEmptyMembers();
    void tokenSetFromBadJson_data();
    void tokenSetFromBadJson();
    void tokenKeyToString();
    void secretKeyNames();

    void memoryWriteReadRemove();
    void memoryMissingKeyNotFound();
    void memoryCallbacksAsynchronous();
    void memoryTokenSetRoundTrip();
    void memoryDamagedTokenSet();

    void keychainProbeSucceeds();
    void keychainWriteReadRemove_data();
    void keychainWriteReadRemove();
    void keychainMissingKeyNotFound();
    void keychainOverwrite();
    void keychainRemoveMissingKey();
    void keychainTokenSetRoundTrip();
    void keychainCallbacksExactlyOnce();
    void keychainTimeoutReportsOnce();

    void keychainProbeWithoutSecretService();
    void keychainWriteWithoutSecretService();
    void keychainReadRemoveWithoutSecretService();

    void explainKeychainError_data();
    void explainKeychainError();

    // Must stay the last keychain case: a locked keyring cannot be unlocked again without a
    // prompt, so the cases after it would fail.
    void keychainLockedKeyring();
};

QString TokenStoreTest::uniqueKey(const QString &name)
{
    return QStringLiteral("test/") + name + u'/' + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

// --- TokenSet and key names ---

void TokenStoreTest::tokenSetJsonRoundTrip()
{
    const TokenSet tokens = sampleTokens();
    TokenSet parsed;
    QString error;
    QVERIFY2(TokenSet::fromJson(tokens.toJson(), &parsed, &error), qPrintable(error));
    compareTokens(parsed, tokens);
    QCOMPARE(parsed.expiresAt.timeSpec(), Qt::UTC);
}

void TokenStoreTest::tokenSetJsonOmitsEmptyMembers()
{
    TokenSet tokens;
    tokens.accessToken = QStringLiteral("only-access");
    const QJsonObject json = QJsonDocument::fromJson(tokens.toJson()).object();
    QVERIFY(json.contains(QLatin1String("accessToken")));
    QVERIFY(!json.contains(QLatin1String("refreshToken")));
    QVERIFY(!json.contains(QLatin1String("expiresAt")));

    TokenSet parsed;
    QString error;
    QVERIFY2(TokenSet::fromJson(tokens.toJson(), &parsed, &error), qPrintable(error));
    QCOMPARE(parsed.accessToken, tokens.accessToken);
    QVERIFY(!parsed.expiresAt.isValid());
    QVERIFY(!parsed.isEmpty());
}

void TokenStoreTest::tokenSetFromBadJson_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expectedError");

    const QByteArray valid = sampleTokens().toJson();
    QTest::newRow("empty input") << QByteArray() << QStringLiteral("not valid JSON");
    QTest::newRow("truncated") << valid.left(valid.size() / 2) << QStringLiteral("not valid JSON");
    QTest::newRow("array") << QByteArray("[\"access-7f3a\"]") << QStringLiteral("not a JSON object");
    QTest::newRow("number") << QByteArray("42") << QStringLiteral("not");
    QTest::newRow("accessToken number") << QByteArray(R"({"accessToken": 918273})")
                                        << QStringLiteral("Member \"accessToken\" must be a string, found a number");
    QTest::newRow("refreshToken object") << QByteArray(R"({"refreshToken": {"v": "918273"}})")
                                         << QStringLiteral("Member \"refreshToken\" must be a string, found an object");
    QTest::newRow("expiresAt not a date") << QByteArray(R"({"expiresAt": "918273-not-a-date"})")
                                          << QStringLiteral("Member \"expiresAt\" must be an ISO 8601 date");
    QTest::newRow("expiresAt number") << QByteArray(R"({"expiresAt": 918273})")
                                      << QStringLiteral("Member \"expiresAt\" must be a string, found a number");
    QTest::newRow("newer version") << QByteArray(R"({"version": 2, "accessToken": "a"})")
                                   << QStringLiteral("version 2");
    QTest::newRow("version string") << QByteArray(R"({"version": "1"})")
                                    << QStringLiteral("Member \"version\" must be a number");
}

void TokenStoreTest::tokenSetFromBadJson()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expectedError);

    TokenSet parsed = sampleTokens();
    QString error;
    QVERIFY(!TokenSet::fromJson(json, &parsed, &error));
    QVERIFY2(error.contains(expectedError), qPrintable(error));
    // Error messages never repeat a stored value.
    QVERIFY2(!error.contains(QLatin1String("918273")), qPrintable(error));
    // A failed parse leaves the output untouched.
    QCOMPARE(parsed.accessToken, sampleTokens().accessToken);
}

void TokenStoreTest::tokenKeyToString()
{
    TokenKey key{QStringLiteral("p1"), QStringLiteral("https://login.example.com/"), QStringLiteral("client-a"),
                 QString()};
    QCOMPARE(key.toString(), QStringLiteral("tokens/p1/https://login.example.com//client-a"));
    key.audience = QStringLiteral("https://api.example.com");
    QCOMPARE(key.toString(), QStringLiteral("tokens/p1/https://login.example.com//client-a/https://api.example.com"));
}

void TokenStoreTest::secretKeyNames()
{
    QCOMPARE(TokenStore::clientSecretKey(QStringLiteral("p1")), QStringLiteral("client-secret/p1"));
    QCOMPARE(TokenStore::apiTokenKey(QStringLiteral("p1")), QStringLiteral("api-token/p1"));
    QVERIFY(TokenStore::clientSecretKey(QStringLiteral("p1")) != TokenStore::apiTokenKey(QStringLiteral("p1")));
}

// --- MemoryTokenStore ---

void TokenStoreTest::memoryWriteReadRemove()
{
    MemoryTokenStore store;
    QVERIFY(!store.isPersistent());
    QVERIFY(!store.backendName().isEmpty());

    DoneRecorder written;
    store.write(QStringLiteral("k"), QStringLiteral("v1"), written.callback());
    QTRY_COMPARE(written.calls, 1);
    QVERIFY(written.ok);
    QCOMPARE(store.size(), 1);

    LoadRecorder loaded;
    store.read(QStringLiteral("k"), loaded.callback());
    QTRY_COMPARE(loaded.calls, 1);
    QVERIFY(loaded.found);
    QCOMPARE(loaded.value, QStringLiteral("v1"));
    QVERIFY(loaded.error.isEmpty());

    DoneRecorder removed;
    store.remove(QStringLiteral("k"), removed.callback());
    QTRY_COMPARE(removed.calls, 1);
    QVERIFY(removed.ok);
    QCOMPARE(store.size(), 0);

    LoadRecorder afterRemove;
    store.read(QStringLiteral("k"), afterRemove.callback());
    QTRY_COMPARE(afterRemove.calls, 1);
    QVERIFY(!afterRemove.found);
}

void TokenStoreTest::memoryMissingKeyNotFound()
{
    MemoryTokenStore store;
    LoadRecorder loaded;
    store.read(QStringLiteral("absent"), loaded.callback());
    QTRY_COMPARE(loaded.calls, 1);
    QVERIFY(!loaded.found);
    QVERIFY(loaded.value.isEmpty());
    QVERIFY(loaded.error.isEmpty());
}

void TokenStoreTest::memoryCallbacksAsynchronous()
{
    MemoryTokenStore store;
    DoneRecorder written;
    LoadRecorder loaded;
    store.write(QStringLiteral("k"), QStringLiteral("v"), written.callback());
    store.read(QStringLiteral("k"), loaded.callback());
    // Nothing is delivered from inside the calls.
    QCOMPARE(written.calls, 0);
    QCOMPARE(loaded.calls, 0);
    QTRY_COMPARE(loaded.calls, 1);
    QCOMPARE(written.calls, 1);
    QCOMPARE(loaded.value, QStringLiteral("v"));

    // Callbacks pending when the store goes away are dropped, not run on a dead store.
    auto doomed = std::make_unique<MemoryTokenStore>();
    DoneRecorder dropped;
    doomed->write(QStringLiteral("k"), QStringLiteral("v"), dropped.callback());
    doomed.reset();
    QCoreApplication::processEvents();
    QCOMPARE(dropped.calls, 0);
}

void TokenStoreTest::memoryTokenSetRoundTrip()
{
    MemoryTokenStore store;
    const TokenKey key{QStringLiteral("p1"), QStringLiteral("https://login.example.com"), QStringLiteral("c"),
                       QString()};
    DoneRecorder saved;
    store.saveTokens(key, sampleTokens(), saved.callback());
    QTRY_COMPARE(saved.calls, 1);
    QVERIFY(saved.ok);

    int calls = 0;
    bool found = false;
    TokenSet loaded;
    store.loadTokens(key, [&](bool wasFound, const TokenSet &tokens, const QString &) {
        ++calls;
        found = wasFound;
        loaded = tokens;
    });
    QTRY_COMPARE(calls, 1);
    QVERIFY(found);
    compareTokens(loaded, sampleTokens());
}

void TokenStoreTest::memoryDamagedTokenSet()
{
    MemoryTokenStore store;
    const TokenKey key{QStringLiteral("p1"), QStringLiteral("https://login.example.com"), QStringLiteral("c"),
                       QString()};
    DoneRecorder written;
    store.write(key.toString(), QStringLiteral("{\"accessToken\": 5"), written.callback());
    QTRY_COMPARE(written.calls, 1);

    int calls = 0;
    bool found = true;
    QString error;
    store.loadTokens(key, [&](bool wasFound, const TokenSet &, const QString &message) {
        ++calls;
        found = wasFound;
        error = message;
    });
    QTRY_COMPARE(calls, 1);
    QVERIFY(!found);
    QVERIFY2(error.contains(QLatin1String("cannot be read")), qPrintable(error));
}

// --- KeychainTokenStore against the real Secret Service ---

void TokenStoreTest::keychainProbeSucceeds()
{
    REQUIRE_KEYCHAIN();
    KeychainTokenStore store;
    QVERIFY(store.isPersistent());
    QVERIFY(!store.lastProbe().has_value());

    int calls = 0;
    KeychainProbeResult result;
    store.probe([&](const KeychainProbeResult &probed) {
        ++calls;
        result = probed;
    });
    QTRY_COMPARE_WITH_TIMEOUT(calls, 1, keychainWaitMs);
    QVERIFY2(result.ok, qPrintable(result.message()));
    QVERIFY(result.keychainError.isEmpty());
    QVERIFY(store.lastProbe().has_value());
    QVERIFY(store.lastProbe()->ok);

    // The probe leaves no entry behind.
    LoadRecorder leftover;
    store.read(KeychainTokenStore::probeKey(), leftover.callback());
    QTRY_COMPARE_WITH_TIMEOUT(leftover.calls, 1, keychainWaitMs);
    QVERIFY(!leftover.found);
    QVERIFY2(leftover.error.isEmpty(), qPrintable(leftover.error));
}

void TokenStoreTest::keychainWriteReadRemove_data()
{
    QTest::addColumn<QString>("value");

    QTest::newRow("ascii") << QStringLiteral("s3cr3t-value");
    QTest::newRow("unicode") << QStringLiteral("pässwörd ✓ 秘密 🔑 \u00e9\u0301");
    QTest::newRow("json with quotes and newlines") << QStringLiteral("{\"a\": \"b\\n\",\n \"c\": [1, 2]}\n");
    QString large;
    large.reserve(16 * 1024);
    while (large.size() < 16 * 1024)
        large += QStringLiteral("0123456789abcdef");
    QTest::newRow("16 KiB") << large;
    QTest::newRow("16 KiB unicode") << QString(16 * 1024, QChar(0x00FC));
}

void TokenStoreTest::keychainWriteReadRemove()
{
    REQUIRE_KEYCHAIN();
    QFETCH(QString, value);

    KeychainTokenStore store;
    const QString key = uniqueKey(QStringLiteral("round-trip"));

    DoneRecorder written;
    store.write(key, value, written.callback());
    QTRY_COMPARE_WITH_TIMEOUT(written.calls, 1, keychainWaitMs);
    QVERIFY2(written.ok, qPrintable(written.error));

    LoadRecorder loaded;
    store.read(key, loaded.callback());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.calls, 1, keychainWaitMs);
    QVERIFY2(loaded.found, qPrintable(loaded.error));
    QCOMPARE(loaded.value.size(), value.size());
    QCOMPARE(loaded.value, value);

    DoneRecorder removed;
    store.remove(key, removed.callback());
    QTRY_COMPARE_WITH_TIMEOUT(removed.calls, 1, keychainWaitMs);
    QVERIFY2(removed.ok, qPrintable(removed.error));

    LoadRecorder afterRemove;
    store.read(key, afterRemove.callback());
    QTRY_COMPARE_WITH_TIMEOUT(afterRemove.calls, 1, keychainWaitMs);
    QVERIFY(!afterRemove.found);
    QVERIFY2(afterRemove.error.isEmpty(), qPrintable(afterRemove.error));
}

void TokenStoreTest::keychainMissingKeyNotFound()
{
    REQUIRE_KEYCHAIN();
    KeychainTokenStore store;
    LoadRecorder loaded;
    store.read(uniqueKey(QStringLiteral("never-written")), loaded.callback());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.calls, 1, keychainWaitMs);
    QVERIFY(!loaded.found);
    QVERIFY(loaded.value.isEmpty());
    QVERIFY2(loaded.error.isEmpty(), qPrintable(loaded.error));
}

void TokenStoreTest::keychainOverwrite()
{
    REQUIRE_KEYCHAIN();
    KeychainTokenStore store;
    const QString key = uniqueKey(QStringLiteral("overwrite"));

    DoneRecorder first;
    store.write(key, QStringLiteral("first"), first.callback());
    DoneRecorder second;
    store.write(key, QStringLiteral("second"), second.callback());
    QTRY_COMPARE_WITH_TIMEOUT(second.calls, 1, keychainWaitMs);
    QCOMPARE(first.calls, 1);
    QVERIFY2(first.ok, qPrintable(first.error));
    QVERIFY2(second.ok, qPrintable(second.error));

    LoadRecorder loaded;
    store.read(key, loaded.callback());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.calls, 1, keychainWaitMs);
    QVERIFY(loaded.found);
    QCOMPARE(loaded.value, QStringLiteral("second"));

    DoneRecorder removed;
    store.remove(key, removed.callback());
    QTRY_COMPARE_WITH_TIMEOUT(removed.calls, 1, keychainWaitMs);
    QVERIFY(removed.ok);
}

void TokenStoreTest::keychainRemoveMissingKey()
{
    REQUIRE_KEYCHAIN();
    KeychainTokenStore store;
    DoneRecorder removed;
    store.remove(uniqueKey(QStringLiteral("never-written")), removed.callback());
    QTRY_COMPARE_WITH_TIMEOUT(removed.calls, 1, keychainWaitMs);
    QVERIFY2(removed.ok, qPrintable(removed.error));
}

void TokenStoreTest::keychainTokenSetRoundTrip()
{
    REQUIRE_KEYCHAIN();
    KeychainTokenStore store;
    const TokenKey key{QStringLiteral("p1"), QStringLiteral("https://login.example.com"),
                       QStringLiteral("client-") + QUuid::createUuid().toString(QUuid::WithoutBraces),
                       QStringLiteral("https://api.example.com")};

    DoneRecorder saved;
    store.saveTokens(key, sampleTokens(), saved.callback());
    QTRY_COMPARE_WITH_TIMEOUT(saved.calls, 1, keychainWaitMs);
    QVERIFY2(saved.ok, qPrintable(saved.error));

    int calls = 0;
    bool found = false;
    TokenSet loaded;
    QString error;
    store.loadTokens(key, [&](bool wasFound, const TokenSet &tokens, const QString &message) {
        ++calls;
        found = wasFound;
        loaded = tokens;
        error = message;
    });
    QTRY_COMPARE_WITH_TIMEOUT(calls, 1, keychainWaitMs);
    QVERIFY2(found, qPrintable(error));
    compareTokens(loaded, sampleTokens());

    DoneRecorder removed;
    store.remove(key.toString(), removed.callback());
    QTRY_COMPARE_WITH_TIMEOUT(removed.calls, 1, keychainWaitMs);
    QVERIFY(removed.ok);
}

void TokenStoreTest::keychainCallbacksExactlyOnce()
{
    REQUIRE_KEYCHAIN();
    KeychainTokenStore store;
    constexpr int count = 10;
    QList<QString> keys;
    std::vector<DoneRecorder> writes(count);
    std::vector<LoadRecorder> reads(count);
    std::vector<DoneRecorder> removes(count);

    // All calls start at once, and QtKeychain queues them.
    for (int i = 0; i < count; ++i) {
        keys.append(uniqueKey(QStringLiteral("once")));
        store.write(keys.at(i), QStringLiteral("value %1").arg(i), writes[i].callback());
        store.read(keys.at(i), reads[i].callback());
        store.remove(keys.at(i), removes[i].callback());
    }
    QTRY_COMPARE_WITH_TIMEOUT(removes[count - 1].calls, 1, keychainWaitMs);
    // Give any duplicate delivery a chance to show up.
    QTest::qWait(300);

    for (int i = 0; i < count; ++i) {
        QCOMPARE(writes[i].calls, 1);
        QCOMPARE(reads[i].calls, 1);
        QCOMPARE(removes[i].calls, 1);
        QVERIFY2(writes[i].ok, qPrintable(writes[i].error));
        QVERIFY2(reads[i].found, qPrintable(reads[i].error));
        QCOMPARE(reads[i].value, QStringLiteral("value %1").arg(i));
        QVERIFY2(removes[i].ok, qPrintable(removes[i].error));
    }
}

void TokenStoreTest::keychainTimeoutReportsOnce()
{
    REQUIRE_KEYCHAIN();
    // QtKeychain runs one job at a time, so a write queued behind many others cannot finish
    // within 1 ms: its timeout fires first, and its own late result must be ignored.
    KeychainTokenStore busy;
    constexpr int queued = 40;
    std::vector<DoneRecorder> busyWrites(queued);
    const QString busyKey = uniqueKey(QStringLiteral("busy"));
    for (int i = 0; i < queued; ++i)
        busy.write(busyKey, QStringLiteral("value %1").arg(i), busyWrites[i].callback());

    KeychainTokenStore impatient;
    impatient.setTimeout(1ms);
    QCOMPARE(impatient.timeout(), 1ms);
    const QString key = uniqueKey(QStringLiteral("late"));
    DoneRecorder late;
    impatient.write(key, QStringLiteral("late value"), late.callback());

    QTRY_COMPARE_WITH_TIMEOUT(late.calls, 1, keychainWaitMs);
    QVERIFY(!late.ok);
    QVERIFY2(late.error.contains(QLatin1String("no answer within 1 ms")), qPrintable(late.error));

    // Wait until the queue has drained and the late write has really finished.
    QTRY_COMPARE_WITH_TIMEOUT(busyWrites[queued - 1].calls, 1, keychainWaitMs);
    KeychainTokenStore patient;
    LoadRecorder loaded;
    patient.read(key, loaded.callback());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.calls, 1, keychainWaitMs);
    QVERIFY2(loaded.found, "the write that timed out should still have completed in the keychain");
    QCOMPARE(late.calls, 1);

    DoneRecorder removedLate;
    DoneRecorder removedBusy;
    patient.remove(key, removedLate.callback());
    patient.remove(busyKey, removedBusy.callback());
    QTRY_COMPARE_WITH_TIMEOUT(removedBusy.calls, 1, keychainWaitMs);
    QCOMPARE(late.calls, 1);
}

// --- KeychainTokenStore without any Secret Service ---

void TokenStoreTest::keychainProbeWithoutSecretService()
{
    REQUIRE_NO_SECRET_SERVICE();
    KeychainTokenStore store;
    int calls = 0;
    KeychainProbeResult result;
    store.probe([&](const KeychainProbeResult &probed) {
        ++calls;
        result = probed;
    });
    QTRY_COMPARE_WITH_TIMEOUT(calls, 1, keychainWaitMs);
    qInfo().noquote() << "Probe without Secret Service:" << result.message();
    QVERIFY(!result.ok);
    QVERIFY(!result.keychainError.isEmpty());
    QVERIFY2(result.message().contains(QLatin1String("Secret Service")), qPrintable(result.message()));
    QVERIFY2(result.explanation.contains(QLatin1String("gnome-keyring")), qPrintable(result.explanation));
    QVERIFY(store.lastProbe().has_value());
    QVERIFY(!store.lastProbe()->ok);
    QTest::qWait(100);
    QCOMPARE(calls, 1);
}

void TokenStoreTest::keychainWriteWithoutSecretService()
{
    REQUIRE_NO_SECRET_SERVICE();
    KeychainTokenStore store;
    DoneRecorder written;
    store.write(uniqueKey(QStringLiteral("no-service")), QStringLiteral("v"), written.callback());
    QTRY_COMPARE_WITH_TIMEOUT(written.calls, 1, keychainWaitMs);
    qInfo().noquote() << "Write without Secret Service:" << written.error;
    QVERIFY(!written.ok);
    QVERIFY2(written.error.contains(QLatin1String("Secret Service")), qPrintable(written.error));
}

void TokenStoreTest::keychainReadRemoveWithoutSecretService()
{
    REQUIRE_NO_SECRET_SERVICE();
    // Whatever QtKeychain reports here, it must never claim to have found a value, and each
    // callback runs once. probe() is what decides whether the keychain is usable.
    KeychainTokenStore store;
    LoadRecorder loaded;
    store.read(uniqueKey(QStringLiteral("no-service")), loaded.callback());
    DoneRecorder removed;
    store.remove(uniqueKey(QStringLiteral("no-service")), removed.callback());
    QTRY_COMPARE_WITH_TIMEOUT(removed.calls, 1, keychainWaitMs);
    QCOMPARE(loaded.calls, 1);
    qInfo().noquote() << "Read without Secret Service: found" << loaded.found << "error:" << loaded.error;
    qInfo().noquote() << "Delete without Secret Service: ok" << removed.ok << "error:" << removed.error;
    QVERIFY(!loaded.found);
    QVERIFY(loaded.value.isEmpty());
    QTest::qWait(100);
    QCOMPARE(loaded.calls, 1);
    QCOMPARE(removed.calls, 1);
}

// --- Explanations for the errors QtKeychain reports ---

void TokenStoreTest::explainKeychainError_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("errorText");
    QTest::addColumn<QString>("expectedAdvice");

    // Error texts seen with QtKeychain 0.13.2, libsecret 0.20.5 and gnome-keyring 42 (Debian 12).
    QTest::newRow("no session bus") << int(QKeychain::OtherError)
                                    << QStringLiteral("Cannot autolaunch D-Bus without X11 $DISPLAY")
                                    << QStringLiteral("No D-Bus session bus");
    QTest::newRow("no provider on the bus")
        << int(QKeychain::OtherError)
        << QStringLiteral("The name org.freedesktop.secrets was not provided by any .service files")
        << QStringLiteral("install and start gnome-keyring or another Secret Service provider (package gnome-keyring)");
    QTest::newRow("no backend") << int(QKeychain::NoBackendAvailable) << QStringLiteral("No keychain service available")
                                << QStringLiteral("install and start gnome-keyring");
    QTest::newRow("no login keyring")
        << int(QKeychain::OtherError)
        << QStringLiteral("Object does not exist at path \u201c/org/freedesktop/secrets/collection/login\u201d")
        << QStringLiteral("no login keyring");
    QTest::newRow("locked keyring") << int(QKeychain::AccessDenied)
                                    << QStringLiteral("Cannot create an item in a locked collection")
                                    << QStringLiteral("unlock the login keyring");
    QTest::newRow("unknown") << int(QKeychain::OtherError) << QStringLiteral("Something else")
                             << QStringLiteral("Secret Service provider such as gnome-keyring");
}

void TokenStoreTest::explainKeychainError()
{
    QFETCH(int, code);
    QFETCH(QString, errorText);
    QFETCH(QString, expectedAdvice);

    const QString advice = KeychainTokenStore::explainError(code, errorText);
    QVERIFY2(advice.contains(expectedAdvice), qPrintable(advice));
}

// --- Locked keyring ---

void TokenStoreTest::keychainLockedKeyring()
{
    REQUIRE_KEYCHAIN();
    const QString gdbus = QStandardPaths::findExecutable(QStringLiteral("gdbus"));
    if (gdbus.isEmpty())
        QSKIP("gdbus (package libglib2.0-bin) is needed to lock the keyring");

    QProcess lock;
    lock.start(gdbus, {QStringLiteral("call"), QStringLiteral("--session"), QStringLiteral("--dest"),
                       QStringLiteral("org.freedesktop.secrets"), QStringLiteral("--object-path"),
                       QStringLiteral("/org/freedesktop/secrets"), QStringLiteral("--method"),
                       QStringLiteral("org.freedesktop.Secret.Service.Lock"),
                       QStringLiteral("['/org/freedesktop/secrets/collection/login']")});
    QVERIFY(lock.waitForFinished(10000));
    QVERIFY2(lock.exitCode() == 0, lock.readAllStandardError().constData());

    KeychainTokenStore store;
    store.setTimeout(3s);
    int calls = 0;
    KeychainProbeResult result;
    store.probe([&](const KeychainProbeResult &probed) {
        ++calls;
        result = probed;
    });
    QTRY_COMPARE_WITH_TIMEOUT(calls, 1, keychainWaitMs);
    qInfo().noquote() << "Probe with a locked keyring:" << result.message();
    QVERIFY(!result.ok);
    QVERIFY2(result.explanation.contains(QLatin1String("unlock"), Qt::CaseInsensitive), qPrintable(result.explanation));
}

QTEST_GUILESS_MAIN(TokenStoreTest)
#include "tst_tokenstore.moc"
