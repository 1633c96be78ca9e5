// Binds ImportJob to storage's capture importer (storage::importCaptures on the job's worker thread, with its
// own read-write connection).

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/importjob.h"
#include "storage/history/findingstore.h"
#include "storage/import/captureimporter.h"
#include "storage/store/store.h"

using formatting::fromStd;

namespace {

using Status = storage::FileImportResult::Status;

/// A file the import never reached after a cancel or a store error is marked cancelled without having run (the
/// importer times every file it starts); the file being imported at the cancel has run.
bool neverStarted(const storage::FileImportResult& f)
{
    return f.status == Status::Cancelled && f.seconds <= 0 && f.records == 0 && f.skipped == 0;
}

FileOutcome outcomeOf(const storage::FileImportResult& f)
{
    switch (f.status) {
    case Status::Imported:
        return FileOutcome::Imported;
    case Status::AlreadyImported:
        return FileOutcome::AlreadyImported;
    case Status::NotCapture:
        return FileOutcome::NotCapture;
    case Status::Sidecar:
        return FileOutcome::Sidecar;
    case Status::Failed:
        return FileOutcome::Failed;
    case Status::Cancelled:
        return neverStarted(f) ? FileOutcome::NotStarted : FileOutcome::Cancelled;
    case Status::StoreFailed: // the store failed, not this file: said once as storeError
        return FileOutcome::Failed;
    case Status::NotStarted:
        return FileOutcome::NotStarted;
    }
    return FileOutcome::Failed;
}

FileOutcomeInfo fileOutcome(const storage::FileImportResult& f)
{
    FileOutcomeInfo info;
    info.file = fromStd(f.path);
    info.outcome = outcomeOf(f);
    info.format = fromStd(f.format);
    info.records = f.records;
    info.inserted = f.inserted;
    info.duplicates = f.duplicates;
    info.conflicts = f.conflicts;
    info.skipped = f.skipped;
    if (info.outcome == FileOutcome::NotCapture || info.outcome == FileOutcome::Sidecar)
        info.detail = fromStd(f.notCaptureReason);
    if (f.status == Status::StoreFailed || f.status == Status::NotStarted) {
        info.detail = fromStd(f.notImportedReason);
        return info;
    }
    if (info.outcome == FileOutcome::Failed && f.failure) {
        info.detail = fromStd(f.failure->reason);
        info.record = f.failure->recordIndex + 1;
        info.byteOffset = static_cast<qint64>(f.failure->byteOffset);
        info.line = static_cast<qint64>(f.failure->line);
        info.column = static_cast<qint64>(f.failure->column);
    }
    return info;
}

/// The failed-file entry of a file that was not imported; nullopt for imported, sidecar and never-started files.
std::optional<FailedFileInfo> failedEntry(const storage::FileImportResult& f, const FileOutcomeInfo& info)
{
    FailedFileInfo failed;
    failed.file = info.file;
    failed.kind = info.outcome;
    switch (info.outcome) {
    case FileOutcome::NotCapture:
        failed.detail = info.detail;
        failed.reason = QObject::tr("not a capture: %1").arg(info.detail);
        return failed;
    case FileOutcome::Failed:
        if (f.status == Status::StoreFailed) {
            failed.detail = info.detail;
            failed.reason = QObject::tr("not imported: %1").arg(info.detail);
            return failed;
        }
        if (!f.failure) {
            failed.reason = failed.detail = QObject::tr("failed");
            return failed;
        }
        failed.detail = info.detail;
        failed.record = info.record;
        failed.byteOffset = info.byteOffset;
        failed.line = info.line;
        failed.column = info.column;
        failed.reason = fromStd(storage::recordPositionText(*f.failure)) + QStringLiteral(": ") + info.detail;
        return failed;
    case FileOutcome::Cancelled:
        failed.reason = failed.detail = QObject::tr("cancelled: rolled back, nothing of this file was kept");
        return failed;
    default:
        return std::nullopt;
    }
}

void addSkipped(ImportResultInfo& out, const QString& file, const storage::FileImportResult& f)
{
    for (const auto& issue : f.skippedRecords)
        out.skipped.push_back({file, issue.recordIndex + 1, static_cast<qint64>(issue.byteOffset),
                               static_cast<qint64>(issue.line), static_cast<qint64>(issue.column),
                               fromStd(issue.reason)});
    // Only the first 100 skipped records of a file are itemised; say how many more there were.
    if (f.skipped > static_cast<std::int64_t>(f.skippedRecords.size()))
        out.skipped.push_back({file, 0, -1, 0, 0,
                               QObject::tr("… and %L1 more skipped records")
                                   .arg(f.skipped - static_cast<std::int64_t>(f.skippedRecords.size()))});
}

} // namespace

ImportResultInfo convertImportSummary(const storage::ImportSummary& in)
{
    ImportResultInfo out;
    out.cancelled = in.cancelled;
    if (in.storeError)
        out.storeError = fromStd(in.storeError->message);
    for (const auto& path : in.inputErrors) {
        FailedFileInfo missing;
        missing.file = fromStd(path);
        missing.kind = FileOutcome::Missing;
        missing.reason = missing.detail = QObject::tr("does not exist or cannot be read");
        out.failed.push_back(missing);
        FileOutcomeInfo info;
        info.file = missing.file;
        info.outcome = FileOutcome::Missing;
        info.detail = missing.detail;
        out.files.push_back(info);
    }
    for (const auto& f : in.files) {
        FileOutcomeInfo info = fileOutcome(f);
        if (info.outcome == FileOutcome::Imported)
            ++out.filesImported;
        else if (info.outcome == FileOutcome::AlreadyImported)
            ++out.filesAlreadyImported;
        else if (info.outcome == FileOutcome::NotStarted)
            ++out.filesNotStarted;
        if (auto failed = failedEntry(f, info))
            out.failed.push_back(std::move(*failed));
        out.inserted += f.inserted;
        out.duplicates += f.duplicates;
        out.conflicts += f.conflicts;
        addSkipped(out, info.file, f);
        out.files.push_back(std::move(info));
    }
    return out;
}

ImportFunction storeImportFunction()
{
    return [](const QString& storePath, const QStringList& files,
              const std::function<bool(const ImportProgressInfo&)>& progress) {
        auto store = storage::Store::open(storePath.toStdString(), storage::Database::OpenMode::ReadWrite);
        if (!store) {
            ImportResultInfo failed;
            failed.storeError = fromStd(store.error().message);
            return failed;
        }
        std::vector<std::string> paths;
        for (const QString& f : files)
            paths.push_back(f.toStdString());
        ImportProgressInfo last;
        const auto onProgress = [&progress, &last](const storage::ImportProgress& p) {
            ImportProgressInfo& info = last;
            info.bytesRead = static_cast<qint64>(p.bytesRead);
            info.bytesTotal = static_cast<qint64>(p.bytesTotal);
            info.records = p.recordsRead;
            info.fileIndex = static_cast<int>(std::min(p.filesDone, p.filesTotal - 1));
            info.fileCount = static_cast<int>(p.filesTotal);
            info.currentFile = fromStd(p.currentFile);
            return progress(info);
        };
        const auto summary = storage::importCaptures(store->database(), paths, {}, onProgress);
        if (!summary.cancelled && !summary.storeError) {
            // The findings kept in the store brought up to date (only the keys with new records audited again), so
            // the findings panel reads them; a failure or a cancel leaves them stale and the panel audits instead.
            static_cast<void>(storage::updateStoredFindings(*store, [&](std::int64_t) { return progress(last); }));
        }
        return convertImportSummary(summary);
    };
}
