#pragma once

// The store's sources view (what `streamscope info` prints): every imported file with its format, size, import
// time, counts (stored, duplicates, conflicts, skipped), the importer's notes (skipped records with their reasons,
// assumptions made) and the time span of its records; the tables with their streams; the totals. Read in the
// background from one committed state of the store.

#include <QObject>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

#include "app/viewmodels/jobtracker.h"
#include "storage/store/store.h"

struct SourceDetails
{
    storage::SourceInfo info;
    /// The importer's notes, one per line: skipped records ("record 3 at line 5, column 7 (byte 135): …") and
    /// assumptions ("no eventSourceARN: table named after the file").
    QStringList notes;
    std::optional<std::int64_t> firstTimeMicros; ///< of the records stored from this file
    std::optional<std::int64_t> lastTimeMicros;
};

struct SourcesReport
{
    QString storePath;
    std::vector<SourceDetails> sources;
    std::vector<storage::TableInfo> tables;
    storage::StoreTotals totals;
};

/// Worker side (exposed for tests): reads the report inside one read transaction.
storage::Result<SourcesReport> readSourcesReport(storage::Store& store);

/// Runs readSourcesReport on its own read-only connection in the background; `ready` or `failed` on the GUI
/// thread. A newer start() drops the answer of an older one.
class SourcesJob : public QObject
{
    Q_OBJECT
public:
    explicit SourcesJob(QObject* parent = nullptr);
    void start(const QString& storePath);
    bool isRunning() const { return m_jobs.isBusy(); }
    void cancel() { m_jobs.cancelAll(); }

Q_SIGNALS:
    void ready(const SourcesReport& report);
    void failed(const QString& reason);

private:
    JobTracker m_jobs{nullptr, 1};
};

Q_DECLARE_METATYPE(SourcesReport)
