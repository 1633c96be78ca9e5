// ExportJob and ReplayJob (QTEST_GUILESS_MAIN): throttled progress, cancel, a superseded job's outcome dropped,
// errors delivered; with fake seam functions for the mechanics and with the real storage functions for the errors
// a user meets (an unwritable export folder, a missing store, a handler that cannot be started).

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <atomic>

#include "app/viewmodels/exportjob.h"
#include "app/viewmodels/replayjob.h"
#include "ordersfixture.h"

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
    ReplayJob job(nullptr, [](const ReplayRequest&, const UserJob::Progress& progress) {
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
