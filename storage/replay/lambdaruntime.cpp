#include "storage/replay/lambdaruntime.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace storage {

namespace {

using Clock = std::chrono::steady_clock;

/// An owned file descriptor (closed on destruction or reset).
class OwnedFd
{
public:
    OwnedFd() = default;
    explicit OwnedFd(int fd)
        : m_fd(fd)
    {
    }
    OwnedFd(OwnedFd&& other) noexcept
        : m_fd(std::exchange(other.m_fd, -1))
    {
    }
    OwnedFd& operator=(OwnedFd&& other) noexcept
    {
        if (this != &other) {
            reset();
            m_fd = std::exchange(other.m_fd, -1);
        }
        return *this;
    }
    OwnedFd(const OwnedFd&) = delete;
    OwnedFd& operator=(const OwnedFd&) = delete;
    ~OwnedFd() { reset(); }

    int get() const { return m_fd; }
    bool open() const { return m_fd >= 0; }
    void reset()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd = -1;
};

bool validName(std::string_view name)
{
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())))
        return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string trimmed(std::string_view text)
{
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos)
        return {};
    const auto end = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(begin, end - begin + 1));
}

/// The module path of a handler string for Python ("pkg/app.lambda_handler" -> "pkg/app") and Node
/// ("src/index.handler" -> "src/index": the first '.' after the last '/').
std::string pythonModulePath(const std::string& handler)
{
    const auto dot = handler.rfind('.');
    std::string module = dot == std::string::npos ? handler : handler.substr(0, dot);
    std::replace(module.begin(), module.end(), '.', '/');
    return module;
}

std::string nodeModulePath(const std::string& handler)
{
    const auto slash = handler.rfind('/');
    const auto dot = handler.find('.', slash == std::string::npos ? 0 : slash + 1);
    return dot == std::string::npos ? handler : handler.substr(0, dot);
}

bool isFile(const fs::path& path)
{
    std::error_code ec;
    return fs::is_regular_file(path, ec);
}

std::string findInPath(const std::string& program)
{
    const char* path = std::getenv("PATH");
    std::string_view rest = path ? path : "/usr/local/bin:/usr/bin:/bin";
    while (true) {
        const auto colon = rest.find(':');
        const std::string dir(rest.substr(0, colon));
        std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + program;
        if (isFile(candidate) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        if (colon == std::string_view::npos)
            return {};
        rest.remove_prefix(colon + 1);
    }
}

std::string executableDir()
{
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string{} : exe.parent_path().string();
}

std::string randomHex(std::size_t digits)
{
    static thread_local std::mt19937_64 generator{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string text;
    for (std::size_t i = 0; i < digits; ++i)
        text += kHex[generator() % 16];
    return text;
}

/// "2026/12/04/[$LATEST]" + 32 hex digits, Lambda's log stream name shape.
std::string logStreamName(const std::string& version)
{
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::array<char, 16> date{};
    std::strftime(date.data(), date.size(), "%Y/%m/%d", &utc);
    return std::string(date.data()) + "/[" + version + "]" + randomHex(32);
}

/// Lambda's variables for this function, then the user's (which win). Defaults that depend on others (the log
/// group on the function name) follow the user's values.
std::vector<std::pair<std::string, std::string>>
lambdaEnvironment(const LambdaRuntimeOptions& options, const std::string& codeDir, const std::string& runnersDir)
{
    std::map<std::string, std::string> user;
    for (const auto& [name, value] : options.environment)
        user[name] = value;
    const auto pick = [&](const std::string& name, const std::string& fallback) {
        const auto it = user.find(name);
        return it != user.end() ? it->second : fallback;
    };
    const char* inheritedRegion = std::getenv("AWS_REGION");
    const char* inheritedDefault = std::getenv("AWS_DEFAULT_REGION");
    const std::string region = pick("AWS_REGION",
                                    inheritedRegion && *inheritedRegion
                                        ? inheritedRegion
                                        : (inheritedDefault && *inheritedDefault ? inheritedDefault : "us-east-1"));
    std::string folder = fs::path(codeDir).filename().string();
    const std::string name = pick("AWS_LAMBDA_FUNCTION_NAME", folder.empty() ? "streamscope-replay" : folder);
    const std::string version = pick("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    std::vector<std::pair<std::string, std::string>> environment = {
        {"AWS_LAMBDA_FUNCTION_NAME", name},
        {"AWS_LAMBDA_FUNCTION_VERSION", version},
        {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"},
        {"AWS_REGION", region},
        {"AWS_DEFAULT_REGION", pick("AWS_DEFAULT_REGION", region)},
        {"_HANDLER", options.handler},
        {"LAMBDA_TASK_ROOT", codeDir},
        {"LAMBDA_RUNTIME_DIR", runnersDir},
        {"AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + name},
        {"AWS_LAMBDA_LOG_STREAM_NAME", logStreamName(version)},
        {"AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"},
        {"TZ", ":UTC"},
    };
    for (const auto& entry : options.environment)
        environment.push_back(entry);
    return environment;
}

/// The inherited environment with `extra` applied ("NAME=value" each; a later entry of `extra` wins).
std::vector<std::string> mergedEnvironment(const std::vector<std::pair<std::string, std::string>>& extra)
{
    std::map<std::string, std::string> merged;
    std::vector<std::string> order;
    const auto set = [&](const std::string& name, const std::string& value) {
        if (merged.emplace(name, value).second)
            order.push_back(name);
        else
            merged[name] = value;
    };
    for (char** e = environ; e && *e; ++e) {
        const std::string_view entry(*e);
        const auto eq = entry.find('=');
        if (eq != std::string_view::npos)
            set(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }
    for (const auto& [name, value] : extra)
        set(name, value);
    std::vector<std::string> result;
    result.reserve(order.size());
    for (const auto& name : order)
        result.push_back(name + "=" + merged[name]);
    return result;
}

void appendLog(std::string& log, bool& truncated, const char* data, std::size_t size)
{
    const std::size_t room = kMaxCapturedOutput > log.size() ? kMaxCapturedOutput - log.size() : 0;
    if (size > room)
        truncated = true;
    log.append(data, std::min(size, room));
}

/// One message of the runner on fd 4.
struct RunnerMessage
{
    std::string type; ///< ready, init-error, result, error
    std::string requestId;
    std::string body;
    bool fatal = false; ///< the runtime ends after this message
};

std::string errorSummary(const std::string& errorJson)
{
    const auto error = nlohmann::json::parse(errorJson, nullptr, false);
    if (!error.is_object())
        return errorJson;
    const auto text = [&](const char* key) {
        const auto it = error.find(key);
        return it != error.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    const std::string type = text("errorType");
    const std::string message = text("errorMessage");
    return type.empty() ? message : type + ": " + message;
}

std::string exitErrorJson(const std::string& requestId, const std::string& how)
{
    return nlohmann::json{{"errorType", "Runtime.ExitError"},
                          {"errorMessage", "RequestId: " + requestId + " Error: Runtime exited with error: " + how}}
        .dump();
}

} // namespace

struct LambdaRuntimeTarget::Process
{
    pid_t pid = 0;      ///< guarded by m_processMutex once started
    OwnedFd requests;   ///< our end of the fd 3 socket (non-blocking)
    OwnedFd responses;  ///< read end of the fd 4 pipe (non-blocking)
    OwnedFd out;        ///< the runtime's stdout
    OwnedFd err;        ///< the runtime's stderr
    std::string buffer; ///< bytes read from `responses` not yet taken as a message
    bool logTruncated = false;
};

namespace {

enum class Wait { Message, Eof, TimedOut };

/// Sends `request` to the runtime and waits for its next message (for `requestId`, when not empty: a late answer to
/// an earlier request is dropped), reading its stdout and stderr into `log` meanwhile.
class RuntimeExchange
{
public:
    RuntimeExchange(LambdaRuntimeTarget::Process& process, std::string& log, const std::atomic<bool>& stopped)
        : m_process(process)
        , m_log(log)
        , m_stopped(stopped)
    {
    }

    Wait run(std::string_view request, const std::string& requestId, Clock::time_point deadline, RunnerMessage& message)
    {
        m_request = request;
        m_sent = 0;
        while (true) {
            if (takeMessage(requestId, message)) {
                drainLogs(Clock::now() + std::chrono::milliseconds(20));
                return Wait::Message;
            }
            if (!m_process.responses.open()) {
                drainLogs(Clock::now() + std::chrono::milliseconds(500));
                return Wait::Eof;
            }
            const auto now = Clock::now();
            if (now >= deadline && !m_stopped)
                return Wait::TimedOut;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
            pollOnce(static_cast<int>(std::clamp<long long>(left + 1, 0, 100)));
        }
    }

    /// Reads whatever the runtime logged (without waiting beyond `until` for outputs that stay open).
    void drainLogs(Clock::time_point until)
    {
        while ((m_process.out.open() || m_process.err.open()) && Clock::now() < until) {
            std::array<pollfd, 2> fds{pollfd{m_process.out.get(), POLLIN, 0}, pollfd{m_process.err.get(), POLLIN, 0}};
            if (::poll(fds.data(), fds.size(), 5) <= 0)
                return;
            for (std::size_t i = 0; i < fds.size(); ++i) {
                if (fds[i].revents != 0)
                    readLog(i == 0 ? m_process.out : m_process.err);
            }
        }
    }

private:
    void pollOnce(int timeoutMs)
    {
        const bool sending = m_sent < m_request.size() && m_process.requests.open();
        std::array<pollfd, 4> fds{pollfd{m_process.responses.get(), POLLIN, 0}, pollfd{m_process.out.get(), POLLIN, 0},
                                  pollfd{m_process.err.get(), POLLIN, 0},
                                  pollfd{sending ? m_process.requests.get() : -1, POLLOUT, 0}};
        const int ready = ::poll(fds.data(), fds.size(), timeoutMs);
        if (ready <= 0)
            return;
        if (fds[3].revents != 0)
            sendSome(fds[3].revents);
        if (fds[1].revents != 0)
            readLog(m_process.out);
        if (fds[2].revents != 0)
            readLog(m_process.err);
        if (fds[0].revents != 0)
            readResponses();
    }

    void sendSome(short revents)
    {
        if (revents & (POLLERR | POLLHUP)) {
            m_sent = m_request.size(); // the runtime is gone; its end of fd 4 closing tells how
            return;
        }
        const ssize_t n =
            ::send(m_process.requests.get(), m_request.data() + m_sent, m_request.size() - m_sent, MSG_NOSIGNAL);
        if (n > 0)
            m_sent += static_cast<std::size_t>(n);
        else if (n < 0 && errno != EAGAIN && errno != EINTR)
            m_sent = m_request.size();
    }

    void readLog(OwnedFd& fd)
    {
        const ssize_t n = ::read(fd.get(), m_chunk.data(), m_chunk.size());
        if (n > 0)
            appendLog(m_log, m_process.logTruncated, m_chunk.data(), static_cast<std::size_t>(n));
        else if (n == 0 || (errno != EAGAIN && errno != EINTR))
            fd.reset();
    }

    void readResponses()
    {
        const ssize_t n = ::read(m_process.responses.get(), m_chunk.data(), m_chunk.size());
        if (n > 0)
            m_process.buffer.append(m_chunk.data(), static_cast<std::size_t>(n));
        else if (n == 0 || (errno != EAGAIN && errno != EINTR))
            m_process.responses.reset();
    }

    /// The next complete message in the buffer, skipping answers to other requests.
    bool takeMessage(const std::string& requestId, RunnerMessage& message)
    {
        while (true) {
            std::string& buffer = m_process.buffer;
            const auto newline = buffer.find('\n');
            if (newline == std::string::npos)
                return false;
            const auto header =
                nlohmann::json::parse(buffer.begin(), buffer.begin() + static_cast<long>(newline), nullptr, false);
            if (!header.is_object() || !header.contains("length") || !header["length"].is_number_unsigned()) {
                buffer.erase(0, newline + 1); // not ours: skip the line
                continue;
            }
            const auto length = header["length"].get<std::size_t>();
            if (buffer.size() - newline - 1 < length)
                return false;
            message.type = header.value("type", std::string{});
            message.requestId = header.value("requestId", std::string{});
            message.fatal = header.value("fatal", false);
            message.body = buffer.substr(newline + 1, length);
            buffer.erase(0, newline + 1 + length);
            if (requestId.empty() || message.requestId == requestId)
                return true;
        }
    }

    LambdaRuntimeTarget::Process& m_process;
    std::string& m_log;
    const std::atomic<bool>& m_stopped;
    std::string_view m_request;
    std::size_t m_sent = 0;
    std::array<char, 65536> m_chunk{};
};

/// The pipes of a new runtime: our ends and the child's (fds 3 and 4 in the child, stdout, stderr).
struct RuntimePipes
{
    OwnedFd requestsParent, requestsChild, responsesParent, responsesChild, outParent, outChild, errParent, errChild;

    /// 0, or the errno why a pipe could not be made.
    int open()
    {
        // Requests go over a socket pair so a send to a runtime that died returns EPIPE instead of raising SIGPIPE.
        std::array<int, 2> sv{};
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv.data()) != 0)
            return errno;
        requestsParent = OwnedFd(sv[0]);
        requestsChild = OwnedFd(sv[1]);
        const auto pipe = [](OwnedFd& readEnd, OwnedFd& writeEnd) {
            std::array<int, 2> fds{};
            if (::pipe2(fds.data(), O_CLOEXEC) != 0)
                return false;
            readEnd = OwnedFd(fds[0]);
            writeEnd = OwnedFd(fds[1]);
            return true;
        };
        if (!pipe(responsesParent, responsesChild) || !pipe(outParent, outChild) || !pipe(errParent, errChild))
            return errno;
        // The child's ends above the fds they become, so one dup2 never overwrites another's source.
        for (OwnedFd* fd : {&requestsChild, &responsesChild, &outChild, &errChild}) {
            const int high = ::fcntl(fd->get(), F_DUPFD_CLOEXEC, 10);
            if (high < 0)
                return errno;
            *fd = OwnedFd(high);
        }
        for (const OwnedFd* fd : {&requestsParent, &responsesParent, &outParent, &errParent})
            ::fcntl(fd->get(), F_SETFL, ::fcntl(fd->get(), F_GETFL) | O_NONBLOCK);
        return 0;
    }
};

/// Starts argv in its own process group in `dir`: stdin /dev/null, stdout/stderr/fd 3/fd 4 the child ends of
/// `pipes`. 0, or posix_spawn's error.
int spawnRuntime(const std::vector<std::string>& argv, const std::vector<std::string>& environment,
                 const std::string& dir, RuntimePipes& pipes, pid_t& pid)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipes.outChild.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipes.errChild.get(), STDERR_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipes.requestsChild.get(), 3);
    posix_spawn_file_actions_adddup2(&actions, pipes.responsesChild.get(), 4);
    posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    const std::vector<char*> args = execStrings(argv);
    const std::vector<char*> envp = execStrings(environment);
    const int error = ::posix_spawn(&pid, args[0], &actions, &attributes, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    pipes.requestsChild.reset();
    pipes.responsesChild.reset();
    pipes.outChild.reset();
    pipes.errChild.reset();
    return error;
}

} // namespace

std::string_view lambdaRuntimeName(LambdaRuntime runtime)
{
    switch (runtime) {
    case LambdaRuntime::Python:
        return "python";
    case LambdaRuntime::Node:
        return "node";
    case LambdaRuntime::Auto:
        break;
    }
    return "auto";
}

Result<LambdaRuntime> inferLambdaRuntime(const std::string& codeDir, const std::string& handler)
{
    const fs::path dir(codeDir);
    const std::string python = pythonModulePath(handler);
    const std::string node = nodeModulePath(handler);
    const bool isPython = isFile(dir / (python + ".py")) || isFile(dir / python / "__init__.py");
    std::string nodeFile;
    for (const char* ext : {".js", ".mjs", ".cjs"}) {
        if (nodeFile.empty() && isFile(dir / (node + ext)))
            nodeFile = node + ext;
    }
    if (isPython && !nodeFile.empty())
        return invalidArgument("both " + python + ".py and " + nodeFile + " are in " + codeDir
                               + ": say which with --runtime python or --runtime node");
    if (isPython)
        return LambdaRuntime::Python;
    if (!nodeFile.empty())
        return LambdaRuntime::Node;
    return invalidArgument("the handler " + handler + " needs " + python + ".py (Python) or " + node + ".js, " + node
                           + ".mjs or " + node + ".cjs (Node.js) in " + codeDir
                           + ", and there is none (--code-dir sets the folder, --runtime the runtime)");
}

Result<std::pair<std::string, std::string>> parseEnvironmentAssignment(const std::string& text)
{
    const auto eq = text.find('=');
    if (eq == std::string::npos)
        return invalidArgument("'" + text + "' is not KEY=VALUE");
    std::string name = text.substr(0, eq);
    if (!validName(name))
        return invalidArgument("'" + name + "' is not a valid environment variable name (letters, digits, _)");
    return std::pair{std::move(name), text.substr(eq + 1)};
}

Result<std::vector<std::pair<std::string, std::string>>> parseEnvironmentLines(std::string_view content,
                                                                               const std::string& origin)
{
    std::vector<std::pair<std::string, std::string>> entries;
    std::size_t start = 0;
    for (int number = 1; start < content.size(); ++number) {
        const std::size_t end = std::min(content.find('\n', start), content.size());
        std::string text = trimmed(std::string(content.substr(start, end - start)));
        start = end + 1;
        if (text.empty() || text.front() == '#')
            continue;
        if (text.rfind("export ", 0) == 0)
            text = trimmed(text.substr(7));
        const auto eq = text.find('=');
        auto entry = parseEnvironmentAssignment(
            eq == std::string::npos ? text : trimmed(text.substr(0, eq)) + "=" + trimmed(text.substr(eq + 1)));
        if (!entry)
            return invalidArgument(
                (origin.empty() ? "line " + std::to_string(number) : origin + ":" + std::to_string(number)) + ": "
                + entry.error().message);
        std::string& value = entry->second;
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
            value = value.substr(1, value.size() - 2);
        entries.push_back(std::move(*entry));
    }
    return entries;
}

Result<std::vector<std::pair<std::string, std::string>>> readEnvironmentFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error{Error::Kind::CannotOpen, errno, path + ": " + std::strerror(errno)};
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad())
        return Error{Error::Kind::CannotOpen, errno, path + ": " + std::strerror(errno)};
    return parseEnvironmentLines(content.str(), path);
}

Result<std::string> locateRunners()
{
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("STREAMSCOPE_RUNNERS_DIR"); env && *env)
        candidates.emplace_back(env);
    if (const std::string exe = executableDir(); !exe.empty())
        candidates.push_back(exe + "/../share/streamscope/runners");
#ifdef STREAMSCOPE_RUNNERS_SOURCE_DIR
    candidates.emplace_back(STREAMSCOPE_RUNNERS_SOURCE_DIR);
#endif
    std::string looked;
    for (const auto& dir : candidates) {
        if (isFile(fs::path(dir) / "lambda_runner.py") && isFile(fs::path(dir) / "lambda_runner.mjs")) {
            std::error_code ec;
            const fs::path canonical = fs::canonical(dir, ec);
            return ec ? dir : canonical.string();
        }
        looked += (looked.empty() ? "" : ", ") + dir;
    }
    return invalidArgument(
        "Streamscope's Lambda runners (lambda_runner.py, lambda_runner.mjs) were not found (looked in " + looked
        + "; STREAMSCOPE_RUNNERS_DIR names their folder)");
}

Result<std::unique_ptr<LambdaRuntimeTarget>> LambdaRuntimeTarget::create(const LambdaRuntimeOptions& options)
{
    if (options.handler.empty())
        return invalidArgument("no Lambda handler given (e.g. app.lambda_handler)");
    std::error_code ec;
    const fs::path dir = fs::absolute(options.codeDir.empty() ? "." : options.codeDir, ec);
    if (ec || !fs::is_directory(dir, ec))
        return invalidArgument("the code directory " + options.codeDir + " is not a folder");
    std::unique_ptr<LambdaRuntimeTarget> target(new LambdaRuntimeTarget());
    target->m_options = options;
    target->m_codeDir = dir.lexically_normal().string();
    if (target->m_codeDir.size() > 1 && target->m_codeDir.back() == '/')
        target->m_codeDir.pop_back();
    target->m_runtime = options.runtime;
    if (target->m_runtime == LambdaRuntime::Auto) {
        auto inferred = inferLambdaRuntime(target->m_codeDir, options.handler);
        if (!inferred)
            return inferred.error();
        target->m_runtime = *inferred;
    }
    const bool python = target->m_runtime == LambdaRuntime::Python;
    const std::string program = python ? "python3" : "node";
    target->m_interpreter = findInPath(program);
    if (target->m_interpreter.empty())
        return invalidArgument(program + " was not found in PATH: the " + (python ? "Python" : "Node.js")
                               + " runtime needs it (install " + (python ? "python3" : "nodejs") + ")");
    std::string runnersDir = options.runnersDir;
    if (runnersDir.empty()) {
        auto located = locateRunners();
        if (!located)
            return located.error();
        runnersDir = *located;
    }
    target->m_runner = runnersDir + (python ? "/lambda_runner.py" : "/lambda_runner.mjs");
    if (!isFile(target->m_runner))
        return invalidArgument("Streamscope's runner " + target->m_runner + " is missing");
    target->m_environment = lambdaEnvironment(options, target->m_codeDir, runnersDir);
    return target;
}

LambdaRuntimeTarget::~LambdaRuntimeTarget()
{
    m_stopped = true;
    killProcess();
}

void LambdaRuntimeTarget::killProcess()
{
    std::lock_guard lock(m_processMutex);
    if (!m_process)
        return;
    if (m_process->pid > 0) {
        ::kill(-m_process->pid, SIGKILL);
        int status = 0;
        while (::waitpid(m_process->pid, &status, 0) < 0 && errno == EINTR) { }
        ::kill(-m_process->pid, SIGKILL); // whatever the handler started in the group
    }
    m_process.reset();
}

int LambdaRuntimeTarget::endProcess()
{
    int status = 0;
    {
        std::lock_guard lock(m_processMutex);
        const auto reapBy = Clock::now() + std::chrono::seconds(2);
        while (::waitpid(m_process->pid, &status, WNOHANG) == 0 && Clock::now() < reapBy)
            ::usleep(2000);
    }
    killProcess();
    return status;
}

void LambdaRuntimeTarget::stop()
{
    m_stopped = true;
    {
        std::lock_guard lock(m_processMutex);
        if (m_process && m_process->pid > 0)
            ::kill(-m_process->pid, SIGKILL); // a running invoke() sees fd 4 close and returns
    }
    if (m_invokeMutex.try_lock()) {
        killProcess();
        m_invokeMutex.unlock();
    }
}

std::vector<std::string> LambdaRuntimeTarget::description() const
{
    return {"--lambda-handler", m_options.handler, "--code-dir",
            m_codeDir,          "--runtime",       std::string(lambdaRuntimeName(m_runtime))};
}

HandlerOutcome LambdaRuntimeTarget::startFailed(std::string why, std::string log)
{
    HandlerOutcome outcome;
    outcome.end = HandlerOutcome::End::StartFailed;
    outcome.startError = std::move(why);
    outcome.stderrText = std::move(log);
    return outcome;
}

std::optional<HandlerOutcome> LambdaRuntimeTarget::start()
{
    if (m_process)
        return std::nullopt;
    if (m_stopped)
        return startFailed("the replay was stopped");
    RuntimePipes pipes;
    if (const int error = pipes.open())
        return startFailed(std::string("cannot make the runtime's pipes: ") + std::strerror(error));
    std::vector<std::string> argv{m_interpreter};
    if (m_runtime == LambdaRuntime::Python)
        argv.emplace_back("-u"); // the handler's print() and logging reach the log in the order they happen
    argv.push_back(m_runner);
    auto process = std::make_unique<Process>();
    if (const int error = spawnRuntime(argv, mergedEnvironment(m_environment), m_codeDir, pipes, process->pid))
        return startFailed(m_interpreter + ": " + std::strerror(error));
    ++m_startCount;
    process->requests = std::move(pipes.requestsParent);
    process->responses = std::move(pipes.responsesParent);
    process->out = std::move(pipes.outParent);
    process->err = std::move(pipes.errParent);
    {
        std::lock_guard lock(m_processMutex);
        m_process = std::move(process);
        if (m_stopped)
            ::kill(-m_process->pid, SIGKILL);
    }
    RunnerMessage message;
    const auto wait =
        RuntimeExchange(*m_process, m_pendingLog, m_stopped).run({}, {}, Clock::now() + m_options.initTimeout, message);
    if (wait == Wait::Message && message.type == "ready")
        return std::nullopt;
    std::string why;
    if (wait == Wait::Message && message.type == "init-error")
        why = errorSummary(message.body);
    else if (wait == Wait::TimedOut)
        why = "the " + std::string(lambdaRuntimeName(m_runtime)) + " runtime did not load " + m_options.handler
            + " within " + std::to_string(m_options.initTimeout.count() / 1000) + " s";
    else
        why = "the " + std::string(lambdaRuntimeName(m_runtime)) + " runtime ended while loading " + m_options.handler;
    killProcess();
    return startFailed(why, std::exchange(m_pendingLog, {}));
}

HandlerOutcome LambdaRuntimeTarget::invoke(std::string_view eventJson, const std::string& requestId,
                                           std::chrono::milliseconds timeout)
{
    std::lock_guard invoking(m_invokeMutex);
    if (m_stopped)
        return startFailed("the replay was stopped");
    if (m_process) {
        // A runtime that ended since the last invocation (it crashed on its own) is replaced.
        std::lock_guard lock(m_processMutex);
        int status = 0;
        if (::waitpid(m_process->pid, &status, WNOHANG) == m_process->pid) {
            ::kill(-m_process->pid, SIGKILL);
            m_process.reset();
        }
    }
    if (auto failed = start())
        return *failed;
    // The function timeout counts from here: a fresh runtime's init has its own limit, as in Lambda.
    const auto started = Clock::now();

    const auto deadlineMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                (std::chrono::system_clock::now() + timeout).time_since_epoch())
                                .count();
    std::string request =
        nlohmann::json{{"requestId", requestId}, {"deadlineMs", deadlineMs}, {"length", eventJson.size()}}.dump()
        + "\n";
    request.append(eventJson);
    HandlerOutcome outcome;
    std::string log = std::exchange(m_pendingLog, {});
    RunnerMessage message;
    const Wait wait = RuntimeExchange(*m_process, log, m_stopped).run(request, requestId, started + timeout, message);
    outcome.stderrTruncated = m_process->logTruncated;
    m_process->logTruncated = false;
    if (wait == Wait::Message) {
        outcome.end = message.type == "result" ? HandlerOutcome::End::Exited : HandlerOutcome::End::FunctionError;
        outcome.stdoutText = std::move(message.body);
        if (message.fatal)
            endProcess(); // the runner exits after this answer (a Node.js uncaught error): a fresh one comes next
    } else if (wait == Wait::TimedOut) {
        killProcess();
        outcome.end = HandlerOutcome::End::TimedOut;
        outcome.signal = SIGKILL;
        std::array<char, 64> seconds{};
        std::snprintf(seconds.data(), seconds.size(), "%.2f", static_cast<double>(timeout.count()) / 1000.0);
        log += std::string(log.empty() || log.back() == '\n' ? "" : "\n") + requestId + " Task timed out after "
            + seconds.data() + " seconds\n";
    } else {
        // The runtime ended without answering: a crash (or the handler called exit). Lambda reports
        // Runtime.ExitError and starts a new runtime for the next invocation.
        const int status = endProcess();
        if (WIFSIGNALED(status)) {
            outcome.end = HandlerOutcome::End::Signaled;
            outcome.signal = WTERMSIG(status);
            outcome.stdoutText = exitErrorJson(requestId, std::string("signal: ") + strsignal(outcome.signal));
        } else {
            const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            outcome.end = code == 0 ? HandlerOutcome::End::FunctionError : HandlerOutcome::End::Exited;
            outcome.exitCode = code;
            outcome.stdoutText = exitErrorJson(requestId, "exit status " + std::to_string(code));
        }
    }
    outcome.stderrText = std::move(log);
    outcome.durationMs = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    return outcome;
}

} // namespace storage
