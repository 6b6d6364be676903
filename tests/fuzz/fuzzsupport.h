#pragma once

// Helpers shared by the libFuzzer targets in this folder.

#include <QByteArray>
#include <QLoggingCategory>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace afx::fuzz {

// Turns off the app's own log categories (afx.*). Jwks::parse, for example, logs one line per
// skipped key, which would flood the fuzzer's output and slow it down. Qt's warnings stay on.
inline void silenceAppLogging()
{
    QLoggingCategory::setFilterRules(QStringLiteral("afx.*=false"));
}

// A deep copy of the fuzzer's input. QByteArray adds the terminating '\0' that every
// QByteArray in the app has, so a read past the end of the data is still caught by
// AddressSanitizer in instrumented code, but a read of the terminator is not reported.
inline QByteArray toByteArray(const std::uint8_t *data, std::size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
}

// Aborts when a property that must hold for every input does not, so that libFuzzer saves
// the input as a crash.
inline void require(bool condition, const char *property)
{
    if (condition)
        return;
    std::fprintf(stderr, "fuzz property violated: %s\n", property);
    std::abort();
}

} // namespace afx::fuzz
