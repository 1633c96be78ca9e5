#pragma once

// Export of stored records as the Lambda DynamoDB batches Lambda would deliver, JSON Lines, or a CSV of changes.
//
//   storage::ExportSelection sel;  sel.tables = {"Orders"};
//   storage::ExportOptions opt;    opt.folder = "/tmp/out";
//   auto report = storage::exportRecords(store, sel, opt);   // numbered files + manifest.json
//
// The same selection and batching drive the replay (storage/replayservice.h): buildLambdaBatches().

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/streamrecord.h"
#include "storage/batchplanner.h"
#include "storage/database.h"
#include "storage/store.h"

namespace storage {

/// Which records. Every member narrows; defaults select everything.
struct ExportSelection
{
    std::vector<std::string> tables; ///< table names; empty = all tables
    /// Item keys: DynamoDB JSON of the Keys (`{"Id":{"N":"101"}}`) or the display text (`Id=101`,
    /// `PK=USER#1, SK=2024`); empty = all keys.
    std::vector<std::string> keys;
    std::vector<model::EventName> eventNames; ///< empty = all
    std::optional<bool> ttl;                  ///< true: only TTL removes; false: no TTL removes
    std::optional<std::int64_t> fromMicros;   ///< creation time >= from
    std::optional<std::int64_t> toMicros;     ///< creation time < to
    std::string fromSequence;                 ///< numeric, inclusive ("" = open); records without one are excluded
    std::string toSequence;                   ///< numeric, inclusive
    /// Only records the audit flags with one of these finding kinds ("gap", "js-unsafe-number", ... see
    /// model::findingKindText, or "any"); empty = no audit condition.
    std::vector<std::string> findingKinds;
    /// Records whose Keys or images hold a number a JavaScript unmarshall cannot hold exactly (js-unsafe-number:
    /// Powertools for TypeScript rejects or alters them).
    enum class JsUnsafe : std::uint8_t { Include, Exclude, Only };
    JsUnsafe jsUnsafe = JsUnsafe::Include;
    /// Explicit records (e.g. the GUI's selected rows); when non-empty the other members still narrow.
    std::vector<std::int64_t> recordIds;
    /// The GUI's current filter, applied as well (its tableId/keyId/... combine with the members above).
    std::optional<RecordFilter> filter;
};

enum class ExportFormat : std::uint8_t {
    LambdaEvents, ///< batch-NNNNNN.json: `{"Records":[...]}` (default)
    JsonLines,    ///< batch-NNNNNN.jsonl: the same batches, one record per line
    ChangesCsv,   ///< changes.csv: time,table,key,event,path,op,old,new
};
std::string_view exportFormatText(ExportFormat format); // "lambda", "jsonl", "csv"
std::optional<ExportFormat> parseExportFormat(std::string_view text);

struct ExportOptions
{
    std::string folder; ///< created if missing; files are only ever written inside it
    ExportFormat format = ExportFormat::LambdaEvents;
    BatchLimits limits;     ///< maxRecords 1..10,000 (default 100), maxPayloadBytes ≤ 6,291,456
    bool force = false;     ///< replace files of an earlier export in the folder
    std::string storeLabel; ///< written into the manifest (e.g. the store path)
};

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
    std::int64_t converted = 0;
    std::int64_t syntheticSequenceNumbers = 0;
    std::vector<std::pair<std::string, std::int64_t>> convertedShapes; ///< shape -> records converted
    /// Field name ("eventSourceARN", "awsRegion", "dynamodb.SizeBytes", ...) -> records that got it synthesised.
    std::vector<std::pair<std::string, std::int64_t>> synthesizedFields;
};

/// Called with each batch as soon as it is complete (records in delivery order); an error stops the export.
using BatchSink = std::function<std::optional<Error>(LambdaBatch& batch)>;
/// `progress(recordsLookedAt, recordsToLookAt)`; return false to cancel (Error::Kind::Interrupted).
using ExportProgress = std::function<bool(std::int64_t, std::int64_t)>;

/// Streams the selection (storage/exportreader.h: delivery order = store stream, then records without a sequence
/// number by creation time, then numeric sequence order), converts each record to the Lambda shape and hands out
/// batches as they fill: memory is one batch plus one page of records. The returned counts have no batches.
Result<BatchBuild> forEachLambdaBatch(Store& store, const ExportSelection& selection, const BatchLimits& limits,
                                      const BatchSink& onBatch, const ExportProgress& progress = {});

/// All batches in memory (the replay's input; use forEachLambdaBatch for big selections).
Result<BatchBuild> buildLambdaBatches(Store& store, const ExportSelection& selection, const BatchLimits& limits,
                                      const ExportProgress& progress = {});

/// The ids of the selected records (audit and js-unsafe conditions included), sorted.
Result<std::vector<std::int64_t>> selectRecordIds(Store& store, const ExportSelection& selection);

struct ExportedFile
{
    std::string name; ///< file name inside the folder
    std::string stream;
    std::string table;
    std::int64_t records = 0;
    std::int64_t bytes = 0;
    std::string firstSequenceNumber;
    std::string lastSequenceNumber;
    /// Field name -> indexes (0-based, within this file) of the records that got it synthesised.
    std::vector<std::pair<std::string, std::vector<std::uint32_t>>> synthesized;
};

struct ExportReport
{
    std::string folder;
    std::vector<ExportedFile> files; ///< manifest.json not included
    std::int64_t recordsWritten = 0;
    std::int64_t recordsWithSynthesizedFields = 0; ///< written records that got at least one field synthesised
    std::int64_t csvRows = 0;
    BatchBuild build;                       ///< counts and oversize records (batches emptied)
    std::vector<std::string> replacedFiles; ///< with force: files of an earlier export removed or overwritten
};

/// Files of an earlier export in `folder` (batch-NNNNNN.json/.jsonl, changes.csv, manifest.json), sorted; empty
/// when the folder does not exist.
std::vector<std::string> existingExportFiles(const std::string& folder);

/// Writes the selection into options.folder (numbered files + manifest.json), streaming: each batch file is
/// written as soon as it is full, so memory is one batch whatever the selection's size. Refuses (InvalidArgument,
/// nothing written) when the folder already holds files of an export (batch-*.json/.jsonl, changes.csv, manifest.json)
/// and force is off. File names never derive from data, files are opened with O_NOFOLLOW (a planted symlink is an
/// error, never followed), so nothing is written outside the folder whatever table or key names contain. On an
/// error or cancel (progress returned false) the files this run wrote are removed again.
Result<ExportReport> exportRecords(Store& store, const ExportSelection& selection, const ExportOptions& options,
                                   const ExportProgress& progress = {});

/// The manifest text of a report (what exportRecords writes as manifest.json).
std::string manifestJson(const ExportReport& report, const ExportSelection& selection, const ExportOptions& options);

/// One CSV field (RFC 4180 quoting; a leading = + - @ gets a ' so spreadsheets do not run it as a formula).
std::string csvField(std::string_view text);

} // namespace storage
