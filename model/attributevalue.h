#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace model {

enum class AttributeType : std::uint8_t { S, N, B, SS, NS, BS, M, L, Null, Bool };

/// "S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL".
std::string_view typeTag(AttributeType type);

/// One DynamoDB AttributeValue, kept exactly as delivered on the wire:
/// - S: the string; N: the number text as delivered (never a double); B: the base64 text as delivered.
/// - SS/NS/BS: member texts in delivered order (duplicates kept so they can be flagged).
/// - M: members by attribute name (UTF-8 byte order); L: elements in order.
/// - NULL: the flag as delivered (DynamoDB only allows true); BOOL: the value.
/// Equality follows DynamoDB semantics: N compared numerically ("1.0" == "1"), B and BS by decoded bytes
/// (undecodable base64 falls back to text), sets as sets (order and duplicates ignored), M by name.
class AttributeValue
{
public:
    using Map = std::map<std::string, AttributeValue, std::less<>>;
    using List = std::vector<AttributeValue>;

    AttributeValue() = default; // NULL true

    static AttributeValue makeString(std::string text);
    static AttributeValue makeNumber(std::string text);
    static AttributeValue makeBinary(std::string base64Text);
    static AttributeValue makeStringSet(std::vector<std::string> members);
    static AttributeValue makeNumberSet(std::vector<std::string> members);
    static AttributeValue makeBinarySet(std::vector<std::string> base64Members);
    static AttributeValue makeMap(Map members);
    static AttributeValue makeList(List elements);
    static AttributeValue makeNull(bool flag = true);
    static AttributeValue makeBool(bool value);

    AttributeType type() const { return m_type; }
    bool isSet() const;
    /// S, N, B: the text as delivered.
    const std::string& text() const { return m_text; }
    /// SS, NS, BS: members as delivered.
    const std::vector<std::string>& members() const { return m_members; }
    const Map& map() const { return m_map; }
    Map& map() { return m_map; }
    const List& list() const { return m_list; }
    List& list() { return m_list; }
    /// BOOL value, or the NULL flag.
    bool flag() const { return m_flag; }

    bool operator==(const AttributeValue& other) const;
    bool operator!=(const AttributeValue& other) const { return !(*this == other); }

private:
    AttributeType m_type = AttributeType::Null;
    bool m_flag = true;
    std::string m_text;
    std::vector<std::string> m_members;
    Map m_map;
    List m_list;
};

/// A whole item or image or Keys map: attribute name -> value.
using Item = AttributeValue::Map;

bool itemsEqual(const Item& a, const Item& b);

/// RFC 6901 escaping of one reference token ("a/b" -> "a~1b", "~" -> "~0").
std::string escapePointerToken(std::string_view token);

/// A value that breaks DynamoDB's rules or will be mangled by common handler runtimes. Lenient: the value is
/// kept; the problem is reported with its JSON-Pointer path (e.g. "/address/geo/lat", "" for the root).
/// Paths are attribute paths (type tags omitted): map members by name (RFC 6901 escaped), list elements and set
/// members by index ("/tags/2"). One N can carry both InvalidNumber and JsUnsafeNumber.
struct ValueIssue
{
    enum class Kind : std::uint8_t {
        InvalidNumber,      ///< see NumberProblem
        InvalidBase64,      ///< B or BS member is not valid base64
        EmptySet,           ///< SS/NS/BS with no members
        DuplicateSetMember, ///< same member twice (NS numerically, BS by bytes); at each later occurrence
        TooDeep,            ///< an M or L at level > 32; reported once, at the outermost such container
        NullNotTrue,        ///< {"NULL": false}
        JsUnsafeNumber,     ///< a JavaScript unmarshall would throw, BigInt or round (see JsNumberRisk)
    };
    Kind kind;
    std::string path;
    std::string reason;
};

std::string_view issueKindName(ValueIssue::Kind kind); // "invalid-number", "invalid-base64", ..., "js-unsafe-number"

/// All issues inside an item (attribute paths start at "/name"). Depth: a top-level attribute is level 1.
std::vector<ValueIssue> validate(const Item& item);
std::vector<ValueIssue> validate(const AttributeValue& value, const std::string& path = {}, int depth = 1);

} // namespace model
