#pragma once

// Background replay of a record selection through a local handler (storage::runReplay on a worker with its own
// writable connection) and background loading of the runs recorded in a store (storage::listReplayRuns /
// loadReplayRun): progress in batches, Cancel between invocations, outcomes on the GUI thread.

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

#include "app/viewmodels/userjob.h"
#include "storage/delivery/selection.h"
#include "storage/replay/runreport.h"

struct ReplayRequest
{
    QString storePath;
    storage::RecordSelection selection;
    QStringList handler; ///< argv, run directly (no shell)
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
    QString error;          ///< "" when the run was made; else why not (also: the handler could not start)
    bool cancelled = false; ///< stopped by Cancel (the run is recorded as cancelled)
    std::optional<storage::ReplayRunInfo> run;
    ReplayRunList runs; ///< the store's runs after this one (read by the same worker)
};

/// Replays `request`; calls `progress(batch, 0)` (from the worker) after every invocation and stops when it returns
/// false.
using ReplayFunction = std::function<ReplayOutcome(const ReplayRequest& request, const UserJob::Progress& progress)>;
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

    /// Starts a replay; a running one is superseded (told to stop, its outcome dropped).
    void start(ReplayRequest request);
    /// Reads the store's runs in the background (runsLoaded); an older load still running is dropped.
    void loadRuns(const QString& storePath);

Q_SIGNALS:
    void finished(const ReplayOutcome& outcome);
    void runsLoaded(const ReplayRunList& runs);

private:
    ReplayFunction m_replay;
    ReplayRunsFunction m_runs;
};

Q_DECLARE_METATYPE(ReplayOutcome)
Q_DECLARE_METATYPE(ReplayRunList)
