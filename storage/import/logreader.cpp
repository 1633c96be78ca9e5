#include "storage/import/logreader.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <ctime>
#include <optional>

#include <simdjson.h>
#include <zlib.h>

#include "model/base64.h"
#include "storage/import/pyrepr.h"
#include "storage/import/syntaxlocator.h"

namespace storage {

namespace {

namespace od = simdjson::ondemand;

constexpr std::size_t kMaxLineBytes = kMaxRecordBytes; // one log line or one accumulated JSON document
constexpr int kMaxNesting = 6;                         // log events inside subscription payloads inside logs …
constexpr std::size_t kHeadLines = 200;

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool digitsAt(std::string_view s, std::size_t at, std::size_t count)
{
    if (s.size() < at + count)
        return false;
    for (std::size_t i = at; i < at + count; ++i)
        if (!isDigit(s[i]))
            return false;
    return true;
}

/// Length of an ISO-8601 date-time at the start of `s` (`2023-01-02T03:04:05`, a fraction, `Z` or `+hh:mm`), else 0.
std::size_t isoTokenLength(std::string_view s)
{
    if (!digitsAt(s, 0, 4) || s[4] != '-' || !digitsAt(s, 5, 2) || s[7] != '-' || !digitsAt(s, 8, 2) || s[10] != 'T'
        || !digitsAt(s, 11, 2) || s[13] != ':' || !digitsAt(s, 14, 2) || s[16] != ':' || !digitsAt(s, 17, 2))
        return 0;
    std::size_t i = 19;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && isDigit(s[i]))
            ++i;
    }
    if (i < s.size() && s[i] == 'Z')
        return i + 1;
    if (i < s.size() && (s[i] == '+' || s[i] == '-') && digitsAt(s, i + 1, 2) && s.size() > i + 3 && s[i + 3] == ':'
        && digitsAt(s, i + 4, 2))
        return i + 6;
    return i;
}

/// Length of a Python runtime level token `[INFO]` followed by a tab, else 0.
std::size_t levelTokenLength(std::string_view s)
{
    if (s.empty() || s[0] != '[')
        return 0;
    std::size_t i = 1;
    while (i < s.size() && s[i] >= 'A' && s[i] <= 'Z')
        ++i;
    if (i == 1 || i + 1 >= s.size() || s[i] != ']' || s[i + 1] != '\t')
        return 0;
    return i + 1;
}

std::string_view trimRight(std::string_view s)
{
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

std::size_t skipSpace(std::string_view s, std::size_t i)
{
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        ++i;
    return i;
}

bool startsWith(std::string_view s, std::string_view prefix)
{
    return s.substr(0, prefix.size()) == prefix;
}

/// Whether `text` mentions what a logged stream event (or a wrapper of log events) holds.
bool mentionsEvent(std::string_view text)
{
    for (const std::string_view marker : {"Records", "dynamodb", "awslogs", "logEvents", "logStreamName", "eventName",
                                          "nextForwardToken", "searchedLogStreams"})
        if (text.find(marker) != std::string_view::npos)
            return true;
    return false;
}

/// Tracks JSON nesting over pieces of text (strings and escapes respected).
struct Nesting
{
    int depth = 0;
    bool inString = false;
    bool escape = false;
    bool started = false;

    /// Feeds `text`; returns the index just past the first top-level value that ends in it, or npos.
    std::size_t feed(std::string_view text)
    {
        for (std::size_t i = 0; i < text.size(); ++i) {
            const char c = text[i];
            if (inString) {
                if (escape)
                    escape = false;
                else if (c == '\\')
                    escape = true;
                else if (c == '"')
                    inString = false;
                continue;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                ++depth;
                started = true;
            } else if ((c == '}' || c == ']') && depth > 0) {
                if (--depth == 0)
                    return i + 1;
            }
        }
        return std::string_view::npos;
    }
};

/// End of the JSON value starting at `text[0]` ('{' or '['), or npos when it does not end in `text`.
std::size_t valueEnd(std::string_view text)
{
    Nesting nesting;
    return nesting.feed(text);
}

/// Spans of the complete elements of the first "Records" array in `text` (a value cut short).
std::vector<std::pair<std::size_t, std::size_t>> wholeRecordsBeforeCut(std::string_view text)
{
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    const std::size_t key = text.find("\"Records\"");
    if (key == std::string_view::npos)
        return spans;
    std::size_t i = skipSpace(text, key + 9);
    if (i >= text.size() || text[i] != ':')
        return spans;
    i = skipSpace(text, i + 1);
    if (i >= text.size() || text[i] != '[')
        return spans;
    ++i;
    for (;;) {
        i = skipSpace(text, i);
        if (i >= text.size() || text[i] != '{')
            return spans;
        const std::size_t end = valueEnd(text.substr(i));
        if (end == std::string_view::npos)
            return spans;
        spans.emplace_back(i, end);
        i = skipSpace(text, i + end);
        if (i >= text.size() || text[i] != ',')
            return spans;
        ++i;
    }
}

std::string epochMillisText(std::int64_t millis)
{
    const std::time_t seconds = static_cast<std::time_t>(millis >= 0 ? millis / 1000 : (millis - 999) / 1000);
    const auto ms = static_cast<int>(millis - static_cast<std::int64_t>(seconds) * 1000);
    std::tm tm{};
    if (!gmtime_r(&seconds, &tm))
        return std::to_string(millis);
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    return buffer;
}

/// Decompresses gzip data (several members one after the other too); nullopt when it is not gzip or too big.
std::optional<std::string> gunzip(std::string_view data, std::string& error)
{
    z_stream z{};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        error = "zlib cannot start";
        return std::nullopt;
    }
    std::string out;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    char buffer[65536];
    for (;;) {
        z.next_out = reinterpret_cast<Bytef*>(buffer);
        z.avail_out = sizeof buffer;
        const int rc = inflate(&z, Z_NO_FLUSH);
        out.append(buffer, sizeof buffer - z.avail_out);
        if (out.size() > kMaxLineBytes) {
            error = "decompressed data larger than " + std::to_string(kMaxLineBytes >> 20) + " MiB";
            inflateEnd(&z);
            return std::nullopt;
        }
        if (rc == Z_STREAM_END) {
            if (z.avail_in == 0)
                break;
            inflateReset(&z);
            continue;
        }
        if (rc != Z_OK) {
            error = std::string("not gzip data (") + (z.msg ? z.msg : "zlib error") + ")";
            inflateEnd(&z);
            return std::nullopt;
        }
        if (z.avail_in == 0 && z.avail_out != 0) {
            error = "gzip data ends early";
            inflateEnd(&z);
            return std::nullopt;
        }
    }
    inflateEnd(&z);
    return out;
}

std::string padded(std::string_view text)
{
    std::string s;
    s.reserve(text.size() + std::max<std::size_t>(kUnitPadding, simdjson::SIMDJSON_PADDING));
    s.assign(text);
    return s;
}

/// A member's value as text: a string's contents (unescaped) or a number's text.
std::string scalarText(simdjson::dom::element e)
{
    std::string_view s;
    if (e.get_string().get(s) == simdjson::SUCCESS)
        return std::string(s);
    std::int64_t i = 0;
    if (e.get_int64().get(i) == simdjson::SUCCESS)
        return std::to_string(i);
    return {};
}

std::optional<std::int64_t> intMember(simdjson::dom::object o, std::string_view key)
{
    std::int64_t i = 0;
    if (o[key].get_int64().get(i) == simdjson::SUCCESS)
        return i;
    double d = 0;
    if (o[key].get_double().get(d) == simdjson::SUCCESS)
        return static_cast<std::int64_t>(d);
    return std::nullopt;
}

std::string stringMember(simdjson::dom::object o, std::string_view key)
{
    std::string_view s;
    if (o[key].get_string().get(s) == simdjson::SUCCESS)
        return std::string(s);
    return {};
}

bool hasMember(simdjson::dom::object o, std::string_view key)
{
    return o[key].error() == simdjson::SUCCESS;
}

/// The exact text of member `key` (an object or array) of the JSON object in `text` (padded), or nullopt.
std::optional<std::string_view> rawMember(od::parser& parser, const std::string& text, std::string_view key)
{
    od::document doc;
    if (parser.iterate(text.data(), text.size(), text.capacity()).get(doc) != simdjson::SUCCESS)
        return std::nullopt;
    od::value value;
    if (doc.find_field_unordered(key).get(value) != simdjson::SUCCESS)
        return std::nullopt;
    od::json_type type;
    if (value.type().get(type) != simdjson::SUCCESS)
        return std::nullopt;
    std::string_view raw;
    if (type == od::json_type::object) {
        od::object o;
        if (value.get_object().get(o) != simdjson::SUCCESS || o.raw_json().get(raw) != simdjson::SUCCESS)
            return std::nullopt;
    } else if (type == od::json_type::array) {
        od::array a;
        if (value.get_array().get(a) != simdjson::SUCCESS || a.raw_json().get(raw) != simdjson::SUCCESS)
            return std::nullopt;
    } else {
        return std::nullopt;
    }
    return trimRight(raw);
}

/// What one message turned out to be.
enum class Found { Nothing, Event, Container };

} // namespace

std::string LogProvenance::json() const
{
    std::string out = "{";
    auto add = [&out](std::string_view name, const std::string& value) {
        if (value.empty())
            return;
        if (out.size() > 1)
            out += ',';
        out += '"';
        out += name;
        out += "\":\"";
        for (const char c : value) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += c;
            } else if (static_cast<unsigned char>(c) < 0x20) {
                char esc[8];
                std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(c));
                out += esc;
            } else {
                out += c;
            }
        }
        out += '"';
    };
    add("logGroup", logGroup);
    add("logStream", logStream);
    add("logTimestamp", logTimestamp);
    add("requestId", requestId);
    add("reconstructedFrom", reconstructed ? std::string("python-repr") : std::string());
    return out + "}";
}

std::string LogStats::shapeText() const
{
    std::string text;
    for (const auto& s : shapes)
        text += (text.empty() ? "" : "+") + s;
    return text;
}

struct LogReader::Impl
{
    Source source;
    std::string exportStream; // a CloudWatch export's log stream: the folder the file is in
    std::unique_ptr<char[]> chunk;
    std::size_t chunkSize = 0, chunkPos = 0;
    std::uint64_t consumed = 0; // stream offset of chunk[chunkPos]
    bool eof = false;
    std::uint64_t lineNumber = 0;                                    // of the line read last (from 1)
    std::vector<std::pair<std::uint64_t, std::uint64_t>> lineStarts; // (offset, line) since the queue was empty

    std::deque<LogItem> pending;
    LogStats stats;
    std::map<std::string, std::string> requestByStream; // START RequestId: … until END, per log stream

    // A JSON value spanning lines (pretty-printed output, `aws logs` documents).
    std::string accumulated;
    std::uint64_t accumulatedOffset = 0;
    Nesting accumulatedNesting;
    bool accumulating = false;

    // One DOM parser per nesting level: a document stays valid while the events inside it are parsed.
    std::array<std::unique_ptr<simdjson::dom::parser>, kMaxNesting + 2> domParsers;
    od::parser odParser;

    simdjson::dom::parser& domParser(int depth)
    {
        auto& p = domParsers[static_cast<std::size_t>(std::clamp(depth, 0, kMaxNesting + 1))];
        if (!p)
            p = std::make_unique<simdjson::dom::parser>();
        return *p;
    }

    struct Line
    {
        std::string text;
        std::uint64_t offset = 0;
        bool oversized = false;
    };
    std::string lineBuffer;

    /// Reads the next line (without its '\n'); false at the end. `error` set on a read error.
    bool readLine(Line& line, std::string& error);

    std::int64_t shapeMarks = 0; // addShape() calls: a line that added none is "plain-lines"
    void addShape(std::string shape)
    {
        stats.shapes.insert(std::move(shape));
        ++shapeMarks;
    }

    void issue(std::uint64_t offset, std::string reason)
    {
        LogItem item;
        item.kind = LogItem::Kind::Issue;
        item.offset = offset;
        item.reason = std::move(reason);
        pending.push_back(std::move(item));
    }
    void event(std::string_view text, std::uint64_t offset, bool verbatim, const LogProvenance& provenance,
               bool recordsElement = false)
    {
        LogItem item;
        item.text = padded(text);
        item.offset = offset;
        item.verbatim = verbatim;
        item.recordsElement = recordsElement;
        item.provenance = provenance;
        pending.push_back(std::move(item));
    }

    void handleLine(const std::string& line, std::uint64_t offset);
    void finishAccumulated(bool complete);
    bool isLogLine(std::string_view line) const;
    Found handleCloudWatchMessage(std::string_view message, std::uint64_t offset, bool verbatim,
                                  LogProvenance provenance, int depth);
    Found handleMessage(std::string_view message, std::uint64_t offset, bool verbatim, const LogProvenance& provenance,
                        std::size_t eventBytes, int depth);
    Found handleJson(std::string_view body, std::uint64_t offset, bool verbatim, const LogProvenance& provenance,
                     std::size_t eventBytes, int depth);
    Found handleLambdaJsonLine(simdjson::dom::object o, const std::string& text, std::uint64_t offset, bool verbatim,
                               LogProvenance provenance, int depth);
    Found handleDataMessage(simdjson::dom::object o, std::uint64_t offset, const LogProvenance& provenance, int depth);
    Found handleFilterLogEvents(simdjson::dom::object o, std::uint64_t offset, const LogProvenance& provenance,
                                int depth);
    void handleLogEvents(simdjson::dom::object o, std::string_view member, std::uint64_t offset,
                         const LogProvenance& provenance, int depth);
    Found handleAwslogs(std::string_view data, std::uint64_t offset, const LogProvenance& provenance, int depth);
    void pythonEvent(std::string_view body, std::uint64_t offset, bool verbatim, const LogProvenance& provenance,
                     std::size_t eventBytes);
    void truncatedEvent(std::string_view body, std::uint64_t offset, bool verbatim, const LogProvenance& provenance,
                        std::size_t eventBytes);
};

bool LogReader::Impl::readLine(Line& line, std::string& error)
{
    constexpr std::size_t kChunk = std::size_t{1} << 20;
    if (!chunk)
        chunk = std::make_unique<char[]>(kChunk);
    line.text.clear();
    line.oversized = false;
    line.offset = consumed;
    bool any = false;
    for (;;) {
        if (chunkPos == chunkSize) {
            if (eof)
                break;
            auto got = source(chunk.get(), kChunk, error);
            if (!got)
                return false;
            chunkSize = *got;
            chunkPos = 0;
            if (chunkSize == 0) {
                eof = true;
                break;
            }
        }
        any = true;
        const char* start = chunk.get() + chunkPos;
        const auto* nl = static_cast<const char*>(std::memchr(start, '\n', chunkSize - chunkPos));
        const std::size_t n = nl ? static_cast<std::size_t>(nl - start) : chunkSize - chunkPos;
        if (!line.oversized) {
            if (line.text.size() + n > kMaxLineBytes) {
                line.oversized = true;
                line.text.clear();
            } else {
                line.text.append(start, n);
            }
        }
        chunkPos += n + (nl ? 1 : 0);
        consumed += n + (nl ? 1 : 0);
        if (nl)
            break;
    }
    if (!any)
        return false;
    ++lineNumber;
    lineStarts.emplace_back(line.offset, lineNumber);
    return true;
}

/// A line that begins a log event of its own (a runtime or `aws logs` prefix, or START/END/REPORT).
bool LogReader::Impl::isLogLine(std::string_view line) const
{
    return isoTokenLength(line) > 0 || levelTokenLength(line) > 0 || startsWith(line, "START RequestId: ")
        || startsWith(line, "END RequestId: ") || startsWith(line, "REPORT RequestId: ");
}

void LogReader::Impl::handleLine(const std::string& line, std::uint64_t offset)
{
    if (accumulating) {
        if (isLogLine(line)) {
            finishAccumulated(false);
        } else {
            accumulated += '\n';
            const std::size_t from = accumulated.size();
            accumulated += line;
            if (accumulated.size() > kMaxLineBytes) {
                issue(accumulatedOffset,
                      "a JSON value over " + std::to_string(kMaxLineBytes >> 20) + " MiB in the log: skipped");
                accumulating = false;
                accumulated.clear();
                return;
            }
            if (accumulatedNesting.feed(std::string_view(accumulated).substr(from)) != std::string_view::npos
                || (accumulatedNesting.started && accumulatedNesting.depth == 0 && !accumulatedNesting.inString))
                finishAccumulated(true);
            return;
        }
    }
    std::string_view text(line);
    LogProvenance provenance;
    std::size_t at = 0;
    // `aws logs tail` (detailed, short) and CloudWatch export lines: "<time> [<log stream>] <message>".
    const std::size_t iso = isoTokenLength(text);
    if (iso > 0 && iso < text.size() && text[iso] == ' ') {
        const std::string_view time = text.substr(0, iso);
        provenance.logTimestamp = std::string(time);
        at = iso + 1;
        if (time.back() == 'Z') {
            addShape("cloudwatch-export");
            provenance.logStream = exportStream;
        } else if (iso > 19 && (time[iso - 6] == '+' || time[iso - 6] == '-')) {
            const std::size_t space = text.find(' ', at);
            if (space != std::string_view::npos) {
                provenance.logStream = std::string(text.substr(at, space - at));
                at = space + 1;
            }
            addShape("aws-logs-tail-detailed");
        } else {
            addShape("aws-logs-tail-short");
        }
        handleCloudWatchMessage(text.substr(at), offset + at, true, std::move(provenance), 0);
        return;
    }
    // Unprefixed: a runtime line, print() output, `aws logs tail --format json|none`, or a JSON document.
    const std::size_t first = skipSpace(text, 0);
    if (first < text.size() && (text[first] == '{' || text[first] == '[') && !isLogLine(text)) {
        Nesting nesting;
        const bool ends = nesting.feed(text.substr(first)) != std::string_view::npos;
        if (!ends && text.size() + kCloudWatchEventOverhead < kCloudWatchEventBytes - 4) {
            accumulating = true;
            accumulated.assign(line);
            accumulatedOffset = offset;
            accumulatedNesting = nesting;
            return;
        }
    }
    const std::int64_t marksBefore = shapeMarks;
    const Found found = handleCloudWatchMessage(text, offset, true, provenance, 0);
    if (found == Found::Event && shapeMarks == marksBefore)
        addShape("plain-lines");
}

void LogReader::Impl::finishAccumulated(bool complete)
{
    accumulating = false;
    std::string text = std::move(accumulated);
    accumulated.clear();
    static_cast<void>(complete); // an incomplete value is reported as invalid JSON (not as cut by CloudWatch)
    const std::int64_t marksBefore = shapeMarks;
    const Found found = handleMessage(text, accumulatedOffset, true, {}, 0, 0);
    if (found != Found::Container)
        ++stats.logEvents;
    if (found == Found::Event && shapeMarks == marksBefore)
        addShape("plain-lines");
}

/// One CloudWatch log event's message: a runtime prefix (Node or Python text format) is read, then the rest.
Found LogReader::Impl::handleCloudWatchMessage(std::string_view message, std::uint64_t offset, bool verbatim,
                                               LogProvenance provenance, int depth)
{
    const std::size_t eventBytes = message.size();
    std::size_t at = 0;
    std::string shape;
    const std::size_t iso = isoTokenLength(message);
    const std::size_t level = levelTokenLength(message);
    if (iso > 0 && iso < message.size() && message[iso] == '\t') {
        // Node.js: <time>\t<request id>\t<LEVEL>\t<message>
        const std::size_t id = message.find('\t', iso + 1);
        const std::size_t lvl = id == std::string_view::npos ? id : message.find('\t', id + 1);
        if (lvl != std::string_view::npos) {
            if (provenance.logTimestamp.empty())
                provenance.logTimestamp = std::string(message.substr(0, iso));
            provenance.requestId = std::string(message.substr(iso + 1, id - iso - 1));
            at = lvl + 1;
            shape = "lambda-node-text";
        }
    } else if (level > 0) {
        // Python: [LEVEL]\t<time>\t<request id>\t<message>
        const std::size_t time = level + 1;
        const std::size_t id = message.find('\t', time);
        const std::size_t msg = id == std::string_view::npos ? id : message.find('\t', id + 1);
        if (msg != std::string_view::npos) {
            if (provenance.logTimestamp.empty())
                provenance.logTimestamp = std::string(message.substr(time, id - time));
            provenance.requestId = std::string(message.substr(id + 1, msg - id - 1));
            at = msg + 1;
            shape = "lambda-python-text";
        }
    }
    if (startsWith(message, "START RequestId: ")) {
        const std::string_view rest = message.substr(17);
        requestByStream[provenance.logStream] = std::string(rest.substr(0, rest.find_first_of(" \t")));
    } else if (startsWith(message, "END RequestId: ")) {
        requestByStream.erase(provenance.logStream);
    }
    if (shape.empty() && provenance.requestId.empty()) {
        const auto it = requestByStream.find(provenance.logStream);
        if (it != requestByStream.end())
            provenance.requestId = it->second;
    }
    // The Node.js runtime turned the newlines of a multi-line message into '\r': restored (same length, so offsets
    // stay those of the file).
    std::string_view rest = message.substr(at);
    std::string restored;
    if (shape == "lambda-node-text" && rest.find('\r') != std::string_view::npos) {
        restored.assign(rest);
        std::replace(restored.begin(), restored.end(), '\r', '\n');
        rest = restored;
    }
    const Found found = handleMessage(rest, offset + (verbatim ? at : 0), verbatim, provenance, eventBytes, depth);
    if (found != Found::Container)
        ++stats.logEvents;
    if (found == Found::Event && !shape.empty())
        addShape(shape);
    return found;
}

/// The text after any runtime prefix: the event JSON (maybe after a prefix such as "EVENT "), a Lambda JSON log
/// line, a subscription or `aws logs` document, Node inspect or Python repr output, or other output (Nothing).
/// `eventBytes`: the CloudWatch event's size (a value cut at the 256 KB limit is truncated); 0 for a value that is
/// known to be complete.
Found LogReader::Impl::handleMessage(std::string_view message, std::uint64_t offset, bool verbatim,
                                     const LogProvenance& provenance, std::size_t eventBytes, int depth)
{
    if (depth > kMaxNesting)
        return Found::Nothing;
    const std::size_t brace = message.find('{');
    if (brace == std::string_view::npos)
        return Found::Nothing;
    const std::size_t arrayAt = skipSpace(message, 0);
    const std::size_t j = arrayAt < message.size() && message[arrayAt] == '[' ? arrayAt : brace;
    const std::string_view body = trimRight(message.substr(j));
    const std::uint64_t bodyOffset = offset + (verbatim ? j : 0);
    const std::size_t inner = skipSpace(body, 1);
    if (inner >= body.size() || !mentionsEvent(body))
        return Found::Nothing;
    const char c = body[inner];
    if (body[0] == '{' && c == '\'') {
        pythonEvent(body, bodyOffset, verbatim, provenance, eventBytes);
        return Found::Event;
    }
    if (body[0] == '{' && (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$')) {
        ++stats.events;
        ++stats.unrecoverable;
        issue(bodyOffset,
              "the event was logged without JSON.stringify (Node inspect output): nested values are lost "
              "([Object], [Array]); not imported");
        return Found::Event;
    }
    if (c != '"' && c != '{' && c != '}' && c != ']')
        return Found::Nothing;
    // Several values one after the other (Firehose objects, pages of `aws logs` output).
    const std::size_t end = valueEnd(body);
    if (end != std::string_view::npos && end < body.size() && skipSpace(body, end) < body.size()
        && (body[skipSpace(body, end)] == '{' || body[skipSpace(body, end)] == '[')) {
        bool anyEvent = false;
        std::size_t at = 0;
        while (at < body.size()) {
            const std::size_t e = valueEnd(body.substr(at));
            if (e == std::string_view::npos) {
                handleJson(body.substr(at), bodyOffset + (verbatim ? at : 0), verbatim, provenance, eventBytes, depth);
                break;
            }
            anyEvent = handleJson(body.substr(at, e), bodyOffset + (verbatim ? at : 0), verbatim, provenance, 0, depth)
                    == Found::Event
                || anyEvent;
            at = skipSpace(body, at + e);
        }
        return anyEvent ? Found::Event : Found::Container;
    }
    return handleJson(body, bodyOffset, verbatim, provenance, eventBytes, depth);
}

Found LogReader::Impl::handleJson(std::string_view body, std::uint64_t offset, bool verbatim,
                                  const LogProvenance& provenance, std::size_t eventBytes, int depth)
{
    if (depth > kMaxNesting)
        return Found::Nothing;
    const std::string text = padded(body);
    simdjson::dom::element root;
    if (domParser(depth).parse(text.data(), text.size(), false).get(root) != simdjson::SUCCESS) {
        ++stats.events;
        ++stats.unrecoverable;
        if (eventBytes + kCloudWatchEventOverhead + 4 >= kCloudWatchEventBytes
            && valueEnd(body) == std::string_view::npos) {
            truncatedEvent(body, offset, verbatim, provenance, eventBytes);
            return Found::Event;
        }
        const auto problem = locateSyntaxError(body);
        const std::uint64_t at = offset + (verbatim && problem ? problem->offset : 0);
        issue(at,
              "the logged event is not valid JSON" + (problem ? ": " + problem->message : std::string())
                  + "; not imported");
        return Found::Event;
    }
    simdjson::dom::object o;
    if (root.get_object().get(o) == simdjson::SUCCESS) {
        std::string_view data;
        simdjson::dom::object awslogs;
        if (o["awslogs"].get_object().get(awslogs) == simdjson::SUCCESS
            && awslogs["data"].get_string().get(data) == simdjson::SUCCESS)
            return handleAwslogs(data, offset, provenance, depth);
        if (hasMember(o, "messageType") && hasMember(o, "logEvents"))
            return handleDataMessage(o, offset, provenance, depth);
        simdjson::dom::array events;
        if (o["events"].get_array().get(events) == simdjson::SUCCESS && !hasMember(o, "Records"))
            return handleFilterLogEvents(o, offset, provenance, depth);
        if (hasMember(o, "level") && (hasMember(o, "message") || hasMember(o, "event")) && !hasMember(o, "dynamodb"))
            return handleLambdaJsonLine(o, text, offset, verbatim, provenance, depth);
    }
    ++stats.events;
    event(body, offset, verbatim, provenance);
    return Found::Event;
}

/// A Lambda JSON-format log line (runtime JSON format, Powertools Python / TypeScript): the event is its `event`
/// member (logEvent), its `message` (an object, or a string holding JSON), the entry itself when the TypeScript
/// logger merged the event's members into it (logger.info('…', event)), or another member holding it
/// (logger.info('…', { records }), a string given as `extra`).
Found LogReader::Impl::handleLambdaJsonLine(simdjson::dom::object o, const std::string& text, std::uint64_t offset,
                                            bool verbatim, LogProvenance provenance, int depth)
{
    for (const std::string_view key : {"requestId", "function_request_id", "AWSRequestId", "aws_request_id"}) {
        const std::string id = stringMember(o, key);
        if (!id.empty()) {
            provenance.requestId = id;
            break;
        }
    }
    simdjson::dom::element time;
    if (o["timestamp"].get(time) == simdjson::SUCCESS && !scalarText(time).empty())
        provenance.logTimestamp = scalarText(time);
    // Powertools for AWS Lambda (Python) writes "location"; the TypeScript logger does not.
    const bool powertools = hasMember(o, "function_request_id") || hasMember(o, "cold_start");
    const std::string shape = !powertools ? std::string("lambda-json")
        : hasMember(o, "location")        ? std::string("powertools-python")
                                          : std::string("powertools-typescript");
    if (hasMember(o, "Records")) {
        ++stats.events;
        event(std::string_view(text), offset, verbatim, provenance);
        addShape(shape);
        return Found::Event;
    }
    Found found = Found::Nothing;
    for (const auto field : o) {
        const bool known = field.key == "event" || field.key == "message";
        Found f = Found::Nothing;
        std::string_view value;
        if (field.value.get_string().get(value) == simdjson::SUCCESS) {
            f = handleMessage(value, offset, false, provenance, 0, depth + 1);
        } else if (const auto raw = field.value.is_object() || field.value.is_array()
                       ? rawMember(odParser, text, field.key)
                       : std::nullopt) {
            const std::uint64_t at = offset + (verbatim ? static_cast<std::size_t>(raw->data() - text.data()) : 0);
            f = known ? handleJson(*raw, at, verbatim, provenance, 0, depth + 1)
                      : handleMessage(*raw, at, verbatim, provenance, 0, depth + 1);
        }
        if (f == Found::Event || (f == Found::Container && found == Found::Nothing))
            found = f;
    }
    if (found == Found::Event)
        addShape(shape);
    return found;
}

/// A subscription filter's DATA_MESSAGE (CONTROL_MESSAGEs are skipped).
Found LogReader::Impl::handleDataMessage(simdjson::dom::object o, std::uint64_t offset, const LogProvenance& provenance,
                                         int depth)
{
    if (stringMember(o, "messageType") != "DATA_MESSAGE") {
        ++stats.controlMessages;
        return Found::Container;
    }
    LogProvenance base = provenance;
    base.logGroup = stringMember(o, "logGroup");
    base.logStream = stringMember(o, "logStream");
    handleLogEvents(o, "logEvents", offset, base, depth);
    return Found::Container;
}

/// `aws logs filter-log-events` / `get-log-events` output (one page).
Found LogReader::Impl::handleFilterLogEvents(simdjson::dom::object o, std::uint64_t offset,
                                             const LogProvenance& provenance, int depth)
{
    addShape(hasMember(o, "searchedLogStreams") || !hasMember(o, "nextForwardToken") ? "filter-log-events"
                                                                                     : "get-log-events");
    handleLogEvents(o, "events", offset, provenance, depth);
    return Found::Container;
}

/// The log events of a subscription DATA_MESSAGE ("logEvents") or an `aws logs` page ("events"): each message read
/// with its timestamp (epoch milliseconds) and, on filter-log-events pages, its log stream.
void LogReader::Impl::handleLogEvents(simdjson::dom::object o, std::string_view member, std::uint64_t offset,
                                      const LogProvenance& provenance, int depth)
{
    simdjson::dom::array events;
    if (o[member].get_array().get(events) != simdjson::SUCCESS)
        return;
    for (simdjson::dom::element e : events) {
        simdjson::dom::object logEvent;
        std::string_view message;
        if (e.get_object().get(logEvent) != simdjson::SUCCESS
            || logEvent["message"].get_string().get(message) != simdjson::SUCCESS)
            continue;
        LogProvenance p = provenance;
        const std::string stream = stringMember(logEvent, "logStreamName");
        if (!stream.empty())
            p.logStream = stream;
        if (const auto ms = intMember(logEvent, "timestamp"))
            p.logTimestamp = epochMillisText(*ms);
        handleCloudWatchMessage(message, offset, false, std::move(p), depth + 1);
    }
}

/// The event a function subscribed to a log group receives: {"awslogs":{"data":"<base64 of gzip>"}}.
Found LogReader::Impl::handleAwslogs(std::string_view data, std::uint64_t offset, const LogProvenance& provenance,
                                     int depth)
{
    auto decoded = model::base64Decode(data);
    if (!decoded) {
        ++stats.unrecoverable;
        issue(offset, "awslogs.data is not valid base64: not read");
        return Found::Event;
    }
    std::string error;
    auto json = gunzip(*decoded, error);
    if (!json) {
        ++stats.unrecoverable;
        issue(offset, "awslogs.data: " + error + ": not read");
        return Found::Event;
    }
    addShape("subscription-awslogs");
    handleMessage(*json, offset, false, provenance, 0, depth + 1);
    return Found::Container;
}

/// An event printed by Python (print(event)): read by the strict literal parser, its records marked reconstructed.
void LogReader::Impl::pythonEvent(std::string_view body, std::uint64_t offset, bool verbatim,
                                  const LogProvenance& provenance, std::size_t eventBytes)
{
    ++stats.events;
    PyReprResult converted = pythonReprToJson(body);
    if (!converted.error.empty()) {
        ++stats.unrecoverable;
        const bool cut = eventBytes + kCloudWatchEventOverhead + 4 >= kCloudWatchEventBytes;
        stats.truncated += cut ? 1 : 0;
        issue(offset + (verbatim ? converted.errorOffset : 0),
              (cut ? std::string("truncated by CloudWatch Logs (256 KB): ") : std::string())
                  + "the event printed by Python (print(event)) cannot be read: " + converted.error
                  + "; nothing imported from it");
        return;
    }
    stats.localTimes += converted.localTimes;
    addShape("python-repr");
    LogProvenance p = provenance;
    p.reconstructed = true;
    event(converted.json, offset, false, p);
    pending.back().reconstructed = true;
}

/// A value cut by CloudWatch Logs' 256 KB event limit: the records of its "Records" array that end before the cut
/// are whole and are read; the rest is lost (and counted).
void LogReader::Impl::truncatedEvent(std::string_view body, std::uint64_t offset, bool verbatim,
                                     const LogProvenance& provenance, std::size_t eventBytes)
{
    ++stats.truncated;
    const auto spans = wholeRecordsBeforeCut(body);
    for (const auto& [start, length] : spans)
        event(body.substr(start, length), offset + (verbatim ? start : 0), verbatim, provenance, true);
    issue(offset + (verbatim ? body.size() : 0),
          "truncated by CloudWatch Logs (256 KB): the log event (" + std::to_string(eventBytes)
              + " bytes) ends inside the logged event; " + std::to_string(spans.size())
              + " whole record(s) before the cut imported, the record cut there and any after it are lost");
}

LogReader::LogReader()
    : m_impl(std::make_unique<Impl>())
{
}

LogReader::~LogReader() = default;

/// Whether `rest` (a document's text from its first key, "events") is `aws logs filter-log-events` /
/// `get-log-events` output: its first log event starts with "timestamp" (get-log-events) or "logStreamName"
/// (filter-log-events), however long its message; an empty page has the tokens these commands give.
static bool looksLikeLogEventsPage(std::string_view head, std::string_view rest)
{
    std::size_t at = skipSpace(rest, std::string_view("\"events\"").size());
    if (at >= rest.size() || rest[at] != ':')
        return false;
    at = skipSpace(rest, at + 1);
    if (at >= rest.size() || rest[at] != '[')
        return false;
    at = skipSpace(rest, at + 1);
    if (at < rest.size() && rest[at] == '{') {
        const std::string_view member = rest.substr(skipSpace(rest, at + 1));
        if (startsWith(member, "\"timestamp\"") || startsWith(member, "\"logStreamName\""))
            return true;
    }
    for (const std::string_view marker : {"\"logStreamName\"", "\"ingestionTime\"", "\"nextForwardToken\"",
                                          "\"nextBackwardToken\"", "\"searchedLogStreams\""})
        if (head.find(marker) != std::string_view::npos)
            return true;
    return false;
}

bool LogReader::looksLikeLog(std::string_view head)
{
    const std::size_t first = skipSpace(head, head.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0);
    if (first >= head.size())
        return false;
    if (head[first] == '{') {
        // Subscription payloads and `aws logs` documents; Lambda JSON log lines.
        const std::size_t key = skipSpace(head, first + 1);
        const std::string_view rest = head.substr(key);
        if (startsWith(rest, "\"awslogs\"") || startsWith(rest, "\"messageType\""))
            return true;
        if (startsWith(rest, "\"events\"") && looksLikeLogEventsPage(head, rest))
            return true;
        std::string_view line = head.substr(first, head.find('\n', first) - first);
        if (trimRight(line) == "{") // indented (Powertools with POWERTOOLS_DEV): the members before a nested value
            line = head.substr(first, head.find_first_of("{[", first + 1) - first);
        if (line.find("\"level\"") != std::string_view::npos
            && (line.find("\"requestId\"") != std::string_view::npos
                || line.find("\"function_request_id\"") != std::string_view::npos
                || line.find("\"cold_start\"") != std::string_view::npos))
            return true;
        if (line.size() > 1 && line.find("Records") != std::string_view::npos
            && (line[skipSpace(line, 1)] == '\'' || std::isalpha(static_cast<unsigned char>(line[skipSpace(line, 1)]))))
            return true; // Python repr or Node inspect output
        return false;
    }
    if (head[first] == '[' && levelTokenLength(head.substr(first)) == 0)
        return false; // a JSON array (a Pipes batch), not a Python runtime line "[INFO]\t…"
    // Text: a log if one of its first lines has a runtime or `aws logs` prefix.
    std::size_t at = first;
    for (std::size_t n = 0; n < kHeadLines && at < head.size(); ++n) {
        const std::size_t nl = head.find('\n', at);
        const std::string_view line = head.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        const std::size_t iso = isoTokenLength(line);
        if ((iso > 0 && iso < line.size() && (line[iso] == ' ' || line[iso] == '\t')) || levelTokenLength(line) > 0
            || startsWith(line, "START RequestId: "))
            return true;
        if (startsWith(line, "{'") && line.find("Records") != std::string_view::npos)
            return true;
        if (nl == std::string_view::npos)
            break;
        at = nl + 1;
    }
    return false;
}

void LogReader::reset(Source source, const std::string& path)
{
    auto fresh = std::make_unique<Impl>();
    fresh->source = std::move(source);
    fresh->chunk = std::move(m_impl->chunk);
    // A CloudWatch export: <prefix>/<task id>/<log stream>/000000.gz: the folder names the log stream.
    const auto slash = path.rfind('/');
    if (slash != std::string::npos && slash > 0) {
        const auto before = path.rfind('/', slash - 1);
        fresh->exportStream = path.substr(before == std::string::npos ? 0 : before + 1,
                                          slash - (before == std::string::npos ? 0 : before + 1));
    }
    m_impl = std::move(fresh);
}

LogReader::Result LogReader::next(LogItem& item, FileFailure& failure)
{
    Impl& d = *m_impl;
    if (d.pending.empty()) {
        d.lineStarts.clear();
        Impl::Line line;
        while (d.pending.empty()) {
            std::string error;
            if (!d.readLine(line, error)) {
                if (!error.empty()) {
                    failure = FileFailure{0, d.consumed, error};
                    return Result::Error;
                }
                if (d.accumulating)
                    d.finishAccumulated(false);
                if (d.pending.empty())
                    return Result::End;
                break;
            }
            if (line.oversized) {
                d.issue(line.offset, "a log line over " + std::to_string(kMaxLineBytes >> 20) + " MiB: skipped");
                continue;
            }
            d.handleLine(line.text, line.offset);
        }
    }
    item = std::move(d.pending.front());
    d.pending.pop_front();
    return Result::Item;
}

TextPosition LogReader::position(std::uint64_t offset) const
{
    const auto& starts = m_impl->lineStarts;
    for (auto it = starts.rbegin(); it != starts.rend(); ++it)
        if (it->first <= offset)
            return TextPosition{it->second, offset - it->first + 1};
    return {};
}

const LogStats& LogReader::stats() const
{
    return m_impl->stats;
}

std::uint64_t LogReader::bytesConsumed() const
{
    return m_impl->consumed;
}

} // namespace storage
