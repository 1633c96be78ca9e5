#pragma once

// Replay panel: runs a local handler over the events view's current filter with Lambda's failure semantics
// through a ReplayJob (the view-model layer runs it on a worker with its own store connection) and lists the
// recorded runs, read in the background too: run -> batches -> attempts and failed records. Activating a record row
// emits recordActivated (open its key).

#include <QWidget>

#include "app/viewmodels/replayjob.h"

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTreeWidget;
class QTreeWidgetItem;
class StoreSession;

class ReplayPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ReplayPanel(StoreSession* session, QWidget* parent = nullptr);
    ~ReplayPanel() override;

    QTreeWidget* runsView() const { return m_runs; }
    QLineEdit* handlerEdit() const { return m_handler; }
    /// Reloads the recorded runs of the open store (in the background; runsReloaded when they are shown).
    void reload();
    /// Starts a replay of the current events filter with the form's settings; false (and a status message) when
    /// it cannot start.
    bool startReplay();
    bool isRunning() const { return m_job->isRunning(); }
    /// Asks a running replay to stop after the current invocation (the run is recorded as cancelled).
    void cancelReplay() { m_job->cancel(); }
    QString statusText() const;

Q_SIGNALS:
    void recordActivated(qint64 recordId);
    void replayFinished(qint64 runId);
    void runsReloaded();

private:
    void showRuns(const ReplayRunList& runs);
    void showRun(QTreeWidgetItem* item, const storage::ReplayRunInfo& run);
    void onFinished(const ReplayOutcome& outcome);

    StoreSession* m_session;
    QLineEdit* m_handler;
    QDoubleSpinBox* m_timeout;
    QSpinBox* m_retries;
    QSpinBox* m_batchSize;
    QCheckBox* m_bisect;
    QPushButton* m_run;
    QLabel* m_status;
    QTreeWidget* m_runs;
    ReplayJob* m_job;
};
