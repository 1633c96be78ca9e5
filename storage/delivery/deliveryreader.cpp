#include "storage/delivery/deliveryreader.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "model/audit.h"
#include "model/criteriaevaluator.h"
#include "model/displayfilter.h"
#include "model/dynamodbjson.h"
#include "model/eventpattern.h"
#include "model/jsontree.h"
#include "model/jsunsafetext.h"
#include "model/sequencenumber.h"
#include "storage/delivery/selection.h"
#include "storage/history/auditscan.h"
#include "storage/history/keytext.h"

namespace storage {

namespace {

Result<std::vector<std::int64_t>> resolveTables(Store& store, const RecordSelection& selection)
{
    std::vector<std::int64_t> ids;
    for (const auto& name : selection.tables) {
        auto t = store.findTable(name);
        if (!t)
            return t.error();
        if (!t->has_value())
            return invalidArgument("no table named '" + name + "' in the store");
        if (std::find(ids.begin(), ids.end(), (*t)->id) == ids.end())
            ids.push_back((*t)->id);
    }
    return ids;
}

/// A selected key: its id and its table's.
struct SelectedKey
{
    std::int64_t id = 0;
    std::int64_t tableId = 0;
};

Result<std::vector<SelectedKey>> resolveKeys(Store& store, const RecordSelection& selection,
                                             const std::vector<std::int64_t>& tableIds)
{
    std::vector<SelectedKey> keys;
    std::vector<std::int64_t> tables = tableIds;
    if (tables.empty() && !selection.keys.empty()) {
        auto all = store.tables();
        if (!all)
            return all.error();
        for (const auto& t : *all)
            tables.push_back(t.id);
    }
    for (const auto& spec : selection.keys) {
        std::size_t found = 0;
        std::string lastProblem;
        for (const auto t : tables) {
            // DynamoDB JSON or Name=value (types taken from the table's keys): the history engine's key syntax.
            auto key = resolveKey(store, t, spec);
            if (key) {
                keys.push_back(SelectedKey{key->id, key->tableId});
                ++found;
            } else if (key.error().kind == Error::Kind::InvalidArgument) {
                lastProblem = key.error().message;
            } else {
                return key.error();
            }
        }
        if (found == 0)
            return invalidArgument(lastProblem.empty() ? "no key '" + spec + "' in the selected tables" : lastProblem);
    }
    return keys;
}

/// Ids of the records the audit flags with one of the selection's finding kinds, sorted.
Result<std::vector<std::int64_t>> flaggedRecords(Store& store, const RecordSelection& selection,
                                                 const std::vector<std::int64_t>& tableIds)
{
    std::set<model::FindingKind> kinds;
    bool any = false;
    for (const auto& k : selection.findingKinds) {
        if (k == "any") {
            any = true;
            continue;
        }
        const auto kind = model::parseFindingKind(k);
        if (!kind)
            return invalidArgument("unknown audit finding '" + k + "'");
        kinds.insert(*kind);
    }
    std::vector<std::optional<std::int64_t>> scopes;
    scopes.reserve(tableIds.size() + 1);
    for (const auto t : tableIds)
        scopes.emplace_back(t);
    if (scopes.empty())
        scopes.emplace_back(std::nullopt);
    std::vector<std::int64_t> ids;
    for (const auto& scope : scopes) {
        AuditRequest request;
        request.tableId = scope;
        auto report = runAudit(store, request);
        if (!report)
            return report.error();
        for (const auto& f : report->findings) {
            if (!any && !kinds.count(f.kind))
                continue;
            if (f.recordId > 0)
                ids.push_back(f.recordId);
            // A per-key finding (out-of-order-arrival) lists every record it is about, not only the first.
            ids.insert(ids.end(), f.affectedRecordIds.begin(), f.affectedRecordIds.end());
        }
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

// A time-range selection of at most this many records is read through the time index and ordered in memory (about
// 80 bytes per record while sorting); a larger one is paged in delivery order (it reads most of the store anyway).
constexpr std::int64_t kTimeRangeIdLimit = 1'000'000;

Result<std::int64_t> countAll(Store& store, const std::vector<RecordFilter>& filters)
{
    std::int64_t total = 0;
    for (const auto& f : filters) {
        auto n = store.countRecords(f);
        if (!n)
            return n.error();
        total += *n;
    }
    return total;
}

/// The ids of `keys` in delivery order (RecordOrder::Sequence), duplicates left out.
std::vector<std::int64_t> idsInSequenceOrder(std::vector<RecordOrderKey>& keys)
{
    sortInSequenceOrder(keys);
    std::vector<std::int64_t> ids;
    ids.reserve(keys.size());
    for (const auto& k : keys) {
        if (ids.empty() || ids.back() != k.id)
            ids.push_back(k.id);
    }
    return ids;
}

/// The records of each filter through the filter's index (time range, key), each filter's in delivery order, one
/// filter after the other.
Result<std::vector<std::int64_t>> orderedByIndex(Store& store, const std::vector<RecordFilter>& filters)
{
    std::vector<std::int64_t> ordered;
    for (const auto& f : filters) {
        auto keys = store.recordOrderKeys(f);
        if (!keys)
            return keys.error();
        auto ids = idsInSequenceOrder(*keys);
        ordered.insert(ordered.end(), ids.begin(), ids.end());
    }
    return ordered;
}

/// Each filter split into one filter per stream of its table (or of every table), streams in id order.
Result<std::vector<RecordFilter>> streamFilters(Store& store, const std::vector<RecordFilter>& filters)
{
    auto tables = store.tables();
    if (!tables)
        return tables.error();
    std::vector<std::pair<std::int64_t, std::int64_t>> streams; // (stream id, table id)
    for (const auto& t : *tables) {
        for (const auto& s : t.streams)
            streams.emplace_back(s.id, t.id);
    }
    std::sort(streams.begin(), streams.end());
    std::vector<RecordFilter> out;
    for (const auto& f : filters) {
        for (const auto& [streamId, tableId] : streams) {
            if (f.tableId && *f.tableId != tableId)
                continue;
            RecordFilter s = f;
            s.streamId = streamId;
            out.push_back(std::move(s));
        }
    }
    return out;
}

std::vector<std::int64_t> sortedUnique(std::vector<std::int64_t> ids)
{
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

std::vector<std::int64_t> intersect(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b)
{
    std::vector<std::int64_t> both;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
    return both;
}

/// Id mode (keys, explicit records, audit findings): the selected records in delivery order, each filter's (table's)
/// after the other's. Keys are read through records_by_key, explicit and flagged records by id: only the selected
/// rows are looked at, never the tables' other records. A key's order comes from records_by_key alone (its columns
/// are the delivery order since store version 6) unless the filter asks for more than a stream or sequence range
/// (event names, TTL, time), so the export reads each of the key's rows once.
Result<std::vector<std::int64_t>> orderedSelection(Store& store, const RecordSelection& selection,
                                                   const std::vector<RecordFilter>& filters,
                                                   const std::vector<SelectedKey>& selectedKeys,
                                                   const std::vector<std::int64_t>& tableIds)
{
    std::optional<std::vector<std::int64_t>> wanted;
    if (!selection.recordIds.empty())
        wanted = sortedUnique(selection.recordIds);
    if (!selection.findingKinds.empty()) {
        auto flagged = flaggedRecords(store, selection, tableIds);
        if (!flagged)
            return flagged.error();
        wanted = wanted ? intersect(*wanted, *flagged) : std::move(*flagged);
    }
    std::vector<std::int64_t> ordered;
    for (const auto& f : filters) {
        std::vector<RecordOrderKey> keys;
        if (!selectedKeys.empty()) {
            for (const auto& k : selectedKeys) {
                if (f.tableId && *f.tableId != k.tableId)
                    continue; // the key is of another table: none of its records is in this one
                RecordFilter kf = f;
                kf.keyId = k.id;
                kf.tableId.reset(); // the key says it: a table_id term would read every row of the key
                auto part = store.recordOrderKeys(kf);
                if (!part)
                    return part.error();
                keys.insert(keys.end(), std::make_move_iterator(part->begin()), std::make_move_iterator(part->end()));
            }
            if (wanted) {
                std::erase_if(keys, [&](const RecordOrderKey& k) {
                    return !std::binary_search(wanted->begin(), wanted->end(), k.id);
                });
            }
        } else if (wanted && !wanted->empty()) {
            auto part = store.recordOrderKeysByIds(*wanted, f);
            if (!part)
                return part.error();
            keys = std::move(*part);
        }
        auto ids = idsInSequenceOrder(keys);
        ordered.insert(ordered.end(), ids.begin(), ids.end());
    }
    return ordered;
}

} // namespace

bool hasJsUnsafeNumber(const model::StreamRecord& r)
{
    auto check = [](const model::Item& item) {
        for (const auto& issue : model::validate(item)) {
            if (issue.kind == model::ValueIssue::Kind::JsUnsafeNumber)
                return true;
        }
        return false;
    };
    return check(r.keys) || (r.newImage && check(*r.newImage)) || (r.oldImage && check(*r.oldImage));
}

LambdaForm lambdaForm(const RecordRow& row, const model::StreamRecord& record,
                      std::map<std::string, std::uint64_t>& syntheticCounters)
{
    std::string region = row.region;
    if (region.empty() && !row.raw.empty())
        region = rawRegion(row.raw);
    ConversionDefaults defaults;
    if (!region.empty()) {
        defaults.region = region;
        defaults.regionKnown = true;
    }
    LambdaForm form;
    form.stream = effectiveStreamArn(record, defaults.region);
    if (!model::isSequenceNumber(record.sequenceNumber))
        defaults.syntheticSequenceNumber = syntheticSequenceNumber(++syntheticCounters[form.stream]);
    form.lambda = lambdaRecordJson(record, row.raw, defaults);
    form.syntheticSequenceNumber = std::move(defaults.syntheticSequenceNumber);
    return form;
}

namespace {

/// hasJsUnsafeNumber from the stored texts without decoding them; nullopt when a text needs decoding.
std::optional<bool> jsUnsafeFromText(const RecordRow& row)
{
    bool unsure = false;
    for (const std::string* text : {&row.keysJson, row.newImageJson ? &*row.newImageJson : nullptr,
                                    row.oldImageJson ? &*row.oldImageJson : nullptr}) {
        if (!text)
            continue;
        const std::optional<bool> risky = model::jsUnsafeInDynamoJson(*text);
        if (risky.value_or(false))
            return true;
        unsure = unsure || !risky;
    }
    if (unsure)
        return std::nullopt;
    return false;
}

/// The record's metadata as toStreamRecord gives it, without decoding Keys and images (an image present is an
/// empty item).
model::StreamRecord metadataOf(const RecordRow& row)
{
    model::StreamRecord record;
    record.id = row.id;
    record.table = row.tableName;
    record.streamArn = row.streamArn;
    record.eventName = row.eventName;
    record.sequenceNumber = row.sequenceNumber;
    record.eventId = row.eventId;
    record.creationTimeMicros = row.creationTimeMicros;
    record.viewType = row.viewType;
    record.ttl = row.ttl;
    if (row.newImageJson)
        record.newImage = model::Item{};
    if (row.oldImageJson)
        record.oldImage = model::Item{};
    record.arrival = row.id;
    return record;
}

/// lambdaForm of a record delivered in Lambda's shape, from its raw text and metadata; nullopt (no stand-in
/// sequence number counted) when it has another shape.
std::optional<LambdaForm> lambdaFormFromRaw(const RecordRow& row,
                                            std::map<std::string, std::uint64_t>& syntheticCounters)
{
    if (row.raw.empty())
        return std::nullopt;
    const model::StreamRecord metadata = metadataOf(row);
    std::string region = row.region.empty() ? rawRegion(row.raw) : row.region;
    ConversionDefaults defaults;
    if (!region.empty()) {
        defaults.region = region;
        defaults.regionKnown = true;
    }
    LambdaForm form;
    form.stream = effectiveStreamArn(metadata, defaults.region);
    const bool synthetic = !model::isSequenceNumber(metadata.sequenceNumber);
    if (synthetic)
        defaults.syntheticSequenceNumber = syntheticSequenceNumber(syntheticCounters[form.stream] + 1);
    auto json = lambdaRecordJsonFromRaw(metadata, row.raw, defaults);
    if (!json)
        return std::nullopt;
    if (synthetic)
        ++syntheticCounters[form.stream];
    form.lambda = std::move(*json);
    form.syntheticSequenceNumber = std::move(defaults.syntheticSequenceNumber);
    return form;
}

} // namespace

struct DeliveryReader::Impl
{
    Store* store = nullptr;
    int pageSize = 256;
    std::string fromSequence;
    std::string toSequence;
    RecordSelection::JsUnsafe jsOption = RecordSelection::JsUnsafe::Include;
    bool imagesWanted = true; ///< false: leaveImagesUndecoded()

    // One filter per selected table (or one for all tables), read one after the other.
    std::vector<RecordFilter> filters;
    std::size_t filterIndex = 0;

    // Paged mode (the selection is a filter): keyset pages in Sequence order.
    RecordCursor cursor;
    bool filterExhausted = false;
    // A stream's records without sequence numbers, read in creation-time order by a second keyset pass over the
    // stream's table (Time order); the Sequence pass skips them.
    struct TimePass
    {
        std::int64_t streamId = 0;
        RecordFilter filter;
        RecordCursor cursor;
        bool exhausted = false;
        std::deque<RecordRow> rows;
    };
    std::optional<TimePass> timePass;
    std::optional<std::int64_t> skipUnsequencedOfStream;

    // Id mode (keys, explicit records, audit findings): the selected ids in Sequence order, fetched in pages.
    bool idMode = false;
    std::vector<std::int64_t> orderedIds;
    std::size_t idPos = 0;
    // A stream's records without sequence numbers in creation-time order (ids), fetched in pages.
    std::vector<std::int64_t> segment;
    std::size_t segmentPos = 0;
    std::deque<RecordRow> segmentRows;

    std::deque<RecordRow> queue; ///< rows read in store order, not yet handed out
    std::int64_t scanned = 0;
    std::int64_t total = 0;
    std::int64_t selected = 0;
    std::int64_t jsUnsafe = 0;
    std::int64_t excludedByJs = 0;

    // Lambda filter criteria (compiled once), evaluated on each record's Lambda form.
    std::optional<model::CriteriaEvaluator> criteria;
    std::map<std::string, std::uint64_t> syntheticCounters;
    std::int64_t droppedByCriteria = 0;
    std::optional<model::DisplayFilter> where;
    std::int64_t excludedByWhere = 0;

    bool hasSequenceRange() const { return !fromSequence.empty() || !toSequence.empty(); }

    /// Reads the next page in store order into `queue`; false when every filter is read.
    Result<bool> fill()
    {
        if (idMode) {
            if (idPos >= orderedIds.size())
                return false;
            const std::size_t n = std::min(orderedIds.size() - idPos, static_cast<std::size_t>(pageSize));
            auto rows = store->recordsByIds(std::span<const std::int64_t>(orderedIds.data() + idPos, n), true);
            if (!rows)
                return rows.error();
            idPos += n;
            for (auto& r : *rows)
                queue.push_back(std::move(r));
            return true;
        }
        while (filterIndex < filters.size()) {
            if (filterExhausted) {
                ++filterIndex;
                cursor = RecordCursor{};
                filterExhausted = false;
                continue;
            }
            auto page = store->records(filters[filterIndex], RecordOrder::Sequence, cursor, pageSize, true);
            if (!page)
                return page.error();
            if (page->next)
                cursor = *page->next;
            else
                filterExhausted = true;
            if (page->rows.empty())
                continue;
            for (auto& r : page->rows)
                queue.push_back(std::move(r));
            return true;
        }
        return false;
    }

    Result<std::optional<RecordRow>> nextStoreRow()
    {
        while (queue.empty()) {
            auto more = fill();
            if (!more)
                return more.error();
            if (!*more)
                return std::optional<RecordRow>{};
        }
        RecordRow row = std::move(queue.front());
        queue.pop_front();
        ++scanned;
        return std::optional<RecordRow>(std::move(row));
    }

    Result<std::optional<RecordRow>> nextFromTimePass()
    {
        TimePass& p = *timePass;
        while (p.rows.empty() && !p.exhausted) {
            auto page = store->records(p.filter, RecordOrder::Time, p.cursor, pageSize, true);
            if (!page)
                return page.error();
            if (page->next)
                p.cursor = *page->next;
            else
                p.exhausted = true;
            for (auto& r : page->rows) {
                if (r.streamId == p.streamId && r.sequenceNumber.empty())
                    p.rows.push_back(std::move(r));
            }
        }
        if (p.rows.empty())
            return std::optional<RecordRow>{};
        RecordRow row = std::move(p.rows.front());
        p.rows.pop_front();
        return std::optional<RecordRow>(std::move(row));
    }

    /// The next row in delivery order (before the post-conditions).
    Result<std::optional<RecordRow>> nextOrderedRow()
    {
        for (;;) {
            if (timePass) {
                auto row = nextFromTimePass();
                if (!row || *row)
                    return row;
                skipUnsequencedOfStream = timePass->streamId;
                timePass.reset();
            }
            if (segmentPos < segment.size() || !segmentRows.empty()) {
                if (segmentRows.empty()) {
                    const std::size_t n = std::min(segment.size() - segmentPos, static_cast<std::size_t>(pageSize));
                    auto rows =
                        store->recordsByIds(std::span<const std::int64_t>(segment.data() + segmentPos, n), true);
                    if (!rows)
                        return rows.error();
                    segmentPos += n;
                    for (auto& r : *rows)
                        segmentRows.push_back(std::move(r));
                    continue;
                }
                RecordRow row = std::move(segmentRows.front());
                segmentRows.pop_front();
                return std::optional<RecordRow>(std::move(row));
            }
            segment.clear();
            segmentPos = 0;

            auto next = nextStoreRow();
            if (!next || !*next)
                return next;
            RecordRow& row = **next;
            if (!row.sequenceNumber.empty())
                return next;
            if (hasSequenceRange())
                continue; // a sequence range excludes records without a sequence number
            if (skipUnsequencedOfStream == row.streamId)
                continue; // already delivered by the time pass
            if (!idMode) {
                TimePass p;
                p.streamId = row.streamId;
                p.filter = filters[filterIndex < filters.size() ? filterIndex : filters.size() - 1];
                p.filter.tableId = row.tableId;
                timePass = std::move(p);
                skipUnsequencedOfStream = row.streamId;
                continue;
            }
            // Id mode: the stream's unsequenced records are contiguous in the ordered ids; sort them by time.
            std::vector<std::tuple<bool, std::int64_t, std::int64_t>> keys;
            const std::int64_t stream = row.streamId;
            keys.emplace_back(row.creationTimeMicros.has_value(), row.creationTimeMicros.value_or(0), row.id);
            for (;;) {
                auto more = nextStoreRow();
                if (!more)
                    return more.error();
                if (!*more)
                    break;
                if ((*more)->streamId != stream || !(*more)->sequenceNumber.empty()) {
                    queue.push_front(std::move(**more));
                    --scanned;
                    break;
                }
                keys.emplace_back((*more)->creationTimeMicros.has_value(), (*more)->creationTimeMicros.value_or(0),
                                  (*more)->id);
            }
            std::sort(keys.begin(), keys.end());
            for (const auto& k : keys)
                segment.push_back(std::get<2>(k));
        }
    }

    /// With Lambda filter criteria and no display filter: the criteria are evaluated on the record's Lambda form
    /// written from its raw text, and the js-unsafe check reads the stored texts, so a record the criteria drop is
    /// never decoded (the counters are those of the decoding path). nullopt: the record is not handed out.
    /// next() from the stored texts (filter criteria, or leaveImagesUndecoded()): the js-unsafe check and the Lambda
    /// form without decoding the images where the texts allow; the images decoded for the caller unless it asked
    /// not to.
    Result<std::optional<SelectedRecord>> fromTexts(RecordRow row)
    {
        std::optional<model::StreamRecord> decoded;
        const auto decode = [&]() -> std::optional<Error> {
            if (decoded)
                return std::nullopt;
            auto record = toStreamRecord(row);
            if (!record)
                return record.error();
            decoded = std::move(*record);
            return std::nullopt;
        };
        std::optional<bool> unsafe = jsUnsafeFromText(row);
        if (!unsafe) {
            if (auto e = decode())
                return *e;
            unsafe = hasJsUnsafeNumber(*decoded);
        }
        ++selected;
        if (*unsafe)
            ++jsUnsafe;
        if ((jsOption == RecordSelection::JsUnsafe::Exclude && *unsafe)
            || (jsOption == RecordSelection::JsUnsafe::Only && !*unsafe)) {
            ++excludedByJs;
            return std::optional<SelectedRecord>{};
        }
        std::optional<LambdaForm> form = lambdaFormFromRaw(row, syntheticCounters);
        if (!form) {
            if (auto e = decode())
                return *e;
            form = lambdaForm(row, *decoded, syntheticCounters);
        }
        int filter = -1;
        if (criteria) {
            filter = criteria->firstMatch(form->lambda.json);
            if (filter < 0) {
                ++droppedByCriteria;
                return std::optional<SelectedRecord>{};
            }
        }
        if (!decoded && !imagesWanted) {
            auto keys = model::parseItem(row.keysJson);
            if (!keys)
                return Error{Error::Kind::InvalidArgument, 0,
                             "record " + std::to_string(row.id) + ": Keys: " + keys.error.message};
            decoded = metadataOf(row);
            decoded->keys = std::move(*keys.value);
        }
        if (auto e = decode())
            return *e;
        return std::optional<SelectedRecord>(
            SelectedRecord{std::move(row), std::move(*decoded), *unsafe, std::move(form), filter});
    }

    bool inSequenceRange(const RecordRow& row) const
    {
        if (!fromSequence.empty()
            && (row.sequenceNumber.empty() || !model::isSequenceNumber(row.sequenceNumber)
                || model::compareSequenceNumbers(row.sequenceNumber, fromSequence) < 0))
            return false;
        if (!toSequence.empty()
            && (row.sequenceNumber.empty() || !model::isSequenceNumber(row.sequenceNumber)
                || model::compareSequenceNumbers(row.sequenceNumber, toSequence) > 0))
            return false;
        return true;
    }
};

DeliveryReader::DeliveryReader(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{
}
DeliveryReader::DeliveryReader(DeliveryReader&&) noexcept = default;
DeliveryReader& DeliveryReader::operator=(DeliveryReader&&) noexcept = default;
DeliveryReader::~DeliveryReader() = default;

Result<DeliveryReader> DeliveryReader::open(Store& store, const RecordSelection& selection, int pageSize)
{
    auto impl = std::make_unique<Impl>();
    impl->store = &store;
    impl->pageSize = std::max(1, pageSize);
    impl->jsOption = selection.jsUnsafe;
    if (!selection.fromSequence.empty() && !model::isSequenceNumber(selection.fromSequence))
        return invalidArgument("sequence number '" + selection.fromSequence + "' is not a digit string");
    if (!selection.toSequence.empty() && !model::isSequenceNumber(selection.toSequence))
        return invalidArgument("sequence number '" + selection.toSequence + "' is not a digit string");
    impl->fromSequence = selection.fromSequence;
    impl->toSequence = selection.toSequence;
    if (!selection.where.empty()) {
        auto compiled = model::DisplayFilter::compile(selection.where);
        if (!compiled.filter)
            return invalidArgument("display filter: " + compiled.error->message());
        impl->where = std::move(*compiled.filter);
    }
    if (selection.lambdaFilter) {
        const auto& patterns = selection.lambdaFilter->patterns;
        if (patterns.empty())
            return invalidArgument("filter criteria: no filter pattern in " + selection.lambdaFilter->source);
        auto compiled = model::CriteriaEvaluator::compile(patterns, model::PatternSemantics::LambdaEsm);
        if (!compiled.evaluator)
            return invalidArgument(
                "filter criteria: filter " + std::to_string(compiled.problemFilter + 1) + ": "
                + (compiled.problem->kind == model::PatternProblem::Kind::Unsupported ? "unsupported: " : "")
                + compiled.problem->message());
        impl->criteria = std::move(compiled.evaluator);
    }

    auto tableIds = resolveTables(store, selection);
    if (!tableIds)
        return tableIds.error();
    auto selectedKeys = resolveKeys(store, selection, *tableIds);
    if (!selectedKeys)
        return selectedKeys.error();

    RecordFilter base = selection.filter.value_or(RecordFilter{});
    if (!selection.eventNames.empty())
        base.eventNames = selection.eventNames;
    if (selection.ttl)
        base.ttl = selection.ttl;
    if (selection.fromMicros)
        base.fromMicros = std::max(selection.fromMicros, base.fromMicros);
    if (selection.toMicros)
        base.toMicros = base.toMicros ? std::min(*selection.toMicros, *base.toMicros) : *selection.toMicros;
    if (!selection.fromSequence.empty())
        base.fromSequenceSortKey = model::sequenceSortKey(selection.fromSequence);
    if (!selection.toSequence.empty())
        base.toSequenceSortKey = model::sequenceSortKey(selection.toSequence);
    std::vector<RecordFilter> filters;
    if (tableIds->empty()) {
        filters.push_back(base);
    } else {
        for (const auto t : *tableIds) {
            if (base.tableId && *base.tableId != t)
                continue; // the view filter names another table: nothing of this one
            RecordFilter f = base;
            f.tableId = t;
            filters.push_back(f);
        }
    }

    const bool byIds = !selection.keys.empty() || !selection.recordIds.empty() || !selection.findingKinds.empty();
    if (byIds) {
        auto ordered = orderedSelection(store, selection, filters, *selectedKeys, *tableIds);
        if (!ordered)
            return ordered.error();
        impl->idMode = true;
        impl->orderedIds = std::move(*ordered);
        impl->total = static_cast<std::int64_t>(impl->orderedIds.size());
        return DeliveryReader(std::move(impl));
    }
    if (base.fromMicros || base.toMicros) {
        // A time range: its records through the time index (records_by_table_event for a table: every event name
        // spelled out so the index's time column serves the range), put in delivery order in memory.
        for (auto& f : filters) {
            if (f.tableId && f.eventNames.empty())
                f.eventNames = {model::EventName::Insert, model::EventName::Modify, model::EventName::Remove,
                                model::EventName::Snapshot};
        }
        auto total = countAll(store, filters);
        if (!total)
            return total.error();
        impl->total = *total;
        if (*total <= kTimeRangeIdLimit) {
            auto ordered = orderedByIndex(store, filters);
            if (!ordered)
                return ordered.error();
            impl->idMode = true;
            impl->orderedIds = std::move(*ordered);
            return DeliveryReader(std::move(impl));
        }
    }
    // Paged in delivery order one stream at a time: records_by_stream_seq gives each page (and a sequence range)
    // as an index range.
    auto perStream = streamFilters(store, filters);
    if (!perStream)
        return perStream.error();
    impl->filters = std::move(*perStream);
    if (!base.fromMicros && !base.toMicros) {
        auto total = countAll(store, impl->filters);
        if (!total)
            return total.error();
        impl->total = *total;
    }
    return DeliveryReader(std::move(impl));
}

Result<std::optional<SelectedRecord>> DeliveryReader::next()
{
    Impl& d = *m_impl;
    for (;;) {
        auto row = d.nextOrderedRow();
        if (!row)
            return row.error();
        if (!*row)
            return std::optional<SelectedRecord>{};
        if (!d.inSequenceRange(**row))
            continue;
        if ((d.criteria || !d.imagesWanted) && !d.where) {
            auto picked = d.fromTexts(std::move(**row));
            if (!picked || *picked)
                return picked;
            continue;
        }
        auto record = toStreamRecord(**row);
        if (!record)
            return record.error();
        if (d.where && !d.where->matches(*record)) {
            ++d.excludedByWhere;
            continue;
        }
        SelectedRecord s{std::move(**row), std::move(*record), false, std::nullopt, -1};
        s.jsUnsafe = hasJsUnsafeNumber(s.record);
        ++d.selected;
        if (s.jsUnsafe)
            ++d.jsUnsafe;
        if ((d.jsOption == RecordSelection::JsUnsafe::Exclude && s.jsUnsafe)
            || (d.jsOption == RecordSelection::JsUnsafe::Only && !s.jsUnsafe)) {
            ++d.excludedByJs;
            continue;
        }
        if (d.criteria) {
            // As Lambda filters: on the record as it would be delivered, before batching (only the members the
            // patterns look at are read out of it).
            s.lambda = lambdaForm(s.row, s.record, d.syntheticCounters);
            s.deliveredByFilter = d.criteria->firstMatch(s.lambda->lambda.json);
            if (s.deliveredByFilter < 0) {
                ++d.droppedByCriteria;
                continue;
            }
        }
        return std::optional<SelectedRecord>(std::move(s));
    }
}

void DeliveryReader::leaveImagesUndecoded()
{
    m_impl->imagesWanted = false;
}

std::int64_t DeliveryReader::scanned() const
{
    return m_impl->scanned;
}
std::int64_t DeliveryReader::total() const
{
    return m_impl->total;
}
std::int64_t DeliveryReader::selected() const
{
    return m_impl->selected;
}
std::int64_t DeliveryReader::jsUnsafe() const
{
    return m_impl->jsUnsafe;
}
std::int64_t DeliveryReader::excludedByJsOption() const
{
    return m_impl->excludedByJs;
}
std::int64_t DeliveryReader::excludedByWhere() const
{
    return m_impl->excludedByWhere;
}
std::int64_t DeliveryReader::droppedByCriteria() const
{
    return m_impl->droppedByCriteria;
}

} // namespace storage
