#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

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
    QString password;
};

const UserAccount &demoUser();
const UserAccount *findUserBySub(const QString &sub);
// Matches the e-mail address case-insensitively after trimming spaces.
const UserAccount *findUserByEmail(const QString &email);

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
