#pragma once

#include "gui/clipboardguard.h"
#include "jose/jws.h"
#include "jose/key.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTextEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace afx::gui {

class MessageBanner;

// Decodes and explains any token that the user pastes, drops or that setToken() receives.
//
// It shows what kind of token it is (signed JWT, encrypted JWT or opaque reference), the raw
// value with its base64url parts in distinct colours (masked until Reveal), the header and
// claims as trees where every known parameter and claim has a plain sentence and the spec that
// defines it (from resources/claims.json), and the time claims as local time plus a relative
// time that updates every second while the widget is visible. Input that cannot be a token
// gets a message naming the part and the problem, and the token shown before stays.
//
// Copy puts the raw value on the clipboard through a ClipboardGuard, so it carries the secret
// hint and is removed after the delay of the "clipboard/clearDelaySeconds" setting, which the
// spin box next to it changes. Verify validates a JWS as an ID token when setVerificationKeys()
// gave it keys.
class TokenInspector : public QWidget {
    Q_OBJECT
public:
    // Inputs larger than this are rejected before any decoding.
    static constexpr qsizetype maxTokenBytes = 256 * 1024;

    explicit TokenInspector(QWidget *parent = nullptr);
    ~TokenInspector() override;

    // Inspects `token` as if the user had pasted it, without emitting tokenEntered(). Whitespace
    // around the token, line breaks inside it and a leading "Bearer " are removed. Invalid
    // input shows errorText() and keeps the token shown before.
    void setToken(const QString &token);
    // The token shown, or empty.
    QString token() const { return m_raw; }
    // The message about the last rejected input, or empty when the last input was accepted.
    QString errorText() const { return m_error; }
    jose::TokenFormat tokenFormat() const { return m_format; }

    // True when `text` has the shape of a compact JWS or JWE: three or five dot-separated
    // parts whose first part is a base64url JSON object with "alg". Opaque tokens look like any
    // other word, so they return false: a drop target can use this to tell tokens from text.
    static bool looksLikeToken(const QString &text);

    // The keys (usually the provider's JWKS) and the expected issuer and client ID that Verify
    // checks an ID token against. Empty keys make Verify explain what is missing.
    void setVerificationKeys(const QList<jose::Jwk> &keys, const QString &issuer, const QString &clientId);

    // Milliseconds after which a copied token is removed from the clipboard. Follows the
    // stored setting until setClipboardClearDelay() fixes it, such as for tests.
    int clipboardClearDelay() const { return m_clipboard.clearDelay(); }
    void setClipboardClearDelay(int ms);

Q_SIGNALS:
    // The user pasted, dropped or entered a token and it replaced the token shown.
    void tokenEntered(const QString &token);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    void changeEvent(QEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    struct Decoded;

    // Splits and decodes `input`. On failure sets *error to a sentence naming the part and the problem.
    static bool decode(const QString &input, Decoded *out, QString *error);

    void buildUi();
    bool inspect(const QString &input);
    void submitUserInput(const QString &input);
    void showError(const QString &message);
    void showDecoded(const Decoded &decoded);
    void showKind();
    void showValue();
    void fillTree(QTreeWidget *tree, const QJsonObject &object, const QString &section);
    void fitPanes(bool verified);
    void refreshTimes();
    void updateTicking();
    void verify();
    void showVerificationMessage(const QString &message);
    void resetVerification();

    QString m_raw;
    QString m_error;
    jose::TokenFormat m_format = jose::TokenFormat::Opaque;
    QJsonObject m_header;
    QJsonObject m_claims;
    QList<int> m_partLengths;
    QString m_repeatedHeaderMember; // a header member name given twice, shown as a warning
    QString m_repeatedClaim;        // a claim name given twice

    QList<jose::Jwk> m_keys;
    QString m_expectedIssuer;
    QString m_expectedClientId;

    QLineEdit *m_input = nullptr;
    MessageBanner *m_errorBanner = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_emptyLabel = nullptr;
    QLabel *m_kindLabel = nullptr;
    QTextEdit *m_value = nullptr;
    QLabel *m_legend = nullptr;
    QPushButton *m_reveal = nullptr;
    QPushButton *m_copy = nullptr;
    QLabel *m_times = nullptr;
    QSplitter *m_decoded = nullptr;
    QTreeWidget *m_headerTree = nullptr;
    QStackedWidget *m_payloadStack = nullptr;
    QTreeWidget *m_payloadTree = nullptr;
    QLabel *m_payloadNote = nullptr;
    QLabel *m_payloadTitle = nullptr;
    QWidget *m_verifyBox = nullptr;
    QPushButton *m_verify = nullptr;
    QLabel *m_verifySummary = nullptr;
    QTreeWidget *m_checks = nullptr;

    QTimer m_tickTimer;
    ClipboardGuard m_clipboard;
};

} // namespace afx::gui
