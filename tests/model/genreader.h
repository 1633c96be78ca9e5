#pragma once

// Test helper (header-only, nlohmann): reads Lambda DynamoDB stream records from JSON Lines or
// {"Records":[...]} files straight into model::HistoryRecords, so the model engine can be tested on generated
// captures and public samples without the store. Arrival = position in the file(s).

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/dynamodbjson.h"
#include "model/itemhistory.h"

namespace genreader {

inline std::string tableFromArn(const std::string& arn)
{
    const auto p = arn.find(":table/");
    if (p == std::string::npos)
        return arn.empty() ? std::string("unknown") : arn;
    const auto start = p + 7;
    const auto end = arn.find('/', start);
    return arn.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

inline model::HistoryRecord fromJson(const nlohmann::json& r, std::int64_t arrival)
{
    model::HistoryRecord h;
    const auto& d = r.at("dynamodb");
    h.id = arrival;
    h.arrival = arrival;
    h.streamArn = r.value("eventSourceARN", std::string());
    h.table = tableFromArn(h.streamArn);
    h.keysJson = d.at("Keys").dump();
    h.keys = *model::parseItem(h.keysJson).value;
    h.eventName = *model::parseEventName(r.at("eventName").get<std::string>());
    h.sequenceNumber = d.value("SequenceNumber", std::string());
    h.eventId = r.value("eventID", std::string());
    if (d.contains("ApproximateCreationDateTime"))
        h.creationTimeMicros = static_cast<std::int64_t>(d.at("ApproximateCreationDateTime").get<double>() * 1e6);
    if (d.contains("StreamViewType"))
        h.viewType = model::parseViewType(d.at("StreamViewType").get<std::string>()).value_or(model::ViewType::Unknown);
    if (r.contains("userIdentity") && r.at("userIdentity").is_object())
        h.ttl = r.at("userIdentity").value("principalId", std::string()) == "dynamodb.amazonaws.com";
    if (d.contains("NewImage"))
        h.newImage = model::Image::fromJson(d.at("NewImage").dump());
    if (d.contains("OldImage"))
        h.oldImage = model::Image::fromJson(d.at("OldImage").dump());
    return h;
}

/// Appends the records of one file (JSON Lines of records, or one {"Records":[...]} object, BOM tolerated).
inline void readFile(const std::string& path, std::vector<model::HistoryRecord>& out)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    if (text.starts_with("\xEF\xBB\xBF"))
        text.erase(0, 3);
    std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return;
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("Records")) {
        for (const auto& r : j.at("Records"))
            out.push_back(fromJson(r, static_cast<std::int64_t>(out.size()) + 1));
        return;
    }
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.find_first_not_of(" \t\r\n") == std::string::npos)
            continue;
        out.push_back(fromJson(nlohmann::json::parse(line), static_cast<std::int64_t>(out.size()) + 1));
    }
}

inline nlohmann::json readJson(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return nlohmann::json::parse(in);
}

} // namespace genreader
