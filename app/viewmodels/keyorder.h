#pragma once

// The order of the keys list by key: by typed value, part by part (attribute names in the Keys map's order, as the
// key text shows them): numbers numerically (exact decimals, never through double: Id=2 < Id=10 < Id=100), strings
// by their UTF-8 bytes, binaries by their decoded bytes. A key with fewer parts sorts first when the others match.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/decimal.h"

/// One key, prepared once for comparing (parsed from the canonical Keys JSON).
class KeyOrderValue
{
public:
    /// From the canonical DynamoDB JSON of the Keys map; JSON that cannot be parsed compares by its text.
    static KeyOrderValue fromCanonical(std::string_view canonicalKeys);
    /// -1, 0, 1.
    int compare(const KeyOrderValue& other) const;

private:
    struct Part
    {
        std::string name;
        int rank = 0; ///< 0 N, 1 S, 2 B, 3 other (compared by its text)
        std::optional<model::Decimal> number;
        std::string bytes; ///< S text, B decoded bytes, other: canonical text
    };
    std::vector<Part> m_parts;
};

/// Sorts key ids by typed key value (ties by id); `canonical[i]` belongs to `ids[i]`. Returns the sorted ids.
std::vector<std::int64_t> sortKeyIdsByValue(const std::vector<std::int64_t>& ids,
                                            const std::vector<std::string>& canonical, bool descending);
