#include "storage/import/recordsplitter.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "storage/import/syntaxlocator.h"

namespace storage {

namespace {

void appendPadded(std::string& target, const char* data, std::size_t size)
{
    const std::size_t needed = target.size() + size + kUnitPadding;
    if (target.capacity() < needed)
        target.reserve(std::max(needed, target.capacity() + target.capacity() / 2));
    target.append(data, size);
}

// Bytes that matter inside an opaque container (outside strings).
struct OpaqueTable
{
    bool value[256] = {};
    constexpr OpaqueTable()
    {
        value[static_cast<unsigned char>('"')] = true;
        value[static_cast<unsigned char>('{')] = true;
        value[static_cast<unsigned char>('}')] = true;
        value[static_cast<unsigned char>('[')] = true;
        value[static_cast<unsigned char>(']')] = true;
    }
    constexpr bool operator[](unsigned char c) const { return value[c]; }
};
constexpr OpaqueTable kOpaque;

std::string describeByte(char c)
{
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f)
        return std::string("'") + c + "'";
    static const char hex[] = "0123456789abcdef";
    return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
}

// Position of `offset` inside `text`, which starts at stream offset `textOffset` on line `line` whose first byte is
// at `lineStart`; only the first `limit` bytes of `text` are contiguous stream bytes.
TextPosition positionIn(std::string_view text, std::uint64_t textOffset, std::uint64_t line, std::uint64_t lineStart,
                        std::uint64_t offset)
{
    const auto at = static_cast<std::size_t>(offset - textOffset);
    const auto lines = static_cast<std::uint64_t>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
    std::uint64_t start = lineStart;
    if (lines > 0) {
        const auto* last = static_cast<const char*>(memrchr(text.data(), '\n', at));
        start = textOffset + static_cast<std::uint64_t>(last - text.data()) + 1;
    }
    return {line + lines, offset >= start ? offset - start + 1 : 1};
}

} // namespace

TextPosition RecordSplitter::position(std::uint64_t offset, const SplitUnit* unit) const
{
    if (unit != nullptr && offset == unit->offset) // also for a piece too large to keep
        return {unit->line, offset >= unit->lineStart ? offset - unit->lineStart + 1 : 1};
    if (unit != nullptr && !unit->text.empty() && offset >= unit->offset) {
        std::size_t contiguous = unit->text.size();
        if (unit->segments.size() > 1)
            contiguous = unit->segments[1].first;
        if (offset - unit->offset <= contiguous)
            return positionIn(unit->text, unit->offset, unit->line, unit->lineStart, offset);
    }
    if (m_chunk && offset >= m_base && offset <= m_base + m_size)
        return positionIn(std::string_view(m_chunk.get(), m_size), m_base, m_chunkLines + 1, m_chunkLineStart, offset);
    return {};
}

std::optional<SplitError> RecordSplitter::syntaxErrorBeforeEnd() const
{
    // At the end of the data with a value still open: is it cut short, or wrong before its end (a missing '}' in a
    // complete file)? The buffered text tells (nothing when it was too large to keep).
    const bool element = m_elementDepth != 0;
    const std::string& text = element ? m_element : m_top;
    if ((element ? m_dropElement : m_dropTop) || text.empty())
        return std::nullopt;
    auto problem = locateSyntaxError(text);
    // An error at the last byte (a string cut off, "tru") is the end coming early too.
    const std::size_t lastByte = text.find_last_not_of(" \t\r\n");
    if (!problem || problem->atEnd || lastByte == std::string::npos || problem->offset >= lastByte)
        return std::nullopt;
    const std::uint64_t start = element ? m_elementOffset : m_topOffset;
    std::uint64_t at = start + problem->offset;
    std::size_t contiguous = text.size();
    if (!element) {
        for (const auto& [textAt, streamAt] : m_topSegments)
            if (textAt <= problem->offset)
                at = streamAt + (problem->offset - textAt);
        if (m_topSegments.size() > 1)
            contiguous = m_topSegments[1].first;
    }
    SplitError error{"JSON syntax error: " + problem->message, at, start, {}};
    if (problem->offset <= contiguous)
        error.position = positionIn(text, start, element ? m_elementLine : m_topLine,
                                    element ? m_elementLineStart : m_topLineStart, at);
    return error;
}

void RecordSplitter::countLines(std::size_t to)
{
    if (to <= m_linesCountedTo)
        return;
    const char* p = m_chunk.get() + m_linesCountedTo;
    const std::size_t n = to - m_linesCountedTo;
    const auto lines = static_cast<std::uint64_t>(std::count(p, p + n, '\n'));
    if (lines > 0) {
        m_lines += lines;
        const auto* last = static_cast<const char*>(memrchr(p, '\n', n));
        m_lineStart = m_base + static_cast<std::uint64_t>(last - m_chunk.get()) + 1;
    }
    m_linesCountedTo = to;
}

RecordSplitter::RecordSplitter(Source source, std::size_t maxUnitBytes, std::size_t chunkBytes, std::uint64_t sizeHint)
    : m_source(std::move(source))
    , m_maxUnit(maxUnitBytes)
    , m_chunkBytes(std::max<std::size_t>(chunkBytes, 1))
    , m_sizeHint(sizeHint)
{
}

void RecordSplitter::reset(Source source, std::uint64_t sizeHint)
{
    // Keep the chunk and the unit buffers (unless one grew far beyond a record's usual size).
    constexpr std::size_t kKeepBytes = std::size_t{4} << 20;
    RecordSplitter fresh(std::move(source), m_maxUnit, m_chunkBytes, sizeHint);
    fresh.m_chunk = std::move(m_chunk);
    fresh.m_chunkCapacity = m_chunkCapacity;
    if (m_element.capacity() <= kKeepBytes) {
        fresh.m_element = std::move(m_element);
        fresh.m_element.clear();
    }
    if (m_top.capacity() <= kKeepBytes) {
        fresh.m_top = std::move(m_top);
        fresh.m_top.clear();
    }
    *this = std::move(fresh);
}

bool RecordSplitter::fill(SplitError& error)
{
    countLines(m_size);
    m_linesCountedTo = 0;
    m_chunkLines = m_lines;
    m_chunkLineStart = m_lineStart;
    m_base += m_size;
    m_pos = 0;
    m_spanStart = 0;
    m_size = 0;
    // The buffer holds the whole stream when its length is known and smaller than a chunk (one byte more, so the
    // read after it sees the end): a small file does not pay for a 1 MiB buffer.
    const std::size_t wanted = m_sizeHint > 0 && m_sizeHint < m_chunkBytes
        ? std::max<std::size_t>(static_cast<std::size_t>(m_sizeHint) + 1, 4096)
        : m_chunkBytes;
    if (m_chunkCapacity < std::min(wanted, m_chunkBytes)) {
        m_chunkCapacity = std::min(wanted, m_chunkBytes);
        m_chunk.reset(new char[m_chunkCapacity]);
    }
    std::string message;
    const auto got = m_source(m_chunk.get(), m_chunkCapacity, message);
    if (!got) {
        error = {message, m_base, m_elementDepth ? m_elementOffset : m_topOffset, position(m_base)};
        return false;
    }
    m_size = *got;
    if (m_size == 0)
        m_eof = true;
    return true;
}

bool RecordSplitter::append(Dest dest, const char* data, std::size_t size, SplitError& error)
{
    if (size == 0 || dest == Dest::None)
        return true;
    (void)error;
    bool& drop = dest == Dest::Top ? m_dropTop : m_dropElement;
    if (drop)
        return true;
    std::string& target = dest == Dest::Top ? m_top : m_element;
    if (dest == Dest::Top) {
        // Remember where the bytes come from when they do not continue the previous span (an emptied array).
        const std::uint64_t from = m_base + static_cast<std::uint64_t>(data - m_chunk.get());
        if (m_topSegments.empty() || m_topSegments.back().second + (target.size() - m_topSegments.back().first) != from)
            m_topSegments.emplace_back(target.size(), from);
    }
    if (target.size() + size > m_maxUnit) {
        // Past the limit: stop buffering (and give the memory back); the structure is still tracked so the value's
        // end is found and the caller learns its size.
        drop = true;
        std::string().swap(target);
        return true;
    }
    appendPadded(target, data, size);
    return true;
}

void RecordSplitter::switchDest(Dest dest)
{
    // Callers flush first (see the macro below); kept separate to make the state change explicit.
    m_dest = dest;
    m_spanStart = m_pos;
}

bool RecordSplitter::flush(SplitError& error)
{
    const bool ok = append(m_dest, m_chunk.get() + m_spanStart, m_pos - m_spanStart, error);
    m_spanStart = m_pos;
    return ok;
}

bool RecordSplitter::startElement(UnitContext context, SplitError& error)
{
    if (!flush(error))
        return false;
    Frame& parent = m_frames.back();
    if (parent.hasElement && !parent.afterComma) {
        const std::uint64_t at = m_base + m_pos;
        error = {"JSON syntax error: expected ',' or ']' before this value", at, m_topOffset, position(at)};
        m_failed = true;
        return false;
    }
    parent.hasElement = true;
    parent.afterComma = false;
    m_element.clear();
    m_dropElement = false;
    m_elementOffset = m_base + m_pos;
    countLines(m_pos);
    m_elementLine = m_lines + 1;
    m_elementLineStart = m_lineStart;
    m_elementDepth = m_frames.size();
    m_elementContext = context;
    switchDest(Dest::Element);
    if (m_frames.front().isArray || m_frames.size() > 1)
        ++m_topStreamed;
    return true;
}

// Deliberately one long function (over the ~150-line limit of storage/import/): the byte-level scanner every byte
// of a capture passes through, one loop over the buffer whose cases share its position, string/escape state and the
// element being built. Split into helper functions, the per-byte path would gain calls and reload that state from
// memory after each; it stays in one piece, its cases grouped by what the byte is.
RecordSplitter::Result RecordSplitter::next(SplitUnit& unit, SplitError& error) // NOLINT(readability-function-size)
{
    auto failAt = [&](std::string message, std::uint64_t at, std::uint64_t unitOffset) {
        error = {std::move(message), at, unitOffset, position(at)};
        m_failed = true;
        return Result::Error;
    };
    auto fail = [&](std::string message, std::uint64_t unitOffset) {
        return failAt(std::move(message), m_base + m_pos, unitOffset);
    };
    auto emitElement = [&]() {
        // Element bytes are [m_spanStart, m_pos) plus what was appended before.
        unit.text.swap(m_element);
        m_element.clear();
        // Scalar elements may carry trailing whitespace.
        while (!unit.text.empty()
               && (unit.text.back() == ' ' || unit.text.back() == '\n' || unit.text.back() == '\r'
                   || unit.text.back() == '\t'))
            unit.text.pop_back();
        unit.offset = m_elementOffset;
        unit.context = m_elementContext;
        unit.oversizedBytes = 0;
        unit.segments.clear();
        unit.line = m_elementLine;
        unit.lineStart = m_elementLineStart;
        if (m_dropElement) {
            unit.text.clear();
            unit.text.reserve(kUnitPadding);
            unit.oversizedBytes = std::max<std::uint64_t>(m_base + m_pos - m_elementOffset, m_maxUnit + 1);
            m_dropElement = false;
        }
        m_elementDepth = 0;
        m_scalarElement = false;
        return Result::Unit;
    };
    if (m_failed)
        return Result::Error;

    for (;;) {
        if (m_pos == m_size) {
            if (!flush(error)) {
                m_failed = true;
                return Result::Error;
            }
            if (m_eof) {
                if (m_frames.empty())
                    return Result::End;
                const auto start = m_elementDepth ? m_elementOffset : m_topOffset;
                if (auto syntax = syntaxErrorBeforeEnd()) {
                    error = std::move(*syntax);
                    error.unitOffset = start;
                    m_failed = true;
                    return Result::Error;
                }
                return fail("unexpected end of data: the JSON value starting at byte " + std::to_string(start)
                                + " is not closed (truncated file?)",
                            start);
            }
            if (!fill(error)) {
                m_failed = true;
                return Result::Error;
            }
            continue;
        }
        const char* p = m_chunk.get();
        if (m_skipDepth > 0) {
            // Opaque container: only strings and nesting matter (simdjson validates the piece later).
            std::size_t i = m_pos;
            const std::size_t n = m_size;
            std::size_t depth = m_skipDepth;
            bool inString = m_inString;
            if (m_escape && i < n) {
                m_escape = false;
                ++i;
            }
            while (i < n) {
                if (inString) {
                    while (i < n && p[i] != '"' && p[i] != '\\')
                        ++i;
                    if (i == n)
                        break;
                    if (p[i] == '\\') {
                        if (i + 1 == n) {
                            m_escape = true;
                            ++i;
                            break;
                        }
                        i += 2;
                        continue;
                    }
                    inString = false;
                    ++i;
                    continue;
                }
                while (i < n && !kOpaque[static_cast<unsigned char>(p[i])])
                    ++i;
                if (i == n)
                    break;
                const char c = p[i++];
                if (c == '"') {
                    inString = true;
                } else if (c == '{' || c == '[') {
                    ++depth;
                } else if (--depth == 0) {
                    break;
                }
            }
            m_pos = i;
            m_inString = inString;
            m_skipDepth = depth;
            if (depth > 0)
                continue;
            // The opaque value ended at m_pos - 1.
            if (m_elementDepth != 0 && m_frames.size() == m_elementDepth) {
                if (!flush(error))
                    return Result::Error;
                switchDest(Dest::None);
                return emitElement();
            }
            continue;
        }
        if (m_inString) {
            if (m_escape) {
                m_escape = false;
                if (m_captureKey && m_keyText.size() < 64)
                    m_keyText.push_back(p[m_pos]);
                ++m_pos;
                continue;
            }
            std::size_t i = m_pos;
            while (i < m_size && p[i] != '"' && p[i] != '\\')
                ++i;
            if (m_captureKey && m_keyText.size() < 64)
                m_keyText.append(p + m_pos, std::min(i - m_pos, 64 - m_keyText.size()));
            if (i == m_size) {
                m_pos = i;
                continue;
            }
            if (p[i] == '\\') {
                m_escape = true;
                if (m_captureKey && m_keyText.size() < 64)
                    m_keyText.push_back('\\');
                m_pos = i + 1;
                continue;
            }
            m_inString = false;
            if (m_captureKey) {
                m_frames.back().key = m_keyText;
                m_captureKey = false;
            }
            m_pos = i + 1;
            continue;
        }

        const char c = p[m_pos];
        switch (c) {
        case ' ':
        case '\t':
        case '\r':
        case '\n':
            ++m_pos;
            break;
        case '{':
        case '[': {
            const bool isArray = c == '[';
            if (m_frames.empty()) {
                if (!flush(error))
                    return Result::Error;
                m_top.clear();
                m_topSegments.clear();
                m_dropTop = false;
                m_topOffset = m_base + m_pos;
                countLines(m_pos);
                m_topLine = m_lines + 1;
                m_topLineStart = m_lineStart;
                m_topStreamed = 0;
                switchDest(Dest::Top);
            } else {
                Frame& parent = m_frames.back();
                if (parent.streaming && m_elementDepth == 0) {
                    if (!startElement(parent.context, error))
                        return Result::Error;
                }
            }
            if (!m_frames.empty()) {
                const bool payloadObject = !isArray && m_elementDepth == 0 && m_frames.size() == 1
                    && !m_frames[0].isArray && m_frames[0].key == "payload";
                const bool recordsArray = isArray && m_elementDepth == 0
                    && ((m_frames.size() == 1 && !m_frames[0].isArray && m_frames[0].key == "Records")
                        || (m_frames.size() == 2 && !m_frames[0].isArray && m_frames[0].key == "payload"
                            && !m_frames[1].isArray && m_frames[1].key == "Records"));
                if (!payloadObject && !recordsArray) {
                    m_skipDepth = 1;
                    ++m_pos;
                    break;
                }
            }
            Frame frame;
            frame.isArray = isArray;
            frame.expectKey = !isArray;
            if (isArray && m_elementDepth == 0) {
                if (m_frames.empty()) {
                    frame.streaming = true;
                    frame.context = UnitContext::TopLevelArrayElement;
                } else if (m_frames.size() == 1 && !m_frames[0].isArray && m_frames[0].key == "Records") {
                    frame.streaming = true;
                    frame.context = UnitContext::RecordsElement;
                } else if (m_frames.size() == 2 && !m_frames[0].isArray && m_frames[0].key == "payload"
                           && !m_frames[1].isArray && m_frames[1].key == "Records") {
                    frame.streaming = true;
                    frame.context = UnitContext::PayloadRecordsElement;
                }
            }
            m_frames.push_back(std::move(frame));
            ++m_pos;
            if (m_frames.back().streaming) {
                if (!flush(error))
                    return Result::Error;
                switchDest(Dest::None);
            }
            break;
        }
        case '}':
        case ']': {
            if (m_frames.empty())
                return fail("not JSON: unexpected " + describeByte(c), m_base + m_pos);
            Frame& back = m_frames.back();
            if (back.streaming && m_scalarElement) {
                if (!flush(error))
                    return Result::Error;
                switchDest(Dest::None);
                return emitElement();
            }
            if (back.isArray != (c == ']'))
                return fail(std::string("JSON syntax error: mismatched ") + describeByte(c),
                            m_elementDepth ? m_elementOffset : m_topOffset);
            if (back.streaming && back.afterComma)
                return failAt("JSON syntax error: a ',' with no value after it (trailing comma before ']')",
                              back.commaAt, m_topOffset);
            if (back.streaming) {
                if (!flush(error))
                    return Result::Error;
                switchDest(Dest::Top);
            }
            m_frames.pop_back();
            ++m_pos;
            if (m_elementDepth != 0 && m_frames.size() == m_elementDepth) {
                if (!flush(error))
                    return Result::Error;
                switchDest(Dest::None);
                return emitElement();
            }
            if (m_frames.empty()) {
                if (!flush(error))
                    return Result::Error;
                switchDest(Dest::None);
                if (m_topStreamed == 0) {
                    unit.text.swap(m_top);
                    m_top.clear();
                    unit.offset = m_topOffset;
                    unit.context = UnitContext::TopLevelValue;
                    unit.oversizedBytes = 0;
                    unit.segments.clear();
                    unit.line = m_topLine;
                    unit.lineStart = m_topLineStart;
                    if (m_dropTop) {
                        unit.text.clear();
                        unit.text.reserve(kUnitPadding);
                        unit.oversizedBytes = std::max<std::uint64_t>(m_base + m_pos - m_topOffset, m_maxUnit + 1);
                        m_dropTop = false;
                    }
                    return Result::Unit;
                }
                if (m_dropTop)
                    return fail("the top-level value starting at byte " + std::to_string(m_topOffset)
                                    + " is larger than " + std::to_string(m_maxUnit >> 20)
                                    + " MiB without the records streamed out of it (the limit for one envelope)",
                                m_topOffset);
                m_lastEnvelope = m_top;
                // Hand the envelope on for checking (it is small: the limit above).
                unit.text.swap(m_top);
                m_top.clear();
                unit.offset = m_topOffset;
                unit.context = UnitContext::Envelope;
                unit.oversizedBytes = 0;
                unit.line = m_topLine;
                unit.lineStart = m_topLineStart;
                unit.segments.swap(m_topSegments);
                m_topSegments.clear();
                return Result::Unit;
            }
            break;
        }
        case ',': {
            if (m_frames.empty())
                return fail("not JSON: unexpected ','", m_base + m_pos);
            Frame& back = m_frames.back();
            if (back.streaming && m_scalarElement) {
                if (!flush(error))
                    return Result::Error;
                switchDest(Dest::None);
                return emitElement();
            }
            if (!back.isArray)
                back.expectKey = true;
            if (back.streaming) {
                if (back.afterComma || !back.hasElement)
                    return fail("JSON syntax error: unexpected ',' (no value before it)", m_topOffset);
                back.afterComma = true;
                back.commaAt = m_base + m_pos;
            }
            ++m_pos;
            break;
        }
        case ':':
            if (m_frames.empty())
                return fail("not JSON: unexpected ':'", m_base + m_pos);
            ++m_pos;
            break;
        default: {
            if (m_frames.empty()) {
                if (m_base + m_pos == 0 && c == '\xEF' && m_size >= 3 && p[1] == '\xBB' && p[2] == '\xBF') {
                    m_pos += 3; // UTF-8 byte order mark
                    m_spanStart = m_pos;
                    m_lineStart = m_chunkLineStart = 3; // not a column
                    break;
                }
                return fail("not JSON: expected '{' or '[' but found " + describeByte(c) + " at byte "
                                + std::to_string(m_base + m_pos),
                            m_base + m_pos);
            }
            Frame& back = m_frames.back();
            if (back.streaming && m_elementDepth == 0) {
                if (!startElement(back.context, error))
                    return Result::Error;
                m_scalarElement = true;
            }
            if (c == '"') {
                if (!back.isArray && back.expectKey) {
                    back.expectKey = false;
                    if (m_frames.size() <= 3) {
                        m_captureKey = true;
                        m_keyText.clear();
                    }
                }
                m_inString = true;
            }
            ++m_pos;
            break;
        }
        }
    }
}

} // namespace storage
