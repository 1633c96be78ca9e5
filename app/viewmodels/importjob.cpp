#include "app/viewmodels/importjob.h"

#include <QtConcurrent/QtConcurrentRun>

#include "app/viewmodels/jobtracker.h"
#include "storage/import/inputfile.h"

ImportJob::ImportJob(QObject* parent, ImportFunction function)
    : QObject(parent)
    , m_function(std::move(function))
{
    qRegisterMetaType<ImportProgressInfo>();
    qRegisterMetaType<ImportResultInfo>();
    connect(&m_watcher, &QFutureWatcherBase::finished, this, [this]() {
        m_running = false;
        ImportResultInfo summary = m_watcher.future().resultCount() > 0 ? m_watcher.result() : ImportResultInfo{};
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
    std::vector<std::string> inputs;
    for (const QString& path : paths)
        inputs.push_back(path.toStdString());
    std::vector<std::string> errors; // missing paths: the importer reports them when they are imported
    QStringList files;
    for (const auto& input : storage::expandInputPaths(inputs, errors))
        files << QString::fromStdString(input.path);
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
        ProgressThrottle throttle(interval);
        auto progress = [&](const ImportProgressInfo& p) {
            if (throttle.due(p.bytesRead == p.bytesTotal))
                QMetaObject::invokeMethod(
                    this, [this, p]() { Q_EMIT progressChanged(p); }, Qt::QueuedConnection);
            return !m_cancel.load();
        };
        return function(storePath, files, progress);
    }));
}

void ImportJob::cancel()
{
    m_cancel = true;
}
