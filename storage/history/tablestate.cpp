#include "storage/history/tablestate.h"

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

/// What the state walk needs across keys.
struct StateWalk
{
    Store& store;
    std::int64_t atMicros = 0;
    std::string tableName;
    std::map<std::int64_t, std::pair<std::string, std::string>> streams; ///< id -> (ARN, region)
    std::vector<HistoryEntry> entries;                                   ///< reused per key
};

/// One key's state at the time into `item`; nullopt when the key has no record at or before it.
Result<std::optional<model::StateKind>> keyStateAt(StateWalk& walk, const KeyInfo& key, ItemAtTime& item)
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
    if (!found)
        return std::optional<model::StateKind>{};
    if (entries[*found].eventName == model::EventName::Remove)
        return std::optional<model::StateKind>(model::StateKind::Absent); // known without reading it
    const model::Item keys = decodeKeys(key.canonicalKeys);
    auto record = readRecord(walk.store, entries[*found].id, keys, walk.tableName, walk.streams);
    if (!record)
        return record.error();
    model::Version v;
    v.record = std::move(*record);
    // Without a NewImage (OLD_IMAGE streams) the state is the next record's OldImage: read it only then.
    std::optional<model::HistoryRecord> next;
    if (v.record.newImage.isNull() && *found + 1 < entries.size()) {
        const auto& e = entries[*found + 1];
        if (e.eventName == model::EventName::Modify || e.eventName == model::EventName::Remove) {
            auto nextRecord = readRecord(walk.store, e.id, keys, walk.tableName, walk.streams);
            if (!nextRecord)
                return nextRecord.error();
            next = std::move(*nextRecord);
        }
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
    StateWalk walk{store, atMicros, {}, {}, {}};
    auto tables = store.tables();
    if (!tables)
        return tables.error();
    for (const auto& t : *tables) {
        if (t.id != tableId)
            continue;
        walk.tableName = t.name;
        for (const auto& s : t.streams)
            walk.streams[s.id] = {s.arn, s.region};
    }
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
