// Token verification benchmark: full ID token validations per second by the app's validator
// (parse, key lookup, signature, claims) for RS256 and ES256. Each round runs the validator for
// SECONDS, then `openssl speed` for the same key type and size, and prints both rates and their
// ratio. Both rates vary by a few percent from run to run on a shared machine, so the rounds
// alternate and the median ratio is the result. Usage: bench_verify [SECONDS] [ROUNDS]
//
// `openssl speed` without -elapsed divides by the user CPU time of its process, not by wall
// time (OpenSSL 3.0 apps/speed.c). This benchmark does the same, so the ratio stays fair on a
// machine where other processes compete for the cores.
#include "jose/jws.h"
#include "jose/key.h"
#include "oidc/idtokenvalidator.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QTimeZone>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace afx;

namespace {

struct Case {
    QString alg;
    jose::Key key;
    QString opensslAlgorithm; // the `openssl speed` argument with the same key type and size
};

// The user CPU time of this process in seconds.
double userCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec) + double(usage.ru_utime.tv_usec) / 1e6;
}

double validationsPerSecond(const Case &benchCase, int seconds)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString issuer = QStringLiteral("https://idp.example.com");
    const QString clientId = QStringLiteral("bench-client");
    const QJsonObject claims{
        {QStringLiteral("iss"), issuer},
        {QStringLiteral("aud"), clientId},
        {QStringLiteral("sub"), QStringLiteral("user-1")},
        {QStringLiteral("iat"), double(now - 5)},
        {QStringLiteral("exp"), double(now + 3600)},
        {QStringLiteral("nonce"), QStringLiteral("n-0S6_WzA2Mj")},
    };
    QString error;
    const std::optional<QByteArray> token = jose::signCompact(
        benchCase.alg, benchCase.key, QJsonObject{{QStringLiteral("kid"), QStringLiteral("bench-key")}}, claims, &error);
    if (!token) {
        std::fprintf(stderr, "signing failed: %s\n", qPrintable(error));
        return -1;
    }

    // A JWKS with a second key, so the lookup by kid has something to skip.
    const jose::Key other = jose::Key::generateEc(QStringLiteral("P-384"));
    const QJsonObject jwksJson{{QStringLiteral("keys"),
                                QJsonArray{other.toPublicJwk(QStringLiteral("other-key"), QStringLiteral("ES384")),
                                           benchCase.key.toPublicJwk(QStringLiteral("bench-key"), benchCase.alg)}}};
    jose::Jwks jwks;
    if (!jose::Jwks::parse(QJsonDocument(jwksJson).toJson(), &jwks, &error)) {
        std::fprintf(stderr, "JWKS parsing failed: %s\n", qPrintable(error));
        return -1;
    }

    oidc::IdTokenExpectations expect;
    expect.issuer = issuer;
    expect.clientId = clientId;
    expect.allowedAlgorithms = QStringList{benchCase.alg};
    expect.nonce = "n-0S6_WzA2Mj";
    expect.now = QDateTime::fromSecsSinceEpoch(now, QTimeZone::utc());

    const oidc::IdTokenValidation first = oidc::validateIdToken(*token, jwks.keys, expect);
    if (!first.passed()) {
        std::fprintf(stderr, "validation failed: %s\n", qPrintable(first.firstFailure()));
        return -1;
    }

    const double start = userCpuSeconds();
    double elapsed = 0;
    qint64 count = 0;
    while (elapsed < seconds) {
        // Read the CPU time every 64 validations, so reading it costs nothing noticeable.
        for (int i = 0; i < 64; ++i) {
            const oidc::IdTokenValidation validation = oidc::validateIdToken(*token, jwks.keys, expect);
            if (!validation.passed()) {
                std::fprintf(stderr, "validation failed: %s\n", qPrintable(validation.firstFailure()));
                return -1;
            }
        }
        count += 64;
        elapsed = userCpuSeconds() - start;
    }
    return double(count) / elapsed;
}

// Runs `openssl speed -seconds N ALGORITHM` and returns the last column ("verify/s") of the
// result line that follows the header with "verify/s"; -1 when that line is missing.
double opensslVerifyPerSecond(const QString &algorithm, int seconds)
{
    QProcess process;
    process.start(QStringLiteral("openssl"),
                  {QStringLiteral("speed"), QStringLiteral("-seconds"), QString::number(seconds), algorithm});
    if (!process.waitForFinished(120000) || process.exitCode() != 0) {
        std::fprintf(stderr, "openssl speed %s failed: %s\n", qPrintable(algorithm),
                     process.readAllStandardError().constData());
        return -1;
    }
    const QStringList lines = QString::fromLocal8Bit(process.readAllStandardOutput()).split(QLatin1Char('\n'));
    for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
        if (!lines.at(i).contains(QLatin1String("verify/s")))
            continue;
        const QStringList fields = lines.at(i + 1).split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
        bool ok = false;
        const double rate = fields.isEmpty() ? 0 : fields.last().toDouble(&ok);
        if (ok)
            return rate;
    }
    std::fprintf(stderr, "no verify/s figure in the output of openssl speed %s\n", qPrintable(algorithm));
    return -1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    const int seconds = arguments.size() > 1 ? std::max(1, arguments.at(1).toInt()) : 3;
    const int rounds = arguments.size() > 2 ? std::max(1, arguments.at(2).toInt()) : 5;

    const QList<Case> cases{
        {QStringLiteral("RS256"), jose::Key::generateRsa(2048), QStringLiteral("rsa2048")},
        {QStringLiteral("ES256"), jose::Key::generateEc(QStringLiteral("P-256")), QStringLiteral("ecdsap256")},
    };
    int status = 0;
    for (const Case &benchCase : cases) {
        std::vector<double> ratios;
        for (int round = 1; round <= rounds; ++round) {
            const double validator = validationsPerSecond(benchCase, seconds);
            const double openssl = opensslVerifyPerSecond(benchCase.opensslAlgorithm, seconds);
            if (validator < 0 || openssl <= 0) {
                status = 1;
                break;
            }
            ratios.push_back(validator / openssl);
            std::printf("%s round %d: validator %.0f validations/s, openssl speed %s %.0f verify/s, ratio %.2f\n",
                        qPrintable(benchCase.alg), round, validator, qPrintable(benchCase.opensslAlgorithm), openssl,
                        validator / openssl);
            std::fflush(stdout);
        }
        if (ratios.empty())
            continue;
        std::sort(ratios.begin(), ratios.end());
        std::printf("%s: median ratio %.2f over %zu rounds, lowest %.2f, highest %.2f (target >= 0.8)\n",
                    qPrintable(benchCase.alg), ratios[ratios.size() / 2], ratios.size(), ratios.front(), ratios.back());
    }
    return status;
}
