#include "storage/store/partdigest.h"

#include <array>
#include <cstring>
#include <optional>
#include <random>

#include <sqlite3.h>

namespace storage {

namespace {

/// The per-process secret (std::random_device, drawn on first use; thread-safe static initialisation).
const std::array<std::uint64_t, 4>& secret()
{
    static const std::array<std::uint64_t, 4> key = [] {
        std::random_device device;
        std::array<std::uint64_t, 4> k{};
        for (auto& word : k)
            word = (static_cast<std::uint64_t>(device()) << 32U) ^ device() ^ 0x9E3779B97F4A7C15ULL;
        return k;
    }();
    return key;
}

__extension__ using Wide = unsigned __int128;

/// 64×64 → 128-bit multiply, folded.
std::uint64_t fold(std::uint64_t x, std::uint64_t y)
{
    const Wide product = static_cast<Wide>(x) * y;
    return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64U);
}

std::uint64_t load(const char* p, std::size_t n)
{
    std::uint64_t v = 0;
    std::memcpy(&v, p, n);
    return v;
}

/// The part a record's (off, len, text) columns name, as storedPart reads it; nullopt when it has none.
std::optional<std::string_view> partOf(sqlite3_value** argv)
{
    if (sqlite3_value_type(argv[3]) != SQLITE_NULL) {
        const auto* text = static_cast<const char*>(sqlite3_value_blob(argv[3]));
        return std::string_view(text ? text : "", static_cast<std::size_t>(sqlite3_value_bytes(argv[3])));
    }
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL)
        return std::nullopt;
    const auto* raw = static_cast<const char*>(sqlite3_value_blob(argv[0]));
    const auto size = static_cast<std::size_t>(sqlite3_value_bytes(argv[0]));
    const auto offset = static_cast<std::size_t>(sqlite3_value_int64(argv[1]));
    const auto length = static_cast<std::size_t>(sqlite3_value_int64(argv[2]));
    if (raw == nullptr || offset > size || length > size - offset)
        return std::string_view{};
    return std::string_view(raw + offset, length);
}

void partFunction(sqlite3_context* context, int, sqlite3_value** argv)
{
    const auto part = partOf(argv);
    if (!part)
        sqlite3_result_null(context);
    else
        sqlite3_result_text64(context, part->data(), part->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void partDigestFunction(sqlite3_context* context, int, sqlite3_value** argv)
{
    const auto part = partOf(argv);
    if (!part) {
        sqlite3_result_null(context);
        return;
    }
    const PartDigest d = partDigest(*part);
    std::array<char, 24> bytes{};
    std::memcpy(bytes.data(), &d.a, 8);
    std::memcpy(bytes.data() + 8, &d.b, 8);
    std::memcpy(bytes.data() + 16, &d.length, 8);
    sqlite3_result_blob(context, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
}

} // namespace

PartDigest partDigest(std::string_view text)
{
    // Four independent lanes over 32-byte blocks keep the multiplies pipelined; the lanes are mixed at the end.
    const auto& k = secret();
    std::array<std::uint64_t, 4> lane{k[0] ^ text.size(), k[1] + text.size(), k[2] - text.size(), k[3]};
    const char* p = text.data();
    std::size_t n = text.size();
    for (; n >= 32; p += 32, n -= 32) {
        for (std::size_t i = 0; i < 4; ++i)
            lane[i] = fold(lane[i] ^ load(p + 8 * i, 8), k[(i + 1) % 4] | 1U) + k[(i + 2) % 4];
    }
    std::array<char, 32> tail{};
    std::memcpy(tail.data(), p, n);
    for (std::size_t i = 0; i < 4; ++i)
        lane[i] = fold(lane[i] ^ load(tail.data() + 8 * i, 8) ^ n, k[(i + 1) % 4] | 1U) + k[(i + 2) % 4];
    const std::uint64_t a = fold(lane[0] ^ k[1], lane[1] ^ k[2]) ^ fold(lane[2] ^ k[3], lane[3] ^ k[0]);
    const std::uint64_t b = fold(lane[1] ^ k[3], lane[2] ^ k[0]) ^ fold(lane[3] ^ k[1], lane[0] ^ k[2]);
    return PartDigest{a, b, text.size()};
}

bool readPartDigest(std::string_view blob, PartDigest& digest)
{
    if (blob.size() != 24)
        return false;
    std::memcpy(&digest.a, blob.data(), 8);
    std::memcpy(&digest.b, blob.data() + 8, 8);
    std::memcpy(&digest.length, blob.data() + 16, 8);
    return true;
}

int registerPartFunctions(sqlite3* db)
{
    constexpr int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY;
    int rc =
        sqlite3_create_function_v2(db, "streamscope_part", 4, flags, nullptr, partFunction, nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "streamscope_part_digest", 4, flags, nullptr, partDigestFunction, nullptr,
                                        nullptr, nullptr);
    return rc;
}

} // namespace storage
