#include "storage/replay/replayer.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <random>
#include <stop_token>
#include <thread>
#include <tuple>

#include "storage/replay/commandtarget.h"
#include "storage/replay/runtables.h"

namespace storage {

namespace {

std::int64_t nowMicros()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

ReplayAttemptInfo toInfo(const AttemptRecord& a, const std::vector<std::string>& sequenceNumbers,
                         std::chrono::milliseconds timeout)
{
    ReplayAttemptInfo info;
    info.number = a.number;
    info.begin = static_cast<std::int64_t>(a.begin);
    info.end = static_cast<std::int64_t>(a.end);
    if (a.end > a.begin) {
        info.firstSequenceNumber = sequenceNumbers[a.begin];
        info.lastSequenceNumber = sequenceNumbers[a.end - 1];
    }
    info.retry = a.retry;
    info.afterBisect = a.afterBisect;
    info.verdict = std::string(verdictName(a.response.verdict));
    info.reason = a.response.reason;
    info.checkpoint = a.response.checkpoint;
    info.failedIdentifiers = a.response.failedSequenceNumbers;
    info.handlerEnd = a.handler.describe(timeout);
    info.exitCode = a.handler.exitCode;
    info.signal = a.handler.signal;
    info.durationMs = a.handler.durationMs;
    info.stdoutText = a.handler.stdoutText;
    if (a.handler.stdoutTruncated)
        info.stdoutText += "\n[output truncated]";
    info.stderrText = a.handler.stderrText;
    if (a.handler.stderrTruncated)
        info.stderrText += "\n[output truncated]";
    return info;
}

// A run whose recording stopped half-way (disk full, ...) is marked failed if the store still takes that write, so it
// is not listed as running for ever. Returns the error that stopped it.
Error abandonRun(Database& db, ReplayRunInfo& run, Error error)
{
    run.status = "failed";
    run.finishedMicros = nowMicros();
    static_cast<void>(updateReplayRun(db, run));
    return error;
}

/// A random version-4 UUID, as Lambda's request ids are.
std::string newRequestId()
{
    static thread_local std::mt19937_64 random{std::random_device{}()};
    const std::uint64_t a = random();
    const std::uint64_t b = random();
    char text[37];
    std::snprintf(text, sizeof text, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                  static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return text;
}

/// Watches ReplayOptions::stopRequested while a run lives and ends the target's invocation when it turns true.
class StopWatcher
{
public:
    StopWatcher(const std::function<bool()>& requested, ReplayTarget& target)
    {
        if (!requested)
            return;
        m_thread = std::jthread([this, &requested, &target](const std::stop_token& token) {
            while (!token.stop_requested()) {
                if (requested()) {
                    m_stopped.store(true);
                    target.stop();
                    return;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        });
    }

    bool stopped() const { return m_stopped.load(); }

private:
    std::atomic<bool> m_stopped{false};
    std::jthread m_thread; // last: joined before m_stopped goes
};

ReplayBatchInfo batchInfo(const LambdaBatch& batch, std::size_t index, const std::vector<std::string>& sequenceNumbers)
{
    ReplayBatchInfo info;
    info.number = static_cast<int>(index + 1);
    info.stream = batch.stream;
    info.table = batch.table;
    info.payloadBytes = static_cast<std::int64_t>(batch.payloadBytes);
    if (!sequenceNumbers.empty()) {
        info.firstSequenceNumber = sequenceNumbers.front();
        info.lastSequenceNumber = sequenceNumbers.back();
    }
    return info;
}

/// The batch's record outcomes as the state machine left them (records not settled yet stay pending).
void addRecordOutcomes(const LambdaBatch& batch, const BatchReplay& replay, ReplayBatchInfo& info)
{
    for (std::size_t i = 0; i < batch.records.size(); ++i) {
        const auto& r = batch.records[i];
        const auto& state = replay.records()[i];
        ReplayRecordOutcome o;
        o.recordId = r.recordId;
        o.table = r.table;
        o.keyText = r.keyText;
        o.keysJson = r.keysJson;
        o.sequenceNumber = r.sequenceNumber;
        o.status = state.status;
        o.deliveries = state.deliveries;
        o.reportedFailures = state.reportedFailures;
        o.settledAttempt = state.settledAttempt;
        o.lastError = state.lastError;
        if (o.status == RecordStatus::Succeeded)
            ++info.succeeded;
        else if (o.status == RecordStatus::Discarded)
            ++info.discarded;
        info.records.push_back(std::move(o));
    }
}

/// An invocation that did not give Lambda a result (the replay was stopped during it, or the target is unusable): kept
/// with its log, not fed to the retry rules, so its records stay pending.
ReplayAttemptInfo unsettledAttempt(const BatchReplay& replay, const HandlerOutcome& outcome,
                                   std::chrono::milliseconds timeout, std::string verdict, std::string reason)
{
    AttemptRecord a;
    a.number = static_cast<int>(replay.attempts().size()) + 1;
    std::tie(a.begin, a.end) = replay.nextRange();
    a.handler = outcome;
    ReplayAttemptInfo info = toInfo(a, replay.sequenceNumbers(), timeout);
    info.verdict = std::move(verdict);
    info.reason = std::move(reason);
    return info;
}

enum class BatchEnd { Done, Stopped, TargetUnusable };

/// Invokes the target for one batch until Lambda's rules settle every record, the replay is stopped, or the target
/// turns out unusable (`unusable` then says why).
BatchEnd replayOneBatch(const LambdaBatch& batch, BatchReplay& replay, ReplayBatchInfo& info, ReplayRunInfo& run,
                        ReplayTarget& target, const ReplayOptions& options, const StopWatcher& watcher,
                        const ReplayObserver& observer, std::string& unusable)
{
    while (!replay.done()) {
        if (watcher.stopped())
            return BatchEnd::Stopped;
        const auto [begin, end] = replay.nextRange();
        if (options.beforeInvocation)
            options.beforeInvocation(info.number, static_cast<int>(info.attempts.size()) + 1,
                                     static_cast<std::int64_t>(begin) + 1, static_cast<std::int64_t>(end));
        const HandlerOutcome outcome = target.invoke(eventJson(batch, begin, end), newRequestId(), options.timeout);
        if (outcome.stopped || watcher.stopped()) {
            ++run.attemptCount;
            info.attempts.push_back(unsettledAttempt(replay, outcome, options.timeout, "interrupted",
                                                     "the replay was stopped during this invocation"));
            return BatchEnd::Stopped;
        }
        if (outcome.end == HandlerOutcome::End::StartFailed) {
            ++run.attemptCount;
            unusable = outcome.startError.empty() ? std::string("the target could not be used") : outcome.startError;
            info.attempts.push_back(unsettledAttempt(replay, outcome, options.timeout, "failed", unusable));
            return BatchEnd::TargetUnusable;
        }
        const AttemptRecord& attempt = replay.report(outcome);
        info.attempts.push_back(toInfo(attempt, replay.sequenceNumbers(), options.timeout));
        ++run.attemptCount;
        if (observer && !observer(info, info.attempts.back()))
            return BatchEnd::Stopped;
    }
    return BatchEnd::Done;
}

std::shared_ptr<ReplayTarget> targetOf(const ReplayOptions& options)
{
    if (options.target)
        return options.target;
    if (options.handler.argv.empty() || options.handler.argv.front().empty())
        return nullptr;
    return std::make_shared<CommandTarget>(options.handler);
}

} // namespace

Result<ReplayRunInfo> replayBatches(Database* database, const std::vector<LambdaBatch>& batches,
                                    const ReplayOptions& options, const std::string& selectionJson,
                                    const ReplayObserver& observer)
{
    const std::shared_ptr<ReplayTarget> target = targetOf(options);
    if (!target)
        return Error{Error::Kind::InvalidArgument, 0, "no handler command given"};
    if (options.policy.maxRetries < 0 || options.policy.maxRetries > 10000)
        return Error{Error::Kind::InvalidArgument, 0, "max retries must be between 0 and 10000"};
    const bool record = options.record && database;
    ReplayRunInfo run;
    run.startedMicros = nowMicros();
    run.handler = target->description();
    run.status = "running";
    run.maxRetries = options.policy.maxRetries;
    run.bisect = options.policy.bisect;
    run.timeoutMs = options.timeout.count();
    run.batchSize = static_cast<std::int64_t>(options.limits.maxRecords);
    run.selectionJson = selectionJson;
    run.batchCount = static_cast<std::int64_t>(batches.size());
    if (record) {
        if (auto e = insertReplayRun(*database, run))
            return *e;
    }
    // Held while this process replays the run: a run left "running" by a process that was killed is then listed as
    // ended (runtables.h).
    std::optional<ReplayRunLock> owner;
    if (record)
        owner.emplace(database->path(), run.id);
    const StopWatcher watcher(options.stopRequested, *target);
    BatchEnd ended = BatchEnd::Done;
    std::string unusable;
    for (std::size_t b = 0; b < batches.size() && ended == BatchEnd::Done && !watcher.stopped(); ++b) {
        const LambdaBatch& batch = batches[b];
        std::vector<std::string> sequenceNumbers;
        for (const auto& r : batch.records)
            sequenceNumbers.push_back(r.sequenceNumber);
        ReplayBatchInfo info = batchInfo(batch, b, sequenceNumbers);
        BatchReplay replay(sequenceNumbers, options.policy);
        ended = replayOneBatch(batch, replay, info, run, *target, options, watcher, observer, unusable);
        addRecordOutcomes(batch, replay, info);
        run.recordCount += static_cast<std::int64_t>(batch.records.size());
        run.succeeded += info.succeeded;
        run.discarded += info.discarded;
        if (record) {
            if (auto e = saveReplayBatch(*database, run.id, info))
                return abandonRun(*database, run, *e);
            if (auto e = updateReplayRun(*database, run)) // counts so far, also for a run that never finishes
                return abandonRun(*database, run, *e);
        }
        run.batches.push_back(std::move(info));
    }
    const bool stopped = ended == BatchEnd::Stopped || watcher.stopped();
    if (ended != BatchEnd::Done || stopped)
        run.batchCount = static_cast<std::int64_t>(run.batches.size()); // what was reached, not what was planned
    // The stop flag set counts as a stop even when the watcher had not polled it yet (an observer that saw it first).
    const bool stopFlag = watcher.stopped() || (options.stopRequested && options.stopRequested());
    run.status = ended == BatchEnd::TargetUnusable ? "failed"
        : stopped                                  ? (stopFlag ? options.stoppedStatus : std::string("cancelled"))
                                                   : "complete";
    run.finishedMicros = nowMicros();
    if (record) {
        if (auto e = updateReplayRun(*database, run))
            return *e;
    }
    if (ended == BatchEnd::TargetUnusable)
        return Error{Error::Kind::InvalidArgument, 0,
                     std::string(kUnusableTargetError) + unusable
                         + (record ? " (recorded as failed run " + std::to_string(run.id) + ")" : std::string{})};
    return run;
}

Result<ReplayRunInfo> runReplay(Store& store, const RecordSelection& selection, const ReplayOptions& options,
                                const ReplayObserver& observer)
{
    if (!options.target && (options.handler.argv.empty() || options.handler.argv.front().empty()))
        return Error{Error::Kind::InvalidArgument, 0, "no handler command given"};
    auto build = buildLambdaBatches(store, selection, options.limits);
    if (!build)
        return build.error();
    nlohmann::json recorded = selectionJson(selection);
    if (selection.lambdaFilter)
        recorded["lambdaFilterCriteria"]["dropped"] = build->droppedByCriteria;
    auto run = replayBatches(options.record ? &store.database() : nullptr, build->batches, options,
                             recorded.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), observer);
    if (run) {
        run->droppedByCriteria = selection.lambdaFilter ? build->droppedByCriteria : -1;
        run->oversize = build->oversize;
        if (options.record && !run->oversize.empty()) {
            if (auto e = updateReplayRun(store.database(), *run))
                return *e;
        }
    }
    return run;
}

} // namespace storage
