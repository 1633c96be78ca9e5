#include "model/itemhistory.h"

#include <algorithm>

#include "model/dynamodbjson.h"
#include "model/sequencenumber.h"

namespace model {

HistoryRecord HistoryRecord::fromStreamRecord(const StreamRecord& record)
{
    HistoryRecord r;
    r.id = record.id;
    r.table = record.table;
    r.streamArn = record.streamArn;
    r.keys = record.keys;
    r.keysJson = toDynamoJson(record.keys);
    r.eventName = record.eventName;
    r.sequenceNumber = record.sequenceNumber;
    r.eventId = record.eventId;
    r.creationTimeMicros = record.creationTimeMicros;
    r.viewType = record.viewType;
    r.ttl = record.ttl;
    r.arrival = record.arrival;
    if (record.newImage)
        r.newImage = Image::fromItem(*record.newImage);
    if (record.oldImage)
        r.oldImage = Image::fromItem(*record.oldImage);
    return r;
}

std::string_view orderingText(Ordering ordering)
{
    return ordering == Ordering::Sequence ? "sequence" : "time";
}

namespace {

int compareSeq(const std::string& a, const std::string& b)
{
    if (a.empty() || b.empty())
        return a.empty() == b.empty() ? 0 : (a.empty() ? -1 : 1);
    if (!isSequenceNumber(a) || !isSequenceNumber(b))
        return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
    return compareSequenceNumbers(a, b);
}

bool sequenceLess(const HistoryRecord& a, const HistoryRecord& b)
{
    const int c = compareSeq(a.sequenceNumber, b.sequenceNumber);
    return c != 0 ? c < 0 : a.arrival < b.arrival;
}

bool timeLess(const HistoryRecord& a, const HistoryRecord& b)
{
    if (a.creationTimeMicros != b.creationTimeMicros)
        return a.creationTimeMicros < b.creationTimeMicros; // nullopt first
    const int c = compareSeq(a.sequenceNumber, b.sequenceNumber);
    return c != 0 ? c < 0 : a.arrival < b.arrival;
}

} // namespace

Ordering orderRecords(std::vector<HistoryRecord>& records)
{
    const bool allSequenced =
        std::all_of(records.begin(), records.end(), [](const HistoryRecord& r) { return !r.sequenceNumber.empty(); });
    const auto less = allSequenced ? &sequenceLess : &timeLess;
    // Already in order (the store's order, or a capture delivered in order): one linear check, no moves.
    if (!std::is_sorted(records.begin(), records.end(), less))
        std::stable_sort(records.begin(), records.end(), less);
    return allSequenced ? Ordering::Sequence : Ordering::Time;
}

ItemHistory ItemHistory::build(std::vector<HistoryRecord> records)
{
    const Ordering ordering = orderRecords(records);
    return buildOrdered(std::move(records), ordering);
}

ItemHistory ItemHistory::buildOrdered(std::vector<HistoryRecord> records, Ordering ordering)
{
    ItemHistory h;
    h.m_ordering = ordering;
    h.m_versions.reserve(records.size());
    for (auto& r : records) {
        Version v;
        v.record = std::move(r);
        h.m_versions.push_back(std::move(v));
    }
    const std::size_t n = h.m_versions.size();
    for (std::size_t i = 0; i < n; ++i)
        settleState(h.m_versions[i], i + 1 < n ? &h.m_versions[i + 1].record : nullptr);
    return h;
}

void settleState(Version& v, const HistoryRecord* next)
{
    if (v.record.eventName == EventName::Remove) {
        v.state = StateKind::Absent;
    } else if (!v.record.newImage.isNull()) {
        v.state = StateKind::Present;
        v.image = v.record.newImage;
    } else if (next && (next->eventName == EventName::Modify || next->eventName == EventName::Remove)
               && !next->oldImage.isNull()) {
        v.state = StateKind::Present;
        v.image = next->oldImage;
    }
}

std::optional<std::size_t> ItemHistory::previousKnown(std::size_t i) const
{
    for (std::size_t j = std::min(i, m_versions.size()); j > 0; --j) {
        if (m_versions[j - 1].stateKnown())
            return j - 1;
    }
    return std::nullopt;
}

std::optional<std::vector<AttributeChange>> diffStates(StateKind aState, const Image& a, StateKind bState,
                                                       const Image& b)
{
    if (aState == StateKind::Unknown || bState == StateKind::Unknown)
        return std::nullopt;
    return diffImages(aState == StateKind::Present ? a : Image(), bState == StateKind::Present ? b : Image());
}

std::optional<std::vector<AttributeChange>> diffVersions(const Version& a, const Version& b)
{
    return diffStates(a.state, a.image, b.state, b.image);
}

std::optional<VersionChanges> ItemHistory::changes(std::size_t i) const
{
    if (i >= m_versions.size())
        return std::nullopt;
    const auto j = previousKnown(i);
    return changesAgainst(m_versions[i], j ? &m_versions[*j] : nullptr, j);
}

std::optional<VersionChanges> changesAgainst(const Version& v, const Version* previousKnown,
                                             std::optional<std::size_t> previousIndex)
{
    if (!v.stateKnown())
        return std::nullopt;
    VersionChanges result;
    if (previousKnown) {
        result.base = VersionChanges::Base::PreviousVersion;
        result.baseVersion = previousIndex;
        result.changes = *diffVersions(*previousKnown, v);
        return result;
    }
    if (!v.record.oldImage.isNull()) {
        result.base = VersionChanges::Base::OwnOldImage;
        result.changes = *diffStates(StateKind::Present, v.record.oldImage, v.state, v.image);
        return result;
    }
    if (v.record.eventName == EventName::Insert) {
        result.base = VersionChanges::Base::Absent;
        result.changes = *diffStates(StateKind::Absent, Image(), v.state, v.image);
        return result;
    }
    return std::nullopt;
}

std::optional<std::size_t> ItemHistory::find(std::string_view sequenceOrEventId) const
{
    for (std::size_t i = 0; i < m_versions.size(); ++i) {
        const auto& seq = m_versions[i].record.sequenceNumber;
        if (!seq.empty() && isSequenceNumber(sequenceOrEventId) && isSequenceNumber(seq)
            && compareSequenceNumbers(seq, sequenceOrEventId) == 0)
            return i;
    }
    for (std::size_t i = 0; i < m_versions.size(); ++i) {
        if (!m_versions[i].record.eventId.empty() && m_versions[i].record.eventId == sequenceOrEventId)
            return i;
    }
    return std::nullopt;
}

std::optional<std::size_t> ItemHistory::lastAtOrBefore(std::int64_t timeMicros) const
{
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < m_versions.size(); ++i) {
        const auto& t = m_versions[i].record.creationTimeMicros;
        if (t && *t <= timeMicros)
            found = i;
    }
    return found;
}

} // namespace model
