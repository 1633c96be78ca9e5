#include "app/widgets/eventspanel.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QTextCursor>
#include <QTextDocument>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <utility>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/columnfit.h"
#include "app/widgets/displayfilteredit.h"
#include "app/widgets/eventstyle.h"
#include "app/widgets/filterfocus.h"
#include "app/widgets/splitdefaults.h"
#include "app/widgets/timefield.h"

using formatting::fromStd;

namespace {

/// The events table's cells: the Event column tinted by kind; a sequence number too long for its column elided on the
/// left. The numbers of one shard share a long prefix and differ at their end, which stays in view (the tooltip and
/// Ctrl+C have the whole number).
class EventRowDelegate : public EventKindDelegate
{
public:
    explicit EventRowDelegate(QObject* parent)
        : EventKindDelegate(EventTableModel::EventColumn, parent)
    {
    }

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        EventKindDelegate::initStyleOption(option, index);
        if (index.column() == EventTableModel::SequenceColumn)
            option->textElideMode = Qt::ElideLeft;
    }
};

} // namespace

EventsPanel::EventsPanel(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_table(new QComboBox(this))
    , m_text(new QLineEdit(this))
    , m_inRaw(new QCheckBox(tr("Search raw records"), this))
    , m_where(new DisplayFilterEdit(this))
    , m_fromOn(new QCheckBox(tr("From"), this))
    , m_fromEdit(new TimeField(this))
    , m_toOn(new QCheckBox(tr("To"), this))
    , m_toEdit(new TimeField(this))
    , m_clearRange(new QToolButton(this))
    , m_count(new QLabel(this))
    , m_view(new QTableView(this))
    , m_raw(new QPlainTextEdit(this))
    , m_rawInfo(new QLabel(this))
    , m_split(new QSplitter(Qt::Vertical, this))
    , m_debounce(new QTimer(this))
{
    // Three rows, so each keeps its room at 1024 px: what to search, which event types, which time range.
    auto* tools = createSearchRow();
    auto* types = createTypesRow();
    auto* range = createRangeRow();
    updateColors();

    setupView();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(2); // three filter rows: keep the room for the table
    layout->addLayout(tools);
    layout->addLayout(types);
    layout->addLayout(range);
    layout->addWidget(createRecordSplit(), 1);

    connectFilters();
    addCopyActions();
    connectSession();
    setTimeRange(std::nullopt, std::nullopt);
    updateTables();
}

/// The first filter row: table and search text.
QBoxLayout* EventsPanel::createSearchRow()
{
    auto* tools = new QHBoxLayout;
    tools->addWidget(new QLabel(tr("Table:"), this));
    m_table->setMinimumContentsLength(10);
    m_table->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    tools->addWidget(m_table);
    m_text->setPlaceholderText(tr("Key, event ID or sequence number (Ctrl+F)…"));
    m_text->setClearButtonEnabled(true);
    m_text->setMinimumWidth(m_text->fontMetrics().horizontalAdvance(m_text->placeholderText()) + 30);
    tools->addWidget(m_text, 1);
    m_inRaw->setToolTip(tr("Also match the text anywhere in the record as delivered (attribute values, ARNs…). "
                           "Slower: scans every record in the background."));
    tools->addWidget(m_inRaw);
    return tools;
}

/// The second filter row: one check box per event type, and the count of shown events.
QBoxLayout* EventsPanel::createTypesRow()
{
    static const char* const names[] = {"INSERT", "MODIFY", "REMOVE", "SNAPSHOT"};
    static const char* const tips[] = {
        QT_TR_NOOP("Show INSERT events (new items)"), QT_TR_NOOP("Show MODIFY events (changed items)"),
        QT_TR_NOOP("Show REMOVE events (deleted items, TTL deletions included)"),
        QT_TR_NOOP("Show SNAPSHOT records (an item's state read from the table, e.g. by an export or a scan, not a "
                   "stream event)")};
    auto* types = new QHBoxLayout;
    types->addWidget(new QLabel(tr("Events:"), this));
    for (int i = 0; i < 4; ++i) {
        m_types[i] = new QCheckBox(QString::fromLatin1(names[i]), this);
        m_types[i]->setChecked(true);
        m_types[i]->setToolTip(tr(tips[i]));
        types->addWidget(m_types[i]);
        connect(m_types[i], &QCheckBox::toggled, this, &EventsPanel::applyFilter);
    }
    types->addSpacing(12);
    types->addWidget(new QLabel(tr("Where:"), this));
    types->addWidget(m_where, 1); // the display filter
    types->addWidget(m_count);
    return types;
}

/// The third filter row: the time range.
QBoxLayout* EventsPanel::createRangeRow()
{
    auto* range = new QHBoxLayout;
    range->addWidget(new QLabel(tr("Time (UTC):"), this));
    const auto addRangeEdit = [this, range](QCheckBox* box, TimeField* edit, const QString& tip) {
        box->setToolTip(tip);
        edit->setBaseToolTip(tip
                             + tr(". Type or paste an ISO-8601 time (2026-11-01 09:30:00, 2026-11-01T09:30:00.5Z, "
                                  "+02:00 offsets) or drag across the activity chart to set both ends."));
        edit->setEnabled(false);
        range->addWidget(box);
        range->addWidget(edit);
        connect(box, &QCheckBox::toggled, this, [this, edit](bool on) {
            edit->setEnabled(on);
            rangeEdited();
        });
        connect(edit, &TimeField::microsEdited, this, &EventsPanel::rangeEdited);
    };
    addRangeEdit(m_fromOn, m_fromEdit, tr("Only events at or after this time (UTC)"));
    addRangeEdit(m_toOn, m_toEdit, tr("Only events before this time (UTC, exclusive)"));
    m_clearRange->setText(tr("Clear"));
    m_clearRange->setToolTip(tr("Clear the time range"));
    range->addWidget(m_clearRange);
    range->addStretch(1);
    return range;
}

/// The events table above the selected record as delivered, with its origin above the text.
QSplitter* EventsPanel::createRecordSplit()
{
    m_raw->setReadOnly(true);
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_raw->setPlaceholderText(tr("Select an event to see the record as delivered"));
    m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);

    m_split->setObjectName(QStringLiteral("eventsSplit"));
    m_split->addWidget(m_view);
    // The record's origin sits above the text, so a copy of the text is the record as delivered (valid JSON).
    auto* rawBox = new QWidget(this);
    auto* rawLayout = new QVBoxLayout(rawBox);
    rawLayout->setContentsMargins(0, 0, 0, 0);
    rawLayout->setSpacing(2);
    m_rawInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    rawLayout->addWidget(m_rawInfo);
    rawLayout->addWidget(m_raw, 1);
    m_split->addWidget(rawBox);
    m_split->setChildrenCollapsible(false);
    m_split->setStretchFactor(0, 4);
    m_split->setStretchFactor(1, 1);
    m_split->setSizes({450, 150});
    // Keeps its shares as the window changes size, once first shown (showEvent) and unless a remembered layout holds
    // it.
    m_splitPlacer = new splitdefaults::Placer(
        m_split, [this](int total) { return splitdefaults::sizes(total, 0.2, rawWanted(), tableWanted()); });
    m_splitPlacer->setActive(false);
    m_raw->setMinimumHeight(m_raw->fontMetrics().lineSpacing() * 2 + 2 * m_raw->frameWidth()); // fits 1024x700
    return m_split;
}

// The widget's own destructor hides its children, and a hidden table view lays out again and moves its scroll bar:
// the connections that call back into this panel must be gone before then (UBSan: member call on a QWidget).
EventsPanel::~EventsPanel()
{
    delete m_splitPlacer; // its sizes read this panel's views
    disconnect(m_view->verticalScrollBar(), nullptr, this, nullptr);
}

/// Filter edits apply after a short pause; the sort header maps onto the session's event order.
void EventsPanel::connectFilters()
{
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(250);
    connect(m_debounce, &QTimer::timeout, this, &EventsPanel::applyFilter);
    connect(m_text, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    m_text->installEventFilter(this);              // Enter / Down: into the table
    m_where->lineEdit()->installEventFilter(this); // the same while the expression is valid
    connect(m_where, &DisplayFilterEdit::edited, m_debounce, qOverload<>(&QTimer::start));
    connect(m_inRaw, &QCheckBox::toggled, this, &EventsPanel::applyFilter);
    connect(m_table, &QComboBox::currentIndexChanged, this, &EventsPanel::applyFilter);
    connect(m_clearRange, &QToolButton::clicked, this, [this]() { setTimeRange(std::nullopt, std::nullopt); });
    auto* header = m_view->horizontalHeader();
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
}

/// Ctrl+C copies the whole row (cells separated by tabs), Ctrl+Shift+C the record as delivered (JSON).
void EventsPanel::addCopyActions()
{
    auto* copyRow = new QAction(tr("Copy Row"), m_view);
    copyRow->setShortcut(QKeySequence::Copy);
    copyRow->setShortcutContext(Qt::WidgetShortcut);
    connect(copyRow, &QAction::triggered, this, [this]() { copyCurrentRow(); });
    auto* copyRecord = new QAction(tr("Copy Record as JSON"), m_view);
    copyRecord->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    copyRecord->setShortcutContext(Qt::WidgetShortcut);
    connect(copyRecord, &QAction::triggered, this, [this]() { copyCurrentRecord(); });
    m_view->addAction(copyRow);
    m_view->addAction(copyRecord);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
}

/// The selected row shows its record; the session's reloads refresh tables, events and the range's ends.
void EventsPanel::connectSession()
{
    // An event shows when picked (filterfocus::onPicked): not when the keyboard enters the table (Tab, switching to
    // the Events tab) and the view makes its first row current, which opened the first event's key in the timeline.
    filterfocus::onPicked(m_view, this, [this](const QModelIndex& index) {
        const qint64 recordId = index.data(ModelRoles::RecordIdRole).toLongLong();
        m_shownRecord = recordId;
        showRecord(recordId);
        Q_EMIT recordSelected(index.data(ModelRoles::KeyIdRole).toLongLong(), recordId);
    });
    connect(m_session, &StoreSession::overviewReady, this, &EventsPanel::updateTables);
    connect(m_session, &StoreSession::eventsReady, this, &EventsPanel::eventsReloaded);
    connect(m_session, &StoreSession::activityReady, this, [this]() {
        // Unused ends show the store's first / last event time (greyed), so switching one on starts there.
        const auto& buckets = m_session->activity();
        if (buckets.empty())
            return;
        if (!m_fromOn->isChecked())
            m_fromEdit->setMicros(buckets.front().startMicros);
        if (!m_toOn->isChecked())
            m_toEdit->setMicros(buckets.back().startMicros + m_session->activityBucketMicros());
    });
    connect(m_session, &StoreSession::closed, this, &EventsPanel::resetForNewStore);
}

/// The events table: model, delegate, rows, header and column widths.
void EventsPanel::setupView()
{
    m_view->setModel(m_session->eventModel());
    m_view->setItemDelegate(new EventRowDelegate(m_view));
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setWordWrap(false);
    m_view->setAlternatingRowColors(true);
    auto* header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(EventTableModel::KeyColumn, QHeaderView::Stretch); // the extra width goes to keys
    header->setStretchLastSection(false);
    header->setSortIndicatorShown(true);
    header->setSectionsClickable(true);
    header->setSortIndicator(-1, Qt::AscendingOrder);
    header->setToolTip(tr("Click Time or Sequence number to sort (other columns are not indexed)"));
    // Widths from the content they show; the Key column takes what is left (Stretch), never Size.
    const QFontMetrics fm = m_view->fontMetrics();
    m_view->setColumnWidth(EventTableModel::TimeColumn,
                           fm.horizontalAdvance(QStringLiteral("2026-11-01 09:00:00.000000")) + 8);
    m_view->setColumnWidth(EventTableModel::TableColumn, fm.horizontalAdvance(QStringLiteral("Customers")) + 12);
    m_view->setColumnWidth(EventTableModel::EventColumn, fm.horizontalAdvance(QStringLiteral("REMOVE (TTL)")) + 20);
    m_view->setTextElideMode(Qt::ElideMiddle); // keys differ at their ends (sequence numbers: EventRowDelegate)
    // Fitted to the numbers and the room (fitSequenceColumn), like the stretched Key column: not sized by hand, so
    // not among the remembered widths either (Preferences keeps the Interactive ones).
    header->setSectionResizeMode(EventTableModel::SequenceColumn, QHeaderView::Fixed);
    fitSequenceColumn(true);
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this, [this]() { fitSequenceColumn(false); });
    m_view->viewport()->installEventFilter(this); // a resize changes the room the Key column keeps
    // The Key column stretches: its width follows the room left (the viewport laid out late, a page shown).
    connect(header, &QHeaderView::sectionResized, this, [this](int section) {
        if (section == EventTableModel::KeyColumn)
            fitSequenceColumn(true);
    });
    m_view->setColumnWidth(EventTableModel::SizeColumn, fm.horizontalAdvance(QStringLiteral("000000")) + 12);
}

void EventsPanel::resetForNewStore()
{
    // Filters, time range, sort and scroll position belong to the store that was open (the session has dropped
    // its filter too): the next store starts with every event shown.
    m_debounce->stop();
    {
        const QSignalBlocker b1(m_text), b2(m_inRaw), b3(m_table), b4(m_where);
        m_text->clear();
        m_where->clear();
        m_inRaw->setChecked(false);
        m_table->setCurrentIndex(0);
        for (QCheckBox* box : m_types) {
            const QSignalBlocker b(box);
            box->setChecked(true);
        }
    }
    m_from.reset();
    m_to.reset();
    m_fromEdit->reset();
    m_toEdit->reset();
    showRangeInEdits();
    {
        auto* header = m_view->horizontalHeader();
        const QSignalBlocker block(header);
        header->setSortIndicator(-1, Qt::AscendingOrder);
    }
    Q_EMIT timeRangeChanged(m_from, m_to);
    m_raw->clear();
    m_rawInfo->clear();
    m_raw->setPlaceholderText(tr("Select an event to see the record as delivered"));
    m_shownRecord = 0;
    m_reloading = m_selectFirstOnReload = false;
    m_view->scrollToTop();
    updateTables();
    updateCount();
}

void EventsPanel::focusFilter()
{
    m_text->setFocus(Qt::ShortcutFocusReason);
    m_text->selectAll();
}

void EventsPanel::applyFilterNow()
{
    m_debounce->stop();
    applyFilter();
}

void EventsPanel::updateTables()
{
    m_table->blockSignals(true);
    m_table->clear();
    m_table->addItem(tr("All tables"), QString());
    auto* tables = m_session->tableModel();
    for (int r = 1; r < tables->rowCount(); ++r)
        m_table->addItem(tables->tableAt(r), tables->tableAt(r));
    m_table->setCurrentIndex(std::max(0, m_table->findData(fromStd(m_session->eventFilter().table))));
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
        m_fromEdit->setMicros(*m_from);
    m_toOn->setChecked(m_to.has_value());
    m_toEdit->setEnabled(m_to.has_value());
    if (m_to)
        m_toEdit->setMicros(*m_to);
    m_clearRange->setEnabled(m_from || m_to);
}

void EventsPanel::rangeEdited()
{
    // A box just switched on starts at the store's first / last event instead of an empty field.
    const auto& buckets = m_session->activity();
    const auto seed = [&](QCheckBox* box, TimeField* edit, bool isFrom) {
        if (!box->isChecked() || edit->micros() || buckets.empty())
            return;
        edit->setMicros(isFrom ? buckets.front().startMicros
                               : buckets.back().startMicros + m_session->activityBucketMicros());
    };
    seed(m_fromOn, m_fromEdit, true);
    seed(m_toOn, m_toEdit, false);
    // The fields hold exact microseconds (typed, pasted or set by the chart): taken as they are.
    m_from = m_fromOn->isChecked() ? m_fromEdit->micros() : std::nullopt;
    m_to = m_toOn->isChecked() ? m_toEdit->micros() : std::nullopt;
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

void EventsPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    // First time shown: after the layout has settled (the window's own first layout may still move the splitter).
    if (!m_splitPlaced) {
        m_splitPlaced = true;
        QTimer::singleShot(0, this, [this]() { placeSplit(); });
    }
}

void EventsPanel::placeSplit()
{
    // Until the user moves the splitter (or a remembered layout holds it): a fifth of the height for the raw record
    // and at least five lines of it, as long as the table keeps four rows (shrinking the window took it all from the
    // table: 2 rows at 1024x700 with a taller Audit dock; at 1920x1080 the record had four lines).
    const bool held = m_split->property("restored").toBool();
    m_splitPlacer->setActive(!held);
    if (!held)
        m_splitPlacer->place();
}

int EventsPanel::rawWanted() const
{
    // Its minimum holds one line of the record; a long line's scroll bar takes room too.
    return m_split->widget(1)->minimumSizeHint().height() + 4 * m_raw->fontMetrics().lineSpacing()
        + m_raw->horizontalScrollBar()->sizeHint().height();
}

int EventsPanel::tableWanted() const
{
    return m_view->horizontalHeader()->sizeHint().height() + kTableRows * m_view->verticalHeader()->defaultSectionSize()
        + 2 * m_view->frameWidth();
}

int EventsPanel::wantedHeight() const
{
    // The filter rows and margins (the layout's minimum less the splitter's), then what placeSplit keeps.
    return layout()->minimumSize().height() - m_split->minimumSizeHint().height() + tableWanted()
        + m_split->handleWidth() + rawWanted();
}

bool EventsPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        fitSequenceColumn(true);
    // The display filter's Enter on a mistake puts the cursor there (DisplayFilterEdit): only a valid one hands over.
    const bool field = watched == m_text || (watched == m_where->lineEdit() && !m_where->isInvalid());
    if (field && filterfocus::movesIntoList(event)) {
        enterTable();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void EventsPanel::enterTable()
{
    m_debounce->stop();
    applyFilter();
    m_selectFirstOnReload = filterfocus::enterList(m_view, m_reloading);
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
    f.where = m_where->appliedText().toStdString();
    f.fromMicros = m_from;
    f.toMicros = m_to;
    if (f == m_session->eventFilter())
        return;
    m_count->setText(f.textInRaw           ? tr("searching raw records…")
                         : f.where.empty() ? tr("filtering…")
                                           : tr("evaluating the display filter…"));
    m_reloading = m_session->isOpen(); // eventsReady follows (at once when the answer needs no query)
    m_session->setEventFilter(f);
}

void EventsPanel::eventsReloaded()
{
    m_reloading = false;
    updateCount();
    fitSequenceColumn(true);
    keepSelection();
    if (std::exchange(m_selectFirstOnReload, false))
        filterfocus::selectFirstIfNone(m_view);
}

void EventsPanel::fitSequenceColumn(bool mayNarrow)
{
    // 21 digits at least (the shortest DynamoDB sequence numbers), as long as the Key column shows its keys whole up
    // to kWholeKeyChars characters: where both do not fit (1024x700), the numbers give way, elided on the left.
    columnfit::fitNumberColumn(m_view, EventTableModel::SequenceColumn, EventTableModel::KeyColumn, kWholeKeyChars,
                               QStringLiteral("400000000000000000001"), mayNarrow);
}

void EventsPanel::keepSelection()
{
    if (!m_shownRecord)
        return;
    // The selected event stays selected when the new view lists it; otherwise nothing shows it any more.
    const int row = m_session->eventModel()->rowOfRecord(m_shownRecord);
    if (row >= 0) {
        const QModelIndex index = m_session->eventModel()->index(row, 0);
        const QSignalBlocker block(m_view->selectionModel());
        m_view->selectionModel()->setCurrentIndex(index,
                                                  QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_view->scrollTo(index);
        return;
    }
    m_shownRecord = 0;
    m_raw->clear();
    m_rawInfo->clear();
    m_raw->setPlaceholderText(tr("The selected event is not in the filtered list any more: select an event to see "
                                 "the record as delivered"));
    Q_EMIT selectionHidden();
}

bool EventsPanel::step(int delta)
{
    const int count = m_session->eventModel()->rowCount();
    if (count == 0)
        return false;
    const QModelIndex current = m_view->currentIndex();
    const int row = current.isValid() ? std::clamp(current.row() + delta, 0, count - 1) : 0;
    if (current.isValid() && row == current.row())
        return false;
    const QModelIndex index = m_session->eventModel()->index(row, 0);
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(index);
    return true;
}

QString EventsPanel::copyCurrentRow()
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid())
        return {};
    QStringList cells;
    for (int c = 0; c < m_session->eventModel()->columnCount(); ++c)
        cells << m_session->eventModel()->index(current.row(), c).data().toString();
    QString text = cells.join(QLatin1Char('\t'));
    QApplication::clipboard()->setText(text);
    Q_EMIT copied(tr("Copied the event row"));
    return text;
}

QString EventsPanel::copyCurrentRecord()
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid())
        return {};
    const auto row = m_session->record(current.data(ModelRoles::RecordIdRole).toLongLong());
    if (!row)
        return {};
    QString text = QString::fromStdString(row->raw); // exactly as delivered
    QApplication::clipboard()->setText(text);
    Q_EMIT copied(tr("Copied record %1 as delivered (JSON)").arg(row->id));
    return text;
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
    m_rawInfo->setText(tr("Record %1 · file record #%2 at byte %3 · %4")
                           .arg(row->id)
                           .arg(row->position.recordIndex + 1)
                           .arg(row->position.byteOffset)
                           .arg(fromStd(row->shape)));
    if (!row->provenance.empty()) {
        // A record read from a log (issue 20): where it was logged.
        const QJsonObject logged = QJsonDocument::fromJson(QByteArray::fromStdString(row->provenance)).object();
        QStringList parts;
        for (const auto& [member, label] :
             {std::pair{"logGroup", tr("log group %1")}, std::pair{"logStream", tr("log stream %1")},
              std::pair{"logTimestamp", tr("logged at %1")}, std::pair{"requestId", tr("request %1")}}) {
            const QString value = logged.value(QLatin1String(member)).toString();
            if (!value.isEmpty())
                parts << label.arg(value);
        }
        if (logged.contains(QLatin1String("reconstructedFrom")))
            parts << tr("reconstructed from Python output");
        m_rawInfo->setText(m_rawInfo->text() + QStringLiteral("\n")
                           + tr("From a log: %1").arg(parts.join(QStringLiteral(" · "))));
    }
    // Re-indented for reading without parsing: numbers and strings stay exactly as delivered.
    m_raw->setPlainText(formatting::indentJson(QString::fromUtf8(raw)));
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
