#include "storage/import/importqueue.h"

#include <algorithm>

namespace storage {

namespace {

std::size_t weightOf(const Message& message)
{
    const auto* batch = std::get_if<Batch>(&message);
    return batch ? std::max<std::size_t>(1, batch->records.size() + batch->issues.size()) : 0;
}

std::size_t bytesOf(const Message& message)
{
    const auto* batch = std::get_if<Batch>(&message);
    return batch ? batch->bytes : 0;
}

/// Frees the batch's records (their memory) and keeps the shell with its capacity.
void empty(Batch& batch)
{
    batch.records.clear();
    batch.precomputed.clear();
    batch.issues.clear();
}

} // namespace

MessageQueue::MessageQueue(std::size_t recordCapacity, std::size_t byteCapacity, std::size_t messageCapacity)
    : m_recordCapacity(recordCapacity)
    , m_byteCapacity(byteCapacity)
    , m_messageCapacity(messageCapacity)
{
}

bool MessageQueue::push(Message message)
{
    const std::size_t weight = weightOf(message);
    const std::size_t bytes = bytesOf(message);
    std::unique_lock lock(m_mutex);
    m_notFull.wait(lock, [&] {
        return m_closed
            || (m_queue.size() < m_messageCapacity
                && ((m_weight + weight <= m_recordCapacity && m_bytes + bytes <= m_byteCapacity) || m_weight == 0
                    || weight == 0));
    });
    if (m_closed)
        return false;
    m_weight += weight;
    m_bytes += bytes;
    m_queue.push_back(std::move(message));
    m_notEmpty.notify_one();
    return true;
}

Message MessageQueue::pop()
{
    std::unique_lock lock(m_mutex);
    m_notEmpty.wait(lock, [&] { return !m_queue.empty(); });
    return take();
}

std::optional<Message> MessageQueue::popFor(std::chrono::milliseconds timeout)
{
    std::unique_lock lock(m_mutex);
    if (!m_notEmpty.wait_for(lock, timeout, [&] { return !m_queue.empty(); }))
        return std::nullopt;
    return take();
}

void MessageQueue::close()
{
    std::lock_guard lock(m_mutex);
    m_closed = true;
    m_queue.clear();
    m_weight = 0;
    m_bytes = 0;
    m_notFull.notify_all();
}

Message MessageQueue::take()
{
    Message message = std::move(m_queue.front());
    m_queue.pop_front();
    m_weight -= weightOf(message);
    m_bytes -= bytesOf(message);
    m_notFull.notify_one();
    return message;
}

void BatchRecycler::recycle(Batch&& batch)
{
    std::lock_guard lock(m_mutex);
    if (m_trash.size() < kMaxTrash)
        m_trash.push_back(std::move(batch));
}

Batch BatchRecycler::take(std::size_t file, std::size_t capacity)
{
    std::vector<Batch> back;
    {
        std::lock_guard lock(m_mutex);
        back.swap(m_trash);
    }
    Batch batch;
    if (!back.empty()) {
        batch = std::move(back.back());
        back.pop_back();
        empty(batch);
    }
    batch.bytes = 0;
    batch.file = file;
    batch.records.reserve(std::min<std::size_t>(capacity, 128)); // a reused one has grown to its use
    if (!back.empty()) {
        for (auto& b : back) // keep the other shells for the next batches (their records freed here)
            empty(b);
        std::lock_guard lock(m_mutex);
        for (auto& b : back)
            if (m_trash.size() < kMaxTrash)
                m_trash.push_back(std::move(b));
    }
    return batch;
}

} // namespace storage
