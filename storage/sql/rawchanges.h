#pragma once

// The changelog's columns over a RAW layout (the data/ folder of DynamoDB incremental exports to S3, of a full export
// (with, optionally, the incremental export after it), or a Firehose archive of Kinesis Data Streams for DynamoDB
// records), so that the changes view, the audit and the state of storage/sql/sqlgen.h run over the files where they
// are, without an import. Two statements (DuckDB: after the macro streamscope_canonical_json):
//
//   streamscope_raw_lines   one row per line, item or record, in each dialect's own JSON functions: the table (an
//                           export: --table, its files do not name it; a Kinesis record: its tableName), the Keys as
//                           key text (a full export's Item: its --key-attributes), the event name (an export line:
//                           INSERT / MODIFY / REMOVE from which images it has, as the importer derives them; a full
//                           export's Item: SNAPSHOT; a Kinesis record: its eventName), the time in µs (an export
//                           line: WriteTimestampMicros, {"N": …}, a number or a string; an Item: --export-time; a
//                           Kinesis record: ApproximateCreationDateTime as the importer reads a number), the event
//                           ID and TTL flag (Kinesis: eventID, userIdentity), the images as JSON text with the
//                           attribute names sorted (DuckDB: at every level, the others: the top level), the changed
//                           names, whether the row is a compacted export line and its window start (--window-from),
//                           the file and the line's place in it;
//   streamscope_changelog   those rows as the changelog's columns (portable SQL): no sequence number, arrival = the
//                           order the importer reads the lines in (files by path, lines in file order), the store's
//                           duplicate rule for records without sequence number (same content and the same event ID,
//                           or without one the same key and time: later copies get copy_no 1, 2, …).
//
// What is not the desktop's: images are canonical as the desktop compares them (names sorted, numbers by value, sets
// as sets, strings by value) only in DuckDB and only kCanonicalDepth JSON levels deep (a deeper image: the row's
// not_canonical); Athena, Trino and Spark sort the top-level names, make the top-level numbers (N) canonical
// (portableCanonicalNumber) and sort the members of top-level sets, each once, NS members made canonical numbers
// first (portableCanonicalSetMembers), and compare nested M and L values, and the numbers and sets in them, as written
// (no recursion in their SQL; DynamoDB writes them the same way for the same value, so an export's images compare as
// the desktop compares them unless a writer reorders or respells them); B and BS compare as their base64 text; the
// window start of compacted lines is one constant per export (--window-from, not read from the manifest; NULL without
// it, so a full export inside a window is then compared as the desktop compares lines imported before windows were
// kept: README, Beyond one machine). A Kinesis record's ApproximateCreationDateTime is read through the table
// definition's bigint: DuckDB drops a fraction and stops with an error on a string time, where the importer reads both.

#include <string>
#include <string_view>
#include <vector>

#include "storage/sql/sqlgen.h"

namespace storage {

/// JSON nesting the DuckDB canonical form sorts: the item's attributes, their values and 16 levels of M and L below
/// them (each two JSON levels: the {"M": …} value and its members); deeper objects and arrays are written as
/// kTooDeepMarker and their text (the row's not_canonical). DynamoDB allows 32 levels, but DuckDB binds the unrolled
/// macro into every query over the view (README, Beyond one machine: 66 levels did not finish a test's 500-line
/// export in 5 minutes on the loaded shared machine).
inline constexpr int kCanonicalDepth = 34;

/// Whether `request` asks for the changes view, audit and state over raw files (a Kinesis archive, an S3
/// incremental export with its table named, or a full export with its table, key attributes and export time; no
/// --from-store types).
bool rawChangesAvailable(const SqlRequest& request);

/// DuckDB only: CREATE MACRO streamscope_canonical_number(t): the canonical text of a DynamoDB number as
/// model::canonicalNumber gives it ("1.0", "1E0", "01" -> "1"), the text itself when it is no number.
std::string canonicalNumberMacro();

/// The canonical text of the DynamoDB number text `text` (an SQL expression), as canonicalNumberMacro gives it, in
/// functions DuckDB, Athena/Trino and Spark SQL share (regexp_extract, regexp_replace, substr, rpad, concat): what
/// Athena, Trino and Spark apply to the top-level numbers of images and Keys (they have no recursion for the levels
/// below). Executed by the tests on DuckDB only.
std::string portableCanonicalNumber(const std::string& text, SqlDialect dialect);

/// The members of a DynamoDB set (`members`: an SQL array of their texts) sorted and each once, as
/// streamscope_canonical_json writes a set's members, in functions DuckDB, Athena/Trino and Spark SQL share
/// (array_distinct, array_sort; with `numbers`, for NS, transform with portableCanonicalNumber first: DuckDB names it
/// list_transform): what Athena, Trino and Spark apply to the top-level sets of images and Keys. Executed by the tests
/// on DuckDB only.
std::string portableCanonicalSetMembers(const std::string& members, bool numbers, SqlDialect dialect);

/// What the DuckDB canonical form writes, followed by the text as written (a JSON string) and "}", in place of an
/// object or array nested deeper than kCanonicalDepth JSON levels.
inline constexpr std::string_view kTooDeepMarker = "{\"streamscope:not-canonical\":";

/// DuckDB only: CREATE MACRO streamscope_canonical_json(j): the JSON text of `j` with the members of every object
/// sorted by name, DynamoDB numbers (a member "N" holding a string) canonical, sets (members "SS", "NS", "BS"
/// holding an array) sorted with each member once, strings re-encoded from their value, kCanonicalDepth levels deep
/// (array elements stay in order; deeper: kTooDeepMarker); NULL for NULL. Uses streamscope_canonical_number.
std::string canonicalJsonMacro();

/// CREATE VIEW streamscope_raw_lines over `rawTable` (the definition sqlgen.cpp prints for the source) and, for a
/// full export followed by incremental ones, `incrementalTables` (one per request.incrementalExports entry, in its
/// order; empty when none).
std::string rawLinesView(const SqlRequest& request, const std::string& rawTable,
                         const std::vector<std::string>& incrementalTables);

/// CREATE VIEW streamscope_changelog over streamscope_raw_lines: the changelog's columns (portable SQL).
std::string rawChangelogView(SqlDialect dialect);

} // namespace storage
