#pragma once

// Display filters: a short expression over one stream record's fields and attribute values (`--where` on the CLI
// selections, the Events filter bar later). Our own syntax (not Lambda's: numbers compare as exact decimals here):
//
//   expr       := or
//   or         := and (("or" | "||") and)*
//   and        := unary (("and" | "&&") unary)*
//   unary      := ("not" | "!") unary | "(" expr ")" | call | comparison
//   call       := "exists" "(" field ")" | "changed" "(" attribute-path ")"
//   comparison := operand op operand | operand "in" "{" literal ("," literal)* "}"
//   op         := "==" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "startswith"
//   operand    := field | literal | set-literal      literal := "text" | number | true | false | null
//   field      := ("NewImage" | "OldImage" | "Keys") ("." name | "[" index "]")+
//               | eventName | eventID | table | sequenceNumber | streamViewType | ttl
//   name       := identifier ([A-Za-z0-9_#$-]+, not starting with a digit or '-') | `any text` (backquotes)
//
// Keywords (and, or, not, in, contains, startswith, exists, changed, true, false, null) are case-insensitive;
// field names are exact. Inside "{…}" a bare word is a string (`eventName in {INSERT, REMOVE}`).
//
// Semantics: attribute values compare as DynamoDB values (AttributeValue): N numerically as exact decimals
// (`1.0 == 1`, 38+ digits, never through double), S by text, B by bytes, sets as sets, BOOL and NULL by value; a
// number never equals a string. `<`, `<=`, `>`, `>=` order N numerically and S by UTF-8 bytes; other types never
// compare. `contains`: substring of an S, member of a set (NS numerically), element of an L. `startswith`: prefix
// of an S. A comparison with a missing attribute is false (`!=` too: `not (a == b)` includes missing ones).
// `exists(f)`: the field or attribute is present. `changed(path)`: the attribute (a path inside the images)
// differs between OldImage and NewImage (present on one side only counts); an INSERT changes what its NewImage
// holds, a REMOVE what its OldImage held; with only one image known (NEW_IMAGE, OLD_IMAGE, KEYS_ONLY) it is false.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "model/streamrecord.h"

namespace model {

/// Why an expression does not compile: column counted from 1 (in characters of the UTF-8 text), reason.
struct DisplayFilterError
{
    int column = 1;
    std::string reason;
    /// "column 12: expected a value after '=='".
    std::string message() const;
};

struct DisplayFilterCompileResult;

class DisplayFilter
{
public:
    struct Node;

    static DisplayFilterCompileResult compile(std::string_view expression);

    /// True if the record passes the filter (images decoded: StreamRecord::newImage / oldImage).
    bool matches(const StreamRecord& record) const;

    const std::string& text() const { return m_text; }

private:
    DisplayFilter(std::shared_ptr<const Node> root, std::string text);
    std::shared_ptr<const Node> m_root; // immutable once compiled: copies share it, threads may too
    std::string m_text;
};

struct DisplayFilterCompileResult
{
    std::optional<DisplayFilter> filter;
    std::optional<DisplayFilterError> error;
};

} // namespace model
