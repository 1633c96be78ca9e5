#include "storage/store/storedrows.h"

#include <algorithm>
#include <charconv>

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

namespace {
constexpr std::string_view kWindowNote = "incremental export window from ";
} // namespace

std::string exportWindowNote(std::int64_t fromMicros, std::optional<std::int64_t> toMicros, std::string_view fromText,
                             std::string_view toText)
{
    return std::string(kWindowNote) + std::to_string(fromMicros) + " to "
        + (toMicros ? std::to_string(*toMicros) : std::string("?")) + " µs (" + std::string(fromText) + " .. "
        + std::string(toText) + ")";
}

std::optional<std::int64_t> exportWindowFrom(std::string_view messages)
{
    for (std::size_t at = 0; at < messages.size();) {
        const std::size_t end = std::min(messages.find('\n', at), messages.size());
        const std::string_view line = messages.substr(at, end - at);
        at = end + 1;
        if (line.substr(0, kWindowNote.size()) != kWindowNote)
            continue;
        const std::string_view digits = line.substr(kWindowNote.size());
        std::int64_t value = 0;
        const auto [next, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (error == std::errc() && next != digits.data() && next < digits.data() + digits.size() && *next == ' ')
            return value;
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
