#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace model {

/// Why a DynamoDB number text breaks DynamoDB's own rules (lenient: the value is kept, the problem reported).
enum class NumberProblem : std::uint8_t {
    None,
    NotANumber,        ///< not decimal number syntax at all ("abc", "", "1e", "0x10", "NaN")
    TooManyDigits,     ///< more than 38 significant digits
    MagnitudeTooLarge, ///< |v| > 9.9999999999999999999999999999999999999E+125
    MagnitudeTooSmall, ///< 0 < |v| < 1E-130
};

/// How a JavaScript handler using `@aws-sdk/util-dynamodb` `unmarshall` (Powertools for TypeScript) would fare.
/// unmarshall does `Number(text)`; if the double is beyond ±(2^53-1) but finite it returns `BigInt(text)`
/// (which throws for non-integer text); if it is infinite it throws; otherwise it returns the double.
enum class JsNumberRisk : std::uint8_t {
    None,             ///< the double holds the value exactly as written (shortest round trip equals the value)
    BigInt,           ///< integer beyond 2^53: becomes a BigInt, which JSON.stringify rejects
    ThrowsNonInteger, ///< non-integer beyond 2^53: BigInt(text) throws "... can't be converted to BigInt"
    ThrowsInfinity,   ///< beyond double range: unmarshall throws "outside IEEE 754 Floating-Point Arithmetic"
    RoundsSilently,   ///< within range but the double differs from the text (more digits than a double keeps)
};

/// An exact decimal: sign, significant digits (no leading/trailing zeros) and exponent, value =
/// 0.d1d2d3... × 10^exponent. Zero has no digits and is never negative. Never goes through double.
class Decimal
{
public:
    /// Parses JSON-number-like text: optional sign ('+' or '-'), digits with optional '.', optional exponent
    /// (e/E, optional sign, digits). Leading/trailing whitespace is not allowed. Returns nullopt if not a number.
    /// Exponents of any size are handled (kept as int64, saturating is an error -> nullopt).
    static std::optional<Decimal> parse(std::string_view text);

    bool isZero() const { return m_digits.empty(); }
    bool isNegative() const { return m_negative; }
    bool isInteger() const;
    /// Significant digits, without leading and trailing zeros ("" for zero).
    const std::string& digits() const { return m_digits; }
    std::int64_t exponent() const { return m_exponent; }

    /// Canonical text: "0", "-12.5", "100", "0.001"; scientific ("1.5E+130", "-2E-131") only when plain
    /// notation would need more than 50 characters. Equal values give equal canonical text.
    std::string canonical() const;

    /// -1, 0, 1: numeric comparison.
    int compare(const Decimal& other) const;
    bool operator==(const Decimal& other) const { return compare(other) == 0; }

private:
    bool m_negative = false;
    std::string m_digits;
    std::int64_t m_exponent = 0;
};

/// Checks a DynamoDB `N` text against DynamoDB's rules.
NumberProblem checkNumber(std::string_view text);
NumberProblem checkNumber(const Decimal& value); ///< same, for an already parsed value (never NotANumber)
/// How a JavaScript unmarshall would treat this number text (None for non-numbers). Exact: the double is
/// computed with correct rounding (like JS `Number`) and compared through its shortest round-trip text.
JsNumberRisk jsNumberRisk(std::string_view text);
/// Same for an already parsed value; `text` is its text (BigInt() accepts only integer literal text).
JsNumberRisk jsNumberRisk(const Decimal& value, std::string_view text);
/// Human-readable reason for a problem/risk, e.g. "39 significant digits (DynamoDB allows 38)".
std::string describe(NumberProblem problem, std::string_view text);
std::string describe(JsNumberRisk risk, std::string_view text);

/// Numeric equality of two N texts; texts that are not numbers compare by text.
bool numbersEqual(std::string_view a, std::string_view b);
/// Numeric three-way comparison; non-numbers sort after numbers, by text.
int compareNumbers(std::string_view a, std::string_view b);
/// Canonical text of an N (see Decimal::canonical); the text itself if it is not a number.
std::string canonicalNumber(std::string_view text);
/// True if text is a JSON number (RFC 8259 grammar: no '+', no leading zeros, no bare '.'), e.g. to decide
/// whether an N text can be written into JSON as it is.
bool isJsonNumberText(std::string_view text);

} // namespace model
