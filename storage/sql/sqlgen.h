#pragma once

// The SQL `streamscope sql` prints: table definitions for a data layout, the normalised changes view, the audit as
// SQL (window functions per key in stream order) and the state at a time, for DuckDB, Athena, Trino and Spark SQL.
//
//   storage::SqlRequest req;  req.dialect = storage::SqlDialect::DuckDb;  req.location = "out/";
//   std::string sql = storage::generateSql(req);   // statements separated by ";\n"
//
// The changes view reads the changelog layout (storage/sql/changelog.h), or the lines of S3 incremental exports, the
// items of a full export (and the incremental export after it) or the records of a Kinesis archive given the
// changelog's columns (storage/sql/rawchanges.h). The audit reports the kinds
// the desktop audit (model/audit.h) reports, with the same names and severities, where SQL can say them: gap,
// duplicate, conflict, orphan-start, insert-over-existing, modify-after-remove, remove-of-absent, ttl-remove,
// out-of-order-arrival, time-regression, mixed-view-types, with the desktop's compacted-window rule (a compacted
// export line whose window began before the previous record is not compared with it: window_spans_previous in
// streamscope_audit_steps). Not in SQL: invalid-value, js-unsafe-number (they decode
// every value by DynamoDB's and JavaScript's number rules, which no engine's SQL has), key-mismatch (the desktop's
// value checks skip repeated images; key names in JSON text need per-engine functions), reused-event-id
// (the desktop reports it at the second record in its key-by-key scan order, which has no SQL equivalent); sqlgen.cpp's
// comments and the generated text say so too.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sql/seentypes.h"

namespace storage {

enum class SqlDialect : std::uint8_t { DuckDb, Athena, Trino, Spark };
std::optional<SqlDialect> parseSqlDialect(std::string_view text); // "duckdb", "athena", "trino", "spark"
std::string_view sqlDialectText(SqlDialect dialect);

enum class SqlSource : std::uint8_t {
    Changelog, ///< streamscope export --format changelog: definitions, changes view, audit, state
    /// a DynamoDB incremental export's data/ folder: the table definition; with `table` (and no `seen`) also the
    /// changes view, audit and state over its lines (storage/sql/rawchanges.h)
    S3Incremental,
    /// a DynamoDB full export's data/ folder: the table definition; with `table`, `keyAttributes` and
    /// `exportTimeMicros` (and no `seen`) also the changes view, audit and state over its items (SNAPSHOT records at
    /// the export time, as the importer reads them), and over the lines of the `incrementalExports` after it
    S3Full,
    /// Kinesis Data Streams for DynamoDB records archived to S3 (Firehose: JSON objects, newline-separated or
    /// concatenated, under YYYY/MM/DD/HH/): the table definition; without `seen` also the changes view, audit and
    /// state over its records (storage/sql/rawchanges.h)
    KinesisArchive,
};
/// "changelog", "s3-incremental", "s3-full", "kinesis-archive"
std::optional<SqlSource> parseSqlSource(std::string_view text);
std::string_view sqlSourceText(SqlSource source);

struct SqlRequest
{
    SqlDialect dialect = SqlDialect::DuckDb;
    SqlSource source = SqlSource::Changelog;
    std::string location; ///< folder or URI of the layout (s3://bucket/prefix/, /path/out)
    std::string table;    ///< only this table ("" = all); for s3-incremental the exported table (the lines lack it)
    std::optional<std::int64_t> atMicros; ///< state at this time (nullopt: the latest time in the data)
    /// --from-store: the types a store has seen. Changelog: a typed versions view per table (the image as nested
    /// struct). S3 exports: Keys/NewImage/OldImage/Item as nested struct columns of the table seen (`table`, or
    /// the store's only table). Without it: images as JSON text (the generic form).
    std::optional<SeenTypes> seen;
    /// s3-full: the table's key attribute names (partition key, then sort key): a full export's Items carry no Keys
    std::vector<std::string> keyAttributes;
    /// s3-full: the export's exportTime (manifest-summary.json), the time of its SNAPSHOT records
    std::optional<std::int64_t> exportTimeMicros;
    /// An incremental export after a full export (s3-full): its data/ folder and its exportFromTime
    /// (manifest-summary.json), the window start of its compacted lines (compacted_window_from_us; nullopt: NULL,
    /// the line is compared with any record before it).
    struct IncrementalExport
    {
        std::string location;
        std::optional<std::int64_t> windowFromMicros;
    };
    /// s3-full: the incremental exports after the full export (none: the full export alone); s3-incremental: those
    /// after `location`'s export. Each with its own window start; their lines join the history
    std::vector<IncrementalExport> incrementalExports;
    /// s3-incremental: `location`'s export's exportFromTime, the window start of its compacted lines; nullopt: NULL,
    /// every line is compared. (The exports after it: IncrementalExport::windowFromMicros, one per export.)
    std::optional<std::int64_t> windowFromMicros;
};

/// One statement of the generated text.
struct SqlStatement
{
    std::string comment; ///< printed above it as `-- ` lines
    std::string sql;     ///< without the trailing ';'
    bool query = false;  ///< a SELECT meant to be run and read (audit findings, state), not a definition
    /// In the SQL subset DuckDB, Athena (Trino), Trino and Spark SQL share (the views and queries): the tests parse
    /// these with DuckDB for every dialect. False for the dialect's own table definitions.
    bool portable = false;
    std::string name; ///< what it defines or asks ("streamscope_changes", "audit", "state")
};

/// The statements in order; InvalidArgument-style message when the request cannot be served.
struct SqlScript
{
    std::vector<SqlStatement> statements;
    std::string text() const; ///< comments and statements, each ending in ";\n"
};

/// The script, or why not (a location with a quote, ...).
std::optional<SqlScript> generateSql(const SqlRequest& request, std::string* error);

/// A SQL string literal: 'it''s' ('it\\'s' for Spark SQL).
std::string sqlString(std::string_view text, SqlDialect dialect);

} // namespace storage
