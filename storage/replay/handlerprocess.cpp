#include "storage/replay/handlerprocess.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace storage {

std::string HandlerOutcome::describe(std::chrono::milliseconds timeout) const
{
    switch (end) {
    case End::Exited:
        return "exit " + std::to_string(exitCode);
    case End::Signaled: {
        if (stopped)
            return "stopped (the replay was interrupted)";
        const char* name = strsignal(signal);
        return "killed by signal " + std::to_string(signal) + (name ? std::string(" (") + name + ")" : std::string{});
    }
    case End::TimedOut:
        return "timed out after " + std::to_string(timeout.count() > 0 ? timeout.count() : durationMs) + " ms";
    case End::StartFailed:
        return "could not start: " + startError;
    case End::FunctionError:
        return "function error";
    }
    return {};
}

HandlerStop::HandlerStop()
    : m_fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
}

HandlerStop::~HandlerStop()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

void HandlerStop::request() noexcept
{
    m_requested.store(true);
    if (m_fd >= 0) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(m_fd, &one, sizeof one); // async-signal-safe
    }
}

namespace {

struct Fd
{
    int fd = -1;
    Fd() = default;
    explicit Fd(int f)
        : fd(f)
    {
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    void reset()
    {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }
};

bool makePipe(Fd& readEnd, Fd& writeEnd)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return false;
    readEnd.fd = fds[0];
    writeEnd.fd = fds[1];
    return true;
}

void setNonBlocking(int fd)
{
    const int flags = ::fcntl(fd, F_GETFL);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

void appendCapped(std::string& target, bool& truncated, const char* data, std::size_t size)
{
    const std::size_t room = kMaxCapturedOutput > target.size() ? kMaxCapturedOutput - target.size() : 0;
    if (size > room) {
        truncated = true;
        size = room;
    }
    target.append(data, size);
}

using Clock = std::chrono::steady_clock;

HandlerOutcome startFailed(std::string why)
{
    HandlerOutcome outcome;
    outcome.end = HandlerOutcome::End::StartFailed;
    outcome.startError = std::move(why);
    return outcome;
}

/// The handler's stdin, stdout and stderr: our ends and the child's.
struct HandlerPipes
{
    Fd inParent, inChild, outRead, outWrite, errRead, errWrite;

    /// 0, or the errno why a pipe could not be made.
    int open()
    {
        // stdin is one end of a socket pair so writes can use MSG_NOSIGNAL: a handler that never reads its input
        // must not kill us with SIGPIPE.
        int sv[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
            return errno;
        inParent.fd = sv[0];
        inChild.fd = sv[1];
        if (!makePipe(outRead, outWrite) || !makePipe(errRead, errWrite))
            return errno;
        return 0;
    }

    void closeChildEnds()
    {
        inChild.reset();
        outWrite.reset();
        errWrite.reset();
    }
};

/// The inherited environment, less the variables `extra` sets, then `extra` ("NAME=value" each).
std::vector<std::string> handlerEnvironment(const std::vector<std::pair<std::string, std::string>>& extra)
{
    std::vector<std::string> environment;
    for (char** e = environ; e && *e; ++e) {
        const std::string_view entry(*e);
        bool overridden = false;
        for (const auto& [name, value] : extra)
            overridden = overridden
                || (entry.size() > name.size() && entry.substr(0, name.size()) == name && entry[name.size()] == '=');
        if (!overridden)
            environment.emplace_back(entry);
    }
    for (const auto& [name, value] : extra)
        environment.push_back(name + "=" + value);
    return environment;
}

/// Starts the handler in its own process group (so a timeout kills whatever it started too), with the child ends of
/// `pipes` as its stdin/stdout/stderr and SIGPIPE at its default; closes those ends here. 0, or posix_spawn's error.
int spawnInOwnGroup(const HandlerCommand& command, HandlerPipes& pipes, pid_t& pid)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipes.inChild.fd, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipes.outWrite.fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipes.errWrite.fd, STDERR_FILENO);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);

    const std::vector<char*> argv = execStrings(command.argv);
    const std::vector<std::string> environment = handlerEnvironment(command.extraEnvironment);
    const std::vector<char*> envp = execStrings(environment);
    const int spawnError = command.argv.front().find('/') == std::string::npos
        ? posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), envp.data())
        : posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    pipes.closeChildEnds();
    return spawnError;
}

/// Writes the event to the handler's stdin and reads its stdout and stderr (non-blocking, one poll loop) until both
/// outputs are closed or the deadline passes.
class HandlerIo
{
public:
    HandlerIo(HandlerPipes& pipes, std::string_view stdinData, HandlerOutcome& outcome, const HandlerStop* stop)
        : m_pipes(pipes)
        , m_stdin(stdinData)
        , m_outcome(outcome)
        , m_stop(stop)
    {
    }

    /// True when the deadline passed first or a stop was requested. Our end of stdin is closed on return.
    bool run(Clock::time_point deadline)
    {
        setNonBlocking(m_pipes.inParent.fd);
        setNonBlocking(m_pipes.outRead.fd);
        setNonBlocking(m_pipes.errRead.fd);
        if (m_stdin.empty())
            m_pipes.inParent.reset();
        bool timedOut = false;
        while (m_pipes.outRead.fd >= 0 || m_pipes.errRead.fd >= 0) {
            const auto now = Clock::now();
            if (now >= deadline || stopRequested()) {
                timedOut = true;
                break;
            }
            if (!pollOnce(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count()))
                break;
        }
        m_pipes.inParent.reset();
        return timedOut;
    }

private:
    bool stopRequested() const { return m_stop && m_stop->requested(); }

    // One poll of the open descriptors and what it reported; false when poll itself failed.
    bool pollOnce(long long leftMs)
    {
        pollfd fds[4];
        nfds_t count = 0;
        int outIndex = -1, errIndex = -1, inIndex = -1;
        const auto add = [&](int& index, int fd, short events) {
            if (fd < 0)
                return;
            index = static_cast<int>(count);
            fds[count++] = {fd, events, 0};
        };
        add(outIndex, m_pipes.outRead.fd, POLLIN);
        add(errIndex, m_pipes.errRead.fd, POLLIN);
        add(inIndex, m_pipes.inParent.fd, POLLOUT);
        int stopIndex = -1;
        add(stopIndex, m_stop ? m_stop->fd() : -1, POLLIN); // wakes the poll; run() then sees requested()
        const int ready = ::poll(fds, count, static_cast<int>(std::min<long long>(leftMs + 1, 1000)));
        if (ready < 0 && errno != EINTR)
            return false;
        if (ready <= 0)
            return true;
        if (inIndex >= 0 && fds[inIndex].revents != 0)
            feedStdin(fds[inIndex].revents);
        if (outIndex >= 0 && fds[outIndex].revents != 0)
            drain(m_pipes.outRead, m_outcome.stdoutText, m_outcome.stdoutTruncated);
        if (errIndex >= 0 && fds[errIndex].revents != 0)
            drain(m_pipes.errRead, m_outcome.stderrText, m_outcome.stderrTruncated);
        return true;
    }

    void feedStdin(short revents)
    {
        Fd& in = m_pipes.inParent;
        if (revents & (POLLERR | POLLHUP)) {
            in.reset();
            return;
        }
        const ssize_t n = ::send(in.fd, m_stdin.data() + m_written, m_stdin.size() - m_written, MSG_NOSIGNAL);
        if (n > 0)
            m_written += static_cast<std::size_t>(n);
        else if (n < 0 && errno != EAGAIN && errno != EINTR)
            in.reset(); // the handler closed its stdin: not our error
        if (m_written >= m_stdin.size())
            in.reset();
    }

    void drain(Fd& fd, std::string& target, bool& truncated)
    {
        const ssize_t n = ::read(fd.fd, m_buffer, sizeof m_buffer);
        if (n > 0)
            appendCapped(target, truncated, m_buffer, static_cast<std::size_t>(n));
        else if (n == 0 || (errno != EAGAIN && errno != EINTR))
            fd.reset();
    }

    HandlerPipes& m_pipes;
    std::string_view m_stdin;
    std::size_t m_written = 0;
    HandlerOutcome& m_outcome;
    const HandlerStop* m_stop;
    char m_buffer[65536];
};

/// Kills the handler's whole process group and reaps the handler.
void killGroup(pid_t pid, int& status)
{
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
}

/// Reaps the handler once its outputs closed (it is ending, or left a background child holding nothing), never
/// waiting beyond the deadline; then kills anything left in its process group. Sets how it ended.
void reap(pid_t pid, Clock::time_point deadline, const HandlerStop* stop, HandlerOutcome& outcome)
{
    int status = 0;
    bool timedOut = false;
    for (;;) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR)
            break;
        if (stop && stop->requested()) {
            killGroup(pid, status);
            outcome.stopped = true;
            break;
        }
        if (Clock::now() >= deadline) {
            killGroup(pid, status);
            timedOut = true;
            break;
        }
        ::usleep(2000);
    }
    if (timedOut) {
        outcome.end = HandlerOutcome::End::TimedOut;
        outcome.signal = SIGKILL;
    } else if (WIFEXITED(status)) {
        outcome.end = HandlerOutcome::End::Exited;
        outcome.exitCode = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        outcome.end = HandlerOutcome::End::Signaled;
        outcome.signal = WTERMSIG(status);
    }
    // Anything left in the handler's process group (a stray background child) is not allowed to linger.
    ::kill(-pid, SIGKILL);
}

} // namespace

std::vector<char*> execStrings(const std::vector<std::string>& strings)
{
    std::vector<char*> pointers;
    pointers.reserve(strings.size() + 1);
    for (const auto& s : strings)
        pointers.push_back(const_cast<char*>(s.c_str()));
    pointers.push_back(nullptr);
    return pointers;
}

HandlerOutcome runHandler(const HandlerCommand& command, std::string_view stdinData, std::chrono::milliseconds timeout,
                          const HandlerStop* stop)
{
    const auto started = Clock::now();
    if (command.argv.empty())
        return startFailed("no handler command");
    if (stop && stop->requested()) {
        HandlerOutcome outcome;
        outcome.end = HandlerOutcome::End::Signaled;
        outcome.signal = SIGKILL;
        outcome.stopped = true;
        return outcome;
    }
    HandlerPipes pipes;
    if (const int error = pipes.open())
        return startFailed(std::strerror(error));
    pid_t pid = 0;
    if (const int error = spawnInOwnGroup(command, pipes, pid))
        return startFailed(std::strerror(error));

    HandlerOutcome outcome;
    const auto deadline = started + timeout;
    if (HandlerIo(pipes, stdinData, outcome, stop).run(deadline)) {
        int status = 0;
        killGroup(pid, status);
        outcome.stopped = stop && stop->requested();
        outcome.end = outcome.stopped ? HandlerOutcome::End::Signaled : HandlerOutcome::End::TimedOut;
        outcome.signal = SIGKILL;
    } else {
        reap(pid, deadline, stop, outcome);
    }
    outcome.durationMs = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    return outcome;
}

} // namespace storage
