#include "app/widgets/activitychart.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/eventstyle.h"

namespace {
constexpr qint64 kSecond = 1'000'000;

/// "2026-11-01 09:00:00 – 09:01:00" (the second end without its date when the day is the same); fractions only
/// for bins under a second.
QString spanText(qint64 from, qint64 to, qint64 width)
{
    const int chars = width >= kSecond ? 19 : 26;
    const QString a = formatting::timeText(from).left(chars);
    const QString b = formatting::timeText(to).left(chars);
    return a + QStringLiteral(" – ") + (a.left(10) == b.left(10) ? b.mid(11) : b);
}
} // namespace

ActivityChart::ActivityChart(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
{
    setToolTip(tr("Events over time; point at a bar for its counts. Drag across the chart to show only that time "
                  "range in the Events table (Shift+drag zooms into it)."));
    setCursor(Qt::CrossCursor);
    connect(session, &StoreSession::activityReady, this, qOverload<>(&QWidget::update));
    connect(session, &StoreSession::closed, this, qOverload<>(&QWidget::update));
}

QString ActivityChart::binText(qint64 micros)
{
    struct Unit
    {
        qint64 micros;
        const char* one;
        const char* many;
    };
    static const Unit units[] = {{qint64{365} * 86'400 * kSecond, "year", "years"},
                                 {qint64{7} * 86'400 * kSecond, "week", "weeks"},
                                 {86'400 * kSecond, "day", "days"},
                                 {3600 * kSecond, "h", "h"},
                                 {60 * kSecond, "min", "min"},
                                 {kSecond, "s", "s"},
                                 {1000, "ms", "ms"},
                                 {1, "µs", "µs"}};
    for (const Unit& u : units)
        if (micros >= u.micros && micros % u.micros == 0)
            return QStringLiteral("%L1 %2")
                .arg(micros / u.micros)
                .arg(QString::fromUtf8(micros == u.micros ? u.one : u.many));
    return QStringLiteral("%L1 µs").arg(micros);
}

QString ActivityChart::axisLabel() const
{
    const qint64 width = m_session->activityBucketMicros();
    return width > 0 ? tr("events per %1").arg(binText(width)) : tr("events");
}

QRect ActivityChart::plotRect() const
{
    const int labelWidth = fontMetrics().horizontalAdvance(QStringLiteral("000000")) + 8;
    const int textHeight = fontMetrics().height();
    const int top = (textHeight + 6) * (captionOnOwnLine() ? 2 : 1);
    return rect().adjusted(labelWidth, top, -10, -(textHeight + 6));
}

QStringList ActivityChart::legendLabels()
{
    return {tr("INSERT"), tr("MODIFY"), tr("REMOVE"), tr("TTL REMOVE")};
}

int ActivityChart::legendWidth() const
{
    int width = 0;
    for (const QString& label : legendLabels())
        width += 24 + fontMetrics().horizontalAdvance(label);
    return width;
}

bool ActivityChart::captionOnOwnLine() const
{
    const int labelWidth = fontMetrics().horizontalAdvance(QStringLiteral("000000")) + 8;
    return labelWidth + legendWidth() + fontMetrics().horizontalAdvance(axisLabel()) > width() - 10;
}

QRect ActivityChart::legendRect() const
{
    const int left = fontMetrics().horizontalAdvance(QStringLiteral("000000")) + 8;
    return {left, 0, legendWidth(), fontMetrics().height() + 4};
}

QRect ActivityChart::axisLabelRect() const
{
    const int textWidth = fontMetrics().horizontalAdvance(axisLabel());
    const int lineHeight = fontMetrics().height() + 4;
    const int right = width() - 10;
    return {right - textWidth, captionOnOwnLine() ? lineHeight : 0, textWidth, lineHeight};
}

std::pair<qint64, qint64> ActivityChart::span() const
{
    if (const auto& zoom = m_session->activityZoom())
        return *zoom;
    const auto& buckets = m_session->activity();
    if (buckets.empty())
        return {0, 0};
    return {buckets.front().startMicros, buckets.back().startMicros + m_session->activityBucketMicros()};
}

qint64 ActivityChart::timeAt(double x) const
{
    const auto [first, last] = span();
    const QRect plot = plotRect();
    const double f = std::clamp((x - plot.left()) / std::max(1, plot.width()), 0.0, 1.0);
    const qint64 t = first + static_cast<qint64>(f * double(last - first));
    const qint64 w = m_session->activityBucketMicros();
    return w > 0 ? t - (t - first) % w : t;
}

double ActivityChart::xAt(qint64 micros) const
{
    const auto [first, last] = span();
    const QRect plot = plotRect();
    const double f = double(micros - first) / double(std::max<qint64>(last - first, 1));
    return plot.left() + plot.width() * std::clamp(f, 0.0, 1.0);
}

int ActivityChart::bucketAt(double x) const
{
    const auto& buckets = m_session->activity();
    const qint64 width = m_session->activityBucketMicros();
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        const double a = xAt(buckets[i].startMicros);
        const double b = std::max(a + 1.0, xAt(buckets[i].startMicros + width));
        if (x >= a - 0.5 && x < b + 0.5)
            return static_cast<int>(i);
    }
    return -1;
}

QString ActivityChart::tooltipAt(double x) const
{
    const int i = bucketAt(x);
    if (i < 0)
        return {};
    const auto& b = m_session->activity()[static_cast<std::size_t>(i)];
    const qint64 width = m_session->activityBucketMicros();
    QStringList parts;
    if (b.inserts)
        parts << tr("%L1 INSERT").arg(b.inserts);
    if (b.modifies)
        parts << tr("%L1 MODIFY").arg(b.modifies);
    if (b.removes)
        parts << (b.ttlRemoves ? tr("%L1 REMOVE (%L2 by TTL)").arg(b.removes).arg(b.ttlRemoves)
                               : tr("%L1 REMOVE").arg(b.removes));
    if (b.snapshots)
        parts << tr("%L1 SNAPSHOT").arg(b.snapshots);
    return tr("%1 UTC (%2)\n%3: %4")
        .arg(spanText(b.startMicros, b.startMicros + width, width), binText(width),
             formatting::count(b.total(), "event", "events"), parts.join(QStringLiteral(", ")));
}

bool ActivityChart::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = tooltipAt(help->pos().x());
        QToolTip::showText(help->globalPos(), text.isEmpty() ? toolTip() : text, this);
        return true;
    }
    return QWidget::event(event);
}

void ActivityChart::setFilterRange(std::optional<qint64> fromMicros, std::optional<qint64> toMicros)
{
    m_filterFrom = fromMicros;
    m_filterTo = toMicros;
    update();
}

void ActivityChart::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    const auto& buckets = m_session->activity();
    const QRect plot = plotRect();
    if (buckets.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter,
                   m_session->isOpen() ? tr("No timed events") : tr("Open a store to see its activity"));
        return;
    }
    std::int64_t maxTotal = 1;
    for (const auto& b : buckets)
        maxTotal = std::max(maxTotal, b.total());
    paintBars(p, plot, maxTotal);
    if ((m_filterFrom || m_filterTo) && m_dragStart < 0)
        paintBand(p, plot);
    paintAxes(p, plot, maxTotal);
    if (m_dragStart >= 0) {
        QColor sel = palette().color(QPalette::Highlight);
        sel.setAlpha(90);
        p.fillRect(QRectF(QPointF(std::min(m_dragStart, m_dragEnd), plot.top()),
                          QPointF(std::max(m_dragStart, m_dragEnd), plot.bottom())),
                   sel);
    }
}

void ActivityChart::paintBars(QPainter& p, const QRect& plot, std::int64_t maxTotal)
{
    const qint64 width = m_session->activityBucketMicros();
    const QColor colors[] = {eventstyle::eventColor(0), eventstyle::eventColor(1), eventstyle::eventColor(2),
                             eventstyle::eventColor(2, true), eventstyle::eventColor(3)};
    for (const auto& b : m_session->activity()) {
        const double x = xAt(b.startMicros);
        const double barWidth = std::max(1.0, xAt(b.startMicros + width) - x - 1);
        double y = plot.bottom();
        const std::int64_t parts[] = {b.inserts, b.modifies, b.removes - b.ttlRemoves, b.ttlRemoves, b.snapshots};
        for (int i = 0; i < 5; ++i) {
            if (parts[i] <= 0)
                continue;
            const double h = plot.height() * double(parts[i]) / double(maxTotal);
            p.fillRect(QRectF(x, y - h, barWidth, h), colors[i]);
            y -= h;
        }
    }
}

/// The axes, one count label (the highest bar), the span's first and last time, the legend and the one axis
/// caption ("events per 1 min").
void ActivityChart::paintAxes(QPainter& p, const QRect& plot, std::int64_t maxTotal)
{
    const auto [first, last] = span();
    p.setPen(palette().color(QPalette::Mid));
    p.drawLine(plot.bottomLeft(), plot.bottomRight());
    p.drawLine(plot.bottomLeft(), plot.topLeft());
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRect(0, plot.top() - 4, plot.left() - 4, fontMetrics().height()), Qt::AlignRight,
               QStringLiteral("%L1").arg(maxTotal));
    const QRect timeRow(plot.left(), plot.bottom() + 3, plot.width(), fontMetrics().height());
    const int chars = m_session->activityBucketMicros() >= kSecond ? 19 : 26;
    p.drawText(timeRow, Qt::AlignLeft, formatting::timeText(first).left(chars));
    p.drawText(timeRow, Qt::AlignRight, formatting::timeText(last).left(chars));
    int lx = legendRect().left();
    const QStringList labels = legendLabels();
    for (int i = 0; i < labels.size(); ++i) {
        p.fillRect(QRect(lx, 4, 10, 10), eventstyle::eventColor(i == 3 ? 2 : i, i == 3));
        p.drawText(QPoint(lx + 14, 4 + fontMetrics().ascent() - 2), labels[i]);
        lx += 24 + fontMetrics().horizontalAdvance(labels[i]);
    }
    p.drawText(axisLabelRect(), Qt::AlignRight | Qt::AlignVCenter, axisLabel());
}

/// The events table's time range: what lies outside is dimmed, the range itself tinted with solid edges, so the
/// band shows on dense data too.
void ActivityChart::paintBand(QPainter& p, const QRect& plot)
{
    const double a = m_filterFrom ? xAt(*m_filterFrom) : plot.left();
    const double b = std::max(a + 1, m_filterTo ? xAt(*m_filterTo) : double(plot.right()));
    QColor dim = palette().color(QPalette::Base);
    dim.setAlpha(170);
    p.fillRect(QRectF(QPointF(plot.left(), plot.top()), QPointF(a, plot.bottom())), dim);
    p.fillRect(QRectF(QPointF(b, plot.top()), QPointF(plot.right() + 1, plot.bottom())), dim);
    QColor band = palette().color(QPalette::Highlight);
    band.setAlpha(55);
    p.fillRect(QRectF(QPointF(a, plot.top()), QPointF(b, plot.bottom())), band);
    band.setAlpha(255);
    p.setPen(QPen(band, 2));
    if (m_filterFrom)
        p.drawLine(QPointF(a, plot.top()), QPointF(a, plot.bottom()));
    if (m_filterTo)
        p.drawLine(QPointF(b, plot.top()), QPointF(b, plot.bottom()));
}

void ActivityChart::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return;
    m_zoomDrag = event->modifiers().testFlag(Qt::ShiftModifier);
    m_dragStart = m_dragEnd = event->position().x();
    update();
}

void ActivityChart::mouseMoveEvent(QMouseEvent* event)
{
    if (m_dragStart < 0)
        return;
    m_dragEnd = event->position().x();
    update();
}

void ActivityChart::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_dragStart < 0)
        return;
    m_dragEnd = event->position().x();
    const double a = std::min(m_dragStart, m_dragEnd);
    const double b = std::max(m_dragStart, m_dragEnd);
    m_dragStart = m_dragEnd = -1;
    update();
    if (b - a < 3 || m_session->activity().empty())
        return;
    const qint64 from = timeAt(a);
    const qint64 to = std::min(timeAt(b) + m_session->activityBucketMicros(), span().second);
    if (m_zoomDrag)
        Q_EMIT zoomRequested(from, to);
    else
        Q_EMIT rangeSelected(from, to);
}

ActivityPanel::ActivityPanel(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_chart(new ActivityChart(session, this))
    , m_scope(new QComboBox(this))
    , m_zoomIn(new QToolButton(this))
    , m_zoomOut(new QToolButton(this))
    , m_zoomReset(new QToolButton(this))
{
    m_scope->addItem(tr("Whole store"));
    m_scope->addItem(tr("Selected key"));
    m_zoomIn->setText(tr("Zoom In"));
    m_zoomIn->setToolTip(tr("Show only the selected time range, in finer bins (or Shift+drag across the chart)"));
    m_zoomOut->setText(tr("Zoom Out"));
    m_zoomOut->setToolTip(tr("Back to the span shown before the last zoom"));
    m_zoomReset->setText(tr("Whole Span"));
    m_zoomReset->setToolTip(tr("Show the whole time span again"));
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Activity of:"), this));
    top->addWidget(m_scope);
    top->addStretch(1);
    top->addWidget(m_zoomIn);
    top->addWidget(m_zoomOut);
    top->addWidget(m_zoomReset);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_chart, 1);
    connect(m_scope, &QComboBox::currentIndexChanged, this, &ActivityPanel::request);
    connect(m_zoomIn, &QToolButton::clicked, this, &ActivityPanel::zoomIn);
    connect(m_zoomOut, &QToolButton::clicked, this, &ActivityPanel::zoomOut);
    connect(m_zoomReset, &QToolButton::clicked, this, &ActivityPanel::resetZoom);
    connect(m_chart, &ActivityChart::zoomRequested, this, [this](qint64 from, qint64 to) {
        m_zooms.emplace_back(from, to);
        request();
    });
    connect(session, &StoreSession::activityReady, this, [this]() {
        // Only the newest request's answer arrives: an unzoomed one after zooming means a store refresh asked for
        // the whole span again (StoreSession::refreshOverview), so the zoom steps no longer describe the chart.
        if (!m_session->activityZoom())
            m_zooms.clear();
        updateButtons();
    });
    connect(session, &StoreSession::closed, this, [this]() {
        // The key and the zoom belonged to the store that was open: the next one starts with its whole activity.
        m_keyId = 0;
        m_zooms.clear();
        const QSignalBlocker block(m_scope);
        m_scope->setCurrentIndex(0);
        updateButtons();
    });
    updateButtons();
}

void ActivityPanel::keyChanged(qint64 keyId)
{
    m_keyId = keyId;
    if (m_scope->currentIndex() == 1)
        request();
}

bool ActivityPanel::zoomIn()
{
    if (m_session->activity().empty() || (!m_chart->filterFrom() && !m_chart->filterTo()))
        return false;
    const auto [first, last] = m_chart->span();
    const qint64 from = std::max(m_chart->filterFrom().value_or(first), first);
    const qint64 to = std::min(m_chart->filterTo().value_or(last), last);
    if (to <= from)
        return false;
    m_zooms.emplace_back(from, to);
    request();
    return true;
}

bool ActivityPanel::zoomOut()
{
    if (m_zooms.empty())
        return false;
    m_zooms.pop_back();
    request();
    return true;
}

void ActivityPanel::resetZoom()
{
    if (m_zooms.empty())
        return;
    m_zooms.clear();
    request();
}

void ActivityPanel::updateButtons()
{
    const bool any = !m_session->activity().empty();
    m_zoomIn->setEnabled(any);
    m_zoomOut->setEnabled(!m_zooms.empty());
    m_zoomReset->setEnabled(!m_zooms.empty());
}

void ActivityPanel::request()
{
    std::optional<std::pair<std::int64_t, std::int64_t>> zoom;
    if (!m_zooms.empty())
        zoom = m_zooms.back();
    m_session->requestActivity(m_scope->currentIndex() == 1 ? m_keyId : 0, zoom);
    updateButtons();
}
