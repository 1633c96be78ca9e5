#include "app/widgets/mainwindow.h"

#include <QAbstractItemView>
#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <cstdlib>

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
#include "app/widgets/mainwindowshared.h"
#include "app/widgets/notificationbar.h"
#include "app/widgets/preferences.h"
#include "app/widgets/replaypanel.h"
#include "app/widgets/sourcesdialog.h"
#include "app/widgets/statedialog.h"
#include "app/widgets/timelinepanel.h"

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
    // With findings kept in the store, their counts come with the overview (from the kind index) and show at once;
    // the list follows.
    connect(m_session, &StoreSession::overviewReady, m_audit,
            [this]() { m_audit->setKeptCounts(m_session->keptFindingCounts()); });
    connect(m_session->auditJobs(), &JobTracker::busyChanged, this, [this](bool busy) {
        const QString doing = m_session->keptFindingCounts().empty() ? tr("Auditing the store…")
                                                                     : tr("Listing the findings kept in the store…");
        const QString done = m_session->keptFindingCounts().empty() ? tr("Audit finished") : tr("Findings listed");
        statusBar()->showMessage(busy ? doing : done, busy ? 0 : 4000);
        m_audit->setStatus(busy ? doing : QString());
    });
    connect(m_session, &StoreSession::closed, m_audit, [this]() {
        m_audit->setKeptCounts({});
        m_audit->setStatus(tr("No store open"));
    });
    connect(m_importJob, &ImportJob::progressChanged, m_importProgress, &ImportProgressWidget::setProgress);
    connect(m_importJob, &ImportJob::finished, this, &MainWindow::onImportFinished);
    connect(m_importProgress->cancelButton(), &QPushButton::clicked, this, [this]() {
        m_importJob->cancel();
        m_importProgress->cancelButton()->setEnabled(false);
        m_importProgress->label()->setText(tr("Cancelling…"));
    });
}

MainWindow::~MainWindow() = default;

QString MainWindow::defaultStorePath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("default.streamscope"));
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
    const QString last = QSettings().value(mainwindowshared::kLastStore).toString();
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

bool MainWindow::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Resize && m_sharesFollowUser && !m_applyingShares && size() == m_lastSize
        && width() > 0 && height() > 0) {
        // A dock resized while the window kept its size: the user moved a splitter; remember the new share.
        if (watched == m_keysDock && !m_keysDock->isFloating())
            m_keysShare = std::clamp(double(m_keysDock->width()) / width(), 0.15, 0.6);
        else if (watched == m_activityDock && !m_activityDock->isFloating()) {
            m_activityShare = std::clamp(double(m_activityDock->height()) / height(), 0.1, 0.6);
            // Dragged with the mouse: not the layout making room for the notification bar, nor resizeDocks (it lays
            // out later) giving the height applyDockShares asked for.
            m_bottomShareByUser = m_bottomShareByUser
                || (QGuiApplication::mouseButtons() != Qt::NoButton
                    && std::abs(m_activityDock->height() - m_placedBottom) > 2);
        }
    }
    if ((event->type() == QEvent::Show || event->type() == QEvent::Hide) && watched == m_notice && m_sharesFollowUser
        && !m_bottomShareByUser) {
        // The notification bar came or went: the bottom docks take their room again (it squeezed them).
        QTimer::singleShot(0, this, [this]() {
            // With the center's new minimum (the bar's height in or out of it), not the one the last layout cached.
            centralWidget()->layout()->invalidate();
            centralWidget()->updateGeometry();
            applyDockShares();
        });
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
    saveLayout();
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
