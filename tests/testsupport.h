#pragma once

// Helpers shared by the test executables (header-only; Qt Core + Qt Test).

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTest>
#include <functional>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace testsupport {

/// SHA-256 (hex) of a file's bytes; empty when it cannot be read.
inline QByteArray fileSha256(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result().toHex();
}

/// Every file in a folder (hidden and system ones too) -> SHA-256 (hex) of its bytes.
inline QMap<QString, QByteArray> folderSha256(const QString& folder)
{
    QMap<QString, QByteArray> result;
    const QDir dir(folder);
    for (const QString& name : dir.entryList(QDir::Files | QDir::Hidden | QDir::System, QDir::Name))
        result.insert(name, fileSha256(dir.filePath(name)));
    return result;
}

/// A loopback port nothing listens on (bound, then closed again); 0 when none could be had.
inline int unusedLoopbackPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    const bool bound = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
    if (fd >= 0)
        ::close(fd);
    return bound ? ntohs(address.sin_port) : 0;
}

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
