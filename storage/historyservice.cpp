#include "storage/historyservice.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "model/base64.h"
#include "model/decimal.h"
#include "model/dynamodbjson.h"

namespace storage {

namespace {

Error invalid(std::string message)
{
    Error e;
    e.kind = Error::Kind::InvalidArgument;
    e.message = std::move(message);
    return e;
}

std::string baseName(const std::string& path)
{
    const auto slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string trim(std::string_view s)
{
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos)
        return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

} // namespace

namespace {

/// Big sequential-ish reads (a whole store for the audit, a long history): memory-map the file on this connection
/// (halves the scan time against pread; a per-connection setting, harmless if the platform refuses it).
void preferMemoryMappedReads(Store& store)
{
    static constexpr std::string_view pragma = "PRAGMA mmap_size=2147483648";
    (void)store.database().exec(pragma);
}

} // namespace

model::Ordering toModelOrdering(HistoryOrdering ordering)
{
    return ordering == HistoryOrdering::Sequence ? model::Ordering::Sequence : model::Ordering::Time;
}

model::HistoryRecord toHistoryRecord(RecordRow&& row, const model::Item* keys)
{
    model::HistoryRecord r;
    r.id = row.id;
    r.table = std::move(row.tableName);
    r.streamArn = std::move(row.streamArn);
    if (keys) {
        r.keys = *keys;
    } else if (auto decoded = model::parseItem(row.keysJson)) {
        r.keys = std::move(*decoded.value);
    }
    r.keysJson = std::move(row.keysJson);
    r.eventName = row.eventName;
    r.sequenceNumber = std::move(row.sequenceNumber);
    r.eventId = std::move(row.eventId);
    r.creationTimeMicros = row.creationTimeMicros;
    r.viewType = row.viewType;
    r.ttl = row.ttl;
    r.arrival = row.id;
    if (row.newImageJson)
        r.newImage = model::Image::fromJson(std::move(*row.newImageJson));
    if (row.oldImageJson)
        r.oldImage = model::Image::fromJson(std::move(*row.oldImageJson));
    return r;
}

namespace {

model::Item decodeKeys(const std::string& canonicalKeys)
{
    auto decoded = model::parseItem(canonicalKeys);
    return decoded ? std::move(*decoded.value) : model::Item{};
}

/// The rows (already in history order: the store orders a key's records, see storage::HistoryOrdering) as engine
/// records. No second sort: the store's rule is model::orderRecords' rule.
std::vector<model::HistoryRecord> toHistoryRecords(std::vector<RecordRow>& rows, const model::Item& keys)
{
    std::vector<model::HistoryRecord> out;
    out.reserve(rows.size());
    for (auto& row : rows)
        out.push_back(toHistoryRecord(std::move(row), &keys));
    return out;
}

} // namespace

Result<LoadedHistory> loadHistory(Store& store, std::int64_t keyId)
{
    preferMemoryMappedReads(store);
    auto kh = store.keyHistory(keyId);
    if (!kh)
        return kh.error();
    if (kh->records.empty() && kh->key.id == 0)
        return invalid("no key with id " + std::to_string(keyId));
    LoadedHistory out;
    out.key = std::move(kh->key);
    out.tableName = std::move(kh->tableName);
    out.keys = decodeKeys(out.key.canonicalKeys);
    out.history =
        model::ItemHistory::buildOrdered(toHistoryRecords(kh->records, out.keys), toModelOrdering(kh->ordering));
    return out;
}

Result<TableInfo> resolveTable(Store& store, std::string_view name)
{
    auto found = store.findTable(name);
    if (!found)
        return found.error();
    if (*found)
        return std::move(**found);
    auto all = store.tables();
    if (!all)
        return all.error();
    std::string names;
    for (const auto& t : *all)
        names += (names.empty() ? "" : ", ") + t.name;
    return invalid("no table named '" + std::string(name) + "' in the store"
                   + (names.empty() ? std::string(" (it has no tables)") : " (tables: " + names + ")"));
}

Result<model::Item> parseKeyText(Store& store, std::int64_t tableId, std::string_view text)
{
    const std::string t = trim(text);
    if (t.empty())
        return invalid("empty key: give the DynamoDB JSON of Keys, e.g. '{\"Id\":{\"N\":\"101\"}}', or Name=value");
    // The table's key attributes and the types their values have.
    KeyQuery q;
    q.tableId = tableId;
    q.limit = 500;
    auto page = store.keys(q);
    if (!page)
        return page.error();
    std::map<std::string, std::set<model::AttributeType>> types;
    for (const auto& k : page->keys) {
        for (const auto& [name, value] : decodeKeys(k.canonicalKeys))
            types[name].insert(value.type());
    }
    std::string attrNames;
    for (const auto& [name, _] : types)
        attrNames += (attrNames.empty() ? "" : ", ") + name;

    if (t.front() == '{') {
        auto decoded = model::parseItem(t);
        if (!decoded)
            return invalid("the key is not valid DynamoDB JSON: " + decoded.error.message
                           + (decoded.error.path.empty() ? std::string() : " at " + decoded.error.path)
                           + " (expected e.g. {\"Id\":{\"N\":\"101\"}})");
        if (decoded.value->empty())
            return invalid("the key has no attributes");
        return std::move(*decoded.value);
    }

    // Name=value[,Name=value]: a piece without '=' continues the previous value (values may contain commas).
    std::vector<std::pair<std::string, std::string>> pairs;
    std::size_t start = 0;
    while (start <= t.size()) {
        std::size_t comma = t.find(',', start);
        if (comma == std::string::npos)
            comma = t.size();
        const std::string piece = t.substr(start, comma - start);
        const auto eq = piece.find('=');
        if (eq == std::string::npos || types.find(trim(piece.substr(0, eq))) == types.end()) {
            if (pairs.empty() && eq == std::string::npos)
                return invalid("cannot read the key '" + t
                               + "': give DynamoDB JSON such as {\"Id\":{\"N\":\"101\"}} or Name=value");
            if (!pairs.empty()) {
                pairs.back().second += "," + piece;
            } else {
                pairs.emplace_back(trim(piece.substr(0, eq)), piece.substr(eq + 1));
            }
        } else {
            pairs.emplace_back(trim(piece.substr(0, eq)), piece.substr(eq + 1));
        }
        start = comma + 1;
    }
    model::Item item;
    for (auto& [name, rawValue] : pairs) {
        const std::string value = trim(rawValue);
        const auto it = types.find(name);
        if (it == types.end())
            return invalid("table has no key attribute '" + name + "'"
                           + (attrNames.empty() ? std::string(" (the table has no keys)")
                                                : " (its key attributes: " + attrNames + ")"));
        if (it->second.size() != 1) {
            std::string list;
            for (auto type : it->second)
                list += (list.empty() ? "" : ", ") + std::string(model::typeTag(type));
            return invalid("the type of key attribute '" + name + "' is ambiguous in this table (" + list
                           + "): give the key as DynamoDB JSON, e.g. {\"" + name + "\":{\"S\":\"" + value + "\"}}");
        }
        const model::AttributeType type = *it->second.begin();
        switch (type) {
        case model::AttributeType::N:
            if (model::checkNumber(value) == model::NumberProblem::NotANumber)
                return invalid("key attribute '" + name + "' is a number (N) in this table, but '" + value
                               + "' is not a number");
            item[name] = model::AttributeValue::makeNumber(value);
            break;
        case model::AttributeType::B:
            if (!model::base64Decode(value))
                return invalid("key attribute '" + name + "' is binary (B) in this table: give its base64 text ('"
                               + value + "' is not base64)");
            item[name] = model::AttributeValue::makeBinary(value);
            break;
        default:
            item[name] = model::AttributeValue::makeString(value);
            break;
        }
    }
    for (const auto& [name, _] : types) {
        if (!item.count(name) && types.size() <= 2)
            return invalid("the key needs every key attribute of the table (" + attrNames + "); '" + name
                           + "' is missing");
    }
    return item;
}

Result<KeyInfo> resolveKey(Store& store, std::int64_t tableId, std::string_view text)
{
    auto item = parseKeyText(store, tableId, text);
    if (!item)
        return item.error();
    const std::string canonical = model::canonicalJson(*item);
    auto found = store.findKey(tableId, canonical);
    if (!found)
        return found.error();
    if (!*found)
        return invalid("no item with key " + model::keyDisplayText(*item) + " (" + canonical + ") in this table");
    return std::move(**found);
}

// ---- audit ------------------------------------------------------------------------------------------------------

namespace {

struct DeliverySources
{
    std::unordered_map<std::int64_t, std::string> names;

    std::string where(const RecordPosition& p) const
    {
        auto it = names.find(p.sourceId);
        std::string file = it == names.end() ? "source " + std::to_string(p.sourceId) : it->second;
        return file + " record " + std::to_string(p.recordIndex + 1);
    }
};

Result<DeliverySources> loadSources(Store& store)
{
    auto sources = store.sources();
    if (!sources)
        return sources.error();
    DeliverySources out;
    for (const auto& s : *sources)
        out.names[s.id] = baseName(s.path);
    return out;
}

std::optional<Error> addDeliveries(Store& store, std::optional<std::int64_t> tableId,
                                   std::optional<std::int64_t> onlyKey,
                                   std::unordered_map<std::int64_t, std::string>& keyJson, model::Auditor& auditor)
{
    auto sources = loadSources(store);
    if (!sources)
        return sources.error();
    auto keyText = [&](std::int64_t keyId) -> std::string {
        auto it = keyJson.find(keyId);
        if (it != keyJson.end())
            return it->second;
        auto k = store.key(keyId);
        std::string text = (k && *k) ? (**k).canonicalKeys : std::string();
        keyJson[keyId] = text;
        return text;
    };
    auto duplicates = store.duplicates(tableId);
    if (!duplicates)
        return duplicates.error();
    for (const auto& d : *duplicates) {
        if (onlyKey && d.keyId != *onlyKey)
            continue;
        auditor.addDuplicate(model::DeliveryInfo{d.tableName, keyText(d.keyId), d.keyId, d.recordId, d.sequenceNumber,
                                                 d.eventId, sources->where(d.position)});
    }
    auto conflicts = store.conflicts(tableId);
    if (!conflicts)
        return conflicts.error();
    for (auto& c : *conflicts) {
        auto existing = store.record(c.existingRecordId, false);
        if (!existing)
            return existing.error();
        std::string difference;
        std::int64_t existingKeyId = c.keyId;
        std::string existingKeyJson = c.keysJson;
        if (*existing) {
            existingKeyId = (**existing).keyId;
            model::HistoryRecord first = toHistoryRecord(std::move(**existing));
            existingKeyJson = first.keysJson;
            model::HistoryRecord copy;
            copy.keysJson = c.keysJson;
            if (auto k = model::parseItem(c.keysJson))
                copy.keys = std::move(*k.value);
            copy.eventName = c.eventName;
            copy.sequenceNumber = c.sequenceNumber;
            copy.eventId = c.eventId;
            copy.ttl = first.ttl;
            if (c.newImageJson)
                copy.newImage = model::Image::fromJson(*c.newImageJson);
            if (c.oldImageJson)
                copy.oldImage = model::Image::fromJson(*c.oldImageJson);
            difference = model::describeContentDifference(first, copy);
        }
        if (onlyKey && existingKeyId != *onlyKey && c.keyId != *onlyKey)
            continue;
        auditor.addConflict(model::DeliveryInfo{c.tableName, existingKeyJson, existingKeyId, c.existingRecordId,
                                                c.sequenceNumber, c.eventId, sources->where(c.position)},
                            c.eventId, difference);
    }
    return std::nullopt;
}

} // namespace

namespace {

/// One key's records, ready for the auditor (read, converted and pre-split on the reader thread).
struct AuditBatch
{
    std::int64_t keyId = 0;
    std::string canonicalKeys;
    model::Ordering ordering = model::Ordering::Sequence;
    std::vector<model::HistoryRecord> records;
    bool valuesChecked = false; ///< the reader ran the value checks (valueFindings) for the auditor
    std::vector<std::vector<model::Finding>> valueFindings;
};

/// Bounded hand-over from the reader thread to the auditing (calling) thread.
class AuditQueue
{
public:
    /// False when the consumer stopped (the reader should end).
    bool push(AuditBatch batch)
    {
        std::unique_lock lock(m_mutex);
        m_notFull.wait(lock, [&] { return m_batches.size() < kCapacity || m_stopped; });
        if (m_stopped)
            return false;
        m_batches.push_back(std::move(batch));
        m_notEmpty.notify_one();
        return true;
    }
    /// nullopt when the reader finished and everything was taken.
    std::optional<AuditBatch> pop()
    {
        std::unique_lock lock(m_mutex);
        m_notEmpty.wait(lock, [&] { return !m_batches.empty() || m_finished; });
        if (m_batches.empty())
            return std::nullopt;
        AuditBatch batch = std::move(m_batches.front());
        m_batches.pop_front();
        m_notFull.notify_one();
        return batch;
    }
    void finish()
    {
        std::lock_guard lock(m_mutex);
        m_finished = true;
        m_notEmpty.notify_all();
    }
    /// Batches waiting for the auditor.
    std::size_t waiting()
    {
        std::lock_guard lock(m_mutex);
        return m_batches.size();
    }
    void stop()
    {
        std::lock_guard lock(m_mutex);
        m_stopped = true;
        m_notFull.notify_all();
    }

private:
    static constexpr std::size_t kCapacity = 64;
    std::mutex m_mutex;
    std::condition_variable m_notFull;
    std::condition_variable m_notEmpty;
    std::deque<AuditBatch> m_batches;
    bool m_finished = false;
    bool m_stopped = false;
};

} // namespace

Result<AuditReport> runAudit(Store& store, const AuditRequest& request)
{
    // Two stages on the two threads: a reader thread runs the store scan (SQLite, row copies, conversion to
    // engine records) and hands whole keys over; the calling
    // thread audits them in key order, so findings and progress calls are exactly those of a sequential audit.
    // When the auditor falls behind, the reader takes over part of its work (see below). The store's connection
    // is used by the reader thread only until it is joined.
    AuditReport report;
    model::Auditor auditor(request.options);
    std::unordered_map<std::int64_t, std::string> keyJson;
    preferMemoryMappedReads(store);
    ScanOptions scan;
    scan.tableId = request.tableId;
    AuditQueue queue;
    std::optional<Error> scanError;
    model::Auditor valueAuditor(request.options); // used by the reader thread only
    std::thread reader([&] {
        scanError = store.forEachKeyHistory(scan, [&](KeyHistory& h) {
            AuditBatch batch;
            batch.keyId = h.key.id;
            const model::Item keys = decodeKeys(h.key.canonicalKeys);
            batch.records = toHistoryRecords(h.records, keys);
            batch.ordering = toModelOrdering(h.ordering);
            batch.canonicalKeys = std::move(h.key.canonicalKeys);
            if (request.options.valueChecks) {
                // Balance the two threads by how far the auditor is behind (the findings do not depend on which
                // thread did the work): far behind -> the reader runs this key's value checks (the auditor's most
                // expensive part); somewhat behind -> it splits the NewImages into members (cached in the image,
                // thread-safe); keeping up -> the reader is the slower stage and hands the key over as it is.
                const std::size_t waiting = queue.waiting();
                if (waiting >= 16) {
                    batch.valueFindings = valueAuditor.valueFindings(batch.records);
                    batch.valuesChecked = true;
                } else if (waiting >= 4) {
                    for (const auto& r : batch.records) {
                        if (!r.newImage.isNull())
                            (void)r.newImage.members();
                    }
                }
            }
            return queue.push(std::move(batch));
        });
        queue.finish();
    });
    while (auto batch = queue.pop()) {
        if (!report.complete)
            continue; // drain what the reader already queued
        auditor.addKey(batch->records, batch->ordering, batch->keyId,
                       batch->valuesChecked ? &batch->valueFindings : nullptr);
        keyJson[batch->keyId] = std::move(batch->canonicalKeys);
        ++report.keys;
        report.records += static_cast<std::int64_t>(batch->records.size());
        if (request.progress && !request.progress(report.records)) {
            report.complete = false;
            queue.stop();
        }
    }
    reader.join();
    if (scanError)
        return *scanError;
    if (report.complete) {
        if (auto e = addDeliveries(store, request.tableId, std::nullopt, keyJson, auditor))
            return *e;
    }
    report.findings = auditor.takeFindings();
    return report;
}

Result<std::vector<model::Finding>> auditKey(Store& store, std::int64_t keyId, model::AuditOptions options)
{
    auto loaded = store.keyHistory(keyId);
    if (!loaded)
        return loaded.error();
    model::Auditor auditor(options);
    const model::Item keys = decodeKeys(loaded->key.canonicalKeys);
    const auto records = toHistoryRecords(loaded->records, keys);
    auditor.addKey(records, toModelOrdering(loaded->ordering), keyId);
    std::unordered_map<std::int64_t, std::string> keyJson{{keyId, loaded->key.canonicalKeys}};
    if (auto e = addDeliveries(store, loaded->key.tableId, keyId, keyJson, auditor))
        return *e;
    // reused-event-id needs the whole store; for one key it only compares the key's own records.
    return auditor.takeFindings();
}

// ---- state at a time --------------------------------------------------------------------------------------------

Result<TableState> stateAt(Store& store, std::int64_t tableId, std::int64_t atMicros)
{
    TableState state;
    state.atMicros = atMicros;
    preferMemoryMappedReads(store);
    ScanOptions scan;
    scan.tableId = tableId;
    auto error = store.forEachKeyHistory(scan, [&](KeyHistory& h) {
        if (state.tableName.empty())
            state.tableName = h.tableName;
        const model::Item keys = decodeKeys(h.key.canonicalKeys);
        auto history = model::ItemHistory::buildOrdered(toHistoryRecords(h.records, keys), toModelOrdering(h.ordering));
        const auto index = history.lastAtOrBefore(atMicros);
        if (!index) {
            ++state.notYetSeen;
            return true;
        }
        const model::Version& v = history.version(*index);
        switch (v.state) {
        case model::StateKind::Absent:
            ++state.absent;
            break;
        case model::StateKind::Present:
            state.items.push_back(ItemAtTime{h.key, v});
            break;
        case model::StateKind::Unknown:
            state.unknown.push_back(ItemAtTime{h.key, v});
            break;
        }
        return true;
    });
    if (error)
        return *error;
    if (state.tableName.empty()) {
        auto tables = store.tables();
        if (tables) {
            for (const auto& t : *tables)
                if (t.id == tableId)
                    state.tableName = t.name;
        }
    }
    return state;
}

} // namespace storage
