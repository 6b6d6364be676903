#include "graphql/schema.h"
#include "gui/docexplorer.h"
#include "gui/graphqleditor.h"

#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextLayout>
#include <QTextDocumentFragment>
#include <QTimer>
#include <QToolButton>
#include <QToolTip>

using namespace afx;
using afx::gui::DocExplorer;
using afx::gui::GraphqlEditor;

namespace {

constexpr int selectionKindProperty = QTextFormat::UserProperty + 1;

std::shared_ptr<const graphql::Schema> loadSchema(const QString &fileName)
{
    QFile file(QStringLiteral(AFX_TEST_DATA_DIR "/graphql/") + fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("Cannot open %s", qPrintable(file.fileName()));
        return {};
    }
    QString error;
    std::optional<graphql::Schema> schema = graphql::Schema::fromIntrospection(file.readAll(), &error);
    if (!schema) {
        qWarning("%s", qPrintable(error));
        return {};
    }
    return std::make_shared<const graphql::Schema>(std::move(*schema));
}

// A schema whose texts try to inject HTML into the documentation explorer.
std::shared_ptr<const graphql::Schema> hostileSchema()
{
    // Single quotes stand for JSON's double quotes so that the text reads easily. The hostile
    // texts write their double quotes as the JSON escape \u0022.
    QByteArray json =
        "{'__schema': {'queryType': {'name': 'Query'}, 'mutationType': null, 'subscriptionType': null,"
        " 'directives': [], 'types': ["
        "  {'kind': 'OBJECT', 'name': 'Query',"
        "   'description': '<img src=\\u0022http://127.0.0.1:9/tracker.png\\u0022><b>bold</b>"
        "<script>alert(1)</script> & \\u0022quoted\\u0022',"
        "   'fields': [{'name': 'hello', 'description': '<a href=\\u0022type:Evil\\u0022>click</a>',"
        "     'args': [{'name': 'name', 'description': '</p><h1>big</h1>',"
        "               'type': {'kind': 'SCALAR', 'name': 'String', 'ofType': null},"
        "               'defaultValue': '\\u0022<i>x</i>\\u0022'}],"
        "     'type': {'kind': 'SCALAR', 'name': 'String', 'ofType': null},"
        "     'isDeprecated': true, 'deprecationReason': '<u>gone</u>'}],"
        "   'inputFields': null, 'interfaces': [], 'enumValues': null, 'possibleTypes': null},"
        "  {'kind': 'SCALAR', 'name': 'String', 'description': null, 'fields': null, 'inputFields': null,"
        "   'interfaces': null, 'enumValues': null, 'possibleTypes': null},"
        "  {'kind': 'SCALAR', 'name': 'Boolean', 'description': null, 'fields': null, 'inputFields': null,"
        "   'interfaces': null, 'enumValues': null, 'possibleTypes': null}"
        "]}}";
    json.replace('\'', '"');
    QString error;
    std::optional<graphql::Schema> schema = graphql::Schema::fromIntrospection(json, &error);
    if (!schema) {
        qWarning("%s", qPrintable(error));
        return {};
    }
    return std::make_shared<const graphql::Schema>(std::move(*schema));
}

struct Range {
    int start = 0;
    int end = 0;
    friend bool operator==(const Range &, const Range &) = default;
};

char *toString(const Range &range)
{
    return QTest::toString(QStringLiteral("[%1, %2)").arg(range.start).arg(range.end));
}

QList<Range> selectionsOfKind(const GraphqlEditor &editor, const QString &kind)
{
    QList<Range> ranges;
    for (const QTextEdit::ExtraSelection &selection : editor.extraSelections()) {
        if (selection.format.property(selectionKindProperty).toString() == kind)
            ranges.append({selection.cursor.selectionStart(), selection.cursor.selectionEnd()});
    }
    return ranges;
}

void setCursor(GraphqlEditor &editor, int position)
{
    QTextCursor cursor = editor.textCursor();
    cursor.setPosition(position);
    editor.setTextCursor(cursor);
}

QStringList completionLabels(const GraphqlEditor &editor)
{
    QStringList labels;
    const QAbstractItemView *view = editor.completionView();
    if (!view)
        return labels;
    for (int row = 0; row < view->model()->rowCount(); ++row)
        labels << view->model()->index(row, 0).data().toString();
    return labels;
}

// The position in the browser's document of the link to `href`, or -1.
int linkPosition(const QTextBrowser &browser, const QString &href)
{
    for (QTextBlock block = browser.document()->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            if (fragment.charFormat().isAnchor() && fragment.charFormat().anchorHref() == href)
                return fragment.position();
        }
    }
    return -1;
}

void clickLink(QTextBrowser &browser, const QString &href)
{
    const int position = linkPosition(browser, href);
    QVERIFY2(position >= 0, qPrintable(href));
    QTextCursor cursor(browser.document());
    cursor.setPosition(position + 1);
    browser.setTextCursor(cursor);
    browser.ensureCursorVisible();
    const QRect rect = browser.cursorRect(cursor);
    QTest::mouseClick(browser.viewport(), Qt::LeftButton, {}, rect.center() - QPoint(2, 0));
}

// The highlighter's format at a document position.
QTextCharFormat formatAt(const GraphqlEditor &editor, int position)
{
    const QTextBlock block = editor.document()->findBlock(position);
    const int inBlock = position - block.position();
    for (const QTextLayout::FormatRange &range : block.layout()->formats()) {
        if (inBlock >= range.start && inBlock < range.start + range.length)
            return range.format;
    }
    return {};
}

QString screenshotDir()
{
    return qEnvironmentVariable("AFX_SCREENSHOT_DIR");
}

} // namespace

class TestGraphqlEditor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void highlighterRoles();
    void bracketMatching();
    void bracketsInStringsAndComments();
    void unmatchedBrackets();
    void autoIndent();
    void tabAndOutdent();
    void commentToggleAndUndo();
    void prettifyAndUndo();
    void prettifyErrorKeepsText();
    void contextMenuShowsShortcuts();
    void completionPopupContents();
    void completionAcceptsItem();
    void completionWithoutSchema();
    void completionEscapeCloses();
    void diagnosticsAfterNonAscii();
    void diagnosticsDebounced();
    void diagnosticToolTip();
    void largeDocumentWaitsLonger();
    void f1EmitsReference();
    void f1WithoutSchema();
    void docExplorerEmptyState();
    void docExplorerNavigation();
    void docExplorerSearch();
    void docExplorerReference();
    void docExplorerEscapesSchemaText();
    void screenshot();

private:
    std::shared_ptr<const graphql::Schema> m_schema;
};

void TestGraphqlEditor::initTestCase()
{
    m_schema = loadSchema(QStringLiteral("introspection-todo.json"));
    QVERIFY(m_schema);
}

void TestGraphqlEditor::highlighterRoles()
{
    GraphqlEditor editor;
    const QString text = QStringLiteral(
        "query Q($id: ID = 1) {\n"
        "  query: todo(id: $id) { ...Parts ... on Todo { done } }\n"
        "  f(s: \"\"\"first\n"
        "  second {\"\"\", e: DONE, b: true) @skip(if: false) # note\n"
        "}\n"
        "fragment Parts on Todo { id }");
    editor.setPlainText(text);
    const auto at = [&](const QString &needle, int from = 0) {
        const int position = int(text.indexOf(needle, from));
        if (position < 0)
            qWarning("%s not found", qPrintable(needle));
        return formatAt(editor, position);
    };
    const auto color = [](const QTextCharFormat &format) { return format.foreground().color(); };

    // Keywords are bold only where the grammar has them.
    QCOMPARE(at(QStringLiteral("query Q")).fontWeight(), int(QFont::Bold));
    QVERIFY(at(QStringLiteral("query:")).fontWeight() != int(QFont::Bold));
    QVERIFY(at(QStringLiteral("query:")).fontItalic()); // an alias
    QCOMPARE(at(QStringLiteral("on Todo")).fontWeight(), int(QFont::Bold));
    QCOMPARE(at(QStringLiteral("fragment")).fontWeight(), int(QFont::Bold));
    QCOMPARE(at(QStringLiteral("true")).fontWeight(), int(QFont::Bold));

    // Type names in variable definitions, after "on" and in fragment definitions look alike.
    const QColor typeColor = color(at(QStringLiteral("ID =")));
    QCOMPARE(color(at(QStringLiteral("Todo {"))), typeColor);
    QCOMPARE(color(at(QStringLiteral("Todo { id"))), typeColor);
    QVERIFY(color(at(QStringLiteral("todo("))) != typeColor);

    // Fields, arguments, variables, directives and enum values differ from each other.
    const QList<QColor> roles{color(at(QStringLiteral("todo("))), color(at(QStringLiteral("id: $id"))),
                              color(at(QStringLiteral("$id)"))), color(at(QStringLiteral("@skip"))),
                              color(at(QStringLiteral("DONE")))};
    for (qsizetype i = 0; i < roles.size(); ++i) {
        for (qsizetype j = i + 1; j < roles.size(); ++j)
            QVERIFY2(roles.at(i) != roles.at(j), qPrintable(QStringLiteral("roles %1 and %2").arg(i).arg(j)));
    }

    // The block string goes on across the line break, and its brace is no bracket.
    const QColor stringColor = color(at(QStringLiteral("\"\"\"first")));
    QCOMPARE(color(at(QStringLiteral("second"))), stringColor);
    QCOMPARE(color(at(QStringLiteral("{\"\"\""))), stringColor);
    QVERIFY(!at(QStringLiteral(", e:")).hasProperty(QTextFormat::ForegroundBrush)); // punctuation keeps the text colour
    QVERIFY(at(QStringLiteral("# note")).fontItalic());

    // A character that is not GraphQL is marked.
    editor.setPlainText(QStringLiteral("{ a % b }"));
    QCOMPARE(formatAt(editor, 4).underlineStyle(), QTextCharFormat::WaveUnderline);
}

void TestGraphqlEditor::bracketMatching()
{
    GraphqlEditor editor;
    editor.setPlainText(QStringLiteral("query {\n  todo(id: 1) { id }\n}"));
    const QString text = editor.toPlainText();

    // After the opening brace: it and the last brace.
    setCursor(editor, int(text.indexOf(QLatin1Char('{')) + 1));
    QCOMPARE(selectionsOfKind(editor, QStringLiteral("bracket-match")),
             (QList<Range>{{6, 7}, {int(text.size() - 1), int(text.size())}}));
    QVERIFY(selectionsOfKind(editor, QStringLiteral("bracket-error")).isEmpty());

    // Before a parenthesis: the one after the cursor matches.
    const int paren = int(text.indexOf(QLatin1Char('(')));
    setCursor(editor, paren);
    QCOMPARE(selectionsOfKind(editor, QStringLiteral("bracket-match")),
             (QList<Range>{{paren, paren + 1}, {int(text.indexOf(QLatin1Char(')'))), int(text.indexOf(QLatin1Char(')')) + 1)}}));

    // Backwards from a closing brace.
    const int inner = int(text.indexOf(QStringLiteral("{ id }")));
    setCursor(editor, inner + 6);
    QCOMPARE(selectionsOfKind(editor, QStringLiteral("bracket-match")), (QList<Range>{{inner + 5, inner + 6}, {inner, inner + 1}}));

    // Nowhere near a bracket: nothing.
    setCursor(editor, 2);
    QVERIFY(selectionsOfKind(editor, QStringLiteral("bracket-match")).isEmpty());
}

void TestGraphqlEditor::bracketsInStringsAndComments()
{
    GraphqlEditor editor;
    editor.setPlainText(QStringLiteral("{\n  f(s: \"(}\", t: \"\"\"\n  {[\n  \"\"\") # ) }\n}"));
    const QString text = editor.toPlainText();

    const int open = int(text.indexOf(QLatin1Char('(')));
    setCursor(editor, open + 1);
    const int close = int(text.indexOf(QStringLiteral(") #")));
    QCOMPARE(selectionsOfKind(editor, QStringLiteral("bracket-match")), (QList<Range>{{open, open + 1}, {close, close + 1}}));

    setCursor(editor, 1);
    QCOMPARE(selectionsOfKind(editor, QStringLiteral("bracket-match")),
             (QList<Range>{{0, 1}, {int(text.size() - 1), int(text.size())}}));

    // A bracket inside a comment is not code.
    setCursor(editor, int(text.indexOf(QStringLiteral("# )")) + 3));
    QVERIFY(selectionsOfKind(editor, QStringLiteral("bracket-match")).isEmpty());
    QVERIFY(selectionsOfKind(editor, QStringLiteral("bracket-error")).isEmpty());
}

void TestGraphqlEditor::unmatchedBrackets()
{
    GraphqlEditor editor;
    editor.setPlainText(QStringLiteral("{ a(x: 1 }"));
    setCursor(editor, 4); // after '('
    QCOMPARE(selectionsOfKind(editor, QStringLiteral("bracket-error")), (QList<Range>{{3, 4}, {9, 10}}));
    QVERIFY(selectionsOfKind(editor, QStringLiteral("bracket-match")).isEmpty());

    editor.setPlainText(QStringLiteral("query { me { id }"));
    setCursor(editor, 7);
    QCOMPARE(selectionsOfKind(editor, QStringLiteral("bracket-error")), (QList<Range>{{6, 7}}));

    editor.setPlainText(QStringLiteral("] {}"));
    setCursor(editor, 1);
    QCOMPARE(selectionsOfKind(editor, QStringLiteral("bracket-error")), (QList<Range>{{0, 1}}));
}

void TestGraphqlEditor::autoIndent()
{
    GraphqlEditor editor;
    editor.setPlainText(QStringLiteral("query {}"));
    setCursor(editor, 7);
    QTest::keyClick(&editor, Qt::Key_Return);
    QCOMPARE(editor.toPlainText(), QStringLiteral("query {\n  \n}"));
    QCOMPARE(editor.textCursor().position(), 10);

    QTest::keyClicks(&editor, QStringLiteral("todo(id: 1) {"));
    QTest::keyClick(&editor, Qt::Key_Return);
    QTest::keyClicks(&editor, QStringLiteral("id"));
    QTest::keyClick(&editor, Qt::Key_Escape);
    QTest::keyClick(&editor, Qt::Key_Return);
    QCOMPARE(editor.toPlainText(), QStringLiteral("query {\n  todo(id: 1) {\n    id\n    \n}"));

    // '}' on a blank line lines up with the line of its opening brace.
    QTest::keyClick(&editor, Qt::Key_BraceRight);
    QCOMPARE(editor.toPlainText(), QStringLiteral("query {\n  todo(id: 1) {\n    id\n  }\n}"));

    // A '{' in a comment does not indent.
    editor.setPlainText(QStringLiteral("  a # {"));
    setCursor(editor, 7);
    QTest::keyClick(&editor, Qt::Key_Return);
    QCOMPARE(editor.toPlainText(), QStringLiteral("  a # {\n  "));

    // Backspace in the indentation removes one level.
    QTest::keyClick(&editor, Qt::Key_Backspace);
    QCOMPARE(editor.toPlainText(), QStringLiteral("  a # {\n"));
}

void TestGraphqlEditor::tabAndOutdent()
{
    GraphqlEditor editor;
    editor.setPlainText(QStringLiteral("a\nb\n\nc"));
    setCursor(editor, 0);
    QTest::keyClick(&editor, Qt::Key_Tab);
    QCOMPARE(editor.toPlainText(), QStringLiteral("  a\nb\n\nc"));

    editor.selectAll();
    QTest::keyClick(&editor, Qt::Key_Tab);
    QCOMPARE(editor.toPlainText(), QStringLiteral("    a\n  b\n\n  c"));
    QTest::keyClick(&editor, Qt::Key_Backtab, Qt::ShiftModifier);
    QCOMPARE(editor.toPlainText(), QStringLiteral("  a\nb\n\nc"));
}

void TestGraphqlEditor::commentToggleAndUndo()
{
    GraphqlEditor editor;
    const QString original = QStringLiteral("query {\n  a\n    b\n}");
    editor.setPlainText(original);

    // Select from the middle of line 2 to the start of line 4: lines 2 and 3.
    QTextCursor cursor = editor.textCursor();
    cursor.setPosition(9);
    cursor.setPosition(int(original.indexOf(QLatin1Char('}'))), QTextCursor::KeepAnchor);
    editor.setTextCursor(cursor);

    QTest::keyClick(&editor, Qt::Key_Slash, Qt::ControlModifier);
    const QString commented = QStringLiteral("query {\n  # a\n  #   b\n}");
    QCOMPARE(editor.toPlainText(), commented);

    QTest::keyClick(&editor, Qt::Key_Slash, Qt::ControlModifier);
    QCOMPARE(editor.toPlainText(), original);

    editor.undo();
    QCOMPARE(editor.toPlainText(), commented);
    editor.undo();
    QCOMPARE(editor.toPlainText(), original);

    // Without a selection: the cursor's line, and the cursor stays on its character.
    setCursor(editor, 10); // before "a"
    editor.toggleCommentAction()->trigger();
    QCOMPARE(editor.toPlainText(), QStringLiteral("query {\n  # a\n    b\n}"));
    QCOMPARE(editor.textCursor().position(), 12);
}

void TestGraphqlEditor::prettifyAndUndo()
{
    GraphqlEditor editor;
    const QString original = QStringLiteral("{me{id   name} # who\n}");
    editor.setPlainText(original);
    setCursor(editor, int(original.indexOf(QStringLiteral("name"))) + 2);
    QSignalSpy messages(&editor, &GraphqlEditor::message);

    QTest::keyClick(&editor, Qt::Key_P, Qt::ControlModifier | Qt::ShiftModifier);
    const QString pretty = QStringLiteral("{\n  me {\n    id\n    name\n  } # who\n}");
    QCOMPARE(editor.toPlainText(), pretty);
    // The cursor stays inside "name", between "na" and "me".
    QCOMPARE(editor.textCursor().position(), int(pretty.indexOf(QStringLiteral("name"))) + 2);
    QCOMPARE(messages.count(), 0);

    editor.undo();
    QCOMPARE(editor.toPlainText(), original);
    editor.redo();
    QCOMPARE(editor.toPlainText(), pretty);

    // Prettifying pretty text adds no undo step.
    editor.prettify();
    editor.undo();
    QCOMPARE(editor.toPlainText(), original);
}

void TestGraphqlEditor::prettifyErrorKeepsText()
{
    GraphqlEditor editor;
    const QString broken = QStringLiteral("{\n  f(s: \"abc\n}");
    editor.setPlainText(broken);
    QSignalSpy messages(&editor, &GraphqlEditor::message);

    editor.prettifyAction()->trigger();
    QCOMPARE(editor.toPlainText(), broken);
    QCOMPARE(messages.count(), 1);
    const QString text = messages.first().first().toString();
    QVERIFY2(text.contains(QStringLiteral("line 2, column 12")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Unterminated string")), qPrintable(text));
    QVERIFY(!editor.document()->isUndoAvailable());
}

void TestGraphqlEditor::contextMenuShowsShortcuts()
{
    GraphqlEditor editor;
    QCOMPARE(editor.prettifyAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    QCOMPARE(editor.toggleCommentAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Slash));
    QCOMPARE(editor.showDocumentationAction()->shortcut(), QKeySequence(Qt::Key_F1));
    QCOMPARE(editor.completeAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Space));
    for (QAction *action : {editor.prettifyAction(), editor.toggleCommentAction(), editor.showDocumentationAction(),
                            editor.completeAction()}) {
        QVERIFY2(action->toolTip().contains(action->shortcut().toString(QKeySequence::NativeText)), qPrintable(action->toolTip()));
    }
    QVERIFY(GraphqlEditor::shortcutSummary().contains(QStringLiteral("Ctrl+Space")));

    // The context menu lists the standard actions and the editor's.
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    QStringList texts;
    QTimer::singleShot(0, &editor, [&texts] {
        QMenu *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
        if (!menu)
            return;
        for (QAction *action : menu->actions())
            texts << action->text();
        menu->close();
    });
    QContextMenuEvent event(QContextMenuEvent::Keyboard, QPoint(10, 10), editor.mapToGlobal(QPoint(10, 10)));
    QApplication::sendEvent(editor.viewport(), &event);
    QVERIFY2(texts.contains(editor.prettifyAction()->text()), qPrintable(texts.join(QLatin1Char(','))));
    QVERIFY(texts.contains(editor.toggleCommentAction()->text()));
    QVERIFY(texts.contains(editor.showDocumentationAction()->text()));
    QVERIFY(texts.size() > 4);
}

void TestGraphqlEditor::completionPopupContents()
{
    QWidget window;
    auto *editor = new GraphqlEditor(&window);
    (new QHBoxLayout(&window))->addWidget(editor);
    window.resize(700, 400);
    editor->setSchema(m_schema);
    editor->setPlainText(QStringLiteral("query {\n  \n}"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    editor->setFocus();
    setCursor(*editor, 10);

    QTest::keyClicks(editor, QStringLiteral("to"));
    QVERIFY(editor->isCompletionVisible());
    const QStringList labels = completionLabels(*editor);
    QVERIFY2(labels.size() >= 2, qPrintable(labels.join(QLatin1Char(','))));
    QCOMPARE(labels.mid(0, 2), (QStringList{QStringLiteral("todo"), QStringLiteral("todos")}));
    QVERIFY(!labels.contains(QStringLiteral("me")));

    // The type in the detail column, the description below the list.
    const QAbstractItemView *view = editor->completionView();
    QCOMPARE(view->model()->index(1, 0).data(Qt::UserRole + 1).toString(), QStringLiteral("[Todo!]!"));
    auto *description = window.findChild<QLabel *>(QStringLiteral("completionDescription"));
    QVERIFY(description);
    QCOMPARE(description->text(), QStringLiteral("One to-do by its ID, or null when there is none."));
    QTest::keyClick(editor, Qt::Key_Down);
    QCOMPARE(view->currentIndex().row(), 1);
    QVERIFY(description->text().startsWith(QStringLiteral("To-dos of the signed-in user")));

    // A deprecated field is struck out and its description starts with "Deprecated".
    QTest::keyClick(editor, Qt::Key_Escape);
    QTest::keyClick(editor, Qt::Key_Backspace);
    QTest::keyClick(editor, Qt::Key_Backspace);
    QTest::keyClicks(editor, QStringLiteral("all"));
    QVERIFY(editor->isCompletionVisible());
    const QStringList deprecatedLabels = completionLabels(*editor);
    const int allTodos = int(deprecatedLabels.indexOf(QStringLiteral("allTodos")));
    QVERIFY2(allTodos >= 0, qPrintable(deprecatedLabels.join(QLatin1Char(','))));
    const QModelIndex index = editor->completionView()->model()->index(allTodos, 0);
    QVERIFY(index.data(Qt::FontRole).value<QFont>().strikeOut());
    QVERIFY(index.data(Qt::UserRole + 2).toString().startsWith(QStringLiteral("Deprecated")));

    // Ctrl+Space opens it explicitly, on an empty line too.
    QTest::keyClick(editor, Qt::Key_Escape);
    QVERIFY(!editor->isCompletionVisible());
    QTest::keyClick(editor, Qt::Key_Backspace);
    QTest::keyClick(editor, Qt::Key_Backspace);
    QTest::keyClick(editor, Qt::Key_Backspace);
    QCOMPARE(editor->toPlainText(), QStringLiteral("query {\n  \n}"));
    QTest::keyClick(editor, Qt::Key_Space, Qt::ControlModifier);
    QVERIFY(editor->isCompletionVisible());
    QVERIFY(completionLabels(*editor).contains(QStringLiteral("me")));
    QVERIFY(completionLabels(*editor).contains(QStringLiteral("__typename")));
}

void TestGraphqlEditor::completionAcceptsItem()
{
    QWidget window;
    auto *editor = new GraphqlEditor(&window);
    (new QHBoxLayout(&window))->addWidget(editor);
    window.resize(700, 400);
    editor->setSchema(m_schema);
    editor->setPlainText(QStringLiteral("query {\n  \n}"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    editor->setFocus();
    setCursor(*editor, 10);

    // A field with a required argument gets parentheses, and the arguments are offered.
    QTest::keyClicks(editor, QStringLiteral("tod"));
    QCOMPARE(completionLabels(*editor).first(), QStringLiteral("todo"));
    QTest::keyClick(editor, Qt::Key_Return);
    QCOMPARE(editor->toPlainText(), QStringLiteral("query {\n  todo()\n}"));
    QCOMPARE(editor->textCursor().position(), 15);
    QVERIFY(editor->isCompletionVisible());
    QCOMPARE(completionLabels(*editor), QStringList{QStringLiteral("id")});
    QTest::keyClick(editor, Qt::Key_Tab);
    QVERIFY2(editor->toPlainText().startsWith(QStringLiteral("query {\n  todo(id")), qPrintable(editor->toPlainText()));

    // A field of an object type without required arguments gets a selection set.
    editor->setPlainText(QStringLiteral("query {\n  \n}"));
    setCursor(*editor, 10);
    QTest::keyClicks(editor, QStringLiteral("m"));
    QCOMPARE(completionLabels(*editor).first(), QStringLiteral("me"));
    QTest::keyClick(editor, Qt::Key_Return);
    QCOMPARE(editor->toPlainText(), QStringLiteral("query {\n  me {\n    \n  }\n}"));
    QCOMPARE(editor->textCursor().position(), 19);
    QVERIFY(editor->isCompletionVisible());
    QVERIFY(completionLabels(*editor).contains(QStringLiteral("email")));

    // Accepting replaces the partial name, and the whole step is one undo.
    QTest::keyClicks(editor, QStringLiteral("em"));
    QTest::keyClick(editor, Qt::Key_Enter);
    QCOMPARE(editor->toPlainText(), QStringLiteral("query {\n  me {\n    email\n  }\n}"));
    QVERIFY(!editor->isCompletionVisible());
    editor->undo();
    QCOMPARE(editor->toPlainText(), QStringLiteral("query {\n  me {\n    em\n  }\n}"));

    // Typing a name out in full closes the list, so Enter starts a new line.
    editor->setPlainText(QStringLiteral("query {\n  me {\n    \n  }\n}"));
    setCursor(*editor, 19);
    QTest::keyClicks(editor, QStringLiteral("email"));
    QVERIFY(!editor->isCompletionVisible());
    QTest::keyClick(editor, Qt::Key_Return);
    QCOMPARE(editor->toPlainText(), QStringLiteral("query {\n  me {\n    email\n    \n  }\n}"));

    // '$' lists the operation's variables.
    editor->setPlainText(QStringLiteral("query Q($todoId: ID!) {\n  todo(id: )\n}"));
    setCursor(*editor, int(editor->toPlainText().indexOf(QStringLiteral(": )")) + 2));
    QTest::keyClicks(editor, QStringLiteral("$"));
    QVERIFY(editor->isCompletionVisible());
    QCOMPARE(completionLabels(*editor), QStringList{QStringLiteral("$todoId")});
    QTest::keyClick(editor, Qt::Key_Return);
    QCOMPARE(editor->toPlainText(), QStringLiteral("query Q($todoId: ID!) {\n  todo(id: $todoId)\n}"));
}

void TestGraphqlEditor::completionWithoutSchema()
{
    QWidget window;
    auto *editor = new GraphqlEditor(&window);
    (new QHBoxLayout(&window))->addWidget(editor);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    editor->setFocus();
    QSignalSpy messages(editor, &GraphqlEditor::message);

    QTest::keyClicks(editor, QStringLiteral("mu"));
    QVERIFY(editor->isCompletionVisible());
    QCOMPARE(completionLabels(*editor), QStringList{QStringLiteral("mutation")});

    editor->setPlainText(QStringLiteral("query {\n  \n}"));
    setCursor(*editor, 10);
    QTest::keyClick(editor, Qt::Key_Space, Qt::ControlModifier);
    QVERIFY(!editor->isCompletionVisible());
    QCOMPARE(messages.count(), 1);
    QVERIFY2(messages.first().first().toString().contains(QStringLiteral("Load the schema")),
             qPrintable(messages.first().first().toString()));
}

void TestGraphqlEditor::completionEscapeCloses()
{
    QWidget window;
    auto *editor = new GraphqlEditor(&window);
    (new QHBoxLayout(&window))->addWidget(editor);
    editor->setSchema(m_schema);
    editor->setPlainText(QStringLiteral("{\n  \n}"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    editor->setFocus();
    setCursor(*editor, 4);

    QTest::keyClicks(editor, QStringLiteral("t"));
    QVERIFY(editor->isCompletionVisible());
    QTest::keyClick(editor, Qt::Key_Escape);
    QVERIFY(!editor->isCompletionVisible());
    QCOMPARE(editor->toPlainText(), QStringLiteral("{\n  t\n}"));

    // Moving the cursor away closes it too.
    QTest::keyClicks(editor, QStringLiteral("o"));
    QVERIFY(editor->isCompletionVisible());
    QTest::keyClick(editor, Qt::Key_Home);
    QVERIFY(!editor->isCompletionVisible());
}

void TestGraphqlEditor::diagnosticsAfterNonAscii()
{
    GraphqlEditor editor;
    editor.setSchema(m_schema);
    // Code points outside the BMP take two UTF-16 units, but columns count them once.
    const QString text = QStringLiteral("# 日本語 🚀🚀 ü\nquery { me { \"🚀\" } }\n{ me { na🚀me } }");
    QSignalSpy changed(&editor, &GraphqlEditor::diagnosticsChanged);
    editor.setPlainText(text);
    editor.validateNow();
    QVERIFY(!changed.isEmpty());
    const QList<graphql::Diagnostic> diagnostics = changed.last().first().value<QList<graphql::Diagnostic>>();
    QCOMPARE(diagnostics.size(), 1);
    QCOMPARE(diagnostics.first().location.line, 2);
    QCOMPARE(diagnostics.first().location.column, 14);
    const int string = int(text.indexOf(QStringLiteral("\"🚀\"")));
    const QList<Range> errors = selectionsOfKind(editor, QStringLiteral("error"));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().start, string);

    // A validation error after non-ASCII text on the same line.
    editor.setPlainText(QStringLiteral("# ü🚀\n{ me { ünknown } }"));
    editor.validateNow();
    QCOMPARE(editor.diagnostics().size(), 1);
    QCOMPARE(selectionsOfKind(editor, QStringLiteral("error")).first().start, int(editor.toPlainText().indexOf(QChar(0xFC), 6)));

    editor.setPlainText(QStringLiteral("# 🚀 comment\n{\n  me { \"é\": email }\n}"));
    editor.validateNow();
    QCOMPARE(editor.diagnostics().size(), 1);
    QCOMPARE(selectionsOfKind(editor, QStringLiteral("error")).first().start, int(editor.toPlainText().indexOf(QLatin1Char('"'))));
}

void TestGraphqlEditor::diagnosticsDebounced()
{
    GraphqlEditor editor;
    editor.setSchema(m_schema);
    QSignalSpy changed(&editor, &GraphqlEditor::diagnosticsChanged);
    editor.setPlainText(QStringLiteral("{ me { id } }"));
    QTRY_COMPARE(changed.count(), 1);
    QVERIFY(editor.diagnostics().isEmpty());

    editor.setPlainText(QStringLiteral("{ me { id nope } }"));
    editor.setPlainText(QStringLiteral("# 日本 🚀\n{\n  me {\n    id nope\n  }\n}"));
    QCOMPARE(changed.count(), 1); // not yet: the validation waits for a pause
    QTRY_COMPARE(changed.count(), 2);
    const QList<graphql::Diagnostic> diagnostics = editor.diagnostics();
    QCOMPARE(diagnostics.size(), 1);
    QCOMPARE(diagnostics.first().severity, graphql::Diagnostic::Severity::Error);
    QCOMPARE(diagnostics.first().location.line, 4);
    QCOMPARE(diagnostics.first().location.column, 8);
    const QString current = editor.toPlainText();
    const int nope = int(current.indexOf(QStringLiteral("nope")));
    QCOMPARE(selectionsOfKind(editor, QStringLiteral("error")), (QList<Range>{{nope, nope + 4}}));

    // A deprecated field is a warning, underlined in another colour.
    editor.setPlainText(QStringLiteral("{ 🚀allTodos { id } }"));
    QTRY_COMPARE(changed.count(), 3);
    editor.setPlainText(QStringLiteral("{ allTodos { id } }"));
    QTRY_COMPARE(changed.count(), 4);
    QCOMPARE(editor.diagnostics().size(), 1);
    QCOMPARE(editor.diagnostics().first().severity, graphql::Diagnostic::Severity::Warning);
    QCOMPARE(selectionsOfKind(editor, QStringLiteral("warning")), (QList<Range>{{2, 10}}));

    // An empty editor has nothing to report.
    editor.clear();
    QTRY_COMPARE(changed.count(), 5);
    QVERIFY(editor.diagnostics().isEmpty());
    QVERIFY(editor.extraSelections().isEmpty());
}

void TestGraphqlEditor::diagnosticToolTip()
{
    GraphqlEditor editor;
    editor.setSchema(m_schema);
    editor.resize(500, 200);
    editor.setPlainText(QStringLiteral("# ü\n{ me { nope } }"));
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    editor.validateNow();
    QCOMPARE(editor.diagnostics().size(), 1);

    QTextCursor cursor(editor.document());
    cursor.setPosition(int(editor.toPlainText().indexOf(QStringLiteral("nope"))) + 1);
    const QPoint point = editor.cursorRect(cursor).center();
    QHelpEvent event(QEvent::ToolTip, point, editor.viewport()->mapToGlobal(point));
    QApplication::sendEvent(editor.viewport(), &event);
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY2(QToolTip::text().contains(editor.diagnostics().first().message), qPrintable(QToolTip::text()));
    if (!editor.diagnostics().first().specSection.isEmpty())
        QVERIFY(QToolTip::text().contains(editor.diagnostics().first().specSection));
    QToolTip::hideText();
}

void TestGraphqlEditor::largeDocumentWaitsLonger()
{
    QWidget window;
    auto *editor = new GraphqlEditor(&window);
    (new QHBoxLayout(&window))->addWidget(editor);
    editor->setSchema(m_schema);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    editor->setFocus();

    QString text = QStringLiteral("query Big {\n");
    for (int i = 0; text.size() < GraphqlEditor::largeDocumentChars + 10000; ++i)
        text += QStringLiteral("  todo%1: todo(id: \"%1\") { id title done owner { email } }\n").arg(i);
    text += QStringLiteral("  \n}");
    QSignalSpy changed(editor, &GraphqlEditor::diagnosticsChanged);
    editor->setPlainText(text);

    // The short pause passes without a validation; the long one ends in one.
    QTest::qWait(GraphqlEditor::validationDelayMs * 2);
    QCOMPARE(changed.count(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, 10000);
    QVERIFY(editor->diagnostics().isEmpty());

    // No automatic completion in so large a document, but Ctrl+Space still works.
    setCursor(*editor, int(text.size() - 2));
    QTest::keyClicks(editor, QStringLiteral("t"));
    QVERIFY(!editor->isCompletionVisible());
    QTest::keyClick(editor, Qt::Key_Space, Qt::ControlModifier);
    QVERIFY(editor->isCompletionVisible());
    QVERIFY(completionLabels(*editor).contains(QStringLiteral("todos")));

    QElapsedTimer timer;
    timer.start();
    editor->validateNow();
    qInfo("Validating %lld characters took %lld ms", qlonglong(text.size()), qlonglong(timer.elapsed()));
}

void TestGraphqlEditor::f1EmitsReference()
{
    GraphqlEditor editor;
    editor.setSchema(m_schema);
    const QString text = QStringLiteral("# ü🚀 títle\nquery {\n  todos(first: 3) {\n    heading: title\n    owner { email }\n  }\n}");
    editor.setPlainText(text);
    QSignalSpy requested(&editor, &GraphqlEditor::documentationRequested);

    setCursor(editor, int(text.indexOf(QStringLiteral("title\n"))) + 2);
    QTest::keyClick(&editor, Qt::Key_F1);
    QCOMPARE(requested.count(), 1);
    auto reference = requested.last().first().value<graphql::SchemaReference>();
    QCOMPARE(reference.typeName, QStringLiteral("Todo"));
    QCOMPARE(reference.fieldName, QStringLiteral("title"));
    QVERIFY(reference.argumentName.isEmpty());

    setCursor(editor, int(text.indexOf(QStringLiteral("first"))));
    QTest::keyClick(&editor, Qt::Key_F1);
    QCOMPARE(requested.count(), 2);
    reference = requested.last().first().value<graphql::SchemaReference>();
    QCOMPARE(reference.typeName, QStringLiteral("Query"));
    QCOMPARE(reference.fieldName, QStringLiteral("todos"));
    QCOMPARE(reference.argumentName, QStringLiteral("first"));

    // Ctrl+click on a name.
    editor.resize(600, 300);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    QTextCursor cursor(editor.document());
    cursor.setPosition(int(text.indexOf(QStringLiteral("email"))) + 2);
    QTest::mouseClick(editor.viewport(), Qt::LeftButton, Qt::ControlModifier, editor.cursorRect(cursor).center());
    QCOMPARE(requested.count(), 3);
    reference = requested.last().first().value<graphql::SchemaReference>();
    QCOMPARE(reference.typeName, QStringLiteral("User"));
    QCOMPARE(reference.fieldName, QStringLiteral("email"));

    // Not on a name: a message instead.
    QSignalSpy messages(&editor, &GraphqlEditor::message);
    setCursor(editor, 0);
    QTest::keyClick(&editor, Qt::Key_F1);
    QCOMPARE(requested.count(), 3);
    QCOMPARE(messages.count(), 1);
}

void TestGraphqlEditor::f1WithoutSchema()
{
    GraphqlEditor editor;
    editor.setPlainText(QStringLiteral("{ me { id } }"));
    setCursor(editor, 3);
    QSignalSpy requested(&editor, &GraphqlEditor::documentationRequested);
    QSignalSpy messages(&editor, &GraphqlEditor::message);
    editor.showDocumentationAction()->trigger();
    QCOMPARE(requested.count(), 0);
    QCOMPARE(messages.count(), 1);
    QVERIFY(messages.first().first().toString().contains(QStringLiteral("schema")));
}

void TestGraphqlEditor::docExplorerEmptyState()
{
    DocExplorer explorer;
    auto *browser = explorer.findChild<QTextBrowser *>(QStringLiteral("docBrowser"));
    QVERIFY(browser);
    QVERIFY2(browser->toPlainText().contains(QStringLiteral("Load the schema")), qPrintable(browser->toPlainText()));
    QVERIFY(!explorer.findChild<QLineEdit *>(QStringLiteral("docSearch"))->isEnabled());
    QVERIFY(!explorer.findChild<QToolButton *>(QStringLiteral("docBack"))->isEnabled());

    explorer.setPlaceholderText(QStringLiteral("Press Load schema <now>."));
    QCOMPARE(browser->toPlainText().trimmed(), QStringLiteral("Press Load schema <now>."));
}

void TestGraphqlEditor::docExplorerNavigation()
{
    DocExplorer explorer;
    explorer.resize(500, 600);
    explorer.setSchema(m_schema);
    explorer.show();
    QVERIFY(QTest::qWaitForWindowExposed(&explorer));
    auto *browser = explorer.findChild<QTextBrowser *>(QStringLiteral("docBrowser"));
    auto *back = explorer.findChild<QToolButton *>(QStringLiteral("docBack"));

    QCOMPARE(explorer.currentTitle(), QStringLiteral("Schema"));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("query: Query")));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("mutation: Mutation")));
    QVERIFY(!explorer.canGoBack());

    // Root page → Query → todos field → Todo type → User, by clicking links.
    clickLink(*browser, QStringLiteral("type:Query"));
    QCOMPARE(explorer.currentTitle(), QStringLiteral("Query"));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("object type")));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("todos(filter: TodoFilter, first: Int = 20")));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("Deprecated")));
    clickLink(*browser, QStringLiteral("field:Query/todos"));
    QCOMPARE(explorer.currentTitle(), QStringLiteral("Query.todos"));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("[Todo!]!")));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("orderBy: TodoOrder = CREATED_AT")));
    clickLink(*browser, QStringLiteral("type:Todo"));
    QCOMPARE(explorer.currentTitle(), QStringLiteral("Todo"));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("Implements")));
    clickLink(*browser, QStringLiteral("type:User"));
    QCOMPARE(explorer.currentTitle(), QStringLiteral("User"));

    // Enum values, interfaces and unions.
    explorer.showType(QStringLiteral("Priority"));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("enum")));
    explorer.showType(QStringLiteral("Node"));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("Implementations")));
    explorer.showType(QStringLiteral("SearchResult"));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("Possible types")));
    explorer.showType(QStringLiteral("TodoFilter"));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("Input fields")));
    explorer.showType(QStringLiteral("NoSuchType"));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("no type named \"NoSuchType\"")));

    // Back walks the history, by button and by keyboard.
    QVERIFY(back->isEnabled());
    back->click();
    QCOMPARE(explorer.currentTitle(), QStringLiteral("TodoFilter"));
    for (int i = 0; i < 4; ++i)
        explorer.back();
    QCOMPARE(explorer.currentTitle(), QStringLiteral("User"));
    browser->setFocus();
    QTest::keyClick(browser, Qt::Key_Left, Qt::AltModifier);
    QCOMPARE(explorer.currentTitle(), QStringLiteral("Todo"));
    explorer.back();
    explorer.back();
    explorer.back();
    QCOMPARE(explorer.currentTitle(), QStringLiteral("Schema"));
    QVERIFY(!explorer.canGoBack());
    QVERIFY(!back->isEnabled());

    // A new schema starts over.
    explorer.showType(QStringLiteral("Todo"));
    explorer.setSchema(m_schema);
    QCOMPARE(explorer.currentTitle(), QStringLiteral("Schema"));
    QVERIFY(!explorer.canGoBack());
}

void TestGraphqlEditor::docExplorerSearch()
{
    DocExplorer explorer;
    explorer.resize(500, 600);
    explorer.setSchema(m_schema);
    explorer.show();
    QVERIFY(QTest::qWaitForWindowExposed(&explorer));
    auto *browser = explorer.findChild<QTextBrowser *>(QStringLiteral("docBrowser"));
    auto *search = explorer.findChild<QLineEdit *>(QStringLiteral("docSearch"));
    explorer.showType(QStringLiteral("User"));

    QTest::keyClicks(search, QStringLiteral("DUE"));
    const QString results = browser->toPlainText();
    QVERIFY2(results.contains(QStringLiteral("Todo.dueDate: Date")), qPrintable(results));
    QVERIFY(!results.contains(QStringLiteral("email")));

    search->setText(QStringLiteral("todo"));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("TodoFilter")));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("Query.todos")));

    search->setText(QStringLiteral("zzz"));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("No type or field name contains \"zzz\"")));

    // Clearing the search shows the page again, and a result opens its page.
    search->clear();
    QCOMPARE(explorer.currentTitle(), QStringLiteral("User"));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("email")));
    search->setText(QStringLiteral("tag"));
    clickLink(*browser, QStringLiteral("type:Tag"));
    QCOMPARE(explorer.currentTitle(), QStringLiteral("Tag"));
    QVERIFY(search->text().isEmpty());
    explorer.back();
    QCOMPARE(explorer.currentTitle(), QStringLiteral("User"));
}

void TestGraphqlEditor::docExplorerReference()
{
    DocExplorer explorer;
    explorer.setSchema(m_schema);
    auto *browser = explorer.findChild<QTextBrowser *>(QStringLiteral("docBrowser"));

    graphql::SchemaReference reference;
    reference.typeName = QStringLiteral("Query");
    reference.fieldName = QStringLiteral("search");
    reference.argumentName = QStringLiteral("kinds");
    explorer.showReference(reference);
    QCOMPARE(explorer.currentTitle(), QStringLiteral("Query.search"));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("kinds: [SearchKind!]")));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("limit: Int = 10")));

    explorer.showReference({QStringLiteral("Tag"), {}, {}});
    QCOMPARE(explorer.currentTitle(), QStringLiteral("Tag"));
    explorer.showReference({});
    QCOMPARE(explorer.currentTitle(), QStringLiteral("Tag"));

    // The editor's request goes straight to the explorer.
    GraphqlEditor editor;
    editor.setSchema(m_schema);
    QObject::connect(&editor, &GraphqlEditor::documentationRequested, &explorer, &DocExplorer::showReference);
    editor.setPlainText(QStringLiteral("{ me { role } }"));
    setCursor(editor, 8);
    QTest::keyClick(&editor, Qt::Key_F1);
    QCOMPARE(explorer.currentTitle(), QStringLiteral("User.role"));
}

void TestGraphqlEditor::docExplorerEscapesSchemaText()
{
    const std::shared_ptr<const graphql::Schema> schema = hostileSchema();
    QVERIFY(schema);
    DocExplorer explorer;
    explorer.setSchema(schema);
    auto *browser = explorer.findChild<QTextBrowser *>(QStringLiteral("docBrowser"));

    explorer.showType(QStringLiteral("Query"));
    const QString text = browser->toPlainText();
    QVERIFY2(text.contains(QStringLiteral("<img src=\"http://127.0.0.1:9/tracker.png\"><b>bold</b><script>alert(1)</script> & \"quoted\"")),
             qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("<a href=\"type:Evil\">click</a>")));
    QVERIFY(text.contains(QStringLiteral("Deprecated: <u>gone</u>")));
    QVERIFY(text.contains(QStringLiteral("name: String = \"<i>x</i>\"")));
    QCOMPARE(linkPosition(*browser, QStringLiteral("type:Evil")), -1);

    // No markup of the schema became formatting: no image, no bold or underlined schema text.
    for (QTextBlock block = browser->document()->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextCharFormat format = it.fragment().charFormat();
            QVERIFY(!format.isImageFormat());
            if (it.fragment().text().contains(QStringLiteral("gone")))
                QVERIFY(!format.fontUnderline());
        }
    }

    explorer.showField(QStringLiteral("Query"), QStringLiteral("hello"));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("</p><h1>big</h1>")));
    explorer.findChild<QLineEdit *>(QStringLiteral("docSearch"))->setText(QStringLiteral("hel"));
    QVERIFY(browser->toPlainText().contains(QStringLiteral("Query.hello: String")));
}

void TestGraphqlEditor::screenshot()
{
    const QString dir = screenshotDir();
    if (dir.isEmpty())
        QSKIP("Set AFX_SCREENSHOT_DIR to write screenshots of the editor and the documentation explorer.");

    QWidget window;
    window.resize(1100, 520);
    auto *layout = new QHBoxLayout(&window);
    auto *editor = new GraphqlEditor(&window);
    editor->setObjectName(QStringLiteral("query"));
    auto *explorer = new DocExplorer(&window);
    layout->addWidget(editor, 3);
    layout->addWidget(explorer, 2);
    editor->setSchema(m_schema);
    explorer->setSchema(m_schema);
    QObject::connect(editor, &GraphqlEditor::documentationRequested, explorer, &DocExplorer::showReference);
    editor->setPlainText(QStringLiteral(
        "# Todos with their owner\n"
        "query Todos($first: Int = 10, $done: Boolean) {\n"
        "  todos(first: $first, filter: {done: $done}, orderBy: DUE_DATE) {\n"
        "    id\n"
        "    title @include(if: true)\n"
        "    text\n"
        "    nope\n"
        "    owner { email }\n"
        "    \n"
        "  }\n"
        "}\n"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    editor->setFocus();

    setCursor(*editor, int(editor->toPlainText().indexOf(QStringLiteral("title"))) + 1);
    QTest::keyClick(editor, Qt::Key_F1);
    QSignalSpy validated(editor, &GraphqlEditor::diagnosticsChanged);
    setCursor(*editor, int(editor->toPlainText().indexOf(QStringLiteral("    \n"))) + 4);
    QTest::keyClicks(editor, QStringLiteral("e"));
    QVERIFY(editor->isCompletionVisible());
    QVERIFY(validated.wait());
    QCOMPARE(editor->diagnostics().size(), 3);
    QVERIFY(window.grab().save(dir + QStringLiteral("/graphql-editor.png")));

    QTest::keyClick(editor, Qt::Key_Escape);
    explorer->showType(QStringLiteral("Todo"));
    QVERIFY(window.grab().save(dir + QStringLiteral("/graphql-docs.png")));
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
    dark.setColor(QPalette::Link, QColor(0x8a, 0xb4, 0xf8));
    dark.setColor(QPalette::Button, QColor(0x33, 0x33, 0x33));
    dark.setColor(QPalette::ButtonText, QColor(0xe0, 0xe0, 0xe0));
    window.setPalette(dark);
    setCursor(*editor, int(editor->toPlainText().indexOf(QStringLiteral("{done"))) + 1);
    QVERIFY(window.grab().save(dir + QStringLiteral("/graphql-editor-dark.png")));
}

QTEST_MAIN(TestGraphqlEditor)
#include "tst_graphqleditor.moc"
