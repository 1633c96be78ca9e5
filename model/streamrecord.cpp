#include "model/streamrecord.h"

namespace model {

std::string_view eventNameText(EventName e)
{
    switch (e) {
    case EventName::Insert:
        return "INSERT";
    case EventName::Modify:
        return "MODIFY";
    case EventName::Remove:
        return "REMOVE";
    case EventName::Snapshot:
        return "SNAPSHOT";
    }
    return {};
}

std::optional<EventName> parseEventName(std::string_view text)
{
    if (text == "INSERT")
        return EventName::Insert;
    if (text == "MODIFY")
        return EventName::Modify;
    if (text == "REMOVE")
        return EventName::Remove;
    if (text == "SNAPSHOT")
        return EventName::Snapshot;
    return std::nullopt;
}

std::string_view viewTypeText(ViewType v)
{
    switch (v) {
    case ViewType::Unknown:
        return {};
    case ViewType::KeysOnly:
        return "KEYS_ONLY";
    case ViewType::NewImage:
        return "NEW_IMAGE";
    case ViewType::OldImage:
        return "OLD_IMAGE";
    case ViewType::NewAndOldImages:
        return "NEW_AND_OLD_IMAGES";
    }
    return {};
}

std::optional<ViewType> parseViewType(std::string_view text)
{
    if (text == "KEYS_ONLY")
        return ViewType::KeysOnly;
    if (text == "NEW_IMAGE")
        return ViewType::NewImage;
    if (text == "OLD_IMAGE")
        return ViewType::OldImage;
    if (text == "NEW_AND_OLD_IMAGES")
        return ViewType::NewAndOldImages;
    return std::nullopt;
}

} // namespace model
