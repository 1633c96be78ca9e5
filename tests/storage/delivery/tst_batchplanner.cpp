// Lambda batch planning: count and byte limits, stream separation, sequence ordering, oversize records.

#include <QTest>

#include "storage/delivery/batchplanner.h"
#include "storage/delivery/lambdarecord.h"

using storage::BatchLimits;
using storage::PlanItem;

class TestBatchPlanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void payloadFormula();
    void countLimit_data();
    void countLimit();
    void byteLimitExactBoundary();
    void sixMegabytes();
    void oversizeRecordIsReported();
    void streamsAreSeparated();
    void sequenceOrderIsNumeric();
    void inputOrderKeptWithoutSequenceNumbers();
    void minifyKeepsTokens();
};

static std::vector<PlanItem> uniform(std::size_t n, std::size_t bytes, const std::string& stream = "s")
{
    std::vector<PlanItem> items;
    for (std::size_t i = 0; i < n; ++i)
        items.push_back({stream, std::to_string(1000 + i), bytes});
    return items;
}

void TestBatchPlanner::payloadFormula()
{
    // {"Records":[a,b,c]} with records of 2 bytes each: 12 + 2 + 1 + 2 + 1 + 2 + 2 = 22
    QCOMPARE(storage::eventPayloadBytes(3, 6), std::size_t(22));
    const std::string event = "{\"Records\":[{},{},{}]}";
    QCOMPARE(event.size(), std::size_t(22));
    QCOMPARE(storage::eventPayloadBytes(0, 0), std::size_t(14));
}

void TestBatchPlanner::countLimit_data()
{
    QTest::addColumn<int>("records");
    QTest::addColumn<int>("batchSize");
    QTest::addColumn<QList<int>>("expected");
    QTest::addRow("default 100: 250 -> 100,100,50") << 250 << 100 << QList<int>{100, 100, 50};
    QTest::addRow("exactly 200") << 200 << 100 << QList<int>{100, 100};
    QTest::addRow("batch size 1") << 3 << 1 << QList<int>{1, 1, 1};
    QTest::addRow("maximum 10000") << 25000 << 10000 << QList<int>{10000, 10000, 5000};
    QTest::addRow("empty") << 0 << 100 << QList<int>{};
}

void TestBatchPlanner::countLimit()
{
    QFETCH(int, records);
    QFETCH(int, batchSize);
    QFETCH(QList<int>, expected);
    const auto plan =
        storage::planBatches(uniform(static_cast<std::size_t>(records), 50),
                             BatchLimits{static_cast<std::size_t>(batchSize), storage::kLambdaMaxPayloadBytes});
    QList<int> sizes;
    for (const auto& b : plan.batches)
        sizes << static_cast<int>(b.items.size());
    QCOMPARE(sizes, expected);
    std::size_t next = 0;
    for (const auto& b : plan.batches) {
        for (const auto i : b.items)
            QCOMPARE(i, next++);
        QCOMPARE(b.payloadBytes, storage::eventPayloadBytes(b.items.size(), 50 * b.items.size()));
    }
    QVERIFY(plan.oversize.empty());
}

void TestBatchPlanner::byteLimitExactBoundary()
{
    // Three records of 1000 bytes make exactly 14 + 3000 + 2 = 3016 bytes.
    auto plan = storage::planBatches(uniform(7, 1000), BatchLimits{100, 3016});
    QCOMPARE(plan.batches.size(), std::size_t(3));
    QCOMPARE(plan.batches[0].items.size(), std::size_t(3));
    QCOMPARE(plan.batches[0].payloadBytes, std::size_t(3016));
    QCOMPARE(plan.batches[2].items.size(), std::size_t(1));
    // One byte less and only two fit.
    plan = storage::planBatches(uniform(7, 1000), BatchLimits{100, 3015});
    QCOMPARE(plan.batches.size(), std::size_t(4));
    QCOMPARE(plan.batches[0].items.size(), std::size_t(2));
    for (const auto& b : plan.batches)
        QVERIFY(b.payloadBytes <= 3015);
}

void TestBatchPlanner::sixMegabytes()
{
    // 900,000-byte records (near the 400 KB item limit with both images): 6 fit (5,400,019 bytes), 7 do not.
    const auto plan = storage::planBatches(uniform(13, 900000), BatchLimits{});
    QCOMPARE(plan.batches.size(), std::size_t(3));
    QCOMPARE(plan.batches[0].items.size(), std::size_t(6));
    QCOMPARE(plan.batches[0].payloadBytes, std::size_t(5400019));
    QCOMPARE(plan.batches[1].items.size(), std::size_t(6));
    QCOMPARE(plan.batches[2].items.size(), std::size_t(1));
    for (const auto& b : plan.batches)
        QVERIFY(b.payloadBytes <= std::size_t(6291456));
}

void TestBatchPlanner::oversizeRecordIsReported()
{
    std::vector<PlanItem> items = uniform(3, 100);
    items[1].bytes = 6291456 - 14 + 1;            // alone: 6,291,457 bytes
    items.push_back({"s", "2000", 6291456 - 14}); // alone: exactly 6 MB: fits
    const auto plan = storage::planBatches(items, BatchLimits{});
    QCOMPARE(plan.oversize.size(), std::size_t(1));
    QCOMPARE(plan.oversize[0].item, std::size_t(1));
    QCOMPARE(plan.oversize[0].payloadBytes, std::size_t(6291457));
    std::size_t planned = 0;
    for (const auto& b : plan.batches) {
        planned += b.items.size();
        QVERIFY(b.payloadBytes <= 6291456);
    }
    QCOMPARE(planned, std::size_t(3));
    QCOMPARE(plan.batches.back().payloadBytes, std::size_t(6291456));
}

void TestBatchPlanner::streamsAreSeparated()
{
    std::vector<PlanItem> items;
    for (int i = 0; i < 10; ++i)
        items.push_back({i % 2 ? "arn:b" : "arn:a", std::to_string(100 + i), 10});
    const auto plan = storage::planBatches(items, BatchLimits{100, storage::kLambdaMaxPayloadBytes});
    QCOMPARE(plan.batches.size(), std::size_t(2));
    QCOMPARE(plan.batches[0].stream, std::string("arn:a"));
    QCOMPARE(plan.batches[1].stream, std::string("arn:b"));
    for (const auto& b : plan.batches) {
        QCOMPARE(b.items.size(), std::size_t(5));
        for (const auto i : b.items)
            QCOMPARE(items[i].stream, b.stream);
    }
    QCOMPARE(plan.batches[0].firstSequenceNumber, std::string("100"));
    QCOMPARE(plan.batches[0].lastSequenceNumber, std::string("108"));
}

void TestBatchPlanner::sequenceOrderIsNumeric()
{
    // Lengths differ (FORMATS.md §8): string order would put "1000" before "99".
    std::vector<PlanItem> items{{"s", "1000", 1},
                                {"s", "99", 1},
                                {"s", "100", 1},
                                {"s", "0099", 1},
                                {"s", "20500000000000000910398", 1},
                                {"s", "1683700000000000001135967", 1},
                                {"s", "820400000000000001192334", 1}};
    const auto plan = storage::planBatches(items, BatchLimits{3, storage::kLambdaMaxPayloadBytes});
    std::vector<std::string> order;
    for (const auto& b : plan.batches)
        for (const auto i : b.items)
            order.push_back(items[i].sequenceNumber);
    const std::vector<std::string> expected{"99",
                                            "0099",
                                            "100",
                                            "1000",
                                            "20500000000000000910398",
                                            "820400000000000001192334",
                                            "1683700000000000001135967"};
    QCOMPARE(order, expected);
    QCOMPARE(plan.batches[0].firstSequenceNumber, std::string("99"));
    QCOMPARE(plan.batches[1].firstSequenceNumber, std::string("1000"));
}

void TestBatchPlanner::inputOrderKeptWithoutSequenceNumbers()
{
    std::vector<PlanItem> items{{"t", "", 1}, {"t", "5", 1}, {"t", "", 1}, {"t", "1", 1}};
    const auto plan = storage::planBatches(items, BatchLimits{});
    QCOMPARE(plan.batches.size(), std::size_t(1));
    QCOMPARE(plan.batches[0].items, (std::vector<std::size_t>{0, 1, 2, 3}));
}

void TestBatchPlanner::minifyKeepsTokens()
{
    const std::string raw = "\xEF\xBB\xBF{ \"a\" : 1.46480431E9,\r\n \"s\": \"x  y\\\" }\", \"n\" : {\"N\":\"1.50\"} }";
    QCOMPARE(storage::minifyJson(raw), std::string("{\"a\":1.46480431E9,\"s\":\"x  y\\\" }\",\"n\":{\"N\":\"1.50\"}}"));
    QVERIFY(storage::isLambdaDynamoRecord(R"({"eventSource":"aws:dynamodb","dynamodb":{"SequenceNumber":"1"}})"));
    QVERIFY(!storage::isLambdaDynamoRecord(
        R"({"tableName":"T","eventSource":"aws:dynamodb","dynamodb":{"SequenceNumber":"1"}})"));
    QVERIFY(!storage::isLambdaDynamoRecord(R"({"kinesis":{"data":"e30="}})"));
}

QTEST_APPLESS_MAIN(TestBatchPlanner)
#include "tst_batchplanner.moc"
