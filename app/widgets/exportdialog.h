#pragma once

// "Export Selection…": exports the records of the events view's current filter (or explicit records) as Lambda
// batches, JSON Lines or a CSV of changes (storage::exportRecords).

#include <QDialog>
#include <QFutureWatcher>
#include <optional>
#include <vector>

#include "storage/exporter.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class StoreSession;

class ExportDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ExportDialog(StoreSession* session, QWidget* parent = nullptr);

    /// Export these records only (e.g. the selected rows) instead of the current filter.
    void setRecordIds(std::vector<std::int64_t> ids);
    /// The selection the dialog will export (current events filter + options).
    storage::ExportSelection selection() const;
    storage::ExportOptions options() const;
    void setFolder(const QString& folder);
    /// Runs the export; returns the error text ("" on success). Used by accept() and tests.
    QString runExport();
    const std::optional<storage::ExportReport>& lastReport() const { return m_report; }

protected:
    void accept() override;

private:
    /// The result of one export run on a worker thread.
    struct Outcome
    {
        QString error;
        std::optional<storage::ExportReport> report;
    };
    /// Runs on any thread: opens its own read-only connection (the session's belongs to its worker).
    static Outcome exportWithOwnConnection(const QString& storePath, const storage::ExportSelection& selection,
                                           const storage::ExportOptions& options);
    void exportFinished();

    StoreSession* m_session;
    QFutureWatcher<Outcome> m_watcher;
    std::vector<std::int64_t> m_recordIds;
    QLabel* m_scope;
    QLineEdit* m_folder;
    QComboBox* m_format;
    QSpinBox* m_batchSize;
    QComboBox* m_jsUnsafe;
    QCheckBox* m_force;
    std::optional<storage::ExportReport> m_report;
};
