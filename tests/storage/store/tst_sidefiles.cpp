// SQLite side files beside a store (issue 16, item 2): a -journal or -wal that another database left, or a stale
// -wal from before the store was restored from a backup, is never replayed, checkpointed or rolled back into the
// store. Read-only and read-write opens refuse it with a message naming the side file and saying to move it aside
// (never "open it read-write, nothing is lost"); the store and the side file stay byte-identical (sha256). A side file
// the store's own interrupted write left is still recovered.
//
// Side files are made as a crash leaves them: the database and its -wal/-journal are copied while a raw SQLite
// connection holds an open transaction (journal) or has committed without a checkpoint (WAL).

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/genimport.h"
#include "storage/import/captureimporter.h"
#include "storage/reliabilitysupport.h"
#include "storage/store/sidefiles.h"
#include "storage/store/store.h"
#include "storage/store/walcheckpointer.h"
#include "testsupport.h"

namespace {

bool copyFile(const QString& from, const QString& to)
{
    QFile::remove(to);
    return QFile::copy(from, to) && QFile::setPermissions(to, QFile::ReadOwner | QFile::WriteOwner);
}

/// A Lambda event of `count` INSERTs with keys `prefix`0.. (~1 KB each).
QByteArray lambdaEvent(const std::string& prefix, int count, int firstSequence)
{
    nlohmann::json records = nlohmann::json::array();
    for (int i = 0; i < count; ++i) {
        nlohmann::json keys = {{"Id", {{"S", prefix + std::to_string(i)}}}};
        nlohmann::json image = keys;
        image["v"] = {{"S", std::string(1000, 'x')}};
        records.push_back(
            {{"eventID", prefix + std::to_string(i)},
             {"eventName", "INSERT"},
             {"eventVersion", "1.1"},
             {"eventSource", "aws:dynamodb"},
             {"awsRegion", "eu-west-1"},
             {"eventSourceARN", "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/stream/2024-01-01T00:00:00.000"},
             {"dynamodb",
              {{"Keys", keys},
               {"NewImage", image},
               {"SequenceNumber", std::to_string(firstSequence + i)},
               {"StreamViewType", "NEW_AND_OLD_IMAGES"}}}});
    }
    return QByteArray::fromStdString(nlohmann::json{{"Records", records}}.dump());
}

/// Imports `count` records (keys `prefix`N) into the store at `path` (created when missing), one Store::open each.
std::string importInto(const QString& dir, const QString& path, const std::string& prefix, int count, int firstSequence)
{
    const QString capture = dir + QStringLiteral("/capture-%1.json").arg(QString::fromStdString(prefix));
    QFile file(capture);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return "cannot write the capture";
    file.write(lambdaEvent(prefix, count, firstSequence));
    file.close();
    auto store = storage::Store::open(path.toStdString(), storage::Database::OpenMode::ReadWrite);
    if (!store)
        return store.error().message;
    return genimport::importFile(*store, capture.toStdString());
}

std::int64_t recordCount(const QString& path)
{
    auto store = storage::Store::open(path.toStdString(), storage::Database::OpenMode::ReadOnly);
    if (!store)
        return -1;
    auto count = store->database().queryInt("SELECT count(*) FROM records");
    return count ? *count : -1;
}

/// Copies `database` and its -wal to `copyPath` (+ "-wal") after `sql` committed on a raw connection that never
/// checkpoints: the files as a crash right after that commit leaves them.
bool copyWithHotWal(const QString& database, const char* sql, const QString& copyPath)
{
    sqlite3* db = nullptr;
    bool ok = sqlite3_open(database.toUtf8().constData(), &db) == SQLITE_OK;
    ok = ok
        && sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;", nullptr, nullptr, nullptr)
            == SQLITE_OK;
    ok = ok && sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    ok = ok && QFile::exists(database + QStringLiteral("-wal"));
    ok = ok && copyFile(database, copyPath) && copyFile(database + QStringLiteral("-wal"), copyPath + "-wal");
    sqlite3_close(db);
    return ok;
}

/// Copies `database`'s -journal to `journalCopy` while a transaction running `sql` (which spills pages to the file)
/// is open: the journal a crash in the middle of that write leaves. The database itself is rolled back.
/// Creates `database` (or writes to it) with `sql` in autocommit mode.
bool writeDatabase(const QString& database, const char* sql)
{
    sqlite3* db = nullptr;
    const bool ok = sqlite3_open(database.toUtf8().constData(), &db) == SQLITE_OK
        && sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

bool copyHotJournal(const QString& database, const char* sql, const QString& journalCopy)
{
    sqlite3* db = nullptr;
    bool ok = sqlite3_open(database.toUtf8().constData(), &db) == SQLITE_OK;
    ok = ok
        && sqlite3_exec(db, "PRAGMA journal_mode=DELETE; PRAGMA cache_size=2; BEGIN;", nullptr, nullptr, nullptr)
            == SQLITE_OK;
    ok = ok && sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    ok = ok && copyFile(database + QStringLiteral("-journal"), journalCopy);
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return ok;
}

/// Whether another process finds bytes [start, start + length) of `file` locked (F_GETLK in a child: a process
/// never sees its own locks that way).
bool lockedForAnotherProcess(const QString& file, off_t start, off_t length)
{
    const QByteArray name = file.toLocal8Bit();
    const pid_t child = ::fork();
    if (child == 0) {
        const int fd = ::open(name.constData(), O_RDONLY | O_CLOEXEC);
        struct flock lock
        {
        };
        lock.l_type = F_WRLCK;
        lock.l_whence = SEEK_SET;
        lock.l_start = start;
        lock.l_len = length;
        ::_exit(fd < 0 || ::fcntl(fd, F_GETLK, &lock) != 0 ? 2 : lock.l_type != F_UNLCK ? 0 : 1);
    }
    int status = 0;
    return child > 0 && ::waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// SQLite's unix VFS: the SHARED range of the database file every WAL connection holds a read lock on while open, and
// the -shm's dead man switch byte.
constexpr off_t kSharedFirst = 0x40000000 + 2;
constexpr off_t kSharedSize = 510;
constexpr off_t kShmDeadManSwitch = (22 + 8) * 4 + 8;

/// Descriptors this process has open.
int openDescriptors()
{
    return static_cast<int>(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}

constexpr const char* kBigWrite = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
                                  "INSERT INTO meta(name, value) SELECT 'pad-' || i, hex(randomblob(2000)) FROM n;";

} // namespace

class TestSideFiles : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_store;   ///< 40 records
    QString m_backup;  ///< a backup of m_store taken before more imports
    QString m_other;   ///< another Streamscope store (same page size, another history)
    QString m_foreign; ///< an SQLite database of another application (4096-byte pages)

    QString path(const QString& name) const { return m_dir.filePath(name); }

    /// A fresh copy of m_store named `name` with `sideFile` copied beside it as `suffix` ("-wal", "-journal").
    QString storeWith(const QString& name, const QString& sideFile, const QString& suffix)
    {
        const QString copy = path(name);
        QFile::remove(copy + QStringLiteral("-wal"));
        QFile::remove(copy + QStringLiteral("-journal"));
        if (!copyFile(m_store, copy) || !copyFile(sideFile, copy + suffix))
            return {};
        return copy;
    }

    /// Every open of `store` is refused naming `sideFile` with advice to move it, never advising a read-write open;
    /// the store and the side file stay byte-identical; with the side file moved aside, the store opens and holds
    /// `records` records.
    void expectRefused(const QString& store, const QString& sideFile, std::int64_t records)
    {
        const QByteArray storeBefore = testsupport::fileSha256(store);
        const QByteArray sideBefore = testsupport::fileSha256(sideFile);
        for (const auto mode : {storage::Database::OpenMode::ReadOnly, storage::Database::OpenMode::ReadWriteExisting,
                                storage::Database::OpenMode::ReadWrite}) {
            auto opened = storage::Store::open(store.toStdString(), mode);
            QVERIFY2(!opened, qPrintable(store + QStringLiteral(" was opened with the side file beside it")));
            const std::string message = opened.error().message;
            QVERIFY2(message.find(sideFile.toStdString()) != std::string::npos, message.c_str());
            QVERIFY2(message.find("does not belong") != std::string::npos, message.c_str());
            QVERIFY2(message.find("Move ") != std::string::npos, message.c_str());
            QVERIFY2(message.find("nothing is lost") == std::string::npos, message.c_str());
            QVERIFY2(message.find("open it once read-write") == std::string::npos, message.c_str());
            QCOMPARE(opened.error().kind, storage::Error::Kind::CannotOpen);
        }
        QCOMPARE(testsupport::fileSha256(store), storeBefore);
        QCOMPARE(testsupport::fileSha256(sideFile), sideBefore);
        QVERIFY(QFile::rename(sideFile, sideFile + QStringLiteral(".foreign")));
        QCOMPARE(recordCount(store), records);
        QCOMPARE(testsupport::fileSha256(sideFile + QStringLiteral(".foreign")), sideBefore);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = path(QStringLiteral("store.streamscope"));
        QCOMPARE(importInto(m_dir.path(), m_store, "a", 40, 1000), std::string());
        m_backup = path(QStringLiteral("backup.streamscope"));
        QVERIFY(copyFile(m_store, m_backup));
        QCOMPARE(importInto(m_dir.path(), m_store, "b", 30, 2000), std::string());
        QCOMPARE(importInto(m_dir.path(), m_store, "c", 30, 3000), std::string());
        QCOMPARE(recordCount(m_store), std::int64_t(100));
        QCOMPARE(QFileInfo(m_store + QStringLiteral("-wal")).size(), 0); // everything checkpointed

        m_other = path(QStringLiteral("other.streamscope"));
        QCOMPARE(importInto(m_dir.path(), m_other, "o", 400, 1000), std::string());
        for (int i = 0; i < 6; ++i)
            QCOMPARE(importInto(m_dir.path(), m_other, "p" + std::to_string(i), 5, 5000 + 10 * i), std::string());

        m_foreign = path(QStringLiteral("foreign.db"));
        QVERIFY(writeDatabase(m_foreign,
                              "PRAGMA page_size=4096; CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT); "
                              "INSERT INTO meta VALUES ('x', hex(randomblob(100000)));"));
    }

    // (a) A -journal another database left: rolled back, it would truncate the store; `info` advised a read-write
    // open ("committed data is not lost") that did exactly that.
    void foreignJournal()
    {
        const QString journal = path(QStringLiteral("foreign-journal"));
        QVERIFY(copyHotJournal(m_foreign, kBigWrite, journal));
        const QString store = storeWith(QStringLiteral("a1.streamscope"), journal, QStringLiteral("-journal"));
        QVERIFY(!store.isEmpty());
        expectRefused(store, store + QStringLiteral("-journal"), 100);
    }

    void journalOfAnotherStore()
    {
        // Same page size and application id: told apart by the change counter of its page 1 / its size.
        const QString work = path(QStringLiteral("other-journal-work.streamscope"));
        QVERIFY(copyFile(m_other, work));
        const QString journal = path(QStringLiteral("other-journal"));
        QVERIFY(copyHotJournal(work, kBigWrite, journal));
        const QString store = storeWith(QStringLiteral("a2.streamscope"), journal, QStringLiteral("-journal"));
        QVERIFY(!store.isEmpty());
        expectRefused(store, store + QStringLiteral("-journal"), 100);
    }

    // A store's creation killed while it committed (tst_crashsafety, a kill at ~110 ms): the file holds the pages of
    // its first transaction and the hot journal saved none (the file was empty). That journal is the store's own and
    // rolling it back (to the empty file) loses nothing committed; the same journal beside a store that was written
    // again is still refused.
    void journalOfAStoresKilledCreation()
    {
        const QString created = path(QStringLiteral("created.streamscope"));
        const QString journal = path(QStringLiteral("created-journal"));
        QVERIFY(copyHotJournal(created,
                               "PRAGMA application_id=1; CREATE TABLE a(x); CREATE TABLE b(x); "
                               "INSERT INTO a VALUES (hex(randomblob(40000)));",
                               journal));
        // The file as the killed commit left it: the transaction's pages written over the empty file.
        const QString killed = path(QStringLiteral("killed-create.streamscope"));
        QVERIFY(writeDatabase(killed,
                              "PRAGMA journal_mode=DELETE; BEGIN; PRAGMA application_id=1; CREATE TABLE a(x); "
                              "CREATE TABLE b(x); INSERT INTO a VALUES (hex(randomblob(40000))); COMMIT;"));
        QVERIFY(copyFile(journal, killed + QStringLiteral("-journal")));
        const auto verdict = storage::checkSideFiles(killed.toStdString());
        QVERIFY2(!verdict, verdict ? verdict->message.c_str() : "");

        // Beside a store that was written again (change counter past 1, WAL): refused.
        const QString store = storeWith(QStringLiteral("a3.streamscope"), journal, QStringLiteral("-journal"));
        QVERIFY(!store.isEmpty());
        expectRefused(store, store + QStringLiteral("-journal"), 100);
    }

    // (b) A -wal of another database (another page size): refused, and nothing checkpoints it into the store.
    void foreignWal()
    {
        const QString work = path(QStringLiteral("foreign-wal-work.db"));
        QVERIFY(copyFile(m_foreign, work));
        const QString copy = path(QStringLiteral("foreign-wal-copy.db"));
        QVERIFY(copyWithHotWal(work, "INSERT INTO meta VALUES ('y', hex(randomblob(50000)));", copy));
        const QString store = storeWith(QStringLiteral("b.streamscope"), copy + "-wal", QStringLiteral("-wal"));
        QVERIFY(!store.isEmpty());
        expectRefused(store, store + QStringLiteral("-wal"), 100);
    }

    // (c) The store restored from a backup while the -wal of the store as it was later remains.
    void staleWalAfterRestore()
    {
        const QString work = path(QStringLiteral("c-work.streamscope"));
        QVERIFY(copyFile(m_store, work));
        const QString crashed = path(QStringLiteral("c-crashed.streamscope"));
        QVERIFY(copyWithHotWal(work, kBigWrite, crashed));
        // The crashed store with its own -wal is recovered (positive control, on a copy of both).
        const QString control = path(QStringLiteral("c-control.streamscope"));
        QVERIFY(copyFile(crashed, control));
        QVERIFY(copyFile(crashed + QStringLiteral("-wal"), control + QStringLiteral("-wal")));
        QCOMPARE(recordCount(control), std::int64_t(100));
        // The backup restored over it; the -wal stays.
        const QString restored = path(QStringLiteral("c.streamscope"));
        QFile::remove(restored + QStringLiteral("-wal"));
        QVERIFY(copyFile(m_backup, restored));
        QVERIFY(copyFile(crashed + QStringLiteral("-wal"), restored + QStringLiteral("-wal")));
        expectRefused(restored, restored + QStringLiteral("-wal"), 40);
    }

    // (d) A -wal of another Streamscope store of the same page size: would be shown silently as this store's data.
    void walOfAnotherStoreSamePageSize()
    {
        const QString work = path(QStringLiteral("d-work.streamscope"));
        QVERIFY(copyFile(m_other, work));
        const QString copy = path(QStringLiteral("d-copy.streamscope"));
        QVERIFY(copyWithHotWal(work, "DELETE FROM records WHERE id > 10;", copy));
        const QString store = storeWith(QStringLiteral("d.streamscope"), copy + "-wal", QStringLiteral("-wal"));
        QVERIFY(!store.isEmpty());
        expectRefused(store, store + QStringLiteral("-wal"), 100);
    }

    // The store's own side files after a crash are still recovered: a hot -wal with committed frames, with and
    // without page 1 among them, and (tst_untrustedstore::interruptedWriteNeedsRecovery) a hot -journal.
    void ownSideFilesRecovered()
    {
        const QString work = path(QStringLiteral("own-work.streamscope"));
        QVERIFY(copyFile(m_store, work));
        const QString grown = path(QStringLiteral("own-grown.streamscope"));
        QVERIFY(copyWithHotWal(work, kBigWrite, grown));
        auto store = storage::Store::open(grown.toStdString(), storage::Database::OpenMode::ReadOnly);
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        QCOMPARE(*store->database().queryInt("SELECT count(*) FROM meta WHERE name LIKE 'pad-%'"), std::int64_t(300));

        const QString updated = path(QStringLiteral("own-updated.streamscope"));
        QVERIFY(copyWithHotWal(work, "UPDATE records SET event_id = 'changed' WHERE id = 5;", updated));
        auto again = storage::Store::open(updated.toStdString(), storage::Database::OpenMode::ReadWriteExisting);
        QVERIFY2(again, again ? "" : again.error().message.c_str());
        QCOMPARE(*again->database().queryInt("SELECT count(*) FROM records WHERE event_id = 'changed'"),
                 std::int64_t(1));
    }

    // The store kept in the folder of captures (with its side files) is left out of the import and said so, not
    // reported as "not a capture" (issue 16, item 10).
    void storeInTheImportedFolderIsLeftOut()
    {
        const QString folder = path(QStringLiteral("captures-with-store"));
        QVERIFY(QDir().mkpath(folder));
        QFile capture(folder + QStringLiteral("/orders.json"));
        QVERIFY(capture.open(QIODevice::WriteOnly));
        capture.write(lambdaEvent("f", 3, 7000));
        capture.close();
        const QString storePath = folder + QStringLiteral("/store.streamscope");
        auto store = storage::Store::open(storePath.toStdString(), storage::Database::OpenMode::ReadWrite);
        QVERIFY(store);
        const auto summary = storage::importCaptures(store->database(), {folder.toStdString()});
        QCOMPARE(summary.exitCode(), 0);
        QCOMPARE(summary.files.size(), std::size_t(1));
        QCOMPARE(summary.files.front().status, storage::FileImportResult::Status::Imported);
        QVERIFY(!summary.skippedInputs.empty());
        QVERIFY2(summary.skippedInputs.front().find("store.streamscope: the store itself") != std::string::npos,
                 summary.skippedInputs.front().c_str());
    }

    // A -wal in use by another connection of this process is not checked again (an importer writing while the GUI
    // opens a second connection).
    void walInUseIsNotChecked()
    {
        const QString live = path(QStringLiteral("live.streamscope"));
        QVERIFY(copyFile(m_store, live));
        auto writer = storage::Store::open(live.toStdString(), storage::Database::OpenMode::ReadWriteExisting);
        QVERIFY(writer);
        QVERIFY(!writer->database().exec("PRAGMA wal_autocheckpoint=0"));
        QVERIFY(!writer->database().exec(kBigWrite));
        auto reader = storage::Store::open(live.toStdString(), storage::Database::OpenMode::ReadOnly);
        QVERIFY2(reader, reader ? "" : reader.error().message.c_str());
        QCOMPARE(*reader->database().queryInt("SELECT count(*) FROM meta WHERE name LIKE 'pad-%'"), std::int64_t(300));
    }

    // Closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's included. The
    // importer's background checkpointer opened and closed the store file at every write-back tick: the writer's
    // SHARED lock went, another importer's closing connection took the EXCLUSIVE lock, checkpointed and deleted the
    // WAL this one still wrote to, and the store was corrupted (tst_concurrency twoImportersOneStore, "Page N is never
    // used"). What this process opens by hand on a store it has open is closed only after its last connection.
    void ownDescriptorsKeepTheLocks()
    {
        const QString live = path(QStringLiteral("locks.streamscope"));
        QVERIFY(copyFile(m_store, live));
        const int before = openDescriptors();
        {
            auto writer = storage::Store::open(live.toStdString(), storage::Database::OpenMode::ReadWriteExisting);
            QVERIFY(writer);
            QVERIFY(!writer->database().exec("PRAGMA wal_autocheckpoint=0"));
            QVERIFY(!writer->database().exec(kBigWrite));
            // What the test looks for is there to be lost: another process sees the locks.
            QVERIFY(lockedForAnotherProcess(live, kSharedFirst, kSharedSize));
            QVERIFY(lockedForAnotherProcess(live + QStringLiteral("-shm"), kShmDeadManSwitch, 1));
            {
                storage::BackgroundCheckpointer checkpointer(live.toStdString());
                QVERIFY(checkpointer.active());
                QTRY_VERIFY_WITH_TIMEOUT(checkpointer.writebackRequests().store >= 2, 30000);
                QVERIFY(lockedForAnotherProcess(live, kSharedFirst, kSharedSize));
            }
            QVERIFY2(lockedForAnotherProcess(live, kSharedFirst, kSharedSize),
                     "the checkpointer's end dropped the writer's SHARED lock");
            // A descriptor opened by hand on the store and on its -shm, closed through closeStoreDescriptor().
            storage::closeStoreDescriptor(live.toStdString(), ::open(live.toLocal8Bit().constData(), O_RDONLY));
            storage::closeStoreDescriptor(live.toStdString(),
                                          ::open((live + QStringLiteral("-shm")).toLocal8Bit().constData(), O_RDONLY));
            QVERIFY(lockedForAnotherProcess(live, kSharedFirst, kSharedSize));
            QVERIFY(lockedForAnotherProcess(live + QStringLiteral("-shm"), kShmDeadManSwitch, 1));
            QVERIFY(!writer->database().exec("UPDATE meta SET value = hex(randomblob(3000)) WHERE name LIKE 'pad-%'"));
            QCOMPARE(*writer->database().queryInt("SELECT count(*) FROM meta WHERE name LIKE 'pad-%'"),
                     std::int64_t(300));
        }
        // The kept descriptors went with the last connection.
        QCOMPARE(openDescriptors(), before);
        QVERIFY(!lockedForAnotherProcess(live, kSharedFirst, kSharedSize));
        QCOMPARE(reliability::integrityCheck(live.toStdString()), std::string("ok"));
    }
};

QTEST_GUILESS_MAIN(TestSideFiles)
#include "tst_sidefiles.moc"
