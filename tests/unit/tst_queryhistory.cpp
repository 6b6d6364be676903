// The query editor's history and saved queries (query::HistoryStore): persistence, the cap,
// filtering, secret stripping and every kind of bad file.

#include "query/history.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

using afx::query::HistoryEntry;
using afx::query::HistoryStore;
using afx::query::RequestMode;

namespace {

const QString profileId = QStringLiteral("my-profile");
// A JWT-shaped value; nothing verifies it.
const QString jwt = QStringLiteral("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl");

HistoryEntry graphqlEntry(const QString &operation, int status = 200)
{
    HistoryEntry entry;
    entry.mode = RequestMode::Graphql;
    entry.method = QStringLiteral("POST");
    entry.url = QStringLiteral("http://127.0.0.1:4000/graphql");
    entry.document = QStringLiteral("query %1 {\n  me { id }\n}").arg(operation);
    entry.operationName = operation;
    entry.variables = QStringLiteral("{\"first\": 10}");
    entry.headers = QStringLiteral("X-Request-Id: 42");
    entry.credential = QStringLiteral("access-token");
    entry.status = status;
    entry.durationMs = 35;
    entry.time = QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC);
    return entry;
}

HistoryEntry httpEntry(const QString &method, const QString &url, const QString &body = QString())
{
    HistoryEntry entry;
    entry.mode = RequestMode::Http;
    entry.method = method;
    entry.url = url;
    entry.body = body;
    entry.status = 201;
    entry.durationMs = 12;
    entry.time = QDateTime(QDate(2026, 3, 1), QTime(12, 5), Qt::UTC);
    return entry;
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QStringList corruptCopies(const QString &directory)
{
    return QDir(directory).entryList({QStringLiteral("*.corrupt-*")}, QDir::Files, QDir::Name);
}

QByteArray historyFile(const QJsonArray &entries, int version = 1)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("format"), QStringLiteral("authflow-explorer-history")},
                                     {QStringLiteral("version"), version},
                                     {QStringLiteral("entries"), entries}})
        .toJson();
}

} // namespace

class TestQueryHistory : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();

    void roundTripAfterRestart();
    void newestFirstAndCapped();
    void capAppliesOnLoad();
    void filterMatchesDocumentUrlOperation_data();
    void filterMatchesDocumentUrlOperation();
    void savedQueriesLifecycle();
    void savedQueryNamesChecked();
    void defaultDirectoryUnderAppData();
    void invalidProfileIdRejected();
    void writesLeaveNoTemporaryFiles();

    void stripsSecretHeaders_data();
    void stripsSecretHeaders();
    void stripsUrlParameters();
    void stripsJsonMembers();
    void stripsFormBody();
    void stripsKnownSecretsAndJwts();
    void keepsPlaceholders();
    void dropsOversizedFields();
    void storeStripsBeforeWriting();

    void badFileSetAside_data();
    void badFileSetAside();
    void hugeFileSetAside();
    void invalidEntriesSkipped();
    void newerVersionLeftAlone();
    void badHistoryKeepsSavedQueries();
    void unreadableFileNotOverwritten();
    void unwritableFolderReported();
    void folderIsAFileReported();
    void directoryInPlaceOfFile();

private:
    QTemporaryDir m_dir;
    QString folder() const { return m_dir.path() + QStringLiteral("/history"); }
};

void TestQueryHistory::init()
{
    QVERIFY(m_dir.isValid());
    QDir(folder()).removeRecursively();
}

void TestQueryHistory::roundTripAfterRestart()
{
    {
        HistoryStore store(folder());
        QStringList problems;
        store.open(profileId, &problems);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
        QString error;
        QVERIFY2(store.addToHistory(graphqlEntry(QStringLiteral("First")), {}, &error), qPrintable(error));
        QVERIFY2(store.addToHistory(httpEntry(QStringLiteral("PUT"), QStringLiteral("http://127.0.0.1:4000/todos/1"),
                                              QStringLiteral("{\"title\": \"Grüße ✓\"}")),
                                    {}, &error),
                 qPrintable(error));
        QVERIFY2(store.saveQuery([] {
            HistoryEntry saved = graphqlEntry(QStringLiteral("Saved"));
            saved.name = QStringLiteral("My orders");
            return saved;
        }(), {}, &error), qPrintable(error));
    }
    QVERIFY(QFile::exists(folder() + QStringLiteral("/my-profile.history.json")));
    QVERIFY(QFile::exists(folder() + QStringLiteral("/my-profile.saved.json")));

    // A new store reads the files as the next start of the app does.
    HistoryStore reopened(folder());
    QStringList problems;
    reopened.open(profileId, &problems);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    QCOMPARE(reopened.history().size(), 2);
    const HistoryEntry &http = reopened.history().at(0);
    QCOMPARE(http.mode, RequestMode::Http);
    QCOMPARE(http.method, QStringLiteral("PUT"));
    QCOMPARE(http.url, QStringLiteral("http://127.0.0.1:4000/todos/1"));
    QCOMPARE(http.body, QStringLiteral("{\"title\": \"Grüße ✓\"}"));
    QCOMPARE(http.status, 201);
    QCOMPARE(http.durationMs, qint64(12));
    QVERIFY(http.time.isValid());
    const HistoryEntry &graphql = reopened.history().at(1);
    QCOMPARE(graphql.mode, RequestMode::Graphql);
    QCOMPARE(graphql.document, QStringLiteral("query First {\n  me { id }\n}"));
    QCOMPARE(graphql.operationName, QStringLiteral("First"));
    QCOMPARE(graphql.variables, QStringLiteral("{\"first\": 10}"));
    QCOMPARE(graphql.headers, QStringLiteral("X-Request-Id: 42"));
    QCOMPARE(graphql.credential, QStringLiteral("access-token"));
    QVERIFY(graphql.removed.isEmpty());
    QCOMPARE(reopened.savedQueries().size(), 1);
    QCOMPARE(reopened.savedQueries().at(0).name, QStringLiteral("My orders"));
    // Search after the restart.
    QCOMPARE(afx::query::filterEntries(reopened.history(), QStringLiteral("todos")), QList<int>{0});
    QCOMPARE(afx::query::filterEntries(reopened.history(), QStringLiteral("first")), QList<int>{1});

    // Another profile's history is separate.
    HistoryStore other(folder());
    other.open(QStringLiteral("other"), &problems);
    QVERIFY(other.history().isEmpty());
}

void TestQueryHistory::newestFirstAndCapped()
{
    HistoryStore store(folder());
    store.open(profileId, nullptr);
    store.setMaxEntries(5);
    QString error;
    for (int i = 0; i < 8; ++i) {
        HistoryEntry entry = graphqlEntry(QStringLiteral("Op%1").arg(i));
        entry.time = QDateTime::currentDateTimeUtc().addSecs(i);
        QVERIFY2(store.addToHistory(entry, {}, &error), qPrintable(error));
    }
    QCOMPARE(store.history().size(), 5);
    QCOMPARE(store.history().first().operationName, QStringLiteral("Op7"));
    QCOMPARE(store.history().last().operationName, QStringLiteral("Op3"));
    const QJsonObject file = QJsonDocument::fromJson(readFile(store.historyPath())).object();
    QCOMPARE(file.value(QStringLiteral("entries")).toArray().size(), 5);
    QCOMPARE(HistoryStore::defaultMaxEntries, 200);
}

void TestQueryHistory::capAppliesOnLoad()
{
    QDir().mkpath(folder());
    QJsonArray entries;
    for (int i = 0; i < 250; ++i) {
        HistoryEntry entry = graphqlEntry(QStringLiteral("Op%1").arg(i));
        entry.time = QDateTime(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC).addSecs(i);
        entries.append(entry.toJson());
    }
    QVERIFY(writeFile(folder() + QStringLiteral("/my-profile.history.json"), historyFile(entries)));
    HistoryStore store(folder());
    QStringList problems;
    store.open(profileId, &problems);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    QCOMPARE(store.history().size(), 200);
    // The newest are kept, whatever the order in the file.
    QCOMPARE(store.history().first().operationName, QStringLiteral("Op249"));
    QCOMPARE(store.history().last().operationName, QStringLiteral("Op50"));
}

void TestQueryHistory::filterMatchesDocumentUrlOperation_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QList<int>>("expected");

    QTest::newRow("empty matches all") << QString() << QList<int>{0, 1, 2, 3};
    QTest::newRow("spaces only match all") << QStringLiteral("   ") << QList<int>{0, 1, 2, 3};
    QTest::newRow("operation name") << QStringLiteral("orders") << QList<int>{0};
    QTest::newRow("case-insensitive") << QStringLiteral("ORDERS") << QList<int>{0};
    QTest::newRow("document text") << QStringLiteral("todos {") << QList<int>{1};
    QTest::newRow("URL") << QStringLiteral("/api/users") << QList<int>{2};
    QTest::newRow("saved name") << QStringLiteral("favourite") << QList<int>{3};
    QTest::newRow("all words") << QStringLiteral("127.0.0.1 users") << QList<int>{2};
    QTest::newRow("a word nowhere") << QStringLiteral("orders nowhere") << QList<int>{};
    QTest::newRow("body is not searched") << QStringLiteral("secretbodyword") << QList<int>{};
    QTest::newRow("non-ASCII") << QStringLiteral("größe") << QList<int>{1};
}

void TestQueryHistory::filterMatchesDocumentUrlOperation()
{
    QFETCH(QString, filter);
    QFETCH(QList<int>, expected);
    HistoryEntry favourite = graphqlEntry(QStringLiteral("Other"));
    favourite.name = QStringLiteral("My favourite");
    favourite.document = QStringLiteral("{ a }");
    favourite.url = QStringLiteral("http://example.test/graphql");
    HistoryEntry todos = graphqlEntry(QString());
    todos.document = QStringLiteral("{ todos { größe } }");
    const QList<HistoryEntry> entries{graphqlEntry(QStringLiteral("Orders")), todos,
                                      httpEntry(QStringLiteral("GET"), QStringLiteral("http://127.0.0.1:4000/api/users"),
                                                QStringLiteral("secretbodyword")),
                                      favourite};
    QCOMPARE(afx::query::filterEntries(entries, filter), expected);
}

void TestQueryHistory::savedQueriesLifecycle()
{
    HistoryStore store(folder());
    store.open(profileId, nullptr);
    QString error;
    for (const QString &name : {QStringLiteral("zeta"), QStringLiteral("Alpha"), QStringLiteral("beta")}) {
        HistoryEntry entry = graphqlEntry(name);
        entry.name = name;
        QVERIFY2(store.saveQuery(entry, {}, &error), qPrintable(error));
    }
    QStringList names;
    for (const HistoryEntry &entry : store.savedQueries())
        names << entry.name;
    QCOMPARE(names, (QStringList{QStringLiteral("Alpha"), QStringLiteral("beta"), QStringLiteral("zeta")}));
    // Saved queries keep no status or duration.
    QCOMPARE(store.savedQueries().at(0).status, 0);
    QCOMPARE(store.savedQueries().at(0).durationMs, qint64(-1));

    // Saving under an existing name replaces it.
    HistoryEntry replacement = httpEntry(QStringLiteral("DELETE"), QStringLiteral("http://127.0.0.1/x"));
    replacement.name = QStringLiteral("beta");
    QVERIFY(store.saveQuery(replacement, {}, &error));
    QCOMPARE(store.savedQueries().size(), 3);
    QCOMPARE(store.savedQueries().at(store.savedQueryIndex(QStringLiteral("beta"))).method, QStringLiteral("DELETE"));

    QVERIFY2(store.renameSavedQuery(QStringLiteral("zeta"), QStringLiteral("  Aardvark "), &error), qPrintable(error));
    QCOMPARE(store.savedQueries().first().name, QStringLiteral("Aardvark"));
    QVERIFY(store.removeSavedQuery(QStringLiteral("Alpha"), &error));
    QCOMPARE(store.savedQueries().size(), 2);

    HistoryStore reopened(folder());
    reopened.open(profileId, nullptr);
    names.clear();
    for (const HistoryEntry &entry : reopened.savedQueries())
        names << entry.name;
    QCOMPARE(names, (QStringList{QStringLiteral("Aardvark"), QStringLiteral("beta")}));
    QVERIFY(reopened.history().isEmpty());
}

void TestQueryHistory::savedQueryNamesChecked()
{
    HistoryStore store(folder());
    store.open(profileId, nullptr);
    QString error;
    HistoryEntry entry = graphqlEntry(QStringLiteral("A"));
    entry.name = QStringLiteral("   ");
    QVERIFY(!store.saveQuery(entry, {}, &error));
    QVERIFY2(error.contains(QStringLiteral("give it a name")), qPrintable(error));

    entry.name = QStringLiteral("one");
    QVERIFY(store.saveQuery(entry, {}, &error));
    entry.name = QStringLiteral("two");
    QVERIFY(store.saveQuery(entry, {}, &error));
    QVERIFY(!store.renameSavedQuery(QStringLiteral("one"), QStringLiteral("two"), &error));
    QVERIFY2(error.contains(QStringLiteral("\"two\" exists already")), qPrintable(error));
    QVERIFY(!store.renameSavedQuery(QStringLiteral("one"), QString(), &error));
    QVERIFY2(error.contains(QStringLiteral("the new name is empty")), qPrintable(error));
    QVERIFY(!store.renameSavedQuery(QStringLiteral("three"), QStringLiteral("four"), &error));
    QVERIFY2(error.contains(QStringLiteral("no saved query named \"three\"")), qPrintable(error));
    QVERIFY(!store.removeSavedQuery(QStringLiteral("three"), &error));

    HistoryStore closed(folder());
    QVERIFY(!closed.saveQuery(entry, {}, &error));
    QVERIFY2(error.contains(QStringLiteral("no profile is open")), qPrintable(error));
}

void TestQueryHistory::defaultDirectoryUnderAppData()
{
    QCOMPARE(HistoryStore::defaultDirectory(),
             QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/history"));
    QCOMPARE(HistoryStore().directory(), HistoryStore::defaultDirectory());
}

void TestQueryHistory::invalidProfileIdRejected()
{
    HistoryStore store(folder());
    QStringList problems;
    store.open(QStringLiteral("../escape"), &problems);
    QVERIFY(!store.isOpen());
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.at(0).contains(QStringLiteral("\"../escape\" is not a valid file name")), qPrintable(problems.at(0)));
    QString error;
    QVERIFY(!store.addToHistory(graphqlEntry(QStringLiteral("A")), {}, &error));
    QVERIFY(!QDir(folder()).exists());
}

void TestQueryHistory::writesLeaveNoTemporaryFiles()
{
    HistoryStore store(folder());
    store.open(profileId, nullptr);
    QString error;
    for (int i = 0; i < 3; ++i)
        QVERIFY(store.addToHistory(graphqlEntry(QStringLiteral("A")), {}, &error));
    QCOMPARE(QDir(folder()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("my-profile.history.json")});
    const QJsonObject root = QJsonDocument::fromJson(readFile(store.historyPath())).object();
    QCOMPARE(root.value(QStringLiteral("format")).toString(), QStringLiteral("authflow-explorer-history"));
    QCOMPARE(root.value(QStringLiteral("version")).toInt(), 1);
    QCOMPARE(root.value(QStringLiteral("profile")).toString(), profileId);
}

void TestQueryHistory::stripsSecretHeaders_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("phrase");

    QTest::newRow("Authorization") << QStringLiteral("Authorization: Bearer abc123") << QStringLiteral("the Authorization header");
    QTest::newRow("lower-case authorization") << QStringLiteral("authorization: Basic dXNlcjpwYXNz")
                                              << QStringLiteral("the authorization header");
    QTest::newRow("Proxy-Authorization") << QStringLiteral("Proxy-Authorization: Basic eA==")
                                         << QStringLiteral("the Proxy-Authorization header");
    QTest::newRow("Cookie") << QStringLiteral("Cookie: session=abc") << QStringLiteral("the Cookie header");
    QTest::newRow("DPoP") << QStringLiteral("DPoP: proof") << QStringLiteral("the DPoP header");
    QTest::newRow("X-Api-Key") << QStringLiteral("X-Api-Key: k-123") << QStringLiteral("the X-Api-Key header");
    QTest::newRow("X-Auth-Token") << QStringLiteral("X-Auth-Token: t") << QStringLiteral("the X-Auth-Token header");
    QTest::newRow("X-Session-Id") << QStringLiteral("X-Session-Id: s") << QStringLiteral("the X-Session-Id header");
    QTest::newRow("X-Client-Secret") << QStringLiteral("X-Client-Secret: s") << QStringLiteral("the X-Client-Secret header");
    QTest::newRow("bearer value in custom header") << QStringLiteral("X-Forward: Bearer abc")
                                                   << QStringLiteral("the X-Forward header");
    QTest::newRow("JWT value in custom header") << QStringLiteral("X-Identity: ") + jwt
                                                << QStringLiteral("the X-Identity header");
}

void TestQueryHistory::stripsSecretHeaders()
{
    QFETCH(QString, line);
    QFETCH(QString, phrase);
    HistoryEntry entry = graphqlEntry(QStringLiteral("A"));
    entry.headers = QStringLiteral("X-Request-Id: 42\n") + line + QStringLiteral("\nAccept: application/json");
    afx::query::stripSecrets(&entry, {});
    QCOMPARE(entry.headers, QStringLiteral("X-Request-Id: 42\nAccept: application/json"));
    QCOMPARE(entry.removed, QStringList{phrase});
}

void TestQueryHistory::stripsUrlParameters()
{
    HistoryEntry entry = httpEntry(QStringLiteral("GET"),
                                   QStringLiteral("http://127.0.0.1/cb?code=abc123&state=xyz&access_token=tok%2B1&page=2#frag"));
    afx::query::stripSecrets(&entry, {});
    QCOMPARE(entry.url, QStringLiteral("http://127.0.0.1/cb?code=[removed]&state=xyz&access_token=[removed]&page=2#frag"));
    QCOMPARE(entry.removed, (QStringList{QStringLiteral("the value of the URL parameter code"),
                                         QStringLiteral("the value of the URL parameter access_token")}));

    HistoryEntry plain = httpEntry(QStringLiteral("GET"), QStringLiteral("http://127.0.0.1/todos?page=2&state="));
    afx::query::stripSecrets(&plain, {});
    QCOMPARE(plain.url, QStringLiteral("http://127.0.0.1/todos?page=2&state="));
    QVERIFY(plain.removed.isEmpty());
}

void TestQueryHistory::stripsJsonMembers()
{
    HistoryEntry entry = graphqlEntry(QStringLiteral("Login"));
    entry.variables = QStringLiteral("{\"email\": \"a@example.com\", \"password\": \"hunter2!\", "
                                     "\"nested\": {\"refreshToken\": \"r-1\", \"list\": [{\"client_secret\": \"cs\"}]}, "
                                     "\"count\": 3}");
    afx::query::stripSecrets(&entry, {});
    const QJsonObject variables = QJsonDocument::fromJson(entry.variables.toUtf8()).object();
    QCOMPARE(variables.value(QStringLiteral("email")).toString(), QStringLiteral("a@example.com"));
    QCOMPARE(variables.value(QStringLiteral("password")).toString(), QStringLiteral("[removed]"));
    QCOMPARE(variables.value(QStringLiteral("nested")).toObject().value(QStringLiteral("refreshToken")).toString(),
             QStringLiteral("[removed]"));
    QCOMPARE(variables.value(QStringLiteral("nested")).toObject().value(QStringLiteral("list")).toArray().at(0).toObject()
                 .value(QStringLiteral("client_secret")).toString(),
             QStringLiteral("[removed]"));
    QCOMPARE(variables.value(QStringLiteral("count")).toInt(), 3);
    QVERIFY(entry.removed.contains(QStringLiteral("the value of the variable password")));
    QVERIFY(entry.removed.contains(QStringLiteral("the value of the variable client_secret")));

    HistoryEntry body = httpEntry(QStringLiteral("POST"), QStringLiteral("http://127.0.0.1/login"),
                                  QStringLiteral("{\"user\": \"alice\", \"password\": \"pw-1234\"}"));
    afx::query::stripSecrets(&body, {});
    QVERIFY2(!body.body.contains(QStringLiteral("pw-1234")), qPrintable(body.body));
    QVERIFY(body.body.contains(QStringLiteral("alice")));
    QCOMPARE(body.removed, QStringList{QStringLiteral("the value of the body member password")});

    // A JSON text without secrets keeps its formatting exactly.
    HistoryEntry untouched = graphqlEntry(QStringLiteral("A"));
    untouched.variables = QStringLiteral("{ \"b\":1,\n  \"a\": 2 }");
    afx::query::stripSecrets(&untouched, {});
    QCOMPARE(untouched.variables, QStringLiteral("{ \"b\":1,\n  \"a\": 2 }"));
}

void TestQueryHistory::stripsFormBody()
{
    HistoryEntry entry = httpEntry(QStringLiteral("POST"), QStringLiteral("http://127.0.0.1/token"),
                                   QStringLiteral("grant_type=password&username=alice&password=s%26cret&client_secret=cs"));
    afx::query::stripSecrets(&entry, {});
    QCOMPARE(entry.body, QStringLiteral("grant_type=password&username=alice&password=[removed]&client_secret=[removed]"));

    // Text that only looks a little like a form stays.
    HistoryEntry text = httpEntry(QStringLiteral("POST"), QStringLiteral("http://127.0.0.1/notes"),
                                  QStringLiteral("password = hunter2 is a bad example"));
    afx::query::stripSecrets(&text, {});
    QCOMPARE(text.body, QStringLiteral("password = hunter2 is a bad example"));
}

void TestQueryHistory::stripsKnownSecretsAndJwts()
{
    const QString apiToken = QStringLiteral("pasted-api-token-0123456789");
    HistoryEntry entry = graphqlEntry(QStringLiteral("A"));
    entry.document = QStringLiteral("query A { check(token: \"%1\") }").arg(apiToken);
    entry.url = QStringLiteral("http://127.0.0.1/graphql?t=%1").arg(jwt);
    entry.body = QStringLiteral("x ") + jwt + QStringLiteral(" y");
    entry.variables = QStringLiteral("{\"t\": \"%1\"}").arg(QString::fromLatin1(QUrl::toPercentEncoding(QStringLiteral("a+b/c=") + apiToken)));
    afx::query::stripSecrets(&entry, {apiToken, QStringLiteral("abc")});
    QVERIFY2(!entry.document.contains(apiToken), qPrintable(entry.document));
    QCOMPARE(entry.document, QStringLiteral("query A { check(token: \"[removed]\") }"));
    QVERIFY2(!entry.url.contains(QStringLiteral("eyJ")), qPrintable(entry.url));
    QCOMPARE(entry.body, QStringLiteral("x [removed] y"));
    QVERIFY2(!entry.variables.contains(apiToken), qPrintable(entry.variables));
    QVERIFY(entry.removed.contains(QStringLiteral("a credential in the document")));
    QVERIFY(entry.removed.contains(QStringLiteral("a JWT in the URL")));
    // Short known values are not searched for, so common words survive.
    QVERIFY(entry.url.contains(QStringLiteral("127.0.0.1")));
}

void TestQueryHistory::keepsPlaceholders()
{
    HistoryEntry entry = graphqlEntry(QStringLiteral("Login"));
    entry.variables = QStringLiteral("{\"email\": \"{{email}}\", \"password\": \"{{password}}\"}");
    entry.url = QStringLiteral("{{baseUrl}}/graphql?api_key={{apiKey}}");
    afx::query::stripSecrets(&entry, {});
    QCOMPARE(entry.variables, QStringLiteral("{\"email\": \"{{email}}\", \"password\": \"{{password}}\"}"));
    QCOMPARE(entry.url, QStringLiteral("{{baseUrl}}/graphql?api_key={{apiKey}}"));
    QVERIFY(entry.removed.isEmpty());
}

void TestQueryHistory::dropsOversizedFields()
{
    HistoryEntry entry = httpEntry(QStringLiteral("POST"), QStringLiteral("http://127.0.0.1/upload"),
                                   QString(afx::query::maxStoredFieldLength + 1, QLatin1Char('x')));
    afx::query::stripSecrets(&entry, {});
    QVERIFY(entry.body.isEmpty());
    QCOMPARE(entry.removed.size(), 1);
    QVERIFY2(entry.removed.at(0).startsWith(QStringLiteral("the body (262145 characters")), qPrintable(entry.removed.at(0)));

    HistoryEntry fits = httpEntry(QStringLiteral("POST"), QStringLiteral("http://127.0.0.1/upload"),
                                  QString(afx::query::maxStoredFieldLength, QLatin1Char('x')));
    afx::query::stripSecrets(&fits, {});
    QCOMPARE(fits.body.size(), afx::query::maxStoredFieldLength);
}

void TestQueryHistory::storeStripsBeforeWriting()
{
    const QString token = QStringLiteral("opaque-access-token-987654321");
    HistoryStore store(folder());
    store.open(profileId, nullptr);
    HistoryEntry entry = graphqlEntry(QStringLiteral("A"));
    entry.headers = QStringLiteral("Authorization: Bearer %1\nCookie: sid=1").arg(token);
    entry.document = QStringLiteral("{ a(t: \"%1\") }").arg(token);
    QString error;
    QVERIFY(store.addToHistory(entry, {token}, &error));
    HistoryEntry saved = entry;
    saved.name = QStringLiteral("with secrets");
    QVERIFY(store.saveQuery(saved, {token}, &error));

    for (const QString &path : {store.historyPath(), store.savedPath()}) {
        const QByteArray file = readFile(path);
        QVERIFY(!file.isEmpty());
        QVERIFY2(!file.contains(token.toUtf8()), qPrintable(path));
        QVERIFY2(!file.contains("sid=1"), qPrintable(path));
        QVERIFY2(file.contains("the Authorization header"), qPrintable(path));
    }
    QCOMPARE(store.history().first().headers, QString());
}

void TestQueryHistory::badFileSetAside_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("problem");

    const QByteArray good = historyFile({graphqlEntry(QStringLiteral("A")).toJson()});
    QTest::newRow("truncated") << good.left(good.size() / 2) << QStringLiteral("is not valid JSON");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("is empty");
    QTest::newRow("only whitespace") << QByteArray(" \n\t ") << QStringLiteral("is empty");
    QTest::newRow("array") << QByteArray("[1, 2]") << QStringLiteral("contains an array instead of a JSON object");
    // Qt 6.4 rejects a bare value at the top level as invalid JSON.
    QTest::newRow("string") << QByteArray("\"history\"") << QStringLiteral("is not valid JSON");
    QTest::newRow("number") << QByteArray("42") << QStringLiteral("is not valid JSON");
    QTest::newRow("other format")
        << QByteArray(R"({"format": "authflow-explorer-profile", "version": 1, "entries": []})")
        << QStringLiteral("member \"format\" is \"authflow-explorer-profile\", expected \"authflow-explorer-history\"");
    QTest::newRow("format missing") << QByteArray(R"({"version": 1, "entries": []})")
                                    << QStringLiteral("member \"format\" must be \"authflow-explorer-history\", found nothing");
    QTest::newRow("version a string")
        << QByteArray(R"({"format": "authflow-explorer-history", "version": "1", "entries": []})")
        << QStringLiteral("member \"version\" must be a positive integer, found a string");
    QTest::newRow("entries an object")
        << QByteArray(R"({"format": "authflow-explorer-history", "version": 1, "entries": {}})")
        << QStringLiteral("member \"entries\" must be an array, found an object");
    QTest::newRow("invalid UTF-8")
        << QByteArray("{\"format\": \"authflow-explorer-history\", \"version\": 1, \"entries\": [\"\xff\xfe\"]}")
        << QStringLiteral("is not valid JSON");
    QTest::newRow("binary garbage") << QByteArray("\x00\x01\x02\x03garbage", 11) << QStringLiteral("is not valid JSON");
}

void TestQueryHistory::badFileSetAside()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, problem);
    QVERIFY(QDir().mkpath(folder()));
    const QString path = folder() + QStringLiteral("/my-profile.history.json");
    QVERIFY(writeFile(path, content));

    HistoryStore store(folder());
    QStringList problems;
    store.open(profileId, &problems);
    QCOMPARE(problems.size(), 1);
    const QString message = problems.at(0);
    QVERIFY2(message.contains(QDir::toNativeSeparators(path)), qPrintable(message));
    QVERIFY2(message.contains(problem), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("the history starts empty")), qPrintable(message));
    QVERIFY(store.history().isEmpty());

    // The bad file is kept aside with its content, and named in the message.
    const QStringList copies = corruptCopies(folder());
    QCOMPARE(copies.size(), 1);
    QVERIFY(copies.at(0).startsWith(QStringLiteral("my-profile.history.json.corrupt-")));
    QVERIFY2(message.contains(copies.at(0)), qPrintable(message));
    QCOMPARE(readFile(folder() + QLatin1Char('/') + copies.at(0)), content);
    QVERIFY(!QFile::exists(path));

    // The history works again afterwards.
    QString error;
    QVERIFY2(store.addToHistory(graphqlEntry(QStringLiteral("B")), {}, &error), qPrintable(error));
    HistoryStore reopened(folder());
    reopened.open(profileId, &problems);
    QCOMPARE(reopened.history().size(), 1);
}

void TestQueryHistory::hugeFileSetAside()
{
    QVERIFY(QDir().mkpath(folder()));
    const QString path = folder() + QStringLiteral("/my-profile.saved.json");
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        // Sparse, so the test writes almost nothing to the disk.
        QVERIFY(file.resize(HistoryStore::maxFileBytes + 1));
    }
    HistoryStore store(folder());
    QStringList problems;
    store.open(profileId, &problems);
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.at(0).startsWith(QStringLiteral("The saved-queries file ") + QDir::toNativeSeparators(path)),
             qPrintable(problems.at(0)));
    QVERIFY2(problems.at(0).contains(QStringLiteral("is 64.0 MiB, larger than the limit of 64.0 MiB")), qPrintable(problems.at(0)));
    QVERIFY2(problems.at(0).contains(QStringLiteral("the list of saved queries starts empty")), qPrintable(problems.at(0)));
    QCOMPARE(corruptCopies(folder()).size(), 1);
}

void TestQueryHistory::invalidEntriesSkipped()
{
    QVERIFY(QDir().mkpath(folder()));
    const QString path = folder() + QStringLiteral("/my-profile.history.json");
    QJsonObject badMode = graphqlEntry(QStringLiteral("X")).toJson();
    badMode.insert(QStringLiteral("mode"), QStringLiteral("soap"));
    QJsonObject badStatus = graphqlEntry(QStringLiteral("Y")).toJson();
    badStatus.insert(QStringLiteral("status"), QStringLiteral("200"));
    QJsonObject badTime = graphqlEntry(QStringLiteral("Z")).toJson();
    badTime.insert(QStringLiteral("time"), QStringLiteral("yesterday"));
    HistoryEntry good = graphqlEntry(QStringLiteral("Good"));
    good.time = QDateTime::currentDateTimeUtc();
    const QByteArray content = historyFile({badMode, good.toJson(), 42, badStatus, badTime});
    QVERIFY(writeFile(path, content));

    HistoryStore store(folder());
    QStringList problems;
    store.open(profileId, &problems);
    QCOMPARE(store.history().size(), 1);
    QCOMPARE(store.history().at(0).operationName, QStringLiteral("Good"));
    QCOMPARE(problems.size(), 1);
    const QString message = problems.at(0);
    QVERIFY2(message.contains(QStringLiteral("has entries that cannot be read: 4 entries skipped")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("entry 1: member \"mode\" must be \"graphql\" or \"http\", found \"soap\"")),
             qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("entry 3: found a number instead of an object")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("entry 4: member \"status\" must be an integer, found a string")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("and 1 more")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("and 1 more), 1 entry read.")), qPrintable(message));
    // The original is copied aside unchanged, and the file itself stays until the next write.
    const QStringList copies = corruptCopies(folder());
    QCOMPARE(copies.size(), 1);
    QCOMPARE(readFile(folder() + QLatin1Char('/') + copies.at(0)), content);
    QCOMPARE(readFile(path), content);
}

void TestQueryHistory::newerVersionLeftAlone()
{
    QVERIFY(QDir().mkpath(folder()));
    const QString path = folder() + QStringLiteral("/my-profile.history.json");
    const QByteArray content = historyFile({graphqlEntry(QStringLiteral("A")).toJson()}, 7);
    QVERIFY(writeFile(path, content));

    HistoryStore store(folder());
    QStringList problems;
    store.open(profileId, &problems);
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.at(0).contains(QStringLiteral("written by a newer version of the app (format version 7")),
             qPrintable(problems.at(0)));
    QVERIFY(corruptCopies(folder()).isEmpty());

    QString error;
    QVERIFY(!store.addToHistory(graphqlEntry(QStringLiteral("B")), {}, &error));
    QVERIFY2(error.contains(QStringLiteral("newer version")), qPrintable(error));
    QCOMPARE(readFile(path), content);
    // The list still shows the new entry for this session.
    QCOMPARE(store.history().size(), 1);
}

void TestQueryHistory::badHistoryKeepsSavedQueries()
{
    {
        HistoryStore store(folder());
        store.open(profileId, nullptr);
        HistoryEntry saved = graphqlEntry(QStringLiteral("Keep"));
        saved.name = QStringLiteral("keep me");
        QString error;
        QVERIFY(store.saveQuery(saved, {}, &error));
        QVERIFY(store.addToHistory(graphqlEntry(QStringLiteral("A")), {}, &error));
    }
    const QString historyPath = folder() + QStringLiteral("/my-profile.history.json");
    QByteArray truncated = readFile(historyPath);
    truncated.chop(10);
    QVERIFY(writeFile(historyPath, truncated));

    HistoryStore store(folder());
    QStringList problems;
    store.open(profileId, &problems);
    QCOMPARE(problems.size(), 1);
    QVERIFY(problems.at(0).startsWith(QStringLiteral("The history file")));
    QCOMPARE(store.savedQueries().size(), 1);
    QCOMPARE(store.savedQueries().at(0).name, QStringLiteral("keep me"));
}

void TestQueryHistory::unreadableFileNotOverwritten()
{
    if (geteuid() == 0)
        QSKIP("root reads files without read permission");
    QVERIFY(QDir().mkpath(folder()));
    const QString path = folder() + QStringLiteral("/my-profile.history.json");
    const QByteArray content = historyFile({graphqlEntry(QStringLiteral("A")).toJson()});
    QVERIFY(writeFile(path, content));
    QVERIFY(QFile::setPermissions(path, QFileDevice::WriteOwner));

    HistoryStore store(folder());
    QStringList problems;
    store.open(profileId, &problems);
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.at(0).contains(QStringLiteral("could not be read")), qPrintable(problems.at(0)));
    QString error;
    QVERIFY(!store.addToHistory(graphqlEntry(QStringLiteral("B")), {}, &error));
    QVERIFY2(error.contains(QStringLiteral("could not be read")), qPrintable(error));
    QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    QCOMPARE(readFile(path), content);
}

void TestQueryHistory::unwritableFolderReported()
{
    if (geteuid() == 0)
        QSKIP("root writes into folders without write permission");
    QVERIFY(QDir().mkpath(folder()));
    QVERIFY(QFile::setPermissions(folder(), QFileDevice::ReadOwner | QFileDevice::ExeOwner));
    HistoryStore store(folder());
    store.open(profileId, nullptr);
    QString error;
    const bool ok = store.addToHistory(graphqlEntry(QStringLiteral("A")), {}, &error);
    QVERIFY(QFile::setPermissions(folder(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    QVERIFY(!ok);
    QVERIFY2(error.startsWith(QStringLiteral("The history could not be saved to ")), qPrintable(error));
    QVERIFY2(error.contains(QDir::toNativeSeparators(store.historyPath())), qPrintable(error));
    QCOMPARE(store.history().size(), 1);
}

void TestQueryHistory::folderIsAFileReported()
{
    // Works as root too: a regular file where the folder should be.
    const QString blocker = m_dir.path() + QStringLiteral("/not-a-folder");
    QVERIFY(writeFile(blocker, "x"));
    HistoryStore store(blocker + QStringLiteral("/history"));
    QStringList problems;
    store.open(profileId, &problems);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    QString error;
    QVERIFY(!store.addToHistory(graphqlEntry(QStringLiteral("A")), {}, &error));
    QVERIFY2(error.contains(QStringLiteral("could not be saved")), qPrintable(error));
    QVERIFY2(error.contains(QDir::toNativeSeparators(blocker)), qPrintable(error));
    QCOMPARE(readFile(blocker), QByteArray("x"));
}

void TestQueryHistory::directoryInPlaceOfFile()
{
    const QString path = folder() + QStringLiteral("/my-profile.history.json");
    QVERIFY(QDir().mkpath(path + QStringLiteral("/inside")));
    HistoryStore store(folder());
    QStringList problems;
    store.open(profileId, &problems);
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.at(0).contains(QDir::toNativeSeparators(path) + QStringLiteral(" could not be read: ")),
             qPrintable(problems.at(0)));
    QString error;
    QVERIFY(!store.addToHistory(graphqlEntry(QStringLiteral("A")), {}, &error));
    QVERIFY2(error.contains(QStringLiteral("could not be read at the start of this session")), qPrintable(error));
    QVERIFY(QDir(path + QStringLiteral("/inside")).exists());
}

QTEST_GUILESS_MAIN(TestQueryHistory)
#include "tst_queryhistory.moc"
