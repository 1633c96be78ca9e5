#include "storage/import/captureimporter.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "model/sequencenumber.h"
#include "storage/import/contenthash.h"
#include "storage/import/importwriter.h"
#include "storage/import/inputfile.h"
#include "storage/import/recordsplitter.h"
#include "storage/store/walcheckpointer.h"

namespace storage {

std::string_view fileStatusText(FileImportResult::Status status)
{
    switch (status) {
    case FileImportResult::Status::Imported:
        return "imported";
    case FileImportResult::Status::AlreadyImported:
        return "already-imported";
    case FileImportResult::Status::NotCapture:
        return "not-a-capture";
    case FileImportResult::Status::Failed:
        return "failed";
    case FileImportResult::Status::Cancelled:
        return "cancelled";
    }
    return "";
}

std::int64_t ImportSummary::total(std::int64_t FileImportResult::*field) const
{
    std::int64_t sum = 0;
    for (const auto& f : files)
        sum += f.*field;
    return sum;
}

int ImportSummary::exitCode() const
{
    if (storeError)
        return 4;
    bool failed = cancelled || !inputErrors.empty();
    bool partial = false;
    bool anyCapture = false;
    bool anyNotCapture = false;
    for (const auto& f : files) {
        switch (f.status) {
        case FileImportResult::Status::Failed:
        case FileImportResult::Status::Cancelled:
            failed = true;
            break;
        case FileImportResult::Status::NotCapture:
            anyNotCapture = true;
            break;
        case FileImportResult::Status::Imported:
            anyCapture = true;
            partial = partial || f.skipped > 0;
            break;
        case FileImportResult::Status::AlreadyImported:
            anyCapture = true;
            break;
        }
    }
    if (failed || (anyNotCapture && !anyCapture))
        return 3;
    if (partial || anyNotCapture)
        return 1;
    return 0;
}

namespace {

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
    MessageQueue(std::size_t recordCapacity, std::size_t byteCapacity, std::size_t messageCapacity)
        : m_recordCapacity(recordCapacity)
        , m_byteCapacity(byteCapacity)
        , m_messageCapacity(messageCapacity)
    {
    }
    /// false when the consumer stopped listening.
    bool push(Message message)
    {
        const std::size_t weight = weightOf(message);
        const std::size_t bytes = bytesOf(message);
        std::unique_lock lock(m_mutex);
        m_notFull.wait(lock, [&] {
            return m_closed
                || (m_queue.size() < m_messageCapacity
                    && ((m_weight + weight <= m_recordCapacity && m_bytes + bytes <= m_byteCapacity) || m_weight == 0
                        || weight == 0));
        });
        if (m_closed)
            return false;
        m_weight += weight;
        m_bytes += bytes;
        m_queue.push_back(std::move(message));
        m_notEmpty.notify_one();
        return true;
    }
    Message pop()
    {
        std::unique_lock lock(m_mutex);
        m_notEmpty.wait(lock, [&] { return !m_queue.empty(); });
        return take();
    }
    /// nullopt when nothing arrived within `timeout`.
    std::optional<Message> popFor(std::chrono::milliseconds timeout)
    {
        std::unique_lock lock(m_mutex);
        if (!m_notEmpty.wait_for(lock, timeout, [&] { return !m_queue.empty(); }))
            return std::nullopt;
        return take();
    }
    void close()
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_queue.clear();
        m_weight = 0;
        m_bytes = 0;
        m_notFull.notify_all();
    }

private:
    static std::size_t weightOf(const Message& message)
    {
        const auto* batch = std::get_if<Batch>(&message);
        return batch ? std::max<std::size_t>(1, batch->records.size() + batch->issues.size()) : 0;
    }
    static std::size_t bytesOf(const Message& message)
    {
        const auto* batch = std::get_if<Batch>(&message);
        return batch ? batch->bytes : 0;
    }
    Message take()
    {
        Message message = std::move(m_queue.front());
        m_queue.pop_front();
        m_weight -= weightOf(message);
        m_bytes -= bytesOf(message);
        m_notFull.notify_one();
        return message;
    }
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

std::string formatText(const std::map<CaptureFormat, std::int64_t>& formats)
{
    std::string text;
    for (const auto& [format, count] : formats)
        text += (text.empty() ? "" : "+") + std::string(captureFormatText(format));
    return text.empty() ? std::string("unknown") : text;
}

struct Shared
{
    std::atomic<bool> cancel{false};
    std::atomic<std::int64_t> skipFile{-1}; // reader stops reading this file (already imported / failed)
    std::atomic<std::uint64_t> currentFileBytes{0};

    // Batches the writer is done with go back to the reader, which frees their records and reuses them: memory
    // is freed by the thread that allocated it (glibc: no contention on the reader's arena lock; ~10% of the
    // writer's time before) and the big record vectors are not allocated again for every file.
    static constexpr std::size_t kMaxTrash = 256;
    std::mutex trashMutex;
    std::vector<Batch> trash;
    void recycle(Batch&& batch)
    {
        std::lock_guard lock(trashMutex);
        if (trash.size() < kMaxTrash)
            trash.push_back(std::move(batch));
    }
    /// An emptied batch to fill (reused when one came back).
    Batch take(std::size_t file, std::size_t capacity)
    {
        std::vector<Batch> back;
        {
            std::lock_guard lock(trashMutex);
            back.swap(trash);
        }
        Batch batch;
        if (!back.empty()) {
            batch = std::move(back.back());
            back.pop_back();
            batch.records.clear();
            batch.precomputed.clear();
            batch.issues.clear();
        }
        batch.bytes = 0;
        batch.file = file;
        batch.records.reserve(std::min<std::size_t>(capacity, 128)); // a reused one has grown to its use
        if (!back.empty()) {
            for (auto& b : back) { // keep the other shells for the next batches (their records freed here)
                b.records.clear();
                b.precomputed.clear();
                b.issues.clear();
            }
            std::lock_guard lock(trashMutex);
            for (auto& b : back)
                if (trash.size() < kMaxTrash)
                    trash.push_back(std::move(b));
        }
        return batch;
    }
};

// Work taken off the writer thread: the dedup content hash and the sortable sequence number of every record.
void precompute(Batch& batch)
{
    batch.precomputed.resize(batch.records.size());
    for (std::size_t i = 0; i < batch.records.size(); ++i) {
        const CaptureRecord& record = batch.records[i];
        Precomputed& p = batch.precomputed[i];
        p.hash = contentHash(record.eventName, record.keysJson(), record.newImageJson(), record.oldImageJson());
        p.keyHash = keyTextHash(record.keysJson());
        if (!record.sequenceNumber.empty() && model::isSequenceNumber(record.sequenceNumber))
            p.seqSort = model::sequenceSortKey(record.sequenceNumber);
    }
}

/// `importedSizes`: sizes of the files the store has imported before. A big plain file of one of those sizes (or
/// of the size of a file before it in this import) may be a re-import: it is hashed before it is parsed, so the
/// writer can say "already imported" at once instead of after parsing and rolling back the whole file.
void readerThread(const std::vector<InputPath>& inputs, const ImportOptions& options,
                  const std::unordered_set<std::uint64_t>& importedSizes, MessageQueue& queue, Shared& shared)
{
    CaptureReader reader(options.read); // one for all files: buffers, parsers and the Keys cache are reused
    std::string whole;                  // a small file's bytes
    std::unordered_set<std::uint64_t> sizesBefore;
    for (std::size_t i = 0; i < inputs.size() && !shared.cancel.load(); ++i) {
        const bool maybeImported =
            importedSizes.count(inputs[i].size) > 0 || !sizesBefore.insert(inputs[i].size).second;
        shared.currentFileBytes.store(0);
        const bool inMemory = readWhole(inputs[i].path, inputs[i].size, options.readWholeBytes, whole);
        FileBegin begin{i, {}, {}};
        if (inMemory) {
            FileContentHasher hasher;
            hasher.add(whole.data(), whole.size());
            begin.hash = hasher.finish();
        } else if (!maybeImported && isPlainRegularFile(inputs[i].path)) {
            begin.hashAtEnd = true;
        } else {
            begin.hash = fileContentHash(inputs[i].path);
            if (!begin.hash)
                begin.hashError = "cannot read: " + std::string(std::strerror(errno));
        }
        const bool hashAtEnd = begin.hashAtEnd;
        const bool readable = begin.hash.has_value() || hashAtEnd;
        if (!queue.push(std::move(begin)))
            return;
        if (!readable)
            continue;
        const bool gzip = whole.size() >= 2 && static_cast<unsigned char>(whole[0]) == 0x1f
            && static_cast<unsigned char>(whole[1]) == 0x8b;
        if (inMemory && !gzip) {
            reader.openBuffer(inputs[i].path, whole);
        } else if (auto failure = reader.open(inputs[i].path)) {
            if (!queue.push(FileFailed{i, *failure}))
                return;
            continue;
        }
        bool ended = false;
        while (!ended) {
            if (shared.cancel.load())
                return;
            if (shared.skipFile.load() == static_cast<std::int64_t>(i))
                break;
            Batch batch = shared.take(i, options.batchRecords);
            FileFailure failure;
            const auto status = reader.readBatch(batch.records, batch.issues, options.batchRecords, failure);
            shared.currentFileBytes.store(reader.bytesRead());
            precompute(batch);
            for (const CaptureRecord& record : batch.records)
                batch.bytes += record.raw.size() + record.builtKeys.size() + record.envelope.size();
            if (!batch.records.empty() || !batch.issues.empty())
                if (!queue.push(std::move(batch)))
                    return;
            if (status == CaptureReader::Status::Failed) {
                if (!queue.push(FileFailed{i, failure}))
                    return;
                ended = true;
                break;
            }
            if (status == CaptureReader::Status::End) {
                FileEnd end{i, {}, reader.formats(), reader.notes(), reader.notCaptureReason()};
                if (hashAtEnd)
                    end.hash = reader.contentHash();
                if (!queue.push(std::move(end)))
                    return;
                ended = true;
            }
        }
        if (!ended && !queue.push(FileEnd{i, {}, {}, {}, {}}))
            return;
    }
    queue.push(ReaderDone{});
}

constexpr std::uint64_t kBigFileBytes = std::uint64_t{16} << 20;

std::string issueText(const RecordIssue& issue)
{
    return "record " + std::to_string(issue.recordIndex) + " at byte " + std::to_string(issue.byteOffset)
        + " skipped: " + issue.reason;
}

} // namespace

ImportSummary importCaptures(Database& db, const std::vector<std::string>& paths, const ImportOptions& options,
                             const ProgressCallback& onProgress)
{
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    ImportSummary summary;
    const std::vector<InputPath> inputs = expandInputPaths(paths, summary.inputErrors);
    for (const auto& input : inputs) {
        FileImportResult result;
        result.path = input.path;
        result.sizeBytes = input.size;
        summary.files.push_back(std::move(result));
        summary.bytes += input.size;
    }
    if (inputs.empty())
        return summary;

    WriterOptions writerOptions;
    writerOptions.groupFiles = options.groupFiles;
    writerOptions.groupMillis = options.groupMillis;
    writerOptions.walCheckpointPages = options.walCheckpointPages;
    std::optional<BackgroundCheckpointer> checkpointer;
    if (options.backgroundCheckpoints && !db.isReadOnly()) {
        checkpointer.emplace(db.path());
        if (checkpointer->active())
            writerOptions.walCheckpointPages = -1;
    }
    auto created = ImportWriter::create(db, writerOptions);
    if (!created) {
        summary.storeError = created.error();
        return summary;
    }
    ImportWriter& writer = *created;

    // Without a reader thread everything is read before it is written: the queue then holds it all.
    constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max() / 2;
    MessageQueue queue(options.readerThread ? std::max<std::size_t>(2, options.queueBatches)
                               * std::max<std::size_t>(1, options.batchRecords)
                                            : kUnbounded,
                       options.readerThread ? options.queueBytes : kUnbounded,
                       options.readerThread ? 4096 : kUnbounded);
    std::unordered_set<std::uint64_t> importedSizes;
    {
        auto sizes = db.prepare("SELECT DISTINCT size_bytes FROM sources WHERE status = 'complete'");
        if (!sizes) {
            summary.storeError = sizes.error();
            return summary;
        }
        for (;;) {
            auto step = sizes->step();
            if (step.error) {
                summary.storeError = *step.error;
                return summary;
            }
            if (!step.row)
                break;
            importedSizes.insert(static_cast<std::uint64_t>(sizes->int64(0)));
        }
    }
    Shared shared;
    std::thread reader;
    if (options.readerThread)
        reader = std::thread(readerThread, std::cref(inputs), std::cref(options), std::cref(importedSizes),
                             std::ref(queue), std::ref(shared));
    else
        readerThread(inputs, options, importedSizes, queue, shared);

    ImportProgress progress;
    progress.bytesTotal = summary.bytes;
    progress.filesTotal = static_cast<std::int64_t>(inputs.size());
    std::uint64_t bytesDone = 0;
    auto fileStarted = Clock::now();

    // State of the file being written.
    std::int64_t current = -1;
    bool sourceOpen = false;
    bool ignoring = false; // already imported / failed: drop its remaining messages
    std::optional<std::string> currentHash;
    bool hashAtEnd = false;

    auto finishTime = [&](FileImportResult& r) {
        r.seconds = std::chrono::duration<double>(Clock::now() - fileStarted).count();
    };
    auto stopReading = [&](std::size_t file) {
        shared.skipFile.store(static_cast<std::int64_t>(file));
        ignoring = true;
    };
    auto failFile = [&](std::size_t file, FileFailure failure) {
        FileImportResult& r = summary.files[file];
        if (sourceOpen) {
            static_cast<void>(writer.rollbackSource());
            sourceOpen = false;
        }
        r.status = FileImportResult::Status::Failed;
        r.failure = std::move(failure);
        r.inserted = r.duplicates = r.conflicts = 0;
        finishTime(r);
        stopReading(file);
    };
    // Files whose commitSource() succeeded but whose group transaction was then lost (store error).
    std::unordered_map<std::int64_t, std::size_t> fileBySource;
    auto markLost = [&]() {
        for (const std::int64_t id : writer.takeLostSources()) {
            const auto it = fileBySource.find(id);
            if (it == fileBySource.end())
                continue;
            FileImportResult& r = summary.files[it->second];
            r.status = FileImportResult::Status::Failed;
            r.failure =
                FileFailure{r.records, 0, "store error: the write transaction holding this file was rolled back"};
            r.inserted = r.duplicates = r.conflicts = 0;
            r.sourceId = 0;
        }
    };
    auto storeFailed = [&](const Error& error) {
        if (sourceOpen) {
            static_cast<void>(writer.rollbackSource());
            sourceOpen = false;
        }
        // Keep the files completed before (they are in the open group), if SQLite still
        // has the transaction.
        static_cast<void>(writer.commitPending());
        markLost();
        summary.storeError = error;
        if (current >= 0) {
            auto& r = summary.files[static_cast<std::size_t>(current)];
            r.status = FileImportResult::Status::Failed;
            r.failure = FileFailure{r.records, 0, "store error: " + error.message};
            r.inserted = r.duplicates = r.conflicts = 0;
        }
        shared.cancel.store(true);
    };
    auto report = [&]() -> bool {
        if (!onProgress)
            return true;
        progress.bytesRead = bytesDone + shared.currentFileBytes.load();
        return onProgress(progress);
    };

    Clock::duration waited{};
    Clock::time_point finalCheckpoint = Clock::now();
    bool running = true;
    while (running) {
        std::optional<Message> next;
        if (!sourceOpen && !writer.pendingSources().empty()) {
            // Between files with completed files pending: commit them if the reader keeps us waiting.
            const auto waitFrom = Clock::now();
            next = queue.popFor(std::chrono::milliseconds(std::max(10, options.groupMillis / 4)));
            waited += Clock::now() - waitFrom;
            if (!next) {
                if (writer.pendingDue()) {
                    if (auto error = writer.commitPending()) {
                        markLost();
                        storeFailed(*error);
                        break;
                    }
                }
                continue;
            }
        } else {
            const auto waitFrom = Clock::now();
            next = queue.pop();
            waited += Clock::now() - waitFrom;
        }
        Message message = std::move(*next);
        if (auto* begin = std::get_if<FileBegin>(&message)) {
            // Make the completed files visible before a new input argument or a big file (which would keep them
            // pending for long).
            if (!writer.pendingSources().empty() && begin->file > 0
                && (inputs[begin->file].argument != inputs[begin->file - 1].argument
                    || inputs[begin->file].size >= kBigFileBytes)) {
                if (auto error = writer.commitPending()) {
                    markLost();
                    storeFailed(*error);
                    break;
                }
            }
            current = static_cast<std::int64_t>(begin->file);
            fileStarted = Clock::now();
            sourceOpen = false;
            ignoring = false;
            currentHash = begin->hash;
            hashAtEnd = begin->hashAtEnd;
            progress.currentFile = inputs[begin->file].path;
            if (!begin->hash && !begin->hashAtEnd) {
                auto& r = summary.files[begin->file];
                r.status = FileImportResult::Status::Failed;
                r.failure = FileFailure{0, 0, begin->hashError};
                bytesDone += inputs[begin->file].size;
                ++progress.filesDone;
                ignoring = true;
            }
        } else if (auto* batch = std::get_if<Batch>(&message)) {
            struct Recycle
            {
                Shared& shared;
                Batch& batch;
                ~Recycle() { shared.recycle(std::move(batch)); }
            } recycle{shared, *batch};
            if (ignoring || static_cast<std::int64_t>(batch->file) != current)
                continue;
            FileImportResult& r = summary.files[batch->file];
            if (!sourceOpen && !batch->records.empty()) {
                std::map<CaptureFormat, std::int64_t> first{{batch->records.front().format, 1}};
                // Without the hash yet (hashAtEnd) nothing is checked now: see FileEnd.
                auto begun = writer.beginSource(SourceDescriptor{inputs[batch->file].path,
                                                                 static_cast<std::int64_t>(inputs[batch->file].size),
                                                                 currentHash.value_or(""), formatText(first)});
                if (!begun) {
                    storeFailed(begun.error());
                    break;
                }
                if (begun->alreadyImported) {
                    r.status = FileImportResult::Status::AlreadyImported;
                    r.existing = begun->existing;
                    finishTime(r);
                    stopReading(batch->file);
                    continue;
                }
                r.sourceId = begun->sourceId;
                fileBySource[begun->sourceId] = batch->file;
                sourceOpen = true;
            }
            if (!batch->issues.empty()) {
                if (options.strict) {
                    const auto& first = batch->issues.front();
                    failFile(batch->file,
                             FileFailure{first.recordIndex, first.byteOffset,
                                         "--strict: an invalid record: " + first.reason});
                    continue;
                }
                r.skipped += static_cast<std::int64_t>(batch->issues.size());
                for (auto& issue : batch->issues)
                    if (r.skippedRecords.size() < 100)
                        r.skippedRecords.push_back(std::move(issue));
                progress.recordsRead += static_cast<std::int64_t>(batch->issues.size());
            }
            bool stop = false;
            for (const CaptureRecord& record : batch->records) {
                RecordInput input;
                input.tableName = record.table;
                input.streamArn = record.streamArn;
                input.region = record.region;
                input.viewType = record.viewType;
                input.shape = captureFormatText(record.format);
                input.keysJson = record.keysJson();
                input.eventName = record.eventName;
                input.sequenceNumber = record.sequenceNumber;
                input.eventId = record.eventId;
                input.creationTimeMicros = record.creationTimeMicros;
                input.timeUnit = record.creationTimeUnit;
                input.timeText = record.creationTimeText;
                input.sizeBytes = record.sizeBytes;
                input.ttl = record.ttl;
                input.newImageJson = record.newImageJson();
                input.oldImageJson = record.oldImageJson();
                input.raw = record.raw;
                input.recordIndex = record.recordIndex;
                input.byteOffset = static_cast<std::int64_t>(record.byteOffset);
                if (batch->precomputed.size() == batch->records.size()) {
                    const Precomputed& p =
                        batch->precomputed[static_cast<std::size_t>(&record - batch->records.data())];
                    input.precomputedHash = p.hash;
                    input.precomputedSeqSort = p.seqSort;
                    input.precomputedKeyHash = p.keyHash;
                    input.precomputedKeyCanonical = record.keyCanonical;
                    input.precomputedKeyDisplay = record.keyDisplay;
                }
                auto added = writer.addRecord(input);
                ++r.records;
                ++progress.recordsRead;
                if (!added) {
                    if (added.error().kind == Error::Kind::InvalidArgument) {
                        RecordIssue issue{record.recordIndex, record.byteOffset, added.error().message};
                        if (options.strict) {
                            failFile(batch->file,
                                     FileFailure{issue.recordIndex, issue.byteOffset,
                                                 "--strict: an invalid record: " + issue.reason});
                            break;
                        }
                        --r.records;
                        ++r.skipped;
                        if (r.skippedRecords.size() < 100)
                            r.skippedRecords.push_back(std::move(issue));
                        continue;
                    }
                    storeFailed(added.error());
                    stop = true;
                    break;
                }
                switch (added->kind) {
                case AddOutcome::Kind::Inserted:
                    ++r.inserted;
                    break;
                case AddOutcome::Kind::Duplicate:
                    ++r.duplicates;
                    break;
                case AddOutcome::Kind::Conflict:
                    ++r.conflicts;
                    break;
                }
            }
            if (stop)
                break;
            if (!report()) {
                summary.cancelled = true;
                shared.cancel.store(true);
                if (sourceOpen) {
                    static_cast<void>(writer.rollbackSource());
                    sourceOpen = false;
                }
                r.status = FileImportResult::Status::Cancelled;
                r.inserted = r.duplicates = r.conflicts = 0;
                finishTime(r);
                break;
            }
        } else if (auto* failed = std::get_if<FileFailed>(&message)) {
            if (static_cast<std::int64_t>(failed->file) != current)
                continue;
            const bool notJsonAtAll = failed->failure.byteOffset == 0 && failed->failure.recordIndex == 0
                && failed->failure.reason.rfind("not JSON: expected", 0) == 0;
            if (!ignoring && notJsonAtAll && inputs[failed->file].fromDirectory) {
                // A file next to the captures in a folder (README, checksum): not a capture, not a failure.
                if (sourceOpen) {
                    static_cast<void>(writer.rollbackSource());
                    sourceOpen = false;
                }
                auto& r = summary.files[failed->file];
                r.status = FileImportResult::Status::NotCapture;
                r.notCaptureReason = "not JSON (" + failed->failure.reason + ")";
                finishTime(r);
            } else if (!ignoring)
                failFile(failed->file, failed->failure);
            else if (summary.files[failed->file].status == FileImportResult::Status::Imported)
                failFile(failed->file, failed->failure);
            bytesDone += inputs[failed->file].size;
            ++progress.filesDone;
            if (!report()) {
                summary.cancelled = true;
                shared.cancel.store(true);
                break;
            }
        } else if (auto* end = std::get_if<FileEnd>(&message)) {
            if (static_cast<std::int64_t>(end->file) != current)
                continue;
            FileImportResult& r = summary.files[end->file];
            if (!ignoring && hashAtEnd) {
                currentHash = end->hash ? end->hash : fileContentHash(inputs[end->file].path);
                if (!currentHash) {
                    failFile(end->file, FileFailure{r.records, 0, "cannot read: " + std::string(std::strerror(errno))});
                } else if (sourceOpen) {
                    // The file's hash is known now: was it imported before?
                    auto existing = writer.findImported(*currentHash);
                    if (!existing) {
                        storeFailed(existing.error());
                        break;
                    }
                    if (*existing) {
                        static_cast<void>(writer.rollbackSource());
                        sourceOpen = false;
                        r.status = FileImportResult::Status::AlreadyImported;
                        r.existing = std::move(*existing);
                        r.records = r.inserted = r.duplicates = r.conflicts = r.skipped = 0;
                        r.skippedRecords.clear();
                        r.sourceId = 0;
                        ignoring = true;
                    } else if (auto error = writer.setSourceHash(*currentHash)) {
                        storeFailed(*error);
                        break;
                    }
                }
            }
            if (!ignoring) {
                r.format = formatText(end->formats);
                r.notes = end->notes;
                if (!sourceOpen && r.records == 0 && r.skipped == 0) {
                    r.status = FileImportResult::Status::NotCapture;
                    r.notCaptureReason = end->notCaptureReason.empty() ? std::string("no DynamoDB stream records found")
                                                                       : end->notCaptureReason;
                } else {
                    if (!sourceOpen) {
                        // Only skipped records: still record the source so a re-import says so.
                        auto begun = writer.beginSource(
                            SourceDescriptor{inputs[end->file].path, static_cast<std::int64_t>(inputs[end->file].size),
                                             *currentHash, r.format});
                        if (!begun) {
                            storeFailed(begun.error());
                            break;
                        }
                        if (begun->alreadyImported) {
                            r.status = FileImportResult::Status::AlreadyImported;
                            r.existing = begun->existing;
                        } else {
                            sourceOpen = true;
                            r.sourceId = begun->sourceId;
                            fileBySource[begun->sourceId] = end->file;
                        }
                    }
                    if (sourceOpen) {
                        std::string messages;
                        for (const auto& note : r.notes)
                            messages += note + "\n";
                        for (const auto& issue : r.skippedRecords)
                            messages += issueText(issue) + "\n";
                        if (r.skipped > static_cast<std::int64_t>(r.skippedRecords.size()))
                            messages += "… and "
                                + std::to_string(r.skipped - static_cast<std::int64_t>(r.skippedRecords.size()))
                                + " more skipped records\n";
                        if (auto error = writer.commitSource(r.skipped, messages)) {
                            sourceOpen = false;
                            markLost();
                            storeFailed(*error);
                            break;
                        }
                        sourceOpen = false;
                        r.status = FileImportResult::Status::Imported;
                    }
                }
            }
            finishTime(r);
            bytesDone += inputs[end->file].size;
            ++progress.filesDone;
            shared.currentFileBytes.store(0);
            if (!report()) {
                summary.cancelled = true;
                shared.cancel.store(true);
                break;
            }
        } else {
            running = false;
        }
    }
    if (sourceOpen) {
        static_cast<void>(writer.rollbackSource());
        sourceOpen = false;
    }
    // Commit the files completed in the last group (also after a cancel: files finished before stay imported).
    if (auto error = writer.commitPending(); error && !summary.storeError)
        summary.storeError = *error;
    markLost();
    if (checkpointer)
        checkpointer->stopCheckpoints(); // its write-back goes on while the final checkpoint copies pages
    finalCheckpoint = Clock::now();
    if (!summary.storeError)
        static_cast<void>(writer.checkpoint()); // copy the rest of the WAL into the store
    if (checkpointer)
        checkpointer->stop();
    if (shared.cancel.load() || running) {
        shared.cancel.store(true);
        queue.close();
    }
    if (reader.joinable())
        reader.join();
    if (summary.cancelled || summary.storeError) {
        // Files not reached stay as "cancelled" without rows.
        for (std::size_t i = 0; i < summary.files.size(); ++i) {
            auto& r = summary.files[i];
            if (static_cast<std::int64_t>(i) > current && r.status == FileImportResult::Status::Imported
                && r.sourceId == 0)
                r.status = FileImportResult::Status::Cancelled;
        }
    }
    summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (std::getenv("STREAMSCOPE_WRITER_STATS"))
        std::fprintf(stderr,
                     "importCaptures: %.3f s, writer waited %.3f s for the reader, final checkpoint %.3f s "
                     "(background checkpoints: %s)\n",
                     summary.seconds, std::chrono::duration<double>(waited).count(),
                     std::chrono::duration<double>(Clock::now() - finalCheckpoint).count(),
                     checkpointer && checkpointer->active() ? "yes" : "no");
    return summary;
}

} // namespace storage
