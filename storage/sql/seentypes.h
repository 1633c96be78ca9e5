#pragma once

// The DynamoDB types a store has seen, as a tree (`streamscope sql --from-store`): per table, every attribute of the
// Keys and images with the type tags it had (S, N, M, ...), maps' members and lists' elements merged recursively.
// The SQL generator turns it into nested struct<…> / ROW(…) / STRUCT(…) types, the table definitions people
// otherwise write by hand per attribute and per DynamoDB type.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/attributevalue.h"
#include "storage/store/store.h"

namespace storage {

/// One DynamoDB value position: the type tags seen there, and for M the members, for L the merged element.
struct TypeNode
{
    std::set<std::string> tags;              ///< "S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"
    std::map<std::string, TypeNode> members; ///< M: member name -> node
    std::vector<TypeNode> element;           ///< L: at most one node, the elements merged
    /// M with more than kMaxMembers distinct names or nesting deeper than kMaxDepth: members not tracked (the value
    /// is kept as JSON text in the generated types).
    bool opaque = false;

    static constexpr std::size_t kMaxMembers = 256;
    static constexpr int kMaxDepth = 8;

    void add(const model::AttributeValue& value, int depth = 0);
};

/// Per table: the attributes of Keys and images (an item is an M whose members are the attributes).
struct SeenTypes
{
    std::map<std::string, TypeNode> tables; ///< table name -> item node (tags {"M"})
};

/// Reads every record of the store (or of `table`) and merges its Keys, NewImage and OldImage.
Result<SeenTypes> seenTypes(Store& store, const std::string& table = {});

} // namespace storage
