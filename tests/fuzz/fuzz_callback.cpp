// libFuzzer target: authorization response parsing (CallbackParams::parse and parseFormPost)
// and redirect URI matching (RedirectMatcher). The first input byte selects the response type
// and response mode. The rest is the callback URL text, and is also read as a form_post body.

#include "fuzzsupport.h"

#include "oidc/callback.h"

#include <QUrl>

#include <array>

using namespace afx;

namespace {

struct RequestShape {
    const char *responseType;
    const char *responseMode; // empty: the default for the response type
};

constexpr std::array<RequestShape, 8> kShapes{{
    {"code", ""},
    {"code", "query"},
    {"code", "fragment"},
    {"code id_token", ""},
    {"id_token token", "fragment"},
    {"token", "query"},
    {"code", "form_post"},
    {"code", "jwt"},
}};

void checkParams(const std::optional<oidc::CallbackParams> &params, const QString &error)
{
    if (!params) {
        fuzz::require(!error.isEmpty(), "a rejected callback has a message");
        return;
    }
    fuzz::require(params->value(QStringLiteral("code")) == params->code, "code is the value of the code parameter");
    fuzz::require(params->value(QStringLiteral("state")) == params->state, "state is the value of the state parameter");
    fuzz::require(params->hasState || params->state.isEmpty(), "a state value implies hasState");
    fuzz::require(params->value(QStringLiteral("error")) == params->error, "error is the value of the error parameter");
}

void parseUrl(const QUrl &url, const RequestShape &shape)
{
    QString error;
    const auto params = oidc::CallbackParams::parse(url, QString::fromLatin1(shape.responseType),
                                                    QString::fromLatin1(shape.responseMode), &error);
    checkParams(params, error);

    // An absolute URL must match itself when used as the redirect URI.
    if (url.isValid() && !url.isEmpty() && !url.isRelative()) {
        const oidc::RedirectMatcher self(url);
        fuzz::require(self.matches(url), "a redirect URI matches itself");
    }
    const oidc::RedirectMatcher loopback(QUrl(QStringLiteral("http://127.0.0.1/callback")));
    loopback.matches(url);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::silenceAppLogging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    const RequestShape &shape = kShapes[data[0] % kShapes.size()];
    const QByteArray rest = fuzz::toByteArray(data + 1, size - 1);

    const QString text = QString::fromUtf8(rest);
    parseUrl(QUrl(text, QUrl::TolerantMode), shape);
    parseUrl(QUrl(text, QUrl::StrictMode), shape);

    QString error;
    checkParams(oidc::CallbackParams::parseFormPost(rest, &error), error);
    return 0;
}
