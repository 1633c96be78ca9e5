#pragma once

// Glue between the store and the model's history/audit engine: a key's history, diffs between versions, the
// whole-store audit (streamed key by key, plus the store's duplicate and conflict lists) and a table's state at
// a time. Images stay as delivered text and are decoded only where needed (model::Image).
//
//   auto store = storage::Store::open(path, Database::OpenMode::ReadOnly);
//   auto key = storage::resolveKey(*store, tableId, R"({"Id":{"N":"101"}})");   // or "Id=101"
//   auto h = storage::loadHistory(*store, key->id);        // h->history.version(i), h->history.changes(i)
//   auto report = storage::runAudit(*store, {});             // report->findings
//   auto state = storage::stateAt(*store, tableId, micros);  // state->items

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/audit.h"
#include "model/itemhistory.h"
#include "storage/store.h"

namespace storage {

/// A stored row as the engine's record. Moves the row's texts (images stay text, decoded lazily). `keys` is the
/// decoded Keys of the row's key (pass it to avoid decoding the Keys of every row of one key again).
model::HistoryRecord toHistoryRecord(RecordRow&& row, const model::Item* keys = nullptr);

model::Ordering toModelOrdering(HistoryOrdering ordering);

struct LoadedHistory
{
    KeyInfo key;
    std::string tableName;
    model::Item keys; ///< decoded Keys
    model::ItemHistory history;
};

/// Loads a key's records (store order, see HistoryOrdering) and rebuilds its versions.
Result<LoadedHistory> loadHistory(Store& store, std::int64_t keyId);

/// The table with this name (Error InvalidArgument "no table named X (tables: A, B)" otherwise).
Result<TableInfo> resolveTable(Store& store, std::string_view name);

/// What a person typed for a key: DynamoDB JSON of Keys (`{"Id":{"N":"101"}}`) or `Name=value[,Name=value]`,
/// where each attribute's type is taken from the table's existing keys and must be unambiguous there (`Id=101`
/// is N when the table's Id values are numbers). Error (InvalidArgument) with a message naming the problem.
Result<model::Item> parseKeyText(Store& store, std::int64_t tableId, std::string_view text);
/// parseKeyText + lookup: the key, or InvalidArgument "no item with key ... in table T".
Result<KeyInfo> resolveKey(Store& store, std::int64_t tableId, std::string_view text);

// ---- audit ------------------------------------------------------------------------------------------------------

struct AuditRequest
{
    std::optional<std::int64_t> tableId; ///< nullopt = every table
    model::AuditOptions options;
    /// Called after each key with the number of records audited so far; return false to stop (the report then
    /// holds what was found so far and `complete` is false).
    std::function<bool(std::int64_t recordsDone)> progress;
};

struct AuditReport
{
    std::vector<model::Finding> findings; ///< per key in key order, then duplicates, then conflicts
    std::int64_t keys = 0;
    std::int64_t records = 0;
    bool complete = true;
};

Result<AuditReport> runAudit(Store& store, const AuditRequest& request = {});

/// The findings of one key only (for the GUI's timeline markers); duplicates and conflicts of that key included.
Result<std::vector<model::Finding>> auditKey(Store& store, std::int64_t keyId, model::AuditOptions options = {});

// ---- state at a time ------------------------------------------------------------------------------------------

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
