#include "storage/history/keyhistory.h"

#include <algorithm>
#include <deque>

#include "model/dynamodbjson.h"
#include "storage/store/readsnapshot.h"

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
    r.windowFromMicros = row.windowFromMicros;
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
    for (auto& row : rows) {
        // An OldImage is nearly always the NewImage of the record before it: the same text shares that image, so
        // it is split into members and decoded once and compared by identity (Image::sameAs).
        const model::Image* previous = out.empty() ? nullptr : &out.back().newImage;
        const bool shared = previous && row.oldImageJson && !previous->isNull() && previous->hasText()
            && previous->json() == *row.oldImageJson;
        if (shared)
            row.oldImageJson.reset();
        out.push_back(toHistoryRecord(std::move(row), &keys));
        if (shared)
            out.back().oldImage = out[out.size() - 2].newImage;
    }
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

namespace {

constexpr std::size_t kVersionPage = 32; ///< records read per query while walking a history

std::optional<Error> walkVersions(Store& store, std::int64_t keyId,
                                  const std::function<bool(const VersionWalk&)>& onStart,
                                  const std::function<bool(const StreamedVersion&)>& onVersion)
{
    auto snapshot = ReadSnapshot::begin(store.database()); // the index and the pages read the same store
    if (!snapshot)
        return snapshot.error();
    auto index = store.keyHistoryIndex(keyId);
    if (!index)
        return index.error();
    VersionWalk walk;
    walk.key = index->key;
    walk.tableName = index->tableName;
    walk.ordering = toModelOrdering(index->ordering);
    walk.versions = index->entries.size();
    if (!onStart(walk))
        return std::nullopt;
    const model::Item keys = decodeKeys(walk.key.canonicalKeys);
    const auto& entries = index->entries;
    std::deque<model::HistoryRecord> window; // read, not yet handed out
    std::size_t read = 0;
    std::optional<model::Version> previousKnown;
    std::optional<std::size_t> previousIndex;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        // The version after record i needs record i + 1 (OLD_IMAGE streams): keep one record ahead.
        while (window.size() < 2 && read < entries.size()) {
            const std::size_t n = std::min(kVersionPage, entries.size() - read);
            std::vector<std::int64_t> ids;
            ids.reserve(n);
            for (std::size_t j = read; j < read + n; ++j)
                ids.push_back(entries[j].id);
            auto rows = store.historyRowsByIds(ids);
            if (!rows)
                return rows.error();
            if (rows->size() != n)
                return Error{Error::Kind::Corrupt, 0,
                             "the store changed while the history of " + walk.key.displayText + " was read"};
            for (auto& row : *rows)
                window.push_back(toHistoryRecord(std::move(row), &keys));
            read += n;
        }
        model::Version v;
        v.record = std::move(window.front());
        window.pop_front();
        model::settleState(v, window.empty() ? nullptr : &window.front());
        const model::Version* base = previousKnown ? &*previousKnown : nullptr;
        StreamedVersion streamed{i, v, model::changesAgainst(v, base, previousIndex), nullptr};
        if (streamed.changes && streamed.changes->base == model::VersionChanges::Base::PreviousVersion)
            streamed.base = base;
        if (!onVersion(streamed))
            return std::nullopt;
        if (v.stateKnown()) {
            previousKnown = std::move(v);
            previousIndex = i;
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<Error> forEachVersion(Store& store, std::int64_t keyId,
                                    const std::function<bool(const VersionWalk&)>& onStart,
                                    const std::function<bool(const StreamedVersion&)>& onVersion)
{
    if (auto error = walkVersions(store, keyId, onStart, onVersion))
        return store.database().explainReadError(*error);
    return std::nullopt;
}

} // namespace storage
