#include "query/history.h"

#include "json/jsontypes.h"
#include "storage/profile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLocale>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUrl>

#include <algorithm>
#include <cmath>

namespace afx::query {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("afx::query::History", text);
}

const QString removedValue = QStringLiteral("[removed]");
constexpr char historyFormat[] = "authflow-explorer-history";
constexpr char savedFormat[] = "authflow-explorer-saved-queries";
// Problems about single entries listed in a message before "and N more".
constexpr int maxListedEntryProblems = 3;
// Known secrets shorter than this are not searched for, so short common words stay intact.
constexpr qsizetype minKnownSecretLength = 6;

QString wrongType(const QString &member, const QString &expected, const QJsonValue &found)
{
    return tr("member \"%1\" must be %2, found %3").arg(member, expected, json::jsonTypeName(found));
}

// Line and column (1-based, column in characters) of a byte offset into UTF-8 text.
QString lineAndColumn(const QByteArray &utf8, qsizetype byteOffset)
{
    const QString before = QString::fromUtf8(utf8.left(qBound(qsizetype(0), byteOffset, utf8.size())));
    const qsizetype line = before.count(QLatin1Char('\n')) + 1;
    const qsizetype column = before.size() - (before.lastIndexOf(QLatin1Char('\n')) + 1) + 1;
    return tr("line %1, column %2").arg(line).arg(column);
}

QString formattedSize(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

// "1 entry", "3 entries"
QString entryCount(qsizetype count)
{
    return count == 1 ? tr("1 entry") : tr("%1 entries").arg(count);
}

bool isPlaceholderValue(const QString &value)
{
    const QString trimmed = value.trimmed();
    return trimmed.startsWith(QLatin1String("{{")) && trimmed.endsWith(QLatin1String("}}"));
}

// Names of parameters and JSON members whose values are secrets. looksLikeSecretName() covers
// passwords, secrets and *token names, and these are the OAuth parameters it does not flag.
bool isSecretParameterName(const QString &name)
{
    static const QStringList oauthNames{QStringLiteral("code"), QStringLiteral("assertion"),
                                        QStringLiteral("client_assertion"), QStringLiteral("device_code"),
                                        QStringLiteral("code_verifier"), QStringLiteral("api_key"),
                                        QStringLiteral("apikey"), QStringLiteral("key"), QStringLiteral("session")};
    return looksLikeSecretName(name) || oauthNames.contains(name.toLower());
}

bool looksLikeCredentialValue(const QString &value)
{
    static const QRegularExpression scheme(QStringLiteral("^\\s*(Bearer|Basic|DPoP|Digest|Negotiate|Token)\\s+\\S"),
                                           QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression jwt(QStringLiteral("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\."));
    return scheme.match(value).hasMatch() || jwt.match(value).hasMatch();
}

void note(HistoryEntry *entry, const QString &phrase)
{
    if (!entry->removed.contains(phrase))
        entry->removed.append(phrase);
}

// Drops header lines that carry credentials. Lines without ':' stay as typed.
void stripHeaderLines(HistoryEntry *entry)
{
    const QStringList lines = entry->headers.split(QLatin1Char('\n'));
    QStringList kept;
    for (const QString &line : lines) {
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (colon > 0) {
            const QString name = line.left(colon).trimmed();
            const QString value = line.mid(colon + 1).trimmed();
            if (isSecretHeaderName(name) || looksLikeCredentialValue(value)) {
                note(entry, tr("the %1 header").arg(name));
                continue;
            }
        }
        kept << line;
    }
    entry->headers = kept.join(QLatin1Char('\n'));
}

// Replaces the values of secret parameters in "a=1&b=2" text. Returns the names replaced.
QStringList stripFormPairs(QString *encoded)
{
    QStringList names;
    QStringList pieces = encoded->split(QLatin1Char('&'));
    for (QString &piece : pieces) {
        const qsizetype equals = piece.indexOf(QLatin1Char('='));
        if (equals <= 0)
            continue;
        QString name = piece.left(equals);
        name = QUrl::fromPercentEncoding(name.replace(QLatin1Char('+'), QLatin1Char(' ')).toUtf8());
        const QString value = QUrl::fromPercentEncoding(piece.mid(equals + 1).toUtf8());
        if (value.isEmpty() || !isSecretParameterName(name) || isPlaceholderValue(value) || value == removedValue)
            continue;
        piece = piece.left(equals + 1) + removedValue;
        names << name;
    }
    if (!names.isEmpty())
        *encoded = pieces.join(QLatin1Char('&'));
    return names;
}

void stripUrl(HistoryEntry *entry)
{
    const qsizetype question = entry->url.indexOf(QLatin1Char('?'));
    if (question < 0)
        return;
    qsizetype end = entry->url.indexOf(QLatin1Char('#'), question);
    if (end < 0)
        end = entry->url.size();
    QString query = entry->url.mid(question + 1, end - question - 1);
    const QStringList names = stripFormPairs(&query);
    if (names.isEmpty())
        return;
    entry->url = entry->url.left(question + 1) + query + entry->url.mid(end);
    for (const QString &name : names)
        note(entry, tr("the value of the URL parameter %1").arg(name));
}

// Replaces secret members anywhere in a JSON value. Returns the member names replaced.
QStringList stripJsonValue(QJsonValue *value)
{
    QStringList names;
    if (value->isObject()) {
        QJsonObject object = value->toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QJsonValue member = it.value();
            if (isSecretParameterName(it.key()) && !member.isNull() && !member.isObject() && !member.isArray()
                && !(member.isString() && (member.toString().isEmpty() || isPlaceholderValue(member.toString())
                                           || member.toString() == removedValue))) {
                it.value() = removedValue;
                names << it.key();
                continue;
            }
            QJsonValue inner = member;
            const QStringList innerNames = stripJsonValue(&inner);
            if (!innerNames.isEmpty()) {
                it.value() = inner;
                names << innerNames;
            }
        }
        if (!names.isEmpty())
            *value = object;
    } else if (value->isArray()) {
        QJsonArray array = value->toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            QJsonValue item = array.at(i);
            const QStringList innerNames = stripJsonValue(&item);
            if (!innerNames.isEmpty()) {
                array[i] = item;
                names << innerNames;
            }
        }
        if (!names.isEmpty())
            *value = array;
    }
    return names;
}

// Strips secret members of a JSON text (variables or a JSON body). The text is rewritten only
// when something was removed, so the user's formatting stays otherwise.
void stripJsonText(QString *text, const QString &phraseFormat, HistoryEntry *entry)
{
    const QString trimmed = text->trimmed();
    if (!trimmed.startsWith(QLatin1Char('{')) && !trimmed.startsWith(QLatin1Char('[')))
        return;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(trimmed.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        return;
    QJsonValue root = document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
    const QStringList names = stripJsonValue(&root);
    if (names.isEmpty())
        return;
    const QJsonDocument stripped = root.isObject() ? QJsonDocument(root.toObject()) : QJsonDocument(root.toArray());
    *text = QString::fromUtf8(stripped.toJson(QJsonDocument::Indented)).trimmed();
    for (const QString &name : names)
        note(entry, phraseFormat.arg(name));
}

void stripBody(HistoryEntry *entry)
{
    static const QRegularExpression formBody(QStringLiteral("^[^\\s=&]+=[^\\s&]*(&[^\\s=&]+=[^\\s&]*)*$"));
    if (formBody.match(entry->body.trimmed()).hasMatch()) {
        QString body = entry->body.trimmed();
        const QStringList names = stripFormPairs(&body);
        if (!names.isEmpty()) {
            entry->body = body;
            for (const QString &name : names)
                note(entry, tr("the value of the body parameter %1").arg(name));
        }
        return;
    }
    stripJsonText(&entry->body, tr("the value of the body member %1"), entry);
}

struct TextMember {
    QString *text;
    QString label;
};

QList<TextMember> textMembers(HistoryEntry *entry)
{
    return {{&entry->url, tr("the URL")},         {&entry->document, tr("the document")},
            {&entry->operationName, tr("the operation name")}, {&entry->variables, tr("the variables")},
            {&entry->headers, tr("the headers")}, {&entry->body, tr("the body")}};
}

void replaceKnownSecrets(HistoryEntry *entry, const QStringList &knownSecrets)
{
    static const QRegularExpression jwt(QStringLiteral("eyJ[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]*){2,4}"));
    for (const TextMember &member : textMembers(entry)) {
        for (const QString &secret : knownSecrets) {
            if (secret.size() < minKnownSecretLength)
                continue;
            const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(secret));
            if (member.text->contains(secret) || member.text->contains(encoded)) {
                member.text->replace(secret, removedValue);
                member.text->replace(encoded, removedValue);
                note(entry, tr("a credential in %1").arg(member.label));
            }
        }
        if (member.text->contains(jwt)) {
            member.text->replace(jwt, removedValue);
            note(entry, tr("a JWT in %1").arg(member.label));
        }
    }
}

void dropLongMembers(HistoryEntry *entry)
{
    for (const TextMember &member : textMembers(entry)) {
        if (member.text->size() <= maxStoredFieldLength)
            continue;
        note(entry, tr("%1 (%2 characters, more than the %3 kept)")
                        .arg(member.label, QString::number(member.text->size()), QString::number(maxStoredFieldLength)));
        member.text->clear();
    }
}

QString readString(const QJsonObject &json, const QString &member, QString *out, bool *ok)
{
    const QJsonValue value = json.value(member);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isString()) {
        *ok = false;
        return wrongType(member, tr("a string"), value);
    }
    *out = value.toString();
    return {};
}

} // namespace

QString requestModeName(RequestMode mode)
{
    return mode == RequestMode::Http ? QStringLiteral("http") : QStringLiteral("graphql");
}

QJsonObject HistoryEntry::toJson() const
{
    QJsonObject json{{QStringLiteral("mode"), requestModeName(mode)},
                     {QStringLiteral("time"), time.toUTC().toString(Qt::ISODateWithMs)}};
    const auto insertText = [&json](const char *member, const QString &value) {
        if (!value.isEmpty())
            json.insert(QLatin1String(member), value);
    };
    insertText("name", name);
    insertText("method", method);
    insertText("url", url);
    insertText("document", document);
    insertText("operationName", operationName);
    insertText("variables", variables);
    insertText("headers", headers);
    insertText("body", body);
    insertText("credential", credential);
    if (status != 0)
        json.insert(QStringLiteral("status"), status);
    if (durationMs >= 0)
        json.insert(QStringLiteral("durationMs"), durationMs);
    if (!removed.isEmpty())
        json.insert(QStringLiteral("removed"), QJsonArray::fromStringList(removed));
    return json;
}

bool HistoryEntry::fromJson(const QJsonObject &json, bool requireName, HistoryEntry *out, QString *error)
{
    HistoryEntry entry;

    const QJsonValue mode = json.value(QStringLiteral("mode"));
    if (mode == QJsonValue(QStringLiteral("graphql"))) {
        entry.mode = RequestMode::Graphql;
    } else if (mode == QJsonValue(QStringLiteral("http"))) {
        entry.mode = RequestMode::Http;
    } else {
        *error = mode.isString() ? tr("member \"mode\" must be \"graphql\" or \"http\", found \"%1\"").arg(mode.toString())
                                 : wrongType(QStringLiteral("mode"), tr("\"graphql\" or \"http\""), mode);
        return false;
    }

    const QJsonValue time = json.value(QStringLiteral("time"));
    if (!time.isString()) {
        *error = wrongType(QStringLiteral("time"), tr("an ISO 8601 date and time"), time);
        return false;
    }
    entry.time = QDateTime::fromString(time.toString(), Qt::ISODateWithMs);
    if (!entry.time.isValid()) {
        *error = tr("member \"time\" must be an ISO 8601 date and time, found \"%1\"").arg(time.toString().left(40));
        return false;
    }

    bool ok = true;
    for (const auto &[member, target] : {std::pair{"name", &entry.name}, std::pair{"method", &entry.method},
                                         std::pair{"url", &entry.url}, std::pair{"document", &entry.document},
                                         std::pair{"operationName", &entry.operationName},
                                         std::pair{"variables", &entry.variables}, std::pair{"headers", &entry.headers},
                                         std::pair{"body", &entry.body}, std::pair{"credential", &entry.credential}}) {
        const QString problem = readString(json, QLatin1String(member), target, &ok);
        if (!ok) {
            *error = problem;
            return false;
        }
    }
    if (requireName && entry.name.trimmed().isEmpty()) {
        *error = tr("member \"name\" is missing or empty");
        return false;
    }

    const QJsonValue status = json.value(QStringLiteral("status"));
    if (!status.isUndefined() && !status.isNull()) {
        const double number = status.toDouble(-1);
        if (!status.isDouble() || std::floor(number) != number || number < 0 || number > 999) {
            *error = status.isDouble() ? tr("member \"status\" must be an HTTP status from 0 to 999, found %1").arg(number)
                                       : wrongType(QStringLiteral("status"), tr("an integer"), status);
            return false;
        }
        entry.status = int(number);
    }
    const QJsonValue duration = json.value(QStringLiteral("durationMs"));
    if (!duration.isUndefined() && !duration.isNull()) {
        const double number = duration.toDouble(-2);
        if (!duration.isDouble() || std::floor(number) != number || number < -1 || number > 1e12) {
            *error = duration.isDouble() ? tr("member \"durationMs\" must be a number of milliseconds, found %1").arg(number)
                                         : wrongType(QStringLiteral("durationMs"), tr("an integer"), duration);
            return false;
        }
        entry.durationMs = qint64(number);
    }
    const QJsonValue removed = json.value(QStringLiteral("removed"));
    if (!removed.isUndefined() && !removed.isNull()) {
        if (!removed.isArray()) {
            *error = wrongType(QStringLiteral("removed"), tr("an array of strings"), removed);
            return false;
        }
        for (const QJsonValue &item : removed.toArray()) {
            if (!item.isString()) {
                *error = wrongType(QStringLiteral("removed"), tr("an array of strings"), item);
                return false;
            }
            entry.removed << item.toString();
        }
    }

    *out = entry;
    return true;
}

bool HistoryEntry::matches(const QString &filter) const
{
    const QStringList words = filter.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &word : words) {
        if (!document.contains(word, Qt::CaseInsensitive) && !url.contains(word, Qt::CaseInsensitive)
            && !operationName.contains(word, Qt::CaseInsensitive) && !name.contains(word, Qt::CaseInsensitive))
            return false;
    }
    return true;
}

bool isSecretHeaderName(const QString &name)
{
    const QString lower = name.trimmed().toLower();
    static const QStringList exact{QStringLiteral("authorization"), QStringLiteral("proxy-authorization"),
                                   QStringLiteral("cookie"), QStringLiteral("set-cookie"), QStringLiteral("dpop")};
    if (exact.contains(lower))
        return true;
    QString normalized;
    for (QChar c : lower) {
        if (c.isLetterOrNumber())
            normalized.append(c);
    }
    return normalized.contains(QLatin1String("auth")) || normalized.contains(QLatin1String("session"))
        || normalized.contains(QLatin1String("apikey")) || normalized.contains(QLatin1String("cookie"))
        || looksLikeSecretName(name);
}

void stripSecrets(HistoryEntry *entry, const QStringList &knownSecrets)
{
    stripHeaderLines(entry);
    stripUrl(entry);
    stripJsonText(&entry->variables, tr("the value of the variable %1"), entry);
    stripBody(entry);
    replaceKnownSecrets(entry, knownSecrets);
    dropLongMembers(entry);
}

QList<int> filterEntries(const QList<HistoryEntry> &entries, const QString &filter)
{
    QList<int> indexes;
    for (int i = 0; i < entries.size(); ++i) {
        if (entries.at(i).matches(filter))
            indexes << i;
    }
    return indexes;
}

HistoryStore::HistoryStore(const QString &directory)
    : m_directory(directory.isEmpty() ? defaultDirectory() : directory)
{
}

QString HistoryStore::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/history");
}

void HistoryStore::open(const QString &profileId, QStringList *problems)
{
    close();
    if (!Profile::isValidId(profileId)) {
        if (problems)
            problems->append(tr("The history was not opened: the profile id \"%1\" is not a valid file name.")
                                 .arg(profileId.left(64)));
        return;
    }
    m_profileId = profileId;
    QStringList found;
    load(Kind::History, &found);
    load(Kind::Saved, &found);
    if (problems)
        problems->append(found);
}

void HistoryStore::close()
{
    m_profileId.clear();
    m_history.clear();
    m_saved.clear();
    m_historyReadOnly.clear();
    m_savedReadOnly.clear();
}

QString HistoryStore::pathFor(Kind kind) const
{
    if (m_profileId.isEmpty())
        return {};
    return QDir(m_directory).filePath(m_profileId + (kind == Kind::History ? QStringLiteral(".history.json")
                                                                           : QStringLiteral(".saved.json")));
}

QString HistoryStore::historyPath() const
{
    return pathFor(Kind::History);
}

QString HistoryStore::savedPath() const
{
    return pathFor(Kind::Saved);
}

void HistoryStore::setMaxEntries(int count)
{
    m_maxEntries = qMax(1, count);
    while (m_history.size() > m_maxEntries)
        m_history.removeLast();
}

void HistoryStore::load(Kind kind, QStringList *problems)
{
    const bool history = kind == Kind::History;
    QList<HistoryEntry> &list = history ? m_history : m_saved;
    QString &readOnly = history ? m_historyReadOnly : m_savedReadOnly;
    const QString path = pathFor(kind);
    const QString fileLabel = history ? tr("The history file %1").arg(QDir::toNativeSeparators(path))
                                      : tr("The saved-queries file %1").arg(QDir::toNativeSeparators(path));
    const QString listLabel = history ? tr("the history") : tr("the list of saved queries");

    // Renames a file that cannot be used, so the next write does not destroy what it holds.
    const auto setAside = [&](const QString &problem) {
        const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
        QString target = path + QStringLiteral(".corrupt-") + stamp;
        for (int n = 2; QFile::exists(target); ++n)
            target = path + QStringLiteral(".corrupt-%1-%2").arg(stamp).arg(n);
        QFile file(path);
        if (file.rename(target)) {
            problems->append(tr("%1 %2. It was moved to %3, and %4 starts empty.")
                                 .arg(fileLabel, problem, QDir::toNativeSeparators(target), listLabel));
        } else {
            readOnly = tr("%1 could not be moved aside").arg(fileLabel);
            problems->append(tr("%1 %2. It could not be moved aside (%3), so it stays as it is and changes to %4 are "
                                "not saved in this session.")
                                 .arg(fileLabel, problem, file.errorString(), listLabel));
        }
    };

    QFile file(path);
    if (!file.exists())
        return;
    const qint64 size = QFileInfo(path).size();
    if (size > maxFileBytes) {
        setAside(tr("is %1, larger than the limit of %2").arg(formattedSize(size), formattedSize(maxFileBytes)));
        return;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        readOnly = tr("%1 could not be read").arg(fileLabel);
        problems->append(tr("%1 could not be read: %2. It stays as it is, and changes to %3 are not saved in this "
                            "session. Check the file's permissions.")
                             .arg(fileLabel, file.errorString(), listLabel));
        return;
    }
    const QByteArray data = file.read(maxFileBytes + 1);
    file.close();
    if (data.trimmed().isEmpty()) {
        setAside(tr("is empty"));
        return;
    }

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        setAside(tr("is not valid JSON (%1 at %2; the file may be truncated)")
                     .arg(parseError.errorString(), lineAndColumn(data, parseError.offset)));
        return;
    }
    if (!document.isObject()) {
        setAside(tr("contains %1 instead of a JSON object").arg(document.isArray() ? tr("an array") : tr("a single value")));
        return;
    }
    const QJsonObject root = document.object();
    const QString expectedFormat = QLatin1String(history ? historyFormat : savedFormat);
    const QJsonValue format = root.value(QStringLiteral("format"));
    if (format.toString() != expectedFormat) {
        setAside(format.isString() ? tr("is not of the expected kind: member \"format\" is \"%1\", expected \"%2\"")
                                         .arg(format.toString().left(60), expectedFormat)
                                   : tr("is not of the expected kind: %1").arg(wrongType(QStringLiteral("format"),
                                                                                         QLatin1Char('"') + expectedFormat + QLatin1Char('"'), format)));
        return;
    }
    const QJsonValue version = root.value(QStringLiteral("version"));
    const double versionNumber = version.toDouble(-1);
    if (!version.isDouble() || std::floor(versionNumber) != versionNumber || versionNumber < 1) {
        setAside(tr("has no valid format version: %1").arg(wrongType(QStringLiteral("version"), tr("a positive integer"), version)));
        return;
    }
    if (versionNumber > formatVersion) {
        readOnly = tr("%1 was written by a newer version of the app").arg(fileLabel);
        problems->append(tr("%1 was written by a newer version of the app (format version %2, this version reads %3). "
                            "It stays as it is, and changes to %4 are not saved in this session.")
                             .arg(fileLabel, QString::number(versionNumber), QString::number(formatVersion), listLabel));
        return;
    }
    const QString listMember = history ? QStringLiteral("entries") : QStringLiteral("queries");
    const QJsonValue items = root.value(listMember);
    if (!items.isArray()) {
        setAside(tr("has no list: %1").arg(wrongType(listMember, tr("an array"), items)));
        return;
    }

    QStringList entryProblems;
    const QJsonArray array = items.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        HistoryEntry entry;
        QString error;
        if (!array.at(i).isObject()) {
            entryProblems << tr("entry %1: %2").arg(i + 1).arg(tr("found %1 instead of an object").arg(json::jsonTypeName(array.at(i))));
            continue;
        }
        if (!HistoryEntry::fromJson(array.at(i).toObject(), !history, &entry, &error)) {
            entryProblems << tr("entry %1: %2").arg(i + 1).arg(error);
            continue;
        }
        if (!history && savedQueryIndex(entry.name) >= 0) {
            entryProblems << tr("entry %1: a second saved query named \"%2\"").arg(i + 1).arg(entry.name.left(60));
            continue;
        }
        list.append(entry);
    }
    if (history) {
        std::stable_sort(list.begin(), list.end(), [](const HistoryEntry &a, const HistoryEntry &b) { return a.time > b.time; });
        while (list.size() > m_maxEntries)
            list.removeLast();
    } else {
        sortSaved();
    }

    if (!entryProblems.isEmpty()) {
        QString listed = entryProblems.mid(0, maxListedEntryProblems).join(QStringLiteral("; "));
        if (entryProblems.size() > maxListedEntryProblems)
            listed += tr("; and %1 more").arg(entryProblems.size() - maxListedEntryProblems);
        const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
        QString copy = path + QStringLiteral(".corrupt-") + stamp;
        for (int n = 2; QFile::exists(copy); ++n)
            copy = path + QStringLiteral(".corrupt-%1-%2").arg(stamp).arg(n);
        if (QFile::copy(path, copy)) {
            problems->append(tr("%1 has entries that cannot be read: %2 skipped (%3), %4 read. The original file "
                                "was copied to %5.")
                                 .arg(fileLabel, entryCount(entryProblems.size()), listed, entryCount(list.size()),
                                      QDir::toNativeSeparators(copy)));
        } else {
            readOnly = tr("%1 could not be copied aside").arg(fileLabel);
            problems->append(tr("%1 has entries that cannot be read: %2 skipped (%3). The file could not be copied "
                                "aside, so it stays as it is and changes to %4 are not saved in this session.")
                                 .arg(fileLabel, entryCount(entryProblems.size()), listed, listLabel));
        }
    }
}

bool HistoryStore::write(Kind kind, QString *error)
{
    const bool history = kind == Kind::History;
    const QString &readOnly = history ? m_historyReadOnly : m_savedReadOnly;
    const QString path = pathFor(kind);
    if (path.isEmpty()) {
        *error = tr("Nothing was saved because no profile is open.");
        return false;
    }
    if (!readOnly.isEmpty()) {
        *error = tr("Not saved, because %1 at the start of this session.").arg(readOnly);
        return false;
    }

    QJsonArray items;
    for (const HistoryEntry &entry : history ? m_history : m_saved)
        items.append(entry.toJson());
    const QJsonObject root{
        {QStringLiteral("format"), QLatin1String(history ? historyFormat : savedFormat)},
        {QStringLiteral("version"), formatVersion},
        {QStringLiteral("profile"), m_profileId},
        {history ? QStringLiteral("entries") : QStringLiteral("queries"), items},
    };

    const QString label = history ? tr("The history") : tr("The saved queries");
    if (!QDir().mkpath(m_directory)) {
        *error = tr("%1 could not be saved: the folder %2 could not be created.").arg(label, QDir::toNativeSeparators(m_directory));
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("%1 could not be saved to %2: %3.").arg(label, QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    file.write(QJsonDocument(root).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        *error = tr("%1 could not be saved to %2: %3.").arg(label, QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

bool HistoryStore::addToHistory(HistoryEntry entry, const QStringList &knownSecrets, QString *error)
{
    if (!isOpen()) {
        *error = tr("The request was not added to the history because no profile is open.");
        return false;
    }
    stripSecrets(&entry, knownSecrets);
    entry.name.clear();
    if (!entry.time.isValid())
        entry.time = QDateTime::currentDateTimeUtc();
    m_history.prepend(entry);
    while (m_history.size() > m_maxEntries)
        m_history.removeLast();
    return write(Kind::History, error);
}

bool HistoryStore::clearHistory(QString *error)
{
    m_history.clear();
    return write(Kind::History, error);
}

bool HistoryStore::saveQuery(HistoryEntry entry, const QStringList &knownSecrets, QString *error)
{
    entry.name = entry.name.trimmed();
    if (entry.name.isEmpty()) {
        *error = tr("The query was not saved: give it a name.");
        return false;
    }
    if (!isOpen()) {
        *error = tr("The query was not saved because no profile is open.");
        return false;
    }
    const int existing = savedQueryIndex(entry.name);
    if (existing < 0 && m_saved.size() >= maxSavedQueries) {
        *error = tr("The query was not saved: there are already %1 saved queries, the maximum. Delete some first.")
                     .arg(maxSavedQueries);
        return false;
    }
    stripSecrets(&entry, knownSecrets);
    entry.status = 0;
    entry.durationMs = -1;
    if (!entry.time.isValid())
        entry.time = QDateTime::currentDateTimeUtc();
    if (existing >= 0)
        m_saved[existing] = entry;
    else
        m_saved.append(entry);
    sortSaved();
    return write(Kind::Saved, error);
}

bool HistoryStore::renameSavedQuery(const QString &from, const QString &to, QString *error)
{
    const QString name = to.trimmed();
    const int index = savedQueryIndex(from);
    if (index < 0) {
        *error = tr("There is no saved query named \"%1\".").arg(from);
        return false;
    }
    if (name.isEmpty()) {
        *error = tr("The saved query \"%1\" was not renamed: the new name is empty.").arg(from);
        return false;
    }
    if (name != from && savedQueryIndex(name) >= 0) {
        *error = tr("The saved query \"%1\" was not renamed: a saved query named \"%2\" exists already. Choose another "
                    "name or delete that one first.")
                     .arg(from, name);
        return false;
    }
    m_saved[index].name = name;
    sortSaved();
    return write(Kind::Saved, error);
}

bool HistoryStore::removeSavedQuery(const QString &name, QString *error)
{
    const int index = savedQueryIndex(name);
    if (index < 0) {
        *error = tr("There is no saved query named \"%1\".").arg(name);
        return false;
    }
    m_saved.removeAt(index);
    return write(Kind::Saved, error);
}

int HistoryStore::savedQueryIndex(const QString &name) const
{
    for (int i = 0; i < m_saved.size(); ++i) {
        if (m_saved.at(i).name == name)
            return i;
    }
    return -1;
}

void HistoryStore::sortSaved()
{
    std::stable_sort(m_saved.begin(), m_saved.end(), [](const HistoryEntry &a, const HistoryEntry &b) {
        return a.name.compare(b.name, Qt::CaseInsensitive) < 0;
    });
}

} // namespace afx::query
