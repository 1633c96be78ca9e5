// Store queries: tables/totals/sources, key paging (every sort, both directions, filters, page boundaries),
// a key's history (sequence and time ordering), record paging in every order with filters against a brute-force
// expectation, materialised id lists, counts, activity buckets, time ranges, the audit scan, duplicates/conflicts.

#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "model/itemhistory.h"
#include "model/sequencenumber.h"
#include "storage/store/store.h"
#include "storage/storetestutil.h"

using namespace storage;
using storetest::Spec;

Q_DECLARE_METATYPE(storage::KeySort)
Q_DECLARE_METATYPE(storage::RecordOrder)

namespace {

constexpr std::int64_t kT0 = 1'700'000'000'000'000; // µs

std::string keyJson(const std::string& pk, int sk)
{
    return "{\"PK\":{\"S\":\"" + pk + "\"},\"SK\":{\"N\":\"" + std::to_string(sk) + "\"}}";
}

// A filter for the data-driven record tests, described by a small code.
RecordFilter filterFor(int code, const std::map<std::string, std::int64_t>& tableIds)
{
    RecordFilter f;
    switch (code) {
    case 1:
        f.tableId = tableIds.at("Orders");
        break;
    case 2:
        f.eventNames = {model::EventName::Modify, model::EventName::Remove};
        break;
    case 3:
        f.fromMicros = kT0 + 20'000'000;
        f.toMicros = kT0 + 90'000'000;
        break;
    case 4:
        f.text = "user#1"; // case-insensitive: matches "USER#1", "USER#10".. in key text
        break;
    case 5:
        f.ttl = true;
        break;
    case 6:
        f.tableId = tableIds.at("Kds");
        break;
    case 7:
        f.tableId = tableIds.at("Orders");
        f.eventNames = {model::EventName::Insert};
        f.fromMicros = kT0;
        break;
    case 8:
        f.text = "%_"; // LIKE wildcards are literal
        break;
    default:
        break;
    }
    return f;
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::optional<Store> m_store;
    std::vector<RecordRow> m_rows;                  // every stored record, by id
    std::map<std::string, std::int64_t> m_tableIds; // name -> id
    std::map<std::int64_t, std::string> m_keyText;  // key id -> display text
    std::int64_t m_duplicates = 0;
    std::int64_t m_conflicts = 0;

    bool matches(const RecordRow& r, const RecordFilter& f) const
    {
        if (f.tableId && r.tableId != *f.tableId)
            return false;
        if (f.keyId && r.keyId != *f.keyId)
            return false;
        if (!f.eventNames.empty()
            && std::find(f.eventNames.begin(), f.eventNames.end(), r.eventName) == f.eventNames.end())
            return false;
        if (f.ttl && r.ttl != *f.ttl)
            return false;
        if (f.fromMicros && (!r.creationTimeMicros || *r.creationTimeMicros < *f.fromMicros))
            return false;
        if (f.toMicros && (!r.creationTimeMicros || *r.creationTimeMicros >= *f.toMicros))
            return false;
        if (!f.text.empty()) {
            auto lower = [](std::string s) {
                for (char& c : s)
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                return s;
            };
            const std::string needle = lower(f.text);
            if (lower(m_keyText.at(r.keyId)).find(needle) == std::string::npos
                && lower(r.eventId).find(needle) == std::string::npos
                && r.sequenceNumber.find(needle) == std::string::npos)
                return false;
        }
        return true;
    }

    std::vector<std::int64_t> expectedIds(const RecordFilter& f, RecordOrder order) const
    {
        std::vector<const RecordRow*> rows;
        for (const RecordRow& r : m_rows) {
            if (matches(r, f))
                rows.push_back(&r);
        }
        std::stable_sort(rows.begin(), rows.end(), [order](const RecordRow* a, const RecordRow* b) {
            switch (order) {
            case RecordOrder::Arrival:
                return a->id < b->id;
            case RecordOrder::Time:
                if (a->creationTimeMicros != b->creationTimeMicros)
                    return a->creationTimeMicros < b->creationTimeMicros;
                return a->id < b->id;
            case RecordOrder::Sequence:
                if (a->streamId != b->streamId)
                    return a->streamId < b->streamId;
                if (a->sequenceNumber.empty() != b->sequenceNumber.empty())
                    return a->sequenceNumber.empty();
                if (!a->sequenceNumber.empty()) {
                    const int c = model::compareSequenceNumbers(a->sequenceNumber, b->sequenceNumber);
                    if (c != 0)
                        return c < 0;
                }
                return a->id < b->id;
            }
            return false;
        });
        std::vector<std::int64_t> ids;
        for (const RecordRow* r : rows)
            ids.push_back(r->id);
        return ids;
    }

    using Seen = std::vector<std::tuple<std::int64_t, std::vector<std::string>, int, std::string, std::int64_t>>;

    /// Every key's rows as forEachKeyHistory hands them over, each row's every field as text; counts the rows with an
    /// OldImage into `withOldImage`.
    static Seen scanRows(Store& store, const ScanOptions& options, int& withOldImage)
    {
        const auto optionalText = [](const std::optional<std::string>& text) {
            return text ? "[" + *text + "]" : std::string("none");
        };
        Seen seen;
        auto error = store.forEachKeyHistory(options, [&](KeyHistory& h) {
            std::vector<std::string> rows;
            for (const RecordRow& r : h.records) {
                rows.push_back(std::to_string(r.id) + "|" + std::to_string(r.tableId) + "|" + std::to_string(r.streamId)
                               + "|" + std::to_string(r.keyId) + "|" + r.tableName + "|" + r.streamArn + "|" + r.region
                               + "|" + std::to_string(static_cast<int>(r.eventName)) + "|" + r.sequenceNumber + "|"
                               + r.eventId + "|" + std::to_string(r.creationTimeMicros.value_or(-1)) + "|"
                               + std::to_string(static_cast<int>(r.timeUnit)) + "|" + r.timeText + "|"
                               + std::to_string(r.sizeBytes.value_or(-1)) + "|"
                               + std::to_string(static_cast<int>(r.viewType)) + "|" + (r.ttl ? "ttl" : "") + "|"
                               + r.shape + "|" + r.keysJson + "|" + optionalText(r.newImageJson) + "|"
                               + optionalText(r.oldImageJson) + "|" + std::to_string(r.position.sourceId) + "|"
                               + std::to_string(r.position.recordIndex) + "|" + std::to_string(r.position.byteOffset)
                               + "|" + r.raw + "|" + std::to_string(r.windowFromMicros.value_or(-1)));
                withOldImage += r.oldImageJson ? 1 : 0;
            }
            seen.emplace_back(h.key.id, std::move(rows), static_cast<int>(h.ordering), h.tableName, h.recordsLeftOut);
            return true;
        });
        if (error)
            qFatal("forEachKeyHistory: %s", error->message.c_str());
        return seen;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        auto store = Store::open((m_dir.path() + QStringLiteral("/q.streamscope")).toStdString());
        QVERIFY(store);
        m_store.emplace(std::move(*store));

        // Orders: 40 keys USER#0..USER#39 x SK, records with sequence numbers, shuffled arrival, some without time.
        std::vector<Spec> orders;
        int n = 0;
        for (int round = 0; round < 4; ++round) {
            for (int k = 0; k < 40; ++k) {
                if ((k + round) % 3 == 0 && round > 0)
                    continue; // uneven record counts per key
                Spec s;
                s.table = "Orders";
                s.keys = keyJson("USER#" + std::to_string(k), k % 4);
                s.eventName = round == 0
                    ? model::EventName::Insert
                    : (round == 3 && k % 5 == 0 ? model::EventName::Remove : model::EventName::Modify);
                s.ttl = s.eventName == model::EventName::Remove && k % 10 == 0;
                // Sequence numbers of different lengths: numeric order must win over text order.
                s.sequenceNumber = std::to_string(n % 7 == 0 ? 900 + n : 100000 + n * 13 % 160 * 1000 + n);
                s.eventId = "evt-" + std::to_string(n);
                if (n % 17 != 5)
                    s.timeMicros = kT0 + static_cast<std::int64_t>((n * 7919) % 120) * 1'000'000;
                s.newImage =
                    s.eventName == model::EventName::Remove ? std::nullopt : std::optional<std::string>(s.keys);
                s.recordIndex = n;
                orders.push_back(s);
                ++n;
            }
        }
        std::reverse(orders.begin() + 20, orders.begin() + 60); // arrival != sequence order
        // A second stream of Orders (re-enabled stream) with the same sequence numbers: not duplicates.
        Spec otherStream = orders.front();
        otherStream.streamArn += "-b";
        orders.push_back(otherStream);

        // Customers: 5 keys, with a duplicate and a conflict in a second source.
        std::vector<Spec> customers;
        for (int i = 0; i < 5; ++i) {
            Spec s;
            s.table = "Customers";
            s.streamArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/Customers/stream/1";
            s.keys = storetest::idKeys(i);
            s.sequenceNumber = storetest::seq(i + 1);
            s.eventId = "cust-" + std::to_string(i);
            s.timeMicros = kT0 + 200'000'000 + i;
            s.newImage = s.keys;
            customers.push_back(s);
        }
        std::vector<Spec> customersAgain{customers[1], customers[2]};
        customersAgain[1].eventName = model::EventName::Modify; // conflict

        // Kds: no sequence numbers (Kinesis), times out of arrival order, one without time.
        std::vector<Spec> kds;
        for (int i = 0; i < 12; ++i) {
            Spec s;
            s.table = "Kds";
            s.streamArn.clear();
            s.keys = storetest::idKeys(i % 2);
            s.eventId = "kds-" + std::to_string(i);
            if (i != 3)
                s.timeMicros = kT0 + static_cast<std::int64_t>((i * 5) % 12) * 1000;
            s.eventName = i < 2 ? model::EventName::Insert : model::EventName::Modify;
            s.newImage =
                "{\"Id\":{\"N\":\"" + std::to_string(i % 2) + "\"},\"v\":{\"N\":\"" + std::to_string(i) + "\"}}";
            s.imagesOutsideRaw = true;
            kds.push_back(s);
        }

        std::vector<AddOutcome> outcomes;
        QCOMPARE(storetest::writeSource(m_store->database(), "orders.json", orders, &outcomes), std::string());
        QCOMPARE(storetest::writeSource(m_store->database(), "customers.json", customers, &outcomes), std::string());
        QCOMPARE(storetest::writeSource(m_store->database(), "customers-again.json", customersAgain, &outcomes),
                 std::string());
        QCOMPARE(storetest::writeSource(m_store->database(), "kds.json", kds, &outcomes), std::string());
        std::vector<std::int64_t> ids;
        for (const AddOutcome& o : outcomes) {
            if (o.kind == AddOutcome::Kind::Inserted)
                ids.push_back(o.recordId);
            m_duplicates += o.kind == AddOutcome::Kind::Duplicate;
            m_conflicts += o.kind == AddOutcome::Kind::Conflict;
        }
        QCOMPARE(m_duplicates, std::int64_t{1});
        QCOMPARE(m_conflicts, std::int64_t{1});
        auto rows = m_store->recordsByIds(ids);
        QVERIFY(rows);
        m_rows = std::move(*rows);
        QCOMPARE(m_rows.size(), ids.size());
        for (std::size_t i = 0; i < m_rows.size(); ++i)
            QCOMPARE(m_rows[i].id, static_cast<std::int64_t>(i + 1)); // dense arrival ids
        auto tables = m_store->tables();
        QVERIFY(tables);
        for (const TableInfo& t : *tables)
            m_tableIds[t.name] = t.id;
        KeyQuery all;
        auto keyIds = m_store->keyIds(all);
        QVERIFY(keyIds);
        auto keys = m_store->keysByIds(*keyIds);
        QVERIFY(keys);
        for (const KeyInfo& k : *keys)
            m_keyText[k.id] = k.displayText;
    }

    void tablesAndTotals()
    {
        auto tables = m_store->tables();
        QVERIFY(tables);
        QCOMPARE(tables->size(), std::size_t{3});
        QCOMPARE(tables->at(0).name, std::string("Customers")); // by name
        QCOMPARE(tables->at(1).name, std::string("Kds"));
        QCOMPARE(tables->at(2).name, std::string("Orders"));
        QCOMPARE(tables->at(2).streams.size(), std::size_t{2});
        QCOMPARE(tables->at(1).streams.front().arn, std::string());
        std::int64_t sum = 0;
        for (const TableInfo& t : *tables) {
            sum += t.recordCount;
            std::int64_t streamSum = 0;
            for (const StreamInfo& s : t.streams)
                streamSum += s.recordCount;
            QCOMPARE(streamSum, t.recordCount);
            RecordFilter f;
            f.tableId = t.id;
            QCOMPARE(static_cast<std::int64_t>(expectedIds(f, RecordOrder::Arrival).size()), t.recordCount);
        }
        QCOMPARE(tables->at(0).keyCount, std::int64_t{5});
        QCOMPARE(tables->at(1).keyCount, std::int64_t{2});
        QCOMPARE(tables->at(2).keyCount, std::int64_t{40});
        auto totals = m_store->totals();
        QVERIFY(totals);
        QCOMPARE(totals->records, static_cast<std::int64_t>(m_rows.size()));
        QCOMPARE(totals->records, sum);
        QCOMPARE(totals->keys, std::int64_t{47});
        QCOMPARE(totals->tables, std::int64_t{3});
        QCOMPARE(totals->streams, std::int64_t{4});
        QCOMPARE(totals->sources, std::int64_t{4});
        QCOMPARE(totals->duplicates, m_duplicates);
        QCOMPARE(totals->conflicts, m_conflicts);
        QCOMPARE(totals->firstTimeMicros, std::optional<std::int64_t>(kT0));
        QCOMPARE(totals->lastTimeMicros, std::optional<std::int64_t>(kT0 + 200'000'004));
        auto sources = m_store->sources();
        QVERIFY(sources);
        QCOMPARE(sources->size(), std::size_t{4});
        QCOMPARE(sources->at(2).path, std::string("customers-again.json"));
        QCOMPARE(sources->at(2).duplicates, std::int64_t{1});
        QCOMPARE(sources->at(2).conflicts, std::int64_t{1});
        auto found = m_store->findTable("Kds");
        QVERIFY(found && *found);
        QCOMPARE((*found)->id, m_tableIds["Kds"]);
        QVERIFY(!*m_store->findTable("Nope"));
    }

    void keyPaging_data()
    {
        QTest::addColumn<KeySort>("sort");
        QTest::addColumn<bool>("descending");
        QTest::addColumn<QString>("filter");
        QTest::addColumn<bool>("allTables");
        QTest::addColumn<int>("pageSize");
        for (KeySort sort : {KeySort::KeyText, KeySort::RecordCount, KeySort::LastChange}) {
            for (bool desc : {false, true}) {
                for (int pageSize : {1, 7, 40, 1000}) {
                    const char* s = sort == KeySort::KeyText ? "text" : sort == KeySort::RecordCount ? "count" : "last";
                    QTest::addRow("%s %s page %d", s, desc ? "desc" : "asc", pageSize)
                        << sort << desc << QString() << false << pageSize;
                }
                QTest::addRow("%s %s filtered",
                              sort == KeySort::KeyText           ? "text"
                                  : sort == KeySort::RecordCount ? "count"
                                                                 : "last",
                              desc ? "desc" : "asc")
                    << sort << desc << QStringLiteral("user#2") << false << 3;
                QTest::addRow("%s %s all tables",
                              sort == KeySort::KeyText           ? "text"
                                  : sort == KeySort::RecordCount ? "count"
                                                                 : "last",
                              desc ? "desc" : "asc")
                    << sort << desc << QString() << true << 5;
            }
        }
    }

    // KeySort::KeyValue: keyIds ordered by typed value in SQL (streamscope_key_order), numbers numerically whatever
    // their spelling, ties by id, descending the reverse; the order function is not callable from the file's schema.
    void keyIdsByValue()
    {
        auto store = Store::open((m_dir.path() + QStringLiteral("/byvalue.streamscope")).toStdString());
        QVERIFY(store);
        const std::vector<std::string> numbers{"100", "1000", "101", "2", "-5", "1.5", "7.25", "10"};
        std::vector<Spec> specs;
        for (std::size_t i = 0; i < numbers.size(); ++i) {
            Spec s;
            s.table = "Numbers";
            s.keys = "{\"Id\":{\"N\":\"" + numbers[i] + "\"}}"; // no raw strings: moc counts their braces
            s.sequenceNumber = storetest::seq(static_cast<std::int64_t>(i + 1));
            s.newImage = s.keys;
            specs.push_back(s);
        }
        QCOMPARE(storetest::writeSource(store->database(), "numbers.json", specs), std::string());
        KeyQuery query;
        query.sort = KeySort::KeyValue;
        const auto order = [&]() {
            std::vector<std::string> texts;
            auto ids = store->keyIds(query);
            if (!ids)
                return std::vector<std::string>{ids.error().message};
            auto keys = store->keysByIds(*ids);
            for (const KeyInfo& k : *keys)
                texts.push_back(k.displayText);
            return texts;
        };
        const std::vector<std::string> ascending{"Id=-5", "Id=1.5", "Id=2",   "Id=7.25",
                                                 "Id=10", "Id=100", "Id=101", "Id=1000"};
        QCOMPARE(order(), ascending);
        query.descending = true;
        QCOMPARE(order(), std::vector<std::string>(ascending.rbegin(), ascending.rend()));
        query.filter = "10";
        QCOMPARE(order(), (std::vector<std::string>{"Id=1000", "Id=101", "Id=100", "Id=10"}));
        query.limit = 2;
        QVERIFY(!store->keys(query)); // pages by value are not offered (keyIds only)
        // DIRECTONLY: a view in the file cannot call it (a store from elsewhere cannot make it run).
        QVERIFY(!store->database().exec("CREATE VIEW order_view AS SELECT streamscope_key_order(canonical) "
                                        "AS o FROM keys"));
        auto viaView = store->database().queryInt("SELECT count(o) FROM order_view");
        QVERIFY(!viaView);
    }

    void keyPaging()
    {
        QFETCH(KeySort, sort);
        QFETCH(bool, descending);
        QFETCH(QString, filter);
        QFETCH(bool, allTables);
        QFETCH(int, pageSize);
        KeyQuery query;
        if (!allTables)
            query.tableId = m_tableIds["Orders"];
        query.filter = filter.toStdString();
        query.sort = sort;
        query.descending = descending;
        query.limit = pageSize;

        // Brute force: every key of the scope, filtered, sorted by (value, id) with NULLs first ascending.
        KeyQuery everything;
        auto allIds = m_store->keyIds(everything);
        auto allKeys = m_store->keysByIds(*allIds);
        std::vector<KeyInfo> expected;
        for (const KeyInfo& k : *allKeys) {
            if (query.tableId && k.tableId != *query.tableId)
                continue;
            QString text = QString::fromStdString(k.displayText);
            if (!filter.isEmpty() && !text.contains(filter, Qt::CaseInsensitive))
                continue;
            expected.push_back(k);
        }
        auto less = [sort](const KeyInfo& a, const KeyInfo& b) {
            if (sort == KeySort::KeyText && a.displayText != b.displayText)
                return a.displayText < b.displayText;
            if (sort == KeySort::RecordCount && a.recordCount != b.recordCount)
                return a.recordCount < b.recordCount;
            if (sort == KeySort::LastChange && a.lastTimeMicros != b.lastTimeMicros)
                return a.lastTimeMicros < b.lastTimeMicros;
            return a.id < b.id;
        };
        std::sort(expected.begin(), expected.end(), less);
        if (descending)
            std::reverse(expected.begin(), expected.end());
        std::vector<std::int64_t> expectedIds;
        for (const KeyInfo& k : expected)
            expectedIds.push_back(k.id);
        QVERIFY(!expectedIds.empty());

        std::vector<std::int64_t> paged;
        int pages = 0;
        for (;;) {
            auto page = m_store->keys(query);
            QVERIFY2(page, page ? "" : page.error().message.c_str());
            QVERIFY(page->keys.size() <= static_cast<std::size_t>(pageSize));
            for (const KeyInfo& k : page->keys)
                paged.push_back(k.id);
            ++pages;
            QVERIFY(pages < 1000);
            if (!page->next)
                break;
            query.after = page->next;
        }
        QCOMPARE(paged, expectedIds);
        query.after.reset();
        auto ids = m_store->keyIds(query);
        QVERIFY(ids);
        QCOMPARE(*ids, expectedIds);
        auto count = m_store->countKeys(query);
        QVERIFY(count);
        QCOMPARE(*count, static_cast<std::int64_t>(expectedIds.size()));
    }

    void findKeyAndHistory()
    {
        const std::int64_t orders = m_tableIds["Orders"];
        auto key = m_store->findKey(orders, keyJson("USER#3", 3));
        QVERIFY(key && *key);
        QCOMPARE((*key)->displayText, std::string("PK=USER#3, SK=3"));
        auto history = m_store->keyHistory((*key)->id, /*withRaw=*/true);
        QVERIFY(history);
        QCOMPARE(history->ordering, HistoryOrdering::Sequence);
        QCOMPARE(history->tableName, std::string("Orders"));
        QCOMPARE(static_cast<std::int64_t>(history->records.size()), (*key)->recordCount);
        QVERIFY(history->records.size() >= 2);
        for (std::size_t i = 1; i < history->records.size(); ++i)
            QVERIFY(model::compareSequenceNumbers(history->records[i - 1].sequenceNumber,
                                                  history->records[i].sequenceNumber)
                    < 0);
        QVERIFY(!history->records.front().raw.empty());
        QCOMPARE(history->records.front().sequenceNumber, std::string("942")); // numeric, not arrival order
        auto limited = m_store->keyHistory((*key)->id, false, 1);
        QCOMPARE(limited->records.size(), std::size_t{1});
        QVERIFY(limited->records.front().raw.empty());

        // Kds: no sequence numbers -> time order (no time first), then arrival.
        auto kdsKey = m_store->findKey(m_tableIds["Kds"], storetest::idKeys(1));
        QVERIFY(kdsKey && *kdsKey);
        auto kds = m_store->keyHistory((*kdsKey)->id);
        QCOMPARE(kds->ordering, HistoryOrdering::Time);
        QCOMPARE(kds->records.size(), std::size_t{6});
        QVERIFY(!kds->records.front().creationTimeMicros); // record 3 has no time
        for (std::size_t i = 2; i < kds->records.size(); ++i) {
            const auto& a = kds->records[i - 1];
            const auto& b = kds->records[i];
            QVERIFY(a.creationTimeMicros < b.creationTimeMicros
                    || (a.creationTimeMicros == b.creationTimeMicros && a.id < b.id));
        }
        QCOMPARE(historyOrderingText(kds->ordering), std::string_view("time"));
        auto decoded = toStreamRecord(kds->records.back());
        QVERIFY(decoded);
        QCOMPARE(decoded->table, std::string("Kds"));

        QVERIFY(!m_store->keyHistory(999999)); // unknown key is an error, not an empty history
        QVERIFY(!*m_store->findKey(orders, keyJson("nobody", 1)));
    }

    void recordPaging_data()
    {
        QTest::addColumn<int>("filterCode");
        QTest::addColumn<RecordOrder>("order");
        QTest::addColumn<int>("pageSize");
        const char* names[] = {"all", "orders", "modify+remove", "time range", "text",
                               "ttl", "kds",    "combined",      "wildcards"};
        for (int code = 0; code <= 8; ++code) {
            for (RecordOrder order : {RecordOrder::Arrival, RecordOrder::Time, RecordOrder::Sequence}) {
                const char* o = order == RecordOrder::Arrival ? "arrival" : order == RecordOrder::Time ? "time" : "seq";
                for (int pageSize : {1, 13, 10000})
                    QTest::addRow("%s %s page %d", names[code], o, pageSize) << code << order << pageSize;
            }
        }
    }

    void recordPaging()
    {
        QFETCH(int, filterCode);
        QFETCH(RecordOrder, order);
        QFETCH(int, pageSize);
        const RecordFilter filter = filterFor(filterCode, m_tableIds);
        const std::vector<std::int64_t> expected = expectedIds(filter, order);
        if (filterCode != 8)
            QVERIFY(!expected.empty());

        std::vector<std::int64_t> summaries;
        std::vector<std::int64_t> full;
        RecordCursor cursor;
        for (int guard = 0;; ++guard) {
            QVERIFY(guard < 1000);
            auto page = m_store->recordSummaries(filter, order, cursor, pageSize);
            QVERIFY2(page, page ? "" : page.error().message.c_str());
            for (const RecordSummary& r : page->rows)
                summaries.push_back(r.id);
            if (!page->next)
                break;
            cursor = *page->next;
        }
        cursor = {};
        for (int guard = 0;; ++guard) {
            QVERIFY(guard < 1000);
            auto page = m_store->records(filter, order, cursor, pageSize);
            QVERIFY2(page, page ? "" : page.error().message.c_str());
            for (const RecordRow& r : page->rows)
                full.push_back(r.id);
            if (!page->next)
                break;
            cursor = *page->next;
        }
        QCOMPARE(summaries, expected);
        QCOMPARE(full, expected);
        auto ids = m_store->recordIds(filter, order);
        QVERIFY(ids);
        QCOMPARE(*ids, expected);
        auto count = m_store->countRecords(filter);
        QVERIFY(count);
        QCOMPARE(*count, static_cast<std::int64_t>(expected.size()));
    }

    void summariesByIdsKeepOrder()
    {
        std::vector<std::int64_t> ids{5, 3, 999999, 1};
        auto rows = m_store->recordSummariesByIds(ids);
        QVERIFY(rows);
        QCOMPARE(rows->size(), std::size_t{3});
        QCOMPARE(rows->at(0).id, std::int64_t{5});
        QCOMPARE(rows->at(1).id, std::int64_t{3});
        QCOMPARE(rows->at(2).id, std::int64_t{1});
        const RecordRow& source = m_rows[4];
        QCOMPARE(rows->at(0).tableName, source.tableName);
        QCOMPARE(rows->at(0).keyText, m_keyText[source.keyId]);
        QCOMPARE(rows->at(0).sequenceNumber, source.sequenceNumber);
        QCOMPARE(rows->at(0).eventName, source.eventName);
        QCOMPARE(rows->at(0).creationTimeMicros, source.creationTimeMicros);
        // Unfiltered arrival order: row r is id r + 1.
        auto page = m_store->recordSummaries({}, RecordOrder::Arrival, RecordCursor{41, {}, 0, {}}, 3);
        QCOMPARE(page->rows.at(0).id, std::int64_t{42});
        QCOMPARE(page->rows.at(2).id, std::int64_t{44});
    }

    void activityAndTimeRange_data()
    {
        QTest::addColumn<int>("filterCode");
        QTest::addColumn<qint64>("bucket");
        QTest::addRow("all, 10 s") << 0 << qint64(10'000'000);
        QTest::addRow("all, 1 ms") << 0 << qint64(1'000);
        QTest::addRow("orders, 1 min") << 1 << qint64(60'000'000);
        QTest::addRow("kds, 7 ms") << 6 << qint64(7'000);
        QTest::addRow("time range, 3 s") << 3 << qint64(3'000'000);
    }

    void activityAndTimeRange()
    {
        QFETCH(int, filterCode);
        QFETCH(qint64, bucket);
        const RecordFilter filter = filterFor(filterCode, m_tableIds);
        std::map<std::int64_t, ActivityBucket> expected;
        std::optional<std::int64_t> first;
        std::optional<std::int64_t> last;
        for (const RecordRow& r : m_rows) {
            if (!matches(r, filter) || !r.creationTimeMicros)
                continue;
            const std::int64_t t = *r.creationTimeMicros;
            first = first ? std::min(*first, t) : t;
            last = last ? std::max(*last, t) : t;
            ActivityBucket& b = expected[t / bucket * bucket];
            b.startMicros = t / bucket * bucket;
            b.inserts += r.eventName == model::EventName::Insert;
            b.modifies += r.eventName == model::EventName::Modify;
            b.removes += r.eventName == model::EventName::Remove;
            b.ttlRemoves += r.eventName == model::EventName::Remove && r.ttl;
        }
        auto buckets = m_store->activity(filter, bucket);
        QVERIFY2(buckets, buckets ? "" : buckets.error().message.c_str());
        QCOMPARE(buckets->size(), expected.size());
        std::size_t i = 0;
        for (const auto& [start, e] : expected) {
            const ActivityBucket& b = buckets->at(i++);
            QCOMPARE(b.startMicros, start);
            QCOMPARE(b.inserts, e.inserts);
            QCOMPARE(b.modifies, e.modifies);
            QCOMPARE(b.removes, e.removes);
            QCOMPARE(b.ttlRemoves, e.ttlRemoves);
        }
        auto range = m_store->timeRange(filter);
        QVERIFY(range && *range);
        QCOMPARE((*range)->first, *first);
        QCOMPARE((*range)->second, *last);
        QVERIFY(!m_store->activity(filter, 0));
    }

    void keyScopedCountsUseMaintainedValues()
    {
        auto key = m_store->findKey(m_tableIds["Orders"], keyJson("USER#7", 3));
        QVERIFY(key && *key);
        RecordFilter f;
        f.keyId = (*key)->id;
        QCOMPARE(*m_store->countRecords(f), static_cast<std::int64_t>(expectedIds(f, RecordOrder::Arrival).size()));
        auto range = m_store->timeRange(f);
        QVERIFY(range && *range);
        QCOMPARE((*range)->first, *(*key)->firstTimeMicros);
        auto buckets = m_store->activity(f, 1'000'000);
        QVERIFY(buckets);
        std::int64_t total = 0;
        for (const ActivityBucket& b : *buckets)
            total += b.total();
        std::int64_t withTime = 0;
        for (const RecordRow& r : m_rows)
            withTime += r.keyId == (*key)->id && r.creationTimeMicros.has_value();
        QCOMPARE(total, withTime);
    }

    void forEachKeyHistory()
    {
        std::int64_t records = 0;
        std::int64_t keys = 0;
        std::set<std::int64_t> seen;
        auto error = m_store->forEachKeyHistory({}, [&](KeyHistory& h) {
            ++keys;
            records += static_cast<std::int64_t>(h.records.size());
            seen.insert(h.key.id);
            for (const RecordRow& r : h.records) {
                if (r.keyId != h.key.id)
                    return false;
            }
            if (h.key.recordCount != static_cast<std::int64_t>(h.records.size()))
                return false;
            return true;
        });
        QVERIFY(!error);
        QCOMPARE(keys, std::int64_t{47});
        QCOMPARE(records, static_cast<std::int64_t>(m_rows.size()));
        QCOMPARE(seen.size(), std::size_t{47});

        // Same order per key as keyHistory; table filter; early stop.
        int calls = 0;
        error = m_store->forEachKeyHistory({m_tableIds["Kds"], true}, [&](KeyHistory& h) {
            ++calls;
            auto single = m_store->keyHistory(h.key.id);
            if (!single || single->records.size() != h.records.size())
                return false;
            for (std::size_t i = 0; i < h.records.size(); ++i) {
                if (single->records[i].id != h.records[i].id || h.records[i].raw.empty())
                    return false;
            }
            return h.ordering == HistoryOrdering::Time && h.tableName == "Kds";
        });
        QVERIFY(!error);
        QCOMPARE(calls, 2);
        calls = 0;
        error = m_store->forEachKeyHistory({}, [&](KeyHistory&) { return ++calls < 3; });
        QVERIFY(!error);
        QCOMPARE(calls, 3);
    }

    // ScanOptions::sortedScan (the full audit's read: the table in file order, sorted by key in temporary files)
    // hands over exactly what the key index's walk does: the same keys in the same order, each with the same records
    // in the same order and ordering, every row's fields the same (its Keys and images cut out of the raw text in
    // SQL, its OldImage taken from the NewImage before it when their digests match, else read again), also with a
    // table filter and a byte bound per key; and it leaves the connection's temp_store as it found it (an import's
    // connection keeps MEMORY).
    void sortedScanSameHistories()
    {
        int withOldImage = 0;
        const auto scan = [&](const ScanOptions& options) { return scanRows(*m_store, options, withOldImage); };
        QVERIFY(!m_store->database().exec("PRAGMA temp_store=MEMORY"));
        for (const std::optional<std::int64_t> table :
             {std::optional<std::int64_t>{}, std::optional(m_tableIds["Kds"])}) {
            for (const std::int64_t maxKeyBytes : {std::int64_t{0}, std::int64_t{3000}}) {
                ScanOptions options;
                options.tableId = table;
                options.maxKeyBytes = maxKeyBytes;
                const Seen byIndex = scan(options);
                options.sortedScan = true;
                const Seen sorted = scan(options);
                QVERIFY(!byIndex.empty());
                QCOMPARE(sorted, byIndex);
                QCOMPARE(std::any_of(sorted.begin(), sorted.end(), [](const auto& k) { return std::get<4>(k) > 0; }),
                         maxKeyBytes > 0); // the bound leaves some keys' records out
                QCOMPARE(m_store->database().queryInt("PRAGMA temp_store").value(), std::int64_t{2});
            }
        }
        QVERIFY(!m_store->database().exec("PRAGMA temp_store=DEFAULT"));
    }

    // The sorted scan's OldImages in a store of their own: an OldImage that is the NewImage before it in the key's
    // history (arrival order reversed: history order is not id order), one that differs from it with the same length,
    // a key's first record with an OldImage, one after a REMOVE (no NewImage before it), images stored outside the raw
    // text: every row the same as the key index's walk gives, with or without a byte bound per key.
    void sortedScanOldImages()
    {
        auto opened = Store::open((m_dir.path() + QStringLiteral("/olds.streamscope")).toStdString());
        QVERIFY(opened);
        Store& store = *opened;
        const auto image = [](int id, const std::string& v) {
            return "{\"Id\":{\"N\":\"" + std::to_string(id) + "\"},\"v\":{\"S\":\"" + v + "\"}}";
        };
        std::vector<Spec> specs;
        int n = 0;
        const auto add = [&](int id, model::EventName name, std::optional<std::string> newImage,
                             std::optional<std::string> oldImage, bool outside = false) {
            Spec s;
            s.keys = storetest::idKeys(id);
            s.eventName = name;
            s.sequenceNumber = storetest::seq(100 + n);
            s.eventId = "old-" + std::to_string(n);
            s.timeMicros = kT0 + n;
            s.newImage = std::move(newImage);
            s.oldImage = std::move(oldImage);
            s.recordIndex = n++;
            s.imagesOutsideRaw = outside;
            specs.push_back(std::move(s));
        };
        using model::EventName;
        add(1, EventName::Insert, image(1, "a0"), std::nullopt);
        add(1, EventName::Modify, image(1, "a1"), image(1, "a0"));
        add(1, EventName::Modify, image(1, "a2"), image(1, "a1"));
        add(1, EventName::Modify, image(1, "a3"), image(1, "a9")); // same length, other text
        add(1, EventName::Modify, image(1, "a4"), image(1, "a3"));
        add(2, EventName::Modify, image(2, "b1"), image(2, "b0")); // the key's first record
        add(2, EventName::Remove, std::nullopt, image(2, "b1"));
        add(2, EventName::Insert, image(2, "b2"), std::nullopt);
        add(2, EventName::Modify, image(2, "b3"), image(2, "b2"));
        add(3, EventName::Insert, image(3, "c0"), std::nullopt, true);
        add(3, EventName::Modify, image(3, "c1"), image(3, "c0"), true);
        add(3, EventName::Modify, image(3, "c2"), image(3, "cc"), true);
        std::reverse(specs.begin(), specs.begin() + 5); // key 1 arrives newest first
        QCOMPARE(storetest::writeSource(store.database(), "olds.json", specs), std::string());
        for (const std::int64_t maxKeyBytes : {std::int64_t{0}, std::int64_t{2000}}) {
            int withOldImage = 0;
            ScanOptions options;
            options.maxKeyBytes = maxKeyBytes;
            const Seen byIndex = scanRows(store, options, withOldImage);
            options.sortedScan = true;
            const Seen sorted = scanRows(store, options, withOldImage);
            QCOMPARE(byIndex.size(), std::size_t{3});
            QCOMPARE(sorted, byIndex);
            const auto leftOut =
                std::count_if(sorted.begin(), sorted.end(), [](const auto& k) { return std::get<4>(k) > 0; });
            if (maxKeyBytes == 0) {
                QCOMPARE(leftOut, 0);
                QCOMPARE(withOldImage, 2 * 9); // 9 OldImages, in each scan
            } else {
                QVERIFY(leftOut > 0 && leftOut < 3); // the bound leaves the bigger keys out, not every key
            }
        }
    }

    void historyOrderIsTheModelsOrder()
    {
        // Every key, both readers: the store's order is exactly model::orderRecords' order of the same records
        // (given in reverse), with the same ordering kind — the history/audit engines rely on it and do not sort
        // again. Names and row fields are filled as by record().
        int keys = 0;
        int outOfArrivalOrder = 0;
        auto error = m_store->forEachKeyHistory({}, [&](KeyHistory& h) {
            ++keys;
            std::vector<model::HistoryRecord> reversed;
            for (auto it = h.records.rbegin(); it != h.records.rend(); ++it) {
                model::HistoryRecord r;
                r.id = it->id;
                r.arrival = it->id;
                r.sequenceNumber = it->sequenceNumber;
                r.creationTimeMicros = it->creationTimeMicros;
                reversed.push_back(std::move(r));
            }
            const model::Ordering ordering = model::orderRecords(reversed);
            if ((ordering == model::Ordering::Sequence) != (h.ordering == HistoryOrdering::Sequence))
                return false;
            for (std::size_t i = 0; i < h.records.size(); ++i) {
                if (reversed[i].id != h.records[i].id)
                    return false;
                if (i > 0 && h.records[i].id < h.records[i - 1].id)
                    ++outOfArrivalOrder;
            }
            auto single = m_store->keyHistory(h.key.id);
            if (!single || single->ordering != h.ordering || single->records.size() != h.records.size())
                return false;
            for (std::size_t i = 0; i < h.records.size(); ++i) {
                const RecordRow& a = single->records[i];
                const RecordRow& b = h.records[i];
                auto byId = m_store->record(a.id, false);
                if (!byId || !*byId)
                    return false;
                const RecordRow& c = **byId;
                if (a.id != b.id || a.tableName != c.tableName || a.streamArn != c.streamArn || a.region != c.region
                    || a.keysJson != c.keysJson || a.newImageJson != c.newImageJson || a.oldImageJson != c.oldImageJson
                    || a.sequenceNumber != c.sequenceNumber || a.eventId != c.eventId || a.shape != c.shape
                    || a.timeText != c.timeText || a.position.recordIndex != c.position.recordIndex
                    || b.tableName != c.tableName)
                    return false;
            }
            return true;
        });
        QVERIFY(!error);
        QCOMPARE(keys, 47);
        QVERIFY(outOfArrivalOrder > 0); // the fixture has keys whose records arrived out of order
    }

    void duplicatesAndConflicts()
    {
        auto duplicates = m_store->duplicates();
        QVERIFY(duplicates);
        QCOMPARE(duplicates->size(), std::size_t{1});
        QCOMPARE(duplicates->front().tableName, std::string("Customers"));
        QCOMPARE(duplicates->front().keyText, std::string("Id=1"));
        QCOMPARE(duplicates->front().eventId, std::string("cust-1"));
        QCOMPARE(m_store->duplicates(m_tableIds["Orders"])->size(), std::size_t{0});
        auto conflicts = m_store->conflicts(m_tableIds["Customers"]);
        QVERIFY(conflicts);
        QCOMPARE(conflicts->size(), std::size_t{1});
        QCOMPARE(conflicts->front().eventName, model::EventName::Modify);
        QCOMPARE(conflicts->front().keyText, std::string("Id=2"));
        QCOMPARE(conflicts->front().position.recordIndex, std::int64_t{0});
        QCOMPARE(m_store->conflicts(m_tableIds["Kds"])->size(), std::size_t{0});
    }

    void badArguments()
    {
        KeyQuery q;
        q.limit = 0;
        QVERIFY(!m_store->keys(q));
        QVERIFY(!m_store->recordSummaries({}, RecordOrder::Arrival, {}, 0));
        auto missing = m_store->record(123456);
        QVERIFY(missing);
        QVERIFY(!*missing);
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
