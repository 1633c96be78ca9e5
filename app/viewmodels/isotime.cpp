#include "app/viewmodels/isotime.h"

#include <QDateTime>
#include <QObject>
#include <QRegularExpression>

namespace isotime {

std::optional<std::int64_t> parse(const QString& input, QString* error)
{
    static const QRegularExpression re(QStringLiteral(
        R"(^(\d{4})-(\d{2})-(\d{2})(?:[Tt ]+(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$)"));
    const auto fail = [error](const QString& why) -> std::optional<std::int64_t> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    const QString text = input.trimmed();
    const auto m = re.match(text);
    if (!m.hasMatch())
        return fail(QObject::tr("not a time: use YYYY-MM-DD HH:MM:SS (optionally with T, a fraction and Z or +hh:mm)"));
    const QDate date(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
    if (!date.isValid())
        return fail(QObject::tr("no such date: %1")
                        .arg(m.captured(1) + QLatin1Char('-') + m.captured(2) + QLatin1Char('-') + m.captured(3)));
    const int h = m.captured(4).isEmpty() ? 0 : m.captured(4).toInt();
    const int mi = m.captured(5).isEmpty() ? 0 : m.captured(5).toInt();
    const int s = m.captured(6).isEmpty() ? 0 : m.captured(6).toInt();
    const QTime time(h, mi, s);
    if (!time.isValid())
        return fail(QObject::tr("no such time of day: %1").arg(text));
    std::int64_t fraction = 0; // microseconds
    const QString digits = m.captured(7);
    if (!digits.isEmpty()) {
        const QString padded = (digits + QStringLiteral("000000000")).left(9);
        if (padded.mid(6) != QStringLiteral("000"))
            return fail(QObject::tr("finer than a microsecond: %1").arg(digits));
        fraction = padded.left(6).toLongLong();
    }
    std::int64_t offsetSeconds = 0;
    const QString zone = m.captured(8);
    if (!zone.isEmpty() && zone.compare(QStringLiteral("Z"), Qt::CaseInsensitive) != 0) {
        QString z = zone.mid(1);
        z.remove(QLatin1Char(':'));
        const int oh = z.left(2).toInt();
        const int om = z.size() > 2 ? z.mid(2).toInt() : 0;
        if (oh > 23 || om > 59)
            return fail(QObject::tr("no such time zone offset: %1").arg(zone));
        offsetSeconds =
            (std::int64_t{oh} * 3600 + std::int64_t{om} * 60) * (zone.startsWith(QLatin1Char('-')) ? -1 : 1);
    }
    const std::int64_t seconds = QDateTime(date, time, Qt::UTC).toSecsSinceEpoch() - offsetSeconds;
    return seconds * 1'000'000 + fraction;
}

QString format(std::int64_t micros)
{
    std::int64_t seconds = micros / 1'000'000;
    std::int64_t fraction = micros % 1'000'000;
    if (fraction < 0) {
        fraction += 1'000'000;
        --seconds;
    }
    QString text = QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    if (fraction)
        text += QStringLiteral(".%1").arg(fraction, 6, 10, QLatin1Char('0'));
    return text;
}

} // namespace isotime
