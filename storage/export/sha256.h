#pragma once

// SHA-256 of an export file's bytes (OpenSSL's libcrypto), fed in pieces of any size: the manifest records each file's
// hash so a forced re-export replaces only files an earlier export wrote and nobody changed since.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace storage {

class Sha256
{
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    Sha256(Sha256&& other) noexcept;
    Sha256& operator=(Sha256&& other) noexcept;

    void add(std::string_view bytes);
    /// Lowercase hex of the digest; the hasher is spent afterwards.
    std::string finishHex();

private:
    void* m_context = nullptr; ///< EVP_MD_CTX
};

/// SHA-256 hex of a file's bytes, opened with O_NOFOLLOW | O_NONBLOCK (a symlink or FIFO is never followed or
/// waited for): nullopt when it cannot be read.
std::optional<std::string> sha256OfFile(const std::string& path);

} // namespace storage
