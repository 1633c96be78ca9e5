#include "app/viewmodels/replayjob.h"

#include "app/viewmodels/formatting.h"
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

storage::ReplayTargetSpec targetSpec(const ReplayRequest& request)
{
    storage::ReplayTargetSpec spec = request.target;
    if (spec.kind == storage::ReplayTargetKind::Command && spec.command.argv.empty())
        for (const auto& a : request.handler)
            spec.command.argv.push_back(a.toStdString());
    return spec;
}

storage::ReplayOptions replayOptions(const ReplayRequest& request)
{
    storage::ReplayOptions options;
    options.timeout = std::chrono::milliseconds(request.timeoutMs);
    options.policy.maxRetries = request.maxRetries;
    options.policy.bisect = request.bisect;
    options.limits.maxRecords = static_cast<std::size_t>(request.batchSize);
    options.stoppedStatus = "interrupted";
    return options;
}

} // namespace

void ReplayControl::requestStop()
{
    m_stop.store(true);
    std::shared_ptr<storage::ReplayTarget> target;
    {
        std::lock_guard lock(m_mutex);
        target = m_target;
    }
    if (target)
        target->stop(); // thread-safe: a running invocation (or a runtime starting) returns promptly
}

void ReplayControl::setTarget(const std::shared_ptr<storage::ReplayTarget>& target)
{
    {
        std::lock_guard lock(m_mutex);
        m_target = target;
    }
    if (target && m_stop.load())
        target->stop();
}

void ReplayControl::report(const ReplayProgress& progress)
{
    std::lock_guard lock(m_mutex);
    m_progress = progress;
}

ReplayProgress ReplayControl::progress() const
{
    std::lock_guard lock(m_mutex);
    return m_progress;
}

ReplayFunction storeReplayFunction()
{
    return [](const ReplayRequest& request, const UserJob::Progress& progress, ReplayControl& control) {
        ReplayOutcome outcome;
        storage::ReplayOptions options = replayOptions(request);
        auto target = storage::makeReplayTarget(targetSpec(request), options.timeout);
        if (!target) {
            outcome.error = fromStd(target.error().message);
            return outcome;
        }
        options.target = *target;
        auto store =
            storage::Store::open(request.storePath.toStdString(), storage::Database::OpenMode::ReadWriteExisting);
        if (!store) {
            outcome.error = fromStd(store.error().message);
            return outcome;
        }
        control.setTarget(options.target);
        // A Lambda runtime loads the handler's module first: one that does not load fails the replay here with
        // Lambda's reason and the runtime's output, and no run is recorded (as in the CLI).
        if (auto failed = storage::startReplayTarget(*options.target)) {
            if (control.stopRequested()) {
                outcome.error = QStringLiteral("the replay was stopped before the handler had started");
                outcome.cancelled = true;
            } else {
                outcome.error = QStringLiteral("the handler could not start: ") + fromStd(failed->startError);
                outcome.targetUnusable = true;
            }
            outcome.log = fromStd(failed->stderrText).trimmed();
            outcome.runs = readRuns(store->database());
            return outcome;
        }
        options.stopRequested = [&control] { return control.stopRequested(); };
        ReplayProgress now;
        int lastBatch = 0;
        std::int64_t lastBatchRecords = 0;
        // The first attempt of a batch sends all of it: its last record is the batch's size.
        const auto enterBatch = [&](int batchNumber, std::int64_t batchRecords) {
            if (batchNumber == lastBatch)
                return;
            now.recordsInDoneBatches += lastBatchRecords;
            lastBatch = batchNumber;
            lastBatchRecords = batchRecords;
        };
        options.beforeInvocation = [&](int batch, int attempt, std::int64_t first, std::int64_t last) {
            enterBatch(batch, last);
            now.batch = batch;
            now.attempt = attempt;
            now.attemptFirst = first;
            now.attemptLast = last;
            now.verdict.clear();
            now.running = true;
            control.report(now);
        };
        const storage::ReplayObserver observer = [&](const storage::ReplayBatchInfo& batch,
                                                     const storage::ReplayAttemptInfo& attempt) {
            enterBatch(batch.number, batch.attempts.empty() ? 0 : batch.attempts.front().end);
            now.batch = batch.number;
            now.attempt = attempt.number;
            now.attemptFirst = attempt.begin + 1;
            now.attemptLast = attempt.end;
            ++now.invocations;
            now.verdict = fromStd(attempt.verdict);
            now.running = false;
            control.report(now);
            if (progress && !progress(batch.number, 0))
                control.requestStop(); // cancelled or superseded: the same stop as Cancel
            return !control.stopRequested();
        };
        auto run = storage::runReplay(*store, request.selection, options, observer);
        control.setTarget(nullptr);
        if (!run) {
            std::string message = run.error().message;
            outcome.targetUnusable = message.starts_with(storage::kUnusableTargetError);
            if (outcome.targetUnusable) // the panel says "could not start: <reason>"
                message.erase(0, storage::kUnusableTargetError.size());
            outcome.error = fromStd(message);
            outcome.runs = readRuns(store->database()); // a handler that cannot start is recorded as a failed run
            return outcome;
        }
        outcome.cancelled = run->status == "interrupted" || run->status == "cancelled";
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

ReplayJob::~ReplayJob()
{
    // ~UserJob waits for the worker: make it end now (the handler's processes with it), not after the whole run.
    if (m_control)
        m_control->requestStop();
}

void ReplayJob::start(ReplayRequest request)
{
    tracker().cancelAll(); // a run list still loading would show the runs without this one after it
    if (m_control)
        m_control->requestStop(); // superseded
    auto control = std::make_shared<ReplayControl>();
    m_control = control;
    launch<ReplayOutcome>([function = m_replay, request = std::move(request),
                           control](const Progress& progress) { return function(request, progress, *control); },
                          [this, control](ReplayOutcome outcome, bool cancelled) {
                              if (m_control == control)
                                  m_control.reset();
                              outcome.cancelled = outcome.cancelled || (cancelled && !outcome.error.isEmpty());
                              Q_EMIT finished(outcome);
                          });
}

void ReplayJob::cancel()
{
    if (m_control)
        m_control->requestStop();
    UserJob::cancel();
}

void ReplayJob::stopAndWait()
{
    cancel();
    waitForDone();
}

ReplayProgress ReplayJob::progress() const
{
    return m_control ? m_control->progress() : ReplayProgress{};
}

void ReplayJob::loadRuns(const QString& storePath)
{
    tracker().run<ReplayRunList>(
        AuxiliaryChannel, [function = m_runs, storePath](JobContext&) { return function(storePath); },
        [this](const ReplayRunList& runs) { Q_EMIT runsLoaded(runs); });
}
