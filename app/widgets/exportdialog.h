#pragma once

// "Export Selection…": exports the records of the events view's current filter (or explicit records) as Lambda
// batches, JSON Lines or a CSV of changes through an ExportJob (the view-model layer runs it on a worker), with a
// progress bar and Cancel. An earlier export in the folder is only replaced after the user confirms it.

#include <QDialog>
#include <optional>
#include <vector>

#include "app/viewmodels/exportjob.h"

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QMessageBox;
class QProgressBar;
class QPushButton;
class QSpinBox;
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
    /// What will be exported, as the dialog says it: "N records — the Events table's filter: table …, from …".
    QString filterScopeText() const;
    /// Records the current events filter lists (nullopt while its query runs).
    std::optional<qint64> filterRecordCount() const;
    /// "Only the key open in the timeline" (exact key match instead of the filter's substring).
    QCheckBox* onlyKeyBox() const { return m_onlyKey; }
    QLineEdit* folderEdit() const { return m_folder; }
    /// Object name of the "replace the earlier export?" question box (a child of the dialog while it is asked).
    static constexpr const char* kReplaceQuestionName = "exportReplaceQuestion";

Q_SIGNALS:
    /// A background export ended: ok false on error or cancel (statusText() says which).
    void exportFinished(bool ok);

protected:
    void accept() override;
    void reject() override;

private:
    ExportRequest request(const storage::ExportOptions& options) const;
    bool onlyKey() const;
    /// Asks before replacing an earlier export; false = keep it (nothing is written).
    bool confirmReplace(const QStringList& existing);
    void setRunning(bool running);
    void showStatus(const QString& text, bool error);
    void updateProgress(qint64 done, qint64 total);
    void onExportFinished(const ExportOutcome& outcome);

    StoreSession* m_session;
    ExportJob* m_job;
    std::vector<std::int64_t> m_recordIds;
    QLabel* m_scope;
    QLineEdit* m_folder;
    QPushButton* m_browse;
    QComboBox* m_format;
    QSpinBox* m_batchSize;
    QComboBox* m_jsUnsafe;
    QCheckBox* m_force;
    QCheckBox* m_onlyKey = nullptr;
    QProgressBar* m_progress;
    QLabel* m_status;
    QDialogButtonBox* m_buttons;
    std::optional<storage::ExportReport> m_report;
};
