#include "storage/delivery/batchplanner.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "model/sequencenumber.h"

namespace storage {

std::size_t eventPayloadBytes(std::size_t count, std::size_t recordBytes)
{
    return kEventEnvelopeBytes + recordBytes + (count > 0 ? count - 1 : 0);
}

BatchFiller::BatchFiller(const BatchLimits& limits)
    : m_limits(limits)
{
    m_limits.maxRecords = std::max<std::size_t>(1, m_limits.maxRecords);
}

BatchFiller::Placement BatchFiller::place(std::string_view stream, std::size_t bytes)
{
    const std::size_t alone = eventPayloadBytes(1, bytes);
    if (alone > m_limits.maxPayloadBytes) {
        m_lastOversize = alone;
        return Placement::Oversize;
    }
    if (m_count > 0
        && (stream != m_stream || m_count >= m_limits.maxRecords
            || eventPayloadBytes(m_count + 1, m_bytes + bytes) > m_limits.maxPayloadBytes)) {
        m_stream.assign(stream);
        m_count = 1;
        m_bytes = bytes;
        return Placement::NewBatch;
    }
    if (m_count == 0)
        m_stream.assign(stream);
    ++m_count;
    m_bytes += bytes;
    return Placement::Append;
}

BatchPlan planBatches(const std::vector<PlanItem>& items, const BatchLimits& limits)
{
    BatchPlan plan;

    // Streams in order of first appearance.
    std::vector<std::vector<std::size_t>> groups;
    std::unordered_map<std::string, std::size_t> groupOf;
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto [it, inserted] = groupOf.try_emplace(items[i].stream, groups.size());
        if (inserted)
            groups.emplace_back();
        groups[it->second].push_back(i);
    }

    for (auto& group : groups) {
        const bool allSequenced = std::all_of(group.begin(), group.end(), [&](std::size_t i) {
            return model::isSequenceNumber(items[i].sequenceNumber);
        });
        if (allSequenced) {
            std::stable_sort(group.begin(), group.end(), [&](std::size_t a, std::size_t b) {
                return model::compareSequenceNumbers(items[a].sequenceNumber, items[b].sequenceNumber) < 0;
            });
        }
        PlannedBatch current;
        BatchFiller filler(limits);
        auto flush = [&] {
            if (current.items.empty())
                return;
            current.payloadBytes = filler.payloadBytes();
            current.firstSequenceNumber = items[current.items.front()].sequenceNumber;
            current.lastSequenceNumber = items[current.items.back()].sequenceNumber;
            plan.batches.push_back(std::move(current));
            current = PlannedBatch{};
        };
        for (const std::size_t i : group) {
            const std::size_t before = filler.payloadBytes();
            switch (filler.place(items[i].stream, items[i].bytes)) {
            case BatchFiller::Placement::Oversize:
                plan.oversize.push_back({i, filler.lastOversizeBytes()});
                continue;
            case BatchFiller::Placement::NewBatch:
                current.payloadBytes = before;
                current.firstSequenceNumber = items[current.items.front()].sequenceNumber;
                current.lastSequenceNumber = items[current.items.back()].sequenceNumber;
                plan.batches.push_back(std::move(current));
                current = PlannedBatch{};
                break;
            case BatchFiller::Placement::Append:
                break;
            }
            if (current.items.empty())
                current.stream = items[i].stream;
            current.items.push_back(i);
        }
        flush();
    }
    return plan;
}

} // namespace storage
