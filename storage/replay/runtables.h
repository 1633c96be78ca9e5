#pragma once

// Replay runs recorded in a store. The store's schema migrations live in storage/store/schema.cpp (owned by the store
// engineer) and cannot be extended from outside, so these tables are created on first use with
// CREATE TABLE IF NOT EXISTS (replay_runs, replay_batches, replay_attempts, replay_records). A store without them
// simply has no runs.

#include <cstdint>
#include <optional>
#include <vector>

#include "storage/replay/runreport.h"
#include "storage/store/database.h"

namespace storage {

/// Creates the replay tables if missing (writable database).
[[nodiscard]] std::optional<Error> ensureReplaySchema(Database& db);

/// Inserts a run row (status "running"); sets run.id.
[[nodiscard]] std::optional<Error> insertReplayRun(Database& db, ReplayRunInfo& run);
/// Updates the run row's status, counts and finish time.
[[nodiscard]] std::optional<Error> updateReplayRun(Database& db, const ReplayRunInfo& run);
/// Saves one finished batch with its attempts and record outcomes (one transaction); sets batch.id.
[[nodiscard]] std::optional<Error> saveReplayBatch(Database& db, std::int64_t runId, ReplayBatchInfo& batch);

/// Runs, newest first, without batches.
Result<std::vector<ReplayRunInfo>> listReplayRuns(Database& db);
/// One run with its batches, attempts and record outcomes; nullopt if there is no such run.
Result<std::optional<ReplayRunInfo>> loadReplayRun(Database& db, std::int64_t runId);

} // namespace storage
