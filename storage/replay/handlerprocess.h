#pragma once

// Runs a local handler process for one batch: event JSON on stdin, executed directly (no shell), with a
// timeout; captures stdout, stderr and how it ended. POSIX only.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace storage {

struct HandlerOutcome
{
    /// Exited/Signaled: a command target's process ended. FunctionError: a runtime or the Invoke API reported a
    /// function error (stdoutText holds Lambda's {"errorType","errorMessage",...}). StartFailed: the target is
    /// unusable (cannot start, wrong function name, endpoint not running; startError says why).
    enum class End { Exited, Signaled, TimedOut, StartFailed, FunctionError };
    End end = End::Exited;
    int exitCode = 0; ///< End::Exited
    int signal = 0;   ///< End::Signaled (and the kill signal for TimedOut)
    std::string stdoutText;
    std::string stderrText;
    bool stdoutTruncated = false;
    bool stderrTruncated = false;
    std::string startError; ///< End::StartFailed: why (e.g. "No such file or directory")
    std::int64_t durationMs = 0;
    bool stopped = false; ///< ended early because the replay was stopped (HandlerStop / ReplayTarget::stop())

    bool ok() const { return end == End::Exited && exitCode == 0; }
    /// "exit 0", "exit 3", "killed by signal 11 (SIGSEGV)", "timed out after 2000 ms", "could not start: ...".
    std::string describe(std::chrono::milliseconds timeout = {}) const;
};

struct HandlerCommand
{
    std::vector<std::string> argv; ///< argv[0] is looked up in PATH when it has no '/'
    std::vector<std::pair<std::string, std::string>> extraEnvironment; ///< added to the inherited environment
};

/// Captured output beyond this is dropped (the flag says so); a Lambda response is limited to 6 MB.
inline constexpr std::size_t kMaxCapturedOutput = 6291456;

/// Ends running handlers early: request() wakes every runHandler() given this object (from any thread, or from a
/// signal handler: it only writes to an eventfd), which then kills the handler's whole process group. Once requested,
/// it stays requested: a later runHandler() starts nothing.
class HandlerStop
{
public:
    HandlerStop();
    ~HandlerStop();
    HandlerStop(const HandlerStop&) = delete;
    HandlerStop& operator=(const HandlerStop&) = delete;

    void request() noexcept;
    bool requested() const noexcept { return m_requested.load(); }
    int fd() const { return m_fd; } ///< readable once requested (-1 if no eventfd could be made)

private:
    std::atomic<bool> m_requested{false};
    int m_fd = -1;
};

/// A null-terminated array of pointers into `strings`, for posix_spawn's argv / envp (which do not modify them).
std::vector<char*> execStrings(const std::vector<std::string>& strings);

/// Starts the handler in its own process group, writes `stdinData` to it and closes stdin, reads both
/// outputs until it ends; after `timeout` the whole process group is killed (SIGKILL). When `stop` is requested
/// meanwhile, the process group is killed at once and the outcome has `stopped` set.
HandlerOutcome runHandler(const HandlerCommand& command, std::string_view stdinData, std::chrono::milliseconds timeout,
                          const HandlerStop* stop = nullptr);

} // namespace storage
