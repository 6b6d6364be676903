#include "sandbox/directory.h"

#include "sandbox/sandboxserver.h"

namespace afx::sandbox {

const UserAccount &demoUser()
{
    static const UserAccount user{QStringLiteral("demo-user-1"), SandboxServer::demoEmail(),
                                  QStringLiteral("Demo User"), SandboxServer::demoPassword()};
    return user;
}

const UserAccount *findUserBySub(const QString &sub)
{
    return sub == demoUser().sub ? &demoUser() : nullptr;
}

const UserAccount *findUserByEmail(const QString &email)
{
    return email.trimmed().compare(demoUser().email, Qt::CaseInsensitive) == 0 ? &demoUser() : nullptr;
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
