// Replay with Lambda's stream failure semantics: response interpretation (ReportBatchItemFailures), checkpoint
// and retry, bisect, and the handler runner against resources/handlers/fail_on_record.py.

#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <csignal>
#include <thread>

#include "storage/exporttestsupport.h"
#include "storage/replay/commandtarget.h"
#include "storage/replay/handlerprocess.h"
#include "storage/replay/lambdaretry.h"
#include "storage/replay/replayer.h"
#include "storage/replay/runtables.h"
#include "storage/store/olderstoresupport.h"
#include "storage/store/schema.h"
#include "testsupport.h"

using storage::BatchReplay;
using storage::BatchResponse;
using storage::HandlerOutcome;
using storage::RecordStatus;

Q_DECLARE_METATYPE(BatchResponse::Verdict)

class TestReplay : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void interpret_data();
    void interpret();
    void partialFailureExhaustsRetries();
    void partialFailureRecoversOnRetry();
    void wholeBatchFailureWithoutBisect();
    void bisectIsolatesPoisonRecord();
    void handlerSuccess();
    void handlerPartialThenSuccess();
    void handlerTotalFailure();
    void handlerTimeout();
    void handlerCrash();
    void handlerBisect();
    void handlerInvalidIdentifiers_data();
    void handlerInvalidIdentifiers();
    void handlerNotFound();
    void handlerIgnoresStdin();
    void runRecordedInStore();
    void olderStoreReadOnlyHasNoRuns();
    void runRecordedInMigratedSchema();
    void failedFirstRunLeavesStoreRecordable();
    void unusableTargetFailsAtOnce();
    void functionErrorReason();
    void stopEndsHandlerGroup();
};

static HandlerOutcome exited(int code, std::string out = {})
{
    HandlerOutcome o;
    o.end = HandlerOutcome::End::Exited;
    o.exitCode = code;
    o.stdoutText = std::move(out);
    return o;
}

static std::string failures(std::initializer_list<const char*> ids)
{
    std::string s = "{\"batchItemFailures\":[";
    bool first = true;
    for (const char* id : ids) {
        s += first ? "" : ",";
        s += std::string("{\"itemIdentifier\":\"") + id + "\"}";
        first = false;
    }
    return s + "]}";
}

void TestReplay::interpret_data()
{
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("stdoutText");
    QTest::addColumn<BatchResponse::Verdict>("verdict");
    QTest::addColumn<QString>("checkpoint");
    using V = BatchResponse::Verdict;
    QTest::addRow("empty response") << 0 << "" << V::Success << "";
    QTest::addRow("whitespace response") << 0 << "\n  \n" << V::Success << "";
    QTest::addRow("null response") << 0 << "null" << V::Success << "";
    QTest::addRow("object without list") << 0 << "{\"ok\":true}" << V::Success << "";
    QTest::addRow("null list") << 0 << "{\"batchItemFailures\":null}" << V::Success << "";
    QTest::addRow("empty list") << 0 << "{\"batchItemFailures\":[]}" << V::Success << "";
    QTest::addRow("one failure") << 0 << QString::fromStdString(failures({"200"})) << V::Partial << "200";
    QTest::addRow("lowest is numeric, not textual")
        << 0 << QString::fromStdString(failures({"1000", "300"})) << V::Partial << "300";
    QTest::addRow("log lines before the response")
        << 0 << "processing...\nstill going\n" + QString::fromStdString(failures({"200"})) + "\n"
        << V::Partial << "200";
    QTest::addRow("null identifier") << 0 << "{\"batchItemFailures\":[{\"itemIdentifier\":null}]}" << V::BatchFailed
                                     << "";
    QTest::addRow("empty identifier") << 0 << "{\"batchItemFailures\":[{\"itemIdentifier\":\"\"}]}" << V::BatchFailed
                                      << "";
    QTest::addRow("bad key name") << 0 << "{\"batchItemFailures\":[{\"itemId\":\"200\"}]}" << V::BatchFailed << "";
    QTest::addRow("unknown identifier") << 0 << QString::fromStdString(failures({"999"})) << V::BatchFailed << "";
    QTest::addRow("one good one unknown")
        << 0 << QString::fromStdString(failures({"200", "999"})) << V::BatchFailed << "";
    QTest::addRow("numeric identifier") << 0 << "{\"batchItemFailures\":[{\"itemIdentifier\":200}]}" << V::BatchFailed
                                        << "";
    QTest::addRow("list not an array") << 0 << "{\"batchItemFailures\":\"200\"}" << V::BatchFailed << "";
    QTest::addRow("not JSON") << 0 << "done" << V::BatchFailed << "";
    QTest::addRow("non-zero exit, good response") << 1 << "{\"batchItemFailures\":[]}" << V::BatchFailed << "";
}

void TestReplay::interpret()
{
    QFETCH(int, exitCode);
    QFETCH(QString, stdoutText);
    QFETCH(BatchResponse::Verdict, verdict);
    QFETCH(QString, checkpoint);
    const auto r =
        storage::interpretResponse(exited(exitCode, stdoutText.toStdString()), {"100", "200", "300", "1000"});
    QCOMPARE(r.verdict, verdict);
    QCOMPARE(QString::fromStdString(r.checkpoint), checkpoint);
    if (verdict == BatchResponse::Verdict::BatchFailed)
        QVERIFY(!r.reason.empty());
}

static std::vector<std::string> seqs(int n)
{
    std::vector<std::string> s;
    s.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        s.push_back(std::to_string(100 + i));
    return s;
}

void TestReplay::partialFailureExhaustsRetries()
{
    // Record 102 always fails: checkpoint at 102, retried twice from there, then discarded with what follows it.
    BatchReplay replay(seqs(5), {2, false});
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    while (!replay.done()) {
        ranges.push_back(replay.nextRange());
        replay.report(exited(0, failures({"102"})));
    }
    QCOMPARE(ranges, (std::vector<std::pair<std::size_t, std::size_t>>{{0, 5}, {2, 5}, {2, 5}}));
    const auto& r = replay.records();
    QCOMPARE(r[0].status, RecordStatus::Succeeded);
    QCOMPARE(r[0].settledAttempt, 1);
    QCOMPARE(r[1].status, RecordStatus::Succeeded);
    QCOMPARE(r[1].deliveries, 1);
    for (int i = 2; i < 5; ++i) {
        QCOMPARE(r[i].status, RecordStatus::Discarded);
        QCOMPARE(r[i].deliveries, 3);
        QCOMPARE(r[i].settledAttempt, 3);
    }
    QCOMPARE(r[2].reportedFailures, 3);
    QCOMPARE(r[3].reportedFailures, 0);
    QCOMPARE(replay.attempts().size(), std::size_t(3));
    QCOMPARE(replay.attempts()[1].retry, 1);
    QCOMPARE(replay.attempts()[2].retry, 2);
}

void TestReplay::partialFailureRecoversOnRetry()
{
    BatchReplay replay(seqs(4), {2, false});
    replay.report(exited(0, failures({"103", "101"})));
    QCOMPARE(replay.nextRange(), (std::pair<std::size_t, std::size_t>{1, 4}));
    replay.report(exited(0, ""));
    QVERIFY(replay.done());
    for (const auto& r : replay.records())
        QCOMPARE(r.status, RecordStatus::Succeeded);
    QCOMPARE(replay.records()[0].deliveries, 1);
    QCOMPARE(replay.records()[1].deliveries, 2);
    QCOMPARE(replay.records()[1].settledAttempt, 2);
    QCOMPARE(replay.records()[3].reportedFailures, 1);
}

void TestReplay::wholeBatchFailureWithoutBisect()
{
    BatchReplay replay(seqs(3), {1, false});
    replay.report(exited(1));
    QCOMPARE(replay.nextRange(), (std::pair<std::size_t, std::size_t>{0, 3}));
    replay.report(exited(1));
    QVERIFY(replay.done());
    for (const auto& r : replay.records()) {
        QCOMPARE(r.status, RecordStatus::Discarded);
        QCOMPARE(r.deliveries, 2);
        QVERIFY(r.lastError.find("function error") != std::string::npos);
    }
    BatchReplay noRetry(seqs(3), {0, false});
    noRetry.report(exited(1));
    QVERIFY(noRetry.done());
    QCOMPARE(noRetry.records()[0].status, RecordStatus::Discarded);
}

void TestReplay::bisectIsolatesPoisonRecord()
{
    // 8 records, record 105 makes the function fail as a whole. Halves are retried without using up retries
    // until the poison record is alone; it is then retried maxRetries times and discarded.
    BatchReplay replay(seqs(8), {1, true});
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    while (!replay.done()) {
        const auto range = replay.nextRange();
        ranges.push_back(range);
        const bool poisoned = range.first <= 5 && 5 < range.second;
        replay.report(exited(poisoned ? 1 : 0));
    }
    const std::vector<std::pair<std::size_t, std::size_t>> expected{{0, 8}, {0, 4}, {4, 8}, {4, 6},
                                                                    {4, 5}, {5, 6}, {5, 6}, {6, 8}};
    QCOMPARE(ranges, expected);
    for (std::size_t i = 0; i < 8; ++i)
        QCOMPARE(replay.records()[i].status, i == 5 ? RecordStatus::Discarded : RecordStatus::Succeeded);
    QCOMPARE(replay.records()[5].deliveries, 5);
    QVERIFY(replay.attempts()[1].afterBisect);
    QCOMPARE(replay.attempts()[6].retry, 1);
}

// ---- with a real handler process ---------------------------------------------------------------------------------

static std::string eventFor(const std::vector<std::string>& sequence, std::size_t begin, std::size_t end)
{
    std::string s = "{\"Records\":[";
    for (std::size_t i = begin; i < end; ++i) {
        if (i > begin)
            s += ',';
        s += "{\"eventID\":\"e" + sequence[i]
            + "\",\"eventName\":\"INSERT\",\"eventVersion\":\"1.1\",\"eventSource\":\"aws:dynamodb\","
              "\"awsRegion\":\"eu-central-1\",\"eventSourceARN\":\"arn:aws:dynamodb:eu-central-1:1:table/T/stream/x\","
              "\"dynamodb\":{\"Keys\":{\"Id\":{\"N\":\""
            + std::to_string(i) + "\"}},\"SequenceNumber\":\"" + sequence[i]
            + "\",\"SizeBytes\":10,\"StreamViewType\":\"KEYS_ONLY\"}}";
    }
    return s + "]}";
}

static QString handlerScript()
{
    return testsupport::sourceDir() + QStringLiteral("/resources/handlers/fail_on_record.py");
}

static storage::HandlerCommand handler(const QStringList& args)
{
    storage::HandlerCommand c;
    c.argv = {STREAMSCOPE_PYTHON, handlerScript().toStdString()};
    for (const auto& a : args)
        c.argv.push_back(a.toStdString());
    return c;
}

static BatchReplay runAll(int n, storage::ReplayPolicy policy, const storage::HandlerCommand& command,
                          std::chrono::milliseconds timeout = std::chrono::milliseconds(20000))
{
    BatchReplay replay(seqs(n), policy);
    while (!replay.done()) {
        const auto [b, e] = replay.nextRange();
        replay.report(storage::runHandler(command, eventFor(replay.sequenceNumbers(), b, e), timeout));
    }
    return replay;
}

void TestReplay::handlerSuccess()
{
    const auto replay = runAll(5, {2, false}, handler({}));
    QCOMPARE(replay.attempts().size(), std::size_t(1));
    const auto& a = replay.attempts()[0];
    QCOMPARE(a.response.verdict, BatchResponse::Verdict::Success);
    QVERIFY(a.handler.ok());
    QVERIFY(a.handler.stderrText.find("record 104 processed") != std::string::npos);
    for (const auto& r : replay.records())
        QCOMPARE(r.status, RecordStatus::Succeeded);
}

void TestReplay::handlerPartialThenSuccess()
{
    QTemporaryDir dir;
    const QString log = dir.filePath(QStringLiteral("log.txt"));
    const auto replay = runAll(
        5, {2, false},
        handler({QStringLiteral("--fail-seq"), QStringLiteral("103"), QStringLiteral("--fail-seq"),
                 QStringLiteral("102"), QStringLiteral("--fail-times"), QStringLiteral("1"), QStringLiteral("--state"),
                 dir.filePath(QStringLiteral("state.json")), QStringLiteral("--log"), log}));
    QCOMPARE(replay.attempts().size(), std::size_t(2));
    QCOMPARE(replay.attempts()[0].response.verdict, BatchResponse::Verdict::Partial);
    QCOMPARE(replay.attempts()[0].response.checkpoint, std::string("102"));
    QFile f(log);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(f.readAll()), QStringLiteral("100 101 102 103 104\n102 103 104\n"));
    for (const auto& r : replay.records())
        QCOMPARE(r.status, RecordStatus::Succeeded);
    QCOMPARE(replay.records()[1].deliveries, 1);
    QCOMPARE(replay.records()[4].deliveries, 2);
}

void TestReplay::handlerTotalFailure()
{
    const auto replay = runAll(4, {1, false},
                               handler({QStringLiteral("--fail-seq"), QStringLiteral("101"), QStringLiteral("--mode"),
                                        QStringLiteral("exit")}));
    QCOMPARE(replay.attempts().size(), std::size_t(2));
    QCOMPARE(replay.attempts()[0].handler.exitCode, 1);
    QVERIFY(replay.attempts()[0].handler.stderrText.find("handler error") != std::string::npos);
    for (const auto& r : replay.records()) {
        QCOMPARE(r.status, RecordStatus::Discarded);
        QCOMPARE(r.deliveries, 2);
    }
}

// A handler that never answers is killed at the timeout (a replay that waited for it would never end: ctest's
// timeout fails the test then), not before it.
void TestReplay::handlerTimeout()
{
    const auto replay = runAll(3, {0, false},
                               handler({QStringLiteral("--fail-seq"), QStringLiteral("100"), QStringLiteral("--mode"),
                                        QStringLiteral("hang")}),
                               std::chrono::milliseconds(1500));
    QCOMPARE(replay.attempts().size(), std::size_t(1));
    QCOMPARE(replay.attempts()[0].handler.end, HandlerOutcome::End::TimedOut);
    QCOMPARE(replay.attempts()[0].handler.signal, SIGKILL);
    QVERIFY2(replay.attempts()[0].handler.durationMs >= 1500,
             std::to_string(replay.attempts()[0].handler.durationMs).c_str());
    QVERIFY(replay.attempts()[0].response.reason.find("timed out") != std::string::npos);
    for (const auto& r : replay.records())
        QCOMPARE(r.status, RecordStatus::Discarded);
}

void TestReplay::handlerCrash()
{
    const auto replay = runAll(3, {0, false},
                               handler({QStringLiteral("--fail-seq"), QStringLiteral("102"), QStringLiteral("--mode"),
                                        QStringLiteral("crash")}));
    QCOMPARE(replay.attempts()[0].handler.end, HandlerOutcome::End::Signaled);
    QCOMPARE(replay.attempts()[0].handler.signal, SIGABRT);
    QVERIFY(replay.attempts()[0].handler.stderrText.find("record 102 failed") != std::string::npos);
    for (const auto& r : replay.records())
        QCOMPARE(r.status, RecordStatus::Discarded);
}

void TestReplay::handlerBisect()
{
    QTemporaryDir dir;
    const QString log = dir.filePath(QStringLiteral("log.txt"));
    const auto replay = runAll(8, {1, true},
                               handler({QStringLiteral("--fail-seq"), QStringLiteral("105"), QStringLiteral("--mode"),
                                        QStringLiteral("exit"), QStringLiteral("--log"), log}));
    QFile f(log);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(f.readAll()),
             QStringLiteral("100 101 102 103 104 105 106 107\n100 101 102 103\n104 105 106 107\n"
                            "104 105\n104\n105\n105\n106 107\n"));
    for (std::size_t i = 0; i < 8; ++i)
        QCOMPARE(replay.records()[i].status, i == 5 ? RecordStatus::Discarded : RecordStatus::Succeeded);
}

void TestReplay::handlerInvalidIdentifiers_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addRow("null") << "null-id";
    QTest::addRow("empty") << "empty-id";
    QTest::addRow("bad key") << "bad-key";
    QTest::addRow("unknown") << "unknown-id";
}

void TestReplay::handlerInvalidIdentifiers()
{
    QFETCH(QString, mode);
    const auto replay = runAll(
        3, {0, false}, handler({QStringLiteral("--fail-seq"), QStringLiteral("101"), QStringLiteral("--mode"), mode}));
    QCOMPARE(replay.attempts().size(), std::size_t(1));
    QCOMPARE(replay.attempts()[0].response.verdict, BatchResponse::Verdict::BatchFailed);
    for (const auto& r : replay.records())
        QCOMPARE(r.status, RecordStatus::Discarded); // complete failure: even the record before it
}

void TestReplay::handlerNotFound()
{
    storage::HandlerCommand c;
    c.argv = {"/nonexistent/handler-binary"};
    const auto o = storage::runHandler(c, "{}", std::chrono::milliseconds(5000));
    QCOMPARE(o.end, HandlerOutcome::End::StartFailed);
    QVERIFY(!o.startError.empty());
}

void TestReplay::handlerIgnoresStdin()
{
    // A handler that never reads a large event must not hang or kill the replay (SIGPIPE).
    storage::HandlerCommand c;
    c.argv = {"true"};
    const std::string big(std::size_t{4} * 1024 * 1024, ' ');
    const auto o = storage::runHandler(c, big, std::chrono::milliseconds(10000));
    QCOMPARE(o.end, HandlerOutcome::End::Exited);
    QCOMPARE(o.exitCode, 0);
    // Arguments are passed as they are, no shell: a ';' is just text.
    c.argv = {"echo", "a;b", "$HOME"};
    const auto e = storage::runHandler(c, "", std::chrono::milliseconds(10000));
    QCOMPARE(e.stdoutText, std::string("a;b $HOME\n"));
}

/// Twelve records of one stream (sequence numbers 1000..1011) loaded into `store`; an error message or empty.
static QString loadOrders(storage::Store& store)
{
    std::vector<exporttest::Rec> records;
    for (int i = 0; i < 12; ++i) {
        exporttest::Rec r;
        r.table = "Orders";
        r.arn = "arn:aws:dynamodb:eu-central-1:1:table/Orders/stream/x";
        r.keysJson = "{\"Id\":{\"N\":\"" + std::to_string(i) + "\"}}";
        r.seq = std::to_string(1000 + i);
        r.newImage = r.keysJson;
        records.push_back(r);
    }
    return QString::fromStdString(exporttest::load(store, records, "fixture"));
}

/// A closed store of schema version 1 (no replay tables) holding loadOrders(); an error message or empty.
static QString version1Store(const std::string& path)
{
    {
        auto store = storage::Store::open(path);
        if (!store)
            return QString::fromStdString(store.error().message);
        if (QString error = loadOrders(*store); !error.isEmpty())
            return error;
    }
    return olderstore::toVersion1(path);
}

void TestReplay::runRecordedInStore()
{
    QTemporaryDir dir;
    auto store = storage::Store::open(dir.filePath(QStringLiteral("s.streamscope")).toStdString());
    QVERIFY2(store, store ? "" : store.error().message.c_str());
    QCOMPARE(loadOrders(*store), QString());
    storage::ReplayOptions options;
    options.handler = handler({QStringLiteral("--fail-seq"), QStringLiteral("1007")});
    options.policy.maxRetries = 1;
    options.limits.maxRecords = 5; // batches 1000-1004, 1005-1009, 1010-1011
    auto run = storage::runReplay(*store, {}, options);
    QVERIFY2(run, run ? "" : run.error().message.c_str());
    QCOMPARE(run->batchCount, std::int64_t(3));
    QCOMPARE(run->recordCount, std::int64_t(12));
    QCOMPARE(run->discarded, std::int64_t(3)); // 1007, 1008, 1009: checkpoint at 1007, retried once, then discarded
    QCOMPARE(run->succeeded, std::int64_t(9));
    QCOMPARE(run->attemptCount, std::int64_t(4));
    QVERIFY(run->id > 0);

    auto runs = storage::listReplayRuns(store->database());
    QVERIFY(runs);
    QCOMPARE(runs->size(), std::size_t(1));
    auto loaded = storage::loadReplayRun(store->database(), run->id);
    QVERIFY(loaded && loaded->has_value());
    const auto& l = **loaded;
    QCOMPARE(l.status, std::string("complete"));
    QCOMPARE(l.batches.size(), std::size_t(3));
    QCOMPARE(l.batches[1].attempts.size(), std::size_t(2));
    QCOMPARE(l.batches[1].attempts[0].verdict, std::string("partial"));
    QCOMPARE(l.batches[1].attempts[0].checkpoint, std::string("1007"));
    QCOMPARE(l.batches[1].attempts[0].failedIdentifiers, std::vector<std::string>{"1007"});
    QVERIFY(l.batches[1].attempts[0].stderrText.find("record 1007 failed") != std::string::npos);
    QCOMPARE(l.batches[1].attempts[1].retry, 1);
    QCOMPARE(l.batches[1].attempts[1].begin, std::int64_t(2));
    const auto& rec = l.batches[1].records;
    QCOMPARE(rec[1].status, storage::RecordStatus::Succeeded);
    QCOMPARE(rec[2].status, storage::RecordStatus::Discarded);
    QCOMPARE(rec[2].reportedFailures, 2);
    QCOMPARE(rec[2].keyText, std::string("Id=7"));
    QCOMPARE(rec[3].status, storage::RecordStatus::Discarded);
    QCOMPARE(rec[3].reportedFailures, 0);
    QCOMPARE(storage::replayRunToJson(l), storage::replayRunToJson(l)); // stable
    const auto j = nlohmann::json::parse(storage::replayRunToJson(l));
    QCOMPARE(j["counts"]["discarded"].get<int>(), 3);
    QCOMPARE(j["batches"][1]["records"][2]["status"].get<std::string>(), std::string("discarded"));
}

void TestReplay::olderStoreReadOnlyHasNoRuns()
{
    // A version-1 store opened read-only cannot be migrated: it lists no runs and has no run to show (no raw SQL
    // error), and a run that would be recorded is refused with a reason; an unrecorded run still works.
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("v1.streamscope")).toStdString();
    QCOMPARE(version1Store(path), QString());
    auto store = storage::Store::open(path, storage::Database::OpenMode::ReadOnly);
    QVERIFY2(store, store ? "" : store.error().message.c_str());
    QCOMPARE(*storage::schemaVersion(store->database()), 1);
    auto runs = storage::listReplayRuns(store->database());
    QVERIFY2(runs, runs ? "" : runs.error().message.c_str());
    QVERIFY(runs->empty());
    auto run = storage::loadReplayRun(store->database(), 1);
    QVERIFY2(run, run ? "" : run.error().message.c_str());
    QVERIFY(!run->has_value());

    storage::ReplayOptions options;
    options.handler = handler({});
    auto recorded = storage::runReplay(*store, {}, options);
    QVERIFY(!recorded);
    QVERIFY2(recorded.error().message.find("older store version") != std::string::npos,
             recorded.error().message.c_str());
    options.record = false;
    auto unrecorded = storage::runReplay(*store, {}, options);
    QVERIFY2(unrecorded, unrecorded ? "" : unrecorded.error().message.c_str());
    QCOMPARE(unrecorded->succeeded, std::int64_t(12));
    QCOMPARE(unrecorded->id, std::int64_t(0));
}

void TestReplay::runRecordedInMigratedSchema()
{
    // Opened read-write, a version-1 store is migrated; a recorded run then writes into the tables the migration
    // made and changes no schema (no table created on first use).
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("v1.streamscope")).toStdString();
    QCOMPARE(version1Store(path), QString());
    auto store = storage::Store::open(path, storage::Database::OpenMode::ReadWriteExisting);
    QVERIFY2(store, store ? "" : store.error().message.c_str());
    storage::Database& db = store->database();
    QCOMPARE(*storage::schemaVersion(db), storage::kSchemaVersion);
    const std::int64_t schemaCookie = *db.queryInt("PRAGMA schema_version");
    storage::ReplayOptions options;
    options.handler = handler({QStringLiteral("--fail-seq"), QStringLiteral("1003")});
    options.policy.maxRetries = 0;
    auto run = storage::runReplay(*store, {}, options);
    QVERIFY2(run, run ? "" : run.error().message.c_str());
    QCOMPARE(*db.queryInt("PRAGMA schema_version"), schemaCookie);
    QCOMPARE(*db.queryInt("SELECT count(*) FROM replay_runs"), std::int64_t(1));
    QCOMPARE(*db.queryInt("SELECT count(*) FROM replay_records"), std::int64_t(12));
    auto loaded = storage::loadReplayRun(db, run->id);
    QVERIFY(loaded && loaded->has_value());
    QCOMPARE((*loaded)->status, std::string("complete"));
    QCOMPARE((*loaded)->discarded, run->discarded);
}

void TestReplay::failedFirstRunLeavesStoreRecordable()
{
    // The store may grow by one page only: the run row fits, the first batch's 1 MB of handler output does not.
    // The failed run must leave the store able to record the next one (once there is room again).
    QTemporaryDir dir;
    auto store = storage::Store::open(dir.filePath(QStringLiteral("full.streamscope")).toStdString());
    QVERIFY2(store, store ? "" : store.error().message.c_str());
    QCOMPARE(loadOrders(*store), QString());
    storage::Database& db = store->database();
    const std::int64_t pages = *db.queryInt("PRAGMA page_count");
    QCOMPARE(*db.queryInt("PRAGMA max_page_count = " + std::to_string(pages + 1)), pages + 1);
    storage::ReplayOptions options;
    options.handler.argv = {STREAMSCOPE_PYTHON, "-c", "import sys; sys.stdin.read(); sys.stderr.write('x' * 1000000)"};
    auto full = storage::runReplay(*store, {}, options);
    QVERIFY2(!full, "a run that cannot fit in the store was recorded");
    QCOMPARE(full.error().code & 0xff, 13); // SQLITE_FULL

    QVERIFY(*db.queryInt("PRAGMA max_page_count = 1073741823") > pages);
    auto run = storage::runReplay(*store, {}, options);
    QVERIFY2(run, run ? "" : run.error().message.c_str());
    auto runs = storage::listReplayRuns(db);
    QVERIFY2(runs, runs ? "" : runs.error().message.c_str());
    QCOMPARE(runs->size(), std::size_t(2));
    QCOMPARE(runs->front().id, run->id);
    QCOMPARE(runs->front().status, std::string("complete"));
    QCOMPARE(runs->back().status, std::string("failed")); // not "running" for ever
    auto loaded = storage::loadReplayRun(db, run->id);
    QVERIFY(loaded && loaded->has_value());
    QCOMPARE((*loaded)->batches.size(), std::size_t(1));
    QCOMPARE((*loaded)->batches[0].attempts.at(0).stderrText.size(), std::size_t(1000000));
}

void TestReplay::unusableTargetFailsAtOnce()
{
    // A handler that cannot start fails the replay with the reason at the first batch: one invocation, the run
    // recorded as failed, never "12 discarded".
    QTemporaryDir dir;
    auto store = storage::Store::open(dir.filePath(QStringLiteral("s.streamscope")).toStdString());
    QVERIFY2(store, store ? "" : store.error().message.c_str());
    QCOMPARE(loadOrders(*store), QString());
    storage::ReplayOptions options;
    options.target = std::make_shared<storage::CommandTarget>(storage::HandlerCommand{{"/nonexistent/handler"}, {}});
    options.limits.maxRecords = 5;
    auto run = storage::runReplay(*store, {}, options);
    QVERIFY2(!run, "a replay into a handler that cannot start succeeded");
    QVERIFY2(run.error().message.find("No such file or directory") != std::string::npos, run.error().message.c_str());
    auto runs = storage::listReplayRuns(store->database());
    QVERIFY(runs && runs->size() == 1);
    QCOMPARE(runs->front().status, std::string("failed"));
    QCOMPARE(runs->front().attemptCount, std::int64_t(1));
    QCOMPARE(runs->front().discarded, std::int64_t(0));
    QCOMPARE(runs->front().handler, std::vector<std::string>{"/nonexistent/handler"});
    auto loaded = storage::loadReplayRun(store->database(), runs->front().id);
    QVERIFY(loaded && loaded->has_value());
    QCOMPARE((*loaded)->batches.size(), std::size_t(1));
    QCOMPARE((*loaded)->batches[0].attempts.at(0).verdict, std::string("failed"));
    QCOMPARE((*loaded)->batches[0].records.at(0).status, RecordStatus::Pending);
}

namespace {
/// A target answering every invocation with a function error, as a runtime or the Invoke API reports it.
class FunctionErrorTarget : public storage::ReplayTarget
{
public:
    HandlerOutcome invoke(std::string_view, const std::string& requestId, std::chrono::milliseconds) override
    {
        requestIds.push_back(requestId);
        HandlerOutcome o;
        o.end = HandlerOutcome::End::FunctionError;
        o.stdoutText = R"({"errorType":"KeyError","errorMessage":"'Id'","stackTrace":[]})";
        o.stderrText = "Traceback ...";
        return o;
    }
    void stop() override { }
    std::vector<std::string> description() const override { return {"--invoke-url", "http://127.0.0.1:1"}; }
    std::vector<std::string> requestIds;
};
} // namespace

void TestReplay::functionErrorReason()
{
    auto target = std::make_shared<FunctionErrorTarget>();
    storage::ReplayOptions options;
    options.target = target;
    options.policy.maxRetries = 1;
    storage::LambdaBatch batch;
    batch.stream = "s";
    batch.table = "T";
    storage::BatchRecord r;
    r.sequenceNumber = "100";
    batch.records.push_back(r);
    auto run = storage::replayBatches(nullptr, {batch}, options, "{}");
    QVERIFY2(run, run ? "" : run.error().message.c_str());
    QCOMPARE(run->status, std::string("complete"));
    QCOMPARE(run->discarded, std::int64_t(1));
    QCOMPARE(run->handler, target->description());
    QCOMPARE(run->batches.at(0).attempts.size(), std::size_t(2));
    QCOMPARE(run->batches[0].attempts[0].reason, std::string("function error: KeyError: 'Id'"));
    QCOMPARE(run->batches[0].attempts[0].stderrText, std::string("Traceback ..."));
    QCOMPARE(target->requestIds.size(), std::size_t(2));
    QCOMPARE(target->requestIds[0].size(), std::size_t(36));
    QVERIFY(target->requestIds[0] != target->requestIds[1]);
}

static bool processAlive(pid_t pid)
{
    // A zombie is gone for our purpose (its parent has not reaped it yet).
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const qsizetype close = text.lastIndexOf(')');
    return close > 0 && text.size() > close + 2 && text.at(close + 2) != 'Z';
}

void TestReplay::stopEndsHandlerGroup()
{
    // A slow handler that started a child of its own: a stop during the invocation ends both at once, the run is
    // recorded with the stopped status and what was done (the first batch), the records of the stopped batch pending.
    QTemporaryDir dir;
    auto store = storage::Store::open(dir.filePath(QStringLiteral("s.streamscope")).toStdString());
    QVERIFY2(store, store ? "" : store.error().message.c_str());
    QCOMPARE(loadOrders(*store), QString());
    const QString pids = dir.filePath(QStringLiteral("pids"));
    storage::ReplayOptions options;
    const std::string script =
        "cat >/dev/null; if [ -e \"$1\" ]; then sleep 60 & echo $$ $! >> \"$1\"; wait; fi; touch \"$1\"";
    options.handler.argv = {"sh", "-c", script, "sh", pids.toStdString()};
    options.limits.maxRecords = 5;
    std::atomic<bool> stop{false};
    options.stopRequested = [&stop] { return stop.load(); };
    options.stoppedStatus = "interrupted";
    std::thread stopper([&] {
        for (int i = 0; i < 1000 && QFileInfo(pids).size() == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        stop = true;
    });
    QElapsedTimer timer;
    timer.start();
    auto run = storage::runReplay(*store, {}, options);
    stopper.join();
    QVERIFY2(run, run ? "" : run.error().message.c_str());
    QVERIFY2(timer.elapsed() < 20000, "the stop did not end the running handler");
    QCOMPARE(run->status, std::string("interrupted"));
    QCOMPARE(run->batchCount, std::int64_t(2));
    QCOMPARE(run->recordCount, std::int64_t(10));
    QCOMPARE(run->succeeded, std::int64_t(5));
    QCOMPARE(run->discarded, std::int64_t(0));
    QCOMPARE(run->attemptCount, std::int64_t(2));
    QCOMPARE(run->batches.at(1).attempts.at(0).verdict, std::string("interrupted"));
    QFile f(pids);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList started = QString::fromUtf8(f.readAll()).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QCOMPARE(started.size(), 2);
    for (const QString& pid : started) {
        // SIGKILL is delivered asynchronously: give the kernel a moment to end a process that was just killed.
        QTRY_VERIFY2_WITH_TIMEOUT(!processAlive(pid.trimmed().toInt()),
                                  qPrintable(QStringLiteral("process %1 outlived the stop").arg(pid)), 3000);
    }
    auto loaded = storage::loadReplayRun(store->database(), run->id);
    QVERIFY(loaded && loaded->has_value());
    QCOMPARE((*loaded)->status, std::string("interrupted"));
    QCOMPARE((*loaded)->batches.size(), std::size_t(2));
    QCOMPARE((*loaded)->batches[1].records.at(0).status, RecordStatus::Pending);
}

QTEST_GUILESS_MAIN(TestReplay)
#include "tst_replay.moc"
