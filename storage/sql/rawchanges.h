#pragma once

// The changelog's columns over a RAW layout (today: the data/ folder of DynamoDB incremental exports to S3), so that
// the changes view, the audit and the state of storage/sql/sqlgen.h run over the files where they are, without an
// import. Two statements:
//
//   streamscope_raw_lines   one row per export line, in each dialect's own JSON functions: the table (--table: the
//                           lines do not name it), the Keys as key text, INSERT / MODIFY / REMOVE from which images
//                           the line has (as the importer derives them), WriteTimestampMicros as µs ({"N": …}, a
//                           number or a string), the images as JSON text with the top-level attribute names sorted,
//                           the changed names, the file and the line's place in it;
//   streamscope_changelog   those rows as the changelog's columns (portable SQL): no sequence number, arrival = the
//                           order the importer reads the lines in (files by path, lines in file order), the store's
//                           duplicate rule for records without sequence number or event ID (same key, same time, same
//                           content: later copies get copy_no 1, 2, …), every line compacted, window start NULL.
//
// What is not the desktop's: images are canonical at the top level only (nested map names, set member order and
// number spelling are compared as written; DynamoDB writes them the same way for the same value, so an export's
// images compare as the desktop compares them unless a writer reorders them); the window start of a compacted line
// is NULL (not read from the manifest), so overlapping export windows are compared as the desktop compares lines
// imported before windows were kept (README, Beyond one machine).

#include <string>

#include "storage/sql/sqlgen.h"

namespace storage {

/// Whether `request` asks for the changes view, audit and state over raw files (a raw source this file knows, a
/// table named, no --from-store types).
bool rawChangesAvailable(const SqlRequest& request);

/// CREATE VIEW streamscope_raw_lines over `rawTable` (the definition sqlgen.cpp prints for the source).
std::string rawLinesView(const SqlRequest& request, const std::string& rawTable);

/// CREATE VIEW streamscope_changelog over streamscope_raw_lines: the changelog's columns (portable SQL).
std::string rawChangelogView(SqlDialect dialect);

} // namespace storage
