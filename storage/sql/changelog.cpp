#include "storage/sql/changelog.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <list>
#include <map>
#include <optional>
#include <span>
#include <unordered_map>

#include <unistd.h>
#include <zlib.h>

#include "model/dynamodbjson.h"
#include "model/image.h"
#include "model/jsontext.h"
#include "model/streamrecord.h"
#include "storage/delivery/deliveryreader.h"

namespace storage {

namespace fs = std::filesystem;

std::optional<std::string> sortableSequence(std::string_view sequenceNumber)
{
    if (sequenceNumber.empty())
        return std::string();
    for (const char c : sequenceNumber) {
        if (c < '0' || c > '9')
            return std::nullopt;
    }
    const std::size_t first = sequenceNumber.find_first_not_of('0');
    const std::string_view digits =
        first == std::string_view::npos ? std::string_view("0") : sequenceNumber.substr(first);
    if (digits.size() > static_cast<std::size_t>(kChangelogSequenceDigits))
        return std::nullopt;
    return std::string(kChangelogSequenceDigits - digits.size(), '0') + std::string(digits);
}

std::string hourPartition(std::optional<std::int64_t> micros)
{
    if (!micros)
        return "__HIVE_DEFAULT_PARTITION__";
    std::int64_t seconds = *micros / 1000000;
    if (*micros % 1000000 < 0)
        --seconds;
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    if (!gmtime_r(&t, &tm))
        return "__HIVE_DEFAULT_PARTITION__";
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour);
    return text;
}

std::string changelogSchemaJson()
{
    return R"json({
  "format": "streamscope-changelog",
  "version": 2,
  "generator": "streamscope export --format changelog",
  "layout": "table=<table name, %XX-escaped>/hour=<YYYY-MM-DD-HH, UTC of time_us; __HIVE_DEFAULT_PARTITION__ when no time>/part-NNNNN.jsonl[.gz]",
  "rows": "one JSON object per line: every stored record (copy 0) and every later delivery of it the store saw (copy 1, 2, ...: duplicates and conflicting copies)",
  "columns": [
    {"name": "table_name", "type": "string", "meaning": "table name"},
    {"name": "item_key", "type": "string", "meaning": "the item's Keys as canonical DynamoDB JSON text (names sorted, numbers canonical)"},
    {"name": "event_name", "type": "string", "meaning": "INSERT, MODIFY, REMOVE (SNAPSHOT: a full-export item)"},
    {"name": "seq", "type": "string", "nullable": true, "meaning": "sequence number, zero-padded to 48 digits (sorts as text); null when the source has none"},
    {"name": "stream_arn", "type": "string", "meaning": "stream ARN (may be empty)"},
    {"name": "time_us", "type": "int64", "nullable": true, "meaning": "ApproximateCreationDateTime in microseconds UTC"},
    {"name": "ttl", "type": "boolean", "meaning": "a REMOVE by Time to Live"},
    {"name": "event_id", "type": "string", "nullable": true, "meaning": "eventID"},
    {"name": "old_image", "type": "string", "nullable": true, "meaning": "OldImage as canonical DynamoDB JSON text (N values are text: no fixed DECIMAL holds them)"},
    {"name": "new_image", "type": "string", "nullable": true, "meaning": "NewImage as canonical DynamoDB JSON text"},
    {"name": "changed", "type": "array<string>", "nullable": true, "meaning": "top-level attribute names whose value differs between OldImage and NewImage (a missing image counts as empty for INSERT and REMOVE); null for a MODIFY without both images"},
    {"name": "arrival", "type": "int64", "meaning": "arrival ordinal of the stored record (the store's record id); copies carry their original's"},
    {"name": "copy_no", "type": "int32", "meaning": "0 for the stored record, 1, 2, ... for later deliveries of it"},
    {"name": "view_type", "type": "string", "nullable": true, "meaning": "StreamViewType of the record (null when the source has none: Kinesis, exports)"},
    {"name": "compacted", "type": "boolean", "meaning": "an S3 incremental export line: the item's net change over a compacted export window (an INSERT there may follow a live item: no REMOVE is missing)"},
    {"name": "compacted_window_from_us", "type": "int64", "nullable": true, "meaning": "a compacted line's window start (exportFromTime) in microseconds UTC: its OldImage is the item then, not just before the line; null for other rows and for lines imported before windows were kept (new in version 2: a version 1 changelog has no such member, read as null)"}
  ]
}
)json";
}

namespace {

/// Canonical text of an image ("" for a null image); the delivered text when it does not decode.
std::string canonicalImage(const model::Image& image)
{
    const model::Item& item = image.item();
    if (image.decodeError())
        return image.json();
    return model::canonicalJson(item);
}

std::optional<std::vector<std::string>> changedNames(model::EventName event, const model::Image& oldImage,
                                                     const model::Image& newImage)
{
    static const model::Item empty;
    if (event == model::EventName::Modify && (oldImage.isNull() || newImage.isNull()))
        return std::nullopt;
    const model::Item& a = oldImage.isNull() ? empty : oldImage.item();
    const model::Item& b = newImage.isNull() ? empty : newImage.item();
    std::vector<std::string> names;
    auto ia = a.begin();
    auto ib = b.begin();
    while (ia != a.end() || ib != b.end()) {
        if (ib == b.end() || (ia != a.end() && ia->first < ib->first)) {
            names.push_back(ia->first);
            ++ia;
        } else if (ia == a.end() || ib->first < ia->first) {
            names.push_back(ib->first);
            ++ib;
        } else {
            if (ia->second != ib->second)
                names.push_back(ia->first);
            ++ia;
            ++ib;
        }
    }
    return names;
}

/// dynamodb.StreamViewType of a stored raw record (a conflicting copy's own); Unknown when it has none.
model::ViewType rawViewType(std::string_view raw)
{
    std::vector<model::jsontext::RawMember> members;
    if (!model::jsontext::splitObject(raw, members))
        return model::ViewType::Unknown;
    for (const auto& m : members) {
        if (m.name != "dynamodb")
            continue;
        std::vector<model::jsontext::RawMember> inner;
        if (!model::jsontext::splitObject(m.value, inner))
            return model::ViewType::Unknown;
        for (const auto& i : inner) {
            if (i.name == "StreamViewType" && i.value.size() >= 2 && i.value.front() == '"')
                return model::parseViewType(i.value.substr(1, i.value.size() - 2)).value_or(model::ViewType::Unknown);
        }
    }
    return model::ViewType::Unknown;
}

struct Row
{
    std::string table;
    std::string key;
    model::EventName event = model::EventName::Insert;
    std::string seq;
    std::string stream;
    std::optional<std::int64_t> timeUs;
    bool ttl = false;
    std::string eventId;
    model::Image oldImage;
    model::Image newImage;
    std::int64_t arrival = 0;
    int copy = 0;
    bool compacted = false; ///< an S3 incremental export line (as storage/history/keyhistory.cpp decides it)
    std::optional<std::int64_t> windowFromUs; ///< a compacted line's window start, when the store knows it
    model::ViewType viewType = model::ViewType::Unknown;
};

std::string rowJson(const Row& r)
{
    std::string out = "{\"table_name\":";
    model::jsontext::appendQuoted(out, r.table);
    out += ",\"item_key\":";
    model::jsontext::appendQuoted(out, r.key);
    out += ",\"event_name\":\"";
    out += model::eventNameText(r.event);
    out += "\",\"seq\":";
    out += r.seq.empty() ? std::string("null") : "\"" + r.seq + "\"";
    out += ",\"stream_arn\":";
    model::jsontext::appendQuoted(out, r.stream);
    out += ",\"time_us\":";
    out += r.timeUs ? std::to_string(*r.timeUs) : std::string("null");
    out += r.ttl ? ",\"ttl\":true" : ",\"ttl\":false";
    out += ",\"event_id\":";
    out += r.eventId.empty() ? std::string("null") : model::jsontext::quoted(r.eventId);
    out += ",\"old_image\":";
    out += r.oldImage.isNull() ? std::string("null") : model::jsontext::quoted(canonicalImage(r.oldImage));
    out += ",\"new_image\":";
    out += r.newImage.isNull() ? std::string("null") : model::jsontext::quoted(canonicalImage(r.newImage));
    out += ",\"changed\":";
    if (auto names = changedNames(r.event, r.oldImage, r.newImage)) {
        out += "[";
        for (std::size_t i = 0; i < names->size(); ++i) {
            if (i)
                out += ",";
            model::jsontext::appendQuoted(out, (*names)[i]);
        }
        out += "]";
    } else {
        out += "null";
    }
    out += ",\"arrival\":" + std::to_string(r.arrival);
    out += ",\"copy_no\":" + std::to_string(r.copy);
    out += ",\"view_type\":";
    out += r.viewType == model::ViewType::Unknown ? std::string("null")
                                                  : "\"" + std::string(model::viewTypeText(r.viewType)) + "\"";
    out += r.compacted ? ",\"compacted\":true" : ",\"compacted\":false";
    out += ",\"compacted_window_from_us\":";
    out += r.windowFromUs ? std::to_string(*r.windowFromUs) : std::string("null");
    out += "}\n";
    return out;
}

/// Partition files, at most kOpen open at once (least recently used closed; a partition written again later gets
/// its next part file).
class PartWriter
{
public:
    PartWriter(fs::path root, bool gzip)
        : m_root(std::move(root))
        , m_gzip(gzip)
    {
    }
    ~PartWriter() { (void)closeAll(); }
    PartWriter(const PartWriter&) = delete;
    PartWriter& operator=(const PartWriter&) = delete;

    std::optional<Error> write(const std::string& partition, const std::string& text)
    {
        auto it = m_open.find(partition);
        if (it == m_open.end()) {
            if (m_open.size() >= kOpen) {
                if (auto e = close(m_lru.back()))
                    return e;
            }
            const fs::path dir = m_root / partition;
            std::error_code ec;
            fs::create_directories(dir, ec);
            if (ec)
                return Error{Error::Kind::CannotOpen, ec.value(),
                             "cannot create " + dir.string() + ": " + ec.message()};
            int& part = m_parts[partition];
            char name[40];
            std::snprintf(name, sizeof name, "part-%05d.jsonl%s", part++, m_gzip ? ".gz" : "");
            File f;
            f.path = (dir / name).string();
            if (m_gzip)
                f.gz = gzopen(f.path.c_str(), "wbx");
            else
                f.plain = std::fopen(f.path.c_str(), "wbx");
            if (!f.gz && !f.plain) {
                const int e = errno;
                return Error{Error::Kind::CannotOpen, e, "cannot create " + f.path + ": " + std::strerror(e)};
            }
            ++m_files;
            m_lru.push_front(partition);
            f.lru = m_lru.begin();
            it = m_open.emplace(partition, std::move(f)).first;
        } else {
            m_lru.splice(m_lru.begin(), m_lru, it->second.lru);
        }
        File& f = it->second;
        const bool ok = f.gz
            ? gzwrite(f.gz, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size())
            : std::fwrite(text.data(), 1, text.size(), f.plain) == text.size();
        if (!ok) {
            const int e = errno;
            return Error{Error::Kind::CannotOpen, e, "cannot write " + f.path + ": " + std::strerror(e)};
        }
        return std::nullopt;
    }

    std::optional<Error> closeAll()
    {
        std::optional<Error> first;
        while (!m_lru.empty()) {
            if (auto e = close(m_lru.back()); e && !first)
                first = e;
        }
        return first;
    }

    std::int64_t files() const { return m_files; }
    std::int64_t partitions() const { return static_cast<std::int64_t>(m_parts.size()); }

private:
    static constexpr std::size_t kOpen = 32;
    struct File
    {
        std::string path;
        gzFile gz = nullptr;
        std::FILE* plain = nullptr;
        std::list<std::string>::iterator lru;
    };

    std::optional<Error> close(const std::string& partition)
    {
        auto it = m_open.find(partition);
        File f = std::move(it->second);
        m_lru.erase(f.lru);
        m_open.erase(it);
        const bool ok = f.gz ? gzclose(f.gz) == Z_OK : std::fclose(f.plain) == 0;
        if (!ok) {
            const int e = errno;
            return Error{Error::Kind::CannotOpen, e, "cannot write " + f.path + ": " + std::strerror(e)};
        }
        return std::nullopt;
    }

    fs::path m_root;
    bool m_gzip;
    std::unordered_map<std::string, File> m_open;
    std::list<std::string> m_lru;
    std::map<std::string, int> m_parts;
    std::int64_t m_files = 0;
};

/// Hive partition value escaping (what Hive/Athena/Spark/DuckDB read back): characters that are not safe in a
/// path segment become %XX.
std::string partitionValue(std::string_view text)
{
    std::string out;
    for (const unsigned char c : text) {
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
            || c == '_' || c == '.';
        if (safe && !(out.empty() && c == '.')) {
            out += static_cast<char>(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", c);
            out += hex;
        }
    }
    return out;
}

/// The window start of incremental export lines, read as the history reads it (Store::historyRowsByIds fills
/// RecordRow::windowFromMicros from the line's data file's source): once per data file.
class ExportWindows
{
public:
    explicit ExportWindows(Store& store)
        : m_store(store)
    {
    }

    Result<std::optional<std::int64_t>> from(const RecordRow& line)
    {
        if (auto it = m_bySource.find(line.position.sourceId); it != m_bySource.end())
            return it->second;
        const std::int64_t id = line.id;
        auto rows = m_store.historyRowsByIds(std::span(&id, 1), false, false);
        if (!rows)
            return rows.error();
        const std::optional<std::int64_t> window = rows->empty() ? std::nullopt : rows->front().windowFromMicros;
        m_bySource.emplace(line.position.sourceId, window);
        return window;
    }

private:
    Store& m_store;
    std::unordered_map<std::int64_t, std::optional<std::int64_t>> m_bySource;
};

std::string canonicalKeyText(const std::string& keysJson)
{
    auto keys = model::parseItem(keysJson);
    if (!keys)
        return keysJson;
    return model::canonicalJson(*keys.value);
}

/// The changelog row of a stored record (its copies are written from it).
Result<Row> changelogRow(RecordRow& rec, ExportWindows& windows)
{
    Row row;
    row.table = rec.tableName;
    row.key = canonicalKeyText(rec.keysJson);
    row.event = rec.eventName;
    auto seq = sortableSequence(rec.sequenceNumber);
    if (!seq)
        return invalidArgument("record " + std::to_string(rec.id) + " has the sequence number " + rec.sequenceNumber
                               + ", longer than the changelog's " + std::to_string(kChangelogSequenceDigits)
                               + " digits (nothing was written)");
    row.seq = *seq;
    row.stream = rec.streamArn;
    row.timeUs = rec.creationTimeMicros;
    row.ttl = rec.ttl;
    row.eventId = rec.eventId;
    if (rec.oldImageJson)
        row.oldImage = model::Image::fromJson(std::move(*rec.oldImageJson));
    if (rec.newImageJson)
        row.newImage = model::Image::fromJson(std::move(*rec.newImageJson));
    row.arrival = rec.id;
    row.compacted = rec.shape == "s3-incremental";
    if (row.compacted) {
        auto window = windows.from(rec);
        if (!window)
            return window.error();
        row.windowFromUs = *window;
    }
    row.viewType = rec.viewType;
    return row;
}

/// `_schema.json` in the folder being written.
std::optional<Error> writeSchema(const fs::path& staging)
{
    const std::string schema = changelogSchemaJson();
    std::FILE* f = std::fopen((staging / "_schema.json").c_str(), "wbx");
    const bool ok = f && std::fwrite(schema.data(), 1, schema.size(), f) == schema.size();
    const int e = errno;
    if (f && std::fclose(f) != 0 && ok)
        return Error{Error::Kind::CannotOpen, errno, "cannot write _schema.json: " + std::string(std::strerror(errno))};
    if (!ok)
        return Error{Error::Kind::CannotOpen, e, "cannot write _schema.json: " + std::string(std::strerror(e))};
    return std::nullopt;
}

} // namespace

Result<ChangelogReport> exportChangelog(Store& store, const RecordSelection& selection, const ChangelogOptions& options,
                                        const DeliveryProgress& progress)
{
    if (options.folder.empty())
        return invalidArgument("no output folder given");
    const fs::path target(options.folder);
    std::error_code ec;
    if (fs::exists(fs::symlink_status(target, ec))) {
        if (!fs::is_directory(fs::symlink_status(target, ec)))
            return invalidArgument(options.folder + " exists and is not a folder");
        if (!fs::is_empty(target, ec))
            return invalidArgument(options.folder
                                   + " is not empty: a changelog is written into a new or empty folder only (nothing "
                                     "was written)");
    }
    const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
    const fs::path staging = parent / (target.filename().string() + ".streamscope-partial-" + std::to_string(getpid()));
    fs::create_directories(parent, ec);
    if (!fs::create_directory(staging, ec))
        return Error{Error::Kind::CannotOpen, ec.value(),
                     "cannot create " + staging.string() + ": " + (ec ? ec.message() : std::string("it exists"))};
    struct Cleanup
    {
        fs::path path;
        bool keep = false;
        ~Cleanup()
        {
            if (!keep) {
                std::error_code e;
                fs::remove_all(path, e);
            }
        }
    } cleanup{staging};

    auto reader = DeliveryReader::open(store, selection);
    if (!reader)
        return reader.error();

    // Later deliveries of stored records (bounded by the store's duplicate and conflict lists, as the audit).
    std::unordered_map<std::int64_t, int> duplicates; // stored record id -> redeliveries
    std::unordered_map<std::int64_t, std::vector<ConflictRow>> conflicts;
    if (auto d = store.duplicates()) {
        for (const auto& row : *d)
            ++duplicates[row.recordId];
    } else {
        return d.error();
    }
    if (auto c = store.conflicts()) {
        for (auto& row : *c)
            conflicts[row.existingRecordId].push_back(std::move(row));
    } else {
        return c.error();
    }

    ExportWindows windows(store);
    ChangelogReport report;
    report.folder = options.folder;
    PartWriter writer(staging, options.gzip);
    while (true) {
        auto next = reader->next();
        if (!next)
            return next.error();
        if (!*next)
            break;
        RecordRow& rec = (*next)->row;
        auto built = changelogRow(rec, windows);
        if (!built)
            return built.error();
        Row& row = *built;
        const std::string partition =
            "table=" + partitionValue(rec.tableName) + "/hour=" + hourPartition(rec.creationTimeMicros);
        if (auto e = writer.write(partition, rowJson(row)))
            return *e;
        ++report.records;
        // Copies: duplicates carry the stored content; conflicting copies their own, in the order the store kept
        // them (after the duplicates: which came first is not recorded, and the audit does not depend on it).
        int copy = 0;
        if (auto it = duplicates.find(rec.id); it != duplicates.end()) {
            for (int i = 0; i < it->second; ++i) {
                row.copy = ++copy;
                if (auto e = writer.write(partition, rowJson(row)))
                    return *e;
                ++report.copies;
            }
        }
        if (auto it = conflicts.find(rec.id); it != conflicts.end()) {
            for (const ConflictRow& c : it->second) {
                Row other = row;
                other.key = canonicalKeyText(c.keysJson);
                other.event = c.eventName;
                other.eventId = c.eventId;
                other.timeUs = c.creationTimeMicros;
                other.oldImage = c.oldImageJson ? model::Image::fromJson(*c.oldImageJson) : model::Image();
                other.newImage = c.newImageJson ? model::Image::fromJson(*c.newImageJson) : model::Image();
                other.viewType = rawViewType(c.raw);
                other.copy = ++copy;
                if (auto e = writer.write(partition, rowJson(other)))
                    return *e;
                ++report.copies;
            }
        }
        if (progress && !progress(reader->scanned(), reader->total()))
            return Error{Error::Kind::Interrupted, 0, "cancelled: nothing was written"};
    }
    if (auto e = writer.closeAll())
        return *e;
    if (auto e = writeSchema(staging))
        return *e;
    if (fs::exists(target, ec))
        fs::remove(target, ec); // empty (checked above)
    fs::rename(staging, target, ec);
    if (ec)
        return Error{Error::Kind::CannotOpen, ec.value(),
                     "cannot move the changelog into " + options.folder + ": " + ec.message()};
    cleanup.keep = true;
    report.rows = report.records + report.copies;
    report.files = writer.files();
    report.partitions = writer.partitions();
    return report;
}

} // namespace storage
