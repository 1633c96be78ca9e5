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
    bool force = false;     ///< replace the files of an earlier export its manifest.json proves (never others)
    std::string storeLabel; ///< written into the manifest (e.g. the store path)
};

struct ExportedFile
{
    std::string name; ///< file name inside the folder
    std::string stream;
    std::string table;
    std::int64_t records = 0;
    std::int64_t bytes = 0;
    std::string sha256; ///< lowercase hex of the file's bytes (the manifest's proof that this export wrote it)
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
    std::vector<std::string> replacedFiles; ///< with force: files of the earlier export replaced (manifest.json too)
};

/// Names in `folder` shaped like export output (batch-NNNNNN.json/.jsonl, changes.csv, manifest.json), sorted; empty
/// when the folder does not exist. Whether an earlier export wrote them is inspectExportFolder()'s question.
std::vector<std::string> existingExportFiles(const std::string& folder);

/// The export-shaped files of a folder, split by whether an earlier Streamscope export provably wrote them: its
/// manifest.json (generator "streamscope export") lists the file with these bytes and, when the manifest has one
/// (manifests before sha256 was added do not), this SHA-256. Files the user changed since count as foreign.
struct ExportFolderState
{
    std::vector<std::string> earlier; ///< written by the earlier export (its manifest.json included), sorted
    std::vector<std::string> foreign; ///< export-shaped but not vouched for by a manifest, sorted
};
ExportFolderState inspectExportFolder(const std::string& folder);

/// Writes the selection into options.folder (numbered files + manifest.json), streaming: each batch file is
/// written as soon as it is full, so memory is one batch whatever the selection's size.
///
/// Never loses a file it did not write: refuses (InvalidArgument, nothing written or removed) when the folder holds
/// export-shaped files no earlier export's manifest vouches for (the message lists them; force does not override
/// it), and, unless force, when it holds an earlier export. A forced re-export is written into a fresh private
/// folder beside the target (inside it when beside is not possible on the same file system) and swapped in by
/// renames at the end: an error or cancel before the swap leaves the earlier export byte-identical, an error during
/// it moves the earlier files back. Other files in the folder (notes.txt, ...) are never touched. File names never
/// derive from data, files are opened with O_NOFOLLOW | O_EXCL (a planted symlink is an error, never followed), so
/// nothing is written outside the folder and its staging folder whatever table or key names contain. On an error
/// or cancel (progress returned false) the files this run wrote are removed again.
Result<ExportReport> exportRecords(Store& store, const RecordSelection& selection, const ExportOptions& options,
                                   const DeliveryProgress& progress = {});

/// The manifest text of a report (what exportRecords writes as manifest.json).
std::string manifestJson(const ExportReport& report, const RecordSelection& selection, const ExportOptions& options);

/// One CSV field: RFC 4180 quoting; a leading = + - @ tab or CR gets a ' so spreadsheets do not run it as a formula;
/// control characters other than tab, CR and LF (NUL, ESC, ..., DEL) are written as visible \u00XX escapes (the
/// CSV is for reading: the exact bytes are in the lambda and jsonl formats).
std::string csvField(std::string_view text);

} // namespace storage
