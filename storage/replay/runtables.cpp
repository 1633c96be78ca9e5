#include "storage/replay/runtables.h"

#include <cerrno>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/store/schema.h"

namespace storage {

namespace {

RecordStatus parseStatus(std::string_view s)
{
    if (s == "succeeded")
        return RecordStatus::Succeeded;
    if (s == "discarded")
        return RecordStatus::Discarded;
    return RecordStatus::Pending;
}

std::string oversizeJson(const std::vector<OversizeInfo>& oversize)
{
    nlohmann::json a = nlohmann::json::array();
    for (const auto& o : oversize)
        a.push_back({{"recordId", o.recordId},
                     {"table", o.table},
                     {"key", o.keyText},
                     {"sequenceNumber", o.sequenceNumber},
                     {"payloadBytes", o.payloadBytes}});
    return a.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// An older store opened read-only has no replay tables (storage/store/schema.h): it simply has no runs.
Result<bool> haveReplayTables(Database& db)
{
    return hasTablesAddedIn(db, kReplayTablesVersion);
}

/// The strings of a JSON array text (other entries, or text that is not an array, give nothing).
std::vector<std::string> stringArray(std::string_view json)
{
    std::vector<std::string> strings;
    const auto array = nlohmann::json::parse(json, nullptr, false);
    if (array.is_array()) {
        for (const auto& a : array) {
            if (a.is_string())
                strings.push_back(a.get<std::string>());
        }
    }
    return strings;
}

constexpr const char* kRunColumns = "id, started_micros, finished_micros, handler, status, max_retries, bisect, "
                                    "timeout_ms, batch_size, selection, batches, records, succeeded, discarded, "
                                    "attempts, oversize";

ReplayRunInfo readRunRow(const Statement& s)
{
    ReplayRunInfo run;
    run.id = s.int64(0);
    run.startedMicros = s.int64(1);
    run.finishedMicros = s.optionalInt64(2).value_or(0);
    run.handler = stringArray(s.text(3));
    run.status = s.textCopy(4);
    run.maxRetries = static_cast<int>(s.int64(5));
    run.bisect = s.int64(6) != 0;
    run.timeoutMs = s.int64(7);
    run.batchSize = s.int64(8);
    run.selectionJson = s.textCopy(9);
    run.batchCount = s.int64(10);
    run.recordCount = s.int64(11);
    run.succeeded = s.int64(12);
    run.discarded = s.int64(13);
    run.attemptCount = s.int64(14);
    const auto oversize = nlohmann::json::parse(s.text(15), nullptr, false);
    if (oversize.is_array()) {
        for (const auto& o : oversize) {
            OversizeInfo info;
            info.recordId = o.value("recordId", std::int64_t{0});
            info.table = o.value("table", std::string{});
            info.keyText = o.value("key", std::string{});
            info.sequenceNumber = o.value("sequenceNumber", std::string{});
            info.payloadBytes = o.value("payloadBytes", std::size_t{0});
            run.oversize.push_back(info);
        }
    }
    return run;
}

constexpr const char* kBatchSelect = "SELECT id, number, stream, table_name, payload_bytes, first_sequence, "
                                     "last_sequence, succeeded, discarded FROM replay_batches WHERE run_id=? "
                                     "ORDER BY number";

ReplayBatchInfo readBatchRow(const Statement& s)
{
    ReplayBatchInfo b;
    b.id = s.int64(0);
    b.number = static_cast<int>(s.int64(1));
    b.stream = s.textCopy(2);
    b.table = s.textCopy(3);
    b.payloadBytes = s.int64(4);
    b.firstSequenceNumber = s.textCopy(5);
    b.lastSequenceNumber = s.textCopy(6);
    b.succeeded = s.int64(7);
    b.discarded = s.int64(8);
    return b;
}

constexpr const char* kAttemptSelect =
    "SELECT number, range_begin, range_end, first_sequence, last_sequence, retry, after_bisect, verdict, reason, "
    "checkpoint, failed_identifiers, handler_end, exit_code, signal, duration_ms, stdout, stderr "
    "FROM replay_attempts WHERE batch_id=? ORDER BY number";

ReplayAttemptInfo readAttemptRow(const Statement& s)
{
    ReplayAttemptInfo info;
    info.number = static_cast<int>(s.int64(0));
    info.begin = s.int64(1);
    info.end = s.int64(2);
    info.firstSequenceNumber = s.textCopy(3);
    info.lastSequenceNumber = s.textCopy(4);
    info.retry = static_cast<int>(s.int64(5));
    info.afterBisect = s.int64(6) != 0;
    info.verdict = s.textCopy(7);
    info.reason = s.textCopy(8);
    info.checkpoint = s.textCopy(9);
    info.failedIdentifiers = stringArray(s.text(10));
    info.handlerEnd = s.textCopy(11);
    info.exitCode = static_cast<int>(s.int64(12));
    info.signal = static_cast<int>(s.int64(13));
    info.durationMs = s.int64(14);
    info.stdoutText = s.textCopy(15);
    info.stderrText = s.textCopy(16);
    return info;
}

constexpr const char* kRecordSelect = "SELECT record_id, table_name, key_text, keys_json, sequence_number, status, "
                                      "deliveries, reported_failures, settled_attempt, last_error FROM replay_records "
                                      "WHERE batch_id=? ORDER BY position";

ReplayRecordOutcome readRecordRow(const Statement& s)
{
    ReplayRecordOutcome o;
    o.recordId = s.int64(0);
    o.table = s.textCopy(1);
    o.keyText = s.textCopy(2);
    o.keysJson = s.textCopy(3);
    o.sequenceNumber = s.textCopy(4);
    o.status = parseStatus(s.text(5));
    o.deliveries = static_cast<int>(s.int64(6));
    o.reportedFailures = static_cast<int>(s.int64(7));
    o.settledAttempt = static_cast<int>(s.int64(8));
    o.lastError = s.textCopy(9);
    return o;
}

/// Steps `s` to its end, appending read(s) of every row to `rows`.
template<typename Row, typename Read>
std::optional<Error> appendRows(Statement& s, std::vector<Row>& rows, Read read)
{
    return s.forEachRow([&](const Statement& row) { rows.push_back(read(row)); });
}

/// Runs `s` again for `id` (its one parameter), appending its rows to `rows`.
template<typename Row, typename Read>
std::optional<Error> appendRowsFor(Statement& s, std::int64_t id, std::vector<Row>& rows, Read read)
{
    s.reset();
    s.bind(1, id);
    return appendRows(s, rows, read);
}

/// The lock file of run `runId` of the store at `storePath`, or "" when the store is no file.
std::string runLockPath(const std::string& storePath, std::int64_t runId)
{
    struct stat st
    {
    };
    if (storePath.empty() || ::stat(storePath.c_str(), &st) != 0)
        return {};
    return "/tmp/streamscope-replay-" + std::to_string(static_cast<unsigned long long>(st.st_dev)) + "-"
        + std::to_string(static_cast<unsigned long long>(st.st_ino)) + "-" + std::to_string(runId) + ".lock";
}

/// False when no process holds the run's lock any more (the lock file is gone or nobody locks it).
bool runOwnerAlive(const std::string& storePath, std::int64_t runId)
{
    const std::string path = runLockPath(storePath, runId);
    if (path.empty())
        return true; // cannot tell: keep "running"
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool locked = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
    return locked;
}

void markEndedRun(Database& db, ReplayRunInfo& run)
{
    if (run.status == "running" && !runOwnerAlive(db.path(), run.id))
        run.status = kRunEndedStatus;
}

} // namespace

ReplayRunLock::ReplayRunLock(const std::string& storePath, std::int64_t runId)
    : m_path(runLockPath(storePath, runId))
{
    if (m_path.empty())
        return;
    m_fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (m_fd >= 0 && ::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(m_fd);
        m_fd = -1;
    }
}

ReplayRunLock::~ReplayRunLock()
{
    if (m_fd < 0)
        return;
    ::unlink(m_path.c_str());
    ::close(m_fd);
}

std::optional<Error> insertReplayRun(Database& db, ReplayRunInfo& run)
{
    auto have = haveReplayTables(db);
    if (!have)
        return have.error();
    if (!*have)
        return Error{Error::Kind::ReadOnly, 0,
                     db.path()
                         + " uses an older store version without replay tables; open it once read-write to "
                           "upgrade it before recording a replay"};
    auto s =
        db.prepare("INSERT INTO replay_runs(started_micros, finished_micros, handler, status, max_retries, bisect, "
                   "timeout_ms, batch_size, selection, batches) VALUES(?,?,?,?,?,?,?,?,?,?)");
    if (!s)
        return s.error();
    const std::string handler =
        nlohmann::json(run.handler).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    s->bind(1, run.startedMicros);
    s->bindNull(2);
    s->bind(3, std::string_view(handler));
    s->bind(4, std::string_view(run.status));
    s->bind(5, run.maxRetries);
    s->bind(6, run.bisect ? 1 : 0);
    s->bind(7, run.timeoutMs);
    s->bind(8, run.batchSize);
    s->bind(9, std::string_view(run.selectionJson));
    s->bind(10, run.batchCount);
    if (auto e = s->run())
        return e;
    run.id = db.lastInsertRowId();
    return std::nullopt;
}

std::optional<Error> updateReplayRun(Database& db, const ReplayRunInfo& run)
{
    auto s = db.prepare("UPDATE replay_runs SET finished_micros=?, status=?, batches=?, records=?, succeeded=?, "
                        "discarded=?, attempts=?, oversize=? WHERE id=?");
    if (!s)
        return s.error();
    const std::string oversize = oversizeJson(run.oversize);
    if (run.finishedMicros)
        s->bind(1, run.finishedMicros);
    else
        s->bindNull(1);
    s->bind(2, std::string_view(run.status));
    s->bind(3, run.batchCount);
    s->bind(4, run.recordCount);
    s->bind(5, run.succeeded);
    s->bind(6, run.discarded);
    s->bind(7, run.attemptCount);
    s->bind(8, std::string_view(oversize));
    s->bind(9, run.id);
    return s->run();
}

std::optional<Error> saveReplayBatch(Database& db, std::int64_t runId, ReplayBatchInfo& batch)
{
    auto tx = Transaction::begin(db);
    if (!tx)
        return tx.error();
    {
        auto s = db.prepare("INSERT INTO replay_batches(run_id, number, stream, table_name, payload_bytes, "
                            "first_sequence, last_sequence, succeeded, discarded) VALUES(?,?,?,?,?,?,?,?,?)");
        if (!s)
            return s.error();
        s->bind(1, runId);
        s->bind(2, batch.number);
        s->bind(3, std::string_view(batch.stream));
        s->bind(4, std::string_view(batch.table));
        s->bind(5, batch.payloadBytes);
        s->bind(6, std::string_view(batch.firstSequenceNumber));
        s->bind(7, std::string_view(batch.lastSequenceNumber));
        s->bind(8, batch.succeeded);
        s->bind(9, batch.discarded);
        if (auto e = s->run())
            return e;
        batch.id = db.lastInsertRowId();
    }
    {
        auto s = db.prepare("INSERT INTO replay_attempts(batch_id, number, range_begin, range_end, first_sequence, "
                            "last_sequence, retry, after_bisect, verdict, reason, checkpoint, failed_identifiers, "
                            "handler_end, exit_code, signal, duration_ms, stdout, stderr) "
                            "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        if (!s)
            return s.error();
        for (const auto& a : batch.attempts) {
            const std::string failed = nlohmann::json(a.failedIdentifiers).dump();
            s->reset();
            s->bind(1, batch.id);
            s->bind(2, a.number);
            s->bind(3, a.begin);
            s->bind(4, a.end);
            s->bind(5, std::string_view(a.firstSequenceNumber));
            s->bind(6, std::string_view(a.lastSequenceNumber));
            s->bind(7, a.retry);
            s->bind(8, a.afterBisect ? 1 : 0);
            s->bind(9, std::string_view(a.verdict));
            s->bind(10, std::string_view(a.reason));
            s->bind(11, std::string_view(a.checkpoint));
            s->bind(12, std::string_view(failed), true);
            s->bind(13, std::string_view(a.handlerEnd));
            s->bind(14, a.exitCode);
            s->bind(15, a.signal);
            s->bind(16, a.durationMs);
            s->bind(17, std::string_view(a.stdoutText));
            s->bind(18, std::string_view(a.stderrText));
            if (auto e = s->run())
                return e;
        }
    }
    {
        auto s =
            db.prepare("INSERT INTO replay_records(batch_id, position, record_id, table_name, key_text, keys_json, "
                       "sequence_number, status, deliveries, reported_failures, settled_attempt, last_error) "
                       "VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
        if (!s)
            return s.error();
        std::int64_t position = 0;
        for (const auto& r : batch.records) {
            const std::string_view status = recordStatusName(r.status);
            s->reset();
            s->bind(1, batch.id);
            s->bind(2, position++);
            s->bind(3, r.recordId);
            s->bind(4, std::string_view(r.table));
            s->bind(5, std::string_view(r.keyText));
            s->bind(6, std::string_view(r.keysJson));
            s->bind(7, std::string_view(r.sequenceNumber));
            s->bind(8, status);
            s->bind(9, r.deliveries);
            s->bind(10, r.reportedFailures);
            s->bind(11, r.settledAttempt);
            s->bind(12, std::string_view(r.lastError));
            if (auto e = s->run())
                return e;
        }
    }
    return tx->commit();
}

Result<std::vector<ReplayRunInfo>> listReplayRuns(Database& db)
{
    std::vector<ReplayRunInfo> runs;
    auto have = haveReplayTables(db);
    if (!have)
        return have.error();
    if (!*have)
        return runs;
    auto s = db.prepare(std::string("SELECT ") + kRunColumns + " FROM replay_runs ORDER BY id DESC");
    if (!s)
        return s.error();
    if (auto error = appendRows(*s, runs, readRunRow))
        return *error;
    for (auto& run : runs)
        markEndedRun(db, run);
    return runs;
}

Result<std::optional<ReplayRunInfo>> loadReplayRun(Database& db, std::int64_t runId)
{
    auto have = haveReplayTables(db);
    if (!have)
        return have.error();
    if (!*have)
        return std::optional<ReplayRunInfo>{};
    auto runs = db.prepare(std::string("SELECT ") + kRunColumns + " FROM replay_runs WHERE id=?");
    auto batches = db.prepare(kBatchSelect);
    auto attempts = db.prepare(kAttemptSelect);
    auto records = db.prepare(kRecordSelect);
    for (const auto* statement : {&runs, &batches, &attempts, &records}) {
        if (!*statement)
            return statement->error();
    }
    std::vector<ReplayRunInfo> found;
    if (auto error = appendRowsFor(*runs, runId, found, readRunRow))
        return *error;
    if (found.empty())
        return std::optional<ReplayRunInfo>{};
    ReplayRunInfo& run = found.front();
    markEndedRun(db, run);
    if (auto error = appendRowsFor(*batches, runId, run.batches, readBatchRow))
        return *error;
    for (ReplayBatchInfo& b : run.batches) {
        if (auto error = appendRowsFor(*attempts, b.id, b.attempts, readAttemptRow))
            return *error;
        if (auto error = appendRowsFor(*records, b.id, b.records, readRecordRow))
            return *error;
    }
    return std::optional<ReplayRunInfo>(std::move(run));
}

} // namespace storage
