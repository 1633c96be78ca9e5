#pragma once

// Background jobs with a generation token per channel (hotspot's JobTracker, DB4S's life_id): starting a job on
// a channel makes every older job of that channel stale; a stale job is interrupted if it registered an
// interrupt hook, and its result is dropped. Results are delivered on the tracker's (GUI) thread.

#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

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
