// `replay --invoke-url` against a real local endpoint: serverless-offline run by the osls CLI, both installed from npm
// by this test (tests/invoke-endpoint, npm ci), serving a Node and a Python handler on 127.0.0.1 (free ports; the
// whole process group is killed at the end). Partial failures are checkpointed and retried from the lowest failed
// sequence number, a thrown error (200 + X-Amz-Function-Error: Unhandled) fails the batch with "errorType:
// errorMessage", a wrong function name (404 ResourceNotFoundException) fails the replay at once. Without node, npm,
// python3 or the registry the test is skipped with the reason.

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

#include <unistd.h>

#include "testsupport.h"

namespace {

} // namespace

class TestInvokeEndpoint : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QProcess m_server;
    QString m_url;
    QString m_store;
    QString m_skip; ///< why the endpoint could not be started ("" when it runs)

    QString path(const QString& name) const { return m_dir.filePath(name); }

    /// npm ci into tests/invoke-endpoint (once); "" or why not.
    static QString install()
    {
        const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
        const QString npm = QStandardPaths::findExecutable(QStringLiteral("npm"));
        if (node.isEmpty() || npm.isEmpty())
            return QStringLiteral("node/npm are not installed (scripts/test.sh installs them)");
        if (QStandardPaths::findExecutable(QStringLiteral("python3")).isEmpty())
            return QStringLiteral("python3 is not on PATH (serverless-offline runs Python handlers with it)");
        const QString folder = testsupport::sourceDir() + QStringLiteral("/tests/invoke-endpoint");
        if (QFileInfo::exists(folder + QStringLiteral("/node_modules/serverless-offline/package.json"))
            && QFileInfo::exists(folder + QStringLiteral("/node_modules/.bin/osls")))
            return {};
        QProcess ci;
        ci.setWorkingDirectory(folder);
        ci.start(npm, {QStringLiteral("ci"), QStringLiteral("--no-audit"), QStringLiteral("--no-fund")});
        if (!ci.waitForFinished(600000) || ci.exitCode() != 0)
            return QStringLiteral("npm ci of osls and serverless-offline failed (registry unreachable?): ")
                + QString::fromUtf8(ci.readAllStandardError().right(2000));
        return {};
    }

    /// Copies the service beside node_modules' link into the temporary folder and starts `osls offline` in its own
    /// process group on free loopback ports; "" or why not.
    QString startServer()
    {
        const QString source = testsupport::sourceDir() + QStringLiteral("/tests/invoke-endpoint");
        const QString service = path(QStringLiteral("service"));
        QDir().mkpath(service);
        for (const char* name : {"serverless.yml", "index.mjs", "app.py", "package.json"}) {
            if (!QFile::copy(source + QLatin1Char('/') + QLatin1String(name),
                             service + QLatin1Char('/') + QLatin1String(name)))
                return QStringLiteral("cannot copy %1").arg(QLatin1String(name));
        }
        if (!QFile::link(source + QStringLiteral("/node_modules"), service + QStringLiteral("/node_modules")))
            return QStringLiteral("cannot link node_modules");
        const int lambdaPort = testsupport::unusedLoopbackPort();
        m_server.setWorkingDirectory(service);
        m_server.setProcessChannelMode(QProcess::MergedChannels);
        m_server.setChildProcessModifier([] { ::setsid(); }); // its own process group: killed whole at the end
        m_server.start(source + QStringLiteral("/node_modules/.bin/osls"),
                       {QStringLiteral("offline"), QStringLiteral("start"), QStringLiteral("--host"),
                        QStringLiteral("127.0.0.1"), QStringLiteral("--lambdaPort"), QString::number(lambdaPort),
                        QStringLiteral("--httpPort"), QString::number(testsupport::unusedLoopbackPort()),
                        QStringLiteral("--websocketPort"), QString::number(testsupport::unusedLoopbackPort()),
                        QStringLiteral("--albPort"), QString::number(testsupport::unusedLoopbackPort())});
        if (!m_server.waitForStarted(20000))
            return QStringLiteral("osls did not start: ") + m_server.errorString();
        QByteArray output;
        QElapsedTimer timer;
        timer.start();
        while (!output.contains("listening on http://127.0.0.1:" + QByteArray::number(lambdaPort))) {
            if (m_server.state() != QProcess::Running || timer.elapsed() > 120000)
                return QStringLiteral("serverless-offline did not come up: ") + QString::fromUtf8(output);
            m_server.waitForReadyRead(500);
            output += m_server.readAll();
        }
        m_url = QStringLiteral("http://127.0.0.1:%1").arg(lambdaPort);
        return {};
    }

    testsupport::CliRun replay(const QString& function, const QStringList& extra = {})
    {
        return testsupport::runCli(QStringList{QStringLiteral("replay"), QStringLiteral("--store"), m_store,
                                               QStringLiteral("--batch-size"), QStringLiteral("10"),
                                               QStringLiteral("--invoke-url"), m_url, QStringLiteral("--function-name"),
                                               QStringLiteral("streamscope-replay-dev-") + function}
                                       + extra,
                                   300000);
    }

    QJsonObject lastRun()
    {
        const auto list = testsupport::runCli({QStringLiteral("replay"), QStringLiteral("--store"), m_store,
                                               QStringLiteral("--list"), QStringLiteral("--json")});
        const int id = QJsonDocument::fromJson(list.out).array().at(0)[QStringLiteral("id")].toInt();
        const auto show =
            testsupport::runCli({QStringLiteral("replay"), QStringLiteral("--store"), m_store, QStringLiteral("--show"),
                                 QString::number(id), QStringLiteral("--json")});
        return QJsonDocument::fromJson(show.out).object();
    }

    /// Every batch that reported a failure was retried from the lowest failed sequence number, and every record was
    /// delivered at least once.
    static void checkCheckpoints(const QJsonObject& run)
    {
        int partial = 0;
        for (const auto& b : run[QStringLiteral("batches")].toArray()) {
            const QJsonArray attempts = b[QStringLiteral("attempts")].toArray();
            for (qsizetype i = 0; i + 1 < attempts.size(); ++i) {
                if (attempts[i][QStringLiteral("verdict")].toString() != QStringLiteral("partial"))
                    continue;
                ++partial;
                QCOMPARE(attempts[i + 1][QStringLiteral("firstSequenceNumber")].toString(),
                         attempts[i][QStringLiteral("checkpoint")].toString());
            }
            for (const auto& r : b[QStringLiteral("records")].toArray())
                QVERIFY(r[QStringLiteral("deliveries")].toInt() >= 1);
        }
        QVERIFY2(partial > 0, "no partial failure was reported");
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_SHARED_DIR();
        m_skip = install();
        if (m_skip.isEmpty())
            m_skip = startServer();
        if (!m_skip.isEmpty())
            return;
        const QString captures = path(QStringLiteral("captures"));
        QCOMPARE(testsupport::runGenerator({QStringLiteral("--seed"), QStringLiteral("7"), QStringLiteral("--records"),
                                            QStringLiteral("40"), QStringLiteral("--keys"), QStringLiteral("4"),
                                            QStringLiteral("--quiet"), QStringLiteral("--out"), captures}),
                 QString());
        m_store = path(QStringLiteral("s.streamscope"));
        const auto imported =
            testsupport::runCli({QStringLiteral("import"), QStringLiteral("--store"), m_store, captures});
        QVERIFY2(imported.exitCode == 0, imported.err.constData());
    }

    void cleanupTestCase()
    {
        if (m_server.state() != QProcess::NotRunning) {
            ::kill(-static_cast<pid_t>(m_server.processId()), SIGKILL); // osls and the handler runtimes it started
            m_server.waitForFinished(10000);
        }
    }

    void init()
    {
        if (!m_skip.isEmpty())
            QSKIP(qPrintable(m_skip));
    }

    void nodePartialFailures()
    {
        const auto r = replay(QStringLiteral("nodePartial"), {QStringLiteral("--max-retries"), QStringLiteral("1")});
        QVERIFY2(r.exitCode == 1, r.err.constData()); // Id=101 is reported failed every time: discarded in the end
        checkCheckpoints(lastRun());
    }

    void pythonPartialFailures()
    {
        const auto r = replay(QStringLiteral("pyPartial"), {QStringLiteral("--max-retries"), QStringLiteral("1")});
        QVERIFY2(r.exitCode == 1, r.err.constData());
        checkCheckpoints(lastRun());
    }

    void thrownErrorFailsBatch()
    {
        const auto r = replay(QStringLiteral("nodeThrows"), {QStringLiteral("--max-retries"), QStringLiteral("0")});
        QVERIFY2(r.exitCode == 1, r.err.constData());
        const QJsonObject run = lastRun();
        QCOMPARE(run[QStringLiteral("counts")][QStringLiteral("succeeded")].toInt(), 0);
        const QJsonObject attempt = run[QStringLiteral("batches")][0][QStringLiteral("attempts")][0].toObject();
        QCOMPARE(attempt[QStringLiteral("verdict")].toString(), QStringLiteral("batch-failed"));
        QCOMPARE(attempt[QStringLiteral("reason")].toString(),
                 QStringLiteral("function error: TypeError: cannot process this batch"));
    }

    void wrongFunctionNameFailsAtOnce()
    {
        const auto r = replay(QStringLiteral("noSuchFunction"));
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("ResourceNotFoundException") || r.err.contains("404"), r.err.constData());
        QCOMPARE(lastRun()[QStringLiteral("counts")][QStringLiteral("attempts")].toInt(), 1);
    }
};

QTEST_GUILESS_MAIN(TestInvokeEndpoint)
#include "tst_invoke_endpoint.moc"
