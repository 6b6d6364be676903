#pragma once

// Drives the embedded browser's page from tests and benchmarks through the plugin's
// interface, so they load Qt WebEngine the way the app does: on the first login.

#include "gui/embeddedbrowser.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QString>
#include <QTest>
#include <QVariant>

namespace afx::test {

// Runs a script in the page and returns its result converted to a string.
inline QString evaluate(gui::EmbeddedBrowser *browser, const QString &script)
{
    if (!browser)
        return {};
    QString result;
    bool done = false;
    browser->runJavaScript(script, [&](const QVariant &value) {
        result = value.toString();
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 10000))
        qWarning("A script in the page did not finish within 10 s");
    return result;
}

// Waits until the page shows an element matching `selector`.
inline bool waitForElement(gui::EmbeddedBrowser *browser, const QString &selector, int timeoutMs = 30000)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        if (evaluate(browser, QStringLiteral("document.querySelector('%1') !== null").arg(selector)) == QLatin1String("true"))
            return true;
        QTest::qWait(100);
    }
    return false;
}

// A JavaScript string literal for `text`.
inline QString scriptString(const QString &text)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
}

// Fills #email and #password and clicks `button`.
inline void typeAndSubmit(gui::EmbeddedBrowser *browser, const QString &email, const QString &password, const QString &button)
{
    evaluate(browser, QStringLiteral("document.querySelector('#email').value = %1;"
                                     "document.querySelector('#password').value = %2;"
                                     "document.querySelector(%3).click(); true")
                          .arg(scriptString(email), scriptString(password), scriptString(button)));
}

} // namespace afx::test
