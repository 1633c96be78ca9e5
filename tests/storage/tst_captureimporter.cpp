// importCaptures: public samples into a store, malformed input leaves nothing, generated captures match the
// generator's manifest, re-import adds nothing, cancel leaves the store as before, a second connection sees
// committed files while an import runs.

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "storage/captureimporter.h"
#include "storage/store.h"
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
};

void TestCaptureImporter::publicSamples()
{
    REQUIRE_SHARED_DIR();
    QTemporaryDir dir;
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const auto summary = storage::importCaptures(store.database(), {testsupport::samplesDir().toStdString()});
    QVERIFY(!summary.storeError);
    // records per file (see tst_capturereader for the per-file table); here: statuses and totals.
    std::int64_t records = 0, failed = 0, notCapture = 0, alreadyImported = 0;
    for (const auto& f : summary.files) {
        if (f.path.ends_with(".md") || f.path.ends_with(".gitattributes")) {
            QCOMPARE(f.status, FileImportResult::Status::NotCapture);
            continue;
        }
        if (f.status == FileImportResult::Status::Failed) {
            ++failed;
            QVERIFY2(f.path.ends_with("dynamodb-event-malformed.2.json"), f.path.c_str());
            QVERIFY(f.failure && f.failure->byteOffset == 1007);
            QCOMPARE(f.inserted, std::int64_t{0});
            continue;
        }
        if (f.status == FileImportResult::Status::NotCapture) {
            ++notCapture;
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
    QCOMPARE(notCapture, std::int64_t{8});
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
    QCOMPARE(bad.files.front().failure->byteOffset, std::uint64_t{1007});
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
    const auto summary =
        storage::importCaptures(store.database(), {out.toStdString()}, {}, [&](const storage::ImportProgress& p) {
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

QTEST_GUILESS_MAIN(TestCaptureImporter)
#include "tst_captureimporter.moc"
