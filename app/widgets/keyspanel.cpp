#include "app/widgets/keyspanel.h"

#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storesession.h"

namespace {
void setupFastView(QTableView* view)
{
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->verticalHeader()->hide();
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->horizontalHeader()->setHighlightSections(false);
}
} // namespace

KeysPanel::KeysPanel(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_tables(new QTableView(this))
    , m_filter(new QLineEdit(this))
    , m_sort(new QComboBox(this))
    , m_keys(new QTableView(this))
    , m_count(new QLabel(this))
    , m_debounce(new QTimer(this))
{
    setupFastView(m_tables);
    m_tables->setModel(session->tableModel());
    m_tables->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tables->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tables->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);

    m_filter->setPlaceholderText(tr("Filter keys (Ctrl+F)…"));
    m_filter->setClearButtonEnabled(true);
    m_sort->addItem(tr("Sort by key"));
    m_sort->addItem(tr("Sort by record count"));
    m_sort->addItem(tr("Sort by last change"));
    m_sort->setToolTip(tr("Order of the keys list (click a column header to reverse)"));

    setupFastView(m_keys);
    m_keys->setModel(session->keyModel());
    m_keys->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_keys->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Interactive);
    m_keys->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Interactive);
    m_keys->setColumnWidth(1, 70);
    m_keys->setColumnWidth(2, 170);
    m_keys->horizontalHeader()->setSortIndicatorShown(true);
    m_keys->setTextElideMode(Qt::ElideMiddle); // key texts share their prefix ("orderId=…")
    m_keys->horizontalHeader()->setSectionsClickable(true);

    auto* keysBox = new QWidget(this);
    auto* kl = new QVBoxLayout(keysBox);
    kl->setContentsMargins(0, 0, 0, 0);
    auto* tools = new QHBoxLayout;
    tools->addWidget(m_filter, 1);
    tools->addWidget(m_sort);
    kl->addLayout(tools);
    kl->addWidget(m_keys, 1);
    kl->addWidget(m_count);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_tables);
    split->addWidget(keysBox);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setSizes({120, 600});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(split);

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_debounce, &QTimer::timeout, this, &KeysPanel::applyFilter);
    connect(m_filter, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_sort, &QComboBox::currentIndexChanged, this, &KeysPanel::applyFilter);
    connect(m_keys->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this,
            [this](int column, Qt::SortOrder order) {
                KeyFilter f = m_session->keyFilter();
                f.sort = column == 1 ? KeySort::Count : column == 2 ? KeySort::LastChange : KeySort::Key;
                f.descending = order == Qt::DescendingOrder;
                m_sort->blockSignals(true);
                m_sort->setCurrentIndex(int(f.sort));
                m_sort->blockSignals(false);
                m_session->setKeyFilter(f);
            });
    connect(m_tables->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex&) { applyFilter(); });
    connect(session->tableModel(), &QAbstractItemModel::modelReset, this, [this]() {
        if (m_session->tableModel()->rowCount() > 0 && !m_tables->currentIndex().isValid()) {
            m_tables->selectionModel()->blockSignals(true);
            m_tables->setCurrentIndex(m_session->tableModel()->index(0, 0));
            m_tables->selectionModel()->blockSignals(false);
        }
    });
    connect(m_keys->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& index) {
        if (m_syncing || !index.isValid())
            return;
        m_shownKey = index.data(ModelRoles::KeyIdRole).toLongLong();
        Q_EMIT keySelected(m_shownKey);
    });
    connect(session, &StoreSession::keysReady, this, [this]() {
        updateCount();
        if (m_shownKey)
            selectKey(m_shownKey);
    });
    connect(session, &StoreSession::closed, this, [this]() {
        m_shownKey = 0;
        updateCount();
    });
    updateCount();
}

void KeysPanel::focusFilter()
{
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

void KeysPanel::applyFilter()
{
    KeyFilter f = m_session->keyFilter();
    f.text = m_filter->text().trimmed().toStdString();
    f.table = m_tables->currentIndex().isValid()
        ? m_session->tableModel()->tableAt(m_tables->currentIndex().row()).toStdString()
        : std::string();
    const auto sort = KeySort(m_sort->currentIndex());
    if (sort != f.sort) {
        f.sort = sort;
        f.descending = sort != KeySort::Key; // counts and times: biggest / newest first
    }
    if (f == m_session->keyFilter())
        return;
    m_session->setKeyFilter(f);
    syncSortIndicator();
}

void KeysPanel::syncSortIndicator()
{
    // Columns are in KeySort order: key, record count, last change.
    const KeyFilter& f = m_session->keyFilter();
    auto* header = m_keys->horizontalHeader();
    const QSignalBlocker block(header);
    header->setSortIndicator(int(f.sort), f.descending ? Qt::DescendingOrder : Qt::AscendingOrder);
}

void KeysPanel::selectKey(qint64 keyId)
{
    m_shownKey = keyId;
    const int row = keyId > 0 ? m_session->keyModel()->rowOfKey(keyId) : -1;
    m_syncing = true;
    auto* selection = m_keys->selectionModel();
    if (row < 0) {
        selection->clear();
    } else {
        const QModelIndex index = m_session->keyModel()->index(row, 0);
        selection->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_keys->scrollTo(index);
    }
    m_syncing = false;
}

void KeysPanel::updateCount()
{
    // Keep the sort picker in step when the filter was changed elsewhere (header click, navigation).
    m_sort->blockSignals(true);
    m_sort->setCurrentIndex(int(m_session->keyFilter().sort));
    m_sort->blockSignals(false);
    syncSortIndicator();
    const int n = m_session->keyModel()->rowCount();
    m_count->setText(m_session->isOpen() ? formatting::count(n, "key", "keys") : tr("No store open"));
}
