// MainWindow's layout: the center (notification bar, tabs, diff), the docks and their proportional shares, the
// status bar, and the layout saved and restored (only for a window of about the size it was saved at).

#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QResizeEvent>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>
#include <cstdlib>

#include "app/viewmodels/lambdafilter.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/activitychart.h"
#include "app/widgets/diffpanel.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/findingspanel.h"
#include "app/widgets/importdialog.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/lambdafilterpanel.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/mainwindowshared.h"
#include "app/widgets/notificationbar.h"
#include "app/widgets/replaypanel.h"
#include "app/widgets/timelinepanel.h"

namespace {
const QString kGeometry = QStringLiteral("window/geometry");
const QString kState = QStringLiteral("window/state");
const QString kStateSize = QStringLiteral("window/stateSize");   // the window's size when the state was saved
const QString kScreenSize = QStringLiteral("window/screenSize"); // the screen's when the geometry was saved
const QString kShares = QStringLiteral("window/dockShares");     // keys dock width, activity dock height shares
const QString kSplit = QStringLiteral("window/centerSplit");
const QString kEventsSplit = QStringLiteral("window/eventsSplit");
const QString kShown = QStringLiteral("window/shown"); // each dock's and toolbar's visibility, by object name

/// Within a tenth of each other in both directions: a layout made for one fits the other.
bool similarSize(QSize a, QSize b)
{
    const auto near = [](int x, int y) { return x > 0 && y > 0 && std::abs(x - y) * 10 <= std::max(x, y); };
    return near(a.width(), b.width()) && near(a.height(), b.height());
}
} // namespace

using mainwindowshared::icon;

/// The center: the notification bar above the tabs (timeline, events) and the diff below them.
void MainWindow::createCenter()
{
    m_timeline->setObjectName(QStringLiteral("timeline"));
    m_events->setObjectName(QStringLiteral("events"));
    m_tabs->addTab(m_timeline, icon("timeline"), tr("Item timeline"));
    m_tabs->addTab(m_events, icon("events"), tr("Events"));
    m_centerSplit->addWidget(m_tabs);
    m_centerSplit->addWidget(m_diff);
    m_centerSplit->setCollapsible(0, false); // the diff may fold away under the Events tab (restoreCenterSplit)
    auto* center = new QWidget(this);
    auto* centerLayout = new QVBoxLayout(center);
    centerLayout->setContentsMargins(0, 0, 0, 0);
    centerLayout->setSpacing(2);
    centerLayout->addWidget(m_notice);
    m_notice->installEventFilter(this); // its room comes from the bottom docks: they take it back (eventFilter)
    centerLayout->addWidget(m_centerSplit, 1);
    setCentralWidget(center);
    connect(m_notice, &NotificationBar::detailsRequested, this, &MainWindow::showImportDetails);
}

/// Keys on the left, activity and audit side by side at the bottom.
void MainWindow::createDocks()
{
    auto* keysDock = new QDockWidget(tr("Tables and keys"), this);
    keysDock->setObjectName(QStringLiteral("keysDock"));
    keysDock->setWidget(m_keys);
    addDockWidget(Qt::LeftDockWidgetArea, keysDock);
    auto* activityDock = new QDockWidget(tr("Activity"), this);
    activityDock->setObjectName(QStringLiteral("activityDock"));
    activityDock->setWidget(m_activity);
    addDockWidget(Qt::BottomDockWidgetArea, activityDock);
    auto* auditDock = new QDockWidget(tr("Audit"), this);
    auditDock->setObjectName(QStringLiteral("auditDock"));
    auditDock->setWidget(m_audit);
    addDockWidget(Qt::BottomDockWidgetArea, auditDock);
    m_auditDock = auditDock;
    m_keysDock = keysDock;
    m_activityDock = activityDock;
    keysDock->installEventFilter(this);
    activityDock->installEventFilter(this);
    splitDockWidget(activityDock, auditDock, Qt::Horizontal);
    resizeDocks({keysDock}, {380}, Qt::Horizontal);
    resizeDocks({activityDock}, {190}, Qt::Vertical);
    resizeDocks({activityDock, auditDock}, {760, 620}, Qt::Horizontal);
    createLambdaFilterDock();
}

/// The Lambda filter pane, tabbed with the audit and hidden until opened (View ▸ Lambda filter); while criteria are set
/// the events table has a verdict column.
void MainWindow::createLambdaFilterDock()
{
    m_lambdaFilter = new LambdaFilter(m_session, this);
    m_lambdaPanel = new LambdaFilterPanel(m_lambdaFilter, this);
    m_lambdaDock = new QDockWidget(tr("Lambda filter"), this);
    m_lambdaDock->setObjectName(QStringLiteral("lambdaFilterDock"));
    m_lambdaDock->setWidget(m_lambdaPanel);
    // Their filter rows are wide: a fixed minimum lets the docks squeeze their fields instead of holding the
    // window wider than 1024 px (tstw_mainwindow smallAndLargeWindows).
    m_lambdaPanel->setMinimumWidth(240);
    m_audit->setMinimumWidth(240);
    addDockWidget(Qt::BottomDockWidgetArea, m_lambdaDock);
    tabifyDockWidget(m_auditDock, m_lambdaDock);
    m_lambdaDock->hide(); // View ▸ Lambda filter: the window keeps its room for the events table at 1024×700
    m_auditDock->raise();
    connect(m_lambdaFilter, &LambdaFilter::changed, this, [this]() {
        EventTableModel* events = m_session->eventModel();
        if (!m_lambdaFilter->isActive()) {
            events->setExtraColumn({}, nullptr);
            return;
        }
        LambdaFilter* filter = m_lambdaFilter;
        events->setExtraColumn(tr("Lambda filter"),
                               [filter](const EventRow& row, int role) { return filter->cell(row, role); });
    });
}

void MainWindow::createStatusBar()
{
    m_importProgress->hide();
    statusBar()->addWidget(m_pathLabel, 1);
    statusBar()->addPermanentWidget(m_busyLabel);
    statusBar()->addPermanentWidget(m_importProgress);
    statusBar()->addPermanentWidget(m_totalsLabel);
}

/// The replay tab and its View menu entry; a record activated in a run opens in the timeline.
void MainWindow::createReplayTab()
{
    auto* replayPanel = new ReplayPanel(m_session, this);
    m_replay = replayPanel;
    replayPanel->setObjectName(QStringLiteral("replay"));
    m_tabs->addTab(replayPanel, icon("replay"), tr("Replay"));
    auto* replay = m_viewMenu->addAction(tr("Replay Panel"));
    replay->setToolTip(tr("Replay the current events filter through a local handler"));
    connect(replay, &QAction::triggered, this, [this, replayPanel]() { m_tabs->setCurrentWidget(replayPanel); });
    connect(replayPanel, &ReplayPanel::recordActivated, this, [this](qint64 recordId) {
        QString error;
        const auto row = m_session->record(recordId, &error);
        if (!row) {
            statusBar()->showMessage(tr("Cannot open record %1: %2").arg(recordId).arg(error), 10000);
            return;
        }
        m_tabs->setCurrentWidget(m_timeline);
        openKeyAt(row->keyId, recordId);
    });
}

/// Window geometry, dock layout, and each center tab's share of the height above the diff.
void MainWindow::restoreLayout()
{
    QSettings settings;
    // The default size, within the screen's free area (a 1366x768 laptop, a 1024x700 VNC screen): a window larger
    // than its screen has its status bar and the docks' lower parts out of reach.
    QSize size(1400, 900);
    if (screen())
        size = size.boundedTo(screen()->availableGeometry().size());
    resize(size);
    // A geometry saved on a screen of another size (another monitor, another resolution) would place the window
    // badly: the default size then. The dock layout waits for the first show (placeDocks), when the size is known.
    if (screen() && similarSize(settings.value(kScreenSize).toSize(), screen()->availableGeometry().size()))
        restoreGeometry(settings.value(kGeometry).toByteArray());
    // Each center tab keeps its own share of the height above the diff (a short timeline leaves room for the
    // diff; the events table and the replay runs want more).
    for (int i = 0; i < m_tabs->count(); ++i)
        m_tabSplit[m_tabs->widget(i)] =
            settings.value(kSplit + QLatin1Char('/') + m_tabs->widget(i)->objectName()).toByteArray();
    m_splitTab = m_tabs->currentWidget();
    restoreCenterSplit(m_splitTab);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this]() {
        if (m_splitTab)
            m_tabSplit[m_splitTab] = m_centerSplit->saveState();
        m_splitTab = m_tabs->currentWidget();
        restoreCenterSplit(m_splitTab);
    });
    if (m_events->splitter()->restoreState(settings.value(kEventsSplit).toByteArray()))
        m_events->splitter()->setProperty("restored", true); // the user's split, not the first-show default
}

void MainWindow::resizeEvent(QResizeEvent* event)
{
    // Docks keep their share of the window (not their pixels): enlarging gives the keys list and the bottom panes
    // their part of the new room, shrinking to 1024×700 leaves the views theirs. The shares change only when the
    // user resizes a dock (eventFilter), so repeated window resizes never drift.
    QMainWindow::resizeEvent(event);
    m_lastSize = event->size();
    if (m_docksPlaced && event->oldSize().isValid())
        applyDockShares();
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    if (!m_docksPlaced)
        placeDocks();
}

void MainWindow::placeDocks()
{
    // Docks and toolbars as the user left them, when they left them in a window of about this size; a layout made
    // for another size (a state saved at 1024x700 kept the keys dock 380 px wide at 1920x1080) gives way to the
    // proportional defaults.
    m_docksPlaced = true;
    QSettings settings;
    const bool restored =
        similarSize(settings.value(kStateSize).toSize(), size()) && restoreState(settings.value(kState).toByteArray());
    const QList<QVariant> shares = settings.value(kShares).toList();
    if (restored && shares.size() == 2) {
        m_keysShare = std::clamp(shares[0].toDouble(), 0.15, 0.6);
        m_activityShare = std::clamp(shares[1].toDouble(), 0.1, 0.6);
        m_bottomShareByUser = true;
    }
    // Once the window's first layout is done: it resizes the docks too, which is not the user's doing (taken for a
    // splitter drag, it set the keys dock's share to the 380 px it had before the window grew to 1920x1080).
    // What does not depend on the size still holds: the docks and toolbars the user hid or showed.
    if (!restored)
        restoreVisibility(settings.value(kShown).toMap());
    QTimer::singleShot(0, this, [this, restored]() {
        if (!restored)
            applyDockShares();
        m_sharesFollowUser = true;
    });
}

/// The docks and toolbars hidden or shown as in `shown` (object name → visible); those it does not name keep their
/// default.
void MainWindow::restoreVisibility(const QVariantMap& shown)
{
    for (QDockWidget* dock : findChildren<QDockWidget*>(QString(), Qt::FindDirectChildrenOnly))
        if (shown.contains(dock->objectName()))
            dock->setVisible(shown.value(dock->objectName()).toBool());
    for (QToolBar* bar : findChildren<QToolBar*>(QString(), Qt::FindDirectChildrenOnly))
        if (shown.contains(bar->objectName()))
            bar->setVisible(shown.value(bar->objectName()).toBool());
    if (!m_auditDock->isHidden())
        m_auditDock->raise(); // tabbed with the Lambda filter: the audit in front, as by default
}

void MainWindow::applyDockShares()
{
    m_applyingShares = true;
    if (!m_keysDock->isFloating())
        resizeDocks({m_keysDock}, {static_cast<int>(m_keysShare * width())}, Qt::Horizontal);
    if (!m_activityDock->isFloating()) {
        // Until the user sizes the bottom docks: their share of the height, and at least the Audit's filters, five
        // findings and three lines of details (at 1024x700 the share left the details one line).
        int bottom = static_cast<int>(m_activityShare * height());
        if (!m_bottomShareByUser && m_auditDock->isVisible() && !m_auditDock->isFloating()
            && dockWidgetArea(m_auditDock) == Qt::BottomDockWidgetArea)
            bottom = std::max(bottom, m_activityDock->height() - m_audit->height() + m_audit->wantedHeight());
        m_placedBottom = bottom;
        resizeDocks({m_activityDock}, {bottom}, Qt::Vertical);
    }
    m_applyingShares = false;
}

void MainWindow::restoreCenterSplit(QWidget* tab)
{
    // (the Events tab lists rows above a raw record of its own: its diff gets the least)
    const int share = tab == m_timeline ? 40 : tab == m_events ? 84 : 66; // percent above the diff
    // Stretch in the same proportion, so growing the window (first show included) keeps the shares.
    m_centerSplit->setStretchFactor(0, share);
    m_centerSplit->setStretchFactor(1, 100 - share);
    if (m_centerSplit->restoreState(m_tabSplit.value(tab)))
        return;
    // (its height once laid out; 400 px before: a floor of 400 px on a laid-out 330-px splitter unfolded the Events
    // tab's diff at 1024x700, which then took its minimum from the table and the record)
    const int laidOut = m_centerSplit->height() - m_centerSplit->handleWidth();
    const int total = laidOut >= 100 ? laidOut : 400;
    int above = total * share / 100;
    if (tab == m_events) {
        // The Events tab's filters, four rows and five lines of its record come first: the diff yields to its
        // minimum, and below that it folds away (its handle stays at the bottom, to be dragged open; at 1024x700
        // the record showed two lines beside a diff of two attribute rows).
        const QWidget* stack = m_events->parentWidget(); // the tab widget's pages, less its tab bar
        const int wanted = m_tabs->height() - (stack ? stack->height() : 0) + m_events->wantedHeight();
        if (above < wanted)
            above = total - m_diff->minimumSizeHint().height() >= wanted ? wanted : total;
    }
    m_centerSplit->setSizes({above, total - above});
}

void MainWindow::showDiff()
{
    if (m_diff->isHidden()) { // under Replay: its records open in the timeline
        statusBar()->showMessage(tr("The diff shows under the Item timeline and Events tabs"), 5000);
        return;
    }
    const QList<int> sizes = m_centerSplit->sizes();
    if (sizes.size() != 2)
        return;
    const int total = sizes[0] + sizes[1];
    if (sizes[1] > 0 && m_tabs->currentWidget() == m_events && m_diff->isAncestorOf(QApplication::focusWidget())) {
        // Again from the diff: folded back, the keyboard back in the events table.
        m_centerSplit->setSizes({total, 0});
        m_events->view()->setFocus(Qt::ShortcutFocusReason);
        return;
    }
    if (sizes[1] < m_diff->minimumSizeHint().height()) {
        // A quarter of the height or its minimum, whichever is more (the events table and its record keep the
        // rest; two fifths left the record one line at 1024x700); the tab keeps its own minimum (the splitter holds
        // it). The tab's saved split now has the diff open.
        const int diff = std::min(total, std::max(m_diff->minimumSizeHint().height(), total / 4));
        m_centerSplit->setSizes({total - diff, diff});
    }
    m_diff->view()->setFocus(Qt::ShortcutFocusReason);
}

/// Window geometry, dock layout (with the window and screen sizes they were made for) and the splitters.
void MainWindow::saveLayout()
{
    QSettings settings;
    settings.setValue(kGeometry, saveGeometry());
    settings.setValue(kState, saveState());
    settings.setValue(kStateSize, size());
    settings.setValue(kShares, QList<QVariant>{m_keysShare, m_activityShare});
    // Visibility apart from the state: it is restored at any window size (the state only at about this one). A dock
    // in a tab group behind another is shown (its View menu entry is checked) though not visible.
    QVariantMap shown;
    for (QDockWidget* dock : findChildren<QDockWidget*>(QString(), Qt::FindDirectChildrenOnly))
        shown.insert(dock->objectName(), dock->toggleViewAction()->isChecked());
    for (QToolBar* bar : findChildren<QToolBar*>(QString(), Qt::FindDirectChildrenOnly))
        shown.insert(bar->objectName(), bar->toggleViewAction()->isChecked());
    settings.setValue(kShown, shown);
    if (screen())
        settings.setValue(kScreenSize, screen()->availableGeometry().size());
    if (m_splitTab)
        m_tabSplit[m_splitTab] = m_centerSplit->saveState();
    for (auto it = m_tabSplit.cbegin(); it != m_tabSplit.cend(); ++it)
        if (!it.value().isEmpty())
            settings.setValue(kSplit + QLatin1Char('/') + it.key()->objectName(), it.value());
    settings.setValue(kEventsSplit, m_events->splitter()->saveState());
}
