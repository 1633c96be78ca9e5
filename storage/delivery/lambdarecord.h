#pragma once

// One record in the shape AWS Lambda delivers for a DynamoDB stream (FORMATS.md §1), as JSON text.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/streamrecord.h"

namespace storage {

/// Removes insignificant whitespace outside JSON strings; every token (numbers included) is kept byte for
/// byte. Returns the input unchanged if it is not well-formed enough to minify (unbalanced quotes).
std::string minifyJson(std::string_view json);

/// True if `rawJson` already is a Lambda DynamoDB stream record: an object whose `dynamodb` member is an
/// object with a string `SequenceNumber`, and whose eventSource (if present) is "aws:dynamodb" and which
/// carries no Kinesis-for-DynamoDB markers (`tableName`, `recordFormat`).
bool isLambdaDynamoRecord(std::string_view rawJson);

/// `awsRegion` of a raw record if it has one (any envelope), else "".
std::string rawRegion(std::string_view rawJson);

/// Fields Lambda always sends that a record did not carry and the export had to write (bit set).
enum SynthesizedField : std::uint16_t {
    SynthesizedEventId = 1u << 0,        ///< eventID: the sequence number
    SynthesizedEventVersion = 1u << 1,   ///< eventVersion: "1.1"
    SynthesizedEventSource = 1u << 2,    ///< eventSource: "aws:dynamodb"
    SynthesizedAwsRegion = 1u << 3,      ///< awsRegion: the store's / the ARN's region, else us-east-1
    SynthesizedEventSourceArn = 1u << 4, ///< eventSourceARN: the store's stream ARN, else a synthetic one
    SynthesizedSizeBytes = 1u << 5,      ///< dynamodb.SizeBytes: bytes of Keys + images as written
    SynthesizedStreamViewType = 1u << 6, ///< dynamodb.StreamViewType: the stream's, else named after the images
    SynthesizedSequenceNumber = 1u << 7, ///< dynamodb.SequenceNumber: 21-digit stand-in (Kinesis, exports,
                                         ///< placeholders such as "<sequence-number:1>")
    SynthesizedCreationTime = 1u << 8,   ///< dynamodb.ApproximateCreationDateTime was no number ("datetime") or
                                         ///< not whole seconds (Kinesis milliseconds): whole seconds of the stored
                                         ///< time, or left out when there is none
    SynthesizedEventName = 1u << 9,      ///< eventName: not delivered (exports) or changed (full-export item ->
                                         ///< INSERT)
};
inline constexpr std::uint16_t kSynthesizedFieldCount = 10;
/// "eventID", "eventVersion", ..., "dynamodb.SizeBytes", "dynamodb.StreamViewType", "dynamodb.SequenceNumber".
std::string_view synthesizedFieldName(std::uint16_t bit);

struct LambdaRecordJson
{
    std::string json;       ///< compact record JSON
    bool converted = false; ///< built from the normalised values (the source was not a Lambda record)
    bool syntheticSequenceNumber = false;
    std::uint16_t synthesized = 0; ///< SynthesizedField bits
};

struct ConversionDefaults
{
    std::string region = "us-east-1";    ///< used when neither the raw record nor the ARN names one
    bool regionKnown = false;            ///< region came from the store (else it is the us-east-1 fallback)
    std::string syntheticSequenceNumber; ///< used when the record has none (21+ digits)
};

/// Stream ARN of a record for batching and conversion: the record's own (the store's stream ARN: eventSourceARN,
/// or the import's --stream-arn), else a clearly synthetic stand-in derived from the table name
/// (`arn:aws:dynamodb:<region>:000000000000:table/<table>/stream/streamscope-synthetic`).
std::string effectiveStreamArn(const model::StreamRecord& record, std::string_view region);

/// The record as Lambda would deliver it: the raw text (minified, every token exact) when it is already
/// Lambda-shaped, with the fields Lambda always sends added when the record lacks them (GetRecords output has no
/// eventSourceARN; see SynthesizedField), else a conversion from the normalised record (Kinesis/export envelopes):
/// eventVersion "1.1", eventSource "aws:dynamodb", SNAPSHOT items become INSERTs with a NewImage, images written with
/// their delivered texts, ApproximateCreationDateTime in whole seconds.
LambdaRecordJson lambdaRecordJson(const model::StreamRecord& record, std::string_view rawJson,
                                  const ConversionDefaults& defaults);

/// lambdaRecordJson of a record delivered in Lambda's shape, written from the raw text and the record's metadata
/// alone (its Keys and images are not read, only whether each image is present: the same text as lambdaRecordJson);
/// nullopt when the raw text is not Lambda-shaped (lambdaRecordJson converts the decoded record then).
std::optional<LambdaRecordJson> lambdaRecordJsonFromRaw(const model::StreamRecord& metadata, std::string_view rawJson,
                                                        const ConversionDefaults& defaults);

/// Zero-padded 21-digit stand-in sequence number for position `n` of a converted stream.
std::string syntheticSequenceNumber(std::uint64_t n);

} // namespace storage
