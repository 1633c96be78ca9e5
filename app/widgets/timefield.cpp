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
    auto* pick = addAction(style()->standardIcon(QStyle::SP_FileDialogDetailedView), QLineEdit::TrailingPosition);
    pick->setToolTip(tr("Pick a day from a calendar"));
    connect(pick, &QAction::triggered, this, &TimeField::showCalendar);
    connect(this, &QLineEdit::textEdited, this, &TimeField::textWasEdited);
    connect(this, &QLineEdit::editingFinished, this, [this]() {
        if (!m_invalid && m_micros)
            setText(isotime::format(*m_micros)); // the normalized form of what was typed
    });
}

int TimeField::widthFor(int fractionDigits) const
{
    const QFontMetrics fm = fontMetrics();
    QChar widest = QLatin1Char('0');
    for (char digit = '1'; digit <= '9'; ++digit)
        if (fm.horizontalAdvance(QLatin1Char(digit)) > fm.horizontalAdvance(widest))
            widest = QLatin1Char(digit);
    QString time = QStringLiteral("0000-00-00 00:00:00");
    if (fractionDigits > 0)
        time += QLatin1Char('.') + QString(fractionDigits, QLatin1Char('0'));
    time.replace(QLatin1Char('0'), widest);
    // QLineEdit's own hint holds 17 'x' besides its frame, margins and the calendar button: the same less the 'x',
    // with the time instead (a pixel to spare: the text is laid out in fractional pixels).
    const int chrome = QLineEdit::sizeHint().width() - 17 * fm.horizontalAdvance(QLatin1Char('x'));
    return chrome + fm.horizontalAdvance(time) + 1;
}

QSize TimeField::sizeHint() const
{
    return {widthFor(6), QLineEdit::sizeHint().height()};
}

QSize TimeField::minimumSizeHint() const
{
    return {widthFor(3), QLineEdit::minimumSizeHint().height()};
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
