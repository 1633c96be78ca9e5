// Export of Lambda batches from a store: batching, stream separation, ordering, selection, js-unsafe option,
// oversize records, CSV/JSON Lines, overwrite refusal, hostile table/key names, conversion of other envelopes.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include "model/sequencenumber.h"
#include "storage/delivery/deliveryreader.h"
#include "storage/delivery/lambdarecord.h"
#include "storage/export/exporter.h"
#include "storage/exporttestsupport.h"
#include "testsupport.h"

using exporttest::Rec;
using nlohmann::json;

class TestExporter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void defaultLambdaBatches();
    void byteLimitSplits();
    void selection();
    void jsUnsafeOption();
    void outOfOrderFlaggedSelectsEveryLateRecord();
    void oversizeRecordReported();
    void overwriteRefusedUnlessForce();
    void hostileNamesStayInside();
    void plantedSymlinkIsNotFollowed();
    void jsonLinesAndCsv();
    void otherEnvelopesAreConverted();
    void pagedOrderMatchesOneBigPage();
    void unsequencedRecordsInTimeOrder();
    void manifestRangesMatchFiles();
    void missingLambdaFieldsSynthesized();
    void cancelLeavesNoFiles();
    void pageCacheSmallWhileExporting();

private:
    std::vector<std::int64_t> readerOrder(const storage::RecordSelection& sel, int pageSize);
    std::unique_ptr<QTemporaryDir> m_dir;
    std::optional<storage::Store> m_store;
    std::vector<Rec> m_records;
    QString out(const QString& name) const { return m_dir->filePath(name); }
    json readJson(const QString& path) const;
    storage::ExportReport exportOk(const storage::RecordSelection& sel, storage::ExportOptions opt);
};

static const std::string kArnA =
    "arn:aws:dynamodb:eu-central-1:123456789012:table/Orders/stream/2024-01-01T00:00:00.000";
static const std::string kArnB =
    "arn:aws:dynamodb:eu-central-1:123456789012:table/Customers/stream/2024-01-01T00:00:00.000";

json TestExporter::readJson(const QString& path) const
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return json();
    const QByteArray bytes = f.readAll();
    return json::parse(bytes.begin(), bytes.end(), nullptr, false);
}

storage::ExportReport TestExporter::exportOk(const storage::RecordSelection& sel, storage::ExportOptions opt)
{
    auto r = storage::exportRecords(*m_store, sel, opt);
    if (!r) {
        QTest::qFail(r.error().message.c_str(), __FILE__, __LINE__);
        return {};
    }
    return *r;
}

void TestExporter::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    auto store = storage::Store::open(m_dir->filePath(QStringLiteral("s.streamscope")).toStdString());
    QVERIFY2(store, store ? "" : store.error().message.c_str());
    m_store.emplace(std::move(*store));
    // 250 records of Orders (sequence numbers growing in length: 9 .. 10^6), 30 of Customers, interleaved; loaded
    // out of order to check the export sorts numerically.
    m_records.clear();
    for (int i = 0; i < 250; ++i) {
        Rec r;
        r.table = "Orders";
        r.arn = kArnA;
        r.keysJson = "{\"Id\":{\"N\":\"" + std::to_string(i % 40) + "\"}}";
        r.event = i < 40 ? "INSERT" : "MODIFY";
        r.seq = std::to_string(9 + i * 4001);
        r.newImage = "{\"Id\":{\"N\":\"" + std::to_string(i % 40) + "\"},\"v\":{\"N\":\"" + std::to_string(i) + "\"}}";
        if (i >= 40)
            r.oldImage =
                "{\"Id\":{\"N\":\"" + std::to_string(i % 40) + "\"},\"v\":{\"N\":\"" + std::to_string(i - 40) + "\"}}";
        r.micros = 1700000000000000LL + i * 1000000LL;
        m_records.push_back(r);
        if (i % 8 == 0 && i / 8 < 30) {
            Rec c;
            c.table = "Customers";
            c.arn = kArnB;
            c.keysJson = "{\"Pk\":{\"S\":\"C#" + std::to_string(i / 8) + "\"}}";
            c.seq = std::to_string(500 + i);
            c.newImage = "{\"Pk\":{\"S\":\"C#" + std::to_string(i / 8) + "\"},\"name\":{\"S\":\"x,\\\"y\\\"\"}}";
            c.micros = 1700000000000000LL + i * 1000000LL;
            m_records.push_back(c);
        }
    }
    std::vector<Rec> shuffled;
    for (std::size_t i = 0; i < m_records.size(); i += 2)
        shuffled.push_back(m_records[i]);
    for (std::size_t i = 1; i < m_records.size(); i += 2)
        shuffled.push_back(m_records[i]);
    QCOMPARE(QString::fromStdString(exporttest::load(*m_store, shuffled, "fixture")), QString());
}

void TestExporter::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

void TestExporter::defaultLambdaBatches()
{
    storage::ExportOptions opt;
    opt.folder = out(QStringLiteral("out")).toStdString();
    const auto report = exportOk({}, opt);
    QCOMPARE(report.files.size(), std::size_t(4)); // Orders 100,100,50; Customers 30
    QCOMPARE(report.recordsWritten, std::int64_t(280));
    const json manifest = readJson(out(QStringLiteral("out/manifest.json")));
    QCOMPARE(manifest["counts"]["written"].get<int>(), 280);
    QCOMPARE(manifest["counts"]["files"].get<int>(), 4);
    QCOMPARE(manifest["batchSize"].get<int>(), 100);
    const std::vector<int> expectedSizes{100, 100, 50, 30};
    std::map<std::string, std::string> rawBySeq;
    for (const auto& r : m_records)
        rawBySeq[r.seq] = exporttest::lambdaRaw(r);
    std::string lastSeq;
    for (std::size_t f = 0; f < 4; ++f) {
        const auto& mf = manifest["files"][f];
        const QString name = QString::fromStdString(mf["name"].get<std::string>());
        QCOMPARE(name, QStringLiteral("batch-%1.json").arg(f + 1, 6, 10, QLatin1Char('0')));
        QFile file(out(QStringLiteral("out/") + name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QCOMPARE(bytes.size(), mf["bytes"].get<int>());
        QVERIFY(bytes.size() <= 6291456);
        const json event = json::parse(bytes.begin(), bytes.end());
        const auto& recs = event["Records"];
        QCOMPARE(static_cast<int>(recs.size()), expectedSizes[f]);
        const std::string stream = recs[0]["eventSourceARN"];
        QCOMPARE(stream, mf["stream"].get<std::string>());
        QCOMPARE(recs[0]["dynamodb"]["SequenceNumber"].get<std::string>(),
                 mf["firstSequenceNumber"].get<std::string>());
        QCOMPARE(recs.back()["dynamodb"]["SequenceNumber"].get<std::string>(),
                 mf["lastSequenceNumber"].get<std::string>());
        if (f == 3)
            lastSeq.clear(); // new stream
        for (const auto& r : recs) {
            QCOMPARE(r["eventSourceARN"].get<std::string>(), stream); // one stream per batch
            const std::string seq = r["dynamodb"]["SequenceNumber"];
            if (!lastSeq.empty())
                QVERIFY2(model::compareSequenceNumbers(lastSeq, seq) < 0, (lastSeq + " !< " + seq).c_str());
            lastSeq = seq;
            // Written exactly as delivered.
            QCOMPARE(r.dump(), json::parse(rawBySeq[seq]).dump());
        }
        // Byte-exact: the file is the delivered record texts joined.
        QVERIFY(bytes.contains(
            QByteArray::fromStdString(rawBySeq[recs[0]["dynamodb"]["SequenceNumber"].get<std::string>()])));
    }
}

void TestExporter::byteLimitSplits()
{
    storage::ExportOptions opt;
    opt.folder = out(QStringLiteral("small")).toStdString();
    opt.limits.maxRecords = 10000;
    opt.limits.maxPayloadBytes = 4000;
    storage::RecordSelection sel;
    sel.tables = {"Orders"};
    const auto report = exportOk(sel, opt);
    int total = 0;
    for (const auto& f : report.files) {
        QVERIFY(f.bytes <= 4000);
        QVERIFY(f.records > 1);
        total += static_cast<int>(f.records);
    }
    QCOMPARE(total, 250);
    QVERIFY(report.files.size() > 10);
    // An invalid batch size is refused.
    opt.limits.maxRecords = 10001;
    opt.force = true;
    auto bad = storage::exportRecords(*m_store, sel, opt);
    QVERIFY(!bad);
    QCOMPARE(bad.error().kind, storage::Error::Kind::InvalidArgument);
}

void TestExporter::selection()
{
    storage::RecordSelection sel;
    sel.tables = {"Orders"};
    sel.keys = {"{\"Id\":{\"N\":\"3\"}}"};
    auto ids = storage::selectRecordIds(*m_store, sel);
    QVERIFY2(ids, ids ? "" : ids.error().message.c_str());
    QCOMPARE(ids->size(), std::size_t(7)); // i = 3, 43, ..., 243
    sel.keys = {"Id=3"};
    auto ids2 = storage::selectRecordIds(*m_store, sel);
    QVERIFY2(ids2, ids2 ? "" : ids2.error().message.c_str());
    QCOMPARE(*ids2, *ids);
    sel.eventNames = {model::EventName::Insert};
    QCOMPARE(storage::selectRecordIds(*m_store, sel)->size(), std::size_t(1));
    storage::RecordSelection range;
    range.fromSequence = "9";
    range.toSequence = "40013"; // Orders i = 0..9 (9 + i * 4001), all 30 Customers (500 .. 732)
    auto r = storage::selectRecordIds(*m_store, range);
    QCOMPARE(r->size(), std::size_t(10 + 30));
    storage::RecordSelection time;
    time.fromMicros = 1700000000000000LL + 10 * 1000000LL;
    time.toMicros = 1700000000000000LL + 20 * 1000000LL;
    time.tables = {"Orders"};
    QCOMPARE(storage::selectRecordIds(*m_store, time)->size(), std::size_t(10));
    storage::RecordSelection unknown;
    unknown.tables = {"Nope"};
    auto u = storage::selectRecordIds(*m_store, unknown);
    QVERIFY(!u);
    QVERIFY(u.error().message.find("Nope") != std::string::npos);
    storage::RecordSelection explicitIds;
    explicitIds.recordIds = {1, 2, 3};
    QCOMPARE(storage::selectRecordIds(*m_store, explicitIds)->size(), std::size_t(3));
}

void TestExporter::jsUnsafeOption()
{
    std::vector<Rec> extra;
    const char* numbers[] = {"12345678901234567890.5", "1E+400", "90071992547409930", "0.1"};
    for (int i = 0; i < 4; ++i) {
        Rec r;
        r.table = "Numbers";
        r.arn = "arn:aws:dynamodb:eu-central-1:1:table/Numbers/stream/x";
        r.keysJson = "{\"Id\":{\"N\":\"" + std::to_string(i) + "\"}}";
        r.seq = std::to_string(100 + i);
        r.newImage = "{\"Id\":{\"N\":\"" + std::to_string(i) + "\"},\"n\":{\"N\":\"" + numbers[i] + "\"}}";
        extra.push_back(r);
    }
    QCOMPARE(QString::fromStdString(exporttest::load(*m_store, extra, "numbers")), QString());
    storage::RecordSelection sel;
    sel.tables = {"Numbers"};
    sel.jsUnsafe = storage::RecordSelection::JsUnsafe::Only;
    QCOMPARE(storage::selectRecordIds(*m_store, sel)->size(), std::size_t(3));
    sel.jsUnsafe = storage::RecordSelection::JsUnsafe::Exclude;
    QCOMPARE(storage::selectRecordIds(*m_store, sel)->size(), std::size_t(1));
    storage::ExportOptions opt;
    opt.folder = out(QStringLiteral("js")).toStdString();
    const auto report = exportOk(sel, opt);
    QCOMPARE(report.build.jsUnsafe, std::int64_t(3));
    QCOMPARE(report.build.excludedByJsOption, std::int64_t(3));
    QCOMPARE(report.recordsWritten, std::int64_t(1));
    // Audit-flagged selection picks the same records.
    storage::RecordSelection flagged;
    flagged.tables = {"Numbers"};
    flagged.findingKinds = {"js-unsafe-number"};
    auto f = storage::selectRecordIds(*m_store, flagged);
    QVERIFY2(f, f ? "" : f.error().message.c_str());
    QCOMPARE(f->size(), std::size_t(3));
}

void TestExporter::outOfOrderFlaggedSelectsEveryLateRecord()
{
    // One key, delivered as 100, 103, 104, 101, 102: the audit reports one out-of-order-arrival finding for the
    // key (pointing at 101), and an export of the flagged records takes both late records, 101 and 102.
    std::vector<Rec> recs;
    for (const int seq : {100, 103, 104, 101, 102}) {
        Rec r;
        r.table = "Late";
        r.arn = "arn:aws:dynamodb:eu-central-1:1:table/Late/stream/x";
        r.keysJson = "{\"Id\":{\"N\":\"1\"}}";
        r.event = seq == 100 ? "INSERT" : "MODIFY";
        r.seq = std::to_string(seq);
        r.newImage = "{\"Id\":{\"N\":\"1\"},\"v\":{\"N\":\"" + std::to_string(seq) + "\"}}";
        recs.push_back(r);
    }
    QCOMPARE(QString::fromStdString(exporttest::load(*m_store, recs, "late")), QString());
    storage::RecordSelection flagged;
    flagged.tables = {"Late"};
    flagged.findingKinds = {"out-of-order-arrival"};
    storage::ExportOptions opt;
    opt.folder = out(QStringLiteral("late")).toStdString();
    const auto report = exportOk(flagged, opt);
    QCOMPARE(report.recordsWritten, std::int64_t(2));
    const json event = readJson(QString::fromStdString(opt.folder) + QStringLiteral("/batch-000001.json"));
    QVERIFY(event.contains("Records"));
    std::vector<std::string> seqs;
    for (const auto& r : event["Records"])
        seqs.push_back(r["dynamodb"]["SequenceNumber"].get<std::string>());
    QCOMPARE(seqs, (std::vector<std::string>{"101", "102"}));
}

void TestExporter::oversizeRecordReported()
{
    Rec big;
    big.table = "Orders";
    big.arn = kArnA;
    big.keysJson = "{\"Id\":{\"N\":\"999\"}}";
    big.seq = "99999999";
    big.newImage = "{\"Id\":{\"N\":\"999\"},\"blob\":{\"S\":\"" + std::string(6291456, 'x') + "\"}}";
    QCOMPARE(QString::fromStdString(exporttest::load(*m_store, {big}, "big")), QString());
    storage::ExportOptions opt;
    opt.folder = out(QStringLiteral("big")).toStdString();
    storage::RecordSelection sel;
    sel.tables = {"Orders"};
    const auto report = exportOk(sel, opt);
    QCOMPARE(report.recordsWritten, std::int64_t(250));
    QCOMPARE(report.build.oversize.size(), std::size_t(1));
    QCOMPARE(report.build.oversize[0].sequenceNumber, std::string("99999999"));
    const json manifest = readJson(out(QStringLiteral("big/manifest.json")));
    QCOMPARE(manifest["oversize"].size(), std::size_t(1));
    QCOMPARE(manifest["oversize"][0]["sequenceNumber"].get<std::string>(), std::string("99999999"));
    QVERIFY(manifest["oversize"][0]["payloadBytes"].get<std::int64_t>() > 6291456);
}

void TestExporter::overwriteRefusedUnlessForce()
{
    storage::ExportOptions opt;
    opt.folder = out(QStringLiteral("again")).toStdString();
    opt.limits.maxRecords = 10;
    exportOk({}, opt);
    const QStringList first = QDir(out(QStringLiteral("again"))).entryList(QDir::Files, QDir::Name);
    QCOMPARE(first.size(), 25 + 3 + 1); // Orders 25 files, Customers 3, manifest
    QFile m(out(QStringLiteral("again/manifest.json")));
    QVERIFY(m.open(QIODevice::ReadOnly));
    const QByteArray manifestBefore = m.readAll();
    m.close();
    auto refused = storage::exportRecords(*m_store, {}, opt);
    QVERIFY(!refused);
    QVERIFY(refused.error().message.find("--force") != std::string::npos);
    QVERIFY(m.open(QIODevice::ReadOnly));
    QCOMPARE(m.readAll(), manifestBefore);
    m.close();
    // With force: replaced, and files of the earlier export that are not rewritten are removed.
    opt.force = true;
    opt.limits.maxRecords = 100;
    const auto report = exportOk({}, opt);
    QCOMPARE(report.files.size(), std::size_t(4));
    QCOMPARE(QDir(out(QStringLiteral("again"))).entryList(QDir::Files).size(), 5);
    // A folder with unrelated files is fine.
    QFile other(out(QStringLiteral("mine/notes.txt")));
    QDir().mkpath(out(QStringLiteral("mine")));
    QVERIFY(other.open(QIODevice::WriteOnly));
    other.close();
    opt.force = false;
    opt.folder = out(QStringLiteral("mine")).toStdString();
    exportOk({}, opt);
    QVERIFY(QFile::exists(out(QStringLiteral("mine/notes.txt"))));
}

void TestExporter::hostileNamesStayInside()
{
    std::vector<Rec> hostile;
    const std::string names[] = {"../../x", "/etc/passwd", "..", "a/b\\c", "x\ny", "CON", ""};
    int i = 0;
    for (const auto& name : names) {
        if (name.empty())
            continue;
        Rec r;
        r.table = name;
        r.arn = "arn:aws:dynamodb:eu-central-1:1:table/" + name + "/stream/../../../x";
        r.keysJson = json{{"../../x", {{"S", "../../" + name}}}}.dump();
        r.seq = std::to_string(7000 + i++);
        r.newImage = r.keysJson;
        hostile.push_back(r);
    }
    QCOMPARE(QString::fromStdString(exporttest::load(*m_store, hostile, "hostile")), QString());
    const QString parent = out(QStringLiteral("h"));
    QDir().mkpath(parent + QStringLiteral("/a/b"));
    storage::ExportOptions opt;
    opt.folder = (parent + QStringLiteral("/a/b/out")).toStdString();
    for (const auto& f : {std::string("batch"), std::string("csv"), std::string("jsonl")}) {
        opt.format = f == "csv"
            ? storage::ExportFormat::ChangesCsv
            : (f == "jsonl" ? storage::ExportFormat::JsonLines : storage::ExportFormat::LambdaEvents);
        opt.force = true;
        storage::RecordSelection sel;
        for (const auto& r : hostile)
            sel.tables.push_back(r.table);
        sel.keys = {R"({"../../x":{"S":"../../../../x"}})"};
        const auto report = exportOk(sel, opt);
        QCOMPARE(report.recordsWritten, std::int64_t(1));
        for (const auto& file : report.files)
            QVERIFY(storage::minifyJson(file.name).find('/') == std::string::npos);
    }
    // Nothing anywhere but the export folder.
    QStringList all;
    std::function<void(const QString&)> walk = [&](const QString& d) {
        for (const auto& e : QDir(d).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden)) {
            all << e.absoluteFilePath().mid(parent.size());
            if (e.isDir())
                walk(e.absoluteFilePath());
        }
    };
    walk(parent);
    all.sort();
    QCOMPARE(all,
             (QStringList{QStringLiteral("/a"), QStringLiteral("/a/b"), QStringLiteral("/a/b/out"),
                          QStringLiteral("/a/b/out/batch-000001.jsonl"), QStringLiteral("/a/b/out/manifest.json")}));
    QVERIFY(!QFile::exists(m_dir->filePath(QStringLiteral("x"))));
}

void TestExporter::plantedSymlinkIsNotFollowed()
{
    const QString folder = out(QStringLiteral("sym"));
    storage::ExportOptions opt;
    opt.folder = folder.toStdString();
    exportOk({}, opt);
    const QString victim = out(QStringLiteral("victim.txt"));
    QFile v(victim);
    QVERIFY(v.open(QIODevice::WriteOnly));
    v.write("keep");
    v.close();
    QFile::remove(folder + QStringLiteral("/batch-000001.json"));
    QVERIFY(QFile::link(victim, folder + QStringLiteral("/batch-000001.json")));
    opt.force = true;
    auto r = storage::exportRecords(*m_store, {}, opt);
    QVERIFY(!r);
    QVERIFY(v.open(QIODevice::ReadOnly));
    QCOMPARE(v.readAll(), QByteArray("keep"));
}

void TestExporter::jsonLinesAndCsv()
{
    storage::ExportOptions opt;
    opt.folder = out(QStringLiteral("jl")).toStdString();
    opt.format = storage::ExportFormat::JsonLines;
    storage::RecordSelection sel;
    sel.tables = {"Customers"};
    auto report = exportOk(sel, opt);
    QCOMPARE(report.files.size(), std::size_t(1));
    QFile f(out(QStringLiteral("jl/batch-000001.jsonl")));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().split('\n');
    QCOMPARE(lines.size(), 31); // 30 lines + the empty rest after the last newline
    for (int i = 0; i < 30; ++i)
        QVERIFY(json::parse(lines[i].begin(), lines[i].end(), nullptr, false).is_object());

    opt.folder = out(QStringLiteral("csv")).toStdString();
    opt.format = storage::ExportFormat::ChangesCsv;
    sel.tables = {"Orders"};
    sel.keys = {"Id=5"};
    report = exportOk(sel, opt);
    QFile c(out(QStringLiteral("csv/changes.csv")));
    QVERIFY(c.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(c.readAll());
    const QStringList rows = text.split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    QCOMPARE(rows[0], QStringLiteral("time,table,key,event,path,op,old,new"));
    // INSERT: two added attributes; 6 MODIFYs: /v replaced.
    QCOMPARE(rows.size(), 1 + 2 + 6);
    QCOMPARE(rows[1],
             QStringLiteral("2023-11-14T22:13:25.000000Z,Orders,Id=5,INSERT,/Id,add,,\"{\"\"N\"\":\"\"5\"\"}\""));
    QCOMPARE(rows[3],
             QStringLiteral("2023-11-14T22:14:05.000000Z,Orders,Id=5,MODIFY,/"
                            "v,replace,\"{\"\"N\"\":\"\"5\"\"}\",\"{\"\"N\"\":\"\"45\"\"}\""));
    QCOMPARE(storage::csvField("=cmd()"), std::string("'=cmd()"));
    QCOMPARE(storage::csvField("a,b"), std::string("\"a,b\""));
}

void TestExporter::otherEnvelopesAreConverted()
{
    // A Kinesis-for-DynamoDB record: no SequenceNumber, no stream ARN, milliseconds.
    Rec k;
    k.table = "Kin";
    k.keysJson = "{\"Id\":{\"S\":\"a\"}}";
    k.newImage = "{\"Id\":{\"S\":\"a\"},\"n\":{\"N\":\"1.50\"}}";
    k.micros = 1731924555370000LL;
    k.shape = "kinesis";
    k.raw =
        R"({"awsRegion":"eu-west-1","eventID":"d9428029","eventName":"INSERT","userIdentity":null,"recordFormat":"application/json","tableName":"Kin","dynamodb":{"ApproximateCreationDateTime":1731924555370,"Keys":{"Id":{"S":"a"}},"NewImage":{"Id":{"S":"a"},"n":{"N":"1.50"}},"SizeBytes":60},"eventSource":"aws:dynamodb"})";
    QCOMPARE(QString::fromStdString(exporttest::load(*m_store, {k}, "kin")), QString());
    storage::ExportOptions opt;
    opt.folder = out(QStringLiteral("kin")).toStdString();
    storage::RecordSelection sel;
    sel.tables = {"Kin"};
    const auto report = exportOk(sel, opt);
    QCOMPARE(report.build.converted, std::int64_t(1));
    const json event = readJson(out(QStringLiteral("kin/batch-000001.json")));
    const auto& r = event["Records"][0];
    QCOMPARE(r["eventSource"].get<std::string>(), std::string("aws:dynamodb"));
    QCOMPARE(r["awsRegion"].get<std::string>(), std::string("eu-west-1"));
    QCOMPARE(r["eventName"].get<std::string>(), std::string("INSERT"));
    QCOMPARE(r["dynamodb"]["SequenceNumber"].get<std::string>(), std::string("000000000000000000001"));
    QCOMPARE(r["dynamodb"]["NewImage"]["n"]["N"].get<std::string>(), std::string("1.50")); // exact text
    QCOMPARE(r["dynamodb"]["ApproximateCreationDateTime"].get<std::int64_t>(), std::int64_t(1731924555));
    QCOMPARE(r["dynamodb"]["StreamViewType"].get<std::string>(), std::string("NEW_IMAGE"));
    QVERIFY(r["eventSourceARN"].get<std::string>().find("table/Kin/stream/") != std::string::npos);
    const json manifest = readJson(out(QStringLiteral("kin/manifest.json")));
    QCOMPARE(manifest["counts"]["converted"].get<int>(), 1);
    QCOMPARE(manifest["conversions"][0]["shape"].get<std::string>(), std::string("kinesis"));
    QVERIFY(manifest.contains("notes"));
}

std::vector<std::int64_t> TestExporter::readerOrder(const storage::RecordSelection& sel, int pageSize)
{
    std::vector<std::int64_t> ids;
    auto reader = storage::DeliveryReader::open(*m_store, sel, pageSize);
    if (!reader)
        return ids;
    for (;;) {
        auto next = reader->next();
        if (!next || !*next)
            break;
        ids.push_back((*next)->row.id);
    }
    return ids;
}

void TestExporter::pagedOrderMatchesOneBigPage()
{
    // Keyset pages of any size give the same delivery order: each stream whole, numeric sequence order.
    const auto whole = readerOrder({}, 100000);
    QCOMPARE(whole.size(), m_records.size());
    for (const int page : {1, 7, 256})
        QCOMPARE(readerOrder({}, page), whole);
    // The same order by explicit ids (id mode), for a subset.
    storage::RecordSelection some;
    for (std::size_t i = 0; i < whole.size(); i += 3)
        some.recordIds.push_back(whole[i]);
    std::vector<std::int64_t> expected;
    for (const auto id : whole) {
        if (std::find(some.recordIds.begin(), some.recordIds.end(), id) != some.recordIds.end())
            expected.push_back(id);
    }
    std::reverse(some.recordIds.begin(), some.recordIds.end()); // the order given does not matter
    QCOMPARE(readerOrder(some, 5), expected);
    // Each stream's sequence numbers ascend numerically.
    auto rows = m_store->recordsByIds(whole, false);
    QVERIFY(rows);
    for (std::size_t i = 1; i < rows->size(); ++i) {
        const auto& a = (*rows)[i - 1];
        const auto& b = (*rows)[i];
        if (a.streamId == b.streamId)
            QVERIFY(model::compareSequenceNumbers(a.sequenceNumber, b.sequenceNumber) < 0);
    }
}

void TestExporter::unsequencedRecordsInTimeOrder()
{
    // Kinesis-shaped records (no sequence number) loaded out of time order: delivered by creation time, in paged
    // mode and in id mode, whatever the page size.
    std::vector<Rec> kin;
    const int times[] = {5, 3, 9, 1, 7, 2, 8, 4, 6, 0};
    for (int i = 0; i < 10; ++i) {
        Rec k;
        k.table = "Kin";
        k.keysJson = "{\"Id\":{\"S\":\"k" + std::to_string(i % 3) + "\"}}";
        k.newImage = k.keysJson;
        k.micros = 1731924555000000LL + times[i] * 1000LL;
        k.shape = "kinesis";
        k.eventId = "k" + std::to_string(i);
        k.raw = "{\"awsRegion\":\"eu-west-1\",\"eventID\":\"k" + std::to_string(i)
            + "\",\"eventName\":\"INSERT\",\"recordFormat\":\"application/json\",\"tableName\":\"Kin\","
              "\"dynamodb\":{\"Keys\":"
            + k.keysJson + "},\"eventSource\":\"aws:dynamodb\"}";
        kin.push_back(k);
    }
    QCOMPARE(QString::fromStdString(exporttest::load(*m_store, kin, "kin")), QString());
    storage::RecordSelection sel;
    sel.tables = {"Kin"};
    for (const int page : {1, 4, 256}) {
        const auto ids = readerOrder(sel, page);
        QCOMPARE(ids.size(), std::size_t(10));
        auto rows = m_store->recordsByIds(ids, false);
        QVERIFY(rows);
        for (std::size_t i = 0; i < rows->size(); ++i)
            QCOMPARE(*(*rows)[i].creationTimeMicros, 1731924555000000LL + static_cast<std::int64_t>(i) * 1000LL);
        storage::RecordSelection byIds = sel;
        byIds.recordIds = ids;
        std::reverse(byIds.recordIds.begin(), byIds.recordIds.end());
        QCOMPARE(readerOrder(byIds, page), ids);
    }
    // The stand-in sequence numbers follow that order.
    storage::ExportOptions opt;
    opt.folder = out(QStringLiteral("kin")).toStdString();
    opt.limits.maxRecords = 4;
    const auto report = exportOk(sel, opt);
    QCOMPARE(report.files.size(), std::size_t(3));
    QCOMPARE(report.files[0].firstSequenceNumber, std::string("000000000000000000001"));
    QCOMPARE(report.files[2].lastSequenceNumber, std::string("000000000000000000010"));
}

void TestExporter::manifestRangesMatchFiles()
{
    storage::ExportOptions opt;
    opt.folder = out(QStringLiteral("ranges")).toStdString();
    opt.limits.maxRecords = 17;
    const auto report = exportOk({}, opt);
    const json manifest = readJson(out(QStringLiteral("ranges/manifest.json")));
    std::int64_t total = 0;
    QCOMPARE(manifest["files"].size(), report.files.size());
    for (const auto& f : manifest["files"]) {
        const json event = readJson(out(QStringLiteral("ranges/") + QString::fromStdString(f["name"])));
        const auto& records = event["Records"];
        QCOMPARE(static_cast<std::int64_t>(records.size()), f["records"].get<std::int64_t>());
        QCOMPARE(records.front()["dynamodb"]["SequenceNumber"].get<std::string>(),
                 f["firstSequenceNumber"].get<std::string>());
        QCOMPARE(records.back()["dynamodb"]["SequenceNumber"].get<std::string>(),
                 f["lastSequenceNumber"].get<std::string>());
        for (const auto& r : records)
            QCOMPARE(r["eventSourceARN"].get<std::string>(), f["stream"].get<std::string>());
        QFile file(out(QStringLiteral("ranges/") + QString::fromStdString(f["name"])));
        QCOMPARE(file.size(), f["bytes"].get<qint64>());
        total += f["records"].get<std::int64_t>();
    }
    QCOMPARE(total, static_cast<std::int64_t>(m_records.size()));
    QCOMPARE(manifest["counts"]["written"].get<std::int64_t>(), total);
}

void TestExporter::missingLambdaFieldsSynthesized()
{
    // GetRecords output: Lambda-shaped but without eventSourceARN (and here without awsRegion/SizeBytes too).
    auto raw = [](const std::string& seq) {
        return R"({"eventID":"g)" + seq + R"(","eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb",)"
            + R"("dynamodb":{"ApproximateCreationDateTime":1700000000,"Keys":{"Id":{"N":"1"}},)"
            + R"("NewImage":{"Id":{"N":"1"}},"SequenceNumber":")" + seq + R"(","StreamViewType":"NEW_IMAGE"}})";
    };
    Rec noArn;
    noArn.table = "Plain";
    noArn.keysJson = R"({"Id":{"N":"1"}})";
    noArn.newImage = noArn.keysJson;
    noArn.seq = "111";
    noArn.raw = raw("111");
    Rec withStoreArn = noArn; // as after `import --stream-arn`: the store knows the ARN, the record does not
    withStoreArn.table = "Known";
    withStoreArn.arn = "arn:aws:dynamodb:eu-central-1:123456789012:table/Known/stream/2024-05-05T00:00:00.000";
    withStoreArn.raw = raw("222");
    withStoreArn.seq = "222";
    QCOMPARE(QString::fromStdString(exporttest::load(*m_store, {noArn, withStoreArn}, "getrecords")), QString());
    storage::ExportOptions opt;
    opt.folder = out(QStringLiteral("gr")).toStdString();
    storage::RecordSelection sel;
    sel.tables = {"Plain", "Known"};
    const auto report = exportOk(sel, opt);
    QCOMPARE(report.files.size(), std::size_t(2));
    QCOMPARE(report.recordsWithSynthesizedFields, std::int64_t(2));
    QCOMPARE(report.build.converted, std::int64_t(0)); // written as delivered, plus the missing members
    std::map<std::string, json> byTable;
    for (const auto& f : report.files)
        byTable[f.table] = readJson(out(QStringLiteral("gr/") + QString::fromStdString(f.name)))["Records"][0];
    const json& plain = byTable["Plain"];
    QCOMPARE(plain["eventSourceARN"].get<std::string>(),
             std::string("arn:aws:dynamodb:eu-central-1:000000000000:table/Plain/stream/streamscope-synthetic"));
    QCOMPARE(plain["awsRegion"].get<std::string>(), std::string("eu-central-1")); // the store's region
    QCOMPARE(plain["dynamodb"]["SizeBytes"].get<int>(), 32);                      // Keys + NewImage as written
    QCOMPARE(plain["eventID"].get<std::string>(), std::string("g111"));           // delivered members kept
    QCOMPARE(byTable["Known"]["eventSourceARN"].get<std::string>(), withStoreArn.arn);
    const json manifest = readJson(out(QStringLiteral("gr/manifest.json")));
    std::map<std::string, std::int64_t> fields;
    for (const auto& f : manifest["synthesizedFields"])
        fields[f["field"]] = f["records"];
    QCOMPARE(fields["eventSourceARN"], std::int64_t(2));
    QCOMPARE(fields["awsRegion"], std::int64_t(2));
    QCOMPARE(fields["dynamodb.SizeBytes"], std::int64_t(2));
    QVERIFY(!fields.count("dynamodb.StreamViewType"));
    QCOMPARE(manifest["files"][0]["synthesized"]["eventSourceARN"].get<std::string>(), std::string("all"));
    QCOMPARE(manifest["counts"]["withSynthesizedFields"].get<int>(), 2);
    // Records that carry everything get nothing added.
    storage::ExportOptions full;
    full.folder = out(QStringLiteral("full")).toStdString();
    storage::RecordSelection orders;
    orders.tables = {"Orders"};
    QCOMPARE(exportOk(orders, full).recordsWithSynthesizedFields, std::int64_t(0));
}

void TestExporter::cancelLeavesNoFiles()
{
    storage::ExportOptions opt;
    opt.folder = out(QStringLiteral("cancel")).toStdString();
    opt.limits.maxRecords = 10;
    int calls = 0;
    auto r = storage::exportRecords(*m_store, {}, opt, [&](std::int64_t done, std::int64_t total) {
        [[maybe_unused]] const bool sane = done <= total;
        return ++calls < 2; // cancel once batch files exist
    });
    QVERIFY(!r);
    QCOMPARE(r.error().kind, storage::Error::Kind::Interrupted);
    QVERIFY(storage::existingExportFiles(opt.folder).empty());
    // Progress runs to the total.
    std::int64_t lastDone = 0, lastTotal = 0;
    opt.folder = out(QStringLiteral("progress")).toStdString();
    QVERIFY(storage::exportRecords(*m_store, {}, opt, [&](std::int64_t done, std::int64_t total) {
        lastDone = done;
        lastTotal = total;
        return true;
    }));
    QCOMPARE(lastDone, static_cast<std::int64_t>(m_records.size()));
    QCOMPARE(lastTotal, lastDone);
}

/// An export reads each record's page once: its connection's page cache is held at 2 MiB while it reads (a larger
/// one only costs the memory faulted in to fill it) and is the connection's own again afterwards, also when the export
/// is cancelled.
void TestExporter::pageCacheSmallWhileExporting()
{
    storage::Database& db = m_store->database();
    const auto usual = db.queryInt("PRAGMA cache_size");
    QVERIFY(usual);
    QVERIFY(*usual != -2048);
    storage::ExportOptions opt;
    opt.folder = out(QStringLiteral("cache")).toStdString();
    opt.limits.maxRecords = 10;
    std::int64_t during = 0;
    QVERIFY(storage::exportRecords(*m_store, {}, opt, [&](std::int64_t, std::int64_t) {
        auto size = db.queryInt("PRAGMA cache_size");
        during = size ? *size : 0;
        return true;
    }));
    QCOMPARE(during, std::int64_t{-2048});
    QCOMPARE(*db.queryInt("PRAGMA cache_size"), *usual);
    opt.folder = out(QStringLiteral("cache-cancelled")).toStdString();
    QVERIFY(!storage::exportRecords(*m_store, {}, opt, [](std::int64_t, std::int64_t) { return false; }));
    QCOMPARE(*db.queryInt("PRAGMA cache_size"), *usual);
}

QTEST_GUILESS_MAIN(TestExporter)
#include "tst_exporter.moc"
