#include "app/viewmodels/keyorder.h"

#include <algorithm>
#include <numeric>

#include "model/base64.h"
#include "model/dynamodbjson.h"

namespace {
int threeWay(std::string_view a, std::string_view b)
{
    const int c = a.compare(b); // std::string_view compares char_traits<char>: by unsigned byte value
    return c < 0 ? -1 : c > 0 ? 1 : 0;
}
} // namespace

KeyOrderValue KeyOrderValue::fromCanonical(std::string_view canonicalKeys)
{
    KeyOrderValue v;
    auto decoded = model::parseItem(canonicalKeys);
    if (!decoded.value) {
        v.m_parts.push_back({std::string(), 3, std::nullopt, std::string(canonicalKeys)});
        return v;
    }
    for (const auto& [name, value] : *decoded.value) {
        Part part;
        part.name = name;
        switch (value.type()) {
        case model::AttributeType::N:
            part.number = model::Decimal::parse(value.text());
            part.rank = part.number ? 0 : 3;
            part.bytes = value.text();
            break;
        case model::AttributeType::S:
            part.rank = 1;
            part.bytes = value.text();
            break;
        case model::AttributeType::B:
            if (auto bytes = model::base64Decode(value.text())) {
                part.rank = 2;
                part.bytes = std::move(*bytes);
            } else {
                part.rank = 3;
                part.bytes = value.text();
            }
            break;
        default:
            part.rank = 3;
            part.bytes = model::toDynamoJson(value);
            break;
        }
        v.m_parts.push_back(std::move(part));
    }
    return v;
}

int KeyOrderValue::compare(const KeyOrderValue& other) const
{
    const std::size_t n = std::min(m_parts.size(), other.m_parts.size());
    for (std::size_t i = 0; i < n; ++i) {
        const Part& a = m_parts[i];
        const Part& b = other.m_parts[i];
        if (const int c = threeWay(a.name, b.name))
            return c;
        if (a.rank != b.rank)
            return a.rank < b.rank ? -1 : 1;
        if (a.rank == 0) {
            if (const int c = a.number->compare(*b.number))
                return c;
            continue;
        }
        if (const int c = threeWay(a.bytes, b.bytes))
            return c;
    }
    if (m_parts.size() != other.m_parts.size())
        return m_parts.size() < other.m_parts.size() ? -1 : 1;
    return 0;
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
