#pragma once

// Small JSON text helpers for the history/audit engine (no JSON library): quoting strings for output and
// splitting an object into its top-level members without decoding the values, so equal attributes can be
// recognised by their text and only differing ones decoded.

#include <string>
#include <string_view>
#include <vector>

namespace model::jsontext {

/// Appends `text` (UTF-8) as a JSON string literal: quotes, `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`,
/// other control characters as `\u00XX`; U+2028/U+2029 are escaped too so the output is also valid JavaScript.
void appendQuoted(std::string& out, std::string_view text);
std::string quoted(std::string_view text);

struct RawMember
{
    std::string name;       ///< unescaped member name
    std::string_view value; ///< the member's value text, exactly as in the input (no surrounding whitespace)
};

/// Splits a JSON object `{"a":…,"b":…}` into its members in input order. Returns false if the text is not a
/// well-formed object at this level (nested values are only skipped, strings/brackets tracked), so callers can
/// fall back to a full decode.
bool splitObject(std::string_view json, std::vector<RawMember>& out);

} // namespace model::jsontext
