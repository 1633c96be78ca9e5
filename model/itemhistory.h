#pragma once

// Per-item history: the versions of one item (table + Keys) rebuilt from its captured records.
//
//   std::vector<model::HistoryRecord> records = ...;          // one key's records, any order
//   model::ItemHistory h = model::ItemHistory::build(std::move(records));
//   for (std::size_t i = 0; i < h.size(); ++i) {
//       const model::Version& v = h.version(i);              // v.record (metadata), v.state, v.image
//       if (auto c = h.changes(i)) ... c->changes ...         // vs the previous known state
//   }
//   auto d = model::diffVersions(h.version(2), h.version(7)); // any two versions (nullopt if a state is unknown)
//
// State after each record, for every view type (FORMATS.md §1):
// - REMOVE: the item is absent (known, even for KEYS_ONLY).
// - INSERT / MODIFY / SNAPSHOT (full-export baseline) with a NewImage: that image (NEW_IMAGE, NEW_AND_OLD_IMAGES,
//   exports, Kinesis).
// - INSERT / MODIFY without a NewImage (OLD_IMAGE): the next record's OldImage when the next record is a MODIFY
//   or REMOVE that carries one; the last record's state is unknown.
// - otherwise (KEYS_ONLY) unknown.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/attributediff.h"
#include "model/image.h"
#include "model/streamrecord.h"

namespace model {

/// What the history and audit engines need of one stored record: StreamRecord's metadata with lazily decoded
/// images.
struct HistoryRecord
{
    std::int64_t id = 0; ///< store record id (0 when not stored)
    std::string table;
    std::string streamArn;
    Item keys;
    std::string keysJson; ///< DynamoDB JSON of keys (as delivered when known)
    EventName eventName = EventName::Insert;
    std::string sequenceNumber; ///< digits, "" when none
    std::string eventId;
    std::optional<std::int64_t> creationTimeMicros;
    ViewType viewType = ViewType::Unknown;
    bool ttl = false;
    std::int64_t arrival = 0; ///< arrival position (store: record id)
    Image newImage;           ///< null when absent
    Image oldImage;
    /// An S3 incremental export line: the item's net change over a compacted export window (one line per changed
    /// item; the writes in between, and items inserted and deleted inside the window, are not in the export).
    bool compacted = false;
    /// A compacted line's window start (exportFromTime) when known: its OldImage is the item as it was then, not
    /// just before the line, and its NewImage the item at the window's end.
    std::optional<std::int64_t> windowFromMicros;

    static HistoryRecord fromStreamRecord(const StreamRecord& record);
};

/// How a key's records were ordered.
enum class Ordering : std::uint8_t {
    Sequence, ///< every record has a sequence number: numeric sequence, then arrival
    Time,     ///< some record has none: creation time (none first), then sequence (none first), then arrival
};
std::string_view orderingText(Ordering ordering); // "sequence", "time"

/// Orders records in place as the store does for a key's history; returns the ordering used.
Ordering orderRecords(std::vector<HistoryRecord>& records);

enum class StateKind : std::uint8_t { Unknown, Absent, Present };

/// The item after one record.
struct Version
{
    HistoryRecord record;
    StateKind state = StateKind::Unknown;
    Image image; ///< the item when state == Present (null otherwise)

    bool stateKnown() const { return state != StateKind::Unknown; }
};

/// Changes of a version against the state before it.
struct VersionChanges
{
    /// Where the "before" state came from.
    enum class Base : std::uint8_t {
        PreviousVersion, ///< the previous version with a known state (baseVersion)
        OwnOldImage,     ///< no earlier known state: the record's own OldImage
        Absent,          ///< no earlier known state, and the record is an INSERT: the item did not exist
    };
    Base base = Base::PreviousVersion;
    std::optional<std::size_t> baseVersion;
    std::vector<AttributeChange> changes;
};

class ItemHistory
{
public:
    /// Orders `records` (see orderRecords) and rebuilds the versions.
    static ItemHistory build(std::vector<HistoryRecord> records);
    /// `records` already in history order (e.g. from the store) with the ordering used.
    static ItemHistory buildOrdered(std::vector<HistoryRecord> records, Ordering ordering);

    Ordering ordering() const { return m_ordering; }
    std::size_t size() const { return m_versions.size(); }
    bool empty() const { return m_versions.empty(); }
    const Version& version(std::size_t i) const { return m_versions[i]; }
    const std::vector<Version>& versions() const { return m_versions; }

    /// The last version before `i` whose state is known.
    std::optional<std::size_t> previousKnown(std::size_t i) const;
    /// Changes of version i against the previous known state (falling back to its own OldImage, or to "absent"
    /// for an INSERT); nullopt when version i's state is unknown or there is nothing to compare with.
    std::optional<VersionChanges> changes(std::size_t i) const;

    /// The version with this sequence number (the first if repeated), or by event ID when `text` is not a
    /// sequence number of this history.
    std::optional<std::size_t> find(std::string_view sequenceOrEventId) const;
    /// The last version (in history order) whose creation time is <= timeMicros (records without a time are
    /// skipped).
    std::optional<std::size_t> lastAtOrBefore(std::int64_t timeMicros) const;

private:
    Ordering m_ordering = Ordering::Sequence;
    std::vector<Version> m_versions;
};

/// Sets `v.state` / `v.image` from its record and the record after it in history order (`next`, nullptr for the
/// last): the rule ItemHistory uses, for code that walks a history without holding it (storage::forEachVersion).
void settleState(Version& v, const HistoryRecord* next);
/// ItemHistory::changes for a version not held in an ItemHistory: `previousKnown` is the last earlier version whose
/// state is known (nullptr if none) and `previousIndex` its index.
std::optional<VersionChanges> changesAgainst(const Version& v, const Version* previousKnown,
                                             std::optional<std::size_t> previousIndex);

/// Changes from state a to state b: nullopt if either is unknown; absent -> present lists every attribute as
/// added, present -> absent every attribute as removed.
std::optional<std::vector<AttributeChange>> diffStates(StateKind aState, const Image& a, StateKind bState,
                                                       const Image& b);
std::optional<std::vector<AttributeChange>> diffVersions(const Version& a, const Version& b);

} // namespace model
