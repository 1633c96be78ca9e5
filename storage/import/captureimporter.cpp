#include "storage/import/captureimporter.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include <sqlite3.h>
#include <sys/stat.h>

#include "model/sequencenumber.h"
#include "storage/import/contenthash.h"
#include "storage/import/importqueue.h"
#include "storage/import/importwriter.h"
#include "storage/import/inputfile.h"
#include "storage/import/recordsplitter.h"
#include "storage/store/storedrows.h"
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
    case FileImportResult::Status::Sidecar:
        return "sidecar";
    case FileImportResult::Status::StoreFailed:
        return "store-failed";
    case FileImportResult::Status::NotStarted:
        return "not-started";
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
    for (const auto& e : exports)
        failed = failed || !e.problems.empty();
    bool partial = false;
    bool anyCapture = false;
    bool anyNotCapture = false;
    for (const auto& f : files) {
        switch (f.status) {
        case FileImportResult::Status::Failed:
        case FileImportResult::Status::Cancelled:
        case FileImportResult::Status::StoreFailed:
        case FileImportResult::Status::NotStarted:
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
        case FileImportResult::Status::Sidecar:
            break;
        }
    }
    // A file that is no capture has one verdict, named or found in a folder: listed, and a failure only when
    // nothing given was a capture.
    if (failed || (anyNotCapture && !anyCapture))
        return 3;
    return partial ? 1 : 0;
}

namespace {

std::string formatText(const std::map<CaptureFormat, std::int64_t>& formats)
{
    std::string text;
    for (const auto& [format, count] : formats)
        text += (text.empty() ? "" : "+") + std::string(captureFormatText(format));
    return text.empty() ? std::string("unknown") : text;
}

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

/// Records of an export's data file: full-export items show the table at exportTime; the region is the table's.
void placeInExport(Batch& batch, const ExportFolder& folder)
{
    for (CaptureRecord& record : batch.records) {
        if (record.region.empty())
            record.region = folder.region;
        if (record.format == CaptureFormat::S3FullExport && !record.creationTimeMicros && folder.exportTimeMicros) {
            record.creationTimeMicros = folder.exportTimeMicros;
            record.creationTimeText = folder.exportTimeText;
            record.creationTimeUnit = TimeUnit::Unknown; // an ISO-8601 text, kept as it is
        }
    }
}

/// An export data file's notes: its table comes from the export's tableArn (not from --table), and where the key
/// attributes came from.
std::vector<std::string> exportNotes(std::vector<std::string> notes, const ExportFolder& folder)
{
    std::vector<std::string> kept;
    for (auto& note : notes)
        if (note.find("name no table") == std::string::npos)
            kept.push_back(std::move(note));
    kept.insert(kept.begin(), "table \"" + folder.table + "\" from the export's tableArn");
    if (!folder.keyAttributesFrom.empty()) {
        std::string names;
        for (const auto& n : folder.keyAttributes)
            names += (names.empty() ? "" : ", ") + n;
        kept.push_back("full-export items: key attributes " + names + " from " + folder.keyAttributesFrom);
    }
    // The window of each line, for the history and the audit (read back by Store's history reads).
    if (folder.incremental() && folder.fromMicros)
        kept.push_back(exportWindowNote(*folder.fromMicros, folder.toMicros, folder.fromText, folder.toText));
    return kept;
}

constexpr std::size_t kNoByteBound = std::numeric_limits<std::size_t>::max();

/// The reader thread's work (or the calling thread's, without one): reads every input into `queue`.
/// `importedSizes`: sizes of the files the store has imported before. A big plain file of one of those sizes (or
/// of the size of a file before it in this import) may be a re-import: it is hashed before it is parsed, so the
/// writer can say "already imported" at once instead of after parsing and rolling back the whole file.
void readInputs(const std::vector<InputPath>& inputs, const ExportPlan& plan, const ImportOptions& options,
                const std::unordered_set<std::uint64_t>& importedSizes, MessageQueue& queue, ReaderSignals& signals,
                BatchRecycler& recycler)
{
    CaptureReader reader(options.read); // one for all files: buffers, parsers and the Keys cache are reused
    std::string whole;                  // a small file's bytes
    std::unordered_set<std::uint64_t> sizesBefore;
    int readerExport = -2; // the export whose options the reader has (-1: the import's own; -2: not set yet)
    for (std::size_t i = 0; i < inputs.size() && !signals.cancel.load(); ++i) {
        const InputRole& role = plan.roles[i];
        const ExportFolder* folder = role.exportIndex >= 0 ? &plan.exports[role.exportIndex] : nullptr;
        if (role.kind == InputRole::Kind::Sidecar || (folder && !folder->problems.empty()))
            continue; // listed as they are (ImportRun's constructor), not read
        if (role.kind == InputRole::Kind::ExportManifest) {
            // The export's own source: no records, the export's description as its message.
            FileBegin begin{i, fileContentHash(inputs[i].path), {}};
            if (!begin.hash)
                begin.hashError = "cannot read: " + std::string(std::strerror(errno));
            const bool readable = begin.hash.has_value();
            if (!queue.push(std::move(begin)))
                return;
            if (readable && !queue.push(FileEnd{i, {}, {}, {folder->description()}, {}, {}}))
                return;
            continue;
        }
        if (role.exportIndex != readerExport) {
            ReadOptions read = options.read;
            if (folder) {
                read.table = folder->table;
                read.streamArn.clear();
                if (!folder->keyAttributes.empty())
                    read.keyAttributes = folder->keyAttributes;
            } else if (read.keyAttributes.empty()) {
                read.keyAttributes = plan.describedKeyAttributes;
            }
            reader.setOptions(std::move(read));
            readerExport = role.exportIndex;
        }
        const bool maybeImported =
            importedSizes.count(inputs[i].size) > 0 || !sizesBefore.insert(inputs[i].size).second;
        signals.currentFileBytes.store(0);
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
            if (signals.cancel.load())
                return;
            if (signals.skipFile.load() == static_cast<std::int64_t>(i))
                break;
            Batch batch = recycler.take(i, options.batchRecords);
            FileFailure failure;
            const auto status = reader.readBatch(batch.records, batch.issues, options.batchRecords, failure,
                                                 options.batchBytes ? options.batchBytes : kNoByteBound);
            signals.currentFileBytes.store(reader.bytesRead());
            if (folder)
                placeInExport(batch, *folder);
            precompute(batch);
            for (const CaptureRecord& record : batch.records)
                batch.bytes += heldBytes(record);
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
                FileEnd end{i, {}, reader.formats(), reader.notes(), reader.notCaptureReason(), reader.logStats()};
                if (folder)
                    end.notes = exportNotes(std::move(end.notes), *folder);
                if (hashAtEnd)
                    end.hash = reader.contentHash();
                if (!queue.push(std::move(end)))
                    return;
                ended = true;
            }
        }
        if (!ended && !queue.push(FileEnd{i, {}, {}, {}, {}, {}}))
            return;
    }
    queue.push(ReaderDone{});
}

constexpr std::uint64_t kBigFileBytes = std::uint64_t{16} << 20;
constexpr std::size_t kMaxSkippedListed = 100; // FileImportResult::skippedRecords

std::string issueText(const RecordIssue& issue)
{
    return recordPositionText(issue) + " skipped: " + issue.reason;
}

FileFailure strictFailure(const RecordIssue& issue)
{
    return FileFailure{issue.recordIndex, issue.byteOffset, "--strict: an invalid record: " + issue.reason, issue.line,
                       issue.column};
}

void keepSkipped(FileImportResult& r, RecordIssue&& issue)
{
    if (r.skippedRecords.size() < kMaxSkippedListed)
        r.skippedRecords.push_back(std::move(issue));
}

/// A file that ends without rows: no counts.
void markFailed(FileImportResult& r, FileFailure failure)
{
    r.status = FileImportResult::Status::Failed;
    r.failure = std::move(failure);
    r.inserted = r.duplicates = r.conflicts = 0;
}

/// A file that ends without rows because the store failed (not the file): no counts, no blame on the file.
void markStoreFailed(FileImportResult& r, const std::string& what)
{
    r.status = FileImportResult::Status::StoreFailed;
    r.notImportedReason = what + "; nothing of this file is in the store (the file itself is not at fault)";
    r.inserted = r.duplicates = r.conflicts = 0;
    r.sourceId = 0;
}

/// The messages stored with a source: its notes and skipped records.
std::string sourceMessages(const FileImportResult& r)
{
    std::string messages;
    for (const auto& note : r.notes)
        messages += note + "\n";
    for (const auto& issue : r.skippedRecords)
        messages += issueText(issue) + "\n";
    const auto listed = static_cast<std::int64_t>(r.skippedRecords.size());
    if (r.skipped > listed)
        messages += "… and " + std::to_string(r.skipped - listed) + " more skipped records\n";
    return messages;
}

/// The writer's view of one record (views into `record`, which outlives it).
RecordInput recordInput(const CaptureRecord& record, const Precomputed* precomputed)
{
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
    input.provenance = record.logProvenance;
    input.recordIndex = record.recordIndex;
    input.byteOffset = static_cast<std::int64_t>(record.byteOffset);
    if (precomputed) {
        input.precomputedHash = precomputed->hash;
        input.precomputedSeqSort = precomputed->seqSort;
        input.precomputedKeyHash = precomputed->keyHash;
        input.precomputedKeyCanonical = record.keyCanonical;
        input.precomputedKeyDisplay = record.keyDisplay;
    }
    return input;
}

void count(FileImportResult& r, AddOutcome::Kind kind)
{
    switch (kind) {
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

/// One importCaptures() call. The reader thread reads the inputs into the hand-over queue; the calling thread
/// takes the messages (one member per kind), writes them through the ImportWriter, reports progress after every
/// batch and file, and stops everything on a cancel or a store error.
class ImportRun
{
public:
    ImportRun(Database& db, const std::vector<std::string>& paths, const ImportOptions& options,
              const ProgressCallback& onProgress);
    ~ImportRun();

    /// Removes the store itself and its side files from m_inputs (a store kept in the folder of captures).
    void leaveOutTheStore();
    ImportRun(const ImportRun&) = delete;
    ImportRun& operator=(const ImportRun&) = delete;

    ImportSummary run();

private:
    using Clock = std::chrono::steady_clock;
    enum class Begun { Open, AlreadyImported, StoreFailed };

    // Setup and teardown.
    bool openWriter();
    void boundWal();
    void startReader();
    void stopReader();
    void finish();
    void markNotReached();

    // The writer loop: every handler returns false to stop it.
    void writeAll();
    std::optional<Message> nextMessage(bool& stop);
    bool handle(FileBegin& begin);
    bool handle(Batch& batch);
    bool handle(FileFailed& failed);
    bool handle(FileEnd& end);
    bool handle(ReaderDone&);
    bool addRecords(Batch& batch, FileImportResult& r);
    bool checkHashAtEnd(const FileEnd& end, FileImportResult& r);
    bool completeFile(const FileEnd& end, FileImportResult& r);
    bool completeManifest(const FileEnd& end, FileImportResult& r);
    Begun beginSource(std::size_t file, std::string format);
    bool commitPending();

    // Outcomes of the current file.
    void finishTime(FileImportResult& r) const;
    void stopReading(std::size_t file);
    void rollbackOpenSource();
    void failFile(std::size_t file, FileFailure failure);
    void markLost();
    void storeFailed(const Error& error, const CaptureRecord* writing = nullptr);

    // Progress and cancel.
    bool fileDone(std::size_t file);
    bool report();
    void cancel();

    Database& m_db;
    const ImportOptions& m_options;
    const ProgressCallback& m_onProgress;
    const Clock::time_point m_started = Clock::now();
    ImportSummary m_summary;
    std::vector<InputPath> m_inputs;
    ExportPlan m_plan; // what each input is (export data, manifest, sidecar, capture), parallel to m_inputs

    // The writer, and the checkpointer thread next to it (declared first: it outlives the writer).
    std::optional<BackgroundCheckpointer> m_checkpointer;
    std::optional<ImportWriter> m_writer;
    std::string m_walPath; // the store's WAL (bounded after each commit: boundWal)
    std::int64_t m_walTruncations = 0;
    std::uint64_t m_walPeakBytes = 0;
    std::unordered_map<std::int64_t, std::size_t> m_fileBySource; // to find files whose group was lost

    // The reader thread and the hand-over.
    MessageQueue m_queue;
    ReaderSignals m_signals; // cancel, skip a file, bytes read of the current file
    BatchRecycler m_recycler;
    std::unordered_set<std::uint64_t> m_importedSizes;
    std::thread m_reader;
    bool m_readerDone = false;

    // Progress.
    ImportProgress m_progress;
    std::uint64_t m_bytesDone = 0; // files finished

    // The file being written.
    struct CurrentFile
    {
        std::int64_t index = -1;
        bool sourceOpen = false;
        bool ignoring = false; // already imported / failed: drop its remaining messages
        std::optional<std::string> hash;
        bool hashAtEnd = false;
        Clock::time_point started = Clock::now();
        bool done = false; // its end (or failure) was handled: a later store failure is not its own
    } m_file;

    Clock::duration m_waited{}; // for the reader
};

// Without a reader thread everything is read before it is written: the queue then holds it all.
constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max() / 2;

ImportRun::ImportRun(Database& db, const std::vector<std::string>& paths, const ImportOptions& options,
                     const ProgressCallback& onProgress)
    : m_db(db)
    , m_options(options)
    , m_onProgress(onProgress)
    , m_inputs(expandInputPaths(paths, m_summary.inputErrors))
    , m_queue(options.readerThread
                  ? std::max<std::size_t>(2, options.queueBatches) * std::max<std::size_t>(1, options.batchRecords)
                  : kUnbounded,
              options.readerThread ? options.queueBytes : kUnbounded, options.readerThread ? 4096 : kUnbounded)
{
    leaveOutTheStore();
    m_plan = planExports(paths, m_inputs, ExportFolderOptions{options.read.keyAttributes, options.describeTablePath},
                         m_summary.inputErrors);
    m_summary.exports = m_plan.exports;
    std::int64_t filesRead = 0;
    for (std::size_t i = 0; i < m_inputs.size(); ++i) {
        const InputPath& input = m_inputs[i];
        const InputRole& role = m_plan.roles[i];
        FileImportResult result;
        result.path = input.path;
        result.sizeBytes = input.size;
        result.exportIndex = role.exportIndex;
        m_summary.bytes += input.size;
        if (role.kind == InputRole::Kind::Sidecar) {
            result.status = FileImportResult::Status::Sidecar;
            result.notCaptureReason = role.sidecar;
        } else if (role.exportIndex >= 0 && !m_plan.exports[role.exportIndex].problems.empty()) {
            const auto& problems = m_plan.exports[role.exportIndex].problems;
            markFailed(
                result,
                FileFailure{0, 0,
                            "not imported: the DynamoDB export is incomplete or damaged (" + problems.front()
                                + (problems.size() > 1 ? "; " + std::to_string(problems.size() - 1) + " more problem(s)"
                                                       : std::string())
                                + ")"});
        } else {
            ++filesRead;
            m_progress.bytesTotal += input.size;
        }
        m_summary.files.push_back(std::move(result));
    }
    m_progress.filesTotal = filesRead;
}

void ImportRun::leaveOutTheStore()
{
    const auto identity = [](const std::string& path) -> std::optional<std::pair<dev_t, ino_t>> {
        struct stat st
        {
        };
        if (path.empty() || ::stat(path.c_str(), &st) != 0)
            return std::nullopt;
        return std::make_pair(st.st_dev, st.st_ino);
    };
    const std::string& store = m_db.path();
    std::vector<std::pair<std::pair<dev_t, ino_t>, std::string>> own;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        if (auto id = identity(store + suffix))
            own.emplace_back(*id,
                             *suffix ? std::string("the store's SQLite side file") : std::string("the store itself"));
    }
    if (own.empty())
        return;
    std::erase_if(m_inputs, [&](const InputPath& input) {
        const auto id = identity(input.path);
        if (!id)
            return false;
        for (const auto& [ownId, what] : own)
            if (ownId == *id) {
                m_summary.skippedInputs.push_back(input.path + ": " + what + ", not a capture (left out)");
                return true;
            }
        return false;
    });
}

ImportRun::~ImportRun()
{
    if (m_reader.joinable()) // only when run() did not finish
        stopReader();
}

ImportSummary ImportRun::run()
{
    if (m_inputs.empty() || !openWriter())
        return std::move(m_summary);
    startReader();
    writeAll();
    finish();
    return std::move(m_summary);
}

bool ImportRun::openWriter()
{
    WriterOptions writerOptions;
    writerOptions.groupFiles = m_options.groupFiles;
    writerOptions.groupMillis = m_options.groupMillis;
    writerOptions.walCheckpointPages = m_options.walCheckpointPages;
    if (m_options.backgroundCheckpoints && !m_db.isReadOnly()) {
        m_checkpointer.emplace(m_db.path());
        if (m_checkpointer->active())
            writerOptions.walCheckpointPages = -1;
    }
    if (const char* main = sqlite3_db_filename(m_db.handle(), "main"); main && *main)
        m_walPath = sqlite3_filename_wal(main);
    writerOptions.afterCommit = [this] { boundWal(); };
    auto created = ImportWriter::create(m_db, writerOptions);
    if (!created) {
        m_summary.storeError = created.error();
        return false;
    }
    m_writer.emplace(std::move(*created));
    auto sizes = m_writer->completeSourceSizes();
    if (!sizes) {
        m_summary.storeError = sizes.error();
        return false;
    }
    m_importedSizes.insert(sizes->begin(), sizes->end());
    return true;
}

// Called by the writer after each group commit, before its next transaction: see ImportOptions::walTruncateBytes.
void ImportRun::boundWal()
{
    struct stat st
    {
    };
    if (m_walPath.empty() || ::stat(m_walPath.c_str(), &st) != 0)
        return;
    const auto size = static_cast<std::uint64_t>(st.st_size);
    m_walPeakBytes = std::max(m_walPeakBytes, size);
    if (m_options.walTruncateBytes == 0 || size <= m_options.walTruncateBytes)
        return;
    if (m_checkpointer)
        m_checkpointer->stopCheckpoints(); // its checkpoint in progress would make ours busy
    // Not done (a reader kept its snapshot a second): the next commit tries again; the import goes on either way.
    if (!m_writer->checkpoint(ImportWriter::CheckpointMode::Truncate))
        ++m_walTruncations;
    if (m_checkpointer)
        m_checkpointer->resumeCheckpoints();
}

void ImportRun::startReader()
{
    m_file.started = Clock::now();
    if (m_options.readerThread)
        m_reader =
            std::thread(readInputs, std::cref(m_inputs), std::cref(m_plan), std::cref(m_options),
                        std::cref(m_importedSizes), std::ref(m_queue), std::ref(m_signals), std::ref(m_recycler));
    else
        readInputs(m_inputs, m_plan, m_options, m_importedSizes, m_queue, m_signals, m_recycler);
}

void ImportRun::stopReader()
{
    if (m_signals.cancel.load() || !m_readerDone) {
        m_signals.cancel.store(true);
        m_queue.close();
    }
    if (m_reader.joinable())
        m_reader.join();
}

void ImportRun::finish()
{
    rollbackOpenSource();
    // Commit the files completed in the last group (also after a cancel: files finished before stay imported).
    if (auto error = m_writer->commitPending(); error && !m_summary.storeError)
        m_summary.storeError = *error;
    markLost();
    if (m_checkpointer)
        m_checkpointer->stopCheckpoints(); // its write-back goes on while the final checkpoint copies pages
    const auto finalCheckpoint = Clock::now();
    if (!m_summary.storeError)
        static_cast<void>(m_writer->checkpoint()); // copy the rest of the WAL into the store
    if (m_checkpointer)
        m_checkpointer->stop();
    stopReader();
    markNotReached();
    const auto now = Clock::now();
    m_summary.seconds = std::chrono::duration<double>(now - m_started).count();
    ImportStatistics statistics;
    statistics.seconds = m_summary.seconds;
    statistics.writerWaitedSeconds = std::chrono::duration<double>(m_waited).count();
    statistics.finalCheckpointSeconds = std::chrono::duration<double>(now - finalCheckpoint).count();
    statistics.backgroundCheckpoints = m_checkpointer && m_checkpointer->active();
    statistics.walTruncations = m_walTruncations;
    statistics.walPeakBytes = m_walPeakBytes;
    statistics.writer = m_writer->statistics();
    m_summary.statistics = statistics;
}

// Files not reached after a cancel stay as "cancelled" without rows; after a store error as "not started".
void ImportRun::markNotReached()
{
    if (!m_summary.cancelled && !m_summary.storeError)
        return;
    for (std::size_t i = 0; i < m_summary.files.size(); ++i) {
        auto& r = m_summary.files[i];
        if (static_cast<std::int64_t>(i) <= m_file.index || r.status != FileImportResult::Status::Imported
            || r.sourceId != 0)
            continue;
        if (m_summary.storeError) {
            r.status = FileImportResult::Status::NotStarted;
            r.notImportedReason = "not started: the import stopped when the store failed";
        } else {
            r.status = FileImportResult::Status::Cancelled;
        }
    }
}

void ImportRun::writeAll()
{
    for (;;) {
        bool stop = false;
        std::optional<Message> next = nextMessage(stop);
        if (stop)
            return;
        if (next && !std::visit([this](auto& message) { return handle(message); }, *next))
            return;
    }
}

/// nullopt (and `stop` false) when the reader kept us waiting between files; the completed files pending then
/// may have been committed meanwhile.
std::optional<Message> ImportRun::nextMessage(bool& stop)
{
    const auto waitFrom = Clock::now();
    if (m_file.sourceOpen || m_writer->pendingSources().empty()) {
        Message message = m_queue.pop();
        m_waited += Clock::now() - waitFrom;
        return message;
    }
    // Between files with completed files pending: commit them if the reader keeps us waiting.
    auto next = m_queue.popFor(std::chrono::milliseconds(std::max(10, m_options.groupMillis / 4)));
    m_waited += Clock::now() - waitFrom;
    if (!next && m_writer->pendingDue() && !commitPending())
        stop = true;
    return next;
}

bool ImportRun::handle(FileBegin& begin)
{
    // Make the completed files visible before a new input argument or a big file (which would keep them pending
    // for long).
    const InputPath& input = m_inputs[begin.file];
    if (!m_writer->pendingSources().empty() && begin.file > 0
        && (input.argument != m_inputs[begin.file - 1].argument || input.size >= kBigFileBytes) && !commitPending())
        return false;
    m_file =
        CurrentFile{static_cast<std::int64_t>(begin.file), false, false, begin.hash, begin.hashAtEnd, Clock::now()};
    m_progress.currentFile = input.path;
    if (!begin.hash && !begin.hashAtEnd) {
        auto& r = m_summary.files[begin.file];
        r.status = FileImportResult::Status::Failed;
        r.failure = FileFailure{0, 0, begin.hashError};
        m_bytesDone += input.size;
        ++m_progress.filesDone;
        m_file.ignoring = true;
    }
    return true;
}

bool ImportRun::handle(Batch& batch)
{
    struct Recycle
    {
        BatchRecycler& recycler;
        Batch& batch;
        ~Recycle() { recycler.recycle(std::move(batch)); }
    } recycle{m_recycler, batch};
    if (m_file.ignoring || static_cast<std::int64_t>(batch.file) != m_file.index)
        return true;
    FileImportResult& r = m_summary.files[batch.file];
    if (!m_file.sourceOpen && !batch.records.empty()) {
        // Without the hash yet (hashAtEnd) nothing is checked now: see FileEnd.
        switch (beginSource(batch.file, formatText({{batch.records.front().format, 1}}))) {
        case Begun::StoreFailed:
            return false;
        case Begun::AlreadyImported:
            finishTime(r);
            stopReading(batch.file);
            return true;
        case Begun::Open:
            break;
        }
    }
    if (!batch.issues.empty()) {
        if (m_options.strict) {
            failFile(batch.file, strictFailure(batch.issues.front()));
            return true;
        }
        r.skipped += static_cast<std::int64_t>(batch.issues.size());
        for (auto& issue : batch.issues)
            keepSkipped(r, std::move(issue));
        m_progress.recordsRead += static_cast<std::int64_t>(batch.issues.size());
    }
    if (!addRecords(batch, r))
        return false;
    if (!report()) {
        cancel();
        rollbackOpenSource();
        r.status = FileImportResult::Status::Cancelled;
        r.inserted = r.duplicates = r.conflicts = 0;
        finishTime(r);
        return false;
    }
    return true;
}

/// false when the store failed. A record the writer refuses is skipped (or, --strict, fails the file).
bool ImportRun::addRecords(Batch& batch, FileImportResult& r)
{
    const bool precomputed = batch.precomputed.size() == batch.records.size();
    for (std::size_t i = 0; i < batch.records.size(); ++i) {
        const CaptureRecord& record = batch.records[i];
        auto added = m_writer->addRecord(recordInput(record, precomputed ? &batch.precomputed[i] : nullptr));
        ++r.records;
        ++m_progress.recordsRead;
        if (added) {
            count(r, added->kind);
            continue;
        }
        if (added.error().kind != Error::Kind::InvalidArgument) {
            storeFailed(added.error(), &record);
            return false;
        }
        RecordIssue issue{record.recordIndex, record.byteOffset, added.error().message};
        if (m_options.strict) {
            failFile(batch.file, strictFailure(issue));
            return true;
        }
        --r.records;
        ++r.skipped;
        keepSkipped(r, std::move(issue));
    }
    return true;
}

bool ImportRun::handle(FileFailed& failed)
{
    if (static_cast<std::int64_t>(failed.file) != m_file.index)
        return true;
    FileImportResult& r = m_summary.files[failed.file];
    const FileFailure& failure = failed.failure;
    const bool notJsonAtAll =
        failure.byteOffset == 0 && failure.recordIndex == 0 && failure.reason.rfind("not JSON: expected", 0) == 0;
    if (!m_file.ignoring && notJsonAtAll && m_plan.roles[failed.file].kind == InputRole::Kind::Capture) {
        // A file that is no JSON at all (README, notes): not a capture, named or found in a folder.
        rollbackOpenSource();
        r.status = FileImportResult::Status::NotCapture;
        r.notCaptureReason = "not JSON (" + failure.reason + ")";
        finishTime(r);
    } else if (!m_file.ignoring || r.status == FileImportResult::Status::Imported) {
        failFile(failed.file, failure);
    }
    m_file.done = true;
    return fileDone(failed.file);
}

bool ImportRun::handle(FileEnd& end)
{
    if (static_cast<std::int64_t>(end.file) != m_file.index)
        return true;
    FileImportResult& r = m_summary.files[end.file];
    if (!m_file.ignoring && m_file.hashAtEnd && !checkHashAtEnd(end, r))
        return false;
    if (!m_file.ignoring && !completeFile(end, r))
        return false;
    m_file.done = true;
    finishTime(r);
    m_signals.currentFileBytes.store(0);
    return fileDone(end.file);
}

bool ImportRun::handle(ReaderDone&)
{
    m_readerDone = true;
    return false;
}

/// A file hashed while it was read: its hash is known now. Was it imported before? false when the store failed.
bool ImportRun::checkHashAtEnd(const FileEnd& end, FileImportResult& r)
{
    m_file.hash = end.hash ? end.hash : fileContentHash(m_inputs[end.file].path);
    if (!m_file.hash) {
        failFile(end.file, FileFailure{r.records, 0, "cannot read: " + std::string(std::strerror(errno))});
        return true;
    }
    if (!m_file.sourceOpen)
        return true;
    auto existing = m_writer->findImported(*m_file.hash);
    if (!existing) {
        storeFailed(existing.error());
        return false;
    }
    if (*existing) {
        rollbackOpenSource();
        r.status = FileImportResult::Status::AlreadyImported;
        r.existing = std::move(*existing);
        r.records = r.inserted = r.duplicates = r.conflicts = r.skipped = 0;
        r.skippedRecords.clear();
        r.sourceId = 0;
        m_file.ignoring = true;
    } else if (auto error = m_writer->setSourceHash(*m_file.hash)) {
        storeFailed(*error);
        return false;
    }
    return true;
}

/// The file was read to its end: commit its source (or say it is no capture). false when the store failed.
bool ImportRun::completeFile(const FileEnd& end, FileImportResult& r)
{
    const InputRole& role = m_plan.roles[end.file];
    if (role.kind == InputRole::Kind::ExportManifest)
        return completeManifest(end, r);
    r.format = formatText(end.formats);
    r.notes = end.notes;
    r.log = end.log;
    if (role.kind == InputRole::Kind::ExportData && role.expectedItems
        && r.records + r.skipped != *role.expectedItems) {
        failFile(end.file,
                 FileFailure{r.records + r.skipped, 0,
                             "manifest-files.json lists " + std::to_string(*role.expectedItems)
                                 + " items for this data file, it holds " + std::to_string(r.records + r.skipped)
                                 + " (incomplete download or a different file)"});
        return true;
    }
    if (!m_file.sourceOpen && r.records == 0 && r.skipped == 0) {
        if (role.kind == InputRole::Kind::ExportData) {
            // Empty partitions are written as empty (gzip) files.
            r.status = FileImportResult::Status::Imported;
            r.format = "s3-export-data";
            r.notes.push_back("empty data file (an empty partition; manifest-files.json lists 0 items)");
            return true;
        }
        const std::string reason =
            end.notCaptureReason.empty() ? std::string("no DynamoDB stream records found") : end.notCaptureReason;
        // Files of known layouts that belong next to captures.
        const bool sidecar = reason.rfind("a Lambda partial batch response", 0) == 0
            || reason.rfind("an S3 export manifest", 0) == 0
            || reason.rfind("a CloudWatch Logs export write-test marker", 0) == 0;
        r.status = sidecar ? FileImportResult::Status::Sidecar : FileImportResult::Status::NotCapture;
        r.notCaptureReason = reason;
        return true;
    }
    // Only skipped records: still record the source so a re-import says so.
    if (!m_file.sourceOpen && beginSource(end.file, r.format) == Begun::StoreFailed)
        return false;
    if (!m_file.sourceOpen)
        return true; // imported before
    auto error = m_writer->commitSource(r.skipped, sourceMessages(r));
    m_file.sourceOpen = false;
    if (error) {
        markLost();
        storeFailed(*error);
        return false;
    }
    r.status = FileImportResult::Status::Imported;
    return true;
}

/// An export's manifest-summary.json, after its data files: recorded as the export's source (its description as the
/// message) when every data file is in the store. false when the store failed.
bool ImportRun::completeManifest(const FileEnd& end, FileImportResult& r)
{
    const int exportIndex = m_plan.roles[end.file].exportIndex;
    r.format = "dynamodb-export";
    r.notes = end.notes;
    std::int64_t notImported = 0;
    std::string first;
    for (const auto& file : m_summary.files) {
        if (file.exportIndex != exportIndex || &file == &r)
            continue;
        if (file.status != FileImportResult::Status::Imported
            && file.status != FileImportResult::Status::AlreadyImported) {
            if (notImported++ == 0)
                first = file.path;
        }
    }
    if (notImported > 0) {
        markFailed(r,
                   FileFailure{0, 0,
                               "the export is not recorded: " + std::to_string(notImported)
                                   + " of its data files were not imported (" + first + ")"});
        return true;
    }
    switch (beginSource(end.file, r.format)) {
    case Begun::StoreFailed:
        return false;
    case Begun::AlreadyImported:
        return true;
    case Begun::Open:
        break;
    }
    auto error = m_writer->commitSource(0, sourceMessages(r));
    m_file.sourceOpen = false;
    if (error) {
        markLost();
        storeFailed(*error);
        return false;
    }
    r.status = FileImportResult::Status::Imported;
    return true;
}

ImportRun::Begun ImportRun::beginSource(std::size_t file, std::string format)
{
    FileImportResult& r = m_summary.files[file];
    auto begun =
        m_writer->beginSource(SourceDescriptor{m_inputs[file].path, static_cast<std::int64_t>(m_inputs[file].size),
                                               m_file.hash.value_or(""), std::move(format)});
    if (!begun) {
        storeFailed(begun.error());
        return Begun::StoreFailed;
    }
    if (begun->alreadyImported) {
        r.status = FileImportResult::Status::AlreadyImported;
        r.existing = begun->existing;
        return Begun::AlreadyImported;
    }
    r.sourceId = begun->sourceId;
    m_fileBySource[begun->sourceId] = file;
    m_file.sourceOpen = true;
    return Begun::Open;
}

/// Commits the completed files pending; false when the store failed.
bool ImportRun::commitPending()
{
    if (auto error = m_writer->commitPending()) {
        markLost();
        storeFailed(*error);
        return false;
    }
    return true;
}

void ImportRun::finishTime(FileImportResult& r) const
{
    r.seconds = std::chrono::duration<double>(Clock::now() - m_file.started).count();
}

void ImportRun::stopReading(std::size_t file)
{
    m_signals.skipFile.store(static_cast<std::int64_t>(file));
    m_file.ignoring = true;
}

void ImportRun::rollbackOpenSource()
{
    if (m_file.sourceOpen) {
        static_cast<void>(m_writer->rollbackSource());
        m_file.sourceOpen = false;
    }
}

void ImportRun::failFile(std::size_t file, FileFailure failure)
{
    rollbackOpenSource();
    FileImportResult& r = m_summary.files[file];
    markFailed(r, std::move(failure));
    finishTime(r);
    stopReading(file);
}

// Files whose commitSource() succeeded but whose group transaction was then lost (store error).
void ImportRun::markLost()
{
    for (const std::int64_t id : m_writer->takeLostSources()) {
        const auto it = m_fileBySource.find(id);
        if (it == m_fileBySource.end())
            continue;
        FileImportResult& r = m_summary.files[it->second];
        markStoreFailed(r,
                        "read completely, but the write transaction holding it (with the files before it) was "
                        "rolled back when the store failed");
    }
}

// The store failed (disk full, I/O error): said once (ImportSummary::storeError); the file being written is
// "store-failed" with the record being written when it happened (`writing`), never "failed" at a made-up place.
void ImportRun::storeFailed(const Error& error, const CaptureRecord* writing)
{
    rollbackOpenSource();
    // Keep the files completed before (they are in the open group), if SQLite still has the transaction.
    static_cast<void>(m_writer->commitPending());
    markLost();
    m_summary.storeError = error;
    if (m_file.index >= 0 && !m_file.done) {
        auto& r = m_summary.files[static_cast<std::size_t>(m_file.index)];
        if (r.status == FileImportResult::Status::Imported) {
            if (writing) {
                markStoreFailed(r,
                                "the store failed while "
                                    + recordPositionText(writing->recordIndex, writing->byteOffset, 0, 0)
                                    + " was written");
                r.failure = FileFailure{writing->recordIndex, writing->byteOffset,
                                        "the store failed while this record was written (the record is not at fault)"};
            } else {
                markStoreFailed(r, "the store failed before this file was complete");
            }
        }
    }
    m_signals.cancel.store(true);
}

/// A file is done: counts it and reports. false when the callback cancelled.
bool ImportRun::fileDone(std::size_t file)
{
    m_bytesDone += m_inputs[file].size;
    ++m_progress.filesDone;
    if (report())
        return true;
    cancel();
    return false;
}

bool ImportRun::report()
{
    if (!m_onProgress)
        return true;
    m_progress.bytesRead = m_bytesDone + m_signals.currentFileBytes.load();
    return m_onProgress(m_progress);
}

void ImportRun::cancel()
{
    m_summary.cancelled = true;
    m_signals.cancel.store(true);
}

} // namespace

ImportSummary importCaptures(Database& db, const std::vector<std::string>& paths, const ImportOptions& options,
                             const ProgressCallback& onProgress)
{
    ImportSummary summary;
    {
        ImportRun run(db, paths, options, onProgress);
        summary = run.run();
    }
#ifdef __GLIBC__
    // The reader's thread freed its buffers into a malloc arena of its own, which glibc keeps: give the freed memory
    // back, so what comes after an import in the same process (its audit) does not stand on top of it.
    malloc_trim(0);
#endif
    return summary;
}

} // namespace storage
