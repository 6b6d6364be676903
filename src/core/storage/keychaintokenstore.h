#pragma once

#include "storage/tokenstore.h"

#include <chrono>
#include <optional>

namespace QKeychain {
class Job;
}

namespace afx {

// Outcome of KeychainTokenStore::probe().
struct KeychainProbeResult {
    bool ok = false;
    QString keychainError; // the error text QtKeychain reported, or the timeout; empty when ok
    QString explanation;   // what is missing and how to fix it, in plain words; empty when ok

    // One paragraph for the user: both texts above, or a sentence saying the keychain works.
    QString message() const;
};

// Keeps secrets in the operating system's keychain through QtKeychain: on Linux the Secret
// Service (gnome-keyring, KWallet, KeePassXC) through libsecret. Each entry lives under the
// service "authflow-explorer" with the key string as its name. Values are never logged.
//
// QtKeychain reports success for some reads and deletes while the keychain is unusable, so
// only probe() shows whether the keychain works. Call it before trusting this store, and fall
// back to MemoryTokenStore when it fails.
//
// Every call completes exactly once: when QtKeychain finishes or when the timeout expires,
// whichever comes first. A result that arrives after the timeout is ignored. Callbacks still
// pending when the store is destroyed are dropped.
class KeychainTokenStore : public TokenStore {
    Q_OBJECT
public:
    static constexpr const char *serviceName = "authflow-explorer";
    static constexpr std::chrono::milliseconds defaultTimeout{5000};

    explicit KeychainTokenStore(QObject *parent = nullptr);
    ~KeychainTokenStore() override;

    QString backendName() const override;
    bool isPersistent() const override { return true; }

    std::chrono::milliseconds timeout() const { return m_timeout; }
    void setTimeout(std::chrono::milliseconds timeout); // for each job; applies to jobs started later

    void write(const QString &key, const QString &value, Done done) override;
    void read(const QString &key, Loaded loaded) override;
    void remove(const QString &key, Done done) override; // removing a missing entry succeeds

    // Writes, reads back and deletes a probe entry, each step under the timeout, and reports
    // whether the keychain can keep secrets.
    using ProbeDone = std::function<void(const KeychainProbeResult &result)>;
    void probe(ProbeDone done);

    // Result of the last finished probe(); empty before the first one.
    std::optional<KeychainProbeResult> lastProbe() const { return m_lastProbe; }

    // Turns a QtKeychain error (QKeychain::Error code and errorString()) into advice for the user.
    static QString explainError(int keychainErrorCode, const QString &errorText);

    static QString probeKey(); // name of the probe entry

private:
    struct JobResult {
        QString description; // "write of \"<key>\"", for messages and logs
        bool timedOut = false;
        int errorCode = 0; // QKeychain::Error
        QString errorText;
        QString data;      // read jobs only
    };
    using JobDone = std::function<void(const JobResult &result)>;

    void runJob(QKeychain::Job *job, const QString &description, JobDone done);
    void startWrite(const QString &key, const QString &value, JobDone done);
    void startRead(const QString &key, JobDone done);
    void startRemove(const QString &key, JobDone done);
    QString failureMessage(const JobResult &result) const;
    QString timeoutText() const;
    QString timeoutExplanation() const;
    void finishProbe(const ProbeDone &done, const KeychainProbeResult &result);

    std::chrono::milliseconds m_timeout = defaultTimeout;
    std::optional<KeychainProbeResult> m_lastProbe;
};

} // namespace afx
