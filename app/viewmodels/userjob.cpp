#include "app/viewmodels/userjob.h"

UserJob::UserJob(QObject* parent)
    : QObject(parent)
{
}

UserJob::~UserJob()
{
    // A running job stops at its next progress report (stale) and cleans up after itself before the app goes on.
    m_tracker.cancelAll();
    m_tracker.waitForDone();
}

void UserJob::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

void UserJob::postProgress(quint64 generation, qint64 done, qint64 total)
{
    QMetaObject::invokeMethod(
        this,
        [this, generation, done, total]() {
            if (m_tracker.generation(MainChannel) == generation)
                Q_EMIT progressChanged(done, total);
        },
        Qt::QueuedConnection);
}

void UserJob::setRunning(bool running)
{
    if (m_running == running)
        return;
    m_running = running;
    Q_EMIT runningChanged(running);
}
