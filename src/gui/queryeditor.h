#pragma once

#include "storage/tokenstore.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QUrl>
#include <QWidget>

#include <functional>
#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;

namespace afx {
class TracedHttpClient;
struct TracedRequest;
struct TracedResponse;
}

namespace afx::gui {

class GraphqlHighlighter;
class ResponseView;

// Edits and sends a GraphQL request to the backend with the credential the user chooses:
// the ID token, the access token, a pasted API token or none. The request goes through the
// TracedHttpClient as one App -> Backend step, and the chosen token is registered with the
// client's Trace before sending so the diagram shows it masked.
//
// Nothing the user typed is ever cleared by the editor: errors (missing endpoint, invalid
// variables JSON, missing credential, network errors) appear in a line under the Send button.
// Ctrl+Enter and Ctrl+Return send from anywhere in the editor.
class QueryEditor : public QWidget {
    Q_OBJECT
public:
    // Order of the items in the "credential" combo box.
    enum class Credential { IdToken, AccessToken, ApiToken, None };
    Q_ENUM(Credential)

    explicit QueryEditor(QWidget *parent = nullptr);
    ~QueryEditor() override;

    void setHttpClient(TracedHttpClient *client);
    // The tokens of the current login. Until the user picks a credential, the access token is
    // chosen when there is one, and the ID token otherwise.
    void setTokens(const TokenSet &tokens);
    void setEndpoint(const QUrl &url);
    void setQuery(const QString &query);

    // The pasted API token. setApiToken() does not emit apiTokenEdited().
    QString apiToken() const;
    void setApiToken(const QString &token);

    Credential credential() const;
    void setCredential(Credential credential);

    bool isRunning() const { return m_running; }

    // Called before sending when the chosen token (ID or access token) has expired and a
    // refresh token exists. The handler refreshes the tokens, passes them to setTokens() and
    // then calls `done`; the request is sent afterwards with the new token.
    using RefreshHandler = std::function<void(const std::function<void(bool ok)> &done)>;
    void setRefreshHandler(RefreshHandler handler) { m_refreshHandler = std::move(handler); }

public Q_SLOTS:
    // Validates the input and sends the request. Shows an error instead when something is
    // missing or invalid, and does nothing while a request runs.
    void send();
    // Stops waiting for the running request. The step in the trace is marked skipped.
    void cancel();

Q_SIGNALS:
    // The user changed the pasted API token. Emitted one second after the last keystroke,
    // when the field loses focus, or before sending, so the owner can store it without a
    // keychain write per keystroke.
    void apiTokenEdited(const QString &token);
    // A response arrived: the HTTP status, or 0 when no HTTP response arrived (network
    // error or timeout). Not emitted for a cancelled request. For a response that arrived, it
    // is emitted once the response view shows the body, or when a newer request replaces the
    // response before that.
    void requestFinished(int status);

protected:
    void changeEvent(QEvent *event) override;

private:
    void buildUi();
    void sendRequest(bool refreshIfExpired);
    // True when the token sent for `credential` is past its expiry (the access token's
    // expires_in, the ID token's exp claim).
    bool credentialExpired(Credential credential) const;
    // Read and check one part of the input; each shows an error and returns false when it is invalid.
    bool readEndpoint(QUrl *url);
    bool readBody(QByteArray *body);
    bool readHeaders(QList<QPair<QByteArray, QByteArray>> *headers, QString *warning);
    bool readCredential(bool authorizationInHeaders, QString *token);
    static QList<QPair<QByteArray, QByteArray>> requestHeaders(const QString &token,
                                                               const QList<QPair<QByteArray, QByteArray>> &extraHeaders);
    void updateCredentialRow();
    void flushApiToken();
    void setRunning(bool running);
    void showError(const QString &message);
    void showWarning(const QString &message);
    void clearMessage();
    void handleResponse(const TracedRequest &request, const TracedResponse &response, const QString &credentialNote);
    // Completes the status line, the message and the trace step once the body is shown.
    void finishResponse();
    // Records the step of a response whose body was still being formatted when a new request
    // started, judged by its HTTP status alone.
    void finishSupersededResponse();
    QString describeCredential(Credential credential, const QString &token) const;

    QPointer<TracedHttpClient> m_client;
    RefreshHandler m_refreshHandler;
    bool m_refreshing = false;
    TokenSet m_tokens;
    bool m_credentialChosenByUser = false;
    bool m_running = false;
    quint64 m_requestSerial = 0; // identifies the running request, so a cancelled one is ignored
    struct PendingResponse;
    std::unique_ptr<PendingResponse> m_pendingResponse; // arrived, body still being formatted
    int m_runningStep = -1;
    QString m_lastSentApiToken;
    QTimer m_apiTokenDebounce;

    QLineEdit *m_endpoint = nullptr;
    QComboBox *m_credential = nullptr;
    QWidget *m_apiTokenRow = nullptr;
    QLineEdit *m_apiToken = nullptr;
    QPushButton *m_revealApiToken = nullptr;
    QPlainTextEdit *m_query = nullptr;
    GraphqlHighlighter *m_highlighter = nullptr;
    QLineEdit *m_operationName = nullptr;
    QTabWidget *m_inputTabs = nullptr;
    QPlainTextEdit *m_variables = nullptr;
    QPlainTextEdit *m_headers = nullptr;
    QPushButton *m_send = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_busy = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_credentialNote = nullptr;
    ResponseView *m_responseView = nullptr;
};

} // namespace afx::gui
