#pragma once

// The one module that converts between DynamoDB JSON text and model::AttributeValue (nlohmann/json inside).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "model/attributevalue.h"

namespace model {

/// Why DynamoDB JSON could not be decoded. byteOffset is relative to the start of the text given.
struct DecodeError
{
    std::string message; ///< e.g. "expected exactly one type key, found a second one (\"N\" after \"S\")"
    std::string path;    ///< attribute path of the offending value, as in ValueIssue ("/a/0/b"; "" = root)
    /// Start of the offending token (the '{' of a value without type key, the key of a second type key, ...);
    /// for JSON syntax errors where nlohmann stopped (the input length for truncated input). Always <= size.
    /// Always 0 for the nlohmann::json overloads (no text).
    std::size_t byteOffset = 0;
};

template<typename T>
struct Decoded
{
    std::optional<T> value;
    DecodeError error; ///< meaningful only when !value
    explicit operator bool() const { return value.has_value(); }
};

/// Hard limit on JSON nesting accepted at all (deeper input is an error, never a stack overflow). Counts JSON
/// containers including the root: one M level takes two ({"M":{...}}), so about 127 M levels decode.
/// DynamoDB allows 32 levels of M/L; deeper-but-accepted values are flagged by validate() as TooDeep.
inline constexpr int kMaxDecodeDepth = 256;

/// Decodes `{"S":"x"}`-style text. Accepts FORMATS.md §7 SDK variants leniently: `{"N":1}` and `"NS":[1,2]`
/// (JSON numbers are kept with their exact source text, also beyond the double range). Rejects: not JSON, not
/// an object, zero or several type keys, unknown type key, wrong JSON type for the tag, nesting beyond
/// kMaxDecodeDepth, anything after the value. A leading UTF-8 BOM and surrounding whitespace are skipped.
/// Duplicate attribute names: the last one wins (like nlohmann's DOM). Thread-safe (no shared state).
Decoded<AttributeValue> parseAttributeValue(std::string_view json);
/// Decodes an item/image/Keys map: `{"name":{"S":"x"},...}`.
Decoded<Item> parseItem(std::string_view json);

/// From an already parsed nlohmann value (numbers keep their text only if the DOM was parsed with a
/// number-preserving SAX; otherwise they are printed from the DOM's value).
Decoded<AttributeValue> attributeValueFromJson(const nlohmann::json& json);
Decoded<Item> itemFromJson(const nlohmann::json& json);

/// DynamoDB JSON, compact, attribute names sorted, every text exactly as delivered.
std::string toDynamoJson(const AttributeValue& value);
std::string toDynamoJson(const Item& item);
/// Canonical DynamoDB JSON: names sorted, numbers canonical (Decimal::canonical), set members sorted
/// and de-duplicated (NS numerically, BS by bytes then re-encoded canonical base64). Equal items (by
/// itemsEqual) have equal canonical text: used as the identity of a Keys map.
std::string canonicalJson(const AttributeValue& value);
std::string canonicalJson(const Item& item);
/// Plain ("unmarshalled") JSON like @aws-sdk/util-dynamodb unmarshall: S -> string, N -> JSON number
/// written exactly as its text (never rounded; a non-numeric N text becomes a string), B -> base64 string,
/// sets -> arrays, NULL -> null, BOOL -> bool, M -> object, L -> array. indent < 0: compact.
std::string toPlainJson(const AttributeValue& value, int indent = -1);
std::string toPlainJson(const Item& item, int indent = -1);
/// Short human text of a key for lists: `Id=101`, `PK=USER#1, SK=2024` (names sorted, B as base64).
std::string keyDisplayText(const Item& keys);

} // namespace model
