#pragma once

// Turns one piece of capture text (from RecordSplitter) into normalised CaptureRecords: detects the shape
// (Lambda DynamoDB / GetRecords / Kinesis / EventBridge / S3 export / on-failure destination / nested
// snapshot), reads every field an importer needs with simdjson On-Demand, and keeps Keys and images as the
// exact text they were delivered in. Individually invalid records become RecordIssues.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/import/capturerecord.h"
#include "storage/import/recordsplitter.h"

namespace storage {

class RecordNormalizer
{
public:
    RecordNormalizer(ReadOptions options, std::string fileBaseName);
    ~RecordNormalizer();
    RecordNormalizer(const RecordNormalizer&) = delete;
    RecordNormalizer& operator=(const RecordNormalizer&) = delete;

    /// Starts over for another file (everything per file is forgotten), keeping what does not depend on the file:
    /// the parsers' buffers and the decoded-Keys cache.
    void reset(std::string fileBaseName);
    /// Gives skipped records their line and column (from the splitter that produced the pieces). Kept by reset().
    void setLocator(std::function<TextPosition(std::uint64_t offset)> locator);
    /// The stream ARN a GetRecords response names in its NextShardIterator (`arn:…:table/T/stream/L|…`), for records
    /// without eventSourceARN when --stream-arn and --table are not given (before the file name). Per file.
    void setIteratorStreamArn(std::string streamArn);

    /// Appends the records and issues of one piece. A returned failure means the file is not usable (the
    /// piece is not JSON).
    [[nodiscard]] std::optional<FileFailure> process(const SplitUnit& unit, std::vector<CaptureRecord>& records,
                                                     std::vector<RecordIssue>& issues);
    /// Appends an issue found outside the pieces (a log event that cannot be read), numbered like the records.
    void addIssue(std::uint64_t offset, std::string reason, std::vector<RecordIssue>& issues);
    /// Called once after the last piece: appends issues that were held back (top-level values that were not
    /// records, reported only when the file turned out to be a capture).
    void finish(std::vector<RecordIssue>& issues);

    std::int64_t recordsSeen() const;
    /// Shapes of the records read, with counts (of the skipped ones when no record was valid).
    std::map<CaptureFormat, std::int64_t> formats() const;
    std::vector<std::string> notes() const;
    std::string notCaptureReason() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace storage
