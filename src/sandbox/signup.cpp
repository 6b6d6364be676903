// Sign-up on the login page: POST /signup creates a user in the pending sign-in's
// authentication profile and then ends that sign-in as a password sign-in would.

#include "sandbox/identityprovider.h"

#include "sandbox/formcodec.h"
#include "sandbox/logging.h"
#include "sandbox/loginpages.h"
#include "sandbox/providerhelpers.h"

namespace afx::sandbox {

HttpResponse IdentityProvider::signUp(const HttpRequest &request)
{
    removeExpired();
    const auto errorPage = [](int status, const QString &message) {
        qCInfo(lcSandbox).noquote() << "sign-up form rejected:" << message;
        return HttpResponse::html(status, renderErrorPage(QStringLiteral("Sign-up failed"), message));
    };
    if (request.mediaType() != formMediaType.toLatin1())
        return errorPage(415, QStringLiteral("The sign-up form must be posted as application/x-www-form-urlencoded."));
    oidc::FormFields form;
    QString parseError;
    if (!oidc::formDecodeFields(request.body, &form, &parseError))
        return errorPage(400, parseError);

    const QString requestId = fieldValue(form, QStringLiteral("request_id"));
    const auto found = m_signIns.constFind(requestId);
    if (requestId.isEmpty() || found == m_signIns.constEnd())
        return errorPage(400, QStringLiteral("This sign-in request is unknown or has expired (they last %1 minutes), so "
                                             "no account was created. Start the sign-in again from the app.")
                                  .arg(signInLifetimeSeconds / 60));
    const PendingSignIn signIn = *found;

    const QString email = fieldValue(form, QStringLiteral("email"));
    const QString name = fieldValue(form, QStringLiteral("name"));
    QString error;
    const UserAccount *user = m_users.signUp(signIn.authProfile, email, name, fieldValue(form, QStringLiteral("password")), &error);
    if (!user) {
        qCInfo(lcSandbox).noquote() << "sign-up rejected for client" << signIn.clientId << "in profile"
                                    << signIn.authProfile << "-" << error;
        // The page keeps what the user typed, cut to a length that the page can show, except
        // the password.
        return renderSignIn(requestId, signIn, signIn.loginHint, QString(),
                            SignUpEntry{email.left(maxParameterLength), name.left(maxParameterLength), error});
    }
    qCInfo(lcSandbox).noquote() << "signed up user" << user->sub << "in profile" << user->authProfile << "with role"
                                << user->role << "for client" << signIn.clientId;
    return finishSignIn(requestId, signIn, *user);
}

} // namespace afx::sandbox
