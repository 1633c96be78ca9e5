// Store::recordIdsBySequenceNumber / recordIdsByEventId (the GUI's Go to, Ctrl+G): exact matches, every stream,
// leading zeros, records without sequence numbers, and the sequence lookup going through the stream + sequence index.

#include <QTemporaryDir>
#include <QTest>

#include "storage/exporttestsupport.h"
#include "storage/storetestutil.h"

using storage::Store;

namespace {
const std::string kOrdersArn = "arn:aws:dynamodb:eu-central-1:1:table/Orders/stream/x";
const std::string kCustomersArn = "arn:aws:dynamodb:eu-central-1:1:table/Customers/stream/y";

exporttest::Rec rec(const std::string& table, const std::string& arn, int id, const std::string& seq)
{
    exporttest::Rec r;
    r.table = table;
    r.arn = arn;
    r.keysJson = "{\"Id\":{\"N\":\"" + std::to_string(id) + "\"}}";
    r.seq = seq;
    r.newImage = r.keysJson;
    return r;
}

std::vector<std::int64_t> ids(std::initializer_list<std::int64_t> list)
{
    return list;
}
} // namespace

class TestGoToQueries : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void bySequenceNumber();
    void byEventId();
    void sequenceLookupUsesTheIndex();
    void eventIdLookupUsesTheIndex();

private:
    std::string plan(const std::string& sql) { return storetest::queryPlan(m_store->database(), sql); }

    QTemporaryDir m_dir;
    std::optional<Store> m_store;
};

void TestGoToQueries::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto store = Store::open(m_dir.filePath(QStringLiteral("t.streamscope")).toStdString());
    QVERIFY2(store, store ? "" : store.error().message.c_str());
    m_store.emplace(std::move(*store));
    // Records 1-3: Orders, sequence numbers 100, 101, 102 (event IDs e100…); 4-5: Customers, 100 and 205;
    // 6: Customers without a sequence number (an export's record), event ID "export-1".
    std::vector<exporttest::Rec> records{rec("Orders", kOrdersArn, 1, "100"), rec("Orders", kOrdersArn, 2, "101"),
                                         rec("Orders", kOrdersArn, 3, "102"), rec("Customers", kCustomersArn, 1, "100"),
                                         rec("Customers", kCustomersArn, 2, "205")};
    records[3].eventId = "c100";
    records[4].eventId = "e101"; // the same event ID as record 2 (another table's stream)
    auto exported = rec("Customers", kCustomersArn, 3, "");
    exported.eventId = "export-1";
    records.push_back(exported);
    const std::string error = exporttest::load(*m_store, records, "fixture");
    QVERIFY2(error.empty(), error.c_str());
}

void TestGoToQueries::bySequenceNumber()
{
    auto found = m_store->recordIdsBySequenceNumber("101");
    QVERIFY(found);
    QCOMPARE(*found, ids({2}));
    found = m_store->recordIdsBySequenceNumber("100"); // one per stream
    QVERIFY(found);
    QCOMPARE(*found, ids({1, 4}));
    found = m_store->recordIdsBySequenceNumber("000205"); // leading zeros: the same number
    QVERIFY(found);
    QCOMPARE(*found, ids({5}));
    for (const char* none : {"103", "10", "1000", "", "10a", "-100", " 100"}) {
        found = m_store->recordIdsBySequenceNumber(none);
        QVERIFY(found);
        QVERIFY2(found->empty(), none);
    }
}

void TestGoToQueries::byEventId()
{
    auto found = m_store->recordIdsByEventId("e102");
    QVERIFY(found);
    QCOMPARE(*found, ids({3}));
    found = m_store->recordIdsByEventId("e101");
    QVERIFY(found);
    QCOMPARE(*found, ids({2, 5}));
    found = m_store->recordIdsByEventId("export-1"); // without a sequence number (the partial index's records)
    QVERIFY(found);
    QCOMPARE(*found, ids({6}));
    for (const char* none : {"E102", "e10", "", "export"}) {
        found = m_store->recordIdsByEventId(none);
        QVERIFY(found);
        QVERIFY2(found->empty(), none);
    }
}

void TestGoToQueries::sequenceLookupUsesTheIndex()
{
    // The same statement as Store::recordIdsBySequenceNumber, explained.
    const std::string details =
        plan("SELECT r.id FROM streams s CROSS JOIN records r ON r.stream_id = s.id AND r.seq_sort = ?");
    QVERIFY2(details.find("SEARCH r USING ") != std::string::npos
                 && details.find("INDEX records_by_stream_seq (stream_id=? AND seq_sort=?)") != std::string::npos,
             details.c_str());
    QVERIFY2(details.find("SCAN r") == std::string::npos, details.c_str());
}

// Go to by event ID (Store::recordIdsByEventId's statement) looks the ID up in records_by_event_id, which covers every
// record since store version 5 (before, it held only the records without a sequence number: the lookup read the whole
// records table).
void TestGoToQueries::eventIdLookupUsesTheIndex()
{
    const std::string details = plan("SELECT id FROM records WHERE event_id = ? ORDER BY id");
    QVERIFY2(details.find("SEARCH records USING COVERING INDEX records_by_event_id (event_id=?)") != std::string::npos,
             details.c_str());
    QVERIFY2(details.find("SCAN") == std::string::npos, details.c_str());
}

QTEST_GUILESS_MAIN(TestGoToQueries)
#include "tst_gotoqueries.moc"
