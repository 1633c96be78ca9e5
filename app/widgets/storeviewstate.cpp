#include "app/widgets/storeviewstate.h"

#include <QEvent>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QScrollBar>
#include <QSettings>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/preferences.h"
#include "app/widgets/timelinepanel.h"

namespace {
// Settings in the store's group (Preferences::storeGroup).
const QString kKeyTable = QStringLiteral("openKeyTable");
const QString kKeyJson = QStringLiteral("openKeyJson"); ///< the key's canonical Keys JSON
const QString kVersion = QStringLiteral("openVersion"); ///< record id of the timeline's selected version
const QString kEvent = QStringLiteral("event");         ///< record id of the events table's selected event
const QString kEventSeq = QStringLiteral("eventSequenceNumber");
const QString kTab = QStringLiteral("tab"); ///< the current tab's object name (timeline, events, replay)
const QString kKeysTop = QStringLiteral("keysTopRow");
const QString kEventsTop = QStringLiteral("eventsTopRow");
} // namespace

StoreViewState::StoreViewState(MainWindow* window)
    : QObject(window)
    , m_window(window)
    , m_saveTimer(new QTimer(this))
{
    m_saveTimer->setSingleShot(true);
    m_saveTimer->setInterval(300);
    connect(m_saveTimer, &QTimer::timeout, this, &StoreViewState::save);
    StoreSession* session = window->session();
    // The store that closes (also for another one) writes its view while its lists still show it.
    connect(session, &StoreSession::aboutToClose, this, [this]() {
        save();
        m_saveTimer->stop();
        m_restoring = m_listing = m_keysPending = m_eventsPending = false;
    });
    connect(session, &StoreSession::opened, this, [this]() { m_restoring = true; });
    connect(session, &StoreSession::keysReady, this, [this]() {
        m_keysPending = false;
        listed();
    });
    connect(session, &StoreSession::eventsReady, this, [this]() {
        m_eventsPending = false;
        listed();
    });
    // A list that could not be read will not arrive: what is there comes back (the rest is left out).
    connect(session, &StoreSession::errorOccurred, this, [this]() {
        if (m_listing) {
            m_keysPending = m_eventsPending = false;
            listed();
        }
    });
    watchChanges();
    window->installEventFilter(this); // the window closing writes the view
}

void StoreViewState::watchChanges()
{
    const auto later = [this]() { m_saveTimer->start(); };
    QTableView* keys = m_window->keysPanel()->keyView();
    QTableView* events = m_window->eventsPanel()->view();
    QTableView* versions = m_window->timelinePanel()->view();
    connect(keys->verticalScrollBar(), &QScrollBar::valueChanged, this, later);
    connect(events->verticalScrollBar(), &QScrollBar::valueChanged, this, later);
    connect(events->selectionModel(), &QItemSelectionModel::currentRowChanged, this, later);
    connect(versions->selectionModel(), &QItemSelectionModel::selectionChanged, this, later);
    connect(m_window->centerTabs(), &QTabWidget::currentChanged, this, later);
    connect(m_window->session(), &StoreSession::historyReady, this, later);
}

bool StoreViewState::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_window && event->type() == QEvent::Close)
        save();
    return QObject::eventFilter(watched, event);
}

void StoreViewState::restoreWhenListed()
{
    m_restoring = m_listing = true;
    m_keysPending = m_eventsPending = true;
}

void StoreViewState::listed()
{
    // Only the lists asked for after restoreWhenListed count (not one a filter typed meanwhile brought).
    if (!m_listing || m_keysPending || m_eventsPending)
        return;
    m_listing = false;
    restore();
    m_restoring = false;
}

void StoreViewState::save()
{
    StoreSession* session = m_window->session();
    if (m_restoring || !session->isOpen())
        return;
    QSettings settings;
    settings.beginGroup(Preferences::storeGroup(session->path()));
    // The open key by what it is (its table and Keys); while another key's history is on its way, the saved one
    // stays until it has arrived.
    const auto& key = session->currentKey();
    if (session->currentKeyId() == 0) {
        settings.remove(kKeyTable);
        settings.remove(kKeyJson);
        settings.remove(kVersion);
    } else if (key && key->id == session->currentKeyId()) {
        settings.setValue(kKeyTable, session->tableName(key->tableId));
        settings.setValue(kKeyJson, formatting::fromStd(key->canonicalKeys));
        const QModelIndex version = m_window->timelinePanel()->view()->currentIndex();
        const VersionRow* row = version.isValid() ? session->timelineModel()->versionAt(version.row()) : nullptr;
        settings.setValue(kVersion, row ? QVariant(static_cast<qlonglong>(row->recordId)) : QVariant());
    }
    EventsPanel* events = m_window->eventsPanel();
    const qint64 event = events->shownRecord();
    settings.setValue(kEvent, event);
    const QModelIndex current = events->view()->currentIndex();
    const EventRow* row = current.isValid() && current.data(ModelRoles::RecordIdRole).toLongLong() == event
        ? session->eventModel()->rowAt(current.row())
        : nullptr;
    settings.setValue(kEventSeq, row ? formatting::fromStd(row->sequenceNumber) : QString());
    settings.setValue(kTab, m_window->centerTabs()->currentWidget()->objectName());
    settings.setValue(kKeysTop, firstVisibleRow(m_window->keysPanel()->keyView()));
    settings.setValue(kEventsTop, firstVisibleRow(events->view()));
}

void StoreViewState::restore()
{
    StoreSession* session = m_window->session();
    QSettings settings;
    settings.beginGroup(Preferences::storeGroup(session->path()));
    const QString tab = settings.value(kTab).toString();
    // The event first: selecting it opens its key, as a click does; the timeline's own key then opens over it.
    const bool eventShown = restoreEvent(settings.value(kEvent).toLongLong(), settings.value(kEventSeq).toString());
    const auto keyId = session->findKeyId(settings.value(kKeyTable).toString().toStdString(),
                                          settings.value(kKeyJson).toString().toStdString());
    // Under the Events tab the timeline holds the selected event's key (switching to the tab opens it).
    if (keyId && !(eventShown && tab == QStringLiteral("events")))
        m_window->openKeyAt(*keyId, settings.value(kVersion).toLongLong());
    QTabWidget* tabs = m_window->centerTabs();
    for (int i = 0; i < tabs->count(); ++i)
        if (!tab.isEmpty() && tabs->widget(i)->objectName() == tab)
            tabs->setCurrentIndex(i);
    // Last: selecting scrolled the lists to the selected rows.
    scrollToRow(m_window->keysPanel()->keyView(), settings.value(kKeysTop, 0).toInt());
    scrollToRow(m_window->eventsPanel()->view(), settings.value(kEventsTop, 0).toInt());
}

bool StoreViewState::restoreEvent(qint64 recordId, const QString& sequenceNumber)
{
    if (recordId <= 0)
        return false;
    // Looked up in the listed ids (as the selection is kept over a reload), not in the rows.
    EventTableModel* model = m_window->session()->eventModel();
    const int row = model->rowOfRecord(recordId);
    if (row < 0)
        return false;
    // A store made again at the same path numbers its records anew: the id must still be the same event.
    const EventRow* event = model->rowAt(row);
    if (!event || (!sequenceNumber.isEmpty() && formatting::fromStd(event->sequenceNumber) != sequenceNumber))
        return false;
    QTableView* view = m_window->eventsPanel()->view();
    const QModelIndex index = model->index(row, 0);
    view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    view->scrollTo(index);
    return true;
}

void StoreViewState::scrollToRow(QTableView* view, int row)
{
    if (row < 0 || row >= view->model()->rowCount())
        return;
    view->doItemsLayout(); // the rows were just reset: the scroll range follows them now, not at the next paint
    view->scrollTo(view->model()->index(row, 0), QAbstractItemView::PositionAtTop);
}

int StoreViewState::firstVisibleRow(const QTableView* view)
{
    // From the scroll bar, not rowAt(0): a view under another tab lays out the rows it was given when shown again.
    // Both lists have rows of one fixed height.
    const int value = view->verticalScrollBar()->value();
    if (view->verticalScrollMode() == QAbstractItemView::ScrollPerItem)
        return value;
    const int height = view->verticalHeader()->defaultSectionSize();
    return height > 0 ? value / height : 0;
}
