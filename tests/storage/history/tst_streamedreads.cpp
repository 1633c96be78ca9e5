// Streamed reads of one key's history and of a table's state (issue 22 / issue 16 item 9): forEachVersion gives what
// loadHistory gives, version by version, and forEachItemAt what the brute-force state gives, key by key in key text
// order, while reading the records a page (a history) or one or two records (a state item) at a time (statements
// traced with sqlite3_trace_v2 prove nothing more was read before the first callback).

#include <QTemporaryDir>
#include <QTest>
#include <map>

#include <sqlite3.h>

#include "model/dynamodbjson.h"
#include "storage/exporttestsupport.h"
#include "storage/history/keyhistory.h"
#include "storage/history/keytext.h"
#include "storage/history/tablestate.h"

using exporttest::Rec;

namespace {

const std::string kArn = "arn:aws:dynamodb:eu-central-1:123456789012:table/Items/stream/2024-01-01T00:00:00.000";
const std::string kArn2 = "arn:aws:dynamodb:eu-central-1:123456789012:table/Items/stream/2024-06-01T00:00:00.000";
constexpr std::int64_t kStart = 1700000000000000LL;
constexpr int kHugeVersions = 300;

std::string image(int key, int v)
{
    return R"({"Id":{"N":")" + std::to_string(key) + R"("},"v":{"N":")" + std::to_string(v) + R"("}})";
}

/// Counts executions of statements that read whole records (a history row or a record row by id).
int onTrace(unsigned type, void* context, void* statement, void*)
{
    if (type != SQLITE_TRACE_STMT)
        return 0;
    const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(statement));
    if (sql && std::string_view(sql).find("r.raw") != std::string_view::npos)
        ++*static_cast<int*>(context);
    return 0;
}

std::string changesText(const std::optional<model::VersionChanges>& c)
{
    if (!c)
        return "none";
    return std::to_string(static_cast<int>(c->base)) + ":" + (c->baseVersion ? std::to_string(*c->baseVersion) : "-")
        + ":" + model::changesToJson(c->changes);
}

std::string versionText(const model::Version& v)
{
    return std::to_string(v.record.id) + "/" + std::to_string(static_cast<int>(v.state)) + "/"
        + (v.state == model::StateKind::Present ? v.image.json() : std::string("-")) + "/" + v.record.sequenceNumber
        + "/" + v.record.table + "/" + v.record.streamArn;
}

} // namespace

class TestStreamedReads : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void versionsMatchLoadedHistory();
    void versionsAreReadAPageAtATime();
    void versionWalkStops();
    void stateMatchesBruteForce_data();
    void stateMatchesBruteForce();
    void stateReadsOneKeyAtATime();

private:
    std::int64_t keyId(const std::string& keyText);
    std::unique_ptr<QTemporaryDir> m_dir;
    std::optional<storage::Store> m_store;
    std::int64_t m_tableId = 0;
};

void TestStreamedReads::initTestCase()
{
    m_dir = std::make_unique<QTemporaryDir>();
    auto store = storage::Store::open(m_dir->filePath(QStringLiteral("s.streamscope")).toStdString());
    QVERIFY2(store, store ? "" : store.error().message.c_str());
    m_store.emplace(std::move(*store));
    std::vector<Rec> records;
    int seq = 100;
    auto add = [&](int key, const std::string& event, std::string newImage, std::string oldImage, int second) {
        Rec r;
        r.table = "Items";
        r.arn = kArn;
        r.keysJson = R"({"Id":{"N":")" + std::to_string(key) + R"("}})";
        r.event = event;
        r.seq = std::to_string(seq += 10);
        r.newImage = std::move(newImage);
        r.oldImage = std::move(oldImage);
        r.micros = kStart + second * 1'000'000LL;
        records.push_back(std::move(r));
    };
    // Keys 1..20, NEW_AND_OLD_IMAGES: insert, modifies, some removed.
    for (int k = 1; k <= 20; ++k) {
        add(k, "INSERT", image(k, 0), "", k);
        for (int v = 1; v <= k % 4; ++v)
            add(k, "MODIFY", image(k, v), image(k, v - 1), 100 + k * 5 + v);
        if (k % 5 == 0)
            add(k, "REMOVE", "", image(k, k % 4), 300 + k);
    }
    // Key 30: OLD_IMAGE-like (no NewImage: the state comes from the next record's OldImage; the last is unknown).
    add(30, "INSERT", "", "", 10);
    add(30, "MODIFY", "", image(30, 0), 200);
    add(30, "MODIFY", "", image(30, 1), 400);
    // Key 31: KEYS_ONLY-like (never an image).
    add(31, "INSERT", "", "", 11);
    add(31, "MODIFY", "", "", 250);
    // Key 40: a huge key (many versions), delivered out of sequence order in the middle.
    for (int v = 0; v < kHugeVersions; ++v)
        add(40, v ? "MODIFY" : "INSERT", image(40, v), v ? image(40, v - 1) : "", 20 + v);
    std::swap(records[records.size() - 10].seq, records[records.size() - 11].seq);
    // The state walk picks most keys' records from the sequence and time indexes; these two keys' histories are not
    // in one stream's sequence order, so it orders them from their rows. Key 50: no sequence numbers (time order,
    // delivered out of time order). Key 60: records in a second stream of the table, sequence numbers interleaved.
    add(50, "INSERT", image(50, 0), "", 30);
    add(50, "MODIFY", image(50, 2), image(50, 1), 220);
    add(50, "MODIFY", image(50, 1), image(50, 0), 205);
    for (std::size_t i = records.size() - 3; i < records.size(); ++i)
        records[i].seq.clear();
    add(60, "INSERT", image(60, 0), "", 40);
    add(60, "MODIFY", image(60, 1), image(60, 0), 215);
    records.back().arn = kArn2;
    records.back().seq = std::to_string(seq - 15); // between the two records of the first stream's key 60
    add(60, "REMOVE", "", image(60, 1), 305);
    QCOMPARE(QString::fromStdString(exporttest::load(*m_store, records, "fixture")), QString());
    auto table = storage::resolveTable(*m_store, "Items");
    QVERIFY(table);
    m_tableId = table->id;
}

void TestStreamedReads::cleanupTestCase()
{
    m_store.reset();
    m_dir.reset();
}

std::int64_t TestStreamedReads::keyId(const std::string& keyText)
{
    auto key = storage::resolveKey(*m_store, m_tableId, keyText);
    if (!key)
        return 0;
    return key->id;
}

void TestStreamedReads::versionsMatchLoadedHistory()
{
    for (const std::string k : {"Id=1", "Id=3", "Id=5", "Id=20", "Id=30", "Id=31", "Id=40"}) {
        const std::int64_t id = keyId(k);
        QVERIFY2(id > 0, k.c_str());
        auto loaded = storage::loadHistory(*m_store, id);
        QVERIFY(loaded);
        const model::ItemHistory& h = loaded->history;
        std::size_t seen = 0;
        bool started = false;
        auto error = storage::forEachVersion(
            *m_store, id,
            [&](const storage::VersionWalk& walk) {
                started = true;
                if (walk.versions != h.size() || walk.ordering != h.ordering() || walk.key.id != id
                    || walk.tableName != "Items")
                    QTest::qFail("walk header differs", __FILE__, __LINE__);
                return true;
            },
            [&](const storage::StreamedVersion& v) {
                if (v.index != seen || v.index >= h.size())
                    return false;
                const auto expected = h.changes(v.index);
                if (versionText(v.version) != versionText(h.version(v.index))
                    || changesText(v.changes) != changesText(expected)
                    || (v.base != nullptr) != (expected && expected->baseVersion.has_value())
                    || (v.base && versionText(*v.base) != versionText(h.version(*expected->baseVersion)))) {
                    QTest::qFail(("version " + std::to_string(v.index) + " of " + k + " differs").c_str(), __FILE__,
                                 __LINE__);
                    return false;
                }
                ++seen;
                return true;
            });
        QVERIFY2(!error, error ? error->message.c_str() : "");
        QVERIFY(started);
        QCOMPARE(seen, h.size());
    }
    // The OLD_IMAGE-like key: states present, present, unknown (from the next records' OldImages).
    auto loaded = storage::loadHistory(*m_store, keyId("Id=30"));
    QCOMPARE(loaded->history.version(0).state, model::StateKind::Present);
    QCOMPARE(loaded->history.version(2).state, model::StateKind::Unknown);
    QVERIFY(storage::forEachVersion(
                *m_store, 987654321, [](const auto&) { return true; }, [](const auto&) { return true; })
                .has_value()); // an unknown key is an error
}

void TestStreamedReads::versionsAreReadAPageAtATime()
{
    int reads = 0;
    int readsAtFirst = -1;
    sqlite3* db = m_store->database().handle();
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, onTrace, &reads);
    std::size_t versions = 0;
    auto error = storage::forEachVersion(
        *m_store, keyId("Id=40"), [](const storage::VersionWalk&) { return true; },
        [&](const storage::StreamedVersion& v) {
            if (v.index == 0)
                readsAtFirst = reads;
            ++versions;
            return true;
        });
    sqlite3_trace_v2(db, 0, nullptr, nullptr);
    QVERIFY(!error);
    QCOMPARE(versions, std::size_t(kHugeVersions));
    // One page (32 records) read before the first version is handed out, every record read once in all.
    QVERIFY2(readsAtFirst > 0 && readsAtFirst <= 32, qPrintable(QString::number(readsAtFirst)));
    QCOMPARE(reads, kHugeVersions);
}

void TestStreamedReads::versionWalkStops()
{
    std::size_t calls = 0;
    auto error = storage::forEachVersion(
        *m_store, keyId("Id=40"), [](const storage::VersionWalk&) { return true; },
        [&](const storage::StreamedVersion&) { return ++calls < 3; });
    QVERIFY(!error);
    QCOMPARE(calls, std::size_t(3));
    calls = 0;
    error = storage::forEachVersion(
        *m_store, keyId("Id=40"), [](const storage::VersionWalk&) { return false; },
        [&](const storage::StreamedVersion&) { return ++calls > 0; });
    QVERIFY(!error);
    QCOMPARE(calls, std::size_t(0));
}

void TestStreamedReads::stateMatchesBruteForce_data()
{
    QTest::addColumn<int>("second");
    QTest::newRow("before everything") << 0;
    QTest::newRow("after some inserts") << 12;
    QTest::newRow("middle") << 210;
    QTest::newRow("after some removes") << 310;
    QTest::newRow("after everything") << 100000;
}

void TestStreamedReads::stateMatchesBruteForce()
{
    QFETCH(int, second);
    const std::int64_t at = kStart + second * 1'000'000LL;
    // Brute force: every key's loaded history, lastAtOrBefore, in key text order.
    std::map<std::string, std::string> expected; // key text -> version text (present / unknown only)
    storage::StateCounts want;
    storage::KeyQuery q;
    q.tableId = m_tableId;
    q.limit = 1000;
    auto page = m_store->keys(q);
    QVERIFY(page);
    for (const auto& key : page->keys) {
        auto loaded = storage::loadHistory(*m_store, key.id);
        QVERIFY(loaded);
        const auto i = loaded->history.lastAtOrBefore(at);
        if (!i) {
            ++want.notYetSeen;
            continue;
        }
        const model::Version& v = loaded->history.version(*i);
        if (v.state == model::StateKind::Absent) {
            ++want.absent;
            continue;
        }
        (v.state == model::StateKind::Present ? want.items : want.unknown)++;
        expected[key.displayText] = versionText(v);
    }
    std::vector<std::string> order;
    std::map<std::string, std::string> got;
    auto counts = storage::forEachItemAt(*m_store, m_tableId, at, [&](const storage::ItemAtTime& item) {
        order.push_back(item.key.displayText);
        got[item.key.displayText] = versionText(item.version);
        return true;
    });
    QVERIFY2(counts, counts ? "" : counts.error().message.c_str());
    QCOMPARE(counts->items, want.items);
    QCOMPARE(counts->unknown, want.unknown);
    QCOMPARE(counts->absent, want.absent);
    QCOMPARE(counts->notYetSeen, want.notYetSeen);
    QCOMPARE(got, expected);
    QVERIFY(std::is_sorted(order.begin(), order.end())); // key text order (byte order)
    // Present only / unknown only hand out the two parts; the counts stay those of every key.
    std::int64_t present = 0;
    std::int64_t unknown = 0;
    auto p = storage::forEachItemAt(
        *m_store, m_tableId, at,
        [&](const storage::ItemAtTime& item) { return item.version.state == model::StateKind::Present && ++present; },
        storage::StateItems::Present);
    auto u = storage::forEachItemAt(
        *m_store, m_tableId, at,
        [&](const storage::ItemAtTime& item) { return item.version.state == model::StateKind::Unknown && ++unknown; },
        storage::StateItems::Unknown);
    QVERIFY(p && u);
    QCOMPARE(present, want.items);
    QCOMPARE(unknown, want.unknown);
    QCOMPARE(p->unknown, want.unknown);
    // stateAt (built on the walk) agrees.
    auto whole = storage::stateAt(*m_store, m_tableId, at);
    QVERIFY(whole);
    QCOMPARE(std::int64_t(whole->items.size()), want.items);
    QCOMPARE(std::int64_t(whole->unknown.size()), want.unknown);
    QCOMPARE(whole->tableName, std::string("Items"));
}

void TestStreamedReads::stateReadsOneKeyAtATime()
{
    int reads = 0;
    int readsAtFirst = -1;
    int items = 0;
    sqlite3* db = m_store->database().handle();
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, onTrace, &reads);
    auto counts =
        storage::forEachItemAt(*m_store, m_tableId, kStart + 100000 * 1'000'000LL, [&](const storage::ItemAtTime&) {
            if (readsAtFirst < 0)
                readsAtFirst = reads;
            ++items;
            return true;
        });
    sqlite3_trace_v2(db, 0, nullptr, nullptr);
    QVERIFY(counts);
    QVERIFY(items > 0);
    // The huge key's 300 records are ordered from its index; one record (two for an OLD_IMAGE state) is read per
    // item, and removed keys read none.
    QVERIFY2(readsAtFirst >= 1 && readsAtFirst <= 2, qPrintable(QString::number(readsAtFirst)));
    QVERIFY2(reads <= 2 * items, qPrintable(QStringLiteral("%1 reads for %2 items").arg(reads).arg(items)));
}

QTEST_GUILESS_MAIN(TestStreamedReads)
#include "tst_streamedreads.moc"
