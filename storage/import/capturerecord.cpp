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

} // namespace storage
