#pragma once

// The parts of the main window that a tool of this genre is expected to have beyond the views themselves (issue 19):
// the start page while no store is open, File ▸ Close Store, Go to sequence number / event ID, context menus,
// the record tree beside the raw text, the Help pages. Kept out of mainwindow.cpp: MainWindow creates one of these
// and it hooks itself into the window's menus and views.

#include <QObject>

class QAction;
class QMenu;
class QStackedWidget;
class ContextMenus;
class GoToDialog;
class RecordTree;
class QTabWidget;
class MainWindow;
class StartPage;

class MainWindowExtras : public QObject
{
    Q_OBJECT
public:
    explicit MainWindowExtras(MainWindow* window);

    StartPage* startPage() const { return m_start; }
    /// The central stack: the start page (no store open) or the views.
    QStackedWidget* centerStack() const { return m_stack; }
    /// File ▸ Close Store (Ctrl+W).
    QAction* closeStoreAction() const { return m_close; }
    /// Closes the open store (refused, with a status message, while an import or a replay runs); true if closed.
    bool closeStore();
    /// Opens (creating it the first time) the sample store beside the default store and imports `capture` into it
    /// once it is known to be empty.
    void openSample(const QString& capture);
    /// Where openSample keeps the sample's store.
    static QString sampleStorePath();
    /// Edit ▸ Go to Sequence Number / Event ID (Ctrl+G).
    QAction* goToAction() const { return m_goTo; }
    /// Shows the Go to dialog (nullptr, with a status message, when no store is open); it deletes itself on close.
    GoToDialog* showGoTo();
    /// The context menus of the keys list, the events table and the audit findings.
    ContextMenus* contextMenus() const { return m_menus; }
    /// Help ▸ Formats Streamscope Reads / README.
    QAction* formatsAction() const { return m_formats; }
    QAction* readmeAction() const { return m_readme; }
    /// The events tab's record pane: the raw text and the record tree, as tabs.
    QTabWidget* recordTabs() const { return m_recordTabs; }
    RecordTree* recordTree() const { return m_recordTree; }

private:
    void installStartPage();
    void addFileActions();
    void showPageForSession();
    void addGoTo();
    void addHelpPages();
    void addRecordTree();
    QMenu* menu(const char* objectName) const;
    QAction* windowAction(const char* objectName) const;

    MainWindow* m_window;
    QStackedWidget* m_stack = nullptr;
    StartPage* m_start = nullptr;
    QAction* m_close = nullptr;
    QAction* m_goTo = nullptr;
    ContextMenus* m_menus = nullptr;
    QAction* m_formats = nullptr;
    QAction* m_readme = nullptr;
    QTabWidget* m_recordTabs = nullptr;
    RecordTree* m_recordTree = nullptr;
};
