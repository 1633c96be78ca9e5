#include "app/viewmodels/storesession.h"

#include <algorithm>
#include <span>
#include <type_traits>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "app/viewmodels/displayfilterview.h"
#include "app/viewmodels/formatting.h"
#include "app/viewmodels/storeaudit.h"
#include "storage/history/findingstore.h"
#include "storage/store/readsnapshot.h"

using formatting::fromStd;

namespace {

QString errorText(const storage::Error& error)
{
    return fromStd(error.message);
}

/// Opens a read-only connection for one job, reads everything of the job in one read transaction (one committed
/// state: an import committing in another process meanwhile shows in the next job, never halfway through this
/// one) and lets the tracker interrupt its query.
struct JobStore
{
    std::unique_ptr<storage::Store> store;
    std::optional<storage::ReadSnapshot> snapshot; // declared after `store`: ends before the connection closes
    QString error;
    JobContext* context = nullptr;
    JobStore(const std::string& path, JobContext& ctx)
        : context(&ctx)
    {
        auto opened = storage::Store::open(path, storage::Database::OpenMode::ReadOnly);
        if (!opened) {
            error = errorText(opened.error());
            return;
        }
        store = std::make_unique<storage::Store>(std::move(*opened));
        // A job's connection lives for one job and several run at once (events, keys, activity, audit when a store
        // opens): 8 MiB of page cache each instead of 32, which also caps a sort's memory before it spills (SQLite
        // sorts up to the cache's size in memory). On the 10M-record store the jobs' caches and the activity's sort
        // were about 100 MB of the window's heap.
        static_cast<void>(store->database().exec("PRAGMA cache_size=-8192"));
        auto begun = storage::ReadSnapshot::begin(store->database());
        if (!begun) {
            error = errorText(begun.error());
            store.reset();
            return;
        }
        snapshot.emplace(std::move(*begun));
        storage::Store* raw = store.get();
        ctx.setInterruptHook([raw]() { raw->interrupt(); });
    }
    ~JobStore()
    {
        if (context)
            context->clearInterruptHook();
        snapshot.reset();
        store.reset();
#ifdef __GLIBC__
        // The job ran on a pool thread, whose malloc arena glibc keeps with the connection's freed cache in it: give
        // it back, so the window's heap is what it holds, not what its jobs held once.
        malloc_trim(0);
#endif
    }
    JobStore(const JobStore&) = delete;
    JobStore& operator=(const JobStore&) = delete;
};

EventRow toEventRow(const storage::RecordSummary& s)
{
    EventRow row;
    row.recordId = s.id;
    row.timeMicros = s.creationTimeMicros;
    row.table = s.tableName;
    row.keyId = s.keyId;
    row.keyText = s.keyText;
    row.eventName = s.eventName;
    row.ttl = s.ttl;
    row.sequenceNumber = s.sequenceNumber;
    row.sizeBytes = s.sizeBytes.value_or(0);
    return row;
}

std::vector<EventRow> toEventRows(const std::vector<storage::RecordSummary>& summaries)
{
    std::vector<EventRow> rows;
    rows.reserve(summaries.size());
    for (const auto& s : summaries)
        rows.push_back(toEventRow(s));
    return rows;
}

/// The value of `result` passed through `f`, or its error.
template<typename T, typename F>
auto mapResult(storage::Result<T> result, F f) -> storage::Result<std::invoke_result_t<F, T&&>>
{
    if (!result)
        return result.error();
    return f(std::move(*result));
}

/// A job's id list, shared by the page reads of the view it built.
using Ids = std::shared_ptr<std::vector<std::int64_t>>;
Ids shareIds(std::vector<std::int64_t> ids)
{
    return std::make_shared<std::vector<std::int64_t>>(std::move(ids));
}

/// Ids of rows [first, first + limit) of a job's id list; empty past its end.
std::span<const std::int64_t> idSlice(const std::vector<std::int64_t>& ids, std::int64_t first, int limit)
{
    if (first < 0 || first >= static_cast<std::int64_t>(ids.size()))
        return {};
    const auto n = std::min<std::size_t>(static_cast<std::size_t>(limit), ids.size() - static_cast<std::size_t>(first));
    return std::span(ids.data() + first, n);
}

/// The text a failed page read reports (the status bar shows it).
std::string pageError(const QString& what, const storage::Error& error)
{
    return QObject::tr("Could not read %1 from the store: %2").arg(what, errorText(error)).toStdString();
}

storage::RecordFilter toRecordFilter(const EventFilter& f, std::optional<std::int64_t> tableId)
{
    storage::RecordFilter filter;
    filter.tableId = tableId;
    if ((f.eventMask & 0xF) != 0xF) {
        for (int bit = 0; bit < 4; ++bit)
            if (f.eventMask & (1u << bit))
                filter.eventNames.push_back(model::EventName(bit));
        if (filter.eventNames.empty())
            filter.eventNames.push_back(model::EventName(255)); // nothing matches
    }
    filter.fromMicros = f.fromMicros;
    filter.toMicros = f.toMicros;
    filter.text = f.text;
    filter.textInRaw = f.textInRaw && !f.text.empty();
    return filter;
}

storage::RecordOrder toOrder(EventSort sort)
{
    switch (sort) {
    case EventSort::Time:
        return storage::RecordOrder::Time;
    case EventSort::Sequence:
        return storage::RecordOrder::Sequence;
    default:
        return storage::RecordOrder::Arrival;
    }
}

} // namespace

StoreOverview readOverview(storage::Store& store, const std::function<void()>& betweenReads)
{
    StoreOverview o;
    auto snapshot = storage::ReadSnapshot::begin(store.database());
    if (!snapshot) {
        o.error = snapshot.error().message;
        return o;
    }
    auto totals = store.totals();
    if (!totals) {
        o.error = totals.error().message;
        return o;
    }
    if (betweenReads)
        betweenReads();
    auto tables = store.tables();
    if (!tables) {
        o.error = tables.error().message;
        return o;
    }
    o.totals = *totals;
    o.tables = std::move(*tables);
    if (auto status = storage::findingsStatus(store); status && status->current)
        if (auto counts = storage::storedFindingCounts(store))
            o.keptFindingCounts = std::move(*counts);
    return o;
}

namespace {

/// A row's images (nullopt when the record does not decode: as buildVersions always did).
VersionImages decodeImages(const storage::RecordRow& row)
{
    VersionImages images;
    images.recordId = row.id;
    if (auto record = storage::toStreamRecord(row)) {
        images.newImage = std::move(record->newImage);
        images.oldImage = std::move(record->oldImage);
    }
    return images;
}

/// The state a version leaves for the next one's Changed count (none after a REMOVE).
std::optional<model::Item> stateAfter(model::EventName eventName, std::optional<model::Item> newImage)
{
    return eventName == model::EventName::Remove ? std::nullopt : std::move(newImage);
}

/// One row; `previous` (the state the version before left) becomes the state this one leaves.
VersionRow versionRow(const storage::RecordRow& row, const VersionImages& images, std::optional<model::Item>& previous)
{
    VersionRow v;
    v.recordId = row.id;
    v.timeMicros = row.creationTimeMicros;
    v.eventName = row.eventName;
    v.ttl = row.ttl;
    v.sequenceNumber = row.sequenceNumber;
    v.viewType = row.viewType;
    v.compacted = row.shape == "s3-incremental"; // as storage/history/keyhistory.cpp decides it
    v.compactedWindowFrom = row.windowFromMicros;
    // Before = the record's OldImage when delivered, else the previous version's NewImage.
    std::optional<model::Item> after = stateAfter(v.eventName, images.newImage);
    v.changedAttributes = changedAttributeCount(images.oldImage ? images.oldImage : previous, after);
    previous = std::move(after);
    return v;
}

} // namespace

std::vector<VersionRow> buildVersions(const storage::KeyHistory& history, const std::vector<AuditRow>& findings,
                                      std::vector<VersionImages>* keptImages)
{
    std::vector<VersionRow> versions;
    versions.reserve(history.records.size());
    std::optional<model::Item> previous;
    for (const auto& row : history.records) {
        VersionImages images = decodeImages(row);
        VersionRow v = versionRow(row, images, previous);
        for (const auto& f : findings) {
            if (f.recordId == row.id) {
                v.auditMarkers.push_back(f.kind);
                v.worstSeverity = std::max(v.worstSeverity, int(f.severity));
            }
        }
        versions.push_back(std::move(v));
        if (keptImages)
            keptImages->push_back(std::move(images));
    }
    return versions;
}

std::vector<VersionHead> versionHeads(const storage::KeyHistoryIndex& index)
{
    std::vector<VersionHead> heads;
    heads.reserve(index.entries.size());
    for (const auto& e : index.entries)
        heads.push_back({e.id, e.creationTimeMicros, e.eventName, e.ttl, e.sequenceNumber});
    return heads;
}

PageRead<VersionRow> readVersionPage(storage::Store& store, const std::vector<VersionHead>& heads, std::int64_t first,
                                     int limit)
{
    const auto n = static_cast<std::int64_t>(heads.size());
    if (first < 0 || first >= n || limit <= 0)
        return {};
    const std::int64_t from = first > 0 ? first - 1 : 0; // the version before: the state the first row changed
    const std::int64_t to = std::min(n, first + limit);
    std::vector<std::int64_t> ids;
    ids.reserve(static_cast<std::size_t>(to - from));
    for (std::int64_t i = from; i < to; ++i)
        ids.push_back(heads[static_cast<std::size_t>(i)].recordId);
    auto rows = store.historyRowsByIds(ids, false, false);
    if (!rows)
        return PageRead<VersionRow>::failed(pageError(QObject::tr("the key's versions"), rows.error()));
    if (rows->size() != ids.size())
        return PageRead<VersionRow>::failed(
            QObject::tr("The store changed while the key's versions were read; open the key again.").toStdString());
    std::optional<model::Item> previous;
    std::vector<VersionRow> page;
    page.reserve(static_cast<std::size_t>(to - first));
    for (std::size_t i = 0; i < rows->size(); ++i) {
        const storage::RecordRow& row = (*rows)[i];
        VersionImages images = decodeImages(row);
        if (from < first && i == 0) {
            previous = stateAfter(row.eventName, std::move(images.newImage));
            continue;
        }
        page.push_back(versionRow(row, images, previous));
    }
    return page;
}

storage::Result<VersionImages> readVersionImages(storage::Store& store, std::int64_t recordId)
{
    const std::int64_t ids[] = {recordId};
    auto rows = store.historyRowsByIds(ids, false, false);
    if (!rows)
        return rows.error();
    if (rows->empty())
        return storage::Error{storage::Error::Kind::Corrupt, 0,
                              "record " + std::to_string(recordId) + " is no longer in the store"};
    return decodeImages(rows->front());
}

StoreSession::StoreSession(QObject* parent)
    : QObject(parent)
{
    connect(&m_keys, &KeyListModel::sortRequested, this, [this](KeySort sort, bool descending) {
        KeyFilter f = m_keyFilter;
        f.sort = sort;
        f.descending = descending;
        setKeyFilter(f);
    });
    connect(&m_events, &EventTableModel::sortRequested, this, [this](EventSort sort, bool descending) {
        EventFilter f = m_eventFilter;
        f.sort = sort;
        f.descending = descending;
        setEventFilter(f);
    });
    // A page of a list that cannot be read says so in the window instead of showing empty rows.
    connect(&m_keys, &KeyListModel::pageReadFailed, this, &StoreSession::errorOccurred);
    connect(&m_events, &EventTableModel::pageReadFailed, this, &StoreSession::errorOccurred);
    connect(&m_timeline, &TimelineModel::pageReadFailed, this, &StoreSession::errorOccurred);
}

StoreSession::~StoreSession()
{
    m_jobs.cancelAll();
    m_auditJobs.cancelAll();
    m_jobs.waitForDone();
    m_auditJobs.waitForDone();
}

QString StoreSession::open(const QString& path, bool create)
{
    // The open store stays open when the new one cannot be opened (not a store, missing, locked).
    const std::string p = path.toStdString();
    // Reading changes nothing: an existing store is opened read-only (imports and replays open their own writable
    // connections); only a store the user asked to create is opened read-write.
    auto result = storage::Store::open(
        p, create ? storage::Database::OpenMode::ReadWrite : storage::Database::OpenMode::ReadOnly);
    if (!result)
        return errorText(result.error());
    close();
    m_store = std::make_unique<storage::Store>(std::move(*result));
    m_pathUtf8 = p;
    m_path = path;
    Q_EMIT opened(path);
    refresh();
    return {};
}

void StoreSession::close()
{
    if (!m_store)
        return;
    Q_EMIT aboutToClose();
    m_jobs.cancelAll();
    m_auditJobs.cancelAll();
    m_keys.clear();
    m_events.clear();
    m_timeline.clear();
    m_audit.setFindings({});
    m_findings.clear();
    m_tables.setTables({});
    m_activity.clear();
    m_activityZoom.reset();
    m_totals = {};
    m_tableInfos.clear();
    m_keptFindingCounts.clear();
    m_keyId = 0;
    m_key.reset();
    // Filters belong to the store they were set in: the next store starts with everything shown.
    m_keyFilter = {};
    m_eventFilter = {};
    m_store.reset();
    m_path.clear();
    m_pathUtf8.clear();
    Q_EMIT closed();
}

void StoreSession::refresh()
{
    if (!m_store)
        return;
    refreshOverview();
}

template<typename T>
void StoreSession::runStoreJob(JobTracker& jobs, Channel channel, const QString& failure,
                               std::function<storage::Result<T>(storage::Store&, JobContext&)> work,
                               std::function<void(T)> done)
{
    const std::string path = m_pathUtf8;
    jobs.runFallible<T>(
        channel,
        [path, work = std::move(work)](JobContext& ctx) {
            JobAnswer<T> answer;
            JobStore js(path, ctx);
            if (!js.store) {
                answer.error = js.error;
                return answer;
            }
            auto result = work(*js.store, ctx);
            if (!result) {
                answer.interrupted = result.error().kind == storage::Error::Kind::Interrupted;
                answer.error = errorText(result.error());
                return answer;
            }
            answer.value = std::move(*result);
            return answer;
        },
        std::move(done), [this, failure](const QString& error) { Q_EMIT errorOccurred(failure.arg(error)); });
}

void StoreSession::refreshOverview()
{
    runStoreJob<StoreOverview>(
        m_jobs, OverviewChannel, tr("Could not read the store: %1"),
        [](storage::Store& store, JobContext&) -> storage::Result<StoreOverview> {
            StoreOverview o = readOverview(store);
            if (!o.error.empty())
                return storage::Error{storage::Error::Kind::Sqlite, 0, o.error};
            return o;
        },
        [this](StoreOverview o) {
            m_totals = o.totals;
            m_tableInfos = std::move(o.tables);
            m_keptFindingCounts = std::move(o.keptFindingCounts);
            std::vector<TableRow> rows;
            for (const auto& t : m_tableInfos)
                rows.push_back({t.name, t.keyCount, t.recordCount});
            m_tables.setTables(std::move(rows));
            Q_EMIT overviewReady();
            // Counts known: now the lists (the unfiltered events table needs the total).
            requestKeys();
            requestEvents();
            requestActivity(0);
            requestAudit();
            if (m_keyId)
                openKey(m_keyId);
        });
}

QString StoreSession::tableName(std::int64_t id) const
{
    for (const auto& t : m_tableInfos)
        if (t.id == id)
            return fromStd(t.name);
    return {};
}

std::optional<std::int64_t> StoreSession::findKeyId(const std::string& table, const std::string& canonicalKeys)
{
    const auto id = tableId(table);
    if (!m_store || !id)
        return std::nullopt;
    auto key = m_store->findKey(*id, canonicalKeys);
    if (!key || !*key)
        return std::nullopt;
    return (*key)->id;
}

std::optional<std::int64_t> StoreSession::tableId(const std::string& name) const
{
    for (const auto& t : m_tableInfos)
        if (t.name == name)
            return t.id;
    return std::nullopt;
}

void StoreSession::setKeyFilter(const KeyFilter& filter)
{
    m_keyFilter = filter;
    requestKeys();
}

void StoreSession::requestKeys()
{
    if (!m_store)
        return;
    storage::KeyQuery query;
    if (!m_keyFilter.table.empty()) {
        query.tableId = tableId(m_keyFilter.table);
        if (!query.tableId) {
            m_keys.clear();
            Q_EMIT keysReady();
            return;
        }
    }
    query.filter = m_keyFilter.text;
    // By key: typed values (numbers numerically, binaries by bytes, part by part), sorted by SQLite (bounded
    // memory whatever the number of keys), not the key text.
    query.sort = m_keyFilter.sort == KeySort::Count ? storage::KeySort::RecordCount
        : m_keyFilter.sort == KeySort::LastChange   ? storage::KeySort::LastChange
                                                    : storage::KeySort::KeyValue;
    query.descending = m_keyFilter.descending;
    runStoreJob<Ids>(
        m_jobs, KeysChannel, tr("Could not list keys: %1"),
        [query](storage::Store& store, JobContext&) -> storage::Result<Ids> {
            auto ids = store.keyIds(query);
            if (!ids)
                return ids.error();
            return shareIds(std::move(*ids));
        },
        [this](const Ids& ids) {
            RowSource<KeyRow> source;
            source.count = [ids]() { return static_cast<std::int64_t>(ids->size()); };
            source.find = [ids](std::int64_t keyId) -> std::int64_t {
                const auto it = std::find(ids->begin(), ids->end(), keyId); // ~1 ms per million keys
                return it == ids->end() ? -1 : static_cast<std::int64_t>(it - ids->begin());
            };
            source.page = [this, ids](std::int64_t first, int limit) -> PageRead<KeyRow> {
                const auto slice = idSlice(*ids, first, limit);
                if (!m_store || slice.empty())
                    return {};
                auto keys = m_store->keysByIds(slice);
                if (!keys)
                    return PageRead<KeyRow>::failed(pageError(tr("keys"), keys.error()));
                std::vector<KeyRow> rows;
                rows.reserve(keys->size());
                for (const auto& k : *keys)
                    rows.push_back({k.id, tableName(k.tableId).toStdString(), k.canonicalKeys, k.displayText,
                                    k.recordCount, k.lastTimeMicros});
                return rows;
            };
            m_keys.setSource(std::move(source));
            Q_EMIT keysReady();
        });
}

void StoreSession::setEventFilter(const EventFilter& filter)
{
    m_eventFilter = filter;
    requestEvents();
}

void StoreSession::requestEvents()
{
    if (!m_store)
        return;
    if (m_eventFilter.isDefault()) {
        // Unfiltered arrival order needs no list: row r is record id r + 1.
        m_jobs.run<int>(
            EventsChannel, [](JobContext&) { return 0; }, [](int) {}); // supersede running filters
        RowSource<EventRow> source;
        const std::int64_t count = m_totals.records;
        source.count = [count]() { return count; };
        source.find = [count](std::int64_t recordId) -> std::int64_t {
            return recordId >= 1 && recordId <= count ? recordId - 1 : -1;
        };
        source.page = [this](std::int64_t first, int limit) -> PageRead<EventRow> {
            if (!m_store)
                return {};
            storage::RecordCursor cursor;
            cursor.id = first;
            auto page = m_store->recordSummaries(storage::RecordFilter{}, storage::RecordOrder::Arrival, cursor, limit);
            if (!page)
                return PageRead<EventRow>::failed(pageError(tr("events"), page.error()));
            return toEventRows(page->rows);
        };
        m_events.setSource(std::move(source));
        Q_EMIT eventsReady();
        return;
    }
    std::optional<std::int64_t> table;
    if (!m_eventFilter.table.empty()) {
        table = tableId(m_eventFilter.table);
        if (!table) {
            m_events.clear();
            Q_EMIT eventsReady();
            return;
        }
    }
    const storage::RecordFilter filter = toRecordFilter(m_eventFilter, table);
    const storage::RecordOrder order = toOrder(m_eventFilter.sort);
    const bool descending = m_eventFilter.descending;
    runStoreJob<Ids>(
        m_jobs, EventsChannel, tr("Could not filter events: %1"),
        [filter, order, descending, where = m_eventFilter.where](storage::Store& store,
                                                                 JobContext& ctx) -> storage::Result<Ids> {
            auto ids = store.recordIds(filter, order);
            if (!ids)
                return ids.error();
            if (!where.empty()) { // the display filter: every listed record read and tested, a page at a time
                auto kept = recordsMatching(store, *ids, where, [&ctx]() { return ctx.isStale(); });
                if (!kept)
                    return kept.error();
                *ids = std::move(*kept);
            }
            if (descending)
                std::reverse(ids->begin(), ids->end());
            return shareIds(std::move(*ids));
        },
        [this](const Ids& ids) {
            RowSource<EventRow> source;
            source.count = [ids]() { return static_cast<std::int64_t>(ids->size()); };
            source.find = [ids](std::int64_t recordId) -> std::int64_t {
                const auto it = std::find(ids->begin(), ids->end(), recordId); // ~1 ms per million records
                return it == ids->end() ? -1 : static_cast<std::int64_t>(it - ids->begin());
            };
            source.page = [this, ids](std::int64_t first, int limit) -> PageRead<EventRow> {
                const auto slice = idSlice(*ids, first, limit);
                if (!m_store || slice.empty())
                    return {};
                auto page = m_store->recordSummariesByIds(slice);
                if (!page)
                    return PageRead<EventRow>::failed(pageError(tr("events"), page.error()));
                return toEventRows(*page);
            };
            m_events.setSource(std::move(source));
            Q_EMIT eventsReady();
        });
}

void StoreSession::openKey(std::int64_t keyId)
{
    if (!m_store)
        return;
    m_keyId = keyId;
    struct History
    {
        std::optional<storage::KeyInfo> key;
        std::vector<VersionHead> heads;
    };
    // The job reads the key's history index (no images); the rows' pages and a selected version's images are read
    // when the timeline shows them (GUI connection, indexed reads by record id); the Audit cells follow from a second
    // job (requestKeyAudit).
    runStoreJob<History>(
        m_jobs, HistoryChannel, tr("Could not read the key's history: %1"),
        [keyId](storage::Store& store, JobContext&) {
            return mapResult(store.keyHistoryIndex(keyId), [](const storage::KeyHistoryIndex& index) {
                return History{index.key, versionHeads(index)};
            });
        },
        [this, keyId](History h) {
            m_key = h.key;
            TimelineSource source;
            source.heads = std::move(h.heads);
            // The heads live in the model; the page reader looks them up there (the model outlives its source).
            source.page = [this](std::int64_t first, int limit) -> PageRead<VersionRow> {
                if (!m_store)
                    return {};
                return readVersionPage(*m_store, m_timeline.heads(), first, limit);
            };
            source.images = [this](int row, std::string& error) -> std::optional<VersionImages> {
                if (!m_store || row < 0 || row >= static_cast<int>(m_timeline.heads().size()))
                    return std::nullopt;
                auto images = readVersionImages(*m_store, m_timeline.heads()[static_cast<std::size_t>(row)].recordId);
                if (!images) {
                    error = pageError(tr("the version's images"), images.error());
                    return std::nullopt;
                }
                return std::move(*images);
            };
            m_timeline.setSource(std::move(source));
            Q_EMIT historyReady(keyId);
            requestKeyAudit(keyId);
        });
}

void StoreSession::requestKeyAudit(std::int64_t keyId)
{
    using Audits = std::unordered_map<std::int64_t, VersionAudit>;
    runStoreJob<Audits>(
        m_jobs, KeyAuditChannel, tr("Could not audit the key: %1"),
        [keyId](storage::Store& store, JobContext& ctx) {
            return keyVersionAudits(store, keyId, [&ctx]() { return !ctx.isStale(); });
        },
        [this, keyId](Audits audits) {
            if (keyId != m_keyId)
                return;
            m_timeline.setAudit(std::move(audits));
            Q_EMIT keyAuditReady(keyId);
        });
}

std::int64_t StoreSession::chooseBucketMicros(std::int64_t first, std::int64_t last, int maxBuckets)
{
    static constexpr std::int64_t s = 1'000'000;
    static constexpr std::int64_t widths[] = {1000,        10'000,       100'000, s,        5 * s,      15 * s,
                                              60 * s,      300 * s,      900 * s, 3600 * s, 21'600 * s, 86'400 * s,
                                              604'800 * s, 2'592'000 * s};
    const std::int64_t span = std::max<std::int64_t>(last - first, 1);
    for (std::int64_t w : widths)
        if (span / w < maxBuckets)
            return w;
    return 31'536'000 * s;
}

void StoreSession::requestActivity(std::int64_t keyId, std::optional<std::pair<std::int64_t, std::int64_t>> zoom)
{
    if (!m_store)
        return;
    struct Activity
    {
        std::vector<storage::ActivityBucket> buckets;
        std::int64_t bucketMicros = 0;
        std::optional<std::pair<std::int64_t, std::int64_t>> zoom;
    };
    storage::RecordFilter filter;
    if (keyId)
        filter.keyId = keyId;
    if (zoom && zoom->second > zoom->first) {
        filter.fromMicros = zoom->first;
        filter.toMicros = zoom->second;
    } else {
        zoom.reset();
    }
    runStoreJob<Activity>(
        m_jobs, ActivityChannel, tr("Could not compute the activity: %1"),
        [filter, zoom](storage::Store& store, JobContext&) -> storage::Result<Activity> {
            std::optional<std::pair<std::int64_t, std::int64_t>> range = zoom;
            if (!range) {
                auto times = store.timeRange(filter);
                if (!times)
                    return times.error();
                if (!*times)
                    return Activity{};
                range = **times;
            }
            const std::int64_t width = chooseBucketMicros(range->first, range->second);
            auto buckets = store.activity(filter, width);
            if (!buckets)
                return buckets.error();
            return Activity{std::move(*buckets), width, zoom};
        },
        [this](Activity a) {
            m_activity = std::move(a.buckets);
            m_bucketMicros = a.bucketMicros;
            m_activityZoom = a.zoom;
            Q_EMIT activityReady();
        });
}

void StoreSession::requestAudit()
{
    if (!m_store)
        return;
    struct Audit
    {
        AuditFindings findings;
        QString error; ///< the audit stopped early: the findings are those found until then
    };
    runStoreJob<Audit>(
        m_auditJobs, AuditChannel, tr("Audit incomplete: %1"),
        [](storage::Store& store, JobContext& ctx) -> storage::Result<Audit> {
            std::string error;
            Audit a;
            a.findings = streamAuditFindings(store, error, [&ctx]() { return !ctx.isStale(); });
            a.error = fromStd(error);
            return a;
        },
        [this](Audit a) {
            if (!a.error.isEmpty())
                Q_EMIT errorOccurred(tr("Audit incomplete: %1").arg(a.error));
            std::vector<AuditRow> tree; // the Expert-Info tree: the grouped findings (small whatever the store)
            tree.reserve(a.findings.grouped.size());
            for (const auto& f : a.findings.grouped) {
                AuditRow r;
                r.severity = f.severity == model::Severity::Error ? AuditSeverity::Error
                    : f.severity == model::Severity::Warning      ? AuditSeverity::Warning
                                                                  : AuditSeverity::Note;
                r.kind = std::string(model::findingKindText(f.kind));
                r.message = f.message;
                r.table = f.table;
                r.keyId = f.keyId;
                r.keyText = f.keyText;
                r.recordId = f.recordId;
                tree.push_back(std::move(r));
            }
            m_audit.setFindings(std::move(tree));
            m_findings.setFindings(std::move(a.findings.grouped), std::move(a.findings.flat), a.findings.flatComplete,
                                   a.findings.fromStore);
            Q_EMIT auditReady();
        });
}

std::optional<storage::RecordRow> StoreSession::record(std::int64_t recordId, QString* error)
{
    if (!m_store)
        return std::nullopt;
    auto r = m_store->record(recordId, true);
    if (!r) {
        if (error)
            *error = errorText(r.error());
        return std::nullopt;
    }
    return *r;
}
