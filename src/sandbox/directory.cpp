#include "sandbox/directory.h"

#include "sandbox/identityprovider.h"
#include "sandbox/sandboxserver.h"

namespace afx::sandbox {

const UserAccount &demoUser()
{
    static const UserAccount user{QStringLiteral("demo-user-1"), SandboxServer::demoEmail(),
                                  QStringLiteral("Demo User"), SandboxServer::demoPassword()};
    return user;
}

UserDirectory::UserDirectory()
{
    m_users.push_back(demoUser());
}

const UserAccount *UserDirectory::findBySub(const QString &sub) const
{
    for (const UserAccount &user : m_users) {
        if (user.sub == sub)
            return &user;
    }
    return nullptr;
}

const UserAccount *UserDirectory::findByEmail(const QString &email) const
{
    const QString trimmed = email.trimmed();
    for (const UserAccount &user : m_users) {
        if (trimmed.compare(user.email, Qt::CaseInsensitive) == 0)
            return &user;
    }
    return nullptr;
}

const UserAccount *UserDirectory::checkPassword(const QString &email, const QString &password) const
{
    const UserAccount *user = findByEmail(email);
    const bool hasPassword = user && !user->password.isEmpty();
    const bool matches = constantTimeEquals(password, hasPassword ? user->password : demoUser().password);
    return hasPassword && matches ? user : nullptr;
}

const UserAccount *UserDirectory::addUser(const QString &email, const QString &password, const QString &name,
                                         QString *error)
{
    const QString trimmed = email.trimmed();
    if (trimmed.isEmpty() || !trimmed.contains(QLatin1Char('@'))) {
        *error = QStringLiteral("The e-mail address \"%1\" is invalid: it needs an '@'.").arg(trimmed.left(100));
        return nullptr;
    }
    if (findByEmail(trimmed)) {
        *error = QStringLiteral("The e-mail address %1 is already taken.").arg(trimmed.left(100));
        return nullptr;
    }
    if (password.isEmpty()) {
        *error = QStringLiteral("The user %1 has an empty password.").arg(trimmed.left(100));
        return nullptr;
    }
    UserAccount account;
    account.sub = QStringLiteral("user-%1").arg(m_users.size() + 1);
    account.email = trimmed;
    account.name = name.trimmed().isEmpty() ? trimmed : name.trimmed();
    account.password = password;
    m_users.push_back(account);
    return &m_users.back();
}

const UserAccount &UserDirectory::linkExternalAccount(const QString &issuer, const QString &subject,
                                                      const QString &email, const QString &name, bool *created)
{
    *created = false;
    for (const ExternalIdentity &identity : std::as_const(m_identities)) {
        if (identity.issuer == issuer && identity.subject == subject) {
            if (const UserAccount *user = findBySub(identity.sub))
                return *user;
        }
    }
    const UserAccount *user = findByEmail(email);
    if (!user) {
        // NOTE: nothing bounds the number of created users, because each needs a sign-in at
        // another provider, and the sandbox's own social provider has one user.
        UserAccount account;
        account.sub = QStringLiteral("linked-user-%1").arg(m_users.size() + 1);
        account.email = email.trimmed();
        account.name = name.isEmpty() ? account.email : name;
        m_users.push_back(account);
        user = &m_users.back();
        *created = true;
    }
    m_identities.append({issuer, subject, user->sub});
    return *user;
}

const ClientRegistration *findClient(const QString &clientId)
{
    static const ClientRegistration publicClient{SandboxServer::publicClientId(), QString(), true};
    static const ClientRegistration confidentialClient{SandboxServer::confidentialClientId(),
                                                       SandboxServer::confidentialClientSecret(), false};
    static const ClientRegistration jwtClient{SandboxServer::jwtClientId(), QString(), false, true};
    if (clientId == publicClient.id)
        return &publicClient;
    if (clientId == confidentialClient.id)
        return &confidentialClient;
    if (clientId == jwtClient.id)
        return &jwtClient;
    return nullptr;
}

bool isRegisteredRedirectUri(const QString &redirectUri)
{
    if (redirectUri == QLatin1String(customSchemeRedirectUri))
        return true;

    // Compared as text, not through QUrl, so that no normalization (case, default port,
    // percent-encoding) can make a different URI match.
    QStringView rest(redirectUri);
    if (rest.startsWith(QLatin1String("http://127.0.0.1")))
        rest = rest.sliced(16);
    else if (rest.startsWith(QLatin1String("http://[::1]")))
        rest = rest.sliced(12);
    else
        return false;

    if (rest.startsWith(QLatin1Char(':'))) {
        rest = rest.sliced(1);
        qsizetype digits = 0;
        while (digits < rest.size() && rest.at(digits).isDigit() && rest.at(digits).unicode() < 128)
            ++digits;
        if (digits == 0 || digits > 5)
            return false;
        bool ok = false;
        const int port = rest.first(digits).toInt(&ok);
        if (!ok || port < 1 || port > 65535)
            return false;
        rest = rest.sliced(digits);
    }
    return rest == QLatin1String("/callback");
}

QStringList supportedScopes()
{
    return {QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("email"),
            QStringLiteral("offline_access")};
}

} // namespace afx::sandbox
