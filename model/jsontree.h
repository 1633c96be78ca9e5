#pragma once

// A small read-only JSON tree that keeps every number's text exactly as written (nlohmann's DOM keeps only a
// double), for the event pattern matcher: patterns and events compare numbers as exact decimals and strings by
// their exact text. Objects keep input order; a duplicated member name keeps its first position and the last
// value (as Jackson, which AWS uses, and nlohmann's DOM do).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace model {

class JsonTree
{
public:
    enum class Kind : std::uint8_t { Null, False, True, Number, String, Array, Object };

    Kind kind = Kind::Null;
    std::string text;              ///< String: the unescaped value; Number: the number's source text
    std::vector<std::string> keys; ///< Object: member names, parallel to items
    std::vector<JsonTree> items;   ///< Array elements or Object member values

    bool isObject() const { return kind == Kind::Object; }
    bool isArray() const { return kind == Kind::Array; }
    bool isString() const { return kind == Kind::String; }
    bool isNumber() const { return kind == Kind::Number; }
    bool isBool() const { return kind == Kind::True || kind == Kind::False; }
    /// Scalar: anything but an array or an object.
    bool isScalar() const { return kind != Kind::Array && kind != Kind::Object; }

    /// Object member by name (nullptr when absent or not an object).
    const JsonTree* member(std::string_view name) const;

    /// Compact JSON text (strings re-escaped, numbers as written), at most `maxLength` bytes ("…" when cut).
    std::string compact(std::size_t maxLength = 200) const;

    /// Parses JSON text (a leading UTF-8 BOM and surrounding whitespace allowed). On failure returns nullopt and
    /// sets `error` (e.g. "syntax error at byte 12: unexpected 'c'"). Nesting deeper than 512 levels is an error.
    static std::optional<JsonTree> parse(std::string_view json, std::string* error = nullptr);
};

} // namespace model
