#pragma once

// The order of the keys list by key: by typed value, part by part (model/keyorder.h: numbers numerically, exact;
// strings by their UTF-8 bytes; binaries by their decoded bytes; fewer parts first). The store sorts by the same
// bytes in SQL (storage::KeySort::KeyValue); this is the in-memory form, for lists the store does not sort.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

/// One key, prepared once for comparing (parsed from the canonical Keys JSON).
class KeyOrderValue
{
public:
    /// From the canonical DynamoDB JSON of the Keys map; JSON that cannot be parsed compares by its text.
    static KeyOrderValue fromCanonical(std::string_view canonicalKeys);
    /// -1, 0, 1.
    int compare(const KeyOrderValue& other) const;

private:
    std::string m_bytes; ///< model::keyOrderBytes
};

/// Sorts key ids by typed key value (ties by id); `canonical[i]` belongs to `ids[i]`. Returns the sorted ids.
std::vector<std::int64_t> sortKeyIdsByValue(const std::vector<std::int64_t>& ids,
                                            const std::vector<std::string>& canonical, bool descending);
