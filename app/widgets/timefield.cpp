#include "app/widgets/timefield.h"

#include <QAction>
#include <QCalendarWidget>
#include <QDateTime>
#include <QMenu>
#include <QStyle>
#include <QWidgetAction>

#include "app/viewmodels/isotime.h"

TimeField::TimeField(QWidget* parent)
    : QLineEdit(parent)
{
    setPlaceholderText(QStringLiteral("YYYY-MM-DD HH:MM:SS"));
    // Room for a full time to the second (a fraction scrolls), never elided.
    setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("0000-00-00 00:00:00")) + 36);
    auto* pick = addAction(style()->standardIcon(QStyle::SP_FileDialogDetailedView), QLineEdit::TrailingPosition);
    pick->setToolTip(tr("Pick a day from a calendar"));
    connect(pick, &QAction::triggered, this, &TimeField::showCalendar);
    connect(this, &QLineEdit::textEdited, this, &TimeField::textWasEdited);
    connect(this, &QLineEdit::editingFinished, this, [this]() {
        if (!m_invalid && m_micros)
            setText(isotime::format(*m_micros)); // the normalized form of what was typed
    });
}

void TimeField::setBaseToolTip(const QString& tip)
{
    m_tip = tip;
    setToolTip(tip);
}

void TimeField::setMicros(qint64 micros)
{
    m_micros = micros;
    setText(isotime::format(micros));
    setInvalid(false);
}

void TimeField::reset()
{
    m_micros.reset();
    clear();
    setInvalid(false);
}

void TimeField::textWasEdited(const QString& text)
{
    QString error;
    const auto parsed = isotime::parse(text, &error);
    if (!parsed) {
        setInvalid(true, error);
        return;
    }
    setInvalid(false);
    if (m_micros == parsed)
        return;
    m_micros = parsed;
    Q_EMIT microsEdited(*parsed);
}

void TimeField::setInvalid(bool invalid, const QString& reason)
{
    m_invalid = invalid;
    QPalette pal = palette();
    pal.setColor(QPalette::Text, invalid ? QColor(0xd0, 0x30, 0x30) : QPalette().color(QPalette::Text));
    setPalette(pal);
    setToolTip(invalid ? tr("Not applied: %1").arg(reason) : m_tip);
}

void TimeField::showCalendar()
{
    if (!m_calendarMenu) {
        m_calendarMenu = new QMenu(this);
        m_calendar = new QCalendarWidget(m_calendarMenu);
        auto* action = new QWidgetAction(m_calendarMenu);
        action->setDefaultWidget(m_calendar);
        m_calendarMenu->addAction(action);
        connect(m_calendar, &QCalendarWidget::activated, this, [this](QDate day) {
            m_calendarMenu->close();
            // Keep the time of day (and fraction) of the current value; a new day only.
            const qint64 current = m_micros.value_or(0);
            const qint64 dayMicros = 86'400'000'000;
            const qint64 timeOfDay = ((current % dayMicros) + dayMicros) % dayMicros;
            const qint64 micros = QDateTime(day, QTime(0, 0), Qt::UTC).toSecsSinceEpoch() * 1'000'000 + timeOfDay;
            setMicros(micros);
            Q_EMIT microsEdited(micros);
        });
    }
    if (m_micros)
        m_calendar->setSelectedDate(QDateTime::fromMSecsSinceEpoch(*m_micros / 1000, Qt::UTC).date());
    m_calendarMenu->popup(mapToGlobal(QPoint(0, height())));
}
