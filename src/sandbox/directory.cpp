#include "sandbox/directory.h"

#include "sandbox/identityprovider.h"
#include "sandbox/sandboxserver.h"

#include <algorithm>

namespace afx::sandbox {

namespace {

bool isAsciiLetterOrDigit(char16_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The characters of a dot-atom local part (RFC 5322 section 3.2.3) besides the dot.
bool isLocalPartCharacter(char16_t c)
{
    return isAsciiLetterOrDigit(c) || QStringView(u"!#$%&'*+/=?^_`{|}~-").contains(QChar(c));
}

// The domain of an e-mail address, the part after the last '@'.
QString domainOf(const QString &email)
{
    return email.sliced(email.lastIndexOf(QLatin1Char('@')) + 1);
}

} // namespace

bool validateEmailAddress(const QString &email, QString *error)
{
    const auto invalid = [&](const QString &reason) {
        *error = QStringLiteral("The e-mail address \"%1\" is invalid: %2. Enter an address such as name@example.com.")
                     .arg(email.left(100), reason);
        return false;
    };
    if (email.isEmpty()) {
        *error = QStringLiteral("The e-mail address is empty. Enter an address such as name@example.com.");
        return false;
    }
    if (email.size() > 254)
        return invalid(QStringLiteral("it is longer than 254 characters"));
    if (email.count(QLatin1Char('@')) != 1)
        return invalid(QStringLiteral("it needs exactly one '@' between a name and a domain"));

    const qsizetype at = email.indexOf(QLatin1Char('@'));
    const QString localPart = email.first(at);
    const QString domain = email.sliced(at + 1);
    if (localPart.isEmpty())
        return invalid(QStringLiteral("it has no name before the '@'"));
    if (localPart.size() > 64)
        return invalid(QStringLiteral("the part before the '@' is longer than 64 characters"));
    // NOTE: internationalized addresses (RFC 6531) are rejected here, because the check
    // accepts only ASCII.
    for (const QChar c : localPart) {
        if (c != QLatin1Char('.') && !isLocalPartCharacter(c.unicode()))
            return invalid(QStringLiteral("the part before the '@' contains '%1', which addresses cannot contain there")
                               .arg(c.isPrint() ? QString(c) : QStringLiteral("U+%1").arg(c.unicode(), 4, 16, QLatin1Char('0'))));
    }
    if (localPart.startsWith(QLatin1Char('.')) || localPart.endsWith(QLatin1Char('.'))
        || localPart.contains(QLatin1String("..")))
        return invalid(QStringLiteral("a dot before the '@' is at the start, at the end or next to another dot"));

    if (domain.isEmpty())
        return invalid(QStringLiteral("it has no domain after the '@'"));
    const QStringList labels = domain.split(QLatin1Char('.'));
    if (labels.size() < 2)
        return invalid(QStringLiteral("the domain \"%1\" has no dot, as in example.com").arg(domain.left(100)));
    for (const QString &label : labels) {
        const bool validLabel = !label.isEmpty() && label.size() <= 63 && !label.startsWith(QLatin1Char('-'))
            && !label.endsWith(QLatin1Char('-'))
            && std::all_of(label.begin(), label.end(),
                           [](QChar c) { return isAsciiLetterOrDigit(c.unicode()) || c == QLatin1Char('-'); });
        if (!validLabel)
            return invalid(QStringLiteral("the domain \"%1\" is not a host name of letters, digits, '-' and dots")
                               .arg(domain.left(100)));
    }
    return true;
}

const UserAccount &demoUser()
{
    static const UserAccount user{QStringLiteral("demo-user-1"), SandboxServer::demoEmail(),
                                  QStringLiteral("Demo User"),   SandboxServer::demoPassword(),
                                  QString::fromLatin1(employeesProfileName), QString::fromLatin1(employeeRole)};
    return user;
}

UserDirectory::UserDirectory()
{
    m_users.push_back(demoUser());
}

QList<AuthProfile> UserDirectory::profiles() const
{
    return {AuthProfile{QString::fromLatin1(openProfileName), QString::fromLatin1(guestRole), QString()},
            AuthProfile{QString::fromLatin1(employeesProfileName), QString::fromLatin1(employeeRole), m_employeesDomain}};
}

std::optional<AuthProfile> UserDirectory::findProfile(const QString &name) const
{
    for (const AuthProfile &profile : profiles()) {
        if (profile.name == name)
            return profile;
    }
    return std::nullopt;
}

void UserDirectory::setEmployeesDomain(const QString &domain)
{
    m_employeesDomain = domain.trimmed();
}

QString UserDirectory::employeesDomain() const
{
    return m_employeesDomain;
}

const UserAccount &UserDirectory::appendUser(UserAccount account, const QString &subPrefix)
{
    account.sub = QStringLiteral("%1-%2").arg(subPrefix).arg(m_users.size() + 1);
    m_users.push_back(std::move(account));
    return m_users.back();
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
    account.email = trimmed;
    account.name = name.trimmed().isEmpty() ? trimmed : name.trimmed();
    account.password = password;
    if (!m_employeesDomain.isEmpty() && domainOf(trimmed).compare(m_employeesDomain, Qt::CaseInsensitive) == 0) {
        account.authProfile = QString::fromLatin1(employeesProfileName);
        account.role = QString::fromLatin1(employeeRole);
    }
    return &appendUser(std::move(account), QStringLiteral("user"));
}

const UserAccount *UserDirectory::signUp(const QString &profileName, const QString &email, const QString &name,
                                        const QString &password, QString *error)
{
    const std::optional<AuthProfile> profile = findProfile(profileName);
    if (!profile) {
        *error = QStringLiteral("The authentication profile \"%1\" is unknown; use %2 or %3.")
                     .arg(profileName.left(40), QLatin1String(openProfileName), QLatin1String(employeesProfileName));
        return nullptr;
    }
    const QString trimmed = email.trimmed();
    if (!validateEmailAddress(trimmed, error))
        return nullptr;
    if (!profile->allowedDomain.isEmpty() && domainOf(trimmed).compare(profile->allowedDomain, Qt::CaseInsensitive) != 0) {
        *error = QStringLiteral("The e-mail address %1 cannot sign up in the %2 profile, which accepts only addresses "
                                "@%3. Use an @%3 address, or sign up in the %4 profile (auth_profile=%4).")
                     .arg(trimmed, profile->name, profile->allowedDomain, QLatin1String(openProfileName));
        return nullptr;
    }
    if (findByEmail(trimmed)) {
        *error = QStringLiteral("The e-mail address %1 is already registered. Sign in with it, or sign up with "
                                "another address.")
                     .arg(trimmed);
        return nullptr;
    }
    if (password.size() < minPasswordLength) {
        *error = QStringLiteral("The password is too short: it has %1 characters, and sign-up needs at least %2.")
                     .arg(password.size())
                     .arg(minPasswordLength);
        return nullptr;
    }
    const QString trimmedName = name.trimmed();
    if (trimmedName.size() > maxNameLength) {
        *error = QStringLiteral("The name is longer than %1 characters (it has %2).").arg(maxNameLength).arg(trimmedName.size());
        return nullptr;
    }
    if (std::any_of(trimmedName.begin(), trimmedName.end(), [](QChar c) { return c.category() == QChar::Other_Control; })) {
        *error = QStringLiteral("The name contains a control character such as a line break; enter it on one line.");
        return nullptr;
    }
    if (m_signedUpUsers >= maxSignedUpUsers) {
        *error = QStringLiteral("The sandbox already has %1 users from sign-up, its limit. Restart the sandbox to start "
                                "over, or sign in with an existing user.")
                     .arg(maxSignedUpUsers);
        return nullptr;
    }

    UserAccount account;
    account.email = trimmed;
    account.name = trimmedName.isEmpty() ? trimmed : trimmedName;
    account.password = password;
    account.authProfile = profile->name;
    account.role = profile->role;
    ++m_signedUpUsers;
    return &appendUser(std::move(account), QStringLiteral("user"));
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
        account.email = email.trimmed();
        account.name = name.isEmpty() ? account.email : name;
        user = &appendUser(std::move(account), QStringLiteral("linked-user"));
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
