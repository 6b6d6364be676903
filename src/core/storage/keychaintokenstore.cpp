#include "storage/keychaintokenstore.h"

#include <QLoggingCategory>
#include <QMetaObject>
#include <QTimer>
#include <QUuid>

#include <qt6keychain/keychain.h>

#include <memory>

namespace afx {

namespace {

Q_LOGGING_CATEGORY(lcKeychain, "afx.keychain", QtInfoMsg)

bool containsAny(const QString &text, std::initializer_list<const char *> needles)
{
    for (const char *needle : needles) {
        if (text.contains(QLatin1String(needle), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace

QString KeychainProbeResult::message() const
{
    if (ok)
        return KeychainTokenStore::tr("The keychain works: secrets are kept in it.");
    return KeychainTokenStore::tr("The keychain cannot be used (%1). %2").arg(keychainError, explanation);
}

KeychainTokenStore::KeychainTokenStore(QObject *parent)
    : TokenStore(parent)
{
}

// Jobs still running are not deleted here: QtKeychain's libsecret callbacks keep a raw pointer
// to their job, so each job deletes itself when it finishes (autoDelete).
KeychainTokenStore::~KeychainTokenStore() = default;

QString KeychainTokenStore::backendName() const
{
#if defined(Q_OS_MACOS)
    return tr("macOS Keychain");
#elif defined(Q_OS_WIN)
    return tr("Windows Credential Manager");
#else
    return tr("Secret Service keychain");
#endif
}

void KeychainTokenStore::setTimeout(std::chrono::milliseconds timeout)
{
    m_timeout = timeout > std::chrono::milliseconds::zero() ? timeout : defaultTimeout;
}

QString KeychainTokenStore::probeKey()
{
    return QStringLiteral("probe");
}

QString KeychainTokenStore::explainError(int keychainErrorCode, const QString &errorText)
{
    // The texts matched here were returned by QtKeychain 0.13.2, libsecret 0.20.5 and
    // gnome-keyring 42 on Debian 12, or appear in QtKeychain's KWallet code. Other versions may
    // word them differently.
    if (containsAny(errorText, {"autolaunch", "DBUS_SESSION_BUS_ADDRESS", "D-Bus is not running",
                                "Cannot spawn a message bus"})) {
        return tr("No D-Bus session bus is running, so no keychain can be reached: run the app in a desktop "
                  "session, or start it under dbus-run-session with a Secret Service provider such as "
                  "gnome-keyring.");
    }
    if (keychainErrorCode == QKeychain::NoBackendAvailable
        || containsAny(errorText, {"org.freedesktop.secrets", "No keychain service"})) {
        return tr("No Secret Service provider is running on the session bus: install and start gnome-keyring "
                  "or another Secret Service provider (package gnome-keyring).");
    }
    if (containsAny(errorText, {"/collection/login", "No such keyring"})) {
        return tr("The Secret Service provider has no login keyring and cannot ask for a password here: "
                  "create and unlock the login keyring (for example with Seahorse, or by logging in to a "
                  "desktop session).");
    }
    if (keychainErrorCode == QKeychain::AccessDenied || keychainErrorCode == QKeychain::AccessDeniedByUser
        || containsAny(errorText, {"locked"})) {
        return tr("Access to the keyring was denied: unlock the login keyring (for example with Seahorse, or by "
                  "logging in again), then retry.");
    }
    return tr("Check that a Secret Service provider such as gnome-keyring is running and that its login keyring "
              "is unlocked.");
}

QString KeychainTokenStore::timeoutText() const
{
    return tr("no answer within %1 ms").arg(QString::number(m_timeout.count()));
}

QString KeychainTokenStore::timeoutExplanation() const
{
    return tr("A prompt to unlock the keyring may be waiting on the screen: answer it, then retry.");
}

QString KeychainTokenStore::failureMessage(const JobResult &result) const
{
    if (result.timedOut)
        return tr("Keychain %1 failed: %2. %3").arg(result.description, timeoutText(), timeoutExplanation());
    return tr("Keychain %1 failed: %2. %3")
        .arg(result.description, result.errorText, explainError(result.errorCode, result.errorText));
}

void KeychainTokenStore::runJob(QKeychain::Job *job, const QString &description, JobDone done)
{
    // QtKeychain runs one job at a time, so a job stuck behind a prompt also delays later jobs.
    // Each of them still gets its own timeout.
    auto settled = std::make_shared<bool>(false);
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    timer->setInterval(m_timeout);

    connect(timer, &QTimer::timeout, this, [this, settled, timer, description, done] {
        if (*settled)
            return;
        *settled = true;
        timer->deleteLater();
        qCWarning(lcKeychain).noquote() << "Keychain" << description << "timed out after" << m_timeout.count()
                                        << "ms";
        JobResult result;
        result.description = description;
        result.timedOut = true;
        done(result);
    });

    connect(job, &QKeychain::Job::finished, this, [settled, timer, description, done](QKeychain::Job *finished) {
        if (*settled) {
            qCInfo(lcKeychain).noquote() << "Keychain" << description << "finished after its timeout; ignored";
            return;
        }
        *settled = true;
        timer->stop();
        timer->deleteLater();

        JobResult result;
        result.description = description;
        result.errorCode = finished->error();
        result.errorText = finished->errorString();
        if (auto *readJob = qobject_cast<QKeychain::ReadPasswordJob *>(finished);
            readJob && finished->error() == QKeychain::NoError) {
            result.data = readJob->textData();
        }
        if (result.errorCode != QKeychain::NoError && result.errorCode != QKeychain::EntryNotFound) {
            qCWarning(lcKeychain).noquote() << "Keychain" << description << "failed with error" << result.errorCode
                                            << result.errorText;
        }
        done(result);
    });

    // The job has no parent and deletes itself after finished: deleting it earlier would leave
    // QtKeychain's pending libsecret callback with a dangling pointer.
    // NOTE: a job that never finishes (a prompt nobody answers) is never freed, and every later
    // job in this process waits behind it in QtKeychain's queue until its own timeout.
    job->setAutoDelete(true);
    job->start();
    timer->start();
}

void KeychainTokenStore::startWrite(const QString &key, const QString &value, JobDone done)
{
    auto *job = new QKeychain::WritePasswordJob(QLatin1String(serviceName));
    job->setKey(key);
    job->setTextData(value);
    runJob(job, tr("write of \"%1\"").arg(key), std::move(done));
}

void KeychainTokenStore::startRead(const QString &key, JobDone done)
{
    auto *job = new QKeychain::ReadPasswordJob(QLatin1String(serviceName));
    job->setKey(key);
    runJob(job, tr("read of \"%1\"").arg(key), std::move(done));
}

void KeychainTokenStore::startRemove(const QString &key, JobDone done)
{
    auto *job = new QKeychain::DeletePasswordJob(QLatin1String(serviceName));
    job->setKey(key);
    runJob(job, tr("delete of \"%1\"").arg(key), std::move(done));
}

void KeychainTokenStore::write(const QString &key, const QString &value, Done done)
{
    if (key.isEmpty()) {
        QMetaObject::invokeMethod(this, [done = std::move(done)] {
            if (done)
                done(false, tr("Cannot write to the keychain: the key is empty."));
        }, Qt::QueuedConnection);
        return;
    }
    startWrite(key, value, [this, done = std::move(done)](const JobResult &result) {
        if (!done)
            return;
        if (!result.timedOut && result.errorCode == QKeychain::NoError)
            done(true, QString());
        else
            done(false, failureMessage(result));
    });
}

void KeychainTokenStore::read(const QString &key, Loaded loaded)
{
    if (key.isEmpty()) {
        QMetaObject::invokeMethod(this, [loaded = std::move(loaded)] {
            if (loaded)
                loaded(false, QString(), tr("Cannot read from the keychain: the key is empty."));
        }, Qt::QueuedConnection);
        return;
    }
    startRead(key, [this, loaded = std::move(loaded)](const JobResult &result) {
        if (!loaded)
            return;
        if (result.timedOut)
            loaded(false, QString(), failureMessage(result));
        else if (result.errorCode == QKeychain::NoError)
            loaded(true, result.data, QString());
        else if (result.errorCode == QKeychain::EntryNotFound)
            loaded(false, QString(), QString());
        else
            loaded(false, QString(), failureMessage(result));
    });
}

void KeychainTokenStore::remove(const QString &key, Done done)
{
    if (key.isEmpty()) {
        QMetaObject::invokeMethod(this, [done = std::move(done)] {
            if (done)
                done(false, tr("Cannot delete from the keychain: the key is empty."));
        }, Qt::QueuedConnection);
        return;
    }
    startRemove(key, [this, done = std::move(done)](const JobResult &result) {
        if (!done)
            return;
        const bool ok = !result.timedOut
            && (result.errorCode == QKeychain::NoError || result.errorCode == QKeychain::EntryNotFound);
        if (ok)
            done(true, QString());
        else
            done(false, failureMessage(result));
    });
}

void KeychainTokenStore::finishProbe(const ProbeDone &done, const KeychainProbeResult &result)
{
    m_lastProbe = result;
    if (result.ok)
        qCInfo(lcKeychain) << "Keychain probe succeeded";
    else
        qCWarning(lcKeychain).noquote() << "Keychain probe failed:" << result.keychainError;
    if (done)
        done(result);
}

void KeychainTokenStore::probe(ProbeDone done)
{
    // A random value, so that reading back an old probe entry cannot pass for a working write.
    const QString key = probeKey();
    const QString value = QStringLiteral("probe ") + QUuid::createUuid().toString(QUuid::WithoutBraces);

    const auto failed = [this](const JobResult &result) {
        KeychainProbeResult failure;
        if (result.timedOut) {
            failure.keychainError = timeoutText();
            failure.explanation = timeoutExplanation();
        } else {
            failure.keychainError = result.errorText;
            failure.explanation = explainError(result.errorCode, result.errorText);
        }
        return failure;
    };

    startWrite(key, value, [this, key, value, done, failed](const JobResult &written) {
        if (written.timedOut || written.errorCode != QKeychain::NoError) {
            finishProbe(done, failed(written));
            return;
        }
        startRead(key, [this, key, value, done, failed](const JobResult &readBack) {
            if (readBack.timedOut
                || (readBack.errorCode != QKeychain::NoError && readBack.errorCode != QKeychain::EntryNotFound)) {
                finishProbe(done, failed(readBack));
                return;
            }
            if (readBack.errorCode == QKeychain::EntryNotFound || readBack.data != value) {
                KeychainProbeResult failure;
                failure.keychainError = readBack.errorCode == QKeychain::EntryNotFound
                    ? tr("the probe entry was written but reading it back found nothing")
                    : tr("the probe entry was written but reading it back returned a different value");
                failure.explanation = tr("The keychain accepts entries but does not keep them. ")
                    + explainError(readBack.errorCode, readBack.errorText);
                // Best effort: do not leave the probe entry behind.
                startRemove(key, [](const JobResult &) {});
                finishProbe(done, failure);
                return;
            }
            startRemove(key, [this, done, failed](const JobResult &removed) {
                if (removed.timedOut
                    || (removed.errorCode != QKeychain::NoError && removed.errorCode != QKeychain::EntryNotFound)) {
                    finishProbe(done, failed(removed));
                    return;
                }
                KeychainProbeResult success;
                success.ok = true;
                finishProbe(done, success);
            });
        });
    });
}

} // namespace afx
