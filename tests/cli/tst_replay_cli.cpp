// `streamscope replay` you can trust (data safety): Ctrl+C / SIGTERM during a replay end the running handler and
// everything it started (checked by pid), print the summary, record the run as interrupted and exit 130/143; a
// handler that cannot start or an Invoke API endpoint that is not running fails the replay at once (exit 3, the
// reason on stderr, the run recorded as failed, no "discarded" records); `--show RUN` prints every invocation's log,
// escaped for the terminal (exact in --json). Without the handling the signal kills the process and leaves the
// handler running, and the run "(running)" for ever.

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

#include <unistd.h>

#include "testsupport.h"

namespace {

bool processAlive(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const qsizetype close = text.lastIndexOf(')');
    return close > 0 && text.size() > close + 2 && text.at(close + 2) != 'Z'; // a zombie has ended
}

QJsonArray runs(const QString& store)
{
    const auto list = testsupport::runCli({QStringLiteral("replay"), QStringLiteral("--store"), store,
                                           QStringLiteral("--list"), QStringLiteral("--json")});
    return QJsonDocument::fromJson(list.out).array();
}

} // namespace

class TestReplayCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_captures;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    /// A fresh store holding the generated captures (60 records).
    QString newStore(const QString& name)
    {
        QString store = path(name);
        const auto imported =
            testsupport::runCli({QStringLiteral("import"), QStringLiteral("--store"), store, m_captures});
        if (imported.exitCode != 0)
            qWarning("%s", imported.err.constData());
        return store;
    }

    void interruptedBy(int signal, int expectedExit, const char* name);

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_SHARED_DIR();
        m_captures = path(QStringLiteral("captures"));
        QCOMPARE(testsupport::runGenerator({QStringLiteral("--seed"), QStringLiteral("5"), QStringLiteral("--records"),
                                            QStringLiteral("60"), QStringLiteral("--keys"), QStringLiteral("10"),
                                            QStringLiteral("--quiet"), QStringLiteral("--out"), m_captures}),
                 QString());
    }

    void sigintEndsHandlerAndRecordsInterrupted() { interruptedBy(SIGINT, 130, "SIGINT"); }
    void sigtermEndsHandlerAndRecordsInterrupted() { interruptedBy(SIGTERM, 143, "SIGTERM"); }

    void killedReplayListedAsEnded()
    {
        // SIGKILL cannot be handled: the run stays "running" in the store, and is listed as ended once its process is
        // gone, with the batches it finished.
        const QString store = newStore(QStringLiteral("killed.streamscope"));
        const QString pids = path(QStringLiteral("pids-killed"));
        const QString script = QStringLiteral("cat >/dev/null; if [ -e \"$1\" ]; then echo $$ >> \"$1\"; "
                                              "exec sleep 60; fi; touch \"$1\"");
        QProcess p;
        p.start(QStringLiteral(STREAMSCOPE_BINARY),
                {QStringLiteral("replay"), QStringLiteral("--store"), store, QStringLiteral("--batch-size"),
                 QStringLiteral("10"), QStringLiteral("--handler"), QStringLiteral("sh"), QStringLiteral("-c"), script,
                 QStringLiteral("sh"), pids});
        QVERIFY(p.waitForStarted(10000));
        QElapsedTimer timer;
        timer.start();
        while (QFileInfo(pids).size() == 0 && p.state() == QProcess::Running && timer.elapsed() < 60000)
            QTest::qWait(10);
        QVERIFY2(QFileInfo(pids).size() > 0, p.readAllStandardError().constData());
        QJsonArray list = runs(store);
        QCOMPARE(list.size(), 1);
        QCOMPARE(list[0][QStringLiteral("status")].toString(), QStringLiteral("running")); // its process is alive
        p.kill();
        QVERIFY(p.waitForFinished(10000));
        QFile f(pids);
        QVERIFY(f.open(QIODevice::ReadOnly));
        ::kill(static_cast<pid_t>(f.readAll().trimmed().toLongLong()), SIGKILL); // the orphan SIGKILL leaves behind
        list = runs(store);
        QCOMPARE(list[0][QStringLiteral("status")].toString(), QStringLiteral("interrupted (process ended)"));
        QCOMPARE(list[0][QStringLiteral("counts")][QStringLiteral("succeeded")].toInt(), 10);
        const auto shown =
            testsupport::runCli({QStringLiteral("replay"), QStringLiteral("--store"), store, QStringLiteral("--list")});
        QVERIFY2(shown.out.contains("(interrupted (process ended))"), shown.out.constData());
    }

    void handlerThatCannotStartFailsAtOnce()
    {
        const QString store = newStore(QStringLiteral("nostart.streamscope"));
        const auto r = testsupport::runCli({QStringLiteral("replay"), QStringLiteral("--store"), store,
                                            QStringLiteral("--batch-size"), QStringLiteral("10"),
                                            QStringLiteral("--handler"), QStringLiteral("/nonexistent/handler")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("cannot be used") && r.err.contains("No such file or directory"), r.err.constData());
        QVERIFY2(!r.out.contains("discarded"), r.out.constData());
        const QJsonArray list = runs(store);
        QCOMPARE(list.size(), 1);
        QCOMPARE(list[0][QStringLiteral("status")].toString(), QStringLiteral("failed"));
        QCOMPARE(list[0][QStringLiteral("counts")][QStringLiteral("attempts")].toInt(), 1);
        QCOMPARE(list[0][QStringLiteral("counts")][QStringLiteral("discarded")].toInt(), 0);
    }

    void invokeEndpointNotRunningFailsAtOnce()
    {
        const QString store = newStore(QStringLiteral("noendpoint.streamscope"));
        const QString url = QStringLiteral("http://127.0.0.1:%1").arg(testsupport::unusedLoopbackPort());
        const auto r = testsupport::runCli({QStringLiteral("replay"), QStringLiteral("--store"), store,
                                            QStringLiteral("--invoke-url"), url, QStringLiteral("--function-name"),
                                            QStringLiteral("f")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(url.toUtf8()) && r.err.contains("not running"), r.err.constData());
        const auto remote = testsupport::runCli(
            {QStringLiteral("replay"), QStringLiteral("--store"), store, QStringLiteral("--invoke-url"),
             QStringLiteral("http://192.0.2.1:3002"), QStringLiteral("--function-name"), QStringLiteral("f")});
        QCOMPARE(remote.exitCode, 2);
        QVERIFY2(remote.err.contains("--allow-remote"), remote.err.constData());
    }

    void showPrintsEscapedLogs()
    {
        const QString store = newStore(QStringLiteral("logs.streamscope"));
        const auto r = testsupport::runCli(
            {QStringLiteral("replay"), QStringLiteral("--store"), store, QStringLiteral("--batch-size"),
             QStringLiteral("100"), QStringLiteral("--handler"), QStringLiteral("sh"), QStringLiteral("-c"),
             QStringLiteral("cat >/dev/null; printf 'first log line\\nsecond \\033]0;title\\007 line\\n' >&2")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const int id = runs(store)[0][QStringLiteral("id")].toInt();
        const auto show = testsupport::runCli({QStringLiteral("replay"), QStringLiteral("--store"), store,
                                               QStringLiteral("--show"), QString::number(id)});
        QVERIFY2(show.exitCode == 0, show.err.constData());
        QVERIFY2(show.out.contains("    | first log line\n"), show.out.constData());
        QVERIFY2(show.out.contains("    | second \\x1b]0;title\\x07 line\n"), show.out.constData());
        QVERIFY2(!show.out.contains('\x1b'), "raw ESC reached the terminal");
        const auto json =
            testsupport::runCli({QStringLiteral("replay"), QStringLiteral("--store"), store, QStringLiteral("--show"),
                                 QString::number(id), QStringLiteral("--json")});
        const QJsonObject run = QJsonDocument::fromJson(json.out).object();
        QCOMPARE(run[QStringLiteral("batches")][0][QStringLiteral("attempts")][0][QStringLiteral("stderr")].toString(),
                 QStringLiteral("first log line\nsecond \x1b]0;title\x07 line\n"));
    }
};

void TestReplayCli::interruptedBy(int signal, int expectedExit, const char* name)
{
    const QString store = newStore(QStringLiteral("interrupted-%1.streamscope").arg(signal));
    const QString pids = path(QStringLiteral("pids-%1").arg(signal));
    // The first batch succeeds; the second starts a child of its own and waits for it (60 s).
    const QString script = QStringLiteral("cat >/dev/null; if [ -e \"$1\" ]; then sleep 60 & echo $$ $! >> \"$1\"; "
                                          "wait; fi; touch \"$1\"");
    QProcess p;
    p.start(QStringLiteral(STREAMSCOPE_BINARY),
            {QStringLiteral("replay"), QStringLiteral("--store"), store, QStringLiteral("--batch-size"),
             QStringLiteral("10"), QStringLiteral("--handler"), QStringLiteral("sh"), QStringLiteral("-c"), script,
             QStringLiteral("sh"), pids});
    QVERIFY(p.waitForStarted(10000));
    QElapsedTimer timer;
    timer.start();
    while (QFileInfo(pids).size() == 0 && p.state() == QProcess::Running && timer.elapsed() < 60000)
        QTest::qWait(10);
    QVERIFY2(QFileInfo(pids).size() > 0, p.readAllStandardError().constData());
    QTest::qWait(200);
    ::kill(static_cast<pid_t>(p.processId()), signal);
    QVERIFY2(p.waitForFinished(20000), "the replay did not stop within 20 s of the signal");
    const QByteArray out = p.readAllStandardOutput();
    const QByteArray err = p.readAllStandardError();
    QVERIFY2(p.exitStatus() == QProcess::NormalExit, "killed by the signal instead of stopping cleanly");
    QCOMPARE(p.exitCode(), expectedExit);
    QVERIFY2(err.contains(QByteArray("interrupted by ") + name), err.constData());
    QVERIFY2(out.contains("(interrupted)") && out.contains("20 records in 2 batches"), out.constData());
    QFile f(pids);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> started = f.readAll().simplified().split(' ');
    QCOMPARE(started.size(), 2); // the handler and its child
    for (const QByteArray& pid : started)
        QTRY_VERIFY2_WITH_TIMEOUT(!processAlive(pid.toLongLong()),
                                  ("process " + pid + " outlived the replay").constData(), 3000);
    const QJsonArray list = runs(store);
    QCOMPARE(list.size(), 1);
    const QJsonObject counts = list[0][QStringLiteral("counts")].toObject();
    QCOMPARE(list[0][QStringLiteral("status")].toString(), QStringLiteral("interrupted"));
    QCOMPARE(counts[QStringLiteral("batches")].toInt(), 2);
    QCOMPARE(counts[QStringLiteral("records")].toInt(), 20);
    QCOMPARE(counts[QStringLiteral("succeeded")].toInt(), 10);
    QCOMPARE(counts[QStringLiteral("attempts")].toInt(), 2);
}

QTEST_GUILESS_MAIN(TestReplayCli)
#include "tst_replay_cli.moc"
