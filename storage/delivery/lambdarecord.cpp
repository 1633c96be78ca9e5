#include "storage/delivery/lambdarecord.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <vector>

#include "model/dynamodbjson.h"
#include "model/jsontext.h"
#include "model/sequencenumber.h"

namespace storage {

namespace {

/// Index just past the closing quote of the JSON string whose opening quote is at `open`, or npos.
std::size_t stringEnd(std::string_view text, std::size_t open)
{
    // A plain loop: find_first_of calls memchr on the set for every character.
    std::size_t i = open + 1;
    for (;;) {
        while (i < text.size() && text[i] != '"' && text[i] != '\\')
            ++i;
        if (i >= text.size())
            return std::string_view::npos;
        if (text[i] == '"')
            return i + 1;
        i += 2; // the escaped character
    }
}

} // namespace

std::string minifyJson(std::string_view json)
{
    std::string out;
    out.reserve(json.size());
    std::size_t i = 0;
    while (i < json.size()) {
        // The text up to the next string or whitespace is copied as it is, in one append.
        std::size_t stop = i;
        while (stop < json.size() && json[stop] != '"' && json[stop] != ' ' && json[stop] != '\n' && json[stop] != '\t'
               && json[stop] != '\r')
            ++stop;
        out.append(json.substr(i, stop - i));
        i = stop;
        if (i == json.size())
            break;
        if (json[i] == '"') {
            const std::size_t end = stringEnd(json, i);
            if (end == std::string_view::npos || end > json.size())
                return std::string(json); // an unterminated string: not minifiable
            out.append(json.substr(i, end - i));
            i = end;
            continue;
        }
        ++i; // whitespace outside strings
    }
    // A UTF-8 byte-order mark is not part of the record.
    if (out.size() >= 3 && out.compare(0, 3, "\xEF\xBB\xBF") == 0)
        out.erase(0, 3);
    return out;
}

namespace {

/// One member of a compact JSON object: the key as written (with its quotes) and the value's text.
struct Member
{
    std::string_view key;
    std::string_view value;
    std::size_t valueOffset = 0; ///< of value within the object's text
};

/// End of the JSON value starting at text[pos] (compact JSON: no whitespace outside strings), npos if malformed.
std::size_t skipValue(std::string_view text, std::size_t pos)
{
    if (pos >= text.size())
        return std::string_view::npos;
    const char first = text[pos];
    if (first == '"') {
        const std::size_t end = stringEnd(text, pos);
        return end > text.size() ? std::string_view::npos : end;
    }
    if (first == '{' || first == '[') {
        int depth = 0;
        for (std::size_t i = pos; i < text.size(); ++i) {
            const char c = text[i];
            if (c == '"') {
                const std::size_t end = stringEnd(text, i);
                if (end == std::string_view::npos || end > text.size())
                    return std::string_view::npos;
                i = end - 1;
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (--depth == 0)
                    return i + 1;
            }
        }
        return std::string_view::npos;
    }
    std::size_t i = pos;
    while (i < text.size() && text[i] != ',' && text[i] != '}' && text[i] != ']')
        ++i;
    return i == pos ? std::string_view::npos : i;
}

/// The members of the compact JSON object `text` (the whole text must be the object); false if it is not one.
bool objectMembers(std::string_view text, std::vector<Member>& members)
{
    members.clear();
    if (text.size() < 2 || text.front() != '{')
        return false;
    std::size_t pos = 1;
    if (text[pos] == '}')
        return pos + 1 == text.size();
    for (;;) {
        if (pos >= text.size() || text[pos] != '"')
            return false;
        const std::size_t keyEnd = skipValue(text, pos);
        if (keyEnd == std::string_view::npos || keyEnd >= text.size() || text[keyEnd] != ':')
            return false;
        const std::size_t valueStart = keyEnd + 1;
        const std::size_t valueEnd = skipValue(text, valueStart);
        if (valueEnd == std::string_view::npos || valueEnd >= text.size())
            return false;
        members.push_back({text.substr(pos, keyEnd - pos), text.substr(valueStart, valueEnd - valueStart), valueStart});
        if (text[valueEnd] == '}')
            return valueEnd + 1 == text.size();
        if (text[valueEnd] != ',')
            return false;
        pos = valueEnd + 1;
    }
}

const Member* findMember(const std::vector<Member>& members, std::string_view quotedKey)
{
    // Duplicate keys: the last one wins, as in most JSON readers.
    for (auto it = members.rbegin(); it != members.rend(); ++it) {
        if (it->key == quotedKey)
            return &*it;
    }
    return nullptr;
}

/// The top-level members of a compact Lambda DynamoDB record and of its `dynamodb` object; false if not one.
bool lambdaMembers(std::string_view compact, std::vector<Member>& top, std::vector<Member>& dynamodb)
{
    if (!objectMembers(compact, top))
        return false;
    if (findMember(top, "\"tableName\"") || findMember(top, "\"recordFormat\""))
        return false;
    if (const Member* source = findMember(top, "\"eventSource\""); source && source->value != "\"aws:dynamodb\"")
        return false;
    const Member* d = findMember(top, "\"dynamodb\"");
    if (!d || !objectMembers(d->value, dynamodb))
        return false;
    const Member* seq = findMember(dynamodb, "\"SequenceNumber\"");
    return seq && !seq->value.empty() && seq->value.front() == '"';
}

/// The text of a JSON string value without its quotes if it has no escapes, else "".
std::string plainString(std::string_view value)
{
    if (value.size() < 2 || value.front() != '"' || value.back() != '"')
        return {};
    const std::string_view inner = value.substr(1, value.size() - 2);
    return inner.find('\\') == std::string_view::npos ? std::string(inner) : std::string{};
}

} // namespace

bool isLambdaDynamoRecord(std::string_view rawJson)
{
    const std::string compact = minifyJson(rawJson);
    std::vector<Member> top, dynamodb;
    return lambdaMembers(compact, top, dynamodb);
}

std::string rawRegion(std::string_view rawJson)
{
    const std::string compact = minifyJson(rawJson);
    std::vector<Member> top;
    if (!objectMembers(compact, top))
        return {};
    const Member* region = findMember(top, "\"awsRegion\"");
    return region ? plainString(region->value) : std::string{};
}

std::string_view synthesizedFieldName(std::uint16_t bit)
{
    switch (bit) {
    case SynthesizedEventId:
        return "eventID";
    case SynthesizedEventVersion:
        return "eventVersion";
    case SynthesizedEventSource:
        return "eventSource";
    case SynthesizedAwsRegion:
        return "awsRegion";
    case SynthesizedEventSourceArn:
        return "eventSourceARN";
    case SynthesizedSizeBytes:
        return "dynamodb.SizeBytes";
    case SynthesizedStreamViewType:
        return "dynamodb.StreamViewType";
    case SynthesizedSequenceNumber:
        return "dynamodb.SequenceNumber";
    case SynthesizedCreationTime:
        return "dynamodb.ApproximateCreationDateTime";
    case SynthesizedEventName:
        return "eventName";
    default:
        return {};
    }
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
    // A placeholder region ("<region>") does not go into an ARN.
    const bool plain = !region.empty() && std::all_of(region.begin(), region.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
    return "arn:aws:dynamodb:" + std::string(plain ? region : std::string_view("us-east-1")) + ":000000000000:table/"
        + record.table + "/stream/streamscope-synthetic";
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

namespace {

model::ViewType deliveredViewType(const model::StreamRecord& record)
{
    if (record.viewType != model::ViewType::Unknown)
        return record.viewType;
    // Kinesis/export records carry every image they have: name the view after them.
    const bool snapshot = record.eventName == model::EventName::Snapshot;
    if (record.newImage && record.oldImage)
        return model::ViewType::NewAndOldImages;
    if (snapshot || record.eventName == model::EventName::Insert)
        return record.newImage ? model::ViewType::NewImage : model::ViewType::KeysOnly;
    if (record.eventName == model::EventName::Remove)
        return record.oldImage ? model::ViewType::NewAndOldImages : model::ViewType::KeysOnly;
    return record.newImage ? model::ViewType::NewImage
                           : (record.oldImage ? model::ViewType::OldImage : model::ViewType::KeysOnly);
}

std::string regionFor(const model::StreamRecord& record, std::string_view rawRegionText,
                      const ConversionDefaults& defaults, bool& fallback)
{
    fallback = false;
    if (!rawRegionText.empty())
        return std::string(rawRegionText);
    if (std::string r = regionOfArn(record.streamArn); !r.empty())
        return r;
    fallback = !defaults.regionKnown;
    return defaults.region;
}

/// A Lambda-shaped record as delivered, with the members Lambda always sends added where missing.
LambdaRecordJson completeLambdaRecord(const model::StreamRecord& record, std::string compact,
                                      const std::vector<Member>& top, const std::vector<Member>& dynamodb,
                                      const ConversionDefaults& defaults)
{
    LambdaRecordJson result;
    const Member* d = findMember(top, "\"dynamodb\"");
    // The dynamodb object again, member by member: delivered members byte for byte, except a SequenceNumber that
    // is no sequence number (placeholders such as "<sequence-number:1>": the store has none for it) and an
    // ApproximateCreationDateTime that is no number ("datetime"); then the members Lambda always sends.
    std::string object = "{";
    auto add = [&](std::string_view key, std::string_view value) {
        if (object.size() > 1)
            object += ',';
        object += key;
        object += ':';
        object += value;
    };
    bool hasSizeBytes = false;
    bool hasViewType = false;
    for (const Member& m : dynamodb) {
        if (&m != findMember(dynamodb, m.key))
            continue; // a duplicate key: the last one counts
        if (m.key == "\"SequenceNumber\"" && !model::isSequenceNumber(record.sequenceNumber)) {
            add(m.key, jsonQuoted(defaults.syntheticSequenceNumber));
            result.syntheticSequenceNumber = true;
            result.synthesized |= SynthesizedSequenceNumber;
            continue;
        }
        if (m.key == "\"ApproximateCreationDateTime\"" && !m.value.empty()
            && !(m.value.front() == '-' || (m.value.front() >= '0' && m.value.front() <= '9'))) {
            result.synthesized |= SynthesizedCreationTime;
            if (record.creationTimeMicros)
                add(m.key, std::to_string(*record.creationTimeMicros / 1000000));
            continue; // unreadable and no time known: left out (the member is optional)
        }
        hasSizeBytes = hasSizeBytes || m.key == "\"SizeBytes\"";
        hasViewType = hasViewType || m.key == "\"StreamViewType\"";
        add(m.key, m.value);
    }
    if (!hasSizeBytes) {
        std::size_t bytes = 0;
        for (const char* name : {"\"Keys\"", "\"NewImage\"", "\"OldImage\""}) {
            if (const Member* m = findMember(dynamodb, name))
                bytes += m->value.size();
        }
        add("\"SizeBytes\"", std::to_string(std::max<std::size_t>(1, bytes)));
        result.synthesized |= SynthesizedSizeBytes;
    }
    if (!hasViewType) {
        add("\"StreamViewType\"", jsonQuoted(model::viewTypeText(deliveredViewType(record))));
        result.synthesized |= SynthesizedStreamViewType;
    }
    object += '}';
    std::string topInsert;
    if (!findMember(top, "\"eventID\"")) {
        topInsert += "\"eventID\":" + jsonQuoted(record.eventId.empty() ? record.sequenceNumber : record.eventId) + ",";
        result.synthesized |= SynthesizedEventId;
    }
    if (!findMember(top, "\"eventVersion\"")) {
        topInsert += "\"eventVersion\":\"1.1\",";
        result.synthesized |= SynthesizedEventVersion;
    }
    if (!findMember(top, "\"eventSource\"")) {
        topInsert += "\"eventSource\":\"aws:dynamodb\",";
        result.synthesized |= SynthesizedEventSource;
    }
    const Member* regionMember = findMember(top, "\"awsRegion\"");
    bool fallback = false;
    const std::string region =
        regionFor(record, regionMember ? plainString(regionMember->value) : std::string{}, defaults, fallback);
    if (!regionMember) {
        topInsert += "\"awsRegion\":" + jsonQuoted(region) + ",";
        result.synthesized |= SynthesizedAwsRegion;
    }
    const Member* arnMember = findMember(top, "\"eventSourceARN\"");
    const std::string streamArn = effectiveStreamArn(record, region);
    // A delivered eventSourceARN that is not the stream's ARN (a placeholder such as "stream-ARN", a table ARN from
    // EventBridge Pipes) is written as the stream the batch belongs to, as the manifest says, and listed.
    std::optional<std::string> arnValue;
    if (!arnMember) {
        topInsert += "\"eventSourceARN\":" + jsonQuoted(streamArn) + ",";
        result.synthesized |= SynthesizedEventSourceArn;
    } else if (record.streamArn.empty() && plainString(arnMember->value) != streamArn) {
        arnValue = jsonQuoted(streamArn);
        result.synthesized |= SynthesizedEventSourceArn;
    }
    // The later position first so the earlier offset stays valid. The top object has members (`dynamodb`), so a
    // trailing comma of the inserted ones is always followed by one.
    struct Replacement
    {
        std::size_t offset, length;
        std::string text;
    };
    std::vector<Replacement> replacements;
    if (object != d->value)
        replacements.push_back({d->valueOffset, d->value.size(), object});
    if (arnValue)
        replacements.push_back({arnMember->valueOffset, arnMember->value.size(), *arnValue});
    std::sort(replacements.begin(), replacements.end(),
              [](const Replacement& a, const Replacement& b) { return a.offset > b.offset; });
    for (const auto& r : replacements)
        compact.replace(r.offset, r.length, r.text);
    if (!topInsert.empty())
        compact.insert(1, topInsert);
    result.json = std::move(compact);
    return result;
}

} // namespace

std::optional<LambdaRecordJson> lambdaRecordJsonFromRaw(const model::StreamRecord& metadata, std::string_view rawJson,
                                                        const ConversionDefaults& defaults)
{
    if (rawJson.empty())
        return std::nullopt;
    std::string compact = minifyJson(rawJson);
    std::vector<Member> top, dynamodb;
    if (!lambdaMembers(compact, top, dynamodb))
        return std::nullopt;
    return completeLambdaRecord(metadata, std::move(compact), top, dynamodb, defaults);
}

LambdaRecordJson lambdaRecordJson(const model::StreamRecord& record, std::string_view rawJson,
                                  const ConversionDefaults& defaults)
{
    if (!rawJson.empty()) {
        std::string compact = minifyJson(rawJson);
        std::vector<Member> top, dynamodb;
        if (lambdaMembers(compact, top, dynamodb))
            return completeLambdaRecord(record, std::move(compact), top, dynamodb, defaults);
    }
    LambdaRecordJson result;
    result.converted = true;
    // The members the record was delivered with (a Kinesis Data Streams for DynamoDB record, an export line, …):
    // every Lambda field written that is not among them, or written differently, is listed as synthesised.
    const std::string compactRaw = rawJson.empty() ? std::string() : minifyJson(rawJson);
    std::vector<Member> rawTop, rawDynamodb;
    if (objectMembers(compactRaw, rawTop)) {
        if (const Member* d = findMember(rawTop, "\"dynamodb\""))
            objectMembers(d->value, rawDynamodb);
    } else {
        rawTop.clear();
    }
    auto delivered = [](const std::vector<Member>& members,
                        std::string_view quotedKey) -> std::optional<std::string_view> {
        const Member* m = findMember(members, quotedKey);
        return m ? std::optional<std::string_view>(m->value) : std::nullopt;
    };
    bool regionFallback = false;
    const std::string region = regionFor(record, rawRegion(rawJson), defaults, regionFallback);
    if (regionFallback || !delivered(rawTop, "\"awsRegion\""))
        result.synthesized |= SynthesizedAwsRegion;
    if (delivered(rawTop, "\"eventSourceARN\"")
        != std::optional<std::string_view>(jsonQuoted(effectiveStreamArn(record, region))))
        result.synthesized |= SynthesizedEventSourceArn;
    if (record.eventId.empty() || !delivered(rawTop, "\"eventID\""))
        result.synthesized |= SynthesizedEventId;
    if (!delivered(rawTop, "\"eventVersion\""))
        result.synthesized |= SynthesizedEventVersion;
    if (delivered(rawTop, "\"eventSource\"") != std::optional<std::string_view>("\"aws:dynamodb\""))
        result.synthesized |= SynthesizedEventSource;
    std::string sequence = record.sequenceNumber;
    if (!model::isSequenceNumber(sequence)) {
        sequence = defaults.syntheticSequenceNumber;
        result.syntheticSequenceNumber = true;
        result.synthesized |= SynthesizedSequenceNumber;
    }
    const bool snapshot = record.eventName == model::EventName::Snapshot;
    const std::string_view eventName = snapshot ? std::string_view("INSERT") : model::eventNameText(record.eventName);
    if (delivered(rawTop, "\"eventName\"") != std::optional<std::string_view>(jsonQuoted(eventName)))
        result.synthesized |= SynthesizedEventName;

    std::string keys = model::toDynamoJson(record.keys);
    std::string newImage = record.newImage ? model::toDynamoJson(*record.newImage) : std::string{};
    std::string oldImage = record.oldImage ? model::toDynamoJson(*record.oldImage) : std::string{};
    const model::ViewType view = deliveredViewType(record);
    // SizeBytes as delivered (Kinesis Data Streams for DynamoDB and Firehose records carry DynamoDB's own figure);
    // computed from what is written only when the record had none.
    std::string sizeBytes;
    if (auto given = delivered(rawDynamodb, "\"SizeBytes\""); given && !given->empty()
        && std::all_of(given->begin(), given->end(), [](char c) { return c >= '0' && c <= '9'; }))
        sizeBytes = std::string(*given);
    if (sizeBytes.empty()) {
        sizeBytes = std::to_string(std::max<std::size_t>(1, keys.size() + newImage.size() + oldImage.size()));
        result.synthesized |= SynthesizedSizeBytes;
    }
    if (!delivered(rawDynamodb, "\"StreamViewType\""))
        result.synthesized |= SynthesizedStreamViewType;
    const std::string creationText =
        record.creationTimeMicros ? std::to_string(*record.creationTimeMicros / 1000000) : std::string();
    if (delivered(rawDynamodb, "\"ApproximateCreationDateTime\"")
        != (creationText.empty() ? std::nullopt : std::optional<std::string_view>(creationText)))
        result.synthesized |= SynthesizedCreationTime;

    std::string& out = result.json;
    out.reserve(256 + keys.size() + newImage.size() + oldImage.size());
    out += "{\"eventID\":" + jsonQuoted(record.eventId.empty() ? sequence : record.eventId);
    out += ",\"eventName\":" + jsonQuoted(eventName);
    out += ",\"eventVersion\":\"1.1\",\"eventSource\":\"aws:dynamodb\",\"awsRegion\":" + jsonQuoted(region);
    out += ",\"eventSourceARN\":" + jsonQuoted(effectiveStreamArn(record, region));
    out += ",\"dynamodb\":{";
    if (!creationText.empty()) {
        out += "\"ApproximateCreationDateTime\":";
        out += creationText;
        out += ',';
    }
    out += "\"Keys\":" + keys;
    if (!newImage.empty())
        out += ",\"NewImage\":" + newImage;
    if (!oldImage.empty())
        out += ",\"OldImage\":" + oldImage;
    out += ",\"SequenceNumber\":" + jsonQuoted(sequence);
    out += ",\"SizeBytes\":" + sizeBytes;
    out += ",\"StreamViewType\":" + jsonQuoted(model::viewTypeText(view));
    out += '}';
    if (record.ttl)
        out += ",\"userIdentity\":{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"}";
    out += '}';
    return result;
}

} // namespace storage
