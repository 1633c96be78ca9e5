// libFuzzer target: one record's text -> normalised stream records (storage::RecordNormalizer, the importer's
// per-record step), as a top-level value and as an element of a "Records" array.
// Invariants for every record produced: its Keys decode and their canonical form is keyCanonical; Keys/image spans
// lie inside raw; the table is named; a sequence number is digits or empty; positions lie inside the input.
// Every issue and failure carries a position inside the input and a reason.

#include <string>
#include <vector>

#include "fuzzsupport.h"
#include "model/dynamodbjson.h"
#include "model/sequencenumber.h"
#include "storage/import/recordnormalizer.h"

namespace {

void checkSpan(const storage::CaptureRecord& record, const storage::TextSpan& span)
{
    FUZZ_CHECK_MSG(span.offset <= record.raw.size() && span.length <= record.raw.size() - span.offset, record.raw);
}

void run(std::string_view input, storage::UnitContext context)
{
    storage::SplitUnit unit;
    unit.text.reserve(input.size() + storage::kUnitPadding);
    unit.text.assign(input);
    unit.offset = 0;
    unit.context = context;

    storage::RecordNormalizer normalizer(storage::ReadOptions{}, "fuzz-input.json");
    std::vector<storage::CaptureRecord> records;
    std::vector<storage::RecordIssue> issues;
    const auto failure = normalizer.process(unit, records, issues);
    normalizer.finish(issues);
    (void)normalizer.formats();
    (void)normalizer.notes();
    (void)normalizer.notCaptureReason();

    if (failure) {
        FUZZ_CHECK_MSG(!failure->reason.empty(), std::string(input));
        FUZZ_CHECK_MSG(failure->byteOffset <= input.size(), failure->reason);
        return;
    }
    for (const auto& issue : issues) {
        FUZZ_CHECK_MSG(!issue.reason.empty(), std::string(input));
        FUZZ_CHECK_MSG(issue.byteOffset <= input.size(), issue.reason);
    }
    for (const auto& record : records) {
        FUZZ_CHECK_MSG(!record.table.empty(), record.raw);
        FUZZ_CHECK_MSG(record.byteOffset <= input.size(), record.raw);
        FUZZ_CHECK_MSG(record.recordIndex >= 0, record.raw);
        FUZZ_CHECK_MSG(record.sequenceNumber.empty() || model::isSequenceNumber(record.sequenceNumber),
                       record.sequenceNumber);
        if (record.builtKeys.empty())
            checkSpan(record, record.keys);
        if (record.newImage)
            checkSpan(record, *record.newImage);
        if (record.oldImage)
            checkSpan(record, *record.oldImage);
        const auto keys = model::parseItem(record.keysJson());
        FUZZ_CHECK_MSG(keys, std::string(record.keysJson()) + " -> " + keys.error.message);
        FUZZ_CHECK_MSG(model::canonicalJson(*keys.value) == record.keyCanonical,
                       std::string(record.keysJson()) + " vs " + record.keyCanonical);
        if (const auto image = record.newImageJson())
            (void)model::parseItem(*image);
        if (const auto image = record.oldImageJson())
            (void)model::parseItem(*image);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input = fuzzsupport::asText(data, size);
    run(input, storage::UnitContext::TopLevelValue);
    run(input, storage::UnitContext::RecordsElement);
    return 0;
}
