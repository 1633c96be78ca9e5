// The GUI's background jobs read one committed state of the store: the totals and the table list of one refresh
// agree even when another connection (an import in another process) commits between the two queries. The
// interleaving is deterministic: readOverview's betweenReads hook imports a second file through a second, writable
// connection after the totals are read and before the tables are.

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <fstream>
#include <numeric>

#include "app/viewmodels/storesession.h"
#include "storage/import/captureimporter.h"
#include "storage/store/readsnapshot.h"
#include "storage/store/store.h"

namespace {

/// A Lambda DynamoDB stream event with `records` INSERTs of distinct keys in table `table`.
std::string capture(const std::string& table, int records, int firstSequence)
{
    std::string text = R"({"Records":[)";
    for (int i = 0; i < records; ++i) {
        const std::string key = table + "-k" + std::to_string(i);
        if (i)
            text += ',';
        text += R"({"eventID":")" + key + R"(","eventName":"INSERT","eventVersion":"1.1",)"
            + R"("eventSource":"aws:dynamodb","awsRegion":"eu-west-1","dynamodb":{)"
            + R"("ApproximateCreationDateTime":1700000000,"Keys":{"id":{"S":")" + key + R"("}},)"
            + R"("NewImage":{"id":{"S":")" + key + R"("},"n":{"N":")" + std::to_string(i) + R"("}},)"
            + R"("SequenceNumber":")" + std::to_string(firstSequence + i) + R"(","SizeBytes":20,)"
            + R"("StreamViewType":"NEW_AND_OLD_IMAGES"},)"
            + R"("eventSourceARN":"arn:aws:dynamodb:eu-west-1:123456789012:table/)" + table
            + R"(/stream/2024-01-01T00:00:00.000"})";
    }
    return text + "]}";
}

std::int64_t tableRecords(const std::vector<storage::TableInfo>& tables)
{
    return std::accumulate(tables.begin(), tables.end(), std::int64_t{0},
                           [](std::int64_t sum, const storage::TableInfo& t) { return sum + t.recordCount; });
}

} // namespace

class TestStoreSnapshot : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_fileA;
    std::string m_fileB;

    std::string path(const char* name) const { return m_dir.filePath(QString::fromUtf8(name)).toStdString(); }

    void write(const std::string& file, const std::string& text)
    {
        std::ofstream out(file, std::ios::binary);
        out << text;
        QVERIFY(out.good());
    }

    /// A store holding file A (3 records, table A).
    std::string makeStore(const char* name)
    {
        const std::string storePath = path(name);
        auto store = storage::Store::open(storePath);
        if (!store)
            qFatal("cannot create %s: %s", storePath.c_str(), store.error().message.c_str());
        const auto summary = storage::importCaptures(store->database(), {m_fileA});
        if (summary.exitCode() != 0)
            qFatal("import of file A failed");
        return storePath;
    }

    /// Imports file B (4 records, table B) through its own writable connection, committed on return.
    static void importB(const std::string& storePath, const std::string& fileB)
    {
        auto writer = storage::Store::open(storePath, storage::Database::OpenMode::ReadWriteExisting);
        QVERIFY2(writer, writer ? "" : writer.error().message.c_str());
        const auto summary = storage::importCaptures(writer->database(), {fileB});
        QCOMPARE(summary.exitCode(), 0);
        QCOMPARE(summary.total(&storage::FileImportResult::inserted), 4);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_fileA = path("a.json");
        m_fileB = path("b.json");
        write(m_fileA, capture("A", 3, 100));
        write(m_fileB, capture("B", 4, 200));
    }

    void overviewIsOneSnapshot()
    {
        const std::string storePath = makeStore("overview.streamscope");
        auto reader = storage::Store::open(storePath, storage::Database::OpenMode::ReadOnly);
        QVERIFY2(reader, reader ? "" : reader.error().message.c_str());
        bool committed = false;
        const StoreOverview o = readOverview(*reader, [&]() {
            importB(storePath, m_fileB);
            committed = true;
        });
        QVERIFY(committed);
        QCOMPARE(o.error, std::string());
        // Both reads see the state before file B: the totals and the table list agree.
        QCOMPARE(o.totals.records, 3);
        QCOMPARE(o.totals.tables, 1);
        QCOMPARE(static_cast<std::int64_t>(o.tables.size()), o.totals.tables);
        QCOMPARE(tableRecords(o.tables), o.totals.records);
        QVERIFY(!reader->database().inTransaction()); // the snapshot ended

        const StoreOverview next = readOverview(*reader); // a new snapshot sees file B
        QCOMPARE(next.error, std::string());
        QCOMPARE(next.totals.records, 7);
        QCOMPARE(next.totals.tables, 2);
        QCOMPARE(tableRecords(next.tables), 7);
    }

    void snapshotNestsAndEnds()
    {
        const std::string storePath = makeStore("nest.streamscope");
        auto reader = storage::Store::open(storePath, storage::Database::OpenMode::ReadOnly);
        QVERIFY(reader);
        auto outer = storage::ReadSnapshot::begin(reader->database());
        QVERIFY2(outer, outer ? "" : outer.error().message.c_str());
        QVERIFY(outer->ownsTransaction());
        importB(storePath, m_fileB); // committed after the snapshot was taken (before any query of the caller)
        {
            auto inner = storage::ReadSnapshot::begin(reader->database());
            QVERIFY(inner);
            QVERIFY(!inner->ownsTransaction()); // joins the outer one
            auto totals = reader->totals();
            QVERIFY(totals);
            QCOMPARE(totals->records, 3);
        }
        QVERIFY(reader->database().inTransaction()); // the inner one left the outer open
        QVERIFY(!outer->end());
        QVERIFY(!reader->database().inTransaction());
        auto totals = reader->totals();
        QVERIFY(totals);
        QCOMPARE(totals->records, 7);
    }

    void sessionOverviewAgrees()
    {
        // The GUI session's overview job (read-only connection + snapshot) after an import from another connection.
        const std::string storePath = makeStore("session.streamscope");
        StoreSession session;
        QSignalSpy ready(&session, &StoreSession::overviewReady);
        QSignalSpy errors(&session, &StoreSession::errorOccurred);
        QCOMPARE(session.open(QString::fromStdString(storePath)), QString());
        QVERIFY(ready.wait(10000));
        QCOMPARE(session.totals().records, 3);
        importB(storePath, m_fileB);
        session.refreshOverview();
        QVERIFY(ready.wait(10000));
        QCOMPARE(session.totals().records, 7);
        // Row 0 is "All tables" (the tables' sum); then one row per table.
        TableListModel* tables = session.tableModel();
        QCOMPARE(tables->rowCount(), 3);
        QCOMPARE(tables->index(0, TableListModel::RecordsColumn).data().toLongLong(), 7);
        std::int64_t sum = 0;
        for (int row = 1; row < tables->rowCount(); ++row)
            sum += tables->index(row, TableListModel::RecordsColumn).data().toLongLong();
        QCOMPARE(sum, 7);
        session.jobs()->waitForDone();
        session.auditJobs()->waitForDone();
        QCoreApplication::processEvents();
        QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    }
};

QTEST_GUILESS_MAIN(TestStoreSnapshot)
#include "tst_storesnapshot.moc"
