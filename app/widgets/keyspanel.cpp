#include "app/widgets/keyspanel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <utility>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/keylistmodel.h"
#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/filterfocus.h"

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
    m_filter->installEventFilter(this); // Enter / Down: into the list
    m_sort->addItem(tr("By key"));
    m_sort->addItem(tr("By count"));
    m_sort->addItem(tr("By last change"));
    m_sort->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_sort->setToolTip(tr("Order of the keys list (click a column header to reverse)"));

    setupFastView(m_keys);
    m_keys->setModel(session->keyModel());
    m_keys->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_keys->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Interactive);
    m_keys->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Interactive);
    m_keys->setColumnWidth(1, 70);
    m_keys->setColumnWidth(2, 170);
    m_keys->horizontalHeader()->setSortIndicatorShown(true);
    m_keys->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // the key column stretches instead
    m_keys->setTextElideMode(Qt::ElideMiddle);                    // key texts share their prefix ("orderId=…")
    m_keys->viewport()->installEventFilter(this);
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
    connect(session->tableModel(), &QAbstractItemModel::modelReset, this, &KeysPanel::syncTableSelection);
    auto* copyJson = new QAction(tr("Copy Key as JSON"), m_keys);
    copyJson->setShortcut(QKeySequence::Copy);
    copyJson->setShortcutContext(Qt::WidgetShortcut);
    connect(copyJson, &QAction::triggered, this, [this]() { copyKeyJson(); });
    auto* copyText = new QAction(tr("Copy Key as name=value"), m_keys);
    copyText->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    copyText->setShortcutContext(Qt::WidgetShortcut);
    connect(copyText, &QAction::triggered, this, [this]() { copyKeyText(); });
    m_keys->addAction(copyJson);
    m_keys->addAction(copyText);
    m_keys->setContextMenuPolicy(Qt::ActionsContextMenu);
    // A key opens when picked (filterfocus::onPicked): not when the keyboard enters the list (Tab, the window
    // activated again) and the view makes its first row current.
    filterfocus::onPicked(m_keys, this, [this](const QModelIndex& index) {
        if (m_syncing)
            return;
        m_shownKey = index.data(ModelRoles::KeyIdRole).toLongLong();
        Q_EMIT keySelected(m_shownKey);
    });
    connect(session, &StoreSession::keysReady, this, [this]() {
        m_reloading = false;
        updateCount();
        fitKeyColumn();
        if (m_shownKey)
            selectKey(m_shownKey);
        if (std::exchange(m_selectFirstOnReload, false))
            filterfocus::selectFirstIfNone(m_keys);
    });
    connect(session, &StoreSession::closed, this, &KeysPanel::resetForNewStore);
    updateCount();
}

void KeysPanel::syncTableSelection()
{
    // The list shows the session's table (a reload of the table list, e.g. after an import, keeps it; a table
    // that is gone shows "All tables" and lists every key).
    auto* tables = m_session->tableModel();
    if (tables->rowCount() == 0)
        return;
    int row = 0;
    for (int r = 1; r < tables->rowCount(); ++r)
        if (tables->tableAt(r).toStdString() == m_session->keyFilter().table)
            row = r;
    {
        const QSignalBlocker block(m_tables->selectionModel());
        m_tables->selectionModel()->setCurrentIndex(tables->index(row, 0),
                                                    QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    if (row == 0 && !m_session->keyFilter().table.empty())
        applyFilter();
}

void KeysPanel::resetForNewStore()
{
    // Everything here belongs to the store that was open: the next one starts with all its keys listed.
    m_debounce->stop();
    {
        const QSignalBlocker b1(m_filter), b2(m_sort), b3(m_tables->selectionModel());
        m_filter->clear();
        m_sort->setCurrentIndex(int(KeySort::Key));
        m_tables->selectionModel()->clear();
    }
    m_shownKey = 0;
    m_selectFirstOnReload = m_reloading = false;
    m_keys->scrollToTop();
    m_tables->scrollToTop();
    updateCount();
}

QString KeysPanel::copyKeyJson()
{
    if (!m_keys->currentIndex().isValid())
        return {};
    const KeyRow* row = m_session->keyModel()->rowAt(m_keys->currentIndex().row());
    if (!row)
        return {};
    QString text = QString::fromStdString(row->keyJson);
    QApplication::clipboard()->setText(text);
    Q_EMIT copied(tr("Copied the key as DynamoDB JSON"));
    return text;
}

QString KeysPanel::copyKeyText()
{
    if (!m_keys->currentIndex().isValid())
        return {};
    const KeyRow* row = m_session->keyModel()->rowAt(m_keys->currentIndex().row());
    if (!row)
        return {};
    QString text = QString::fromStdString(row->keyText);
    QApplication::clipboard()->setText(text);
    Q_EMIT copied(tr("Copied the key as text"));
    return text;
}

void KeysPanel::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitKeyColumn();
}

bool KeysPanel::eventFilter(QObject* watched, QEvent* event)
{
    // The list's own width is known only once its viewport has been resized (after this panel's resize event).
    if (watched == m_keys->viewport() && event->type() == QEvent::Resize)
        fitKeyColumn();
    if (watched == m_filter && filterfocus::movesIntoList(event)) {
        enterList();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

int KeysPanel::keyTextWidth() const
{
    // The widest key of the first rows (one page read at most; the list is sorted, its first rows are what shows
    // first) plus the cell's margins, at most ~48 characters: longer keys elide in the middle anyway.
    const QFontMetrics fm = m_keys->fontMetrics();
    const int margin = 2 * (m_keys->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_keys) + 1) + 8;
    int widest = fm.averageCharWidth() * 14;
    const int rows = std::min(m_session->keyModel()->rowCount(), 200);
    for (int r = 0; r < rows; ++r)
        widest = std::max(widest, fm.horizontalAdvance(m_session->keyModel()->index(r, 0).data().toString()));
    return std::min(widest, fm.averageCharWidth() * 48) + margin;
}

void KeysPanel::fitKeyColumn()
{
    // Keys are never elided while the panel has room for them: "Last change" is dropped first (its value is in the
    // timeline and the tooltip), and comes back as soon as the key column keeps its keys whole beside it.
    // A hidden column is 0 wide: decide with the width it has when shown (else it would flip back at once).
    if (!m_keys->isColumnHidden(KeyListModel::LastChangeColumn))
        m_lastChangeWidth = m_keys->columnWidth(KeyListModel::LastChangeColumn);
    const int room = m_keys->viewport()->width() - m_keys->columnWidth(KeyListModel::CountColumn);
    const bool narrow = room < keyTextWidth() + m_lastChangeWidth;
    m_keys->setColumnHidden(KeyListModel::LastChangeColumn, narrow);
}

QString KeysPanel::countLabel() const
{
    return m_count->text();
}

void KeysPanel::focusFilter()
{
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

void KeysPanel::applyFilterNow()
{
    m_debounce->stop();
    applyFilter();
}

void KeysPanel::enterList()
{
    m_debounce->stop();
    applyFilter();
    m_selectFirstOnReload = filterfocus::enterList(m_keys, m_reloading);
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
    m_reloading = m_session->isOpen(); // keysReady follows (at once when the answer needs no query)
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
