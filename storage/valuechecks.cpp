#include "storage/valuechecks.h"

#include <array>
#include <cstdint>

namespace storage {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// model/decimal.cpp: exponents beyond this are not a number (checked before each *10).
constexpr std::int64_t kMaxTextExponent = 100'000'000'000'000'000LL;

constexpr std::array<bool, 256> makeBase64Table()
{
    std::array<bool, 256> table{};
    for (char c = 'A'; c <= 'Z'; ++c)
        table[static_cast<unsigned char>(c)] = true;
    for (char c = 'a'; c <= 'z'; ++c)
        table[static_cast<unsigned char>(c)] = true;
    for (char c = '0'; c <= '9'; ++c)
        table[static_cast<unsigned char>(c)] = true;
    table[static_cast<unsigned char>('+')] = true;
    table[static_cast<unsigned char>('/')] = true;
    return table;
}

constexpr std::array<bool, 256> kBase64 = makeBase64Table();

} // namespace

model::NumberProblem checkNumberText(std::string_view text)
{
    using model::NumberProblem;
    std::size_t i = 0;
    const std::size_t n = text.size();
    if (i < n && (text[i] == '+' || text[i] == '-'))
        ++i;
    const std::size_t intStart = i;
    while (i < n && isDigit(text[i]))
        ++i;
    const std::size_t intEnd = i;
    std::size_t fracStart = i;
    std::size_t fracEnd = i;
    if (i < n && text[i] == '.') {
        ++i;
        fracStart = i;
        while (i < n && isDigit(text[i]))
            ++i;
        fracEnd = i;
    }
    if (intEnd == intStart && fracEnd == fracStart)
        return NumberProblem::NotANumber;
    std::int64_t exp10 = 0;
    if (i < n && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool negative = false;
        if (i < n && (text[i] == '+' || text[i] == '-')) {
            negative = text[i] == '-';
            ++i;
        }
        const std::size_t expStart = i;
        while (i < n && isDigit(text[i])) {
            if (exp10 > kMaxTextExponent)
                return NumberProblem::NotANumber;
            exp10 = exp10 * 10 + (text[i] - '0');
            ++i;
        }
        if (i == expStart)
            return NumberProblem::NotANumber;
        if (negative)
            exp10 = -exp10;
    }
    if (i != n)
        return NumberProblem::NotANumber;
    // The mantissa digits as one sequence D = integer digits then fraction digits.
    const std::size_t intLength = intEnd - intStart;
    const std::size_t total = intLength + (fracEnd - fracStart);
    const auto digitAt = [&](std::size_t k) {
        return k < intLength ? text[intStart + k] : text[fracStart + k - intLength];
    };
    std::size_t first = 0;
    while (first < total && digitAt(first) == '0')
        ++first;
    if (first == total)
        return NumberProblem::None; // zero
    std::size_t last = total - 1;
    while (digitAt(last) == '0')
        --last;
    const std::size_t count = last - first + 1;
    if (count > 38)
        return NumberProblem::TooManyDigits;
    // value = 0.d1d2... x 10^exponent
    const std::int64_t exponent = static_cast<std::int64_t>(intLength) - static_cast<std::int64_t>(first) + exp10;
    if (exponent > 126)
        return NumberProblem::MagnitudeTooLarge;
    if (exponent < -129)
        return NumberProblem::MagnitudeTooSmall;
    return NumberProblem::None;
}

bool isValidBase64(std::string_view text)
{
    std::size_t length = text.size();
    std::size_t padding = 0;
    while (padding < 2 && length > 0 && text[length - 1] == '=') {
        --length;
        ++padding;
    }
    if (padding > 0 && text.size() % 4 != 0)
        return false;
    const std::size_t remainder = length % 4;
    if (remainder == 1)
        return false;
    if (padding > 0 && padding != 4 - remainder)
        return false;
    for (std::size_t i = 0; i < length; ++i)
        if (!kBase64[static_cast<unsigned char>(text[i])])
            return false;
    return true;
}

} // namespace storage
