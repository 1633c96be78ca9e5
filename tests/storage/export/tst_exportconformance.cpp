// Exports of a generated capture: re-import into a fresh store gives the same records (round trip), and every
// exported record is checked against Powertools for AWS Lambda (TypeScript)'s DynamoDBStreamSchema
// (tests/conformance/validate.mjs): rejected records are exactly within those our audit flags js-unsafe-number,
// and every record without such numbers validates. The same for every public sample (../shared/samples/public):
// each is imported into its own store, exported, and every exported record carries what Lambda always sends
// (eventSourceARN synthesised for GetRecords output, manifest says so) and passes the schema unless js-unsafe.

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "model/sequencenumber.h"
#include "storage/delivery/lambdarecord.h"
#include "storage/export/exporter.h"
#include "storage/history/auditscan.h"
#include "storage/import/captureimporter.h"
#include "storage/store/store.h"
#include "testsupport.h"

using nlohmann::json;

namespace {

std::string readFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll().toStdString();
}

} // namespace

class TestExportConformance : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void roundTrip();
    void powertoolsSchema();
    void publicSamples();

private:
    /// Runs validate.mjs on the folders; false (with QSKIP done by the caller) when node/npm are missing.
    bool findNode(QString& node, QString& error);
    QByteArray validate(const QString& node, const QStringList& folders);
    QTemporaryDir m_dir;
    std::optional<storage::Store> m_store;
    QString m_exportDir;
    std::vector<storage::RecordRow> allRows(storage::Store& store);
};

std::vector<storage::RecordRow> TestExportConformance::allRows(storage::Store& store)
{
    std::vector<storage::RecordRow> rows;
    auto ids = store.recordIds({}, storage::RecordOrder::Arrival);
    if (!ids)
        return rows;
    auto r = store.recordsByIds(*ids, true);
    if (r)
        rows = std::move(*r);
    return rows;
}

void TestExportConformance::initTestCase()
{
    REQUIRE_SHARED_DIR();
    QVERIFY(m_dir.isValid());
    const QString capture = m_dir.filePath(QStringLiteral("capture"));
    const QString error = testsupport::runGenerator(
        {QStringLiteral("--seed"), QStringLiteral("5"), QStringLiteral("--records"), QStringLiteral("3000"),
         QStringLiteral("--keys"), QStringLiteral("300"), QStringLiteral("--tables"), QStringLiteral("2"),
         QStringLiteral("--ttl-rate"), QStringLiteral("0.3"), QStringLiteral("--duplicate-rate"),
         QStringLiteral("0.01"), QStringLiteral("--out"), capture, QStringLiteral("--quiet")});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    auto store = storage::Store::open(m_dir.filePath(QStringLiteral("a.streamscope")).toStdString());
    QVERIFY2(store, store ? "" : store.error().message.c_str());
    m_store.emplace(std::move(*store));
    const auto summary = storage::importCaptures(m_store->database(), {capture.toStdString()});
    QVERIFY(!summary.storeError);
    QCOMPARE(summary.exitCode(), 0);

    m_exportDir = m_dir.filePath(QStringLiteral("export"));
    storage::ExportOptions options;
    options.folder = m_exportDir.toStdString();
    auto report = storage::exportRecords(*m_store, {}, options);
    QVERIFY2(report, report ? "" : report.error().message.c_str());
    QVERIFY(report->recordsWritten > 2900);
}

void TestExportConformance::roundTrip()
{
    auto fresh = storage::Store::open(m_dir.filePath(QStringLiteral("b.streamscope")).toStdString());
    QVERIFY2(fresh, fresh ? "" : fresh.error().message.c_str());
    const auto summary = storage::importCaptures(fresh->database(), {m_exportDir.toStdString()});
    QVERIFY(!summary.storeError);
    std::int64_t duplicates = 0;
    for (const auto& f : summary.files) {
        if (f.path.find("manifest.json") != std::string::npos)
            continue; // not a capture
        QCOMPARE(QString::fromStdString(std::string(storage::fileStatusText(f.status))), QStringLiteral("imported"));
        QCOMPARE(f.skipped, std::int64_t(0));
        duplicates += f.duplicates;
    }
    QCOMPARE(duplicates, std::int64_t(0)); // duplicate deliveries are not exported twice

    const auto a = allRows(*m_store);
    const auto b = allRows(*fresh);
    QCOMPARE(b.size(), a.size());
    std::map<std::pair<std::string, std::string>, const storage::RecordRow*> bByKey;
    for (const auto& r : b)
        bByKey[{r.streamArn, r.sequenceNumber}] = &r;
    for (const auto& ra : a) {
        const auto it = bByKey.find({ra.streamArn, ra.sequenceNumber});
        QVERIFY2(it != bByKey.end(), ra.sequenceNumber.c_str());
        const auto& rb = *it->second;
        QCOMPARE(rb.tableName, ra.tableName);
        QCOMPARE(rb.eventName, ra.eventName);
        QCOMPARE(rb.eventId, ra.eventId);
        QCOMPARE(rb.creationTimeMicros, ra.creationTimeMicros);
        QCOMPARE(rb.timeText, ra.timeText);
        QCOMPARE(rb.sizeBytes, ra.sizeBytes);
        QCOMPARE(rb.viewType, ra.viewType);
        QCOMPARE(rb.ttl, ra.ttl);
        QCOMPARE(storage::minifyJson(rb.keysJson), storage::minifyJson(ra.keysJson));
        QCOMPARE(rb.newImageJson.has_value(), ra.newImageJson.has_value());
        if (ra.newImageJson)
            QCOMPARE(storage::minifyJson(*rb.newImageJson), storage::minifyJson(*ra.newImageJson));
        QCOMPARE(rb.oldImageJson.has_value(), ra.oldImageJson.has_value());
        if (ra.oldImageJson)
            QCOMPARE(storage::minifyJson(*rb.oldImageJson), storage::minifyJson(*ra.oldImageJson));
        QCOMPARE(storage::minifyJson(rb.raw), storage::minifyJson(ra.raw)); // the record as delivered, token for token
    }
}

bool TestExportConformance::findNode(QString& node, QString& error)
{
    node = QStandardPaths::findExecutable(QStringLiteral("node"));
    const QString npm = QStandardPaths::findExecutable(QStringLiteral("npm"));
    if (node.isEmpty() || npm.isEmpty())
        return false;
    const QString conformance = testsupport::sourceDir() + QStringLiteral("/tests/conformance");
    if (!QFileInfo::exists(conformance + QStringLiteral("/node_modules/@aws-lambda-powertools/parser/package.json"))) {
        QProcess install;
        install.setWorkingDirectory(conformance);
        install.start(npm, {QStringLiteral("ci"), QStringLiteral("--no-audit"), QStringLiteral("--no-fund")});
        if (!install.waitForFinished(600000) || install.exitCode() != 0)
            error = QStringLiteral("npm ci failed: ") + QString::fromUtf8(install.readAllStandardError());
    }
    return true;
}

QByteArray TestExportConformance::validate(const QString& node, const QStringList& folders)
{
    QProcess validate;
    validate.setWorkingDirectory(testsupport::sourceDir() + QStringLiteral("/tests/conformance"));
    validate.start(node, QStringList{QStringLiteral("validate.mjs")} + folders);
    if (!validate.waitForFinished(300000) || validate.exitCode() != 0) {
        qWarning("validate.mjs failed: %s", validate.readAllStandardError().constData());
        return {};
    }
    qInfo("%s", validate.readAllStandardError().trimmed().constData());
    return validate.readAllStandardOutput();
}

void TestExportConformance::powertoolsSchema()
{
    QString node, nodeError;
    if (!findNode(node, nodeError))
        QSKIP("node/npm are not installed: the Powertools DynamoDBStreamSchema check needs them (scripts/test.sh "
              "installs them)");
    QVERIFY2(nodeError.isEmpty(), qPrintable(nodeError));
    const QByteArray output = validate(node, {m_exportDir});
    QVERIFY(!output.isEmpty());

    // What the audit flags js-unsafe-number, by (stream, sequence number).
    auto audit = storage::runAudit(*m_store);
    QVERIFY2(audit, audit ? "" : audit.error().message.c_str());
    std::set<std::pair<std::string, std::string>> flagged;
    for (const auto& f : audit->findings) {
        if (f.kind != model::FindingKind::JsUnsafeNumber)
            continue;
        auto row = m_store->record(f.recordId, false);
        QVERIFY(row && row->has_value());
        flagged.insert({(*row)->streamArn, (*row)->sequenceNumber});
    }
    // What the export's own js-unsafe option selects.
    storage::RecordSelection only;
    only.jsUnsafe = storage::RecordSelection::JsUnsafe::Only;
    auto onlyIds = storage::selectRecordIds(*m_store, only);
    QVERIFY(onlyIds);
    std::set<std::pair<std::string, std::string>> exportUnsafe;
    for (const auto id : *onlyIds) {
        auto row = m_store->record(id, false);
        QVERIFY(row && row->has_value());
        exportUnsafe.insert({(*row)->streamArn, (*row)->sequenceNumber});
    }
    // The audit reports a value where it appears or changes; the export option checks every value of a record.
    for (const auto& f : flagged)
        QVERIFY(exportUnsafe.count(f));

    int records = 0, rejected = 0, rejectedNotFlaggedByAudit = 0;
    std::string example;
    for (const QByteArray& line : output.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const json r = json::parse(line.begin(), line.end());
        ++records;
        const std::pair<std::string, std::string> id{r["eventSourceARN"], r["sequenceNumber"]};
        const bool ok = r["ok"].get<bool>();
        rejected += ok ? 0 : 1;
        // The export's js-unsafe classification (what --js-unsafe exclude|only uses) agrees with the schema in both
        // directions: rejected => js-unsafe, not js-unsafe => valid.
        if (!ok)
            QVERIFY2(exportUnsafe.count(id),
                     ("rejected but not js-unsafe: " + id.second + " " + r["error"].dump()).c_str());
        if (!exportUnsafe.count(id))
            QVERIFY2(ok, ("not js-unsafe but rejected: " + id.second).c_str());
        // The audit: rejected <=> flagged js-unsafe-number (both directions are the same set of mismatches).
        if (!ok && !flagged.count(id)) {
            ++rejectedNotFlaggedByAudit;
            if (example.empty())
                example = id.second;
        }
    }
    QVERIFY(records > 2900);
    QVERIFY2(rejected > records / 20, "the generated capture should hold records Powertools rejects");
    qInfo("%d records: %d rejected by DynamoDBStreamSchema, %zu js-unsafe by the export's check, %zu flagged "
          "js-unsafe-number by the audit, %d rejected records the audit does not flag (e.g. %s)",
          records, rejected, exportUnsafe.size(), flagged.size(), rejectedNotFlaggedByAudit, example.c_str());
    QCOMPARE(rejectedNotFlaggedByAudit, 0);
}

void TestExportConformance::publicSamples()
{
    REQUIRE_SHARED_DIR();
    const QStringList samples = testsupport::publicSampleFiles();
    QVERIFY(samples.size() >= 20);
    struct Exported
    {
        QString sample;
        QString folder;
        std::map<std::pair<std::string, std::size_t>, std::int64_t> recordIds; ///< (file, index) -> record id
        std::set<std::int64_t> jsUnsafe;                                       ///< the export's check
        std::set<std::int64_t> auditFlagged;                                   ///< js-unsafe-number findings
    };
    std::vector<Exported> exported;
    int records = 0;
    bool sawGetRecords = false;
    for (int i = 0; i < samples.size(); ++i) {
        const QString sample = samples.at(i);
        const QString dir = m_dir.filePath(QStringLiteral("sample-%1").arg(i));
        QVERIFY(QDir().mkpath(dir));
        auto store = storage::Store::open((dir + QStringLiteral("/s.streamscope")).toStdString());
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        const auto summary = storage::importCaptures(
            store->database(), {(testsupport::samplesDir() + QLatin1Char('/') + sample).toStdString()});
        QVERIFY(!summary.storeError);
        auto totals = store->totals();
        QVERIFY(totals);
        if (totals->records == 0)
            continue; // responses, manifests, the malformed file: nothing to export
        Exported e;
        e.sample = sample;
        e.folder = dir + QStringLiteral("/out");
        storage::ExportOptions options;
        options.folder = e.folder.toStdString();
        auto report = storage::exportRecords(*store, {}, options);
        QVERIFY2(report,
                 qPrintable(sample + QStringLiteral(": ")
                            + QString::fromStdString(report ? std::string() : report.error().message)));
        QCOMPARE(report->recordsWritten + static_cast<std::int64_t>(report->build.oversize.size()), totals->records);
        // The same batches in memory: which record is at (file, index).
        auto build = storage::buildLambdaBatches(*store, {}, options.limits);
        QVERIFY(build);
        QCOMPARE(build->batches.size(), report->files.size());
        for (std::size_t b = 0; b < build->batches.size(); ++b) {
            for (std::size_t r = 0; r < build->batches[b].records.size(); ++r) {
                const auto& rec = build->batches[b].records[r];
                e.recordIds[{report->files[b].name, r}] = rec.recordId;
                if (rec.jsUnsafe)
                    e.jsUnsafe.insert(rec.recordId);
            }
        }
        auto audit = storage::runAudit(*store);
        QVERIFY(audit);
        for (const auto& f : audit->findings) {
            if (f.kind == model::FindingKind::JsUnsafeNumber)
                e.auditFlagged.insert(f.recordId);
        }
        // Every record carries what Lambda always sends, with the types the schema wants.
        const json manifest = json::parse(readFile(e.folder + QStringLiteral("/manifest.json")));
        for (const auto& file : report->files) {
            const json event = json::parse(readFile(e.folder + QLatin1Char('/') + QString::fromStdString(file.name)));
            for (const auto& r : event["Records"]) {
                ++records;
                const std::string where = sample.toStdString() + " " + file.name;
                for (const char* member :
                     {"eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "eventSourceARN"})
                    QVERIFY2(r.contains(member) && r[member].is_string(), (where + ": " + member).c_str());
                QCOMPARE(r["eventSource"].get<std::string>(), std::string("aws:dynamodb"));
                const json& d = r["dynamodb"];
                QVERIFY2(d["SequenceNumber"].is_string(), where.c_str());
                QVERIFY2(model::isSequenceNumber(d["SequenceNumber"].get<std::string>()), where.c_str());
                QVERIFY2(d["SizeBytes"].is_number(), where.c_str());
                QVERIFY2(d["StreamViewType"].is_string(), where.c_str());
                if (d.contains("ApproximateCreationDateTime"))
                    QVERIFY2(d["ApproximateCreationDateTime"].is_number(), where.c_str());
            }
        }
        if (sample.endsWith(QStringLiteral("API_streams_GetRecords.sample-response-body.json"))) {
            // GetRecords output has no eventSourceARN: synthesised, and the manifest says for which records.
            sawGetRecords = true;
            bool listed = false;
            for (const auto& f : manifest["synthesizedFields"])
                listed = listed || (f["field"] == "eventSourceARN" && f["records"].get<std::int64_t>() > 0);
            QVERIFY(listed);
            QVERIFY(manifest["files"][0]["synthesized"].contains("eventSourceARN"));
        }
        exported.push_back(std::move(e));
    }
    QVERIFY(sawGetRecords);
    QVERIFY(exported.size() >= 20);

    QString node, nodeError;
    if (!findNode(node, nodeError))
        QSKIP("node/npm are not installed: the Powertools DynamoDBStreamSchema check needs them");
    QVERIFY2(nodeError.isEmpty(), qPrintable(nodeError));
    QStringList folders;
    std::map<std::string, const Exported*> byFolder;
    for (const auto& e : exported) {
        folders << e.folder;
        byFolder[e.folder.toStdString()] = &e;
    }
    const QByteArray output = validate(node, folders);
    QVERIFY(!output.isEmpty());
    int checked = 0, rejected = 0;
    for (const QByteArray& line : output.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const json r = json::parse(line.begin(), line.end());
        const Exported& e = *byFolder.at(r["dir"].get<std::string>());
        const auto id = e.recordIds.find({r["file"].get<std::string>(), r["index"].get<std::size_t>()});
        QVERIFY(id != e.recordIds.end());
        ++checked;
        const bool ok = r["ok"].get<bool>();
        const std::string what = e.sample.toStdString() + " record " + std::to_string(id->second) + ": "
            + (r["error"].is_string() ? r["error"].get<std::string>() : std::string{});
        // Both directions: rejected => js-unsafe (export's check and audit), not js-unsafe => valid.
        if (!ok) {
            ++rejected;
            QVERIFY2(e.jsUnsafe.count(id->second), ("rejected but not js-unsafe: " + what).c_str());
            QVERIFY2(e.auditFlagged.count(id->second), ("rejected but not flagged by the audit: " + what).c_str());
        }
        if (!e.jsUnsafe.count(id->second))
            QVERIFY2(ok, ("not js-unsafe but rejected: " + what).c_str());
    }
    QCOMPARE(checked, records);
    qInfo("%zu public samples exported, %d records checked, %d rejected (js-unsafe)", exported.size(), checked,
          rejected);
}

QTEST_GUILESS_MAIN(TestExportConformance)
#include "tst_exportconformance.moc"
