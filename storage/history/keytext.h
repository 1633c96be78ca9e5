#pragma once

// What a person typed for a table or a key (`Orders`, `Id=101`, `{"Id":{"N":"101"}}`), resolved against the store.

#include <cstdint>
#include <string_view>

#include "model/attributevalue.h"
#include "storage/store/store.h"

namespace storage {

/// The table with this name (Error InvalidArgument "no table named X (tables: A, B)" otherwise).
Result<TableInfo> resolveTable(Store& store, std::string_view name);

/// What a person typed for a key: DynamoDB JSON of Keys (`{"Id":{"N":"101"}}`) or `Name=value[,Name=value]`,
/// where each attribute's type is taken from the table's existing keys and must be unambiguous there (`Id=101`
/// is N when the table's Id values are numbers). Error (InvalidArgument) with a message naming the problem.
Result<model::Item> parseKeyText(Store& store, std::int64_t tableId, std::string_view text);
/// parseKeyText + lookup: the key, or InvalidArgument "no item with key ... in table T".
Result<KeyInfo> resolveKey(Store& store, std::int64_t tableId, std::string_view text);

} // namespace storage
