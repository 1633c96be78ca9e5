#include "storage/import/inputfile.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "storage/import/contenthash.h"
#include "storage/import/recordsplitter.h"

namespace storage {

namespace fs = std::filesystem;

InputFile::~InputFile()
{
    close();
}

void InputFile::close()
{
    if (m_gz) {
        gzclose(static_cast<gzFile>(m_gz));
        m_gz = nullptr;
    }
}

std::optional<InputError> InputFile::open(const std::string& path)
{
    close();
    m_position = 0;
    m_compressed = false;
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        return InputError{"cannot open: no such file"};
    if (fs::is_directory(status))
        return InputError{"cannot open: is a directory"};
    // A FIFO, socket or device would block the open or never end; only regular files are captures.
    if (!fs::is_regular_file(status))
        return InputError{"cannot open: not a regular file (FIFO, socket or device)"};
    m_sizeOnDisk = static_cast<std::uint64_t>(fs::file_size(path, ec));
    if (ec)
        m_sizeOnDisk = 0;
    gzFile gz = gzopen(path.c_str(), "rb");
    if (!gz)
        return InputError{"cannot open: " + std::string(std::strerror(errno))};
    gzbuffer(gz, 1u << 18);
    m_gz = gz;
    return std::nullopt;
}

std::optional<std::size_t> InputFile::read(char* buffer, std::size_t capacity, InputError& error)
{
    if (!m_gz) {
        error.message = "file not open";
        return std::nullopt;
    }
    auto gz = static_cast<gzFile>(m_gz);
    const auto want = static_cast<unsigned>(std::min<std::size_t>(capacity, INT_MAX / 2));
    const int got = gzread(gz, buffer, want);
    if (m_position == 0 && got > 0)
        m_compressed = gzdirect(gz) == 0;
    if (got < 0) {
        int code = 0;
        const char* message = gzerror(gz, &code);
        error.message = std::string("read error: ") + (message ? message : "unknown");
        return std::nullopt;
    }
    if (got == 0) {
        int code = 0;
        const char* message = gzerror(gz, &code);
        if (code != Z_OK && code != Z_STREAM_END) {
            error.message = std::string("read error: ") + (message ? message : "unknown")
                + (m_compressed ? " (truncated gzip data?)" : "");
            return std::nullopt;
        }
    }
    m_position += static_cast<std::uint64_t>(got);
    return static_cast<std::size_t>(got);
}

std::uint64_t InputFile::diskPosition() const
{
    if (!m_gz)
        return 0;
    const auto offset = gzoffset(static_cast<gzFile>(m_gz));
    if (offset < 0)
        return 0;
    return std::min<std::uint64_t>(static_cast<std::uint64_t>(offset), m_sizeOnDisk);
}

namespace {

/// A size std::filesystem reported, or 0 when it could not (its error value is uintmax_t(-1), which reports printed
/// as 18446744073709551615 bytes).
std::uint64_t sizeOrZero(std::uintmax_t size, const std::error_code& ec)
{
    return ec ? 0 : static_cast<std::uint64_t>(size);
}

} // namespace

std::vector<InputPath> expandInputPaths(const std::vector<std::string>& paths, std::vector<std::string>& errors)
{
    std::vector<InputPath> result;
    for (std::size_t argument = 0; argument < paths.size(); ++argument) {
        const std::string& path = paths[argument];
        std::error_code ec;
        const auto status = fs::status(path, ec);
        if (ec && ec != std::errc::no_such_file_or_directory) {
            // A symbolic link loop, a folder on the way that cannot be searched: say which, not "no such file".
            errors.push_back(path + ": " + ec.message());
            continue;
        }
        if (ec || !fs::exists(status)) {
            errors.push_back(path + ": no such file or directory");
            continue;
        }
        if (!fs::is_directory(status) && !fs::is_regular_file(status)) {
            // Opening a FIFO blocks until a writer appears; sockets and devices are no captures either.
            errors.push_back(path + ": not a regular file (FIFO, socket or device)");
            continue;
        }
        if (!fs::is_directory(status)) {
            result.push_back({path, sizeOrZero(fs::file_size(path, ec), ec), false, argument});
            continue;
        }
        std::vector<InputPath> found;
        auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
        if (ec) {
            errors.push_back(path + ": " + ec.message());
            continue;
        }
        for (auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
            if (ec) {
                errors.push_back(path + ": " + ec.message());
                break;
            }
            const auto name = it->path().filename().string();
            if (!name.empty() && name[0] == '.') {
                if (it->is_directory(ec))
                    it.disable_recursion_pending();
                continue;
            }
            if (it->is_regular_file(ec))
                found.push_back({it->path().string(), sizeOrZero(it->file_size(ec), ec), true, argument});
        }
        std::sort(found.begin(), found.end(), [](const InputPath& a, const InputPath& b) { return a.path < b.path; });
        result.insert(result.end(), found.begin(), found.end());
    }
    return result;
}

std::string captureBaseName(const std::string& path)
{
    std::string name = fs::path(path).filename().string();
    static const char* const extensions[] = {".gz", ".json", ".jsonl", ".ndjson", ".txt"};
    bool stripped = true;
    while (stripped) {
        stripped = false;
        for (const char* ext : extensions) {
            const std::string e(ext);
            if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) {
                name.resize(name.size() - e.size());
                stripped = true;
            }
        }
    }
    return name;
}

std::optional<std::string> fileContentHash(const std::string& path)
{
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file)
        return std::nullopt;
    constexpr std::size_t kBlock = std::size_t{1} << 20;
    std::unique_ptr<char[]> buffer(new char[kBlock]);
    FileContentHasher hasher;
    for (;;) {
        const std::size_t got = std::fread(buffer.get(), 1, kBlock, file);
        if (got == 0)
            break;
        hasher.add(buffer.get(), got);
    }
    const bool error = std::ferror(file) != 0;
    std::fclose(file);
    if (error)
        return std::nullopt;
    return hasher.finish();
}

bool isPlainRegularFile(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st
    {
    };
    unsigned char magic[2] = {0, 0};
    const bool plain = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)
        && !(::read(fd, magic, 2) == 2 && magic[0] == 0x1f && magic[1] == 0x8b);
    ::close(fd);
    return plain;
}

bool readWhole(const std::string& path, std::uint64_t expectedSize, std::uint64_t limit, std::string& buffer)
{
    if (expectedSize > limit)
        return false;
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st
    {
    };
    bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) <= limit;
    std::size_t size = 0;
    if (ok) {
        // One byte more than expected tells a file that grew.
        const auto capacity = static_cast<std::size_t>(st.st_size) + 1;
        if (buffer.capacity() < capacity + kUnitPadding)
            buffer.reserve(capacity + kUnitPadding);
        buffer.resize(capacity);
        for (;;) {
            const ssize_t got = ::read(fd, buffer.data() + size, capacity - size);
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0) {
                ok = false;
                break;
            }
            if (got == 0)
                break;
            size += static_cast<std::size_t>(got);
            if (size == capacity) {
                ok = false; // grew while we read: the streaming path copes
                break;
            }
        }
    }
    ::close(fd);
    buffer.resize(ok ? size : 0);
    return ok;
}

} // namespace storage
