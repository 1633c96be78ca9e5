#include "app/viewmodels/storeaudit.h"

std::vector<AuditRow> collectAuditFindings(storage::Store& store, std::string& error)
{
    std::vector<AuditRow> rows;
    if (auto dups = store.duplicates()) {
        for (const auto& d : *dups) {
            AuditRow r;
            r.severity = AuditSeverity::Note;
            r.kind = "duplicate-delivery";
            r.message = "record delivered again (record " + std::to_string(d.position.recordIndex) + " at byte "
                + std::to_string(d.position.byteOffset) + "), sequence " + d.sequenceNumber;
            r.table = d.tableName;
            r.keyId = d.keyId;
            r.keyText = d.keyText;
            r.recordId = d.recordId;
            rows.push_back(std::move(r));
        }
    } else {
        error = dups.error().message;
    }
    if (auto conflicts = store.conflicts()) {
        for (const auto& c : *conflicts) {
            AuditRow r;
            r.severity = AuditSeverity::Error;
            r.kind = "sequence-conflict";
            r.message = "same sequence number " + c.sequenceNumber + " with different content";
            r.table = c.tableName;
            r.keyId = c.keyId;
            r.keyText = c.keyText;
            r.recordId = c.existingRecordId;
            rows.push_back(std::move(r));
        }
    } else {
        error = conflicts.error().message;
    }
    return rows;
}
