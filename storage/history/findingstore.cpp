#include "storage/history/findingstore.h"

#include <chrono>

#include "model/findingcodec.h"
#include "storage/history/auditscan.h"
#include "storage/store/schema.h"

namespace storage {

namespace {

std::int64_t nowMicros()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

/// Where a finding goes in the findings table's order (schema version 4): phase 0 per key, 1 deliveries, 2 reused
/// event IDs, 3 mixed view types.
int phaseOf(model::FindingKind kind)
{
    switch (kind) {
    case model::FindingKind::Duplicate:
    case model::FindingKind::Conflict:
        return 1;
    case model::FindingKind::ReusedEventId:
        return 2;
    case model::FindingKind::MixedViewTypes:
        return 3;
    default:
        return 0;
    }
}

Result<std::optional<FindingsCoverage>> readCoverage(Database& db)
{
    auto st = db.prepare("SELECT rules, records_through, duplicates_through, conflicts_through, keys, records, "
                         "audited_at_us, written_by FROM audit_coverage WHERE id = 1");
    if (!st)
        return st.error();
    Step s = st->step();
    if (s.error)
        return *s.error;
    if (!s.row)
        return std::optional<FindingsCoverage>();
    FindingsCoverage c;
    c.rules = st->textCopy(0);
    c.recordsThrough = st->int64(1);
    c.duplicatesThrough = st->int64(2);
    c.conflictsThrough = st->int64(3);
    c.keys = st->int64(4);
    c.records = st->int64(5);
    c.auditedAtMicros = st->int64(6);
    c.writtenBy = st->textCopy(7);
    return std::optional<FindingsCoverage>(std::move(c));
}

/// The newest record, duplicate and conflict ids (0 when none).
struct Newest
{
    std::int64_t record = 0;
    std::int64_t duplicate = 0;
    std::int64_t conflict = 0;
};

Result<Newest> newestIds(Database& db)
{
    Newest n;
    auto record = db.queryInt("SELECT coalesce(max(id), 0) FROM records");
    if (!record)
        return record.error();
    auto duplicate = db.queryInt("SELECT coalesce(max(id), 0) FROM duplicates");
    if (!duplicate)
        return duplicate.error();
    auto conflict = db.queryInt("SELECT coalesce(max(id), 0) FROM conflicts");
    if (!conflict)
        return conflict.error();
    n.record = *record;
    n.duplicate = *duplicate;
    n.conflict = *conflict;
    return n;
}

bool isCurrent(const FindingsCoverage& c, const Newest& n)
{
    return c.rules == kAuditRules && c.recordsThrough == n.record && c.duplicatesThrough == n.duplicate
        && c.conflictsThrough == n.conflict;
}

/// Writes findings as they come, in the table's order (ord counts per phase and key); remembers the first error.
class FindingWriter
{
public:
    explicit FindingWriter(Statement insert)
        : m_insert(std::move(insert))
    {
    }

    void add(model::Finding&& f)
    {
        if (m_error)
            return;
        const int phase = phaseOf(f.kind);
        const std::int64_t keyId = phase == 0 ? f.keyId : 0;
        if (phase != m_phase || keyId != m_keyId) {
            m_phase = phase;
            m_keyId = keyId;
            m_ord = 0;
        }
        m_insert.bind(1, std::int64_t{phase});
        m_insert.bind(2, keyId);
        m_insert.bind(3, m_ord++);
        m_insert.bind(4, static_cast<std::int64_t>(f.kind));
        m_insert.bind(5, static_cast<std::int64_t>(f.severity));
        m_insert.bind(6, std::string_view(f.table));
        m_insert.bind(7, f.recordId);
        if (f.sequenceNumber.empty())
            m_insert.bind(8, std::optional<std::int64_t>());
        else
            m_insert.bind(8, std::string_view(f.sequenceNumber));
        const std::string body = model::encodeFinding(f);
        m_insert.bind(9, std::string_view(body));
        m_error = m_insert.run();
    }

    const std::optional<Error>& error() const { return m_error; }

private:
    Statement m_insert;
    int m_phase = -1;
    std::int64_t m_keyId = -1;
    std::int64_t m_ord = 0;
    std::optional<Error> m_error;
};

Result<std::vector<std::int64_t>> keysWithRecordsAfter(Store& store, std::int64_t recordId)
{
    auto st = store.database().prepare("SELECT DISTINCT key_id FROM records WHERE id > ?1 ORDER BY key_id");
    if (!st)
        return st.error();
    st->bind(1, recordId);
    std::vector<std::int64_t> keys;
    if (auto error = st->forEachRow([&](Statement& row) { keys.push_back(row.int64(0)); }))
        return *error;
    return keys;
}

/// The findings of `phase` as they are kept, in their order.
std::optional<Error> readFindings(Database& db, int phase, std::vector<model::Finding>& findings)
{
    auto st = db.prepare("SELECT body FROM findings WHERE phase = ?1 ORDER BY key_id, ord");
    if (!st)
        return st.error();
    st->bind(1, std::int64_t{phase});
    std::optional<Error> bad;
    auto error = st->forEachRow([&](Statement& row) {
        auto finding = model::decodeFinding(row.text(0));
        if (!finding) {
            bad = Error{Error::Kind::Corrupt, 0, "a kept finding of the last audit cannot be read"};
            return false;
        }
        findings.push_back(std::move(*finding));
        return true;
    });
    return bad ? bad : error;
}

/// Re-audits the keys with records after `from` (their old findings replaced) and the store-wide kinds.
std::optional<Error> auditIncrementally(Store& store, Database& writer, FindingWriter& out,
                                        const FindingsCoverage& from, const std::function<bool(std::int64_t)>& progress,
                                        FindingsUpdate& update)
{
    auto keys = keysWithRecordsAfter(store, from.recordsThrough);
    if (!keys)
        return keys.error();
    auto drop = writer.prepare("DELETE FROM findings WHERE phase = 0 AND key_id = ?1");
    if (!drop)
        return drop.error();
    const model::FindingSink sink = [&out](model::Finding&& f) { out.add(std::move(f)); };
    for (const std::int64_t keyId : *keys) {
        drop->bind(1, keyId);
        if (auto error = drop->run())
            return error;
        std::int64_t records = 0;
        if (auto error = auditKeyRecords(store, keyId, model::AuditOptions{}, sink, records))
            return error;
        if (out.error())
            return out.error();
        ++update.keysAudited;
        update.recordsAudited += records;
        if (progress && !progress(update.recordsAudited)) {
            update.complete = false;
            return std::nullopt;
        }
    }
    // Reused event IDs: the records up to from.recordsThrough keep theirs; only the new records' event IDs are
    // looked up (auditStoreWide with `kept`), not the whole records table grouped again.
    KeptEventIds kept;
    kept.recordsThrough = from.recordsThrough;
    if (auto error = readFindings(writer, 2, kept.findings))
        return error;
    if (auto error = writer.exec("DELETE FROM findings WHERE phase > 0"))
        return error;
    AuditRequest request;
    request.onFinding = sink;
    if (auto error = auditStoreWide(store, request, &kept))
        return error;
    return out.error();
}

std::optional<Error> auditFully(Store& store, Database& writer, FindingWriter& out,
                                const std::function<bool(std::int64_t)>& progress, FindingsUpdate& update)
{
    if (auto error = writer.exec("DELETE FROM findings"))
        return error;
    AuditRequest request;
    request.onFinding = [&out](model::Finding&& f) { out.add(std::move(f)); };
    request.progress = [&](std::int64_t records) { return !out.error() && (!progress || progress(records)); };
    auto report = runAudit(store, request);
    if (!report)
        return report.error();
    if (out.error())
        return out.error();
    update.full = true;
    update.complete = report->complete;
    update.keysAudited = report->keys;
    update.recordsAudited = report->records;
    return std::nullopt;
}

std::optional<Error> writeCoverage(Database& db, const FindingsCoverage& c)
{
    auto st = db.prepare("INSERT OR REPLACE INTO audit_coverage(id, rules, records_through, duplicates_through, "
                         "conflicts_through, keys, records, audited_at_us, written_by) "
                         "VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!st)
        return st.error();
    st->bind(1, std::string_view(c.rules));
    st->bind(2, c.recordsThrough);
    st->bind(3, c.duplicatesThrough);
    st->bind(4, c.conflictsThrough);
    st->bind(5, c.keys);
    st->bind(6, c.records);
    st->bind(7, c.auditedAtMicros);
    st->bind(8, std::string_view(c.writtenBy));
    return st->run();
}

Result<FindingsUpdate> update(Store& store, const std::function<bool(std::int64_t)>& progress)
{
    const std::string& path = store.path();
    if (path.empty() || path == ":memory:")
        return invalidArgument("an in-memory store cannot keep its findings (they are written on a connection of "
                               "their own)");
    auto writer = Database::open(path, Database::OpenMode::ReadWriteExisting);
    if (!writer)
        return writer.error();
    // The write lock first: no import commits while the set is made, so what the store's connection reads is what
    // the coverage below says.
    auto transaction = Transaction::begin(*writer, Transaction::Kind::Immediate);
    if (!transaction)
        return transaction.error();
    auto version = schemaVersion(*writer);
    if (!version)
        return version.error();
    if (*version < kFindingsVersion)
        return invalidArgument(path + " is a store of version " + std::to_string(*version)
                               + ", which keeps no findings; open it once read-write to upgrade it");
    auto before = readCoverage(*writer);
    if (!before)
        return before.error();
    auto newest = newestIds(*writer);
    if (!newest)
        return newest.error();
    FindingsUpdate result;
    if (*before && isCurrent(**before, *newest)) {
        result.coverage = **before;
        return result;
    }
    auto insert = writer->prepare("INSERT INTO findings(phase, key_id, ord, kind, severity, table_name, record_id, "
                                  "seq, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!insert)
        return insert.error();
    FindingWriter out(std::move(*insert));
    const bool incremental = *before && (**before).rules == kAuditRules;
    auto error = incremental ? auditIncrementally(store, *writer, out, **before, progress, result)
                             : auditFully(store, *writer, out, progress, result);
    if (error)
        return *error;
    if (!result.complete)
        return result; // rolled back: the previous set stays
    FindingsCoverage c;
    c.rules = std::string(kAuditRules);
    c.recordsThrough = newest->record;
    c.duplicatesThrough = newest->duplicate;
    c.conflictsThrough = newest->conflict;
    if (incremental) {
        // The keys' own counts (keys_all_by_count), not the records: at 10M records, grouping records_by_key took
        // longer than the re-audit of the keys a batch file touched.
        auto keys = writer->queryInt("SELECT count(*) FROM keys WHERE record_count > 0");
        if (!keys)
            return keys.error();
        auto added =
            writer->queryInt("SELECT count(*) FROM records WHERE id > " + std::to_string((**before).recordsThrough));
        if (!added)
            return added.error();
        c.keys = *keys;
        c.records = (**before).records + *added;
    } else {
        c.keys = result.keysAudited;
        c.records = result.recordsAudited;
    }
    c.auditedAtMicros = nowMicros();
    c.writtenBy = writerIdentity();
    if (auto e = writeCoverage(*writer, c))
        return *e;
    if (auto e = transaction->commit())
        return *e;
    result.written = true;
    result.coverage = std::move(c);
    return result;
}

} // namespace

Result<FindingsStatus> findingsStatus(Store& store)
{
    Database& db = store.database();
    FindingsStatus status;
    auto has = hasTablesAddedIn(db, kFindingsVersion);
    if (!has)
        return has.error();
    auto newest = newestIds(db);
    if (!newest)
        return newest.error();
    status.newRecords = newest->record;
    if (!*has)
        return status;
    status.supported = true;
    auto coverage = readCoverage(db);
    if (!coverage)
        return coverage.error();
    status.stored = std::move(*coverage);
    if (status.stored) {
        status.current = isCurrent(*status.stored, *newest);
        status.newRecords = newest->record - std::min(newest->record, status.stored->recordsThrough);
        if (status.stored->rules != kAuditRules)
            status.newRecords = newest->record;
    }
    return status;
}

Result<FindingsUpdate> updateStoredFindings(Store& store, const std::function<bool(std::int64_t)>& progress)
{
    auto result = update(store, progress);
    if (!result)
        return store.database().explainReadError(result.error());
    return result;
}

std::optional<Error> forEachStoredFinding(Store& store, const StoredFindingFilter& filter,
                                          const model::FindingSink& sink)
{
    std::string sql = "SELECT body FROM findings";
    std::string where;
    if (filter.table)
        where = "table_name = ?1";
    if (!filter.kinds.empty()) {
        std::string list;
        for (const model::FindingKind kind : filter.kinds)
            list += (list.empty() ? "" : ", ") + std::to_string(static_cast<int>(kind));
        where += (where.empty() ? "" : " AND ") + std::string("kind IN (") + list + ")";
    }
    if (!where.empty())
        sql += " WHERE " + where;
    sql += " ORDER BY phase, key_id, ord";
    auto st = store.database().prepare(sql);
    if (!st)
        return st.error();
    if (filter.table)
        st->bind(1, std::string_view(*filter.table));
    std::optional<Error> bad;
    auto error = st->forEachRow([&](Statement& row) {
        auto finding = model::decodeFinding(row.text(0));
        if (!finding) {
            bad = Error{Error::Kind::Corrupt, 0,
                        store.path() + ": a stored finding does not decode; run the audit with --fresh"};
            return false;
        }
        sink(std::move(*finding));
        return true;
    });
    if (bad)
        return bad;
    if (error)
        return store.database().explainReadError(*error);
    return std::nullopt;
}

Result<std::vector<std::pair<std::string, std::int64_t>>> storedFindingCounts(Store& store)
{
    auto st = store.database().prepare("SELECT kind, count(*) FROM findings GROUP BY kind ORDER BY kind");
    if (!st)
        return st.error();
    std::vector<std::pair<std::string, std::int64_t>> counts;
    if (auto error = st->forEachRow([&](Statement& row) {
            const auto kind = row.int64(0);
            const std::string text = kind >= 0 && kind < model::kFindingKindCount
                ? std::string(model::findingKindText(static_cast<model::FindingKind>(kind)))
                : "kind " + std::to_string(kind);
            counts.emplace_back(text, row.int64(1));
        }))
        return *error;
    return counts;
}

} // namespace storage
