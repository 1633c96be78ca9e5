#pragma once

// A key's history from the store: the stored rows as the model's history records, and a key's versions rebuilt
// (model::ItemHistory). Images stay as delivered text and are decoded only where needed (model::Image). The other
// questions about history live beside it: storage/history/keytext.h (what a person typed for a key),
// storage/history/auditscan.h (the whole-store audit), storage/history/tablestate.h (a table at a time).
//
//   auto store = storage::Store::open(path, Database::OpenMode::ReadOnly);
//   auto key = storage::resolveKey(*store, tableId, R"({"Id":{"N":"101"}})");   // or "Id=101"
//   auto h = storage::loadHistory(*store, key->id);        // h->history.version(i), h->history.changes(i)

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/itemhistory.h"
#include "storage/store/store.h"

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

/// What a streamed history walk knows before its first version.
struct VersionWalk
{
    KeyInfo key;
    std::string tableName;
    model::Ordering ordering = model::Ordering::Sequence;
    std::size_t versions = 0;
};

/// One version of a streamed walk, as loadHistory's history would give it.
struct StreamedVersion
{
    std::size_t index = 0; ///< position in history order, from 0
    const model::Version& version;
    std::optional<model::VersionChanges> changes; ///< as ItemHistory::changes(index)
    /// The version the changes are against (VersionChanges::Base::PreviousVersion), else nullptr.
    const model::Version* base = nullptr;
};

/// Walks a key's versions in history order, reading its records a page at a time: memory holds the history's index
/// (about 64 bytes per record) and a page of records, never the whole key (one key of 5,000 versions of 100 KB).
/// `onStart` is called once before the first version, `onVersion` per version; either returns false to stop (not an
/// error). InvalidArgument for an unknown key.
[[nodiscard]] std::optional<Error> forEachVersion(Store& store, std::int64_t keyId,
                                                  const std::function<bool(const VersionWalk&)>& onStart,
                                                  const std::function<bool(const StreamedVersion&)>& onVersion);

/// Decoded Keys of a key's canonical text (an empty item when it does not parse).
model::Item decodeKeys(const std::string& canonicalKeys);

/// The rows (already in history order: the store orders a key's records, see storage::HistoryOrdering) as engine
/// records. No second sort: the store's rule is model::orderRecords' rule.
std::vector<model::HistoryRecord> toHistoryRecords(std::vector<RecordRow>& rows, const model::Item& keys);

/// `result`, or its error explained by Database::explainReadError (the store file was replaced or shrank while it
/// was read): what every question answered here returns.
template<typename T>
Result<T> explainReadError(Store& store, Result<T> result)
{
    if (result)
        return result;
    return store.database().explainReadError(result.error());
}

} // namespace storage
