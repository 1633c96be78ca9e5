#pragma once

// Typed and pasted times for the time range: ISO-8601 as people write it, parsed exactly to microseconds.

#include <QString>
#include <cstdint>
#include <optional>

namespace isotime {

/// Parses "2026-11-01 09:30:00", "2026-11-01T09:30:00Z", "2026-11-01T09:30:00.123456Z", "2026-11-01T11:30+02:00",
/// "2026-11-01 09:30" or "2026-11-01" (midnight) into microseconds since the epoch. No zone = UTC. A fraction of
/// up to 9 digits is accepted when nothing finer than a microsecond is lost. nullopt with `error` set otherwise.
std::optional<std::int64_t> parse(const QString& text, QString* error = nullptr);
/// "2026-11-01 09:30:00" (UTC), with ".ffffff" only when there is a fraction of a second.
QString format(std::int64_t micros);

} // namespace isotime
