#pragma once

#include "gui/clipboardguard.h"
#include "oidc/idtokenvalidator.h"
#include "storage/tokenstore.h"

#include <QIcon>
#include <QJsonObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QWidget>

class QLabel;
class QPalette;
class QStackedWidget;
class QTabWidget;
class QTreeWidget;

namespace afx {
class Trace;
}

namespace afx::gui {

class TokenSection;

// "passed", "failed", "warning" or "skipped".
QString checkStatusWord(oidc::Check::Status status);
// A disc in the status colour with a glyph in the Base colour: a tick, a cross, an
// exclamation mark or a dash. The shape carries the status too, not only the colour.
QIcon checkStatusIcon(oidc::Check::Status status, const QPalette &palette);

// A rounded length of time for relative times: "42 s", "3 min 20 s", "42 min", "5 h 12 min",
// "3 days". The sign of `seconds` is ignored.
QString formatDuration(qint64 seconds);

// A time in the local zone, such as "2026-12-05 14:02:11 CET".
QString localTimeText(const QDateTime &time);

// HTML table rows for the time claims among `names` in `claims`: local time and a relative
// time, coloured by what the time means (expired, not yet valid, issued in the future). With
// `colourValidExpiry`, an exp still ahead is coloured as passed rather than muted.
QString timeClaimRows(const QJsonObject &claims, const QStringList &names, const QDateTime &now, const QPalette &palette,
                      bool colourValidExpiry);

// The start of a secret and its length, such as "eyJhbG… (812 chars)", for showing that a
// value is there without showing the value.
QString maskedPreview(const QString &secret);

// Shows the tokens of one login. For each of the ID, access and refresh token it shows the
// masked raw value with Reveal and Copy, what kind of token it is, and the decoded JOSE header
// and claims (never the signature). Time claims appear as local time plus a relative time that
// updates every second while the panel is visible. The ID token tab also lists the validation
// checks.
//
// Raw values are masked until the user presses Reveal. Copy puts the raw value on the
// clipboard with the "x-kde-passwordManagerHint: secret" MIME hint, which asks clipboard
// managers to keep no history entry. The value is removed again after clipboardClearDelay()
// unless the clipboard content changed in between. The delay is the stored setting
// "clipboard/clearDelaySeconds" (see ClipboardGuard) until setClipboardClearDelay() fixes it.
class TokenPanel : public QWidget {
    Q_OBJECT
public:
    explicit TokenPanel(QWidget *parent = nullptr);
    ~TokenPanel() override;

    // The trace of the current run: tokens are registered as secrets with it, and decoded
    // claims pass through Trace::mask() while the token is not revealed. May be null.
    void setTrace(Trace *trace);

    // Shows a token set. `validation` may be empty, such as for tokens restored from the
    // keychain. `source` names where the tokens come from, such as "Signed in 14:02".
    // Every token starts masked.
    void setTokens(const TokenSet &tokens, const oidc::IdTokenValidation &validation, const QString &source);
    // Forgets the tokens, shows the empty state and clears a copied token from the clipboard.
    void clear();

    bool hasTokens() const { return !m_tokens.isEmpty(); }

    // Milliseconds after which a copied token is removed from the clipboard: the stored
    // setting, 30000 by default.
    int clipboardClearDelay() const { return m_clipboard.clearDelay(); }
    void setClipboardClearDelay(int ms);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void buildUi();
    void showChecks();
    void refreshTimes();
    void showClipboardClearDelay(int ms);

    QPointer<Trace> m_trace;
    TokenSet m_tokens;
    oidc::IdTokenValidation m_validation;

    QStackedWidget *m_stack = nullptr;
    QLabel *m_emptyLabel = nullptr;
    QLabel *m_sourceLabel = nullptr;
    QTabWidget *m_tabs = nullptr;
    TokenSection *m_idSection = nullptr;
    TokenSection *m_accessSection = nullptr;
    TokenSection *m_refreshSection = nullptr;
    QLabel *m_checksSummary = nullptr;
    QTreeWidget *m_checks = nullptr;

    QTimer m_tickTimer;
    ClipboardGuard m_clipboard;
};

} // namespace afx::gui
