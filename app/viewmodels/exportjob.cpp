#include "app/viewmodels/exportjob.h"

#include "app/viewmodels/formatting.h"
#include "storage/store/store.h"

using formatting::fromStd;

ExportFunction storeExportFunction()
{
    return [](const ExportRequest& request, const UserJob::Progress& progress) -> ExportOutcome {
        // One connection per thread: the export opens its own (the session's belongs to the GUI thread).
        auto store = storage::Store::open(request.storePath.toStdString(), storage::Database::OpenMode::ReadOnly);
        if (!store)
            return {fromStd(store.error().message), false, std::nullopt};
        const storage::DeliveryProgress onProgress = [&progress](std::int64_t done, std::int64_t total) {
            return !progress || progress(done, total);
        };
        auto report = storage::exportRecords(*store, request.selection, request.options, onProgress);
        if (!report)
            return {fromStd(report.error().message), report.error().kind == storage::Error::Kind::Interrupted,
                    std::nullopt};
        return {QString(), false, std::move(*report)};
    };
}

ExportJob::ExportJob(QObject* parent, ExportFunction function)
    : UserJob(parent)
    , m_function(std::move(function))
{
    qRegisterMetaType<ExportOutcome>();
}

void ExportJob::start(ExportRequest request)
{
    launch<ExportOutcome>([function = m_function, request = std::move(request)](
                              const Progress& progress) { return function(request, progress); },
                          [this](ExportOutcome outcome, bool cancelled) {
                              if (cancelled && !outcome.report)
                                  outcome.cancelled = true;
                              Q_EMIT finished(outcome);
                          });
}

ExportOutcome ExportJob::runNow(const ExportRequest& request) const
{
    return m_function(request, {});
}

QStringList ExportJob::existingExportFiles(const QString& folder)
{
    QStringList files;
    for (const auto& file : storage::existingExportFiles(folder.toStdString()))
        files << fromStd(file);
    return files;
}
