#pragma once

// Splits records into AWS Lambda DynamoDB-stream batches (pure logic, no store):
// one stream per batch, sequence order, at most `maxRecords` records and `maxPayloadBytes` bytes of
// `{"Records":[r1,r2,...]}` payload per batch. A record that cannot fit even alone is reported, never dropped
// silently.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace storage {

inline constexpr std::size_t kLambdaMaxBatchRecords = 10000;   ///< L-DDB: batch size up to 10,000
inline constexpr std::size_t kLambdaMaxPayloadBytes = 6291456; ///< L-Quotas: 6 MB synchronous request
inline constexpr std::size_t kDefaultBatchRecords = 100;       ///< Lambda's default batch size
inline constexpr std::size_t kEventEnvelopeBytes = 14;         ///< `{"Records":[` + `]}`

/// Bytes of `{"Records":[...]}` holding `count` records whose JSON texts add up to `recordBytes`.
std::size_t eventPayloadBytes(std::size_t count, std::size_t recordBytes);

struct PlanItem
{
    std::string stream;         ///< stream ARN, or a stand-in identity ("table/<name>") when the source has none
    std::string sequenceNumber; ///< digit string; empty when the source has none (then input order is kept)
    std::size_t bytes = 0;      ///< size of the record's JSON text as it will be written
};

struct PlannedBatch
{
    std::string stream;
    std::vector<std::size_t> items;  ///< indexes into the planner's input, in delivery order
    std::size_t payloadBytes = 0;    ///< exact size of the event file
    std::string firstSequenceNumber; ///< of items.front() (may be empty)
    std::string lastSequenceNumber;  ///< of items.back()
};

struct OversizeRecord
{
    std::size_t item = 0;         ///< index into the planner's input
    std::size_t payloadBytes = 0; ///< size of an event holding only this record
};

struct BatchLimits
{
    std::size_t maxRecords = kDefaultBatchRecords;
    std::size_t maxPayloadBytes = kLambdaMaxPayloadBytes;
};

struct BatchPlan
{
    std::vector<PlannedBatch> batches;
    std::vector<OversizeRecord> oversize; ///< records left out because they exceed maxPayloadBytes alone
};

/// The streaming form of planBatches for records that arrive already grouped by stream and in delivery order:
/// decides record by record where it goes, so a caller holds only the open batch.
///
///   BatchFiller filler(limits);
///   switch (filler.place(stream, bytes)) { case Placement::NewBatch: close(); [[fallthrough]]; case Append: add(); ...
///   }
class BatchFiller
{
public:
    explicit BatchFiller(const BatchLimits& limits);

    enum class Placement : std::uint8_t {
        Append,   ///< goes into the open batch (the first record opens it)
        NewBatch, ///< close the open batch first; this record is the first of the next one
        Oversize, ///< an event holding only this record exceeds maxPayloadBytes: leave it out (state unchanged)
    };
    Placement place(std::string_view stream, std::size_t bytes);

    std::size_t count() const { return m_count; }                                    ///< records in the open batch
    std::size_t payloadBytes() const { return eventPayloadBytes(m_count, m_bytes); } ///< of the open batch
    std::size_t lastOversizeBytes() const { return m_lastOversize; } ///< payload of the last Oversize record alone

private:
    BatchLimits m_limits;
    std::string m_stream;
    std::size_t m_count = 0;
    std::size_t m_bytes = 0;
    std::size_t m_lastOversize = 0;
};

/// Groups by stream (streams in order of first appearance), orders each stream by numeric sequence number
/// when every record of that stream has one (stable: equal numbers keep input order), otherwise keeps the
/// input order, then fills batches greedily up to the limits. Precondition: limits.maxRecords >= 1.
BatchPlan planBatches(const std::vector<PlanItem>& items, const BatchLimits& limits);

} // namespace storage
