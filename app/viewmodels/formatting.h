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
/// "1 key", "1,234 keys" (English plural without a translator).
inline QString count(qint64 n, const char* one, const char* many)
{
    return QStringLiteral("%L1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}
/// Re-indents JSON text without parsing values (numbers stay exactly as delivered).
QString indentJson(const QString& json, int indent = 2);
inline QString fromStd(const std::string& text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

} // namespace formatting
