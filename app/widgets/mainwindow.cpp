#include "app/widgets/mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QResizeEvent>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/importjob.h"
#include "app/viewmodels/lambdafilter.h"
#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/activitychart.h"
#include "app/widgets/diffpanel.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/exportdialog.h"
#include "app/widgets/findingspanel.h"
#include "app/widgets/importdialog.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/lambdafilterpanel.h"
#include "app/widgets/mainwindowextras.h"
#include "app/widgets/notificationbar.h"
#include "app/widgets/preferences.h"
#include "app/widgets/replaypanel.h"
#include "app/widgets/sourcesdialog.h"
#include "app/widgets/statedialog.h"
#include "app/widgets/timelinepanel.h"

namespace {
const QString kRecent = QStringLiteral("stores/recent");
const QString kLast = QStringLiteral("stores/last");
const QString kGeometry = QStringLiteral("window/geometry");
const QString kState = QStringLiteral("window/state");
const QString kStateSize = QStringLiteral("window/stateSize");   // the window's size when the state was saved
const QString kScreenSize = QStringLiteral("window/screenSize"); // the screen's when the geometry was saved
const QString kShares = QStringLiteral("window/dockShares");     // keys dock width, activity dock height shares
const QString kSplit = QStringLiteral("window/centerSplit");
const QString kEventsSplit = QStringLiteral("window/eventsSplit");
constexpr int kMaxRecent = 8;

/// Within a tenth of each other in both directions: a layout made for one fits the other.
bool similarSize(QSize a, QSize b)
{
    const auto near = [](int x, int y) { return x > 0 && y > 0 && std::abs(x - y) * 10 <= std::max(x, y); };
    return near(a.width(), b.width()) && near(a.height(), b.height());
}

QIcon icon(const char* name)
{
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
}
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_session(new StoreSession(this))
    , m_keys(new KeysPanel(m_session, this))
    , m_timeline(new TimelinePanel(m_session, this))
    , m_diff(new DiffPanel(m_session, this))
    , m_events(new EventsPanel(m_session, this))
    , m_audit(new FindingsPanel(m_session->findingsModel(), this))
    , m_activity(new ActivityPanel(m_session, this))
    , m_tabs(new QTabWidget(this))
    , m_centerSplit(new QSplitter(Qt::Vertical, this))
    , m_importJob(new ImportJob(this))
    , m_importProgress(new ImportProgressWidget(this))
    , m_notice(new NotificationBar(this))
    , m_pathLabel(new QLabel(this))
    , m_totalsLabel(new QLabel(this))
    , m_busyLabel(new QLabel(this))
{
    setWindowTitle(tr("Streamscope"));
    setAcceptDrops(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

    createCenter();
    createDocks();
    createStatusBar();
    createActions();
    createMenus();
    m_viewMenu->addAction(m_keysDock->toggleViewAction());
    m_viewMenu->addAction(m_activityDock->toggleViewAction());
    m_viewMenu->addAction(m_auditDock->toggleViewAction());
    m_viewMenu->addAction(m_lambdaDock->toggleViewAction());
    createReplayTab();
    connectPanels();
    connectSessionAndJobs();
    restoreLayout();
    setupKeyboard();
    updateRecentMenu();
    updateStatus();
    new Preferences(this); // view options, column widths and each store's last filters, remembered
    m_viewMenu->addAction(SourcesDialog::createAction(m_session, this));
    m_viewMenu->addAction(StateDialog::createAction(this)); // State at a Time (Ctrl+T)
    m_extras = new MainWindowExtras(this); // start page, Close Store, Go To, context menus, record tree, Help pages
}

/// The center: the notification bar above the tabs (timeline, events) and the diff below them.
void MainWindow::createCenter()
{
    m_timeline->setObjectName(QStringLiteral("timeline"));
    m_events->setObjectName(QStringLiteral("events"));
    m_tabs->addTab(m_timeline, icon("timeline"), tr("Item timeline"));
    m_tabs->addTab(m_events, icon("events"), tr("Events"));
    m_centerSplit->addWidget(m_tabs);
    m_centerSplit->addWidget(m_diff);
    auto* center = new QWidget(this);
    auto* centerLayout = new QVBoxLayout(center);
    centerLayout->setContentsMargins(0, 0, 0, 0);
    centerLayout->setSpacing(2);
    centerLayout->addWidget(m_notice);
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

/// Selections in one panel open what they point at in the others; copies are confirmed in the status bar.
void MainWindow::connectPanels()
{
    connect(m_keys, &KeysPanel::keySelected, this, [this](qint64 keyId) {
        // A key's versions are the timeline's: on the Events tab the diff belongs to the current event.
        m_tabs->setCurrentWidget(m_timeline);
        openKeyAt(keyId, 0);
    });
    connect(m_events, &EventsPanel::recordSelected, this, &MainWindow::openKeyAt);
    const auto copiedFeedback = [this](const QString& what) { statusBar()->showMessage(what, 4000); };
    connect(m_events, &EventsPanel::copied, this, copiedFeedback);
    connect(m_keys, &KeysPanel::copied, this, copiedFeedback);
    connect(m_diff, &DiffPanel::copied, this, copiedFeedback);
    connect(m_events, &EventsPanel::selectionHidden, this, [this]() {
        if (m_tabs->currentWidget() == m_events)
            m_diff->clear(); // the diff showed the event the filter just hid
    });
    connect(m_audit, &FindingsPanel::findingActivated, this, [this](qint64 keyId, qint64 recordId) {
        m_tabs->setCurrentWidget(m_timeline);
        openKeyAt(keyId, recordId);
    });
    connect(m_timeline, &TimelinePanel::comparisonChanged, m_diff, &DiffPanel::showComparison);
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::diffFollowsTab);
    connect(m_session, &StoreSession::historyReady, this, [this](qint64) {
        if (m_session->timelineModel()->rowCount() == 0)
            m_diff->clear();
    });
    connect(m_activity->chart(), &ActivityChart::rangeSelected, this, [this](qint64 from, qint64 to) {
        m_tabs->setCurrentWidget(m_events);
        m_events->setTimeRange(from, to);
    });
    connect(m_events, &EventsPanel::timeRangeChanged, m_activity->chart(), &ActivityChart::setFilterRange);
}

/// The status bar follows the session and the jobs; the import progress widget follows the import job.
void MainWindow::connectSessionAndJobs()
{
    connect(m_session, &StoreSession::overviewReady, this, &MainWindow::updateStatus);
    connect(m_session, &StoreSession::closed, this, &MainWindow::updateStatus);
    connect(m_session, &StoreSession::errorOccurred, this,
            [this](const QString& message) { statusBar()->showMessage(message, 10000); });
    connect(m_session->jobs(), &JobTracker::busyChanged, this,
            [this](bool busy) { m_busyLabel->setText(busy ? tr("querying…") : QString()); });
    connect(m_session->auditJobs(), &JobTracker::busyChanged, this, [this](bool busy) {
        statusBar()->showMessage(busy ? tr("Auditing the store…") : tr("Audit finished"), busy ? 0 : 4000);
        m_audit->setStatus(busy ? tr("Auditing the store…") : QString());
    });
    connect(m_session, &StoreSession::closed, m_audit, [this]() { m_audit->setStatus(tr("No store open")); });
    connect(m_importJob, &ImportJob::progressChanged, m_importProgress, &ImportProgressWidget::setProgress);
    connect(m_importJob, &ImportJob::finished, this, &MainWindow::onImportFinished);
    connect(m_importProgress->cancelButton(), &QPushButton::clicked, this, [this]() {
        m_importJob->cancel();
        m_importProgress->cancelButton()->setEnabled(false);
        m_importProgress->label()->setText(tr("Cancelling…"));
    });
}

/// Window geometry, dock layout, and each center tab's share of the height above the diff.
void MainWindow::restoreLayout()
{
    QSettings settings;
    resize(1400, 900);
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

MainWindow::~MainWindow() = default;

QString MainWindow::defaultStorePath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("default.streamscope"));
}

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
            if (i < m_tabs->count())
                m_tabs->setCurrentIndex(i);
        });
    }
    auto* nextTab = m_viewMenu->addAction(tr("Next Tab"));
    nextTab->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Tab), QKeySequence(Qt::CTRL | Qt::Key_PageDown)});
    connect(nextTab, &QAction::triggered, this, [this]() { switchTab(1); });
    auto* previousTab = m_viewMenu->addAction(tr("Previous Tab"));
    previousTab->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Backtab), QKeySequence(Qt::CTRL | Qt::Key_PageUp)});
    connect(previousTab, &QAction::triggered, this, [this]() { switchTab(-1); });
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
    for (const QString& path : recent) {
        auto* action = m_recentMenu->addAction(path);
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
    settings.setValue(kLast, path);
    updateRecentMenu();
}

void MainWindow::showError(const QString& title, const QString& text)
{
    statusBar()->showMessage(text, 15000);
    if (isVisible())
        QMessageBox::warning(this, title, text);
}

bool MainWindow::isStoreFile(const QString& path)
{
    if (path.endsWith(QStringLiteral(".streamscope")))
        return true;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    return file.read(16) == QByteArray("SQLite format 3\0", 16);
}

bool MainWindow::confirm(const QString& title, const QString& text, const QString& yesText)
{
    if (!isVisible())
        return false;
    QMessageBox box(QMessageBox::Question, title, text, QMessageBox::NoButton, this);
    auto* yes = box.addButton(yesText, QMessageBox::AcceptRole);
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(yes);
    box.exec();
    return box.clickedButton() == yes;
}

bool MainWindow::openStore(const QString& path, bool create)
{
    const QFileInfo info(path);
    if (!create && info.isFile() && !isStoreFile(path)) {
        // A capture picked in File ▸ Open: offer to import it; the open store stays open either way.
        const QString into = m_session->isOpen() ? QFileInfo(m_session->path()).fileName()
                                                 : QDir::toNativeSeparators(defaultStorePath());
        if (confirm(tr("Import capture?"),
                    tr("%1 is not a Streamscope store; it looks like a capture file.\n\nImport it into %2?")
                        .arg(info.fileName(), into),
                    tr("&Import")))
            importPaths({path});
        else
            statusBar()->showMessage(tr("%1 is not a Streamscope store: nothing opened").arg(info.fileName()), 10000);
        return false;
    }
    if (m_importJob->isRunning()) {
        showError(tr("Import running"),
                  tr("Wait for the import to finish (or cancel it) before opening another store."));
        return false;
    }
    if (create)
        QDir().mkpath(QFileInfo(path).absolutePath());
    const QString error = m_session->open(QFileInfo(path).absoluteFilePath(), create);
    if (!error.isEmpty()) {
        showError(tr("Cannot open store"), tr("Could not open the store %1:\n%2").arg(path, error));
        updateStatus();
        return false;
    }
    addRecent(QFileInfo(path).absoluteFilePath());
    m_notice->dismiss(); // the last import's outcome belonged to the store that was open
    updateStatus();
    return true;
}

void MainWindow::restoreLastStore()
{
    const QString last = QSettings().value(kLast).toString();
    if (!last.isEmpty() && QFileInfo::exists(last))
        openStore(last);
}

void MainWindow::newStore()
{
    // QFileDialog asks before replacing an existing file; a confirmed replacement deletes the old store first.
    QString path =
        QFileDialog::getSaveFileName(this, tr("New Store"), QDir::homePath(), tr("Streamscope stores (*.streamscope)"));
    if (path.isEmpty())
        return;
    if (!path.endsWith(QStringLiteral(".streamscope")))
        path += QStringLiteral(".streamscope");
    if (QFileInfo::exists(path)) {
        if (path == m_session->path())
            m_session->close();
        const auto answer = QMessageBox::question(
            this, tr("Replace store?"), tr("%1 already exists. Replace it? Everything in it will be lost.").arg(path),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes)
            return;
        for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(path + suffix);
    }
    openStore(path, true);
}

void MainWindow::openStoreDialog()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open Store"), QFileInfo(m_session->path()).absolutePath(),
                                     tr("Streamscope stores (*.streamscope);;All files (*)"));
    if (!path.isEmpty())
        openStore(path);
}

void MainWindow::importDialog(bool folder)
{
    QStringList paths;
    if (folder) {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Import Folder"));
        if (!dir.isEmpty())
            paths << dir;
    } else {
        paths = QFileDialog::getOpenFileNames(this, tr("Import Capture(s)"), QString(),
                                              tr("Captures (*.json *.jsonl *.ndjson *.gz);;All files (*)"));
    }
    if (!paths.isEmpty())
        importPaths(paths);
}

void MainWindow::importPaths(const QStringList& paths)
{
    if (m_importJob->isRunning()) {
        m_pendingImports << paths;
        statusBar()->showMessage(tr("Queued: will import after the running import"), 5000);
        return;
    }
    QStringList captures;
    QStringList stores;
    for (const QString& path : paths)
        (QFileInfo(path).isFile() && isStoreFile(path) ? stores : captures) << path;
    if (!stores.isEmpty()) {
        if (paths.size() == 1) {
            // A store picked in Import: offer to open it instead (importing it would fail: it is not a capture).
            if (confirm(tr("Open store?"),
                        tr("%1 is a Streamscope store, not a capture file.\n\nOpen it instead?")
                            .arg(QFileInfo(stores.front()).fileName()),
                        tr("&Open Store")))
                openStore(stores.front());
            else
                statusBar()->showMessage(
                    tr("%1 is a store, not a capture: nothing imported").arg(QFileInfo(stores.front()).fileName()),
                    10000);
            return;
        }
        QStringList names;
        for (const QString& store : stores)
            names << QFileInfo(store).fileName();
        statusBar()->showMessage(tr("Left out (stores, not captures): %1").arg(names.join(QStringLiteral(", "))),
                                 15000);
        if (captures.isEmpty())
            return;
    }
    if (!m_session->isOpen() && !openStore(defaultStorePath(), true))
        return;
    const QStringList files = ImportJob::expandPaths(captures);
    if (files.isEmpty()) {
        showError(tr("Nothing to import"),
                  tr("No files found (hidden files are skipped) in:\n%1").arg(captures.join(QLatin1Char('\n'))));
        return;
    }
    m_importProgress->begin(static_cast<int>(files.size()));
    m_importProgress->show();
    m_importAction->setEnabled(false);
    m_importFolderAction->setEnabled(false);
    m_importJob->start(m_session->path(), captures); // folders unexpanded: the importer expands them as the CLI does
}

void MainWindow::onImportFinished(const ImportResultInfo& summary)
{
    m_importProgress->hide();
    m_importAction->setEnabled(true);
    m_importFolderAction->setEnabled(true);
    m_session->refresh();
    statusBar()->showMessage(ImportSummaryDialog::oneLine(summary), 20000);
    // The outcome stays above the views until dismissed (the audit's own status goes to the status bar).
    m_lastImport = summary;
    const bool failedAll = !summary.storeError.isEmpty()
        || (!summary.failed.empty() && summary.filesImported == 0 && summary.filesAlreadyImported == 0);
    const bool warn = summary.cancelled || !summary.failed.empty() || !summary.skipped.empty() || summary.conflicts;
    m_notice->showMessage(importOutcome(summary),
                          failedAll  ? NotificationBar::Error
                              : warn ? NotificationBar::Warning
                                     : NotificationBar::Info,
                          true);
    const bool problems = !summary.failed.empty() || !summary.skipped.empty() || !summary.storeError.isEmpty();
    if (problems && m_showImportSummary && isVisible()) {
        auto* dialog = new ImportSummaryDialog(summary, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    }
    Q_EMIT importFinished(summary);
    if (!m_pendingImports.isEmpty()) {
        const QStringList next = m_pendingImports;
        m_pendingImports.clear();
        importPaths(next);
    }
}

QString MainWindow::importOutcome(const ImportResultInfo& s)
{
    if (!s.storeError.isEmpty())
        return tr("Import failed: the store could not be written: %1").arg(s.storeError);
    QStringList parts;
    const bool nothingNew = s.inserted == 0 && s.filesImported == 0 && s.failed.empty() && s.skipped.empty();
    if (nothingNew && s.filesAlreadyImported > 0 && !s.cancelled)
        return tr("Import: %1 already imported, nothing added")
            .arg(s.filesAlreadyImported == 1 ? tr("the file was")
                                             : tr("all %1 files were").arg(s.filesAlreadyImported));
    parts << formatting::count(s.inserted, "new record", "new records");
    if (s.duplicates)
        parts << formatting::count(s.duplicates, "duplicate (already stored)", "duplicates (already stored)");
    if (s.conflicts)
        parts << tr("%L1 conflicting with stored records").arg(s.conflicts);
    if (!s.skipped.empty())
        parts << tr("%1 skipped").arg(formatting::count(static_cast<qint64>(s.skipped.size()), "record", "records"));
    QStringList files;
    files << tr("%1 imported").arg(formatting::count(s.filesImported, "file", "files"));
    if (s.filesAlreadyImported)
        files << tr("%1 already imported").arg(formatting::count(s.filesAlreadyImported, "file", "files"));
    if (!s.failed.empty())
        files << tr("%1 not imported").arg(formatting::count(static_cast<qint64>(s.failed.size()), "file", "files"));
    if (s.filesNotStarted)
        files << tr("%1 not started").arg(formatting::count(s.filesNotStarted, "file", "files"));
    return (s.cancelled ? tr("Import cancelled: ") : tr("Import finished: ")) + parts.join(QStringLiteral(", "))
        + QStringLiteral(" (") + files.join(QStringLiteral(", ")) + QStringLiteral(")");
}

void MainWindow::showImportDetails()
{
    auto* dialog = new ImportSummaryDialog(m_lastImport, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::switchTab(int delta)
{
    const int n = m_tabs->count();
    if (n > 0)
        m_tabs->setCurrentIndex((m_tabs->currentIndex() + delta + n) % n);
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
    }
    // Once the window's first layout is done: it resizes the docks too, which is not the user's doing (taken for a
    // splitter drag, it set the keys dock's share to the 380 px it had before the window grew to 1920x1080).
    QTimer::singleShot(0, this, [this, restored]() {
        if (!restored)
            applyDockShares();
        m_sharesFollowUser = true;
    });
}

void MainWindow::applyDockShares()
{
    m_applyingShares = true;
    if (!m_keysDock->isFloating())
        resizeDocks({m_keysDock}, {static_cast<int>(m_keysShare * width())}, Qt::Horizontal);
    if (!m_activityDock->isFloating())
        resizeDocks({m_activityDock}, {static_cast<int>(m_activityShare * height())}, Qt::Vertical);
    m_applyingShares = false;
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Resize && m_sharesFollowUser && !m_applyingShares && size() == m_lastSize
        && width() > 0 && height() > 0) {
        // A dock resized while the window kept its size: the user moved a splitter; remember the new share.
        if (watched == m_keysDock && !m_keysDock->isFloating())
            m_keysShare = std::clamp(double(m_keysDock->width()) / width(), 0.15, 0.6);
        else if (watched == m_activityDock && !m_activityDock->isFloating())
            m_activityShare = std::clamp(double(m_activityDock->height()) / height(), 0.1, 0.6);
    }
    if (event->type() == QEvent::ShortcutOverride && qobject_cast<QLineEdit*>(watched)) {
        auto* key = static_cast<QKeyEvent*>(event);
        const QKeySequence pressed(key->keyCombination());
        for (QAction* action : {m_exportAction, m_filterAction, m_importAction, m_openAction})
            if (action->shortcuts().contains(pressed)) {
                key->ignore(); // not the line edit's: the window's shortcut runs
                return true;
            }
    }
    if (event->type() == QEvent::KeyPress) {
        auto* view = qobject_cast<QAbstractItemView*>(watched);
        auto* key = static_cast<QKeyEvent*>(event);
        if (view && view->model() && (key->key() == Qt::Key_Home || key->key() == Qt::Key_End)
            && !(key->modifiers() & ~Qt::KeypadModifier) && view->model()->rowCount() > 0) {
            const int row = key->key() == Qt::Key_Home ? 0 : view->model()->rowCount() - 1;
            const int column = std::max(0, view->currentIndex().column());
            view->setCurrentIndex(view->model()->index(row, column));
            view->scrollTo(view->currentIndex());
            return true;
        }
    }
    return QMainWindow::eventFilter(watched, event);
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

void MainWindow::restoreCenterSplit(QWidget* tab)
{
    // (the Events tab lists rows above a raw record of its own: its diff gets the least)
    const int share = tab == m_timeline ? 40 : tab == m_events ? 84 : 66; // percent above the diff
    // Stretch in the same proportion, so growing the window (first show included) keeps the shares.
    m_centerSplit->setStretchFactor(0, share);
    m_centerSplit->setStretchFactor(1, 100 - share);
    if (m_centerSplit->restoreState(m_tabSplit.value(tab)))
        return;
    const int total = std::max(400, m_centerSplit->height());
    m_centerSplit->setSizes({total * share / 100, total - total * share / 100});
}

QString MainWindow::pathText() const
{
    return m_pathLabel->text();
}

QString MainWindow::totalsText() const
{
    return m_totalsLabel->text();
}

void MainWindow::updateStatus()
{
    m_exportAction->setEnabled(m_session->isOpen());
    m_refreshAction->setEnabled(m_session->isOpen());
    if (!m_session->isOpen()) {
        m_pathLabel->setText(
            tr("No store open — File ▸ Open Store (Ctrl+O), or import a capture (Ctrl+I) or drop one here"));
        m_totalsLabel->clear();
        setWindowTitle(tr("Streamscope"));
        return;
    }
    const auto& t = m_session->totals();
    m_pathLabel->setText(QDir::toNativeSeparators(m_session->path()));
    m_totalsLabel->setText(
        QStringList{formatting::count(t.records, "record", "records"), formatting::count(t.keys, "key", "keys"),
                    formatting::count(t.tables, "table", "tables"), formatting::count(t.sources, "file", "files")}
            .join(QStringLiteral(" · ")));
    setWindowTitle(tr("%1 — Streamscope").arg(QFileInfo(m_session->path()).fileName()));
}

void MainWindow::diffFollowsTab()
{
    QWidget* tab = m_tabs->currentWidget();
    m_diff->setVisible(tab != m_replay); // the replay's records open in the timeline: its room goes to the runs
    if (tab == m_timeline && m_timeline->emitComparison())
        return;
    const QModelIndex event = m_events->view()->currentIndex();
    if (tab == m_events && event.isValid()) {
        openKeyAt(event.data(ModelRoles::KeyIdRole).toLongLong(), event.data(ModelRoles::RecordIdRole).toLongLong());
        return;
    }
    m_diff->clear();
}

void MainWindow::openKeyAt(qint64 keyId, qint64 recordId)
{
    if (keyId <= 0)
        return;
    m_keys->selectKey(keyId); // keep the keys list in step when the key was picked elsewhere
    // Only a history that has arrived can select the version now: while the history of a key just opened is on its
    // way, the timeline still holds the key before (selecting there showed that key's last version in the diff, then
    // the version first asked for): the version is selected when the history arrives.
    if (m_session->isKeyLoaded(keyId) && m_session->timelineModel()->rowCount() > 0) {
        m_timeline->selectRecord(recordId);
        return;
    }
    m_timeline->setPendingRecord(recordId);
    m_session->openKey(keyId);
    m_activity->keyChanged(keyId);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    // A running replay: asks (Stop and quit / Keep running); stopping ends the handler's processes and waits for the
    // worker, so nothing outlives the application.
    if (m_replay && !m_replay->stopForQuit()) {
        event->ignore();
        return;
    }
    if (m_importJob->isRunning()) {
        const auto answer = QMessageBox::question(this, tr("Import running"),
                                                  tr("An import is running. Cancel it and quit? The file being "
                                                     "imported is rolled back."),
                                                  QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        m_importJob->cancel();
    }
    QSettings settings;
    settings.setValue(kGeometry, saveGeometry());
    settings.setValue(kState, saveState());
    settings.setValue(kStateSize, size());
    settings.setValue(kShares, QList<QVariant>{m_keysShare, m_activityShare});
    if (screen())
        settings.setValue(kScreenSize, screen()->availableGeometry().size());
    if (m_splitTab)
        m_tabSplit[m_splitTab] = m_centerSplit->saveState();
    for (auto it = m_tabSplit.cbegin(); it != m_tabSplit.cend(); ++it)
        if (!it.value().isEmpty())
            settings.setValue(kSplit + QLatin1Char('/') + it.key()->objectName(), it.value());
    settings.setValue(kEventsSplit, m_events->splitter()->saveState());
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    if (paths.size() == 1 && QFileInfo(paths.front()).isFile() && isStoreFile(paths.front())) {
        openStore(paths.front());
        return;
    }
    importPaths(paths);
}
