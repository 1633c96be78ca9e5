#pragma once

// One record in the shape AWS Lambda delivers for a DynamoDB stream (FORMATS.md §1), as JSON text.

#include <cstdint>
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

struct LambdaRecordJson
{
    std::string json;       ///< compact record JSON
    bool converted = false; ///< built from the normalised values (the source was not a Lambda record)
    bool syntheticSequenceNumber = false;
};

struct ConversionDefaults
{
    std::string region = "us-east-1";    ///< used when neither the raw record nor the ARN names one
    std::string syntheticSequenceNumber; ///< used when the record has none (21+ digits)
};

/// Stream ARN of a record for batching and conversion: the record's own, else a stand-in derived from the
/// table name (`arn:aws:dynamodb:<region>:000000000000:table/<table>/stream/streamscope-converted`).
std::string effectiveStreamArn(const model::StreamRecord& record, std::string_view region);

/// The record as Lambda would deliver it: the raw text (minified, every token exact) when it is already
/// Lambda-shaped, else a conversion from the normalised record (Kinesis/export envelopes): eventVersion
/// "1.1", eventSource "aws:dynamodb", SNAPSHOT items become INSERTs with a NewImage, images written with
/// their delivered texts, ApproximateCreationDateTime in whole seconds.
LambdaRecordJson lambdaRecordJson(const model::StreamRecord& record, std::string_view rawJson,
                                  const ConversionDefaults& defaults);

/// Zero-padded 21-digit stand-in sequence number for position `n` of a converted stream.
std::string syntheticSequenceNumber(std::uint64_t n);

} // namespace storage
