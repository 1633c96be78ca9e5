#include "storage/delivery/selection.h"

#include <cstdio>
#include <ctime>

namespace storage {

std::string isoTime(std::optional<std::int64_t> micros)
{
    if (!micros)
        return {};
    const std::int64_t seconds = *micros >= 0 ? *micros / 1000000 : -((-*micros + 999999) / 1000000);
    const std::int64_t fraction = *micros - seconds * 1000000;
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
    char full[96];
    std::snprintf(full, sizeof full, "%s.%06lldZ", buffer, static_cast<long long>(fraction));
    return full;
}

nlohmann::json selectionJson(const RecordSelection& selection)
{
    using nlohmann::json;
    json sel = json::object();
    if (!selection.tables.empty())
        sel["tables"] = selection.tables;
    if (!selection.keys.empty())
        sel["keys"] = selection.keys;
    if (!selection.eventNames.empty()) {
        json names = json::array();
        for (const auto e : selection.eventNames)
            names.push_back(std::string(model::eventNameText(e)));
        sel["eventNames"] = names;
    }
    if (selection.ttl)
        sel["ttl"] = *selection.ttl;
    if (selection.fromMicros)
        sel["from"] = isoTime(selection.fromMicros);
    if (selection.toMicros)
        sel["to"] = isoTime(selection.toMicros);
    if (!selection.fromSequence.empty())
        sel["fromSequenceNumber"] = selection.fromSequence;
    if (!selection.toSequence.empty())
        sel["toSequenceNumber"] = selection.toSequence;
    if (!selection.findingKinds.empty())
        sel["auditFindings"] = selection.findingKinds;
    sel["jsUnsafeNumbers"] = selection.jsUnsafe == RecordSelection::JsUnsafe::Include
        ? "include"
        : (selection.jsUnsafe == RecordSelection::JsUnsafe::Exclude ? "exclude" : "only");
    if (!selection.recordIds.empty())
        sel["recordIds"] = selection.recordIds;
    if (selection.filter)
        sel["viewFilter"] = true;
    if (!selection.where.empty())
        sel["where"] = selection.where;
    if (selection.lambdaFilter) {
        const LambdaFilterCriteria& c = *selection.lambdaFilter;
        json criteria = {{"source", c.source}, {"filters", c.patterns}};
        if (!c.name.empty())
            criteria["name"] = c.name;
        if (!c.shape.empty())
            criteria["shape"] = c.shape;
        if (!c.origin.empty())
            criteria["origin"] = c.origin;
        sel["lambdaFilterCriteria"] = criteria;
    }
    return sel;
}

std::string selectionToJson(const RecordSelection& selection)
{
    return selectionJson(selection).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace storage
