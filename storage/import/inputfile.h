#pragma once

// Reading capture files as a byte stream: plain or gzip (detected by magic, not by name), and expanding
// directories into their files (recursive, sorted by path); small helpers on whole files (reading one whole,
// telling plain from gzip, hashing its content).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace storage {

/// Why an input could not be read.
struct InputError
{
    std::string message;
};

/// Sequential reader of one file; gzip (.gz or any file starting with the gzip magic) is decompressed
/// transparently with zlib. Not copyable.
class InputFile
{
public:
    InputFile() = default;
    ~InputFile();
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    [[nodiscard]] std::optional<InputError> open(const std::string& path);
    /// Reads up to `capacity` decompressed bytes into `buffer`; 0 at the end. On error returns nullopt and
    /// fills `error`.
    std::optional<std::size_t> read(char* buffer, std::size_t capacity, InputError& error);
    void close();

    bool isCompressed() const { return m_compressed; }
    /// Size of the file on disk (compressed size for gzip).
    std::uint64_t sizeOnDisk() const { return m_sizeOnDisk; }
    /// Bytes of the file on disk consumed so far (for progress; compressed offset for gzip).
    std::uint64_t diskPosition() const;
    /// Decompressed bytes delivered so far.
    std::uint64_t position() const { return m_position; }

private:
    void* m_gz = nullptr; // gzFile
    bool m_compressed = false;
    std::uint64_t m_sizeOnDisk = 0;
    std::uint64_t m_position = 0;
};

/// One input after expansion.
struct InputPath
{
    std::string path;
    std::uint64_t size = 0;
    bool fromDirectory = false; ///< found by expanding a directory (not named by the user)
    std::size_t argument = 0;   ///< index of the path (argument) it came from
};

/// Expands files and directories (recursive, sorted by path; hidden files and directories skipped) into
/// the files to import. Missing paths are reported in `errors` (one message each) and left out.
std::vector<InputPath> expandInputPaths(const std::vector<std::string>& paths, std::vector<std::string>& errors);

/// File name without directory and without trailing .gz/.json/.jsonl/.ndjson/.txt extensions
/// ("dir/orders.json.gz" -> "orders"). Used as the table name of a capture that names none.
std::string captureBaseName(const std::string& path);

/// A regular file that does not start with the gzip magic (a big one is then hashed while it is parsed).
bool isPlainRegularFile(const std::string& path);

/// Reads a regular file of at most `limit` bytes whole into `buffer` (its capacity is reused); false when it is
/// bigger, not a regular file, grew while being read, or anything goes wrong (the caller then takes the streaming
/// path, which reports errors).
bool readWhole(const std::string& path, std::uint64_t expectedSize, std::uint64_t limit, std::string& buffer);

/// Stable 64-bit content hash of a file's bytes as read from disk ("h64-<16 hex>-<size>"). nullopt when the
/// file cannot be read.
std::optional<std::string> fileContentHash(const std::string& path);

} // namespace storage
