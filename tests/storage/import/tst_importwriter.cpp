// ImportWriter: insert / duplicate / conflict outcomes, dedup without sequence numbers, atomic rollback,
// re-import detection, bad input, image slices vs separate text, maintained counts, grouped transactions (several
// sources per transaction, a savepoint each: failure/cancel of one, visibility to other connections, lost groups).

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

#include <sqlite3.h>

#include "model/sequencenumber.h"
#include "storage/import/contenthash.h"
#include "storage/import/importwriter.h"
#include "storage/store/store.h"
#include "storage/storetestutil.h"

using namespace storage;
using storetest::Spec;

Q_DECLARE_METATYPE(storage::AddOutcome::Kind)

namespace {

const char* kImage1 = R"({"Id":{"N":"1"},"name":{"S":"first"},"price":{"N":"10.50"}})";
// Same value as kImage1: other attribute order, whitespace, and an equal number written differently.
const char* kImage1Reformatted = R"({ "price": {"N": "10.5"}, "name": {"S": "first"}, "Id": {"N": "1"} })";
const char* kImage2 = R"({"Id":{"N":"1"},"name":{"S":"second"},"price":{"N":"11"}})";

Spec base()
{
    Spec s;
    s.sequenceNumber = storetest::seq(100);
    s.eventId = "e-100";
    s.timeMicros = 1'700'000'000'000'000;
    s.newImage = kImage1;
    return s;
}

std::int64_t count(Store& store, const char* table)
{
    return *store.database().queryInt(std::string("SELECT count(*) FROM ") + table);
}

} // namespace

class TestImportWriter : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;
    std::optional<Store> m_store;

    Store& freshStore()
    {
        const std::string file = (m_dir.path() + QStringLiteral("/w%1.streamscope").arg(++m_counter)).toStdString();
        auto store = Store::open(file);
        if (!store)
            qFatal("cannot create store: %s", store.error().message.c_str());
        m_store.emplace(std::move(*store));
        return *m_store;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void cleanup() { m_store.reset(); }

    void outcomes_data()
    {
        QTest::addColumn<int>("variant");
        QTest::addColumn<AddOutcome::Kind>("expected");
        QTest::addRow("same record again") << 0 << AddOutcome::Kind::Duplicate;
        QTest::addRow("same content, other formatting") << 1 << AddOutcome::Kind::Duplicate;
        QTest::addRow("same seq, other image") << 2 << AddOutcome::Kind::Conflict;
        QTest::addRow("same seq, other event name") << 3 << AddOutcome::Kind::Conflict;
        QTest::addRow("same seq, other key") << 4 << AddOutcome::Kind::Conflict;
        QTest::addRow("same seq, other stream") << 5 << AddOutcome::Kind::Inserted;
        QTest::addRow("other seq, same content") << 6 << AddOutcome::Kind::Inserted;
        QTest::addRow("same seq with leading zeros") << 7 << AddOutcome::Kind::Duplicate;
        QTest::addRow("same content, images outside raw") << 8 << AddOutcome::Kind::Duplicate;
        QTest::addRow("same seq, old image added") << 9 << AddOutcome::Kind::Conflict;
    }

    void outcomes()
    {
        QFETCH(int, variant);
        QFETCH(AddOutcome::Kind, expected);
        Store& store = freshStore();
        Spec second = base();
        switch (variant) {
        case 1:
            second.newImage = kImage1Reformatted;
            second.keys = R"({ "Id" : { "N" : "1.0" } })";
            break;
        case 2:
            second.newImage = kImage2;
            break;
        case 3:
            second.eventName = model::EventName::Modify;
            break;
        case 4:
            second.keys = R"({"Id":{"N":"2"}})";
            break;
        case 5:
            second.streamArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/stream/2025-01-01T00:00:00.000";
            break;
        case 6:
            second.sequenceNumber = storetest::seq(101);
            break;
        case 7:
            second.sequenceNumber = "000" + second.sequenceNumber;
            break;
        case 8:
            second.imagesOutsideRaw = true;
            break;
        case 9:
            second.oldImage = kImage2;
            break;
        default:
            break;
        }
        second.recordIndex = 1;
        std::vector<AddOutcome> outcomes;
        QCOMPARE(storetest::writeSource(store.database(), "one.json", {base(), second}, &outcomes), std::string());
        QCOMPARE(outcomes.size(), std::size_t{2});
        QCOMPARE(outcomes[0].kind, AddOutcome::Kind::Inserted);
        QCOMPARE(outcomes[1].kind, expected);
        if (expected != AddOutcome::Kind::Inserted)
            QCOMPARE(outcomes[1].recordId, outcomes[0].recordId);

        auto totals = store.totals();
        QVERIFY(totals);
        QCOMPARE(totals->records, expected == AddOutcome::Kind::Inserted ? 2 : 1);
        QCOMPARE(totals->duplicates, expected == AddOutcome::Kind::Duplicate ? 1 : 0);
        QCOMPARE(totals->conflicts, expected == AddOutcome::Kind::Conflict ? 1 : 0);
        auto sources = store.sources();
        QVERIFY(sources);
        QCOMPARE(sources->size(), std::size_t{1});
        const SourceInfo& source = sources->front();
        QCOMPARE(source.inserted, totals->records);
        QCOMPARE(source.duplicates, totals->duplicates);
        QCOMPARE(source.conflicts, totals->conflicts);
        QCOMPARE(source.status, SourceStatus::Complete);
        QCOMPARE(source.messages, std::string("test source"));

        if (expected == AddOutcome::Kind::Duplicate) {
            auto duplicates = store.duplicates();
            QVERIFY(duplicates);
            QCOMPARE(duplicates->size(), std::size_t{1});
            QCOMPARE(duplicates->front().recordId, outcomes[0].recordId);
            QCOMPARE(duplicates->front().position.recordIndex, std::int64_t{1});
            QCOMPARE(duplicates->front().position.byteOffset, std::int64_t{1000});
            QCOMPARE(duplicates->front().position.sourceId, source.id);
            QCOMPARE(duplicates->front().sequenceNumber, base().sequenceNumber);
            QCOMPARE(duplicates->front().keyText, std::string("Id=1"));
        }
        if (expected == AddOutcome::Kind::Conflict) {
            auto conflicts = store.conflicts();
            QVERIFY(conflicts);
            QCOMPARE(conflicts->size(), std::size_t{1});
            const ConflictRow& c = conflicts->front();
            QCOMPARE(c.existingRecordId, outcomes[0].recordId);
            QCOMPARE(c.position.recordIndex, std::int64_t{1});
            QCOMPARE(c.sequenceNumber, second.sequenceNumber);
            QCOMPARE(c.eventName, second.eventName);
            QCOMPARE(c.keysJson, second.keys);
            QCOMPARE(c.newImageJson, second.newImage);
            QCOMPARE(c.oldImageJson, second.oldImage);
            QVERIFY(c.raw.find("\"SequenceNumber\"") != std::string::npos);
            // Conflicts are not part of any history.
            QCOMPARE(count(store, "records"), std::int64_t{1});
        }
    }

    void duplicatesAcrossSourcesAndWithinSource()
    {
        Store& store = freshStore();
        Spec a = base();
        Spec b = base();
        b.sequenceNumber = storetest::seq(200);
        QCOMPARE(storetest::writeSource(store.database(), "first.json", {a, b}), std::string());
        std::vector<AddOutcome> outcomes;
        Spec c = base();
        c.sequenceNumber = storetest::seq(300);
        QCOMPARE(storetest::writeSource(store.database(), "second.json", {b, c, c, a}, &outcomes), std::string());
        QCOMPARE(outcomes[0].kind, AddOutcome::Kind::Duplicate);
        QCOMPARE(outcomes[1].kind, AddOutcome::Kind::Inserted);
        QCOMPARE(outcomes[2].kind, AddOutcome::Kind::Duplicate); // earlier in the same source
        QCOMPARE(outcomes[2].recordId, outcomes[1].recordId);
        QCOMPARE(outcomes[3].kind, AddOutcome::Kind::Duplicate);
        auto totals = store.totals();
        QCOMPARE(totals->records, std::int64_t{3});
        QCOMPARE(totals->duplicates, std::int64_t{3});
        QCOMPARE(totals->sources, std::int64_t{2});
    }

    void dedupWithoutSequenceNumbers()
    {
        Store& store = freshStore();
        Spec kinesis = base();
        kinesis.sequenceNumber.clear();
        kinesis.streamArn.clear();
        kinesis.eventId = "d9428029-0f63-4056-86da-ce10d545b1b9";
        kinesis.imagesOutsideRaw = true;
        Spec sameIdOtherContent = kinesis;
        sameIdOtherContent.newImage = kImage2;
        Spec otherId = kinesis;
        otherId.eventId = "11111111-0f63-4056-86da-ce10d545b1b9";
        Spec exportLine = kinesis; // S3 export: no event ID, no sequence
        exportLine.eventId.clear();
        exportLine.timeMicros = 1'700'000'000'123'456;
        Spec exportOtherTime = exportLine;
        exportOtherTime.timeMicros = 1'700'000'000'123'457;
        std::vector<AddOutcome> outcomes;
        QCOMPARE(storetest::writeSource(
                     store.database(), "kds.json",
                     {kinesis, kinesis, sameIdOtherContent, otherId, exportLine, exportLine, exportOtherTime},
                     &outcomes),
                 std::string());
        using K = AddOutcome::Kind;
        const std::vector<K> expected{K::Inserted, K::Duplicate, K::Inserted, K::Inserted,
                                      K::Inserted, K::Duplicate, K::Inserted};
        QCOMPARE(outcomes.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i)
            QCOMPARE(outcomes[i].kind, expected[i]);
        QCOMPARE(store.totals()->records, std::int64_t{5});
        QCOMPARE(store.totals()->conflicts, std::int64_t{0});
        // Images that were not slices of raw come back as their own text.
        auto row = store.record(outcomes[0].recordId);
        QVERIFY(row && *row);
        QCOMPARE((*row)->newImageJson, std::optional<std::string>(kImage1));
        QCOMPARE((*row)->keysJson, kinesis.keys);
        QCOMPARE((*row)->streamArn, std::string());
    }

    void rollbackLeavesNothing()
    {
        Store& store = freshStore();
        QCOMPARE(storetest::writeSource(store.database(), "kept.json", {base()}), std::string());
        const char* tables[] = {"sources", "ddb_tables", "streams", "keys", "records", "duplicates", "conflicts"};
        std::vector<std::int64_t> before;
        for (const char* t : tables)
            before.push_back(count(store, t));
        const auto keyCountBefore = store.tables()->front().keyCount;
        {
            auto writer = ImportWriter::create(store.database());
            QVERIFY(writer);
            auto begun = writer->beginSource({"cancelled.json", 1, "hash-cancelled", "lambda-dynamodb"});
            QVERIFY(begun && !begun->alreadyImported);
            for (int i = 0; i < 50; ++i) {
                Spec s = base();
                s.table = i % 2 ? "NewTable" : "Orders";
                s.keys = storetest::idKeys(1000 + i);
                s.sequenceNumber = storetest::seq(1000 + i);
                auto record = storetest::makeRecord(s);
                QVERIFY(writer->addRecord(record->input));
            }
            auto dup = storetest::makeRecord(base());
            QCOMPARE(writer->addRecord(dup->input)->kind, AddOutcome::Kind::Duplicate);
            Spec conflicting = base();
            conflicting.newImage = kImage2;
            auto conflict = storetest::makeRecord(conflicting);
            QCOMPARE(writer->addRecord(conflict->input)->kind, AddOutcome::Kind::Conflict);
            QCOMPARE(writer->counts().inserted, std::int64_t{50});
            QVERIFY(!writer->rollbackSource());
            QVERIFY(!writer->hasOpenSource());

            // The writer is usable after a rollback (its caches were dropped with the rows).
            auto again = writer->beginSource({"after.json", 1, "hash-after", "lambda-dynamodb"});
            QVERIFY(again);
            Spec s = base();
            s.table = "NewTable";
            s.sequenceNumber = storetest::seq(5000);
            auto record = storetest::makeRecord(s);
            QCOMPARE(writer->addRecord(record->input)->kind, AddOutcome::Kind::Inserted);
            QVERIFY(!writer->rollbackSource());
        }
        {
            // Destroying a writer with an open source rolls back too.
            auto writer = ImportWriter::create(store.database());
            QVERIFY(writer->beginSource({"crashy.json", 1, "hash-crashy", "lambda-dynamodb"}));
            Spec s = base();
            s.sequenceNumber = storetest::seq(7000);
            auto record = storetest::makeRecord(s);
            QVERIFY(writer->addRecord(record->input));
        }
        for (std::size_t i = 0; i < std::size(tables); ++i)
            QCOMPARE(count(store, tables[i]), before[i]);
        QCOMPARE(store.tables()->front().keyCount, keyCountBefore);
        QCOMPARE(store.totals()->records, std::int64_t{1});
    }

    void reimportDetectedByHash()
    {
        Store& store = freshStore();
        QCOMPARE(storetest::writeSource(store.database(), "cap.json", {base()}), std::string());
        auto writer = ImportWriter::create(store.database());
        QVERIFY(writer);
        auto begun = writer->beginSource({"copy-of-cap.json", 1234, "hash:cap.json", "lambda-dynamodb"});
        QVERIFY(begun);
        QVERIFY(begun->alreadyImported);
        QVERIFY(begun->existing);
        QCOMPARE(begun->existing->path, std::string("cap.json"));
        QCOMPARE(begun->sourceId, std::int64_t{0});
        QVERIFY(!writer->hasOpenSource());
        QCOMPARE(count(store, "sources"), std::int64_t{1});
        // A rolled-back source does not count as imported.
        QVERIFY(writer->beginSource({"x.json", 1, "hash-x", "f"}));
        QVERIFY(!writer->rollbackSource());
        auto retry = writer->beginSource({"x.json", 1, "hash-x", "f"});
        QVERIFY(retry && !retry->alreadyImported);
        QVERIFY(!writer->commitSource());
    }

    void completeSourceSizes()
    {
        Store& store = freshStore();
        auto writer = ImportWriter::create(store.database());
        QVERIFY(writer);
        auto sizes = writer->completeSourceSizes();
        QVERIFY(sizes);
        QVERIFY(sizes->empty());
        for (const auto& [name, size] : {std::pair{"a", 100}, std::pair{"b", 250}, std::pair{"c", 100}}) {
            QVERIFY(writer->beginSource({name, size, std::string("hash-") + name, "f"}));
            QVERIFY(!writer->commitSource());
        }
        QVERIFY(writer->beginSource({"rolled-back", 999, "hash-r", "f"}));
        QVERIFY(!writer->rollbackSource());
        QVERIFY(writer->beginSource({"open", 777, "hash-o", "f"})); // in progress: not complete
        sizes = writer->completeSourceSizes();
        QVERIFY(sizes);
        std::sort(sizes->begin(), sizes->end());
        QCOMPARE(*sizes, (std::vector<std::uint64_t>{100, 250})); // each size once
        QVERIFY(!writer->commitSource());
        sizes = writer->completeSourceSizes();
        QVERIFY(sizes);
        QCOMPARE(sizes->size(), std::size_t{3});
    }

    /// The bulk-load page cache and temp_store are the writer's only: finishing gives the connection its own back
    /// (what runs on it next, e.g. the audit after an import, does not keep 64 MiB of the import's pages).
    void settingsGivenBack()
    {
        Store& store = freshStore();
        Database& db = store.database();
        QVERIFY(!db.exec("PRAGMA cache_size=-2048; PRAGMA temp_store=FILE;"));
        {
            auto writer = ImportWriter::create(db);
            QVERIFY(writer);
            QCOMPARE(*db.queryInt("PRAGMA cache_size"), std::int64_t{-65536});
            QCOMPARE(*db.queryInt("PRAGMA temp_store"), std::int64_t{2});
            QVERIFY(writer->beginSource({"f", 1, "hash-f", "f"}));
            QVERIFY(!writer->commitSource());
        }
        QCOMPARE(*db.queryInt("PRAGMA cache_size"), std::int64_t{-2048});
        QCOMPARE(*db.queryInt("PRAGMA temp_store"), std::int64_t{1});
    }

    void statisticsCountGroupCommits()
    {
        Store& store = freshStore();
        WriterOptions options;
        options.groupFiles = 2;
        options.groupMillis = 60'000;
        auto writer = ImportWriter::create(store.database(), options);
        QVERIFY(writer);
        QCOMPARE(writer->statistics().groupsCommitted, std::int64_t{0});
        QCOMPARE(writer->statistics().commitSeconds, 0.0);
        for (int i = 0; i < 3; ++i) {
            QVERIFY(writer->beginSource({"f" + std::to_string(i), i + 1, "hash-" + std::to_string(i), "f"}));
            QVERIFY(!writer->commitSource());
        }
        QCOMPARE(writer->statistics().groupsCommitted, std::int64_t{1}); // the first two files
        QVERIFY(!writer->commitPending());
        const WriterStatistics statistics = writer->statistics();
        QCOMPARE(statistics.groupsCommitted, std::int64_t{2});
        QVERIFY(statistics.commitSeconds > 0);
        QVERIFY(statistics.statsFlushSeconds >= 0);
        QVERIFY(statistics.statsFlushSeconds <= statistics.commitSeconds);
    }

    void badInputKeepsSourceOpen_data()
    {
        QTest::addColumn<int>("variant");
        QTest::addColumn<QString>("messagePart");
        QTest::addRow("empty table") << 0 << QStringLiteral("table");
        QTest::addRow("keys not JSON") << 1 << QStringLiteral("Keys");
        QTest::addRow("keys empty") << 2 << QStringLiteral("Keys");
        QTest::addRow("sequence not digits") << 3 << QStringLiteral("sequence");
        QTest::addRow("no keys") << 4 << QStringLiteral("Keys");
    }

    void badInputKeepsSourceOpen()
    {
        QFETCH(int, variant);
        QFETCH(QString, messagePart);
        Store& store = freshStore();
        auto writer = ImportWriter::create(store.database());
        QVERIFY(writer->beginSource({"bad.json", 1, "hash-bad", "lambda-dynamodb"}));
        Spec s = base();
        if (variant == 0)
            s.table.clear();
        if (variant == 1)
            s.keys = R"({"Id":{"N":)";
        if (variant == 2)
            s.keys = "{}";
        if (variant == 3)
            s.sequenceNumber = "12a";
        if (variant == 4)
            s.keys.clear();
        auto record = storetest::makeRecord(s);
        auto outcome = writer->addRecord(record->input);
        QVERIFY(!outcome);
        QCOMPARE(outcome.error().kind, Error::Kind::InvalidArgument);
        QVERIFY2(QString::fromStdString(outcome.error().message).contains(messagePart, Qt::CaseInsensitive),
                 outcome.error().message.c_str());
        QVERIFY(writer->hasOpenSource());
        auto good = storetest::makeRecord(base());
        QCOMPARE(writer->addRecord(good->input)->kind, AddOutcome::Kind::Inserted);
        QVERIFY(!writer->commitSource(1, "record 0: bad"));
        QCOMPARE(store.totals()->records, std::int64_t{1});
        QCOMPARE(store.totals()->skipped, std::int64_t{1});
        QCOMPARE(store.sources()->front().skipped, std::int64_t{1});
    }

    void storedFieldsRoundTrip()
    {
        Store& store = freshStore();
        Spec s = base();
        s.eventName = model::EventName::Remove;
        s.newImage.reset();
        s.oldImage = kImage2;
        s.ttl = true;
        s.viewType = model::ViewType::OldImage;
        std::vector<AddOutcome> outcomes;
        QCOMPARE(storetest::writeSource(store.database(), "rt.json", {s}, &outcomes), std::string());
        auto row = store.record(outcomes[0].recordId, true);
        QVERIFY(row && *row);
        const RecordRow& r = **row;
        auto expectedRaw = storetest::makeRecord(s);
        QCOMPARE(r.raw, expectedRaw->raw);
        QCOMPARE(r.tableName, s.table);
        QCOMPARE(r.streamArn, s.streamArn);
        QCOMPARE(r.region, std::string("eu-west-1"));
        QCOMPARE(r.eventName, model::EventName::Remove);
        QCOMPARE(r.sequenceNumber, s.sequenceNumber);
        QCOMPARE(r.eventId, s.eventId);
        QCOMPARE(r.creationTimeMicros, s.timeMicros);
        QCOMPARE(r.timeUnit, TimeUnit::Seconds);
        QCOMPARE(r.viewType, model::ViewType::OldImage);
        QVERIFY(r.ttl);
        QCOMPARE(r.shape, std::string("lambda-dynamodb"));
        QCOMPARE(r.keysJson, s.keys);
        QVERIFY(!r.newImageJson);
        QCOMPARE(r.oldImageJson, s.oldImage);
        QCOMPARE(r.sizeBytes, std::optional<std::int64_t>(static_cast<std::int64_t>(expectedRaw->raw.size())));
        QCOMPARE(r.position.recordIndex, std::int64_t{0});
        // Images are stored once: as slices of raw, not copies.
        auto copies = store.database().queryInt("SELECT count(*) FROM records WHERE keys_text IS NOT NULL OR "
                                                "new_text IS NOT NULL OR old_text IS NOT NULL");
        QCOMPARE(*copies, std::int64_t{0});

        auto decoded = toStreamRecord(r);
        QVERIFY2(decoded, decoded ? "" : decoded.error().message.c_str());
        QCOMPARE(decoded->table, s.table);
        QCOMPARE(decoded->eventName, model::EventName::Remove);
        QVERIFY(decoded->ttl);
        QVERIFY(!decoded->newImage);
        QVERIFY(decoded->oldImage);
        QCOMPARE(decoded->oldImage->at("name").text(), std::string("second"));
        QCOMPARE(decoded->keys.at("Id").text(), std::string("1"));
        QCOMPARE(decoded->arrival, r.id);
    }

    void maintainedCounts()
    {
        Store& store = freshStore();
        std::vector<Spec> specs;
        for (int i = 0; i < 10; ++i) {
            Spec s = base();
            s.keys = storetest::idKeys(i % 3);
            s.sequenceNumber = storetest::seq(i + 1);
            s.timeMicros = 1'000'000 * (i + 1);
            specs.push_back(s);
        }
        QCOMPARE(storetest::writeSource(store.database(), "a.json", specs), std::string());
        Spec late = base();
        late.keys = R"({"Id":{"N":"0"}})";
        late.sequenceNumber = storetest::seq(50);
        late.timeMicros = 99'000'000;
        Spec noTime = base();
        noTime.keys = R"({"Id":{"N":"7"}})";
        noTime.sequenceNumber = storetest::seq(51);
        noTime.timeMicros.reset();
        QCOMPARE(storetest::writeSource(store.database(), "b.json", {late, noTime}), std::string());
        auto tables = store.tables();
        QCOMPARE(tables->size(), std::size_t{1});
        QCOMPARE(tables->front().recordCount, std::int64_t{12});
        QCOMPARE(tables->front().keyCount, std::int64_t{4});
        QCOMPARE(tables->front().firstTimeMicros, std::optional<std::int64_t>(1'000'000));
        QCOMPARE(tables->front().lastTimeMicros, std::optional<std::int64_t>(99'000'000));
        QCOMPARE(tables->front().streams.size(), std::size_t{1});
        QCOMPARE(tables->front().streams.front().recordCount, std::int64_t{12});
        QCOMPARE(tables->front().streams.front().viewType, model::ViewType::NewAndOldImages);
        auto key0 = store.findKey(tables->front().id, R"({"Id":{"N":"0"}})");
        QVERIFY(key0 && *key0);
        QCOMPARE((*key0)->recordCount, std::int64_t{5}); // i = 0, 3, 6, 9 + late
        QCOMPARE((*key0)->firstTimeMicros, std::optional<std::int64_t>(1'000'000));
        QCOMPARE((*key0)->lastTimeMicros, std::optional<std::int64_t>(99'000'000));
        QCOMPARE((*key0)->displayText, std::string("Id=0"));
        auto key7 = store.findKey(tables->front().id, R"({"Id":{"N":"7"}})");
        QVERIFY(key7 && *key7);
        QCOMPARE((*key7)->recordCount, std::int64_t{1});
        QVERIFY(!(*key7)->lastTimeMicros);
    }

    // A source with more keys than WriterOptions::maxKeyDeltas (memory bounded whatever the number of keys in a file):
    // alone in its transaction it writes its key stats as it goes, in a group it keeps them; either way the maintained
    // counts equal the stored rows, and a failed source alone in its transaction leaves the stats as they were.
    void keyStatsOfManyKeySources()
    {
        Store& store = freshStore();
        WriterOptions options;
        options.groupFiles = 100;
        options.groupMillis = 600000;
        options.maxKeyDeltas = 8;
        int seq = 0;
        auto writeFile = [&](ImportWriter& writer, const std::string& name, int records, int keys, int keyOffset,
                             bool commit) {
            auto begun = writer.beginSource({name, 1, "hash-" + name, "lambda-dynamodb"});
            QVERIFY(begun && !begun->alreadyImported);
            for (int i = 0; i < records; ++i) {
                Spec s = base();
                s.keys = storetest::idKeys(keyOffset + i % keys); // each key again after the first spills
                s.table = i % 3 ? "Orders" : "Other";
                s.sequenceNumber = storetest::seq(++seq);
                s.eventId = "e-" + std::to_string(seq);
                s.timeMicros = 1'000'000LL * (seq % 2 ? seq : 1'000 - seq); // neither first nor last in order
                auto record = storetest::makeRecord(s);
                auto added = writer.addRecord(record->input);
                QVERIFY(added);
                QCOMPARE(added->kind, AddOutcome::Kind::Inserted);
            }
            if (commit)
                QVERIFY(!writer.commitSource());
            else
                QVERIFY(!writer.rollbackSource());
        };
        const auto countsMatchRows = [&]() {
            Database& db = store.database();
            return *db.queryInt("SELECT count(*) FROM keys k WHERE record_count != (SELECT count(*) FROM records r "
                                "WHERE r.key_id = k.id) OR first_time_us IS NOT (SELECT min(time_us) FROM records r "
                                "WHERE r.key_id = k.id) OR last_time_us IS NOT (SELECT max(time_us) FROM records r "
                                "WHERE r.key_id = k.id)")
                == 0
                && *db.queryInt("SELECT count(*) FROM ddb_tables t WHERE record_count != (SELECT count(*) FROM records "
                                "r WHERE r.table_id = t.id) OR key_count != (SELECT count(*) FROM keys k WHERE "
                                "k.table_id = t.id AND k.record_count > 0) OR first_time_us IS NOT (SELECT "
                                "min(time_us) FROM records r WHERE r.table_id = t.id) OR last_time_us IS NOT (SELECT "
                                "max(time_us) FROM records r WHERE r.table_id = t.id)")
                == 0;
        };
        const auto stats = [&]() { // the keys' and tables' stats, each row's weighed by its id
            std::vector<std::int64_t> sums;
            for (const char* table : {"keys", "ddb_tables"}) {
                for (const char* column : {"record_count", "ifnull(first_time_us, -7)", "ifnull(last_time_us, -11)"})
                    sums.push_back(
                        *store.database().queryInt(std::string("SELECT sum(id * ") + column + ") FROM " + table));
            }
            sums.push_back(*store.database().queryInt("SELECT sum(id * key_count) FROM ddb_tables"));
            return sums;
        };
        {
            auto writer = ImportWriter::create(store.database(), options);
            QVERIFY(writer);
            writeFile(*writer, "alone.json", 60, 25, 0, true);    // first of its group: spills
            writeFile(*writer, "grouped.json", 60, 25, 10, true); // shares the transaction: keeps its deltas
            QVERIFY(!writer->commitPending());
        }
        QCOMPARE(count(store, "records"), std::int64_t{120});
        const std::int64_t keys = count(store, "keys");
        QCOMPARE(keys, *store.database().queryInt("SELECT count(DISTINCT key_id) FROM records"));
        QVERIFY(keys > 2 * 8); // more keys than maxKeyDeltas in each file
        QVERIFY(countsMatchRows());
        const auto before = stats();
        auto writer = ImportWriter::create(store.database(), options);
        QVERIFY(writer);
        writeFile(*writer, "failed.json", 60, 30, 20, false); // alone, spills, then rolled back
        QCOMPARE(count(store, "records"), std::int64_t{120});
        QCOMPARE(count(store, "keys"), keys);
        QCOMPARE(stats(), before);
        QVERIFY(countsMatchRows());
        // The same writer goes on (nothing of the failed source may reach its next commit); in a group, a failed
        // source is undone alone: its stats must not have been written.
        writeFile(*writer, "kept.json", 1, 1, 1000, true);
        writeFile(*writer, "failed-in-group.json", 60, 30, 20, false);
        QVERIFY(!writer->commitPending());
        QCOMPARE(count(store, "records"), std::int64_t{121});
        QVERIFY(countsMatchRows());
    }

    // Several sources in one transaction: a failed source in the middle leaves no trace, the others are all there,
    // another connection sees nothing before the group commit and everything after it, and the maintained counts
    // equal the stored rows.
    void groupedSourcesFailureInMiddle()
    {
        Store& store = freshStore();
        auto reader = Store::open(store.database().path(), Database::OpenMode::ReadOnly);
        QVERIFY(reader);
        const auto readerCount = [&](const char* table) {
            return *reader->database().queryInt(std::string("SELECT count(*) FROM ") + table);
        };
        WriterOptions options;
        options.groupFiles = 100;
        options.groupMillis = 600000;
        auto writer = ImportWriter::create(store.database(), options);
        QVERIFY(writer);
        auto writeFile = [&](const std::string& name, int first, int n, bool commit) {
            auto begun = writer->beginSource({name, 1, "hash-" + name, "lambda-dynamodb"});
            QVERIFY(begun && !begun->alreadyImported);
            for (int i = first; i < first + n; ++i) {
                Spec s = base();
                s.keys = storetest::idKeys(i % 7); // keys shared between the files
                s.table = i % 2 ? "Orders" : "Other";
                s.sequenceNumber = storetest::seq(i);
                s.eventId = "e-" + std::to_string(i);
                s.timeMicros = 1'000'000 * i;
                auto record = storetest::makeRecord(s);
                auto added = writer->addRecord(record->input);
                QVERIFY(added);
                QCOMPARE(added->kind, AddOutcome::Kind::Inserted);
            }
            if (commit)
                QVERIFY(!writer->commitSource());
            else
                QVERIFY(!writer->rollbackSource());
        };
        writeFile("a.json", 1, 20, true);
        writeFile("b.json", 100, 30, false); // fails / is cancelled
        writeFile("c.json", 200, 10, true);
        QCOMPARE(writer->pendingSources().size(), std::size_t{2});
        // Not committed yet: the other connection sees the store as it was.
        QCOMPARE(readerCount("records"), std::int64_t{0});
        QCOMPARE(readerCount("sources"), std::int64_t{0});
        // A source identical to a pending one is already imported (same transaction).
        auto again = writer->beginSource({"a-copy.json", 1, "hash-a.json", "lambda-dynamodb"});
        QVERIFY(again && again->alreadyImported);
        QCOMPARE(again->existing->path, std::string("a.json"));
        QVERIFY(!writer->commitPending());
        QVERIFY(writer->pendingSources().empty());
        QVERIFY(writer->takeLostSources().empty());

        QCOMPARE(readerCount("records"), std::int64_t{30});
        QCOMPARE(readerCount("sources"), std::int64_t{2});
        QCOMPARE(*reader->database().queryInt("SELECT count(*) FROM sources WHERE status = 'complete' AND path IN "
                                              "('a.json', 'c.json')"),
                 std::int64_t{2});
        QCOMPARE(*reader->database().queryInt("SELECT count(*) FROM records WHERE seq_sort >= '"
                                              + model::sequenceSortKey(storetest::seq(100)) + "' AND seq_sort < '"
                                              + model::sequenceSortKey(storetest::seq(200)) + "'"),
                 std::int64_t{0});
        // Maintained counts = rows (keys, tables, streams).
        QCOMPARE(
            *reader->database().queryInt(
                "SELECT count(*) FROM keys k WHERE record_count != (SELECT count(*) FROM records r "
                "WHERE r.key_id = k.id) OR first_time_us IS NOT (SELECT min(time_us) FROM records r WHERE "
                "r.key_id = k.id) OR last_time_us IS NOT (SELECT max(time_us) FROM records r WHERE r.key_id = k.id)"),
            std::int64_t{0});
        QCOMPARE(*reader->database().queryInt("SELECT count(*) FROM ddb_tables t WHERE record_count != (SELECT "
                                              "count(*) FROM records r WHERE r.table_id = t.id) OR key_count != "
                                              "(SELECT count(*) FROM keys k WHERE k.table_id = t.id)"),
                 std::int64_t{0});
        QCOMPARE(*reader->database().queryInt("SELECT count(*) FROM streams s WHERE record_count != (SELECT "
                                              "count(*) FROM records r WHERE r.stream_id = s.id)"),
                 std::int64_t{0});
        // Only keys used by a.json / c.json exist (none left over from the rolled-back b.json).
        QCOMPARE(readerCount("keys"), *reader->database().queryInt("SELECT count(DISTINCT key_id) FROM records"));
    }

    // groupFiles bounds the group: the group commits by itself, the next one starts.
    void groupCommitsEveryNFiles()
    {
        Store& store = freshStore();
        auto reader = Store::open(store.database().path(), Database::OpenMode::ReadOnly);
        QVERIFY(reader);
        WriterOptions options;
        options.groupFiles = 3;
        options.groupMillis = 600000;
        auto writer = ImportWriter::create(store.database(), options);
        QVERIFY(writer);
        for (int f = 0; f < 7; ++f) {
            const std::string name = "f" + std::to_string(f);
            QVERIFY(writer->beginSource({name, 1, "hash-" + name, "lambda-dynamodb"}));
            Spec s = base();
            s.sequenceNumber = storetest::seq(1000 + f);
            auto record = storetest::makeRecord(s);
            QVERIFY(writer->addRecord(record->input));
            QVERIFY(!writer->commitSource());
            const auto committed = *reader->database().queryInt("SELECT count(*) FROM records");
            QCOMPARE(committed, std::int64_t{(f + 1) / 3 * 3});
            QCOMPARE(writer->pendingSources().size(), std::size_t((f + 1) % 3));
        }
        // Destroying the writer commits the completed sources still pending.
        writer = ImportWriter::create(store.database()); // replaces (destroys) the grouped writer
        QCOMPARE(*reader->database().queryInt("SELECT count(*) FROM records"), std::int64_t{7});
    }

    // groupMillis: a source boundary after the group got old commits it.
    void groupCommitsWhenOld()
    {
        Store& store = freshStore();
        WriterOptions options;
        options.groupFiles = 1000;
        options.groupMillis = 300;
        auto writer = ImportWriter::create(store.database(), options);
        QVERIFY(writer);
        QElapsedTimer timer; // started before the group: the group is never older than this timer
        timer.start();
        QVERIFY(writer->beginSource({"old.json", 1, "hash-old", "lambda-dynamodb"}));
        auto record = storetest::makeRecord(base());
        QVERIFY(writer->addRecord(record->input));
        QVERIFY(!writer->commitSource());
        const std::size_t pending = writer->pendingSources().size();
        const bool due = writer->pendingDue();
        if (timer.elapsed() < options.groupMillis) {
            // Young group (the usual case): kept pending. (On a machine so busy that the source took longer than
            // groupMillis, commitSource() committed it: also right, checked below.)
            QCOMPARE(pending, std::size_t{1});
            QVERIFY(!due);
            QTest::qWait(options.groupMillis + 20); // no commit yet on this writer: due after groupMillis
            QVERIFY(writer->pendingDue());
            QVERIFY(!writer->commitPending());
        } else {
            QCOMPARE(pending, std::size_t{0});
        }
        QCOMPARE(count(store, "sources"), std::int64_t{1});
        QVERIFY(!writer->commitPending());
        QVERIFY(!writer->pendingDue());
        QVERIFY(writer->pendingSources().empty());
        QVERIFY(!writer->checkpoint());
    }

    // A cancelled source inside a group (destructor with an open source): the earlier sources of the group stay.
    void groupCancelKeepsEarlierSources()
    {
        Store& store = freshStore();
        {
            WriterOptions options;
            options.groupFiles = 100;
            options.groupMillis = 600000;
            auto writer = ImportWriter::create(store.database(), options);
            QVERIFY(writer);
            QVERIFY(writer->beginSource({"done.json", 1, "hash-done", "lambda-dynamodb"}));
            auto record = storetest::makeRecord(base());
            QVERIFY(writer->addRecord(record->input));
            QVERIFY(!writer->commitSource());
            QVERIFY(writer->beginSource({"cancelled.json", 1, "hash-cancelled", "lambda-dynamodb"}));
            Spec s = base();
            s.sequenceNumber = storetest::seq(999);
            s.keys = storetest::idKeys(999);
            auto other = storetest::makeRecord(s);
            QVERIFY(writer->addRecord(other->input));
        }
        QCOMPARE(count(store, "sources"), std::int64_t{1});
        QCOMPARE(count(store, "records"), std::int64_t{1});
        QCOMPARE(count(store, "keys"), std::int64_t{1});
        QCOMPARE(store.tables()->front().recordCount, std::int64_t{1});
    }

    // Without a savepoint per file, a rolled-back source in the middle of a group is undone row by row: every
    // table must be exactly as before it (rows it created, streams whose view type/region it set), and the writer
    // must go on (ids reused, caches dropped).
    void rollbackInGroupRestoresEveryRow()
    {
        Store& store = freshStore();
        auto dump = [&]() {
            std::string text;
            for (const char* table :
                 {"sources", "ddb_tables", "streams", "keys", "records", "duplicates", "conflicts"}) {
                auto st = store.database().prepare(std::string("SELECT * FROM ") + table + " ORDER BY id");
                if (!st)
                    return std::string("prepare failed");
                text += std::string("[") + table + "]\n";
                for (;;) {
                    auto s = st->step();
                    if (s.error || !s.row)
                        break;
                    for (int c = 0; c < sqlite3_column_count(st->handle()); ++c)
                        text += (st->isNull(c) ? std::string("NULL") : std::string(st->text(c))) + "|";
                    text += "\n";
                }
            }
            return text;
        };
        WriterOptions options;
        options.groupFiles = 100;
        options.groupMillis = 600000;
        auto writer = ImportWriter::create(store.database(), options);
        QVERIFY(writer);
        // A pending source whose stream has no view type yet (GetRecords-like records).
        QVERIFY(writer->beginSource({"first.json", 1, "hash-first", "getrecords"}));
        Spec plain = base();
        plain.viewType = model::ViewType::Unknown;
        auto first = storetest::makeRecord(plain);
        QVERIFY(writer->addRecord(first->input));
        QVERIFY(!writer->commitSource());
        const std::string before = dump();

        auto fill = [&](bool commit) {
            auto begun = writer->beginSource({"second.json", 1, "hash-second", "lambda-dynamodb"});
            QVERIFY(begun && !begun->alreadyImported);
            std::vector<std::unique_ptr<storetest::OwnedRecord>> owned;
            Spec s = base(); // sets the view type of the existing stream
            s.sequenceNumber = storetest::seq(101);
            s.keys = storetest::idKeys(2);
            owned.push_back(storetest::makeRecord(s));
            for (int i = 0; i < 20; ++i) {
                Spec t = base();
                t.table = i % 2 ? "NewTable" : "Orders";
                t.streamArn = i % 3 ? t.streamArn : "arn:aws:dynamodb:eu-west-1:1:table/NewTable/stream/x";
                t.keys = storetest::idKeys(500 + i);
                t.sequenceNumber = storetest::seq(500 + i);
                t.eventId = "e-" + std::to_string(500 + i);
                owned.push_back(storetest::makeRecord(t));
            }
            owned.push_back(storetest::makeRecord(plain)); // duplicate of first.json's record
            Spec conflicting = plain;
            conflicting.newImage = kImage2;
            owned.push_back(storetest::makeRecord(conflicting));
            Spec noSeq = base();
            noSeq.sequenceNumber.clear();
            noSeq.eventId = "kinesis-1";
            noSeq.keys = storetest::idKeys(900);
            owned.push_back(storetest::makeRecord(noSeq));
            for (const auto& r : owned)
                QVERIFY(writer->addRecord(r->input));
            QCOMPARE(writer->counts().duplicates, std::int64_t{1});
            QCOMPARE(writer->counts().conflicts, std::int64_t{1});
            if (commit)
                QVERIFY(!writer->commitSource());
            else
                QVERIFY(!writer->rollbackSource());
        };
        fill(false);
        QCOMPARE(dump(), before);
        QCOMPARE(writer->pendingSources().size(), std::size_t{1});
        // The same file again, committed this time: same ids as the undone attempt would have had.
        fill(true);
        QVERIFY(!writer->commitPending());
        QCOMPARE(count(store, "sources"), std::int64_t{2});
        QCOMPARE(count(store, "records"), std::int64_t{23});
        QCOMPARE(count(store, "duplicates"), std::int64_t{1});
        QCOMPARE(count(store, "conflicts"), std::int64_t{1});
        QCOMPARE(*store.database().queryInt("SELECT count(*) FROM streams WHERE view_type = 0"), std::int64_t{0});
        QCOMPARE(*store.database().queryInt("SELECT max(id) FROM records"), std::int64_t{23});
    }

    // Precomputed hash / sort key give the same outcomes as computed ones.
    void precomputedValues()
    {
        Store& store = freshStore();
        auto writer = ImportWriter::create(store.database());
        QVERIFY(writer);
        QVERIFY(writer->beginSource({"p.json", 1, "hash-p", "lambda-dynamodb"}));
        auto first = storetest::makeRecord(base());
        QCOMPARE(writer->addRecord(first->input)->kind, AddOutcome::Kind::Inserted);
        auto second = storetest::makeRecord(base());
        second->input.precomputedHash = contentHash(second->input.eventName, second->input.keysJson,
                                                    second->input.newImageJson, second->input.oldImageJson);
        const std::string sortKey = model::sequenceSortKey(second->input.sequenceNumber);
        second->input.precomputedSeqSort = sortKey;
        second->input.precomputedKeyHash = keyTextHash(second->input.keysJson);
        QCOMPARE(writer->addRecord(second->input)->kind, AddOutcome::Kind::Duplicate);
        QVERIFY(!writer->commitSource());
    }
};

QTEST_GUILESS_MAIN(TestImportWriter)
#include "tst_importwriter.moc"
