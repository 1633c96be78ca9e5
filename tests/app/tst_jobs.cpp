// ExportJob and ReplayJob (QTEST_GUILESS_MAIN): throttled progress, cancel, a superseded job's outcome dropped,
// errors delivered; with fake seam functions for the mechanics and with the real storage functions for the errors
// a user meets (an unwritable export folder, a missing store, a handler that cannot be started).

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <atomic>

#include "app/viewmodels/exportjob.h"
#include "app/viewmodels/replayjob.h"
#include "ordersfixture.h"
#include "replayfixture.h"

namespace {

/// A fake job body: reports `steps` steps (waiting while `hold` is set), stops when the job says so.
bool runSteps(const UserJob::Progress& progress, int steps, const std::atomic<bool>* hold = nullptr)
{
    for (int i = 1; i <= steps; ++i) {
        while (hold && hold->load())
            QThread::msleep(2);
        if (!progress(i, steps))
            return false;
        QThread::msleep(2);
    }
    return true;
}

ExportOutcome fakeExport(const ExportRequest& request, const UserJob::Progress& progress,
                         const std::atomic<bool>* hold = nullptr)
{
    if (!runSteps(progress, 50, hold))
        return {QStringLiteral("interrupted"), true, std::nullopt};
    storage::ExportReport report;
    report.folder = request.options.folder;
    report.recordsWritten = 50;
    return {QString(), false, report};
}

ExportRequest exportRequest(const QString& store, const QString& folder)
{
    ExportRequest request;
    request.storePath = store;
    request.options.folder = folder.toStdString();
    return request;
}

} // namespace

class TestJobs : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_store;

private Q_SLOTS:
    void initTestCase();
    void exportProgressAndOutcome();
    void exportCancel();
    void exportSupersededOutcomeDropped();
    void exportErrorsDelivered();
    void replayHandlerThatCannotStart();
    void replayErrorsDelivered();
    void replayCancel();
    void replayStopFlagEndsHandler();
    void replayLambdaHandler();
    void replayLambdaHandlerThatCannotStart();
    void replayInvokeApi();
    void replayRunsLoadSuperseded();
};

void TestJobs::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_store = m_dir.filePath(QStringLiteral("s.streamscope"));
    QCOMPARE(appfixture::writeOrdersStore(m_store, 8), QString());
}

void TestJobs::exportProgressAndOutcome()
{
    ExportJob job(nullptr, [](const ExportRequest& r, const UserJob::Progress& p) { return fakeExport(r, p); });
    job.setProgressIntervalMs(0);
    QSignalSpy progress(&job, &ExportJob::progressChanged);
    QSignalSpy finished(&job, &ExportJob::finished);
    QSignalSpy running(&job, &ExportJob::runningChanged);
    job.start(exportRequest(m_store, QStringLiteral("out")));
    QVERIFY(job.isRunning());
    QVERIFY(finished.wait(10'000));
    QVERIFY(!job.isRunning());
    QCOMPARE(running.count(), 2);
    QVERIFY(progress.count() > 10);
    QCOMPARE(progress.last().at(0).toLongLong(), 50); // the last figures arrive
    QCOMPARE(progress.last().at(1).toLongLong(), 50);
    const auto outcome = finished.at(0).at(0).value<ExportOutcome>();
    QVERIFY(outcome.error.isEmpty());
    QVERIFY(!outcome.cancelled);
    QCOMPARE(outcome.report->recordsWritten, std::int64_t(50));

    // Throttled: with a long interval only the first and the final report pass.
    job.setProgressIntervalMs(60'000);
    progress.clear();
    job.start(exportRequest(m_store, QStringLiteral("out")));
    QVERIFY(finished.wait(10'000));
    QCOMPARE(progress.count(), 2);
}

void TestJobs::exportCancel()
{
    ExportJob job(nullptr, [](const ExportRequest& r, const UserJob::Progress& p) { return fakeExport(r, p); });
    QSignalSpy finished(&job, &ExportJob::finished);
    job.start(exportRequest(m_store, QStringLiteral("out")));
    job.cancel();
    QVERIFY(finished.wait(10'000));
    const auto outcome = finished.at(0).at(0).value<ExportOutcome>();
    QVERIFY(outcome.cancelled);
    QVERIFY(!outcome.report);
}

void TestJobs::exportSupersededOutcomeDropped()
{
    std::atomic<bool> hold{true};
    std::atomic<int> stopped{0};
    ExportJob job(nullptr, [&](const ExportRequest& r, const UserJob::Progress& p) {
        ExportOutcome o = fakeExport(r, p, r.options.folder == "first" ? &hold : nullptr);
        if (o.cancelled)
            ++stopped;
        return o;
    });
    job.setProgressIntervalMs(0);
    QSignalSpy finished(&job, &ExportJob::finished);
    job.start(exportRequest(m_store, QStringLiteral("first")));
    job.start(exportRequest(m_store, QStringLiteral("second")));
    QVERIFY(finished.wait(10'000));
    hold = false; // the first one now sees it was superseded
    job.waitForDone();
    QTest::qWait(50);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).value<ExportOutcome>().report->folder, std::string("second"));
    QCOMPARE(stopped.load(), 1); // told to stop at its first progress report
    QVERIFY(!job.isRunning());
}

void TestJobs::exportErrorsDelivered()
{
    ExportJob job; // the real exporter
    QSignalSpy finished(&job, &ExportJob::finished);
    // A folder below a plain file cannot be created (permissions would not stop root).
    QFile plain(m_dir.filePath(QStringLiteral("plain")));
    QVERIFY(plain.open(QIODevice::WriteOnly));
    plain.close();
    job.start(exportRequest(m_store, m_dir.filePath(QStringLiteral("plain/out"))));
    QVERIFY(finished.wait(30'000));
    auto outcome = finished.at(0).at(0).value<ExportOutcome>();
    QVERIFY(!outcome.error.isEmpty());
    QVERIFY(!outcome.cancelled);
    QVERIFY(!outcome.report);

    job.start(
        exportRequest(m_dir.filePath(QStringLiteral("missing.streamscope")), m_dir.filePath(QStringLiteral("o"))));
    QVERIFY(finished.wait(30'000));
    outcome = finished.at(1).at(0).value<ExportOutcome>();
    QVERIFY(!outcome.error.isEmpty());
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("o/manifest.json"))));

    // The real exporter writes; a second export into the folder is an error without force.
    job.start(exportRequest(m_store, m_dir.filePath(QStringLiteral("good"))));
    QVERIFY(finished.wait(30'000));
    QCOMPARE(finished.at(2).at(0).value<ExportOutcome>().report->recordsWritten, std::int64_t(8));
    QVERIFY(!ExportJob::existingExportFiles(m_dir.filePath(QStringLiteral("good"))).isEmpty());
    QVERIFY(!job.runNow(exportRequest(m_store, m_dir.filePath(QStringLiteral("good")))).error.isEmpty());
}

void TestJobs::replayHandlerThatCannotStart()
{
    ReplayJob job; // the real replayer
    QSignalSpy finished(&job, &ReplayJob::finished);
    ReplayRequest request;
    request.storePath = m_store;
    request.handler = {m_dir.filePath(QStringLiteral("no-such-handler"))};
    request.maxRetries = 1;
    job.start(request);
    QVERIFY(finished.wait(60'000));
    const auto outcome = finished.at(0).at(0).value<ReplayOutcome>();
    // The replay fails at once with the reason (never a run of "discarded" records); the run is recorded as failed.
    QVERIFY2(outcome.error.contains(QStringLiteral("no-such-handler")), qPrintable(outcome.error));
    QVERIFY(outcome.targetUnusable);
    QVERIFY(!outcome.run);
    QCOMPARE(outcome.runs.error, QString());
    QCOMPARE(outcome.runs.runs.size(), std::size_t(1));
    QCOMPARE(outcome.runs.runs[0].status, std::string("failed"));
    QCOMPARE(outcome.runs.runs[0].discarded, std::int64_t(0));

    QSignalSpy loaded(&job, &ReplayJob::runsLoaded);
    job.loadRuns(m_store);
    QVERIFY(loaded.wait(30'000));
    const auto runs = loaded.at(0).at(0).value<ReplayRunList>();
    QCOMPARE(runs.runs.size(), std::size_t(1));
    QCOMPARE(runs.runs[0].batches.size(), std::size_t(1));
}

void TestJobs::replayErrorsDelivered()
{
    ReplayJob job;
    QSignalSpy finished(&job, &ReplayJob::finished);
    ReplayRequest request;
    request.storePath = m_dir.filePath(QStringLiteral("missing.streamscope"));
    request.handler = {QStringLiteral("true")};
    job.start(request);
    QVERIFY(finished.wait(30'000));
    QVERIFY(!finished.at(0).at(0).value<ReplayOutcome>().error.isEmpty());
    QVERIFY(!finished.at(0).at(0).value<ReplayOutcome>().run);
    request.storePath = m_store;
    request.handler.clear(); // an empty handler is refused
    job.start(request);
    QVERIFY(finished.wait(30'000));
    QVERIFY(!finished.at(1).at(0).value<ReplayOutcome>().error.isEmpty());

    QSignalSpy loaded(&job, &ReplayJob::runsLoaded);
    job.loadRuns(m_dir.filePath(QStringLiteral("missing.streamscope")));
    QVERIFY(loaded.wait(30'000));
    QVERIFY(!loaded.at(0).at(0).value<ReplayRunList>().error.isEmpty());
}

void TestJobs::replayCancel()
{
    ReplayJob job(nullptr, [](const ReplayRequest&, const UserJob::Progress& progress, ReplayControl&) {
        ReplayOutcome outcome;
        storage::ReplayRunInfo run;
        run.status = runSteps(progress, 500) ? "complete" : "cancelled";
        outcome.cancelled = run.status == "cancelled";
        outcome.run = run;
        return outcome;
    });
    job.setProgressIntervalMs(0);
    QSignalSpy progress(&job, &ReplayJob::progressChanged);
    QSignalSpy finished(&job, &ReplayJob::finished);
    job.start({});
    QVERIFY(progress.wait(10'000));
    job.cancel();
    QVERIFY(finished.wait(10'000));
    const auto outcome = finished.at(0).at(0).value<ReplayOutcome>();
    QVERIFY(outcome.cancelled);
    QCOMPARE(outcome.run->status, std::string("cancelled"));
}

void TestJobs::replayStopFlagEndsHandler()
{
    // Batches of 2: the first two succeed, the third hangs in a handler that started a child. Cancel sets the stop
    // flag: the handler's whole process group ends at once (not after the 30 s timeout) and the run is recorded as
    // interrupted with what was done.
    const QString store = m_dir.filePath(QStringLiteral("stop.streamscope"));
    QCOMPARE(appfixture::writeOrdersStore(store, 8), QString());
    ReplayJob job;
    job.setProgressIntervalMs(0);
    QSignalSpy finished(&job, &ReplayJob::finished);
    QSignalSpy progress(&job, &ReplayJob::progressChanged);
    ReplayRequest request;
    request.storePath = store;
    request.handler = replayfixture::hangingHandler(m_dir.path(), QStringLiteral("stop"), 2);
    request.batchSize = 2;
    job.start(request);
    const QList<qint64> pids = replayfixture::waitForPids(m_dir.path(), QStringLiteral("stop"));
    QCOMPARE(pids.size(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(job.progress().invocations == 2, 10000);
    QVERIFY(progress.count() >= 1);
    const ReplayProgress p = job.progress();
    // The third invocation is the one hanging: the progress names it while it runs (set before the handler starts).
    QCOMPARE(p.batch, 3);
    QCOMPARE(p.attempt, 1);
    QVERIFY(p.running);
    QVERIFY(p.verdict.isEmpty());
    QCOMPARE(p.recordsInDoneBatches, std::int64_t(4));
    QCOMPARE(p.attemptFirst, std::int64_t(1));
    QCOMPARE(p.attemptLast, std::int64_t(2));
    job.cancel();
    QVERIFY(finished.wait(20'000));
    const bool gone = replayfixture::waitGone(pids[0]) && replayfixture::waitGone(pids[1]);
    replayfixture::killAll(pids);
    QVERIFY2(gone, "the handler or its child outlived the stopped replay");
    const auto outcome = finished.at(0).at(0).value<ReplayOutcome>();
    QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
    QVERIFY(outcome.cancelled);
    QVERIFY(outcome.run);
    QCOMPARE(outcome.run->status, std::string("interrupted"));
    QCOMPARE(outcome.run->succeeded, std::int64_t(4));
    QCOMPARE(outcome.run->discarded, std::int64_t(0));
    QCOMPARE(outcome.run->batches.size(), std::size_t(3));
    QCOMPARE(outcome.run->batches[2].attempts.back().verdict, std::string("interrupted"));
    QVERIFY(outcome.run->batches[2].attempts.back().stderrText.find("hanging now") != std::string::npos);
    QCOMPARE(outcome.runs.runs.size(), std::size_t(1));
    QCOMPARE(outcome.runs.runs[0].status, std::string("interrupted"));
}

void TestJobs::replayLambdaHandler()
{
    const QString code = replayfixture::writeFolder(
        m_dir.path(), QStringLiteral("lambda-ok"),
        {{QStringLiteral("app.py"),
          "import os\n"
          "def lambda_handler(event, context):\n"
          "    print('handling', len(event['Records']), 'records', os.environ.get('ORDERS_MODE'))\n"
          "    return {'batchItemFailures': []}\n"}});
    const QString store = m_dir.filePath(QStringLiteral("lambda.streamscope"));
    QCOMPARE(appfixture::writeOrdersStore(store, 8), QString());
    ReplayJob job;
    QSignalSpy finished(&job, &ReplayJob::finished);
    ReplayRequest request;
    request.storePath = store;
    request.target.kind = storage::ReplayTargetKind::LambdaHandler;
    request.target.lambda.handler = "app.lambda_handler";
    request.target.lambda.codeDir = code.toStdString();
    request.target.lambda.environment = {{"ORDERS_MODE", "replayed"}};
    job.start(request);
    QVERIFY(finished.wait(60'000));
    const auto outcome = finished.at(0).at(0).value<ReplayOutcome>();
    QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error + outcome.log));
    QVERIFY(outcome.run);
    QCOMPARE(outcome.run->status, std::string("complete"));
    QCOMPARE(outcome.run->succeeded, std::int64_t(8));
    QCOMPARE(outcome.run->handler.front(), std::string("--lambda-handler"));
    const std::string& log = outcome.run->batches.at(0).attempts.at(0).stderrText;
    QVERIFY2(log.find("handling 8 records replayed") != std::string::npos, log.c_str());
}

void TestJobs::replayLambdaHandlerThatCannotStart()
{
    // A module that does not load fails the replay before the first batch with Lambda's reason and the runtime's
    // output; no run is recorded (as in the CLI).
    const QString code = replayfixture::writeFolder(m_dir.path(), QStringLiteral("lambda-bad"),
                                                    {{QStringLiteral("app.py"),
                                                      "import no_such_module_for_streamscope\n"
                                                      "def lambda_handler(event, context):\n"
                                                      "    return None\n"}});
    const QString store = m_dir.filePath(QStringLiteral("lambda-bad.streamscope"));
    QCOMPARE(appfixture::writeOrdersStore(store, 8), QString());
    ReplayJob job;
    QSignalSpy finished(&job, &ReplayJob::finished);
    ReplayRequest request;
    request.storePath = store;
    request.target.kind = storage::ReplayTargetKind::LambdaHandler;
    request.target.lambda.handler = "app.lambda_handler";
    request.target.lambda.codeDir = code.toStdString();
    job.start(request);
    QVERIFY(finished.wait(60'000));
    const auto outcome = finished.at(0).at(0).value<ReplayOutcome>();
    QVERIFY(!outcome.run);
    QVERIFY(outcome.targetUnusable);
    QVERIFY2(outcome.error.startsWith(QStringLiteral("the handler could not start: ")), qPrintable(outcome.error));
    QVERIFY2(outcome.error.contains(QStringLiteral("no_such_module_for_streamscope")), qPrintable(outcome.error));
    QCOMPARE(outcome.runs.error, QString());
    QCOMPARE(outcome.runs.runs.size(), std::size_t(0));

    // A code folder that is not there is refused before anything starts.
    request.target.lambda.codeDir = m_dir.filePath(QStringLiteral("no-such-folder")).toStdString();
    job.start(request);
    QVERIFY(finished.wait(30'000));
    QVERIFY2(finished.at(1).at(0).value<ReplayOutcome>().error.contains(QStringLiteral("no-such-folder")),
             qPrintable(finished.at(1).at(0).value<ReplayOutcome>().error));
}

void TestJobs::replayInvokeApi()
{
    QProcess stub;
    stub.start(QStringLiteral(STREAMSCOPE_PYTHON),
               {QStringLiteral(STREAMSCOPE_SOURCE_DIR) + QStringLiteral("/tests/storage/replay/invoke_stub.py")});
    QVERIFY2(stub.waitForStarted(10000), qPrintable(stub.errorString()));
    QVERIFY(stub.waitForReadyRead(20000));
    const int port = stub.readLine().trimmed().toInt();
    QVERIFY(port > 0);
    const std::string url = "http://127.0.0.1:" + std::to_string(port);
    const QString store = m_dir.filePath(QStringLiteral("invoke.streamscope"));
    QCOMPARE(appfixture::writeOrdersStore(store, 8), QString());
    ReplayJob job;
    QSignalSpy finished(&job, &ReplayJob::finished);
    ReplayRequest request;
    request.storePath = store;
    request.target.kind = storage::ReplayTargetKind::InvokeApi;
    request.target.endpoint.url = url;
    request.target.endpoint.functionName = "ok";
    request.timeoutMs = 20000;
    job.start(request);
    QVERIFY(finished.wait(60'000));
    auto outcome = finished.at(0).at(0).value<ReplayOutcome>();
    QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
    QCOMPARE(outcome.run->status, std::string("complete"));
    QCOMPARE(outcome.run->succeeded, std::int64_t(8));
    QVERIFY(!outcome.run->batches.at(0).attempts.at(0).stderrText.empty()); // the endpoint's log tail

    // A wrong function name fails the replay at once with the reason, nothing discarded.
    request.target.endpoint.functionName = "no-such-function";
    job.start(request);
    QVERIFY(finished.wait(60'000));
    outcome = finished.at(1).at(0).value<ReplayOutcome>();
    QVERIFY(!outcome.run);
    QVERIFY(outcome.targetUnusable);
    QVERIFY2(outcome.error.contains(QStringLiteral("no-such-function")), qPrintable(outcome.error));
    QCOMPARE(outcome.runs.runs.front().status, std::string("failed"));
    QCOMPARE(outcome.runs.runs.front().discarded, std::int64_t(0));

    // An endpoint that is not running: the same, naming the URL.
    const std::string closed = "http://127.0.0.1:" + std::to_string(testsupport::unusedLoopbackPort());
    request.target.endpoint.url = closed;
    request.target.endpoint.functionName = "ok";
    job.start(request);
    QVERIFY(finished.wait(60'000));
    outcome = finished.at(2).at(0).value<ReplayOutcome>();
    QVERIFY(outcome.targetUnusable);
    QVERIFY2(outcome.error.contains(QString::fromStdString(closed)), qPrintable(outcome.error));
    stub.kill();
    stub.waitForFinished(10000);
}

void TestJobs::replayRunsLoadSuperseded()
{
    std::atomic<bool> hold{true};
    ReplayJob job(nullptr, {}, [&hold](const QString& path) {
        if (path == QStringLiteral("old"))
            while (hold.load())
                QThread::msleep(2);
        ReplayRunList list;
        list.error = path;
        return list;
    });
    QSignalSpy loaded(&job, &ReplayJob::runsLoaded);
    job.loadRuns(QStringLiteral("old"));
    job.loadRuns(QStringLiteral("new"));
    QVERIFY(loaded.wait(10'000));
    hold = false;
    job.waitForDone();
    QTest::qWait(50);
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(loaded.at(0).at(0).value<ReplayRunList>().error, QStringLiteral("new"));
}

QTEST_GUILESS_MAIN(TestJobs)
#include "tst_jobs.moc"
