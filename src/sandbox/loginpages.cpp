#include "sandbox/loginpages.h"

#include "sandbox/sandboxserver.h"

#include <QCryptographicHash>

namespace afx::sandbox {

namespace {

const char pageStyle[] = R"(
  :root { color-scheme: light dark; --accent: #2f6fdf; --muted: #6b7280; --error: #b42318; }
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
         font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
         background: #eef1f6; color: #1f2430; }
  main { width: min(380px, 92vw); background: #fff; border-radius: 10px; padding: 28px 28px 22px;
         box-shadow: 0 1px 3px rgba(0,0,0,.08), 0 8px 24px rgba(0,0,0,.06); }
  h1 { font-size: 20px; margin: 0 0 4px; }
  .subtitle { color: var(--muted); margin: 0 0 18px; font-size: 13px; }
  .subtitle code { font-size: 12px; }
  label { display: block; font-size: 13px; font-weight: 600; margin: 12px 0 4px; }
  input { width: 100%; padding: 9px 10px; border: 1px solid #c9ced8; border-radius: 6px; font: inherit; }
  input:focus { outline: 2px solid var(--accent); outline-offset: -1px; border-color: transparent; }
  /* Sign in comes first in the markup so that Enter submits it. It is drawn on the right. */
  .buttons { display: flex; flex-direction: row-reverse; gap: 10px; margin-top: 20px; }
  button { flex: 1; padding: 9px 12px; border-radius: 6px; font: inherit; font-weight: 600; cursor: pointer;
           border: 1px solid #c9ced8; background: #fff; color: inherit; }
  button#login, button#continue, button#approve, button#signup { background: var(--accent); border-color: var(--accent); color: #fff; }
  .error { background: #fdecea; color: var(--error); border-radius: 6px; padding: 8px 10px; margin: 0 0 6px; }
  .social { margin: 16px 0 0; padding-top: 14px; border-top: 1px solid #e3e6ec; }
  .social button { width: 100%; }
  .signup { margin: 16px 0 0; padding-top: 14px; border-top: 1px solid #e3e6ec; }
  .signup h2 { font-size: 16px; margin: 0 0 4px; }
  .profile, .hint { color: var(--muted); font-size: 13px; margin: 0 0 6px; }
  .brand-social { --accent: #0f8a5f; }
  .demo { margin: 18px 0 0; padding-top: 12px; border-top: 1px solid #e3e6ec; color: var(--muted); font-size: 13px;
          white-space: nowrap; }
  @media (prefers-color-scheme: dark) {
    body { background: #15181e; color: #e6e8ec; }
    main { background: #1f232b; box-shadow: none; }
    input, button { background: #15181e; border-color: #3a404c; color: inherit; }
    .demo, .social, .signup { border-color: #3a404c; }
    .error { background: #3b1d1a; color: #ffb4a8; }
  }
)";

// The inline script of the form post page. Its exact bytes are hashed into the page's
// Content-Security-Policy, so any change here also changes the policy.
const char formPostScript[] = "window.addEventListener(\"load\", () => document.forms[0].submit());";

QString escaped(const QString &text)
{
    return text.toHtmlEscaped();
}

// The sentence on who may sign up through `profile` and what its role may do.
QString profilePolicy(const AuthProfile &profile)
{
    const QString eligibility = profile.allowedDomain.isEmpty()
        ? QStringLiteral("anyone may create an account")
        : QStringLiteral("only addresses @%1 may create an account").arg(profile.allowedDomain);
    const QString rights = profile.role == QLatin1String(employeeRole)
        ? QStringLiteral("which may read to-dos and also add and change them")
        : QStringLiteral("which may read to-dos but not add or change them");
    return QStringLiteral("%1, and new accounts get the role %2, %3").arg(eligibility, profile.role, rights);
}

QString renderSignUpSection(const SignInPage &page)
{
    QString content;
    content += QStringLiteral("<section class=\"signup\">\n<h2>Create an account</h2>\n");
    content += QStringLiteral("<p class=\"profile\" id=\"auth_profile\">Profile <strong>") + escaped(page.profile.name)
        + QStringLiteral("</strong>: ") + escaped(profilePolicy(page.profile)) + QStringLiteral(".</p>\n");
    if (!page.signUpError.isEmpty())
        content += QStringLiteral("<p class=\"error\" id=\"signup_error\" role=\"alert\">") + escaped(page.signUpError)
            + QStringLiteral("</p>\n");
    // novalidate: the sandbox's own sentences explain a rejected address or password, instead
    // of the browser's checks of type="email" and minlength.
    content += QStringLiteral("<form method=\"post\" action=\"/signup\" novalidate>\n");
    content += QStringLiteral("<input type=\"hidden\" name=\"request_id\" value=\"") + escaped(page.requestId)
        + QStringLiteral("\">\n");
    content += QStringLiteral("<label for=\"signup_email\">Email</label>\n"
                              "<input id=\"signup_email\" name=\"email\" type=\"email\" autocomplete=\"email\" required value=\"")
        + escaped(page.signUpEmail) + QStringLiteral("\">\n");
    content += QStringLiteral("<label for=\"signup_name\">Name</label>\n"
                              "<input id=\"signup_name\" name=\"name\" type=\"text\" autocomplete=\"name\" value=\"")
        + escaped(page.signUpName) + QStringLiteral("\">\n");
    content += QStringLiteral("<label for=\"signup_password\">Password (at least %1 characters)</label>\n"
                              "<input id=\"signup_password\" name=\"password\" type=\"password\" "
                              "autocomplete=\"new-password\" minlength=\"%1\" required>\n")
                   .arg(UserDirectory::minPasswordLength);
    content += QStringLiteral("<div class=\"buttons\">\n"
                              "<button id=\"signup\" type=\"submit\">Create account</button>\n"
                              "</div>\n</form>\n");
    QStringList choices;
    for (const AuthProfile &other : page.otherProfiles)
        choices.append(QStringLiteral("auth_profile=%1 (%2)").arg(other.name, profilePolicy(other)));
    content += QStringLiteral("<p class=\"hint\">The app chooses the profile with the auth_profile parameter of its "
                              "authorization request, and the default is %1.")
                   .arg(QLatin1String(openProfileName));
    if (!choices.isEmpty())
        content += QStringLiteral(" Other profiles: ") + escaped(choices.join(QStringLiteral("; "))) + QLatin1Char('.');
    content += QStringLiteral(" Signing in works for users of every profile, and the tokens carry the user's role in "
                              "the roles claim.</p>\n</section>\n");
    return content;
}

QByteArray pageShell(const QString &title, const QString &content, const QString &bodyClass = QString())
{
    QString html;
    html += QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html += QStringLiteral("<title>") + escaped(title) + QStringLiteral("</title>\n<style>");
    html += QString::fromUtf8(pageStyle);
    html += QStringLiteral("</style>\n</head>\n");
    html += bodyClass.isEmpty() ? QStringLiteral("<body>\n")
                                : QStringLiteral("<body class=\"") + escaped(bodyClass) + QStringLiteral("\">\n");
    html += QStringLiteral("<main>\n");
    html += content;
    html += QStringLiteral("</main>\n</body>\n</html>\n");
    return html.toUtf8();
}

} // namespace

QByteArray renderSignInPage(const SignInPage &page)
{
    QString content;
    content += QStringLiteral("<h1>Sandbox sign-in</h1>\n");
    content += QStringLiteral("<p class=\"subtitle\"><code>") + escaped(page.clientId)
        + QStringLiteral("</code> asks for: ") + escaped(page.scopes.join(QStringLiteral(", "))) + QStringLiteral("</p>\n");
    if (!page.error.isEmpty())
        content += QStringLiteral("<p class=\"error\" id=\"error\" role=\"alert\">") + escaped(page.error)
            + QStringLiteral("</p>\n");

    content += QStringLiteral("<form method=\"post\" action=\"/login\">\n");
    content += QStringLiteral("<input type=\"hidden\" name=\"request_id\" value=\"") + escaped(page.requestId)
        + QStringLiteral("\">\n");
    content += QStringLiteral("<label for=\"email\">Email</label>\n"
                              "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required value=\"")
        + escaped(page.email) + QStringLiteral("\"");
    content += page.email.isEmpty() ? QStringLiteral(" autofocus>\n") : QStringLiteral(">\n");
    content += QStringLiteral("<label for=\"password\">Password</label>\n"
                              "<input id=\"password\" name=\"password\" type=\"password\" "
                              "autocomplete=\"current-password\" required");
    content += page.email.isEmpty() ? QStringLiteral(">\n") : QStringLiteral(" autofocus>\n");
    content += QStringLiteral("<div class=\"buttons\">\n"
                              "<button id=\"login\" type=\"submit\" name=\"action\" value=\"login\">Sign in</button>\n"
                              "<button id=\"cancel\" type=\"submit\" name=\"action\" value=\"cancel\" formnovalidate>Cancel</button>\n"
                              "</div>\n</form>\n");
    if (!page.socialProviderName.isEmpty()) {
        content += QStringLiteral("<form class=\"social\" method=\"post\" action=\"/social/start\">\n");
        content += QStringLiteral("<input type=\"hidden\" name=\"request_id\" value=\"") + escaped(page.requestId)
            + QStringLiteral("\">\n");
        content += QStringLiteral("<button id=\"social\" type=\"submit\">Continue with ") + escaped(page.socialProviderName)
            + QStringLiteral("</button>\n</form>\n");
    }
    // The demo account comes before the sign-up form, so it is visible without scrolling.
    content += QStringLiteral("<p class=\"demo\">Demo account: ") + escaped(SandboxServer::demoEmail())
        + QStringLiteral(" / ") + escaped(SandboxServer::demoPassword()) + QStringLiteral(" (role ")
        + escaped(demoUser().role) + QStringLiteral(")</p>\n");
    content += renderSignUpSection(page);
    return pageShell(QStringLiteral("Sandbox sign-in"), content);
}

QByteArray renderSocialSignInPage(const SocialSignInPage &page)
{
    const QString title = QStringLiteral("Sign in to %1").arg(page.providerName);
    QString content;
    content += QStringLiteral("<h1>") + escaped(title) + QStringLiteral("</h1>\n");
    content += QStringLiteral("<p class=\"subtitle\"><code>") + escaped(page.clientId)
        + QStringLiteral("</code> will receive your name and email address.</p>\n");
    if (!page.error.isEmpty())
        content += QStringLiteral("<p class=\"error\" id=\"error\" role=\"alert\">") + escaped(page.error)
            + QStringLiteral("</p>\n");
    content += QStringLiteral("<form method=\"post\" action=\"/login\">\n");
    content += QStringLiteral("<input type=\"hidden\" name=\"request_id\" value=\"") + escaped(page.requestId)
        + QStringLiteral("\">\n");
    content += QStringLiteral("<label for=\"email\">Email</label>\n"
                              "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required value=\"")
        + escaped(page.email) + QStringLiteral("\" autofocus>\n");
    content += QStringLiteral("<label for=\"password\">Password</label>\n"
                              "<input id=\"password\" name=\"password\" type=\"password\" "
                              "autocomplete=\"current-password\" required>\n");
    content += QStringLiteral("<div class=\"buttons\">\n"
                              "<button id=\"login\" type=\"submit\" name=\"action\" value=\"login\">Sign in</button>\n"
                              "<button id=\"cancel\" type=\"submit\" name=\"action\" value=\"cancel\" formnovalidate>Cancel</button>\n"
                              "</div>\n</form>\n");
    content += QStringLiteral("<p class=\"demo\">Demo account: ") + escaped(page.demoEmail) + QStringLiteral(" / ")
        + escaped(page.demoPassword) + QStringLiteral("</p>\n");
    return pageShell(title, content, QStringLiteral("brand-social"));
}

QByteArray renderErrorPage(const QString &title, const QString &message)
{
    QString content;
    content += QStringLiteral("<h1>") + escaped(title) + QStringLiteral("</h1>\n");
    content += QStringLiteral("<p class=\"error\" id=\"error\" role=\"alert\">") + escaped(message) + QStringLiteral("</p>\n");
    return pageShell(title, content);
}

QByteArray renderMessagePage(const QString &title, const QString &message)
{
    QString content;
    content += QStringLiteral("<h1>") + escaped(title) + QStringLiteral("</h1>\n");
    content += QStringLiteral("<p id=\"message\">") + escaped(message) + QStringLiteral("</p>\n");
    return pageShell(title, content);
}

QByteArray renderDeviceCodePage(const QString &userCode, const QString &error)
{
    QString content;
    content += QStringLiteral("<h1>Connect a device</h1>\n");
    content += QStringLiteral("<p class=\"subtitle\">Enter the code that your device shows.</p>\n");
    if (!error.isEmpty())
        content += QStringLiteral("<p class=\"error\" id=\"error\" role=\"alert\">") + escaped(error)
            + QStringLiteral("</p>\n");
    content += QStringLiteral("<form method=\"post\" action=\"/device\">\n");
    content += QStringLiteral("<label for=\"user_code\">Code</label>\n"
                              "<input id=\"user_code\" name=\"user_code\" type=\"text\" autocomplete=\"off\" "
                              "autocapitalize=\"characters\" spellcheck=\"false\" required autofocus value=\"")
        + escaped(userCode) + QStringLiteral("\">\n");
    content += QStringLiteral("<div class=\"buttons\">\n"
                              "<button id=\"continue\" type=\"submit\">Continue</button>\n"
                              "</div>\n</form>\n");
    return pageShell(QStringLiteral("Connect a device"), content);
}

QByteArray renderDeviceConsentPage(const QString &consentId, const QString &clientId, const QStringList &scopes)
{
    QString content;
    content += QStringLiteral("<h1>Allow <code>") + escaped(clientId) + QStringLiteral("</code> to sign in on the device?</h1>\n");
    content += QStringLiteral("<p class=\"subtitle\">The device asks for: ") + escaped(scopes.join(QStringLiteral(", ")))
        + QStringLiteral(". Allow only if you started this sign-in on a device of yours.</p>\n");
    content += QStringLiteral("<form method=\"post\" action=\"/device\">\n");
    content += QStringLiteral("<input type=\"hidden\" name=\"consent_id\" value=\"") + escaped(consentId)
        + QStringLiteral("\">\n");
    content += QStringLiteral("<div class=\"buttons\">\n"
                              "<button id=\"approve\" type=\"submit\" name=\"action\" value=\"approve\">Allow</button>\n"
                              "<button id=\"deny\" type=\"submit\" name=\"action\" value=\"deny\">Deny</button>\n"
                              "</div>\n</form>\n");
    return pageShell(QStringLiteral("Allow %1 to sign in on the device?").arg(clientId), content);
}

QByteArray renderFormPostPage(const QString &action, const oidc::FormFields &fields)
{
    // NOTE: browsers turn a lone CR or LF in a field value into CRLF when they submit a form
    // (HTML "converting an entry list to a list of name-value pairs"), so a state containing
    // line breaks comes back changed in this mode.
    QString content;
    content += QStringLiteral("<h1>Returning to the app</h1>\n");
    content += QStringLiteral("<p class=\"subtitle\">Posting the authorization response to <code>") + escaped(action)
        + QStringLiteral("</code> (response_mode=form_post). If this page stays open, press Continue.</p>\n");
    content += QStringLiteral("<form method=\"post\" action=\"") + escaped(action) + QStringLiteral("\">\n");
    for (const auto &[name, value] : fields)
        content += QStringLiteral("<input type=\"hidden\" name=\"") + escaped(name) + QStringLiteral("\" value=\"")
            + escaped(value) + QStringLiteral("\">\n");
    content += QStringLiteral("<div class=\"buttons\">\n"
                              "<button type=\"submit\" id=\"continue\">Continue</button>\n"
                              "</div>\n</form>\n");
    content += QStringLiteral("<script>") + QString::fromLatin1(formPostScript) + QStringLiteral("</script>\n");
    return pageShell(QStringLiteral("Returning to the app"), content);
}

QByteArray formPostContentSecurityPolicy()
{
    // A CSP hash source is the standard Base64 of the SHA-256 of the script element's text.
    const QByteArray scriptHash =
        QCryptographicHash::hash(QByteArray(formPostScript), QCryptographicHash::Sha256).toBase64();
    return "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-" + scriptHash
        + "'; frame-ancestors 'none'";
}

} // namespace afx::sandbox
