// The device authorization grant of RFC 8628: the device authorization endpoint, the pages
// at /device where the user enters the code and approves, and the device_code grant at the
// token endpoint.

#include "sandbox/identityprovider.h"

#include "sandbox/formcodec.h"
#include "sandbox/logging.h"
#include "sandbox/loginpages.h"
#include "sandbox/providerhelpers.h"

#include <QJsonObject>
#include <QRandomGenerator>

namespace afx::sandbox {

namespace {

// Upper-case consonants without the easily confused ones, as RFC 8628 section 6.1 suggests:
// no vowels (so no words form) and no digits that look like letters.
constexpr char userCodeAlphabet[] = "BCDFGHJKLMNPQRSTVWXZ";
constexpr int userCodeLength = 8;

QString newUserCode()
{
    QString code;
    QRandomGenerator *generator = QRandomGenerator::system();
    const int alphabetSize = int(sizeof(userCodeAlphabet)) - 1;
    for (int i = 0; i < userCodeLength; ++i)
        code += QLatin1Char(userCodeAlphabet[generator->bounded(alphabetSize)]);
    return code;
}

// The user code as the user sees it: XXXX-XXXX.
QString displayedUserCode(const QString &code)
{
    return code.left(userCodeLength / 2) + QLatin1Char('-') + code.mid(userCodeLength / 2);
}

// Accepts what a user types: any case, with or without the hyphen and spaces.
QString normalizedUserCode(const QString &input)
{
    QString code;
    for (const QChar c : input) {
        if (c != QLatin1Char('-') && !c.isSpace())
            code += c.toUpper();
    }
    return code;
}

} // namespace

HttpResponse IdentityProvider::deviceAuthorization(const HttpRequest &request)
{
    removeExpired();
    oidc::FormFields form;
    const ClientRegistration *client = nullptr;
    if (std::optional<HttpResponse> failure = readClientRequest(request, "device authorization", &form, &client, 400))
        return *failure;

    const QStringList scopes = splitScope(fieldValue(form, QStringLiteral("scope")));
    if (scopes.isEmpty())
        return tokenError(400, QStringLiteral("invalid_scope"),
                          QStringLiteral("The request has no scope. Ask for openid, and profile, email or "
                                         "offline_access as needed."));
    for (const QString &scope : scopes) {
        if (!supportedScopes().contains(scope))
            return tokenError(400, QStringLiteral("invalid_scope"),
                              QStringLiteral("Unknown scope %1. Supported scopes: %2.")
                                  .arg(scope.left(60), supportedScopes().join(QLatin1Char(' '))));
    }

    if (m_deviceCodes.size() >= maxDeviceCodes) {
        auto oldest = m_deviceCodes.begin();
        for (auto it = m_deviceCodes.begin(); it != m_deviceCodes.end(); ++it) {
            if (it->issuedAt < oldest->issuedAt)
                oldest = it;
        }
        m_deviceCodes.erase(oldest);
    }

    const qint64 now = m_clock->now();
    DeviceGrant grant;
    grant.clientId = client->id;
    grant.scope = scopes.join(QLatin1Char(' '));
    // 20^8 possible codes against at most maxDeviceCodes live ones: a repeat is very unlikely,
    // and the loop makes it impossible.
    do {
        grant.userCode = newUserCode();
    } while (!findDeviceCode(grant.userCode).isEmpty());
    grant.issuedAt = now;
    grant.expiresAt = now + deviceCodeLifetimeSeconds;
    grant.lastPolledAt = now;
    grant.interval = m_deviceCodeInterval;
    const QString deviceCode = randomToken(32);
    m_deviceCodes.insert(deviceCode, grant);

    const QString verificationUri = m_issuer + QStringLiteral("/device");
    const QString userCode = displayedUserCode(grant.userCode);
    const QJsonObject response{
        {QStringLiteral("device_code"), deviceCode},
        {QStringLiteral("user_code"), userCode},
        {QStringLiteral("verification_uri"), verificationUri},
        {QStringLiteral("verification_uri_complete"),
         verificationUri + QStringLiteral("?user_code=") + QString::fromLatin1(oidc::formEncode(userCode))},
        {QStringLiteral("expires_in"), deviceCodeLifetimeSeconds},
        {QStringLiteral("interval"), grant.interval},
    };
    qCInfo(lcSandbox) << "issued a device code to client" << client->id;
    return tokenSuccess(response);
}

QString IdentityProvider::findDeviceCode(const QString &userCode) const
{
    for (auto it = m_deviceCodes.constBegin(); it != m_deviceCodes.constEnd(); ++it) {
        if (it->userCode == userCode)
            return it.key();
    }
    return {};
}

HttpResponse IdentityProvider::device(const HttpRequest &request)
{
    removeExpired();
    if (request.method == "GET") {
        oidc::FormFields query;
        QString parseError;
        if (!oidc::formDecodeFields(request.rawQuery, &query, &parseError))
            return HttpResponse::html(400, renderDeviceCodePage(QString(), parseError));
        return HttpResponse::html(200, renderDeviceCodePage(fieldValue(query, QStringLiteral("user_code")).left(40), QString()));
    }

    if (request.mediaType() != formMediaType.toLatin1())
        return HttpResponse::html(415, renderErrorPage(QStringLiteral("Device sign-in failed"),
                                                       QStringLiteral("The form must be posted as "
                                                                      "application/x-www-form-urlencoded.")));
    oidc::FormFields form;
    QString parseError;
    if (!oidc::formDecodeFields(request.body, &form, &parseError))
        return HttpResponse::html(400, renderErrorPage(QStringLiteral("Device sign-in failed"), parseError));
    if (hasField(form, QStringLiteral("consent_id")))
        return decideDeviceConsent(form);
    return submitUserCode(form);
}

HttpResponse IdentityProvider::submitUserCode(const oidc::FormFields &form)
{
    const QString typed = fieldValue(form, QStringLiteral("user_code")).left(40);
    // The log gets only the reason, never the typed code, because a user code is a credential
    // while its device code waits for approval.
    const auto retry = [&typed](const char *reason, const QString &error) {
        qCInfo(lcSandbox) << "device page rejected a user code:" << reason;
        return HttpResponse::html(200, renderDeviceCodePage(typed, error));
    };
    if (typed.trimmed().isEmpty())
        return retry("empty", QStringLiteral("Enter the code that your device shows."));

    // NOTE: the page does not limit how often a code may be tried. One guess matches one of
    // at most maxDeviceCodes live codes out of 20^8, but a real provider also limits attempts
    // (RFC 8628 section 5.1).
    const QString deviceCode = findDeviceCode(normalizedUserCode(typed));
    const auto found = m_deviceCodes.constFind(deviceCode);
    if (deviceCode.isEmpty() || found == m_deviceCodes.constEnd())
        return retry("unknown",
                     QStringLiteral("The code %1 is unknown. Check the code on your device: it has %2 letters, such "
                                    "as BCDF-GHJK.")
                         .arg(typed)
                         .arg(userCodeLength));
    const DeviceGrant &grant = *found;
    if (m_clock->now() >= grant.expiresAt)
        return retry("expired",
                     QStringLiteral("The code %1 has expired (codes last %2 minutes). Start the sign-in on the device "
                                    "again to get a new code.")
                         .arg(typed)
                         .arg(deviceCodeLifetimeSeconds / 60));
    if (grant.status != DeviceGrant::Status::Pending)
        return retry("already used",
                     QStringLiteral("The code %1 was already used. Start the sign-in on the device again to get a "
                                    "new code.")
                         .arg(typed));

    PendingSignIn signIn;
    signIn.clientId = grant.clientId;
    signIn.scope = grant.scope;
    signIn.deviceCode = deviceCode;
    signIn.createdAt = m_clock->now();
    const QString requestId = storeSignIn(signIn);
    return renderSignIn(requestId, signIn, QString(), QString());
}

HttpResponse IdentityProvider::startDeviceConsent(const PendingSignIn &signIn, const UserAccount &user)
{
    // consent-denied: the user declines, as if they pressed Deny on the consent page.
    if (faultActs(SandboxFault::ConsentDenied))
        return cancelDeviceSignIn(signIn);
    const auto found = m_deviceCodes.constFind(signIn.deviceCode);
    if (found == m_deviceCodes.constEnd() || m_clock->now() >= found->expiresAt
        || found->status != DeviceGrant::Status::Pending)
        return HttpResponse::html(400, renderErrorPage(QStringLiteral("Device sign-in failed"),
                                                       QStringLiteral("The device's code expired or was already used "
                                                                      "while you signed in. Start the sign-in on the "
                                                                      "device again.")));
    const QString consentId = randomToken(24);
    m_deviceConsents.insert(consentId, DeviceConsent{signIn.deviceCode, user.sub, m_clock->now()});
    return HttpResponse::html(200, renderDeviceConsentPage(consentId, found->clientId, splitScope(found->scope)));
}

HttpResponse IdentityProvider::cancelDeviceSignIn(const PendingSignIn &signIn)
{
    const auto found = m_deviceCodes.find(signIn.deviceCode);
    if (found != m_deviceCodes.end() && found->status == DeviceGrant::Status::Pending)
        found->status = DeviceGrant::Status::Denied;
    qCInfo(lcSandbox) << "the user cancelled a device sign-in for client" << signIn.clientId;
    return HttpResponse::html(200, renderMessagePage(QStringLiteral("Sign-in cancelled"),
                                                     QStringLiteral("The device was not signed in. You can close "
                                                                    "this page.")));
}

HttpResponse IdentityProvider::decideDeviceConsent(const oidc::FormFields &form)
{
    const auto errorPage = [](const QString &message) {
        qCInfo(lcSandbox).noquote() << "device consent rejected:" << message;
        return HttpResponse::html(400, renderErrorPage(QStringLiteral("Device sign-in failed"), message));
    };
    const QString consentId = fieldValue(form, QStringLiteral("consent_id"));
    const auto consent = m_deviceConsents.constFind(consentId);
    if (consentId.isEmpty() || consent == m_deviceConsents.constEnd())
        return errorPage(QStringLiteral("This approval request is unknown or was already answered. Enter the "
                                        "device's code again."));
    const QString action = fieldValue(form, QStringLiteral("action"));
    if (action != QLatin1String("approve") && action != QLatin1String("deny"))
        return errorPage(QStringLiteral("The form must send action=approve or action=deny."));
    const DeviceConsent decision = *consent;
    m_deviceConsents.erase(consent);

    const auto found = m_deviceCodes.find(decision.deviceCode);
    if (found == m_deviceCodes.end() || m_clock->now() >= found->expiresAt
        || found->status != DeviceGrant::Status::Pending)
        return errorPage(QStringLiteral("The device's code expired or was already used. Start the sign-in on the "
                                        "device again."));
    DeviceGrant &grant = *found;
    if (action == QLatin1String("deny")) {
        grant.status = DeviceGrant::Status::Denied;
        qCInfo(lcSandbox) << "the user denied a device sign-in for client" << grant.clientId;
        return HttpResponse::html(200, renderMessagePage(QStringLiteral("Access denied"),
                                                         QStringLiteral("The device was not signed in. You can close "
                                                                        "this page.")));
    }
    grant.status = DeviceGrant::Status::Approved;
    grant.sub = decision.sub;
    grant.authTime = decision.authTime;
    qCInfo(lcSandbox) << "the user approved a device sign-in for client" << grant.clientId;
    return HttpResponse::html(200, renderMessagePage(QStringLiteral("Device signed in"),
                                                     QStringLiteral("You can return to your device. It finishes "
                                                                    "signing in the next time it asks the sandbox.")));
}

HttpResponse IdentityProvider::redeemDeviceCode(const oidc::FormFields &form, const ClientRegistration &client)
{
    const QString invalidGrant = QStringLiteral("invalid_grant");
    const QString deviceCode = fieldValue(form, QStringLiteral("device_code"));
    if (deviceCode.isEmpty())
        return tokenError(400, QStringLiteral("invalid_request"), QStringLiteral("The request has no device_code."));
    const auto found = m_deviceCodes.find(deviceCode);
    if (found == m_deviceCodes.end())
        return tokenError(400, invalidGrant, QStringLiteral("The device_code is unknown."));
    DeviceGrant &grant = *found;
    if (grant.clientId != client.id)
        return tokenError(400, invalidGrant, QStringLiteral("The device_code was issued to another client."));
    if (grant.redeemed)
        return tokenError(400, invalidGrant,
                          QStringLiteral("The device_code was already exchanged for tokens. Start a new device "
                                         "authorization to sign in again."));

    const qint64 now = m_clock->now();
    if (now >= grant.expiresAt)
        return tokenError(400, QStringLiteral("expired_token"),
                          QStringLiteral("The device_code expired; device codes are valid for %1 seconds. Start a new "
                                         "device authorization.")
                              .arg(deviceCodeLifetimeSeconds));

    // device-slow-down: the first poll of each device code after the switch gets slow_down,
    // whatever its timing, and the interval grows as for a real slow_down.
    if (grant.status != DeviceGrant::Status::Denied && !m_slowedDeviceCodes.contains(deviceCode)
        && faultActs(SandboxFault::DeviceSlowDown)) {
        m_slowedDeviceCodes.insert(deviceCode);
        grant.lastPolledAt = now;
        const int previous = grant.interval;
        grant.interval += slowDownStepSeconds;
        return tokenError(400, QStringLiteral("slow_down"),
                          QStringLiteral("The provider asks the device to poll less often (the device-slow-down fault "
                                         "is on). The interval for this device code grows from %1 to %2 seconds "
                                         "(RFC 8628 section 3.5).")
                              .arg(previous)
                              .arg(grant.interval));
    }

    switch (grant.status) {
    case DeviceGrant::Status::Denied:
        return tokenError(400, QStringLiteral("access_denied"),
                          QStringLiteral("The user denied the sign-in on the device page."));
    case DeviceGrant::Status::Approved:
        grant.redeemed = true;
        // A fresh grant id: the device code is used once, so no reuse can revoke this grant.
        return issueTokens(client, grant.sub, grant.scope, grant.authTime, QString(), randomToken(16));
    case DeviceGrant::Status::Pending:
        break;
    }

    const qint64 elapsed = now - grant.lastPolledAt;
    grant.lastPolledAt = now;
    if (elapsed < grant.interval) {
        const int previous = grant.interval;
        grant.interval += slowDownStepSeconds;
        return tokenError(400, QStringLiteral("slow_down"),
                          QStringLiteral("This poll came %1 seconds after the previous one, but the interval is %2 "
                                         "seconds. The interval for this device code is now %3 seconds (RFC 8628 "
                                         "section 3.5).")
                              .arg(elapsed)
                              .arg(previous)
                              .arg(grant.interval));
    }
    return tokenError(400, QStringLiteral("authorization_pending"),
                      QStringLiteral("The user has not approved the sign-in at %1/device yet. Poll again in %2 "
                                     "seconds.")
                          .arg(m_issuer)
                          .arg(grant.interval));
}

} // namespace afx::sandbox
