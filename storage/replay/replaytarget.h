#pragma once

// What a replay sends each batch to. Three kinds share this interface: a command that reads the event on stdin
// (handlerprocess.h), a Lambda handler loaded once in a long-lived runtime process (Python/Node runners), and the
// Lambda Invoke API of a local endpoint. The replayer (replayer.h) only sees HandlerOutcome:
//  - the function returned: End::Exited, exitCode 0, stdoutText = the response JSON;
//  - the function raised/threw or reported an error: End::FunctionError, stdoutText = Lambda's error JSON;
//  - it did not answer in time: End::TimedOut (a runtime is restarted before the next invocation, as Lambda does);
//  - the process/runtime died: End::Signaled or End::Exited with a non-zero code;
//  - the target is unusable (cannot start, wrong function name, endpoint not running): End::StartFailed with
//    startError; the replay fails at once with that reason instead of discarding records.
// stderrText holds the handler's log output of that invocation.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "storage/replay/handlerprocess.h"

namespace storage {

class ReplayTarget
{
public:
    virtual ~ReplayTarget() = default;

    /// One invocation: the event JSON, this invocation's request id (context aws_request_id / awsRequestId) and the
    /// function timeout.
    virtual HandlerOutcome invoke(std::string_view eventJson, const std::string& requestId,
                                  std::chrono::milliseconds timeout) = 0;

    /// Ends everything the target started (whole process groups). Safe to call from another thread while invoke()
    /// runs; that invoke then returns promptly.
    virtual void stop() = 0;

    /// How the run record names the target, e.g. {"--lambda-handler", "app.lambda_handler", "--code-dir", "/src"}.
    virtual std::vector<std::string> description() const = 0;
};

} // namespace storage
