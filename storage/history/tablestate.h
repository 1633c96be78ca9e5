#pragma once

// A table's state at a time: every key's last known version at or before it (`streamscope state --at`).
//
//   auto state = storage::stateAt(*store, tableId, micros);  // state->items
//   storage::forEachItemAt(*store, tableId, micros, [](const storage::ItemAtTime& item) { ...; return true; });

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/itemhistory.h"
#include "storage/store/store.h"

namespace storage {

struct ItemAtTime
{
    KeyInfo key;
    model::Version version; ///< the last version at or before the time (state Present or Unknown)
};

struct TableState
{
    std::string tableName;
    std::int64_t atMicros = 0;
    std::vector<ItemAtTime> items;   ///< keys whose item existed at that time, with their image
    std::vector<ItemAtTime> unknown; ///< keys that existed but whose image is unknown (KEYS_ONLY, OLD_IMAGE tail)
    std::int64_t absent = 0;         ///< keys removed at that time
    std::int64_t notYetSeen = 0;     ///< keys whose first record is later (or has no time)
};

/// Every key's last known state at or before `atMicros` (records without a creation time are not placed), held in
/// memory: for small tables and tests; commands use forEachItemAt.
Result<TableState> stateAt(Store& store, std::int64_t tableId, std::int64_t atMicros);

struct StateCounts
{
    std::int64_t items = 0;      ///< keys present at that time
    std::int64_t unknown = 0;    ///< keys that existed with an unknown image
    std::int64_t absent = 0;     ///< keys removed at that time
    std::int64_t notYetSeen = 0; ///< keys whose first record is later (or has no time)
};

/// Which keys forEachItemAt hands out.
enum class StateItems : std::uint8_t { PresentAndUnknown, Present, Unknown };

/// A table's state at a time streamed: every key in key order (display text, then id: the keys_by_text index) with
/// its last known version at or before `atMicros`, handed to `onItem` one at a time (those `which` names). Each key's
/// history is ordered from its index (records_by_key, no images) and only the one or two records its state needs
/// are read, so memory holds one key's index and two images whatever the table's size. `onItem` returns false to
/// stop (not an error). The counts are of every key walked (whatever `which`).
Result<StateCounts> forEachItemAt(Store& store, std::int64_t tableId, std::int64_t atMicros,
                                  const std::function<bool(const ItemAtTime& item)>& onItem,
                                  StateItems which = StateItems::PresentAndUnknown);

} // namespace storage
