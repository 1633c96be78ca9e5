#include "storage/store/storedrows.h"

namespace storage {

std::string_view sourceStatusText(SourceStatus status)
{
    switch (status) {
    case SourceStatus::InProgress:
        return "in_progress";
    case SourceStatus::Complete:
        return "complete";
    case SourceStatus::Failed:
        return "failed";
    case SourceStatus::Cancelled:
        return "cancelled";
    }
    return "in_progress";
}

std::optional<SourceStatus> parseSourceStatus(std::string_view text)
{
    for (auto status :
         {SourceStatus::InProgress, SourceStatus::Complete, SourceStatus::Failed, SourceStatus::Cancelled}) {
        if (sourceStatusText(status) == text)
            return status;
    }
    return std::nullopt;
}

std::string_view timeUnitText(TimeUnit unit)
{
    switch (unit) {
    case TimeUnit::Unknown:
        return "";
    case TimeUnit::Seconds:
        return "s";
    case TimeUnit::Milliseconds:
        return "ms";
    case TimeUnit::Microseconds:
        return "us";
    }
    return "";
}

std::optional<TimeUnit> parseTimeUnit(std::string_view text)
{
    for (auto unit : {TimeUnit::Unknown, TimeUnit::Seconds, TimeUnit::Milliseconds, TimeUnit::Microseconds}) {
        if (timeUnitText(unit) == text)
            return unit;
    }
    return std::nullopt;
}

std::int64_t streamViewColumn(std::int64_t column, model::ViewType seen)
{
    const auto first = static_cast<model::ViewType>(column & 0xff);
    std::int64_t bits = column >> 8;
    if (bits == 0 && first != model::ViewType::Unknown)
        bits = std::int64_t{1} << static_cast<int>(first);
    if (seen != model::ViewType::Unknown)
        bits |= std::int64_t{1} << static_cast<int>(seen);
    const model::ViewType view = first != model::ViewType::Unknown ? first : seen;
    return static_cast<std::int64_t>(view) | (bits << 8);
}

model::ViewType streamViewType(std::int64_t column)
{
    return static_cast<model::ViewType>(column & 0xff);
}

std::vector<model::ViewType> streamViewTypesSeen(std::int64_t column)
{
    std::vector<model::ViewType> seen;
    const std::int64_t bits = column >> 8;
    for (int v = 1; v <= static_cast<int>(model::ViewType::NewAndOldImages); ++v)
        if (bits & (std::int64_t{1} << v))
            seen.push_back(static_cast<model::ViewType>(v));
    return seen;
}

} // namespace storage
