#pragma once

// "Export Selection…": exports the records of the events view's current filter (or explicit records) as Lambda
// batches, JSON Lines or a CSV of changes (storage::exportRecords) on a worker thread, with a progress bar and
// Cancel. An earlier export in the folder is only replaced after the user confirms it.

#include <QDialog>
#include <QFutureWatcher>
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "storage/export/exporter.h"

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QMessageBox;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;
class StoreSession;

class ExportDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ExportDialog(StoreSession* session, QWidget* parent = nullptr);
    ~ExportDialog() override;

    /// Export these records only (e.g. the selected rows) instead of the current filter.
    void setRecordIds(std::vector<std::int64_t> ids);
    /// The selection the dialog will export (current events filter + options).
    storage::RecordSelection selection() const;
    storage::ExportOptions options() const;
    void setFolder(const QString& folder);
    /// Runs the export on the calling thread; returns the error text ("" on success). For scripts and tests;
    /// the Export button runs it in the background (accept()).
    QString runExport();
    const std::optional<storage::ExportReport>& lastReport() const { return m_report; }

    /// True while a background export runs.
    bool isExporting() const;
    /// Asks the running export to stop (it removes the files it wrote).
    void cancelExport();
    /// The result line shown in the dialog ("Exported …", the error, "Export cancelled.").
    QString statusText() const;
    QProgressBar* progressBar() const { return m_progress; }
    /// Object name of the "replace the earlier export?" question box (a child of the dialog while it is asked).
    static constexpr const char* kReplaceQuestionName = "exportReplaceQuestion";

Q_SIGNALS:
    /// A background export ended: ok false on error or cancel (statusText() says which).
    void exportFinished(bool ok);

protected:
    void accept() override;
    void reject() override;

private:
    /// Shared with the worker: its progress and the cancel request.
    struct Progress
    {
        std::atomic<std::int64_t> done{0};
        std::atomic<std::int64_t> total{0};
        std::atomic<bool> cancel{false};
    };
    /// The result of one export run on a worker thread.
    struct Outcome
    {
        QString error;
        bool cancelled = false;
        std::optional<storage::ExportReport> report;
    };
    /// Runs on any thread: opens its own read-only connection (the session's belongs to its worker).
    static Outcome exportWithOwnConnection(const QString& storePath, const storage::RecordSelection& selection,
                                           const storage::ExportOptions& options, std::shared_ptr<Progress> progress);
    /// Asks before replacing an earlier export; false = keep it (nothing is written).
    bool confirmReplace(const std::vector<std::string>& existing);
    void setRunning(bool running);
    void showStatus(const QString& text, bool error);
    void updateProgress();
    void onExportFinished();

    StoreSession* m_session;
    QFutureWatcher<Outcome> m_watcher;
    std::shared_ptr<Progress> m_running;
    std::vector<std::int64_t> m_recordIds;
    QLabel* m_scope;
    QLineEdit* m_folder;
    QPushButton* m_browse;
    QComboBox* m_format;
    QSpinBox* m_batchSize;
    QComboBox* m_jsUnsafe;
    QCheckBox* m_force;
    QProgressBar* m_progress;
    QLabel* m_status;
    QDialogButtonBox* m_buttons;
    QTimer* m_progressTimer;
    std::optional<storage::ExportReport> m_report;
};
