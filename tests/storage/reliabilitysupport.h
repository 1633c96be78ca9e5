#pragma once

// Helpers for the reliability tests (hostile inputs, crash safety, untrusted stores, concurrency): store
// snapshots to prove "nothing changed", integrity checks straight through SQLite, peak-RSS readings, and running
// the `streamscope` binary. Header-only; Qt Core + Qt Test + storage.

#include <QByteArray>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTest>
#include <cstdint>
#include <map>
#include <string>

#include <sqlite3.h>
#include <sys/resource.h>

#include "storage/store/database.h"
#include "storage/store/store.h"

namespace reliability {

/// Peak resident set size of this process so far, in MiB (VmHWM; ru_maxrss as a fallback).
inline double peakRssMiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : status.readAll().split('\n')) {
            if (line.startsWith("VmHWM:"))
                return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
        }
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

/// Current resident set size (VmRSS) in MiB.
inline double currentRssMiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : status.readAll().split('\n')) {
            if (line.startsWith("VmRSS:"))
                return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
        }
    }
    return 0;
}

/// Resets VmHWM to the current RSS (Linux: writing 5 to clear_refs), so a later peakRssMiB() measures one step.
inline bool resetPeakRss()
{
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    return clear.open(QIODevice::WriteOnly) && clear.write("5") == 1;
}

/// Peak RSS of the largest waited-for child process so far, in MiB.
inline double childrenPeakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

/// What a store holds, compared before/after an operation that must change nothing.
struct StoreSnapshot
{
    std::int64_t records = 0;
    std::int64_t keys = 0;
    std::int64_t tables = 0;
    std::int64_t sources = 0;
    std::int64_t duplicates = 0;
    std::int64_t conflicts = 0;
    std::int64_t sourceRows = 0; ///< every row of the sources table, whatever its status
    std::int64_t maxRecordId = 0;
    bool operator==(const StoreSnapshot&) const = default;
};

inline QString describe(const StoreSnapshot& s)
{
    return QStringLiteral("records=%1 keys=%2 tables=%3 sources=%4 duplicates=%5 conflicts=%6 sourceRows=%7 maxId=%8")
        .arg(s.records)
        .arg(s.keys)
        .arg(s.tables)
        .arg(s.sources)
        .arg(s.duplicates)
        .arg(s.conflicts)
        .arg(s.sourceRows)
        .arg(s.maxRecordId);
}

/// Takes a snapshot through the public Store API plus raw counts (an in-progress source row would be a leak).
inline storage::Result<StoreSnapshot> snapshot(storage::Store& store)
{
    auto totals = store.totals();
    if (!totals)
        return totals.error();
    StoreSnapshot s;
    s.records = totals->records;
    s.keys = totals->keys;
    s.tables = totals->tables;
    s.sources = totals->sources;
    s.duplicates = totals->duplicates;
    s.conflicts = totals->conflicts;
    auto rows = store.database().queryInt("SELECT count(*) FROM sources");
    if (!rows)
        return rows.error();
    s.sourceRows = *rows;
    auto maxId = store.database().queryInt("SELECT coalesce(max(id), 0) FROM records");
    if (!maxId)
        return maxId.error();
    s.maxRecordId = *maxId;
    return s;
}

/// `PRAGMA integrity_check` on its own read-only connection: "ok" or SQLite's complaint / the open error.
inline std::string integrityCheck(const std::string& path)
{
    auto db = storage::Database::open(path, storage::Database::OpenMode::ReadOnly);
    if (!db
        && (db.error().code == SQLITE_READONLY_ROLLBACK || db.error().code == SQLITE_READONLY_RECOVERY
            || db.error().code == SQLITE_READONLY_CANTINIT)) {
        // Killed in the middle of a write before WAL was on (a hot rollback journal): not damage, but only a
        // read-write connection may roll it back, as the user's next open does. The refusal must say so.
        if (db.error().message.find("must be recovered") == std::string::npos)
            return "unclear refusal: " + db.error().message;
        db = storage::Database::open(path, storage::Database::OpenMode::ReadWriteExisting);
    }
    if (!db)
        return "cannot open: " + db.error().message;
    auto statement = db->prepare("PRAGMA integrity_check");
    if (!statement)
        return statement.error().message;
    std::string result;
    while (true) {
        const storage::Step step = statement->step();
        if (step.error)
            return step.error->message;
        if (!step.row)
            break;
        if (!result.empty())
            result += '\n';
        result += statement->textCopy(0);
    }
    return result;
}

/// Records stored per source id (one scan: records.source_id has no index, so a per-source count would scan the
/// table once per source).
inline storage::Result<std::map<std::int64_t, std::int64_t>> recordsPerSource(storage::Database& db)
{
    auto statement = db.prepare("SELECT source_id, count(*) FROM records GROUP BY source_id");
    if (!statement)
        return statement.error();
    std::map<std::int64_t, std::int64_t> counts;
    while (true) {
        const storage::Step step = statement->step();
        if (step.error)
            return *step.error;
        if (!step.row)
            break;
        counts[statement->int64(0)] = statement->int64(1);
    }
    return counts;
}

inline QString binary()
{
    return QStringLiteral(STREAMSCOPE_BINARY);
}

/// Runs `streamscope <arguments>` to completion. Returns the exit code (-1 if it crashed or timed out).
inline int runStreamscope(const QStringList& arguments, QByteArray* out = nullptr, QByteArray* err = nullptr,
                          int timeoutMs = 600000)
{
    QProcess p;
    p.start(binary(), arguments);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return -1;
    }
    if (out)
        *out = p.readAllStandardOutput();
    if (err)
        *err = p.readAllStandardError();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

/// Sanitized builds (scripts/sanitize.sh sets STREAMSCOPE_SANITIZED=1) run slower: tests scale sizes by this.
inline bool sanitized()
{
    return qEnvironmentVariableIntValue("STREAMSCOPE_SANITIZED") != 0;
}

} // namespace reliability
