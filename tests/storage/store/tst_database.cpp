// Database wrapper, schema creation/versioning, refusal of foreign files, read-only open, defensive settings,
// interrupt, and WAL concurrency (a reader while a writer transaction is open).

#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <sqlite3.h>

#include "storage/import/importwriter.h"
#include "storage/store/database.h"
#include "storage/store/olderstoresupport.h"
#include "storage/store/readsnapshot.h"
#include "storage/store/schema.h"
#include "storage/store/store.h"
#include "storage/storetestutil.h"

using namespace storage;

class TestDatabase : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string path(const char* name) const
    {
        return (m_dir.path() + QLatin1Char('/') + QLatin1String(name)).toStdString();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void createsSchema()
    {
        const std::string file = path("new.streamscope");
        auto store = Store::open(file);
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        Database& db = store->database();
        QCOMPARE(*db.queryInt("PRAGMA user_version"), std::int64_t{kSchemaVersion});
        QCOMPARE(*db.queryInt("PRAGMA application_id"), std::int64_t{kApplicationId});
        QCOMPARE(*db.queryInt("PRAGMA foreign_keys"), std::int64_t{1});
        QCOMPARE(*db.queryInt("PRAGMA trusted_schema"), std::int64_t{0});
        QCOMPARE(*db.queryInt("PRAGMA synchronous"), std::int64_t{1}); // NORMAL
        QCOMPARE(*db.queryInt("PRAGMA page_size"), std::int64_t{kStorePageSize});
        auto journal = db.prepare("PRAGMA journal_mode");
        QVERIFY(journal);
        QVERIFY(journal->step().row);
        QCOMPARE(journal->text(0), std::string_view("wal"));
        int defensive = -1;
        sqlite3_db_config(db.handle(), SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);
        QCOMPARE(defensive, 1);
        // STRICT tables: a text in an INTEGER column is refused.
        QVERIFY(db.exec("INSERT INTO ddb_tables(name, record_count) VALUES ('x', 'not a number')").has_value());
        // Reopening an up-to-date store changes nothing.
        auto again = Store::open(file);
        QVERIFY(again);
        QCOMPARE(*again->database().queryInt("PRAGMA user_version"), std::int64_t{kSchemaVersion});
    }

    // A store created with another page size (an older build's 4 KiB) keeps it, opens and takes writes.
    void otherPageSizeKept()
    {
        const std::string file = path("pages4k.streamscope");
        sqlite3* raw = nullptr;
        QCOMPARE(sqlite3_open(file.c_str(), &raw), SQLITE_OK);
        QCOMPARE(sqlite3_exec(raw, "PRAGMA page_size=4096; VACUUM;", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(raw);
        auto store = Store::open(file);
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        Database& db = store->database();
        QCOMPARE(*db.queryInt("PRAGMA page_size"), std::int64_t{4096});
        QCOMPARE(*db.queryInt("PRAGMA user_version"), std::int64_t{kSchemaVersion});
        QVERIFY(!db.exec("INSERT INTO ddb_tables(name) VALUES ('t')"));
        auto again = Store::open(file);
        QVERIFY(again);
        QCOMPARE(*again->database().queryInt("SELECT count(*) FROM ddb_tables"), std::int64_t{1});
        QCOMPARE(*again->database().queryInt("PRAGMA page_size"), std::int64_t{4096});
    }

    void newerVersionRefused()
    {
        const std::string file = path("newer.streamscope");
        {
            auto store = Store::open(file);
            QVERIFY(store);
            QVERIFY(!store->database().exec("PRAGMA user_version = 99"));
        }
        for (auto mode : {Database::OpenMode::ReadWrite, Database::OpenMode::ReadOnly}) {
            auto store = Store::open(file, mode);
            QVERIFY(!store);
            QCOMPARE(store.error().kind, Error::Kind::NewerVersion);
            QVERIFY2(store.error().message.find("newer Streamscope") != std::string::npos,
                     store.error().message.c_str());
        }
    }

    void foreignFilesRefused_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<bool>("sqliteOfOtherApp");
        QTest::addRow("text file") << QByteArray("hello, this is not a database\n") << false;
        QTest::addRow("json capture") << QByteArray(R"({"Records":[]})") << false;
        QByteArray noise(8192, '\0');
        for (int i = 0; i < noise.size(); ++i)
            noise[i] = static_cast<char>((i * 7919) % 251);
        QTest::addRow("binary noise") << noise << false;
        QTest::addRow("other application's sqlite") << QByteArray() << true;
    }

    void foreignFilesRefused()
    {
        QFETCH(QByteArray, content);
        QFETCH(bool, sqliteOfOtherApp);
        const std::string file = path(QTest::currentDataTag());
        if (sqliteOfOtherApp) {
            auto db = Database::open(file, Database::OpenMode::ReadWrite);
            QVERIFY(db);
            QVERIFY(!db->exec("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)"));
        } else {
            std::ofstream out(file, std::ios::binary);
            out.write(content.constData(), content.size());
        }
        std::ifstream before(file, std::ios::binary);
        const std::string beforeBytes((std::istreambuf_iterator<char>(before)), std::istreambuf_iterator<char>());
        for (auto mode : {Database::OpenMode::ReadWrite, Database::OpenMode::ReadOnly}) {
            auto store = Store::open(file, mode);
            QVERIFY(!store);
            QCOMPARE(store.error().kind, Error::Kind::NotAStore);
            QVERIFY2(store.error().message.find("not a Streamscope store") != std::string::npos,
                     store.error().message.c_str());
        }
        if (!sqliteOfOtherApp) { // refusing must not modify the file
            std::ifstream after(file, std::ios::binary);
            const std::string afterBytes((std::istreambuf_iterator<char>(after)), std::istreambuf_iterator<char>());
            QVERIFY(afterBytes == beforeBytes);
        }
    }

    void missingFile()
    {
        const std::string file = path("does-not-exist.streamscope");
        for (auto mode : {Database::OpenMode::ReadOnly, Database::OpenMode::ReadWriteExisting}) {
            auto store = Store::open(file, mode);
            QVERIFY(!store);
            QCOMPARE(store.error().kind, Error::Kind::CannotOpen);
        }
        QVERIFY(!QFile::exists(QString::fromStdString(file)));
    }

    void symlinkLoopNamed()
    {
        // A store path that is a symbolic link loop is said to be one, not "does not exist", in every mode.
        const std::string a = path("loop-a.streamscope");
        const std::string b = path("loop-b.streamscope");
        QVERIFY(QFile::link(QString::fromStdString(b), QString::fromStdString(a)));
        QVERIFY(QFile::link(QString::fromStdString(a), QString::fromStdString(b)));
        for (auto mode :
             {Database::OpenMode::ReadOnly, Database::OpenMode::ReadWriteExisting, Database::OpenMode::ReadWrite}) {
            auto store = Store::open(a, mode);
            QVERIFY(!store);
            QVERIFY2(store.error().message.find("does not exist") == std::string::npos, store.error().message.c_str());
            QVERIFY2(store.error().message.find("symbolic links") != std::string::npos, store.error().message.c_str());
        }
    }

    void folderRefused()
    {
        // A folder given as the store (easy to do on the command line) is named as such, in every mode.
        const std::string folder = path("a-folder");
        QVERIFY(QDir().mkpath(QString::fromStdString(folder)));
        for (auto mode :
             {Database::OpenMode::ReadOnly, Database::OpenMode::ReadWriteExisting, Database::OpenMode::ReadWrite}) {
            auto store = Store::open(folder, mode);
            QVERIFY(!store);
            QCOMPARE(store.error().kind, Error::Kind::CannotOpen);
            QVERIFY2(store.error().message.find("is a folder") != std::string::npos, store.error().message.c_str());
        }
        QVERIFY(QDir(QString::fromStdString(folder)).isEmpty());
    }

    void readOnlyOpen()
    {
        const std::string file = path("readonly.streamscope");
        {
            auto store = Store::open(file);
            QVERIFY(store);
            storetest::Spec spec;
            spec.sequenceNumber = storetest::seq(1);
            spec.newImage = R"({"Id":{"N":"1"}})";
            QCOMPARE(storetest::writeSource(store->database(), "a.json", {spec}), std::string());
        }
        auto store = Store::open(file, Database::OpenMode::ReadOnly);
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        QVERIFY(store->isReadOnly());
        auto totals = store->totals();
        QVERIFY(totals);
        QCOMPARE(totals->records, std::int64_t{1});
        auto writer = ImportWriter::create(store->database());
        QVERIFY(!writer);
        QCOMPARE(writer.error().kind, Error::Kind::ReadOnly);
        auto error = store->database().exec("DELETE FROM records");
        QVERIFY(error.has_value());
        QCOMPARE(error->kind, Error::Kind::ReadOnly);
    }

    // A writable connection empties the write-ahead log when it closes, also when a read-only connection stays open
    // (the last to close, which cannot): otherwise every later open reads the whole log through (checkSideFiles).
    // With a reader inside a read transaction it does not wait for it, and the log stays.
    void writerClosingEmptiesTheLog()
    {
        const std::string file = path("closing.streamscope");
        const auto walSize = [&file]() {
            std::error_code ec;
            const auto size = std::filesystem::file_size(file + "-wal", ec);
            return ec ? std::uintmax_t{0} : size;
        };
        const auto write = [&file](int first) {
            auto store = Store::open(file);
            if (!store)
                return store.error().message;
            std::vector<storetest::Spec> specs;
            for (int i = first; i < first + 200; ++i) {
                storetest::Spec spec;
                spec.keys = storetest::idKeys(i);
                spec.sequenceNumber = storetest::seq(i);
                spec.newImage = spec.keys;
                specs.push_back(spec);
            }
            return storetest::writeSource(store->database(), "s" + std::to_string(first) + ".json", specs);
        };
        auto reader = Store::open(file, Database::OpenMode::ReadWrite); // creates the store
        QVERIFY(reader);
        reader = Store::open(file, Database::OpenMode::ReadOnly);
        QVERIFY2(reader, reader ? "" : reader.error().message.c_str());
        QCOMPARE(write(1), std::string());
        QCOMPARE(walSize(), std::uintmax_t{0});
        QCOMPARE(reader->totals()->records, std::int64_t{200});
        {
            auto snapshot = storage::ReadSnapshot::begin(reader->database()); // a read transaction held open
            QVERIFY(snapshot);
            QCOMPARE(reader->totals()->records, std::int64_t{200});
            QElapsedTimer timer;
            timer.start();
            QCOMPARE(write(1000), std::string());
            QVERIFY(timer.elapsed() < 9000); // no wait for the reader: the busy timeout is 10 s
            QVERIFY(walSize() > 0);
            QCOMPARE(reader->totals()->records, std::int64_t{200}); // the snapshot still reads the log's older state
        }
        QCOMPARE(reader->totals()->records, std::int64_t{400});
    }

    // ---- version 2: the replay tables joined the versioned schema ----------------------------------------------

    /// A store with one record, closed; `name` is its file.
    std::string storeWithRecord(const std::string& name)
    {
        const std::string file = path(name.c_str());
        auto store = Store::open(file);
        if (!store)
            return {};
        storetest::Spec spec;
        spec.sequenceNumber = storetest::seq(1);
        spec.newImage = R"({"Id":{"N":"1"}})";
        if (!storetest::writeSource(store->database(), "a.json", {spec}).empty())
            return {};
        return file;
    }

    static std::int64_t replayTableCount(Database& db)
    {
        return db
            .queryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('replay_runs', "
                      "'replay_batches', 'replay_attempts', 'replay_records')")
            .value();
    }

    void newStoreHasReplayTables()
    {
        auto store = Store::open(path("new-replay.streamscope"));
        QVERIFY(store);
        QCOMPARE(kSchemaVersion, 7);
        QCOMPARE(*store->database().queryInt("PRAGMA user_version"), std::int64_t{7});
        QCOMPARE(replayTableCount(store->database()), std::int64_t{4});
        QCOMPARE(*hasTablesAddedIn(store->database(), kReplayTablesVersion), true);
        auto meta = store->database().prepare("SELECT value FROM meta WHERE name = 'schema_written_by'");
        QVERIFY(meta && meta->step().row);
        QCOMPARE(meta->text(0), std::string_view("streamscope schema 7"));
    }

    void version1StoreMigrated_data()
    {
        QTest::addColumn<bool>("keepReplayTables");
        QTest::addColumn<bool>("halfMade");
        QTest::addRow("no replay tables") << false << false;
        QTest::addRow("replay tables made on first use") << true << false;
        QTest::addRow("replay tables half made") << true << true;
    }

    void version1StoreMigrated()
    {
        QFETCH(bool, keepReplayTables);
        QFETCH(bool, halfMade);
        const std::string file = storeWithRecord("v1-" + std::string(QTest::currentDataTag()) + ".streamscope");
        QVERIFY(!file.empty());
        QCOMPARE(olderstore::toVersion1(file, keepReplayTables), QString());
        {
            auto db = Database::open(file, Database::OpenMode::ReadWriteExisting);
            QVERIFY(db);
            QCOMPARE(*db->queryInt("PRAGMA user_version"), std::int64_t{1});
            if (keepReplayTables) // a run an older build recorded
                QVERIFY(
                    !db->exec("INSERT INTO replay_runs(id, started_micros, handler, status, max_retries, bisect, "
                              "timeout_ms, batch_size, selection) VALUES (7, 1, '[]', 'complete', 0, 0, 1, 1, '{}')"));
            if (halfMade) // a first use that failed after its first table
                QVERIFY(!db->exec("DROP TABLE replay_records; DROP TABLE replay_attempts;"));
            QCOMPARE(replayTableCount(*db), std::int64_t{keepReplayTables ? (halfMade ? 2 : 4) : 0});
        }
        auto store = Store::open(file, Database::OpenMode::ReadWriteExisting);
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        Database& db = store->database();
        QCOMPARE(*db.queryInt("PRAGMA user_version"), std::int64_t{kSchemaVersion});
        QCOMPARE(replayTableCount(db), std::int64_t{4});
        QCOMPARE(*db.queryInt("SELECT count(*) FROM replay_runs WHERE id = 7"), std::int64_t{keepReplayTables ? 1 : 0});
        QCOMPARE(*db.queryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name LIKE 'replay\\_%' "
                              "ESCAPE '\\'"),
                 std::int64_t{3});
        auto totals = store->totals();
        QVERIFY(totals);
        QCOMPARE(totals->records, std::int64_t{1});
        auto check = db.prepare("PRAGMA integrity_check");
        QVERIFY(check && check->step().row);
        QCOMPARE(check->text(0), std::string_view("ok"));
    }

    // ---- version 4: the stored findings ------------------------------------------------------------------------

    /// A version-3 store (before the findings tables) keeps its records and provenance through the migration; read
    /// only it is read as it is (no findings tables), read-write it gets them, empty, with no coverage.
    void version3StoreMigrated()
    {
        const std::string file = storeWithRecord("v3.streamscope");
        QVERIFY(!file.empty());
        {
            auto db = Database::open(file, Database::OpenMode::ReadWriteExisting);
            QVERIFY(db);
            QVERIFY(
                !db->exec("INSERT INTO record_provenance(record_id, provenance) VALUES (1, '{\"logGroup\":\"g\"}')"));
        }
        QCOMPARE(olderstore::toVersion3(file), QString());
        {
            auto readOnly = Store::open(file, Database::OpenMode::ReadOnly);
            QVERIFY2(readOnly, readOnly ? "" : readOnly.error().message.c_str());
            QCOMPARE(*readOnly->database().queryInt("PRAGMA user_version"), std::int64_t{3});
            QCOMPARE(*hasTablesAddedIn(readOnly->database(), kFindingsVersion), false);
            QCOMPARE(readOnly->totals()->records, std::int64_t{1});
        }
        auto store = Store::open(file, Database::OpenMode::ReadWriteExisting);
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        Database& db = store->database();
        QCOMPARE(*db.queryInt("PRAGMA user_version"), std::int64_t{kSchemaVersion});
        QCOMPARE(*hasTablesAddedIn(db, kFindingsVersion), true);
        QCOMPARE(*db.queryInt("SELECT count(*) FROM findings"), std::int64_t{0});
        QCOMPARE(*db.queryInt("SELECT count(*) FROM audit_coverage"), std::int64_t{0});
        QCOMPARE(store->totals()->records, std::int64_t{1});
        QCOMPARE(*store->recordProvenance(1), std::string("{\"logGroup\":\"g\"}"));
        auto check = db.prepare("PRAGMA integrity_check");
        QVERIFY(check && check->step().row);
        QCOMPARE(check->text(0), std::string_view("ok"));
    }

    // ---- version 5: every record's event ID indexed ------------------------------------------------------------

    /// The SQL of index `name`, empty when the store has none.
    static std::string indexSql(Database& db, const char* name)
    {
        auto st = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?1");
        if (!st)
            return {};
        st->bind(1, std::string_view(name));
        return st->step().row ? st->textCopy(0) : std::string();
    }

    /// storeWithRecord with one finding kept; empty on failure.
    std::string storeWithFinding(const std::string& name)
    {
        const std::string file = storeWithRecord(name);
        if (file.empty())
            return {};
        auto db = Database::open(file, Database::OpenMode::ReadWriteExisting);
        if (!db
            || db->exec("INSERT INTO findings(phase, key_id, ord, kind, severity, table_name, record_id, seq, body) "
                        "VALUES (0, 1, 0, 1, 1, 'T', 1, NULL, '{}')"))
            return {};
        return file;
    }

    /// The store at `file`, turned back into `version`, read only and then migrated: read only it is read as it is
    /// (`index` as `oldSql`, the plan of `query` without `planText`), migrated it has `index` as `newSql` and the
    /// plan uses it (`planText`); both keep the record and the finding, and the migrated file is intact.
    void checkMigration(const std::string& file, int version, const char* index, const std::string& oldSql,
                        const std::string& newSql, const std::string& query, const std::string& planText)
    {
        {
            auto readOnly = Store::open(file, Database::OpenMode::ReadOnly);
            QVERIFY2(readOnly, readOnly ? "" : readOnly.error().message.c_str());
            Database& db = readOnly->database();
            QCOMPARE(*db.queryInt("PRAGMA user_version"), std::int64_t{version});
            QCOMPARE(indexSql(db, index), oldSql);
            QCOMPARE(readOnly->totals()->records, std::int64_t{1});
            QCOMPARE(*db.queryInt("SELECT count(*) FROM findings"), std::int64_t{1});
            const std::string plan = storetest::queryPlan(db, query);
            QVERIFY2(!plan.empty() && plan.find(planText) == std::string::npos, plan.c_str());
        }
        auto store = Store::open(file, Database::OpenMode::ReadWriteExisting);
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        Database& db = store->database();
        QCOMPARE(*db.queryInt("PRAGMA user_version"), std::int64_t{kSchemaVersion});
        QCOMPARE(indexSql(db, index), newSql);
        QCOMPARE(*db.queryInt("SELECT count(*) FROM findings"), std::int64_t{1});
        QCOMPARE(store->totals()->records, std::int64_t{1});
        auto record = store->record(1);
        QVERIFY2(record, record ? "" : record.error().message.c_str());
        QVERIFY(record->has_value());
        const std::string plan = storetest::queryPlan(db, query);
        QVERIFY2(plan.find(planText) != std::string::npos, plan.c_str());
        auto check = db.prepare("PRAGMA integrity_check");
        QVERIFY(check && check->step().row);
        QCOMPARE(check->text(0), std::string_view("ok"));
    }

    /// A version-4 store keeps its records and findings through the migration and gains the version-5
    /// records_by_event_id (every record); read only, it is read as it is (its partial version-4 index); an event ID
    /// is looked up through the new index.
    void version4StoreMigrated()
    {
        const std::string file = storeWithFinding("v4.streamscope");
        QVERIFY(!file.empty());
        QCOMPARE(olderstore::toVersion4(file), QString());
        checkMigration(file, 4, "records_by_event_id",
                       "CREATE INDEX records_by_event_id ON records(event_id) WHERE seq_sort IS NULL",
                       "CREATE INDEX records_by_event_id ON records(event_id)",
                       "SELECT id FROM records WHERE event_id = 'e' ORDER BY id",
                       "SEARCH records USING COVERING INDEX records_by_event_id (event_id=?)");
    }

    // ---- version 6: a key's records indexed in delivery order ---------------------------------------------------

    /// A version-5 store keeps its records and findings through the migration and gains the version-6 records_by_key
    /// (key_id, stream_id, seq_sort); read only, it is read as it is (its version-5 index); migrated, a key's delivery
    /// order is read from the index alone.
    void version5StoreMigrated()
    {
        const std::string file = storeWithFinding("v5.streamscope");
        QVERIFY(!file.empty());
        QCOMPARE(olderstore::toVersion5(file), QString());
        checkMigration(file, 5, "records_by_key", "CREATE INDEX records_by_key ON records(key_id)",
                       "CREATE INDEX records_by_key ON records(key_id, stream_id, seq_sort)",
                       "SELECT r.id, r.stream_id, r.seq_sort FROM records r WHERE r.key_id = 1",
                       "SEARCH r USING COVERING INDEX records_by_key (key_id=?)");
    }

    // ---- version 7: every key's typed order stored and indexed -------------------------------------------------

    /// A version-6 store (keys without sort_key) is read as it is when opened read only, its keys sorted by value
    /// with the function; migrated, every key has its order bytes, the keys list by value is read from the index
    /// (no sort) and the store is intact.
    void version6StoreMigrated()
    {
        const std::string file = path("v6.streamscope");
        {
            auto store = Store::open(file);
            QVERIFY(store);
            std::vector<storetest::Spec> specs;
            for (const char* n : {"100", "1000", "101", "2"}) {
                storetest::Spec spec;
                spec.keys = std::string("{\"Id\":{\"N\":\"") + n + "\"}}"; // no raw strings: moc counts braces
                spec.sequenceNumber = storetest::seq(static_cast<std::int64_t>(specs.size() + 1));
                spec.newImage = spec.keys;
                specs.push_back(spec);
            }
            QCOMPARE(storetest::writeSource(store->database(), "n.json", specs), std::string());
        }
        QCOMPARE(olderstore::toVersion6(file), QString());
        KeyQuery byValue;
        byValue.sort = KeySort::KeyValue;
        const auto displayOrder = [&](Store& store) {
            std::vector<std::string> texts;
            auto ids = store.keyIds(byValue);
            if (!ids)
                return std::vector<std::string>{ids.error().message};
            auto keys = store.keysByIds(*ids);
            if (!keys)
                return std::vector<std::string>{keys.error().message};
            for (const KeyInfo& k : *keys)
                texts.push_back(k.displayText);
            return texts;
        };
        const std::vector<std::string> ascending{"Id=2", "Id=100", "Id=101", "Id=1000"};
        const std::string query = "SELECT k.id FROM keys k WHERE k.table_id = 1 ORDER BY k.sort_key, k.id";
        {
            auto readOnly = Store::open(file, Database::OpenMode::ReadOnly);
            QVERIFY2(readOnly, readOnly ? "" : readOnly.error().message.c_str());
            Database& db = readOnly->database();
            QCOMPARE(*db.queryInt("PRAGMA user_version"), std::int64_t{6});
            QCOMPARE(*db.queryInt("SELECT count(*) FROM pragma_table_info('keys') WHERE name = 'sort_key'"),
                     std::int64_t{0});
            QCOMPARE(displayOrder(*readOnly), ascending);
        }
        auto store = Store::open(file, Database::OpenMode::ReadWriteExisting);
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        Database& db = store->database();
        QCOMPARE(*db.queryInt("PRAGMA user_version"), std::int64_t{kSchemaVersion});
        QCOMPARE(*db.queryInt("SELECT count(*) FROM keys WHERE sort_key IS NULL "
                              "OR sort_key IS NOT streamscope_key_order(canonical)"),
                 std::int64_t{0});
        QCOMPARE(displayOrder(*store), ascending);
        for (const std::string& q :
             {query, std::string("SELECT k.id FROM keys k ORDER BY k.sort_key DESC, k.id DESC")}) {
            const std::string plan = storetest::queryPlan(db, q);
            QVERIFY2(plan.find("keys_") != std::string::npos && plan.find("_by_order") != std::string::npos,
                     plan.c_str());
            QVERIFY2(plan.find("TEMP B-TREE") == std::string::npos, plan.c_str());
        }
        // The list follows the stored column (not the function): a key whose stored order is made smallest comes first.
        QVERIFY(!db.exec("UPDATE keys SET sort_key = x'00' WHERE display = 'Id=1000'"));
        QCOMPARE(displayOrder(*store), (std::vector<std::string>{"Id=1000", "Id=2", "Id=100", "Id=101"}));
        auto check = db.prepare("PRAGMA integrity_check");
        QVERIFY(check && check->step().row);
        QCOMPARE(check->text(0), std::string_view("ok"));
    }

    void version1StoreReadOnly()
    {
        const std::string file = storeWithRecord("v1-readonly.streamscope");
        QVERIFY(!file.empty());
        QCOMPARE(olderstore::toVersion1(file), QString());
        std::ifstream before(file, std::ios::binary);
        const std::string beforeBytes((std::istreambuf_iterator<char>(before)), std::istreambuf_iterator<char>());
        {
            // Read as it is (it cannot be migrated): its data, no replay tables, nothing written.
            auto store = Store::open(file, Database::OpenMode::ReadOnly);
            QVERIFY2(store, store ? "" : store.error().message.c_str());
            QCOMPARE(*schemaVersion(store->database()), 1);
            QCOMPARE(*hasTablesAddedIn(store->database(), kReplayTablesVersion), false);
            QCOMPARE(store->totals()->records, std::int64_t{1});
        }
        std::ifstream after(file, std::ios::binary);
        const std::string afterBytes((std::istreambuf_iterator<char>(after)), std::istreambuf_iterator<char>());
        QVERIFY(afterBytes == beforeBytes);
    }

    void versionWithoutItsTablesRefused()
    {
        // A file from elsewhere that says version 2 but lacks a replay table is refused at open, in every mode.
        const std::string file = storeWithRecord("v2-without-replay.streamscope");
        QVERIFY(!file.empty());
        {
            auto db = Database::open(file, Database::OpenMode::ReadWriteExisting);
            QVERIFY(db);
            QVERIFY(!db->exec("DROP TABLE replay_records; PRAGMA wal_checkpoint(TRUNCATE);"));
        }
        for (auto mode : {Database::OpenMode::ReadWriteExisting, Database::OpenMode::ReadOnly}) {
            auto store = Store::open(file, mode);
            QVERIFY(!store);
            QCOMPARE(store.error().kind, Error::Kind::NotAStore);
            QVERIFY2(store.error().message.find("without its table replay_records") != std::string::npos,
                     store.error().message.c_str());
        }
    }

    void errorsCarryMessages()
    {
        auto db = Database::open(path("errors.sqlite"), Database::OpenMode::ReadWrite);
        QVERIFY(db);
        auto bad = db->prepare("SELEKT 1");
        QVERIFY(!bad);
        QVERIFY(bad.error().code != SQLITE_OK);
        QVERIFY2(bad.error().message.find("syntax error") != std::string::npos, bad.error().message.c_str());
        QVERIFY(!db->exec("CREATE TABLE t(x INTEGER NOT NULL) STRICT"));
        auto insert = db->prepare("INSERT INTO t(x) VALUES (?1)");
        QVERIFY(insert);
        insert->bindNull(1);
        auto error = insert->run();
        QVERIFY(error.has_value());
        QCOMPARE(error->code, SQLITE_CONSTRAINT_NOTNULL);
        QVERIFY2(error->message.find("NOT NULL") != std::string::npos, error->message.c_str());
        // The statement is reusable after the error.
        insert->bind(1, std::int64_t{5});
        QVERIFY(!insert->run());
        QCOMPARE(*db->queryInt("SELECT x FROM t"), std::int64_t{5});
    }

    void transactionRollsBackUnlessCommitted()
    {
        auto db = Database::open(path("tx.sqlite"), Database::OpenMode::ReadWrite);
        QVERIFY(db);
        QVERIFY(!db->exec("CREATE TABLE t(x INTEGER) STRICT"));
        {
            auto tx = Transaction::begin(*db);
            QVERIFY(tx);
            QVERIFY(!db->exec("INSERT INTO t VALUES (1)"));
        }
        QCOMPARE(*db->queryInt("SELECT count(*) FROM t"), std::int64_t{0});
        {
            auto tx = Transaction::begin(*db);
            QVERIFY(tx);
            QVERIFY(!db->exec("INSERT INTO t VALUES (2)"));
            QVERIFY(!tx->commit());
        }
        QCOMPARE(*db->queryInt("SELECT count(*) FROM t"), std::int64_t{1});
        QVERIFY(!db->inTransaction());
    }

    void interruptStopsLongQuery()
    {
        auto store = Store::open(path("interrupt.streamscope"));
        QVERIFY(store);
        // sqlite3_interrupt() is a no-op while no statement runs, so a single interrupt could come before the query
        // started (a busy machine can delay this thread longer than any sleep): interrupt until it has returned.
        std::atomic<bool> finished{false};
        std::thread stopper([&] {
            while (!finished.load()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                store->interrupt();
            }
        });
        auto result = store->database().queryInt("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE "
                                                 "n < 2000000000) SELECT max(n) FROM c");
        finished = true;
        stopper.join();
        QVERIFY(!result);
        QCOMPARE(result.error().kind, Error::Kind::Interrupted);
        // The connection works afterwards.
        QVERIFY(store->totals());
    }

    /// Database::takeCached/putBack: a put-back statement is reset, its bindings cleared, and handed out again;
    /// a statement that is out is never handed out twice; one is kept per SQL text; ImportWriter prepares its
    /// statements once per connection.
    void cachedStatements()
    {
        auto store = Store::open(path("cache.streamscope"));
        QVERIFY(store);
        Database& db = store->database();
        const auto statementsOpen = [&db] {
            int count = 0;
            for (sqlite3_stmt* s = sqlite3_next_stmt(db.handle(), nullptr); s; s = sqlite3_next_stmt(db.handle(), s))
                ++count;
            return count;
        };
        const int before = statementsOpen();
        auto first = db.takeCached("SELECT ?1 IS NULL");
        QVERIFY(first);
        sqlite3_stmt* const handle = first->handle();
        first->bind(1, std::int64_t{7});
        QVERIFY(first->step().row);
        QCOMPARE(first->int64(0), std::int64_t{0});
        // Out: a second take prepares another statement.
        auto second = db.takeCached("SELECT ?1 IS NULL");
        QVERIFY(second && second->handle() != handle);
        db.putBack("SELECT ?1 IS NULL", std::move(*first));  // mid-step: reset on the way in
        db.putBack("SELECT ?1 IS NULL", std::move(*second)); // one per SQL text: finalized
        QCOMPARE(statementsOpen(), before + 1);
        auto again = db.takeCached("SELECT ?1 IS NULL");
        QVERIFY(again);
        QCOMPARE(again->handle(), handle);
        QVERIFY(again->step().row);
        QCOMPARE(again->int64(0), std::int64_t{1}); // bindings cleared
        db.putBack("SELECT ?1 IS NULL", std::move(*again));
        // A failing SQL text is an error, not a statement; a statement of another connection is not kept.
        QVERIFY(!db.takeCached("SELECT * FROM no_such_table"));
        auto other = Store::open(path("cache.streamscope"));
        QVERIFY(other);
        auto foreign = other->database().prepare("SELECT 1");
        QVERIFY(foreign);
        db.putBack("SELECT 1", std::move(*foreign));
        QCOMPARE(statementsOpen(), before + 1);

        // ImportWriter: the second writer on the connection prepares nothing new.
        const auto importOne = [&db](int i) {
            storetest::Spec spec;
            spec.sequenceNumber = storetest::seq(i);
            spec.keys = storetest::idKeys(i);
            spec.newImage = "{\"Id\":{\"N\":\"" + std::to_string(i) + "\"}}";
            return storetest::writeSource(db, "cached-" + std::to_string(i) + ".json", {spec});
        };
        QCOMPARE(importOne(1), std::string());
        const int afterFirst = statementsOpen();
        QVERIFY(afterFirst > before + 10); // the writer's statements are kept
        QCOMPARE(importOne(2), std::string());
        QCOMPARE(statementsOpen(), afterFirst);
        QCOMPARE(store->totals()->records, std::int64_t{2});
    }

    void readerWhileWriterTransactionOpen()
    {
        const std::string file = path("wal.streamscope");
        auto writerStore = Store::open(file);
        QVERIFY(writerStore);
        storetest::Spec spec;
        spec.sequenceNumber = storetest::seq(1);
        spec.newImage = R"({"Id":{"N":"1"}})";
        QCOMPARE(storetest::writeSource(writerStore->database(), "first.json", {spec}), std::string());

        auto writer = ImportWriter::create(writerStore->database());
        QVERIFY(writer);
        auto begun = writer->beginSource({"second.json", 10, "hash-second", "lambda-dynamodb"});
        QVERIFY(begun);
        for (int i = 2; i < 200; ++i) {
            storetest::Spec s = spec;
            s.sequenceNumber = storetest::seq(i);
            s.keys = storetest::idKeys(i);
            auto record = storetest::makeRecord(s);
            QVERIFY(writer->addRecord(record->input));
        }
        // A second connection (short busy timeout: it must not need to wait at all) reads the committed state.
        {
            auto reader = Store::open(file, Database::OpenMode::ReadOnly);
            QVERIFY2(reader, reader ? "" : reader.error().message.c_str());
            auto totals = reader->totals();
            QVERIFY2(totals, totals ? "" : totals.error().message.c_str());
            QCOMPARE(totals->records, std::int64_t{1});
            auto page = reader->recordSummaries({}, RecordOrder::Arrival, {}, 1000);
            QVERIFY(page);
            QCOMPARE(page->rows.size(), std::size_t{1});
            // A read-write connection may open (schema current) and read too.
            auto other = Store::open(file, Database::OpenMode::ReadWriteExisting);
            QVERIFY2(other, other ? "" : other.error().message.c_str());
            QVERIFY(other->totals());
        }
        QVERIFY(!writer->commitSource());
        auto reader = Store::open(file, Database::OpenMode::ReadOnly);
        QVERIFY(reader);
        QCOMPARE(reader->totals()->records, std::int64_t{199});
    }
};

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
