#include "gui/tokenpanel.h"

#include "flow/checksteps.h"
#include "flow/trace.h"
#include "gui/diagramwidget.h"
#include "http/graphqlrequest.h"
#include "jose/base64url.h"
#include "jose/jws.h"

#include <QApplication>
#include <QFontDatabase>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonValue>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTextBlock>
#include <QTextCursor>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>
#include <cstdlib>
#include <functional>

namespace afx::gui {

namespace {

enum class TokenKind { Id, Access, Refresh };

// The largest date QDateTime::toString() can show, 9999-12-31T23:59:59Z, in seconds.
constexpr double maxEpochSeconds = 253402300799.0;

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

QFont monospaceFont()
{
    return QFontDatabase::systemFont(QFontDatabase::FixedFont);
}

QPlainTextEdit *makeReadOnlyText(const QString &objectName, QWidget *parent)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setObjectName(objectName);
    edit->setReadOnly(true);
    edit->setFont(monospaceFont());
    edit->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    edit->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    return edit;
}

QString htmlColor(const QColor &color)
{
    return color.name(QColor::HexRgb);
}

// "expires in 4 min" or "expired 2 min ago" for one time claim, relative to now.
QString relativeClaimText(const QString &claim, qint64 secondsFromNow)
{
    const QString duration = formatDuration(secondsFromNow);
    const bool future = secondsFromNow > 0;
    if (claim == QLatin1String("exp"))
        return future ? TokenPanel::tr("expires in %1").arg(duration) : TokenPanel::tr("expired %1 ago").arg(duration);
    if (claim == QLatin1String("nbf"))
        return future ? TokenPanel::tr("not valid for another %1").arg(duration)
                      : TokenPanel::tr("valid since %1 ago").arg(duration);
    if (claim == QLatin1String("iat"))
        return future ? TokenPanel::tr("issued %1 in the future: the clocks disagree").arg(duration)
                      : TokenPanel::tr("issued %1 ago").arg(duration);
    if (claim == QLatin1String("auth_time"))
        return future ? TokenPanel::tr("signed in %1 in the future: the clocks disagree").arg(duration)
                      : TokenPanel::tr("signed in %1 ago").arg(duration);
    return future ? TokenPanel::tr("in %1").arg(duration) : TokenPanel::tr("%1 ago").arg(duration);
}

} // namespace

QString localTimeText(const QDateTime &time)
{
    return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss t"));
}

QString timeClaimRows(const QJsonObject &claims, const QStringList &names, const QDateTime &now, const QPalette &palette,
                      bool colourValidExpiry)
{
    const QString failedColor = htmlColor(resultColor(StepResult::Failed, palette));
    const QString warningColor = htmlColor(resultColor(StepResult::Warning, palette));
    const QString okColor = htmlColor(resultColor(StepResult::Ok, palette));
    const QString mutedColor = htmlColor(resultColor(StepResult::Skipped, palette));

    QString rows;
    for (const QString &claim : names) {
        if (!claims.contains(claim))
            continue;
        const QJsonValue value = claims.value(claim);
        QString when;
        QString relative;
        QString color = mutedColor;
        const double seconds = value.toDouble(std::nan(""));
        if (!value.isDouble() || !std::isfinite(seconds)) {
            when = TokenPanel::tr("not a number");
            relative = TokenPanel::tr("JWT times are seconds since 1970-01-01 UTC (RFC 7519, section 2)");
            color = warningColor;
        } else if (seconds < 0 || seconds > maxEpochSeconds) {
            when = TokenPanel::tr("out of range: %1").arg(seconds, 0, 'g', 15);
            relative = TokenPanel::tr("not a date between 1970 and 9999");
            color = warningColor;
        } else {
            const QDateTime time = QDateTime::fromSecsSinceEpoch(qint64(seconds), Qt::UTC);
            const qint64 fromNow = now.secsTo(time);
            when = localTimeText(time);
            relative = relativeClaimText(claim, fromNow);
            if (claim == QLatin1String("exp") && fromNow <= 0)
                color = failedColor;
            else if (claim == QLatin1String("exp") && colourValidExpiry)
                color = okColor;
            else if (claim == QLatin1String("nbf") && fromNow > 0)
                color = failedColor;
            else if ((claim == QLatin1String("iat") || claim == QLatin1String("auth_time")) && fromNow > 0)
                color = warningColor;
        }
        rows += QStringLiteral("<tr><td><code>%1</code>&nbsp;&nbsp;</td><td>%2&nbsp;&nbsp;</td>"
                               "<td style=\"color:%3\">%4</td></tr>")
                    .arg(claim, when.toHtmlEscaped(), color, relative.toHtmlEscaped());
    }
    return rows;
}

QString checkStatusWord(oidc::Check::Status status)
{
    switch (status) {
    case oidc::Check::Status::Passed:
        return TokenPanel::tr("passed");
    case oidc::Check::Status::Failed:
        return TokenPanel::tr("failed");
    case oidc::Check::Status::Warning:
        return TokenPanel::tr("warning");
    case oidc::Check::Status::Skipped:
        return TokenPanel::tr("skipped");
    }
    return {};
}

QIcon checkStatusIcon(oidc::Check::Status status, const QPalette &palette)
{
    QIcon icon;
    for (const int size : {16, 32}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.scale(size / 16.0, size / 16.0);
        painter.setPen(Qt::NoPen);
        painter.setBrush(resultColor(stepResultForCheck(status), palette));
        painter.drawEllipse(QRectF(1, 1, 14, 14));

        QPen glyph(palette.color(QPalette::Base), 2.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
        painter.setPen(glyph);
        painter.setBrush(Qt::NoBrush);
        switch (status) {
        case oidc::Check::Status::Passed: {
            QPainterPath tick;
            tick.moveTo(4.5, 8.2);
            tick.lineTo(7.0, 10.7);
            tick.lineTo(11.5, 5.5);
            painter.drawPath(tick);
            break;
        }
        case oidc::Check::Status::Failed:
            painter.drawLine(QPointF(5.5, 5.5), QPointF(10.5, 10.5));
            painter.drawLine(QPointF(10.5, 5.5), QPointF(5.5, 10.5));
            break;
        case oidc::Check::Status::Warning:
            painter.drawLine(QPointF(8, 4.5), QPointF(8, 8.8));
            painter.drawPoint(QPointF(8, 11.5));
            break;
        case oidc::Check::Status::Skipped:
            painter.drawLine(QPointF(5, 8), QPointF(11, 8));
            break;
        }
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

QString formatDuration(qint64 seconds)
{
    seconds = std::llabs(seconds);
    if (seconds < 60)
        return TokenPanel::tr("%1 s").arg(seconds);
    if (seconds < 10 * 60)
        return TokenPanel::tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    if (seconds < 60 * 60)
        return TokenPanel::tr("%1 min").arg(seconds / 60);
    if (seconds < 48 * 60 * 60)
        return TokenPanel::tr("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
    return TokenPanel::tr("%1 days").arg(seconds / 86400);
}

QString maskedPreview(const QString &secret)
{
    if (secret.isEmpty())
        return {};
    // Short values would be mostly visible through their first six characters.
    const QString start = secret.size() >= 24 ? secret.left(6) : QString();
    return TokenPanel::tr("%1… (%2 chars)").arg(start).arg(secret.size());
}

// The view of one token: what it is, its masked or revealed raw value, its time claims and
// its decoded header and payload.
class TokenSection : public QWidget {
    Q_OBJECT
public:
    TokenSection(TokenKind kind, QWidget *parent);

    void setToken(const QString &raw, const TokenSet &tokens, Trace *trace);
    void refreshTimes(const QDateTime &now);
    void updateColors();
    void setClipboardClearDelay(int ms);

    std::function<void(const QString &)> copyRequested;

private:
    QString prefix() const;
    void analyse();
    void showValue();
    void showDecoded();
    QString formatSentence() const;
    void refreshResponseInfo(const QDateTime &now);
    void refreshTimeClaims(const QDateTime &now);

    TokenKind m_kind;
    QString m_raw;
    QPointer<Trace> m_trace;
    QDateTime m_accessExpiresAt;
    QString m_scope;
    QString m_tokenType;

    jose::TokenFormat m_format = jose::TokenFormat::Opaque;
    QString m_decodeError;
    QString m_alg;
    QString m_kid;
    QByteArray m_headerJson;
    QByteArray m_payloadJson;
    QJsonObject m_claims;

    QLabel *m_formatLabel = nullptr;
    QPlainTextEdit *m_value = nullptr;
    QPushButton *m_reveal = nullptr;
    QPushButton *m_copy = nullptr;
    QLabel *m_accessInfo = nullptr;
    QLabel *m_times = nullptr;
    QWidget *m_decoded = nullptr;
    QPlainTextEdit *m_header = nullptr;
    QPlainTextEdit *m_payload = nullptr;
    QLabel *m_payloadTitle = nullptr;
};

TokenSection::TokenSection(TokenKind kind, QWidget *parent)
    : QWidget(parent)
    , m_kind(kind)
{
    const QString name = prefix();
    QString capitalised = name;
    capitalised[0] = capitalised.at(0).toUpper();

    m_formatLabel = new QLabel(this);
    m_formatLabel->setObjectName(name + QStringLiteral("Format"));
    m_formatLabel->setWordWrap(true);
    m_formatLabel->setTextFormat(Qt::RichText);

    m_value = makeReadOnlyText(name + QStringLiteral("Value"), this);
    m_value->setWordWrapMode(QTextOption::WrapAnywhere);
    m_value->setAccessibleName(tr("Raw value"));

    m_reveal = new QPushButton(tr("Reveal"), this);
    m_reveal->setObjectName(QStringLiteral("reveal") + capitalised);
    m_reveal->setCheckable(true);
    m_reveal->setToolTip(tr("Show the raw token. Anyone who sees it can use it until it expires."));
    m_copy = new QPushButton(tr("Copy"), this);
    m_copy->setObjectName(QStringLiteral("copy") + capitalised);

    connect(m_reveal, &QPushButton::toggled, this, [this](bool revealed) {
        m_reveal->setText(revealed ? tr("Hide") : tr("Reveal"));
        showValue();
        showDecoded();
    });
    connect(m_copy, &QPushButton::clicked, this, [this] {
        if (!copyRequested || m_raw.isEmpty())
            return;
        copyRequested(m_raw);
        m_copy->setText(tr("Copied"));
        QTimer::singleShot(2000, m_copy, [copy = m_copy] { copy->setText(tr("Copy")); });
    });

    auto *valueRow = new QHBoxLayout;
    valueRow->addWidget(m_value, 1);
    valueRow->addWidget(m_reveal, 0, Qt::AlignTop);
    valueRow->addWidget(m_copy, 0, Qt::AlignTop);

    m_accessInfo = new QLabel(this);
    m_accessInfo->setObjectName(name + QStringLiteral("Expiry"));
    m_accessInfo->setTextFormat(Qt::RichText);
    m_accessInfo->setWordWrap(true);
    m_accessInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_accessInfo->setVisible(false);

    m_times = new QLabel(this);
    m_times->setObjectName(name + QStringLiteral("Times"));
    m_times->setTextFormat(Qt::RichText);
    m_times->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_header = makeReadOnlyText(name + QStringLiteral("Header"), this);
    m_payload = makeReadOnlyText(name + QStringLiteral("Payload"), this);
    auto *headerBox = new QWidget(this);
    auto *headerLayout = new QVBoxLayout(headerBox);
    headerLayout->setContentsMargins(0, 0, 0, 0);
    headerLayout->addWidget(new QLabel(tr("<b>Header</b>"), headerBox));
    headerLayout->addWidget(m_header);
    auto *payloadBox = new QWidget(this);
    auto *payloadLayout = new QVBoxLayout(payloadBox);
    payloadLayout->setContentsMargins(0, 0, 0, 0);
    m_payloadTitle = new QLabel(tr("<b>Payload</b> (claims)"), payloadBox);
    payloadLayout->addWidget(m_payloadTitle);
    payloadLayout->addWidget(m_payload);
    auto *decodedSplitter = new QSplitter(Qt::Horizontal, this);
    decodedSplitter->setChildrenCollapsible(false);
    decodedSplitter->addWidget(headerBox);
    decodedSplitter->addWidget(payloadBox);
    decodedSplitter->setStretchFactor(0, 1);
    decodedSplitter->setStretchFactor(1, 2);
    m_decoded = decodedSplitter;

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_formatLabel);
    layout->addLayout(valueRow);
    layout->addWidget(m_accessInfo);
    layout->addWidget(m_times);
    layout->addWidget(m_decoded, 1);
    if (m_kind == TokenKind::Refresh)
        layout->addStretch(1);
}

QString TokenSection::prefix() const
{
    switch (m_kind) {
    case TokenKind::Id:
        return QStringLiteral("idToken");
    case TokenKind::Access:
        return QStringLiteral("accessToken");
    case TokenKind::Refresh:
        return QStringLiteral("refreshToken");
    }
    return {};
}

void TokenSection::setToken(const QString &raw, const TokenSet &tokens, Trace *trace)
{
    m_raw = raw;
    m_trace = trace;
    m_accessExpiresAt = tokens.expiresAt;
    m_scope = tokens.scope;
    m_tokenType = tokens.tokenType;
    {
        // Each new token starts masked. The signal is blocked because showValue() runs below anyway.
        const QSignalBlocker blocker(m_reveal);
        m_reveal->setChecked(false);
        m_reveal->setText(tr("Reveal"));
    }
    analyse();

    m_reveal->setEnabled(!raw.isEmpty());
    m_copy->setEnabled(!raw.isEmpty());
    m_value->setVisible(!raw.isEmpty());
    m_reveal->setVisible(!raw.isEmpty());
    m_copy->setVisible(!raw.isEmpty());
    m_accessInfo->setVisible(m_kind == TokenKind::Access);
    m_formatLabel->setText(formatSentence());
    showValue();
    showDecoded();
    refreshTimes(QDateTime::currentDateTimeUtc());
}

void TokenSection::analyse()
{
    m_format = jose::TokenFormat::Opaque;
    m_decodeError.clear();
    m_alg.clear();
    m_kid.clear();
    m_headerJson.clear();
    m_payloadJson.clear();
    m_claims = {};
    // Refresh tokens are meant for the provider alone and are never decoded.
    if (m_raw.isEmpty() || m_kind == TokenKind::Refresh)
        return;

    const QByteArray token = m_raw.toUtf8();
    m_format = jose::classifyToken(token);
    if (m_format == jose::TokenFormat::Opaque)
        return;

    // Both JWS and JWE start with a base64url JSON header, readable without any key.
    if (const auto header = jose::base64UrlDecode(token.left(token.indexOf('.'))))
        m_headerJson = *header;
    if (m_format == jose::TokenFormat::Jwe)
        return;

    QString error;
    const std::optional<jose::CompactJws> jws = jose::CompactJws::parse(token, &error);
    if (!jws) {
        m_decodeError = error;
        return;
    }
    m_alg = jws->alg();
    m_kid = jws->kid();
    m_payloadJson = jws->payload;
    m_claims = jws->claims;
    if (!QJsonDocument::fromJson(jws->payload).isObject())
        m_decodeError = tr("The payload is not a JSON object, so the token is a JWS but not a JWT "
                           "(RFC 7519, section 7.2).");
}

QString TokenSection::formatSentence() const
{
    const QString lead = QStringLiteral("<b>%1</b> ");
    if (m_raw.isEmpty()) {
        switch (m_kind) {
        case TokenKind::Id:
            return lead.arg(tr("Absent.")) + tr("The token response had no ID token, as with the client credentials "
                                                "grant or when the openid scope was not requested.");
        case TokenKind::Access:
            return lead.arg(tr("Absent.")) + tr("The token response had no access token.");
        case TokenKind::Refresh:
            return lead.arg(tr("Absent.")) + tr("The provider issued no refresh token. Many providers issue one only "
                                                "when the scope includes offline_access or the client may use the "
                                                "refresh_token grant.");
        }
    }
    if (m_kind == TokenKind::Refresh)
        return lead.arg(tr("Present, %1 characters.").arg(m_raw.size()))
               + tr("A refresh token is meant only for the provider, which exchanges it for new tokens, so it is "
                    "never decoded here.");

    switch (m_format) {
    case jose::TokenFormat::Jws: {
        if (!m_decodeError.isEmpty() && !m_payloadJson.isEmpty())
            return lead.arg(tr("Malformed JWT.")) + m_decodeError.toHtmlEscaped();
        if (!m_decodeError.isEmpty())
            return lead.arg(tr("Malformed JWT.")) + tr("It has three parts like a signed JWT, but it cannot be decoded: %1")
                                                         .arg(m_decodeError.toHtmlEscaped());
        QString what = tr("Signed JWT (JWS), alg %1").arg(m_alg.toHtmlEscaped());
        if (!m_kid.isEmpty())
            what += tr(", kid \"%1\"").arg(m_kid.toHtmlEscaped());
        QString sentence = lead.arg(what + QLatin1Char('.'))
                           + tr("Anyone who holds it can read the claims below, and the signature, which is not shown, "
                                "proves who issued them.");
        if (m_kind == TokenKind::Access)
            sentence += QLatin1Char(' ')
                        + tr("The app does not validate access tokens: they are meant for the API, which checks them.");
        return sentence;
    }
    case jose::TokenFormat::Jwe:
        return lead.arg(tr("Encrypted token (JWE, five parts)."))
               + tr("Only the holder of the decryption key, usually the API it was issued for, can read its claims, "
                    "so only its header is shown.");
    case jose::TokenFormat::Opaque:
        break;
    }
    return lead.arg(tr("Opaque token: only the issuer can read it."))
           + tr("It is a reference rather than a JWT, so an API checks it by asking the provider "
                "(token introspection, RFC 7662).");
}

void TokenSection::showValue()
{
    if (m_raw.isEmpty()) {
        m_value->clear();
        return;
    }
    // One line while masked, room for a few lines of the token once revealed.
    const int frame = 2 * (m_value->frameWidth() + int(m_value->document()->documentMargin())) + 6;
    const int lines = m_reveal->isChecked() ? 5 : 1;
    m_value->setFixedHeight(m_value->fontMetrics().lineSpacing() * lines + frame);
    if (!m_reveal->isChecked()) {
        m_value->setPlainText(maskedPreview(m_raw));
        return;
    }

    m_value->setPlainText(m_raw);
    if (m_format != jose::TokenFormat::Jws && m_format != jose::TokenFormat::Jwe)
        return;
    // Colour the base64url parts so header, payload and signature are easy to distinguish.
    const bool dark = isDark(palette());
    const QList<QColor> colors = dark ? QList<QColor>{QColor(0xff, 0x8a, 0x80), QColor(0xce, 0x93, 0xd8), QColor(0x81, 0xd4, 0xfa)}
                                      : QList<QColor>{QColor(0xc6, 0x28, 0x28), QColor(0x6a, 0x1b, 0x9a), QColor(0x01, 0x57, 0x9b)};
    QTextCursor cursor(m_value->document());
    qsizetype start = 0;
    int part = 0;
    while (start <= m_raw.size()) {
        qsizetype end = m_raw.indexOf(QLatin1Char('.'), start);
        if (end < 0)
            end = m_raw.size();
        QTextCharFormat format;
        format.setForeground(colors.at(part % colors.size()));
        cursor.setPosition(int(start));
        cursor.setPosition(int(end), QTextCursor::KeepAnchor);
        cursor.setCharFormat(format);
        start = end + 1;
        ++part;
    }
}

void TokenSection::showDecoded()
{
    const bool decodable = m_kind != TokenKind::Refresh && !m_raw.isEmpty()
                           && (m_format == jose::TokenFormat::Jwe || !m_headerJson.isEmpty());
    m_decoded->setVisible(decodable);
    if (!decodable) {
        m_header->clear();
        m_payload->clear();
        return;
    }

    const bool revealed = m_reveal->isChecked();
    const auto shown = [this, revealed](const QByteArray &json) {
        const QString text = prettyJson(json);
        return revealed || !m_trace ? text : m_trace->mask(text);
    };
    m_header->setPlainText(shown(m_headerJson));
    if (m_format == jose::TokenFormat::Jwe) {
        m_payloadTitle->setText(tr("<b>Payload</b> (encrypted)"));
        m_payload->setPlainText(tr("The payload is encrypted for its recipient and cannot be decoded here."));
    } else if (!m_decodeError.isEmpty()) {
        m_payloadTitle->setText(tr("<b>Payload</b>"));
        m_payload->setPlainText(m_payloadJson.isEmpty() ? m_decodeError : shown(m_payloadJson));
    } else {
        m_payloadTitle->setText(tr("<b>Payload</b> (claims)"));
        m_payload->setPlainText(shown(m_payloadJson));
    }
}

void TokenSection::refreshTimes(const QDateTime &now)
{
    if (m_kind == TokenKind::Access)
        refreshResponseInfo(now);
    refreshTimeClaims(now);
}

// Shows expiry, type and scope as the token response stated them, which works for opaque tokens too.
void TokenSection::refreshResponseInfo(const QDateTime &now)
{
    if (m_raw.isEmpty()) {
        m_accessInfo->clear();
        return;
    }
    const QPalette pal = palette();
    const auto row = [](const QString &name, const QString &value) {
        return QStringLiteral("<tr><td><b>%1</b>&nbsp;&nbsp;</td><td>%2</td></tr>").arg(name, value);
    };
    QString rows;
    if (m_accessExpiresAt.isValid()) {
        const qint64 left = now.secsTo(m_accessExpiresAt);
        const QString relative = left > 0 ? tr("expires in %1").arg(formatDuration(left))
                                          : tr("expired %1 ago").arg(formatDuration(left));
        const QColor color = resultColor(left > 0 ? StepResult::Skipped : StepResult::Failed, pal);
        rows += row(tr("Expires"), QStringLiteral("%1&nbsp;&nbsp;<span style=\"color:%2\">%3</span>")
                                       .arg(localTimeText(m_accessExpiresAt), htmlColor(color), relative));
    } else {
        rows += row(tr("Expires"), tr("not stated: the token response had no expires_in"));
    }
    rows += row(tr("Type"), m_tokenType.isEmpty() ? tr("not stated") : m_tokenType.toHtmlEscaped());
    rows += row(tr("Scope"), m_scope.isEmpty() ? tr("not in the response, which means the requested scope was granted "
                                                    "(RFC 6749, section 5.1)")
                                               : QStringLiteral("<code>%1</code>").arg(m_scope.toHtmlEscaped()));
    m_accessInfo->setText(tr("From the token response:") + QStringLiteral("<table>%1</table>").arg(rows));
}

void TokenSection::refreshTimeClaims(const QDateTime &now)
{
    static const QStringList timeClaims{QStringLiteral("exp"), QStringLiteral("iat"), QStringLiteral("nbf"),
                                        QStringLiteral("auth_time")};
    const QString rows = timeClaimRows(m_claims, timeClaims, now, palette(), false);
    m_times->setVisible(!rows.isEmpty());
    m_times->setText(rows.isEmpty() ? QString() : tr("Times in the claims:") + QStringLiteral("<table>%1</table>").arg(rows));
}

void TokenSection::setClipboardClearDelay(int ms)
{
    m_copy->setToolTip(tr("Copy the raw token. It is removed from the clipboard after %1.").arg(formatDuration(ms / 1000)));
}

void TokenSection::updateColors()
{
    showValue();
    refreshTimes(QDateTime::currentDateTimeUtc());
}

TokenPanel::TokenPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("tokenPanel"));
    m_tickTimer.setInterval(1000);
    connect(&m_tickTimer, &QTimer::timeout, this, &TokenPanel::refreshTimes);
    connect(&m_clipboard, &ClipboardGuard::clearDelayChanged, this, &TokenPanel::showClipboardClearDelay);
    buildUi();
    showClipboardClearDelay(m_clipboard.clearDelay());
    clear();
}

// The ClipboardGuard member removes a token that is still on the clipboard.
TokenPanel::~TokenPanel() = default;

void TokenPanel::buildUi()
{
    m_stack = new QStackedWidget(this);

    m_emptyLabel = new QLabel(tr("No tokens yet. Sign in to see the ID token, access token and refresh token here, "
                                 "decoded and checked."),
                              m_stack);
    m_emptyLabel->setObjectName(QStringLiteral("tokenPanelEmpty"));
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_stack->addWidget(m_emptyLabel);

    auto *content = new QWidget(m_stack);
    m_sourceLabel = new QLabel(content);
    m_sourceLabel->setObjectName(QStringLiteral("tokenSource"));
    QFont sourceFont = m_sourceLabel->font();
    sourceFont.setBold(true);
    m_sourceLabel->setFont(sourceFont);

    m_tabs = new QTabWidget(content);
    m_tabs->setObjectName(QStringLiteral("tokenTabs"));
    m_tabs->setDocumentMode(true);

    const auto copyHandler = [this](const QString &value) { m_clipboard.copySecret(value); };

    // ID token tab: the token above, its validation checks below.
    auto *idSplitter = new QSplitter(Qt::Vertical, m_tabs);
    idSplitter->setChildrenCollapsible(false);
    m_idSection = new TokenSection(TokenKind::Id, idSplitter);
    m_idSection->copyRequested = copyHandler;
    auto *checksBox = new QGroupBox(tr("Validation checks"), idSplitter);
    m_checksSummary = new QLabel(checksBox);
    m_checksSummary->setObjectName(QStringLiteral("checksSummary"));
    m_checksSummary->setWordWrap(true);
    m_checks = new QTreeWidget(checksBox);
    m_checks->setObjectName(QStringLiteral("validationChecks"));
    m_checks->setColumnCount(3);
    m_checks->setHeaderLabels({tr("Check"), tr("Result"), tr("Reason")});
    m_checks->setRootIsDecorated(false);
    m_checks->setUniformRowHeights(true);
    m_checks->setAlternatingRowColors(true);
    m_checks->setWordWrap(false);
    m_checks->setTextElideMode(Qt::ElideRight);
    m_checks->header()->setStretchLastSection(true);
    m_checks->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_checks->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    auto *checksLayout = new QVBoxLayout(checksBox);
    checksLayout->addWidget(m_checksSummary);
    checksLayout->addWidget(m_checks, 1);
    idSplitter->addWidget(m_idSection);
    idSplitter->addWidget(checksBox);
    idSplitter->setStretchFactor(0, 1);
    idSplitter->setStretchFactor(1, 1);
    // Equal halves at first, so the twelve checks fit without scrolling in a typical window.
    idSplitter->setSizes({1000, 1000});
    m_tabs->addTab(idSplitter, tr("ID token"));

    m_accessSection = new TokenSection(TokenKind::Access, m_tabs);
    m_accessSection->copyRequested = copyHandler;
    m_tabs->addTab(m_accessSection, tr("Access token"));

    m_refreshSection = new TokenSection(TokenKind::Refresh, m_tabs);
    m_refreshSection->copyRequested = copyHandler;
    m_tabs->addTab(m_refreshSection, tr("Refresh token"));

    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addWidget(m_sourceLabel);
    contentLayout->addWidget(m_tabs, 1);
    m_stack->addWidget(content);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_stack);
}

void TokenPanel::setClipboardClearDelay(int ms)
{
    m_clipboard.setClearDelay(ms);
    showClipboardClearDelay(ms);
}

void TokenPanel::showClipboardClearDelay(int ms)
{
    for (TokenSection *section : {m_idSection, m_accessSection, m_refreshSection})
        section->setClipboardClearDelay(ms);
}

void TokenPanel::setTrace(Trace *trace)
{
    m_trace = trace;
}

void TokenPanel::setTokens(const TokenSet &tokens, const oidc::IdTokenValidation &validation, const QString &source)
{
    m_tokens = tokens;
    m_validation = validation;
    if (m_trace) {
        m_trace->addSecret(tokens.idToken);
        m_trace->addSecret(tokens.accessToken);
        m_trace->addSecret(tokens.refreshToken);
    }

    if (tokens.isEmpty() && validation.checks.isEmpty()) {
        clear();
        return;
    }

    m_sourceLabel->setText(source);
    m_sourceLabel->setVisible(!source.isEmpty());
    m_idSection->setToken(tokens.idToken, tokens, m_trace);
    m_accessSection->setToken(tokens.accessToken, tokens, m_trace);
    m_refreshSection->setToken(tokens.refreshToken, tokens, m_trace);
    showChecks();
    m_stack->setCurrentIndex(1);
    if (isVisible())
        m_tickTimer.start();
}

void TokenPanel::clear()
{
    m_tokens = {};
    m_validation = {};
    m_tickTimer.stop();
    m_clipboard.clearIfOurs();
    m_sourceLabel->clear();
    m_idSection->setToken({}, {}, m_trace);
    m_accessSection->setToken({}, {}, m_trace);
    m_refreshSection->setToken({}, {}, m_trace);
    m_checks->clear();
    m_checksSummary->clear();
    m_stack->setCurrentIndex(0);
}

void TokenPanel::showChecks()
{
    m_checks->clear();
    const QPalette pal = palette();
    const QList<oidc::Check> &checks = m_validation.checks;
    int failed = 0;
    int warnings = 0;
    int skipped = 0;
    for (const oidc::Check &check : checks) {
        auto *item = new QTreeWidgetItem(m_checks);
        item->setText(0, check.name);
        item->setIcon(0, checkStatusIcon(check.status, pal));
        item->setText(1, checkStatusWord(check.status));
        item->setForeground(1, resultColor(stepResultForCheck(check.status), pal));
        item->setText(2, check.reason);
        QString tip = check.reason.toHtmlEscaped();
        if (!check.spec.isEmpty())
            tip += QStringLiteral("<br><br><i>%1</i>").arg(tr("Rule: %1").arg(check.spec.toHtmlEscaped()));
        for (int column = 0; column < 3; ++column)
            item->setToolTip(column, QStringLiteral("<p>%1</p>").arg(tip));
        item->setData(0, Qt::UserRole, check.id);
        failed += check.status == oidc::Check::Status::Failed ? 1 : 0;
        warnings += check.status == oidc::Check::Status::Warning ? 1 : 0;
        skipped += check.status == oidc::Check::Status::Skipped ? 1 : 0;
    }

    const int total = int(checks.size());
    QStringList extras;
    if (warnings > 0)
        extras << (warnings == 1 ? tr("1 warning") : tr("%1 warnings").arg(warnings));
    if (skipped > 0)
        extras << tr("%1 skipped").arg(skipped);
    QString summary;
    StepResult worst = StepResult::Ok;
    if (total == 0) {
        summary = m_tokens.idToken.isEmpty() ? tr("No ID token, so nothing was validated.")
                                             : tr("These tokens were not validated in this session, for example "
                                                  "because they were restored from the keychain.");
        worst = StepResult::Skipped;
    } else if (failed > 0) {
        summary = failed == 1 && total == 1 ? tr("The check failed") : tr("%1 of %2 checks failed").arg(failed).arg(total);
        if (!extras.isEmpty())
            summary += QStringLiteral(" (%1)").arg(extras.join(QStringLiteral(", ")));
        worst = StepResult::Failed;
    } else if (warnings == 0 && skipped == 0) {
        summary = total == 1 ? tr("The check passed") : tr("All %1 checks passed").arg(total);
    } else {
        summary = tr("%1 of %2 checks passed, %3").arg(total - warnings - skipped).arg(total).arg(extras.join(QStringLiteral(", ")));
        worst = warnings > 0 ? StepResult::Warning : StepResult::Ok;
    }
    m_checksSummary->setText(summary);
    QPalette summaryPalette = m_checksSummary->palette();
    summaryPalette.setColor(QPalette::WindowText, resultColor(worst, pal));
    m_checksSummary->setPalette(summaryPalette);
    QFont summaryFont = m_checksSummary->font();
    summaryFont.setBold(true);
    m_checksSummary->setFont(summaryFont);
    m_checks->setVisible(total > 0);

    const oidc::Check::Status tabStatus = failed > 0 ? oidc::Check::Status::Failed
                                          : warnings > 0 ? oidc::Check::Status::Warning
                                          : total > 0   ? oidc::Check::Status::Passed
                                                        : oidc::Check::Status::Skipped;
    m_tabs->setTabIcon(0, total > 0 ? checkStatusIcon(tabStatus, pal) : QIcon());
}

void TokenPanel::refreshTimes()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_idSection->refreshTimes(now);
    m_accessSection->refreshTimes(now);
}

void TokenPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (hasTokens()) {
        refreshTimes();
        m_tickTimer.start();
    }
}

void TokenPanel::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_tickTimer.stop();
}

void TokenPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_checks) {
        showChecks();
        m_idSection->updateColors();
        m_accessSection->updateColors();
        m_refreshSection->updateColors();
    }
}

} // namespace afx::gui

#include "tokenpanel.moc"
