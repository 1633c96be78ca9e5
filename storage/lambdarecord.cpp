#include "storage/lambdarecord.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "model/dynamodbjson.h"
#include "model/jsontext.h"
#include "model/sequencenumber.h"

namespace storage {

std::string minifyJson(std::string_view json)
{
    std::string out;
    out.reserve(json.size());
    bool inString = false;
    bool escaped = false;
    for (const char c : json) {
        if (inString) {
            out.push_back(c);
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c == '"')
            inString = true;
        out.push_back(c);
    }
    if (inString)
        return std::string(json);
    // A UTF-8 byte-order mark is not part of the record.
    if (out.size() >= 3 && out.compare(0, 3, "\xEF\xBB\xBF") == 0)
        out.erase(0, 3);
    return out;
}

static nlohmann::json parseLoose(std::string_view text)
{
    try {
        return nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    } catch (...) {
        return nlohmann::json::value_t::discarded;
    }
}

bool isLambdaDynamoRecord(std::string_view rawJson)
{
    const nlohmann::json j = parseLoose(rawJson);
    if (!j.is_object())
        return false;
    if (j.contains("tableName") || j.contains("recordFormat"))
        return false;
    if (const auto it = j.find("eventSource"); it != j.end() && !(it->is_string() && *it == "aws:dynamodb"))
        return false;
    const auto d = j.find("dynamodb");
    if (d == j.end() || !d->is_object())
        return false;
    const auto s = d->find("SequenceNumber");
    return s != d->end() && s->is_string();
}

std::string rawRegion(std::string_view rawJson)
{
    const nlohmann::json j = parseLoose(rawJson);
    if (j.is_object()) {
        if (const auto it = j.find("awsRegion"); it != j.end() && it->is_string())
            return it->get<std::string>();
    }
    return {};
}

static std::string regionOfArn(std::string_view arn)
{
    // arn:aws:dynamodb:<region>:...
    std::size_t pos = 0;
    for (int field = 0; field < 3; ++field) {
        pos = arn.find(':', pos);
        if (pos == std::string_view::npos)
            return {};
        ++pos;
    }
    const std::size_t end = arn.find(':', pos);
    return end == std::string_view::npos ? std::string{} : std::string(arn.substr(pos, end - pos));
}

std::string effectiveStreamArn(const model::StreamRecord& record, std::string_view region)
{
    if (!record.streamArn.empty())
        return record.streamArn;
    return "arn:aws:dynamodb:" + std::string(region) + ":000000000000:table/" + record.table
        + "/stream/streamscope-converted";
}

std::string syntheticSequenceNumber(std::uint64_t n)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%021llu", static_cast<unsigned long long>(n));
    return buffer;
}

static std::string jsonQuoted(std::string_view text)
{
    return model::jsontext::quoted(text);
}

LambdaRecordJson lambdaRecordJson(const model::StreamRecord& record, std::string_view rawJson,
                                  const ConversionDefaults& defaults)
{
    LambdaRecordJson result;
    if (!rawJson.empty() && isLambdaDynamoRecord(rawJson)) {
        result.json = minifyJson(rawJson);
        return result;
    }
    result.converted = true;
    std::string region = rawRegion(rawJson);
    if (region.empty())
        region = regionOfArn(record.streamArn);
    if (region.empty())
        region = defaults.region;
    std::string sequence = record.sequenceNumber;
    if (!model::isSequenceNumber(sequence)) {
        sequence = defaults.syntheticSequenceNumber;
        result.syntheticSequenceNumber = true;
    }
    const bool snapshot = record.eventName == model::EventName::Snapshot;
    const std::string_view eventName = snapshot ? std::string_view("INSERT") : model::eventNameText(record.eventName);

    std::string keys = model::toDynamoJson(record.keys);
    std::string newImage = record.newImage ? model::toDynamoJson(*record.newImage) : std::string{};
    std::string oldImage = record.oldImage ? model::toDynamoJson(*record.oldImage) : std::string{};
    model::ViewType view = record.viewType;
    if (view == model::ViewType::Unknown) {
        // Kinesis/export records carry every image they have: name the view after them.
        if (record.newImage && record.oldImage)
            view = model::ViewType::NewAndOldImages;
        else if (snapshot || record.eventName == model::EventName::Insert)
            view = record.newImage ? model::ViewType::NewImage : model::ViewType::KeysOnly;
        else if (record.eventName == model::EventName::Remove)
            view = record.oldImage ? model::ViewType::NewAndOldImages : model::ViewType::KeysOnly;
        else
            view = record.newImage ? model::ViewType::NewImage
                                   : (record.oldImage ? model::ViewType::OldImage : model::ViewType::KeysOnly);
    }
    const std::size_t sizeBytes = std::max<std::size_t>(1, keys.size() + newImage.size() + oldImage.size());

    std::string& out = result.json;
    out.reserve(256 + sizeBytes);
    out += "{\"eventID\":" + jsonQuoted(record.eventId.empty() ? sequence : record.eventId);
    out += ",\"eventName\":" + jsonQuoted(eventName);
    out += ",\"eventVersion\":\"1.1\",\"eventSource\":\"aws:dynamodb\",\"awsRegion\":" + jsonQuoted(region);
    out += ",\"eventSourceARN\":" + jsonQuoted(effectiveStreamArn(record, region));
    out += ",\"dynamodb\":{";
    if (record.creationTimeMicros) {
        out += "\"ApproximateCreationDateTime\":";
        out += std::to_string(*record.creationTimeMicros / 1000000);
        out += ',';
    }
    out += "\"Keys\":" + keys;
    if (!newImage.empty())
        out += ",\"NewImage\":" + newImage;
    if (!oldImage.empty())
        out += ",\"OldImage\":" + oldImage;
    out += ",\"SequenceNumber\":" + jsonQuoted(sequence);
    out += ",\"SizeBytes\":" + std::to_string(sizeBytes);
    out += ",\"StreamViewType\":" + jsonQuoted(model::viewTypeText(view));
    out += '}';
    if (record.ttl)
        out += ",\"userIdentity\":{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"}";
    out += '}';
    return result;
}

} // namespace storage
