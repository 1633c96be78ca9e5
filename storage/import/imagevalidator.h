#pragma once

// Structural validation of DynamoDB JSON items (Keys, NewImage, OldImage, Item) on the import's hot path, in one
// simdjson On-Demand walk per item: no DOM, no allocation per value. What it refuses is what makes a record
// unusable later (model::parseItem / model::toStreamRecord would fail) plus the values DynamoDB itself never
// produces and the model reports as invalid (model::ValueIssue InvalidNumber / InvalidBase64 / TooDeep):
//
// - every value is an object with exactly one known type key (S N B SS NS BS M L NULL BOOL);
// - the JSON type fits the tag (S/B strings; N a string or, leniently, a JSON number; SS/BS arrays of strings;
//   NS an array of strings or numbers; M an object; L an array; NULL/BOOL booleans);
// - N (and NS members) are numbers within DynamoDB's rules: at most 38 significant digits, magnitude between
//   1E-130 and 9.99…E+125 (model::checkNumber);
// - B (and BS members) are valid base64 (model::base64Decode);
// - M/L nested at most 32 levels (a top-level attribute is level 1), as DynamoDB allows;
// - no attribute name twice in one map (the item itself or an M).
//
// Accepted leniently, as the model and FORMATS.md §9 do (the audit reports them): empty sets, duplicate set
// members, {"NULL": false}, numbers JavaScript cannot hold exactly.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "storage/import/valuechecks.h"

namespace storage {

/// Walks any JSON value looking for an object that holds a key twice (nesting beyond `maxDepth` is skipped, not
/// walked). Returns a simdjson error if the JSON is broken; else SUCCESS with `key` empty (none found) or the key
/// and `where` pointing at its opening quote in the input.
simdjson::error_code findDuplicateKey(simdjson::ondemand::value& value, std::string& key, const char*& where,
                                      int maxDepth = 256);

class ImageValidator
{
public:
    /// Walks the item object `item` (the caller has checked it is an object). `label` names it in problems
    /// ("Keys", "NewImage", ...). On return:
    /// - a simdjson error: the JSON itself is broken (the caller fails the file);
    /// - SUCCESS with `problem` empty: valid; `text` is the item's exact text (from '{' to '}');
    /// - SUCCESS with `problem` set: invalid, e.g. "NewImage/tags: SS must be an array of strings (found a
    ///   string)" (the path is a JSON Pointer of attribute names and list/set indexes, as model::ValueIssue uses);
    ///   `text` is then unspecified.
    simdjson::error_code check(simdjson::ondemand::value& item, std::string_view label, std::string_view& text,
                               std::string& problem);

private:
    enum class Step : std::uint8_t { Ok, Invalid, JsonError };
    struct PathPart
    {
        std::string_view name;
        std::size_t index = 0;
        bool isIndex = false;
    };

    Step walkItem(simdjson::ondemand::object& object, int level);
    Step walkValue(simdjson::ondemand::value& value, int level);
    Step walkSet(simdjson::ondemand::value& value, char kind);
    Step invalid(std::string message);
    Step jsonError(simdjson::error_code error);

    std::vector<PathPart> m_path;
    std::vector<std::string_view> m_names; // attribute names of the maps being walked (stack)
    std::string m_message;
    simdjson::error_code m_error = simdjson::SUCCESS;
};

} // namespace storage
