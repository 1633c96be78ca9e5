#include "model/jsunsafetext.h"

#include "model/decimal.h"

namespace model {

namespace {

bool space(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

std::size_t skipSpace(std::string_view text, std::size_t i)
{
    while (i < text.size() && space(text[i]))
        ++i;
    return i;
}

/// Reads the string starting at text[i] == '"' without escapes; false when it has one (or does not end).
bool plainString(std::string_view text, std::size_t& i, std::string_view& out)
{
    if (i >= text.size() || text[i] != '"')
        return false;
    const std::size_t end = text.find_first_of("\"\\", i + 1);
    if (end == std::string_view::npos || text[end] != '"')
        return false;
    out = text.substr(i + 1, end - i - 1);
    i = end + 1;
    return true;
}

bool risky(std::string_view number)
{
    return jsNumberRisk(number) != JsNumberRisk::None;
}

} // namespace

std::optional<bool> jsUnsafeInDynamoJson(std::string_view text)
{
    // In valid DynamoDB JSON a member named "N" whose value is a string is a number's type key (an attribute named
    // N has an object value; a quote inside a string is escaped, so `"N"` followed by `:` starts a key).
    bool unsure = false;
    // Searched by the letter (rarer than quotes, so fewer stops), then the quote before it checked.
    for (std::size_t n = text.find('N', 1); n != std::string_view::npos; n = text.find('N', n + 1)) {
        if (text[n - 1] != '"')
            continue;
        std::size_t i = n + 1;
        const bool set = i < text.size() && text[i] == 'S';
        if (set)
            ++i;
        if (i >= text.size() || text[i] != '"')
            continue;
        i = skipSpace(text, i + 1);
        if (i >= text.size() || text[i] != ':')
            continue;
        i = skipSpace(text, i + 1);
        std::string_view number;
        if (!set) {
            if (i < text.size() && text[i] == '"') {
                if (!plainString(text, i, number))
                    unsure = true;
                else if (risky(number))
                    return true;
            }
            continue;
        }
        if (i >= text.size() || text[i] != '[')
            continue;
        for (i = skipSpace(text, i + 1); i < text.size() && text[i] != ']';) {
            if (!plainString(text, i, number)) {
                unsure = true;
                break;
            }
            if (risky(number))
                return true;
            i = skipSpace(text, i);
            if (i < text.size() && text[i] == ',')
                i = skipSpace(text, i + 1);
        }
    }
    if (unsure)
        return std::nullopt;
    return false;
}

} // namespace model
