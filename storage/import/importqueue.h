#pragma once

// The hand-over between the importer's reader thread and its writer (calling) thread: the messages the reader
// sends, the bounded queue that carries them, the signals the writer sends back (cancel, skip a file, how far the
// reader is) and the batches it returns for reuse. Internal to the import part.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "storage/import/capturerecord.h"
#include "storage/import/logreader.h"

namespace storage {

// Messages from the reader thread to the writer (calling) thread.
struct FileBegin
{
    std::size_t file = 0;
    std::optional<std::string> hash;
    std::string hashError;
    /// A big plain file: hashed while it is read (no pass of its own); the hash comes with FileEnd and the
    /// already-imported check happens then.
    bool hashAtEnd = false;
};
// Per-record values the reader thread computes for the writer (see RecordInput::precomputedHash).
struct Precomputed
{
    std::uint64_t hash = 0;
    std::uint64_t keyHash = 0;
    std::string seqSort; ///< "" when the record has no (valid) sequence number: the writer checks it
};
struct Batch
{
    std::size_t file = 0;
    std::vector<CaptureRecord> records;
    std::vector<Precomputed> precomputed; ///< parallel to records
    std::vector<RecordIssue> issues;
    std::size_t bytes = 0; ///< text held by the records (the queue's byte bound)
};
struct FileEnd
{
    std::size_t file = 0;
    std::optional<std::string> hash; ///< FileBegin::hashAtEnd
    std::map<CaptureFormat, std::int64_t> formats;
    std::vector<std::string> notes;
    std::string notCaptureReason;
    std::optional<LogStats> log; ///< a file read as a log
};
struct FileFailed
{
    std::size_t file = 0;
    FileFailure failure;
};
struct ReaderDone
{
};
using Message = std::variant<FileBegin, Batch, FileEnd, FileFailed, ReaderDone>;

// Bounded by the records in flight and their bytes (a batch weighs its records and text; file begin/end messages
// weigh nothing but count towards a message limit), so 100-record files queue as deep as 1000-record batches of
// one big file, and files of a few huge records cannot fill memory. One batch always fits.
class MessageQueue
{
public:
    MessageQueue(std::size_t recordCapacity, std::size_t byteCapacity, std::size_t messageCapacity);
    /// false when the consumer stopped listening.
    bool push(Message message);
    Message pop();
    /// nullopt when nothing arrived within `timeout`.
    std::optional<Message> popFor(std::chrono::milliseconds timeout);
    /// The consumer stops listening: queued messages are dropped and push() returns false from now on.
    void close();

private:
    Message take();
    std::mutex m_mutex;
    std::condition_variable m_notFull, m_notEmpty;
    std::deque<Message> m_queue;
    std::size_t m_recordCapacity;
    std::size_t m_byteCapacity;
    std::size_t m_messageCapacity;
    std::size_t m_weight = 0;
    std::size_t m_bytes = 0;
    bool m_closed = false;
};

/// What the writer tells the reader thread (and reads of it) while both run.
struct ReaderSignals
{
    std::atomic<bool> cancel{false};
    std::atomic<std::int64_t> skipFile{-1}; ///< reader stops reading this file (already imported / failed)
    std::atomic<std::uint64_t> currentFileBytes{0};
};

// Batches the writer is done with go back to the reader, which frees their records and reuses them: memory is
// freed by the thread that allocated it (glibc: no contention on the reader's arena lock; ~10% of the writer's time
// before) and the big record vectors are not allocated again for every file.
class BatchRecycler
{
public:
    /// Called by the writer.
    void recycle(Batch&& batch);
    /// An emptied batch to fill (reused when one came back). Called by the reader.
    Batch take(std::size_t file, std::size_t capacity);

private:
    static constexpr std::size_t kMaxTrash = 256;
    std::mutex m_mutex;
    std::vector<Batch> m_trash;
};

} // namespace storage
