#pragma once

// One user-started background job at a time (an export, a replay): it runs on a JobTracker channel, so starting
// another supersedes it (the old one is told to stop and its outcome is dropped); Cancel asks the running one to stop
// (its outcome, "cancelled", is still delivered); progress reaches the GUI thread at most once per interval. What a job
// does is a seam function the derived class binds; tests inject fakes.

#include <QObject>
#include <atomic>
#include <functional>
#include <memory>

#include "app/viewmodels/jobtracker.h"

class UserJob : public QObject
{
    Q_OBJECT
public:
    /// Worker-side: reports progress (`total` 0 = unknown) and answers whether to go on (false once the job was
    /// cancelled or superseded).
    using Progress = std::function<bool(qint64 done, qint64 total)>;

    explicit UserJob(QObject* parent = nullptr);
    ~UserJob() override;

    /// Asks the running job to stop; its outcome is delivered (as cancelled).
    void cancel();
    bool isRunning() const { return m_running; }
    /// Minimum interval between progressChanged signals.
    void setProgressIntervalMs(int ms) { m_intervalMs = ms; }
    /// Blocks until every started job has ended (tests, shutdown); outcomes are delivered by the event loop later.
    void waitForDone() { m_tracker.waitForDone(); }

Q_SIGNALS:
    void progressChanged(qint64 done, qint64 total);
    void runningChanged(bool running);

protected:
    enum Channel { MainChannel, AuxiliaryChannel };
    JobTracker& tracker() { return m_tracker; }

    /// Runs `work(progress)` on a worker; `deliver(outcome, cancelled)` runs on this object's thread unless another
    /// job was launched meanwhile. `work` must not use this object (it may outlive it until the destructor waits).
    template<typename Outcome>
    void launch(std::function<Outcome(const Progress&)> work, std::function<void(Outcome, bool cancelled)> deliver)
    {
        auto cancel = std::make_shared<std::atomic<bool>>(false);
        m_cancel = cancel;
        const quint64 generation = m_tracker.generation(MainChannel) + 1;
        const int interval = m_intervalMs;
        setRunning(true);
        m_tracker.run<Outcome>(
            MainChannel,
            [this, work = std::move(work), cancel, generation, interval](JobContext& ctx) {
                ProgressThrottle throttle(interval);
                const Progress progress = [&](qint64 done, qint64 total) {
                    if (throttle.due(total > 0 && done >= total))
                        postProgress(generation, done, total);
                    return !cancel->load() && !ctx.isStale();
                };
                return work(progress);
            },
            [this, deliver = std::move(deliver), cancel](Outcome outcome) {
                m_cancel.reset();
                setRunning(false);
                deliver(std::move(outcome), cancel->load());
            });
    }

private:
    /// From the worker: queues progressChanged unless the job has been superseded by then.
    void postProgress(quint64 generation, qint64 done, qint64 total);
    void setRunning(bool running);

    JobTracker m_tracker;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    bool m_running = false;
    int m_intervalMs = 100;
};
