#include "storage/import/contenthash.h"

#include <cstdio>
#include <cstring>

namespace storage {

namespace {

constexpr std::uint64_t kMul1 = 0x9E3779B97F4A7C15ULL;
constexpr std::uint64_t kMul2 = 0xBF58476D1CE4E5B9ULL;
constexpr std::uint64_t kMul3 = 0x94D049BB133111EBULL;

std::uint64_t mix(std::uint64_t x)
{
    x ^= x >> 30;
    x *= kMul2;
    x ^= x >> 27;
    x *= kMul3;
    x ^= x >> 31;
    return x;
}

} // namespace

std::uint64_t hashBytes(std::string_view bytes, std::uint64_t seed)
{
    // Two independent lanes over 16-byte blocks keep the multiplies pipelined.
    std::uint64_t a = seed ^ kMul1;
    std::uint64_t b = (seed + bytes.size()) * kMul2;
    const char* p = bytes.data();
    std::size_t n = bytes.size();
    while (n >= 16) {
        std::uint64_t x = 0;
        std::uint64_t y = 0;
        std::memcpy(&x, p, 8);
        std::memcpy(&y, p + 8, 8);
        a = (a ^ x) * kMul1;
        a ^= a >> 29;
        b = (b ^ y) * kMul3;
        b ^= b >> 32;
        p += 16;
        n -= 16;
    }
    std::uint64_t tail = 0;
    if (n > 0)
        std::memcpy(&tail, p, n < 8 ? n : 8);
    a = (a ^ tail) * kMul1;
    if (n > 8) {
        std::uint64_t tail2 = 0;
        std::memcpy(&tail2, p + 8, n - 8);
        b = (b ^ tail2) * kMul3;
    }
    return mix(a ^ mix(b) ^ bytes.size());
}

std::uint64_t contentHash(model::EventName eventName, std::string_view keysJson,
                          std::optional<std::string_view> newImageJson, std::optional<std::string_view> oldImageJson)
{
    std::uint64_t h = hashBytes(keysJson, static_cast<std::uint64_t>(eventName) + 1);
    h = hashBytes(newImageJson.value_or(std::string_view{}), h ^ (newImageJson ? 0x11ULL : 0x22ULL));
    h = hashBytes(oldImageJson.value_or(std::string_view{}), h ^ (oldImageJson ? 0x33ULL : 0x44ULL));
    return h;
}

void FileContentHasher::add(const char* data, std::size_t size)
{
    m_size += size;
    std::size_t i = 0;
    if (m_pendingSize > 0) {
        while (m_pendingSize < 8 && i < size)
            m_pending[m_pendingSize++] = static_cast<unsigned char>(data[i++]);
        if (m_pendingSize < 8)
            return;
        std::uint64_t w;
        std::memcpy(&w, m_pending, 8);
        word(w);
        m_pendingSize = 0;
    }
    for (; i + 8 <= size; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, data + i, 8);
        word(w);
    }
    for (; i < size; ++i)
        m_pending[m_pendingSize++] = static_cast<unsigned char>(data[i]);
}

std::string FileContentHasher::finish() const
{
    std::uint64_t h = m_h;
    for (std::size_t i = 0; i < m_pendingSize; ++i) {
        h = (h ^ m_pending[i]) * 0x100000001B3ull;
        h ^= h >> 29;
    }
    h ^= m_size;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    char text[64];
    std::snprintf(text, sizeof text, "h64-%016llx-%llu", static_cast<unsigned long long>(h),
                  static_cast<unsigned long long>(m_size));
    return std::string(text);
}

} // namespace storage
