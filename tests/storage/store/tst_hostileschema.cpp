// Stores with a hostile schema (issue 16, item 4): before a store from elsewhere is used, its sqlite_schema is
// compared with the schema this build creates. A planted trigger (it ran on import and deleted records), a view in
// place of a table (an endless one: a query would never return), a generated column, an FTS virtual table as `keys`
// or an object Streamscope never creates is refused by every open, read-only and read-write, with the reason and
// without reading the data (the endless view would hang the test), and the file stays byte-identical.

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include "storage/genimport.h"
#include "storage/store/store.h"
#include "testsupport.h"

namespace {

QByteArray lambdaEvent(int count)
{
    nlohmann::json records = nlohmann::json::array();
    for (int i = 0; i < count; ++i) {
        nlohmann::json keys = {{"Id", {{"S", "k" + std::to_string(i)}}}};
        records.push_back(
            {{"eventID", "e" + std::to_string(i)},
             {"eventName", "INSERT"},
             {"eventVersion", "1.1"},
             {"eventSource", "aws:dynamodb"},
             {"awsRegion", "eu-west-1"},
             {"eventSourceARN", "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/stream/2024-01-01T00:00:00.000"},
             {"dynamodb",
              {{"Keys", keys},
               {"NewImage", keys},
               {"SequenceNumber", std::to_string(1000 + i)},
               {"StreamViewType", "NEW_AND_OLD_IMAGES"}}}});
    }
    return QByteArray::fromStdString(nlohmann::json{{"Records", records}}.dump());
}

/// Runs `sql` on a raw connection (defensive mode off, as another tool would) and leaves the file without a -wal.
bool plant(const QString& path, const char* sql)
{
    sqlite3* db = nullptr;
    bool ok = sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK;
    ok = ok && sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    if (!ok)
        qWarning("%s", sqlite3_errmsg(db));
    ok = ok && sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

std::int64_t rawCount(const QString& path, const char* sql)
{
    sqlite3* db = nullptr;
    std::int64_t count = -1;
    if (sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            count = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return count;
}

} // namespace

class TestHostileSchema : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_store; ///< a good store of 50 records
    QString m_capture;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_capture = m_dir.filePath(QStringLiteral("capture.json"));
        QFile file(m_capture);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(lambdaEvent(50));
        file.close();
        m_store = m_dir.filePath(QStringLiteral("good.streamscope"));
        auto store = storage::Store::open(m_store.toStdString(), storage::Database::OpenMode::ReadWrite);
        QVERIFY(store);
        QCOMPARE(genimport::importFile(*store, m_capture.toStdString()), std::string());
    }

    void refused_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("reason");
        QTest::addRow("trigger on records") << QStringLiteral(
            "CREATE TRIGGER wipe AFTER INSERT ON records BEGIN DELETE FROM records WHERE id < 1000; END;")
                                            << QStringLiteral("a trigger, wipe");
        QTest::addRow("trigger on meta") << QStringLiteral(
            "CREATE TRIGGER w2 BEFORE UPDATE ON meta BEGIN DELETE FROM records; END;")
                                         << QStringLiteral("a trigger, w2");
        QTest::addRow("endless view as keys")
            << QStringLiteral("DROP TABLE keys; CREATE VIEW keys AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
                              "SELECT i + 1 FROM n) SELECT i AS id, 1 AS table_id, 'x' AS canonical, 'x' AS display, "
                              "1 AS record_count, NULL AS first_time_us, NULL AS last_time_us FROM n;")
            << QStringLiteral("keys is a view, not a table");
        QTest::addRow("generated column")
            << QStringLiteral("ALTER TABLE records ADD COLUMN g TEXT GENERATED ALWAYS AS (printf('%.*c', 1000000000, "
                              "'x')) VIRTUAL;")
            << QStringLiteral("generated column (g)");
        QTest::addRow("fts4 virtual table as keys")
            << QStringLiteral("DROP TABLE keys; CREATE VIRTUAL TABLE keys USING fts4(id, table_id, canonical, display, "
                              "record_count, first_time_us, last_time_us);")
            << QStringLiteral("keys is a virtual table");
        QTest::addRow("table of another shape")
            << QStringLiteral("DROP TABLE duplicates; CREATE TABLE duplicates(id INTEGER PRIMARY KEY, x BLOB);")
            << QStringLiteral("duplicates does not have the columns");
        QTest::addRow("trigger on findings")
            << QStringLiteral("CREATE TRIGGER f1 AFTER INSERT ON findings BEGIN DELETE FROM records; END;")
            << QStringLiteral("a trigger, f1");
        QTest::addRow("findings of another shape")
            << QStringLiteral("DROP TABLE audit_coverage; CREATE TABLE audit_coverage(id INTEGER PRIMARY KEY, rules "
                              "TEXT);")
            << QStringLiteral("audit_coverage does not have the columns");
        QTest::addRow("object never created") << QStringLiteral("CREATE TABLE extra(x);")
                                              << QStringLiteral("table extra, which Streamscope never creates");
        // A store of version 6 is checked against version 6's indexes (a version-4 store against version 4's) ...
        QTest::addRow("version-4 event-ID index in a version-5 store")
            << QStringLiteral("DROP INDEX records_by_event_id; CREATE INDEX records_by_event_id ON records(event_id) "
                              "WHERE seq_sort IS NULL;")
            << QStringLiteral("index records_by_event_id does not have the columns");
        // ... and version 6's records_by_key (a version-5 store against version 5's).
        QTest::addRow("version-5 key index in a version-6 store")
            << QStringLiteral("DROP INDEX records_by_key; CREATE INDEX records_by_key ON records(key_id);")
            << QStringLiteral("index records_by_key does not have the columns");
        QTest::addRow("index never created")
            << QStringLiteral("CREATE INDEX records_by_raw ON records(raw);") << QStringLiteral("index records_by_raw");
    }

    void refused()
    {
        QFETCH(QString, sql);
        QFETCH(QString, reason);
        const QString path = m_dir.filePath(QStringLiteral("hostile.streamscope"));
        QFile::remove(path);
        QVERIFY(QFile::copy(m_store, path));
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner));
        QVERIFY(plant(path, sql.toUtf8().constData()));
        const QByteArray before = testsupport::fileSha256(path);
        for (const auto mode : {storage::Database::OpenMode::ReadOnly, storage::Database::OpenMode::ReadWriteExisting,
                                storage::Database::OpenMode::ReadWrite}) {
            auto store = storage::Store::open(path.toStdString(), mode);
            QVERIFY2(!store, "a store with a hostile schema was opened");
            const std::string message = store.error().message;
            QVERIFY2(message.find(path.toStdString()) != std::string::npos, message.c_str());
            QVERIFY2(message.find(reason.toStdString()) != std::string::npos, message.c_str());
            QCOMPARE(store.error().kind, storage::Error::Kind::NotAStore);
        }
        QCOMPARE(testsupport::fileSha256(path), before);
        QCOMPARE(rawCount(path, "SELECT count(*) FROM records"), std::int64_t(50));
        QFile::remove(path + QStringLiteral("-wal"));
        QFile::remove(path + QStringLiteral("-shm"));
    }

    // Tables without a store version (user_version 0): once advised "open it once read-write to upgrade it", which
    // then failed on the tables already there; refused in every mode with advice that works.
    void versionZeroWithTables()
    {
        const QString path = m_dir.filePath(QStringLiteral("version0.streamscope"));
        QFile::remove(path);
        QVERIFY(QFile::copy(m_store, path));
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner));
        QVERIFY(plant(path, "PRAGMA user_version = 0;"));
        const QByteArray before = testsupport::fileSha256(path);
        for (const auto mode : {storage::Database::OpenMode::ReadOnly, storage::Database::OpenMode::ReadWrite}) {
            auto store = storage::Store::open(path.toStdString(), mode);
            QVERIFY(!store);
            const std::string message = store.error().message;
            QVERIFY2(message.find("cannot be upgraded") != std::string::npos, message.c_str());
            QVERIFY2(message.find("read-write") == std::string::npos, message.c_str());
        }
        QCOMPARE(testsupport::fileSha256(path), before);
    }

    // A failed query says SQLite's reason, not the query's SQL (issue 16, item 10: raw SQL in messages).
    void queryErrorsCarryNoSql()
    {
        auto db = storage::Database::open(m_store.toStdString(), storage::Database::OpenMode::ReadOnly);
        QVERIFY(db);
        auto prepared = db->prepare("SELECT no_such_column FROM records");
        QVERIFY(!prepared);
        QVERIFY2(prepared.error().message.find("no such column") != std::string::npos,
                 prepared.error().message.c_str());
        QVERIFY2(prepared.error().message.find("SELECT") == std::string::npos, prepared.error().message.c_str());
        auto overflow = db->queryInt("SELECT abs(-9223372036854775807 - 1) FROM records");
        QVERIFY(!overflow);
        QVERIFY2(overflow.error().message.find("integer overflow") != std::string::npos,
                 overflow.error().message.c_str());
        QVERIFY2(overflow.error().message.find("SELECT") == std::string::npos, overflow.error().message.c_str());
    }

    // The good store and its copies open (the check refuses nothing this build made).
    void goodStoreOpens()
    {
        auto store = storage::Store::open(m_store.toStdString(), storage::Database::OpenMode::ReadOnly);
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        QCOMPARE(*store->database().queryInt("SELECT count(*) FROM records"), std::int64_t(50));
    }
};

QTEST_GUILESS_MAIN(TestHostileSchema)
#include "tst_hostileschema.moc"
