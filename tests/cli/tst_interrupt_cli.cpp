// Ctrl+C / SIGTERM during `import` and `export` (data safety): the command stops at a clean point, says what it did
// and exits 128 + signal; the store keeps the files imported before (the current one rolled back) and no -wal is
// left behind; an interrupted forced re-export leaves the earlier export byte for byte and no temporary folder.
// Without the handling the signal kills the process (QProcess reports a crash, not exit 130/143).

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <functional>

#include "testsupport.h"

namespace {

/// Starts the binary with `args`, waits until `ready()` (polled every 5 ms, at most 60 s), sends `signal`, and
/// waits for the end. Returns false (with `why`) when it ended before it was ready.
bool runAndSignal(QProcess& p, const QStringList& args, const std::function<bool()>& ready, int signal, QString& why)
{
    p.start(QStringLiteral(STREAMSCOPE_BINARY), args);
    if (!p.waitForStarted(10000)) {
        why = QStringLiteral("could not start: ") + p.errorString();
        return false;
    }
    QElapsedTimer timer;
    timer.start();
    while (!ready()) {
        if (p.state() == QProcess::NotRunning || timer.elapsed() > 60000) {
            why = QStringLiteral("the command ended (or never got ready) before the signal could be sent; stderr: ")
                + QString::fromUtf8(p.readAllStandardError());
            p.kill();
            p.waitForFinished(10000);
            return false;
        }
        QTest::qWait(5);
    }
    ::kill(static_cast<pid_t>(p.processId()), signal);
    if (!p.waitForFinished(60000)) {
        why = QStringLiteral("did not stop within 60 s of the signal");
        p.kill();
        p.waitForFinished(10000);
        return false;
    }
    return true;
}

} // namespace

class TestInterruptCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_captures;

    QString path(const QString& name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_SHARED_DIR();
        m_captures = path(QStringLiteral("captures"));
        // ~60k records in 1,200 files: import takes about a second, export a few: time to be interrupted.
        QCOMPARE(testsupport::runGenerator({QStringLiteral("--seed"), QStringLiteral("3"), QStringLiteral("--records"),
                                            QStringLiteral("60000"), QStringLiteral("--keys"), QStringLiteral("6000"),
                                            QStringLiteral("--batch-size"), QStringLiteral("50"),
                                            QStringLiteral("--quiet"), QStringLiteral("--out"), m_captures}),
                 QString());
    }

    void importInterruptedBySigint()
    {
        const QString store = path(QStringLiteral("interrupted.streamscope"));
        const QString wal = store + QStringLiteral("-wal");
        QProcess p;
        QString why;
        // Ready once records are being written (the WAL past 1 MB): the import, and its signal handling, runs.
        QVERIFY2(runAndSignal(
                     p, {QStringLiteral("import"), QStringLiteral("--store"), store, m_captures},
                     [&] { return QFileInfo(wal).size() > (1 << 20); }, SIGINT, why),
                 qPrintable(why));
        const QByteArray out = p.readAllStandardOutput();
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(p.exitStatus() == QProcess::NormalExit, "killed by the signal instead of stopping cleanly");
        QCOMPARE(p.exitCode(), 130);
        QVERIFY2(out.contains("import cancelled") && out.contains("total:"), out.constData());
        QVERIFY2(err.contains("interrupted by SIGINT"), err.constData());
        QVERIFY2(!QFileInfo::exists(wal) || QFileInfo(wal).size() == 0, "a -wal was left behind");
        // The store is whole and holds only complete files.
        const auto info = testsupport::runCli({QStringLiteral("info"), QStringLiteral("--store"), store});
        QVERIFY2(info.exitCode == 0, info.err.constData());
        QVERIFY2(!info.out.contains("in_progress"), info.out.constData());
    }

    void forcedExportInterruptedBySigtermKeepsEarlierExport()
    {
        const QString store = path(QStringLiteral("whole.streamscope"));
        const auto imported =
            testsupport::runCli({QStringLiteral("import"), QStringLiteral("--store"), store, m_captures});
        QVERIFY2(imported.exitCode == 0, imported.err.constData());
        const QString out = path(QStringLiteral("out"));
        // The earlier export: two records (quick), then a forced re-export of everything.
        const auto earlier = testsupport::runCli(
            {QStringLiteral("export"), QStringLiteral("--store"), store, QStringLiteral("--out"), out,
             QStringLiteral("--record"), QStringLiteral("1"), QStringLiteral("--record"), QStringLiteral("2")});
        QVERIFY2(earlier.exitCode == 0, earlier.err.constData());
        const auto before = testsupport::folderSha256(out);
        QVERIFY(before.contains(QStringLiteral("manifest.json")));
        const QDir parent(m_dir.path());
        const auto staging = [&] {
            return parent.entryList({QStringLiteral(".out.streamscope-export-*")}, QDir::Dirs | QDir::Hidden);
        };
        QProcess p;
        QString why;
        // Ready once the re-export has written files into its temporary folder beside out/.
        QVERIFY2(runAndSignal(
                     p,
                     {QStringLiteral("export"), QStringLiteral("--store"), store, QStringLiteral("--out"), out,
                      QStringLiteral("--force")},
                     [&] {
                         const auto folders = staging();
                         return !folders.isEmpty() && QDir(parent.filePath(folders.front())).count() > 20;
                     },
                     SIGTERM, why),
                 qPrintable(why));
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(p.exitStatus() == QProcess::NormalExit, "killed by the signal instead of stopping cleanly");
        QCOMPARE(p.exitCode(), 143);
        QVERIFY2(err.contains("interrupted by SIGTERM"), err.constData());
        QCOMPARE(testsupport::folderSha256(out), before);
        QVERIFY2(staging().isEmpty(), "the temporary folder was left behind");
    }
};

QTEST_GUILESS_MAIN(TestInterruptCli)
#include "tst_interrupt_cli.moc"
