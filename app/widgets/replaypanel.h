#pragma once

// Replay panel: replays the events view's current filter with Lambda's failure semantics through a ReplayJob (the
// view-model layer runs it on a worker with its own store connection) into one of three runners — a Lambda handler
// loaded in its runtime, a local endpoint's Invoke API, or a command (shell-style quoting, no shell) — and lists the
// recorded runs, read in the background too: run -> batches -> attempts and failed records, with the selected
// attempt's log below. A replay that cannot start shows its reason in a banner. Progress and Cancel while it runs;
// the form's settings are remembered (QSettings). Activating a record row emits recordActivated (open its key).

#include <QWidget>
#include <vector>

#include "app/viewmodels/replayjob.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTreeWidget;
class QTreeWidgetItem;
class StoreSession;

class QTimer;
class QSplitter;
class QFormLayout;
class QScrollArea;
class QShowEvent;
namespace splitdefaults {
class Placer;
}

class ReplayPanel : public QWidget
{
    Q_OBJECT

public:
    /// The runner choices, in the order of runnerCombo().
    enum class Runner { LambdaHandler = 0, InvokeApi = 1, Command = 2 };

    explicit ReplayPanel(StoreSession* session, QWidget* parent = nullptr);
    ~ReplayPanel() override;

    QTreeWidget* runsView() const { return m_runs; }
    QComboBox* runnerCombo() const { return m_runner; }
    Runner runner() const;
    void setRunner(Runner runner);
    QLineEdit* handlerEdit() const { return m_command; } ///< the Command runner's command line
    QLabel* commandPreview() const { return m_preview; }
    QLineEdit* lambdaHandlerEdit() const { return m_lambdaHandler; }
    QLineEdit* codeDirEdit() const { return m_codeDir; }
    QComboBox* runtimeCombo() const { return m_runtime; }
    QPlainTextEdit* environmentEdit() const { return m_environment; }
    QLineEdit* invokeUrlEdit() const { return m_invokeUrl; }
    QLineEdit* functionNameEdit() const { return m_functionName; }
    QDoubleSpinBox* timeoutSpin() const { return m_timeout; }
    QSpinBox* retriesSpin() const { return m_retries; }
    QSpinBox* batchSizeSpin() const { return m_batchSize; }
    QCheckBox* bisectCheck() const { return m_bisect; }
    QPushButton* cancelButton() const { return m_cancel; }
    QPlainTextEdit* logView() const { return m_log; }

    /// The Command runner's argv (splitShellWords of the command line), or empty with `error` set.
    QStringList commandArguments(QString* error = nullptr) const;
    /// Reloads the recorded runs of the open store (in the background; runsReloaded when they are shown).
    void reload();
    /// Starts a replay of the current events filter with the form's settings (and remembers them); false (and the
    /// reason in the banner) when it cannot start.
    bool startReplay();
    bool isRunning() const { return m_job->isRunning(); }
    /// Stops a running replay at once (the handler's processes end; the run is recorded as interrupted).
    void cancelReplay();
    /// Before quitting: when a replay runs, asks "Stop and quit" / "Keep running"; on stop ends the replay and waits
    /// for its worker, so no handler process outlives the application. false: keep running (do not quit).
    bool stopForQuit();
    QString statusText() const;
    /// The banner's text ("" when hidden): why a replay could not start or failed.
    QString bannerText() const;
    QString progressText() const;

Q_SIGNALS:
    void recordActivated(qint64 recordId);
    void replayFinished(qint64 runId); ///< a run was made (complete or interrupted)
    void replayEnded();                ///< after every replay, also one that failed or could not start
    void runsReloaded();

protected:
    void showEvent(QShowEvent* event) override;

private:
    QPushButton* createRunnerPages();
    QHBoxLayout* createOptionsRow();
    QHBoxLayout* createRunBar();
    void createBannerAndStatus();
    QSplitter* createRunsAndLog();
    QScrollArea* createSettingsScroll(QFormLayout* form);
    void connectSignals(QPushButton* browse);
    void showRuns(const ReplayRunList& runs);
    void showRun(QTreeWidgetItem* item, const storage::ReplayRunInfo& run, int runIndex);
    void onFinished(const ReplayOutcome& outcome);
    void showProgress();
    void showBanner(const QString& text);
    void updatePreview();
    void showRunnerPage(int index);
    void showLogOf(QTreeWidgetItem* item);
    void setRunning(bool running);
    void loadSettings();
    void saveSettings() const;
    /// The request's target from the form, or false with `error` set.
    bool targetFromForm(storage::ReplayTargetSpec& spec, QString& error) const;
    /// The settings, runs and log heights for a splitter `total` px tall (less one handle) until the user moves it.
    QList<int> splitSizes(int total) const;
    /// The splitter's default sizes again once the settings' height changed (runner page, banner, status).
    void placeSplitLater();

    StoreSession* m_session;
    QComboBox* m_runner;
    QStackedWidget* m_pages;
    QLineEdit* m_lambdaHandler;
    QLineEdit* m_codeDir;
    QComboBox* m_runtime;
    QPlainTextEdit* m_environment;
    QLineEdit* m_invokeUrl;
    QLineEdit* m_functionName;
    QLineEdit* m_command;
    QLabel* m_preview;
    QDoubleSpinBox* m_timeout;
    QSpinBox* m_retries;
    QSpinBox* m_batchSize;
    QCheckBox* m_bisect;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QProgressBar* m_busy;
    QLabel* m_progress;
    QLabel* m_banner;
    QLabel* m_status;
    QTreeWidget* m_runs;
    QPlainTextEdit* m_log;
    ReplayJob* m_job;
    QTimer* m_progressTimer = nullptr;
    QSplitter* m_split = nullptr;
    QWidget* m_settingsPane = nullptr;
    QHBoxLayout* m_runBar = nullptr; ///< Replay, Cancel and the progress: under the settings, never scrolled away
    bool m_sized = false; ///< the splitter got its first sizes (settings as tall as they need, the rest to the runs)
    splitdefaults::Placer* m_splitPlacer = nullptr; ///< the splitter's default sizes until the user moves it
    std::vector<storage::ReplayRunInfo> m_shown;    ///< the runs in the tree (items point here by index)
};
