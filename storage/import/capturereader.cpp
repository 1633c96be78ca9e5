#include "storage/import/capturereader.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

#include "storage/import/contenthash.h"
#include "storage/import/inputfile.h"
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

    /// `sizeHint`: the stream's length when known, else 0 (RecordSplitter sizes its buffer by it).
    void start(const std::string& path, RecordSplitter::Source source, std::uint64_t sizeHint)
    {
        if (splitter)
            splitter->reset(std::move(source), sizeHint);
        else
            splitter =
                std::make_unique<RecordSplitter>(std::move(source), kMaxRecordBytes, std::size_t{1} << 20, sizeHint);
        if (normalizer) {
            normalizer->reset(captureBaseName(path));
        } else {
            normalizer = std::make_unique<RecordNormalizer>(options, captureBaseName(path));
            normalizer->setLocator([this](std::uint64_t offset) { return splitter->position(offset, &unit); });
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
    d.start(
        path,
        [&d](char* buffer, std::size_t capacity, std::string& message) -> std::optional<std::size_t> {
            InputError error;
            auto got = d.file.read(buffer, capacity, error);
            if (!got)
                message = error.message;
            else if (*got > 0 && !d.file.isCompressed())
                d.hasher.add(buffer, *got);
            return got;
        },
        d.file.isCompressed() ? 0 : d.file.sizeOnDisk()); // 0 (unknown) for a FIFO too
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
    d.memory = bytes;
    d.memoryPos = 0;
    d.start(
        path,
        [&d](char* buffer, std::size_t capacity, std::string&) -> std::optional<std::size_t> {
            const std::size_t n = std::min(capacity, d.memory.size() - d.memoryPos);
            std::memcpy(buffer, d.memory.data() + d.memoryPos, n);
            d.memoryPos += n;
            return n;
        },
        std::max<std::uint64_t>(bytes.size(), 1));
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
    return m_impl->normalizer ? m_impl->normalizer->notes() : std::vector<std::string>{};
}

std::string CaptureReader::notCaptureReason() const
{
    return m_impl->normalizer ? m_impl->normalizer->notCaptureReason() : std::string();
}

} // namespace storage
