#pragma once

// Exact structural diff of DynamoDB items and values (no Qt, no SQLite).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/attributevalue.h"

namespace model {

/// One difference between two items, addressed by an RFC 6901 JSON Pointer into the item
/// ("/address/geo/lat", "/lineItems/2", "/a~1b" for the attribute "a/b"; "" is the whole value).
///
/// - Add: `newValue` is set (a new attribute, map member or list element).
/// - Remove: `oldValue` is set.
/// - Replace: both are set. For a set (SS/NS/BS) whose members changed, `added` / `removed` list the member
///   texts (as delivered) that are only in the new / only in the old set; they are empty for every other
///   replace (including a type change, e.g. SS -> L, or N -> S).
///
/// Values compare with DynamoDB semantics: numbers numerically ("1.0" -> "1" is no change), binaries by
/// decoded bytes, sets as sets. Maps are recursed by name, lists are compared by index (extra elements are
/// reported as add/remove at their index; removals are listed highest index first so the list reads as a
/// valid JSON Patch).
struct AttributeChange
{
    enum class Op : std::uint8_t { Add, Remove, Replace };

    Op op = Op::Replace;
    std::string path;
    std::optional<AttributeValue> oldValue;
    std::optional<AttributeValue> newValue;
    std::vector<std::string> added;
    std::vector<std::string> removed;

    bool operator==(const AttributeChange& other) const = default;
};

/// "add", "remove", "replace".
std::string_view opText(AttributeChange::Op op);

/// Differences turning `before` into `after` (top-level attribute order = UTF-8 byte order of the names).
std::vector<AttributeChange> diffItems(const Item& before, const Item& after);

/// Differences between two values at `path` (appends to `out`).
void diffValues(const AttributeValue& before, const AttributeValue& after, const std::string& path,
                std::vector<AttributeChange>& out);

/// Members only in `a` (by DynamoDB set semantics: SS by text, NS numerically, BS by decoded bytes), in the
/// order they appear in `a`, without repeats. Precondition: a and b are sets of the same type.
std::vector<std::string> setMembersMissingFrom(const AttributeValue& a, const AttributeValue& b);

/// `{"op":"replace","path":"/x","old":{"N":"1"},"new":{"N":"2"}}` (DynamoDB JSON values, members as
/// delivered; "added"/"removed" arrays only for set changes).
std::string changeToJson(const AttributeChange& change);
/// `[change,...]`.
std::string changesToJson(const std::vector<AttributeChange>& changes);
/// One line for people: `replace /status: "PENDING" -> "SHIPPED"`, `add /tags: ["a"]`,
/// `replace /tags: +["x"] -["y"]`. Long values are shortened to about `maxValueChars` characters.
std::string changeToText(const AttributeChange& change, std::size_t maxValueChars = 80);

} // namespace model
