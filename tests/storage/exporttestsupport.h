#pragma once

// Test helper for the export/replay tests: loads Lambda DynamoDB events (or hand-made records) into a store through
// storage::ImportWriter, without depending on the capture importer.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/import/importwriter.h"
#include "storage/store/store.h"

namespace exporttest {

struct Rec
{
    std::string table;
    std::string arn;
    std::string keysJson;
    std::string event = "INSERT";
    std::string seq;
    std::string newImage; ///< "" = absent
    std::string oldImage;
    std::optional<std::int64_t> micros;
    std::string shape = "lambda-dynamodb";
    std::string raw;     ///< "" = build a Lambda record from the fields
    std::string eventId; ///< "" = "e" + seq
};

inline std::string lambdaRaw(const Rec& r)
{
    std::string s = "{\"eventID\":\"e" + r.seq + "\",\"eventName\":\"" + r.event
        + "\",\"eventVersion\":\"1.1\",\"eventSource\":\"aws:dynamodb\",\"awsRegion\":\"eu-central-1\","
          "\"eventSourceARN\":"
        + nlohmann::json(r.arn).dump() + ",\"dynamodb\":{";
    if (r.micros)
        s += "\"ApproximateCreationDateTime\":" + std::to_string(*r.micros / 1000000) + ",";
    s += "\"Keys\":" + r.keysJson;
    if (!r.newImage.empty())
        s += ",\"NewImage\":" + r.newImage;
    if (!r.oldImage.empty())
        s += ",\"OldImage\":" + r.oldImage;
    s += ",\"SequenceNumber\":\"" + r.seq + "\",\"SizeBytes\":26,\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}}";
    return s;
}

/// Adds the records as one source; returns "" or the error.
inline std::string load(storage::Store& store, const std::vector<Rec>& records, const std::string& sourceName)
{
    auto writer = storage::ImportWriter::create(store.database());
    if (!writer)
        return writer.error().message;
    auto begun = writer->beginSource({sourceName, 1, sourceName, "lambda-dynamodb"});
    if (!begun)
        return begun.error().message;
    std::int64_t index = 0;
    for (const auto& r : records) {
        const std::string raw = r.raw.empty() ? lambdaRaw(r) : r.raw;
        storage::RecordInput in;
        in.tableName = r.table;
        in.streamArn = r.arn;
        in.region = "eu-central-1";
        in.viewType = r.shape == "lambda-dynamodb" ? model::ViewType::NewAndOldImages : model::ViewType::Unknown;
        in.shape = r.shape;
        in.keysJson = r.keysJson;
        in.eventName = *model::parseEventName(r.event);
        in.sequenceNumber = r.seq;
        // RecordInput holds views: keep the text alive until addRecord
        const std::string eventId = r.eventId.empty() ? "e" + r.seq : r.eventId;
        in.eventId = eventId;
        in.creationTimeMicros = r.micros;
        if (!r.newImage.empty())
            in.newImageJson = r.newImage;
        if (!r.oldImage.empty())
            in.oldImageJson = r.oldImage;
        in.raw = raw;
        in.recordIndex = index++;
        auto added = writer->addRecord(in);
        if (!added)
            return added.error().message;
    }
    if (auto e = writer->commitSource())
        return e->message;
    return {};
}

} // namespace exporttest
