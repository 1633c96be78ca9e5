#include "storage/history/keyhistory.h"

#include "model/dynamodbjson.h"

namespace storage {

model::Ordering toModelOrdering(HistoryOrdering ordering)
{
    return ordering == HistoryOrdering::Sequence ? model::Ordering::Sequence : model::Ordering::Time;
}

model::HistoryRecord toHistoryRecord(RecordRow&& row, const model::Item* keys)
{
    model::HistoryRecord r;
    r.id = row.id;
    r.table = std::move(row.tableName);
    r.streamArn = std::move(row.streamArn);
    if (keys) {
        r.keys = *keys;
    } else if (auto decoded = model::parseItem(row.keysJson)) {
        r.keys = std::move(*decoded.value);
    }
    r.keysJson = std::move(row.keysJson);
    r.eventName = row.eventName;
    r.sequenceNumber = std::move(row.sequenceNumber);
    r.eventId = std::move(row.eventId);
    r.creationTimeMicros = row.creationTimeMicros;
    r.viewType = row.viewType;
    r.ttl = row.ttl;
    r.arrival = row.id;
    r.compacted = row.shape == "s3-incremental"; // captureFormatText(CaptureFormat::S3Incremental)
    if (row.newImageJson)
        r.newImage = model::Image::fromJson(std::move(*row.newImageJson));
    if (row.oldImageJson)
        r.oldImage = model::Image::fromJson(std::move(*row.oldImageJson));
    return r;
}

model::Item decodeKeys(const std::string& canonicalKeys)
{
    auto decoded = model::parseItem(canonicalKeys);
    return decoded ? std::move(*decoded.value) : model::Item{};
}

/// The rows (already in history order: the store orders a key's records, see storage::HistoryOrdering) as engine
/// records. No second sort: the store's rule is model::orderRecords' rule.
std::vector<model::HistoryRecord> toHistoryRecords(std::vector<RecordRow>& rows, const model::Item& keys)
{
    std::vector<model::HistoryRecord> out;
    out.reserve(rows.size());
    for (auto& row : rows)
        out.push_back(toHistoryRecord(std::move(row), &keys));
    return out;
}

namespace {

Result<LoadedHistory> loadHistoryOnce(Store& store, std::int64_t keyId)
{
    auto kh = store.keyHistory(keyId);
    if (!kh)
        return kh.error();
    if (kh->records.empty() && kh->key.id == 0)
        return invalidArgument("no key with id " + std::to_string(keyId));
    LoadedHistory out;
    out.key = std::move(kh->key);
    out.tableName = std::move(kh->tableName);
    out.keys = decodeKeys(out.key.canonicalKeys);
    out.history =
        model::ItemHistory::buildOrdered(toHistoryRecords(kh->records, out.keys), toModelOrdering(kh->ordering));
    return out;
}

} // namespace

Result<LoadedHistory> loadHistory(Store& store, std::int64_t keyId)
{
    return explainReadError(store, loadHistoryOnce(store, keyId));
}

} // namespace storage
