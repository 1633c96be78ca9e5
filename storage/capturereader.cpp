#include "storage/capturereader.h"

#include "storage/inputfile.h"
#include "storage/recordnormalizer.h"
#include "storage/recordsplitter.h"

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

struct CaptureReader::Impl
{
    ReadOptions options;
    InputFile file;
    std::unique_ptr<RecordSplitter> splitter;
    std::unique_ptr<RecordNormalizer> normalizer;
    SplitUnit unit;
    bool finished = false;
};

CaptureReader::CaptureReader(ReadOptions options)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->options = std::move(options);
}

CaptureReader::~CaptureReader() = default;

std::optional<FileFailure> CaptureReader::open(const std::string& path)
{
    Impl& d = *m_impl;
    if (auto error = d.file.open(path))
        return FileFailure{0, 0, error->message};
    d.splitter = std::make_unique<RecordSplitter>(
        [&file = d.file](char* buffer, std::size_t capacity, std::string& message) -> std::optional<std::size_t> {
            InputError error;
            auto got = file.read(buffer, capacity, error);
            if (!got)
                message = error.message;
            return got;
        });
    d.normalizer = std::make_unique<RecordNormalizer>(d.options, captureBaseName(path));
    d.finished = false;
    return std::nullopt;
}

CaptureReader::Status CaptureReader::readBatch(std::vector<CaptureRecord>& records, std::vector<RecordIssue>& issues,
                                               std::size_t maxRecords, FileFailure& failure)
{
    Impl& d = *m_impl;
    if (!d.splitter) {
        failure = {0, 0, "file not open"};
        return Status::Failed;
    }
    if (d.finished)
        return Status::End;
    const std::size_t start = records.size();
    while (records.size() - start < maxRecords) {
        SplitError error;
        switch (d.splitter->next(d.unit, error)) {
        case RecordSplitter::Result::End:
            d.normalizer->finish(issues);
            d.finished = true;
            return Status::End;
        case RecordSplitter::Result::Error:
            failure = {d.normalizer->recordsSeen(), error.unitOffset, error.message};
            if (error.offset != error.unitOffset && error.message.find("byte") == std::string::npos)
                failure.reason += " at byte " + std::to_string(error.offset);
            return Status::Failed;
        case RecordSplitter::Result::Unit:
            if (auto failed = d.normalizer->process(d.unit, records, issues)) {
                failure = *failed;
                return Status::Failed;
            }
            break;
        }
    }
    return Status::More;
}

std::uint64_t CaptureReader::bytesTotal() const
{
    return m_impl->file.sizeOnDisk();
}

std::uint64_t CaptureReader::bytesRead() const
{
    return m_impl->file.diskPosition();
}

std::int64_t CaptureReader::recordsSeen() const
{
    return m_impl->normalizer ? m_impl->normalizer->recordsSeen() : 0;
}

bool CaptureReader::compressed() const
{
    return m_impl->file.isCompressed();
}

std::map<CaptureFormat, std::int64_t> CaptureReader::formats() const
{
    return m_impl->normalizer ? m_impl->normalizer->formats() : std::map<CaptureFormat, std::int64_t>{};
}

std::vector<std::string> CaptureReader::notes() const
{
    return m_impl->normalizer ? m_impl->normalizer->notes() : std::vector<std::string>{};
}

std::string CaptureReader::notCaptureReason() const
{
    return m_impl->normalizer ? m_impl->normalizer->notCaptureReason() : std::string();
}

} // namespace storage
