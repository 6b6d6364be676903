#include "gui/graphqleditor.h"

#include "graphql/formatter.h"
#include "graphql/lexer.h"
#include "gui/graphqlhighlighter.h"

#include <QAction>
#include <QApplication>
#include <QContextMenuEvent>
#include <QElapsedTimer>
#include <QFontDatabase>
#include <QFrame>
#include <QHelpEvent>
#include <QLabel>
#include <QListView>
#include <QLoggingCategory>
#include <QMenu>
#include <QPainter>
#include <QScrollBar>
#include <QStandardItemModel>
#include <QStyledItemDelegate>
#include <QTextBlock>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>

Q_LOGGING_CATEGORY(lcGraphqlEditor, "afx.graphqleditor", QtInfoMsg)

namespace afx::gui {

namespace {

constexpr int indentWidth = 2;
const QString indentUnit = QStringLiteral("  ");

// Item data roles of the completion model.
enum CompletionRole {
    DetailRole = Qt::UserRole + 1,
    DocumentationRole,
    DeprecatedRole,
    KindRole,
};

// A property of the extra selections' formats that names their kind, for tests among others.
constexpr int selectionKindProperty = QTextFormat::UserProperty + 1;

bool isNameStart(QChar c)
{
    return c == QLatin1Char('_') || (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'));
}

bool isNameChar(QChar c)
{
    return isNameStart(c) || (c >= QLatin1Char('0') && c <= QLatin1Char('9'));
}

bool isOpeningBracket(QChar c)
{
    return c == QLatin1Char('(') || c == QLatin1Char('[') || c == QLatin1Char('{');
}

QChar partnerOf(QChar c)
{
    switch (c.unicode()) {
    case '(':
        return QLatin1Char(')');
    case '[':
        return QLatin1Char(']');
    case '{':
        return QLatin1Char('}');
    case ')':
        return QLatin1Char('(');
    case ']':
        return QLatin1Char('[');
    case '}':
        return QLatin1Char('{');
    default:
        return {};
    }
}

QString leadingWhitespace(const QString &line)
{
    qsizetype end = 0;
    while (end < line.size() && (line.at(end) == QLatin1Char(' ') || line.at(end) == QLatin1Char('\t')))
        ++end;
    return line.left(end);
}

bool isBlank(const QString &text)
{
    return leadingWhitespace(text).size() == text.size();
}

const GraphqlBlockData *blockData(const QTextBlock &block)
{
    return static_cast<const GraphqlBlockData *>(block.userData());
}

// Moves `count` code points forward from `from` in `text`, stopping at the end of the line.
qsizetype advanceCodePoints(const QString &text, qsizetype from, int count)
{
    qsizetype pos = from;
    for (int i = 0; i < count && pos < text.size(); ++i) {
        const QChar c = text.at(pos);
        if (c == QLatin1Char('\n') || c == QLatin1Char('\r'))
            break;
        pos += (c.isHighSurrogate() && pos + 1 < text.size() && text.at(pos + 1).isLowSurrogate()) ? 2 : 1;
    }
    return pos;
}

// The UTF-16 offset in `text` of a 1-based line and code point column, counting line ends the
// way the GraphQL lexer does ("\n", "\r\n" and "\r"). Clamped to the end of the line or text.
qsizetype offsetOf(const QString &text, graphql::SourceLocation location)
{
    qsizetype pos = 0;
    for (int line = 1; line < location.line && pos < text.size(); ++line) {
        while (pos < text.size() && text.at(pos) != QLatin1Char('\n') && text.at(pos) != QLatin1Char('\r'))
            ++pos;
        if (pos < text.size() && text.at(pos) == QLatin1Char('\r') && pos + 1 < text.size() && text.at(pos + 1) == QLatin1Char('\n'))
            ++pos;
        if (pos < text.size())
            ++pos;
    }
    return advanceCodePoints(text, pos, qMax(0, location.column - 1));
}

// Token boundaries as UTF-16 offsets, comments included, for keeping the cursor on the same
// token across prettify.
struct TokenSpan {
    qsizetype start = 0;
    qsizetype end = 0;
};

QList<TokenSpan> tokenSpans(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    graphql::Lexer lexer(utf8, true);
    QList<TokenSpan> spans;
    // Byte offsets only grow, so one pass converts them to UTF-16 offsets.
    qsizetype byte = 0;
    qsizetype unit = 0;
    const auto toUtf16 = [&](qsizetype target) {
        while (byte < target && byte < utf8.size()) {
            const uchar lead = uchar(utf8.at(byte));
            if ((lead & 0xC0) != 0x80)
                unit += lead >= 0xF0 ? 2 : 1;
            ++byte;
        }
        return unit;
    };
    for (;;) {
        const graphql::Token token = lexer.next();
        if (token.kind == graphql::TokenKind::EndOfDocument)
            break;
        TokenSpan span;
        span.start = toUtf16(token.offset);
        span.end = toUtf16(token.offset + token.length);
        spans.append(span);
    }
    return spans;
}

// Maps a cursor position across prettify: the same token, at the same offset inside it.
int positionAfterReformat(const QString &before, const QString &after, int position)
{
    const QList<TokenSpan> oldSpans = tokenSpans(before);
    const QList<TokenSpan> newSpans = tokenSpans(after);
    for (qsizetype i = 0; i < oldSpans.size() && i < newSpans.size(); ++i) {
        const TokenSpan &old = oldSpans.at(i);
        if (position > old.end)
            continue;
        const TokenSpan &moved = newSpans.at(i);
        const qsizetype inside = qMax<qsizetype>(0, position - old.start);
        return int(qMin(moved.start + inside, moved.end));
    }
    return int(after.size());
}

QString kindName(graphql::CompletionItem::Kind kind)
{
    using Kind = graphql::CompletionItem::Kind;
    switch (kind) {
    case Kind::Field:
        return GraphqlEditor::tr("field");
    case Kind::Argument:
        return GraphqlEditor::tr("argument");
    case Kind::Type:
        return GraphqlEditor::tr("type");
    case Kind::EnumValue:
        return GraphqlEditor::tr("enum value");
    case Kind::Variable:
        return GraphqlEditor::tr("variable");
    case Kind::Directive:
        return GraphqlEditor::tr("directive");
    case Kind::Keyword:
        return GraphqlEditor::tr("keyword");
    case Kind::Fragment:
        return GraphqlEditor::tr("fragment");
    case Kind::InputField:
        return GraphqlEditor::tr("input field");
    }
    return {};
}

// Paints a completion item: the label on the left (struck out when deprecated), the type or
// kind on the right in a dimmer colour.
class CompletionDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString label = opt.text;
        opt.text.clear();
        const QWidget *widget = opt.widget;
        QStyle *style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

        const bool selected = opt.state & QStyle::State_Selected;
        const QColor textColor = opt.palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
        QColor detailColor = selected ? textColor : opt.palette.color(QPalette::PlaceholderText);
        if (selected)
            detailColor.setAlphaF(0.75f);

        // More padding on the right, so the type column does not touch the popup's edge.
        const QRect area = opt.rect.adjusted(6, 0, -detailRightPadding, 0);
        const QString detail = index.data(DetailRole).toString();
        QFont detailFont = opt.font;
        detailFont.setStrikeOut(false);
        const QFontMetrics detailMetrics(detailFont);
        // A few pixels more than measured, because elidedText() measures a little wider.
        const int detailWidth = qMin(detailMetrics.horizontalAdvance(detail) + 4, area.width() / 2);

        painter->save();
        painter->setFont(opt.font);
        painter->setPen(textColor);
        const QRect labelArea = area.adjusted(0, 0, -(detailWidth + 12), 0);
        painter->drawText(labelArea, Qt::AlignLeft | Qt::AlignVCenter,
                          QFontMetrics(opt.font).elidedText(label, Qt::ElideRight, labelArea.width()));
        painter->setFont(detailFont);
        painter->setPen(detailColor);
        painter->drawText(area, Qt::AlignRight | Qt::AlignVCenter, detailMetrics.elidedText(detail, Qt::ElideMiddle, detailWidth));
        painter->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QSize size = QStyledItemDelegate::sizeHint(option, index);
        const QFontMetrics metrics(option.font);
        size.setWidth(size.width() + metrics.horizontalAdvance(index.data(DetailRole).toString()) + 18 + detailRightPadding);
        return size;
    }

private:
    static constexpr int detailRightPadding = 12;
};

} // namespace

// The completion list with the description of the current item below it. It never takes the
// focus: the editor keeps it and forwards the navigation keys.
class CompletionPopup : public QFrame {
public:
    explicit CompletionPopup(QWidget *parent)
        : QFrame(parent)
    {
        setObjectName(QStringLiteral("completionPopup"));
        setFrameShape(QFrame::StyledPanel);
        setFocusPolicy(Qt::NoFocus);
        setAutoFillBackground(true);
        setBackgroundRole(QPalette::Base);

        list = new QListView(this);
        list->setObjectName(QStringLiteral("completionList"));
        list->setFocusPolicy(Qt::NoFocus);
        list->setFrameShape(QFrame::NoFrame);
        list->setUniformItemSizes(true);
        list->setEditTriggers(QAbstractItemView::NoEditTriggers);
        list->setSelectionMode(QAbstractItemView::SingleSelection);
        list->setItemDelegate(new CompletionDelegate(list));
        model = new QStandardItemModel(this);
        list->setModel(model);

        description = new QLabel(this);
        description->setObjectName(QStringLiteral("completionDescription"));
        description->setTextFormat(Qt::PlainText);
        description->setWordWrap(true);
        description->setFocusPolicy(Qt::NoFocus);
        description->setContentsMargins(6, 4, 6, 4);
        // Top-aligned, so a label given more height than its text needs shows no blank band above it.
        description->setAlignment(Qt::AlignLeft | Qt::AlignTop);
        description->setForegroundRole(QPalette::PlaceholderText);

        auto *layout = new QVBoxLayout(this);
        layout->setContentsMargins(1, 1, 1, 1);
        layout->setSpacing(0);
        layout->addWidget(list, 1);
        layout->addWidget(description);
    }

    QListView *list = nullptr;
    QStandardItemModel *model = nullptr;
    QLabel *description = nullptr;
};

GraphqlEditor::GraphqlEditor(QWidget *parent)
    : QPlainTextEdit(parent)
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setTabStopDistance(fontMetrics().horizontalAdvance(QLatin1Char(' ')) * indentWidth);
    setWhatsThis(shortcutSummary());
    setAccessibleDescription(shortcutSummary());

    m_highlighter = new GraphqlSyntaxHighlighter(document());
    m_highlighter->setPalette(palette());

    createActions();

    m_validationTimer.setSingleShot(true);
    connect(&m_validationTimer, &QTimer::timeout, this, &GraphqlEditor::validateNow);
    connect(this, &QPlainTextEdit::textChanged, this, &GraphqlEditor::scheduleValidation);
    connect(this, &QPlainTextEdit::cursorPositionChanged, this, [this] {
        updateBracketMatch();
        // Undo, paste or a click elsewhere leaves the name being completed.
        if (isCompletionVisible()) {
            const qsizetype position = textCursor().position();
            if (position < m_completion.replaceStart || position > m_completion.replaceStart + m_completion.replaceLength + 1)
                hideCompletion();
        }
    });
}

GraphqlEditor::~GraphqlEditor()
{
    delete m_popup.data();
}

void GraphqlEditor::createActions()
{
    const auto makeAction = [this](const QString &text, const QKeySequence &shortcut, const QString &toolTip,
                                   void (GraphqlEditor::*slot)()) {
        auto *action = new QAction(text, this);
        action->setShortcut(shortcut);
        // The editor handles the keys itself (keyPressEvent), so the shortcut here only labels
        // menus and tool tips and is not registered on the window.
        action->setShortcutContext(Qt::WidgetShortcut);
        action->setToolTip(QStringLiteral("%1 (%2)").arg(toolTip, shortcut.toString(QKeySequence::NativeText)));
        connect(action, &QAction::triggered, this, slot);
        return action;
    };
    m_completeAction = makeAction(tr("Complete"), QKeySequence(Qt::CTRL | Qt::Key_Space),
                                  tr("List the fields, arguments, types or values that fit at the cursor"),
                                  &GraphqlEditor::showCompletion);
    m_prettifyAction = makeAction(tr("Prettify"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P),
                                  tr("Reformat the query: two-space indentation, one field per line"),
                                  &GraphqlEditor::prettify);
    m_toggleCommentAction = makeAction(tr("Toggle comment"), QKeySequence(Qt::CTRL | Qt::Key_Slash),
                                       tr("Comment or uncomment the selected lines"), &GraphqlEditor::toggleComment);
    m_showDocumentationAction = makeAction(tr("Show documentation"), QKeySequence(Qt::Key_F1),
                                           tr("Show the schema documentation of the name at the cursor (or Ctrl+click it)"),
                                           &GraphqlEditor::showDocumentation);
}

QString GraphqlEditor::shortcutSummary()
{
    const auto native = [](const QKeySequence &sequence) { return sequence.toString(QKeySequence::NativeText); };
    return QStringList{
        tr("%1: complete").arg(native(QKeySequence(Qt::CTRL | Qt::Key_Space))),
        tr("%1: prettify").arg(native(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P))),
        tr("%1: toggle comment").arg(native(QKeySequence(Qt::CTRL | Qt::Key_Slash))),
        tr("%1 or Ctrl+click: show documentation").arg(native(QKeySequence(Qt::Key_F1))),
        tr("Tab, Shift+Tab: indent, outdent"),
        tr("%1, %2: move the focus out of the editor")
            .arg(native(QKeySequence(Qt::CTRL | Qt::Key_Tab)), native(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Tab))),
    }.join(QLatin1Char('\n'));
}

void GraphqlEditor::setSchema(std::shared_ptr<const graphql::Schema> schema)
{
    m_schema = std::move(schema);
    hideCompletion();
    validateNow();
}

QAbstractItemView *GraphqlEditor::completionView() const
{
    return m_popup ? m_popup->list : nullptr;
}

bool GraphqlEditor::isCompletionVisible() const
{
    return m_popup && m_popup->isVisible();
}

// ---------------------------------------------------------------------------------------------
// Keys

bool GraphqlEditor::event(QEvent *event)
{
    // Claim the editor's shortcuts before a window-wide shortcut with the same keys fires.
    if (event->type() == QEvent::ShortcutOverride) {
        auto *keyEvent = static_cast<QKeyEvent *>(event);
        const QKeyCombination combination = keyEvent->keyCombination();
        const int key = keyEvent->key();
        const bool popupKey = isCompletionVisible()
            && (key == Qt::Key_Escape || key == Qt::Key_Return || key == Qt::Key_Enter || key == Qt::Key_Tab
                || key == Qt::Key_Up || key == Qt::Key_Down || key == Qt::Key_PageUp || key == Qt::Key_PageDown);
        const bool command = QKeySequence(combination) == m_completeAction->shortcut()
            || QKeySequence(combination) == m_prettifyAction->shortcut()
            || QKeySequence(combination) == m_showDocumentationAction->shortcut()
            || (key == Qt::Key_Slash && (keyEvent->modifiers() & Qt::ControlModifier));
        if (popupKey || command) {
            event->accept();
            return true;
        }
    }
    return QPlainTextEdit::event(event);
}

void GraphqlEditor::keyPressEvent(QKeyEvent *event)
{
    if (handleCompletionKey(event) || handleCommandKey(event) || handleEditingKey(event))
        return;

    const bool wasVisible = isCompletionVisible();
    QPlainTextEdit::keyPressEvent(event);

    const QString typed = event->text();
    if (event->key() == Qt::Key_Backspace || event->key() == Qt::Key_Delete) {
        if (wasVisible)
            updateCompletion(CompletionTrigger::Typing);
        return;
    }
    if (typed.size() == 1 && typed.at(0).isPrint())
        maybeTriggerCompletion(typed);
    else if (wasVisible && !typed.isEmpty())
        hideCompletion();
}

bool GraphqlEditor::handleCompletionKey(QKeyEvent *event)
{
    if (!isCompletionVisible())
        return false;
    QListView *list = m_popup->list;
    const int rows = m_popup->model->rowCount();
    const int current = qMax(0, list->currentIndex().row());
    const int page = qMax(1, list->viewport()->height() / qMax(1, list->sizeHintForRow(0)));
    const auto select = [list, this](int row) {
        list->setCurrentIndex(m_popup->model->index(row, 0));
    };
    switch (event->key()) {
    case Qt::Key_Up:
        select(current == 0 ? rows - 1 : current - 1);
        return true;
    case Qt::Key_Down:
        select(current + 1 >= rows ? 0 : current + 1);
        return true;
    case Qt::Key_PageUp:
        select(qMax(0, current - page));
        return true;
    case Qt::Key_PageDown:
        select(qMin(rows - 1, current + page));
        return true;
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_Tab:
        if (event->modifiers() & ~Qt::KeypadModifier)
            return false;
        acceptCompletion(current);
        return true;
    case Qt::Key_Escape:
        hideCompletion();
        return true;
    case Qt::Key_Left:
    case Qt::Key_Right:
    case Qt::Key_Home:
    case Qt::Key_End:
        hideCompletion();
        return false;
    default:
        return false;
    }
}

bool GraphqlEditor::handleCommandKey(QKeyEvent *event)
{
    const QKeySequence pressed(event->keyCombination());
    const Qt::KeyboardModifiers modifiers = event->modifiers() & ~Qt::KeypadModifier;
    if (pressed == m_completeAction->shortcut()) {
        showCompletion();
        return true;
    }
    if (pressed == m_prettifyAction->shortcut()) {
        prettify();
        return true;
    }
    if (pressed == m_showDocumentationAction->shortcut()) {
        showDocumentation();
        return true;
    }
    // Ctrl+/ whether or not the layout needs Shift for '/'.
    if (event->key() == Qt::Key_Slash && (modifiers & Qt::ControlModifier) && !(modifiers & Qt::AltModifier)) {
        toggleComment();
        return true;
    }
    // Tab indents here, so Ctrl+Tab and Ctrl+Shift+Tab move the focus for keyboard users.
    if ((event->key() == Qt::Key_Tab || event->key() == Qt::Key_Backtab) && (modifiers & Qt::ControlModifier)) {
        const bool next = event->key() == Qt::Key_Tab && !(modifiers & Qt::ShiftModifier);
        QWidget::focusNextPrevChild(next);
        return true;
    }
    return false;
}

bool GraphqlEditor::handleEditingKey(QKeyEvent *event)
{
    if (isReadOnly())
        return false;
    const Qt::KeyboardModifiers modifiers = event->modifiers() & ~Qt::KeypadModifier;
    switch (event->key()) {
    case Qt::Key_Tab:
        if (modifiers != Qt::NoModifier)
            return false;
        if (textCursor().hasSelection() && document()->findBlock(textCursor().selectionStart()) != document()->findBlock(textCursor().selectionEnd()))
            indentSelection(false);
        else
            textCursor().insertText(indentUnit);
        return true;
    case Qt::Key_Backtab:
        indentSelection(true);
        return true;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (modifiers != Qt::NoModifier)
            return false;
        insertNewline();
        return true;
    case Qt::Key_Backspace:
        return modifiers == Qt::NoModifier && deleteIndentation();
    default:
        break;
    }
    const QString typed = event->text();
    if (typed.size() == 1 && (typed == QLatin1String("}") || typed == QLatin1String(")") || typed == QLatin1String("]"))) {
        const QTextCursor cursor = textCursor();
        if (!cursor.hasSelection() && isBlank(cursor.block().text().left(cursor.positionInBlock()))) {
            insertClosingBracket(typed.at(0));
            return true;
        }
    }
    return false;
}

void GraphqlEditor::insertNewline()
{
    QTextCursor cursor = textCursor();
    cursor.beginEditBlock();
    cursor.removeSelectedText();

    const QTextBlock block = cursor.block();
    const QString line = block.text();
    const int column = cursor.positionInBlock();
    QString indent = leadingWhitespace(line.left(column));

    // One level more after an opening bracket that is code, not text in a string or comment.
    bool opens = false;
    QChar opening;
    if (const GraphqlBlockData *data = blockData(block)) {
        for (const GraphqlBlockData::Bracket &bracket : data->brackets) {
            if (bracket.position < column && isOpeningBracket(bracket.character)
                && isBlank(line.mid(bracket.position + 1, column - bracket.position - 1))) {
                opens = true;
                opening = bracket.character;
            }
        }
    }
    if (!opens) {
        cursor.insertText(QLatin1Char('\n') + indent);
    } else {
        // "{|}" becomes three lines with the cursor on the middle one.
        const QString rest = line.mid(column);
        const QString restTrimmed = rest.trimmed();
        const bool closesAfter = !restTrimmed.isEmpty() && restTrimmed.at(0) == partnerOf(opening);
        if (closesAfter) {
            const qsizetype spaces = leadingWhitespace(rest).size();
            cursor.movePosition(QTextCursor::NextCharacter, QTextCursor::KeepAnchor, int(spaces));
            cursor.removeSelectedText();
        }
        cursor.insertText(QLatin1Char('\n') + indent + indentUnit);
        if (closesAfter) {
            const int middle = cursor.position();
            cursor.insertText(QLatin1Char('\n') + indent);
            cursor.setPosition(middle);
        }
    }
    cursor.endEditBlock();
    setTextCursor(cursor);
    ensureCursorVisible();
}

void GraphqlEditor::insertClosingBracket(QChar bracket)
{
    hideCompletion();
    QTextCursor cursor = textCursor();
    const QTextBlock block = cursor.block();
    QString indent;
    const int opening = enclosingOpeningBracket(cursor.position());
    if (opening >= 0) {
        indent = leadingWhitespace(document()->findBlock(opening).text());
    } else {
        indent = leadingWhitespace(block.text());
        indent.chop(qMin<qsizetype>(indentWidth, indent.size()));
    }
    cursor.beginEditBlock();
    cursor.setPosition(block.position());
    cursor.setPosition(textCursor().position(), QTextCursor::KeepAnchor);
    cursor.insertText(indent + bracket);
    cursor.endEditBlock();
    setTextCursor(cursor);
}

void GraphqlEditor::indentSelection(bool outdent)
{
    QTextCursor cursor = textCursor();
    QTextBlock first = document()->findBlock(cursor.selectionStart());
    QTextBlock last = document()->findBlock(cursor.selectionEnd());
    if (cursor.hasSelection() && last != first && cursor.selectionEnd() == last.position())
        last = last.previous();

    QTextCursor edit(document());
    edit.beginEditBlock();
    for (QTextBlock block = first; block.isValid(); block = block.next()) {
        const QString text = block.text();
        if (outdent) {
            qsizetype remove = 0;
            while (remove < indentWidth && remove < text.size() && text.at(remove) == QLatin1Char(' '))
                ++remove;
            if (remove == 0 && !text.isEmpty() && text.at(0) == QLatin1Char('\t'))
                remove = 1;
            edit.setPosition(block.position());
            edit.setPosition(block.position() + int(remove), QTextCursor::KeepAnchor);
            edit.removeSelectedText();
        } else if (!isBlank(text)) {
            edit.setPosition(block.position());
            edit.insertText(indentUnit);
        }
        if (block == last)
            break;
    }
    edit.endEditBlock();
}

bool GraphqlEditor::deleteIndentation()
{
    // Backspace in the indentation removes one level, not one space.
    QTextCursor cursor = textCursor();
    if (cursor.hasSelection())
        return false;
    const QString before = cursor.block().text().left(cursor.positionInBlock());
    if (before.isEmpty() || !isBlank(before) || before.contains(QLatin1Char('\t')))
        return false;
    const int remove = int((before.size() - 1) % indentWidth + 1);
    cursor.movePosition(QTextCursor::PreviousCharacter, QTextCursor::KeepAnchor, remove);
    cursor.removeSelectedText();
    setTextCursor(cursor);
    return true;
}

// ---------------------------------------------------------------------------------------------
// Commands

void GraphqlEditor::toggleComment()
{
    if (isReadOnly())
        return;
    const QTextCursor cursor = textCursor();
    const int column = cursor.positionInBlock();
    const QTextBlock first = document()->findBlock(cursor.selectionStart());
    QTextBlock last = document()->findBlock(cursor.selectionEnd());
    if (cursor.hasSelection() && last != first && cursor.selectionEnd() == last.position())
        last = last.previous();

    QStringList lines;
    for (QTextBlock block = first; block.isValid(); block = block.next()) {
        lines << block.text();
        if (block == last)
            break;
    }
    const QStringList toggled = graphql::toggleLineComments(lines);
    if (toggled == lines)
        return;

    const int start = first.position();
    const int oldEnd = last.position() + last.length() - 1;
    const QString replacement = toggled.join(QLatin1Char('\n'));
    QTextCursor edit(document());
    edit.beginEditBlock();
    edit.setPosition(start);
    edit.setPosition(oldEnd, QTextCursor::KeepAnchor);
    edit.insertText(replacement);
    edit.endEditBlock();

    QTextCursor result(document());
    if (cursor.hasSelection()) {
        result.setPosition(start);
        result.setPosition(start + int(replacement.size()), QTextCursor::KeepAnchor);
    } else {
        // Keep the cursor on the same character of its line. `cursor` has moved with the edit,
        // so the column comes from before it.
        const int delta = int(toggled.first().size() - lines.first().size());
        const int indent = int(leadingWhitespace(lines.first()).size());
        const int newColumn = column < indent ? column : qMax(indent, column + delta);
        result.setPosition(start + qMin(newColumn, int(toggled.first().size())));
    }
    setTextCursor(result);
}

void GraphqlEditor::prettify()
{
    if (isReadOnly())
        return;
    const QString text = toPlainText();
    QString error;
    const std::optional<QString> pretty = graphql::prettify(text, &error);
    if (!pretty) {
        Q_EMIT message(tr("Prettify left the query unchanged. %1 Fix it and press %2 again.")
                           .arg(error, m_prettifyAction->shortcut().toString(QKeySequence::NativeText)));
        return;
    }
    if (*pretty == text)
        return;

    const int position = positionAfterReformat(text, *pretty, textCursor().position());
    const int scroll = verticalScrollBar()->value();
    QTextCursor edit(document());
    edit.beginEditBlock();
    edit.select(QTextCursor::Document);
    edit.insertText(*pretty);
    edit.endEditBlock();
    edit.setPosition(qBound(0, position, int(pretty->size())));
    setTextCursor(edit);
    verticalScrollBar()->setValue(scroll);
    ensureCursorVisible();
}

void GraphqlEditor::showDocumentation()
{
    showDocumentationAt(m_contextMenuPosition >= 0 ? m_contextMenuPosition : textCursor().position());
}

void GraphqlEditor::showDocumentationAt(int position)
{
    if (!m_schema) {
        Q_EMIT schemaRequested();
        // The owner may have set a schema synchronously, but usually it loads over the network.
        if (!m_schema) {
            Q_EMIT message(tr("No schema is loaded, so there is no documentation. Load the schema from the endpoint first."));
            return;
        }
    }
    const graphql::SchemaReference reference = graphql::referenceAt(toPlainText(), position, *m_schema);
    if (reference.isEmpty()) {
        Q_EMIT message(tr("No type, field or argument of the schema at the cursor. Place the cursor on a name and press %1.")
                           .arg(m_showDocumentationAction->shortcut().toString(QKeySequence::NativeText)));
        return;
    }
    Q_EMIT documentationRequested(reference);
}

// ---------------------------------------------------------------------------------------------
// Completion

void GraphqlEditor::showCompletion()
{
    if (!m_schema)
        Q_EMIT schemaRequested();
    updateCompletion(CompletionTrigger::Explicit);
}

void GraphqlEditor::maybeTriggerCompletion(const QString &typed)
{
    if (document()->characterCount() > largeDocumentChars) {
        hideCompletion();
        return;
    }
    const QChar c = typed.at(0);
    const QTextCursor cursor = textCursor();
    const QString before = cursor.block().text().left(cursor.positionInBlock());
    bool trigger = c == QLatin1Char('@') || c == QLatin1Char('$') || c == QLatin1Char('(')
        || (c == QLatin1Char('.') && before.endsWith(QLatin1String("...")));
    if (isNameChar(c)) {
        // Only in a name: "10" in an argument value is a number.
        qsizetype start = before.size();
        while (start > 0 && isNameChar(before.at(start - 1)))
            --start;
        trigger = start < before.size() && isNameStart(before.at(start));
    }
    if (trigger)
        updateCompletion(CompletionTrigger::Typing);
    else
        hideCompletion();
}

void GraphqlEditor::updateCompletion(CompletionTrigger trigger)
{
    const QString text = toPlainText();
    const int position = textCursor().position();
    graphql::CompletionResult result = graphql::complete(text, position, m_schema.get());

    // A name typed out in full needs no list: Enter must start a new line then.
    const QString typedName = text.mid(result.replaceStart, result.replaceLength);
    if (trigger == CompletionTrigger::Typing && result.items.size() == 1 && result.items.first().label == typedName)
        result.items.clear();
    if (result.items.isEmpty()) {
        hideCompletion();
        if (trigger == CompletionTrigger::Explicit)
            Q_EMIT message(m_schema ? tr("Nothing to complete at the cursor.")
                                    : tr("Nothing to complete at the cursor. Load the schema to complete fields and arguments."));
        return;
    }
    m_completion = std::move(result);

    if (!m_popup) {
        m_popup = new CompletionPopup(window());
        connect(m_popup->list, &QListView::clicked, this, [this](const QModelIndex &index) { acceptCompletion(index.row()); });
        // The description follows the current item.
        connect(m_popup->list->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex &current) {
            QString documentation = current.data(DocumentationRole).toString();
            constexpr qsizetype maxChars = 280;
            if (documentation.size() > maxChars)
                documentation = documentation.left(maxChars - 1) + QChar(0x2026);
            m_popup->description->setText(documentation);
            m_popup->description->setVisible(!documentation.isEmpty());
            if (m_popup->isVisible())
                placeCompletionPopup();
        });
    } else if (m_popup->parentWidget() != window()) {
        m_popup->setParent(window());
    }

    QStandardItemModel *model = m_popup->model;
    model->clear();
    for (const graphql::CompletionItem &item : std::as_const(m_completion.items)) {
        auto *row = new QStandardItem(item.label);
        row->setData(item.detail.isEmpty() ? kindName(item.kind) : item.detail, DetailRole);
        QString documentation = item.documentation.trimmed();
        if (item.deprecated)
            documentation = documentation.isEmpty() ? tr("Deprecated.") : tr("Deprecated. %1").arg(documentation);
        row->setData(documentation, DocumentationRole);
        row->setData(item.deprecated, DeprecatedRole);
        row->setData(int(item.kind), KindRole);
        row->setToolTip(documentation);
        if (item.deprecated) {
            QFont font = m_popup->list->font();
            font.setStrikeOut(true);
            row->setFont(font);
        }
        model->appendRow(row);
    }

    m_popup->list->setCurrentIndex(model->index(0, 0));
    placeCompletionPopup();
}

void GraphqlEditor::placeCompletionPopup()
{
    if (!m_popup)
        return;
    QWidget *host = window();
    m_popup->setFont(font());
    m_popup->list->setFont(font());

    const int rowHeight = qMax(1, m_popup->list->sizeHintForRow(0));
    const int visibleRows = qMin(10, m_popup->model->rowCount());
    int width = 0;
    for (int row = 0; row < m_popup->model->rowCount() && row < 200; ++row)
        width = qMax(width, m_popup->list->sizeHintForIndex(m_popup->model->index(row, 0)).width());
    width = qBound(260, width + m_popup->list->verticalScrollBar()->sizeHint().width() + 8, 520);
    width = qMin(width, host->width());
    // The description gets the height its wrapped text needs at the width inside the frame and
    // the layout margins, and the popup is that much taller than the list.
    const QMargins margins = m_popup->layout()->contentsMargins();
    const int frame = 2 * m_popup->frameWidth() + margins.top() + margins.bottom();
    const int innerWidth = width - 2 * m_popup->frameWidth() - margins.left() - margins.right();
    m_popup->description->setFixedWidth(innerWidth);
    int descriptionHeight = 0;
    if (!m_popup->description->isHidden() && !m_popup->description->text().isEmpty())
        descriptionHeight = qMax(0, m_popup->description->heightForWidth(innerWidth));
    m_popup->description->setFixedHeight(qMax(1, descriptionHeight));
    // A fixed list height, because the list view's minimum size hint is taller than one or two
    // rows and would push the description out of the popup.
    const int listHeight = rowHeight * visibleRows + 4;
    m_popup->list->setFixedHeight(listHeight);
    const int height = listHeight + frame + descriptionHeight;

    QTextCursor start = textCursor();
    start.setPosition(int(qMin<qsizetype>(m_completion.replaceStart, document()->characterCount() - 1)));
    const QRect caret = cursorRect(start);
    const QPoint below = viewport()->mapTo(host, caret.bottomLeft() + QPoint(0, 2));
    const QPoint above = viewport()->mapTo(host, caret.topLeft() - QPoint(0, 2));
    int x = qBound(0, below.x() - 4, qMax(0, host->width() - width));
    int y = below.y();
    if (y + height > host->height() && above.y() - height >= 0)
        y = above.y() - height;
    m_popup->setGeometry(x, y, width, qMin(height, host->height()));
    m_popup->show();
    m_popup->raise();
}

void GraphqlEditor::acceptCompletion(int row)
{
    if (row < 0 || row >= m_completion.items.size())
        return;
    const graphql::CompletionItem item = m_completion.items.at(row);
    const QString insert = item.insertText.isEmpty() ? item.label : item.insertText;
    const int documentEnd = document()->characterCount() - 1;
    const int start = qBound(0, int(m_completion.replaceStart), documentEnd);
    const int end = qBound(start, int(m_completion.replaceStart + m_completion.replaceLength), documentEnd);
    hideCompletion();

    QTextCursor cursor = textCursor();
    cursor.beginEditBlock();
    cursor.setPosition(start);
    cursor.setPosition(end, QTextCursor::KeepAnchor);
    cursor.insertText(insert);

    // A field that needs arguments gets "()", one with a selection set " {}" on new lines,
    // unless the text after it already has them.
    bool reopen = false;
    if (item.kind == graphql::CompletionItem::Kind::Field && m_schema) {
        const QString rest = cursor.block().text().mid(cursor.positionInBlock()).trimmed();
        const bool followed = rest.startsWith(QLatin1Char('(')) || rest.startsWith(QLatin1Char('{'))
            || rest.startsWith(QLatin1Char(':'));
        const graphql::SchemaReference reference = graphql::referenceAt(toPlainText(), start, *m_schema);
        const graphql::SchemaField *field = reference.fieldName.isEmpty()
            ? nullptr
            : m_schema->field(reference.typeName, reference.fieldName);
        if (field && !followed) {
            const bool requiredArgument = std::any_of(field->arguments.cbegin(), field->arguments.cend(),
                                                      [](const graphql::SchemaInputValue &argument) {
                                                          return argument.type.kind == graphql::TypeRef::Kind::NonNull
                                                              && argument.defaultValue.isEmpty();
                                                      });
            const graphql::SchemaType *type = m_schema->namedType(field->type);
            if (requiredArgument) {
                cursor.insertText(QStringLiteral("()"));
                cursor.movePosition(QTextCursor::PreviousCharacter);
                reopen = true;
            } else if (type && type->isComposite()) {
                const QString indent = leadingWhitespace(cursor.block().text());
                cursor.insertText(QStringLiteral(" {\n") + indent + indentUnit);
                const int middle = cursor.position();
                cursor.insertText(QLatin1Char('\n') + indent + QLatin1Char('}'));
                cursor.setPosition(middle);
                reopen = true;
            }
        }
    }
    cursor.endEditBlock();
    setTextCursor(cursor);
    ensureCursorVisible();
    if (reopen)
        updateCompletion(CompletionTrigger::Typing);
}

void GraphqlEditor::hideCompletion()
{
    if (m_popup)
        m_popup->hide();
}

// ---------------------------------------------------------------------------------------------
// Validation

void GraphqlEditor::scheduleValidation()
{
    m_validationTimer.start(document()->characterCount() > largeDocumentChars ? largeDocumentValidationDelayMs
                                                                              : validationDelayMs);
}

void GraphqlEditor::validateNow()
{
    m_validationTimer.stop();
    const QString text = toPlainText();
    m_validatedText = text;

    QElapsedTimer timer;
    timer.start();
    // An empty editor is not an error worth a red mark.
    m_diagnostics = isBlank(text.trimmed()) ? QList<graphql::Diagnostic>()
                                            : graphql::checkDocument(text.toUtf8(), m_schema.get());
    const qint64 elapsed = timer.elapsed();
    if (elapsed > 50)
        qCInfo(lcGraphqlEditor) << "Validating" << text.size() << "characters took" << elapsed << "ms";

    rebuildDiagnosticSelections();
    Q_EMIT diagnosticsChanged(m_diagnostics);
}

QColor GraphqlEditor::diagnosticColor(graphql::Diagnostic::Severity severity) const
{
    const bool dark = GraphqlSyntaxHighlighter::isDark(palette());
    if (severity == graphql::Diagnostic::Severity::Error)
        return dark ? QColor(0xff, 0x6e, 0x6e) : QColor(0xd3, 0x2f, 0x2f);
    return dark ? QColor(0xff, 0xb7, 0x4d) : QColor(0xef, 0x6c, 0x00);
}

// A faint tint under the wavy underline, which is thin at small font sizes.
QColor GraphqlEditor::diagnosticBackground(graphql::Diagnostic::Severity severity) const
{
    QColor color = diagnosticColor(severity);
    color.setAlpha(GraphqlSyntaxHighlighter::isDark(palette()) ? 56 : 32);
    return color;
}

void GraphqlEditor::rebuildDiagnosticSelections()
{
    const QString &text = m_validatedText;
    const int documentEnd = document()->characterCount() - 1;

    m_diagnosticSelections.clear();
    for (const graphql::Diagnostic &diagnostic : std::as_const(m_diagnostics)) {
        qsizetype start = offsetOf(text, diagnostic.location);
        qsizetype end = advanceCodePoints(text, start, qMax(1, diagnostic.length));
        if (end == start && start > 0) {
            // At the end of a line or of the document: mark the character before.
            start = start - ((start >= 2 && text.at(start - 1).isLowSurrogate() && text.at(start - 2).isHighSurrogate()) ? 2 : 1);
            if (text.at(start) == QLatin1Char('\n'))
                end = start; // an empty line: nothing to underline but the tool tip still works
        }
        QTextEdit::ExtraSelection selection;
        selection.cursor = QTextCursor(document());
        selection.cursor.setPosition(int(qMin<qsizetype>(start, documentEnd)));
        selection.cursor.setPosition(int(qMin<qsizetype>(end, documentEnd)), QTextCursor::KeepAnchor);
        selection.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        selection.format.setUnderlineColor(diagnosticColor(diagnostic.severity));
        selection.format.setBackground(diagnosticBackground(diagnostic.severity));
        selection.format.setProperty(selectionKindProperty, diagnostic.severity == graphql::Diagnostic::Severity::Error
                                                                ? QStringLiteral("error")
                                                                : QStringLiteral("warning"));
        m_diagnosticSelections.append(selection);
    }
    applyExtraSelections();
}

void GraphqlEditor::goToDiagnostic(int index)
{
    if (index < 0 || index >= m_diagnosticSelections.size())
        return;
    QTextCursor cursor = textCursor();
    cursor.setPosition(m_diagnosticSelections.at(index).cursor.selectionStart());
    setTextCursor(cursor);
    ensureCursorVisible();
    setFocus();
}

QString GraphqlEditor::diagnosticToolTip(int position) const
{
    QStringList lines;
    for (qsizetype i = 0; i < m_diagnosticSelections.size() && i < m_diagnostics.size(); ++i) {
        const QTextCursor &range = m_diagnosticSelections.at(i).cursor;
        // An empty range (an error at the end of a line) reacts to the character before it too.
        const int start = range.selectionStart() - (range.hasSelection() ? 0 : 1);
        if (position < start || position > range.selectionEnd())
            continue;
        const graphql::Diagnostic &diagnostic = m_diagnostics.at(i);
        QString line = diagnostic.message;
        if (!diagnostic.specSection.isEmpty())
            line += QLatin1Char('\n') + tr("GraphQL specification, section %1").arg(diagnostic.specSection);
        lines << line;
    }
    return lines.join(QStringLiteral("\n\n"));
}

bool GraphqlEditor::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString toolTip = diagnosticToolTip(cursorForPosition(help->pos()).position());
        if (toolTip.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), toolTip, viewport());
        return true;
    }
    return QPlainTextEdit::viewportEvent(event);
}

// ---------------------------------------------------------------------------------------------
// Brackets

int GraphqlEditor::matchingBracket(int position, bool *mismatched) const
{
    *mismatched = false;
    QTextBlock block = document()->findBlock(position);
    const GraphqlBlockData *data = blockData(block);
    if (!data)
        return -1;
    const int inBlock = position - block.position();
    qsizetype index = -1;
    for (qsizetype i = 0; i < data->brackets.size(); ++i) {
        if (data->brackets.at(i).position == inBlock)
            index = i;
    }
    if (index < 0)
        return -1;

    const QChar start = data->brackets.at(index).character;
    const bool forward = isOpeningBracket(start);
    QList<QChar> open; // brackets between the two, still waiting for their partners
    for (;;) {
        index += forward ? 1 : -1;
        while (!data || index < 0 || index >= data->brackets.size()) {
            block = forward ? block.next() : block.previous();
            if (!block.isValid())
                return -1;
            data = blockData(block);
            index = data && !forward ? data->brackets.size() - 1 : 0;
            if (data && !data->brackets.isEmpty())
                break;
        }
        const QChar c = data->brackets.at(index).character;
        if (isOpeningBracket(c) == forward) {
            open.append(c);
            continue;
        }
        if (!open.isEmpty()) {
            open.removeLast();
            continue;
        }
        *mismatched = c != partnerOf(start);
        return block.position() + data->brackets.at(index).position;
    }
}

int GraphqlEditor::enclosingOpeningBracket(int position) const
{
    QTextBlock block = document()->findBlock(position);
    int depth = 0;
    bool first = true;
    for (; block.isValid(); block = block.previous()) {
        const GraphqlBlockData *data = blockData(block);
        if (!data)
            continue;
        for (qsizetype i = data->brackets.size() - 1; i >= 0; --i) {
            const GraphqlBlockData::Bracket &bracket = data->brackets.at(i);
            if (first && block.position() + bracket.position >= position)
                continue;
            if (!isOpeningBracket(bracket.character)) {
                ++depth;
            } else if (depth > 0) {
                --depth;
            } else {
                return block.position() + bracket.position;
            }
        }
        first = false;
    }
    return -1;
}

void GraphqlEditor::updateBracketMatch()
{
    m_bracketSelections.clear();
    const QTextCursor cursor = textCursor();
    if (!cursor.hasSelection()) {
        // The bracket before the cursor comes first, as after typing it. Then the one after it.
        const QTextBlock block = cursor.block();
        const GraphqlBlockData *data = blockData(block);
        int bracket = -1;
        if (data) {
            const int column = cursor.positionInBlock();
            for (const GraphqlBlockData::Bracket &candidate : data->brackets) {
                if (candidate.position == column - 1)
                    bracket = block.position() + candidate.position;
            }
            if (bracket < 0) {
                for (const GraphqlBlockData::Bracket &candidate : data->brackets) {
                    if (candidate.position == column)
                        bracket = block.position() + candidate.position;
                }
            }
        }
        if (bracket >= 0) {
            bool mismatched = false;
            const int partner = matchingBracket(bracket, &mismatched);
            const bool dark = GraphqlSyntaxHighlighter::isDark(palette());
            const bool error = partner < 0 || mismatched;
            QTextCharFormat format;
            if (error) {
                format.setBackground(dark ? QColor(0x8b, 0x1a, 0x1a) : QColor(0xff, 0xcd, 0xd2));
                format.setForeground(dark ? QColor(0xff, 0xe0, 0xe0) : QColor(0xb7, 0x1c, 0x1c));
                format.setProperty(selectionKindProperty, QStringLiteral("bracket-error"));
            } else {
                format.setBackground(dark ? QColor(0x3a, 0x55, 0x3a) : QColor(0xc8, 0xe6, 0xc9));
                format.setProperty(selectionKindProperty, QStringLiteral("bracket-match"));
            }
            format.setFontWeight(QFont::Bold);
            for (const int at : {bracket, partner}) {
                if (at < 0)
                    continue;
                QTextEdit::ExtraSelection selection;
                selection.cursor = QTextCursor(document());
                selection.cursor.setPosition(at);
                selection.cursor.setPosition(at + 1, QTextCursor::KeepAnchor);
                selection.format = format;
                m_bracketSelections.append(selection);
            }
        }
    }
    applyExtraSelections();
}

void GraphqlEditor::applyExtraSelections()
{
    setExtraSelections(m_diagnosticSelections + m_bracketSelections);
}

// ---------------------------------------------------------------------------------------------
// Events

void GraphqlEditor::mousePressEvent(QMouseEvent *event)
{
    hideCompletion();
    QPlainTextEdit::mousePressEvent(event);
    if (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ControlModifier))
        showDocumentationAt(cursorForPosition(event->position().toPoint()).position());
}

void GraphqlEditor::contextMenuEvent(QContextMenuEvent *event)
{
    hideCompletion();
    QMenu *menu = createStandardContextMenu(event->pos());
    menu->addSeparator();
    menu->addAction(m_completeAction);
    menu->addAction(m_prettifyAction);
    menu->addAction(m_toggleCommentAction);
    menu->addAction(m_showDocumentationAction);
    const bool editable = !isReadOnly();
    m_completeAction->setEnabled(editable);
    m_prettifyAction->setEnabled(editable);
    m_toggleCommentAction->setEnabled(editable);
    // From the mouse, documentation is for the clicked name, not the text cursor's.
    m_contextMenuPosition = event->reason() == QContextMenuEvent::Mouse ? cursorForPosition(event->pos()).position() : -1;
    menu->exec(event->globalPos());
    m_contextMenuPosition = -1;
    delete menu;
}

void GraphqlEditor::focusOutEvent(QFocusEvent *event)
{
    hideCompletion();
    QPlainTextEdit::focusOutEvent(event);
}

void GraphqlEditor::hideEvent(QHideEvent *event)
{
    hideCompletion();
    QPlainTextEdit::hideEvent(event);
}

void GraphqlEditor::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    if (isCompletionVisible())
        placeCompletionPopup();
}

void GraphqlEditor::scrollContentsBy(int dx, int dy)
{
    QPlainTextEdit::scrollContentsBy(dx, dy);
    if (isCompletionVisible())
        placeCompletionPopup();
}

void GraphqlEditor::changeEvent(QEvent *event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        m_highlighter->setPalette(palette());
        // Only the colours change: the ranges have followed the edits since the validation.
        for (qsizetype i = 0; i < m_diagnosticSelections.size() && i < m_diagnostics.size(); ++i)
        {
            m_diagnosticSelections[i].format.setUnderlineColor(diagnosticColor(m_diagnostics.at(i).severity));
            m_diagnosticSelections[i].format.setBackground(diagnosticBackground(m_diagnostics.at(i).severity));
        }
        updateBracketMatch();
    }
}

} // namespace afx::gui
