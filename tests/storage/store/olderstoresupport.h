#pragma once

// Stores of an older schema version for the migration tests: a current store turned back into what a build of
// version 1 (before the replay tables joined the schema), 3, 4, 5 or 6 left on disk. Header-only; storage/store only.

#include <QString>
#include <string>

#include "storage/store/database.h"

namespace olderstore {

/// The index version 5 changed, back as versions 1 to 4 made it (run inside a transaction).
inline constexpr const char* kVersion4EventIdIndex =
    "DROP INDEX records_by_event_id; CREATE INDEX records_by_event_id ON records(event_id) WHERE seq_sort IS NULL;";
/// The column and indexes version 7 added to keys, taken away as versions 1 to 6 made keys (run inside a transaction).
inline constexpr const char* kVersion6KeyOrder =
    "DROP INDEX keys_by_order; DROP INDEX keys_all_by_order; ALTER TABLE keys DROP COLUMN sort_key;";
/// The index version 6 changed, back as versions 1 to 5 made it (run inside a transaction).
inline constexpr const char* kVersion5KeyIndex =
    "DROP INDEX records_by_key; CREATE INDEX records_by_key ON records(key_id);";

/// Runs `sql` (which ends the transaction it begins) on the closed store at `path`, then checkpoints it so the file
/// alone holds the result. Returns an error message, empty on success.
inline QString rewrite(const std::string& path, const std::string& sql)
{
    auto db = storage::Database::open(path, storage::Database::OpenMode::ReadWriteExisting);
    if (!db)
        return QString::fromStdString(db.error().message);
    if (auto error = db->exec(sql + "PRAGMA wal_checkpoint(TRUNCATE);"))
        return QString::fromStdString(error->message);
    return {};
}

/// Turns the closed store at `path` into a version-1 store, its data kept. `keepReplayTables`: as a version-1 build
/// left it after recording a replay (the replay tables made on first use, outside the versioned schema). Returns an
/// error message, empty on success.
inline QString toVersion1(const std::string& path, bool keepReplayTables = false)
{
    std::string sql = std::string("BEGIN;") + kVersion6KeyOrder + kVersion5KeyIndex // version 6
        + kVersion4EventIdIndex                                                     // version 5
        + "DROP TABLE IF EXISTS findings; DROP TABLE IF EXISTS audit_coverage;"     // version 4
          "DROP TABLE IF EXISTS record_provenance;";                                // version 3
    if (!keepReplayTables)
        sql +=
            "DROP TABLE replay_records; DROP TABLE replay_attempts; DROP TABLE replay_batches; DROP TABLE replay_runs;";
    sql += "PRAGMA user_version = 1; UPDATE meta SET value = 'streamscope schema 1' WHERE name = 'schema_written_by';"
           "COMMIT;";
    return rewrite(path, sql);
}

/// Turns the closed store at `path` into a version-3 store (before the stored findings), its data kept. Returns an
/// error message, empty on success.
inline QString toVersion3(const std::string& path)
{
    return rewrite(path,
                   std::string("BEGIN;") + kVersion6KeyOrder + kVersion5KeyIndex + kVersion4EventIdIndex
                       + "DROP TABLE findings; DROP TABLE audit_coverage; PRAGMA user_version = 3; "
                         "UPDATE meta SET value = 'streamscope schema 3' WHERE name = 'schema_written_by'; COMMIT;");
}

/// Turns the closed store at `path` into a version-4 store (before version 5 indexed every record's event ID), its
/// data and findings kept. Returns an error message, empty on success.
inline QString toVersion4(const std::string& path)
{
    return rewrite(path,
                   std::string("BEGIN;") + kVersion6KeyOrder + kVersion5KeyIndex + kVersion4EventIdIndex
                       + "PRAGMA user_version = 4; "
                         "UPDATE meta SET value = 'streamscope schema 4' WHERE name = 'schema_written_by'; COMMIT;");
}

/// Turns the closed store at `path` into a version-5 store (before version 6 ordered records_by_key by delivery),
/// its data and findings kept. Returns an error message, empty on success.
inline QString toVersion5(const std::string& path)
{
    return rewrite(path,
                   std::string("BEGIN;") + kVersion6KeyOrder + kVersion5KeyIndex
                       + "PRAGMA user_version = 5; "
                         "UPDATE meta SET value = 'streamscope schema 5' WHERE name = 'schema_written_by'; COMMIT;");
}

/// Turns the closed store at `path` into a version-6 store (before version 7 stored each key's typed order), its
/// data and findings kept. Returns an error message, empty on success.
inline QString toVersion6(const std::string& path)
{
    return rewrite(path,
                   std::string("BEGIN;") + kVersion6KeyOrder
                       + "PRAGMA user_version = 6; "
                         "UPDATE meta SET value = 'streamscope schema 6' WHERE name = 'schema_written_by'; COMMIT;");
}

} // namespace olderstore
