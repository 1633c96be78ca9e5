#include "model/decimal.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace model {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Largest exponent magnitude accepted in the text; beyond it parse() fails instead of overflowing.
constexpr std::int64_t kMaxTextExponent = 100'000'000'000'000'000LL; // checked before each *10
// Largest magnitude of the normalised exponent: the text may carry about ten times more (the check above runs
// before the last *10), so the canonical (scientific) text of every parsed value parses back.
constexpr std::int64_t kMaxExponent = kMaxTextExponent;

std::string quotedText(std::string_view text)
{
    std::string out;
    out.reserve(std::min<std::size_t>(text.size(), 80) + 5);
    out.push_back('"');
    out.append(text.substr(0, 80));
    if (text.size() > 80)
        out.append("...");
    out.push_back('"');
    return out;
}

/// The syntax of a number text: [+-] digits [. digits] [(e|E) [+-] digits], at least one mantissa digit.
struct NumberText
{
    bool negative = false;
    std::size_t intStart = 0, intEnd = 0, fracStart = 0, fracEnd = 0; ///< mantissa digit ranges in the text
    std::int64_t exp10 = 0;                                           ///< the written exponent
};

std::optional<NumberText> scanNumber(std::string_view text)
{
    NumberText t;
    std::size_t i = 0;
    const std::size_t n = text.size();
    if (i < n && (text[i] == '+' || text[i] == '-')) {
        t.negative = text[i] == '-';
        ++i;
    }
    t.intStart = i;
    while (i < n && isDigit(text[i]))
        ++i;
    t.intEnd = i;
    t.fracStart = t.fracEnd = i;
    if (i < n && text[i] == '.') {
        ++i;
        t.fracStart = i;
        while (i < n && isDigit(text[i]))
            ++i;
        t.fracEnd = i;
    }
    if (t.intEnd == t.intStart && t.fracEnd == t.fracStart)
        return std::nullopt;
    if (i < n && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool expNegative = false;
        if (i < n && (text[i] == '+' || text[i] == '-')) {
            expNegative = text[i] == '-';
            ++i;
        }
        const std::size_t expStart = i;
        while (i < n && isDigit(text[i])) {
            if (t.exp10 > kMaxTextExponent)
                return std::nullopt;
            t.exp10 = t.exp10 * 10 + (text[i] - '0');
            ++i;
        }
        if (i == expStart)
            return std::nullopt;
        if (expNegative)
            t.exp10 = -t.exp10;
    }
    if (i != n)
        return std::nullopt;
    return t;
}

} // namespace

std::optional<Decimal> Decimal::parse(std::string_view text)
{
    const std::optional<NumberText> scanned = scanNumber(text);
    if (!scanned)
        return std::nullopt;
    const auto [negative, intStart, intEnd, fracStart, fracEnd, exp10] = *scanned;

    Decimal d;
    // Position of the decimal point relative to the first mantissa digit.
    std::int64_t point = static_cast<std::int64_t>(intEnd - intStart);
    std::size_t first = intStart;
    // Skip leading zeros of the integer part.
    while (first < intEnd && text[first] == '0') {
        ++first;
        --point;
    }
    std::string& digits = d.m_digits;
    if (first < intEnd) {
        digits.assign(text.substr(first, intEnd - first));
        digits.append(text.substr(fracStart, fracEnd - fracStart));
    } else {
        // Integer part is all zeros: skip leading zeros of the fraction.
        std::size_t f = fracStart;
        while (f < fracEnd && text[f] == '0')
            ++f;
        point -= static_cast<std::int64_t>(f - fracStart);
        digits.assign(text.substr(f, fracEnd - f));
    }
    while (!digits.empty() && digits.back() == '0')
        digits.pop_back();
    if (digits.empty())
        return d; // zero: never negative
    const std::int64_t exponent = point + exp10;
    if (exponent > kMaxExponent || exponent < -kMaxExponent)
        return std::nullopt; // far outside any number system this tool meets; refusing keeps canonical() parseable
    d.m_negative = negative;
    d.m_exponent = exponent;
    return d;
}

bool Decimal::isInteger() const
{
    return isZero() || m_exponent >= static_cast<std::int64_t>(m_digits.size());
}

std::string Decimal::canonical() const
{
    if (isZero())
        return "0";
    const auto count = static_cast<std::int64_t>(m_digits.size());
    std::int64_t plainLength = 0;
    if (m_exponent <= 0)
        plainLength = 2 - m_exponent + count;
    else if (m_exponent < count)
        plainLength = count + 1;
    else
        plainLength = m_exponent;
    std::string out;
    if (m_negative)
        out.push_back('-');
    if (plainLength <= 50) {
        if (m_exponent <= 0) {
            out.append("0.");
            out.append(static_cast<std::size_t>(-m_exponent), '0');
            out.append(m_digits);
        } else if (m_exponent < count) {
            const auto split = static_cast<std::size_t>(m_exponent);
            out.append(m_digits, 0, split);
            out.push_back('.');
            out.append(m_digits, split);
        } else {
            out.append(m_digits);
            out.append(static_cast<std::size_t>(m_exponent - count), '0');
        }
        return out;
    }
    out.push_back(m_digits[0]);
    if (count > 1) {
        out.push_back('.');
        out.append(m_digits, 1);
    }
    const std::int64_t sciExponent = m_exponent - 1;
    out.push_back('E');
    out.push_back(sciExponent < 0 ? '-' : '+');
    out.append(std::to_string(sciExponent < 0 ? -sciExponent : sciExponent));
    return out;
}

int Decimal::compare(const Decimal& other) const
{
    // Sign classes: -1 negative, 0 zero, 1 positive.
    const int mySign = isZero() ? 0 : (m_negative ? -1 : 1);
    const int otherSign = other.isZero() ? 0 : (other.m_negative ? -1 : 1);
    if (mySign != otherSign)
        return mySign < otherSign ? -1 : 1;
    if (mySign == 0)
        return 0;
    int magnitude = 0;
    if (m_exponent != other.m_exponent) {
        magnitude = m_exponent < other.m_exponent ? -1 : 1;
    } else {
        const int c = m_digits.compare(other.m_digits);
        magnitude = c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    return mySign < 0 ? -magnitude : magnitude;
}

NumberProblem checkNumber(std::string_view text)
{
    // The same answer as checkNumber(*Decimal::parse(text)) without building the digit string: the importer checks
    // every number of every image with it.
    const std::optional<NumberText> scanned = scanNumber(text);
    if (!scanned)
        return NumberProblem::NotANumber;
    const NumberText& t = *scanned;
    // The mantissa digits as one sequence: integer digits, then fraction digits.
    const std::size_t intLength = t.intEnd - t.intStart;
    const std::size_t total = intLength + (t.fracEnd - t.fracStart);
    const auto digitAt = [&](std::size_t k) {
        return k < intLength ? text[t.intStart + k] : text[t.fracStart + k - intLength];
    };
    std::size_t first = 0;
    while (first < total && digitAt(first) == '0')
        ++first;
    if (first == total)
        return NumberProblem::None; // zero
    std::size_t last = total - 1;
    while (digitAt(last) == '0')
        --last;
    // value = 0.d1d2... x 10^exponent
    const std::int64_t exponent = static_cast<std::int64_t>(intLength) - static_cast<std::int64_t>(first) + t.exp10;
    if (exponent > kMaxExponent || exponent < -kMaxExponent)
        return NumberProblem::NotANumber; // as Decimal::parse
    if (last - first + 1 > 38)
        return NumberProblem::TooManyDigits;
    if (exponent > 126)
        return NumberProblem::MagnitudeTooLarge;
    if (exponent < -129)
        return NumberProblem::MagnitudeTooSmall;
    return NumberProblem::None;
}

NumberProblem checkNumber(const Decimal& d)
{
    if (d.digits().size() > 38)
        return NumberProblem::TooManyDigits;
    if (d.isZero())
        return NumberProblem::None;
    // max = 0.99999999999999999999999999999999999999 x 10^126, min = 0.1 x 10^-129
    if (d.exponent() > 126)
        return NumberProblem::MagnitudeTooLarge;
    if (d.exponent() < -129)
        return NumberProblem::MagnitudeTooSmall;
    return NumberProblem::None;
}

namespace {

bool isIntegerLiteral(std::string_view text)
{
    std::size_t i = 0;
    if (i < text.size() && (text[i] == '+' || text[i] == '-'))
        ++i;
    if (i == text.size())
        return false;
    for (; i < text.size(); ++i) {
        if (!isDigit(text[i]))
            return false;
    }
    return true;
}

// What JavaScript's Number(text) yields for a decimal d (correctly rounded, like the JS spec requires).
double toDouble(const Decimal& d)
{
    if (d.isZero())
        return d.isNegative() ? -0.0 : 0.0;
    // Far outside the double range: decide without asking from_chars about huge exponents.
    if (d.exponent() > 400)
        return d.isNegative() ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    if (d.exponent() < -400)
        return d.isNegative() ? -0.0 : 0.0;
    std::string text;
    text.reserve(d.digits().size() + 12);
    if (d.isNegative())
        text.push_back('-');
    text.append("0.");
    text.append(d.digits());
    text.push_back('e');
    text.append(std::to_string(d.exponent()));
    double value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    (void)ptr;
    if (ec == std::errc::result_out_of_range) {
        if (d.exponent() > 0)
            value = std::numeric_limits<double>::infinity();
        else
            value = 0.0;
        if (d.isNegative())
            value = -value;
    }
    return value;
}

} // namespace

JsNumberRisk jsNumberRisk(std::string_view text)
{
    const std::optional<Decimal> d = Decimal::parse(text);
    return d ? jsNumberRisk(*d, text) : JsNumberRisk::None;
}

JsNumberRisk jsNumberRisk(const Decimal& d, std::string_view text)
{
    // Fast path: at most 15 significant digits (DBL_DIG) in the normal range below 1E15 always come back
    // unchanged from a double, and are below 2^53.
    if (d.digits().size() <= 15 && d.exponent() <= 15 && d.exponent() > -307)
        return JsNumberRisk::None;
    const double num = toDouble(d);
    if (std::isinf(num))
        return JsNumberRisk::ThrowsInfinity;
    constexpr double kMaxSafe = 9007199254740991.0; // 2^53 - 1
    if (num > kMaxSafe || num < -kMaxSafe)
        return isIntegerLiteral(text) ? JsNumberRisk::BigInt : JsNumberRisk::ThrowsNonInteger;
    char buffer[64];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, num);
    if (ec != std::errc())
        return JsNumberRisk::RoundsSilently;
    const std::optional<Decimal> back =
        Decimal::parse(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
    if (!back || back->compare(d) != 0)
        return JsNumberRisk::RoundsSilently;
    return JsNumberRisk::None;
}

std::string describe(NumberProblem problem, std::string_view text)
{
    const std::string quoted = quotedText(text);
    switch (problem) {
    case NumberProblem::None:
        return {};
    case NumberProblem::NotANumber:
        return quoted + " is not a number";
    case NumberProblem::TooManyDigits: {
        const std::optional<Decimal> d = Decimal::parse(text);
        const std::size_t count = d ? d->digits().size() : 0;
        return quoted + " has " + std::to_string(count) + " significant digits (DynamoDB allows 38)";
    }
    case NumberProblem::MagnitudeTooLarge:
        return quoted + " is larger in magnitude than DynamoDB allows (9.9999999999999999999999999999999999999E+125)";
    case NumberProblem::MagnitudeTooSmall:
        return quoted + " is smaller in magnitude than DynamoDB allows (1E-130)";
    }
    return {};
}

std::string describe(JsNumberRisk risk, std::string_view text)
{
    const std::string quoted = quotedText(text);
    switch (risk) {
    case JsNumberRisk::None:
        return {};
    case JsNumberRisk::BigInt:
        return quoted + " is beyond 2^53: JavaScript unmarshall returns a BigInt (JSON.stringify rejects it)";
    case JsNumberRisk::ThrowsNonInteger:
        return quoted + " is beyond 2^53 and not an integer literal: JavaScript unmarshall throws (BigInt conversion)";
    case JsNumberRisk::ThrowsInfinity:
        return quoted + " is beyond the double range: JavaScript unmarshall throws (outside IEEE 754)";
    case JsNumberRisk::RoundsSilently: {
        std::string out = quoted + " is rounded by JavaScript Number()";
        if (const std::optional<Decimal> d = Decimal::parse(text)) {
            char buffer[64];
            const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, toDouble(*d));
            if (ec == std::errc())
                out += " to " + std::string(buffer, end);
        }
        return out;
    }
    }
    return {};
}

bool numbersEqual(std::string_view a, std::string_view b)
{
    if (a == b)
        return true;
    const std::optional<Decimal> da = Decimal::parse(a);
    if (!da)
        return false;
    const std::optional<Decimal> db = Decimal::parse(b);
    if (!db)
        return false;
    return da->compare(*db) == 0;
}

int compareNumbers(std::string_view a, std::string_view b)
{
    const std::optional<Decimal> da = Decimal::parse(a);
    const std::optional<Decimal> db = Decimal::parse(b);
    if (da && db)
        return da->compare(*db);
    if (da)
        return -1;
    if (db)
        return 1;
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool isJsonNumberText(std::string_view text)
{
    std::size_t i = 0;
    const std::size_t n = text.size();
    const auto digit = [&](std::size_t k) { return k < n && text[k] >= '0' && text[k] <= '9'; };
    if (i < n && text[i] == '-')
        ++i;
    if (!digit(i))
        return false;
    if (text[i] == '0') {
        ++i;
    } else {
        while (digit(i))
            ++i;
    }
    if (i < n && text[i] == '.') {
        ++i;
        if (!digit(i))
            return false;
        while (digit(i))
            ++i;
    }
    if (i < n && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < n && (text[i] == '+' || text[i] == '-'))
            ++i;
        if (!digit(i))
            return false;
        while (digit(i))
            ++i;
    }
    return i == n;
}

std::string canonicalNumber(std::string_view text)
{
    const std::optional<Decimal> d = Decimal::parse(text);
    return d ? d->canonical() : std::string(text);
}

} // namespace model
