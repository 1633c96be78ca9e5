// CaptureReader: every public sample and every fixture in tests/data/import read into the expected number of
// records (values exact, positions exact), time normalisation, splitter edge cases.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <cstring>

#include <zlib.h>

#include "model/base64.h"
#include "model/dynamodbjson.h"
#include "storage/import/capturereader.h"
#include "storage/import/capturetime.h"
#include "storage/import/recordsplitter.h"
#include "storage/import/valuechecks.h"
#include "testsupport.h"

using storage::CaptureReader;

namespace {

struct ReadAll
{
    std::vector<storage::CaptureRecord> records;
    std::vector<storage::RecordIssue> issues;
    std::optional<storage::FileFailure> failure;
    std::string notCapture;
    std::vector<std::string> notes;
};

ReadAll readWith(CaptureReader& reader, const QString& path, const QByteArray* bytes = nullptr)
{
    ReadAll r;
    if (bytes) {
        reader.openBuffer(path.toStdString(),
                          std::string_view(bytes->constData(), static_cast<std::size_t>(bytes->size())));
    } else if (auto failed = reader.open(path.toStdString())) {
        r.failure = failed;
        return r;
    }
    for (;;) {
        storage::FileFailure failure;
        const auto status = reader.readBatch(r.records, r.issues, 7, failure);
        if (status == CaptureReader::Status::Failed) {
            r.failure = failure;
            break;
        }
        if (status == CaptureReader::Status::End)
            break;
    }
    r.notCapture = reader.notCaptureReason();
    r.notes = reader.notes();
    return r;
}

ReadAll readAll(const QString& path, storage::ReadOptions options = {})
{
    CaptureReader reader(std::move(options));
    return readWith(reader, path);
}

/// Everything a read produced, as text (to compare two reads).
std::string describe(const ReadAll& r)
{
    std::string text;
    for (const auto& c : r.records) {
        text += std::to_string(c.recordIndex) + "@" + std::to_string(c.byteOffset) + " "
            + std::string(storage::captureFormatText(c.format)) + " " + c.table + " " + c.streamArn + " " + c.region
            + " " + std::to_string(static_cast<int>(c.eventName)) + " " + c.sequenceNumber + " " + c.eventId + " "
            + (c.creationTimeMicros ? std::to_string(*c.creationTimeMicros) : "-") + " " + c.creationTimeText + " "
            + std::string(c.keysJson()) + " " + std::string(c.newImageJson().value_or("-")) + " "
            + std::string(c.oldImageJson().value_or("-")) + " " + c.keyCanonical + " " + c.envelope + " " + c.raw
            + (c.ttl ? " ttl" : "") + "\n";
    }
    for (const auto& i : r.issues)
        text += "issue " + std::to_string(i.recordIndex) + "@" + std::to_string(i.byteOffset) + " " + i.reason + "\n";
    if (r.failure)
        text += "failure " + std::to_string(r.failure->recordIndex) + "@" + std::to_string(r.failure->byteOffset) + " "
            + r.failure->reason + "\n";
    text += "not-capture " + r.notCapture + "\n";
    for (const auto& n : r.notes)
        text += "note " + n + "\n";
    return text;
}

QByteArray fileBytes(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

} // namespace

class TestCaptureReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void publicSamples_data();
    void publicSamples();
    void everyPublicSampleListed();
    void fixtures_data();
    void fixtures();
    void epochTimes_data();
    void epochTimes();
    void kinesisPrecision();
    void gzipAndMissingFile();
    void recordsArrayWithEnvelopeAfter();
    void valueChecksMatchModel();
    void imageValidation_data();
    void imageValidation();
    void reusedReaderSameAsFresh();
    void splitterSizeHintOnlySizesBuffer();
    void batchBoundedByBytes();
};

// Expected per public sample: records, skipped records, outcome ("ok", "fail", "not-capture"), format of the
// first record. Counted by hand from the files (and cross-checked with a Python walk for localstack).
void TestCaptureReader::publicSamples_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("records");
    QTest::addColumn<int>("skipped");
    QTest::addColumn<QString>("outcome");
    QTest::addColumn<QString>("format");
    auto row = [](const char* file, int records, int skipped, const char* outcome, const char* format) {
        QTest::newRow(file) << QString::fromLatin1(file) << records << skipped << QString::fromLatin1(outcome)
                            << QString::fromLatin1(format);
    };
    row("aws-lambda-developer-guide/dynamodb-record.json", 2, 0, "ok", "lambda-dynamodb");
    row("aws-lambda-developer-guide/with-ddb.example-event.json", 2, 0, "ok", "lambda-dynamodb");
    row("aws-lambda-developer-guide/with-ddb.invocation-record.json", 0, 0, "not-capture", "");
    row("aws-lambda-dotnet/dynamodb-batchitemfailures-response.json", 0, 0, "not-capture", "");
    row("aws-lambda-dotnet/dynamodb-event.json", 2, 0, "ok", "lambda-dynamodb");
    row("aws-lambda-dotnet/dynamodb-timewindow-event.json", 3, 0, "ok", "lambda-dynamodb");
    row("aws-lambda-dotnet/dynamodb-timewindow-response.json", 0, 0, "not-capture", "");
    row("aws-lambda-dotnet/dynamodb-with-ms-event.json", 2, 0, "ok", "lambda-dynamodb");
    row("aws-lambda-go/dynamodb-event-malformed.2.json", 1, 0, "fail", "lambda-dynamodb");
    row("aws-lambda-go/dynamodb-event.json", 2, 0, "ok", "lambda-dynamodb");
    row("aws-lambda-go/dynamodb-time-window-event.json", 3, 0, "ok", "lambda-dynamodb");
    row("aws-lambda-java-libs/dynamo_ddb_stream_record.json", 1, 0, "ok", "bare-record");
    row("aws-lambda-java-libs/dynamo_event.json", 3, 0, "ok", "lambda-dynamodb");
    row("aws-lambda-java-libs/dynamo_event_roundtrip.json", 3, 0, "ok", "lambda-dynamodb");
    row("aws-lambda-java-libs/dynamo_time_window_event.json", 2, 0, "ok", "lambda-dynamodb");
    row("aws-lambda-rust-runtime/example-dynamodb-event-record-with-optional-fields.json", 1, 0, "ok",
        "kinesis-record");
    row("aws-lambda-rust-runtime/example-dynamodb-event.json", 2, 0, "ok", "lambda-dynamodb");
    row("aws-sam-cli/DynamoDBUpdate.json", 3, 0, "ok", "lambda-dynamodb");
    row("dynamodb-developer-guide/API_streams_DescribeStream.sample-response-body.json", 0, 0, "not-capture", "");
    row("dynamodb-developer-guide/API_streams_GetRecords.sample-response-body.json", 3, 0, "ok", "getrecords");
    row("dynamodb-developer-guide/S3DataExport.Output.item-example.json", 1, 0, "ok", "s3-full");
    row("dynamodb-developer-guide/S3DataExport.Output.manifest-files-example.json", 0, 0, "not-capture", "");
    row("dynamodb-developer-guide/S3DataExport.Output.manifest-summary-example.json", 0, 0, "not-capture", "");
    row("eventbridge-user-guide/eb-pipes-dynamodb.example-event.json", 2, 0, "ok", "eventbridge-pipes");
    row("localstack/test_dynamodb.snapshot.stream-records.json", 19, 0, "ok", "embedded");
    row("localstack/test_dynamodb_streams.snapshot.stream-records.json", 1, 0, "ok", "embedded");
    row("localstack/test_lambda_integration_dynamodbstreams.snapshot.stream-records.json", 62, 0, "ok", "embedded");
    row("olpa-streaming-json/all-types-dynamodb.json", 1, 0, "ok", "s3-full");
    row("olpa-streaming-json/products-dynamodb.jsonl", 2, 0, "ok", "s3-full");
    row("powertools-java/dynamo_event.json", 3, 0, "ok", "lambda-dynamodb");
    row("powertools-java/dynamo_event_big.json", 12, 0, "ok", "lambda-dynamodb");
    row("powertools-python/dynamoStreamEvent.json", 2, 0, "ok", "lambda-dynamodb");
    row("powertools-python/getting_started_dynamodb_event.json", 2, 0, "ok", "lambda-dynamodb");
    row("powertools-python/getting_started_dynamodb_response.json", 0, 0, "not-capture", "");
    row("powertools-python/pydantic_dynamodb_event.json", 2, 0, "ok", "lambda-dynamodb");
    row("powertools-typescript/exampleDynamoDBStreamPayload.json", 2, 0, "ok", "lambda-dynamodb");
    row("powertools-typescript/parser-dynamodb/base.json", 2, 0, "ok", "lambda-dynamodb");
    row("powertools-typescript/parser-kinesis/dynamodb-stream.json", 2, 0, "ok", "lambda-kinesis");
    row("powertools-typescript/sampleDynamoDBStreamsEvent.json", 2, 0, "ok", "lambda-dynamodb");
    row("powertools-typescript/sampleDynamoDBStreamsResponse.json", 0, 0, "not-capture", "");
}

void TestCaptureReader::publicSamples()
{
    REQUIRE_SHARED_DIR();
    QFETCH(QString, file);
    QFETCH(int, records);
    QFETCH(int, skipped);
    QFETCH(QString, outcome);
    QFETCH(QString, format);
    const QString path = testsupport::samplesDir() + QLatin1Char('/') + file;
    const ReadAll r = readAll(path);
    QCOMPARE(static_cast<int>(r.records.size()), records);
    QCOMPARE(static_cast<int>(r.issues.size()), skipped);
    if (outcome == QLatin1String("fail")) {
        QVERIFY(r.failure.has_value());
        QVERIFY2(r.failure->byteOffset > 0, r.failure->reason.c_str());
        QVERIFY(!r.failure->reason.empty());
    } else {
        QVERIFY2(!r.failure, r.failure ? r.failure->reason.c_str() : "");
    }
    QCOMPARE(!r.notCapture.empty(), outcome == QLatin1String("not-capture"));
    if (!format.isEmpty())
        QCOMPARE(QString::fromStdString(std::string(storage::captureFormatText(r.records.front().format))), format);

    // Values exact: the record text is the file's bytes at its position, and Keys/images are slices of it
    // that decode as DynamoDB JSON; the key identity is the canonical form of the delivered Keys.
    const QByteArray bytes = fileBytes(path);
    std::int64_t lastIndex = -1;
    for (const auto& rec : r.records) {
        QVERIFY(rec.recordIndex > lastIndex);
        lastIndex = rec.recordIndex;
        QVERIFY(!rec.table.empty());
        if (rec.format != storage::CaptureFormat::KinesisLambda) {
            const QByteArray at =
                bytes.mid(static_cast<qsizetype>(rec.byteOffset), static_cast<qsizetype>(rec.raw.size()));
            QCOMPARE(at.toStdString(), rec.raw);
        }
        auto keys = model::parseItem(rec.keysJson());
        QVERIFY2(keys.value.has_value(), std::string(rec.keysJson()).c_str());
        QCOMPARE(model::canonicalJson(*keys.value), rec.keyCanonical);
        if (auto image = rec.newImageJson())
            QVERIFY2(model::parseItem(*image).value.has_value(), std::string(*image).c_str());
        if (auto image = rec.oldImageJson())
            QVERIFY2(model::parseItem(*image).value.has_value(), std::string(*image).c_str());
    }
}

void TestCaptureReader::everyPublicSampleListed()
{
    REQUIRE_SHARED_DIR();
    // A new sample must get a row in publicSamples_data(): compare against the listing.
    QFile self(QStringLiteral(__FILE__));
    QVERIFY(self.open(QIODevice::ReadOnly));
    const QString source = QString::fromUtf8(self.readAll());
    for (const QString& file : testsupport::publicSampleFiles())
        QVERIFY2(source.contains(QLatin1Char('"') + file + QLatin1Char('"')), qPrintable(file));
}

void TestCaptureReader::fixtures_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("records");
    QTest::addColumn<int>("skipped");
    QTest::addColumn<qint64>("failOffset"); // -1: no failure
    QTest::addColumn<QString>("reason");    // substring of the skip/failure reason
    auto row = [](const char* file, int records, int skipped, qint64 failOffset, const char* reason) {
        QTest::newRow(file) << QString::fromLatin1(file) << records << skipped << failOffset
                            << QString::fromUtf8(reason);
    };
    row("valid-three-records.json", 3, 0, -1, "");
    row("invalid-unknown-eventname.json", 2, 1, -1, "unknown eventName \"UPSERT\"");
    row("invalid-bad-base64-key.json", 1, 1, -1, "base64");
    row("invalid-keys-not-map.json", 1, 1, -1, "Keys is not a map");
    row("invalid-missing-keys.json", 1, 1, -1, "missing dynamodb.Keys");
    row("truncated-second-record.json", 1, 0, 559, "truncated"); // at its end
    row("not-json.txt", 0, 0, 0, "not JSON");
    row("bom-crlf-bare-record.json", 1, 0, -1, "");
    row("jsonl-records.jsonl", 3, 0, -1, "");
    row("array-of-events.json", 3, 0, -1, "");
    row("eventbridge-detail-events.jsonl", 2, 0, -1, "");
    row("s3-on-failure-payload.json", 2, 0, -1, "");
    row("s3-incremental-export.jsonl", 3, 0, -1, "");
    row("s3-full-export.jsonl", 2, 0, -1, "");
    row("kinesis-us-and-ms.json", 2, 0, -1, "");
    row("kinesis-bad-base64.json", 1, 1, -1, "not valid base64");
}

void TestCaptureReader::fixtures()
{
    QFETCH(QString, file);
    QFETCH(int, records);
    QFETCH(int, skipped);
    QFETCH(qint64, failOffset);
    QFETCH(QString, reason);
    const ReadAll r = readAll(QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/import/") + file);
    QCOMPARE(static_cast<int>(r.records.size()), records);
    QCOMPARE(static_cast<int>(r.issues.size()), skipped);
    QCOMPARE(r.failure.has_value(), failOffset >= 0);
    if (r.failure) {
        QCOMPARE(static_cast<qint64>(r.failure->byteOffset), failOffset);
        QVERIFY2(QString::fromStdString(r.failure->reason).contains(reason), r.failure->reason.c_str());
    }
    if (skipped > 0) {
        QVERIFY2(QString::fromStdString(r.issues.front().reason).contains(reason), r.issues.front().reason.c_str());
        QCOMPARE(r.issues.front().recordIndex, std::int64_t{1});
        QVERIFY(r.issues.front().byteOffset > 0);
    }
}

void TestCaptureReader::epochTimes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("micros");
    QTest::addColumn<int>("unit");
    const int s = static_cast<int>(storage::TimeUnit::Seconds);
    const int ms = static_cast<int>(storage::TimeUnit::Milliseconds);
    const int us = static_cast<int>(storage::TimeUnit::Microseconds);
    QTest::newRow("int seconds") << QStringLiteral("1480642020") << qint64(1480642020000000) << s;
    QTest::newRow("float seconds") << QStringLiteral("1693997155.0") << qint64(1693997155000000) << s;
    QTest::newRow("1.46480431E9") << QStringLiteral("1.46480431E9") << qint64(1464804310000000) << s;
    QTest::newRow("more digits than a double")
        << QStringLiteral("1.635734407123456789E9") << qint64(1635734407123456) << s;
    QTest::newRow("1.4285376E9") << QStringLiteral("1.4285376E9") << qint64(1428537600000000) << s;
    QTest::newRow("milliseconds") << QStringLiteral("1480642020000") << qint64(1480642020000000) << ms;
    QTest::newRow("KDS milliseconds") << QStringLiteral("1731924555370") << qint64(1731924555370000) << ms;
    QTest::newRow("microseconds") << QStringLiteral("1720740233012995") << qint64(1720740233012995) << us;
}

void TestCaptureReader::epochTimes()
{
    QFETCH(QString, text);
    QFETCH(qint64, micros);
    QFETCH(int, unit);
    const auto t = storage::normaliseEpochNumber(text.toStdString());
    QVERIFY(t.micros.has_value());
    QCOMPARE(static_cast<qint64>(*t.micros), micros);
    QCOMPARE(static_cast<int>(t.unit), unit);
    QVERIFY(!storage::normaliseEpochNumber("datetime").micros);
    QCOMPARE(*storage::normaliseTimeString("2015-05-11T21:21:33.291Z").micros, std::int64_t{1431379293291000});
}

void TestCaptureReader::kinesisPrecision()
{
    const ReadAll r = readAll(QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/import/kinesis-us-and-ms.json"));
    QCOMPARE(r.records.size(), std::size_t{2});
    QCOMPARE(r.records[0].table, std::string("KdsTable"));
    QCOMPARE(*r.records[0].creationTimeMicros, std::int64_t{1720740233012995});
    QCOMPARE(r.records[0].creationTimeUnit, storage::TimeUnit::Microseconds);
    QCOMPARE(*r.records[1].creationTimeMicros, std::int64_t{1720740234012000});
    QCOMPARE(r.records[1].creationTimeUnit, storage::TimeUnit::Milliseconds);
    QCOMPARE(r.records[0].eventId, std::string("uuid-1"));
    QVERIFY(r.records[0].sequenceNumber.empty());
    QVERIFY(QString::fromStdString(r.records[0].envelope).contains(QStringLiteral("\"type\":\"kinesis\"")));
    QVERIFY(r.records[0].raw.find("\"tableName\":\"KdsTable\"") != std::string::npos);
    QCOMPARE(std::string(*r.records[0].newImageJson()), std::string(R"({"pk":{"S":"k"},"n":{"N":"1.50"}})"));

    const ReadAll inc = readAll(QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/import/s3-incremental-export.jsonl"));
    QCOMPARE(inc.records.size(), std::size_t{3});
    QCOMPARE(inc.records[0].eventName, model::EventName::Insert);
    QCOMPARE(inc.records[1].eventName, model::EventName::Modify);
    QCOMPARE(inc.records[2].eventName, model::EventName::Remove);
    QCOMPARE(*inc.records[0].creationTimeMicros, std::int64_t{1680109764000000});
    QCOMPARE(*inc.records[1].creationTimeMicros, std::int64_t{1680109765000001});
    QCOMPARE(*inc.records[2].creationTimeMicros, std::int64_t{1680109766000002});

    const ReadAll full = readAll(QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/import/s3-full-export.jsonl"));
    QCOMPARE(full.records.size(), std::size_t{2});
    QCOMPARE(full.records[0].eventName, model::EventName::Snapshot);
    QCOMPARE(std::string(full.records[0].keysJson()), std::string(R"({"pk":{"S":"a"},"sk":{"N":"1"}})"));
    QVERIFY(std::string(*full.records[0].newImageJson()).find("12345678901234567890.123456789") != std::string::npos);

    const ReadAll ttl = readAll(testsupport::samplesDir() + QStringLiteral("/aws-lambda-dotnet/dynamodb-event.json"));
    QCOMPARE(ttl.records.size(), std::size_t{2});
    QVERIFY(!ttl.records[0].ttl);
    QVERIFY(ttl.records[1].ttl);
}

void TestCaptureReader::gzipAndMissingFile()
{
    QTemporaryDir dir;
    const QByteArray plain = fileBytes(QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/import/valid-three-records.json"));
    const QString gzPath = dir.filePath(QStringLiteral("capture.json.gz"));
    gzFile gz = gzopen(gzPath.toLocal8Bit().constData(), "wb");
    QVERIFY(gz);
    QCOMPARE(gzwrite(gz, plain.constData(), static_cast<unsigned>(plain.size())), static_cast<int>(plain.size()));
    gzclose(gz);
    const ReadAll r = readAll(gzPath);
    QCOMPARE(r.records.size(), std::size_t{3});
    // Offsets are in the decompressed stream.
    QCOMPARE(
        QByteArray(r.records[1].raw.c_str()),
        plain.mid(static_cast<qsizetype>(r.records[1].byteOffset), static_cast<qsizetype>(r.records[1].raw.size())));
    const ReadAll missing = readAll(dir.filePath(QStringLiteral("nope.json")));
    QVERIFY(missing.failure.has_value());
}

void TestCaptureReader::recordsArrayWithEnvelopeAfter()
{
    // GetRecords with NextShardIterator after Records, --stream-arn given.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("getrecords.json"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"Records":[{"eventID":"1","eventName":"INSERT","eventSource":"aws:dynamodb","awsRegion":"us-west-2",)"
            R"("dynamodb":{"Keys":{"k":{"N":"1"}},"SequenceNumber":"000123","StreamViewType":"KEYS_ONLY"}}],)"
            R"("NextShardIterator":null})");
    f.close();
    storage::ReadOptions options;
    options.streamArn = "arn:aws:dynamodb:us-west-2:111122223333:table/Forum/stream/2015-05-20T20:51:10.252";
    const ReadAll r = readAll(path, options);
    QCOMPARE(r.records.size(), std::size_t{1});
    QCOMPARE(r.records[0].table, std::string("Forum"));
    QCOMPARE(r.records[0].streamArn, options.streamArn);
    QCOMPARE(r.records[0].sequenceNumber, std::string("000123"));
    QCOMPARE(r.records[0].format, storage::CaptureFormat::GetRecords);
    QCOMPARE(r.records[0].viewType, model::ViewType::KeysOnly);
}

void TestCaptureReader::valueChecksMatchModel()
{
    // The importer's allocation-free checks give the model's answers (Decimal::parse + checkNumber, base64Decode).
    std::vector<std::string> numbers = {"999999999999999999999.2E999999999999999995",
                                        "1E99999999999999999",
                                        "0",
                                        "-0",
                                        "+1",
                                        "1.",
                                        ".5",
                                        ".",
                                        "",
                                        "-",
                                        "1e",
                                        "1e+",
                                        "1E-130",
                                        "1E-131",
                                        "0.1E-129",
                                        "0.01E-129",
                                        "9.9999999999999999999999999999999999999E+125",
                                        "1E+126",
                                        "10E+125",
                                        "0.000",
                                        "000123.4500",
                                        "1e99999999999999999999",
                                        "12345678901234567890123456789012345678",
                                        "123456789012345678901234567890123456789",
                                        "1234567890123456789012345678901234567800000",
                                        "0.00000123456789012345678901234567890123456789",
                                        "0x10",
                                        "NaN",
                                        "1 ",
                                        " 1",
                                        "1e-0",
                                        "-1.5E+3",
                                        "00",
                                        "1.2.3",
                                        "1e1e1"};
    std::uint32_t seed = 12345;
    const auto next = [&seed] {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 8;
    };
    const std::string alphabet = "000000123456789..eE+-";
    for (int i = 0; i < 20000; ++i) {
        std::string text;
        const auto length = next() % 48;
        for (std::uint32_t k = 0; k < length; ++k)
            text.push_back(alphabet[next() % alphabet.size()]);
        numbers.push_back(text);
    }
    for (const auto& text : numbers) {
        // The allocation-free scanner agrees with the exact parse (Decimal::parse, then the range rules).
        const auto parsed = model::Decimal::parse(text);
        const model::NumberProblem exact = parsed ? model::checkNumber(*parsed) : model::NumberProblem::NotANumber;
        QVERIFY2(storage::checkNumberText(text) == exact, text.c_str());
    }
    std::vector<std::string> base64 = {
        "",       "QQ==",     "QQ=",  "QQ",   "Q",       "QUJD",    "QUJ",
        "QUJD=",  "QR==",     "Q===", "====", "a b c",   "***",     "QUJD\n",
        "YWJj\n", "AAAA=AAA", "+/+/", "-_-_", "\x80QUJ", "QUJ\xff", std::string("QU\0D", 4)};
    const std::string b64alphabet = "ABCab01+/=-_ ";
    for (int i = 0; i < 20000; ++i) {
        std::string text;
        const auto length = next() % 12;
        for (std::uint32_t k = 0; k < length; ++k)
            text.push_back(b64alphabet[next() % b64alphabet.size()]);
        base64.push_back(text);
    }
    for (const auto& text : base64)
        QVERIFY2(storage::isValidBase64(text) == model::base64Decode(text).has_value(), text.c_str());
}

void TestCaptureReader::imageValidation_data()
{
    QTest::addColumn<QByteArray>("image");
    QTest::addColumn<QString>("reason"); // "" = accepted
    const auto row = [](const char* name, const QByteArray& image, const char* reason) {
        QTest::newRow(name) << image << QString::fromUtf8(reason);
    };
    // Accepted, as the model accepts them (lenient where FORMATS.md says so; the audit flags some).
    row("string", R"({"a":{"S":"x"}})", "");
    row("escapes", R"({"a\u0062":{"S":"x\"y\u0041"},"c":{"B":"QUJ\u0044"}})", "");
    row("json number N", R"({"a":{"N":1.5e3},"b":{"NS":[1,"2"]}})", "");
    row("empty set", R"({"a":{"SS":[]}})", "");
    row("duplicate set member", R"({"a":{"BS":["QQ==","QQ=="]}})", "");
    row("NULL false", R"({"a":{"NULL":false}})", "");
    row("empty map and list", R"({"a":{"M":{}},"b":{"L":[]}})", "");
    row("38 digits", R"({"a":{"N":"12345678901234567890123456789012345678"}})", "");
    row("32 levels",
        QByteArray(R"({"a":)") + QByteArray(R"({"L":[)").repeated(31) + R"({"M":{}})" + QByteArray("]}").repeated(31)
            + "}",
        "");
    // Refused, with the path.
    row("33 levels",
        QByteArray(R"({"a":)") + QByteArray(R"({"L":[)").repeated(32) + R"({"M":{}})" + QByteArray("]}").repeated(32)
            + "}",
        "NewImage/a/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0: M at nesting level 33");
    row("SS not an array", R"({"tags":{"SS":"x"}})", "NewImage/tags: SS must be an array of strings (found a string)");
    row("two type keys", R"({"a":{"S":"x","N":"1"}})", "NewImage/a: expected exactly one type key, found a second one");
    row("same type key twice", R"({"a":{"N":"1","N":"2"}})", "found a second one");
    row("no type key", R"({"a":{}})", "NewImage/a: expected exactly one type key, found 0");
    row("unknown type key", R"({"a":{"X":"1"}})", "NewImage/a: unknown type key \"X\"");
    row("plain value", R"({"a":"plain"})", "NewImage/a: expected an AttributeValue object");
    row("bad base64 in list", R"({"a":{"L":[{"S":"x"},{"B":"@@"}]}})", "NewImage/a/1: B \"@@\" is not valid base64");
    row("NS member too large", R"({"a":{"M":{"b":{"NS":["1","1e200"]}}}})", "NewImage/a/b/1: NS member \"1e200\"");
    row("BS member not a string", R"({"a":{"BS":["QQ==",5]}})", "NewImage/a/1: BS member must be a string");
    row("BOOL string", R"({"a":{"BOOL":"yes"}})", "NewImage/a: BOOL must be true or false (found a string)");
    row("escaped path", R"({"x/y~z":{"N":"abc"}})", "NewImage/x~1y~0z: N \"abc\" is not a number");
    row("39 digits", R"({"a":{"N":"123456789012345678901234567890123456789"}})", "39 significant digits");
    row("duplicate name", R"({"a":{"S":"x"},"b":{"S":"y"},"a":{"S":"z"}})",
        "NewImage: attribute name \"a\" appears twice");
    row("duplicate escaped name", R"({"ab":{"S":"x"},"a\u0062":{"S":"y"}})", "attribute name \"ab\" appears twice");
    row("duplicate in M", R"({"m":{"M":{"k":{"S":"x"},"k":{"S":"y"}}}})",
        "NewImage/m: attribute name \"k\" appears twice");
}

void TestCaptureReader::imageValidation()
{
    QFETCH(QByteArray, image);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("image.json"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(
        R"({"Records":[{"eventID":"1","eventName":"INSERT","eventSourceARN":"arn:aws:dynamodb:r:1:table/T/stream/s",)"
        R"("dynamodb":{"Keys":{"k":{"N":"1"}},"NewImage":)"
        + image + R"(,"SequenceNumber":"5"}}]})");
    f.close();
    const ReadAll r = readAll(path);
    QVERIFY2(!r.failure, r.failure ? r.failure->reason.c_str() : "");
    if (reason.isEmpty()) {
        QVERIFY2(r.issues.empty(), r.issues.empty() ? "" : r.issues.front().reason.c_str());
        QCOMPARE(r.records.size(), std::size_t{1});
        QCOMPARE(QByteArray(std::string(*r.records[0].newImageJson()).c_str()), image);
        QVERIFY(model::parseItem(*r.records[0].newImageJson()).value.has_value());
    } else {
        QCOMPARE(r.records.size(), std::size_t{0});
        QCOMPARE(r.issues.size(), std::size_t{1});
        QVERIFY2(QString::fromStdString(r.issues[0].reason).startsWith(reason)
                     || QString::fromStdString(r.issues[0].reason).contains(reason),
                 r.issues[0].reason.c_str());
        QCOMPARE(r.issues[0].byteOffset, std::uint64_t{12});
    }
}

// The importer reads all files with one reader (open() again, or openBuffer() for small files read whole): every
// file must read exactly as with a fresh reader, whatever was read before it.
void TestCaptureReader::reusedReaderSameAsFresh()
{
    QStringList files;
    for (const QString& sample : testsupport::publicSampleFiles())
        files << QDir(testsupport::samplesDir()).filePath(sample);
    const QDir fixtures(QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/import"));
    for (const QString& name : fixtures.entryList(QDir::Files, QDir::Name))
        files << fixtures.filePath(name);
    QVERIFY(files.size() > 20);
    // Twice through, forwards and backwards, so every file follows a different one.
    QStringList order = files;
    for (auto it = files.crbegin(); it != files.crend(); ++it)
        order << *it;
    CaptureReader reused;
    int i = 0;
    for (const QString& file : order) {
        const QByteArray bytes = fileBytes(file);
        const bool gzip = bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f
            && static_cast<unsigned char>(bytes[1]) == 0x8b;
        const bool fromMemory = !gzip && (i++ % 2 == 0);
        const ReadAll fresh = readAll(file);
        const ReadAll again = readWith(reused, file, fromMemory ? &bytes : nullptr);
        const std::string got = describe(again), expected = describe(fresh);
        QVERIFY2(got == expected,
                 qPrintable(file + QStringLiteral(":\n") + QString::fromStdString(got) + QStringLiteral("\nvs fresh:\n")
                            + QString::fromStdString(expected)));
    }
}

// RecordSplitter's size hint only sizes its read buffer: whatever the hint (unknown, too small, exact, too big),
// and when one splitter is reset from a small stream to a big one and back, the pieces are the same, the source
// is never asked for more than the buffer, and a small stream gets a small buffer.
void TestCaptureReader::splitterSizeHintOnlySizesBuffer()
{
    // A Lambda event of ~50 records, and a JSON Lines file whose records straddle many 4 KiB reads.
    std::string event = R"({"Records":[)";
    std::string lines;
    for (int i = 0; i < 50; ++i) {
        const std::string record = R"({"eventName":"INSERT","dynamodb":{"Keys":{"Id":{"N":")" + std::to_string(i)
            + R"("}},"NewImage":{"Id":{"N":")" + std::to_string(i) + R"("},"Text":{"S":")" + std::string(200 + i, 'x')
            + R"("}},"SequenceNumber":")" + std::to_string(1000 + i) + R"("}})";
        event += (i ? "," : "") + record;
        lines += record + "\r\n";
    }
    event += R"(],"window":{"start":"x"}})";
    struct Piece
    {
        std::string text;
        std::uint64_t offset;
        int context;
    };
    std::size_t largestAsk = 0;
    const auto split = [&](storage::RecordSplitter& splitter, std::string_view stream) {
        std::vector<Piece> pieces;
        storage::SplitUnit unit;
        storage::SplitError error;
        for (;;) {
            const auto result = splitter.next(unit, error);
            if (result != storage::RecordSplitter::Result::Unit) {
                pieces.push_back({result == storage::RecordSplitter::Result::End ? "end" : error.message,
                                  splitter.bytesConsumed(), -1});
                break;
            }
            pieces.push_back({unit.text, unit.offset, static_cast<int>(unit.context)});
        }
        [&] { QCOMPARE(splitter.bytesConsumed(), std::uint64_t{stream.size()}); }();
        return pieces;
    };
    const auto sourceOf = [&](std::string_view stream, std::size_t& pos) {
        return [&largestAsk, stream, &pos](char* buffer, std::size_t capacity,
                                           std::string&) -> std::optional<std::size_t> {
            largestAsk = std::max(largestAsk, capacity);
            const std::size_t n = std::min(capacity, stream.size() - pos);
            std::memcpy(buffer, stream.data() + pos, n);
            pos += n;
            return n;
        };
    };
    const auto same = [](const std::vector<Piece>& a, const std::vector<Piece>& b) {
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (a[i].text != b[i].text || a[i].offset != b[i].offset || a[i].context != b[i].context)
                return false;
        return true;
    };
    for (const std::string* stream : {&event, &lines}) {
        std::size_t pos = 0;
        storage::RecordSplitter reference(sourceOf(*stream, pos));
        const auto expected = split(reference, *stream);
        QVERIFY(expected.size() > 50);
        QCOMPARE(expected.back().text, std::string("end"));
        for (const std::uint64_t hint : {std::uint64_t{1}, std::uint64_t{stream->size() / 3},
                                         std::uint64_t{stream->size()}, std::uint64_t{stream->size() * 5}}) {
            pos = 0;
            largestAsk = 0;
            storage::RecordSplitter hinted(sourceOf(*stream, pos), storage::kMaxRecordBytes, std::size_t{1} << 20,
                                           hint);
            QVERIFY2(same(split(hinted, *stream), expected), qPrintable(QStringLiteral("hint %1").arg(hint)));
            // The buffer: at least 4 KiB, the whole stream plus one byte when that is less than the chunk size.
            QCOMPARE(largestAsk, std::max<std::size_t>(std::min<std::size_t>(hint + 1, std::size_t{1} << 20), 4096));
        }
    }
    // One splitter reset between streams of different sizes (the buffer grows and is reused).
    std::size_t pos = 0;
    std::string_view current = lines;
    const auto feed = [&](char* buffer, std::size_t capacity, std::string&) -> std::optional<std::size_t> {
        const std::size_t n = std::min(capacity, current.size() - pos);
        std::memcpy(buffer, current.data() + pos, n);
        pos += n;
        return n;
    };
    std::vector<Piece> expectedOf[2];
    for (int i = 0; i < 2; ++i) {
        std::size_t from = 0;
        storage::RecordSplitter fresh(sourceOf(i ? event : lines, from));
        expectedOf[i] = split(fresh, i ? event : lines);
    }
    storage::RecordSplitter reused(feed, storage::kMaxRecordBytes, std::size_t{1} << 20, 10);
    QVERIFY(same(split(reused, lines), expectedOf[0]));
    for (const std::string* stream : {&event, &lines, &event}) {
        current = *stream;
        pos = 0;
        reused.reset(feed, stream == &event ? 0 : stream->size());
        QVERIFY(same(split(reused, *stream), expectedOf[stream == &event ? 1 : 0]));
    }
}

// readBatch's byte bound: records of ~10 KB read with a bound of 25 KB come three at a time (the record reaching
// the bound ends the batch), the last batch holds the rest, and nothing is lost or reordered; without a bound all
// ten come in one batch. (The importer's hand-over batches: 1000 records of 100 KB were 100 MB each.)
void TestCaptureReader::batchBoundedByBytes()
{
    QByteArray content = "{\"Records\":[";
    const QByteArray payload(10000, 'p');
    for (int i = 1; i <= 10; ++i) {
        const QByteArray n = QByteArray::number(i);
        content += (i > 1 ? "," : "") + QByteArray(R"({"eventID":"e)") + n
            + R"(","eventName":"INSERT","eventSource":"aws:dynamodb","awsRegion":"us-east-1","dynamodb":{"Keys":)"
            + R"({"Id":{"N":")" + n + R"("}},"NewImage":{"Id":{"N":")" + n + R"("},"p":{"S":")" + payload
            + R"("}},"SequenceNumber":")" + n + R"(00","SizeBytes":10,"StreamViewType":"NEW_IMAGE"},)"
            + R"("eventSourceARN":"arn:aws:dynamodb:us-east-1:123456789012:table/T/stream/2024-01-01T00:00:00.000"})";
    }
    content += "]}";
    for (const std::size_t bound : {std::size_t{25000}, static_cast<std::size_t>(-1)}) {
        CaptureReader reader;
        reader.openBuffer("big.json", std::string_view(content.constData(), static_cast<std::size_t>(content.size())));
        std::vector<std::size_t> sizes;
        std::vector<storage::CaptureRecord> records;
        std::vector<storage::RecordIssue> issues;
        for (auto status = CaptureReader::Status::More; status == CaptureReader::Status::More;) {
            storage::FileFailure failure;
            const std::size_t before = records.size();
            status = reader.readBatch(records, issues, 1000, failure, bound);
            QVERIFY2(status != CaptureReader::Status::Failed, failure.reason.c_str());
            if (records.size() > before)
                sizes.push_back(records.size() - before);
        }
        QCOMPARE(records.size(), std::size_t{10});
        QVERIFY(issues.empty());
        for (std::size_t i = 0; i < records.size(); ++i)
            QCOMPARE(records[i].recordIndex, static_cast<std::int64_t>(i));
        if (bound == 25000)
            QCOMPARE(sizes, (std::vector<std::size_t>{3, 3, 3, 1}));
        else
            QCOMPARE(sizes, std::vector<std::size_t>{10});
    }
}

QTEST_GUILESS_MAIN(TestCaptureReader)
#include "tst_capturereader.moc"
