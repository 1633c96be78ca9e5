#pragma once

#include <QDialog>

#include "app/viewmodels/sourcesjob.h"

class QAction;
class QLabel;
class QPushButton;
class QTreeWidget;
class StoreSession;

/// View ▸ Sources (capture properties): what `streamscope info` prints, for the open store — each imported file
/// with its format, size, import time, records stored, duplicates, conflicts, skipped records (their reasons as
/// child rows) and time span; each table with its streams (ARN, view type, region); the totals. Read by a
/// SourcesJob in the background; follows the session (another store, a finished import). Copy All gives the text.
class SourcesDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SourcesDialog(StoreSession* session, QWidget* parent = nullptr);
    /// View ▸ Sources… (Ctrl+Shift+I): shows the window's one sources dialog; enabled while a store is open.
    static QAction* createAction(StoreSession* session, QWidget* window);
    /// Reads the open store again (background).
    void reload();
    QTreeWidget* sourcesTree() const { return m_sources; }
    QTreeWidget* tablesTree() const { return m_tables; }
    QLabel* summaryLabel() const { return m_summary; }
    /// The selected row whole (a stream's ARN, a file's path, the whole span).
    QLabel* detailsLabel() const { return m_details; }
    /// Sized to `window` (inside it, at most the screen) and placed over it.
    void fitToWindow(const QWidget* window);
    /// Ctrl+C in a tree: the selected rows as text, one a line, cells tab-separated, paths and ARNs whole; also put
    /// on the clipboard.
    QString copyRows(QTreeWidget* tree);
    SourcesJob* job() const { return m_job; }
    /// The report as plain text (what Copy All puts on the clipboard).
    static QString reportText(const SourcesReport& report);

protected:
    void resizeEvent(QResizeEvent* event) override;
    /// Back in a list (its current row unchanged, the other list's row shown meanwhile): its row shown again.
    bool eventFilter(QObject* watched, QEvent* event) override;

Q_SIGNALS:
    /// The trees show a new report.
    void shown();

private:
    void showReport(const SourcesReport& report);
    void fillSources(const SourcesReport& report);
    void fillTables(const SourcesReport& report);
    void fitSources();
    void fitTables();
    StoreSession* m_session;
    SourcesJob* m_job;
    QLabel* m_summary;
    QTreeWidget* m_sources;
    QTreeWidget* m_tables;
    QLabel* m_details;
    QPushButton* m_copyAll;
    SourcesReport m_report;
};
