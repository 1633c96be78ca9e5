// CLI: `streamscope filter test` as a user runs it: verdicts and exit codes (0 match, 1 no match, 2 invalid pattern
// or usage), pattern and event given inline or as files, --semantics, --json, lints.

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "testsupport.h"

namespace {

using Run = testsupport::CliRun;

const QString kRecord = QStringLiteral(
    R"({"eventID":"1","eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb",)"
    R"("awsRegion":"us-east-1","dynamodb":{"ApproximateCreationDateTime":1700000000.0,"Keys":{"pk":{"S":"ORDER#1"}},)"
    R"("NewImage":{"pk":{"S":"ORDER#1"},"status":{"S":"SHIPPED"},"total":{"N":"100"}},)"
    R"("SequenceNumber":"100000000000000000001","SizeBytes":60,"StreamViewType":"NEW_IMAGE"}})");

Run filterTest(const QString& pattern, const QString& event, const QStringList& extra = {})
{
    return testsupport::runCli(QStringList{QStringLiteral("filter"), QStringLiteral("test"),
                                           QStringLiteral("--pattern"), pattern, QStringLiteral("--event"), event}
                               + extra);
}

/// A Lambda DynamoDB record: sequence number 10000000000000000000N, `image` "NewImage" or "OldImage".
QString record(int n, const char* eventName, const char* pk, const char* status, const char* image = "NewImage")
{
    return QStringLiteral(R"({"eventID":"%1","eventName":"%2","eventVersion":"1.1","eventSource":"aws:dynamodb",)"
                          R"("awsRegion":"us-east-1","dynamodb":{"ApproximateCreationDateTime":170000000%1,)"
                          R"("Keys":{"pk":{"S":"%3"}},"%5":{"pk":{"S":"%3"},"status":{"S":"%4"}},)"
                          R"("SequenceNumber":"10000000000000000000%1","SizeBytes":60,)"
                          R"("StreamViewType":"NEW_AND_OLD_IMAGES"}})")
        .arg(n)
        .arg(QLatin1String(eventName), QLatin1String(pk), QLatin1String(status), QLatin1String(image));
}

/// A store of six records; criteria (status SHIPPED, or a REMOVE) deliver 1, 3, 4 and 6.
QString criteriaStore(const QTemporaryDir& dir)
{
    const QString capture = dir.filePath(QStringLiteral("six.json"));
    QFile c(capture);
    if (!c.open(QIODevice::WriteOnly))
        return {};
    const QStringList records{
        record(1, "INSERT", "ORDER#1", "SHIPPED"), record(2, "INSERT", "ORDER#2", "PENDING"),
        record(3, "MODIFY", "ORDER#2", "SHIPPED"), record(4, "REMOVE", "ORDER#1", "SHIPPED", "OldImage"),
        record(5, "MODIFY", "ORDER#3", "PENDING"), record(6, "INSERT", "ORDER#4", "SHIPPED")};
    c.write((QStringLiteral("{\"Records\":[") + records.join(QLatin1Char(',')) + QStringLiteral("]}")).toUtf8());
    c.close();
    const QString store = dir.filePath(QStringLiteral("six.streamscope"));
    if (testsupport::runCli(
            {QStringLiteral("import"), QStringLiteral("--store"), store, capture, QStringLiteral("--no-progress")})
            .exitCode
        != 0)
        return {};
    return store;
}

/// Filter criteria for criteriaStore(): status SHIPPED, or a REMOVE (built as JSON: moc misreads raw strings
/// holding \" outside function bodies it skips).
QString sixCriteria()
{
    QJsonArray filters;
    for (const char* pattern :
         {R"({"dynamodb":{"NewImage":{"status":{"S":["SHIPPED"]}}}})", R"({"eventName":["REMOVE"]})"})
        filters.append(QJsonObject{{QStringLiteral("Pattern"), QString::fromLatin1(pattern)}});
    return QString::fromUtf8(
        QJsonDocument(QJsonObject{{QStringLiteral("Filters"), filters}}).toJson(QJsonDocument::Compact));
}

/// The last digit of every SequenceNumber in the Records of the events in `text` (one or more JSON documents).
QList<int> deliveredNumbers(const QByteArray& text)
{
    QList<int> numbers;
    for (const QByteArray& line : text.split('\n')) {
        const QJsonArray records = QJsonDocument::fromJson(line).object().value(QStringLiteral("Records")).toArray();
        for (const auto& r : records)
            numbers << r.toObject()
                           .value(QStringLiteral("dynamodb"))
                           .toObject()
                           .value(QStringLiteral("SequenceNumber"))
                           .toString()
                           .right(1)
                           .toInt();
    }
    return numbers;
}

} // namespace

class TestCliFilter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void match();
    void noMatch();
    void invalid();
    void unsupportedUnderEsm();
    void files();
    void json();
    void lints();
    void usage();
    void store();
    void exportWithCriteria();
    void replayWithCriteria();
    void where();
};

void TestCliFilter::match()
{
    const Run r = filterTest(QStringLiteral(R"({"dynamodb":{"NewImage":{"status":{"S":["SHIPPED"]}}}})"), kRecord);
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, QByteArray("match\n"));
    QVERIFY(r.err.isEmpty());
}

void TestCliFilter::noMatch()
{
    const Run r =
        filterTest(QStringLiteral(R"({"dynamodb":{"NewImage":{"total":{"N":[{"numeric":[">",10]}]}}}})"), kRecord);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.out.startsWith(R"(no match: dynamodb.NewImage.total.N: "100" does not match [{"numeric":[">",10]}])"),
             r.out.constData());
    QVERIFY2(r.out.contains("lint numeric-on-n at `dynamodb.NewImage.total.N`"), r.out.constData());
}

void TestCliFilter::invalid()
{
    const Run r = filterTest(QStringLiteral(R"({"dynamodb":{"Keys":{"pk":{"S":[{"prefix":1}]}}}})"), kRecord);
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(r.out, QByteArray("invalid: prefix match pattern must be a string at `dynamodb.Keys.pk.S`\n"));
    const Run notJson = filterTest(QStringLiteral("{\"a\": closed"), kRecord);
    QCOMPARE(notJson.exitCode, 2);
    QVERIFY2(notJson.out.startsWith("invalid: the pattern is not JSON"), notJson.out.constData());
}

void TestCliFilter::unsupportedUnderEsm()
{
    const QString pattern = QStringLiteral(R"({"eventName":[{"anything-but":{"prefix":"REM"}}]})");
    const Run esm = filterTest(pattern, kRecord);
    QCOMPARE(esm.exitCode, 2);
    QVERIFY2(esm.out.startsWith("invalid (unsupported): anything-but/prefix is not supported by Lambda"),
             esm.out.constData());
    const Run bus = filterTest(pattern, kRecord, {QStringLiteral("--semantics"), QStringLiteral("eventbridge")});
    QCOMPARE(bus.exitCode, 0);
    QCOMPARE(bus.out, QByteArray("match\n"));
}

void TestCliFilter::files()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString patternFile = dir.filePath(QStringLiteral("pattern.json"));
    const QString eventFile = dir.filePath(QStringLiteral("event.json"));
    QFile p(patternFile);
    QVERIFY(p.open(QIODevice::WriteOnly));
    p.write(R"({"eventName": ["MODIFY"]})");
    p.close();
    QFile e(eventFile);
    QVERIFY(e.open(QIODevice::WriteOnly));
    e.write(kRecord.toUtf8());
    e.close();
    const Run r = filterTest(patternFile, eventFile);
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.out,
             QByteArray(R"(no match: eventName: "INSERT" does not match ["MODIFY"])"
                        "\n"));
}

void TestCliFilter::json()
{
    const Run r = filterTest(QStringLiteral(R"({"dynamodb":{"NewImage":{"status":["SHIPPED"]}}})"), kRecord,
                             {QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 1);
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QStringLiteral("result")).toString(), QStringLiteral("no-match"));
    QCOMPARE(o.value(QStringLiteral("semantics")).toString(), QStringLiteral("lambda-esm"));
    QCOMPARE(o.value(QStringLiteral("path")).toString(), QStringLiteral("dynamodb.NewImage.status"));
    QVERIFY(o.value(QStringLiteral("reason")).toString().contains(QStringLiteral("the value is an object")));
    const QJsonArray lints = o.value(QStringLiteral("lints")).toArray();
    QCOMPARE(lints.size(), 1);
    QCOMPARE(lints.at(0).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("missing-type-descriptor"));
}

void TestCliFilter::lints()
{
    const Run r = filterTest(QStringLiteral(R"({"body":{"status":["x"]}})"), kRecord);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.out.contains("lint sqs-kinesis-key at `body`"), r.out.constData());
    // EventBridge rules are not DynamoDB records: no lints.
    const Run bus = filterTest(QStringLiteral(R"({"body":{"status":["x"]}})"), kRecord,
                               {QStringLiteral("--semantics"), QStringLiteral("eventbridge")});
    QVERIFY(!bus.out.contains("lint"));
}

void TestCliFilter::usage()
{
    QCOMPARE(testsupport::runCli(
                 {QStringLiteral("filter"), QStringLiteral("test"), QStringLiteral("--pattern"), QStringLiteral("{}")})
                 .exitCode,
             2);
    const Run badSemantics =
        filterTest(QStringLiteral("{}"), kRecord, {QStringLiteral("--semantics"), QStringLiteral("pipes")});
    QCOMPARE(badSemantics.exitCode, 2);
    QVERIFY(badSemantics.err.contains("--semantics must be eventbridge or lambda-esm"));
    const Run badEvent = filterTest(QStringLiteral(R"({"a":["x"]})"), QStringLiteral("{oops"));
    QCOMPARE(badEvent.exitCode, 2);
    QVERIFY2(badEvent.err.contains("the event is not JSON"), badEvent.err.constData());
    const Run missingFile = filterTest(QStringLiteral("/nonexistent/pattern.json"), kRecord);
    QCOMPARE(missingFile.exitCode, 2);
    const Run help = testsupport::runCli({QStringLiteral("filter"), QStringLiteral("test"), QStringLiteral("--help")});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains("--semantics"));
}

void TestCliFilter::store()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString capture = dir.filePath(QStringLiteral("event.json"));
    QString modify = kRecord;
    modify.replace(QStringLiteral("\"INSERT\""), QStringLiteral("\"MODIFY\""))
        .replace(QStringLiteral("SHIPPED"), QStringLiteral("PENDING"))
        .replace(QStringLiteral("100000000000000000001"), QStringLiteral("100000000000000000002"));
    QFile c(capture);
    QVERIFY(c.open(QIODevice::WriteOnly));
    c.write((QStringLiteral("{\"Records\":[") + kRecord + QLatin1Char(',') + modify + QStringLiteral("]}")).toUtf8());
    c.close();
    const QString store = dir.filePath(QStringLiteral("s.streamscope"));
    QCOMPARE(testsupport::runCli(
                 {QStringLiteral("import"), QStringLiteral("--store"), store, capture, QStringLiteral("--no-progress")})
                 .exitCode,
             0);
    const QString criteria = dir.filePath(QStringLiteral("criteria.json"));
    QFile f(criteria);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(
        R"({"FilterCriteria":{"Filters":[{"Pattern":"{\"dynamodb\":{\"NewImage\":{\"status\":{\"S\":[\"SHIPPED\"]}}}}"},)"
        R"({"Pattern":"{\"eventName\":[\"REMOVE\"]}"}]}})");
    f.close();
    const Run text = testsupport::runCli(
        {QStringLiteral("filter"), QStringLiteral("--store"), store, QStringLiteral("--criteria"), criteria});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains("100000000000000000001: delivered (filter 1)"), text.out.constData());
    QVERIFY2(text.out.contains(R"(100000000000000000002: dropped: filter 1: dynamodb.NewImage.status.S: "PENDING")"),
             text.out.constData());
    QVERIFY2(text.out.contains("2 records: 1 delivered, 1 dropped"), text.out.constData());
    const Run json = testsupport::runCli({QStringLiteral("filter"), QStringLiteral("--store"), store,
                                          QStringLiteral("--criteria"), criteria, QStringLiteral("--json")});
    QCOMPARE(json.exitCode, 0);
    const QJsonObject o = QJsonDocument::fromJson(json.out).object();
    QCOMPARE(o.value(QStringLiteral("criteriaShape")).toString(), QStringLiteral("event-source-mapping"));
    const QJsonObject counts = o.value(QStringLiteral("counts")).toObject();
    QCOMPARE(counts.value(QStringLiteral("dropped")).toInt(), 1);
    QCOMPARE(counts.value(QStringLiteral("perFilter")).toArray(), (QJsonArray{1, 0}));
    const QJsonArray records = o.value(QStringLiteral("records")).toArray();
    QCOMPARE(records.size(), 2);
    QCOMPARE(records.at(1).toObject().value(QStringLiteral("path")).toString(),
             QStringLiteral("dynamodb.NewImage.status.S"));
    // The same criteria as a SAM template in YAML, one of two functions chosen by name.
    const QString sam = dir.filePath(QStringLiteral("template.yaml"));
    QFile t(sam);
    QVERIFY(t.open(QIODevice::WriteOnly));
    t.write("Transform: AWS::Serverless-2016-10-31\n"
            "Resources:\n"
            "  Archive:\n"
            "    Type: AWS::Lambda::EventSourceMapping\n"
            "    Properties:\n"
            "      FilterCriteria: {Filters: [{Pattern: '{\"eventName\": [\"REMOVE\"]}'}]}\n"
            "  Shipping:\n"
            "    Type: AWS::Serverless::Function\n"
            "    Properties:\n"
            "      Events:\n"
            "        Orders:\n"
            "          Type: DynamoDB\n"
            "          Properties:\n"
            "            Stream: !GetAtt Orders.StreamArn\n"
            "            FilterCriteria:\n"
            "              Filters:\n"
            "                - Pattern: '{\"dynamodb\": {\"NewImage\": {\"status\": {\"S\": [\"SHIPPED\"]}}}}'\n");
    t.close();
    const Run ambiguous = testsupport::runCli(
        {QStringLiteral("filter"), QStringLiteral("--store"), store, QStringLiteral("--criteria"), sam});
    QCOMPARE(ambiguous.exitCode, 2);
    QVERIFY2(ambiguous.err.contains("2 sets of filter criteria (Archive, Shipping.Orders)"), ambiguous.err.constData());
    const Run chosen =
        testsupport::runCli({QStringLiteral("filter"), QStringLiteral("--store"), store, QStringLiteral("--criteria"),
                             sam, QStringLiteral("--criteria-name"), QStringLiteral("Shipping")});
    QCOMPARE(chosen.exitCode, 0);
    QVERIFY2(chosen.out.contains("criteria: Resources.Shipping.Properties.Events.Orders.Properties.FilterCriteria "
                                 "(cloudformation)"),
             chosen.out.constData());
    QVERIFY2(chosen.out.contains("100000000000000000001: delivered (filter 1)"), chosen.out.constData());
    QVERIFY2(chosen.out.contains("2 records: 1 delivered, 1 dropped"), chosen.out.constData());
    // A bare pattern with an unsupported operator: exit 2, nothing evaluated.
    const Run bad =
        testsupport::runCli({QStringLiteral("filter"), QStringLiteral("--store"), store, QStringLiteral("--criteria"),
                             QStringLiteral(R"({"eventName":[{"wildcard":"*"}]})")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.out.startsWith("invalid (unsupported): filter 1: wildcard"), bad.out.constData());
}

void TestCliFilter::exportWithCriteria()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString store = criteriaStore(dir);
    QVERIFY(!store.isEmpty());
    const QString criteria = dir.filePath(QStringLiteral("criteria.json"));
    QFile f(criteria);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(sixCriteria().toUtf8());
    f.close();
    const QString out = dir.filePath(QStringLiteral("out"));
    const Run run = testsupport::runCli({QStringLiteral("export"), QStringLiteral("--store"), store,
                                         QStringLiteral("--out"), out, QStringLiteral("--filter-criteria"), criteria});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(run.out.contains("Exported 4 of 6 selected records"), run.out.constData());
    QVERIFY2(run.out.contains("2 records dropped (Lambda would not deliver them)"), run.out.constData());
    QFile batch(out + QStringLiteral("/batch-000001.json"));
    QVERIFY(batch.open(QIODevice::ReadOnly));
    QCOMPARE(deliveredNumbers(batch.readAll()), (QList<int>{1, 3, 4, 6}));
    QFile manifestFile(out + QStringLiteral("/manifest.json"));
    QVERIFY(manifestFile.open(QIODevice::ReadOnly));
    const QJsonObject manifest = QJsonDocument::fromJson(manifestFile.readAll()).object();
    const QJsonObject applied =
        manifest.value(QStringLiteral("selection")).toObject().value(QStringLiteral("lambdaFilterCriteria")).toObject();
    QCOMPARE(applied.value(QStringLiteral("source")).toString(), criteria);
    QCOMPARE(applied.value(QStringLiteral("shape")).toString(), QStringLiteral("lambda-api"));
    QCOMPARE(applied.value(QStringLiteral("filters")).toArray().size(), 2);
    QCOMPARE(applied.value(QStringLiteral("dropped")).toInt(), 2);
    QCOMPARE(
        manifest.value(QStringLiteral("counts")).toObject().value(QStringLiteral("droppedByFilterCriteria")).toInt(),
        2);

    // With a selection (INSERT and MODIFY only) the criteria see only the selected records; inline criteria; the
    // records Lambda drops do not count towards the batch size (batches of 2: 1,3 then 6).
    const QString out2 = dir.filePath(QStringLiteral("out2"));
    const Run narrowed =
        testsupport::runCli({QStringLiteral("export"), QStringLiteral("--store"), store, QStringLiteral("--out"), out2,
                             QStringLiteral("--event"), QStringLiteral("INSERT,MODIFY"), QStringLiteral("--batch-size"),
                             QStringLiteral("2"), QStringLiteral("--format"), QStringLiteral("jsonl"),
                             QStringLiteral("--filter-criteria"), sixCriteria()});
    QVERIFY2(narrowed.exitCode == 0, narrowed.err.constData());
    QVERIFY2(narrowed.out.contains("Exported 3 of 5 selected records into 2 files"), narrowed.out.constData());
    QVERIFY2(narrowed.out.contains("filter criteria inline: 2 records dropped"), narrowed.out.constData());

    // Criteria that cannot be used: nothing is written, exit 2 with the reason.
    const QString out3 = dir.filePath(QStringLiteral("out3"));
    const Run bad = testsupport::runCli({QStringLiteral("export"), QStringLiteral("--store"), store,
                                         QStringLiteral("--out"), out3, QStringLiteral("--filter-criteria"),
                                         QStringLiteral(R"({"eventName":[{"wildcard":"*"}]})")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("filter criteria: filter 1: unsupported: wildcard"), bad.err.constData());
    QVERIFY(!QFileInfo::exists(out3 + QStringLiteral("/manifest.json")));
    const Run nameAlone =
        testsupport::runCli({QStringLiteral("export"), QStringLiteral("--store"), store, QStringLiteral("--out"), out3,
                             QStringLiteral("--criteria-name"), QStringLiteral("X")});
    QCOMPARE(nameAlone.exitCode, 2);
}

void TestCliFilter::replayWithCriteria()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString store = criteriaStore(dir);
    QVERIFY(!store.isEmpty());
    const QString events = dir.filePath(QStringLiteral("events.jsonl"));
    const Run run =
        testsupport::runCli({QStringLiteral("replay"), QStringLiteral("--store"), store, QStringLiteral("--batch-size"),
                             QStringLiteral("3"), QStringLiteral("--filter-criteria"), sixCriteria(),
                             QStringLiteral("--handler"), QStringLiteral("sh"), QStringLiteral("-c"),
                             QStringLiteral("cat >> \"$1\"; echo >> \"$1\""), QStringLiteral("sh"), events});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(run.out.contains("filter criteria inline: 2 records dropped"), run.out.constData());
    QFile f(events);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(deliveredNumbers(f.readAll()), (QList<int>{1, 3, 4, 6}));
    const Run shown = testsupport::runCli({QStringLiteral("replay"), QStringLiteral("--store"), store,
                                           QStringLiteral("--show"), QStringLiteral("1"), QStringLiteral("--json")});
    QCOMPARE(shown.exitCode, 0);
    const QJsonObject o = QJsonDocument::fromJson(shown.out).object();
    QCOMPARE(o.value(QStringLiteral("counts")).toObject().value(QStringLiteral("records")).toInt(), 4);
    QJsonValue selection = o.value(QStringLiteral("selection"));
    if (selection.isString())
        selection = QJsonDocument::fromJson(selection.toString().toUtf8()).object();
    const QJsonObject applied = selection.toObject().value(QStringLiteral("lambdaFilterCriteria")).toObject();
    QCOMPARE(applied.value(QStringLiteral("dropped")).toInt(), 2);
    QCOMPARE(applied.value(QStringLiteral("source")).toString(), QStringLiteral("inline"));
}

void TestCliFilter::where()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString store = criteriaStore(dir);
    QVERIFY(!store.isEmpty());
    const QString out = dir.filePath(QStringLiteral("out"));
    const Run run =
        testsupport::runCli({QStringLiteral("export"), QStringLiteral("--store"), store, QStringLiteral("--out"), out,
                             QStringLiteral("--where"), QStringLiteral(R"(NewImage.status == "SHIPPED")")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QFile batch(out + QStringLiteral("/batch-000001.json"));
    QVERIFY(batch.open(QIODevice::ReadOnly));
    QCOMPARE(deliveredNumbers(batch.readAll()), (QList<int>{1, 3, 6}));
    QFile manifestFile(out + QStringLiteral("/manifest.json"));
    QVERIFY(manifestFile.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(manifestFile.readAll())
                 .object()
                 .value(QStringLiteral("selection"))
                 .toObject()
                 .value(QStringLiteral("where"))
                 .toString(),
             QStringLiteral(R"(NewImage.status == "SHIPPED")"));

    // --where and --filter-criteria together: the display filter first, then what Lambda delivers of the rest.
    const Run both = testsupport::runCli({QStringLiteral("filter"), QStringLiteral("--store"), store,
                                          QStringLiteral("--criteria"), sixCriteria(), QStringLiteral("--where"),
                                          QStringLiteral(R"(not changed(status) or Keys.pk startswith "ORDER#2")")});
    QVERIFY2(both.exitCode == 0, both.err.constData());
    // Selected: 2 (ORDER#2), 3 and 5 (MODIFYs without an OldImage: changed() is false there); the INSERTs and the
    // REMOVE change status. Of those Lambda delivers 3 (SHIPPED).
    QVERIFY2(both.out.contains("3 records: 1 delivered, 2 dropped"), both.out.constData());
    QVERIFY2(both.out.contains("100000000000000000003: delivered (filter 1)"), both.out.constData());

    // Mistakes are usage errors with the column and a caret.
    const Run bad = testsupport::runCli({QStringLiteral("export"), QStringLiteral("--store"), store,
                                         QStringLiteral("--out"), dir.filePath(QStringLiteral("bad")),
                                         QStringLiteral("--where"), QStringLiteral(R"(NewImage.status = "x")")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("--where: column 17: '=' is not an operator (use ==)"), bad.err.constData());
    QVERIFY2(bad.err.contains("\n                  ^\n"), bad.err.constData());
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("bad"))));
}

QTEST_GUILESS_MAIN(TestCliFilter)
#include "tst_cli_filter.moc"
