#include "app/widgets/eventspanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/eventstyle.h"

using formatting::fromStd;

EventsPanel::EventsPanel(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_table(new QComboBox(this))
    , m_text(new QLineEdit(this))
    , m_range(new QLabel(this))
    , m_clearRange(new QToolButton(this))
    , m_count(new QLabel(this))
    , m_view(new QTableView(this))
    , m_raw(new QPlainTextEdit(this))
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
        QPalette pal = m_types[i]->palette();
        pal.setColor(QPalette::WindowText, eventstyle::eventColor(i));
        m_types[i]->setPalette(pal);
        tools->addWidget(m_types[i]);
        connect(m_types[i], &QCheckBox::toggled, this, &EventsPanel::applyFilter);
    }
    m_text->setPlaceholderText(tr("Key, event ID or sequence number…"));
    m_text->setClearButtonEnabled(true);
    tools->addWidget(m_text, 1);
    m_clearRange->setText(tr("✕"));
    m_clearRange->setToolTip(tr("Clear the time range"));
    tools->addWidget(m_range);
    tools->addWidget(m_clearRange);
    tools->addWidget(m_count);

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

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_view);
    split->addWidget(m_raw);
    split->setSizes({600, 220});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(tools);
    layout->addWidget(split, 1);

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(250);
    connect(m_debounce, &QTimer::timeout, this, &EventsPanel::applyFilter);
    connect(m_text, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
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
    const bool on = m_from || m_to;
    m_range->setVisible(on);
    m_clearRange->setVisible(on);
    if (on)
        m_range->setText(
            tr("Time: %1 – %2").arg(formatting::timeText(m_from).left(19), formatting::timeText(m_to).left(19)));
    applyFilter();
}

void EventsPanel::applyFilter()
{
    EventFilter f = m_session->eventFilter();
    f.table = m_table->currentData().toString().toStdString();
    f.eventMask = 0;
    for (int i = 0; i < 4; ++i)
        if (m_types[i]->isChecked())
            f.eventMask |= 1u << i;
    f.text = m_text->text().trimmed().toStdString();
    f.fromMicros = m_from;
    f.toMicros = m_to;
    if (f == m_session->eventFilter())
        return;
    m_count->setText(tr("filtering…"));
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
                       .arg(row->position.recordIndex)
                       .arg(row->position.byteOffset)
                       .arg(fromStd(row->shape));
    text += formatting::indentJson(QString::fromUtf8(raw));
    m_raw->setPlainText(text);
}
