#include "jose/base64url.h"

#include <array>

namespace afx::jose {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr int kInvalid = -1;

constexpr std::array<int, 256> makeDecodeTable()
{
    std::array<int, 256> table{};
    for (int &entry : table)
        entry = kInvalid;
    for (int i = 0; i < 64; ++i)
        table[static_cast<unsigned char>(kAlphabet[i])] = i;
    return table;
}

constexpr std::array<int, 256> kDecodeTable = makeDecodeTable();

} // namespace

QByteArray base64UrlEncode(QByteArrayView data)
{
    QByteArray out;
    out.reserve((data.size() * 4 + 2) / 3);

    qsizetype i = 0;
    const auto byteAt = [&data](qsizetype index) { return static_cast<unsigned char>(data[index]); };
    for (; i + 3 <= data.size(); i += 3) {
        const quint32 group = (quint32(byteAt(i)) << 16) | (quint32(byteAt(i + 1)) << 8) | byteAt(i + 2);
        out.append(kAlphabet[(group >> 18) & 0x3f]);
        out.append(kAlphabet[(group >> 12) & 0x3f]);
        out.append(kAlphabet[(group >> 6) & 0x3f]);
        out.append(kAlphabet[group & 0x3f]);
    }

    const qsizetype remaining = data.size() - i;
    if (remaining == 1) {
        const quint32 group = quint32(byteAt(i)) << 16;
        out.append(kAlphabet[(group >> 18) & 0x3f]);
        out.append(kAlphabet[(group >> 12) & 0x3f]);
    } else if (remaining == 2) {
        const quint32 group = (quint32(byteAt(i)) << 16) | (quint32(byteAt(i + 1)) << 8);
        out.append(kAlphabet[(group >> 18) & 0x3f]);
        out.append(kAlphabet[(group >> 12) & 0x3f]);
        out.append(kAlphabet[(group >> 6) & 0x3f]);
    }
    return out;
}

std::optional<QByteArray> base64UrlDecode(QByteArrayView text)
{
    // A final group of one character carries only 6 bits, less than one byte: no encoder emits it.
    if (text.size() % 4 == 1)
        return std::nullopt;

    QByteArray out;
    out.reserve(text.size() * 3 / 4);

    quint32 buffer = 0;
    int bufferedBits = 0;
    for (const char c : text) {
        const int value = kDecodeTable[static_cast<unsigned char>(c)];
        if (value == kInvalid)
            return std::nullopt; // includes '=', '+', '/', whitespace and non-ASCII bytes
        buffer = (buffer << 6) | quint32(value);
        bufferedBits += 6;
        if (bufferedBits >= 8) {
            bufferedBits -= 8;
            out.append(char((buffer >> bufferedBits) & 0xff));
        }
    }

    // The bits left over after the last whole byte must be zero, as an encoder writes them
    // (RFC 4648 section 3.5). Rejecting other values keeps each byte string to one encoding,
    // so a changed last character of a signature can never decode to the same bytes.
    if (bufferedBits > 0 && (buffer & ((1u << bufferedBits) - 1)) != 0)
        return std::nullopt;

    return out;
}

} // namespace afx::jose
