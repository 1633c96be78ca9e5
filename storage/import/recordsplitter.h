#pragma once

// Streaming splitter: turns a byte stream holding JSON (one document, JSON Lines, concatenated documents,
// a top-level array, or an object with a huge "Records" array) into record-sized pieces of text without
// ever holding more than one piece (plus the small envelope around it) in memory. It tracks only string /
// escape state and nesting depth; each piece is parsed on its own afterwards.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace storage {

/// Where a piece of text came from in the document structure.
enum class UnitContext : std::uint8_t {
    TopLevelValue,         ///< a whole top-level value (single record, JSON Lines line, event without Records)
    TopLevelArrayElement,  ///< an element of a top-level array (EventBridge Pipes batch, array of events)
    RecordsElement,        ///< an element of the top-level object's "Records" array
    PayloadRecordsElement, ///< an element of "payload"."Records" (S3 on-failure destination object)
    Envelope, ///< after the last element of a top-level value that streamed its records: that value with the
              ///< streamed arrays emptied (`{"Records":[],"window":{…}}`), to be checked (valid JSON, no key twice)
};

/// A place in the text as a person finds it in an editor: line and column counted from 1, the column in bytes
/// from the line's first byte (a UTF-8 byte order mark not counted). 0 when unknown.
struct TextPosition
{
    std::uint64_t line = 0;
    std::uint64_t column = 0;
};

struct SplitUnit
{
    std::string text;         ///< exact bytes of the piece; capacity always >= size + kUnitPadding
    std::uint64_t offset = 0; ///< byte offset of its first byte in the (decompressed) stream
    UnitContext context = UnitContext::TopLevelValue;
    /// > 0: the piece was larger than the splitter's limit (kMaxRecordBytes): its bytes were scanned for structure
    /// only and dropped as soon as the limit was passed (text is empty); this is its whole size in bytes.
    std::uint64_t oversizedBytes = 0;
    std::uint64_t line = 1;      ///< line (from 1) of the unit's first byte
    std::uint64_t lineStart = 0; ///< stream offset of that line's first byte
    /// Envelope only: where its bytes came from, as (offset in text, offset in the stream) at each jump.
    std::vector<std::pair<std::size_t, std::uint64_t>> segments;
    /// Stream offset of a byte of `text` (exact for every unit: segments map an envelope's gaps).
    std::uint64_t streamOffset(std::size_t textOffset) const
    {
        std::uint64_t at = offset + textOffset;
        for (const auto& [textAt, streamAt] : segments)
            if (textAt <= textOffset)
                at = streamAt + (textOffset - textAt);
        return at;
    }
};

struct SplitError
{
    std::string message;
    std::uint64_t offset = 0;     ///< where the problem was detected
    std::uint64_t unitOffset = 0; ///< start of the piece being read (or of the top-level value)
    TextPosition position;        ///< of `offset`
};

/// Extra bytes kept allocated behind every piece (simdjson needs 64 readable bytes past the end).
inline constexpr std::size_t kUnitPadding = 64;

/// Largest piece (one record, or one top-level value that is not streamed record by record) the splitter
/// buffers: 64 MiB. A DynamoDB item is at most 400 KB, so a stream record with both images and its envelope stays
/// far below 2 MB, a whole Lambda event below 6 MB. A larger piece is passed on as oversized (SplitUnit::
/// oversizedBytes; the importer skips it as a record) without buffering more than this; memory stays bounded
/// whatever the input. The top-level value around streamed records (without them) has the same limit; beyond
/// it the file fails.
inline constexpr std::size_t kMaxRecordBytes = std::size_t{64} << 20;

class RecordSplitter
{
public:
    /// Supplies the next bytes: fills the buffer, returns the count (0 at the end), nullopt on error.
    using Source = std::function<std::optional<std::size_t>(char* buffer, std::size_t capacity, std::string& error)>;
    enum class Result { Unit, End, Error };

    /// `sizeHint`: the stream's length when known (0: unknown). The read buffer (at most `chunkBytes`) is
    /// allocated at the first read and sized to hold the whole stream when it is smaller than that.
    explicit RecordSplitter(Source source, std::size_t maxUnitBytes = kMaxRecordBytes,
                            std::size_t chunkBytes = std::size_t{1} << 20, std::uint64_t sizeHint = 0);

    Result next(SplitUnit& unit, SplitError& error);

    /// Starts over on another stream (the next file; `sizeHint` as in the constructor), keeping the allocated
    /// buffers (the read buffer grows when the hint asks for more).
    void reset(Source source, std::uint64_t sizeHint = 0);

    /// Top-level values that streamed their records: the value with the streamed array emptied
    /// (e.g. `{"Records":[],"NextShardIterator":"…"}`), the most recent one. Small by construction.
    const std::string& lastEnvelope() const { return m_lastEnvelope; }
    /// Line and column of a stream offset, for messages: offsets inside `unit` (the unit next() returned last)
    /// or inside the bytes read since the previous unit; {} for others.
    TextPosition position(std::uint64_t offset, const SplitUnit* unit = nullptr) const;
    std::uint64_t bytesConsumed() const { return m_base + m_pos; }

private:
    struct Frame
    {
        bool isArray = false;
        bool expectKey = false;    // objects: the next string is a key
        bool streaming = false;    // arrays: elements become units
        bool afterComma = false;   // streaming arrays: a ',' was read and no element after it yet
        bool hasElement = false;   // streaming arrays: an element was read
        std::uint64_t commaAt = 0; // streaming arrays: offset of that ','
        UnitContext context = UnitContext::TopLevelValue;
        std::string key; // objects: last key (short keys only)
    };
    enum class Dest : std::uint8_t { None, Top, Element };

    bool fill(SplitError& error);
    void switchDest(Dest dest);
    bool append(Dest dest, const char* data, std::size_t size, SplitError& error);
    bool flush(SplitError& error);
    bool startElement(UnitContext context, SplitError& error);
    void countLines(std::size_t to);
    std::optional<SplitError> syntaxErrorBeforeEnd() const;

    Source m_source;
    std::size_t m_maxUnit;
    std::size_t m_chunkBytes;        // largest read buffer
    std::uint64_t m_sizeHint;        // stream length if known, else 0
    std::unique_ptr<char[]> m_chunk; // read buffer (not zero-filled), m_chunkCapacity bytes
    std::size_t m_chunkCapacity = 0;
    std::size_t m_size = 0;   // valid bytes in m_chunk
    std::size_t m_pos = 0;    // next byte to look at
    std::uint64_t m_base = 0; // stream offset of m_chunk[0]
    bool m_eof = false;
    bool m_failed = false;

    std::vector<Frame> m_frames;
    bool m_inString = false;
    bool m_escape = false;
    bool m_captureKey = false;
    std::string m_keyText;

    Dest m_dest = Dest::None;
    std::size_t m_spanStart = 0;
    std::string m_top;
    std::uint64_t m_topOffset = 0;
    std::size_t m_topStreamed = 0;
    std::vector<std::pair<std::size_t, std::uint64_t>> m_topSegments; // see SplitUnit::segments
    std::string m_element;
    std::uint64_t m_elementOffset = 0;
    std::size_t m_elementDepth = 0; // frames.size() when the element started (0 = none)
    bool m_scalarElement = false;
    std::size_t m_skipDepth = 0; // > 0: inside an opaque container (only nesting and strings are tracked)
    bool m_dropElement = false;  // the current element passed the limit: its bytes are dropped
    bool m_dropTop = false;      // the current top-level value passed the limit: its bytes are dropped
    UnitContext m_elementContext = UnitContext::TopLevelValue;
    std::string m_lastEnvelope;

    // Newlines, counted lazily (only up to where a unit starts or a chunk ends) for positions in messages.
    std::size_t m_linesCountedTo = 0; // bytes of m_chunk counted
    std::uint64_t m_lines = 0;        // '\n' before m_base + m_linesCountedTo
    std::uint64_t m_lineStart = 0;    // stream offset of the first byte of the line holding that offset
    std::uint64_t m_chunkLines = 0;   // m_lines at m_base
    std::uint64_t m_chunkLineStart = 0;
    std::uint64_t m_topLine = 1, m_topLineStart = 0, m_elementLine = 1, m_elementLineStart = 0;
};

} // namespace storage
