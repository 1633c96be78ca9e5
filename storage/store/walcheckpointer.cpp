#include "storage/store/walcheckpointer.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <memory>
#include <utility>

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/store/sidefiles.h"

namespace storage {

namespace {

/// Starts asynchronous write-back of the dirty pages of the file open as `fd` (whole file); true when requested.
bool startWriteback(int fd)
{
#ifdef __linux__
    return fd >= 0 && ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE) == 0;
#else
    static_cast<void>(fd);
    return false;
#endif
}

} // namespace

BackgroundCheckpointer::BackgroundCheckpointer(const std::string& storePath)
{
    if (storePath.empty() || storePath == ":memory:")
        return;
    auto db = Database::open(storePath, Database::OpenMode::ReadWriteExisting, 0);
    if (!db)
        return;
    m_db.emplace(std::move(*db));
    // The files SQLite really uses (a symbolic link to the store is resolved: its WAL lies beside the target).
    const char* main = sqlite3_db_filename(m_db->handle(), "main");
    m_path = main && *main ? std::string(main) : storePath;
    m_walPath = main && *main ? std::string(sqlite3_filename_wal(main)) : storePath + "-wal";
    // Opened once and closed through closeStoreDescriptor() after the last connection: closing a descriptor of the
    // store file would drop the SHARED lock this process's connections hold on it (see sidefiles.h).
    m_storeFd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
    m_walFd = ::open(m_walPath.c_str(), O_RDONLY | O_CLOEXEC);
    m_thread = std::thread([this] { run(); });
}

BackgroundCheckpointer::~BackgroundCheckpointer()
{
    stop();
}

void BackgroundCheckpointer::stopCheckpoints()
{
    std::unique_lock lock(m_mutex);
    m_noCheckpoints = true;
    m_idle.wait(lock, [&] { return !m_checkpointing; });
}

void BackgroundCheckpointer::resumeCheckpoints()
{
    std::lock_guard lock(m_mutex);
    if (!m_stop)
        m_noCheckpoints = false;
}

void BackgroundCheckpointer::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_noCheckpoints = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    closeStoreDescriptor(m_path, std::exchange(m_storeFd, -1));
    closeStoreDescriptor(m_path, std::exchange(m_walFd, -1));
}

BackgroundCheckpointer::WritebackRequests BackgroundCheckpointer::writebackRequests() const
{
    std::lock_guard lock(m_mutex);
    return m_writebacks;
}

void BackgroundCheckpointer::run()
{
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
        m_wake.wait_for(lock, std::chrono::milliseconds(m_noCheckpoints ? 50 : 100), [&] { return m_stop; });
        if (m_stop)
            break;
        const bool checkpoint = !m_noCheckpoints;
        m_checkpointing = checkpoint;
        lock.unlock();
        if (checkpoint) {
            int frames = 0, copied = 0;
            // Nothing new: cheap. Busy (another checkpoint runs): try again later. Errors: the final checkpoint on
            // the writer's connection reports them.
            static_cast<void>(
                sqlite3_wal_checkpoint_v2(m_db->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied));
        }
        // Write-back of what the writer appended to the WAL and what checkpoints copied into the store.
        if (m_walFd < 0) // not made yet when the checkpointer started
            m_walFd = ::open(m_walPath.c_str(), O_RDONLY | O_CLOEXEC);
        const bool wal = startWriteback(m_walFd);
        const bool store = startWriteback(m_storeFd);
        lock.lock();
        m_writebacks.wal += wal ? 1 : 0;
        m_writebacks.store += store ? 1 : 0;
        if (checkpoint) {
            m_checkpointing = false;
            m_idle.notify_all();
        }
    }
    m_checkpointing = false;
    m_idle.notify_all();
}

} // namespace storage
