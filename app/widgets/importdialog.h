#pragma once

#include <QDialog>
#include <QWidget>

#include "app/viewmodels/importjob.h"

class QLabel;
class QProgressBar;
class QPushButton;

/// Status-bar import progress: files, bytes and records, with Cancel.
class ImportProgressWidget : public QWidget
{
    Q_OBJECT
public:
    explicit ImportProgressWidget(QWidget* parent = nullptr);
    void begin(int fileCount);
    void setProgress(const ImportProgressInfo& progress);
    QPushButton* cancelButton() const { return m_cancel; }
    QProgressBar* bar() const { return m_bar; }
    QLabel* label() const { return m_label; }

private:
    QProgressBar* m_bar;
    QLabel* m_label;
    QPushButton* m_cancel;
};

class QTableWidget;

/// The result of an import: counts, what happened to each file in words (imported, already imported, not a
/// capture, failed at a record and position with the reason, cancelled, not started), then every skipped record
/// with file, record number, position and reason. Everything can be copied (Ctrl+C on rows, Copy All).
class ImportSummaryDialog : public QDialog
{
    Q_OBJECT
public:
    ImportSummaryDialog(const ImportResultInfo& summary, QWidget* parent = nullptr);
    /// One-line text for the status bar.
    static QString oneLine(const ImportResultInfo& summary);
    /// What happened to one file, in words ("imported: 30 new records, 1 duplicate", "not a capture", …).
    static QString outcomeText(const FileOutcomeInfo& file);
    /// "line 17, column 7 (byte 428)", "byte 428", "" when unknown.
    static QString positionText(qint64 byteOffset, qint64 line, qint64 column);
    /// The whole summary as plain text (what Copy All puts on the clipboard): the counts line, one line per file,
    /// one line per skipped record (tab-separated columns).
    static QString plainText(const ImportResultInfo& summary);
    QTableWidget* filesTable() const { return m_files; }
    QTableWidget* skippedTable() const { return m_skipped; }
    QPushButton* copyAllButton() const { return m_copyAll; }

private:
    void fillFiles(const ImportResultInfo& summary);
    void fillSkipped(const ImportResultInfo& summary);
    QTableWidget* m_files = nullptr;
    QTableWidget* m_skipped = nullptr;
    QPushButton* m_copyAll = nullptr;
    QString m_text;
};
