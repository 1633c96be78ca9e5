#pragma once

#include <QLineEdit>
#include <optional>

class QCalendarWidget;
class QMenu;

/// A UTC time typed, pasted or picked from a calendar: accepts ISO-8601 as people write it ("2026-11-01 09:30:00",
/// with or without T / Z / a fraction / an offset; see isotime::parse) and keeps it exactly, to the microsecond.
/// Text that is not a time is marked and not applied (its reason in the tooltip).
class TimeField : public QLineEdit
{
    Q_OBJECT
public:
    explicit TimeField(QWidget* parent = nullptr);
    /// The last accepted value (nullopt before one was set or typed).
    std::optional<qint64> micros() const { return m_micros; }
    /// Shows `micros` (no signal).
    void setMicros(qint64 micros);
    /// No value, empty text.
    void reset();
    /// True while the text is not a time.
    bool isInvalid() const { return m_invalid; }
    void setBaseToolTip(const QString& tip);
    /// Wide enough for a time with microseconds ("2026-11-01 09:41:40.500000", what the field shows once a time is
    /// taken), from the font's metrics.
    QSize sizeHint() const override;
    /// Wide enough for a time with milliseconds ("2026-11-01 09:41:40.500", as typed), from the font's metrics.
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    /// The user typed, pasted or picked a (valid) time.
    void microsEdited(qint64 micros);

private:
    /// The field's width where `fractionDigits` digits of a second show whole beside the calendar button.
    int widthFor(int fractionDigits) const;
    void textWasEdited(const QString& text);
    void showCalendar();
    void setInvalid(bool invalid, const QString& reason = {});
    std::optional<qint64> m_micros;
    bool m_invalid = false;
    QString m_tip;
    QMenu* m_calendarMenu = nullptr;
    QCalendarWidget* m_calendar = nullptr;
};
