#include "sandbox/loginsession.h"

#include "jose/base64url.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QUuid>

namespace afx::sandbox {

namespace {

// A Cookie header is "name=value; name2=value2" (RFC 6265 section 5.4).
QByteArray cookieValue(const HttpRequest &request, const QByteArray &name)
{
    for (const auto &[headerName, headerValue] : request.headers) {
        if (headerName.compare("cookie", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &pair : headerValue.split(';')) {
            const QByteArray trimmed = pair.trimmed();
            if (trimmed.startsWith(name + '='))
                return trimmed.mid(name.size() + 1);
        }
    }
    return {};
}

// Compares every byte, so the time taken does not show how much of a forged MAC was right.
bool equalInConstantTime(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return difference == 0;
}

} // namespace

void LoginSessions::setKey(const QByteArray &secret)
{
    // A separate key for this purpose, so the cookie MAC never uses the signing key itself.
    m_key = QCryptographicHash::hash(QByteArrayLiteral("sandbox login session\n") + secret, QCryptographicHash::Sha256);
}

QByteArray LoginSessions::mac(const QByteArray &payload) const
{
    return jose::base64UrlEncode(QMessageAuthenticationCode::hash(payload, m_key, QCryptographicHash::Sha256));
}

QByteArray LoginSessions::start(const QString &sub, qint64 now, Session *session)
{
    Session started{QUuid::createUuid().toString(QUuid::WithoutBraces), sub, now};
    const QJsonObject claims{{QStringLiteral("sid"), started.sid},
                             {QStringLiteral("sub"), started.sub},
                             {QStringLiteral("auth_time"), started.authTime},
                             {QStringLiteral("exp"), now + lifetimeSeconds}};
    const QByteArray payload = jose::base64UrlEncode(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    if (session)
        *session = started;
    // HttpOnly: page scripts never read it. SameSite=Lax: sent on the top-level redirects of a
    // login, not on cross-site subrequests. No Secure attribute: the sandbox serves plain HTTP.
    return cookieName + '=' + payload + '.' + mac(payload) + "; Path=/; HttpOnly; SameSite=Lax; Max-Age="
        + QByteArray::number(lifetimeSeconds);
}

std::optional<LoginSessions::Session> LoginSessions::find(const HttpRequest &request, qint64 now) const
{
    const QByteArray value = cookieValue(request, cookieName);
    const qsizetype dot = value.indexOf('.');
    if (m_key.isEmpty() || value.isEmpty() || value.size() > 4096 || dot <= 0)
        return std::nullopt;
    const QByteArray payload = value.left(dot);
    if (!equalInConstantTime(value.mid(dot + 1), mac(payload)))
        return std::nullopt;
    const QJsonObject claims = QJsonDocument::fromJson(jose::base64UrlDecode(payload).value_or(QByteArray())).object();
    Session session{claims.value(QStringLiteral("sid")).toString(), claims.value(QStringLiteral("sub")).toString(),
                    claims.value(QStringLiteral("auth_time")).toInteger()};
    if (session.sid.isEmpty() || session.sub.isEmpty() || claims.value(QStringLiteral("exp")).toInteger() <= now
        || m_ended.contains(session.sid))
        return std::nullopt;
    return session;
}

QByteArray LoginSessions::deletionCookie()
{
    return cookieName + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0";
}

} // namespace afx::sandbox
