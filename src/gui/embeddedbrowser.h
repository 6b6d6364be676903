#pragma once

#include <QtPlugin>

#include <functional>

class QString;
class QUrl;
class QVariant;
class QWidget;

namespace afx {
class UserAgent;
}

namespace afx::gui {

// The embedded browser's interface to the main window. Qt WebEngine is in a plugin
// (src/browser) that is loaded on the first login, so start-up maps no Chromium libraries
// and creates no shared OpenGL context.
class EmbeddedBrowser {
public:
    virtual ~EmbeddedBrowser() = default;

    // The front channel for the flow engine. Owned by the browser.
    virtual UserAgent *userAgent() = 0;
    // The page view; the caller puts it into its layout and owns it from then on. Deleting it
    // deletes the whole browser.
    virtual QWidget *widget() = 0;
    // Navigations to these URLs' authorities are drawn on the Provider and Backend lifelines.
    virtual void setLifelineUrls(const QUrl &provider, const QUrl &backend) = 0;
    // Logins with the same key share the provider's cookies (single sign-on). With an empty
    // `storagePath` the session lives in memory until the app quits or clearSession() drops it.
    // Otherwise its cookies are kept in that folder between runs of the app.
    virtual void setSession(const QString &key, const QString &storagePath) = 0;
    // Deletes the session's cookies and cache, from `storagePath` too when it is not empty.
    virtual void clearSession(const QString &key, const QString &storagePath) = 0;
    // Loads an empty page and calls `done` once it has loaded: the browser's helper processes
    // are up after that.
    virtual void warmUp(const std::function<void()> &done) = 0;
    virtual QUrl url() const = 0;
    // Runs `script` in the current page and passes its result to `done` (tests and benchmarks
    // fill the login form this way).
    virtual void runJavaScript(const QString &script, const std::function<void(const QVariant &)> &done) = 0;
};

// The plugin's entry point.
class EmbeddedBrowserFactory {
public:
    virtual ~EmbeddedBrowserFactory() = default;
    virtual EmbeddedBrowser *createBrowser(QWidget *parent) = 0;
};

} // namespace afx::gui

#define AFX_EMBEDDED_BROWSER_FACTORY_IID "io.github.authflow-explorer.EmbeddedBrowserFactory/2"
Q_DECLARE_INTERFACE(afx::gui::EmbeddedBrowserFactory, AFX_EMBEDDED_BROWSER_FACTORY_IID)
