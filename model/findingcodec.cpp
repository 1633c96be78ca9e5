#include "model/findingcodec.h"

#include <nlohmann/json.hpp>

#include "model/dynamodbjson.h"

namespace model {

namespace {

using nlohmann::json;

json encodeValue(const std::optional<AttributeValue>& value)
{
    return value ? json(toDynamoJson(*value)) : json(nullptr);
}

json encodeChange(const AttributeChange& change)
{
    return json{{"op", static_cast<int>(change.op)},   {"path", change.path},   {"old", encodeValue(change.oldValue)},
                {"new", encodeValue(change.newValue)}, {"added", change.added}, {"removed", change.removed}};
}

/// Thrown by the readers below for text encodeFinding() did not write; caught in decodeFinding().
struct Malformed
{
};

const json& member(const json& object, const char* name)
{
    const auto it = object.find(name);
    if (it == object.end())
        throw Malformed{};
    return *it;
}

std::string text(const json& object, const char* name)
{
    const json& value = member(object, name);
    if (!value.is_string())
        throw Malformed{};
    return value.get<std::string>();
}

std::int64_t integer(const json& object, const char* name)
{
    const json& value = member(object, name);
    if (!value.is_number_integer())
        throw Malformed{};
    return value.get<std::int64_t>();
}

template<typename Enum>
Enum enumValue(const json& object, const char* name, int count)
{
    const std::int64_t value = integer(object, name);
    if (value < 0 || value >= count)
        throw Malformed{};
    return static_cast<Enum>(value);
}

std::vector<std::string> texts(const json& object, const char* name)
{
    const json& value = member(object, name);
    if (!value.is_array())
        throw Malformed{};
    std::vector<std::string> out;
    for (const json& item : value) {
        if (!item.is_string())
            throw Malformed{};
        out.push_back(item.get<std::string>());
    }
    return out;
}

std::optional<AttributeValue> decodeValue(const json& object, const char* name)
{
    const json& value = member(object, name);
    if (value.is_null())
        return std::nullopt;
    if (!value.is_string())
        throw Malformed{};
    auto decoded = parseAttributeValue(value.get_ref<const std::string&>());
    if (!decoded)
        throw Malformed{};
    return std::move(*decoded.value);
}

const json& array(const json& object, const char* name)
{
    const json& value = member(object, name);
    if (!value.is_array())
        throw Malformed{};
    return value;
}

constexpr int kRiskCount = 5; // JsNumberRisk: None .. RoundsSilently
constexpr int kOpCount = 3;   // AttributeChange::Op: Add, Remove, Replace
constexpr int kSeverityCount = 3;

Finding decode(const json& j)
{
    if (!j.is_object())
        throw Malformed{};
    Finding f;
    f.kind = enumValue<FindingKind>(j, "kind", kFindingKindCount);
    f.severity = enumValue<Severity>(j, "severity", kSeverityCount);
    f.table = text(j, "table");
    f.keyJson = text(j, "keyJson");
    f.keyId = integer(j, "keyId");
    f.recordId = integer(j, "recordId");
    f.sequenceNumber = text(j, "seq");
    f.eventId = text(j, "eventId");
    f.message = text(j, "message");
    for (const json& c : array(j, "diff")) {
        AttributeChange change;
        change.op = enumValue<AttributeChange::Op>(c, "op", kOpCount);
        change.path = text(c, "path");
        change.oldValue = decodeValue(c, "old");
        change.newValue = decodeValue(c, "new");
        change.added = texts(c, "added");
        change.removed = texts(c, "removed");
        f.diff.push_back(std::move(change));
    }
    f.path = text(j, "path");
    if (!member(j, "risk").is_null())
        f.jsRisk = enumValue<JsNumberRisk>(j, "risk", kRiskCount);
    if (!member(j, "otherRecordId").is_null())
        f.otherRecordId = integer(j, "otherRecordId");
    f.otherSequenceNumber = text(j, "otherSeq");
    f.affectedRecords = integer(j, "affected");
    for (const json& id : array(j, "affectedIds")) {
        if (!id.is_number_integer())
            throw Malformed{};
        f.affectedRecordIds.push_back(id.get<std::int64_t>());
    }
    for (const json& n : array(j, "jsNumbers")) {
        f.jsNumbers.push_back(Finding::JsNumber{text(n, "where"), text(n, "path"),
                                                enumValue<JsNumberRisk>(n, "risk", kRiskCount), text(n, "reason")});
    }
    f.source = text(j, "source");
    const json& grouped = member(j, "grouped");
    if (!grouped.is_boolean())
        throw Malformed{};
    f.grouped = grouped.get<bool>();
    return f;
}

} // namespace

std::string encodeFinding(const Finding& f)
{
    json diff = json::array();
    for (const AttributeChange& change : f.diff)
        diff.push_back(encodeChange(change));
    json numbers = json::array();
    for (const Finding::JsNumber& n : f.jsNumbers)
        numbers.push_back(
            json{{"where", n.where}, {"path", n.path}, {"risk", static_cast<int>(n.risk)}, {"reason", n.reason}});
    const json j{{"kind", static_cast<int>(f.kind)},
                 {"severity", static_cast<int>(f.severity)},
                 {"table", f.table},
                 {"keyJson", f.keyJson},
                 {"keyId", f.keyId},
                 {"recordId", f.recordId},
                 {"seq", f.sequenceNumber},
                 {"eventId", f.eventId},
                 {"message", f.message},
                 {"diff", std::move(diff)},
                 {"path", f.path},
                 {"risk", f.jsRisk ? json(static_cast<int>(*f.jsRisk)) : json(nullptr)},
                 {"otherRecordId", f.otherRecordId ? json(*f.otherRecordId) : json(nullptr)},
                 {"otherSeq", f.otherSequenceNumber},
                 {"affected", f.affectedRecords},
                 {"affectedIds", f.affectedRecordIds},
                 {"jsNumbers", std::move(numbers)},
                 {"source", f.source},
                 {"grouped", f.grouped}};
    // Texts come from validated captures (UTF-8); a stray invalid byte is kept as U+FFFD rather than failing.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<Finding> decodeFinding(std::string_view text)
{
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded())
        return std::nullopt;
    try {
        return decode(j);
    } catch (const Malformed&) {
        return std::nullopt;
    }
}

} // namespace model
