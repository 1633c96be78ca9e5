#pragma once

// A record part's digest (Keys, NewImage or OldImage text, see storedPart) for the sorted history scan
// (Store::forEachKeyHistory with ScanOptions::sortedScan): the scan sorts an OldImage's digest instead of its text and
// takes the text from the record before it in the key's history when the two digests match (an OldImage is nearly
// always the NewImage before it), reading the record again otherwise.

#include <cstdint>
#include <string_view>

struct sqlite3;

namespace storage {

/// 128 bits keyed with a secret drawn once per process (a store written elsewhere cannot aim two texts at one
/// digest), and the text's length.
struct PartDigest
{
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    std::uint64_t length = 0;
    bool operator==(const PartDigest&) const = default;
};

PartDigest partDigest(std::string_view text);

/// Registers on a connection: streamscope_part(raw, off, len, text), a record part's text as storedPart reads it
/// (NULL when the record has no such part), and streamscope_part_digest(raw, off, len, text), its PartDigest as a
/// 24-byte blob (NULL likewise). Returns an SQLite result code.
int registerPartFunctions(sqlite3* db);

/// A PartDigest from streamscope_part_digest's blob; false when the blob is not one.
bool readPartDigest(std::string_view blob, PartDigest& digest);

} // namespace storage
