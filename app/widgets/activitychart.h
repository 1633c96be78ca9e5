#pragma once

#include <QWidget>
#include <optional>
#include <utility>
#include <vector>

class QComboBox;
class QLabel;
class QToolButton;
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
    std::optional<qint64> filterFrom() const { return m_filterFrom; }
    std::optional<qint64> filterTo() const { return m_filterTo; }

    /// A bucket width in words: "1 ms", "1 s", "15 s", "1 min", "5 min", "1 h", "6 h", "1 day", "1 week",
    /// "30 days", "1 year" (any other width in the largest whole unit, e.g. "90 s", "2 h").
    static QString binText(qint64 micros);
    /// The one axis caption: "events per 1 min".
    QString axisLabel() const;
    /// The time span the x axis shows: the zoomed span, else first bucket start to last bucket end.
    std::pair<qint64, qint64> span() const;
    /// Index into the session's activity of the bar under x (widget coordinates), -1 when none.
    int bucketAt(double x) const;
    /// What the tooltip says over x: the bar's time span and its counts; "" when no bar is there.
    QString tooltipAt(double x) const;
    /// The x position of a time (clamped to the plot).
    double xAt(qint64 micros) const;
    QRect plotRect() const;
    /// Where the legend (INSERT, MODIFY, REMOVE, TTL REMOVE) and the axis caption are drawn: one line when both fit
    /// side by side, else the caption on a second line above the plot (it overlapped the legend in narrow docks).
    QRect legendRect() const;
    QRect axisLabelRect() const;

Q_SIGNALS:
    /// `to` exclusive.
    void rangeSelected(qint64 fromMicros, qint64 toMicros);
    /// A Shift+drag: show only [from, to) (the panel zooms).
    void zoomRequested(qint64 fromMicros, qint64 toMicros);

protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    /// The legend's entries and its width: a swatch and a gap before each label.
    static QStringList legendLabels();
    int legendWidth() const;
    bool captionOnOwnLine() const;
    qint64 timeAt(double x) const;
    void paintBars(QPainter& p, const QRect& plot, std::int64_t maxTotal);
    void paintAxes(QPainter& p, const QRect& plot, std::int64_t maxTotal);
    void paintBand(QPainter& p, const QRect& plot);
    StoreSession* m_session;
    double m_dragStart = -1;
    double m_dragEnd = -1;
    bool m_zoomDrag = false;
    std::optional<qint64> m_filterFrom;
    std::optional<qint64> m_filterTo;
};

/// The chart with its scope picker (whole store / selected key) and zoom: Zoom In shows only the selected time
/// range (the band) in finer bins, Zoom Out goes back one step, Reset Zoom to the whole span.
class ActivityPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ActivityPanel(StoreSession* session, QWidget* parent = nullptr);
    ActivityChart* chart() const { return m_chart; }
    void keyChanged(qint64 keyId);
    /// Zooms into the chart's band (the events table's time range); false when there is none.
    bool zoomIn();
    /// Back to the previous zoom (the whole span after the first zoom); false when not zoomed.
    bool zoomOut();
    void resetZoom();
    /// Zoom steps taken (0 = the whole span).
    int zoomDepth() const { return static_cast<int>(m_zooms.size()); }
    QToolButton* zoomInButton() const { return m_zoomIn; }
    QToolButton* zoomOutButton() const { return m_zoomOut; }
    QToolButton* zoomResetButton() const { return m_zoomReset; }

private:
    void request();
    void updateButtons();
    StoreSession* m_session;
    ActivityChart* m_chart;
    QComboBox* m_scope;
    QToolButton* m_zoomIn;
    QToolButton* m_zoomOut;
    QToolButton* m_zoomReset;
    qint64 m_keyId = 0;
    std::vector<std::pair<qint64, qint64>> m_zooms; ///< each zoom's [from, to)
};
