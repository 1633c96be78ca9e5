#include "storage/replay/runreport.h"

#include <nlohmann/json.hpp>

namespace storage {

std::string replayRunToJson(const ReplayRunInfo& run, bool withOutput)
{
    using nlohmann::json;
    json j;
    j["id"] = run.id;
    j["status"] = run.status;
    j["started"] = run.startedMicros;
    j["finished"] = run.finishedMicros;
    j["handler"] = run.handler;
    j["maxRetries"] = run.maxRetries;
    j["bisect"] = run.bisect;
    j["timeoutMs"] = run.timeoutMs;
    j["batchSize"] = run.batchSize;
    j["selection"] = json::parse(run.selectionJson.empty() ? std::string("{}") : run.selectionJson, nullptr, false);
    j["counts"] = {{"batches", run.batchCount},  {"records", run.recordCount},   {"succeeded", run.succeeded},
                   {"discarded", run.discarded}, {"attempts", run.attemptCount}, {"oversize", run.oversize.size()}};
    json oversize = json::array();
    for (const auto& o : run.oversize)
        oversize.push_back({{"recordId", o.recordId},
                            {"table", o.table},
                            {"key", o.keyText},
                            {"sequenceNumber", o.sequenceNumber},
                            {"payloadBytes", o.payloadBytes}});
    j["oversize"] = oversize;
    json batches = json::array();
    for (const auto& b : run.batches) {
        json jb = {{"number", b.number},
                   {"stream", b.stream},
                   {"table", b.table},
                   {"payloadBytes", b.payloadBytes},
                   {"firstSequenceNumber", b.firstSequenceNumber},
                   {"lastSequenceNumber", b.lastSequenceNumber},
                   {"succeeded", b.succeeded},
                   {"discarded", b.discarded}};
        json attempts = json::array();
        for (const auto& a : b.attempts) {
            json ja = {{"number", a.number},
                       {"records", {a.begin, a.end}},
                       {"firstSequenceNumber", a.firstSequenceNumber},
                       {"lastSequenceNumber", a.lastSequenceNumber},
                       {"retry", a.retry},
                       {"afterBisect", a.afterBisect},
                       {"verdict", a.verdict},
                       {"handler", a.handlerEnd},
                       {"exitCode", a.exitCode},
                       {"durationMs", a.durationMs}};
            if (!a.reason.empty())
                ja["reason"] = a.reason;
            if (!a.checkpoint.empty())
                ja["checkpoint"] = a.checkpoint;
            if (!a.failedIdentifiers.empty())
                ja["batchItemFailures"] = a.failedIdentifiers;
            if (a.signal)
                ja["signal"] = a.signal;
            if (withOutput) {
                ja["stdout"] = a.stdoutText;
                ja["stderr"] = a.stderrText;
            }
            attempts.push_back(ja);
        }
        jb["attempts"] = attempts;
        json records = json::array();
        for (const auto& r : b.records) {
            json jr = {{"recordId", r.recordId},
                       {"table", r.table},
                       {"key", r.keyText},
                       {"sequenceNumber", r.sequenceNumber},
                       {"status", std::string(recordStatusName(r.status))},
                       {"deliveries", r.deliveries},
                       {"reportedFailures", r.reportedFailures},
                       {"settledAttempt", r.settledAttempt}};
            if (!r.lastError.empty())
                jr["lastError"] = r.lastError;
            records.push_back(jr);
        }
        jb["records"] = records;
        batches.push_back(jb);
    }
    j["batches"] = batches;
    return j.dump(2, ' ', false, json::error_handler_t::replace);
}
} // namespace storage
