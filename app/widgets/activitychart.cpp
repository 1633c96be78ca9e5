#include "app/widgets/activitychart.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QVBoxLayout>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/eventstyle.h"

ActivityChart::ActivityChart(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
{
    setToolTip(tr("Events over time. Drag across the chart to show only that time range in the Events table."));
    setCursor(Qt::CrossCursor);
    connect(session, &StoreSession::activityReady, this, qOverload<>(&QWidget::update));
    connect(session, &StoreSession::closed, this, qOverload<>(&QWidget::update));
}

QRect ActivityChart::plotRect() const
{
    const int labelWidth = fontMetrics().horizontalAdvance(QStringLiteral("000000")) + 8;
    const int textHeight = fontMetrics().height();
    return rect().adjusted(labelWidth, textHeight + 6, -10, -(textHeight + 6));
}

qint64 ActivityChart::timeAt(double x) const
{
    const auto& buckets = m_session->activity();
    if (buckets.empty())
        return 0;
    const QRect plot = plotRect();
    const qint64 first = buckets.front().startMicros;
    const qint64 last = buckets.back().startMicros + m_session->activityBucketMicros();
    const double f = std::clamp((x - plot.left()) / std::max(1, plot.width()), 0.0, 1.0);
    const qint64 t = first + static_cast<qint64>(f * double(last - first));
    const qint64 w = m_session->activityBucketMicros();
    return w > 0 ? t - (t - first) % w : t;
}

double ActivityChart::xAt(qint64 micros) const
{
    const auto& buckets = m_session->activity();
    const QRect plot = plotRect();
    if (buckets.empty())
        return plot.left();
    const qint64 first = buckets.front().startMicros;
    const qint64 last = buckets.back().startMicros + m_session->activityBucketMicros();
    const double f = double(micros - first) / double(std::max<qint64>(last - first, 1));
    return plot.left() + plot.width() * std::clamp(f, 0.0, 1.0);
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
    const QColor text = palette().color(QPalette::Text);
    if (buckets.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter,
                   m_session->isOpen() ? tr("No timed events") : tr("Open a store to see its activity"));
        return;
    }
    const qint64 width = m_session->activityBucketMicros();
    const qint64 first = buckets.front().startMicros;
    const qint64 last = buckets.back().startMicros + width;
    std::int64_t maxTotal = 1;
    for (const auto& b : buckets)
        maxTotal = std::max(maxTotal, b.total());
    const double span = double(std::max<qint64>(last - first, 1));
    const double barWidth = std::max(1.0, plot.width() * double(width) / span - 1);
    for (const auto& b : buckets) {
        const double x = plot.left() + plot.width() * double(b.startMicros - first) / span;
        double y = plot.bottom();
        const std::int64_t parts[] = {b.inserts, b.modifies, b.removes - b.ttlRemoves, b.ttlRemoves};
        const QColor colors[] = {eventstyle::eventColor(0), eventstyle::eventColor(1), eventstyle::eventColor(2),
                                 eventstyle::eventColor(2, true)};
        for (int i = 0; i < 4; ++i) {
            if (parts[i] <= 0)
                continue;
            const double h = plot.height() * double(parts[i]) / double(maxTotal);
            p.fillRect(QRectF(x, y - h, barWidth, h), colors[i]);
            y -= h;
        }
    }
    p.setPen(palette().color(QPalette::Mid));
    p.drawLine(plot.bottomLeft(), plot.bottomRight());
    p.drawLine(plot.bottomLeft(), plot.topLeft());
    p.setPen(text);
    p.drawText(QRect(0, plot.top() - 4, plot.left() - 4, fontMetrics().height()), Qt::AlignRight,
               QString::number(maxTotal));
    p.drawText(QRect(0, plot.bottom() - fontMetrics().height(), plot.left() - 4, fontMetrics().height()),
               Qt::AlignRight, QStringLiteral("0"));
    const QRect timeRow(plot.left(), plot.bottom() + 3, plot.width(), fontMetrics().height());
    p.drawText(timeRow, Qt::AlignLeft, formatting::timeText(first).left(19));
    p.drawText(timeRow, Qt::AlignRight, formatting::timeText(last).left(19));
    // Legend
    int lx = plot.left();
    const QString labels[] = {tr("INSERT"), tr("MODIFY"), tr("REMOVE"), tr("TTL REMOVE")};
    for (int i = 0; i < 4; ++i) {
        p.fillRect(QRect(lx, 4, 10, 10), eventstyle::eventColor(i == 3 ? 2 : i, i == 3));
        p.drawText(QPoint(lx + 14, 4 + fontMetrics().ascent() - 2), labels[i]);
        lx += 24 + fontMetrics().horizontalAdvance(labels[i]);
    }
    p.drawText(QRect(lx, 0, plot.right() - lx, fontMetrics().height() + 4), Qt::AlignRight | Qt::AlignVCenter,
               tr("per %1 s · drag to filter").arg(double(width) / 1e6));
    if ((m_filterFrom || m_filterTo) && m_dragStart < 0) {
        // The events table's time range: a band with edges.
        const double a = m_filterFrom ? xAt(*m_filterFrom) : plot.left();
        const double b = m_filterTo ? xAt(*m_filterTo) : plot.right();
        QColor band = palette().color(QPalette::Highlight);
        band.setAlpha(45);
        p.fillRect(QRectF(QPointF(a, plot.top()), QPointF(std::max(a + 1, b), plot.bottom())), band);
        band.setAlpha(200);
        p.setPen(QPen(band, 1, Qt::DashLine));
        if (m_filterFrom)
            p.drawLine(QPointF(a, plot.top()), QPointF(a, plot.bottom()));
        if (m_filterTo)
            p.drawLine(QPointF(b, plot.top()), QPointF(b, plot.bottom()));
    }
    if (m_dragStart >= 0) {
        QColor sel = palette().color(QPalette::Highlight);
        sel.setAlpha(70);
        p.fillRect(QRectF(QPointF(std::min(m_dragStart, m_dragEnd), plot.top()),
                          QPointF(std::max(m_dragStart, m_dragEnd), plot.bottom())),
                   sel);
    }
}

void ActivityChart::mousePressEvent(QMouseEvent* event)
{
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
    const qint64 to = timeAt(b) + m_session->activityBucketMicros();
    Q_EMIT rangeSelected(from, to);
}

ActivityPanel::ActivityPanel(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_chart(new ActivityChart(session, this))
    , m_scope(new QComboBox(this))
{
    m_scope->addItem(tr("Whole store"));
    m_scope->addItem(tr("Selected key"));
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Activity of:"), this));
    top->addWidget(m_scope);
    top->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_chart, 1);
    connect(m_scope, &QComboBox::currentIndexChanged, this, &ActivityPanel::request);
    connect(session, &StoreSession::closed, this, [this]() {
        // The key belonged to the store that was open: the next one starts with its whole activity.
        m_keyId = 0;
        const QSignalBlocker block(m_scope);
        m_scope->setCurrentIndex(0);
    });
}

void ActivityPanel::keyChanged(qint64 keyId)
{
    m_keyId = keyId;
    if (m_scope->currentIndex() == 1)
        request();
}

void ActivityPanel::request()
{
    m_session->requestActivity(m_scope->currentIndex() == 1 ? m_keyId : 0);
}
