#pragma once

// Plain HTTP helpers for tests that drive the sandbox's endpoints by hand: form encoding, PKCE
// values, reading the sandbox's HTML pages and redirects, and one request at a time through a
// QNetworkAccessManager. The form code here is the tests' own and does not use
// afx::oidc::formEncodeFields(), so that a bug in the app's encoder is not repeated in the tests.

#include <QByteArray>
#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPair>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QString>
#include <QUrl>

namespace afx::test {

using Headers = QList<QPair<QByteArray, QByteArray>>;
using FormFields = QList<QPair<QString, QString>>;

inline QByteArray formEncode(const QString &value)
{
    return QUrl::toPercentEncoding(value);
}

// Encodes `fields` as application/x-www-form-urlencoded, in order, with spaces as %20.
inline QByteArray formBody(const FormFields &fields)
{
    QByteArray body;
    for (const auto &[name, value] : fields) {
        if (!body.isEmpty())
            body += '&';
        body += formEncode(name) + '=' + formEncode(value);
    }
    return body;
}

// Decodes application/x-www-form-urlencoded text (a query, a fragment or a form body), with '+'
// as a space in names and values. Pieces without a name are skipped, and a repeated name keeps
// its last value.
inline QMap<QString, QString> decodeForm(const QByteArray &encoded)
{
    const auto decode = [](QByteArray text) {
        text.replace('+', ' ');
        return QString::fromUtf8(QByteArray::fromPercentEncoding(text));
    };
    QMap<QString, QString> fields;
    for (const QByteArray &piece : encoded.split('&')) {
        const qsizetype equals = piece.indexOf('=');
        if (equals > 0)
            fields.insert(decode(piece.first(equals)), decode(piece.sliced(equals + 1)));
    }
    return fields;
}

inline QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

// A new PKCE code verifier: 32 random bytes, base64url-encoded to 43 characters.
inline QString newVerifier()
{
    QByteArray random(32, Qt::Uninitialized);
    for (char &byte : random)
        byte = char(QRandomGenerator::global()->bounded(256));
    return QString::fromLatin1(base64Url(random));
}

// The S256 code challenge of `verifier`: base64url(SHA-256(verifier)) without padding.
inline QString pkceChallenge(const QString &verifier)
{
    return QString::fromLatin1(base64Url(QCryptographicHash::hash(verifier.toLatin1(), QCryptographicHash::Sha256)));
}

// Reverses the HTML escaping of an attribute value for the entities the sandbox's pages use.
inline QString htmlUnescape(QString text)
{
    text.replace(QStringLiteral("&quot;"), QStringLiteral("\""));
    text.replace(QStringLiteral("&#39;"), QStringLiteral("'"));
    text.replace(QStringLiteral("&lt;"), QStringLiteral("<"));
    text.replace(QStringLiteral("&gt;"), QStringLiteral(">"));
    text.replace(QStringLiteral("&amp;"), QStringLiteral("&"));
    return text;
}

// The value of the hidden request_id input on a login page of the sandbox or of its social
// provider, unescaped, or an empty string when the page has none.
inline QString requestIdFromPage(const QString &html)
{
    static const QRegularExpression hidden(QStringLiteral("name=\"request_id\" value=\"([^\"]+)\""));
    return htmlUnescape(hidden.match(html).captured(1));
}

// An HTTP response as the test received it.
struct Reply {
    int status = 0; // 0 when no HTTP response arrived
    QByteArray body;
    Headers headers;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;

    // The value of the first header named `name` (case-insensitive), or an empty array.
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString jsonString(const QString &name) const { return json().value(name).toString(); }
    QString html() const { return QString::fromUtf8(body); }
};

// A redirect's Location header and its parts.
struct Redirect {
    QByteArray location;
    QString target;                   // the part before '?' or '#'
    QMap<QString, QString> params;    // from the query
    QMap<QString, QString> fragment;  // from the fragment
};

inline Redirect parseRedirect(const Reply &reply)
{
    Redirect redirect;
    redirect.location = reply.header("Location");
    QByteArray rest = redirect.location;
    const qsizetype hash = rest.indexOf('#');
    if (hash >= 0) {
        redirect.fragment = decodeForm(rest.sliced(hash + 1));
        rest.truncate(hash);
    }
    const qsizetype question = rest.indexOf('?');
    redirect.target = QString::fromUtf8(question < 0 ? rest : rest.first(question));
    if (question >= 0)
        redirect.params = decodeForm(rest.sliced(question + 1));
    return redirect;
}

// Sends one request with `network` and waits up to 15 seconds for the reply. Redirects are not
// followed, and the manager neither sends nor stores cookies, so that a sign-in session from an
// earlier request never skips the login page. A test that needs a cookie passes it in `headers`.
// The Reply has status 0 when no HTTP response arrived, after a network error or the timeout.
inline Reply sendRequest(QNetworkAccessManager &network, const QByteArray &method, const QUrl &url,
                         const QByteArray &body = {}, const Headers &headers = {})
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = network.sendCustomRequest(request, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(15000);

    Reply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.headers = reply->rawHeaderPairs();
    result.error = reply->error();
    reply->deleteLater();
    return result;
}

// Posts `fields` with sendRequest() as an application/x-www-form-urlencoded body, with `headers`
// before the Content-Type header.
inline Reply postFormRequest(QNetworkAccessManager &network, const QUrl &url, const FormFields &fields,
                             Headers headers = {})
{
    headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/x-www-form-urlencoded")));
    return sendRequest(network, "POST", url, formBody(fields), headers);
}

// Requests tokens with the resource owner password grant at `issuer` + "/token", so tests get
// real ID and access tokens without a browser.
inline Reply requestPasswordGrant(QNetworkAccessManager &network, const QString &issuer, const QString &clientId,
                                  const QString &username, const QString &password,
                                  const QString &scope = QStringLiteral("openid profile email"))
{
    return postFormRequest(network, QUrl(issuer + QStringLiteral("/token")),
                           {{QStringLiteral("grant_type"), QStringLiteral("password")},
                            {QStringLiteral("client_id"), clientId},
                            {QStringLiteral("username"), username},
                            {QStringLiteral("password"), password},
                            {QStringLiteral("scope"), scope}});
}

} // namespace afx::test
