#include "gui/mainwindow.h"

#include "export/harexport.h"
#include "gui/browserloader.h"
#include "gui/diagramimage.h"
#include "gui/devicepanel.h"
#include "gui/diagramwidget.h"
#include "gui/embeddedbrowser.h"
#include "gui/messagebanner.h"
#include "gui/profiledialog.h"
#include "gui/queryeditor.h"
#include "gui/stepinspector.h"
#include "gui/tokenpanel.h"
#include "http/tracedhttpclient.h"
#include "sandbox/sandboxserver.h"
#include "sandbox/faults.h"
#include "doctor/runchecks.h"
#include "gui/faultpanel.h"
#include "gui/findingspanel.h"
#include "gui/presetdialog.h"
#include "gui/tokeninspector.h"
#include "storage/keychaintokenstore.h"
#include "storage/memorytokenstore.h"
#include "storage/profilestore.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDateTime>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QMenuBar>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStandardPaths>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

#include <utility>

Q_LOGGING_CATEGORY(lcWindow, "afx.window", QtInfoMsg)

namespace afx::gui {

namespace {

// The sandbox prefers one port so that its issuer, and with it the keychain key of its
// tokens, stays the same between runs. Any free port is used when it is taken.
constexpr quint16 preferredSandboxPort = 47813;

const QString lastProfileSetting = QStringLiteral("window/lastProfile");
// Settings key prefix of the built-in profile's "keep the login session" choice.
const QString keepSessionSetting = QStringLiteral("keepBrowserSession/");

// Settings key of the folder that File > Export run last wrote to.
const QString lastExportFolderSetting = QStringLiteral("export/lastFolder");

// Keychain entry of the sandbox's RSA signing key (PEM).
const QString sandboxKeyName = QStringLiteral("sandbox/signing-key");

// "1 step" or "27 steps".
QString stepCountText(int count)
{
    return count == 1 ? MainWindow::tr("1 step") : MainWindow::tr("%1 steps").arg(count);
}

// An elapsed time in milliseconds as "340 ms", "27.3 s" or, from one minute on, as
// formatDuration() writes it ("5 min 40 s").
QString elapsedText(qint64 ms)
{
    ms = std::max<qint64>(0, ms);
    if (ms < 1000)
        return MainWindow::tr("%1 ms").arg(ms);
    if (ms < 60 * 1000)
        return MainWindow::tr("%1 s").arg(QLocale().toString(double(ms) / 1000.0, 'f', 1));
    return formatDuration(ms / 1000);
}

} // namespace

MainWindow::MainWindow(const MainWindowOptions &options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(options)
    , m_network(new QNetworkAccessManager(this))
    , m_trace(new Trace(this))
    , m_previousTrace(new Trace(this))
    , m_http(new TracedHttpClient(m_network, this))
    , m_flow(new AuthCodeFlow(m_http, m_trace, this))
    , m_profiles(options.profilesDirectory.isEmpty() ? new ProfileStore(this) : new ProfileStore(options.profilesDirectory, this))
    , m_sandbox(new sandbox::SandboxServer(this))
{
    m_http->setTrace(m_trace);
    m_flow->setSystemBrowserOpener([](const QUrl &url) { return QDesktopServices::openUrl(url); });
    connect(m_flow, &AuthCodeFlow::deviceCodeReady, this, [this](const DeviceAuthorization &authorization) {
        if (!m_devicePanel) {
            m_devicePanel = new DevicePanel(m_browserStack);
            m_browserStack->addWidget(m_devicePanel);
        }
        m_devicePanel->setAuthorization(authorization);
        m_browserStack->setCurrentWidget(m_devicePanel);
        m_tabs->setCurrentWidget(m_browserStack);
    });
    m_sandbox->setTrace(m_trace);
    setWindowTitle(tr("Auth Flow Explorer"));
    buildUi();
    buildMenus();
    connect(m_flow, &AuthCodeFlow::finished, this, &MainWindow::onFlowFinished);
    connect(m_flow, &AuthCodeFlow::progress, this, [this](const QString &message) { setBusy(true, message); });
}

MainWindow::~MainWindow() = default;

void MainWindow::buildUi()
{
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 6);

    m_banner = new MessageBanner(central);
    layout->addWidget(m_banner);

    setAcceptDrops(true); // a JWT dropped on the window opens in the token inspector
    auto *split = new QSplitter(Qt::Horizontal, central);
    split->setObjectName(QStringLiteral("mainSplitter"));
    auto *left = new QSplitter(Qt::Vertical, split);
    left->setObjectName(QStringLiteral("diagramSplitter"));
    m_diagram = new DiagramWidget(left);
    m_diagram->setTrace(m_trace);
    m_diagram->setAnimationDuration(m_options.animationMs);
    // The step inspector and the doctor's findings share the space under the diagram, so a
    // finding and its step on the diagram are visible together.
    m_stepTabs = new QTabWidget(left);
    m_stepTabs->setObjectName(QStringLiteral("stepTabs"));
    m_inspector = new StepInspector(m_stepTabs);
    m_inspector->setTrace(m_trace);
    m_stepTabs->addTab(m_inspector, tr("&Step"));
    // The findings panel is built right after the first frame (buildPanels), like the Tokens
    // and Query tabs.
    m_findingsPage = new QWidget(m_stepTabs);
    new QVBoxLayout(m_findingsPage);
    m_findingsPage->layout()->setContentsMargins(0, 0, 0, 0);
    m_stepTabs->addTab(m_findingsPage, tr("F&indings"));
    connect(m_stepTabs, &QTabWidget::currentChanged, this, [this] { buildPanels(); });
    left->addWidget(m_diagram);
    left->addWidget(m_stepTabs);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 2);
    connect(m_diagram, &DiagramWidget::stepSelected, m_inspector, &StepInspector::showStep);

    m_tabs = new QTabWidget(split);
    m_tabs->setObjectName(QStringLiteral("tabs"));

    m_browserStack = new QStackedWidget(m_tabs);
    m_browserPlaceholder = new QLabel(tr("The provider's login page appears here when you press Log in (Ctrl+L).\n\n"
                                         "Each profile has its own private browser session: the provider's cookies stay in memory until the "
                                         "app quits, so a second login may skip the password (single sign-on). Run > Log out of the "
                                         "provider ends that session."),
                                      m_browserStack);
    m_browserPlaceholder->setAlignment(Qt::AlignCenter);
    m_browserPlaceholder->setWordWrap(true);
    // A word-wrapped label lays its text out again on every heightForWidth() call, and the
    // splitter calls it dozens of times before the first frame (about 45 million instructions of
    // text layout). Without height-for-width the label computes its size hint once.
    QSizePolicy placeholderPolicy = m_browserPlaceholder->sizePolicy();
    placeholderPolicy.setHeightForWidth(false);
    m_browserPlaceholder->setSizePolicy(placeholderPolicy);
    m_browserStack->addWidget(m_browserPlaceholder);
    m_tabs->addTab(m_browserStack, tr("&Browser"));

    // The Tokens and Query tabs are hidden at start. Their contents are built right after the
    // first frame (buildPanels), which took about 12 ms off the start-up time.
    m_tokenPage = new QWidget(m_tabs);
    new QVBoxLayout(m_tokenPage);
    m_tokenPage->layout()->setContentsMargins(0, 0, 0, 0);
    m_tabs->addTab(m_tokenPage, tr("&Tokens"));
    m_queryPage = new QWidget(m_tabs);
    new QVBoxLayout(m_queryPage);
    m_queryPage->layout()->setContentsMargins(0, 0, 0, 0);
    m_tabs->addTab(m_queryPage, tr("&Query"));
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        buildPanels();
        // Ctrl+Enter then sends right away.
        if (m_tabs->widget(index) == m_queryPage)
            if (auto *query = m_queryEditor->findChild<QWidget *>(QStringLiteral("query")))
                query->setFocus();
    });

    split->addWidget(left);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
    setCentralWidget(central);

    auto *toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setMovable(false);
    auto *profileLabel = new QLabel(tr("Profile: "), toolbar);
    toolbar->addWidget(profileLabel);
    m_profileCombo = new QComboBox(toolbar);
    m_profileCombo->setObjectName(QStringLiteral("profileCombo"));
    m_profileCombo->setAccessibleName(tr("Profile"));
    m_profileCombo->setMinimumContentsLength(22);
    m_profileCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    profileLabel->setBuddy(m_profileCombo);
    toolbar->addWidget(m_profileCombo);
    connect(m_profileCombo, &QComboBox::activated, this, [this](int index) {
        selectProfile(m_profileCombo->itemData(index).toString());
    });

    m_loginAction = new QAction(tr("&Log in"), this);
    m_loginAction->setObjectName(QStringLiteral("loginAction"));
    m_loginAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_loginAction->setToolTip(tr("Run the authorization code flow with PKCE (Ctrl+L)"));
    connect(m_loginAction, &QAction::triggered, this, &MainWindow::login);
    m_cancelAction = new QAction(tr("&Cancel login"), this);
    m_cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancelAction->setEnabled(false);
    connect(m_cancelAction, &QAction::triggered, this, &MainWindow::cancelLogin);
    m_replayAction = new QAction(tr("&Replay run"), this);
    m_replayAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_replayAction->setToolTip(tr("Animate the steps of the last run again, one by one (Ctrl+R)"));
    connect(m_replayAction, &QAction::triggered, m_diagram, &DiagramWidget::replay);
    toolbar->addSeparator();
    toolbar->addAction(m_loginAction);
    toolbar->addAction(m_cancelAction);
    toolbar->addAction(m_replayAction);

    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("statusText"));
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->setVisible(false);
    statusBar()->addWidget(m_statusLabel, 1);
    statusBar()->addPermanentWidget(m_busy);

    connect(m_banner, &MessageBanner::actionTriggered, this, [this] {
        if (m_bannerAction)
            m_bannerAction();
    });
    resize(1360, 860);

    // The layout the user left last time, if any.
    const QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    split->restoreState(settings.value(QStringLiteral("window/mainSplitter")).toByteArray());
    m_splitHeightPending = !left->restoreState(settings.value(QStringLiteral("window/diagramSplitter")).toByteArray());
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    // The diagram's large size hint would leave the tabs under it a few lines only, and sizes
    // set in buildUi() are cut to the splitter's size before the first layout. Here the layout
    // is done and the first frame not yet painted.
    auto *left = findChild<QSplitter *>(QStringLiteral("diagramSplitter"));
    if (!std::exchange(m_splitHeightPending, false) || !left)
        return;
    const int height = left->height() - left->handleWidth();
    left->setSizes({height * 55 / 100, height - height * 55 / 100});
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *newProfile = file->addAction(tr("&New profile..."), this, [this] { this->newProfile(); });
    newProfile->setShortcut(QKeySequence::New);
    QAction *fromPreset = file->addAction(tr("New profile from a provider &preset..."), this, &MainWindow::newProfileFromPreset);
    fromPreset->setObjectName(QStringLiteral("presetAction"));
    fromPreset->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    m_editProfileAction = file->addAction(tr("&Edit profile..."), this, &MainWindow::editProfile);
    m_editProfileAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    QAction *open = file->addAction(tr("&Open profile file..."), this, &MainWindow::openProfileDialog);
    open->setShortcut(QKeySequence::Open);
    file->addSeparator();
    QAction *exportRun = file->addAction(tr("E&xport run..."), this, &MainWindow::exportRunInteractively);
    exportRun->setObjectName(QStringLiteral("exportRunAction"));
    exportRun->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    exportRun->setToolTip(tr("Save the current run as a HAR file with its findings, or its diagram as a PNG image; "
                             "codes, tokens and secrets are masked (Ctrl+Shift+E)"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_loginAction);
    run->addAction(m_cancelAction);
    run->addAction(m_replayAction);
    QAction *compare = run->addAction(tr("Co&mpare with the previous run"), this, &MainWindow::compareRuns);
    compare->setObjectName(QStringLiteral("compareAction"));
    compare->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
    compare->setToolTip(tr("Show the previous run's diagram next to this one, for example the code flow next to the "
                           "implicit flow (Ctrl+Shift+M)"));
    run->addSeparator();
    m_retryKeychainAction = run->addAction(tr("Retry the OS &keychain"), this, [this] { probeKeychain(false); });
    m_retryKeychainAction->setObjectName(QStringLiteral("retryKeychainAction"));
    m_retryKeychainAction->setToolTip(tr("Check the OS keychain again, for example after unlocking the keyring"));
    m_retryKeychainAction->setEnabled(false);
    m_refreshAction = run->addAction(tr("Re&fresh tokens"), this, [this] { refreshTokens(); });
    m_refreshAction->setObjectName(QStringLiteral("refreshAction"));
    m_refreshAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_refreshAction->setToolTip(tr("Exchange the stored refresh token for new tokens (Ctrl+Shift+R)"));
    QAction *userInfo = run->addAction(tr("Call &UserInfo"), this, &MainWindow::callUserInfo);
    userInfo->setObjectName(QStringLiteral("userInfoAction"));
    userInfo->setToolTip(tr("Read the user's claims from the provider's UserInfo endpoint with the access token"));
    QAction *clientToken = run->addAction(tr("Request a &client token"), this, &MainWindow::requestClientToken);
    clientToken->setObjectName(QStringLiteral("clientTokenAction"));
    clientToken->setToolTip(tr("Client credentials grant: a token for the client itself, with no user and no browser"));
    QAction *password = run->addAction(tr("Sign in with e-mail and &password (password grant)..."), this,
                                       &MainWindow::startPasswordLogin);
    password->setObjectName(QStringLiteral("passwordGrantAction"));
    password->setToolTip(tr("The app sends the password to the token endpoint itself: no browser, no login page"));
    QAction *mutation = run->addAction(tr("Sign in through the &backend (login mutation)..."), this,
                                       &MainWindow::startMutationLogin);
    mutation->setObjectName(QStringLiteral("loginMutationAction"));
    mutation->setToolTip(tr("The app sends the password to the backend's GraphQL login mutation, which returns the "
                            "provider's tokens: no browser"));
    QAction *device = run->addAction(tr("Sign in with a &device code"), this, &MainWindow::startDeviceLogin);
    device->setObjectName(QStringLiteral("deviceCodeAction"));
    device->setToolTip(tr("Device authorization grant (RFC 8628): sign in on a phone or another computer with a short code"));
    run->addSeparator();
    QMenu *introspect = run->addMenu(tr("&Introspect"));
    QMenu *revoke = run->addMenu(tr("Re&voke"));
    using Choice = AuthCodeFlow::TokenChoice;
    for (const auto &[label, choice] : {std::pair{tr("&Access token"), Choice::AccessToken}, std::pair{tr("&Refresh token"), Choice::RefreshToken}}) {
        const QString name = choice == Choice::AccessToken ? QStringLiteral("Access") : QStringLiteral("Refresh");
        introspect->addAction(label, this, [this, choice] { manageToken(FlowKind::Introspection, choice); })
            ->setObjectName(QStringLiteral("introspect%1Action").arg(name));
        revoke->addAction(label, this, [this, choice] { manageToken(FlowKind::Revocation, choice); })
            ->setObjectName(QStringLiteral("revoke%1Action").arg(name));
    }
    QAction *logout = run->addAction(tr("Log &out of the provider"), this, &MainWindow::logoutOfProvider);
    logout->setObjectName(QStringLiteral("logoutAction"));
    logout->setToolTip(tr("RP-initiated logout: end the provider's session in the browser. The stored tokens stay; "
                          "Forget stored tokens removes them."));
    m_keepSessionAction = run->addAction(tr("&Keep the login session between runs"));
    m_keepSessionAction->setObjectName(QStringLiteral("keepSessionAction"));
    m_keepSessionAction->setCheckable(true);
    m_keepSessionAction->setToolTip(tr("Keep the provider's cookies for this profile on disk, so the next login, also after a "
                                       "restart, may skip the login page (single sign-on). Off: every start of the app begins "
                                       "with an empty browser session."));
    connect(m_keepSessionAction, &QAction::toggled, this, &MainWindow::setKeepBrowserSession);
    run->addSeparator();
    run->addAction(tr("&Forget stored tokens"), this, &MainWindow::forgetTokens);

    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    QAction *inspect = tools->addAction(tr("&Inspect a token..."), this, [this] { showTokenInspector(); });
    inspect->setObjectName(QStringLiteral("inspectTokenAction"));
    inspect->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    inspect->setToolTip(tr("Decode, explain and verify any JWT you paste or drop on the window (Ctrl+I)"));
    QAction *faults = tools->addAction(tr("Sandbox &fault switchboard..."), this, &MainWindow::showFaultPanel);
    faults->setObjectName(QStringLiteral("faultPanelAction"));
    faults->setToolTip(tr("Make the built-in sandbox misbehave as real providers do, and watch the checks react"));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Auth Flow Explorer"), this, [this] {
        QMessageBox::about(this, tr("About Auth Flow Explorer"),
                           tr("<p><b>Auth Flow Explorer %1</b></p><p>Runs OAuth 2.0 / OpenID Connect logins in an embedded "
                              "browser and draws every step between browser, app, provider and backend.</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::buildPanels()
{
    if (m_tokenPanel)
        return;
    m_tokenPanel = new TokenPanel(m_tokenPage);
    m_tokenPanel->setTrace(m_trace);
    m_tokenPage->layout()->addWidget(m_tokenPanel);

    m_queryEditor = new QueryEditor(m_queryPage);
    m_queryEditor->setHttpClient(m_http);
    if (!m_options.historyDirectory.isEmpty())
        m_queryEditor->setHistoryDirectory(m_options.historyDirectory);
    m_queryEditor->setRefreshHandler([this](const std::function<void(bool ok)> &done) { refreshTokens(done); });
    m_queryPage->layout()->addWidget(m_queryEditor);
    // A backend's 401 or 403 gets the doctor's reading of its WWW-Authenticate challenge.
    connect(m_queryEditor, &QueryEditor::requestFinished, this, [this](int status) {
        if (status == 401 || status == 403)
            updateFindings(m_lastResult);
    });
    // The link under a 401 or 403 response opens the doctor's finding for its step.
    connect(m_queryEditor, &QueryEditor::findingRequested, this, [this](int step) {
        updateFindings(m_lastResult);
        m_stepTabs->setCurrentWidget(m_findingsPage);
        m_findingsPanel->selectStep(step);
        m_diagram->setCurrentStep(step);
    });

    m_findingsPanel = new FindingsPanel(m_findingsPage);
    m_findingsPage->layout()->addWidget(m_findingsPanel);
    connect(m_findingsPanel, &FindingsPanel::stepRequested, m_diagram, &DiagramWidget::setCurrentStep);
    connect(m_findingsPanel, &FindingsPanel::stepDetailsRequested, this, [this](int step) {
        m_diagram->setCurrentStep(step);
        m_stepTabs->setCurrentWidget(m_inspector);
    });
    connect(m_queryEditor, &QueryEditor::apiTokenEdited, this, [this](const QString &token) {
        if (!m_tokenStore || m_profile.id.isEmpty())
            return;
        const QString key = TokenStore::apiTokenKey(m_profile.id);
        auto done = [this](bool ok, const QString &error) {
            if (!ok)
                m_banner->showMessage(MessageBanner::Kind::Error, tr("The API token could not be saved in the keychain: %1").arg(error));
        };
        if (token.isEmpty())
            m_tokenStore->remove(key, done);
        else
            m_tokenStore->write(key, token, done);
    });
}

QueryEditor *MainWindow::queryEditor()
{
    buildPanels();
    return m_queryEditor;
}

void MainWindow::initialize()
{
    // Set here rather than in the constructor: an SVG icon loads the SVG icon engine and the
    // image format plugins, which the first frame does not need.
    setWindowIcon(QIcon(QStringLiteral(":/icons/authflow-explorer.svg")));
    buildPanels();
    // The keychain comes first: it may hold the sandbox's signing key from an earlier run.
    if (m_options.useKeychain)
        probeKeychain();
    else
        useMemoryStore();
}

void MainWindow::startSandbox()
{
    if (!m_tokenStore || !m_tokenStore->isPersistent()) {
        startSandboxWithKey();
        return;
    }
    // The same key in every run keeps tokens saved by an earlier run verifiable.
    m_tokenStore->read(sandboxKeyName, [this](bool found, const QString &pem, const QString &) {
        QString error;
        const jose::Key key = found ? jose::Key::fromPrivatePem(pem.toLatin1(), &error) : jose::Key();
        if (!key.isNull())
            m_sandbox->setSigningKey(key);
        startSandboxWithKey();
        if (key.isNull() && m_sandbox->isRunning())
            m_tokenStore->write(sandboxKeyName, QString::fromLatin1(m_sandbox->signingKey().toPrivatePem()),
                                [](bool ok, const QString &writeError) {
                                    if (!ok)
                                        qCWarning(lcWindow).noquote() << "The sandbox key was not saved:" << writeError;
                                });
    });
}

void MainWindow::startSandboxWithKey()
{
    QString error;
    const quint16 port = m_options.sandboxPort ? m_options.sandboxPort : preferredSandboxPort;
    if (!m_sandbox->start(port, &error) && !m_sandbox->start(0, &error)) {
        m_sandboxError = error;
        qCWarning(lcWindow).noquote() << "Sandbox did not start:" << error;
    }
    reloadProfiles(QSettings().value(lastProfileSetting, QStringLiteral("local-sandbox")).toString());
    if (!m_profiles->problems().isEmpty())
        m_banner->showMessage(MessageBanner::Kind::Warning, m_profiles->problems().join(QLatin1Char('\n')));
    if (!m_sandboxError.isEmpty())
        m_banner->showMessage(MessageBanner::Kind::Error, tr("The built-in sandbox could not start: %1").arg(m_sandboxError));
    m_profilesLoaded = true;
    restoreTokens();
}

Profile MainWindow::resolvedProfile(const Profile &profile) const
{
    Profile resolved = profile;
    if (profile.sandbox && m_sandbox->isRunning()) {
        resolved.issuer = m_sandbox->issuer();
        resolved.graphqlUrl = m_sandbox->graphqlUrl();
        // Sandbox profiles saved before the login mutation existed get the sandbox's own.
        if (!resolved.loginMutation.isSet())
            resolved.loginMutation = LoginMutation::sandboxDefault();
    }
    // The built-in profile cannot be saved, so its session choice lives in the settings.
    if (profile.sandbox)
        resolved.keepBrowserSession = QSettings().value(keepSessionSetting + profile.id, false).toBool();
    return resolved;
}

QString MainWindow::browserSessionFolder(const Profile &profile)
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/browser-sessions/") + profile.id;
}

void MainWindow::useBrowserSession()
{
    m_browser->setSession(m_profile.id, m_profile.keepBrowserSession ? browserSessionFolder(m_profile) : QString());
}

void MainWindow::setKeepBrowserSession(bool keep)
{
    if (m_profile.keepBrowserSession == keep)
        return;
    Profile profile = m_profile;
    profile.keepBrowserSession = keep;
    if (profile.sandbox) {
        QSettings().setValue(keepSessionSetting + profile.id, keep);
    } else if (const auto stored = m_profiles->load(profile.id)) {
        Profile saved = *stored;
        saved.keepBrowserSession = keep;
        QString error;
        if (!m_profiles->save(saved, &error)) {
            m_banner->showMessage(MessageBanner::Kind::Error, tr("The profile could not be saved: %1").arg(error));
            const QSignalBlocker blocker(m_keepSessionAction);
            m_keepSessionAction->setChecked(!keep);
            return;
        }
    }
    m_profile = profile;
    if (!keep) {
        // Starting clean means the cookies kept on disk go now, not at the next login.
        if (m_browser)
            m_browser->clearSession(profile.id, browserSessionFolder(profile));
        else
            QDir(browserSessionFolder(profile)).removeRecursively();
    }
    m_statusLabel->setText(keep ? tr("The login session of \"%1\" is kept between runs.").arg(profile.name)
                                : tr("The login session of \"%1\" ends when the app quits.").arg(profile.name));
}

void MainWindow::reloadProfiles(const QString &selectId)
{
    const QList<Profile> profiles = m_profiles->list();
    m_profileCombo->clear();
    int selectIndex = 0;
    for (const Profile &profile : profiles) {
        if (profile.id == selectId)
            selectIndex = m_profileCombo->count();
        m_profileCombo->addItem(profile.name, profile.id);
    }
    m_profileCombo->setCurrentIndex(selectIndex);
    selectProfile(m_profileCombo->currentData().toString());
}

void MainWindow::selectProfile(const QString &id)
{
    buildPanels();
    QString error;
    const auto loaded = m_profiles->load(id, &error);
    if (!loaded) {
        m_banner->showMessage(MessageBanner::Kind::Error, error);
        return;
    }
    if (m_flow->isRunning())
        m_flow->cancel();
    m_profile = resolvedProfile(*loaded);
    const int index = m_profileCombo->findData(id);
    if (index >= 0)
        m_profileCombo->setCurrentIndex(index);
    QSettings().setValue(lastProfileSetting, id);
    m_editProfileAction->setEnabled(!m_profile.sandbox);
    {
        const QSignalBlocker blocker(m_keepSessionAction);
        m_keepSessionAction->setChecked(m_profile.keepBrowserSession);
    }
    m_queryEditor->setEndpoint(m_profile.graphqlUrl);
    m_queryEditor->setProfile(m_profile);
    if (!m_profile.defaultQuery.isEmpty())
        m_queryEditor->setQuery(m_profile.defaultQuery);
    m_tokens = {};
    m_tokenPanel->clear();
    m_queryEditor->setTokens({});
    // The diagram and messages belong to the previous profile's run. At start-up the banner
    // may carry the keychain's state, which stays.
    startNewTrace();
    if (m_profilesLoaded)
        m_banner->hideMessage();
    m_statusLabel->setText(tr("Profile \"%1\": issuer %2").arg(m_profile.name, m_profile.issuer));
    if (m_tokenStore && m_profilesLoaded)
        restoreTokens();
}

TokenKey MainWindow::tokenKey() const
{
    return TokenKey{m_profile.id, m_profile.issuer, m_profile.clientId, m_profile.audience};
}

void MainWindow::probeKeychain(bool atStartUp)
{
    auto *store = new KeychainTokenStore(this);
    store->setTimeout(std::chrono::milliseconds(m_options.keychainTimeoutMs));
    setBusy(true, tr("Checking the OS keychain..."));
    m_retryKeychainAction->setEnabled(false);
    store->probe([this, store, atStartUp](const KeychainProbeResult &probe) {
        setBusy(false);
        if (probe.ok) {
            m_tokenStore = store;
            m_retryKeychainAction->setEnabled(false);
            qCInfo(lcWindow) << "Keychain available";
            if (atStartUp) {
                startSandbox();
                return;
            }
            // The sandbox already runs: its key and the current tokens go into the keychain, so
            // the next start verifies the tokens this session saves.
            m_tokenStore->write(sandboxKeyName, QString::fromLatin1(m_sandbox->signingKey().toPrivatePem()),
                                [](bool, const QString &) {});
            if (!m_tokens.isEmpty())
                m_tokenStore->saveTokens(tokenKey(), m_tokens, [](bool, const QString &) {});
            m_banner->showMessage(MessageBanner::Kind::Success, tr("The OS keychain works now: tokens are kept in it."));
            statusBar()->showMessage(tr("Token store: %1").arg(m_tokenStore->backendName()), 5000);
            return;
        }
        store->deleteLater();
        m_retryKeychainAction->setEnabled(!m_tokenStore || !m_tokenStore->isPersistent());
        qCWarning(lcWindow).noquote() << "Keychain not available:" << probe.keychainError;
        m_bannerAction = [this] { useMemoryStore(); };
        m_banner->showMessage(MessageBanner::Kind::Warning,
                              tr("The OS keychain is not available, so tokens cannot be kept between runs. %1 "
                                 "Run > Retry the OS keychain tries again.")
                                  .arg(probe.message()),
                              tr("Keep tokens in memory for this session"));
        if (atStartUp)
            startSandbox();
    });
}

void MainWindow::useMemoryStore()
{
    if (m_tokenStore && !m_tokenStore->isPersistent())
        return;
    m_tokenStore = new MemoryTokenStore(this);
    m_banner->showMessage(MessageBanner::Kind::Info,
                          tr("Tokens are kept in memory for this session only; they are gone when the app quits."));
    if (!m_tokens.isEmpty())
        m_tokenStore->saveTokens(tokenKey(), m_tokens, [](bool, const QString &) {});
    statusBar()->showMessage(tr("Token store: %1").arg(m_tokenStore->backendName()), 5000);
    if (!m_sandbox->isRunning() && m_sandboxError.isEmpty())
        startSandbox(); // start-up without the keychain
}

void MainWindow::restoreTokens()
{
    if (!m_tokenStore) {
        m_ready = true;
        Q_EMIT ready();
        return;
    }
    const QString profileId = m_profile.id;
    m_tokenStore->loadTokens(tokenKey(), [this, profileId](bool found, const TokenSet &tokens, const QString &error) {
        // A run that started meanwhile brings its own tokens, and its diagram is not the place
        // for this step.
        const bool runStarted = m_flow->isRunning() || m_loginPending;
        if (profileId == m_profile.id && !runStarted) {
            if (!error.isEmpty()) {
                m_banner->showMessage(MessageBanner::Kind::Warning, tr("Stored tokens could not be read: %1").arg(error));
            } else if (found && !tokens.isEmpty()) {
                m_trace->addSecret(tokens.idToken);
                m_trace->addSecret(tokens.accessToken);
                m_trace->addSecret(tokens.refreshToken);
                m_trace->appendLocal(Trace::App, tr("Tokens restored from %1").arg(m_tokenStore->backendName()), StepResult::Ok,
                                     tr("Saved at %1; no new login was needed.")
                                         .arg(QLocale().toString(tokens.obtainedAt.toLocalTime(), QLocale::ShortFormat)),
                                     QStringLiteral("token-restore"));
                showTokens(tokens, {}, tr("Restored from %1").arg(m_tokenStore->backendName()));
            }
        }
        // The API token pasted earlier comes back too.
        m_tokenStore->read(TokenStore::apiTokenKey(profileId), [this, profileId](bool apiFound, const QString &value, const QString &) {
            if (apiFound && profileId == m_profile.id)
                m_queryEditor->setApiToken(value);
            m_ready = true;
            Q_EMIT ready();
        });
    });
}

void MainWindow::showTokens(const TokenSet &tokens, const oidc::IdTokenValidation &validation, const QString &source)
{
    m_validation = validation;
    buildPanels();
    m_tokens = tokens;
    m_tokenPanel->setTokens(tokens, validation, source);
    m_queryEditor->setTokens(tokens);
}

void MainWindow::ensureBrowser(std::function<void()> then)
{
    if (m_browserWidget) {
        then();
        return;
    }
    // WebEngine is loaded and starts its helper processes here, on the first login, not at
    // application start. The flow waits until a blank page has loaded, so that the browser's
    // start-up time does not end up in the timing of the first HTTP steps on the diagram.
    setBusy(true, tr("Starting the embedded browser..."));
    QString error;
    m_browser = createEmbeddedBrowser(m_browserStack, &error);
    if (!m_browser) {
        m_loginPending = false;
        m_loginAction->setEnabled(true);
        m_cancelAction->setEnabled(false);
        setBusy(false);
        m_banner->showMessage(MessageBanner::Kind::Error, error);
        return;
    }
    m_browserWidget = m_browser->widget();
    m_browserStack->addWidget(m_browserWidget);
    m_browserStack->setCurrentWidget(m_browserWidget);
    m_flow->setUserAgent(m_browser->userAgent());
    m_browser->warmUp(then);
}

void MainWindow::login()
{
    if (m_flow->isRunning() || m_loginPending)
        return;
    const QStringList problems = m_profile.validate();
    if (!problems.isEmpty()) {
        m_banner->showMessage(MessageBanner::Kind::Error, tr("The profile cannot be used yet: %1").arg(problems.join(QLatin1Char(' '))));
        return;
    }
    if (m_profile.sandbox && !m_sandbox->isRunning()) {
        m_banner->showMessage(MessageBanner::Kind::Error, tr("The built-in sandbox is not running: %1").arg(m_sandboxError));
        return;
    }
    m_banner->hideMessage();
    m_loginPending = true;
    m_loginAction->setEnabled(false);
    m_cancelAction->setEnabled(true);
    m_tabs->setCurrentWidget(m_browserStack);
    if (m_profile.browser == BrowserKind::System) {
        // Nothing to load: the sign-in happens in the user's own browser.
        m_browserPlaceholder->setText(tr("The sign-in continues in your web browser. When it is done, the browser "
                                         "returns to this app through a loopback redirect URI.\n\n"
                                         "Cancel login (Esc) stops waiting."));
        // QLabel::setText() turns height-for-width on again for word-wrapped text.
        QSizePolicy placeholderPolicy = m_browserPlaceholder->sizePolicy();
        placeholderPolicy.setHeightForWidth(false);
        m_browserPlaceholder->setSizePolicy(placeholderPolicy);
        m_browserStack->setCurrentWidget(m_browserPlaceholder);
        startFlow();
        return;
    }
    ensureBrowser([this] { startFlow(); });
}

void MainWindow::startFlow()
{
    if (!m_loginPending)
        return; // cancelled while the browser started
    startNewTrace();
    if (m_profile.browser == BrowserKind::Embedded) {
        useBrowserSession();
        m_browser->setLifelineUrls(QUrl(m_profile.issuer), m_profile.graphqlUrl);
        m_browserStack->setCurrentWidget(m_browserWidget);
    }

    withClientSecret([this](const QString &secret) {
        m_loginPending = false;
        m_flow->start(m_profile, secret);
    });
}

void MainWindow::withClientSecret(const std::function<void(const QString &secret)> &then)
{
    if (!usesClientSecret(m_profile.clientAuth) || !m_tokenStore) {
        then(QString());
        return;
    }
    m_tokenStore->read(TokenStore::clientSecretKey(m_profile.id), [this, then](bool found, const QString &secret, const QString &error) {
        if (!found) {
            m_loginPending = false;
            m_loginAction->setEnabled(true);
            m_cancelAction->setEnabled(false);
            setBusy(false);
            m_banner->showMessage(MessageBanner::Kind::Error,
                                  tr("The profile uses %1 but no client secret is stored for it%2. Enter it in File > Edit profile.")
                                      .arg(clientAuthMethodName(m_profile.clientAuth),
                                           error.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(error)));
            const auto afterRefresh = std::exchange(m_afterRefresh, {});
            if (afterRefresh)
                afterRefresh(false);
            return;
        }
        then(secret);
    });
}

bool MainWindow::beginGrant(const QString &busyMessage)
{
    if (m_flow->isRunning() || m_loginPending)
        return false;
    if (m_profile.sandbox && !m_sandbox->isRunning()) {
        m_banner->showMessage(MessageBanner::Kind::Error, tr("The built-in sandbox is not running: %1").arg(m_sandboxError));
        return false;
    }
    m_banner->hideMessage();
    m_loginAction->setEnabled(false);
    m_cancelAction->setEnabled(true);
    setBusy(true, busyMessage);
    return true;
}

void MainWindow::refreshTokens(const std::function<void(bool ok)> &done)
{
    if (m_tokens.refreshToken.isEmpty()) {
        m_banner->showMessage(MessageBanner::Kind::Error,
                              tr("No refresh token is stored for this profile. Log in again. To get a refresh token, add "
                                 "offline_access to the scopes (some providers also need prompt=consent)."));
        if (done)
            done(false);
        return;
    }
    if (!beginGrant(tr("Refreshing the tokens..."))) {
        if (done)
            done(false);
        return;
    }
    m_afterRefresh = done;
    const TokenSet current = m_tokens;
    withClientSecret([this, current](const QString &secret) { m_flow->startRefresh(m_profile, secret, current); });
}

void MainWindow::switchToSystemBrowser()
{
    Profile profile = m_profile;
    profile.browser = BrowserKind::System;
    const QString host = QUrl(profile.redirectUri).host();
    const bool loopback = QUrl(profile.redirectUri).scheme() == QLatin1String("http")
        && (host == QLatin1String("127.0.0.1") || host == QLatin1String("::1") || host == QLatin1String("localhost"));
    if (!loopback)
        profile.redirectUri = QStringLiteral("http://127.0.0.1/callback");
    if (!profile.sandbox) {
        QString error;
        if (!m_profiles->save(profile, &error)) {
            m_banner->showMessage(MessageBanner::Kind::Error, tr("The profile could not be saved: %1").arg(error));
            return;
        }
    }
    m_profile = profile;
    login();
    if (!loopback)
        m_banner->showMessage(MessageBanner::Kind::Info,
                              tr("The profile now uses the system browser and the redirect URI http://127.0.0.1/callback. "
                                 "Register that URI for the client at the provider if it is not registered yet."));
}

void MainWindow::startNewTrace()
{
    if (m_trace->count() > 0) {
        m_previousTrace->copyFrom(*m_trace);
        m_previousProfileName = m_profile.name;
    }
    m_trace->clear();
    m_runOutcome.clear();
    if (m_findingsPanel)
        m_findingsPanel->setFindings({});
    setFindingsTabText();

    // Each run records which sandbox faults were switched on when it started.
    if (m_profile.sandbox && m_sandbox->isRunning() && !m_sandbox->activeFaults().isEmpty()) {
        QStringList names;
        QStringList descriptions;
        for (const sandbox::SandboxFault fault : m_sandbox->activeFaults()) {
            names << sandbox::sandboxFaultName(fault);
            descriptions << sandbox::sandboxFaultDescription(fault);
        }
        m_trace->appendLocal(Trace::Provider, tr("Faults on: %1").arg(names.join(QStringLiteral(", "))), StepResult::Warning,
                             descriptions.join(QLatin1Char(' ')), QStringLiteral("sandbox-fault"));
    }
}

void MainWindow::updateFindings(const FlowResult &result)
{
    buildPanels();
    const QList<doctor::Finding> findings = doctor::checkRun(*m_trace, result, m_profile);
    m_findingsPanel->setFindings(findings);
    setFindingsTabText();
    // Errors and warnings explain a failure, so their tab comes to the front. Notes alone
    // leave the step inspector in view.
    if (doctor::hasErrors(findings) || doctor::countSeverity(findings, doctor::Finding::Severity::Warning) > 0)
        m_stepTabs->setCurrentWidget(m_findingsPage);
}

void MainWindow::setFindingsTabText()
{
    const int count = m_findingsPanel ? int(m_findingsPanel->findings().size()) : 0;
    m_stepTabs->setTabText(m_stepTabs->indexOf(m_findingsPage), count ? tr("F&indings (%1)").arg(count) : tr("F&indings"));
}

void MainWindow::exportRunInteractively()
{
    if (m_trace->count() == 0) {
        m_banner->showMessage(MessageBanner::Kind::Info,
                              tr("There is no run to export yet. Run a flow first, for example Log in (Ctrl+L)."));
        return;
    }
    const QString harFilter = tr("HAR files with the findings (*.har)");
    const QString pngFilter = tr("PNG images of the diagram (*.png)");
    QSettings settings;
    QString folder = settings.value(lastExportFolderSetting).toString();
    // Never the working folder: started from a source checkout, a HAR file there could end up
    // in a commit.
    if (folder.isEmpty() || !QDir(folder).exists())
        folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (folder.isEmpty() || !QDir(folder).exists())
        folder = QDir::homePath();
    // The profile id without characters that file systems or shells treat specially.
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]+"));
    QString base = m_profile.id;
    base.replace(unsafe, QStringLiteral("-"));
    if (base.isEmpty())
        base = QStringLiteral("run");
    const QString suggested = QDir(folder).filePath(
        QStringLiteral("%1-%2.har").arg(base, QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"))));

    QString filter = harFilter;
    const QString filters = harFilter + QStringLiteral(";;") + pngFilter;
    QString path = m_chooseSaveFile ? m_chooseSaveFile(tr("Export run"), suggested, filters, &filter)
                                    : QFileDialog::getSaveFileName(this, tr("Export run"), suggested, filters, &filter);
    if (path.isEmpty())
        return;
    // The typed suffix decides the type. Without .har or .png, the chosen filter decides.
    QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("har") && suffix != QLatin1String("png")) {
        const bool png = filter == pngFilter;
        if (suffix.isEmpty())
            path += png ? QStringLiteral(".png") : QStringLiteral(".har");
        suffix = png ? QStringLiteral("png") : QStringLiteral("har");
    }
    settings.setValue(lastExportFolderSetting, QFileInfo(path).absolutePath());
    if (suffix == QLatin1String("png"))
        exportDiagramImage(path);
    else
        exportRun(path);
}

bool MainWindow::exportRun(const QString &path)
{
    buildPanels();
    RunExportInfo info;
    info.profileName = m_profile.name;
    info.issuer = m_profile.issuer;
    info.clientId = m_profile.clientId;
    info.outcome = m_runOutcome;
    QString error;
    if (!writeHarFile(path, *m_trace, m_findingsPanel->findings(), info, &error)) {
        qCWarning(lcWindow).noquote() << error;
        m_banner->showMessage(MessageBanner::Kind::Error, error);
        return false;
    }
    const int findings = int(m_findingsPanel->findings().size());
    QString message = tr("Exported the run to %1 (steps: %2, findings: %3). Codes, tokens and secrets are masked.")
                          .arg(QDir::toNativeSeparators(path))
                          .arg(m_trace->count())
                          .arg(findings);
    if (m_flow->isRunning())
        message += QLatin1Char(' ') + tr("The run is still going, so the file has the steps so far.");
    m_banner->showMessage(MessageBanner::Kind::Success, message);
    return true;
}

bool MainWindow::exportDiagramImage(const QString &path)
{
    const QImage image = renderDiagramImage(m_trace, m_diagram, m_diagram->viewport()->width());
    QString error;
    if (!writePngFile(path, image, &error)) {
        qCWarning(lcWindow).noquote() << error;
        m_banner->showMessage(MessageBanner::Kind::Error, error);
        return false;
    }
    m_banner->showMessage(MessageBanner::Kind::Success,
                          tr("Exported the diagram to %1 (%2 × %3 pixels).")
                              .arg(QDir::toNativeSeparators(path))
                              .arg(image.width())
                              .arg(image.height()));
    return true;
}

void MainWindow::showTokenInspector(const QString &token)
{
    if (!m_tokenInspector) {
        m_tokenInspector = new TokenInspector(this);
        m_tokenInspector->setObjectName(QStringLiteral("tokenInspector"));
        m_tokenInspector->setWindowFlag(Qt::Window);
        m_tokenInspector->setWindowTitle(tr("Token inspector"));
        m_tokenInspector->resize(1100, 860);
    }
    // The keys of the last run verify its provider's tokens.
    if (!m_flow->keys().isEmpty())
        m_tokenInspector->setVerificationKeys(m_flow->keys(), m_flow->metadata().issuer, m_profile.clientId);
    if (!token.isEmpty())
        m_tokenInspector->setToken(token);
    m_tokenInspector->show();
    m_tokenInspector->raise();
    m_tokenInspector->activateWindow();
}

void MainWindow::showFaultPanel()
{
    if (!m_sandbox->isRunning()) {
        m_banner->showMessage(MessageBanner::Kind::Error, tr("The built-in sandbox is not running: %1").arg(m_sandboxError));
        return;
    }
    if (!m_faultPanel)
        m_faultPanel = new FaultPanel(m_sandbox, this);
    m_faultPanel->show();
    m_faultPanel->raise();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasText() && TokenInspector::looksLikeToken(event->mimeData()->text()))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    showTokenInspector(event->mimeData()->text());
    event->acceptProposedAction();
}

void MainWindow::compareRuns()
{
    if (m_previousTrace->count() == 0) {
        m_banner->showMessage(MessageBanner::Kind::Info,
                              tr("There is no earlier run to compare with yet. Run a flow, then another one (for example "
                                 "the code flow, then an implicit profile), and compare them."));
        return;
    }
    if (!m_compareDialog) {
        m_compareDialog = new QDialog(this);
        m_compareDialog->setObjectName(QStringLiteral("compareDialog"));
        m_compareDialog->setWindowTitle(tr("Compare runs"));
        m_compareDialog->resize(1400, 800);
        auto *layout = new QHBoxLayout(m_compareDialog);
        auto *splitter = new QSplitter(Qt::Horizontal, m_compareDialog);
        layout->addWidget(splitter);
        for (Trace *trace : {m_previousTrace, m_trace}) {
            auto *column = new QWidget(splitter);
            auto *columnLayout = new QVBoxLayout(column);
            columnLayout->setContentsMargins(0, 0, 0, 0);
            auto *title = new QLabel(column);
            title->setObjectName(trace == m_trace ? QStringLiteral("currentRunTitle") : QStringLiteral("previousRunTitle"));
            QFont bold = title->font();
            bold.setBold(true);
            title->setFont(bold);
            auto *diagram = new DiagramWidget(column);
            diagram->setAnimationDuration(0);
            diagram->setTrace(trace);
            columnLayout->addWidget(title);
            columnLayout->addWidget(diagram, 1);
            splitter->addWidget(column);
        }
    }
    const auto describe = [](const Trace *trace) {
        qint64 total = 0;
        for (const TraceStep &step : trace->steps())
            total += std::max<qint64>(0, step.durationMs);
        return tr("%1, %2 in requests").arg(stepCountText(int(trace->count())), elapsedText(total));
    };
    m_compareDialog->findChild<QLabel *>(QStringLiteral("previousRunTitle"))
        ->setText(tr("Previous run (%1): %2").arg(m_previousProfileName, describe(m_previousTrace)));
    m_compareDialog->findChild<QLabel *>(QStringLiteral("currentRunTitle"))
        ->setText(tr("This run (%1): %2").arg(m_profile.name, describe(m_trace)));
    m_compareDialog->show();
    m_compareDialog->raise();
}

bool MainWindow::askCredentials(const QString &title, const QString &note, QString *email, QString *password)
{
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("credentialsDialog"));
    dialog.setWindowTitle(title);
    auto *form = new QFormLayout(&dialog);
    auto *noteLabel = new QLabel(note, &dialog);
    noteLabel->setWordWrap(true);
    form->addRow(noteLabel);
    auto *emailEdit = new QLineEdit(&dialog);
    emailEdit->setObjectName(QStringLiteral("credentialsUser"));
    if (m_profile.sandbox)
        emailEdit->setText(sandbox::SandboxServer::demoEmail());
    auto *passwordEdit = new QLineEdit(&dialog);
    passwordEdit->setObjectName(QStringLiteral("credentialsPassword"));
    passwordEdit->setEchoMode(QLineEdit::Password);
    form->addRow(tr("&E-mail or user name:"), emailEdit);
    form->addRow(tr("&Password:"), passwordEdit);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Sign in"));
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    (emailEdit->text().isEmpty() ? emailEdit : passwordEdit)->setFocus();
    if (dialog.exec() != QDialog::Accepted)
        return false;
    *email = emailEdit->text().trimmed();
    *password = passwordEdit->text();
    return true;
}

void MainWindow::startPasswordLogin()
{
    QString email;
    QString password;
    if (askCredentials(tr("Password grant"),
                       tr("The app sends these to the token endpoint itself (grant_type=password). Providers that "
                          "follow current advice refuse this grant."),
                       &email, &password))
        passwordLogin(email, password);
}

void MainWindow::startMutationLogin()
{
    const QString endpoint = m_profile.graphqlUrl.isEmpty() ? tr("the backend") : m_profile.graphqlUrl.toString();
    QString email;
    QString password;
    if (askCredentials(tr("Login mutation"),
                       tr("The app sends these to %1 in the profile's GraphQL login mutation. The backend checks them "
                          "with the provider and returns the provider's tokens; no browser takes part.")
                           .arg(endpoint),
                       &email, &password))
        mutationLogin(email, password);
}

void MainWindow::mutationLogin(const QString &email, const QString &password)
{
    if (email.isEmpty() || password.isEmpty()) {
        m_banner->showMessage(MessageBanner::Kind::Error, tr("The login mutation needs both the e-mail and the password."));
        return;
    }
    if (!beginGrant(tr("Signing in through the backend's login mutation...")))
        return;
    startNewTrace();
    m_flow->startLoginMutation(m_profile, email, password);
}

void MainWindow::passwordLogin(const QString &username, const QString &password)
{
    if (username.isEmpty() || password.isEmpty()) {
        m_banner->showMessage(MessageBanner::Kind::Error, tr("The password grant needs both the e-mail (or user name) and the password."));
        return;
    }
    if (!beginGrant(tr("Signing in with the password grant...")))
        return;
    startNewTrace();
    withClientSecret([this, username, password](const QString &secret) { m_flow->startPasswordGrant(m_profile, secret, username, password); });
}

void MainWindow::startDeviceLogin()
{
    if (!beginGrant(tr("Requesting a device code...")))
        return;
    startNewTrace();
    m_tabs->setCurrentWidget(m_browserStack);
    withClientSecret([this](const QString &secret) { m_flow->startDeviceAuthorization(m_profile, secret); });
}

void MainWindow::manageToken(FlowKind kind, AuthCodeFlow::TokenChoice choice)
{
    const bool refresh = choice == AuthCodeFlow::TokenChoice::RefreshToken;
    if ((refresh ? m_tokens.refreshToken : m_tokens.accessToken).isEmpty()) {
        m_banner->showMessage(MessageBanner::Kind::Error,
                              refresh ? tr("There is no refresh token for this profile.") : tr("There is no access token for this profile."));
        return;
    }
    const bool revoke = kind == FlowKind::Revocation;
    if (!beginGrant(revoke ? tr("Revoking the token...") : tr("Introspecting the token...")))
        return;
    const TokenSet tokens = m_tokens;
    withClientSecret([this, revoke, tokens, choice](const QString &secret) {
        if (revoke)
            m_flow->startRevocation(m_profile, secret, tokens, choice);
        else
            m_flow->startIntrospection(m_profile, secret, tokens, choice);
    });
}

void MainWindow::logoutOfProvider()
{
    if (m_flow->isRunning() || m_loginPending)
        return;
    if (m_profile.browser == BrowserKind::System) {
        if (beginGrant(tr("Logging out at the provider...")))
            m_flow->startLogout(m_profile, m_tokens);
        return;
    }
    m_loginPending = true;
    m_loginAction->setEnabled(false);
    m_cancelAction->setEnabled(true);
    m_tabs->setCurrentWidget(m_browserStack);
    ensureBrowser([this] {
        if (!m_loginPending)
            return;
        m_loginPending = false;
        useBrowserSession();
        m_browser->setLifelineUrls(QUrl(m_profile.issuer), m_profile.graphqlUrl);
        m_browserStack->setCurrentWidget(m_browserWidget);
        setBusy(true, tr("Logging out at the provider..."));
        m_flow->startLogout(m_profile, m_tokens);
    });
}

void MainWindow::callUserInfo()
{
    if (m_tokens.accessToken.isEmpty()) {
        m_banner->showMessage(MessageBanner::Kind::Error, tr("There is no access token for this profile. Log in first."));
        return;
    }
    if (!beginGrant(tr("Calling the UserInfo endpoint...")))
        return;
    m_flow->startUserInfo(m_profile, m_tokens);
}

void MainWindow::requestClientToken()
{
    if (m_profile.clientAuth == ClientAuthMethod::None) {
        m_banner->showMessage(MessageBanner::Kind::Error,
                              tr("The client credentials grant needs a confidential client, and the profile's client \"%1\" "
                                 "authenticates with \"none\". Choose client_secret_basic or client_secret_post and store the "
                                 "secret in File > Edit profile.")
                                  .arg(m_profile.clientId));
        return;
    }
    if (!beginGrant(tr("Requesting a token for the client...")))
        return;
    startNewTrace();
    withClientSecret([this](const QString &secret) { m_flow->startClientCredentials(m_profile, secret); });
}

void MainWindow::cancelLogin()
{
    if (m_loginPending) {
        // The browser is still starting; the flow has not begun.
        m_loginPending = false;
        m_loginAction->setEnabled(true);
        m_cancelAction->setEnabled(false);
        setBusy(false);
        return;
    }
    m_flow->cancel();
}

void MainWindow::onFlowFinished(const FlowResult &result)
{
    setBusy(false);
    m_lastResult = result;
    m_runOutcome = m_trace->mask(result.message);
    updateFindings(result);
    showRunSummary();
    m_loginAction->setEnabled(true);
    m_cancelAction->setEnabled(false);
    const auto afterRefresh = std::exchange(m_afterRefresh, {});
    auto report = [this, kind = result.kind, afterRefresh](bool ok, const QString &message) {
        if (kind == FlowKind::AuthorizationCode)
            Q_EMIT loginFinished(ok, message);
        if (afterRefresh)
            afterRefresh(ok);
        Q_EMIT flowFinished(kind, ok, message);
    };
    if (!result.ok) {
        if (result.loginRequired) {
            m_bannerAction = [this] { login(); };
            m_banner->showMessage(MessageBanner::Kind::Error, m_trace->mask(result.message), tr("Log in again"));
        } else if (result.suggestSystemBrowser) {
            m_bannerAction = [this] { switchToSystemBrowser(); };
            m_banner->showMessage(MessageBanner::Kind::Error, m_trace->mask(result.message), tr("Use the system browser"));
        } else {
            m_banner->showMessage(result.stage == FlowStage::Cancelled ? MessageBanner::Kind::Info : MessageBanner::Kind::Error,
                                  m_trace->mask(result.message));
        }
        if (result.failedStep >= 0)
            m_diagram->setCurrentStep(result.failedStep);
        if (!result.tokens.isEmpty())
            m_tokenPanel->setTokens(result.tokens, result.validation, tr("Rejected by validation"));
        report(false, result.message);
        return;
    }

    if (result.kind == FlowKind::DeviceCode && m_devicePanel)
        m_devicePanel->finish(result.ok ? tr("Signed in.") : tr("Stopped."));
    if (result.kind == FlowKind::Logout && m_browser && m_browserWidget)
        m_browser->clearSession(m_profile.id, browserSessionFolder(m_profile)); // the provider's session is over, so its cookies go too
    if (result.kind == FlowKind::UserInfo || result.kind == FlowKind::Introspection || result.kind == FlowKind::Logout) {
        // Nothing to store: the result is on the diagram and in the banner.
        m_banner->showMessage(MessageBanner::Kind::Success, m_trace->mask(result.message));
        if (!m_trace->steps().isEmpty())
            m_diagram->setCurrentStep(m_trace->count() - 2); // the UserInfo request, with the claims
        report(true, result.message);
        return;
    }
    const QString time = QLocale().toString(QTime::currentTime(), QLocale::ShortFormat);
    QString source = tr("Signed in %1").arg(time);
    oidc::IdTokenValidation validation = result.validation;
    if (result.kind == FlowKind::Refresh) {
        source = tr("Refreshed %1").arg(time);
        if (validation.checks.isEmpty())
            validation = m_validation; // the ID token was kept, and so are its checks
    } else if (result.kind == FlowKind::ClientCredentials) {
        source = tr("Client token %1").arg(time);
    } else if (result.kind == FlowKind::Password) {
        source = tr("Password grant %1").arg(time);
    } else if (result.kind == FlowKind::LoginMutation) {
        source = tr("Login mutation %1").arg(time);
    } else if (result.kind == FlowKind::DeviceCode) {
        source = tr("Signed in on another device %1").arg(time);
    } else if (result.kind == FlowKind::Revocation) {
        source = tr("After revocation %1").arg(time);
        validation = m_validation;
    }
    showTokens(result.tokens, validation, source);
    if (!afterRefresh) // a refresh before a query stays on the Query tab
        m_tabs->setCurrentWidget(m_tokenPage);
    m_banner->showMessage(MessageBanner::Kind::Success, result.message);

    if (!m_tokenStore) {
        m_trace->appendLocal(Trace::App, tr("Tokens not saved"), StepResult::Warning,
                             tr("The OS keychain is not available and the memory store was not chosen, so these tokens "
                                "are gone when the app quits."),
                             QStringLiteral("token-store"));
        showRunSummary(); // counts the step just added
        m_bannerAction = [this] { useMemoryStore(); };
        m_banner->showMessage(MessageBanner::Kind::Warning,
                              tr("The tokens are not saved: the OS keychain is not available."),
                              tr("Keep tokens in memory for this session"));
        report(true, result.message);
        return;
    }
    const int step = m_trace->appendLocal(Trace::App, tr("Save tokens"), StepResult::Pending,
                                          tr("Writing to %1...").arg(m_tokenStore->backendName()), QStringLiteral("token-store"));
    showRunSummary(); // counts the step just added
    const QString message = result.message;
    m_tokenStore->saveTokens(tokenKey(), result.tokens, [this, step, message, report](bool ok, const QString &error) {
        m_trace->update(step, [&](TraceStep &traceStep) {
            traceStep.result = ok ? StepResult::Ok : StepResult::Failed;
            traceStep.detail = ok ? tr("Saved in %1 under the key %2.").arg(m_tokenStore->backendName(), tokenKey().toString())
                                  : tr("Saving failed: %1").arg(error);
        });
        showRunSummary(); // the run now ends when the save ended
        if (!ok) {
            m_bannerAction = [this] { useMemoryStore(); };
            m_banner->showMessage(MessageBanner::Kind::Error, tr("The tokens could not be saved: %1").arg(error),
                                  tr("Keep tokens in memory for this session"));
        }
        Q_EMIT tokensSaved(ok);
        report(true, message);
    });
}

void MainWindow::showRunSummary()
{
    // The run's total time, from the first step's start to the last step's end.
    QDateTime first;
    QDateTime last;
    for (const TraceStep &step : m_trace->steps()) {
        if (!step.startedAt.isValid())
            continue;
        if (!first.isValid() || step.startedAt < first)
            first = step.startedAt;
        const QDateTime end = step.startedAt.addMSecs(std::max<qint64>(0, step.durationMs));
        if (!last.isValid() || end > last)
            last = end;
    }
    if (!first.isValid())
        return;
    m_statusLabel->setText(tr("Profile \"%1\": last run %2 in %3")
                               .arg(m_profile.name, stepCountText(int(m_trace->count())), elapsedText(first.msecsTo(last))));
}

void MainWindow::forgetTokens()
{
    if (!m_tokenStore)
        return;
    m_tokenStore->remove(tokenKey().toString(), [this](bool ok, const QString &error) {
        if (ok) {
            m_tokens = {};
            m_tokenPanel->clear();
            m_queryEditor->setTokens({});
            statusBar()->showMessage(tr("Stored tokens for \"%1\" removed.").arg(m_profile.name), 5000);
        } else {
            m_banner->showMessage(MessageBanner::Kind::Error, tr("The tokens could not be removed: %1").arg(error));
        }
    });
}

void MainWindow::newProfileFromPreset()
{
    PresetDialog presets(this);
    if (presets.exec() != QDialog::Accepted)
        return;
    Profile profile = presets.profile();
    profile.id = ProfileStore::newId();
    profile.sandbox = false;
    newProfile(profile);
}

void MainWindow::newProfile(const Profile &start)
{
    ProfileDialog dialog(this);
    Profile blank = start;
    if (blank.id.isEmpty())
        blank.id = ProfileStore::newId();
    blank.sandbox = false;
    dialog.setProfile(blank, QString());
    if (dialog.exec() != QDialog::Accepted)
        return;
    const Profile profile = dialog.profile();
    QString error;
    if (!m_profiles->save(profile, &error)) {
        m_banner->showMessage(MessageBanner::Kind::Error, error);
        return;
    }
    if (m_tokenStore && !dialog.clientSecret().isEmpty())
        m_tokenStore->write(TokenStore::clientSecretKey(profile.id), dialog.clientSecret(), [this](bool ok, const QString &writeError) {
            if (!ok)
                m_banner->showMessage(MessageBanner::Kind::Error, tr("The client secret could not be saved: %1").arg(writeError));
        });
    reloadProfiles(profile.id);
}

void MainWindow::editProfile()
{
    if (m_profile.sandbox)
        return;
    const QString id = m_profile.id;
    auto open = [this, id](const QString &secret) {
        const auto stored = m_profiles->load(id);
        if (!stored)
            return;
        ProfileDialog dialog(this);
        dialog.setProfile(*stored, secret);
        if (dialog.exec() != QDialog::Accepted)
            return;
        const Profile profile = dialog.profile();
        QString error;
        if (!m_profiles->save(profile, &error)) {
            m_banner->showMessage(MessageBanner::Kind::Error, error);
            return;
        }
        if (m_tokenStore) {
            const QString key = TokenStore::clientSecretKey(profile.id);
            auto done = [this](bool ok, const QString &writeError) {
                if (!ok)
                    m_banner->showMessage(MessageBanner::Kind::Error, tr("The client secret could not be saved: %1").arg(writeError));
            };
            if (dialog.clientSecret().isEmpty())
                m_tokenStore->remove(key, done);
            else
                m_tokenStore->write(key, dialog.clientSecret(), done);
        }
        reloadProfiles(profile.id);
    };
    if (!m_tokenStore) {
        open(QString());
        return;
    }
    m_tokenStore->read(TokenStore::clientSecretKey(id), [open](bool, const QString &secret, const QString &) { open(secret); });
}

void MainWindow::openProfileDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open profile file"), QString(), tr("Profiles (*.json);;All files (*)"));
    if (!path.isEmpty())
        openProfileFile(path);
}

bool MainWindow::openProfileFile(const QString &path)
{
    Profile imported;
    QStringList warnings;
    QString error;
    if (!m_profiles->importFile(path, &imported, &warnings, &error)) {
        m_banner->showMessage(MessageBanner::Kind::Error, error);
        return false;
    }
    reloadProfiles(imported.id);
    QString text = tr("Opened profile \"%1\" from %2.").arg(imported.name, path);
    if (!warnings.isEmpty())
        text += QLatin1Char(' ') + warnings.join(QLatin1Char(' '));
    m_banner->showMessage(warnings.isEmpty() ? MessageBanner::Kind::Info : MessageBanner::Kind::Warning, text);
    return true;
}

void MainWindow::setBusy(bool busy, const QString &message)
{
    m_busy->setVisible(busy);
    if (!message.isEmpty())
        m_statusLabel->setText(message);
    else if (!busy)
        m_statusLabel->setText(tr("Profile \"%1\": issuer %2").arg(m_profile.name, m_profile.issuer));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_flow->isRunning())
        m_flow->cancel();
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    if (auto *split = findChild<QSplitter *>(QStringLiteral("mainSplitter")))
        settings.setValue(QStringLiteral("window/mainSplitter"), split->saveState());
    if (auto *left = findChild<QSplitter *>(QStringLiteral("diagramSplitter")))
        settings.setValue(QStringLiteral("window/diagramSplitter"), left->saveState());
    QMainWindow::closeEvent(event);
}

} // namespace afx::gui
