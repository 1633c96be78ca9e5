#pragma once

// `streamscope replay`: selected records, batched as Lambda would, run through a local handler with Lambda's
// failure semantics (storage/replayengine.h), each run recorded in the store (storage/replaystore.h).
//
//   storage::ReplayOptions options;
//   options.handler.argv = {"python3", "handler.py"};
//   auto run = storage::runReplay(store, selection, options);   // run->id: the recorded run

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "storage/batchplanner.h"
#include "storage/database.h"
#include "storage/exporter.h"
#include "storage/replayengine.h"
#include "storage/replayrunner.h"

namespace storage {

struct ReplayOptions
{
    HandlerCommand handler;
    std::chrono::milliseconds timeout{30000}; ///< per invocation (Lambda's function timeout)
    ReplayPolicy policy;                      ///< --max-retries, --bisect
    BatchLimits limits;                       ///< --batch-size (≤ 10,000) and the 6 MB payload limit
    bool record = true;                       ///< save the run in the store
};

/// One record's outcome in a run.
struct ReplayRecordOutcome
{
    std::int64_t recordId = 0; ///< store record id
    std::string table;
    std::string keyText;
    std::string keysJson;
    std::string sequenceNumber;
    RecordStatus status = RecordStatus::Pending;
    int deliveries = 0;
    int reportedFailures = 0;
    int settledAttempt = 0;
    std::string lastError;
};

/// One invocation.
struct ReplayAttemptInfo
{
    int number = 0;
    std::int64_t begin = 0; ///< record positions [begin, end) within the batch
    std::int64_t end = 0;
    std::string firstSequenceNumber;
    std::string lastSequenceNumber;
    int retry = 0;
    bool afterBisect = false;
    std::string verdict;    ///< "success" | "partial" | "batch-failed"
    std::string reason;     ///< batch-failed: why
    std::string checkpoint; ///< partial: lowest failed sequence number
    std::vector<std::string> failedIdentifiers;
    std::string handlerEnd; ///< HandlerOutcome::describe(), e.g. "exit 0", "timed out after 3000 ms"
    int exitCode = 0;
    int signal = 0;
    std::int64_t durationMs = 0;
    std::string stdoutText;
    std::string stderrText;
};

struct ReplayBatchInfo
{
    std::int64_t id = 0; ///< store row (0 when not recorded)
    int number = 0;      ///< 1-based within the run
    std::string stream;
    std::string table;
    std::int64_t payloadBytes = 0;
    std::string firstSequenceNumber;
    std::string lastSequenceNumber;
    std::int64_t succeeded = 0;
    std::int64_t discarded = 0;
    std::vector<ReplayAttemptInfo> attempts;
    std::vector<ReplayRecordOutcome> records;
};

struct ReplayRunInfo
{
    std::int64_t id = 0; ///< store row (0 when not recorded)
    std::int64_t startedMicros = 0;
    std::int64_t finishedMicros = 0;
    std::vector<std::string> handler;
    std::string status; ///< "running" | "complete" | "cancelled" | "failed"
    int maxRetries = 0;
    bool bisect = false;
    std::int64_t timeoutMs = 0;
    std::int64_t batchSize = 0;
    std::string selectionJson; ///< the selection as JSON text
    std::int64_t batchCount = 0;
    std::int64_t recordCount = 0;
    std::int64_t succeeded = 0;
    std::int64_t discarded = 0;
    std::int64_t attemptCount = 0;
    std::vector<OversizeInfo> oversize;   ///< not replayed: too big for one Lambda event
    std::vector<ReplayBatchInfo> batches; ///< empty in run lists (listReplayRuns)
};

/// Called after every invocation (batch index 0-based, attempt); return false to stop the run (status cancelled).
using ReplayObserver = std::function<bool(const ReplayBatchInfo& batch, const ReplayAttemptInfo& attempt)>;

/// Selects, batches and replays. Errors: selection/store errors, or InvalidArgument for an empty handler. A handler
/// that cannot be started is not an error of the run: its batches fail as Lambda's would.
Result<ReplayRunInfo> runReplay(Store& store, const ExportSelection& selection, const ReplayOptions& options,
                                const ReplayObserver& observer = {});

/// Replays already built batches (no store needed when options.record is false; `database` may then be null).
Result<ReplayRunInfo> replayBatches(Database* database, const std::vector<LambdaBatch>& batches,
                                    const ReplayOptions& options, const std::string& selectionJson,
                                    const ReplayObserver& observer = {});

/// A selection as JSON (for the run record and reports).
std::string selectionToJson(const ExportSelection& selection);

/// JSON of a run (`withOutput` includes handler stdout/stderr of every attempt).
std::string replayRunToJson(const ReplayRunInfo& run, bool withOutput = true);

} // namespace storage
