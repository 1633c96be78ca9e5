#include "app/viewmodels/storeaudit.h"

#include "model/dynamodbjson.h"
#include "storage/history/auditscan.h"
#include "storage/history/findingstore.h"

AuditRow toAuditRow(const model::Finding& f)
{
    AuditRow r;
    switch (f.severity) {
    case model::Severity::Error:
        r.severity = AuditSeverity::Error;
        break;
    case model::Severity::Warning:
        r.severity = AuditSeverity::Warning;
        break;
    default:
        r.severity = AuditSeverity::Note;
        break;
    }
    r.kind = std::string(model::findingKindText(f.kind));
    r.message = f.message;
    r.table = f.table;
    r.keyId = f.keyId;
    if (auto keys = model::parseItem(f.keyJson))
        r.keyText = model::keyDisplayText(*keys.value);
    else
        r.keyText = f.keyJson;
    r.recordId = f.recordId;
    return r;
}

std::vector<AuditRow> collectAuditFindings(storage::Store& store, std::string& error,
                                           const std::function<bool()>& keepGoing, std::size_t maxFindings)
{
    storage::AuditRequest request;
    if (keepGoing)
        request.progress = [&keepGoing](std::int64_t) { return keepGoing(); };
    auto report = storage::runAudit(store, request);
    std::vector<AuditRow> rows;
    if (!report) {
        error = report.error().message;
        return rows;
    }
    if (!report->complete)
        error = "the audit was stopped before the end";
    rows.reserve(std::min(report->findings.size(), maxFindings));
    for (const auto& f : report->findings) {
        if (rows.size() >= maxFindings) {
            error = "only the first " + std::to_string(maxFindings) + " findings are listed";
            break;
        }
        rows.push_back(toAuditRow(f));
    }
    return rows;
}

namespace {

/// The findings kept in the store to `sink` when they are current (nothing imported since they were written; the
/// session reads and never writes the store: imports keep them up to date). False when they are not: the caller
/// then audits. True with `error` set when reading them failed.
bool readStoredFindings(storage::Store& store, const model::FindingSink& sink, AuditFindings& out, std::string& error)
{
    auto status = storage::findingsStatus(store);
    if (!status || !status->current)
        return false;
    if (auto failure = storage::forEachStoredFinding(store, {}, sink)) {
        error = failure->message;
        return true;
    }
    out.fromStore = true;
    out.records = status->stored->records;
    out.keys = status->stored->keys;
    return true;
}

} // namespace

AuditFindings streamAuditFindings(storage::Store& store, std::string& error, const std::function<bool()>& keepGoing,
                                  std::size_t maxFlat, bool fresh)
{
    AuditFindings out;
    model::FindingGrouper grouper([&out](model::Finding&& f) { out.grouped.push_back(toFindingRow(f)); });
    storage::AuditRequest request;
    if (keepGoing)
        request.progress = [&keepGoing](std::int64_t) { return keepGoing(); };
    request.onFinding = [&](model::Finding&& f) {
        if (out.flat.size() < maxFlat)
            out.flat.push_back(toFindingRow(f));
        else
            out.flatComplete = false;
        grouper.add(std::move(f));
    };
    if (!fresh && readStoredFindings(store, request.onFinding, out, error)) {
        grouper.finish();
        return out;
    }
    auto report = storage::runAudit(store, request);
    if (!report) {
        error = report.error().message;
        return out;
    }
    grouper.finish();
    if (!report->complete)
        error = "the audit was stopped before the end";
    out.records = report->records;
    out.keys = report->keys;
    return out;
}

std::vector<AuditRow> keyAuditFindings(storage::Store& store, std::int64_t keyId)
{
    std::vector<AuditRow> rows;
    if (auto findings = storage::auditKey(store, keyId))
        for (const auto& f : *findings)
            rows.push_back(toAuditRow(f));
    return rows;
}

std::unordered_map<std::int64_t, VersionAudit> versionAudits(const std::vector<model::Finding>& findings)
{
    std::unordered_map<std::int64_t, VersionAudit> audits;
    for (const auto& f : findings) {
        const std::string kind(model::findingKindText(f.kind));
        const int severity = int(f.severity == model::Severity::Error         ? AuditSeverity::Error
                                     : f.severity == model::Severity::Warning ? AuditSeverity::Warning
                                                                              : AuditSeverity::Note);
        if (f.recordId != 0)
            audits[f.recordId].add(kind, severity, f.message);
        for (std::int64_t id : f.affectedRecordIds)
            if (id != f.recordId)
                audits[id].add(kind, severity, f.message);
    }
    return audits;
}

storage::Result<std::unordered_map<std::int64_t, VersionAudit>>
keyVersionAudits(storage::Store& store, std::int64_t keyId, const std::function<bool()>& keepGoing)
{
    auto findings = storage::auditKeyInWindows(store, keyId, {}, 64, keepGoing);
    if (!findings)
        return findings.error();
    return versionAudits(*findings);
}
