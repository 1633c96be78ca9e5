#include "app/widgets/timelinepanel.h"

#include <QHeaderView>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/columnfit.h"
#include "app/widgets/eventstyle.h"

TimeStrip::TimeStrip(TimelineModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
{
    setToolTip(tr("Versions over time: green INSERT, blue MODIFY, red REMOVE, purple TTL remove. Click to select."));
    connect(model, &QAbstractItemModel::modelReset, this, [this]() {
        // Time-proportional when every version has a time, otherwise evenly spaced (decided once per key).
        const auto& versions = m_model->heads();
        m_timed = versions.size() >= 2 && versions.front().timeMicros && versions.back().timeMicros
            && *versions.back().timeMicros > *versions.front().timeMicros
            && std::all_of(versions.begin(), versions.end(), [](const VersionHead& v) { return v.timeMicros; });
        update();
    });
    connect(model, &QAbstractItemModel::dataChanged, this, qOverload<>(&QWidget::update)); // audit marks
}

void TimeStrip::setSelectedRows(QList<int> rows)
{
    m_selected = std::move(rows);
    update();
}

double TimeStrip::xOf(int row) const
{
    const auto& versions = m_model->heads();
    const double left = 12;
    const double width = std::max(1.0, double(this->width()) - 24);
    if (versions.size() < 2)
        return left + width / 2;
    const auto first = versions.front().timeMicros;
    const auto last = versions.back().timeMicros;
    const auto& v = versions[static_cast<std::size_t>(row)];
    if (m_timed)
        return left + width * double(*v.timeMicros - *first) / double(*last - *first);
    return left + width * row / double(versions.size() - 1);
}

void TimeStrip::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const int mid = height() / 2;
    const auto& versions = m_model->heads();
    if (versions.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("The selected key's versions appear here along a time line"));
        return;
    }
    p.setPen(QPen(palette().color(QPalette::Mid), 2));
    p.drawLine(8, mid, width() - 8, mid);
    for (int row = 0; row < static_cast<int>(versions.size()); ++row) {
        const auto& v = versions[static_cast<std::size_t>(row)];
        const QPointF c(xOf(row), mid);
        p.setPen(Qt::NoPen);
        p.setBrush(eventstyle::eventColor(int(v.eventName), v.ttl));
        p.drawEllipse(c, 5, 5);
        if (const VersionAudit* audit = m_model->auditAt(row); audit && audit->worstSeverity >= 0) {
            p.setBrush(eventstyle::severityColor(audit->worstSeverity));
            p.drawRect(QRectF(c.x() - 3, mid - 16, 6, 6));
        }
        if (m_selected.contains(row)) {
            p.setBrush(Qt::NoBrush);
            p.setPen(QPen(palette().color(QPalette::Highlight), 2));
            p.drawEllipse(c, 9, 9);
        }
    }
    p.setPen(palette().color(QPalette::WindowText));
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(f);
    const QRect textRect(8, mid + 8, width() - 16, height() - mid - 8);
    p.drawText(textRect, Qt::AlignLeft | Qt::AlignTop, formatting::timeText(versions.front().timeMicros).left(19));
    if (versions.size() > 1)
        p.drawText(textRect, Qt::AlignRight | Qt::AlignTop, formatting::timeText(versions.back().timeMicros).left(19));
}

void TimeStrip::mousePressEvent(QMouseEvent* event)
{
    const auto n = static_cast<int>(m_model->heads().size());
    int best = -1;
    double bestDistance = 1e9;
    for (int row = 0; row < n; ++row) {
        const double d = std::abs(xOf(row) - event->position().x());
        if (d < bestDistance) {
            bestDistance = d;
            best = row;
        }
    }
    if (best >= 0)
        Q_EMIT rowClicked(best);
}

TimelinePanel::TimelinePanel(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_title(new QLabel(this))
    , m_view(new QTableView(this))
    , m_strip(new TimeStrip(session->timelineModel(), this))
{
    m_title->setTextFormat(Qt::RichText);
    m_view->setModel(session->timelineModel());
    m_view->setItemDelegate(new EventKindDelegate(TimelineModel::EventColumn, m_view));
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setWordWrap(false);
    auto* header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(true);
    // Widths from what the columns show (fixed widths of 620 px left the Audit column outside a 1024x700 window's
    // view, behind a horizontal scroll bar); the Audit column takes the rest.
    const QFontMetrics fm = m_view->fontMetrics();
    const int margin = 2 * (m_view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_view) + 1) + 2;
    const auto fit = [&](int column, const QString& text) {
        const QString title = session->timelineModel()->headerData(column, Qt::Horizontal).toString();
        m_view->setColumnWidth(column, std::max(fm.horizontalAdvance(text), fm.horizontalAdvance(title)) + margin);
    };
    fit(TimelineModel::IndexColumn, QStringLiteral("000"));
    fit(TimelineModel::TimeColumn, QStringLiteral("2026-11-01 09:00:00.000000"));
    QFont bold = m_view->font(); // the Event column's text is bold
    bold.setBold(true);
    m_view->setColumnWidth(TimelineModel::EventColumn,
                           QFontMetrics(bold).horizontalAdvance(QStringLiteral("REMOVE (TTL)")) + margin);
    fit(TimelineModel::ChangedColumn, QStringLiteral("000"));
    const auto fitSequence = [this]() {
        columnfit::fitNumberColumn(m_view, TimelineModel::SequenceColumn, -1, 0,
                                   QStringLiteral("400000000000000000001"), true);
    };
    fitSequence();
    connect(session->timelineModel(), &QAbstractItemModel::modelReset, this, fitSequence);
    m_view->setToolTip(tr("Up/Down steps through versions; Ctrl+click a second version to compare any two."));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_strip);
    layout->addWidget(m_view, 1);

    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &TimelinePanel::onSelectionChanged);
    connect(m_strip, &TimeStrip::rowClicked, this, [this](int row) { m_view->selectRow(row); });
    connect(session, &StoreSession::historyReady, this, [this](qint64 keyId) {
        const auto& key = m_session->currentKey();
        const int n = m_session->timelineModel()->rowCount();
        m_title->setText(key ? tr("<b>%1</b> · %2 — %3 &nbsp; <span style=\"color:%4\">Up/Down steps through "
                                  "the versions; Ctrl+click a second one to compare any two</span>")
                                   .arg(m_session->tableName(key->tableId).toHtmlEscaped(),
                                        formatting::fromStd(key->displayText).toHtmlEscaped(),
                                        formatting::count(n, "version", "versions"),
                                        eventstyle::composite(palette().color(QPalette::PlaceholderText),
                                                              palette().color(QPalette::Window))
                                            .name())
                             : QString());
        // The same key read again (File ▸ Refresh, an import): the version the user had selected stays selected
        // while it exists (it reopened at the last version).
        const qint64 record = m_pendingRecord ? m_pendingRecord : (keyId == m_shownKey ? m_shownRecord : 0);
        selectRecord(record);
        m_pendingRecord = 0;
    });
    connect(session, &StoreSession::closed, this, [this]() { m_shownKey = m_shownRecord = 0; });
    connect(session, &StoreSession::closed, this, &TimelinePanel::showHint);
    connect(session, &StoreSession::opened, this, &TimelinePanel::showHint);
    showHint();
}

void TimelinePanel::showHint()
{
    m_title->setWordWrap(true);
    if (!m_session->isOpen())
        m_title->setText(tr("<b>No store open.</b> Import a capture with <b>File ▸ Import Capture(s)…</b> (Ctrl+I) "
                            "or drop capture files or folders on this window; open an existing store with "
                            "<b>File ▸ Open Store…</b> (Ctrl+O)."));
    else
        m_title->setText(tr("<b>No key selected.</b> Pick a key in the list on the left (type to filter it), or a "
                            "row in the <b>Events</b> tab, to walk its versions here (Up/Down) with the diff "
                            "below."));
}

void TimelinePanel::selectRecord(qint64 recordId)
{
    auto* model = m_session->timelineModel();
    if (model->rowCount() == 0) {
        m_pendingRecord = recordId;
        return;
    }
    int row = recordId ? model->rowOfRecord(recordId) : -1;
    if (row < 0)
        row = model->rowCount() - 1;
    const auto* selection = m_view->selectionModel();
    const bool already = selection->selectedRows().size() == 1 && selection->isRowSelected(row, {});
    m_view->selectRow(row);
    m_view->scrollTo(model->index(row, 0));
    if (already)
        emitComparison(); // no selection change to announce it, and the diff may show something else
}

bool TimelinePanel::emitComparison()
{
    if (!m_view->selectionModel()->hasSelection())
        return false;
    onSelectionChanged();
    return true;
}

bool TimelinePanel::step(int delta)
{
    const int n = m_session->timelineModel()->rowCount();
    if (n == 0)
        return false;
    const int current = m_view->currentIndex().isValid() ? m_view->currentIndex().row() : n - 1;
    const int row = std::clamp(current + delta, 0, n - 1);
    if (row == current && m_view->selectionModel()->isRowSelected(row, {}))
        return false;
    m_view->selectRow(row);
    m_view->scrollTo(m_session->timelineModel()->index(row, 0));
    return true;
}

void TimelinePanel::onSelectionChanged()
{
    QList<int> rows;
    for (const QModelIndex& index : m_view->selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end());
    m_strip->setSelectedRows(rows);
    if (rows.isEmpty())
        return;
    if (const auto* shown = m_session->timelineModel()->versionAt(rows.back())) {
        m_shownKey = m_session->currentKeyId();
        m_shownRecord = shown->recordId;
    }
    if (rows.size() == 1)
        Q_EMIT comparisonChanged(-1, rows.front());
    else
        Q_EMIT comparisonChanged(rows.front(), rows.back());
}
