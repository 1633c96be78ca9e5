// Conversions that change nothing silently (issue 17 §3): every exported record of every public sample
// (../shared/samples/public) is compared with the record as it was delivered. Keys and images are identical; every
// other field is identical or listed for that record in manifest.json (the file's "synthesized"); fields the export
// leaves out are only those Lambda never sends. Kinesis records keep their delivered SizeBytes.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <set>

#include <nlohmann/json.hpp>

#include "storage/delivery/lambdabatches.h"
#include "storage/export/exporter.h"
#include "storage/import/captureimporter.h"
#include "storage/store/store.h"
#include "testsupport.h"

using nlohmann::json;

namespace {

json readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return json();
    return json::parse(f.readAll().toStdString());
}

// Is record `index` of the manifest's file entry listed as having `field` synthesised?
bool listed(const json& fileEntry, const std::string& field, std::size_t index)
{
    if (!fileEntry.contains("synthesized") || !fileEntry["synthesized"].contains(field))
        return false;
    const json& which = fileEntry["synthesized"][field];
    if (which.is_string())
        return which == "all";
    for (const auto& i : which)
        if (i.get<std::size_t>() == index)
            return true;
    return false;
}

// Where the delivered record keeps its Keys and images: a stream record's "dynamodb", an export line's top level
// (full-export items: "Item" is the NewImage).
json deliveredImage(const json& original, const char* name)
{
    if (original.contains("dynamodb") && original["dynamodb"].is_object())
        return original["dynamodb"].value(name, json());
    if (std::string(name) == "NewImage" && original.contains("Item"))
        return original["Item"];
    return original.value(name, json());
}

} // namespace

class TestExportFidelity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyPublicSampleRecord()
    {
        REQUIRE_SHARED_DIR();
        const QStringList samples = testsupport::publicSampleFiles();
        QVERIFY(samples.size() >= 20);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // Members Lambda never sends: not written (and said so in the manifest's notes); null members neither.
        const std::set<std::string> notLambdaTop{"tableName", "recordFormat", "Metadata", "Item",
                                                 "Keys",      "NewImage",     "OldImage"};
        const std::set<std::string> notLambdaDynamodb{"ApproximateCreationDateTimePrecision"};
        int compared = 0, kinesis = 0;
        for (int i = 0; i < samples.size(); ++i) {
            const QString sample = samples.at(i);
            const QString base = dir.filePath(QStringLiteral("sample-%1").arg(i));
            QVERIFY(QDir().mkpath(base));
            auto store = storage::Store::open((base + QStringLiteral("/s.streamscope")).toStdString());
            QVERIFY(store);
            const auto summary = storage::importCaptures(
                store->database(), {(testsupport::samplesDir() + QLatin1Char('/') + sample).toStdString()});
            QVERIFY(!summary.storeError);
            auto totals = store->totals();
            QVERIFY(totals);
            if (totals->records == 0)
                continue;
            storage::ExportOptions options;
            options.folder = (base + QStringLiteral("/out")).toStdString();
            auto report = storage::exportRecords(*store, {}, options);
            QVERIFY(report);
            auto build = storage::buildLambdaBatches(*store, {}, options.limits);
            QVERIFY(build);
            QCOMPARE(build->batches.size(), report->files.size());
            const json manifest = readJson(QString::fromStdString(options.folder) + QStringLiteral("/manifest.json"));
            for (std::size_t b = 0; b < build->batches.size(); ++b) {
                const json& fileEntry = manifest["files"][b];
                const json event = readJson(QString::fromStdString(options.folder) + QLatin1Char('/')
                                            + QString::fromStdString(report->files[b].name));
                for (std::size_t r = 0; r < build->batches[b].records.size(); ++r) {
                    const auto row = store->record(build->batches[b].records[r].recordId, true);
                    QVERIFY(row && *row);
                    const json original = json::parse((**row).raw);
                    const json& written = event["Records"][r];
                    const std::string where =
                        sample.toStdString() + " " + report->files[b].name + " record " + std::to_string(r) + ": ";
                    ++compared;
                    // Keys and images: identical.
                    for (const char* image : {"Keys", "NewImage", "OldImage"}) {
                        const json was = deliveredImage(original, image);
                        const json now = written["dynamodb"].value(image, json());
                        if (std::string(image) == "Keys" && was.is_null())
                            continue; // full-export items carry no Keys: built from the item
                        QVERIFY2(was == now, (where + image + " differs: " + was.dump() + " vs " + now.dump()).c_str());
                    }
                    // Every other written field: as delivered, or listed.
                    for (const auto& [name, value] : written.items()) {
                        if (name == "dynamodb")
                            continue;
                        const bool same = original.contains(name) && original[name] == value;
                        QVERIFY2(same || listed(fileEntry, name, r),
                                 (where + name + " changed or added without being listed").c_str());
                    }
                    const json delivered = original.value("dynamodb", json::object());
                    for (const auto& [name, value] : written["dynamodb"].items()) {
                        if (name == "Keys" || name == "NewImage" || name == "OldImage")
                            continue;
                        const bool same = delivered.contains(name) && delivered[name] == value;
                        QVERIFY2(same || listed(fileEntry, "dynamodb." + name, r),
                                 (where + "dynamodb." + name + " changed or added without being listed").c_str());
                    }
                    // Fields left out: only those Lambda never sends (or a time that was no number, listed).
                    for (const auto& [name, value] : original.items()) {
                        if (name == "dynamodb" || written.contains(name))
                            continue;
                        QVERIFY2(notLambdaTop.count(name) > 0 || value.is_null(), (where + name + " left out").c_str());
                    }
                    for (const auto& [name, value] : delivered.items()) {
                        if (written["dynamodb"].contains(name))
                            continue;
                        QVERIFY2(notLambdaDynamodb.count(name) > 0 || listed(fileEntry, "dynamodb." + name, r),
                                 (where + "dynamodb." + name + " left out").c_str());
                    }
                    if (original.contains("recordFormat") && delivered.contains("SizeBytes")) {
                        // Kinesis Data Streams for DynamoDB: DynamoDB's own SizeBytes, never recomputed.
                        ++kinesis;
                        QVERIFY2(written["dynamodb"]["SizeBytes"] == delivered["SizeBytes"],
                                 (where + "SizeBytes " + written["dynamodb"]["SizeBytes"].dump() + " instead of "
                                  + delivered["SizeBytes"].dump())
                                     .c_str());
                        QVERIFY(!listed(fileEntry, "dynamodb.SizeBytes", r));
                    }
                }
            }
        }
        qInfo("%d exported records compared, %d of them Kinesis records", compared, kinesis);
        QVERIFY(compared >= 90);
        QVERIFY(kinesis > 0);
    }

    void placeholderArnWrittenAsTheManifestSays()
    {
        // A record delivered with eventSourceARN "stream-ARN" (a documentation placeholder): the export writes the
        // stream its manifest names for the file, and lists eventSourceARN as synthesised for it.
        QTemporaryDir dir;
        auto store = storage::Store::open(dir.filePath(QStringLiteral("s.streamscope")).toStdString());
        QVERIFY(store);
        storage::importCaptures(
            store->database(),
            {QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/conversions/placeholder-arn.json").toStdString()});
        storage::ExportOptions options;
        options.folder = dir.filePath(QStringLiteral("out")).toStdString();
        auto report = storage::exportRecords(*store, {}, options);
        QVERIFY(report);
        const json manifest = readJson(QString::fromStdString(options.folder) + QStringLiteral("/manifest.json"));
        const json event = readJson(QString::fromStdString(options.folder) + QStringLiteral("/batch-000001.json"));
        const std::string stream = manifest["files"][0]["stream"].get<std::string>();
        QVERIFY2(stream.find(":table/") != std::string::npos, stream.c_str());
        QCOMPARE(event["Records"][0]["eventSourceARN"].get<std::string>(), stream);
        QVERIFY(listed(manifest["files"][0], "eventSourceARN", 0));
    }
};

QTEST_GUILESS_MAIN(TestExportFidelity)
#include "tst_exportfidelity.moc"
