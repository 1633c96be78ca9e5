// Binds ImportJob to storage's capture importer (storage::importCaptures on the job's worker thread, with its
// own read-write connection).

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/importjob.h"
#include "storage/import/captureimporter.h"
#include "storage/store/store.h"

using formatting::fromStd;

ImportResultInfo convertImportSummary(const storage::ImportSummary& in)
{
    ImportResultInfo out;
    out.cancelled = in.cancelled;
    if (in.storeError)
        out.storeError = fromStd(in.storeError->message);
    for (const auto& path : in.inputErrors)
        out.failed.push_back({fromStd(path), QObject::tr("does not exist or cannot be read")});
    for (const auto& f : in.files) {
        const QString file = fromStd(f.path);
        switch (f.status) {
        case storage::FileImportResult::Status::Imported:
            ++out.filesImported;
            break;
        case storage::FileImportResult::Status::AlreadyImported:
            ++out.filesAlreadyImported;
            break;
        case storage::FileImportResult::Status::NotCapture:
            out.failed.push_back({file, QObject::tr("not a capture: %1").arg(fromStd(f.notCaptureReason))});
            break;
        case storage::FileImportResult::Status::Failed:
            if (f.failure)
                out.failed.push_back({file,
                                      fromStd(storage::recordPositionText(*f.failure)) + QStringLiteral(": ")
                                          + fromStd(f.failure->reason)});
            else
                out.failed.push_back({file, QObject::tr("failed")});
            break;
        case storage::FileImportResult::Status::Sidecar:
            break; // a file of a known layout next to the captures (manifest, checksum): nothing to import
        case storage::FileImportResult::Status::Cancelled:
            out.failed.push_back({file, QObject::tr("cancelled: rolled back, nothing of this file was kept")});
            break;
        case storage::FileImportResult::Status::StoreFailed: // the store's error is storeError, shown once
            out.failed.push_back({file, QObject::tr("not imported: %1").arg(fromStd(f.notImportedReason))});
            break;
        case storage::FileImportResult::Status::NotStarted:
            out.failed.push_back({file, QObject::tr("not started: the import stopped when the store failed")});
            break;
        }
        out.inserted += f.inserted;
        out.duplicates += f.duplicates;
        out.conflicts += f.conflicts;
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
        const auto onProgress = [&progress](const storage::ImportProgress& p) {
            ImportProgressInfo info;
            info.bytesRead = static_cast<qint64>(p.bytesRead);
            info.bytesTotal = static_cast<qint64>(p.bytesTotal);
            info.records = p.recordsRead;
            info.fileIndex = static_cast<int>(std::min(p.filesDone, p.filesTotal - 1));
            info.fileCount = static_cast<int>(p.filesTotal);
            info.currentFile = fromStd(p.currentFile);
            return progress(info);
        };
        return convertImportSummary(storage::importCaptures(store->database(), paths, {}, onProgress));
    };
}
