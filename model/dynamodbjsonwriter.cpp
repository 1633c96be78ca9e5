// DynamoDB JSON, canonical JSON and plain JSON writers (declared in model/dynamodbjson.h). No nlohmann here:
// the texts are written directly so numbers keep their exact text and nothing is re-parsed.

#include <algorithm>
#include <utility>
#include <vector>

#include "model/base64.h"
#include "model/decimal.h"
#include "model/dynamodbjson.h"

namespace model {

namespace {

void appendEscaped(std::string& out, std::string_view text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        case '\b':
            out.append("\\b");
            break;
        case '\f':
            out.append("\\f");
            break;
        default:
            if (u < 0x20) {
                out.append("\\u00");
                out.push_back(kHex[u >> 4]);
                out.push_back(kHex[u & 0xF]);
            } else {
                out.push_back(c);
            }
        }
    }
    out.push_back('"');
}

void appendStringArray(std::string& out, const std::vector<std::string>& members)
{
    out.push_back('[');
    bool first = true;
    for (const std::string& m : members) {
        if (!first)
            out.push_back(',');
        first = false;
        appendEscaped(out, m);
    }
    out.push_back(']');
}

/// Sorted, de-duplicated canonical members (see canonicalJson).
std::vector<std::string> canonicalMembers(AttributeType type, const std::vector<std::string>& members)
{
    std::vector<std::string> out;
    out.reserve(members.size());
    if (type == AttributeType::SS) {
        out = members;
        std::sort(out.begin(), out.end());
    } else if (type == AttributeType::NS) {
        out = members;
        std::sort(out.begin(), out.end(),
                  [](const std::string& a, const std::string& b) { return compareNumbers(a, b) < 0; });
        out.erase(std::unique(out.begin(), out.end(),
                              [](const std::string& a, const std::string& b) { return compareNumbers(a, b) == 0; }),
                  out.end());
        for (std::string& m : out)
            m = canonicalNumber(m);
        return out;
    } else {
        // by decoded bytes; undecodable members keep their text and sort after
        std::vector<std::pair<std::string, bool>> keyed; // (bytes or text, undecodable)
        keyed.reserve(members.size());
        for (const std::string& m : members) {
            if (std::optional<std::string> bytes = base64Decode(m))
                keyed.emplace_back(std::move(*bytes), false);
            else
                keyed.emplace_back(m, true);
        }
        std::sort(keyed.begin(), keyed.end(),
                  [](const auto& a, const auto& b) { return a.second != b.second ? !a.second : a.first < b.first; });
        keyed.erase(std::unique(keyed.begin(), keyed.end()), keyed.end());
        for (auto& [content, undecodable] : keyed)
            out.push_back(undecodable ? std::move(content) : base64Encode(content));
        return out;
    }
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void appendDynamo(std::string& out, const AttributeValue& value, bool canonical);

void appendDynamoItem(std::string& out, const Item& item, bool canonical)
{
    out.push_back('{');
    bool first = true;
    for (const auto& [name, member] : item) {
        if (!first)
            out.push_back(',');
        first = false;
        appendEscaped(out, name);
        out.push_back(':');
        appendDynamo(out, member, canonical);
    }
    out.push_back('}');
}

void appendDynamo(std::string& out, const AttributeValue& value, bool canonical)
{
    out.append("{\"");
    out.append(typeTag(value.type()));
    out.append("\":");
    switch (value.type()) {
    case AttributeType::S:
        appendEscaped(out, value.text());
        break;
    case AttributeType::N:
        appendEscaped(out, canonical ? canonicalNumber(value.text()) : value.text());
        break;
    case AttributeType::B:
        if (canonical) {
            const std::optional<std::string> bytes = base64Decode(value.text());
            appendEscaped(out, bytes ? base64Encode(*bytes) : value.text());
        } else {
            appendEscaped(out, value.text());
        }
        break;
    case AttributeType::SS:
    case AttributeType::NS:
    case AttributeType::BS:
        appendStringArray(out, canonical ? canonicalMembers(value.type(), value.members()) : value.members());
        break;
    case AttributeType::M:
        appendDynamoItem(out, value.map(), canonical);
        break;
    case AttributeType::L: {
        out.push_back('[');
        bool first = true;
        for (const AttributeValue& element : value.list()) {
            if (!first)
                out.push_back(',');
            first = false;
            appendDynamo(out, element, canonical);
        }
        out.push_back(']');
        break;
    }
    case AttributeType::Null:
    case AttributeType::Bool:
        out.append(value.flag() ? "true" : "false");
        break;
    }
    out.push_back('}');
}

void appendPlainNumber(std::string& out, const std::string& text)
{
    if (isJsonNumberText(text)) {
        out.append(text);
        return;
    }
    if (const std::optional<Decimal> d = Decimal::parse(text)) {
        out.append(d->canonical());
        return;
    }
    appendEscaped(out, text);
}

class PlainWriter
{
public:
    PlainWriter(std::string& out, int indent)
        : m_out(out)
        , m_indent(indent)
    {
    }

    void value(const AttributeValue& v, int level)
    {
        switch (v.type()) {
        case AttributeType::S:
        case AttributeType::B:
            appendEscaped(m_out, v.text());
            return;
        case AttributeType::N:
            appendPlainNumber(m_out, v.text());
            return;
        case AttributeType::SS:
        case AttributeType::NS:
        case AttributeType::BS: {
            const std::vector<std::string>& members = v.members();
            openArray(members.size(), level, [&](std::size_t i) {
                if (v.type() == AttributeType::NS)
                    appendPlainNumber(m_out, members[i]);
                else
                    appendEscaped(m_out, members[i]);
            });
            return;
        }
        case AttributeType::M:
            item(v.map(), level);
            return;
        case AttributeType::L: {
            const AttributeValue::List& list = v.list();
            openArray(list.size(), level, [&](std::size_t i) { value(list[i], level + 1); });
            return;
        }
        case AttributeType::Null:
            m_out.append("null");
            return;
        case AttributeType::Bool:
            m_out.append(v.flag() ? "true" : "false");
            return;
        }
    }

    void item(const Item& map, int level)
    {
        if (map.empty()) {
            m_out.append("{}");
            return;
        }
        m_out.push_back('{');
        bool first = true;
        for (const auto& [name, member] : map) {
            if (!first)
                m_out.push_back(',');
            first = false;
            newline(level + 1);
            appendEscaped(m_out, name);
            m_out.append(m_indent >= 0 ? ": " : ":");
            value(member, level + 1);
        }
        newline(level);
        m_out.push_back('}');
    }

private:
    template<typename Element>
    void openArray(std::size_t count, int level, Element element)
    {
        if (count == 0) {
            m_out.append("[]");
            return;
        }
        m_out.push_back('[');
        for (std::size_t i = 0; i < count; ++i) {
            if (i > 0)
                m_out.push_back(',');
            newline(level + 1);
            element(i);
        }
        newline(level);
        m_out.push_back(']');
    }

    void newline(int level)
    {
        if (m_indent < 0)
            return;
        m_out.push_back('\n');
        m_out.append(static_cast<std::size_t>(level) * static_cast<std::size_t>(m_indent), ' ');
    }

    std::string& m_out;
    int m_indent;
};

} // namespace

std::string toDynamoJson(const AttributeValue& value)
{
    std::string out;
    appendDynamo(out, value, false);
    return out;
}

std::string toDynamoJson(const Item& item)
{
    std::string out;
    appendDynamoItem(out, item, false);
    return out;
}

std::string canonicalJson(const AttributeValue& value)
{
    std::string out;
    appendDynamo(out, value, true);
    return out;
}

std::string canonicalJson(const Item& item)
{
    std::string out;
    appendDynamoItem(out, item, true);
    return out;
}

std::string toPlainJson(const AttributeValue& value, int indent)
{
    std::string out;
    PlainWriter(out, indent).value(value, 0);
    return out;
}

std::string toPlainJson(const Item& item, int indent)
{
    std::string out;
    PlainWriter(out, indent).item(item, 0);
    return out;
}

std::string keyDisplayText(const Item& keys)
{
    std::string out;
    bool first = true;
    for (const auto& [name, value] : keys) {
        if (!first)
            out.append(", ");
        first = false;
        out.append(name);
        out.push_back('=');
        switch (value.type()) {
        case AttributeType::S:
        case AttributeType::N:
        case AttributeType::B:
            out.append(value.text());
            break;
        default:
            out.append(toPlainJson(value));
            break;
        }
    }
    return out;
}

} // namespace model
