#include "model/keyorder.h"

#include <cstdint>

#include "model/base64.h"
#include "model/decimal.h"
#include "model/dynamodbjson.h"

namespace model {
namespace {

// Layout: every part is kPart, its name (escaped), its type rank, its value; the key ends with kEnd (below kPart:
// fewer parts first). Escaped bytes: 0x00 is written 0x00 0xFF and the text ends with 0x00 0x01, so a text that is a
// prefix of another sorts first and no text's end can be mistaken for another's byte.
constexpr char kEnd = 0x01;
constexpr char kPart = 0x02;

enum Rank : char { NumberRank = 0, StringRank = 1, BinaryRank = 2, OtherRank = 3 };

void appendEscaped(std::string& out, std::string_view bytes)
{
    for (const char c : bytes) {
        out.push_back(c);
        if (c == '\0')
            out.push_back(static_cast<char>(0xFF));
    }
    out.push_back('\0');
    out.push_back(0x01);
}

// A number: its sign class (negative 0x01, zero 0x02, positive 0x03), then for a positive value the exponent (value =
// 0.d1d2… × 10^exponent, d1 ≠ 0: a larger exponent is a larger value) as 8 bytes big-endian with the sign bit
// flipped, then the digits as 0x01..0x0A and 0x00 (a shorter digit string with the same start is smaller: no
// trailing zeros). A negative value writes the same bytes for its magnitude, each inverted (larger magnitude,
// smaller value), which keeps them self-delimiting (digits 0xF5..0xFE, end 0xFF).
void appendNumber(std::string& out, const Decimal& number)
{
    if (number.isZero()) {
        out.push_back(0x02);
        return;
    }
    const bool negative = number.isNegative();
    out.push_back(negative ? 0x01 : 0x03);
    const auto flip = [negative](unsigned char byte) { return static_cast<char>(negative ? ~byte : byte); };
    const std::uint64_t exponent = static_cast<std::uint64_t>(number.exponent()) ^ (std::uint64_t{1} << 63);
    for (int shift = 56; shift >= 0; shift -= 8)
        out.push_back(flip(static_cast<unsigned char>(exponent >> shift)));
    for (const char digit : number.digits())
        out.push_back(flip(static_cast<unsigned char>(digit - '0' + 1)));
    out.push_back(flip(0x00));
}

} // namespace

std::string keyOrderBytes(std::string_view canonicalKeys)
{
    std::string out;
    out.reserve(canonicalKeys.size() + 16);
    auto decoded = parseItem(canonicalKeys);
    if (!decoded.value) {
        out.push_back(kPart);
        appendEscaped(out, {});
        out.push_back(OtherRank);
        appendEscaped(out, canonicalKeys);
        out.push_back(kEnd);
        return out;
    }
    for (const auto& [name, value] : *decoded.value) {
        out.push_back(kPart);
        appendEscaped(out, name);
        switch (value.type()) {
        case AttributeType::N:
            if (auto number = Decimal::parse(value.text())) {
                out.push_back(NumberRank);
                appendNumber(out, *number);
                continue;
            }
            break;
        case AttributeType::S:
            out.push_back(StringRank);
            appendEscaped(out, value.text());
            continue;
        case AttributeType::B:
            if (auto bytes = base64Decode(value.text())) {
                out.push_back(BinaryRank);
                appendEscaped(out, *bytes);
                continue;
            }
            break;
        default:
            out.push_back(OtherRank);
            appendEscaped(out, toDynamoJson(value));
            continue;
        }
        out.push_back(OtherRank); // an N that is no number, a B that is no base64: by its text
        appendEscaped(out, value.text());
    }
    out.push_back(kEnd);
    return out;
}

} // namespace model
