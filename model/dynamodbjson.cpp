#include "model/dynamodbjson.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <iterator>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/decimal.h"

namespace model {

namespace {

using Json = nlohmann::json;

// ---------------------------------------------------------------------------------------------------------------
// Type tags

struct TagInfo
{
    std::string_view name;
    AttributeType type;
};

constexpr TagInfo kTags[] = {
    {"S", AttributeType::S},       {"N", AttributeType::N},       {"B", AttributeType::B}, {"SS", AttributeType::SS},
    {"NS", AttributeType::NS},     {"BS", AttributeType::BS},     {"M", AttributeType::M}, {"L", AttributeType::L},
    {"NULL", AttributeType::Null}, {"BOOL", AttributeType::Bool},
};

std::optional<AttributeType> tagFromName(std::string_view name)
{
    for (const TagInfo& t : kTags) {
        if (t.name == name)
            return t.type;
    }
    return std::nullopt;
}

std::string_view expectedJsonType(AttributeType type)
{
    switch (type) {
    case AttributeType::S:
    case AttributeType::B:
        return "a string";
    case AttributeType::N:
        return "a string (or number)";
    case AttributeType::SS:
    case AttributeType::BS:
        return "an array of strings";
    case AttributeType::NS:
        return "an array of strings (or numbers)";
    case AttributeType::M:
        return "an object";
    case AttributeType::L:
        return "an array";
    case AttributeType::Null:
    case AttributeType::Bool:
        return "a boolean";
    }
    return {};
}

std::string shortQuoted(std::string_view text)
{
    std::string out = "\"";
    out.append(text.substr(0, 64));
    if (text.size() > 64)
        out.append("...");
    out.push_back('"');
    return out;
}

bool isNumberChar(char c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/// nlohmann rejects JSON numbers beyond the double range ("number overflow", error 406). We keep number texts
/// from the source anyway, so such tokens are replaced by "0" padded with spaces (same length: offsets stay).
std::string patchOverflowingNumbers(std::string_view source)
{
    std::string patched(source);
    bool inString = false;
    for (std::size_t i = 0; i < patched.size(); ++i) {
        const char c = patched[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
            continue;
        }
        if (c != '-' && (c < '0' || c > '9'))
            continue;
        std::size_t end = i;
        while (end < patched.size() && isNumberChar(patched[end]))
            ++end;
        const std::string_view token = source.substr(i, end - i);
        if (isJsonNumberText(token)) {
            const std::optional<Decimal> d = Decimal::parse(token);
            if (d && d->exponent() >= 309) {
                patched[i] = '0';
                std::fill(patched.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                          patched.begin() + static_cast<std::ptrdiff_t>(end), ' ');
            }
        }
        i = end - 1;
    }
    return patched;
}

// ---------------------------------------------------------------------------------------------------------------
// Counting iterator: lets the SAX handler know how many bytes nlohmann's lexer has consumed at each event.

class CountingIterator
{
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    CountingIterator() = default;
    CountingIterator(const char* p, const char** sink)
        : m_p(p)
        , m_sink(sink)
    {
    }
    reference operator*() const { return *m_p; }
    CountingIterator& operator++()
    {
        ++m_p;
        *m_sink = m_p;
        return *this;
    }
    CountingIterator operator++(int)
    {
        CountingIterator old = *this;
        ++*this;
        return old;
    }
    bool operator==(const CountingIterator& other) const { return m_p == other.m_p; }
    bool operator!=(const CountingIterator& other) const { return m_p != other.m_p; }

private:
    const char* m_p = nullptr;
    const char** m_sink = nullptr;
};

// ---------------------------------------------------------------------------------------------------------------
// SAX handler building AttributeValues directly, keeping number source text, limiting depth.

class Decoder
{
public:
    enum class Root { Value, Item };

    Decoder(std::string_view text, Root root)
        : m_source(text)
        , m_text(text)
        , m_root(root)
    {
        m_stack.reserve(16);
    }

    bool run()
    {
        if (runOnce())
            return true;
        if (!m_overflow)
            return false;
        // A JSON number beyond the double range: parse again with such numbers blanked (texts come from source).
        m_patched = patchOverflowingNumbers(m_source);
        m_text = m_patched;
        m_stack.clear();
        m_failed = false;
        m_overflow = false;
        m_error = {};
        m_rootValue = {};
        m_rootItem.clear();
        return runOnce();
    }

    bool runOnce()
    {
        m_consumed = m_text.data();
        CountingIterator first(m_text.data(), &m_consumed);
        CountingIterator last(m_text.data() + m_text.size(), &m_consumed);
        bool ok = false;
        try {
            ok = Json::sax_parse(first, last, this);
        } catch (const std::exception& e) {
            if (!m_failed)
                fail(std::string("cannot decode: ") + e.what(), position());
            return false;
        }
        if (!ok || m_failed) {
            if (!m_failed)
                fail("cannot decode", position());
            return false;
        }
        return true;
    }

    DecodeError& error() { return m_error; }
    AttributeValue& rootValue() { return m_rootValue; }
    Item& rootItem() { return m_rootItem; }

    // --- nlohmann SAX interface ---
    bool null() { return unexpected("null", m_position() - 4); }

    bool boolean(bool value)
    {
        const std::size_t start = m_position() - (value ? 4 : 5);
        if (!m_stack.empty() && top().kind == Kind::Value && awaitingPayload(top())) {
            Frame& f = top();
            if (f.tag == AttributeType::Bool)
                return deliverScalar(AttributeValue::makeBool(value));
            if (f.tag == AttributeType::Null)
                return deliverScalar(AttributeValue::makeNull(value));
        }
        return unexpected("boolean", start);
    }

    bool number_integer(Json::number_integer_t /*value*/) { return number(); }
    bool number_unsigned(Json::number_unsigned_t /*value*/) { return number(); }
    bool number_float(Json::number_float_t /*value*/, const Json::string_t& /*text*/) { return number(); }

    bool string(Json::string_t& value)
    {
        if (!m_stack.empty()) {
            Frame& f = top();
            if (f.kind == Kind::Value && awaitingPayload(f)) {
                if (f.tag == AttributeType::S)
                    return deliverScalar(AttributeValue::makeString(std::move(value)));
                if (f.tag == AttributeType::N)
                    return deliverScalar(AttributeValue::makeNumber(std::move(value)));
                if (f.tag == AttributeType::B)
                    return deliverScalar(AttributeValue::makeBinary(std::move(value)));
            } else if (f.kind == Kind::Set) {
                f.members.push_back(std::move(value));
                return true;
            }
        }
        return unexpected("string", stringStart());
    }

    bool binary(Json::binary_t& /*value*/) { return unexpected("binary", position()); }

    bool start_object(std::size_t /*size*/)
    {
        const std::size_t start = m_position() - 1;
        if (!checkDepth(start))
            return false;
        if (m_stack.empty()) {
            push(m_root == Root::Value ? Kind::Value : Kind::Item, start);
            return true;
        }
        Frame& f = top();
        switch (f.kind) {
        case Kind::Item:
            push(Kind::Value, start);
            return true;
        case Kind::List: {
            ++f.index; // the element being decoded is index - 1
            push(Kind::Value, start);
            return true;
        }
        case Kind::Value:
            if (awaitingPayload(f) && f.tag == AttributeType::M) {
                push(Kind::Item, start);
                return true;
            }
            break;
        case Kind::Set:
            break;
        }
        return unexpected("object", start);
    }

    bool key(Json::string_t& name)
    {
        Frame& f = top();
        if (f.kind == Kind::Item) {
            f.key = std::move(name);
            return true;
        }
        // Value frame: the type key.
        if (f.hasTag) {
            return fail("expected exactly one type key, found a second one (" + shortQuoted(name) + " after \""
                            + std::string(typeTag(f.tag)) + "\")",
                        stringStart());
        }
        const std::optional<AttributeType> tag = tagFromName(name);
        if (!tag)
            return fail("unknown type key " + shortQuoted(name), stringStart());
        f.hasTag = true;
        f.tag = *tag;
        return true;
    }

    bool end_object()
    {
        const std::size_t at = m_position() - 1;
        Frame& f = top();
        if (f.kind == Kind::Value) {
            if (!f.hasTag)
                return fail("expected exactly one type key, found 0", f.start);
            return completeValue();
        }
        // Item frame: the root item or an M payload.
        Item map = std::move(f.map);
        m_stack.pop_back();
        if (m_stack.empty()) {
            m_rootItem = std::move(map);
            return true;
        }
        (void)at;
        top().value = AttributeValue::makeMap(std::move(map));
        top().hasPayload = true;
        return true;
    }

    bool start_array(std::size_t /*size*/)
    {
        const std::size_t start = m_position() - 1;
        if (!checkDepth(start))
            return false;
        if (!m_stack.empty()) {
            Frame& f = top();
            if (f.kind == Kind::Value && awaitingPayload(f)) {
                if (f.tag == AttributeType::SS || f.tag == AttributeType::NS || f.tag == AttributeType::BS) {
                    push(Kind::Set, start);
                    return true;
                }
                if (f.tag == AttributeType::L) {
                    push(Kind::List, start);
                    return true;
                }
            }
        }
        return unexpected("array", start);
    }

    bool end_array()
    {
        Frame& f = top();
        AttributeValue value;
        if (f.kind == Kind::List) {
            value = AttributeValue::makeList(std::move(f.list));
        } else {
            const AttributeType tag = m_stack[m_stack.size() - 2].tag;
            if (tag == AttributeType::SS)
                value = AttributeValue::makeStringSet(std::move(f.members));
            else if (tag == AttributeType::NS)
                value = AttributeValue::makeNumberSet(std::move(f.members));
            else
                value = AttributeValue::makeBinarySet(std::move(f.members));
        }
        m_stack.pop_back();
        top().value = std::move(value);
        top().hasPayload = true;
        return true;
    }

    bool parse_error(std::size_t position, const std::string& /*lastToken*/, const nlohmann::detail::exception& ex)
    {
        if (ex.id == 406)
            m_overflow = true;
        std::string message = ex.what();
        // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..." -> keep the rest
        if (const std::size_t bracket = message.find("] "); bracket != std::string::npos && message[0] == '[')
            message.erase(0, bracket + 2);
        std::size_t offset = position > 0 ? position - 1 : 0;
        offset = std::min(offset, m_text.size());
        return fail(message, offset);
    }

private:
    enum class Kind : std::uint8_t { Value, Item, List, Set };

    struct Frame
    {
        Kind kind = Kind::Value;
        bool hasTag = false;
        bool hasPayload = false;
        AttributeType tag = AttributeType::Null;
        std::size_t start = 0; // byte offset of the '{' / '['
        std::size_t index = 0; // next element index (List, Set)
        std::string key;       // Item: attribute name whose value comes next
        AttributeValue value;  // Value: the decoded payload
        Item map;              // Item
        AttributeValue::List list;
        std::vector<std::string> members;
    };

    Frame& top() { return m_stack.back(); }
    static bool awaitingPayload(const Frame& f) { return f.hasTag && !f.hasPayload; }

    std::size_t m_position() const { return static_cast<std::size_t>(m_consumed - m_text.data()); }
    std::size_t position() const { return std::min(m_position(), m_text.size()); }

    std::size_t stringStart() const
    {
        // The lexer has consumed the closing quote; find the opening one (not escaped).
        std::size_t i = m_position();
        if (i < 2)
            return 0;
        i -= 2;
        while (true) {
            if (m_text[i] == '"') {
                std::size_t backslashes = 0;
                while (backslashes < i && m_text[i - 1 - backslashes] == '\\')
                    ++backslashes;
                if (backslashes % 2 == 0)
                    return i;
            }
            if (i == 0)
                return 0;
            --i;
        }
    }

    std::string_view numberText(std::size_t& start) const
    {
        std::size_t end = m_position();
        if (end > 0 && !isNumberChar(m_text[end - 1]))
            --end; // the lexer's one-character lookahead
        start = end;
        while (start > 0 && isNumberChar(m_text[start - 1]))
            --start;
        // the text as delivered (m_text may have overflowing numbers blanked, see patchOverflowingNumbers)
        end = start;
        while (end < m_source.size() && isNumberChar(m_source[end]))
            ++end;
        return m_source.substr(start, end - start);
    }

    bool number()
    {
        std::size_t start = 0;
        const std::string_view text = numberText(start);
        if (!m_stack.empty()) {
            Frame& f = top();
            if (f.kind == Kind::Value && awaitingPayload(f) && f.tag == AttributeType::N)
                return deliverScalar(AttributeValue::makeNumber(std::string(text)));
            if (f.kind == Kind::Set && m_stack[m_stack.size() - 2].tag == AttributeType::NS) {
                f.members.emplace_back(text);
                return true;
            }
        }
        return unexpected("number", start);
    }

    bool checkDepth(std::size_t start)
    {
        if (m_stack.size() >= static_cast<std::size_t>(kMaxDecodeDepth))
            return fail("nested deeper than " + std::to_string(kMaxDecodeDepth) + " levels", start);
        return true;
    }

    void push(Kind kind, std::size_t start)
    {
        Frame& f = m_stack.emplace_back();
        f.kind = kind;
        f.start = start;
    }

    /// Attribute path of the value being decoded (built only for errors): one component per Value frame.
    std::string path() const
    {
        std::string out;
        for (std::size_t k = 1; k < m_stack.size(); ++k) {
            if (m_stack[k].kind != Kind::Value)
                continue;
            const Frame& parent = m_stack[k - 1];
            out.push_back('/');
            if (parent.kind == Kind::Item)
                out.append(escapePointerToken(parent.key));
            else
                out.append(std::to_string(parent.index - 1));
        }
        return out;
    }

    bool deliverScalar(AttributeValue value)
    {
        Frame& f = top();
        f.value = std::move(value);
        f.hasPayload = true;
        return true;
    }

    bool completeValue()
    {
        AttributeValue value = std::move(top().value);
        m_stack.pop_back();
        if (m_stack.empty()) {
            m_rootValue = std::move(value);
            return true;
        }
        Frame& parent = top();
        if (parent.kind == Kind::Item)
            parent.map.insert_or_assign(std::move(parent.key), std::move(value));
        else
            parent.list.push_back(std::move(value));
        return true;
    }

    bool unexpected(std::string_view found, std::size_t start)
    {
        if (m_stack.empty()) {
            return fail(std::string(m_root == Root::Value ? "expected an AttributeValue object" : "expected an object")
                            + ", found " + std::string(found),
                        start);
        }
        const Frame& f = top();
        switch (f.kind) {
        case Kind::Item:
            return fail("expected an AttributeValue object, found " + std::string(found), start,
                        path() + '/' + escapePointerToken(f.key));
        case Kind::List:
            return fail("expected an AttributeValue object, found " + std::string(found), start,
                        path() + '/' + std::to_string(f.index));
        case Kind::Set: {
            const AttributeType tag = m_stack[m_stack.size() - 2].tag;
            return fail(std::string(typeTag(tag)) + " member must be "
                            + (tag == AttributeType::NS ? "a string or number" : "a string") + ", found "
                            + std::string(found),
                        start, path() + '/' + std::to_string(f.members.size()));
        }
        case Kind::Value:
            if (!f.hasTag)
                return fail("expected a type key, found " + std::string(found), start);
            {
                std::string message = "\"";
                message.append(typeTag(f.tag)).append("\" expects ").append(expectedJsonType(f.tag));
                message.append(", found ").append(found);
                return fail(std::move(message), start);
            }
        }
        return fail("unexpected " + std::string(found), start);
    }

    bool fail(std::string message, std::size_t offset) { return fail(std::move(message), offset, path()); }

    bool fail(std::string message, std::size_t offset, std::string path)
    {
        if (!m_failed) {
            m_failed = true;
            m_error.message = std::move(message);
            m_error.path = std::move(path);
            m_error.byteOffset = std::min(offset, m_text.size());
        }
        return false;
    }

    const char* m_consumed = nullptr; // updated by CountingIterator: how far nlohmann's lexer has read
    std::string_view m_source;        // the input as given
    std::string_view m_text;          // what nlohmann parses: m_source, or m_patched
    std::string m_patched;
    bool m_overflow = false;
    Root m_root;
    std::vector<Frame> m_stack;
    bool m_failed = false;
    DecodeError m_error;
    AttributeValue m_rootValue;
    Item m_rootItem;
};

// ---------------------------------------------------------------------------------------------------------------
// DOM conversion (recursive, bounded by kMaxDecodeDepth)

std::optional<AttributeValue> valueFromDom(const Json& json, std::string& path, int depth, DecodeError& error);

bool failDom(DecodeError& error, std::string message, const std::string& path)
{
    error.message = std::move(message);
    error.path = path;
    error.byteOffset = 0;
    return false;
}

std::string_view domTypeName(const Json& json)
{
    switch (json.type()) {
    case Json::value_t::null:
        return "null";
    case Json::value_t::object:
        return "object";
    case Json::value_t::array:
        return "array";
    case Json::value_t::string:
        return "string";
    case Json::value_t::boolean:
        return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
        return "number";
    case Json::value_t::binary:
        return "binary";
    case Json::value_t::discarded:
        return "discarded";
    }
    return "value";
}

std::optional<std::string> domNumberText(const Json& json)
{
    switch (json.type()) {
    case Json::value_t::number_integer:
        return std::to_string(json.get<std::int64_t>());
    case Json::value_t::number_unsigned:
        return std::to_string(json.get<std::uint64_t>());
    case Json::value_t::number_float:
        return json.dump();
    default:
        return std::nullopt;
    }
}

bool itemFromDom(const Json& json, std::string& path, int depth, Item& out, DecodeError& error)
{
    if (depth > kMaxDecodeDepth)
        return failDom(error, "nested deeper than " + std::to_string(kMaxDecodeDepth) + " levels", path);
    if (!json.is_object())
        return failDom(error, "expected an object, found " + std::string(domTypeName(json)), path);
    for (const auto& [name, member] : json.items()) {
        const std::size_t before = path.size();
        path += '/' + escapePointerToken(name);
        std::optional<AttributeValue> v = valueFromDom(member, path, depth + 1, error);
        if (!v)
            return false;
        path.resize(before);
        out.insert_or_assign(name, std::move(*v));
    }
    return true;
}

std::optional<AttributeValue> valueFromDom(const Json& json, std::string& path, int depth, DecodeError& error)
{
    if (depth > kMaxDecodeDepth) {
        failDom(error, "nested deeper than " + std::to_string(kMaxDecodeDepth) + " levels", path);
        return std::nullopt;
    }
    if (!json.is_object()) {
        failDom(error, "expected an AttributeValue object, found " + std::string(domTypeName(json)), path);
        return std::nullopt;
    }
    if (json.size() != 1) {
        failDom(error, "expected exactly one type key, found " + std::to_string(json.size()), path);
        return std::nullopt;
    }
    const auto it = json.begin();
    const std::optional<AttributeType> tag = tagFromName(it.key());
    if (!tag) {
        failDom(error, "unknown type key " + shortQuoted(it.key()), path);
        return std::nullopt;
    }
    const Json& payload = it.value();
    const auto wrongType = [&]() -> std::optional<AttributeValue> {
        std::string message = "\"";
        message.append(typeTag(*tag)).append("\" expects ").append(expectedJsonType(*tag)).append(", found ");
        message.append(domTypeName(payload));
        failDom(error, std::move(message), path);
        return std::nullopt;
    };
    switch (*tag) {
    case AttributeType::S:
    case AttributeType::B:
        if (!payload.is_string())
            return wrongType();
        return *tag == AttributeType::S ? AttributeValue::makeString(payload.get<std::string>())
                                        : AttributeValue::makeBinary(payload.get<std::string>());
    case AttributeType::N:
        if (payload.is_string())
            return AttributeValue::makeNumber(payload.get<std::string>());
        if (std::optional<std::string> text = domNumberText(payload))
            return AttributeValue::makeNumber(std::move(*text));
        return wrongType();
    case AttributeType::SS:
    case AttributeType::NS:
    case AttributeType::BS: {
        if (!payload.is_array())
            return wrongType();
        std::vector<std::string> members;
        members.reserve(payload.size());
        for (std::size_t i = 0; i < payload.size(); ++i) {
            const Json& m = payload[i];
            if (m.is_string()) {
                members.push_back(m.get<std::string>());
                continue;
            }
            if (*tag == AttributeType::NS) {
                if (std::optional<std::string> text = domNumberText(m)) {
                    members.push_back(std::move(*text));
                    continue;
                }
            }
            failDom(error,
                    std::string(typeTag(*tag)) + " member must be "
                        + (*tag == AttributeType::NS ? "a string or number" : "a string") + ", found "
                        + std::string(domTypeName(m)),
                    path + '/' + std::to_string(i));
            return std::nullopt;
        }
        if (*tag == AttributeType::SS)
            return AttributeValue::makeStringSet(std::move(members));
        if (*tag == AttributeType::NS)
            return AttributeValue::makeNumberSet(std::move(members));
        return AttributeValue::makeBinarySet(std::move(members));
    }
    case AttributeType::M: {
        if (!payload.is_object())
            return wrongType();
        Item map;
        if (!itemFromDom(payload, path, depth + 1, map, error))
            return std::nullopt;
        return AttributeValue::makeMap(std::move(map));
    }
    case AttributeType::L: {
        if (!payload.is_array())
            return wrongType();
        AttributeValue::List list;
        list.reserve(payload.size());
        for (std::size_t i = 0; i < payload.size(); ++i) {
            const std::size_t before = path.size();
            path += '/' + std::to_string(i);
            std::optional<AttributeValue> v = valueFromDom(payload[i], path, depth + 2, error);
            if (!v)
                return std::nullopt;
            path.resize(before);
            list.push_back(std::move(*v));
        }
        return AttributeValue::makeList(std::move(list));
    }
    case AttributeType::Null:
    case AttributeType::Bool:
        if (!payload.is_boolean())
            return wrongType();
        return *tag == AttributeType::Null ? AttributeValue::makeNull(payload.get<bool>())
                                           : AttributeValue::makeBool(payload.get<bool>());
    }
    return wrongType();
}

} // namespace

Decoded<AttributeValue> parseAttributeValue(std::string_view json)
{
    Decoded<AttributeValue> result;
    Decoder decoder(json, Decoder::Root::Value);
    if (decoder.run())
        result.value = std::move(decoder.rootValue());
    else
        result.error = std::move(decoder.error());
    return result;
}

Decoded<Item> parseItem(std::string_view json)
{
    Decoded<Item> result;
    Decoder decoder(json, Decoder::Root::Item);
    if (decoder.run())
        result.value = std::move(decoder.rootItem());
    else
        result.error = std::move(decoder.error());
    return result;
}

Decoded<AttributeValue> attributeValueFromJson(const nlohmann::json& json)
{
    Decoded<AttributeValue> result;
    std::string path;
    result.value = valueFromDom(json, path, 1, result.error);
    return result;
}

Decoded<Item> itemFromJson(const nlohmann::json& json)
{
    Decoded<Item> result;
    std::string path;
    Item item;
    if (itemFromDom(json, path, 1, item, result.error))
        result.value = std::move(item);
    return result;
}

} // namespace model
