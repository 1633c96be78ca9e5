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

QString indentJson(const QString& json, int indent)
{
    QString out;
    out.reserve(json.size() * 2);
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    const auto newline = [&]() {
        out += QLatin1Char('\n');
        out += QString(qsizetype{depth} * indent, QLatin1Char(' '));
    };
    for (qsizetype i = 0; i < json.size(); ++i) {
        const QChar c = json[i];
        if (inString) {
            out += c;
            if (escaped)
                escaped = false;
            else if (c == QLatin1Char('\\'))
                escaped = true;
            else if (c == QLatin1Char('"'))
                inString = false;
            continue;
        }
        if (c.isSpace())
            continue;
        switch (c.unicode()) {
        case '"':
            inString = true;
            out += c;
            break;
        case '{':
        case '[': {
            // Keep empty containers on one line.
            qsizetype j = i + 1;
            while (j < json.size() && json[j].isSpace())
                ++j;
            if (j < json.size() && (json[j] == QLatin1Char('}') || json[j] == QLatin1Char(']'))) {
                out += c;
                out += json[j];
                i = j;
                break;
            }
            out += c;
            ++depth;
            newline();
            break;
        }
        case '}':
        case ']':
            depth = std::max(0, depth - 1);
            newline();
            out += c;
            break;
        case ',':
            out += c;
            newline();
            break;
        case ':':
            out += QStringLiteral(": ");
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace formatting
