#pragma once

// Plain row types the view models page over. The store adapter (storesession.cpp) fills them from
// storage::; tests fill them from vectors. Text stays std::string until a cell is displayed.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/attributevalue.h"
#include "model/streamrecord.h"

struct TableRow
{
    std::string name;
    std::int64_t keyCount = 0;
    std::int64_t recordCount = 0;
};

struct KeyRow
{
    std::int64_t keyId = 0;
    std::string table;
    std::string keyJson; ///< canonical DynamoDB JSON of the Keys map (identity)
    std::string keyText; ///< short display text, e.g. "orderId=ORD-1001"
    std::int64_t recordCount = 0;
    std::optional<std::int64_t> lastChangeMicros;
};

struct EventRow
{
    std::int64_t recordId = 0; ///< store record id
    std::optional<std::int64_t> timeMicros;
    std::string table;
    std::int64_t keyId = 0;
    std::string keyText;
    model::EventName eventName = model::EventName::Insert;
    bool ttl = false;
    std::string sequenceNumber;
    std::int64_t sizeBytes = 0;
};

/// One version of one item, as the timeline lists it. Its images are not part of the row: the timeline reads them
/// when the version is selected (TimelineModel::images, VersionImages).
struct VersionRow
{
    std::int64_t recordId = 0;
    std::optional<std::int64_t> timeMicros;
    model::EventName eventName = model::EventName::Insert;
    bool ttl = false;
    std::string sequenceNumber;
    int changedAttributes = 0;
    model::ViewType viewType = model::ViewType::Unknown; ///< the stream's StreamViewType, as the record stated it
    /// An S3 incremental export line: the item's net change over a compacted export window (RecordRow::shape).
    bool compacted = false;
    std::optional<std::int64_t> compactedWindowFrom; ///< that window's start, when the store knows it
    /// Findings about this version given with the row (TimelineModel::setVersions, in-memory rows); the store's
    /// timeline keeps them beside the rows instead (TimelineSource::audit).
    std::vector<std::string> auditMarkers;
    int worstSeverity = -1; ///< -1 none, else AuditSeverity value
};

/// A version's images (decoded), read on demand for the versions a diff shows.
struct VersionImages
{
    std::int64_t recordId = 0;
    std::optional<model::Item> newImage;
    std::optional<model::Item> oldImage;
};

/// What the timeline lists of every version of a key before any page is read: the key's history index (storage::
/// HistoryEntry, about 64 bytes per version), enough for the time strip and for finding a record's row.
struct VersionHead
{
    std::int64_t recordId = 0;
    std::optional<std::int64_t> timeMicros;
    model::EventName eventName = model::EventName::Insert;
    bool ttl = false;
    std::string sequenceNumber;
};

/// The findings that concern one version, as its Audit cell shows them: each kind once (with how many findings of
/// it concern the version), the worst severity, and the first few messages (tooltip).
struct VersionAudit
{
    struct Kind
    {
        std::string kind;
        int count = 0;
    };
    std::vector<Kind> kinds;
    std::vector<std::string> messages; ///< at most kMaxMessages
    int worstSeverity = -1;            ///< -1 none, else AuditSeverity value
    static constexpr std::size_t kMaxMessages = 5;
    /// Adds one finding about this version.
    void add(const std::string& kind, int severity, const std::string& message);
    /// "gap; duplicate ×2" ("" when none).
    std::string text() const;
};

enum class AuditSeverity : int { Note = 0, Warning = 1, Error = 2 };

struct AuditRow
{
    AuditSeverity severity = AuditSeverity::Warning;
    std::string kind;    ///< e.g. "sequence-gap"
    std::string message; ///< human text
    std::string table;
    std::int64_t keyId = 0;
    std::string keyText;
    std::int64_t recordId = 0; ///< 0 = not tied to one version
};

struct ActivityBucket
{
    std::int64_t startMicros = 0;
    std::int64_t inserts = 0;
    std::int64_t modifies = 0;
    std::int64_t removes = 0;
    std::int64_t total() const { return inserts + modifies + removes; }
};

enum class KeySort { Key, Count, LastChange };

struct KeyFilter
{
    std::string table; ///< empty = all tables
    std::string text;  ///< substring of the key text, empty = all
    KeySort sort = KeySort::Key;
    bool descending = false;
    bool operator==(const KeyFilter&) const = default;
};

enum class EventSort { Arrival, Time, Sequence };

struct EventFilter
{
    std::string table;
    unsigned eventMask = 0xF; ///< bit per model::EventName
    std::optional<std::int64_t> fromMicros;
    std::optional<std::int64_t> toMicros; ///< exclusive
    std::string text;
    bool textInRaw = false; ///< also search the record as delivered (full scan: background job)
    std::string where;      ///< a display filter (model/displayfilter.h) that compiles, "" = none (background job)
    EventSort sort = EventSort::Arrival;
    bool descending = false;
    bool operator==(const EventFilter&) const = default;
    bool isDefault() const { return *this == EventFilter{}; }
};

/// One page as a RowSource read it: the rows, or (error not empty) why they could not be read. A failed read is
/// never just an empty page: the model reports the error (pageReadFailed) so the window can say so.
template<typename Row>
struct PageRead
{
    PageRead() = default;
    PageRead(std::vector<Row> pageRows) // implicit: a source that cannot fail returns its rows
        : rows(std::move(pageRows))
    {
    }
    static PageRead failed(std::string why) // NOLINT(performance-unnecessary-value-param): moved into the result
    {
        PageRead read;
        read.error = std::move(why);
        return read;
    }
    std::vector<Row> rows;
    std::string error;
};

/// Anything that can answer "how many rows" and "rows [first, first+limit)": the store in production, a
/// lambda over a vector in tests. `count` must be cheap (computed by the background job that built the view).
template<typename Row>
struct RowSource
{
    std::function<std::int64_t()> count;
    std::function<PageRead<Row>(std::int64_t first, int limit)> page;
    /// Optional: the row of the item with this id (key id, record id), -1 when it is not in the view. Must not
    /// run an unbounded query (the adapters search the id list their job built).
    std::function<std::int64_t(std::int64_t id)> find;
};
