#include "storage/import/capturetime.h"

#include <cctype>
#include <string>

namespace storage {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// floor(digits * 10^exponent) for a non-negative digit string; nullopt on overflow.
std::optional<std::int64_t> scaledFloor(const std::string& digits, int exponent, bool negative)
{
    // value = digits * 10^exponent; keep integer part (truncate), fix up for negatives.
    std::string intDigits;
    bool fractionNonZero = false;
    if (exponent >= 0) {
        intDigits = digits + std::string(static_cast<std::size_t>(exponent), '0');
    } else {
        const auto drop = static_cast<std::size_t>(-exponent);
        if (drop >= digits.size()) {
            fractionNonZero = digits.find_first_not_of('0') != std::string::npos;
        } else {
            intDigits = digits.substr(0, digits.size() - drop);
            fractionNonZero = digits.find_first_not_of('0', digits.size() - drop) != std::string::npos;
        }
    }
    const auto first = intDigits.find_first_not_of('0');
    intDigits = first == std::string::npos ? std::string() : intDigits.substr(first);
    if (intDigits.size() > 18)
        return std::nullopt;
    std::int64_t value = 0;
    for (char c : intDigits)
        value = value * 10 + (c - '0');
    if (negative) {
        value = -value;
        if (fractionNonZero)
            value -= 1;
    }
    return value;
}

} // namespace

NormalisedTime normaliseEpochNumber(std::string_view text, TimeUnit forced)
{
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    std::size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
        negative = text[i] == '-';
        ++i;
    }
    std::string digits;
    int exponent = 0;
    bool any = false;
    while (i < text.size() && isDigit(text[i])) {
        digits.push_back(text[i++]);
        any = true;
    }
    if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && isDigit(text[i])) {
            digits.push_back(text[i++]);
            --exponent;
            any = true;
        }
    }
    if (!any)
        return {};
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool expNegative = false;
        if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
            expNegative = text[i] == '-';
            ++i;
        }
        int e = 0;
        bool expAny = false;
        while (i < text.size() && isDigit(text[i])) {
            if (e < 10000)
                e = e * 10 + (text[i] - '0');
            ++i;
            expAny = true;
        }
        if (!expAny)
            return {};
        exponent += expNegative ? -e : e;
    }
    if (i != text.size())
        return {};
    if (exponent > 40 || exponent < -60)
        return {};

    enum class Scale { Seconds, Milliseconds, Microseconds, Nanoseconds };
    Scale scale = Scale::Seconds;
    if (forced == TimeUnit::Seconds)
        scale = Scale::Seconds;
    else if (forced == TimeUnit::Milliseconds)
        scale = Scale::Milliseconds;
    else if (forced == TimeUnit::Microseconds)
        scale = Scale::Microseconds;
    else {
        // Number of digits of the integer part decides the unit.
        const auto first = digits.find_first_not_of('0');
        const long significant = first == std::string::npos ? 0 : static_cast<long>(digits.size() - first);
        const long intDigits = significant + exponent; // digits before the decimal point
        if (intDigits <= 11)
            scale = Scale::Seconds; // < 1e11
        else if (intDigits <= 14)
            scale = Scale::Milliseconds;
        else if (intDigits <= 17)
            scale = Scale::Microseconds;
        else
            scale = Scale::Nanoseconds;
    }
    int shift = 6;
    TimeUnit unit = TimeUnit::Seconds;
    switch (scale) {
    case Scale::Seconds:
        break;
    case Scale::Milliseconds:
        shift = 3;
        unit = TimeUnit::Milliseconds;
        break;
    case Scale::Microseconds:
        shift = 0;
        unit = TimeUnit::Microseconds;
        break;
    case Scale::Nanoseconds:
        shift = -3;
        unit = TimeUnit::Unknown;
        break;
    }
    const auto micros = scaledFloor(digits, exponent + shift, negative);
    if (!micros)
        return {};
    return {micros, unit};
}

namespace {

std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool readInt(std::string_view text, std::size_t& i, std::size_t count, int& out)
{
    out = 0;
    for (std::size_t k = 0; k < count; ++k, ++i) {
        if (i >= text.size() || !isDigit(text[i]))
            return false;
        out = out * 10 + (text[i] - '0');
    }
    return true;
}

} // namespace

NormalisedTime normaliseTimeString(std::string_view text)
{
    if (text.empty())
        return {};
    // A numeric string is an epoch number.
    if (isDigit(text.front()) && text.find_first_of("-:T") == std::string_view::npos)
        return normaliseEpochNumber(text);
    if (text.front() == '-' && text.size() > 1 && text.find(':') == std::string_view::npos)
        return normaliseEpochNumber(text);
    std::size_t i = 0;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!readInt(text, i, 4, year) || i >= text.size() || text[i++] != '-' || !readInt(text, i, 2, month)
        || i >= text.size() || text[i++] != '-' || !readInt(text, i, 2, day))
        return {};
    std::int64_t micros = 0;
    if (i < text.size() && (text[i] == 'T' || text[i] == 't' || text[i] == ' ')) {
        ++i;
        if (!readInt(text, i, 2, hour) || i >= text.size() || text[i++] != ':' || !readInt(text, i, 2, minute))
            return {};
        if (i < text.size() && text[i] == ':') {
            ++i;
            if (!readInt(text, i, 2, second))
                return {};
            if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
                ++i;
                int digits = 0;
                while (i < text.size() && isDigit(text[i])) {
                    if (digits < 6) {
                        micros = micros * 10 + (text[i] - '0');
                        ++digits;
                    }
                    ++i;
                }
                while (digits++ < 6)
                    micros *= 10;
            }
        }
    }
    int offsetMinutes = 0;
    if (i < text.size()) {
        if (text[i] == 'Z' || text[i] == 'z') {
            ++i;
        } else if (text[i] == '+' || text[i] == '-') {
            const int sign = text[i] == '-' ? -1 : 1;
            ++i;
            int oh = 0, om = 0;
            if (!readInt(text, i, 2, oh))
                return {};
            if (i < text.size() && text[i] == ':')
                ++i;
            if (i < text.size() && !readInt(text, i, 2, om))
                return {};
            offsetMinutes = sign * (oh * 60 + om);
        }
    }
    if (i != text.size() || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return {};
    const std::int64_t days = daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    const std::int64_t seconds = days * 86400 + std::int64_t{hour} * 3600 + std::int64_t{minute} * 60 + second
        - std::int64_t{offsetMinutes} * 60;
    return {seconds * 1000000 + micros, TimeUnit::Unknown};
}

} // namespace storage
