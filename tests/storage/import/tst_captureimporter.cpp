// importCaptures: public samples into a store, malformed input leaves nothing, generated captures match the
// generator's manifest, re-import adds nothing, cancel leaves the store as before, a second connection sees
// committed files while an import runs.

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cstdio>

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include "model/dynamodbjson.h"
#include "storage/import/captureimporter.h"
#include "storage/import/contenthash.h"
#include "storage/import/inputfile.h"
#include "storage/store/store.h"
#include "storage/store/walcheckpointer.h"
#include "testsupport.h"

using storage::FileImportResult;

namespace {

storage::Store openStore(const QString& path)
{
    auto store = storage::Store::open(path.toStdString());
    if (!store)
        qFatal("cannot open store: %s", store.error().message.c_str());
    return std::move(*store);
}

storage::StoreTotals totalsOf(storage::Store& store)
{
    auto totals = store.totals();
    if (!totals)
        qFatal("totals: %s", totals.error().message.c_str());
    return *totals;
}

QJsonObject readManifest(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace

class TestCaptureImporter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void publicSamples();
    void malformedLeavesStoreUnchanged();
    void strictFailsFile();
    void generated_data();
    void generated();
    void reimportAddsNothing();
    void cancelMidFile();
    void readerSeesCommittedFiles();
    void readerSeesGroupedCommits();
    void readerSeesTimedCommits();
    void failedFileInGroup();
    void cancelMidGroup();
    void backgroundCheckpoints();
    void checkpointerStartsWriteback();
    void walEmptiedPastItsBound();
    void readerOnCallingThread();
    void statisticsInSummary();
    void allSkippedFileSaysItsFormat();
    void contentHashStable();
    void reimportHashedWhileRead_data();
    void reimportHashedWhileRead();
    void keysRowsMatchModel();
    void storeFullBlamesTheStore();
};

void TestCaptureImporter::publicSamples()
{
    REQUIRE_SHARED_DIR();
    QTemporaryDir dir;
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const auto summary = storage::importCaptures(store.database(), {testsupport::samplesDir().toStdString()});
    QVERIFY(!summary.storeError);
    // records per file (see tst_capturereader for the per-file table); here: statuses and totals.
    std::int64_t records = 0, failed = 0, notCapture = 0, sidecars = 0, alreadyImported = 0;
    for (const auto& f : summary.files) {
        if (f.path.ends_with(".md") || f.path.ends_with(".gitattributes")) {
            QCOMPARE(f.status, FileImportResult::Status::NotCapture);
            continue;
        }
        if (f.status == FileImportResult::Status::Failed) {
            ++failed;
            QVERIFY2(f.path.ends_with("dynamodb-event-malformed.2.json"), f.path.c_str());
            QVERIFY(f.failure && f.failure->byteOffset == 2968 && f.failure->line > 0);
            QCOMPARE(f.inserted, std::int64_t{0});
            continue;
        }
        if (f.status == FileImportResult::Status::NotCapture) {
            ++notCapture;
            QVERIFY(!f.notCaptureReason.empty());
            continue;
        }
        if (f.status == FileImportResult::Status::Sidecar) {
            // Known layouts that belong next to captures (batch-failure responses, export manifests).
            ++sidecars;
            QVERIFY(!f.notCaptureReason.empty());
            continue;
        }
        if (f.status == FileImportResult::Status::AlreadyImported) {
            // Byte-identical to a sample imported before it (same content hash).
            ++alreadyImported;
            continue;
        }
        QVERIFY2(f.status == FileImportResult::Status::Imported, f.path.c_str());
        QCOMPARE(f.inserted + f.duplicates + f.conflicts, f.records);
        QCOMPARE(f.skipped, std::int64_t{0});
        records += f.records;
    }
    QCOMPARE(failed, std::int64_t{1});
    // 8 files are no captures: 6 of known layouts (4 batch responses, 2 export manifest examples) are sidecars.
    QCOMPARE(notCapture, std::int64_t{2});
    QCOMPARE(sidecars, std::int64_t{6});
    // Sum of the per-file counts in tst_capturereader (151) minus exampleDynamoDBStreamPayload.json (2 records),
    // which is byte-identical to powertools-python/dynamoStreamEvent.json and so "already imported".
    QCOMPARE(alreadyImported, std::int64_t{1});
    QCOMPARE(records, std::int64_t{149});
    QCOMPARE(summary.exitCode(), 3); // the malformed sample failed
}

void TestCaptureImporter::malformedLeavesStoreUnchanged()
{
    REQUIRE_SHARED_DIR();
    QTemporaryDir dir;
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const auto good = storage::importCaptures(
        store.database(),
        {(testsupport::samplesDir() + QStringLiteral("/aws-lambda-go/dynamodb-event.json")).toStdString()});
    QCOMPARE(good.exitCode(), 0);
    const auto before = totalsOf(store);
    const auto bad = storage::importCaptures(
        store.database(),
        {(testsupport::samplesDir() + QStringLiteral("/aws-lambda-go/dynamodb-event-malformed.2.json")).toStdString()});
    QCOMPARE(bad.exitCode(), 3);
    QCOMPARE(bad.files.front().status, FileImportResult::Status::Failed);
    QCOMPARE(bad.files.front().failure->recordIndex, std::int64_t{1});
    QCOMPARE(bad.files.front().failure->byteOffset, std::uint64_t{2968}); // its end: truncated
    const auto after = totalsOf(store);
    QCOMPARE(after.records, before.records);
    QCOMPARE(after.sources, before.sources);
    QCOMPARE(after.keys, before.keys);
}

void TestCaptureImporter::strictFailsFile()
{
    QTemporaryDir dir;
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const std::string file = STREAMSCOPE_TEST_DATA_DIR "/import/invalid-unknown-eventname.json";
    storage::ImportOptions strict;
    strict.strict = true;
    const auto failed = storage::importCaptures(store.database(), {file}, strict);
    QCOMPARE(failed.files.front().status, FileImportResult::Status::Failed);
    QCOMPARE(failed.exitCode(), 3);
    QCOMPARE(totalsOf(store).records, std::int64_t{0});
    const auto lenient = storage::importCaptures(store.database(), {file});
    QCOMPARE(lenient.files.front().status, FileImportResult::Status::Imported);
    QCOMPARE(lenient.files.front().skipped, std::int64_t{1});
    QCOMPARE(lenient.files.front().skippedRecords.front().recordIndex, std::int64_t{1});
    QCOMPARE(lenient.exitCode(), 1);
    QCOMPARE(totalsOf(store).records, std::int64_t{2});
}

void TestCaptureImporter::generated_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::newRow("duplicates") << QStringList{QStringLiteral("--duplicate-rate"), QStringLiteral("0.05")};
    QTest::newRow("shuffle+gzip") << QStringList{QStringLiteral("--shuffle"), QStringLiteral("--gzip")};
    QTest::newRow("composite keys") << QStringList{QStringLiteral("--composite-keys")};
    QTest::newRow("tables 3") << QStringList{QStringLiteral("--tables"), QStringLiteral("3")};
    for (const char* view : {"NEW_AND_OLD_IMAGES", "NEW_IMAGE", "OLD_IMAGE", "KEYS_ONLY"})
        QTest::newRow(view) << QStringList{QStringLiteral("--view-type"), QString::fromLatin1(view),
                                           QStringLiteral("--duplicate-rate"), QStringLiteral("0.02")};
    QTest::newRow("single file, ttl") << QStringList{QStringLiteral("--layout"), QStringLiteral("single"),
                                                     QStringLiteral("--ttl-rate"), QStringLiteral("0.5")};
    QTest::newRow("jsonl") << QStringList{QStringLiteral("--layout"), QStringLiteral("jsonl")};
}

void TestCaptureImporter::generated()
{
    REQUIRE_SHARED_DIR();
    QFETCH(QStringList, options);
    QTemporaryDir dir;
    const bool singleFile = options.contains(QStringLiteral("single")) || options.contains(QStringLiteral("jsonl"));
    const QString out = dir.filePath(singleFile ? QStringLiteral("capture.json") : QStringLiteral("capture"));
    const QString manifestPath = dir.filePath(QStringLiteral("manifest.json"));
    const QString error = testsupport::runGenerator(
        QStringList{QStringLiteral("--seed"), QStringLiteral("5"), QStringLiteral("--records"), QStringLiteral("3000"),
                    QStringLiteral("--keys"), QStringLiteral("300"), QStringLiteral("--quiet"), QStringLiteral("--out"),
                    out, QStringLiteral("--manifest"), manifestPath}
        + options);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QJsonObject manifest = readManifest(manifestPath);
    const QJsonObject stats = manifest.value(QStringLiteral("summary")).toObject();
    const auto written = static_cast<std::int64_t>(stats.value(QStringLiteral("records_written")).toDouble());
    const auto duplicates = static_cast<std::int64_t>(stats.value(QStringLiteral("duplicates")).toDouble());
    const auto keys = static_cast<std::int64_t>(stats.value(QStringLiteral("distinct_keys")).toDouble());
    const auto tables = static_cast<std::int64_t>(stats.value(QStringLiteral("tables")).toDouble());
    QVERIFY(written > 0);

    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const auto summary = storage::importCaptures(store.database(), {out.toStdString()});
    QCOMPARE(summary.exitCode(), 0);
    using F = FileImportResult;
    QCOMPARE(summary.total(&F::records), written);
    QCOMPARE(summary.total(&F::duplicates), duplicates);
    QCOMPARE(summary.total(&F::conflicts), std::int64_t{0});
    QCOMPARE(summary.total(&F::inserted), written - duplicates);
    const auto totals = totalsOf(store);
    QCOMPARE(totals.records, written - duplicates);
    QCOMPARE(totals.keys, keys);
    QCOMPARE(totals.tables, tables);
}

void TestCaptureImporter::reimportAddsNothing()
{
    QTemporaryDir dir;
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const std::string file = STREAMSCOPE_TEST_DATA_DIR "/import/valid-three-records.json";
    const auto first = storage::importCaptures(store.database(), {file});
    QCOMPARE(first.files.front().inserted, std::int64_t{3});
    const auto before = totalsOf(store);
    const auto second = storage::importCaptures(store.database(), {file});
    QCOMPARE(second.files.front().status, FileImportResult::Status::AlreadyImported);
    QVERIFY(second.files.front().existing.has_value());
    QCOMPARE(second.exitCode(), 0);
    const auto after = totalsOf(store);
    QCOMPARE(after.records, before.records);
    QCOMPARE(after.sources, before.sources);
    QCOMPARE(after.duplicates, before.duplicates);
}

void TestCaptureImporter::cancelMidFile()
{
    REQUIRE_SHARED_DIR();
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("capture.json"));
    QVERIFY(testsupport::runGenerator({QStringLiteral("--seed"), QStringLiteral("9"), QStringLiteral("--records"),
                                       QStringLiteral("5000"), QStringLiteral("--keys"), QStringLiteral("200"),
                                       QStringLiteral("--layout"), QStringLiteral("single"), QStringLiteral("--quiet"),
                                       QStringLiteral("--out"), out})
                .isEmpty());
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    static_cast<void>(
        storage::importCaptures(store.database(), {STREAMSCOPE_TEST_DATA_DIR "/import/valid-three-records.json"}));
    const auto before = totalsOf(store);
    int calls = 0;
    storage::ImportOptions options;
    options.batchRecords = 500;
    const auto summary =
        storage::importCaptures(store.database(), {out.toStdString()}, options, [&](const storage::ImportProgress& p) {
            ++calls;
            return p.recordsRead < 1500; // cancel mid-file
        });
    QVERIFY(summary.cancelled);
    QVERIFY(calls >= 3);
    QCOMPARE(summary.files.front().status, FileImportResult::Status::Cancelled);
    const auto after = totalsOf(store);
    QCOMPARE(after.records, before.records);
    QCOMPARE(after.sources, before.sources);
    QCOMPARE(after.keys, before.keys);
    // The same file imports completely afterwards.
    const auto again = storage::importCaptures(store.database(), {out.toStdString()});
    QCOMPARE(again.exitCode(), 0);
    QCOMPARE(again.files.front().records, std::int64_t{5000});
}

void TestCaptureImporter::readerSeesCommittedFiles()
{
    REQUIRE_SHARED_DIR();
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("batches"));
    QVERIFY(testsupport::runGenerator({QStringLiteral("--seed"), QStringLiteral("3"), QStringLiteral("--records"),
                                       QStringLiteral("2000"), QStringLiteral("--keys"), QStringLiteral("100"),
                                       QStringLiteral("--batch-size"), QStringLiteral("200"), QStringLiteral("--quiet"),
                                       QStringLiteral("--out"), out})
                .isEmpty());
    const QString storePath = dir.filePath(QStringLiteral("s.streamscope"));
    auto store = openStore(storePath);
    auto reader = storage::Store::open(storePath.toStdString(), storage::Database::OpenMode::ReadOnly);
    QVERIFY2(reader.ok(), reader ? "" : reader.error().message.c_str());
    std::int64_t seenWhileImporting = -1;
    std::int64_t filesDoneThen = 0;
    storage::ImportOptions options;
    options.groupFiles = 1; // every file commits on its own (the grouped default is tested below)
    const auto summary =
        storage::importCaptures(store.database(), {out.toStdString()}, options, [&](const storage::ImportProgress& p) {
            if (p.filesDone == 5 && seenWhileImporting < 0) {
                auto totals = reader->totals();
                if (totals) {
                    seenWhileImporting = totals->records;
                    filesDoneThen = p.filesDone;
                }
            }
            return true;
        });
    QCOMPARE(summary.exitCode(), 0);
    QCOMPARE(filesDoneThen, std::int64_t{5});
    QCOMPARE(seenWhileImporting, std::int64_t{1000}); // 5 committed files of 200 records, nothing of the 6th
    QCOMPARE(totalsOf(*reader).records, std::int64_t{2000});
}

namespace {

// 10 files of 200 records (seed 3, 100 keys) in `dir`/batches.
QString generateBatches(const QTemporaryDir& dir)
{
    const QString out = dir.filePath(QStringLiteral("batches"));
    const QString error = testsupport::runGenerator(
        {QStringLiteral("--seed"), QStringLiteral("3"), QStringLiteral("--records"), QStringLiteral("2000"),
         QStringLiteral("--keys"), QStringLiteral("100"), QStringLiteral("--batch-size"), QStringLiteral("200"),
         QStringLiteral("--quiet"), QStringLiteral("--out"), out});
    if (!error.isEmpty())
        qFatal("generator: %s", qPrintable(error));
    return out;
}

// The generated batches, a store to import them into and a second, read-only connection that looks from outside.
struct WatchedImport
{
    QString capture;
    storage::Store store;
    storage::Store reader;
    storage::ImportOptions options; ///< reports after every 50 records, so the reader looks inside files
};

WatchedImport watchedImport(const QTemporaryDir& dir)
{
    const QString storePath = dir.filePath(QStringLiteral("s.streamscope"));
    QString capture = generateBatches(dir);
    auto store = openStore(storePath);
    auto reader = storage::Store::open(storePath.toStdString(), storage::Database::OpenMode::ReadOnly);
    if (!reader)
        qFatal("cannot open the reader: %s", reader.error().message.c_str());
    storage::ImportOptions options;
    options.batchRecords = 50;
    return {std::move(capture), std::move(store), std::move(*reader), options};
}

std::int64_t queryInt(storage::Store& store, const std::string& sql)
{
    auto value = store.database().queryInt(sql);
    if (!value)
        qFatal("%s: %s", sql.c_str(), value.error().message.c_str());
    return *value;
}

// Every file is all-or-none and the maintained per-key counts equal the rows.
void verifyConsistent(storage::Store& store)
{
    QCOMPARE(queryInt(store,
                      "SELECT count(*) FROM sources s WHERE s.status != 'complete' OR s.inserted != (SELECT "
                      "count(*) FROM records r WHERE r.source_id = s.id)"),
             std::int64_t{0});
    QCOMPARE(queryInt(store,
                      "SELECT count(*) FROM records r WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.id = "
                      "r.source_id)"),
             std::int64_t{0});
    QCOMPARE(queryInt(store,
                      "SELECT count(*) FROM keys k WHERE record_count != (SELECT count(*) FROM records r "
                      "WHERE r.key_id = k.id)"),
             std::int64_t{0});
}

} // namespace

// Grouped commits: a second connection sees whole files committed while the import runs, never part of one.
// Deterministic: the commit points are forced by the data (groupFiles), not the clock (groupMillis is far longer
// than any run), and the reader looks after every batch of 50 records (4 per 200-record file) and after every file
// end, so it also looks in the middle of files. With groupFiles = 3 the reader must see exactly the files of the
// groups completed so far: 0 records during files 1-3, 600 from the end of file 3, ... 1800 from file 9, 2000 at
// the end. A commit inside a file (or a group left uncommitted) breaks the exact count.
void TestCaptureImporter::readerSeesGroupedCommits()
{
    REQUIRE_SHARED_DIR();
    QTemporaryDir dir;
    auto [out, store, readerStore, options] = watchedImport(dir);
    storage::Store* reader = &readerStore;
    options.groupFiles = 3;
    options.groupMillis = 24 * 3600 * 1000; // never due by time
    struct Look
    {
        std::int64_t filesDone = 0;
        std::int64_t recordsRead = 0;
        std::int64_t committed = 0;    // records the reader sees
        std::int64_t inconsistent = 0; // sources not complete or not matching their rows, orphan rows
    };
    std::vector<Look> looks;
    const auto summary =
        storage::importCaptures(store.database(), {out.toStdString()}, options, [&](const storage::ImportProgress& p) {
            Look look{p.filesDone, p.recordsRead, queryInt(*reader, "SELECT count(*) FROM records"),
                      queryInt(*reader,
                               "SELECT (SELECT count(*) FROM sources s WHERE s.status != 'complete' OR s.inserted != "
                               "(SELECT count(*) FROM records r WHERE r.source_id = s.id)) + (SELECT count(*) FROM "
                               "records r WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.id = r.source_id))")};
            looks.push_back(look);
            return true;
        });
    QCOMPARE(summary.exitCode(), 0);
    // 10 files of 200 records: 4 batch reports + 1 file-end report each.
    QCOMPARE(looks.size(), std::size_t{50});
    std::int64_t midFileLooks = 0;
    for (const Look& look : looks) {
        const std::int64_t expected = look.filesDone / 3 * 3 * 200;
        QVERIFY2(look.committed == expected,
                 qPrintable(QStringLiteral("after %1 files and %2 records the reader saw %3 records, expected %4")
                                .arg(look.filesDone)
                                .arg(look.recordsRead)
                                .arg(look.committed)
                                .arg(expected)));
        QCOMPARE(look.inconsistent, std::int64_t{0});
        if (look.recordsRead % 200 != 0)
            ++midFileLooks;
    }
    QCOMPARE(midFileLooks, std::int64_t{30}); // it did look inside files (records 50, 100, 150 of each)
    QCOMPARE(totalsOf(*reader).records, std::int64_t{2000});
    QCOMPARE(queryInt(*reader, "SELECT count(*) FROM sources"), std::int64_t{10});
    verifyConsistent(*reader);
}

// Commits by time (groupMillis 0: a group is due at every file boundary unless the last commit was slow): whatever
// the timing, a reader looking inside files sees only whole files, never more than the files finished.
void TestCaptureImporter::readerSeesTimedCommits()
{
    REQUIRE_SHARED_DIR();
    QTemporaryDir dir;
    auto [out, store, readerStore, options] = watchedImport(dir);
    storage::Store* reader = &readerStore;
    options.groupMillis = 0;
    std::vector<std::pair<std::int64_t, std::int64_t>> looks; // files done, records seen
    const auto summary =
        storage::importCaptures(store.database(), {out.toStdString()}, options, [&](const storage::ImportProgress& p) {
            looks.emplace_back(p.filesDone, queryInt(*reader, "SELECT count(*) FROM records"));
            return true;
        });
    QCOMPARE(summary.exitCode(), 0);
    QCOMPARE(looks.size(), std::size_t{50});
    for (const auto& [filesDone, seen] : looks) {
        QCOMPARE(seen % 200, std::int64_t{0});
        QVERIFY(seen <= filesDone * 200);
    }
    QCOMPARE(totalsOf(*reader).records, std::int64_t{2000});
    verifyConsistent(*reader);
}

// A file that fails between good files of the same group leaves no rows; the good files are all there.
void TestCaptureImporter::failedFileInGroup()
{
    REQUIRE_SHARED_DIR();
    QTemporaryDir dir;
    const QString out = generateBatches(dir);
    // batch-000004.json truncated in the middle of a record (after some records were written).
    const QString victim = out + QStringLiteral("/batch-000004.json");
    QFile file(victim);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QByteArray bytes = file.readAll();
    file.close();
    bytes.truncate(bytes.size() * 3 / 4);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes);
    file.close();
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    storage::ImportOptions options;
    options.batchRecords = 50; // the bad file's first records reach the writer before the failure
    options.groupMillis = 600000;
    const auto summary = storage::importCaptures(store.database(), {out.toStdString()}, options);
    QCOMPARE(summary.exitCode(), 3);
    QCOMPARE(summary.files.size(), std::size_t{10});
    for (std::size_t i = 0; i < summary.files.size(); ++i)
        QCOMPARE(summary.files[i].status,
                 i == 4 ? FileImportResult::Status::Failed : FileImportResult::Status::Imported);
    QVERIFY(summary.files[4].failure.has_value());
    const auto totals = totalsOf(store);
    QCOMPARE(totals.records, std::int64_t{1800});
    QCOMPARE(totals.sources, std::int64_t{9});
    QCOMPARE(queryInt(store, "SELECT count(*) FROM sources WHERE path LIKE '%batch-000004.json'"), std::int64_t{0});
    verifyConsistent(store);
}

// Cancel inside the 5th file of a group: the 4 files completed before are committed, nothing of the 5th.
void TestCaptureImporter::cancelMidGroup()
{
    REQUIRE_SHARED_DIR();
    QTemporaryDir dir;
    const QString out = generateBatches(dir);
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    storage::ImportOptions options;
    options.batchRecords = 50;
    options.groupMillis = 600000;
    const auto summary =
        storage::importCaptures(store.database(), {out.toStdString()}, options,
                                [&](const storage::ImportProgress& p) { return p.recordsRead < 4 * 200 + 100; });
    QVERIFY(summary.cancelled);
    QCOMPARE(summary.exitCode(), 3);
    for (std::size_t i = 0; i < 4; ++i)
        QCOMPARE(summary.files[i].status, FileImportResult::Status::Imported);
    QCOMPARE(summary.files[4].status, FileImportResult::Status::Cancelled);
    const auto totals = totalsOf(store);
    QCOMPARE(totals.records, std::int64_t{800});
    QCOMPARE(totals.sources, std::int64_t{4});
    verifyConsistent(store);
    // The rest imports afterwards; the first four say already imported.
    const auto again = storage::importCaptures(store.database(), {out.toStdString()});
    QCOMPARE(again.exitCode(), 0);
    QCOMPARE(again.files[0].status, FileImportResult::Status::AlreadyImported);
    QCOMPARE(totalsOf(store).records, std::int64_t{2000});
    verifyConsistent(store);
}

// Committed groups are copied from the WAL into the store file by a checkpointer thread while the import runs; at
// the end everything is in the store file, and the result is the same as with checkpoints in the writer's commits.
void TestCaptureImporter::backgroundCheckpoints()
{
    REQUIRE_SHARED_DIR();
    QTemporaryDir dir;
    const QString out = generateBatches(dir);
    std::vector<std::int64_t> records;
    for (const bool background : {true, false}) {
        const QString storePath =
            dir.filePath(background ? QStringLiteral("bg.streamscope") : QStringLiteral("fg.streamscope"));
        auto store = openStore(storePath);
        storage::ImportOptions options;
        options.backgroundCheckpoints = background;
        options.groupFiles = 3; // several groups (4), whatever the timing
        options.groupMillis = 24 * 3600 * 1000;
        const auto summary = storage::importCaptures(store.database(), {out.toStdString()}, options);
        QCOMPARE(summary.exitCode(), 0);
        int frames = -1, copied = -1;
        QCOMPARE(
            sqlite3_wal_checkpoint_v2(store.database().handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied),
            SQLITE_OK);
        QCOMPARE(copied, frames); // nothing left to copy
        records.push_back(totalsOf(store).records);
        verifyConsistent(store);
    }
    QCOMPARE(records[0], std::int64_t{2000});
    QCOMPARE(records[1], records[0]);
}

// An import of many files keeps its WAL bounded: after a group commit that left it bigger than walTruncateBytes the
// writer checkpoints all of it and empties it (the background checkpointer alone never lets it restart: the writer
// begins its next transaction at once). With a reader holding an old snapshot the WAL cannot be emptied: the import
// goes on and says so in its figures. Both with and without the checkpointer thread.
void TestCaptureImporter::walEmptiedPastItsBound()
{
    REQUIRE_SHARED_DIR();
    QTemporaryDir dir;
    const QString batches = generateBatches(dir); // 10 files
    for (const bool background : {true, false}) {
        const QString storePath = dir.filePath(background ? QStringLiteral("bg.streamscope") : QStringLiteral("fg.s"));
        auto store = openStore(storePath);
        storage::ImportOptions options;
        options.backgroundCheckpoints = background;
        options.walCheckpointPages = -1; // without the thread: no automatic checkpoints either
        options.groupFiles = 1;
        options.groupMillis = 24 * 3600 * 1000;
        options.walTruncateBytes = 1; // every commit passes it
        const auto summary = storage::importCaptures(store.database(), {batches.toStdString()}, options);
        QCOMPARE(summary.exitCode(), 0);
        QVERIFY(summary.statistics.has_value());
        const auto& statistics = *summary.statistics;
        QCOMPARE(statistics.writer.groupsCommitted, std::int64_t{10});
        QCOMPARE(statistics.walTruncations, std::int64_t{10});
        QVERIFY(statistics.walPeakBytes > 0);
        QCOMPARE(QFileInfo(storePath + QStringLiteral("-wal")).size(), qint64{0}); // emptied after the last commit
        QCOMPARE(totalsOf(store).records, std::int64_t{2000});
        verifyConsistent(store);
    }

    // A reader on another connection holds its snapshot for the whole import: nothing can be emptied (each attempt
    // waits a second), nothing fails, and the WAL holds the whole import.
    const QString storePath = dir.filePath(QStringLiteral("held.streamscope"));
    auto store = openStore(storePath);
    auto reader = storage::Store::open(storePath.toStdString(), storage::Database::OpenMode::ReadOnly);
    QVERIFY(reader);
    QVERIFY(!reader->database().exec("BEGIN"));
    QVERIFY(reader->database().queryInt("SELECT count(*) FROM records"));
    storage::ImportOptions options;
    options.groupFiles = 5; // two groups: two attempts
    options.groupMillis = 24 * 3600 * 1000;
    options.walTruncateBytes = 1;
    const auto summary = storage::importCaptures(store.database(), {batches.toStdString()}, options);
    QCOMPARE(summary.exitCode(), 0);
    QCOMPARE(summary.statistics->writer.groupsCommitted, std::int64_t{2});
    QCOMPARE(summary.statistics->walTruncations, std::int64_t{0});
    QVERIFY(QFileInfo(storePath + QStringLiteral("-wal")).size() >= qint64(summary.statistics->walPeakBytes));
    QVERIFY(!reader->database().exec("COMMIT"));
    QCOMPARE(totalsOf(store).records, std::int64_t{2000});
}

// The checkpointer asks the kernel to start writing the WAL and the store file out at every tick, also after
// stopCheckpoints() (while the writer's own final checkpoint copies pages), until stop(). With a write transaction
// open on another connection (a big file being inserted) its checkpoints copy nothing, but the write-back goes on.
void TestCaptureImporter::checkpointerStartsWriteback()
{
#ifndef __linux__
    QSKIP("write-back requests are Linux only (sync_file_range)");
#endif
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("w.streamscope"));
    // Opened through a symbolic link: SQLite keeps the WAL beside the target, and the write-back finds it there.
    const QString link = dir.filePath(QStringLiteral("link.streamscope"));
    auto store = openStore(path);
    QVERIFY(QFile::link(path, link));
    QVERIFY(!store.database().exec("BEGIN IMMEDIATE"));
    QVERIFY(!store.database().exec("INSERT INTO meta(name, value) VALUES('test', hex(randomblob(100000)))"));
    storage::BackgroundCheckpointer checkpointer(link.toStdString());
    QVERIFY(checkpointer.active());
    const auto both = [&](std::int64_t wal, std::int64_t file) {
        const auto requests = checkpointer.writebackRequests();
        return requests.wal > wal && requests.store > file;
    };
    QTRY_VERIFY_WITH_TIMEOUT(both(0, 0), 30000);
    QVERIFY(!store.database().exec("COMMIT"));
    checkpointer.stopCheckpoints();
    // No checkpoint of the thread's can be running now: the caller's own one is not refused as busy.
    int frames = -1, copied = -1;
    QCOMPARE(sqlite3_wal_checkpoint_v2(store.database().handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied),
             SQLITE_OK);
    QCOMPARE(copied, frames);
    const auto before = checkpointer.writebackRequests();
    QTRY_VERIFY_WITH_TIMEOUT(both(before.wal, before.store), 30000);
    checkpointer.stop();
    const auto stopped = checkpointer.writebackRequests();
    QTest::qWait(300);
    QCOMPARE(checkpointer.writebackRequests().wal, stopped.wal);
    QCOMPARE(checkpointer.writebackRequests().store, stopped.store);
}

// ImportOptions::readerThread = false (the fuzz target's mode) reads everything on the calling thread before
// writing: every file gets the same result and the store the same rows as with the reader thread, including failed,
// not-a-capture, already-imported and skipped-record files, with small batches and groups of several files.
namespace {

// Everything written to the process's stderr while it lives goes to a file instead.
class StderrCapture
{
public:
    explicit StderrCapture(const QString& path)
        : m_path(path)
    {
        std::fflush(stderr);
        m_saved = ::dup(STDERR_FILENO);
        const int fd = ::open(path.toLocal8Bit().constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(fd, STDERR_FILENO);
        ::close(fd);
    }
    ~StderrCapture() { restore(); }
    StderrCapture(const StderrCapture&) = delete;
    StderrCapture& operator=(const StderrCapture&) = delete;

    /// What was written (restores stderr first).
    QByteArray text()
    {
        restore();
        QFile file(m_path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("(capture file missing)");
    }

private:
    void restore()
    {
        if (m_saved < 0)
            return;
        std::fflush(stderr);
        ::dup2(m_saved, STDERR_FILENO);
        ::close(m_saved);
        m_saved = -1;
    }
    QString m_path;
    int m_saved = -1;
};

} // namespace

// The figures STREAMSCOPE_WRITER_STATS used to print from the library arrive in the summary; the library prints
// nothing (the CLI shows them).
void TestCaptureImporter::statisticsInSummary()
{
    QTemporaryDir dir;
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const std::string file = STREAMSCOPE_TEST_DATA_DIR "/import/valid-three-records.json";
    qputenv("STREAMSCOPE_WRITER_STATS", "1");
    storage::ImportSummary summary;
    QByteArray printed;
    {
        StderrCapture capture(dir.filePath(QStringLiteral("stderr.txt")));
        summary = storage::importCaptures(store.database(), {file});
        printed = capture.text();
    }
    qunsetenv("STREAMSCOPE_WRITER_STATS");
    QCOMPARE(printed, QByteArray());
    QCOMPARE(summary.files.front().inserted, std::int64_t{3});
    QVERIFY(summary.statistics.has_value());
    const storage::ImportStatistics& statistics = *summary.statistics;
    QCOMPARE(statistics.seconds, summary.seconds);
    QVERIFY(statistics.writerWaitedSeconds >= 0 && statistics.writerWaitedSeconds <= statistics.seconds);
    QVERIFY(statistics.finalCheckpointSeconds > 0 && statistics.finalCheckpointSeconds <= statistics.seconds);
    QVERIFY(statistics.backgroundCheckpoints); // the default, on a store file
    QCOMPARE(statistics.writer.groupsCommitted, std::int64_t{1});
    QVERIFY(statistics.writer.commitSeconds > 0 && statistics.writer.commitSeconds <= statistics.seconds);
    QVERIFY(statistics.writer.statsFlushSeconds <= statistics.writer.commitSeconds);

    // Without a checkpointer thread it says so; the re-import commits nothing.
    storage::ImportOptions options;
    options.backgroundCheckpoints = false;
    const auto again = storage::importCaptures(store.database(), {file}, options);
    QCOMPARE(again.files.front().status, FileImportResult::Status::AlreadyImported);
    QVERIFY(again.statistics.has_value());
    QVERIFY(!again.statistics->backgroundCheckpoints);
    QCOMPARE(again.statistics->writer.groupsCommitted, std::int64_t{0});

    // Nothing to import: nothing was written, no figures.
    QVERIFY(!storage::importCaptures(store.database(), {}).statistics.has_value());
}

void TestCaptureImporter::readerOnCallingThread()
{
    REQUIRE_SHARED_DIR();
    QTemporaryDir dir;
    const std::vector<std::string> inputs{testsupport::samplesDir().toStdString(), STREAMSCOPE_TEST_DATA_DIR "/import"};
    std::vector<std::string> results, rows;
    for (const bool threaded : {true, false}) {
        auto store =
            openStore(dir.filePath(threaded ? QStringLiteral("t.streamscope") : QStringLiteral("c.streamscope")));
        storage::ImportOptions options;
        options.readerThread = threaded;
        options.batchRecords = 3;
        options.groupFiles = 4;
        const auto summary = storage::importCaptures(store.database(), inputs, options);
        QVERIFY(!summary.storeError);
        std::string text;
        for (const auto& f : summary.files) {
            text += f.path + " " + std::string(storage::fileStatusText(f.status)) + " " + f.format + " "
                + std::to_string(f.records) + "/" + std::to_string(f.inserted) + "/" + std::to_string(f.duplicates)
                + "/" + std::to_string(f.conflicts) + "/" + std::to_string(f.skipped);
            if (f.failure)
                text += " failed at " + std::to_string(f.failure->byteOffset) + ": " + f.failure->reason;
            for (const auto& issue : f.skippedRecords)
                text += " skipped " + std::to_string(issue.byteOffset) + ": " + issue.reason;
            text += "\n";
        }
        results.push_back(text);
        auto dump = store.database().prepare("SELECT id, source_id, record_index, byte_offset, key_id, event_name, "
                                             "seq, time_us, content_hash, raw FROM records ORDER BY id");
        QVERIFY(dump);
        std::string all;
        std::int64_t count = 0;
        while (dump->step().row) {
            ++count;
            for (int c = 0; c < 10; ++c)
                all += (dump->isNull(c) ? std::string("NULL") : dump->textCopy(c)) + "|";
            all += "\n";
        }
        QVERIFY2(count > 80, (std::to_string(count) + "\n" + text).c_str());
        rows.push_back(all);
        QCOMPARE(summary.exitCode(), 3); // the malformed sample
    }
    QCOMPARE(results[1], results[0]);
    QVERIFY(rows[1] == rows[0]);
}

// A file whose records were all skipped is still reported with the shape it has (not "unknown").
void TestCaptureImporter::allSkippedFileSaysItsFormat()
{
    QTemporaryDir dir;
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const QString lambda = dir.filePath(QStringLiteral("all-bad.json"));
    const QString jsonl = dir.filePath(QStringLiteral("all-bad-export.jsonl"));
    {
        QFile f(lambda);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const char* record =
            R"({"eventID":"e%1","eventName":"UPSERT","eventSource":"aws:dynamodb","awsRegion":"eu-west-1",)"
            R"("dynamodb":{"Keys":{"pk":{"S":"a"}},"SequenceNumber":"10%1","StreamViewType":"KEYS_ONLY"},)"
            R"("eventSourceARN":"arn:aws:dynamodb:eu-west-1:1:table/T/stream/x"})";
        f.write(QStringLiteral("{\"Records\":[%1,%2]}")
                    .arg(QString::fromLatin1(record).arg(1), QString::fromLatin1(record).arg(2))
                    .toUtf8());
        QFile g(jsonl);
        QVERIFY(g.open(QIODevice::WriteOnly));
        g.write(R"({"Metadata":{"WriteTimestampMicros":1},"Keys":{"pk":{"N":"1x"}},"NewImage":{"pk":{"N":"1x"}}})"
                "\n");
    }
    const auto summary = storage::importCaptures(store.database(), {lambda.toStdString(), jsonl.toStdString()});
    QCOMPARE(summary.files.size(), std::size_t{2});
    QCOMPARE(summary.files[0].status, FileImportResult::Status::Imported);
    QCOMPARE(summary.files[0].skipped, std::int64_t{2});
    QCOMPARE(summary.files[0].records, std::int64_t{0});
    QCOMPARE(summary.files[0].format, std::string("lambda-dynamodb"));
    QCOMPARE(summary.files[1].skipped, std::int64_t{1});
    QCOMPARE(summary.files[1].format, std::string("s3-incremental"));
    QCOMPARE(summary.exitCode(), 1);
}

// The content hash is stored with every source and compared with later imports: the streaming hasher (fed in
// pieces of any size), the file pass and the in-memory path must all give these values, which were computed with
// the original per-1-MiB-block function.
void TestCaptureImporter::contentHashStable()
{
    auto pattern = [](std::size_t n) {
        std::string bytes(n, '\0');
        for (std::size_t i = 0; i < n; ++i)
            bytes[i] = static_cast<char>((i * 131 + 7) % 251);
        return bytes;
    };
    const std::pair<std::size_t, const char*> vectors[] = {
        {0, "h64-1eceecea7e170282-0"},
        {5, "h64-dc340f688fe09ebb-5"},
        {8, "h64-f5c50f533084e17b-8"},
        {13, "h64-57c21c6c92ae87bc-13"},
        {(std::size_t{1} << 20) + 13, "h64-25d8b5f9fd382f8b-1048589"},
        {(std::size_t{3} << 20) - 3, "h64-8a8647301d64aa95-3145725"},
    };
    QTemporaryDir dir;
    for (const auto& [size, expected] : vectors) {
        const std::string bytes = pattern(size);
        storage::FileContentHasher whole;
        whole.add(bytes.data(), bytes.size());
        QCOMPARE(whole.finish(), std::string(expected));
        for (const std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{7}, std::size_t{4096 + 5}}) {
            storage::FileContentHasher pieces;
            for (std::size_t at = 0; at < bytes.size(); at += piece)
                pieces.add(bytes.data() + at, std::min(piece, bytes.size() - at));
            QCOMPARE(pieces.finish(), std::string(expected));
        }
        const QString path = dir.filePath(QStringLiteral("h%1").arg(size));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes.data(), static_cast<qint64>(bytes.size()));
        f.close();
        QCOMPARE(storage::fileContentHash(path.toStdString()), std::optional<std::string>(expected));
    }
}

// Big plain files are hashed while they are parsed and checked for a previous import at their end (forced here on
// small files with readWholeBytes = 0): the same hash is stored as by the in-memory path, a re-import adds nothing
// either way, and a copy imported through the other path is recognised too, before any of its records is written.
void TestCaptureImporter::reimportHashedWhileRead_data()
{
    QTest::addColumn<bool>("firstStreamed");
    QTest::addColumn<bool>("secondStreamed");
    QTest::newRow("streamed twice") << true << true;
    QTest::newRow("in memory, then streamed") << false << true;
    QTest::newRow("streamed, then in memory") << true << false;
}

void TestCaptureImporter::reimportHashedWhileRead()
{
    QFETCH(bool, firstStreamed);
    QFETCH(bool, secondStreamed);
    QTemporaryDir dir;
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const std::string file = STREAMSCOPE_TEST_DATA_DIR "/import/valid-three-records.json";
    const std::string skipped = STREAMSCOPE_TEST_DATA_DIR "/import/invalid-unknown-eventname.json";
    storage::ImportOptions streamed;
    streamed.readWholeBytes = 0;
    const storage::ImportOptions inMemory;
    const auto first = storage::importCaptures(store.database(), {file, skipped}, firstStreamed ? streamed : inMemory);
    QCOMPARE(first.files[0].status, FileImportResult::Status::Imported);
    QCOMPARE(first.files[0].inserted, std::int64_t{3});
    QCOMPARE(first.files[1].status, FileImportResult::Status::Imported);
    QCOMPARE(first.exitCode(), 1);
    QCOMPARE(*store.database().queryInt("SELECT count(*) FROM sources WHERE content_hash = '"
                                        + *storage::fileContentHash(file) + "'"),
             std::int64_t{1});
    const auto before = totalsOf(store);
    // A file of a size the store has imported is hashed before it is parsed: the writer sees no record of it
    // (before, a big file was parsed, written and rolled back at its end).
    std::int64_t recordsSeen = 0;
    const auto second = storage::importCaptures(store.database(), {file, skipped}, secondStreamed ? streamed : inMemory,
                                                [&recordsSeen](const storage::ImportProgress& progress) {
                                                    recordsSeen = std::max(recordsSeen, progress.recordsRead);
                                                    return true;
                                                });
    QCOMPARE(recordsSeen, std::int64_t{0});
    for (const auto& f : second.files) {
        QCOMPARE(f.status, FileImportResult::Status::AlreadyImported);
        QVERIFY(f.existing.has_value());
        QCOMPARE(f.inserted, std::int64_t{0});
        QCOMPARE(f.records, std::int64_t{0});
    }
    QCOMPARE(second.exitCode(), 0);
    const auto after = totalsOf(store);
    QCOMPARE(after.records, before.records);
    QCOMPARE(after.sources, before.sources);
    QCOMPARE(after.duplicates, before.duplicates);
    QCOMPARE(*store.database().queryInt("SELECT count(*) FROM sources WHERE content_hash = ''"), std::int64_t{0});
    // Two copies of a new file in one import: the second is recognised (hashed first: same size as the first).
    QFile original(QString::fromStdString(file));
    QVERIFY(original.open(QIODevice::ReadOnly));
    const QByteArray changed = original.readAll().replace("\"INSERT\"", "\"MODIFY\"");
    QStringList copies;
    for (const char* name : {"copy-a.json", "copy-b.json"}) {
        QFile copy(dir.filePath(QLatin1String(name)));
        QVERIFY(copy.open(QIODevice::WriteOnly));
        copy.write(changed);
        copies << copy.fileName();
    }
    const auto both = storage::importCaptures(store.database(), {copies[0].toStdString(), copies[1].toStdString()},
                                              secondStreamed ? streamed : inMemory);
    QCOMPARE(both.files[0].status, FileImportResult::Status::Imported);
    QCOMPARE(both.files[1].status, FileImportResult::Status::AlreadyImported);
    QCOMPARE(both.files[1].existing->id, both.files[0].sourceId);
    verifyConsistent(store);
}

// The reader thread decodes every Keys once and hands the canonical and display text to the writer: the key rows
// must hold exactly what the model computes from the stored Keys text.
void TestCaptureImporter::keysRowsMatchModel()
{
    REQUIRE_SHARED_DIR();
    QTemporaryDir dir;
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const auto summary = storage::importCaptures(store.database(), {testsupport::samplesDir().toStdString()});
    QVERIFY(!summary.storeError);
    auto st = store.database().prepare(
        "SELECT k.canonical, k.display, coalesce(r.keys_text, CAST(substr(CAST(r.raw AS BLOB), r.keys_off + 1, "
        "r.keys_len) AS TEXT)) FROM keys k JOIN records r ON r.key_id = k.id GROUP BY k.id");
    QVERIFY(st);
    int keys = 0;
    for (;;) {
        auto step = st->step();
        QVERIFY(!step.error);
        if (!step.row)
            break;
        const auto decoded = model::parseItem(st->text(2));
        QVERIFY2(decoded, std::string(st->text(2)).c_str());
        QCOMPARE(std::string(st->text(0)), model::canonicalJson(*decoded.value));
        QCOMPARE(std::string(st->text(1)), model::keyDisplayText(*decoded.value));
        ++keys;
    }
    QVERIFY2(keys > 20, std::to_string(keys).c_str());
}

// The store fills up (PRAGMA max_page_count: SQLITE_FULL as soon as the store would grow, as on a full disk) in the
// middle of the 10 generated files. The failure is the store's: storeError, exit 4, no file "failed". The file being
// written is "store-failed" at the record being written (its real index and offset: that record starts there and
// is the index-th of the file; before, every file said "record 201 at byte 0"), the files after it are "not
// started", and the store holds exactly the files reported imported. With room again, the same import completes.
void TestCaptureImporter::storeFullBlamesTheStore()
{
    REQUIRE_SHARED_DIR();
    QTemporaryDir dir;
    const QString out = generateBatches(dir);
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const std::int64_t pages = queryInt(store, "PRAGMA page_count");
    QCOMPARE(queryInt(store, "PRAGMA max_page_count = " + std::to_string(pages + 60)), pages + 60);
    storage::ImportOptions options;
    options.groupFiles = 2;
    options.groupMillis = 600000;
    const auto summary = storage::importCaptures(store.database(), {out.toStdString()}, options);
    QVERIFY(summary.storeError.has_value());
    QVERIFY2(summary.storeError->message.find("full") != std::string::npos, summary.storeError->message.c_str());
    QCOMPARE(summary.exitCode(), 4);
    QCOMPARE(summary.files.size(), std::size_t{10});
    std::int64_t imported = 0;
    std::size_t writing = summary.files.size(); // the file whose record was being written
    for (std::size_t i = 0; i < summary.files.size(); ++i) {
        const FileImportResult& f = summary.files[i];
        const QString what = QString::fromStdString(f.path + " " + std::string(storage::fileStatusText(f.status)));
        QVERIFY2(f.status != FileImportResult::Status::Failed, qPrintable(what));
        if (f.status == FileImportResult::Status::Imported) {
            QVERIFY2(writing == summary.files.size(), qPrintable(what)); // nothing imported after the failure
            ++imported;
            continue;
        }
        QVERIFY2(!f.notImportedReason.empty(), qPrintable(what));
        QVERIFY2(f.notImportedReason.find("full") == std::string::npos, f.notImportedReason.c_str()); // said once
        if (f.failure) {
            QCOMPARE(f.status, FileImportResult::Status::StoreFailed);
            QCOMPARE(writing, summary.files.size()); // one file only
            writing = i;
        } else if (writing < i) {
            QCOMPARE(f.status, FileImportResult::Status::NotStarted);
        } else {
            QCOMPARE(f.status, FileImportResult::Status::StoreFailed); // rolled back with its group
        }
    }
    QVERIFY2(writing > 0 && writing < summary.files.size() - 1, std::to_string(writing).c_str());
    const FileImportResult& failed = summary.files[writing];
    QVERIFY(failed.failure->recordIndex >= 0 && failed.failure->recordIndex < 200);
    QFile file(QString::fromStdString(failed.path));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray content = file.readAll();
    const auto offset = static_cast<qsizetype>(failed.failure->byteOffset);
    QVERIFY2(content.mid(offset).startsWith("{\"eventID\""), std::to_string(offset).c_str());
    QCOMPARE(content.left(offset).count("{\"eventID\""), failed.failure->recordIndex);
    QVERIFY2(failed.notImportedReason.find(storage::recordPositionText(*failed.failure)) != std::string::npos,
             failed.notImportedReason.c_str());
    QCOMPARE(totalsOf(store).sources, imported);
    QCOMPARE(totalsOf(store).records, imported * 200);
    verifyConsistent(store);

    QVERIFY(queryInt(store, "PRAGMA max_page_count = 1073741823") > pages);
    const auto again = storage::importCaptures(store.database(), {out.toStdString()}, options);
    QVERIFY(!again.storeError);
    QCOMPARE(again.exitCode(), 0);
    QCOMPARE(totalsOf(store).records, std::int64_t{2000});
    verifyConsistent(store);
}

QTEST_GUILESS_MAIN(TestCaptureImporter)
#include "tst_captureimporter.moc"
