#include "storage/import/capturereader.h"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "storage/import/contenthash.h"
#include "storage/import/inputfile.h"
#include "storage/import/logreader.h"
#include "storage/import/recordnormalizer.h"
#include "storage/import/recordsplitter.h"

namespace storage {

namespace {

// A GetRecords response ends with `"NextShardIterator": "arn:aws:dynamodb:R:A:table/T/stream/L|1|…"` (the
// iterator names its stream): that stream ARN, or "" when there is none (the member is found as the last one of
// the response; only its string value is read).
std::string iteratorStreamArn(std::string_view bytes)
{
    constexpr std::string_view key = "\"NextShardIterator\"";
    const auto at = bytes.rfind(key);
    if (at == std::string_view::npos)
        return {};
    std::size_t p = at + key.size();
    bool colon = false;
    while (p < bytes.size()
           && (bytes[p] == ' ' || bytes[p] == '\t' || bytes[p] == '\r' || bytes[p] == '\n'
               || (bytes[p] == ':' && !colon))) {
        colon = colon || bytes[p] == ':';
        ++p;
    }
    if (!colon || p >= bytes.size() || bytes[p] != '"')
        return {};
    const auto end = bytes.find_first_of("\"|\\", p + 1);
    if (end == std::string_view::npos || bytes[end] != '|')
        return {};
    std::string arn(bytes.substr(p + 1, end - p - 1));
    if (arn.rfind("arn:", 0) != 0 || arn.find(":table/") == std::string::npos
        || arn.find("/stream/") == std::string::npos)
        return {};
    return arn;
}

} // namespace

struct CaptureReader::Impl
{
    ReadOptions options;
    InputFile file;
    std::string_view memory; // openBuffer(): the file's bytes
    std::size_t memoryPos = 0;
    bool fromMemory = false;
    std::unique_ptr<RecordSplitter> splitter;
    std::unique_ptr<RecordNormalizer> normalizer;
    FileContentHasher hasher; // open(): the bytes read, when the file is plain
    SplitUnit unit;
    bool opened = false;
    bool finished = false;
    // Logs (LogReader): the first bytes are read to tell a log from a capture, then served again.
    std::string head;
    std::size_t headPos = 0;
    std::unique_ptr<LogReader> log;
    bool logMode = false;
    std::string marker;                    // a file that is neither (the CloudWatch export write-test object): why
    std::int64_t reconstructedRecords = 0; // log mode: records rebuilt from Python output

    /// Reads the file's first bytes into `head` (hashed like every byte read); false on a read error.
    bool readHead(std::string& message)
    {
        constexpr std::size_t kHeadBytes = 65536;
        head.assign(kHeadBytes, '\0');
        std::size_t got = 0;
        while (got < kHeadBytes) {
            InputError error;
            auto n = file.read(head.data() + got, kHeadBytes - got, error);
            if (!n) {
                message = error.message;
                return false;
            }
            if (*n == 0)
                break;
            got += *n;
        }
        head.resize(got);
        if (!file.isCompressed())
            hasher.add(head.data(), head.size());
        headPos = 0;
        return true;
    }

    /// Chooses the log reader or the splitter for a file whose head is read.
    void chooseReader(const std::string& path, const RecordSplitter::Source& source, std::string_view start)
    {
        const auto slash = path.rfind('/');
        const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
        marker.clear();
        if (name == "aws-logs-write-test")
            marker = "a CloudWatch Logs export write-test marker (aws-logs-write-test), not a log";
        logMode = marker.empty() && LogReader::looksLikeLog(start);
        if (!logMode)
            return;
        if (!log)
            log = std::make_unique<LogReader>();
        log->reset(source, path);
        reconstructedRecords = 0;
    }

    Status readLogBatch(std::vector<CaptureRecord>& records, std::vector<RecordIssue>& issues, std::size_t maxRecords,
                        FileFailure& failure);

    /// `sizeHint`: the stream's length when known, else 0 (RecordSplitter sizes its buffer by it).
    void start(const std::string& path, RecordSplitter::Source source, std::uint64_t sizeHint, std::string_view start)
    {
        chooseReader(path, source, start);
        if (splitter)
            splitter->reset(std::move(source), sizeHint);
        else
            splitter =
                std::make_unique<RecordSplitter>(std::move(source), kMaxRecordBytes, std::size_t{1} << 20, sizeHint);
        if (normalizer) {
            normalizer->reset(captureBaseName(path));
        } else {
            normalizer = std::make_unique<RecordNormalizer>(options, captureBaseName(path));
            normalizer->setLocator([this](std::uint64_t offset) {
                return logMode ? log->position(offset) : splitter->position(offset, &unit);
            });
        }
        opened = true;
        finished = false;
    }
};

CaptureReader::CaptureReader(ReadOptions options)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->options = std::move(options);
}

CaptureReader::~CaptureReader() = default;

void CaptureReader::setOptions(ReadOptions options)
{
    m_impl->options = std::move(options);
    m_impl->normalizer.reset(); // made again with these options by the next open()
}

std::optional<FileFailure> CaptureReader::open(const std::string& path)
{
    Impl& d = *m_impl;
    d.fromMemory = false;
    d.memory = {};
    d.opened = false;
    if (auto error = d.file.open(path))
        return FileFailure{0, 0, error->message};
    d.hasher = FileContentHasher();
    std::string headError;
    if (!d.readHead(headError))
        return FileFailure{0, 0, headError};
    d.start(
        path,
        [&d](char* buffer, std::size_t capacity, std::string& message) -> std::optional<std::size_t> {
            if (d.headPos < d.head.size()) {
                const std::size_t n = std::min(capacity, d.head.size() - d.headPos);
                std::copy_n(d.head.data() + d.headPos, n, buffer);
                d.headPos += n;
                return n;
            }
            InputError error;
            auto got = d.file.read(buffer, capacity, error);
            if (!got)
                message = error.message;
            else if (*got > 0 && !d.file.isCompressed())
                d.hasher.add(buffer, *got);
            return got;
        },
        d.file.isCompressed() ? 0 : d.file.sizeOnDisk(), d.head); // size 0 (unknown) for a FIFO too
    // A small plain file may be a GetRecords response: its NextShardIterator names the stream (as for openBuffer).
    constexpr std::uint64_t kIteratorScanBytes = std::uint64_t{8} << 20;
    if (!d.file.isCompressed() && d.file.sizeOnDisk() > 0 && d.file.sizeOnDisk() <= kIteratorScanBytes) {
        std::ifstream in(path, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        d.normalizer->setIteratorStreamArn(iteratorStreamArn(bytes));
    }
    return std::nullopt;
}

void CaptureReader::openBuffer(const std::string& path, std::string_view bytes)
{
    Impl& d = *m_impl;
    d.file.close();
    d.fromMemory = true;
    d.head.clear();
    d.headPos = 0;
    d.memory = bytes;
    d.memoryPos = 0;
    d.start(
        path,
        [&d](char* buffer, std::size_t capacity, std::string&) -> std::optional<std::size_t> {
            const std::size_t n = std::min(capacity, d.memory.size() - d.memoryPos);
            std::copy_n(d.memory.data() + d.memoryPos, n, buffer);
            d.memoryPos += n;
            return n;
        },
        std::max<std::uint64_t>(bytes.size(), 1), bytes.substr(0, 65536));
    d.normalizer->setIteratorStreamArn(iteratorStreamArn(bytes));
}

CaptureReader::Status CaptureReader::readBatch(std::vector<CaptureRecord>& records, std::vector<RecordIssue>& issues,
                                               std::size_t maxRecords, FileFailure& failure, std::size_t maxBytes)
{
    Impl& d = *m_impl;
    if (!d.splitter || !d.opened) {
        failure = {0, 0, "file not open"};
        return Status::Failed;
    }
    if (d.finished)
        return Status::End;
    if (!d.marker.empty()) {
        d.finished = true;
        return Status::End;
    }
    if (d.logMode)
        return d.readLogBatch(records, issues, maxRecords, failure);
    const std::size_t start = records.size();
    std::size_t bytes = 0;
    std::size_t counted = start;
    while (records.size() - start < maxRecords && bytes < maxBytes) {
        SplitError error;
        switch (d.splitter->next(d.unit, error)) {
        case RecordSplitter::Result::End:
            d.normalizer->finish(issues);
            d.finished = true;
            return Status::End;
        case RecordSplitter::Result::Error:
            failure = {d.normalizer->recordsSeen(), error.offset, error.message, error.position.line,
                       error.position.column};
            return Status::Failed;
        case RecordSplitter::Result::Unit:
            if (auto failed = d.normalizer->process(d.unit, records, issues)) {
                failure = *failed;
                const TextPosition p = d.splitter->position(failure.byteOffset, &d.unit);
                failure.line = p.line;
                failure.column = p.column;
                return Status::Failed;
            }
            for (; counted < records.size(); ++counted)
                bytes += heldBytes(records[counted]);
            break;
        }
    }
    return Status::More;
}

/// Log mode: every event the LogReader finds is read by the normalizer like a capture's top-level value; the
/// records get the log event's provenance, and an event that cannot be read is an issue (never a failed file).
CaptureReader::Status CaptureReader::Impl::readLogBatch(std::vector<CaptureRecord>& records,
                                                        std::vector<RecordIssue>& issues, std::size_t maxRecords,
                                                        FileFailure& failure)
{
    const std::size_t start = records.size();
    while (records.size() - start < maxRecords) {
        LogItem item;
        switch (log->next(item, failure)) {
        case LogReader::Result::End:
            normalizer->finish(issues);
            finished = true;
            return Status::End;
        case LogReader::Result::Error:
            failure.recordIndex = normalizer->recordsSeen();
            return Status::Failed;
        case LogReader::Result::Item:
            break;
        }
        if (item.kind == LogItem::Kind::Issue) {
            normalizer->addIssue(item.offset, std::move(item.reason), issues);
            continue;
        }
        SplitUnit piece;
        piece.text = std::move(item.text);
        piece.offset = item.offset;
        piece.context = item.recordsElement ? UnitContext::RecordsElement : UnitContext::TopLevelValue;
        const std::size_t recordsBefore = records.size();
        const std::size_t issuesBefore = issues.size();
        if (auto failed = normalizer->process(piece, records, issues))
            normalizer->addIssue(item.verbatim ? failed->byteOffset : item.offset,
                                 "the logged event cannot be read: " + failed->reason, issues);
        const std::string provenance = item.provenance.empty() ? std::string() : item.provenance.json();
        for (std::size_t i = recordsBefore; i < records.size(); ++i) {
            records[i].logProvenance = provenance;
            records[i].reconstructed = item.reconstructed;
            reconstructedRecords += item.reconstructed ? 1 : 0;
            if (!item.verbatim)
                records[i].byteOffset = item.offset;
        }
        if (!item.verbatim) {
            const TextPosition p = log->position(item.offset);
            for (std::size_t i = issuesBefore; i < issues.size(); ++i) {
                issues[i].byteOffset = item.offset;
                issues[i].line = p.line;
                issues[i].column = p.column;
            }
        }
    }
    return Status::More;
}

std::optional<std::string> CaptureReader::contentHash() const
{
    const Impl& d = *m_impl;
    if (d.fromMemory || !d.opened || !d.finished || d.file.isCompressed())
        return std::nullopt;
    return d.hasher.finish();
}

std::uint64_t CaptureReader::bytesTotal() const
{
    return m_impl->fromMemory ? m_impl->memory.size() : m_impl->file.sizeOnDisk();
}

std::uint64_t CaptureReader::bytesRead() const
{
    return m_impl->fromMemory ? m_impl->memoryPos : m_impl->file.diskPosition();
}

std::int64_t CaptureReader::recordsSeen() const
{
    return m_impl->normalizer ? m_impl->normalizer->recordsSeen() : 0;
}

bool CaptureReader::compressed() const
{
    return !m_impl->fromMemory && m_impl->file.isCompressed();
}

std::map<CaptureFormat, std::int64_t> CaptureReader::formats() const
{
    return m_impl->normalizer ? m_impl->normalizer->formats() : std::map<CaptureFormat, std::int64_t>{};
}

std::vector<std::string> CaptureReader::notes() const
{
    const Impl& d = *m_impl;
    std::vector<std::string> notes = d.normalizer ? d.normalizer->notes() : std::vector<std::string>{};
    if (d.logMode && d.reconstructedRecords > 0)
        notes.push_back(std::to_string(d.reconstructedRecords)
                        + " record(s) reconstructed from Python output (print(event)), not logged as JSON");
    if (d.logMode && d.log->stats().localTimes > 0)
        notes.push_back(std::to_string(d.log->stats().localTimes)
                        + " printed time(s) with tzinfo=tzlocal() or no zone: the zone of the machine that printed "
                          "them is unknown, so they are kept as given and give no time");
    return notes;
}

std::string CaptureReader::notCaptureReason() const
{
    const Impl& d = *m_impl;
    if (!d.marker.empty())
        return d.marker;
    std::string reason = d.normalizer ? d.normalizer->notCaptureReason() : std::string();
    if (d.logMode && !reason.empty()) {
        const LogStats& stats = d.log->stats();
        reason = "a log with no DynamoDB stream events (" + std::to_string(stats.logEvents) + " log event(s) read"
            + (stats.shapes.empty() ? std::string() : ", " + stats.shapeText())
            + (stats.controlMessages > 0
                   ? ", " + std::to_string(stats.controlMessages) + " subscription CONTROL_MESSAGE(s) skipped"
                   : std::string())
            + ")";
    }
    return reason;
}

std::optional<LogStats> CaptureReader::logStats() const
{
    if (!m_impl->logMode || !m_impl->log)
        return std::nullopt;
    LogStats stats = m_impl->log->stats();
    stats.reconstructed = m_impl->reconstructedRecords;
    return stats;
}

} // namespace storage
