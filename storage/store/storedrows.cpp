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

} // namespace storage
