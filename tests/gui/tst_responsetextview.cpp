// The large-response view selects whole lines with the mouse and the keyboard and copies them.
#include "gui/responseformat.h"
#include "gui/responsetextview.h"

#include <QApplication>
#include <QClipboard>
#include <QScrollBar>
#include <QTest>

using afx::gui::ResponseTextView;

class TestResponseTextView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void clickAndDragSelectLines();
    void shiftClickExtendsSelection();
    void keyboardSelectsAndCopies();
    void copyWithoutSelectionCopiesAll();
    void dragPastBottomScrolls();
    void newContentClearsSelection();

private:
    QPoint pointOfLine(qsizetype line) const;

    ResponseTextView *m_view = nullptr;
};

namespace {

QString numberedLines(int count)
{
    QStringList lines;
    for (int i = 0; i < count; ++i)
        lines << QStringLiteral("line %1 é").arg(i);
    return lines.join(QLatin1Char('\n'));
}

} // namespace

void TestResponseTextView::init()
{
    m_view = new ResponseTextView;
    m_view->resize(400, 200);
    m_view->setContent(std::make_shared<afx::gui::FormattedText>(afx::gui::plainFormattedText(numberedLines(1000))));
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
}

void TestResponseTextView::cleanup()
{
    delete m_view;
    m_view = nullptr;
}

QPoint TestResponseTextView::pointOfLine(qsizetype line) const
{
    const int height = m_view->fontMetrics().lineSpacing();
    return QPoint(20, int(line - m_view->firstVisibleLine()) * height + height / 2);
}

void TestResponseTextView::clickAndDragSelectLines()
{
    QTest::mousePress(m_view->viewport(), Qt::LeftButton, {}, pointOfLine(2));
    QCOMPARE(m_view->selectedLines(), (std::pair<qsizetype, qsizetype>{2, 2}));
    QTest::mouseMove(m_view->viewport(), pointOfLine(4));
    QTest::mouseRelease(m_view->viewport(), Qt::LeftButton, {}, pointOfLine(4));
    // QTest::mouseMove sends no button state on every platform, so the drag is also checked
    // through a real move event with the button held.
    QMouseEvent move(QEvent::MouseMove, pointOfLine(4), m_view->viewport()->mapToGlobal(pointOfLine(4)), Qt::NoButton,
                     Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_view->viewport(), &move);
    QCOMPARE(m_view->selectedLines(), (std::pair<qsizetype, qsizetype>{2, 4}));
    QCOMPARE(m_view->selectedText(), QStringLiteral("line 2 é\nline 3 é\nline 4 é"));
}

void TestResponseTextView::shiftClickExtendsSelection()
{
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, pointOfLine(5));
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, Qt::ShiftModifier, pointOfLine(1));
    QCOMPARE(m_view->selectedLines(), (std::pair<qsizetype, qsizetype>{1, 5}));
}

void TestResponseTextView::keyboardSelectsAndCopies()
{
    m_view->setFocus();
    m_view->selectLines(10, 10);
    QTest::keySequence(m_view, QKeySequence::SelectNextLine);
    QTest::keySequence(m_view, QKeySequence::SelectNextLine);
    QCOMPARE(m_view->selectedLines(), (std::pair<qsizetype, qsizetype>{10, 12}));
    QTest::keySequence(m_view, QKeySequence::Copy);
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("line 10 é\nline 11 é\nline 12 é"));

    QTest::keySequence(m_view, QKeySequence::SelectAll);
    QCOMPARE(m_view->selectedLines(), (std::pair<qsizetype, qsizetype>{0, 999}));
    QTest::keyClick(m_view, Qt::Key_Escape);
    QCOMPARE(m_view->selectedLines(), (std::pair<qsizetype, qsizetype>{-1, -1}));
}

void TestResponseTextView::copyWithoutSelectionCopiesAll()
{
    m_view->setFocus();
    QTest::keySequence(m_view, QKeySequence::Copy);
    QCOMPARE(QApplication::clipboard()->text(), m_view->text());
}

void TestResponseTextView::dragPastBottomScrolls()
{
    QTest::mousePress(m_view->viewport(), Qt::LeftButton, {}, pointOfLine(0));
    const QPoint below(20, m_view->viewport()->height() + 5);
    for (int i = 0; i < 30; ++i) {
        QMouseEvent move(QEvent::MouseMove, below, m_view->viewport()->mapToGlobal(below), Qt::NoButton, Qt::LeftButton,
                         Qt::NoModifier);
        QApplication::sendEvent(m_view->viewport(), &move);
    }
    QTest::mouseRelease(m_view->viewport(), Qt::LeftButton, {}, below);
    QVERIFY(m_view->firstVisibleLine() > 0);
    const auto [first, last] = m_view->selectedLines();
    QCOMPARE(first, 0);
    QVERIFY2(last >= 30, qPrintable(QString::number(last)));
}

void TestResponseTextView::newContentClearsSelection()
{
    m_view->selectLines(3, 7);
    m_view->setContent(std::make_shared<afx::gui::FormattedText>(afx::gui::plainFormattedText(QStringLiteral("one\ntwo"))));
    QCOMPARE(m_view->selectedLines(), (std::pair<qsizetype, qsizetype>{-1, -1}));
    QVERIFY(m_view->selectedText().isEmpty());
}

QTEST_MAIN(TestResponseTextView)
#include "tst_responsetextview.moc"
