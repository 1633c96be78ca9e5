#pragma once

// Background import of capture files into a store: progress (bytes and records) delivered on the GUI thread,
// throttled; cancel between batches; a summary listing skipped records and failed files.

#include <QFutureWatcher>
#include <QObject>
#include <QStringList>
#include <atomic>
#include <functional>
#include <vector>

struct ImportProgressInfo
{
    qint64 bytesRead = 0;  ///< over all files
    qint64 bytesTotal = 0; ///< over all files
    qint64 records = 0;    ///< records read so far, all files
    int fileIndex = 0;     ///< 0-based
    int fileCount = 0;
    QString currentFile;
};

struct SkippedRecordInfo
{
    QString file;
    qint64 record = 0;     ///< counted from 1 (as in every message); 0 for the "… more" line
    qint64 byteOffset = 0; ///< where the problem is; -1 for the "… more" line
    qint64 line = 0;       ///< from 1; 0 unknown
    qint64 column = 0;
    QString reason;
};

/// What happened to one input file, in the importer's own terms (the GUI words it; nothing is parsed from text).
enum class FileOutcome {
    Imported,        ///< read and stored (records may have been skipped)
    AlreadyImported, ///< the same bytes were imported before: nothing added
    NotCapture,      ///< not a capture (notCaptureReason says what it is instead)
    Sidecar,         ///< a known file that belongs next to captures (manifest, checksum): listed, not read
    Failed,          ///< refused as a whole (failure position and detail say where and why)
    Cancelled,       ///< was being imported when the import was cancelled: rolled back
    NotStarted,      ///< never started: the import was cancelled (or the store failed) before it
    Missing,         ///< does not exist or cannot be listed
};

struct FailedFileInfo
{
    QString file;
    QString reason; ///< the whole message: position and detail (as the CLI prints it)
    // Structured, for display without parsing `reason`:
    FileOutcome kind = FileOutcome::Failed; ///< Failed, NotCapture, Cancelled or Missing
    qint64 record = 0;                      ///< counted from 1; 0 when no record position is known
    qint64 byteOffset = -1;                 ///< -1 when unknown
    qint64 line = 0;                        ///< from 1; 0 unknown
    qint64 column = 0;
    QString detail; ///< the reason without the position
};

/// One input file of the import with its outcome and counts (every file the importer listed, in its order).
struct FileOutcomeInfo
{
    QString file;
    FileOutcome outcome = FileOutcome::Imported;
    QString format; ///< shape(s) detected, e.g. "lambda-dynamodb"
    qint64 records = 0;
    qint64 inserted = 0;
    qint64 duplicates = 0;
    qint64 conflicts = 0;
    qint64 skipped = 0;
    QString detail;    ///< Failed: the reason; NotCapture / Sidecar: what the file is
    qint64 record = 0; ///< Failed: the record it failed at, from 1 (0: none)
    qint64 byteOffset = -1;
    qint64 line = 0;
    qint64 column = 0;
};

/// What the GUI shows of a finished import (storage::ImportSummary converted to display text: counts, skipped
/// records and failed files with their reasons).
struct ImportResultInfo
{
    int filesImported = 0;
    int filesAlreadyImported = 0;
    qint64 inserted = 0;
    qint64 duplicates = 0;
    qint64 conflicts = 0;
    std::vector<SkippedRecordInfo> skipped;
    std::vector<FailedFileInfo> failed; ///< files not imported (never-started files are not among them)
    /// Files the import never started because it was cancelled (or the store failed) before them.
    int filesNotStarted = 0;
    /// Every file with its outcome, in import order (not-started ones included).
    std::vector<FileOutcomeInfo> files;
    bool cancelled = false;
    QString storeError; ///< the store itself could not be opened/written
};

/// Imports `files` into the store at `storePath`; calls `progress` (from the worker) and stops when it returns false.
using ImportFunction = std::function<ImportResultInfo(const QString& storePath, const QStringList& files,
                                                      const std::function<bool(const ImportProgressInfo&)>& progress)>;

/// The production import function (storage's capture importer).
ImportFunction storeImportFunction();

namespace storage {
struct ImportSummary;
}
/// storage's summary -> the GUI's (skipped records with file, index, offset, reason; failed files).
ImportResultInfo convertImportSummary(const storage::ImportSummary& summary);

class ImportJob : public QObject
{
    Q_OBJECT
public:
    explicit ImportJob(QObject* parent = nullptr, ImportFunction function = storeImportFunction());
    ~ImportJob() override;

    /// The files an import of `paths` takes: storage::expandInputPaths, the CLI's expansion (folders searched
    /// recursively, every file, hidden files and folders skipped, sorted). Missing paths are left out.
    static QStringList expandPaths(const QStringList& paths);

    /// Starts importing (precondition: !isRunning()). `paths` go to the importer as the user named them (files or
    /// folders): it expands folders itself, exactly as `streamscope import` does.
    void start(const QString& storePath, const QStringList& paths);
    void cancel();
    bool isRunning() const { return m_running; }
    /// Minimum interval between progress signals.
    void setProgressIntervalMs(int ms) { m_intervalMs = ms; }

Q_SIGNALS:
    void progressChanged(const ImportProgressInfo& progress);
    void finished(const ImportResultInfo& summary);

private:
    ImportFunction m_function;
    QFutureWatcher<ImportResultInfo> m_watcher;
    std::atomic<bool> m_cancel{false};
    bool m_running = false;
    int m_intervalMs = 50;
};

Q_DECLARE_METATYPE(ImportProgressInfo)
Q_DECLARE_METATYPE(ImportResultInfo)
