#pragma once

#include <QWidget>
#include <optional>

class QComboBox;
class QLabel;
class StoreSession;

/// Painted stacked bars of INSERT / MODIFY / REMOVE per time bucket. Drag across it to pick a time range.
class ActivityChart : public QWidget
{
    Q_OBJECT
public:
    explicit ActivityChart(StoreSession* session, QWidget* parent = nullptr);
    QSize sizeHint() const override { return {600, 160}; }
    QSize minimumSizeHint() const override { return {200, 100}; }
    /// The events table's time range, drawn as a band (nullopt = open end; both nullopt = none).
    void setFilterRange(std::optional<qint64> fromMicros, std::optional<qint64> toMicros);

Q_SIGNALS:
    /// `to` exclusive.
    void rangeSelected(qint64 fromMicros, qint64 toMicros);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    QRect plotRect() const;
    qint64 timeAt(double x) const;
    double xAt(qint64 micros) const;
    StoreSession* m_session;
    double m_dragStart = -1;
    double m_dragEnd = -1;
    std::optional<qint64> m_filterFrom;
    std::optional<qint64> m_filterTo;
};

/// The chart with its scope picker (whole store / selected key).
class ActivityPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ActivityPanel(StoreSession* session, QWidget* parent = nullptr);
    ActivityChart* chart() const { return m_chart; }
    void keyChanged(qint64 keyId);

private:
    void request();
    StoreSession* m_session;
    ActivityChart* m_chart;
    QComboBox* m_scope;
    qint64 m_keyId = 0;
};
