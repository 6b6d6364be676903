#pragma once

#include "oidc/formencoding.h"

#include <QHash>
#include <QString>
#include <QUrl>

#include <optional>

namespace afx::oidc {

// Decides whether a URL the browser is about to load is the configured redirect URI.
// Matches scheme, host, port, user info and path exactly (RFC 6749 section 3.1.2), never as a
// prefix of the whole string. An intermediate URL that merely contains "code=" or the
// redirect URI as a query value is not a match. Scheme and host compare case-insensitively,
// the path case-sensitively, and "localhost" does not match "127.0.0.1". For an http loopback
// redirect URI (127.0.0.1, ::1 or localhost) without a port, any port matches (RFC 8252
// section 7.3). The query parameters of the redirect URI itself must be present in the URL.
class RedirectMatcher {
public:
    RedirectMatcher() = default;
    explicit RedirectMatcher(const QUrl &redirectUri);
    bool matches(const QUrl &url) const;
    QUrl redirectUri() const { return m_redirect; }

private:
    QUrl m_redirect;
    bool m_anyPort = false;
};

// The parameters of an authorization response, read from the query or the fragment.
struct CallbackParams {
    enum class Location { Query, Fragment };
    Location location = Location::Query;
    QString code;
    QString state;
    bool hasState = false;
    QString error;
    QString errorDescription;
    QString errorUri;
    QString iss;
    bool hasIss = false;
    FormFields all; // every parameter, decoded, in order

    bool misplaced = false; // the parameters were not where the response type puts them
    bool formPost = false;  // read from a form_post body by parseFormPost()

    // The size limit for a callback URL in its fully encoded form, and for a form_post body.
    // The largest real responses carry an ID token and an access token in the fragment of an
    // implicit or hybrid flow, and each token is limited to 64 KiB by CompactJws::parse.
    static constexpr qsizetype maxEncodedBytes = 256 * 1024;

    bool isError() const { return !error.isEmpty(); }
    // False when the response has no code or an empty one. The caller must then not call the
    // token endpoint, and must report the missing code if the response is not an error.
    bool hasCode() const { return !code.isEmpty(); }
    // The decoded value of any parameter, such as access_token or id_token; empty if absent.
    QString value(const QString &name) const;

    // Reads the response parameters of a callback URL. responseType decides where they are
    // expected: "code" in the query; anything with "token" or "id_token" in the fragment
    // (OAuth 2.0 Multiple Response Type Encoding Practices section 5). When the expected place
    // has no response parameters but the other one does, they are read from there and
    // `misplaced` is set. A URL without any parameters yields an empty result, not an error.
    // Returns nullopt with *error for a URL longer than maxEncodedBytes (checked first), an
    // invalid URL, a malformed encoding or a repeated parameter (RFC 6749 section 3.1).
    // Error messages name parameters, never their values.
    // NOTE: a QUrl built in TolerantMode has already turned a broken escape such as "%zz" into
    // "%25zz", so only invalid UTF-8 and URLs parsed in StrictMode show up as malformed here.
    static std::optional<CallbackParams> parse(const QUrl &callback, const QString &responseType,
                                               QString *error);
    // The same, honouring the request's response_mode: "query" or "fragment" override the
    // default place, except that "query" with a token-carrying response type is rejected
    // (Multiple Response Type Encoding Practices section 5). "form_post" and unknown modes
    // fail, because such a response is not in the URL. An empty mode means the default.
    static std::optional<CallbackParams> parse(const QUrl &callback, const QString &responseType,
                                               const QString &responseMode, QString *error);
    // Reads the application/x-www-form-urlencoded body that response_mode=form_post sends to
    // the redirect URI (OAuth 2.0 Form Post Response Mode section 2). Sets formPost and
    // location Query. Fails like parse(), and for a body larger than maxEncodedBytes.
    static std::optional<CallbackParams> parseFormPost(QByteArrayView body, QString *error);
};

// Remembers the state values of authorization requests that are in flight, so that a callback
// can be matched to exactly one of them, exactly once (RFC 6749 section 10.12).
class StateStore {
public:
    enum class Outcome {
        Accepted,     // state belongs to a pending attempt; it is now consumed
        Missing,      // the provider dropped state from the response
        AlreadyUsed,  // state belonged to an attempt that already finished (Back button, double delivery)
        Unknown,      // state was never issued by this app
    };
    void add(const QByteArray &state); // an empty state is not stored
    // Accepts a state once. An absent or empty state is Missing. After clear(), earlier
    // states are Unknown rather than AlreadyUsed.
    Outcome consume(const QString &state, bool hasState);
    void clear();
    // Explains the outcome to the user in one to three sentences, naming the situation and,
    // for every rejection, offering to restart the login.
    static QString describe(Outcome outcome);

private:
    QHash<QString, bool> m_states; // state -> consumed
};

} // namespace afx::oidc
