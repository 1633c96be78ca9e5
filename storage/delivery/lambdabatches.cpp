#include "storage/delivery/lambdabatches.h"

#include <algorithm>
#include <map>

#include "model/dynamodbjson.h"
#include "model/sequencenumber.h"
#include "storage/delivery/lambdarecord.h"

namespace storage {

namespace {

/// Converts selected records to Lambda records (synthetic sequence numbers per stream, conversion counts).
class Converter
{
public:
    BatchRecord convert(SelectedRecord& s, std::string& stream)
    {
        // The reader converted it already when it evaluated filter criteria (same per-stream counters).
        LambdaForm form = s.lambda ? std::move(*s.lambda) : lambdaForm(s.row, s.record, m_syntheticCounters);
        s.lambda.reset();
        stream = std::move(form.stream);
        auto& converted = form.lambda;
        BatchRecord r;
        r.recordId = s.row.id;
        r.table = s.row.tableName;
        r.keyText = model::keyDisplayText(s.record.keys);
        r.keysJson = s.row.keysJson;
        r.sequenceNumber = converted.syntheticSequenceNumber ? form.syntheticSequenceNumber : s.record.sequenceNumber;
        r.json = std::move(converted.json);
        r.shape = s.row.shape;
        r.converted = converted.converted;
        r.syntheticSequenceNumber = converted.syntheticSequenceNumber;
        r.jsUnsafe = s.jsUnsafe;
        r.synthesized = converted.synthesized;
        if (r.converted) {
            ++m_counts.converted;
            ++m_shapes[r.shape.empty() ? std::string("unknown") : r.shape];
        }
        if (r.syntheticSequenceNumber)
            ++m_counts.syntheticSequenceNumbers;
        for (std::uint16_t i = 0; i < kSynthesizedFieldCount; ++i) {
            if (r.synthesized & (1u << i))
                ++m_synthesized[i];
        }
        return r;
    }

    /// Counts so far into `build`.
    void countsInto(BatchBuild& build) const
    {
        build.converted = m_counts.converted;
        build.syntheticSequenceNumbers = m_counts.syntheticSequenceNumbers;
        build.convertedShapes.assign(m_shapes.begin(), m_shapes.end());
        build.synthesizedFields.clear();
        for (std::uint16_t i = 0; i < kSynthesizedFieldCount; ++i) {
            if (m_synthesized[i] > 0)
                build.synthesizedFields.emplace_back(
                    std::string(synthesizedFieldName(static_cast<std::uint16_t>(1u << i))), m_synthesized[i]);
        }
    }

private:
    std::map<std::string, std::uint64_t> m_syntheticCounters;
    std::map<std::string, std::int64_t> m_shapes;
    BatchBuild m_counts;
    std::int64_t m_synthesized[kSynthesizedFieldCount] = {};
};

Error cancelled()
{
    return Error{Error::Kind::Interrupted, 0, "export cancelled"};
}

} // namespace

/// Reads the selection and hands every converted record to `onRecord` (in delivery order).
Result<BatchBuild> forEachDeliveredRecord(DeliveryReader& reader, const DeliveryProgress& progress,
                                          const RecordSink& onRecord)
{
    Converter converter;
    std::int64_t lastReported = -1;
    if (progress && !progress(0, reader.total()))
        return cancelled();
    for (;;) {
        auto next = reader.next();
        if (!next)
            return next.error();
        if (progress && reader.scanned() - lastReported >= 256) {
            lastReported = reader.scanned();
            if (!progress(reader.scanned(), reader.total()))
                return cancelled();
        }
        if (!*next)
            break;
        std::string stream;
        BatchRecord record = converter.convert(**next, stream);
        if (auto e = onRecord(**next, record, stream))
            return *e;
    }
    if (progress && !progress(reader.scanned(), std::max(reader.total(), reader.scanned())))
        return cancelled();
    BatchBuild build;
    build.selected = reader.selected();
    build.jsUnsafe = reader.jsUnsafe();
    build.excludedByJsOption = reader.excludedByJsOption();
    build.droppedByCriteria = reader.droppedByCriteria();
    converter.countsInto(build);
    return build;
}

std::optional<Error> checkBatchLimits(const BatchLimits& limits)
{
    if (limits.maxRecords < 1 || limits.maxRecords > kLambdaMaxBatchRecords)
        return invalidArgument("batch size must be between 1 and 10000");
    if (limits.maxPayloadBytes > kLambdaMaxPayloadBytes || limits.maxPayloadBytes < kEventEnvelopeBytes + 2)
        return invalidArgument("payload limit must be at most 6291456 bytes");
    return std::nullopt;
}

std::string eventJson(const LambdaBatch& batch, std::size_t begin, std::size_t end)
{
    end = std::min(end, batch.records.size());
    std::string out = "{\"Records\":[";
    for (std::size_t i = begin; i < end; ++i) {
        if (i > begin)
            out += ',';
        out += batch.records[i].json;
    }
    out += "]}";
    return out;
}

Result<std::vector<std::int64_t>> selectRecordIds(Store& store, const RecordSelection& selection)
{
    auto reader = DeliveryReader::open(store, selection);
    if (!reader)
        return reader.error();
    std::vector<std::int64_t> ids;
    for (;;) {
        auto next = reader->next();
        if (!next)
            return next.error();
        if (!*next)
            break;
        ids.push_back((*next)->row.id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

Result<BatchBuild> lambdaBatchesFrom(DeliveryReader& reader, const BatchLimits& limits, const BatchSink& onBatch,
                                     const DeliveryProgress& progress)
{
    reader.leaveImagesUndecoded(); // the batches hold the Lambda form only
    BatchFiller filler(limits);
    LambdaBatch open;
    std::vector<OversizeInfo> oversize;
    auto close = [&]() -> std::optional<Error> {
        if (open.records.empty())
            return std::nullopt;
        open.table = open.records.front().table;
        auto e = onBatch(open);
        open = LambdaBatch{};
        return e;
    };
    auto build = forEachDeliveredRecord(
        reader, progress, [&](SelectedRecord&, BatchRecord& r, const std::string& stream) -> std::optional<Error> {
            const std::size_t before = filler.payloadBytes();
            switch (filler.place(stream, r.json.size())) {
            case BatchFiller::Placement::Oversize:
                oversize.push_back({r.recordId, r.table, r.keyText, r.sequenceNumber, filler.lastOversizeBytes()});
                return std::nullopt;
            case BatchFiller::Placement::NewBatch:
                open.payloadBytes = before;
                if (auto e = close())
                    return e;
                break;
            case BatchFiller::Placement::Append:
                break;
            }
            if (open.records.empty())
                open.stream = stream;
            open.records.push_back(std::move(r));
            return std::nullopt;
        });
    if (!build)
        return build.error();
    open.payloadBytes = filler.payloadBytes();
    if (auto e = close())
        return *e;
    build->oversize = std::move(oversize);
    return build;
}

Result<BatchBuild> forEachLambdaBatch(Store& store, const RecordSelection& selection, const BatchLimits& limits,
                                      const BatchSink& onBatch, const DeliveryProgress& progress)
{
    if (auto e = checkBatchLimits(limits))
        return *e;
    auto reader = DeliveryReader::open(store, selection);
    if (!reader)
        return reader.error();
    return lambdaBatchesFrom(*reader, limits, onBatch, progress);
}

Result<BatchBuild> buildLambdaBatches(Store& store, const RecordSelection& selection, const BatchLimits& limits,
                                      const DeliveryProgress& progress)
{
    std::vector<LambdaBatch> batches;
    auto build = forEachLambdaBatch(
        store, selection, limits,
        [&](LambdaBatch& batch) -> std::optional<Error> {
            batches.push_back(std::move(batch));
            return std::nullopt;
        },
        progress);
    if (build)
        build->batches = std::move(batches);
    return build;
}

} // namespace storage
