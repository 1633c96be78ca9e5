#pragma once

// The changelog's columns over a RAW layout (the data/ folder of DynamoDB incremental exports to S3, or a Firehose
// archive of Kinesis Data Streams for DynamoDB records), so that the changes view, the audit and the state of
// storage/sql/sqlgen.h run over the files where they are, without an import. Two statements:
//
//   streamscope_raw_lines   one row per line or record, in each dialect's own JSON functions: the table (an export
//                           line: --table, the lines do not name it; a Kinesis record: its tableName), the Keys as key
//                           text, the event name (an export line: INSERT / MODIFY / REMOVE from which images it has,
//                           as the importer derives them; a Kinesis record: its eventName), the time in µs (an export
//                           line: WriteTimestampMicros, {"N": …}, a number or a string; a Kinesis record:
//                           ApproximateCreationDateTime as the importer reads a number), the event ID and TTL flag
//                           (Kinesis: eventID, userIdentity), the images as JSON text with the top-level attribute
//                           names sorted, the changed names, the file and the line's place in it;
//   streamscope_changelog   those rows as the changelog's columns (portable SQL): no sequence number, arrival = the
//                           order the importer reads the lines in (files by path, lines in file order), the store's
//                           duplicate rule for records without sequence number (same content and the same event ID,
//                           or without one the same key and time: later copies get copy_no 1, 2, …), export lines
//                           compacted with window start NULL, Kinesis records not compacted.
//
// What is not the desktop's: images are canonical at the top level only (nested map names, set member order and
// number spelling are compared as written; DynamoDB writes them the same way for the same value, so an export's
// images compare as the desktop compares them unless a writer reorders them); the window start of a compacted line
// is NULL (not read from the manifest), so overlapping export windows are compared as the desktop compares lines
// imported before windows were kept (README, Beyond one machine). A Kinesis record's ApproximateCreationDateTime
// is read through the table definition's bigint: DuckDB drops a fraction and stops with an error on a string time,
// where the importer reads both.

#include <string>

#include "storage/sql/sqlgen.h"

namespace storage {

/// Whether `request` asks for the changes view, audit and state over raw files (a Kinesis archive, or an S3
/// incremental export with its table named; no --from-store types).
bool rawChangesAvailable(const SqlRequest& request);

/// CREATE VIEW streamscope_raw_lines over `rawTable` (the definition sqlgen.cpp prints for the source).
std::string rawLinesView(const SqlRequest& request, const std::string& rawTable);

/// CREATE VIEW streamscope_changelog over streamscope_raw_lines: the changelog's columns (portable SQL).
std::string rawChangelogView(SqlSource source, SqlDialect dialect);

} // namespace storage
