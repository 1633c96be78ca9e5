// Binds ImportJob to storage's capture importer.

#include "app/viewmodels/importjob.h"

ImportFunction storeImportFunction()
{
    return [](const QString&, const QStringList& files, const std::function<bool(const ImportProgressInfo&)>&) {
        ImportSummary summary;
        for (const QString& f : files)
            summary.failed.push_back({f, QObject::tr("the capture importer is not available in this build")});
        return summary;
    };
}
