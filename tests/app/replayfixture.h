#pragma once

// Helpers for the replay job and panel tests: a command handler that hangs at a chosen invocation (after starting a
// child of its own) and says its pids, a check that a process is gone, a loopback port nothing listens on, and a
// small Lambda handler folder.

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QStringList>
#include <QTest>
#include <cerrno>

#include <signal.h>
#include <unistd.h>

#include "testsupport.h"

namespace replayfixture {

/// Python: answers success for the first OK invocations, then starts `sleep 120`, writes "<pid> <child pid>" to PIDS
/// (atomically) and sleeps. argv: STATE PIDS OK.
inline QString hangingScript()
{
    return QStringLiteral("import os, subprocess, sys, time\n"
                          "state, pids, ok = sys.argv[1], sys.argv[2], int(sys.argv[3])\n"
                          "sys.stdin.read()\n"
                          "n = int(open(state).read()) if os.path.exists(state) else 0\n"
                          "open(state, 'w').write(str(n + 1))\n"
                          "if n >= ok:\n"
                          "    child = subprocess.Popen(['sleep', '120'])\n"
                          "    sys.stderr.write('hanging now\\n'); sys.stderr.flush()\n"
                          "    open(pids + '.tmp', 'w').write('%d %d' % (os.getpid(), child.pid))\n"
                          "    os.rename(pids + '.tmp', pids)\n"
                          "    time.sleep(120)\n"
                          "sys.stderr.write('invocation %d ok\\n' % (n + 1))\n"
                          "print('{\"batchItemFailures\":[]}')\n");
}

/// The argv of the hanging handler (files in `dir`, named after `tag`).
inline QStringList hangingHandler(const QString& dir, const QString& tag, int okCalls)
{
    return {QStringLiteral(STREAMSCOPE_PYTHON),
            QStringLiteral("-c"),
            hangingScript(),
            QDir(dir).filePath(tag + QStringLiteral(".state")),
            QDir(dir).filePath(tag + QStringLiteral(".pids")),
            QString::number(okCalls)};
}

/// Waits (up to 60 s) for the hanging handler's pids; empty when they did not come.
inline QList<qint64> waitForPids(const QString& dir, const QString& tag)
{
    const QString path = QDir(dir).filePath(tag + QStringLiteral(".pids"));
    QElapsedTimer timer;
    timer.start();
    while (!QFileInfo::exists(path) && timer.elapsed() < 60000)
        QTest::qWait(20);
    QFile f(path);
    QList<qint64> pids;
    if (!f.open(QIODevice::ReadOnly))
        return pids;
    for (const QByteArray& p : f.readAll().trimmed().split(' '))
        pids << p.toLongLong();
    return pids;
}

/// The process no longer runs: no such pid, or a zombie waiting for a parent that is not us (a reparented child).
inline bool processGone(qint64 pid)
{
    if (::kill(static_cast<pid_t>(pid), 0) != 0)
        return errno == ESRCH;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray s = stat.readAll();
    const qsizetype close = s.lastIndexOf(')');
    return close > 0 && s.mid(close + 2, 1) == "Z";
}

/// Up to 10 s for the process to be gone (a killed process is reaped a moment later).
inline bool waitGone(qint64 pid)
{
    QElapsedTimer timer;
    timer.start();
    while (!processGone(pid) && timer.elapsed() < 10000)
        QTest::qWait(20);
    return processGone(pid);
}

/// Ends what a failed test left behind.
inline void killAll(const QList<qint64>& pids)
{
    for (const qint64 pid : pids)
        if (pid > 0)
            ::kill(static_cast<pid_t>(pid), SIGKILL);
}

/// Writes `files` (name -> content) into a new folder `dir`/`name`; its path.
inline QString writeFolder(const QString& dir, const QString& name, const QList<std::pair<QString, QByteArray>>& files)
{
    const QString folder = QDir(dir).filePath(name);
    QDir().mkpath(folder);
    for (const auto& [file, content] : files) {
        QFile f(QDir(folder).filePath(file));
        if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
            return {};
    }
    return folder;
}

} // namespace replayfixture
