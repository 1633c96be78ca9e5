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
#include "storage/import/capturerecord.h"
#include "storage/import/logreader.h"

namespace storage {

class RecordNormalizer;

/// Pull reader over one file. Usage: open(); then readBatch() until it returns End or Failed.
class CaptureReader
{
public:
    explicit CaptureReader(ReadOptions options = {});
    ~CaptureReader();
    CaptureReader(const CaptureReader&) = delete;
    CaptureReader& operator=(const CaptureReader&) = delete;

    /// Options for the files opened from now on (an export folder's data files name their table and key
    /// attributes through them).
    void setOptions(ReadOptions options);

    /// Opens a file (plain or gzip). A reader may be opened again for the next file: it keeps its buffers, parsers
    /// and decoded-Keys cache (an importer reading many small files reuses one reader).
    [[nodiscard]] std::optional<FileFailure> open(const std::string& path);
    /// Same, for a file's bytes already in memory (plain JSON, not gzip; `path` names it for messages and the
    /// table-from-file-name rule). `bytes` must stay valid until the next open() or the reader's destruction.
    void openBuffer(const std::string& path, std::string_view bytes);

    enum class Status { More, End, Failed };
    /// Appends up to `maxRecords` records (and any skipped-record issues) and returns More while the file
    /// has more. It also stops once the appended records hold `maxBytes` of text or more (heldBytes(); at least
    /// one record is read), so a batch of huge records stays small. On Failed, `failure` says why; records already
    /// returned must then be discarded.
    Status readBatch(std::vector<CaptureRecord>& records, std::vector<RecordIssue>& issues, std::size_t maxRecords,
                     FileFailure& failure, std::size_t maxBytes = static_cast<std::size_t>(-1));

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
    /// After End: the counts of a file read as a log (LogReader); nullopt for a capture.
    std::optional<LogStats> logStats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace storage
