#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace afx::query {

// The kind of request the query editor sends: a GraphQL POST built from a document, or a raw
// HTTP request with any method.
enum class RequestMode { Graphql, Http };
QString requestModeName(RequestMode mode); // "graphql", "http"

// One request as the user wrote it in the query editor: the text with its {{placeholders}},
// without the credential. A history entry also records when it was sent and how it ended. A
// saved query has a name.
struct HistoryEntry {
    RequestMode mode = RequestMode::Graphql;
    QDateTime time;           // when the request was sent or the query saved, in UTC
    QString name;             // saved queries only
    QString method;           // GET, POST, ... (GraphQL requests are always POST)
    QString url;              // the endpoint or URL as typed
    QString document;         // GraphQL mode
    QString operationName;    // GraphQL mode, empty when the document has one operation
    QString variables;        // GraphQL mode: the JSON text as typed
    QString headers;          // extra headers, one "Name: value" per line
    QString body;             // HTTP mode
    QString credential;       // the credential chosen, such as "access-token", never the token itself
    int status = 0;           // the HTTP status, 0 when no response arrived
    qint64 durationMs = -1;   // -1 when unknown
    QStringList removed;      // one phrase per part that stripSecrets() removed, such as "the Cookie header"

    // Omits empty members, so files stay small.
    QJsonObject toJson() const;
    // Reads one entry. Fails with *error naming the member and what was expected when a
    // member has the wrong type or an invalid value. `requireName` is set for saved queries.
    static bool fromJson(const QJsonObject &json, bool requireName, HistoryEntry *out, QString *error);

    // True when every word of `filter` (case-insensitive, split at spaces) occurs in the
    // document, the URL, the operation name or the saved name. An empty filter matches all.
    bool matches(const QString &filter) const;
};

// Maximum length of the document, variables, headers or body text kept in an entry, in characters. A longer
// text is dropped from the entry and named in `removed`.
inline constexpr qsizetype maxStoredFieldLength = 256 * 1024;

// True for a header that carries a credential or a session: Authorization,
// Proxy-Authorization, Cookie, Set-Cookie, DPoP, names with "auth", "session" or "api-key" in
// them, and names that looksLikeSecretName() flags (X-Client-Secret, X-Access-Token, ...).
bool isSecretHeaderName(const QString &name);

// Removes what must not reach a file from `entry`, before it is written:
// - header lines with a secret name (isSecretHeaderName()) or a value such as "Bearer ...",
//   "Basic ..." or a JWT,
// - values of URL query parameters and of form or JSON members with a secret name (code,
//   access_token, password, client_secret, ...), except a value that is a whole {{placeholder}},
// - every occurrence of the values in `knownSecrets` of 6 or more characters (the token that was
//   sent, the pasted API token) and of anything shaped like a JWT, in every text member,
// - a text member longer than maxStoredFieldLength.
// Header lines are dropped and a text member over the limit is emptied. Any other removed value
// becomes "[removed]". Each removal adds a phrase to entry->removed.
void stripSecrets(HistoryEntry *entry, const QStringList &knownSecrets);

// Keeps the history of sent requests and the saved queries of one profile, in two JSON files
// under `directory`: "<profile id>.history.json" and "<profile id>.saved.json". Files are
// replaced atomically (QSaveFile), so a crash leaves the old or the new file.
//
// A file that cannot be used (not JSON, truncated, empty, the wrong JSON type, another format,
// larger than maxFileBytes) is renamed to "<file>.corrupt-<UTC time>" and the list starts
// empty. A file with some invalid entries keeps the valid ones, and a copy of the original
// is kept under the same kind of name. A file written by a newer version is left alone, and
// its list is read-only. Every case adds one message to the problems of open(), naming the
// file, the problem and where the original went. The other file is not affected.
//
// NOTE: reads and writes are synchronous: at 200 entries of common size they take a few
// milliseconds, but entries near maxStoredFieldLength make them slower.
class HistoryStore {
public:
    static constexpr int defaultMaxEntries = 200;
    static constexpr int maxSavedQueries = 1000;
    static constexpr qsizetype maxFileBytes = 64 * 1024 * 1024;
    static constexpr int formatVersion = 1;

    // An empty directory means defaultDirectory().
    explicit HistoryStore(const QString &directory = QString());

    // QStandardPaths::AppDataLocation + "/history".
    static QString defaultDirectory();
    QString directory() const { return m_directory; }

    // Loads the files of `profileId` (a Profile::isValidId() id). *problems (may be null)
    // receives one sentence per problem found. An invalid id opens nothing and adds a problem.
    void open(const QString &profileId, QStringList *problems);
    void close();
    bool isOpen() const { return !m_profileId.isEmpty(); }
    QString profileId() const { return m_profileId; }
    QString historyPath() const;
    QString savedPath() const;

    // Newest first.
    const QList<HistoryEntry> &history() const { return m_history; }
    // Sorted by name, case-insensitive.
    const QList<HistoryEntry> &savedQueries() const { return m_saved; }

    // Caps the history: adding an entry beyond it drops the oldest. At least 1.
    void setMaxEntries(int count);
    int maxEntries() const { return m_maxEntries; }

    // Each change strips secrets (stripSecrets() with `knownSecrets`), updates the list and
    // writes its file. On a write failure the list keeps the change for this session, and
    // *error names the file and the reason.
    bool addToHistory(HistoryEntry entry, const QStringList &knownSecrets, QString *error);
    bool clearHistory(QString *error);
    // Replaces a saved query of the same name (compared case-sensitively).
    bool saveQuery(HistoryEntry entry, const QStringList &knownSecrets, QString *error);
    bool renameSavedQuery(const QString &from, const QString &to, QString *error);
    bool removeSavedQuery(const QString &name, QString *error);
    // The index of the saved query named `name`, or -1.
    int savedQueryIndex(const QString &name) const;

private:
    enum class Kind { History, Saved };
    void load(Kind kind, QStringList *problems);
    bool write(Kind kind, QString *error);
    QString pathFor(Kind kind) const;
    void sortSaved();

    QString m_directory;
    QString m_profileId;
    int m_maxEntries = defaultMaxEntries;
    QList<HistoryEntry> m_history;
    QList<HistoryEntry> m_saved;
    // Set when the file on disk must not be overwritten: a newer format, or a bad file that
    // could not be moved aside. The string is the reason.
    QString m_historyReadOnly;
    QString m_savedReadOnly;
};

// The indexes of the entries that match `filter` (HistoryEntry::matches()), in list order.
QList<int> filterEntries(const QList<HistoryEntry> &entries, const QString &filter);

} // namespace afx::query
