#pragma once

// SHA-256 (FIPS 180-4) of an export file's bytes, fed in pieces of any size: the manifest records each file's hash
// so a forced re-export replaces only files an earlier export wrote and nobody changed since.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace storage {

class Sha256
{
public:
    Sha256();
    void add(std::string_view bytes);
    /// Lowercase hex of the digest; the hasher is spent afterwards.
    std::string finishHex();

private:
    void block(const unsigned char* data);

    std::array<std::uint32_t, 8> m_state{};
    std::array<unsigned char, 64> m_buffer{};
    std::size_t m_buffered = 0;
    std::uint64_t m_length = 0; // bytes added
};

/// SHA-256 hex of a file's bytes, opened with O_NOFOLLOW | O_NONBLOCK (a symlink or FIFO is never followed or
/// waited for): nullopt when it cannot be read.
std::optional<std::string> sha256OfFile(const std::string& path);

} // namespace storage
