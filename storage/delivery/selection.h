#pragma once

// Which records an export or a replay takes (the selection the CLI's options and the GUI's filter build), and its
// JSON form: the manifest's "selection" member and the selection recorded with a replay run.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/streamrecord.h"
#include "storage/store/store.h"

namespace storage {

/// Lambda event source mapping filter criteria applied to a selection: only the records Lambda would deliver
/// (a record is delivered when one of the patterns matches its Lambda record JSON, model/eventpattern.h under
/// lambda-esm semantics).
struct LambdaFilterCriteria
{
    std::vector<std::string> patterns; ///< pattern texts (JSON), in filter order
    std::string source;                ///< where they were read from (a file name, "inline")
    std::string name;                  ///< the --criteria-name that picked them ("" = none)
    std::string shape;                 ///< model::FilterCriteria::shape
    std::string origin;                ///< model::FilterCriteria::origin
};

/// Which records (of an export or a replay). Every member narrows; defaults select everything.
struct RecordSelection
{
    std::vector<std::string> tables; ///< table names; empty = all tables
    /// Item keys: DynamoDB JSON of the Keys (`{"Id":{"N":"101"}}`) or the display text (`Id=101`,
    /// `PK=USER#1, SK=2024`); empty = all keys.
    std::vector<std::string> keys;
    std::vector<model::EventName> eventNames; ///< empty = all
    std::optional<bool> ttl;                  ///< true: only TTL removes; false: no TTL removes
    std::optional<std::int64_t> fromMicros;   ///< creation time >= from
    std::optional<std::int64_t> toMicros;     ///< creation time < to
    std::string fromSequence;                 ///< numeric, inclusive ("" = open); records without one are excluded
    std::string toSequence;                   ///< numeric, inclusive
    /// Only records the audit flags with one of these finding kinds ("gap", "js-unsafe-number", ... see
    /// model::findingKindText, or "any"); empty = no audit condition.
    std::vector<std::string> findingKinds;
    /// Records whose Keys or images hold a number a JavaScript unmarshall cannot hold exactly (js-unsafe-number:
    /// Powertools for TypeScript rejects or alters them).
    enum class JsUnsafe : std::uint8_t { Include, Exclude, Only };
    JsUnsafe jsUnsafe = JsUnsafe::Include;
    /// Explicit records (e.g. the GUI's selected rows); when non-empty the other members still narrow.
    std::vector<std::int64_t> recordIds;
    /// The GUI's current filter, applied as well (its tableId/keyId/... combine with the members above).
    std::optional<RecordFilter> filter;
    /// A display filter (model/displayfilter.h), e.g. `NewImage.status == "SHIPPED" and changed(total)`; "" = none.
    std::string where;
    /// Only the records these Lambda filter criteria deliver (evaluated last, in delivery order).
    std::optional<LambdaFilterCriteria> lambdaFilter;
};

/// The selection as a JSON object (only the members that narrow; times as UTC ISO-8601 text, jsUnsafeNumbers
/// always; Lambda filter criteria as "lambdaFilterCriteria": {"source", "name", "shape", "origin", "filters"}):
/// the manifest's "selection".
nlohmann::json selectionJson(const RecordSelection& selection);
/// selectionJson as compact text (the selection recorded with a replay run).
std::string selectionToJson(const RecordSelection& selection);

/// UTC ISO-8601 with microseconds (`2024-01-02T03:04:05.000006Z`); "" for no time.
std::string isoTime(std::optional<std::int64_t> micros);

} // namespace storage
