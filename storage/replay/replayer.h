#pragma once

// `streamscope replay`: selected records, batched as Lambda would, run through a local handler with Lambda's
// failure semantics (storage/replay/lambdaretry.h), each run recorded in the store (storage/replay/runtables.h).
//
//   storage::ReplayOptions options;
//   options.target = std::make_shared<storage::CommandTarget>(storage::HandlerCommand{{"python3", "handler.py"}, {}});
//   auto run = storage::runReplay(store, selection, options);   // run->id: the recorded run
//
// A target that is unusable (HandlerOutcome::End::StartFailed: cannot start, wrong function name, endpoint not
// running) fails the replay at once: the run is recorded as "failed" (with that invocation and its reason) and the
// reason is returned as the error. A stop (ReplayOptions::stopRequested, e.g. Ctrl+C or Cancel) ends the running
// invocation through ReplayTarget::stop() and records the run with what was done as ReplayOptions::stoppedStatus.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/delivery/batchplanner.h"
#include "storage/delivery/lambdabatches.h"
#include "storage/delivery/selection.h"
#include "storage/replay/handlerprocess.h"
#include "storage/replay/lambdaretry.h"
#include "storage/replay/replaytarget.h"
#include "storage/replay/runreport.h"
#include "storage/store/database.h"

namespace storage {

struct ReplayOptions
{
    std::shared_ptr<ReplayTarget> target;     ///< where each batch goes; description() is recorded with the run
    HandlerCommand handler;                   ///< shorthand when `target` is null: a CommandTarget running this command
    std::chrono::milliseconds timeout{30000}; ///< per invocation (Lambda's function timeout)
    ReplayPolicy policy;                      ///< --max-retries, --bisect
    BatchLimits limits;                       ///< --batch-size (≤ 10,000) and the 6 MB payload limit
    bool record = true;                       ///< save the run in the store
    /// Polled about every 20 ms from a watcher thread (and between invocations); once it returns true the running
    /// invocation is ended (target->stop()) and the run is recorded with `stoppedStatus`. Must be thread-safe (read an
    /// atomic, or a flag a signal handler sets).
    std::function<bool()> stopRequested;
    std::string stoppedStatus = "cancelled"; ///< "interrupted" for a signal
    /// Called just before every invocation (from the replaying thread): the 1-based batch number, the 1-based attempt
    /// within it, and the records of the batch this attempt sends (1-based, inclusive) — what a progress display shows
    /// while the handler runs.
    std::function<void(int batch, int attempt, std::int64_t first, std::int64_t last)> beforeInvocation;
};

/// How the error of a replay whose target is unusable begins (the CLI exits 3 for it, not 2).
inline constexpr std::string_view kUnusableTargetError = "the replay target cannot be used: ";

/// Called after every invocation (batch number 1-based, attempt); return false to stop the run (status cancelled).
using ReplayObserver = std::function<bool(const ReplayBatchInfo& batch, const ReplayAttemptInfo& attempt)>;

/// Selects, batches and replays. Errors: selection/store errors, InvalidArgument for no target/handler, or the reason a
/// target is unusable (the run is then recorded as "failed"). Function errors, timeouts and crashes are not errors of
/// the run: their batches fail as Lambda's would.
Result<ReplayRunInfo> runReplay(Store& store, const RecordSelection& selection, const ReplayOptions& options,
                                const ReplayObserver& observer = {});

/// Replays already built batches (no store needed when options.record is false; `database` may then be null).
Result<ReplayRunInfo> replayBatches(Database* database, const std::vector<LambdaBatch>& batches,
                                    const ReplayOptions& options, const std::string& selectionJson,
                                    const ReplayObserver& observer = {});

} // namespace storage
