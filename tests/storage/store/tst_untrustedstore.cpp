// Untrusted stores (issue 7): a .streamscope file made elsewhere is opened with SQLite's defensive settings; a store
// of a newer schema, a damaged file or a file that is not a Streamscope store is refused with a clear message (never
// a crash, never "fixed" by writing to it); read-only opens work and write nothing.

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include "storage/import/captureimporter.h"
#include "storage/reliabilitysupport.h"
#include "storage/store/olderstoresupport.h"
#include "storage/store/schema.h"
#include "storage/store/store.h"
#include "testsupport.h"

using storage::Error;

Q_DECLARE_METATYPE(storage::Error::Kind)

namespace {

QString kindText(Error::Kind kind)
{
    switch (kind) {
    case Error::Kind::Sqlite:
        return QStringLiteral("Sqlite");
    case Error::Kind::CannotOpen:
        return QStringLiteral("CannotOpen");
    case Error::Kind::NotAStore:
        return QStringLiteral("NotAStore");
    case Error::Kind::Corrupt:
        return QStringLiteral("Corrupt");
    case Error::Kind::NewerVersion:
        return QStringLiteral("NewerVersion");
    case Error::Kind::ReadOnly:
        return QStringLiteral("ReadOnly");
    case Error::Kind::Interrupted:
        return QStringLiteral("Interrupted");
    case Error::Kind::InvalidArgument:
        return QStringLiteral("InvalidArgument");
    }
    return QStringLiteral("?");
}

/// Replaces the CREATE statement of `records` in sqlite_schema with text SQLite cannot parse, as a foreign tool could
/// (defensive mode off on this one raw connection only). Pages stay intact: only the schema text is wrong.
bool rewriteSchemaSql(const QString& path)
{
    sqlite3* db = nullptr;
    bool ok = sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK;
    ok = ok && sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 0, nullptr) == SQLITE_OK;
    ok = ok
        && sqlite3_exec(db,
                        "PRAGMA journal_mode=DELETE; PRAGMA writable_schema=ON; UPDATE sqlite_schema SET sql = "
                        "'CREATE TABLE records(' WHERE name = 'records'; PRAGMA writable_schema=OFF;",
                        nullptr, nullptr, nullptr)
            == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

/// Drops one of the replay tables a version-2 store must have, as a foreign tool could.
bool dropReplayTable(const QString& path)
{
    sqlite3* db = nullptr;
    bool ok = sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK;
    ok = ok && sqlite3_exec(db, "DROP TABLE replay_records", nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

} // namespace

class TestUntrustedStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_capture;
    QString m_goodStore; ///< a store with records, copied for each case

    QString copyOfGoodStore(const QString& name)
    {
        const QString path = m_dir.filePath(name);
        QFile::remove(path);
        if (!QFile::copy(m_goodStore, path))
            return {};
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
        return path;
    }

private Q_SLOTS:
    void initTestCase();
    void refusedFiles_data();
    void refusedFiles();
    void newerSchemaVersion();
    void olderSchemaVersionReadOnly();
    void corruptedDataPage();
    void readOnlyOpenWritesNothing();
    void defensiveSettings();
    void cliRefusesClearly();
    void interruptedWriteNeedsRecovery();
};

void TestUntrustedStore::initTestCase()
{
    REQUIRE_SHARED_DIR();
    QVERIFY(m_dir.isValid());
    m_capture = m_dir.filePath(QStringLiteral("capture"));
    QCOMPARE(testsupport::runGenerator({QStringLiteral("--seed"), QStringLiteral("41"), QStringLiteral("--records"),
                                        QStringLiteral("3000"), QStringLiteral("--keys"), QStringLiteral("300"),
                                        QStringLiteral("--out"), m_capture, QStringLiteral("--quiet")}),
             QString());
    m_goodStore = m_dir.filePath(QStringLiteral("good.streamscope"));
    {
        auto store = storage::Store::open(m_goodStore.toStdString());
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        const auto summary = storage::importCaptures(store->database(), {m_capture.toStdString()});
        QCOMPARE(summary.exitCode(), 0);
        // Fold the WAL into the main file so copies of it are complete stores.
        QVERIFY(!store->database().exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    QCOMPARE(QString::fromStdString(reliability::integrityCheck(m_goodStore.toStdString())), QStringLiteral("ok"));
}

void TestUntrustedStore::refusedFiles_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("corruptPage"); ///< >0: copy the good store and overwrite this 1-based page
    QTest::addColumn<QString>("messageContains");
    QTest::addColumn<QList<int>>("kinds"); ///< acceptable Error::Kind values

    QTest::addRow("text file") << QByteArray("this is just a text file, not a database\n") << 0
                               << QStringLiteral("not a Streamscope store") << QList<int>{int(Error::Kind::NotAStore)};
    QTest::addRow("capture JSON named .streamscope")
        << QByteArray(R"({"Records":[]})") << 0 << QStringLiteral("not a Streamscope store")
        << QList<int>{int(Error::Kind::NotAStore)};
    QTest::addRow("truncated SQLite header") << QByteArray("SQLite format 3\0\x10\0", 19) << 0 << QString()
                                             << QList<int>{int(Error::Kind::NotAStore), int(Error::Kind::Corrupt)};
    QTest::addRow("header page overwritten")
        << QByteArray() << 1 << QString() << QList<int>{int(Error::Kind::NotAStore), int(Error::Kind::Corrupt)};
    QTest::addRow("schema page overwritten")
        << QByteArray() << -1 << QString() << QList<int>{int(Error::Kind::NotAStore), int(Error::Kind::Corrupt)};
    QTest::addRow("schema SQL rewritten")
        << QByteArray() << -2 << QStringLiteral("malformed database schema") << QList<int>{int(Error::Kind::Corrupt)};
    QTest::addRow("replay table missing") << QByteArray() << -3 << QStringLiteral("without its table replay_records")
                                          << QList<int>{int(Error::Kind::NotAStore)};
}

void TestUntrustedStore::refusedFiles()
{
    QFETCH(QByteArray, content);
    QFETCH(int, corruptPage);
    QFETCH(QString, messageContains);
    QFETCH(QList<int>, kinds);
    QString path;
    if (corruptPage == 0) {
        path = m_dir.filePath(QStringLiteral("refused.streamscope"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(content);
    } else {
        path = copyOfGoodStore(QStringLiteral("refused.streamscope"));
        QVERIFY(!path.isEmpty());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        if (corruptPage == -2) {
            file.close();
            QVERIFY(rewriteSchemaSql(path));
        } else if (corruptPage == -3) {
            file.close();
            QVERIFY(dropReplayTable(path));
        } else if (corruptPage == 1) {
            file.seek(0);
            file.write(QByteArray(100, '\x5a')); // the 100-byte database header
        } else {
            file.seek(100); // page 1 after the header: the sqlite_schema b-tree page
            file.write(QByteArray(3000, '\xa5'));
        }
    }
    const QByteArray before = testsupport::fileSha256(path);
    for (auto mode : {storage::Database::OpenMode::ReadWrite, storage::Database::OpenMode::ReadWriteExisting,
                      storage::Database::OpenMode::ReadOnly}) {
        auto store = storage::Store::open(path.toStdString(), mode);
        QVERIFY2(!store, "a file that is not a usable store was opened");
        const Error& error = store.error();
        const QString message = QString::fromStdString(error.message);
        QVERIFY2(kinds.contains(int(error.kind)), qPrintable(kindText(error.kind) + QStringLiteral(": ") + message));
        // Every refusal names the file and says what is wrong with it (never SQLite's bare message).
        QVERIFY2(message.contains(path), qPrintable(QStringLiteral("message does not name the file: ") + message));
        const QString reason =
            error.kind == Error::Kind::Corrupt ? QStringLiteral("damaged") : QStringLiteral("not a Streamscope store");
        QVERIFY2(message.contains(reason, Qt::CaseInsensitive),
                 qPrintable(QStringLiteral("message does not say \"%1\": %2").arg(reason, message)));
        if (!messageContains.isEmpty())
            QVERIFY2(message.contains(messageContains, Qt::CaseInsensitive), qPrintable(message));
    }
    QCOMPARE(testsupport::fileSha256(path), before); // refusing never writes
}

void TestUntrustedStore::newerSchemaVersion()
{
    const QString path = copyOfGoodStore(QStringLiteral("newer.streamscope"));
    {
        auto db = storage::Database::open(path.toStdString(), storage::Database::OpenMode::ReadWriteExisting);
        QVERIFY(db);
        QVERIFY(!db->exec("PRAGMA user_version = " + std::to_string(storage::kSchemaVersion + 1)));
        QVERIFY(!db->exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    const QByteArray before = testsupport::fileSha256(path);
    for (auto mode : {storage::Database::OpenMode::ReadWrite, storage::Database::OpenMode::ReadOnly}) {
        auto store = storage::Store::open(path.toStdString(), mode);
        QVERIFY2(!store, "a store of a newer schema was opened");
        QCOMPARE(kindText(store.error().kind), kindText(Error::Kind::NewerVersion));
        QVERIFY2(QString::fromStdString(store.error().message).contains(QStringLiteral("newer"), Qt::CaseInsensitive),
                 store.error().message.c_str());
    }
    QCOMPARE(testsupport::fileSha256(path), before);
}

void TestUntrustedStore::olderSchemaVersionReadOnly()
{
    // A store of the previous version (no replay tables) opened read-only is read as it is, never migrated: the
    // library and the CLI's read-only commands work, replay lists no runs, and the file is not modified.
    const QString path = copyOfGoodStore(QStringLiteral("older.streamscope"));
    QVERIFY(!path.isEmpty());
    QCOMPARE(olderstore::toVersion1(path.toStdString()), QString());
    const QByteArray before = testsupport::fileSha256(path);
    {
        auto store = storage::Store::open(path.toStdString(), storage::Database::OpenMode::ReadOnly);
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        QCOMPARE(*storage::schemaVersion(store->database()), 1);
        auto totals = store->totals();
        QVERIFY(totals);
        QCOMPARE(totals->records, 3000);
    }
    QByteArray out;
    QByteArray err;
    QCOMPARE(reliability::runStreamscope(
                 {QStringLiteral("replay"), QStringLiteral("--store"), path, QStringLiteral("--list")}, &out, &err),
             0);
    QVERIFY2(out.contains("no replay runs recorded"), out.constData());
    QCOMPARE(reliability::runStreamscope({QStringLiteral("replay"), QStringLiteral("--store"), path,
                                          QStringLiteral("--show"), QStringLiteral("1")},
                                         &out, &err),
             2);
    QVERIFY2(err.contains("no replay run 1 in the store"), err.constData());
    QCOMPARE(reliability::runStreamscope(
                 {QStringLiteral("info"), QStringLiteral("--store"), path, QStringLiteral("--json")}, &out, &err),
             0);
    QVERIFY2(out.contains("\"schemaVersion\": 1"), out.constData());
    QCOMPARE(testsupport::fileSha256(path), before);
}

void TestUntrustedStore::corruptedDataPage()
{
    // Damage deep inside the records table may not be visible at open (a full check would make opening a big store
    // slow); then every read or write that touches it must fail with an Error, never crash or return made-up rows,
    // and an import must stop with a store error without making things worse.
    const QString path = copyOfGoodStore(QStringLiteral("damaged.streamscope"));
    const qint64 size = QFileInfo(path).size();
    QVERIFY(size > 64 * 4096);
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        for (qint64 page = 8; page * 4096 < size; page += 7) { // damage every 7th page past the first ones
            file.seek(page * 4096 + 8);
            file.write(QByteArray(4000, '\xee'));
        }
    }
    auto store = storage::Store::open(path.toStdString(), storage::Database::OpenMode::ReadOnly);
    if (!store) {
        QVERIFY2(store.error().kind == Error::Kind::Corrupt || store.error().kind == Error::Kind::NotAStore,
                 store.error().message.c_str());
        return;
    }
    // Read everything through the public API: an Error (Corrupt) is fine, a crash or an exception is not.
    int errors = 0;
    auto totals = store->totals();
    errors += totals ? 0 : 1;
    auto ids = store->recordIds(storage::RecordFilter{}, storage::RecordOrder::Sequence);
    if (ids) {
        for (std::size_t i = 0; i < ids->size(); i += 64) {
            const std::span<const std::int64_t> slice(ids->data() + i, std::min<std::size_t>(64, ids->size() - i));
            auto rows = store->recordsByIds(slice, true);
            if (!rows) {
                ++errors;
                QVERIFY2(rows.error().kind == Error::Kind::Corrupt, rows.error().message.c_str());
                break;
            }
            for (const auto& row : *rows)
                (void)storage::toStreamRecord(row);
        }
    } else {
        ++errors;
        QVERIFY2(ids.error().kind == Error::Kind::Corrupt, ids.error().message.c_str());
    }
    const auto scan = store->forEachKeyHistory({}, [](storage::KeyHistory&) { return true; });
    errors += scan ? 1 : 0;
    QVERIFY2(errors > 0, "every read of a damaged store succeeded: the damage went unnoticed");
    QVERIFY(reliability::integrityCheck(path.toStdString()) != "ok");
}

void TestUntrustedStore::readOnlyOpenWritesNothing()
{
    const QString path = copyOfGoodStore(QStringLiteral("readonly.streamscope"));
    const QByteArray before = testsupport::fileSha256(path);
    {
        auto store = storage::Store::open(path.toStdString(), storage::Database::OpenMode::ReadOnly);
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        QVERIFY(store->isReadOnly());
        auto totals = store->totals();
        QVERIFY(totals);
        QCOMPARE(totals->records, 3000);
        auto keys = store->keys(storage::KeyQuery{});
        QVERIFY(keys);
        QVERIFY(!keys->keys.empty());
        // Writes are refused with a reason.
        const auto summary = storage::importCaptures(store->database(), {m_capture.toStdString()});
        QVERIFY2(summary.storeError.has_value() || summary.exitCode() != 0,
                 "an import into a read-only store succeeded");
        const auto error = store->database().exec("DELETE FROM records");
        QVERIFY(error.has_value());
        QVERIFY2(error->kind == Error::Kind::ReadOnly || error->code == 8 /* SQLITE_READONLY */,
                 error->message.c_str());
    }
    QCOMPARE(testsupport::fileSha256(path), before);
    QVERIFY(!QFileInfo::exists(path + QStringLiteral("-journal")));

    // A missing file is not created by a read-only open.
    const QString missing = m_dir.filePath(QStringLiteral("missing.streamscope"));
    auto store = storage::Store::open(missing.toStdString(), storage::Database::OpenMode::ReadOnly);
    QVERIFY(!store);
    QCOMPARE(kindText(store.error().kind), kindText(Error::Kind::CannotOpen));
    QVERIFY(!QFileInfo::exists(missing));
}

void TestUntrustedStore::defensiveSettings()
{
    const QString path = copyOfGoodStore(QStringLiteral("defensive.streamscope"));
    auto store = storage::Store::open(path.toStdString());
    QVERIFY(store);
    auto trusted = store->database().queryInt("PRAGMA trusted_schema");
    QVERIFY(trusted);
    QCOMPARE(*trusted, 0);
    // SQLITE_DBCONFIG_DEFENSIVE: the schema cannot be edited behind SQLite's back.
    const auto writable = store->database().exec(
        "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = 'CREATE TABLE records(x)' WHERE name = 'records'");
    QVERIFY2(writable.has_value(), "the schema could be rewritten: SQLITE_DBCONFIG_DEFENSIVE is off");
    QCOMPARE(QString::fromStdString(reliability::integrityCheck(path.toStdString())), QStringLiteral("ok"));
}

void TestUntrustedStore::cliRefusesClearly()
{
    // The CLI names the file and the reason and exits 4 (store error); it never writes a file it refused.
    const QString path = m_dir.filePath(QStringLiteral("cli-not-a-store.streamscope"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("not a database at all\n");
    }
    const QByteArray before = testsupport::fileSha256(path);
    const QString out = m_dir.filePath(QStringLiteral("cli-export"));
    // One command per way the CLI opens a store (import, info, the query commands, export/replay's selection).
    for (const QStringList& arguments :
         {QStringList{QStringLiteral("info"), QStringLiteral("--store"), path},
          QStringList{QStringLiteral("import"), QStringLiteral("--store"), path, QStringLiteral("--no-progress"),
                      m_capture},
          QStringList{QStringLiteral("keys"), QStringLiteral("--store"), path},
          QStringList{QStringLiteral("export"), QStringLiteral("--store"), path, QStringLiteral("--out"), out}}) {
        QByteArray err;
        const int code = reliability::runStreamscope(arguments, nullptr, &err);
        QVERIFY2(code == 4,
                 qPrintable(arguments.first() + QStringLiteral(": exit %1: ").arg(code) + QString::fromUtf8(err)));
        QVERIFY2(err.contains("not a Streamscope store"), err.constData());
        // "streamscope CMD: PATH is not a Streamscope store (...)": the command once, the file named once.
        QVERIFY2(err.startsWith(QStringLiteral("streamscope %1: ").arg(arguments.first()).toUtf8()), err.constData());
        QVERIFY2(err.count(path.toUtf8()) == 1, err.constData());
        QVERIFY(!QFileInfo::exists(out));
    }
    QCOMPARE(testsupport::fileSha256(path), before);
}

void TestUntrustedStore::interruptedWriteNeedsRecovery()
{
    // A write interrupted before WAL was on leaves a hot rollback journal. Made here by copying the database and
    // its journal while a transaction that spilled pages to the file is still open (the copy holds no lock).
    const QString live = m_dir.filePath(QStringLiteral("live.db"));
    const QString copy = m_dir.filePath(QStringLiteral("interrupted.streamscope"));
    sqlite3* db = nullptr;
    QCOMPARE(sqlite3_open(live.toUtf8().constData(), &db), SQLITE_OK);
    auto exec = [&](const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); };
    QCOMPARE(exec("PRAGMA journal_mode=DELETE; PRAGMA cache_size=2; CREATE TABLE t(x); INSERT INTO t VALUES (1);"),
             SQLITE_OK);
    QCOMPARE(exec("BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
                  "INSERT INTO t SELECT randomblob(200) FROM n;"),
             SQLITE_OK);
    QVERIFY(QFile::exists(live + QStringLiteral("-journal")));
    QVERIFY(QFile::copy(live, copy));
    QVERIFY(QFile::copy(live + QStringLiteral("-journal"), copy + QStringLiteral("-journal")));
    exec("ROLLBACK");
    sqlite3_close(db);

    // Read-only: refused with a message that names the file and says what to do (not "damaged").
    auto readOnly = storage::Database::open(copy.toStdString(), storage::Database::OpenMode::ReadOnly);
    QVERIFY(!readOnly);
    const std::string message = readOnly.error().message;
    QVERIFY2(message.find(copy.toStdString()) != std::string::npos, message.c_str());
    QVERIFY2(message.find("must be recovered") != std::string::npos, message.c_str());
    QVERIFY2(message.find("damaged") == std::string::npos, message.c_str());

    // Read-write finishes the recovery: the interrupted transaction is gone, the committed row is there.
    auto readWrite = storage::Database::open(copy.toStdString(), storage::Database::OpenMode::ReadWriteExisting);
    QVERIFY2(readWrite, readWrite ? "" : readWrite.error().message.c_str());
    auto rows = readWrite->queryInt("SELECT count(*) FROM t");
    QVERIFY(rows);
    QCOMPARE(*rows, std::int64_t(1));
}

QTEST_GUILESS_MAIN(TestUntrustedStore)
#include "tst_untrustedstore.moc"
