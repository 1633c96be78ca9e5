#pragma once

// Fast 64-bit content hash of a record's identity-relevant parts (dedup fast path in the ImportWriter).
// Not cryptographic and not stable across versions of this file: it is only compared with hashes stored by the
// same schema version (a changed function would need a migration that recomputes them).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/streamrecord.h"

namespace storage {

/// 64-bit hash of bytes (8 bytes per step, multiply-xorshift mixing).
std::uint64_t hashBytes(std::string_view bytes, std::uint64_t seed = 0);

/// Hash of event name + Keys + images exactly as delivered (absent and empty images differ).
std::uint64_t contentHash(model::EventName eventName, std::string_view keysJson,
                          std::optional<std::string_view> newImageJson, std::optional<std::string_view> oldImageJson);

/// Hash of a Keys text as delivered (the ImportWriter's key-id cache).
inline std::uint64_t keyTextHash(std::string_view keysJson)
{
    return hashBytes(keysJson, 0x4B45595355ULL);
}

/// The content hash of a file as stored in sources.content_hash ("h64-<16 hex>-<size>"), fed with the file's bytes
/// in order in pieces of any size. Stores keep these hashes: the result must never change. (It equals mixing the
/// file in 1 MiB blocks as read by fread, 8-byte words then the block's last size % 8 bytes one by one.)
class FileContentHasher
{
public:
    void add(const char* data, std::size_t size);
    std::string finish() const;

private:
    std::uint64_t m_h = 0x243F6A8885A308D3ull;
    std::uint64_t m_size = 0;
    unsigned char m_pending[8] = {};
    std::size_t m_pendingSize = 0;
    void word(std::uint64_t w)
    {
        m_h = (m_h ^ w) * 0x9E3779B97F4A7C15ull;
        m_h ^= m_h >> 31;
    }
};

} // namespace storage
