#include "app/widgets/mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/importjob.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/activitychart.h"
#include "app/widgets/auditpanel.h"
#include "app/widgets/diffpanel.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/exportdialog.h"
#include "app/widgets/importdialog.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/replaypanel.h"
#include "app/widgets/timelinepanel.h"

namespace {
const QString kRecent = QStringLiteral("stores/recent");
const QString kLast = QStringLiteral("stores/last");
const QString kGeometry = QStringLiteral("window/geometry");
const QString kState = QStringLiteral("window/state");
const QString kSplit = QStringLiteral("window/centerSplit");
const QString kEventsSplit = QStringLiteral("window/eventsSplit");
constexpr int kMaxRecent = 8;

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
    , m_audit(new AuditPanel(m_session, this))
    , m_activity(new ActivityPanel(m_session, this))
    , m_tabs(new QTabWidget(this))
    , m_centerSplit(new QSplitter(Qt::Vertical, this))
    , m_importJob(new ImportJob(this))
    , m_importProgress(new ImportProgressWidget(this))
    , m_pathLabel(new QLabel(this))
    , m_totalsLabel(new QLabel(this))
    , m_busyLabel(new QLabel(this))
{
    setWindowTitle(tr("Streamscope"));
    setAcceptDrops(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

    m_timeline->setObjectName(QStringLiteral("timeline"));
    m_events->setObjectName(QStringLiteral("events"));
    m_tabs->addTab(m_timeline, icon("timeline"), tr("Item timeline"));
    m_tabs->addTab(m_events, icon("events"), tr("Events"));
    m_centerSplit->addWidget(m_tabs);
    m_centerSplit->addWidget(m_diff);
    setCentralWidget(m_centerSplit);

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
    splitDockWidget(activityDock, auditDock, Qt::Horizontal);
    resizeDocks({keysDock}, {380}, Qt::Horizontal);
    resizeDocks({activityDock}, {190}, Qt::Vertical);
    resizeDocks({activityDock, auditDock}, {760, 620}, Qt::Horizontal);

    m_importProgress->hide();
    statusBar()->addWidget(m_pathLabel, 1);
    statusBar()->addPermanentWidget(m_busyLabel);
    statusBar()->addPermanentWidget(m_importProgress);
    statusBar()->addPermanentWidget(m_totalsLabel);

    createActions();
    createMenus();
    m_viewMenu->addAction(keysDock->toggleViewAction());
    m_viewMenu->addAction(activityDock->toggleViewAction());
    m_viewMenu->addAction(auditDock->toggleViewAction());
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

    connect(m_keys, &KeysPanel::keySelected, this, [this](qint64 keyId) { openKeyAt(keyId, 0); });
    connect(m_events, &EventsPanel::recordSelected, this, &MainWindow::openKeyAt);
    connect(m_audit, &AuditPanel::findingActivated, this, [this](qint64 keyId, qint64 recordId) {
        m_tabs->setCurrentWidget(m_timeline);
        openKeyAt(keyId, recordId);
    });
    connect(m_timeline, &TimelinePanel::comparisonChanged, m_diff, &DiffPanel::showComparison);
    connect(m_session, &StoreSession::historyReady, this, [this](qint64) {
        if (m_session->timelineModel()->rowCount() == 0)
            m_diff->clear();
    });
    connect(m_activity->chart(), &ActivityChart::rangeSelected, this, [this](qint64 from, qint64 to) {
        m_tabs->setCurrentWidget(m_events);
        m_events->setTimeRange(from, to);
    });
    connect(m_events, &EventsPanel::timeRangeChanged, m_activity->chart(), &ActivityChart::setFilterRange);
    connect(m_session, &StoreSession::overviewReady, this, &MainWindow::updateStatus);
    connect(m_session, &StoreSession::closed, this, &MainWindow::updateStatus);
    connect(m_session, &StoreSession::errorOccurred, this,
            [this](const QString& message) { statusBar()->showMessage(message, 10000); });
    connect(m_session->jobs(), &JobTracker::busyChanged, this,
            [this](bool busy) { m_busyLabel->setText(busy ? tr("querying…") : QString()); });
    connect(m_session->auditJobs(), &JobTracker::busyChanged, this, [this](bool busy) {
        statusBar()->showMessage(busy ? tr("Auditing the store…") : tr("Audit finished"), busy ? 0 : 4000);
    });
    connect(m_importJob, &ImportJob::progressChanged, m_importProgress, &ImportProgressWidget::setProgress);
    connect(m_importJob, &ImportJob::finished, this, &MainWindow::onImportFinished);
    connect(m_importProgress->cancelButton(), &QPushButton::clicked, this, [this]() {
        m_importJob->cancel();
        m_importProgress->cancelButton()->setEnabled(false);
        m_importProgress->label()->setText(tr("Cancelling…"));
    });

    QSettings settings;
    resize(1400, 900);
    restoreGeometry(settings.value(kGeometry).toByteArray());
    restoreState(settings.value(kState).toByteArray());
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
    m_events->splitter()->restoreState(settings.value(kEventsSplit).toByteArray());
    updateRecentMenu();
    updateStatus();
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
    m_openAction->setShortcut(QKeySequence::Open);
    connect(m_openAction, &QAction::triggered, this, &MainWindow::openStoreDialog);
    m_importAction = new QAction(icon("import"), tr("&Import Capture(s)…"), this);
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
    auto* copy = edit->addAction(icon("copy"), tr("&Copy Value as JSON"));
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut); // the diff panel owns the live Ctrl+C
    connect(copy, &QAction::triggered, m_diff, &DiffPanel::copySelection);
    edit->addAction(m_filterAction);
    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_viewMenu->addAction(m_refreshAction);
    // Up/Down step when the timeline has focus; these work from anywhere (e.g. while the keys list has it).
    auto* previous = m_viewMenu->addAction(tr("&Previous Version"));
    previous->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Up));
    connect(previous, &QAction::triggered, this, [this]() { m_timeline->step(-1); });
    auto* next = m_viewMenu->addAction(tr("&Next Version"));
    next->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Down));
    connect(next, &QAction::triggered, this, [this]() { m_timeline->step(1); });
    m_viewMenu->addSeparator();
    QMenu* help = menuBar()->addMenu(tr("&Help"));
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

bool MainWindow::openStore(const QString& path, bool create)
{
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
    if (!m_session->isOpen() && !openStore(defaultStorePath(), true))
        return;
    const QStringList files = ImportJob::expandPaths(paths);
    if (files.isEmpty()) {
        showError(tr("Nothing to import"),
                  tr("No files found (hidden files are skipped) in:\n%1").arg(paths.join(QLatin1Char('\n'))));
        return;
    }
    m_importProgress->begin(static_cast<int>(files.size()));
    m_importProgress->show();
    m_importAction->setEnabled(false);
    m_importFolderAction->setEnabled(false);
    m_importJob->start(m_session->path(), paths); // folders unexpanded: the importer expands them as the CLI does
}

void MainWindow::onImportFinished(const ImportResultInfo& summary)
{
    m_importProgress->hide();
    m_importAction->setEnabled(true);
    m_importFolderAction->setEnabled(true);
    m_session->refresh();
    statusBar()->showMessage(ImportSummaryDialog::oneLine(summary), 20000);
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

void MainWindow::restoreCenterSplit(QWidget* tab)
{
    const int share = tab == m_timeline ? 40 : tab == m_events ? 62 : 66; // percent above the diff
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

void MainWindow::openKeyAt(qint64 keyId, qint64 recordId)
{
    if (keyId <= 0)
        return;
    m_keys->selectKey(keyId); // keep the keys list in step when the key was picked elsewhere
    if (keyId == m_session->currentKeyId() && m_session->timelineModel()->rowCount() > 0) {
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
    if (paths.size() == 1 && paths.front().endsWith(QStringLiteral(".streamscope"))) {
        openStore(paths.front());
        return;
    }
    importPaths(paths);
}
