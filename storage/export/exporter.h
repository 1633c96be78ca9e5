#pragma once

// Export of stored records as the Lambda DynamoDB batches Lambda would deliver, JSON Lines, or a CSV of changes.
//
//   storage::RecordSelection sel;  sel.tables = {"Orders"};
//   storage::ExportOptions opt;    opt.folder = "/tmp/out";
//   auto report = storage::exportRecords(store, sel, opt);   // numbered files + manifest.json
//
// The batches come from storage/delivery/lambdabatches.h, which the replay (storage/replay/replayer.h) uses too.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/streamrecord.h"
#include "storage/delivery/lambdabatches.h"
#include "storage/delivery/selection.h"
#include "storage/store/store.h"

namespace storage {

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
Result<ExportReport> exportRecords(Store& store, const RecordSelection& selection, const ExportOptions& options,
                                   const DeliveryProgress& progress = {});

/// The manifest text of a report (what exportRecords writes as manifest.json).
std::string manifestJson(const ExportReport& report, const RecordSelection& selection, const ExportOptions& options);

/// One CSV field (RFC 4180 quoting; a leading = + - @ gets a ' so spreadsheets do not run it as a formula).
std::string csvField(std::string_view text);

} // namespace storage
