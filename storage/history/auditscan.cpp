#include "storage/history/auditscan.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "model/dynamodbjson.h"
#include "storage/history/keyhistory.h"

namespace storage {

namespace {

/// Records per window when a key too large to hold is audited a window at a time.
constexpr std::size_t kKeyWindow = 64;

std::string baseName(const std::string& path)
{
    const auto slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

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

/// reused-event-id across the whole store (or one table), asked of the store instead of kept in memory: every record
/// whose event ID an earlier record (lower id) has too, naming that first record (table, file, record number,
/// sequence number) so a person can find it. SQLite groups on disk-backed sorters: bounded memory.
/// `afterRecordId` > 0: only the findings of the records after it (an incremental re-audit; ids only grow, so the
/// first record of an event ID never changes and the findings of the records up to it stay as they were): only the
/// event IDs those records have are looked up, through records_by_event_id, instead of grouping the whole table.
std::optional<Error> addReusedEventIds(Store& store, std::optional<std::int64_t> tableId,
                                       const model::FindingSink& emit, std::int64_t afterRecordId = 0)
{
    const std::string select = "SELECT r.id, t.name, r.key_id, k.canonical, r.seq, r.event_id, r.source_id, "
                               "r.record_index FROM records r JOIN ddb_tables t ON t.id = r.table_id "
                               "JOIN keys k ON k.id = r.key_id WHERE r.event_id IN ";
    const std::string tableFilter = tableId ? " AND table_id = ?1" : "";
    const std::string eventIds = afterRecordId > 0
        ? "(SELECT event_id FROM records WHERE id > ?2 AND event_id IS NOT NULL" + tableFilter + ")"
        : "(SELECT event_id FROM records WHERE event_id IS NOT NULL" + tableFilter
            + " GROUP BY event_id HAVING COUNT(*) > 1)";
    const std::string sql = select + eventIds + (tableId ? " AND r.table_id = ?1" : "") + " ORDER BY r.event_id, r.id";
    auto statement = store.database().prepare(sql);
    if (!statement)
        return statement.error();
    if (tableId)
        statement->bind(1, *tableId);
    if (afterRecordId > 0)
        statement->bind(2, afterRecordId);
    std::optional<DeliverySources> sources;
    struct First
    {
        std::string eventId;
        std::string text; ///< "table T, file record N, sequence S"
        std::int64_t recordId = 0;
        std::string sequenceNumber;
    } first;
    std::optional<Error> failure;
    auto error = statement->forEachRow([&](Statement& row) {
        if (!sources) {
            auto loaded = loadSources(store);
            if (!loaded) {
                failure = loaded.error();
                return false;
            }
            sources = std::move(*loaded);
        }
        const std::string eventId = row.textCopy(5);
        const std::string seq = row.isNull(4) ? std::string() : row.textCopy(4);
        RecordPosition position;
        position.sourceId = row.int64(6);
        position.recordIndex = row.int64(7);
        const std::string text = "table " + row.textCopy(1) + ", " + sources->where(position) + ", "
            + (seq.empty() ? std::string("no sequence number") : "sequence " + seq);
        if (eventId != first.eventId) {
            first = First{eventId, text, row.int64(0), seq};
            return true;
        }
        if (row.int64(0) <= afterRecordId)
            return true; // reported by the audit that covered it
        model::Finding f;
        f.kind = model::FindingKind::ReusedEventId;
        f.severity = model::defaultSeverity(f.kind);
        f.recordId = row.int64(0);
        f.table = row.textCopy(1);
        f.keyId = row.int64(2);
        f.keyJson = row.textCopy(3);
        f.sequenceNumber = seq;
        f.eventId = eventId;
        f.otherRecordId = first.recordId;
        f.otherSequenceNumber = first.sequenceNumber;
        f.message =
            "eventID " + eventId + " is also used by a different record: " + first.text + "; eventIDs should be unique";
        emit(std::move(f));
        return true;
    });
    if (failure)
        return failure;
    return error;
}

// reused-event-id within one key (auditKey): the model knows the other record only by id; say which one it is
// (table, file, record number, sequence number) so a person can find it.
std::optional<Error> nameOtherRecords(Store& store, std::vector<model::Finding>& findings)
{
    const bool any = std::any_of(findings.begin(), findings.end(), [](const model::Finding& f) {
        return f.kind == model::FindingKind::ReusedEventId && f.otherRecordId;
    });
    if (!any)
        return std::nullopt;
    auto sources = loadSources(store);
    if (!sources)
        return sources.error();
    for (auto& f : findings) {
        if (f.kind != model::FindingKind::ReusedEventId || !f.otherRecordId)
            continue;
        auto other = store.record(*f.otherRecordId, false);
        if (!other)
            return other.error();
        if (!*other)
            continue;
        const RecordRow& o = **other;
        f.message = "eventID " + f.eventId + " is also used by a different record: table " + o.tableName + ", "
            + sources->where(o.position) + ", "
            + (o.sequenceNumber.empty() ? std::string("no sequence number") : "sequence " + o.sequenceNumber)
            + "; eventIDs should be unique";
    }
    return std::nullopt;
}

// mixed-view-types: a stream is one view type; records of several under one stream ARN were stored from different
// streams or setups, and what the audit can tell differs between them (README: what can be detected).
std::optional<Error> addMixedViewTypes(Store& store, std::optional<std::int64_t> tableId,
                                       const model::FindingSink& emit)
{
    auto tables = store.tables();
    if (!tables)
        return tables.error();
    for (const auto& t : *tables) {
        if (tableId && t.id != *tableId)
            continue;
        for (const auto& s : t.streams) {
            if (s.mixedViewTypes.empty())
                continue;
            std::string names;
            for (model::ViewType v : s.mixedViewTypes)
                names += (names.empty() ? "" : ", ") + std::string(model::viewTypeText(v));
            model::Finding f;
            f.kind = model::FindingKind::MixedViewTypes;
            f.severity = model::defaultSeverity(f.kind);
            f.table = t.name;
            f.message = "stream " + (s.arn.empty() ? std::string("(no stream ARN)") : s.arn)
                + " has records of several view types (" + names
                + "): a stream has one; what can be checked differs between them";
            emit(std::move(f));
        }
    }
    return std::nullopt;
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
        auto source = sources->names.find(d.position.sourceId);
        auditor.addDuplicate(model::DeliveryInfo{d.tableName, keyText(d.keyId), d.keyId, d.recordId, d.sequenceNumber,
                                                 d.eventId, sources->where(d.position),
                                                 source == sources->names.end() ? std::string() : source->second});
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
        auditor.addConflict(model::DeliveryInfo{c.tableName,
                                                existingKeyJson,
                                                existingKeyId,
                                                c.existingRecordId,
                                                c.sequenceNumber,
                                                c.eventId,
                                                sources->where(c.position),
                                                {}},
                            c.eventId, difference);
    }
    return std::nullopt;
}

} // namespace

namespace {

Result<std::vector<model::Finding>> keyFindingsInWindows(Store& store, std::int64_t keyId,
                                                         const model::AuditOptions& options, std::size_t window,
                                                         const std::function<bool()>& keepGoing, bool withDeliveries);

/// One key's records, ready for the auditor (read, converted and pre-split on the reader thread).
struct AuditBatch
{
    std::int64_t keyId = 0;
    /// A key too large to hold (AuditRequest::maxKeyBytes): its findings, audited a window at a time by the reader
    /// (`records` is empty), and how many records it has.
    std::optional<std::vector<model::Finding>> windowed;
    std::int64_t windowedRecords = 0;
    std::string canonicalKeys;
    model::Ordering ordering = model::Ordering::Sequence;
    std::vector<model::HistoryRecord> records;
    bool valuesChecked = false; ///< the reader ran the value checks (valueFindings) for the auditor
    std::vector<std::vector<model::Finding>> valueFindings;
};

/// Bounded hand-over from the reader thread to the auditing (calling) thread. The auditor, usually the faster stage,
/// is woken once kWakeAt keys wait, not for each key: one wake-up (a futex call and a context switch each way) per key
/// was about 8 % of a full audit's profile samples on the 1M bench store (100,000 keys); woken per 8 keys, it switches
/// about a sixth as often (the CPU saved was within the measuring machine's noise).
class AuditQueue
{
public:
    /// Keys waiting when the auditor is woken (and the most it sees waiting while it keeps up).
    static constexpr std::size_t kWakeAt = 8;

    /// False when the consumer stopped (the reader should end).
    bool push(AuditBatch batch)
    {
        std::unique_lock lock(m_mutex);
        m_notFull.wait(lock, [&] { return m_batches.size() < kCapacity || m_stopped; });
        if (m_stopped)
            return false;
        // A key of many records (or a windowed one, its work done) wakes the auditor at once: progress and a stop
        // request are seen by the auditor, and a key that took the reader long should not wait for more.
        const std::size_t records = batch.windowed ? kWakeRecords : batch.records.size();
        m_records += records;
        m_batches.push_back(std::move(batch));
        if (m_batches.size() >= kWakeAt || m_records >= kWakeRecords)
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
        m_records -= std::min(m_records, batch.windowed ? kWakeRecords : batch.records.size());
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
    static constexpr std::size_t kWakeRecords = 2048;
    std::size_t m_records = 0; ///< records in the waiting batches
    std::mutex m_mutex;
    std::condition_variable m_notFull;
    std::condition_variable m_notEmpty;
    std::deque<AuditBatch> m_batches;
    bool m_finished = false;
    bool m_stopped = false;
};

} // namespace

namespace {

/// The kept reused-event-id findings and those of the records after kept.recordsThrough, in the order the
/// store-wide query reports them (event ID, then record id).
std::optional<Error> addReusedEventIdsAfter(Store& store, std::optional<std::int64_t> tableId, const KeptEventIds& kept,
                                            const model::FindingSink& emit)
{
    std::vector<model::Finding> added;
    if (auto e = addReusedEventIds(
            store, tableId, [&added](model::Finding&& f) { added.push_back(std::move(f)); }, kept.recordsThrough))
        return e;
    std::vector<model::Finding> all;
    all.reserve(kept.findings.size() + added.size());
    all.insert(all.end(), kept.findings.begin(), kept.findings.end());
    std::move(added.begin(), added.end(), std::back_inserter(all));
    std::stable_sort(all.begin(), all.end(), [](const model::Finding& a, const model::Finding& b) {
        return std::tie(a.eventId, a.recordId) < std::tie(b.eventId, b.recordId);
    });
    for (auto& f : all)
        emit(std::move(f));
    return std::nullopt;
}

/// The findings that are not one key's: duplicates and conflicts, reused event IDs, mixed view types (in that order).
/// `kept`: reused event IDs from those kept and the records after them (addReusedEventIdsAfter).
std::optional<Error> addStoreWide(Store& store, std::optional<std::int64_t> tableId, bool checkEventIds,
                                  std::unordered_map<std::int64_t, std::string>& keyJson, model::Auditor& auditor,
                                  const model::FindingSink& emit, const KeptEventIds* kept = nullptr)
{
    if (auto e = addDeliveries(store, tableId, std::nullopt, keyJson, auditor))
        return e;
    if (checkEventIds) {
        if (auto e =
                kept ? addReusedEventIdsAfter(store, tableId, *kept, emit) : addReusedEventIds(store, tableId, emit))
            return e;
    }
    return addMixedViewTypes(store, tableId, emit);
}

Result<AuditReport> runAuditOnce(Store& store, const AuditRequest& request, bool sortedScan, bool& keysAudited)
{
    // Two stages on the two threads: a reader thread runs the store scan (SQLite, row copies, conversion to
    // engine records) and hands whole keys over; the calling
    // thread audits them in key order, so findings and progress calls are exactly those of a sequential audit.
    // When the auditor falls behind, the reader takes over part of its work (see below). The store's connection
    // is used by the reader thread only until it is joined.
    AuditReport report;
    model::AuditOptions options = request.options;
    options.checkEventIds = false; // across the store: asked of the store at the end (addReusedEventIds)
    model::Auditor auditor(options);
    const model::FindingSink emit = request.onFinding
        ? request.onFinding
        : model::FindingSink([&report](model::Finding&& f) { report.findings.push_back(std::move(f)); });
    auditor.setSink(emit);
    std::unordered_map<std::int64_t, std::string> keyJson;
    ScanOptions scan;
    scan.tableId = request.tableId;
    AuditQueue queue;
    std::optional<Error> scanError;
    std::optional<Error> keyError;                // a windowed key's audit failed
    model::Auditor valueAuditor(request.options); // used by the reader thread only
    scan.maxKeyBytes = request.maxKeyBytes;
    scan.sortedScan = sortedScan;
    std::atomic<bool> stopping = false;
    std::thread reader([&] {
        scanError = store.forEachKeyHistory(scan, [&](KeyHistory& h) {
            AuditBatch batch;
            batch.keyId = h.key.id;
            if (h.recordsLeftOut > 0) {
                // Too large to hold: audited here a window at a time, on the store's connection this thread has.
                auto findings = keyFindingsInWindows(
                    store, h.key.id, options, kKeyWindow, [&] { return !stopping.load(); }, false);
                if (!findings) {
                    if (findings.error().kind != Error::Kind::Interrupted)
                        keyError = findings.error();
                    return false;
                }
                batch.windowed = std::move(*findings);
                batch.windowedRecords = h.recordsLeftOut;
                return queue.push(std::move(batch));
            }
            const model::Item keys = decodeKeys(h.key.canonicalKeys);
            batch.records = toHistoryRecords(h.records, keys);
            batch.ordering = toModelOrdering(h.ordering);
            batch.canonicalKeys = std::move(h.key.canonicalKeys);
            if (request.options.valueChecks) {
                // Balance the two threads by how far the auditor is behind (the findings do not depend on which
                // thread did the work): far behind -> the reader runs this key's value checks (the auditor's most
                // expensive part); somewhat behind -> it splits the NewImages into members (cached in the image,
                // thread-safe); keeping up -> the reader is the slower stage and hands the key over as it is.
                // (Up to AuditQueue::kWakeAt keys wait while the auditor keeps up: it is woken that many at a time.)
                const std::size_t waiting = queue.waiting();
                if (waiting >= AuditQueue::kWakeAt + 16) {
                    batch.valueFindings = valueAuditor.valueFindings(batch.records);
                    batch.valuesChecked = true;
                } else if (waiting >= AuditQueue::kWakeAt + 4) {
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
        keysAudited = true;
        if (!report.complete)
            continue; // drain what the reader already queued
        if (batch->windowed) {
            for (model::Finding& f : *batch->windowed)
                emit(std::move(f));
            report.records += batch->windowedRecords;
        } else {
            auditor.addKey(batch->records, batch->ordering, batch->keyId,
                           batch->valuesChecked ? &batch->valueFindings : nullptr);
            report.records += static_cast<std::int64_t>(batch->records.size());
        }
        ++report.keys;
        if (request.progress && !request.progress(report.records)) {
            report.complete = false;
            stopping = true;
            queue.stop();
        }
    }
    reader.join();
    if (scanError)
        return *scanError;
    if (keyError)
        return *keyError;
    if (report.complete) {
        if (auto e = addStoreWide(store, request.tableId, request.options.checkEventIds, keyJson, auditor, emit))
            return *e;
    }
    return report;
}

} // namespace

namespace {

/// The folder SQLite's unix VFS (3.40) puts temporary files in: $SQLITE_TMPDIR, $TMPDIR, /var/tmp, /usr/tmp, /tmp,
/// the first that is a writable folder, else the working folder.
std::string sqliteTempFolder()
{
    std::vector<std::string> candidates;
    for (const char* variable : {"SQLITE_TMPDIR", "TMPDIR"}) {
        if (const char* value = std::getenv(variable); value && *value)
            candidates.emplace_back(value);
    }
    for (const char* folder : {"/var/tmp", "/usr/tmp", "/tmp"})
        candidates.emplace_back(folder);
    for (const auto& folder : candidates) {
        struct stat st
        {
        };
        if (::stat(folder.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && ::access(folder.c_str(), W_OK | X_OK) == 0)
            return folder;
    }
    return ".";
}

/// A sorted row's bytes besides its Keys and NewImage texts: ids, sequence number, event ID, times, the OldImage's
/// digest and SQLite's record and sorter framing. On the 1M bench store the sort's temporary files peaked at 1,252 MB
/// for 1,085 bytes of texts per row: 167 bytes more per row.
constexpr std::int64_t kSortedRowOverhead = 176;

/// Whether sorting the store's records in temporary files leaves room on their disk: the sort writes about the
/// sorted rows' size (sortedScanBytes; the store file's size when that cannot be read), and a quarter of the disk's
/// free space is kept for others. A store file only (in memory, the index path is as good).
bool sortHasRoom(Store& store)
{
    struct stat st
    {
    };
    if (::stat(store.path().c_str(), &st) != 0)
        return false;
    struct statvfs fs
    {
    };
    if (::statvfs(sqliteTempFolder().c_str(), &fs) != 0)
        return false;
    const auto free = static_cast<unsigned long long>(fs.f_bavail) * fs.f_frsize;
    const auto estimate = sortedScanBytes(store);
    const auto needed = static_cast<unsigned long long>(estimate ? *estimate : st.st_size);
    return needed <= free / 4 * 3;
}

} // namespace

std::optional<std::int64_t> sortedScanBytes(Store& store)
{
    // Ids only grow and are rarely missing (a rolled-back import leaves none behind): the last id is the records'
    // count, read from the table's b-tree in one step.
    auto last = store.database().queryInt("SELECT coalesce(max(id), 0) FROM records");
    if (!last)
        return std::nullopt;
    if (*last <= 0)
        return std::int64_t{0};
    auto sample = store.database().prepare(
        "SELECT count(*), coalesce(sum(coalesce(keys_len, length(CAST(keys_text AS BLOB)), 0) "
        "+ coalesce(new_len, length(CAST(new_text AS BLOB)), 0)), 0) "
        "FROM (SELECT keys_len, keys_text, new_len, new_text FROM records WHERE id >= ?1 ORDER BY id LIMIT 256)");
    if (!sample)
        return std::nullopt;
    constexpr std::int64_t kPlaces = 4;
    std::int64_t rows = 0;
    std::int64_t bytes = 0;
    for (std::int64_t place = 0; place < kPlaces; ++place) {
        sample->bind(1, 1 + *last / kPlaces * place);
        if (sample->forEachRow([&](const Statement& row) {
                rows += row.int64(0);
                bytes += row.int64(1);
            }))
            return std::nullopt;
    }
    if (rows == 0)
        return std::nullopt;
    return (bytes / rows + kSortedRowOverhead) * *last;
}

Result<AuditReport> runAudit(Store& store, const AuditRequest& request)
{
    // Every key, so the records are read in file order and sorted by key in temporary files (ScanOptions::
    // sortedScan) where their disk has room: on the 1M bench store about a fifth less CPU (README), each page read
    // once instead of once per record on it. Otherwise, or when the temporary files meet a full disk all the same
    // (the sort fails before the first key is handed over: no finding reported yet), the audit reads through the key
    // index, which needs no disk.
    bool keysAudited = false;
    const bool sorted = request.sortedScan && sortHasRoom(store);
    auto report = runAuditOnce(store, request, sorted, keysAudited);
    if (!report && sorted && !keysAudited && report.error().kind == Error::Kind::Sqlite
        && (report.error().code & 0xff) == SQLITE_FULL)
        report = runAuditOnce(store, request, false, keysAudited);
    else if (report)
        report->sortedScan = sorted;
    return explainReadError(store, std::move(report));
}

std::optional<Error> auditStoreWide(Store& store, const AuditRequest& request, const KeptEventIds* kept)
{
    model::AuditOptions options = request.options;
    options.checkEventIds = false;
    model::Auditor auditor(options);
    auditor.setSink(request.onFinding);
    std::unordered_map<std::int64_t, std::string> keyJson;
    if (auto e = addStoreWide(store, request.tableId, request.options.checkEventIds, keyJson, auditor,
                              request.onFinding, kept))
        return store.database().explainReadError(*e);
    return std::nullopt;
}

std::optional<Error> auditKeyRecords(Store& store, std::int64_t keyId, const model::AuditOptions& options,
                                     const model::FindingSink& sink, std::int64_t& records, std::int64_t maxKeyBytes)
{
    auto loaded = store.keyHistory(keyId, false, 0, maxKeyBytes);
    if (!loaded)
        return store.database().explainReadError(loaded.error());
    model::AuditOptions keyOptions = options;
    keyOptions.checkEventIds = false;
    if (loaded->recordsLeftOut > 0) {
        // Too large to hold: a window at a time, as runAudit does with the same maxKeyBytes.
        auto findings = keyFindingsInWindows(store, keyId, keyOptions, kKeyWindow, {}, false);
        if (!findings)
            return store.database().explainReadError(findings.error());
        for (model::Finding& f : *findings)
            sink(std::move(f));
        records = loaded->recordsLeftOut;
        return std::nullopt;
    }
    model::Auditor auditor(keyOptions);
    auditor.setSink(sink);
    const model::Item keys = decodeKeys(loaded->key.canonicalKeys);
    const auto history = toHistoryRecords(loaded->records, keys);
    auditor.addKey(history, toModelOrdering(loaded->ordering), keyId);
    records = static_cast<std::int64_t>(history.size());
    return std::nullopt;
}

namespace {

Result<std::vector<model::Finding>> auditKeyOnce(Store& store, std::int64_t keyId, model::AuditOptions options)
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
    auto findings = auditor.takeFindings();
    if (auto e = nameOtherRecords(store, findings))
        return *e;
    return findings;
}

} // namespace

Result<std::vector<model::Finding>> auditKey(Store& store, std::int64_t keyId, model::AuditOptions options)
{
    return explainReadError(store, auditKeyOnce(store, keyId, options));
}

namespace {

/// Kinds the windowed audit takes from the windows (the others come from the pass without images).
bool needsImages(model::FindingKind kind)
{
    switch (kind) {
    case model::FindingKind::Gap:
    case model::FindingKind::InvalidValue:
    case model::FindingKind::JsUnsafeNumber:
    case model::FindingKind::KeyMismatch:
    case model::FindingKind::ReusedEventId:
        return true;
    default:
        return false;
    }
}

} // namespace

namespace {

Result<std::vector<model::Finding>> keyFindingsInWindows(Store& store, std::int64_t keyId,
                                                         const model::AuditOptions& options, std::size_t window,
                                                         const std::function<bool()>& keepGoing, bool withDeliveries)
{
    auto index = store.keyHistoryIndex(keyId);
    if (!index)
        return index.error();
    const model::Ordering ordering = toModelOrdering(index->ordering);
    const model::Item keys = decodeKeys(index->key.canonicalKeys);
    const auto& entries = index->entries;
    window = std::max<std::size_t>(window, 1);
    std::vector<model::Finding> findings;
    model::Auditor withImages(options);      // one for every window: it remembers the key's event IDs
    std::vector<model::HistoryRecord> light; // every record without its images
    light.reserve(entries.size());
    for (std::size_t first = 0; first < entries.size(); first += window) {
        if (keepGoing && !keepGoing())
            return Error{Error::Kind::Interrupted, 0, "the audit of " + index->key.displayText + " was stopped"};
        const std::size_t from = first > 0 ? first - 1 : 0;
        const std::size_t to = std::min(entries.size(), first + window);
        std::vector<std::int64_t> ids;
        ids.reserve(to - from);
        for (std::size_t i = from; i < to; ++i)
            ids.push_back(entries[i].id);
        auto rows = store.historyRowsByIds(ids);
        if (!rows)
            return rows.error();
        if (rows->size() != ids.size())
            return Error{Error::Kind::Corrupt, 0,
                         "the store changed while the history of " + index->key.displayText + " was read"};
        auto records = toHistoryRecords(*rows, keys);
        withImages.addKey(records, ordering, keyId);
        const std::int64_t lead = from < first ? records.front().id : 0; // audited by the window before
        for (auto& f : withImages.takeFindings())
            if (needsImages(f.kind) && (lead == 0 || f.recordId != lead))
                findings.push_back(std::move(f));
        for (std::size_t i = from < first ? 1 : 0; i < records.size(); ++i) {
            model::HistoryRecord& r = records[i];
            r.newImage = model::Image();
            r.oldImage = model::Image();
            light.push_back(std::move(r));
        }
    }
    model::AuditOptions lightOptions = options;
    lightOptions.valueChecks = false;
    lightOptions.checkEventIds = false;
    model::Auditor withoutImages(lightOptions);
    withoutImages.addKey(light, ordering, keyId);
    for (auto& f : withoutImages.takeFindings())
        if (!needsImages(f.kind))
            findings.push_back(std::move(f));
    light.clear();
    if (!withDeliveries)
        return findings; // the store-wide audit adds the key's deliveries with everyone else's
    model::Auditor deliveries(options);
    std::unordered_map<std::int64_t, std::string> keyJson{{keyId, index->key.canonicalKeys}};
    if (auto e = addDeliveries(store, index->key.tableId, keyId, keyJson, deliveries))
        return *e;
    for (auto& f : deliveries.takeFindings())
        findings.push_back(std::move(f));
    if (auto e = nameOtherRecords(store, findings))
        return *e;
    return findings;
}

} // namespace

Result<std::vector<model::Finding>> auditKeyInWindows(Store& store, std::int64_t keyId, model::AuditOptions options,
                                                      std::size_t window, const std::function<bool()>& keepGoing)
{
    return explainReadError(store, keyFindingsInWindows(store, keyId, options, window, keepGoing, true));
}

} // namespace storage
