#pragma once

#include "flow/authcodeflow.h"
#include "flow/trace.h"
#include "storage/profile.h"
#include "storage/tokenstore.h"

#include <QMainWindow>
#include <QPointer>

#include <functional>

class QAction;
class QComboBox;
class QDialog;
class QDragEnterEvent;
class QDropEvent;
class QLabel;
class QNetworkAccessManager;
class QProgressBar;
class QStackedWidget;
class QTabWidget;

namespace afx {
class ProfileStore;
class TracedHttpClient;
namespace sandbox {
class SandboxServer;
}
} // namespace afx

namespace afx::gui {

class DevicePanel;
class DiagramWidget;
class EmbeddedBrowser;
class MessageBanner;
class QueryEditor;
class StepInspector;
class TokenPanel;
class FindingsPanel;
class TokenInspector;
class FaultPanel;

// Options the command line and tests set before the window starts its work.
struct MainWindowOptions {
    QString profilesDirectory;     // empty: the user's config folder
    bool useKeychain = true;       // false: tokens in memory only (tests of other parts)
    int keychainTimeoutMs = 5000;
    quint16 sandboxPort = 0;       // 0: try the usual port, then any free one
    int animationMs = 350;
    QString historyDirectory;      // the query editor's history files; empty: the user's data folder
};

// The explorer's window: profile chooser, login, the diagram above the step inspector and the
// doctor's findings (two tabs, so the diagram and the findings show together), and the
// browser, token and query tabs. It owns the controllers (flow, sandbox, stores) and keeps
// the widgets passive.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const MainWindowOptions &options = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Starts the sandbox, loads profiles and probes the keychain. Separate from the
    // constructor so the window can be shown first.
    void initialize();

    // Imports a shared profile file and selects it; reports problems in the banner.
    bool openProfileFile(const QString &path);

    Profile currentProfile() const { return m_profile; }
    Trace *trace() const { return m_trace; }
    TokenSet tokens() const { return m_tokens; }
    TokenStore *tokenStore() const { return m_tokenStore; }
    sandbox::SandboxServer *sandboxServer() const { return m_sandbox; }
    // The embedded browser, once the first login has loaded it; nullptr before.
    EmbeddedBrowser *browser() const { return m_browserWidget ? m_browser : nullptr; }
    MessageBanner *banner() const { return m_banner; }
    DiagramWidget *diagram() const { return m_diagram; }
    QueryEditor *queryEditor();
    bool isReady() const { return m_ready; }

    // Returns the path to save to, or an empty string when the user cancels. `filters` is in
    // QFileDialog's form ("HAR files (*.har);;..."); `selectedFilter` is the preselected filter
    // on entry and the chosen one on return.
    using SaveFileChooser = std::function<QString(const QString &caption, const QString &suggestedPath,
                                                  const QString &filters, QString *selectedFilter)>;
    // Replaces the file dialog of File > Export run, for tests. An empty function restores it.
    void setSaveFileChooser(SaveFileChooser chooser) { m_chooseSaveFile = std::move(chooser); }

public Q_SLOTS:
    void login();
    void cancelLogin();
    // Exchanges the stored refresh token for new tokens; `done` gets the outcome.
    void refreshTokens(const std::function<void(bool ok)> &done = {});
    // Runs the client credentials grant with the current profile's client.
    void requestClientToken();
    // Calls the provider's UserInfo endpoint with the stored access token.
    void callUserInfo();
    // Runs the device authorization grant and shows the user code in the Browser tab.
    void startDeviceLogin();
    // Asks for the e-mail and password and runs the password grant with them.
    void startPasswordLogin();
    // Shows a dialog for an e-mail and a password; false when the user cancels.
    bool askCredentials(const QString &title, const QString &note, QString *email, QString *password);
    // Shows the previous run's diagram next to the current one.
    void compareRuns();
    void passwordLogin(const QString &username, const QString &password);
    // Asks for the e-mail and password and sends them to the backend's login mutation.
    void startMutationLogin();
    void mutationLogin(const QString &email, const QString &password);
    // Introspects or revokes the stored access or refresh token.
    void manageToken(afx::FlowKind kind, afx::AuthCodeFlow::TokenChoice choice);
    // Ends the provider's session through the browser (RP-initiated logout).
    void logoutOfProvider();
    // Switches the current profile to the system browser with a loopback redirect URI, saves
    // it, and starts a login.
    void switchToSystemBrowser();
    // Opens the token inspector (Tools > Inspect a token), with `token` when it is not empty.
    void showTokenInspector(const QString &token = {});
    // Opens the sandbox's fault switchboard.
    void showFaultPanel();
    // Keeps the current profile's browser cookies on disk between runs, or deletes them.
    void setKeepBrowserSession(bool keep);
    // The folder that keeps `profile`'s browser session when keepBrowserSession is set.
    static QString browserSessionFolder(const afx::Profile &profile);
    void selectProfile(const QString &id);
    // File > Export run: requests a file name and type from the user, then calls exportRun()
    // or exportDiagramImage().
    void exportRunInteractively();
    // Writes the current trace and its findings as a HAR 1.2 file with secrets masked, and
    // reports the outcome in the banner. Returns false when the file could not be written.
    bool exportRun(const QString &path);
    // Writes the whole diagram of the current trace as a PNG image and reports in the banner.
    bool exportDiagramImage(const QString &path);

Q_SIGNALS:
    // Start-up work is done (profiles loaded, keychain probed, stored tokens looked up); emitted
    // again each time another profile's stored tokens have been looked up.
    void ready();
    void loginFinished(bool ok, const QString &message);
    // Any run (login, refresh, client credentials) finished.
    void flowFinished(afx::FlowKind kind, bool ok, const QString &message);
    void tokensSaved(bool ok);

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;
    // A token dropped on the window opens in the token inspector.
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void buildUi();
    void buildMenus();
    void buildPanels();
    void reloadProfiles(const QString &selectId);
    Profile resolvedProfile(const Profile &profile) const;
    // Opens the profile form on `start` (a blank profile by default) and saves what it returns.
    void newProfile(const afx::Profile &start = {});
    // Asks for a provider preset and its few values, then opens the profile form on the result.
    void newProfileFromPreset();
    void editProfile();
    void openProfileDialog();
    void forgetTokens();
    // Checks that the OS keychain works and uses it. At start-up the sandbox starts afterwards
    // (the keychain may hold its signing key); a later retry stores the running sandbox's key.
    void probeKeychain(bool atStartUp = true);
    void startSandbox();
    void startSandboxWithKey();
    void useMemoryStore();
    void restoreTokens();
    void onFlowFinished(const FlowResult &result);
    // Shows the step count and total time of the trace in the status bar.
    void showRunSummary();
    void showTokens(const TokenSet &tokens, const oidc::IdTokenValidation &validation, const QString &source);
    void setBusy(bool busy, const QString &message = {});
    void ensureBrowser(std::function<void()> then);
    void startFlow();
    // Points the embedded browser at the current profile's session: kept on disk or in memory.
    void useBrowserSession();
    // Runs the configuration doctor over the current trace and shows its findings.
    void updateFindings(const afx::FlowResult &result);
    void setFindingsTabText();
    // Keeps the current run as the previous one and clears the trace for a new run.
    void startNewTrace();
    // Reads the profile's client secret from the token store (none for public clients) and
    // calls `then` with it; reports a missing secret in the banner.
    void withClientSecret(const std::function<void(const QString &secret)> &then);
    // Sets the window busy for a run without a browser; false when another run is active.
    bool beginGrant(const QString &busyMessage);
    TokenKey tokenKey() const;

    MainWindowOptions m_options;
    QNetworkAccessManager *m_network;
    Trace *m_trace;
    Trace *m_previousTrace; // the run before the current one, for Compare runs
    QString m_previousProfileName;
    QPointer<QDialog> m_compareDialog;
    TracedHttpClient *m_http;
    AuthCodeFlow *m_flow;
    ProfileStore *m_profiles;
    TokenStore *m_tokenStore = nullptr;
    sandbox::SandboxServer *m_sandbox;
    QString m_sandboxError;
    Profile m_profile;
    TokenSet m_tokens;
    oidc::IdTokenValidation m_validation; // checks of the ID token in m_tokens
    std::function<void(bool ok)> m_afterRefresh;
    std::function<void()> m_bannerAction; // what the banner's button does
    bool m_profilesLoaded = false; // the profile list is loaded; later selections restore tokens
    bool m_ready = false;          // the first ready() was emitted
    bool m_loginPending = false; // between pressing Log in and the flow's start
    bool m_splitHeightPending = false; // no saved layout: the first show shares the left column's height

    QComboBox *m_profileCombo = nullptr;
    MessageBanner *m_banner = nullptr;
    DiagramWidget *m_diagram = nullptr;
    StepInspector *m_inspector = nullptr;
    QTabWidget *m_tabs = nullptr;
    QTabWidget *m_stepTabs = nullptr; // under the diagram: step inspector and findings
    QStackedWidget *m_browserStack = nullptr;
    EmbeddedBrowser *m_browser = nullptr; // valid while m_browserWidget exists
    QPointer<QWidget> m_browserWidget;
    QLabel *m_browserPlaceholder = nullptr;
    DevicePanel *m_devicePanel = nullptr;
    QWidget *m_tokenPage = nullptr;
    QWidget *m_queryPage = nullptr;
    QWidget *m_findingsPage = nullptr;
    FindingsPanel *m_findingsPanel = nullptr; // built by buildPanels()
    TokenInspector *m_tokenInspector = nullptr;
    FaultPanel *m_faultPanel = nullptr;
    FlowResult m_lastResult;
    QString m_runOutcome; // the masked message at the current trace's end, empty while it runs
    SaveFileChooser m_chooseSaveFile;
    TokenPanel *m_tokenPanel = nullptr; // built by buildPanels()
    QueryEditor *m_queryEditor = nullptr;
    QLabel *m_statusLabel = nullptr;
    QProgressBar *m_busy = nullptr;
    QAction *m_loginAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QAction *m_replayAction = nullptr;
    QAction *m_refreshAction = nullptr;
    QAction *m_retryKeychainAction = nullptr; // enabled while tokens are not in the keychain
    QAction *m_editProfileAction = nullptr;
    QAction *m_keepSessionAction = nullptr;
};

} // namespace afx::gui
