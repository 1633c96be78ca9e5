#pragma once

// Schema of a .streamscope store: created and migrated forward through PRAGMA user_version; identified by
// PRAGMA application_id.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/store/database.h"
#include "storage/store/storedrows.h"

namespace storage {

/// 'SSC1': marks an SQLite file as a Streamscope store.
inline constexpr std::int32_t kApplicationId = 0x53534331;
/// Schema version this build writes and reads. 1: the capture tables; 2: the replay tables; 3: record provenance;
/// 4: stored findings; 5: every record's event ID indexed; 6: a key's records indexed in delivery order; 7: every
/// key's typed order stored and indexed (keys.sort_key).
inline constexpr int kSchemaVersion = 7;
/// First schema version whose keys carry their typed order (keys.sort_key, keys_by_order, keys_all_by_order).
inline constexpr int kKeyOrderVersion = 7;
/// First schema version with the stored audit (findings, audit_coverage).
inline constexpr int kFindingsVersion = 4;
/// First schema version with record_provenance (where a record read from a log was logged).
inline constexpr int kProvenanceVersion = 3;
/// First schema version with the replay tables (replay_runs, replay_batches, replay_attempts, replay_records).
inline constexpr int kReplayTablesVersion = 2;
/// Oldest version a read-only open accepts. The versions since then add tables, indexes and one column (keys.sort_key),
/// so such a store reads the same less what it lacks (a version-1 store has no replay runs; a store before version 7
/// sorts its keys by value with streamscope_key_order()); anything written needs kSchemaVersion.
inline constexpr int kOldestReadableVersion = 1;
/// SQLite page size of a store this build creates (an existing store keeps its own; any size reads the same).
/// Records are ~2 KB rows: with 32 KiB pages an import writes, logs and checkpoints a third fewer bytes in a
/// fraction of the system calls of 4 KiB pages (README, Performance).
inline constexpr int kStorePageSize = 32768;

/// Checks the file is a Streamscope store this build understands and brings it to kSchemaVersion:
/// - an empty database is initialised (writable only);
/// - an older version is migrated in one transaction (writable only); a read-only open accepts an older store from
///   kOldestReadableVersion on as it is (below that it fails with a message asking to open it once read-write);
/// - a store lacking a table its version promises fails with Error::Kind::NotAStore;
/// - a newer version fails with Error::Kind::NewerVersion;
/// - another application's SQLite file, or a file that is not SQLite, fails with Error::Kind::NotAStore (and is
///   not modified);
/// - a new store gets pages of kStorePageSize bytes;
/// - a writable store is switched to journal_mode=WAL (persistent), so readers never block the importer.
[[nodiscard]] std::optional<Error> ensureSchema(Database& db);

/// Who writes stores in this process, e.g. "streamscope 0.1.0 (commit 1a2b3c4d5e6f)"; set once at start-up (the
/// application sets it from its version). Recorded in a store's meta table: `created_by` when the store is created,
/// `upgraded_by` when it is migrated, `last_written_by` whenever an import commits.
void setWriterIdentity(std::string identity);
[[nodiscard]] std::string writerIdentity();

/// Records writerIdentity() under `name` in the meta table (inside the caller's write transaction).
[[nodiscard]] std::optional<Error> recordWriter(Database& db, std::string_view name);

/// Which builds wrote the store, from its meta table: (name, identity) for created_by, upgraded_by and
/// last_written_by, in that order, those present only (a store made before they were recorded has none).
[[nodiscard]] Result<std::vector<std::pair<std::string, std::string>>> storeWriters(Database& db);

/// The columns of a `sources` row in the order sourceFromRow() reads them (for "SELECT " kSourceColumns " FROM ...").
#define STREAMSCOPE_SOURCE_COLUMNS                                                                                     \
    "id, path, size_bytes, content_hash, format, imported_at_us, inserted, duplicates, conflicts, skipped, status, "   \
    "messages"
/// Reads a `sources` row selected with STREAMSCOPE_SOURCE_COLUMNS (first column 0).
SourceInfo sourceFromRow(const Statement& st);

/// The store's user_version (0 for an empty file).
Result<int> schemaVersion(Database& db);

/// Whether the store has every table schema version `version` added: false for the replay tables
/// (kReplayTablesVersion) of an older store opened read-only. InvalidArgument for a version this build does not know.
Result<bool> hasTablesAddedIn(Database& db, int version);

/// Keys and images of a stored record are kept as a slice of its raw text (offset, length columns) or, when the
/// text is not a slice, in a text column of its own: for the three columns starting at `offColumn` (offset, length,
/// text) the part's text, nullopt when the record has no such part (an empty view when a slice lies outside `raw`).
std::optional<std::string_view> storedPart(const Statement& st, int offColumn, std::string_view raw);

} // namespace storage
