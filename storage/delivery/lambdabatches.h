#pragma once

// The selected records as AWS Lambda would deliver them: each converted to the Lambda DynamoDB record shape
// (storage/delivery/lambdarecord.h) and grouped into batches (storage/delivery/batchplanner.h), streamed in delivery
// order (storage/delivery/deliveryreader.h). The exporter writes these batches to files, the replay hands them to a
// handler.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/delivery/batchplanner.h"
#include "storage/delivery/deliveryreader.h"
#include "storage/delivery/selection.h"
#include "storage/store/store.h"

namespace storage {

/// One record ready for Lambda.
struct BatchRecord
{
    std::int64_t recordId = 0;
    std::string table;
    std::string keyText;        ///< display text of the Keys
    std::string keysJson;       ///< DynamoDB JSON of the Keys as delivered
    std::string sequenceNumber; ///< as written in the record (synthetic for converted records without one)
    std::string json;           ///< the record exactly as Lambda would deliver it
    std::string shape;          ///< envelope it arrived in
    bool converted = false;
    bool syntheticSequenceNumber = false;
    bool jsUnsafe = false;
    std::uint16_t synthesized = 0; ///< storage::SynthesizedField bits: members the export had to write
};

struct LambdaBatch
{
    std::string stream;
    std::string table;
    std::vector<BatchRecord> records;
    std::size_t payloadBytes = 0;
};

/// `{"Records":[...]}` for records [begin, end) of a batch (end clamped).
std::string eventJson(const LambdaBatch& batch, std::size_t begin = 0, std::size_t end = SIZE_MAX);

struct OversizeInfo
{
    std::int64_t recordId = 0;
    std::string table;
    std::string keyText;
    std::string sequenceNumber;
    std::size_t payloadBytes = 0; ///< an event holding only this record
};

struct BatchBuild
{
    std::vector<LambdaBatch> batches;
    std::vector<OversizeInfo> oversize; ///< left out: a Lambda event cannot hold them
    std::int64_t selected = 0;          ///< records matching the selection (before the js-unsafe option)
    std::int64_t jsUnsafe = 0;          ///< of those, records with js-unsafe numbers
    std::int64_t excludedByJsOption = 0;
    std::int64_t droppedByCriteria = 0; ///< left out by the selection's Lambda filter criteria
    std::int64_t converted = 0;
    std::int64_t syntheticSequenceNumbers = 0;
    std::vector<std::pair<std::string, std::int64_t>> convertedShapes; ///< shape -> records converted
    /// Field name ("eventSourceARN", "awsRegion", "dynamodb.SizeBytes", ...) -> records that got it synthesised.
    std::vector<std::pair<std::string, std::int64_t>> synthesizedFields;
};

/// Called with each batch as soon as it is complete (records in delivery order); an error stops the export.
using BatchSink = std::function<std::optional<Error>(LambdaBatch& batch)>;
/// `progress(recordsLookedAt, recordsToLookAt)`; return false to cancel (Error::Kind::Interrupted).
using DeliveryProgress = std::function<bool(std::int64_t, std::int64_t)>;

/// Streams the selection (storage/delivery/deliveryreader.h: delivery order = store stream, then records without a
/// sequence number by creation time, then numeric sequence order), converts each record to the Lambda shape and hands
/// out batches as they fill: memory is one batch plus one page of records. The returned counts have no batches.
Result<BatchBuild> forEachLambdaBatch(Store& store, const RecordSelection& selection, const BatchLimits& limits,
                                      const BatchSink& onBatch, const DeliveryProgress& progress = {});

/// All batches in memory (the replay's input; use forEachLambdaBatch for big selections).
Result<BatchBuild> buildLambdaBatches(Store& store, const RecordSelection& selection, const BatchLimits& limits,
                                      const DeliveryProgress& progress = {});

/// The ids of the selected records (audit and js-unsafe conditions included), sorted.
Result<std::vector<std::int64_t>> selectRecordIds(Store& store, const RecordSelection& selection);

/// Called with each selected record in delivery order, converted (`stream`: the Lambda batch stream it belongs to).
using RecordSink = std::function<std::optional<Error>(SelectedRecord&, BatchRecord&, const std::string& stream)>;
/// Reads the rest of `reader` and hands every converted record to `onRecord`; the returned counts have no batches.
/// Progress is called every 256 records looked at; returning false cancels (Error::Kind::Interrupted).
Result<BatchBuild> forEachDeliveredRecord(DeliveryReader& reader, const DeliveryProgress& progress,
                                          const RecordSink& onRecord);

/// forEachLambdaBatch on an open reader (the rest of it).
Result<BatchBuild> lambdaBatchesFrom(DeliveryReader& reader, const BatchLimits& limits, const BatchSink& onBatch,
                                     const DeliveryProgress& progress = {});

/// InvalidArgument unless 1 <= maxRecords <= 10,000 and maxPayloadBytes <= 6,291,456.
std::optional<Error> checkBatchLimits(const BatchLimits& limits);

} // namespace storage
