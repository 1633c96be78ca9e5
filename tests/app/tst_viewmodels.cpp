// View models over RowSource seams: model contracts (QAbstractItemModelTester on ~10k rows), laziness on a huge
// source, the diff tree, background jobs.

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/viewmodels/attributediffmodel.h"
#include "app/viewmodels/auditmodel.h"
#include "app/viewmodels/displayfilterview.h"
#include "app/viewmodels/eventtablemodel.h"
#include "app/viewmodels/exportselection.h"
#include "app/viewmodels/formatting.h"
#include "app/viewmodels/importjob.h"
#include "app/viewmodels/jobtracker.h"
#include "app/viewmodels/keylistmodel.h"
#include "app/viewmodels/keyorder.h"
#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storeaudit.h"
#include "app/viewmodels/storesession.h"
#include "app/viewmodels/timelinemodel.h"
#include "model/dynamodbjson.h"
#include "ordersfixture.h"
#include "storage/exporttestsupport.h"
#include "storage/history/auditscan.h"
#include "storage/import/captureimporter.h"
#include "storage/import/inputfile.h"
#include "storage/store/store.h"

namespace {

EventRow makeEvent(std::int64_t i)
{
    EventRow r;
    r.recordId = i + 1;
    r.timeMicros = 1'700'000'000'000'000 + i * 1000;
    r.table = i % 2 ? "Orders" : "Users";
    r.keyId = i % 100 + 1;
    r.keyText = "Id=" + std::to_string(i % 100);
    r.eventName = model::EventName(i % 3);
    r.sequenceNumber = std::to_string(1000 + i);
    r.sizeBytes = 100 + i;
    return r;
}

/// A generated source of `count` rows that counts page calls.
template<typename Row>
RowSource<Row> countingSource(std::int64_t count, int* pages, Row (*make)(std::int64_t))
{
    RowSource<Row> s;
    s.count = [count]() { return count; };
    s.page = [count, pages, make](std::int64_t first, int limit) {
        ++*pages;
        std::vector<Row> rows;
        for (std::int64_t i = first; i < std::min(count, first + limit); ++i)
            rows.push_back(make(i));
        return rows;
    };
    return s;
}

KeyRow makeKey(std::int64_t i)
{
    return KeyRow{i + 1,
                  "Orders",
                  "{\"Id\":{\"N\":\"" + std::to_string(i) + "\"}}",
                  "Id=" + std::to_string(i),
                  i % 7 + 1,
                  std::int64_t{1'700'000'000'000'000} + i};
}

model::Item item(const char* json)
{
    auto decoded = model::parseItem(json);
    return *decoded.value;
}

/// One key (Id=1) of `count` versions: INSERT, MODIFYs (every 7th without its OldImage, one whose OldImage does not
/// match: a gap, every 10th with a number JavaScript cannot hold), a REMOVE every 13th and an INSERT after it; every
/// image carries `blobBytes` of text. Plus a small second key (Id=2).
std::vector<exporttest::Rec> historyRecords(int count, std::size_t blobBytes)
{
    const std::string blob(blobBytes, 'x');
    const auto image = [&blob](int n, bool extra) {
        return R"({"Id":{"N":"1"},"n":{"N":")" + std::to_string(n) + R"("},"blob":{"S":")" + blob + R"("})"
            + (extra ? R"(,"extra":{"S":"e"})" : "")
            + (n % 10 == 3 ? ",\"big\":{\"N\":\"123456789012345678901234567890\"}" : "") + "}";
    };
    std::vector<exporttest::Rec> records;
    std::string state;
    for (int i = 0; i < count; ++i) {
        exporttest::Rec r;
        r.table = "Orders";
        r.arn = "arn:aws:dynamodb:eu-central-1:1:table/Orders/stream/x";
        r.keysJson = R"({"Id":{"N":"1"}})";
        r.seq = std::to_string(1000 + i);
        r.micros = std::int64_t{1'700'000'000'000'000} + std::int64_t{i} * 1'000'000;
        if (state.empty()) {
            r.event = "INSERT";
            r.newImage = image(i, false);
        } else if (i % 13 == 12) {
            r.event = "REMOVE";
            r.oldImage = state;
        } else {
            r.event = "MODIFY";
            r.newImage = image(i, i % 5 == 0);
            if (i % 7 != 0)
                r.oldImage = i == 40 ? image(-1, false) : state;
        }
        state = r.newImage;
        records.push_back(r);
    }
    exporttest::Rec other;
    other.table = "Orders";
    other.arn = "arn:aws:dynamodb:eu-central-1:1:table/Orders/stream/x";
    other.keysJson = R"({"Id":{"N":"2"}})";
    other.seq = "999";
    other.newImage = R"({"Id":{"N":"2"}})";
    records.push_back(other);
    return records;
}

/// A store of historyRecords(count, blobBytes); "" or the error.
QString writeHistoryStore(const QString& path, int count, std::size_t blobBytes)
{
    auto store = storage::Store::open(path.toStdString());
    if (!store)
        return QString::fromStdString(store.error().message);
    return QString::fromStdString(exporttest::load(*store, historyRecords(count, blobBytes), "history"));
}

/// A finding as the tests compare them (order aside).
std::string findingText(const model::Finding& f)
{
    return std::string(model::findingKindText(f.kind)) + " #" + std::to_string(f.recordId) + " " + f.message;
}

/// The key id of Id=<id> in a store written by writeHistoryStore.
std::int64_t keyIdOf(storage::Store& store, const char* id)
{
    auto table = store.findTable("Orders");
    if (!table || !*table)
        return 0;
    auto key = store.findKey((**table).id, std::string(R"({"Id":{"N":")") + id + "\"}}");
    return key && *key ? (**key).id : 0;
}

} // namespace

class TestViewModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void eventModelContract()
    {
        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        int pages = 0;
        model.setSource(countingSource<EventRow>(10'000, &pages, &makeEvent));
        QCOMPARE(model.rowCount(), 10'000);
        QCOMPARE(model.index(3, EventTableModel::EventColumn).data().toString(), QStringLiteral("INSERT"));
        QCOMPARE(model.index(4, EventTableModel::EventColumn).data().toString(), QStringLiteral("MODIFY"));
        QCOMPARE(model.index(9'999, EventTableModel::SequenceColumn).data().toString(), QStringLiteral("10999"));
        QCOMPARE(model.index(0, EventTableModel::TimeColumn).data().toString(),
                 QStringLiteral("2023-11-14 22:13:20.000000"));
        QCOMPARE(model.index(7, 0).data(ModelRoles::RecordIdRole).toLongLong(), 8);
    }

    void eventModelIsLazy()
    {
        EventTableModel model;
        int pages = 0;
        model.setSource(countingSource<EventRow>(50'000'000, &pages, &makeEvent));
        QCOMPARE(model.rowCount(), 50'000'000);
        QCOMPARE(pages, 0); // nothing read until a cell is shown
        for (int r = 0; r < 40; ++r)
            model.index(r, EventTableModel::KeyColumn).data();
        QCOMPARE(pages, 1);
        // Jump to the end: one more page.
        QCOMPARE(model.index(49'999'999, EventTableModel::SequenceColumn).data().toString(),
                 QStringLiteral("50000999"));
        QCOMPARE(pages, 2);
        // Scroll through 100k rows: pages load on demand and the cache stays bounded.
        for (int r = 0; r < 100'000; r += 50)
            model.index(r, 0).data();
        QVERIFY(pages <= 2 + 100'000 / EventTableModel::ColumnCount);
        QVERIFY(model.cachedPages() <= 64);
    }

    void sortRequestsOnlyIndexedColumns()
    {
        EventTableModel model;
        QSignalSpy spy(&model, &EventTableModel::sortRequested);
        model.sort(EventTableModel::KeyColumn, Qt::AscendingOrder);
        QCOMPARE(spy.count(), 0);
        model.sort(EventTableModel::TimeColumn, Qt::DescendingOrder);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(1).toBool(), true);
    }

    void keyModelContractAndLaziness()
    {
        KeyListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        int pages = 0;
        model.setSource(countingSource<KeyRow>(10'000, &pages, &makeKey));
        QCOMPARE(model.rowCount(), 10'000);
        QCOMPARE(model.index(42, KeyListModel::KeyColumn).data().toString(), QStringLiteral("Id=42"));
        KeyListModel big;
        int bigPages = 0;
        big.setSource(countingSource<KeyRow>(1'000'000, &bigPages, &makeKey));
        big.index(999'999, 0).data();
        QCOMPARE(bigPages, 1);
        QSignalSpy spy(&big, &KeyListModel::sortRequested);
        big.sort(KeyListModel::CountColumn, Qt::DescendingOrder);
        QCOMPARE(spy.count(), 1);
    }

    void keyModelRowOfKey()
    {
        KeyListModel model;
        int pages = 0;
        RowSource<KeyRow> source = countingSource<KeyRow>(1'000'000, &pages, &makeKey);
        QCOMPARE(model.rowOfKey(5), -1); // empty model
        model.setSource(source);
        QCOMPARE(model.rowOfKey(5), -1); // a source without find: unknown
        // Rows list key ids in reverse (like a descending sort): the id list answers, no page is loaded.
        source.page = [](std::int64_t first, int limit) {
            std::vector<KeyRow> rows;
            for (std::int64_t i = first; i < std::min<std::int64_t>(1'000'000, first + limit); ++i)
                rows.push_back(makeKey(999'999 - i));
            return rows;
        };
        source.find = [](std::int64_t keyId) -> std::int64_t {
            return keyId >= 1 && keyId <= 1'000'000 ? 1'000'000 - keyId : -1;
        };
        model.setSource(source);
        QCOMPARE(model.rowOfKey(1'000'000), 0);
        QCOMPARE(model.rowOfKey(1), 999'999);
        QCOMPARE(model.rowOfKey(0), -1);
        QCOMPARE(model.pageLoads(), 0);
        QCOMPARE(model.index(model.rowOfKey(777), 0).data(ModelRoles::KeyIdRole).toLongLong(), qint64(777));
        model.clear();
        QCOMPARE(model.rowOfKey(777), -1);
    }

    void failedPageReadIsReported()
    {
        // Page 1 (rows 256..511) cannot be read: its rows show nothing, but the model says why, once.
        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        int pages = 0;
        RowSource<EventRow> source = countingSource<EventRow>(1000, &pages, &makeEvent);
        auto good = source.page;
        source.page = [good](std::int64_t first, int limit) -> PageRead<EventRow> {
            if (first == PageCache<EventRow>::PageSize)
                return PageRead<EventRow>::failed("disk I/O error");
            return good(first, limit);
        };
        QSignalSpy failed(&model, &EventTableModel::pageReadFailed);
        model.setSource(source);
        QVERIFY(model.index(0, 0).data().isValid());
        QCOMPARE(failed.count(), 0);
        QCOMPARE(model.pageError(), QString());
        QVERIFY(!model.index(300, 0).data().isValid());
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.at(0).at(0).toString(), QStringLiteral("disk I/O error"));
        QCOMPARE(model.pageError(), QStringLiteral("disk I/O error"));
        const int loads = model.pageLoads();
        QVERIFY(!model.index(301, 0).data().isValid()); // the failed page is not read again at every repaint
        QCOMPARE(model.pageLoads(), loads);
        QCOMPARE(failed.count(), 1);
        model.setSource(countingSource<EventRow>(1000, &pages, &makeEvent)); // a new view reads again
        QCOMPARE(model.pageError(), QString());
        QVERIFY(model.index(300, 0).data().isValid());
        QCOMPARE(failed.count(), 1);
    }

    void keyOrderByTypedValue()
    {
        const auto cmp = [](const char* a, const char* b) {
            return KeyOrderValue::fromCanonical(a).compare(KeyOrderValue::fromCanonical(b));
        };
        // Numbers numerically, exact (beyond double: the 38-digit values differ in the last digit only).
        QCOMPARE(cmp(R"({"Id":{"N":"100"}})", R"({"Id":{"N":"1000"}})"), -1);
        QCOMPARE(cmp(R"({"Id":{"N":"101"}})", R"({"Id":{"N":"1000"}})"), -1);
        QCOMPARE(cmp(R"({"Id":{"N":"2"}})", R"({"Id":{"N":"10"}})"), -1);
        QCOMPARE(cmp(R"({"Id":{"N":"-5"}})", R"({"Id":{"N":"-40"}})"), 1);
        QCOMPARE(cmp(R"({"Id":{"N":"1.5"}})", R"({"Id":{"N":"1.25"}})"), 1);
        QCOMPARE(cmp(R"({"Id":{"N":"1E+3"}})", R"({"Id":{"N":"1000"}})"), 0);
        QCOMPARE(cmp(R"({"Id":{"N":"12345678901234567890123456789012345678"}})",
                     R"({"Id":{"N":"12345678901234567890123456789012345679"}})"),
                 -1);
        // Strings by UTF-8 bytes ("Z" < "a" < "é").
        QCOMPARE(cmp(R"({"Id":{"S":"Z"}})", R"({"Id":{"S":"a"}})"), -1);
        QCOMPARE(cmp(R"({"Id":{"S":"a"}})", R"({"Id":{"S":"é"}})"), -1);
        // Binaries by decoded bytes: 00 ff < 01, and ff > 00 although its base64 text "/w==" sorts before "AA==".
        QCOMPARE(cmp(R"({"Id":{"B":"AP8="}})", R"({"Id":{"B":"AQ=="}})"), -1);
        QCOMPARE(cmp(R"({"Id":{"B":"/w=="}})", R"({"Id":{"B":"AA=="}})"), 1);
        // Composite keys part by part (names in order): the sort key decides when the partition keys match.
        QCOMPARE(cmp(R"({"pk":{"S":"A"},"sk":{"N":"9"}})", R"({"pk":{"S":"A"},"sk":{"N":"10"}})"), -1);
        QCOMPARE(cmp(R"({"pk":{"S":"A"},"sk":{"N":"99"}})", R"({"pk":{"S":"B"},"sk":{"N":"1"}})"), -1);

        const std::vector<std::int64_t> ids{1, 2, 3, 4};
        const std::vector<std::string> keys{R"({"Id":{"N":"1000"}})", R"({"Id":{"N":"100"}})", R"({"Id":{"N":"101"}})",
                                            R"({"Id":{"N":"99"}})"};
        QCOMPARE(sortKeyIdsByValue(ids, keys, false), (std::vector<std::int64_t>{4, 2, 3, 1}));
        QCOMPARE(sortKeyIdsByValue(ids, keys, true), (std::vector<std::int64_t>{1, 3, 2, 4}));
    }

    void storeSessionSortsNumericKeysNumerically()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("n.streamscope"));
        QCOMPARE(appfixture::writeOrdersStore(path, 120), QString()); // Id=0..119 (N)
        StoreSession session;
        QSignalSpy keysReady(&session, &StoreSession::keysReady);
        QCOMPARE(session.open(path), QString());
        QVERIFY(keysReady.wait(10'000));
        auto* keys = session.keyModel();
        QCOMPARE(keys->rowCount(), 120);
        for (int r = 0; r < 120; ++r)
            QCOMPARE(keys->index(r, 0).data().toString(), QStringLiteral("Id=%1").arg(r));
        // Descending (header click) reverses the typed order.
        keys->sort(KeyListModel::KeyColumn, Qt::DescendingOrder);
        QVERIFY(keysReady.wait(10'000));
        QCOMPARE(keys->index(0, 0).data().toString(), QStringLiteral("Id=119"));
        QCOMPARE(keys->index(19, 0).data().toString(), QStringLiteral("Id=100"));
        QCOMPARE(keys->index(20, 0).data().toString(), QStringLiteral("Id=99"));
        QCOMPARE(keys->index(119, 0).data().toString(), QStringLiteral("Id=0"));
    }

    void storeSessionReportsFailedPageRead()
    {
        // A real store whose records table goes away under the GUI connection: the page read fails and the
        // session reports it (the main window shows errorOccurred in its status bar) instead of empty rows.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("s.streamscope"));
        QCOMPARE(appfixture::writeOrdersStore(path, 10), QString());
        StoreSession session;
        QSignalSpy events(&session, &StoreSession::eventsReady);
        QSignalSpy errors(&session, &StoreSession::errorOccurred);
        QCOMPARE(session.open(path), QString());
        QVERIFY(events.wait(10'000));
        QCOMPARE(session.eventModel()->rowCount(), 10);
        {
            auto other = storage::Store::open(path.toStdString(), storage::Database::OpenMode::ReadWriteExisting);
            QVERIFY(other);
            QVERIFY(!other->database().exec("ALTER TABLE records RENAME TO records_gone"));
        }
        QVERIFY(!session.eventModel()->index(0, 0).data().isValid());
        QCOMPARE(errors.count(), 1);
        const QString message = errors.at(0).at(0).toString();
        QVERIFY2(message.startsWith(QStringLiteral("Could not read events from the store: ")), qPrintable(message));
        QVERIFY(!session.eventModel()->pageError().isEmpty());
    }

    void eventFilterRawSearchIsAFilter()
    {
        EventFilter f;
        QVERIFY(f.isDefault());
        f.textInRaw = true;
        QVERIFY(!f.isDefault()); // a raw search builds an id list in a background job
        EventFilter g;
        g.text = "x";
        QVERIFY(!(f == g));
    }

    void tableModel()
    {
        TableListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTables({{"Orders", 3, 10}, {"Users", 2, 5}});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, TableListModel::RecordsColumn).data().toLongLong(), 15);
        QCOMPARE(model.tableAt(0), QString());
        QCOMPARE(model.tableAt(2), QStringLiteral("Users"));
    }

    void diff_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QTest::addColumn<int>("added");
        QTest::addColumn<int>("removed");
        QTest::addColumn<int>("changed");
        QTest::addRow("identical") << R"({"a":{"S":"x"}})"
                                   << R"({"a":{"S":"x"}})" << 0 << 0 << 0;
        QTest::addRow("numbers compare exactly") << R"({"n":{"N":"1.0"}})"
                                                 << R"({"n":{"N":"1"}})" << 0 << 0 << 0;
        QTest::addRow("add remove change") << R"({"a":{"S":"x"},"b":{"N":"1"}})"
                                           << R"({"a":{"S":"y"},"c":{"BOOL":true}})" << 1 << 1 << 1;
        QTest::addRow("insert (no before)") << QString() << R"({"a":{"S":"x"},"b":{"N":"2"}})" << 2 << 0 << 0;
        QTest::addRow("remove (no after)") << R"({"a":{"S":"x"}})" << QString() << 0 << 1 << 0;
        QTest::addRow("nested change") << R"({"m":{"M":{"x":{"N":"1"}}}})"
                                       << R"({"m":{"M":{"x":{"N":"2"}}}})" << 0 << 0 << 1;
    }

    void diff()
    {
        QFETCH(QString, before);
        QFETCH(QString, after);
        QFETCH(int, added);
        QFETCH(int, removed);
        QFETCH(int, changed);
        AttributeDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto b = before.isEmpty() ? std::optional<model::Item>{} : item(before.toUtf8().constData());
        const auto a = after.isEmpty() ? std::optional<model::Item>{} : item(after.toUtf8().constData());
        model.setImages(b, a);
        QCOMPARE(model.addedCount(), added);
        QCOMPARE(model.removedCount(), removed);
        QCOMPARE(model.changedCount(), changed);
        model.setChangesOnly(true);
        QCOMPARE(model.rowCount(), added + removed + changed);
    }

    void diffTreeDetails()
    {
        AttributeDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setImages(item(R"({"big":{"N":"12345678901234567890.123456789"},"bin":{"B":"aGVsbG8="},
                                 "tags":{"SS":["a","b"]},"m":{"M":{"x":{"L":[{"N":"1"},{"N":"2"}]}}}})"),
                        item(R"({"big":{"N":"12345678901234567890.123456780"},"bin":{"B":"aGVsbG8="},
                                 "tags":{"SS":["b","c"]},"m":{"M":{"x":{"L":[{"N":"1"}]}}}})"));
        // Rows sorted by name: big, bin, m, tags.
        QCOMPARE(model.rowCount(), 4);
        const QModelIndex big = model.index(0, AttributeDiffModel::BeforeColumn);
        QCOMPARE(big.data().toString(), QStringLiteral("12345678901234567890.123456789")); // exact, no double
        QCOMPARE(model.index(0, 0).data(ModelRoles::ChangeKindRole).toInt(), int(DiffNode::Change::Changed));
        QCOMPARE(model.index(1, AttributeDiffModel::AfterColumn).data().toString(),
                 QStringLiteral("\"aGVsbG8=\" (5 bytes)"));
        QCOMPARE(model.index(1, 0).data(ModelRoles::ChangeKindRole).toInt(), int(DiffNode::Change::Unchanged));
        const QModelIndex tags = model.index(3, 0);
        QCOMPARE(model.rowCount(tags), 3); // a removed, b kept, c added
        QCOMPARE(model.index(0, 0, tags).data(ModelRoles::ChangeKindRole).toInt(), int(DiffNode::Change::Removed));
        QCOMPARE(model.index(2, 0, tags).data(ModelRoles::ChangeKindRole).toInt(), int(DiffNode::Change::Added));
        const QModelIndex list = model.index(0, 0, model.index(2, 0));
        QCOMPARE(model.rowCount(list), 2);
        QCOMPARE(model.index(1, 0, list).data(ModelRoles::ChangeKindRole).toInt(), int(DiffNode::Change::Removed));
        // JSON copy: plain and DynamoDB.
        QCOMPARE(model.valueJson(model.index(0, AttributeDiffModel::AfterColumn), AttributeDiffModel::Side::After),
                 QStringLiteral("12345678901234567890.123456780"));
        model.setPlainJson(false);
        QCOMPARE(model.valueJson(model.index(0, AttributeDiffModel::AfterColumn), AttributeDiffModel::Side::After),
                 QStringLiteral("{\"N\":\"12345678901234567890.123456780\"}"));
        QCOMPARE(model.index(0, AttributeDiffModel::BeforeColumn).data().toString(),
                 QStringLiteral("{\"N\":\"12345678901234567890.123456789\"}"));
        QVERIFY(model.imageJson(AttributeDiffModel::Side::Before).contains(QStringLiteral("aGVsbG8=")));
        model.setChangesOnly(true);
        QCOMPARE(model.rowCount(), 3); // bin hidden
    }

    void diffModelOnLargeItem()
    {
        // ~10k rows: a map of 10,000 attributes under the tester.
        model::Item before;
        model::Item after;
        for (int i = 0; i < 10'000; ++i) {
            before["a" + std::to_string(i)] = model::AttributeValue::makeNumber(std::to_string(i));
            after["a" + std::to_string(i)] = model::AttributeValue::makeNumber(std::to_string(i % 10 ? i : i + 1));
        }
        AttributeDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setImages(before, after);
        QCOMPARE(model.rowCount(), 10'000);
        QCOMPARE(model.changedCount(), 1'000);
    }

    void timelineModel()
    {
        TimelineModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        std::vector<VersionRow> versions(10'000);
        for (int i = 0; i < 10'000; ++i) {
            versions[std::size_t(i)].recordId = i + 10;
            versions[std::size_t(i)].eventName = i == 9'999 ? model::EventName::Remove : model::EventName::Modify;
            versions[std::size_t(i)].ttl = i == 9'999;
        }
        versions[5].auditMarkers = {"gap"};
        model.setVersions(std::move(versions));
        QCOMPARE(model.rowCount(), 10'000);
        QCOMPARE(model.index(9'999, TimelineModel::EventColumn).data().toString(), QStringLiteral("REMOVE (TTL)"));
        QCOMPARE(model.index(5, TimelineModel::AuditColumn).data().toString(), QStringLiteral("gap"));
        QCOMPARE(model.rowOfRecord(15), 5);
        QCOMPARE(changedAttributeCount(item(R"({"a":{"N":"1"},"b":{"S":"x"}})"),
                                       item(R"({"a":{"N":"1.00"},"c":{"S":"x"}})")),
                 2);
    }

    void timelinePagesGiveTheWholeLoadsRows()
    {
        // The paged timeline lists the same rows as the whole load did (buildVersions over Store::keyHistory), page
        // boundaries included (the first row of a page is compared with the last version of the page before), and
        // reads a version's images only when asked, equal to the whole load's.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("h.streamscope"));
        QCOMPARE(writeHistoryStore(path, 150, 64), QString());
        auto store = storage::Store::open(path.toStdString(), storage::Database::OpenMode::ReadOnly);
        QVERIFY(store);
        const std::int64_t keyId = keyIdOf(*store, "1");
        QVERIFY(keyId > 0);
        auto history = store->keyHistory(keyId);
        QVERIFY(history);
        std::vector<VersionImages> wholeImages;
        const auto whole = buildVersions(*history, keyAuditFindings(*store, keyId), &wholeImages);
        QCOMPARE(whole.size(), std::size_t(150));

        StoreSession session;
        QSignalSpy opened(&session, &StoreSession::overviewReady);
        QCOMPARE(session.open(path), QString());
        QVERIFY(opened.wait(10'000));
        QSignalSpy ready(&session, &StoreSession::historyReady);
        session.openKey(keyId);
        QVERIFY(ready.wait(10'000));
        auto* model = session.timelineModel();
        QCOMPARE(model->rowCount(), 150);
        QCOMPARE(model->cachedPages(), 0); // nothing but the heads until a row is shown
        QCOMPARE(model->cachedImages(), 0);
        int changed = 0;
        for (int r = 149; r >= 0; --r) { // backwards: every page starts without the page before it in the cache
            const VersionRow* v = model->versionAt(r);
            QVERIFY(v);
            const VersionRow& w = whole[std::size_t(r)];
            QCOMPARE(v->recordId, w.recordId);
            QCOMPARE(v->timeMicros, w.timeMicros);
            QCOMPARE(v->eventName, w.eventName);
            QCOMPARE(v->ttl, w.ttl);
            QCOMPARE(v->sequenceNumber, w.sequenceNumber);
            QCOMPARE(v->viewType, w.viewType);
            QCOMPARE(v->changedAttributes, w.changedAttributes);
            changed += v->changedAttributes;
            QCOMPARE(model->index(r, TimelineModel::ChangedColumn).data().toInt(), w.changedAttributes);
            QCOMPARE(model->index(r, TimelineModel::SequenceColumn).data().toString(),
                     QString::fromStdString(w.sequenceNumber));
            QCOMPARE(model->rowOfRecord(w.recordId), r);
        }
        QVERIFY(changed > 150); // the images were compared, not left empty
        QVERIFY(model->cachedPages() <= TimelineModel::MaxPages);
        for (int r : {0, 31, 32, 40, 77, 149}) {
            const auto images = model->images(r);
            QVERIFY(images);
            QCOMPARE(images->recordId, wholeImages[std::size_t(r)].recordId);
            QCOMPARE(images->newImage, wholeImages[std::size_t(r)].newImage);
            QCOMPARE(images->oldImage, wholeImages[std::size_t(r)].oldImage);
        }
        QVERIFY(model->cachedImages() <= TimelineModel::MaxImages);
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    }

    void timelineOfAHugeKeyHoldsOnlyAPage()
    {
        // One key of 1,200 versions x 8 KB (issue 16 item 9 at test size): the timeline opens with the versions'
        // heads only; showing the last row reads one page of full rows, selecting it one version's images, and
        // walking every row keeps at most MaxPages pages.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("huge.streamscope"));
        QCOMPARE(writeHistoryStore(path, 1'200, 8 * 1024), QString());
        StoreSession session;
        QSignalSpy opened(&session, &StoreSession::overviewReady);
        QCOMPARE(session.open(path), QString());
        QVERIFY(opened.wait(30'000));
        std::int64_t keyId = 0;
        {
            auto store = storage::Store::open(path.toStdString(), storage::Database::OpenMode::ReadOnly);
            QVERIFY(store);
            keyId = keyIdOf(*store, "1");
        }
        QSignalSpy ready(&session, &StoreSession::historyReady);
        session.openKey(keyId);
        QVERIFY(ready.wait(60'000));
        auto* model = session.timelineModel();
        QCOMPARE(model->rowCount(), 1'200);
        QCOMPARE(model->heads().size(), std::size_t(1'200));
        QCOMPARE(model->cachedPages(), 0);
        QCOMPARE(model->residentRows(), 0);
        QCOMPARE(model->cachedImages(), 0);
        QCOMPARE(model->index(1'199, TimelineModel::EventColumn).data().toString(), QStringLiteral("MODIFY"));
        QCOMPARE(model->cachedPages(), 0); // time, event and sequence come from the heads
        QVERIFY(model->versionAt(1'199));
        QCOMPARE(model->cachedPages(), 1);
        QVERIFY(model->residentRows() <= TimelineModel::PageSize);
        const auto images = model->images(1'199);
        QVERIFY(images && images->newImage);
        QCOMPARE(images->newImage->at("blob").text().size(), std::size_t(8 * 1024));
        QCOMPARE(model->cachedImages(), 1);
        for (int r = 0; r < model->rowCount(); ++r)
            QVERIFY(model->versionAt(r));
        QCOMPARE(model->cachedPages(), TimelineModel::MaxPages);
        QCOMPARE(model->pageLoads(), 1 + 1'200 / TimelineModel::PageSize + (1'200 % TimelineModel::PageSize ? 1 : 0));
    }

    void timelineAuditCellIsPerVersion()
    {
        // Issue 22: a version's Audit cell lists the findings about that version, each kind once with its count:
        // a gap and two redeliveries of version #41, every late version of a key delivered out of order (the
        // finding points at the first; the others are its affected records), none on a version without findings.
        // The findings come from the key's audit read a window at a time, the same findings as the whole key's.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("a.streamscope"));
        const auto records = historyRecords(150, 64);
        {
            auto store = storage::Store::open(path.toStdString());
            QVERIFY(store);
            QCOMPARE(exporttest::load(*store, records, "history"), std::string());
            QCOMPARE(exporttest::load(*store, {records[40]}, "again-1"), std::string());
            QCOMPARE(exporttest::load(*store, {records[40]}, "again-2"), std::string());
            // Id=3: sequence 1..6 delivered as 1, 2, 5, 3, 4, 6: 3 and 4 arrived after 5.
            std::vector<exporttest::Rec> shuffled;
            for (int seq : {1, 2, 5, 3, 4, 6}) {
                exporttest::Rec r;
                r.table = "Orders";
                r.arn = records[0].arn;
                r.keysJson = "{\"Id\":{\"N\":\"3\"}}";
                r.event = seq == 1 ? "INSERT" : "MODIFY";
                r.seq = std::to_string(5000 + seq);
                r.newImage = "{\"Id\":{\"N\":\"3\"},\"v\":{\"N\":\"" + std::to_string(seq) + "\"}}";
                shuffled.push_back(r);
            }
            QCOMPARE(exporttest::load(*store, shuffled, "shuffled"), std::string());
        }
        auto store = storage::Store::open(path.toStdString(), storage::Database::OpenMode::ReadOnly);
        QVERIFY(store);
        for (const char* id : {"1", "3"}) {
            const std::int64_t keyId = keyIdOf(*store, id);
            auto whole = storage::auditKey(*store, keyId);
            auto windowed = storage::auditKeyInWindows(*store, keyId, {}, 8);
            QVERIFY(whole && windowed);
            std::vector<std::string> a, b;
            for (const auto& f : *whole)
                a.push_back(findingText(f));
            for (const auto& f : *windowed)
                b.push_back(findingText(f));
            std::sort(a.begin(), a.end());
            std::sort(b.begin(), b.end());
            QCOMPARE(b, a);
            QVERIFY(a.size() >= (std::string(id) == "1" ? 10u : 1u)); // gap, duplicates, js-unsafe-number / late
        }

        StoreSession session;
        QSignalSpy opened(&session, &StoreSession::overviewReady);
        QCOMPARE(session.open(path), QString());
        QVERIFY(opened.wait(10'000));
        QSignalSpy audited(&session, &StoreSession::keyAuditReady);
        session.openKey(keyIdOf(*store, "1"));
        QVERIFY(audited.wait(30'000));
        auto* model = session.timelineModel();
        const auto cell = [model](int row) { return model->index(row, TimelineModel::AuditColumn).data().toString(); };
        QCOMPARE(cell(40), QStringLiteral("gap; duplicate \u00d72"));
        QCOMPARE(model->index(40, 0).data(ModelRoles::SeverityRole).toInt(), int(AuditSeverity::Error));
        const QString tip = model->index(40, TimelineModel::AuditColumn).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("OldImage differs")), qPrintable(tip));
        QCOMPARE(cell(1), QString()); // a MODIFY without findings
        QCOMPARE(model->index(1, 0).data(ModelRoles::SeverityRole).toInt(), -1);
        QCOMPARE(cell(3), QStringLiteral("js-unsafe-number")); // one finding per record, whatever it holds

        session.openKey(keyIdOf(*store, "3"));
        QVERIFY(audited.wait(30'000));
        QCOMPARE(model->rowCount(), 6);
        for (int row = 0; row < 6; ++row) {
            const bool late =
                model->index(row, TimelineModel::SequenceColumn).data().toString().endsWith(QLatin1Char('3'))
                || model->index(row, TimelineModel::SequenceColumn).data().toString().endsWith(QLatin1Char('4'));
            QCOMPARE(cell(row).contains(QStringLiteral("out-of-order-arrival")), late);
        }
    }

    void auditModel()
    {
        AuditModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        std::vector<AuditRow> rows;
        for (int i = 0; i < 10'000; ++i)
            rows.push_back({AuditSeverity(i % 3), i % 2 ? "gap" : "duplicate", "m", "T", i + 1, "Id=1", i + 100});
        model.setFindings(std::move(rows));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("Error")); // worst first
        const QModelIndex errors = model.index(0, 0);
        int total = 0;
        for (int k = 0; k < model.rowCount(errors); ++k)
            total += model.index(k, AuditModel::CountColumn, errors).data().toInt();
        QCOMPARE(total, model.index(0, AuditModel::CountColumn).data().toInt());
        const QModelIndex finding = model.index(0, 0, model.index(0, 0, errors));
        QVERIFY(model.findingAt(finding));
        QVERIFY(finding.data(ModelRoles::RecordIdRole).toLongLong() >= 100);
    }

    void indentJsonKeepsNumbers()
    {
        const QString text = formatting::indentJson(QStringLiteral(R"({"a":[1.50,{"s":"x,{y}"}],"e":{}})"));
        QVERIFY(text.contains(QStringLiteral("1.50")));
        QVERIFY(text.contains(QStringLiteral("\"x,{y}\"")));
        QVERIFY(text.contains(QStringLiteral("\"e\": {}")));
    }

    void jobTrackerDropsStaleResults()
    {
        JobTracker tracker;
        QStringList delivered;
        QSignalSpy spy(&tracker, &JobTracker::jobDelivered);
        QSignalSpy busy(&tracker, &JobTracker::busyChanged);
        std::atomic<bool> release{false};
        std::atomic<bool> interrupted{false};
        std::atomic<bool> hooked{false};
        tracker.run<QString>(
            0,
            [&](JobContext& ctx) {
                ctx.setInterruptHook([&]() { interrupted = true; });
                hooked = true;
                while (!release.load())
                    QThread::msleep(5);
                return QStringLiteral("old");
            },
            [&](QString s) { delivered << s; });
        QTRY_VERIFY(hooked.load());
        tracker.run<QString>(
            0, [](JobContext&) { return QStringLiteral("new"); }, [&](QString s) { delivered << s; });
        const bool wasInterrupted = interrupted.load();
        release = true;
        QVERIFY(wasInterrupted); // the superseded job was told to stop
        QVERIFY(spy.wait(10'000));
        tracker.waitForDone();
        QCoreApplication::processEvents();
        QTRY_VERIFY(!tracker.isBusy());
        QCOMPARE(delivered, QStringList{QStringLiteral("new")});
        QVERIFY(busy.count() >= 2);
    }

    void importSummaryNumbersRecordsFromOne()
    {
        // The GUI's import summary counts records from 1 and gives line and column, like the CLI (issue 17). A real
        // import of a file whose second record (line 14, column 5) has no Keys, and of one with a syntax error in
        // its second record (line 17, column 7).
        const QString skipped = QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/positions/skipped-record.json");
        const QString broken = QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/positions/missing-comma.json");
        QTemporaryDir dir;
        auto store = storage::Store::open(dir.filePath(QStringLiteral("s.streamscope")).toStdString());
        QVERIFY(store);
        const ImportResultInfo info = convertImportSummary(
            storage::importCaptures(store->database(), {skipped.toStdString(), broken.toStdString()}));
        QCOMPARE(info.skipped.size(), std::size_t(1));
        QCOMPARE(info.skipped[0].record, 2);
        QCOMPARE(info.skipped[0].line, 14);
        QCOMPARE(info.skipped[0].column, 5);
        QCOMPARE(info.skipped[0].byteOffset, 369);
        QCOMPARE(info.failed.size(), std::size_t(1));
        QVERIFY2(
            info.failed[0].reason.startsWith(QStringLiteral("record 2 at line 17, column 7 (byte 428): JSON syntax "
                                                            "error")),
            qPrintable(info.failed[0].reason));
    }

    void importJobProgressAndCancel()
    {
        // A fake importer: 100 steps; stops when the progress callback says so.
        ImportJob job(nullptr,
                      [](const QString&, const QStringList& files,
                         const std::function<bool(const ImportProgressInfo&)>& progress) {
                          ImportResultInfo s;
                          for (int i = 1; i <= 100; ++i) {
                              ImportProgressInfo p;
                              p.bytesRead = i * 10;
                              p.bytesTotal = 1000;
                              p.records = i;
                              p.fileCount = static_cast<int>(files.size());
                              p.currentFile = files.value(0);
                              if (!progress(p))
                                  return s;
                              QThread::msleep(5);
                              s.inserted = i;
                          }
                          s.filesImported = 1;
                          s.skipped.push_back({files.value(0), 7, 1234, 0, 0, QStringLiteral("bad record")});
                          return s;
                      });
        job.setProgressIntervalMs(0);
        QSignalSpy progress(&job, &ImportJob::progressChanged);
        QSignalSpy finished(&job, &ImportJob::finished);
        job.start(QStringLiteral("store"), {QStringLiteral("a.json")});
        QVERIFY(finished.wait(10'000));
        QVERIFY(progress.count() > 10);
        auto summary = finished.at(0).at(0).value<ImportResultInfo>();
        QCOMPARE(summary.inserted, 100);
        QCOMPARE(summary.skipped.size(), std::size_t(1));
        QCOMPARE(summary.skipped[0].byteOffset, 1234);
        QVERIFY(!summary.cancelled);

        job.start(QStringLiteral("store"), {QStringLiteral("a.json")});
        QVERIFY(progress.wait(5'000));
        job.cancel();
        QVERIFY(finished.wait(10'000));
        summary = finished.at(1).at(0).value<ImportResultInfo>();
        QVERIFY(summary.cancelled);
        QVERIFY(summary.inserted < 100);
    }

    void importFolderTakesSameFilesAsCli()
    {
        // A folder with a capture, a hidden capture, a hidden folder and a capture whose name is not .json: the GUI
        // takes exactly the files `streamscope import` takes (every file, hidden ones skipped).
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString data = QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/import/");
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("in/sub")));
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("in/.cache")));
        QVERIFY(QFile::copy(data + QStringLiteral("array-of-events.json"), dir.filePath(QStringLiteral("in/a.json"))));
        QVERIFY(
            QFile::copy(data + QStringLiteral("jsonl-records.jsonl"), dir.filePath(QStringLiteral("in/.hidden.json"))));
        QVERIFY(QFile::copy(data + QStringLiteral("jsonl-records.jsonl"),
                            dir.filePath(QStringLiteral("in/.cache/c.json"))));
        QVERIFY(QFile::copy(data + QStringLiteral("kinesis-us-and-ms.json"),
                            dir.filePath(QStringLiteral("in/sub/capture.txt"))));
        const QString folder = dir.filePath(QStringLiteral("in"));

        const QStringList gui = ImportJob::expandPaths({folder});
        std::vector<std::string> errors;
        QStringList cli;
        for (const auto& input : storage::expandInputPaths({folder.toStdString()}, errors))
            cli << QString::fromStdString(input.path);
        QCOMPARE(gui, cli);
        QCOMPARE(gui, QStringList({folder + QStringLiteral("/a.json"), folder + QStringLiteral("/sub/capture.txt")}));

        // And the import itself: the GUI job (real importer) and the CLI's importCaptures take the same files.
        ImportJob job;
        QSignalSpy finished(&job, &ImportJob::finished);
        job.start(dir.filePath(QStringLiteral("gui.streamscope")), {folder});
        QVERIFY(finished.wait(30'000));
        const auto summary = finished.at(0).at(0).value<ImportResultInfo>();
        QCOMPARE(summary.storeError, QString());
        QCOMPARE(summary.failed.size(), std::size_t(0));
        auto store = storage::Store::open(dir.filePath(QStringLiteral("cli.streamscope")).toStdString());
        QVERIFY(store);
        const auto cliSummary = storage::importCaptures(store->database(), {folder.toStdString()});
        QCOMPARE(cliSummary.files.size(), std::size_t(2));
        QCOMPARE(summary.filesImported, 2);
        QCOMPARE(summary.inserted, cliSummary.files[0].inserted + cliSummary.files[1].inserted);
    }

    void exportSelectionFollowsEventsFilter()
    {
        EventFilter none;
        const storage::RecordSelection all = exportSelectionOf(none);
        QVERIFY(all.tables.empty());
        QVERIFY(all.eventNames.empty());
        QVERIFY(!all.filter.has_value());

        EventFilter f;
        f.table = "Orders";
        f.eventMask = (1u << unsigned(model::EventName::Insert)) | (1u << unsigned(model::EventName::Remove));
        f.fromMicros = 10;
        f.toMicros = 20;
        f.text = "Hauptstra";
        f.textInRaw = true;
        const storage::RecordSelection s = exportSelectionOf(f);
        QCOMPARE(s.tables, std::vector<std::string>{"Orders"});
        QCOMPARE(s.eventNames.size(), std::size_t(2));
        QVERIFY(s.eventNames[0] == model::EventName::Insert);
        QVERIFY(s.eventNames[1] == model::EventName::Remove);
        QCOMPARE(s.fromMicros, std::optional<std::int64_t>(10));
        QCOMPARE(s.toMicros, std::optional<std::int64_t>(20));
        QVERIFY(s.filter.has_value());
        QCOMPARE(s.filter->text, std::string("Hauptstra"));
        QVERIFY(s.filter->textInRaw); // "Search raw records": export/replay take what the table shows

        f.textInRaw = false;
        QVERIFY(!exportSelectionOf(f).filter->textInRaw);
        QVERIFY(s.where.empty());
        f.where = "NewImage.status == \"SHIPPED\"";
        QCOMPARE(exportSelectionOf(f).where, f.where); // the display filter: export/replay what the table shows
    }

    // The Events bar's check: valid or empty text applies; a mistake gives the column and the place in the text
    // (characters, also after a character outside the BMP).
    void displayFilterCheck()
    {
        QVERIFY(checkDisplayFilter(QStringLiteral("NewImage.status == \"A\" and changed(total)")).valid);
        const DisplayFilterCheck bad = checkDisplayFilter(QStringLiteral("eventName = 1"));
        QVERIFY(!bad.valid);
        QCOMPARE(bad.column, 11);
        QCOMPARE(bad.position, 10);
        QVERIFY2(bad.message.startsWith(QStringLiteral("column 11: ")), qPrintable(bad.message));
        const DisplayFilterCheck wide = checkDisplayFilter(QStringLiteral("NewImage.`\U0001F600` == 1 and ="));
        QVERIFY(!wide.valid);
        QCOMPARE(wide.column, 23);
        QCOMPARE(wide.position, 23); // the emoji is one column, two UTF-16 units
        QCOMPARE(QStringLiteral("NewImage.`\U0001F600` == 1 and =").mid(wide.position, 1), QStringLiteral("="));
    }

    // The events job's display filter step: the ids the expression holds for, in the order given; a stale job stops.
    void recordsMatchingKeepsOrder()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("o.streamscope"));
        QCOMPARE(appfixture::writeOrdersStore(path, 600), QString());
        auto store = storage::Store::open(path.toStdString(), storage::Database::OpenMode::ReadOnly);
        QVERIFY(store);
        std::vector<std::int64_t> ids;
        for (std::int64_t id = 600; id >= 1; --id)
            ids.push_back(id);
        auto kept = recordsMatching(*store, ids, "NewImage.Id >= 590 or Keys.Id == 3");
        QVERIFY2(kept, kept ? "" : kept.error().message.c_str());
        QCOMPARE(kept->size(), std::size_t(11));
        QCOMPARE(kept->front(), std::int64_t(600)); // Id 599 is record 600
        QCOMPARE(kept->at(9), std::int64_t(591));
        QCOMPARE(kept->back(), std::int64_t(4));
        auto none = recordsMatching(*store, ids, "eventName == \"REMOVE\"");
        QVERIFY(none && none->empty());
        auto stale = recordsMatching(*store, ids, "exists(NewImage.Id)", []() { return true; });
        QVERIFY(!stale);
        QCOMPARE(stale.error().kind, storage::Error::Kind::Interrupted);
        QVERIFY(!recordsMatching(*store, ids, "eventName ="));
    }
};

QTEST_GUILESS_MAIN(TestViewModels)
#include "tst_viewmodels.moc"
