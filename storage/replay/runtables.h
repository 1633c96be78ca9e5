#pragma once

// Replay runs recorded in a store: the tables replay_runs, replay_batches, replay_attempts and replay_records are
// part of the store's versioned schema from version 2 (storage/store/schema.cpp, kReplayTablesVersion). An older
// store opened read-only (it cannot be migrated) has none: it lists no runs, and recording a run into it fails.

#include <cstdint>
#include <optional>
#include <vector>

#include "storage/replay/runreport.h"
#include "storage/store/database.h"

namespace storage {

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
