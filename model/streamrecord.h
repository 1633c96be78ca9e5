#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/attributevalue.h"

namespace model {

enum class EventName : std::uint8_t { Insert, Modify, Remove, Snapshot /* full-export baseline item */ };
enum class ViewType : std::uint8_t { Unknown, KeysOnly, NewImage, OldImage, NewAndOldImages };

std::string_view eventNameText(EventName e); // "INSERT", "MODIFY", "REMOVE", "SNAPSHOT"
std::optional<EventName> parseEventName(std::string_view text);
std::string_view viewTypeText(ViewType v);                    // "KEYS_ONLY", ..., "" for Unknown
std::optional<ViewType> parseViewType(std::string_view text); // exact upper-case names; nullopt otherwise (also "")

/// One captured change of one item, normalised from whatever envelope it arrived in. The model layer works
/// on these; storage builds them from rows.
struct StreamRecord
{
    std::int64_t id = 0; ///< store row id (0 when not stored)
    std::string table;
    std::string streamArn; ///< may be empty (GetRecords, KDS, exports)
    Item keys;
    EventName eventName = EventName::Insert;
    std::string sequenceNumber; ///< digit string, empty when the source has none (KDS, exports)
    std::string eventId;
    std::optional<std::int64_t> creationTimeMicros; ///< UTC microseconds since epoch
    ViewType viewType = ViewType::Unknown;
    bool ttl = false; ///< userIdentity Service / dynamodb.amazonaws.com
    std::optional<Item> newImage;
    std::optional<Item> oldImage;
    std::int64_t arrival = 0; ///< import order position (source order, then record index)
};

} // namespace model
