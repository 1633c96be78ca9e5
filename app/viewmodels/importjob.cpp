#include "app/viewmodels/importjob.h"

#include <QDirIterator>
#include <QFileInfo>

#include <QtConcurrent/QtConcurrentRun>

ImportJob::ImportJob(QObject* parent, ImportFunction function)
    : QObject(parent)
    , m_function(std::move(function))
{
    qRegisterMetaType<ImportProgressInfo>();
    qRegisterMetaType<ImportSummary>();
    connect(&m_watcher, &QFutureWatcherBase::finished, this, [this]() {
        m_running = false;
        ImportSummary summary = m_watcher.future().resultCount() > 0 ? m_watcher.result() : ImportSummary{};
        if (m_cancel.load())
            summary.cancelled = true;
        Q_EMIT finished(summary);
    });
}

ImportJob::~ImportJob()
{
    m_cancel = true;
    m_watcher.waitForFinished();
}

QStringList ImportJob::expandPaths(const QStringList& paths)
{
    QStringList files;
    const QStringList patterns{QStringLiteral("*.json"), QStringLiteral("*.jsonl"), QStringLiteral("*.ndjson"),
                               QStringLiteral("*.gz")};
    for (const QString& path : paths) {
        const QFileInfo info(path);
        if (info.isDir()) {
            QDirIterator it(path, patterns, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext())
                files << QFileInfo(it.next()).absoluteFilePath();
        } else {
            files << info.absoluteFilePath();
        }
    }
    files.sort();
    files.removeDuplicates();
    return files;
}

void ImportJob::start(const QString& storePath, const QStringList& files)
{
    Q_ASSERT(!m_running);
    m_running = true;
    m_cancel = false;
    auto function = m_function;
    const int interval = m_intervalMs;
    m_watcher.setFuture(QtConcurrent::run([this, function, storePath, files, interval]() {
        QElapsedTimer clock;
        clock.start();
        qint64 last = -interval;
        auto progress = [&](const ImportProgressInfo& p) {
            // Throttled: at most one queued signal per interval, always the latest figures.
            if (clock.elapsed() - last >= interval || p.bytesRead == p.bytesTotal) {
                last = clock.elapsed();
                QMetaObject::invokeMethod(
                    this, [this, p]() { Q_EMIT progressChanged(p); }, Qt::QueuedConnection);
            }
            return !m_cancel.load();
        };
        return function(storePath, files, progress);
    }));
}

void ImportJob::cancel()
{
    m_cancel = true;
}
