#include "browser/webenginebrowser.h"

#include "browser/webengineuseragent.h"

#include <QWebEnginePage>

#include <memory>

namespace afx::browser {

WebEngineBrowser::WebEngineBrowser(QWidget *parent)
    : QWebEngineView(parent)
    , m_agent(new WebEngineUserAgent(this, this))
{
    setObjectName(QStringLiteral("browserView"));
}

WebEngineBrowser::~WebEngineBrowser()
{
    // The agent owns the page and its profile; they go while the view still exists.
    delete m_agent;
}

UserAgent *WebEngineBrowser::userAgent()
{
    return m_agent;
}

void WebEngineBrowser::setLifelineUrls(const QUrl &provider, const QUrl &backend)
{
    m_agent->setProviderUrl(provider);
    m_agent->setBackendUrl(backend);
}

void WebEngineBrowser::setSession(const QString &key, const QString &storagePath)
{
    m_agent->setSession(key, storagePath);
}

void WebEngineBrowser::clearSession(const QString &key, const QString &storagePath)
{
    m_agent->clearSession(key, storagePath);
}

void WebEngineBrowser::warmUp(const std::function<void()> &done)
{
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(this, &QWebEngineView::loadFinished, this, [connection, done](bool) {
        QObject::disconnect(*connection);
        done();
    });
    setHtml(QString());
}

void WebEngineBrowser::runJavaScript(const QString &script, const std::function<void(const QVariant &)> &done)
{
    page()->runJavaScript(script, [done](const QVariant &result) { done(result); });
}

} // namespace afx::browser
