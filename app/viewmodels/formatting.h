#pragma once

// Display text shared by the models (Qt Core only).

#include <QString>
#include <cstdint>
#include <optional>
#include <string>

#include "model/streamrecord.h"

namespace formatting {

/// "2026-11-24 21:37:13.123456" (UTC), "" when absent.
QString timeText(const std::optional<std::int64_t>& micros);
/// "INSERT", "MODIFY", "REMOVE (TTL)", ...
QString eventText(model::EventName name, bool ttl);
/// "1.2 KB", "17 B".
QString sizeText(std::int64_t bytes);
inline QString fromStd(const std::string& text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

} // namespace formatting
