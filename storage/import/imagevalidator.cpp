#include "storage/import/imagevalidator.h"

#include <algorithm>

#include "model/attributevalue.h"

namespace storage {

namespace od = simdjson::ondemand;

namespace {

std::string_view typeName(od::json_type type)
{
    switch (type) {
    case od::json_type::array:
        return "an array";
    case od::json_type::object:
        return "an object";
    case od::json_type::number:
        return "a number";
    case od::json_type::string:
        return "a string";
    case od::json_type::boolean:
        return "a boolean";
    case od::json_type::null:
        return "null";
    }
    return "something else";
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

std::string_view trimRight(std::string_view text)
{
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

enum class Tag : std::uint8_t { S, N, B, SS, NS, BS, M, L, Null, Bool, Unknown };

Tag tagOf(std::string_view key)
{
    switch (key.size()) {
    case 1:
        return key[0] == 'S' ? Tag::S
            : key[0] == 'N'  ? Tag::N
            : key[0] == 'B'  ? Tag::B
            : key[0] == 'M'  ? Tag::M
            : key[0] == 'L'  ? Tag::L
                             : Tag::Unknown;
    case 2:
        if (key[1] != 'S')
            return Tag::Unknown;
        return key[0] == 'S' ? Tag::SS : key[0] == 'N' ? Tag::NS : key[0] == 'B' ? Tag::BS : Tag::Unknown;
    case 4:
        return key == "NULL" ? Tag::Null : key == "BOOL" ? Tag::Bool : Tag::Unknown;
    default:
        return Tag::Unknown;
    }
}

/// The text of a string whose raw JSON (after the opening quote) has no escape: up to the closing quote. Returns
/// false when the string holds a backslash (the caller then unescapes it with simdjson).
bool plainString(const char* raw, std::string_view& text)
{
    const char* p = raw;
    while (*p != '"') {
        if (*p == '\\')
            return false;
        ++p;
    }
    text = std::string_view(raw, static_cast<std::size_t>(p - raw));
    return true;
}

/// A string value's text without copying when it holds no escape; else unescaped through simdjson.
simdjson::error_code stringOf(od::value& value, std::string_view& text)
{
    const std::string_view token = value.raw_json_token(); // starts at the opening quote
    if (plainString(token.data() + 1, text))
        return simdjson::SUCCESS;
    return value.get_string().get(text);
}

/// A field's key without copying when it holds no escape (the padding behind every piece keeps the scan in bounds:
/// stage 1 found the closing quote).
simdjson::error_code keyOf(od::field& field, std::string_view& key)
{
    if (plainString(field.key().raw(), key))
        return simdjson::SUCCESS;
    return field.unescaped_key().get(key);
}

/// True if `names` holds a name twice; `duplicate` is then one of them.
bool findDuplicate(std::string_view* first, std::string_view* last, std::string_view& duplicate)
{
    const auto n = static_cast<std::size_t>(last - first);
    if (n < 2)
        return false;
    if (n <= 32) {
        for (std::size_t i = 1; i < n; ++i)
            for (std::size_t j = 0; j < i; ++j)
                if (first[i] == first[j]) {
                    duplicate = first[i];
                    return true;
                }
        return false;
    }
    std::sort(first, last);
    const auto it = std::adjacent_find(first, last);
    if (it == last)
        return false;
    duplicate = *it;
    return true;
}

} // namespace

simdjson::error_code findDuplicateKey(od::value& value, std::string& key, const char*& where, int maxDepth)
{
    od::json_type type;
    if (auto error = value.type().get(type))
        return error;
    if (maxDepth <= 0)
        return simdjson::SUCCESS; // left unwalked (simdjson skips it)
    if (type == od::json_type::object) {
        od::object object;
        if (auto error = value.get_object().get(object))
            return error;
        std::vector<std::string_view> names;
        for (auto member : object) {
            od::field field;
            if (auto error = std::move(member).get(field))
                return error;
            const char* at = field.key().raw() - 1;
            std::string_view name;
            if (auto error = keyOf(field, name))
                return error;
            if (std::find(names.begin(), names.end(), name) != names.end()) {
                key = std::string(name);
                where = at;
                return simdjson::SUCCESS;
            }
            names.push_back(name);
            if (auto error = findDuplicateKey(field.value(), key, where, maxDepth - 1); error || !key.empty())
                return error;
        }
    } else if (type == od::json_type::array) {
        od::array array;
        if (auto error = value.get_array().get(array))
            return error;
        for (auto element : array) {
            od::value elementValue;
            if (auto error = element.get(elementValue))
                return error;
            if (auto error = findDuplicateKey(elementValue, key, where, maxDepth - 1); error || !key.empty())
                return error;
        }
    } else if (type == od::json_type::string) {
        std::string_view text;
        return value.get_string().get(text);
    } else if (type == od::json_type::number) {
        if (!model::isJsonNumberText(trimRight(value.raw_json_token())))
            return simdjson::NUMBER_ERROR;
    } else if (type == od::json_type::boolean) {
        bool flag = false;
        return value.get_bool().get(flag);
    } else {
        bool isNull = false;
        if (auto error = value.is_null().get(isNull))
            return error;
        if (!isNull)
            return simdjson::N_ATOM_ERROR;
    }
    return simdjson::SUCCESS;
}

ImageValidator::Step ImageValidator::invalid(std::string message)
{
    m_message = std::move(message);
    return Step::Invalid;
}

ImageValidator::Step ImageValidator::jsonError(simdjson::error_code error)
{
    m_error = error;
    return Step::JsonError;
}

#define IV_TRY(expr)                                                                                                   \
    do {                                                                                                               \
        if (auto iv_error_ = (expr))                                                                                   \
            return jsonError(iv_error_);                                                                               \
    } while (false)

simdjson::error_code ImageValidator::check(od::value& item, std::string_view label, std::string_view& text,
                                           std::string& problem)
{
    m_path.clear(); // filled on failure only, innermost first
    m_names.clear();
    m_error = simdjson::SUCCESS;
    problem.clear();
    const char* start = item.raw_json_token().data();
    od::object object;
    if (auto error = item.get_object().get(object))
        return error;
    switch (walkItem(object, 1)) {
    case Step::JsonError:
        return m_error;
    case Step::Invalid:
        problem.assign(label);
        std::reverse(m_path.begin(), m_path.end());
        for (const PathPart& part : m_path) {
            problem.push_back('/');
            if (part.isIndex)
                problem += std::to_string(part.index);
            else
                problem += model::escapePointerToken(part.name);
        }
        problem += ": ";
        problem += m_message;
        return simdjson::SUCCESS;
    case Step::Ok:
        break;
    }
    // The walk consumed the object: the iterator is at the token after its '}'.
    const char* end = nullptr;
    if (auto error = item.current_location().get(end))
        return error;
    // On-demand parsing does not validate structure it skips: misplaced ':' or braces (e.g. {"S":"":}) can leave the
    // iterator before the image began. Such text is not JSON; never form a span backwards.
    if (end <= start)
        return simdjson::TAPE_ERROR;
    text = trimRight(std::string_view(start, static_cast<std::size_t>(end - start)));
    if (text.empty() || text.back() != '}')
        return simdjson::TAPE_ERROR;
    return simdjson::SUCCESS;
}

ImageValidator::Step ImageValidator::walkItem(od::object& object, int level)
{
    // Duplicate names: a 64-bit signature of the names seen (length, first and last byte) makes the usual case one
    // bit test per name; only a signature collision compares names.
    const std::size_t namesStart = m_names.size();
    std::uint64_t seen = 0;
    bool collision = false;
    for (auto member : object) {
        od::field field;
        IV_TRY(std::move(member).get(field));
        std::string_view name;
        IV_TRY(keyOf(field, name));
        const unsigned hash = name.empty() ? 0u
                                           : static_cast<unsigned>(name.size()) * 7u
                + static_cast<unsigned char>(name.front()) * 31u + static_cast<unsigned char>(name.back());
        const std::uint64_t bit = std::uint64_t{1} << (hash & 63u);
        collision = collision || (seen & bit) != 0;
        seen |= bit;
        m_names.push_back(name);
        const Step step = walkValue(field.value(), level);
        if (step != Step::Ok) {
            m_path.push_back({name, 0, false});
            return step;
        }
    }
    std::string_view duplicate;
    if (collision && findDuplicate(m_names.data() + namesStart, m_names.data() + m_names.size(), duplicate))
        return invalid("attribute name " + shortQuoted(duplicate) + " appears twice in one map");
    m_names.resize(namesStart);
    return Step::Ok;
}

ImageValidator::Step ImageValidator::walkValue(od::value& value, int level)
{
    od::json_type type;
    IV_TRY(value.type().get(type));
    if (type != od::json_type::object)
        return invalid("expected an AttributeValue object such as {\"S\":\"x\"}, found " + std::string(typeName(type)));
    od::object object;
    IV_TRY(value.get_object().get(object));
    Tag tag = Tag::Unknown;
    std::string_view tagName;
    for (auto member : object) {
        od::field field;
        IV_TRY(std::move(member).get(field));
        std::string_view key;
        IV_TRY(keyOf(field, key));
        if (!tagName.empty())
            return invalid("expected exactly one type key, found a second one (" + shortQuoted(key) + " after \""
                           + std::string(tagName) + "\")");
        tag = tagOf(key);
        if (tag == Tag::Unknown)
            return invalid("unknown type key " + shortQuoted(key));
        tagName = key;
        od::value& payload = field.value();
        od::json_type payloadType;
        IV_TRY(payload.type().get(payloadType));
        const auto wrongType = [&](std::string_view expected) {
            return invalid(std::string(tagName) + " must be " + std::string(expected) + " (found "
                           + std::string(typeName(payloadType)) + ")");
        };
        switch (tag) {
        case Tag::S: {
            if (payloadType != od::json_type::string)
                return wrongType("a string");
            std::string_view text;
            IV_TRY(stringOf(payload, text));
            break;
        }
        case Tag::B: {
            if (payloadType != od::json_type::string)
                return wrongType("a base64 string");
            std::string_view text;
            IV_TRY(stringOf(payload, text));
            if (!isValidBase64(text))
                return invalid("B " + shortQuoted(text) + " is not valid base64");
            break;
        }
        case Tag::N: {
            std::string_view text;
            if (payloadType == od::json_type::string) {
                IV_TRY(stringOf(payload, text));
            } else if (payloadType == od::json_type::number) {
                text = trimRight(payload.raw_json_token());
                if (!model::isJsonNumberText(text))
                    return jsonError(simdjson::NUMBER_ERROR);
            } else {
                return wrongType("a number in a string");
            }
            if (const auto problem = checkNumberText(text); problem != model::NumberProblem::None)
                return invalid("N " + model::describe(problem, text));
            break;
        }
        case Tag::Null:
        case Tag::Bool: {
            if (payloadType != od::json_type::boolean)
                return wrongType("true or false");
            bool flag = false;
            IV_TRY(payload.get_bool().get(flag));
            break;
        }
        case Tag::SS:
        case Tag::NS:
        case Tag::BS: {
            if (payloadType != od::json_type::array)
                return wrongType(tag == Tag::NS ? "an array of numbers in strings" : "an array of strings");
            const Step step = walkSet(payload, tag == Tag::SS ? 'S' : tag == Tag::NS ? 'N' : 'B');
            if (step != Step::Ok)
                return step;
            break;
        }
        case Tag::M:
        case Tag::L: {
            if (payloadType != (tag == Tag::M ? od::json_type::object : od::json_type::array))
                return wrongType(tag == Tag::M ? "an object" : "an array");
            if (level > kMaxAttributeNesting)
                return invalid(std::string(tagName) + " at nesting level " + std::to_string(level)
                               + " (DynamoDB allows " + std::to_string(kMaxAttributeNesting) + " levels)");
            if (tag == Tag::M) {
                od::object members;
                IV_TRY(payload.get_object().get(members));
                const Step step = walkItem(members, level + 1);
                if (step != Step::Ok)
                    return step;
            } else {
                od::array elements;
                IV_TRY(payload.get_array().get(elements));
                std::size_t index = 0;
                for (auto element : elements) {
                    od::value elementValue;
                    IV_TRY(element.get(elementValue));
                    const Step step = walkValue(elementValue, level + 1);
                    if (step != Step::Ok) {
                        m_path.push_back({{}, index, true});
                        return step;
                    }
                    ++index;
                }
            }
            break;
        }
        case Tag::Unknown:
            break;
        }
    }
    if (tagName.empty())
        return invalid("expected exactly one type key, found 0");
    return Step::Ok;
}

ImageValidator::Step ImageValidator::walkSet(od::value& value, char kind)
{
    od::array members;
    IV_TRY(value.get_array().get(members));
    std::size_t index = 0;
    for (auto member : members) {
        od::value memberValue;
        IV_TRY(member.get(memberValue));
        od::json_type type;
        IV_TRY(memberValue.type().get(type));
        m_path.push_back({{}, index++, true}); // popped below when the member is fine
        std::string_view text;
        if (type == od::json_type::string) {
            IV_TRY(stringOf(memberValue, text));
        } else if (kind == 'N' && type == od::json_type::number) {
            text = trimRight(memberValue.raw_json_token());
            if (!model::isJsonNumberText(text))
                return jsonError(simdjson::NUMBER_ERROR);
        } else {
            return invalid(std::string(1, kind) + "S member must be "
                           + (kind == 'N' ? "a number in a string" : "a string") + " (found "
                           + std::string(typeName(type)) + ")");
        }
        if (kind == 'N') {
            if (const auto problem = checkNumberText(text); problem != model::NumberProblem::None)
                return invalid("NS member " + model::describe(problem, text));
        } else if (kind == 'B' && !isValidBase64(text)) {
            return invalid("BS member " + shortQuoted(text) + " is not valid base64");
        }
        m_path.pop_back();
    }
    return Step::Ok;
}

} // namespace storage
