#pragma once

// Helpers for the store tests: records built as Lambda-shaped raw JSON whose Keys/images are views into the raw
// text (as the importer passes them), and a writer session that fills a store.

#include <QTest>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/import/importwriter.h"
#include "storage/store/store.h"

namespace storetest {

struct Spec
{
    std::string table = "Orders";
    std::string streamArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/stream/2024-01-01T00:00:00.000";
    std::string keys = R"({"Id":{"N":"1"}})";
    model::EventName eventName = model::EventName::Insert;
    std::string sequenceNumber;
    std::string eventId;
    std::optional<std::int64_t> timeMicros;
    std::optional<std::string> newImage;
    std::optional<std::string> oldImage;
    bool ttl = false;
    model::ViewType viewType = model::ViewType::NewAndOldImages;
    std::int64_t recordIndex = 0;
    bool imagesOutsideRaw = false; ///< pass images as separate text (like decoded Kinesis payloads)
};

/// Owns the raw text and the separate texts the RecordInput views point at. Not copyable (views).
struct OwnedRecord
{
    Spec spec;
    std::string raw;
    std::string outsideKeys;
    std::string outsideNew;
    std::string outsideOld;
    storage::RecordInput input;
};

inline std::unique_ptr<OwnedRecord> makeRecord(const Spec& spec)
{
    auto r = std::make_unique<OwnedRecord>();
    r->spec = spec;
    std::string& raw = r->raw;
    raw = R"({"eventID":")" + spec.eventId + R"(","eventName":")" + std::string(model::eventNameText(spec.eventName))
        + R"(","dynamodb":{"Keys":)";
    const std::size_t keysAt = raw.size();
    raw += spec.keys;
    std::size_t newAt = 0;
    std::size_t oldAt = 0;
    if (spec.newImage) {
        raw += R"(,"NewImage":)";
        newAt = raw.size();
        raw += *spec.newImage;
    }
    if (spec.oldImage) {
        raw += R"(,"OldImage":)";
        oldAt = raw.size();
        raw += *spec.oldImage;
    }
    if (!spec.sequenceNumber.empty())
        raw += R"(,"SequenceNumber":")" + spec.sequenceNumber + "\"";
    raw += "}}";

    storage::RecordInput& in = r->input;
    in.tableName = r->spec.table;
    in.streamArn = r->spec.streamArn;
    in.region = "eu-west-1";
    in.viewType = spec.viewType;
    in.shape = "lambda-dynamodb";
    in.eventName = spec.eventName;
    in.sequenceNumber = r->spec.sequenceNumber;
    in.eventId = r->spec.eventId;
    in.creationTimeMicros = spec.timeMicros;
    in.timeUnit = spec.timeMicros ? storage::TimeUnit::Seconds : storage::TimeUnit::Unknown;
    in.sizeBytes = static_cast<std::int64_t>(raw.size());
    in.ttl = spec.ttl;
    in.raw = raw;
    in.recordIndex = spec.recordIndex;
    in.byteOffset = spec.recordIndex * 1000;
    if (spec.imagesOutsideRaw) {
        r->outsideKeys = spec.keys;
        in.keysJson = r->outsideKeys;
        if (spec.newImage) {
            r->outsideNew = *spec.newImage;
            in.newImageJson = std::string_view(r->outsideNew);
        }
        if (spec.oldImage) {
            r->outsideOld = *spec.oldImage;
            in.oldImageJson = std::string_view(r->outsideOld);
        }
    } else {
        in.keysJson = std::string_view(raw).substr(keysAt, spec.keys.size());
        if (spec.newImage)
            in.newImageJson = std::string_view(raw).substr(newAt, spec.newImage->size());
        if (spec.oldImage)
            in.oldImageJson = std::string_view(raw).substr(oldAt, spec.oldImage->size());
    }
    return r;
}

/// {"Id":{"N":"<n>"}}
/// EXPLAIN QUERY PLAN's details of `sql` on `db`, one per line (empty when it cannot be explained).
inline std::string queryPlan(storage::Database& db, const std::string& sql)
{
    auto explained = db.prepare("EXPLAIN QUERY PLAN " + sql);
    if (!explained)
        return {};
    std::string details;
    if (explained->forEachRow([&](storage::Statement& row) { details += row.textCopy(3) + "\n"; }))
        return {};
    return details;
}

inline std::string idKeys(std::int64_t n)
{
    return "{\"Id\":{\"N\":\"" + std::to_string(n) + "\"}}";
}

/// 21-digit sequence number text for n (numeric order = n order).
inline std::string seq(std::int64_t n)
{
    std::string digits = std::to_string(n);
    return "4" + std::string(20 - digits.size(), '0') + digits;
}

/// Writes specs as one source; QVERIFY-style failures are reported through the returned error text.
inline std::string writeSource(storage::Database& db, const std::string& path, const std::vector<Spec>& specs,
                               std::vector<storage::AddOutcome>* outcomes = nullptr)
{
    auto writer = storage::ImportWriter::create(db);
    if (!writer)
        return writer.error().message;
    storage::SourceDescriptor source;
    source.path = path;
    source.sizeBytes = 1234;
    source.contentHash = "hash:" + path;
    source.format = "lambda-dynamodb";
    auto begun = writer->beginSource(source);
    if (!begun)
        return begun.error().message;
    if (begun->alreadyImported)
        return "already imported";
    for (const Spec& spec : specs) {
        auto record = makeRecord(spec);
        auto outcome = writer->addRecord(record->input);
        if (!outcome)
            return outcome.error().message;
        if (outcomes)
            outcomes->push_back(*outcome);
    }
    if (auto error = writer->commitSource(0, "test source"))
        return error->message;
    return {};
}

} // namespace storetest
