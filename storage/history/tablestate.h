#pragma once

// A table's state at a time: every key's last known version at or before it (`streamscope state --at`).
//
//   auto state = storage::stateAt(*store, tableId, micros);  // state->items

#include <cstdint>
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

/// Every key's last known state at or before `atMicros` (records without a creation time are not placed).
Result<TableState> stateAt(Store& store, std::int64_t tableId, std::int64_t atMicros);

} // namespace storage
