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

/// One version of one item, as the timeline shows it.
struct VersionRow
{
    std::int64_t recordId = 0;
    std::optional<std::int64_t> timeMicros;
    model::EventName eventName = model::EventName::Insert;
    bool ttl = false;
    std::string sequenceNumber;
    int changedAttributes = 0;
    std::optional<model::Item> newImage;
    std::optional<model::Item> oldImage;
    model::ViewType viewType = model::ViewType::Unknown; ///< the stream's StreamViewType, as the record stated it
    std::vector<std::string> auditMarkers;               ///< short texts of findings attached to this version
    int worstSeverity = -1;                              ///< -1 none, else AuditSeverity value
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
