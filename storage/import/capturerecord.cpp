#include "storage/import/capturerecord.h"

namespace storage {

std::string_view captureFormatText(CaptureFormat format)
{
    switch (format) {
    case CaptureFormat::Unknown:
        return "unknown";
    case CaptureFormat::LambdaDynamoDb:
        return "lambda-dynamodb";
    case CaptureFormat::GetRecords:
        return "getrecords";
    case CaptureFormat::KinesisLambda:
        return "lambda-kinesis";
    case CaptureFormat::KinesisRecord:
        return "kinesis-record";
    case CaptureFormat::EventBridgePipes:
        return "eventbridge-pipes";
    case CaptureFormat::EventBridgeEvent:
        return "eventbridge-event";
    case CaptureFormat::S3Incremental:
        return "s3-incremental";
    case CaptureFormat::S3FullExport:
        return "s3-full";
    case CaptureFormat::OnFailureDestination:
        return "on-failure-destination";
    case CaptureFormat::BareRecord:
        return "bare-record";
    case CaptureFormat::EmbeddedRecords:
        return "embedded";
    }
    return "unknown";
}

std::string recordPositionText(std::int64_t recordIndex, std::uint64_t byteOffset, std::uint64_t line,
                               std::uint64_t column)
{
    std::string text = "record " + std::to_string(recordIndex + 1) + " at ";
    if (line > 0)
        text += "line " + std::to_string(line) + ", column " + std::to_string(column) + " (byte "
            + std::to_string(byteOffset) + ")";
    else
        text += "byte " + std::to_string(byteOffset);
    return text;
}

} // namespace storage
