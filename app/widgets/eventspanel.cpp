#include "app/widgets/eventspanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableView>
#include <QTextCursor>
#include <QTextDocument>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/eventstyle.h"

using formatting::fromStd;

namespace {
constexpr const char* kDateFormat = "yyyy-MM-dd HH:mm:ss";

QDateTime utcOf(qint64 micros)
{
    return QDateTime::fromMSecsSinceEpoch(micros / 1000, Qt::UTC);
}
} // namespace

EventsPanel::EventsPanel(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_table(new QComboBox(this))
    , m_text(new QLineEdit(this))
    , m_inRaw(new QCheckBox(tr("Search raw records"), this))
    , m_fromOn(new QCheckBox(tr("From"), this))
    , m_fromEdit(new QDateTimeEdit(this))
    , m_toOn(new QCheckBox(tr("To"), this))
    , m_toEdit(new QDateTimeEdit(this))
    , m_clearRange(new QToolButton(this))
    , m_count(new QLabel(this))
    , m_view(new QTableView(this))
    , m_raw(new QPlainTextEdit(this))
    , m_split(new QSplitter(Qt::Vertical, this))
    , m_debounce(new QTimer(this))
{
    static const char* const names[] = {"INSERT", "MODIFY", "REMOVE", "SNAPSHOT"};
    auto* tools = new QHBoxLayout;
    tools->addWidget(new QLabel(tr("Table:"), this));
    m_table->setMinimumContentsLength(12);
    tools->addWidget(m_table);
    for (int i = 0; i < 4; ++i) {
        m_types[i] = new QCheckBox(QString::fromLatin1(names[i]), this);
        m_types[i]->setChecked(true);
        tools->addWidget(m_types[i]);
        connect(m_types[i], &QCheckBox::toggled, this, &EventsPanel::applyFilter);
    }
    m_text->setPlaceholderText(tr("Filter: key, event ID or sequence number (Ctrl+F)…"));
    m_text->setClearButtonEnabled(true);
    tools->addWidget(m_text, 1);
    m_inRaw->setToolTip(tr("Also match the text anywhere in the record as delivered (attribute values, ARNs…). "
                           "Slower: scans every record in the background."));
    tools->addWidget(m_inRaw);

    auto* range = new QHBoxLayout;
    range->addWidget(new QLabel(tr("Time (UTC):"), this));
    const auto addRangeEdit = [this, range](QCheckBox* box, QDateTimeEdit* edit, const QString& tip) {
        box->setToolTip(tip);
        edit->setToolTip(tip + tr(". Drag across the activity chart to set both ends."));
        edit->setTimeSpec(Qt::UTC);
        edit->setDisplayFormat(QString::fromLatin1(kDateFormat));
        edit->setCalendarPopup(true);
        edit->setEnabled(false);
        range->addWidget(box);
        range->addWidget(edit);
        connect(box, &QCheckBox::toggled, this, [this, edit](bool on) {
            edit->setEnabled(on);
            rangeEdited();
        });
        connect(edit, &QDateTimeEdit::dateTimeChanged, this, &EventsPanel::rangeEdited);
    };
    addRangeEdit(m_fromOn, m_fromEdit, tr("Only events at or after this time (UTC)"));
    addRangeEdit(m_toOn, m_toEdit, tr("Only events before this time (UTC, exclusive)"));
    m_clearRange->setText(tr("Clear"));
    m_clearRange->setToolTip(tr("Clear the time range"));
    range->addWidget(m_clearRange);
    range->addStretch(1);
    range->addWidget(m_count);
    updateColors();

    m_view->setModel(session->eventModel());
    m_view->setItemDelegate(new EventKindDelegate(EventTableModel::EventColumn, m_view));
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setWordWrap(false);
    m_view->setAlternatingRowColors(true);
    auto* header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(true);
    header->setSortIndicatorShown(true);
    header->setSectionsClickable(true);
    header->setSortIndicator(-1, Qt::AscendingOrder);
    header->setToolTip(tr("Click Time or Sequence number to sort (other columns are not indexed)"));
    m_view->setColumnWidth(EventTableModel::TimeColumn, 200);
    m_view->setColumnWidth(EventTableModel::TableColumn, 110);
    m_view->setColumnWidth(EventTableModel::KeyColumn, 240);
    m_view->setColumnWidth(EventTableModel::EventColumn, 110);
    m_view->setColumnWidth(EventTableModel::SequenceColumn, 220);

    m_raw->setReadOnly(true);
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_raw->setPlaceholderText(tr("Select an event to see the record as delivered"));
    m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);

    m_split->setObjectName(QStringLiteral("eventsSplit"));
    m_split->addWidget(m_view);
    m_split->addWidget(m_raw);
    m_split->setChildrenCollapsible(false);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 2);
    m_split->setSizes({300, 200});
    m_raw->setMinimumHeight(60);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(tools);
    layout->addLayout(range);
    layout->addWidget(m_split, 1);

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(250);
    connect(m_debounce, &QTimer::timeout, this, &EventsPanel::applyFilter);
    connect(m_text, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_inRaw, &QCheckBox::toggled, this, &EventsPanel::applyFilter);
    connect(m_table, &QComboBox::currentIndexChanged, this, &EventsPanel::applyFilter);
    connect(m_clearRange, &QToolButton::clicked, this, [this]() { setTimeRange(std::nullopt, std::nullopt); });
    connect(header, &QHeaderView::sortIndicatorChanged, this, [this, header](int column, Qt::SortOrder order) {
        if (!EventTableModel::isSortable(column)) {
            header->blockSignals(true);
            header->setSortIndicator(-1, Qt::AscendingOrder);
            header->blockSignals(false);
        }
        EventFilter f = m_session->eventFilter();
        f.sort = column == EventTableModel::TimeColumn  ? EventSort::Time
            : column == EventTableModel::SequenceColumn ? EventSort::Sequence
                                                        : EventSort::Arrival;
        f.descending = f.sort != EventSort::Arrival && order == Qt::DescendingOrder;
        m_session->setEventFilter(f);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& index) {
        if (!index.isValid())
            return;
        const qint64 recordId = index.data(ModelRoles::RecordIdRole).toLongLong();
        showRecord(recordId);
        Q_EMIT recordSelected(index.data(ModelRoles::KeyIdRole).toLongLong(), recordId);
    });
    connect(session, &StoreSession::overviewReady, this, &EventsPanel::updateTables);
    connect(session, &StoreSession::eventsReady, this, &EventsPanel::updateCount);
    connect(session, &StoreSession::activityReady, this, [this]() {
        // Unused ends show the store's first / last event time (greyed), so switching one on starts there.
        const auto& buckets = m_session->activity();
        if (buckets.empty())
            return;
        if (!m_fromOn->isChecked()) {
            const QSignalBlocker block(m_fromEdit);
            m_fromEdit->setDateTime(utcOf(buckets.front().startMicros));
        }
        if (!m_toOn->isChecked()) {
            const QSignalBlocker block(m_toEdit);
            m_toEdit->setDateTime(utcOf(buckets.back().startMicros + m_session->activityBucketMicros()));
        }
    });
    connect(session, &StoreSession::closed, this, [this]() {
        m_raw->clear();
        updateTables();
        updateCount();
    });
    setTimeRange(std::nullopt, std::nullopt);
    updateTables();
}

void EventsPanel::focusFilter()
{
    m_text->setFocus(Qt::ShortcutFocusReason);
    m_text->selectAll();
}

void EventsPanel::updateTables()
{
    const QString current = m_table->currentData().toString();
    m_table->blockSignals(true);
    m_table->clear();
    m_table->addItem(tr("All tables"), QString());
    auto* tables = m_session->tableModel();
    for (int r = 1; r < tables->rowCount(); ++r)
        m_table->addItem(tables->tableAt(r), tables->tableAt(r));
    m_table->setCurrentIndex(std::max(0, m_table->findData(current)));
    m_table->blockSignals(false);
}

void EventsPanel::setTimeRange(std::optional<qint64> fromMicros, std::optional<qint64> toMicros)
{
    m_from = fromMicros;
    m_to = toMicros;
    showRangeInEdits();
    Q_EMIT timeRangeChanged(m_from, m_to);
    applyFilter();
}

void EventsPanel::showRangeInEdits()
{
    const QSignalBlocker b1(m_fromOn), b2(m_fromEdit), b3(m_toOn), b4(m_toEdit);
    m_fromOn->setChecked(m_from.has_value());
    m_fromEdit->setEnabled(m_from.has_value());
    if (m_from)
        m_fromEdit->setDateTime(utcOf(*m_from));
    m_toOn->setChecked(m_to.has_value());
    m_toEdit->setEnabled(m_to.has_value());
    if (m_to)
        m_toEdit->setDateTime(utcOf(*m_to));
    m_clearRange->setEnabled(m_from || m_to);
}

void EventsPanel::rangeEdited()
{
    // A box just switched on starts at the store's first / last event instead of the edit's default date.
    const auto& buckets = m_session->activity();
    const auto seed = [&](QCheckBox* box, QDateTimeEdit* edit, const std::optional<qint64>& current, bool isFrom) {
        if (!box->isChecked() || current || buckets.empty())
            return;
        const qint64 t =
            isFrom ? buckets.front().startMicros : buckets.back().startMicros + m_session->activityBucketMicros();
        const QSignalBlocker block(edit);
        edit->setDateTime(utcOf(t));
    };
    seed(m_fromOn, m_fromEdit, m_from, true);
    seed(m_toOn, m_toEdit, m_to, false);
    const auto micros = [](QCheckBox* box, QDateTimeEdit* edit) -> std::optional<qint64> {
        if (!box->isChecked())
            return std::nullopt;
        return edit->dateTime().toMSecsSinceEpoch() * 1000;
    };
    const auto from = micros(m_fromOn, m_fromEdit);
    const auto to = micros(m_toOn, m_toEdit);
    // Keep the exact (sub-second) value of a range set by the chart while its edit still shows it.
    const auto same = [](const std::optional<qint64>& a, const std::optional<qint64>& b) {
        return a.has_value() == b.has_value() && (!a || *a / 1'000'000 == *b / 1'000'000);
    };
    if (!same(from, m_from))
        m_from = from;
    if (!same(to, m_to))
        m_to = to;
    m_clearRange->setEnabled(m_from || m_to);
    Q_EMIT timeRangeChanged(m_from, m_to);
    m_debounce->start();
}

void EventsPanel::updateColors()
{
    // Checkbox labels sit on the window colour: keep the event colours readable on it (light and dark).
    for (int i = 0; i < 4; ++i) {
        QPalette pal = m_types[i]->palette();
        pal.setColor(QPalette::WindowText,
                     eventstyle::readableOn(eventstyle::eventColor(i), palette().color(QPalette::Window)));
        m_types[i]->setPalette(pal);
    }
}

void EventsPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateColors();
}

void EventsPanel::applyFilter()
{
    highlightMatches();
    EventFilter f = m_session->eventFilter();
    f.table = m_table->currentData().toString().toStdString();
    f.eventMask = 0;
    for (int i = 0; i < 4; ++i)
        if (m_types[i]->isChecked())
            f.eventMask |= 1u << i;
    f.text = m_text->text().trimmed().toStdString();
    f.textInRaw = m_inRaw->isChecked() && !f.text.empty();
    f.fromMicros = m_from;
    f.toMicros = m_to;
    if (f == m_session->eventFilter())
        return;
    m_count->setText(f.textInRaw ? tr("searching raw records…") : tr("filtering…"));
    m_session->setEventFilter(f);
}

void EventsPanel::updateCount()
{
    m_count->setText(tr("%L1 events").arg(m_session->eventModel()->rowCount()));
}

void EventsPanel::showRecord(qint64 recordId)
{
    QString error;
    const auto row = m_session->record(recordId, &error);
    if (!row) {
        m_raw->setPlainText(error.isEmpty() ? tr("Record %1 not found").arg(recordId) : error);
        return;
    }
    const QByteArray raw = QByteArray::fromStdString(row->raw);
    // Re-indented for reading without parsing: numbers and strings stay exactly as delivered.
    QString text = tr("// record %1 · file record #%2 at byte %3 · %4\n")
                       .arg(row->id)
                       .arg(row->position.recordIndex + 1)
                       .arg(row->position.byteOffset)
                       .arg(fromStd(row->shape));
    text += formatting::indentJson(QString::fromUtf8(raw));
    m_raw->setPlainText(text);
    highlightMatches();
}

int EventsPanel::highlightMatches()
{
    // The filter text marked in the raw record (case-insensitive, like the filter), first match scrolled to.
    QList<QTextEdit::ExtraSelection> marks;
    const QString needle = m_text->text().trimmed();
    if (!needle.isEmpty()) {
        QTextCharFormat format;
        format.setBackground(eventstyle::changeTint(3, palette()));
        format.setFontWeight(QFont::Bold);
        QTextCursor cursor(m_raw->document());
        while (marks.size() < 1000) {
            cursor = m_raw->document()->find(needle, cursor);
            if (cursor.isNull())
                break;
            marks.append({cursor, format});
        }
    }
    m_raw->setExtraSelections(marks);
    if (!marks.isEmpty()) {
        QTextCursor first = marks.front().cursor;
        first.clearSelection();
        m_raw->setTextCursor(first);
        m_raw->ensureCursorVisible();
    }
    return static_cast<int>(marks.size());
}
