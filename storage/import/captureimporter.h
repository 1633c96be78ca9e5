#pragma once

// Importing capture files into a store: every file is read on a background thread (CaptureReader: streaming,
// simdjson; it also computes each record's content hash and sequence sort key) while the calling thread writes
// (ImportWriter: each file atomic inside a write transaction shared by consecutive files and committed every
// ImportOptions::groupMillis, so a failed, cancelled or strict-rejected file leaves no rows and the files before it
// stay). Knows nothing about Qt; the GUI job and the CLI share it.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "storage/import/capturereader.h"
#include "storage/import/exportfolder.h"
#include "storage/import/importwriter.h"
#include "storage/store/database.h"
#include "storage/store/storedrows.h"

namespace storage {

struct ImportOptions
{
    ReadOptions read;    ///< --stream-arn, --table, --key-attributes
    bool strict = false; ///< any skipped record fails its file
    /// --describe-table FILE: an `aws dynamodb describe-table` output giving the key schema of full-export items
    /// (else one found beside the export folder, else read.keyAttributes, else guessed).
    std::string describeTablePath;
    std::size_t batchRecords = 1000; ///< records per hand-over between the threads (and per progress call)
    /// ...and at most about this much record text per hand-over (a batch ends after the record that reaches it):
    /// 1000 records of 100 KB would otherwise be 100 MB per batch, several batches in flight. 0: no byte bound.
    std::size_t batchBytes = std::size_t{4} << 20;
    /// Bound of the hand-over queue (memory bound): queueBatches * batchRecords records and queueBytes of record
    /// text in flight (one batch always fits; plus at most 4096 file begin/end messages), whatever the records per
    /// file.
    std::size_t queueBatches = 8;
    std::size_t queueBytes = std::size_t{64} << 20;
    /// Consecutive files share one write transaction (each file all-or-none) committed at a file boundary (or while
    /// waiting for the next file) once it is groupMillis old (or 4x as old as the last commit took, on a busy
    /// machine) or holds groupFiles files, and at the end: other connections see imported files about that often,
    /// and a crash loses at most the uncommitted group (each file all-or-none; a file never spans two
    /// transactions).
    int groupFiles = 1000;
    int groupMillis = 500;
    /// PRAGMA wal_autocheckpoint during the import (pages; 0 keeps the connection's setting); the WAL is
    /// checkpointed once at the end. Not used with backgroundCheckpoints (when its connection opens).
    int walCheckpointPages = 16384;
    /// Copy committed groups from the WAL into the store on a thread of its own (own connection, PASSIVE
    /// checkpoints) instead of inside the writer's commits: the copy overlaps reading and writing.
    bool backgroundCheckpoints = true;
    /// After a group commit that left the WAL bigger than this, the writer checkpoints all of it and empties it
    /// (pausing the background checkpoints meanwhile; a reader holding an old snapshot gets a second): an import of
    /// many files then needs at most about this plus one group's size of disk beside the store, instead of the
    /// whole import again. 0: never.
    std::uint64_t walTruncateBytes = std::uint64_t{512} << 20;
    /// Files up to this size are read once into memory, hashed there and parsed from there. Bigger plain files are
    /// hashed while they are parsed (the already-imported check then happens at their end), unless the store holds
    /// a file of the same size (or one came earlier in this import): such a file may be a re-import and is hashed in
    /// a pass of its own first, so it is recognised without being parsed. Bigger gzip files are always hashed first.
    std::uint64_t readWholeBytes = std::uint64_t{8} << 20;
    /// false: no reader thread; every input is read (split, validated, hashed) on the calling thread before
    /// anything is written, and held in memory meanwhile. The same records and results as the threaded import,
    /// without a thread per call: for small inputs imported very often (the fuzz_import target). Cancel is then
    /// noticed only once reading is done.
    bool readerThread = true;
};

struct ImportProgress
{
    std::uint64_t bytesRead = 0;  ///< over all files (on-disk bytes)
    std::uint64_t bytesTotal = 0; ///< sum of the file sizes on disk
    std::int64_t recordsRead = 0; ///< records handled so far (stored, duplicate, conflict or skipped)
    std::int64_t filesDone = 0;
    std::int64_t filesTotal = 0;
    std::string currentFile;
};

/// Called from the importing (calling) thread after every batch and file. Return false to cancel: the current
/// file is rolled back (files finished before stay imported: they are committed).
using ProgressCallback = std::function<bool(const ImportProgress&)>;

struct FileImportResult
{
    /// Sidecar: a file of a known layout that belongs next to captures (export manifests and checksums, `_started`,
    /// DescribeTable output, Lambda batch responses): listed, not read as records, no effect on the exit code.
    /// StoreFailed: the store failed (disk full, I/O error) while this file was written, or the write transaction
    /// holding it was rolled back: nothing of it is in the store and the file itself is not to blame (the store's
    /// error is said once, ImportSummary::storeError). NotStarted: the import stopped at a store failure before it.
    enum class Status { Imported, AlreadyImported, NotCapture, Failed, Cancelled, Sidecar, StoreFailed, NotStarted };
    std::string path;
    Status status = Status::Imported;
    std::string format; ///< shape(s) detected, e.g. "lambda-dynamodb" or "lambda-dynamodb+getrecords"
    std::uint64_t sizeBytes = 0;
    std::int64_t records = 0; ///< records read (valid ones)
    std::int64_t inserted = 0;
    std::int64_t duplicates = 0;
    std::int64_t conflicts = 0;
    std::int64_t skipped = 0;
    std::vector<RecordIssue> skippedRecords; ///< the first 100 of them
    /// Failed: why, where. StoreFailed while one of its records was written: that record's place (the record is
    /// not at fault).
    std::optional<FileFailure> failure;
    std::string notImportedReason; ///< StoreFailed, NotStarted: why nothing of the file is in the store
    std::string notCaptureReason;  ///< NotCapture: what the file is instead; Sidecar: what it is
    int exportIndex = -1;          ///< a data file or the manifest of ImportSummary::exports[exportIndex]
    std::vector<std::string> notes;
    std::optional<LogStats> log;        ///< read as a log: its shape(s) and counts
    std::int64_t sourceId = 0;          ///< Imported: the new source
    std::optional<SourceInfo> existing; ///< AlreadyImported: the source imported before
    double seconds = 0;
};
/// "imported", "already-imported", "not-a-capture", "failed", "cancelled", "sidecar", "store-failed", "not-started".
std::string_view fileStatusText(FileImportResult::Status status);

/// Where an import's time went (the CLI shows it under STREAMSCOPE_WRITER_STATS).
struct ImportStatistics
{
    double seconds = 0;                 ///< the whole import (ImportSummary::seconds)
    double writerWaitedSeconds = 0;     ///< the writer (calling) thread waited for the reader thread
    double finalCheckpointSeconds = 0;  ///< from the last commit on: final checkpoint, reader thread stopped
    bool backgroundCheckpoints = false; ///< a checkpointer thread copied the WAL into the store meanwhile
    std::int64_t walTruncations = 0;    ///< checkpoints that emptied the WAL after passing walTruncateBytes
    std::uint64_t walPeakBytes = 0;     ///< the WAL's largest size seen after a group commit
    WriterStatistics writer;            ///< the writer's group commits
};

struct ImportSummary
{
    std::vector<FileImportResult> files;
    std::vector<std::string> inputErrors; ///< paths that do not exist / cannot be listed
    /// The DynamoDB export folders found (each imported as one export of one table; nothing of one with problems).
    std::vector<ExportFolder> exports;
    /// Files left out because they are the store being imported into or its SQLite side files (-wal, -shm,
    /// -journal), e.g. the store kept in the folder of captures: "<path>: the store itself, not a capture" (not an
    /// error; the exit code does not change).
    std::vector<std::string> skippedInputs;
    bool cancelled = false;
    std::optional<Error> storeError; ///< the store failed: the import stopped (current file rolled back)
    double seconds = 0;
    std::uint64_t bytes = 0;
    /// Set when files were written (not when there were no files or the store could not be written at all).
    std::optional<ImportStatistics> statistics;

    std::int64_t total(std::int64_t FileImportResult::*field) const;
    /// 0 all imported (or already; sidecars and non-capture files next to captures change nothing), 1 records
    /// were skipped, 3 an input file failed, an export is incomplete or nothing was a capture, 4 store error.
    /// Cancel counts as 3.
    int exitCode() const;
};

/// Imports files and directories (recursive, sorted) into the store open on `db` (writable, schema current).
ImportSummary importCaptures(Database& db, const std::vector<std::string>& paths, const ImportOptions& options = {},
                             const ProgressCallback& onProgress = {});

} // namespace storage
