#include "storage/history/tablestate.h"

#include "storage/history/keyhistory.h"

namespace storage {

namespace {

Result<TableState> stateAtOnce(Store& store, std::int64_t tableId, std::int64_t atMicros)
{
    TableState state;
    state.atMicros = atMicros;
    ScanOptions scan;
    scan.tableId = tableId;
    auto error = store.forEachKeyHistory(scan, [&](KeyHistory& h) {
        if (state.tableName.empty())
            state.tableName = h.tableName;
        const model::Item keys = decodeKeys(h.key.canonicalKeys);
        auto history = model::ItemHistory::buildOrdered(toHistoryRecords(h.records, keys), toModelOrdering(h.ordering));
        const auto index = history.lastAtOrBefore(atMicros);
        if (!index) {
            ++state.notYetSeen;
            return true;
        }
        const model::Version& v = history.version(*index);
        switch (v.state) {
        case model::StateKind::Absent:
            ++state.absent;
            break;
        case model::StateKind::Present:
            state.items.push_back(ItemAtTime{h.key, v});
            break;
        case model::StateKind::Unknown:
            state.unknown.push_back(ItemAtTime{h.key, v});
            break;
        }
        return true;
    });
    if (error)
        return *error;
    if (state.tableName.empty()) {
        auto tables = store.tables();
        if (tables) {
            for (const auto& t : *tables)
                if (t.id == tableId)
                    state.tableName = t.name;
        }
    }
    return state;
}

} // namespace

Result<TableState> stateAt(Store& store, std::int64_t tableId, std::int64_t atMicros)
{
    return explainReadError(store, stateAtOnce(store, tableId, atMicros));
}

} // namespace storage
