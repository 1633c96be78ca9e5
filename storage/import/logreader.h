#pragma once

// Captures from logs (issue 20): reads a Lambda function's log as it comes out of CloudWatch Logs, `aws logs`,
// a CloudWatch export to S3 or a subscription filter, and hands on the stream events logged in it (the JSON text
// of each, with the log event's provenance) for the RecordNormalizer to read like any capture. Log events that
// hold an event which cannot be recovered (cut by CloudWatch's 256 KB limit, Node inspect output, JSON that is
// not valid) become issues with their position; what was lost is counted. Streaming: one log event (or one JSON
// document of an `aws logs` / subscription output) in memory at a time. No SQLite, no Qt.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "storage/import/capturerecord.h"
#include "storage/import/recordsplitter.h"

namespace storage {

/// The largest CloudWatch Logs event: 256 KB, counted as the message's UTF-8 bytes plus 26.
inline constexpr std::size_t kCloudWatchEventBytes = 262144;
inline constexpr std::size_t kCloudWatchEventOverhead = 26;

/// What a log tells about one logged event (empty where the shape has nothing).
struct LogProvenance
{
    std::string logGroup;
    std::string logStream;
    std::string logTimestamp; ///< as the log gives it (ISO-8601), or the epoch milliseconds made ISO-8601 UTC
    std::string requestId;
    bool reconstructed = false; ///< the record was rebuilt from Python output (print(event)), not logged as JSON
    bool empty() const
    {
        return logGroup.empty() && logStream.empty() && logTimestamp.empty() && requestId.empty() && !reconstructed;
    }
    /// {"logGroup":…,"logStream":…,"logTimestamp":…,"requestId":…,"reconstructedFrom":"python-repr"} with the
    /// members that are set.
    std::string json() const;
};

/// Counts over one log file (FileImportResult::log).
struct LogStats
{
    std::set<std::string> shapes;     ///< "lambda-node-text", "aws-logs-tail-detailed", "subscription-firehose", …
    std::int64_t logEvents = 0;       ///< log events read (lines, messages)
    std::int64_t events = 0;          ///< log events that held a stream event (whole or not)
    std::int64_t truncated = 0;       ///< events cut by CloudWatch Logs' 256 KB limit
    std::int64_t unrecoverable = 0;   ///< events that could not be read (truncated ones included)
    std::int64_t reconstructed = 0;   ///< records rebuilt from Python output
    std::int64_t controlMessages = 0; ///< subscription CONTROL_MESSAGEs skipped
    std::int64_t localTimes = 0;      ///< printed datetimes with tzinfo=tzlocal() (or none): zone unknown
    std::string shapeText() const;    ///< the shapes joined by '+'
};

/// One thing the log reader found.
struct LogItem
{
    enum class Kind { Event, Issue };
    Kind kind = Kind::Event;
    std::string text;            ///< Event: the logged event's JSON (capacity >= size + kUnitPadding)
    std::uint64_t offset = 0;    ///< file offset of text[0] when verbatim, else of the log event
    bool verbatim = true;        ///< text is a slice of the file (offsets inside it are file offsets)
    bool recordsElement = false; ///< a whole record from before a CloudWatch cut (not a whole event)
    bool reconstructed = false;  ///< rebuilt from Python output (not JSON as logged)
    LogProvenance provenance;
    std::string reason; ///< Issue
};

class LogReader
{
public:
    using Source = RecordSplitter::Source;

    LogReader();
    ~LogReader();
    LogReader(const LogReader&) = delete;
    LogReader& operator=(const LogReader&) = delete;

    /// Whether a file whose (decompressed) first bytes are `head` is a log this reader reads (and not a capture
    /// the RecordSplitter reads).
    static bool looksLikeLog(std::string_view head);

    /// Starts on a file; `path` names the log stream of a CloudWatch export (its folder).
    void reset(Source source, const std::string& path);

    enum class Result { Item, End, Error };
    /// The next event or issue; Error (with `failure`) when the file cannot be read.
    Result next(LogItem& item, FileFailure& failure);

    /// Line and column of a file offset in the log event read last (0 when unknown).
    TextPosition position(std::uint64_t offset) const;
    const LogStats& stats() const;
    std::uint64_t bytesConsumed() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace storage
