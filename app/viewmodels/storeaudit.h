#pragma once

// Adapter from the audit engine (storage/history/keyhistory.h) to the audit panel's rows. Runs on a worker.

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/viewmodels/findingsmodel.h"
#include "app/viewmodels/rowtypes.h"
#include "model/audit.h"
#include "storage/store/store.h"

/// Converts one engine finding (key text decoded from its Keys JSON).
AuditRow toAuditRow(const model::Finding& finding);

/// Every finding for the store. `keepGoing` is polled after each key (false = stop, stale job). `error`
/// receives a reason when the audit failed or stopped early. At most `maxFindings` rows are returned.
std::vector<AuditRow> collectAuditFindings(storage::Store& store, std::string& error,
                                           const std::function<bool()>& keepGoing = {},
                                           std::size_t maxFindings = 500000);

/// The audit panel's findings from one streamed audit: grouped (model::FindingGrouper) and flat, the flat list capped
/// at `maxFlat` rows (bounded memory; the grouped list is small whatever the store).
struct AuditFindings
{
    std::vector<FindingRow> grouped;
    std::vector<FindingRow> flat;
    bool flatComplete = true;
    std::int64_t records = 0;
    std::int64_t keys = 0;
    /// Read from the findings kept in the store (storage/history/findingstore.h), false when audited now.
    bool fromStore = false;
};
/// Reads the findings kept in the store when they are current (storage::findingsStatus); audits the store now when
/// they are not (none kept, or imported into since without updating them) or `fresh`.
AuditFindings streamAuditFindings(storage::Store& store, std::string& error,
                                  const std::function<bool()>& keepGoing = {}, std::size_t maxFlat = 100000,
                                  bool fresh = false);

/// The findings of one key (the whole key read at once: storage::auditKey).
std::vector<AuditRow> keyAuditFindings(storage::Store& store, std::int64_t keyId);

/// The findings about each version (by record id): a finding concerns the version of the record it points at and,
/// for a finding that stands for several records (out-of-order-arrival: every late record), each of those.
/// Findings about no record (mixed-view-types) concern no version.
std::unordered_map<std::int64_t, VersionAudit> versionAudits(const std::vector<model::Finding>& findings);

/// The timeline's Audit cells of one key, in bounded memory whatever the key's size (storage::auditKeyInWindows);
/// `keepGoing` false stops it (Interrupted). An error when the key's audit could not be read.
storage::Result<std::unordered_map<std::int64_t, VersionAudit>>
keyVersionAudits(storage::Store& store, std::int64_t keyId, const std::function<bool()>& keepGoing = {});
