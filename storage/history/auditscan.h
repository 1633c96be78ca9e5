#pragma once

// The whole-store audit (streamed key by key, plus the store's duplicate and conflict lists) and the audit of one
// key, with the model's rules (model/audit.h).
//
//   auto report = storage::runAudit(*store, {});             // report->findings
//
// Streamed (bounded memory whatever the store): set AuditRequest::onFinding, e.g. to a model::FindingGrouper's add;
// report->findings then stays empty.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "model/audit.h"
#include "storage/store/store.h"

namespace storage {

/// AuditRequest::maxKeyBytes's default: 64 MiB of one key's rows.
constexpr std::int64_t kMaxKeyBytes = std::int64_t(64) << 20;

struct AuditRequest
{
    std::optional<std::int64_t> tableId; ///< nullopt = every table
    model::AuditOptions options;
    /// Called after each key with the number of records audited so far; return false to stop (the report then
    /// holds what was found so far and `complete` is false).
    std::function<bool(std::int64_t recordsDone)> progress;
    /// When set, each finding is handed over as soon as it is known (per key in key order, then duplicates,
    /// conflicts, reused event IDs and mixed view types) instead of being collected in AuditReport::findings.
    model::FindingSink onFinding;
    /// A key whose records hold more bytes than this (Keys, images) is not read whole: it is audited a window of
    /// records at a time (auditKeyInWindows: the same findings, in another order within the key), so one huge key
    /// does not have to fit in memory. 0 = every key whole.
    std::int64_t maxKeyBytes = kMaxKeyBytes;
    /// Read the records in file order and sort them by key in SQLite's temporary files where their disk has room
    /// (see runAudit); false: always through the key index (no disk used, a page read per record).
    bool sortedScan = true;
};

struct AuditReport
{
    /// per key in key order, then duplicates, conflicts, reused event IDs, mixed view types (empty when the request
    /// had an onFinding sink)
    std::vector<model::Finding> findings;
    std::int64_t keys = 0;
    std::int64_t records = 0;
    bool complete = true;
    bool sortedScan = false; ///< the records were read in file order and sorted by key (AuditRequest::sortedScan)
};

Result<AuditReport> runAudit(Store& store, const AuditRequest& request = {});

/// The bytes the full audit's sorted read (AuditRequest::sortedScan) writes to its temporary files, estimated from
/// the table's last record id and up to 4 × 256 rows spread over the table: each row's Keys and NewImage texts and
/// 176 bytes of its other columns. runAudit sorts when this fits in three quarters of the
/// temporary folder's free space. nullopt when it cannot be read.
std::optional<std::int64_t> sortedScanBytes(Store& store);

/// The reused-event-id findings an earlier audit reported, kept for an incremental re-audit (auditStoreWide).
struct KeptEventIds
{
    std::int64_t recordsThrough = 0;      ///< that audit covered every record with id <= this
    std::vector<model::Finding> findings; ///< its reused-event-id findings (any order)
};

/// The findings of a full audit that are no single key's (duplicates and conflicts, reused event IDs when
/// request.options.checkEventIds, mixed view types), to request.onFinding in the order runAudit reports them.
/// `kept` (an incremental re-audit): the reused event IDs are those kept plus those of the records after
/// kept->recordsThrough, found by looking up only those records' event IDs (records ids only grow, so what was
/// found for the records before stays true) instead of grouping the whole records table.
[[nodiscard]] std::optional<Error> auditStoreWide(Store& store, const AuditRequest& request,
                                                  const KeptEventIds* kept = nullptr);

/// One key's findings exactly as runAudit reports them for that key (no duplicates, conflicts or event IDs: those are
/// store-wide), to `sink`; `records` receives the number of the key's records. `maxKeyBytes` as
/// AuditRequest::maxKeyBytes (the same value gives the same findings in the same order as runAudit).
[[nodiscard]] std::optional<Error> auditKeyRecords(Store& store, std::int64_t keyId, const model::AuditOptions& options,
                                                   const model::FindingSink& sink, std::int64_t& records,
                                                   std::int64_t maxKeyBytes = kMaxKeyBytes);

/// The findings of one key only (for the GUI's timeline markers); duplicates and conflicts of that key included.
Result<std::vector<model::Finding>> auditKey(Store& store, std::int64_t keyId, model::AuditOptions options = {});

/// The findings of one key as auditKey gives them (the same findings, in another order), in bounded memory for a key
/// of any size: its records are read `window` at a time (one window of images resident, each window after the first
/// led by the record before it, whose findings it leaves to the window before), the value and image checks run per
/// window, and the continuity checks that need no image (orphan-start, insert-over-existing, modify-after-remove,
/// remove-of-absent, ttl-remove, out-of-order-arrival, time-regression) run once over the key's records without their
/// images (a few hundred bytes per record). One difference: a value finding of an attribute unchanged since the last
/// image checked is reported again after a record that carries no image at all (KEYS_ONLY among images).
/// `keepGoing` (optional) is asked before each window: false stops with Error::Kind::Interrupted.
Result<std::vector<model::Finding>> auditKeyInWindows(Store& store, std::int64_t keyId,
                                                      model::AuditOptions options = {}, std::size_t window = 64,
                                                      const std::function<bool()>& keepGoing = {});

} // namespace storage
