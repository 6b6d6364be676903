#include "storage/profilestore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QSet>
#include <QStandardPaths>
#include <QUuid>

#include <algorithm>

namespace afx {

namespace {

Q_LOGGING_CATEGORY(lcStorage, "afx.storage", QtInfoMsg)

const QString sandboxId = QStringLiteral("local-sandbox");

// Returns the offset of the first byte that is not part of a valid UTF-8 sequence (overlong
// forms, surrogates and code points above U+10FFFF are invalid), or -1 when data is valid.
qsizetype invalidUtf8Offset(const QByteArray &data)
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(data.constData());
    const qsizetype size = data.size();
    qsizetype i = 0;
    while (i < size) {
        const unsigned char lead = bytes[i];
        if (lead < 0x80) {
            ++i;
            continue;
        }
        int length = 0;
        char32_t codePoint = 0;
        char32_t minimum = 0;
        if ((lead & 0xE0) == 0xC0) {
            length = 2;
            codePoint = lead & 0x1F;
            minimum = 0x80;
        } else if ((lead & 0xF0) == 0xE0) {
            length = 3;
            codePoint = lead & 0x0F;
            minimum = 0x800;
        } else if ((lead & 0xF8) == 0xF0) {
            length = 4;
            codePoint = lead & 0x07;
            minimum = 0x10000;
        } else {
            return i;
        }
        if (i + length > size)
            return i;
        for (int k = 1; k < length; ++k) {
            const unsigned char next = bytes[i + k];
            if ((next & 0xC0) != 0x80)
                return i;
            codePoint = (codePoint << 6) | (next & 0x3F);
        }
        if (codePoint < minimum || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
            return i;
        i += length;
    }
    return -1;
}

// 1-based line and column (in bytes) of a byte offset, for JSON error messages.
QString describePosition(const QByteArray &data, qsizetype offset)
{
    offset = std::clamp<qsizetype>(offset, 0, data.size());
    qsizetype line = 1;
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < offset; ++i) {
        if (data.at(i) == '\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    return ProfileStore::tr("offset %1 (line %2, column %3)")
        .arg(QString::number(offset), QString::number(line), QString::number(offset - lineStart + 1));
}

QString describeJsonType(const QJsonDocument &document)
{
    if (document.isArray())
        return ProfileStore::tr("a JSON array");
    if (document.isNull())
        return ProfileStore::tr("JSON null");
    return ProfileStore::tr("a JSON value that is not an object");
}

QString formatSize(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, bytes % 1024 == 0 ? 0 : 1, QLocale::DataSizeIecFormat);
}

} // namespace

bool readProfileFile(const QString &path, Profile *out, QStringList *warnings, QString *error)
{
    QString ignoredError;
    if (!error)
        error = &ignoredError;
    const QString shownPath = QDir::toNativeSeparators(path);
    const auto tooLarge = [&shownPath](qint64 size) {
        return ProfileStore::tr("Profile file \"%1\" is %2, larger than the %3 limit for profiles.")
            .arg(shownPath, formatSize(size), formatSize(ProfileStore::maxFileSize));
    };

    const QFileInfo info(path);
    if (!info.exists()) {
        *error = ProfileStore::tr("Profile file \"%1\" does not exist.").arg(shownPath);
        return false;
    }
    if (!info.isFile()) {
        *error = ProfileStore::tr("Profile file \"%1\" is not a regular file.").arg(shownPath);
        return false;
    }
    // Checked before reading, so that a huge file is never loaded into memory.
    if (info.size() > ProfileStore::maxFileSize) {
        *error = tooLarge(info.size());
        return false;
    }

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = ProfileStore::tr("Cannot open profile file \"%1\": %2.").arg(shownPath, file.errorString());
        return false;
    }
    // The file may have grown since the size check: read at most one byte past the limit.
    QByteArray data = file.read(ProfileStore::maxFileSize + 1);
    if (file.error() != QFileDevice::NoError) {
        *error = ProfileStore::tr("Cannot read profile file \"%1\": %2.").arg(shownPath, file.errorString());
        return false;
    }
    if (data.size() > ProfileStore::maxFileSize) {
        *error = tooLarge(qMax(info.size(), qint64(data.size())));
        return false;
    }

    if (data.startsWith("\xEF\xBB\xBF"))
        data.remove(0, 3); // a UTF-8 byte order mark, which some editors write
    if (data.trimmed().isEmpty()) {
        *error = ProfileStore::tr("Profile file \"%1\" is empty.").arg(shownPath);
        return false;
    }

    const qsizetype badByte = invalidUtf8Offset(data);
    if (badByte >= 0) {
        *error = ProfileStore::tr("Profile file \"%1\" is not valid UTF-8: invalid byte 0x%2 at %3.")
                     .arg(shownPath,
                          QString::number(static_cast<unsigned char>(data.at(badByte)), 16).toUpper(),
                          describePosition(data, badByte));
        return false;
    }

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = ProfileStore::tr("Profile file \"%1\" is not valid JSON: %2 at %3.")
                     .arg(shownPath, parseError.errorString(), describePosition(data, parseError.offset));
        return false;
    }
    if (!document.isObject()) {
        *error = ProfileStore::tr("Profile file \"%1\" contains %2, but a profile is a JSON object.")
                     .arg(shownPath, describeJsonType(document));
        return false;
    }

    QString profileError;
    if (!Profile::fromJson(document.object(), out, &profileError, warnings)) {
        *error = ProfileStore::tr("Profile file \"%1\": %2").arg(shownPath, profileError);
        return false;
    }
    return true;
}

ProfileStore::ProfileStore(QObject *parent)
    : ProfileStore(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/profiles"),
                   parent)
{
}

ProfileStore::ProfileStore(const QString &directory, QObject *parent)
    : QObject(parent)
    , m_directory(directory)
{
}

QString ProfileStore::newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QString ProfileStore::filePath(const QString &id) const
{
    return m_directory + u'/' + id + QStringLiteral(".json");
}

bool ProfileStore::ensureDirectory(QString *error) const
{
    QDir dir(m_directory);
    if (dir.exists())
        return true;
    if (!dir.mkpath(QStringLiteral("."))) {
        *error = tr("Cannot create the profiles folder \"%1\".").arg(QDir::toNativeSeparators(m_directory));
        return false;
    }
    // Profiles show which services the user logs in to, so other users may not list them.
    QFile::setPermissions(m_directory, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return true;
}

QList<Profile> ProfileStore::list()
{
    m_problems.clear();
    QList<Profile> saved;

    const QDir dir(m_directory);
    const QFileInfoList files =
        dir.exists() ? dir.entryInfoList({QStringLiteral("*.json")}, QDir::Files | QDir::Hidden, QDir::Name)
                     : QFileInfoList();
    for (const QFileInfo &info : files) {
        const QString id = info.completeBaseName();
        const QString shownPath = QDir::toNativeSeparators(info.filePath());
        if (!Profile::isValidId(id)) {
            m_problems.append(tr("Skipped profile file \"%1\": the file name is not a valid profile id "
                                 "(1 to 64 letters, digits, '.', '_' or '-').")
                                  .arg(shownPath));
            continue;
        }
        if (id == sandboxId) {
            m_problems.append(tr("Skipped profile file \"%1\": \"%2\" is the id of the built-in profile.")
                                  .arg(shownPath, sandboxId));
            continue;
        }

        Profile profile;
        QStringList warnings;
        QString error;
        if (!readProfileFile(info.filePath(), &profile, &warnings, &error)) {
            m_problems.append(tr("%1 The file was skipped.").arg(error));
            continue;
        }
        for (const QString &warning : warnings)
            m_problems.append(tr("Profile file \"%1\": %2").arg(shownPath, warning));
        // The file name is the id that load(), save() and remove() use.
        profile.id = id;
        saved.append(profile);
    }

    // list() runs whenever the view refreshes: log each problem once, not on every call.
    for (const QString &problem : std::as_const(m_problems)) {
        if (!m_loggedProblems.contains(problem))
            qCWarning(lcStorage).noquote() << problem;
    }
    m_loggedProblems = QSet<QString>(m_problems.cbegin(), m_problems.cend());

    std::sort(saved.begin(), saved.end(), [](const Profile &a, const Profile &b) {
        const int byName = a.name.compare(b.name, Qt::CaseInsensitive);
        return byName != 0 ? byName < 0 : a.id < b.id;
    });
    saved.prepend(Profile::localSandbox());
    return saved;
}

std::optional<Profile> ProfileStore::load(const QString &id, QString *error) const
{
    QString ignoredError;
    if (!error)
        error = &ignoredError;
    if (id == sandboxId)
        return Profile::localSandbox();
    if (!Profile::isValidId(id)) {
        *error = tr("Invalid profile id \"%1\".").arg(id);
        return std::nullopt;
    }
    Profile profile;
    if (!readProfileFile(filePath(id), &profile, nullptr, error))
        return std::nullopt;
    profile.id = id;
    return profile;
}

bool ProfileStore::save(const Profile &profile, QString *error)
{
    QString ignoredError;
    if (!error)
        error = &ignoredError;
    if (profile.id == sandboxId) {
        *error = tr("The built-in profile \"%1\" cannot be saved: save a copy under a new id.").arg(sandboxId);
        return false;
    }
    if (!Profile::isValidId(profile.id)) {
        *error = tr("Cannot save a profile with the id \"%1\": an id is 1 to 64 letters, digits, '.', '_' or '-'.")
                     .arg(profile.id);
        return false;
    }
    if (!ensureDirectory(error))
        return false;

    const QString path = filePath(profile.id);
    QSaveFile file(path);
    // setPermissions on an open QSaveFile applies to its temporary file, so the final file is
    // never readable by others, not even for a moment.
    const bool written = file.open(QIODevice::WriteOnly)
        && file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        && file.write(QJsonDocument(profile.toJson()).toJson(QJsonDocument::Indented)) >= 0 && file.commit();
    if (!written) {
        *error = tr("Cannot save profile \"%1\" to \"%2\": %3.")
                     .arg(profile.name, QDir::toNativeSeparators(path), file.errorString());
        file.cancelWriting();
        qCWarning(lcStorage).noquote() << *error;
        return false;
    }
    qCInfo(lcStorage) << "Saved profile" << profile.id;
    Q_EMIT profilesChanged();
    return true;
}

bool ProfileStore::remove(const QString &id, QString *error)
{
    QString ignoredError;
    if (!error)
        error = &ignoredError;
    if (id == sandboxId) {
        *error = tr("The built-in profile \"%1\" cannot be removed.").arg(sandboxId);
        return false;
    }
    if (!Profile::isValidId(id)) {
        *error = tr("Invalid profile id \"%1\".").arg(id);
        return false;
    }
    QFile file(filePath(id));
    if (!file.exists()) {
        *error = tr("Profile \"%1\" not found in \"%2\".").arg(id, QDir::toNativeSeparators(m_directory));
        return false;
    }
    if (!file.remove()) {
        *error = tr("Cannot remove profile file \"%1\": %2.")
                     .arg(QDir::toNativeSeparators(file.fileName()), file.errorString());
        qCWarning(lcStorage).noquote() << *error;
        return false;
    }
    qCInfo(lcStorage) << "Removed profile" << id;
    Q_EMIT profilesChanged();
    return true;
}

bool ProfileStore::importFile(const QString &path, Profile *imported, QStringList *warnings, QString *error)
{
    Profile profile;
    if (!readProfileFile(path, &profile, warnings, error)) {
        qCWarning(lcStorage).noquote() << "Import failed:" << (error ? *error : QString());
        return false;
    }

    // Never overwrite: an imported profile that would replace a saved one gets a new id.
    if (!Profile::isValidId(profile.id) || profile.id == sandboxId || QFileInfo::exists(filePath(profile.id)))
        profile.id = newId();
    if (profile.name.isEmpty())
        profile.name = QFileInfo(path).completeBaseName();

    if (!save(profile, error))
        return false;
    if (imported)
        *imported = profile;
    return true;
}

bool ProfileStore::exportFile(const Profile &profile, const QString &path, QString *error) const
{
    QSaveFile file(path);
    const bool written = file.open(QIODevice::WriteOnly)
        && file.write(QJsonDocument(profile.toJson()).toJson(QJsonDocument::Indented)) >= 0 && file.commit();
    if (!written) {
        if (error) {
            *error = tr("Cannot export profile \"%1\" to \"%2\": %3.")
                         .arg(profile.name, QDir::toNativeSeparators(path), file.errorString());
        }
        file.cancelWriting();
        return false;
    }
    return true;
}

} // namespace afx
