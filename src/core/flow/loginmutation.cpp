// The login mutation run of AuthCodeFlow: e-mail and password through the backend's own
// GraphQL API, as backends-as-a-service offer it. The credentials travel App -> Backend, the
// backend checks them with the provider, and the app validates the ID token it forwards.

#include "flow/authcodeflow.h"

#include "json/jsontypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

namespace afx {

namespace {

// Replaces "{{email}}" and "{{password}}" in every string value of `value`, at any depth.
QJsonValue fillPlaceholders(const QJsonValue &value, const QString &email, const QString &password)
{
    if (value.isString()) {
        QString text = value.toString();
        text.replace(QLatin1String("{{email}}"), email);
        text.replace(QLatin1String("{{password}}"), password);
        return text;
    }
    if (value.isArray()) {
        QJsonArray filled;
        for (const QJsonValue &item : value.toArray())
            filled.append(fillPlaceholders(item, email, password));
        return filled;
    }
    if (value.isObject()) {
        QJsonObject filled;
        const QJsonObject object = value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it)
            filled.insert(it.key(), fillPlaceholders(it.value(), email, password));
        return filled;
    }
    return value;
}

// The first GraphQL error as one sentence: its message, and its extensions.code when present.
QString firstGraphqlError(const QJsonArray &errors)
{
    const QJsonObject first = errors.first().toObject();
    QString text = first.value(QStringLiteral("message")).toString();
    if (text.isEmpty())
        text = QString::fromUtf8(QJsonDocument(first).toJson(QJsonDocument::Compact));
    const QString code = first.value(QStringLiteral("extensions")).toObject().value(QStringLiteral("code")).toString();
    while (text.endsWith(QLatin1Char('.')))
        text.chop(1);
    if (!code.isEmpty())
        text += QStringLiteral(" (%1)").arg(code);
    return text;
}

} // namespace

void AuthCodeFlow::startLoginMutation(const Profile &profile, const QString &email, const QString &password)
{
    m_username = email;
    m_password = password;
    if (m_trace)
        m_trace->addSecret(password);
    begin(FlowKind::LoginMutation, profile, QString());
}

void AuthCodeFlow::requestLoginMutation()
{
    const LoginMutation &mutation = m_profile.loginMutation;
    if (m_profile.graphqlUrl.isEmpty()) {
        fail(FlowStage::TokenRequest,
             tr("The profile has no GraphQL URL, so there is no backend to send the login mutation to. Enter the "
                "backend's GraphQL endpoint in the profile."),
             -1);
        return;
    }
    if (!mutation.isSet()) {
        fail(FlowStage::TokenRequest,
             tr("The profile has no login mutation. Enter the backend's mutation, its variables and the path of the "
                "ID token in its response in the profile."),
             -1);
        return;
    }

    Q_EMIT progress(tr("Sending the e-mail and password to the backend's login mutation..."));
    const QJsonObject variables = fillPlaceholders(mutation.variables, m_username, m_password).toObject();
    m_password.clear(); // kept no longer than the request needs it
    QJsonObject body{{QStringLiteral("query"), mutation.document}};
    if (!variables.isEmpty())
        body.insert(QStringLiteral("variables"), variables);

    TracedRequest request;
    request.method = QStringLiteral("POST");
    request.url = m_profile.graphqlUrl;
    request.to = Trace::Backend;
    request.title = QStringLiteral("POST ") + m_profile.graphqlUrl.path() + QStringLiteral(" (login mutation)");
    request.explanationKey = QStringLiteral("login-mutation");
    request.timeoutMs = m_profile.timeoutSeconds * 1000;
    request.addHeader("Content-Type", "application/json");
    request.addHeader("Accept", "application/graphql-response+json, application/json");
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    sendChecked(request, [this](const TracedResponse &response) { onLoginMutationResponse(response); });
}

void AuthCodeFlow::onLoginMutationResponse(const TracedResponse &response)
{
    const QString url = m_profile.graphqlUrl.toString();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(response.body, &parseError);
    const QJsonObject root = document.object();
    const QJsonArray errors = root.value(QStringLiteral("errors")).toArray();
    QString problem;
    if (!response.ok()) {
        // GraphQL over HTTP may respond to a rejected request with a 4xx and an errors list.
        problem = tr("The backend %1 answered the login mutation with HTTP %2").arg(url).arg(response.status);
        problem += errors.isEmpty() ? QStringLiteral(". ") + tr("Check the GraphQL URL in the profile.")
                                    : QStringLiteral(": ") + firstGraphqlError(errors) + QLatin1Char('.');
    } else if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        problem = tr("The backend %1 answered the login mutation with HTTP %2, but the body is not a JSON object (%3).")
                      .arg(url)
                      .arg(response.status)
                      .arg(parseError.error != QJsonParseError::NoError ? parseError.errorString() : tr("it is an array"));
    } else if (!errors.isEmpty()) {
        problem = tr("The backend %1 rejected the login mutation: %2.").arg(url, firstGraphqlError(errors));
        if (firstGraphqlError(errors).contains(QLatin1String("UNAUTHENTICATED")))
            problem += QLatin1Char(' ') + tr("Check the e-mail and password.");
    }

    const LoginMutation &mutation = m_profile.loginMutation;
    TokenSet tokens;
    auto readToken = [&](const QString &path, QString *out, bool required) {
        if (!problem.isEmpty() || path.isEmpty())
            return;
        QString pathError;
        const QJsonValue value = json::valueAtPath(root, path, &pathError);
        if (value.isString() && !value.toString().isEmpty()) {
            *out = value.toString();
            return;
        }
        if (!required && value.isUndefined())
            return;
        if (pathError.isEmpty())
            pathError = tr("\"%1\" is %2, not a token string.").arg(path, json::jsonTypeName(value));
        problem = tr("The login mutation's response has no token at %1: %2 Correct the path in the profile's login mutation.")
                      .arg(path, pathError);
    };
    readToken(mutation.idTokenPath, &tokens.idToken, true);
    readToken(mutation.accessTokenPath, &tokens.accessToken, mutation.idTokenPath.isEmpty());
    readToken(mutation.refreshTokenPath, &tokens.refreshToken, false);

    if (!problem.isEmpty()) {
        if (m_trace && response.stepIndex >= 0)
            m_trace->update(response.stepIndex, [&](TraceStep &step) {
                step.result = StepResult::Failed;
                step.detail = problem;
            });
        fail(FlowStage::TokenRequest, problem, response.stepIndex);
        return;
    }

    tokens.tokenType = QStringLiteral("Bearer");
    tokens.obtainedAt = QDateTime::currentDateTimeUtc();
    if (m_trace) {
        m_trace->addSecret(tokens.idToken);
        m_trace->addSecret(tokens.accessToken);
        m_trace->addSecret(tokens.refreshToken);
        QStringList found;
        if (!tokens.idToken.isEmpty())
            found << tr("an ID token");
        if (!tokens.accessToken.isEmpty())
            found << tr("an access token");
        if (!tokens.refreshToken.isEmpty())
            found << tr("a refresh token");
        m_trace->update(response.stepIndex, [&](TraceStep &step) {
            step.result = StepResult::Ok;
            step.detail = tr("The backend returned %1.").arg(found.join(QStringLiteral(", ")));
        });
    }
    if (tokens.idToken.isEmpty()) {
        FlowResult result;
        result.ok = true;
        result.stage = FlowStage::Done;
        result.tokens = tokens;
        result.message = tr("Signed in through the backend's login mutation. The profile names no ID token path, so only "
                            "the access token was read.");
        finish(result);
        return;
    }
    validate(tokens, false);
}

} // namespace afx
