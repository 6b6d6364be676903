// Tests for the sequence diagram, the step inspector and the explanation texts.
#include "flow/trace.h"
#include "gui/diagramwidget.h"
#include "gui/stepinspector.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStyle>
#include <QStyleFactory>
#include <QTest>
#include <QToolTip>

using afx::Channel;
using afx::HttpMessage;
using afx::StepResult;
using afx::Trace;
using afx::TraceStep;
using afx::gui::DiagramWidget;
using afx::gui::StepInspector;

namespace {

const QString authorizationCode = QStringLiteral("SplxlOBeZQQYbYS6WxSbIA");
const QString codeVerifier = QStringLiteral("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
const QString accessToken = QStringLiteral("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz");
// Sent to the backend but never registered with Trace::addSecret: only header masking hides it.
const QString unregisteredBearer = QStringLiteral("opaque-bearer-7f3a9c2e41d8b6");

const QStringList explanationKeys = {
    QStringLiteral("discovery"), QStringLiteral("jwks"), QStringLiteral("authorize-request"),
    QStringLiteral("browser-hop"), QStringLiteral("login-page"), QStringLiteral("credential-post"),
    QStringLiteral("redirect"), QStringLiteral("callback"), QStringLiteral("callback-error"),
    QStringLiteral("state-check"), QStringLiteral("token-request"), QStringLiteral("token-response"),
    QStringLiteral("check-format"), QStringLiteral("check-algorithm"), QStringLiteral("check-key"),
    QStringLiteral("check-signature"), QStringLiteral("check-issuer"), QStringLiteral("check-subject"), QStringLiteral("check-audience"),
    QStringLiteral("check-azp"), QStringLiteral("check-expiry"), QStringLiteral("check-issued-at"),
    QStringLiteral("check-not-before"), QStringLiteral("check-nonce"), QStringLiteral("check-at-hash"), QStringLiteral("check-c-hash"),
    QStringLiteral("token-store"), QStringLiteral("token-restore"), QStringLiteral("api-request"),
    QStringLiteral("backend-keys"), QStringLiteral("backend-keys-cached"), QStringLiteral("backend-check"),
    QStringLiteral("network-error"), QStringLiteral("provider-error"),
    QStringLiteral("refresh-request"), QStringLiteral("check-refresh-id-token"), QStringLiteral("client-credentials-request"),
    QStringLiteral("client-credentials-token"), QStringLiteral("userinfo-request"), QStringLiteral("check-userinfo-subject"),
    QStringLiteral("system-browser"), QStringLiteral("loopback-listener"), QStringLiteral("loopback-stray"),
    QStringLiteral("callback-form-post"), QStringLiteral("embedded-browser-refused"), QStringLiteral("front-channel-tokens"),
    QStringLiteral("device-authorization"), QStringLiteral("device-token-poll"), QStringLiteral("revocation-request"),
    QStringLiteral("introspection-request"), QStringLiteral("logout-request"), QStringLiteral("logout-return"),
    QStringLiteral("password-grant"), QStringLiteral("par-request"), QStringLiteral("login-mutation"), QStringLiteral("sso-skip"),
    QStringLiteral("social-token-exchange"), QStringLiteral("social-id-token-check"), QStringLiteral("social-jwks-fetch"),
    QStringLiteral("login-mutation-check"), QStringLiteral("check-s-hash"), QStringLiteral("check-auth-time"),
    QStringLiteral("check-acr"), QStringLiteral("check-typ"), QStringLiteral("check-client-id"), QStringLiteral("check-jti"),
    QStringLiteral("check-clock-skew"), QStringLiteral("sandbox-fault"), QStringLiteral("backend-introspection"),
    QStringLiteral("backend-role-check"),
};

TraceStep makeStep(const QString &from, const QString &to, Channel channel, const QString &title, const QString &key,
                   StepResult result, int status = 0, qint64 durationMs = -1)
{
    TraceStep step;
    step.from = from;
    step.to = to;
    step.channel = channel;
    step.title = title;
    step.explanationKey = key;
    step.result = result;
    step.response.status = status;
    step.durationMs = durationMs;
    step.startedAt = QDateTime(QDate(2024, 5, 14), QTime(9, 30, 0), Qt::UTC);
    return step;
}

// Step indices of the fixture built by buildSmallFlow().
enum FixtureStep {
    DiscoveryStep = 0,
    JwksStep,
    AuthorizeStep,
    HostHopStep,
    CredentialStep,
    CallbackStep,
    StateCheckStep,
    TokenRequestStep,
    SignatureCheckStep,
    AudienceCheckStep,
    NonceCheckStep,
    ApiRequestStep,
    BackendKeysStep,
    FixtureStepCount
};

// Thirteen steps that use every channel and every result, with one host lifeline.
void buildSmallFlow(Trace &trace)
{
    const QString host = trace.ensureHostLifeline(QStringLiteral("accounts.example.org"));
    trace.addSecret(authorizationCode);
    trace.addSecret(codeVerifier);
    trace.addSecret(accessToken);

    TraceStep discovery = makeStep(Trace::App, Trace::Provider, Channel::Back, QStringLiteral("GET /.well-known/openid-configuration"),
                                   QStringLiteral("discovery"), StepResult::Ok, 200, 41);
    discovery.request.method = QStringLiteral("GET");
    discovery.request.url = QStringLiteral("https://idp.example.com/.well-known/openid-configuration");
    trace.append(discovery);

    trace.append(makeStep(Trace::App, Trace::Provider, Channel::Back, QStringLiteral("GET /jwks"), QStringLiteral("jwks"),
                          StepResult::Ok, 200, 12));

    TraceStep authorize = makeStep(Trace::Browser, Trace::Provider, Channel::Front, QStringLiteral("GET /authorize"),
                                   QStringLiteral("authorize-request"), StepResult::Ok, 302, 95);
    authorize.request.method = QStringLiteral("GET");
    authorize.request.url = QStringLiteral("https://idp.example.com/authorize?response_type=code&client_id=demo"
                                           "&state=af0ifjsldkj&code_challenge_method=S256");
    trace.append(authorize);

    trace.append(makeStep(Trace::Browser, host, Channel::Front, QStringLiteral("GET /signin"), QStringLiteral("browser-hop"),
                          StepResult::Ok, 200, 130));

    TraceStep credentials = makeStep(Trace::Browser, host, Channel::Front, QStringLiteral("POST /login"),
                                     QStringLiteral("credential-post"), StepResult::Warning, 302, 210);
    credentials.detail = QStringLiteral("The provider set its session cookie with SameSite=None but without Secure.");
    trace.append(credentials);

    TraceStep callback = makeStep(Trace::Browser, Trace::App, Channel::Front, QStringLiteral("GET /callback"),
                                  QStringLiteral("callback"), StepResult::Ok);
    callback.request.method = QStringLiteral("GET");
    callback.request.url = QStringLiteral("http://127.0.0.1:8400/callback?code=%1&state=af0ifjsldkj").arg(authorizationCode);
    callback.detail = QStringLiteral("Received code %1.").arg(authorizationCode);
    trace.append(callback);

    trace.appendLocal(Trace::App, QStringLiteral("Check state"), StepResult::Ok, QStringLiteral("state matches."),
                      QStringLiteral("state-check"));

    TraceStep token = makeStep(Trace::App, Trace::Provider, Channel::Back, QStringLiteral("POST /token"),
                               QStringLiteral("token-request"), StepResult::Ok, 200, 38);
    token.request.method = QStringLiteral("POST");
    token.request.url = QStringLiteral("https://idp.example.com/token");
    token.request.headers = {{QStringLiteral("Content-Type"), QStringLiteral("application/x-www-form-urlencoded")}};
    token.request.body = QStringLiteral("grant_type=authorization_code&code=%1&code_verifier=%2&client_id=demo")
                             .arg(authorizationCode, codeVerifier)
                             .toUtf8();
    token.response.headers = {{QStringLiteral("Content-Type"), QStringLiteral("application/json")}};
    token.response.body = QStringLiteral(R"({"access_token":"%1","token_type":"Bearer","expires_in":300})")
                              .arg(accessToken)
                              .toUtf8();
    trace.append(token);

    trace.appendLocal(Trace::App, QStringLiteral("Check signature"), StepResult::Ok, QStringLiteral("RS256 signature is valid."),
                      QStringLiteral("check-signature"));
    trace.appendLocal(Trace::App, QStringLiteral("Check audience"), StepResult::Failed,
                      QStringLiteral("aud is \"other-client\", expected \"demo\"."), QStringLiteral("check-audience"));
    trace.appendLocal(Trace::App, QStringLiteral("Check nonce"), StepResult::Skipped,
                      QStringLiteral("No nonce was sent, so none is expected."), QStringLiteral("check-nonce"));

    TraceStep api = makeStep(Trace::App, Trace::Backend, Channel::Back, QStringLiteral("POST /graphql"),
                             QStringLiteral("api-request"), StepResult::Failed, 401, 17);
    api.request.method = QStringLiteral("POST");
    api.request.url = QStringLiteral("http://127.0.0.1:8401/graphql");
    api.request.headers = {{QStringLiteral("Authorization"), QStringLiteral("Bearer ") + unregisteredBearer},
                           {QStringLiteral("Content-Type"), QStringLiteral("application/json")}};
    api.request.body = QByteArrayLiteral(R"({"query":"{ me { name } }"})");
    api.response.headers = {{QStringLiteral("WWW-Authenticate"), QStringLiteral("Bearer error=\"invalid_token\"")}};
    api.detail = QStringLiteral("The backend rejected the token: wrong audience.");
    trace.append(api);

    trace.append(makeStep(Trace::Backend, Trace::Provider, Channel::Back, QStringLiteral("GET /jwks"),
                          QStringLiteral("backend-keys"), StepResult::Pending));
}

// A complete login with validation and two API calls: 25 steps across five lifelines.
void buildFullFlow(Trace &trace)
{
    buildSmallFlow(trace);
    trace.update(BackendKeysStep, [](TraceStep &step) {
        step.result = StepResult::Ok;
        step.response.status = 200;
        step.durationMs = 9;
    });
    const auto check = [&trace](const QString &title, StepResult result, const QString &key) {
        trace.appendLocal(Trace::App, title, result, QString(), key);
    };
    trace.appendLocal(Trace::Backend, QStringLiteral("Validate access token"), StepResult::Failed,
                      QStringLiteral("aud does not name this API."), QStringLiteral("backend-check"));
    check(QStringLiteral("Check expiry"), StepResult::Ok, QStringLiteral("check-expiry"));
    check(QStringLiteral("Check issued-at"), StepResult::Warning, QStringLiteral("check-issued-at"));
    check(QStringLiteral("Store tokens in keychain"), StepResult::Ok, QStringLiteral("token-store"));
    trace.append(makeStep(Trace::App, Trace::Provider, Channel::Back, QStringLiteral("POST /token (refresh)"),
                          QStringLiteral("token-request"), StepResult::Ok, 200, 44));
    trace.append(makeStep(Trace::App, Trace::Backend, Channel::Back, QStringLiteral("POST /graphql"),
                          QStringLiteral("api-request"), StepResult::Ok, 200, 23));
    trace.appendLocal(Trace::Backend, QStringLiteral("Keys from cache"), StepResult::Ok, QString(),
                      QStringLiteral("backend-keys-cached"));
    trace.appendLocal(Trace::Backend, QStringLiteral("Validate access token"), StepResult::Ok, QString(),
                      QStringLiteral("backend-check"));
    trace.append(makeStep(Trace::Browser, Trace::Provider, Channel::Front, QStringLiteral("GET /logout"),
                          QStringLiteral("redirect"), StepResult::Ok, 302, 61));
    trace.append(makeStep(Trace::Browser, Trace::App, Channel::Front, QStringLiteral("GET /signed-out"),
                          QStringLiteral("callback"), StepResult::Pending));
    trace.appendLocal(Trace::App, QStringLiteral("Restore tokens"), StepResult::Skipped, QString(),
                      QStringLiteral("token-restore"));
    trace.append(makeStep(Trace::App, Trace::Provider, Channel::Back, QStringLiteral("GET /userinfo"),
                          QStringLiteral("provider-error"), StepResult::Failed, 0, 3012));
}

QString labelText(const QWidget &root, const char *name)
{
    const auto *label = root.findChild<QLabel *>(QString::fromLatin1(name));
    return label ? label->text() : QStringLiteral("<no label %1>").arg(QLatin1String(name));
}

QList<int> selectedIndices(const QSignalSpy &spy)
{
    QList<int> indices;
    for (const QList<QVariant> &arguments : spy)
        indices << arguments.at(0).toInt();
    return indices;
}

} // namespace

class TestDiagram : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void diagramStepRectsFollowOrder();
    void diagramClickSelectsStep_data();
    void diagramClickSelectsStep();
    void diagramClickOutsideStepsIgnored();
    void diagramKeyboardNavigation();
    void diagramAnimationQueuesSteps();
    void diagramNewStepScrollsIntoView_data();
    void diagramNewStepScrollsIntoView();
    void diagramNewStepKeepsScrolledUpView();
    void diagramReplayVisitsEveryStep();
    void diagramStopReplayShowsAll();
    void diagramToolTipIsMasked();
    void diagramGrowsWithContent();
    void diagramClearResetsSelection();

    void inspectorMasksUntilRevealed();
    void inspectorRevealResetsOnOtherStep();
    void inspectorCopiesShownText();
    void inspectorPrettyPrintsJson();
    void inspectorShowsExplanation();
    void inspectorFallbackForUnknownKey_data();
    void inspectorFallbackForUnknownKey();
    void inspectorFollowsStepChanges();
    void inspectorBinaryBody();
    void inspectorHugeBodyCutAfterMasking();

    void explanationsCoverAllKeys();
    void parseExplanationsBadInput_data();
    void parseExplanationsBadInput();

    void screenshot_data();
    void screenshot();
};

void TestDiagram::initTestCase()
{
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
}

void TestDiagram::diagramStepRectsFollowOrder()
{
    Trace trace;
    DiagramWidget diagram;
    diagram.setAnimationDuration(0);
    diagram.resize(700, 500);
    diagram.setTrace(&trace);
    buildSmallFlow(trace);

    QCOMPARE(diagram.shownStepCount(), FixtureStepCount);
    QCOMPARE(diagram.trace()->lifelines().size(), 5);
    for (int i = 0; i < FixtureStepCount; ++i) {
        QVERIFY2(diagram.stepRect(i).isValid(), qPrintable(QStringLiteral("step %1").arg(i)));
        if (i > 0)
            QVERIFY2(diagram.stepRect(i).top() > diagram.stepRect(i - 1).top(), qPrintable(QStringLiteral("step %1").arg(i)));
    }
    QVERIFY(!diagram.stepRect(FixtureStepCount).isValid());
    QVERIFY(!diagram.stepRect(-1).isValid());

    // An arrow spans its two lifelines: the host hop reaches further right than the provider call.
    QVERIFY(diagram.stepRect(HostHopStep).right() > diagram.stepRect(AuthorizeStep).right());
    // The newest step is current because the user has not picked another one.
    QCOMPARE(diagram.currentStep(), BackendKeysStep);
}

void TestDiagram::diagramClickSelectsStep_data()
{
    QTest::addColumn<int>("index");
    QTest::newRow("first back-channel call") << int(DiscoveryStep);
    QTest::newRow("front-channel hop to host") << int(HostHopStep);
    QTest::newRow("local state check") << int(StateCheckStep);
    QTest::newRow("failed local check") << int(AudienceCheckStep);
    QTest::newRow("failed api call") << int(ApiRequestStep);
    QTest::newRow("last step, already current") << int(BackendKeysStep);
}

void TestDiagram::diagramClickSelectsStep()
{
    QFETCH(int, index);
    Trace trace;
    DiagramWidget diagram;
    diagram.setAnimationDuration(0);
    diagram.resize(700, 400);
    diagram.setTrace(&trace);
    buildSmallFlow(trace);
    diagram.show();
    QVERIFY(QTest::qWaitForWindowExposed(&diagram));

    QSignalSpy selected(&diagram, &DiagramWidget::stepSelected);
    diagram.scrollToStep(index);
    const QRect rect = diagram.stepRect(index);
    QVERIFY(diagram.viewport()->rect().contains(rect.center()));
    QTest::mouseClick(diagram.viewport(), Qt::LeftButton, {}, rect.center());

    QCOMPARE(selected.count(), 1);
    QCOMPARE(selected.at(0).at(0).toInt(), index);
    QCOMPARE(diagram.currentStep(), index);
    QCOMPARE(diagram.followsNewSteps(), index == BackendKeysStep);
}

void TestDiagram::diagramClickOutsideStepsIgnored()
{
    Trace trace;
    DiagramWidget diagram;
    diagram.setAnimationDuration(0);
    diagram.resize(700, 900);
    diagram.setTrace(&trace);
    buildSmallFlow(trace);
    diagram.show();
    QVERIFY(QTest::qWaitForWindowExposed(&diagram));
    QSignalSpy selected(&diagram, &DiagramWidget::stepSelected);

    // Lifeline boxes at the top.
    QTest::mouseClick(diagram.viewport(), Qt::LeftButton, {}, QPoint(300, 5));
    // Below the last row, above the legend.
    const QRect last = diagram.stepRect(BackendKeysStep);
    QTest::mouseClick(diagram.viewport(), Qt::LeftButton, {}, QPoint(300, last.bottom() + 40));
    QCOMPARE(diagram.stepAt(QPoint(300, last.bottom() + 40)), -1);
    // The legend at the bottom.
    QTest::mouseClick(diagram.viewport(), Qt::LeftButton, {}, QPoint(300, diagram.viewport()->height() - 3));

    QCOMPARE(selected.count(), 0);
    QCOMPARE(diagram.currentStep(), BackendKeysStep);
}

void TestDiagram::diagramKeyboardNavigation()
{
    Trace trace;
    DiagramWidget diagram;
    diagram.setAnimationDuration(0);
    diagram.resize(700, 400);
    diagram.setTrace(&trace);
    buildSmallFlow(trace);
    diagram.show();
    QVERIFY(QTest::qWaitForWindowExposed(&diagram));
    diagram.setFocus();
    QSignalSpy selected(&diagram, &DiagramWidget::stepSelected);

    QTest::keyClick(&diagram, Qt::Key_Home);
    QCOMPARE(diagram.currentStep(), 0);
    QVERIFY(!diagram.followsNewSteps());
    QTest::keyClick(&diagram, Qt::Key_Down);
    QCOMPARE(diagram.currentStep(), 1);
    QTest::keyClick(&diagram, Qt::Key_Down);
    QCOMPARE(diagram.currentStep(), 2);
    QTest::keyClick(&diagram, Qt::Key_Up);
    QCOMPARE(diagram.currentStep(), 1);
    QTest::keyClick(&diagram, Qt::Key_Up);
    QTest::keyClick(&diagram, Qt::Key_Up); // already at the first step: no change, no signal
    QCOMPARE(diagram.currentStep(), 0);
    QTest::keyClick(&diagram, Qt::Key_End);
    QCOMPARE(diagram.currentStep(), BackendKeysStep);
    QVERIFY(diagram.followsNewSteps());
    QTest::keyClick(&diagram, Qt::Key_Down);
    QCOMPARE(diagram.currentStep(), BackendKeysStep);

    QCOMPARE(selectedIndices(selected), (QList<int>{0, 1, 2, 1, 0, BackendKeysStep}));

    // The current step stays on screen after End in a view shorter than the diagram.
    QVERIFY(diagram.verticalScrollBar()->value() > 0);
    QVERIFY(diagram.viewport()->rect().contains(diagram.stepRect(BackendKeysStep)));
}

void TestDiagram::diagramAnimationQueuesSteps()
{
    Trace trace;
    DiagramWidget diagram;
    diagram.setAnimationDuration(60);
    diagram.resize(700, 500);
    diagram.setTrace(&trace);
    diagram.show();
    QVERIFY(QTest::qWaitForWindowExposed(&diagram));
    QSignalSpy selected(&diagram, &DiagramWidget::stepSelected);

    for (int i = 0; i < 4; ++i)
        trace.appendLocal(Trace::App, QStringLiteral("Check %1").arg(i), StepResult::Ok, QString(), QStringLiteral("check-format"));

    // The first arrow travels while the other three wait.
    QVERIFY(diagram.isAnimating());
    QCOMPARE(diagram.shownStepCount(), 0);
    QCOMPARE(diagram.currentStep(), 0);
    QTRY_COMPARE(diagram.shownStepCount(), 4);
    QVERIFY(!diagram.isAnimating());
    QCOMPARE(selectedIndices(selected), (QList<int>{0, 1, 2, 3}));
}

void TestDiagram::diagramNewStepScrollsIntoView_data()
{
    QTest::addColumn<int>("animationDuration");
    QTest::addColumn<bool>("selectEarlierStep");
    QTest::newRow("instant, following") << 0 << false;
    QTest::newRow("instant, earlier step selected") << 0 << true;
    QTest::newRow("animated, following") << 40 << false;
    QTest::newRow("animated, earlier step selected") << 40 << true;
}

// A step sent from the Query tab lands below the view. It comes into view when the newest step
// was on screen, also when the user had selected another step, as the app does after UserInfo.
void TestDiagram::diagramNewStepScrollsIntoView()
{
    QFETCH(int, animationDuration);
    QFETCH(bool, selectEarlierStep);
    Trace trace;
    DiagramWidget diagram;
    diagram.setAnimationDuration(0);
    diagram.resize(700, 300);
    diagram.setTrace(&trace);
    buildFullFlow(trace);
    diagram.show();
    QVERIFY(QTest::qWaitForWindowExposed(&diagram));
    const int newest = trace.count() - 1;
    diagram.scrollToStep(newest); // the steps arrived before the viewport had its size
    QVERIFY(diagram.verticalScrollBar()->maximum() > 0); // the view is shorter than the diagram
    QVERIFY(diagram.viewport()->rect().contains(diagram.stepRect(newest)));
    if (selectEarlierStep) {
        diagram.setCurrentStep(newest - 1); // still on screen
        QVERIFY(!diagram.followsNewSteps());
    }

    diagram.setAnimationDuration(animationDuration);
    trace.append(makeStep(Trace::App, Trace::Backend, Channel::Back, QStringLiteral("POST /graphql"),
                          QStringLiteral("api-request"), StepResult::Ok, 200, 31));
    QTRY_COMPARE(diagram.shownStepCount(), newest + 2);
    QVERIFY2(diagram.viewport()->rect().contains(diagram.stepRect(newest + 1)),
             qPrintable(QStringLiteral("step rect %1,%2 %3x%4, viewport height %5")
                            .arg(diagram.stepRect(newest + 1).x())
                            .arg(diagram.stepRect(newest + 1).y())
                            .arg(diagram.stepRect(newest + 1).width())
                            .arg(diagram.stepRect(newest + 1).height())
                            .arg(diagram.viewport()->height())));
    QCOMPARE(diagram.currentStep(), selectEarlierStep ? newest - 1 : newest + 1);
}

// A user who scrolled up to read an earlier step keeps that view when steps arrive.
void TestDiagram::diagramNewStepKeepsScrolledUpView()
{
    Trace trace;
    DiagramWidget diagram;
    diagram.setAnimationDuration(0);
    diagram.resize(700, 300);
    diagram.setTrace(&trace);
    buildFullFlow(trace);
    diagram.show();
    QVERIFY(QTest::qWaitForWindowExposed(&diagram));
    QVERIFY(diagram.verticalScrollBar()->value() > 0);

    // Scrolled to the top with the scroll bar, selection unchanged (still following).
    diagram.verticalScrollBar()->setValue(0);
    const int newest = trace.count() - 1;
    QVERIFY(!diagram.viewport()->rect().intersects(diagram.stepRect(newest)));
    trace.append(makeStep(Trace::App, Trace::Backend, Channel::Back, QStringLiteral("POST /graphql"),
                          QStringLiteral("api-request"), StepResult::Ok, 200, 31));
    QCOMPARE(diagram.shownStepCount(), newest + 2);
    QCOMPARE(diagram.verticalScrollBar()->value(), 0);

    // An earlier step picked and scrolled into view at the top: the same.
    diagram.setCurrentStep(1);
    QCOMPARE(diagram.verticalScrollBar()->value(), 0);
    diagram.setAnimationDuration(40);
    trace.append(makeStep(Trace::App, Trace::Backend, Channel::Back, QStringLiteral("POST /graphql"),
                          QStringLiteral("api-request"), StepResult::Ok, 200, 27));
    QTRY_COMPARE(diagram.shownStepCount(), newest + 3);
    QCOMPARE(diagram.verticalScrollBar()->value(), 0);
    QCOMPARE(diagram.currentStep(), 1);
}

void TestDiagram::diagramReplayVisitsEveryStep()
{
    Trace trace;
    DiagramWidget diagram;
    StepInspector inspector;
    diagram.setAnimationDuration(0);
    diagram.setTrace(&trace);
    inspector.setTrace(&trace);
    buildSmallFlow(trace);
    connect(&diagram, &DiagramWidget::stepSelected, &inspector, &StepInspector::showStep);
    QList<int> inspected;
    connect(&diagram, &DiagramWidget::stepSelected, this, [&] { inspected << inspector.currentStep(); });

    diagram.setAnimationDuration(15);
    diagram.setReplayInterval(25);
    QSignalSpy selected(&diagram, &DiagramWidget::stepSelected);
    QSignalSpy finished(&diagram, &DiagramWidget::replayFinished);
    diagram.replay();
    QVERIFY(diagram.isReplaying());
    QCOMPARE(diagram.shownStepCount(), 0);

    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    QList<int> all;
    for (int i = 0; i < FixtureStepCount; ++i)
        all << i;
    QCOMPARE(selectedIndices(selected), all);
    QCOMPARE(inspected, all);
    QVERIFY(!diagram.isReplaying());
    QCOMPARE(diagram.shownStepCount(), FixtureStepCount);
}

void TestDiagram::diagramStopReplayShowsAll()
{
    Trace trace;
    DiagramWidget diagram;
    diagram.setAnimationDuration(0);
    diagram.setTrace(&trace);
    buildSmallFlow(trace);
    diagram.setReplayInterval(60000);
    QSignalSpy finished(&diagram, &DiagramWidget::replayFinished);

    diagram.replay();
    QCOMPARE(diagram.shownStepCount(), 1);
    QCOMPARE(diagram.currentStep(), 0);
    diagram.stopReplay();
    QCOMPARE(finished.count(), 1);
    QVERIFY(!diagram.isReplaying());
    QCOMPARE(diagram.shownStepCount(), FixtureStepCount);
    diagram.stopReplay();
    QCOMPARE(finished.count(), 1);

    // A click on a shown step during a replay ends it and selects that step.
    diagram.resize(700, 500);
    diagram.show();
    QVERIFY(QTest::qWaitForWindowExposed(&diagram));
    diagram.replay();
    QCOMPARE(diagram.shownStepCount(), 1);
    QTest::mouseClick(diagram.viewport(), Qt::LeftButton, {}, diagram.stepRect(0).center());
    QCOMPARE(finished.count(), 2);
    QVERIFY(!diagram.isReplaying());
    QCOMPARE(diagram.currentStep(), 0);
    QCOMPARE(diagram.shownStepCount(), FixtureStepCount);

    // An empty trace has nothing to replay and finishes at once.
    Trace empty;
    diagram.setTrace(&empty);
    diagram.replay();
    QCOMPARE(finished.count(), 3);
}

void TestDiagram::diagramToolTipIsMasked()
{
    Trace trace;
    DiagramWidget diagram;
    diagram.setAnimationDuration(0);
    diagram.resize(700, 500);
    diagram.setTrace(&trace);
    buildSmallFlow(trace);
    diagram.show();
    QVERIFY(QTest::qWaitForWindowExposed(&diagram));

    diagram.scrollToStep(CallbackStep);
    const QPoint pos = diagram.stepRect(CallbackStep).center();
    QHelpEvent event(QEvent::ToolTip, pos, diagram.viewport()->mapToGlobal(pos));
    QApplication::sendEvent(diagram.viewport(), &event);
    QTRY_VERIFY(QToolTip::isVisible());
    const QString text = QToolTip::text();
    QVERIFY2(text.contains(QStringLiteral("GET /callback")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Received code ••••")), qPrintable(text));
    QVERIFY2(!text.contains(authorizationCode), qPrintable(text));
    QToolTip::hideText();
}

void TestDiagram::diagramGrowsWithContent()
{
    Trace trace;
    DiagramWidget diagram;
    diagram.setAnimationDuration(0);
    diagram.setTrace(&trace);
    const QSize empty = diagram.contentSize();

    trace.ensureHostLifeline(QStringLiteral("login.example.net"));
    const QSize withHost = diagram.contentSize();
    QVERIFY(withHost.width() > empty.width());

    buildSmallFlow(trace);
    const QSize withSteps = diagram.contentSize();
    QVERIFY(withSteps.height() > withHost.height());
    QVERIFY(diagram.sizeHint().height() > 300);
    QVERIFY(diagram.minimumSizeHint().width() < 700);
    QCOMPARE(diagram.objectName(), QStringLiteral("diagram"));
    QVERIFY(!diagram.accessibleName().isEmpty());
    QVERIFY(diagram.accessibleDescription().contains(QStringLiteral("Step 13 of 13")));
}

void TestDiagram::diagramClearResetsSelection()
{
    Trace trace;
    DiagramWidget diagram;
    StepInspector inspector;
    diagram.setAnimationDuration(0);
    diagram.setTrace(&trace);
    inspector.setTrace(&trace);
    connect(&diagram, &DiagramWidget::stepSelected, &inspector, &StepInspector::showStep);
    buildSmallFlow(trace);
    QCOMPARE(inspector.currentStep(), BackendKeysStep);

    QSignalSpy selected(&diagram, &DiagramWidget::stepSelected);
    trace.clear();
    QCOMPARE(selectedIndices(selected), QList<int>{-1});
    QCOMPARE(diagram.shownStepCount(), 0);
    QCOMPARE(inspector.currentStep(), -1);
    QVERIFY(inspector.requestText().isEmpty());

    // Deleting the trace leaves both views empty and usable.
    auto *owned = new Trace;
    diagram.setTrace(owned);
    inspector.setTrace(owned);
    buildSmallFlow(*owned);
    delete owned;
    QCOMPARE(diagram.trace(), nullptr);
    QCOMPARE(diagram.shownStepCount(), 0);
    QCOMPARE(inspector.currentStep(), -1);
}

void TestDiagram::inspectorMasksUntilRevealed()
{
    Trace trace;
    buildSmallFlow(trace);
    StepInspector inspector;
    inspector.setTrace(&trace);
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));

    inspector.showStep(TokenRequestStep);
    auto *reveal = inspector.findChild<QPushButton *>(QStringLiteral("revealSecrets"));
    QVERIFY(reveal);
    QVERIFY(!inspector.secretsRevealed());
    QVERIFY2(!inspector.requestText().contains(authorizationCode), qPrintable(inspector.requestText()));
    QVERIFY(!inspector.requestText().contains(codeVerifier));
    QVERIFY(inspector.requestText().contains(QStringLiteral("code=••••")));
    QVERIFY(inspector.requestText().startsWith(QStringLiteral("POST https://idp.example.com/token\n")));
    QVERIFY(!inspector.responseText().contains(accessToken));
    QVERIFY(inspector.responseText().contains(QStringLiteral("\"access_token\": \"••••")));

    QTest::mouseClick(reveal, Qt::LeftButton);
    QVERIFY(inspector.secretsRevealed());
    QVERIFY(inspector.requestText().contains(QStringLiteral("code=") + authorizationCode));
    QVERIFY(inspector.requestText().contains(codeVerifier));
    QVERIFY(inspector.responseText().contains(accessToken));

    // A Bearer header whose token was never registered is masked by header name.
    inspector.showStep(ApiRequestStep);
    QVERIFY(!reveal->isChecked());
    QVERIFY2(!inspector.requestText().contains(unregisteredBearer), qPrintable(inspector.requestText()));
    QVERIFY(inspector.requestText().contains(QStringLiteral("Authorization: Bearer ••••")));
    QTest::mouseClick(reveal, Qt::LeftButton);
    QVERIFY(inspector.requestText().contains(QStringLiteral("Authorization: Bearer ") + unregisteredBearer));
    QTest::mouseClick(reveal, Qt::LeftButton);
    QVERIFY(!inspector.requestText().contains(unregisteredBearer));

    // Secrets in the URL and in the detail sentence are masked too.
    inspector.showStep(CallbackStep);
    QVERIFY(!inspector.requestText().contains(authorizationCode));
    QVERIFY(!labelText(inspector, "stepDetail").contains(authorizationCode));
    QVERIFY(labelText(inspector, "stepDetail").contains(QStringLiteral("••••")));
}

void TestDiagram::inspectorRevealResetsOnOtherStep()
{
    Trace trace;
    buildSmallFlow(trace);
    StepInspector inspector;
    inspector.setTrace(&trace);

    inspector.showStep(TokenRequestStep);
    inspector.setSecretsRevealed(true);
    QVERIFY(inspector.requestText().contains(authorizationCode));

    // Showing the same step again, as a repeated click does, keeps the choice.
    inspector.showStep(TokenRequestStep);
    QVERIFY(inspector.secretsRevealed());

    inspector.showStep(CallbackStep);
    QVERIFY(!inspector.secretsRevealed());
    inspector.showStep(TokenRequestStep);
    QVERIFY(!inspector.secretsRevealed());
    QVERIFY(!inspector.requestText().contains(authorizationCode));
}

void TestDiagram::inspectorCopiesShownText()
{
    Trace trace;
    buildSmallFlow(trace);
    StepInspector inspector;
    inspector.setTrace(&trace);
    inspector.showStep(TokenRequestStep);
    auto *copyRequest = inspector.findChild<QPushButton *>(QStringLiteral("copyRequest"));
    auto *copyResponse = inspector.findChild<QPushButton *>(QStringLiteral("copyResponse"));
    QVERIFY(copyRequest);
    QVERIFY(copyResponse);

    copyRequest->click();
    QCOMPARE(QApplication::clipboard()->text(), inspector.requestText());
    QVERIFY(!QApplication::clipboard()->text().contains(authorizationCode));
    copyResponse->click();
    QVERIFY(QApplication::clipboard()->text().contains(QStringLiteral("token_type")));
    QVERIFY(!QApplication::clipboard()->text().contains(accessToken));

    inspector.setSecretsRevealed(true);
    copyResponse->click();
    QVERIFY(QApplication::clipboard()->text().contains(accessToken));
}

void TestDiagram::inspectorPrettyPrintsJson()
{
    Trace trace;
    buildSmallFlow(trace);
    StepInspector inspector;
    inspector.setTrace(&trace);
    inspector.showStep(TokenRequestStep);

    const QString response = inspector.responseText();
    QVERIFY2(response.startsWith(QStringLiteral("HTTP 200 OK\nContent-Type: application/json\n\n{\n")), qPrintable(response));
    QVERIFY(response.contains(QStringLiteral("\n    \"token_type\": \"Bearer\"")));
    QVERIFY(response.contains(QStringLiteral("\n    \"expires_in\": 300")));

    // A body that only looks like JSON is shown as it came.
    HttpMessage broken;
    broken.status = 502;
    broken.body = QByteArrayLiteral("{\"error\": \"upstream");
    QCOMPARE(StepInspector::formatResponse(broken), QStringLiteral("HTTP 502 Bad Gateway\n\n{\"error\": \"upstream"));
}

void TestDiagram::inspectorShowsExplanation()
{
    Trace trace;
    buildSmallFlow(trace);
    StepInspector inspector;
    inspector.setTrace(&trace);
    inspector.showStep(TokenRequestStep);

    QCOMPARE(labelText(inspector, "explanationTitle"), QStringLiteral("Token request"));
    QVERIFY(labelText(inspector, "explanationText").contains(QStringLiteral("token endpoint")));
    QCOMPARE(labelText(inspector, "explanationSpec"), QStringLiteral("Defined in RFC 6749 section 4.1.3, RFC 7636 section 4.5"));
    QCOMPARE(labelText(inspector, "stepTitle"), QStringLiteral("POST /token"));
    QVERIFY(labelText(inspector, "stepSummary").contains(QStringLiteral("App → Auth provider")));
    QCOMPARE(labelText(inspector, "stepResult"), QStringLiteral("Ok"));
    QVERIFY(labelText(inspector, "stepTiming").contains(QStringLiteral("38 ms")));
    const QString localStart = QDateTime(QDate(2024, 5, 14), QTime(9, 30, 0), Qt::UTC).toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    QVERIFY(labelText(inspector, "stepTiming").contains(localStart));
}

void TestDiagram::inspectorFallbackForUnknownKey_data()
{
    QTest::addColumn<QString>("key");
    QTest::newRow("unknown key") << QStringLiteral("no-such-step");
    QTest::newRow("empty key") << QString();
    QTest::newRow("key with different case") << QStringLiteral("Token-Request");
}

void TestDiagram::inspectorFallbackForUnknownKey()
{
    QFETCH(QString, key);
    Trace trace;
    buildSmallFlow(trace);
    StepInspector inspector;
    inspector.setTrace(&trace);
    inspector.showStep(StateCheckStep);
    QCOMPARE(labelText(inspector, "explanationTitle"), StepInspector::explanation(QStringLiteral("state-check")).title);

    trace.update(StateCheckStep, [&key](TraceStep &step) { step.explanationKey = key; });
    QVERIFY(!StepInspector::hasExplanation(key));
    QCOMPARE(labelText(inspector, "explanationTitle"), QStringLiteral("About this step"));
    QVERIFY(labelText(inspector, "explanationText").startsWith(QStringLiteral("No explanation is available")));
    QVERIFY(!inspector.findChild<QLabel *>(QStringLiteral("explanationSpec"))->isVisibleTo(&inspector));
}

void TestDiagram::inspectorFollowsStepChanges()
{
    Trace trace;
    buildSmallFlow(trace);
    StepInspector inspector;
    inspector.setTrace(&trace);
    inspector.showStep(BackendKeysStep);
    QCOMPARE(labelText(inspector, "stepResult"), QStringLiteral("Pending"));
    QVERIFY(labelText(inspector, "stepTiming").contains(QStringLiteral("still running")));

    trace.update(BackendKeysStep, [](TraceStep &step) {
        step.request.method = QStringLiteral("GET");
        step.request.url = QStringLiteral("https://idp.example.com/jwks");
        step.response.status = 200;
        step.response.body = QByteArrayLiteral(R"({"keys":[]})");
        step.result = StepResult::Ok;
        step.durationMs = 9;
    });
    QCOMPARE(labelText(inspector, "stepResult"), QStringLiteral("Ok"));
    QVERIFY(labelText(inspector, "stepTiming").contains(QStringLiteral("9 ms")));
    QVERIFY(inspector.responseText().startsWith(QStringLiteral("HTTP 200 OK")));

    // Changes to other steps leave the shown one alone.
    trace.update(DiscoveryStep, [](TraceStep &step) { step.result = StepResult::Failed; });
    QCOMPARE(labelText(inspector, "stepResult"), QStringLiteral("Ok"));
}

void TestDiagram::inspectorBinaryBody()
{
    HttpMessage response;
    response.status = 200;
    response.headers = {{QStringLiteral("Content-Type"), QStringLiteral("application/octet-stream")}};
    response.body = QByteArray("\x89PNG\r\n\x1a\n\xff\xfe", 10);
    QCOMPARE(StepInspector::formatResponse(response),
             QStringLiteral("HTTP 200 OK\nContent-Type: application/octet-stream\n\n(10 bytes of binary data, not shown)"));

    // Valid UTF-8 with a NUL byte is binary as well.
    response.body = QByteArray("abc\0def", 7);
    QVERIFY(StepInspector::formatResponse(response).endsWith(QStringLiteral("(7 bytes of binary data, not shown)")));

    // JSON content type but Latin-1 bytes.
    response.headers = {{QStringLiteral("content-type"), QStringLiteral("application/json")}};
    response.body = QByteArray("{\"name\":\"J\xf6rg\"}");
    QVERIFY(StepInspector::formatResponse(response).endsWith(QStringLiteral("binary data, not shown)")));
}

void TestDiagram::inspectorHugeBodyCutAfterMasking()
{
    Trace trace;
    const QString secret = QStringLiteral("huge-body-secret-0123456789abcdefghijklmnopqrstuvwxyz");
    trace.addSecret(secret);
    TraceStep step;
    step.from = Trace::App;
    step.to = Trace::Backend;
    step.request.method = QStringLiteral("POST");
    step.request.url = QStringLiteral("http://127.0.0.1:8401/upload");
    // The secret straddles the display limit of 256 KiB characters.
    const QString prefix = QStringLiteral("POST http://127.0.0.1:8401/upload\n\n");
    step.request.body = QByteArray(256 * 1024 - prefix.size() - 10, 'x') + secret.toUtf8() + QByteArray(1000, 'y');
    trace.append(step);

    StepInspector inspector;
    inspector.setTrace(&trace);
    inspector.showStep(0);
    const QString shown = inspector.requestText();
    QVERIFY(shown.size() < 256 * 1024 + 200);
    QVERIFY(shown.contains(QStringLiteral("characters shown")));
    QVERIFY(!shown.contains(secret.left(8)));

    inspector.findChild<QPushButton *>(QStringLiteral("copyRequest"))->click();
    const QString copied = QApplication::clipboard()->text();
    QVERIFY(copied.endsWith(QString(1000, QLatin1Char('y'))));
    QVERIFY(!copied.contains(secret));
}

void TestDiagram::explanationsCoverAllKeys()
{
    for (const QString &key : explanationKeys) {
        QVERIFY2(StepInspector::hasExplanation(key), qPrintable(key));
        const afx::gui::Explanation text = StepInspector::explanation(key);
        QVERIFY2(!text.title.isEmpty(), qPrintable(key));
        QVERIFY2(text.text.size() > 120, qPrintable(key));
    }

    // The file contains no keys beyond the ones the flows use.
    QFile file(QStringLiteral(":/explanations.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList fileKeys = QJsonDocument::fromJson(file.readAll()).object().keys();
    QStringList expected = explanationKeys;
    expected.sort();
    QCOMPARE(fileKeys, expected);
}

void TestDiagram::parseExplanationsBadInput_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("entries");
    QTest::addColumn<bool>("expectError");

    QTest::newRow("valid, spec optional")
        << QByteArray(R"({"a":{"title":"A","text":"Text a."},"b":{"title":"B","text":"Text b.","spec":"RFC 1"}})") << 2 << false;
    QTest::newRow("empty input") << QByteArray() << 0 << true;
    QTest::newRow("truncated") << QByteArray(R"({"a":{"title":"A","text":"Te)") << 0 << true;
    QTest::newRow("array at top level") << QByteArray(R"([{"title":"A","text":"T"}])") << 0 << true;
    QTest::newRow("entry is a string") << QByteArray(R"({"a":"just text","b":{"title":"B","text":"T"}})") << 1 << true;
    QTest::newRow("title is a number") << QByteArray(R"({"a":{"title":7,"text":"T"}})") << 0 << true;
    QTest::newRow("text missing") << QByteArray(R"({"a":{"title":"A"}})") << 0 << true;
    QTest::newRow("blank text") << QByteArray(R"({"a":{"title":"A","text":"   "}})") << 0 << true;
    QTest::newRow("spec is an array") << QByteArray(R"({"a":{"title":"A","text":"T","spec":["RFC"]}})") << 0 << true;
    QTest::newRow("invalid UTF-8") << QByteArray("{\"a\":{\"title\":\"\xc3\x28\",\"text\":\"T\"}}") << 0 << true;
    QTest::newRow("UTF-16 with BOM") << QByteArray("\xff\xfe{\0}\0", 6) << 0 << true;

    QByteArray huge = "{";
    for (int i = 0; i < 20000; ++i)
        huge += QStringLiteral(R"(%1"k%2":{"title":"Title %2","text":"%3"})")
                    .arg(i ? QStringLiteral(",") : QString())
                    .arg(i)
                    .arg(QString(200, QLatin1Char('t')))
                    .toUtf8();
    huge += "}";
    QTest::newRow("huge, 20000 entries") << huge << 20000 << false;
}

void TestDiagram::parseExplanationsBadInput()
{
    QFETCH(QByteArray, json);
    QFETCH(int, entries);
    QFETCH(bool, expectError);

    QString error;
    const auto parsed = StepInspector::parseExplanations(json, &error);
    QCOMPARE(parsed.size(), entries);
    QCOMPARE(!error.isEmpty(), expectError);
}

void TestDiagram::screenshot_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("light palette") << false;
    QTest::newRow("dark palette") << true;
}

void TestDiagram::screenshot()
{
    QFETCH(bool, dark);
    QPalette palette = QApplication::style()->standardPalette();
    if (dark) {
        palette.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x30));
        palette.setColor(QPalette::WindowText, QColor(0xdf, 0xe1, 0xe5));
        palette.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
        palette.setColor(QPalette::AlternateBase, QColor(0x27, 0x29, 0x2c));
        palette.setColor(QPalette::Text, QColor(0xdf, 0xe1, 0xe5));
        palette.setColor(QPalette::Button, QColor(0x3a, 0x3d, 0x41));
        palette.setColor(QPalette::ButtonText, QColor(0xdf, 0xe1, 0xe5));
        palette.setColor(QPalette::Highlight, QColor(0x35, 0x74, 0xf0));
        palette.setColor(QPalette::PlaceholderText, QColor(0x8c, 0x8f, 0x94));
    }

    Trace trace;
    QWidget window;
    window.setPalette(palette);
    auto *layout = new QHBoxLayout(&window);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *diagram = new DiagramWidget(&window);
    auto *inspector = new StepInspector(&window);
    diagram->setAnimationDuration(0);
    diagram->setFixedSize(700, 500);
    inspector->setFixedWidth(460);
    layout->addWidget(diagram);
    layout->addWidget(inspector);
    diagram->setTrace(&trace);
    inspector->setTrace(&trace);
    connect(diagram, &DiagramWidget::stepSelected, inspector, &StepInspector::showStep);
    buildFullFlow(trace);
    QCOMPARE(trace.count(), 25);

    window.resize(700 + 460, 500);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    diagram->setCurrentStep(TokenRequestStep);
    diagram->setFocus();
    QCOMPARE(inspector->currentStep(), int(TokenRequestStep));
    // At 700 px the five lifelines fit without a horizontal scroll bar.
    QCOMPARE(diagram->horizontalScrollBar()->maximum(), 0);
    // Show the first steps, where the front-channel arrows and the host lifeline are.
    diagram->verticalScrollBar()->setValue(0);
    // Layout requests are posted events. Run them so the grab shows the settled layout.
    QCoreApplication::processEvents();

    const QString dir = QStringLiteral(AFX_BINARY_DIR "/screenshots");
    QVERIFY(QDir().mkpath(dir));
    const QString path = dir + (dark ? QStringLiteral("/diagram-dark.png") : QStringLiteral("/diagram.png"));
    QVERIFY(window.grab().save(path));
}

int main(int argc, char **argv)
{
    // Without a display the offscreen platform still renders everything these tests check.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY")
        && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestDiagram test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_diagram.moc"
