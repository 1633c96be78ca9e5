#include "storage/import/recordnormalizer.h"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <simdjson.h>

#include "model/base64.h"
#include "model/dynamodbjson.h"
#include "model/jsontext.h"
#include "storage/import/capturetime.h"
#include "storage/import/imagevalidator.h"
#include "storage/import/syntaxlocator.h"

namespace storage {

namespace od = simdjson::ondemand;

namespace {

constexpr int kMaxNesting = 24; // wrappers inside wrappers (deep walk of snapshot files included)
constexpr std::size_t kMaxHeldIssues = 1000;

/// A piece of text with readable padding behind it, and where it starts in the file.
struct View
{
    const char* data = nullptr;
    std::size_t size = 0;
    std::size_t capacity = 0; // readable bytes from data (>= size + simdjson::SIMDJSON_PADDING)
    std::uint64_t offset = 0;
};

View subView(const View& outer, std::string_view inner)
{
    const auto delta = static_cast<std::size_t>(inner.data() - outer.data);
    return View{inner.data(), inner.size(), outer.capacity - delta, outer.offset + delta};
}

std::string_view trimRight(std::string_view text)
{
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

std::string jsonString(std::string_view text)
{
    return model::jsontext::quoted(text);
}

bool isDigits(std::string_view text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// "arn:aws:dynamodb:r:a:table/Name/stream/label" or ".../table/Name" -> "Name".
std::string tableFromArn(std::string_view arn)
{
    const auto pos = arn.find(":table/");
    if (pos == std::string_view::npos)
        return {};
    auto rest = arn.substr(pos + 7);
    const auto slash = rest.find('/');
    return std::string(slash == std::string_view::npos ? rest : rest.substr(0, slash));
}

std::string regionFromArn(std::string_view arn)
{
    // arn:partition:service:region:...
    std::size_t pos = 0;
    for (int i = 0; i < 3; ++i) {
        pos = arn.find(':', pos);
        if (pos == std::string_view::npos)
            return {};
        ++pos;
    }
    const auto end = arn.find(':', pos);
    return end == std::string_view::npos ? std::string() : std::string(arn.substr(pos, end - pos));
}

/// What a wrapper says about the records found inside it.
struct Context
{
    CaptureFormat format = CaptureFormat::Unknown; // for records found directly in this context
    std::string envelope;
    std::optional<std::uint64_t> offset; // record position to report instead of the text's own (decoded data)
    bool quiet = false;                  // deep walk: objects that are not records are no issue
    bool embedded = false;               // found by a deep walk: format EmbeddedRecords
    bool topLevel = false;               // a whole top-level value
};

/// Everything one pass over an object collects.
struct Fields
{
    // record level
    bool hasEventName = false;
    std::string eventName, eventId, eventVersion, eventSource, awsRegion, eventSourceArn, tableName, recordFormat;
    bool ttl = false;
    // dynamodb
    bool hasDynamodb = false;
    std::optional<std::string_view> keys, newImage, oldImage;
    std::string badImage;     // name of a Keys/NewImage/OldImage that is not an object
    std::string imageProblem; // first invalid Keys/NewImage/OldImage/Item (ImageValidator), with its path
    std::string duplicateKey; // a key that appears twice in the object or in its dynamodb object
    std::string recordsType;  // "Records" holds this JSON type instead of an array ("" = fine or absent)
    std::uint64_t recordsOffset = 0;
    bool sawTopKeys = false, sawTopNew = false, sawTopOld = false, sawItem = false; // valid or not
    bool hasSequence = false;
    std::string sequence;
    bool hasTime = false, timeIsString = false;
    std::string timeText, precision, viewType;
    std::optional<std::int64_t> sizeBytes;
    // kinesis
    bool hasKinesis = false, hasKinesisData = false;
    std::string kinesisData, kinesisSequence, partitionKey, arrival;
    // wrappers
    std::optional<std::string_view> records, detail, payload, dataObject, bodyObject, item, topKeys, topNew, topOld;
    std::string detailType, dataString, bodyString, ebId, ebSource, ebTime;
    bool hasNextShardIterator = false;
    bool hasMetadata = false, writeTimeIsString = false;
    std::string writeTime;
    std::string marker;                       // why this is a known non-capture object
    std::vector<std::string_view> containers; // other object/array values (deep walk)
};

struct TextHash
{
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

/// Keys of one JSON object, to find one that appears twice (objects of a record are small: a linear scan).
class KeySet
{
public:
    /// Adds `key`; false if it was already there.
    bool add(std::string_view key)
    {
        if (m_keys.size() < 64) {
            if (std::find(m_keys.begin(), m_keys.end(), key) != m_keys.end())
                return false;
            m_keys.push_back(key);
            return true;
        }
        if (m_many.empty())
            m_many.insert(m_keys.begin(), m_keys.end());
        return m_many.insert(key).second;
    }

private:
    std::vector<std::string_view> m_keys;
    std::unordered_set<std::string_view> m_many;
};

struct KeyIdentity
{
    bool ok = false;
    std::string canonicalOrError;
    std::string display; ///< model::keyDisplayText (when ok)
};

} // namespace

struct RecordNormalizer::Impl
{
    ReadOptions options;
    std::string baseName;
    std::array<std::unique_ptr<od::parser>, kMaxNesting + 2> parsers;
    std::vector<std::string> ownedTexts; // decoded Kinesis data / SQS bodies, per nesting level
    std::unordered_map<std::string, KeyIdentity, TextHash, std::equal_to<>> keyCache;
    ImageValidator validator;
    std::string problemScratch;

    std::int64_t index = 0;
    std::int64_t recordsEmitted = 0;
    std::int64_t issuesEmitted = 0;
    std::map<CaptureFormat, std::int64_t> formats;
    std::map<CaptureFormat, std::int64_t> skippedFormats; // shapes of skipped records
    std::int64_t tableFromFile = 0, tableFromOptions = 0, placeholderSequences = 0, unreadableTimes = 0;
    std::int64_t guessedKeys = 0, unknownViewTypes = 0;
    std::string guessedKeyNames;
    std::vector<std::string> markers;
    std::vector<RecordIssue> heldIssues;
    std::int64_t heldIssueCount = 0;

    std::vector<CaptureRecord>* records = nullptr;
    std::vector<RecordIssue>* issues = nullptr;

    od::parser& parserAt(int depth)
    {
        auto& p = parsers[static_cast<std::size_t>(depth)];
        if (!p)
            p = std::make_unique<od::parser>();
        return *p;
    }

    std::function<TextPosition(std::uint64_t)> locator;
    std::string iteratorStreamArn;      // from NextShardIterator (setIteratorStreamArn)
    std::int64_t tableFromIterator = 0; // records stored under it
    std::int64_t placeholderArns = 0;   // eventSourceARN present but no ARN ("stream-ARN")
    std::string placeholderArnText;     // the first such value

    RecordIssue located(std::int64_t at, std::uint64_t offset, std::string reason) const
    {
        RecordIssue result{at, offset, std::move(reason)};
        if (locator) {
            const TextPosition p = locator(offset);
            result.line = p.line;
            result.column = p.column;
        }
        return result;
    }

    void issue(std::uint64_t offset, std::string reason)
    {
        issues->push_back(located(index++, offset, std::move(reason)));
        ++issuesEmitted;
    }

    std::optional<FileFailure> failure(const View& v, simdjson::error_code code, std::string_view what = {})
    {
        std::string reason = "not valid JSON";
        if (!what.empty())
            reason += std::string(" (") + std::string(what) + ")";
        reason += ": ";
        reason += simdjson::error_message(code);
        reason += " in the value starting at byte " + std::to_string(v.offset);
        return FileFailure{index, v.offset, std::move(reason)};
    }

    /// Calls visit(name, value, type) for every member of the object `value` (returning a simdjson error code:
    /// the first one fails the file).
    template<typename Visit>
    std::optional<FileFailure> forEachMember(od::value& value, const View& v, Visit&& visit)
    {
        od::object object;
        if (auto error = value.get_object().get(object))
            return failure(v, error);
        for (auto field : object) {
            std::string_view name;
            od::json_type type;
            if (auto error = field.unescaped_key().get(name))
                return failure(v, error);
            od::value member = field.value();
            if (auto error = member.type().get(type))
                return failure(v, error);
            if (auto error = visit(name, member, type))
                return failure(v, error);
        }
        return std::nullopt;
    }

    std::optional<FileFailure> processValue(const View& v, const Context& ctx, int depth);
    std::optional<FileFailure> processArray(od::array& array, const View& v, const Context& ctx, int depth);
    std::optional<FileFailure> processObject(const Fields& f, const View& v, const Context& ctx, int depth);
    std::optional<std::optional<FileFailure>> rejectObject(const Fields& f, const View& v, const Context& ctx);
    std::optional<FileFailure> processKinesis(const Fields& f, const View& v, const Context& ctx, int depth);
    std::optional<std::string_view> wrappedRecords(const Fields& f, const Context& ctx, Context& inner);
    std::optional<FileFailure> processMessageData(const Fields& f, const View& v, const Context& ctx, int depth);
    std::optional<FileFailure> processOther(const Fields& f, const View& v, const Context& ctx, int depth);
    std::optional<FileFailure> collect(od::object& object, Fields& f, const View& v, bool wantContainers);
    simdjson::error_code collectString(std::string_view key, od::value& value, Fields& f);
    std::optional<FileFailure> collectValue(std::string_view key, od::value& value, od::json_type type, Fields& f,
                                            const View& v, bool wantContainers);
    std::optional<FileFailure> readUserIdentity(od::value& value, Fields& f, const View& v);
    std::optional<FileFailure> readKinesis(od::value& value, Fields& f, const View& v);
    std::optional<FileFailure> readMetadata(od::value& value, Fields& f, const View& v);
    std::optional<FileFailure> readDynamodb(od::value& value, Fields& f, const View& v);
    std::optional<FileFailure> readImage(od::value& value, std::string_view label,
                                         std::optional<std::string_view>& slot, Fields& f, const View& v);
    std::optional<FileFailure> emitStreamRecord(const Fields& f, const View& v, const Context& ctx);
    static CaptureFormat streamFormat(const Fields& f, const Context& ctx);
    /// Counts the shape of a record that was skipped (so a file whose records were all skipped still says what it
    /// is); `result` passes through.
    template<typename Emit>
    std::optional<FileFailure> counted(CaptureFormat format, Emit&& emit)
    {
        const std::int64_t before = issuesEmitted;
        auto result = emit();
        if (!result && issuesEmitted > before)
            ++skippedFormats[format];
        return result;
    }
    std::optional<FileFailure> emitExportRecord(const Fields& f, const View& v, const Context& ctx, int depth);
    std::optional<FileFailure> processOwned(std::string text, std::uint64_t offset, const Context& ctx, int depth);
    const KeyIdentity& keyIdentity(std::string_view keysJson);
    std::optional<FileFailure> checkEnvelope(const SplitUnit& unit, const View& v);
    void resolveTable(CaptureRecord& r, const Fields& f);
};

namespace {

#define SS_TRY(expr)                                                                                                   \
    do {                                                                                                               \
        if (auto ss_error_ = (expr))                                                                                   \
            return failure(v, ss_error_);                                                                              \
    } while (false)

} // namespace

std::optional<FileFailure> RecordNormalizer::Impl::processValue(const View& v, const Context& ctx, int depth)
{
    if (depth > kMaxNesting) {
        if (!ctx.quiet)
            issue(ctx.offset.value_or(v.offset), "wrappers nested too deeply");
        return std::nullopt;
    }
    od::parser& parser = parserAt(depth);
    od::document doc;
    if (auto error = parser.iterate(v.data, v.size, v.capacity).get(doc))
        return failure(v, error);
    od::json_type type;
    SS_TRY(doc.type().get(type));
    if (type == od::json_type::array) {
        od::array array;
        SS_TRY(doc.get_array().get(array));
        return processArray(array, v, ctx, depth);
    }
    if (type != od::json_type::object) {
        if (!ctx.quiet)
            issue(ctx.offset.value_or(v.offset), "not a JSON object (a stream record is an object)");
        return std::nullopt;
    }
    od::object object;
    SS_TRY(doc.get_object().get(object));
    Fields f;
    if (auto failed = collect(object, f, v, ctx.quiet || ctx.topLevel))
        return failed;
    return processObject(f, v, ctx, depth);
}

// What one object is: a record (stream or export shape), a wrapper around records, or something else.
std::optional<FileFailure> RecordNormalizer::Impl::processObject(const Fields& f, const View& v, const Context& ctx,
                                                                 int depth)
{
    if (auto rejected = rejectObject(f, v, ctx))
        return *rejected;
    if (f.hasDynamodb)
        return counted(streamFormat(f, ctx), [&] { return emitStreamRecord(f, v, ctx); });
    if (f.hasKinesis)
        return processKinesis(f, v, ctx, depth);
    Context inner;
    if (auto wrapped = wrappedRecords(f, ctx, inner))
        return processValue(subView(v, *wrapped), inner, depth + 1);
    if (f.topKeys && (f.hasMetadata || f.topNew || f.topOld))
        return counted(ctx.embedded ? CaptureFormat::EmbeddedRecords : CaptureFormat::S3Incremental,
                       [&] { return emitExportRecord(f, v, ctx, depth); });
    if (f.item)
        return counted(ctx.embedded ? CaptureFormat::EmbeddedRecords : CaptureFormat::S3FullExport,
                       [&] { return emitExportRecord(f, v, ctx, depth); });
    if (f.dataObject || !f.dataString.empty() || !f.bodyString.empty() || f.bodyObject)
        return processMessageData(f, v, ctx, depth);
    return processOther(f, v, ctx, depth);
}

// An object that is refused as a whole: a key twice, Records not an array, an invalid export image. nullopt: not
// refused; else what processValue returns (a failure of the file, or nullopt after an issue).
std::optional<std::optional<FileFailure>> RecordNormalizer::Impl::rejectObject(const Fields& f, const View& v,
                                                                               const Context& ctx)
{
    const std::uint64_t at = ctx.offset.value_or(v.offset);
    const bool envelope = f.records || f.payload || !f.recordsType.empty();
    if (!f.duplicateKey.empty()) {
        if (envelope && !f.hasDynamodb && !ctx.quiet)
            return FileFailure{index, at,
                               "key \"" + f.duplicateKey + "\" appears twice in the event object starting at byte "
                                   + std::to_string(at)
                                   + " (an envelope around records; which value counts would depend on the reader)"};
        if (f.hasDynamodb || f.hasKinesis || f.detail || f.sawItem || f.sawTopKeys) {
            issue(at,
                  "key \"" + f.duplicateKey
                      + "\" appears twice in the record (which value counts would depend on the reader)");
            return std::optional<FileFailure>();
        }
    }
    if (!f.recordsType.empty() && !f.hasDynamodb && !ctx.quiet)
        return FileFailure{index, f.recordsOffset,
                           "Records is not an array (found " + f.recordsType + " at byte "
                               + std::to_string(f.recordsOffset) + ")"};
    if (!f.hasDynamodb && !f.imageProblem.empty()
        && ((f.sawTopKeys && (f.hasMetadata || f.sawTopNew || f.sawTopOld)) || f.sawItem)) {
        issue(at, f.imageProblem);
        ++skippedFormats[ctx.embedded                     ? CaptureFormat::EmbeddedRecords
                             : f.sawTopKeys && !f.sawItem ? CaptureFormat::S3Incremental
                                                          : CaptureFormat::S3FullExport];
        return std::optional<FileFailure>();
    }
    return std::nullopt;
}

// A Kinesis Data Streams record (Lambda's kinesis event): the DynamoDB change record is base64 in kinesis.data.
std::optional<FileFailure> RecordNormalizer::Impl::processKinesis(const Fields& f, const View& v, const Context& ctx,
                                                                  int depth)
{
    if (!f.hasKinesisData) {
        issue(ctx.offset.value_or(v.offset), "Kinesis record without kinesis.data");
        return std::nullopt;
    }
    auto decoded = model::base64Decode(f.kinesisData);
    if (!decoded) {
        issue(ctx.offset.value_or(v.offset), "kinesis.data is not valid base64");
        return std::nullopt;
    }
    Context inner;
    inner.format = CaptureFormat::KinesisLambda;
    inner.offset = ctx.offset.value_or(v.offset);
    inner.embedded = ctx.embedded;
    inner.envelope = "{\"type\":\"kinesis\",\"eventSourceARN\":" + jsonString(f.eventSourceArn)
        + ",\"eventID\":" + jsonString(f.eventId) + ",\"partitionKey\":" + jsonString(f.partitionKey)
        + ",\"sequenceNumber\":" + jsonString(f.kinesisSequence)
        + ",\"approximateArrivalTimestamp\":" + (f.arrival.empty() ? "null" : f.arrival) + "}";
    const auto first = decoded->find_first_not_of(" \t\r\n");
    if (first == std::string::npos || (*decoded)[first] != '{') {
        issue(*inner.offset, "kinesis.data does not hold a DynamoDB change record (not a JSON object)");
        return std::nullopt;
    }
    return processOwned(std::move(*decoded), *inner.offset, inner, depth + 1);
}

// The records inside a wrapper of records (a Lambda event's Records, an EventBridge detail, an on-failure
// destination's payload) and their context in `inner`; nullopt when `f` is none of these.
std::optional<std::string_view> RecordNormalizer::Impl::wrappedRecords(const Fields& f, const Context& ctx,
                                                                       Context& inner)
{
    inner.embedded = ctx.embedded;
    if (f.records) {
        inner.quiet = false;
        inner.format = ctx.format == CaptureFormat::OnFailureDestination ? ctx.format
            : f.hasNextShardIterator                                     ? CaptureFormat::GetRecords
                                                                         : CaptureFormat::LambdaDynamoDb;
        inner.envelope = ctx.envelope;
        return f.records;
    }
    if (f.detail && (f.detailType.find("aws:dynamodb") != std::string::npos || f.detailType.empty())) {
        inner.format = CaptureFormat::EventBridgeEvent;
        inner.quiet = ctx.quiet && f.detailType.empty();
        inner.envelope = "{\"type\":\"eventbridge\",\"id\":" + jsonString(f.ebId)
            + ",\"source\":" + jsonString(f.ebSource) + ",\"time\":" + jsonString(f.ebTime)
            + ",\"detail-type\":" + jsonString(f.detailType) + "}";
        return f.detail;
    }
    if (f.payload) {
        inner.format = CaptureFormat::OnFailureDestination;
        inner.quiet = ctx.quiet;
        inner.envelope = "{\"type\":\"on-failure-destination\"}";
        return f.payload;
    }
    return std::nullopt;
}

// Records carried as a message's data or body (a Kinesis record's Data, an SQS/SNS body): an object, or JSON
// text (base64 for data). Quiet: data that is no record is no issue.
std::optional<FileFailure> RecordNormalizer::Impl::processMessageData(const Fields& f, const View& v,
                                                                      const Context& ctx, int depth)
{
    Context inner;
    inner.embedded = ctx.embedded;
    inner.quiet = true;
    if (f.dataObject) {
        inner.format = CaptureFormat::KinesisRecord;
        return processValue(subView(v, *f.dataObject), inner, depth + 1);
    }
    inner.offset = ctx.offset.value_or(v.offset);
    if (f.bodyObject)
        return processValue(subView(v, *f.bodyObject), inner, depth + 1);
    std::string text = f.bodyString;
    if (text.empty()) {
        auto decoded = model::base64Decode(f.dataString);
        if (!decoded)
            return std::nullopt;
        text = std::move(*decoded);
        inner.format = CaptureFormat::KinesisRecord;
    }
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos || (text[first] != '{' && text[first] != '['))
        return std::nullopt;
    // A string that is not JSON is not a failure of the file (quiet context).
    return processOwned(std::move(text), *inner.offset, inner, depth + 1);
}

// Not a record and no wrapper we know: a known non-capture object (marker), or a value to search for records
// (the deep walk of top-level values and quiet contexts), or an issue.
std::optional<FileFailure> RecordNormalizer::Impl::processOther(const Fields& f, const View& v, const Context& ctx,
                                                                int depth)
{
    if (!f.marker.empty()) {
        if (ctx.topLevel && std::find(markers.begin(), markers.end(), f.marker) == markers.end())
            markers.push_back(f.marker);
        return std::nullopt;
    }
    if (!ctx.quiet && !ctx.topLevel) {
        issue(ctx.offset.value_or(v.offset), "not a DynamoDB stream record (no dynamodb object)");
        return std::nullopt;
    }
    const auto before = recordsEmitted + issuesEmitted;
    Context inner;
    inner.quiet = true;
    inner.embedded = true;
    for (const auto& container : f.containers)
        if (auto failed = processValue(subView(v, container), inner, depth + 1))
            return failed;
    if (ctx.topLevel && recordsEmitted + issuesEmitted == before) {
        // A top-level value that holds nothing: an issue if the file is a capture, else "not a capture".
        ++heldIssueCount;
        if (recordsEmitted > 0)
            issue(v.offset, "not a DynamoDB stream record (no dynamodb object)");
        else if (heldIssues.size() < kMaxHeldIssues)
            heldIssues.push_back(located(-1, v.offset, "not a DynamoDB stream record (no dynamodb object)"));
    }
    return std::nullopt;
}

std::optional<FileFailure> RecordNormalizer::Impl::processArray(od::array& array, const View& v, const Context& ctx,
                                                                int depth)
{
    for (auto element : array) {
        od::value value;
        SS_TRY(element.get(value));
        od::json_type type;
        SS_TRY(value.type().get(type));
        std::string_view raw;
        if (type == od::json_type::object) {
            od::object object;
            SS_TRY(value.get_object().get(object));
            SS_TRY(object.raw_json().get(raw));
        } else if (type == od::json_type::array) {
            od::array inner;
            SS_TRY(value.get_array().get(inner));
            SS_TRY(inner.raw_json().get(raw));
        } else {
            std::string_view token;
            token = value.raw_json_token();
            if (!ctx.quiet)
                issue(ctx.offset.value_or(subView(v, token).offset), "array element is not a JSON object");
            continue;
        }
        Context inner = ctx;
        inner.topLevel = false;
        if (auto failed = processValue(subView(v, trimRight(raw)), inner, depth + 1))
            return failed;
    }
    return std::nullopt;
}

std::optional<FileFailure> RecordNormalizer::Impl::processOwned(std::string text, std::uint64_t offset,
                                                                const Context& ctx, int depth)
{
    text.reserve(text.size() + simdjson::SIMDJSON_PADDING);
    if (depth > kMaxNesting)
        return std::nullopt;
    const auto slot = static_cast<std::size_t>(depth);
    ownedTexts[slot] = std::move(text);
    const std::string& owned = ownedTexts[slot];
    View inner{owned.data(), owned.size(), owned.capacity(), offset};
    Context c = ctx;
    c.offset = offset;
    auto failed = processValue(inner, c, depth);
    if (failed && ctx.quiet)
        return std::nullopt;
    if (failed)
        failed->reason += " (inside a decoded/embedded payload)";
    return failed;
}

std::optional<FileFailure> RecordNormalizer::Impl::readDynamodb(od::value& value, Fields& f, const View& v)
{
    od::object object;
    SS_TRY(value.get_object().get(object));
    f.hasDynamodb = true;
    KeySet seen;
    for (auto field : object) {
        std::string_view key;
        SS_TRY(field.unescaped_key().get(key));
        if (!seen.add(key) && f.duplicateKey.empty())
            f.duplicateKey = "dynamodb." + std::string(key);
        od::value item = field.value();
        od::json_type type;
        SS_TRY(item.type().get(type));
        if (key == "Keys" || key == "NewImage" || key == "OldImage") {
            if (type == od::json_type::null)
                continue;
            if (type != od::json_type::object) {
                f.badImage = std::string(key);
                continue;
            }
            if (auto failed = readImage(item, key,
                                        key == "Keys"           ? f.keys
                                            : key == "NewImage" ? f.newImage
                                                                : f.oldImage,
                                        f, v))
                return failed;
        } else if (key == "SequenceNumber") {
            f.hasSequence = true;
            std::string_view text;
            if (type == od::json_type::string) {
                SS_TRY(item.get_string().get(text));
            } else if (type == od::json_type::number) {
                text = item.raw_json_token();
                text = trimRight(text);
            }
            f.sequence = std::string(text);
        } else if (key == "ApproximateCreationDateTime") {
            std::string_view text;
            if (type == od::json_type::number) {
                text = item.raw_json_token();
                f.timeText = std::string(trimRight(text));
                f.hasTime = true;
            } else if (type == od::json_type::string) {
                SS_TRY(item.get_string().get(text));
                f.timeText = std::string(text);
                f.timeIsString = true;
                f.hasTime = true;
            }
        } else if (key == "ApproximateCreationDateTimePrecision" || key == "StreamViewType") {
            if (type == od::json_type::string) {
                std::string_view text;
                SS_TRY(item.get_string().get(text));
                (key == "StreamViewType" ? f.viewType : f.precision) = std::string(text);
            }
        } else if (key == "SizeBytes") {
            if (type == od::json_type::number) {
                std::int64_t size = 0;
                if (!item.get_int64().get(size))
                    f.sizeBytes = size;
            }
        }
    }
    return std::nullopt;
}

std::optional<FileFailure> RecordNormalizer::Impl::readImage(od::value& value, std::string_view label,
                                                             std::optional<std::string_view>& slot, Fields& f,
                                                             const View& v)
{
    std::string_view raw;
    if (auto error = validator.check(value, label, raw, problemScratch))
        return failure(v, error, label);
    if (!problemScratch.empty()) {
        if (f.imageProblem.empty())
            f.imageProblem = problemScratch;
        return std::nullopt;
    }
    slot = raw;
    return std::nullopt;
}

namespace {

simdjson::error_code copyString(od::value& value, std::string& out)
{
    std::string_view text;
    auto error = value.get_string().get(text);
    if (!error)
        out = std::string(text);
    return error;
}

/// The text of an object or array value (trailing whitespace trimmed).
simdjson::error_code rawContainer(od::value& value, bool isObject, std::string_view& out)
{
    std::string_view raw;
    if (isObject) {
        od::object o;
        if (auto error = value.get_object().get(o))
            return error;
        if (auto error = o.raw_json().get(raw))
            return error;
    } else {
        od::array a;
        if (auto error = value.get_array().get(a))
            return error;
        if (auto error = a.raw_json().get(raw))
            return error;
    }
    out = trimRight(raw);
    return simdjson::SUCCESS;
}

/// A number's text, or the contents of a string (the JSON type is `type`); other types leave `out` alone.
simdjson::error_code numberText(od::value& value, od::json_type type, std::string& out)
{
    if (type == od::json_type::number) {
        std::string_view token = value.raw_json_token();
        out = std::string(trimRight(token));
        return simdjson::SUCCESS;
    }
    if (type == od::json_type::string)
        return copyString(value, out);
    return simdjson::SUCCESS;
}

} // namespace

// A record's string members, kept by name (an object of many record shapes: only some of these apply).
simdjson::error_code RecordNormalizer::Impl::collectString(std::string_view key, od::value& value, Fields& f)
{
    if (key == "eventName") {
        f.hasEventName = true;
        return copyString(value, f.eventName);
    }
    std::string* slot = key == "eventID"    ? &f.eventId
        : key == "eventVersion"             ? &f.eventVersion
        : key == "eventSource"              ? &f.eventSource
        : key == "awsRegion"                ? &f.awsRegion
        : key == "eventSourceARN"           ? &f.eventSourceArn
        : key == "tableName"                ? &f.tableName
        : key == "recordFormat"             ? &f.recordFormat
        : key == "detail-type"              ? &f.detailType
        : key == "id"                       ? &f.ebId
        : key == "source"                   ? &f.ebSource
        : key == "time"                     ? &f.ebTime
        : key == "data" || key == "Data"    ? &f.dataString
        : key == "body" || key == "Message" ? &f.bodyString
                                            : nullptr;
    if (slot)
        return copyString(value, *slot);
    if (key == "NextShardIterator")
        f.hasNextShardIterator = true;
    else if (key == "dataFileS3Key")
        f.marker = "an S3 export manifest-files line (dataFileS3Key), not a capture";
    else if (key == "exportArn" || key == "manifestFilesS3Key")
        f.marker = "an S3 export manifest-summary, not a capture";
    return simdjson::SUCCESS;
}

// userIdentity {type Service, principalId dynamodb.amazonaws.com}: a TTL deletion.
std::optional<FileFailure> RecordNormalizer::Impl::readUserIdentity(od::value& value, Fields& f, const View& v)
{
    std::string identityType, principal;
    auto failed = forEachMember(value, v, [&](std::string_view name, od::value& member, od::json_type type) {
        if (type != od::json_type::string)
            return simdjson::SUCCESS;
        if (name == "type")
            return copyString(member, identityType);
        if (name == "principalId")
            return copyString(member, principal);
        return simdjson::SUCCESS;
    });
    f.ttl = identityType == "Service" && principal == "dynamodb.amazonaws.com";
    return failed;
}

std::optional<FileFailure> RecordNormalizer::Impl::readKinesis(od::value& value, Fields& f, const View& v)
{
    f.hasKinesis = true;
    return forEachMember(value, v, [&](std::string_view name, od::value& member, od::json_type type) {
        if (type == od::json_type::number && name == "approximateArrivalTimestamp")
            return numberText(member, type, f.arrival);
        if (type != od::json_type::string)
            return simdjson::SUCCESS;
        if (name == "data") {
            f.hasKinesisData = true;
            return copyString(member, f.kinesisData);
        }
        if (name == "sequenceNumber")
            return copyString(member, f.kinesisSequence);
        if (name == "partitionKey")
            return copyString(member, f.partitionKey);
        return simdjson::SUCCESS;
    });
}

// An S3 incremental export's Metadata: WriteTimestampMicros as a number, a string or {"N": …}.
std::optional<FileFailure> RecordNormalizer::Impl::readMetadata(od::value& value, Fields& f, const View& v)
{
    f.hasMetadata = true;
    od::object metadata;
    SS_TRY(value.get_object().get(metadata));
    for (auto member : metadata) {
        std::string_view name;
        SS_TRY(member.unescaped_key().get(name));
        if (name != "WriteTimestampMicros")
            continue;
        od::value ts = member.value();
        od::json_type tsType;
        SS_TRY(ts.type().get(tsType));
        if (tsType == od::json_type::object) {
            auto failed = forEachMember(ts, v, [&](std::string_view nName, od::value& n, od::json_type nType) {
                return nName == "N" ? numberText(n, nType, f.writeTime) : simdjson::SUCCESS;
            });
            if (failed)
                return failed;
            continue;
        }
        SS_TRY(numberText(ts, tsType, f.writeTime));
        f.writeTimeIsString = f.writeTimeIsString || tsType == od::json_type::string;
    }
    return std::nullopt;
}

std::optional<FileFailure> RecordNormalizer::Impl::collect(od::object& object, Fields& f, const View& v,
                                                           bool wantContainers)
{
    KeySet seen;
    for (auto field : object) {
        std::string_view key;
        SS_TRY(field.unescaped_key().get(key));
        if (!seen.add(key) && f.duplicateKey.empty())
            f.duplicateKey = std::string(key);
        od::value value = field.value();
        od::json_type type;
        SS_TRY(value.type().get(type));
        if (key == "Records" && type != od::json_type::array) {
            static constexpr std::string_view kNames[] = {"an array", "an object", "a number",
                                                          "a string", "a boolean", "null"};
            f.recordsType = std::string(kNames[static_cast<int>(type) - 1]);
            f.recordsOffset = subView(v, value.raw_json_token()).offset;
        }
        if (type == od::json_type::string) {
            SS_TRY(collectString(key, value, f));
            continue;
        }
        if (auto failed = collectValue(key, value, type, f, v, wantContainers))
            return failed;
    }
    return std::nullopt;
}

// A member of a record (or wrapper) that is not a string.
std::optional<FileFailure> RecordNormalizer::Impl::collectValue(std::string_view key, od::value& value,
                                                                od::json_type type, Fields& f, const View& v,
                                                                bool wantContainers)
{
    const bool isObject = type == od::json_type::object;
    if (key == "dynamodb" && isObject)
        return readDynamodb(value, f, v);
    if (key == "userIdentity" && isObject)
        return readUserIdentity(value, f, v);
    if (key == "kinesis" && isObject)
        return readKinesis(value, f, v);
    if (key == "Metadata" && isObject)
        return readMetadata(value, f, v);
    if (key == "Records" && type == od::json_type::array) {
        std::string_view raw;
        SS_TRY(rawContainer(value, false, raw));
        f.records = raw;
    } else if (isObject && (key == "Keys" || key == "NewImage" || key == "OldImage" || key == "Item")) {
        auto& slot = key == "Keys" ? f.topKeys : key == "NewImage" ? f.topNew : key == "OldImage" ? f.topOld : f.item;
        (key == "Keys"           ? f.sawTopKeys
             : key == "NewImage" ? f.sawTopNew
             : key == "OldImage" ? f.sawTopOld
                                 : f.sawItem) = true;
        return readImage(value, key, slot, f, v);
    } else if (isObject && (key == "detail" || key == "payload" || key == "Data" || key == "data" || key == "body")) {
        auto& slot = key == "detail" ? f.detail
            : key == "payload"       ? f.payload
            : key == "body"          ? f.bodyObject
                                     : f.dataObject;
        std::string_view raw;
        SS_TRY(rawContainer(value, true, raw));
        slot = raw;
    } else if (key == "batchItemFailures") {
        f.marker = "a Lambda partial batch response (batchItemFailures), not a capture";
    } else if (key == "StreamDescription") {
        f.marker = "a DynamoDB Streams DescribeStream response (shards, no records), not a capture";
    } else if (key == "DDBStreamBatchInfo" || key == "requestContext") {
        if (f.marker.empty())
            f.marker = "an on-failure destination record without the records (SQS/SNS destinations carry only "
                       "DDBStreamBatchInfo), not a capture";
    } else if (key == "state" && isObject) {
        if (f.marker.empty())
            f.marker = "a tumbling-window response (state), not a capture";
    } else if (wantContainers && (isObject || type == od::json_type::array)) {
        std::string_view raw;
        SS_TRY(rawContainer(value, isObject, raw));
        f.containers.push_back(raw);
    }
    return std::nullopt;
}

const KeyIdentity& RecordNormalizer::Impl::keyIdentity(std::string_view keysJson)
{
    auto it = keyCache.find(keysJson);
    if (it != keyCache.end())
        return it->second;
    if (keyCache.size() > 200000)
        keyCache.clear();
    KeyIdentity identity;
    auto decoded = model::parseItem(keysJson);
    if (!decoded) {
        identity.canonicalOrError =
            "invalid Keys: " + decoded.error.message + (decoded.error.path.empty() ? "" : " at " + decoded.error.path);
    } else if (decoded.value->empty()) {
        identity.canonicalOrError = "Keys is an empty map";
    } else {
        std::string problem;
        for (const auto& valueIssue : model::validate(*decoded.value)) {
            if (valueIssue.kind == model::ValueIssue::Kind::InvalidBase64
                || valueIssue.kind == model::ValueIssue::Kind::InvalidNumber) {
                problem = "invalid Keys: " + valueIssue.path + ": " + valueIssue.reason;
                break;
            }
        }
        if (problem.empty()) {
            identity.ok = true;
            identity.canonicalOrError = model::canonicalJson(*decoded.value);
            identity.display = model::keyDisplayText(*decoded.value);
        } else {
            identity.canonicalOrError = std::move(problem);
        }
    }
    return keyCache.emplace(std::string(keysJson), std::move(identity)).first->second;
}

std::optional<FileFailure> RecordNormalizer::Impl::checkEnvelope(const SplitUnit& unit, const View& v)
{
    // The value around streamed records, with those emptied: valid JSON, and no key twice in any object of it (which
    // value counts would depend on the reader; `{"Records":[…],"Records":[…]}` is two batches or one).
    od::parser& parser = parserAt(0);
    od::document doc;
    std::string key;
    const char* where = nullptr;
    auto error = parser.iterate(v.data, v.size, v.capacity).get(doc);
    od::value root;
    if (!error)
        error = doc.get_value().get(root);
    if (!error)
        error = findDuplicateKey(root, key, where);
    if (error) {
        auto failed = failure(v, error, "the event around the records");
        return failed;
    }
    if (key.empty())
        return std::nullopt;
    const std::uint64_t at = unit.streamOffset(static_cast<std::size_t>(where - v.data));
    return FileFailure{index, at,
                       "key " + jsonString(key.size() > 64 ? key.substr(0, 64) + "..." : key)
                           + " appears twice in an object of the event around the records (at byte "
                           + std::to_string(at) + "; which value counts would depend on the reader)"};
}

void RecordNormalizer::Impl::resolveTable(CaptureRecord& r, const Fields& f)
{
    if (!f.eventSourceArn.empty()) {
        r.table = tableFromArn(f.eventSourceArn);
        if (f.eventSourceArn.find("/stream/") != std::string::npos)
            r.streamArn = f.eventSourceArn;
    }
    if (r.table.empty() && !f.eventSourceArn.empty() && f.tableName.empty()) {
        // A placeholder ("stream-ARN" in documentation samples): said so, then handled like a missing ARN.
        if (placeholderArns++ == 0)
            placeholderArnText = f.eventSourceArn.substr(0, 80);
    }
    if (r.table.empty() && !f.tableName.empty())
        r.table = f.tableName;
    if (r.table.empty() && !options.streamArn.empty()) {
        r.table = tableFromArn(options.streamArn);
        r.streamArn = options.streamArn;
        ++tableFromOptions;
    }
    if (r.table.empty() && !options.table.empty()) {
        r.table = options.table;
        ++tableFromOptions;
    }
    if (r.table.empty() && !iteratorStreamArn.empty()) {
        r.table = tableFromArn(iteratorStreamArn);
        r.streamArn = iteratorStreamArn;
        ++tableFromIterator;
    }
    if (r.table.empty()) {
        r.table = baseName.empty() ? std::string("capture") : baseName;
        ++tableFromFile;
    }
    r.region = f.awsRegion;
    if (r.region.empty())
        r.region = regionFromArn(!f.eventSourceArn.empty() ? f.eventSourceArn : r.streamArn);
}

CaptureFormat RecordNormalizer::Impl::streamFormat(const Fields& f, const Context& ctx)
{
    CaptureFormat format = ctx.embedded ? CaptureFormat::EmbeddedRecords : ctx.format;
    if (!ctx.embedded) {
        const bool kds = !f.tableName.empty() || !f.recordFormat.empty();
        if (format == CaptureFormat::Unknown)
            format = kds ? CaptureFormat::KinesisRecord : CaptureFormat::BareRecord;
        else if (kds && format != CaptureFormat::KinesisLambda)
            format = CaptureFormat::KinesisRecord;
        else if (format == CaptureFormat::LambdaDynamoDb && f.eventSourceArn.empty())
            format = CaptureFormat::GetRecords;
    }
    return format;
}

std::optional<FileFailure> RecordNormalizer::Impl::emitStreamRecord(const Fields& f, const View& v, const Context& ctx)
{
    const std::uint64_t offset = ctx.offset.value_or(v.offset);
    if (!f.badImage.empty()) {
        issue(offset, "dynamodb." + f.badImage + " is not a map");
        return std::nullopt;
    }
    if (!f.imageProblem.empty()) {
        issue(offset, f.imageProblem);
        return std::nullopt;
    }
    if (!f.keys) {
        issue(offset, "missing dynamodb.Keys");
        return std::nullopt;
    }
    model::EventName eventName;
    if (!f.hasEventName) {
        issue(offset, "missing eventName");
        return std::nullopt;
    }
    if (f.eventName == "INSERT")
        eventName = model::EventName::Insert;
    else if (f.eventName == "MODIFY")
        eventName = model::EventName::Modify;
    else if (f.eventName == "REMOVE")
        eventName = model::EventName::Remove;
    else {
        issue(offset, "unknown eventName \"" + f.eventName + "\" (expected INSERT, MODIFY or REMOVE)");
        return std::nullopt;
    }
    const KeyIdentity& identity = keyIdentity(*f.keys);
    if (!identity.ok) {
        issue(offset, identity.canonicalOrError);
        return std::nullopt;
    }

    CaptureRecord r;
    r.recordIndex = index++;
    r.byteOffset = offset;
    r.raw.assign(v.data, v.size);
    r.envelope = ctx.envelope;
    r.keyCanonical = identity.canonicalOrError;
    r.keyDisplay = identity.display;
    auto span = [&](std::string_view inner) {
        return TextSpan{static_cast<std::size_t>(inner.data() - v.data), inner.size()};
    };
    r.keys = span(*f.keys);
    if (f.newImage)
        r.newImage = span(*f.newImage);
    if (f.oldImage)
        r.oldImage = span(*f.oldImage);
    r.eventName = eventName;
    r.eventId = f.eventId;
    r.ttl = f.ttl;
    r.sizeBytes = f.sizeBytes;
    if (f.hasSequence) {
        if (isDigits(f.sequence))
            r.sequenceNumber = f.sequence;
        else
            ++placeholderSequences;
    }
    if (!f.viewType.empty()) {
        if (auto parsed = model::parseViewType(f.viewType))
            r.viewType = *parsed;
        else
            ++unknownViewTypes;
    }
    if (f.hasTime) {
        r.creationTimeText = f.timeText;
        TimeUnit forced = TimeUnit::Unknown;
        if (f.precision == "MICROSECOND")
            forced = TimeUnit::Microseconds;
        else if (f.precision == "MILLISECOND")
            forced = TimeUnit::Milliseconds;
        const NormalisedTime t =
            f.timeIsString ? normaliseTimeString(f.timeText) : normaliseEpochNumber(f.timeText, forced);
        r.creationTimeMicros = t.micros;
        r.creationTimeUnit = t.unit;
        if (!t.micros)
            ++unreadableTimes;
    }
    resolveTable(r, f);

    const CaptureFormat format = streamFormat(f, ctx);
    r.format = format;
    ++formats[format];
    ++recordsEmitted;
    records->push_back(std::move(r));
    return std::nullopt;
}

std::optional<FileFailure> RecordNormalizer::Impl::emitExportRecord(const Fields& f, const View& v, const Context& ctx,
                                                                    int depth)
{
    const std::uint64_t offset = ctx.offset.value_or(v.offset);
    CaptureRecord r;
    r.byteOffset = offset;
    r.raw.assign(v.data, v.size);
    r.envelope = ctx.envelope;
    auto span = [&](std::string_view inner) {
        return TextSpan{static_cast<std::size_t>(inner.data() - v.data), inner.size()};
    };
    std::string_view keysText;
    if (f.topKeys) {
        // S3 incremental export line.
        r.format = CaptureFormat::S3Incremental;
        r.keys = span(*f.topKeys);
        keysText = *f.topKeys;
        if (f.topNew)
            r.newImage = span(*f.topNew);
        if (f.topOld)
            r.oldImage = span(*f.topOld);
        r.eventName = f.topNew && f.topOld ? model::EventName::Modify
            : f.topNew                     ? model::EventName::Insert
                                           : model::EventName::Remove;
        if (!f.writeTime.empty()) {
            r.creationTimeText = f.writeTime;
            const auto t = normaliseEpochNumber(f.writeTime, TimeUnit::Microseconds);
            r.creationTimeMicros = t.micros;
            r.creationTimeUnit = t.micros ? TimeUnit::Microseconds : TimeUnit::Unknown;
            if (!t.micros)
                ++unreadableTimes;
        }
    } else {
        // S3 full export line: a baseline snapshot of the item; Keys taken from the key attributes.
        r.format = CaptureFormat::S3FullExport;
        r.eventName = model::EventName::Snapshot;
        r.newImage = span(*f.item);
        od::parser& parser = parserAt(depth + 1);
        const View item = subView(v, *f.item);
        od::document doc;
        SS_TRY(parser.iterate(item.data, item.size, item.capacity).get(doc));
        od::object object;
        SS_TRY(doc.get_object().get(object));
        std::vector<std::pair<std::string, std::string_view>> attributes;
        for (auto field : object) {
            std::string_view name;
            SS_TRY(field.unescaped_key().get(name));
            od::value value = field.value();
            od::object o;
            std::string_view raw;
            if (value.get_object().get(o) || o.raw_json().get(raw))
                continue;
            attributes.emplace_back(std::string(name), trimRight(raw));
        }
        auto find = [&](std::string_view name) -> const std::string_view* {
            for (const auto& [n, raw] : attributes)
                if (n == name)
                    return &raw;
            return nullptr;
        };
        std::vector<std::string> names = options.keyAttributes;
        if (names.empty()) {
            static const std::vector<std::vector<std::string>> candidates = {
                {"pk", "sk"}, {"PK", "SK"}, {"Pk", "Sk"}, {"pk"}, {"PK"}, {"id"}, {"Id"}, {"ID"}};
            for (const auto& candidate : candidates) {
                if (std::all_of(candidate.begin(), candidate.end(), [&](const std::string& n) { return find(n); })) {
                    names = candidate;
                    break;
                }
            }
            if (names.empty()) {
                // Next best: the first attribute named like an identifier (productId, order_id, ...).
                for (const auto& attribute : attributes) {
                    const std::string& n =
                        attribute.first; // named, not a structured binding: clang 14 cannot capture those
                    const auto ends = [&](std::string_view suffix) {
                        return n.size() > suffix.size()
                            && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0;
                    };
                    if (ends("Id") || ends("ID") || ends("_id")) {
                        names = {n};
                        break;
                    }
                }
            }
            if (!names.empty()) {
                ++guessedKeys;
                std::string joined;
                for (const auto& n : names)
                    joined += (joined.empty() ? "" : ", ") + n;
                guessedKeyNames = joined;
            }
        }
        if (names.empty()) {
            issue(offset, "full-export item: key attributes unknown (pass --key-attributes)");
            return std::nullopt;
        }
        r.builtKeys = "{";
        for (const auto& n : names) {
            const auto* raw = find(n);
            if (!raw) {
                issue(offset, "full-export item lacks key attribute \"" + n + "\"");
                return std::nullopt;
            }
            if (r.builtKeys.size() > 1)
                r.builtKeys += ',';
            r.builtKeys += jsonString(n) + ":" + std::string(*raw);
        }
        r.builtKeys += "}";
        keysText = r.builtKeys;
    }
    const KeyIdentity& identity = keyIdentity(keysText);
    if (!identity.ok) {
        issue(offset, identity.canonicalOrError);
        return std::nullopt;
    }
    r.keyCanonical = identity.canonicalOrError;
    r.keyDisplay = identity.display;
    r.recordIndex = index++;
    Fields none = f;
    none.eventSourceArn.clear();
    resolveTable(r, none);
    if (ctx.embedded)
        r.format = CaptureFormat::EmbeddedRecords;
    ++formats[r.format];
    ++recordsEmitted;
    records->push_back(std::move(r));
    return std::nullopt;
}

RecordNormalizer::RecordNormalizer(ReadOptions options, std::string fileBaseName)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->options = std::move(options);
    m_impl->baseName = std::move(fileBaseName);
    m_impl->ownedTexts.resize(kMaxNesting + 2); // never reallocated: views point into these strings
}

RecordNormalizer::~RecordNormalizer() = default;

void RecordNormalizer::reset(std::string fileBaseName)
{
    auto fresh = std::make_unique<Impl>();
    fresh->options = std::move(m_impl->options);
    fresh->baseName = std::move(fileBaseName);
    fresh->parsers = std::move(m_impl->parsers);
    fresh->keyCache = std::move(m_impl->keyCache); // a function of the Keys text only
    fresh->locator = std::move(m_impl->locator);
    fresh->ownedTexts.resize(kMaxNesting + 2);
    m_impl = std::move(fresh);
}

void RecordNormalizer::setIteratorStreamArn(std::string streamArn)
{
    m_impl->iteratorStreamArn = std::move(streamArn);
}

void RecordNormalizer::setLocator(std::function<TextPosition(std::uint64_t offset)> locator)
{
    m_impl->locator = std::move(locator);
}

namespace {

// simdjson says only that a piece is invalid: find the byte (and a reason a person can act on).
std::optional<FileFailure> locatedSyntaxError(const SplitUnit& unit, std::optional<FileFailure> failed)
{
    if (failed && failed->reason.rfind("not valid JSON", 0) == 0) {
        if (auto syntax = locateSyntaxError(unit.text)) {
            failed->byteOffset = unit.streamOffset(syntax->offset);
            failed->reason = "JSON syntax error: " + syntax->message;
        }
    }
    return failed;
}

} // namespace

std::optional<FileFailure> RecordNormalizer::process(const SplitUnit& unit, std::vector<CaptureRecord>& records,
                                                     std::vector<RecordIssue>& issues)
{
    Impl& d = *m_impl;
    d.records = &records;
    d.issues = &issues;
    if (unit.oversizedBytes > 0) {
        d.issue(unit.offset,
                "too large: the JSON value starting at byte " + std::to_string(unit.offset) + " is "
                    + std::to_string(unit.oversizedBytes) + " bytes, larger than the "
                    + std::to_string(kMaxRecordBytes >> 20)
                    + " MiB limit for one record (DynamoDB items are at most 400 KB); skipped unread");
        return std::nullopt;
    }
    if (unit.text.capacity() < unit.text.size() + simdjson::SIMDJSON_PADDING)
        return FileFailure{d.index, unit.offset, "internal error: piece without padding"};
    View v{unit.text.data(), unit.text.size(), unit.text.capacity(), unit.offset};
    if (unit.context == UnitContext::Envelope)
        return locatedSyntaxError(unit, d.checkEnvelope(unit, v));
    Context ctx;
    switch (unit.context) {
    case UnitContext::TopLevelValue:
        ctx.topLevel = true;
        break;
    case UnitContext::TopLevelArrayElement:
        ctx.format = CaptureFormat::EventBridgePipes;
        break;
    case UnitContext::RecordsElement:
        ctx.format = CaptureFormat::LambdaDynamoDb;
        break;
    case UnitContext::PayloadRecordsElement:
        ctx.format = CaptureFormat::OnFailureDestination;
        ctx.envelope = "{\"type\":\"on-failure-destination\"}";
        break;
    case UnitContext::Envelope:
        break;
    }
    auto failed = d.processValue(v, ctx, 0);
    if (failed && unit.context == UnitContext::TopLevelValue
        && std::string_view(unit.text).find("\"StreamDescription\"") != std::string_view::npos) {
        const std::string marker = "a DynamoDB Streams DescribeStream response (shards, no records; not valid JSON "
                                   "either), not a capture";
        if (std::find(d.markers.begin(), d.markers.end(), marker) == d.markers.end())
            d.markers.push_back(marker);
        return std::nullopt;
    }
    return locatedSyntaxError(unit, std::move(failed));
}

void RecordNormalizer::addIssue(std::uint64_t offset, std::string reason, std::vector<RecordIssue>& issues)
{
    Impl& d = *m_impl;
    d.issues = &issues;
    d.issue(offset, std::move(reason));
}

void RecordNormalizer::finish(std::vector<RecordIssue>& issues)
{
    Impl& d = *m_impl;
    if (d.recordsEmitted == 0)
        return; // not a capture: nothing to report per value
    for (auto held : d.heldIssues) {
        held.recordIndex = d.index++;
        issues.push_back(std::move(held));
        ++d.issuesEmitted;
    }
    d.heldIssues.clear();
}

std::int64_t RecordNormalizer::recordsSeen() const
{
    return m_impl->index;
}

std::map<CaptureFormat, std::int64_t> RecordNormalizer::formats() const
{
    // A file whose records were all skipped still says what it is.
    return m_impl->formats.empty() ? m_impl->skippedFormats : m_impl->formats;
}

std::vector<std::string> RecordNormalizer::notes() const
{
    const Impl& d = *m_impl;
    std::vector<std::string> notes;
    if (d.placeholderArns > 0)
        notes.push_back(std::to_string(d.placeholderArns) + " record(s) have a placeholder eventSourceARN (\""
                        + d.placeholderArnText + "\"), not an ARN: handled as records without one");
    if (d.tableFromIterator > 0)
        notes.push_back(std::to_string(d.tableFromIterator) + " record(s) name no table: stored in table \""
                        + tableFromArn(d.iteratorStreamArn) + "\" of stream " + d.iteratorStreamArn
                        + " (from the response's NextShardIterator)");
    if (d.tableFromFile > 0)
        notes.push_back(std::to_string(d.tableFromFile) + " record(s) name no table (no "
                        + (d.placeholderArns > 0 ? std::string("usable ") : std::string()) + "eventSourceARN/tableName"
                        + "): stored in table \"" + d.baseName
                        + "\" named after the file (use --stream-arn or --table)");
    if (d.tableFromOptions > 0) {
        const bool fromArn = !d.options.streamArn.empty() && !tableFromArn(d.options.streamArn).empty();
        notes.push_back(std::to_string(d.tableFromOptions) + " record(s) name no table: stored in table \""
                        + (fromArn ? tableFromArn(d.options.streamArn) : d.options.table) + "\" (from "
                        + (fromArn ? "--stream-arn" : "--table") + ")");
    }
    if (d.placeholderSequences > 0)
        notes.push_back(std::to_string(d.placeholderSequences)
                        + " record(s) have a SequenceNumber that is not a digit string (placeholder?): imported "
                          "without a sequence number");
    if (d.unreadableTimes > 0)
        notes.push_back(std::to_string(d.unreadableTimes)
                        + " record(s) have an unreadable ApproximateCreationDateTime: kept as text, no time");
    if (d.unknownViewTypes > 0)
        notes.push_back(std::to_string(d.unknownViewTypes) + " record(s) have an unknown StreamViewType");
    if (d.guessedKeys > 0)
        notes.push_back("full-export items: key attributes guessed as " + d.guessedKeyNames
                        + " (use --key-attributes to set them)");
    return notes;
}

std::string RecordNormalizer::notCaptureReason() const
{
    const Impl& d = *m_impl;
    if (d.recordsEmitted > 0 || d.issuesEmitted > 0)
        return {};
    if (!d.markers.empty()) {
        std::string reason;
        for (const auto& m : d.markers)
            reason += (reason.empty() ? "" : "; ") + m;
        return reason;
    }
    return "no DynamoDB stream records found";
}

} // namespace storage
