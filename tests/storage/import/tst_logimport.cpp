// Captures from logs (issue 20): one generated capture logged in every log shape (Python's logging with the Lambda
// runtime's format, Node's util.format with the '\n'->'\r' rule, `aws logs` outputs, CloudWatch exports, subscription
// payloads, and the real Powertools for AWS Lambda (TypeScript) Logger from npm, installed by the test into the build
// folder) imports into exactly the store the capture file itself gives; events that cannot be recovered (cut at
// 256 KB, Node inspect output, a log without events) are reported with their position and never imported in part.

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include "storage/import/captureimporter.h"
#include "storage/store/schema.h"
#include "storage/store/store.h"
#include "testsupport.h"

namespace {

storage::Store openStore(const QString& path)
{
    auto store = storage::Store::open(path.toStdString());
    if (!store)
        qFatal("cannot open store: %s", store.error().message.c_str());
    return std::move(*store);
}

std::string canonical(std::string_view json)
{
    if (json.empty())
        return "-";
    return nlohmann::json::parse(json).dump();
}

/// Every stored record of a store, one line each, in stream order: what a record is (not where it was read from).
QStringList recordsOf(storage::Store& store)
{
    auto statement = store.database().prepare(
        "SELECT coalesce(seq, ''), coalesce(event_id, ''), event_name, coalesce(time_us, -1), ttl, view_type, "
        "coalesce(keys_text, substr(CAST(raw AS BLOB), keys_off + 1, keys_len)), "
        "coalesce(new_text, substr(CAST(raw AS BLOB), new_off + 1, new_len), ''), "
        "coalesce(old_text, substr(CAST(raw AS BLOB), old_off + 1, old_len), ''), "
        "(SELECT name FROM ddb_tables t WHERE t.id = table_id) FROM records ORDER BY stream_id, seq_sort, id");
    if (!statement)
        qFatal("query: %s", statement.error().message.c_str());
    QStringList rows;
    auto error = statement->forEachRow([&rows](storage::Statement& s) {
        std::string row = s.textCopy(0) + "|" + s.textCopy(1) + "|" + std::to_string(s.int64(2)) + "|"
            + std::to_string(s.int64(3)) + "|" + std::to_string(s.int64(4)) + "|" + std::to_string(s.int64(5)) + "|"
            + canonical(s.text(6)) + "|" + canonical(s.text(7)) + "|" + canonical(s.text(8)) + "|" + s.textCopy(9);
        rows << QString::fromStdString(row);
    });
    if (error)
        qFatal("query: %s", error->message.c_str());
    return rows;
}

QString run(const QString& program, const QStringList& arguments)
{
    QProcess p;
    p.start(program, arguments);
    if (!p.waitForFinished(120000))
        return program + QStringLiteral(" did not finish");
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return program + QStringLiteral(" failed: ") + QString::fromUtf8(p.readAllStandardError());
    return {};
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

} // namespace

class TestLogImport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void shapes_data();
    void shapes();
    void powertoolsTypeScriptLogger_data();
    void powertoolsTypeScriptLogger();
    void cloudWatchExportFolder();
    void getLogEventsLargeFirstMessage();
    void getLogEventsEmptyPage();
    void truncatedEvent();
    void nodeInspectLine();
    void logWithoutEvents();
    void pythonReprBoto3Values();
    void pythonReprSyntaxError();
    void provenanceKept_data();
    void provenanceKept();
    void version2StoreGetsProvenanceTable();
    void notALogStaysNotJson();

private:
    /// Imports `paths` into a new store; returns the summary and the store's records.
    storage::ImportSummary importInto(const QString& name, const std::vector<std::string>& paths,
                                      QStringList* records = nullptr);

    QTemporaryDir m_dir;
    QString m_logs;
    QStringList m_reference; ///< the records of the store made from the capture file
};

void TestLogImport::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString capture = m_dir.filePath(QStringLiteral("capture"));
    const QString generated = testsupport::runGenerator(
        {QStringLiteral("--seed"), QStringLiteral("20"), QStringLiteral("--records"), QStringLiteral("60"),
         QStringLiteral("--keys"), QStringLiteral("12"), QStringLiteral("--layout"), QStringLiteral("lambda-batches"),
         QStringLiteral("--batch-size"), QStringLiteral("7"), QStringLiteral("--duplicate-rate"),
         QStringLiteral("0.05"), QStringLiteral("--ttl-rate"), QStringLiteral("0.5"), QStringLiteral("--quiet"),
         QStringLiteral("--out"), capture});
    QVERIFY2(generated.isEmpty(), qPrintable(generated));
    m_logs = m_dir.filePath(QStringLiteral("logs"));
    QVERIFY(QDir().mkpath(m_logs));
    const QString fixtures = QStringLiteral(STREAMSCOPE_SOURCE_DIR "/tests/storage/import/logfixtures");
    QString failed = run(QStringLiteral(STREAMSCOPE_PYTHON), {fixtures + QStringLiteral(".py"), capture, m_logs});
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    failed = run(QStringLiteral("node"), {fixtures + QStringLiteral(".js"), capture, m_logs});
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    const auto summary = importInto(QStringLiteral("reference"), {capture.toStdString()}, &m_reference);
    QCOMPARE(summary.exitCode(), 0);
    QVERIFY(m_reference.size() > 50);
}

storage::ImportSummary TestLogImport::importInto(const QString& name, const std::vector<std::string>& paths,
                                                 QStringList* records)
{
    storage::Store store = openStore(m_dir.filePath(name + QStringLiteral(".streamscope")));
    auto summary = storage::importCaptures(store.database(), paths);
    if (records)
        *records = recordsOf(store);
    return summary;
}

void TestLogImport::shapes_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("shape");
    QTest::addColumn<int>("duplicates"); // records logged twice in the file (beyond the capture's own)
    QTest::newRow("python runtime text + print") << "python-text.log"
                                                 << "lambda-python-text+plain-lines" << 7;
    QTest::newRow("python runtime json") << "python-json.log"
                                         << "lambda-json" << 0;
    QTest::newRow("powertools python") << "powertools-python.log"
                                       << "powertools-python" << 0;
    QTest::newRow("powertools typescript") << "powertools-typescript.log"
                                           << "powertools-typescript" << 0;
    QTest::newRow("node runtime text") << "node-text.log"
                                       << "lambda-node-text" << 7;
    QTest::newRow("node runtime json") << "node-json.log"
                                       << "lambda-json" << 0;
    QTest::newRow("aws logs tail detailed") << "tail-detailed.log"
                                            << "aws-logs-tail-detailed+lambda-node-text" << 7;
    QTest::newRow("aws logs tail short") << "tail-short.log"
                                         << "aws-logs-tail-short+lambda-python-text" << 0;
    QTest::newRow("aws logs tail none") << "tail-none.log"
                                        << "lambda-python-text" << 0;
    QTest::newRow("aws logs tail json") << "tail-json.log"
                                        << "plain-lines" << 0;
    QTest::newRow("filter-log-events pages") << "filter-log-events.json"
                                             << "filter-log-events+lambda-python-text" << 0;
    QTest::newRow("get-log-events pages") << "get-log-events.json"
                                          << "get-log-events+lambda-python-text" << 0;
    QTest::newRow("subscription awslogs event") << "subscription-event.json"
                                                << "lambda-python-text+subscription-awslogs" << 0;
    QTest::newRow("firehose object") << "firehose-object"
                                     << "lambda-python-text" << 0;
}

void TestLogImport::shapes()
{
    QFETCH(QString, file);
    QFETCH(QString, shape);
    QFETCH(int, duplicates);
    QStringList records;
    const auto summary = importInto(QFileInfo(file).baseName(), {QDir(m_logs).filePath(file).toStdString()}, &records);
    QCOMPARE(summary.files.size(), std::size_t{1});
    const auto& r = summary.files.front();
    QVERIFY2(r.status == storage::FileImportResult::Status::Imported,
             r.failure ? r.failure->reason.c_str() : r.notCaptureReason.c_str());
    QVERIFY(r.log.has_value());
    QCOMPARE(QString::fromStdString(r.log->shapeText()), shape);
    QCOMPARE(r.skipped, 0);
    QCOMPARE(r.log->unrecoverable, 0);
    QCOMPARE(records, m_reference);
    QCOMPARE(r.inserted, static_cast<std::int64_t>(m_reference.size()));
    // The capture's own duplicate deliveries, plus the events logged twice.
    const auto reference = importInto(QStringLiteral("reference-again-") + QFileInfo(file).baseName(),
                                      {m_dir.filePath(QStringLiteral("capture")).toStdString()});
    QCOMPARE(r.duplicates, reference.total(&storage::FileImportResult::duplicates) + duplicates);
    if (file == QLatin1String("python-repr.log"))
        QCOMPARE(r.log->reconstructed, r.records);
    else
        QCOMPARE(r.log->reconstructed, 0);
    QCOMPARE(summary.exitCode(), 0);
}

/// npm ci of tests/storage/import/powertools-logger (the real @aws-lambda-powertools/logger) into a cache in the build
/// folder, once per lock file; the folder, or "" with `skip` set when node/npm or the registry are missing.
static QString installPowertoolsLogger(QString& node, QString& skip)
{
    node = QStandardPaths::findExecutable(QStringLiteral("node"));
    const QString npm = QStandardPaths::findExecutable(QStringLiteral("npm"));
    if (node.isEmpty() || npm.isEmpty()) {
        skip = QStringLiteral("node/npm are not installed: the Powertools Logger fixture needs them (scripts/test.sh "
                              "installs them)");
        return {};
    }
    const QString source = QStringLiteral(STREAMSCOPE_SOURCE_DIR "/tests/storage/import/powertools-logger");
    const QString cache = QCoreApplication::applicationDirPath() + QStringLiteral("/npm-cache/powertools-logger");
    QDir().mkpath(cache);
    const QString lock = QStringLiteral("/package-lock.json");
    const bool current = testsupport::fileSha256(source + lock) == testsupport::fileSha256(cache + lock)
        && QFileInfo::exists(cache + QStringLiteral("/node_modules/@aws-lambda-powertools/logger/package.json"));
    for (const QString& name : {QStringLiteral("/package.json"), lock, QStringLiteral("/log.mjs")}) {
        QFile::remove(cache + name);
        if (!QFile::copy(source + name, cache + name))
            qFatal("cannot copy %s into %s", qPrintable(source + name), qPrintable(cache));
    }
    if (!current) {
        QProcess install;
        install.setWorkingDirectory(cache);
        install.start(npm, {QStringLiteral("ci"), QStringLiteral("--no-audit"), QStringLiteral("--no-fund")});
        if (!install.waitForFinished(600000) || install.exitCode() != 0) {
            skip = QStringLiteral("npm ci of @aws-lambda-powertools/logger failed (registry unreachable?): ")
                + QString::fromUtf8(install.readAllStandardError()).left(400);
            return {};
        }
    }
    return cache;
}

void TestLogImport::powertoolsTypeScriptLogger_data()
{
    QTest::addColumn<bool>("dev");
    QTest::newRow("one JSON line per entry") << false;
    QTest::newRow("POWERTOOLS_DEV: indented entries") << true;
}

/// The real Powertools for AWS Lambda (TypeScript) Logger from npm: a handler wrapped by its injectLambdaContext with
/// logEvent, which also logs the event itself with logger.info in four ways (as a member, merged into the entry, as a
/// string extra, as the message) and its records in two (the array, each record); its stdout imports into the capture's
/// store (also with POWERTOOLS_DEV, where the logger indents each entry over many lines).
void TestLogImport::powertoolsTypeScriptLogger()
{
    QFETCH(bool, dev);
    QString node;
    QString skip;
    const QString dir = installPowertoolsLogger(node, skip);
    if (dir.isEmpty())
        QSKIP(qPrintable(skip));
    QFile version(dir + QStringLiteral("/node_modules/@aws-lambda-powertools/logger/package.json"));
    QVERIFY(version.open(QIODevice::ReadOnly));
    qInfo("@aws-lambda-powertools/logger %s",
          qPrintable(QJsonDocument::fromJson(version.readAll()).object().value(QStringLiteral("version")).toString()));
    QProcess logger;
    logger.setWorkingDirectory(dir);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("POWERTOOLS_DEV"));
    if (dev)
        environment.insert(QStringLiteral("POWERTOOLS_DEV"), QStringLiteral("true"));
    logger.setProcessEnvironment(environment);
    logger.start(node, {QStringLiteral("log.mjs"), m_dir.filePath(QStringLiteral("capture"))});
    QVERIFY(logger.waitForFinished(120000));
    QVERIFY2(logger.exitStatus() == QProcess::NormalExit && logger.exitCode() == 0,
             logger.readAllStandardError().constData());
    const QByteArray output = logger.readAllStandardOutput();
    QVERIFY(output.startsWith(dev ? "{\n    \"level\": \"INFO\",\n    \"message\": \"Lambda invocation event\","
                                  : R"({"level":"INFO","message":"Lambda invocation event",)"));
    const QString name = dev ? QStringLiteral("powertools-logger-dev") : QStringLiteral("powertools-logger");
    const QString path = m_dir.filePath(name + QStringLiteral(".log"));
    QVERIFY(writeFile(path, output));

    QStringList records;
    const auto summary = importInto(name, {path.toStdString()}, &records);
    QCOMPARE(summary.files.size(), std::size_t{1});
    const auto& r = summary.files.front();
    QVERIFY2(r.status == storage::FileImportResult::Status::Imported,
             r.failure ? r.failure->reason.c_str() : r.notCaptureReason.c_str());
    QVERIFY(r.log.has_value());
    QCOMPARE(QString::fromStdString(r.log->shapeText()), QStringLiteral("powertools-typescript"));
    QCOMPARE(r.log->logEvents, static_cast<std::int64_t>(output.count(dev ? "\n}\n" : "\n")));
    QCOMPARE(r.log->unrecoverable, 0);
    QCOMPARE(r.skipped, 0);
    QCOMPARE(records, m_reference);
    QCOMPARE(r.inserted, static_cast<std::int64_t>(m_reference.size()));
    const auto reference = importInto(QStringLiteral("reference-again-") + name,
                                      {m_dir.filePath(QStringLiteral("capture")).toStdString()});
    // Invocations 1 to 6 (7 records each) logged twice: by logEvent and by the handler (6: one entry per record).
    QCOMPARE(r.duplicates, reference.total(&storage::FileImportResult::duplicates) + 6 * 7);
    const auto invocations =
        QDir(m_dir.filePath(QStringLiteral("capture"))).entryList({QStringLiteral("*.json")}, QDir::Files).size();
    QCOMPARE(r.log->events, static_cast<std::int64_t>(invocations + 5 + 7));

    // Each record keeps the request ID the logger wrote and the logger's own timestamp.
    storage::Store store = openStore(m_dir.filePath(name + QStringLiteral(".streamscope")));
    const auto first = store.database().queryInt("SELECT min(id) FROM records");
    QVERIFY(first);
    const auto provenance = store.recordProvenance(*first);
    QVERIFY(provenance);
    const QJsonObject p = QJsonDocument::fromJson(QByteArray::fromStdString(*provenance)).object();
    QCOMPARE(p.value(QStringLiteral("requestId")).toString(), QStringLiteral("00000000-7777-8888-9999-000000000000"));
    QVERIFY2(QDateTime::fromString(p.value(QStringLiteral("logTimestamp")).toString(), Qt::ISODateWithMs).isValid(),
             provenance->c_str());
    QCOMPARE(summary.exitCode(), 0);
}

void TestLogImport::cloudWatchExportFolder()
{
    QStringList records;
    const auto summary =
        importInto(QStringLiteral("export"), {QDir(m_logs).filePath("export").toStdString()}, &records);
    QCOMPARE(summary.files.size(), std::size_t{2});
    for (const auto& r : summary.files) {
        if (QFileInfo(QString::fromStdString(r.path)).fileName() == QLatin1String("aws-logs-write-test")) {
            QVERIFY(r.status == storage::FileImportResult::Status::Sidecar);
            QVERIFY(r.notCaptureReason.find("write-test marker") != std::string::npos);
            continue;
        }
        QVERIFY(r.status == storage::FileImportResult::Status::Imported);
        QVERIFY(r.log.has_value());
        QCOMPARE(QString::fromStdString(r.log->shapeText()), QStringLiteral("cloudwatch-export+lambda-python-text"));
    }
    QCOMPARE(records, m_reference);
    QCOMPARE(summary.exitCode(), 0);
}

/// `aws logs get-log-events` whose first message (an event of 80 KB) is longer than the head the importer looks at
/// to tell a log from a capture: read as a log all the same, its record imported with the page's timestamp.
void TestLogImport::getLogEventsLargeFirstMessage()
{
    const std::string record =
        R"({"eventID":"big1","eventName":"INSERT","eventSource":"aws:dynamodb","awsRegion":"eu-west-1",)"
        R"("eventSourceARN":"arn:aws:dynamodb:eu-west-1:123456789012:table/Big/stream/2024-01-01T00:00:00.000",)"
        R"("dynamodb":{"Keys":{"Id":{"N":"1"}},"NewImage":{"Id":{"N":"1"},"pad":{"S":")"
        + std::string(80000, 'p') + R"("}},"SequenceNumber":"500","StreamViewType":"NEW_IMAGE"}})";
    const std::string message =
        "2023-11-14T22:13:20.000Z\t11111111-2222-3333-4444-555555555555\tINFO\t{\"Records\":[" + record + "]}\n";
    nlohmann::ordered_json page = {
        {"events",
         {{{"timestamp", 1700000000000}, {"message", message}, {"ingestionTime", 1700000000250}},
          {{"timestamp", 1700000000001},
           {"message", "END RequestId: 11111111-2222-3333-4444-555555555555\n"},
           {"ingestionTime", 1700000000251}}}},
        {"nextForwardToken", "f/2"},
        {"nextBackwardToken", "b/0"}};
    const nlohmann::json last = {
        {"events", nlohmann::json::array()}, {"nextForwardToken", "f/2"}, {"nextBackwardToken", "b/2"}};
    const QString path = m_dir.filePath(QStringLiteral("get-log-events-large.json"));
    QVERIFY(writeFile(path, QByteArray::fromStdString(page.dump(4) + "\n" + last.dump(4) + "\n")));
    QStringList records;
    const auto summary = importInto(QStringLiteral("get-log-events-large"), {path.toStdString()}, &records);
    const auto& r = summary.files.front();
    QVERIFY2(r.status == storage::FileImportResult::Status::Imported,
             r.failure ? r.failure->reason.c_str() : r.notCaptureReason.c_str());
    QVERIFY(r.log.has_value());
    QCOMPARE(QString::fromStdString(r.log->shapeText()), QStringLiteral("get-log-events+lambda-node-text"));
    QCOMPARE(r.inserted, 1);
    QCOMPARE(r.log->logEvents, 2);
    QCOMPARE(records.size(), 1);
    QVERIFY2(records.front().startsWith(QStringLiteral("500|big1|0|")), qPrintable(records.front().left(60)));
    storage::Store store = openStore(m_dir.filePath(QStringLiteral("get-log-events-large.streamscope")));
    QCOMPARE(QString::fromStdString(*store.recordProvenance(1)),
             QStringLiteral(R"({"logTimestamp":"2023-11-14T22:13:20.000Z",)"
                            R"("requestId":"11111111-2222-3333-4444-555555555555"})"));
    QCOMPARE(summary.exitCode(), 0);
}

/// The page get-log-events ends with (no events, the forward token repeated), on its own: a log without events,
/// said as such, not "not JSON" and not a capture.
void TestLogImport::getLogEventsEmptyPage()
{
    const QString path = m_dir.filePath(QStringLiteral("get-log-events-empty.json"));
    QVERIFY(writeFile(path,
                      "{\n    \"events\": [],\n    \"nextForwardToken\": \"f/2\",\n"
                      "    \"nextBackwardToken\": \"b/2\"\n}\n"));
    const auto summary = importInto(QStringLiteral("get-log-events-empty"), {path.toStdString()});
    const auto& r = summary.files.front();
    QVERIFY(r.status == storage::FileImportResult::Status::NotCapture);
    QVERIFY2(r.notCaptureReason.find("a log with no DynamoDB stream events (0 log event(s) read") == 0,
             r.notCaptureReason.c_str());
    QCOMPARE(summary.exitCode(), 3);
}

/// A 300 KB event logged on one line, cut by CloudWatch at 256 KB: the records that end before the cut are imported
/// (they are whole), the record cut and those after it are lost and reported at the cut.
void TestLogImport::truncatedEvent()
{
    std::string event = R"({"Records":[)";
    std::vector<std::size_t> recordEnds; // offsets in the line where each record's text ends
    const std::string prefix = "2023-11-14T22:13:20.000Z\t11111111-2222-3333-4444-555555555555\tINFO\t";
    for (int i = 0; i < 300; ++i) {
        if (i > 0)
            event += ",";
        event += R"({"eventID":"e)" + std::to_string(i)
            + R"(","eventName":"INSERT","eventSource":"aws:dynamodb","awsRegion":"eu-west-1",)"
              R"("eventSourceARN":"arn:aws:dynamodb:eu-west-1:123456789012:table/Big/stream/2024-01-01T00:00:00.000",)"
              R"("dynamodb":{"Keys":{"Id":{"N":")"
            + std::to_string(i) + R"("}},"NewImage":{"Id":{"N":")" + std::to_string(i) + R"("},"pad":{"S":")"
            + std::string(800, 'x') + R"("}},"SequenceNumber":")" + std::to_string(1000 + i)
            + R"(","StreamViewType":"NEW_IMAGE"}})";
        recordEnds.push_back(prefix.size() + event.size());
    }
    event += "]}";
    QVERIFY(event.size() > 300000);
    const std::size_t kept = storage::kCloudWatchEventBytes - storage::kCloudWatchEventOverhead;
    const std::string line = (prefix + event).substr(0, kept);
    const auto whole = static_cast<std::int64_t>(
        std::count_if(recordEnds.begin(), recordEnds.end(), [&](std::size_t end) { return end <= kept; }));
    QVERIFY(whole > 200 && whole < 300);
    const std::string log = "START RequestId: 11111111-2222-3333-4444-555555555555 Version: $LATEST\n" + line
        + "\nEND RequestId: 11111111-2222-3333-4444-555555555555\n";
    const QString path = m_dir.filePath(QStringLiteral("truncated.log"));
    QVERIFY(writeFile(path, QByteArray::fromStdString(log)));
    const auto summary = importInto(QStringLiteral("truncated"), {path.toStdString()});
    const auto& r = summary.files.front();
    QVERIFY(r.status == storage::FileImportResult::Status::Imported);
    QCOMPARE(r.inserted, whole);
    QCOMPARE(r.skipped, 1);
    QVERIFY(r.log && r.log->truncated == 1 && r.log->unrecoverable == 1);
    const auto& issue = r.skippedRecords.front();
    QVERIFY2(issue.reason.find("truncated by CloudWatch Logs (256 KB)") != std::string::npos, issue.reason.c_str());
    QVERIFY2(issue.reason.find(std::to_string(whole) + " whole record(s) before the cut imported") != std::string::npos,
             issue.reason.c_str());
    const std::size_t lineStart = log.find('\n') + 1;
    QCOMPARE(issue.byteOffset, static_cast<std::uint64_t>(lineStart + kept));
    QCOMPARE(issue.line, std::uint64_t{2});
    QCOMPARE(issue.column, static_cast<std::uint64_t>(kept + 1));
    QCOMPARE(summary.exitCode(), 1);
}

/// console.log(event) without JSON.stringify: reported with its position, nothing imported from it.
void TestLogImport::nodeInspectLine()
{
    const QByteArray log = "START RequestId: r1 Version: $LATEST\n"
                           "2023-11-14T22:13:20.000Z\tr1\tINFO\t{\r  Records: [\r    {\r      eventID: '1',\r"
                           "      eventName: 'INSERT',\r      dynamodb: [Object]\r    }\r  ]\r}\n"
                           "END RequestId: r1\n";
    const QString path = m_dir.filePath(QStringLiteral("inspect.log"));
    QVERIFY(writeFile(path, log));
    const auto summary = importInto(QStringLiteral("inspect"), {path.toStdString()});
    const auto& r = summary.files.front();
    QCOMPARE(r.inserted, 0);
    QCOMPARE(r.skipped, 1);
    QVERIFY(r.log && r.log->unrecoverable == 1 && r.log->events == 1);
    const auto& issue = r.skippedRecords.front();
    QVERIFY2(issue.reason.find("logged without JSON.stringify") != std::string::npos, issue.reason.c_str());
    QVERIFY(issue.reason.find("nested values are lost") != std::string::npos);
    QCOMPARE(issue.line, std::uint64_t{2});
    QCOMPARE(issue.column, std::uint64_t{34}); // the '{' after the runtime prefix
    QCOMPARE(issue.byteOffset, static_cast<std::uint64_t>(log.indexOf("{\r")));
    QCOMPARE(summary.exitCode(), 1);
}

/// A Lambda log whose events hold no stream event: not a capture, said as such (not "not JSON").
void TestLogImport::logWithoutEvents()
{
    const QByteArray log = "START RequestId: r1 Version: $LATEST\n"
                           "2023-11-14T22:13:20.000Z\tr1\tINFO\tprocessing {\"orderId\": 7}\n"
                           "END RequestId: r1\n"
                           "REPORT RequestId: r1\tDuration: 1.00 ms\n";
    const QString path = m_dir.filePath(QStringLiteral("empty.log"));
    QVERIFY(writeFile(path, log));
    const auto summary = importInto(QStringLiteral("empty"), {path.toStdString()});
    const auto& r = summary.files.front();
    QVERIFY(r.status == storage::FileImportResult::Status::NotCapture);
    QVERIFY2(r.notCaptureReason.find("a log with no DynamoDB stream events (4 log event(s) read") == 0,
             r.notCaptureReason.c_str());
    QCOMPARE(r.inserted, 0);
    QCOMPARE(summary.exitCode(), 3);
}

/// A record printed after boto3's deserializer (Decimal, Binary, sets, a tzlocal() time): typed back into DynamoDB
/// JSON exactly, marked reconstructed, the time kept as given and said to be ambiguous.
void TestLogImport::pythonReprBoto3Values()
{
    const QByteArray log =
        "Starting\n"
        "{'Records': [{'eventID': 'r1', 'eventName': 'MODIFY', 'eventSource': 'aws:dynamodb', 'dynamodb': "
        "{'ApproximateCreationDateTime': datetime.datetime(2022, 5, 27, 15, 35, 57, tzinfo=tzlocal()), "
        "'Keys': {'Id': Decimal('7')}, 'NewImage': {'Id': Decimal('7'), 'price': Decimal('1.50'), "
        "'blob': Binary(b'\\x00\\xffA'), 'tags': {'b', 'a'}, 'ok': True, 'gone': None, 'name': 'O\\'Brien \\u00e9', "
        "'nested': {'n': [Decimal('1E+2'), 'x']}}, 'SequenceNumber': '900', 'StreamViewType': 'NEW_IMAGE'}, "
        "'eventSourceARN': 'arn:aws:dynamodb:eu-west-1:123456789012:table/T/stream/2024-01-01T00:00:00.000'}]}\n"
        "Finished\n";
    const QString path = m_dir.filePath(QStringLiteral("boto3.log"));
    QVERIFY(writeFile(path, log));
    QStringList records;
    const auto summary = importInto(QStringLiteral("boto3"), {path.toStdString()}, &records);
    const auto& r = summary.files.front();
    QVERIFY2(r.status == storage::FileImportResult::Status::Imported, r.notCaptureReason.c_str());
    QCOMPARE(r.inserted, 1);
    QVERIFY(r.log && r.log->reconstructed == 1 && r.log->localTimes == 1);
    QCOMPARE(records.size(), 1);
    const QString expectedImage = QString::fromStdString(canonical(
        R"({"Id":{"N":"7"},"price":{"N":"1.50"},"blob":{"B":"AP9B"},"tags":{"SS":["b","a"]},"ok":{"BOOL":true},)"
        R"("gone":{"NULL":true},"name":{"S":"O'Brien é"},"nested":{"M":{"n":{"L":[{"N":"1E+2"},{"S":"x"}]}}}})"));
    QCOMPARE(records.front(),
             QStringLiteral("900|r1|1|-1|0|2|") + QString::fromStdString(canonical(R"({"Id":{"N":"7"}})"))
                 + QStringLiteral("|") + expectedImage + QStringLiteral("|-|T"));
    bool reconstructedNote = false;
    bool zoneNote = false;
    for (const auto& note : r.notes) {
        reconstructedNote = reconstructedNote || note.find("reconstructed from Python output") != std::string::npos;
        zoneNote = zoneNote || note.find("tzinfo=tzlocal()") != std::string::npos;
    }
    QVERIFY(reconstructedNote);
    QVERIFY(zoneNote);
}

/// A printed event that is not a Python literal: reported where the syntax breaks, nothing imported from it.
void TestLogImport::pythonReprSyntaxError()
{
    const QByteArray log =
        "[INFO]\t2023-11-14T22:13:20.000Z\tr1\t{'Records': [{'eventID': '1',, 'eventName': 'INSERT'}]}\n";
    const QString path = m_dir.filePath(QStringLiteral("reprerror.log"));
    QVERIFY(writeFile(path, log));
    const auto summary = importInto(QStringLiteral("reprerror"), {path.toStdString()});
    const auto& r = summary.files.front();
    QCOMPARE(r.inserted, 0);
    QCOMPARE(r.skipped, 1);
    QVERIFY(r.log && r.log->unrecoverable == 1 && r.log->reconstructed == 0);
    const auto& issue = r.skippedRecords.front();
    QVERIFY2(issue.reason.find("Python literal syntax error") != std::string::npos, issue.reason.c_str());
    QCOMPARE(issue.byteOffset, static_cast<std::uint64_t>(log.indexOf(",,") + 1));
    QCOMPARE(issue.line, std::uint64_t{1});
    QCOMPARE(issue.column, static_cast<std::uint64_t>(log.indexOf(",,") + 2));
}

void TestLogImport::provenanceKept_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected"); // provenance of the lowest stored record
    QTest::newRow("tail detailed") << "tail-detailed.log"
                                   << R"({"logStream":"2023/11/14/[$LATEST]0123456789abcdef0123456789abcdef",)"
                                      R"("logTimestamp":"2023-11-14T22:13:20.000000+00:00",)"
                                      R"("requestId":"00000000-4444-5555-6666-000000000000"})";
    QTest::newRow("subscription") << "subscription-event.json"
                                  << R"({"logGroup":"/aws/lambda/orders-handler",)"
                                     R"("logStream":"2023/11/14/[$LATEST]0123456789abcdef0123456789abcdef",)"
                                     R"("logTimestamp":"2023-11-14T22:13:21.000Z",)"
                                     R"("requestId":"00000000-1111-2222-3333-000000000000"})";
    QTest::newRow("get-log-events") << "get-log-events.json"
                                    << R"({"logTimestamp":"2023-11-14T22:13:21.000Z",)"
                                       R"("requestId":"00000000-1111-2222-3333-000000000000"})";
    QTest::newRow("powertools python") << "powertools-python.log"
                                       << R"({"logTimestamp":"2023-11-14 22:13:00,650+0000",)"
                                          R"("requestId":"00000000-1111-2222-3333-000000000000"})";
    QTest::newRow("python repr") << "python-repr.log"
                                 << R"({"reconstructedFrom":"python-repr"})";
}

/// Every record read from a log keeps where it was logged (schema version 3, record_provenance), and the store
/// gives it back per record (history --json shows it).
void TestLogImport::provenanceKept()
{
    QFETCH(QString, file);
    QFETCH(QString, expected);
    const QString name = QStringLiteral("provenance-") + QFileInfo(file).baseName();
    importInto(name, {QDir(m_logs).filePath(file).toStdString()});
    storage::Store store = openStore(m_dir.filePath(name + QStringLiteral(".streamscope")));
    const auto withProvenance =
        store.database().queryInt("SELECT count(*) FROM records r JOIN record_provenance p ON p.record_id = r.id");
    QVERIFY(withProvenance);
    QCOMPARE(*withProvenance, static_cast<std::int64_t>(m_reference.size()));
    const auto first = store.database().queryInt("SELECT min(id) FROM records");
    QVERIFY(first);
    const auto provenance = store.recordProvenance(*first);
    QVERIFY(provenance);
    QCOMPARE(QString::fromStdString(*provenance), expected);
    // Node's '\r' for the newlines of a multi-line message is undone in the record as stored.
    const auto withCarriageReturn =
        store.database().queryInt("SELECT count(*) FROM records WHERE instr(raw, char(13)) > 0");
    QVERIFY(withCarriageReturn);
    QCOMPARE(*withCarriageReturn, std::int64_t{0});
}

/// A store of version 2 (before record_provenance) is migrated forward on a read-write open, records kept; a log then
/// imports into it with provenance.
void TestLogImport::version2StoreGetsProvenanceTable()
{
    const QString file = m_dir.filePath(QStringLiteral("v2.streamscope"));
    importInto(QStringLiteral("v2"), {m_dir.filePath(QStringLiteral("capture")).toStdString()});
    {
        auto db = storage::Database::open(file.toStdString(), storage::Database::OpenMode::ReadWriteExisting);
        QVERIFY(db);
        // Back to version 2: version 7's keys.sort_key, version 6's records_by_key, version 5's wider
        // records_by_event_id, version 4's findings tables and version 3's record_provenance undone.
        QVERIFY(!db->exec("BEGIN; DROP INDEX keys_by_order; DROP INDEX keys_all_by_order; "
                          "ALTER TABLE keys DROP COLUMN sort_key; DROP INDEX records_by_key; CREATE INDEX "
                          "records_by_key ON records(key_id); "
                          "DROP INDEX records_by_event_id; "
                          "CREATE INDEX records_by_event_id ON records(event_id) WHERE seq_sort IS NULL; "
                          "DROP TABLE findings; DROP TABLE audit_coverage; DROP TABLE record_provenance; "
                          "PRAGMA user_version = 2; COMMIT;"));
    }
    {
        auto readOnly = storage::Store::open(file.toStdString(), storage::Database::OpenMode::ReadOnly);
        QVERIFY(readOnly);
        QCOMPARE(*readOnly->recordProvenance(1), std::string()); // an older store: no provenance, no error
    }
    QStringList records;
    const auto summary = importInto(QStringLiteral("v2"),
                                    {QDir(m_logs).filePath(QStringLiteral("node-text.log")).toStdString()}, &records);
    QCOMPARE(records, m_reference);
    storage::Store store = openStore(file);
    QCOMPARE(*store.database().queryInt("PRAGMA user_version"), std::int64_t{storage::kSchemaVersion});
    QCOMPARE(*store.database().queryInt("SELECT count(*) FROM record_provenance"), std::int64_t{0}); // all duplicates
    QCOMPARE(summary.files.front().inserted, 0);
}

/// Text that is no log keeps its verdict.
void TestLogImport::notALogStaysNotJson()
{
    const QString path = m_dir.filePath(QStringLiteral("notes.txt"));
    QVERIFY(writeFile(path, "Some notes about the capture\nnothing else\n"));
    const auto summary = importInto(QStringLiteral("notes"), {path.toStdString()});
    const auto& r = summary.files.front();
    QVERIFY(r.status == storage::FileImportResult::Status::NotCapture);
    QVERIFY2(r.notCaptureReason.rfind("not JSON", 0) == 0, r.notCaptureReason.c_str());
    QVERIFY(!r.log);
}

QTEST_GUILESS_MAIN(TestLogImport)
#include "tst_logimport.moc"
