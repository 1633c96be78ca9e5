#include "storage/store/store.h"

#include <algorithm>
#include <unordered_map>

#include <sqlite3.h>

#include "model/dynamodbjson.h"
#include "model/sequencenumber.h"
#include "storage/store/partdigest.h"
#include "storage/store/schema.h"
#include "storage/store/sqlbuilder.h"

namespace storage {

using detail::Conditions;
using detail::Param;
using detail::Phase;

namespace {

// Record rows: columns in this order (readRecordRow depends on it).
constexpr const char* kRecordSelect =
    "SELECT r.id, r.table_id, r.stream_id, r.key_id, t.name, s.arn, s.region, r.event_name, r.seq, r.event_id, "
    "r.time_us, r.time_unit, r.time_text, r.size_bytes, r.view_type, r.ttl, r.shape, r.keys_off, r.keys_len, "
    "r.keys_text, r.new_off, r.new_len, r.new_text, r.old_off, r.old_len, r.old_text, r.source_id, "
    "r.record_index, r.byte_offset, r.raw, r.seq_sort "
    "FROM records r CROSS JOIN ddb_tables t ON t.id = r.table_id CROSS JOIN streams s ON s.id = r.stream_id "
    "CROSS JOIN keys k ON k.id = r.key_id";
constexpr int kRecordSeqSortColumn = 30;

constexpr const char* kSummarySelect =
    "SELECT r.id, r.table_id, r.key_id, t.name, k.display, r.event_name, r.seq, r.event_id, r.time_us, "
    "r.size_bytes, r.ttl, r.stream_id, r.seq_sort "
    "FROM records r CROSS JOIN ddb_tables t ON t.id = r.table_id CROSS JOIN keys k ON k.id = r.key_id";
constexpr int kSummaryStreamColumn = 11;
constexpr int kSummarySeqSortColumn = 12;

constexpr const char* kKeySelect =
    "SELECT k.id, k.table_id, k.canonical, k.display, k.record_count, k.first_time_us, k.last_time_us FROM keys k";

std::optional<std::string> slicePart(const Statement& st, int offColumn, std::string_view raw)
{
    const auto part = storedPart(st, offColumn, raw);
    return part ? std::optional<std::string>(std::string(*part)) : std::nullopt;
}

// The columns from records.event_name on, which record rows and history rows both select in this order (from column
// `at`: event_name, seq, event_id, time_us, time_unit, time_text, size_bytes, view_type, ttl, shape, keys_off,
// keys_len, keys_text, new_off, new_len, new_text, old_off, old_len, old_text, source_id, record_index, byte_offset,
// raw).
/// Columns 0-3: r.id, r.table_id, r.stream_id, r.key_id.
void readRowIds(const Statement& st, RecordRow& row)
{
    row.id = st.int64(0);
    row.tableId = st.int64(1);
    row.streamId = st.int64(2);
    row.keyId = st.int64(3);
}

/// The 10 columns from `at`: event_name, seq, event_id, time_us, time_unit, time_text, size_bytes, view_type, ttl,
/// shape.
void readRecordMetadata(const Statement& st, int at, RecordRow& row)
{
    row.eventName = static_cast<model::EventName>(st.int64(at));
    row.sequenceNumber = st.textCopy(at + 1);
    row.eventId = st.textCopy(at + 2);
    row.creationTimeMicros = st.optionalInt64(at + 3);
    row.timeUnit = static_cast<TimeUnit>(st.int64(at + 4));
    row.timeText = st.textCopy(at + 5);
    row.sizeBytes = st.optionalInt64(at + 6);
    row.viewType = static_cast<model::ViewType>(st.int64(at + 7));
    row.ttl = st.int64(at + 8) != 0;
    row.shape = st.textCopy(at + 9);
}

void readRecordColumns(const Statement& st, int at, bool withRaw, RecordRow& row)
{
    readRecordMetadata(st, at, row);
    const std::string_view raw = st.text(at + 22);
    row.keysJson = slicePart(st, at + 10, raw).value_or(std::string{});
    row.newImageJson = slicePart(st, at + 13, raw);
    row.oldImageJson = slicePart(st, at + 16, raw);
    row.position.sourceId = st.int64(at + 19);
    row.position.recordIndex = st.int64(at + 20);
    row.position.byteOffset = st.int64(at + 21);
    if (withRaw)
        row.raw = std::string(raw);
}

RecordRow readRecordRow(const Statement& st, bool withRaw)
{
    RecordRow row;
    readRowIds(st, row);
    row.tableName = st.textCopy(4);
    row.streamArn = st.textCopy(5);
    row.region = st.textCopy(6);
    readRecordColumns(st, 7, withRaw, row);
    return row;
}

// One key's records for the history / audit (keyHistory, forEachKeyHistory): no joins per row — table names and
// stream ARNs come from HistoryNames (a few rows, looked up once per call). Columns in this order
// (readHistoryRow depends on it).
constexpr const char* kHistorySelect =
    "SELECT r.id, r.table_id, r.stream_id, r.key_id, r.event_name, r.seq, r.event_id, r.time_us, r.time_unit, "
    "r.time_text, r.size_bytes, r.view_type, r.ttl, r.shape, r.keys_off, r.keys_len, r.keys_text, r.new_off, "
    "r.new_len, r.new_text, r.old_off, r.old_len, r.old_text, r.source_id, r.record_index, r.byte_offset, r.raw "
    "FROM records r";

/// What one history row holds in memory, for ScanOptions::maxKeyBytes and keyHistory's maxBytes (one rule).
std::int64_t rowBytes(const RecordRow& r)
{
    return static_cast<std::int64_t>(sizeof(RecordRow) + r.keysJson.size() + r.raw.size()
                                     + (r.newImageJson ? r.newImageJson->size() : 0)
                                     + (r.oldImageJson ? r.oldImageJson->size() : 0));
}

// The sorted history scan's rows (forEachKeyHistory with ScanOptions::sortedScan, without raw text): what SQLite sorts
// in its temporary files is what the history needs — Keys and NewImage cut out of the raw text, no raw text, and the
// OldImage's digest instead of its text (DeferredOldImages): half the bytes of a whole row on the bench captures.
// Columns as kHistorySelect's up to shape; then Keys, NewImage, the OldImage's digest, source_id, record_index,
// byte_offset (readSortedHistoryRow depends on it).
constexpr const char* kSortedHistorySelect =
    "SELECT r.id, r.table_id, r.stream_id, r.key_id, r.event_name, r.seq, r.event_id, r.time_us, r.time_unit, "
    "r.time_text, r.size_bytes, r.view_type, r.ttl, r.shape, "
    "streamscope_part(r.raw, r.keys_off, r.keys_len, r.keys_text), "
    "streamscope_part(r.raw, r.new_off, r.new_len, r.new_text), "
    "streamscope_part_digest(r.raw, r.old_off, r.old_len, r.old_text), r.source_id, r.record_index, r.byte_offset "
    "FROM records r NOT INDEXED";

/// The OldImages of one key's rows read by the sorted scan, known by their digests until the rows are in history
/// order: an OldImage whose digest (and length) is that of the NewImage of the record before it takes that text;
/// the others are read from the store by record id.
class DeferredOldImages
{
public:
    /// Remembers a row's OldImage digest; returns the bytes its text will take.
    std::int64_t add(std::int64_t recordId, const PartDigest& digest)
    {
        m_pending.emplace_back(recordId, digest);
        return static_cast<std::int64_t>(digest.length);
    }
    void clear() { m_pending.clear(); }

    /// Gives the rows (in history order) their OldImages. `read`: a record's OldImage text from the store.
    std::optional<Error> fill(std::vector<RecordRow>& rows,
                              const std::function<Result<std::string>(std::int64_t recordId)>& read)
    {
        if (m_pending.empty())
            return std::nullopt;
        std::sort(m_pending.begin(), m_pending.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        for (std::size_t i = 0; i < rows.size(); ++i) {
            auto it = std::lower_bound(m_pending.begin(), m_pending.end(), rows[i].id,
                                       [](const auto& p, std::int64_t id) { return p.first < id; });
            if (it == m_pending.end() || it->first != rows[i].id)
                continue;
            const std::optional<std::string>* previous = i > 0 ? &rows[i - 1].newImageJson : nullptr;
            if (previous && *previous && (*previous)->size() == it->second.length
                && partDigest(**previous) == it->second) {
                rows[i].oldImageJson = **previous;
                continue;
            }
            auto text = read(rows[i].id);
            if (!text)
                return text.error();
            rows[i].oldImageJson = std::move(*text);
        }
        m_pending.clear();
        return std::nullopt;
    }

private:
    std::vector<std::pair<std::int64_t, PartDigest>> m_pending;
};

RecordRow readSortedHistoryRow(const Statement& st, DeferredOldImages& oldImages, std::int64_t& deferredBytes)
{
    RecordRow row;
    readRowIds(st, row);
    readRecordMetadata(st, 4, row);
    row.keysJson = st.textCopy(14);
    if (!st.isNull(15))
        row.newImageJson = st.textCopy(15);
    deferredBytes = 0;
    if (PartDigest digest; !st.isNull(16) && readPartDigest(st.blob(16), digest))
        deferredBytes = oldImages.add(row.id, digest);
    row.position.sourceId = st.int64(17);
    row.position.recordIndex = st.int64(18);
    row.position.byteOffset = st.int64(19);
    return row;
}

/// Table names and stream ARN/region by id, read on first use.
class HistoryNames
{
public:
    explicit HistoryNames(detail::StatementCache& cache)
        : m_cache(cache)
    {
    }

    std::optional<Error> fill(RecordRow& row)
    {
        auto table = m_tables.find(row.tableId);
        if (table == m_tables.end()) {
            auto name = lookup("SELECT name FROM ddb_tables WHERE id = ?", row.tableId, 1);
            if (!name)
                return name.error();
            table = m_tables.emplace(row.tableId, std::move(name->front())).first;
        }
        row.tableName = table->second;
        auto stream = m_streams.find(row.streamId);
        if (stream == m_streams.end()) {
            auto names = lookup("SELECT arn, region FROM streams WHERE id = ?", row.streamId, 2);
            if (!names)
                return names.error();
            stream = m_streams.emplace(row.streamId, std::make_pair((*names)[0], (*names)[1])).first;
        }
        row.streamArn = stream->second.first;
        row.region = stream->second.second;
        return fillWindow(row);
    }

    /// An incremental export line's window start, from its data file's source (once per source).
    std::optional<Error> fillWindow(RecordRow& row)
    {
        if (row.shape != "s3-incremental") // captureFormatText(CaptureFormat::S3Incremental)
            return std::nullopt;
        auto window = m_windows.find(row.position.sourceId);
        if (window == m_windows.end()) {
            auto messages = lookup("SELECT messages FROM sources WHERE id = ?", row.position.sourceId, 1);
            if (!messages)
                return messages.error();
            window = m_windows.emplace(row.position.sourceId, exportWindowFrom(messages->front())).first;
        }
        row.windowFromMicros = window->second;
        return std::nullopt;
    }

private:
    Result<std::vector<std::string>> lookup(const char* sql, std::int64_t id, int columns)
    {
        auto statement = m_cache.get(sql);
        if (!statement)
            return statement.error();
        Statement& st = **statement;
        st.bind(1, id);
        Step s = st.step();
        if (s.error)
            return *s.error;
        std::vector<std::string> out(static_cast<std::size_t>(columns));
        for (int c = 0; s.row && c < columns; ++c)
            out[static_cast<std::size_t>(c)] = st.textCopy(c);
        st.reset();
        return out;
    }

    detail::StatementCache& m_cache;
    std::unordered_map<std::int64_t, std::string> m_tables;
    std::unordered_map<std::int64_t, std::pair<std::string, std::string>> m_streams;
    std::unordered_map<std::int64_t, std::optional<std::int64_t>> m_windows; ///< by source id
};

RecordRow readHistoryRow(const Statement& st, bool withRaw)
{
    RecordRow row;
    readRowIds(st, row);
    readRecordColumns(st, 4, withRaw, row);
    return row;
}

RecordSummary readSummary(const Statement& st)
{
    RecordSummary row;
    row.id = st.int64(0);
    row.tableId = st.int64(1);
    row.keyId = st.int64(2);
    row.tableName = st.textCopy(3);
    row.keyText = st.textCopy(4);
    row.eventName = static_cast<model::EventName>(st.int64(5));
    row.sequenceNumber = st.textCopy(6);
    row.eventId = st.textCopy(7);
    row.creationTimeMicros = st.optionalInt64(8);
    row.sizeBytes = st.optionalInt64(9);
    row.ttl = st.int64(10) != 0;
    return row;
}

KeyInfo readKey(const Statement& st)
{
    KeyInfo key;
    key.id = st.int64(0);
    key.tableId = st.int64(1);
    key.canonicalKeys = st.textCopy(2);
    key.displayText = st.textCopy(3);
    key.recordCount = st.int64(4);
    key.firstTimeMicros = st.optionalInt64(5);
    key.lastTimeMicros = st.optionalInt64(6);
    return key;
}

Conditions recordConditions(const RecordFilter& filter)
{
    Conditions c;
    if (filter.tableId)
        c.add("r.table_id = ?", *filter.tableId);
    if (filter.keyId)
        c.add("r.key_id = ?", *filter.keyId);
    if (filter.sourceId)
        c.add("r.source_id = ?", *filter.sourceId);
    if (!filter.eventNames.empty()) {
        std::string term = "r.event_name IN (";
        for (std::size_t i = 0; i < filter.eventNames.size(); ++i) {
            term += i ? ", ?" : "?";
            c.params.emplace_back(static_cast<std::int64_t>(filter.eventNames[i]));
        }
        term += ')';
        c.terms.push_back(std::move(term));
    }
    if (filter.ttl)
        c.add("r.ttl = ?", static_cast<std::int64_t>(*filter.ttl ? 1 : 0));
    if (filter.streamId)
        c.add("r.stream_id = ?", *filter.streamId);
    if (!filter.fromSequenceSortKey.empty())
        c.add("r.seq_sort >= ?", filter.fromSequenceSortKey);
    if (!filter.toSequenceSortKey.empty())
        c.add("r.seq_sort <= ?", filter.toSequenceSortKey);
    if (filter.fromMicros)
        c.add("r.time_us >= ?", *filter.fromMicros);
    if (filter.toMicros)
        c.add("r.time_us < ?", *filter.toMicros);
    if (!filter.text.empty()) {
        const std::string pattern = detail::likePattern(filter.text);
        std::string term = "k.display LIKE ? ESCAPE '\\' OR r.event_id LIKE ? ESCAPE '\\' OR r.seq LIKE ? ESCAPE '\\'";
        c.params.emplace_back(pattern);
        c.params.emplace_back(pattern);
        c.params.emplace_back(pattern);
        if (filter.textInRaw) {
            term += " OR r.raw LIKE ? ESCAPE '\\'";
            c.params.emplace_back(pattern);
        }
        c.terms.push_back(std::move(term));
    }
    return c;
}

// Phases of a record page in `order` after `after` (see detail::pagePhases).
std::vector<Phase> recordPhases(RecordOrder order, const RecordCursor& after)
{
    const bool started = after.id != 0;
    switch (order) {
    case RecordOrder::Arrival: {
        Phase p;
        p.conditions.add("r.id > ?", after.id);
        p.orderBy = "r.id";
        return {p};
    }
    case RecordOrder::Time: {
        std::optional<Param> value;
        if (after.timeMicros)
            value = Param(*after.timeMicros);
        return detail::pagePhases("r.time_us", true, false, started, value, after.id, "r.id");
    }
    case RecordOrder::Sequence: {
        std::vector<Phase> phases;
        const std::string full = "r.stream_id, r.seq_sort, r.id";
        if (!started)
            return {Phase{{}, full}};
        if (after.sequenceSortKey.empty()) {
            Phase nulls;
            nulls.conditions.add("r.stream_id = ?", after.streamId);
            nulls.conditions.add("r.seq_sort IS NULL");
            nulls.conditions.add("r.id > ?", after.id);
            nulls.orderBy = "r.id";
            phases.push_back(std::move(nulls));
            Phase rest;
            rest.conditions.add("r.stream_id = ?", after.streamId);
            rest.conditions.add("r.seq_sort IS NOT NULL");
            rest.orderBy = "r.seq_sort";
            phases.push_back(std::move(rest));
        } else {
            Phase rest;
            rest.conditions.add("r.stream_id = ?", after.streamId);
            rest.conditions.add("r.seq_sort > ?", after.sequenceSortKey);
            rest.orderBy = "r.seq_sort";
            phases.push_back(std::move(rest));
        }
        Phase next;
        next.conditions.add("r.stream_id > ?", after.streamId);
        next.orderBy = full;
        phases.push_back(std::move(next));
        return phases;
    }
    }
    return {};
}

std::string recordOrderBy(RecordOrder order)
{
    switch (order) {
    case RecordOrder::Arrival:
        return "r.id";
    case RecordOrder::Time:
        return "r.time_us, r.id";
    case RecordOrder::Sequence:
        return "r.stream_id, r.seq_sort, r.id";
    }
    return "r.id";
}

std::string keySortColumn(KeySort sort)
{
    switch (sort) {
    case KeySort::KeyText:
        return "k.display";
    case KeySort::RecordCount:
        return "k.record_count";
    case KeySort::LastChange:
        return "k.last_time_us";
    case KeySort::KeyValue: // a store before version 7: sorted by SQLite (its sorter spills to temporary files)
        return "streamscope_key_order(k.canonical)";
    }
    return "k.display";
}

/// `idsOnly`: for a list of ids read in an index's order (keyIds), where the keys without records are left out
/// through keys_by_count, so that without a text filter the sort's index alone answers (keys_by_order, keys_by_count,
/// keys_by_last, … and their all-tables twins) instead of every key's row being read for its record_count (628,641
/// keys by value: 0.1 s instead of 4.9 s).
Conditions keyConditions(const KeyQuery& query, bool idsOnly = false)
{
    Conditions c;
    if (query.tableId)
        c.add("k.table_id = ?", *query.tableId);
    if (!query.filter.empty())
        c.add("k.display LIKE ? ESCAPE '\\'", detail::likePattern(query.filter));
    // A key row whose only records were kept aside as conflicts has none: it is no key of the table (the conflict
    // still names it). ddb_tables.key_count counts the same keys.
    if (idsOnly && query.filter.empty() && query.tableId)
        c.add("k.id NOT IN (SELECT id FROM keys WHERE table_id = ? AND record_count <= 0)", *query.tableId);
    else if (idsOnly && query.filter.empty())
        c.add("k.id NOT IN (SELECT id FROM keys WHERE record_count <= 0)");
    else
        c.add("k.record_count > 0");
    return c;
}

// History order: sequence (numeric) if every record has one, else creation time (none first), then sequence
// (none first), then arrival. `rows` come in records_by_key's order (stream, then sequence since store version 6;
// arrival order before), so the common case of one stream is one linear check. Otherwise a permutation of indexes is
// sorted and the rows are moved once (never a merge sort of whole rows). (Templates: RecordRow for keyHistory,
// HistoryEntry for keyHistoryIndex — one rule.)
template<typename Row>
bool sequenceLess(const Row& a, const Row& b)
{
    const int c = model::compareSequenceNumbers(a.sequenceNumber, b.sequenceNumber);
    return c != 0 ? c < 0 : a.id < b.id;
}

template<typename Row>
bool timeLess(const Row& a, const Row& b)
{
    if (a.creationTimeMicros != b.creationTimeMicros)
        return a.creationTimeMicros < b.creationTimeMicros; // nullopt first
    if (a.sequenceNumber.empty() != b.sequenceNumber.empty())
        return a.sequenceNumber.empty();
    if (!a.sequenceNumber.empty()) {
        const int c = model::compareSequenceNumbers(a.sequenceNumber, b.sequenceNumber);
        if (c != 0)
            return c < 0;
    }
    return a.id < b.id;
}

template<typename Row>
HistoryOrdering orderHistory(std::vector<Row>& rows)
{
    const bool allSequenced =
        std::all_of(rows.begin(), rows.end(), [](const Row& r) { return !r.sequenceNumber.empty(); });
    const auto less = allSequenced ? &sequenceLess<Row> : &timeLess<Row>;
    const HistoryOrdering ordering = allSequenced ? HistoryOrdering::Sequence : HistoryOrdering::Time;
    if (std::is_sorted(rows.begin(), rows.end(), less))
        return ordering;
    std::vector<std::size_t> order(rows.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    // ids are unique, so the comparison is a total order: no stable sort needed.
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return less(rows[a], rows[b]); });
    std::vector<Row> sorted;
    sorted.reserve(rows.size());
    for (const std::size_t i : order)
        sorted.push_back(std::move(rows[i]));
    rows = std::move(sorted);
    return ordering;
}

} // namespace

std::string_view historyOrderingText(HistoryOrdering ordering)
{
    return ordering == HistoryOrdering::Sequence ? "sequence" : "time";
}

// ---- Store ------------------------------------------------------------------------------------------------------

struct Store::Impl
{
    Database db; // declared first: destroyed last, after the statements
    detail::StatementCache cache{db};

    explicit Impl(Database database)
        : db(std::move(database))
    {
    }

    Result<Statement*> get(const std::string& sql) { return cache.get(sql); }

    /// One row per id of `ids` (ids without a row are left out), in the order of `ids`: `selectSql` + " WHERE
    /// <idColumn> = ?" stepped once per id.
    template<typename Row, typename Read>
    Result<std::vector<Row>> byIds(const std::string& sql, std::span<const std::int64_t> ids, Read read)
    {
        auto statement = get(sql);
        if (!statement)
            return statement.error();
        Statement& st = **statement;
        std::vector<Row> rows;
        rows.reserve(ids.size());
        for (const std::int64_t id : ids) {
            st.bind(1, id);
            Step s = st.step();
            if (s.row)
                rows.push_back(read(st));
            st.reset();
            if (s.error)
                return *s.error;
        }
        return rows;
    }

    template<typename Row, typename Read>
    Result<std::vector<Row>> collect(const std::string& sql, const std::vector<Param>& params, Read read)
    {
        auto statement = get(sql);
        if (!statement)
            return statement.error();
        Statement& st = **statement;
        detail::bindAll(st, params);
        std::vector<Row> rows;
        if (auto e = st.forEachRow([&](const Statement& row) { rows.push_back(read(row)); }))
            return *e;
        return rows;
    }

    Result<std::int64_t> single(const std::string& sql, const std::vector<Param>& params = {})
    {
        auto statement = get(sql);
        if (!statement)
            return statement.error();
        Statement& st = **statement;
        detail::bindAll(st, params);
        Step s = st.step();
        if (s.error)
            return *s.error;
        const std::int64_t value = s.row && !st.isNull(0) ? st.int64(0) : 0;
        st.reset();
        return value;
    }
};

Store::Store(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{
}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Result<Store> Store::open(const std::string& path, Database::OpenMode mode)
{
    auto db = Database::open(path, mode);
    if (!db) {
        Error error = db.error();
        if (error.kind == Error::Kind::NotAStore)
            error.message = path + " is not a Streamscope store (not an SQLite database)";
        return error;
    }
    if (auto error = ensureSchema(*db)) {
        // Every refusal names the file (ensureSchema's own messages, e.g. "database is locked", do not).
        if (error->message.find(path) == std::string::npos)
            error->message = "cannot open the store " + path + ": " + error->message;
        return *error;
    }
    return Store(std::make_unique<Impl>(std::move(*db)));
}

Database& Store::database()
{
    return m_impl->db;
}

const std::string& Store::path() const
{
    return m_impl->db.path();
}

bool Store::isReadOnly() const
{
    return m_impl->db.isReadOnly();
}

void Store::interrupt()
{
    m_impl->db.interrupt();
}

Result<std::string> Store::recordProvenance(std::int64_t recordId)
{
    auto version = schemaVersion(database());
    if (!version)
        return version.error();
    if (*version < kProvenanceVersion)
        return std::string();
    auto statement = m_impl->get("SELECT provenance FROM record_provenance WHERE record_id = ?1");
    if (!statement)
        return statement.error();
    Statement& st = **statement;
    st.bind(1, recordId);
    Step s = st.step();
    if (s.error)
        return *s.error;
    std::string provenance = s.row ? st.textCopy(0) : std::string();
    st.reset();
    return provenance;
}

Result<StoreTotals> Store::totals()
{
    auto statement = m_impl->get(
        "SELECT (SELECT coalesce(sum(record_count), 0) FROM ddb_tables), (SELECT coalesce(sum(key_count), 0) FROM "
        "ddb_tables), (SELECT count(*) FROM ddb_tables), (SELECT count(*) FROM streams), (SELECT count(*) FROM "
        "sources WHERE status = 'complete'), (SELECT count(*) FROM duplicates), (SELECT count(*) FROM conflicts), "
        "(SELECT coalesce(sum(skipped), 0) FROM sources WHERE status = 'complete'), (SELECT min(first_time_us) FROM "
        "ddb_tables), (SELECT max(last_time_us) FROM ddb_tables)");
    if (!statement)
        return statement.error();
    Statement& st = **statement;
    Step s = st.step();
    if (s.error)
        return *s.error;
    StoreTotals totals;
    totals.records = st.int64(0);
    totals.keys = st.int64(1);
    totals.tables = st.int64(2);
    totals.streams = st.int64(3);
    totals.sources = st.int64(4);
    totals.duplicates = st.int64(5);
    totals.conflicts = st.int64(6);
    totals.skipped = st.int64(7);
    totals.firstTimeMicros = st.optionalInt64(8);
    totals.lastTimeMicros = st.optionalInt64(9);
    st.reset();
    return totals;
}

Result<std::vector<SourceInfo>> Store::sources()
{
    return m_impl->collect<SourceInfo>("SELECT " STREAMSCOPE_SOURCE_COLUMNS
                                       " FROM sources WHERE status = 'complete' ORDER BY id",
                                       {}, [](const Statement& st) { return sourceFromRow(st); });
}

Result<std::vector<TableInfo>> Store::tables()
{
    auto tables = m_impl->collect<TableInfo>(
        "SELECT id, name, record_count, key_count, first_time_us, last_time_us FROM ddb_tables ORDER BY name", {},
        [](const Statement& st) {
            TableInfo info;
            info.id = st.int64(0);
            info.name = st.textCopy(1);
            info.recordCount = st.int64(2);
            info.keyCount = st.int64(3);
            info.firstTimeMicros = st.optionalInt64(4);
            info.lastTimeMicros = st.optionalInt64(5);
            return info;
        });
    if (!tables)
        return tables;
    auto streams = m_impl->collect<StreamInfo>(
        "SELECT s.id, s.table_id, t.name, s.arn, s.region, s.view_type, s.record_count FROM streams s "
        "JOIN ddb_tables t ON t.id = s.table_id ORDER BY s.table_id, s.id",
        {}, [](const Statement& st) {
            StreamInfo info;
            info.id = st.int64(0);
            info.tableId = st.int64(1);
            info.tableName = st.textCopy(2);
            info.arn = st.textCopy(3);
            info.region = st.textCopy(4);
            info.viewType = streamViewType(st.int64(5));
            if (auto seen = streamViewTypesSeen(st.int64(5)); seen.size() > 1)
                info.mixedViewTypes = std::move(seen);
            info.recordCount = st.int64(6);
            return info;
        });
    if (!streams)
        return streams.error();
    for (StreamInfo& stream : *streams) {
        for (TableInfo& table : *tables) {
            if (table.id == stream.tableId) {
                table.streams.push_back(std::move(stream));
                break;
            }
        }
    }
    return tables;
}

Result<std::optional<TableInfo>> Store::findTable(std::string_view name)
{
    auto all = tables();
    if (!all)
        return all.error();
    for (TableInfo& table : *all) {
        if (table.name == name)
            return std::optional<TableInfo>(std::move(table));
    }
    return std::optional<TableInfo>();
}

// ---- keys -------------------------------------------------------------------------------------------------------

Result<KeyPage> Store::keys(const KeyQuery& query)
{
    if (query.limit <= 0)
        return Error{Error::Kind::InvalidArgument, SQLITE_MISUSE, "keys: limit must be positive"};
    if (query.sort == KeySort::KeyValue) // a page would need the key's order bytes as its cursor
        return Error{Error::Kind::InvalidArgument, SQLITE_MISUSE, "keys: pages by key value are not supported"};
    const std::string column = keySortColumn(query.sort);
    const bool nullable = query.sort == KeySort::LastChange;
    std::optional<Param> value;
    std::int64_t id = 0;
    if (query.after) {
        id = query.after->id;
        if (query.sort == KeySort::KeyText)
            value = Param(query.after->text);
        else if (query.sort == KeySort::RecordCount || query.after->hasNumber)
            value = Param(query.after->number);
    }
    const auto phases =
        detail::pagePhases(column, nullable, query.descending, query.after.has_value(), value, id, "k.id");
    KeyPage page;
    auto count = detail::runPhases(m_impl->cache, kKeySelect, keyConditions(query), phases, query.limit,
                                   [&](Statement& st) { page.keys.push_back(readKey(st)); });
    if (!count)
        return count.error();
    if (*count == query.limit && !page.keys.empty()) {
        const KeyInfo& last = page.keys.back();
        KeyCursor cursor;
        cursor.id = last.id;
        cursor.text = last.displayText;
        if (query.sort == KeySort::RecordCount) {
            cursor.number = last.recordCount;
            cursor.hasNumber = true;
        } else if (query.sort == KeySort::LastChange && last.lastTimeMicros) {
            cursor.number = *last.lastTimeMicros;
            cursor.hasNumber = true;
        }
        page.next = std::move(cursor);
    }
    return page;
}

Result<std::int64_t> Store::countKeys(const KeyQuery& query)
{
    const Conditions c = keyConditions(query);
    if (query.filter.empty()) {
        if (query.tableId)
            return m_impl->single("SELECT key_count FROM ddb_tables WHERE id = ?", c.params);
        return m_impl->single("SELECT coalesce(sum(key_count), 0) FROM ddb_tables");
    }
    return m_impl->single("SELECT count(*) FROM keys k NOT INDEXED" + c.whereClause(), c.params); // as keyIds
}

Result<std::vector<std::int64_t>> Store::keyIds(const KeyQuery& query)
{
    const Conditions c = keyConditions(query, true);
    const std::string dir = query.descending ? " DESC" : "";
    std::string column = keySortColumn(query.sort);
    if (query.sort == KeySort::KeyValue) {
        // Since version 7 each key's order is stored and indexed (keys_by_order, keys_all_by_order): an index scan.
        auto version = schemaVersion(m_impl->db);
        if (!version)
            return version.error();
        if (*version >= kKeyOrderVersion)
            column = "k.sort_key";
    }
    // A text filter reads the keys table through (sequential, the display text at hand) and sorts what matches: the
    // sort's index would be walked whole with a row lookup per key for its text. 999,938 keys, 3,998 matching: 0.18 s
    // instead of 11 s; every key matching: 2.2 s instead of 7.3 s (sqlite3 CLI, 8 MiB cache).
    const std::string from = query.filter.empty() ? "SELECT k.id FROM keys k" : "SELECT k.id FROM keys k NOT INDEXED";
    const std::string sql = from + c.whereClause() + " ORDER BY " + column + dir + ", k.id" + dir;
    return m_impl->collect<std::int64_t>(sql, c.params, [](const Statement& st) { return st.int64(0); });
}

Result<std::vector<KeyInfo>> Store::keysByIds(std::span<const std::int64_t> ids)
{
    return m_impl->byIds<KeyInfo>(std::string(kKeySelect) + " WHERE k.id = ?", ids,
                                  [&](const Statement& st) { return readKey(st); });
}

Result<std::optional<KeyInfo>> Store::key(std::int64_t keyId)
{
    const std::int64_t ids[] = {keyId};
    auto keys = keysByIds(ids);
    if (!keys)
        return keys.error();
    if (keys->empty())
        return std::optional<KeyInfo>();
    return std::optional<KeyInfo>(std::move(keys->front()));
}

Result<std::optional<KeyInfo>> Store::findKey(std::int64_t tableId, std::string_view canonicalKeys)
{
    auto keys = m_impl->collect<KeyInfo>(std::string(kKeySelect) + " WHERE k.table_id = ? AND k.canonical = ?",
                                         {tableId, std::string(canonicalKeys)}, readKey);
    if (!keys)
        return keys.error();
    if (keys->empty())
        return std::optional<KeyInfo>();
    return std::optional<KeyInfo>(std::move(keys->front()));
}

// ---- one key's history ------------------------------------------------------------------------------------------

Result<KeyHistory> Store::keyHistory(std::int64_t keyId, bool withRaw, std::int64_t limit, std::int64_t maxBytes)
{
    auto info = key(keyId);
    if (!info)
        return info.error();
    if (!*info)
        return Error{Error::Kind::InvalidArgument, SQLITE_MISUSE, "no key with id " + std::to_string(keyId)};
    KeyHistory history;
    history.key = std::move(**info);
    // records_by_key gives the key's rows in its order (delivery order since store version 6, arrival order before);
    // orderHistory puts them in history order. No ORDER BY: SQL would sort whole rows, images included.
    auto statement = m_impl->get(std::string(kHistorySelect) + " WHERE r.key_id = ?");
    if (!statement)
        return statement.error();
    Statement& st = **statement;
    st.bind(1, keyId);
    if (history.key.recordCount > 0) // a hint only (a damaged store may claim anything)
        history.records.reserve(static_cast<std::size_t>(std::min<std::int64_t>(history.key.recordCount, 1 << 20)));
    std::int64_t bytes = 0;
    if (auto e = st.forEachRow([&](const Statement& row) {
            history.records.push_back(readHistoryRow(row, withRaw));
            bytes += rowBytes(history.records.back());
            return maxBytes <= 0 || bytes <= maxBytes;
        }))
        return *e;
    st.reset();
    if (maxBytes > 0 && bytes > maxBytes) {
        std::vector<RecordRow>().swap(history.records);
        auto count = m_impl->collect<std::int64_t>("SELECT count(*) FROM records WHERE key_id = ?", {keyId},
                                                   [](const Statement& row) { return row.int64(0); });
        if (!count)
            return count.error();
        history.recordsLeftOut = count->empty() ? 0 : count->front();
    }
    // Names after the scan: their lookups use the statement cache, which may drop statements when it grows.
    HistoryNames names(m_impl->cache);
    for (auto& row : history.records) {
        if (auto error = names.fill(row))
            return *error;
    }
    history.ordering = orderHistory(history.records);
    if (limit > 0 && history.records.size() > static_cast<std::size_t>(limit))
        history.records.resize(static_cast<std::size_t>(limit));
    auto table = m_impl->collect<std::string>("SELECT name FROM ddb_tables WHERE id = ?", {history.key.tableId},
                                              [](const Statement& row) { return row.textCopy(0); });
    if (!table)
        return table.error();
    if (!table->empty())
        history.tableName = table->front();
    return history;
}

Result<KeyHistoryIndex> Store::keyHistoryIndex(std::int64_t keyId)
{
    auto info = key(keyId);
    if (!info)
        return info.error();
    if (!*info)
        return Error{Error::Kind::InvalidArgument, SQLITE_MISUSE, "no key with id " + std::to_string(keyId)};
    KeyHistoryIndex index;
    index.key = std::move(**info);
    auto ordering = historyEntries(keyId, index.entries);
    if (!ordering)
        return ordering.error();
    index.ordering = *ordering;
    auto table = m_impl->collect<std::string>("SELECT name FROM ddb_tables WHERE id = ?", {index.key.tableId},
                                              [](const Statement& row) { return row.textCopy(0); });
    if (!table)
        return table.error();
    if (!table->empty())
        index.tableName = table->front();
    return index;
}

Result<HistoryOrdering> Store::historyEntries(std::int64_t keyId, std::vector<HistoryEntry>& entries)
{
    // records_by_key in its order (orderHistory sorts them); seq, time_us, event_name and ttl lie at the start of a
    // row: reading them does not touch the overflow pages that hold its images.
    auto read = m_impl->collect<HistoryEntry>(
        "SELECT r.id, r.seq, r.time_us, r.event_name, r.ttl FROM records r WHERE r.key_id = ?", {keyId},
        [](const Statement& st) {
            return HistoryEntry{st.int64(0), st.textCopy(1), st.optionalInt64(2),
                                static_cast<model::EventName>(st.int64(3)), st.int64(4) != 0};
        });
    if (!read)
        return read.error();
    entries = std::move(*read);
    return orderHistory(entries);
}

std::optional<Error> Store::keyRecordIds(std::int64_t keyId, std::vector<std::int64_t>& ids)
{
    ids.clear();
    // records_by_key in its order (delivery order since store version 6), sorted here into arrival order.
    auto statement = m_impl->get("SELECT r.id FROM records r WHERE r.key_id = ?");
    if (!statement)
        return statement.error();
    Statement& st = **statement;
    st.bind(1, keyId);
    if (auto error = st.forEachRow([&](const Statement& row) { ids.push_back(row.int64(0)); }))
        return error;
    std::sort(ids.begin(), ids.end());
    return std::nullopt;
}

std::optional<Error> Store::forEachSequencedRecord(std::int64_t streamId,
                                                   const std::function<void(std::int64_t id)>& onRecord)
{
    // A dedicated statement (not from the cache): the caller may query this store meanwhile.
    auto prepared = m_impl->db.prepare(
        "SELECT r.id FROM records r WHERE r.stream_id = ? AND r.seq_sort IS NOT NULL ORDER BY r.seq_sort");
    if (!prepared)
        return prepared.error();
    Statement& st = *prepared;
    st.bind(1, streamId);
    return st.forEachRow([&](const Statement& row) { onRecord(row.int64(0)); });
}

std::optional<Error>
Store::forEachRecordAtOrBefore(std::int64_t tableId, std::int64_t atMicros,
                               const std::function<void(std::int64_t id, model::EventName eventName)>& onRecord)
{
    auto prepared =
        m_impl->db.prepare("SELECT r.id, r.event_name FROM records r WHERE r.table_id = ? AND r.time_us <= ?");
    if (!prepared)
        return prepared.error();
    Statement& st = *prepared;
    st.bind(1, tableId);
    st.bind(2, atMicros);
    return st.forEachRow(
        [&](const Statement& row) { onRecord(row.int64(0), static_cast<model::EventName>(row.int64(1))); });
}

Result<std::int64_t> Store::maxRecordId()
{
    return m_impl->single("SELECT max(id) FROM records");
}

Result<std::vector<RecordRow>> Store::historyRowsByIds(std::span<const std::int64_t> ids, bool withRaw, bool withNames)
{
    auto rows = m_impl->byIds<RecordRow>(std::string(kHistorySelect) + " WHERE r.id = ?", ids,
                                         [&](const Statement& st) { return readHistoryRow(st, withRaw); });
    if (!rows)
        return rows;
    HistoryNames names(m_impl->cache);
    for (auto& row : *rows) {
        if (auto error = withNames ? names.fill(row) : names.fillWindow(row))
            return *error;
    }
    return rows;
}

std::optional<Error> Store::forEachKeyHistory(const ScanOptions& options,
                                              const std::function<bool(KeyHistory& history)>& onKey)
{
    Conditions c;
    if (options.tableId)
        c.add("r.table_id = ?", *options.tableId);
    // A dedicated statement (not from the cache): onKey may run other queries on this store meanwhile. Ordered by
    // key only: records_by_key gives each key's rows together, and orderHistory orders them (ORDER BY r.key_id, r.id
    // would sort whole rows in SQL now that the index orders a key's rows by stream and sequence). With sortedScan
    // SQLite sorts the whole rows by key after reading the table in file order (ScanOptions): temporary files, never
    // memory (an import's connection asks for temp_store=MEMORY); the connection's setting is restored after the scan.
    struct TempStoreKept // declared before the statement: restores the setting after it is finalized
    {
        Database& db;
        std::int64_t previous = -1;
        explicit TempStoreKept(Database& database)
            : db(database)
        {
        }
        TempStoreKept(const TempStoreKept&) = delete;
        TempStoreKept& operator=(const TempStoreKept&) = delete;
        ~TempStoreKept()
        {
            if (previous >= 0)
                static_cast<void>(db.exec("PRAGMA temp_store=" + std::to_string(previous)));
        }
    } tempStore(m_impl->db);
    if (options.sortedScan) {
        auto previous = m_impl->db.queryInt("PRAGMA temp_store", -1);
        if (!previous)
            return previous.error();
        if (auto error = m_impl->db.exec("PRAGMA temp_store=FILE"))
            return error;
        tempStore.previous = *previous;
    }
    const bool slim = options.sortedScan && !options.withRaw; // kSortedHistorySelect
    auto prepared = m_impl->db.prepare((slim ? std::string(kSortedHistorySelect)
                                             : std::string(kHistorySelect) + (options.sortedScan ? " NOT INDEXED" : ""))
                                       + c.whereClause() + (slim ? " ORDER BY r.key_id, r.id" : " ORDER BY r.key_id"));
    if (!prepared)
        return prepared.error();
    Statement& st = *prepared;
    detail::bindAll(st, c.params);

    std::vector<RecordRow> rows;
    std::int64_t currentKey = 0;
    std::int64_t keyBytes = 0;
    std::int64_t leftOut = 0; // > 0: the current key is over options.maxKeyBytes, its rows are counted, not kept
    std::string leftOutTable;
    HistoryNames names(m_impl->cache);
    DeferredOldImages oldImages;
    const auto readOldImage = [this](std::int64_t recordId) -> Result<std::string> {
        auto text = m_impl->collect<std::optional<std::string>>(
            "SELECT streamscope_part(r.raw, r.old_off, r.old_len, r.old_text) FROM records r WHERE r.id = ?",
            {recordId}, [](const Statement& row) {
                return row.isNull(0) ? std::optional<std::string>() : std::optional<std::string>(row.textCopy(0));
            });
        if (!text)
            return text.error();
        if (text->empty() || !text->front())
            return Error{Error::Kind::Corrupt, 0,
                         "the store changed while it was read (record " + std::to_string(recordId) + ")"};
        return std::move(*text->front());
    };
    auto flush = [&]() -> Result<bool> {
        if (rows.empty() && leftOut == 0)
            return true;
        for (auto& row : rows) {
            if (auto error = names.fill(row))
                return *error;
        }
        auto info = key(currentKey);
        if (!info)
            return info.error();
        KeyHistory history;
        if (*info)
            history.key = std::move(**info);
        if (leftOut > 0) {
            history.tableName = std::move(leftOutTable);
            history.recordsLeftOut = std::exchange(leftOut, 0);
            return onKey(history);
        }
        history.tableName = rows.front().tableName;
        history.records = std::move(rows);
        rows.clear();
        rows.reserve(std::min<std::size_t>(history.records.size(), 1024)); // the next key's rows: about as many
        history.ordering = orderHistory(history.records);
        if (auto error = oldImages.fill(history.records, readOldImage))
            return *error;
        return onKey(history);
    };

    std::optional<Error> flushError;
    bool stopped = false;
    if (auto e = st.forEachRow([&](const Statement& row) {
            const std::int64_t keyId = row.int64(3);
            if (keyId != currentKey) {
                auto goOn = flush();
                if (!goOn || !*goOn) {
                    flushError = goOn ? std::nullopt : std::optional<Error>(goOn.error());
                    stopped = true;
                    return false;
                }
                currentKey = keyId;
                keyBytes = 0;
            }
            if (leftOut > 0) {
                ++leftOut;
                return true;
            }
            std::int64_t deferredBytes = 0;
            rows.push_back(slim ? readSortedHistoryRow(row, oldImages, deferredBytes)
                                : readHistoryRow(row, options.withRaw));
            keyBytes += rowBytes(rows.back()) + deferredBytes;
            if (options.maxKeyBytes > 0 && keyBytes > options.maxKeyBytes) {
                if (auto error = names.fill(rows.front())) {
                    flushError = std::move(*error);
                    stopped = true;
                    return false;
                }
                leftOutTable = rows.front().tableName;
                leftOut = static_cast<std::int64_t>(rows.size());
                std::vector<RecordRow>().swap(rows);
                oldImages.clear();
            }
            return true;
        }))
        return e;
    if (stopped)
        return flushError;
    auto last = flush();
    if (!last)
        return last.error();
    return std::nullopt;
}

// ---- records ----------------------------------------------------------------------------------------------------

Result<std::optional<RecordRow>> Store::record(std::int64_t recordId, bool withRaw)
{
    auto rows = m_impl->collect<RecordRow>(std::string(kRecordSelect) + " WHERE r.id = ?", {recordId},
                                           [withRaw](const Statement& st) { return readRecordRow(st, withRaw); });
    if (!rows)
        return rows.error();
    if (rows->empty())
        return std::optional<RecordRow>();
    auto provenance = recordProvenance(recordId);
    if (!provenance)
        return provenance.error();
    rows->front().provenance = std::move(*provenance);
    if (auto error = HistoryNames(m_impl->cache).fillWindow(rows->front()))
        return *error;
    return std::optional<RecordRow>(std::move(rows->front()));
}

namespace {

RecordCursor cursorFrom(std::int64_t id, std::optional<std::int64_t> time, std::int64_t streamId, std::string seqSort)
{
    RecordCursor cursor;
    cursor.id = id;
    cursor.timeMicros = time;
    cursor.streamId = streamId;
    cursor.sequenceSortKey = std::move(seqSort);
    return cursor;
}

} // namespace

Result<RecordPage<RecordSummary>> Store::recordSummaries(const RecordFilter& filter, RecordOrder order,
                                                         const RecordCursor& after, int limit)
{
    if (limit <= 0)
        return Error{Error::Kind::InvalidArgument, SQLITE_MISUSE, "recordSummaries: limit must be positive"};
    RecordPage<RecordSummary> page;
    RecordCursor last;
    auto count = detail::runPhases(m_impl->cache, kSummarySelect, recordConditions(filter), recordPhases(order, after),
                                   limit, [&](Statement& st) {
                                       page.rows.push_back(readSummary(st));
                                       const RecordSummary& row = page.rows.back();
                                       last = cursorFrom(row.id, row.creationTimeMicros, st.int64(kSummaryStreamColumn),
                                                         st.textCopy(kSummarySeqSortColumn));
                                   });
    if (!count)
        return count.error();
    if (*count == limit)
        page.next = std::move(last);
    return page;
}

Result<RecordPage<RecordRow>> Store::records(const RecordFilter& filter, RecordOrder order, const RecordCursor& after,
                                             int limit, bool withRaw)
{
    if (limit <= 0)
        return Error{Error::Kind::InvalidArgument, SQLITE_MISUSE, "records: limit must be positive"};
    RecordPage<RecordRow> page;
    RecordCursor last;
    std::string select = kRecordSelect;
    if (filter.streamId && order == RecordOrder::Sequence) {
        // One stream in delivery order: its index gives each page as a range, whatever else narrows (a time range
        // read through records_by_time would be sorted again for every page).
        select.replace(select.find("FROM records r "), 15, "FROM records r INDEXED BY records_by_stream_seq ");
    }
    auto count = detail::runPhases(
        m_impl->cache, select, recordConditions(filter), recordPhases(order, after), limit, [&](Statement& st) {
            page.rows.push_back(readRecordRow(st, withRaw));
            const RecordRow& row = page.rows.back();
            last = cursorFrom(row.id, row.creationTimeMicros, row.streamId, st.textCopy(kRecordSeqSortColumn));
        });
    if (!count)
        return count.error();
    if (*count == limit)
        page.next = std::move(last);
    return page;
}

namespace {

bool onlyTableOrKey(const RecordFilter& f)
{
    return !f.sourceId && f.eventNames.empty() && !f.ttl && !f.fromMicros && !f.toMicros && f.text.empty()
        && !f.streamId && f.fromSequenceSortKey.empty() && f.toSequenceSortKey.empty();
}

} // namespace

Result<std::int64_t> Store::countRecords(const RecordFilter& filter)
{
    // Maintained counts answer the common cases in O(1).
    RecordFilter withoutStream = filter;
    withoutStream.streamId.reset();
    if (filter.streamId && !filter.keyId && onlyTableOrKey(withoutStream)) {
        std::vector<Param> params{*filter.streamId};
        std::string sql = "SELECT record_count FROM streams WHERE id = ?";
        if (filter.tableId) {
            sql += " AND table_id = ?";
            params.emplace_back(*filter.tableId);
        }
        return m_impl->single(sql, params);
    }
    if (onlyTableOrKey(filter)) {
        if (filter.keyId) {
            std::vector<Param> params{*filter.keyId};
            std::string sql = "SELECT record_count FROM keys WHERE id = ?";
            if (filter.tableId) {
                sql += " AND table_id = ?";
                params.emplace_back(*filter.tableId);
            }
            return m_impl->single(sql, params);
        }
        if (filter.tableId)
            return m_impl->single("SELECT record_count FROM ddb_tables WHERE id = ?", {*filter.tableId});
        return m_impl->single("SELECT coalesce(sum(record_count), 0) FROM ddb_tables");
    }
    const Conditions c = recordConditions(filter);
    std::string from = "records r";
    if (!filter.text.empty())
        from += " CROSS JOIN keys k ON k.id = r.key_id";
    return m_impl->single("SELECT count(*) FROM " + from + c.whereClause(), c.params);
}

Result<std::vector<std::int64_t>> Store::recordIds(const RecordFilter& filter, RecordOrder order)
{
    const Conditions c = recordConditions(filter);
    std::string from = "records r";
    if (!filter.text.empty())
        from += " CROSS JOIN keys k ON k.id = r.key_id";
    return m_impl->collect<std::int64_t>("SELECT r.id FROM " + from + c.whereClause() + " ORDER BY "
                                             + recordOrderBy(order),
                                         c.params, [](const Statement& st) { return st.int64(0); });
}

Result<std::vector<RecordSummary>> Store::recordSummariesByIds(std::span<const std::int64_t> ids)
{
    return m_impl->byIds<RecordSummary>(std::string(kSummarySelect) + " WHERE r.id = ?", ids,
                                        [&](const Statement& st) { return readSummary(st); });
}

Result<std::vector<RecordRow>> Store::recordsByIds(std::span<const std::int64_t> ids, bool withRaw)
{
    return m_impl->byIds<RecordRow>(std::string(kRecordSelect) + " WHERE r.id = ?", ids,
                                    [&](const Statement& st) { return readRecordRow(st, withRaw); });
}

void sortInSequenceOrder(std::vector<RecordOrderKey>& keys)
{
    std::sort(keys.begin(), keys.end(), [](const RecordOrderKey& a, const RecordOrderKey& b) {
        if (a.streamId != b.streamId)
            return a.streamId < b.streamId;
        if (a.sequenceSortKey != b.sequenceSortKey)
            return a.sequenceSortKey < b.sequenceSortKey; // "" (no sequence number) first, as NULL in SQLite
        return a.id < b.id;
    });
}

namespace {

constexpr const char* kOrderKeySelect = "SELECT r.id, r.stream_id, r.seq_sort FROM records r";

RecordOrderKey readOrderKey(const Statement& st)
{
    return RecordOrderKey{st.int64(0), st.int64(1), st.textCopy(2)};
}

std::string orderKeyFrom(const RecordFilter& filter)
{
    std::string select = kOrderKeySelect;
    if (!filter.text.empty())
        select += " CROSS JOIN keys k ON k.id = r.key_id";
    return select;
}

} // namespace

Result<std::vector<RecordOrderKey>> Store::recordOrderKeys(const RecordFilter& filter)
{
    const Conditions c = recordConditions(filter);
    return m_impl->collect<RecordOrderKey>(orderKeyFrom(filter) + c.whereClause(), c.params, readOrderKey);
}

Result<std::vector<RecordOrderKey>> Store::recordOrderKeysByIds(std::span<const std::int64_t> ids,
                                                                const RecordFilter& filter)
{
    Conditions c;
    c.add("r.id = ?", std::int64_t{0}); // bound per id below
    const Conditions rest = recordConditions(filter);
    c.terms.insert(c.terms.end(), rest.terms.begin(), rest.terms.end());
    c.params.insert(c.params.end(), rest.params.begin(), rest.params.end());
    auto statement = m_impl->get(orderKeyFrom(filter) + c.whereClause());
    if (!statement)
        return statement.error();
    Statement& st = **statement;
    detail::bindAll(st, c.params);
    std::vector<RecordOrderKey> keys;
    keys.reserve(ids.size());
    for (const std::int64_t id : ids) {
        st.bind(1, id);
        Step s = st.step();
        if (s.row)
            keys.push_back(readOrderKey(st));
        st.reset();
        if (s.error)
            return *s.error;
    }
    return keys;
}

// ---- go to ------------------------------------------------------------------------------------------------------

Result<std::vector<std::int64_t>> Store::recordIdsBySequenceNumber(std::string_view sequenceNumber)
{
    if (!model::isSequenceNumber(sequenceNumber))
        return std::vector<std::int64_t>{};
    // streams first (CROSS JOIN keeps that order): one records_by_stream_seq lookup per stream.
    auto ids = m_impl->collect<std::int64_t>(
        "SELECT r.id FROM streams s CROSS JOIN records r ON r.stream_id = s.id AND r.seq_sort = ?",
        {model::sequenceSortKey(sequenceNumber)}, [](const Statement& st) { return st.int64(0); });
    if (ids)
        std::sort(ids->begin(), ids->end());
    return ids;
}

Result<std::vector<std::int64_t>> Store::recordIdsByEventId(std::string_view eventId)
{
    if (eventId.empty())
        return std::vector<std::int64_t>{};
    return m_impl->collect<std::int64_t>("SELECT id FROM records WHERE event_id = ? ORDER BY id",
                                         {std::string(eventId)}, [](const Statement& st) { return st.int64(0); });
}

// ---- activity ---------------------------------------------------------------------------------------------------

Result<std::optional<std::pair<std::int64_t, std::int64_t>>> Store::timeRange(const RecordFilter& filter)
{
    using Range = std::optional<std::pair<std::int64_t, std::int64_t>>;
    std::string sql;
    std::vector<Param> params;
    if (onlyTableOrKey(filter) && !(filter.keyId && filter.tableId)) {
        if (filter.keyId) {
            sql = "SELECT first_time_us, last_time_us FROM keys WHERE id = ?";
            params.emplace_back(*filter.keyId);
        } else if (filter.tableId) {
            sql = "SELECT first_time_us, last_time_us FROM ddb_tables WHERE id = ?";
            params.emplace_back(*filter.tableId);
        } else {
            sql = "SELECT min(first_time_us), max(last_time_us) FROM ddb_tables";
        }
    } else {
        const Conditions c = recordConditions(filter);
        std::string from = "records r";
        if (!filter.text.empty())
            from += " CROSS JOIN keys k ON k.id = r.key_id";
        sql = "SELECT min(r.time_us), max(r.time_us) FROM " + from + c.whereClause();
        params = c.params;
    }
    auto rows = m_impl->collect<Range>(sql, params, [](const Statement& st) -> Range {
        if (st.isNull(0) || st.isNull(1))
            return std::nullopt;
        return std::make_pair(st.int64(0), st.int64(1));
    });
    if (!rows)
        return rows.error();
    if (rows->empty())
        return Range();
    return rows->front();
}

Result<std::vector<ActivityBucket>> Store::activity(const RecordFilter& filter, std::int64_t bucketMicros)
{
    if (bucketMicros <= 0)
        return Error{Error::Kind::InvalidArgument, SQLITE_MISUSE, "activity: bucket size must be positive"};
    Conditions c = recordConditions(filter);
    c.add("r.time_us IS NOT NULL");
    std::string from = "records r";
    if (!filter.text.empty())
        from += " CROSS JOIN keys k ON k.id = r.key_id";
    const std::string b = std::to_string(bucketMicros);
    // Floor division so buckets before 1970 are aligned too.
    const std::string bucket =
        "(CASE WHEN r.time_us >= 0 THEN r.time_us / " + b + " ELSE (r.time_us + 1) / " + b + " - 1 END) * " + b;
    const std::string sql = "SELECT " + bucket + " AS bucket, r.event_name, r.ttl, count(*) FROM " + from
        + c.whereClause() + " GROUP BY bucket, r.event_name, r.ttl ORDER BY bucket";
    auto statement = m_impl->get(sql);
    if (!statement)
        return statement.error();
    Statement& st = **statement;
    detail::bindAll(st, c.params);
    std::vector<ActivityBucket> buckets;
    for (;;) {
        Step s = st.step();
        if (s.error)
            return *s.error;
        if (!s.row)
            break;
        const std::int64_t start = st.int64(0);
        if (buckets.empty() || buckets.back().startMicros != start) {
            buckets.emplace_back();
            buckets.back().startMicros = start;
        }
        ActivityBucket& bucketRow = buckets.back();
        const std::int64_t n = st.int64(3);
        switch (static_cast<model::EventName>(st.int64(1))) {
        case model::EventName::Insert:
            bucketRow.inserts += n;
            break;
        case model::EventName::Modify:
            bucketRow.modifies += n;
            break;
        case model::EventName::Remove:
            bucketRow.removes += n;
            if (st.int64(2) != 0)
                bucketRow.ttlRemoves += n;
            break;
        case model::EventName::Snapshot:
            bucketRow.snapshots += n;
            break;
        }
    }
    st.reset();
    return buckets;
}

// ---- duplicates / conflicts -------------------------------------------------------------------------------------

namespace {

/// Appends " WHERE <column> = ?" to `sql` when a table is given; the parameters that go with it.
std::vector<Param> whereTable(std::string& sql, std::string_view column, std::optional<std::int64_t> tableId)
{
    std::vector<Param> params;
    if (tableId) {
        sql += " WHERE ";
        sql += column;
        sql += " = ?";
        params.emplace_back(*tableId);
    }
    return params;
}

} // namespace

Result<std::vector<DuplicateRow>> Store::duplicates(std::optional<std::int64_t> tableId)
{
    std::string sql = "SELECT d.id, d.record_id, d.source_id, d.record_index, d.byte_offset, r.table_id, r.key_id, "
                      "t.name, k.display, r.seq, r.event_id FROM duplicates d "
                      "CROSS JOIN records r ON r.id = d.record_id CROSS JOIN ddb_tables t ON t.id = r.table_id "
                      "CROSS JOIN keys k ON k.id = r.key_id";
    const auto params = whereTable(sql, "r.table_id", tableId);
    sql += " ORDER BY d.id";
    return m_impl->collect<DuplicateRow>(sql, params, [](const Statement& st) {
        DuplicateRow row;
        row.id = st.int64(0);
        row.recordId = st.int64(1);
        row.position = {st.int64(2), st.int64(3), st.int64(4)};
        row.tableId = st.int64(5);
        row.keyId = st.int64(6);
        row.tableName = st.textCopy(7);
        row.keyText = st.textCopy(8);
        row.sequenceNumber = st.textCopy(9);
        row.eventId = st.textCopy(10);
        return row;
    });
}

Result<std::vector<ConflictRow>> Store::conflicts(std::optional<std::int64_t> tableId)
{
    std::string sql = "SELECT c.id, c.existing_record_id, c.source_id, c.record_index, c.byte_offset, c.table_id, "
                      "c.stream_id, c.key_id, t.name, k.display, c.event_name, c.seq, c.event_id, c.time_us, "
                      "c.keys_text, c.new_text, c.old_text, c.raw FROM conflicts c "
                      "CROSS JOIN ddb_tables t ON t.id = c.table_id CROSS JOIN keys k ON k.id = c.key_id";
    const auto params = whereTable(sql, "c.table_id", tableId);
    sql += " ORDER BY c.id";
    return m_impl->collect<ConflictRow>(sql, params, [](const Statement& st) {
        ConflictRow row;
        row.id = st.int64(0);
        row.existingRecordId = st.int64(1);
        row.position = {st.int64(2), st.int64(3), st.int64(4)};
        row.tableId = st.int64(5);
        row.streamId = st.int64(6);
        row.keyId = st.int64(7);
        row.tableName = st.textCopy(8);
        row.keyText = st.textCopy(9);
        row.eventName = static_cast<model::EventName>(st.int64(10));
        row.sequenceNumber = st.textCopy(11);
        row.eventId = st.textCopy(12);
        row.creationTimeMicros = st.optionalInt64(13);
        row.keysJson = st.textCopy(14);
        if (!st.isNull(15))
            row.newImageJson = st.textCopy(15);
        if (!st.isNull(16))
            row.oldImageJson = st.textCopy(16);
        row.raw = st.textCopy(17);
        return row;
    });
}

// ---- decoding ---------------------------------------------------------------------------------------------------

Result<model::StreamRecord> toStreamRecord(const RecordRow& row)
{
    auto decode = [&](const std::string& json, const char* what) -> Result<model::Item> {
        auto item = model::parseItem(json);
        if (!item)
            return Error{Error::Kind::InvalidArgument, SQLITE_MISMATCH,
                         std::string("record ") + std::to_string(row.id) + ": " + what + ": " + item.error.message};
        return std::move(*item.value);
    };
    model::StreamRecord record;
    record.id = row.id;
    record.table = row.tableName;
    record.streamArn = row.streamArn;
    auto keys = decode(row.keysJson, "Keys");
    if (!keys)
        return keys.error();
    record.keys = std::move(*keys);
    record.eventName = row.eventName;
    record.sequenceNumber = row.sequenceNumber;
    record.eventId = row.eventId;
    record.creationTimeMicros = row.creationTimeMicros;
    record.viewType = row.viewType;
    record.ttl = row.ttl;
    if (row.newImageJson) {
        auto image = decode(*row.newImageJson, "NewImage");
        if (!image)
            return image.error();
        record.newImage = std::move(*image);
    }
    if (row.oldImageJson) {
        auto image = decode(*row.oldImageJson, "OldImage");
        if (!image)
            return image.error();
        record.oldImage = std::move(*image);
    }
    record.arrival = row.id;
    return record;
}

} // namespace storage
