#include "doctor/runchecks.h"

#include "http/graphqlrequest.h"
#include "jose/jws.h"
#include "oidc/formencoding.h"
#include "oidc/pkce.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <optional>

namespace afx::doctor {

namespace {

using Severity = Finding::Severity;

// A code older than this at the token request is named as a likely cause of invalid_grant.
// NOTE: providers choose their own code lifetime (RFC 6749 section 4.1.2 recommends at most
// 10 minutes); 60 seconds is below the shortest common one, so it is a hint, not proof.
constexpr qint64 codeAgeHintSeconds = 60;

QString quoted(const QString &value)
{
    return QLatin1Char('"') + value + QLatin1Char('"');
}

oidc::FormFields decodeFields(QByteArrayView encoded)
{
    oidc::FormFields fields;
    QString error;
    if (!oidc::formDecodeFields(encoded, &fields, &error))
        return {};
    return fields;
}

QString fieldValue(const oidc::FormFields &fields, const QString &name)
{
    for (const auto &[fieldName, value] : fields) {
        if (fieldName == name)
            return value;
    }
    return {};
}

bool hasField(const oidc::FormFields &fields, const QString &name)
{
    for (const auto &[fieldName, value] : fields) {
        Q_UNUSED(value)
        if (fieldName == name)
            return true;
    }
    return false;
}

// Query and fragment parameters of a URL, in that order.
oidc::FormFields urlFields(const QString &urlText)
{
    const QUrl url(urlText);
    oidc::FormFields fields = decodeFields(url.query(QUrl::FullyEncoded).toUtf8());
    fields.append(decodeFields(url.fragment(QUrl::FullyEncoded).toUtf8()));
    return fields;
}

QString headerValue(const QList<QPair<QString, QString>> &headers, const QString &name)
{
    for (const auto &[headerName, value] : headers) {
        if (headerName.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QJsonObject jsonBody(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object();
}

bool isCallbackStep(const TraceStep &step)
{
    return step.explanationKey.startsWith(QLatin1String("callback"));
}

bool isTokenEndpointStep(const TraceStep &step)
{
    static const QStringList keys{QStringLiteral("token-request"), QStringLiteral("refresh-request"),
                                  QStringLiteral("client-credentials-request"), QStringLiteral("password-grant"),
                                  QStringLiteral("device-token-poll")};
    return keys.contains(step.explanationKey);
}

bool isAuthorizationCodeTokenRequest(const TraceStep &step)
{
    return step.channel == Channel::Back
        && fieldValue(decodeFields(step.request.body), QStringLiteral("grant_type")) == QLatin1String("authorization_code");
}

bool isBackendStep(const TraceStep &step)
{
    return step.to == Trace::Backend && step.channel == Channel::Back && step.from == Trace::App;
}

qint64 secondsBetween(const TraceStep &earlier, const TraceStep &later)
{
    if (!earlier.startedAt.isValid() || !later.startedAt.isValid())
        return -1;
    return earlier.startedAt.secsTo(later.startedAt);
}

std::optional<jose::CompactJws> decodeJwt(const QString &token)
{
    QString error;
    return jose::CompactJws::parse(token.toUtf8(), &error);
}

QStringList audiences(const QJsonObject &claims)
{
    const QJsonValue aud = claims.value(QStringLiteral("aud"));
    if (aud.isString())
        return {aud.toString()};
    QStringList values;
    for (const QJsonValue &value : aud.toArray())
        values.append(value.toString());
    return values;
}

QString tokenKindName(TokenKind kind)
{
    switch (kind) {
    case TokenKind::IdToken:
        return QStringLiteral("the ID token");
    case TokenKind::AccessToken:
        return QStringLiteral("the access token");
    case TokenKind::Unknown:
        break;
    }
    return QStringLiteral("a token the run did not issue");
}

// The meaning of an OAuth 2.0 / OpenID Connect error code and its usual causes.
struct ErrorInfo {
    Severity severity = Severity::Error;
    QString title;
    QString why;
    QStringList causes; // most likely first
};

ErrorInfo errorInfo(const QString &code)
{
    ErrorInfo info;
    if (code == QLatin1String("invalid_request")) {
        info.title = QStringLiteral("The provider rejected the request as malformed");
        info.why = QStringLiteral("invalid_request means a required parameter is missing, repeated, or has an invalid value "
                                  "(RFC 6749 sections 4.1.2.1 and 5.2).");
        info.causes = {QStringLiteral("a parameter the provider requires for this client is missing (such as code_challenge, "
                                      "nonce, or audience)"),
                       QStringLiteral("a parameter is sent twice, for example by an extra authorize parameter"),
                       QStringLiteral("the code_challenge is not 43 base64url characters without '=' padding (RFC 7636 section 4.2)"),
                       QStringLiteral("the provider does not accept a parameter value, such as the prompt or response_mode")};
    } else if (code == QLatin1String("invalid_client")) {
        info.title = QStringLiteral("Client authentication failed");
        info.why = QStringLiteral("invalid_client means the token endpoint could not authenticate the client (RFC 6749 section 5.2).");
        info.causes = {QStringLiteral("the client secret is wrong, expired or belongs to another client"),
                       QStringLiteral("the client authentication method differs from the registration: a public client sent a "
                                      "secret, or a confidential client sent none"),
                       QStringLiteral("the client ID does not exist at this provider or in this tenant")};
    } else if (code == QLatin1String("invalid_grant")) {
        info.title = QStringLiteral("The provider rejected the grant");
        info.why = QStringLiteral("invalid_grant means the code or refresh token is invalid, expired, revoked, already used, "
                                  "issued to another client, or does not match the redirect URI of the authorization request "
                                  "(RFC 6749 section 5.2); a wrong PKCE verifier gives the same code (RFC 7636 section 4.6).");
        info.causes = {QStringLiteral("the authorization code was already exchanged once (codes are single-use, RFC 6749 section 4.1.2)"),
                       QStringLiteral("the code expired before the token request"),
                       QStringLiteral("redirect_uri differs between the authorization request and the token request (RFC 6749 section 4.1.3)"),
                       QStringLiteral("the code_verifier does not match the code_challenge (RFC 7636 section 4.6)"),
                       QStringLiteral("the code was issued to another client ID")};
    } else if (code == QLatin1String("unauthorized_client")) {
        info.title = QStringLiteral("The client may not use this grant");
        info.why = QStringLiteral("unauthorized_client means the client is not allowed this grant type or response type "
                                  "(RFC 6749 sections 4.1.2.1 and 5.2).");
        info.causes = {QStringLiteral("the grant (authorization code, refresh token, device code, client credentials) is not "
                                      "enabled in the client's settings at the provider"),
                       QStringLiteral("the application type (web, SPA, native) does not allow this flow")};
    } else if (code == QLatin1String("unsupported_grant_type")) {
        info.title = QStringLiteral("The provider does not support the grant type");
        info.why = QStringLiteral("unsupported_grant_type means the authorization server does not support the grant_type "
                                  "sent (RFC 6749 section 5.2).");
        info.causes = {QStringLiteral("the provider does not offer this grant at all: compare with grant_types_supported"),
                       QStringLiteral("the token request went to the wrong endpoint")};
    } else if (code == QLatin1String("unsupported_response_type")) {
        info.title = QStringLiteral("The provider does not support the response type");
        info.why = QStringLiteral("unsupported_response_type means the provider does not issue this response type, or not "
                                  "to this client (RFC 6749 section 4.1.2.1).");
        info.causes = {QStringLiteral("the response type is not enabled for the client (Entra ID, for example, issues ID tokens "
                                      "through the front channel only when the registration allows it)"),
                       QStringLiteral("the provider does not list the response type in response_types_supported")};
    } else if (code == QLatin1String("invalid_scope")) {
        info.title = QStringLiteral("The provider rejected a scope");
        info.why = QStringLiteral("invalid_scope means a requested scope is unknown, malformed, or not allowed for this "
                                  "client (RFC 6749 sections 4.1.2.1 and 5.2).");
        info.causes = {QStringLiteral("a scope is misspelled or does not exist at this provider"),
                       QStringLiteral("an API scope belongs to another API than the audience or resource requested"),
                       QStringLiteral("the client is not granted the scope in its settings")};
    } else if (code == QLatin1String("access_denied")) {
        info.title = QStringLiteral("Access was denied");
        info.why = QStringLiteral("access_denied means the resource owner or the authorization server denied the request "
                                  "(RFC 6749 section 4.1.2.1).");
        info.causes = {QStringLiteral("the user cancelled the login or declined consent"),
                       QStringLiteral("the user is not assigned to the application, or a provider rule or policy blocked the login"),
                       QStringLiteral("the provider refused a requested scope or audience for this user")};
    } else if (code == QLatin1String("login_required")) {
        info.title = QStringLiteral("The provider needs a login");
        info.why = QStringLiteral("login_required answers prompt=none when the user has no session at the provider "
                                  "(OpenID Connect Core 1.0 section 3.1.2.6).");
        info.causes = {QStringLiteral("prompt=none was sent but the browser has no provider session (a new or cleared browser "
                                      "session, or third-party cookies blocked)")};
    } else if (code == QLatin1String("consent_required")) {
        info.title = QStringLiteral("The provider needs consent");
        info.why = QStringLiteral("consent_required answers prompt=none when the user must first consent "
                                  "(OpenID Connect Core 1.0 section 3.1.2.6).");
        info.causes = {QStringLiteral("prompt=none was sent for scopes the user has not consented to yet")};
    } else if (code == QLatin1String("interaction_required")) {
        info.title = QStringLiteral("The provider needs the user to interact");
        info.why = QStringLiteral("interaction_required answers prompt=none when the login needs a page, such as multi-factor "
                                  "authentication (OpenID Connect Core 1.0 section 3.1.2.6).");
        info.causes = {QStringLiteral("prompt=none was sent but the provider must show a page (MFA, terms, password change)")};
    } else if (code == QLatin1String("account_selection_required")) {
        info.title = QStringLiteral("The user must choose an account");
        info.why = QStringLiteral("account_selection_required answers prompt=none when several accounts are signed in "
                                  "(OpenID Connect Core 1.0 section 3.1.2.6).");
        info.causes = {QStringLiteral("prompt=none was sent while several accounts have a session at the provider")};
    } else if (code == QLatin1String("invalid_request_uri")) {
        info.title = QStringLiteral("The request_uri was rejected");
        info.why = QStringLiteral("invalid_request_uri means the request_uri is unknown, expired or already used "
                                  "(OpenID Connect Core 1.0 section 3.1.2.6, RFC 9126 section 2.2).");
        info.causes = {QStringLiteral("the pushed request expired before the browser opened the authorize URL (its expires_in is "
                                      "often 60 seconds or less)"),
                       QStringLiteral("the same request_uri was used twice"),
                       QStringLiteral("the authorize URL's client_id differs from the client that pushed the request")};
    } else if (code == QLatin1String("invalid_dpop_proof")) {
        info.title = QStringLiteral("The DPoP proof was rejected");
        info.why = QStringLiteral("invalid_dpop_proof means the DPoP header's proof JWT is invalid (RFC 9449 sections 4.3 and 5).");
        info.causes = {QStringLiteral("htm or htu in the proof differs from the request's method and URL"),
                       QStringLiteral("iat is outside the server's window: the clock is off"),
                       QStringLiteral("the server requires a nonce (use_dpop_nonce) that the proof lacks")};
    } else if (code == QLatin1String("authorization_pending")) {
        info.severity = Severity::Info;
        info.title = QStringLiteral("The user has not finished the device login yet");
        info.why = QStringLiteral("authorization_pending is the normal answer while the user has not yet approved on the "
                                  "other device; the client keeps polling (RFC 8628 section 3.5).");
        info.causes = {QStringLiteral("the user has not entered the code yet")};
    } else if (code == QLatin1String("slow_down")) {
        info.severity = Severity::Info;
        info.title = QStringLiteral("The device login polls too often");
        info.why = QStringLiteral("slow_down asks the client to add 5 seconds to its polling interval (RFC 8628 section 3.5).");
        info.causes = {QStringLiteral("the polling interval was shorter than the provider wants")};
    } else if (code == QLatin1String("expired_token")) {
        info.title = QStringLiteral("The device code expired");
        info.why = QStringLiteral("expired_token means the device code's lifetime ended before the user approved "
                                  "(RFC 8628 section 3.5).");
        info.causes = {QStringLiteral("the user did not enter the code in time: start the device login again")};
    } else {
        info.title = QStringLiteral("The provider returned an error");
        info.why = QStringLiteral("The provider returned an error code that is not one of OAuth 2.0's or OpenID Connect's; "
                                  "its error_description usually names the cause.");
        info.causes = {QStringLiteral("read the provider's error_description and documentation for this code")};
    }
    return info;
}

QString numbered(const QStringList &items)
{
    QStringList lines;
    for (int i = 0; i < items.size(); ++i)
        lines.append(QStringLiteral("%1. %2").arg(i + 1).arg(items.at(i)));
    return lines.join(QLatin1Char('\n'));
}

class RunChecker {
public:
    RunChecker(const Trace &trace, const FlowResult &result, const Profile &profile)
        : m_steps(trace.steps())
        , m_result(result)
        , m_profile(profile)
    {
    }

    QList<Finding> run()
    {
        for (int i = 0; i < m_steps.size(); ++i) {
            const TraceStep &step = m_steps.at(i);
            if (isCallbackStep(step))
                checkCallbackError(i);
            else if (step.channel == Channel::Back && step.to != Trace::Backend)
                checkProviderError(i);
            if (isBackendStep(step))
                checkBackendResponse(i);
            checkValidationStep(i);
            if (isTokenEndpointStep(step))
                checkGrantedScope(i);
        }
        checkBrowserErrorPage();
        return m_findings;
    }

private:
    void add(Finding finding)
    {
        // The same finding from the same step once, such as repeated authorization_pending polls.
        for (const Finding &existing : std::as_const(m_findings)) {
            if (existing.id == finding.id && (existing.step == finding.step || existing.severity == Severity::Info))
                return;
        }
        m_findings.append(std::move(finding));
    }

    void addErrorCode(const QString &code, const QString &description, int stepIndex, const QString &where,
                      const QStringList &rankedCauses)
    {
        const ErrorInfo info = errorInfo(code);
        QString what = QStringLiteral("%1 returned error=%2").arg(where, code);
        if (!description.isEmpty())
            what += QStringLiteral(" with error_description %1").arg(quoted(description));
        what += QLatin1Char('.');
        add(makeFinding(info.severity, errorFindingId(code), info.title, what, info.why,
                        QStringLiteral("Likely causes, most likely first:\n") + numbered(rankedCauses.isEmpty() ? info.causes : rankedCauses),
                        stepIndex));
    }

    void checkCallbackError(int index)
    {
        const TraceStep &step = m_steps.at(index);
        oidc::FormFields fields = urlFields(step.request.url);
        if (step.request.method == QLatin1String("POST"))
            fields.append(decodeFields(step.request.body));
        const QString code = fieldValue(fields, QStringLiteral("error"));
        if (code.isEmpty())
            return;
        QStringList causes = errorInfo(code).causes;
        if (code == QLatin1String("invalid_request")) {
            const QString challenge = authorizeParameter(QStringLiteral("code_challenge"));
            if (!challenge.isEmpty() && (challenge.contains(QLatin1Char('=')) || challenge.size() != 43))
                causes.prepend(QStringLiteral("this run's code_challenge %1 is not 43 base64url characters without padding "
                                              "(RFC 7636 section 4.2)")
                                   .arg(quoted(challenge)));
        }
        addErrorCode(code, fieldValue(fields, QStringLiteral("error_description")), index,
                     QStringLiteral("The callback to the redirect URI"), causes);
    }

    void checkProviderError(int index)
    {
        const TraceStep &step = m_steps.at(index);
        const QJsonObject json = jsonBody(step.response.body);
        const QString code = json.value(QStringLiteral("error")).toString();
        if (code.isEmpty())
            return;
        const QString description = json.value(QStringLiteral("error_description")).toString();
        const QString where = QStringLiteral("%1 %2").arg(step.request.method, QUrl(step.request.url).adjusted(QUrl::RemoveQuery).toString());
        if (code == QLatin1String("invalid_grant")) {
            checkInvalidGrant(index, description, where);
            return;
        }
        if (code == QLatin1String("invalid_client")) {
            checkInvalidClient(index, description, where);
            return;
        }
        addErrorCode(code, description, index, where, {});
    }

    // The authorization request's parameter: from the authorize URL, or from the PAR body when
    // the URL carries only a request_uri.
    QString authorizeParameter(const QString &name, int *stepIndex = nullptr, bool *found = nullptr) const
    {
        for (int i = int(m_steps.size()) - 1; i >= 0; --i) {
            const TraceStep &step = m_steps.at(i);
            oidc::FormFields fields;
            if (step.explanationKey == QLatin1String("par-request"))
                fields = decodeFields(step.request.body);
            else if (step.explanationKey == QLatin1String("authorize-request") || step.explanationKey == QLatin1String("system-browser"))
                fields = urlFields(step.request.url);
            else
                continue;
            if (!hasField(fields, name) && hasField(fields, QStringLiteral("request_uri")))
                continue; // pushed request: look for the PAR step before it
            if (stepIndex)
                *stepIndex = i;
            if (found)
                *found = hasField(fields, name);
            return fieldValue(fields, name);
        }
        if (found)
            *found = false;
        return {};
    }

    void checkInvalidGrant(int index, const QString &description, const QString &where)
    {
        const TraceStep &step = m_steps.at(index);
        const oidc::FormFields body = decodeFields(step.request.body);
        const QString grantType = fieldValue(body, QStringLiteral("grant_type"));
        if (grantType == QLatin1String("refresh_token")) {
            add(makeFinding(Severity::Error, QStringLiteral("refresh-token-rejected"), QStringLiteral("The refresh token was rejected"),
                            QStringLiteral("%1 returned invalid_grant for the refresh token%2.")
                                .arg(where, description.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(quoted(description))),
                            QStringLiteral("A refresh token stops working when it expires, is revoked, the user's session ends, or "
                                           "it was rotated and an older one is used (RFC 6749 section 6, RFC 9700 section 4.14.2)."),
                            QStringLiteral("Log in again. If this happens right after a refresh, check that the app stores the "
                                           "new refresh token each rotation returns."),
                            index));
            return;
        }
        if (grantType != QLatin1String("authorization_code")) {
            addErrorCode(QStringLiteral("invalid_grant"), description, index, where, {});
            return;
        }

        const QString code = fieldValue(body, QStringLiteral("code"));
        QList<Finding> evidence;
        QStringList excluded;

        // Reused code: another token request with the same code.
        for (int i = 0; i < m_steps.size(); ++i) {
            if (i == index || !isAuthorizationCodeTokenRequest(m_steps.at(i)))
                continue;
            if (!code.isEmpty() && fieldValue(decodeFields(m_steps.at(i).request.body), QStringLiteral("code")) == code) {
                evidence.append(makeFinding(
                    Severity::Error, QStringLiteral("invalid-grant-code-reused"), QStringLiteral("The authorization code was used twice"),
                    QStringLiteral("Steps %1 and %2 both sent the same authorization code to the token endpoint, and %3 "
                                   "answered invalid_grant.")
                        .arg(qMin(i, index)).arg(qMax(i, index)).arg(where),
                    QStringLiteral("An authorization code is single-use: RFC 6749 section 4.1.2 requires the provider to reject "
                                   "a second use, and it should revoke the tokens of the first."),
                    QStringLiteral("Exchange each code once. Look for a callback handled twice (two listeners, a page reload, "
                                   "a retry after a timeout) and for client code that redeems the code again."),
                    index));
                break;
            }
        }

        // Code age: time between the callback that delivered the code and this request.
        for (int i = index - 1; i >= 0; --i) {
            const TraceStep &callback = m_steps.at(i);
            if (!isCallbackStep(callback))
                continue;
            oidc::FormFields fields = urlFields(callback.request.url);
            fields.append(decodeFields(callback.request.body));
            if (!code.isEmpty() && fieldValue(fields, QStringLiteral("code")) != code)
                continue;
            const qint64 age = secondsBetween(callback, step);
            if (age > codeAgeHintSeconds) {
                evidence.append(makeFinding(
                    Severity::Error, QStringLiteral("invalid-grant-code-expired"), QStringLiteral("The authorization code was old"),
                    QStringLiteral("The token request came %1 seconds after the callback (step %2) that delivered the code.").arg(age).arg(i),
                    QStringLiteral("Codes are short-lived: RFC 6749 section 4.1.2 recommends at most 10 minutes, and many "
                                   "providers use a minute or less."),
                    QStringLiteral("Exchange the code right after the callback; look for what delays the token request "
                                   "(a debugger pause, a slow key fetch, a dialog)."),
                    index));
            } else if (age >= 0) {
                excluded.append(QStringLiteral("the code expired"));
            }
            break;
        }

        // redirect_uri must be the same string in both requests (RFC 6749 section 4.1.3).
        int authorizeStep = -1;
        bool authorizeHasRedirect = false;
        const QString authorizeRedirect = authorizeParameter(QStringLiteral("redirect_uri"), &authorizeStep, &authorizeHasRedirect);
        if (authorizeStep >= 0) {
            const bool tokenHasRedirect = hasField(body, QStringLiteral("redirect_uri"));
            const QString tokenRedirect = fieldValue(body, QStringLiteral("redirect_uri"));
            if (authorizeHasRedirect && (!tokenHasRedirect || tokenRedirect != authorizeRedirect)) {
                evidence.append(makeFinding(
                    Severity::Error, QStringLiteral("invalid-grant-redirect-mismatch"),
                    QStringLiteral("redirect_uri differs between authorization and token request"),
                    tokenHasRedirect ? QStringLiteral("The authorization request (step %1) sent redirect_uri=%2, the token request "
                                                      "(step %3) sent redirect_uri=%4.")
                                           .arg(authorizeStep).arg(quoted(authorizeRedirect)).arg(index).arg(quoted(tokenRedirect))
                                     : QStringLiteral("The authorization request (step %1) sent redirect_uri=%2, the token request "
                                                      "(step %3) sent none.")
                                           .arg(authorizeStep).arg(quoted(authorizeRedirect)).arg(index),
                    QStringLiteral("RFC 6749 section 4.1.3: when the authorization request included redirect_uri, the token "
                                   "request must repeat it, and the values must be identical strings (a different loopback "
                                   "port, a trailing slash or another encoding is a different value)."),
                    QStringLiteral("Send the exact redirect_uri of the authorization request, including the port the loopback "
                                   "listener picked."),
                    index));
            } else if (authorizeHasRedirect) {
                excluded.append(QStringLiteral("redirect_uri differs"));
            }

            // PKCE: the verifier must hash to the challenge (RFC 7636 section 4.6).
            const QString challenge = authorizeParameter(QStringLiteral("code_challenge"));
            const QString method = authorizeParameter(QStringLiteral("code_challenge_method"));
            const bool hasVerifier = hasField(body, QStringLiteral("code_verifier"));
            const QByteArray verifier = fieldValue(body, QStringLiteral("code_verifier")).toUtf8();
            if (!challenge.isEmpty()) {
                const QByteArray expected = method == QLatin1String("plain") ? verifier : oidc::Pkce::challengeFor(verifier);
                if (!hasVerifier || QString::fromLatin1(expected) != challenge) {
                    evidence.append(makeFinding(
                        Severity::Error, QStringLiteral("invalid-grant-pkce-mismatch"),
                        QStringLiteral("The PKCE verifier does not match the challenge"),
                        hasVerifier ? QStringLiteral("The token request's code_verifier (step %1) does not hash to the code_challenge "
                                                     "of the authorization request (step %2, method %3).")
                                          .arg(index).arg(authorizeStep).arg(method.isEmpty() ? QStringLiteral("plain") : method)
                                    : QStringLiteral("The authorization request (step %1) sent a code_challenge, but the token "
                                                     "request (step %2) has no code_verifier.")
                                          .arg(authorizeStep).arg(index),
                        QStringLiteral("RFC 7636 section 4.6: the provider computes BASE64URL(SHA256(code_verifier)) and rejects "
                                       "the request with invalid_grant unless it equals the code_challenge."),
                        QStringLiteral("Send the verifier generated for this very authorization request; keep it with the "
                                       "state, not in a shared variable that a second login overwrites."),
                        index));
                } else {
                    excluded.append(QStringLiteral("the code_verifier does not match"));
                }
            }
        }

        if (!evidence.isEmpty()) {
            for (Finding &finding : evidence) {
                if (!description.isEmpty())
                    finding.what += QStringLiteral(" The provider said: %1.").arg(quoted(description));
                add(std::move(finding));
            }
            return;
        }
        QStringList causes;
        for (const QString &cause : errorInfo(QStringLiteral("invalid_grant")).causes) {
            bool ruledOut = false;
            for (const QString &exclusion : std::as_const(excluded)) {
                if (cause.contains(exclusion))
                    ruledOut = true;
            }
            if (!ruledOut)
                causes.append(cause);
        }
        addErrorCode(QStringLiteral("invalid_grant"), description, index, where, causes);
    }

    void checkInvalidClient(int index, const QString &description, const QString &where)
    {
        const TraceStep &step = m_steps.at(index);
        const QString authorization = headerValue(step.request.headers, QStringLiteral("Authorization"));
        QStringList causes = errorInfo(QStringLiteral("invalid_client")).causes;
        if (authorization.startsWith(QLatin1String("Basic "), Qt::CaseInsensitive)) {
            // client_secret_basic form-encodes id and secret before Base64 (RFC 6749 section 2.3.1,
            // Appendix B). When that changed the secret, a server that skips form-decoding compares
            // another secret. The decoded value is never shown.
            const QByteArray decoded = QByteArray::fromBase64(authorization.mid(6).trimmed().toLatin1());
            const qsizetype colon = decoded.indexOf(':');
            const QByteArray secretPart = colon >= 0 ? decoded.mid(colon + 1) : QByteArray();
            const QByteArray idPart = colon >= 0 ? decoded.left(colon) : decoded;
            if (secretPart.contains('%') || idPart.contains('%') || secretPart.contains('+') || idPart.contains('+')) {
                add(makeFinding(
                    Severity::Error, QStringLiteral("invalid-client-basic-encoding"),
                    QStringLiteral("The server may not form-decode the Basic credentials"),
                    QStringLiteral("%1 returned invalid_client%2. The client secret (or ID) contains characters that "
                                   "form-encoding changes, such as '+', '/', '=', ':' or a space, so the Basic header carries "
                                   "the encoded form.")
                        .arg(where, description.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(quoted(description))),
                    QStringLiteral("RFC 6749 section 2.3.1 with Appendix B form-encodes the client ID and secret before they "
                                   "are joined with ':' and Base64-encoded. Some servers skip the form-decoding and compare the "
                                   "encoded secret, which then differs."),
                    QStringLiteral("Switch the profile to client_secret_post, which sends the secret as a form field that every "
                                   "server decodes, or generate a secret with only letters and digits."),
                    index));
                return;
            }
        }
        if (m_profile.clientAuth == ClientAuthMethod::None)
            causes.prepend(QStringLiteral("the client is registered as confidential, but the profile sends no secret (\"none\")"));
        addErrorCode(QStringLiteral("invalid_client"), description, index, where, causes);
    }

    void checkBrowserErrorPage()
    {
        bool hasCallback = false;
        int errorPage = -1;
        for (int i = 0; i < m_steps.size(); ++i) {
            const TraceStep &step = m_steps.at(i);
            if (isCallbackStep(step))
                hasCallback = true;
            if (step.channel == Channel::Front && step.from == Trace::Browser && step.to != Trace::App
                && step.response.status >= 400)
                errorPage = i;
        }
        const bool blocked = m_result.suggestSystemBrowser;
        if (blocked) {
            add(makeFinding(Severity::Error, QStringLiteral("embedded-browser-blocked"),
                            QStringLiteral("The provider refuses the embedded browser"),
                            QStringLiteral("The provider stopped the login in the embedded browser (for Google the error is "
                                           "disallowed_useragent)."),
                            QStringLiteral("RFC 8252 section 8.12 asks native apps to use an external user agent; Google and "
                                           "others block embedded web views for that reason."),
                            QStringLiteral("Choose the system browser in the profile with a loopback redirect URI such as "
                                           "http://127.0.0.1/callback."),
                            m_result.failedStep));
        }
        if (hasCallback || errorPage < 0 || blocked)
            return;
        const TraceStep &step = m_steps.at(errorPage);
        const QUrl url(step.request.url);
        add(makeFinding(Severity::Error, QStringLiteral("provider-error-page"),
                        QStringLiteral("The provider showed an error page and never redirected back"),
                        QStringLiteral("The browser got HTTP %1 from %2 and no callback reached the redirect URI.")
                            .arg(step.response.status)
                            .arg(url.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment).toString()),
                        QStringLiteral("A provider must not redirect to a redirect URI it cannot verify, or when the client ID "
                                       "is invalid; it shows its own error page instead (RFC 6749 section 4.1.2.1). The usual "
                                       "cause is a redirect URI that the client registration does not list exactly."),
                        QStringLiteral("Compare the redirect_uri of the authorize request with the registered redirect URIs, "
                                       "character for character (scheme, host, port, path, trailing slash); check the client ID "
                                       "and read the page in the step inspector."),
                        errorPage));
    }

    // The run's token responses, to recognise a token sent to a backend.
    TokenSet knownTokens() const
    {
        TokenSet tokens = m_result.tokens;
        for (const TraceStep &step : m_steps) {
            if (!isTokenEndpointStep(step) && step.explanationKey != QLatin1String("login-mutation"))
                continue;
            const QJsonObject json = jsonBody(step.response.body);
            if (tokens.idToken.isEmpty())
                tokens.idToken = json.value(QStringLiteral("id_token")).toString();
            if (tokens.accessToken.isEmpty())
                tokens.accessToken = json.value(QStringLiteral("access_token")).toString();
        }
        return tokens;
    }

    void checkBackendResponse(int index)
    {
        const TraceStep &step = m_steps.at(index);
        const int status = step.response.status;
        const QString url = QUrl(step.request.url).adjusted(QUrl::RemoveQuery).toString();
        const QString authorization = headerValue(step.request.headers, QStringLiteral("Authorization"));
        QString scheme = authorization.section(QLatin1Char(' '), 0, 0);
        const QString token = authorization.section(QLatin1Char(' '), 1).trimmed();
        const bool bearer = scheme.compare(QLatin1String("Bearer"), Qt::CaseInsensitive) == 0
            || scheme.compare(QLatin1String("DPoP"), Qt::CaseInsensitive) == 0;
        const TokenKind kind = bearer ? identifyToken(token, knownTokens(), m_profile.clientId) : TokenKind::Unknown;

        if (status >= 200 && status < 300) {
            if (kind == TokenKind::IdToken)
                addIdTokenAccepted(index, url);
            return;
        }
        if (status != 401 && status != 403)
            return;

        // Every challenge of every WWW-Authenticate header (RFC 9110 section 11.6.1).
        QList<AuthChallenge> challenges;
        for (const auto &[name, value] : step.response.headers) {
            if (name.compare(QLatin1String("WWW-Authenticate"), Qt::CaseInsensitive) == 0)
                challenges.append(parseWwwAuthenticate(value.toUtf8()));
        }
        AuthChallenge challenge;
        for (const AuthChallenge &candidate : std::as_const(challenges)) {
            if (candidate.scheme.compare(QLatin1String("Bearer"), Qt::CaseInsensitive) == 0
                || candidate.scheme.compare(QLatin1String("DPoP"), Qt::CaseInsensitive) == 0) {
                challenge = candidate;
                break;
            }
        }
        const QString error = challenge.params.value(QStringLiteral("error"));
        QString evidence = challenge.params.value(QStringLiteral("error_description"));
        // The sandbox backend reports its own checks as steps after the request.
        for (int i = index + 1; i < m_steps.size() && !isBackendStep(m_steps.at(i)); ++i) {
            const TraceStep &check = m_steps.at(i);
            if (check.explanationKey.startsWith(QLatin1String("backend-check")) && check.result == StepResult::Failed)
                evidence += QLatin1Char(' ') + check.detail;
        }
        QString challengeText = challenge.scheme;
        for (auto it = challenge.params.cbegin(); it != challenge.params.cend(); ++it)
            challengeText += QStringLiteral(" %1=%2").arg(it.key(), quoted(it.value()));
        const QString answer = challenge.scheme.isEmpty()
            ? QStringLiteral("HTTP %1 without a Bearer challenge").arg(status)
            : QStringLiteral("HTTP %1 with WWW-Authenticate: %2").arg(status).arg(challengeText.trimmed());

        if (authorization.isEmpty()) {
            add(makeFinding(Severity::Error, QStringLiteral("backend-no-token"), QStringLiteral("No token was sent to the backend"),
                            QStringLiteral("The request to %1 carried no Authorization header and got %2.").arg(url, answer),
                            QStringLiteral("A protected resource expects the token in the Authorization header "
                                           "(RFC 6750 section 2.1); without one it answers 401 with a challenge and no error code "
                                           "(RFC 6750 section 3.1)."),
                            QStringLiteral("Log in first, then choose the token to send in the query editor."),
                            index));
            return;
        }
        if (error == QLatin1String("insufficient_scope")) {
            const QString needed = challenge.params.value(QStringLiteral("scope"));
            add(makeFinding(Severity::Error, QStringLiteral("backend-insufficient-scope"),
                            QStringLiteral("The token lacks a scope the backend needs"),
                            QStringLiteral("%1 answered %2.").arg(url, answer),
                            QStringLiteral("insufficient_scope means the token is valid but does not grant what the request needs "
                                           "(RFC 6750 section 3.1); the challenge's scope names what is needed."),
                            needed.isEmpty() ? QStringLiteral("Request the scope the backend needs in the profile and log in again.")
                                             : QStringLiteral("Add %1 to the profile's scopes and log in again.").arg(quoted(needed)),
                            index));
            return;
        }

        const std::optional<jose::CompactJws> jwt = decodeJwt(token);
        const QJsonObject claims = jwt ? jwt->claims : QJsonObject();
        const QStringList tokenAudiences = audiences(claims);
        const bool audienceProblem = evidence.contains(QLatin1String("aud"), Qt::CaseInsensitive);
        const bool namesClientId = !m_profile.clientId.isEmpty() && evidence.contains(m_profile.clientId);
        const QString sent = tokenKindName(kind);

        const QString whyTwoTokens = QStringLiteral(
            "The two tokens answer different questions. The ID token tells the client who the user is: its aud is the "
            "client ID (OpenID Connect Core 1.0 section 2). The access token tells an API what the bearer may do: its aud is "
            "the API (RFC 9068 sections 2.2 and 4), and RFC 6750 section 2.1 carries it in the Authorization header.");

        if (kind == TokenKind::AccessToken && namesClientId) {
            add(makeFinding(Severity::Error, QStringLiteral("backend-wants-id-token"),
                            QStringLiteral("The backend wants the ID token"),
                            QStringLiteral("The access token was sent to %1 and rejected: %2. The backend checks aud against the "
                                           "client ID %3, but the access token's aud is %4.")
                                .arg(url, answer, quoted(m_profile.clientId),
                                     tokenAudiences.isEmpty() ? QStringLiteral("missing (or unreadable)") : quoted(tokenAudiences.join(QStringLiteral(", ")))),
                            whyTwoTokens + QStringLiteral(" A backend that accepts the provider's ID token as its credential, as "
                                                          "many backends-as-a-service do, compares aud with the client ID, which "
                                                          "only the ID token carries."),
                            QStringLiteral("Send the ID token to this backend (choose it as the credential in the query editor). "
                                           "If the backend is your own API, configure it to expect the API's audience instead and "
                                           "request an access token for that audience."),
                            index));
            return;
        }
        if (kind == TokenKind::IdToken) {
            add(makeFinding(Severity::Error, QStringLiteral("backend-wants-access-token"),
                            QStringLiteral("The ID token was sent to an API"),
                            QStringLiteral("The ID token (aud %1) was sent to %2 and rejected: %3.")
                                .arg(quoted(tokenAudiences.join(QStringLiteral(", "))), url, answer),
                            whyTwoTokens + QStringLiteral(" An API that checks aud against its own identifier rejects an ID token."),
                            QStringLiteral("Send the access token. Request it for the API: set the profile's audience (Auth0) or "
                                           "resource (RFC 8707) to the API's identifier, and log in again. Do not loosen the API "
                                           "to accept the client ID as audience."),
                            index));
            return;
        }
        if (kind == TokenKind::AccessToken) {
            const jose::TokenFormat format = jose::classifyToken(token.toUtf8());
            if (format != jose::TokenFormat::Jws) {
                const QString shape = format == jose::TokenFormat::Jwe
                    ? QStringLiteral("an encrypted JWE (five parts), which no API can verify without the provider's key")
                    : QStringLiteral("an opaque string of %1 characters, not a JWT").arg(token.size());
                add(makeFinding(Severity::Error, QStringLiteral("access-token-not-jwt"),
                                QStringLiteral("The access token is not a JWT for the API"),
                                QStringLiteral("The access token sent to %1 is %2; the backend answered %3.%4")
                                    .arg(url, shape, answer,
                                         m_profile.audience.isEmpty() ? QStringLiteral(" The login sent no audience.") : QString()),
                                QStringLiteral("An access token may be opaque to the client (RFC 6749 section 1.4). A provider "
                                               "issues one meant only for its own userinfo endpoint when the request names no "
                                               "API; Auth0 does so without the audience parameter. A compact JWE has five parts "
                                               "(RFC 7516 section 7.1), so it is no JWS an API can check."),
                                QStringLiteral("Request an access token for the API: set the profile's audience to the API "
                                               "identifier (Auth0) or its resource (RFC 8707), then log in again. Do not send "
                                               "the ID token instead: it is for the client, not for the API."),
                                index));
                return;
            }
            const qint64 expiry = claims.value(QStringLiteral("exp")).toInteger(0);
            const QDateTime at = step.startedAt.isValid() ? step.startedAt : QDateTime::currentDateTimeUtc();
            if (expiry > 0 && expiry < at.toSecsSinceEpoch()) {
                add(makeFinding(Severity::Error, QStringLiteral("backend-token-expired"), QStringLiteral("The access token expired"),
                                QStringLiteral("The access token sent to %1 expired at %2; the backend answered %3.")
                                    .arg(url, QDateTime::fromSecsSinceEpoch(expiry, Qt::UTC).toString(Qt::ISODate), answer),
                                QStringLiteral("A resource server rejects an expired token with invalid_token "
                                               "(RFC 6750 section 3.1, RFC 9068 section 4)."),
                                QStringLiteral("Refresh the tokens (Run > Refresh) or log in again."),
                                index));
                return;
            }
            if (audienceProblem) {
                add(makeFinding(Severity::Error, QStringLiteral("backend-audience-mismatch"),
                                QStringLiteral("The backend rejects the access token's audience"),
                                QStringLiteral("The access token (aud %1) was sent to %2 and rejected: %3.")
                                    .arg(quoted(tokenAudiences.join(QStringLiteral(", "))), url, answer),
                                whyTwoTokens,
                                QStringLiteral("Likely fixes, most likely first:\n%1")
                                    .arg(numbered({QStringLiteral("request the access token for this API: set the profile's "
                                                                  "audience or resource to the identifier the backend expects"),
                                                   QStringLiteral("if the backend is built to accept the provider's ID token (it "
                                                                  "compares aud with the client ID), send the ID token")})),
                                index));
                return;
            }
        }
        add(makeFinding(Severity::Error, QStringLiteral("backend-unauthorized"), QStringLiteral("The backend rejected the request"),
                        QStringLiteral("%1 was sent to %2 and got %3.").arg(sent.at(0).toUpper() + sent.mid(1), url, answer),
                        QStringLiteral("RFC 6750 section 3.1: invalid_token means the token is expired, revoked, malformed or "
                                       "invalid for another reason; the error_description usually says which."),
                        QStringLiteral("Read the error_description; compare the token's iss, aud and exp (token inspector) with "
                                       "what the backend expects."),
                        index));
    }

    void addIdTokenAccepted(int index, const QString &url)
    {
        add(makeFinding(Severity::Warning, QStringLiteral("bearer-is-id-token"), QStringLiteral("The ID token is used as an API credential"),
                        QStringLiteral("The ID token was sent as the Bearer token to %1, and the backend accepted it.").arg(url),
                        QStringLiteral("The ID token's aud is the client ID (OpenID Connect Core 1.0 section 2): it tells the "
                                       "client who logged in. RFC 6750 section 2.1 carries an access token, and RFC 9068 "
                                       "section 4 makes the API check that the access token's aud is its own identifier. An API "
                                       "that accepts the ID token has had its audience check set to the client ID."),
                        QStringLiteral("Fine for a backend built to accept the provider's ID token (backends-as-a-service). For "
                                       "your own API, request an access token with the API's audience and send that."),
                        index));
    }

    void checkValidationStep(int index)
    {
        const TraceStep &step = m_steps.at(index);
        if (step.channel != Channel::Local)
            return;
        if (step.explanationKey == QLatin1String("check-clock-skew") && step.result == StepResult::Failed) {
            add(makeFinding(Severity::Error, QStringLiteral("clock-skew"), QStringLiteral("The clocks differ too much"),
                            step.detail.isEmpty() ? QStringLiteral("The clock skew check failed.") : step.detail,
                            QStringLiteral("ID token times (iat, exp, nbf) are judged against this machine's clock with a small "
                                           "leeway (OpenID Connect Core 1.0 section 3.1.3.7 steps 9 and 10); a clock that is off "
                                           "by more makes valid tokens look expired or not yet valid."),
                            QStringLiteral("Synchronise this machine's clock (NTP), or raise the profile's leeway for a test."),
                            index));
        } else if (step.explanationKey == QLatin1String("check-key") && step.result == StepResult::Failed) {
            add(makeFinding(Severity::Error, QStringLiteral("signing-key-unknown"),
                            QStringLiteral("The token's signing key is not in the JWKS"),
                            step.detail.isEmpty() ? QStringLiteral("The token's kid is not in the provider's key set.") : step.detail,
                            QStringLiteral("The key that signed the token must come from the issuer's jwks_uri (OpenID Connect "
                                           "Core 1.0 section 10.1). A kid that is missing even after a refetch usually means "
                                           "the token comes from another authorization server of the same provider (an Okta "
                                           "org server instead of a custom one, an Entra v1 instead of a v2 endpoint, another "
                                           "tenant), or it is an access token meant for another API."),
                            QStringLiteral("Check that the profile's issuer is the authorization server that issued the token "
                                           "(compare the token's iss in the token inspector)."),
                            index));
        } else if (step.explanationKey == QLatin1String("check-expiry") && step.result == StepResult::Failed) {
            add(makeFinding(Severity::Error, QStringLiteral("token-expired"), QStringLiteral("The token expired"),
                            step.detail.isEmpty() ? QStringLiteral("The expiry check failed.") : step.detail,
                            QStringLiteral("A token past its exp must be rejected (OpenID Connect Core 1.0 section 3.1.3.7 step 9, "
                                           "RFC 9068 section 4)."),
                            QStringLiteral("Refresh the tokens or log in again; if the token is fresh, check the clock."),
                            index));
        } else if (step.explanationKey.startsWith(QLatin1String("check-")) && step.result == StepResult::Failed) {
            checkOtherFailedCheck(index);
        }
    }

    // The ID token checks without a rule of their own above: what each failure usually means.
    void checkOtherFailedCheck(int index)
    {
        const TraceStep &step = m_steps.at(index);
        struct Advice {
            const char *key;
            const char *fix;
        };
        static const Advice advice[] = {
            {"check-audience", "The token was issued for another client. Check the profile's client ID against the client that "
                               "requested the token, and that the provider is not configured to put an API's identifier in aud."},
            {"check-azp", "Several audiences need azp equal to this client. Check the client ID, or ask the provider not to add "
                          "extra audiences."},
            {"check-issuer", "Set the profile's issuer to the iss of the token exactly, including the scheme, path and any "
                             "trailing slash, or check that the token comes from this provider."},
            {"check-signature", "The token was changed after signing or signed with another key. Fetch it again from the "
                                "provider; if it keeps failing, the JWKS at jwks_uri does not hold the signing key."},
            {"check-algorithm", "Allow the provider's signing algorithm in the profile, or configure the provider to sign with "
                                "an asymmetric algorithm such as RS256. Never accept alg none."},
            {"check-nonce", "Send a fresh nonce with every authorization request and compare it with the ID token's; a missing "
                            "or different nonce means the token is not the answer to this request."},
            {"check-at-hash", "The access token and the ID token do not belong together; use the tokens of one response."},
            {"check-c-hash", "The code and the ID token do not belong together; use the code of the same response."},
        };
        QString fix = QStringLiteral("Compare the failed claim in the token inspector with what the profile expects.");
        for (const Advice &entry : advice) {
            if (step.explanationKey == QLatin1String(entry.key))
                fix = QString::fromUtf8(entry.fix);
        }
        add(makeFinding(Severity::Error, QStringLiteral("id-token-") + step.explanationKey,
                        QStringLiteral("The ID token failed: %1").arg(step.title),
                        step.detail.isEmpty() ? QStringLiteral("The check \"%1\" failed.").arg(step.title) : step.detail,
                        QStringLiteral("A client must reject an ID token that fails any check of OpenID Connect Core 1.0 "
                                       "section 3.1.3.7, because such a token may be forged, replayed or meant for someone else."),
                        fix, index));
    }

    QStringList requestedScopes(int tokenStep) const
    {
        const oidc::FormFields body = decodeFields(m_steps.at(tokenStep).request.body);
        if (hasField(body, QStringLiteral("scope")))
            return fieldValue(body, QStringLiteral("scope")).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (fieldValue(body, QStringLiteral("grant_type")) == QLatin1String("authorization_code")) {
            bool found = false;
            const QString scope = authorizeParameter(QStringLiteral("scope"), nullptr, &found);
            if (found)
                return scope.split(QLatin1Char(' '), Qt::SkipEmptyParts);
            return m_profile.scopes;
        }
        return {};
    }

    void checkGrantedScope(int index)
    {
        const TraceStep &step = m_steps.at(index);
        const QJsonObject json = jsonBody(step.response.body);
        if (step.response.status != 200 || !json.value(QStringLiteral("scope")).isString())
            return; // no scope member: the granted scope equals the requested one (RFC 6749 section 5.1)
        const QStringList granted = json.value(QStringLiteral("scope")).toString().split(QLatin1Char(' '), Qt::SkipEmptyParts);
        QStringList missing;
        for (const QString &scope : requestedScopes(index)) {
            if (!granted.contains(scope))
                missing.append(scope);
        }
        if (missing.isEmpty())
            return;
        add(makeFinding(Severity::Warning, QStringLiteral("scope-narrowed"), QStringLiteral("Fewer scopes were granted than requested"),
                        QStringLiteral("The token response grants %1; %2 requested but not granted.")
                            .arg(quoted(granted.join(QLatin1Char(' '))), quoted(missing.join(QLatin1Char(' ')))
                                     + (missing.size() == 1 ? QStringLiteral(" was") : QStringLiteral(" were"))),
                        QStringLiteral("The provider may grant less than requested and then names the granted scope in the "
                                       "token response (RFC 6749 sections 3.3 and 5.1): the user declined consent, the client "
                                       "is not allowed the scope, or the provider does not know it."),
                        QStringLiteral("Allow the scopes for the client at the provider (and for the user's consent), or stop "
                                       "requesting them."),
                        index));
    }

    const QList<TraceStep> &m_steps;
    const FlowResult &m_result;
    const Profile &m_profile;
    QList<Finding> m_findings;
};

} // namespace

TokenKind identifyToken(const QString &token, const TokenSet &tokens, const QString &clientId)
{
    if (token.isEmpty())
        return TokenKind::Unknown;
    if (token == tokens.idToken)
        return TokenKind::IdToken;
    if (token == tokens.accessToken)
        return TokenKind::AccessToken;

    const std::optional<jose::CompactJws> jwt = decodeJwt(token);
    if (!jwt)
        return TokenKind::Unknown;
    const QJsonObject &claims = jwt->claims;
    const QString typ = jwt->header.value(QStringLiteral("typ")).toString().toLower();
    if (typ == QLatin1String("at+jwt") || typ == QLatin1String("application/at+jwt"))
        return TokenKind::AccessToken;
    const QString tokenUse = claims.value(QStringLiteral("token_use")).toString();
    if (tokenUse == QLatin1String("access"))
        return TokenKind::AccessToken;
    if (tokenUse == QLatin1String("id"))
        return TokenKind::IdToken;
    if (claims.contains(QStringLiteral("scope")) || claims.contains(QStringLiteral("scp")))
        return TokenKind::AccessToken;
    const bool clientAudience = !clientId.isEmpty() && audiences(claims).contains(clientId);
    if (clientAudience
        && (claims.contains(QStringLiteral("nonce")) || claims.contains(QStringLiteral("at_hash"))
            || claims.contains(QStringLiteral("sid")) || claims.contains(QStringLiteral("auth_time"))))
        return TokenKind::IdToken;
    if (claims.contains(QStringLiteral("client_id")))
        return TokenKind::AccessToken;
    return TokenKind::Unknown;
}

QString errorFindingId(const QString &errorCode)
{
    static const QStringList known{
        QStringLiteral("invalid_request"), QStringLiteral("invalid_client"), QStringLiteral("invalid_grant"),
        QStringLiteral("unauthorized_client"), QStringLiteral("unsupported_grant_type"),
        QStringLiteral("unsupported_response_type"), QStringLiteral("invalid_scope"), QStringLiteral("access_denied"),
        QStringLiteral("login_required"), QStringLiteral("consent_required"), QStringLiteral("interaction_required"),
        QStringLiteral("account_selection_required"), QStringLiteral("invalid_request_uri"),
        QStringLiteral("invalid_dpop_proof"), QStringLiteral("authorization_pending"), QStringLiteral("slow_down"),
        QStringLiteral("expired_token")};
    if (!known.contains(errorCode))
        return QStringLiteral("error-other");
    QString id = errorCode;
    id.replace(QLatin1Char('_'), QLatin1Char('-'));
    return QStringLiteral("error-") + id;
}

QList<Finding> checkRun(const Trace &trace, const FlowResult &result, const Profile &profile)
{
    return RunChecker(trace, result, profile).run();
}

} // namespace afx::doctor
