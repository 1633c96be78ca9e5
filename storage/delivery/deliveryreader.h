#pragma once

// Reads a record selection from a store one page at a time, in delivery order, for the exporter and the replay
// (storage/export/exporter.h): memory holds one page of records (plus, for selections by keys, record ids or audit
// findings, 8 bytes per record id of the selected tables).
//
// Delivery order: store streams in id order; within a stream the records without a sequence number (Kinesis,
// exports) first, in creation-time order (records without a time first, then arrival), then the records with one
// in numeric sequence order (Store's RecordOrder::Sequence).
//
//   auto reader = storage::DeliveryReader::open(store, selection);
//   while (auto next = reader->next()) { if (!*next) break; use((*next)->row); }

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "model/streamrecord.h"
#include "storage/delivery/lambdarecord.h"
#include "storage/delivery/selection.h"
#include "storage/store/database.h"
#include "storage/store/store.h"

namespace storage {

/// True if the record's Keys or images hold a number a JavaScript unmarshall cannot hold exactly
/// (model::ValueIssue::Kind::JsUnsafeNumber).
bool hasJsUnsafeNumber(const model::StreamRecord& record);

/// A record as Lambda would deliver it, and the batch stream it belongs to.
struct LambdaForm
{
    std::string stream;                  ///< effectiveStreamArn
    std::string syntheticSequenceNumber; ///< the stand-in used when the record has no sequence number
    LambdaRecordJson lambda;
};

/// Converts a stored record to its Lambda form (the store's region; stand-in sequence numbers counted from 1 per
/// stream in `syntheticCounters`, in the order records are converted).
LambdaForm lambdaForm(const RecordRow& row, const model::StreamRecord& record,
                      std::map<std::string, std::uint64_t>& syntheticCounters);

/// One selected record.
struct SelectedRecord
{
    RecordRow row; ///< with raw
    model::StreamRecord record;
    bool jsUnsafe = false;
    /// Set when the selection has Lambda filter criteria: the form they were evaluated on (converted once).
    std::optional<LambdaForm> lambda;
    int deliveredByFilter = -1; ///< with filter criteria: index of the first filter that matched
};

class DeliveryReader
{
public:
    /// Resolves tables, keys and audit findings of the selection (InvalidArgument for unknown names/values) and
    /// compiles its Lambda filter criteria (InvalidArgument: "filter criteria: filter N: <reason> at `<path>`") and
    /// its display filter (InvalidArgument: "display filter: column N: <reason>").
    static Result<DeliveryReader> open(Store& store, const RecordSelection& selection, int pageSize = 256);

    DeliveryReader(DeliveryReader&&) noexcept;
    DeliveryReader& operator=(DeliveryReader&&) noexcept;
    ~DeliveryReader();

    /// The next selected record (after the sequence-range and js-unsafe conditions), or nullopt at the end.
    Result<std::optional<SelectedRecord>> next();

    /// For readers that write only the Lambda form (batch files, JSON Lines): from now on next() fills
    /// SelectedRecord::lambda and leaves the images of SelectedRecord::record undecoded (an image present is an empty
    /// item; Keys and metadata as always) when the stored texts allow it: the js-unsafe check and the Lambda form are
    /// read from the texts, as for filter criteria. Without effect when the selection has a display filter (it
    /// needs the images).
    void leaveImagesUndecoded();

    /// Records looked at so far / upper bound of records to look at (for progress).
    std::int64_t scanned() const;
    std::int64_t total() const;
    /// Records left out by the selection's display filter (`where`).
    std::int64_t excludedByWhere() const;
    /// Records matching the selection so far (before the js-unsafe option), of those js-unsafe, and left out by
    /// the js-unsafe option.
    std::int64_t selected() const;
    std::int64_t jsUnsafe() const;
    std::int64_t excludedByJsOption() const;
    /// Records left out because the selection's Lambda filter criteria drop them (after every other condition).
    std::int64_t droppedByCriteria() const;

private:
    struct Impl;
    explicit DeliveryReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace storage
