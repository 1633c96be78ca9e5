#pragma once

// Background export of a record selection into a folder (storage::exportRecords on a worker with its own read-only
// connection): progress in records, Cancel (the exporter removes the files it wrote), outcome on the GUI thread.

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

#include "app/viewmodels/userjob.h"
#include "storage/export/exporter.h"

struct ExportRequest
{
    QString storePath;
    storage::RecordSelection selection;
    storage::ExportOptions options;
};

struct ExportOutcome
{
    QString error;          ///< "" on success
    bool cancelled = false; ///< stopped by Cancel: the files it wrote were removed
    std::optional<storage::ExportReport> report;
};

/// Exports `request`; calls `progress(done, total)` (from the worker) and stops when it returns false.
using ExportFunction = std::function<ExportOutcome(const ExportRequest& request, const UserJob::Progress& progress)>;

/// The production export function (storage::exportRecords over a read-only connection of its own).
ExportFunction storeExportFunction();

class ExportJob : public UserJob
{
    Q_OBJECT
public:
    explicit ExportJob(QObject* parent = nullptr, ExportFunction function = storeExportFunction());

    /// Starts exporting in the background; a running export is superseded (told to stop, its outcome dropped).
    void start(ExportRequest request);
    /// Runs the export on the calling thread, without progress or cancel (scripts, tests).
    ExportOutcome runNow(const ExportRequest& request) const;
    /// Files of an earlier export in `folder` (storage::existingExportFiles), sorted; empty if there is none.
    static QStringList existingExportFiles(const QString& folder);

Q_SIGNALS:
    void finished(const ExportOutcome& outcome);

private:
    ExportFunction m_function;
};

Q_DECLARE_METATYPE(ExportOutcome)
