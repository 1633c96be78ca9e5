#include "storage/export/sha256.h"

#include <cerrno>
#include <utility>

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

namespace storage {

namespace {

EVP_MD_CTX* context(void* p)
{
    return static_cast<EVP_MD_CTX*>(p);
}

} // namespace

Sha256::Sha256()
    : m_context(EVP_MD_CTX_new())
{
    if (m_context && EVP_DigestInit_ex(context(m_context), EVP_sha256(), nullptr) != 1) {
        EVP_MD_CTX_free(context(m_context));
        m_context = nullptr;
    }
}

Sha256::~Sha256()
{
    EVP_MD_CTX_free(context(m_context));
}

Sha256::Sha256(Sha256&& other) noexcept
    : m_context(std::exchange(other.m_context, nullptr))
{
}

Sha256& Sha256::operator=(Sha256&& other) noexcept
{
    std::swap(m_context, other.m_context);
    return *this;
}

void Sha256::add(std::string_view bytes)
{
    if (m_context && !bytes.empty() && EVP_DigestUpdate(context(m_context), bytes.data(), bytes.size()) != 1) {
        EVP_MD_CTX_free(context(m_context));
        m_context = nullptr;
    }
}

std::string Sha256::finishHex()
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    // A context that failed (out of memory) gives "" rather than a wrong digest: the manifest then proves nothing.
    if (!m_context || EVP_DigestFinal_ex(context(m_context), digest, &length) != 1)
        return {};
    EVP_MD_CTX_free(context(m_context));
    m_context = nullptr;
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(std::size_t{length} * 2);
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0x0f];
    }
    return hex;
}

std::optional<std::string> sha256OfFile(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return std::nullopt;
    Sha256 hasher;
    std::string buffer(1 << 16, '\0');
    for (;;) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ::close(fd);
            return std::nullopt;
        }
        if (n == 0)
            break;
        hasher.add(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    }
    ::close(fd);
    return hasher.finishHex();
}

} // namespace storage
