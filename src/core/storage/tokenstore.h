#pragma once

#include <QDateTime>
#include <QObject>
#include <QString>

#include <functional>

namespace afx {

// The tokens a login yields. They are raw values, so they are never logged.
struct TokenSet {
    QString idToken;
    QString accessToken;
    QString refreshToken;
    QString tokenType;
    QString scope;
    QDateTime expiresAt; // access token expiry from expires_in, UTC; invalid when unknown
    QDateTime obtainedAt;

    bool isEmpty() const { return idToken.isEmpty() && accessToken.isEmpty() && refreshToken.isEmpty(); }
    QByteArray toJson() const;                         // for the keychain only
    static bool fromJson(const QByteArray &json, TokenSet *out, QString *error);
};

// Names a stored token set: which profile, issuer, client and audience it belongs to.
struct TokenKey {
    QString profileId;
    QString issuer;
    QString clientId;
    QString audience;
    QString toString() const; // stable keychain account name
};

// Keeps secrets: token sets, client secrets and pasted API tokens. Every call completes
// exactly once through its callback, on the caller's thread, also on timeout.
class TokenStore : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(bool ok, const QString &error)>;
    // found == false with an empty error: no entry for the key. A non-empty error: the read failed.
    using Loaded = std::function<void(bool found, const QString &value, const QString &error)>;

    explicit TokenStore(QObject *parent = nullptr) : QObject(parent) {}
    ~TokenStore() override = default;

    virtual QString backendName() const = 0; // "Secret Service (gnome-keyring)", "memory (this session only)"
    virtual bool isPersistent() const = 0;

    virtual void write(const QString &key, const QString &value, Done done) = 0;
    virtual void read(const QString &key, Loaded loaded) = 0;
    virtual void remove(const QString &key, Done done) = 0;

    // Token-set helpers on top of write/read/remove. loadTokens reports a stored entry that is
    // not a valid token set as not found, with the reason in error.
    void saveTokens(const TokenKey &key, const TokenSet &tokens, Done done);
    void loadTokens(const TokenKey &key, std::function<void(bool found, const TokenSet &, const QString &error)> loaded);

    static QString clientSecretKey(const QString &profileId);
    static QString apiTokenKey(const QString &profileId);
};

} // namespace afx
