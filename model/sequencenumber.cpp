#include "model/sequencenumber.h"

namespace model {

namespace {

std::string_view stripLeadingZeros(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size() && text[i] == '0')
        ++i;
    return text.substr(i);
}

} // namespace

bool isSequenceNumber(std::string_view text)
{
    if (text.empty())
        return false;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

int compareSequenceNumbers(std::string_view a, std::string_view b)
{
    const std::string_view x = stripLeadingZeros(a);
    const std::string_view y = stripLeadingZeros(b);
    if (x.size() != y.size())
        return x.size() < y.size() ? -1 : 1;
    const int c = x.compare(y);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::string sequenceSortKey(std::string_view text)
{
    const std::string_view digits = stripLeadingZeros(text);
    const std::size_t length = digits.size() > 999 ? 999 : digits.size();
    std::string key;
    key.reserve(3 + length);
    key.push_back(static_cast<char>('0' + length / 100));
    key.push_back(static_cast<char>('0' + length / 10 % 10));
    key.push_back(static_cast<char>('0' + length % 10));
    key.append(digits.substr(0, length));
    return key;
}

} // namespace model
