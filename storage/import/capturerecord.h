#pragma once

// What reading a capture produces, shared by the file reader (storage/import/capturereader.h) and the piece
// normaliser (storage/import/recordnormalizer.h): the shape a record arrived in, one normalised record, a skipped
// record, a failed file, and the options that steer reading. No SQLite, no Qt.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/streamrecord.h"
#include "storage/import/capturetime.h"

namespace storage {

/// The shape a record arrived in (also used to describe a whole file).
enum class CaptureFormat : std::uint8_t {
    Unknown,
    LambdaDynamoDb,       ///< {"Records":[…]} Lambda event (incl. tumbling-window events)
    GetRecords,           ///< DynamoDB Streams GetRecords output / records without eventSourceARN
    KinesisLambda,        ///< Lambda Kinesis event whose base64 data holds a DynamoDB change record
    KinesisRecord,        ///< a decoded Kinesis Data Streams for DynamoDB record (tableName, recordFormat)
    EventBridgePipes,     ///< bare array of stream records
    EventBridgeEvent,     ///< {"detail-type":"Event from aws:dynamodb","detail":{…}}
    S3Incremental,        ///< {"Metadata":{"WriteTimestampMicros":…},"Keys":…}
    S3FullExport,         ///< {"Item":{…}} (imported as SNAPSHOT)
    OnFailureDestination, ///< S3 on-failure destination object with payload.Records
    BareRecord,           ///< single stream record object / JSON Lines of records
    EmbeddedRecords,      ///< stream records found nested in other JSON (localstack snapshot files)
};
std::string_view captureFormatText(CaptureFormat format); // "lambda-dynamodb", "getrecords", …

/// A slice of CaptureRecord::raw.
struct TextSpan
{
    std::size_t offset = 0;
    std::size_t length = 0;
};

/// One normalised stream record. Self-contained (owns its text) so it can cross threads.
struct CaptureRecord
{
    std::int64_t recordIndex = 0; ///< 0-based index of the record within its file
    std::uint64_t byteOffset = 0; ///< offset of the record's first byte in the decompressed file
    CaptureFormat format = CaptureFormat::Unknown;

    std::string raw;      ///< the record exactly as delivered (for KDS: the decoded DynamoDB record text)
    std::string envelope; ///< small JSON describing a wrapper ({"type":"kinesis",…}); "" when none

    std::string table;
    std::string streamArn; ///< "" when the source has none (GetRecords, KDS, exports, Pipes table ARN)
    std::string region;

    model::EventName eventName = model::EventName::Insert;
    std::string sequenceNumber; ///< digit string or "" (KDS, exports, placeholder values)
    std::string eventId;
    std::optional<std::int64_t> creationTimeMicros; ///< UTC µs
    std::string creationTimeText;                   ///< original token text (JSON number text or string contents)
    TimeUnit creationTimeUnit = TimeUnit::Unknown;
    model::ViewType viewType = model::ViewType::Unknown;
    bool ttl = false; ///< userIdentity {type Service, principalId dynamodb.amazonaws.com}
    std::optional<std::int64_t> sizeBytes;

    TextSpan keys;                    ///< Keys inside raw (unless builtKeys is set)
    std::string builtKeys;            ///< Keys assembled from a full-export Item (not a slice of raw)
    std::optional<TextSpan> newImage; ///< exact text inside raw, when present
    std::optional<TextSpan> oldImage;
    /// Read from a log: where it was logged, {"logGroup","logStream","logTimestamp","requestId"} (the members the
    /// log has); "" for records read from a capture.
    std::string logProvenance;
    bool reconstructed = false; ///< rebuilt from Python output (print(event)), not JSON as logged
    std::string keyCanonical;   ///< model::canonicalJson(parseItem(Keys)): the key identity
    std::string keyDisplay;     ///< model::keyDisplayText(parseItem(Keys))

    std::string_view slice(TextSpan span) const { return std::string_view(raw).substr(span.offset, span.length); }
    std::string_view keysJson() const { return builtKeys.empty() ? slice(keys) : std::string_view(builtKeys); }
    std::optional<std::string_view> newImageJson() const
    {
        return newImage ? std::optional<std::string_view>(slice(*newImage)) : std::nullopt;
    }
    std::optional<std::string_view> oldImageJson() const
    {
        return oldImage ? std::optional<std::string_view>(slice(*oldImage)) : std::nullopt;
    }
};

/// The text a record holds (what bounds the importer's batches and hand-over queue by bytes).
inline std::size_t heldBytes(const CaptureRecord& record)
{
    return record.raw.size() + record.builtKeys.size() + record.envelope.size();
}

/// A record that was skipped (individually invalid).
struct RecordIssue
{
    std::int64_t recordIndex = 0; ///< 0-based within the file (shown to people counted from 1)
    std::uint64_t byteOffset = 0; ///< where the problem is (decompressed byte offset)
    std::string reason;
    std::uint64_t line = 0; ///< of byteOffset, from 1 (0: unknown)
    std::uint64_t column = 0;
};

/// Why a whole file could not be read.
struct FileFailure
{
    std::int64_t recordIndex = 0; ///< 0-based index of the record being read when it failed (shown from 1)
    std::uint64_t byteOffset = 0; ///< where (decompressed byte offset)
    std::string reason;
    std::uint64_t line = 0; ///< of byteOffset, from 1 (0: unknown)
    std::uint64_t column = 0;
};

/// "record 3 at line 5, column 7 (byte 135)": records counted from 1 (recordIndex is 0-based), lines and columns
/// from 1 (column in bytes); "record 3 at byte 135" when the line is unknown. The one wording of every message.
std::string recordPositionText(std::int64_t recordIndex, std::uint64_t byteOffset, std::uint64_t line,
                               std::uint64_t column);
template<typename Issue>
std::string recordPositionText(const Issue& issue)
{
    return recordPositionText(issue.recordIndex, issue.byteOffset, issue.line, issue.column);
}

struct ReadOptions
{
    std::string streamArn; ///< --stream-arn: for records without eventSourceARN
    std::string table;     ///< --table: for records that name no table
    /// Key attribute names for full-export lines ({"Item":…} carries no Keys). Empty: guessed from common
    /// names (pk/sk, PK/SK, id, Id, ID) and said so in the notes; lines without them are skipped.
    std::vector<std::string> keyAttributes;
};

} // namespace storage
