#include "app/viewmodels/replayjob.h"

#include "app/viewmodels/formatting.h"
#include "storage/replay/commandtarget.h"
#include "storage/replay/replayer.h"
#include "storage/replay/runtables.h"
#include "storage/store/store.h"

using formatting::fromStd;

namespace {

ReplayRunList readRuns(storage::Database& db)
{
    ReplayRunList list;
    auto runs = storage::listReplayRuns(db);
    if (!runs) {
        list.error = fromStd(runs.error().message);
        return list;
    }
    for (const auto& summary : *runs) {
        auto full = storage::loadReplayRun(db, summary.id);
        if (!full) {
            list.error = fromStd(full.error().message);
            return list;
        }
        if (full->has_value())
            list.runs.push_back(std::move(**full));
    }
    return list;
}

storage::ReplayOptions replayOptions(const ReplayRequest& request)
{
    storage::ReplayOptions options;
    storage::HandlerCommand command;
    for (const auto& a : request.handler)
        command.argv.push_back(a.toStdString());
    if (!command.argv.empty())
        options.target = std::make_shared<storage::CommandTarget>(std::move(command));
    options.timeout = std::chrono::milliseconds(request.timeoutMs);
    options.policy.maxRetries = request.maxRetries;
    options.policy.bisect = request.bisect;
    options.limits.maxRecords = static_cast<std::size_t>(request.batchSize);
    return options;
}

} // namespace

ReplayFunction storeReplayFunction()
{
    return [](const ReplayRequest& request, const UserJob::Progress& progress) {
        ReplayOutcome outcome;
        auto store =
            storage::Store::open(request.storePath.toStdString(), storage::Database::OpenMode::ReadWriteExisting);
        if (!store) {
            outcome.error = fromStd(store.error().message);
            return outcome;
        }
        const storage::ReplayObserver observer = [&progress](const storage::ReplayBatchInfo& batch,
                                                             const storage::ReplayAttemptInfo&) {
            return !progress || progress(batch.number, 0);
        };
        auto run = storage::runReplay(*store, request.selection, replayOptions(request), observer);
        if (!run) {
            outcome.error = fromStd(run.error().message);
            outcome.runs = readRuns(store->database()); // a handler that cannot start is recorded as a failed run
            return outcome;
        }
        outcome.cancelled = run->status == "cancelled";
        outcome.run = std::move(*run);
        outcome.runs = readRuns(store->database());
        return outcome;
    };
}

ReplayRunsFunction storeReplayRunsFunction()
{
    return [](const QString& storePath) {
        auto store = storage::Store::open(storePath.toStdString(), storage::Database::OpenMode::ReadOnly);
        if (!store)
            return ReplayRunList{{}, fromStd(store.error().message)};
        return readRuns(store->database());
    };
}

ReplayJob::ReplayJob(QObject* parent, ReplayFunction replay, ReplayRunsFunction runs)
    : UserJob(parent)
    , m_replay(std::move(replay))
    , m_runs(std::move(runs))
{
    qRegisterMetaType<ReplayOutcome>();
    qRegisterMetaType<ReplayRunList>();
}

void ReplayJob::start(ReplayRequest request)
{
    tracker().cancelAll(); // a run list still loading would show the runs without this one after it
    launch<ReplayOutcome>([function = m_replay, request = std::move(request)](
                              const Progress& progress) { return function(request, progress); },
                          [this](ReplayOutcome outcome, bool cancelled) {
                              outcome.cancelled = outcome.cancelled || (cancelled && !outcome.error.isEmpty());
                              Q_EMIT finished(outcome);
                          });
}

void ReplayJob::loadRuns(const QString& storePath)
{
    tracker().run<ReplayRunList>(
        AuxiliaryChannel, [function = m_runs, storePath](JobContext&) { return function(storePath); },
        [this](const ReplayRunList& runs) { Q_EMIT runsLoaded(runs); });
}
