// Exports of a generated capture: re-import into a fresh store gives the same records (round trip), and every
// exported record is checked against Powertools for AWS Lambda (TypeScript)'s DynamoDBStreamSchema
// (tests/conformance/validate.mjs): rejected records are exactly within those our audit flags js-unsafe-number,
// and every record without such numbers validates.

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "storage/captureimporter.h"
#include "storage/exporter.h"
#include "storage/historyservice.h"
#include "storage/lambdarecord.h"
#include "storage/store.h"
#include "testsupport.h"

using nlohmann::json;

class TestExportConformance : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void roundTrip();
    void powertoolsSchema();

private:
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

void TestExportConformance::powertoolsSchema()
{
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    const QString npm = QStandardPaths::findExecutable(QStringLiteral("npm"));
    if (node.isEmpty() || npm.isEmpty())
        QSKIP("node/npm are not installed: the Powertools DynamoDBStreamSchema check needs them (scripts/test.sh "
              "installs them)");
    const QString conformance = testsupport::sourceDir() + QStringLiteral("/tests/conformance");
    if (!QFileInfo::exists(conformance + QStringLiteral("/node_modules/@aws-lambda-powertools/parser/package.json"))) {
        QProcess install;
        install.setWorkingDirectory(conformance);
        install.start(npm, {QStringLiteral("ci"), QStringLiteral("--no-audit"), QStringLiteral("--no-fund")});
        QVERIFY(install.waitForFinished(600000));
        QVERIFY2(install.exitCode() == 0, install.readAllStandardError().constData());
    }
    QProcess validate;
    validate.setWorkingDirectory(conformance);
    validate.start(node, {QStringLiteral("validate.mjs"), m_exportDir});
    QVERIFY(validate.waitForFinished(300000));
    QVERIFY2(validate.exitCode() == 0, validate.readAllStandardError().constData());
    qInfo("%s", validate.readAllStandardError().trimmed().constData());

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
    storage::ExportSelection only;
    only.jsUnsafe = storage::ExportSelection::JsUnsafe::Only;
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
    for (const QByteArray& line : validate.readAllStandardOutput().split('\n')) {
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

QTEST_GUILESS_MAIN(TestExportConformance)
#include "tst_exportconformance.moc"
