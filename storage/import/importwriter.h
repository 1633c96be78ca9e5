#pragma once

// The write side of a store, used by the importer on its writer thread: one source (file) at a time, atomically.
//
//   auto writer = ImportWriter::create(db);            // db: storage::Database opened ReadWrite, schema current
//   auto begun = writer->beginSource({path, size, hash, "lambda-dynamodb"});
//   if (begun->alreadyImported) ...say so and skip...
//   for (each record) { auto r = writer->addRecord(input); ... }   // Inserted / Duplicate / Conflict
//   writer->commitSource(skipped, messages);   // or rollbackSource(): the store is exactly as before
//
// Atomicity: every source is written inside a write transaction (BEGIN IMMEDIATE). By default commitSource()
// commits that transaction at once. With WriterOptions::groupFiles > 1 (the importer's setting) several consecutive
// sources share one transaction, committed every groupFiles sources, or once groupMillis have passed, or by
// commitPending(). A failed or cancelled file (rollbackSource()) leaves no trace and the group's other files stay:
// the writer remembers what the open source created (its rows are the ids from its first one on; keys, streams and
// tables it added; streams whose view type it set) and deletes/restores exactly that — alone in the transaction,
// the transaction is simply rolled back. (No SAVEPOINT per file: SQLite would copy every page the file touches into
// the statement journal, which cost ~40% of the writer's time on small files.) A crash loses the uncommitted group
// as a whole (each file all-or-none). WAL + synchronous=NORMAL keep this crash-safe while bulk loading. Readers on
// other connections keep seeing the last committed state.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/streamrecord.h"
#include "storage/store/database.h"
#include "storage/store/storedrows.h"

namespace storage {

struct SourceDescriptor
{
    std::string path;
    std::int64_t sizeBytes = 0;
    std::string contentHash; ///< any stable hash of the file bytes (hex); same hash = same file
    std::string format;      ///< detected shape of the file
};

struct BeginSourceResult
{
    std::int64_t sourceId = 0;          ///< the new source (0 when alreadyImported)
    bool alreadyImported = false;       ///< a complete source with the same content hash exists: nothing was begun
    std::optional<SourceInfo> existing; ///< that source, when alreadyImported
};

/// One record to store. Views must stay valid for the duration of addRecord() only (nothing is kept).
struct RecordInput
{
    std::string_view tableName; ///< required, non-empty
    std::string_view streamArn; ///< "" when unknown
    std::string_view region;    ///< "" when unknown
    model::ViewType viewType = model::ViewType::Unknown;
    std::string_view shape; ///< envelope it arrived in ("lambda-dynamodb", "kinesis", "s3-full", ...)

    std::string_view keysJson; ///< Keys, exact DynamoDB JSON (required; must decode with model::parseItem)
    model::EventName eventName = model::EventName::Insert;
    std::string_view sequenceNumber;                ///< digits, or "" when the source has none
    std::string_view eventId;                       ///< "" when none
    std::optional<std::int64_t> creationTimeMicros; ///< normalised to UTC microseconds
    TimeUnit timeUnit = TimeUnit::Unknown;          ///< unit the timestamp came in
    std::string_view timeText;                      ///< the timestamp's original JSON text
    std::optional<std::int64_t> sizeBytes;
    bool ttl = false;
    std::optional<std::string_view> newImageJson; ///< exact DynamoDB JSON; nullopt when absent
    std::optional<std::string_view> oldImageJson;

    /// The record as delivered. When keysJson/newImageJson/oldImageJson point inside this buffer they are stored
    /// as slices of it (no second copy); otherwise their text is stored separately. Either way the query API
    /// returns the text.
    std::string_view raw;
    /// Read from a log: {"logGroup","logStream","logTimestamp","requestId",…} (CaptureRecord::logProvenance); "" none.
    std::string_view provenance;
    std::int64_t recordIndex = 0; ///< within the source
    std::int64_t byteOffset = 0;  ///< within the (decompressed) source

    /// Optional values computed ahead (the importer does it on its reader thread). When set they must equal
    /// storage::contentHash(eventName, keysJson, newImageJson, oldImageJson) and
    /// model::sequenceSortKey(sequenceNumber) (a valid sequence number); otherwise the writer computes them.
    std::optional<std::uint64_t> precomputedHash;
    std::string_view precomputedSeqSort;
    std::optional<std::uint64_t> precomputedKeyHash; ///< storage::keyTextHash(keysJson)
    /// model::canonicalJson / model::keyDisplayText of the decoded Keys (both set, or neither: then the writer
    /// decodes the Keys the first time it sees their text).
    std::string_view precomputedKeyCanonical;
    std::string_view precomputedKeyDisplay;
};

struct AddOutcome
{
    enum class Kind : std::uint8_t {
        Inserted,  ///< stored as a new record (recordId = the new row)
        Duplicate, ///< already stored with the same content (recordId = the stored one); counted, listed
        Conflict,  ///< same stream + sequence number, different content: kept aside (recordId = the stored one)
    };
    Kind kind = Kind::Inserted;
    std::int64_t recordId = 0;
};

struct SourceCounts
{
    std::int64_t inserted = 0;
    std::int64_t duplicates = 0;
    std::int64_t conflicts = 0;
};

/// What the writer's group commits cost so far (the figures STREAMSCOPE_WRITER_STATS shows).
struct WriterStatistics
{
    std::int64_t groupsCommitted = 0;
    double commitSeconds = 0;     ///< stats flush + COMMIT, over all committed groups
    double statsFlushSeconds = 0; ///< of which the per-key, per-table and per-stream counts
};

/// How the writer groups sources into transactions (see the header comment).
struct WriterOptions
{
    int groupFiles = 1;    ///< commit after this many completed sources (1 = every source on its own)
    int groupMillis = 250; ///< ...or when the group's transaction is this old at a source boundary
    /// >0: PRAGMA wal_autocheckpoint for the writer's lifetime (restored after); <0: no automatic checkpoints
    /// meanwhile (someone else checkpoints: the importer's background checkpointer, or checkpoint() at the end).
    int walCheckpointPages = 0;
    /// A source alone in its transaction writes its keys' record counts and times to the keys table whenever it holds
    /// this many keys' deltas in memory (memory bounded whatever the number of keys in one file); a source sharing
    /// its transaction keeps them until the group commits (so a failed source can be undone alone).
    std::size_t maxKeyDeltas = 262144;
    /// Called after every group commit, before the next write transaction begins (the importer bounds the WAL
    /// there: a checkpoint that catches up then lets the next transaction write the WAL from its start).
    std::function<void()> afterCommit;
};

class ImportWriter
{
public:
    /// Prepares the statements on `db` (which must outlive the writer, be writable, and have a current schema —
    /// open it with Store::open or call ensureSchema first) and applies the bulk-load settings (large page cache,
    /// temp_store=MEMORY). The writer is used from one thread.
    static Result<ImportWriter> create(Database& db, WriterOptions options = {});

    ImportWriter(ImportWriter&&) noexcept;
    ImportWriter& operator=(ImportWriter&&) noexcept;
    ~ImportWriter(); ///< rolls back an open source, commits completed sources still pending (errors ignored)

    /// Starts a source: checks for an identical complete source (same content hash) and otherwise opens the
    /// file's transaction and creates the source row (status in_progress until commit). Precondition: no source
    /// is open.
    [[nodiscard]] Result<BeginSourceResult> beginSource(const SourceDescriptor& source);

    /// Stores one record of the open source, deduplicating against everything stored before (including earlier
    /// records of this source):
    /// - with a sequence number: same stream + sequence number and same content (Keys, images, eventName, compared
    ///   as values, so formatting and attribute order do not matter) = Duplicate; different content = Conflict;
    /// - without: same event ID (or, without one, same key + creation time) and same content = Duplicate.
    /// An Error (bad input such as empty table name or undecodable Keys; SQLite failure) leaves the source open:
    /// the caller decides to skip the record or roll back the file.
    [[nodiscard]] Result<AddOutcome> addRecord(const RecordInput& record);

    /// The complete source with this content hash, if any (the open source is not complete: it never counts). For
    /// files whose hash is known only once they were read (see setSourceHash()).
    [[nodiscard]] Result<std::optional<SourceInfo>> findImported(std::string_view contentHash);
    /// The sizes (bytes) of the complete sources in the store: a file of another size cannot be one of them.
    [[nodiscard]] Result<std::vector<std::uint64_t>> completeSourceSizes();
    /// Sets the open source's content hash: a source begun with an empty one (beginSource() then checks nothing)
    /// gets it before commitSource().
    [[nodiscard]] std::optional<Error> setSourceHash(std::string_view contentHash);

    /// Counts of the open source so far.
    SourceCounts counts() const;
    bool hasOpenSource() const;

    /// Finishes the open source: writes its counts, `skipped` and `messages`, status complete; commits when the group
    /// is full or old (always with groupFiles = 1). An Error means the store failed: the source and every pending one
    /// (pendingSources()) are gone.
    [[nodiscard]] std::optional<Error> commitSource(std::int64_t skipped = 0, std::string_view messages = {});
    /// Drops everything of the open source (the store is exactly as before beginSource). No-op without one.
    /// Completed sources pending in the group are kept (unless SQLite itself rolled the transaction back after a
    /// store error: then commitPending() reports it).
    std::optional<Error> rollbackSource();

    /// Commits the completed sources pending in the group (no-op when none). Precondition: no open source. An
    /// Error means they are lost (the transaction was rolled back).
    [[nodiscard]] std::optional<Error> commitPending();
    /// Completed sources (ids) not committed yet; cleared by a commit (and by a failed one).
    const std::vector<std::int64_t>& pendingSources() const;
    /// Completed sources (ids) whose group transaction failed or was rolled back by SQLite since the last call:
    /// they are not in the store although commitSource() succeeded for them.
    std::vector<std::int64_t> takeLostSources();
    /// True when the group transaction is older than groupMillis (the caller may commitPending() while idle).
    bool pendingDue() const;
    /// The group commits so far (final once the last commitPending() is done).
    WriterStatistics statistics() const;
    /// Copies the WAL into the store file; call once after a bulk import. Passive: what readers do not hold. Truncate:
    /// all of it, waiting up to busyMillis for readers and another checkpoint to finish, then empties the WAL file
    /// (the next transaction writes it from its start); an Error with code SQLITE_BUSY when that could not be had.
    enum class CheckpointMode { Passive, Truncate };
    std::optional<Error> checkpoint(CheckpointMode mode = CheckpointMode::Passive, int busyMillis = 1000);

private:
    struct Impl;
    explicit ImportWriter(std::unique_ptr<Impl> impl);
    void finish() noexcept; ///< what the destructor does (also before a move assignment replaces this writer)
    std::unique_ptr<Impl> m_impl;
};

} // namespace storage
