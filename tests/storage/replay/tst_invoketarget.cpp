// The Lambda Invoke API target (--invoke-url) against a loopback stub of our own (invoke_stub.py): a response, a
// partial failure, a function error with X-Amz-Function-Error, the Runtime Interface Emulator's deviations (an error
// object without the header, "Task timed out after", an empty body), a wrong function name (404: the replay fails at
// once), an endpoint that is not running, the per-call timeout and a stop during a call; and which URLs are accepted.

#include <QElapsedTimer>
#include <QProcess>
#include <QTest>
#include <thread>

#include <unistd.h>

#include "storage/replay/invoketarget.h"
#include "storage/replay/lambdaretry.h"
#include "storage/replay/replayer.h"
#include "testsupport.h"

using storage::HandlerOutcome;
using storage::InvokeApiTarget;
using storage::InvokeEndpoint;

namespace {

storage::LambdaBatch batchOf(int n)
{
    storage::LambdaBatch batch;
    batch.stream = "arn:aws:dynamodb:eu-central-1:1:table/T/stream/x";
    batch.table = "T";
    for (int i = 0; i < n; ++i) {
        storage::BatchRecord r;
        r.sequenceNumber = std::to_string(100 + i);
        r.json = R"({"eventName":"INSERT","dynamodb":{"SequenceNumber":")" + r.sequenceNumber + R"("}})";
        batch.records.push_back(r);
    }
    return batch;
}

} // namespace

class TestInvokeTarget : public QObject
{
    Q_OBJECT

    QProcess m_stub;
    QString m_url;

    std::shared_ptr<InvokeApiTarget> target(const std::string& function)
    {
        auto t = InvokeApiTarget::create({m_url.toStdString(), function, false});
        if (!t)
            qFatal("%s", t.error().message.c_str());
        return *t;
    }

    HandlerOutcome invoke(const std::string& function, std::chrono::milliseconds timeout = std::chrono::seconds(20))
    {
        return target(function)->invoke(storage::eventJson(batchOf(3)), "req-1", timeout);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_stub.start(QStringLiteral(STREAMSCOPE_PYTHON),
                     {testsupport::sourceDir() + QStringLiteral("/tests/storage/replay/invoke_stub.py")});
        QVERIFY2(m_stub.waitForStarted(10000), qPrintable(m_stub.errorString()));
        QVERIFY(m_stub.waitForReadyRead(20000));
        const int port = m_stub.readLine().trimmed().toInt();
        QVERIFY(port > 0);
        m_url = QStringLiteral("http://127.0.0.1:%1").arg(port);
    }

    void cleanupTestCase()
    {
        m_stub.kill();
        m_stub.waitForFinished(10000);
    }

    void urls()
    {
        const auto error = [](const InvokeEndpoint& e) {
            auto t = InvokeApiTarget::create(e);
            return t ? std::string() : t.error().message;
        };
        QVERIFY(error({"not a url", "f", false}).find("not a URL") != std::string::npos);
        QVERIFY(error({"ftp://127.0.0.1/", "f", false}).find("http://") != std::string::npos);
        QVERIFY(error({"http://example.com:3002", "f", false}).find("--allow-remote") != std::string::npos);
        QVERIFY(error({"http://127.0.0.1:3002", "", false}).find("--function-name") != std::string::npos);
        QCOMPARE(error({"http://example.com:3002", "f", true}), std::string());
        QCOMPARE(error({"http://localhost:3002", "f", false}), std::string());
        QCOMPARE(error({"http://[::1]:3002", "f", false}), std::string());
        auto full =
            InvokeApiTarget::create({"http://127.0.0.2:9000/2015-03-31/functions/my%20fn/invocations", "", false});
        QVERIFY2(full, full ? "" : full.error().message.c_str());
        QCOMPARE((*full)->invocationsUrl(),
                 std::string("http://127.0.0.2:9000/2015-03-31/functions/my%20fn/invocations"));
        QCOMPARE((*full)->description(),
                 (std::vector<std::string>{"--invoke-url", "http://127.0.0.2:9000", "--function-name", "my fn"}));
        QVERIFY(error({"http://127.0.0.1:9000/2015-03-31/functions/a/invocations", "b", false}).find("differs")
                != std::string::npos);
    }

    void response()
    {
        const auto o = invoke("ok");
        QCOMPARE(o.end, HandlerOutcome::End::Exited);
        QVERIFY(o.ok());
        QCOMPARE(o.stdoutText, std::string(R"({"batchItemFailures":[]})"));
        QCOMPARE(o.stderrText, std::string("START req-1\nhandled 100 101 102\n")); // X-Amz-Log-Result, decoded
    }

    void partialFailureThroughReplayer()
    {
        storage::ReplayOptions options;
        options.target = target("partial");
        options.policy.maxRetries = 1;
        auto run = storage::replayBatches(nullptr, {batchOf(4)}, options, "{}");
        QVERIFY2(run, run ? "" : run.error().message.c_str());
        // 101 failed: checkpoint there, retried from 101; then 102 fails: 101 succeeded, 102 and 103 are discarded
        // after the one retry.
        QCOMPARE(run->attemptCount, std::int64_t(2));
        QCOMPARE(run->batches[0].attempts[0].checkpoint, std::string("101"));
        QCOMPARE(run->batches[0].attempts[1].checkpoint, std::string("102"));
        QCOMPARE(run->succeeded, std::int64_t(2));
        QCOMPARE(run->discarded, std::int64_t(2));
        QVERIFY(run->batches[0].attempts[1].stderrText.find("handled 101 102 103") != std::string::npos);
    }

    void functionErrors_data()
    {
        QTest::addColumn<QString>("function");
        QTest::addColumn<QString>("reason");
        QTest::addRow("X-Amz-Function-Error") << "thrown"
                                              << "function error: Error: boom";
        QTest::addRow("RIE error object without the header") << "rie-error"
                                                             << "function error: ValueError: bad record";
        QTest::addRow("RIE empty body (runtime crashed)") << "rie-crash"
                                                          << "function error: Runtime.ExitError: the runtime ended";
        QTest::addRow("throttled") << "throttled"
                                   << "function error: TooManyRequestsException";
    }

    void functionErrors()
    {
        QFETCH(QString, function);
        QFETCH(QString, reason);
        const auto o = invoke(function.toStdString());
        QCOMPARE(o.end, HandlerOutcome::End::FunctionError);
        const auto response = storage::interpretResponse(o, {"100", "101", "102"});
        QCOMPARE(response.verdict, storage::BatchResponse::Verdict::BatchFailed);
        QVERIFY2(QString::fromStdString(response.reason).startsWith(reason), response.reason.c_str());
    }

    void emulatorTimeout()
    {
        const auto o = invoke("rie-timeout");
        QCOMPARE(o.end, HandlerOutcome::End::TimedOut);
    }

    void wrongFunctionNameFailsAtOnce()
    {
        const auto o = invoke("no-such-function");
        QCOMPARE(o.end, HandlerOutcome::End::StartFailed);
        QVERIFY2(o.startError.find("no-such-function") != std::string::npos, o.startError.c_str());
        QVERIFY2(o.startError.find("ResourceNotFoundException") != std::string::npos, o.startError.c_str());
        storage::ReplayOptions options;
        options.target = target("no-such-function");
        options.policy.maxRetries = 3;
        auto run = storage::replayBatches(nullptr, {batchOf(2), batchOf(2)}, options, "{}");
        QVERIFY2(!run, "a replay into a function that does not exist succeeded");
        QVERIFY2(run.error().message.find("ResourceNotFoundException") != std::string::npos,
                 run.error().message.c_str());
    }

    void endpointNotRunning()
    {
        const int port = testsupport::unusedLoopbackPort();
        QVERIFY(port > 0);
        const std::string url = "http://127.0.0.1:" + std::to_string(port);
        auto t = InvokeApiTarget::create({url, "f", false});
        QVERIFY(t);
        const auto o = (*t)->invoke("{}", "r", std::chrono::seconds(5));
        QCOMPARE(o.end, HandlerOutcome::End::StartFailed);
        QVERIFY2(o.startError.find(url) != std::string::npos && o.startError.find("not running") != std::string::npos,
                 o.startError.c_str());
    }

    void perCallTimeout()
    {
        QElapsedTimer timer;
        timer.start();
        const auto o = invoke("slow", std::chrono::milliseconds(1000));
        QCOMPARE(o.end, HandlerOutcome::End::TimedOut);
        QVERIFY2(timer.elapsed() < 10000, "the call was not ended at its timeout");
    }

    void stopDuringCall()
    {
        auto t = target("slow");
        std::thread stopper([&t] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            t->stop();
        });
        QElapsedTimer timer;
        timer.start();
        const auto o = t->invoke("{}", "r", std::chrono::seconds(25));
        stopper.join();
        QVERIFY(o.stopped);
        QVERIFY2(timer.elapsed() < 10000, "stop() did not end the running call");
    }
};

QTEST_GUILESS_MAIN(TestInvokeTarget)
#include "tst_invoketarget.moc"
