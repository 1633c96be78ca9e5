#pragma once

// The changes view as files: `streamscope export --format changelog`. One JSON Lines row per delivery of a record
// (the stored record, and every later delivery of it the store counted as a duplicate or kept aside as a conflict),
// partitioned by table and hour of the record's creation time:
//
//   DIR/_schema.json
//   DIR/table=<T>/hour=<YYYY-MM-DD-HH>/part-00000.jsonl[.gz]     (hour=__HIVE_DEFAULT_PARTITION__ when no time)
//
// Row: {"table_name","item_key","event_name","seq","stream_arn","time_us","ttl","event_id","old_image","new_image",
//       "changed","arrival","copy_no","view_type","compacted","compacted_window_from_us"} (no SQL reserved words;
//       compacted: an S3 incremental export line; compacted_window_from_us: its window start, exportFromTime, null
//       when unknown and for other rows; _schema.json version 2 added it, a version 1 row lacks it).
//       Keys and images are canonical DynamoDB JSON text (model::canonicalJson: names sorted,
// numbers canonical, sets sorted), so equal items have equal text in any SQL engine; seq is the sequence number
// zero-padded to 48 digits (sorts as text); time_us is microseconds UTC; arrival is the store's arrival ordinal of
// the stored record (copies carry their original's) and copy_no counts its later deliveries (0 = the stored one).
// The SQL of storage/sql/sqlgen.h reads this layout.
//
//   auto report = storage::exportChangelog(store, selection, {.folder = "out", .gzip = true});

#include <cstdint>
#include <string>

#include "storage/delivery/lambdabatches.h"
#include "storage/delivery/selection.h"
#include "storage/store/store.h"

namespace storage {

inline constexpr int kChangelogSequenceDigits = 48;

struct ChangelogOptions
{
    std::string folder; ///< must not exist or be empty; written in a staging folder beside it and renamed at the end
    bool gzip = false;
};

struct ChangelogReport
{
    std::string folder;
    std::int64_t rows = 0;    ///< every row written
    std::int64_t records = 0; ///< rows of stored records (copy 0)
    std::int64_t copies = 0;  ///< rows of later deliveries (duplicates and conflicting copies)
    std::int64_t files = 0;   ///< part files (not _schema.json)
    std::int64_t partitions = 0;
};

/// `seq` of the changelog: digits without leading zeros, left-padded with zeros to kChangelogSequenceDigits;
/// "" for "" (no sequence number); nullopt when longer than that or not digits.
std::optional<std::string> sortableSequence(std::string_view sequenceNumber);

/// `hour` partition value of a time (`2024-01-02-03`), "__HIVE_DEFAULT_PARTITION__" for none.
std::string hourPartition(std::optional<std::int64_t> micros);

/// The `_schema.json` text.
std::string changelogSchemaJson();

/// Writes the selection's records as the changelog. Refuses a folder that exists and is not empty (nothing is
/// touched); on an error or cancel (progress returned false) nothing is left behind.
Result<ChangelogReport> exportChangelog(Store& store, const RecordSelection& selection, const ChangelogOptions& options,
                                        const DeliveryProgress& progress = {});

} // namespace storage
