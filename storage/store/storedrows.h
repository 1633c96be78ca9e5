#pragma once

// Plain value types the store hands out and takes in. No SQLite, no Qt: the importer, the history/audit engine,
// the view models, the CLI and the export all use these.
//
// Times are UTC microseconds since the epoch (std::int64_t); "no time" is std::nullopt.
// Ids are the store's row ids (> 0). records.id is the arrival ordinal: dense 1..N in import order (rows are only
// ever removed by rolling back the newest import, so no gaps appear).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/streamrecord.h"

namespace storage {

/// File extension of a store, with the dot.
inline constexpr const char* kStoreExtension = ".streamscope";

enum class SourceStatus : std::uint8_t { InProgress, Complete, Failed, Cancelled };
/// "in_progress", "complete", "failed", "cancelled".
std::string_view sourceStatusText(SourceStatus status);
std::optional<SourceStatus> parseSourceStatus(std::string_view text);

/// The unit ApproximateCreationDateTime (or WriteTimestampMicros, exportTime) arrived in.
enum class TimeUnit : std::uint8_t { Unknown, Seconds, Milliseconds, Microseconds };
/// "", "s", "ms", "us".
std::string_view timeUnitText(TimeUnit unit);
std::optional<TimeUnit> parseTimeUnit(std::string_view text);

/// One imported capture file.
struct SourceInfo
{
    std::int64_t id = 0;
    std::string path;           ///< as given to the importer (absolute or relative)
    std::int64_t sizeBytes = 0; ///< file size on disk (compressed size for .gz)
    std::string contentHash;    ///< importer's hash of the file bytes (hex); re-import detection
    std::string format;         ///< detected shape, e.g. "lambda-dynamodb", "kinesis", "s3-incremental"
    std::int64_t importedAtMicros = 0;
    std::int64_t inserted = 0;   ///< records stored
    std::int64_t duplicates = 0; ///< records already in the store (listed in duplicates())
    std::int64_t conflicts = 0;  ///< same stream+sequence, different content (listed in conflicts())
    std::int64_t skipped = 0;    ///< individually invalid records (reasons in messages)
    SourceStatus status = SourceStatus::InProgress;
    std::string messages; ///< importer's notes, one per line (skipped records, assumptions such as
                          ///< "no eventSourceARN: table named after the file")
};

/// The line an incremental export's data file keeps in its source's messages (sources.messages: the schema has no
/// column for it) so that the history and audit know each line's window: "incremental export window from <µs> to
/// <µs> µs (<exportFromTime> .. <exportToTime>)" (`to` "?" when unknown).
std::string exportWindowNote(std::int64_t fromMicros, std::optional<std::int64_t> toMicros, std::string_view fromText,
                             std::string_view toText);
/// The window start exportWindowNote wrote into `messages` (one of its lines), nullopt if none.
std::optional<std::int64_t> exportWindowFrom(std::string_view messages);

/// One stream of a table. A table without a known stream ARN (GetRecords without ARN, Kinesis, exports) has one
/// stream with an empty ARN.
struct StreamInfo
{
    std::int64_t id = 0;
    std::int64_t tableId = 0;
    std::string tableName;
    std::string arn;                                     ///< "" when unknown
    std::string region;                                  ///< "" when unknown
    model::ViewType viewType = model::ViewType::Unknown; ///< of its first record that had one
    /// Every view type its records carry, in enum order, when there is more than one (a stream is one view type;
    /// several mean records of different streams or setups were stored under one ARN): empty otherwise.
    std::vector<model::ViewType> mixedViewTypes;
    std::int64_t recordCount = 0;
};

/// streams.view_type holds the stream's view type (the first known, bits 0-7) and, from bit 8 on, one bit per
/// view type its records carry (bit 8 + model::ViewType). Stores written before the bits hold the view type only.
std::int64_t streamViewColumn(std::int64_t column, model::ViewType seen);
model::ViewType streamViewType(std::int64_t column);
std::vector<model::ViewType> streamViewTypesSeen(std::int64_t column);

/// One table with its counts.
struct TableInfo
{
    std::int64_t id = 0;
    std::string name;
    std::int64_t recordCount = 0;
    std::int64_t keyCount = 0;
    std::optional<std::int64_t> firstTimeMicros;
    std::optional<std::int64_t> lastTimeMicros;
    std::vector<StreamInfo> streams;
};

/// One item key of a table (table + canonical Keys) with its counts.
struct KeyInfo
{
    std::int64_t id = 0;
    std::int64_t tableId = 0;
    std::string canonicalKeys; ///< model::canonicalJson(Keys): the key's identity within its table
    std::string displayText;   ///< model::keyDisplayText(Keys), e.g. "PK=USER#1, SK=2024"
    std::int64_t recordCount = 0;
    std::optional<std::int64_t> firstTimeMicros;
    std::optional<std::int64_t> lastTimeMicros; ///< "last change" (sortable)
};

/// Position a record came from.
struct RecordPosition
{
    std::int64_t sourceId = 0;
    std::int64_t recordIndex = 0; ///< 0-based index of the record within its file
    std::int64_t byteOffset = 0;  ///< offset of the record's first byte in the (decompressed) file
};

/// One stored stream record, as the history/audit engine, export and the GUI detail views need it.
struct RecordRow
{
    std::int64_t id = 0; ///< also the arrival ordinal
    std::int64_t tableId = 0;
    std::int64_t streamId = 0;
    std::int64_t keyId = 0;
    std::string tableName;
    std::string streamArn;
    std::string region;
    model::EventName eventName = model::EventName::Insert;
    std::string sequenceNumber; ///< digits as delivered, "" when the source has none
    std::string eventId;        ///< "" when none
    std::optional<std::int64_t> creationTimeMicros;
    TimeUnit timeUnit = TimeUnit::Unknown;
    std::string timeText;                  ///< the timestamp's original JSON text, e.g. "1.4E9"
    std::optional<std::int64_t> sizeBytes; ///< SizeBytes as delivered
    model::ViewType viewType = model::ViewType::Unknown;
    bool ttl = false;
    std::string shape;    ///< envelope the record arrived in (importer's name, e.g. "lambda-dynamodb")
    std::string keysJson; ///< Keys, exact DynamoDB JSON as delivered
    std::optional<std::string> newImageJson; ///< exact DynamoDB JSON as delivered; nullopt when absent
    std::optional<std::string> oldImageJson;
    RecordPosition position;
    std::string raw; ///< the record as delivered (only when asked for; "" otherwise)
    /// An S3 incremental export line (shape "s3-incremental"): the start of its export's window (exportFromTime,
    /// read from its data file's source, see exportWindowNote); nullopt for other records and for lines imported
    /// before the window was recorded. Filled by the history reads (keyHistory, forEachKeyHistory,
    /// historyRowsByIds with names) and Store::record.
    std::optional<std::int64_t> windowFromMicros;
    /// Read from a log (Store::record only): where it was logged, {"logGroup","logStream","logTimestamp",
    /// "requestId",…}; "" for a record from a capture file.
    std::string provenance;
};

/// A light row for big lists (events table): no images, no raw text.
struct RecordSummary
{
    std::int64_t id = 0;
    std::int64_t tableId = 0;
    std::int64_t keyId = 0;
    std::string tableName;
    std::string keyText; ///< KeyInfo::displayText
    model::EventName eventName = model::EventName::Insert;
    std::string sequenceNumber;
    std::string eventId;
    std::optional<std::int64_t> creationTimeMicros;
    std::optional<std::int64_t> sizeBytes;
    bool ttl = false;
};

/// A record delivered again (same stream + sequence number and same content; or, without sequence numbers,
/// same event ID and content). Not stored twice: this points at the stored record and where the copy was.
struct DuplicateRow
{
    std::int64_t id = 0;
    std::int64_t recordId = 0; ///< the stored original
    RecordPosition position;   ///< where the repeated copy was found
    // Of the stored original, for reports:
    std::int64_t tableId = 0;
    std::int64_t keyId = 0;
    std::string tableName;
    std::string keyText;
    std::string sequenceNumber;
    std::string eventId;
};

/// A record with the same stream + sequence number as a stored one but different content. Kept aside (not part
/// of any history), with everything needed to show or export it.
struct ConflictRow
{
    std::int64_t id = 0;
    std::int64_t existingRecordId = 0; ///< the stored record it collides with
    RecordPosition position;
    std::int64_t tableId = 0;
    std::int64_t streamId = 0;
    std::int64_t keyId = 0; ///< the key of the conflicting record (may differ from the stored one's)
    std::string tableName;
    std::string keyText;
    model::EventName eventName = model::EventName::Insert;
    std::string sequenceNumber;
    std::string eventId;
    std::optional<std::int64_t> creationTimeMicros;
    std::string keysJson;
    std::optional<std::string> newImageJson;
    std::optional<std::string> oldImageJson;
    std::string raw;
};

/// Store-wide totals.
struct StoreTotals
{
    std::int64_t records = 0;
    std::int64_t keys = 0;
    std::int64_t tables = 0;
    std::int64_t streams = 0;
    std::int64_t sources = 0; ///< complete sources
    std::int64_t duplicates = 0;
    std::int64_t conflicts = 0;
    std::int64_t skipped = 0;
    std::optional<std::int64_t> firstTimeMicros;
    std::optional<std::int64_t> lastTimeMicros;
};

/// Records per time bucket and event type (activity chart).
struct ActivityBucket
{
    std::int64_t startMicros = 0; ///< bucket = [startMicros, startMicros + bucketMicros)
    std::int64_t inserts = 0;
    std::int64_t modifies = 0;
    std::int64_t removes = 0; ///< including TTL removes
    std::int64_t ttlRemoves = 0;
    std::int64_t snapshots = 0;
    std::int64_t total() const { return inserts + modifies + removes + snapshots; }
};

} // namespace storage
