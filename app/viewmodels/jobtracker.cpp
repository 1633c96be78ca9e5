#include "app/viewmodels/jobtracker.h"

JobTracker::JobTracker(QObject* parent, int threads)
    : QObject(parent)
{
    // Two query workers by default: one long filter does not hold up the timeline of the key just clicked.
    m_pool.setMaxThreadCount(threads);
}

JobTracker::~JobTracker()
{
    cancelAll();
    m_pool.waitForDone();
}

quint64 JobTracker::generation(int channel) const
{
    auto it = m_generation.find(channel);
    return it == m_generation.end() ? 0 : it->second;
}

void JobTracker::cancelAll()
{
    for (auto& [channel, generation] : m_generation)
        ++generation;
    for (auto& [channel, context] : m_context)
        if (context)
            context->markStale();
    m_context.clear();
}

void JobTracker::waitForDone()
{
    m_pool.waitForDone();
}
