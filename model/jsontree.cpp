#include "model/jsontree.h"

#include <exception>
#include <utility>

#include <nlohmann/json.hpp>

#include "model/jsontext.h"

namespace model {

namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxDepth = 512;

/// Builds a JsonTree from nlohmann SAX events; integers get their text from the value (exact for int64 and
/// uint64), other numbers keep the source text nlohmann hands to number_float.
class TreeBuilder
{
public:
    bool null() { return add(JsonTree{}); }
    bool boolean(bool value)
    {
        JsonTree v;
        v.kind = value ? JsonTree::Kind::True : JsonTree::Kind::False;
        return add(std::move(v));
    }
    bool number_integer(Json::number_integer_t value) { return number(std::to_string(value)); }
    bool number_unsigned(Json::number_unsigned_t value) { return number(std::to_string(value)); }
    bool number_float(Json::number_float_t /*value*/, const Json::string_t& text) { return number(text); }
    bool string(Json::string_t& value)
    {
        JsonTree v;
        v.kind = JsonTree::Kind::String;
        v.text = std::move(value);
        return add(std::move(v));
    }
    bool binary(Json::binary_t& /*value*/) { return false; }
    bool start_object(std::size_t /*size*/) { return open(JsonTree::Kind::Object); }
    bool key(Json::string_t& value)
    {
        m_key = std::move(value);
        return true;
    }
    bool end_object() { return close(); }
    bool start_array(std::size_t /*size*/) { return open(JsonTree::Kind::Array); }
    bool end_array() { return close(); }
    bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/, const nlohmann::detail::exception& e)
    {
        m_error = e.what();
        return false;
    }

    std::optional<JsonTree> take()
    {
        if (!m_done)
            return std::nullopt;
        return std::move(m_root);
    }
    std::string error() const
    {
        if (m_tooDeep)
            return "nesting deeper than " + std::to_string(kMaxDepth) + " levels";
        // nlohmann's text reads "[json.exception.parse_error.101] parse error at line 1, column 9: ...".
        const auto bracket = m_error.find("] ");
        return bracket == std::string::npos ? m_error : m_error.substr(bracket + 2);
    }

private:
    bool number(const std::string& text)
    {
        JsonTree v;
        v.kind = JsonTree::Kind::Number;
        v.text = text;
        return add(std::move(v));
    }

    bool add(JsonTree&& value)
    {
        if (m_stack.empty()) {
            m_root = std::move(value);
            m_done = true;
            return true;
        }
        JsonTree& parent = *m_stack.back();
        if (parent.kind == JsonTree::Kind::Array) {
            parent.items.push_back(std::move(value));
            return true;
        }
        for (std::size_t i = 0; i < parent.keys.size(); ++i) {
            if (parent.keys[i] == m_key) {
                parent.items[i] = std::move(value); // duplicate member: last value, first position
                return true;
            }
        }
        parent.keys.push_back(std::move(m_key));
        parent.items.push_back(std::move(value));
        return true;
    }

    bool open(JsonTree::Kind kind)
    {
        if (m_stack.size() >= kMaxDepth) {
            m_tooDeep = true;
            return false;
        }
        JsonTree v;
        v.kind = kind;
        if (m_stack.empty()) {
            m_root = std::move(v);
            m_stack.push_back(&m_root);
            return true;
        }
        JsonTree& parent = *m_stack.back();
        std::size_t index = parent.items.size();
        if (parent.kind == JsonTree::Kind::Object) {
            for (std::size_t i = 0; i < parent.keys.size(); ++i) {
                if (parent.keys[i] == m_key)
                    index = i;
            }
            if (index == parent.items.size()) {
                parent.keys.push_back(std::move(m_key));
                parent.items.emplace_back();
            }
            parent.items[index] = std::move(v);
        } else {
            parent.items.push_back(std::move(v));
        }
        m_stack.push_back(&parent.items[index]);
        return true;
    }

    bool close()
    {
        m_stack.pop_back();
        if (m_stack.empty())
            m_done = true;
        return true;
    }

    JsonTree m_root;
    // Pointers into m_root: safe because only the innermost open container grows while it is on the stack.
    std::vector<JsonTree*> m_stack;
    std::string m_key;
    std::string m_error;
    bool m_done = false;
    bool m_tooDeep = false;
};

void appendCompact(const JsonTree& v, std::string& out, std::size_t maxLength)
{
    if (out.size() > maxLength)
        return;
    switch (v.kind) {
    case JsonTree::Kind::Null:
        out += "null";
        break;
    case JsonTree::Kind::False:
        out += "false";
        break;
    case JsonTree::Kind::True:
        out += "true";
        break;
    case JsonTree::Kind::Number:
        out += v.text;
        break;
    case JsonTree::Kind::String:
        jsontext::appendQuoted(out, v.text);
        break;
    case JsonTree::Kind::Array:
    case JsonTree::Kind::Object:
        out += v.isArray() ? '[' : '{';
        for (std::size_t i = 0; i < v.items.size(); ++i) {
            if (i > 0)
                out += ',';
            if (v.isObject()) {
                jsontext::appendQuoted(out, v.keys[i]);
                out += ':';
            }
            appendCompact(v.items[i], out, maxLength);
        }
        out += v.isArray() ? ']' : '}';
        break;
    }
}

} // namespace

const JsonTree* JsonTree::member(std::string_view name) const
{
    if (kind != Kind::Object)
        return nullptr;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (keys[i] == name)
            return &items[i];
    }
    return nullptr;
}

std::string JsonTree::compact(std::size_t maxLength) const
{
    std::string out;
    appendCompact(*this, out, maxLength);
    if (out.size() > maxLength) {
        out.resize(maxLength);
        out += "…";
    }
    return out;
}

std::optional<JsonTree> JsonTree::parse(std::string_view json, std::string* error)
{
    if (json.size() >= 3 && json.substr(0, 3) == "\xEF\xBB\xBF")
        json.remove_prefix(3);
    TreeBuilder builder;
    bool ok = false;
    try {
        ok = Json::sax_parse(json.begin(), json.end(), &builder);
    } catch (const std::exception& e) {
        if (error)
            *error = e.what();
        return std::nullopt;
    }
    std::optional<JsonTree> tree = ok ? builder.take() : std::nullopt;
    if (!tree && error)
        *error = builder.error();
    return tree;
}

} // namespace model
