#pragma once

// Background jobs with a generation token per channel (hotspot's JobTracker, DB4S's life_id): starting a job on
// a channel makes every older job of that channel stale; a stale job is interrupted if it registered an
// interrupt hook, and its result is dropped. Results are delivered on the tracker's (GUI) thread.

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include <QtConcurrent/QtConcurrentRun>

/// Handed to a job: lets the tracker interrupt its long query (e.g. storage::Store::interrupt).
class JobContext
{
public:
    /// Called from the worker: `hook` runs (on the GUI thread) if the job is superseded while attached.
    void setInterruptHook(std::function<void()> hook)
    {
        std::lock_guard lock(m_mutex);
        m_hook = std::move(hook);
        if (m_stale && m_hook)
            m_hook();
    }
    void clearInterruptHook()
    {
        std::lock_guard lock(m_mutex);
        m_hook = nullptr;
    }
    bool isStale() const { return m_stale.load(); }
    void markStale()
    {
        std::lock_guard lock(m_mutex);
        m_stale = true;
        if (m_hook)
            m_hook();
    }

private:
    std::mutex m_mutex;
    std::function<void()> m_hook;
    std::atomic<bool> m_stale{false};
};

/// Worker-side: lets through at most one progress report per interval (heaptrack's throttling); a final report
/// always passes, so the last figures are never lost.
class ProgressThrottle
{
public:
    explicit ProgressThrottle(int intervalMs)
        : m_interval(intervalMs)
        , m_last(-intervalMs)
    {
        m_clock.start();
    }
    bool due(bool final = false)
    {
        const qint64 now = m_clock.elapsed();
        if (!final && now - m_last < m_interval)
            return false;
        m_last = now;
        return true;
    }

private:
    QElapsedTimer m_clock;
    qint64 m_interval;
    qint64 m_last;
};

/// What a job that can fail hands back: its value, or why there is none. `interrupted`: it was stopped (superseded,
/// store closing), which is no error to show.
template<typename T>
struct JobAnswer
{
    std::optional<T> value;
    QString error;
    bool interrupted = false;
};

class JobTracker : public QObject
{
    Q_OBJECT
public:
    explicit JobTracker(QObject* parent = nullptr, int threads = 2);
    ~JobTracker() override;

    /// Runs `work(context)` on the tracker's pool; `done(result)` runs on this object's thread unless a newer
    /// job was started on `channel` (or cancelAll() was called) in the meantime. Returns the job's generation.
    template<typename T>
    quint64 run(int channel, std::function<T(JobContext&)> work, std::function<void(T)> done)
    {
        const quint64 generation = ++m_generation[channel];
        if (auto it = m_context.find(channel); it != m_context.end() && it->second)
            it->second->markStale();
        auto context = std::make_shared<JobContext>();
        m_context[channel] = context;
        auto* watcher = new QFutureWatcher<std::shared_ptr<T>>(this);
        ++m_running;
        if (m_running == 1)
            Q_EMIT busyChanged(true);
        connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, channel, generation, done, context]() {
            watcher->deleteLater();
            --m_running;
            if (m_running == 0)
                Q_EMIT busyChanged(false);
            if (m_generation[channel] != generation || context->isStale())
                return; // superseded: drop the stale answer
            m_context.erase(channel);
            const auto result = watcher->result();
            done(std::move(*result));
            Q_EMIT jobDelivered(channel);
        });
        watcher->setFuture(QtConcurrent::run(
            &m_pool, [work = std::move(work), context]() { return std::make_shared<T>(work(*context)); }));
        return generation;
    }

    /// run() for work that can fail: `done(value)` when it answered with a value, `failed(error)` when it answered
    /// with an error that is not an interruption; both on this object's thread, neither for a stale job.
    template<typename T>
    quint64 runFallible(int channel, std::function<JobAnswer<T>(JobContext&)> work, std::function<void(T)> done,
                        std::function<void(const QString&)> failed)
    {
        return run<JobAnswer<T>>(channel, std::move(work),
                                 [done = std::move(done), failed = std::move(failed)](JobAnswer<T> answer) {
                                     if (answer.value)
                                         done(std::move(*answer.value));
                                     else if (!answer.interrupted && failed)
                                         failed(answer.error);
                                 });
    }

    quint64 generation(int channel) const;
    /// Makes every running job stale (e.g. when the store is closed).
    void cancelAll();
    bool isBusy() const { return m_running > 0; }
    /// Blocks until every job has finished (tests, shutdown).
    void waitForDone();

Q_SIGNALS:
    void busyChanged(bool busy);
    void jobDelivered(int channel);

private:
    QThreadPool m_pool;
    std::map<int, quint64> m_generation;
    std::map<int, std::shared_ptr<JobContext>> m_context;
    int m_running = 0;
};
