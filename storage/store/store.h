#pragma once

// The query side of a store (.streamscope SQLite file): everything the history/audit engine, the GUI models,
// the CLI and the export read. Every query has an index behind it and pages by key range (never deep OFFSET).
//
// Threading: a Store is one connection; use it from one thread at a time (open one Store per thread; WAL lets
// readers run while an importer writes, in this or another process). interrupt() may be called from any thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/streamrecord.h"
#include "storage/store/database.h"
#include "storage/store/storedrows.h"

namespace storage {

// ---- queries' parameters ----------------------------------------------------------------------------------------

enum class KeySort : std::uint8_t {
    KeyText,     ///< display text (byte order), then id
    RecordCount, ///< record count, then id
    LastChange,  ///< last creation time (keys without times first when ascending), then id
    KeyValue,    ///< typed key value (model/keyorder.h: numbers numerically, part by part), then id; keyIds() only
};

/// Where a key page starts: strictly after this key in the chosen sort. Take it from KeyPage::next.
struct KeyCursor
{
    std::string text;        ///< KeySort::KeyText: the last key's display text
    std::int64_t number = 0; ///< RecordCount: its count; LastChange: its last time (see hasNumber)
    bool hasNumber = false;  ///< LastChange: false when the last key had no time
    std::int64_t id = 0;     ///< the last key's id (tie-break)
};

struct KeyQuery
{
    std::optional<std::int64_t> tableId; ///< nullopt = every table
    std::string filter;                  ///< substring of the display text, ASCII case-insensitive; "" = all
    KeySort sort = KeySort::KeyText;
    bool descending = false;
    std::optional<KeyCursor> after; ///< nullopt = first page
    int limit = 256;
};

struct KeyPage
{
    std::vector<KeyInfo> keys;
    std::optional<KeyCursor> next; ///< nullopt when this was the last page
};

/// Which records. Every member narrows; defaults select everything.
struct RecordFilter
{
    std::optional<std::int64_t> tableId;
    std::optional<std::int64_t> keyId;
    std::optional<std::int64_t> sourceId;
    std::vector<model::EventName> eventNames; ///< empty = all event names
    std::optional<bool> ttl;                  ///< true: only TTL removes; false: no TTL removes
    std::optional<std::int64_t> fromMicros;   ///< creation time >= from (records without time excluded)
    std::optional<std::int64_t> toMicros;     ///< creation time < to (exclusive; records without time excluded)
    /// Substring (ASCII case-insensitive) of the key's display text, the event ID or the sequence number.
    std::string text;
    /// Also search the record as delivered (slow on big stores: a full scan; run it in a background job).
    bool textInRaw = false;
    /// One stream (a stream belongs to one table): records_by_stream_seq serves it, with the sequence bounds.
    std::optional<std::int64_t> streamId;
    /// Numeric sequence range as model::sequenceSortKey texts, inclusive ("" = open). Either set excludes records
    /// without a sequence number.
    std::string fromSequenceSortKey;
    std::string toSequenceSortKey;
};

enum class RecordOrder : std::uint8_t {
    Arrival,  ///< records.id (import order)
    Time,     ///< creation time (records without time first), then id
    Sequence, ///< stream, then numeric sequence number (records without one first), then id — export order
};

/// Where a record page starts: strictly after this position. Take it from RecordPage::next; a default cursor
/// starts at the beginning.
struct RecordCursor
{
    std::int64_t id = 0;                    ///< last row's id (0 = start)
    std::optional<std::int64_t> timeMicros; ///< Time order: last row's time (nullopt = it had none)
    std::int64_t streamId = 0;              ///< Sequence order: last row's stream
    std::string sequenceSortKey;            ///< Sequence order: last row's model::sequenceSortKey ("" = none)
};

template<typename Row>
struct RecordPage
{
    std::vector<Row> rows;
    std::optional<RecordCursor> next; ///< nullopt when this was the last page
};

/// How a key's records were ordered (history "ordering": "sequence" | "time"). Store::keyHistory and
/// forEachKeyHistory return a key's records in this order (the same rule as model::orderRecords, so the history and
/// audit engines take them as they are, without sorting again). Reading follows the key's index in arrival order;
/// when a capture delivered the key's records out of order they are put in order in memory (a permutation, rows
/// moved once).
enum class HistoryOrdering : std::uint8_t {
    Sequence, ///< every record has a sequence number: numeric sequence order, then arrival (records.id)
    Time,     ///< some record has none (Kinesis, exports): creation time (none first), then sequence (none first,
              ///< numeric), then arrival
};
std::string_view historyOrderingText(HistoryOrdering ordering); // "sequence", "time"

/// Where a record sorts in RecordOrder::Sequence (delivery order): what a selection read through an index sorts in
/// memory (about 48 bytes per record) instead of paging the whole store in that order.
struct RecordOrderKey
{
    std::int64_t id = 0;
    std::int64_t streamId = 0;
    std::string sequenceSortKey; ///< "" = no sequence number (sorts first, as SQLite's NULL)
};
/// Sorts in RecordOrder::Sequence: stream, sequence sort key (none first), id.
void sortInSequenceOrder(std::vector<RecordOrderKey>& keys);

/// One record of a key's history without its images or raw text: enough to order the history and to choose the
/// records a question needs (a state at a time, a page of versions) before reading them.
struct HistoryEntry
{
    std::int64_t id = 0;
    std::string sequenceNumber; ///< "" when none
    std::optional<std::int64_t> creationTimeMicros;
    model::EventName eventName = model::EventName::Insert;
    bool ttl = false; ///< a REMOVE by Time to Live
};

/// A key's history as entries in history order (see HistoryOrdering): memory about 64 bytes per record, whatever
/// the size of its images.
struct KeyHistoryIndex
{
    KeyInfo key;
    std::string tableName;
    HistoryOrdering ordering = HistoryOrdering::Sequence;
    std::vector<HistoryEntry> entries;
};

struct KeyHistory
{
    KeyInfo key;
    std::string tableName;
    HistoryOrdering ordering = HistoryOrdering::Sequence;
    std::vector<RecordRow> records;
    /// With ScanOptions::maxKeyBytes: the key's records were more than that, so none is here (`records` empty);
    /// this many are in the store (read them a window at a time: keyHistoryIndex, historyRowsByIds).
    std::int64_t recordsLeftOut = 0;
};

struct ScanOptions
{
    std::optional<std::int64_t> tableId; ///< nullopt = all tables
    bool withRaw = false;
    /// > 0: a key whose rows hold more bytes than this (Keys, images, raw text) is handed over without its records
    /// (KeyHistory::recordsLeftOut): one huge key does not have to fit in memory.
    std::int64_t maxKeyBytes = 0;
    /// Read the records table in file order and let SQLite sort the rows by key (in temporary files, about the
    /// size of the rows read), instead of reading each row where the key index points: for a scan of every key of
    /// a store larger than the page cache, each page is then read once instead of once per record on it. The
    /// first key comes only once the sort is done.
    bool sortedScan = false;
};

// ---- the store --------------------------------------------------------------------------------------------------

class Store
{
public:
    /// Opens (and with ReadWrite creates) a store and brings its schema up to date. Refuses, with a message a
    /// person understands: a file that is not SQLite or not a Streamscope store (Error::Kind::NotAStore), a store
    /// written by a newer version (NewerVersion), a damaged file (Corrupt), a missing file for ReadOnly /
    /// ReadWriteExisting (CannotOpen). A ReadOnly open never writes; it needs the schema to be current already.
    static Result<Store> open(const std::string& path, Database::OpenMode mode = Database::OpenMode::ReadWrite);

    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();

    Database& database();
    const std::string& path() const;
    bool isReadOnly() const;
    /// Aborts the query running on this store's connection (from any thread); it returns Error::Kind::Interrupted.
    void interrupt();

    // Overview
    Result<StoreTotals> totals();
    /// Where a record read from a log was logged: its provenance JSON ({"logGroup","logStream","logTimestamp",
    /// "requestId"}), "" for a record read from a capture file (or a store older than kProvenanceVersion).
    Result<std::string> recordProvenance(std::int64_t recordId);
    /// Complete sources in import order (failed/cancelled imports leave nothing behind).
    Result<std::vector<SourceInfo>> sources();
    /// Tables by name, with counts and their streams.
    Result<std::vector<TableInfo>> tables();
    Result<std::optional<TableInfo>> findTable(std::string_view name);

    // Keys
    Result<KeyPage> keys(const KeyQuery& query);
    /// Exact number of keys matching tableId + filter (sort/after/limit ignored).
    Result<std::int64_t> countKeys(const KeyQuery& query);
    /// Ids of all keys matching, in the query's order (after/limit ignored): row r of a lazy list is ids[r];
    /// fetch rows with keysByIds(). 8 bytes per key.
    Result<std::vector<std::int64_t>> keyIds(const KeyQuery& query);
    /// Keys in the order of `ids` (ids that do not exist are left out).
    Result<std::vector<KeyInfo>> keysByIds(std::span<const std::int64_t> ids);
    Result<std::optional<KeyInfo>> key(std::int64_t keyId);
    /// The key with this canonical Keys JSON (model::canonicalJson) in this table.
    Result<std::optional<KeyInfo>> findKey(std::int64_t tableId, std::string_view canonicalKeys);

    // One key's history, in history order (see HistoryOrdering). `limit` 0 = all records (else the first `limit`
    // in history order). `maxBytes` > 0: when the key's rows hold more (as ScanOptions::maxKeyBytes counts them),
    // reading stops and no record is returned (KeyHistory::recordsLeftOut says how many there are).
    Result<KeyHistory> keyHistory(std::int64_t keyId, bool withRaw = false, std::int64_t limit = 0,
                                  std::int64_t maxBytes = 0);
    /// The same order without images (records_by_key and the rows' leading columns only); read the records it
    /// picks with historyRowsByIds. InvalidArgument for an unknown key.
    Result<KeyHistoryIndex> keyHistoryIndex(std::int64_t keyId);
    /// KeyHistoryIndex::entries alone (no key or table lookup): `entries` replaced; the ordering used.
    Result<HistoryOrdering> historyEntries(std::int64_t keyId, std::vector<HistoryEntry>& entries);
    /// The ids of a key's records in arrival order, from records_by_key alone (no row is read).
    [[nodiscard]] std::optional<Error> keyRecordIds(std::int64_t keyId, std::vector<std::int64_t>& ids);
    /// The ids of a stream's records that have a sequence number, in sequence order (records_by_stream_seq alone).
    [[nodiscard]] std::optional<Error> forEachSequencedRecord(std::int64_t streamId,
                                                              const std::function<void(std::int64_t id)>& onRecord);
    /// A table's records whose creation time is at or before `atMicros`, with their event names, in no particular
    /// order (records_by_table_event alone).
    [[nodiscard]] std::optional<Error>
    forEachRecordAtOrBefore(std::int64_t tableId, std::int64_t atMicros,
                            const std::function<void(std::int64_t id, model::EventName eventName)>& onRecord);
    /// The largest record id (0 for an empty store).
    Result<std::int64_t> maxRecordId();
    /// History rows (as keyHistory's) in the order of `ids` (ids not found are left out). `withNames`: table name,
    /// stream ARN and region filled (two lookups per call), else left empty. An incremental export line's
    /// windowFromMicros is filled either way (one lookup per data file).
    Result<std::vector<RecordRow>> historyRowsByIds(std::span<const std::int64_t> ids, bool withRaw = false,
                                                    bool withNames = true);

    // Records
    Result<std::optional<RecordRow>> record(std::int64_t recordId, bool withRaw = true);
    Result<RecordPage<RecordSummary>> recordSummaries(const RecordFilter& filter, RecordOrder order,
                                                      const RecordCursor& after, int limit = 256);
    Result<RecordPage<RecordRow>> records(const RecordFilter& filter, RecordOrder order, const RecordCursor& after,
                                          int limit = 256, bool withRaw = false);
    /// Exact number of records matching.
    Result<std::int64_t> countRecords(const RecordFilter& filter);
    /// Materialised filtered view: the ids of all matching records in `order`. Row r of the GUI's events table is
    /// ids[r]; rows are fetched with recordSummariesByIds(). (Unfiltered arrival order needs no list: row r is
    /// id r + 1, so recordSummaries(RecordFilter{}, Arrival, RecordCursor{r}) reads it.) Interruptible.
    Result<std::vector<std::int64_t>> recordIds(const RecordFilter& filter, RecordOrder order);
    /// In the order of `ids` (ids that do not exist are left out).
    Result<std::vector<RecordSummary>> recordSummariesByIds(std::span<const std::int64_t> ids);
    Result<std::vector<RecordRow>> recordsByIds(std::span<const std::int64_t> ids, bool withRaw = false);
    /// Where the matching records sort (unsorted: see sortInSequenceOrder), read through the filter's most
    /// selective index (the key's, the time range's, the stream's) without the rows' images.
    Result<std::vector<RecordOrderKey>> recordOrderKeys(const RecordFilter& filter);
    /// The same for the records of `ids` that match the filter (ids not found or not matching are left out).
    Result<std::vector<RecordOrderKey>> recordOrderKeysByIds(std::span<const std::int64_t> ids,
                                                             const RecordFilter& filter);

    // Go to
    /// Ids (ascending) of the records with this sequence number (ASCII digits; leading zeros do not matter): at most
    /// one per stream, read through the stream + sequence index (records_by_stream_seq), one probe per stream.
    /// Not a sequence number (empty, not digits): no records.
    Result<std::vector<std::int64_t>> recordIdsBySequenceNumber(std::string_view sequenceNumber);
    /// Ids (ascending) of the records with this event ID (exact, case-sensitive). Only records without a sequence
    /// number have an event-ID index (records_by_event_id, for their dedup); the others are found by reading the
    /// records table once (a scan; run it in a background job: interrupt() stops it). Empty ID: no records.
    Result<std::vector<std::int64_t>> recordIdsByEventId(std::string_view eventId);

    // Activity chart
    /// First and last creation time of the matching records (nullopt when none has a time).
    Result<std::optional<std::pair<std::int64_t, std::int64_t>>> timeRange(const RecordFilter& filter);
    /// Matching records counted per bucket of `bucketMicros` (aligned to multiples of bucketMicros since the
    /// epoch) and event name; only non-empty buckets, ascending. Records without time are not counted.
    Result<std::vector<ActivityBucket>> activity(const RecordFilter& filter, std::int64_t bucketMicros);

    // Findings the import made
    Result<std::vector<DuplicateRow>> duplicates(std::optional<std::int64_t> tableId = std::nullopt);
    Result<std::vector<ConflictRow>> conflicts(std::optional<std::int64_t> tableId = std::nullopt);

    /// For the audit: every key (by key id) with its records in history order (as keyHistory), one key at a time,
    /// streaming (memory = one key's records). Return false from `onKey` to stop early (not an error).
    [[nodiscard]] std::optional<Error> forEachKeyHistory(const ScanOptions& options,
                                                         const std::function<bool(KeyHistory& history)>& onKey);

private:
    struct Impl;
    explicit Store(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

/// Decodes a row's Keys and images into a model::StreamRecord (table, ARN, event, sequence, times, view type,
/// ttl, arrival = row id). Fails with Error::Kind::InvalidArgument and the model's decode message if the stored
/// JSON does not decode (cannot happen for rows the importer wrote through model-validated text).
Result<model::StreamRecord> toStreamRecord(const RecordRow& row);

} // namespace storage
