#pragma once

// Test/benchmark helper: fills a store from Lambda DynamoDB stream records (JSON Lines, or one {"Records":[…]}
// file) through storage::ImportWriter, without the capture importer. Arrival order = file order.

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "storage/import/importwriter.h"
#include "storage/store/store.h"

namespace genimport {

inline std::string tableFromArn(const std::string& arn)
{
    const auto p = arn.find(":table/");
    if (p == std::string::npos)
        return arn.empty() ? std::string("unknown") : arn;
    const auto start = p + 7;
    const auto end = arn.find('/', start);
    return arn.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

/// Adds one record; returns "" or the error.
inline std::string addRecord(storage::ImportWriter& writer, const nlohmann::json& r, const std::string& raw,
                             std::int64_t index)
{
    const auto& d = r.at("dynamodb");
    const std::string arn = r.value("eventSourceARN", std::string());
    const std::string table = tableFromArn(arn);
    const std::string keys = d.at("Keys").dump();
    const std::string seq = d.value("SequenceNumber", std::string());
    const std::string eventId = r.value("eventID", std::string());
    std::string newImage;
    std::string oldImage;
    storage::RecordInput in;
    in.tableName = table;
    in.streamArn = arn;
    const std::string region = r.value("awsRegion", std::string()); // RecordInput holds views: keep it alive
    in.region = region;
    if (d.contains("StreamViewType"))
        in.viewType =
            model::parseViewType(d.at("StreamViewType").get<std::string>()).value_or(model::ViewType::Unknown);
    in.shape = "lambda-dynamodb";
    in.keysJson = keys;
    in.eventName = *model::parseEventName(r.at("eventName").get<std::string>());
    in.sequenceNumber = seq;
    in.eventId = eventId;
    std::string timeText;
    if (d.contains("ApproximateCreationDateTime")) {
        in.creationTimeMicros = static_cast<std::int64_t>(d.at("ApproximateCreationDateTime").get<double>() * 1e6);
        in.timeUnit = storage::TimeUnit::Seconds;
        timeText = d.at("ApproximateCreationDateTime").dump();
        in.timeText = timeText;
    }
    if (r.contains("userIdentity") && r.at("userIdentity").is_object())
        in.ttl = r.at("userIdentity").value("principalId", std::string()) == "dynamodb.amazonaws.com";
    if (d.contains("NewImage")) {
        newImage = d.at("NewImage").dump();
        in.newImageJson = newImage;
    }
    if (d.contains("OldImage")) {
        oldImage = d.at("OldImage").dump();
        in.oldImageJson = oldImage;
    }
    if (d.contains("SizeBytes"))
        in.sizeBytes = d.at("SizeBytes").get<std::int64_t>();
    in.raw = raw;
    in.recordIndex = index;
    auto added = writer.addRecord(in);
    return added ? std::string() : added.error().message;
}

/// Imports one file as one source; returns "" or the reason.
inline std::string importFile(storage::Store& store, const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return "cannot read " + path;
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    if (text.starts_with("\xEF\xBB\xBF"))
        text.erase(0, 3);
    auto writer = storage::ImportWriter::create(store.database());
    if (!writer)
        return writer.error().message;
    auto begun = writer->beginSource({path, static_cast<std::int64_t>(text.size()),
                                      std::to_string(std::hash<std::string>{}(text)), "lambda-dynamodb"});
    if (!begun)
        return begun.error().message;
    if (begun->alreadyImported)
        return {};
    std::int64_t index = 0;
    auto whole = nlohmann::json::parse(text, nullptr, false);
    if (!whole.is_discarded() && whole.is_object() && whole.contains("Records")) {
        for (const auto& r : whole.at("Records")) {
            if (auto e = addRecord(*writer, r, r.dump(), index++); !e.empty())
                return e;
        }
    } else {
        std::istringstream lines(text);
        std::string line;
        while (std::getline(lines, line)) {
            if (line.find_first_not_of(" \t\r\n") == std::string::npos)
                continue;
            if (auto e = addRecord(*writer, nlohmann::json::parse(line), line, index++); !e.empty())
                return e;
        }
    }
    if (auto e = writer->commitSource())
        return e->message;
    return {};
}

} // namespace genimport
