#pragma once

// The `--invoke-url URL` replay target: the Lambda Invoke API of a local endpoint (sam local start-lambda, the
// Runtime Interface Emulator, serverless-offline, LocalStack), over libcurl.
//
//   POST <URL>/2015-03-31/functions/<name>/invocations
//   X-Amz-Invocation-Type: RequestResponse, X-Amz-Log-Type: Tail, body = the event JSON
//
// How answers are read (HandlerOutcome, replaytarget.h):
//  - 200 + X-Amz-Function-Error: a function error (body = Lambda's {"errorType","errorMessage",...});
//  - 200 without the header: the response, except for the Runtime Interface Emulator's deviations: a body that is
//    exactly an error object {"errorType","errorMessage"} is a function error, "Task timed out after N.00 seconds" is
//    a timeout, an empty body is a crash of the runtime (a function returning None/undefined answers "null");
//  - 404 with x-amzn-ErrorType ResourceNotFoundException (or any 404): the function name is wrong -> StartFailed;
//  - connection refused / host not found: the endpoint is not running -> StartFailed naming the URL;
//  - no answer within the function timeout: TimedOut; other HTTP errors (429, 5xx, ...): a batch failure.
// X-Amz-Log-Result (the base64 tail of the invocation's log) becomes the invocation's log (stderrText).
// Only loopback hosts (localhost, 127.0.0.0/8, ::1) unless allowRemote; no proxy for loopback; redirects are not
// followed. The function name comes from `functionName`, or from a URL that already is the full invocations URL.

#include <atomic>
#include <memory>
#include <string>

#include "storage/replay/replaytarget.h"
#include "storage/store/database.h"

namespace storage {

struct InvokeEndpoint
{
    std::string url;          ///< base URL (http://127.0.0.1:3002) or the full .../functions/<name>/invocations URL
    std::string functionName; ///< required unless the URL names it
    bool allowRemote = false; ///< allow hosts other than loopback
};

class InvokeApiTarget : public ReplayTarget
{
public:
    /// Checks the URL (http/https, a host, loopback unless allowRemote) and the function name; InvalidArgument says
    /// what is wrong.
    static Result<std::shared_ptr<InvokeApiTarget>> create(const InvokeEndpoint& endpoint);

    HandlerOutcome invoke(std::string_view eventJson, const std::string& requestId,
                          std::chrono::milliseconds timeout) override;
    void stop() override { m_stopped.store(true); }
    std::vector<std::string> description() const override;

    const std::string& invocationsUrl() const { return m_invocationsUrl; }

private:
    InvokeApiTarget() = default;

    std::string m_baseUrl;
    std::string m_functionName;
    std::string m_invocationsUrl;
    bool m_loopback = true;
    std::atomic<bool> m_stopped{false};
};

} // namespace storage
