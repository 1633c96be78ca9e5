#pragma once

// A Lambda handler replayed in its own runtime: `streamscope replay --lambda-handler app.lambda_handler`. One
// long-lived runner process (runners/lambda_runner.py or runners/lambda_runner.mjs, ours) per replay, like a warm
// Lambda environment: it loads the user's module once from the code directory and calls the handler once per
// invoke() with the event and a Lambda context. The protocol uses two extra pipes (fd 3: requests, fd 4: responses);
// the handler's stdout and stderr are its log, captured per invocation into HandlerOutcome::stderrText. After a
// timeout or a crash the runtime is killed (whole process group) and a fresh one is started for the next
// invocation, as Lambda does. POSIX only.
//
//   storage::LambdaRuntimeOptions options;
//   options.handler = "app.lambda_handler";
//   options.codeDir = "/src/orders";
//   auto target = storage::LambdaRuntimeTarget::create(options);  // error: no such dir, no python3 in PATH, ...
//   if (auto failed = (*target)->start()) ...                      // the module did not load: failed->startError

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/replay/replaytarget.h"
#include "storage/store/database.h"

namespace storage {

enum class LambdaRuntime { Auto, Python, Node };

struct LambdaRuntimeOptions
{
    std::string handler;                         ///< Lambda's Handler string: app.lambda_handler, src/index.handler
    std::string codeDir = ".";                   ///< LAMBDA_TASK_ROOT (the runtime's working directory)
    LambdaRuntime runtime = LambdaRuntime::Auto; ///< Auto: from the files (app.py -> Python, index.mjs -> Node)
    /// The user's variables (--env-file, then --env), applied over Lambda's; a later entry wins.
    std::vector<std::pair<std::string, std::string>> environment;
    std::string runnersDir; ///< empty: located (STREAMSCOPE_RUNNERS_DIR, the install tree, the source tree)
    std::chrono::milliseconds initTimeout{10000}; ///< Lambda's init phase limit (at least the invoke timeout)
};

/// "python" / "node".
std::string_view lambdaRuntimeName(LambdaRuntime runtime);

/// The runtime the handler's files call for: the module file of HANDLER in `codeDir` (.py -> Python; .js, .mjs, .cjs
/// -> Node). Error when there is none or both.
Result<LambdaRuntime> inferLambdaRuntime(const std::string& codeDir, const std::string& handler);

/// "KEY=VALUE" -> {KEY, VALUE}; Error for no '=' or an empty or invalid name.
Result<std::pair<std::string, std::string>> parseEnvironmentAssignment(const std::string& text);

/// An --env-file: KEY=VALUE lines (spaces around both trimmed, an optional "export ", one pair of quotes around the
/// value removed), blank lines and # comments skipped; errors name the file and line.
Result<std::vector<std::pair<std::string, std::string>>> readEnvironmentFile(const std::string& path);

/// The same lines from text (the GUI's environment box); errors begin with "<origin>:<line>: " (line from 1), or
/// "line <n>: " when `origin` is empty.
Result<std::vector<std::pair<std::string, std::string>>> parseEnvironmentLines(std::string_view text,
                                                                               const std::string& origin = {});

/// The folder holding lambda_runner.py and lambda_runner.mjs, or an error saying where it looked.
Result<std::string> locateRunners();

class LambdaRuntimeTarget : public ReplayTarget
{
public:
    /// Checks what can be checked before starting: the code directory, the runtime (inferred when Auto), the
    /// interpreter in PATH (python3 / node) and our runner file.
    static Result<std::unique_ptr<LambdaRuntimeTarget>> create(const LambdaRuntimeOptions& options);

    LambdaRuntimeTarget(const LambdaRuntimeTarget&) = delete;
    LambdaRuntimeTarget& operator=(const LambdaRuntimeTarget&) = delete;
    ~LambdaRuntimeTarget() override;

    /// Starts the runtime and waits until the module is loaded. nullopt when ready; otherwise an End::StartFailed
    /// outcome whose startError is Lambda's error ("Runtime.ImportModuleError: Unable to import module 'app': ...")
    /// and whose stderrText is the runtime's output. invoke() starts it too when it is not running.
    std::optional<HandlerOutcome> start();

    HandlerOutcome invoke(std::string_view eventJson, const std::string& requestId,
                          std::chrono::milliseconds timeout) override;
    void stop() override;
    std::vector<std::string> description() const override;

    LambdaRuntime runtime() const { return m_runtime; }
    /// How many runtime processes were started so far (1 for a replay without timeouts or crashes).
    int startCount() const { return m_startCount; }
    /// The variables the runtime gets on top of the inherited environment (Lambda's, then the user's).
    const std::vector<std::pair<std::string, std::string>>& environment() const { return m_environment; }

    struct Process; // the running runtime: pid and our ends of its pipes

private:
    LambdaRuntimeTarget() = default;
    HandlerOutcome startFailed(std::string why, std::string log = {});
    void killProcess();
    /// Waits (at most 2 s) for a runtime that is ending by itself, then kills what is left of its group; its status.
    int endProcess();

    LambdaRuntimeOptions m_options;
    LambdaRuntime m_runtime = LambdaRuntime::Auto;
    std::string m_interpreter;
    std::string m_runner;
    std::string m_codeDir; ///< absolute
    std::vector<std::pair<std::string, std::string>> m_environment;
    std::unique_ptr<Process> m_process;
    std::mutex m_processMutex; ///< guards the pid against stop() from another thread
    std::mutex m_invokeMutex;  ///< held by invoke(); stop() cleans up itself when no invocation runs
    std::atomic<bool> m_stopped{false};
    std::string m_pendingLog; ///< output of the runtime between invocations (init), given to the next invocation
    int m_startCount = 0;
};

} // namespace storage
