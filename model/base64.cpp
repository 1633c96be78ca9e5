#include "model/base64.h"

#include <array>
#include <cstdint>
#include <optional>

namespace model {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> makeDecodeTable()
{
    std::array<std::int8_t, 256> table{};
    for (auto& v : table)
        v = -1;
    for (int i = 0; i < 64; ++i)
        table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
    return table;
}

constexpr std::array<std::int8_t, 256> kDecode = makeDecodeTable();

/// Length of the base64 text without its padding, or nullopt when the padding/length rules are broken.
std::optional<std::size_t> unpaddedLength(std::string_view text)
{
    std::size_t length = text.size();
    // Padding: only at the end, at most two '=', and then the total length must be a multiple of 4.
    std::size_t padding = 0;
    while (padding < 2 && length > 0 && text[length - 1] == '=') {
        --length;
        ++padding;
    }
    if (padding > 0 && text.size() % 4 != 0)
        return std::nullopt;
    const std::size_t remainder = length % 4;
    if (remainder == 1)
        return std::nullopt;
    if (padding > 0 && padding != 4 - remainder)
        return std::nullopt;
    return length;
}

} // namespace

bool isBase64(std::string_view text)
{
    const auto length = unpaddedLength(text);
    if (!length)
        return false;
    // Branch-free over the text: OR of the table values has the sign bit set iff any character is invalid.
    std::int8_t any = 0;
    for (std::size_t i = 0; i < *length; ++i)
        any = static_cast<std::int8_t>(any | kDecode[static_cast<unsigned char>(text[i])]);
    return any >= 0;
}

std::optional<std::string> base64Decode(std::string_view text)
{
    const auto unpadded = unpaddedLength(text);
    if (!unpadded)
        return std::nullopt;
    const std::size_t length = *unpadded;
    std::string out;
    out.reserve(length / 4 * 3 + 2);
    std::uint32_t accumulator = 0;
    int bits = 0;
    for (std::size_t i = 0; i < length; ++i) {
        const std::int8_t v = kDecode[static_cast<unsigned char>(text[i])];
        if (v < 0)
            return std::nullopt;
        accumulator = (accumulator << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((accumulator >> bits) & 0xFFu));
        }
    }
    return out;
}

std::string base64Encode(std::string_view bytes)
{
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    const auto byteAt = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k])); };
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v = (byteAt(i) << 16) | (byteAt(i + 1) << 8) | byteAt(i + 2);
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(kAlphabet[(v >> 6) & 63]);
        out.push_back(kAlphabet[v & 63]);
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        const std::uint32_t v = byteAt(i) << 16;
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.append("==");
    } else if (rest == 2) {
        const std::uint32_t v = (byteAt(i) << 16) | (byteAt(i + 1) << 8);
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(kAlphabet[(v >> 6) & 63]);
        out.push_back('=');
    }
    return out;
}

} // namespace model
