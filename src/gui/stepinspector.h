#pragma once

#include "flow/trace.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QScrollArea;
class QSplitter;
class QFrame;

namespace afx::gui {

// Plain-language text about one kind of step, from resources/explanations.json.
struct Explanation {
    QString title;
    QString text;
    QString spec; // the specification section that defines the step, or empty
};

// Details of one trace step: what it was, how it ended, what it is for, and the raw HTTP
// request and response.
//
// Raw values pass through Trace::mask() unless the user checks "Reveal secrets", which applies
// to the shown step only and is unchecked again when another step is shown. Copy buttons copy
// the text as shown. Object names for tests and style sheets: "stepInspector", "revealSecrets",
// "stepTitle", "stepSummary", "stepResult", "stepTiming", "explanationTitle", "explanationText",
// "explanationSpec", "stepDetail", "requestView", "responseView", "copyRequest", "copyResponse",
// "inspectorScroll" (the scroll area around everything but the placeholder).
class StepInspector : public QWidget {
    Q_OBJECT
public:
    explicit StepInspector(QWidget *parent = nullptr);
    ~StepInspector() override;

    void setTrace(Trace *trace);
    Trace *trace() const;
    // The shown step, or -1.
    int currentStep() const { return m_index; }
    bool secretsRevealed() const;

    // The request and response as shown: masked unless secrets are revealed.
    QString requestText() const;
    QString responseText() const;

    // Returns the explanation for a key from ":/explanations.json", or a neutral text that
    // says none is available when the key is empty or unknown.
    static Explanation explanation(const QString &key);
    static bool hasExplanation(const QString &key);
    // Parses explanation texts: a JSON object mapping each key to an object with string members
    // "title" and "text" and an optional "spec". Entries missing a title or text are skipped and
    // named in `errorMessage`. A document that is not a JSON object yields an empty result.
    static QHash<QString, Explanation> parseExplanations(const QByteArray &json, QString *errorMessage = nullptr);

    // Formats a message as it would look on the wire (start line, headers, blank line, body),
    // with JSON bodies pretty-printed. Not masked.
    static QString formatRequest(const HttpMessage &request);
    static QString formatResponse(const HttpMessage &response);

public Q_SLOTS:
    void showStep(int index);
    void clear();
    void setSecretsRevealed(bool revealed);

protected:
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void ensureContent();
    void buildOverview();
    QWidget *buildMessageBox(const QString &heading, const QString &viewName, const QString &copyName,
                             QPlainTextEdit **view);
    void adjustSplitter();
    void onStepChanged(int index);
    void onTraceGone();
    void refresh();
    void copyText(const QString &text);
    QString displayed(const QString &raw) const;

    QPointer<Trace> m_trace;
    QList<QMetaObject::Connection> m_traceConnections;
    int m_index = -1;

    QLabel *m_title = nullptr;
    QPushButton *m_reveal = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_result = nullptr;
    QLabel *m_timing = nullptr;
    QFrame *m_explanationBox = nullptr;
    QLabel *m_explanationTitle = nullptr;
    QLabel *m_explanationText = nullptr;
    QLabel *m_explanationSpec = nullptr;
    QLabel *m_detail = nullptr;
    QLabel *m_noMessage = nullptr;
    QSplitter *m_splitter = nullptr;     // request, response
    QScrollArea *m_contentScroll = nullptr; // everything but the placeholder
    QWidget *m_overview = nullptr;
    bool m_userSizedSplitter = false;    // true once the user dragged a splitter handle
    QWidget *m_requestBox = nullptr;
    QWidget *m_responseBox = nullptr;
    QPlainTextEdit *m_requestView = nullptr;
    QPlainTextEdit *m_responseView = nullptr;
    QWidget *m_content = nullptr;
    QLabel *m_placeholder = nullptr;
    QString m_requestRaw;  // unmasked, for copying when revealed
    QString m_responseRaw;
};

} // namespace afx::gui
