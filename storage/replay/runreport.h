#pragma once

// What a replay run did, as plain values: the run, its batches, every invocation and every record's outcome. The
// replayer (storage/replay/replayer.h) fills them, storage/replay/runtables.h keeps them in the store, and the
// CLI and the GUI show them.

#include <cstdint>
#include <string>
#include <vector>

#include "storage/delivery/lambdabatches.h"
#include "storage/replay/lambdaretry.h"

namespace storage {

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
    std::string selectionJson; ///< the selection as JSON text (with filter criteria: lambdaFilterCriteria.dropped)
    std::int64_t droppedByCriteria = -1; ///< runReplay: records the selection's filter criteria dropped (-1: none set)
    std::int64_t batchCount = 0;
    std::int64_t recordCount = 0;
    std::int64_t succeeded = 0;
    std::int64_t discarded = 0;
    std::int64_t attemptCount = 0;
    std::vector<OversizeInfo> oversize;   ///< not replayed: too big for one Lambda event
    std::vector<ReplayBatchInfo> batches; ///< empty in run lists (listReplayRuns)
};

/// JSON of a run (`withOutput` includes handler stdout/stderr of every attempt).
std::string replayRunToJson(const ReplayRunInfo& run, bool withOutput = true);

} // namespace storage
