#include "storage/import/importwriter.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>

#include <sqlite3.h>

#include "model/dynamodbjson.h"
#include "model/sequencenumber.h"
#include "storage/import/contenthash.h"
#include "storage/store/schema.h"

namespace storage {

namespace {

struct StringHash
{
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};
template<typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

struct TimeSpan
{
    std::optional<std::int64_t> first;
    std::optional<std::int64_t> last;
    void add(const std::optional<std::int64_t>& t)
    {
        if (!t)
            return;
        if (!first || *t < *first)
            first = t;
        if (!last || *t > *last)
            last = t;
    }
};

struct KeyDelta
{
    std::int64_t count = 0;
    TimeSpan times;
};

struct TableDelta
{
    std::int64_t records = 0;
    std::int64_t newKeys = 0;
    TimeSpan times;
};

struct StreamEntry
{
    std::int64_t id = 0;
    std::int64_t viewColumn = 0; ///< streams.view_type: the view type and the view types seen (streamViewColumn)
};

// A stored image/Keys text: a slice of raw (offset/length) when it lies inside it, else its own text.
struct Placement
{
    bool present = false;
    bool slice = false;
    std::int64_t offset = 0;
    std::int64_t length = 0;
    std::string_view text;
};

Placement place(std::string_view raw, std::optional<std::string_view> part)
{
    Placement p;
    if (!part)
        return p;
    p.present = true;
    p.text = *part;
    const auto rawBegin = reinterpret_cast<std::uintptr_t>(raw.data());
    const auto partBegin = reinterpret_cast<std::uintptr_t>(part->data());
    if (raw.data() && part->data() && partBegin >= rawBegin && partBegin + part->size() <= rawBegin + raw.size()) {
        p.slice = true;
        p.offset = static_cast<std::int64_t>(partBegin - rawBegin);
        p.length = static_cast<std::int64_t>(part->size());
    }
    return p;
}

// The parameters of the insertRecord statement, in the order of its column list (see prepareAll()).
enum RecordParam : int {
    kSourceId = 1,
    kRecordIndex,
    kByteOffset,
    kTableId,
    kStreamId,
    kKeyId,
    kEventName,
    kSeq,
    kSeqSort,
    kEventId,
    kTimeUs,
    kTimeUnit,
    kTimeText,
    kSizeBytes,
    kViewType,
    kTtl,
    kShape,
    kContentHash,
    kKeysOff, // keys_off, keys_len, keys_text
    kNewOff = kKeysOff + 3,
    kOldOff = kNewOff + 3,
    kRaw = kOldOff + 3,
};
static_assert(kRaw == 28, "insertRecord binds 28 parameters");

/// What the writer resolved for one record (the rest comes from its RecordInput).
struct RecordIds
{
    std::int64_t sourceId = 0;
    std::int64_t tableId = 0;
    std::int64_t streamId = 0;
    std::int64_t keyId = 0;
    std::string_view seqSort; ///< "" without a sequence number
    std::uint64_t hash = 0;
};

/// Binds a stored text's three columns from `first` on: offset and length of a slice of raw, or its own text, or
/// all NULL when absent.
void bindPlacement(Statement& st, int first, const Placement& p)
{
    if (p.present && p.slice) {
        st.bind(first, p.offset);
        st.bind(first + 1, p.length);
        st.bindNull(first + 2);
        return;
    }
    st.bindNull(first);
    st.bindNull(first + 1);
    if (p.present)
        st.bind(first + 2, p.text);
    else
        st.bindNull(first + 2);
}

/// Binds every parameter of insertRecord (text binds are static: `record` must outlive the statement's run).
void bindInsertRecord(Statement& st, const RecordIds& ids, const RecordInput& record)
{
    st.bind(kSourceId, ids.sourceId);
    st.bind(kRecordIndex, record.recordIndex);
    st.bind(kByteOffset, record.byteOffset);
    st.bind(kTableId, ids.tableId);
    st.bind(kStreamId, ids.streamId);
    st.bind(kKeyId, ids.keyId);
    st.bind(kEventName, static_cast<std::int64_t>(record.eventName));
    st.bindTextOrNull(kSeq, record.sequenceNumber);
    st.bindTextOrNull(kSeqSort, ids.seqSort);
    st.bindTextOrNull(kEventId, record.eventId);
    st.bind(kTimeUs, record.creationTimeMicros);
    st.bind(kTimeUnit, static_cast<std::int64_t>(record.timeUnit));
    st.bindTextOrNull(kTimeText, record.timeText);
    st.bind(kSizeBytes, record.sizeBytes);
    st.bind(kViewType, static_cast<std::int64_t>(record.viewType));
    st.bind(kTtl, static_cast<std::int64_t>(record.ttl ? 1 : 0));
    st.bind(kShape, record.shape);
    st.bind(kContentHash, static_cast<std::int64_t>(ids.hash));
    bindPlacement(st, kKeysOff, place(record.raw, record.keysJson));
    bindPlacement(st, kNewOff, place(record.raw, record.newImageJson));
    bindPlacement(st, kOldOff, place(record.raw, record.oldImageJson));
    st.bind(kRaw, record.raw);
}

std::int64_t nowMicros()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

Error invalid(std::string message)
{
    return Error{Error::Kind::InvalidArgument, SQLITE_MISUSE, std::move(message)};
}

// The key caches (keysByText, keysByCanonical) are emptied when they hold more keys than this: ~140 bytes a key in
// each, so ~37 MB at most (a capture of a million keys held ~110 MB in them at 400,000).
constexpr std::size_t kMaxCachedKeys = 131072;

// A group is committed when it is groupMillis old, but never sooner than this many times the cost of the last
// commit (stats flush + COMMIT): on a busy machine commits then stay below ~1/5 of the write time.
constexpr int kCommitCostFactor = 4;

template<typename V>
std::vector<std::pair<std::int64_t, V>> sortedById(const std::unordered_map<std::int64_t, V>& map)
{
    std::vector<std::pair<std::int64_t, V>> list(map.begin(), map.end());
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return list;
}

} // namespace

struct ImportWriter::Impl
{
    Database* db = nullptr;

    Statement findSourceByHash;
    Statement insertSource;
    Statement finishSource;
    Statement findTable;
    Statement insertTable;
    Statement findStream;
    Statement insertStream;
    Statement updateStreamView;
    Statement findKey;
    Statement insertKey;
    Statement insertRecord;
    Statement insertProvenance;
    Statement findBySeq;
    Statement findByEventId;
    Statement findByKeyTime;
    Statement loadContent;
    Statement insertDuplicate;
    Statement insertConflict;
    Statement updateKeyStats;
    Statement updateTableStats;
    Statement updateStreamStats;
    Statement streamRegion;
    Statement updateSourceHash;
    Statement completeSizes;

    WriterOptions options;
    std::optional<Transaction> transaction; // the group's write transaction
    bool sourceOpen = false;                // a source is being written inside it
    std::chrono::steady_clock::time_point groupStarted;
    std::chrono::steady_clock::duration lastCommitCost{}; // stats flush + COMMIT of the last group
    std::chrono::steady_clock::duration totalCommitCost{};
    std::chrono::steady_clock::duration totalStatsCost{}; // of which flushStats()
    std::int64_t groupsCommitted = 0;
    std::vector<std::int64_t> pending; // completed sources of the open group
    std::vector<std::int64_t> lost;    // completed sources whose group was rolled back (until taken)
    std::int64_t previousAutocheckpoint = -1;
    /// The connection's page cache and temp_store before the bulk-load settings, given back by finish(): the store
    /// is used after an import (the audit of the new records), and a 64 MiB cache kept full of the import's pages
    /// stayed in the process's heap beside the audit's (import + audit of 200k records over 126k keys: RssAnon
    /// 234 MB against 183 MB for the import alone).
    std::int64_t previousCacheSize = 0;
    std::int64_t previousTempStore = -1;
    std::int64_t sourceId = 0;
    SourceCounts counts;

    // What the open source wrote, to undo it without a savepoint (see rollbackSource). A savepoint per file made
    // SQLite copy every page the file touched into the statement journal (16 KiB per page; the key index alone is
    // touched on ~one page per record) and free it all again on RELEASE: ~40% of the writer's CPU on 100-record
    // files.
    struct StreamBefore
    {
        std::int64_t id = 0;
        std::int64_t viewType = 0;
        std::string region;
    };
    struct Undo
    {
        std::int64_t firstRecord = 0;    // records, duplicates, conflicts: rows from these ids on (ids only grow
        std::int64_t firstDuplicate = 0; // while we hold the write lock) with this source_id
        std::int64_t firstConflict = 0;
        std::vector<std::int64_t> keys, streams, tables; // rows created
        std::vector<StreamBefore> streamViews;           // streams updated (view type, region before)
        void clear()
        {
            firstRecord = firstDuplicate = firstConflict = 0;
            keys.clear();
            streams.clear();
            tables.clear();
            streamViews.clear();
        }
    } undo;

    // Caches (valid for committed rows and rows of the open source; cleared on rollback).
    StringMap<std::int64_t> tables; // name -> id
    StringMap<StreamEntry> streams; // table id bytes + arn -> stream
    // Keys text as delivered -> key id, by keyTextHash(table id, text) (the text is compared on a hit).
    struct KeyText
    {
        std::int64_t tableId = 0;
        std::string text;
        std::int64_t id = 0;
    };
    std::unordered_map<std::uint64_t, KeyText> keysByText;
    StringMap<std::int64_t> keysByCanonical; // table id bytes + canonical Keys -> key id
    std::string lookup;                      // reused lookup buffer
    std::string lastTable;
    std::int64_t lastTableId = 0;

    // Stats deltas of the open source, and of the group's completed sources (written just before the commit).
    std::unordered_map<std::int64_t, KeyDelta> keyDeltas;
    std::unordered_map<std::int64_t, TableDelta> tableDeltas;
    std::unordered_map<std::int64_t, std::int64_t> streamDeltas;
    std::unordered_map<std::int64_t, KeyDelta> groupKeyDeltas;
    std::unordered_map<std::int64_t, TableDelta> groupTableDeltas;
    std::unordered_map<std::int64_t, std::int64_t> groupStreamDeltas;

    std::vector<std::pair<Statement*, const char*>> prepared; // by prepareAll(), returned to db's cache at the end

    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl()
    {
        for (const auto& [statement, sql] : prepared)
            db->putBack(sql, std::move(*statement));
    }

    std::optional<Error> prepareAll();
    void clearCaches();
    void makeLookup(std::int64_t tableId, std::string_view text);
    Result<std::int64_t> resolveTable(std::string_view name);
    Result<StreamEntry> resolveStream(std::int64_t tableId, const RecordInput& record);
    Result<std::int64_t> resolveKey(std::int64_t tableId, const RecordInput& record, std::uint64_t textHash);
    Result<bool> sameContent(std::int64_t recordId, std::uint64_t hash, const RecordInput& record);
    Result<std::optional<std::int64_t>> findDuplicateWithoutSequence(std::int64_t keyId, std::uint64_t hash,
                                                                     const RecordInput& record);
    std::optional<Error> addDuplicate(std::int64_t recordId, const RecordInput& record);
    Result<AddOutcome> addSequenceClash(const RecordIds& ids, const RecordInput& record);
    std::optional<Error> addConflict(std::int64_t existingId, std::int64_t tableId, std::int64_t streamId,
                                     std::int64_t keyId, const RecordInput& record);
    void mergeDeltas();
    /// Adds each key's delta to its row in the keys table; a key whose record count was 0 before counts as a new key
    /// of its table in `newKeys`.
    std::optional<Error> applyKeyDeltas(const std::unordered_map<std::int64_t, KeyDelta>& deltas,
                                        std::unordered_map<std::int64_t, TableDelta>& newKeys);
    std::optional<Error> flushStats();
    std::optional<Error> undoSource();
    std::optional<Error> commitGroup();
    void dropGroup();
};

std::optional<Error> ImportWriter::Impl::prepareAll()
{
    struct Item
    {
        Statement* statement;
        const char* sql;
    };
    const Item items[] = {
        {&findSourceByHash,
         "SELECT " STREAMSCOPE_SOURCE_COLUMNS " FROM sources WHERE content_hash = ?1 AND status = 'complete' "
         "ORDER BY id LIMIT 1"},
        {&insertSource,
         "INSERT INTO sources(path, size_bytes, content_hash, format, imported_at_us, status) "
         "VALUES (?1, ?2, ?3, ?4, ?5, 'in_progress')"},
        {&finishSource,
         "UPDATE sources SET inserted = ?2, duplicates = ?3, conflicts = ?4, skipped = ?5, messages = ?6, "
         "status = 'complete' WHERE id = ?1"},
        {&findTable, "SELECT id FROM ddb_tables WHERE name = ?1"},
        {&insertTable, "INSERT INTO ddb_tables(name) VALUES (?1)"},
        {&findStream, "SELECT id, view_type FROM streams WHERE table_id = ?1 AND arn = ?2"},
        {&insertStream, "INSERT INTO streams(table_id, arn, region, view_type) VALUES (?1, ?2, ?3, ?4)"},
        {&updateStreamView,
         "UPDATE streams SET view_type = ?2, region = CASE WHEN region = '' THEN ?3 ELSE region END "
         "WHERE id = ?1"},
        {&findKey, "SELECT id FROM keys WHERE table_id = ?1 AND canonical = ?2"},
        {&insertKey,
         "INSERT INTO keys(table_id, canonical, display, sort_key) VALUES (?1, ?2, ?3, streamscope_key_order(?2))"},
        {&insertRecord,
         "INSERT INTO records(source_id, record_index, byte_offset, table_id, stream_id, key_id, event_name, seq, "
         "seq_sort, event_id, time_us, time_unit, time_text, size_bytes, view_type, ttl, shape, content_hash, "
         "keys_off, keys_len, keys_text, new_off, new_len, new_text, old_off, old_len, old_text, raw) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, "
         "?22, ?23, ?24, ?25, ?26, ?27, ?28) ON CONFLICT (stream_id, seq_sort) DO NOTHING"},
        {&insertProvenance, "INSERT INTO record_provenance(record_id, provenance) VALUES (?1, ?2)"},
        {&findBySeq, "SELECT id, content_hash FROM records WHERE stream_id = ?1 AND seq_sort = ?2"},
        {&findByEventId, "SELECT id, content_hash FROM records WHERE event_id = ?1 AND seq_sort IS NULL"},
        {&findByKeyTime,
         "SELECT id, content_hash FROM records WHERE key_id = ?1 AND seq_sort IS NULL AND time_us IS ?2 "
         "AND event_id IS NULL"},
        {&loadContent,
         "SELECT event_name, keys_off, keys_len, keys_text, new_off, new_len, new_text, old_off, old_len, "
         "old_text, raw FROM records WHERE id = ?1"},
        {&insertDuplicate,
         "INSERT INTO duplicates(record_id, source_id, record_index, byte_offset) VALUES (?1, ?2, ?3, ?4)"},
        {&insertConflict,
         "INSERT INTO conflicts(existing_record_id, source_id, record_index, byte_offset, table_id, stream_id, "
         "key_id, event_name, seq, event_id, time_us, keys_text, new_text, old_text, raw) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"},
        {&updateKeyStats,
         "UPDATE keys SET record_count = record_count + ?2, "
         "first_time_us = CASE WHEN ?3 IS NULL THEN first_time_us WHEN first_time_us IS NULL THEN ?3 "
         "ELSE min(first_time_us, ?3) END, "
         "last_time_us = CASE WHEN ?4 IS NULL THEN last_time_us WHEN last_time_us IS NULL THEN ?4 "
         "ELSE max(last_time_us, ?4) END WHERE id = ?1 RETURNING record_count, table_id"},
        {&updateTableStats,
         "UPDATE ddb_tables SET record_count = record_count + ?2, key_count = key_count + ?3, "
         "first_time_us = CASE WHEN ?4 IS NULL THEN first_time_us WHEN first_time_us IS NULL THEN ?4 "
         "ELSE min(first_time_us, ?4) END, "
         "last_time_us = CASE WHEN ?5 IS NULL THEN last_time_us WHEN last_time_us IS NULL THEN ?5 "
         "ELSE max(last_time_us, ?5) END WHERE id = ?1"},
        {&updateStreamStats, "UPDATE streams SET record_count = record_count + ?2 WHERE id = ?1"},
        {&streamRegion, "SELECT region FROM streams WHERE id = ?1"},
        {&updateSourceHash, "UPDATE sources SET content_hash = ?2 WHERE id = ?1"},
        {&completeSizes, "SELECT DISTINCT size_bytes FROM sources WHERE status = 'complete'"},
    };
    // Cached on the connection (Database::takeCached): a store that imports again (the GUI, the fuzzer) parses
    // them once. ~Impl puts them back.
    for (const Item& item : items) {
        auto statement = db->takeCached(item.sql);
        if (!statement)
            return statement.error();
        *item.statement = std::move(*statement);
        prepared.emplace_back(item.statement, item.sql);
    }
    return std::nullopt;
}

void ImportWriter::Impl::clearCaches()
{
    tables.clear();
    streams.clear();
    keysByText.clear();
    keysByCanonical.clear();
    lastTable.clear();
    lastTableId = 0;
    keyDeltas.clear();
    tableDeltas.clear();
    streamDeltas.clear();
}

void ImportWriter::Impl::makeLookup(std::int64_t tableId, std::string_view text)
{
    lookup.resize(sizeof(tableId));
    std::memcpy(lookup.data(), &tableId, sizeof(tableId));
    lookup.append(text);
}

Result<std::int64_t> ImportWriter::Impl::resolveTable(std::string_view name)
{
    if (lastTableId != 0 && name == lastTable)
        return lastTableId;
    std::int64_t id = 0;
    if (auto it = tables.find(name); it != tables.end()) {
        id = it->second;
    } else {
        findTable.bind(1, name);
        Step s = findTable.step();
        if (s.error)
            return *s.error;
        if (s.row) {
            id = findTable.int64(0);
            findTable.reset();
        } else {
            findTable.reset();
            insertTable.bind(1, name);
            if (auto error = insertTable.run())
                return *error;
            id = db->lastInsertRowId();
            undo.tables.push_back(id);
        }
        tables.emplace(std::string(name), id);
    }
    lastTable.assign(name);
    lastTableId = id;
    return id;
}

Result<StreamEntry> ImportWriter::Impl::resolveStream(std::int64_t tableId, const RecordInput& record)
{
    makeLookup(tableId, record.streamArn);
    auto it = streams.find(std::string_view(lookup));
    if (it == streams.end()) {
        StreamEntry entry;
        findStream.bind(1, tableId);
        findStream.bind(2, record.streamArn);
        Step s = findStream.step();
        if (s.error)
            return *s.error;
        if (s.row) {
            entry.id = findStream.int64(0);
            entry.viewColumn = findStream.int64(1);
            findStream.reset();
        } else {
            findStream.reset();
            insertStream.bind(1, tableId);
            insertStream.bind(2, record.streamArn);
            insertStream.bind(3, record.region);
            entry.viewColumn = streamViewColumn(0, record.viewType);
            insertStream.bind(4, entry.viewColumn);
            if (auto error = insertStream.run())
                return *error;
            entry.id = db->lastInsertRowId();
            undo.streams.push_back(entry.id);
        }
        it = streams.emplace(lookup, entry).first;
    }
    // A view type not seen on this stream yet (the first known one, or a second one: a mixed stream) is recorded.
    if (const std::int64_t column = streamViewColumn(it->second.viewColumn, record.viewType);
        column != it->second.viewColumn) {
        if (std::find(undo.streams.begin(), undo.streams.end(), it->second.id) == undo.streams.end()) {
            StreamBefore before{it->second.id, it->second.viewColumn, {}};
            streamRegion.bind(1, it->second.id);
            Step s = streamRegion.step();
            if (s.error)
                return *s.error;
            if (s.row)
                before.region = streamRegion.textCopy(0);
            streamRegion.reset();
            undo.streamViews.push_back(std::move(before));
        }
        updateStreamView.bind(1, it->second.id);
        updateStreamView.bind(2, column);
        updateStreamView.bind(3, record.region);
        if (auto error = updateStreamView.run())
            return *error;
        it->second.viewColumn = column;
    }
    return it->second;
}

Result<std::int64_t> ImportWriter::Impl::resolveKey(std::int64_t tableId, const RecordInput& record,
                                                    std::uint64_t textHash)
{
    const std::string_view keysJson = record.keysJson;
    const std::uint64_t slot = textHash ^ (static_cast<std::uint64_t>(tableId) * 0x9E3779B97F4A7C15ULL);
    if (auto it = keysByText.find(slot);
        it != keysByText.end() && it->second.tableId == tableId && it->second.text == keysJson)
        return it->second.id;
    if (keysByText.size() > kMaxCachedKeys) {
        keysByText.clear();
        keysByCanonical.clear();
    }

    // The importer's reader thread decoded the Keys already; other callers get them decoded here.
    std::optional<model::Item> decoded;
    std::string computedCanonical;
    std::string_view canonical = record.precomputedKeyCanonical;
    const bool precomputed = !record.precomputedKeyCanonical.empty() && !record.precomputedKeyDisplay.empty();
    if (!precomputed) {
        auto keys = model::parseItem(keysJson);
        if (!keys)
            return invalid("Keys are not valid DynamoDB JSON: " + keys.error.message);
        if (keys.value->empty())
            return invalid("Keys are empty");
        decoded = std::move(*keys.value);
        computedCanonical = model::canonicalJson(*decoded);
        canonical = computedCanonical;
    }
    makeLookup(tableId, canonical);
    std::int64_t id = 0;
    if (auto it = keysByCanonical.find(std::string_view(lookup)); it != keysByCanonical.end()) {
        id = it->second;
    } else {
        findKey.bind(1, tableId);
        findKey.bind(2, canonical);
        Step s = findKey.step();
        if (s.error)
            return *s.error;
        if (s.row) {
            id = findKey.int64(0);
            findKey.reset();
        } else {
            findKey.reset();
            const std::string display =
                precomputed ? std::string(record.precomputedKeyDisplay) : model::keyDisplayText(*decoded);
            insertKey.bind(1, tableId);
            insertKey.bind(2, canonical);
            insertKey.bind(3, std::string_view(display));
            if (auto error = insertKey.run())
                return *error;
            id = db->lastInsertRowId();
            undo.keys.push_back(id); // counted in key_count once a record is stored under it (flushStats)
        }
        keysByCanonical.emplace(lookup, id);
    }
    keysByText.insert_or_assign(slot, KeyText{tableId, std::string(keysJson), id}); // a collision replaces
    return id;
}

namespace {

bool sameItemText(std::optional<std::string_view> a, std::optional<std::string_view> b)
{
    if (a.has_value() != b.has_value())
        return false;
    if (!a)
        return true;
    if (*a == *b)
        return true;
    auto x = model::parseItem(*a);
    auto y = model::parseItem(*b);
    if (!x || !y)
        return false;
    return model::itemsEqual(*x.value, *y.value);
}

} // namespace

Result<bool> ImportWriter::Impl::sameContent(std::int64_t recordId, std::uint64_t hash, const RecordInput& record)
{
    (void)hash;
    loadContent.bind(1, recordId);
    Step s = loadContent.step();
    if (s.error)
        return *s.error;
    if (!s.row) {
        loadContent.reset();
        return false;
    }
    const std::string_view raw = loadContent.text(10);
    bool same = static_cast<model::EventName>(loadContent.int64(0)) == record.eventName;
    if (same) {
        const auto keys = storedPart(loadContent, 1, raw);
        same = sameItemText(keys, record.keysJson) && sameItemText(storedPart(loadContent, 4, raw), record.newImageJson)
            && sameItemText(storedPart(loadContent, 7, raw), record.oldImageJson);
    }
    loadContent.reset();
    return same;
}

Result<std::optional<std::int64_t>>
ImportWriter::Impl::findDuplicateWithoutSequence(std::int64_t keyId, std::uint64_t hash, const RecordInput& record)
{
    Statement& st = record.eventId.empty() ? findByKeyTime : findByEventId;
    if (record.eventId.empty()) {
        st.bind(1, keyId);
        st.bind(2, record.creationTimeMicros);
    } else {
        st.bind(1, record.eventId);
    }
    std::vector<std::pair<std::int64_t, std::uint64_t>> candidates;
    if (auto e = st.forEachRow([&](const Statement& row) {
            candidates.emplace_back(row.int64(0), static_cast<std::uint64_t>(row.int64(1)));
        }))
        return *e;
    for (const auto& [id, storedHash] : candidates) {
        if (storedHash == hash)
            return std::optional<std::int64_t>(id);
    }
    for (const auto& [id, storedHash] : candidates) {
        auto same = sameContent(id, hash, record);
        if (!same)
            return same.error();
        if (*same)
            return std::optional<std::int64_t>(id);
    }
    return std::optional<std::int64_t>();
}

// insertRecord stored nothing: a record with the same stream and sequence number is there. Same content: a
// Duplicate; else a Conflict kept aside.
Result<AddOutcome> ImportWriter::Impl::addSequenceClash(const RecordIds& ids, const RecordInput& record)
{
    Statement& find = findBySeq;
    find.bind(1, ids.streamId);
    find.bind(2, ids.seqSort);
    Step s = find.step();
    if (s.error)
        return *s.error;
    if (!s.row) {
        find.reset();
        return Error{Error::Kind::Sqlite, SQLITE_INTERNAL, "record was neither inserted nor found"};
    }
    const std::int64_t existing = find.int64(0);
    const auto storedHash = static_cast<std::uint64_t>(find.int64(1));
    find.reset();
    bool same = storedHash == ids.hash;
    if (!same) {
        auto compared = sameContent(existing, ids.hash, record);
        if (!compared)
            return compared.error();
        same = *compared;
    }
    if (same) {
        if (auto error = addDuplicate(existing, record))
            return *error;
        return AddOutcome{AddOutcome::Kind::Duplicate, existing};
    }
    if (auto error = addConflict(existing, ids.tableId, ids.streamId, ids.keyId, record))
        return *error;
    return AddOutcome{AddOutcome::Kind::Conflict, existing};
}

std::optional<Error> ImportWriter::Impl::addDuplicate(std::int64_t recordId, const RecordInput& record)
{
    insertDuplicate.bind(1, recordId);
    insertDuplicate.bind(2, sourceId);
    insertDuplicate.bind(3, record.recordIndex);
    insertDuplicate.bind(4, record.byteOffset);
    if (auto error = insertDuplicate.run())
        return error;
    if (undo.firstDuplicate == 0)
        undo.firstDuplicate = db->lastInsertRowId();
    ++counts.duplicates;
    return std::nullopt;
}

std::optional<Error> ImportWriter::Impl::addConflict(std::int64_t existingId, std::int64_t tableId,
                                                     std::int64_t streamId, std::int64_t keyId,
                                                     const RecordInput& record)
{
    Statement& st = insertConflict;
    st.bind(1, existingId);
    st.bind(2, sourceId);
    st.bind(3, record.recordIndex);
    st.bind(4, record.byteOffset);
    st.bind(5, tableId);
    st.bind(6, streamId);
    st.bind(7, keyId);
    st.bind(8, static_cast<std::int64_t>(record.eventName));
    st.bindTextOrNull(9, record.sequenceNumber);
    st.bindTextOrNull(10, record.eventId);
    st.bind(11, record.creationTimeMicros);
    st.bind(12, record.keysJson);
    if (record.newImageJson)
        st.bind(13, *record.newImageJson);
    else
        st.bindNull(13);
    if (record.oldImageJson)
        st.bind(14, *record.oldImageJson);
    else
        st.bindNull(14);
    st.bind(15, record.raw);
    if (auto error = st.run())
        return error;
    if (undo.firstConflict == 0)
        undo.firstConflict = db->lastInsertRowId();
    ++counts.conflicts;
    return std::nullopt;
}

void ImportWriter::Impl::mergeDeltas()
{
    if (groupKeyDeltas.empty())
        groupKeyDeltas.swap(keyDeltas); // the group's first source: nothing to add to, no copy
    for (const auto& [keyId, delta] : keyDeltas) {
        KeyDelta& to = groupKeyDeltas[keyId];
        to.count += delta.count;
        to.times.add(delta.times.first);
        to.times.add(delta.times.last);
    }
    for (const auto& [tableId, delta] : tableDeltas) {
        TableDelta& to = groupTableDeltas[tableId];
        to.records += delta.records;
        to.newKeys += delta.newKeys;
        to.times.add(delta.times.first);
        to.times.add(delta.times.last);
    }
    for (const auto& [streamId, delta] : streamDeltas)
        groupStreamDeltas[streamId] += delta;
    keyDeltas.clear();
    tableDeltas.clear();
    streamDeltas.clear();
}

std::optional<Error> ImportWriter::Impl::applyKeyDeltas(const std::unordered_map<std::int64_t, KeyDelta>& deltas,
                                                        std::unordered_map<std::int64_t, TableDelta>& newKeys)
{
    // In id order: neighbouring rows share pages.
    // A key is one of its table's keys from its first stored record on (a key row created for a record kept aside
    // as a conflict is not): key_count grows when record_count leaves 0.
    for (const auto& [keyId, delta] : sortedById(deltas)) {
        updateKeyStats.bind(1, keyId);
        updateKeyStats.bind(2, delta.count);
        updateKeyStats.bind(3, delta.times.first);
        updateKeyStats.bind(4, delta.times.last);
        Step s = updateKeyStats.step();
        if (s.error) {
            updateKeyStats.reset();
            return s.error;
        }
        if (s.row && delta.count > 0 && updateKeyStats.int64(0) == delta.count)
            ++newKeys[updateKeyStats.int64(1)].newKeys;
        updateKeyStats.reset();
    }
    return std::nullopt;
}

std::optional<Error> ImportWriter::Impl::flushStats()
{
    if (auto error = applyKeyDeltas(groupKeyDeltas, groupTableDeltas))
        return error;
    for (const auto& [tableId, delta] : groupTableDeltas) {
        updateTableStats.bind(1, tableId);
        updateTableStats.bind(2, delta.records);
        updateTableStats.bind(3, delta.newKeys);
        updateTableStats.bind(4, delta.times.first);
        updateTableStats.bind(5, delta.times.last);
        if (auto error = updateTableStats.run())
            return error;
    }
    for (const auto& [streamId, delta] : groupStreamDeltas) {
        updateStreamStats.bind(1, streamId);
        updateStreamStats.bind(2, delta);
        if (auto error = updateStreamStats.run())
            return error;
    }
    groupKeyDeltas.clear();
    groupTableDeltas.clear();
    groupStreamDeltas.clear();
    return std::nullopt;
}

// Deletes what the open source wrote (rows it created, in reverse dependency order) and restores the streams it
// updated, so the store is exactly as before beginSource() while the group's other sources stay.
std::optional<Error> ImportWriter::Impl::undoSource()
{
    auto run = [&](const char* sql, std::int64_t a, std::optional<std::int64_t> b = {},
                   std::optional<std::string_view> text = {}) -> std::optional<Error> {
        auto st = db->prepare(sql);
        if (!st)
            return st.error();
        st->bind(1, a);
        if (b)
            st->bind(2, *b);
        if (text)
            st->bind(3, *text);
        return st->run();
    };
    if (undo.firstRecord != 0) {
        // The open source's records are the newest: provenance rows from its first record on are its own.
        if (auto error = run("DELETE FROM record_provenance WHERE record_id >= ?1", undo.firstRecord))
            return error;
        if (auto error = run("DELETE FROM records WHERE id >= ?1 AND source_id = ?2", undo.firstRecord, sourceId))
            return error;
    }
    if (undo.firstDuplicate != 0)
        if (auto error = run("DELETE FROM duplicates WHERE id >= ?1 AND source_id = ?2", undo.firstDuplicate, sourceId))
            return error;
    if (undo.firstConflict != 0)
        if (auto error = run("DELETE FROM conflicts WHERE id >= ?1 AND source_id = ?2", undo.firstConflict, sourceId))
            return error;
    for (const std::int64_t id : undo.keys)
        if (auto error = run("DELETE FROM keys WHERE id = ?1", id))
            return error;
    for (auto it = undo.streamViews.rbegin(); it != undo.streamViews.rend(); ++it)
        if (auto error = run("UPDATE streams SET view_type = ?2, region = ?3 WHERE id = ?1", it->id, it->viewType,
                             std::string_view(it->region)))
            return error;
    for (const std::int64_t id : undo.streams)
        if (auto error = run("DELETE FROM streams WHERE id = ?1", id))
            return error;
    for (const std::int64_t id : undo.tables)
        if (auto error = run("DELETE FROM ddb_tables WHERE id = ?1", id))
            return error;
    return run("DELETE FROM sources WHERE id = ?1", sourceId);
}

// Forgets the group after its transaction is gone (rolled back): cached ids may name rows that no longer exist.
void ImportWriter::Impl::dropGroup()
{
    if (transaction)
        static_cast<void>(transaction->rollback());
    transaction.reset();
    sourceOpen = false;
    lost.insert(lost.end(), pending.begin(), pending.end());
    pending.clear();
    groupKeyDeltas.clear();
    groupTableDeltas.clear();
    groupStreamDeltas.clear();
    clearCaches();
    undo.clear();
    sourceId = 0;
    counts = {};
}

std::optional<Error> ImportWriter::Impl::commitGroup()
{
    if (!transaction)
        return std::nullopt;
    if (!db->inTransaction()) {
        // SQLite rolled the whole transaction back after an error (SQLITE_FULL, IOERR, ...).
        const auto lostCount = pending.size();
        dropGroup();
        return Error{Error::Kind::Sqlite, SQLITE_ABORT,
                     "the store rolled back the write transaction (" + std::to_string(lostCount)
                         + " completed source(s) lost)"};
    }
    const auto started = std::chrono::steady_clock::now();
    auto flushed = flushStats();
    totalStatsCost += std::chrono::steady_clock::now() - started;
    if (auto error = std::move(flushed)) {
        dropGroup();
        return error;
    }
    if (auto error = recordWriter(*db, "last_written_by")) {
        dropGroup();
        return error;
    }
    auto group = std::move(*transaction);
    transaction.reset();
    if (auto error = group.commit()) {
        dropGroup();
        return error;
    }
    lastCommitCost = std::chrono::steady_clock::now() - started;
    totalCommitCost += lastCommitCost;
    ++groupsCommitted;
    pending.clear();
    if (options.afterCommit)
        options.afterCommit();
    return std::nullopt;
}

// ---- ImportWriter -----------------------------------------------------------------------------------------------

ImportWriter::ImportWriter(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{
}
ImportWriter::ImportWriter(ImportWriter&&) noexcept = default;
ImportWriter& ImportWriter::operator=(ImportWriter&& other) noexcept
{
    if (this != &other) {
        finish();
        m_impl = std::move(other.m_impl);
    }
    return *this;
}

ImportWriter::~ImportWriter()
{
    finish();
}

void ImportWriter::finish() noexcept
{
    if (!m_impl)
        return;
    rollbackSource();
    static_cast<void>(commitPending());
    if (m_impl->previousAutocheckpoint >= 0)
        static_cast<void>(
            m_impl->db->exec("PRAGMA wal_autocheckpoint=" + std::to_string(m_impl->previousAutocheckpoint)));
    if (m_impl->previousTempStore >= 0) // a smaller cache_size frees the pages over it
        static_cast<void>(m_impl->db->exec("PRAGMA cache_size=" + std::to_string(m_impl->previousCacheSize)
                                           + "; PRAGMA temp_store=" + std::to_string(m_impl->previousTempStore)));
    m_impl.reset();
}

Result<ImportWriter> ImportWriter::create(Database& db, WriterOptions options)
{
    if (!db.isValid())
        return invalid("the store is not open");
    if (db.isReadOnly())
        return Error{Error::Kind::ReadOnly, SQLITE_READONLY, "the store " + db.path() + " is open read-only"};
    // Bulk-load settings that stay crash-safe: WAL + synchronous=NORMAL (set at open), a 64 MiB page cache and
    // in-memory temporary structures; the connection's own are given back by finish().
    auto cacheSize = db.queryInt("PRAGMA cache_size");
    if (!cacheSize)
        return cacheSize.error();
    auto tempStore = db.queryInt("PRAGMA temp_store");
    if (!tempStore)
        return tempStore.error();
    if (auto error = db.exec("PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"))
        return *error;
    auto impl = std::make_unique<Impl>();
    impl->previousCacheSize = *cacheSize;
    impl->previousTempStore = *tempStore;
    impl->db = &db;
    options.groupFiles = std::max(1, options.groupFiles);
    impl->options = options;
    if (options.walCheckpointPages != 0) {
        auto previous = db.queryInt("PRAGMA wal_autocheckpoint", -1);
        if (!previous)
            return previous.error();
        if (auto error =
                db.exec("PRAGMA wal_autocheckpoint=" + std::to_string(std::max(0, options.walCheckpointPages))))
            return *error;
        impl->previousAutocheckpoint = *previous;
    }
    if (auto error = impl->prepareAll())
        return *error;
    return ImportWriter(std::move(impl));
}

Result<BeginSourceResult> ImportWriter::beginSource(const SourceDescriptor& source)
{
    Impl& d = *m_impl;
    if (d.sourceOpen)
        return invalid("beginSource: a source is already open");
    if (pendingDue())
        if (auto error = d.commitGroup())
            return *error;
    if (!d.transaction) {
        auto transaction = Transaction::begin(*d.db, Transaction::Kind::Immediate);
        if (!transaction)
            return transaction.error();
        d.transaction.emplace(std::move(*transaction));
        d.groupStarted = std::chrono::steady_clock::now();
    }
    // Nothing of this source is written yet: on an error below, the group's earlier sources stay pending.
    auto endEmptyGroup = [&] {
        if (d.pending.empty() && d.transaction) {
            static_cast<void>(d.transaction->rollback());
            d.transaction.reset();
        }
    };

    BeginSourceResult result;
    if (!source.contentHash.empty()) {
        Statement& st = d.findSourceByHash;
        st.bind(1, std::string_view(source.contentHash));
        Step s = st.step();
        if (s.error) {
            st.reset();
            endEmptyGroup();
            return *s.error;
        }
        if (s.row) {
            SourceInfo info = sourceFromRow(st);
            st.reset();
            result.alreadyImported = true;
            result.existing = std::move(info);
            endEmptyGroup(); // nothing was written
            return result;
        }
        st.reset();
    }
    d.undo.clear();
    Statement& st = d.insertSource;
    st.bind(1, std::string_view(source.path));
    st.bind(2, source.sizeBytes);
    st.bind(3, std::string_view(source.contentHash));
    st.bind(4, std::string_view(source.format));
    st.bind(5, nowMicros());
    if (auto error = st.run()) {
        // A one-row INSERT that fails writes nothing (if SQLite rolled the whole transaction back instead,
        // commitPending() reports the loss).
        endEmptyGroup();
        return *error;
    }
    d.sourceId = d.db->lastInsertRowId();
    d.counts = {};
    d.sourceOpen = true;
    result.sourceId = d.sourceId;
    return result;
}

Result<AddOutcome> ImportWriter::addRecord(const RecordInput& record)
{
    Impl& d = *m_impl;
    if (!d.sourceOpen)
        return invalid("addRecord: no source is open");
    if (record.tableName.empty())
        return invalid("the record has no table name");
    if (record.keysJson.empty())
        return invalid("the record has no Keys");
    if (!record.sequenceNumber.empty() && record.precomputedSeqSort.empty()
        && !model::isSequenceNumber(record.sequenceNumber))
        return invalid("the sequence number is not a digit string");

    auto tableId = d.resolveTable(record.tableName);
    if (!tableId)
        return tableId.error();
    auto stream = d.resolveStream(*tableId, record);
    if (!stream)
        return stream.error();
    auto keyId = d.resolveKey(*tableId, record,
                              record.precomputedKeyHash ? *record.precomputedKeyHash : keyTextHash(record.keysJson));
    if (!keyId)
        return keyId.error();

    const std::uint64_t hash = record.precomputedHash
        ? *record.precomputedHash
        : contentHash(record.eventName, record.keysJson, record.newImageJson, record.oldImageJson);
    std::string computedSeqSort;
    std::string_view seqSort;
    const bool hasSequence = !record.sequenceNumber.empty();
    if (hasSequence) {
        if (record.precomputedSeqSort.empty()) {
            computedSeqSort = model::sequenceSortKey(record.sequenceNumber);
            seqSort = computedSeqSort;
        } else {
            seqSort = record.precomputedSeqSort;
        }
    } else {
        auto duplicate = d.findDuplicateWithoutSequence(*keyId, hash, record);
        if (!duplicate)
            return duplicate.error();
        if (*duplicate) {
            if (auto error = d.addDuplicate(**duplicate, record))
                return *error;
            return AddOutcome{AddOutcome::Kind::Duplicate, **duplicate};
        }
    }

    const RecordIds ids{d.sourceId, *tableId, stream->id, *keyId, seqSort, hash};
    bindInsertRecord(d.insertRecord, ids, record);
    if (auto error = d.insertRecord.run())
        return *error;
    if (d.db->changes() == 0) // same stream + sequence number is stored already: duplicate or conflict
        return d.addSequenceClash(ids, record);

    const std::int64_t recordId = d.db->lastInsertRowId();
    if (d.undo.firstRecord == 0)
        d.undo.firstRecord = recordId;
    if (!record.provenance.empty()) {
        d.insertProvenance.bind(1, recordId);
        d.insertProvenance.bind(2, record.provenance);
        if (auto error = d.insertProvenance.run())
            return *error;
    }
    ++d.counts.inserted;
    KeyDelta& keyDelta = d.keyDeltas[*keyId];
    ++keyDelta.count;
    keyDelta.times.add(record.creationTimeMicros);
    TableDelta& tableDelta = d.tableDeltas[*tableId];
    ++tableDelta.records;
    tableDelta.times.add(record.creationTimeMicros);
    ++d.streamDeltas[stream->id];
    if (d.keyDeltas.size() >= std::max<std::size_t>(1, d.options.maxKeyDeltas) && d.pending.empty()) {
        // WriterOptions::maxKeyDeltas: one delta per key of a whole file held ~80 MB for a million keys, twice over
        // while merged into the group's. Alone in its transaction: if the source fails, rolling the transaction back
        // undoes these updates too (rollbackSource), so they need no undo of their own. Its new keys count in its own
        // table deltas.
        if (auto error = d.applyKeyDeltas(d.keyDeltas, d.tableDeltas))
            return *error;
        d.keyDeltas.clear();
    }
    return AddOutcome{AddOutcome::Kind::Inserted, recordId};
}

Result<std::optional<SourceInfo>> ImportWriter::findImported(std::string_view contentHash)
{
    Impl& d = *m_impl;
    Statement& st = d.findSourceByHash;
    st.bind(1, contentHash);
    Step s = st.step();
    if (s.error) {
        st.reset();
        return *s.error;
    }
    std::optional<SourceInfo> found;
    if (s.row)
        found = sourceFromRow(st);
    st.reset();
    return found;
}

Result<std::vector<std::uint64_t>> ImportWriter::completeSourceSizes()
{
    Statement& st = m_impl->completeSizes;
    std::vector<std::uint64_t> sizes;
    if (auto e =
            st.forEachRow([&](const Statement& row) { sizes.push_back(static_cast<std::uint64_t>(row.int64(0))); }))
        return *e;
    return sizes;
}

std::optional<Error> ImportWriter::setSourceHash(std::string_view contentHash)
{
    Impl& d = *m_impl;
    if (!d.sourceOpen)
        return invalid("setSourceHash: no source is open");
    d.updateSourceHash.bind(1, d.sourceId);
    d.updateSourceHash.bind(2, contentHash);
    return d.updateSourceHash.run();
}

SourceCounts ImportWriter::counts() const
{
    return m_impl->counts;
}

bool ImportWriter::hasOpenSource() const
{
    return m_impl && m_impl->sourceOpen;
}

std::optional<Error> ImportWriter::commitSource(std::int64_t skipped, std::string_view messages)
{
    Impl& d = *m_impl;
    if (!d.sourceOpen)
        return invalid("commitSource: no source is open");
    Statement& st = d.finishSource;
    st.bind(1, d.sourceId);
    st.bind(2, d.counts.inserted);
    st.bind(3, d.counts.duplicates);
    st.bind(4, d.counts.conflicts);
    st.bind(5, skipped);
    st.bind(6, messages);
    if (auto error = st.run()) {
        rollbackSource();
        return *error;
    }
    d.undo.clear();
    d.mergeDeltas();
    d.pending.push_back(d.sourceId);
    d.sourceOpen = false;
    d.sourceId = 0;
    if (static_cast<int>(d.pending.size()) >= d.options.groupFiles || pendingDue())
        return d.commitGroup();
    return std::nullopt;
}

std::optional<Error> ImportWriter::rollbackSource()
{
    Impl& d = *m_impl;
    if (!d.sourceOpen)
        return std::nullopt;
    d.sourceOpen = false;
    d.counts = {};
    std::optional<Error> error;
    if (d.pending.empty() && d.transaction) {
        // Nothing else in the transaction: rolling it back undoes the source (and releases the write lock).
        static_cast<void>(d.transaction->rollback());
        d.transaction.reset();
    } else if (d.db->inTransaction()) {
        if ((error = d.undoSource()))
            d.dropGroup(); // could not undo it: nothing of the group may be committed
    }
    // else: SQLite rolled the whole transaction back after an error; commitPending() reports the loss.
    d.sourceId = 0;
    d.undo.clear();
    d.clearCaches(); // ids created by the source are gone (and this source's stats deltas)
    return error;
}

std::optional<Error> ImportWriter::commitPending()
{
    Impl& d = *m_impl;
    if (d.sourceOpen)
        return invalid("commitPending: a source is open");
    return d.commitGroup();
}

const std::vector<std::int64_t>& ImportWriter::pendingSources() const
{
    return m_impl->pending;
}

std::vector<std::int64_t> ImportWriter::takeLostSources()
{
    return std::exchange(m_impl->lost, {});
}

bool ImportWriter::pendingDue() const
{
    const Impl& d = *m_impl;
    return d.transaction && !d.pending.empty()
        && std::chrono::steady_clock::now() - d.groupStarted >= std::max<std::chrono::steady_clock::duration>(
               std::chrono::milliseconds(d.options.groupMillis), kCommitCostFactor * d.lastCommitCost);
}

WriterStatistics ImportWriter::statistics() const
{
    const Impl& d = *m_impl;
    WriterStatistics statistics;
    statistics.groupsCommitted = d.groupsCommitted;
    statistics.commitSeconds = std::chrono::duration<double>(d.totalCommitCost).count();
    statistics.statsFlushSeconds = std::chrono::duration<double>(d.totalStatsCost).count();
    return statistics;
}

std::optional<Error> ImportWriter::checkpoint(CheckpointMode mode, int busyMillis)
{
    Impl& d = *m_impl;
    if (d.transaction)
        return invalid("checkpoint: a write transaction is open");
    if (mode == CheckpointMode::Passive)
        return d.db->exec("PRAGMA wal_checkpoint(PASSIVE)");
    // A shorter wait than the connection's: a reader that keeps its snapshot costs this import a second at most.
    auto previous = d.db->queryInt("PRAGMA busy_timeout", -1);
    if (!previous)
        return previous.error();
    sqlite3* handle = d.db->handle();
    sqlite3_busy_timeout(handle, busyMillis);
    const int rc = sqlite3_wal_checkpoint_v2(handle, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    sqlite3_busy_timeout(handle, static_cast<int>(*previous));
    if (rc == SQLITE_OK)
        return std::nullopt;
    return Error{Error::Kind::Sqlite, rc, std::string("checkpoint (truncate): ") + sqlite3_errstr(rc)};
}

} // namespace storage
