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

/// The result of an import: counts, then every skipped record and failed file with file, record index,
/// byte offset and reason.
class ImportSummaryDialog : public QDialog
{
    Q_OBJECT
public:
    ImportSummaryDialog(const ImportResultInfo& summary, QWidget* parent = nullptr);
    /// One-line text for the status bar.
    static QString oneLine(const ImportResultInfo& summary);
};
