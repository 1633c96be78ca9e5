#pragma once

// The audit kept in the store (schema version 4, storage/store/schema.cpp): the findings of the last audit, every
// one as a row, with what they cover. An import only appends records, duplicates and conflicts (ids grow), so the
// findings go stale exactly when a newer record, duplicate or conflict exists; updateStoredFindings() then re-audits
// only the keys of the new records and the store-wide kinds, and the result equals a full audit of the store.
//
//   if (auto update = storage::updateStoredFindings(store)) ...       // full audit the first time, then incremental
//   storage::forEachStoredFinding(store, {}, [](model::Finding&& f) { ... });

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/audit.h"
#include "storage/store/store.h"

namespace storage {

/// The rules the stored findings were found by. Change it whenever the audit finds something else for the same
/// records (a new kind, another message): stored findings of other rules are not current and are recomputed.
inline constexpr std::string_view kAuditRules = "streamscope audit rules 1";

/// What a stored set of findings covers (the audit_coverage row).
struct FindingsCoverage
{
    std::string rules;
    std::int64_t recordsThrough = 0;    ///< every record with id <= this was audited
    std::int64_t duplicatesThrough = 0; ///< every duplicate with id <= this
    std::int64_t conflictsThrough = 0;  ///< every conflict with id <= this
    std::int64_t keys = 0;              ///< keys audited (as a full audit reports them)
    std::int64_t records = 0;           ///< records audited
    std::int64_t auditedAtMicros = 0;
    std::string writtenBy;
};

struct FindingsStatus
{
    bool supported = false;                 ///< the store has the findings tables (an older store read-only has not)
    std::optional<FindingsCoverage> stored; ///< the stored set, if any
    bool current = false;                   ///< stored, with kAuditRules, and nothing was imported after it
    std::int64_t newRecords = 0;            ///< records imported after the stored set (all records when none)
};

[[nodiscard]] Result<FindingsStatus> findingsStatus(Store& store);

struct FindingsUpdate
{
    bool full = false;    ///< the whole store was audited (no current set to start from)
    bool written = false; ///< a new set was committed (false: it was current already, or stopped)
    bool complete = true; ///< false: `progress` stopped it; the previous set is kept as it was
    std::int64_t keysAudited = 0;
    std::int64_t recordsAudited = 0;
    FindingsCoverage coverage; ///< of the set now stored
};

/// Brings the stored findings up to date with the store: a full audit when there is no stored set (or one of other
/// rules), else a re-audit of the keys that have records newer than the set plus the store-wide kinds (duplicates,
/// conflicts, reused event IDs, mixed view types). The new set and its coverage are written in one transaction on a
/// writing connection of its own to store.path() (the store's connection only reads, so `store` may be read-only);
/// imports wait for it. `progress` (records audited so far) returning false stops it; a stop or any failure leaves
/// the previous set as it was. Fails (ReadOnly / InvalidArgument) for a store that cannot be written or has no
/// findings tables (older than kFindingsVersion).
[[nodiscard]] Result<FindingsUpdate> updateStoredFindings(Store& store,
                                                          const std::function<bool(std::int64_t)>& progress = {});

/// Which stored findings to read: a table (by name) and kinds; empty = all.
struct StoredFindingFilter
{
    std::optional<std::string> table;
    std::vector<model::FindingKind> kinds;
};

/// Each stored finding in the order a full audit reports them (per key in key order, then duplicates, conflicts,
/// reused event IDs, mixed view types), ungrouped. Corrupt when a row does not decode.
[[nodiscard]] std::optional<Error> forEachStoredFinding(Store& store, const StoredFindingFilter& filter,
                                                        const model::FindingSink& sink);

/// Finding counts per kind text of the stored set (from the kind index; no finding is decoded).
[[nodiscard]] Result<std::vector<std::pair<std::string, std::int64_t>>> storedFindingCounts(Store& store);

} // namespace storage
