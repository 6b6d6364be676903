#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <deque>

// The sandbox's fixed accounts, clients and clock, shared by its provider and its backend.
namespace afx::sandbox {

// Seconds since the Unix epoch, moved by an offset so that expiry can be shown on purpose.
struct SandboxClock {
    qint64 offsetSeconds = 0;
    qint64 now() const { return QDateTime::currentSecsSinceEpoch() + offsetSeconds; }
};

struct UserAccount {
    QString sub;
    QString email;
    QString name;
    QString password; // empty for an account created by a social sign-in: no password sign-in
};

// An account at another identity provider that signs a sandbox user in.
struct ExternalIdentity {
    QString issuer;
    QString subject;
    QString sub; // the sandbox user it is linked to
};

const UserAccount &demoUser();

// The sandbox's users: the demo user, plus the users that social sign-ins created. Linked and
// created accounts live in memory until the sandbox object is destroyed.
class UserDirectory {
public:
    UserDirectory();

    const UserAccount *findBySub(const QString &sub) const;
    // Matches the e-mail address case-insensitively after trimming spaces.
    const UserAccount *findByEmail(const QString &email) const;
    // Returns the user with this e-mail address and password, or null. Both outcomes compare a
    // password in constant time, so the response time does not tell whether the address exists.
    // An account without a password never matches.
    const UserAccount *checkPassword(const QString &email, const QString &password) const;

    // Adds a user who signs in with `password`, with the sub "user-N". Returns null with *error
    // set when the e-mail address is empty, has no '@' or is taken, or the password is empty.
    // An empty name becomes the e-mail address.
    const UserAccount *addUser(const QString &email, const QString &password, const QString &name, QString *error);

    // Returns the user that the account (`issuer`, `subject`) signs in: the one linked to it
    // earlier, else the user with the same e-mail address (then linked), else a new user
    // without a password. *created is set to whether a user was created. The caller checks that
    // the other provider verified `email` before it calls this.
    const UserAccount &linkExternalAccount(const QString &issuer, const QString &subject, const QString &email,
                                           const QString &name, bool *created);
    int externalIdentityCount() const { return int(m_identities.size()); }

private:
    std::deque<UserAccount> m_users; // a deque keeps the addresses of earlier users stable
    QList<ExternalIdentity> m_identities;
};

struct ClientRegistration {
    QString id;
    QString secret;   // empty for a public client and for a private_key_jwt client
    bool isPublic = true;
    // The client authenticates only with a JWT signed by its private key (private_key_jwt),
    // checked with the public key that SandboxServer::setClientAssertionKey() registers.
    bool usesPrivateKeyJwt = false;
    // Public clients must use PKCE. Confidential clients may, and must if they started with it.
    bool requiresPkce() const { return isPublic; }
};

const ClientRegistration *findClient(const QString &clientId);

// Redirect URIs both sandbox clients may use: the custom scheme below exactly, or the
// loopback form of RFC 8252 section 7.3: http://127.0.0.1:<any port>/callback or
// http://[::1]:<any port>/callback, host written literally and path exact.
inline constexpr char customSchemeRedirectUri[] = "com.example.explorer:/callback";
bool isRegisteredRedirectUri(const QString &redirectUri);

// Scopes the provider supports. A request for any other scope fails with invalid_scope.
QStringList supportedScopes();

} // namespace afx::sandbox
