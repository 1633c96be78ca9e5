#pragma once

// Helpers shared by the test executables (header-only; Qt Core + Qt Test).

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTest>
#include <functional>

namespace testsupport {

/// ../shared next to the source tree. Tests that need it call requireSharedDir() and fail loudly if missing.
inline QString sharedDir()
{
    return QDir::cleanPath(QStringLiteral(STREAMSCOPE_SHARED_DIR));
}

inline QString samplesDir()
{
    return sharedDir() + QStringLiteral("/samples/public");
}

inline QString sourceDir()
{
    return QStringLiteral(STREAMSCOPE_SOURCE_DIR);
}

/// Every *.json / *.jsonl file under ../shared/samples/public, sorted, relative to samplesDir().
inline QStringList publicSampleFiles()
{
    QStringList files;
    QDir root(samplesDir());
    const QStringList filters{QStringLiteral("*.json"), QStringLiteral("*.jsonl")};
    std::function<void(const QString&)> walk = [&](const QString& rel) {
        QDir dir(root.filePath(rel));
        for (const QString& f : dir.entryList(filters, QDir::Files, QDir::Name))
            files << (rel.isEmpty() ? f : rel + QLatin1Char('/') + f);
        for (const QString& d : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
            walk(rel.isEmpty() ? d : rel + QLatin1Char('/') + d);
    };
    walk(QString());
    return files;
}

/// Runs ../shared/tools/gen_capture.py with `arguments` (e.g. {"--seed","1","--out",path}); returns "" on
/// success or the reason (stderr) on failure.
inline QString runGenerator(const QStringList& arguments, int timeoutMs = 300000)
{
    QProcess p;
    p.setProgram(QStringLiteral(STREAMSCOPE_PYTHON));
    p.setArguments(QStringList{sharedDir() + QStringLiteral("/tools/gen_capture.py")} + arguments);
    p.start();
    if (!p.waitForFinished(timeoutMs))
        return QStringLiteral("generator did not finish: ") + p.errorString();
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return QStringLiteral("generator failed: ") + QString::fromUtf8(p.readAllStandardError());
    return {};
}

/// What a run of the `streamscope` binary printed and how it ended.
struct CliRun
{
    int exitCode = -1; ///< -1 when it crashed or did not finish in time
    QByteArray out;
    QByteArray err;
};

/// Runs the built `streamscope` with `arguments`, stdout and stderr captured apart (pipes, not a terminal).
inline CliRun runCli(const QStringList& arguments, int timeoutMs = 120000)
{
    QProcess p;
    p.start(QStringLiteral(STREAMSCOPE_BINARY), arguments);
    CliRun r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = "timeout";
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

} // namespace testsupport

/// Fails the current test function loudly when ../shared is missing.
#define REQUIRE_SHARED_DIR()                                                                                           \
    do {                                                                                                               \
        if (!QFileInfo::exists(testsupport::samplesDir() + QStringLiteral("/SOURCES.md")))                             \
            QFAIL(qPrintable(QStringLiteral("shared samples not found at %1 (set STREAMSCOPE_SHARED_DIR)")             \
                                 .arg(testsupport::samplesDir())));                                                    \
    } while (false)
