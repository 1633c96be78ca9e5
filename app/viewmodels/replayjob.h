#pragma once

// Background replay of a record selection through a replay target (storage::runReplay on a worker with its own
// writable connection) and background loading of the runs recorded in a store (storage::listReplayRuns /
// loadReplayRun). The target is any of the CLI's three (storage/replay/targetspec.h): a command, a Lambda handler in
// its runtime, or a local endpoint's Invoke API. Progress (batch, attempt, records) reaches the GUI thread; Cancel
// sets the replay's stop flag (ReplayOptions::stopRequested), which ends the running invocation at once (the
// handler's whole process group) and records the run as interrupted with what was done. Destroying the job stops a
// running replay the same way and waits for its worker.

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "app/viewmodels/userjob.h"
#include "storage/delivery/selection.h"
#include "storage/replay/runreport.h"
#include "storage/replay/targetspec.h"

struct ReplayRequest
{
    QString storePath;
    storage::RecordSelection selection;
    /// Where the batches go. A Command target with an empty argv takes `handler`.
    storage::ReplayTargetSpec target;
    QStringList handler; ///< the command's argv (run directly, no shell) when target.kind is Command
    int timeoutMs = 30000;
    int maxRetries = 2;
    bool bisect = false;
    int batchSize = 100;
};

/// The runs recorded in a store, newest first, each with its batches, attempts and record outcomes.
struct ReplayRunList
{
    std::vector<storage::ReplayRunInfo> runs;
    QString error; ///< "" or why they could not be read
};

struct ReplayOutcome
{
    /// "" when the run was made; else why not. When the target could not be used (a handler that cannot start, a
    /// wrong function name, an endpoint that is not running) `targetUnusable` is set and this is the reason.
    QString error;
    bool targetUnusable = false;
    QString log;            ///< the handler's output when it could not start (a Lambda module that did not load)
    bool cancelled = false; ///< stopped by Cancel (the run is recorded as interrupted)
    std::optional<storage::ReplayRunInfo> run;
    ReplayRunList runs; ///< the store's runs after this one (read by the same worker)
};

/// Where a running replay is, as of its last invocation.
struct ReplayProgress
{
    int batch = 0;                         ///< 1-based number of the batch being replayed (0: not started)
    int attempt = 0;                       ///< 1-based attempt within that batch
    std::int64_t attemptFirst = 0;         ///< records of the batch the attempt sent (1-based, inclusive)
    std::int64_t attemptLast = 0;          ///< 0 when the attempt sent none yet
    std::int64_t invocations = 0;          ///< in the whole run
    std::int64_t recordsInDoneBatches = 0; ///< records of the batches before `batch`
    QString verdict;                       ///< the last attempt's verdict (ok, partial, failed, ...)
    bool running = false; ///< the attempt is running now (verdict empty); else it is the last one that ended
};

/// Shared by the GUI thread and a replay's worker: the stop flag, the running target (so a stop reaches it at once,
/// also while a Lambda runtime is starting) and the latest progress.
class ReplayControl
{
public:
    /// Any thread: sets the stop flag and ends what the target is running.
    void requestStop();
    bool stopRequested() const { return m_stop.load(); }
    /// Worker: the target being used (stopped at once if a stop was requested already).
    void setTarget(const std::shared_ptr<storage::ReplayTarget>& target);
    void report(const ReplayProgress& progress);
    ReplayProgress progress() const;

private:
    std::atomic<bool> m_stop{false};
    mutable std::mutex m_mutex;
    std::shared_ptr<storage::ReplayTarget> m_target;
    ReplayProgress m_progress;
};

/// Replays `request`; calls `progress(batch, 0)` (from the worker) after every invocation and stops when it returns
/// false or `control.stopRequested()`.
using ReplayFunction = std::function<ReplayOutcome(const ReplayRequest& request, const UserJob::Progress& progress,
                                                   ReplayControl& control)>;
/// Reads the runs recorded in the store at `storePath`.
using ReplayRunsFunction = std::function<ReplayRunList(const QString& storePath)>;

/// The production functions (storage's replayer and run tables).
ReplayFunction storeReplayFunction();
ReplayRunsFunction storeReplayRunsFunction();

class ReplayJob : public UserJob
{
    Q_OBJECT
public:
    explicit ReplayJob(QObject* parent = nullptr, ReplayFunction replay = storeReplayFunction(),
                       ReplayRunsFunction runs = storeReplayRunsFunction());
    /// Stops a running replay (its handler's processes end) and waits for the worker.
    ~ReplayJob() override;

    /// Starts a replay; a running one is superseded (stopped, its outcome dropped).
    void start(ReplayRequest request);
    /// Stops the running replay at once: the running invocation is ended (the handler's whole process group) and the
    /// run is recorded as interrupted; its outcome is delivered (cancelled).
    void cancel();
    /// cancel(), then blocks until the worker has ended (quitting the application); the outcome follows through the
    /// event loop if it still runs.
    void stopAndWait();
    /// The running replay's latest progress (progressChanged says when it changed).
    ReplayProgress progress() const;
    /// Reads the store's runs in the background (runsLoaded); an older load still running is dropped.
    void loadRuns(const QString& storePath);

Q_SIGNALS:
    void finished(const ReplayOutcome& outcome);
    void runsLoaded(const ReplayRunList& runs);

private:
    ReplayFunction m_replay;
    ReplayRunsFunction m_runs;
    std::shared_ptr<ReplayControl> m_control;
};

Q_DECLARE_METATYPE(ReplayOutcome)
Q_DECLARE_METATYPE(ReplayRunList)
