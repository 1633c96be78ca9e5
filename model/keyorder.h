#pragma once

// The order of keys by their typed values, as bytes that compare with memcmp: part by part (attribute names in the
// Keys map's order, as the key text shows them), each part by its name, then its type (N before S before B before
// anything else), then its value: numbers numerically (exact decimals, never through double: Id=2 < Id=10 <
// Id=100), strings by their UTF-8 bytes, binaries by their decoded bytes, anything else by its canonical text. A key
// with fewer parts sorts first when the others match. Equal values (1 and 1.0) give equal bytes.
//
// One rule for every place that orders keys by value: the keys list (SQL, through the store's
// streamscope_key_order function) and the state at a time (in memory).

#include <string>
#include <string_view>

namespace model {

/// The order bytes of a key from the canonical DynamoDB JSON of its Keys map; JSON that cannot be parsed is one
/// part without a name, of the last type, holding the text.
std::string keyOrderBytes(std::string_view canonicalKeys);

} // namespace model
