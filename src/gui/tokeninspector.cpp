#include "gui/tokeninspector.h"

#include "flow/checksteps.h"
#include "gui/diagramwidget.h"
#include "gui/messagebanner.h"
#include "gui/tokenpanel.h"
#include "jose/base64url.h"
#include "json/objectview.h"
#include "oidc/idtokenvalidator.h"

#include <QClipboard>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFontDatabase>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QMimeData>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyledItemDelegate>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextEdit>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>

// Q_INIT_RESOURCE must be used outside any namespace. afx_gui is a static library, so its
// compiled resources are linked only when something refers to them.
static void initTokenInspectorResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace afx::gui {

Q_LOGGING_CATEGORY(lcTokenInspector, "afx.gui.tokeninspector")

namespace {

// The largest date QDateTime::toString() can show, 9999-12-31T23:59:59Z, in seconds.
constexpr double maxEpochSeconds = 253402300799.0;

// Claims whose value is a NumericDate (seconds since 1970-01-01 UTC).
const QStringList &timeClaimNames()
{
    static const QStringList names{QStringLiteral("exp"), QStringLiteral("nbf"), QStringLiteral("iat"),
                                   QStringLiteral("auth_time"), QStringLiteral("updated_at")};
    return names;
}

struct ClaimText {
    QString text;
    QString spec;
};

// The texts of resources/claims.json, loaded on first use.
struct ClaimTexts {
    QHash<QString, ClaimText> jwsHeader;
    QHash<QString, ClaimText> jweHeader;
    QHash<QString, ClaimText> claims;
};

QHash<QString, ClaimText> readSection(const QJsonObject &root, const QString &name)
{
    QHash<QString, ClaimText> section;
    const QJsonObject object = root.value(name).toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QJsonObject entry = it.value().toObject();
        section.insert(it.key(), {entry.value(QStringLiteral("text")).toString(), entry.value(QStringLiteral("spec")).toString()});
    }
    return section;
}

const ClaimTexts &claimTexts()
{
    static const ClaimTexts texts = [] {
        initTokenInspectorResources();
        ClaimTexts loaded;
        QFile file(QStringLiteral(":/claims.json"));
        if (!file.open(QIODevice::ReadOnly)) {
            qCWarning(lcTokenInspector) << "Claim texts not found in the resources:" << file.errorString();
            return loaded;
        }
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
        if (!document.isObject()) {
            qCWarning(lcTokenInspector) << "Claim texts are not a JSON object:" << error.errorString() << "at offset"
                                        << error.offset;
            return loaded;
        }
        const QJsonObject root = document.object();
        loaded.jwsHeader = readSection(root, QStringLiteral("jwsHeader"));
        loaded.jweHeader = readSection(root, QStringLiteral("jweHeader"));
        loaded.claims = readSection(root, QStringLiteral("claims"));
        return loaded;
    }();
    return texts;
}

// Looks up the text for a member. `path` is "name" at the top level or "parent.name" below it.
std::optional<ClaimText> lookupText(const QString &section, const QString &path)
{
    const ClaimTexts &texts = claimTexts();
    if (section == QLatin1String("jweHeader")) {
        if (const auto it = texts.jweHeader.constFind(path); it != texts.jweHeader.cend())
            return *it;
        // The remaining JWE header parameters mean the same as in a JWS (RFC 7516, section 4.1).
        if (const auto it = texts.jwsHeader.constFind(path); it != texts.jwsHeader.cend())
            return *it;
        return std::nullopt;
    }
    const QHash<QString, ClaimText> &table = section == QLatin1String("jwsHeader") ? texts.jwsHeader : texts.claims;
    if (const auto it = table.constFind(path); it != table.cend())
        return *it;
    return std::nullopt;
}

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

// Colours for the dot-separated parts: header, payload or encrypted key, signature or IV,
// then ciphertext and tag of a JWE. Each is readable on the palette's Base colour.
QList<QColor> partColors(const QPalette &palette)
{
    if (isDark(palette))
        return {QColor(0xff, 0x8a, 0x80), QColor(0xce, 0x93, 0xd8), QColor(0x81, 0xd4, 0xfa), QColor(0xa5, 0xd6, 0xa7),
                QColor(0xff, 0xcc, 0x80)};
    return {QColor(0xc6, 0x28, 0x28), QColor(0x6a, 0x1b, 0x9a), QColor(0x01, 0x57, 0x9b), QColor(0x2e, 0x7d, 0x32),
            QColor(0x8d, 0x4e, 0x00)};
}

QStringList partNames(jose::TokenFormat format)
{
    if (format == jose::TokenFormat::Jwe)
        return {TokenInspector::tr("protected header"), TokenInspector::tr("encrypted key"),
                TokenInspector::tr("initialization vector"), TokenInspector::tr("ciphertext"),
                TokenInspector::tr("authentication tag")};
    return {TokenInspector::tr("header"), TokenInspector::tr("payload"), TokenInspector::tr("signature")};
}

QString partLabel(jose::TokenFormat format, int index)
{
    return TokenInspector::tr("The %1 (part %2)").arg(partNames(format).value(index)).arg(index + 1);
}

bool isBase64UrlChar(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'A' && u <= u'Z') || (u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9') || u == u'-' || u == u'_';
}

// Explains why `part` is not valid base64url, as a sentence that follows the part's label.
QString base64UrlProblem(const QString &part)
{
    for (qsizetype i = 0; i < part.size(); ++i) {
        const QChar c = part.at(i);
        if (isBase64UrlChar(c))
            continue;
        if (c == QLatin1Char('='))
            return TokenInspector::tr("ends with \"=\" padding, which base64url in JOSE leaves out (RFC 7515, section 2).");
        if (c == QLatin1Char('+') || c == QLatin1Char('/'))
            return TokenInspector::tr("contains \"%1\", a character of standard base64, but JOSE uses base64url, which has "
                                      "\"-\" and \"_\" in its place (RFC 7515, section 2).")
                .arg(c);
        return TokenInspector::tr("contains \"%1\" at position %2, which is not a base64url character.").arg(c).arg(i + 1);
    }
    if (part.size() % 4 == 1)
        return TokenInspector::tr("has a length (%1 characters) that no base64url encoder produces, so characters are "
                                  "missing: it was probably cut off.")
            .arg(part.size());
    return TokenInspector::tr("ends with a character whose unused bits are not zero, so it was changed or cut off.");
}

// Decodes one part as base64url. On failure sets *error to a sentence naming the part.
std::optional<QByteArray> decodePart(const QString &part, jose::TokenFormat format, int index, QString *error)
{
    if (auto bytes = jose::base64UrlDecode(part.toLatin1()))
        return bytes;
    *error = partLabel(format, index) + QLatin1Char(' ') + base64UrlProblem(part);
    return std::nullopt;
}

QString jsonTypeName(const QJsonDocument &document)
{
    if (document.isArray())
        return TokenInspector::tr("a JSON array");
    return TokenInspector::tr("JSON but not an object");
}

// Returns the name of a member that appears twice in the JSON object `bytes`, or an empty string.
QString repeatedMemberName(const QByteArray &bytes)
{
    json::ObjectView view;
    QString error;
    view.read(bytes, &error);
    return view.repeatedName();
}

// Parses a decoded part as a JSON object. On failure sets *error to a sentence naming the part.
std::optional<QJsonObject> parseObjectPart(const QByteArray &bytes, jose::TokenFormat format, int index, QString *error)
{
    const QString label = partLabel(format, index);
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const bool endsEarly = parseError.offset >= bytes.size() - 1
                               || parseError.error == QJsonParseError::UnterminatedObject
                               || parseError.error == QJsonParseError::UnterminatedArray
                               || parseError.error == QJsonParseError::UnterminatedString;
        if (endsEarly && bytes.trimmed().startsWith('{'))
            *error = TokenInspector::tr("%1 is JSON that ends early (%2 at byte %3), so the token was probably cut off.")
                         .arg(label, parseError.errorString())
                         .arg(parseError.offset);
        else
            *error = TokenInspector::tr("%1 is not JSON (%2 at byte %3).").arg(label, parseError.errorString()).arg(parseError.offset);
        return std::nullopt;
    }
    if (!document.isObject()) {
        *error = TokenInspector::tr("%1 is %2, but it must be a JSON object").arg(label, jsonTypeName(document));
        *error += index == 0 ? TokenInspector::tr(" (RFC 7515, section 4).")
                             : TokenInspector::tr(" of claims (RFC 7519, section 7.2).");
        return std::nullopt;
    }
    return document.object();
}

// Finds the first character that no token contains: space, control or non-ASCII.
QString encodingProblem(const QString &text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t u = text.at(i).unicode();
        if (u > 0x20 && u < 0x7f)
            continue;
        const QString where = TokenInspector::tr("at position %1").arg(i + 1);
        if (u == u' ' || u == u'\t')
            return TokenInspector::tr("The text contains a space %1, but tokens never do. Paste only the token.").arg(where);
        if (u < 0x20 || u == 0x7f)
            return TokenInspector::tr("The text contains a control character (U+%1) %2, so it is not a token.")
                .arg(QString::number(u, 16).toUpper().rightJustified(4, QLatin1Char('0')), where);
        return TokenInspector::tr("The text contains \"%1\" (U+%2) %3, but tokens consist of ASCII characters only: the "
                                  "text is not a token or its encoding was changed.")
            .arg(text.at(i))
            .arg(QString::number(u, 16).toUpper().rightJustified(4, QLatin1Char('0')), where);
    }
    return {};
}

// Removes what often surrounds a copied token: whitespace, line breaks from wrapping and an
// Authorization header's "Bearer " scheme.
QString normalizedInput(const QString &input)
{
    QString text = input.trimmed();
    if (text.startsWith(QLatin1String("Bearer "), Qt::CaseInsensitive))
        text = text.mid(7).trimmed();
    text.remove(QLatin1Char('\r'));
    text.remove(QLatin1Char('\n'));
    return text;
}

// True when the first part looks like the base64url of a JSON object, as every JOSE header
// does: '{' encodes to "e" followed by "w", "y", "z" or "0"-"9" depending on the next byte.
bool startsLikeJoseHeader(const QString &firstPart)
{
    if (firstPart.startsWith(QLatin1String("ey")) || firstPart.startsWith(QLatin1String("ew")))
        return true;
    const auto bytes = jose::base64UrlDecode(firstPart.toLatin1());
    return bytes && bytes->trimmed().startsWith('{');
}

QString valueText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Double: {
        const double number = value.toDouble();
        if (std::isfinite(number) && number == std::floor(number) && std::fabs(number) < 9e15)
            return QString::number(qint64(number));
        return QString::number(number, 'g', 17);
    }
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Array: {
        const QJsonArray array = value.toArray();
        QStringList items;
        for (const QJsonValue &item : array) {
            if (item.isArray() || item.isObject())
                return array.size() == 1 ? TokenInspector::tr("[1 item]") : TokenInspector::tr("[%1 items]").arg(array.size());
            items << valueText(item);
        }
        return items.isEmpty() ? QStringLiteral("[]") : items.join(QStringLiteral(", "));
    }
    case QJsonValue::Object:
    {
        const qsizetype count = value.toObject().size();
        return count == 1 ? TokenInspector::tr("{1 member}") : TokenInspector::tr("{%1 members}").arg(count);
    }
    case QJsonValue::Undefined:
        break;
    }
    return {};
}

// Wraps long cell text onto more lines. QTreeView requests row heights from delegates without the
// column width (Qt 6.4), so the text would otherwise be cut to one line.
class WrappingDelegate : public QStyledItemDelegate {
public:
    explicit WrappingDelegate(QTreeView *view)
        : QStyledItemDelegate(view)
        , m_view(view)
    {
    }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyleOptionViewItem wrapped = option;
        int width = m_view->header()->sectionSize(index.column());
        if (index.column() == 0) {
            int depth = 1;
            for (QModelIndex parent = index.parent(); parent.isValid(); parent = parent.parent())
                ++depth;
            width -= depth * m_view->indentation();
        }
        // The style wraps only within a valid rectangle, one with a height too.
        wrapped.rect = QRect(0, 0, std::max(width, 20), 1);
        wrapped.features |= QStyleOptionViewItem::WrapText;
        return QStyledItemDelegate::sizeHint(wrapped, index);
    }

private:
    QTreeView *m_view;
};

QTreeWidget *makeTree(const QString &objectName, const QStringList &labels, QWidget *parent)
{
    auto *tree = new QTreeWidget(parent);
    tree->setObjectName(objectName);
    tree->setColumnCount(int(labels.size()));
    tree->setHeaderLabels(labels);
    tree->setAlternatingRowColors(true);
    tree->setUniformRowHeights(false);
    tree->setWordWrap(true);
    tree->setTextElideMode(Qt::ElideRight);
    tree->setAcceptDrops(false);
    tree->viewport()->setAcceptDrops(false);
    tree->setItemDelegate(new WrappingDelegate(tree));
    tree->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    // Row heights depend on the column widths, so they are computed again after a resize.
    QObject::connect(tree->header(), &QHeaderView::sectionResized, tree, [tree] { tree->doItemsLayout(); });
    return tree;
}

} // namespace

struct TokenInspector::Decoded {
    QString token;
    jose::TokenFormat format = jose::TokenFormat::Opaque;
    QJsonObject header;
    QJsonObject claims;
    QList<int> partLengths;
    QString repeatedHeaderMember; // QJsonDocument keeps the last of two members with one name
    QString repeatedClaim;
};

TokenInspector::TokenInspector(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("tokenInspector"));
    setAcceptDrops(true);
    m_tickTimer.setInterval(1000);
    connect(&m_tickTimer, &QTimer::timeout, this, &TokenInspector::refreshTimes);
    buildUi();
    const auto showDelay = [this](int ms) {
        m_copy->setToolTip(tr("Copy the raw token. It is removed from the clipboard after %1.").arg(formatDuration(ms / 1000)));
    };
    connect(&m_clipboard, &ClipboardGuard::clearDelayChanged, this, showDelay);
    showDelay(m_clipboard.clearDelay());
}

// The ClipboardGuard member removes a token that is still on the clipboard.
TokenInspector::~TokenInspector() = default;

void TokenInspector::buildUi()
{
    // Input row: a password field, so pasting shows nothing of the token.
    m_input = new QLineEdit(this);
    m_input->setObjectName(QStringLiteral("tokenInput"));
    m_input->setEchoMode(QLineEdit::Password);
    // Large enough that an oversized paste arrives whole and gets the size message.
    m_input->setMaxLength(int(maxTokenBytes) * 4);
    m_input->setPlaceholderText(tr("Paste a token here (Ctrl+V) or drop one onto this panel"));
    m_input->setAccessibleName(tr("Token to inspect"));
    m_input->setAcceptDrops(false);
    m_input->setClearButtonEnabled(false);
    auto *inspectButton = new QPushButton(tr("Inspect"), this);
    inspectButton->setObjectName(QStringLiteral("inspectToken"));
    auto *pasteButton = new QPushButton(tr("Paste from clipboard"), this);
    pasteButton->setObjectName(QStringLiteral("pasteToken"));

    // Typing inspects on Enter, but a paste (several characters at once) inspects at once.
    connect(m_input, &QLineEdit::textEdited, this, [this, previousLength = qsizetype(0)](const QString &text) mutable {
        const qsizetype added = text.size() - previousLength;
        previousLength = text.size();
        if (added > 1) {
            previousLength = 0;
            submitUserInput(text);
        }
    });
    connect(m_input, &QLineEdit::returnPressed, this, [this] {
        if (!m_input->text().isEmpty())
            submitUserInput(m_input->text());
    });
    connect(inspectButton, &QPushButton::clicked, this, [this] { submitUserInput(m_input->text()); });
    connect(pasteButton, &QPushButton::clicked, this, [this] { submitUserInput(QGuiApplication::clipboard()->text()); });

    auto *inputRow = new QHBoxLayout;
    inputRow->addWidget(m_input, 1);
    inputRow->addWidget(inspectButton);
    inputRow->addWidget(pasteButton);

    m_errorBanner = new MessageBanner(this);
    m_errorBanner->setObjectName(QStringLiteral("inspectorError"));

    m_stack = new QStackedWidget(this);
    m_emptyLabel = new QLabel(tr("Paste or drop a token to decode it: a signed JWT (JWS), an encrypted JWT (JWE) or an "
                                 "opaque token. It is decoded on this computer and sent nowhere."),
                              m_stack);
    m_emptyLabel->setObjectName(QStringLiteral("tokenInspectorEmpty"));
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_stack->addWidget(m_emptyLabel);

    auto *content = new QWidget(m_stack);
    m_kindLabel = new QLabel(content);
    m_kindLabel->setObjectName(QStringLiteral("tokenKind"));
    m_kindLabel->setWordWrap(true);
    m_kindLabel->setTextFormat(Qt::RichText);
    m_kindLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_value = new QTextEdit(content);
    m_value->setObjectName(QStringLiteral("tokenValue"));
    m_value->setReadOnly(true);
    m_value->setAcceptRichText(false);
    m_value->setAcceptDrops(false);
    m_value->viewport()->setAcceptDrops(false);
    m_value->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_value->setWordWrapMode(QTextOption::WrapAnywhere);
    m_value->setAccessibleName(tr("Raw token"));

    m_reveal = new QPushButton(tr("Reveal"), content);
    m_reveal->setObjectName(QStringLiteral("revealToken"));
    m_reveal->setCheckable(true);
    m_reveal->setToolTip(tr("Show the raw token. Anyone who sees it can use it until it expires."));
    connect(m_reveal, &QPushButton::toggled, this, [this](bool revealed) {
        m_reveal->setText(revealed ? tr("Hide") : tr("Reveal"));
        showValue();
    });
    m_copy = new QPushButton(tr("Copy"), content);
    m_copy->setObjectName(QStringLiteral("copyToken"));
    connect(m_copy, &QPushButton::clicked, this, [this] {
        if (m_raw.isEmpty())
            return;
        m_clipboard.copySecret(m_raw);
        m_copy->setText(tr("Copied"));
        QTimer::singleShot(2000, m_copy, [copy = m_copy] { copy->setText(tr("Copy")); });
    });

    auto *buttons = new QVBoxLayout;
    buttons->addWidget(m_reveal);
    buttons->addWidget(m_copy);
    buttons->addStretch(1);
    auto *valueRow = new QHBoxLayout;
    valueRow->addWidget(m_value, 1);
    valueRow->addLayout(buttons);

    m_legend = new QLabel(content);
    m_legend->setObjectName(QStringLiteral("tokenParts"));
    m_legend->setTextFormat(Qt::RichText);
    m_legend->setWordWrap(true);
    auto *delayLabel = new QLabel(tr("Clear the clipboard after"), content);
    QSpinBox *delay = createClipboardClearDelaySpinBox(content);
    delayLabel->setBuddy(delay);
    auto *legendRow = new QHBoxLayout;
    legendRow->addWidget(m_legend, 1);
    legendRow->addWidget(delayLabel);
    legendRow->addWidget(delay);

    m_times = new QLabel(content);
    m_times->setObjectName(QStringLiteral("tokenTimes"));
    m_times->setTextFormat(Qt::RichText);
    m_times->setTextInteractionFlags(Qt::TextSelectableByMouse);

    const QStringList columns{tr("Name"), tr("Value"), tr("Meaning"), tr("Defined in")};
    auto *headerBox = new QWidget(content);
    auto *headerLayout = new QVBoxLayout(headerBox);
    headerLayout->setContentsMargins(0, 0, 0, 0);
    headerLayout->addWidget(new QLabel(tr("<b>Header</b>"), headerBox));
    m_headerTree = makeTree(QStringLiteral("headerTree"), columns, headerBox);
    headerLayout->addWidget(m_headerTree);

    auto *payloadBox = new QWidget(content);
    auto *payloadLayout = new QVBoxLayout(payloadBox);
    payloadLayout->setContentsMargins(0, 0, 0, 0);
    m_payloadTitle = new QLabel(payloadBox);
    payloadLayout->addWidget(m_payloadTitle);
    m_payloadStack = new QStackedWidget(payloadBox);
    m_payloadTree = makeTree(QStringLiteral("payloadTree"), columns, m_payloadStack);
    m_payloadNote = new QLabel(m_payloadStack);
    m_payloadNote->setObjectName(QStringLiteral("payloadNote"));
    m_payloadNote->setWordWrap(true);
    m_payloadNote->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_payloadNote->setMargin(6);
    m_payloadStack->addWidget(m_payloadTree);
    m_payloadStack->addWidget(m_payloadNote);
    payloadLayout->addWidget(m_payloadStack);

    // Verification: a button, a summary and the named checks.
    auto *verifyBox = new QGroupBox(tr("Verification"), content);
    m_verifyBox = verifyBox;
    m_verify = new QPushButton(tr("Verify"), verifyBox);
    m_verify->setObjectName(QStringLiteral("verifyToken"));
    m_verify->setToolTip(tr("Check the signature and the claims as an ID token, with the keys of the provider."));
    connect(m_verify, &QPushButton::clicked, this, &TokenInspector::verify);
    m_verifySummary = new QLabel(verifyBox);
    m_verifySummary->setObjectName(QStringLiteral("verifySummary"));
    m_verifySummary->setWordWrap(true);
    m_verifySummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_checks = makeTree(QStringLiteral("verifyChecks"), {tr("Check"), tr("Result"), tr("Reason"), tr("Rule")}, verifyBox);
    m_checks->setRootIsDecorated(false);
    auto *verifyRow = new QHBoxLayout;
    verifyRow->addWidget(m_verify, 0, Qt::AlignTop);
    verifyRow->addWidget(m_verifySummary, 1);
    auto *verifyLayout = new QVBoxLayout(verifyBox);
    verifyLayout->addLayout(verifyRow);
    verifyLayout->addWidget(m_checks, 1);

    auto *splitter = new QSplitter(Qt::Vertical, content);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(headerBox);
    splitter->addWidget(payloadBox);
    splitter->addWidget(verifyBox);
    // Space beyond the sizes of fitPanes() goes to the claims.
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setStretchFactor(2, 0);
    m_decoded = splitter;

    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addWidget(m_kindLabel);
    contentLayout->addLayout(valueRow);
    contentLayout->addLayout(legendRow);
    contentLayout->addWidget(m_times);
    contentLayout->addWidget(m_decoded, 1);
    m_stack->addWidget(content);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(inputRow);
    layout->addWidget(m_errorBanner);
    layout->addWidget(m_stack, 1);
}

void TokenInspector::setClipboardClearDelay(int ms)
{
    m_clipboard.setClearDelay(ms);
}

bool TokenInspector::looksLikeToken(const QString &text)
{
    const QString token = normalizedInput(text);
    if (token.size() > maxTokenBytes || !encodingProblem(token).isEmpty())
        return false;
    const QStringList parts = token.split(QLatin1Char('.'));
    if (parts.size() != 3 && parts.size() != 5)
        return false;
    const auto header = jose::base64UrlDecode(parts.first().toLatin1());
    if (!header)
        return false;
    const QJsonDocument document = QJsonDocument::fromJson(*header);
    return document.isObject() && document.object().value(QStringLiteral("alg")).isString();
}

bool TokenInspector::decode(const QString &input, Decoded *out, QString *error)
{
    if (input.size() > maxTokenBytes) {
        *error = tr("The text is %1 KB, more than the %2 KB a token may have here. Paste only the token.")
                     .arg((input.size() + 1023) / 1024)
                     .arg(maxTokenBytes / 1024);
        return false;
    }
    const QString token = normalizedInput(input);
    if (token.isEmpty()) {
        *error = tr("Nothing to inspect: the text is empty.");
        return false;
    }
    if (const QString problem = encodingProblem(token); !problem.isEmpty()) {
        *error = problem;
        return false;
    }

    out->token = token;
    const QStringList parts = token.split(QLatin1Char('.'));
    for (const QString &part : parts)
        out->partLengths << int(part.size());
    const bool joseShaped = startsLikeJoseHeader(parts.first());
    const bool allBase64Url = std::all_of(token.cbegin(), token.cend(), [](QChar c) {
        return c == QLatin1Char('.') || isBase64UrlChar(c);
    });

    if (parts.size() != 3 && parts.size() != 5) {
        if (joseShaped && parts.size() > 1) {
            *error = tr("The token has %1 parts, but a signed JWT (JWS) has 3 and an encrypted one (JWE) has 5: a part "
                        "is missing, so it was probably cut off when it was copied.")
                         .arg(parts.size());
            return false;
        }
        out->format = jose::TokenFormat::Opaque;
        return true;
    }
    // Three or five parts of other characters, such as "a~b.c~d.e", are a reference token with dots.
    if (!joseShaped && !allBase64Url) {
        out->format = jose::TokenFormat::Opaque;
        return true;
    }

    out->format = parts.size() == 3 ? jose::TokenFormat::Jws : jose::TokenFormat::Jwe;
    const auto headerBytes = decodePart(parts.at(0), out->format, 0, error);
    if (!headerBytes)
        return false;
    const auto header = parseObjectPart(*headerBytes, out->format, 0, error);
    if (!header)
        return false;
    out->header = *header;
    out->repeatedHeaderMember = repeatedMemberName(*headerBytes);
    if (!header->value(QStringLiteral("alg")).isString()) {
        *error = tr("The header (part 1) has no \"alg\" string, which every JOSE header must have (RFC 7515, section 4.1.1).");
        return false;
    }

    if (out->format == jose::TokenFormat::Jwe) {
        if (!header->value(QStringLiteral("enc")).isString()) {
            *error = tr("The protected header (part 1) of this five-part token has no \"enc\" string, which every JWE "
                        "must have (RFC 7516, section 4.1.2).");
            return false;
        }
        for (int index = 1; index < 5; ++index) {
            const auto bytes = decodePart(parts.at(index), out->format, index, error);
            if (!bytes)
                return false;
            // The encrypted key is empty for direct encryption ("dir") and ECDH-ES.
            if (index > 1 && bytes->isEmpty()) {
                *error = tr("%1 is empty, so the token was cut off or changed.").arg(partLabel(out->format, index));
                return false;
            }
        }
        return true;
    }

    const auto payloadBytes = decodePart(parts.at(1), out->format, 1, error);
    if (!payloadBytes)
        return false;
    const auto claims = parseObjectPart(*payloadBytes, out->format, 1, error);
    if (!claims)
        return false;
    out->claims = *claims;
    out->repeatedClaim = repeatedMemberName(*payloadBytes);
    const auto signature = decodePart(parts.at(2), out->format, 2, error);
    if (!signature)
        return false;
    const QString alg = header->value(QStringLiteral("alg")).toString();
    if (signature->isEmpty() && alg != QLatin1String("none")) {
        *error = tr("The signature (part 3) is empty although alg is %1: the token was cut off or its signature was "
                    "removed.")
                     .arg(alg);
        return false;
    }
    return true;
}

void TokenInspector::setToken(const QString &token)
{
    inspect(token);
}

bool TokenInspector::inspect(const QString &input)
{
    Decoded decoded;
    QString error;
    if (!decode(input, &decoded, &error)) {
        showError(error);
        return false;
    }
    m_error.clear();
    m_errorBanner->hideMessage();
    showDecoded(decoded);
    return true;
}

void TokenInspector::submitUserInput(const QString &input)
{
    m_input->clear();
    if (inspect(input))
        Q_EMIT tokenEntered(m_raw);
}

void TokenInspector::showError(const QString &message)
{
    m_error = message;
    QString text = message;
    if (!m_raw.isEmpty())
        text += QLatin1Char(' ') + tr("The token below is the one inspected before.");
    m_errorBanner->showMessage(MessageBanner::Kind::Error, text);
}

void TokenInspector::showDecoded(const Decoded &decoded)
{
    m_raw = decoded.token;
    m_format = decoded.format;
    m_header = decoded.header;
    m_claims = decoded.claims;
    m_partLengths = decoded.partLengths;
    m_repeatedHeaderMember = decoded.repeatedHeaderMember;
    m_repeatedClaim = decoded.repeatedClaim;
    {
        // Each new token starts masked. The signal is blocked because showValue() runs below anyway.
        const QSignalBlocker blocker(m_reveal);
        m_reveal->setChecked(false);
        m_reveal->setText(tr("Reveal"));
    }

    showKind();
    showValue();
    const bool opaque = m_format == jose::TokenFormat::Opaque;
    m_decoded->setVisible(!opaque);
    if (!opaque) {
        const bool jwe = m_format == jose::TokenFormat::Jwe;
        fillTree(m_headerTree, m_header, jwe ? QStringLiteral("jweHeader") : QStringLiteral("jwsHeader"));
        if (jwe) {
            m_payloadTitle->setText(tr("<b>Payload</b> (encrypted)"));
            m_payloadNote->setText(tr("The claims are encrypted with %1 for the recipient named in the header. Only the "
                                      "holder of the recipient's private key (or shared key) can decrypt them, so they "
                                      "cannot be read here.")
                                       .arg(m_header.value(QStringLiteral("enc")).toString()));
            m_payloadStack->setCurrentWidget(m_payloadNote);
            m_payloadTree->clear();
        } else {
            m_payloadTitle->setText(tr("<b>Payload</b> (claims)"));
            fillTree(m_payloadTree, m_claims, QStringLiteral("claims"));
            m_payloadStack->setCurrentWidget(m_payloadTree);
        }
    }
    resetVerification();
    refreshTimes();
    m_stack->setCurrentIndex(1);
    fitPanes(false);
    updateTicking();
}

// Gives the header, payload and verification panes heights that match their content, so a
// short header leaves room for the claims and the checks get room once they are listed.
void TokenInspector::fitPanes(bool verified)
{
    const auto rowCount = [](const QTreeWidget *tree) {
        int rows = 0;
        for (QTreeWidgetItemIterator it(const_cast<QTreeWidget *>(tree)); *it; ++it)
            ++rows;
        return rows;
    };
    const int line = fontMetrics().lineSpacing() + 4;
    const int chrome = 3 * line; // pane title, column header and margins
    const int header = chrome + line * std::max(1, rowCount(m_headerTree));
    const int payload = m_format == jose::TokenFormat::Jwe ? chrome + 3 * line
                                                           : chrome + 2 * line * std::max(1, rowCount(m_payloadTree));
    // Up to eight checks are visible at once, so the claims keep most of the room.
    const int verification = verified ? chrome + line * std::clamp(rowCount(m_checks), 4, 8) : 3 * line;
    m_decoded->setSizes({header, payload, verification});
}

void TokenInspector::showKind()
{
    const QString lead = QStringLiteral("<b>%1</b> ");
    const QString alg = m_header.value(QStringLiteral("alg")).toString().toHtmlEscaped();
    const QString kid = m_header.value(QStringLiteral("kid")).toString().toHtmlEscaped();
    QString text;
    switch (m_format) {
    case jose::TokenFormat::Jws: {
        if (alg == QLatin1String("none")) {
            text = lead.arg(tr("Unsecured JWT (alg none).")) + tr("It has no signature, so anyone could have written these "
                                                                  "claims. Never accept such a token.");
            break;
        }
        QString title = tr("Signed JWT (JWS), alg %1").arg(alg);
        if (!kid.isEmpty())
            title += tr(", kid \"%1\"").arg(kid);
        text = lead.arg(title + QLatin1Char('.'))
               + tr("Three parts: header, payload and signature. Anyone who holds the token can read its claims, and the "
                    "signature proves who issued them, which Verify checks.");
        const QString typ = m_header.value(QStringLiteral("typ")).toString();
        const QString tokenUse = m_claims.value(QStringLiteral("token_use")).toString();
        if (typ.compare(QLatin1String("at+jwt"), Qt::CaseInsensitive) == 0
            || typ.compare(QLatin1String("application/at+jwt"), Qt::CaseInsensitive) == 0)
            text += QLatin1Char(' ') + tr("The typ \"at+jwt\" marks an access token in the JWT profile of RFC 9068.");
        else if (tokenUse == QLatin1String("id") || tokenUse == QLatin1String("access"))
            text += QLatin1Char(' ') + tr("Its token_use claim says it is a Cognito %1 token.").arg(tokenUse);
        else if (m_claims.contains(QStringLiteral("nonce")) || m_claims.contains(QStringLiteral("at_hash")))
            text += QLatin1Char(' ') + tr("Its nonce or at_hash claim suggests an ID token.");
        // RFC 7519 section 4 lets a reader reject such a token, and the validator does.
        const auto warnRepeated = [&text](const QString &what) {
            text += QStringLiteral("<br><b>%1</b> ").arg(tr("Warning:"))
                + tr("The %1 appears more than once. This view shows the last value, but readers of the token may "
                     "take another one, so Verify rejects the token.")
                      .arg(what.toHtmlEscaped());
        };
        if (!m_repeatedHeaderMember.isEmpty())
            warnRepeated(tr("header member \"%1\"").arg(m_repeatedHeaderMember));
        if (!m_repeatedClaim.isEmpty())
            warnRepeated(tr("claim \"%1\"").arg(m_repeatedClaim));
        break;
    }
    case jose::TokenFormat::Jwe:
        text = lead.arg(tr("Encrypted JWT (JWE), alg %1, enc %2.")
                            .arg(alg, m_header.value(QStringLiteral("enc")).toString().toHtmlEscaped()))
               + tr("Five parts: protected header, encrypted key, initialization vector, ciphertext and authentication "
                    "tag. It is encrypted for its recipient and cannot be read without the recipient's private key, so "
                    "only the header is displayed. A common case is a provider that returns an encrypted access token, "
                    "which only the API can read: the client should treat it as opaque.");
        break;
    case jose::TokenFormat::Opaque:
        text = lead.arg(tr("Opaque token (%1 characters).").arg(m_raw.size()))
               + tr("It is not a JWT but a reference that only its issuer can resolve, for example through token "
                    "introspection (RFC 7662). Providers return one when a token is meant only for themselves: Auth0, "
                    "for example, returns an opaque access token when the authorization request named no API audience.");
        break;
    }
    m_kindLabel->setText(text);
}

void TokenInspector::showValue()
{
    const bool revealed = m_reveal->isChecked();
    const QList<QColor> colors = partColors(palette());
    const QStringList names = partNames(m_format);

    // The legend names the parts in their colours, with their lengths, which shows the
    // structure without showing the token.
    QStringList legend;
    if (m_format != jose::TokenFormat::Opaque) {
        for (int i = 0; i < m_partLengths.size() && i < names.size(); ++i)
            legend << QStringLiteral("<span style=\"color:%1\"><b>%2</b></span> (%3)")
                          .arg(colors.at(i).name(), names.at(i).toHtmlEscaped(),
                               m_partLengths.at(i) == 1 ? tr("1 char") : tr("%1 chars").arg(m_partLengths.at(i)));
    }
    m_legend->setText(legend.join(QStringLiteral(" . ")));
    m_legend->setVisible(!legend.isEmpty());

    const int frame = 2 * (m_value->frameWidth() + int(m_value->document()->documentMargin())) + 4;
    // One line while masked. Revealed, the box has as many lines as the token needs, up to six.
    const int charsPerLine = std::max(1, (m_value->viewport()->width() - 8) / std::max(1, m_value->fontMetrics().horizontalAdvance(QLatin1Char('M'))));
    const int lines = revealed ? int(std::clamp<qsizetype>((m_raw.size() + charsPerLine - 1) / charsPerLine, 1, 6)) : 1;
    m_value->setFixedHeight(m_value->fontMetrics().lineSpacing() * lines + frame);
    if (!revealed) {
        m_value->setPlainText(maskedPreview(m_raw));
        return;
    }
    m_value->setPlainText(m_raw);
    if (m_format == jose::TokenFormat::Opaque)
        return;
    // Each part in its colour. The dots keep the normal text colour.
    QTextCursor cursor(m_value->document());
    qsizetype start = 0;
    for (int part = 0; part < m_partLengths.size(); ++part) {
        QTextCharFormat format;
        format.setForeground(colors.at(part % colors.size()));
        cursor.setPosition(int(start));
        cursor.setPosition(int(start + m_partLengths.at(part)), QTextCursor::KeepAnchor);
        cursor.setCharFormat(format);
        start += m_partLengths.at(part) + 1;
    }
}

void TokenInspector::fillTree(QTreeWidget *tree, const QJsonObject &object, const QString &section)
{
    tree->clear();
    const QColor muted = resultColor(StepResult::Skipped, palette());
    const std::function<void(QTreeWidgetItem *, const QString &, const QJsonValue &, const QString &)> addItem =
        [&](QTreeWidgetItem *parent, const QString &name, const QJsonValue &value, const QString &path) {
            auto *item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(tree);
            item->setText(0, name);
            QString displayed = valueText(value);
            if (section == QLatin1String("claims") && !parent && timeClaimNames().contains(name) && value.isDouble()) {
                const double seconds = value.toDouble();
                if (seconds >= 0 && seconds <= maxEpochSeconds)
                    displayed = tr("%1 (%2)").arg(displayed, localTimeText(QDateTime::fromSecsSinceEpoch(qint64(seconds), Qt::UTC)));
            }
            item->setText(1, displayed);
            item->setData(0, Qt::UserRole, path);

            const std::optional<ClaimText> text = lookupText(section, path);
            if (text) {
                item->setText(2, text->text);
                item->setText(3, text->spec);
            } else if (!parent) {
                item->setText(2, section == QLatin1String("claims")
                                     ? tr("Not a registered claim: its meaning is up to the issuer.")
                                     : tr("Not a registered header parameter: its meaning is up to the issuer."));
                item->setText(3, QStringLiteral("—"));
                item->setForeground(2, muted);
                item->setForeground(3, muted);
                QFont italic = item->font(2);
                italic.setItalic(true);
                item->setFont(2, italic);
            }
            QString tip = QStringLiteral("<p><b>%1</b>: %2</p>").arg(name.toHtmlEscaped(), displayed.toHtmlEscaped());
            if (!item->text(2).isEmpty())
                tip += QStringLiteral("<p>%1</p>").arg(item->text(2).toHtmlEscaped());
            if (text && !text->spec.isEmpty())
                tip += QStringLiteral("<p><i>%1</i></p>").arg(text->spec.toHtmlEscaped());
            for (int column = 0; column < 4; ++column)
                item->setToolTip(column, tip);

            if (value.isObject()) {
                const QJsonObject members = value.toObject();
                for (auto it = members.begin(); it != members.end(); ++it)
                    addItem(item, it.key(), it.value(), parent ? QString() : name + QLatin1Char('.') + it.key());
                item->setExpanded(true);
            } else if (value.isArray() && displayed.startsWith(QLatin1Char('['))) {
                const QJsonArray items = value.toArray();
                for (qsizetype i = 0; i < items.size(); ++i)
                    addItem(item, QStringLiteral("[%1]").arg(i), items.at(i), QString());
                item->setExpanded(true);
            }
        };
    for (auto it = object.begin(); it != object.end(); ++it)
        addItem(nullptr, it.key(), it.value(), it.key());

    QHeaderView *header = tree->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(1, QHeaderView::Interactive);
    header->setSectionResizeMode(2, QHeaderView::Stretch);
    header->setSectionResizeMode(3, QHeaderView::Interactive);
    tree->resizeColumnToContents(1);
    tree->setColumnWidth(1, std::clamp(tree->columnWidth(1), 120, 320));
    tree->setColumnWidth(3, 260);
}

void TokenInspector::refreshTimes()
{
    const QString rows = timeClaimRows(m_claims, timeClaimNames(), QDateTime::currentDateTimeUtc(), palette(), true);
    m_times->setVisible(!rows.isEmpty());
    m_times->setText(rows.isEmpty() ? QString() : QStringLiteral("<table>%1</table>").arg(rows));
}

void TokenInspector::updateTicking()
{
    const bool hasTimes = std::any_of(timeClaimNames().cbegin(), timeClaimNames().cend(),
                                      [this](const QString &claim) { return m_claims.contains(claim); });
    if (isVisible() && hasTimes)
        m_tickTimer.start();
    else
        m_tickTimer.stop();
}

void TokenInspector::setVerificationKeys(const QList<jose::Jwk> &keys, const QString &issuer, const QString &clientId)
{
    m_keys = keys;
    m_expectedIssuer = issuer;
    m_expectedClientId = clientId;
    resetVerification();
}

void TokenInspector::resetVerification()
{
    m_checks->clear();
    m_checks->setVisible(false);
    m_verifySummary->setPalette(QPalette());
    m_verifySummary->setFont(QFont());
    if (m_format != jose::TokenFormat::Jws)
        m_verifySummary->setText(tr("Only a signed JWT (JWS) can be verified."));
    else if (m_keys.isEmpty())
        m_verifySummary->setText(tr("No provider keys yet: Verify explains what it needs."));
    else
        m_verifySummary->setText(tr("Verify checks the token as an ID token with the %1 provider keys, issuer \"%2\" and "
                                    "client ID \"%3\".")
                                     .arg(m_keys.size())
                                     .arg(m_expectedIssuer, m_expectedClientId));
}

void TokenInspector::showVerificationMessage(const QString &message)
{
    m_checks->clear();
    m_checks->setVisible(false);
    m_verifySummary->setText(message);
}

void TokenInspector::verify()
{
    if (m_raw.isEmpty()) {
        showVerificationMessage(tr("Paste a token first."));
        return;
    }
    if (m_format == jose::TokenFormat::Jwe) {
        showVerificationMessage(tr("An encrypted token (JWE) can only be verified by its recipient, after decrypting it "
                                   "with the recipient's private key."));
        return;
    }
    if (m_format == jose::TokenFormat::Opaque) {
        showVerificationMessage(tr("An opaque token has no signature to verify. Only its issuer can check it, for example "
                                   "through token introspection (RFC 7662)."));
        return;
    }
    if (m_keys.isEmpty()) {
        QStringList missing{tr("the provider's signing keys (its JWKS)")};
        if (m_expectedIssuer.isEmpty())
            missing << tr("the expected issuer");
        if (m_expectedClientId.isEmpty())
            missing << tr("the expected client ID");
        showVerificationMessage(tr("Verify needs %1. Sign in with a profile first, so the inspector gets them from the "
                                   "provider of that login.")
                                    .arg(QLocale().createSeparatedList(missing)));
        return;
    }

    oidc::IdTokenExpectations expect;
    expect.issuer = m_expectedIssuer;
    expect.clientId = m_expectedClientId;
    const oidc::IdTokenValidation validation = oidc::validateIdToken(m_raw.toLatin1(), m_keys, expect);

    m_checks->clear();
    const QPalette pal = palette();
    int failed = 0;
    for (const oidc::Check &check : validation.checks) {
        auto *item = new QTreeWidgetItem(m_checks);
        item->setText(0, check.name);
        item->setIcon(0, checkStatusIcon(check.status, pal));
        item->setText(1, checkStatusWord(check.status));
        item->setForeground(1, resultColor(stepResultForCheck(check.status), pal));
        item->setText(2, check.reason);
        item->setText(3, check.spec);
        item->setData(0, Qt::UserRole, check.id);
        for (int column = 0; column < 4; ++column)
            item->setToolTip(column, QStringLiteral("<p>%1</p><p><i>%2</i></p>")
                                         .arg(check.reason.toHtmlEscaped(), check.spec.toHtmlEscaped()));
        failed += check.status == oidc::Check::Status::Failed ? 1 : 0;
    }
    QHeaderView *header = m_checks->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(2, QHeaderView::Stretch);
    header->setSectionResizeMode(3, QHeaderView::Interactive);
    m_checks->setColumnWidth(3, 260);
    m_checks->setVisible(true);
    fitPanes(true);

    const int total = int(validation.checks.size());
    const QString summary = failed == 0 ? tr("No check failed (%1 checks).").arg(total)
                                        : tr("%1 of %2 checks failed. First: %3").arg(failed).arg(total).arg(validation.firstFailure());
    m_verifySummary->setText(summary);
    QPalette summaryPalette = m_verifySummary->palette();
    summaryPalette.setColor(QPalette::WindowText, resultColor(failed > 0 ? StepResult::Failed : StepResult::Ok, pal));
    m_verifySummary->setPalette(summaryPalette);
    QFont bold = m_verifySummary->font();
    bold.setBold(true);
    m_verifySummary->setFont(bold);
}

void TokenInspector::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refreshTimes();
    updateTicking();
}

void TokenInspector::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_tickTimer.stop();
}

void TokenInspector::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_value) {
        showValue();
        refreshTimes();
    }
}

void TokenInspector::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasText())
        event->acceptProposedAction();
}

void TokenInspector::dragMoveEvent(QDragMoveEvent *event)
{
    if (event->mimeData()->hasText())
        event->acceptProposedAction();
}

void TokenInspector::dropEvent(QDropEvent *event)
{
    if (!event->mimeData()->hasText())
        return;
    event->acceptProposedAction();
    submitUserInput(event->mimeData()->text());
}

} // namespace afx::gui
