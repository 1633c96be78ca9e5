#include "storage/replay/lambdaretry.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "model/sequencenumber.h"

namespace storage {

std::string_view verdictName(BatchResponse::Verdict v)
{
    switch (v) {
    case BatchResponse::Verdict::Success:
        return "success";
    case BatchResponse::Verdict::Partial:
        return "partial";
    case BatchResponse::Verdict::BatchFailed:
        return "batch-failed";
    }
    return {};
}

std::string_view recordStatusName(RecordStatus s)
{
    switch (s) {
    case RecordStatus::Pending:
        return "pending";
    case RecordStatus::Succeeded:
        return "succeeded";
    case RecordStatus::Discarded:
        return "discarded";
    }
    return {};
}

static bool isBlank(std::string_view text)
{
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

static BatchResponse failed(std::string reason)
{
    BatchResponse r;
    r.verdict = BatchResponse::Verdict::BatchFailed;
    r.reason = std::move(reason);
    return r;
}

static bool parseJson(std::string_view text, nlohmann::json& out)
{
    out = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    return !out.is_discarded();
}

// "ValueError: bad record" from Lambda's {"errorType","errorMessage",...}; the text itself when it is not that.
static std::string functionErrorText(const std::string& errorJson)
{
    nlohmann::json error;
    if (!parseJson(errorJson, error) || !error.is_object())
        return isBlank(errorJson) ? std::string("no error details") : errorJson;
    const auto text = [&](const char* key) {
        const auto it = error.find(key);
        return it == error.end() ? std::string{} : it->is_string() ? it->get<std::string>() : it->dump();
    };
    const std::string type = text("errorType");
    const std::string message = text("errorMessage");
    return type.empty() ? message : message.empty() ? type : type + ": " + message;
}

BatchResponse interpretResponse(const HandlerOutcome& outcome, const std::vector<std::string>& batchSequenceNumbers)
{
    if (outcome.end == HandlerOutcome::End::FunctionError)
        return failed("function error: " + functionErrorText(outcome.stdoutText));
    if (outcome.end != HandlerOutcome::End::Exited || outcome.exitCode != 0)
        return failed("function error: " + outcome.describe());
    const std::string_view text = outcome.stdoutText;
    if (isBlank(text))
        return {}; // empty response
    nlohmann::json response;
    if (!parseJson(text, response)) {
        // Handlers may log to stdout first: the response is then the last non-empty line.
        std::size_t end = text.find_last_not_of(" \t\r\n");
        const std::size_t start = text.find_last_of('\n', end);
        const std::string_view line = text.substr(start == std::string_view::npos ? 0 : start + 1,
                                                  end - (start == std::string_view::npos ? 0 : start + 1) + 1);
        if (!parseJson(line, response))
            return failed("the response is not JSON");
    }
    if (response.is_null() || !response.is_object())
        return {}; // null response; any other non-object carries no batchItemFailures
    const auto list = response.find("batchItemFailures");
    if (list == response.end() || list->is_null())
        return {};
    if (!list->is_array())
        return failed("batchItemFailures is not a list");
    if (list->empty())
        return {};
    BatchResponse r;
    r.verdict = BatchResponse::Verdict::Partial;
    for (const auto& entry : *list) {
        if (!entry.is_object())
            return failed("a batchItemFailures entry is not an object");
        const auto id = entry.find("itemIdentifier");
        if (id == entry.end())
            return failed("a batchItemFailures entry has no itemIdentifier key");
        if (id->is_null())
            return failed("itemIdentifier is null");
        if (!id->is_string())
            return failed("itemIdentifier is not a string");
        const std::string value = id->get<std::string>();
        if (value.empty())
            return failed("itemIdentifier is an empty string");
        if (std::find(batchSequenceNumbers.begin(), batchSequenceNumbers.end(), value) == batchSequenceNumbers.end())
            return failed("itemIdentifier " + value + " is not a sequence number of this batch");
        r.failedSequenceNumbers.push_back(value);
    }
    r.checkpoint = *std::min_element(
        r.failedSequenceNumbers.begin(), r.failedSequenceNumbers.end(),
        [](const std::string& a, const std::string& b) { return model::compareSequenceNumbers(a, b) < 0; });
    return r;
}

BatchReplay::BatchReplay(std::vector<std::string> sequenceNumbers, ReplayPolicy policy)
    : m_sequenceNumbers(std::move(sequenceNumbers))
    , m_policy(policy)
    , m_records(m_sequenceNumbers.size())
{
    if (!m_sequenceNumbers.empty())
        m_segments.push_back({0, m_sequenceNumbers.size(), 0, false});
}

std::pair<std::size_t, std::size_t> BatchReplay::nextRange() const
{
    return {m_segments.front().begin, m_segments.front().end};
}

void BatchReplay::settle(std::size_t begin, std::size_t end, RecordStatus status, int attempt)
{
    for (std::size_t i = begin; i < end; ++i) {
        m_records[i].status = status;
        m_records[i].settledAttempt = attempt;
    }
}

const AttemptRecord& BatchReplay::report(const HandlerOutcome& outcome)
{
    const Segment segment = m_segments.front();
    m_segments.erase(m_segments.begin());

    AttemptRecord attempt;
    attempt.number = static_cast<int>(m_attempts.size()) + 1;
    attempt.begin = segment.begin;
    attempt.end = segment.end;
    attempt.retry = segment.retries;
    attempt.afterBisect = segment.fromBisect;
    attempt.handler = outcome;
    const std::vector<std::string> delivered(m_sequenceNumbers.begin() + static_cast<std::ptrdiff_t>(segment.begin),
                                             m_sequenceNumbers.begin() + static_cast<std::ptrdiff_t>(segment.end));
    attempt.response = interpretResponse(outcome, delivered);
    for (std::size_t i = segment.begin; i < segment.end; ++i)
        ++m_records[i].deliveries;

    std::vector<Segment> follow;
    switch (attempt.response.verdict) {
    case BatchResponse::Verdict::Success:
        settle(segment.begin, segment.end, RecordStatus::Succeeded, attempt.number);
        break;
    case BatchResponse::Verdict::Partial: {
        for (const auto& id : attempt.response.failedSequenceNumbers) {
            for (std::size_t i = segment.begin; i < segment.end; ++i) {
                if (m_sequenceNumbers[i] == id) {
                    ++m_records[i].reportedFailures;
                    m_records[i].lastError = "reported in batchItemFailures";
                }
            }
        }
        // Checkpoint: everything before the first record with the lowest failed sequence number succeeded;
        // retry from there to the end of the range (with bisect, "split at the returned sequence number" gives
        // the same range).
        std::size_t checkpoint = segment.begin;
        while (checkpoint < segment.end && m_sequenceNumbers[checkpoint] != attempt.response.checkpoint)
            ++checkpoint;
        settle(segment.begin, checkpoint, RecordStatus::Succeeded, attempt.number);
        for (std::size_t i = checkpoint; i < segment.end; ++i) {
            if (m_records[i].lastError.empty() || m_records[i].reportedFailures == 0)
                m_records[i].lastError = "after the checkpoint " + attempt.response.checkpoint;
        }
        if (segment.retries + 1 > m_policy.maxRetries)
            settle(checkpoint, segment.end, RecordStatus::Discarded, attempt.number);
        else
            follow.push_back({checkpoint, segment.end, segment.retries + 1, false});
        break;
    }
    case BatchResponse::Verdict::BatchFailed:
        for (std::size_t i = segment.begin; i < segment.end; ++i)
            m_records[i].lastError = attempt.response.reason;
        if (m_policy.bisect && segment.end - segment.begin > 1) {
            // BisectBatchOnFunctionError: split in two and retry each half; the split itself does not use up
            // a retry.
            const std::size_t mid = segment.begin + (segment.end - segment.begin) / 2;
            follow.push_back({segment.begin, mid, segment.retries, true});
            follow.push_back({mid, segment.end, segment.retries, true});
        } else if (segment.retries + 1 > m_policy.maxRetries) {
            settle(segment.begin, segment.end, RecordStatus::Discarded, attempt.number);
        } else {
            follow.push_back({segment.begin, segment.end, segment.retries + 1, segment.fromBisect});
        }
        break;
    }
    m_segments.insert(m_segments.begin(), follow.begin(), follow.end());
    m_attempts.push_back(std::move(attempt));
    return m_attempts.back();
}

} // namespace storage
