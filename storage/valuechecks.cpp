#include "storage/valuechecks.h"

#include <array>
#include <cstdint>

namespace storage {

namespace {

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
    return model::checkNumber(text); // allocation-free in the model layer
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
