#include "flow/trace.h"

#include <QRegularExpression>
#include <QUrl>

#include <algorithm>

namespace afx {

namespace {

QString placeholderFor(qsizetype length)
{
    return QStringLiteral("••••(%1 chars)").arg(length);
}

} // namespace

Trace::Trace(QObject *parent)
    : QObject(parent)
    , m_lifelines{Browser, App, Provider, Backend}
{
}

QString Trace::lifelineLabel(const QString &id) const
{
    if (id == Browser)
        return tr("Browser");
    if (id == App)
        return tr("App");
    if (id == Provider)
        return tr("Auth provider");
    if (id == Backend)
        return tr("Backend");
    return m_hostLabels.value(id, id);
}

QString Trace::ensureHostLifeline(const QString &host)
{
    const QString id = QStringLiteral("host:") + host;
    if (!m_lifelines.contains(id)) {
        // Other hosts sit between the provider and the backend, in order of appearance.
        m_lifelines.insert(m_lifelines.indexOf(Backend), id);
        m_hostLabels.insert(id, host);
        Q_EMIT lifelinesChanged();
    }
    return id;
}

void Trace::nameHost(const QString &authority, const QString &label)
{
    m_namedHosts.insert(authority.toLower(), label);
}

QString Trace::lifelineForAuthority(const QString &authority, const QString &host)
{
    const auto named = m_namedHosts.constFind(authority.toLower());
    if (named == m_namedHosts.constEnd())
        return ensureHostLifeline(host);
    const QString id = QStringLiteral("host:") + authority.toLower();
    if (!m_lifelines.contains(id)) {
        m_lifelines.insert(m_lifelines.indexOf(Backend), id);
        m_hostLabels.insert(id, named.value());
        Q_EMIT lifelinesChanged();
    }
    return id;
}

int Trace::append(TraceStep step)
{
    step.index = int(m_steps.size());
    if (!step.startedAt.isValid())
        step.startedAt = QDateTime::currentDateTimeUtc();
    m_steps.append(std::move(step));
    Q_EMIT stepAdded(int(m_steps.size()) - 1);
    return int(m_steps.size()) - 1;
}

void Trace::update(int index, const std::function<void(TraceStep &)> &change)
{
    if (index < 0 || index >= m_steps.size())
        return;
    change(m_steps[index]);
    Q_EMIT stepChanged(index);
}

int Trace::appendLocal(const QString &lifeline, const QString &title, StepResult result,
                       const QString &detail, const QString &explanationKey)
{
    TraceStep step;
    step.from = lifeline;
    step.to = lifeline;
    step.channel = Channel::Local;
    step.title = title;
    step.result = result;
    step.detail = detail;
    step.explanationKey = explanationKey;
    step.durationMs = 0;
    return append(std::move(step));
}

void Trace::addSecret(const QString &value)
{
    if (value.size() >= 4)
        m_secrets.insert(value);
}

QString Trace::mask(const QString &text) const
{
    QString masked = text;
    // Longest first, so a token that contains another secret is hidden whole.
    QList<QString> secrets(m_secrets.begin(), m_secrets.end());
    std::sort(secrets.begin(), secrets.end(),
              [](const QString &a, const QString &b) { return a.size() > b.size(); });
    for (const QString &secret : secrets) {
        masked.replace(secret, placeholderFor(secret.size()));
        // Secrets also travel percent-encoded in URLs and form bodies.
        const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(secret));
        if (encoded != secret)
            masked.replace(encoded, placeholderFor(secret.size()));
    }
    return maskKnownFields(masked);
}

QString Trace::maskKnownFields(const QString &text)
{
    static const QString names = QStringLiteral(
        "code|access_token|id_token|refresh_token|client_secret|code_verifier|password|"
        "client_assertion|device_code|token|assertion|id_token_hint|logout_token|subject_token");
    // name=value in query strings, fragments and form bodies.
    static const QRegularExpression formField(
        QStringLiteral("(?<![A-Za-z_])(%1)=([^&#\\s\"]{4,})").arg(names));
    // "name": "value" in JSON bodies.
    static const QRegularExpression jsonField(
        QStringLiteral("\"(%1|password)\"\\s*:\\s*\"([^\"]{4,})\"").arg(names));
    // Credentials in headers.
    static const QRegularExpression authHeader(
        QStringLiteral("(?i)((?:Authorization|Proxy-Authorization):\\s*(?:Bearer|Basic|DPoP)\\s+)(\\S+)"));

    QString masked = text;
    const auto replaceGroup = [&masked](const QRegularExpression &re, int group) {
        QString out;
        qsizetype last = 0;
        auto it = re.globalMatch(masked);
        while (it.hasNext()) {
            const auto match = it.next();
            if (match.captured(group).startsWith(QStringLiteral("••••")))
                continue;
            out += QStringView(masked).mid(last, match.capturedStart(group) - last);
            out += placeholderFor(match.capturedLength(group));
            last = match.capturedEnd(group);
        }
        out += QStringView(masked).mid(last);
        masked = out;
    };
    replaceGroup(formField, 2);
    replaceGroup(jsonField, 2);
    replaceGroup(authHeader, 2);
    return masked;
}

void Trace::clear()
{
    m_steps.clear();
    m_lifelines = {Browser, App, Provider, Backend};
    m_hostLabels.clear();
    m_secrets.clear();
    Q_EMIT cleared();
    Q_EMIT lifelinesChanged();
}

QString stepResultName(StepResult result)
{
    switch (result) {
    case StepResult::Pending:
        return QStringLiteral("pending");
    case StepResult::Ok:
        return QStringLiteral("ok");
    case StepResult::Warning:
        return QStringLiteral("warning");
    case StepResult::Failed:
        return QStringLiteral("failed");
    case StepResult::Skipped:
        return QStringLiteral("skipped");
    }
    return {};
}

void Trace::copyFrom(const Trace &other)
{
    clear();
    m_lifelines = other.m_lifelines;
    m_hostLabels = other.m_hostLabels;
    m_secrets = other.m_secrets;
    Q_EMIT lifelinesChanged();
    for (const TraceStep &step : other.m_steps)
        append(step);
}

} // namespace afx
