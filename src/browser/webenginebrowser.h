#pragma once

#include "gui/embeddedbrowser.h"

#include <QObject>
#include <QWebEngineView>

namespace afx::browser {

class WebEngineUserAgent;

// The embedded browser: a QWebEngineView with the agent that catches the callback in it.
class WebEngineBrowser final : public QWebEngineView, public gui::EmbeddedBrowser {
    Q_OBJECT
public:
    explicit WebEngineBrowser(QWidget *parent = nullptr);
    ~WebEngineBrowser() override;

    UserAgent *userAgent() override;
    QWidget *widget() override { return this; }
    void setLifelineUrls(const QUrl &provider, const QUrl &backend) override;
    void warmUp(const std::function<void()> &done) override;
    void setSession(const QString &key, const QString &storagePath) override;
    void clearSession(const QString &key, const QString &storagePath) override;
    QUrl url() const override { return QWebEngineView::url(); }
    void runJavaScript(const QString &script, const std::function<void(const QVariant &)> &done) override;

private:
    WebEngineUserAgent *m_agent;
};

// Loaded by gui/browserloader.cpp with QPluginLoader.
class WebEngineBrowserPlugin : public QObject, public gui::EmbeddedBrowserFactory {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID AFX_EMBEDDED_BROWSER_FACTORY_IID)
    Q_INTERFACES(afx::gui::EmbeddedBrowserFactory)
public:
    gui::EmbeddedBrowser *createBrowser(QWidget *parent) override { return new WebEngineBrowser(parent); }
};

} // namespace afx::browser
