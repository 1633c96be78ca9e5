#include "storage/store/schema.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <sqlite3.h>

namespace storage {

namespace {

// Version 1. Conventions:
// - records.id is the arrival ordinal (dense, import order). Images are stored once: as (offset, length) slices of
//   the raw record text when they lie inside it (Lambda/GetRecords/Pipes/exports), or as their own text
//   (Kinesis payloads decoded from base64). Keys likewise.
// - enum columns: event_name 0 INSERT 1 MODIFY 2 REMOVE 3 SNAPSHOT (model::EventName); view_type as
//   model::ViewType; time_unit as storage::TimeUnit.
// - content_hash: 64-bit hash of event name + Keys + images as delivered (dedup fast path; a mismatch is
//   re-checked by value).
// - per-key / per-table / per-stream counts and first/last times are maintained by the ImportWriter at commit.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE meta(
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE sources(
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    format TEXT NOT NULL,
    imported_at_us INTEGER NOT NULL,
    inserted INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    conflicts INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'complete', 'failed', 'cancelled')),
    messages TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX sources_by_hash ON sources(content_hash);

CREATE TABLE ddb_tables(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    record_count INTEGER NOT NULL DEFAULT 0,
    key_count INTEGER NOT NULL DEFAULT 0,
    first_time_us INTEGER,
    last_time_us INTEGER
) STRICT;

CREATE TABLE streams(
    id INTEGER PRIMARY KEY,
    table_id INTEGER NOT NULL REFERENCES ddb_tables(id),
    arn TEXT NOT NULL,
    region TEXT NOT NULL DEFAULT '',
    view_type INTEGER NOT NULL DEFAULT 0,
    record_count INTEGER NOT NULL DEFAULT 0,
    UNIQUE (table_id, arn)
) STRICT;

CREATE TABLE keys(
    id INTEGER PRIMARY KEY,
    table_id INTEGER NOT NULL REFERENCES ddb_tables(id),
    canonical TEXT NOT NULL,
    display TEXT NOT NULL,
    record_count INTEGER NOT NULL DEFAULT 0,
    first_time_us INTEGER,
    last_time_us INTEGER,
    UNIQUE (table_id, canonical)
) STRICT;
CREATE INDEX keys_by_text ON keys(table_id, display);
CREATE INDEX keys_by_count ON keys(table_id, record_count);
CREATE INDEX keys_by_last ON keys(table_id, last_time_us);
CREATE INDEX keys_all_by_text ON keys(display);
CREATE INDEX keys_all_by_count ON keys(record_count);
CREATE INDEX keys_all_by_last ON keys(last_time_us);

CREATE TABLE records(
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL,
    record_index INTEGER NOT NULL,
    byte_offset INTEGER NOT NULL,
    table_id INTEGER NOT NULL,
    stream_id INTEGER NOT NULL,
    key_id INTEGER NOT NULL,
    event_name INTEGER NOT NULL,
    seq TEXT,
    seq_sort TEXT,
    event_id TEXT,
    time_us INTEGER,
    time_unit INTEGER NOT NULL DEFAULT 0,
    time_text TEXT,
    size_bytes INTEGER,
    view_type INTEGER NOT NULL DEFAULT 0,
    ttl INTEGER NOT NULL DEFAULT 0,
    shape TEXT NOT NULL DEFAULT '',
    content_hash INTEGER NOT NULL,
    keys_off INTEGER,
    keys_len INTEGER,
    keys_text TEXT,
    new_off INTEGER,
    new_len INTEGER,
    new_text TEXT,
    old_off INTEGER,
    old_len INTEGER,
    old_text TEXT,
    raw TEXT NOT NULL
) STRICT;
-- dedup (stream + sequence number) and export order (stream, sequence); NULL seq_sort may repeat.
CREATE UNIQUE INDEX records_by_stream_seq ON records(stream_id, seq_sort);
-- a key's records (version 6 made it (key_id, stream_id, seq_sort): a key's records in delivery order)
CREATE INDEX records_by_key ON records(key_id);
-- events by time; events by table and type (then time)
-- (event_name, ttl appended: the activity chart's GROUP BY reads the index only, never the 2 KB rows)
CREATE INDEX records_by_time ON records(time_us, event_name, ttl);
CREATE INDEX records_by_table_event ON records(table_id, event_name, time_us, ttl);
-- dedup of records without sequence numbers (Kinesis, exports)
CREATE INDEX records_by_event_id ON records(event_id) WHERE seq_sort IS NULL;

CREATE TABLE duplicates(
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL,
    source_id INTEGER NOT NULL,
    record_index INTEGER NOT NULL,
    byte_offset INTEGER NOT NULL
) STRICT;
CREATE INDEX duplicates_by_record ON duplicates(record_id);

CREATE TABLE conflicts(
    id INTEGER PRIMARY KEY,
    existing_record_id INTEGER NOT NULL,
    source_id INTEGER NOT NULL,
    record_index INTEGER NOT NULL,
    byte_offset INTEGER NOT NULL,
    table_id INTEGER NOT NULL,
    stream_id INTEGER NOT NULL,
    key_id INTEGER NOT NULL,
    event_name INTEGER NOT NULL,
    seq TEXT,
    event_id TEXT,
    time_us INTEGER,
    keys_text TEXT NOT NULL,
    new_text TEXT,
    old_text TEXT,
    raw TEXT NOT NULL
) STRICT;
CREATE INDEX conflicts_by_record ON conflicts(existing_record_id);
)sql";

// Version 2: the replay runs (storage/replay/runtables.h). Builds before version 2 created these tables on first use,
// outside the migrations, with these same definitions: IF NOT EXISTS keeps the runs such a store already holds and
// completes a set that a failed first use left half made.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE IF NOT EXISTS replay_runs(
    id INTEGER PRIMARY KEY,
    started_micros INTEGER NOT NULL,
    finished_micros INTEGER,
    handler TEXT NOT NULL,          -- JSON array: argv
    status TEXT NOT NULL,           -- running | complete | cancelled | failed
    max_retries INTEGER NOT NULL,
    bisect INTEGER NOT NULL,
    timeout_ms INTEGER NOT NULL,
    batch_size INTEGER NOT NULL,
    selection TEXT NOT NULL,        -- JSON object
    batches INTEGER NOT NULL DEFAULT 0,
    records INTEGER NOT NULL DEFAULT 0,
    succeeded INTEGER NOT NULL DEFAULT 0,
    discarded INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    oversize TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS replay_batches(
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES replay_runs(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    stream TEXT NOT NULL,
    table_name TEXT NOT NULL,
    payload_bytes INTEGER NOT NULL,
    first_sequence TEXT NOT NULL,
    last_sequence TEXT NOT NULL,
    succeeded INTEGER NOT NULL,
    discarded INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS replay_batches_by_run ON replay_batches(run_id, number);
CREATE TABLE IF NOT EXISTS replay_attempts(
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES replay_batches(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    range_begin INTEGER NOT NULL,
    range_end INTEGER NOT NULL,
    first_sequence TEXT NOT NULL,
    last_sequence TEXT NOT NULL,
    retry INTEGER NOT NULL,
    after_bisect INTEGER NOT NULL,
    verdict TEXT NOT NULL,
    reason TEXT NOT NULL,
    checkpoint TEXT NOT NULL,
    failed_identifiers TEXT NOT NULL, -- JSON array
    handler_end TEXT NOT NULL,
    exit_code INTEGER NOT NULL,
    signal INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    stdout TEXT NOT NULL,
    stderr TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS replay_attempts_by_batch ON replay_attempts(batch_id, number);
CREATE TABLE IF NOT EXISTS replay_records(
    batch_id INTEGER NOT NULL REFERENCES replay_batches(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    record_id INTEGER NOT NULL,      -- records.id (not a foreign key: a run outlives nothing it needs)
    table_name TEXT NOT NULL,
    key_text TEXT NOT NULL,
    keys_json TEXT NOT NULL,
    sequence_number TEXT NOT NULL,
    status TEXT NOT NULL,            -- succeeded | discarded | pending
    deliveries INTEGER NOT NULL,
    reported_failures INTEGER NOT NULL,
    settled_attempt INTEGER NOT NULL,
    last_error TEXT NOT NULL,
    PRIMARY KEY(batch_id, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS replay_records_by_record ON replay_records(record_id);
)sql";

struct Migration
{
    int toVersion;
    const char* sql;
    std::vector<std::string_view> tables; ///< the tables it adds (a store of this version or later must have them)
};

// Version 3: where a record read from a log was logged (issue 20): its log group/stream, log timestamp and request
// ID as a small JSON object, for the records that have one (records from capture files have no row).
constexpr const char* kSchemaV3 = R"sql(
CREATE TABLE record_provenance(
    record_id INTEGER PRIMARY KEY,
    provenance TEXT NOT NULL
) STRICT;
)sql";

// Version 4: the audit kept in the store (issue 22; storage/history/findingstore.h). `findings` holds every finding
// of the last audit one per row, ungrouped, in the order a full audit reports them: phase 0 the per-key findings
// (key_id, then their order within the key), phase 1 duplicates and conflicts, 2 reused event IDs, 3 mixed view
// types (key_id 0, ord their order). `body` is the whole finding (model::encodeFinding). `audit_coverage` (one row,
// id 1) says what those findings cover: every record up to records_through, duplicate up to duplicates_through and
// conflict up to conflicts_through (ids only grow: imports append and never change committed rows), with the audit
// rules they were found by; a store without that row, or with other rules, has no current findings. Both are
// written in one transaction, so a failed or cancelled audit leaves the previous set.
constexpr const char* kSchemaV4 = R"sql(
CREATE TABLE findings(
    phase INTEGER NOT NULL,
    key_id INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    severity INTEGER NOT NULL,
    table_name TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    seq TEXT,
    body TEXT NOT NULL,
    PRIMARY KEY (phase, key_id, ord)
) STRICT, WITHOUT ROWID;
CREATE INDEX findings_by_kind ON findings(kind, severity);
CREATE INDEX findings_by_table ON findings(table_name, kind);
CREATE INDEX findings_by_record ON findings(record_id);
CREATE TABLE audit_coverage(
    id INTEGER PRIMARY KEY CHECK (id = 1),
    rules TEXT NOT NULL,
    records_through INTEGER NOT NULL,
    duplicates_through INTEGER NOT NULL,
    conflicts_through INTEGER NOT NULL,
    keys INTEGER NOT NULL,
    records INTEGER NOT NULL,
    audited_at_us INTEGER NOT NULL,
    written_by TEXT NOT NULL
) STRICT;
)sql";

// Version 5: records_by_event_id covers every record, not only those without a sequence number (issue 22): the
// incremental re-audit looks up the event IDs of the records an import added instead of grouping the whole records
// table, the full audit groups the index instead of the table, and Go to by event ID is one index lookup. The
// importer's dedup (event_id = ? AND seq_sort IS NULL) still uses it, testing seq_sort on the row. Adds no table.
// (A covering index for a key's history order, (key_id, id, seq, time_us, event_name, ttl), was measured and left
// out: it cost the 200k import more CPU and 1.7 % more store than it saved a key's history.)
constexpr const char* kSchemaV5 = R"sql(
DROP INDEX IF EXISTS records_by_event_id;
CREATE INDEX records_by_event_id ON records(event_id);
)sql";

// Version 6: records_by_key holds a key's records in delivery order, (key_id, stream_id, seq_sort) and the id after
// them (issue 22): a key's export orders its records from the index alone and reads each record's row once (it read
// every row for its order and then again for the export: each 32 KiB page twice once the key's pages outgrow the page
// cache). Every query by key still searches it by key_id; the queries that wanted arrival order (records.id) sort the
// key's ids or rows in memory. Adds no table.
constexpr const char* kSchemaV6 = R"sql(
DROP INDEX IF EXISTS records_by_key;
CREATE INDEX records_by_key ON records(key_id, stream_id, seq_sort);
)sql";

// Version 7: every key carries its typed order (model/keyorder.h: numbers numerically, binaries by bytes, part by
// part), written by the importer with streamscope_key_order() and indexed per table and across tables (issue 22): the
// keys list sorted by key is an index scan instead of SQLite computing and sorting every key's order bytes each time
// (5.5 s for 628,641 keys). A version-6 store opened read-only is sorted by the function as before. Adds no table.
constexpr const char* kSchemaV7 = R"sql(
ALTER TABLE keys ADD COLUMN sort_key BLOB;
UPDATE keys SET sort_key = streamscope_key_order(canonical);
CREATE INDEX keys_by_order ON keys(table_id, sort_key);
CREATE INDEX keys_all_by_order ON keys(sort_key);
)sql";

// Forward migrations, in order. Version n's entry turns a store of version n-1 into version n.
const std::vector<Migration>& migrations()
{
    static const std::vector<Migration> list{
        {1, kSchemaV1, {"meta", "sources", "ddb_tables", "streams", "keys", "records", "duplicates", "conflicts"}},
        {2, kSchemaV2, {"replay_runs", "replay_batches", "replay_attempts", "replay_records"}},
        {3, kSchemaV3, {"record_provenance"}},
        {4, kSchemaV4, {"findings", "audit_coverage"}},
        {5, kSchemaV5, {}},
        {6, kSchemaV6, {}},
        {7, kSchemaV7, {}},
    };
    return list;
}

Error notAStore(const Database& db, const std::string& why)
{
    return Error{Error::Kind::NotAStore, SQLITE_NOTADB, db.path() + " is not a Streamscope store (" + why + ")"};
}

// WAL lets readers (GUI, CLI, another process) read while an import writes. Persistent in the file.
std::optional<Error> enableWal(Database& db)
{
    if (db.isReadOnly() || db.path() == ":memory:" || db.path().empty())
        return std::nullopt;
    auto statement = db.prepare("PRAGMA journal_mode=WAL");
    if (!statement)
        return statement.error();
    Step s = statement->step();
    if (s.error)
        return s.error;
    return std::nullopt;
}

Result<bool> hasTable(Database& db, std::string_view name)
{
    auto statement = db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1");
    if (!statement)
        return statement.error();
    statement->bind(1, name);
    Step s = statement->step();
    if (s.error)
        return *s.error;
    return s.row && statement->int64(0) > 0;
}

// The first table of `migration` the store lacks, or nullopt.
Result<std::optional<std::string_view>> missingTable(Database& db, const Migration& migration)
{
    for (const std::string_view table : migration.tables) {
        auto has = hasTable(db, table);
        if (!has)
            return has.error();
        if (!*has)
            return std::optional<std::string_view>(table);
    }
    return std::optional<std::string_view>{};
}

// A store of `version` must hold every table the migrations up to it add: a file from elsewhere whose user_version
// promises more than its tables give is refused at open, not by "no such table" in the middle of some later query.
std::optional<Error> verifyTables(Database& db, int version)
{
    for (const Migration& migration : migrations()) {
        if (migration.toVersion > version)
            break;
        auto missing = missingTable(db, migration);
        if (!missing)
            return missing.error();
        if (*missing)
            return notAStore(
                db, "store version " + std::to_string(version) + " without its table " + std::string(**missing));
    }
    return std::nullopt;
}

// ---- the schema a store must have ------------------------------------------------------------------------------

/// One schema object as sqlite_schema and the table/index pragmas describe it (never its data).
struct SchemaObject
{
    std::string type;       ///< table | index
    std::string table;      ///< tbl_name
    bool isVirtual = false; ///< CREATE VIRTUAL TABLE
    /// table: "name type notnull pk hidden" per column (PRAGMA table_xinfo); index: its key columns
    /// (PRAGMA index_xinfo, key columns only), then "unique"/"partial" flags.
    std::vector<std::string> shape;
};

Result<std::vector<std::string>> pragmaRows(Database& db, const std::string& pragma, const std::string& name,
                                            bool index)
{
    // table_xinfo: cid, name, type, notnull, dflt_value, pk, hidden; index_xinfo: seqno, cid, name, desc, coll, key.
    auto statement = db.prepare("SELECT * FROM pragma_" + pragma + "(?1)");
    if (!statement)
        return statement.error();
    statement->bind(1, std::string_view(name), true);
    std::vector<std::string> rows;
    auto error = statement->forEachRow([&](Statement& row) {
        if (index) {
            if (row.int64(5) != 0)
                rows.push_back(row.textCopy(2) + (row.int64(3) ? " desc" : ""));
        } else {
            rows.push_back(row.textCopy(1) + " " + row.textCopy(2) + " " + std::to_string(row.int64(3)) + " "
                           + std::to_string(row.int64(5)) + " " + std::to_string(row.int64(6)));
        }
    });
    if (error)
        return *error;
    return rows;
}

/// Every object of `db`'s schema by name, described from sqlite_schema and the pragmas (reads no table's rows).
/// A trigger, view or virtual table is returned as it is (type "trigger"/"view", isVirtual): the caller refuses it.
Result<std::map<std::string, SchemaObject>> describeSchema(Database& db)
{
    auto statement = db.prepare("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema");
    if (!statement)
        return statement.error();
    std::map<std::string, SchemaObject> objects;
    auto error = statement->forEachRow([&](Statement& row) {
        SchemaObject object;
        object.type = row.textCopy(0);
        object.table = row.textCopy(2);
        const std::string sql = row.textCopy(3);
        object.isVirtual = sql.size() >= 20 && sqlite3_strnicmp(sql.c_str(), "CREATE VIRTUAL TABLE", 20) == 0;
        objects.emplace(row.textCopy(1), std::move(object));
    });
    if (error)
        return *error;
    for (auto& [name, object] : objects) {
        if (object.isVirtual || (object.type != "table" && object.type != "index"))
            continue; // refused by name and kind; its columns are not asked (a virtual table's module would run)
        const bool index = object.type == "index";
        auto rows = pragmaRows(db, index ? "index_xinfo" : "table_xinfo", name, index);
        if (!rows)
            return rows.error();
        object.shape = std::move(*rows);
        if (index) {
            auto list = db.prepare("SELECT \"unique\", partial FROM pragma_index_list(?1) WHERE name = ?2");
            if (!list)
                return list.error();
            list->bind(1, std::string_view(object.table), true);
            list->bind(2, std::string_view(name), true);
            Step s = list->step();
            if (s.error)
                return *s.error;
            if (s.row) {
                object.shape.push_back(list->int64(0) ? "unique" : "not unique");
                object.shape.push_back(list->int64(1) ? "partial" : "whole");
            }
        }
    }
    return objects;
}

/// The objects the migrations up to `version` create (applied to an empty in-memory database), described.
Result<std::map<std::string, SchemaObject>> schemaOfVersion(int version)
{
    auto db = Database::open(":memory:", Database::OpenMode::InMemory);
    if (!db)
        return db.error();
    for (const Migration& migration : migrations())
        if (migration.toVersion <= version)
            if (auto error = db->exec(migration.sql))
                return *error;
    return describeSchema(*db);
}

/// What a store of `version` may hold, described once per version: every object this build creates, as the
/// migrations up to `version` made it when they made it (version 5 changed records_by_event_id: a version-4 store is
/// checked against version 4's; version 6 changed records_by_key), the others as this build makes them (a version-1
/// build made the replay tables on first use, outside the versioned schema).
Result<std::map<std::string, SchemaObject>> expectedSchema(int version)
{
    static std::mutex mutex;
    static std::map<int, std::map<std::string, SchemaObject>> expected;
    const std::lock_guard lock(mutex);
    if (auto it = expected.find(version); it != expected.end())
        return it->second;
    auto all = schemaOfVersion(kSchemaVersion);
    if (!all)
        return all.error();
    if (version < kSchemaVersion) {
        auto then = schemaOfVersion(version);
        if (!then)
            return then.error();
        for (auto& [name, object] : *then)
            (*all)[name] = std::move(object);
    }
    return expected.emplace(version, std::move(*all)).first->second;
}

/// A store from elsewhere is used only when its schema is one this build made: every object is a table or index
/// of the expected schema with the expected columns (tables: names, types, NOT NULL, primary key, none generated or
/// hidden; indexes: table, key columns, unique, partial). A trigger (it would run on the importer's writes), a view
/// or virtual table in place of a table (a query would run its code: hangs, gigabytes of memory or temp files), a
/// generated column or an object this build never creates is refused with its name, before any data is read.
std::optional<Error> verifySchema(Database& db, int version)
{
    auto expected = expectedSchema(std::clamp(version, 1, kSchemaVersion));
    if (!expected)
        return expected.error();
    auto actual = describeSchema(db);
    if (!actual)
        return actual.error();
    for (const auto& [name, object] : *actual) {
        if (object.type == "trigger")
            return notAStore(db, "it holds a trigger, " + name + ", which Streamscope never creates");
        if (object.type == "view")
            return notAStore(db, "its " + name + " is a view, not a table");
        if (object.isVirtual)
            return notAStore(db, "its " + name + " is a virtual table, not a table");
        const auto want = expected->find(name);
        if (want == expected->end())
            return notAStore(db, "it holds " + object.type + " " + name + ", which Streamscope never creates");
        if (want->second.type != object.type || want->second.table != object.table)
            return notAStore(db, "its " + name + " is not the " + want->second.type + " Streamscope creates");
        if (want->second.shape != object.shape) {
            for (const std::string& column : object.shape)
                if (column.ends_with(" 2") || column.ends_with(" 3"))
                    return notAStore(db,
                                     "its table " + name + " has a generated column ("
                                         + column.substr(0, column.find(' ')) + ")");
            return notAStore(db, "its " + object.type + " " + name + " does not have the columns Streamscope creates");
        }
    }
    return std::nullopt;
}

struct Header
{
    std::int64_t applicationId = 0;
    int version = 0;
    bool empty = false; ///< a new file: no application id, no version, no schema objects
    bool hasObjects = false;
};

Result<Header> readHeader(Database& db)
{
    // Reading the header is the first access to the file: a non-SQLite file fails here (SQLITE_NOTADB).
    auto applicationId = db.queryInt("PRAGMA application_id");
    if (!applicationId) {
        Error error = applicationId.error();
        if (error.kind == Error::Kind::NotAStore)
            return notAStore(db, "not an SQLite database");
        return error;
    }
    auto version = schemaVersion(db);
    if (!version)
        return version.error();
    auto objectCount = db.queryInt("SELECT count(*) FROM sqlite_schema");
    if (!objectCount)
        return objectCount.error();
    return Header{*applicationId, *version, *applicationId == 0 && *version == 0 && *objectCount == 0,
                  *objectCount > 0};
}

// Refuses what this build must not open in this mode: another application's file, a newer store, and (read-only)
// an empty file or a store too old to read without migrating it.
std::optional<Error> refuseHeader(const Database& db, const Header& header)
{
    if (!header.empty && header.applicationId != kApplicationId)
        return notAStore(db, "an SQLite database of another application");
    if (header.version > kSchemaVersion) {
        return Error{Error::Kind::NewerVersion, SQLITE_OK,
                     db.path() + " was written by a newer Streamscope (store version " + std::to_string(header.version)
                         + ", this version reads up to " + std::to_string(kSchemaVersion)
                         + "); update Streamscope to open it"};
    }
    if (header.version < kOldestReadableVersion && header.hasObjects) {
        // Tables without a store version: no Streamscope wrote that (the version is set with the tables, in one
        // transaction), and no migration starts there. "Open it read-write to upgrade it" would fail.
        return notAStore(db,
                         "it has tables but no store version, which no version of Streamscope writes, so it "
                         "cannot be upgraded; import the captures again into a new store");
    }
    if (!db.isReadOnly())
        return std::nullopt;
    if (header.empty)
        return notAStore(db, "an empty database");
    if (header.version < kOldestReadableVersion) {
        return Error{Error::Kind::ReadOnly, SQLITE_READONLY,
                     db.path() + " uses an older store version (" + std::to_string(header.version)
                         + "); open it once read-write to upgrade it"};
    }
    return std::nullopt;
}

// Creates or upgrades the schema to kSchemaVersion in one transaction (writable database).
std::optional<Error> migrate(Database& db, bool empty)
{
    if (empty && !db.path().empty() && db.path() != ":memory:") {
        // Before the first write: WAL mode keeps the page size a store was created with. (An in-memory store keeps
        // the 16 KiB Database::open() gives it: its in-memory journal copies every page a statement touches.)
        if (auto error = db.exec("PRAGMA page_size=" + std::to_string(kStorePageSize)))
            return error;
    }
    auto transaction = Transaction::begin(db, Transaction::Kind::Immediate);
    if (!transaction)
        return transaction.error();
    // Another process may have migrated while we waited for the write lock.
    auto current = schemaVersion(db);
    if (!current)
        return current.error();
    for (const Migration& migration : migrations()) {
        if (migration.toVersion <= *current)
            continue;
        if (auto error = db.exec(migration.sql)) {
            error->message =
                "cannot upgrade the store to version " + std::to_string(migration.toVersion) + ": " + error->message;
            return error;
        }
        if (auto error = db.exec("PRAGMA user_version = " + std::to_string(migration.toVersion)))
            return error;
    }
    if (auto error = db.exec("PRAGMA application_id = " + std::to_string(kApplicationId)))
        return error;
    auto insertMeta = db.prepare("INSERT OR REPLACE INTO meta(name, value) VALUES ('schema_written_by', ?1)");
    if (!insertMeta)
        return insertMeta.error();
    insertMeta->bind(1, std::string_view("streamscope schema " + std::to_string(kSchemaVersion)), true);
    if (auto error = insertMeta->run())
        return error;
    if (auto error = recordWriter(db, empty ? "created_by" : "upgraded_by"))
        return error;
    return transaction->commit();
}

} // namespace

Result<int> schemaVersion(Database& db)
{
    auto version = db.queryInt("PRAGMA user_version");
    if (!version)
        return version.error();
    return static_cast<int>(*version);
}

Result<bool> hasTablesAddedIn(Database& db, int version)
{
    for (const Migration& migration : migrations()) {
        if (migration.toVersion != version)
            continue;
        auto missing = missingTable(db, migration);
        if (!missing)
            return missing.error();
        return !*missing;
    }
    return Error{Error::Kind::InvalidArgument, SQLITE_OK, "no store version " + std::to_string(version)};
}

std::optional<Error> ensureSchema(Database& db)
{
    auto header = readHeader(db);
    if (!header)
        return header.error();
    if (auto error = refuseHeader(db, *header))
        return error;
    if (!header->empty) {
        if (auto error = verifySchema(db, header->version))
            return error;
        if (auto error = verifyTables(db, header->version))
            return error;
    }
    if (header->version < kSchemaVersion && !db.isReadOnly()) {
        if (auto error = migrate(db, header->empty))
            return error;
    }
    return enableWal(db);
}

SourceInfo sourceFromRow(const Statement& st)
{
    SourceInfo info;
    info.id = st.int64(0);
    info.path = st.textCopy(1);
    info.sizeBytes = st.int64(2);
    info.contentHash = st.textCopy(3);
    info.format = st.textCopy(4);
    info.importedAtMicros = st.int64(5);
    info.inserted = st.int64(6);
    info.duplicates = st.int64(7);
    info.conflicts = st.int64(8);
    info.skipped = st.int64(9);
    info.status = parseSourceStatus(st.text(10)).value_or(SourceStatus::Complete);
    info.messages = st.textCopy(11);
    return info;
}

std::optional<std::string_view> storedPart(const Statement& st, int offColumn, std::string_view raw)
{
    if (!st.isNull(offColumn + 2))
        return st.text(offColumn + 2);
    if (st.isNull(offColumn))
        return std::nullopt;
    const auto offset = static_cast<std::size_t>(st.int64(offColumn));
    const auto length = static_cast<std::size_t>(st.int64(offColumn + 1));
    if (offset > raw.size() || length > raw.size() - offset)
        return std::string_view{};
    return raw.substr(offset, length);
}

namespace {
std::mutex& writerMutex()
{
    static std::mutex mutex;
    return mutex;
}
std::string& writerName()
{
    static std::string name = "streamscope (version not set)";
    return name;
}
} // namespace

void setWriterIdentity(std::string identity)
{
    const std::lock_guard lock(writerMutex());
    writerName() = std::move(identity);
}

std::string writerIdentity()
{
    const std::lock_guard lock(writerMutex());
    return writerName();
}

std::optional<Error> recordWriter(Database& db, std::string_view name)
{
    auto statement = db.prepare("INSERT OR REPLACE INTO meta(name, value) VALUES (?1, ?2)");
    if (!statement)
        return statement.error();
    statement->bind(1, name, true);
    statement->bind(2, std::string_view(writerIdentity()), true);
    return statement->run();
}

Result<std::vector<std::pair<std::string, std::string>>> storeWriters(Database& db)
{
    auto statement = db.prepare("SELECT name, value FROM meta WHERE name IN ('created_by', 'upgraded_by', "
                                "'last_written_by') ORDER BY CASE name WHEN 'created_by' THEN 0 "
                                "WHEN 'upgraded_by' THEN 1 ELSE 2 END");
    if (!statement)
        return statement.error();
    std::vector<std::pair<std::string, std::string>> writers;
    if (auto error =
            statement->forEachRow([&](Statement& row) { writers.emplace_back(row.textCopy(0), row.textCopy(1)); }))
        return *error;
    return writers;
}

} // namespace storage
