#pragma once

#include "sandbox/directory.h"

#include "oidc/formencoding.h"

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
    // When not empty, a second form posts request_id to /social/start with
    // button#social "Continue with <socialProviderName>".
    QString socialProviderName;
    // The authentication profile of sign-ups on this page, and the other profiles, which the
    // page names so that the user learns how to choose one.
    AuthProfile profile;
    QList<AuthProfile> otherProfiles;
    QString signUpEmail; // prefilled value of input#signup_email
    QString signUpName;  // prefilled value of input#signup_name
    QString signUpError; // shown above the sign-up form (p#signup_error) when not empty
};

// The "Sandbox sign-in" page: input#email, input#password, button#login, button#cancel,
// the demo account printed on the page, and a form that posts to /login. The login form is
// the page's first form. A later form posts request_id, email, name and password to /signup:
// input#signup_email, input#signup_name, input#signup_password and button#signup "Create
// account", below a sentence (p#auth_profile) on the profile's sign-up policy and role.
QByteArray renderSignInPage(const SignInPage &page);

// The sign-in page of the sandbox's social provider: its own heading and colors, the requesting
// client, input#email, input#password, button#login, button#cancel in a form that posts to
// that provider's /login, and its demo account (`demoEmail` / `demoPassword`).
struct SocialSignInPage {
    QString providerName; // "Example Social"
    QString requestId;
    QString clientId;
    QString email;
    QString error;
    QString demoEmail;
    QString demoPassword;
};
QByteArray renderSocialSignInPage(const SocialSignInPage &page);

// A page for requests that cannot be redirected back to the client, such as an unknown
// client or an unregistered redirect_uri.
QByteArray renderErrorPage(const QString &title, const QString &message);

// A page with a heading and one paragraph (p#message), for outcomes that need no action, such
// as the end of a device sign-in or a completed logout.
QByteArray renderMessagePage(const QString &title, const QString &message);

// The "Connect a device" page of the device authorization grant: input#user_code prefilled
// with `userCode`, button#continue, and a form that posts to /device. `error` is shown above
// the form when not empty.
QByteArray renderDeviceCodePage(const QString &userCode, const QString &error);

// The "Allow <client> to sign in on the device?" page: button#approve and button#deny in a
// form that posts `consentId` and the chosen action to /device.
QByteArray renderDeviceConsentPage(const QString &consentId, const QString &clientId, const QStringList &scopes);

// The page of the OAuth 2.0 Form Post Response Mode. Its only form posts `fields` as hidden
// inputs to `action` (the redirect URI). An inline script submits the form when the page has
// loaded, and button#continue submits it in browsers without JavaScript.
QByteArray renderFormPostPage(const QString &action, const oidc::FormFields &fields);

// The Content-Security-Policy of the form post page. It allows that page's inline script by its
// SHA-256 hash and no other script, because the default policy of the pages blocks all scripts.
QByteArray formPostContentSecurityPolicy();

} // namespace afx::sandbox
