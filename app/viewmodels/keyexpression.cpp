#include "app/viewmodels/keyexpression.h"

#include "model/displayfilter.h"
#include "model/dynamodbjson.h"

namespace keyexpression {

namespace {
bool isIdentifier(const std::string& name)
{
    if (name.empty() || name.front() == '-' || (name.front() >= '0' && name.front() <= '9'))
        return false;
    for (const char c : name) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'
            || c == '#' || c == '$' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

std::string quotedString(const std::string& text)
{
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c; // other bytes (newlines and tabs too) are taken as they are inside "…"
    }
    return out + "\"";
}
} // namespace

std::optional<std::string> exactKey(std::string_view keysJson)
{
    auto keys = model::parseItem(keysJson);
    if (!keys || keys.value->empty())
        return std::nullopt;
    std::string expression;
    for (const auto& [name, value] : *keys.value) {
        std::string field;
        if (isIdentifier(name))
            field = "Keys." + name;
        else if (name.find('`') == std::string::npos)
            field = "Keys.`" + name + "`";
        else
            return std::nullopt;
        std::string literal;
        if (value.type() == model::AttributeType::S)
            literal = quotedString(value.text());
        else if (value.type() == model::AttributeType::N)
            literal = value.text();
        else
            return std::nullopt;
        if (!expression.empty())
            expression += " and ";
        expression += field + " == " + literal;
    }
    if (!model::DisplayFilter::compile(expression).filter)
        return std::nullopt; // e.g. an N written as ".5": not a number literal of the display filter
    return expression;
}

} // namespace keyexpression
