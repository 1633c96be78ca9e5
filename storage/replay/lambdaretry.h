#pragma once

// Lambda's stream-batch failure semantics, as pure logic (no processes, no store):
// - the handler's response read as with FunctionResponseTypes ReportBatchItemFailures (FORMATS.md §1.1);
// - a checkpoint at the lowest failed sequence number, retries from there, MaximumRetryAttempts,
//   BisectBatchOnFunctionError.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/replay/handlerprocess.h"

namespace storage {

/// How Lambda reads one invocation's result.
struct BatchResponse
{
    enum class Verdict {
        Success,     ///< empty/null batchItemFailures, empty/null response
        Partial,     ///< valid itemIdentifiers: checkpoint at the lowest
        BatchFailed, ///< function error, timeout, crash, or an invalid failure list
    };
    Verdict verdict = Verdict::Success;
    std::vector<std::string> failedSequenceNumbers; ///< Partial: the reported identifiers, as given
    std::string checkpoint;                         ///< Partial: the lowest of them (numerically)
    std::string reason;                             ///< BatchFailed: why, e.g. "itemIdentifier is null"
};

std::string_view verdictName(BatchResponse::Verdict v); // "success", "partial", "batch-failed"

/// Interprets a handler run for a batch holding `batchSequenceNumbers`. The response is the handler's
/// stdout: the whole text as JSON, else its last non-empty line (so handlers may log to stdout first).
/// Non-zero exit, signal, timeout or start failure = BatchFailed; a function error (End::FunctionError) = BatchFailed
/// with the reason "errorType: errorMessage" from Lambda's error JSON in stdoutText. Response rules (L-DDB):
///  - whitespace-only stdout, `null`, an object without `batchItemFailures`, `"batchItemFailures": null`
///    or `[]` = Success;
///  - any entry that is not an object, has no `itemIdentifier` key ("bad key name"), a null or empty-string
///    identifier, or an identifier that is not a sequence number of this batch = BatchFailed;
///  - stdout that is not JSON, or batchItemFailures that is not an array = BatchFailed.
BatchResponse interpretResponse(const HandlerOutcome& outcome, const std::vector<std::string>& batchSequenceNumbers);

/// What happened to one record of a batch in the end.
enum class RecordStatus {
    Pending,   ///< not settled yet
    Succeeded, ///< the checkpoint moved past it
    Discarded, ///< retries exhausted (Lambda sends the batch info to the on-failure destination and moves on)
};
std::string_view recordStatusName(RecordStatus s); // "pending", "succeeded", "discarded"

struct RecordState
{
    RecordStatus status = RecordStatus::Pending;
    int deliveries = 0;       ///< how many invocations contained it
    int reportedFailures = 0; ///< how often the handler named it in batchItemFailures
    int settledAttempt = 0;   ///< attempt number (1-based) that settled it
    std::string lastError;    ///< the reason of the last failed invocation that contained it
};

struct ReplayPolicy
{
    int maxRetries = 2;  ///< MaximumRetryAttempts (0..10000); -1 is not offered: a local replay must end
    bool bisect = false; ///< BisectBatchOnFunctionError
};

/// One invocation of the handler within a batch.
struct AttemptRecord
{
    int number = 0;        ///< 1-based within the batch
    std::size_t begin = 0; ///< record range [begin, end) of the batch that was delivered
    std::size_t end = 0;
    int retry = 0;            ///< 0 = first delivery of this range's records, n = n-th retry
    bool afterBisect = false; ///< the range is a half produced by a bisect
    BatchResponse response;
    HandlerOutcome handler;
};

/// The state machine for one batch. Usage: while (!done()) { auto r = nextRange(); ... report(outcome); }
class BatchReplay
{
public:
    BatchReplay(std::vector<std::string> sequenceNumbers, ReplayPolicy policy);

    bool done() const { return m_segments.empty(); }
    /// Record range [first, second) of the next invocation. Precondition: !done().
    std::pair<std::size_t, std::size_t> nextRange() const;
    /// Feeds the handler's result for nextRange(); returns the attempt as recorded.
    const AttemptRecord& report(const HandlerOutcome& outcome);

    const std::vector<RecordState>& records() const { return m_records; }
    const std::vector<AttemptRecord>& attempts() const { return m_attempts; }
    const std::vector<std::string>& sequenceNumbers() const { return m_sequenceNumbers; }

private:
    struct Segment
    {
        std::size_t begin;
        std::size_t end;
        int retries;
        bool fromBisect;
    };
    void settle(std::size_t begin, std::size_t end, RecordStatus status, int attempt);

    std::vector<std::string> m_sequenceNumbers;
    ReplayPolicy m_policy;
    std::vector<Segment> m_segments; ///< front = next
    std::vector<RecordState> m_records;
    std::vector<AttemptRecord> m_attempts;
};

} // namespace storage
