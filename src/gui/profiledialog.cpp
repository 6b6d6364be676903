#include "gui/profiledialog.h"

#include "ui_profiledialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QFormLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMessageBox>
#include <QVBoxLayout>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>

#include <algorithm>

namespace afx::gui {

ProfileDialog::ProfileDialog(QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::ProfileDialog>())
{
    m_ui->setupUi(this);
    m_ui->message->setVisible(false);
    addTermsHelp();
    for (const ClientAuthMethod method : {ClientAuthMethod::None, ClientAuthMethod::ClientSecretBasic, ClientAuthMethod::ClientSecretPost,
                                          ClientAuthMethod::ClientSecretJwt, ClientAuthMethod::PrivateKeyJwt})
        m_ui->clientAuth->addItem(clientAuthMethodName(method), int(method));

    // private_key_jwt: the PEM file, in a row after the client secret.
    auto *keyRow = new QWidget(this);
    auto *keyLayout = new QHBoxLayout(keyRow);
    keyLayout->setContentsMargins(0, 0, 0, 0);
    m_clientKeyFile = new QLineEdit(keyRow);
    m_clientKeyFile->setObjectName(QStringLiteral("clientKeyFile"));
    m_clientKeyFile->setAccessibleName(tr("Client key file"));
    m_clientKeyFile->setPlaceholderText(tr("PEM file with the client's private key (RSA or EC P-256)"));
    auto *browse = new QPushButton(tr("Bro&wse..."), keyRow);
    keyLayout->addWidget(m_clientKeyFile, 1);
    keyLayout->addWidget(browse);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Client private key"), m_clientKeyFile->text(),
                                                          tr("PEM files (*.pem *.key);;All files (*)"));
        if (!path.isEmpty())
            m_clientKeyFile->setText(path);
    });
    int secretRow = -1;
    QFormLayout::ItemRole secretRole;
    m_ui->form->getWidgetPosition(m_ui->clientSecret, &secretRow, &secretRole);
    m_ui->form->insertRow(secretRow + 1, tr("Client &key file:"), keyRow);
    m_keyRow = keyRow;
    for (const char *type : {"code", "id_token", "id_token token", "code id_token", "code token", "code id_token token"})
        m_ui->responseType->addItem(QString::fromLatin1(type));
    m_ui->responseType->setToolTip(tr("code with PKCE is the recommended flow. The others return tokens through the "
                                      "browser (implicit and hybrid flows), to compare them."));

    // Response mode and browser, in rows after the response type.
    m_responseMode = new QComboBox(this);
    m_responseMode->setObjectName(QStringLiteral("responseMode"));
    m_responseMode->setAccessibleName(tr("Response mode"));
    m_responseMode->addItem(tr("Default for the response type"), QString());
    for (const char *mode : {"query", "fragment", "form_post"})
        m_responseMode->addItem(QString::fromLatin1(mode), QString::fromLatin1(mode));
    m_responseMode->setToolTip(tr("form_post needs a loopback redirect URI such as http://127.0.0.1/callback."));
    m_browser = new QComboBox(this);
    m_browser->setObjectName(QStringLiteral("browser"));
    m_browser->setAccessibleName(tr("Browser"));
    m_browser->addItem(tr("Embedded browser (every page on the diagram)"), int(BrowserKind::Embedded));
    m_browser->addItem(tr("System browser with a loopback redirect (RFC 8252)"), int(BrowserKind::System));
    m_browser->setToolTip(tr("Use the system browser for providers that refuse embedded browsers, such as Google. "
                             "The redirect URI must then be http://127.0.0.1/callback or similar."));
    int row = -1;
    QFormLayout::ItemRole role;
    m_ui->form->getWidgetPosition(m_ui->responseType, &row, &role);
    m_ui->form->insertRow(row + 1, tr("Response &mode:"), m_responseMode);
    m_ui->form->insertRow(row + 2, tr("&Browser:"), m_browser);
    m_pushed = new QCheckBox(tr("Push the request first (PAR, RFC 9126) when the provider offers it"), this);
    m_pushed->setObjectName(QStringLiteral("pushedAuthorization"));
    m_ui->form->insertRow(row + 3, QString(), m_pushed);
    m_keepSession = new QCheckBox(tr("Keep the login session between runs (single sign-on after a restart)"), this);
    m_keepSession->setObjectName(QStringLiteral("keepBrowserSession"));
    m_keepSession->setToolTip(tr("Keeps the provider's cookies for this profile on disk. Off: every start of the app "
                                 "begins with an empty browser session."));
    m_ui->form->insertRow(row + 4, QString(), m_keepSession);
    buildLoginMutationRows();
    buildEnvironmentRows();
    m_ui->clientSecret->setEnabled(false);
    connect(m_ui->clientAuth, &QComboBox::currentIndexChanged, this, [this] {
        const auto method = ClientAuthMethod(m_ui->clientAuth->currentData().toInt());
        m_ui->clientSecret->setEnabled(usesClientSecret(method));
        m_keyRow->setEnabled(method == ClientAuthMethod::PrivateKeyJwt);
    });
    m_ui->buttons->button(QDialogButtonBox::Save)->setDefault(true);
    connect(m_ui->buttons, &QDialogButtonBox::accepted, this, &ProfileDialog::accept);
    connect(m_ui->buttons, &QDialogButtonBox::rejected, this, &ProfileDialog::reject);
    setProfile(Profile{}, QString());
}

ProfileDialog::~ProfileDialog() = default;

void ProfileDialog::addTermsHelp()
{
    auto *help = new QLabel(tr("<a href=\"terms\">Auth provider, authentication profile, single sign-on: what is the "
                               "difference?</a>"),
                            this);
    help->setObjectName(QStringLiteral("termsHelp"));
    help->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    connect(help, &QLabel::linkActivated, this, [this] {
        QMessageBox box(QMessageBox::Information, tr("Auth provider, authentication profile, single sign-on"),
                        tr("<p><b>Auth provider</b>: the server that signs users in and issues the tokens, such as "
                           "Auth0, Okta, Keycloak, Entra ID or Google. Its issuer URL and discovery document describe "
                           "it, and each app registered with it has a client id.</p>"
                           "<p><b>Authentication profile</b>: a backend-as-a-service's setting for one way of signing in "
                           "to one app: which provider it trusts, who may sign up, and which role a new user gets. One "
                           "app can have several, such as open sign-up with a Guest role next to sign-up restricted to "
                           "the company's e-mail domain with an Employee role.</p>"
                           "<p><b>Single sign-on</b>: the provider remembers a signed-in user in a session cookie of the "
                           "browser, so a second login, for this app or another app of the same provider, skips the "
                           "password. It lasts until the session expires or the user logs out of the provider.</p>"
                           "<p>This profile describes one app's client at one auth provider.</p>"),
                        QMessageBox::Ok, this);
        box.setTextFormat(Qt::RichText);
        box.exec();
    });
    static_cast<QVBoxLayout *>(layout())->insertWidget(0, help);
}

void ProfileDialog::buildLoginMutationRows()
{
    // Hidden until asked for: most providers need no login mutation.
    auto *toggle = new QPushButton(tr("Login &mutation (e-mail and password through the backend)..."), this);
    toggle->setObjectName(QStringLiteral("loginMutationToggle"));
    toggle->setCheckable(true);
    toggle->setToolTip(tr("For backends that sign users in through their own GraphQL API and return the provider's tokens"));
    m_mutationBox = new QWidget(this);
    m_mutationBox->setObjectName(QStringLiteral("loginMutationBox"));
    auto *form = new QFormLayout(m_mutationBox);
    form->setContentsMargins(0, 0, 0, 0);
    auto *note = new QLabel(tr("Run > Sign in through the backend posts this document to the GraphQL endpoint. "
                               "{{email}} and {{password}} in the variables are replaced with what you type; the "
                               "password is never saved."),
                            m_mutationBox);
    note->setWordWrap(true);
    form->addRow(note);
    m_mutationDocument = new QPlainTextEdit(m_mutationBox);
    m_mutationDocument->setObjectName(QStringLiteral("loginMutationDocument"));
    m_mutationDocument->setAccessibleName(tr("Login mutation document"));
    m_mutationDocument->setPlaceholderText(QStringLiteral("mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { idToken refreshToken } }"));
    m_mutationDocument->setFixedHeight(fontMetrics().lineSpacing() * 5);
    m_mutationVariables = new QPlainTextEdit(m_mutationBox);
    m_mutationVariables->setObjectName(QStringLiteral("loginMutationVariables"));
    m_mutationVariables->setAccessibleName(tr("Login mutation variables"));
    m_mutationVariables->setPlaceholderText(QStringLiteral("{\"email\": \"{{email}}\", \"password\": \"{{password}}\"}"));
    m_mutationVariables->setFixedHeight(fontMetrics().lineSpacing() * 3);
    m_idTokenPath = new QLineEdit(m_mutationBox);
    m_idTokenPath->setObjectName(QStringLiteral("idTokenPath"));
    m_idTokenPath->setPlaceholderText(QStringLiteral("data.login.idToken"));
    m_refreshTokenPath = new QLineEdit(m_mutationBox);
    m_refreshTokenPath->setObjectName(QStringLiteral("refreshTokenPath"));
    m_refreshTokenPath->setPlaceholderText(tr("Optional, such as data.login.refreshToken"));
    m_accessTokenPath = new QLineEdit(m_mutationBox);
    m_accessTokenPath->setObjectName(QStringLiteral("accessTokenPath"));
    m_accessTokenPath->setPlaceholderText(tr("Optional, such as data.login.accessToken"));
    form->addRow(tr("Document:"), m_mutationDocument);
    form->addRow(tr("Variables (JSON):"), m_mutationVariables);
    form->addRow(tr("ID token path:"), m_idTokenPath);
    form->addRow(tr("Refresh token path:"), m_refreshTokenPath);
    form->addRow(tr("Access token path:"), m_accessTokenPath);
    m_mutationBox->setVisible(false);
    connect(toggle, &QPushButton::toggled, this, [this](bool shown) {
        m_mutationBox->setVisible(shown);
        adjustSize();
    });
    m_ui->form->addRow(QString(), toggle);
    m_ui->form->addRow(m_mutationBox);
}

void ProfileDialog::buildEnvironmentRows()
{
    m_environmentToggle = new QPushButton(this);
    m_environmentToggle->setObjectName(QStringLiteral("environmentToggle"));
    m_environmentToggle->setCheckable(true);
    m_environmentToggle->setToolTip(tr("Values the query editor puts in place of {{name}} in URLs, headers, bodies and "
                                       "variables"));
    m_environmentBox = new QWidget(this);
    m_environmentBox->setObjectName(QStringLiteral("environmentBox"));
    auto *layout = new QVBoxLayout(m_environmentBox);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *note = new QLabel(tr("The query editor replaces {{name}} in the URL, headers, body and variables with these "
                               "values before sending. Values are saved <b>in plain text</b> in the profile file, so "
                               "never enter tokens or passwords here: names that look like secrets are rejected. Send "
                               "tokens with the query editor's credential choice instead."),
                            m_environmentBox);
    note->setObjectName(QStringLiteral("environmentNote"));
    note->setWordWrap(true);
    layout->addWidget(note);

    m_environment = new QTableWidget(0, 2, m_environmentBox);
    m_environment->setObjectName(QStringLiteral("environment"));
    m_environment->setAccessibleName(tr("Environment"));
    m_environment->setHorizontalHeaderLabels({tr("Name"), tr("Value (plain text)")});
    m_environment->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Interactive);
    m_environment->horizontalHeader()->setStretchLastSection(true);
    m_environment->horizontalHeader()->resizeSection(0, fontMetrics().horizontalAdvance(QLatin1Char('x')) * 20);
    m_environment->verticalHeader()->setVisible(false);
    m_environment->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_environment->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Tall enough for the header and four rows. More rows scroll.
    m_environment->setMinimumHeight(m_environment->horizontalHeader()->sizeHint().height()
                                    + 4 * m_environment->verticalHeader()->defaultSectionSize() + 4);
    m_environment->setTabKeyNavigation(false);
    layout->addWidget(m_environment);
    connect(m_environment, &QTableWidget::itemChanged, this, &ProfileDialog::updateEnvironmentToggle);

    auto *buttons = new QHBoxLayout;
    auto *add = new QPushButton(tr("&Add value"), m_environmentBox);
    add->setObjectName(QStringLiteral("addEnvironmentValue"));
    auto *remove = new QPushButton(tr("Remo&ve value"), m_environmentBox);
    remove->setObjectName(QStringLiteral("removeEnvironmentValue"));
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    connect(add, &QPushButton::clicked, this, [this] {
        const int row = m_environment->rowCount();
        m_environment->insertRow(row);
        m_environment->setItem(row, 0, new QTableWidgetItem);
        m_environment->setItem(row, 1, new QTableWidgetItem);
        m_environment->setCurrentCell(row, 0);
        m_environment->editItem(m_environment->item(row, 0));
        updateEnvironmentToggle();
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const int row = m_environment->currentRow();
        if (row >= 0)
            m_environment->removeRow(row);
        updateEnvironmentToggle();
    });

    m_environmentBox->setVisible(false);
    connect(m_environmentToggle, &QPushButton::toggled, this, [this](bool shown) {
        m_environmentBox->setVisible(shown);
        adjustSize();
    });
    m_ui->form->addRow(QString(), m_environmentToggle);
    m_ui->form->addRow(m_environmentBox);
    updateEnvironmentToggle();
}

void ProfileDialog::updateEnvironmentToggle()
{
    const int count = m_environment->rowCount();
    if (count == 0)
        m_environmentToggle->setText(tr("&Environment for the query editor..."));
    else if (count == 1)
        m_environmentToggle->setText(tr("&Environment for the query editor (1 value)..."));
    else
        m_environmentToggle->setText(tr("&Environment for the query editor (%1 values)...").arg(count));
}

void ProfileDialog::setEnvironment(const QList<QPair<QString, QString>> &environment)
{
    const QSignalBlocker blocker(m_environment);
    m_environment->setRowCount(0);
    for (const auto &[name, value] : environment) {
        const int row = m_environment->rowCount();
        m_environment->insertRow(row);
        m_environment->setItem(row, 0, new QTableWidgetItem(name));
        m_environment->setItem(row, 1, new QTableWidgetItem(value));
    }
    updateEnvironmentToggle();
    if (!environment.isEmpty())
        m_environmentToggle->setChecked(true);
}

void ProfileDialog::readEnvironment(QList<QPair<QString, QString>> *out, QStringList *problems) const
{
    out->clear();
    for (int row = 0; row < m_environment->rowCount(); ++row) {
        const QTableWidgetItem *nameItem = m_environment->item(row, 0);
        const QTableWidgetItem *valueItem = m_environment->item(row, 1);
        const QString name = nameItem ? nameItem->text().trimmed() : QString();
        const QString value = valueItem ? valueItem->text() : QString();
        if (name.isEmpty() && value.isEmpty())
            continue;
        if (name.isEmpty()) {
            problems->append(tr("Environment row %1 has a value but no name: name it or remove the row.").arg(row + 1));
            continue;
        }
        out->append({name, value});
    }
}

void ProfileDialog::setProfile(const Profile &profile, const QString &clientSecret)
{
    m_base = profile;
    m_ui->name->setText(profile.name);
    m_ui->issuer->setText(profile.issuer);
    m_ui->discoveryUrl->setText(profile.discoveryUrl.toString());
    m_ui->clientId->setText(profile.clientId);
    m_ui->clientAuth->setCurrentIndex(m_ui->clientAuth->findData(int(profile.clientAuth)));
    m_ui->clientSecret->setText(clientSecret);
    m_ui->clientSecret->setEnabled(usesClientSecret(profile.clientAuth));
    m_clientKeyFile->setText(profile.clientKeyFile);
    m_keyRow->setEnabled(profile.clientAuth == ClientAuthMethod::PrivateKeyJwt);
    m_ui->redirectUri->setText(profile.redirectUri);
    m_ui->scopes->setText(profile.scopes.join(QLatin1Char(' ')));
    m_ui->responseType->setCurrentText(profile.responseType);
    m_responseMode->setCurrentIndex(std::max(0, m_responseMode->findData(profile.responseMode)));
    m_browser->setCurrentIndex(m_browser->findData(int(profile.browser)));
    m_pushed->setChecked(profile.pushedAuthorization);
    m_keepSession->setChecked(profile.keepBrowserSession);
    m_mutationDocument->setPlainText(profile.loginMutation.document);
    m_mutationVariables->setPlainText(profile.loginMutation.variables.isEmpty()
                                          ? QString()
                                          : QString::fromUtf8(QJsonDocument(profile.loginMutation.variables).toJson(QJsonDocument::Compact)));
    m_idTokenPath->setText(profile.loginMutation.idTokenPath);
    m_refreshTokenPath->setText(profile.loginMutation.refreshTokenPath);
    m_accessTokenPath->setText(profile.loginMutation.accessTokenPath);
    if (profile.loginMutation.isSet())
        findChild<QPushButton *>(QStringLiteral("loginMutationToggle"))->setChecked(true);
    m_ui->audience->setText(profile.audience);
    m_ui->resource->setText(profile.resource);
    QStringList lines;
    for (const auto &[name, value] : profile.extraAuthorizeParams)
        lines << name + QLatin1Char('=') + value;
    m_ui->extraParams->setPlainText(lines.join(QLatin1Char('\n')));
    m_ui->graphqlUrl->setText(profile.graphqlUrl.toString());
    setEnvironment(profile.environment);
    m_ui->algorithms->setText(profile.allowedAlgorithms.join(QLatin1Char(' ')));
    m_ui->leeway->setValue(profile.leewaySeconds);
    m_ui->timeout->setValue(profile.timeoutSeconds);
    setWindowTitle(profile.name.isEmpty() ? tr("New profile") : tr("Profile: %1").arg(profile.name));
}

bool ProfileDialog::readForm(Profile *out, QStringList *problems) const
{
    Profile profile = m_base;
    profile.sandbox = false;
    profile.name = m_ui->name->text().trimmed();
    profile.issuer = m_ui->issuer->text().trimmed();
    const QString discovery = m_ui->discoveryUrl->text().trimmed();
    profile.discoveryUrl = discovery.isEmpty() ? QUrl() : QUrl(discovery, QUrl::StrictMode);
    if (!discovery.isEmpty() && (!profile.discoveryUrl.isValid() || profile.discoveryUrl.isRelative()))
        problems->append(tr("The discovery URL \"%1\" is not an absolute URL.").arg(discovery));
    profile.clientId = m_ui->clientId->text().trimmed();
    profile.clientAuth = ClientAuthMethod(m_ui->clientAuth->currentData().toInt());
    profile.redirectUri = m_ui->redirectUri->text().trimmed();
    profile.scopes = m_ui->scopes->text().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    profile.responseType = m_ui->responseType->currentText();
    profile.responseMode = m_responseMode->currentData().toString();
    profile.browser = BrowserKind(m_browser->currentData().toInt());
    profile.pushedAuthorization = m_pushed->isChecked();
    profile.keepBrowserSession = m_keepSession->isChecked();
    profile.loginMutation.document = m_mutationDocument->toPlainText().trimmed();
    profile.loginMutation.idTokenPath = m_idTokenPath->text().trimmed();
    profile.loginMutation.refreshTokenPath = m_refreshTokenPath->text().trimmed();
    profile.loginMutation.accessTokenPath = m_accessTokenPath->text().trimmed();
    profile.loginMutation.variables = {};
    const QString variablesText = m_mutationVariables->toPlainText().trimmed();
    if (!variablesText.isEmpty()) {
        QJsonParseError parseError;
        const QJsonDocument variables = QJsonDocument::fromJson(variablesText.toUtf8(), &parseError);
        if (parseError.error != QJsonParseError::NoError)
            problems->append(tr("The login mutation's variables are not valid JSON: %1 at character %2.")
                                 .arg(parseError.errorString())
                                 .arg(parseError.offset));
        else if (!variables.isObject())
            problems->append(tr("The login mutation's variables must be a JSON object, such as {\"email\": \"{{email}}\"}."));
        else
            profile.loginMutation.variables = variables.object();
    }
    if (profile.loginMutation.isSet()) {
        if (profile.loginMutation.idTokenPath.isEmpty() && profile.loginMutation.accessTokenPath.isEmpty())
            problems->append(tr("The login mutation needs the path of the ID token (or of the access token) in its response, "
                                "such as data.login.idToken."));
        for (auto it = profile.loginMutation.variables.constBegin(); it != profile.loginMutation.variables.constEnd(); ++it) {
            const QString text = it.value().toString();
            if (looksLikeSecretName(it.key()) && !(text.startsWith(QLatin1String("{{")) && text.endsWith(QLatin1String("}}"))))
                problems->append(tr("The login mutation's variable \"%1\" holds a literal value; profiles never store passwords. "
                                    "Use \"{{password}}\".")
                                     .arg(it.key()));
        }
    }
    profile.audience = m_ui->audience->text().trimmed();
    profile.resource = m_ui->resource->text().trimmed();
    profile.extraAuthorizeParams.clear();
    const QStringList lines = m_ui->extraParams->toPlainText().split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i).trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype equals = line.indexOf(QLatin1Char('='));
        if (equals <= 0) {
            problems->append(tr("Extra authorize parameter on line %1 (\"%2\") needs the form name=value.").arg(i + 1).arg(line));
            continue;
        }
        profile.extraAuthorizeParams.append({line.left(equals).trimmed(), line.mid(equals + 1).trimmed()});
    }
    const QString graphql = m_ui->graphqlUrl->text().trimmed();
    profile.graphqlUrl = graphql.isEmpty() ? QUrl() : QUrl(graphql, QUrl::StrictMode);
    if (!graphql.isEmpty() && (!profile.graphqlUrl.isValid() || profile.graphqlUrl.isRelative()))
        problems->append(tr("The GraphQL endpoint \"%1\" is not an absolute URL.").arg(graphql));
    readEnvironment(&profile.environment, problems);
    profile.allowedAlgorithms = m_ui->algorithms->text().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (profile.allowedAlgorithms.contains(QStringLiteral("none"), Qt::CaseInsensitive))
        problems->append(tr("The algorithm \"none\" cannot be allowed: an unsigned ID token proves nothing."));
    profile.leewaySeconds = m_ui->leeway->value();
    profile.timeoutSeconds = m_ui->timeout->value();
    if (profile.name.isEmpty())
        problems->append(tr("Give the profile a name."));
    if (usesClientSecret(profile.clientAuth) && m_ui->clientSecret->text().isEmpty())
        problems->append(tr("%1 needs a client secret; enter it or choose \"none\".").arg(clientAuthMethodName(profile.clientAuth)));
    profile.clientKeyFile = m_clientKeyFile->text().trimmed();
    if (profile.clientAuth == ClientAuthMethod::PrivateKeyJwt && profile.clientKeyFile.isEmpty())
        problems->append(tr("private_key_jwt needs the PEM file with the client's private key; choose it with Browse."));
    *out = profile;
    return problems->isEmpty();
}

Profile ProfileDialog::profile() const
{
    Profile profile;
    QStringList ignored;
    readForm(&profile, &ignored);
    return profile;
}

QString ProfileDialog::clientSecret() const
{
    return usesClientSecret(ClientAuthMethod(m_ui->clientAuth->currentData().toInt())) ? m_ui->clientSecret->text() : QString();
}

void ProfileDialog::showProblems(const QStringList &problems)
{
    m_ui->message->setVisible(!problems.isEmpty());
    QString html = QStringLiteral("<b>%1</b><ul style=\"margin:0\">").arg(tr("Fix these before saving:").toHtmlEscaped());
    for (const QString &problem : problems)
        html += QStringLiteral("<li>") + problem.toHtmlEscaped() + QStringLiteral("</li>");
    html += QStringLiteral("</ul>");
    m_ui->message->setText(html);
    m_ui->message->setStyleSheet(QStringLiteral("QLabel { background: #fdecea; color: #611a15; border: 1px solid #f5c2c0; "
                                                "border-radius: 4px; padding: 6px; }"));
}

void ProfileDialog::accept()
{
    Profile profile;
    QStringList problems;
    readForm(&profile, &problems);
    problems += profile.validate();
    if (!problems.isEmpty()) {
        showProblems(problems);
        return;
    }
    QDialog::accept();
}

} // namespace afx::gui
