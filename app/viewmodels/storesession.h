#pragma once

// The GUI's view of one open store: owns the item models and fills them from background jobs (one read-only
// connection per job, each reading one committed state: storage::ReadSnapshot) while page reads for visible rows use
// the GUI thread's own connection (indexed 256-row reads by id / key range: sub-millisecond). Stale job results are
// dropped (JobTracker).

#include <QObject>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>

#include "app/viewmodels/auditmodel.h"
#include "app/viewmodels/eventtablemodel.h"
#include "app/viewmodels/findingsmodel.h"
#include "app/viewmodels/jobtracker.h"
#include "app/viewmodels/keylistmodel.h"
#include "app/viewmodels/timelinemodel.h"
#include "storage/delivery/selection.h"
#include "storage/store/store.h"

class StoreSession : public QObject
{
    Q_OBJECT
public:
    enum Channel {
        OverviewChannel,
        KeysChannel,
        EventsChannel,
        HistoryChannel,
        ActivityChannel,
        AuditChannel,
        KeyAuditChannel
    };

    explicit StoreSession(QObject* parent = nullptr);
    ~StoreSession() override;

    /// Opens (create = true: creates) a store; returns "" or the reason it could not be opened (then the store that
    /// was open stays open).
    QString open(const QString& path, bool create = false);
    void close();
    bool isOpen() const { return m_store != nullptr; }
    QString path() const { return m_path; }

    TableListModel* tableModel() { return &m_tables; }
    KeyListModel* keyModel() { return &m_keys; }
    EventTableModel* eventModel() { return &m_events; }
    TimelineModel* timelineModel() { return &m_timeline; }
    AuditModel* auditModel() { return &m_audit; }
    /// The audit panel's findings (grouped and flat); filled with the audit model by requestAudit().
    FindingsModel* findingsModel() { return &m_findings; }
    JobTracker* jobs() { return &m_jobs; }
    /// The whole-store audit runs on its own worker so it never queues interactive queries behind it.
    JobTracker* auditJobs() { return &m_auditJobs; }
    bool isBusy() const { return m_jobs.isBusy() || m_auditJobs.isBusy(); }

    const storage::StoreTotals& totals() const { return m_totals; }
    /// Finding counts per kind text (records) of the findings kept in the store, read with the overview from the
    /// kind index (no finding decoded): known at once, before the audit panel's list arrives. Empty when the store
    /// keeps none that are current (the panel's list then comes from an audit run now).
    const std::vector<std::pair<std::string, std::int64_t>>& keptFindingCounts() const { return m_keptFindingCounts; }
    /// All jobs: overview, then keys / events / activity / audit with the current filters.
    void refresh();
    void refreshOverview();
    void setKeyFilter(const KeyFilter& filter);
    const KeyFilter& keyFilter() const { return m_keyFilter; }
    void setEventFilter(const EventFilter& filter);
    const EventFilter& eventFilter() const { return m_eventFilter; }
    /// The Lambda filter panel's criteria (LambdaFilter): export and replay deliver only what they let through;
    /// nullopt = none. They belong to the Lambda function, not the store: kept when another store is opened.
    void setLambdaCriteria(std::optional<storage::LambdaFilterCriteria> criteria)
    {
        m_lambdaCriteria = std::move(criteria);
    }
    const std::optional<storage::LambdaFilterCriteria>& lambdaCriteria() const { return m_lambdaCriteria; }
    /// Loads the key's versions into the timeline (background: the versions' heads; pages of rows and a version's
    /// images are read when shown); historyReady when done, then keyAuditReady when its Audit cells are known.
    void openKey(std::int64_t keyId);
    std::int64_t currentKeyId() const { return m_keyId; }
    const std::optional<storage::KeyInfo>& currentKey() const { return m_key; }
    /// The timeline holds this key's history: it was the last key opened and its history has arrived (while another
    /// key's history is on its way, the timeline still shows the key before).
    bool isKeyLoaded(std::int64_t keyId) const { return keyId == m_keyId && m_key && m_key->id == keyId; }
    /// Activity for the whole store (keyId = 0) or one key (background); activityReady when done. With `zoom`
    /// ([from, to), microseconds), only that time span, in buckets chosen for it.
    void requestActivity(std::int64_t keyId = 0,
                         std::optional<std::pair<std::int64_t, std::int64_t>> zoom = std::nullopt);
    const std::vector<storage::ActivityBucket>& activity() const { return m_activity; }
    std::int64_t activityBucketMicros() const { return m_bucketMicros; }
    /// The zoomed span of the last activity answer, nullopt when it covers everything.
    const std::optional<std::pair<std::int64_t, std::int64_t>>& activityZoom() const { return m_activityZoom; }
    void requestAudit();
    /// One record with its raw text (single indexed read on the GUI connection).
    std::optional<storage::RecordRow> record(std::int64_t recordId, QString* error = nullptr);
    /// The id of the key with these Keys (canonical JSON) in this table (one indexed read on the GUI connection);
    /// nullopt when the store has no such key or table. Key ids belong to one store file: a store made again
    /// numbers its keys anew, the table and the Keys name the same item.
    std::optional<std::int64_t> findKeyId(const std::string& table, const std::string& canonicalKeys);
    /// "" for an unknown id.
    QString tableName(std::int64_t tableId) const;
    std::optional<std::int64_t> tableId(const std::string& name) const;
    /// Bucket width giving at most ~maxBuckets buckets over [first, last].
    static std::int64_t chooseBucketMicros(std::int64_t first, std::int64_t last, int maxBuckets = 240);

Q_SIGNALS:
    void opened(const QString& path);
    /// The store is about to close (also when another one is opened): its lists and the open key are still there.
    void aboutToClose();
    void closed();
    void overviewReady();
    void keysReady();
    void eventsReady();
    void historyReady(qint64 keyId);
    /// The Audit cells of the open key's versions are filled (the findings about each version).
    void keyAuditReady(qint64 keyId);
    void activityReady();
    void auditReady();
    void errorOccurred(const QString& message);

private:
    /// Runs `work` on `jobs` with its own read-only connection and read snapshot (JobStore); `done` gets the value on
    /// the GUI thread, an error (other than an interruption) becomes errorOccurred(failure.arg(error)).
    template<typename T>
    void runStoreJob(JobTracker& jobs, Channel channel, const QString& failure,
                     std::function<storage::Result<T>(storage::Store&, JobContext&)> work, std::function<void(T)> done);
    void requestKeys();
    void requestEvents();
    /// The findings about each version of the open key (background, bounded memory), into the timeline.
    void requestKeyAudit(std::int64_t keyId);
    std::string m_pathUtf8;
    QString m_path;
    std::unique_ptr<storage::Store> m_store; // GUI-thread connection
    JobTracker m_jobs;
    JobTracker m_auditJobs{nullptr, 1};
    TableListModel m_tables;
    KeyListModel m_keys;
    EventTableModel m_events;
    TimelineModel m_timeline;
    AuditModel m_audit;
    FindingsModel m_findings;
    storage::StoreTotals m_totals;
    std::vector<storage::TableInfo> m_tableInfos;
    std::vector<std::pair<std::string, std::int64_t>> m_keptFindingCounts;
    KeyFilter m_keyFilter;
    EventFilter m_eventFilter;
    std::optional<storage::LambdaFilterCriteria> m_lambdaCriteria;
    std::int64_t m_keyId = 0;
    std::optional<storage::KeyInfo> m_key;
    std::vector<storage::ActivityBucket> m_activity;
    std::int64_t m_bucketMicros = 0;
    std::optional<std::pair<std::int64_t, std::int64_t>> m_activityZoom;
};

/// What the overview job reads: the totals and the table list, from one committed state of the store.
struct StoreOverview
{
    storage::StoreTotals totals;
    std::vector<storage::TableInfo> tables;
    /// storage::storedFindingCounts when the kept findings are current (storage::findingsStatus), else empty; a
    /// failure to read them leaves them empty (the audit job reports it).
    std::vector<std::pair<std::string, std::int64_t>> keptFindingCounts;
    std::string error; ///< "" or why the store could not be read
};
/// Worker-side (exposed for tests): reads the overview inside one read transaction (storage::ReadSnapshot), so the
/// totals and the tables agree even while another process commits an import. `betweenReads` runs after the totals
/// are read and before the tables are (tests commit from another connection there).
StoreOverview readOverview(storage::Store& store, const std::function<void()>& betweenReads = {});

/// The whole load (exposed for tests and bench_timeline's "before"): the timeline rows of one key's whole history
/// (every image decoded); with `images`, the decoded images of every version are kept there too, as the timeline
/// held them before it was paged.
std::vector<VersionRow> buildVersions(const storage::KeyHistory& history, const std::vector<AuditRow>& findings,
                                      std::vector<VersionImages>* images = nullptr);

/// The paged timeline (exposed for tests): every version's head from the key's history index.
std::vector<VersionHead> versionHeads(const storage::KeyHistoryIndex& index);
/// Rows [first, first + limit) of `heads` read from the store (the records of the page and the one before it,
/// images decoded for the Changed count and dropped): the same rows as buildVersions gives for those versions.
PageRead<VersionRow> readVersionPage(storage::Store& store, const std::vector<VersionHead>& heads, std::int64_t first,
                                     int limit);
/// One version's images (one indexed read).
storage::Result<VersionImages> readVersionImages(storage::Store& store, std::int64_t recordId);
