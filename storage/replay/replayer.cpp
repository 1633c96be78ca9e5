#include "storage/replay/replayer.h"

#include <chrono>

#include <nlohmann/json.hpp>

#include "model/attributevalue.h"
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

} // namespace

Result<ReplayRunInfo> replayBatches(Database* database, const std::vector<LambdaBatch>& batches,
                                    const ReplayOptions& options, const std::string& selectionJson,
                                    const ReplayObserver& observer)
{
    if (options.handler.argv.empty() || options.handler.argv.front().empty())
        return Error{Error::Kind::InvalidArgument, 0, "no handler command given"};
    if (options.policy.maxRetries < 0 || options.policy.maxRetries > 10000)
        return Error{Error::Kind::InvalidArgument, 0, "max retries must be between 0 and 10000"};
    const bool record = options.record && database;
    ReplayRunInfo run;
    run.startedMicros = nowMicros();
    run.handler = options.handler.argv;
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
    bool cancelled = false;
    for (std::size_t b = 0; b < batches.size() && !cancelled; ++b) {
        const LambdaBatch& batch = batches[b];
        std::vector<std::string> sequenceNumbers;
        for (const auto& r : batch.records)
            sequenceNumbers.push_back(r.sequenceNumber);
        ReplayBatchInfo info;
        info.number = static_cast<int>(b + 1);
        info.stream = batch.stream;
        info.table = batch.table;
        info.payloadBytes = static_cast<std::int64_t>(batch.payloadBytes);
        if (!sequenceNumbers.empty()) {
            info.firstSequenceNumber = sequenceNumbers.front();
            info.lastSequenceNumber = sequenceNumbers.back();
        }
        BatchReplay replay(sequenceNumbers, options.policy);
        while (!replay.done()) {
            const auto [begin, end] = replay.nextRange();
            HandlerCommand command = options.handler;
            command.extraEnvironment.emplace_back("STREAMSCOPE_REPLAY_BATCH", std::to_string(b + 1));
            command.extraEnvironment.emplace_back("STREAMSCOPE_REPLAY_ATTEMPT",
                                                  std::to_string(replay.attempts().size() + 1));
            const HandlerOutcome outcome = runHandler(command, eventJson(batch, begin, end), options.timeout);
            const AttemptRecord& attempt = replay.report(outcome);
            info.attempts.push_back(toInfo(attempt, sequenceNumbers, options.timeout));
            ++run.attemptCount;
            if (observer && !observer(info, info.attempts.back())) {
                cancelled = true;
                break;
            }
        }
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
        run.recordCount += static_cast<std::int64_t>(batch.records.size());
        run.succeeded += info.succeeded;
        run.discarded += info.discarded;
        if (record) {
            if (auto e = saveReplayBatch(*database, run.id, info))
                return abandonRun(*database, run, *e);
        }
        run.batches.push_back(std::move(info));
    }
    run.status = cancelled ? "cancelled" : "complete";
    run.finishedMicros = nowMicros();
    if (record) {
        if (auto e = updateReplayRun(*database, run))
            return *e;
    }
    return run;
}

Result<ReplayRunInfo> runReplay(Store& store, const RecordSelection& selection, const ReplayOptions& options,
                                const ReplayObserver& observer)
{
    if (options.handler.argv.empty() || options.handler.argv.front().empty())
        return Error{Error::Kind::InvalidArgument, 0, "no handler command given"};
    auto build = buildLambdaBatches(store, selection, options.limits);
    if (!build)
        return build.error();
    auto run = replayBatches(options.record ? &store.database() : nullptr, build->batches, options,
                             selectionToJson(selection), observer);
    if (run) {
        run->oversize = build->oversize;
        if (options.record && !run->oversize.empty()) {
            if (auto e = updateReplayRun(store.database(), *run))
                return *e;
        }
    }
    return run;
}

} // namespace storage
