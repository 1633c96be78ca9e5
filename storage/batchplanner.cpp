#include "storage/batchplanner.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "model/sequencenumber.h"

namespace storage {

std::size_t eventPayloadBytes(std::size_t count, std::size_t recordBytes)
{
    return kEventEnvelopeBytes + recordBytes + (count > 0 ? count - 1 : 0);
}

BatchPlan planBatches(const std::vector<PlanItem>& items, const BatchLimits& limits)
{
    BatchPlan plan;
    const std::size_t maxRecords = std::max<std::size_t>(1, limits.maxRecords);

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
        std::size_t currentRecordBytes = 0;
        auto flush = [&] {
            if (current.items.empty())
                return;
            current.payloadBytes = eventPayloadBytes(current.items.size(), currentRecordBytes);
            current.firstSequenceNumber = items[current.items.front()].sequenceNumber;
            current.lastSequenceNumber = items[current.items.back()].sequenceNumber;
            plan.batches.push_back(std::move(current));
            current = PlannedBatch{};
            currentRecordBytes = 0;
        };
        for (const std::size_t i : group) {
            const std::size_t alone = eventPayloadBytes(1, items[i].bytes);
            if (alone > limits.maxPayloadBytes) {
                plan.oversize.push_back({i, alone});
                continue;
            }
            const std::size_t count = current.items.size();
            if (count >= maxRecords
                || (count > 0
                    && eventPayloadBytes(count + 1, currentRecordBytes + items[i].bytes) > limits.maxPayloadBytes))
                flush();
            if (current.items.empty())
                current.stream = items[i].stream;
            current.items.push_back(i);
            currentRecordBytes += items[i].bytes;
        }
        flush();
    }
    return plan;
}

} // namespace storage
