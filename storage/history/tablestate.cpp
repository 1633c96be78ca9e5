#include "storage/history/tablestate.h"

#include <algorithm>
#include <limits>
#include <map>

#include "storage/history/keyhistory.h"
#include "storage/store/readsnapshot.h"

namespace storage {

namespace {

constexpr int kKeyPage = 512; ///< keys read per query (keys_by_text)

/// One record of a key read as the engine's record (table and stream names from `streams`).
Result<model::HistoryRecord> readRecord(Store& store, std::int64_t recordId, const model::Item& keys,
                                        const std::string& tableName,
                                        const std::map<std::int64_t, std::pair<std::string, std::string>>& streams)
{
    const std::int64_t ids[] = {recordId};
    auto rows = store.historyRowsByIds(ids, /*withRaw=*/false, /*withNames=*/false);
    if (!rows)
        return rows.error();
    if (rows->empty())
        return Error{Error::Kind::Corrupt, 0,
                     "the store changed while the state was read (record " + std::to_string(recordId) + " is gone)"};
    RecordRow& row = rows->front();
    row.tableName = tableName;
    if (auto s = streams.find(row.streamId); s != streams.end()) {
        row.streamArn = s->second.first;
        row.region = s->second.second;
    }
    return toHistoryRecord(std::move(row), &keys);
}

/// Every record of the table placed once, from indexes only (no row read): its rank in sequence order within its
/// stream and whether it lies at or before the time (with its event name). A key whose records all have a rank in
/// one stream has its history in rank order (sequence order, the store's HistoryOrdering::Sequence), so its state's
/// record is picked without reading its rows. Two arrays over record ids: 5 bytes per record of the store.
struct TimeIndex
{
    std::vector<std::uint32_t> rank;      ///< by record id; 0 = no sequence number (or another table's record)
    std::vector<std::uint8_t> atOrBefore; ///< by record id; 0 = later or no time, else 1 + model::EventName
    std::vector<std::uint32_t> streamEnd; ///< one past the last rank of each stream, ascending

    std::size_t streamOf(std::uint32_t r) const
    {
        return static_cast<std::size_t>(std::upper_bound(streamEnd.begin(), streamEnd.end(), r) - streamEnd.begin());
    }
};

/// The time index of a table's streams, or nullopt when the store is too large for 32-bit ranks (the walk then
/// orders every key from its rows).
Result<std::optional<TimeIndex>> buildTimeIndex(Store& store, std::int64_t tableId, std::int64_t atMicros,
                                                const std::vector<std::int64_t>& streamIds)
{
    auto maxId = store.maxRecordId();
    if (!maxId)
        return maxId.error();
    if (*maxId <= 0 || *maxId >= std::numeric_limits<std::uint32_t>::max())
        return std::optional<TimeIndex>{};
    const auto size = static_cast<std::size_t>(*maxId) + 1;
    TimeIndex index;
    index.rank.assign(size, 0);
    index.atOrBefore.assign(size, 0);
    std::uint32_t next = 1;
    auto bad = false;
    for (const std::int64_t streamId : streamIds) {
        if (auto error = store.forEachSequencedRecord(streamId, [&](std::int64_t id) {
                if (id <= 0 || static_cast<std::size_t>(id) >= size)
                    bad = true;
                else
                    index.rank[static_cast<std::size_t>(id)] = next++;
            }))
            return *error;
        index.streamEnd.push_back(next);
    }
    if (auto error = store.forEachRecordAtOrBefore(tableId, atMicros, [&](std::int64_t id, model::EventName event) {
            if (id <= 0 || static_cast<std::size_t>(id) >= size)
                bad = true;
            else
                index.atOrBefore[static_cast<std::size_t>(id)] = static_cast<std::uint8_t>(1 + static_cast<int>(event));
        }))
        return *error;
    if (bad) // a record written after max(id) was read: not in one snapshot (cannot happen inside the walk's)
        return std::optional<TimeIndex>{};
    return std::optional<TimeIndex>(std::move(index));
}

/// What the state walk needs across keys.
struct StateWalk
{
    Store& store;
    std::int64_t atMicros = 0;
    std::string tableName;
    std::map<std::int64_t, std::pair<std::string, std::string>> streams; ///< id -> (ARN, region)
    std::optional<TimeIndex> timeIndex;
    std::vector<HistoryEntry> entries; ///< reused per key
    std::vector<std::int64_t> ids;     ///< reused per key
};

/// A key's state record picked from the time index: which record (0: none at or before the time), its event name,
/// and the record after it in history order (0: none). nullopt when the key's history is not in rank order (a record
/// without a sequence number, or records in more than one stream): the caller orders it from its rows.
struct Picked
{
    std::int64_t id = 0;
    model::EventName eventName = model::EventName::Insert;
    std::int64_t nextId = 0;
};

Result<std::optional<Picked>> pickFromIndex(StateWalk& walk, const KeyInfo& key)
{
    const TimeIndex& index = *walk.timeIndex;
    if (auto error = walk.store.keyRecordIds(key.id, walk.ids))
        return *error;
    Picked picked;
    std::uint32_t pickedRank = 0;
    std::optional<std::size_t> stream;
    for (const std::int64_t id : walk.ids) {
        const auto at = static_cast<std::size_t>(id);
        const std::uint32_t r = id > 0 && at < index.rank.size() ? index.rank[at] : 0;
        if (r == 0)
            return std::optional<Picked>{};
        if (!stream)
            stream = index.streamOf(r);
        else if (*stream != index.streamOf(r))
            return std::optional<Picked>{};
        if (index.atOrBefore[at] != 0 && r > pickedRank) {
            pickedRank = r;
            picked.id = id;
            picked.eventName = static_cast<model::EventName>(index.atOrBefore[at] - 1);
        }
    }
    if (picked.id == 0)
        return std::optional<Picked>(picked);
    std::uint32_t nextRank = 0;
    for (const std::int64_t id : walk.ids) {
        const std::uint32_t r = index.rank[static_cast<std::size_t>(id)];
        if (r > pickedRank && (nextRank == 0 || r < nextRank)) {
            nextRank = r;
            picked.nextId = id;
        }
    }
    return std::optional<Picked>(picked);
}

/// The key's state record ordered from its rows (records_by_key and each row's leading columns).
Result<Picked> pickFromRows(StateWalk& walk, const KeyInfo& key)
{
    auto ordering = walk.store.historyEntries(key.id, walk.entries);
    if (!ordering)
        return ordering.error();
    const auto& entries = walk.entries;
    // As ItemHistory::lastAtOrBefore: the last in history order whose time is at or before (none: skipped).
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].creationTimeMicros && *entries[i].creationTimeMicros <= walk.atMicros)
            found = i;
    }
    Picked picked;
    if (!found)
        return picked;
    picked.id = entries[*found].id;
    picked.eventName = entries[*found].eventName;
    if (*found + 1 < entries.size())
        picked.nextId = entries[*found + 1].id;
    return picked;
}

/// One key's state at the time into `item`; nullopt when the key has no record at or before it.
Result<std::optional<model::StateKind>> keyStateAt(StateWalk& walk, const KeyInfo& key, ItemAtTime& item)
{
    std::optional<Picked> picked;
    if (walk.timeIndex) {
        auto fromIndex = pickFromIndex(walk, key);
        if (!fromIndex)
            return fromIndex.error();
        picked = *fromIndex;
    }
    if (!picked) {
        auto fromRows = pickFromRows(walk, key);
        if (!fromRows)
            return fromRows.error();
        picked = *fromRows;
    }
    if (picked->id == 0)
        return std::optional<model::StateKind>{};
    if (picked->eventName == model::EventName::Remove)
        return std::optional<model::StateKind>(model::StateKind::Absent); // known without reading it
    const model::Item keys = decodeKeys(key.canonicalKeys);
    auto record = readRecord(walk.store, picked->id, keys, walk.tableName, walk.streams);
    if (!record)
        return record.error();
    model::Version v;
    v.record = std::move(*record);
    // Without a NewImage (OLD_IMAGE streams) the state is the next record's OldImage: read it only then.
    std::optional<model::HistoryRecord> next;
    if (v.record.newImage.isNull() && picked->nextId != 0) {
        auto nextRecord = readRecord(walk.store, picked->nextId, keys, walk.tableName, walk.streams);
        if (!nextRecord)
            return nextRecord.error();
        if (nextRecord->eventName == model::EventName::Modify || nextRecord->eventName == model::EventName::Remove)
            next = std::move(*nextRecord);
    }
    model::settleState(v, next ? &*next : nullptr);
    item.key = key;
    item.version = std::move(v);
    return std::optional<model::StateKind>(item.version.state);
}

Result<StateCounts> walkState(Store& store, std::int64_t tableId, std::int64_t atMicros,
                              const std::function<bool(const ItemAtTime& item)>& onItem, StateItems which)
{
    auto snapshot = ReadSnapshot::begin(store.database()); // every key of one committed state
    if (!snapshot)
        return snapshot.error();
    StateWalk walk{store, atMicros, {}, {}, {}, {}, {}};
    auto tables = store.tables();
    if (!tables)
        return tables.error();
    std::vector<std::int64_t> streamIds;
    for (const auto& t : *tables) {
        if (t.id != tableId)
            continue;
        walk.tableName = t.name;
        for (const auto& s : t.streams) {
            walk.streams[s.id] = {s.arn, s.region};
            streamIds.push_back(s.id);
        }
    }
    auto timeIndex = buildTimeIndex(store, tableId, atMicros, streamIds);
    if (!timeIndex)
        return timeIndex.error();
    walk.timeIndex = std::move(*timeIndex);
    StateCounts counts;
    KeyQuery query;
    query.tableId = tableId;
    query.sort = KeySort::KeyText;
    query.limit = kKeyPage;
    ItemAtTime item;
    for (;;) {
        auto page = store.keys(query);
        if (!page)
            return page.error();
        for (const auto& key : page->keys) {
            auto state = keyStateAt(walk, key, item);
            if (!state)
                return state.error();
            if (!*state) {
                ++counts.notYetSeen;
                continue;
            }
            bool wanted = false;
            switch (**state) {
            case model::StateKind::Absent:
                ++counts.absent;
                break;
            case model::StateKind::Present:
                ++counts.items;
                wanted = which != StateItems::Unknown;
                break;
            case model::StateKind::Unknown:
                ++counts.unknown;
                wanted = which != StateItems::Present;
                break;
            }
            if (wanted && !onItem(item))
                return counts;
        }
        if (!page->next)
            break;
        query.after = page->next;
    }
    return counts;
}

} // namespace

Result<StateCounts> forEachItemAt(Store& store, std::int64_t tableId, std::int64_t atMicros,
                                  const std::function<bool(const ItemAtTime& item)>& onItem, StateItems which)
{
    return explainReadError(store, walkState(store, tableId, atMicros, onItem, which));
}

Result<TableState> stateAt(Store& store, std::int64_t tableId, std::int64_t atMicros)
{
    TableState state;
    state.atMicros = atMicros;
    auto counts = forEachItemAt(store, tableId, atMicros, [&](const ItemAtTime& item) {
        (item.version.state == model::StateKind::Present ? state.items : state.unknown).push_back(item);
        return true;
    });
    if (!counts)
        return counts.error();
    state.absent = counts->absent;
    state.notYetSeen = counts->notYetSeen;
    auto tables = store.tables();
    if (!tables)
        return tables.error();
    for (const auto& t : *tables) {
        if (t.id == tableId)
            state.tableName = t.name;
    }
    return state;
}

} // namespace storage
