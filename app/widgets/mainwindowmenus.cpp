// MainWindow's actions and menus, the recent stores, the keyboard (tab switching, Enter on lists) and the Help ▸
// Keyboard Shortcuts page that lists every shortcut.

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/diffpanel.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/exportdialog.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/mainwindowshared.h"
#include "app/widgets/timelinepanel.h"

namespace {
const QString kRecent = QStringLiteral("stores/recent");
constexpr int kMaxRecent = 8;
} // namespace

using mainwindowshared::icon;
using mainwindowshared::kLastStore;

void MainWindow::createActions()
{
    m_newAction = new QAction(icon("new-store"), tr("&New Store…"), this);
    m_newAction->setShortcut(QKeySequence::New);
    connect(m_newAction, &QAction::triggered, this, &MainWindow::newStore);
    m_openAction = new QAction(icon("open-store"), tr("&Open Store…"), this);
    m_openAction->setObjectName(QStringLiteral("openStoreAction"));
    m_openAction->setShortcut(QKeySequence::Open);
    connect(m_openAction, &QAction::triggered, this, &MainWindow::openStoreDialog);
    m_importAction = new QAction(icon("import"), tr("&Import Capture(s)…"), this);
    m_importAction->setObjectName(QStringLiteral("importAction"));
    m_importAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_importAction->setToolTip(tr("Import capture files into the open store (Ctrl+I)"));
    connect(m_importAction, &QAction::triggered, this, [this]() { importDialog(false); });
    m_importFolderAction = new QAction(icon("import-folder"), tr("Import &Folder…"), this);
    connect(m_importFolderAction, &QAction::triggered, this, [this]() { importDialog(true); });
    m_exportAction = new QAction(icon("export"), tr("&Export Selection…"), this);
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportAction->setToolTip(tr("Export the events view's current filter as Lambda batches, JSON Lines or CSV"));
    connect(m_exportAction, &QAction::triggered, this, [this]() {
        if (!m_session->isOpen()) {
            statusBar()->showMessage(tr("Open a store first."), 5000);
            return;
        }
        ExportDialog dialog(m_session, this);
        dialog.exec();
    });
    m_refreshAction = new QAction(icon("refresh"), tr("&Refresh"), this);
    m_refreshAction->setShortcut(QKeySequence(Qt::Key_F5));
    connect(m_refreshAction, &QAction::triggered, m_session, &StoreSession::refresh);
    m_filterAction = new QAction(icon("filter"), tr("&Filter"), this);
    m_filterAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_F));
    connect(m_filterAction, &QAction::triggered, this, [this]() {
        if (m_tabs->currentWidget() == m_events)
            m_events->focusFilter();
        else
            m_keys->focusFilter();
    });
    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->setObjectName(QStringLiteral("fileMenu"));
    file->addAction(m_newAction);
    file->addAction(m_openAction);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addSeparator();
    file->addAction(m_importAction);
    file->addAction(m_importFolderAction);
    file->addSeparator();
    file->addAction(m_exportAction);
    file->addSeparator();
    file->addAction(m_quitAction);
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->setObjectName(QStringLiteral("editMenu"));
    auto* copy = edit->addAction(icon("copy"), tr("&Copy Value as JSON"));
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut); // the diff panel owns the live Ctrl+C
    connect(copy, &QAction::triggered, m_diff, &DiffPanel::copySelection);
    edit->addAction(m_filterAction);
    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_viewMenu->setObjectName(QStringLiteral("viewMenu"));
    m_viewMenu->addAction(m_refreshAction);
    // Up/Down step when the timeline has focus; these work from anywhere (e.g. while the keys list has it).
    auto* previous = m_viewMenu->addAction(tr("&Previous Version"));
    previous->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Up));
    // On the Events tab they move the events table (raw pane, timeline and diff follow it).
    connect(previous, &QAction::triggered, this,
            [this]() { m_tabs->currentWidget() == m_events ? m_events->step(-1) : m_timeline->step(-1); });
    auto* next = m_viewMenu->addAction(tr("&Next Version"));
    next->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Down));
    connect(next, &QAction::triggered, this,
            [this]() { m_tabs->currentWidget() == m_events ? m_events->step(1) : m_timeline->step(1); });
    m_viewMenu->addSeparator();
    const struct
    {
        const char* text;
        int key;
    } tabs[] = {{QT_TR_NOOP("Item &Timeline"), Qt::Key_1},
                {QT_TR_NOOP("&Events"), Qt::Key_2},
                {QT_TR_NOOP("Re&play"), Qt::Key_3}};
    for (int i = 0; i < 3; ++i) {
        auto* show = m_viewMenu->addAction(tr(tabs[i].text));
        show->setShortcut(QKeySequence(Qt::ALT | tabs[i].key));
        connect(show, &QAction::triggered, this, [this, i]() {
            if (i < m_tabs->count()) {
                m_tabs->setCurrentIndex(i);
                focusCurrentTab();
            }
        });
    }
    auto* nextTab = m_viewMenu->addAction(tr("Next Tab"));
    nextTab->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Tab), QKeySequence(Qt::CTRL | Qt::Key_PageDown)});
    connect(nextTab, &QAction::triggered, this, [this]() { switchTab(1); });
    auto* previousTab = m_viewMenu->addAction(tr("Previous Tab"));
    previousTab->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Backtab), QKeySequence(Qt::CTRL | Qt::Key_PageUp)});
    connect(previousTab, &QAction::triggered, this, [this]() { switchTab(-1); });
    // The diff under the Events tab folds away in a short window (restoreCenterSplit): this brings it back without
    // dragging its handle, and puts the keyboard in it.
    auto* showDiff = m_viewMenu->addAction(tr("Show &Diff"));
    showDiff->setObjectName(QStringLiteral("showDiffAction"));
    showDiff->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    showDiff->setToolTip(tr("Unfold the diff under the events table (folded in a short window) and move the keyboard "
                            "into it; again from the diff: fold it back"));
    connect(showDiff, &QAction::triggered, this, &MainWindow::showDiff);
    m_viewMenu->addSeparator();
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName(QStringLiteral("helpMenu"));
    auto* keys = help->addAction(tr("&Keyboard Shortcuts"));
    keys->setShortcut(QKeySequence(Qt::Key_F1));
    connect(keys, &QAction::triggered, this, [this]() { showKeyboardShortcuts(); });
    help->addAction(tr("&About Streamscope"), this, [this]() {
        QMessageBox::about(this, tr("About Streamscope"),
                           tr("<b>Streamscope %1</b><p>Inspect, audit and replay captured DynamoDB stream data.</p>"
                              "<p>Import a capture (Ctrl+I or drop files here), pick a key on the left, walk its "
                              "versions with Up/Down and read the diff below.</p>")
                               .arg(QApplication::applicationVersion()));
    });

    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    // Small icons beside their text: the bar is a few pixels shorter, which the views need at 1024x700.
    const int small = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    bar->setIconSize(QSize(small, small));
    bar->addAction(m_openAction);
    bar->addAction(m_importAction);
    bar->addAction(m_refreshAction);
    bar->addAction(m_filterAction);
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(kRecent).toStringList();
    for (int i = 0; i < recent.size(); ++i) {
        const QString& path = recent[i];
        // &1 … &8: each entry reachable by its digit from the keyboard ('&' in a path shown as itself).
        QString text = QDir::toNativeSeparators(path);
        text.replace(QLatin1Char('&'), QStringLiteral("&&"));
        auto* action = m_recentMenu->addAction(i < 9 ? QStringLiteral("&%1 %2").arg(i + 1).arg(text) : text);
        connect(action, &QAction::triggered, this, [this, path]() { openStore(path); });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::addRecent(const QString& path)
{
    QSettings settings;
    QStringList recent = settings.value(kRecent).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(kRecent, recent);
    settings.setValue(kLastStore, path);
    updateRecentMenu();
}

void MainWindow::switchTab(int delta)
{
    const int n = m_tabs->count();
    if (n > 0) {
        m_tabs->setCurrentIndex((m_tabs->currentIndex() + delta + n) % n);
        focusCurrentTab();
    }
}

// Up/Down, Enter and Ctrl+C then act in the tab the user switched to, not in the keys list or field left behind.
void MainWindow::focusCurrentTab()
{
    QWidget* page = m_tabs->currentWidget();
    if (page == m_events)
        m_events->view()->setFocus(Qt::ShortcutFocusReason);
    else if (page == m_timeline)
        m_timeline->view()->setFocus(Qt::ShortcutFocusReason);
    else if (page) {
        for (QWidget* child : page->findChildren<QWidget*>()) {
            if (child->isVisibleTo(page) && child->isEnabled() && (child->focusPolicy() & Qt::TabFocus)) {
                child->setFocus(Qt::ShortcutFocusReason);
                break;
            }
        }
    }
}

void MainWindow::setupKeyboard()
{
    // Window shortcuts win over the line edits' own bindings (Ctrl+E is "end of line" in a QLineEdit).
    for (QLineEdit* edit : findChildren<QLineEdit*>())
        edit->installEventFilter(this);
    // Home / End go to the first / last row (QTableView moves between columns of a row-selecting list otherwise).
    for (QAbstractItemView* view :
         {static_cast<QAbstractItemView*>(m_keys->keyView()), static_cast<QAbstractItemView*>(m_keys->tableView()),
          static_cast<QAbstractItemView*>(m_events->view()), static_cast<QAbstractItemView*>(m_timeline->view())})
        view->installEventFilter(this);
    // Enter opens the current item.
    connect(m_keys->keyView(), &QAbstractItemView::activated, this, [this](const QModelIndex& index) {
        const qint64 keyId = index.data(ModelRoles::KeyIdRole).toLongLong();
        m_tabs->setCurrentWidget(m_timeline);
        if (keyId != m_session->currentKeyId())
            openKeyAt(keyId, 0);
        m_timeline->view()->setFocus(Qt::ShortcutFocusReason);
    });
    connect(m_keys->tableView(), &QAbstractItemView::activated, this,
            [this](const QModelIndex&) { m_keys->keyView()->setFocus(Qt::ShortcutFocusReason); });
    connect(m_events->view(), &QAbstractItemView::activated, this, [this](const QModelIndex& index) {
        const qint64 keyId = index.data(ModelRoles::KeyIdRole).toLongLong();
        const qint64 recordId = index.data(ModelRoles::RecordIdRole).toLongLong();
        m_tabs->setCurrentWidget(m_timeline);
        openKeyAt(keyId, recordId);
        m_timeline->view()->setFocus(Qt::ShortcutFocusReason);
    });
}

QList<QPair<QString, QString>> MainWindow::keyboardShortcuts() const
{
    QList<QPair<QString, QString>> list;
    // Every menu action with a shortcut, in menu order.
    for (QAction* menu : menuBar()->actions()) {
        if (!menu->menu())
            continue;
        for (QAction* action : menu->menu()->actions()) {
            if (action->shortcuts().isEmpty())
                continue;
            QStringList keys;
            for (const QKeySequence& k : action->shortcuts())
                keys << k.toString(QKeySequence::NativeText);
            QString what = action->text();
            what.remove(QLatin1Char('&'));
            what.remove(QStringLiteral("…"));
            list.append({keys.join(QStringLiteral(", ")),
                         menu->text().remove(QLatin1Char('&')) + QStringLiteral(" ▸ ") + what});
        }
    }
    // Keys of the lists and panes.
    list.append({tr("Up, Down, Page Up, Page Down"), tr("Lists: move; the item under the cursor opens")});
    list.append({tr("Home, End"), tr("Lists: first / last row")});
    list.append({tr("Enter"),
                 tr("Keys list: open the key's timeline; Events: open the event's version in the "
                    "timeline; Audit: open the finding; Tables: go to the keys list")});
    list.append({tr("Enter, Down (in a filter)"),
                 tr("Keys or events filter (or a valid Where: expression): go into the list, its current row kept or "
                    "the first match selected")});
    list.append({tr("F8, Shift+F8"), tr("Audit: select the next / previous finding")});
    list.append({tr("Tab, Shift+Tab"), tr("Move between the panes and fields")});
    list.append({tr("Ctrl+C"),
                 tr("Diff: copy the selected value (or the image) as JSON; keys list: the key as "
                    "DynamoDB JSON; events table: the row (cells separated by tabs)")});
    list.append({tr("Ctrl+Shift+C"), tr("Keys list: the key as name=value; events table: the record as delivered")});
    list.append(
        {tr("Enter (in From / To)"), tr("Apply a typed or pasted time (ISO-8601, UTC unless an offset is given)")});
    return list;
}

QDialog* MainWindow::showKeyboardShortcuts()
{
    auto* dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("keyboardShortcuts"));
    dialog->setWindowTitle(tr("Keyboard Shortcuts"));
    const auto shortcuts = keyboardShortcuts();
    auto* table = new QTableWidget(static_cast<int>(shortcuts.size()), 2, dialog);
    table->setHorizontalHeaderLabels({tr("Keys"), tr("Action")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    for (int r = 0; r < shortcuts.size(); ++r) {
        table->setItem(r, 0, new QTableWidgetItem(shortcuts[r].first));
        table->setItem(r, 1, new QTableWidgetItem(shortcuts[r].second));
    }
    table->resizeColumnsToContents();
    table->horizontalHeader()->setStretchLastSection(true);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(table);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    layout->addWidget(buttons);
    dialog->resize(720, 560);
    dialog->show();
    return dialog;
}
