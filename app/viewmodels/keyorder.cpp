#include "app/viewmodels/keyorder.h"

#include <algorithm>
#include <numeric>

#include "model/keyorder.h"

KeyOrderValue KeyOrderValue::fromCanonical(std::string_view canonicalKeys)
{
    KeyOrderValue v;
    v.m_bytes = model::keyOrderBytes(canonicalKeys);
    return v;
}

int KeyOrderValue::compare(const KeyOrderValue& other) const
{
    const int c = m_bytes.compare(other.m_bytes); // char_traits<char>::compare: by unsigned byte value
    return c < 0 ? -1 : c > 0 ? 1 : 0;
}

std::vector<std::int64_t> sortKeyIdsByValue(const std::vector<std::int64_t>& ids,
                                            const std::vector<std::string>& canonical, bool descending)
{
    std::vector<KeyOrderValue> values;
    values.reserve(ids.size());
    for (const auto& text : canonical)
        values.push_back(KeyOrderValue::fromCanonical(text));
    std::vector<std::size_t> order(ids.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        int c = values[x].compare(values[y]);
        if (c == 0)
            c = ids[x] < ids[y] ? -1 : ids[x] > ids[y] ? 1 : 0;
        return descending ? c > 0 : c < 0;
    });
    std::vector<std::int64_t> sorted;
    sorted.reserve(ids.size());
    for (std::size_t i : order)
        sorted.push_back(ids[i]);
    return sorted;
}
