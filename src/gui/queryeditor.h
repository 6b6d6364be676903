#pragma once

#include "query/history.h"
#include "query/templating.h"
#include "storage/profile.h"
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
#include <optional>

class QButtonGroup;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QToolButton;

namespace afx {
class TracedHttpClient;
namespace graphql {
class Schema;
struct Diagnostic;
struct SchemaReference;
}
struct TracedRequest;
struct TracedResponse;
namespace query {
struct BuiltRequest;
struct RequestError;
struct RequestInput;
}
}

namespace afx::gui {

class ClipboardGuard;
class DocExplorer;
class GraphqlEditor;
class HistoryPanel;
class ResponseView;

// Edits and sends a GraphQL request, or in HTTP mode any HTTP request, to the backend with the
// credential the user chooses: the ID token, the access token, a pasted API token or none.
// The request goes through the TracedHttpClient as one App -> Backend step, and the chosen
// token is registered with the client's Trace before sending so the diagram shows it masked.
// {{name}} placeholders in the URL, headers, body and variables take the values of the
// profile's environment (query::expandPlaceholders()).
//
// Beside the response: which credential was sent and its key claims, the parsed
// WWW-Authenticate challenge of a 401 or 403, and a link to the doctor's finding for that step.
//
// Every request sent is added to the profile's history (query::HistoryStore, without
// credentials), which the history panel lists next to the saved queries.
//
// In GraphQL mode "Load schema" sends the introspection query to the endpoint with the chosen
// credential, as its own App -> Backend step. The schema drives the editor's completion,
// validation and documentation explorer, and the variables are checked against it before
// sending. It belongs to the endpoint: changing the endpoint or the profile drops it. When no
// schema is loaded, the first Ctrl+Space or F1 for an endpoint loads it.
//
// Nothing the user typed is ever cleared by the editor: errors (missing endpoint, invalid
// variables JSON, missing credential, network errors) appear in a line under the Send button.
// Shortcuts, active anywhere in the editor: Ctrl+Enter and Ctrl+Return send, Ctrl+H shows
// or hides the history, Ctrl+S saves the query, Ctrl+Shift+C copies it as a curl command with the
// credential masked. Ctrl+Shift+I loads the schema by introspection, and Ctrl+Shift+D shows or
// hides the documentation.
class QueryEditor : public QWidget {
    Q_OBJECT
public:
    // Order of the items in the "credential" combo box.
    enum class Credential { IdToken, AccessToken, ApiToken, None };
    Q_ENUM(Credential)

    explicit QueryEditor(QWidget *parent = nullptr);
    ~QueryEditor() override;

    void setHttpClient(TracedHttpClient *client);
    // Takes the profile's environment, opens its history and saved queries, and keeps the
    // profile for the doctor's findings. Problems with the history files appear as a warning
    // under the Send button and in the history panel.
    void setProfile(const Profile &profile);
    void setEnvironment(const query::Environment &environment);
    query::Environment environment() const { return m_environment; }
    // The folder of the history files; default query::HistoryStore::defaultDirectory(). Takes
    // effect at the next setProfile().
    void setHistoryDirectory(const QString &directory);
    const query::HistoryStore &historyStore() const { return m_history; }
    HistoryPanel *historyPanel() const { return m_historyPanel; }

    query::RequestMode mode() const;
    void setMode(query::RequestMode mode);
    // HTTP mode's fields.
    void setHttpRequest(const QString &method, const QString &url, const QString &headers, const QString &body);
    // Fills the editor from a history entry or saved query (mode, URL, document, operation,
    // variables, headers, body and the credential choice). A warning names what the history
    // did not keep, such as the Authorization header.
    void openEntry(const query::HistoryEntry &entry);
    // Saves the current request as a saved query named `name`, replacing one of that name.
    // Returns false with *error set when it cannot be saved.
    bool saveQueryAs(const QString &name, QString *error);
    // The name the Save query dialog proposes: the operation's name in GraphQL mode (the chosen
    // one, or the document's first named operation), the request's title in HTTP mode.
    QString defaultSaveName() const;
    // The curl command of the request that Send would send now, or an empty string with the
    // problem shown under the Send button. Masked unless `withCredential`.
    QString curlCommand(bool withCredential);
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

    // The GraphQL document's editor.
    GraphqlEditor *graphqlEditor() const { return m_query; }
    // The schema of the endpoint, or null while none is loaded.
    std::shared_ptr<const graphql::Schema> schema() const { return m_schema; }
    bool isLoadingSchema() const { return m_schemaLoading; }
    // The documentation explorer, or null until the documentation is first shown.
    DocExplorer *docExplorer() const { return m_docExplorer; }
    bool isDocumentationVisible() const;

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
    void setHistoryVisible(bool visible);
    // Asks for a name and saves the current request as a saved query.
    void saveQuery();
    // Copies curlCommand(false) to the clipboard.
    void copyAsCurl();
    // Copies curlCommand(true) as a secret: clipboard managers are asked to keep no history
    // entry, and it is removed from the clipboard after the delay of ClipboardGuard.
    void copyAsCurlWithCredential();
    // Sends the introspection query to the GraphQL endpoint with the chosen credential and, when
    // the response is a valid schema, uses it. On failure the message line names the problem
    // and the previous schema stays.
    void loadSchema();
    // Stops waiting for the introspection response. The step in the trace is marked skipped.
    void cancelSchemaLoad();
    void setDocumentationVisible(bool visible);
    // Opens the documentation explorer at the field, argument or type of `reference`.
    void showDocumentation(const afx::graphql::SchemaReference &reference);

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
    // The user followed the link to the doctor's finding for the response's trace step, shown
    // after a 401 or 403 when checkRun() has a finding for that step.
    void findingRequested(int stepIndex);
    // A schema load ended: `ok` is true when the new schema is in use. Not emitted for a
    // cancelled or superseded load.
    void schemaLoadFinished(bool ok);

protected:
    void changeEvent(QEvent *event) override;

private:
    void buildUi();
    QWidget *buildToolRow();
    QWidget *buildGraphqlPage();
    QHBoxLayout *buildSchemaRow(QWidget *parent);
    QWidget *buildHttpPage();
    QWidget *buildAuthBox();
    void sendRequest(bool refreshIfExpired);
    // A request ready to send, with what the editor needs around it.
    struct Prepared;
    // Reads every field and the credential into *out. Shows the problem and returns false
    // when something is missing or invalid. Sends nothing.
    bool prepareRequest(const query::RequestInput &typed, Prepared *out);
    query::RequestInput currentInput() const;
    query::HistoryEntry currentEntry() const;
    QStringList knownSecrets() const;
    void addToHistory(query::HistoryEntry entry, int status, qint64 durationMs, const QStringList &secrets);
    void focusField(const query::RequestError &error);
    void updateModeWidgets();
    void clearResponseOfOtherMode();
    void updateOperations();
    void checkVariablesSyntax();
    void showFindingLink(int stepIndex, int status);
    // True when the token sent for `credential` is past its expiry (the access token's
    // expires_in, the ID token's exp claim).
    bool credentialExpired(Credential credential) const;
    // Read and check one part of the input; each shows an error and returns false when it is invalid.
    bool readCredential(bool authorizationInHeaders, QString *token);
    // The default headers of the mode, the Authorization header with `token`, and the extra
    // headers, each of which replaces a default of the same name.
    static QList<QPair<QByteArray, QByteArray>> requestHeaders(query::RequestMode mode, const QString &token,
                                                               const QList<QPair<QByteArray, QByteArray>> &extraHeaders);
    void updateCredentialRow();
    void flushApiToken();
    void setRunning(bool running);
    void showError(const QString &message);
    void showWarning(const QString &message);
    void showInfo(const QString &message);
    void clearMessage();
    void handleResponse(const TracedRequest &request, const TracedResponse &response, const QString &credentialNote,
                        query::RequestMode mode);
    // Completes the status line, the message and the trace step once the body is shown.
    void finishResponse();
    // Records the step of a response whose body was still being formatted when a new request
    // started, judged by its HTTP status alone.
    void finishSupersededResponse();
    QString describeCredential(Credential credential, const QString &token) const;
    QString credentialLabel(Credential credential) const;
    // Introspection: the response, parsed off the UI thread, and the result.
    void handleSchemaResponse(quint64 serial, const TracedRequest &request, const TracedResponse &response, Credential credential);
    void applySchema(quint64 serial, int stepIndex, std::shared_ptr<const graphql::Schema> schema, const QString &error);
    void setSchema(std::shared_ptr<const graphql::Schema> schema);
    // Drops the schema and stops a running load, because the endpoint or profile changed.
    void clearSchema();
    void setSchemaLoading(bool loading);
    void updateSchemaStatus();
    void updateDiagnosticsCount(const QList<graphql::Diagnostic> &diagnostics);
    void ensureDocExplorer();

    QPointer<TracedHttpClient> m_client;
    RefreshHandler m_refreshHandler;
    bool m_refreshing = false;
    TokenSet m_tokens;
    bool m_credentialChosenByUser = false;
    bool m_running = false;
    std::optional<query::RequestMode> m_responseMode; // the mode of the shown response, if any
    quint64 m_requestSerial = 0; // identifies the running request, so a cancelled one is ignored
    struct PendingResponse;
    std::unique_ptr<PendingResponse> m_pendingResponse; // arrived, body still being formatted
    int m_runningStep = -1;
    QString m_lastSentApiToken;
    QTimer m_apiTokenDebounce;
    QTimer m_parseDebounce; // the operations and the variables' JSON are checked after typing stops
    Profile m_profile;
    query::Environment m_environment;
    QString m_historyDirectory;
    query::HistoryStore m_history;
    // The entry of the running request, added to the history when it ends.
    struct RunningEntry;
    std::unique_ptr<RunningEntry> m_runningEntry;
    ClipboardGuard *m_clipboard = nullptr;

    QButtonGroup *m_modeGroup = nullptr;
    QToolButton *m_historyButton = nullptr;
    QToolButton *m_curlButton = nullptr;
    QLabel *m_urlLabel = nullptr;
    QStackedWidget *m_urlStack = nullptr;
    QStackedWidget *m_editorStack = nullptr;
    HistoryPanel *m_historyPanel = nullptr;
    QSplitter *m_historySplitter = nullptr; // history panel | request and response | documentation
    QLineEdit *m_endpoint = nullptr;
    QComboBox *m_method = nullptr;
    QLineEdit *m_httpUrl = nullptr;
    QPlainTextEdit *m_httpHeaders = nullptr;
    QPlainTextEdit *m_httpBody = nullptr;
    QTabWidget *m_httpTabs = nullptr;
    QLabel *m_variablesStatus = nullptr;
    QWidget *m_authBox = nullptr; // the credential note, the challenge and the finding link
    QLabel *m_challenge = nullptr;
    QLabel *m_findingLink = nullptr;
    QComboBox *m_credential = nullptr;
    QWidget *m_apiTokenRow = nullptr;
    QLineEdit *m_apiToken = nullptr;
    QPushButton *m_revealApiToken = nullptr;
    GraphqlEditor *m_query = nullptr;
    DocExplorer *m_docExplorer = nullptr; // built when first shown
    QToolButton *m_loadSchemaButton = nullptr;
    QToolButton *m_docsButton = nullptr;
    QLabel *m_schemaStatus = nullptr;    // "Schema of 17 types" or "No schema"
    QPushButton *m_diagnosticsButton = nullptr; // "2 errors", jumps to the first
    QString m_shownDiagnostic; // the diagnostic message in the message line, cleared once it is fixed
    std::shared_ptr<const graphql::Schema> m_schema;
    QString m_schemaEndpoint;            // the endpoint text the schema was loaded from
    bool m_schemaLoading = false;
    bool m_schemaAutoLoadTried = false;  // the automatic load runs once per endpoint
    quint64 m_schemaSerial = 0;          // identifies the running load, so a stale one is ignored
    int m_schemaStep = -1;
    QComboBox *m_operationName = nullptr; // editable: the document's operation names
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
