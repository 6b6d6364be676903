#pragma once

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>

namespace afx {

// One HTTP message (or the front-channel URL a browser followed) as it was on the wire.
// Values stay raw in memory; views pass them through Trace::mask() before showing them.
struct HttpMessage {
    QString method;                         // request only: GET, POST, ...
    QString url;                            // request only
    int status = 0;                         // response only; 0 when there was no response
    QList<QPair<QString, QString>> headers; // in wire order
    QByteArray body;

    bool isEmpty() const { return method.isEmpty() && url.isEmpty() && status == 0 && headers.isEmpty() && body.isEmpty(); }
};

enum class Channel {
    Front, // through the browser: redirects, pages, form posts
    Back,  // direct HTTP from the app (or the backend) to a server
    Local, // work inside one participant, such as a validation check
};

enum class StepResult { Pending, Ok, Warning, Failed, Skipped };

// One hop or check of a flow, drawn as one arrow (or one self-arrow for Local steps).
struct TraceStep {
    int index = -1;
    QString from;           // lifeline id, see Trace lifeline ids below
    QString to;             // lifeline id; equal to `from` for Local steps
    Channel channel = Channel::Back;
    QString title;          // short label drawn on the arrow, such as "POST /token"
    QString explanationKey; // key into the explanation texts, such as "token-request"
    QString detail;         // one or two sentences about this step's outcome (error text, check reason)
    HttpMessage request;
    HttpMessage response;
    QDateTime startedAt;
    qint64 durationMs = -1; // -1 while pending or for steps without timing
    // Browser steps: the browser session's cookies for the step's host after the step, one
    // "name=value; attributes" line each. Their values are registered as secrets.
    QStringList cookies;
    StepResult result = StepResult::Pending;
};

// The ordered record of one run: lifelines and steps. Flows append to it; the diagram,
// the step inspector and exports are views of it.
class Trace : public QObject {
    Q_OBJECT
public:
    // Fixed lifeline ids. Other hosts the browser passes through get "host:<hostname>".
    static inline const QString Browser = QStringLiteral("browser");
    static inline const QString App = QStringLiteral("app");
    static inline const QString Provider = QStringLiteral("provider");
    static inline const QString Backend = QStringLiteral("backend");

    explicit Trace(QObject *parent = nullptr);

    // Lifelines in display order. Starts with Browser, App, Provider, Backend.
    QStringList lifelines() const { return m_lifelines; }
    QString lifelineLabel(const QString &id) const;
    // Adds a lifeline for a host the browser visited, such as a social identity provider;
    // returns its id. Known ids are returned unchanged.
    QString ensureHostLifeline(const QString &host);
    // Gives the server at `authority` ("host:port", lowercase) its own lifeline named `label`,
    // for servers that share a host with another participant, such as a second identity
    // provider on another port of 127.0.0.1. The name survives clear().
    void nameHost(const QString &authority, const QString &label);
    // The lifeline of the server at `authority`: its named lifeline when nameHost() gave it
    // one (added on first use), otherwise ensureHostLifeline(host).
    QString lifelineForAuthority(const QString &authority, const QString &host);

    int count() const { return int(m_steps.size()); }
    const TraceStep &step(int index) const { return m_steps.at(index); }
    const QList<TraceStep> &steps() const { return m_steps; }

    // Appends a step and returns its index; `step.index` is set here.
    int append(TraceStep step);
    // Changes a step in place (for example to record its response) and emits stepChanged.
    void update(int index, const std::function<void(TraceStep &)> &change);
    // Convenience for Local steps such as validation checks.
    int appendLocal(const QString &lifeline, const QString &title, StepResult result,
                    const QString &detail, const QString &explanationKey);

    // Registers a raw secret value (code, token, password, client secret, verifier) so that
    // mask() hides it wherever it appears. Values shorter than 4 characters are ignored.
    void addSecret(const QString &value);
    // Returns text with every registered secret and every well-known secret parameter,
    // header and JSON field value replaced by a placeholder that keeps its length visible.
    QString mask(const QString &text) const;
    static QString maskKnownFields(const QString &text);

    void clear();
    // Replaces this trace's steps, lifelines and secrets with a copy of `other`'s, for example
    // to keep the previous run next to the current one.
    void copyFrom(const Trace &other);

Q_SIGNALS:
    void stepAdded(int index);
    void stepChanged(int index);
    void lifelinesChanged();
    void cleared();

private:
    QStringList m_lifelines;
    QMap<QString, QString> m_hostLabels;
    QMap<QString, QString> m_namedHosts; // authority -> label
    QList<TraceStep> m_steps;
    QSet<QString> m_secrets;
};

QString stepResultName(StepResult result);

} // namespace afx
