#pragma once

#include "storage/profile.h"

#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace afx {

// The profiles folder: one "<id>.json" file per profile, plus the built-in Local sandbox
// profile, which is never a file. Files never contain secrets (see Profile::toJson).
class ProfileStore : public QObject {
    Q_OBJECT
public:
    // Largest profile file that list(), load() and importFile() read.
    static constexpr qint64 maxFileSize = 256 * 1024;

    // Uses QStandardPaths::AppConfigLocation + "/profiles".
    explicit ProfileStore(QObject *parent = nullptr);
    explicit ProfileStore(const QString &directory, QObject *parent = nullptr);

    QString directory() const { return m_directory; }

    // Reads the folder again. The Local sandbox profile comes first, then the saved profiles
    // sorted by name. Files that cannot be read are skipped and described by problems().
    QList<Profile> list();

    // Problems found by the last list(): skipped files and ignored secret members, one
    // sentence each. Files are never deleted because of a problem.
    QStringList problems() const { return m_problems; }

    // Reads one profile; "local-sandbox" returns Profile::localSandbox().
    std::optional<Profile> load(const QString &id, QString *error = nullptr) const;

    // Writes "<id>.json" atomically with permissions 0600, replacing an older version.
    // Fails for an invalid id and for the built-in sandbox id.
    bool save(const Profile &profile, QString *error = nullptr);

    bool remove(const QString &id, QString *error = nullptr);

    // Reads a shared profile file and saves it into the folder. The imported profile gets a new
    // id when its own is missing, invalid or taken. *imported receives the saved profile,
    // *warnings the ignored secret members. On failure no file in the folder changes.
    bool importFile(const QString &path, Profile *imported, QStringList *warnings, QString *error);

    // Writes profile to path (an export for sharing); the same format as the folder uses.
    bool exportFile(const Profile &profile, const QString &path, QString *error = nullptr) const;

    static QString newId(); // a random UUID without braces

Q_SIGNALS:
    // Emitted after save(), remove() and importFile() changed the folder.
    void profilesChanged();

private:
    QString filePath(const QString &id) const;
    bool ensureDirectory(QString *error) const;

    QString m_directory;
    QStringList m_problems;
    QSet<QString> m_loggedProblems; // problems already logged by an earlier list()
};

// Reads and parses a profile file: size limit, UTF-8, JSON object, Profile::fromJson. Every
// error names the file. Shared by ProfileStore and tests.
bool readProfileFile(const QString &path, Profile *out, QStringList *warnings, QString *error);

} // namespace afx
