#include "flow/trace.h"
#include "gui/stepinspector.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QtTest>

using afx::Channel;
using afx::StepResult;
using afx::Trace;
using afx::TraceStep;
using afx::gui::StepInspector;

namespace {

// A token request with headers and a JSON body, as the app sends it to the token endpoint.
TraceStep tokenRequestStep()
{
    TraceStep step;
    step.from = Trace::App;
    step.to = Trace::Provider;
    step.channel = Channel::Back;
    step.title = QStringLiteral("POST /token");
    step.explanationKey = QStringLiteral("token-request");
    step.result = StepResult::Ok;
    step.durationMs = 48;
    step.startedAt = QDateTime::currentDateTimeUtc();
    step.detail = QStringLiteral("Received id_token, access_token, refresh_token.");
    step.request.method = QStringLiteral("POST");
    step.request.url = QStringLiteral("http://127.0.0.1:47813/token");
    step.request.headers = {{QStringLiteral("Content-Type"), QStringLiteral("application/x-www-form-urlencoded")},
                            {QStringLiteral("Accept"), QStringLiteral("application/json")}};
    step.request.body = QByteArrayLiteral("grant_type=authorization_code&code=abcd&redirect_uri=http%3A%2F%2F127.0.0.1");
    step.response.status = 200;
    step.response.headers = {{QStringLiteral("Content-Type"), QStringLiteral("application/json")},
                             {QStringLiteral("Cache-Control"), QStringLiteral("no-store")}};
    step.response.body = QByteArrayLiteral(R"({"token_type":"Bearer","expires_in":300,"scope":"openid profile"})");
    return step;
}

} // namespace

class TestStepInspector : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void explanationGetsHeightForWidth_data();
    void explanationGetsHeightForWidth();
    void placeholderKeepsFixedHeight();
};

void TestStepInspector::explanationGetsHeightForWidth_data()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("short panel") << QSize(670, 330);
    QTest::newRow("narrow panel") << QSize(360, 500);
    QTest::newRow("tall panel") << QSize(800, 900);
}

void TestStepInspector::explanationGetsHeightForWidth()
{
    QFETCH(QSize, size);
    Trace trace;
    const int index = trace.append(tokenRequestStep());
    StepInspector inspector;
    inspector.setTrace(&trace);
    inspector.resize(size);
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    inspector.showStep(index);
    QCoreApplication::processEvents();

    auto *text = inspector.findChild<QLabel *>(QStringLiteral("explanationText"));
    QVERIFY(text);
    QVERIFY2(text->text().size() > 200, "the token request explanation should be long enough to wrap");
    QTRY_COMPARE(text->height(), text->heightForWidth(text->width()));
    auto *title = inspector.findChild<QLabel *>(QStringLiteral("explanationTitle"));
    QCOMPARE(title->height(), title->heightForWidth(title->width()));
    // Not clipped by a scroll area either: the whole text is on screen without scrolling.
    QCOMPARE(text->visibleRegion().boundingRect(), text->rect());
    QCOMPARE(title->visibleRegion().boundingRect(), title->rect());

    // The message views stay readable: at least a few lines each.
    for (const char *name : {"requestView", "responseView"}) {
        auto *view = inspector.findChild<QPlainTextEdit *>(QLatin1String(name));
        QVERIFY2(view->height() >= 4 * view->fontMetrics().lineSpacing(), name);
    }

    const QString dir = qEnvironmentVariable("AFX_SCREENSHOT_DIR", QStringLiteral(AFX_BINARY_DIR "/screenshots"));
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(inspector.grab().save(dir + QStringLiteral("/stepinspector-%1x%2.png").arg(size.width()).arg(size.height())));
}

void TestStepInspector::placeholderKeepsFixedHeight()
{
    StepInspector inspector;
    auto *placeholder = inspector.findChild<QLabel *>(QStringLiteral("stepPlaceholder"));
    QVERIFY(placeholder);
    // A word-wrapped label with height-for-width lays out its text on every layout pass, which
    // slows down start-up, so the placeholder keeps it off.
    QVERIFY(!placeholder->sizePolicy().hasHeightForWidth());
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    QVERIFY(placeholder->isVisible());
    // The step's widgets are built when the first step is shown, not at start-up.
    QVERIFY(!inspector.findChild<QScrollArea *>(QStringLiteral("inspectorScroll")));
    QVERIFY(!inspector.findChild<QPlainTextEdit *>(QStringLiteral("requestView")));
}

QTEST_MAIN(TestStepInspector)
#include "tst_stepinspector.moc"
