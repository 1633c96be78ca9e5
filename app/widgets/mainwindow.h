#pragma once

#include <QHash>
#include <QMainWindow>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QSplitter;
class QTabWidget;
class ActivityPanel;
class AuditPanel;
class DiffPanel;
class EventsPanel;
class ImportJob;
class ImportProgressWidget;
class KeysPanel;
class ReplayPanel;
class StoreSession;
class TimelinePanel;
struct ImportResultInfo;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// QStandardPaths::AppDataLocation/default.streamscope (same as `streamscope paths --default-store`).
    static QString defaultStorePath();

    /// Opens a store; create = make it if missing. Errors are shown in a message box; returns success.
    bool openStore(const QString& path, bool create = false);
    /// Imports files/folders into the open store (opens/creates the default store when none is open).
    void importPaths(const QStringList& paths);
    /// Opens the last store of the previous session, if it still exists.
    void restoreLastStore();

    StoreSession* session() const { return m_session; }
    KeysPanel* keysPanel() const { return m_keys; }
    TimelinePanel* timelinePanel() const { return m_timeline; }
    DiffPanel* diffPanel() const { return m_diff; }
    EventsPanel* eventsPanel() const { return m_events; }
    AuditPanel* auditPanel() const { return m_audit; }
    ActivityPanel* activityPanel() const { return m_activity; }
    ReplayPanel* replayPanel() const { return m_replay; }
    QTabWidget* centerTabs() const { return m_tabs; }
    QSplitter* centerSplitter() const { return m_centerSplit; }
    QDockWidget* auditDock() const { return m_auditDock; }
    ImportProgressWidget* importProgress() const { return m_importProgress; }
    /// Status bar texts: store path, totals.
    QString pathText() const;
    QString totalsText() const;
    ImportJob* importJob() const { return m_importJob; }
    /// Shows the summary dialog after imports with problems (off in tests).
    void setShowImportSummary(bool on) { m_showImportSummary = on; }

Q_SIGNALS:
    void importFinished(const ImportResultInfo& summary);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void createMenus();
    void updateRecentMenu();
    void addRecent(const QString& path);
    void newStore();
    void openStoreDialog();
    void importDialog(bool folder);
    void onImportFinished(const ImportResultInfo& summary);
    void updateStatus();
    void openKeyAt(qint64 keyId, qint64 recordId);
    void showError(const QString& title, const QString& text);
    void restoreCenterSplit(QWidget* tab);

    StoreSession* m_session;
    KeysPanel* m_keys;
    TimelinePanel* m_timeline;
    DiffPanel* m_diff;
    EventsPanel* m_events;
    AuditPanel* m_audit;
    ActivityPanel* m_activity;
    ReplayPanel* m_replay = nullptr;
    QTabWidget* m_tabs;
    QSplitter* m_centerSplit;
    QDockWidget* m_auditDock = nullptr;
    QHash<QWidget*, QByteArray> m_tabSplit; ///< center splitter state per tab
    QWidget* m_splitTab = nullptr;
    ImportJob* m_importJob;
    ImportProgressWidget* m_importProgress;
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
};
