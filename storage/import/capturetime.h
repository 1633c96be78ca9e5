#pragma once

// Normalising capture timestamps (ApproximateCreationDateTime, WriteTimestampMicros, ISO-8601 strings) to
// microseconds since the epoch, UTC, exactly (decimal arithmetic on the text, never through double).

#include <cstdint>
#include <optional>
#include <string_view>

#include "storage/store/storedrows.h"

namespace storage {

struct NormalisedTime
{
    std::optional<std::int64_t> micros; ///< nullopt when the text is not a usable time
    /// The unit it came in (Unknown for nanoseconds and ISO-8601 strings: their text is kept instead).
    TimeUnit unit = TimeUnit::Unknown;
};

/// A JSON number (or numeric string) like `1480642020`, `1693997155.0`, `1.46480431E9`, `1731924555370`,
/// `1720740233012995`. `forced` = unit known from the field (precision field, WriteTimestampMicros); else
/// by magnitude: < 1e11 seconds, < 1e14 ms, < 1e17 µs, else ns. Fractions below 1 µs are truncated toward
/// negative infinity.
NormalisedTime normaliseEpochNumber(std::string_view text, TimeUnit forced = TimeUnit::Unknown);

/// ISO-8601 / RFC 3339 date-time (`2015-05-11T21:21:33.291Z`, `+02:00` offsets, no zone = UTC; space
/// instead of T accepted). Numeric strings are handed to normaliseEpochNumber.
NormalisedTime normaliseTimeString(std::string_view text);

} // namespace storage
