#include "gui/docexplorer.h"

#include <QAction>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTextBrowser>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

namespace afx::gui {

namespace {

const QString typeScheme = QStringLiteral("type");
const QString fieldScheme = QStringLiteral("field");
constexpr int maxSearchResults = 100;

// A text browser that loads nothing: the pages are built from a server's schema, and a link
// or image in them must never make the application read a file or reach the network.
class OfflineBrowser : public QTextBrowser {
public:
    using QTextBrowser::QTextBrowser;

    QVariant loadResource(int type, const QUrl &name) override
    {
        Q_UNUSED(type);
        Q_UNUSED(name);
        return {};
    }
};

QString escaped(const QString &text)
{
    return text.toHtmlEscaped();
}

// A description as paragraphs: escaped, with its line breaks kept.
QString descriptionHtml(const QString &description)
{
    const QString trimmed = description.trimmed();
    if (trimmed.isEmpty())
        return {};
    QStringList paragraphs;
    for (const QString &paragraph : trimmed.split(QStringLiteral("\n\n"), Qt::SkipEmptyParts))
        paragraphs << QStringLiteral("<p>%1</p>").arg(escaped(paragraph.trimmed()).replace(QLatin1Char('\n'), QStringLiteral("<br>")));
    return paragraphs.join(QString());
}

QString encodePart(const QString &part)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(part));
}

QString typeLink(const QString &name)
{
    return QStringLiteral("<a href=\"%1:%2\">%3</a>").arg(typeScheme, escaped(encodePart(name)), escaped(name));
}

QString fieldHref(const QString &typeName, const QString &fieldName)
{
    return escaped(QStringLiteral("%1:%2/%3").arg(fieldScheme, encodePart(typeName), encodePart(fieldName)));
}

// A type reference with its named type as a link, such as "[<a>Todo</a>!]!".
QString typeRefHtml(const graphql::TypeRef &type)
{
    switch (type.kind) {
    case graphql::TypeRef::Kind::Named:
        return typeLink(type.name);
    case graphql::TypeRef::Kind::List:
        return type.ofType.empty() ? QStringLiteral("[]") : QLatin1Char('[') + typeRefHtml(type.inner()) + QLatin1Char(']');
    case graphql::TypeRef::Kind::NonNull:
        return type.ofType.empty() ? QStringLiteral("!") : typeRefHtml(type.inner()) + QLatin1Char('!');
    }
    return {};
}

QString kindLabel(graphql::SchemaType::Kind kind)
{
    switch (kind) {
    case graphql::SchemaType::Kind::Scalar:
        return DocExplorer::tr("scalar");
    case graphql::SchemaType::Kind::Object:
        return DocExplorer::tr("object type");
    case graphql::SchemaType::Kind::Interface:
        return DocExplorer::tr("interface");
    case graphql::SchemaType::Kind::Union:
        return DocExplorer::tr("union");
    case graphql::SchemaType::Kind::Enum:
        return DocExplorer::tr("enum");
    case graphql::SchemaType::Kind::InputObject:
        return DocExplorer::tr("input object");
    }
    return {};
}

bool isIntrospectionName(const QString &name)
{
    return name.startsWith(QLatin1String("__"));
}

} // namespace

DocExplorer::DocExplorer(QWidget *parent)
    : QWidget(parent)
    , m_placeholder(tr("No schema yet. Load the schema from the endpoint to browse its types here; "
                       "then press F1 or Ctrl+click a name in the query to see its documentation."))
{
    setObjectName(QStringLiteral("docExplorer"));

    m_back = new QToolButton(this);
    m_back->setObjectName(QStringLiteral("docBack"));
    m_back->setText(tr("Back"));
    m_back->setArrowType(Qt::LeftArrow);
    m_back->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_back->setAutoRaise(true);
    connect(m_back, &QToolButton::clicked, this, &DocExplorer::back);
    auto *backAction = new QAction(this);
    backAction->setShortcuts(QKeySequence::Back);
    backAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(backAction, &QAction::triggered, this, &DocExplorer::back);
    addAction(backAction);

    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("docTitle"));
    m_title->setTextFormat(Qt::PlainText);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("docSearch"));
    m_search->setPlaceholderText(tr("Search types and fields"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search the schema"));
    connect(m_search, &QLineEdit::textChanged, this, &DocExplorer::render);

    m_browser = new OfflineBrowser(this);
    m_browser->setObjectName(QStringLiteral("docBrowser"));
    m_browser->setOpenLinks(false);
    m_browser->setOpenExternalLinks(false);
    m_browser->setAccessibleName(tr("Schema documentation"));
    connect(m_browser, &QTextBrowser::anchorClicked, this, &DocExplorer::openLink);

    auto *header = new QHBoxLayout;
    header->setContentsMargins(0, 0, 0, 0);
    header->addWidget(m_back);
    header->addWidget(m_title, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_search);
    layout->addWidget(m_browser, 1);

    setTabOrder(m_search, m_browser);
    render();
}

void DocExplorer::setSchema(std::shared_ptr<const graphql::Schema> schema)
{
    m_schema = std::move(schema);
    m_history.clear();
    m_page = Page();
    render();
}

void DocExplorer::setPlaceholderText(const QString &text)
{
    m_placeholder = text;
    render();
}

void DocExplorer::showReference(const graphql::SchemaReference &reference)
{
    if (reference.isEmpty())
        return;
    Page page;
    page.typeName = reference.typeName;
    if (reference.fieldName.isEmpty()) {
        page.kind = Page::Kind::Type;
    } else {
        page.kind = Page::Kind::Field;
        page.fieldName = reference.fieldName;
        if (!reference.argumentName.isEmpty())
            page.anchor = QStringLiteral("arg-") + encodePart(reference.argumentName);
    }
    navigate(page);
}

void DocExplorer::showType(const QString &name)
{
    Page page;
    page.kind = Page::Kind::Type;
    page.typeName = name;
    navigate(page);
}

void DocExplorer::showField(const QString &typeName, const QString &fieldName)
{
    Page page;
    page.kind = Page::Kind::Field;
    page.typeName = typeName;
    page.fieldName = fieldName;
    navigate(page);
}

void DocExplorer::showRoot()
{
    navigate(Page());
}

void DocExplorer::back()
{
    if (m_history.isEmpty())
        return;
    m_page = m_history.takeLast();
    if (!m_search->text().isEmpty()) {
        const QSignalBlocker blocker(m_search);
        m_search->clear();
    }
    render();
}

void DocExplorer::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        render(); // the pages' colours come from the palette
}

QString DocExplorer::currentTitle() const
{
    if (!m_schema)
        return tr("Documentation");
    switch (m_page.kind) {
    case Page::Kind::Root:
        return tr("Schema");
    case Page::Kind::Type:
        return m_page.typeName;
    case Page::Kind::Field:
        return m_page.typeName + QLatin1Char('.') + m_page.fieldName;
    }
    return {};
}

void DocExplorer::navigate(const Page &page)
{
    const bool same = page.kind == m_page.kind && page.typeName == m_page.typeName && page.fieldName == m_page.fieldName;
    if (!same)
        m_history.append(m_page);
    m_page = page;
    if (!m_search->text().isEmpty()) {
        const QSignalBlocker blocker(m_search);
        m_search->clear();
    }
    render();
}

void DocExplorer::openLink(const QUrl &url)
{
    const QString scheme = url.scheme();
    const QString path = url.path(QUrl::FullyEncoded);
    if (scheme == typeScheme) {
        showType(QUrl::fromPercentEncoding(path.toLatin1()));
    } else if (scheme == fieldScheme) {
        const qsizetype slash = path.indexOf(QLatin1Char('/'));
        if (slash > 0)
            showField(QUrl::fromPercentEncoding(path.left(slash).toLatin1()),
                      QUrl::fromPercentEncoding(path.mid(slash + 1).toLatin1()));
    }
}

void DocExplorer::render()
{
    m_back->setEnabled(canGoBack());
    m_back->setToolTip(canGoBack() ? tr("Back (%1)").arg(QKeySequence(QKeySequence::Back).toString(QKeySequence::NativeText))
                                   : QString());
    m_search->setEnabled(m_schema != nullptr);

    QString html;
    if (!m_schema) {
        m_title->setText(tr("Documentation"));
        html = QStringLiteral("<p>%1</p>").arg(escaped(m_placeholder));
    } else if (!m_search->text().trimmed().isEmpty()) {
        m_title->setText(tr("Search"));
        html = searchHtml(m_search->text().trimmed());
    } else {
        m_title->setText(currentTitle());
        switch (m_page.kind) {
        case Page::Kind::Root:
            html = rootHtml();
            break;
        case Page::Kind::Type:
            html = typeHtml(m_page.typeName);
            break;
        case Page::Kind::Field:
            html = fieldHtml(m_page.typeName, m_page.fieldName);
            break;
        }
    }
    // The links follow the widget's palette, which may differ from the application's.
    m_browser->document()->setDefaultStyleSheet(
        QStringLiteral("a { color: %1; }").arg(palette().color(QPalette::Link).name()));
    m_browser->setHtml(html);
    if (!m_page.anchor.isEmpty() && m_search->text().isEmpty())
        m_browser->scrollToAnchor(m_page.anchor);
}

QString DocExplorer::rootHtml() const
{
    QString html = QStringLiteral("<h3>%1</h3><p>").arg(tr("Root types"));
    const auto root = [&](const QString &operation, const QString &typeName) {
        if (!typeName.isEmpty())
            html += QStringLiteral("%1: %2<br>").arg(operation, typeLink(typeName));
    };
    root(QStringLiteral("query"), m_schema->queryType());
    root(QStringLiteral("mutation"), m_schema->mutationType());
    root(QStringLiteral("subscription"), m_schema->subscriptionType());
    html += QStringLiteral("</p>");

    QList<const graphql::SchemaType *> types;
    QList<const graphql::SchemaType *> introspection;
    for (const graphql::SchemaType &type : m_schema->types())
        (isIntrospectionName(type.name) ? introspection : types).append(&type);
    const auto byName = [](const graphql::SchemaType *a, const graphql::SchemaType *b) { return a->name < b->name; };
    std::sort(types.begin(), types.end(), byName);
    std::sort(introspection.begin(), introspection.end(), byName);

    const auto list = [&](const QString &heading, const QList<const graphql::SchemaType *> &entries) {
        if (entries.isEmpty())
            return;
        html += QStringLiteral("<h3>%1</h3><p>").arg(heading);
        for (const graphql::SchemaType *type : entries)
            html += QStringLiteral("%1 <i>%2</i><br>").arg(typeLink(type->name), escaped(kindLabel(type->kind)));
        html += QStringLiteral("</p>");
    };
    list(tr("All types"), types);
    list(tr("Introspection types"), introspection);
    return html;
}

namespace {

QString deprecationHtml(bool deprecated, const QString &reason, const QString &color)
{
    if (!deprecated)
        return {};
    const QString text = reason.trimmed().isEmpty() ? DocExplorer::tr("Deprecated.")
                                                    : DocExplorer::tr("Deprecated: %1").arg(reason.trimmed());
    return QStringLiteral("<p style=\"color:%1\">%2</p>").arg(color, escaped(text));
}

QString argumentsHtml(const QList<graphql::SchemaInputValue> &arguments)
{
    if (arguments.isEmpty())
        return {};
    QStringList parts;
    for (const graphql::SchemaInputValue &argument : arguments) {
        QString part = escaped(argument.name) + QStringLiteral(": ") + typeRefHtml(argument.type);
        if (!argument.defaultValue.isEmpty())
            part += QStringLiteral(" = ") + escaped(argument.defaultValue);
        parts << part;
    }
    return QLatin1Char('(') + parts.join(QStringLiteral(", ")) + QLatin1Char(')');
}

} // namespace

QString DocExplorer::typeHtml(const QString &name) const
{
    const graphql::SchemaType *type = m_schema->type(name);
    if (!type)
        return QStringLiteral("<p>%1</p>").arg(escaped(tr("The schema has no type named \"%1\".").arg(name)));

    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    const QString dim = palette().color(QPalette::PlaceholderText).name();
    const QString warning = dark ? QStringLiteral("#ffb74d") : QStringLiteral("#b45309");

    QString html = QStringLiteral("<p style=\"color:%1\"><i>%2</i></p>").arg(dim, escaped(kindLabel(type->kind)));
    html += descriptionHtml(type->description);

    const auto links = [&](const QString &heading, const QStringList &names) {
        if (names.isEmpty())
            return;
        QStringList linked;
        for (const QString &entry : names)
            linked << typeLink(entry);
        html += QStringLiteral("<h3>%1</h3><p>%2</p>").arg(heading, linked.join(QStringLiteral("<br>")));
    };
    links(tr("Implements"), type->interfaces);

    if (!type->fields.isEmpty()) {
        html += QStringLiteral("<h3>%1</h3>").arg(tr("Fields"));
        for (const graphql::SchemaField &field : type->fields) {
            html += QStringLiteral("<p><a href=\"%1\"><b>%2</b></a>%3: %4")
                        .arg(fieldHref(type->name, field.name), escaped(field.name), argumentsHtml(field.arguments),
                             typeRefHtml(field.type));
            html += QStringLiteral("</p>");
            if (!field.description.trimmed().isEmpty())
                html += QStringLiteral("<div style=\"margin-left:16px\">%1</div>").arg(descriptionHtml(field.description));
            if (field.deprecated)
                html += QStringLiteral("<div style=\"margin-left:16px\">%1</div>")
                            .arg(deprecationHtml(true, field.deprecationReason, warning));
        }
    }

    if (!type->inputFields.isEmpty()) {
        html += QStringLiteral("<h3>%1</h3>").arg(tr("Input fields"));
        for (const graphql::SchemaInputValue &input : type->inputFields) {
            html += QStringLiteral("<p><b>%1</b>: %2").arg(escaped(input.name), typeRefHtml(input.type));
            if (!input.defaultValue.isEmpty())
                html += QStringLiteral(" = ") + escaped(input.defaultValue);
            html += QStringLiteral("</p>");
            if (!input.description.trimmed().isEmpty())
                html += QStringLiteral("<div style=\"margin-left:16px\">%1</div>").arg(descriptionHtml(input.description));
            if (input.deprecated)
                html += QStringLiteral("<div style=\"margin-left:16px\">%1</div>")
                            .arg(deprecationHtml(true, input.deprecationReason, warning));
        }
    }

    if (!type->enumValues.isEmpty()) {
        html += QStringLiteral("<h3>%1</h3>").arg(tr("Values"));
        for (const graphql::SchemaEnumValue &value : type->enumValues) {
            html += QStringLiteral("<p><b>%1</b></p>").arg(escaped(value.name));
            if (!value.description.trimmed().isEmpty())
                html += QStringLiteral("<div style=\"margin-left:16px\">%1</div>").arg(descriptionHtml(value.description));
            if (value.deprecated)
                html += QStringLiteral("<div style=\"margin-left:16px\">%1</div>")
                            .arg(deprecationHtml(true, value.deprecationReason, warning));
        }
    }

    links(type->kind == graphql::SchemaType::Kind::Interface ? tr("Implementations") : tr("Possible types"),
          type->possibleTypes);
    return html;
}

QString DocExplorer::fieldHtml(const QString &typeName, const QString &fieldName) const
{
    const graphql::SchemaField *field = m_schema->field(typeName, fieldName);
    if (!field)
        return QStringLiteral("<p>%1</p>")
            .arg(escaped(tr("The type \"%1\" has no field named \"%2\".").arg(typeName, fieldName)));

    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    const QString warning = dark ? QStringLiteral("#ffb74d") : QStringLiteral("#b45309");

    QString html = QStringLiteral("<p>%1 %2</p>").arg(escaped(tr("Field of")), typeLink(typeName));
    html += QStringLiteral("<p><b>%1</b>: %2</p>").arg(escaped(tr("Type")), typeRefHtml(field->type));
    html += descriptionHtml(field->description);
    html += deprecationHtml(field->deprecated, field->deprecationReason, warning);

    if (!field->arguments.isEmpty()) {
        html += QStringLiteral("<h3>%1</h3>").arg(tr("Arguments"));
        for (const graphql::SchemaInputValue &argument : field->arguments) {
            html += QStringLiteral("<p><a name=\"arg-%1\"></a><b>%2</b>: %3")
                        .arg(escaped(encodePart(argument.name)), escaped(argument.name), typeRefHtml(argument.type));
            if (!argument.defaultValue.isEmpty())
                html += QStringLiteral(" = ") + escaped(argument.defaultValue);
            html += QStringLiteral("</p>");
            if (!argument.description.trimmed().isEmpty())
                html += QStringLiteral("<div style=\"margin-left:16px\">%1</div>").arg(descriptionHtml(argument.description));
            if (argument.deprecated)
                html += QStringLiteral("<div style=\"margin-left:16px\">%1</div>")
                            .arg(deprecationHtml(true, argument.deprecationReason, warning));
        }
    }
    return html;
}

QString DocExplorer::searchHtml(const QString &query) const
{
    QStringList typeMatches;
    QStringList fieldMatches;
    int moreTypes = 0;
    int moreFields = 0;
    QList<const graphql::SchemaType *> types;
    for (const graphql::SchemaType &type : m_schema->types())
        types.append(&type);
    std::sort(types.begin(), types.end(), [](const graphql::SchemaType *a, const graphql::SchemaType *b) {
        // Introspection types last, as they rarely are what one looks for.
        if (isIntrospectionName(a->name) != isIntrospectionName(b->name))
            return !isIntrospectionName(a->name);
        return a->name < b->name;
    });

    for (const graphql::SchemaType *type : std::as_const(types)) {
        if (type->name.contains(query, Qt::CaseInsensitive)) {
            if (typeMatches.size() < maxSearchResults)
                typeMatches << QStringLiteral("%1 <i>%2</i>").arg(typeLink(type->name), escaped(kindLabel(type->kind)));
            else
                ++moreTypes;
        }
        for (const graphql::SchemaField &field : type->fields) {
            if (!field.name.contains(query, Qt::CaseInsensitive))
                continue;
            if (fieldMatches.size() < maxSearchResults)
                fieldMatches << QStringLiteral("%1.<a href=\"%2\">%3</a>: %4")
                                    .arg(typeLink(type->name), fieldHref(type->name, field.name), escaped(field.name),
                                         typeRefHtml(field.type));
            else
                ++moreFields;
        }
    }

    if (typeMatches.isEmpty() && fieldMatches.isEmpty())
        return QStringLiteral("<p>%1</p>").arg(escaped(tr("No type or field name contains \"%1\".").arg(query)));
    QString html;
    const auto section = [&](const QString &heading, const QStringList &entries, int more) {
        if (entries.isEmpty())
            return;
        html += QStringLiteral("<h3>%1</h3><p>%2").arg(heading, entries.join(QStringLiteral("<br>")));
        if (more > 0)
            html += QStringLiteral("<br><i>%1</i>").arg(escaped(tr("and %n more; refine the search to see them.", nullptr, more)));
        html += QStringLiteral("</p>");
    };
    section(tr("Types"), typeMatches, moreTypes);
    section(tr("Fields"), fieldMatches, moreFields);
    return html;
}

} // namespace afx::gui
