#pragma once

// `streamscope replay`: selected records, batched as Lambda would, run through a local handler with Lambda's
// failure semantics (storage/replay/lambdaretry.h), each run recorded in the store (storage/replay/runtables.h).
//
//   storage::ReplayOptions options;
//   options.handler.argv = {"python3", "handler.py"};
//   auto run = storage::runReplay(store, selection, options);   // run->id: the recorded run

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "storage/delivery/batchplanner.h"
#include "storage/delivery/lambdabatches.h"
#include "storage/delivery/selection.h"
#include "storage/replay/handlerprocess.h"
#include "storage/replay/lambdaretry.h"
#include "storage/replay/runreport.h"
#include "storage/store/database.h"

namespace storage {

struct ReplayOptions
{
    HandlerCommand handler;
    std::chrono::milliseconds timeout{30000}; ///< per invocation (Lambda's function timeout)
    ReplayPolicy policy;                      ///< --max-retries, --bisect
    BatchLimits limits;                       ///< --batch-size (≤ 10,000) and the 6 MB payload limit
    bool record = true;                       ///< save the run in the store
};

/// Called after every invocation (batch index 0-based, attempt); return false to stop the run (status cancelled).
using ReplayObserver = std::function<bool(const ReplayBatchInfo& batch, const ReplayAttemptInfo& attempt)>;

/// Selects, batches and replays. Errors: selection/store errors, or InvalidArgument for an empty handler. A handler
/// that cannot be started is not an error of the run: its batches fail as Lambda's would.
Result<ReplayRunInfo> runReplay(Store& store, const RecordSelection& selection, const ReplayOptions& options,
                                const ReplayObserver& observer = {});

/// Replays already built batches (no store needed when options.record is false; `database` may then be null).
Result<ReplayRunInfo> replayBatches(Database* database, const std::vector<LambdaBatch>& batches,
                                    const ReplayOptions& options, const std::string& selectionJson,
                                    const ReplayObserver& observer = {});

} // namespace storage
