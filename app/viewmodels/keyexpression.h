#pragma once

// "Filter Events on This Key" as an exact display filter (model/displayfilter.h): one `Keys.<name> == <value>` per
// key attribute, joined by `and`, so Id=101 never matches Id=1010 as the key text filter (a substring) does.

#include <optional>
#include <string>
#include <string_view>

namespace keyexpression {

/// The display filter selecting exactly the key whose Keys map is `keysJson` (DynamoDB JSON). S compares as text,
/// N as an exact decimal. nullopt when the display filter cannot say it: a B (binary) key part (it has no binary
/// literal), a name with a '`', or text that is not a Keys map; callers then fall back to the key text filter.
std::optional<std::string> exactKey(std::string_view keysJson);

} // namespace keyexpression
