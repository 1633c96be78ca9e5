#pragma once

// Schema of a .streamscope store: created and migrated forward through PRAGMA user_version; identified by
// PRAGMA application_id.

#include <cstdint>
#include <optional>

#include "storage/store/database.h"
#include "storage/store/storedrows.h"

namespace storage {

/// 'SSC1': marks an SQLite file as a Streamscope store.
inline constexpr std::int32_t kApplicationId = 0x53534331;
/// Schema version this build writes and reads.
inline constexpr int kSchemaVersion = 1;
/// SQLite page size of a store this build creates (an existing store keeps its own; any size reads the same).
/// Records are ~2 KB rows: with 32 KiB pages an import writes, logs and checkpoints a third fewer bytes in a
/// fraction of the system calls of 4 KiB pages (README, Performance).
inline constexpr int kStorePageSize = 32768;

/// Checks the file is a Streamscope store this build understands and brings it to kSchemaVersion:
/// - an empty database is initialised (writable only);
/// - an older version is migrated in one transaction (writable only; a read-only open of an older store fails
///   with a message asking to open it once read-write);
/// - a newer version fails with Error::Kind::NewerVersion;
/// - another application's SQLite file, or a file that is not SQLite, fails with Error::Kind::NotAStore (and is
///   not modified);
/// - a new store gets pages of kStorePageSize bytes;
/// - a writable store is switched to journal_mode=WAL (persistent), so readers never block the importer.
[[nodiscard]] std::optional<Error> ensureSchema(Database& db);

/// The columns of a `sources` row in the order sourceFromRow() reads them (for "SELECT " kSourceColumns " FROM ...").
#define STREAMSCOPE_SOURCE_COLUMNS                                                                                     \
    "id, path, size_bytes, content_hash, format, imported_at_us, inserted, duplicates, conflicts, skipped, status, "   \
    "messages"
/// Reads a `sources` row selected with STREAMSCOPE_SOURCE_COLUMNS (first column 0).
SourceInfo sourceFromRow(const Statement& st);

/// The store's user_version (0 for an empty file).
Result<int> schemaVersion(Database& db);

} // namespace storage
