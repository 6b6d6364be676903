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

// Decoding tables for the four positions in a group: each entry is the character's 6-bit value
// shifted to its place in the group's 24 bits. kInvalidBits, above those 24 bits, marks a character
// outside the alphabet, so one comparison of the OR of four entries finds any invalid character.
constexpr quint32 kInvalidBits = 1u << 24;

constexpr std::array<quint32, 256> makeShiftedTable(int position)
{
    std::array<quint32, 256> table{};
    for (std::size_t c = 0; c < table.size(); ++c) {
        const int value = kDecodeTable[c];
        table[c] = value == kInvalid ? kInvalidBits : quint32(value) << (18 - 6 * position);
    }
    return table;
}

constexpr std::array<std::array<quint32, 256>, 4> kShiftedTables{
    makeShiftedTable(0), makeShiftedTable(1), makeShiftedTable(2), makeShiftedTable(3)};

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
    const qsizetype length = text.size();
    if (length % 4 == 1)
        return std::nullopt;

    // Every 4 characters give 3 bytes, a final group of 2 or 3 characters gives 1 or 2. The
    // output is sized once and written through a pointer, because appending byte by byte was
    // a noticeable part of parsing a token.
    QByteArray out(length / 4 * 3 + (length % 4 == 0 ? 0 : length % 4 - 1), Qt::Uninitialized);
    auto *target = reinterpret_cast<unsigned char *>(out.data());
    const auto *source = reinterpret_cast<const unsigned char *>(text.data());
    const auto valueAt = [source](qsizetype index) { return kDecodeTable[source[index]]; };

    qsizetype i = 0;
    for (; i + 4 <= length; i += 4) {
        const quint32 group = kShiftedTables[0][source[i]] | kShiftedTables[1][source[i + 1]]
            | kShiftedTables[2][source[i + 2]] | kShiftedTables[3][source[i + 3]];
        if (group >= kInvalidBits)
            return std::nullopt; // '=', '+', '/', whitespace and non-ASCII bytes are invalid
        target[0] = static_cast<unsigned char>(group >> 16);
        target[1] = static_cast<unsigned char>(group >> 8);
        target[2] = static_cast<unsigned char>(group);
        target += 3;
    }

    const qsizetype remaining = length - i;
    if (remaining == 0)
        return out;
    const int a = valueAt(i);
    const int b = valueAt(i + 1);
    const int c = remaining == 3 ? valueAt(i + 2) : 0;
    if ((a | b | c) < 0)
        return std::nullopt;
    const quint32 group = (quint32(a) << 18) | (quint32(b) << 12) | (quint32(c) << 6);

    // The bits left over after the last whole byte must be zero, as an encoder writes them
    // (RFC 4648 section 3.5). Rejecting other values keeps each byte string to one encoding,
    // so a changed last character of a signature can never decode to the same bytes.
    // Two characters leave 4 such bits, three characters leave 2.
    const quint32 unusedBits = remaining == 2 ? (group & 0xffff) : (group & 0xff);
    if (unusedBits != 0)
        return std::nullopt;

    *target++ = static_cast<unsigned char>(group >> 16);
    if (remaining == 3)
        *target++ = static_cast<unsigned char>(group >> 8);
    return out;
}

} // namespace afx::jose
