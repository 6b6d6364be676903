#pragma once

// A scripted front channel for tests: it follows the provider's redirects with plain HTTP,
// keeps cookies, and submits the HTML forms it meets with values the test supplies, the way
// a user would in the browser. The embedded WebEngine browser is covered by the GUI tests;
// this agent lets core tests run whole flows without it.

#include "flow/useragent.h"
#include "oidc/formencoding.h"

#include <QHash>
#include <QNetworkAccessManager>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QStringList>

namespace afx::test {

class HttpFormAgent : public UserAgent {
public:
    explicit HttpFormAgent(QObject *parent = nullptr)
        : UserAgent(parent)
    {
        m_network.setCookieJar(new QNetworkCookieJar(&m_network));
    }

    // Field values to put into any form that has a field of that name.
    QHash<QString, QString> fieldValues;
    // The submit button to press, by id, name or value, when a form has several (for example
    // "cancel"). Empty: the first one.
    QString pressButton;
    QStringList visited;  // every URL requested, in order
    int maxHops = 20;

    void startAuthorization(const QUrl &authorizeUrl, const oidc::RedirectMatcher &matcher) override
    {
        m_matcher = matcher;
        m_hops = 0;
        m_cancelled = false;
        get(authorizeUrl);
    }

    void cancel() override { m_cancelled = true; }

private:
    void get(const QUrl &url) { send(url, QByteArrayLiteral("GET"), {}); }

    void send(const QUrl &url, const QByteArray &method, const QByteArray &body)
    {
        if (m_cancelled)
            return;
        if (m_matcher.matches(url)) {
            Q_EMIT callbackReceived(url);
            return;
        }
        if (++m_hops > maxHops) {
            Q_EMIT failed(QStringLiteral("More than %1 hops without reaching the redirect URI.").arg(maxHops));
            return;
        }
        visited.append(url.toString());
        QNetworkRequest request(url);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        if (method == "POST")
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
        QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
        QObject::connect(reply, &QNetworkReply::finished, this, [this, reply, url] {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status >= 300 && status < 400) {
                get(url.resolved(QUrl::fromEncoded(reply->rawHeader("Location"))));
                return;
            }
            const QString html = QString::fromUtf8(reply->readAll());
            if (status != 200) {
                Q_EMIT failed(QStringLiteral("%1 answered HTTP %2: %3").arg(url.toString()).arg(status).arg(html.left(300)));
                return;
            }
            submitForm(url, html);
        });
    }

    void submitForm(const QUrl &pageUrl, const QString &html)
    {
        static const QRegularExpression formRe(QStringLiteral("<form\\b([^>]*)>(.*?)</form>"),
                                               QRegularExpression::DotMatchesEverythingOption | QRegularExpression::CaseInsensitiveOption);
        static const QRegularExpression attrRe(QStringLiteral("([a-zA-Z_:-]+)\\s*=\\s*\"([^\"]*)\""));
        static const QRegularExpression inputRe(QStringLiteral("<(input|button)\\b([^>]*)>"), QRegularExpression::CaseInsensitiveOption);
        const auto form = formRe.match(html);
        if (!form.hasMatch()) {
            Q_EMIT failed(QStringLiteral("The page %1 has no form to submit.").arg(pageUrl.toString()));
            return;
        }
        const auto attributes = [](const QString &text) {
            QHash<QString, QString> map;
            auto it = attrRe.globalMatch(text);
            while (it.hasNext()) {
                const auto match = it.next();
                map.insert(match.captured(1).toLower(), unescape(match.captured(2)));
            }
            return map;
        };
        const auto formAttributes = attributes(form.captured(1));
        oidc::FormFields fields;
        bool buttonChosen = false;
        auto inputs = inputRe.globalMatch(form.captured(2));
        while (inputs.hasNext()) {
            const auto input = inputs.next();
            const auto attrs = attributes(input.captured(2));
            const QString name = attrs.value(QStringLiteral("name"));
            const bool isButton = input.captured(1).compare(QLatin1String("button"), Qt::CaseInsensitive) == 0
                || attrs.value(QStringLiteral("type")) == QLatin1String("submit");
            if (name.isEmpty())
                continue;
            if (isButton) {
                // Only the pressed button's name and value are submitted.
                const bool wanted = pressButton.isEmpty() ? !buttonChosen
                                                          : (name == pressButton || attrs.value(QStringLiteral("id")) == pressButton
                                                             || attrs.value(QStringLiteral("value")) == pressButton);
                if (wanted && !buttonChosen) {
                    fields.append({name, attrs.value(QStringLiteral("value"))});
                    buttonChosen = true;
                }
                continue;
            }
            fields.append({name, fieldValues.value(name, attrs.value(QStringLiteral("value")))});
        }
        const QUrl action = pageUrl.resolved(QUrl(formAttributes.value(QStringLiteral("action"), pageUrl.toString())));
        const QByteArray method = formAttributes.value(QStringLiteral("method"), QStringLiteral("get")).toUpper().toLatin1();
        if (method == "POST") {
            send(action, method, oidc::formEncodeFields(fields));
        } else {
            QUrl target = action;
            target.setQuery(QString::fromLatin1(oidc::formEncodeFields(fields)));
            get(target);
        }
    }

    static QString unescape(QString text)
    {
        text.replace(QStringLiteral("&quot;"), QStringLiteral("\""));
        text.replace(QStringLiteral("&#39;"), QStringLiteral("'"));
        text.replace(QStringLiteral("&lt;"), QStringLiteral("<"));
        text.replace(QStringLiteral("&gt;"), QStringLiteral(">"));
        text.replace(QStringLiteral("&amp;"), QStringLiteral("&"));
        return text;
    }

    QNetworkAccessManager m_network;
    oidc::RedirectMatcher m_matcher;
    int m_hops = 0;
    bool m_cancelled = false;
};

} // namespace afx::test
