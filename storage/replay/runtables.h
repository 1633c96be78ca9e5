#pragma once

// Replay runs recorded in a store: the tables replay_runs, replay_batches, replay_attempts and replay_records are
// part of the store's versioned schema from version 2 (storage/store/schema.cpp, kReplayTablesVersion). An older
// store opened read-only (it cannot be migrated) has none: it lists no runs, and recording a run into it fails.

#include <cstdint>
#include <optional>
#include <string>
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

/// While a process replays a run it holds this lock (an flock on a small file in /tmp named after the store file's
/// identity and the run id; removed when the run ends). A run listed as "running" whose lock nobody holds was left by
/// a process that ended without finishing it (SIGKILL, power loss): listReplayRuns/loadReplayRun report it as
/// kRunEndedStatus. Nothing is written for that, so a read-only store shows it too.
class ReplayRunLock
{
public:
    ReplayRunLock(const std::string& storePath, std::int64_t runId);
    ~ReplayRunLock();
    ReplayRunLock(const ReplayRunLock&) = delete;
    ReplayRunLock& operator=(const ReplayRunLock&) = delete;

private:
    std::string m_path;
    int m_fd = -1;
};

inline constexpr const char* kRunEndedStatus = "interrupted (process ended)";

/// Runs, newest first, without batches.
Result<std::vector<ReplayRunInfo>> listReplayRuns(Database& db);
/// One run with its batches, attempts and record outcomes; nullopt if there is no such run.
Result<std::optional<ReplayRunInfo>> loadReplayRun(Database& db, std::int64_t runId);

} // namespace storage
