#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace afx::sandbox {

struct SignInPage {
    QString requestId;   // id of the pending sign-in, posted back in a hidden field
    QString clientId;
    QStringList scopes;
    QString email;       // prefilled value of input#email
    QString error;       // shown above the form when not empty
};

// The "Sandbox sign-in" page: input#email, input#password, button#login, button#cancel,
// the demo account printed on the page, and a form that posts to /login.
QByteArray renderSignInPage(const SignInPage &page);

// A page for requests that cannot be redirected back to the client, such as an unknown
// client or an unregistered redirect_uri.
QByteArray renderErrorPage(const QString &title, const QString &message);

} // namespace afx::sandbox
