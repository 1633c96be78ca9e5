#pragma once

// The background WAL checkpointer the importer (storage/import/captureimporter.cpp) runs beside its writer: a second
// connection on the store file that copies committed WAL frames into it while an import goes on.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "storage/store/database.h"

namespace storage {

/// Copies committed frames from the WAL into the store file while an import goes on (PASSIVE checkpoints on a
/// connection of its own, a few times a second): the writer's commits then only append to the WAL (the automatic
/// checkpoint inside a commit copied the whole WAL and waited for two fsyncs on the writer's thread). It does not
/// keep the WAL small by itself: the WAL restarts only when a write transaction begins after a checkpoint copied
/// everything, and an importing writer begins its next transaction right after each commit, before this thread's
/// next tick, so the WAL would grow with the whole import (measured: 651 MB of WAL for 200,000 records in 10 files).
/// The importer therefore stops it, truncates the WAL from the writer's connection and resumes it whenever the WAL
/// passes a bound (ImportOptions::walTruncateBytes). Inactive (active() false) when the store is not a
/// file or its connection cannot be opened.
///
/// On Linux it also starts the kernel's write-back of the WAL and the store file at every tick
/// (sync_file_range(SYNC_FILE_RANGE_WRITE): asynchronous, no durability promise, nothing waited for), so the fsyncs
/// of the final checkpoint find most pages already on disk instead of writing the whole import then. A single big
/// file is one transaction: nothing of it can be checkpointed before its commit, but its WAL frames are written out
/// while it is being inserted, and the store pages while the final checkpoint copies them (stopCheckpoints() keeps
/// the write-back running for that).
class BackgroundCheckpointer
{
public:
    explicit BackgroundCheckpointer(const std::string& storePath);
    ~BackgroundCheckpointer();
    BackgroundCheckpointer(const BackgroundCheckpointer&) = delete;
    BackgroundCheckpointer& operator=(const BackgroundCheckpointer&) = delete;

    bool active() const { return m_db.has_value(); }
    /// No more checkpoints from this thread (waits for one in progress), so the caller's own checkpoint does not
    /// meet SQLITE_BUSY; the write-back ticks go on until stop().
    void stopCheckpoints();
    /// Checkpoints again after stopCheckpoints() (not after stop()).
    void resumeCheckpoints();
    /// Stops the thread (waits for a checkpoint in progress).
    void stop();
    struct WritebackRequests
    {
        std::int64_t wal = 0;
        std::int64_t store = 0;
    };
    /// Write-back requests issued so far for the WAL and for the store file (for tests).
    WritebackRequests writebackRequests() const;

private:
    void run();

    std::optional<Database> m_db;
    std::string m_path;    ///< the store file as SQLite opened it
    std::string m_walPath; ///< its WAL
    int m_storeFd = -1;    ///< m_path, for the write-back (kept open: see closeStoreDescriptor())
    int m_walFd = -1;      ///< m_walPath, likewise
    std::thread m_thread;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    bool m_stop = false;
    bool m_noCheckpoints = false;
    bool m_checkpointing = false;
    WritebackRequests m_writebacks;
};

} // namespace storage
