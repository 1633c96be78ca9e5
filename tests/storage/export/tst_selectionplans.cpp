// Export/replay selections read only the matching rows through indexes (issue 22): every statement a DeliveryReader
// runs for a selection by key, table, time range, sequence range or explicit records is traced (sqlite3_trace_v2)
// and its EXPLAIN QUERY PLAN must search the records table through an index narrower than the table, never scan it
// or sort it (nor sort the keys table to resolve a key); and the records read are exactly the selection, in delivery
// order.

#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <set>

#include <sqlite3.h>

#include "model/sequencenumber.h"
#include "storage/delivery/deliveryreader.h"
#include "storage/exporttestsupport.h"

using exporttest::Rec;

namespace {

const std::string kOrdersA = "arn:aws:dynamodb:eu-central-1:123456789012:table/Orders/stream/2024-01-01T00:00:00.000";
const std::string kOrdersB = "arn:aws:dynamodb:eu-central-1:123456789012:table/Orders/stream/2024-02-01T00:00:00.000";
const std::string kCustomers =
    "arn:aws:dynamodb:eu-central-1:123456789012:table/Customers/stream/2024-01-01T00:00:00.000";
constexpr std::int64_t kStart = 1700000000000000LL;

int onTrace(unsigned type, void* context, void* statement, void* /*sql*/)
{
    if (type != SQLITE_TRACE_STMT)
        return 0;
    auto* out = static_cast<std::vector<std::string>*>(context);
    char* expanded = sqlite3_expanded_sql(static_cast<sqlite3_stmt*>(statement));
    if (expanded) {
        out->emplace_back(expanded);
        sqlite3_free(expanded);
    }
    return 0;
}

} // namespace

class TestSelectionPlans : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void selectionsSearchIndexes_data();
    void selectionsSearchIndexes();

private:
    /// Runs the selection with statements traced: the records' ids in delivery order, and the plans' lines that
    /// touch the records table (by statement).
    std::vector<std::int64_t> readTraced(const storage::RecordSelection& selection,
                                         std::vector<std::pair<std::string, std::string>>& plans);
    std::unique_ptr<QTemporaryDir> m_dir;
    std::optional<storage::Store> m_store;
    std::vector<Rec> m_records; ///< in load order: record id = index + 1
};

void TestSelectionPlans::initTestCase()
{
    m_dir = std::make_unique<QTemporaryDir>();
    auto store = storage::Store::open(m_dir->filePath(QStringLiteral("s.streamscope")).toStdString());
    QVERIFY2(store, store ? "" : store.error().message.c_str());
    m_store.emplace(std::move(*store));
    // Orders on two streams (keys 0..49), Customers on one (keys C#0..C#9); one record a second, interleaved.
    for (int i = 0; i < 600; ++i) {
        Rec r;
        if (i % 6 == 5) {
            r.table = "Customers";
            r.arn = kCustomers;
            r.keysJson = R"({"Pk":{"S":"C#)" + std::to_string(i % 10) + R"("}})";
        } else {
            r.table = "Orders";
            r.arn = i % 2 ? kOrdersB : kOrdersA;
            r.keysJson = R"({"Id":{"N":")" + std::to_string(i % 50) + R"("}})";
        }
        r.event = i < 60 ? "INSERT" : "MODIFY";
        r.seq = std::to_string(1000 + (i * 7919) % 600 * 10); // out of arrival order
        r.newImage = R"({"v":{"N":")" + std::to_string(i) + R"("}})";
        r.micros = kStart + i * 1'000'000LL;
        m_records.push_back(r);
    }
    QCOMPARE(QString::fromStdString(exporttest::load(*m_store, m_records, "fixture")), QString());
}

void TestSelectionPlans::cleanupTestCase()
{
    m_store.reset();
    m_dir.reset();
}

std::vector<std::int64_t> TestSelectionPlans::readTraced(const storage::RecordSelection& selection,
                                                         std::vector<std::pair<std::string, std::string>>& plans)
{
    sqlite3* db = m_store->database().handle();
    std::vector<std::string> statements;
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, onTrace, &statements);
    std::vector<std::int64_t> ids;
    {
        auto reader = storage::DeliveryReader::open(*m_store, selection, 16);
        if (!reader) {
            sqlite3_trace_v2(db, 0, nullptr, nullptr);
            QTest::qFail(reader.error().message.c_str(), __FILE__, __LINE__);
            return ids;
        }
        for (;;) {
            auto next = reader->next();
            if (!next || !*next)
                break;
            ids.push_back((*next)->row.id);
        }
    }
    sqlite3_trace_v2(db, 0, nullptr, nullptr);
    std::set<std::string> seen;
    for (const auto& sql : statements) {
        // The records read, and the keys looked at to resolve a key (a sort there read every key of the table).
        if ((sql.find("records r") == std::string::npos && sql.find("FROM keys") == std::string::npos)
            || !seen.insert(sql).second)
            continue;
        sqlite3_stmt* plan = nullptr;
        const std::string explain = "EXPLAIN QUERY PLAN " + sql;
        if (sqlite3_prepare_v2(db, explain.c_str(), -1, &plan, nullptr) != SQLITE_OK) {
            QTest::qFail(("cannot explain: " + sql).c_str(), __FILE__, __LINE__);
            continue;
        }
        while (sqlite3_step(plan) == SQLITE_ROW) {
            const std::string detail = reinterpret_cast<const char*>(sqlite3_column_text(plan, 3));
            if (detail.find(" r ") != std::string::npos || detail.ends_with(" r")
                || detail.find("TEMP B-TREE") != std::string::npos)
                plans.emplace_back(sql, detail);
        }
        sqlite3_finalize(plan);
    }
    return ids;
}

void TestSelectionPlans::selectionsSearchIndexes_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("index"); ///< an index that must appear in the plans
    // A key's delivery order from records_by_key alone (no row read for it): each row is read once, for the record.
    QTest::newRow("key") << "key"
                         << "COVERING INDEX records_by_key";
    QTest::newRow("two keys of one table") << "keys"
                                           << "COVERING INDEX records_by_key";
    QTest::newRow("table") << "table"
                           << "records_by_stream_seq";
    QTest::newRow("time range") << "time"
                                << "records_by_time";
    QTest::newRow("table and time range") << "table-time"
                                          << "records_by_table_event";
    QTest::newRow("sequence range") << "sequence"
                                    << "records_by_stream_seq";
    QTest::newRow("explicit records") << "ids"
                                      << "";
    QTest::newRow("key and time range") << "key-time"
                                        << "records_by_key";
}

void TestSelectionPlans::selectionsSearchIndexes()
{
    QFETCH(QString, kind);
    QFETCH(QString, index);
    storage::RecordSelection selection;
    std::function<bool(const Rec&, std::size_t)> expected;
    const std::int64_t from = kStart + 100 * 1'000'000LL;
    const std::int64_t to = kStart + 160 * 1'000'000LL;
    const auto inTime = [&](const Rec& r) { return *r.micros >= from && *r.micros < to; };
    if (kind == "key") {
        selection.tables = {"Orders"};
        selection.keys = {"Id=7"};
        expected = [](const Rec& r, std::size_t) { return r.keysJson == R"({"Id":{"N":"7"}})"; };
    } else if (kind == "keys") {
        selection.tables = {"Orders"};
        selection.keys = {"Id=7", R"({"Id":{"N":"8"}})"};
        expected = [](const Rec& r, std::size_t) {
            return r.keysJson == R"({"Id":{"N":"7"}})" || r.keysJson == R"({"Id":{"N":"8"}})";
        };
    } else if (kind == "table") {
        selection.tables = {"Customers"};
        expected = [](const Rec& r, std::size_t) { return r.table == "Customers"; };
    } else if (kind == "time") {
        selection.fromMicros = from;
        selection.toMicros = to;
        expected = [&](const Rec& r, std::size_t) { return inTime(r); };
    } else if (kind == "table-time") {
        selection.tables = {"Orders"};
        selection.fromMicros = from;
        selection.toMicros = to;
        expected = [&](const Rec& r, std::size_t) { return r.table == "Orders" && inTime(r); };
    } else if (kind == "sequence") {
        selection.fromSequence = "2000";
        selection.toSequence = "02500"; // numeric: leading zeros do not matter
        expected = [](const Rec& r, std::size_t) {
            return model::compareSequenceNumbers(r.seq, "2000") >= 0
                && model::compareSequenceNumbers(r.seq, "2500") <= 0;
        };
    } else if (kind == "ids") {
        selection.recordIds = {5, 17, 300, 42, 599};
        expected = [](const Rec&, std::size_t i) {
            return i + 1 == 5 || i + 1 == 17 || i + 1 == 300 || i + 1 == 42 || i + 1 == 599;
        };
    } else if (kind == "key-time") {
        selection.tables = {"Orders"};
        selection.keys = {"Id=7"};
        selection.fromMicros = from;
        selection.toMicros = to + 200 * 1'000'000LL;
        expected = [&](const Rec& r, std::size_t) {
            return r.keysJson == R"({"Id":{"N":"7"}})" && *r.micros >= from && *r.micros < to + 200 * 1'000'000LL;
        };
    }
    std::vector<std::pair<std::string, std::string>> plans;
    const auto ids = readTraced(selection, plans);

    // Exactly the matching records, in delivery order (stream by stream, numeric sequence order).
    std::vector<std::tuple<std::string, std::string, std::int64_t>> want; // (ARN order, sort key, id)
    for (std::size_t i = 0; i < m_records.size(); ++i) {
        if (expected(m_records[i], i))
            want.emplace_back(m_records[i].arn, model::sequenceSortKey(m_records[i].seq), std::int64_t(i + 1));
    }
    QVERIFY(!want.empty());
    // Stream ids follow first arrival: Orders A (record 1), Orders B (record 2), Customers (record 6).
    const auto streamRank = [](const std::string& arn) { return arn == kOrdersA ? 0 : arn == kOrdersB ? 1 : 2; };
    std::sort(want.begin(), want.end(), [&](const auto& a, const auto& b) {
        return std::make_tuple(streamRank(std::get<0>(a)), std::get<1>(a), std::get<2>(a))
            < std::make_tuple(streamRank(std::get<0>(b)), std::get<1>(b), std::get<2>(b));
    });
    std::vector<std::int64_t> wantIds;
    for (const auto& w : want)
        wantIds.push_back(std::get<2>(w));
    QCOMPARE(ids, wantIds);

    // Every statement on the records table searches an index by something narrower than the table (a table is
    // read stream by stream) and sorts nothing in SQL (pages come in index order); none scans the table or an
    // index.
    QVERIFY(!plans.empty());
    bool indexUsed = index.isEmpty();
    for (const auto& [sql, detail] : plans) {
        QVERIFY2(detail.starts_with("SEARCH r "), (detail + "  <-  " + sql).c_str());
        QVERIFY2(!detail.ends_with("(table_id=?)"), (detail + "  <-  " + sql).c_str());
        if (!index.isEmpty() && detail.find(index.toStdString()) != std::string::npos)
            indexUsed = true;
    }
    QVERIFY2(indexUsed, qPrintable(QStringLiteral("no plan uses %1").arg(index)));
}

QTEST_GUILESS_MAIN(TestSelectionPlans)
#include "tst_selectionplans.moc"
