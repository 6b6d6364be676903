#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <deque>
#include <optional>

// The sandbox's fixed accounts, clients and clock, shared by its provider and its backend.
namespace afx::sandbox {

// Seconds since the Unix epoch, moved by an offset so that expiry can be shown on purpose.
struct SandboxClock {
    qint64 offsetSeconds = 0;
    qint64 now() const { return QDateTime::currentSecsSinceEpoch() + offsetSeconds; }
};

// The roles that the sandbox puts into the roles claim. The backend lets a Guest run queries
// only, and an Employee also mutations that change data.
inline constexpr char guestRole[] = "Guest";
inline constexpr char employeeRole[] = "Employee";

// The authentication profiles: "open" and "employees", the values of the auth_profile
// parameter of an authorization request.
inline constexpr char openProfileName[] = "open";
inline constexpr char employeesProfileName[] = "employees";

// An authentication profile: who may sign up through it and which role new users get.
struct AuthProfile {
    QString name;
    QString role;
    // The only e-mail domain that sign-up accepts, compared case-insensitively with the part
    // after the '@'. Empty: every domain.
    QString allowedDomain;
};

struct UserAccount {
    QString sub;
    QString email;
    QString name;
    QString password; // empty for an account created by a social sign-in: no password sign-in
    QString authProfile = QString::fromLatin1(openProfileName); // the profile the user belongs to
    QString role = QString::fromLatin1(guestRole);              // sent as the only entry of the roles claim
};

// An account at another identity provider that signs a sandbox user in.
struct ExternalIdentity {
    QString issuer;
    QString subject;
    QString sub; // the sandbox user it is linked to
};

// The demo user, in the employees profile with the role Employee, so that it may call every
// mutation of the backend.
const UserAccount &demoUser();

// Checks the form of an e-mail address for sign-up. It needs one '@', at most 254 characters
// and no spaces. The local part has at most 64 characters, and the domain has at least two
// dot-separated labels of ASCII letters, digits and '-'. Returns false with *error set to a
// sentence that names the address. This is a practical subset of RFC 5321 addresses, so
// quoted local parts and address literals are rejected.
bool validateEmailAddress(const QString &email, QString *error);

// The sandbox's users: the demo user, plus the users that sign-ups, social sign-ins and
// SandboxServer::addUser() created. They live in memory until the sandbox object is destroyed.
class UserDirectory {
public:
    static constexpr qsizetype minPasswordLength = 8;   // for sign-up only
    static constexpr qsizetype maxNameLength = 100;     // for sign-up only
    // Sign-up needs no credentials, so this bounds the memory that sign-ups can take.
    static constexpr int maxSignedUpUsers = 1000;
    static constexpr char defaultEmployeesDomain[] = "example.com";

    UserDirectory();

    // The profiles "open" (any domain, role Guest) and "employees" (only the employees domain,
    // role Employee), in that order.
    QList<AuthProfile> profiles() const;
    std::optional<AuthProfile> findProfile(const QString &name) const;
    // Sets the only domain the employees profile accepts for sign-up, such as "example.com".
    // Existing users keep their profile and role.
    void setEmployeesDomain(const QString &domain);
    QString employeesDomain() const;

    const UserAccount *findBySub(const QString &sub) const;
    // Matches the e-mail address case-insensitively after trimming spaces.
    const UserAccount *findByEmail(const QString &email) const;
    // Returns the user with this e-mail address and password, or null. Both outcomes compare a
    // password in constant time, so the response time does not tell whether the address exists.
    // An account without a password never matches.
    const UserAccount *checkPassword(const QString &email, const QString &password) const;

    // Adds a user who signs in with `password`, with the sub "user-N". Returns null with *error
    // set when the e-mail address is empty, has no '@' or is taken, or the password is empty.
    // An empty name becomes the e-mail address. The user joins the employees profile (role
    // Employee) when the address is in the employees domain, and the open profile (role Guest)
    // otherwise. No other sign-up policy applies.
    const UserAccount *addUser(const QString &email, const QString &password, const QString &name, QString *error);

    // Signs up a user through the profile `profileName`, which gives the user its role. The
    // policy needs a valid e-mail address (validateEmailAddress()) in the profile's domain that
    // is not registered yet. It also needs a password of at least minPasswordLength characters
    // and a name of at most maxNameLength characters. An empty name becomes the e-mail address.
    // Returns null with *error set to a sentence that names the rejected value, never the
    // password.
    const UserAccount *signUp(const QString &profileName, const QString &email, const QString &name,
                              const QString &password, QString *error);

    // Returns the user that the account (`issuer`, `subject`) signs in: the one linked to it
    // earlier, else the user with the same e-mail address (then linked, keeping its role).
    // Otherwise it creates a user without a password in the open profile, with the role Guest.
    // *created is set to whether a user was created. The caller checks that the other provider
    // verified `email` before it calls this.
    const UserAccount &linkExternalAccount(const QString &issuer, const QString &subject, const QString &email,
                                           const QString &name, bool *created);
    int externalIdentityCount() const { return int(m_identities.size()); }

private:
    // Appends a user with the next "<prefix>-N" sub and returns it.
    const UserAccount &appendUser(UserAccount account, const QString &subPrefix);

    std::deque<UserAccount> m_users; // a deque keeps the addresses of earlier users stable
    QList<ExternalIdentity> m_identities;
    QString m_employeesDomain = QString::fromLatin1(defaultEmployeesDomain);
    int m_signedUpUsers = 0;
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
