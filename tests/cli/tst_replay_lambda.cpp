// `streamscope replay --lambda-handler`: real handlers, unchanged, in our Python and Node.js runners (tests/lambda/):
// a Python handler in the seed's shape (batchItemFailures, context.get_remaining_time_in_millis(), aws_request_id),
// a Node.js handler on the real Powertools for AWS Lambda (TypeScript) BatchProcessor from npm, a CommonJS and a
// callback-style handler. Checked from the binary's --json output: Lambda's checkpoint and retry, the handler's log
// per invocation, one runtime process for the whole replay (a new one only after a timeout), exceptions as function
// errors, and a module that does not load failing the replay with Lambda's reason.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "testsupport.h"

namespace {

QString fixture(const QString& name)
{
    return testsupport::sourceDir() + QStringLiteral("/tests/lambda/") + name;
}

/// Every attempt of a run, in order.
QList<QJsonObject> attemptsOf(const QJsonObject& run)
{
    QList<QJsonObject> attempts;
    for (const auto& b : run.value(QStringLiteral("batches")).toArray()) {
        for (const auto& a : b.toObject().value(QStringLiteral("attempts")).toArray())
            attempts << a.toObject();
    }
    return attempts;
}

/// The numbers after `label` in every log line "… label N …" of all attempts.
QSet<QString> captured(const QList<QJsonObject>& attempts, const QString& pattern)
{
    QSet<QString> values;
    const QRegularExpression re(pattern);
    for (const auto& a : attempts) {
        auto it = re.globalMatch(a.value(QStringLiteral("stderr")).toString());
        while (it.hasNext())
            values.insert(it.next().captured(1));
    }
    return values;
}

/// Within each batch: an attempt after a partial failure starts at the previous attempt's checkpoint (the lowest
/// failed sequence number) and ends where the batch ends.
void verifyCheckpoints(const QJsonObject& run)
{
    for (const auto& bv : run.value(QStringLiteral("batches")).toArray()) {
        const QJsonArray attempts = bv.toObject().value(QStringLiteral("attempts")).toArray();
        for (qsizetype i = 1; i < attempts.size(); ++i) {
            const QJsonObject before = attempts[i - 1].toObject();
            const QJsonObject after = attempts[i].toObject();
            if (before.value(QStringLiteral("verdict")).toString() != QStringLiteral("partial"))
                continue;
            QCOMPARE(after.value(QStringLiteral("firstSequenceNumber")).toString(),
                     before.value(QStringLiteral("checkpoint")).toString());
            QCOMPARE(after.value(QStringLiteral("lastSequenceNumber")).toString(),
                     bv.toObject().value(QStringLiteral("lastSequenceNumber")).toString());
        }
    }
}

} // namespace

class TestReplayLambda : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_store;

    /// `streamscope replay --store S --json ARGS`: the exit code and the run (empty when none was printed).
    QJsonObject replay(const QStringList& args, int& exitCode, QByteArray* err = nullptr)
    {
        const auto r = testsupport::runCli(
            QStringList{QStringLiteral("replay"), QStringLiteral("--store"), m_store, QStringLiteral("--json")} + args,
            180000);
        exitCode = r.exitCode;
        if (err)
            *err = r.err;
        return QJsonDocument::fromJson(r.out).object();
    }

    int runCount()
    {
        const auto r = testsupport::runCli({QStringLiteral("replay"), QStringLiteral("--store"), m_store,
                                            QStringLiteral("--list"), QStringLiteral("--json")});
        return static_cast<int>(QJsonDocument::fromJson(r.out).array().size());
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_SHARED_DIR();
        QVERIFY(m_dir.isValid());
        const QString capture = m_dir.filePath(QStringLiteral("capture"));
        const QString error =
            testsupport::runGenerator({QStringLiteral("--seed"), QStringLiteral("1"), QStringLiteral("--records"),
                                       QStringLiteral("60"), QStringLiteral("--keys"), QStringLiteral("10"),
                                       QStringLiteral("--out"), capture, QStringLiteral("--quiet")});
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_store = m_dir.filePath(QStringLiteral("replay.streamscope"));
        const auto imported =
            testsupport::runCli({QStringLiteral("import"), QStringLiteral("--store"), m_store, capture});
        QVERIFY2(imported.exitCode == 0, imported.err.constData());
    }

    // The seed's shape: partial failures are checkpointed and retried as Lambda does, the handler's log is kept per
    // invocation, and one runtime process (one module load) serves the whole replay.
    void pythonPartialFailures()
    {
        // FAIL_IDS from an --env-file (comments and blank lines skipped); --env wins over it.
        const QString envFile = m_dir.filePath(QStringLiteral("handler.env"));
        QFile file(envFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("# the handler's settings\n\nFAIL_IDS=101\nexport TABLE=\"Orders\"\n");
        file.close();
        int code = -1;
        const QJsonObject run =
            replay({QStringLiteral("--batch-size"), QStringLiteral("20"), QStringLiteral("--max-retries"),
                    QStringLiteral("2"), QStringLiteral("--lambda-handler"), QStringLiteral("app.lambda_handler"),
                    QStringLiteral("--code-dir"), fixture(QStringLiteral("python")), QStringLiteral("--env-file"),
                    envFile, QStringLiteral("--env"), QStringLiteral("FAIL_IDS=106")},
                   code);
        QCOMPARE(code, 1); // the Id 106 records are discarded after their retries
        QCOMPARE(run.value(QStringLiteral("status")).toString(), QStringLiteral("complete"));
        const QJsonArray handler = run.value(QStringLiteral("handler")).toArray();
        QCOMPARE(handler.at(0).toString(), QStringLiteral("--lambda-handler"));
        QCOMPARE(handler.at(1).toString(), QStringLiteral("app.lambda_handler"));
        const QJsonObject counts = run.value(QStringLiteral("counts")).toObject();
        QCOMPARE(counts.value(QStringLiteral("records")).toInt(), 60);
        QVERIFY(counts.value(QStringLiteral("discarded")).toInt() > 0);
        QVERIFY(counts.value(QStringLiteral("succeeded")).toInt() > 0);
        verifyCheckpoints(run);
        for (const auto& bv : run.value(QStringLiteral("batches")).toArray()) {
            for (const auto& r : bv.toObject().value(QStringLiteral("records")).toArray()) {
                const QJsonObject record = r.toObject();
                if (record.value(QStringLiteral("reportedFailures")).toInt() > 0)
                    QCOMPARE(record.value(QStringLiteral("key")).toString(), QStringLiteral("Id=106"));
            }
        }

        const QList<QJsonObject> attempts = attemptsOf(run);
        QCOMPARE(attempts.size(), counts.value(QStringLiteral("attempts")).toInt());
        QVERIFY(attempts.size() >= 6); // 3 batches, each with a partial failure and 2 retries
        QSet<QString> requestIds;
        for (const auto& a : attempts) {
            const QString log = a.value(QStringLiteral("stderr")).toString();
            // Exactly this invocation's log line: its own request id and a remaining time within the 30 s timeout.
            const auto match =
                QRegularExpression(QStringLiteral("request (\\S+) remaining (\\d+) records (\\d+)")).match(log);
            QVERIFY2(match.hasMatch(), qPrintable(log));
            QCOMPARE(log.count(QStringLiteral(" request ")), 1);
            requestIds.insert(match.captured(1));
            QVERIFY(match.captured(2).toInt() > 0 && match.captured(2).toInt() <= 30000);
            const auto range = a.value(QStringLiteral("records")).toArray();
            QCOMPARE(match.captured(3).toInt(), range.at(1).toInt() - range.at(0).toInt());
            QCOMPARE(a.value(QStringLiteral("verdict")).toString(), QStringLiteral("partial"));
        }
        QCOMPARE(requestIds.size(), attempts.size());
        // One warm runtime: every invocation in the same process, the module's top level run once.
        const QSet<QString> pids = captured(attempts, QStringLiteral("(?:^|\\n)pid (\\d+)"));
        QCOMPARE(pids.size(), 1);
        QCOMPARE(captured(attempts, QStringLiteral("init pid (\\d+)")), pids);
        QVERIFY(attempts.front().value(QStringLiteral("stderr")).toString().startsWith(QStringLiteral("init pid")));

        // The run is recorded with the logs: --show RUN gives them back.
        const auto shown = testsupport::runCli(
            {QStringLiteral("replay"), QStringLiteral("--store"), m_store, QStringLiteral("--show"),
             QString::number(run.value(QStringLiteral("id")).toInteger()), QStringLiteral("--json")});
        const QJsonObject recorded = QJsonDocument::fromJson(shown.out).object();
        QCOMPARE(attemptsOf(recorded).size(), attempts.size());
        QCOMPARE(attemptsOf(recorded).back().value(QStringLiteral("stderr")).toString(),
                 attempts.back().value(QStringLiteral("stderr")).toString());
    }

    // An exception is a function error with Lambda's error object; batches without the key succeed.
    void pythonExceptionIsFunctionError()
    {
        int code = -1;
        const QJsonObject run = replay(
            {QStringLiteral("--batch-size"), QStringLiteral("5"), QStringLiteral("--max-retries"), QStringLiteral("0"),
             QStringLiteral("--lambda-handler"), QStringLiteral("app.lambda_handler"), QStringLiteral("--code-dir"),
             fixture(QStringLiteral("python")), QStringLiteral("--env"), QStringLiteral("RAISE_ON_KEY=106")},
            code);
        QCOMPARE(code, 1);
        int failed = 0, succeeded = 0;
        for (const auto& a : attemptsOf(run)) {
            if (a.value(QStringLiteral("verdict")).toString() == QStringLiteral("success")) {
                ++succeeded;
                continue;
            }
            ++failed;
            QCOMPARE(a.value(QStringLiteral("verdict")).toString(), QStringLiteral("batch-failed"));
            QCOMPARE(a.value(QStringLiteral("handler")).toString(), QStringLiteral("function error"));
            QCOMPARE(a.value(QStringLiteral("reason")).toString(),
                     QStringLiteral("function error: ValueError: cannot process Id 106"));
            const QJsonObject error =
                QJsonDocument::fromJson(a.value(QStringLiteral("stdout")).toString().toUtf8()).object();
            QCOMPARE(error.value(QStringLiteral("errorType")).toString(), QStringLiteral("ValueError"));
            QCOMPARE(error.value(QStringLiteral("errorMessage")).toString(), QStringLiteral("cannot process Id 106"));
            const QJsonArray stack = error.value(QStringLiteral("stackTrace")).toArray();
            QVERIFY(!stack.isEmpty());
            QVERIFY(stack.last().toString().contains(QStringLiteral("app.py")));
            QVERIFY(!stack.first().toString().contains(QStringLiteral("lambda_runner"))); // the user's frames only
            QVERIFY(a.value(QStringLiteral("stderr"))
                        .toString()
                        .contains(QStringLiteral("[ERROR] ValueError: cannot process Id 106")));
        }
        QVERIFY(failed > 0);
        QVERIFY(succeeded > 0);
        // An exception does not end the runtime: still one process.
        QCOMPARE(captured(attemptsOf(run), QStringLiteral("(?:^|\\n)pid (\\d+)")).size(), 1);
    }

    // A module that does not load fails the replay at once with Lambda's own wording; no run is recorded.
    void pythonImportErrorFailsReplay_data()
    {
        QTest::addColumn<QString>("handler");
        QTest::addColumn<QString>("reason");
        QTest::addRow("no module") << "missing_module.lambda_handler"
                                   << "Runtime.ImportModuleError: Unable to import module 'missing_module': No "
                                      "module named 'missing_module'";
        QTest::addRow("no function") << "app.no_such_handler"
                                     << "Runtime.HandlerNotFound: Handler 'no_such_handler' missing on module 'app'";
    }

    void pythonImportErrorFailsReplay()
    {
        QFETCH(QString, handler);
        QFETCH(QString, reason);
        const int before = runCount();
        int code = -1;
        QByteArray err;
        const QJsonObject run =
            replay({QStringLiteral("--lambda-handler"), handler, QStringLiteral("--runtime"), QStringLiteral("python"),
                    QStringLiteral("--code-dir"), fixture(QStringLiteral("python"))},
                   code, &err);
        QCOMPARE(code, 3);
        QVERIFY(run.isEmpty());
        QVERIFY2(err.contains(("the handler could not start: " + reason).toUtf8()), err.constData());
        QCOMPARE(runCount(), before);
    }

    // A timed-out invocation kills the runtime; the retry runs in a fresh one (the module loaded again), as in Lambda.
    void timeoutRestartsRuntime()
    {
        const QString marker = m_dir.filePath(QStringLiteral("hung-once"));
        int code = -1;
        const QJsonObject run = replay(
            {QStringLiteral("--batch-size"), QStringLiteral("100"), QStringLiteral("--max-retries"),
             QStringLiteral("1"), QStringLiteral("--timeout"), QStringLiteral("1.5"),
             QStringLiteral("--lambda-handler"), QStringLiteral("app.lambda_handler"), QStringLiteral("--code-dir"),
             fixture(QStringLiteral("python")), QStringLiteral("--env"), QStringLiteral("HANG_ONCE_FILE=") + marker},
            code);
        QCOMPARE(code, 0);
        const QList<QJsonObject> attempts = attemptsOf(run);
        QCOMPARE(attempts.size(), 2);
        QCOMPARE(attempts[0].value(QStringLiteral("handler")).toString(), QStringLiteral("timed out after 1500 ms"));
        QVERIFY(attempts[0]
                    .value(QStringLiteral("stderr"))
                    .toString()
                    .contains(QStringLiteral("Task timed out after 1.50 seconds")));
        QCOMPARE(attempts[1].value(QStringLiteral("verdict")).toString(), QStringLiteral("success"));
        const QSet<QString> inits = captured(attempts, QStringLiteral("init pid (\\d+)"));
        QCOMPARE(inits.size(), 2);
        for (const QString& pid : inits) // the timed-out runtime is gone
            QVERIFY(!QFileInfo::exists(QStringLiteral("/proc/") + pid + QStringLiteral("/stat")));
    }

    // Powertools for AWS Lambda (TypeScript) BatchProcessor + processPartialResponse, from npm and unchanged: after
    // every partial failure the next attempt starts at the lowest failed sequence number, and every record is
    // processed.
    void nodePowertoolsBatchProcessor()
    {
        const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
        const QString npm = QStandardPaths::findExecutable(QStringLiteral("npm"));
        if (node.isEmpty() || npm.isEmpty())
            QSKIP("node/npm are not installed: the Powertools BatchProcessor handler needs them (scripts/test.sh "
                  "installs them)");
        const QString dir = fixture(QStringLiteral("powertools"));
        if (!QFileInfo::exists(dir + QStringLiteral("/node_modules/@aws-lambda-powertools/batch/package.json"))) {
            QProcess install;
            install.setWorkingDirectory(dir);
            install.start(npm, {QStringLiteral("ci"), QStringLiteral("--no-audit"), QStringLiteral("--no-fund")});
            if (!install.waitForFinished(600000) || install.exitCode() != 0)
                QSKIP(qPrintable(QStringLiteral("npm ci of @aws-lambda-powertools/batch failed (no registry?): ")
                                 + QString::fromUtf8(install.readAllStandardError())));
        }
        int code = -1;
        const QJsonObject run =
            replay({QStringLiteral("--batch-size"), QStringLiteral("20"), QStringLiteral("--max-retries"),
                    QStringLiteral("3"), QStringLiteral("--lambda-handler"), QStringLiteral("index.handler"),
                    QStringLiteral("--code-dir"), dir, QStringLiteral("--env"), QStringLiteral("FAIL_IDS=101,106")},
                   code);
        QCOMPARE(code, 0);
        const QJsonObject counts = run.value(QStringLiteral("counts")).toObject();
        QCOMPARE(counts.value(QStringLiteral("succeeded")).toInt(), 60);
        QCOMPARE(run.value(QStringLiteral("handler")).toArray().at(5).toString(), QStringLiteral("node"));
        verifyCheckpoints(run);
        const QList<QJsonObject> attempts = attemptsOf(run);
        int partial = 0;
        for (const auto& a : attempts) {
            if (a.value(QStringLiteral("verdict")).toString() != QStringLiteral("partial"))
                continue;
            ++partial;
            // Powertools reported the failed records; the checkpoint is the lowest of them.
            QStringList failed;
            for (const auto& f : a.value(QStringLiteral("batchItemFailures")).toArray())
                failed << f.toString();
            QVERIFY(!failed.isEmpty());
            QCOMPARE(a.value(QStringLiteral("checkpoint")).toString(), failed.front());
            QCOMPARE(captured({a}, QStringLiteral("failed (\\d+)")), QSet<QString>(failed.begin(), failed.end()));
        }
        QVERIFY(partial > 0);
        QSet<QString> all;
        for (const auto& bv : run.value(QStringLiteral("batches")).toArray()) {
            for (const auto& r : bv.toObject().value(QStringLiteral("records")).toArray())
                all.insert(r.toObject().value(QStringLiteral("sequenceNumber")).toString());
        }
        QCOMPARE(all.size(), 60);
        QCOMPARE(captured(attempts, QStringLiteral("processed (\\d+)")), all);
        QCOMPARE(captured(attempts, QStringLiteral("pid (\\d+) request")).size(), 1);
    }

    // CommonJS (.js without "type": "module"): loaded with require, context fields as Lambda's.
    void nodeCommonJs()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty())
            QSKIP("node is not installed");
        int code = -1;
        const QJsonObject run =
            replay({QStringLiteral("--batch-size"), QStringLiteral("30"), QStringLiteral("--lambda-handler"),
                    QStringLiteral("index.handler"), QStringLiteral("--code-dir"), fixture(QStringLiteral("cjs")),
                    QStringLiteral("--env"), QStringLiteral("AWS_LAMBDA_FUNCTION_NAME=orders")},
                   code);
        QCOMPARE(code, 0);
        const QList<QJsonObject> attempts = attemptsOf(run);
        QCOMPARE(attempts.size(), 4); // each batch: its first record fails once, then the retry succeeds
        QCOMPARE(attempts[0].value(QStringLiteral("verdict")).toString(), QStringLiteral("partial"));
        QCOMPARE(attempts[1].value(QStringLiteral("verdict")).toString(), QStringLiteral("success"));
        verifyCheckpoints(run);
        const QRegularExpression line(QStringLiteral("^cjs (\\d+) orders ([0-9a-f-]{36}) 128\\n$"));
        for (const auto& a : attempts)
            QVERIFY2(line.match(a.value(QStringLiteral("stderr")).toString()).hasMatch(),
                     qPrintable(a.value(QStringLiteral("stderr")).toString()));
        QCOMPARE(captured(attempts, QStringLiteral("cjs (\\d+)")).size(), 1);
    }

    // A callback-style handler (.cjs): callback(null, result) answers; callback(error) is a function error.
    void nodeCallback()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty())
            QSKIP("node is not installed");
        int code = -1;
        QJsonObject run =
            replay({QStringLiteral("--batch-size"), QStringLiteral("30"), QStringLiteral("--lambda-handler"),
                    QStringLiteral("index.handler"), QStringLiteral("--code-dir"), fixture(QStringLiteral("callback"))},
                   code);
        QCOMPARE(code, 0);
        QCOMPARE(run.value(QStringLiteral("counts")).toObject().value(QStringLiteral("succeeded")).toInt(), 60);
        for (const auto& a : attemptsOf(run))
            QVERIFY(a.value(QStringLiteral("stderr")).toString().contains(QStringLiteral("waits=true")));

        run = replay({QStringLiteral("--batch-size"), QStringLiteral("30"), QStringLiteral("--max-retries"),
                      QStringLiteral("0"), QStringLiteral("--lambda-handler"), QStringLiteral("index.handler"),
                      QStringLiteral("--code-dir"), fixture(QStringLiteral("callback")), QStringLiteral("--env"),
                      QStringLiteral("CALLBACK_ERROR=out of range")},
                     code);
        QCOMPARE(code, 1);
        const QList<QJsonObject> attempts = attemptsOf(run);
        QCOMPARE(attempts.size(), 2);
        for (const auto& a : attempts)
            QCOMPARE(a.value(QStringLiteral("reason")).toString(),
                     QStringLiteral("function error: RangeError: out of range"));
    }

    void usageErrors()
    {
        int code = -1;
        replay({QStringLiteral("--lambda-handler"), QStringLiteral("app.lambda_handler"), QStringLiteral("--handler"),
                QStringLiteral("true")},
               code);
        QCOMPARE(code, 2);
        replay({QStringLiteral("--code-dir"), QStringLiteral("."), QStringLiteral("--handler"), QStringLiteral("true")},
               code);
        QCOMPARE(code, 2);
        QByteArray err;
        replay({QStringLiteral("--lambda-handler"), QStringLiteral("app.lambda_handler"), QStringLiteral("--code-dir"),
                fixture(QStringLiteral("python")), QStringLiteral("--env"), QStringLiteral("NOEQUALS")},
               code, &err);
        QCOMPARE(code, 2);
        QVERIFY(err.contains("not KEY=VALUE"));
        replay({QStringLiteral("--lambda-handler"), QStringLiteral("nothing.handler"), QStringLiteral("--code-dir"),
                fixture(QStringLiteral("python"))},
               code, &err);
        QCOMPARE(code, 2); // no nothing.py / nothing.js: the runtime cannot be inferred
        QVERIFY(err.contains("--runtime"));
    }
};

QTEST_GUILESS_MAIN(TestReplayLambda)
#include "tst_replay_lambda.moc"
