#pragma once

// Fast 64-bit content hash of a record's identity-relevant parts (dedup fast path in the ImportWriter).
// Not cryptographic and not stable across versions of this file: it is only compared with hashes stored by the
// same schema version (a changed function would need a migration that recomputes them).

#include <cstdint>
#include <optional>
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

} // namespace storage
