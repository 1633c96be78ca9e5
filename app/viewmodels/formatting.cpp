#include "app/viewmodels/formatting.h"

#include <QDateTime>
#include <QLocale>

namespace formatting {

QString timeText(const std::optional<std::int64_t>& micros)
{
    if (!micros)
        return {};
    const std::int64_t ms = *micros >= 0 ? *micros / 1000 : (*micros - 999) / 1000;
    const auto rest = static_cast<int>(*micros - ms * 1000);
    const QDateTime dt = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    return dt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"))
        + QStringLiteral("%1").arg(rest, 3, 10, QLatin1Char('0'));
}

QString eventText(model::EventName name, bool ttl)
{
    QString text = fromStd(std::string(model::eventNameText(name)));
    if (ttl)
        text += QStringLiteral(" (TTL)");
    return text;
}

QString sizeText(std::int64_t bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace formatting
