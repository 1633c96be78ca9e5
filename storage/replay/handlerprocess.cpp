#include "storage/replay/handlerprocess.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace storage {

std::string HandlerOutcome::describe(std::chrono::milliseconds timeout) const
{
    switch (end) {
    case End::Exited:
        return "exit " + std::to_string(exitCode);
    case End::Signaled: {
        const char* name = strsignal(signal);
        return "killed by signal " + std::to_string(signal) + (name ? std::string(" (") + name + ")" : std::string{});
    }
    case End::TimedOut:
        return "timed out after " + std::to_string(timeout.count()) + " ms";
    case End::StartFailed:
        return "could not start: " + startError;
    }
    return {};
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

} // namespace

HandlerOutcome runHandler(const HandlerCommand& command, std::string_view stdinData, std::chrono::milliseconds timeout)
{
    HandlerOutcome outcome;
    const auto started = std::chrono::steady_clock::now();
    if (command.argv.empty()) {
        outcome.end = HandlerOutcome::End::StartFailed;
        outcome.startError = "no handler command";
        return outcome;
    }
    // stdin is one end of a socket pair so writes can use MSG_NOSIGNAL: a handler that never reads its input
    // must not kill us with SIGPIPE.
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        outcome.end = HandlerOutcome::End::StartFailed;
        outcome.startError = std::strerror(errno);
        return outcome;
    }
    Fd inParent(sv[0]), inChild(sv[1]);
    Fd outRead, outWrite, errRead, errWrite;
    if (!makePipe(outRead, outWrite) || !makePipe(errRead, errWrite)) {
        outcome.end = HandlerOutcome::End::StartFailed;
        outcome.startError = std::strerror(errno);
        return outcome;
    }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, inChild.fd, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, outWrite.fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, errWrite.fd, STDERR_FILENO);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);

    std::vector<char*> argv;
    for (const auto& a : command.argv)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<std::string> envStorage;
    for (char** e = environ; e && *e; ++e) {
        const std::string_view entry(*e);
        bool overridden = false;
        for (const auto& [name, value] : command.extraEnvironment)
            overridden = overridden
                || (entry.size() > name.size() && entry.substr(0, name.size()) == name && entry[name.size()] == '=');
        if (!overridden)
            envStorage.emplace_back(entry);
    }
    for (const auto& [name, value] : command.extraEnvironment)
        envStorage.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (auto& e : envStorage)
        envp.push_back(e.data());
    envp.push_back(nullptr);

    pid_t pid = 0;
    const int spawnError = command.argv.front().find('/') == std::string::npos
        ? posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), envp.data())
        : posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    inChild.reset();
    outWrite.reset();
    errWrite.reset();
    if (spawnError != 0) {
        outcome.end = HandlerOutcome::End::StartFailed;
        outcome.startError = std::strerror(spawnError);
        return outcome;
    }

    setNonBlocking(inParent.fd);
    setNonBlocking(outRead.fd);
    setNonBlocking(errRead.fd);
    std::size_t written = 0;
    if (stdinData.empty())
        inParent.reset();
    bool timedOut = false;
    const auto deadline = started + timeout;
    char buffer[65536];
    while (outRead.fd >= 0 || errRead.fd >= 0) {
        pollfd fds[3];
        nfds_t count = 0;
        int outIndex = -1, errIndex = -1, inIndex = -1;
        if (outRead.fd >= 0) {
            outIndex = static_cast<int>(count);
            fds[count++] = {outRead.fd, POLLIN, 0};
        }
        if (errRead.fd >= 0) {
            errIndex = static_cast<int>(count);
            fds[count++] = {errRead.fd, POLLIN, 0};
        }
        if (inParent.fd >= 0) {
            inIndex = static_cast<int>(count);
            fds[count++] = {inParent.fd, POLLOUT, 0};
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            timedOut = true;
            break;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
        const int ready = ::poll(fds, count, static_cast<int>(std::min<long long>(left + 1, 1000)));
        if (ready < 0 && errno != EINTR)
            break;
        if (ready <= 0)
            continue;
        if (inIndex >= 0 && fds[inIndex].revents != 0) {
            if (fds[inIndex].revents & (POLLERR | POLLHUP)) {
                inParent.reset();
            } else {
                const ssize_t n =
                    ::send(inParent.fd, stdinData.data() + written, stdinData.size() - written, MSG_NOSIGNAL);
                if (n > 0)
                    written += static_cast<std::size_t>(n);
                else if (n < 0 && errno != EAGAIN && errno != EINTR)
                    inParent.reset(); // the handler closed its stdin: not our error
                if (written >= stdinData.size())
                    inParent.reset();
            }
        }
        auto drain = [&](int index, Fd& fd, std::string& target, bool& truncated) {
            if (index < 0 || fds[index].revents == 0)
                return;
            const ssize_t n = ::read(fd.fd, buffer, sizeof buffer);
            if (n > 0)
                appendCapped(target, truncated, buffer, static_cast<std::size_t>(n));
            else if (n == 0 || (errno != EAGAIN && errno != EINTR))
                fd.reset();
        };
        drain(outIndex, outRead, outcome.stdoutText, outcome.stdoutTruncated);
        drain(errIndex, errRead, outcome.stderrText, outcome.stderrTruncated);
    }
    inParent.reset();
    int status = 0;
    if (timedOut) {
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        outcome.end = HandlerOutcome::End::TimedOut;
        outcome.signal = SIGKILL;
    } else {
        // Outputs closed: the handler is ending (or left a background child holding nothing). Wait for it, but
        // never beyond the deadline.
        for (;;) {
            const pid_t r = ::waitpid(pid, &status, WNOHANG);
            if (r == pid)
                break;
            if (r < 0 && errno != EINTR)
                break;
            if (std::chrono::steady_clock::now() >= deadline) {
                ::kill(-pid, SIGKILL);
                ::kill(pid, SIGKILL);
                ::waitpid(pid, &status, 0);
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
    outcome.durationMs =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    return outcome;
}

} // namespace storage
