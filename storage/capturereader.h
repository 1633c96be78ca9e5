#pragma once

// Reading one capture file (any shape of FORMATS.md §0, plain or gzip) into normalised records, streaming:
// memory does not grow with the file size. No SQLite, no Qt.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/streamrecord.h"
#include "storage/capturetime.h"

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
    std::string keyCanonical; ///< model::canonicalJson(parseItem(Keys)): the key identity
    std::string keyDisplay;   ///< model::keyDisplayText(parseItem(Keys))

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

/// A record that was skipped (individually invalid).
struct RecordIssue
{
    std::int64_t recordIndex = 0;
    std::uint64_t byteOffset = 0;
    std::string reason;
};

/// Why a whole file could not be read.
struct FileFailure
{
    std::int64_t recordIndex = 0; ///< index of the record being read when it failed
    std::uint64_t byteOffset = 0; ///< where (decompressed byte offset)
    std::string reason;
};

struct ReadOptions
{
    std::string streamArn; ///< --stream-arn: for records without eventSourceARN
    std::string table;     ///< --table: for records that name no table
    /// Key attribute names for full-export lines ({"Item":…} carries no Keys). Empty: guessed from common
    /// names (pk/sk, PK/SK, id, Id, ID) and said so in the notes; lines without them are skipped.
    std::vector<std::string> keyAttributes;
};

class RecordNormalizer;

/// Pull reader over one file. Usage: open(); then readBatch() until it returns End or Failed.
class CaptureReader
{
public:
    explicit CaptureReader(ReadOptions options = {});
    ~CaptureReader();
    CaptureReader(const CaptureReader&) = delete;
    CaptureReader& operator=(const CaptureReader&) = delete;

    /// Opens a file (plain or gzip). A reader may be opened again for the next file: it keeps its buffers, parsers
    /// and decoded-Keys cache (an importer reading many small files reuses one reader).
    [[nodiscard]] std::optional<FileFailure> open(const std::string& path);
    /// Same, for a file's bytes already in memory (plain JSON, not gzip; `path` names it for messages and the
    /// table-from-file-name rule). `bytes` must stay valid until the next open() or the reader's destruction.
    void openBuffer(const std::string& path, std::string_view bytes);

    enum class Status { More, End, Failed };
    /// Appends up to `maxRecords` records (and any skipped-record issues) and returns More while the file
    /// has more. On Failed, `failure` says why; records already returned must then be discarded.
    Status readBatch(std::vector<CaptureRecord>& records, std::vector<RecordIssue>& issues, std::size_t maxRecords,
                     FileFailure& failure);

    /// After End, for a plain (not gzip) file read with open(): its content hash (storage::FileContentHasher),
    /// computed from the bytes as they were read. nullopt otherwise.
    std::optional<std::string> contentHash() const;

    std::uint64_t bytesTotal() const; ///< size on disk
    std::uint64_t bytesRead() const;  ///< disk bytes consumed so far
    std::int64_t recordsSeen() const; ///< records read or skipped so far
    bool compressed() const;

    /// Per-file description after End: the formats seen (with record counts; those of the skipped records when
    /// none was valid), notes worth telling the user
    /// (e.g. "no eventSourceARN: table 'x' named after the file"), and the reason when nothing in the file
    /// was a capture (responses, manifests, DescribeStream): empty if it was one.
    std::map<CaptureFormat, std::int64_t> formats() const;
    std::vector<std::string> notes() const;
    std::string notCaptureReason() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace storage
