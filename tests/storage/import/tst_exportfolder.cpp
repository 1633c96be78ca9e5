// DynamoDB export folders as AWS writes them (tests/data/exports, made by make_fixtures.py): one export of one table
// (table from tableArn, full-export items at exportTime, incremental lines at WriteTimestampMicros), the manifest
// recorded as the export's source, sidecars listed without changing the exit code, the data files checked against
// manifest-files.json (missing, MD5, item count: nothing of the export imported), key attributes from
// --key-attributes, a DescribeTable output given or found beside the export, else guessed; a full export followed
// by an incremental one as one history; one verdict for a file that is no capture, named or found in a folder.

#include <QDir>
#include <QTemporaryDir>
#include <QTest>
#include <filesystem>
#include <fstream>

#include "storage/import/captureimporter.h"
#include "storage/import/exportfolder.h"
#include "storage/store/store.h"
#include "testsupport.h"

using storage::FileImportResult;
using Status = storage::FileImportResult::Status;
namespace fs = std::filesystem;

namespace {

const std::string kData = STREAMSCOPE_TEST_DATA_DIR "/exports";
const std::string kFullId = "01700000000000-a1b2c3d4";
const std::string kFullDir = kData + "/full/AWSDynamoDB/" + kFullId;
constexpr std::int64_t kExportTimeMicros = std::int64_t{1699999200} * 1000000; // 2023-11-14T22:00:00Z

storage::Store openStore(const QString& path)
{
    auto store = storage::Store::open(path.toStdString());
    if (!store)
        qFatal("cannot open store: %s", store.error().message.c_str());
    return std::move(*store);
}

std::int64_t queryInt(storage::Store& store, const std::string& sql)
{
    auto value = store.database().queryInt(sql);
    if (!value)
        qFatal("%s: %s", sql.c_str(), value.error().message.c_str());
    return *value;
}

std::int64_t count(const storage::ImportSummary& summary, Status status)
{
    return std::count_if(summary.files.begin(), summary.files.end(),
                         [status](const FileImportResult& f) { return f.status == status; });
}

std::string allText(const storage::ImportSummary& summary)
{
    std::string text;
    for (const auto& f : summary.files) {
        text += f.path + " " + std::string(storage::fileStatusText(f.status)) + " " + f.notCaptureReason;
        if (f.failure)
            text += " failure: " + f.failure->reason;
        for (const auto& n : f.notes)
            text += " note: " + n;
        text += "\n";
    }
    for (const auto& e : summary.exports)
        for (const auto& p : e.problems)
            text += "problem: " + p + "\n";
    for (const auto& e : summary.inputErrors)
        text += "input error: " + e + "\n";
    return text;
}

/// A copy of the full export's prefix folder (…/full) to damage.
std::string copyOfFull(const QTemporaryDir& dir)
{
    const std::string copy = dir.filePath(QStringLiteral("download")).toStdString();
    fs::copy(kData + "/full", copy, fs::copy_options::recursive);
    return copy;
}

storage::ImportOptions withKeys()
{
    storage::ImportOptions options;
    options.read.keyAttributes = {"orderId", "line"};
    return options;
}

} // namespace

class TestExportFolder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fullExportIsOneTableAtExportTime();
    void entryPoints_data();
    void entryPoints();
    void reimportSaysAlreadyImported();
    void unlistedDataFileIsListedNotRead();
    void missingDataFile();
    void damagedDataFile();
    void itemCountDiffers();
    void keyAttributes();
    void describeTableFoundBeside();
    void describeTableForPlainExportLines();
    void parseDescribeTable();
    void fullThenIncrementalChain();
    void notCaptureVerdictNamedOrInFolder();
    void batchResponseIsSidecar();
};

void TestExportFolder::fullExportIsOneTableAtExportTime()
{
    QTemporaryDir dir;
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const auto summary = storage::importCaptures(store.database(), {kData + "/full"}, withKeys());
    QVERIFY2(summary.exitCode() == 0, allText(summary).c_str());
    QCOMPARE(summary.exports.size(), std::size_t{1});
    const storage::ExportFolder& e = summary.exports.front();
    QVERIFY(e.problems.empty());
    QCOMPARE(e.table, std::string("Orders"));
    QCOMPARE(e.exportType, std::string("FULL_EXPORT"));
    QCOMPARE(e.exportArn, "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/export/" + kFullId);
    QCOMPARE(e.itemCount, std::optional<std::int64_t>(5));
    QCOMPARE(e.dataFiles.size(), std::size_t{3});
    QCOMPARE(e.keyAttributesFrom, std::string("--key-attributes"));

    // _started, manifest-files.json and the two .md5 files are sidecars; the manifest and 3 data files are read.
    QCOMPARE(count(summary, Status::Sidecar), std::int64_t{4});
    QCOMPARE(count(summary, Status::Imported), std::int64_t{4});
    QCOMPARE(summary.files.size(), std::size_t{8});
    for (const auto& f : summary.files) {
        if (f.path.ends_with("zz0empty4partition9x.json.gz")) { // an empty gzip partition
            QCOMPARE(f.status, Status::Imported);
            QCOMPARE(f.records, std::int64_t{0});
        }
        if (f.path.ends_with(".md5"))
            QVERIFY2(f.notCaptureReason.ends_with("(matches)"), f.notCaptureReason.c_str());
    }

    // One table named from tableArn (not after the random data file names), every item at exportTime.
    QCOMPARE(queryInt(store, "SELECT count(*) FROM ddb_tables"), std::int64_t{1});
    QCOMPARE(queryInt(store, "SELECT count(*) FROM ddb_tables WHERE name = 'Orders'"), std::int64_t{1});
    QCOMPARE(queryInt(store, "SELECT count(*) FROM records"), std::int64_t{5});
    QCOMPARE(queryInt(store, "SELECT count(*) FROM keys"), std::int64_t{5});
    QCOMPARE(queryInt(store, "SELECT count(*) FROM records WHERE time_us = " + std::to_string(kExportTimeMicros)),
             std::int64_t{5});

    // The export is a source of its own: ARN, type, time and item count.
    auto sources = store.sources();
    QVERIFY(sources);
    const auto manifest = std::find_if(sources->begin(), sources->end(),
                                       [](const storage::SourceInfo& s) { return s.format == "dynamodb-export"; });
    QVERIFY(manifest != sources->end());
    QVERIFY(manifest->path.ends_with("manifest-summary.json"));
    QVERIFY2(manifest->messages.find(e.exportArn) != std::string::npos, manifest->messages.c_str());
    QVERIFY(manifest->messages.find("FULL_EXPORT of table Orders at 2023-11-14T22:00:00.000Z, 5 items")
            != std::string::npos);
}

void TestExportFolder::entryPoints_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("prefix folder") << QString::fromStdString(kData + "/full");
    QTest::newRow("AWSDynamoDB/<id>") << QString::fromStdString(kFullDir);
    QTest::newRow("manifest-summary.json") << QString::fromStdString(kFullDir + "/manifest-summary.json");
    QTest::newRow("data folder") << QString::fromStdString(kFullDir + "/data");
}

void TestExportFolder::entryPoints()
{
    QFETCH(QString, path);
    QTemporaryDir dir;
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const auto summary = storage::importCaptures(store.database(), {path.toStdString()}, withKeys());
    QVERIFY2(summary.exitCode() == 0, allText(summary).c_str());
    QCOMPARE(summary.exports.size(), std::size_t{1});
    QCOMPARE(queryInt(store, "SELECT count(*) FROM records"), std::int64_t{5});
    QCOMPARE(queryInt(store, "SELECT count(*) FROM ddb_tables WHERE name = 'Orders'"), std::int64_t{1});
    QCOMPARE(queryInt(store, "SELECT count(*) FROM sources WHERE format = 'dynamodb-export'"), std::int64_t{1});
}

void TestExportFolder::reimportSaysAlreadyImported()
{
    QTemporaryDir dir;
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    QCOMPARE(storage::importCaptures(store.database(), {kFullDir}, withKeys()).exitCode(), 0);
    const auto again = storage::importCaptures(store.database(), {kFullDir}, withKeys());
    QVERIFY2(again.exitCode() == 0, allText(again).c_str());
    QCOMPARE(again.total(&FileImportResult::inserted), std::int64_t{0});
    QCOMPARE(queryInt(store, "SELECT count(*) FROM records"), std::int64_t{5});
    QCOMPARE(queryInt(store, "SELECT count(*) FROM sources WHERE format = 'dynamodb-export'"), std::int64_t{1});
}

// A file in the export's data/ that manifest-files.json does not list is not read as a table of its own.
void TestExportFolder::unlistedDataFileIsListedNotRead()
{
    QTemporaryDir dir;
    const std::string copy = copyOfFull(dir);
    const std::string data = copy + "/AWSDynamoDB/" + kFullId + "/data/";
    fs::copy_file(data + "p7x2mwl5cq9rvt3ehj8a.json.gz", data + "unlisted0000000000000.json.gz");
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const auto summary = storage::importCaptures(store.database(), {copy}, withKeys());
    QVERIFY2(summary.exitCode() == 0, allText(summary).c_str());
    QVERIFY2(allText(summary).find("unlisted0000000000000.json.gz sidecar a data file that manifest-files.json of "
                                   "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/export/"
                                   + kFullId + " does not list: not imported")
                 != std::string::npos,
             allText(summary).c_str());
    QCOMPARE(queryInt(store, "SELECT count(*) FROM records"), std::int64_t{5});
    QCOMPARE(queryInt(store, "SELECT count(*) FROM ddb_tables"), std::int64_t{1});
}

// A partial download: one listed data file is missing. Nothing of the export is imported, exit 3, the file named.
void TestExportFolder::missingDataFile()
{
    QTemporaryDir dir;
    const std::string copy = copyOfFull(dir);
    fs::remove(copy + "/AWSDynamoDB/" + kFullId + "/data/p7x2mwl5cq9rvt3ehj8a.json.gz");
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const auto summary = storage::importCaptures(store.database(), {copy}, withKeys());
    QCOMPARE(summary.exitCode(), 3);
    QCOMPARE(summary.exports.size(), std::size_t{1});
    QCOMPARE(summary.exports.front().problems.size(), std::size_t{1});
    const std::string& problem = summary.exports.front().problems.front();
    QVERIFY2(problem.find("p7x2mwl5cq9rvt3ehj8a.json.gz") != std::string::npos
                 && problem.find("missing (partial download?)") != std::string::npos,
             problem.c_str());
    QCOMPARE(queryInt(store, "SELECT count(*) FROM records"), std::int64_t{0});
    QCOMPARE(queryInt(store, "SELECT count(*) FROM sources"), std::int64_t{0});
    for (const auto& f : summary.files)
        if (f.exportIndex == 0)
            QCOMPARE(f.status, Status::Failed);
}

// A data file whose bytes differ from manifest-files.json's md5Checksum (an interrupted copy).
void TestExportFolder::damagedDataFile()
{
    QTemporaryDir dir;
    const std::string copy = copyOfFull(dir);
    const std::string part = copy + "/AWSDynamoDB/" + kFullId + "/data/k3b8qzy1fe2xbp4dnv6c.json.gz";
    fs::resize_file(part, fs::file_size(part) - 9); // the gzip trailer lost
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const auto summary = storage::importCaptures(store.database(), {copy}, withKeys());
    QCOMPARE(summary.exitCode(), 3);
    QCOMPARE(summary.exports.front().problems.size(), std::size_t{1});
    QVERIFY2(summary.exports.front().problems.front().find("differs from manifest-files.json: MD5")
                 != std::string::npos,
             summary.exports.front().problems.front().c_str());
    QCOMPARE(queryInt(store, "SELECT count(*) FROM records"), std::int64_t{0});
}

// manifest-files.json lists more items than a data file holds (its MD5 not given): the file fails, the export is
// not recorded. (A summary itemCount that disagrees with the list refuses the export before anything is read.)
void TestExportFolder::itemCountDiffers()
{
    QTemporaryDir dir;
    const std::string copy = copyOfFull(dir);
    const std::string exportDir = copy + "/AWSDynamoDB/" + kFullId;
    fs::remove(exportDir + "/manifest-files.md5");
    std::string text;
    {
        std::ifstream in(exportDir + "/manifest-files.json");
        std::string line;
        while (std::getline(in, line)) {
            if (line.find("p7x2mwl5cq9rvt3ehj8a") != std::string::npos) {
                const auto at = line.find("\"itemCount\": 2");
                QVERIFY(at != std::string::npos);
                line.replace(at, 14, "\"itemCount\": 3");
                const auto md5 = line.find("\"md5Checksum\"");
                line.erase(md5, line.find(',', md5) + 2 - md5);
            }
            text += line + "\n";
        }
    }
    std::ofstream(exportDir + "/manifest-files.json", std::ios::trunc) << text;
    // The summary agrees with the list (else that alone refuses the export before anything is read).
    fs::remove(exportDir + "/manifest-summary.md5");
    std::string summaryText;
    {
        std::ifstream in(exportDir + "/manifest-summary.json");
        std::getline(in, summaryText);
    }
    const auto at = summaryText.find("\"itemCount\": 5");
    QVERIFY(at != std::string::npos);
    summaryText.replace(at, 14, "\"itemCount\": 6");
    std::ofstream(exportDir + "/manifest-summary.json", std::ios::trunc) << summaryText;
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const auto summary = storage::importCaptures(store.database(), {copy}, withKeys());
    QCOMPARE(summary.exitCode(), 3);
    bool sawCount = false, sawManifest = false;
    for (const auto& f : summary.files) {
        if (f.path.ends_with("p7x2mwl5cq9rvt3ehj8a.json.gz")) {
            QCOMPARE(f.status, Status::Failed);
            QVERIFY2(f.failure->reason.find("lists 3 items for this data file, it holds 2") != std::string::npos,
                     f.failure->reason.c_str());
            sawCount = true;
        }
        if (f.path.ends_with("manifest-summary.json")) {
            QCOMPARE(f.status, Status::Failed);
            QVERIFY(f.failure->reason.find("the export is not recorded") != std::string::npos);
            sawManifest = true;
        }
    }
    QVERIFY(sawCount && sawManifest);
    QCOMPARE(queryInt(store, "SELECT count(*) FROM sources WHERE format = 'dynamodb-export'"), std::int64_t{0});
}

void TestExportFolder::keyAttributes()
{
    // Guessed (said so): orderId alone, so the two lines of order o-1 become one key.
    {
        QTemporaryDir dir;
        auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
        const auto summary = storage::importCaptures(store.database(), {kFullDir});
        QCOMPARE(summary.exitCode(), 0);
        QVERIFY(summary.exports.front().keyAttributesFrom.empty());
        QVERIFY2(allText(summary).find("key attributes guessed as orderId") != std::string::npos,
                 allText(summary).c_str());
        QCOMPARE(queryInt(store, "SELECT count(*) FROM keys"), std::int64_t{4});
    }
    // --describe-table: HASH then RANGE whatever their order in KeySchema.
    {
        QTemporaryDir dir;
        auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
        storage::ImportOptions options;
        options.describeTablePath = kData + "/orders-describe-table.json";
        const auto summary = storage::importCaptures(store.database(), {kFullDir}, options);
        QVERIFY2(summary.exitCode() == 0, allText(summary).c_str());
        QCOMPARE(summary.exports.front().keyAttributes, (std::vector<std::string>{"orderId", "line"}));
        QVERIFY(summary.exports.front().keyAttributesFrom.starts_with("DescribeTable output"));
        QCOMPARE(queryInt(store, "SELECT count(*) FROM keys"), std::int64_t{5});
    }
    // An unreadable --describe-table is an input error.
    {
        QTemporaryDir dir;
        auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
        storage::ImportOptions options;
        options.describeTablePath = kFullDir + "/manifest-files.json";
        const auto summary = storage::importCaptures(store.database(), {kFullDir}, options);
        QCOMPARE(summary.exitCode(), 3);
        QCOMPARE(summary.inputErrors.size(), std::size_t{1});
    }
}

void TestExportFolder::describeTableFoundBeside()
{
    QTemporaryDir dir;
    const std::string copy = copyOfFull(dir);
    fs::copy_file(kData + "/orders-describe-table.json", copy + "/describe-table.json");
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const auto summary = storage::importCaptures(store.database(), {copy});
    QVERIFY2(summary.exitCode() == 0, allText(summary).c_str());
    QCOMPARE(summary.exports.front().keyAttributes, (std::vector<std::string>{"orderId", "line"}));
    QCOMPARE(queryInt(store, "SELECT count(*) FROM keys"), std::int64_t{5});
    bool listed = false;
    for (const auto& f : summary.files)
        if (f.path.ends_with("describe-table.json")) {
            QCOMPARE(f.status, Status::Sidecar);
            listed = true;
        }
    QVERIFY(listed);
}

// --describe-table also keys full-export lines given outside an export folder.
void TestExportFolder::describeTableForPlainExportLines()
{
    QTemporaryDir dir;
    const std::string lines = dir.filePath(QStringLiteral("orders.jsonl")).toStdString();
    std::ofstream(lines) << R"({"Item":{"orderId":{"S":"o-1"},"line":{"N":"1"}}})"
                         << "\n"
                         << R"({"Item":{"orderId":{"S":"o-1"},"line":{"N":"2"}}})"
                         << "\n";
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    storage::ImportOptions options;
    options.describeTablePath = kData + "/orders-describe-table.json";
    const auto summary = storage::importCaptures(store.database(), {lines}, options);
    QVERIFY2(summary.exitCode() == 0, allText(summary).c_str());
    QCOMPARE(queryInt(store, "SELECT count(*) FROM keys"), std::int64_t{2}); // guessed (orderId alone): 1
}

void TestExportFolder::parseDescribeTable()
{
    auto bare =
        storage::parseDescribeTable(R"({"TableName":"T","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]})");
    QVERIFY(bare);
    QCOMPARE(bare->keyAttributes, std::vector<std::string>{"pk"});
    QCOMPARE(bare->tableName, std::string("T"));
    QVERIFY(!storage::parseDescribeTable(R"({"Table":{"KeySchema":[]}})"));
    QVERIFY(!storage::parseDescribeTable(R"({"Table":{"KeySchema":[{"AttributeName":"a","KeyType":"RANGE"}]}})"));
    QVERIFY(!storage::parseDescribeTable("not json"));
}

// The documented chain: a full export at 22:00, then an incremental export 22:00 .. 23:00 (compacted: one line per
// changed item). One table, one continuous history per item, no audit finding from the hand-over.
void TestExportFolder::fullThenIncrementalChain()
{
    QTemporaryDir dir;
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const auto summary = storage::importCaptures(store.database(), {kData + "/chain"});
    QVERIFY2(summary.exitCode() == 0, allText(summary).c_str());
    QCOMPARE(summary.exports.size(), std::size_t{2});
    QCOMPARE(summary.exports[0].exportType, std::string("FULL_EXPORT"));
    QCOMPARE(summary.exports[1].exportType, std::string("INCREMENTAL_EXPORT"));
    QCOMPARE(summary.exports[1].fromText, std::string("2023-11-14T22:00:00.000Z"));
    QCOMPARE(summary.exports[1].toText, std::string("2023-11-14T23:00:00.000Z"));
    QCOMPARE(queryInt(store, "SELECT count(*) FROM ddb_tables"), std::int64_t{1});
    QCOMPARE(queryInt(store, "SELECT count(*) FROM keys"), std::int64_t{3});
    QCOMPARE(queryInt(store, "SELECT count(*) FROM records"), std::int64_t{5});
    // Incremental lines are timed by WriteTimestampMicros, full-export items by exportTime.
    QCOMPARE(queryInt(store, "SELECT count(*) FROM records WHERE time_us = " + std::to_string(kExportTimeMicros)),
             std::int64_t{2});
    QCOMPARE(queryInt(store, "SELECT count(*) FROM records WHERE time_us = 1700000005000000"), std::int64_t{1});
    QCOMPARE(queryInt(store,
                      "SELECT count(*) FROM sources WHERE format = 'dynamodb-export' AND messages LIKE "
                      "'%INCREMENTAL_EXPORT of table Carts, window 2023-11-14T22:00:00.000Z .. "
                      "2023-11-14T23:00:00.000Z, NEW_AND_OLD_IMAGES, 3 items%'"),
             std::int64_t{1});
}

// A file that is no capture gets one verdict, named or found in a folder; next to captures it does not change the
// exit code (1 is for skipped records only).
void TestExportFolder::notCaptureVerdictNamedOrInFolder()
{
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("f"));
    QVERIFY(QDir().mkpath(folder));
    const std::string readme = (folder + QStringLiteral("/README")).toStdString();
    std::ofstream(readme) << "captured on Tuesday\n";
    {
        auto store = openStore(dir.filePath(QStringLiteral("a.streamscope")));
        const auto named = storage::importCaptures(store.database(), {readme});
        QCOMPARE(named.files.front().status, Status::NotCapture);
        QCOMPARE(named.exitCode(), 3); // nothing given was a capture
    }
    {
        auto store = openStore(dir.filePath(QStringLiteral("b.streamscope")));
        const auto found = storage::importCaptures(store.database(), {folder.toStdString()});
        QCOMPARE(found.files.front().status, Status::NotCapture);
        QCOMPARE(found.exitCode(), 3);
    }
    {
        auto store = openStore(dir.filePath(QStringLiteral("c.streamscope")));
        const auto withCapture = storage::importCaptures(
            store.database(), {readme, STREAMSCOPE_TEST_DATA_DIR "/import/valid-three-records.json"});
        QCOMPARE(withCapture.files.front().status, Status::NotCapture);
        QCOMPARE(withCapture.exitCode(), 0);
    }
}

void TestExportFolder::batchResponseIsSidecar()
{
    QTemporaryDir dir;
    const std::string response = dir.filePath(QStringLiteral("response.json")).toStdString();
    std::ofstream(response) << R"({"batchItemFailures":[{"itemIdentifier":"100"}]})"
                            << "\n";
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const auto summary = storage::importCaptures(
        store.database(), {STREAMSCOPE_TEST_DATA_DIR "/import/valid-three-records.json", response});
    QCOMPARE(summary.files[1].status, Status::Sidecar);
    QCOMPARE(summary.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestExportFolder)
#include "tst_exportfolder.moc"
