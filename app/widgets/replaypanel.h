#pragma once

// Replay panel: runs a local handler over the events view's current filter with Lambda's failure semantics
// (storage::runReplay, on a worker thread with its own store connection) and lists the recorded runs: run ->
// batches -> attempts and failed records. Activating a record row emits recordActivated (open its key).

#include <QFutureWatcher>
#include <QWidget>

#include "storage/replay/replayer.h"

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
    /// Reloads the recorded runs of the open store.
    void reload();
    /// Starts a replay of the current events filter with the form's settings; false (and a status message) when
    /// it cannot start.
    bool startReplay();
    bool isRunning() const { return m_watcher.isRunning(); }

Q_SIGNALS:
    void recordActivated(qint64 recordId);
    void replayFinished(qint64 runId);

private:
    void showRun(QTreeWidgetItem* item, const storage::ReplayRunInfo& run);
    void onFinished();

    StoreSession* m_session;
    QLineEdit* m_handler;
    QDoubleSpinBox* m_timeout;
    QSpinBox* m_retries;
    QSpinBox* m_batchSize;
    QCheckBox* m_bisect;
    QPushButton* m_run;
    QLabel* m_status;
    QTreeWidget* m_runs;
    QFutureWatcher<storage::Result<storage::ReplayRunInfo>> m_watcher;
};
