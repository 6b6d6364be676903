#include "oidc/clockskew.h"

#include <QLocale>
#include <QRegularExpression>
#include <QTimeZone>

#include <cstdlib>

namespace afx::oidc {

namespace {

const QString skewSpec = QStringLiteral("RFC 9110 section 6.6.1; OpenID Connect Core 1.0, section 3.1.3.7 steps 9 and 10");

int monthNumber(const QString &name)
{
    static const QStringList months{QStringLiteral("Jan"), QStringLiteral("Feb"), QStringLiteral("Mar"),
                                    QStringLiteral("Apr"), QStringLiteral("May"), QStringLiteral("Jun"),
                                    QStringLiteral("Jul"), QStringLiteral("Aug"), QStringLiteral("Sep"),
                                    QStringLiteral("Oct"), QStringLiteral("Nov"), QStringLiteral("Dec")};
    return int(months.indexOf(name)) + 1; // 0 when unknown
}

QDateTime makeUtc(int year, int month, int day, int hour, int minute, int second)
{
    const QDate date(year, month, day);
    const QTime time(hour, minute, second);
    if (!date.isValid() || !time.isValid())
        return {};
    return QDateTime(date, time, QTimeZone::utc());
}

QString formatUtc(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODate);
}

QString formatDifference(qint64 seconds)
{
    const qint64 magnitude = std::llabs(seconds);
    return magnitude == 1 ? QStringLiteral("1 second") : QStringLiteral("%1 seconds").arg(magnitude);
}

} // namespace

QDateTime parseHttpDate(const QString &value)
{
    const QString text = value.trimmed();
    if (text.size() > 64)
        return {};

    // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    static const QRegularExpression imfFixdate(QStringLiteral(
        "^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) ([A-Z][a-z]{2}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$"));
    // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT. A two-digit year is taken as 19xx from 70 on,
    // else 20xx (RFC 9110 section 5.6.7 leaves the century to the recipient).
    static const QRegularExpression rfc850(QStringLiteral(
        "^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-([A-Z][a-z]{2})-(\\d{2}) "
        "(\\d{2}):(\\d{2}):(\\d{2}) GMT$"));
    // asctime: Sun Nov  6 08:49:37 1994
    static const QRegularExpression asctime(QStringLiteral(
        "^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \\d]\\d) (\\d{2}):(\\d{2}):(\\d{2}) (\\d{4})$"));

    QRegularExpressionMatch match = imfFixdate.match(text);
    if (match.hasMatch())
        return makeUtc(match.captured(4).toInt(), monthNumber(match.captured(3)), match.captured(2).toInt(),
                       match.captured(5).toInt(), match.captured(6).toInt(), match.captured(7).toInt());
    match = rfc850.match(text);
    if (match.hasMatch()) {
        const int shortYear = match.captured(4).toInt();
        return makeUtc(shortYear >= 70 ? 1900 + shortYear : 2000 + shortYear, monthNumber(match.captured(3)),
                       match.captured(2).toInt(), match.captured(5).toInt(), match.captured(6).toInt(),
                       match.captured(7).toInt());
    }
    match = asctime.match(text);
    if (match.hasMatch())
        return makeUtc(match.captured(7).toInt(), monthNumber(match.captured(2)), match.captured(3).trimmed().toInt(),
                       match.captured(4).toInt(), match.captured(5).toInt(), match.captured(6).toInt());
    return {};
}

Check checkClockSkew(const QString &dateHeader, const QDateTime &localTime, int leewaySeconds)
{
    Check check;
    check.id = QStringLiteral("check-clock-skew");
    check.name = QStringLiteral("Clock difference to the provider");
    const int leeway = std::max(0, leewaySeconds);

    if (dateHeader.trimmed().isEmpty()) {
        check.status = Check::Status::Skipped;
        check.reason = QStringLiteral("The provider's response has no Date header, so the clocks cannot be compared.");
        return check;
    }
    const QDateTime providerTime = parseHttpDate(dateHeader);
    if (!providerTime.isValid()) {
        check.status = Check::Status::Failed;
        check.reason = QStringLiteral("The provider's Date header \"%1\" is not an HTTP date such as \"Sun, 06 Nov "
                                      "1994 08:49:37 GMT\", so the clocks cannot be compared.")
                           .arg(dateHeader.left(64));
        check.spec = skewSpec;
        return check;
    }

    const QDateTime local = localTime.isValid() ? localTime : QDateTime::currentDateTimeUtc();
    // Positive: the provider's clock is ahead of this computer's.
    const qint64 difference = local.secsTo(providerTime);
    const QString times = QStringLiteral("The provider's Date header is %1 and this computer's clock was %2")
                              .arg(formatUtc(providerTime), formatUtc(local));
    const QString direction = difference > 0 ? QStringLiteral("ahead of") : QStringLiteral("behind");
    check.spec = skewSpec;

    // One extra second covers the header's resolution of whole seconds.
    if (std::llabs(difference) <= qint64(leeway) + 1) {
        check.status = Check::Status::Passed;
        check.reason = difference == 0
            ? times + QStringLiteral(", so the clocks agree to the second.")
            : times + QStringLiteral(", so the provider's clock is %1 %2 this one, within the leeway of %3.")
                          .arg(formatDifference(difference), direction, formatDifference(leeway));
        return check;
    }
    check.status = Check::Status::Failed;
    check.reason = times
        + QStringLiteral(", so the provider's clock is %1 %2 this one, more than the leeway of %3. This difference "
                         "is the likely cause of failed exp, iat or nbf checks, so set this computer to take its "
                         "time from a time server, or raise the leeway of the profile.")
              .arg(formatDifference(difference), direction, formatDifference(leeway));
    return check;
}

} // namespace afx::oidc
