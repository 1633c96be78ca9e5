#include "app/widgets/contextmenus.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QDockWidget>
#include <QKeyEvent>
#include <QLineEdit>
#include <QMenu>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <memory>

#include "app/viewmodels/findingsmodel.h"
#include "app/viewmodels/formatting.h"
#include "app/viewmodels/keyexpression.h"
#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/recordjson.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/displayfilteredit.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/exportdialog.h"
#include "app/widgets/findingspanel.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/timelinepanel.h"

using formatting::fromStd;

ContextMenus::ContextMenus(MainWindow* window)
    : QObject(window)
    , m_window(window)
{
    setObjectName(QStringLiteral("contextMenus"));
    attach(window->keysPanel()->keyView());
    attach(window->eventsPanel()->view());
    attach(window->auditPanel()->view());
}

void ContextMenus::attach(QAbstractItemView* view)
{
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(view, &QWidget::customContextMenuRequested, this,
            [this, view](const QPoint& pos) { popup(view, view->indexAt(pos), view->viewport()->mapToGlobal(pos)); });
    view->installEventFilter(this);
}

bool ContextMenus::eventFilter(QObject* watched, QEvent* event)
{
    // The Menu key and Shift+F10 open the current item's menu beside it.
    if (event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        const bool menuKey = key->key() == Qt::Key_Menu && !(key->modifiers() & ~Qt::KeypadModifier);
        const bool shiftF10 = key->key() == Qt::Key_F10 && key->modifiers() == Qt::ShiftModifier;
        auto* view = qobject_cast<QAbstractItemView*>(watched);
        if (view && (menuKey || shiftF10)) {
            const QModelIndex index = view->currentIndex();
            const QRect rect = index.isValid() ? view->visualRect(index) : QRect();
            popup(view, index, view->viewport()->mapToGlobal(rect.isValid() ? rect.center() : QPoint(8, 8)));
            return true;
        }
    }
    return QObject::eventFilter(watched, event);
}

void ContextMenus::popup(QAbstractItemView* view, const QModelIndex& index, const QPoint& globalPos)
{
    if (!index.isValid())
        return;
    if (view->currentIndex().row() != index.row() || view->currentIndex().parent() != index.parent())
        view->setCurrentIndex(index); // the menu acts on this item, and so do the copy shortcuts
    QMenu* menu = menuFor(view, index);
    if (!menu)
        return;
    menu->setAttribute(Qt::WA_DeleteOnClose);
    m_shown = menu;
    menu->popup(globalPos);
}

QMenu* ContextMenus::menuFor(QAbstractItemView* view, const QModelIndex& index)
{
    if (!index.isValid())
        return nullptr;
    auto menu = std::make_unique<QMenu>(m_window);
    if (view == m_window->keysPanel()->keyView())
        fillKeyMenu(menu.get(), index);
    else if (view == m_window->eventsPanel()->view())
        fillEventMenu(menu.get(), index);
    else if (view == m_window->auditPanel()->view())
        fillFindingMenu(menu.get(), index);
    if (menu->actions().isEmpty())
        return nullptr;
    return menu.release();
}

namespace {
QAction* addNamed(QMenu* menu, const QString& text, const char* name)
{
    QAction* action = menu->addAction(text);
    action->setObjectName(QLatin1String(name));
    return action;
}
} // namespace

/// A key: show its history, filter the events on it, export it, copy it.
void ContextMenus::fillKeyMenu(QMenu* menu, const QModelIndex& index)
{
    menu->setObjectName(QStringLiteral("keyContextMenu"));
    const KeyRow* row = m_window->session()->keyModel()->rowAt(index.row());
    if (!row)
        return;
    const qint64 keyId = row->keyId;
    const QString table = fromStd(row->table);
    const QString keyText = fromStd(row->keyText);
    auto* history = addNamed(menu, tr("Show &History\tEnter"), "showHistory");
    connect(history, &QAction::triggered, this, [this, keyId]() { openVersion(keyId, 0); });
    connect(addNamed(menu, tr("&Filter Events on This Key"), "filterEventsOnKey"), &QAction::triggered, this,
            [this, table, keyText, keyJson = row->keyJson]() { filterEventsOnKey(table, keyText, keyJson); });
    connect(addNamed(menu, tr("&Export This Key…"), "exportKey"), &QAction::triggered, this,
            [this, keyId]() { exportKey(keyId); });
    menu->addSeparator();
    menu->addActions(m_window->keysPanel()->keyView()->actions()); // Copy Key as JSON (Ctrl+C) / as name=value
}

/// An event: open its version, filter on its key, show its audit finding, copy it.
void ContextMenus::fillEventMenu(QMenu* menu, const QModelIndex& index)
{
    menu->setObjectName(QStringLiteral("eventContextMenu"));
    const EventRow* row = m_window->session()->eventModel()->rowAt(index.row());
    if (!row)
        return;
    const qint64 keyId = row->keyId;
    const qint64 recordId = row->recordId;
    const QString table = fromStd(row->table);
    const QString keyText = fromStd(row->keyText);
    auto* open = addNamed(menu, tr("&Open Version in Timeline\tEnter"), "openVersion");
    connect(open, &QAction::triggered, this, [this, keyId, recordId]() { openVersion(keyId, recordId); });
    connect(addNamed(menu, tr("&Filter Events on This Key"), "filterEventsOnKey"), &QAction::triggered, this,
            [this, table, keyText, recordId]() { filterEventsOnKey(table, keyText, keysOfRecord(recordId)); });
    auto* audit = addNamed(menu, tr("Show in &Audit"), "showInAudit");
    if (!findingOf(recordId).isValid()) {
        audit->setEnabled(false);
        audit->setText(tr("Show in Audit (no finding for this event)"));
    }
    connect(audit, &QAction::triggered, this, [this, recordId]() { showInAudit(recordId); });
    menu->addSeparator();
    menu->addActions(m_window->eventsPanel()->view()->actions()); // Copy Row (Ctrl+C), Copy Record as JSON
    connect(addNamed(menu, tr("Copy Image as &DynamoDB JSON"), "copyImageDynamo"), &QAction::triggered, this,
            [this, recordId]() { copyImage(recordId, false); });
    connect(addNamed(menu, tr("Copy Image as &Plain JSON"), "copyImagePlain"), &QAction::triggered, this,
            [this, recordId]() { copyImage(recordId, true); });
}

/// A finding: open it, copy it, filter the events on its key.
void ContextMenus::fillFindingMenu(QMenu* menu, const QModelIndex& index)
{
    menu->setObjectName(QStringLiteral("findingContextMenu"));
    const FindingRow* finding = m_window->auditPanel()->filterModel()->rowAt(index.row());
    if (!finding)
        return;
    const qint64 keyId = finding->keyId;
    const qint64 recordId = finding->recordId;
    const QString table = fromStd(finding->table);
    const QString keyText = fromStd(finding->keyText);
    const QString text = QStringList{fromStd(std::string(model::severityText(finding->severity))),
                                     fromStd(std::string(model::findingKindText(finding->kind))),
                                     fromStd(finding->message), table, keyText}
                             .join(QLatin1Char('\t'));
    auto* open = addNamed(menu, tr("&Open Finding\tEnter"), "openFinding");
    open->setEnabled(keyId > 0);
    connect(open, &QAction::triggered, this, [this, keyId, recordId]() { openVersion(keyId, recordId); });
    connect(addNamed(menu, tr("&Copy Finding"), "copyFinding"), &QAction::triggered, this,
            [this, text]() { copy(text, tr("Copied the finding")); });
    auto* filter = addNamed(menu, tr("&Filter Events on This Key"), "filterEventsOnKey");
    filter->setEnabled(!keyText.isEmpty());
    connect(filter, &QAction::triggered, this, [this, table, keyText, recordId]() {
        filterEventsOnKey(table, keyText, recordId > 0 ? keysOfRecord(recordId) : std::string());
    });
}

void ContextMenus::openVersion(qint64 keyId, qint64 recordId)
{
    m_window->centerTabs()->setCurrentWidget(m_window->timelinePanel());
    m_window->openKeyAt(keyId, recordId);
}

std::string ContextMenus::keysOfRecord(qint64 recordId) const
{
    const auto row = m_window->session()->record(recordId);
    return row ? row->keysJson : std::string();
}

void ContextMenus::filterEventsOnKey(const QString& table, const QString& keyText, const std::string& keysJson)
{
    EventsPanel* events = m_window->eventsPanel();
    m_window->centerTabs()->setCurrentWidget(events);
    const int tableIndex = events->tableBox()->findData(table);
    if (tableIndex >= 0)
        events->tableBox()->setCurrentIndex(tableIndex);
    // Exactly this key through the display filter (Id=101 is not Id=1010); the filters apply after the typing pause.
    if (const auto exact = keysJson.empty() ? std::nullopt : keyexpression::exactKey(keysJson)) {
        events->textEdit()->clear();
        events->displayFilterEdit()->lineEdit()->setText(fromStd(*exact));
        m_window->statusBar()->showMessage(tr("Events of exactly %1 (display filter)").arg(keyText), 8000);
        return;
    }
    events->textEdit()->setText(keyText);
    m_window->statusBar()->showMessage(
        tr("Events of %1 (the text filter: keys containing this text; the display filter cannot name this key)")
            .arg(keyText),
        8000);
}

void ContextMenus::exportKey(qint64 keyId)
{
    StoreSession* session = m_window->session();
    const auto showDialog = [this, session]() {
        auto* dialog = new ExportDialog(session, m_window);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->onlyKeyBox()->setChecked(true); // exactly this key, not the events filter's substring
        dialog->open();
    };
    if (session->currentKeyId() == keyId && session->currentKey()) {
        showDialog();
        return;
    }
    // The dialog exports the key open in the timeline: open it first, then ask.
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(session, &StoreSession::historyReady, this, [connection, keyId, showDialog](qint64 id) {
        if (id != keyId)
            return;
        QObject::disconnect(*connection);
        showDialog();
    });
    openVersion(keyId, 0);
}

QModelIndex ContextMenus::findingOf(qint64 recordId) const
{
    // The visible rows of the audit panel (grouped rows stand for their first record).
    const FindingsFilterModel* model = m_window->auditPanel()->filterModel();
    for (int r = 0; r < model->rowCount(); ++r) {
        const FindingRow* row = model->rowAt(r);
        if (row && row->recordId == recordId)
            return model->index(r, 0);
    }
    return {};
}

bool ContextMenus::showInAudit(qint64 recordId)
{
    const QModelIndex finding = findingOf(recordId);
    if (!finding.isValid()) {
        m_window->statusBar()->showMessage(tr("No audit finding for record %1").arg(recordId), 5000);
        return false;
    }
    QDockWidget* dock = m_window->auditDock();
    dock->show();
    dock->raise();
    QTableView* view = m_window->auditPanel()->view();
    view->setCurrentIndex(finding);
    view->scrollTo(finding);
    view->setFocus(Qt::OtherFocusReason);
    return true;
}

void ContextMenus::copyImage(qint64 recordId, bool plain)
{
    QString error;
    const auto row = m_window->session()->record(recordId, &error);
    if (!row) {
        m_window->statusBar()->showMessage(tr("Cannot read record %1: %2").arg(recordId).arg(error), 10000);
        return;
    }
    const recordjson::ImageText image = recordjson::image(*row, plain);
    if (!image.error.isEmpty()) {
        m_window->statusBar()->showMessage(
            tr("Cannot copy the %1 of record %2: %3").arg(image.which).arg(recordId).arg(image.error), 10000);
        return;
    }
    copy(image.json,
         tr("Copied the %1 of record %2 as %3")
             .arg(image.which)
             .arg(recordId)
             .arg(plain ? tr("plain JSON") : tr("DynamoDB JSON")));
}

void ContextMenus::copy(const QString& text, const QString& what)
{
    QApplication::clipboard()->setText(text);
    m_window->statusBar()->showMessage(what, 4000);
}
