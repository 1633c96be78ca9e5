#pragma once

#include <QHash>
#include <QMainWindow>
#include <QVariant>

#include "app/viewmodels/importjob.h"

class QAction;
class QDialog;
class QDockWidget;
class QLabel;
class QMenu;
class QSplitter;
class QTabWidget;
class ActivityPanel;
class FindingsPanel;
class DiffPanel;
class EventsPanel;
class ImportJob;
class ImportProgressWidget;
class KeysPanel;
class LambdaFilter;
class LambdaFilterPanel;
class MainWindowExtras;
class NotificationBar;
class ReplayPanel;
class StoreSession;
class TimelinePanel;

/// The main window. Its code is in three files: mainwindow.cpp (stores, imports, status, navigation),
/// mainwindowlayout.cpp (center, docks, saved layout) and mainwindowmenus.cpp (actions, menus, keyboard).
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// QStandardPaths::AppDataLocation/default.streamscope (same as `streamscope paths --default-store`).
    static QString defaultStorePath();

    /// Opens a store; create = make it if missing. Errors are shown in a message box; returns success (a store
    /// that cannot be opened leaves the open one open). A capture file (not a store) is offered for import into the
    /// open store instead; then no store is opened and this returns false.
    bool openStore(const QString& path, bool create = false);
    /// Imports files/folders into the open store (opens/creates the default store when none is open). A single
    /// store file is offered to be opened instead; store files among several paths are left out (and said so).
    void importPaths(const QStringList& paths);
    /// A Streamscope store (SQLite file, or named *.streamscope), as opposed to a capture to import.
    static bool isStoreFile(const QString& path);
    /// The bar above the views that keeps the last import's outcome until dismissed.
    NotificationBar* notificationBar() const { return m_notice; }
    /// The outcome the notification bar's Details link shows.
    const ImportResultInfo& lastImport() const { return m_lastImport; }
    /// Every keyboard shortcut of the window: (keys, what they do), as Help ▸ Keyboard Shortcuts lists them.
    QList<QPair<QString, QString>> keyboardShortcuts() const;
    /// Help ▸ Keyboard Shortcuts (non-modal; returns the dialog).
    QDialog* showKeyboardShortcuts();
    /// The outcome of an import in words (also shown in the notification bar).
    static QString importOutcome(const ImportResultInfo& summary);
    /// Opens the last store of the previous session, if it still exists.
    void restoreLastStore();

    /// Opens the key in the timeline at that record (0 = its last version) and selects it in the keys list.
    void openKeyAt(qint64 keyId, qint64 recordId);
    StoreSession* session() const { return m_session; }
    KeysPanel* keysPanel() const { return m_keys; }
    TimelinePanel* timelinePanel() const { return m_timeline; }
    DiffPanel* diffPanel() const { return m_diff; }
    EventsPanel* eventsPanel() const { return m_events; }
    FindingsPanel* auditPanel() const { return m_audit; }
    ActivityPanel* activityPanel() const { return m_activity; }
    ReplayPanel* replayPanel() const { return m_replay; }
    /// Start page, Close Store, Go To, context menus, record tree, Help pages (mainwindowextras.h).
    MainWindowExtras* extras() const { return m_extras; }
    QTabWidget* centerTabs() const { return m_tabs; }
    QSplitter* centerSplitter() const { return m_centerSplit; }
    QDockWidget* auditDock() const { return m_auditDock; }
    /// The Lambda filter pane (tabbed with the audit) and its state.
    LambdaFilterPanel* lambdaFilterPanel() const { return m_lambdaPanel; }
    LambdaFilter* lambdaFilter() const { return m_lambdaFilter; }
    QDockWidget* lambdaFilterDock() const { return m_lambdaDock; }
    QDockWidget* keysDock() const { return m_keysDock; }
    QDockWidget* activityDock() const { return m_activityDock; }
    ImportProgressWidget* importProgress() const { return m_importProgress; }
    /// Status bar texts: store path, totals.
    QString pathText() const;
    QString totalsText() const;
    ImportJob* importJob() const { return m_importJob; }
    /// File ▸ Export Selection… (enabled only while a store is open).
    QAction* exportAction() const { return m_exportAction; }
    /// Shows the summary dialog after imports with problems (off in tests).
    void setShowImportSummary(bool on) { m_showImportSummary = on; }

Q_SIGNALS:
    void importFinished(const ImportResultInfo& summary);

protected:
    void closeEvent(QCloseEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createCenter();
    void createDocks();
    void createLambdaFilterDock();
    void createStatusBar();
    void createReplayTab();
    void connectPanels();
    /// The diff shows the current tab's version: the timeline's selection, the Events tab's current event (nothing
    /// when there is none), none under Replay (hidden there).
    void diffFollowsTab();
    void connectSessionAndJobs();
    void restoreLayout();
    void saveLayout();
    void createActions();
    void createMenus();
    void updateRecentMenu();
    void addRecent(const QString& path);
    void newStore();
    void openStoreDialog();
    void importDialog(bool folder);
    void onImportFinished(const ImportResultInfo& summary);
    void updateStatus();
    void showError(const QString& title, const QString& text);
    /// Yes/No question (only when the window is visible; otherwise false).
    bool confirm(const QString& title, const QString& text, const QString& yesText);
    void showImportDetails();
    void restoreCenterSplit(QWidget* tab);
    /// View ▸ Show Diff: the diff unfolded (it folds away under the Events tab in a short window) with the keyboard;
    /// from the diff under the Events tab, folded back with the keyboard in the events table.
    void showDiff();
    void setupKeyboard();
    void applyDockShares();
    /// On the first show: the saved dock layout when it was saved at about this window size, else the shares.
    void placeDocks();
    void restoreVisibility(const QVariantMap& shown);
    void switchTab(int delta);
    void focusCurrentTab(); ///< the keyboard into the tab a shortcut switched to (its table, or its first field)

    StoreSession* m_session;
    KeysPanel* m_keys;
    TimelinePanel* m_timeline;
    DiffPanel* m_diff;
    EventsPanel* m_events;
    FindingsPanel* m_audit;
    ActivityPanel* m_activity;
    ReplayPanel* m_replay = nullptr;
    MainWindowExtras* m_extras = nullptr;
    QTabWidget* m_tabs;
    QSplitter* m_centerSplit;
    QDockWidget* m_auditDock = nullptr;
    LambdaFilter* m_lambdaFilter = nullptr;
    LambdaFilterPanel* m_lambdaPanel = nullptr;
    QDockWidget* m_lambdaDock = nullptr;
    QDockWidget* m_keysDock = nullptr;
    QDockWidget* m_activityDock = nullptr;
    QHash<QWidget*, QByteArray> m_tabSplit; ///< center splitter state per tab
    QWidget* m_splitTab = nullptr;
    ImportJob* m_importJob;
    ImportProgressWidget* m_importProgress;
    NotificationBar* m_notice;
    ImportResultInfo m_lastImport;
    QLabel* m_pathLabel;
    QLabel* m_totalsLabel;
    QLabel* m_busyLabel;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QAction* m_newAction = nullptr;
    QAction* m_openAction = nullptr;
    QAction* m_importAction = nullptr;
    QAction* m_importFolderAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_refreshAction = nullptr;
    QAction* m_filterAction = nullptr;
    QAction* m_quitAction = nullptr;
    QStringList m_pendingImports;
    bool m_showImportSummary = true;
    bool m_docksPlaced = false;
    bool m_sharesFollowUser = false; ///< after the first layout: a dock resized in a window that kept its size
    bool m_applyingShares = false;
    bool m_bottomShareByUser = false; ///< the user sized the bottom docks: their share holds, not the Audit's rows
    int m_placedBottom = 0;           ///< the bottom docks' height applyDockShares asked for last
    double m_keysShare = 0.27;        ///< keys dock width / window width
    double m_activityShare = 0.24; ///< activity dock height / window height (1080 px: three lines of findings details)
    QSize m_lastSize;
};
